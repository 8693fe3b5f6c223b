package backup

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/upshot-app/upshot/internal/upshot"
)

// The store's services are all scoped by owner, as they must be. A backup is
// the one job that handles every owner at once (the users table, id counters,
// "is this database empty"), so the few queries for that live here, on the
// raw handle, and touch nothing but those whole-database facts.

// userRow is a person as the users table holds them.
type userRow struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	CreatedAt string `json:"created_at"` // the store's timestamp text, kept byte for byte
}

// storedTime is the store's timestamp layout (UTC, microseconds).
const storedTime = "2006-01-02T15:04:05.000000Z"

func (u userRow) check() error {
	if u.ID <= 0 {
		return upshot.Invalid("users", "a user id must be a positive whole number, got %d", u.ID)
	}
	if strings.TrimSpace(u.Name) == "" {
		return upshot.Invalid("users", "user %d has no name", u.ID)
	}
	if err := upshot.CheckText("name", u.Name, upshot.MaxNameLen, false); err != nil {
		return upshot.Invalid("users", "user %d: %s", u.ID, upshot.ErrorMessage(err))
	}
	if _, err := time.Parse(storedTime, u.CreatedAt); err != nil {
		return upshot.Invalid("users", "user %d: created_at %q is not a stored time", u.ID, u.CreatedAt)
	}
	return nil
}

// counterKinds are the record kinds with id counters (store's id_counters).
var counterKinds = []string{"therapist", "goal", "session", "checkin"}

// querier is a *sql.DB or a *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// rebind turns ? placeholders into $1, $2, ... for PostgreSQL.
func rebind(dialect, q string) string {
	if dialect != "postgres" {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func listUsers(ctx context.Context, q querier) ([]userRow, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, name, created_at FROM users ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("backup: list users: %w", err)
	}
	defer rows.Close()
	var users []userRow
	for rows.Next() {
		var u userRow
		if err := rows.Scan(&u.ID, &u.Name, &u.CreatedAt); err != nil {
			return nil, fmt.Errorf("backup: list users: %w", err)
		}
		users = append(users, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("backup: list users: %w", err)
	}
	return users, nil
}

func readCounters(ctx context.Context, q querier, dialect string, owner int64) (map[string]int64, error) {
	rows, err := q.QueryContext(ctx, rebind(dialect, `SELECT kind, last_id FROM id_counters WHERE owner_id = ?`), owner)
	if err != nil {
		return nil, fmt.Errorf("backup: read id counters: %w", err)
	}
	defer rows.Close()
	counters := map[string]int64{}
	for rows.Next() {
		var kind string
		var last int64
		if err := rows.Scan(&kind, &last); err != nil {
			return nil, fmt.Errorf("backup: read id counters: %w", err)
		}
		counters[kind] = last
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("backup: read id counters: %w", err)
	}
	return counters, nil
}

// recordCounts counts records over every owner: "empty" for a restore means
// nobody's records, not just the default owner's.
func recordCounts(ctx context.Context, q querier) (Counts, error) {
	var c Counts
	for _, x := range []struct {
		table string
		n     *int
	}{{"therapists", &c.Therapists}, {"goals", &c.Goals}, {"sessions", &c.Sessions}, {"checkins", &c.CheckIns}} {
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+x.table).Scan(x.n); err != nil {
			return c, fmt.Errorf("backup: count %s: %w", x.table, err)
		}
	}
	return c, nil
}

// integrityCheck runs SQLite's full check; anything but a single "ok" is
// damage, and the first few problems are reported.
func integrityCheck(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		problems = append(problems, s)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(problems) == 1 && problems[0] == "ok" {
		return nil
	}
	if len(problems) > 3 {
		problems = append(problems[:3], "...")
	}
	return fmt.Errorf("integrity_check: %s", strings.Join(problems, "; "))
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/upshot-app/upshot/internal/upshot"
)

// Whole-database operations, for backups and restores: every other service
// is scoped by owner, as it must be. These are the only ones that see every
// owner at once, and they live here so that the store's SQL, timestamp
// layout and id counters stay the store's own.

// recordTables hold people's records: a database is empty when none of
// them has a row, for anyone. Every table of the schema is either one of
// these, or carried by Export/Import, Owners or Counters
// (TestBackupCoversEveryTable in internal/backup fails on one that is not).
var recordTables = []string{"therapists", "goals", "sessions", "checkins"}

// sha256Hex is the form of a stored token hash.
var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Owner is a person as the users table holds them: what a whole-database
// backup keeps of them besides their export and id counters.
type Owner struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	CreatedAt string `json:"created_at"` // the stored timestamp text, kept byte for byte
	// The account (schema 4): absent in older backups. A restored account
	// signs in with the password it had; the hash is as secret as the
	// records beside it in the backup.
	Login             string `json:"login,omitempty"`
	PasswordHash      string `json:"password_hash,omitempty"`
	PasswordChangedAt string `json:"password_changed_at,omitempty"`
	DisabledAt        string `json:"disabled_at,omitempty"`
	// The calendar feed (schema 5): the hash of its address's secret and
	// when it was made, so a restored install keeps the person's calendar
	// subscription working. Absent when they have none.
	CalendarTokenHash string `json:"calendar_token_hash,omitempty"`
	CalendarSince     string `json:"calendar_since,omitempty"`
}

// Check refuses an owner that could not have come from a store.
func (o Owner) Check() error {
	if o.ID <= 0 || o.ID > upshot.MaxID {
		return upshot.Invalid("users", "a user id must be a whole number from 1 to %d, got %d", upshot.MaxID, o.ID)
	}
	if strings.TrimSpace(o.Name) == "" {
		return upshot.Invalid("users", "user %d has no name", o.ID)
	}
	if err := upshot.CheckText("name", o.Name, upshot.MaxNameLen, false); err != nil {
		return upshot.Invalid("users", "user %d: %s", o.ID, upshot.ErrorMessage(err))
	}
	if _, err := time.Parse(timestampLayout, o.CreatedAt); err != nil {
		return upshot.Invalid("users", "user %d: created_at %q is not a stored time", o.ID, o.CreatedAt)
	}
	if o.Login != "" {
		if err := upshot.CheckLogin("login", o.Login); err != nil {
			return upshot.Invalid("users", "user %d: %s", o.ID, upshot.ErrorMessage(err))
		}
	}
	// The hash is checked for its form only (it is verified at sign-in):
	// an argon2id PHC string of a sane length.
	if o.PasswordHash != "" && (!strings.HasPrefix(o.PasswordHash, "$argon2id$") || len(o.PasswordHash) > 256) {
		return upshot.Invalid("users", "user %d: password_hash is not an argon2id hash", o.ID)
	}
	if (o.CalendarTokenHash == "") != (o.CalendarSince == "") || o.CalendarTokenHash != "" && !sha256Hex.MatchString(o.CalendarTokenHash) {
		return upshot.Invalid("users", "user %d: calendar_token_hash must be a SHA-256 in lower-case hex, given with calendar_since", o.ID)
	}
	for name, v := range map[string]string{"password_changed_at": o.PasswordChangedAt, "disabled_at": o.DisabledAt, "calendar_since": o.CalendarSince} {
		if _, err := time.Parse(timestampLayout, v); v != "" && err != nil {
			return upshot.Invalid("users", "user %d: %s %q is not a stored time", o.ID, name, v)
		}
	}
	return nil
}

// CheckCounters refuses id counters of unknown kinds or out of range.
func CheckCounters(owner int64, counters map[string]int64) error {
	for kind, n := range counters {
		known := false
		for _, k := range counterKinds {
			known = known || k == kind
		}
		if !known || n < 0 || n > upshot.MaxID {
			return upshot.Invalid("users", "user %d: id counter %s = %d is not valid (counters are 0 to %d)", owner, kind, n, upshot.MaxID)
		}
	}
	return nil
}

// Owners lists every person in the database, by id.
func (db *DB) Owners(ctx context.Context) ([]Owner, error) {
	var owners []Owner
	err := db.read(ctx, func(t *tx) error {
		rows, err := t.query(ctx, `SELECT u.id, u.name, u.created_at, u.login, u.password_hash, u.password_changed_at, u.disabled_at, f.token_hash, f.created_at
			FROM users u LEFT JOIN calendar_feeds f ON f.owner_id = u.id ORDER BY u.id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var o Owner
			var login, hash, changed, disabled, feed, feedSince sql.NullString
			if err := rows.Scan(&o.ID, &o.Name, &o.CreatedAt, &login, &hash, &changed, &disabled, &feed, &feedSince); err != nil {
				return err
			}
			o.Login, o.PasswordHash, o.PasswordChangedAt, o.DisabledAt = login.String, hash.String, changed.String, disabled.String
			o.CalendarTokenHash, o.CalendarSince = feed.String, feedSince.String
			owners = append(owners, o)
		}
		return rows.Err()
	})
	return owners, err
}

// Counters returns the owner's id counters: the last id handed out of each
// kind, which may be past the highest id stored (deleted records).
func (db *DB) Counters(ctx context.Context, owner upshot.OwnerID) (map[string]int64, error) {
	var counters map[string]int64
	err := db.read(ctx, func(t *tx) (err error) {
		counters, err = readCounters(ctx, t, owner)
		return err
	})
	return counters, err
}

func readCounters(ctx context.Context, t *tx, owner upshot.OwnerID) (map[string]int64, error) {
	rows, err := t.query(ctx, `SELECT kind, last_id FROM id_counters WHERE owner_id = ?`, int64(owner))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	counters := map[string]int64{}
	for rows.Next() {
		var kind string
		var last int64
		if err := rows.Scan(&kind, &last); err != nil {
			return nil, err
		}
		counters[kind] = last
	}
	return counters, rows.Err()
}

// RecordCounts are the records in a database, over every owner.
type RecordCounts struct {
	Therapists, Goals, Sessions, CheckIns int
}

func countRecords(ctx context.Context, t *tx) (RecordCounts, error) {
	var n [4]int
	for i, table := range recordTables {
		var err error
		if n[i], err = count(ctx, t, `SELECT COUNT(*) FROM `+table); err != nil {
			return RecordCounts{}, err
		}
	}
	return RecordCounts{n[0], n[1], n[2], n[3]}, nil
}

// Person is one owner to restore, whole.
type Person struct {
	Owner    Owner
	Counters map[string]int64
	Snapshot *upshot.Snapshot // checked as an import (archive.Decode)
}

// Restore loads people into a database that holds no records for anyone, in
// one transaction: everything or nothing. load calls put for each person in
// turn (so only one need be in memory at a time); each keeps their user id,
// name, creation time, record ids, record meta, settings, definitions and id
// counters, so ids used before the backup are never handed out again. load
// may be called more than once (a retried transaction) and must give the
// same people each time. It is cancelled between records when ctx ends.
//
// The emptiness check holds under concurrency: the transaction first locks
// every user's row (PostgreSQL; SQLite's writes are serialised anyway), which
// an import or another restore into the same database also locks, so of two
// at once the second sees the first's records and is refused (ECONFLICT).
func (db *DB) Restore(ctx context.Context, load func(put func(Person) error) error) error {
	now := db.now()
	return db.writeAll(ctx, func(t *tx) error {
		if _, err := t.exec(ctx, `UPDATE users SET revision = revision + 1,
			sessions_changed = revision + 1, checkins_changed = revision + 1`); err != nil {
			return err
		}
		have, err := countRecords(ctx, t)
		if err != nil {
			return err
		}
		if have != (RecordCounts{}) {
			return upshot.Errorf(upshot.ECONFLICT, "db",
				"restore needs an empty database, but this one already has %d therapists, %d goals, %d sessions and %d check-ins; nothing was restored (restore into a new database)",
				have.Therapists, have.Goals, have.Sessions, have.CheckIns)
		}
		inserted := false
		err = load(func(p Person) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := p.Owner.Check(); err != nil {
				return err
			}
			if err := CheckCounters(p.Owner.ID, p.Counters); err != nil {
				return err
			}
			owner := upshot.OwnerID(p.Owner.ID)
			// A backup from before accounts has no login: user 1 stays
			// the local account.
			o := p.Owner
			res, err := t.exec(ctx, `UPDATE users SET name = ?, created_at = ?, login = COALESCE(?, login), password_hash = ?, password_changed_at = ?, disabled_at = ? WHERE id = ?`,
				o.Name, o.CreatedAt, nullable(o.Login), nullable(o.PasswordHash), nullable(o.PasswordChangedAt), nullable(o.DisabledAt), o.ID)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 0 {
				if _, err := t.exec(ctx, `INSERT INTO users (id, name, created_at, login, password_hash, password_changed_at, disabled_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
					o.ID, o.Name, o.CreatedAt, nullable(o.Login), nullable(o.PasswordHash), nullable(o.PasswordChangedAt), nullable(o.DisabledAt)); err != nil {
					return err
				}
				inserted = true
			}
			if err := insertCounters(ctx, t, owner); err != nil {
				return err
			}
			// The backup's feed, or none: an address made in the empty
			// database before the restore is not the person's.
			if _, err := t.exec(ctx, `DELETE FROM calendar_feeds WHERE owner_id = ?`, o.ID); err != nil {
				return err
			}
			if o.CalendarTokenHash != "" {
				if _, err := t.exec(ctx, `INSERT INTO calendar_feeds (owner_id, token_hash, created_at) VALUES (?, ?, ?)`,
					o.ID, o.CalendarTokenHash, o.CalendarSince); err != nil {
					return err
				}
			}
			if err := db.importInto(ctx, t, owner, p.Snapshot, now); err != nil {
				var ue *upshot.Error
				if errors.As(err, &ue) {
					return &wrapped{upshot.Errorf(ue.Code, ue.Field, "user %d of the backup cannot be restored: %s", p.Owner.ID, ue.Message), err}
				}
				return err
			}
			// Only ever raised: the import moved them past every id it
			// stored, and a backup's counters may be further still.
			for kind, last := range p.Counters {
				if _, err := t.exec(ctx, `UPDATE id_counters SET last_id = ? WHERE owner_id = ? AND kind = ? AND last_id < ?`,
					last, int64(owner), kind, last); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil || !inserted || db.d != postgresDialect {
			return err
		}
		// Users were inserted with their ids, which does not move the
		// identity sequence; move it past them so the next new user does not
		// collide (SQLite's AUTOINCREMENT keeps track by itself).
		var seq string
		if err := t.queryRow(ctx, `SELECT pg_get_serial_sequence('users', 'id')`).Scan(&seq); err != nil {
			return err
		}
		_, err = t.tx.ExecContext(t.context(ctx), `SELECT setval($1::regclass, GREATEST((SELECT MAX(id) FROM users), (SELECT last_value FROM `+seq+`)))`, seq)
		return err
	})
}

// BackupSQLite writes a consistent copy of a SQLite database to path (which
// must not exist) while others keep writing: VACUUM INTO reads the database
// in one read transaction (in WAL mode writers go on meanwhile) and writes a
// compact, complete file, made private (0600: it holds everything).
func (db *DB) BackupSQLite(ctx context.Context, path string) error {
	if db.d != sqliteDialect {
		return fmt.Errorf("store: BackupSQLite on a %s database", db.d.name)
	}
	if _, err := db.db.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("store: copy the database: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// CheckSQLiteFile runs SQLite's full integrity check on the database file at
// path, without migrating or otherwise changing it. Anything but a single
// "ok" is damage; the first few problems are reported.
func CheckSQLiteFile(ctx context.Context, path string) error {
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		return err
	}
	defer raw.Close()
	rows, err := raw.QueryContext(ctx, `PRAGMA integrity_check`)
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

// Working copies. A backup or a restore needs a short-lived copy of the
// whole database (SQLite reads a database only from a file). It never goes
// to $TMPDIR, which may be shared, swept by others or synced: it stays in the
// database's own directory (private, 0700 within a 0700 directory), and a
// copy left behind by a crash is removed the next time Upshot opens that
// database or makes a working copy there.

// workPrefix starts a working directory's name; the owning process id follows.
const workPrefix = ".upshot-work-"

// DataDir is Upshot's data directory (where the default database lives),
// created private if missing: the working directory for a database that has
// no directory of its own (PostgreSQL) or for checking a backup.
func DataDir(getenv func(string) string) (string, error) {
	p, err := DefaultPath(getenv)
	if err != nil {
		return "", err
	}
	dir := filepath.Dir(p)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create the data directory: %w", err)
	}
	return dir, nil
}

// MakeWorkDir creates a private working directory in dir for this process,
// after removing the ones crashed processes left there. The caller removes
// it when done.
func MakeWorkDir(dir string) (string, error) {
	RemoveStaleWork(dir)
	w, err := os.MkdirTemp(dir, workPrefix+strconv.Itoa(os.Getpid())+"-")
	if err != nil {
		return "", fmt.Errorf("create a working directory: %w", err)
	}
	return w, nil
}

// RemoveStaleWork removes working directories in dir whose process is gone
// (a crash or a kill during a backup or restore). It reports what it
// removed; failures to remove are left for the next time.
func RemoveStaleWork(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var removed []string
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), workPrefix)
		if !ok || !e.IsDir() {
			continue
		}
		pidText, _, _ := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if err != nil || pid <= 0 || processAlive(pid) {
			continue
		}
		path := filepath.Join(dir, e.Name())
		if os.RemoveAll(path) == nil {
			removed = append(removed, path)
		}
	}
	return removed
}

// processAlive reports whether a process with this id exists (signal 0
// checks without sending anything; EPERM means it exists as someone else).
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

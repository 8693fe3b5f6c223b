package cli_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"os"
	"strconv"
	"testing"

	"github.com/upshot-app/upshot/internal/store"
)

// TestOlderBinaryRefusesNewerDatabase: a database written by a newer Upshot
// (here: stamped with a schema one past the newest this binary knows) is
// refused by every command with a clear message and exit 1, and not a byte
// of it changes, whatever the command would have done.
func TestOlderBinaryRefusesNewerDatabase(t *testing.T) {
	t.Parallel()
	forEachBackendBinary(t, func(t *testing.T, e *env) {
		record(e)
		db, err := store.Open(context.Background(), e.dsn)
		if err != nil {
			t.Fatal(err)
		}
		_, known, err := db.SchemaVersion(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		newer := strconv.FormatInt(known+1, 10)
		if _, err := db.SQL().Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (` + newer + `, TRUE)`); err != nil {
			t.Fatal(err)
		}
		if e.backend == "sqlite" {
			if _, err := db.SQL().Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
				t.Fatal(err)
			}
		}
		db.Close()
		before := fingerprint(t, e)

		want := "upshot: --db: this database was written by a newer Upshot (schema " + newer + "); this Upshot knows up to " +
			strconv.FormatInt(known, 10) + " — upgrade Upshot\n"
		for _, args := range [][]string{
			{"session", "list"},
			{"session", "add", "--therapist", "1", "--date", "2024-03-05"},
			{"settings", "set", "recent_window", "5"},
			{"export"},
			{"import", "/dev/null"}, // refused for the file before the database is opened
			{"demo"},
			{"backup", "-o", t.TempDir() + "/b.upshot"},
		} {
			r := e.run(args...)
			if args[0] == "import" {
				if r.code != 2 {
					t.Errorf("%s", r)
				}
				continue
			}
			if r.code != 1 || r.stdout != "" || r.stderr != want {
				t.Errorf("want exit 1 and %q:\n%s", want, r)
			}
			if after := fingerprint(t, e); after != before {
				t.Fatalf("upshot %v changed a newer database", args)
			}
		}
	})
}

// fingerprint is the SQLite file's SHA-256, or for PostgreSQL its tables,
// schema versions and row counts.
func fingerprint(t *testing.T, e *env) string {
	t.Helper()
	if e.backend == "sqlite" {
		data, err := os.ReadFile(e.dsn)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		return hex.EncodeToString(sum[:])
	}
	conn, err := sql.Open("pgx", e.dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var tables, versions, counts string
	for q, v := range map[string]*string{
		`SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables WHERE table_schema = current_schema()`: &tables,
		`SELECT string_agg(version_id::text || '=' || is_applied::text, ',' ORDER BY id) FROM goose_db_version`:                       &versions,
		`SELECT (SELECT COUNT(*) FROM therapists) || '/' || (SELECT COUNT(*) FROM sessions) || '/' || (SELECT COUNT(*) FROM checkins)
			|| '/' || (SELECT COUNT(*) FROM settings) || '/' || (SELECT MAX(updated_at) FROM sessions)`: &counts,
	} {
		if err := conn.QueryRow(q).Scan(v); err != nil {
			t.Fatal(err)
		}
	}
	return tables + " | " + versions + " | " + counts
}

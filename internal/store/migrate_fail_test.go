package store_test

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/store/storetest"
)

// A failed migration must leave the database as it was. The store has no
// seam for a test-only set of migrations (migrate reads the embedded files),
// so the failure is made with the real ones: a database stamped at schema 0
// that already holds a table the first migration creates last ("settings",
// with a row in it). The migration then creates every other table and fails
// on that one; it runs in one transaction, so all of it must roll back.

// stampedAtZero returns a database on which migrating to schema 1 fails at
// its last statement, and the newest schema this build knows.
func stampedAtZero(t *testing.T, backend string) (dsn string, known int64) {
	t.Helper()
	dsn = storetest.DSN(t, backend)
	db, err := store.Open(ctx, dsn)
	must(t, err)
	_, known, err = db.SchemaVersion(ctx)
	must(t, err)
	must(t, db.Close())

	driver := "pgx"
	if backend == "sqlite" {
		driver = "sqlite" // no pragmas: foreign keys off, so tables drop in any order
	}
	conn, err := sql.Open(driver, dsn)
	must(t, err)
	defer conn.Close()
	cascade := ""
	if backend == "postgres" {
		cascade = " CASCADE"
	}
	list := `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`
	if backend == "sqlite" {
		list = `SELECT name FROM sqlite_master WHERE type = 'table'`
	}
	rows, err := conn.QueryContext(ctx, list)
	must(t, err)
	stmts := []string{`DELETE FROM goose_db_version WHERE version_id > 0`}
	for rows.Next() {
		var table string
		must(t, rows.Scan(&table))
		switch table {
		case "goose_db_version", "settings", "sqlite_sequence":
		default:
			stmts = append(stmts, `DROP TABLE `+table+cascade)
		}
	}
	must(t, rows.Err())
	rows.Close()
	stmts = append(stmts, `INSERT INTO settings (owner_id, name, value) VALUES (1, 'recent_window', '6')`)
	for _, s := range stmts {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	if backend == "sqlite" {
		// Fold the WAL into the file, so the file alone is the database.
		if _, err := conn.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			t.Fatal(err)
		}
	}
	return dsn, known
}

// schemaFingerprint summarises a database for "did anything change": the
// SQLite file's bytes, or PostgreSQL's tables, applied versions and the
// settings rows.
func schemaFingerprint(t *testing.T, backend, dsn string) string {
	t.Helper()
	if backend == "sqlite" {
		data, err := os.ReadFile(dsn)
		must(t, err)
		sum := sha256.Sum256(data)
		return hex.EncodeToString(sum[:])
	}
	conn, err := sql.Open("pgx", dsn)
	must(t, err)
	defer conn.Close()
	var tables, versions, settings string
	must(t, conn.QueryRowContext(ctx, `SELECT string_agg(table_name, ',' ORDER BY table_name)
		FROM information_schema.tables WHERE table_schema = current_schema()`).Scan(&tables))
	must(t, conn.QueryRowContext(ctx, `SELECT string_agg(version_id::text || '=' || is_applied::text, ',' ORDER BY id)
		FROM goose_db_version`).Scan(&versions))
	must(t, conn.QueryRowContext(ctx, `SELECT string_agg(owner_id::text || ':' || name || '=' || value, ',' ORDER BY name)
		FROM settings`).Scan(&settings))
	return tables + " | " + versions + " | " + settings
}

func TestFailedMigrationChangesNothing(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			dsn, known := stampedAtZero(t, backend)
			before := schemaFingerprint(t, backend, dsn)
			if backend == "postgres" && before != "goose_db_version,settings | 0=true | 1:recent_window=6" {
				t.Fatalf("the crafted database is not what the test meant: %s", before)
			}

			db, err := store.Open(ctx, dsn)
			if err == nil {
				db.Close()
				t.Fatal("opened a database whose migration fails")
			}
			msg := err.Error()
			for _, want := range []string{"upgrade the database schema from version 0 to " + itoa(known) + " ", "nothing was changed by the failed step", "settings"} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not say %q", msg, want)
				}
			}
			if after := schemaFingerprint(t, backend, dsn); after != before {
				t.Fatalf("the failed migration changed the database:\nbefore %s\nafter  %s", before, after)
			}
			// Twice: a second attempt finds the same state, not a half-migrated one.
			if _, err := store.Open(ctx, dsn); err == nil || err.Error() != msg {
				t.Fatalf("second open: %v, want the same error", err)
			}
			if after := schemaFingerprint(t, backend, dsn); after != before {
				t.Fatalf("the second failed migration changed the database")
			}
		})
	}
}

// Package storetest gives tests of any package a real, fresh, private
// database on each backend: a SQLite file in a temporary directory, or a
// schema of its own in the PostgreSQL named by UPSHOT_TEST_POSTGRES_URL.
//
// Without that variable the PostgreSQL tests are skipped with a visible
// message, except under CI, where they fail: CI must test both databases.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/upshot-app/upshot/internal/store"
)

// PostgresEnv names the variable holding the PostgreSQL server URL for tests.
const PostgresEnv = "UPSHOT_TEST_POSTGRES_URL"

// Backends lists the backends every store-dependent test should run on, in
// the order their subtests appear: t.Run(backend, ...) makes the PostgreSQL
// run visible in `go test -v`.
func Backends(t testing.TB) []string {
	t.Helper()
	return []string{"sqlite", "postgres"}
}

// InCI reports whether the tests run in CI (CI set to anything but false).
func InCI() bool {
	ci := os.Getenv("CI")
	return ci != "" && ci != "false" && ci != "0"
}

// DSN returns the address of a fresh, empty database on backend ("sqlite" or
// "postgres") that is removed when the test ends; hand it to store.Open or to
// the upshot binary as UPSHOT_DB. For PostgreSQL it skips the test when
// UPSHOT_TEST_POSTGRES_URL is unset, or fails it under CI.
func DSN(t testing.TB, backend string) string {
	t.Helper()
	switch backend {
	case "sqlite":
		return filepath.Join(t.TempDir(), "upshot.db")
	case "postgres":
		return postgresDSN(t)
	}
	t.Fatalf("storetest: unknown backend %q (want sqlite or postgres)", backend)
	return ""
}

// Open opens a fresh database on backend, closed when the test ends.
func Open(t testing.TB, backend string) *store.DB {
	t.Helper()
	dsn := DSN(t, backend)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("storetest: open %s: %v", backend, err)
	}
	// Registered after the schema's cleanup, so it runs before the drop.
	t.Cleanup(func() { db.Close() })
	return db
}

// postgresDSN creates a schema named upshot_test_<random> and returns the
// server URL with search_path set to it (pgx passes unknown URL parameters to
// the server as run-time settings), so each test sees only its own tables.
func postgresDSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		if InCI() {
			t.Fatalf("%s must be set in CI: the store tests must run against PostgreSQL there", PostgresEnv)
		}
		t.Skipf("PostgreSQL not tested: set %s (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run this against PostgreSQL", PostgresEnv)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s is not a URL: %v", PostgresEnv, err)
	}
	var b [8]byte
	rand.Read(b[:])
	schema := "upshot_test_" + hex.EncodeToString(b[:])

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("storetest: open PostgreSQL: %v", err)
	}
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		admin.Close()
		t.Fatalf("storetest: create schema %s in PostgreSQL at %s: %v", schema, u.Redacted(), err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Errorf("storetest: drop schema %s: %v", schema, err)
		}
		admin.Close()
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

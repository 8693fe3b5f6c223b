package store_test

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/store/storetest"
	"github.com/upshot-app/upshot/internal/upshot"
)

// A counter at the limit refuses the next record with a message instead of
// breaking the database (an imported id of 2^63-1 once made every later
// session fail, "bigint out of range" on PostgreSQL).
func TestCounterNeverPassesTheLimit(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			db := storetest.Open(t, backend)
			th := &upshot.Therapist{Name: "A"}
			must(t, db.CreateTherapist(ctx, upshot.DefaultOwner, th))
			if _, err := db.SQL().Exec(rebind(backend, `UPDATE id_counters SET last_id = ? WHERE owner_id = 1 AND kind = 'session'`), upshot.MaxID-1); err != nil {
				t.Fatal(err)
			}
			last := &upshot.Session{TherapistID: th.ID, Date: day(2025, 1, 1)}
			must(t, db.CreateSession(ctx, upshot.DefaultOwner, last))
			if last.ID != upshot.MaxID {
				t.Fatalf("last session got id %d, want %d", last.ID, upshot.MaxID)
			}
			err := db.CreateSession(ctx, upshot.DefaultOwner, &upshot.Session{TherapistID: th.ID, Date: day(2025, 1, 2)})
			wantCode(t, err, upshot.ECONFLICT, "id")
			if !strings.Contains(err.Error(), "no session id is left") {
				t.Errorf("message %q", err)
			}
			counters, err := db.Counters(ctx, upshot.DefaultOwner)
			must(t, err)
			if counters["session"] != upshot.MaxID {
				t.Errorf("session counter %d after the refusal, want %d", counters["session"], upshot.MaxID)
			}
			// Other kinds go on.
			must(t, db.CreateTherapist(ctx, upshot.DefaultOwner, &upshot.Therapist{Name: "B"}))
		})
	}
}

func rebind(backend, q string) string {
	if backend != "postgres" {
		return q
	}
	for n := 1; strings.Contains(q, "?"); n++ {
		q = strings.Replace(q, "?", "$"+itoa(int64(n)), 1)
	}
	return q
}

// Two imports of different files into one empty database at once: exactly
// one succeeds, the other is refused, and the database holds one file, not
// both merged. On PostgreSQL the test holds a lock that stops any import at
// its first insert, after its "is the database empty" check, and lets go
// only once both imports are waiting (without the owner lock both then
// commit); on SQLite two handles on one file race.
func TestConcurrentImportsDoNotMerge(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			src := storetest.Open(t, backend)
			fill(t, src, upshot.DefaultOwner)
			a, err := src.Export(ctx, upshot.DefaultOwner)
			must(t, err)
			b, err := src.Export(ctx, upshot.DefaultOwner)
			must(t, err)
			// b: different ids, so the two files do not collide on keys.
			for _, th := range b.Therapists {
				th.ID += 100
			}
			for _, s := range b.Sessions {
				s.ID += 100
				s.TherapistID += 100
			}
			for _, c := range b.CheckIns {
				c.ID += 100
			}
			b.Goals, b.Settings = nil, nil
			for _, s := range b.Sessions {
				s.Goals = nil
			}

			dsn := storetest.DSN(t, backend)
			// Both imports' connections carry a name of their own, so the
			// test can see them wait for a lock (an import may wait while
			// preparing a statement on another connection of its pool).
			app := "import-race-" + itoa(time.Now().UnixNano())
			plain := dsn
			if backend == "postgres" {
				dsn += "&application_name=" + app
			}
			open := func() *store.DB {
				db, err := store.Open(ctx, dsn)
				must(t, err)
				t.Cleanup(func() { db.Close() })
				return db
			}
			dst1, dst2 := open(), open()
			release := func() {}
			// errs[i] is import i's result, readable once done[i] is closed.
			errs := make([]error, 2)
			done := []chan struct{}{make(chan struct{}), make(chan struct{})}
			if backend == "postgres" {
				// On a handle of its own: an import's pool needs its
				// connections.
				db, err := store.Open(ctx, plain)
				must(t, err)
				defer db.Close()
				holder, err := db.SQL().BeginTx(ctx, nil)
				must(t, err)
				defer holder.Rollback()
				if _, err := holder.Exec(`LOCK TABLE therapists IN SHARE MODE`); err != nil {
					t.Fatal(err)
				}
				release = func() {
					// Both imports waiting: on the holder, or on the import
					// that waits on the holder. An import that returned
					// while the holder still held its lock ends the wait
					// with what it returned. The deadline is only for a
					// hang: on a machine under heavy load the second import
					// may take many seconds to reach its first statement.
					deadline := time.Now().Add(2 * time.Minute)
					for {
						var n int
						must(t, holder.QueryRow(`SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, app).Scan(&n))
						if n >= 2 {
							break
						}
						for i := range done {
							select {
							case <-done[i]:
								t.Fatalf("import %d returned before the lock was released (%v), %d waiting", i+1, errs[i], n)
							default:
							}
						}
						if time.Now().After(deadline) {
							// What each of the imports' connections is doing,
							// so that a failure says where it hangs.
							rows, err := holder.Query(`SELECT coalesce(wait_event_type, ''), coalesce(wait_event, ''), coalesce(state, ''), query FROM pg_stat_activity WHERE application_name = $1`, app)
							must(t, err)
							for rows.Next() {
								var typ, event, state, query string
								must(t, rows.Scan(&typ, &event, &state, &query))
								t.Logf("an import's connection: %s, waiting on %q %q: %s", state, typ, event, query)
							}
							must(t, rows.Close())
							t.Fatalf("the two imports never both waited (%d waiting)", n)
						}
						time.Sleep(5 * time.Millisecond) // polling PostgreSQL's lock table, not standing in for it
					}
					must(t, holder.Rollback())
				}
			}
			var wg sync.WaitGroup
			for i, pair := range []struct {
				db   *store.DB
				snap *upshot.Snapshot
			}{{dst1, a}, {dst2, b}} {
				wg.Go(func() {
					defer close(done[i])
					c, cancel := context.WithTimeout(ctx, 5*time.Minute)
					defer cancel()
					errs[i] = pair.db.Import(c, upshot.DefaultOwner, pair.snap)
				})
			}
			release()
			wg.Wait()
			ok := 0
			for _, err := range errs {
				if err == nil {
					ok++
				} else if upshot.ErrorCode(err) != upshot.ECONFLICT {
					t.Errorf("import failed with %v, want a conflict", err)
				}
			}
			if ok != 1 {
				t.Fatalf("%d imports succeeded (%v), want exactly 1", ok, errs)
			}
			got, err := dst1.Export(ctx, upshot.DefaultOwner)
			must(t, err)
			if len(got.Therapists) != 2 {
				t.Fatalf("the database holds %d therapists: the two files merged", len(got.Therapists))
			}
		})
	}
}

// store.SQL bypasses owner scoping: outside tests nothing in the product
// (cmd, internal) may call it (issue 12: one SQL layer, the store's). The
// load-test tool under tools/ uses it for its raw-insert baseline, which
// measures the database beside the store on purpose.
func TestSQLIsForTestsOnly(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	for _, root := range []string{filepath.Join("..", "..", "cmd"), filepath.Join("..", "..", "internal")} {
		must(t, filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") ||
				strings.Contains(filepath.ToSlash(path), "/storetest/") {
				return nil
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			f, err := parser.ParseFile(fset, path, src, 0)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				if call, ok := n.(*ast.CallExpr); ok {
					if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "SQL" && len(call.Args) == 0 {
						t.Errorf("%s: calls SQL(); give the store the operation instead", fset.Position(call.Pos()))
					}
				}
				return true
			})
			return nil
		}))
	}
}

// A PostgreSQL password, in the userinfo or as ?password=, appears in no
// message, whatever fails.
func TestPostgresPasswordIsMasked(t *testing.T) {
	t.Parallel()
	const secret = "s3cr3t-Pw_42"
	for _, dsn := range []string{
		"postgres://postgres:" + secret + "@127.0.0.1:1/test?sslmode=disable&connect_timeout=2",
		"postgres://postgres@127.0.0.1:1/test?password=" + secret + "&sslmode=disable&connect_timeout=2",
		"postgresql://postgres@127.0.0.1:1/test?sslmode=disable&PASSWORD=" + secret + "&connect_timeout=2",
		"postgres://postgres:" + secret + "@127.0.0.1:notaport/test?password=" + secret,
		"postgres://postgres@127.0.0.1:1/test?password=" + secret + "&sslmode=bogus",
	} {
		c, cancel := context.WithTimeout(ctx, 30*time.Second)
		db, err := store.Open(c, dsn)
		cancel()
		if err == nil {
			db.Close()
			t.Fatalf("opened %s", dsn)
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("the password shows in: %v", err)
		}
	}
}

// An existing database that others could read is made private when opened,
// and working copies that a killed backup or restore left beside it are
// removed; a working copy of a live process is not touched.
func TestOpenTightensAndCleansUp(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "upshot.db")
	db, err := store.Open(ctx, path)
	must(t, err)
	must(t, db.Close())
	must(t, os.Chmod(path, 0o644))
	// A process id that is not running: past the kernel's largest.
	dead := filepath.Join(dir, ".upshot-work-4194305-x")
	live := filepath.Join(dir, ".upshot-work-"+itoa(int64(os.Getpid()))+"-y")
	for _, d := range []string{dead, live} {
		must(t, os.Mkdir(d, 0o700))
		must(t, os.WriteFile(filepath.Join(d, "payload"), []byte("plain text"), 0o600))
	}
	db, err = store.Open(ctx, path)
	must(t, err)
	defer db.Close()
	if got := db.Tightened(); len(got) != 1 || got[0] != path {
		t.Errorf("Tightened = %v, want [%s]", got, path)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode after open: %v %v", fi.Mode(), err)
	}
	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Errorf("a dead process's working copy is still there (%v)", err)
	}
	if _, err := os.Stat(live); err != nil {
		t.Errorf("a live process's working copy was removed: %v", err)
	}
}

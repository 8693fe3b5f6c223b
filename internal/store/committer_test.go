package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/upshot"
)

// These tests drive SQLite's group commit (committer.go) directly. To make a
// batch on purpose they hold the write lock from a second connection pool (as
// another process would), let one write take the front of the queue and wait
// there for the lock, queue more writes behind it, and then let go: the
// writes that queued meanwhile commit together.

func openCommitterDB(t *testing.T) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "upshot.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, path
}

// holdWriteLock takes SQLite's write lock from another pool and returns the
// function that lets it go.
func holdWriteLock(t *testing.T, path string) (release func()) {
	t.Helper()
	other, err := sql.Open("sqlite", path+"?"+sqlitePragmas)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	conn, err := other.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), `BEGIN IMMEDIATE`); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			if _, err := conn.ExecContext(context.Background(), `COMMIT`); err != nil {
				t.Error(err)
			}
			conn.Close()
		})
	}
	t.Cleanup(release)
	return release
}

// waitQueued waits until n writes are in the committer's queue.
func waitQueued(t *testing.T, c *committer, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		c.mu.Lock()
		got := len(c.queue)
		c.mu.Unlock()
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d writes queued, want %d", got, n)
		}
		time.Sleep(time.Millisecond)
	}
}

func setSetting(name string) func(*tx) error {
	return func(t *tx) error {
		_, err := t.exec(context.Background(), `INSERT INTO settings (owner_id, name, value) VALUES (?, ?, 'x')`,
			int64(upshot.DefaultOwner), name)
		return err
	}
}

func settingNames(t *testing.T, db *DB) string {
	t.Helper()
	rows, err := db.db.Query(`SELECT name FROM settings WHERE owner_id = ? ORDER BY name`, int64(upshot.DefaultOwner))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	return strings.Join(names, ",")
}

// start runs write in a goroutine and returns where its outcome will arrive;
// a panic that reaches the caller arrives as an errPanicked.
func start(db *DB, ctx context.Context, fn func(*tx) error) <-chan error {
	done := make(chan error, 1)
	go func() {
		defer func() {
			if v := recover(); v != nil {
				done <- fmt.Errorf("%w: %v", errPanicked, v)
			}
		}()
		done <- db.write(ctx, upshot.DefaultOwner, fn)
	}()
	return done
}

var errPanicked = errors.New("the write panicked in its caller")

func TestCommitterBatchKeepsEachWritesOutcome(t *testing.T) {
	t.Parallel()
	db, path := openCommitterDB(t)
	rev0, err := db.Revision(context.Background(), upshot.DefaultOwner)
	if err != nil {
		t.Fatal(err)
	}
	batches0, writes0 := db.commits.stats()

	release := holdWriteLock(t, path)
	ctx := context.Background()
	front := start(db, ctx, setSetting("a")) // takes the front and waits for the lock
	waitQueued(t, db.commits, 1)

	refused := errors.New("refused by the write itself")
	b := start(db, ctx, setSetting("b"))
	waitQueued(t, db.commits, 2)
	failing := start(db, ctx, func(t *tx) error {
		if err := setSetting("c")(t); err != nil {
			return err
		}
		return refused // after writing: the savepoint must undo "c"
	})
	waitQueued(t, db.commits, 3)
	panicking := start(db, ctx, func(t *tx) error {
		if err := setSetting("d")(t); err != nil {
			return err
		}
		panic("bug in a write")
	})
	waitQueued(t, db.commits, 4)
	duplicate := start(db, ctx, setSetting("b")) // the primary key refuses it after "b" in the same batch
	waitQueued(t, db.commits, 5)
	e := start(db, ctx, setSetting("e"))
	waitQueued(t, db.commits, 6)
	release()

	for name, ch := range map[string]<-chan error{"a": front, "b": b, "e": e} {
		if err := <-ch; err != nil {
			t.Errorf("write %s: %v", name, err)
		}
	}
	if err := <-failing; !errors.Is(err, refused) {
		t.Errorf("failing write: %v, want its own error", err)
	}
	if err := <-panicking; !errors.Is(err, errPanicked) || !strings.Contains(err.Error(), "bug in a write") {
		t.Errorf("panicking write: %v, want its caller to panic with its value", err)
	}
	if err := <-duplicate; upshot.ErrorCode(err) != upshot.ECONFLICT {
		t.Errorf("duplicate write: %v, want a conflict", err)
	}
	if got := settingNames(t, db); got != "a,b,e" {
		t.Errorf("settings after the batch: %s, want a,b,e (the failed writes left nothing)", got)
	}
	batches, writes := db.commits.stats()
	if batches-batches0 != 2 || writes-writes0 != 3 {
		t.Errorf("%d commits carrying %d writes, want 2 carrying 3 (the front one alone, then the queue)",
			batches-batches0, writes-writes0)
	}
	rev, err := db.Revision(context.Background(), upshot.DefaultOwner)
	if err != nil {
		t.Fatal(err)
	}
	if rev <= rev0 {
		t.Errorf("revision %d after the writes, was %d: a commit must move it", rev, rev0)
	}
}

func TestCommitterSkipsAWriteWhoseCallerLeft(t *testing.T) {
	t.Parallel()
	db, path := openCommitterDB(t)
	release := holdWriteLock(t, path)
	front := start(db, context.Background(), setSetting("a"))
	waitQueued(t, db.commits, 1)
	ctx, cancel := context.WithCancel(context.Background())
	gone := start(db, ctx, setSetting("gone"))
	waitQueued(t, db.commits, 2)
	cancel()
	release()
	if err := <-front; err != nil {
		t.Fatal(err)
	}
	if err := <-gone; !errors.Is(err, context.Canceled) {
		t.Errorf("write whose caller left: %v, want context.Canceled", err)
	}
	if got := settingNames(t, db); got != "a" {
		t.Errorf("settings: %s, want only a", got)
	}
}

func TestCommitterBatchOfFailuresCommitsNothing(t *testing.T) {
	t.Parallel()
	db, path := openCommitterDB(t)
	rev0, _ := db.Revision(context.Background(), upshot.DefaultOwner)
	release := holdWriteLock(t, path)
	refused := errors.New("no")
	fail := func(t *tx) error {
		if err := setSetting("x")(t); err != nil {
			return err
		}
		return refused
	}
	first := start(db, context.Background(), fail)
	waitQueued(t, db.commits, 1)
	second := start(db, context.Background(), fail)
	third := start(db, context.Background(), fail)
	waitQueued(t, db.commits, 3)
	release()
	for _, ch := range []<-chan error{first, second, third} {
		if err := <-ch; !errors.Is(err, refused) {
			t.Errorf("got %v, want the write's own error", err)
		}
	}
	if got := settingNames(t, db); got != "" {
		t.Errorf("settings: %q, want none", got)
	}
	if rev, _ := db.Revision(context.Background(), upshot.DefaultOwner); rev != rev0 {
		t.Errorf("revision moved from %d to %d with nothing committed", rev0, rev)
	}
}

func TestCommitterCloseFinishesQueuedWrites(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "upshot.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	release := holdWriteLock(t, path)
	first := start(db, context.Background(), setSetting("a"))
	waitQueued(t, db.commits, 1)
	second := start(db, context.Background(), setSetting("b"))
	waitQueued(t, db.commits, 2)

	closed := make(chan error, 1)
	go func() { closed <- db.Close() }()
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) with writes still queued", err)
	case <-time.After(50 * time.Millisecond):
	}
	release()
	for _, ch := range []<-chan error{first, second} {
		if err := <-ch; err != nil {
			t.Errorf("queued write: %v", err)
		}
	}
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	if err := db.write(context.Background(), upshot.DefaultOwner, setSetting("late")); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("write after Close: %v, want a closed error", err)
	}

	db2, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	if got := settingNames(t, db2); got != "a,b" {
		t.Errorf("settings after reopening: %s, want a,b", got)
	}
}

// TestCommitterManyWriters writes from many goroutines at once: every write
// is acknowledged and present once, with its own id. (How the writes were
// grouped depends on timing; the log shows it.)
func TestCommitterManyWriters(t *testing.T) {
	t.Parallel()
	db, _ := openCommitterDB(t)
	ctx := context.Background()
	th := &upshot.Therapist{Name: "Dr. Q"}
	if err := db.CreateTherapist(ctx, upshot.DefaultOwner, th); err != nil {
		t.Fatal(err)
	}
	batches0, writes0 := db.commits.stats()
	const writers, each = 16, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	ids := make(chan int64, writers*each)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				s := &upshot.Session{TherapistID: th.ID, Date: upshot.Today().AddDays(-(w*each + i) % 300), Note: "n"}
				if err := db.CreateSession(ctx, upshot.DefaultOwner, s); err != nil {
					errs <- err
					return
				}
				ids <- s.ID
			}
		})
	}
	wg.Wait()
	close(errs)
	close(ids)
	for err := range errs {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	for id := range ids {
		if seen[id] {
			t.Fatalf("id %d given twice", id)
		}
		seen[id] = true
	}
	var n int
	if err := db.db.QueryRow(`SELECT COUNT(*) FROM sessions WHERE owner_id = ?`, int64(upshot.DefaultOwner)).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != writers*each || len(seen) != writers*each {
		t.Fatalf("%d sessions stored, %d acknowledged, want %d", n, len(seen), writers*each)
	}
	batches, writes := db.commits.stats()
	t.Logf("%d writes in %d commits", writes-writes0, batches-batches0)
	if writes-writes0 != writers*each {
		t.Errorf("committer counted %d writes, want %d", writes-writes0, writers*each)
	}
	// Sixteen writers at once queue behind every commit; if no commit ever
	// carried two writes, nothing was grouped.
	if batches-batches0 >= writes-writes0 {
		t.Errorf("%d writes took %d commits: none was shared", writes-writes0, batches-batches0)
	}
}

// A caller whose deadline passes while its write waits in the queue leaves
// at once, and its write is never run.
func TestCommitterQueuedCallerLeaves(t *testing.T) {
	t.Parallel()
	db, path := openCommitterDB(t)
	release := holdWriteLock(t, path)
	front := start(db, context.Background(), setSetting("a"))
	waitQueued(t, db.commits, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	began := time.Now()
	queued := start(db, ctx, setSetting("late"))
	select {
	case err := <-queued:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("queued write whose deadline passed: %v, want context.DeadlineExceeded", err)
		}
		if waited := time.Since(began); waited > 5*time.Second {
			t.Errorf("it left after %v", waited)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the queued write did not leave at its deadline")
	}
	waitQueued(t, db.commits, 1)
	release()
	if err := <-front; err != nil {
		t.Fatal(err)
	}
	if got := settingNames(t, db); got != "a" {
		t.Errorf("settings: %q, want a", got)
	}
}

// The front writer waiting for a lock held by another process gives up at
// its caller's deadline, not after SQLite's busy timeout and the retries,
// and leaves the store working.
func TestCommitterFrontGivesUpAtItsDeadline(t *testing.T) {
	t.Parallel()
	db, path := openCommitterDB(t)
	release := holdWriteLock(t, path)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	began := time.Now()
	err := db.write(ctx, upshot.DefaultOwner, setSetting("a"))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("write with a 200 ms deadline behind a held lock: %v, want context.DeadlineExceeded", err)
	}
	if waited := time.Since(began); waited > 5*time.Second {
		t.Errorf("it gave up after %v (busy_timeout is 10 s)", waited)
	}
	release()
	if err := db.write(context.Background(), upshot.DefaultOwner, setSetting("b")); err != nil {
		t.Fatal(err)
	}
	if got := settingNames(t, db); got != "b" {
		t.Errorf("settings: %q, want b", got)
	}
}

// A write that panics, or ends its goroutine with runtime.Goexit (as
// t.FailNow does), must not leave its transaction, and SQLite's write lock,
// behind.
func TestCommitterPanicOrGoexitReleasesTheLock(t *testing.T) {
	t.Parallel()
	db, _ := openCommitterDB(t)
	if err := <-start(db, context.Background(), func(t *tx) error {
		setSetting("p")(t)
		panic("bug")
	}); !errors.Is(err, errPanicked) {
		t.Fatalf("panicking write: %v", err)
	}
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		db.write(context.Background(), upshot.DefaultOwner, func(t *tx) error {
			setSetting("g")(t)
			runtime.Goexit()
			return nil
		})
	}()
	<-ended
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := db.write(ctx, upshot.DefaultOwner, setSetting("after")); err != nil {
		t.Fatalf("write after a panic and a Goexit: %v", err)
	}
	if got := settingNames(t, db); got != "after" {
		t.Errorf("settings: %q, want only after", got)
	}
}

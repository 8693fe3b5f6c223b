package store_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/store/storetest"
	"github.com/upshot-app/upshot/internal/upshot"
)

// TestSQLiteConcurrentWriters is the CLI writing while `upshot serve` runs:
// two handles (two connection pools, as two processes would have) write,
// edit and read one file at the same time. No write may fail, least of all
// with "database is locked".
func TestSQLiteConcurrentWriters(t *testing.T) {
	t.Parallel()
	path := storetest.DSN(t, "sqlite")

	// Both open a brand-new file at once: both migrate, one wins, both work.
	var handles [2]*store.DB
	var wg sync.WaitGroup
	var openErrs [2]error
	for i := range handles {
		wg.Add(1)
		go func() {
			defer wg.Done()
			handles[i], openErrs[i] = store.Open(ctx, path)
		}()
	}
	wg.Wait()
	for i, err := range openErrs {
		if err != nil {
			t.Fatalf("handle %d: open: %v", i, err)
		}
		t.Cleanup(func() { handles[i].Close() })
	}
	a, b := handles[0], handles[1]
	th := &upshot.Therapist{Name: "shared"}
	must(t, a.CreateTherapist(ctx, upshot.DefaultOwner, th))
	g := &upshot.Goal{Title: "g", Domain: "work", Status: upshot.GoalOpen, Opened: day(2024, 1, 1)}
	must(t, b.CreateGoal(ctx, upshot.DefaultOwner, g))

	const writersPerHandle = 2
	deadline := time.Now().Add(3 * time.Second)
	var created atomic.Int64
	errs := make(chan error, 100)
	for h, db := range []*store.DB{a, b} {
		for w := 0; w < writersPerHandle; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for n := 0; time.Now().Before(deadline); n++ {
					s := &upshot.Session{TherapistID: th.ID, Date: day(2024, 1, 1+n%28), Minutes: ptr(50),
						Goals: []upshot.GoalProgress{{GoalID: g.ID, Progress: ptr(1)}}, Note: fmt.Sprintf("writer %d.%d", h, w)}
					if err := db.CreateSession(ctx, upshot.DefaultOwner, s); err != nil {
						errs <- fmt.Errorf("handle %d writer %d: create: %w", h, w, err)
						return
					}
					created.Add(1)
					s.Helpful = ptr(n % 11)
					if err := db.UpdateSession(ctx, upshot.DefaultOwner, s); err != nil {
						errs <- fmt.Errorf("handle %d writer %d: update: %w", h, w, err)
						return
					}
				}
			}()
		}
		// A reader beside the writers, as the web dashboard would be.
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				if _, err := db.Export(ctx, upshot.DefaultOwner); err != nil {
					errs <- fmt.Errorf("handle %d reader: %w", h, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	list, err := a.ListSessions(ctx, upshot.DefaultOwner, upshot.SessionFilter{})
	must(t, err)
	if int64(len(list)) != created.Load() || len(list) == 0 {
		t.Fatalf("%d sessions stored, %d acknowledged", len(list), created.Load())
	}
	for _, s := range list {
		if s.Version != 2 || s.Helpful == nil || len(s.Goals) != 1 {
			t.Fatalf("session %d not whole: version %d helpful %v goals %v", s.ID, s.Version, s.Helpful, s.Goals)
		}
	}
	t.Logf("%d sessions written and edited concurrently through two handles, no errors", len(list))

	// A stale edit from the other process is refused, not silently lost.
	mine, err := a.FindSession(ctx, upshot.DefaultOwner, list[0].ID)
	must(t, err)
	theirs, err := b.FindSession(ctx, upshot.DefaultOwner, list[0].ID)
	must(t, err)
	mine.Note = "edited in the browser"
	must(t, a.UpdateSession(ctx, upshot.DefaultOwner, mine))
	theirs.Note = "edited on the command line"
	wantCode(t, b.UpdateSession(ctx, upshot.DefaultOwner, theirs), upshot.ECONFLICT, "version")
	got, err := b.FindSession(ctx, upshot.DefaultOwner, mine.ID)
	must(t, err)
	if got.Note != mine.Note {
		t.Fatalf("note = %q, want the first edit", got.Note)
	}
}

// TestSQLiteOpenRace opens a brand-new file from eight handles at once, as
// the CLI and a starting server might: all must succeed, each time. (The
// losers of the race wait about a second in goose's version-table retry.)
func TestSQLiteOpenRace(t *testing.T) {
	t.Parallel()
	for i := 0; i < 3; i++ {
		path := storetest.DSN(t, "sqlite")
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for j := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				db, err := store.Open(ctx, path)
				if err == nil {
					err = db.Close()
				}
				errs[j] = err
			}()
		}
		wg.Wait()
		for j, err := range errs {
			if err != nil {
				t.Fatalf("round %d, handle %d: %v", i, j, err)
			}
		}
	}
}

// TestConcurrentFirstCheckIns answers a new version of an instrument from
// several writers on two handles at once, so each round is every writer's
// first check-in against a definition not yet stored. All must be saved and
// the definition stored once: none may fail on the definition's key because
// another writer stored it a moment earlier.
func TestConcurrentFirstCheckIns(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			dsn := storetest.DSN(t, backend)
			var handles [2]*store.DB
			for i := range handles {
				db, err := store.Open(ctx, dsn)
				must(t, err)
				t.Cleanup(func() { db.Close() })
				handles[i] = db
			}
			const rounds, writersPerHandle = 10, 4
			for version := 1; version <= rounds; version++ {
				start := make(chan struct{})
				errs := make(chan error, len(handles)*writersPerHandle)
				var wg sync.WaitGroup
				for h, db := range handles {
					for w := 0; w < writersPerHandle; w++ {
						wg.Add(1)
						go func() {
							defer wg.Done()
							<-start
							c := &upshot.CheckIn{Instrument: "gad7", InstrumentVersion: version, Date: day(2024, 5, 1+w), Answers: []*int{ptr(h), ptr(w)}}
							if err := db.CreateCheckIn(ctx, upshot.DefaultOwner, c, definition("gad7", version)); err != nil {
								errs <- fmt.Errorf("version %d, handle %d writer %d: %w", version, h, w, err)
							}
						}()
					}
				}
				close(start)
				wg.Wait()
				close(errs)
				for err := range errs {
					t.Error(err)
				}
				if t.Failed() {
					return
				}
			}
			defs, err := handles[0].Definitions(ctx, upshot.DefaultOwner)
			must(t, err)
			if len(defs) != rounds {
				t.Fatalf("%d definitions stored, want %d (one per version)", len(defs), rounds)
			}
			list, err := handles[1].ListCheckIns(ctx, upshot.DefaultOwner, upshot.CheckInFilter{})
			must(t, err)
			if want := rounds * len(handles) * writersPerHandle; len(list) != want {
				t.Fatalf("%d check-ins saved, want %d", len(list), want)
			}
		})
	}
}

package store_test

import (
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/store/storetest"
	"github.com/upshot-app/upshot/internal/upshot"
)

// TestSessionWithManyGoals logs and edits sessions with more goals than one
// INSERT of goal rows holds (they go in chunks), and reads them back whole.
func TestSessionWithManyGoals(t *testing.T) {
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			db := storetest.Open(t, backend)
			db.Now = newClock().Now
			th := &upshot.Therapist{Name: "Dr. Many", Started: day(2024, 1, 1)}
			must(t, db.CreateTherapist(ctx, upshot.DefaultOwner, th))
			var goals []upshot.GoalProgress
			for i := range 19 {
				g := &upshot.Goal{Title: fmt.Sprintf("goal %d", i), Domain: "work", Status: upshot.GoalOpen, Opened: day(2024, 1, 1)}
				must(t, db.CreateGoal(ctx, upshot.DefaultOwner, g))
				var p *int
				if i%3 != 0 {
					p = ptr(i%7 - 3)
				}
				goals = append(goals, upshot.GoalProgress{GoalID: g.ID, Progress: p})
			}
			for _, n := range []int{0, 1, 2, 8, 9, 17, 19} {
				s := &upshot.Session{TherapistID: th.ID, Date: day(2024, 2, 1+n), Format: "in_person", Agenda: "me",
					After: upshot.AfterSame, Goals: slices.Clone(goals[:n])}
				must(t, db.CreateSession(ctx, upshot.DefaultOwner, s))
				got, err := db.FindSession(ctx, upshot.DefaultOwner, s.ID)
				must(t, err)
				if !slices.Equal(goalKeys(got.Goals), goalKeys(goals[:n])) {
					t.Fatalf("%d goals: read back %v, want %v", n, goalKeys(got.Goals), goalKeys(goals[:n]))
				}
				// Edit to a different number of goals (from the end of the list).
				m := (n + 9) % 20
				got.Goals = slices.Clone(goals[19-m:])
				must(t, db.UpdateSession(ctx, upshot.DefaultOwner, got))
				again, err := db.FindSession(ctx, upshot.DefaultOwner, s.ID)
				must(t, err)
				if !slices.Equal(goalKeys(again.Goals), goalKeys(goals[19-m:])) {
					t.Fatalf("edited to %d goals: read back %v, want %v", m, goalKeys(again.Goals), goalKeys(goals[19-m:]))
				}
			}
			// A goal named twice is refused as one write: nothing of it is stored.
			before, err := db.ListSessions(ctx, upshot.DefaultOwner, upshot.SessionFilter{})
			must(t, err)
			twice := &upshot.Session{TherapistID: th.ID, Date: day(2024, 3, 1), Format: "in_person", Agenda: "me",
				After: upshot.AfterSame, Goals: []upshot.GoalProgress{goals[0], goals[1], goals[0]}}
			if err := db.CreateSession(ctx, upshot.DefaultOwner, twice); err == nil {
				t.Fatal("a session naming one goal twice was stored")
			}
			after, err := db.ListSessions(ctx, upshot.DefaultOwner, upshot.SessionFilter{})
			must(t, err)
			if len(after) != len(before) {
				t.Fatalf("a refused session left %d sessions, want %d", len(after), len(before))
			}
		})
	}
}

func goalKeys(goals []upshot.GoalProgress) []string {
	out := make([]string, len(goals))
	for i, g := range goals {
		p := "none"
		if g.Progress != nil {
			p = fmt.Sprint(*g.Progress)
		}
		out[i] = fmt.Sprintf("%d:%s", g.GoalID, p)
	}
	slices.Sort(out)
	return out
}

// TestSessionWritePages counts what one logged session writes to SQLite's
// WAL: each commit appends every page it changed (plus a 24-byte frame
// header), so the WAL's growth over n commits divided by n is the pages per
// write, the cost that synchronous=FULL makes durable on every commit. Here
// (a small record) a session with two goals wrote 10.1 pages before schema
// 13 made session_goals one b-tree instead of a rowid table plus a
// primary-key index, and 9.2 after (11.1 and 10.1 on the ten-year history);
// an index or table added to the write path shows here.
func TestSessionWritePages(t *testing.T) {
	path := storetest.DSN(t, "sqlite")
	db, err := store.Open(ctx, path)
	must(t, err)
	t.Cleanup(func() { db.Close() })
	th := &upshot.Therapist{Name: "Dr. Pages", Started: day(2024, 1, 1)}
	must(t, db.CreateTherapist(ctx, upshot.DefaultOwner, th))
	var goals []int64
	for i := range 2 {
		g := &upshot.Goal{Title: fmt.Sprintf("goal %d", i), Domain: "work", Status: upshot.GoalOpen, Opened: day(2024, 1, 1)}
		must(t, db.CreateGoal(ctx, upshot.DefaultOwner, g))
		goals = append(goals, g.ID)
	}
	session := func(i int) *upshot.Session {
		return &upshot.Session{TherapistID: th.ID, Date: day(2024, 2, 1).AddDays(i), Minutes: ptr(50), Format: "in_person", Agenda: "me",
			Focus: &upshot.Focus{Life: 30, Relationship: 10, Therapist: 2, Admin: 5, Other: 3},
			Goals: []upshot.GoalProgress{{GoalID: goals[0], Progress: ptr(1)}, {GoalID: goals[1]}}, Got: []string{"insight"},
			Helpful: ptr(7), After: upshot.AfterBetter, Note: "Talked through the Monday meeting and planned one thing to say."}
	}
	for i := range 5 {
		must(t, db.CreateSession(ctx, upshot.DefaultOwner, session(i)))
	}
	var pageSize int64
	must(t, db.SQL().QueryRowContext(ctx, `PRAGMA page_size`).Scan(&pageSize))
	if _, err := db.SQL().ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	walSize := func() int64 {
		fi, err := os.Stat(path + "-wal")
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	start := walSize()
	const n = 40
	for i := range n {
		must(t, db.CreateSession(ctx, upshot.DefaultOwner, session(5+i)))
	}
	pages := float64(walSize()-start) / float64(pageSize+24) / n
	t.Logf("a session with two goals writes %.2f pages to the WAL", pages)
	if pages > 9.6 {
		t.Errorf("a session with two goals writes %.2f pages to the WAL per commit, want at most 9.6", pages)
	}
}

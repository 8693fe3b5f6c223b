package store_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/store/storetest"
	"github.com/upshot-app/upshot/internal/upshot"
)

// TestExportReusingFollowsEveryChange checks what the dashboard relies on
// (issue 17): after every kind of write, by this handle or another, the
// reusing export says exactly what a fresh ExportWithoutNotes says; a list
// whose table no write touched is the one kept (not read again); and kept
// records of one owner are never handed to another.
func TestExportReusingFollowsEveryChange(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			dsn := storetest.DSN(t, backend)
			db, err := store.Open(ctx, dsn)
			must(t, err)
			defer db.Close()
			db.Now = newClock().Now
			second, err := store.Open(ctx, dsn)
			must(t, err)
			defer second.Close()
			second.Now = newClock().Now
			const me = upshot.DefaultOwner
			s := fill(t, db, me)
			other, err := db.CreateUser(ctx, "other")
			must(t, err)
			th, ss, c, g := *s.therapists[1], *s.sessions[3], *s.checkins[0], *s.goals[0]
			item := &upshot.AgendaItem{Text: "the fee", Source: upshot.AgendaMine, Status: upshot.AgendaOpen, Opened: day(2025, 1, 3)}

			same := func(t *testing.T, snap *upshot.Snapshot, owner upshot.OwnerID) {
				t.Helper()
				fresh, err := db.ExportWithoutNotes(ctx, owner)
				must(t, err)
				snap.ExportedAt, fresh.ExportedAt = time.Time{}, time.Time{}
				a, _ := json.Marshal(snap)
				b, _ := json.Marshal(fresh)
				if string(a) != string(b) {
					t.Fatalf("reusing export differs from a fresh one:\n%s\n%s", a, b)
				}
			}
			snap, kept, err := db.ExportWithoutNotesReusing(ctx, me, nil)
			must(t, err)
			same(t, snap, me)
			writes := []struct {
				name                   string
				write                  func() error
				sessions, checkinsRead bool // which lists the next export must read again
			}{
				{"nothing", func() error { return nil }, false, false},
				{"set setting", func() error { return db.SetSetting(ctx, me, "recent_window", "9") }, false, false},
				{"update therapist", func() error { th.Approach = "CBT"; return db.UpdateTherapist(ctx, me, &th) }, false, false},
				{"create session", func() error {
					return db.CreateSession(ctx, me, &upshot.Session{TherapistID: th.ID, Date: day(2025, 3, 1),
						Goals: []upshot.GoalProgress{{GoalID: s.goals[0].ID, Progress: ptr(2)}}})
				}, true, false},
				{"update session", func() error {
					ss.Goals = []upshot.GoalProgress{{GoalID: s.goals[0].ID, Progress: ptr(-1)}}
					return db.UpdateSession(ctx, me, &ss)
				}, true, false},
				{"delete session", func() error { return db.DeleteSession(ctx, me, s.sessions[0].ID) }, true, false},
				{"create check-in", func() error {
					return db.CreateCheckIn(ctx, me, &upshot.CheckIn{Instrument: "phq9", InstrumentVersion: 1, Date: day(2025, 3, 1),
						Answers: []*int{ptr(1), ptr(1), ptr(1), ptr(1)}}, definition("phq9", 1))
				}, false, true},
				{"update check-in", func() error {
					c.Answers = []*int{ptr(3), ptr(3), ptr(3), ptr(3)}
					return db.UpdateCheckIn(ctx, me, &c)
				}, false, true},
				{"delete check-in", func() error { return db.DeleteCheckIn(ctx, me, s.checkins[1].ID) }, false, true},
				{"update goal", func() error { g.Title = "sleep on Sundays"; return db.UpdateGoal(ctx, me, &g) }, false, false},
				{"create agenda item", func() error { return db.CreateAgendaItem(ctx, me, item) }, false, false},
				{"another handle's session with an agenda mark", func() error {
					return second.CreateSession(ctx, me, &upshot.Session{TherapistID: th.ID, Date: day(2025, 3, 3),
						AgendaItems: []upshot.AgendaMark{{ItemID: item.ID, Mark: upshot.MarkRaised}}})
				}, true, false},
				{"refused session", func() error {
					if err := db.CreateSession(ctx, me, &upshot.Session{TherapistID: 999, Date: day(2025, 3, 3)}); err == nil {
						return errors.New("a session of an unknown therapist was stored")
					}
					return nil
				}, false, false},
				{"another handle's check-in update and setting", func() error {
					c.Answers = []*int{ptr(2), ptr(2), ptr(2), ptr(2)}
					if err := second.UpdateCheckIn(ctx, me, &c); err != nil {
						return err
					}
					return second.SetSetting(ctx, me, "recent_window", "8")
				}, false, true},
				{"another handle's check-in delete", func() error { return second.DeleteCheckIn(ctx, me, s.checkins[2].ID) }, false, true},
				{"writes at once, the lists' among others'", func() error {
					// On SQLite these share commits (committer.go): each
					// owner's lists are stamped by its own writes only.
					var wg sync.WaitGroup
					errs := make(chan error, 24)
					for i := range 8 {
						wg.Add(3)
						go func() {
							defer wg.Done()
							errs <- db.CreateSession(ctx, me, &upshot.Session{TherapistID: th.ID, Date: day(2025, 4, 1+i)})
						}()
						go func() { defer wg.Done(); errs <- db.SetSetting(ctx, me, "recent_window", strconv.Itoa(4+i)) }()
						go func() {
							defer wg.Done()
							errs <- db.CreateSession(ctx, other, &upshot.Session{TherapistID: 999, Date: day(2025, 4, 1)}) // refused
						}()
					}
					wg.Wait()
					close(errs)
					refused := 0
					for err := range errs {
						if err != nil {
							refused++
						}
					}
					if refused != 8 {
						return fmt.Errorf("%d writes refused, want the 8 of an unknown therapist", refused)
					}
					return nil
				}, true, false},
				{"another handle's session", func() error {
					return second.CreateSession(ctx, me, &upshot.Session{TherapistID: th.ID, Date: day(2025, 3, 2)})
				}, true, false},
				{"another owner's check-in", func() error {
					return db.CreateCheckIn(ctx, other, &upshot.CheckIn{Instrument: "phq9", InstrumentVersion: 1, Date: day(2025, 3, 1),
						Answers: []*int{ptr(2), ptr(2), ptr(2), ptr(2)}}, definition("phq9", 1))
				}, false, false},
			}
			for _, w := range writes {
				t.Run(w.name, func(t *testing.T) {
					prev := snap
					must(t, w.write())
					snap, kept, err = db.ExportWithoutNotesReusing(ctx, me, kept)
					must(t, err)
					same(t, snap, me)
					reusedSessions := len(snap.Sessions) > 0 && len(prev.Sessions) > 0 && snap.Sessions[0] == prev.Sessions[0]
					reusedCheckIns := len(snap.CheckIns) > 0 && len(prev.CheckIns) > 0 && snap.CheckIns[0] == prev.CheckIns[0]
					if reusedSessions == w.sessions || reusedCheckIns == w.checkinsRead {
						t.Errorf("sessions kept %v, check-ins kept %v; want %v, %v", reusedSessions, reusedCheckIns, !w.sessions, !w.checkinsRead)
					}
				})
			}
			t.Run("kept records are the owner's own", func(t *testing.T) {
				theirs, _, err := db.ExportWithoutNotesReusing(ctx, other, kept)
				must(t, err)
				same(t, theirs, other)
				if len(theirs.CheckIns) != 1 || len(theirs.Sessions) != 0 {
					t.Fatalf("owner %d's export with owner 1's kept records: %d sessions, %d check-ins", other, len(theirs.Sessions), len(theirs.CheckIns))
				}
			})
		})
	}
}

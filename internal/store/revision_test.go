package store_test

import (
	"encoding/json"
	"testing"

	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/store/storetest"
	"github.com/upshot-app/upshot/internal/upshot"
)

func revision(t *testing.T, db *store.DB, owner upshot.OwnerID) int64 {
	t.Helper()
	rev, err := db.Revision(ctx, owner)
	must(t, err)
	return rev
}

// TestRevision checks the contract a cache relies on: every committed write
// to an owner's records moves that owner's revision, a refused write does
// not, another owner's writes do not, and a write by another handle (another
// process, such as the CLI beside `serve`) is seen.
func TestRevision(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			dsn := storetest.DSN(t, backend)
			db, err := store.Open(ctx, dsn)
			must(t, err)
			defer db.Close()
			db.Now = newClock().Now
			const me = upshot.DefaultOwner
			other, err := db.CreateUser(ctx, "other")
			must(t, err)
			if r := revision(t, db, me); r != 0 {
				t.Fatalf("fresh owner's revision = %d, want 0", r)
			}
			if r := revision(t, db, other); r != 0 {
				t.Fatalf("new user's revision = %d, want 0", r)
			}
			_, err = db.Revision(ctx, 999)
			wantCode(t, err, upshot.EUNAUTHORIZED, "owner")

			s := fill(t, db, me)
			// fill makes 2 therapists, 3 goals, 5 sessions and deletes one,
			// 3 check-ins, sets 2 settings, saves a safety plan, makes a calendar
			// feed and adds an agenda item: 19 writes.
			if r := revision(t, db, me); r != 19 {
				t.Fatalf("revision after 19 writes = %d, want 19", r)
			}
			if r := revision(t, db, other); r != 0 {
				t.Fatalf("owner %d's revision moved with owner 1's writes: %d", other, r)
			}
			snap, err := db.Export(ctx, me)
			must(t, err)

			th := *s.therapists[1]
			g := *s.goals[2]
			ss := *s.sessions[3]
			spare := &upshot.Therapist{Name: "spare"}
			spareGoal := &upshot.Goal{Title: "spare", Domain: "self", Status: upshot.GoalOpen, Opened: day(2024, 1, 1)}
			importer, err := db.CreateUser(ctx, "importer")
			must(t, err)
			writes := []struct {
				name  string
				owner upshot.OwnerID
				write func() error
			}{
				{"create therapist", me, func() error { return db.CreateTherapist(ctx, me, spare) }},
				{"update therapist", me, func() error { th.Approach = "CBT"; return db.UpdateTherapist(ctx, me, &th) }},
				{"delete therapist", me, func() error { return db.DeleteTherapist(ctx, me, spare.ID) }},
				{"create goal", me, func() error { return db.CreateGoal(ctx, me, spareGoal) }},
				{"update goal", me, func() error { g.Title = "run once a week"; return db.UpdateGoal(ctx, me, &g) }},
				{"delete goal", me, func() error { return db.DeleteGoal(ctx, me, spareGoal.ID) }},
				{"create session", me, func() error {
					return db.CreateSession(ctx, me, &upshot.Session{TherapistID: th.ID, Date: day(2025, 3, 1),
						Goals: []upshot.GoalProgress{{GoalID: g.ID, Progress: ptr(2)}}})
				}},
				{"update session", me, func() error { ss.Note = "changed"; return db.UpdateSession(ctx, me, &ss) }},
				{"delete session", me, func() error { return db.DeleteSession(ctx, me, s.sessions[1].ID) }},
				{"create check-in", me, func() error {
					return db.CreateCheckIn(ctx, me, &upshot.CheckIn{Instrument: "phq9", InstrumentVersion: 1, Date: day(2025, 3, 1),
						Answers: []*int{ptr(1), ptr(1), ptr(1), ptr(1)}}, definition("phq9", 1))
				}},
				{"delete check-in", me, func() error { return db.DeleteCheckIn(ctx, me, s.checkins[1].ID) }},
				{"set setting", me, func() error { return db.SetSetting(ctx, me, "recent_window", "9") }},
				{"unset setting", me, func() error { return db.UnsetSetting(ctx, me, "recent_window") }},
				{"import", importer, func() error { return db.Import(ctx, importer, snap) }},
			}
			for _, w := range writes {
				t.Run(w.name, func(t *testing.T) {
					before := map[upshot.OwnerID]int64{}
					for _, o := range []upshot.OwnerID{me, other, importer} {
						before[o] = revision(t, db, o)
					}
					must(t, w.write())
					for o, was := range before {
						now := revision(t, db, o)
						switch {
						case o == w.owner && now != was+1:
							t.Fatalf("owner %d's revision went from %d to %d, want %d", o, was, now, was+1)
						case o != w.owner && now != was:
							t.Fatalf("owner %d's revision moved (%d to %d) with owner %d's write", o, was, now, w.owner)
						}
					}
				})
			}

			// Refused writes, before and inside the transaction, leave it alone.
			stale := *s.therapists[0]
			stale.Version = 7 // stored is 1: the UPDATE matches no row, inside the transaction
			var bad upshot.Snapshot
			b, err := json.Marshal(snap)
			must(t, err)
			must(t, json.Unmarshal(b, &bad))
			bad.Sessions[len(bad.Sessions)-1].ID = bad.Sessions[0].ID
			target, err := db.CreateUser(ctx, "target")
			must(t, err)
			refused := []struct {
				name  string
				owner upshot.OwnerID
				write func() error
			}{
				{"invalid therapist", me, func() error { return db.CreateTherapist(ctx, me, &upshot.Therapist{Name: " "}) }},
				{"session with a missing therapist", me, func() error {
					return db.CreateSession(ctx, me, &upshot.Session{TherapistID: 42, Date: day(2024, 1, 1)})
				}},
				{"session with a missing goal", me, func() error {
					return db.CreateSession(ctx, me, &upshot.Session{TherapistID: th.ID, Date: day(2024, 1, 1),
						Goals: []upshot.GoalProgress{{GoalID: g.ID}, {GoalID: 42}}})
				}},
				{"stale update", me, func() error { return db.UpdateTherapist(ctx, me, &stale) }},
				{"update of a missing session", me, func() error { x := ss; x.ID = 42; return db.UpdateSession(ctx, me, &x) }},
				{"delete of a therapist with sessions", me, func() error { return db.DeleteTherapist(ctx, me, th.ID) }},
				{"delete of a missing check-in", me, func() error { return db.DeleteCheckIn(ctx, me, 42) }},
				{"changed definition", me, func() error {
					def := definition("phq9", 1)
					def.Data = json.RawMessage(`{"id": "phq9", "items": [{"text": "changed"}]}`)
					return db.CreateCheckIn(ctx, me, &upshot.CheckIn{Instrument: "phq9", InstrumentVersion: 1, Date: day(2025, 3, 1),
						Answers: []*int{ptr(1)}}, def)
				}},
				{"invalid setting", me, func() error { return db.SetSetting(ctx, me, "recent_window", "99") }},
				{"import into a non-empty owner", me, func() error { return db.Import(ctx, me, snap) }},
				{"import failing half-way", target, func() error { return db.Import(ctx, target, &bad) }},
				{"another owner's session", other, func() error {
					return db.CreateSession(ctx, other, &upshot.Session{TherapistID: th.ID, Date: day(2024, 1, 1)})
				}},
			}
			for _, w := range refused {
				t.Run("refused "+w.name, func(t *testing.T) {
					was := revision(t, db, w.owner)
					if err := w.write(); err == nil {
						t.Fatal("the write was not refused")
					}
					if now := revision(t, db, w.owner); now != was {
						t.Fatalf("a refused write moved owner %d's revision from %d to %d", w.owner, was, now)
					}
				})
			}

			t.Run("another handle's write is seen", func(t *testing.T) {
				second, err := store.Open(ctx, dsn)
				must(t, err)
				defer second.Close()
				was := revision(t, db, me)
				if got := revision(t, second, me); got != was {
					t.Fatalf("the second handle reads revision %d, the first %d", got, was)
				}
				must(t, second.SetSetting(ctx, me, "recent_window", "4"))
				if now := revision(t, db, me); now != was+1 {
					t.Fatalf("after a write through another handle the revision is %d, want %d", now, was+1)
				}
			})
		})
	}
}

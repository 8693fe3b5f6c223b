package review_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/review"
	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/store/storetest"
	"github.com/upshot-app/upshot/internal/upshot"
)

// load creates every record of a built history through the store's services,
// as the CLI and the web app would, and returns the store's export: the
// review then runs on exactly what a person's database holds.
func load(t *testing.T, db *store.DB, h *hist) *upshot.Snapshot {
	t.Helper()
	ctx := context.Background()
	owner := upshot.DefaultOwner
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	therapists, goals := map[int64]int64{}, map[int64]int64{}
	for _, th := range h.snap.Therapists {
		c := *th
		must(db.CreateTherapist(ctx, owner, &c))
		therapists[th.ID] = c.ID
	}
	for _, g := range h.snap.Goals {
		c := *g
		must(db.CreateGoal(ctx, owner, &c))
		goals[g.ID] = c.ID
	}
	for _, s := range h.snap.Sessions {
		c := *s
		c.TherapistID = therapists[s.TherapistID]
		c.Goals = nil
		for _, gp := range s.Goals {
			c.Goals = append(c.Goals, upshot.GoalProgress{GoalID: goals[gp.GoalID], Progress: gp.Progress})
		}
		must(db.CreateSession(ctx, owner, &c))
	}
	for _, ck := range h.snap.CheckIns {
		i := slices.IndexFunc(h.snap.Definitions, func(d upshot.Definition) bool {
			return d.Instrument == ck.Instrument && d.Version == ck.InstrumentVersion
		})
		c := *ck
		must(db.CreateCheckIn(ctx, owner, &c, h.snap.Definitions[i]))
	}
	for name, v := range h.snap.Settings {
		must(db.SetSetting(ctx, owner, name, v))
	}
	snap, err := db.Export(ctx, owner)
	must(err)
	return snap
}

// words is what a person reads: it holds no ids, so a review of the stored
// records must read exactly like the review of the records in memory.
func words(r *review.Review) []string {
	out := []string{r.Verdict}
	for _, f := range r.Findings {
		out = append(out, string(f.Code)+"|"+string(f.Severity)+"|"+f.Title+"|"+f.Detail)
	}
	out = append(out, r.GoingWell...)
	return append(out, r.Agenda...)
}

func TestScenariosThroughStore(t *testing.T) {
	t.Parallel()
	scenarios := []struct {
		name  string
		build func(h *hist)
		check func(t *testing.T, r *review.Review)
	}{
		{"healthy", func(h *hist) { healthy(h) }, func(t *testing.T, r *review.Review) {
			if s := severities(r); s[review.Concern]+s[review.Urgent] != 0 || len(r.GoingWell) == 0 {
				t.Errorf("healthy: %v, going well %q", codes(r), r.GoingWell)
			}
		}},
		{"drifting", func(h *hist) { drifting(h) }, func(t *testing.T, r *review.Review) {
			for _, c := range []review.Code{review.CodeRelationshipDrift, review.CodeGoalNeglected, review.CodeConductConcern, review.CodeRedFlags} {
				if !has(r, c, 0) {
					t.Errorf("drifting lacks %s: %v", c, codes(r))
				}
			}
		}},
		{"deteriorating", func(h *hist) {
			a := h.therapist("Dr. A")
			h.weekly(a, day(0), 6)
			h.phq9(day(0), 10, 0)
			h.phq9(day(35), 17, 0)
		}, func(t *testing.T, r *review.Review) {
			if !has(r, review.CodeReliableDeterioration, 0) {
				t.Errorf("deteriorating: %v", codes(r))
			}
		}},
		{"safety", func(h *hist) {
			healthy(h)
			h.phq9(day(90), 4, 1)
			h.set(upshot.SettingCrisisContacts, "Samaritans 116 123")
		}, func(t *testing.T, r *review.Review) {
			if r.Findings[0].Code != review.CodeSafety || r.Safety == nil || r.Safety.CrisisContacts != "Samaritans 116 123" {
				t.Errorf("safety: %v %+v", codes(r), r.Safety)
			}
		}},
	}
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			for _, sc := range scenarios {
				t.Run(sc.name, func(t *testing.T) {
					db := storetest.Open(t, backend)
					db.Now = func() time.Time { return today.Time().Add(12 * time.Hour) }
					h := newHist()
					sc.build(h)
					snap := load(t, db, h)
					if len(snap.Sessions) != len(h.snap.Sessions) || len(snap.CheckIns) != len(h.snap.CheckIns) {
						t.Fatalf("export holds %d sessions and %d check-ins, want %d and %d",
							len(snap.Sessions), len(snap.CheckIns), len(h.snap.Sessions), len(h.snap.CheckIns))
					}
					r := review.Run(snap, reg, review.Options{Today: h.now()})
					sc.check(t, r)
					if got, want := words(r), words(h.review()); !slices.Equal(got, want) {
						t.Errorf("review of the stored records differs from the records in memory:\n got %q\nwant %q", got, want)
					}
				})
			}
		})
	}
}

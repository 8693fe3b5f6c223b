package app_test

import (
	"context"
	"slices"
	"testing"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/demo"
	"github.com/upshot-app/upshot/internal/demo/history"
	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/review"
	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/store/storetest"
	"github.com/upshot-app/upshot/internal/upshot"
)

// The demo year compared: the first therapist's course drifted and got
// worse, the second helped, and the comparison says so in the review's own
// terms. Every outcome is the one the whole review credits to that course
// (the same baseline and latest check-in, the same judgement), so the table
// can never disagree with the review.
func TestCompareDemo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg := instrument.Builtin()
	forEachBackend(t, func(t *testing.T, db *store.DB) {
		snap, err := demo.Build(today, reg)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Import(ctx, upshot.DefaultOwner, snap); err != nil {
			t.Fatal(err)
		}
		c, err := usecase.Compare(ctx, db, reg, upshot.DefaultOwner, today)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Courses) != 2 || c.Courses[0].Therapist.ID != 1 || c.Courses[1].Therapist.ID != 2 {
			t.Fatalf("courses: %+v, want therapists 1 then 2 (the order they began)", c.Courses)
		}
		first, second := c.Courses[0], c.Courses[1]

		// The first therapy: ended, reliably worse on the pair, drifting
		// to the relationship, flagged, often worse after.
		if first.Current || !first.EndRecorded || first.Sessions != 30 {
			t.Errorf("first course: current %v, end recorded %v, %d sessions", first.Current, first.EndRecorded, first.Sessions)
		}
		if first.Pair == nil || !slices.Contains(first.Pair.Outcomes, string(review.CodeReliableDeterioration)) || len(first.Pair.Findings) == 0 {
			t.Errorf("first course's NHS outcome: %+v, want a reliable deterioration with its finding", first.Pair)
		}
		if first.Cost.ReliableImprovements != 0 || first.Cost.PerReliableImprovement != nil {
			t.Errorf("first course: %d reliable improvements, per one %v; want none and no division", first.Cost.ReliableImprovements, first.Cost.PerReliableImprovement)
		}
		if f := first.Focus; f.FirstRelationship == nil || f.RecentRelationship == nil || *f.RecentRelationship < *f.FirstRelationship+0.3 || !slices.Contains(f.Findings, "finding-relationship_drift-1") {
			t.Errorf("first course's focus: %+v, want the drift from its first sessions to its recent ones, with the finding", f)
		}
		if first.Flags.SessionsWithFlags == 0 || first.Flags.Counts[upshot.FlagPushedRelationship] == 0 || len(first.Flags.Findings) == 0 {
			t.Errorf("first course's flags: %+v", first.Flags)
		}
		if first.After.Counts[upshot.AfterWorse] < 5 || !slices.Contains(first.After.Findings, "finding-worse_after-1") {
			t.Errorf("first course's after: %+v", first.After)
		}

		// The second: going on, a reliable recovery, a goal solved, each
		// divided cost in whole hundredths of the total.
		if !second.Current || second.Sessions != 19 {
			t.Errorf("second course: current %v, %d sessions", second.Current, second.Sessions)
		}
		if second.Pair == nil || !slices.Contains(second.Pair.Outcomes, string(review.CodeReliableRecovery)) {
			t.Errorf("second course's NHS outcome: %+v, want a reliable recovery", second.Pair)
		}
		total := second.Cost.Money["EUR"]
		if n := second.Cost.ReliableImprovements; n != 1 || second.Cost.PerReliableImprovement["EUR"] != total.Per(n) {
			t.Errorf("second course: cost %v, %d reliable improvements, per one %v", second.Cost.Money, n, second.Cost.PerReliableImprovement)
		}
		if second.Cost.GoalsSolved != 1 || second.Goals.Solved != 1 || second.Cost.PerGoalSolved["EUR"] != total {
			t.Errorf("second course: goals solved %d, per goal %v (cost %v)", second.Cost.GoalsSolved, second.Cost.PerGoalSolved, total)
		}
		if *first.Helpfulness.RecentAverage >= *second.Helpfulness.RecentAverage || first.Helpfulness.RecentSessions != 4 {
			t.Errorf("helpfulness recently: %v then %v over %d sessions", *first.Helpfulness.RecentAverage, *second.Helpfulness.RecentAverage, first.Helpfulness.RecentSessions)
		}
		if first.AgendaSetBy.Counts["therapist"] <= second.AgendaSetBy.Counts["therapist"] {
			t.Errorf("who set the agenda: %v then %v", first.AgendaSetBy.Counts, second.AgendaSetBy.Counts)
		}

		// Each scale's outcome is the whole review's for that course.
		whole := review.Run(snap, reg, review.Options{Today: today})
		checked := 0
		for _, co := range c.Courses {
			for _, s := range co.Scales {
				for _, m := range whole.Measures {
					for _, wc := range m.Courses {
						if m.ID != s.Instrument || wc.TherapistID != co.Therapist.ID {
							continue
						}
						checked++
						if wc.Baseline.CheckInID != s.Baseline.CheckInID || wc.Latest.CheckInID != s.Latest.CheckInID || (s.Validated && wc.Reliable != s.Reliable) {
							t.Errorf("therapist %d, %s: compared %d to %d (%q), the review's course %d to %d (%q)", co.Therapist.ID, s.Instrument,
								s.Baseline.CheckInID, s.Latest.CheckInID, s.Reliable, wc.Baseline.CheckInID, wc.Latest.CheckInID, wc.Reliable)
						}
					}
				}
			}
		}
		if checked != 8 {
			t.Errorf("%d outcomes checked against the whole review, want 8 (4 questionnaires, 2 courses)", checked)
		}
		// Every anchor named is a finding of that therapist's review.
		for _, co := range c.Courses {
			rv := review.Run(snap, reg, review.Options{Today: today, TherapistID: co.Therapist.ID})
			for _, a := range append(append(co.Cost.Findings, co.Focus.Findings...), co.Flags.Findings...) {
				if !slices.ContainsFunc(rv.Findings, func(f review.Finding) bool { return f.Anchor() == a }) {
					t.Errorf("therapist %d: anchor %q is no finding of their review", co.Therapist.ID, a)
				}
			}
		}

		// Chosen therapists only; one that is not there is not found.
		one, err := usecase.Compare(ctx, db, reg, upshot.DefaultOwner, today, 2)
		if err != nil || len(one.Courses) != 1 || one.Courses[0].Therapist.ID != 2 {
			t.Errorf("compare 2: %+v, %v", one, err)
		}
		if _, err := usecase.Compare(ctx, db, reg, upshot.DefaultOwner, today, 1, 99); upshot.ErrorCode(err) != upshot.ENOTFOUND {
			t.Errorf("compare 1 99: %v, want not found", err)
		}
	})
}

// Cost per reliable improvement divides in whole hundredths and is null
// without one; a named therapist with no session is shown with nothing
// recorded; another owner's therapist is not found.
func TestCompareSmall(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg := instrument.Builtin()
	forEachBackend(t, func(t *testing.T, db *store.DB) {
		fee := upshot.Money(8050)
		a := &upshot.Therapist{Name: "Dr A", Fee: &fee, Currency: "EUR"}
		b := &upshot.Therapist{Name: "Dr B"}
		for _, th := range []*upshot.Therapist{a, b} {
			must(t, db.CreateTherapist(ctx, upshot.DefaultOwner, th))
		}
		paid := upshot.Money(9000)
		for i, s := range []*upshot.Session{
			{Date: today.AddDays(-21), Minutes: intp(50), Helpful: intp(6), After: upshot.AfterBetter, Agenda: "me", Got: []string{"insight"},
				Focus: &upshot.Focus{Life: 40, Relationship: 10}},
			{Date: today.AddDays(-14), Minutes: intp(50), Fee: &paid, Helpful: intp(8), After: upshot.AfterSame},
			{Date: today.AddDays(-7), Minutes: intp(50), Flags: []string{upshot.FlagSelfFocus}},
		} {
			s.TherapistID = a.ID
			if err := usecase.LogSession(ctx, db, upshot.DefaultOwner, clock, s); err != nil {
				t.Fatalf("session %d: %v", i, err)
			}
		}
		// PHQ-9 14 then 5, GAD-7 10 then 4: a reliable improvement of the pair.
		answer := func(id string, date upshot.Date, scores ...int) {
			def, _ := reg.Get(id)
			var as []*int
			for _, v := range scores {
				as = append(as, intp(v))
			}
			if _, err := usecase.RecordCheckIn(ctx, db, reg, upshot.DefaultOwner, clock, def, as, date); err != nil {
				t.Fatal(err)
			}
		}
		answer("phq9", today.AddDays(-21), 2, 2, 2, 2, 2, 2, 1, 1, 0)
		answer("gad7", today.AddDays(-21), 2, 2, 2, 1, 1, 1, 1)
		answer("phq9", today.AddDays(-7), 1, 1, 1, 1, 1, 0, 0, 0, 0)
		answer("gad7", today.AddDays(-7), 1, 1, 1, 1, 0, 0, 0)

		c, err := usecase.Compare(ctx, db, reg, upshot.DefaultOwner, today, b.ID, a.ID, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Courses) != 2 || c.Courses[0].Therapist.ID != a.ID || c.Courses[1].Therapist.ID != b.ID {
			t.Fatalf("courses: %+v, want A (with sessions) then B, once each", c.Courses)
		}
		ca, cb := c.Courses[0], c.Courses[1]
		// 80.50 twice at the usual fee and 90 paid: 251.00, one reliable
		// improvement, no goal solved.
		if ca.Cost.Money["EUR"] != 25100 || ca.Cost.SessionsAtUsualFee != 2 {
			t.Errorf("A's cost: %v, %d at the usual fee", ca.Cost.Money, ca.Cost.SessionsAtUsualFee)
		}
		if ca.Pair == nil || !slices.Contains(ca.Pair.Outcomes, string(review.CodeReliableImprovement)) || ca.Cost.ReliableImprovements != 1 ||
			ca.Cost.PerReliableImprovement["EUR"] != 25100 {
			t.Errorf("A: pair %+v, %d reliable improvements, per one %v", ca.Pair, ca.Cost.ReliableImprovements, ca.Cost.PerReliableImprovement)
		}
		if ca.Cost.PerGoalSolved != nil || ca.Weeks != 2 || ca.Hours != 2.5 {
			t.Errorf("A: per goal %v, %v weeks, %v hours", ca.Cost.PerGoalSolved, ca.Weeks, ca.Hours)
		}
		if h := ca.Helpfulness; h.Average == nil || *h.Average != 7 || h.Ratings != 2 {
			t.Errorf("A's helpfulness: %+v", h)
		}
		if ca.Got.Counts["insight"] != 1 || ca.Got.NotRecorded != 2 || ca.AgendaSetBy.Counts["me"] != 1 || ca.After.Counts[upshot.AfterBetter] != 1 {
			t.Errorf("A's tallies: got %+v, agenda %+v, after %+v", ca.Got, ca.AgendaSetBy, ca.After)
		}
		if f := ca.Focus; f.Life == nil || *f.Life != 0.8 || *f.Relationship != 0.2 || f.SessionsWithFocus != 1 {
			t.Errorf("A's focus: %+v", f)
		}
		if ca.Flags.Counts[upshot.FlagSelfFocus] != 1 {
			t.Errorf("A's flags: %+v", ca.Flags)
		}
		if cb.Sessions != 0 || cb.Pair != nil || len(cb.Scales) != 0 || cb.Cost.PerReliableImprovement != nil || !cb.FirstSession.IsZero() {
			t.Errorf("B, no sessions: %+v", cb)
		}

		// Another owner: A's therapists are not theirs.
		other, err := db.CreateAccount(ctx, "other", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := usecase.Compare(ctx, db, reg, other, today, a.ID); upshot.ErrorCode(err) != upshot.ENOTFOUND {
			t.Errorf("another owner comparing A: %v, want not found", err)
		}
		if c, err := usecase.Compare(ctx, db, reg, other, today); err != nil || len(c.Courses) != 0 {
			t.Errorf("another owner comparing all: %+v, %v; want nothing", c, err)
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// BenchmarkCompareHistory is the comparison of every therapist of the
// shared ten-year history (internal/demo/history) from SQLite: one read
// without notes and a review per therapist.
func BenchmarkCompareHistory(b *testing.B) {
	db := storetest.Open(b, "sqlite")
	ctx := context.Background()
	reg := instrument.Builtin()
	if err := db.Import(ctx, upshot.DefaultOwner, history.TenYears(today)); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		c, err := usecase.Compare(ctx, db, reg, upshot.DefaultOwner, today)
		if err != nil || len(c.Courses) == 0 {
			b.Fatalf("compare: %v", err)
		}
	}
}

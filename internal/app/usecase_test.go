package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/store/storetest"
	"github.com/upshot-app/upshot/internal/upshot"
)

// The use cases the CLI, the pages and the API share, on both databases
// with a clock of their own: what "today" means, the defaults, and the code
// a mistake gets (the front ends' own tests show they pass it on).

var now = time.Date(2026, 3, 10, 14, 30, 0, 0, time.UTC)

func clock() time.Time { return now }

var today = upshot.DateOf(now)

func forEachBackend(t *testing.T, f func(t *testing.T, db *store.DB)) {
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, backend)
			db.Now = clock
			f(t, db)
		})
	}
}

func intp(n int) *int { return &n }

// A new goal is open and opened today; one recorded as solved or dropped
// without a date is closed today; closing takes only a way a goal ends.
func TestGoalUseCases(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, db *store.DB) {
		g := &upshot.Goal{Title: "Sleep through the night", Domain: "health"}
		if err := usecase.AddGoal(ctx, db, upshot.DefaultOwner, clock, g); err != nil {
			t.Fatal(err)
		}
		if g.Status != upshot.GoalOpen || !g.Opened.Equal(today) || !g.Closed.IsZero() {
			t.Errorf("new goal: status %q, opened %s, closed %s; want open, opened %s", g.Status, g.Opened, g.Closed, today)
		}
		done := &upshot.Goal{Title: "Find a therapist", Domain: "health", Status: upshot.GoalSolved, Opened: today.AddDays(-30)}
		if err := usecase.AddGoal(ctx, db, upshot.DefaultOwner, clock, done); err != nil {
			t.Fatal(err)
		}
		if !done.Closed.Equal(today) {
			t.Errorf("goal added as solved without a date: closed %s, want %s", done.Closed, today)
		}
		if _, err := usecase.CloseGoal(ctx, db, upshot.DefaultOwner, clock, g.ID, "finished", upshot.Date{}); upshot.ErrorCode(err) != upshot.EINVALID || upshot.ErrorField(err) != "status" {
			t.Errorf("closing as 'finished': %v, want invalid status", err)
		}
		closed, err := usecase.CloseGoal(ctx, db, upshot.DefaultOwner, clock, g.ID, upshot.GoalDropped, upshot.Date{})
		if err != nil {
			t.Fatal(err)
		}
		if closed.Status != upshot.GoalDropped || !closed.Closed.Equal(today) {
			t.Errorf("closed goal: %q on %s, want dropped on %s", closed.Status, closed.Closed, today)
		}
		if _, err := usecase.CloseGoal(ctx, db, upshot.DefaultOwner, clock, 999, upshot.GoalSolved, upshot.Date{}); upshot.ErrorCode(err) != upshot.ENOTFOUND {
			t.Errorf("closing a goal that is not there: %v, want not found", err)
		}
		future := &upshot.Goal{Title: "Later", Domain: "health", Opened: today.AddDays(1)}
		if err := usecase.AddGoal(ctx, db, upshot.DefaultOwner, clock, future); upshot.ErrorCode(err) != upshot.EINVALID {
			t.Errorf("a goal opened tomorrow: %v, want invalid", err)
		}
	})
}

// A new session starts from the current therapist (of the latest session,
// unless they ended) and their last minutes, fee and format; logging one
// without a date logs it today; naming a therapist or goal that is not
// there is invalid input naming the field, and writes nothing.
func TestSessionUseCases(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, db *store.DB) {
		empty, err := usecase.NewSession(ctx, db, upshot.DefaultOwner, clock)
		if err != nil {
			t.Fatal(err)
		}
		if empty.TherapistID != 0 || !empty.Date.Equal(today) {
			t.Errorf("new session with no therapist: %+v", empty)
		}
		fee := upshot.Money(9000)
		a := &upshot.Therapist{Name: "Dr A", Fee: &fee, Currency: "EUR"}
		b := &upshot.Therapist{Name: "Dr B"}
		for _, th := range []*upshot.Therapist{a, b} {
			if err := db.CreateTherapist(ctx, upshot.DefaultOwner, th); err != nil {
				t.Fatal(err)
			}
		}
		g := &upshot.Goal{Title: "Sleep", Domain: "health"}
		if err := usecase.AddGoal(ctx, db, upshot.DefaultOwner, clock, g); err != nil {
			t.Fatal(err)
		}
		first := &upshot.Session{TherapistID: b.ID, Date: today.AddDays(-7), Minutes: intp(50), Format: "video",
			Goals: []upshot.GoalProgress{{GoalID: g.ID}}}
		if err := usecase.LogSession(ctx, db, upshot.DefaultOwner, clock, first); err != nil {
			t.Fatal(err)
		}
		next, err := usecase.NewSession(ctx, db, upshot.DefaultOwner, clock)
		if err != nil {
			t.Fatal(err)
		}
		if next.TherapistID != b.ID || next.Minutes == nil || *next.Minutes != 50 || next.Format != "video" || !next.Date.Equal(today) {
			t.Errorf("new session after one with Dr B: %+v, want Dr B's 50 minutes by video today", next)
		}
		// Dr B ends: the first therapist who has not ended is current, with
		// their usual fee.
		b.Ended = today.AddDays(-1)
		if err := db.UpdateTherapist(ctx, upshot.DefaultOwner, b); err != nil {
			t.Fatal(err)
		}
		next, err = usecase.NewSession(ctx, db, upshot.DefaultOwner, clock)
		if err != nil {
			t.Fatal(err)
		}
		if next.TherapistID != a.ID || next.Fee == nil || *next.Fee != fee {
			t.Errorf("new session after Dr B ended: %+v, want Dr A at their fee", next)
		}

		undated := &upshot.Session{TherapistID: a.ID}
		if err := usecase.LogSession(ctx, db, upshot.DefaultOwner, clock, undated); err != nil {
			t.Fatal(err)
		}
		if !undated.Date.Equal(today) {
			t.Errorf("a session logged without a date is on %s, want %s", undated.Date, today)
		}
		before, err := db.ListSessions(ctx, upshot.DefaultOwner, upshot.SessionFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			s     *upshot.Session
			field string
		}{
			{&upshot.Session{TherapistID: 99, Date: today}, "therapist"},
			{&upshot.Session{TherapistID: a.ID, Date: today, Goals: []upshot.GoalProgress{{GoalID: 99}}}, "goals"},
			{&upshot.Session{TherapistID: a.ID, Date: today, AgendaItems: []upshot.AgendaMark{{ItemID: 99, Mark: upshot.MarkRaised}}}, "agenda_items"},
		} {
			err := usecase.LogSession(ctx, db, upshot.DefaultOwner, clock, tt.s)
			if upshot.ErrorCode(err) != upshot.EINVALID || upshot.ErrorField(err) != tt.field || !strings.Contains(upshot.ErrorMessage(err), "99") {
				t.Errorf("a session naming %s 99: %v, want invalid %s naming 99", tt.field, err, tt.field)
			}
		}
		edit := *first
		edit.TherapistID = 99
		if err := usecase.EditSession(ctx, db, upshot.DefaultOwner, clock, &edit); upshot.ErrorCode(err) != upshot.EINVALID || upshot.ErrorField(err) != "therapist" {
			t.Errorf("an edit naming therapist 99: %v, want invalid therapist", err)
		}
		after, err := db.ListSessions(ctx, upshot.DefaultOwner, upshot.SessionFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(after) != len(before) || after[0].TherapistID != b.ID {
			t.Errorf("refused sessions wrote: %d sessions before, %d after", len(before), len(after))
		}
		same, err := usecase.SameDaySession(ctx, db, upshot.DefaultOwner, &upshot.Session{TherapistID: a.ID, Date: today})
		if err != nil || same == nil || same.ID != undated.ID {
			t.Errorf("SameDaySession: %v %v, want session %d", same, err, undated.ID)
		}
		// An edit made from an old version is a conflict, not lost.
		stale := *first
		stale.Minutes = intp(45)
		fresh := *first
		fresh.Minutes = intp(60)
		if err := usecase.EditSession(ctx, db, upshot.DefaultOwner, clock, &fresh); err != nil {
			t.Fatal(err)
		}
		if err := usecase.EditSession(ctx, db, upshot.DefaultOwner, clock, &stale); upshot.ErrorCode(err) != upshot.ECONFLICT {
			t.Errorf("an edit from an old version: %v, want a conflict", err)
		}
	})
}

// A check-in is recorded today when it has no date, scored against the
// history of its instrument, and carries the safety notice with the
// person's crisis contacts when item 9 of the PHQ-9 is above 0; a
// correction is scored again; a check-in dated tomorrow is refused.
func TestCheckInUseCases(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg := instrument.Builtin()
	phq, ok := reg.Get("phq9")
	if !ok {
		t.Fatal("no phq9")
	}
	answers := func(vs ...int) []*int {
		out := make([]*int, len(vs))
		for i := range vs {
			out[i] = &vs[i]
		}
		return out
	}
	forEachBackend(t, func(t *testing.T, db *store.DB) {
		const contacts = "Call Sam on 0123"
		if err := db.SetSetting(ctx, upshot.DefaultOwner, upshot.SettingCrisisContacts, contacts); err != nil {
			t.Fatal(err)
		}
		first, err := usecase.RecordCheckIn(ctx, db, reg, upshot.DefaultOwner, clock, phq, answers(2, 2, 2, 2, 2, 2, 2, 2, 0), today.AddDays(-28))
		if err != nil {
			t.Fatal(err)
		}
		if first.Total != 16 || first.Safety || first.SafetyNotice != "" {
			t.Errorf("first check-in: total %d, safety %v", first.Total, first.Safety)
		}
		second, err := usecase.RecordCheckIn(ctx, db, reg, upshot.DefaultOwner, clock, phq, answers(0, 1, 0, 1, 0, 1, 0, 1, 1), upshot.Date{})
		if err != nil {
			t.Fatal(err)
		}
		if !second.Date.Equal(today) || second.Total != 5 || second.Change.Baseline == nil || second.Change.Baseline.Delta != -11 {
			t.Errorf("second check-in: %s, total %d, baseline %+v; want today, 5, down 11", second.Date, second.Total, second.Change.Baseline)
		}
		if !second.Safety || !strings.Contains(second.SafetyNotice, contacts) {
			t.Errorf("item 9 above 0: safety %v, notice %q; want the notice with the crisis contacts", second.Safety, second.SafetyNotice)
		}
		if _, err := usecase.RecordCheckIn(ctx, db, reg, upshot.DefaultOwner, clock, phq, answers(0, 0, 0, 0, 0, 0, 0, 0, 0), today.AddDays(1)); upshot.ErrorCode(err) != upshot.EINVALID || upshot.ErrorField(err) != "date" {
			t.Errorf("a check-in dated tomorrow: %v, want invalid date", err)
		}
		if _, err := usecase.RecordCheckIn(ctx, db, reg, upshot.DefaultOwner, clock, phq, answers(0, 0, 0), upshot.Date{}); upshot.ErrorCode(err) != upshot.EINVALID {
			t.Errorf("three answers to the PHQ-9: %v, want invalid", err)
		}
		stored, err := db.FindCheckIn(ctx, upshot.DefaultOwner, second.ID)
		if err != nil {
			t.Fatal(err)
		}
		stored.Answers = answers(0, 1, 0, 1, 0, 1, 0, 1, 0)
		corrected, err := usecase.CorrectCheckIn(ctx, db, reg, upshot.DefaultOwner, clock, stored)
		if err != nil {
			t.Fatal(err)
		}
		if corrected.Total != 4 || corrected.Safety || corrected.SafetyNotice != "" {
			t.Errorf("corrected check-in: total %d, safety %v; want 4 without the notice", corrected.Total, corrected.Safety)
		}
		history, err := usecase.CheckInHistory(ctx, db, reg, upshot.DefaultOwner, upshot.CheckInFilter{Instrument: "phq9"})
		if err != nil {
			t.Fatal(err)
		}
		if len(history) != 2 || history[0].Total != 16 || history[1].Total != 4 {
			t.Errorf("history: %d check-ins", len(history))
		}
		if _, err := usecase.ScoreCheckIn(ctx, db, reg, upshot.DefaultOwner, 999); upshot.ErrorCode(err) != upshot.ENOTFOUND {
			t.Errorf("scoring a check-in that is not there: %v, want not found", err)
		}
	})
}

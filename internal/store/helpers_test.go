package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/upshot"
)

var ctx = context.Background()

func ptr[T any](v T) *T { return &v }

func day(y int, m time.Month, d int) upshot.Date { return upshot.NewDate(y, m, d) }

// testClock starts at a fixed moment with nanoseconds (to prove truncation)
// and moves one second per reading, so created and updated times differ.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *testClock {
	return &testClock{t: time.Date(2025, 6, 1, 12, 0, 0, 123456789, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

// wantCode fails unless err carries the code and, if field is not empty, the field.
func wantCode(t *testing.T, err error, code, field string) {
	t.Helper()
	if got := upshot.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
	if field != "" {
		if got := upshot.ErrorField(err); got != field {
			t.Fatalf("error field = %q (%v), want %q", got, err, field)
		}
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// exportJSON is the owner's export with the export time blanked: the
// document two round-tripped databases must agree on byte for byte.
func exportJSON(t testing.TB, db *store.DB, owner upshot.OwnerID) string {
	t.Helper()
	s, err := db.Export(ctx, owner)
	must(t, err)
	s.ExportedAt = time.Time{}
	b, err := json.MarshalIndent(s, "", "  ")
	must(t, err)
	return string(b)
}

func definition(instrument string, version int) upshot.Definition {
	return upshot.Definition{Instrument: instrument, Version: version,
		Data: json.RawMessage(`{ "id": "` + instrument + `", "items": [ {"text": "one"}, {"text": "two"} ] }`)}
}

// sample is what fill writes: every kind of record with every field used,
// optional fields both set and absent, and deletions that move counters.
type sample struct {
	therapists []*upshot.Therapist
	goals      []*upshot.Goal
	sessions   []*upshot.Session
	checkins   []*upshot.CheckIn
}

func fill(t testing.TB, db *store.DB, owner upshot.OwnerID) sample {
	t.Helper()
	var s sample
	s.therapists = []*upshot.Therapist{
		{Name: "Dr. Anna Berg", Credentials: "PhD, licensed psychologist", Approach: "psychodynamic",
			Fee: ptr(upshot.Money(9050)), Currency: "EUR", Started: day(2024, 1, 10), Ended: day(2025, 1, 5)},
		{Name: "Chris Dale", Started: day(2025, 2, 1)},
	}
	for _, th := range s.therapists {
		must(t, db.CreateTherapist(ctx, owner, th))
	}
	s.goals = []*upshot.Goal{
		{Title: "stop dreading Monday meetings", Domain: "work", Severity: ptr(7), SolvedWhen: "I sleep on Sunday nights",
			Status: upshot.GoalOpen, Opened: day(2024, 1, 10)},
		{Title: "talk to my sister again", Domain: "family", Status: upshot.GoalSolved, Opened: day(2024, 1, 10), Closed: day(2024, 9, 1)},
		{Title: "run twice a week", Domain: "health", Severity: ptr(0), Status: upshot.GoalDropped, Opened: day(2024, 2, 1), Closed: day(2024, 3, 1)},
	}
	for _, g := range s.goals {
		must(t, db.CreateGoal(ctx, owner, g))
	}
	item := &upshot.AgendaItem{Text: "ask about \"us\" <b>talk</b>", Source: upshot.AgendaMine, Status: upshot.AgendaOpen, Opened: day(2024, 1, 3)}
	must(t, db.CreateAgendaItem(ctx, owner, item))
	th1, th2 := s.therapists[0].ID, s.therapists[1].ID
	g1, g2 := s.goals[0].ID, s.goals[1].ID
	s.sessions = []*upshot.Session{
		{TherapistID: th1, Date: day(2024, 1, 10), Minutes: ptr(50), Fee: ptr(upshot.Money(9050)), Format: "video", Agenda: "me",
			Focus: &upshot.Focus{Life: 30, Relationship: 10, Admin: 5, Other: 5},
			Goals: []upshot.GoalProgress{{GoalID: g2, Progress: ptr(1)}, {GoalID: g1}},
			Got:   []string{"strategy", "insight"}, Helpful: ptr(7), After: upshot.AfterBetter,
			Conduct:     upshot.Conduct{Empathy: ptr(4), Respect: ptr(5), Objectivity: ptr(1)},
			Flags:       []string{upshot.FlagPushedRelationship, upshot.FlagDismissedAccount},
			AgendaItems: []upshot.AgendaMark{{ItemID: item.ID, Mark: upshot.MarkRaised}},
			Note:        "Talked about Monday.\nShe said <script>alert(1)</script> & \"we\" — ünïcödé"},
		{TherapistID: th1, Date: day(2024, 1, 17)},
		{TherapistID: th1, Date: day(2024, 1, 17), Goals: []upshot.GoalProgress{{GoalID: g1, Progress: ptr(-3)}}, Got: []string{"none"}, Helpful: ptr(0), After: upshot.AfterWorse},
		{TherapistID: th2, Date: day(2025, 2, 1), Minutes: ptr(600), Focus: &upshot.Focus{Life: 100}, Conduct: upshot.Conduct{Honesty: ptr(5)}},
	}
	for _, ss := range s.sessions {
		must(t, db.CreateSession(ctx, owner, ss))
	}
	// A deleted session: its id is gone for good, and the counter is past it.
	extra := &upshot.Session{TherapistID: th2, Date: day(2025, 2, 8), Goals: []upshot.GoalProgress{{GoalID: g1}}}
	must(t, db.CreateSession(ctx, owner, extra))
	must(t, db.DeleteSession(ctx, owner, extra.ID))

	s.checkins = []*upshot.CheckIn{
		{Instrument: "phq9", InstrumentVersion: 1, Date: day(2024, 1, 10), Answers: []*int{ptr(1), ptr(2), nil, ptr(0)}},
		{Instrument: "gad7", InstrumentVersion: 1, Date: day(2024, 1, 10), Answers: []*int{ptr(3), ptr(3)}},
		{Instrument: "phq9", InstrumentVersion: 2, Date: day(2024, 3, 1), Answers: []*int{ptr(0), ptr(0), ptr(0), ptr(1)}},
	}
	for _, c := range s.checkins {
		must(t, db.CreateCheckIn(ctx, owner, c, definition(c.Instrument, c.InstrumentVersion)))
	}
	must(t, db.SetSetting(ctx, owner, "recent_window", " 6 "))
	must(t, db.SetSetting(ctx, owner, upshot.SettingCrisisContacts, "Samaritans 116 123\nmy friend Jo: 0123"))
	must(t, db.PutSafetyPlan(ctx, owner, &upshot.SafetyPlan{
		WarningSigns:  []string{"I stop answering messages", "<b>not bold</b> & \"quoted\" — ünïcödé"},
		AskForHelp:    []string{"Jo, 0123 456"},
		ReasonsToLive: []string{"my niece"},
	}))
	// A calendar feed, its hash unique to the owner.
	must(t, db.SetCalendarFeed(ctx, owner, fmt.Sprintf("%064x", int64(owner))))
	// An answer kept for an Idempotency-Key (the deleted session above left
	// a tombstone).
	if _, err := db.BeginIdempotent(ctx, owner, "fill-key", "fill-hash", 24*time.Hour); err != nil {
		t.Fatal(err)
	}
	must(t, db.FinishIdempotent(ctx, owner, "fill-key", upshot.IdempotentAnswer{Status: 201, Location: "/api/v1/goals/1", ETag: `"1"`, Body: `{"id":1}`}))
	return s
}

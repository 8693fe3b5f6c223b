// Package demo builds the example history `upshot demo` loads: one person's
// year of therapy that tells the story Upshot exists for. A first therapy
// starts well, then drifts into "the relationship": goals stop being
// addressed, the therapist's conduct and the person's scores get worse. A
// second therapy works on the goals and the scores recover.
//
// The history is generated, not stored, so that it always ends shortly before
// the day it is loaded and every review of it looks current. It is
// deterministic: the same day gives byte-for-byte the same snapshot, which
// keeps demo output and its tests reproducible.
package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/upshot"
)

// Fixed seed: the demo must be the same story every time it is loaded.
const seed1, seed2 = 0x5550_5348_4f54, 0x4445_4d4f

// The shape of the year, in days from the first session with the first
// therapist (day 0). Everything else is laid out against these.
const (
	sessions1 = 30 // weekly, with one week off for the therapist's holiday
	holiday   = 10 // index of the first session after the week off
	sessions2 = 19 // weekly, ongoing

	gapDays = 22 // between the two therapies; a new weekday with the new therapist

	end1   = 7 * sessions1            // day of the last session with the first therapist
	start2 = end1 + gapDays           // day of the first session with the second
	span   = start2 + 7*(sessions2-1) // day of the latest session
)

// Build returns the demo history as a complete snapshot whose latest session
// is a few days before today. reg must hold the built-in instruments; every
// generated answer set is scored with them and checked against its target, so
// a changed definition fails here instead of telling a different story.
func Build(today upshot.Date, reg *instrument.Registry) (*upshot.Snapshot, error) {
	if reg == nil {
		return nil, fmt.Errorf("demo: no instrument registry")
	}
	b := &builder{rng: rand.New(rand.NewPCG(seed1, seed2))}
	latest := today.AddDays(-(2 + b.rng.IntN(4)))
	b.day0 = latest.AddDays(-span)

	snap := &upshot.Snapshot{
		Format:     upshot.ExportFormat,
		Version:    upshot.ExportVersion,
		ExportedAt: noon(today),
		Settings:   upshot.Settings{},
	}
	snap.Therapists = b.therapists()
	snap.Goals = b.goals()
	snap.Sessions = b.sessions()
	checkins, defs, err := b.checkIns(reg)
	if err != nil {
		return nil, err
	}
	snap.CheckIns = checkins
	snap.Definitions = defs
	snap.SafetyPlan = safetyPlan(latest.AddDays(-90))
	snap.AgendaItems = b.agenda(snap.Sessions)
	// Validate also puts sets into their canonical order, so the document is
	// exactly what an export of the imported demo would write.
	if err := snap.Validate(today); err != nil {
		return nil, fmt.Errorf("demo: generated history is invalid: %w", err)
	}
	return snap, nil
}

type builder struct {
	rng  *rand.Rand
	day0 upshot.Date
}

// day returns the calendar date n days into the story.
func (b *builder) day(n int) upshot.Date { return b.day0.AddDays(n) }

func noon(d upshot.Date) time.Time { return d.Time().Add(12 * time.Hour) }

// meta is what a record entered on its own date would carry.
func meta(d upshot.Date) upshot.Meta {
	return upshot.Meta{Version: 1, CreatedAt: noon(d), UpdatedAt: noon(d)}
}

// jitter returns a whole number in [-n, n].
func (b *builder) jitter(n int) int { return b.rng.IntN(2*n+1) - n }

// Record ids: ids start at 1 in each kind, in the order the records happened.
const (
	morgan int64 = 1
	rivera int64 = 2

	goalMondays int64 = 1
	goalSleep   int64 = 2
	goalSister  int64 = 3
	goalFriends int64 = 4
	goalJob     int64 = 5
)

func (b *builder) therapists() []*upshot.Therapist {
	eur := "EUR"
	t1 := &upshot.Therapist{
		ID: morgan, Name: "Dr. Alex Morgan", Credentials: "PhD, clinical psychologist", Approach: "psychodynamic",
		Fee: upshot.Ptr(upshot.Money(12000)), Currency: eur,
		Started: b.day(0), Ended: b.day(end1),
		Meta: meta(b.day(0)),
	}
	t2 := &upshot.Therapist{
		ID: rivera, Name: "Sam Rivera", Credentials: "LCSW", Approach: "CBT",
		Fee: upshot.Ptr(upshot.Money(9000)), Currency: eur,
		Started: b.day(start2),
		Meta:    meta(b.day(start2)),
	}
	return []*upshot.Therapist{t1, t2}
}

// Days on which goals close: Mondays is solved late in the second therapy,
// the job question is dropped early in it.
const (
	solvedMondaysAt = 14 // session index with the second therapist
	droppedJobAt    = 2
)

func (b *builder) goals() []*upshot.Goal {
	d0 := b.day(0)
	return []*upshot.Goal{
		{ID: goalMondays, Title: "Stop dreading Monday meetings", Domain: "work", Severity: upshot.Ptr(7),
			SolvedWhen: "I go in without lying awake on Sunday", Status: upshot.GoalSolved,
			Opened: d0, Closed: b.session2Day(solvedMondaysAt), Meta: meta(d0)},
		{ID: goalSleep, Title: "Sleep through the night", Domain: "health", Severity: upshot.Ptr(6),
			SolvedWhen: "Most nights I sleep until the alarm without lying awake at 4", Status: upshot.GoalOpen,
			Opened: d0, Meta: meta(d0)},
		{ID: goalSister, Title: "Talk with my sister without it ending in a fight", Domain: "family", Severity: upshot.Ptr(8),
			SolvedWhen: "We can talk about Mum's care and both stay on the phone", Status: upshot.GoalOpen,
			Opened: d0, Meta: meta(d0)},
		{ID: goalFriends, Title: "Get back to seeing friends", Domain: "friends", Severity: upshot.Ptr(5),
			SolvedWhen: "I see a friend at least once a week because I want to", Status: upshot.GoalOpen,
			Opened: d0, Meta: meta(d0)},
		{ID: goalJob, Title: "Decide whether to leave my job", Domain: "work", Severity: upshot.Ptr(4),
			SolvedWhen: "I have decided, either way, and stopped going round in circles", Status: upshot.GoalDropped,
			Opened: b.session1Day(1), Closed: b.session2Day(droppedJobAt), Meta: meta(b.session1Day(1))},
	}
}

// session1Day is the date of the i-th session with the first therapist.
func (b *builder) session1Day(i int) upshot.Date {
	if i >= holiday {
		return b.day(7 * (i + 1))
	}
	return b.day(7 * i)
}

// session2Day is the date of the i-th session with the second therapist.
func (b *builder) session2Day(i int) upshot.Date { return b.day(start2 + 7*i) }

// sortCheckIns orders check-ins by date, then by the order people meet the
// instruments in, and numbers them in that order.
func sortCheckIns(cs []*upshot.CheckIn, order []string) {
	slices.SortStableFunc(cs, func(a, b *upshot.CheckIn) int {
		if c := a.Date.Compare(b.Date); c != 0 {
			return c
		}
		return slices.Index(order, a.Instrument) - slices.Index(order, b.Instrument)
	})
	for i, c := range cs {
		c.ID = int64(i + 1)
	}
}

// safetyPlan is the plan the demo person wrote with their second therapist
// on a calmer day: short, concrete, in their own words. The numbers are
// fictional (Ofcom's drama ranges) except the Samaritans'.
func safetyPlan(written upshot.Date) *upshot.SafetyPlan {
	return &upshot.SafetyPlan{
		WarningSigns:      []string{"I stop answering messages", "Lying awake going over work again and again", "Thinking nobody would notice if I was gone"},
		CopingSteps:       []string{"Walk round the park, phone left at home", "Cold water on my face, then slow breathing", "Put on the calm playlist"},
		PeoplePlaces:      []string{"The café on Mill Road", "Climbing night with my friend Kit on Thursdays"},
		AskForHelp:        []string{"My sister Jo, 07700 900123", "Kit, 07700 900456"},
		Professionals:     []string{"Sam Rivera (therapist), 020 7946 0958, weekdays", "My GP surgery, 020 7946 0321", "Samaritans, 116 123"},
		SaferSurroundings: []string{"Jo keeps the spare packets of pills", "No drinking alone on bad evenings"},
		ReasonsToLive:     []string{"Jo and my niece Mia", "The trip to the coast in May", "Getting back to climbing"},
		Meta:              upshot.Meta{Version: 1, CreatedAt: noon(written), UpdatedAt: noon(written)},
	}
}

// agenda is what the demo person wanted to raise, with its history: with
// the first therapist, a question of their own raised three times and never
// dealt with (dropped when they left); with the second, a review suggestion
// adopted with one tap, raised once and dealt with the week after. sessions
// are b.sessions(): the first therapist's, then the second's.
func (b *builder) agenda(sessions []*upshot.Session) []*upshot.AgendaItem {
	mark := func(s *upshot.Session, id int64, m string) {
		s.AgendaItems = append(s.AgendaItems, upshot.AgendaMark{ItemID: id, Mark: m})
	}
	first := func(i int) *upshot.Session { return sessions[i] }
	second := func(i int) *upshot.Session { return sessions[sessions1+i] }

	own := &upshot.AgendaItem{ID: 1, Text: "Ask why we keep coming back to our relationship instead of my problems at work",
		Source: upshot.AgendaMine, Status: upshot.AgendaDropped, Opened: b.session1Day(19), Closed: b.day(end1),
		Meta: meta(b.session1Day(19))}
	for i, m := range map[int]string{20: upshot.MarkRaised, 21: upshot.MarkNotRaised, 23: upshot.MarkRaised, 26: upshot.MarkRaised, 28: upshot.MarkNotRaised} {
		mark(first(i), own.ID, m)
	}
	own.Meta.Version, own.Meta.UpdatedAt = 2, noon(b.day(end1))

	adopted := &upshot.AgendaItem{ID: 2, Text: "Bring up \u201cSleep through the night\u201d: it has not come up in your last 4 sessions.",
		Source: upshot.AgendaReview, Status: upshot.AgendaOpen, Opened: b.session2Day(5), Meta: meta(b.session2Day(5))}
	mark(second(6), adopted.ID, upshot.MarkNotRaised)
	mark(second(7), adopted.ID, upshot.MarkRaised)
	mark(second(8), adopted.ID, upshot.MarkDealtWith)
	return []*upshot.AgendaItem{own, adopted}
}

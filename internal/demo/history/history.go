// Package history builds the ten-year weekly history the benchmarks and the
// load test measure against: 520 sessions, 520 check-ins on each of the four
// built-in instruments and 20 goals, every optional field filled in and a
// note of realistic length on every session, so that the store, the review
// and the pages do the work a long-standing user's records would ask of them.
//
// It is not the demo: the demo tells a story to a newcomer; this is volume
// with enough variety (two therapists, drift, flags, solved goals, scores
// that move) that every review rule has something to look at.
package history

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/upshot"
)

// The size of the history.
const (
	Weeks    = 520 // sessions, and check-ins per instrument
	NumGoals = 20
)

// Instruments are the check-ins taken each week, one of each.
var Instruments = []string{"phq9", "gad7", "who5", "focus"}

// Fixed seed: the same today gives the same history, byte for byte.
const seed1, seed2 = 0x7465_6e79_6561, 0x7273

// TenYears returns the history as a complete, valid snapshot whose latest
// session is three days before today. It panics if the generated history
// does not validate, which is a bug in this package that its tests catch.
func TenYears(today upshot.Date) *upshot.Snapshot { return Years(today, 10) }

// Years returns the same kind of history over the given number of years (52
// weeks each), for measuring how a cost grows with the length of a record;
// Years(today, 10) is TenYears(today).
func Years(today upshot.Date, years int) *upshot.Snapshot {
	weeks := 52 * years
	reg := instrument.Builtin()
	rng := rand.New(rand.NewPCG(seed1, seed2))
	latest := today.AddDays(-3)
	day0 := latest.AddDays(-7 * (weeks - 1))
	week := func(i int) upshot.Date { return day0.AddDays(7 * i) }
	half := weeks / 2

	snap := &upshot.Snapshot{
		Format:     upshot.ExportFormat,
		Version:    upshot.ExportVersion,
		ExportedAt: noon(today),
		Settings:   upshot.Settings{},
	}
	snap.Therapists = []*upshot.Therapist{
		{ID: 1, Name: "Dr. Alex Morgan", Credentials: "PhD, clinical psychologist", Approach: "psychodynamic",
			Fee: upshot.Ptr(upshot.Money(12000)), Currency: "EUR", Started: week(0), Ended: week(half - 1), Meta: meta(week(0))},
		{ID: 2, Name: "Sam Rivera", Credentials: "LCSW", Approach: "CBT",
			Fee: upshot.Ptr(upshot.Money(9000)), Currency: "EUR", Started: week(half), Meta: meta(week(half))},
	}

	// Half the goals are brought to the first therapist, half to the second;
	// every fourth is solved along the way.
	for i := range NumGoals {
		opened := week(0)
		if i >= NumGoals/2 {
			opened = week(half)
		}
		g := &upshot.Goal{ID: int64(i + 1), Title: goalTitles[i%len(goalTitles)] + fmt.Sprintf(" (%d)", i+1),
			Domain: upshot.Domains[i%len(upshot.Domains)], Severity: upshot.Ptr(3 + i%8),
			SolvedWhen: "I can do it on an ordinary week without dreading it for days before.",
			Status:     upshot.GoalOpen, Opened: opened, Meta: meta(opened)}
		if i%4 == 3 {
			// 200 weeks in ten years, scaled to the history's length.
			g.Status, g.Closed = upshot.GoalSolved, opened.AddDays(7*(weeks*200/Weeks))
		}
		snap.Goals = append(snap.Goals, g)
	}

	var checkinID int64
	for i := range weeks {
		d := week(i)
		th, goalBase := int64(1), 0
		// The first therapy drifts towards the relationship over its second
		// half; the second stays on the person's life.
		rel := 5 + rng.IntN(6)
		if i < half {
			rel += 30 * max(0, i-half/2) / (half / 2)
		} else {
			th, goalBase = 2, NumGoals/2
		}
		minutes := 50
		if i%13 == 0 {
			minutes = 80
		}
		ther := rng.IntN(4)
		admin := 3 + rng.IntN(3)
		life := max(1, minutes-rel-ther-admin-2)
		s := &upshot.Session{
			ID: int64(i + 1), TherapistID: th, Date: d, Minutes: upshot.Ptr(minutes),
			Fee:    snap.Therapists[th-1].Fee,
			Format: upshot.Formats[i%len(upshot.Formats)], Agenda: upshot.Agendas[i%len(upshot.Agendas)],
			Focus:   &upshot.Focus{Life: life, Relationship: rel, Therapist: ther, Admin: admin, Other: 2},
			Got:     []string{upshot.Inputs[i%8], upshot.Inputs[(i+3)%8]},
			Helpful: upshot.Ptr(rng.IntN(11)),
			After:   upshot.Afters[rng.IntN(len(upshot.Afters))],
			Note:    notes[i%len(notes)],
			Meta:    meta(d),
		}
		for k, q := range upshot.Qualities {
			*s.Conduct.Field(q) = upshot.Ptr(1 + (i+k+rng.IntN(2))%5)
		}
		for k := range 2 {
			g := snap.Goals[goalBase+(i+5*k)%(NumGoals/2)]
			if g.Status == upshot.GoalSolved && !d.Before(g.Closed) {
				continue
			}
			s.Goals = append(s.Goals, upshot.GoalProgress{GoalID: g.ID, Progress: upshot.Ptr(rng.IntN(7) - 3)})
		}
		if i%9 == 4 {
			s.Flags = []string{upshot.Flags[(i/9)%len(upshot.Flags)]}
		}
		snap.Sessions = append(snap.Sessions, s)

		// The week's check-ins the day after the session, scores improving
		// slowly over the years with noise.
		c := d.AddDays(1)
		t := float64(i) / float64(weeks)
		totals := map[string]int{
			"phq9":  clamp(int(18-12*t)+rng.IntN(5)-2, 0, 26),
			"gad7":  clamp(int(15-10*t)+rng.IntN(5)-2, 0, 21),
			"who5":  clamp(int(6+12*t)+rng.IntN(5)-2, 0, 25), // raw 0-25; the reported score is 4x
			"focus": clamp(int(8-6*t)+rng.IntN(3)-1, 0, 12),
		}
		for _, inst := range Instruments {
			def, ok := reg.Get(inst)
			if !ok {
				panic("history: no built-in instrument " + inst)
			}
			hi := 0
			for _, o := range def.Options {
				hi = max(hi, o.Score)
			}
			var answers []int
			if inst == "phq9" {
				// Item 9 stays 0: a safety notice on every page would
				// measure a different page than the usual one.
				answers = append(spread(totals[inst], len(def.Items)-1, hi), 0)
			} else {
				answers = spread(totals[inst], len(def.Items), hi)
			}
			if err := def.CheckAnswers(ptrs(answers)); err != nil {
				panic(fmt.Sprintf("history: %s answers %v: %v", inst, answers, err))
			}
			checkinID++
			snap.CheckIns = append(snap.CheckIns, &upshot.CheckIn{ID: checkinID, Instrument: inst,
				InstrumentVersion: def.Version, Date: c, Answers: ptrs(answers), Meta: meta(c)})
		}
	}
	for _, inst := range Instruments {
		def, _ := reg.Get(inst)
		snap.Definitions = append(snap.Definitions, upshot.Definition{Instrument: inst, Version: def.Version, Data: def.Raw()})
	}
	if err := snap.Validate(today); err != nil {
		panic(fmt.Sprintf("history: generated history is invalid: %v", err))
	}
	return snap
}

func noon(d upshot.Date) time.Time { return d.Time().Add(12 * time.Hour) }

func meta(d upshot.Date) upshot.Meta {
	return upshot.Meta{Version: 1, CreatedAt: noon(d), UpdatedAt: noon(d)}
}

func clamp(v, lo, hi int) int { return min(max(v, lo), hi) }

// spread answers n items, each at most hi, summing to total (clamped to what
// n items can hold), the weight evened out across items.
func spread(total, n, hi int) []int {
	total = clamp(total, 0, n*hi)
	out := make([]int, n)
	for i := range out {
		out[i] = total / n
		if i < total%n {
			out[i]++
		}
	}
	return out
}

func ptrs(vs []int) []*int {
	out := make([]*int, len(vs))
	for i, v := range vs {
		out[i] = upshot.Ptr(v)
	}
	return out
}

var goalTitles = []string{
	"Speak up in the Monday meeting",
	"Sleep through the night",
	"Call my sister once a week",
	"See friends outside work",
	"Decide whether to change jobs",
	"Stop checking email after dinner",
	"Go running twice a week",
	"Sort out the debt with the bank",
}

// notes are of the lengths people write after a session: a line, a few
// sentences, a paragraph.
var notes = []string{
	"Talked through the Monday meeting and planned one thing to say.",
	"We went through the week's sleep diary. Two nights were better after I stopped reading news in bed; " +
		"the plan is to keep the phone in the kitchen and see whether it holds for another week.",
	"Hard session. A lot about my sister and the holidays, and why I always end up organising everything. " +
		"I left with the idea of asking her to host this year, which feels uncomfortable but possible. " +
		"The therapist asked how I felt about the break in our sessions; I said it was fine.",
	"Short one, mostly scheduling and the invoice.",
	"Practised the conversation with my manager about workload. Role-play felt awkward at first but helped. " +
		"Homework: write down three concrete examples of the overtime before Thursday.",
	"We spent a long time on what happened between us last week. I am not sure it helped with anything I came for.",
}

package demo

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/upshot"
)

// days the demo is built for: the real today, a leap day, a year end.
var todays = []struct {
	name  string
	today upshot.Date
}{
	{"today", upshot.Today()},
	{"leap day", upshot.NewDate(2024, 2, 29)},
	{"new year's eve", upshot.NewDate(2025, 12, 31)},
}

func build(t *testing.T, today upshot.Date) *upshot.Snapshot {
	t.Helper()
	s, err := Build(today, instrument.Builtin())
	if err != nil {
		t.Fatalf("Build(%s): %v", today, err)
	}
	return s
}

func TestBuildIsDeterministic(t *testing.T) {
	for _, tc := range todays {
		t.Run(tc.name, func(t *testing.T) {
			a, err := json.Marshal(build(t, tc.today))
			if err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(build(t, tc.today))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a, b) {
				t.Fatal("two builds for the same day differ")
			}
		})
	}
}

func TestBuildNeedsInstruments(t *testing.T) {
	for _, tc := range []struct {
		name string
		reg  *instrument.Registry
	}{
		{"nil registry", nil},
		{"empty registry", &instrument.Registry{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if s, err := Build(upshot.Today(), tc.reg); err == nil {
				t.Fatalf("Build gave a snapshot with %d check-ins and no error", len(s.CheckIns))
			}
		})
	}
}

func TestSnapshotIsComplete(t *testing.T) {
	reg := instrument.Builtin()
	for _, tc := range todays {
		t.Run(tc.name, func(t *testing.T) {
			today := tc.today
			s := build(t, today)
			if err := s.Validate(today); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			if s.Format != upshot.ExportFormat || s.Version != upshot.ExportVersion {
				t.Errorf("identity = %q v%d", s.Format, s.Version)
			}
			if want := today.Time().Add(12 * time.Hour); !s.ExportedAt.Equal(want) {
				t.Errorf("exported_at = %s, want %s", s.ExportedAt, want)
			}
			if len(s.Settings) != 0 {
				t.Errorf("settings = %v, want none (defaults)", s.Settings)
			}
			if len(s.Therapists) != 2 || len(s.Goals) < 4 || len(s.Sessions) < 45 || len(s.CheckIns) < 50 {
				t.Fatalf("got %d therapists, %d goals, %d sessions, %d check-ins",
					len(s.Therapists), len(s.Goals), len(s.Sessions), len(s.CheckIns))
			}

			checkMeta := func(kind string, i int, id int64, d upshot.Date, m upshot.Meta) {
				t.Helper()
				if id != int64(i+1) {
					t.Errorf("%s[%d].id = %d, want %d", kind, i, id, i+1)
				}
				noon := d.Time().Add(12 * time.Hour)
				if m.Version != 1 || !m.CreatedAt.Equal(noon) || !m.UpdatedAt.Equal(noon) {
					t.Errorf("%s[%d] meta = %+v, want version 1 at %s", kind, i, m, noon)
				}
				if d.After(today) {
					t.Errorf("%s[%d] is dated %s, after today %s", kind, i, d, today)
				}
			}
			for i, th := range s.Therapists {
				checkMeta("therapists", i, th.ID, th.Started, th.Meta)
			}
			for i, g := range s.Goals {
				checkMeta("goals", i, g.ID, g.Opened, g.Meta)
			}
			seen := map[upshot.Date]bool{}
			for i, ss := range s.Sessions {
				checkMeta("sessions", i, ss.ID, ss.Date, ss.Meta)
				if seen[ss.Date] {
					t.Errorf("two sessions on %s", ss.Date)
				}
				seen[ss.Date] = true
				if i > 0 && !ss.Date.After(s.Sessions[i-1].Date) {
					t.Errorf("sessions[%d] on %s is not after the one before", i, ss.Date)
				}
				if ss.Focus == nil || ss.Focus.Total() != *ss.Minutes {
					t.Errorf("sessions[%d]: focus %+v does not account for the %d minutes", i, ss.Focus, *ss.Minutes)
				}
			}
			for i, c := range s.CheckIns {
				checkMeta("checkins", i, c.ID, c.Date, c.Meta)
				def, ok := reg.Get(c.Instrument)
				if !ok || c.InstrumentVersion != def.Version {
					t.Fatalf("checkins[%d]: %s version %d is not a built-in", i, c.Instrument, c.InstrumentVersion)
				}
				if _, err := def.Score(c.Answers); err != nil {
					t.Errorf("checkins[%d]: %v", i, err)
				}
			}
			for _, id := range []string{"phq9", "gad7", "who5", "focus"} {
				def, _ := reg.Get(id)
				i := slices.IndexFunc(s.Definitions, func(d upshot.Definition) bool { return d.Instrument == id })
				if i < 0 {
					t.Errorf("definition of %s missing", id)
					continue
				}
				if d := s.Definitions[i]; d.Version != def.Version || !bytes.Equal(d.Data, def.Raw()) {
					t.Errorf("definition of %s is not the built-in one", id)
				}
			}

			latest := s.Sessions[len(s.Sessions)-1]
			if gap := today.DaysSince(latest.Date); gap < 1 || gap > 7 {
				t.Errorf("latest session %s is %d days before today %s, want within the last week", latest.Date, gap, today)
			}
			if first := s.Sessions[0].Date; today.DaysSince(first) < 330 || today.DaysSince(first) > 400 {
				t.Errorf("history starts %s, %d days before today: not about a year", first, today.DaysSince(first))
			}
		})
	}
}

// the sessions with one therapist, in date order.
func with(s *upshot.Snapshot, therapist int64) []*upshot.Session {
	var out []*upshot.Session
	for _, ss := range s.Sessions {
		if ss.TherapistID == therapist {
			out = append(out, ss)
		}
	}
	return out
}

// relationshipShare is the relationship+therapist share of all the time in ss.
func relationshipShare(ss []*upshot.Session) float64 {
	var rel, total int
	for _, s := range ss {
		rel += s.Focus.Relationship + s.Focus.Therapist
		total += s.Focus.Total()
	}
	return float64(rel) / float64(total)
}

func conductAverage(ss []*upshot.Session, quality string) float64 {
	var sum, n int
	for _, s := range ss {
		if v := s.Conduct.Get(quality); v != nil {
			sum += *v
			n++
		}
	}
	return float64(sum) / float64(n)
}

func TestFirstTherapyDrifts(t *testing.T) {
	s := build(t, upshot.Today())
	if s.Therapists[0].Name != "Dr. Alex Morgan" || s.Therapists[0].Ended.IsZero() {
		t.Fatalf("first therapist = %+v, want Dr. Alex Morgan, ended", s.Therapists[0])
	}
	ss := with(s, s.Therapists[0].ID)
	if len(ss) < 25 {
		t.Fatalf("%d sessions with the first therapist, want about 7 months of weekly sessions", len(ss))
	}
	first, last4, last5, last8 := ss[:4], ss[len(ss)-4:], ss[len(ss)-5:], ss[len(ss)-8:]

	if sh := relationshipShare(first); sh > 0.15 {
		t.Errorf("relationship share of the first 4 sessions = %.0f%%, want <= 15%%", 100*sh)
	}
	if sh := relationshipShare(last4); sh < 0.45 {
		t.Errorf("relationship share of the last 4 sessions = %.0f%%, want >= 45%%", 100*sh)
	}
	for _, x := range last8 {
		if len(x.Goals) > 0 {
			t.Errorf("session %d (%s) in the last 8 addresses goals %v", x.ID, x.Date, x.Goals)
		}
	}
	for _, q := range []string{"respect", "honesty", "objectivity"} {
		if avg := conductAverage(last4, q); avg > 2 {
			t.Errorf("%s averages %.2f over the last 4 sessions, want <= 2", q, avg)
		}
		if avg := conductAverage(first, q); avg < 4 {
			t.Errorf("%s averages %.2f over the first 4 sessions, want >= 4", q, avg)
		}
	}
	flagged, worse := 0, 0
	for _, x := range last5 {
		if len(x.Flags) > 0 {
			flagged++
		}
		if x.After == upshot.AfterWorse {
			worse++
		}
	}
	if flagged < 2 {
		t.Errorf("flags in %d of the last 5 sessions, want >= 2", flagged)
	}
	if worse < 3 {
		t.Errorf("worse after %d of the last 5 sessions, want >= 3", worse)
	}
	if !slices.ContainsFunc(ss, func(x *upshot.Session) bool { return x.HasFlag(upshot.FlagBoundary) }) {
		t.Error("no boundary flag with the first therapist")
	}
	for _, x := range last4 {
		if !slices.Equal(x.Got, []string{upshot.GotNone}) {
			t.Errorf("session %d got %v, want none", x.ID, x.Got)
		}
	}
	escaped := `<b>`
	if !slices.ContainsFunc(s.Sessions, func(x *upshot.Session) bool {
		return strings.Contains(x.Note, escaped) && strings.ContainsAny(x.Note, `&"'`)
	}) {
		t.Error("no note exercises HTML escaping (<b>, &, quotes)")
	}
}

func TestSecondTherapyWorksOnTheGoals(t *testing.T) {
	s := build(t, upshot.Today())
	t2 := s.Therapists[1]
	if t2.Name != "Sam Rivera" || !t2.Ended.IsZero() {
		t.Fatalf("second therapist = %+v, want Sam Rivera, ongoing", t2)
	}
	ss := with(s, t2.ID)
	if sh := relationshipShare(ss); sh > 0.10 {
		t.Errorf("relationship share with the second therapist = %.0f%%, want <= 10%%", 100*sh)
	}
	addressed := map[int64]bool{}
	progress := map[int64]int{}
	for _, x := range ss {
		if len(x.Flags) > 0 {
			t.Errorf("session %d has flags %v", x.ID, x.Flags)
		}
		for _, q := range upshot.Qualities {
			if v := x.Conduct.Get(q); v == nil || *v < 4 {
				t.Errorf("session %d: %s rated %v, want 4-5", x.ID, q, v)
			}
		}
		for _, gp := range x.Goals {
			addressed[gp.GoalID] = true
			progress[gp.GoalID] += *gp.Progress
		}
	}
	for _, g := range s.Goals {
		if !g.Closed.IsZero() && g.Closed.Before(t2.Started) {
			continue
		}
		if !addressed[g.ID] {
			t.Errorf("goal %q never addressed with the second therapist", g.Title)
		}
		if g.Status == upshot.GoalOpen && progress[g.ID] <= 0 {
			t.Errorf("goal %q: progress %d with the second therapist, want positive", g.Title, progress[g.ID])
		}
	}
	solved := slices.IndexFunc(s.Goals, func(g *upshot.Goal) bool {
		return g.Status == upshot.GoalSolved && !g.Closed.Before(t2.Started)
	})
	if solved < 0 {
		t.Error("no goal solved during the second therapy")
	}
	// No open goal is left untouched by the recent sessions.
	recent := map[int64]bool{}
	for _, x := range ss[len(ss)-4:] {
		for _, gp := range x.Goals {
			recent[gp.GoalID] = true
		}
	}
	for _, g := range s.Goals {
		if g.Status == upshot.GoalOpen && !recent[g.ID] {
			t.Errorf("open goal %q not addressed in the last 4 sessions", g.Title)
		}
	}
}

// scores returns the check-ins of one instrument with their scores, by date.
func scores(t *testing.T, s *upshot.Snapshot, id string) ([]*upshot.CheckIn, []instrument.Score) {
	t.Helper()
	def, _ := instrument.Builtin().Get(id)
	var cs []*upshot.CheckIn
	var sc []instrument.Score
	for _, c := range s.CheckIns {
		if c.Instrument != id {
			continue
		}
		v, err := def.Score(c.Answers)
		if err != nil {
			t.Fatal(err)
		}
		cs = append(cs, c)
		sc = append(sc, v)
	}
	if len(cs) < 2 {
		t.Fatalf("%d %s check-ins", len(cs), id)
	}
	return cs, sc
}

func TestScoresTellTheStory(t *testing.T) {
	for _, tc := range todays {
		t.Run(tc.name, func(t *testing.T) {
			s := build(t, tc.today)
			start2 := s.Therapists[1].Started

			cs, phq := scores(t, s, "phq9")
			base, latest := phq[0], phq[len(phq)-1]
			if base.Total < 10 || latest.Total >= 10 || base.Total-latest.Total < 6 {
				t.Errorf("PHQ-9 baseline %d, latest %d: want a case at baseline, not now, fall >= 6", base.Total, latest.Total)
			}
			if latest.Safety || latest.Items[8] != 0 {
				t.Error("latest PHQ-9 answers item 9 above 0: the demo would open with a safety notice")
			}
			i2 := slices.IndexFunc(cs, func(c *upshot.CheckIn) bool { return !c.Date.Before(start2) })
			if i2 < 0 || phq[i2].Total-latest.Total < 6 {
				t.Errorf("PHQ-9 with the second therapist does not fall reliably (from check-in %d)", i2)
			}
			peak, safety := 0, 0
			for i, v := range phq {
				if cs[i].Date.Before(start2) {
					peak = max(peak, v.Total)
				}
				if v.Safety {
					safety++
				}
			}
			if peak-base.Total < 4 || peak-latest.Total < 6 {
				t.Errorf("PHQ-9 peak %d during the drift: want a clear worsening from %d and a reliable fall to %d", peak, base.Total, latest.Total)
			}
			if safety != 1 {
				t.Errorf("%d PHQ-9 check-ins with item 9 above 0, want exactly one in the worst weeks", safety)
			}

			_, gad := scores(t, s, "gad7")
			if g0, gl := gad[0].Total, gad[len(gad)-1].Total; g0 < 8 || gl >= 8 || g0-gl < 4 {
				t.Errorf("GAD-7 baseline %d, latest %d: want a case at baseline, not now, fall >= 4", g0, gl)
			}
			_, who := scores(t, s, "who5")
			if w0, wl := who[0].Total, who[len(who)-1].Total; wl-w0 < 10 || wl <= 50 {
				t.Errorf("WHO-5 baseline %d, latest %d: want a meaningful rise above 50", w0, wl)
			}
			_, focus := scores(t, s, "focus")
			fpeak := 0
			for _, v := range focus {
				fpeak = max(fpeak, v.Total)
			}
			if fpeak-focus[0].Total < 4 || fpeak-focus[len(focus)-1].Total < 4 {
				t.Errorf("focus check %d -> peak %d -> %d: want preoccupation to rise then fall", focus[0].Total, fpeak, focus[len(focus)-1].Total)
			}
		})
	}
}

// The demo shows acting on the review (issue 14): two agenda items with a
// history over several sessions (one of the person's own, raised three
// times with the drifting first therapist and never dealt with, dropped on
// leaving; one adopted from the review, raised with the second and dealt
// with the week after), and a safety plan with every section written.
func TestDemoActsOnTheReview(t *testing.T) {
	for _, tc := range todays {
		t.Run(tc.name, func(t *testing.T) {
			s := build(t, tc.today)
			first, second := s.Therapists[0].ID, s.Therapists[1].ID
			entries := upshot.BuildAgenda(s.AgendaItems, s.Sessions, s.Settings.Int(upshot.SettingAgendaUnresolvedRaises))
			if len(entries) != 2 {
				t.Fatalf("%d agenda items, want 2", len(entries))
			}
			byItem := map[string]upshot.AgendaEntry{}
			for _, e := range entries {
				byItem[e.Item.Source] = e
			}
			own, adopted := byItem[upshot.AgendaMine], byItem[upshot.AgendaReview]
			if own.Item == nil || own.State != upshot.AgendaDropped || own.Raised != 3 || len(own.History) < 4 {
				t.Errorf("own item: %+v", own)
			}
			for _, ev := range own.History {
				if ev.TherapistID != first {
					t.Errorf("own item marked at a session with therapist %d", ev.TherapistID)
				}
			}
			if adopted.Item == nil || adopted.State != upshot.AgendaDealtWith || adopted.Raised != 1 || len(adopted.History) != 3 ||
				adopted.History[2].Mark != upshot.MarkDealtWith {
				t.Errorf("adopted item: %+v", adopted)
			}
			for _, ev := range adopted.History {
				if ev.TherapistID != second {
					t.Errorf("adopted item marked at a session with therapist %d", ev.TherapistID)
				}
			}
			p := s.SafetyPlan
			if p == nil || p.Empty() {
				t.Fatal("the demo has no safety plan")
			}
			for _, sec := range upshot.PlanSections {
				if len(*sec.Items(p)) == 0 {
					t.Errorf("the demo's safety plan leaves %q empty", sec.Title)
				}
			}
		})
	}
}

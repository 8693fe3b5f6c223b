package app_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/upshot"
)

// The summary for a new clinician, on both databases: by default every
// section but the person's notes; notes only when chosen; an unknown or
// empty choice refused naming the field and the sections; the outcome the
// review finds (a reliable improvement by the NHS Talking Therapies rule)
// named with the scores, each score with its band and the scale's cut-off
// and source; the safety notice whenever the latest PHQ-9's item 9 is above
// 0, whatever the sections.
func TestSummaryUseCase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg := instrument.Builtin()
	phq, _ := reg.Get("phq9")
	gad, _ := reg.Get("gad7")
	answers := func(vs ...int) []*int {
		out := make([]*int, len(vs))
		for i := range vs {
			out[i] = &vs[i]
		}
		return out
	}
	forEachBackend(t, func(t *testing.T, db *store.DB) {
		owner := upshot.DefaultOwner
		th := &upshot.Therapist{Name: "Dr Lane", Credentials: "PsyD", Approach: "CBT"}
		if err := db.CreateTherapist(ctx, owner, th); err != nil {
			t.Fatal(err)
		}
		open := &upshot.Goal{Title: "Sleep through the night", Domain: "health", Severity: intp(7), SolvedWhen: "Five nights in a row"}
		solved := &upshot.Goal{Title: "Find a therapist", Domain: "health", Status: upshot.GoalSolved, Opened: today.AddDays(-80)}
		for _, g := range []*upshot.Goal{open, solved} {
			if err := usecase.AddGoal(ctx, db, owner, clock, g); err != nil {
				t.Fatal(err)
			}
		}
		const note = "She said my account was wrong"
		// Ten weekly sessions, the first 63 days ago.
		for i := range 10 {
			s := &upshot.Session{TherapistID: th.ID, Date: today.AddDays(-63 + 7*i), Minutes: intp(50), Agenda: "me",
				Got: []string{"strategy"}, Helpful: intp(6 + i%3), After: upshot.AfterBetter,
				Goals: []upshot.GoalProgress{{GoalID: open.ID, Progress: intp(1)}}}
			if i == 3 {
				s.Note = note
				s.Got = []string{upshot.GotNone}
			}
			if err := usecase.LogSession(ctx, db, owner, clock, s); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range []struct {
			def     *instrument.Definition
			answers []int
			date    upshot.Date
		}{
			{phq, []int{2, 2, 2, 2, 2, 2, 2, 2, 0}, today.AddDays(-64)},
			{gad, []int{2, 2, 2, 2, 2, 2, 2}, today.AddDays(-64)},
			{phq, []int{1, 1, 0, 1, 0, 0, 0, 0, 0}, today.AddDays(-1)},
			{gad, []int{1, 1, 0, 1, 0, 0, 0}, today.AddDays(-1)},
		} {
			if _, err := usecase.RecordCheckIn(ctx, db, reg, owner, clock, c.def, answers(c.answers...), c.date); err != nil {
				t.Fatal(err)
			}
		}

		doc, err := usecase.Summary(ctx, db, reg, owner, today, "sections", nil)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(doc.Chosen, usecase.DefaultSummarySections()) || doc.Has(usecase.SummaryNotes) || len(doc.Notes) != 0 {
			t.Errorf("default sections %v with %d notes, want every section but notes", doc.Chosen, len(doc.Notes))
		}
		if doc.Safety != nil {
			t.Errorf("a safety notice with item 9 at 0: %q", *doc.Safety)
		}
		if len(doc.Courses) != 1 || doc.Courses[0].Sessions != 10 || doc.Courses[0].Weeks != 9 || doc.Courses[0].Hours != 8.3 || doc.Courses[0].Approach != "CBT" || !doc.Courses[0].Ongoing {
			t.Errorf("courses: %+v, want Dr Lane's 10 sessions over 9 weeks, 8.3 hours, going on", doc.Courses)
		}
		var scores []string
		for _, s := range doc.Scores {
			scores = append(scores, s.Scale+": "+s.Start+" -> "+s.End+" "+s.Change)
		}
		wantScores := []string{"PHQ-9: 16 moderately severe (" + fmtDate(today.AddDays(-64)) + ") -> 3 minimal (" + fmtDate(today.AddDays(-1)) + ") -13",
			"GAD-7: 14 moderate (" + fmtDate(today.AddDays(-64)) + ") -> 3 minimal (" + fmtDate(today.AddDays(-1)) + ") -11"}
		if !slices.Equal(scores, wantScores) {
			t.Errorf("scores:\n%s\nwant\n%s", strings.Join(scores, "\n"), strings.Join(wantScores, "\n"))
		}
		var outcomes []string
		for _, o := range doc.Outcomes {
			outcomes = append(outcomes, o.Text)
		}
		if !slices.Contains(outcomes, "PHQ-9 and GAD-7: reliable improvement") || !slices.Contains(outcomes, "PHQ-9 and GAD-7: reliable recovery") {
			t.Errorf("outcomes %q, want the review's reliable improvement and reliable recovery", outcomes)
		}
		if len(doc.Scales) != 2 || doc.Scales[0].Cutoff == "" || !strings.Contains(doc.Scales[0].Bands, "10–14 moderate") ||
			!strings.Contains(doc.Scales[0].Source, "Kroenke") || doc.Scales[0].ChangeKind != "Reliable change" || doc.Scales[0].Change != "6 points" {
			t.Errorf("scales: %+v, want PHQ-9's bands, cut-off, reliable change and source", doc.Scales)
		}
		if len(doc.Tried) != 1 || doc.Tried[0].Input != "strategy 9" || doc.Tried[0].None != "1 of 10" || doc.Tried[0].Agenda != "me 10" {
			t.Errorf("tried: %+v", doc.Tried)
		}
		if len(doc.Helped) != 1 || doc.Helped[0].Helpfulness != "6.9 of 10 (10 sessions rated)" || doc.Helped[0].After != "better 10" || doc.Helped[0].Goals != "+10 over 10 ratings" {
			t.Errorf("helped: %+v", doc.Helped)
		}
		if len(doc.Solved) != 1 || doc.Solved[0].Title != solved.Title {
			t.Errorf("goals achieved: %+v", doc.Solved)
		}
		if len(doc.OpenGoals) != 1 || doc.OpenGoals[0].Title != open.Title || doc.OpenGoals[0].Severity != "7 of 10" || doc.OpenGoals[0].Progress != "+10 over 10 sessions" {
			t.Errorf("open goals: %+v", doc.OpenGoals)
		}
		if len(doc.Attributions) != 2 || !strings.Contains(doc.Attributions[0], "Pfizer") {
			t.Errorf("attributions: %q", doc.Attributions)
		}

		doc, err = usecase.Summary(ctx, db, reg, owner, today, "sections", []string{"goals", "notes", "goals"})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(doc.Chosen, []usecase.SummarySection{usecase.SummaryGoals, usecase.SummaryNotes}) || len(doc.Notes) != 1 || doc.Notes[0].Note != note ||
			len(doc.Courses) != 0 || len(doc.Scores) != 0 {
			t.Errorf("goals and notes: sections %v, notes %+v, %d courses, %d scores", doc.Chosen, doc.Notes, len(doc.Courses), len(doc.Scores))
		}

		for _, bad := range [][]string{{"courses", "diagnosis"}, {}, {" "}} {
			_, err := usecase.Summary(ctx, db, reg, owner, today, "sections", bad)
			if upshot.ErrorCode(err) != upshot.EINVALID || upshot.ErrorField(err) != "sections" || !strings.Contains(upshot.ErrorMessage(err), usecase.SummarySectionNames()) {
				t.Errorf("sections %q: %v, want invalid sections listing %s", bad, err, usecase.SummarySectionNames())
			}
		}

		// Thoughts of self-harm in the latest PHQ-9: the notice is there
		// whatever is chosen.
		if _, err := usecase.RecordCheckIn(ctx, db, reg, owner, clock, phq, answers(0, 0, 0, 0, 0, 0, 0, 0, 1), today); err != nil {
			t.Fatal(err)
		}
		doc, err = usecase.Summary(ctx, db, reg, owner, today, "sections", []string{"goals"})
		if err != nil {
			t.Fatal(err)
		}
		if doc.Safety == nil || !strings.Contains(*doc.Safety, "not a crisis service") {
			t.Errorf("safety notice with item 9 at 1: %v", doc.Safety)
		}
	})
}

func fmtDate(d upshot.Date) string { return d.Time().Format("2 Jan 2006") }

// The sections by name: every one found, case and spaces aside; the
// default holds all but the private notes.
func TestSummarySectionNames(t *testing.T) {
	for _, s := range usecase.SummarySectionList {
		if got, ok := usecase.LookupSummarySection(" " + strings.ToUpper(string(s)) + " "); !ok || got != s {
			t.Errorf("LookupSummarySection(%q) = %q, %v", s, got, ok)
		}
		if s.Title() == "" {
			t.Errorf("section %q has no title", s)
		}
	}
	if _, ok := usecase.LookupSummarySection("diagnosis"); ok {
		t.Error("found a section named diagnosis")
	}
	def := usecase.DefaultSummarySections()
	if len(def) != len(usecase.SummarySectionList)-1 || slices.ContainsFunc(def, usecase.SummarySection.Private) {
		t.Errorf("default sections %v", def)
	}
	if got := usecase.SummarySectionNames(); got != "courses, scores, tried, helped, concerns, goals, notes" {
		t.Errorf("names: %q", got)
	}
}

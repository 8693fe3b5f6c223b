package report

import (
	"bytes"
	"html"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/demo"
	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/report/chart"
	"github.com/upshot-app/upshot/internal/report/words"
	"github.com/upshot-app/upshot/internal/review"
	"github.com/upshot-app/upshot/internal/upshot"
)

var today = upshot.NewDate(2025, time.June, 16)

func demoSnapshot(t *testing.T, reg *instrument.Registry) *upshot.Snapshot {
	t.Helper()
	snap, err := demo.Build(today, reg)
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

func write(t *testing.T, snap *upshot.Snapshot, reg *instrument.Registry) string {
	t.Helper()
	rv := review.Run(snap, reg, review.Options{Today: today})
	var buf bytes.Buffer
	if err := Write(&buf, snap, reg, rv, today, Options{}); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return buf.String()
}

func TestWriteIsSelfContained(t *testing.T) {
	reg := instrument.Builtin()
	snap := demoSnapshot(t, reg)
	out := write(t, snap, reg)

	for _, bad := range []string{"http://", "https://", "//cdn", "<script", "<link", "@import", "url("} {
		if strings.Contains(out, bad) {
			t.Errorf("report contains %q: it must open without any request", bad)
		}
	}
	// Every href and src stays inside the document.
	for _, m := range regexp.MustCompile(`(?:href|src)="([^"]*)"`).FindAllStringSubmatch(out, -1) {
		if !strings.HasPrefix(m[1], "#") {
			t.Errorf("reference outside the document: %q", m[0])
		}
	}
	// Every in-document link has its target.
	for _, m := range regexp.MustCompile(`href="#([^"]+)"`).FindAllStringSubmatch(out, -1) {
		if !strings.Contains(out, `id="`+m[1]+`"`) {
			t.Errorf("link to #%s has no target", m[1])
		}
	}
	for _, want := range []string{
		"<!doctype html>", "<style>", "@media print",
		`id="chart-phq9"`, `id="chart-gad7"`, `id="chart-who5"`, `id="chart-focus"`, `id="chart-focus-split"`, `id="chart-goal-progress"`, `id="chart-conduct-ratings"`,
		`<svg class="chart"`, "<title id=", "<desc id=", "<table>",
		"What to bring to the next session", "Dr. Alex Morgan", "Pfizer",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if n := strings.Count(out, `<svg class="chart"`); n != 7 {
		t.Errorf("%d charts, want 7 (4 questionnaires, focus, goals, conduct)", n)
	}
}

func TestWriteLeavesNotesOut(t *testing.T) {
	reg := instrument.Builtin()
	snap := demoSnapshot(t, reg)
	snap.Sessions[0].Note = "PRIVATE-NOTE <script>alert(1)</script>"
	out := write(t, snap, reg)
	if strings.Contains(out, "PRIVATE-NOTE") || strings.Contains(out, "alert(1)") {
		t.Error("a session note reached the report")
	}
}

func TestWriteEscapesText(t *testing.T) {
	reg := instrument.Builtin()
	snap := demoSnapshot(t, reg)
	snap.Therapists[0].Name = `Dr. <b onmouseover="x">Evil</b>`
	snap.Goals[0].Title = `<script>alert("goal")</script>`
	out := write(t, snap, reg)
	if strings.Contains(out, "<b onmouseover") || strings.Contains(out, `<script>alert("goal")`) {
		t.Error("names and titles are not escaped")
	}
	if !strings.Contains(out, "&lt;script&gt;") {
		t.Error("escaped goal title missing")
	}
}

func TestWriteSafetyNoticeFirst(t *testing.T) {
	reg := instrument.Builtin()
	snap := demoSnapshot(t, reg)
	// The latest PHQ-9 carries item 9 above 0.
	var latest *upshot.CheckIn
	for _, c := range snap.CheckIns {
		if c.Instrument == "phq9" && (latest == nil || !c.Date.Before(latest.Date)) {
			latest = c
		}
	}
	latest.Answers[8] = upshot.Ptr(1)
	snap.Settings[upshot.SettingCrisisContacts] = "Samaritans 116 123"
	out := write(t, snap, reg)
	notice := strings.Index(out, `class="safety"`)
	verdict := strings.Index(out, `class="verdict"`)
	if notice < 0 || verdict < 0 || notice > verdict {
		t.Fatalf("safety notice at %d, verdict at %d: the notice must come first", notice, verdict)
	}
	for _, want := range []string{`Samaritans <a href="tel:116123">116 123</a>`, "Upshot is not a crisis service"} {
		if !strings.Contains(out, want) {
			t.Errorf("notice lacks %q", want)
		}
	}
}

func TestWriteEmpty(t *testing.T) {
	snap := &upshot.Snapshot{Format: upshot.ExportFormat, Version: upshot.ExportVersion, Settings: upshot.Settings{}}
	out := write(t, snap, instrument.Builtin())
	if strings.Contains(out, "<svg") {
		t.Error("charts drawn for an empty record")
	}
}

// A report scoped to one therapist shows only that therapist's sessions and
// the check-ins the review placed in its scope, and links nothing it lacks.
func TestWriteKeepsToTheReviewScope(t *testing.T) {
	reg := instrument.Builtin()
	snap := demoSnapshot(t, reg)
	therapists := map[int64]bool{}
	for _, s := range snap.Sessions {
		therapists[s.TherapistID] = true
	}
	if len(therapists) < 2 {
		t.Fatalf("the demo needs sessions with two therapists, has %d", len(therapists))
	}
	tests := []struct {
		name string
		opt  review.Options
	}{
		{"therapist 1", review.Options{Today: today, TherapistID: 1}},
		{"therapist 2", review.Options{Today: today, TherapistID: 2}},
		{"since", review.Options{Today: today, Since: today.AddDays(-90)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rv := review.Run(snap, reg, tt.opt)
			var buf bytes.Buffer
			if err := Write(&buf, snap, reg, rv, today, Options{}); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			rows := 0
			for _, s := range snap.Sessions {
				in := (tt.opt.TherapistID == 0 || s.TherapistID == tt.opt.TherapistID) && !s.Date.Before(tt.opt.Since)
				has := strings.Contains(out, `<tr id="session-`+itoa(s.ID)+`"`)
				if has != in {
					t.Errorf("session %d (therapist %d, %s): row shown %v, in scope %v", s.ID, s.TherapistID, s.Date, has, in)
				}
				if in {
					rows++
				}
			}
			if rows != rv.Scope.Sessions || rows == 0 {
				t.Errorf("%d session rows, the review's scope has %d", rows, rv.Scope.Sessions)
			}
			inReview := map[int64]bool{}
			for _, m := range rv.Measures {
				for _, p := range m.Series {
					inReview[p.CheckInID] = true
				}
			}
			for _, c := range snap.CheckIns {
				if has := strings.Contains(out, `<tr id="checkin-`+itoa(c.ID)+`"`); has != inReview[c.ID] {
					t.Errorf("check-in %d of %s: row shown %v, in the review %v", c.ID, c.Date, has, inReview[c.ID])
				}
			}
			for _, m := range regexp.MustCompile(`href="#([^"]+)"`).FindAllStringSubmatch(out, -1) {
				if !strings.Contains(out, `id="`+m[1]+`"`) {
					t.Errorf("link to #%s has no target", m[1])
				}
			}
		})
	}
}

// The cost section words the review's cost summary instead of summing the
// sessions again.
func TestWriteShowsTheReviewCost(t *testing.T) {
	reg := instrument.Builtin()
	snap := demoSnapshot(t, reg)
	rv := review.Run(snap, reg, review.Options{Today: today, TherapistID: 2})
	rv.Cost.Total.Sessions, rv.Cost.Total.Hours = 999, 123.4
	rv.Cost.Total.Money = map[string]upshot.Money{"EUR": 4200050, review.NoCurrency: 1000}
	rv.Cost.SinceImprovement = &review.CostSince{Instrument: "phq9", Date: today.AddDays(-10),
		CostLine: review.CostLine{Sessions: 2, Hours: 1.7, Money: map[string]upshot.Money{"EUR": 16000}}}
	var buf bytes.Buffer
	if err := Write(&buf, snap, reg, rv, today, Options{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"999 sessions, 123.4 hours, 42000.50 EUR and 10 (currency not set) paid",
		"Since the reliable improvement on 6 Jun 2025 (PHQ-9): 2 sessions, 1.7 hours, 160 EUR paid",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("cost section lacks %q", want)
		}
	}

	rv.Cost = review.CostSummary{}
	buf.Reset()
	if err := Write(&buf, snap, reg, rv, today, Options{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "Time and money") {
		t.Error("a cost section for a review that counted no sessions")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// The safety plan is in the report only when asked for, and then the safety
// notice links to it; the person's own lines come before the examples.
func TestReportSafetyPlanIsOptIn(t *testing.T) {
	reg := instrument.Builtin()
	snap := demoSnapshot(t, reg)
	snap.SafetyPlan = &upshot.SafetyPlan{WarningSigns: []string{"I stop <answering>"}, Professionals: []string{"Dr. Berg 0123 456"}}
	rv := review.Run(snap, reg, review.Options{Today: today})
	rv.Safety = &review.SafetyNotice{Text: "Call 988"}
	render := func(opt Options) string {
		var buf bytes.Buffer
		if err := Write(&buf, snap, reg, rv, today, opt); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	if out := render(Options{}); strings.Contains(out, "I stop") || strings.Contains(out, `id="safety-plan"`) {
		t.Error("the plan is in a report that did not ask for it")
	}
	out := render(Options{SafetyPlan: true})
	for _, want := range []string{`id="safety-plan"`, "I stop &lt;answering&gt;", `<a href="#safety-plan">Open my safety plan</a>`,
		`<a href="tel:0123456">0123 456</a>`, "Samaritans", `<a href="tel:116123">116 123</a>`} {
		if !strings.Contains(out, want) {
			t.Errorf("report with the plan lacks %q", want)
		}
	}
	if own, ex := strings.Index(out, "Dr. Berg"), strings.Index(out, "Samaritans"); ex < own {
		t.Error("the examples come before the person's own line")
	}
	// Asked for but never written: nothing to show, no dangling link.
	snap.SafetyPlan = nil
	if out := render(Options{SafetyPlan: true}); strings.Contains(out, "#safety-plan") {
		t.Error("a link to a plan that is not there")
	}
}

// Findings about a therapy that has ended come last, in a group of their
// own named for the therapy (issue 16: "From your therapy with Dr. A, ended
// ..."); the severity groups before it hold only the therapy going on.
func TestGroupFindingsPutsHistoryLast(t *testing.T) {
	reg := instrument.Builtin()
	snap := demoSnapshot(t, reg)
	groups := GroupFindings(snap, review.Run(snap, reg, review.Options{Today: today}), chart.AnchorLinks)
	if len(groups) < 2 {
		t.Fatalf("groups: %+v", groups)
	}
	last := groups[len(groups)-1]
	if last.Severity != PastGroup || last.Label != "From your therapy with Dr. Alex Morgan, ended 17 Jan 2025" || len(last.Findings) == 0 {
		t.Fatalf("last group %s %q with %d findings, want the ended therapy's", last.Severity, last.Label, len(last.Findings))
	}
	for _, g := range groups {
		for _, f := range g.Findings {
			if f.Past != (g.Severity == PastGroup) {
				t.Errorf("finding %s (past %v) in group %s", f.Code, f.Past, g.Severity)
			}
		}
	}
}

// The review reads as cards: one per questionnaire (change, cut-off and
// recovery together) and one per kind of repeated finding, holding every
// finding once.
func TestGroupFindingsIntoCards(t *testing.T) {
	reg := instrument.Builtin()
	snap := demoSnapshot(t, reg)
	r := review.Run(snap, reg, review.Options{Today: today})
	seen := map[string]int{}
	titles := map[string]Card{}
	for _, g := range GroupFindings(snap, r, chart.AnchorLinks) {
		n := 0
		for _, c := range g.Cards {
			titles[string(g.Severity)+"/"+c.Title] = c
			for _, f := range c.Findings {
				seen[f.ID]++
				n++
				if len(c.Findings) == 1 && c.ID != f.ID {
					t.Errorf("card %q of one finding has anchor %q, want %q", c.Title, c.ID, f.ID)
				}
			}
		}
		if n != len(g.Findings) {
			t.Errorf("group %s: %d findings in cards, %d in the group", g.Label, n, len(g.Findings))
		}
	}
	if len(seen) != len(r.Findings) {
		t.Errorf("%d findings in cards, the review has %d", len(seen), len(r.Findings))
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("finding %s in %d cards", id, n)
		}
	}
	phq := titles[string(review.Info)+"/PHQ-9 and GAD-7"]
	codes := map[review.Code]bool{}
	for _, f := range phq.Findings {
		codes[f.Code] = true
	}
	if !codes[review.CodeReliableImprovement] || !codes[review.CodeRecovery] || !codes[review.CodeReliableRecovery] {
		t.Errorf("The PHQ-9 and GAD-7 card holds %v, want change, cut-off and recovery together; cards: %v", codes, slices.Collect(maps.Keys(titles)))
	}
	goals := titles[string(PastGroup)+"/5 goals that did not come up"]
	if len(goals.Findings) != 5 || len(goals.Subjects()) != 5 || goals.Subjects()[0] == goals.Findings[0].Title {
		t.Errorf("the ended therapy's neglected goals are not one card naming each goal: %+v", goals.Subjects())
	}
}

// Phone numbers in the person's crisis contacts can be called with one tap;
// nothing else becomes a link, and the text reads as written.
func TestSafetyLinesLinkPhoneNumbers(t *testing.T) {
	tests := []struct {
		text string
		tels []string
	}{
		{"988 Suicide & Crisis Lifeline (US, call or text 988)", []string{"tel:988", "tel:988"}},
		{"Samaritans 116 123 (UK and Ireland), open 24/7", []string{"tel:116123"}},
		{"My GP: +44 20 7946-0958", []string{"tel:+442079460958"}},
		{"If you are thinking about harming yourself, call your local emergency number or a crisis line now.", nil},
		{"Room B12 or code 1234a, not numbers to call", nil},
	}
	for _, tt := range tests {
		lines := SafetyLines(tt.text)
		var tels []string
		var text strings.Builder
		for _, seg := range lines[0] {
			text.WriteString(seg.Text)
			if seg.Tel != "" {
				tels = append(tels, string(seg.Tel))
			}
		}
		if text.String() != tt.text || strings.Join(tels, " ") != strings.Join(tt.tels, " ") {
			t.Errorf("%q: text %q, links %v, want %v", tt.text, text.String(), tels, tt.tels)
		}
	}
	h, err := SafetyHTML("Call 988\nUpshot is not a crisis service.", "")
	if err != nil || !strings.Contains(string(h), `<a href="tel:988">988</a>`) || strings.Contains(string(h), "safety plan") {
		t.Errorf("SafetyHTML = %s, %v", h, err)
	}
	h, err = SafetyHTML("Call 988", "/plan")
	if err != nil || !strings.Contains(string(h), `<a href="/plan">Open my safety plan</a>`) {
		t.Errorf("SafetyHTML with a plan = %s, %v", h, err)
	}
}

// Every id in the report (charts, their SVG titles, tables' anchors) is
// unique: the focus check's score chart and the focus split chart once
// shared "chart-focus".
func TestReportIDsUnique(t *testing.T) {
	reg := instrument.Builtin()
	snap := demoSnapshot(t, reg)
	// With every optional part, so that none repeats another's ids.
	var buf bytes.Buffer
	if err := Write(&buf, snap, reg, review.Run(snap, reg, review.Options{Today: today}), today,
		Options{SafetyPlan: true, Record: true, IncludeNotes: true, Compare: true}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	seen := map[string]int{}
	for _, m := range regexp.MustCompile(`\sid="([^"]+)"`).FindAllStringSubmatch(out, -1) {
		seen[m[1]]++
	}
	if seen["chart-focus"] != 1 || seen["chart-focus-split"] != 1 {
		t.Errorf("chart-focus %d times, chart-focus-split %d times; want once each", seen["chart-focus"], seen["chart-focus-split"])
	}
	for id, n := range seen {
		if n > 1 {
			t.Errorf("id %q appears %d times", id, n)
		}
	}
}

// The comparison of therapists is in the report only when asked for, drawn
// from usecase.CompareOf (the table `upshot compare` prints), with the
// comparison's own words: the records, never a ranking.
func TestReportCompareIsOptIn(t *testing.T) {
	reg := instrument.Builtin()
	snap := demoSnapshot(t, reg)
	rv := review.Run(snap, reg, review.Options{Today: today})
	render := func(rv *review.Review, opt Options) string {
		var buf bytes.Buffer
		if err := Write(&buf, snap, reg, rv, today, opt); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	if out := render(rv, Options{}); strings.Contains(out, `id="compare"`) || strings.Contains(out, "chart-compare-focus") {
		t.Error("the comparison is in a report that did not ask for it")
	}
	out := render(rv, Options{Compare: true})
	i := strings.Index(out, `id="compare"`)
	if i < 0 {
		t.Fatal("no comparison in a report that asked for it")
	}
	sec := out[i : i+strings.Index(out[i:], "</section>")]
	for _, want := range []string{"Therapists side by side", "the records, not a score of anyone", "Dr. Alex Morgan", "Sam Rivera",
		"Helpfulness (0-10)", "Who set the agenda", "NHS Talking Therapies", `id="chart-compare-focus"`} {
		if !strings.Contains(sec, want) {
			t.Errorf("the report's comparison lacks %q", want)
		}
	}
	// Every cell is the comparison's own text, in its order.
	table := ComparisonTable(usecaseCompare(snap, reg, rv), nil)
	for _, r := range table.Rows {
		for _, c := range r.Cells {
			if !strings.Contains(html.UnescapeString(sec), c.Text) {
				t.Errorf("row %q: cell %q is not in the report", r.Label, c.Text)
			}
		}
	}
	for _, bad := range []string{"rank", "best", "worst", "winner", "score of the therapist"} {
		if strings.Contains(strings.ToLower(sec), bad) {
			t.Errorf("the comparison says %q: it states records, it ranks nobody", bad)
		}
	}
	// Scoped to one therapist, one column; the standalone report links
	// nowhere outside itself (TestWriteIsSelfContained's rule).
	one := render(review.Run(snap, reg, review.Options{Today: today, TherapistID: rv.Scope.Therapists[1].ID}), Options{Compare: true})
	sec = one[strings.Index(one, `id="compare"`):]
	sec = sec[:strings.Index(sec, "</section>")]
	if strings.Contains(sec, "Dr. Alex Morgan") || !strings.Contains(sec, "Sam Rivera") {
		t.Error("a report about the second therapist compares others")
	}
	if strings.Contains(sec, `href="/`) {
		t.Error("the report's comparison links out of the document")
	}
	// A report from a date on still compares whole courses, and says so.
	since := render(review.Run(snap, reg, review.Options{Today: today, Since: rv.Scope.Therapists[1].First}), Options{Compare: true})
	if !strings.Contains(since, "over the whole course, also before") {
		t.Error("a report with a start date does not say its comparison covers whole courses")
	}
}

// usecaseCompare is the comparison of the review's therapists, as the
// report asks for it.
func usecaseCompare(snap *upshot.Snapshot, reg *instrument.Registry, rv *review.Review) *usecase.Comparison {
	var ids []int64
	for _, t := range rv.Scope.Therapists {
		ids = append(ids, t.ID)
	}
	return usecase.CompareOf(snap, reg, today, ids...)
}

// The person's open agenda items are on the report's "what to bring", with
// what became of each so far; closed ones are not, nor any in a report
// about a therapy that has ended.
func TestReportListsOpenAgendaItems(t *testing.T) {
	reg := instrument.Builtin()
	snap := demoSnapshot(t, reg)
	rv := review.Run(snap, reg, review.Options{Today: today})
	render := func(rv *review.Review) string {
		var buf bytes.Buffer
		if err := Write(&buf, snap, reg, rv, today, Options{}); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	// The demo's two items are closed (dropped; dealt with).
	if out := render(rv); strings.Contains(out, "On my own agenda") || strings.Contains(out, "not dealt with yet)") {
		t.Error("closed agenda items are on the report's agenda")
	}
	last := snap.Sessions[len(snap.Sessions)-1]
	snap.AgendaItems = append(snap.AgendaItems,
		&upshot.AgendaItem{ID: 10, Text: "Ask for <homework> on sleep", Source: upshot.AgendaMine, Status: upshot.AgendaOpen, Opened: last.Date},
		&upshot.AgendaItem{ID: 11, Text: "Talk about ending", Source: upshot.AgendaMine, Status: upshot.AgendaOpen, Opened: last.Date})
	last.AgendaItems = append(last.AgendaItems, upshot.AgendaMark{ItemID: 10, Mark: upshot.MarkRaised})
	out := render(rv)
	i := strings.Index(out, `id="agenda-title"`)
	if i < 0 {
		t.Fatal("no agenda section")
	}
	sec := out[i : i+strings.Index(out[i:], "</section>")]
	for _, want := range []string{"On my own agenda", "Ask for &lt;homework&gt; on sleep", "raised once since " + words.FormatDate(last.Date) + ", not dealt with yet",
		"Talk about ending", "not raised yet", "From the records"} {
		if !strings.Contains(sec, want) {
			t.Errorf("the report's agenda lacks %q", want)
		}
	}
	if strings.Index(sec, "Ask for") > strings.Index(sec, "From the records") {
		t.Error("the person's own items do not come before the review's suggestions")
	}
	// A report about the first therapist, whose therapy ended, has no
	// next session to bring them to.
	if out := render(review.Run(snap, reg, review.Options{Today: today, TherapistID: rv.Scope.Therapists[0].ID})); strings.Contains(out, "Talk about ending") {
		t.Error("open items are on a report about a therapy that has ended")
	}
}

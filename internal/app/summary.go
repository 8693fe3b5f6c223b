package app

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/upshot-app/upshot/internal/checkin"
	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/report/words"
	"github.com/upshot-app/upshot/internal/review"
	"github.com/upshot-app/upshot/internal/upshot"
)

// The summary for a new clinician or a GP (issue 14 item 5): what a person
// hands over for a second opinion or when leaving a therapy, in the
// sections they choose. It states what the records show and judges nothing
// itself: every outcome and concern it names is a finding of the review,
// every score is scored by the instrument's own rules, and the safety
// notice is the review's. internal/report/summary renders it.

// SummarySection is one part of the summary the person can leave in or out.
type SummarySection string

// The sections, in the order the summary shows them.
const (
	SummaryCourses  SummarySection = "courses"
	SummaryScores   SummarySection = "scores"
	SummaryTried    SummarySection = "tried"
	SummaryHelped   SummarySection = "helped"
	SummaryConcerns SummarySection = "concerns"
	SummaryGoals    SummarySection = "goals"
	// SummaryNotes holds the person's own session notes, the most private
	// thing they write here: it is in the summary only when they choose it.
	SummaryNotes SummarySection = "notes"
)

// SummarySectionList lists every section in the order the summary shows
// them.
var SummarySectionList = []SummarySection{SummaryCourses, SummaryScores, SummaryTried, SummaryHelped, SummaryConcerns, SummaryGoals, SummaryNotes}

// Private reports whether a section holds the person's own notes, which are
// never included unless asked for.
func (s SummarySection) Private() bool { return s == SummaryNotes }

// Title is the section's heading.
func (s SummarySection) Title() string { return summaryTitles[s] }

var summaryTitles = map[SummarySection]string{
	SummaryCourses:  "Courses of therapy",
	SummaryScores:   "Questionnaire scores",
	SummaryTried:    "What was tried",
	SummaryHelped:   "What helped",
	SummaryConcerns: "Concerns in the records",
	SummaryGoals:    "Open goals",
	SummaryNotes:    "My session notes",
}

// DefaultSummarySections is every section but the private ones.
func DefaultSummarySections() []SummarySection {
	var out []SummarySection
	for _, s := range SummarySectionList {
		if !s.Private() {
			out = append(out, s)
		}
	}
	return out
}

// LookupSummarySection finds a section by its name.
func LookupSummarySection(name string) (SummarySection, bool) {
	s := SummarySection(strings.ToLower(strings.TrimSpace(name)))
	return s, slices.Contains(SummarySectionList, s)
}

// SummarySectionNames lists the section names for messages: "courses,
// scores, ...".
func SummarySectionNames() string {
	names := make([]string, len(SummarySectionList))
	for i, s := range SummarySectionList {
		names[i] = string(s)
	}
	return strings.Join(names, ", ")
}

// SummarySections reads the sections a person chose for their summary, by
// name. nil means no choice was made: every section but the private notes.
// A choice of none is refused, as is a name that is not a section; the error
// names field and lists the sections.
func SummarySections(field string, names []string) ([]SummarySection, error) {
	if names == nil {
		return DefaultSummarySections(), nil
	}
	var out []SummarySection
	for _, n := range names {
		if strings.TrimSpace(n) == "" {
			continue
		}
		s, ok := LookupSummarySection(n)
		if !ok {
			return nil, upshot.Invalid(field, "%s must be one or more of %s, got %q", field, SummarySectionNames(), n)
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil, upshot.Invalid(field, "%s must name at least one of %s", field, SummarySectionNames())
	}
	return out, nil
}

// Summary prepares the owner's summary for a new clinician or a GP: the
// chosen sections (SummarySections; nil for the default) over all their
// records, reviewed for today. field is the name errors about the sections
// give them (--sections on the command line).
func Summary(ctx context.Context, st upshot.SnapshotService, reg *instrument.Registry, owner upshot.OwnerID, today upshot.Date, field string, sections []string) (*SummaryDoc, error) {
	chosen, err := SummarySections(field, sections)
	if err != nil {
		return nil, err
	}
	snap, err := st.Export(ctx, owner)
	if err != nil {
		return nil, err
	}
	return BuildSummary(snap, reg, today, chosen), nil
}

// SummaryDoc is the summary as its template reads it, and its JSON form in
// the API. Only the chosen sections are filled; the others are empty.
type SummaryDoc struct {
	Today  upshot.Date      `json:"today"`
	Chosen []SummarySection `json:"sections"`
	// Safety is the safety notice's text when the latest PHQ-9 calls for
	// it, whatever the sections: it is never left out.
	Safety   *string `json:"safety"`
	Sessions int     `json:"sessions"`
	CheckIns int     `json:"checkins"`

	Courses      []SummaryCourse    `json:"courses"`
	Scores       []SummaryScore     `json:"scores"`
	Latest       []string           `json:"latest"`
	Outcomes     []SummaryFinding   `json:"outcomes"`
	Scales       []SummaryScale     `json:"scales"`
	Tried        []SummaryTriedRow  `json:"tried"`
	Helped       []SummaryHelpedRow `json:"helped"`
	Solved       []SummaryGoal      `json:"goals_achieved"`
	Concerns     []SummaryFinding   `json:"concerns"`
	OpenGoals    []SummaryGoal      `json:"open_goals"`
	Notes        []SummaryNote      `json:"notes"`
	Attributions []string           `json:"attributions"`
}

// Has reports whether a section was chosen.
func (d *SummaryDoc) Has(s SummarySection) bool { return slices.Contains(d.Chosen, s) }

// SummaryCourse is one therapist's course of therapy.
type SummaryCourse struct {
	Therapist   string      `json:"therapist"`
	Credentials string      `json:"credentials"`
	Approach    string      `json:"approach"`
	From        upshot.Date `json:"from"`
	To          upshot.Date `json:"to"`
	Ongoing     bool        `json:"ongoing"`
	EndRecorded bool        `json:"end_recorded"`
	Sessions    int         `json:"sessions"`
	Weeks       float64     `json:"weeks"` // the review's course length (TherapyCourse.Weeks)
	Hours       float64     `json:"hours"` // the review's cost summary's hours
}

// SummaryScore is a questionnaire's first and last score within one course
// (or over all the records when there is one course or none).
type SummaryScore struct {
	Scale  string `json:"scale"`
	Course string `json:"course"`
	Start  string `json:"first"`
	End    string `json:"last"`
	Change string `json:"change"`
	Worse  bool   `json:"worse"` // the change is in the worse direction
}

// SummaryFinding is a finding of the review, said as its title, after the
// therapist it is about when the title does not name them.
type SummaryFinding struct {
	Course string `json:"course"`
	Text   string `json:"text"`
}

// SummaryScale says a questionnaire's published cut-offs and where they
// come from.
type SummaryScale struct {
	Name   string `json:"name"`
	Range  string `json:"range"`
	Bands  string `json:"bands"`
	Cutoff string `json:"cutoff"`
	Source string `json:"source"`
	// ChangeKind is "Reliable change", or "Meaningful change" for a scale
	// whose change size is not a reliable change (WHO-5), as the review
	// names it; Change is its size.
	ChangeKind string `json:"change_kind"`
	Change     string `json:"change"`
}

// SummaryTriedRow is the professional input recorded in one course.
type SummaryTriedRow struct {
	Therapist string `json:"therapist"`
	Input     string `json:"input"`
	None      string `json:"nothing_new"`
	Agenda    string `json:"agenda"`
}

// SummaryHelpedRow is how the sessions of one course were rated.
type SummaryHelpedRow struct {
	Therapist   string `json:"therapist"`
	Helpfulness string `json:"helpfulness"`
	After       string `json:"after"`
	Goals       string `json:"goal_progress"`
}

// SummaryGoal is one goal.
type SummaryGoal struct {
	Title      string      `json:"title"`
	Domain     string      `json:"domain"`
	Severity   string      `json:"severity"`
	Progress   string      `json:"progress"`
	SolvedWhen string      `json:"solved_when"`
	Closed     upshot.Date `json:"closed"`
}

// SummaryNote is one session note.
type SummaryNote struct {
	Date      upshot.Date `json:"date"`
	Therapist string      `json:"therapist"`
	Note      string      `json:"note"`
}

// BuildSummary lays out the chosen sections of a summary of snap for today.
// It reviews all of snap (no scope), so that every course and every outcome
// is there.
func BuildSummary(snap *upshot.Snapshot, reg *instrument.Registry, today upshot.Date, chosen []SummarySection) *SummaryDoc {
	r := review.Run(snap, reg, review.Options{Today: today})
	// Every list is there, empty when its section was not chosen, so the
	// JSON form has one shape.
	d := &SummaryDoc{Today: today, Sessions: r.Scope.Sessions, CheckIns: r.Scope.CheckIns,
		Chosen: []SummarySection{}, Courses: []SummaryCourse{}, Scores: []SummaryScore{}, Latest: []string{},
		Outcomes: []SummaryFinding{}, Scales: []SummaryScale{}, Tried: []SummaryTriedRow{}, Helped: []SummaryHelpedRow{},
		Solved: []SummaryGoal{}, Concerns: []SummaryFinding{}, OpenGoals: []SummaryGoal{}, Notes: []SummaryNote{}, Attributions: []string{}}
	for _, s := range SummarySectionList {
		if slices.Contains(chosen, s) {
			d.Chosen = append(d.Chosen, s)
		}
	}
	if r.Safety != nil {
		text := r.Safety.Text
		d.Safety = &text
	}
	courses := review.Courses(snap, review.Options{Today: today})
	therapists := map[int64]*upshot.Therapist{}
	for _, t := range snap.Therapists {
		therapists[t.ID] = t
	}
	name := func(id int64) string {
		if t := therapists[id]; t != nil {
			return t.Name
		}
		return "therapist " + strconv.FormatInt(id, 10)
	}
	if d.Has(SummaryCourses) {
		hours := map[int64]float64{}
		for _, l := range r.Cost.Therapists {
			hours[l.TherapistID] = l.Hours
		}
		if len(r.Cost.Therapists) == 0 && len(courses) == 1 {
			hours[courses[0].TherapistID] = r.Cost.Total.Hours
		}
		for _, c := range courses {
			d.Courses = append(d.Courses, summaryCourse(c, therapists[c.TherapistID], name(c.TherapistID), hours[c.TherapistID]))
		}
	}
	if d.Has(SummaryScores) {
		d.scores(snap, reg, r, name)
	}
	if d.Has(SummaryTried) {
		for _, c := range courses {
			d.Tried = append(d.Tried, summaryTried(c, name(c.TherapistID)))
		}
	}
	if d.Has(SummaryHelped) {
		for _, c := range courses {
			d.Helped = append(d.Helped, summaryHelped(c, name(c.TherapistID)))
		}
		for _, g := range goalsByOpening(snap.Goals) {
			if g.Status == upshot.GoalSolved {
				d.Solved = append(d.Solved, summaryGoal(g, r.Goals))
			}
		}
	}
	if d.Has(SummaryConcerns) {
		for _, f := range r.Findings {
			if f.Severity == review.Concern && !summaryOutcomeCodes[f.Code] {
				d.Concerns = append(d.Concerns, summaryFinding(f, name))
			}
		}
	}
	if d.Has(SummaryGoals) {
		for _, g := range goalsByOpening(snap.Goals) {
			if g.Status == upshot.GoalOpen {
				d.OpenGoals = append(d.OpenGoals, summaryGoal(g, r.Goals))
			}
		}
	}
	if d.Has(SummaryNotes) {
		ss := slices.Clone(snap.Sessions)
		slices.SortStableFunc(ss, func(a, b *upshot.Session) int { return cmp.Or(a.Date.Compare(b.Date), cmp.Compare(a.ID, b.ID)) })
		for _, s := range ss {
			if note := strings.TrimSpace(s.Note); note != "" && !s.Date.After(today) {
				d.Notes = append(d.Notes, SummaryNote{Date: s.Date, Therapist: name(s.TherapistID), Note: note})
			}
		}
	}
	return d
}

func summaryCourse(c review.TherapyCourse, t *upshot.Therapist, name string, hours float64) SummaryCourse {
	row := SummaryCourse{Therapist: name, From: c.Start, To: c.Last, Ongoing: c.Active, Sessions: len(c.Sessions),
		Weeks: c.Weeks(), Hours: math.Round(hours*10) / 10}
	if t != nil {
		row.Credentials, row.Approach = t.Credentials, t.Approach
	}
	if !c.Active && !c.End.IsZero() {
		row.To, row.EndRecorded = c.End, c.EndRecorded
	}
	return row
}

// scores fills the scores section from the review's measures: each
// validated questionnaire's first and last score per course, the outcomes
// the review found, the latest scores and the published cut-offs.
func (d *SummaryDoc) scores(snap *upshot.Snapshot, reg *instrument.Registry, r *review.Review, name func(int64) string) {
	point := func(p *review.Point) string {
		if p == nil {
			return ""
		}
		s := strconv.Itoa(p.Total)
		if p.Band != "" {
			s += " " + p.Band
		}
		return s + " (" + words.FormatDate(p.Date) + ")"
	}
	change := func(m review.Measure, c *int) (string, bool) {
		if c == nil {
			return "", false
		}
		worse := *c > 0 && m.Direction == instrument.HigherIsWorse || *c < 0 && m.Direction == instrument.HigherIsBetter
		return fmt.Sprintf("%+d", *c), worse
	}
	used := map[string]bool{}
	for _, m := range r.Measures {
		// Upshot's own focus check is self-monitoring, not a validated
		// scale with published cut-offs: it stays out of a clinician's
		// summary.
		if !m.Validated || m.Latest == nil {
			continue
		}
		used[m.ID] = true
		if len(m.Courses) == 0 {
			ch, worse := change(m, m.Change)
			d.Scores = append(d.Scores, SummaryScore{Scale: m.ShortName, Course: "all sessions", Start: point(m.Baseline), End: point(m.Latest), Change: ch, Worse: worse})
		}
		for _, c := range m.Courses {
			ch, worse := change(m, c.Change)
			d.Scores = append(d.Scores, SummaryScore{Scale: m.ShortName, Course: name(c.TherapistID), Start: point(c.Baseline), End: point(c.Latest), Change: ch, Worse: worse})
		}
		latest := m.ShortName + " " + strconv.Itoa(m.Latest.Total)
		if m.Latest.Band != "" {
			latest += " (" + m.Latest.Band + ")"
		}
		d.Latest = append(d.Latest, latest+" on "+words.FormatDate(m.Latest.Date))
		sc := SummaryScale{Name: m.ShortName, Range: fmt.Sprintf("%d to %d, %s", m.Min, m.Max, directionWords(m.Direction))}
		var bands []string
		for _, b := range m.Bands {
			bands = append(bands, fmt.Sprintf("%d–%d %s", b.Min, b.Max, b.Label))
		}
		sc.Bands = strings.Join(bands, ", ")
		if c := m.CaseCutoff; c != nil {
			sc.Cutoff = cutoffWords(c)
		}
		if m.ReliableChangeSize > 0 {
			sc.ChangeKind = "Reliable change"
			if _, ok := review.MeaningfulChange(m.ID); ok {
				sc.ChangeKind = "Meaningful change"
			}
			sc.Change = strconv.FormatFloat(m.ReliableChangeSize, 'f', -1, 64) + " points"
		}
		if def, ok := reg.Get(m.ID); ok {
			sc.Source = strings.TrimSpace(def.Source)
		}
		d.Scales = append(d.Scales, sc)
	}
	for _, f := range r.Findings {
		if summaryOutcomeCodes[f.Code] {
			d.Outcomes = append(d.Outcomes, summaryFinding(f, name))
		}
	}
	// The questionnaires' attribution lines, as their licences ask.
	in := *snap
	in.CheckIns = nil
	for _, c := range snap.CheckIns {
		if used[c.Instrument] {
			in.CheckIns = append(in.CheckIns, c)
		}
	}
	d.Attributions = append(d.Attributions, checkin.Attributions(&in, reg)...)
}

// summaryOutcomeCodes are the review's findings about a change in scores:
// the NHS Talking Therapies outcomes on PHQ-9 and GAD-7, the meaningful
// changes of WHO-5, and no reliable improvement after many sessions. They
// go with the scores, not with the concerns.
var summaryOutcomeCodes = map[review.Code]bool{
	review.CodeReliableImprovement: true, review.CodeReliableDeterioration: true,
	review.CodeRecovery: true, review.CodeReliableRecovery: true,
	review.CodeMeaningfulImprovement: true, review.CodeMeaningfulDeterioration: true,
	review.CodeNoReliableImprovement: true,
}

// summaryFinding says a finding by its title. The summary speaks in the
// person's voice ("my records"), where the review speaks to them: its
// "your" reads "my" here.
func summaryFinding(f review.Finding, name func(int64) string) SummaryFinding {
	text := words.PageDates(f.Title)
	text = strings.ReplaceAll(strings.ReplaceAll(text, "Your ", "My "), "your ", "my ")
	l := SummaryFinding{Text: text}
	if f.TherapistID != 0 && !strings.Contains(text, name(f.TherapistID)) {
		l.Course = name(f.TherapistID)
	}
	return l
}

func directionWords(dir string) string {
	if dir == instrument.HigherIsBetter {
		return "higher is better"
	}
	return "higher is worse"
}

// cutoffWords says a caseness cut-off: "10 or more: clinical range (...)".
func cutoffWords(c *instrument.Caseness) string {
	op := " or more"
	if c.Op == "<=" {
		op = " or less"
	}
	s := strconv.Itoa(c.Value) + op
	if c.Label != "" {
		s += ": " + c.Label
	}
	return s
}

// humanWord turns a code such as "in_person" into "in person".
func humanWord(s string) string { return strings.ReplaceAll(s, "_", " ") }

// summaryTried counts the professional input recorded in a course's
// sessions, and who set their agenda.
func summaryTried(c review.TherapyCourse, name string) SummaryTriedRow {
	counts, agenda := map[string]int{}, map[string]int{}
	none := 0
	for _, s := range c.Sessions {
		for _, g := range s.Got {
			if g == upshot.GotNone {
				none++
				continue
			}
			counts[g]++
		}
		if s.Agenda != "" {
			agenda[s.Agenda]++
		}
	}
	row := SummaryTriedRow{Therapist: name}
	var parts []string
	for _, in := range upshot.Inputs {
		if n := counts[in]; n > 0 {
			parts = append(parts, humanWord(in)+" "+strconv.Itoa(n))
		}
	}
	row.Input = strings.Join(parts, ", ")
	if none > 0 {
		row.None = fmt.Sprintf("%d of %d", none, len(c.Sessions))
	}
	parts = nil
	for _, a := range upshot.Agendas {
		if n := agenda[a]; n > 0 {
			parts = append(parts, humanWord(a)+" "+strconv.Itoa(n))
		}
	}
	row.Agenda = strings.Join(parts, ", ")
	return row
}

// summaryHelped says how a course's sessions were rated: the average
// helpfulness, how the person felt after them, and the goal progress they
// recorded in them.
func summaryHelped(c review.TherapyCourse, name string) SummaryHelpedRow {
	row := SummaryHelpedRow{Therapist: name}
	sum, rated := 0, 0
	after := map[string]int{}
	progress, ratings := 0, 0
	for _, s := range c.Sessions {
		if s.Helpful != nil {
			sum += *s.Helpful
			rated++
		}
		if s.After != "" {
			after[s.After]++
		}
		for _, g := range s.Goals {
			if g.Progress != nil {
				progress += *g.Progress
				ratings++
			}
		}
	}
	if rated > 0 {
		avg := math.Round(float64(sum)/float64(rated)*10) / 10
		row.Helpfulness = strconv.FormatFloat(avg, 'f', 1, 64) + " of 10 (" + words.Plural(rated, "session") + " rated)"
	}
	var parts []string
	for _, a := range upshot.Afters {
		if n := after[a]; n > 0 {
			parts = append(parts, a+" "+strconv.Itoa(n))
		}
	}
	row.After = strings.Join(parts, ", ")
	if ratings > 0 {
		row.Goals = fmt.Sprintf("%+d over %s", progress, words.Plural(ratings, "rating"))
	}
	return row
}

func goalsByOpening(gs []*upshot.Goal) []*upshot.Goal {
	out := slices.Clone(gs)
	slices.SortStableFunc(out, func(a, b *upshot.Goal) int { return cmp.Or(a.Opened.Compare(b.Opened), cmp.Compare(a.ID, b.ID)) })
	return out
}

// summaryGoal says a goal with the progress the review summed for it.
func summaryGoal(g *upshot.Goal, sums []review.GoalSummary) SummaryGoal {
	l := SummaryGoal{Title: g.Title, Domain: g.Domain, SolvedWhen: g.SolvedWhen, Closed: g.Closed}
	if g.Severity != nil {
		l.Severity = strconv.Itoa(*g.Severity) + " of 10"
	}
	for _, s := range sums {
		if s.ID == g.ID && s.ProgressRecorded > 0 {
			l.Progress = fmt.Sprintf("%+d over %s", s.Progress, words.Plural(s.SessionsAddressed, "session"))
		}
	}
	return l
}

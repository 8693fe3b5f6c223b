// Package report renders the report a person hands to their therapist or to
// a new one: one self-contained HTML file with its styles and SVG charts
// inline, no script and no external request, so it opens anywhere, prints
// well and leaks nothing when opened. It holds the views of the review (the
// findings grouped and carded, the headline, the record tables) and the
// template helpers the web pages share; the charts are drawn by
// internal/report/chart, and counts, dates and shares are said by
// internal/report/words.
//
// The web app shows the same rendering as its print-ready report page and
// draws its dashboard with the same charts.
package report

import (
	"bytes"
	"cmp"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/checkin"
	"github.com/upshot-app/upshot/internal/guide"
	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/report/chart"
	"github.com/upshot-app/upshot/internal/report/words"
	"github.com/upshot-app/upshot/internal/review"
	"github.com/upshot-app/upshot/internal/upshot"
)

//go:embed report.css
var stylesheet []byte

//go:embed report.html
var templateText string

// Stylesheet returns the report's CSS. The standalone file inlines it; the
// web app serves it as a file because its Content-Security-Policy allows no
// inline styles.
func Stylesheet() []byte { return bytes.Clone(stylesheet) }

// templates are parsed on first use, not when the program starts: every CLI
// command links this package, and most never draw a report (parsing them
// was a measurable part of a short command such as `review --json`).
var templates = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").Funcs(Funcs).Parse(templateText))
})

// Funcs are the template helpers the report uses; the web app's templates use
// them too so that both say things the same way.
var Funcs = template.FuncMap{
	"date":       words.FormatDate,
	"flagWords":  words.Flags,
	"focusWord":  words.FocusWord,
	"severity":   SeverityLabel,
	"lines":      Lines,
	"money":      formatMoney,
	"percent":    words.Percent,
	"joinWords":  func(vs []string) string { return strings.Join(vs, ", ") },
	"humanWord":  HumanWord,
	"humanWords": HumanWords,
	"plural":     words.Plural,
	"pageDates":  words.PageDates,
}

// Options choose what the report includes beyond the review and records.
// Everything personal beyond those is opt-in.
type Options struct {
	// SafetyPlan includes the person's safety plan (when they wrote one),
	// linked from the safety notice.
	SafetyPlan bool
	// Record includes the person's record (usecase.BuildRecord): the
	// flagged sessions, low conduct ratings and sessions they felt worse
	// after, in the report's scope.
	Record bool
	// IncludeNotes puts the person's session notes in the record (and
	// includes the record). Notes are private: without it no note's text is
	// in the report.
	IncludeNotes bool
	// Compare includes the therapists of the report's scope side by side
	// (usecase.CompareOf, what `upshot compare` and the comparison page
	// show). Opt-in: a report handed to one therapist need not carry
	// another's conduct ratings unless the person chooses.
	Compare bool
}

// Write renders the whole report as one HTML document. r is the review of
// snap for today (review.Run); the caller chooses its scope, and the report
// shows only the sessions and check-ins inside it.
func Write(w io.Writer, snap *upshot.Snapshot, reg *instrument.Registry, r *review.Review, today upshot.Date, opt Options) error {
	body, err := Render(snap, reg, r, today, opt)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	err = templates().ExecuteTemplate(&buf, "document", struct {
		Title string
		CSS   template.CSS
		Body  template.HTML
	}{"Upshot report, " + words.FormatDate(today), template.CSS(stylesheet), body})
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// Render returns the report's body: the part inside <body>, wrapped in an
// element of class "report". Links between its parts are anchors inside it.
// Charts and record tables cover r's scope only, so that they never show
// more than the header says the report is about.
func Render(snap *upshot.Snapshot, reg *instrument.Registry, r *review.Review, today upshot.Date, opt Options) (template.HTML, error) {
	in := scoped(snap, r)
	charts, err := chart.Build(in, reg, chart.AnchorLinks)
	if err != nil {
		return "", err
	}
	d := &Document{
		Today:  today,
		Review: r,
		Charts: charts,
		// Names come from all records: the safety finding may cite a
		// check-in outside the scope, which then has no row to link to.
		Groups:   GroupFindings(snap, r, inScopeLinks(in)),
		Sessions: SessionRows(in),
	}
	if opt.SafetyPlan && !snap.SafetyPlan.Empty() {
		plan := PlanDoc(snap.SafetyPlan)
		d.Plan = &plan
	}
	if opt.Record || opt.IncludeNotes {
		rec := usecase.BuildRecord(in.Sessions, snap.Therapists, snap.Settings,
			usecase.RecordFilter{TherapistID: r.Scope.TherapistID, Since: r.Scope.Since})
		if !opt.IncludeNotes {
			rec = rec.WithoutNotes()
		}
		d.Record = &RecordDoc{Record: rec, Title: "My record, in my own words", Notes: opt.IncludeNotes}
	}
	if opt.Compare {
		d.Compare = compareDoc(snap, reg, r, today)
	}
	d.OwnAgenda = ownAgenda(snap, r)
	if r.Safety != nil {
		d.Safety = &Notice{Lines: SafetyLines(r.Safety.Text)}
		if d.Plan != nil {
			d.Safety.Plan = "#safety-plan"
		}
	}
	d.Therapists = append(d.Therapists, r.Scope.Therapists...)
	if d.CheckIns, err = CheckInRows(in, reg); err != nil {
		return "", err
	}
	d.Goals = in.Goals
	d.Cost = costLines(r)
	d.Attributions = Attributions(in, reg)
	var buf bytes.Buffer
	if err := templates().ExecuteTemplate(&buf, "body", d); err != nil {
		return "", fmt.Errorf("report: %w", err)
	}
	return template.HTML(buf.String()), nil
}

// scoped returns snap limited to the review's scope. Sessions follow the
// review's rule (therapist, since, not after today). Check-ins are those the
// review itself placed in its measures, scored or not, so the report cannot
// drift from the review's check-in windows; the review exports no function
// for that rule.
func scoped(snap *upshot.Snapshot, r *review.Review) *upshot.Snapshot {
	out := *snap
	out.Sessions = nil
	for _, s := range snap.Sessions {
		if s == nil ||
			(r.Scope.TherapistID != 0 && s.TherapistID != r.Scope.TherapistID) ||
			(!r.Scope.Since.IsZero() && s.Date.Before(r.Scope.Since)) ||
			(!r.Today.IsZero() && s.Date.After(r.Today)) {
			continue
		}
		out.Sessions = append(out.Sessions, s)
	}
	ids := map[int64]bool{}
	for _, m := range r.Measures {
		for _, p := range m.Series {
			ids[p.CheckInID] = true
		}
		for _, id := range m.Unscored {
			ids[id] = true
		}
	}
	out.CheckIns = nil
	for _, c := range snap.CheckIns {
		if c != nil && ids[c.ID] {
			out.CheckIns = append(out.CheckIns, c)
		}
	}
	return &out
}

// inScopeLinks links only to records that have a row in the report.
func inScopeLinks(in *upshot.Snapshot) chart.Linker {
	has := map[string]bool{}
	for _, s := range in.Sessions {
		has[chart.AnchorLinks("session", s.ID)] = true
	}
	for _, c := range in.CheckIns {
		has[chart.AnchorLinks("checkin", c.ID)] = true
	}
	for _, g := range in.Goals {
		has[chart.AnchorLinks("goal", g.ID)] = true
	}
	return func(kind string, id int64) string {
		if a := chart.AnchorLinks(kind, id); has[a] {
			return a
		}
		return ""
	}
}

// Document is what the report template reads.
type Document struct {
	Today  upshot.Date
	Review *review.Review
	Safety *Notice
	Plan   *Plan // only when asked for (Options.SafetyPlan)
	// Record is the person's record, only when asked for (Options.Record).
	Record *RecordDoc
	// Compare is the therapists side by side, only when asked for
	// (Options.Compare).
	Compare *CompareDoc
	// OwnAgenda is what the person wrote down to raise, still open, with
	// what became of each item so far (ownAgenda).
	OwnAgenda  []AgendaLine
	Charts     *chart.Charts
	Groups     []SeverityGroup
	Therapists []review.TherapistRef
	Goals      []*upshot.Goal
	Sessions   []SessionRow
	CheckIns   []CheckInRow
	Cost       []string
	// Attributions name every questionnaire used, as their licences require
	// (the PHQ-9's Pfizer line among them).
	Attributions []string
}

// RecordDoc is the person's record as the report shows it; its entries
// carry notes only when Notes is true.
type RecordDoc struct {
	*usecase.Record
	Title string
	Notes bool
	// Links makes each date a link to its session's page (in the web app;
	// the standalone report has no such pages).
	Links bool
}

// RecordHTML renders the record as the report shows it.
func RecordHTML(d RecordDoc) (template.HTML, error) {
	var buf bytes.Buffer
	if err := templates().ExecuteTemplate(&buf, "myRecord", d); err != nil {
		return "", fmt.Errorf("report: %w", err)
	}
	return template.HTML(buf.String()), nil
}

// SeverityGroup is the findings of one severity, most pressing first, or
// those of one therapy that has ended (Severity PastGroup), read as cards.
type SeverityGroup struct {
	Severity review.Severity
	Label    string
	ID       string // the group heading's anchor
	Findings []FindingView
	Cards    []Card
}

// FindingView is a finding with its evidence resolved to dated links.
type FindingView struct {
	review.Finding
	ID       string // anchor
	Subject  string // the goal a finding is about, to list it in a card of several
	Sessions []chart.Cell
	CheckIns []chart.Cell
	Numbers  []string
}

// SeverityLabel names a severity for people.
func SeverityLabel(s review.Severity) string {
	switch s {
	case review.Urgent:
		return "Needs attention now"
	case review.Concern:
		return "Concerns"
	case review.Attention:
		return "Worth raising"
	case review.Info:
		return "For your information"
	case PastGroup:
		return "From a therapy that has ended"
	}
	return string(s)
}

// PastGroup is the Severity of the groups that hold the findings about a
// therapy that has ended, one group per therapy, after every severity of
// the therapy going on.
const PastGroup review.Severity = "past"

// GroupFindings groups a review's findings by severity, in the review's
// order, resolving evidence ids to dated links, and into cards within each
// group (cardsOf). Findings about a therapy that has ended come last, one
// group per therapy, so the review reads as the present first and history
// after.
func GroupFindings(snap *upshot.Snapshot, r *review.Review, link chart.Linker) []SeverityGroup {
	return groupFindings(snap, r, link, true)
}

// GroupFindingsWithoutEvidence is GroupFindings without each finding's
// Sessions, CheckIns and Numbers, for a view that shows only the cards'
// titles and subjects (the dashboard): a finding about a long therapy cites
// hundreds of sessions, each a dated link to build.
func GroupFindingsWithoutEvidence(snap *upshot.Snapshot, r *review.Review) []SeverityGroup {
	return groupFindings(snap, r, nil, false)
}

func groupFindings(snap *upshot.Snapshot, r *review.Review, link chart.Linker, evidence bool) []SeverityGroup {
	// Only the records a finding cites are named: a long record has
	// thousands, the findings cite a few dozen.
	sessionDate := map[int64]upshot.Date{}
	checkinName := map[int64]string{}
	if evidence {
		for _, f := range r.Findings {
			for _, id := range f.Evidence.Sessions {
				sessionDate[id] = upshot.Date{}
			}
			for _, id := range f.Evidence.CheckIns {
				checkinName[id] = ""
			}
		}
		for _, s := range snap.Sessions {
			if _, ok := sessionDate[s.ID]; ok {
				sessionDate[s.ID] = s.Date
			}
		}
		for _, c := range snap.CheckIns {
			if _, ok := checkinName[c.ID]; ok {
				checkinName[c.ID] = c.Instrument + " " + words.FormatDate(c.Date)
			}
		}
	}
	goalTitle := map[int64]string{}
	for _, g := range snap.Goals {
		goalTitle[g.ID] = g.Title
	}
	measureName := map[string]string{}
	for _, m := range r.Measures {
		measureName[m.ID] = m.ShortName
	}
	var current []FindingView
	pastOf := map[int64][]FindingView{}
	var pastOrder []int64
	for _, f := range r.Findings {
		v := FindingView{Finding: f, ID: findingID(f), Subject: goalTitle[f.GoalID]}
		v.Title, v.Detail = words.PageDates(f.Title), words.PageDates(f.Detail)
		if evidence {
			v.Sessions, v.CheckIns, v.Numbers = evidenceCells(f, sessionDate, checkinName, link)
		}
		if f.Past {
			if _, ok := pastOf[f.TherapistID]; !ok {
				pastOrder = append(pastOrder, f.TherapistID)
			}
			pastOf[f.TherapistID] = append(pastOf[f.TherapistID], v)
		} else {
			current = append(current, v)
		}
	}
	var out []SeverityGroup
	cards := cardsOf(current, measureName)
	for _, sev := range review.Severities {
		g := SeverityGroup{Severity: sev, Label: SeverityLabel(sev), ID: "sev-" + string(sev)}
		for _, c := range cards {
			if c.Severity == sev {
				g.Cards = append(g.Cards, c)
				g.Findings = append(g.Findings, c.Findings...)
			}
		}
		if len(g.Cards) > 0 {
			out = append(out, g)
		}
	}
	for _, id := range pastOrder {
		var ref *review.TherapistRef
		for i, t := range r.Scope.Therapists {
			if t.ID == id {
				ref = &r.Scope.Therapists[i]
			}
		}
		fs := pastOf[id]
		out = append(out, SeverityGroup{Severity: PastGroup, Label: pastLabel(ref), ID: "sev-past-" + strconv.FormatInt(id, 10),
			Findings: fs, Cards: cardsOf(fs, measureName)})
	}
	return out
}

// SessionRow is a session as the record tables show it. The note is left
// out on purpose: the report is made to be handed to someone, and a note is
// the most private thing a person writes here.
type SessionRow struct {
	*upshot.Session
	Therapist string
	Focus     string
	// FocusBar draws the focus as one small bar, and FocusShort says its
	// heart in one line (life against the relationship and the therapist):
	// what a printed table shows instead of the split wrapped over six lines.
	FocusBar   template.HTML
	FocusShort string
	Goals      string
}

// SessionRows lists the sessions by date.
func SessionRows(snap *upshot.Snapshot) []SessionRow {
	names := map[int64]string{}
	for _, t := range snap.Therapists {
		names[t.ID] = t.Name
	}
	goals := map[int64]string{}
	for _, g := range snap.Goals {
		goals[g.ID] = g.Title
	}
	ss := slices.Clone(snap.Sessions)
	slices.SortStableFunc(ss, func(a, b *upshot.Session) int {
		return cmp.Or(a.Date.Compare(b.Date), cmp.Compare(a.ID, b.ID))
	})
	rows := make([]SessionRow, len(ss))
	for i, s := range ss {
		rows[i] = SessionRow{Session: s, Therapist: names[s.TherapistID], Focus: FocusText(s.Focus),
			FocusBar: focusBar(s.Focus), FocusShort: focusShort(s.Focus)}
		var gs []string
		for _, g := range s.Goals {
			t := goals[g.GoalID]
			if g.Progress != nil {
				t += fmt.Sprintf(" (%+d)", *g.Progress)
			}
			gs = append(gs, t)
		}
		rows[i].Goals = strings.Join(gs, "; ")
	}
	return rows
}

// FocusText describes a focus split in shares: "life 75%, relationship 25%".
// focusBarTemplate draws a session's focus as one bar, the parts in the
// charts' colours and order; the words beside it carry the numbers.
var focusBarTemplate = template.Must(template.New("focus-bar").Parse(
	`<svg class="focus-bar" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true">` +
		`{{range .}}<rect x="{{.X}}" y="0" width="{{.W}}" height="6" fill="{{.Fill}}"/>{{end}}</svg>`))

type focusPart struct{ X, W, Fill string }

func focusBar(f *upshot.Focus) template.HTML {
	if f == nil || f.Total() == 0 {
		return ""
	}
	var parts []focusPart
	x := 0.0
	for _, c := range chart.FocusStack() {
		w := float64(f.Get(c)) / float64(f.Total()) * 100
		if w > 0 {
			parts = append(parts, focusPart{strconv.FormatFloat(x, 'f', 1, 64), strconv.FormatFloat(w, 'f', 1, 64), chart.FocusColour(c)})
		}
		x += w
	}
	var b strings.Builder
	if err := focusBarTemplate.Execute(&b, parts); err != nil {
		panic("report: drawing a focus bar: " + err.Error()) // a bug in focusBarTemplate: its data are plain values
	}
	return template.HTML(b.String())
}

// focusShort is the share of my life and of the relationship with the
// therapist: "life 80%, relationship and therapist 10%".
func focusShort(f *upshot.Focus) string {
	if f == nil || f.Total() == 0 {
		return ""
	}
	return "life " + words.Percent(f.LifeShare()) + ", relationship and therapist " + words.Percent(f.RelationshipShare())
}

func FocusText(f *upshot.Focus) string {
	if f == nil || f.Total() == 0 {
		return ""
	}
	var parts []string
	for _, c := range upshot.FocusCategories {
		if v := f.Get(c); v > 0 {
			parts = append(parts, fmt.Sprintf("%s %s", words.FocusWord(c), words.Percent(float64(v)/float64(f.Total()))))
		}
	}
	return strings.Join(parts, ", ")
}

// CheckInRow is a scored check-in.
type CheckInRow struct {
	checkin.Result
	Change string
}

// CheckInRows scores every check-in, newest last, with the shared scoring.
func CheckInRows(snap *upshot.Snapshot, reg *instrument.Registry) ([]CheckInRow, error) {
	resolve := checkin.Resolver(reg, snap.Definitions)
	byInst := map[string][]*upshot.CheckIn{}
	for _, c := range snap.CheckIns {
		byInst[c.Instrument] = append(byInst[c.Instrument], c)
	}
	var rows []CheckInRow
	for _, list := range byInst {
		rs, err := checkin.History(resolve, list)
		if err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
		for _, r := range rs {
			rows = append(rows, CheckInRow{Result: r, Change: r.BaselineText()})
		}
	}
	slices.SortFunc(rows, func(a, b CheckInRow) int { return cmp.Or(a.Date.Compare(b.Date), cmp.Compare(a.ID, b.ID)) })
	return rows, nil
}

// costLines words the review's cost summary; it is not recomputed here, so
// the report and the review cannot disagree about money or time.
func costLines(r *review.Review) []string {
	c := r.Cost
	if c.Total.Sessions == 0 {
		return nil
	}
	out := []string{costLine(c.Total)}
	if c.Total.SessionsWithoutFee > 0 {
		out = append(out, words.Plural(c.Total.SessionsWithoutFee, "session")+" without a fee recorded")
	}
	if c.Total.SessionsWithoutMinutes > 0 {
		out = append(out, words.Plural(c.Total.SessionsWithoutMinutes, "session")+" without minutes recorded")
	}
	if c.Total.GoalsSolved > 0 && len(c.Total.PerGoalSolved) > 0 {
		out = append(out, moneyText(c.Total.PerGoalSolved)+" per goal solved ("+words.Plural(c.Total.GoalsSolved, "goal")+" solved)")
	}
	if len(c.Therapists) > 1 {
		names := map[int64]string{}
		for _, t := range r.Scope.Therapists {
			names[t.ID] = t.Name
		}
		for _, l := range c.Therapists {
			name := names[l.TherapistID]
			if name == "" {
				name = "therapist " + strconv.FormatInt(l.TherapistID, 10)
			}
			out = append(out, name+": "+costLine(l))
		}
	}
	if s := c.SinceImprovement; s != nil {
		name := s.Instrument
		for _, m := range r.Measures {
			if m.ID == s.Instrument && m.ShortName != "" {
				name = m.ShortName
			}
		}
		since := "no sessions yet"
		if s.Sessions > 0 {
			since = costLine(s.CostLine)
		}
		out = append(out, fmt.Sprintf("Since the reliable improvement on %s (%s): %s", words.FormatDate(s.Date), name, since))
	}
	return out
}

// costLine is "12 sessions, 10.0 hours, 960 EUR paid".
func costLine(l review.CostLine) string {
	out := words.Plural(l.Sessions, "session") + ", " + strconv.FormatFloat(l.Hours, 'f', 1, 64) + " hours"
	if len(l.Money) > 0 {
		out += ", " + moneyText(l.Money) + " paid"
	}
	return out
}

// moneyText writes amounts per currency in a fixed order.
func moneyText(m map[string]upshot.Money) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		if k == review.NoCurrency || k == "" {
			parts[i] = formatMoney(m[k]) + " (currency not set)"
		} else {
			parts[i] = formatMoney(m[k]) + " " + k
		}
	}
	return strings.Join(parts, " and ")
}

// Lines splits a multi-line text (the safety notice) into paragraphs.
func Lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// Segment is a piece of a line of the safety notice: text, or a phone number
// with the tel: link that calls it.
type Segment struct {
	Text string
	Tel  template.URL
}

// phoneNumber is 3 to 15 digits, maybe after a +, maybe grouped by single
// spaces or hyphens: "988", "116 123", "+44 20 7946 0958". Two digits
// ("24/7") are not a number to call.
var phoneNumber = regexp.MustCompile(`\+?\d(?:[ -]?\d){2,14}`)

// SafetyLines splits the safety notice into lines and makes each phone number
// in them (the person's own crisis contacts) a link that calls it, so that on
// a phone reaching out is one tap.
func SafetyLines(text string) [][]Segment {
	var out [][]Segment
	for _, l := range Lines(text) {
		out = append(out, phoneSegments(l))
	}
	return out
}

// phoneSegments makes each phone number standing on its own in one line
// of text a link that calls it.
func phoneSegments(l string) []Segment {
	var line []Segment
	at := 0
	for _, m := range phoneNumber.FindAllStringIndex(l, -1) {
		// Only a number standing on its own: not part of a word or of a
		// longer run of digits and letters.
		if m[0] > 0 && isWordByte(l[m[0]-1]) || m[1] < len(l) && isWordByte(l[m[1]]) {
			continue
		}
		digits := strings.Map(func(r rune) rune {
			if r == '+' || r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, l[m[0]:m[1]])
		line = append(line, Segment{Text: l[at:m[0]]}, Segment{Text: l[m[0]:m[1]], Tel: template.URL("tel:" + digits)})
		at = m[1]
	}
	return append(line, Segment{Text: l[at:]})
}

func isWordByte(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b == '_' || b >= 0x80
}

// formatMoney writes an amount with two decimals when it has cents.
func formatMoney(m upshot.Money) string {
	if m%100 == 0 {
		return strconv.FormatInt(int64(m/100), 10)
	}
	return fmt.Sprintf("%d.%02d", m/100, m%100)
}

// HumanWord turns a code such as "in_person" into "in person".
func HumanWord(s string) string { return strings.ReplaceAll(s, "_", " ") }

// HumanWords joins codes as words.
func HumanWords(vs []string) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = HumanWord(v)
	}
	return strings.Join(out, ", ")
}

// Attributions returns the attribution line of each questionnaire with
// check-ins, in the registry's order (checkin.Attributions: the summary
// names them the same way).
func Attributions(snap *upshot.Snapshot, reg *instrument.Registry) []string {
	return checkin.Attributions(snap, reg)
}

// FigureHTML renders a figure with its legend and table, exactly as the
// report shows it.
func FigureHTML(f chart.Figure) (template.HTML, error) {
	var buf bytes.Buffer
	if err := templates().ExecuteTemplate(&buf, "figure", f); err != nil {
		return "", err
	}
	return template.HTML(buf.String()), nil
}

// Notice is the safety notice as every surface shows it: its lines, and
// the link to the person's safety plan where the plan can be reached.
type Notice struct {
	Lines [][]Segment
	Plan  template.URL
}

// SafetyHTML renders the safety notice text (checkin.SafetyNotice) the way
// every page shows it, with a link to plan (the safety plan's address) when
// plan is not empty.
func SafetyHTML(text string, plan template.URL) (template.HTML, error) {
	var buf bytes.Buffer
	if err := templates().ExecuteTemplate(&buf, "safety", Notice{Lines: SafetyLines(text), Plan: plan}); err != nil {
		return "", err
	}
	return template.HTML(buf.String()), nil
}

// Plan is a safety plan as the report and the web app show it.
type Plan struct {
	Title    string // its heading: "My safety plan" in the report
	Empty    bool
	Sections []PlanSection
}

// PlanSection is one section with its items; the professionals section
// also carries the shipped example crisis lines, after the person's own.
type PlanSection struct {
	Key, Title, Prompt string
	Items              [][]Segment
	Examples           []PlanExample
	ExamplesNote       string
}

// PlanExample is a shipped crisis line (internal/guide), its numbers
// callable with one tap.
type PlanExample struct {
	Region, Name string
	Contact      []Segment
}

// PlanDoc lays out p (nil reads as empty) for the "safetyPlan" template.
func PlanDoc(p *upshot.SafetyPlan) Plan {
	if p == nil {
		p = &upshot.SafetyPlan{}
	}
	out := Plan{Title: "My safety plan", Empty: p.Empty()}
	for _, s := range upshot.PlanSections {
		ps := PlanSection{Key: s.Key, Title: s.Title, Prompt: s.Prompt}
		for _, it := range *s.Items(p) {
			ps.Items = append(ps.Items, phoneSegments(it))
		}
		if s.Key == "professionals" {
			ex := guide.ExampleCrisisLines()
			for _, l := range ex.Lines {
				ps.Examples = append(ps.Examples, PlanExample{Region: l.Region, Name: l.Name, Contact: phoneSegments(l.Contact)})
			}
			ps.ExamplesNote = ex.Note
		}
		out.Sections = append(out.Sections, ps)
	}
	return out
}

// PlanHTML renders a safety plan as the report shows it.
func PlanHTML(p Plan) (template.HTML, error) {
	var buf bytes.Buffer
	if err := templates().ExecuteTemplate(&buf, "safetyPlan", p); err != nil {
		return "", err
	}
	return template.HTML(buf.String()), nil
}

// FindingsHTML renders grouped findings as the report does.
func FindingsHTML(groups []SeverityGroup) (template.HTML, error) {
	var buf bytes.Buffer
	if err := templates().ExecuteTemplate(&buf, "findings", groups); err != nil {
		return "", err
	}
	return template.HTML(buf.String()), nil
}

// evidenceCells are a finding's cited sessions and check-ins as dated links,
// and its numbers in words.
func evidenceCells(f review.Finding, sessionDate map[int64]upshot.Date, checkinName map[int64]string, link chart.Linker) (sessions, checkins []chart.Cell, numbers []string) {
	for _, id := range f.Evidence.Sessions {
		text := "session " + strconv.FormatInt(id, 10)
		if d := sessionDate[id]; !d.IsZero() {
			text = "session of " + words.FormatDate(d)
		}
		sessions = append(sessions, chart.Cell{Text: text, Href: link("session", id)})
	}
	for _, id := range f.Evidence.CheckIns {
		text := "check-in " + strconv.FormatInt(id, 10)
		if n := checkinName[id]; n != "" {
			text = "check-in " + n
		}
		checkins = append(checkins, chart.Cell{Text: text, Href: link("checkin", id)})
	}
	keys := make([]string, 0, len(f.Evidence.Numbers))
	for k := range f.Evidence.Numbers {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		numbers = append(numbers, HumanWord(k)+": "+strconv.FormatFloat(f.Evidence.Numbers[k], 'f', -1, 64))
	}
	return sessions, checkins, numbers
}

// Package chart draws Upshot's charts as SVG, each with its text
// alternative (a summary, a legend and a table of the values it plots):
// the scores of each questionnaire, the focus of the sessions, the progress
// of goals and the therapist's conduct. It draws and knows nothing of the
// report or the pages that show its figures.
package chart

import (
	"cmp"
	"fmt"
	"html/template"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/upshot-app/upshot/internal/checkin"
	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/report/words"
	"github.com/upshot-app/upshot/internal/upshot"
)

// Figure is one chart with everything needed to show it accessibly: the SVG
// (with its own title and description), a one-line summary, a legend, and
// the same numbers as a table for screen readers, printing and checking.
type Figure struct {
	ID      string
	Title   string
	Summary string
	SVG     template.HTML
	Legend  []LegendItem
	Table   Table
}

// LegendItem explains one colour or mark.
type LegendItem struct {
	Label  string
	Swatch template.HTML
}

// Table is a chart's text alternative.
type Table struct {
	Caption string
	Head    []string
	Rows    [][]Cell
}

// Cell is a table cell, optionally a link to the record it describes.
type Cell struct {
	Text string
	Href string
}

// Charts are all the figures of a dashboard or report.
type Charts struct {
	Measures []Figure
	Focus    *Figure // nil when no session recorded its focus
	Goals    *Figure // nil without goals
	Conduct  *Figure // nil when no conduct was rated
	// Window is the span the charts over time were limited to (zero: none).
	Window Window
	// Partial reports that records outside Window were left out of the
	// charts over time.
	Partial bool
}

// Window limits the charts over time (scores, focus, conduct) to the
// sessions and check-ins dated From to To, both included. A zero From or To
// leaves that side open. Scores are still measured against the first
// check-in ever, inside the window or not: a window changes what is drawn,
// never what a score is compared with. The goals chart is not limited: a
// goal's summed progress means something only over the whole goal.
type Window struct {
	From, To upshot.Date
}

func (w Window) contains(d upshot.Date) bool {
	return (w.From.IsZero() || !d.Before(w.From)) && (w.To.IsZero() || !d.After(w.To))
}

// RecentWindow is the window of the last months of records: from the day
// after the same date months earlier up to the latest session or check-in
// (not today, so that a therapy that ended long ago still shows its last
// months). It is zero when there are no dated records.
func RecentWindow(snap *upshot.Snapshot, months int) Window {
	var last upshot.Date
	for _, s := range snap.Sessions {
		if s != nil && s.Date.After(last) {
			last = s.Date
		}
	}
	for _, c := range snap.CheckIns {
		if c != nil && c.Date.After(last) {
			last = c.Date
		}
	}
	if last.IsZero() {
		return Window{}
	}
	return Window{From: upshot.DateOf(last.Time().AddDate(0, -months, 1)), To: last}
}

// Empty reports whether there is nothing to draw.
func (c *Charts) Empty() bool {
	return len(c.Measures) == 0 && c.Focus == nil && c.Goals == nil && c.Conduct == nil
}

// Linker turns a record into a URL: "/sessions/12" in the web app, "#session-12"
// inside the report file. It may return "" for no link.
type Linker func(kind string, id int64) string

// AnchorLinks links to the record tables inside the report document.
func AnchorLinks(kind string, id int64) string { return "#" + kind + "-" + strconv.FormatInt(id, 10) }

// Build draws every chart of the snapshot. Figures are computed from the
// records themselves, with the check-in scoring shared with every other
// surface, so a chart can never disagree with the check-in history.
func Build(snap *upshot.Snapshot, reg *instrument.Registry, link Linker) (*Charts, error) {
	return BuildWindow(snap, reg, link, Window{})
}

// BuildWindow draws the charts with those over time limited to w; the goals
// chart and every score's comparison with the first check-in still use all
// of snap.
func BuildWindow(snap *upshot.Snapshot, reg *instrument.Registry, link Linker, w Window) (*Charts, error) {
	if link == nil {
		link = func(string, int64) string { return "" }
	}
	b := &builder{snap: snap, reg: reg, link: link, window: w, therapists: map[int64]*upshot.Therapist{}}
	for _, t := range snap.Therapists {
		b.therapists[t.ID] = t
	}
	b.allSessions = slices.Clone(snap.Sessions)
	slices.SortStableFunc(b.allSessions, func(a, c *upshot.Session) int {
		return cmp.Or(a.Date.Compare(c.Date), cmp.Compare(a.ID, c.ID))
	})
	for _, s := range b.allSessions {
		if w.contains(s.Date) {
			b.sessions = append(b.sessions, s)
		} else {
			b.partial = true
		}
	}
	for _, c := range snap.CheckIns {
		if !w.contains(c.Date) {
			b.partial = true
		}
	}
	b.domain()
	out := &Charts{Window: w, Partial: b.partial}
	var err error
	if out.Measures, err = b.measures(); err != nil {
		return nil, err
	}
	out.Focus = b.focus()
	out.Goals = b.goals()
	out.Conduct = b.conduct()
	return out, nil
}

type builder struct {
	snap        *upshot.Snapshot
	reg         *instrument.Registry
	link        Linker
	window      Window
	partial     bool // some records fall outside the window
	therapists  map[int64]*upshot.Therapist
	allSessions []*upshot.Session // by date, then id
	sessions    []*upshot.Session // those inside the window, by date, then id
	from, to    upshot.Date       // the shared time axis of the score charts
}

// domain sets one time axis for all score charts, so that the same date sits
// at the same place in every chart and against the sessions.
func (b *builder) domain() {
	var ds []upshot.Date
	for _, s := range b.sessions {
		ds = append(ds, s.Date)
	}
	for _, c := range b.snap.CheckIns {
		if b.window.contains(c.Date) {
			ds = append(ds, c.Date)
		}
	}
	if len(ds) == 0 {
		return
	}
	b.from, b.to = slices.MinFunc(ds, upshot.Date.Compare), slices.MaxFunc(ds, upshot.Date.Compare)
	if !b.to.After(b.from) {
		b.from, b.to = b.from.AddDays(-7), b.to.AddDays(7)
	}
}

func (b *builder) therapistName(id int64) string {
	if t, ok := b.therapists[id]; ok {
		return t.Name
	}
	return "therapist " + strconv.FormatInt(id, 10)
}

// plot is the drawing area inside a canvas.
type plot struct{ left, top, width, height float64 }

func (p plot) right() float64  { return p.left + p.width }
func (p plot) bottom() float64 { return p.top + p.height }

func (b *builder) xOfDate(p plot, d upshot.Date) float64 {
	span := float64(b.to.DaysSince(b.from))
	return p.left + float64(d.DaysSince(b.from))/span*p.width
}

// dateTicks labels about five month starts across the axis.
func (b *builder) dateTicks(c *canvas, p plot) {
	start := time.Date(b.from.Time().Year(), b.from.Time().Month(), 1, 0, 0, 0, 0, time.UTC)
	months := (b.to.Time().Year()-start.Year())*12 + int(b.to.Time().Month()-start.Month()) + 1
	step := max(1, int(math.Ceil(float64(months)/5)))
	for m := 0; m <= months; m += step {
		t := start.AddDate(0, m, 0)
		d := upshot.DateOf(t)
		if d.Before(b.from) || d.After(b.to) {
			continue
		}
		x := b.xOfDate(p, d)
		c.line(x, p.bottom(), x, p.bottom()+4, colMuted, 1, "")
		c.text(x, p.bottom()+17, t.Format("Jan 2006"), edgeAnchor(x, c.w), colMuted, smallFont)
	}
}

// edgeAnchor centres an axis label under its tick unless that would run it
// off either side of a chart w wide; then it ends (or starts) at the tick.
func edgeAnchor(x, w float64) string {
	const half = 4.5 * smallFont * 0.6 // half of "Jan 2006" at about 0.6 em a character
	switch {
	case x+half > w:
		return "end"
	case x-half < 0:
		return "start"
	}
	return "middle"
}

// therapistStarts marks where each therapist after the first begins, so a
// change of course in the scores can be read against a change of therapist.
func (b *builder) therapistStarts(c *canvas, p plot, x func(*upshot.Session) (float64, bool)) {
	seen := map[int64]bool{}
	for i, s := range b.sessions {
		if seen[s.TherapistID] {
			continue
		}
		seen[s.TherapistID] = true
		xx, ok := x(s)
		if !ok {
			continue
		}
		if i > 0 {
			c.line(xx, p.top, xx, p.bottom(), colMuted, 1, "3 3")
		}
		anchor := "start"
		tx := xx + 4
		if xx > p.left+p.width*0.7 {
			anchor, tx = "end", xx-4
		}
		c.text(tx, p.top-4, shorten(b.therapistName(s.TherapistID), 28), anchor, colMuted, smallFont)
	}
}

// measures draws one chart per instrument with check-ins.
func (b *builder) measures() ([]Figure, error) {
	byInst := map[string][]*upshot.CheckIn{}
	for _, c := range b.snap.CheckIns {
		byInst[c.Instrument] = append(byInst[c.Instrument], c)
	}
	var order []string
	if b.reg != nil {
		for _, d := range b.reg.All() {
			if len(byInst[d.ID]) > 0 {
				order = append(order, d.ID)
			}
		}
	}
	var rest []string
	for id := range byInst {
		if !slices.Contains(order, id) {
			rest = append(rest, id)
		}
	}
	slices.Sort(rest)
	order = append(order, rest...)

	resolve := checkin.Resolver(b.reg, b.snap.Definitions)
	var out []Figure
	for _, id := range order {
		// Only the window's check-ins are scored and drawn, each still
		// compared with the first check-in ever and the one just before it.
		results, err := checkin.HistorySince(resolve, byInst[id], b.window.From)
		if err != nil {
			return nil, fmt.Errorf("report: %s check-ins: %w", id, err)
		}
		latest, first := byInst[id][0], byInst[id][0]
		for _, c := range byInst[id] {
			if c.Date.After(latest.Date) || (c.Date.Equal(latest.Date) && c.ID > latest.ID) {
				latest = c
			}
			if c.Date.Before(first.Date) {
				first = c
			}
		}
		def, err := resolve(latest)
		if err != nil {
			return nil, fmt.Errorf("report: %s: %w", id, err)
		}
		shown := slices.DeleteFunc(results, func(r Result) bool { return !b.window.contains(r.Date) })
		if len(shown) == 0 {
			continue
		}
		out = append(out, b.measure(def, shown, len(byInst[id]), first.Date))
	}
	return out, nil
}

// bandColour shades a band by how far along the scale of trouble it lies:
// calm green for the best band, soft red for the worst.
func bandColour(i, n int, higherIsBetter bool) string {
	t := 0.0
	if n > 1 {
		t = float64(i) / float64(n-1)
	}
	if higherIsBetter {
		t = 1 - t
	}
	return mix("#e6f2ea", "#f7dcd6", t)
}

// measure draws the check-ins rs of one instrument; there are all of it in
// the whole record, the first dated since, which rs is a part of when the
// charts are windowed.
func (b *builder) measure(def *instrument.Definition, rs []Result, all int, since upshot.Date) Figure {
	// Instrument ids have no hyphen (instrument.idPattern), and the other
	// charts' ids all do, so no instrument can take another chart's id.
	id := "chart-" + def.ID
	p := plot{left: 40, top: 24, width: chartWidth - 40 - 12, height: 170}
	h := p.top + p.height + 48
	last := rs[len(rs)-1]
	summary := fmt.Sprintf("%s from %s to %s", words.Plural(len(rs), "check-in"), words.FormatDate(rs[0].Date), words.FormatDate(last.Date))
	if all > len(rs) {
		summary += fmt.Sprintf(" (%d in all since %s)", all, words.FormatDate(since))
	}
	// One point a week: the week's latest check-in.
	drawn, counts := latestPerWeek(rs)
	if len(drawn) < len(rs) {
		summary += fmt.Sprintf(", drawn as one point a week, the week's latest (%s)", words.Plural(len(drawn), "week"))
	}
	summary += fmt.Sprintf(". Latest %d of %d (%s)", last.Total, def.Max, last.Band)
	if last.Change.Baseline != nil {
		summary += ", " + last.BaselineText()
	}
	summary += "."
	title := def.Label() + " over time"
	if n := def.Name; len(n) <= 20 {
		title = n + " over time"
	}
	c := newCanvas(id, chartWidth, h, title, summary)

	y := func(v int) float64 {
		return p.top + float64(def.Max-v)/float64(def.Max-def.Min)*p.height
	}
	// Bands span from their lower bound to the next band's, so adjacent bands
	// meet without gaps on an integer scale.
	higherBetter := def.Direction == instrument.HigherIsBetter
	// Band names are in the legend, never on the plot: written over the
	// bands they would cover the scores of a person who stays in one band.
	for i, band := range def.Bands {
		top := y(band.Max)
		if i < len(def.Bands)-1 {
			top = (y(band.Max) + y(band.Max+1)) / 2
		}
		bottom := y(band.Min)
		if i > 0 {
			bottom = (y(band.Min) + y(band.Min-1)) / 2
		}
		c.rect(p.left, top, p.width, bottom-top, bandColour(i, len(def.Bands), higherBetter))
	}
	if cs := def.Caseness; cs != nil {
		// Halfway between the last score on one side of the cut-off and the first on the other.
		cy := (y(cs.Value) + y(cs.Value+1)) / 2
		if cs.Op == ">=" {
			cy = (y(cs.Value) + y(cs.Value-1)) / 2
		}
		c.line(p.left, cy, p.right(), cy, colMuted, 1.2, "6 4")
	}
	// y axis: min, max and the band boundaries as the scale publishes
	// them: where a worse band begins (PHQ-9: 10) on a symptom scale, where
	// a worse band ends (WHO-5: 50 or less) on a wellbeing scale.
	ticks := []int{def.Min, def.Max}
	for i := range def.Bands[1:] {
		if higherBetter {
			ticks = append(ticks, def.Bands[i].Max)
		} else {
			ticks = append(ticks, def.Bands[i+1].Min)
		}
	}
	for _, t := range ticks {
		c.text(p.left-6, y(t)+4, strconv.Itoa(t), "end", colMuted, smallFont)
	}
	c.line(p.left, p.bottom(), p.right(), p.bottom(), colMuted, 1, "")
	b.dateTicks(c, p)
	b.therapistStarts(c, p, func(s *upshot.Session) (float64, bool) { return b.xOfDate(p, s.Date), true })

	var pts [][2]float64
	for _, r := range drawn {
		pts = append(pts, [2]float64{b.xOfDate(p, r.Date), y(r.Total)})
	}
	c.polyline(pts, colLine, 2.5)
	marks := map[int][]mark{}
	for i, r := range drawn {
		kind := markPlain
		tip := fmt.Sprintf("%s: %d (%s)", words.FormatDate(r.Date), r.Total, r.Band)
		if counts[i] > 1 {
			tip = fmt.Sprintf("%s: %d (%s), the latest of %s that week", words.FormatDate(r.Date), r.Total, r.Band, words.Plural(counts[i], "check-in"))
		}
		// Only a validated scale has reliable changes to mark; a
		// self-monitoring check's own rule of thumb is told in words (the
		// summary and the table), not drawn as if it were one.
		if ch := r.Change.Baseline; ch != nil && def.Validated {
			switch ch.Reliable {
			case instrument.Improvement:
				kind = markImproved
				tip += ", a reliable improvement on the first check-in"
			case instrument.Deterioration:
				kind = markWorse
				tip += ", a reliable deterioration on the first check-in"
			}
		}
		marks[kind] = append(marks[kind], mark{pts[i][0], pts[i][1], tip})
	}
	// Reliable changes are drawn last, over the plain points.
	for _, kind := range []int{markPlain, markWorse, markImproved} {
		c.markers(kind, marks[kind])
	}
	improved, worse := len(marks[markImproved]) > 0, len(marks[markWorse]) > 0
	flagged := b.flagMarks(c, p.bottom()+34, func(s *upshot.Session) (float64, bool) { return b.xOfDate(p, s.Date), true })

	f := Figure{ID: id, Title: title, Summary: summary, SVG: c.html()}
	f.Legend = append(f.Legend, LegendItem{"score", Swatch(colLine)})
	if improved {
		f.Legend = append(f.Legend, LegendItem{"reliably better than the first", Swatch(colImproved)})
	}
	if worse {
		f.Legend = append(f.Legend, LegendItem{"reliably worse than the first", Swatch(colWorse)})
	}
	if def.Caseness != nil {
		f.Legend = append(f.Legend, LegendItem{"dashed: where " + def.Caseness.RangeName() + " begins", ""})
	}
	// The bands, from the top of the chart down, as the y axis reads.
	for i := len(def.Bands) - 1; i >= 0; i-- {
		band := def.Bands[i]
		f.Legend = append(f.Legend, LegendItem{fmt.Sprintf("%s %d–%d", band.Label, band.Min, band.Max), Swatch(bandColour(i, len(def.Bands), higherBetter))})
	}
	if flagged {
		f.Legend = append(f.Legend, LegendItem{"▲ session with red flags", ""})
	}
	f.Table = Table{Caption: title, Head: []string{"Date", "Score", "Band", "Change from first"}}
	for i, r := range drawn {
		change := "first check-in"
		if r.Change.Baseline != nil {
			change = r.BaselineText()
		}
		date := words.FormatDate(r.Date)
		if counts[i] > 1 {
			date += " (the latest of " + words.Plural(counts[i], "check-in") + " that week)"
		}
		f.Table.Rows = append(f.Table.Rows, []Cell{
			{Text: date, Href: b.link("checkin", r.ID)},
			{Text: fmt.Sprintf("%d of %d", r.Total, def.Max)}, {Text: r.Band}, {Text: change},
		})
	}
	return f
}

// Result is the check-in result the charts plot.
type Result = checkin.Result

// flagMarks draws a red triangle at every session with a red flag, on a row
// at y; it reports whether there were any.
func (b *builder) flagMarks(c *canvas, y float64, x func(*upshot.Session) (float64, bool)) bool {
	var flagged []*upshot.Session
	for _, s := range b.sessions {
		if _, ok := x(s); ok && len(s.Flags) > 0 {
			flagged = append(flagged, s)
		}
	}
	// One mark a week, like the charts' other marks.
	var marks []mark
	for _, g := range sessionWeeks(flagged) {
		last := g[len(g)-1]
		xx, _ := x(last)
		tip := fmt.Sprintf("%s, %s: %s", words.FormatDate(last.Date), b.therapistName(last.TherapistID), words.Flags(last.Flags))
		if len(g) > 1 {
			tip = fmt.Sprintf("%s, %s: %s", weekLabel(g), b.therapistNames(g), words.Flags(groupFlags(g)))
		}
		marks = append(marks, mark{xx, y, tip})
	}
	c.markers(markFlag, marks)
	return len(marks) > 0
}

var focusColours = map[string]string{
	upshot.FocusLife: colLife, upshot.FocusRelationship: colRelation, upshot.FocusTherapist: colTherapist,
	upshot.FocusAdmin: colAdmin, upshot.FocusOther: colOther,
}

// FocusStack is the order focus parts are drawn in, in every chart and bar.
func FocusStack() []string { return slices.Clone(focusStack) }

// FocusColour is the colour of a focus category in every chart.
func FocusColour(category string) string { return focusColours[category] }

// focusStack is the order bars are stacked from the baseline up: the
// relationship and the therapist first, so their combined share reads
// directly off the axis, then life, then the rest.
var focusStack = []string{upshot.FocusRelationship, upshot.FocusTherapist, upshot.FocusLife, upshot.FocusAdmin, upshot.FocusOther}

func (b *builder) focus() *Figure {
	var ss []*upshot.Session
	for _, s := range b.sessions {
		if s.Focus != nil && s.Focus.Total() > 0 {
			ss = append(ss, s)
		}
	}
	if len(ss) == 0 {
		return nil
	}
	id := "chart-focus-split"
	p := plot{left: 46, top: 24, width: chartWidth - 46 - 12, height: 170} // room for "100%"
	h := p.top + p.height + 48
	latest := ss[len(ss)-1]
	title := "Where session time went"
	summary := fmt.Sprintf("%s with their focus recorded, from %s to %s. In the latest, %s went to my life and %s to the relationship or the therapist.",
		words.Plural(len(ss), "session"), words.FormatDate(ss[0].Date), words.FormatDate(latest.Date), words.Percent(latest.Focus.LifeShare()), words.Percent(latest.Focus.RelationshipShare()))
	weeks := sessionWeeks(ss)
	if len(weeks) < len(ss) {
		summary += fmt.Sprintf(" Drawn as one bar a week (%s), each week's sessions together, weighted by their minutes.", words.Plural(len(weeks), "week"))
	}
	c := newCanvas(id, chartWidth, h, title, summary)
	slot := p.width / float64(len(weeks))
	barW := max(1, slot*0.78)
	y := func(share float64) float64 { return p.bottom() - share*p.height }
	for _, t := range []float64{0, 0.25, 0.5, 0.75, 1} {
		c.line(p.left, y(t), p.right(), y(t), colGrid, 1, "")
		c.text(p.left-6, y(t)+4, words.Percent(t), "end", colMuted, smallFont)
	}
	index := map[int64]int{}
	shares := make([]weekFocus, len(weeks))
	var share [][2]float64
	for i, g := range weeks {
		for _, s := range g {
			index[s.ID] = i
		}
		shares[i] = focusShares(g)
		x := p.left + float64(i)*slot + (slot-barW)/2
		base := 0.0
		// One tooltip per bar, with the whole split: what hovering a
		// session should tell, at a fifth of the markup of one per part.
		var parts []string
		c.begin()
		for _, cat := range focusStack {
			v := shares[i].cats[cat]
			if v > 0 {
				c.rect(x, y(base+v), barW, y(base)-y(base+v), focusColours[cat])
				parts = append(parts, words.FocusWord(cat)+" "+words.Percent(v))
			}
			base += v
		}
		c.end(weekLabel(g) + ": " + strings.Join(parts, ", "))
		share = append(share, [2]float64{x + barW/2, y(shares[i].rel)})
	}
	c.polyline(share, colShareLine, 2)
	c.line(p.left, p.bottom(), p.right(), p.bottom(), colMuted, 1, "")
	xOf := func(s *upshot.Session) (float64, bool) {
		i, ok := index[s.ID]
		return p.left + (float64(i)+0.5)*slot, ok
	}
	b.therapistStarts(c, p, xOf)
	// Date labels under the first, middle and last bars.
	for _, i := range slices.Compact([]int{0, len(weeks) / 2, len(weeks) - 1}) {
		s := weeks[i][0]
		x, _ := xOf(s)
		anchor := "middle"
		if i == 0 && len(weeks) > 1 {
			anchor, x = "start", p.left
		} else if i == len(weeks)-1 && len(weeks) > 1 {
			anchor, x = "end", p.right()
			s = weeks[i][len(weeks[i])-1]
		}
		c.text(x, p.bottom()+17, s.Date.Time().Format("2 Jan 2006"), anchor, colMuted, smallFont)
	}
	flagged := b.flagMarks(c, p.bottom()+34, xOf)

	f := &Figure{ID: id, Title: title, Summary: summary, SVG: c.html()}
	for _, cat := range focusStack {
		f.Legend = append(f.Legend, LegendItem{words.FocusWord(cat), Swatch(focusColours[cat])})
	}
	f.Legend = append(f.Legend, LegendItem{"line: relationship + therapist", Swatch(colShareLine)})
	if flagged {
		f.Legend = append(f.Legend, LegendItem{"▲ session with red flags", ""})
	}
	f.Table = Table{Caption: title, Head: []string{"Session", "Therapist", "My life", "Relationship + therapist", "Admin + other", "Red flags"}}
	for i, g := range weeks {
		sh := shares[i]
		f.Table.Rows = append(f.Table.Rows, []Cell{
			b.weekCell(g), {Text: b.therapistNames(g)},
			{Text: words.Percent(sh.life)}, {Text: words.Percent(sh.rel)}, {Text: words.Percent(sh.rest)},
			{Text: words.Flags(groupFlags(g))},
		})
	}
	return f
}

// goalTotals sums the progress a goal was given across sessions.
type goalTotal struct {
	goal      *upshot.Goal
	progress  int
	sessions  int
	rated     int
	lastTouch upshot.Date
}

func (b *builder) goals() *Figure {
	if len(b.snap.Goals) == 0 {
		return nil
	}
	totals := make([]*goalTotal, 0, len(b.snap.Goals))
	byID := map[int64]*goalTotal{}
	for _, g := range b.snap.Goals {
		t := &goalTotal{goal: g}
		totals = append(totals, t)
		byID[g.ID] = t
	}
	for _, s := range b.allSessions {
		for _, gp := range s.Goals {
			t, ok := byID[gp.GoalID]
			if !ok {
				continue
			}
			t.sessions++
			t.lastTouch = s.Date
			if gp.Progress != nil {
				t.progress += *gp.Progress
				t.rated++
			}
		}
	}
	maxAbs := 3
	for _, t := range totals {
		maxAbs = max(maxAbs, abs(t.progress))
	}
	id := "chart-goal-progress"
	row := 46.0
	p := plot{left: 12, top: 8, width: chartWidth - 24, height: row * float64(len(totals))}
	h := p.top + p.height + 26
	title := "Progress on my goals"
	summary := fmt.Sprintf("Summed progress ratings (-3 much worse to +3 much better per session) for %s.", words.Plural(len(totals), "goal"))
	if b.partial {
		summary = fmt.Sprintf("Summed progress ratings (-3 much worse to +3 much better per session) for %s, over all sessions.", words.Plural(len(totals), "goal"))
	}
	c := newCanvas(id, chartWidth, h, title, summary)
	mid := p.left + p.width/2
	scale := (p.width/2 - 30) / float64(maxAbs) // room for the value label
	for i, t := range totals {
		top := p.top + float64(i)*row
		label := shorten(t.goal.Title, 60)
		if t.goal.Status != upshot.GoalOpen {
			label += " (" + t.goal.Status + ")"
		}
		c.text(p.left, top+14, label, "start", colInk, fontSize)
		c.rect(p.left, top+21, p.width, 16, "#f1f3f5")
		c.line(mid, top+19, mid, top+39, colMuted, 1, "")
		w := float64(abs(t.progress)) * scale
		colour, x := colImproved, mid
		if t.progress < 0 {
			colour, x = colWorse, mid-w
		}
		c.begin()
		c.rect(x, top+21, w, 16, colour)
		c.end(fmt.Sprintf("%s: %+d over %s", t.goal.Title, t.progress, words.Plural(t.sessions, "session")))
		valueX, anchor := mid+w+4, "start"
		if t.progress < 0 {
			valueX, anchor = mid-w-4, "end"
		}
		c.text(valueX, top+34, fmt.Sprintf("%+d", t.progress), anchor, colInk, smallFont)
	}
	c.text(p.left, p.bottom()+16, "worse", "start", colMuted, smallFont)
	c.text(p.right(), p.bottom()+16, "better", "end", colMuted, smallFont)

	f := &Figure{ID: id, Title: title, Summary: summary, SVG: c.html()}
	f.Legend = []LegendItem{{"better overall", Swatch(colImproved)}, {"worse overall", Swatch(colWorse)}}
	f.Table = Table{Caption: title, Head: []string{"Goal", "Status", "Sessions that addressed it", "Summed progress", "Last addressed"}}
	for _, t := range totals {
		last := "never"
		if !t.lastTouch.IsZero() {
			last = t.lastTouch.String()
		}
		f.Table.Rows = append(f.Table.Rows, []Cell{
			{Text: t.goal.Title, Href: b.link("goal", t.goal.ID)}, {Text: t.goal.Status},
			{Text: strconv.Itoa(t.sessions)}, {Text: fmt.Sprintf("%+d", t.progress)}, {Text: last},
		})
	}
	return f
}

// conductColours run from a muted red (1) through grey (3) to blue (5): a
// diverging scale that also reads for red-green colour blindness.
var conductColours = []string{"", "#c8553d", "#eba487", "#dfe3e8", "#8fbcdb", "#2f6f9f"}

func (b *builder) conduct() *Figure {
	var ss []*upshot.Session
	for _, s := range b.sessions {
		if !s.Conduct.Empty() {
			ss = append(ss, s)
		}
	}
	if len(ss) == 0 {
		return nil
	}
	id := "chart-conduct-ratings"
	row := 22.0
	p := plot{left: 100, top: 24, width: chartWidth - 100 - 12, height: row * float64(len(upshot.Qualities))}
	h := p.top + p.height + 48
	title := "The therapist's conduct, session by session"
	summary := fmt.Sprintf("Ratings from 1 (poor) to 5 (excellent) for %d qualities over %s, from %s to %s.",
		len(upshot.Qualities), words.Plural(len(ss), "session"), words.FormatDate(ss[0].Date), words.FormatDate(ss[len(ss)-1].Date))
	weeks := sessionWeeks(ss)
	if len(weeks) < len(ss) {
		summary += fmt.Sprintf(" Drawn as one column a week (%s), each the mean of that week's ratings.", words.Plural(len(weeks), "week"))
	}
	c := newCanvas(id, chartWidth, h, title, summary)
	slot := p.width / float64(len(weeks))
	index := map[int64]int{}
	for i, g := range weeks {
		for _, s := range g {
			index[s.ID] = i
		}
	}
	for qi, q := range upshot.Qualities {
		c.text(p.left-8, p.top+float64(qi)*row+row/2+4, q, "end", colInk, smallFont)
	}
	// One column and one tooltip per session (or week), naming every rating
	// in it.
	means := make([][]float64, len(weeks)) // per week, per quality; NaN when unrated
	for i, g := range weeks {
		means[i] = conductMeans(g)
		x := p.left + float64(i)*slot
		var parts []string
		c.begin()
		for qi, q := range upshot.Qualities {
			v := means[i][qi]
			if math.IsNaN(v) {
				continue
			}
			c.rect(x+0.5, p.top+float64(qi)*row+1, max(slot-1, 0.8), row-2, conductColours[int(math.Round(v))])
			parts = append(parts, q+" "+ratingText(v))
		}
		c.end(fmt.Sprintf("%s: %s (of 5)", weekLabel(g), strings.Join(parts, ", ")))
	}
	xOf := func(s *upshot.Session) (float64, bool) {
		i, ok := index[s.ID]
		return p.left + (float64(i)+0.5)*slot, ok
	}
	b.therapistStarts(c, p, xOf)
	for _, i := range slices.Compact([]int{0, len(weeks) - 1}) {
		x, anchor, d := p.left, "start", weeks[i][0].Date
		if i > 0 {
			x, anchor, d = p.right(), "end", weeks[i][len(weeks[i])-1].Date
		}
		c.text(x, p.bottom()+17, d.Time().Format("2 Jan 2006"), anchor, colMuted, smallFont)
	}
	flagged := b.flagMarks(c, p.bottom()+34, xOf)

	f := &Figure{ID: id, Title: title, Summary: summary, SVG: c.html()}
	for v := 1; v <= 5; v++ {
		f.Legend = append(f.Legend, LegendItem{strconv.Itoa(v), Swatch(conductColours[v])})
	}
	if flagged {
		f.Legend = append(f.Legend, LegendItem{"▲ session with red flags", ""})
	}
	head := append([]string{"Session"}, upshot.Qualities...)
	f.Table = Table{Caption: title, Head: head}
	for i, g := range weeks {
		cells := []Cell{b.weekCell(g)}
		for qi := range upshot.Qualities {
			t := "–"
			if v := means[i][qi]; !math.IsNaN(v) {
				t = ratingText(v)
			}
			cells = append(cells, Cell{Text: t})
		}
		f.Table.Rows = append(f.Table.Rows, cells)
	}
	return f
}

// conductMeans is the mean rating of each quality over a group's sessions
// (NaN for a quality none of them rated).
func conductMeans(g []*upshot.Session) []float64 {
	out := make([]float64, len(upshot.Qualities))
	for qi, q := range upshot.Qualities {
		sum, n := 0, 0
		for _, s := range g {
			if v := s.Conduct.Get(q); v != nil {
				sum += *v
				n++
			}
		}
		out[qi] = math.NaN()
		if n > 0 {
			out[qi] = float64(sum) / float64(n)
		}
	}
	return out
}

// ratingText writes a rating: a whole number as it is, a week's mean to one
// decimal.
func ratingText(v float64) string {
	if v == math.Trunc(v) {
		return strconv.Itoa(int(v))
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// shorten cuts a label to n characters with an ellipsis.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

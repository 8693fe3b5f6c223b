package cli

import (
	"bufio"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/review"
)

// The terminal form of a review. It lives with the CLI, its one reader; the
// review itself (internal/review) only finds and words, and the web and the
// report draw their own forms from the same Review.

// Headings of the severity groups in the terminal form.
var severityHeadings = map[review.Severity]string{
	"":               "From a therapy that has ended",
	review.Urgent:    "Urgent",
	review.Concern:   "Concerns",
	review.Attention: "Worth your attention",
	review.Info:      "For your information",
}

var sparks = []rune("▁▂▃▄▅▆▇█")

// Characters of the focus bar: life, relationship+therapist, the rest.
const (
	barLife = '█'
	barRel  = '░'
	barRest = '·'
)

// writeReviewText renders the review for a terminal, readable at a glance: the
// safety notice first, the verdict, findings by severity, small charts, what
// is going well and the agenda. width is the terminal width (80 when unknown
// or unreasonable). No colour: the text must survive a pipe and a screen
// reader.
func writeReviewText(w io.Writer, r *review.Review, width int) error {
	if width < 40 || width > 200 {
		width = 80
	}
	b := bufio.NewWriter(w)
	p := &printer{b: b, width: width}
	names := map[int64]string{}
	for _, t := range r.Scope.Therapists {
		names[t.ID] = t.Name
	}

	if s := r.Safety; s != nil {
		p.rule("Support")
		for _, line := range strings.Split(s.Text, "\n") {
			p.para(line, 0)
		}
		p.rule("")
		p.blank()
	}

	p.para(r.Verdict, 0)
	p.blank()

	// By severity, then what is about a therapy that has ended: the present
	// first, history after.
	for _, sev := range append(slices.Clone(review.Severities), "") {
		var fs []review.Finding
		for _, f := range r.Findings {
			// The notice above already says what the safety finding says.
			if f.Code != review.CodeSafety && f.Past == (sev == "") && (f.Past || f.Severity == sev) {
				fs = append(fs, f)
			}
		}
		if len(fs) == 0 {
			continue
		}
		p.heading(severityHeadings[sev])
		for _, f := range fs {
			p.item("• ", f.Title, 2)
			p.para(f.Detail, 4)
		}
		p.blank()
	}

	p.measures(r)
	p.focus(r, names)

	if len(r.GoingWell) > 0 {
		p.heading("What is going well")
		for _, s := range r.GoingWell {
			p.item("• ", s, 2)
		}
		p.blank()
	}
	if len(r.Agenda) > 0 {
		p.heading("What to bring to your next session")
		for i, s := range r.Agenda {
			p.item(strconv.Itoa(i+1)+". ", s, 2)
		}
		p.blank()
	}
	return b.Flush()
}

type printer struct {
	b     *bufio.Writer
	width int
}

func (p *printer) line(s string) {
	p.b.WriteString(strings.TrimRight(s, " "))
	p.b.WriteByte('\n')
}

func (p *printer) blank() { p.b.WriteByte('\n') }

func (p *printer) heading(s string) {
	p.line(s)
	p.line(strings.Repeat("─", min(utf8.RuneCountInString(s), p.width)))
}

func (p *printer) rule(title string) {
	if title == "" {
		p.line(strings.Repeat("─", p.width))
		return
	}
	head := "── " + title + " "
	p.line(head + strings.Repeat("─", max(0, p.width-utf8.RuneCountInString(head))))
}

// para word-wraps text at the width, every line indented.
func (p *printer) para(text string, indent int) {
	p.wrap(strings.Repeat(" ", indent), strings.Repeat(" ", indent), text)
}

// item writes a bullet or number with the text wrapped under itself.
func (p *printer) item(mark, text string, indent int) {
	first := strings.Repeat(" ", indent) + mark
	p.wrap(first, strings.Repeat(" ", utf8.RuneCountInString(first)), text)
}

func (p *printer) wrap(first, rest, text string) {
	prefix := first
	var cur strings.Builder
	n := 0
	flush := func() {
		p.line(prefix + cur.String())
		prefix, n = rest, 0
		cur.Reset()
	}
	for _, word := range strings.Fields(text) {
		wl := utf8.RuneCountInString(word)
		if n > 0 && utf8.RuneCountInString(prefix)+n+1+wl > p.width {
			flush()
		}
		if n > 0 {
			cur.WriteByte(' ')
			n++
		}
		cur.WriteString(word)
		n += wl
	}
	if n > 0 || prefix == first {
		flush()
	}
}

// sparkline draws totals on the instrument's own scale, not the series' range,
// so a flat line means a flat score and a small wiggle stays small.
func sparkline(pts []review.Point, lo, hi int) string {
	var b strings.Builder
	for _, pt := range pts {
		level := 0
		if hi > lo {
			level = int(math.Round(float64(pt.Total-lo) / float64(hi-lo) * float64(len(sparks)-1)))
		}
		level = min(max(level, 0), len(sparks)-1)
		b.WriteRune(sparks[level])
	}
	return b.String()
}

func (p *printer) measures(r *review.Review) {
	var ms []review.Measure
	for _, m := range r.Measures {
		if len(m.Series) > 0 {
			ms = append(ms, m)
		}
	}
	if len(ms) == 0 {
		return
	}
	p.heading("Scores over time")
	labelW := 0
	for _, m := range ms {
		labelW = max(labelW, utf8.RuneCountInString(m.ShortName))
	}
	room := max(8, p.width-labelW-34)
	for _, m := range ms {
		pts := m.Series
		shown := ""
		if len(pts) > room {
			shown = " (last " + strconv.Itoa(room) + " of " + strconv.Itoa(len(pts)) + ")"
			pts = pts[len(pts)-room:]
		}
		nums := strconv.Itoa(m.Baseline.Total) + " → " + strconv.Itoa(m.Latest.Total)
		var notes []string
		if short, _ := instrument.ChangeWords(m.Reliable, m.Validated, m.ReliableChangeSize); short != "" {
			notes = append(notes, short)
		}
		if m.Latest.Band != "" {
			notes = append(notes, m.Latest.Band)
		}
		if m.ReliableRecovery != nil && *m.ReliableRecovery {
			notes = append(notes, "reliable recovery")
		} else if m.Recovery != nil && *m.Recovery {
			notes = append(notes, "recovery")
		}
		if len(notes) > 0 {
			nums += " (" + strings.Join(notes, ", ") + ")"
		}
		p.line("  " + padRight(m.ShortName, labelW) + "  " + sparkline(pts, m.Min, m.Max) + "  " + nums + shown)
	}
	p.blank()
}

// bar draws a focus split: life from the left, relationship+therapist from
// the right, the rest between.
func bar(life, rel float64, width int) string {
	l := int(math.Round(life * float64(width)))
	rl := int(math.Round(rel * float64(width)))
	l, rl = min(max(l, 0), width), min(max(rl, 0), width)
	if l+rl > width {
		rl = width - l
	}
	return strings.Repeat(string(barLife), l) + strings.Repeat(string(barRest), width-l-rl) + strings.Repeat(string(barRel), rl)
}

func (p *printer) focus(r *review.Review, names map[int64]string) {
	if len(r.Focus.Therapists) == 0 {
		return
	}
	p.heading("Where session time went")
	p.para(string(barLife)+" your life   "+string(barRel)+" relationship and therapist   "+string(barRest)+" other", 2)
	nameW := 0
	for _, w := range r.Focus.Therapists {
		nameW = max(nameW, utf8.RuneCountInString(names[w.TherapistID]))
	}
	type row struct{ label, text string }
	var rows [][2]row
	textW := 0
	for _, w := range r.Focus.Therapists {
		first := row{"first " + strconv.Itoa(len(w.FirstSessions)), percentOf(w.FirstLife) + " life, " + percentOf(w.FirstRelationship) + " relationship"}
		recent := row{"last " + strconv.Itoa(len(w.RecentSessions)), percentOf(w.RecentLife) + " life, " + percentOf(w.RecentRelationship) + " relationship"}
		rows = append(rows, [2]row{first, recent})
		textW = max(textW, utf8.RuneCountInString(first.text), utf8.RuneCountInString(recent.text))
	}
	labelW := 8
	prefix := 2 + nameW + 2 + labelW + 1
	barW := min(30, p.width-prefix-2-textW)
	// On a narrow screen the numbers go under the bar rather than off the edge.
	below := barW < 10
	if below {
		barW = max(10, min(30, p.width-prefix))
	}
	for i, w := range r.Focus.Therapists {
		for j, rw := range rows[i] {
			name := ""
			if j == 0 {
				name = names[w.TherapistID]
			}
			life, rel := w.FirstLife, w.FirstRelationship
			if j == 1 {
				life, rel = w.RecentLife, w.RecentRelationship
			}
			head := "  " + padRight(name, nameW) + "  " + padRight(rw.label, labelW) + " " + bar(life, rel, barW)
			if below {
				p.line(head)
				p.line(strings.Repeat(" ", prefix) + rw.text)
			} else {
				p.line(head + "  " + rw.text)
			}
		}
	}
	p.blank()
}

func padRight(s string, n int) string {
	return s + strings.Repeat(" ", max(0, n-utf8.RuneCountInString(s)))
}

// percentOf writes a share (0-1) as a percentage with at most one decimal,
// as the review's sentences do.
func percentOf(share float64) string {
	x := share * 100
	return strconv.FormatFloat(math.Round(x*10)/10, 'f', -1, 64) + "%"
}

package chart

import (
	"fmt"
	"strings"

	"github.com/upshot-app/upshot/internal/report/words"
)

// CourseFocus is one therapist's course for the comparison chart: where
// the time of its sessions went, over the whole course and, when it had
// more sessions than that, in its first and its recent ones.
type CourseFocus struct {
	Name string
	Bars []FocusBar
}

// FocusBar is one stretch of a course: shares (0-1) of its time on the
// person's life and on the relationship and the therapist; the rest went to
// admin and other things.
type FocusBar struct {
	Label              string // "all 30 sessions", "first 4", "last 4"
	Life, Relationship float64
	Href               string // the sessions or finding it rests on
}

// CompareFocus draws the comparison of therapists' courses: one group of
// horizontal bars per course, each bar split into the relationship and the
// therapist, the person's life, and the rest, in the focus chart's colours
// and order. Nil when no course recorded its focus.
func CompareFocus(courses []CourseFocus) *Figure {
	n, bars := 0, 0
	for _, c := range courses {
		if len(c.Bars) > 0 {
			n++
			bars += len(c.Bars)
		}
	}
	if n == 0 {
		return nil
	}
	id := "chart-compare-focus"
	const left, right, barH, gap, head = 112.0, 12.0, 22.0, 6.0, 24.0
	width := chartWidth - left - right
	h := float64(n)*(head+8) + float64(bars)*(barH+gap) + 28
	title := "Where the time went, therapist by therapist"
	var said []string
	for _, c := range courses {
		if len(c.Bars) > 0 {
			b := c.Bars[0]
			said = append(said, fmt.Sprintf("with %s, %s of the time on my life and %s on the relationship or the therapist", c.Name, words.Percent(b.Life), words.Percent(b.Relationship)))
		}
	}
	summary := "Over each course, " + strings.Join(said, "; ") + ". The first and recent sessions of each are drawn below its whole course."
	cv := newCanvas(id, chartWidth, h, title, summary)
	x := func(share float64) float64 { return left + share*width }
	y := 4.0
	for _, t := range []float64{0, 0.5, 1} {
		cv.line(x(t), y, x(t), h-24, colGrid, 1, "")
		anchor := "middle"
		if t == 1 {
			anchor = "end"
		}
		cv.text(x(t), h-8, words.Percent(t), anchor, colMuted, smallFont)
	}
	f := &Figure{ID: id, Title: title, Summary: summary, SVG: ""}
	f.Table = Table{Caption: title, Head: []string{"Therapist", "Sessions", "My life", "Relationship + therapist", "Admin + other"}}
	for _, c := range courses {
		if len(c.Bars) == 0 {
			continue
		}
		y += head
		cv.text(4, y-6, shorten(c.Name, 46), "start", colInk, fontSize)
		for _, b := range c.Bars {
			rest := max(0, 1-b.Life-b.Relationship)
			cv.text(left-6, y+barH/2+5, b.Label, "end", colMuted, smallFont)
			cv.begin()
			at := 0.0
			for _, part := range []struct {
				share  float64
				colour string
			}{{b.Relationship, colRelation}, {b.Life, colLife}, {rest, colAdmin}} {
				cv.rect(x(at), y, part.share*width, barH, part.colour)
				at += part.share
			}
			cv.end(fmt.Sprintf("%s, %s: my life %s, the relationship and the therapist %s, admin and other %s",
				c.Name, b.Label, words.Percent(b.Life), words.Percent(b.Relationship), words.Percent(rest)))
			y += barH + gap
			f.Table.Rows = append(f.Table.Rows, []Cell{{Text: c.Name}, {Text: b.Label, Href: b.Href},
				{Text: words.Percent(b.Life)}, {Text: words.Percent(b.Relationship)}, {Text: words.Percent(rest)}})
		}
		y += 8
	}
	f.SVG = cv.html()
	f.Legend = []LegendItem{
		{"the relationship and the therapist", Swatch(colRelation)},
		{"my life", Swatch(colLife)},
		{"admin and other", Swatch(colAdmin)},
	}
	return f
}

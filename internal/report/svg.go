package report

import (
	"fmt"
	"html"
	"html/template"
	"strconv"
	"strings"
)

// canvas writes one SVG chart. Charts are drawn by hand rather than with a
// library: a handful of rectangles, lines and labels is all they need, and
// hand-written SVG has no script, no external reference and prints crisply.
//
// Everything is styled with presentation attributes, never style="...": the
// web app's Content-Security-Policy forbids inline styles, and the same SVG
// must render the same there and in the standalone report file.
type canvas struct {
	b    strings.Builder
	w, h float64
}

// The size of the drawing in user units. Charts scale to the width of their
// container, so these set proportions and the relative size of text.
const (
	chartWidth = 440
	fontSize   = 15
	smallFont  = 14
)

// Colours. Text colours pass WCAG AA (4.5:1) on white; marks pass the 3:1
// rule for graphics.
const (
	colInk       = "#1d2733"
	colMuted     = "#505c69"
	colGrid      = "#d5dbe1"
	colLine      = "#1f4e79"
	colImproved  = "#1e7b4f"
	colWorse     = "#b3261e"
	colFlag      = "#b3261e"
	colLife      = "#2a7f62"
	colRelation  = "#c2571a"
	colTherapist = "#7b4ea3"
	colAdmin     = "#7d8792"
	colOther     = "#b9c1ca"
	colShareLine = "#6e2f0b"
)

// newCanvas starts an accessible SVG: role="img" with a title and a
// description that screen readers announce; the table beside each chart
// carries the numbers.
func newCanvas(id string, w, h float64, title, desc string) *canvas {
	c := &canvas{w: w, h: h}
	fmt.Fprintf(&c.b, `<svg class="chart" viewBox="0 0 %s %s" role="img" aria-labelledby="%s-t %s-d" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="%d">`,
		num(w), num(h), esc(id), esc(id), fontSize)
	fmt.Fprintf(&c.b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, esc(id), esc(title), esc(id), esc(desc))
	return c
}

func (c *canvas) html() template.HTML {
	c.b.WriteString(`</svg>`)
	// Every text and attribute value went through esc, so the markup is safe.
	return template.HTML(c.b.String())
}

func (c *canvas) raw(s string) { c.b.WriteString(s) }

func (c *canvas) rect(x, y, w, h float64, fill string, extra string) {
	if w <= 0 || h <= 0 {
		return
	}
	fmt.Fprintf(&c.b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"%s/>`, num(x), num(y), num(w), num(h), fill, extra)
}

func (c *canvas) line(x1, y1, x2, y2 float64, stroke string, width float64, dash string) {
	d := ""
	if dash != "" {
		d = ` stroke-dasharray="` + dash + `"`
	}
	fmt.Fprintf(&c.b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="%s"%s/>`,
		num(x1), num(y1), num(x2), num(y2), stroke, num(width), d)
}

// text writes a label; anchor is start, middle or end.
func (c *canvas) text(x, y float64, s, anchor, fill string, size int) {
	fmt.Fprintf(&c.b, `<text x="%s" y="%s" text-anchor="%s" fill="%s" font-size="%d">%s</text>`,
		num(x), num(y), anchor, fill, size, esc(s))
}

// haloText is text with a ring of the page colour round its letters, for
// labels drawn over lines and points.
func (c *canvas) haloText(x, y float64, s, anchor, fill string, size int) {
	fmt.Fprintf(&c.b, `<text x="%s" y="%s" text-anchor="%s" fill="%s" font-size="%d" stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke">%s</text>`,
		num(x), num(y), anchor, fill, size, esc(s))
}

func (c *canvas) polyline(pts [][2]float64, stroke string, width float64) {
	if len(pts) < 2 {
		return
	}
	var p strings.Builder
	for i, pt := range pts {
		if i > 0 {
			p.WriteByte(' ')
		}
		p.WriteString(num(pt[0]) + "," + num(pt[1]))
	}
	fmt.Fprintf(&c.b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="%s" stroke-linejoin="round" stroke-linecap="round"/>`,
		p.String(), stroke, num(width))
}

// Point markers. Each carries a <title> so that hovering gives the exact
// value; the table beside the chart gives the same to everyone.
const (
	markPlain = iota
	markImproved
	markWorse
	markFlag
)

// mark is one point marker and its tooltip.
type mark struct {
	x, y float64
	tip  string
}

// markers draws the marks of one kind in one group that carries their
// shared look, so a year of weekly points does not repeat it for each.
func (c *canvas) markers(kind int, ms []mark) {
	if len(ms) == 0 {
		return
	}
	switch kind {
	case markImproved:
		fmt.Fprintf(&c.b, `<g fill="%s" stroke="#ffffff" stroke-width="1.5">`, colImproved)
	case markWorse:
		fmt.Fprintf(&c.b, `<g fill="%s" stroke="#ffffff" stroke-width="1.5">`, colWorse)
	case markFlag:
		fmt.Fprintf(&c.b, `<g fill="%s">`, colFlag)
	default:
		fmt.Fprintf(&c.b, `<g fill="#ffffff" stroke="%s" stroke-width="2">`, colLine)
	}
	for _, m := range ms {
		x, y := num(m.x), num(m.y)
		switch kind {
		case markImproved:
			fmt.Fprintf(&c.b, `<circle cx="%s" cy="%s" r="6"><title>%s</title></circle>`, x, y, esc(m.tip))
		case markWorse:
			fmt.Fprintf(&c.b, `<path d="M%s %sl6 6l-6 6l-6 -6z"><title>%s</title></path>`, x, num(m.y-6), esc(m.tip))
		case markFlag:
			fmt.Fprintf(&c.b, `<path d="M%s %sl5 8h-10z"><title>%s</title></path>`, x, num(m.y-4), esc(m.tip))
		default:
			fmt.Fprintf(&c.b, `<circle cx="%s" cy="%s" r="4"><title>%s</title></circle>`, x, y, esc(m.tip))
		}
	}
	c.b.WriteString(`</g>`)
}

// num writes a coordinate with at most one decimal: enough for a screen,
// and it keeps the markup short and stable for golden comparisons.
func num(f float64) string {
	return strconv.FormatFloat(float64(int64(f*10+sign(f)*0.5))/10, 'f', -1, 64)
}

func sign(f float64) float64 {
	if f < 0 {
		return -1
	}
	return 1
}

func esc(s string) string { return html.EscapeString(s) }

// Swatch is a small legend key drawn as an inline SVG square, because a
// coloured HTML box would need an inline style.
func Swatch(color string) template.HTML {
	return template.HTML(fmt.Sprintf(`<svg class="swatch" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true"><rect width="12" height="12" rx="2" fill="%s"/></svg>`, esc(color)))
}

// mix blends two #rrggbb colours; t=0 gives a, t=1 gives b.
func mix(a, b string, t float64) string {
	pa, pb := parseHex(a), parseHex(b)
	var out [3]int
	for i := range out {
		out[i] = int(float64(pa[i])*(1-t) + float64(pb[i])*t + 0.5)
	}
	return fmt.Sprintf("#%02x%02x%02x", out[0], out[1], out[2])
}

func parseHex(s string) [3]int {
	var v [3]int
	for i := range v {
		n, _ := strconv.ParseUint(s[1+2*i:3+2*i], 16, 8)
		v[i] = int(n)
	}
	return v
}

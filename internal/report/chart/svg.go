package chart

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"sync"
)

// canvas collects the shapes of one SVG chart, and svgTemplate draws them:
// every label and value reaches the markup through html/template, escaped by
// construction, never through fmt and a cast to template.HTML. Charts are
// drawn by hand rather than with a library: a handful of rectangles, lines
// and labels is all they need, and hand-written SVG has no script, no
// external reference and prints crisply.
//
// Everything is styled with presentation attributes, never style="...": the
// web app's Content-Security-Policy forbids inline styles, and the same SVG
// must render the same there and in the standalone report file.
type canvas struct {
	ID, Title, Desc string
	W, H            string
	Shapes          []shape
	// open holds the groups begun and not yet ended; shapes go into the
	// innermost.
	open []*shape
	w    float64 // the width, for labels that must not run off its edges
}

// shape is one element of a chart. Numbers are kept as text, written once
// by num so that the markup is short and stable.
type shape struct {
	Kind                 string // rect, line, text, polyline, marks or group
	X, Y, W, H, X2, Y2   string
	Fill, Stroke, Width  string
	Dash, Anchor, Points string
	Size                 int
	Text                 string // a label, or the tooltip of a group
	Mark                 int    // the kind of marks
	Marks                []markAt
	Children             []shape
}

// markAt is one point marker, placed, with its tooltip.
type markAt struct{ X, Y, Top, Tip string }

// The size of the drawing in user units. Charts scale to the width of their
// container, so these set proportions and the relative size of text: about
// the page's text from a phone's 360 px to a grid cell of 480 on a wide
// screen (pages put charts two to a row there rather than scale them up).
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
	return &canvas{ID: id, Title: title, Desc: desc, W: num(w), H: num(h), w: w}
}

// svgTemplate draws a canvas. The font size of the whole chart is fontSize.
// Parsed on first use, like the report's templates.
var svgTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("svg").Parse(
		`<svg class="chart" viewBox="0 0 {{.W}} {{.H}}" role="img" aria-labelledby="{{.ID}}-t {{.ID}}-d" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="15">` +
			`<title id="{{.ID}}-t">{{.Title}}</title><desc id="{{.ID}}-d">{{.Desc}}</desc>{{template "shapes" .Shapes}}</svg>` +
			`{{define "shapes"}}{{range .}}{{template "shape" .}}{{end}}{{end}}` +
			`{{define "shape"}}` +
			`{{if eq .Kind "rect"}}<rect x="{{.X}}" y="{{.Y}}" width="{{.W}}" height="{{.H}}" fill="{{.Fill}}"/>` +
			`{{else if eq .Kind "line"}}<line x1="{{.X}}" y1="{{.Y}}" x2="{{.X2}}" y2="{{.Y2}}" stroke="{{.Stroke}}" stroke-width="{{.Width}}"{{with .Dash}} stroke-dasharray="{{.}}"{{end}}/>` +
			`{{else if eq .Kind "text"}}<text x="{{.X}}" y="{{.Y}}" text-anchor="{{.Anchor}}" fill="{{.Fill}}" font-size="{{.Size}}">{{.Text}}</text>` +
			`{{else if eq .Kind "polyline"}}<polyline points="{{.Points}}" fill="none" stroke="{{.Stroke}}" stroke-width="{{.Width}}" stroke-linejoin="round" stroke-linecap="round"/>` +
			`{{else if eq .Kind "group"}}<g>{{template "shapes" .Children}}<title>{{.Text}}</title></g>` +
			`{{else if eq .Kind "marks"}}{{template "marks" .}}{{end}}` +
			`{{end}}` +
			`{{define "marks"}}` +
			`{{if eq .Mark 1}}<g fill="` + colImproved + `" stroke="#ffffff" stroke-width="1.5">{{range .Marks}}<circle cx="{{.X}}" cy="{{.Y}}" r="6"><title>{{.Tip}}</title></circle>{{end}}</g>` +
			`{{else if eq .Mark 2}}<g fill="` + colWorse + `" stroke="#ffffff" stroke-width="1.5">{{range .Marks}}<path d="M{{.X}} {{.Top}}l6 6l-6 6l-6 -6z"><title>{{.Tip}}</title></path>{{end}}</g>` +
			`{{else if eq .Mark 3}}<g fill="` + colFlag + `">{{range .Marks}}<path d="M{{.X}} {{.Top}}l5 8h-10z"><title>{{.Tip}}</title></path>{{end}}</g>` +
			`{{else}}<g fill="#ffffff" stroke="` + colLine + `" stroke-width="2">{{range .Marks}}<circle cx="{{.X}}" cy="{{.Y}}" r="4"><title>{{.Tip}}</title></circle>{{end}}</g>{{end}}` +
			`{{end}}`))
})

// html draws the chart.
func (c *canvas) html() template.HTML {
	var b strings.Builder
	if err := svgTemplate().Execute(&b, c); err != nil {
		// The template is fixed and its data plain values: an error is a
		// bug in svgTemplate, which the report's tests draw every shape of.
		panic("report: drawing a chart: " + err.Error())
	}
	return template.HTML(b.String())
}

// add puts a shape into the innermost open group, or the chart.
func (c *canvas) add(s shape) {
	if n := len(c.open); n > 0 {
		c.open[n-1].Children = append(c.open[n-1].Children, s)
		return
	}
	c.Shapes = append(c.Shapes, s)
}

// begin opens a group of shapes that share one tooltip; end closes it with
// the tooltip.
func (c *canvas) begin() { c.open = append(c.open, &shape{Kind: "group"}) }

func (c *canvas) end(tip string) {
	n := len(c.open)
	g := c.open[n-1]
	c.open = c.open[:n-1]
	g.Text = tip
	c.add(*g)
}

func (c *canvas) rect(x, y, w, h float64, fill string) {
	if w <= 0 || h <= 0 {
		return
	}
	c.add(shape{Kind: "rect", X: num(x), Y: num(y), W: num(w), H: num(h), Fill: fill})
}

func (c *canvas) line(x1, y1, x2, y2 float64, stroke string, width float64, dash string) {
	c.add(shape{Kind: "line", X: num(x1), Y: num(y1), X2: num(x2), Y2: num(y2), Stroke: stroke, Width: num(width), Dash: dash})
}

// text writes a label; anchor is start, middle or end.
func (c *canvas) text(x, y float64, s, anchor, fill string, size int) {
	c.add(shape{Kind: "text", X: num(x), Y: num(y), Text: s, Anchor: anchor, Fill: fill, Size: size})
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
	c.add(shape{Kind: "polyline", Points: p.String(), Stroke: stroke, Width: num(width)})
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
	at := make([]markAt, len(ms))
	for i, m := range ms {
		top := m.y - 6
		if kind == markFlag {
			top = m.y - 4
		}
		at[i] = markAt{X: num(m.x), Y: num(m.y), Top: num(top), Tip: m.tip}
	}
	c.add(shape{Kind: "marks", Mark: kind, Marks: at})
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

var swatchTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("swatch").Parse(
		`<svg class="swatch" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true"><rect width="12" height="12" rx="2" fill="{{.}}"/></svg>`))
})

// Swatch is a small legend key drawn as an inline SVG square, because a
// coloured HTML box would need an inline style.
func Swatch(color string) template.HTML {
	var b strings.Builder
	if err := swatchTemplate().Execute(&b, color); err != nil {
		panic("report: drawing a swatch: " + err.Error()) // a bug in swatchTemplate
	}
	return template.HTML(b.String())
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

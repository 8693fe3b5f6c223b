package chart

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

// A chart is drawn through html/template: whatever text goes into any of its
// places (an id, the title and description, a label, a tooltip) comes out as
// that text, never as markup. The drawing is read back as XML: it must be
// well formed, every kind of shape must be there, and each text must read
// back exactly as given.
func TestChartTextIsEscapedByConstruction(t *testing.T) {
	hostile := func(where string) string {
		return where + ` </title><script>alert("x")</script> & 'quote' <g onload="x"> +3`
	}
	c := newCanvas("chart-1", 440, 200, hostile("title"), hostile("desc"))
	c.rect(1, 2, 3, 4, colLine)
	c.line(0, 0, 10, 10, colMuted, 1, "4 3")
	c.text(5, 5, hostile("text"), "middle", colInk, fontSize)
	c.polyline([][2]float64{{0, 0}, {1.25, 2.5}}, colLine, 2)
	c.begin()
	c.rect(1, 1, 1, 1, colLife)
	c.end(hostile("group"))
	for kind := markPlain; kind <= markFlag; kind++ {
		c.markers(kind, []mark{{x: 10, y: 20, tip: hostile("mark")}})
	}
	out := string(c.html())

	if strings.Contains(out, "<script") || strings.Contains(out, `onload="`) {
		t.Fatalf("text became markup:\n%s", out)
	}
	var texts []string
	tags := map[string]int{}
	d := xml.NewDecoder(strings.NewReader(out))
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the chart is not well formed: %v\n%s", err, out)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			tags[tok.Name.Local]++
		case xml.CharData:
			if s := string(tok); strings.TrimSpace(s) != "" {
				texts = append(texts, s)
			}
		}
	}
	for _, where := range []string{"title", "desc", "text", "group", "mark"} {
		want := hostile(where)
		n := 0
		for _, s := range texts {
			if s == want {
				n++
			}
		}
		if where == "mark" && n != 4 || where != "mark" && n != 1 {
			t.Errorf("%s text read back %d times as given; texts: %q", where, n, texts)
		}
	}
	for tag, want := range map[string]int{"svg": 1, "rect": 2, "line": 1, "text": 1, "polyline": 1, "g": 5, "circle": 2, "path": 2} {
		if tags[tag] != want {
			t.Errorf("%d <%s>, want %d: %v", tags[tag], tag, want, tags)
		}
	}
	if sw := string(Swatch(`#fff" onload="x`)); strings.Contains(sw, `" onload="x`) {
		t.Errorf("a swatch's colour became an attribute: %s", sw)
	}
}

package chart

import (
	"strings"
	"testing"
)

// The comparison chart draws a bar per stretch of each course, split into
// the relationship and the therapist, life and the rest, with the same
// numbers in its table; a course without focus is left out, and with none
// there is no chart.
func TestCompareFocus(t *testing.T) {
	if f := CompareFocus([]CourseFocus{{Name: "Dr A"}}); f != nil {
		t.Errorf("no focus recorded, a chart: %+v", f)
	}
	f := CompareFocus([]CourseFocus{
		{Name: "Dr A", Bars: []FocusBar{{Label: "all 8", Life: 0.5, Relationship: 0.4, Href: "/sessions?therapist=1"}, {Label: "first 4", Life: 0.8, Relationship: 0.1}, {Label: "last 4", Life: 0.2, Relationship: 0.7}}},
		{Name: "Dr B"},
		{Name: "Dr C", Bars: []FocusBar{{Label: "all 2", Life: 1}}},
	})
	if f == nil {
		t.Fatal("no chart")
	}
	svg := string(f.SVG)
	if n := strings.Count(svg, "<g><rect"); n != 4 {
		t.Errorf("%d bars drawn, want 4", n)
	}
	for _, want := range []string{"Dr A, last 4: my life 20%, the relationship and the therapist 70%, admin and other 10%", "Dr C, all 2: my life 100%", `fill="` + colRelation + `"`} {
		if !strings.Contains(svg, want) {
			t.Errorf("the chart does not hold %q", want)
		}
	}
	if strings.Contains(svg, "Dr B") || len(f.Table.Rows) != 4 || f.Table.Rows[0][1].Href != "/sessions?therapist=1" || f.Table.Rows[2][3].Text != "70%" {
		t.Errorf("table: %+v", f.Table.Rows)
	}
	if !strings.Contains(f.Summary, "with Dr A, 50% of the time on my life and 40% on the relationship or the therapist") {
		t.Errorf("summary: %s", f.Summary)
	}
}

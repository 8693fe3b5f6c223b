package chart

import (
	"strings"
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/demo"
	"github.com/upshot-app/upshot/internal/instrument"
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

func TestBuildEmpty(t *testing.T) {
	snap := &upshot.Snapshot{Format: upshot.ExportFormat, Version: upshot.ExportVersion, Settings: upshot.Settings{}}
	c, err := Build(snap, instrument.Builtin(), nil)
	if err != nil || !c.Empty() {
		t.Fatalf("Build of nothing: %+v %v", c, err)
	}
}

func TestMeasureChartMarksReliableChange(t *testing.T) {
	reg := instrument.Builtin()
	snap := demoSnapshot(t, reg)
	c, err := Build(snap, reg, AnchorLinks)
	if err != nil {
		t.Fatal(err)
	}
	phq := c.Measures[0]
	if phq.ID != "chart-phq9" {
		t.Fatalf("first chart %s", phq.ID)
	}
	svg := string(phq.SVG)
	// The demo deteriorates reliably with the first therapist and improves
	// with the second: both markers. The band names are in the legend,
	// never written over the scores (issue 16 item 5).
	for _, want := range []string{colImproved, colWorse, "a reliable improvement on the first check-in"} {
		if !strings.Contains(svg, want) {
			t.Errorf("PHQ-9 chart lacks %q", want)
		}
	}
	for _, band := range []string{">severe<", ">minimal<", ">mild<"} {
		if strings.Contains(svg, band) {
			t.Errorf("PHQ-9 chart writes the band name %q on the plot", band)
		}
	}
	var legend []string
	for _, l := range phq.Legend {
		legend = append(legend, l.Label)
	}
	if got := strings.Join(legend, "; "); !strings.Contains(got, "severe 20–27; moderately severe 15–19; moderate 10–14; mild 5–9; minimal 0–4") {
		t.Errorf("PHQ-9 legend %q lacks the bands, top down", got)
	}
	if len(phq.Table.Rows) == 0 || phq.Table.Rows[0][0].Href == "" {
		t.Errorf("PHQ-9 table rows do not link to the check-ins")
	}
	if !strings.Contains(string(c.Focus.SVG), colFlag) {
		t.Errorf("focus chart does not mark red-flag sessions")
	}

	// The focus check is self-monitoring: the demo's rising focus is told in
	// its own words, never marked or named as a reliable change.
	var focus *Figure
	for i := range c.Measures {
		if c.Measures[i].ID == "chart-focus" {
			focus = &c.Measures[i]
		}
	}
	if focus == nil {
		t.Fatal("no focus check chart for the demo")
	}
	text := string(focus.SVG) + focus.Summary
	for _, row := range focus.Table.Rows {
		for _, cell := range row {
			text += " " + cell.Text
		}
	}
	for _, l := range focus.Legend {
		text += " " + l.Label
	}
	// The marks' shapes: a larger circle (better), a diamond (worse); the
	// worse colour is also the red-flag colour, so shapes are what tell.
	if strings.Contains(text, colImproved) || strings.Contains(text, `r="6"`) || strings.Contains(text, "l6 6l-6 -6z") ||
		strings.Contains(strings.ToLower(text), "reliabl") {
		t.Errorf("focus chart claims a reliable change:\n%s", text)
	}
	if !strings.Contains(text, "own rule of thumb") {
		t.Errorf("focus chart does not word its changes by the check's own rule:\n%s", text)
	}
}

// A chart's axis marks a scale's cut-offs as they are published: where a
// worse band begins on PHQ-9 (10), where a worse band ends on WHO-5 (50 or
// less, 28 or less).
func TestMeasureChartMarksPublishedCutOffs(t *testing.T) {
	reg := instrument.Builtin()
	c, err := Build(demoSnapshot(t, reg), reg, AnchorLinks)
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct{ want, not []string }{
		"chart-phq9": {want: []string{">5<", ">10<", ">15<", ">20<"}, not: []string{">4<", ">9<"}},
		"chart-who5": {want: []string{">28<", ">50<"}, not: []string{">29<", ">51<"}},
	}
	for _, f := range c.Measures {
		tt, ok := tests[f.ID]
		if !ok {
			continue
		}
		delete(tests, f.ID)
		svg := string(f.SVG)
		for _, w := range tt.want {
			if !strings.Contains(svg, w) {
				t.Errorf("%s: no tick %s", f.ID, w)
			}
		}
		for _, n := range tt.not {
			if strings.Contains(svg, n) {
				t.Errorf("%s: tick %s is not a published cut-off", f.ID, n)
			}
		}
	}
	if len(tests) != 0 {
		t.Errorf("charts missing: %v", tests)
	}
}

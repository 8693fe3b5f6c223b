package guide

import (
	"regexp"
	"strings"
	"testing"

	"github.com/upshot-app/upshot/internal/upshot"
)

// Every guide has a title, a summary and a Sources section with at least one
// https address; the index holds the six the issue asks for.
func TestGuidesNameTheirSources(t *testing.T) {
	gs := All()
	if len(gs) != 6 {
		t.Fatalf("%d guides, want 6", len(gs))
	}
	link := regexp.MustCompile(`https://[^\s)>]+`)
	for _, g := range gs {
		if g.Title == "" || len(g.Summary) < 40 {
			t.Errorf("%s: title %q, summary %q", g.Slug, g.Title, g.Summary)
		}
		_, sources, ok := strings.Cut(g.Markdown, "\n## Sources\n")
		if !ok || !link.MatchString(sources) {
			t.Errorf("%s: no Sources section naming an https address", g.Slug)
		}
		if strings.Contains(g.Markdown, "{{") {
			t.Errorf("%s: a placeholder is left in the text", g.Slug)
		}
	}
}

// The conduct guide names the same eight qualities the log form rates.
func TestConductGuideNamesEveryQuality(t *testing.T) {
	g, ok := Find("good-conduct")
	if !ok {
		t.Fatal("no good-conduct guide")
	}
	for _, q := range upshot.Qualities {
		if !strings.Contains(strings.ToLower(g.Markdown), "**"+q+"**") {
			t.Errorf("the conduct guide does not describe %q", q)
		}
	}
}

// The complaint guide lists every shipped regulator with its source, taken
// from regulators.json; the examples cover the UK, Ireland, the US and
// Australia.
func TestComplaintGuideListsTheRegulators(t *testing.T) {
	g, ok := Find("complain")
	if !ok {
		t.Fatal("no complain guide")
	}
	regs := ExampleRegulators()
	regions := map[string]bool{}
	for _, r := range regs.Regulators {
		regions[r.Region] = true
		if !strings.Contains(g.Markdown, "["+r.Name+"]("+r.Source+")") {
			t.Errorf("the complaint guide lacks %s with its source", r.Name)
		}
	}
	for _, want := range []string{"United Kingdom", "Ireland", "United States", "Australia"} {
		if !regions[want] {
			t.Errorf("no regulator for %s", want)
		}
	}
	for _, name := range []string{"HCPC", "BACP", "UKCP", "CORU", "Ahpra"} {
		if !strings.Contains(g.Markdown, name) {
			t.Errorf("the complaint guide does not name %s", name)
		}
	}
	html, err := g.HTML()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(html), `<a href="https://www.hcpc-uk.org">Health and Care Professions Council (HCPC)</a>`) {
		t.Errorf("the rendered guide does not link the HCPC:\n%s", html)
	}
}

// Raw HTML and script addresses in a guide's Markdown are not rendered.
func TestGuideHTMLIsSafe(t *testing.T) {
	g := Guide{Slug: "x", Markdown: "# X\n\n<script>alert(1)</script>\n\n[click](javascript:alert(1)) and <b>bold</b> & more\n"}
	html, err := g.HTML()
	if err != nil {
		t.Fatal(err)
	}
	s := string(html)
	if strings.Contains(s, "<script") || strings.Contains(s, "javascript:") || strings.Contains(s, "<b>") || !strings.Contains(s, "&amp; more") {
		t.Errorf("unsafe HTML rendered:\n%s", s)
	}
}

// A guide file without its Sources section, or without a title, is refused.
func TestParseGuideRefusesAGuideWithoutSources(t *testing.T) {
	if _, err := parseGuide("x", "# X\n\nText.\n", Regulators{}); err == nil {
		t.Error("a guide without sources was accepted")
	}
	if _, err := parseGuide("x", "Text.\n\n## Sources\n\n- a\n", Regulators{}); err == nil {
		t.Error("a guide without a title was accepted")
	}
}

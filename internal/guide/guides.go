package guide

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"slices"
	"strings"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/parser"
)

// Guide is one short neutral guide, kept as Markdown in guides/SLUG.md: a
// "# Title" line, a one-paragraph summary, the text, and a "## Sources"
// section naming where its facts come from.
type Guide struct {
	Slug    string
	Title   string
	Summary string
	// Markdown is the whole text, the regulators (regulators.json) written
	// into the complaint guide where it says {{regulators}}.
	Markdown string
}

// guideOrder is the order of the guides index: what a person may need,
// roughly in the order they may need it.
var guideOrder = []string{
	"raise-a-concern",
	"good-conduct",
	"transference-dependency-boundaries",
	"second-opinion",
	"ending-therapy",
	"complain",
}

//go:embed guides/*.md
var guideFS embed.FS

//go:embed regulators.json
var regulatorsJSON []byte

// Regulator is one body a person may complain to, an example for one
// country, with the page that says what it covers.
type Regulator struct {
	Region string `json:"region"`
	Name   string `json:"name"`
	Covers string `json:"covers"`
	Source string `json:"source"`
}

// Regulators are the shipped examples with the note that goes with them.
type Regulators struct {
	Note       string      `json:"note"`
	Regulators []Regulator `json:"regulators"`
}

// regulatorsPlace is where the complaint guide takes the regulators.
const regulatorsPlace = "{{regulators}}"

var loadGuides = sync.OnceValues(func() ([]Guide, error) {
	var regs Regulators
	if err := json.Unmarshal(regulatorsJSON, &regs); err != nil {
		return nil, fmt.Errorf("guide: regulators.json: %w", err)
	}
	for i, r := range regs.Regulators {
		if r.Region == "" || r.Name == "" || r.Covers == "" || !strings.HasPrefix(r.Source, "https://") {
			return nil, fmt.Errorf("guide: regulators.json: entry %d lacks region, name, covers or an https source", i)
		}
	}
	files, err := fs.Glob(guideFS, "guides/*.md")
	if err != nil {
		return nil, err
	}
	var out []Guide
	for _, slug := range guideOrder {
		name := "guides/" + slug + ".md"
		if !slices.Contains(files, name) {
			return nil, fmt.Errorf("guide: %s is listed but missing", name)
		}
		b, err := guideFS.ReadFile(name)
		if err != nil {
			return nil, err
		}
		g, err := parseGuide(slug, string(b), regs)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	if len(files) != len(guideOrder) {
		return nil, fmt.Errorf("guide: %d guide files but %d listed in guideOrder", len(files), len(guideOrder))
	}
	return out, nil
})

func parseGuide(slug, text string, regs Regulators) (Guide, error) {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	title, rest, ok := strings.Cut(text, "\n")
	if !ok || !strings.HasPrefix(title, "# ") {
		return Guide{}, fmt.Errorf("guide %s: the first line must be '# Title'", slug)
	}
	summary, _, _ := strings.Cut(strings.TrimSpace(rest), "\n\n")
	if !strings.Contains(text, "\n## Sources\n") {
		return Guide{}, fmt.Errorf("guide %s: no '## Sources' section", slug)
	}
	text = strings.Replace(text, regulatorsPlace, regulatorsMarkdown(regs), 1)
	return Guide{Slug: slug, Title: strings.TrimPrefix(title, "# "), Summary: strings.Join(strings.Fields(summary), " "), Markdown: text}, nil
}

// regulatorsMarkdown lists the regulators by region, each linked to its
// source, with the note after them.
func regulatorsMarkdown(regs Regulators) string {
	var b strings.Builder
	region := ""
	for _, r := range regs.Regulators {
		if r.Region != region {
			if region != "" {
				b.WriteString("\n")
			}
			region = r.Region
			fmt.Fprintf(&b, "**%s**\n\n", r.Region)
		}
		fmt.Fprintf(&b, "- [%s](%s): %s\n", r.Name, r.Source, r.Covers)
	}
	fmt.Fprintf(&b, "\n%s", regs.Note)
	return b.String()
}

// All returns every guide in the index's order.
func All() []Guide {
	gs, err := loadGuides()
	if err != nil {
		panic(err) // embedded files: a broken one fails every test
	}
	return slices.Clone(gs)
}

// Find returns the guide with the slug.
func Find(slug string) (Guide, bool) {
	for _, g := range All() {
		if g.Slug == slug {
			return g, true
		}
	}
	return Guide{}, false
}

// Slugs are the guides' names, in order.
func Slugs() []string { return slices.Clone(guideOrder) }

// ExampleRegulators returns a copy of the shipped examples of regulators.
func ExampleRegulators() Regulators {
	var regs Regulators
	if err := json.Unmarshal(regulatorsJSON, &regs); err != nil {
		panic(err)
	}
	return regs
}

// markdown renders CommonMark with heading anchors. Raw HTML in a guide is
// left out (goldmark's default, not switched on here), and so are links
// to javascript: and other unsafe addresses.
var markdown = goldmark.New(goldmark.WithParserOptions(parser.WithAutoHeadingID()))

// HTML renders the guide's Markdown, its title left out (the page shows
// it as its own heading).
func (g Guide) HTML() (template.HTML, error) {
	_, body, _ := strings.Cut(g.Markdown, "\n")
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(body), &buf); err != nil {
		return "", fmt.Errorf("guide %s: %w", g.Slug, err)
	}
	// goldmark escapes the text and drops raw HTML: its output is safe.
	return template.HTML(buf.String()), nil
}

// Package guide holds the reference text Upshot ships as data rather than
// in templates: example crisis lines for the safety plan, short neutral
// guides (Markdown in guides/) and example regulators for the complaint
// guide. Each entry and each guide names its sources, so that it can be
// checked and kept current without touching code.
package guide

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

// CrisisLine is one example line a person may add to their plan.
type CrisisLine struct {
	Region  string `json:"region"`
	Name    string `json:"name"`
	Contact string `json:"contact"`
	Source  string `json:"source"`
}

// CrisisLines are the shipped examples with the note that goes with them.
type CrisisLines struct {
	Note  string       `json:"note"`
	Lines []CrisisLine `json:"lines"`
}

//go:embed crisis_lines.json
var crisisLinesJSON []byte

var crisisLines = mustCrisisLines(crisisLinesJSON)

func mustCrisisLines(data []byte) CrisisLines {
	var c CrisisLines
	if err := json.Unmarshal(data, &c); err != nil {
		panic(fmt.Sprintf("guide: crisis_lines.json: %v", err))
	}
	for i, l := range c.Lines {
		if l.Region == "" || l.Name == "" || l.Contact == "" || l.Source == "" {
			panic(fmt.Sprintf("guide: crisis_lines.json: line %d lacks region, name, contact or source", i))
		}
	}
	return c
}

// ExampleCrisisLines returns a copy of the shipped examples.
func ExampleCrisisLines() CrisisLines {
	c := crisisLines
	c.Lines = append([]CrisisLine(nil), c.Lines...)
	return c
}

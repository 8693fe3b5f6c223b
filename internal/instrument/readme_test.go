package instrument

import (
	"os"
	"strings"
	"testing"
)

// The README's example of a person's own questionnaire is a definition
// Upshot accepts, so the documentation cannot drift from the format.
func TestREADMEExampleParses(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "## Your own questionnaires")
	if !ok {
		t.Fatal("README has no \"Your own questionnaires\" section")
	}
	_, rest, ok = strings.Cut(rest, "```json\n")
	example, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("the section has no ```json example")
	}
	d, err := Parse([]byte(example))
	if err != nil {
		t.Fatalf("the README's example is refused: %v", err)
	}
	if d.Validated || d.ID != "sleep" {
		t.Errorf("example: id %q, validated %v", d.ID, d.Validated)
	}
}

package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// upshot compare on the demo year: the text table is pinned byte for byte
// (testdata/demo_compare.txt; a deliberate change of wording updates it in
// the same commit), the JSON is the API's, and a therapist that is not
// there is not found (exit 1) while an ID that is no ID is a usage error
// (exit 2), as for every command that takes a record's ID.
func TestCompareCommand(t *testing.T) {
	t.Parallel()
	empty := newEnv(t, "sqlite")
	empty.ok("therapist", "add", "Dr X")
	if out := empty.ok("compare"); !strings.Contains(out, "No sessions yet") {
		t.Errorf("compare with no sessions:\n%s", out)
	}
	e := newEnv(t, "sqlite")
	e.ok("demo")
	want, err := os.ReadFile(filepath.Join("testdata", "demo_compare.txt"))
	if err != nil {
		t.Fatal(err)
	}
	r := e.run("compare")
	if r.code != 0 || r.stdout != string(want) {
		t.Errorf("upshot compare differs from testdata/demo_compare.txt at line %s\n%s", firstDifference(r.stdout, string(want)), r)
	}
	// The story, as the demo tells it: a drifting first therapy that
	// ended reliably worse, a second that helped.
	for _, s := range []string{"Dr. Alex Morgan (#1)", "Sam Rivera (#2)", "reliable deterioration", "reliable recovery", "no reliable improvement", "63%)"} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("upshot compare does not say %q", s)
		}
	}

	var c struct {
		Courses []struct {
			Therapist struct{ ID int64 }
			Cost      struct {
				PerReliableImprovement map[string]any `json:"per_reliable_improvement"`
			}
		}
	}
	e.jsonOf(&c, "compare", "2", "--json")
	if len(c.Courses) != 1 || c.Courses[0].Therapist.ID != 2 || c.Courses[0].Cost.PerReliableImprovement["EUR"] != 1710.0 {
		t.Errorf("compare 2 --json: %+v", c)
	}
	if r := e.fails(1, "compare", "1", "99"); !strings.Contains(r.stderr, "no therapist with id 99") {
		t.Errorf("compare 1 99: %s", r)
	}
	if r := e.fails(2, "compare", "one"); !strings.Contains(r.stderr, "ID must be a positive whole number") {
		t.Errorf("compare one: %s", r)
	}
}

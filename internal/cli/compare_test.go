package cli_test

import (
	"html"
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

// upshot report --compare puts the demo's two therapists side by side in the
// report, every cell as 'upshot compare' says it; without the flag the
// report holds no comparison. An open agenda item is on the report's "what
// to bring" with what became of it; on SQLite and PostgreSQL.
func TestReportCompareAndAgenda(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		e.ok("demo")
		if plain := e.ok("report"); strings.Contains(plain, `id="compare"`) || strings.Contains(plain, "On my own agenda") {
			t.Error("a plain report of the demo holds a comparison or an own agenda (the demo's items are closed)")
		}
		out := e.ok("report", "--compare")
		i := strings.Index(out, `id="compare"`)
		if i < 0 {
			t.Fatal("report --compare holds no comparison")
		}
		sec := html.UnescapeString(out[i : i+strings.Index(out[i:], "</section>")])
		for _, want := range []string{"Dr. Alex Morgan", "Sam Rivera", "the records, not a score of anyone", "reliable deterioration", "reliable recovery",
			"me 11, the therapist 14, both 5", "5.2 on average (30 ratings); 2.0 in the last 4 sessions", "first 4: 6%, last 4: 63%"} {
			if !strings.Contains(sec, want) {
				t.Errorf("report --compare lacks %q", want)
			}
		}
		// The same figures as upshot compare's table.
		table := e.ok("compare")
		for _, want := range []string{"3600 EUR", "1710 EUR (1 goal solved)", "reliable recovery"} {
			if !strings.Contains(table, want) || !strings.Contains(sec, want) {
				t.Errorf("upshot compare and report --compare do not both say %q", want)
			}
		}

		e.ok("agenda", "add", "Ask whether we can work on <sleep> again")
		out = e.ok("report")
		i = strings.Index(out, `id="agenda-title"`)
		if i < 0 {
			t.Fatal("the report has no agenda section")
		}
		sec = out[i : i+strings.Index(out[i:], "</section>")]
		if !strings.Contains(sec, "On my own agenda") || !strings.Contains(sec, "Ask whether we can work on &lt;sleep&gt; again") || !strings.Contains(sec, "not raised yet") {
			t.Errorf("the report's agenda lacks the open item:\n%s", sec)
		}
	})
}

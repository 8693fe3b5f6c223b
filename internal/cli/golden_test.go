package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The review's output on the demo year, on the fixed clock, is pinned byte
// for byte: its JSON is a contract read by the web app, the report and
// scripts, and its terminal text is what a person reads. A change to the
// review's types or to where its sentences are made (issue 12) must leave
// both exactly as they were; a deliberate change of wording or of a rule
// updates these files in the same commit, where it can be reviewed.
func TestDemoReviewIsUnchanged(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	e.ok("demo")
	for _, tt := range []struct {
		file string
		args []string
	}{
		{"demo_review.json", []string{"review", "--json"}},
		{"demo_review_therapist1.json", []string{"review", "--therapist", "1", "--json"}},
		{"demo_review.txt", []string{"review"}},
	} {
		want, err := os.ReadFile(filepath.Join("testdata", tt.file))
		if err != nil {
			t.Fatal(err)
		}
		r := e.run(tt.args...)
		if r.code != 0 {
			t.Fatalf("want success:\n%s", r)
		}
		if r.stdout != string(want) {
			t.Errorf("upshot %v differs from testdata/%s at line %s", tt.args, tt.file, firstDifference(r.stdout, string(want)))
		}
	}
}

// firstDifference names the first line where got and want part.
func firstDifference(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			return fmt.Sprintf("%d:\n got: %s\nwant: %s", i+1, g[i], w[i])
		}
	}
	return fmt.Sprintf("%d (got %d lines, want %d)", min(len(g), len(w)), len(g), len(w))
}

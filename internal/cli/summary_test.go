package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// upshot summary, on both databases: -o writes a private file with the
// default sections (no notes) and prints nothing for scripts; --sections
// picks the sections, notes only when named; a section that does not exist
// exits 2 naming --sections and every section, and writes nothing; the
// safety notice is there whatever is chosen when the latest PHQ-9's item 9
// is above 0 (record's last PHQ-9 has it at 1).
func TestSummaryCommand(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, e *env) {
		record(e)
		dir := t.TempDir()
		read := func(name string) string {
			t.Helper()
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
		const note = "a note, with &#34;quotes&#34;"

		if out := e.ok("summary", "-o", filepath.Join(dir, "all.html")); out != "" {
			t.Errorf("summary -o printed %q, want nothing", out)
		}
		if fi, err := os.Stat(filepath.Join(dir, "all.html")); err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("summary -o: %v (want a private file)", err)
		}
		all := read("all.html")
		for _, want := range []string{"<!doctype html>", "Summary of my therapy records", "Support is available", "not a crisis service",
			"Courses of therapy", "Dr Ana Ruiz, Clinical psychologist", "Questionnaire scores", "Cut-offs and their sources", "Kroenke",
			"What was tried", "What helped", "Concerns in the records", "Open goals", "Stop dreading Monday meetings", "Pfizer"} {
			if !strings.Contains(all, want) {
				t.Errorf("the default summary lacks %q", want)
			}
		}
		if strings.Contains(all, "a note, with") || strings.Contains(all, "My session notes") {
			t.Error("the default summary shows a session note")
		}

		e.ok("summary", "--sections", "goals,notes", "-o", filepath.Join(dir, "chosen.html"))
		chosen := read("chosen.html")
		if !strings.Contains(chosen, "Open goals") || !strings.Contains(chosen, note) || !strings.Contains(chosen, "Support is available") {
			t.Errorf("goals and notes: want the open goals, the note and the safety notice:\n%s", chosen)
		}
		for _, absent := range []string{"Courses of therapy", "Questionnaire scores", "What was tried", "What helped", "Concerns in the records"} {
			if strings.Contains(chosen, absent) {
				t.Errorf("goals and notes: shows %q", absent)
			}
		}

		// To standard output without -o.
		if out := e.ok("summary", "--sections", "courses"); !strings.HasPrefix(out, "<!doctype html>") || !strings.Contains(out, "Dr Ana Ruiz") {
			t.Errorf("summary to stdout: %.200q", out)
		}

		for _, bad := range []string{"courses,diagnosis", ""} {
			file := filepath.Join(dir, "bad.html")
			r := e.fails(2, "summary", "--sections", bad, "-o", file)
			if !strings.Contains(r.stderr, "--sections") || !strings.Contains(r.stderr, "courses, scores, tried, helped, concerns, goals, notes") {
				t.Errorf("--sections %q: %q, want the field and the sections named", bad, r.stderr)
			}
			if _, err := os.Stat(file); !os.IsNotExist(err) {
				t.Errorf("--sections %q wrote %s (%v)", bad, file, err)
			}
		}
	})
}

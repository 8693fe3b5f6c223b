package cli_test

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestAgenda adds items in the person's words and from the review, marks
// them while logging sessions with --raised, --dealt-with and --not-raised,
// reports an item raised three times first, keeps the history through
// export and import, and refuses bad input without writing.
func TestAgenda(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		e.ok("therapist", "add", "Dr. Berg")
		if out := e.ok("agenda", "list"); !strings.Contains(out, "Nothing on your agenda") {
			t.Errorf("empty agenda:\n%s", out)
		}
		if id := strings.TrimSpace(e.ok("agenda", "add", "Ask why we always talk about us")); id != "1" {
			t.Fatalf("first item id %q", id)
		}
		e.ok("agenda", "add", "Ask for homework")
		// The same open text again is the same item.
		if r := e.run("agenda", "add", "  ask why we always talk about us "); r.code != 0 || strings.TrimSpace(r.stdout) != "1" || !strings.Contains(r.stderr, "already on your agenda") {
			t.Errorf("adding twice: %s", r)
		}
		e.ok("session", "add", "--therapist", "1", "--date", "2026-02-01", "--helpful", "6")
		// The review's suggestions, adopted by number.
		sugg := e.ok("agenda", "adopt")
		if !strings.Contains(sugg, "1. ") {
			t.Fatalf("suggestions:\n%s", sugg)
		}
		adopted := strings.TrimSpace(e.ok("agenda", "adopt", "1"))
		if adopted != "3" {
			t.Fatalf("adopted id %q", adopted)
		}

		e.ok("session", "add", "--therapist", "1", "--date", "2026-02-05", "--raised", "1", "--not-raised", "2,3")
		e.ok("session", "add", "--therapist", "1", "--date", "2026-02-12", "--raised", "1", "--dealt-with", "2")
		e.ok("session", "add", "--therapist", "1", "--date", "2026-02-19", "--raised", "1")
		list := e.ok("agenda", "list")
		lines := strings.Split(strings.TrimSpace(list), "\n")
		if len(lines) != 2 || !strings.HasPrefix(lines[0], "1\traised 3x, not dealt with: raise it first\tAsk why we always talk about us") ||
			!strings.Contains(lines[1], "(from the review)") {
			t.Fatalf("agenda list:\n%s", list)
		}
		if all := e.ok("agenda", "list", "--all"); !strings.Contains(all, "2\tdealt with 2026-02-12\tAsk for homework") {
			t.Errorf("list --all:\n%s", all)
		}
		show := e.ok("agenda", "show", "1")
		for _, want := range []string{"2026-02-05\tsession 2\traised", "2026-02-19\tsession 4\traised"} {
			if !strings.Contains(show, want) {
				t.Errorf("history lacks %q:\n%s", want, show)
			}
		}
		review := e.ok("review", "--json")
		if !strings.Contains(review, `"agenda_unresolved"`) || !strings.Contains(review, `"Raise 'Ask why we always talk about us' again, first`) {
			t.Errorf("review lacks the finding or the agenda item first")
		}

		for _, bad := range []struct {
			args []string
			want string
		}{
			{[]string{"agenda", "add", " "}, "TEXT"},
			{[]string{"agenda", "adopt", "99"}, "N must be 1 to"},
			{[]string{"session", "add", "--therapist", "1", "--date", "2026-02-26", "--raised", "1", "--not-raised", "1"}, "give each item one mark"},
			{[]string{"session", "add", "--therapist", "1", "--date", "2026-02-26", "--raised", "42"}, "no agenda item with id 42"},
		} {
			r := e.fails(2, bad.args...)
			if !strings.Contains(r.stderr, bad.want) {
				t.Errorf("%v: stderr %q lacks %q", bad.args, r.stderr, bad.want)
			}
		}
		e.fails(1, "agenda", "delete", "1") // it has a history: drop it instead
		e.ok("agenda", "drop", "1")
		if list := e.ok("agenda", "list"); strings.Contains(list, "always talk") {
			t.Errorf("dropped item still listed:\n%s", list)
		}

		file := filepath.Join(t.TempDir(), "export.json")
		e.ok("export", "-o", file)
		other := newEnv(t, e.backend)
		other.ok("import", file)
		if a, b := e.ok("agenda", "show", "1"), other.ok("agenda", "show", "1"); a != b {
			t.Errorf("history after import:\n%s\nwant\n%s", b, a)
		}
	})
}

package cli_test

import (
	"strings"
	"testing"
)

// TestRecord: `upshot record` lists the flagged, low-rated and worse-after
// sessions with their notes, filters by therapist and kind, refuses bad
// input with exit 2; `upshot report` leaves the record out unless asked,
// and its notes out unless --include-notes.
func TestRecord(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		e.ok("therapist", "add", "Dr. Berg")
		e.ok("therapist", "add", "Dr. Lund")
		const rewrote = "He said I remembered the argument wrongly"
		const shaking = "Left the session shaking"
		e.ok("session", "add", "--therapist", "1", "--date", "2026-02-01", "--flags", "dismissed_account", "--note", rewrote)
		e.ok("session", "add", "--therapist", "1", "--date", "2026-02-08", "--after", "better", "--conduct", "respect=4", "--note", "A good session")
		e.ok("session", "add", "--therapist", "1", "--date", "2026-02-15", "--conduct", "respect=2,honesty=1,empathy=3")
		e.ok("session", "add", "--therapist", "2", "--date", "2026-02-22", "--after", "worse", "--note", shaking)

		out := e.ok("record")
		for _, want := range []string{"2026-02-01  Dr. Berg (session 1)", "Red flag: denied or rewrote my account of what happened", rewrote,
			"Conduct rated low (of 5): respect 2, honesty 1", "2026-02-22  Dr. Lund (session 4)", "I felt worse after the session", shaking} {
			if !strings.Contains(out, want) {
				t.Errorf("record lacks %q:\n%s", want, out)
			}
		}
		if strings.Contains(out, "A good session") || strings.Contains(out, "empathy 3") {
			t.Errorf("record shows a session or rating that is not low:\n%s", out)
		}
		if strings.Index(out, "2026-02-01") > strings.Index(out, "2026-02-22") {
			t.Errorf("record is not oldest first:\n%s", out)
		}
		if out := e.ok("record", "--therapist", "2"); strings.Contains(out, "Dr. Berg") || !strings.Contains(out, shaking) {
			t.Errorf("record --therapist 2:\n%s", out)
		}
		if out := e.ok("record", "--kind", "conduct"); strings.Contains(out, rewrote) || !strings.Contains(out, "honesty 1") {
			t.Errorf("record --kind conduct:\n%s", out)
		}
		var rec struct {
			Kind    string `json:"kind"`
			Entries []struct {
				SessionID int64    `json:"session_id"`
				Kinds     []string `json:"kinds"`
				Note      string   `json:"note"`
			} `json:"entries"`
		}
		e.jsonOf(&rec, "record", "--kind", "flag", "--json")
		if rec.Kind != "flag" || len(rec.Entries) != 1 || rec.Entries[0].SessionID != 1 || rec.Entries[0].Note != rewrote {
			t.Errorf("record --kind flag --json: %+v", rec)
		}

		for _, tt := range []struct {
			args []string
			want string
		}{
			{[]string{"record", "--kind", "angry"}, `--kind must be one of flag, conduct, worse, got "angry"`},
			{[]string{"record", "--therapist", "9"}, "--therapist: no therapist with id 9"},
			{[]string{"record", "--therapist", "x"}, "--therapist ID must be a positive whole number"},
			{[]string{"record", "--since", "2099-01-01"}, "--since"},
		} {
			if r := e.fails(2, tt.args...); !strings.Contains(r.stderr, tt.want) {
				t.Errorf("upshot %v: %q, want %q", tt.args, r.stderr, tt.want)
			}
		}

		// The report: no record, then the record without notes, then with.
		plain := e.ok("report")
		if strings.Contains(plain, `id="my-record"`) || strings.Contains(plain, rewrote) || strings.Contains(plain, shaking) {
			t.Errorf("a plain report holds the record or a note")
		}
		bare := e.ok("report", "--record")
		if !strings.Contains(bare, `id="my-record"`) || !strings.Contains(bare, "My private notes are not included") {
			t.Errorf("report --record lacks the record")
		}
		if strings.Contains(bare, rewrote) || strings.Contains(bare, shaking) || strings.Contains(bare, "A good session") {
			t.Errorf("report --record holds note text")
		}
		notes := e.ok("report", "--record", "--include-notes")
		if !strings.Contains(notes, rewrote) || !strings.Contains(notes, shaking) {
			t.Errorf("report --include-notes lacks the notes")
		}
		if strings.Contains(notes, "A good session") {
			t.Errorf("report --include-notes holds the note of a session outside the record")
		}
		// --include-notes alone includes the record; the report's scope narrows it.
		if scoped := e.ok("report", "--include-notes", "--therapist", "2"); !strings.Contains(scoped, shaking) || strings.Contains(scoped, rewrote) {
			t.Errorf("report --include-notes --therapist 2 shows the wrong notes")
		}
	})
}

// TestGuideCommand: `upshot guide` lists the guides, `upshot guide SLUG`
// prints one as Markdown (the complaint guide with its regulators), and an
// unknown slug is refused with exit 2 naming the slugs.
func TestGuideCommand(t *testing.T) {
	e := newEnv(t, "sqlite")
	list := e.ok("guide")
	for _, want := range []string{"raise-a-concern", "good-conduct", "complain"} {
		if !strings.Contains(list, want) {
			t.Errorf("guide list lacks %s:\n%s", want, list)
		}
	}
	complain := e.ok("guide", "complain")
	if !strings.HasPrefix(complain, "# How to complain\n") || !strings.Contains(complain, "[Health and Care Professions Council (HCPC)](https://www.hcpc-uk.org)") || !strings.Contains(complain, "## Sources") {
		t.Errorf("guide complain:\n%.400s", complain)
	}
	if r := e.fails(2, "guide", "nope"); !strings.Contains(r.stderr, "SLUG must be one of raise-a-concern,") {
		t.Errorf("unknown guide: %s", r.stderr)
	}
}

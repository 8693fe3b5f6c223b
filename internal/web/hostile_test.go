package web

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"strings"
	"testing"

	"github.com/upshot-app/upshot/internal/upshot"
)

// Text a person typed is text: markup in a note, a name, a goal or a setting
// comes back from the API exactly as sent and is shown escaped on every
// page, never run. The strings avoid '+', which html/template escapes beyond
// html.EscapeString.
var hostile = struct{ name, title, solved, note, contacts string }{
	name:     `Dr <script>alert("name")</script>`,
	title:    `<img src=x onerror=alert('goal')> & sleep`,
	solved:   `"><svg onload=alert(3)>`,
	note:     "<script>alert(\"note\")</script>\n<b>bold</b> &amp; </textarea><iframe src=//evil.example>",
	contacts: `<a href="javascript:alert(4)">call</a> <style>body{display:none}</style>`,
}

// rawMarkup is what must never appear unescaped in a page.
var rawMarkup = []string{`<script>alert`, `<img src=x`, `<svg onload`, `<iframe`, `href="javascript:`, `<b>bold`, `<style>body`, `</textarea><`}

func TestHostileTextRoundTripsAndIsEscapedEverywhere(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, a *app) {
		// Everything goes in through the API, as a script would send it.
		create := func(path string, body any) map[string]any {
			t.Helper()
			b, _ := json.Marshal(body)
			r := a.sendJSON("POST", path, string(b))
			if r.status != http.StatusCreated {
				t.Fatalf("POST %s: %d %s", path, r.status, r.body)
			}
			var m map[string]any
			decode(t, r, &m)
			return m
		}
		th := create("/api/v1/therapists", map[string]any{"name": hostile.name, "approach": hostile.title})
		goal := create("/api/v1/goals", map[string]any{"title": hostile.title, "domain": "health", "solved_when": hostile.solved, "opened": "2025-01-02"})
		other := create("/api/v1/goals", map[string]any{"title": "Call my sister", "domain": "family", "opened": "2025-01-02"})
		var first, session map[string]any
		for i := 0; i < 6; i++ {
			goals := []any{map[string]any{"goal_id": other["id"], "progress": 1}}
			if i == 0 {
				goals = append(goals, map[string]any{"goal_id": goal["id"], "progress": -1})
			}
			session = create("/api/v1/sessions", map[string]any{"therapist_id": th["id"], "date": upshot.NewDate(2025, 4, 1).AddDays(7 * i).String(),
				"minutes": 50, "focus": map[string]any{"life": 10, "relationship": 40}, "goals": goals, "got": []string{"none"},
				"flags": []string{"pushed_relationship"}, "helpful": 2, "after": "worse", "conduct": map[string]any{"empathy": 1}, "note": hostile.note})
			if i == 0 {
				first = session
			}
		}
		create("/api/v1/checkins", map[string]any{"instrument": "phq9", "answers": []int{2, 2, 2, 2, 2, 2, 2, 2, 1}, "date": "2025-06-01"})
		if r := a.sendJSON("PUT", "/api/v1/settings/crisis_contacts", fmt.Sprintf(`{"value": %q}`, hostile.contacts)); r.status != http.StatusOK {
			t.Fatalf("set crisis_contacts: %d %s", r.status, r.body)
		}

		// The API gives the text back exactly, and so does the export.
		sid := int64(first["id"].(float64))
		var got upshot.Session
		decode(t, a.get(fmt.Sprintf("/api/v1/sessions/%d", sid)), &got)
		if got.Note != hostile.note {
			t.Errorf("note read back as %q, want %q", got.Note, hostile.note)
		}
		var snap upshot.Snapshot
		decode(t, a.get("/api/v1/export"), &snap)
		if len(snap.Sessions) != 6 || snap.Sessions[5].Note != hostile.note || snap.Therapists[0].Name != hostile.name ||
			snap.Goals[0].Title != hostile.title || snap.Goals[0].SolvedWhen != hostile.solved || snap.Settings["crisis_contacts"] != hostile.contacts {
			t.Errorf("the export does not hold the text exactly as sent")
		}

		tid, gid := int64(th["id"].(float64)), int64(goal["id"].(float64))
		pages := []struct {
			path  string
			shows []string // texts that must appear, escaped
			never []string // texts that must not appear at all, even escaped
		}{
			{"/", nil, []string{hostile.note}},
			{"/sessions", []string{hostile.name}, []string{hostile.note}},
			{fmt.Sprintf("/sessions/%d", sid), []string{hostile.note, hostile.name, hostile.title}, nil},
			{fmt.Sprintf("/sessions/%d/edit", sid), []string{hostile.note}, nil},
			{"/therapists", []string{hostile.name}, []string{hostile.note}},
			{fmt.Sprintf("/therapists/%d/edit", tid), []string{hostile.name}, nil},
			{"/goals", []string{hostile.title}, []string{hostile.note}},
			{fmt.Sprintf("/goals/%d/edit", gid), []string{hostile.title, hostile.solved}, nil},
			{"/checkins", nil, []string{hostile.note}},
			{"/review", []string{hostile.title, hostile.contacts}, []string{hostile.note}},
			{"/settings", []string{hostile.contacts}, nil},
			// The report is for handing to a therapist: notes stay out of it.
			{"/report", []string{hostile.name, hostile.title}, []string{hostile.note}},
			{"/report/download", []string{hostile.name, hostile.title}, []string{hostile.note}},
			// So is the summary for a new clinician, unless notes are chosen.
			{"/summary", []string{hostile.name, hostile.title}, []string{hostile.note}},
			{"/summary/download", []string{hostile.name, hostile.title}, []string{hostile.note}},
			{"/summary?sections=notes", []string{hostile.note}, nil},
		}
		for _, p := range pages {
			r := a.get(p.path)
			if r.status != http.StatusOK {
				t.Errorf("GET %s: %d", p.path, r.status)
				continue
			}
			body := r.text()
			for _, raw := range rawMarkup {
				if strings.Contains(body, raw) {
					t.Errorf("GET %s: unescaped %q in the page", p.path, raw)
				}
			}
			for _, s := range p.shows {
				if !strings.Contains(body, html.EscapeString(s)) {
					t.Errorf("GET %s: does not show %.40q escaped", p.path, s)
				}
			}
			for _, s := range p.never {
				if strings.Contains(body, html.EscapeString(s)) || strings.Contains(body, s) || strings.Contains(body, "&lt;iframe") {
					t.Errorf("GET %s: shows %.40q, which belongs only on the session's own page", p.path, s)
				}
			}
		}
	})
}

// TestAPIRefusesHugeAndBrokenText: a 10 MB note is refused by size before
// it is read whole, a note one character over the limit by its length, and
// a body that is not UTF-8 as malformed; nothing is written.
func TestAPIRefusesHugeAndBrokenText(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, a *app) {
		therapist, _ := a.seed()
		before := a.counts()
		session := func(note string) string {
			return fmt.Sprintf(`{"therapist_id": %d, "date": "2025-06-01", "note": "%s"}`, therapist, note)
		}
		cases := []struct {
			name   string
			body   string
			status int
			code   string
			field  string
			msg    string
		}{
			{"10 MB note", session(strings.Repeat("x", 10<<20)), 413, codeTooLarge, "", "larger than 1048576 bytes"},
			{"note over the limit", session(strings.Repeat("é", upshot.MaxNoteLen+1)), 422, upshot.EINVALID, "note", "note must be at most 20000 characters, got 20001"},
			{"note not UTF-8", session("caf\xe9"), 400, codeMalformed, "", "not valid UTF-8"},
			{"control character", session(`a\u0007b`), 422, upshot.EINVALID, "note", "control characters (found U+0007)"},
			{"NaN minutes", fmt.Sprintf(`{"therapist_id": %d, "minutes": NaN}`, therapist), 400, codeMalformed, "", "not valid JSON"},
			{"huge minutes", fmt.Sprintf(`{"therapist_id": %d, "minutes": 1e400}`, therapist), 400, codeMalformed, "minutes", "minutes"},
			{"deep nesting", `{"note": ` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `}`, 400, codeMalformed, "", "not valid JSON"},
			{"year one", fmt.Sprintf(`{"therapist_id": %d, "date": "0001-01-01"}`, therapist), 422, upshot.EINVALID, "date", "on or after 1900-01-01"},
			{"far future", fmt.Sprintf(`{"therapist_id": %d, "date": "9999-12-31"}`, therapist), 422, upshot.EINVALID, "date", "must not be in the future"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := a.sendJSON("POST", "/api/v1/sessions", c.body)
				if r.status != c.status {
					t.Fatalf("status %d, want %d: %.300s", r.status, c.status, r.body)
				}
				e := apiErrOf(t, r)
				if e.Code != c.code || e.Field != c.field || !strings.Contains(e.Message, c.msg) {
					t.Errorf("error %+v, want code %q field %q message with %q", e, c.code, c.field, c.msg)
				}
				if got := a.counts(); got != before {
					t.Errorf("a refused request wrote records: %v, before %v", got, before)
				}
			})
		}
	})
}

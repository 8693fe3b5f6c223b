package web

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"testing"
)

// Reading back what you wrote works (issue 15): for every kind of record
// (therapist, goal, session, check-in, agenda item) and the safety plan, the
// body GET gives is PUT back unchanged, with its version in the body or with
// If-Match alone, and is answered 200 with nothing changed but version and
// updated_at; on SQLite and PostgreSQL.
func TestAPIPutBackWhatGETGave(t *testing.T) {
	forEachBackend(t, func(t *testing.T, a *app) {
		a.tick()
		therapist, goal := a.seed()
		created := map[string]string{}
		for path, body := range map[string]string{
			"/api/v1/therapists": `{"name": "Dr. Back", "credentials": "PhD", "approach": "CBT", "fee_amount": "85.50", "currency": "EUR", "started": "2025-01-06"}`,
			"/api/v1/goals":      `{"title": "Walk daily", "domain": "health", "severity": 6, "solved_when": "five days a week"}`,
			"/api/v1/sessions": fmt.Sprintf(`{"therapist_id": %d, "date": "2025-06-10", "minutes": 50, "fee_amount": "80.00", "focus": {"life": 40, "relationship": 10},
				"goals": [{"goal_id": %d, "progress": 1}], "got": ["insight"], "helpful": 7, "after": "better", "conduct": {"empathy": 4}, "note": "kept as it was"}`, therapist, goal),
			"/api/v1/checkins": `{"instrument": "phq9", "answers": [1, 2, 0, 1, 1, 0, 0, 1, 0], "date": "2025-06-11"}`,
			"/api/v1/agenda":   `{"text": "Ask about the homework"}`,
		} {
			r := a.sendJSON("POST", path, body)
			if r.status != http.StatusCreated {
				t.Fatalf("POST %s: %d %s", path, r.status, r.body)
			}
			created[path] = r.header.Get("Location")
		}
		// The agenda item has a history, which its GET body carries.
		if r := a.sendJSON("POST", "/api/v1/sessions", fmt.Sprintf(`{"therapist_id": %d, "date": "2025-06-12", "agenda_items": [{"item_id": %s, "mark": "raised"}]}`,
			therapist, created["/api/v1/agenda"][len("/api/v1/agenda/"):])); r.status != http.StatusCreated {
			t.Fatalf("POST session raising the item: %d %s", r.status, r.body)
		}
		paths := []string{"/api/v1/plan"}
		for _, p := range created {
			paths = append(paths, p)
		}
		if r := a.sendJSON("PUT", "/api/v1/plan", `{"version": 0, "coping_steps": ["walk"], "reasons_to_live": ["my niece"]}`); r.status != http.StatusOK {
			t.Fatalf("PUT /api/v1/plan: %d %s", r.status, r.body)
		}
		// The fields that may change: version and updated_at, also inside an
		// agenda entry's item.
		var same func(m map[string]any) string
		same = func(m map[string]any) string {
			m = maps.Clone(m)
			delete(m, "version")
			delete(m, "updated_at")
			if it, ok := m["item"].(map[string]any); ok {
				m["item"] = json.RawMessage(same(it))
			}
			b, _ := json.Marshal(m)
			return string(b)
		}
		version := func(m map[string]any) float64 {
			if it, ok := m["item"].(map[string]any); ok {
				return it["version"].(float64)
			}
			return m["version"].(float64)
		}
		for _, path := range paths {
			for _, withIfMatch := range []bool{false, true} {
				g := a.get(path)
				if g.status != http.StatusOK {
					t.Fatalf("GET %s: %d %s", path, g.status, g.body)
				}
				var before map[string]any
				decode(t, g, &before)
				var headers []string
				if withIfMatch {
					headers = append(headers, "If-Match: "+g.header.Get("ETag"))
				}
				r := a.sendJSON("PUT", path, string(g.body), headers...)
				if r.status != http.StatusOK {
					t.Errorf("PUT %s with the body GET gave (If-Match: %v): %d %s", path, withIfMatch, r.status, r.body)
					continue
				}
				var after map[string]any
				decode(t, a.get(path), &after)
				if same(after) != same(before) {
					t.Errorf("PUT %s with the body GET gave changed it:\n before %s\n  after %s", path, same(before), same(after))
				}
				if version(after) != version(before)+1 {
					t.Errorf("PUT %s: version %v after %v", path, version(after), version(before))
				}
			}
		}
	})
}

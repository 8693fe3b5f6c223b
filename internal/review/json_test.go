package review_test

import (
	"encoding/json"
	"testing"

	"github.com/upshot-app/upshot/internal/review"
)

func render(t testing.TB, r *review.Review) string {
	t.Helper()
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The JSON form is a contract: these names are read by the web app, the
// report and scripts.
func TestJSONContract(t *testing.T) {
	t.Parallel()
	h := newHist()
	drifting(h)
	var doc map[string]any
	if err := json.Unmarshal([]byte(render(t, h.review())), &doc); err != nil {
		t.Fatal(err)
	}
	has := func(where string, m any, keys ...string) {
		t.Helper()
		obj, ok := m.(map[string]any)
		if !ok {
			t.Fatalf("%s is %T, not an object", where, m)
		}
		for _, k := range keys {
			if _, ok := obj[k]; !ok {
				t.Errorf("%s lacks %q", where, k)
			}
		}
	}
	first := func(where string, v any) any {
		t.Helper()
		a, ok := v.([]any)
		if !ok || len(a) == 0 {
			t.Fatalf("%s is empty or not a list: %v", where, v)
		}
		return a[0]
	}
	has("review", doc, "findings", "verdict", "going_well", "measures", "focus", "goals", "conduct", "flags", "cost", "agenda", "settings_used", "scope", "safety")
	f := first("findings", doc["findings"])
	has("finding", f, "code", "severity", "title", "detail", "evidence", "therapist_id")
	has("evidence", f.(map[string]any)["evidence"], "sessions", "checkins", "numbers", "therapist_id")
	m := first("measures", doc["measures"])
	has("measure", m, "id", "name", "baseline", "latest", "change", "reliable", "band", "caseness", "recovery", "reliable_recovery", "series")
	has("series point", first("series", m.(map[string]any)["series"]), "checkin_id", "date", "total", "band", "safety")
	focus := doc["focus"].(map[string]any)
	has("focus session", first("focus.sessions", focus["sessions"]), "session_id", "date", "therapist_id", "life", "relationship", "therapist", "admin", "other")
	has("focus therapist", first("focus.therapists", focus["therapists"]), "therapist_id", "first_life", "first_relationship", "recent_life", "recent_relationship")
	has("goal", first("goals", doc["goals"]), "id", "title", "status", "progress", "sessions_addressed", "sessions_since_addressed", "last_addressed")
	c := first("conduct", doc["conduct"])
	has("conduct quality", first("qualities", c.(map[string]any)["qualities"]), "quality", "average", "earlier_average", "recent_average")
	has("flags", first("flags", doc["flags"]), "therapist_id", "counts", "sessions_with_flags")
	cost := doc["cost"].(map[string]any)
	has("cost total", cost["total"], "money", "hours", "sessions", "per_goal_solved")
	has("cost therapist", first("cost.therapists", cost["therapists"]), "therapist_id", "money", "hours", "sessions")
	if _, ok := first("agenda", doc["agenda"]).(string); !ok {
		t.Error("agenda items are not strings")
	}
	has("settings_used", doc["settings_used"], "recent_window", "first_window", "drift_min_share", "drift_min_rise", "goal_neglect_sessions",
		"no_improvement_sessions", "conduct_concern_max", "red_flag_window", "red_flag_min_sessions", "worse_after_window", "worse_after_min")
}

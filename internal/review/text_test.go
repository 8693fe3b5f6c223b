package review_test

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/upshot-app/upshot/internal/review"
	"github.com/upshot-app/upshot/internal/upshot"
)

func render(t testing.TB, r *review.Review) string {
	t.Helper()
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The terminal form puts the key parts in this order, readable at a glance.
func TestWriteText(t *testing.T) {
	h := newHist()
	drifting(h)
	h.phq9(day(84), 12, 1)
	h.set(upshot.SettingCrisisContacts, "Samaritans 116 123")
	r := h.review()
	for _, width := range []int{60, 80, 120} {
		var b strings.Builder
		if err := review.WriteText(&b, r, width); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		parts := []string{
			"── Support",
			"You deserve support",
			"Samaritans 116 123",
			"Upshot is not a crisis service.",
			"Please read the note about support first.",
			"Concerns\n",
			"• Sessions drifting to the relationship",
			"Worth your attention\n",
			"• A goal has not come up lately",
			"For your information\n",
			"Scores over time\n",
			"PHQ-9  ",
			"Where session time went\n",
			"Dr. A  first 4  ████",
			"last 4   █",
			"What to bring to your next session\n",
			"  1. Tell your therapist or your doctor",
			// Red flags come before goal reminders (issue 10 item 13).
			"  2. Tell Dr. A that you recorded",
		}
		at := 0
		for _, p := range parts {
			i := strings.Index(out[at:], p)
			if i < 0 {
				t.Fatalf("width %d: %q missing or out of order after byte %d in:\n%s", width, p, at, out)
			}
			at += i + len(p)
		}
		if strings.Count(out, "Support") < 1 || strings.Contains(out, "Urgent\n") {
			t.Errorf("width %d: the safety finding is repeated under Urgent", width)
		}
		for _, line := range strings.Split(out, "\n") {
			if n := utf8.RuneCountInString(line); n > width {
				t.Errorf("width %d: line of %d characters: %q", width, n, line)
			}
		}
		if !strings.ContainsAny(out, "▁▂▃▄▅▆▇█") || !strings.Contains(out, "░") {
			t.Errorf("width %d: no sparkline or focus bar", width)
		}
	}
}

func TestSparklineUsesTheInstrumentScale(t *testing.T) {
	h := newHist()
	for i, total := range []int{0, 8, 16, 24} {
		h.phq9(day(7*i), total, 0)
	}
	var b strings.Builder
	review.WriteText(&b, h.review(), 80)
	if !strings.Contains(b.String(), "PHQ-9  ▁▃▅▇  0 → 24") {
		t.Errorf("sparkline:\n%s", b.String())
	}
}

// The JSON form is a contract: these names are read by the web app, the
// report and scripts.
func TestJSONContract(t *testing.T) {
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

// The terminal review reads as the present first and history after: the
// ended therapy's findings come under their own heading, last.
func TestWriteTextPutsHistoryLast(t *testing.T) {
	h := newHist()
	a := h.therapist("Dr. A")
	b := h.therapist("Dr. B")
	h.weekly(a, day(0), 4, focus(80, 0, 0, 20, 0))
	h.weekly(a, day(28), 6, focus(30, 50, 0, 20, 0))
	h.endTherapist(a, day(63))
	h.weekly(b, day(80), 6, focus(80, 0, 0, 20, 0), rate("respect", 2))
	h.valid(t)
	var buf strings.Builder
	if err := review.WriteText(&buf, h.review(), 80); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	past, now := strings.Index(out, "From a therapy that has ended"), strings.Index(out, "Low ratings of Dr. B's conduct")
	drift := strings.Index(out, "Sessions drifting to the relationship (Dr. A, ended")
	if past < 0 || now < 0 || drift < 0 || !(now < past && past < drift) {
		t.Errorf("current concern at %d, history heading at %d, ended drift at %d:\n%s", now, past, drift, out)
	}
}

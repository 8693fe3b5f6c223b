package cli

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/upshot-app/upshot/internal/checkin"
	"github.com/upshot-app/upshot/internal/review"
)

// aReview is a review with every part the terminal form draws, built by hand:
// the renderer is tested on its own, whatever the rules find (they are
// tested in internal/review; the demo's whole text is pinned by
// TestDemoReviewIsUnchanged).
func aReview() *review.Review {
	series := func(totals ...int) []review.Point {
		pts := make([]review.Point, len(totals))
		for i, t := range totals {
			pts[i] = review.Point{CheckInID: int64(i + 1), Total: t}
		}
		return pts
	}
	phq := series(0, 8, 16, 24)
	return &review.Review{
		Safety:  &review.SafetyNotice{Text: "You deserve support.\nSamaritans 116 123\nUpshot is not a crisis service."},
		Verdict: "Please read the note about support first.",
		Findings: []review.Finding{
			{Code: review.CodeSafety, Severity: review.Urgent, Title: "Thoughts of self-harm", Detail: "Said in the notice above."},
			{Code: review.CodeRelationshipDrift, Severity: review.Concern, Title: "Sessions drifting to the relationship", Detail: "In your last 4 sessions with Dr. B, 50% of the time went to the relationship."},
			{Code: review.CodeGoalNeglected, Severity: review.Attention, Title: "A goal has not come up lately", Detail: "'Sleep' has not come up in your last 4 sessions."},
			{Code: review.CodeCost, Severity: review.Info, Title: "What it has cost", Detail: "10 sessions."},
			{Code: review.CodeRelationshipDrift, Severity: review.Concern, Title: "Sessions drifting to the relationship (Dr. A, ended 2025-01-01)", Detail: "Earlier.", Past: true},
		},
		Measures: []review.Measure{{ShortName: "PHQ-9", Min: 0, Max: 27, Series: phq, Baseline: &phq[0], Latest: &phq[3], Reliable: "deterioration", Validated: true, ReliableChangeSize: 6}},
		Focus: review.FocusSummary{Therapists: []review.FocusWindows{{TherapistID: 2, FirstSessions: []int64{1, 2, 3, 4}, RecentSessions: []int64{5, 6, 7, 8},
			FirstLife: 0.8, FirstRelationship: 0.1, RecentLife: 0.3, RecentRelationship: 0.5}}},
		Scope:     review.Scope{Therapists: []review.TherapistRef{{ID: 2, Name: "Dr. B"}}},
		GoingWell: []string{"You keep coming back to your goals."},
		Agenda:    []string{"Tell your therapist or your doctor how you have been feeling.", "Tell Dr. B that you recorded the time going to the relationship."},
	}
}

// The terminal form puts the key parts in this order, readable at a glance,
// within the width: the notice first, the present by severity, history
// after it, then the charts, what goes well and the agenda.
func TestWriteReviewText(t *testing.T) {
	for _, width := range []int{60, 80, 120} {
		var b strings.Builder
		if err := writeReviewText(&b, aReview(), width); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		parts := []string{
			"── Support", "You deserve support", "Samaritans 116 123", "Upshot is not a crisis service.",
			"Please read the note about support first.",
			"Concerns\n", "• Sessions drifting to the relationship\n",
			"Worth your attention\n", "• A goal has not come up lately",
			"For your information\n", "• What it has cost",
			"From a therapy that has ended\n", "• Sessions drifting to the relationship (Dr. A, ended",
			"Scores over time\n", "PHQ-9  ▁▃▅▇  0 → 24 (reliably worse)",
			"Where session time went\n", "Dr. B  first 4  ████", "last 4   █",
			"What is going well\n", "• You keep coming back to your goals.",
			"What to bring to your next session\n", "  1. Tell your therapist or your doctor", "  2. Tell Dr. B that you recorded",
		}
		at := 0
		for _, p := range parts {
			i := strings.Index(out[at:], p)
			if i < 0 {
				t.Fatalf("width %d: %q missing or out of order after byte %d in:\n%s", width, p, at, out)
			}
			at += i + len(p)
		}
		if strings.Contains(out, "Urgent\n") || strings.Contains(out, "Thoughts of self-harm") {
			t.Errorf("width %d: the safety finding is repeated under Urgent:\n%s", width, out)
		}
		for _, line := range strings.Split(out, "\n") {
			if n := utf8.RuneCountInString(line); n > width {
				t.Errorf("width %d: line of %d characters: %q", width, n, line)
			}
		}
		if !strings.Contains(out, "░") {
			t.Errorf("width %d: no focus bar:\n%s", width, out)
		}
	}
}

// A sparkline is drawn on the instrument's own scale, not the series'
// range: 0 to 24 of 27 stays below the top.
func TestSparklineUsesTheInstrumentScale(t *testing.T) {
	if got := sparkline(aReview().Measures[0].Series, 0, 27); got != "▁▃▅▇" {
		t.Errorf("sparkline of 0, 8, 16, 24 on 0-27 = %q, want ▁▃▅▇", got)
	}
	if got := sparkline(aReview().Measures[0].Series, 0, 24); got != "▁▃▆█" {
		t.Errorf("sparkline of 0, 8, 16, 24 on 0-24 = %q, want ▁▃▆█", got)
	}
}

// The terminal form prints the safety notice once, as written, and nothing
// else about crisis services: the safety finding is not repeated.
func TestWriteReviewTextSafetyOnce(t *testing.T) {
	r := aReview()
	r.Safety.Text = checkin.SafetyNotice("Samaritans 116 123")
	r.Findings[0].Detail = "Please read the note about support at the top."
	var b strings.Builder
	if err := writeReviewText(&b, r, 200); err != nil {
		t.Fatal(err)
	}
	// Compare words, not line breaks: the printer wraps at the width.
	out := strings.Join(strings.Fields(b.String()), " ")
	for _, line := range strings.Split(r.Safety.Text, "\n") {
		if n := strings.Count(out, strings.Join(strings.Fields(line), " ")); n != 1 {
			t.Errorf("notice line %q printed %d times in:\n%s", line, n, out)
		}
	}
	if n := strings.Count(out, "not a crisis service"); n != 1 {
		t.Errorf("'not a crisis service' said %d times", n)
	}
}

// A change on a scale that is not validated is never called reliable in the
// measure line, whatever the review's reliable field holds.
func TestUnvalidatedScaleIsNeverReliable(t *testing.T) {
	r := aReview()
	r.Measures[0].ShortName, r.Measures[0].Validated = "CMS", false
	var b strings.Builder
	if err := writeReviewText(&b, r, 80); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(b.String(), "\n") {
		if strings.Contains(line, "CMS") && strings.Contains(strings.ToLower(line), "reliabl") {
			t.Errorf("the measure line calls a change on an unvalidated scale reliable: %s", line)
		}
	}
	r.Measures[0].Validated = true
	b.Reset()
	if err := writeReviewText(&b, r, 80); err != nil || !strings.Contains(b.String(), "CMS  ▁▃▅▇  0 → 24 (reliably worse)") {
		t.Errorf("the validated scale's line does not say so, so the test above cannot fail:\n%s", b.String())
	}
}

package review_test

import (
	"testing"

	"github.com/upshot-app/upshot/internal/demo"
	"github.com/upshot-app/upshot/internal/review"
	"github.com/upshot-app/upshot/internal/upshot"
)

// The demo tells the story Upshot exists for; its review must show it: the
// drift with the first therapist and the recovery with the second.
func TestDemoReview(t *testing.T) {
	t.Parallel()
	for _, d := range []upshot.Date{upshot.NewDate(2025, 6, 1), upshot.NewDate(2026, 2, 28)} {
		snap, err := demo.Build(d, reg)
		if err != nil {
			t.Fatal(err)
		}
		r := review.Run(snap, reg, review.Options{Today: d})
		if len(r.Scope.Therapists) != 2 {
			t.Fatalf("demo has %d therapists in scope, want 2", len(r.Scope.Therapists))
		}
		first, second := r.Scope.Therapists[0].ID, r.Scope.Therapists[1].ID
		for _, c := range []review.Code{review.CodeRelationshipDrift, review.CodeGoalNeglected, review.CodeConductConcern, review.CodeRedFlags} {
			if !has(r, c, first) {
				t.Errorf("%s: demo review lacks %s for the first therapist: %v", d, c, codes(r))
			}
			if has(r, c, second) {
				t.Errorf("%s: demo review shows %s for the second therapist", d, c)
			}
		}
		if !has(r, review.CodeReliableImprovement, second) {
			t.Errorf("%s: demo review lacks reliable_improvement for the second therapist: %v", d, codes(r))
		}
		if r.Safety != nil {
			t.Errorf("%s: the demo should not show a safety notice", d)
		}
		assertSorted(t, r)
	}
}

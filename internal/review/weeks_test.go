package review_test

import (
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/review"
	"github.com/upshot-app/upshot/internal/upshot"
)

// A course's weeks run from the first session to the latest, to one
// decimal: one session is 0 weeks, two a week apart 1, ten weekly 9.
func TestCourseWeeks(t *testing.T) {
	t.Parallel()
	start := upshot.DateOf(time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC))
	for _, tt := range []struct {
		days int
		want float64
	}{{0, 0}, {6, 0.9}, {7, 1}, {63, 9}, {64, 9.1}, {70, 10}} {
		c := review.TherapyCourse{Start: start, Last: start.AddDays(tt.days)}
		if got := c.Weeks(); got != tt.want {
			t.Errorf("sessions %d days apart: %v weeks, want %v", tt.days, got, tt.want)
		}
	}
	if got := (review.TherapyCourse{}).Weeks(); got != 0 {
		t.Errorf("no session: %v weeks", got)
	}
}

package review_test

import (
	"testing"

	"github.com/upshot-app/upshot/internal/review"
	"github.com/upshot-app/upshot/internal/upshot"
)

// staleCourse: a PHQ-9 at the first session, then n more weekly sessions
// with no check-in; the review is read the day after the last session.
func staleCourse(n int) func(h *hist) {
	return func(h *hist) {
		a := h.therapist("Dr. A")
		h.phq9(day(0), 12, 0)
		h.weekly(a, day(0), n+1)
	}
}

// staleDaysCourse: a PHQ-9 at the first of two sessions days apart.
func staleDaysCourse(days int) func(h *hist) {
	return func(h *hist) {
		a := h.therapist("Dr. A")
		h.phq9(day(0), 12, 0)
		h.session(a, day(0))
		h.session(a, day(days-1))
	}
}

// helpfulCourse: four sessions rated helpful as given.
func helpfulCourse(vs ...int) func(h *hist) {
	return func(h *hist) {
		a := h.therapist("Dr. A")
		for i, v := range vs {
			h.session(a, day(7*i), func(s *upshot.Session) { s.Helpful = upshot.Ptr(v) })
		}
	}
}

// worseningCourse: a goal whose recorded progress over four sessions sums to total.
func worseningCourse(progress ...int) func(h *hist) {
	return func(h *hist) {
		a := h.therapist("Dr. A")
		g := h.goal("Sleep through the night", day(0))
		for i, p := range progress {
			h.session(a, day(7*i), addresses(g, upshot.Ptr(p)))
		}
	}
}

// longFlagCourse: weekly sessions for a year, n of them flagged
// 'dependency' spread every `every` weeks, never two in five sessions.
func longFlagCourse(n, every int) func(h *hist) {
	return func(h *hist) {
		a := h.therapist("Dr. A")
		ss := h.weekly(a, day(0), 52)
		for i := range n {
			ss[51-i*every].Flags = []string{upshot.FlagDependency}
			ss[51-i*every].Note = "They said I should not see anyone else."
		}
	}
}

// frequencyCourse: one session every 28 days for three months, fortnightly
// in between, then `late` sessions in the last three months, with a
// 'pressured' flag.
func frequencyCourse(late int) func(h *hist) {
	return func(h *hist) {
		a := h.therapist("Dr. A")
		h.weekly(a, day(0), 3, func(s *upshot.Session) {}) // 3 in the first 84 days: 1 per 28 days
		for i := range 3 {
			h.session(a, day(7*4*3+14*i+14))
		}
		start := day(7 * 4 * 3 * 2)
		for i := range late {
			h.session(a, start.AddDays(83-i*(83/late)), flags(upshot.FlagPressured))
		}
	}
}

func courseCases() []thresholdCase {
	return []thresholdCase{
		{"measures_stale: 6 sessions after the latest check-in", review.CodeMeasuresStale, true, staleCourse(6)},
		{"measures_stale: 5 sessions after", review.CodeMeasuresStale, false, staleCourse(5)},
		{"measures_stale: 42 days old with sessions going on", review.CodeMeasuresStale, true, staleDaysCourse(42)},
		{"measures_stale: 41 days old", review.CodeMeasuresStale, false, staleDaysCourse(41)},
		{"low_helpfulness: average 3", review.CodeLowHelpfulness, true, helpfulCourse(3, 3, 2, 4)},
		{"low_helpfulness: average 3.25", review.CodeLowHelpfulness, false, helpfulCourse(3, 3, 3, 4)},
		{"goals_worsening: progress -1 over the recent window", review.CodeGoalsWorsening, true, worseningCourse(0, -1, 1, -1)},
		{"goals_worsening: progress 0", review.CodeGoalsWorsening, false, worseningCourse(0, -1, 1, 0)},
		{"red_flags: 3 dependency flags within 180 days", review.CodeRedFlags, true, longFlagCourse(3, 8)},
		{"red_flags: 2 dependency flags within 180 days", review.CodeRedFlags, false, longFlagCourse(2, 8)},
		{"red_flags: 3 dependency flags over 183 days", review.CodeRedFlags, false, longFlagCourse(3, 13)},
		{"frequency_rising: 1.5 per 28 days against 1", review.CodeFrequencyRising, true, frequencyCourse(5)},
		{"frequency_rising: 1.33 per 28 days against 1", review.CodeFrequencyRising, false, frequencyCourse(4)},
	}
}

// Settings of the course model move their thresholds.
func TestCourseSettingsMoveThresholds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		setting       upshot.SettingName
		value         string
		code          review.Code
		build         func(h *hist)
		before, after bool
	}{
		{"stale after 5 sessions", "stale_sessions", "5", review.CodeMeasuresStale, staleCourse(5), false, true},
		{"stale after 41 days", "stale_days", "41", review.CodeMeasuresStale, staleDaysCourse(41), false, true},
		{"helpful low at 3.25", "helpful_low_max", "3.25", review.CodeLowHelpfulness, helpfulCourse(3, 3, 3, 4), false, true},
		{"long flags: 2 are enough", "flag_long_min_sessions", "2", review.CodeRedFlags, longFlagCourse(2, 8), false, true},
		{"long flags: a window of 183 days", "flag_long_window_days", "183", review.CodeRedFlags, longFlagCourse(3, 13), false, true},
		{"frequency rise of 4/3", "frequency_rise", "1.33", review.CodeFrequencyRising, frequencyCourse(4), false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHist()
			tt.build(h)
			h.valid(t)
			if got := has(h.review(), tt.code, 0); got != tt.before {
				t.Fatalf("default: %s fired=%v, want %v; %v", tt.code, got, tt.before, codes(h.review()))
			}
			h.set(tt.setting, tt.value)
			r := h.review()
			if got := has(r, tt.code, 0); got != tt.after {
				t.Errorf("%s=%s: %s fired=%v, want %v", tt.setting, tt.value, tt.code, got, tt.after)
			}
			if r.SettingsUsed[tt.setting] != tt.value {
				t.Errorf("settings_used[%s] = %q, want %q", tt.setting, r.SettingsUsed[tt.setting], tt.value)
			}
		})
	}
}

// inactive_days and baseline_days at and one step short of their thresholds.
func TestCourseBoundarySettings(t *testing.T) {
	t.Parallel()
	// A single therapist whose last session is 60 (ended) or 59 days ago.
	for _, tc := range []struct {
		quiet  int
		active bool
	}{{60, true}, {61, false}} {
		h := newHist()
		a := h.therapist("Dr. A")
		h.weekly(a, day(0), 4)
		r := h.review(func(o *review.Options) { o.Today = day(21 + tc.quiet) })
		if r.Scope.Therapists[0].Current != tc.active {
			t.Errorf("%d days since the last session: current %v, want %v", tc.quiet, r.Scope.Therapists[0].Current, tc.active)
		}
	}
	// The intake check-in 30 days before the first session is the baseline; 31 is not.
	for _, tc := range []struct {
		before int
		want   int
	}{{30, 16}, {31, 14}} {
		h := newHist()
		a := h.therapist("Dr. A")
		h.phq9(day(100-tc.before), 16, 0)
		h.weekly(a, day(100), 8)
		h.phq9(day(110), 14, 0)
		h.phq9(day(149), 9, 0)
		r := h.review()
		if findingBaseline(r) != tc.want {
			t.Errorf("intake %d days before: baseline %d, want %d; %v", tc.before, findingBaseline(r), tc.want, codes(r))
		}
	}
}

// findingBaseline is the baseline the PHQ-9 outcome was judged from.
func findingBaseline(r *review.Review) int {
	for _, f := range r.Findings {
		if f.Code == review.CodeRecovery {
			return int(f.Evidence.Numbers["baseline"])
		}
	}
	return -1
}

package review_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/upshot-app/upshot/internal/review"
	"github.com/upshot-app/upshot/internal/upshot"
)

// Every rule is tested at its threshold (fires) and one step short of it
// (silent), on records built as a person would enter them.
type thresholdCase struct {
	name  string
	code  review.Code
	fire  bool
	build func(h *hist)
}

// phqCourse: baseline and latest PHQ-9 around n weekly sessions with one therapist.
func phqCourse(base, latest, sessions int) func(h *hist) {
	return func(h *hist) {
		a := h.therapist("Dr. A")
		h.phq9(day(0), base, 0)
		h.weekly(a, day(0), sessions)
		h.phq9(day(7*(sessions-1)), latest, 0)
	}
}

// driftCourse: first window with firstRel% on the relationship, recent
// window with recentRel%, the rest on life and admin.
func driftCourse(firstRel, recentRel, recentSessions int) func(h *hist) {
	return func(h *hist) {
		a := h.therapist("Dr. A")
		h.weekly(a, day(0), 4, focus(80-firstRel, firstRel, 0, 20, 0))
		h.weekly(a, day(28), recentSessions, focus(80-recentRel, recentRel-5, 5, 20, 0))
	}
}

// centredCourse: four sessions with rel% on the relationship and life% on life.
func centredCourse(life, rel int) func(h *hist) {
	return func(h *hist) {
		a := h.therapist("Dr. A")
		h.weekly(a, day(0), 4, focus(life, rel, 0, 100-life-rel, 0))
	}
}

// neglectCourse: a goal addressed in the first session, then n sessions without it.
func neglectCourse(n int) func(h *hist) {
	return func(h *hist) {
		a := h.therapist("Dr. A")
		g := h.goal("Sleep through the night", day(0))
		h.session(a, day(0), addresses(g, upshot.Ptr(1)))
		h.weekly(a, day(7), n)
	}
}

// expertiseCourse: four recent sessions, n of them with nothing got.
func expertiseCourse(none, withheld int) func(h *hist) {
	return func(h *hist) {
		a := h.therapist("Dr. A")
		ss := h.weekly(a, day(0), 6)
		for i := range none {
			ss[5-i].Got = []string{upshot.GotNone}
		}
		for i := range withheld {
			ss[5-none-i].Flags = []string{upshot.FlagWithheldOpinion}
		}
	}
}

func conductCourse(earlier, recent []int) func(h *hist) {
	return func(h *hist) {
		a := h.therapist("Dr. A")
		i := 0
		for _, v := range append(append([]int{}, earlier...), recent...) {
			h.session(a, day(7*i), rate("respect", v))
			i++
		}
	}
}

// conductLongAgo: a session rating respect v, then later sessions that rate
// nothing.
func conductLongAgo(v, later int) func(h *hist) {
	return func(h *hist) {
		a := h.therapist("Dr. A")
		h.session(a, day(0), unrated, rate("respect", v))
		h.weekly(a, day(7), later, unrated)
	}
}

// conductOnce: respect rated once before the recent window (earlier) and
// once in it (recent), three sessions rating nothing between them.
func conductOnce(earlier, recent int) func(h *hist) {
	return func(h *hist) {
		a := h.therapist("Dr. A")
		h.session(a, day(0), unrated, rate("respect", earlier))
		h.weekly(a, day(7), 3, unrated)
		h.session(a, day(28), unrated, rate("respect", recent))
	}
}

// flagCourse: ten sessions, the flag in the sessions at the given indexes.
func flagCourse(flag string, at ...int) func(h *hist) {
	return func(h *hist) {
		a := h.therapist("Dr. A")
		ss := h.weekly(a, day(0), 10)
		for _, i := range at {
			ss[i].Flags = []string{flag}
		}
	}
}

// mixedFlagCourse: ten sessions, each index given its own flags, so the kinds
// differ from session to session.
func mixedFlagCourse(at map[int][]string) func(h *hist) {
	return func(h *hist) {
		a := h.therapist("Dr. A")
		ss := h.weekly(a, day(0), 10)
		for i, fs := range at {
			ss[i].Flags = fs
		}
	}
}

func worseCourse(worse int) func(h *hist) {
	return func(h *hist) {
		a := h.therapist("Dr. A")
		ss := h.weekly(a, day(0), 8)
		for i := range worse {
			ss[7-2*i].After = upshot.AfterWorse
		}
	}
}

// focusCheck: two focus checks with the given answers (free time, put off, life attention).
func focusCheck(first, latest [3]int) func(h *hist) {
	return func(h *hist) {
		a := h.therapist("Dr. A")
		h.weekly(a, day(0), 4)
		h.checkin("focus", day(0), first[:]...)
		h.checkin("focus", day(21), latest[:]...)
	}
}

func thresholdCases() []thresholdCase {
	return append(courseCases(), []thresholdCase{
		{"agenda_unresolved: raised 3 times", review.CodeAgendaUnresolved, true, agendaCourse(3)},
		{"agenda_unresolved: raised twice", review.CodeAgendaUnresolved, false, agendaCourse(2)},
		{"safety: item 9 above 0 in the latest PHQ-9", review.CodeSafety, true, func(h *hist) {
			h.phq9(day(0), 5, 0)
			h.phq9(day(14), 3, 1)
		}},
		{"safety: earlier item 9 only", review.CodeSafety, false, func(h *hist) {
			h.phq9(day(0), 5, 1)
			h.phq9(day(14), 3, 0)
		}},

		{"reliable_improvement: PHQ-9 falls 6", review.CodeReliableImprovement, true, phqCourse(16, 10, 3)},
		{"reliable_improvement: PHQ-9 falls 5", review.CodeReliableImprovement, false, phqCourse(16, 11, 3)},
		{"reliable_improvement: GAD-7 falls 4", review.CodeReliableImprovement, true, func(h *hist) { h.gad7(day(0), 12); h.gad7(day(14), 8) }},
		{"reliable_improvement: GAD-7 falls 3", review.CodeReliableImprovement, false, func(h *hist) { h.gad7(day(0), 12); h.gad7(day(14), 9) }},
		{"meaningful_improvement: WHO-5 rises 12 (smallest reachable >= 10)", review.CodeMeaningfulImprovement, true, func(h *hist) { h.who5(day(0), 40); h.who5(day(14), 52) }},
		{"meaningful_improvement: WHO-5 rises 8", review.CodeMeaningfulImprovement, false, func(h *hist) { h.who5(day(0), 40); h.who5(day(14), 48) }},

		{"reliable_deterioration: PHQ-9 rises 6", review.CodeReliableDeterioration, true, phqCourse(10, 16, 3)},
		{"reliable_deterioration: PHQ-9 rises 5", review.CodeReliableDeterioration, false, phqCourse(10, 15, 3)},
		{"meaningful_deterioration: WHO-5 falls 12", review.CodeMeaningfulDeterioration, true, func(h *hist) { h.who5(day(0), 60); h.who5(day(14), 48) }},
		{"meaningful_deterioration: WHO-5 falls 8", review.CodeMeaningfulDeterioration, false, func(h *hist) { h.who5(day(0), 60); h.who5(day(14), 52) }},

		{"recovery: case 12 to 9", review.CodeRecovery, true, phqCourse(12, 9, 3)},
		{"recovery: case 12 to 10, still a case", review.CodeRecovery, false, phqCourse(12, 10, 3)},
		{"recovery: non-case baseline 9", review.CodeRecovery, false, phqCourse(9, 4, 3)},
		// Every reliable recovery is also a recovery (NHS Talking Therapies counts both).
		{"recovery: reliable recovery 15 to 9", review.CodeRecovery, true, phqCourse(15, 9, 3)},

		{"reliable_recovery: 15 to 9", review.CodeReliableRecovery, true, phqCourse(15, 9, 3)},
		{"reliable_recovery: 14 to 9, fall of 5", review.CodeReliableRecovery, false, phqCourse(14, 9, 3)},
		{"reliable_recovery: 16 to 10, still a case", review.CodeReliableRecovery, false, phqCourse(16, 10, 3)},

		{"no_reliable_improvement: 8 sessions", review.CodeNoReliableImprovement, true, phqCourse(16, 14, 8)},
		{"no_reliable_improvement: 7 sessions", review.CodeNoReliableImprovement, false, phqCourse(16, 14, 7)},
		{"no_reliable_improvement: not a case at baseline", review.CodeNoReliableImprovement, false, phqCourse(9, 9, 8)},
		{"no_reliable_improvement: improved", review.CodeNoReliableImprovement, false, phqCourse(16, 10, 8)},

		// Baseline 16, 4 sessions: the expected course is 16 - 6*4/8 = 13;
		// off track is more than 3 (half of 6) behind it.
		{"off_track: 4 behind the expected course", review.CodeOffTrack, true, phqCourse(16, 17, 4)},
		{"off_track: 3 behind the expected course", review.CodeOffTrack, false, phqCourse(16, 16, 4)},
		// Baseline 8 is outside the clinical range: the expected course is
		// to stay at 8, and off track is more than 3 worse than that.
		{"off_track: a good start 5 worse (8 to 13)", review.CodeOffTrack, true, phqCourse(8, 13, 6)},
		{"off_track: a good start 3 worse (8 to 11)", review.CodeOffTrack, false, phqCourse(8, 11, 6)},
		{"off_track: a good start improving (8 to 4)", review.CodeOffTrack, false, phqCourse(8, 4, 8)},

		{"relationship_drift: 30% now, +30 points", review.CodeRelationshipDrift, true, driftCourse(0, 30, 4)},
		{"relationship_drift: 29% now", review.CodeRelationshipDrift, false, driftCourse(0, 29, 4)},
		{"relationship_drift: rise of exactly 15", review.CodeRelationshipDrift, true, driftCourse(15, 30, 4)},
		{"relationship_drift: rise of 14", review.CodeRelationshipDrift, false, driftCourse(16, 30, 4)},
		{"relationship_drift: windows overlap (7 sessions)", review.CodeRelationshipDrift, false, driftCourse(0, 40, 3)},

		{"relationship_centred: relationship 41% over life 40%", review.CodeRelationshipCentred, true, centredCourse(40, 41)},
		{"relationship_centred: relationship equal to life", review.CodeRelationshipCentred, false, centredCourse(40, 40)},

		{"goal_neglected: 4 sessions without it", review.CodeGoalNeglected, true, neglectCourse(4)},
		{"goal_neglected: 3 sessions without it", review.CodeGoalNeglected, false, neglectCourse(3)},
		{"goal_neglected: only 3 sessions since it was set", review.CodeGoalNeglected, false, func(h *hist) {
			a := h.therapist("Dr. A")
			h.weekly(a, day(0), 10)
			h.goal("Sleep through the night", day(7*7))
		}},
		{"goal_neglected: 4 sessions since it was set, never addressed", review.CodeGoalNeglected, true, func(h *hist) {
			a := h.therapist("Dr. A")
			h.weekly(a, day(0), 10)
			h.goal("Sleep through the night", day(7*6))
		}},
		{"goal_neglected: solved goals are not neglected", review.CodeGoalNeglected, false, func(h *hist) {
			neglectCourse(6)(h)
			g := h.snap.Goals[0]
			g.Status, g.Closed = upshot.GoalSolved, day(1)
		}},

		{"goal_progress: progress recorded", review.CodeGoalProgress, true, neglectCourse(0)},
		{"goal_progress: addressed without progress", review.CodeGoalProgress, false, func(h *hist) {
			a := h.therapist("Dr. A")
			g := h.goal("Sleep through the night", day(0))
			h.session(a, day(0), addresses(g, nil))
		}},

		{"no_expertise: 2 of the last 4 with nothing", review.CodeNoExpertise, true, expertiseCourse(2, 0)},
		{"no_expertise: 1 of the last 4 with nothing", review.CodeNoExpertise, false, expertiseCourse(1, 0)},
		{"no_expertise: nothing once, opinion withheld once", review.CodeNoExpertise, true, expertiseCourse(1, 1)},

		{"conduct_concern: respect averages 2", review.CodeConductConcern, true, conductCourse(nil, []int{2, 2, 2, 2})},
		{"conduct_concern: respect averages 2.25", review.CodeConductConcern, false, conductCourse(nil, []int{2, 2, 2, 3})},
		{"conduct_concern: a single low rating, in the last session", review.CodeConductConcern, true, conductCourse(nil, []int{1})},
		{"conduct_concern: a low rating before the recent sessions", review.CodeConductConcern, false, conductLongAgo(1, 4)},
		{"conduct_concern: a low rating in the oldest recent session", review.CodeConductConcern, true, conductLongAgo(1, 3)},

		{"conduct_trend: falls by 1", review.CodeConductTrend, true, conductCourse([]int{4, 4, 4, 4}, []int{3, 3, 3, 3})},
		{"conduct_trend: falls by 0.75", review.CodeConductTrend, false, conductCourse([]int{4, 4, 4, 4}, []int{3, 3, 3, 4})},
		{"conduct_trend: one rating on each side", review.CodeConductTrend, false, conductOnce(5, 3)},

		{"red_flags: a flag in 2 of the last 5", review.CodeRedFlags, true, flagCourse(upshot.FlagBlamed, 5, 9)},
		{"red_flags: a flag in 1 of the last 5", review.CodeRedFlags, false, flagCourse(upshot.FlagBlamed, 4, 9)},
		{"red_flags: one boundary flag long ago", review.CodeRedFlags, true, flagCourse(upshot.FlagBoundary, 0)},
		// The rule counts sessions with any flag, not sessions with the same one.
		{"red_flags: different flags in 2 of the last 5", review.CodeRedFlags, true, mixedFlagCourse(map[int][]string{
			5: {upshot.FlagBlamed}, 9: {upshot.FlagPushedRelationship}})},
		{"red_flags: different flags in 3 of the last 5", review.CodeRedFlags, true, mixedFlagCourse(map[int][]string{
			5: {upshot.FlagBlamed}, 7: {upshot.FlagPushedRelationship}, 9: {upshot.FlagDismissedAccount}})},
		{"red_flags: several flags in 1 of the last 5, one before it", review.CodeRedFlags, false, mixedFlagCourse(map[int][]string{
			4: {upshot.FlagBlamed}, 9: {upshot.FlagPushedRelationship, upshot.FlagDismissedAccount, upshot.FlagSelfFocus}})},

		{"preoccupation_rising: total up 2, life attention down", review.CodePreoccupationRising, true, focusCheck([3]int{1, 1, 3}, [3]int{2, 1, 2})},
		{"preoccupation_rising: total up 1", review.CodePreoccupationRising, false, focusCheck([3]int{1, 1, 3}, [3]int{1, 1, 2})},
		{"preoccupation_rising: total up 2, life attention the same", review.CodePreoccupationRising, false, focusCheck([3]int{1, 1, 3}, [3]int{2, 2, 3})},

		{"worse_after: 3 of the last 5", review.CodeWorseAfter, true, worseCourse(3)},
		{"worse_after: 2 of the last 5", review.CodeWorseAfter, false, worseCourse(2)},

		{"cost: one session", review.CodeCost, true, func(h *hist) { h.session(h.therapist("Dr. A"), day(0)) }},
		{"cost: no sessions", review.CodeCost, false, func(h *hist) { h.phq9(day(0), 4, 0) }},
	}...)
}

// cmsCourse is phqCourse on "cms", a PHQ-9 copy that is not validated.
func cmsCourse(base, latest, sessions int) func(h *hist) {
	return func(h *hist) {
		a := h.therapist("Dr. A")
		h.checkin("cms", day(0), spread(base, 9, 3)...)
		h.weekly(a, day(0), sessions)
		h.checkin("cms", day(7*(sessions-1)), spread(latest, 9, 3)...)
	}
}

// The outcome rules are for validated scales: a questionnaire that is not
// validated gets its summary and words by its own rule, never a finding
// that calls its change reliable or a recovery.
func TestUnvalidatedScaleHasNoOutcomeFindings(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name                  string
		base, latest, session int
	}{
		{"reliably better and out of range", 15, 9, 3},
		{"reliably worse", 10, 16, 3},
		{"no improvement after 8 sessions", 16, 14, 8},
		{"behind the course", 16, 17, 4},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHist()
			cmsCourse(tt.base, tt.latest, tt.session)(h)
			h.valid(t)
			r := h.review()
			for _, f := range r.Findings {
				if f.Instrument == "cms" {
					t.Errorf("finding %s on an unvalidated scale: %s", f.Code, f.Detail)
				}
			}
			m := r.Measures[0]
			if m.ID != "cms" || m.Recovery != nil || m.ReliableRecovery != nil {
				t.Errorf("measure %s: recovery %v, reliable recovery %v, want none", m.ID, m.Recovery, m.ReliableRecovery)
			}
			// The review's own sentences (the terminal form's measure line is
			// internal/cli's TestUnvalidatedScaleIsNeverReliable).
			for _, line := range append(append([]string{r.Verdict}, r.GoingWell...), r.Agenda...) {
				if strings.Contains(line, "CMS") && strings.Contains(strings.ToLower(line), "reliabl") {
					t.Errorf("review text calls a change on an unvalidated scale reliable: %s", line)
				}
			}
		})
	}
	// The same courses on PHQ-9 do fire, so the test above can fail.
	h := newHist()
	phqCourse(15, 9, 3)(h)
	if r := h.review(); !has(r, review.CodeReliableRecovery, 0) {
		t.Errorf("PHQ-9 15 to 9: no reliable recovery; findings %v", codes(r))
	}
}

// A reliable recovery is one piece of good news, said once.
func TestGoingWellSaysRecoveryOnce(t *testing.T) {
	t.Parallel()
	h := newHist()
	phqCourse(15, 9, 3)(h)
	r := h.review()
	n := 0
	for _, s := range r.GoingWell {
		if strings.Contains(s, "PHQ-9") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("going well mentions PHQ-9 %d times, want once: %q", n, r.GoingWell)
	}
}

// off_track from a good start asks about the worsening, not about an
// improvement nobody expected.
func TestOffTrackFromAGoodStartAgenda(t *testing.T) {
	t.Parallel()
	h := newHist()
	phqCourse(8, 13, 6)(h)
	r := h.review()
	if !has(r, review.CodeOffTrack, 0) {
		t.Fatalf("no off_track; findings %v", codes(r))
	}
	agenda := strings.Join(r.Agenda, "\n")
	if !strings.Contains(agenda, "PHQ-9 getting worse, from 8 to 13") || strings.Contains(agenda, "not improved reliably") {
		t.Errorf("agenda:\n%s", agenda)
	}
}

func TestThresholds(t *testing.T) {
	t.Parallel()
	covered := map[review.Code]bool{}
	for _, tt := range thresholdCases() {
		t.Run(tt.name, func(t *testing.T) {
			h := newHist()
			tt.build(h)
			h.valid(t)
			r := h.review()
			if got := has(r, tt.code, 0); got != tt.fire {
				t.Errorf("%s fired=%v, want %v; findings %v", tt.code, got, tt.fire, codes(r))
			}
			for _, f := range r.Findings {
				if f.Severity != review.SeverityOf[f.Code] || f.Title == "" || f.Detail == "" {
					t.Errorf("finding %s: severity %q title %q detail %q", f.Code, f.Severity, f.Title, f.Detail)
				}
				if strings.Contains(strings.ToLower(f.Detail), "you have depression") || strings.Contains(f.Detail, "diagnos") {
					t.Errorf("finding %s diagnoses: %s", f.Code, f.Detail)
				}
			}
		})
		if tt.fire {
			covered[tt.code] = true
		}
	}
	for _, c := range review.Codes {
		if !covered[c] {
			t.Errorf("no threshold case fires %s", c)
		}
	}
}

// Changing a setting moves its threshold: the same records cross or miss it.
func TestSettingsMoveThresholds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		setting       upshot.SettingName
		value         string
		code          review.Code
		build         func(h *hist)
		before, after bool
	}{
		{"drift share raised to 31", "drift_min_share", "31", review.CodeRelationshipDrift, driftCourse(0, 30, 4), true, false},
		{"drift rise raised to 31", "drift_min_rise", "31", review.CodeRelationshipDrift, driftCourse(0, 30, 4), true, false},
		{"no improvement after 7 sessions", "no_improvement_sessions", "7", review.CodeNoReliableImprovement, phqCourse(16, 14, 7), false, true},
		{"neglect after 3 sessions", "goal_neglect_sessions", "3", review.CodeGoalNeglected, neglectCourse(3), false, true},
		{"conduct concern at 2.25", "conduct_concern_max", "2.25", review.CodeConductConcern, conductCourse(nil, []int{2, 2, 2, 3}), false, true},
		{"conduct trend at 0.75", "conduct_trend_drop", "0.75", review.CodeConductTrend, conductCourse([]int{4, 4, 4, 4}, []int{3, 3, 3, 4}), false, true},
		{"red flags once is enough", "red_flag_min_sessions", "1", review.CodeRedFlags, flagCourse(upshot.FlagBlamed, 4, 9), false, true},
		{"red flag window of 6", "red_flag_window", "6", review.CodeRedFlags, flagCourse(upshot.FlagBlamed, 4, 9), false, true},
		{"red flags in 3 sessions, mixed kinds", "red_flag_min_sessions", "4", review.CodeRedFlags, mixedFlagCourse(map[int][]string{
			5: {upshot.FlagBlamed}, 7: {upshot.FlagPushedRelationship}, 9: {upshot.FlagDismissedAccount}}), true, false},
		{"worse after twice", "worse_after_min", "2", review.CodeWorseAfter, worseCourse(2), false, true},
		{"agenda item raised twice is enough", "agenda_unresolved_raises", "2", review.CodeAgendaUnresolved, agendaCourse(2), false, true},
		{"worse after window of 2", "worse_after_window", "2", review.CodeWorseAfter, worseCourse(3), true, false},
		{"expertise needs 3", "no_expertise_min", "3", review.CodeNoExpertise, expertiseCourse(2, 0), true, false},
		{"off track sooner", "expected_sessions_to_improve", "4", review.CodeOffTrack, phqCourse(16, 16, 4), false, true},
		{"off track margin of a quarter", "off_track_margin", "0.25", review.CodeOffTrack, phqCourse(16, 16, 4), false, true},
		{"off track margin of one", "off_track_margin", "1", review.CodeOffTrack, phqCourse(16, 17, 4), true, false},
		{"conduct trend on one rating each side", "conduct_trend_min_ratings", "1", review.CodeConductTrend, conductOnce(5, 3), false, true},
		{"recent window of 2 for centred", "recent_window", "2", review.CodeRelationshipCentred, func(h *hist) {
			a := h.therapist("Dr. A")
			h.weekly(a, day(0), 2, focus(20, 60, 0, 20, 0))
		}, false, true},
		{"first window of 1 for drift", "first_window", "1", review.CodeRelationshipDrift, func(h *hist) {
			a := h.therapist("Dr. A")
			h.session(a, day(0), focus(80, 0, 0, 20, 0))
			h.weekly(a, day(7), 4, focus(50, 30, 0, 20, 0))
		}, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHist()
			tt.build(h)
			if got := has(h.review(), tt.code, 0); got != tt.before {
				t.Fatalf("default: %s fired=%v, want %v", tt.code, got, tt.before)
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

// red_flags counts sessions with any flag; the finding still says which
// kinds, and its evidence is the flagged sessions in the window.
func TestRedFlagsMixedKinds(t *testing.T) {
	t.Parallel()
	h := newHist()
	mixedFlagCourse(map[int][]string{
		2: {upshot.FlagBlamed}, // before the window: not evidence
		5: {upshot.FlagBlamed},
		7: {upshot.FlagPushedRelationship, upshot.FlagBlamed},
		9: {upshot.FlagDismissedAccount},
	})(h)
	h.valid(t)
	r := h.review()
	fs := findingsWith(r, review.CodeRedFlags)
	if len(fs) != 1 {
		t.Fatalf("red_flags findings %v", codes(r))
	}
	f := fs[0]
	ss := h.snap.Sessions
	if want := []int64{ss[5].ID, ss[7].ID, ss[9].ID}; !slices.Equal(f.Evidence.Sessions, want) {
		t.Errorf("evidence sessions %v, want %v", f.Evidence.Sessions, want)
	}
	want := map[string]float64{"sessions_flagged": 3, "window": 5, "min_sessions": 2,
		upshot.FlagBlamed: 2, upshot.FlagPushedRelationship: 1, upshot.FlagDismissedAccount: 1}
	if !maps.Equal(f.Evidence.Numbers, want) {
		t.Errorf("evidence numbers %v, want %v", f.Evidence.Numbers, want)
	}
	for _, s := range []string{"3 of your last 5 sessions", "'blamed or shamed me' in 2", "'steered away from my problem to our relationship' in 1",
		"'denied or rewrote my account of what happened' in 1", "2 or more"} {
		if !strings.Contains(f.Detail, s) {
			t.Errorf("detail lacks %q: %s", s, f.Detail)
		}
	}
}

// agendaCourse raises one agenda item at n weekly sessions, never dealt with.
func agendaCourse(n int) func(h *hist) {
	return func(h *hist) {
		a := h.therapist("Dr. A")
		item := &upshot.AgendaItem{ID: h.id(), Text: "ask about homework", Source: upshot.AgendaMine, Status: upshot.AgendaOpen, Opened: day0}
		h.snap.AgendaItems = append(h.snap.AgendaItems, item)
		h.weekly(a, day(0), n, func(s *upshot.Session) {
			s.AgendaItems = []upshot.AgendaMark{{ItemID: item.ID, Mark: upshot.MarkRaised}}
		})
	}
}

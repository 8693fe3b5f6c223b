package review_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/upshot-app/upshot/internal/review"
	"github.com/upshot-app/upshot/internal/upshot"
)

// healthy is a therapy that works: sessions about life, concrete input,
// good conduct, scores that fall reliably.
func healthy(h *hist) int64 {
	b := h.therapist("Dr. B")
	sleep := h.goal("Sleep through the night", day(0))
	monday := h.goal("Stop dreading Monday meetings", day(0))
	for i := range 12 {
		g := sleep
		if i%2 == 1 {
			g = monday
		}
		h.session(b, day(7*i), focus(75, 5, 0, 20, 0), got("insight", "strategy"), after(upshot.AfterBetter),
			addresses(g, upshot.Ptr(1)), rate("respect", 5))
	}
	phq := []int{16, 14, 12, 10, 8, 7}
	gad := []int{12, 11, 9, 8, 6, 5}
	who := []int{36, 40, 48, 52, 60, 64}
	for i := range phq {
		h.phq9(day(14*i), phq[i], 0)
		h.gad7(day(14*i), gad[i])
		h.who5(day(14*i), who[i])
		h.checkin("focus", day(14*i), 1, 1, 3)
	}
	return b
}

// drifting is the pattern the essay warns about: after a good start the
// relationship takes over, goals stop coming up, conduct falls, red flags
// appear, and the person feels and scores worse.
func drifting(h *hist) (therapist, goal int64) {
	a := h.therapist("Dr. A")
	g := h.goal("Stop dreading Monday meetings", day(0))
	h.weekly(a, day(0), 4, focus(80, 0, 0, 20, 0), addresses(g, upshot.Ptr(1)), after(upshot.AfterBetter))
	for i := range 8 {
		rel := 30 + 3*i
		mods := []func(*upshot.Session){focus(70-rel, rel, 10, 20, 0), got(upshot.GotNone), rate("respect", 2), rate("honesty", 2)}
		if i >= 4 {
			mods = append(mods, flags(upshot.FlagPushedRelationship, upshot.FlagWithheldOpinion), after(upshot.AfterWorse))
		}
		h.session(a, day(28+7*i), mods...)
	}
	phq := []int{11, 12, 14, 15, 17, 18}
	for i := range phq {
		h.phq9(day(14*i), phq[i], 0)
	}
	h.checkin("focus", day(0), 1, 1, 3)
	h.checkin("focus", day(70), 3, 3, 1)
	return a, g
}

func severities(r *review.Review) map[review.Severity]int {
	m := map[review.Severity]int{}
	for _, f := range r.Findings {
		m[f.Severity]++
	}
	return m
}

func TestScenarioHealthy(t *testing.T) {
	t.Parallel()
	h := newHist()
	healthy(h)
	h.valid(t)
	r := h.review()
	if s := severities(r); s[review.Concern]+s[review.Urgent] != 0 {
		t.Errorf("healthy therapy has concerns: %v", codes(r))
	}
	for _, c := range []review.Code{review.CodeReliableImprovement, review.CodeReliableRecovery, review.CodeGoalProgress, review.CodeCost} {
		if !has(r, c, 0) {
			t.Errorf("healthy therapy lacks %s: %v", c, codes(r))
		}
	}
	if len(r.GoingWell) < 3 {
		t.Errorf("going_well should say what works, got %q", r.GoingWell)
	}
	if !strings.HasPrefix(r.Verdict, "Your records show this therapy helping") {
		t.Errorf("verdict %q", r.Verdict)
	}
	if r.Safety != nil {
		t.Error("healthy therapy shows a safety notice")
	}
	m := r.Measures[0]
	if m.ID != "phq9" || m.Baseline.Total != 16 || m.Latest.Total != 7 || *m.Change != -9 || m.Reliable != "improvement" ||
		!*m.Recovery || !*m.ReliableRecovery || m.Band != "mild" || *m.Caseness || len(m.Series) != 6 {
		t.Errorf("phq9 measure: %+v", m)
	}
	if ids := measureIDs(r); !slices.Equal(ids, []string{"phq9", "gad7", "who5", "focus"}) {
		t.Errorf("measures in order %v", ids)
	}
}

func measureIDs(r *review.Review) []string {
	var ids []string
	for _, m := range r.Measures {
		ids = append(ids, m.ID)
	}
	return ids
}

func TestScenarioDrifting(t *testing.T) {
	t.Parallel()
	h := newHist()
	a, g := drifting(h)
	h.valid(t)
	r := h.review()
	for _, c := range []review.Code{review.CodeRelationshipDrift, review.CodeRelationshipCentred, review.CodeGoalNeglected, review.CodeNoExpertise,
		review.CodeConductConcern, review.CodeRedFlags, review.CodeWorseAfter, review.CodeReliableDeterioration, review.CodePreoccupationRising} {
		if !has(r, c, a) {
			t.Errorf("drifting therapy lacks %s for Dr. A: %v", c, codes(r))
		}
	}
	drift := findingsWith(r, review.CodeRelationshipDrift)[0]
	// First 4: 0%; last 4: relationship 42..51 plus therapist 10 -> 56.5%.
	if drift.Evidence.Numbers["first_share"] != 0 || drift.Evidence.Numbers["recent_share"] != 56.5 || len(drift.Evidence.Sessions) != 8 {
		t.Errorf("drift evidence %+v", drift.Evidence)
	}
	if want := "In your last 4 sessions with Dr. A, 56.5% of the time went to your relationship with them"; !strings.HasPrefix(drift.Detail, want) {
		t.Errorf("drift detail %q", drift.Detail)
	}
	neg := findingsWith(r, review.CodeGoalNeglected)[0]
	if neg.GoalID != g || neg.Evidence.Numbers["sessions_since"] != 8 {
		t.Errorf("neglect %+v", neg)
	}
	// Red flags and conduct come before goal reminders, which a full
	// agenda may leave out (issue 10 item 13).
	if !strings.HasPrefix(r.Agenda[0], "Tell Dr. A that you recorded") || !strings.HasPrefix(r.Agenda[1], "Tell Dr. A how the sessions have felt") {
		t.Errorf("agenda starts %q", r.Agenda)
	}
	for _, want := range []string{"Ask to bring the sessions back to the problems you came with.",
		"Ask for the direct professional opinion you asked for and did not get.",
		"Say that you feel worse after sessions and that your PHQ-9 scores have got worse, and ask what the plan is."} {
		if !slices.Contains(r.Agenda, want) {
			t.Errorf("agenda lacks %q: %q", want, r.Agenda)
		}
	}
	if len(r.Agenda) > 6 {
		t.Errorf("agenda too long: %d", len(r.Agenda))
	}
	assertSorted(t, r)
	if !strings.HasPrefix(r.Verdict, "Your records show concerns worth raising: ") {
		t.Errorf("verdict %q", r.Verdict)
	}
	for _, s := range r.GoingWell {
		if strings.Contains(s, "Dr. A") {
			t.Errorf("going_well softens the concerns about Dr. A: %q", s)
		}
	}
}

func TestScenarioDeteriorating(t *testing.T) {
	t.Parallel()
	h := newHist()
	a := h.therapist("Dr. A")
	h.weekly(a, day(0), 6)
	h.phq9(day(0), 10, 0)
	h.gad7(day(0), 8)
	h.phq9(day(35), 17, 0)
	h.gad7(day(35), 14)
	h.valid(t)
	r := h.review()
	// NHS Talking Therapies judges the pair: one reliable deterioration,
	// on PHQ-9 and GAD-7 together (issue 10 item 3).
	if n := len(findingsWith(r, review.CodeReliableDeterioration)); n != 1 {
		t.Errorf("want one deterioration on PHQ-9 and GAD-7 together, got %d: %v", n, codes(r))
	}
	if has(r, review.CodeOffTrack, 0) {
		t.Error("off_track repeats a reliable deterioration")
	}
	if !slices.Contains(r.Agenda, "Say that your PHQ-9 and GAD-7 scores have got worse and ask what the plan is.") {
		t.Errorf("agenda %q", r.Agenda)
	}
	f := findingsWith(r, review.CodeReliableDeterioration)[0]
	if f.Instrument != "phq9+gad7" || !slices.Equal(f.Evidence.CheckIns, []int64{8, 10, 9, 11}) || f.Evidence.Numbers["phq9_change"] != 7 || f.TherapistID != a {
		t.Errorf("evidence %+v", f)
	}
}

var digits = regexp.MustCompile(`[0-9]`)

func TestScenarioSafety(t *testing.T) {
	t.Parallel()
	h := newHist()
	healthy(h)
	c := h.phq9(day(90), 4, 1) // a low total must not hide item 9
	h.set(upshot.SettingCrisisContacts, "Samaritans 116 123")
	h.valid(t)
	r := h.review()
	if len(r.Findings) == 0 || r.Findings[0].Code != review.CodeSafety || r.Findings[0].Severity != review.Urgent {
		t.Fatalf("safety is not first: %v", codes(r))
	}
	f := r.Findings[0]
	if !slices.Equal(f.Evidence.CheckIns, []int64{c.ID}) || len(f.Evidence.Numbers) != 0 {
		t.Errorf("safety evidence %+v", f.Evidence)
	}
	if d := strings.ReplaceAll(f.Detail, c.Date.String(), ""); digits.MatchString(d) {
		t.Errorf("safety detail carries a number: %q", f.Detail)
	}
	if r.Safety == nil || r.Safety.CrisisContacts != "Samaritans 116 123" || !strings.Contains(r.Safety.Text, "Samaritans 116 123") ||
		!strings.Contains(r.Safety.Text, "not a crisis service") {
		t.Errorf("notice %+v", r.Safety)
	}
	if r.SettingsUsed[upshot.SettingCrisisContacts] != "Samaritans 116 123" {
		t.Errorf("settings_used lacks crisis contacts: %v", r.SettingsUsed)
	}
	if !strings.HasPrefix(r.Agenda[0], "Tell your therapist or your doctor") {
		t.Errorf("agenda %q", r.Agenda)
	}
	// A review of an earlier period still shows how the person is now.
	if r := h.review(func(o *review.Options) { o.Since = day(200) }); r.Safety == nil || r.Findings[0].Code != review.CodeSafety {
		t.Error("scoping hid the safety notice")
	}
}

// A drift with the first therapist must not be averaged away by a good
// second one, and each therapy's outcome is judged on its own.
func TestPerTherapist(t *testing.T) {
	t.Parallel()
	h := newHist()
	a := h.therapist("Dr. A")
	b := h.therapist("Dr. B")
	g := h.goal("Sleep through the night", day(0))
	h.weekly(a, day(0), 4, focus(80, 0, 0, 20, 0), addresses(g, upshot.Ptr(0)))
	h.weekly(a, day(28), 6, focus(30, 50, 0, 20, 0), rate("respect", 1))
	h.endTherapist(a, day(63))
	h.weekly(b, day(80), 12, focus(80, 0, 0, 20, 0), addresses(g, upshot.Ptr(1)), after(upshot.AfterBetter))
	h.phq9(day(0), 12, 0)
	h.phq9(day(63), 19, 0) // worse with A
	h.phq9(day(80), 18, 0)
	h.phq9(day(150), 8, 0) // better with B
	h.valid(t)
	r := h.review()

	for _, c := range []review.Code{review.CodeRelationshipDrift, review.CodeRelationshipCentred, review.CodeConductConcern, review.CodeGoalNeglected, review.CodeReliableDeterioration} {
		if !has(r, c, a) {
			t.Errorf("lacks %s for Dr. A: %v", c, codes(r))
		}
		if has(r, c, b) {
			t.Errorf("%s wrongly for Dr. B", c)
		}
	}
	if !has(r, review.CodeReliableImprovement, b) || !has(r, review.CodeReliableRecovery, b) || has(r, review.CodeReliableImprovement, a) {
		t.Errorf("outcomes per therapist wrong: %+v", r.Findings)
	}
	// Overall the measure still runs from the first to the last check-in.
	m := r.Measures[0]
	if m.Baseline.Total != 12 || m.Latest.Total != 8 || len(m.Courses) != 2 || m.Courses[0].TherapistID != a || m.Courses[0].Reliable != "deterioration" {
		t.Errorf("measure %+v", m)
	}
	// Dr. A's therapy is over: the verdict leads with the therapy going on
	// and tells the ended one in the past tense, and its findings say whose
	// and since when they are history.
	if !strings.HasPrefix(r.Verdict, "Your records show this therapy helping: ") ||
		!strings.Contains(r.Verdict, " Earlier, with Dr. A (ended "+day(63).String()+"), your records showed ") ||
		strings.Contains(r.Verdict, "worth raising") {
		t.Errorf("verdict %q", r.Verdict)
	}
	for _, f := range r.Findings {
		titled := strings.HasSuffix(f.Title, "ended "+day(63).String()+")") && strings.Contains(f.Title, "Dr. A")
		if f.Past != (f.TherapistID == a) || titled != f.Past || strings.Count(f.Title, "Dr. A") > 1 {
			t.Errorf("finding %s about therapist %d: past %v, titled %q", f.Code, f.TherapistID, f.Past, f.Title)
		}
	}
	if neg := findingsWith(r, review.CodeGoalNeglected)[0]; !strings.Contains(neg.Detail, " did not come up in your last ") {
		t.Errorf("neglect in an ended therapy: %q", neg.Detail)
	}
	// Nothing about it goes on the agenda.
	for _, s := range r.Agenda {
		if strings.Contains(s, "Dr. A") || strings.Contains(s, "back to the problems") {
			t.Errorf("agenda item about the ended therapy: %q", s)
		}
	}
	if len(r.Focus.Therapists) != 2 || r.Focus.Therapists[0].RecentRelationship != 0.5 || r.Focus.Therapists[1].RecentRelationship != 0 {
		t.Errorf("focus windows %+v", r.Focus.Therapists)
	}

	// One therapist: only their sessions, and only check-ins from their first
	// session on.
	rb := h.review(func(o *review.Options) { o.TherapistID = b })
	if has(rb, review.CodeRelationshipDrift, 0) || rb.Scope.Sessions != 12 || rb.Measures[0].Baseline.Total != 18 {
		t.Errorf("therapist scope: %v sessions %d baseline %+v", codes(rb), rb.Scope.Sessions, rb.Measures[0].Baseline)
	}
	ra := h.review(func(o *review.Options) { o.TherapistID = a })
	// Dr. A ended on day 63: check-ins up to 14 days later still count (day 63), day 80 does not.
	if ra.Measures[0].Latest.Total != 19 || len(ra.Measures[0].Series) != 2 || has(ra, review.CodeReliableImprovement, 0) {
		t.Errorf("therapist A scope: %+v", ra.Measures[0])
	}
	rs := h.review(func(o *review.Options) { o.Since = day(80) })
	if rs.Scope.Sessions != 12 || len(rs.Measures[0].Series) != 2 || has(rs, review.CodeRelationshipDrift, 0) {
		t.Errorf("since scope: %d sessions %+v", rs.Scope.Sessions, rs.Measures[0].Series)
	}
}

// A solved goal is credited once, to the therapist of the last session that
// addressed it, whatever the review's scope: a review of the earlier
// therapist does not claim it.
func TestSolvedGoalCreditedOnceInAnyScope(t *testing.T) {
	t.Parallel()
	h := newHist()
	a := h.therapist("Dr. A")
	b := h.therapist("Dr. B")
	g := h.goal("Sleep through the night", day(0))
	h.weekly(a, day(0), 4, focus(80, 0, 0, 20, 0), addresses(g, upshot.Ptr(1)))
	h.weekly(b, day(35), 4, focus(80, 0, 0, 20, 0), addresses(g, upshot.Ptr(1)))
	goal := h.goalByID(g)
	goal.Status, goal.Closed = upshot.GoalSolved, day(60)
	h.valid(t)

	solved := func(r *review.Review) map[int64]int {
		m := map[int64]int{0: r.Cost.Total.GoalsSolved}
		for _, l := range r.Cost.Therapists {
			m[l.TherapistID] = l.GoalsSolved
		}
		return m
	}
	if got := solved(h.review()); got[0] != 1 || got[a] != 0 || got[b] != 1 {
		t.Errorf("whole review: goals solved %v, want 1 in total, all to Dr. B", got)
	}
	if got := solved(h.review(func(o *review.Options) { o.TherapistID = a })); got[0] != 0 || got[a] != 0 {
		t.Errorf("Dr. A's review: goals solved %v, want none (Dr. B's sessions addressed it last)", got)
	}
	if got := solved(h.review(func(o *review.Options) { o.TherapistID = b })); got[0] != 1 || got[b] != 1 {
		t.Errorf("Dr. B's review: goals solved %v, want 1", got)
	}
}

func assertSorted(t *testing.T, r *review.Review) {
	t.Helper()
	rank := func(f review.Finding) int {
		if f.Code == review.CodeSafety {
			return -1
		}
		return slices.Index(review.Severities, f.Severity)
	}
	for i := 1; i < len(r.Findings); i++ {
		if rank(r.Findings[i-1]) > rank(r.Findings[i]) {
			t.Errorf("findings out of order at %d: %v", i, codes(r))
		}
	}
}

func TestDeterministic(t *testing.T) {
	t.Parallel()
	h := newHist()
	drifting(h)
	healthy(h)
	a := render(t, h.review())
	// Shuffle the input order: the review must not depend on it.
	slices.Reverse(h.snap.Sessions)
	slices.Reverse(h.snap.CheckIns)
	slices.Reverse(h.snap.Goals)
	if b := render(t, h.review()); a != b {
		t.Error("review depends on record order")
	}
}

func TestEmpty(t *testing.T) {
	t.Parallel()
	r := review.Run(&upshot.Snapshot{}, reg, review.Options{Today: today})
	if len(r.Findings) != 0 || r.Verdict == "" || r.Findings == nil || r.Agenda == nil || r.GoingWell == nil {
		t.Errorf("empty review %+v", r)
	}
	if !strings.Contains(r.Verdict, "nothing to review") {
		t.Errorf("empty verdict %q", r.Verdict)
	}
}

// A check-in whose definition is missing is left out and listed, not
// scored against a guess.
func TestUnscored(t *testing.T) {
	t.Parallel()
	h := newHist()
	h.phq9(day(0), 10, 0)
	c := h.phq9(day(7), 10, 0)
	c.InstrumentVersion = 99
	r := h.review()
	if m := r.Measures[0]; len(m.Series) != 1 || !slices.Equal(m.Unscored, []int64{c.ID}) {
		t.Errorf("measure %+v", m)
	}
}

// A check-in is judged by the definition stored with it, not the registry's
// current one: resolution is checkin's, so the review and the check-in page
// agree. Here the stored PHQ-9 of the same version uses the Jacobson-Truax
// rule instead of the fixed size of 6.
func TestStoredDefinitionWins(t *testing.T) {
	t.Parallel()
	h := newHist()
	h.phq9(day(0), 16, 0)
	h.phq9(day(14), 11, 0)
	def := strings.Replace(string(h.snap.Definitions[0].Data), `"reliable_change": {"size": 6}`, `"reliable_change": {"sd": 4, "reliability": 0.84}`, 1)
	if def == string(h.snap.Definitions[0].Data) {
		t.Fatal("the PHQ-9 definition no longer has a fixed reliable-change size of 6")
	}
	h.snap.Definitions[0].Data = []byte(def)
	r := h.review()
	// 1.96 * sqrt(2) * 4 * sqrt(1 - 0.84) = 4.43: a fall of 5 is reliable now.
	m := r.Measures[0]
	if m.ReliableChangeSize != 4.43 || m.Reliable != "improvement" || m.RCI == nil || len(m.Unscored) != 0 {
		t.Errorf("measure judged by the registry's definition: size %v reliable %q rci %v unscored %v", m.ReliableChangeSize, m.Reliable, m.RCI, m.Unscored)
	}
	if f := findingsWith(r, review.CodeReliableImprovement); len(f) != 1 || f[0].Evidence.Numbers["reliable_change"] != 4.43 {
		t.Errorf("reliable_improvement %+v", f)
	}
}

// Scores measured after the only therapy ended belong to now: a worsening
// months later is not filed away as that therapy's history.
func TestWorseningAfterTheOnlyTherapyEnded(t *testing.T) {
	t.Parallel()
	h := newHist()
	a := h.therapist("Dr. A")
	h.weekly(a, day(0), 8)
	h.endTherapist(a, day(49))
	h.phq9(day(0), 8, 0)
	h.phq9(day(49), 8, 0)
	h.phq9(day(150), 20, 0)
	h.valid(t)
	r := h.review()
	worse := findingsWith(r, review.CodeReliableDeterioration)
	if len(worse) != 1 || worse[0].Past || strings.Contains(worse[0].Title, "ended") {
		t.Fatalf("deterioration after the end: %+v", worse)
	}
	if !strings.HasPrefix(r.Verdict, "Your records show concerns worth raising") {
		t.Errorf("verdict %q", r.Verdict)
	}
}

// With only an ended therapy in scope, the verdict tells its history
// without implying a therapy going on.
func TestVerdictWithOnlyAnEndedTherapy(t *testing.T) {
	t.Parallel()
	h := newHist()
	a := h.therapist("Dr. A")
	h.weekly(a, day(0), 4, focus(80, 0, 0, 20, 0))
	h.weekly(a, day(28), 4, focus(20, 60, 0, 20, 0))
	h.endTherapist(a, day(56))
	h.valid(t)
	r := h.review()
	if want := "With Dr. A (ended " + day(56).String() + "), your records showed "; !strings.HasPrefix(r.Verdict, want) || strings.Contains(r.Verdict, "current") {
		t.Errorf("verdict %q, want it to start %q", r.Verdict, want)
	}
}

package cli_test

// The review tells the truth on records shaped the way real lives are
// (issue 10): each test builds such records, imports them through the real
// store with the binary, and reads `review --json`.

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/upshot"
)

// life builds a person's records relative to today, as they would have
// entered them over time.
type life struct {
	snap   *upshot.Snapshot
	nextID int64
	now    upshot.Date
	reg    *instrument.Registry
	defs   map[string]bool
}

func newLife() *life {
	return &life{
		snap: &upshot.Snapshot{Format: upshot.ExportFormat, Version: upshot.ExportVersion, Settings: upshot.Settings{}},
		now:  upshot.DateOf(testClock), reg: instrument.Builtin(), defs: map[string]bool{},
	}
}

func (l *life) ago(days int) upshot.Date { return l.now.AddDays(-days) }

func (l *life) id() int64 { l.nextID++; return l.nextID }

func (l *life) therapist(name string) int64 {
	t := &upshot.Therapist{ID: l.id(), Name: name, Currency: "EUR"}
	l.snap.Therapists = append(l.snap.Therapists, t)
	return t.ID
}

func (l *life) therapistByID(id int64) *upshot.Therapist {
	for _, t := range l.snap.Therapists {
		if t.ID == id {
			return t
		}
	}
	return nil
}

func (l *life) goal(title string, opened upshot.Date) int64 {
	g := &upshot.Goal{ID: l.id(), Title: title, Domain: "work", Status: upshot.GoalOpen, Opened: opened}
	l.snap.Goals = append(l.snap.Goals, g)
	return g.ID
}

// session adds an ordinary session: 50 minutes, mostly about life.
func (l *life) session(t int64, d upshot.Date, mods ...func(*upshot.Session)) *upshot.Session {
	s := &upshot.Session{ID: l.id(), TherapistID: t, Date: d, Minutes: upshot.Ptr(50), Fee: upshot.Ptr(upshot.Money(8000)),
		Focus: &upshot.Focus{Life: 40, Admin: 10}, Got: []string{"insight"}, Helpful: upshot.Ptr(6), After: upshot.AfterSame}
	for _, m := range mods {
		m(s)
	}
	l.snap.Sessions = append(l.snap.Sessions, s)
	return s
}

// weekly adds n sessions a week apart from the day `from` days ago.
func (l *life) weekly(t int64, from, n int, mods ...func(*upshot.Session)) []*upshot.Session {
	out := make([]*upshot.Session, n)
	for i := range n {
		out[i] = l.session(t, l.ago(from-7*i), mods...)
	}
	return out
}

func (l *life) check(inst string, d upshot.Date, answers ...int) *upshot.CheckIn {
	def, _ := l.reg.Get(inst)
	as := make([]*int, len(answers))
	for i, a := range answers {
		as[i] = upshot.Ptr(a)
	}
	c := &upshot.CheckIn{ID: l.id(), Instrument: inst, InstrumentVersion: def.Version, Date: d, Answers: as}
	if !l.defs[inst] {
		l.defs[inst] = true
		l.snap.Definitions = append(l.snap.Definitions, upshot.Definition{Instrument: inst, Version: def.Version, Data: def.Raw()})
	}
	l.snap.CheckIns = append(l.snap.CheckIns, c)
	return c
}

// fill answers n items of at most top each so they sum to total.
func fill(total, n, top int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = min(total, top)
		total -= out[i]
	}
	return out
}

func (l *life) phq9(d upshot.Date, total int) { l.check("phq9", d, append(fill(total, 8, 3), 0)...) }
func (l *life) gad7(d upshot.Date, total int) { l.check("gad7", d, fill(total, 7, 3)...) }
func (l *life) who5(d upshot.Date, total int) { l.check("who5", d, fill(total/4, 5, 5)...) }

// truthReview is the part of `review --json` these tests read.
type truthReview struct {
	Verdict string `json:"verdict"`
	Scope   struct {
		Therapists []struct {
			ID      int64 `json:"id"`
			Current bool  `json:"current"`
		} `json:"therapists"`
	} `json:"scope"`
	Findings []struct {
		Code         string             `json:"code"`
		Severity     string             `json:"severity"`
		Title        string             `json:"title"`
		Detail       string             `json:"detail"`
		TherapistID  int64              `json:"therapist_id"`
		TherapistIDs []int64            `json:"therapist_ids"`
		Instrument   string             `json:"instrument"`
		Past         bool               `json:"past"`
		Evidence     map[string]any     `json:"evidence"`
		Numbers      map[string]float64 `json:"-"`
	} `json:"findings"`
	GoingWell []string `json:"going_well"`
	Agenda    []string `json:"agenda"`
	Focus     struct {
		Therapists []struct {
			TherapistID int64   `json:"therapist_id"`
			RecentLife  float64 `json:"recent_life"`
			RecentRel   float64 `json:"recent_relationship"`
			FirstLife   float64 `json:"first_life"`
			FirstRel    float64 `json:"first_relationship"`
		} `json:"therapists"`
	} `json:"focus"`
	Goals []struct {
		ID                     int64 `json:"id"`
		SessionsSinceAddressed int   `json:"sessions_since_addressed"`
	} `json:"goals"`
}

func (r truthReview) with(code string) (out []int) {
	for i, f := range r.Findings {
		if f.Code == code {
			out = append(out, i)
		}
	}
	return out
}

func (r truthReview) codes() []string {
	out := make([]string, len(r.Findings))
	for i, f := range r.Findings {
		out[i] = f.Code + "/" + f.Instrument + "/" + itoa64(f.TherapistID)
	}
	return out
}

func itoa64(n int64) string { b, _ := json.Marshal(n); return string(b) }

// reviewOf imports the records into a fresh database with the binary and
// returns `review --json`.
func reviewOf(t *testing.T, e *env, l *life) truthReview {
	t.Helper()
	if err := l.snap.Validate(l.now); err != nil {
		t.Fatalf("built records are invalid: %v", err)
	}
	data, err := json.Marshal(l.snap)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "records.json")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	e.ok("import", file)
	var r truthReview
	e.jsonOf(&r, "review", "--json")
	return r
}

// Item 1: with no end date on the first therapist, an improvement that
// happened entirely during the second therapy is credited to the second,
// and the first is spoken of as earlier.
func TestReviewCreditsTheRightTherapist(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		l := newLife()
		a, b := l.therapist("Dr. A"), l.therapist("Dr. B")
		l.weekly(a, 300, 10)
		l.phq9(l.ago(300), 16)
		l.phq9(l.ago(240), 15)
		l.weekly(b, 200, 28)
		l.phq9(l.ago(200), 16)
		l.phq9(l.ago(11), 6)
		r := reviewOf(t, e, l)
		for _, f := range r.Findings {
			if f.TherapistID == a && (f.Code == "reliable_improvement" || f.Code == "recovery" || f.Code == "reliable_recovery") {
				t.Errorf("an improvement during Dr. B's therapy is credited to Dr. A: %s %q", f.Code, f.Detail)
			}
		}
		credited := false
		for _, i := range r.with("reliable_improvement") {
			credited = credited || r.Findings[i].TherapistID == b
		}
		if !credited {
			t.Errorf("no reliable improvement with Dr. B: %v", r.codes())
		}
		if r.Scope.Therapists[0].Current {
			t.Errorf("Dr. A, followed by Dr. B, is still current")
		}
		for _, s := range r.Agenda {
			if strings.Contains(s, "Dr. A") {
				t.Errorf("agenda asks to raise something with Dr. A: %q", s)
			}
		}
	})
}

// Item 2: the intake questionnaire answered before the first session is the
// course's baseline, also when an earlier therapy came before.
func TestReviewKeepsTheIntakeBaseline(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		l := newLife()
		a, b := l.therapist("Dr. A"), l.therapist("Dr. B")
		l.weekly(a, 420, 12)
		l.therapistByID(a).Ended = l.ago(343)
		l.phq9(l.ago(300), 17) // intake for Dr. B
		l.weekly(b, 290, 12)
		l.phq9(l.ago(213), 8)
		l.weekly(b, 206, 28)
		l.phq9(l.ago(17), 7)
		r := reviewOf(t, e, l)
		ok := false
		for _, i := range r.with("reliable_improvement") {
			f := r.Findings[i]
			ok = ok || f.TherapistID == b && strings.Contains(f.Detail, "from 17 on "+l.ago(300).String())
		}
		if !ok {
			t.Errorf("the intake PHQ-9 is not Dr. B's baseline: %v", r.codes())
		}
	})
}

// Item 3: with PHQ-9 and GAD-7 both recorded, NHS Talking Therapies'
// recovery needs both below their cut-offs; a per-scale crossing is a fact,
// not an NHS recovery.
func TestReviewJudgesTheNHSPair(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		l := newLife()
		a := l.therapist("Dr. A")
		l.weekly(a, 70, 10)
		l.phq9(l.ago(70), 14)
		l.gad7(l.ago(70), 12)
		l.phq9(l.ago(7), 8)
		l.gad7(l.ago(7), 9)
		r := reviewOf(t, e, l)
		if n := r.with("recovery"); len(n) != 0 {
			t.Errorf("recovery although GAD-7 is still at its cut-off: %q", r.Findings[n[0]].Detail)
		}
		imp := r.with("reliable_improvement")
		if len(imp) != 1 || r.Findings[imp[0]].Instrument != "phq9+gad7" || !strings.Contains(r.Findings[imp[0]].Detail, "your PHQ-9 fell below its cut-off") &&
			!strings.Contains(r.Findings[imp[0]].Detail, "it fell below its cut-off") {
			t.Errorf("want one reliable improvement on the pair, stating the PHQ-9 fact: %v", r.codes())
		}
	})
}

// Item 4: WHO-5's 10 points is a meaningful change with no recovery rule,
// and a change with no session between the two scores does not make the
// therapy "helping".
func TestReviewWHO5IsMeaningfulNotReliable(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		l := newLife()
		a := l.therapist("Dr. A")
		l.who5(l.ago(60), 40)
		l.weekly(a, 59, 8)
		l.who5(l.ago(10), 52)
		l.phq9(l.ago(12), 12)
		l.phq9(l.ago(11), 5) // no session between these two
		r := reviewOf(t, e, l)
		if len(r.with("meaningful_improvement")) != 1 {
			t.Errorf("no meaningful improvement on WHO-5: %v", r.codes())
		}
		for _, f := range r.Findings {
			if f.Instrument == "who5" && (f.Code == "reliable_improvement" || f.Code == "recovery") {
				t.Errorf("WHO-5 judged by NHS rules: %s", f.Code)
			}
			if f.Instrument == "phq9" && (f.Code == "reliable_improvement" || f.Code == "recovery" || f.Code == "reliable_recovery") {
				t.Errorf("a PHQ-9 change with no session between is credited: %s", f.Code)
			}
		}
	})
}

// Item 5: scores left behind while sessions go on are stale, and answering
// again comes first on the agenda.
func TestReviewSaysScoresAreStale(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		l := newLife()
		a := l.therapist("Dr. A")
		l.phq9(l.ago(80), 15)
		l.gad7(l.ago(80), 11)
		l.weekly(a, 80, 11)
		r := reviewOf(t, e, l)
		st := r.with("measures_stale")
		if len(st) != 1 || r.Findings[st[0]].TherapistID != a || r.Findings[st[0]].Severity != "attention" {
			t.Fatalf("no measures_stale about Dr. A: %v", r.codes())
		}
		if len(r.Agenda) == 0 || !strings.HasPrefix(r.Agenda[0], "Answer PHQ-9 and GAD-7 now") {
			t.Errorf("agenda does not start with answering again: %q", r.Agenda)
		}
		for _, i := range r.with("no_reliable_improvement") {
			if d := r.Findings[i].Detail; !strings.Contains(d, "After 11 sessions") || !strings.Contains(d, "latest score is old") {
				t.Errorf("no_reliable_improvement does not count every session or say the score is old: %q", d)
			}
		}
	})
}

// Item 8: flags spread thin over a long time still count, quoting the
// person's notes; a rise in session frequency is told beside them.
func TestReviewCountsFlagsSpreadThin(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		l := newLife()
		a := l.therapist("Dr. A")
		// Every 28 days for three months, then weekly.
		for i := range 4 {
			l.session(a, l.ago(260-28*i))
		}
		ss := l.weekly(a, 140, 20)
		for _, i := range []int{2, 9, 16} {
			ss[i].Flags = []string{upshot.FlagDependency}
			ss[i].Note = "Said only they understand me"
		}
		r := reviewOf(t, e, l)
		rf := r.with("red_flags")
		if len(rf) != 1 || !strings.Contains(r.Findings[rf[0]].Detail, ss[2].Date.String()+`: "Said only they understand me"`) {
			t.Errorf("flags spread thin are not a concern quoting the notes: %v", r.codes())
		}
		if len(r.with("frequency_rising")) != 1 {
			t.Errorf("no frequency_rising: %v", r.codes())
		}
	})
}

// Item 9: a low "how helpful" average is at least attention whatever the
// scores say.
func TestReviewHearsThePersonsVerdict(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		l := newLife()
		a := l.therapist("Dr. A")
		l.phq9(l.ago(70), 14)
		l.weekly(a, 70, 10, func(s *upshot.Session) { s.Helpful = upshot.Ptr(2) })
		l.phq9(l.ago(7), 7)
		r := reviewOf(t, e, l)
		if i := r.with("low_helpfulness"); len(i) != 1 || r.Findings[i[0]].Severity != "attention" {
			t.Errorf("no low_helpfulness: %v", r.codes())
		}
		if strings.HasPrefix(r.Verdict, "Your records show this therapy helping") {
			t.Errorf("verdict ignores the person's own ratings: %q", r.Verdict)
		}
	})
}

// Item 6: focus shares are shares of time: a 90-minute session about the
// relationship counts more than a 10-minute one about life.
func TestReviewWeighsFocusByMinutes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		l := newLife()
		a := l.therapist("Dr. A")
		ss := l.weekly(a, 28, 4)
		for i, s := range ss {
			if i%2 == 0 {
				s.Minutes, s.Focus = upshot.Ptr(90), &upshot.Focus{Relationship: 100}
			} else {
				s.Minutes, s.Focus = upshot.Ptr(10), &upshot.Focus{Life: 100}
			}
		}
		r := reviewOf(t, e, l)
		if len(r.Focus.Therapists) != 1 || r.Focus.Therapists[0].RecentRel != 0.9 {
			t.Errorf("recent relationship share %+v, want 0.9 (180 of 200 minutes)", r.Focus.Therapists)
		}
	})
}

// Item 7: preoccupation_rising names exactly the items that moved: a fall in
// "life got attention" is not more free time thinking about the therapist.
func TestReviewNamesTheItemsThatMoved(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		l := newLife()
		a := l.therapist("Dr. A")
		l.weekly(a, 56, 8)
		l.check("focus", l.ago(56), 0, 0, 4)
		l.check("focus", l.ago(8), 0, 1, 1)
		r := reviewOf(t, e, l)
		p := r.with("preoccupation_rising")
		if len(p) != 1 {
			t.Fatalf("no preoccupation_rising: %v", r.codes())
		}
		d := r.Findings[p[0]].Detail
		if strings.Contains(d, "free time") || !strings.Contains(d, "life outside therapy got less of the attention") || !strings.Contains(d, "put off acting") {
			t.Errorf("detail does not name exactly the items that moved: %q", d)
		}
		for _, s := range r.Agenda {
			if strings.Contains(s, "free time") {
				t.Errorf("agenda speaks of free time: %q", s)
			}
		}
	})
}

// Items 9 and 10: in a course that works, a relationship-heavy focus is for
// information and the agenda does not ask to bring the sessions back; going
// well counts recent progress only and never a neglected goal.
func TestReviewLetsAWorkingCourseBe(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		l := newLife()
		a := l.therapist("Dr. A")
		g := l.goal("Feel at ease with people", l.ago(84))
		old := l.goal("Sort out the flat", l.ago(84))
		l.phq9(l.ago(84), 16)
		l.gad7(l.ago(84), 12)
		ss := l.weekly(a, 84, 12, func(s *upshot.Session) {
			s.Focus = &upshot.Focus{Life: 20, Relationship: 30}
			s.After = upshot.AfterBetter
			for _, q := range upshot.Qualities {
				*s.Conduct.Field(q) = upshot.Ptr(5)
			}
		})
		for i, s := range ss {
			s.Goals = []upshot.GoalProgress{{GoalID: g, Progress: upshot.Ptr(1)}}
			if i == 0 {
				s.Goals = append(s.Goals, upshot.GoalProgress{GoalID: old, Progress: upshot.Ptr(2)})
			}
		}
		l.phq9(l.ago(7), 6)
		l.gad7(l.ago(7), 5)
		r := reviewOf(t, e, l)
		for _, code := range []string{"relationship_drift", "relationship_centred"} {
			for _, i := range r.with(code) {
				if r.Findings[i].Severity != "info" {
					t.Errorf("%s is %s in a course that works", code, r.Findings[i].Severity)
				}
			}
		}
		if len(r.with("relationship_centred")) == 0 {
			t.Errorf("the relationship-heavy focus is not reported at all: %v", r.codes())
		}
		for _, s := range r.Agenda {
			if strings.Contains(s, "back to the problems") {
				t.Errorf("agenda asks to bring a working therapy back: %q", s)
			}
		}
		for _, s := range r.GoingWell {
			if strings.Contains(s, "Sort out the flat") {
				t.Errorf("going well praises a neglected goal's old progress: %q", s)
			}
		}
	})
}

// Item 11: goals added today for sessions entered from memory count from the
// first session that addressed them.
func TestReviewBackfilledGoals(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		l := newLife()
		a := l.therapist("Dr. A")
		g := l.goal("Sleep through the night", l.ago(0))
		ss := l.weekly(a, 70, 10)
		ss[0].Goals = []upshot.GoalProgress{{GoalID: g, Progress: upshot.Ptr(1)}}
		r := reviewOf(t, e, l)
		found := false
		for _, i := range r.with("goal_neglected") {
			found = found || strings.Contains(r.Findings[i].Detail, "Sleep through the night")
		}
		if !found {
			t.Errorf("a backfilled goal last addressed 9 sessions ago is not neglected: %v", r.codes())
		}
	})
}

// Item 12: a session without a fee costs the therapist's usual fee, and the
// wording says so.
func TestReviewCostsAtTheUsualFee(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		l := newLife()
		a := l.therapist("Dr. A")
		l.therapistByID(a).Fee = upshot.Ptr(upshot.Money(9000))
		l.weekly(a, 21, 4, func(s *upshot.Session) { s.Fee = nil })
		r := reviewOf(t, e, l)
		c := r.with("cost")
		if len(c) != 1 || !strings.Contains(r.Findings[c[0]].Detail, "360 EUR in fees") ||
			!strings.Contains(r.Findings[c[0]].Detail, "4 sessions without a fee recorded costed at the therapist's usual fee") {
			t.Errorf("cost does not use the usual fee: %v", r.Findings)
		}
	})
}

// Item 13: one agenda item per question, naming the questionnaires
// together; red flags before goal reminders; a second opinion when
// dependency was recorded.
func TestReviewAgendaKeepsWhatMatters(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		l := newLife()
		a := l.therapist("Dr. A")
		for _, title := range []string{"One", "Two", "Three"} {
			g := l.goal(title, l.ago(100))
			l.session(a, l.ago(100), func(s *upshot.Session) { s.Goals = []upshot.GoalProgress{{GoalID: g}} })
		}
		ss := l.weekly(a, 84, 12)
		ss[10].Flags = []string{upshot.FlagDependency, upshot.FlagBlamed}
		ss[11].Flags = []string{upshot.FlagBlamed}
		l.phq9(l.ago(84), 14)
		l.gad7(l.ago(84), 11)
		l.phq9(l.ago(7), 13)
		l.gad7(l.ago(7), 10)
		r := reviewOf(t, e, l)
		asked := 0
		for _, s := range r.Agenda {
			if strings.Contains(s, "not improved reliably") {
				asked++
				if !strings.Contains(s, "PHQ-9 and GAD-7") {
					t.Errorf("the questionnaires are not named together: %q", s)
				}
			}
		}
		if asked != 1 {
			t.Errorf("want one question about the scores, got %d: %q", asked, r.Agenda)
		}
		flags, goal, second := -1, -1, -1
		for i, s := range r.Agenda {
			switch {
			case strings.HasPrefix(s, "Tell Dr. A that you recorded"):
				flags = i
			case strings.HasPrefix(s, "Bring up") && goal < 0:
				goal = i
			case strings.HasPrefix(s, "Consider a second opinion"):
				second = i
			}
		}
		if flags < 0 || second < 0 || goal >= 0 && goal < flags {
			t.Errorf("agenda order: red flags %d, second opinion %d, first goal %d: %q", flags, second, goal, r.Agenda)
		}
	})
}

// Item 14: an empty --answers says that no answers were given, exits 2
// (invalid) and writes nothing; run through the real binary, as a shell
// passes an empty argument.
func TestCheckEmptyAnswers(t *testing.T) {
	e := newBinaryEnv(t, "sqlite")
	e.ok("check", "phq9", "--answers", "1,1,1,1,1,1,1,1,0")
	for _, answers := range []string{"", "  "} {
		r := e.fails(2, "check", "phq9", "--answers", answers)
		if !strings.Contains(r.stderr, "no answers given") || !strings.Contains(r.stderr, "answers") {
			t.Errorf("--answers %q: %s", answers, r.stderr)
		}
	}
	var hist []json.RawMessage
	e.jsonOf(&hist, "check", "history", "phq9", "--json")
	if len(hist) != 1 {
		t.Errorf("a refused check-in was written: %d check-ins, want the one recorded before", len(hist))
	}
}

var _ = slices.Contains[[]string]

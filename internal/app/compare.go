package app

import (
	"context"
	"math"
	"slices"

	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/review"
	"github.com/upshot-app/upshot/internal/upshot"
)

// CompareStore is what the comparison of therapists reads.
type CompareStore interface {
	upshot.TherapistService
	upshot.SnapshotService
}

// Comparison puts therapists' courses side by side: for each, what the
// records say, in the same terms for all. It states the records and ranks
// nobody: courses come in the order they began, and no number sums a
// person up. Every figure is the review's own, from a review of that
// therapist alone (what `upshot review --therapist ID` says), so the table
// and the review never disagree; each group of figures names the review
// findings it rests on by their anchors on the review page
// (/review?therapist=ID#anchor), and the sessions behind every figure are
// the therapist's sessions.
type Comparison struct {
	Today   upshot.Date    `json:"today"`
	Courses []CourseRecord `json:"courses"`
}

// CourseRecord is one therapist's course as the records show it.
type CourseRecord struct {
	Therapist ComparedTherapist `json:"therapist"`
	// FirstSession and LastSession are null for a therapist with no
	// session recorded (named on purpose in the comparison).
	FirstSession upshot.Date `json:"first_session"`
	LastSession  upshot.Date `json:"last_session"`
	// Ended is the recorded end (EndRecorded) or the one the review infers
	// (a later therapist began, or no session for inactive_days); null
	// while the course goes on.
	Ended       upshot.Date `json:"ended"`
	EndRecorded bool        `json:"end_recorded"`
	Current     bool        `json:"current"`
	Sessions    int         `json:"sessions"`
	// Weeks is the time from the first session to the last, in weeks (one
	// decimal).
	Weeks float64 `json:"weeks"`
	Hours float64 `json:"hours"`

	Cost   ComparedCost   `json:"cost"`
	Scales []ScaleOutcome `json:"scales"`
	// Pair is the NHS Talking Therapies outcome on PHQ-9 and GAD-7 together;
	// null unless both were answered at least twice in the course.
	Pair        *PairOutcome        `json:"nhs_talking_therapies"`
	Focus       ComparedFocus       `json:"focus"`
	Goals       ComparedGoals       `json:"goals"`
	Got         Tally               `json:"got"`
	Helpfulness ComparedHelpfulness `json:"helpfulness"`
	AgendaSetBy Tally               `json:"agenda_set_by"`
	Conduct     ComparedConduct     `json:"conduct"`
	Flags       ComparedFlags       `json:"flags"`
	After       Tally               `json:"after"`
}

// ComparedTherapist names the therapist of a course.
type ComparedTherapist struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Credentials string `json:"credentials"`
	Approach    string `json:"approach"`
}

// ComparedCost is what the course cost, per currency, in the review's terms:
// a session without a fee costs the therapist's usual fee when one is
// recorded. PerReliableImprovement and PerGoalSolved are null when there
// was none to divide by (the comparison says "no reliable improvement").
// Each amount is given twice: as a JSON number (version 1's) and, in the
// field named with _amount, as exact decimal strings with two decimals
// ("90.50"), which a client should read: a JSON number becomes a float in
// most clients.
type ComparedCost struct {
	Money              map[string]upshot.Money `json:"money"`
	MoneyAmount        map[string]string       `json:"money_amount"`
	SessionsAtUsualFee int                     `json:"sessions_at_usual_fee"`
	SessionsWithoutFee int                     `json:"sessions_without_fee"`
	// ReliableImprovements counts the review's reliable_improvement
	// findings for the course: PHQ-9 and GAD-7 together count once (NHS
	// Talking Therapies), any other validated scale judged alone once.
	ReliableImprovements         int                     `json:"reliable_improvements"`
	PerReliableImprovement       map[string]upshot.Money `json:"per_reliable_improvement"`
	PerReliableImprovementAmount map[string]string       `json:"per_reliable_improvement_amount"`
	GoalsSolved                  int                     `json:"goals_solved"`
	PerGoalSolved                map[string]upshot.Money `json:"per_goal_solved"`
	PerGoalSolvedAmount          map[string]string       `json:"per_goal_solved_amount"`
	Findings                     []string                `json:"findings"`
}

// ScaleOutcome is one questionnaire over the course: its baseline (the
// review's: the intake up to baseline_days before the first session, or the
// first after it) and its latest score in the course.
type ScaleOutcome struct {
	Instrument string        `json:"instrument"`
	Name       string        `json:"name"`
	Validated  bool          `json:"validated"`
	Direction  string        `json:"direction"`
	Baseline   *review.Point `json:"baseline"`
	Latest     *review.Point `json:"latest"`
	Change     *int          `json:"change"`
	// Reliable is improvement, deterioration or none by the scale's change
	// size; "" with one score, and for a scale that is not validated (its
	// change size is a rule of thumb, never a reliable change).
	Reliable string `json:"reliable"`
	// Meaningful marks a scale whose change size is a meaningful change
	// rather than a reliable one (WHO-5).
	Meaningful bool     `json:"meaningful"`
	Findings   []string `json:"findings"`
}

// PairOutcome is the NHS Talking Therapies outcome of a course.
type PairOutcome struct {
	// Outcomes are the review's codes for it, in the review's order:
	// reliable_deterioration, reliable_improvement, recovery,
	// reliable_recovery. None: no reliable change.
	Outcomes []string `json:"outcomes"`
	Findings []string `json:"findings"`
}

// ComparedFocus is where the time went (shares 0-1 of the time of the
// sessions that recorded it, weighted by minutes, as the review counts
// it): the person's life against the relationship and the therapist, over
// the whole course and in its first and recent sessions.
type ComparedFocus struct {
	SessionsWithFocus  int      `json:"sessions_with_focus"`
	Life               *float64 `json:"life"`
	Relationship       *float64 `json:"relationship"`
	FirstSessions      int      `json:"first_sessions"`
	FirstLife          *float64 `json:"first_life"`
	FirstRelationship  *float64 `json:"first_relationship"`
	RecentSessions     int      `json:"recent_sessions"`
	RecentLife         *float64 `json:"recent_life"`
	RecentRelationship *float64 `json:"recent_relationship"`
	Findings           []string `json:"findings"`
}

// ComparedGoals are the goals the course's sessions addressed, each with
// the progress recorded for it in them, and the goals solved credited to it
// (by the review's rule: to the therapist of the last session that
// addressed the goal before it was closed).
type ComparedGoals struct {
	Moved    []GoalMove `json:"moved"`
	Solved   int        `json:"solved"`
	Findings []string   `json:"findings"`
}

// GoalMove is one goal in one course.
type GoalMove struct {
	GoalID           int64  `json:"goal_id"`
	Title            string `json:"title"`
	Status           string `json:"status"`
	Sessions         int    `json:"sessions"`
	Progress         int    `json:"progress"`
	ProgressRecorded int    `json:"progress_recorded"`
}

// Tally counts the course's sessions by one recorded answer ("what I
// got", who set the agenda, how I felt after); NotRecorded counts the
// sessions without one.
type Tally struct {
	Counts      map[string]int `json:"counts"`
	NotRecorded int            `json:"not_recorded"`
	Findings    []string       `json:"findings"`
}

// ComparedHelpfulness is the person's own 0-10 rating, over the course and
// over its recent_window last sessions.
type ComparedHelpfulness struct {
	Average        *float64 `json:"average"`
	Ratings        int      `json:"ratings"`
	RecentSessions int      `json:"recent_sessions"`
	RecentAverage  *float64 `json:"recent_average"`
	RecentRatings  int      `json:"recent_ratings"`
	Findings       []string `json:"findings"`
}

// ComparedConduct is the review's summary of the conduct ratings, per
// quality (only the qualities rated).
type ComparedConduct struct {
	Qualities []review.QualitySummary `json:"qualities"`
	Findings  []string                `json:"findings"`
}

// ComparedFlags counts red flags by kind.
type ComparedFlags struct {
	Counts            map[string]int `json:"counts"`
	SessionsWithFlags int            `json:"sessions_with_flags"`
	Findings          []string       `json:"findings"`
}

// Compare puts the owner's therapists side by side: those named by ids (a
// therapist that is not the owner's is not found), or with none named every
// therapist with a session. Courses come in the order they began; a named
// therapist with no session comes last, with nothing recorded.
func Compare(ctx context.Context, st CompareStore, reg *instrument.Registry, owner upshot.OwnerID, today upshot.Date, ids ...int64) (*Comparison, error) {
	for _, id := range ids {
		if id <= 0 {
			return nil, upshot.NotFound("therapist", id)
		}
		if _, err := st.FindTherapist(ctx, owner, id); err != nil {
			return nil, err
		}
	}
	// Notes are never shown here: the snapshot is read without them.
	snap, err := st.ExportWithoutNotes(ctx, owner)
	if err != nil {
		return nil, err
	}
	return CompareOf(snap, reg, today, ids...), nil
}

// CompareOf is Compare over records already read (the report's): ids are
// taken as the owner's; a therapist not in snap comes last with nothing
// recorded. Nothing in the comparison reads a note.
func CompareOf(snap *upshot.Snapshot, reg *instrument.Registry, today upshot.Date, ids ...int64) *Comparison {
	opt := review.Options{Today: today}
	courses := review.Courses(snap, opt)
	chosen := func(id int64) bool { return len(ids) == 0 || slices.Contains(ids, id) }
	out := &Comparison{Today: today, Courses: []CourseRecord{}}
	seen := map[int64]bool{}
	for i := range courses {
		if c := &courses[i]; chosen(c.TherapistID) {
			seen[c.TherapistID] = true
			out.Courses = append(out.Courses, compareCourse(snap, reg, today, c))
		}
	}
	// Named therapists without a session, by id.
	var rest []int64
	for _, id := range ids {
		if !seen[id] && !slices.Contains(rest, id) {
			rest = append(rest, id)
		}
	}
	slices.Sort(rest)
	for _, id := range rest {
		out.Courses = append(out.Courses, compareCourse(snap, reg, today, &review.TherapyCourse{TherapistID: id}))
	}
	return out
}

// compareCourse reads one course from the review of its therapist alone.
func compareCourse(snap *upshot.Snapshot, reg *instrument.Registry, today upshot.Date, c *review.TherapyCourse) CourseRecord {
	rv := review.Run(snap, reg, review.Options{Today: today, TherapistID: c.TherapistID})
	rec := CourseRecord{
		FirstSession: c.Start, LastSession: c.Last, Ended: c.End, EndRecorded: c.EndRecorded, Current: c.Active,
		Sessions: len(c.Sessions), Weeks: c.Weeks(),
		Scales: []ScaleOutcome{},
	}
	if len(c.Sessions) == 0 {
		rec.Weeks = 0
	}
	for _, t := range snap.Therapists {
		if t.ID == c.TherapistID {
			rec.Therapist = ComparedTherapist{ID: t.ID, Name: t.Name, Credentials: t.Credentials, Approach: t.Approach}
		}
	}
	anchors := func(match func(review.Finding) bool) []string {
		out := []string{}
		for _, f := range rv.Findings {
			if f.Code != review.CodeSafety && match(f) {
				out = append(out, f.Anchor())
			}
		}
		return out
	}
	codes := func(cs ...review.Code) []string {
		return anchors(func(f review.Finding) bool { return slices.Contains(cs, f.Code) })
	}

	// Cost, in the review's terms.
	rec.Cost = ComparedCost{Money: map[string]upshot.Money{}, Findings: codes(review.CodeCost, review.CodeReliableImprovement)}
	for _, l := range rv.Cost.Therapists {
		rec.Hours = l.Hours
		rec.Cost.Money, rec.Cost.SessionsAtUsualFee, rec.Cost.SessionsWithoutFee = l.Money, l.SessionsAtUsualFee, l.SessionsWithoutFee
		rec.Cost.GoalsSolved = l.GoalsSolved
		if l.GoalsSolved > 0 {
			rec.Cost.PerGoalSolved = l.PerGoalSolved
		}
	}
	for _, f := range rv.Findings {
		if f.Code == review.CodeReliableImprovement {
			rec.Cost.ReliableImprovements++
		}
	}
	if n := rec.Cost.ReliableImprovements; n > 0 {
		rec.Cost.PerReliableImprovement = map[string]upshot.Money{}
		for cur, m := range rec.Cost.Money {
			rec.Cost.PerReliableImprovement[cur] = m.Per(n)
		}
	}
	rec.Cost.MoneyAmount = upshot.Amounts(rec.Cost.Money)
	rec.Cost.PerReliableImprovementAmount = upshot.Amounts(rec.Cost.PerReliableImprovement)
	rec.Cost.PerGoalSolvedAmount = upshot.Amounts(rec.Cost.PerGoalSolved)

	// Scales and the NHS Talking Therapies pair.
	answered := map[string]int{}
	for _, m := range rv.Measures {
		answered[m.ID] = len(m.Series)
		if m.Latest == nil {
			continue
		}
		so := ScaleOutcome{Instrument: m.ID, Name: m.ShortName, Validated: m.Validated, Direction: m.Direction,
			Baseline: m.Baseline, Latest: m.Latest, Change: m.Change,
			Findings: anchors(func(f review.Finding) bool { return f.Instrument == m.ID })}
		if m.Validated {
			so.Reliable = m.Reliable
			_, so.Meaningful = review.MeaningfulChange(m.ID)
		}
		rec.Scales = append(rec.Scales, so)
	}
	if answered["phq9"] >= 2 && answered["gad7"] >= 2 {
		p := &PairOutcome{Outcomes: []string{}, Findings: anchors(func(f review.Finding) bool { return f.Instrument == review.PairInstrument })}
		for _, f := range rv.Findings {
			if f.Instrument == review.PairInstrument {
				p.Outcomes = append(p.Outcomes, string(f.Code))
			}
		}
		rec.Pair = p
	}

	// Where the time went.
	rec.Focus.Findings = codes(review.CodeRelationshipDrift, review.CodeRelationshipCentred)
	if life, rel, n := review.TimeShares(c.Sessions); n > 0 {
		rec.Focus.SessionsWithFocus, rec.Focus.Life, rec.Focus.Relationship = n, &life, &rel
	}
	for _, w := range rv.Focus.Therapists {
		rec.Focus.FirstSessions, rec.Focus.RecentSessions = len(w.FirstSessions), len(w.RecentSessions)
		rec.Focus.FirstLife, rec.Focus.FirstRelationship = upshot.Ptr(w.FirstLife), upshot.Ptr(w.FirstRelationship)
		rec.Focus.RecentLife, rec.Focus.RecentRelationship = upshot.Ptr(w.RecentLife), upshot.Ptr(w.RecentRelationship)
	}

	// Goals.
	rec.Goals = ComparedGoals{Moved: []GoalMove{}, Solved: rec.Cost.GoalsSolved,
		Findings: codes(review.CodeGoalProgress, review.CodeGoalsWorsening, review.CodeGoalNeglected)}
	for _, g := range rv.Goals {
		if g.SessionsAddressed > 0 {
			rec.Goals.Moved = append(rec.Goals.Moved, GoalMove{GoalID: g.ID, Title: g.Title, Status: g.Status,
				Sessions: g.SessionsAddressed, Progress: g.Progress, ProgressRecorded: g.ProgressRecorded})
		}
	}

	// The person's own answers, session by session.
	rec.Got = tally(c.Sessions, func(s *upshot.Session) []string { return s.Got }, codes(review.CodeNoExpertise))
	rec.AgendaSetBy = tally(c.Sessions, func(s *upshot.Session) []string { return one(s.Agenda) }, []string{})
	rec.After = tally(c.Sessions, func(s *upshot.Session) []string { return one(s.After) }, codes(review.CodeWorseAfter))
	recentN := snap.Settings.Int(upshot.SettingRecentWindow)
	rec.Helpfulness = helpfulness(c.Sessions, recentN)
	rec.Helpfulness.Findings = codes(review.CodeLowHelpfulness)

	rec.Conduct = ComparedConduct{Qualities: []review.QualitySummary{}, Findings: codes(review.CodeConductConcern, review.CodeConductTrend)}
	for _, cs := range rv.Conduct {
		rec.Conduct.Qualities = append(rec.Conduct.Qualities, cs.Qualities...)
	}
	rec.Flags = ComparedFlags{Counts: map[string]int{}, Findings: codes(review.CodeRedFlags, review.CodeFrequencyRising)}
	for _, fs := range rv.Flags {
		rec.Flags.Counts, rec.Flags.SessionsWithFlags = fs.Counts, fs.SessionsWithFlags
	}
	return rec
}

func one(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func tally(ss []*upshot.Session, answers func(*upshot.Session) []string, findings []string) Tally {
	t := Tally{Counts: map[string]int{}, Findings: findings}
	for _, s := range ss {
		as := answers(s)
		if len(as) == 0 {
			t.NotRecorded++
		}
		for _, a := range as {
			t.Counts[a]++
		}
	}
	return t
}

// helpfulness averages the ratings over the course and its last recentN
// sessions (the review's recent window).
func helpfulness(ss []*upshot.Session, recentN int) ComparedHelpfulness {
	avg := func(ss []*upshot.Session) (*float64, int) {
		sum, n := 0, 0
		for _, s := range ss {
			if s.Helpful != nil {
				sum += *s.Helpful
				n++
			}
		}
		if n == 0 {
			return nil, 0
		}
		a := math.Round(float64(sum)/float64(n)*10) / 10
		return &a, n
	}
	h := ComparedHelpfulness{}
	h.Average, h.Ratings = avg(ss)
	recent := ss[len(ss)-min(recentN, len(ss)):]
	h.RecentSessions = len(recent)
	h.RecentAverage, h.RecentRatings = avg(recent)
	return h
}

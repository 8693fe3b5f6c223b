package review

import (
	"math"
	"slices"

	"github.com/upshot-app/upshot/internal/checkin"
	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/upshot"
)

// focusID is Upshot's own focus check. It is self-monitoring, not a
// validated outcome measure, so it has its own rule (preoccupation_rising)
// instead of the NHS outcome findings.
const focusID = "focus"

// focusLifeItem is the focus check's reverse-scored "life outside therapy got
// the attention it needs" item.
const focusLifeItem = "focus_life"

// Measure summarises one instrument over the scope, with the series for
// charts. Baseline is the first check-in in scope, by the NHS Talking
// Therapies convention.
type Measure struct {
	ID                 string               `json:"id"`
	Name               string               `json:"name"`
	ShortName          string               `json:"short_name"`
	Direction          string               `json:"direction"`
	Min                int                  `json:"min"`
	Max                int                  `json:"max"`
	Validated          bool                 `json:"validated"`
	Note               string               `json:"note,omitempty"`
	Bands              []instrument.Band    `json:"bands"`
	CaseCutoff         *instrument.Caseness `json:"case_cutoff"`
	ReliableChangeSize float64              `json:"reliable_change_size"`
	Baseline           *Point               `json:"baseline"`
	Latest             *Point               `json:"latest"`
	// Change is Latest minus Baseline, null with fewer than two check-ins.
	Change           *int     `json:"change"`
	Reliable         string   `json:"reliable"` // improvement, deterioration, none; "" with one check-in
	RCI              *float64 `json:"rci,omitempty"`
	Band             string   `json:"band"`
	Caseness         *bool    `json:"caseness"`
	Recovery         *bool    `json:"recovery"`
	ReliableRecovery *bool    `json:"reliable_recovery"`
	Series           []Point  `json:"series"`
	// Courses holds the outcome per therapist when the scope has several.
	Courses []Course `json:"courses"`
	// Unscored lists check-ins left out because their definition is missing
	// or their answers do not fit it.
	Unscored []int64 `json:"unscored"`
}

// Point is one scored check-in.
type Point struct {
	CheckInID int64       `json:"checkin_id"`
	Date      upshot.Date `json:"date"`
	Total     int         `json:"total"`
	Band      string      `json:"band"`
	Safety    bool        `json:"safety"`
}

// Course is the outcome of one stretch of therapy on one instrument.
type Course struct {
	TherapistID      int64  `json:"therapist_id,omitempty"`
	Baseline         *Point `json:"baseline"`
	Latest           *Point `json:"latest"`
	Change           *int   `json:"change"`
	Reliable         string `json:"reliable"`
	Recovery         *bool  `json:"recovery"`
	ReliableRecovery *bool  `json:"reliable_recovery"`
	// Sessions counts sessions dated from the baseline through the latest
	// check-in: the dose the latest score reflects.
	Sessions int `json:"sessions"`
}

func point(s scored) *Point {
	return &Point{CheckInID: s.ck.ID, Date: s.ck.Date, Total: s.score.Total, Band: s.score.Band, Safety: s.score.Safety}
}

func (r *run) measures() {
	for _, id := range r.instruments {
		pts := r.checkins[id]
		m := Measure{ID: id, Name: id, ShortName: id, Series: make([]Point, 0, len(pts)), Courses: []Course{}, Unscored: r.unscored[id]}
		if m.Unscored == nil {
			m.Unscored = []int64{}
		}
		if len(pts) == 0 {
			if d, ok := r.reg.Get(id); ok {
				describe(&m, d)
			}
			r.measureAt[id] = len(r.out.Measures)
			r.out.Measures = append(r.out.Measures, m)
			continue
		}
		// The latest definition's rules judge the change: it is the one the
		// person now answers, and totals are on its scale.
		last := pts[len(pts)-1]
		describe(&m, last.def)
		for _, p := range pts {
			m.Series = append(m.Series, Point{CheckInID: p.ck.ID, Date: p.ck.Date, Total: p.score.Total, Band: p.score.Band, Safety: p.score.Safety})
		}
		m.Baseline, m.Latest = point(pts[0]), point(last)
		m.Band, m.Caseness = last.score.Band, last.score.Caseness
		if len(pts) >= 2 {
			o := outcome(last.def, pts[0].score, last.score)
			m.Change = &o.Change.Delta
			m.Reliable, m.RCI = o.Change.Reliable, o.Change.RCI
			m.Recovery, m.ReliableRecovery = o.Recovery, o.ReliableRecovery
		}
		r.measureAt[id] = len(r.out.Measures)
		r.out.Measures = append(r.out.Measures, m)
	}
}

func describe(m *Measure, d *instrument.Definition) {
	m.Name, m.ShortName = d.Name, d.Label()
	m.Direction, m.Min, m.Max = d.Direction, d.Min, d.Max
	m.Validated, m.Note, m.Bands, m.CaseCutoff = d.Validated, d.Note, d.Bands, d.Caseness
	m.ReliableChangeSize = round(d.ReliableChangeSize(), 2)
}

// safety looks at the latest check-in of each instrument in all the records,
// whatever the scope: a review of an old therapy must not hide how the person
// is now.
func (r *run) safety() {
	latest := map[string]*upshot.CheckIn{}
	var order []string
	for _, c := range r.allCheckIns {
		if _, ok := latest[c.Instrument]; !ok {
			order = append(order, c.Instrument)
		}
		latest[c.Instrument] = c
	}
	for _, id := range order {
		c := latest[id]
		def, err := r.resolve(c)
		if err != nil {
			continue
		}
		sc, err := def.Score(c.Answers)
		if err != nil || !sc.Safety {
			continue
		}
		contacts := r.settings.Get(upshot.SettingCrisisContacts)
		r.out.SettingsUsed[upshot.SettingCrisisContacts] = contacts
		r.out.Safety = &SafetyNotice{
			Text:           checkin.SafetyNotice(contacts),
			CrisisContacts: contacts,
			CheckInID:      c.ID,
			Date:           c.Date.String(),
		}
		// The notice is the one safety text every surface shows; the finding
		// only points to it, so there is nothing to keep in step and no
		// second wording of something this delicate.
		title, detail := safetyWords(c.Date)
		r.add(Finding{Code: CodeSafety, Title: title, Detail: detail, Evidence: Evidence{CheckIns: []int64{c.ID}}}, 0)
		return
	}
}

// multi reports whether outcomes are judged per therapist.
func (r *run) multi() bool { return len(r.courses) > 1 }

// NHS Talking Therapies judges its outcomes on PHQ-9 and GAD-7 together.
const (
	phqID  = "phq9"
	gadID  = "gad7"
	pairID = "phq9+gad7" // the instrument of a finding about the pair ('+' is in no instrument id)
)

// meaningfulSource names the scales whose change size is a meaningful change
// rather than a reliable one, and which have no recovery rule.
var meaningfulSource = map[string]string{
	"who5": "Topp et al. 2015",
}

// PairInstrument is the instrument of a finding about PHQ-9 and GAD-7
// judged together by the NHS Talking Therapies definitions.
const PairInstrument = pairID

// MeaningfulChange reports whether an instrument's change size is a
// meaningful change rather than a reliable one (WHO-5), with its source.
func MeaningfulChange(instrument string) (source string, ok bool) {
	source, ok = meaningfulSource[instrument]
	return source, ok
}

// outcome applies the outcome rules of a definition: a scale with a
// meaningful-change size (WHO-5) has no recovery rule.
func outcome(d *instrument.Definition, from, to instrument.Score) instrument.Outcome {
	o := d.Outcome(from, to)
	if _, ok := meaningfulSource[d.ID]; ok {
		o.Recovery, o.ReliableRecovery = nil, nil
	}
	return o
}

// outcomes applies the outcome rules to each course and instrument.
func (r *run) outcomes() {
	for _, c := range r.courses {
		judged := map[string][]scored{}
		for idx, id := range r.instruments {
			pts := coursePoints(r.checkins[id], c)
			if len(pts) == 0 {
				continue
			}
			cr := r.courseOutcome(c, pts)
			if r.multi() {
				m := &r.out.Measures[r.measureAt[id]]
				m.Courses = append(m.Courses, cr)
			}
			if len(pts) < 2 {
				continue
			}
			// Overlapping therapies share an outcome: it is told once,
			// by the first of them, naming them together.
			who := []int64{c.therapistID}
			if r.multi() {
				who = r.sharers(id, pts[0].ck, pts[len(pts)-1].ck)
				if len(who) > 1 && who[0] != c.therapistID {
					continue
				}
			}
			switch {
			case id == focusID:
				r.preoccupation(c, who, pts, idx)
			case pts[len(pts)-1].def.Validated:
				// The outcome rules are for validated scales; a
				// self-monitoring one has no evidence behind its change
				// size or cut-off to judge an outcome by.
				if sessionsBetween(c.sessions, pts) > 0 {
					r.trackImprovement(pts)
				}
				judged[id] = pts
			}
		}
		// NHS Talking Therapies' definitions apply to PHQ-9 and GAD-7 as a
		// pair wherever both were recorded in the course.
		phq, gad := judged[phqID], judged[gadID]
		paired := phq != nil && gad != nil
		for idx, id := range r.instruments {
			if pts := judged[id]; pts != nil {
				who := []int64{c.therapistID}
				if r.multi() {
					who = r.sharers(id, pts[0].ck, pts[len(pts)-1].ck)
				}
				r.outcomeFindings(c, who, pts, r.courseOutcome(c, pts), idx, paired && (id == phqID || id == gadID))
			}
		}
		if paired {
			who := []int64{c.therapistID}
			if r.multi() {
				who = intersect(r.sharers(phqID, phq[0].ck, phq[len(phq)-1].ck), r.sharers(gadID, gad[0].ck, gad[len(gad)-1].ck))
				if len(who) == 0 {
					who = []int64{c.therapistID}
				}
			}
			if who[0] == c.therapistID {
				r.pairFindings(c, who, phq, gad)
			}
		}
	}
}

func intersect(a, b []int64) []int64 {
	var out []int64
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// sessionsBetween counts a course's sessions from the baseline through the
// latest check-in: a change with none between is not the therapy's.
func sessionsBetween(ss []*upshot.Session, pts []scored) int {
	return len(sessionIDsBetween(ss, pts[0].ck.Date, pts[len(pts)-1].ck.Date))
}

// between returns the check-ins (sorted by date) dated within from..to,
// as a subslice: the window is contiguous.
func between(pts []scored, from, to upshot.Date) []scored {
	lo, hi := 0, len(pts)
	if !from.IsZero() {
		lo, _ = slices.BinarySearchFunc(pts, from, func(p scored, d upshot.Date) int {
			if p.ck.Date.Before(d) {
				return -1
			}
			return 1
		})
	}
	if !to.IsZero() {
		hi, _ = slices.BinarySearchFunc(pts, to, func(p scored, d upshot.Date) int {
			if p.ck.Date.After(d) {
				return 1
			}
			return -1
		})
	}
	if lo >= hi {
		return nil
	}
	return pts[lo:hi]
}

func (r *run) courseOutcome(c course, pts []scored) Course {
	first, last := pts[0], pts[len(pts)-1]
	cr := Course{TherapistID: c.therapistID, Baseline: point(first), Latest: point(last)}
	// Every session of the course up to the latest score counts, also those
	// before a baseline taken late.
	for _, s := range c.sessions {
		if !s.Date.After(last.ck.Date) {
			cr.Sessions++
		}
	}
	if len(pts) >= 2 {
		o := outcome(last.def, first.score, last.score)
		cr.Change, cr.Reliable = &o.Change.Delta, o.Change.Reliable
		cr.Recovery, cr.ReliableRecovery = o.Recovery, o.ReliableRecovery
	}
	return cr
}

// trackImprovement remembers the latest check-in reliably better than its
// course baseline, for the cost since the last reliable improvement.
func (r *run) trackImprovement(pts []scored) {
	// Check-ins are in date order, so the latest improvement is the first
	// one found walking back.
	for i := len(pts) - 1; i > 0; i-- {
		p := &pts[i]
		if l := r.lastImprovement; l != nil && (p.ck.Date.Before(l.ck.Date) || (p.ck.Date.Equal(l.ck.Date) && p.ck.ID < l.ck.ID)) {
			return
		}
		if p.def.Change(pts[0].score, p.score).Reliable == instrument.Improvement {
			r.lastImprovement = p
			return
		}
	}
}

// withWho names the therapists an outcome is credited to when there are
// several: one course, or overlapping ones together.
func (r *run) withWho(who []int64) string {
	if !r.multi() || len(who) == 0 {
		return ""
	}
	return withNames(r.names(who))
}

// names are the therapists' names, in the order given.
func (r *run) names(ids []int64) []string {
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = r.name(id)
	}
	return names
}

// duringWho says whose sessions an outcome belongs to when there are several.
func (r *run) duringWho(who []int64) string {
	if !r.multi() || len(who) == 0 {
		return ""
	}
	return duringWords(r.names(who))
}

// credit fills in whom a finding about an outcome is about: one therapist,
// or overlapping ones named together.
func credit(f Finding, who []int64) Finding {
	if len(who) == 1 {
		f.TherapistID = who[0]
	} else if len(who) > 1 {
		f.TherapistIDs = who
	}
	return f
}

func (r *run) outcomeFindings(c course, who []int64, pts []scored, cr Course, subject int, paired bool) {
	first, last := pts[0], pts[len(pts)-1]
	d := last.def
	o := outcome(d, first.score, last.score)
	size := d.ReliableChangeSize()
	between := sessionIDsBetween(c.sessions, first.ck.Date, last.ck.Date)
	sessions, checkins := between, []int64{first.ck.ID, last.ck.ID}
	nums := func() map[string]float64 {
		m := map[string]float64{"baseline": float64(first.score.Total), "latest": float64(last.score.Total),
			"change": float64(o.Change.Delta), "reliable_change": round(size, 2), "sessions": float64(cr.Sessions)}
		if o.Change.RCI != nil {
			m["rci"] = round(*o.Change.RCI, 2)
		}
		return m
	}
	f := outcomeFacts{scaleChange: scaleChange{Def: d, From: first.score.Total, To: last.score.Total, Delta: o.Change.Delta,
		FromDate: first.ck.Date, ToDate: last.ck.Date}, Change: o.Change, WithWho: r.withWho(who), During: r.duringWho(who)}
	ev := func() Evidence { return Evidence{Sessions: sessions, CheckIns: checkins, Numbers: nums()} }
	_, meaningful := meaningfulSource[d.ID]
	// Which rule applies: with PHQ-9 and GAD-7 both recorded the NHS
	// outcomes are judged on the pair (pairFindings); with one of them
	// alone the review says it applied the rule to that scale only.
	f.Alone = !paired && (d.ID == phqID || d.ID == gadID)
	add := func(code Code, ev Evidence, title, detail string) {
		r.add(credit(Finding{Code: code, Instrument: d.ID, Title: title, Detail: detail, Evidence: ev}, who), subject)
	}
	// A change with no session between the two scores is not the
	// therapy's to claim.
	// With no session recorded at all there is no therapy to credit, and
	// the scores are told as they are.
	dosed := len(between) > 0 || len(c.sessions) == 0

	deteriorated := false
	switch o.Change.Reliable {
	case instrument.Improvement:
		switch {
		case paired || !dosed:
		case meaningful:
			title, detail := changeWords(CodeMeaningfulImprovement, f)
			add(CodeMeaningfulImprovement, ev(), title, detail)
		default:
			title, detail := changeWords(CodeReliableImprovement, f)
			add(CodeReliableImprovement, ev(), title, detail)
		}
	case instrument.Deterioration:
		deteriorated = true
		switch {
		case paired:
		case meaningful:
			title, detail := changeWords(CodeMeaningfulDeterioration, f)
			add(CodeMeaningfulDeterioration, ev(), title, detail)
		default:
			title, detail := changeWords(CodeReliableDeterioration, f)
			add(CodeReliableDeterioration, ev(), title, detail)
		}
	}
	// Recovery and reliable recovery are two rules, as NHS Talking Therapies
	// counts them: every reliable recovery is also a recovery, so both fire
	// then, and the recovery finding says the change is reliable too.
	if o.Recovery != nil && *o.Recovery && !paired && dosed {
		f.ReliableRecovery = o.ReliableRecovery != nil && *o.ReliableRecovery
		title, detail := recoveryWords(CodeRecovery, f)
		add(CodeRecovery, ev(), title, detail)
		if f.ReliableRecovery {
			title, detail := recoveryWords(CodeReliableRecovery, f)
			add(CodeReliableRecovery, ev(), title, detail)
		}
	}

	bc := d.IsCase(first.score.Total)
	baseCase := bc != nil && *bc
	// A reliable deterioration already says more than "no reliable
	// improvement", so the weaker finding is left out then. It counts every
	// session of the course, also those after the latest score, and says
	// when that score is old.
	need := r.intSetting(upshot.SettingNoImprovementSessions)
	noImprovement := false
	total := len(c.sessions)
	if baseCase && o.Change.Reliable == instrument.NoChange && total >= need && !(paired && r.pairReliable(c)) {
		noImprovement = true
		n := nums()
		n["min_sessions"] = float64(need)
		n["sessions_total"] = float64(total)
		since := total - cr.Sessions
		n["sessions_since_latest"] = float64(since)
		title, detail := noImprovementWords(f, total, need, since)
		add(CodeNoReliableImprovement, Evidence{Sessions: sessions, CheckIns: checkins, Numbers: n}, title, detail)
	}

	// off_track, in the spirit of Lambert's expected recovery curves, on a
	// scale with a cut-off: for a score in the clinical range at the start
	// the expected course is a straight line from the baseline to
	// a reliable improvement (one reliable-change size better) at
	// expected_sessions_to_improve sessions, flat after that. A score
	// outside the clinical range at the start has little room to improve,
	// so its expected course is to stay where it was: then off_track is a
	// score getting worse from a good start. Either way the latest score is
	// off track when it is worse than the course by more than off_track_margin
	// reliable changes, so ordinary week-to-week ups and downs do not
	// trigger it. A reliable deterioration or a no_reliable_improvement
	// finding already says more, so off_track is left out when either fires.
	expectN := r.intSetting(upshot.SettingExpectedSessionsToImprove)
	margin := r.floatSetting(upshot.SettingOffTrackMargin) * size
	if deteriorated || noImprovement || bc == nil || cr.Sessions < 1 || size <= 0 {
		return
	}
	improve := size * math.Min(float64(cr.Sessions), float64(expectN)) / float64(expectN)
	if !baseCase {
		improve = 0
	}
	base, latest := float64(first.score.Total), float64(last.score.Total)
	var expected, behind float64
	if d.Direction == instrument.HigherIsBetter {
		expected = math.Min(base+improve, float64(d.Max))
		behind = expected - latest
	} else {
		expected = math.Max(base-improve, float64(d.Min))
		behind = latest - expected
	}
	if behind <= margin+eps {
		return
	}
	n := nums()
	n["expected"] = round(expected, 1)
	n["behind"] = round(behind, 1)
	n["expected_sessions"] = float64(expectN)
	n["margin"] = round(margin, 2)
	n["expected_improvement"] = round(improve, 2)
	title, detail := offTrackWords(f, offTrackFacts{Sessions: cr.Sessions, Expected: expected, Behind: behind, Size: size,
		ExpectedSessions: expectN, Margin: margin, MarginSetting: r.floatSetting(upshot.SettingOffTrackMargin), Improve: improve})
	add(CodeOffTrack, Evidence{Sessions: sessions, CheckIns: checkins, Numbers: n}, title, detail)
}

// preoccupation applies preoccupation_rising: the focus-check total rose by
// at least the instrument's reliable-change size from the first check-in in
// the course to the latest, while the answer on life outside therapy getting
// the attention it needs went down.
func (r *run) preoccupation(c course, who []int64, pts []scored, subject int) {
	first, last := pts[0], pts[len(pts)-1]
	d := last.def
	ch := d.Change(first.score, last.score)
	if ch.Reliable != instrument.Deterioration {
		return
	}
	life := -1
	for i, it := range d.Items {
		if it.ID == focusLifeItem || (life < 0 && it.Reverse) {
			life = i
		}
	}
	if life < 0 || life >= len(first.ck.Answers) || life >= len(last.ck.Answers) {
		return
	}
	a, b := first.ck.Answers[life], last.ck.Answers[life]
	if a == nil || b == nil {
		return
	}
	// The item is reverse-scored: a higher scored value is less attention.
	if last.score.Items[life] <= first.score.Items[life] {
		return
	}
	optLabel := func(i, v int) string {
		for _, o := range d.ItemOptions(i) {
			if o.Score == v {
				return o.Label
			}
		}
		return itoa(v)
	}
	// Name exactly the items that moved the worse way, each with what it
	// means: a fall in "life got attention" says nothing about free time.
	var moves []itemMove
	var meanings []string
	nums := map[string]float64{"first_total": float64(first.score.Total), "latest_total": float64(last.score.Total),
		"rise": float64(ch.Delta), "reliable_change": round(d.ReliableChangeSize(), 2),
		"first_life_answer": float64(*a), "latest_life_answer": float64(*b)}
	for i, it := range d.Items {
		if i >= len(first.score.Items) || i >= len(last.score.Items) || first.score.Items[i] < 0 || last.score.Items[i] <= first.score.Items[i] {
			continue
		}
		moves = append(moves, itemMove{Text: it.Text, From: optLabel(i, *first.ck.Answers[i]), To: optLabel(i, *last.ck.Answers[i])})
		nums["moved_"+it.ID] = float64(last.score.Items[i] - first.score.Items[i])
		meanings = append(meanings, focusMeaning(it.ID, it.Text))
	}
	r.preoccupied = append(r.preoccupied, joinAnd(meanings))
	title, detail := preoccupationWords(scaleChange{Def: d, From: first.score.Total, To: last.score.Total, FromDate: first.ck.Date, ToDate: last.ck.Date},
		r.duringWho(who), moves, meanings)
	r.add(credit(Finding{Code: CodePreoccupationRising, Instrument: d.ID, Title: title, Detail: detail,
		Evidence: Evidence{CheckIns: []int64{first.ck.ID, last.ck.ID}, Sessions: sessionIDsBetween(c.sessions, first.ck.Date, last.ck.Date),
			Numbers: nums}}, who), subject)
}

func sessionIDsBetween(ss []*upshot.Session, from, to upshot.Date) []int64 {
	var ids []int64
	for _, s := range ss {
		if !s.Date.Before(from) && !s.Date.After(to) {
			ids = append(ids, s.ID)
		}
	}
	if ids == nil {
		ids = []int64{}
	}
	return ids
}

package review

import (
	"cmp"
	"slices"

	"github.com/upshot-app/upshot/internal/checkin"
	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/upshot"
)

// checkInGraceDays extends a finished therapist's check-in window past their
// end date: a questionnaire answered in the fortnight after the last session
// still describes that therapy (PHQ-9, GAD-7 and WHO-5 all ask about the last
// two weeks).
const checkInGraceDays = 14

// scored is a check-in with the definition it was answered against and its
// score.
type scored struct {
	ck    *upshot.CheckIn
	def   *instrument.Definition
	score instrument.Score
}

// course is a stretch of therapy whose outcome is judged on its own: the whole
// scope when it holds one therapist, else each therapist's time, so a good
// second therapy does not hide a harmful first one (or the reverse).
type course struct {
	therapistID int64
	from, to    upshot.Date // check-in window; zero ends are open
	start       upshot.Date // first session; before it only the baseline counts
	sessions    []*upshot.Session
}

type run struct {
	snap     *upshot.Snapshot
	reg      *instrument.Registry
	opt      Options
	settings upshot.Settings
	out      *Review
	found    []ranked

	therapists    map[int64]*upshot.Therapist
	goalList      []*upshot.Goal // by id
	sessions      []*upshot.Session
	allSessions   []*upshot.Session // by date then id, up to today, any scope
	order         []int64           // therapists in scope by first session, then id
	byTherapist   map[int64][]*upshot.Session
	therapistRank map[int64]int
	current       map[int64]bool
	firstSession  map[int64]upshot.Date // over all records, not just the scope

	resolve     checkin.DefinitionFor
	allCheckIns []*upshot.CheckIn // by date then id, up to today, any scope
	checkins    map[string][]scored
	checkinDate map[int64]upshot.Date // of the scored check-ins in scope
	unscored    map[string][]int64
	instruments []string
	measureAt   map[string]int
	courses     []course
	allCourses  []*TherapyCourse // every therapist's, over all records
	courseOf    map[int64]*TherapyCourse

	goalStart   map[int64]upshot.Date // each goal's effective start
	staleLabels []string              // questionnaires a measures_stale finding asks for
	preoccupied []string              // what each preoccupation_rising finding shows, in words
	worsening   map[int64]bool        // therapists with goals_worsening
	agendaOpen  map[int64]bool        // agenda items still open, by id
	agendaText  map[int64]string      // agenda items' text, by id

	// lastImprovement is the latest check-in that showed a reliable
	// improvement over its course's baseline, for the cost since then.
	lastImprovement *scored
}

func newRun(s *upshot.Snapshot, reg *instrument.Registry, opt Options) *run {
	if s == nil {
		s = &upshot.Snapshot{}
	}
	if reg == nil {
		reg = instrument.Builtin()
	}
	settings := s.Settings
	if settings == nil {
		settings = upshot.Settings{}
	}
	return &run{
		snap:     s,
		reg:      reg,
		opt:      opt,
		settings: settings,
		out: &Review{
			Today:        opt.Today,
			SettingsUsed: map[upshot.SettingName]string{},
			GoingWell:    []string{},
			Measures:     []Measure{},
			Goals:        []GoalSummary{},
			Conduct:      []ConductSummary{},
			Flags:        []FlagSummary{},
			Agenda:       []string{},
			Focus:        FocusSummary{Sessions: []FocusShare{}, Therapists: []FocusWindows{}},
		},
		therapists:    map[int64]*upshot.Therapist{},
		byTherapist:   map[int64][]*upshot.Session{},
		therapistRank: map[int64]int{},
		current:       map[int64]bool{},
		firstSession:  map[int64]upshot.Date{},
		checkins:      map[string][]scored{},
		checkinDate:   map[int64]upshot.Date{},
		unscored:      map[string][]int64{},
		measureAt:     map[string]int{},
		worsening:     map[int64]bool{},
		agendaOpen:    map[int64]bool{},
		agendaText:    map[int64]string{},
		resolve:       checkin.Resolver(reg, s.Definitions),
	}
}

func byDateThenID[T any](date func(T) upshot.Date, id func(T) int64) func(a, b T) int {
	return func(a, b T) int {
		return cmp.Or(date(a).Compare(date(b)), cmp.Compare(id(a), id(b)))
	}
}

func (r *run) afterToday(d upshot.Date) bool {
	return !r.opt.Today.IsZero() && d.After(r.opt.Today)
}

// scope selects the sessions and check-ins the review covers and scores the
// check-ins.
func (r *run) scope() {
	for _, t := range r.snap.Therapists {
		if t != nil {
			r.therapists[t.ID] = t
		}
	}
	for _, g := range r.snap.Goals {
		if g != nil {
			r.goalList = append(r.goalList, g)
		}
	}
	slices.SortFunc(r.goalList, func(a, b *upshot.Goal) int { return cmp.Compare(a.ID, b.ID) })

	all := make([]*upshot.Session, 0, len(r.snap.Sessions))
	for _, s := range r.snap.Sessions {
		if s != nil && !r.afterToday(s.Date) {
			all = append(all, s)
		}
	}
	slices.SortFunc(all, byDateThenID(func(s *upshot.Session) upshot.Date { return s.Date }, func(s *upshot.Session) int64 { return s.ID }))
	r.allSessions = all
	r.buildCourses()
	for _, s := range all {
		if _, ok := r.firstSession[s.TherapistID]; !ok {
			r.firstSession[s.TherapistID] = s.Date
		}
		if r.opt.TherapistID != 0 && s.TherapistID != r.opt.TherapistID {
			continue
		}
		if !r.opt.Since.IsZero() && s.Date.Before(r.opt.Since) {
			continue
		}
		r.sessions = append(r.sessions, s)
		if _, ok := r.byTherapist[s.TherapistID]; !ok {
			r.order = append(r.order, s.TherapistID)
		}
		r.byTherapist[s.TherapistID] = append(r.byTherapist[s.TherapistID], s)
	}
	for i, id := range r.order {
		r.therapistRank[id] = i + 1
		ss := r.byTherapist[id]
		ref := TherapistRef{ID: id, Name: r.name(id), First: ss[0].Date, Last: ss[len(ss)-1].Date}
		if t := r.therapists[id]; t != nil {
			ref.Ended = t.Ended
		}
		// A therapy followed by another, or with no session in
		// inactive_days, is over even without an end date.
		ref.Current = r.courseOf[id].Active
		r.current[id] = ref.Current
		r.out.Scope.Therapists = append(r.out.Scope.Therapists, ref)
	}
	if r.out.Scope.Therapists == nil {
		r.out.Scope.Therapists = []TherapistRef{}
	}

	r.allCheckIns = make([]*upshot.CheckIn, 0, len(r.snap.CheckIns))
	for _, c := range r.snap.CheckIns {
		if c != nil && !r.afterToday(c.Date) {
			r.allCheckIns = append(r.allCheckIns, c)
		}
	}
	slices.SortFunc(r.allCheckIns, byDateThenID(func(c *upshot.CheckIn) upshot.Date { return c.Date }, func(c *upshot.CheckIn) int64 { return c.ID }))
	// A review of one therapist covers the check-ins of their course.
	inScope := r.allCheckIns
	if r.opt.TherapistID != 0 {
		inScope = nil
		if c := r.courseOf[r.opt.TherapistID]; c != nil {
			inScope = courseCheckIns(r.allCheckIns, c)
		}
	}
	counts := map[string]int{}
	for _, c := range inScope {
		counts[c.Instrument]++
	}
	// Sized once: a long record's check-ins would grow it a dozen times.
	r.checkinDate = make(map[int64]upshot.Date, len(inScope))
	for _, c := range inScope {
		if !r.opt.Since.IsZero() && c.Date.Before(r.opt.Since) {
			continue
		}
		if _, seen := r.checkins[c.Instrument]; !seen && len(r.unscored[c.Instrument]) == 0 {
			r.instruments = append(r.instruments, c.Instrument)
		}
		def, err := r.resolve(c)
		var sc instrument.Score
		if err == nil {
			sc, err = def.Score(c.Answers)
		}
		if err != nil {
			r.unscored[c.Instrument] = append(r.unscored[c.Instrument], c.ID)
			continue
		}
		if r.checkins[c.Instrument] == nil {
			r.checkins[c.Instrument] = make([]scored, 0, counts[c.Instrument])
		}
		r.checkins[c.Instrument] = append(r.checkins[c.Instrument], scored{ck: c, def: def, score: sc})
		r.checkinDate[c.ID] = c.Date
		r.out.Scope.CheckIns++
	}
	r.sortInstruments()

	r.out.Scope.TherapistID = r.opt.TherapistID
	r.out.Scope.Since = r.opt.Since
	r.out.Scope.Sessions = len(r.sessions)

	if len(r.order) <= 1 {
		// One therapist: the course holds every check-in from its baseline
		// on, also after an end (past() tells those apart).
		c := course{sessions: r.sessions}
		if len(r.order) == 1 {
			tc := r.courseOf[r.order[0]]
			c.therapistID, c.from, c.start = tc.TherapistID, tc.From, tc.Start
		}
		r.courses = []course{c}
		return
	}
	for _, id := range r.order {
		tc := r.courseOf[id]
		r.courses = append(r.courses, course{therapistID: id, from: tc.From, to: tc.To, start: tc.Start, sessions: r.byTherapist[id]})
	}
}

func inWindow(d, from, to upshot.Date) bool {
	return (from.IsZero() || !d.Before(from)) && (to.IsZero() || !d.After(to))
}

// sortInstruments orders instruments as the registry lists them (built-ins
// first), then unknown ones by id.
func (r *run) sortInstruments() {
	rank := map[string]int{}
	for i, d := range r.reg.All() {
		rank[d.ID] = i + 1
	}
	slices.SortFunc(r.instruments, func(a, b string) int {
		ra, rb := rank[a], rank[b]
		if ra == 0 {
			ra = len(rank) + 1
		}
		if rb == 0 {
			rb = len(rank) + 1
		}
		return cmp.Or(cmp.Compare(ra, rb), cmp.Compare(a, b))
	})
}

// name is how the person calls the therapist.
func (r *run) name(id int64) string {
	if t := r.therapists[id]; t != nil && t.Name != "" {
		return t.Name
	}
	return unnamedTherapist(id)
}

// lastN returns the last n items of s (all of s when shorter).
func lastN[T any](s []T, n int) []T {
	if n >= len(s) {
		return s
	}
	return s[len(s)-n:]
}

func sessionIDs(ss []*upshot.Session) []int64 {
	ids := make([]int64, len(ss))
	for i, s := range ss {
		ids[i] = s.ID
	}
	return ids
}

package review

import (
	"math"
	"slices"

	"github.com/upshot-app/upshot/internal/upshot"
)

// TherapyCourse is one therapist's course of therapy: the stretch of time an
// outcome is credited to. It runs from the first session to the recorded end
// date or, when none is recorded, to the last session plus a grace of at most
// the usual gap between sessions, or to the day before a later therapist's
// first session, whichever is earlier. A score belongs to the course it falls
// in; the last check-in up to baseline_days before the first session is the
// course's baseline (the usual intake questionnaire).
type TherapyCourse struct {
	TherapistID int64 `json:"therapist_id"`
	// Start is the first session, Last the latest one.
	Start upshot.Date `json:"start"`
	Last  upshot.Date `json:"last_session"`
	// End is the recorded end date (EndRecorded), or the inferred one for a
	// therapy with no end date that a later therapist followed or that has
	// had no session in inactive_days. Zero while the course goes on.
	End         upshot.Date `json:"end"`
	EndRecorded bool        `json:"end_recorded"`
	// Active is false once the course has ended, recorded or inferred: the
	// review then words it as history ("earlier, with Dr. A") and puts
	// nothing about it on the agenda.
	Active bool `json:"active"`
	// From and To bound the check-ins that belong to the course (To is zero
	// while it is open). Before Start only the last check-in of each
	// questionnaire counts, as the baseline.
	From upshot.Date `json:"checkins_from"`
	To   upshot.Date `json:"checkins_to"`
	// Sessions are every session of the course, in date order; CheckIns the
	// check-ins that belong to it (baselines included), in date order.
	Sessions []*upshot.Session `json:"-"`
	CheckIns []*upshot.CheckIn `json:"-"`
}

// Courses returns each therapist's course in the records, in the order of
// their first session, with the sessions and check-ins that belong to it.
// It is the course model the review credits outcomes by, for other parts of
// Upshot (the comparison of therapists) to build on. Only opt.Today is read.
func Courses(s *upshot.Snapshot, opt Options) []TherapyCourse {
	r := newRun(s, nil, Options{Today: opt.Today})
	r.scope()
	out := make([]TherapyCourse, len(r.allCourses))
	for i, c := range r.allCourses {
		out[i] = *c
		out[i].CheckIns = courseCheckIns(r.allCheckIns, c)
	}
	return out
}

// Weeks is the time from the course's first session to its latest, in
// weeks to one decimal (0 for a single session, 0 with none). The end date
// is left out on purpose: it says when the therapy was ended, not how long
// it was attended.
func (c TherapyCourse) Weeks() float64 {
	if len(c.Sessions) == 0 && c.Start.IsZero() {
		return 0
	}
	return math.Round(float64(c.Last.DaysSince(c.Start))/7*10) / 10
}

// courseCheckIns picks a course's check-ins from all of them (in date order).
func courseCheckIns(all []*upshot.CheckIn, c *TherapyCourse) []*upshot.CheckIn {
	byInst := map[string][]*upshot.CheckIn{}
	var order []string
	for _, ck := range all {
		if !inWindow(ck.Date, c.From, c.To) {
			continue
		}
		if _, ok := byInst[ck.Instrument]; !ok {
			order = append(order, ck.Instrument)
		}
		byInst[ck.Instrument] = append(byInst[ck.Instrument], ck)
	}
	var out []*upshot.CheckIn
	for _, id := range order {
		cs := byInst[id]
		out = append(out, cs[baselineIndex(len(cs), func(i int) upshot.Date { return cs[i].Date }, c.Start):]...)
	}
	slices.SortFunc(out, byDateThenID(func(c *upshot.CheckIn) upshot.Date { return c.Date }, func(c *upshot.CheckIn) int64 { return c.ID }))
	return out
}

// baselineIndex is the index of the first of n date-ordered check-ins that
// belongs to a course starting on start: the last one before start (the
// intake) and every one after it. One answered on the day of the first
// session is the intake itself, and then comes first.
func baselineIndex(n int, date func(int) upshot.Date, start upshot.Date) int {
	i := 0
	for i+1 < n && date(i+1).Before(start) {
		i++
	}
	if i+1 < n && date(i).Before(start) && date(i+1).Equal(start) {
		i++
	}
	return i
}

// usualGap is the median number of days between consecutive sessions, 0
// with fewer than two sessions.
func usualGap(ss []*upshot.Session) int {
	if len(ss) < 2 {
		return 0
	}
	gaps := make([]int, 0, len(ss)-1)
	for i := 1; i < len(ss); i++ {
		gaps = append(gaps, ss[i].Date.DaysSince(ss[i-1].Date))
	}
	slices.Sort(gaps)
	return gaps[len(gaps)/2]
}

// buildCourses derives every therapist's course from all sessions up to
// today, whatever the scope: where one therapy ends depends on when the next
// began, even when the review looks at one of them.
func (r *run) buildCourses() {
	inactive := r.intSetting(upshot.SettingInactiveDays)
	baseline := r.intSetting(upshot.SettingBaselineDays)
	byT := map[int64][]*upshot.Session{}
	var order []int64
	for _, s := range r.allSessions {
		if _, ok := byT[s.TherapistID]; !ok {
			order = append(order, s.TherapistID)
		}
		byT[s.TherapistID] = append(byT[s.TherapistID], s)
	}
	r.courseOf = map[int64]*TherapyCourse{}
	for i, id := range order {
		ss := byT[id]
		c := &TherapyCourse{TherapistID: id, Start: ss[0].Date, Last: ss[len(ss)-1].Date, Sessions: ss}
		c.From = c.Start.AddDays(-baseline)
		// The next therapist to begin after this one did.
		var later upshot.Date
		for _, o := range order[i+1:] {
			if f := byT[o][0].Date; f.After(c.Start) {
				later = f
				break
			}
		}
		grace := checkInGraceDays
		if g := usualGap(ss); g > 0 {
			grace = min(g, checkInGraceDays)
		}
		quiet := !r.opt.Today.IsZero() && r.opt.Today.DaysSince(c.Last) > inactive
		t := r.therapists[id]
		switch {
		case t != nil && !t.Ended.IsZero():
			c.End, c.EndRecorded = t.Ended, true
			c.To = t.Ended.AddDays(checkInGraceDays)
			if !later.IsZero() && later.After(t.Ended) && !c.To.Before(later) {
				c.To = later.AddDays(-1)
			}
			c.Active = r.opt.Today.IsZero() || t.Ended.After(r.opt.Today)
		case !later.IsZero() && later.After(c.Last):
			// Followed by another therapist: over at the last session
			// plus its grace, or when the next therapy began.
			c.End = c.Last.AddDays(grace)
			if !c.End.Before(later) {
				c.End = later.AddDays(-1)
			}
			c.To = c.End
		case quiet:
			c.End, c.To = c.Last.AddDays(grace), c.Last.AddDays(grace)
		default:
			c.Active = true
		}
		if quiet {
			c.Active = false
		}
		r.courseOf[id] = c
		r.allCourses = append(r.allCourses, c)
	}
}

// endWords says how a course ended, for the titles and the verdict.
func (r *run) endWords(id int64) string {
	c := r.courseOf[id]
	if c == nil {
		return ""
	}
	return endWords(c.EndRecorded, c.End, c.Last)
}

// coursePoints returns the scored check-ins of one questionnaire that belong
// to a course: the baseline (the last one up to baseline_days before the
// first session, or the first one after it) through the latest in its window.
func coursePoints(pts []scored, c course) []scored {
	pts = between(pts, c.from, c.to)
	if c.start.IsZero() {
		return pts
	}
	return pts[baselineIndex(len(pts), func(i int) upshot.Date { return pts[i].ck.Date }, c.start):]
}

// sharers lists the therapists of every course in which the same baseline
// and latest check-in judge a change: overlapping therapies share an outcome
// and are named together.
func (r *run) sharers(id string, first, last *upshot.CheckIn) []int64 {
	var out []int64
	for _, c := range r.courses {
		pts := coursePoints(r.checkins[id], c)
		if len(pts) >= 2 && pts[0].ck.ID == first.ID && pts[len(pts)-1].ck.ID == last.ID {
			out = append(out, c.therapistID)
		}
	}
	return out
}

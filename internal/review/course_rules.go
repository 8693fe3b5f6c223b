package review

import (
	"strings"

	"github.com/upshot-app/upshot/internal/upshot"
)

// longFlags are the red flags that show a pattern slowly: leaning on the
// therapist, being kept from other help, being pushed to more sessions.
var longFlags = []string{upshot.FlagDependency, upshot.FlagDiscouragedOutside, upshot.FlagPressured}

// stale applies measures_stale to each course going on: the latest score on a
// validated questionnaire is at least stale_sessions sessions or stale_days
// days old while sessions go on, so the review cannot tell how the person is
// now.
func (r *run) stale() {
	needSessions, needDays := r.intSetting(upshot.SettingStaleSessions), r.intSetting(upshot.SettingStaleDays)
	for _, c := range r.courses {
		if c.therapistID != 0 && !r.current[c.therapistID] || len(c.sessions) == 0 {
			continue
		}
		var latest *upshot.CheckIn
		var labels []string
		for _, id := range r.instruments {
			pts := coursePoints(r.checkins[id], c)
			if len(pts) == 0 || id == focusID || !pts[len(pts)-1].def.Validated {
				continue
			}
			labels = append(labels, pts[len(pts)-1].def.Label())
			if l := pts[len(pts)-1].ck; latest == nil || l.Date.After(latest.Date) {
				latest = l
			}
		}
		if latest == nil {
			continue
		}
		var after []int64
		for _, s := range c.sessions {
			if s.Date.After(latest.Date) {
				after = append(after, s.ID)
			}
		}
		lastSession := c.sessions[len(c.sessions)-1].Date
		days := lastSession.DaysSince(latest.Date)
		if !r.opt.Today.IsZero() {
			days = r.opt.Today.DaysSince(latest.Date)
		}
		if len(after) == 0 || (len(after) < needSessions && days < needDays) {
			continue
		}
		r.staleLabels = labels
		f := Finding{Code: CodeMeasuresStale, TherapistID: c.therapistID,
			Evidence: Evidence{Sessions: after, CheckIns: []int64{latest.ID}, Numbers: map[string]float64{
				"sessions_since": float64(len(after)), "days_since": float64(days),
				"stale_sessions": float64(needSessions), "stale_days": float64(needDays)}}}
		f.Title, f.Detail = staleWords(labels, latest.Date, len(after), r.withWho([]int64{c.therapistID}), days, needSessions, needDays)
		r.add(f, 0)
	}
}

// helpfulness applies low_helpfulness: the person's own "how helpful" rating
// (0-10) averages helpful_low_max or less over the recent sessions with a
// therapist, whatever the scores say.
func (r *run) helpfulness(id int64, recent []*upshot.Session, lowMax float64) {
	var rated []int64
	sum := 0
	for _, s := range recent {
		if s.Helpful != nil {
			rated = append(rated, s.ID)
			sum += *s.Helpful
		}
	}
	if len(rated) == 0 {
		return
	}
	avg := float64(sum) / float64(len(rated))
	if avg > lowMax+eps {
		return
	}
	f := Finding{Code: CodeLowHelpfulness, TherapistID: id,
		Evidence: Evidence{Sessions: rated, Numbers: map[string]float64{"average": round(avg, 2), "ratings": float64(len(rated)), "max": lowMax}}}
	f.Title, f.Detail = lowHelpfulnessWords(r.name(id), len(recent), len(rated), avg, lowMax)
	r.add(f, 0)
}

// goalsWorsening applies goals_worsening: the progress recorded for a goal
// over a therapist's recent sessions sums below zero.
func (r *run) goalsWorsening(id int64, recent []*upshot.Session) {
	sum := map[int64]int{}
	var order []int64
	var sessions []int64
	for _, s := range recent {
		counted := false
		for _, gp := range s.Goals {
			if gp.Progress == nil {
				continue
			}
			if _, ok := sum[gp.GoalID]; !ok {
				order = append(order, gp.GoalID)
			}
			sum[gp.GoalID] += *gp.Progress
			counted = true
		}
		if counted {
			sessions = append(sessions, s.ID)
		}
	}
	var worse []goalSum
	nums := map[string]float64{}
	for _, g := range order {
		if sum[g] < 0 {
			worse = append(worse, goalSum{r.goalTitle(g), sum[g]})
			nums["goal_"+itoa(g)] = float64(sum[g])
		}
	}
	if len(worse) == 0 {
		return
	}
	r.worsening[id] = true
	f := Finding{Code: CodeGoalsWorsening, TherapistID: id, Evidence: Evidence{Sessions: sessions, Numbers: nums}}
	f.Title, f.Detail = goalsWorseningWords(r.name(id), len(recent), worse)
	r.add(f, 0)
}

// longFlags applies the long-window red flag rule: flag_long_min_sessions
// or more sessions flagged with dependency, discouraged_outside or pressured
// within flag_long_window_days. The facts carry the person's notes on those
// sessions, dated, as the evidence in their own words.
func (r *run) longFlags(ss []*upshot.Session, windowDays, minSessions int) (facts *longFlagFacts, evidence []int64, nums map[string]float64) {
	var best []*upshot.Session
	// The densest stretch of windowDays days ending at a flagged session.
	var flagged []*upshot.Session
	for _, s := range ss {
		for _, f := range longFlags {
			if s.HasFlag(f) {
				flagged = append(flagged, s)
				break
			}
		}
	}
	lo := 0
	for hi, s := range flagged {
		for s.Date.DaysSince(flagged[lo].Date) >= windowDays {
			lo++
		}
		if hi-lo+1 > len(best) {
			best = flagged[lo : hi+1]
		}
	}
	if len(best) < minSessions {
		return nil, nil, nil
	}
	nums = map[string]float64{"long_sessions_flagged": float64(len(best)), "long_window_days": float64(windowDays), "long_min_sessions": float64(minSessions)}
	facts = &longFlagFacts{Days: windowDays, Sessions: len(best), MinSessions: minSessions, From: best[0].Date, To: best[len(best)-1].Date}
	for _, f := range longFlags {
		n := 0
		for _, s := range best {
			if s.HasFlag(f) {
				n++
			}
		}
		if n > 0 {
			facts.Kinds = append(facts.Kinds, flagCount{f, n})
		}
	}
	for _, s := range best {
		evidence = append(evidence, s.ID)
		if n := strings.TrimSpace(s.Note); n != "" {
			facts.Notes = append(facts.Notes, datedNote{s.Date, n})
		}
	}
	return facts, evidence, nums
}

// frequency applies frequency_rising beside dependency and pressure flags:
// sessions per 28 days over the latest three months of a course at or above
// frequency_rise times the rate of its first three months.
func (r *run) frequency(id int64, ss []*upshot.Session, rise float64) {
	const span = 84 // three months, in days
	if len(ss) < 2 || ss[len(ss)-1].Date.DaysSince(ss[0].Date) < 2*span {
		return
	}
	flagged := false
	for _, s := range ss {
		for _, f := range longFlags {
			flagged = flagged || s.HasFlag(f)
		}
	}
	if !flagged {
		return
	}
	start, end := ss[0].Date, ss[len(ss)-1].Date
	var first, recent []int64
	for _, s := range ss {
		if s.Date.DaysSince(start) < span {
			first = append(first, s.ID)
		}
		if end.DaysSince(s.Date) < span {
			recent = append(recent, s.ID)
		}
	}
	a, b := float64(len(first))*28/span, float64(len(recent))*28/span
	if b < a*rise-eps {
		return
	}
	f := Finding{Code: CodeFrequencyRising, TherapistID: id,
		Evidence: Evidence{Sessions: append(first, recent...), Numbers: map[string]float64{"first_rate": round(a, 2), "recent_rate": round(b, 2), "rise": rise}}}
	f.Title, f.Detail = frequencyWords(r.name(id), a, b, rise)
	r.add(f, 0)
}

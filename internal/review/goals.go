package review

import (
	"slices"

	"github.com/upshot-app/upshot/internal/upshot"
)

// GoalSummary is one goal over the sessions in scope.
type GoalSummary struct {
	ID     int64       `json:"id"`
	Title  string      `json:"title"`
	Domain string      `json:"domain"`
	Status string      `json:"status"`
	Opened upshot.Date `json:"opened"`
	Closed upshot.Date `json:"closed"`
	// Progress sums the -3..+3 progress recorded in the sessions that
	// addressed the goal; ProgressRecorded counts those with a value.
	Progress          int `json:"progress"`
	ProgressRecorded  int `json:"progress_recorded"`
	SessionsAddressed int `json:"sessions_addressed"`
	// SessionsSinceAddressed counts sessions after the last one that
	// addressed the goal (or since it was opened, if none did).
	SessionsSinceAddressed int         `json:"sessions_since_addressed"`
	LastAddressed          upshot.Date `json:"last_addressed"`
	LastAddressedSession   int64       `json:"last_addressed_session,omitempty"`
}

// firstOnOrAfter is the index of the first session dated on or after d.
func firstOnOrAfter(ss []*upshot.Session, d upshot.Date) int {
	i, _ := slices.BinarySearchFunc(ss, d, func(s *upshot.Session, d upshot.Date) int {
		if s.Date.Before(d) {
			return -1
		}
		return 1
	})
	return i
}

// effectiveStarts maps each goal to the day it took effect: the earlier of
// its opened date and the first session that addressed it, so goals a
// person adds today for sessions entered from memory still count from when
// they were worked on.
func (r *run) effectiveStarts() map[int64]upshot.Date {
	start := map[int64]upshot.Date{}
	for _, g := range r.goalList {
		start[g.ID] = g.Opened
	}
	for _, s := range r.allSessions {
		for _, gp := range s.Goals {
			if d, ok := start[gp.GoalID]; ok && s.Date.Before(d) {
				start[gp.GoalID] = s.Date
			}
		}
	}
	return start
}

// openAt reports whether the goal was open on day d, from its status and
// dates: an open goal since it took effect (start), a closed one until it
// was closed.
func openAt(g *upshot.Goal, start, d upshot.Date) bool {
	if start.After(d) {
		return false
	}
	if g.Status == upshot.GoalOpen {
		return true
	}
	return !g.Closed.IsZero() && g.Closed.After(d)
}

// lastAddressed maps goal id to the index of the last session in ss that
// addressed it.
func lastAddressed(ss []*upshot.Session) map[int64]int {
	last := map[int64]int{}
	for i, s := range ss {
		for _, gp := range s.Goals {
			last[gp.GoalID] = i
		}
	}
	return last
}

func (r *run) goals() {
	r.goalStart = r.effectiveStarts()
	last := lastAddressed(r.sessions)
	var withProgress []GoalSummary
	var progressSessions []int64
	nums := map[string]float64{}
	sums := map[int64]*GoalSummary{}
	// Full capacity up front: sums points into the slice.
	r.out.Goals = make([]GoalSummary, 0, len(r.goalList))
	for _, g := range r.goalList {
		gs := GoalSummary{ID: g.ID, Title: g.Title, Domain: g.Domain, Status: g.Status, Opened: g.Opened, Closed: g.Closed}
		from := firstOnOrAfter(r.sessions, r.goalStart[g.ID])
		if i, ok := last[g.ID]; ok {
			gs.LastAddressed, gs.LastAddressedSession = r.sessions[i].Date, r.sessions[i].ID
			gs.SessionsSinceAddressed = len(r.sessions) - 1 - i
		} else {
			gs.SessionsSinceAddressed = len(r.sessions) - from
		}
		r.out.Goals = append(r.out.Goals, gs)
		sums[g.ID] = &r.out.Goals[len(r.out.Goals)-1]
	}
	for _, s := range r.sessions {
		recorded := false
		for _, gp := range s.Goals {
			gs := sums[gp.GoalID]
			if gs == nil {
				continue
			}
			gs.SessionsAddressed++
			if gp.Progress != nil {
				gs.Progress += *gp.Progress
				gs.ProgressRecorded++
				recorded = true
			}
		}
		if recorded {
			progressSessions = append(progressSessions, s.ID)
		}
	}
	for _, gs := range r.out.Goals {
		if gs.ProgressRecorded == 0 {
			continue
		}
		withProgress = append(withProgress, gs)
		nums["goal_"+itoa(gs.ID)] = float64(gs.Progress)
	}
	if len(withProgress) > 0 {
		f := Finding{Code: CodeGoalProgress, Evidence: Evidence{Sessions: progressSessions, Numbers: nums}}
		f.Title, f.Detail = goalProgressWords(withProgress)
		r.add(f, 0)
	}
	r.neglected()
}

// neglected applies goal_neglected per therapist: a goal still open at their
// latest session in scope that has not come up in their last
// goal_neglect_sessions sessions. Only sessions on or after the day the goal
// was set count, so a new goal is not "neglected" by sessions before it
// existed, and there must be that many of them.
func (r *run) neglected() {
	if len(r.goalList) == 0 || len(r.sessions) == 0 {
		return
	}
	need := r.intSetting(upshot.SettingGoalNeglectSessions)
	for _, id := range r.order {
		ss := r.byTherapist[id]
		end := ss[len(ss)-1].Date
		last := lastAddressed(ss)
		for _, g := range r.goalList {
			if !openAt(g, r.goalStart[g.ID], end) {
				continue
			}
			from := firstOnOrAfter(ss, r.goalStart[g.ID])
			if len(ss)-from < need {
				continue
			}
			facts := neglectFacts{Goal: g.Title, Name: r.name(id), Since: len(ss) - from, Ended: r.ended(id),
				FirstUp: r.goalStart[g.ID], Opened: g.Opened}
			var evidence []int64
			if i, ok := last[g.ID]; ok && i >= from {
				facts.Since, facts.Last = len(ss)-1-i, ss[i].Date
				evidence = append(evidence, ss[i].ID)
			}
			if facts.Since < need {
				continue
			}
			evidence = append(evidence, sessionIDs(lastN(ss, need))...)
			f := Finding{Code: CodeGoalNeglected, TherapistID: id, GoalID: g.ID,
				Evidence: Evidence{Sessions: evidence, Numbers: map[string]float64{
					"sessions_since": float64(facts.Since), "min_sessions": float64(need)}}}
			f.Title, f.Detail = goalNeglectedWords(facts)
			r.add(f, int(g.ID))
		}
	}
}

func signed(n int) string {
	if n > 0 {
		return "+" + itoa(n)
	}
	return itoa(n)
}

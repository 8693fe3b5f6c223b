package review

import (
	"slices"

	"github.com/upshot-app/upshot/internal/upshot"
)

// FocusSummary is where session time went: per session, and per therapist in
// their first and recent windows.
type FocusSummary struct {
	Sessions   []FocusShare   `json:"sessions"`
	Therapists []FocusWindows `json:"therapists"`
}

// FocusShare is one session's split, each a share 0-1 of the time recorded.
type FocusShare struct {
	SessionID    int64       `json:"session_id"`
	Date         upshot.Date `json:"date"`
	TherapistID  int64       `json:"therapist_id"`
	Life         float64     `json:"life"`
	Relationship float64     `json:"relationship"`
	Therapist    float64     `json:"therapist"`
	Admin        float64     `json:"admin"`
	Other        float64     `json:"other"`
}

// FocusWindows compares a therapist's first sessions with their recent ones.
// Relationship here is relationship + therapist: the time that went to "us"
// or to the therapist themselves rather than to the person's life. Each
// window averages the sessions' shares weighted by their minutes, so a
// session logged in minutes and one logged in percentages count by how long
// they were, not by how the split was written down.
type FocusWindows struct {
	TherapistID        int64   `json:"therapist_id"`
	SessionsWithFocus  int     `json:"sessions_with_focus"`
	FirstSessions      []int64 `json:"first_sessions"`
	RecentSessions     []int64 `json:"recent_sessions"`
	FirstLife          float64 `json:"first_life"`
	FirstRelationship  float64 `json:"first_relationship"`
	RecentLife         float64 `json:"recent_life"`
	RecentRelationship float64 `json:"recent_relationship"`
	// Separate is true when the two windows do not overlap, which drift
	// needs: a change cannot be measured against itself.
	Separate bool `json:"separate"`
}

func share(part, total int) float64 {
	if total <= 0 {
		return 0
	}
	return float64(part) / float64(total)
}

// windowShares averages the life and relationship+therapist shares,
// weighted by each session's minutes: they are shares of time, so a
// 90-minute session counts more than a 10-minute one. A session without
// minutes counts as long as the usual (median) recorded one, or all count
// alike when none has minutes.
func windowShares(ss []*upshot.Session) (life, rel float64) {
	if len(ss) == 0 {
		return 0, 0
	}
	var known []int
	for _, s := range ss {
		if s.Minutes != nil {
			known = append(known, *s.Minutes)
		}
	}
	usual := 1
	if len(known) > 0 {
		slices.Sort(known)
		usual = known[len(known)/2]
	}
	total := 0.0
	for _, s := range ss {
		w := float64(usual)
		if s.Minutes != nil {
			w = float64(*s.Minutes)
		}
		life += w * s.Focus.LifeShare()
		rel += w * s.Focus.RelationshipShare()
		total += w
	}
	return life / total, rel / total
}

// TimeShares is where the time of the sessions that recorded their focus
// went, by the rule the review's focus findings use (shares of time,
// weighted by minutes): the share (0-1) on the person's life, the share on
// the relationship or the therapist, and how many sessions recorded it.
func TimeShares(ss []*upshot.Session) (life, relationship float64, sessions int) {
	var with []*upshot.Session
	for _, s := range ss {
		if s != nil && s.Focus != nil && s.Focus.Total() > 0 {
			with = append(with, s)
		}
	}
	life, relationship = windowShares(with)
	return round(life, 4), round(relationship, 4), len(with)
}

func (r *run) focus() {
	for _, s := range r.sessions {
		if s.Focus == nil || s.Focus.Total() == 0 {
			continue
		}
		f, t := s.Focus, s.Focus.Total()
		r.out.Focus.Sessions = append(r.out.Focus.Sessions, FocusShare{
			SessionID: s.ID, Date: s.Date, TherapistID: s.TherapistID,
			Life: round(share(f.Life, t), 4), Relationship: round(share(f.Relationship, t), 4), Therapist: round(share(f.Therapist, t), 4),
			Admin: round(share(f.Admin, t), 4), Other: round(share(f.Other, t), 4),
		})
	}
	if len(r.out.Focus.Sessions) == 0 {
		return
	}
	firstN, recentN := r.intSetting(upshot.SettingFirstWindow), r.intSetting(upshot.SettingRecentWindow)
	minShare, minRise := r.intSetting(upshot.SettingDriftMinShare), r.intSetting(upshot.SettingDriftMinRise)
	for _, id := range r.order {
		var ss []*upshot.Session
		for _, s := range r.byTherapist[id] {
			if s.Focus != nil && s.Focus.Total() > 0 {
				ss = append(ss, s)
			}
		}
		if len(ss) == 0 {
			continue
		}
		first, recent := ss[:min(firstN, len(ss))], lastN(ss, recentN)
		w := FocusWindows{TherapistID: id, SessionsWithFocus: len(ss), FirstSessions: sessionIDs(first), RecentSessions: sessionIDs(recent),
			Separate: len(ss) >= firstN+recentN}
		fl, fr := windowShares(first)
		rl, rr := windowShares(recent)
		w.FirstLife, w.FirstRelationship, w.RecentLife, w.RecentRelationship = round(fl, 4), round(fr, 4), round(rl, 4), round(rr, 4)
		r.out.Focus.Therapists = append(r.out.Focus.Therapists, w)

		facts := focusFacts{Name: r.name(id), First: len(first), Recent: len(recent), FirstRel: fr, RecentRel: rr, RecentLife: rl,
			Works: r.works(id, recentN), MinShare: minShare, MinRise: minRise}
		// The person's own verdict counts: in a course that works, a
		// relationship-heavy focus is for information, not a concern.
		var severity Severity // empty: the code's own (see add)
		if facts.Works != "" {
			severity = Info
		}

		// relationship_drift: the recent share is high in itself and clearly
		// higher than at the start.
		rise := rr - fr
		if w.Separate && rr*100 >= float64(minShare)-eps && rise*100 >= float64(minRise)-eps {
			f := Finding{Code: CodeRelationshipDrift, TherapistID: id, Severity: severity,
				Evidence: Evidence{Sessions: append(sessionIDs(first), sessionIDs(recent)...), Numbers: map[string]float64{
					"first_share": round(fr*100, 1), "recent_share": round(rr*100, 1), "rise": round(rise*100, 1),
					"min_share": float64(minShare), "min_rise": float64(minRise)}}}
			f.Title, f.Detail = driftWords(facts)
			r.add(f, 0)
		}
		// relationship_centred: more of the recent time on the relationship
		// than on the person's life. It needs a full recent window.
		if len(ss) >= recentN && rr > rl+eps {
			f := Finding{Code: CodeRelationshipCentred, TherapistID: id, Severity: severity,
				Evidence: Evidence{Sessions: sessionIDs(recent), Numbers: map[string]float64{
					"recent_share": round(rr*100, 1), "recent_life": round(rl*100, 1)}}}
			f.Title, f.Detail = centredWords(facts)
			r.add(f, 0)
		}
	}
}

// works says, in words, how the records show a therapist's course working,
// or "" unless they show all of it: a reliable (or meaningful) improvement
// or recovery, goals moving, conduct rated well (4 or more of 5 on average
// in the recent sessions) and "better" after most of the recent sessions.
func (r *run) works(id int64, recentN int) string {
	improved := false
	for _, f := range r.found {
		switch f.Code {
		case CodeReliableImprovement, CodeReliableRecovery, CodeMeaningfulImprovement:
			improved = improved || f.TherapistID == id || slices.Contains(f.TherapistIDs, id)
		}
	}
	ss := r.byTherapist[id]
	progress := 0
	for _, s := range ss {
		for _, gp := range s.Goals {
			if gp.Progress != nil {
				progress += *gp.Progress
			}
		}
	}
	recent := lastN(ss, recentN)
	sum, n, better := 0, 0, 0
	for _, s := range recent {
		for _, q := range upshot.Qualities {
			if v := s.Conduct.Get(q); v != nil {
				sum += *v
				n++
			}
		}
		if s.After == upshot.AfterBetter {
			better++
		}
	}
	if !improved || progress <= 0 || n == 0 || float64(sum)/float64(n) < 4 || better*2 <= len(recent) {
		return ""
	}
	return worksWords(progress, float64(sum)/float64(n), better, len(recent))
}

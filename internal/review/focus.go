package review

import (
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
// window averages the sessions' shares, so a session logged in minutes and
// one logged in percentages weigh the same.
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

// windowShares averages the life and relationship+therapist shares.
func windowShares(ss []*upshot.Session) (life, rel float64) {
	if len(ss) == 0 {
		return 0, 0
	}
	for _, s := range ss {
		life += s.Focus.LifeShare()
		rel += s.Focus.RelationshipShare()
	}
	n := float64(len(ss))
	return life / n, rel / n
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
	firstN, recentN := r.intSetting("first_window"), r.intSetting("recent_window")
	minShare, minRise := r.intSetting("drift_min_share"), r.intSetting("drift_min_rise")
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

		name := r.name(id)
		lastWords := "In your " + lastSessions(len(recent)) + " with " + name

		// relationship_drift: the recent share is high in itself and clearly
		// higher than at the start.
		rise := rr - fr
		if w.Separate && rr*100 >= float64(minShare)-eps && rise*100 >= float64(minRise)-eps {
			r.add(Finding{Code: CodeRelationshipDrift, TherapistID: id,
				Title: "Sessions drifting to the relationship",
				Detail: lastWords + ", " + pct(rr) + " of the time went to your relationship with them or to them talking about themselves, up from " +
					pct(fr) + " in your first " + itoa(len(first)) + ". Drift is reported at " + itoa(minShare) + "% or more and at least " +
					itoa(minRise) + " points above the start.",
				Evidence: Evidence{Sessions: append(sessionIDs(first), sessionIDs(recent)...), Numbers: map[string]float64{
					"first_share": round(fr*100, 1), "recent_share": round(rr*100, 1), "rise": round(rise*100, 1),
					"min_share": float64(minShare), "min_rise": float64(minRise)}}}, 0)
		}
		// relationship_centred: more of the recent time on the relationship
		// than on the person's life. It needs a full recent window.
		if len(ss) >= recentN && rr > rl+eps {
			r.add(Finding{Code: CodeRelationshipCentred, TherapistID: id,
				Title: "Relationship ahead of your life",
				Detail: lastWords + ", more of the time went to your relationship with them or to them (" + pct(rr) +
					") than to your own life and problems (" + pct(rl) + ").",
				Evidence: Evidence{Sessions: sessionIDs(recent), Numbers: map[string]float64{
					"recent_share": round(rr*100, 1), "recent_life": round(rl*100, 1)}}}, 0)
		}
	}
}

package web

import (
	"html/template"
	"net/http"
	"slices"
	"strconv"

	"github.com/upshot-app/upshot/internal/report"
	"github.com/upshot-app/upshot/internal/review"
	"github.com/upshot-app/upshot/internal/upshot"
)

// webLinks points chart tables and evidence at the app's own pages.
func webLinks(kind string, id int64) string {
	switch kind {
	case "session":
		return "/sessions/" + strconv.FormatInt(id, 10)
	case "checkin":
		return "/checkins/" + strconv.FormatInt(id, 10)
	case "goal":
		return "/goals/" + strconv.FormatInt(id, 10) + "/edit"
	}
	return ""
}

type dashboardData struct {
	Empty         bool
	HasTherapist  bool
	HasGoal       bool
	Safety        template.HTML
	Review        *review.Review
	Pressing      []report.FindingView // the few findings to read first
	MoreFindings  int
	Charts        *report.Charts
	Recent        []report.SessionRow
	LatestCheckin map[string]upshot.Date
	Instruments   []instrumentLink
}

type instrumentLink struct {
	ID, Name string
	Last     upshot.Date
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	snap, err := s.store.Export(r.Context(), s.owner)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &dashboardData{
		Empty:        snap.Empty(),
		HasTherapist: len(snap.Therapists) > 0,
		HasGoal:      len(snap.Goals) > 0,
	}
	d.Instruments = s.instrumentLinks(snap)
	if len(snap.Sessions) > 0 || len(snap.CheckIns) > 0 {
		d.Review = review.Run(snap, s.reg, review.Options{Today: s.today()})
		if d.Review.Safety != nil {
			if d.Safety, err = report.SafetyHTML(d.Review.Safety.Text); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		for _, g := range report.GroupFindings(snap, d.Review, webLinks) {
			if g.Severity == review.Info || g.Severity == review.Urgent {
				continue
			}
			for _, f := range g.Findings {
				if len(d.Pressing) < 3 {
					d.Pressing = append(d.Pressing, f)
				} else {
					d.MoreFindings++
				}
			}
		}
		if d.Charts, err = report.Build(snap, s.reg, webLinks); err != nil {
			s.fail(w, r, err)
			return
		}
		rows := report.SessionRows(snap)
		slices.Reverse(rows)
		d.Recent = rows[:min(5, len(rows))]
	}
	s.render(w, r, http.StatusOK, "dashboard", page{Title: "Dashboard", Nav: "dashboard", Flash: flash(r), Data: d})
}

// instrumentLinks lists the questionnaires with the date each was last answered.
func (s *Server) instrumentLinks(snap *upshot.Snapshot) []instrumentLink {
	last := map[string]upshot.Date{}
	for _, c := range snap.CheckIns {
		if c.Date.After(last[c.Instrument]) {
			last[c.Instrument] = c.Date
		}
	}
	var out []instrumentLink
	for _, def := range s.reg.All() {
		out = append(out, instrumentLink{ID: def.ID, Name: def.Label(), Last: last[def.ID]})
	}
	return out
}

// flash is the confirmation a redirect after a change asks for. Only known
// messages are shown: the query string is not a way to put text on a page.
func flash(r *http.Request) string {
	return flashes[r.URL.Query().Get("done")]
}

var flashes = map[string]string{
	"session-saved":     "Session saved.",
	"session-deleted":   "Session deleted.",
	"checkin-deleted":   "Check-in deleted.",
	"therapist-saved":   "Therapist saved.",
	"therapist-deleted": "Therapist deleted.",
	"goal-saved":        "Goal saved.",
	"goal-deleted":      "Goal deleted.",
	"settings-saved":    "Settings saved.",
}

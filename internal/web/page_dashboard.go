package web

import (
	"cmp"
	"context"
	"html/template"
	"net/http"
	"slices"
	"strconv"

	"github.com/upshot-app/upshot/internal/report"
	"github.com/upshot-app/upshot/internal/report/chart"
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

// dashboardMonths is how much of the record the dashboard's charts show: the
// recent course, about 52 weekly points per chart, which reads on a phone and
// keeps the page small (a ten-year record drawn whole made a 1.7 MB page of
// 520-point charts and 3,000 table rows). The review behind the verdict and
// the findings still reads everything, the first check-in included, and
// every score is still measured against the first check-in ever; the report
// (/report) draws the whole history.
const dashboardMonths = 12

type dashboardData struct {
	Empty         bool
	HasTherapist  bool
	HasGoal       bool
	Safety        template.HTML
	Review        *review.Review
	Headline      report.Headline
	Pressing      []report.Card          // the few findings about the therapy going on to read first
	Past          []report.SeverityGroup // each ended therapy's findings, folded
	MoreFindings  int
	Charts        *chart.Charts
	ChartMonths   int
	Recent        []report.SessionRow
	LatestCheckin map[string]upshot.Date
	Instruments   []instrumentLink
	// Agenda is the open items of my agenda, the unresolved first (at most
	// maxDashboardAgenda); AgendaOpen counts them all.
	Agenda     []upshot.AgendaEntry
	AgendaOpen int
	HasPlan    bool // a safety plan is written
}

// maxDashboardAgenda keeps the dashboard's agenda to a glance.
const maxDashboardAgenda = 3

type instrumentLink struct {
	ID, Name string
	Last     upshot.Date
}

// dashboard answers from the page rendered for the owner's current records
// and today's date, rendering it first when they changed (dashboard_cache.go).
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	// The revision is read before the records the page is built from, so a
	// write in between leaves a page that looks stale, never one that looks
	// current while it is not.
	rev, err := s.store.Revision(r.Context(), ownerOf(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	key := pageKey{owner: ownerOf(r), revision: rev, today: s.today()}
	p, err := s.dashboards.get(r.Context(), key, s.renderDashboard)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	body := p.page
	if msg := flash(r); msg != "" {
		// A confirmation after a change: the same rendered part in a layout
		// that says what was done.
		if body, err = s.execute("dashboard", "layout", s.dashboardPageOf(ownerOf(r), p.main, msg)); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	writePage(w, http.StatusOK, body)
}

// dashboardPageOf is the page around the dashboard's own part. It is kept
// rendered per owner, so it names its owner for the outbox as render does.
func (s *Server) dashboardPageOf(owner upshot.OwnerID, main template.HTML, flash string) page {
	return page{Title: "Dashboard", Nav: "dashboard", Flash: flash, Data: main, Account: owner}
}

// renderDashboard builds owner's dashboard for today from the records as
// they are now, keyed by the revision read before them.
func (s *Server) renderDashboard(ctx context.Context, owner upshot.OwnerID, today upshot.Date) (*renderedPage, error) {
	rev, err := s.store.Revision(ctx, owner)
	if err != nil {
		return nil, err
	}
	key := pageKey{owner: owner, revision: rev, today: today}
	d, err := s.dashboardData(ctx, key.owner, key.today)
	if err != nil {
		return nil, err
	}
	main, err := s.execute("dashboard", "dashboard_main", d)
	if err != nil {
		return nil, err
	}
	out := &renderedPage{key: key, main: template.HTML(main)}
	if out.page, err = s.execute("dashboard", "layout", s.dashboardPageOf(owner, out.main, "")); err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Server) dashboardData(ctx context.Context, owner upshot.OwnerID, today upshot.Date) (*dashboardData, error) {
	// Nothing on the dashboard shows a session's note: they are not read.
	// The sessions and check-ins of the last render are read again only
	// when they changed (renders of one owner do not overlap).
	snap, kept, err := s.store.ExportWithoutNotesReusing(ctx, owner, s.kept.get(owner))
	if err != nil {
		return nil, err
	}
	s.kept.put(owner, kept)
	d := &dashboardData{
		Empty:        snap.Empty(),
		HasTherapist: len(snap.Therapists) > 0,
		HasGoal:      len(snap.Goals) > 0,
		ChartMonths:  dashboardMonths,
	}
	d.Instruments = s.instrumentLinks(snap)
	d.HasPlan = !snap.SafetyPlan.Empty()
	for _, e := range upshot.BuildAgenda(snap.AgendaItems, snap.Sessions, snap.Settings.Int(upshot.SettingAgendaUnresolvedRaises)) {
		if e.Open() {
			if d.AgendaOpen < maxDashboardAgenda {
				d.Agenda = append(d.Agenda, e)
			}
			d.AgendaOpen++
		}
	}
	if len(snap.Sessions) == 0 && len(snap.CheckIns) == 0 {
		return d, nil
	}
	d.Review = review.Run(snap, s.reg, review.Options{Today: today})
	if d.Review.Safety != nil {
		if d.Safety, err = report.SafetyHTML(d.Review.Safety.Text, planPath); err != nil {
			return nil, err
		}
	}
	d.Headline = report.HeadlineOf(d.Review)
	// The answer first: at most three cards about the therapy going on (the
	// good news is in the headline, the safety notice above it), then each
	// ended therapy's findings as one folded group, since nothing about it
	// can be raised at a next session (the review lists everything).
	shown := 0
	for _, g := range report.GroupFindingsWithoutEvidence(snap, d.Review) {
		if g.Severity == report.PastGroup {
			d.Past = append(d.Past, g)
			continue
		}
		for _, c := range g.Cards {
			if c.Severity != review.Info && c.Severity != review.Urgent && len(d.Pressing) < 3 {
				d.Pressing = append(d.Pressing, c)
				shown += len(c.Findings)
			}
		}
		d.MoreFindings += len(g.Findings)
	}
	d.MoreFindings -= shown
	window := chart.RecentWindow(snap, dashboardMonths)
	if d.Charts, err = chart.BuildWindow(snap, s.reg, webLinks, window); err != nil {
		return nil, err
	}
	// The latest five sessions, newest first: rows are made for them alone,
	// picked in one pass (not by sorting the whole record).
	newer := func(a, b *upshot.Session) int { return cmp.Or(a.Date.Compare(b.Date), cmp.Compare(a.ID, b.ID)) }
	latest := *snap
	latest.Sessions = nil
	for _, s := range snap.Sessions {
		if len(latest.Sessions) == 5 && newer(s, latest.Sessions[0]) < 0 {
			continue
		}
		i, _ := slices.BinarySearchFunc(latest.Sessions, s, newer)
		latest.Sessions = slices.Insert(latest.Sessions, i, s)
		if len(latest.Sessions) > 5 {
			latest.Sessions = latest.Sessions[1:]
		}
	}
	d.Recent = report.SessionRows(&latest)
	slices.Reverse(d.Recent)
	return d, nil
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
	"plan-saved":        "Your safety plan is saved.",
	"calendar-ended":    "Your calendar address no longer works; the reminders will disappear from your calendar.",
	"agenda-added":      "On your agenda.",
	"agenda-saved":      "Agenda saved.",
}

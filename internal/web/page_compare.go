package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/report"
	"github.com/upshot-app/upshot/internal/report/chart"
	"github.com/upshot-app/upshot/internal/upshot"
)

// compareChoice is a therapist in the comparison page's picker.
type compareChoice struct {
	*upshot.Therapist
	Sessions int
	Chosen   bool
}

type compareData struct {
	Choices []compareChoice
	Table   report.CompareTable
	Figure  *chart.Figure
	Error   *formError
}

// compareLinks make each cell of the comparison link to its evidence: the
// review of that therapist at the finding the cell rests on, the check-in
// behind a score, or the therapist's sessions.
var compareLinks = &report.CompareLinks{
	Finding: func(id int64, anchor string) string {
		return "/review?therapist=" + strconv.FormatInt(id, 10) + "#" + url.PathEscape(anchor)
	},
	Sessions: func(id int64) string { return "/sessions?therapist=" + strconv.FormatInt(id, 10) },
	CheckIn:  func(id int64) string { return "/checkins/" + strconv.FormatInt(id, 10) },
}

// comparePage puts the therapists chosen with therapist=ID (none: all with
// a session) side by side, with a picker to choose others. A therapist that
// is not the owner's is a 404 that still shows the picker, as the review
// does with a bad scope.
func (s *Server) comparePage(w http.ResponseWriter, r *http.Request) {
	status := http.StatusOK
	d := &compareData{}
	c, err := s.compare(r)
	if err != nil {
		if st := statusOf(err); st != http.StatusNotFound && st != http.StatusUnprocessableEntity {
			s.fail(w, r, err)
			return
		}
		status, d.Error = statusOf(err), toFormError(err)
		if c, err = usecase.Compare(r.Context(), s.store, s.reg, ownerOf(r), s.today()); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	therapists, err := s.store.ListTherapists(r.Context(), ownerOf(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	count := map[int64]int{}
	for _, co := range c.Courses {
		count[co.Therapist.ID] = co.Sessions
	}
	for _, t := range therapists {
		chosen := slices.ContainsFunc(c.Courses, func(co usecase.CourseRecord) bool { return co.Therapist.ID == t.ID })
		n, ok := count[t.ID]
		if !ok {
			// Not compared now: count their sessions for the picker.
			list, err := s.store.ListSessions(r.Context(), ownerOf(r), upshot.SessionFilter{TherapistID: t.ID})
			if err != nil {
				s.fail(w, r, err)
				return
			}
			n = len(list)
		}
		d.Choices = append(d.Choices, compareChoice{Therapist: t, Sessions: n, Chosen: chosen})
	}
	if len(c.Courses) > 0 {
		d.Table = report.ComparisonTable(c, compareLinks)
		d.Figure = report.ComparisonFigure(c, compareLinks)
	}
	s.render(w, r, status, "compare", page{Title: "Therapists side by side", Nav: "therapists", Data: d})
}

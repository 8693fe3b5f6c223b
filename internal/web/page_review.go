package web

import (
	"html/template"
	"net/http"

	"github.com/upshot-app/upshot/internal/guide"
	"github.com/upshot-app/upshot/internal/report"
	"github.com/upshot-app/upshot/internal/review"
	"github.com/upshot-app/upshot/internal/upshot"
)

type reviewData struct {
	Review      *review.Review
	Headline    report.Headline
	Safety      template.HTML
	Findings    template.HTML
	Therapists  []*upshot.Therapist
	TherapistID int64
	Since       string
	Error       *formError
	Guides      []guide.Guide // the guides the findings lead to
}

func (s *Server) reviewPage(w http.ResponseWriter, r *http.Request) {
	rv, snap, err := s.runReview(r)
	if err != nil {
		if statusOf(err) == http.StatusUnprocessableEntity || statusOf(err) == http.StatusNotFound {
			// A bad scope in the query: show the whole review and say why.
			s.reviewRender(w, r, statusOf(err), err)
			return
		}
		s.fail(w, r, err)
		return
	}
	d := &reviewData{Review: rv, Therapists: snap.Therapists, TherapistID: rv.Scope.TherapistID, Since: rv.Scope.Since.String()}
	if err := s.fillReview(d, snap); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "review", page{Title: "Review", Nav: "review", Flash: flash(r), Data: d})
}

func (s *Server) reviewRender(w http.ResponseWriter, r *http.Request, status int, scopeErr error) {
	snap, err := s.store.Export(r.Context(), ownerOf(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &reviewData{Review: review.Run(snap, s.reg, review.Options{Today: s.today()}), Therapists: snap.Therapists, Error: toFormError(scopeErr)}
	if err := s.fillReview(d, snap); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "review", page{Title: "Review", Nav: "review", Data: d})
}

func (s *Server) fillReview(d *reviewData, snap *upshot.Snapshot) error {
	var err error
	d.Headline = report.HeadlineOf(d.Review)
	d.Guides = reviewGuides(d.Review)
	if d.Review.Safety != nil {
		if d.Safety, err = report.SafetyHTML(d.Review.Safety.Text, planPath); err != nil {
			return err
		}
	}
	d.Findings, err = report.FindingsHTML(report.GroupFindings(snap, d.Review, webLinks))
	return err
}

package web

import (
	"html/template"
	"net/http"

	"github.com/upshot-app/upshot/internal/guide"
	"github.com/upshot-app/upshot/internal/review"
)

// guidesPage lists the guides.
func (s *Server) guidesPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "guides", page{Title: "Guides", Nav: "guides", Data: guide.All()})
}

// guidePage shows one guide, its Markdown rendered (raw HTML left out).
func (s *Server) guidePage(w http.ResponseWriter, r *http.Request) {
	g, ok := guide.Find(r.PathValue("slug"))
	if !ok {
		s.renderError(w, r, http.StatusNotFound, "There is no guide here.")
		return
	}
	body, err := g.HTML()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "guide", page{Title: g.Title, Nav: "guides", Data: struct {
		Guide  guide.Guide
		Body   template.HTML
		Others []guide.Guide
	}{g, body, othersThan(g.Slug)}})
}

func othersThan(slug string) []guide.Guide {
	var out []guide.Guide
	for _, g := range guide.All() {
		if g.Slug != slug {
			out = append(out, g)
		}
	}
	return out
}

// guideForFinding is the guide a finding of the review leads to: the one
// that says what the finding is about and what a person can do.
var guideForFinding = map[review.Code]string{
	review.CodeConductConcern:        "good-conduct",
	review.CodeConductTrend:          "good-conduct",
	review.CodeRelationshipDrift:     "transference-dependency-boundaries",
	review.CodeRelationshipCentred:   "transference-dependency-boundaries",
	review.CodePreoccupationRising:   "transference-dependency-boundaries",
	review.CodeFrequencyRising:       "transference-dependency-boundaries",
	review.CodeRedFlags:              "transference-dependency-boundaries",
	review.CodeAgendaUnresolved:      "raise-a-concern",
	review.CodeNoExpertise:           "raise-a-concern",
	review.CodeGoalNeglected:         "raise-a-concern",
	review.CodeNoReliableImprovement: "second-opinion",
	review.CodeOffTrack:              "second-opinion",
	review.CodeReliableDeterioration: "second-opinion",
	review.CodeWorseAfter:            "second-opinion",
	review.CodeLowHelpfulness:        "second-opinion",
}

// reviewGuides are the guides the review's findings lead to, in the
// guides' own order, each once.
func reviewGuides(rv *review.Review) []guide.Guide {
	want := map[string]bool{}
	for _, f := range rv.Findings {
		if slug, ok := guideForFinding[f.Code]; ok {
			want[slug] = true
		}
	}
	var out []guide.Guide
	for _, g := range guide.All() {
		if want[g.Slug] {
			out = append(out, g)
		}
	}
	return out
}

package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/report/summary"
	"github.com/upshot-app/upshot/internal/upshot"
)

// summarySections reads the chosen sections from the query: sections=NAME,
// repeated or comma-separated. The page's form sends chosen=1 with one
// sections=NAME per ticked box, so a form with none ticked is a choice of
// none (refused), and an address with neither is no choice (the default
// sections).
func summarySections(r *http.Request) []string {
	q := r.URL.Query()
	if _, ok := q["sections"]; !ok && (isAPI(r) || q.Get("chosen") == "") {
		return nil
	}
	names := []string{}
	for _, v := range q["sections"] {
		names = append(names, strings.Split(v, ",")...)
	}
	return names
}

// summaryBox is one section's checkbox on the page.
type summaryBox struct {
	Name, Title      string
	Private, Checked bool
}

// summaryPage shows the summary for a new clinician or a GP, with the
// boxes that choose its sections; its print styles hide the app around it.
func (s *Server) summaryPage(w http.ResponseWriter, r *http.Request) {
	names := summarySections(r)
	data := struct {
		Boxes    []summaryBox
		Body     template.HTML
		Download template.URL
		Error    *formError
	}{}
	chosen, err := usecase.SummarySections("sections", names)
	status := http.StatusOK
	if err != nil {
		if upshot.ErrorCode(err) != upshot.EINVALID {
			s.fail(w, r, err)
			return
		}
		// The form comes back with the boxes as they were sent and
		// the reason, and no summary.
		status, data.Error = http.StatusUnprocessableEntity, toFormError(err)
		for _, n := range names {
			if sec, ok := usecase.LookupSummarySection(n); ok {
				chosen = append(chosen, sec)
			}
		}
	} else {
		doc, err := usecase.Summary(r.Context(), s.store, s.reg, ownerOf(r), s.today(), "sections", names)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if data.Body, err = summary.Render(doc, planPath); err != nil {
			s.fail(w, r, err)
			return
		}
		q := url.Values{}
		if names != nil {
			for _, sec := range chosen {
				q.Add("sections", string(sec))
			}
		}
		data.Download = "/summary/download"
		if len(q) > 0 {
			data.Download += template.URL("?" + q.Encode())
		}
	}
	for _, sec := range usecase.SummarySectionList {
		data.Boxes = append(data.Boxes, summaryBox{Name: string(sec), Title: sec.Title(), Private: sec.Private(), Checked: slices.Contains(chosen, sec)})
	}
	s.render(w, r, status, "summary", page{Title: "Summary for a new clinician", Nav: "summary", Data: data})
}

// summaryDownload sends the self-contained summary file, the same as
// `upshot summary -o FILE`.
func (s *Server) summaryDownload(w http.ResponseWriter, r *http.Request) {
	doc, err := usecase.Summary(r.Context(), s.store, s.reg, ownerOf(r), s.today(), "sections", summarySections(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := summary.Write(&buf, doc); err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="upshot-summary-%s.html"`, s.today()))
	// As the report's file: its own inline styles, nothing else.
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
	w.Write(buf.Bytes())
}

// apiSummary is the summary as JSON (app.Summary): the same sections, the
// same words.
func (s *Server) apiSummary(w http.ResponseWriter, r *http.Request) {
	doc, err := usecase.Summary(r.Context(), s.store, s.reg, ownerOf(r), s.today(), "sections", summarySections(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, doc)
}

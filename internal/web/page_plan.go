package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/report"
	"github.com/upshot-app/upshot/internal/report/words"
	"github.com/upshot-app/upshot/internal/upshot"
)

// planPath is the safety plan's page. Every safety notice links to it, and
// every page's footer does, so that it is one tap away on a phone.
const planPath template.URL = "/plan"

type planData struct {
	Plan    template.HTML // the plan as the report shows it
	Version int
	Fields  []planField
	Error   *formError
	Updated string
}

// planField is one section's text box: its items one a line.
type planField struct {
	Key, Title, Prompt string
	Text               string
	Attrs              template.HTMLAttr
}

func (s *Server) planPage(w http.ResponseWriter, r *http.Request) {
	p, err := s.store.SafetyPlan(r.Context(), ownerOf(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := planPageData(p, nil, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "plan", page{Title: "My safety plan", Nav: "plan", Flash: flash(r), Data: d})
}

func (s *Server) planSave(w http.ResponseWriter, r *http.Request) {
	v, err := readForm(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	version, err := strconv.Atoi(v.Get("version"))
	if err != nil || version < 0 {
		s.fail(w, r, upshot.Invalid("version", "version must be the plan's version as read, got %q", v.Get("version")))
		return
	}
	texts := map[string]string{}
	for _, sec := range upshot.PlanSections {
		texts[sec.Key] = v.Get(sec.Key)
	}
	if _, err := usecase.SavePlanText(r.Context(), s.store, ownerOf(r), version, texts); err != nil {
		if upshot.ErrorCode(err) != upshot.EINVALID && upshot.ErrorCode(err) != upshot.ECONFLICT {
			s.fail(w, r, err)
			return
		}
		// Show what was typed with what was wrong; on a conflict, the plan
		// as it is now, so that the person sees what changed.
		p, rerr := s.store.SafetyPlan(r.Context(), ownerOf(r))
		if rerr != nil {
			s.fail(w, r, rerr)
			return
		}
		if upshot.ErrorCode(err) == upshot.ECONFLICT {
			texts = nil
		}
		d, derr := planPageData(p, texts, toFormError(err))
		if derr != nil {
			s.fail(w, r, derr)
			return
		}
		s.render(w, r, statusOf(err), "plan", page{Title: "My safety plan", Nav: "plan", Data: d})
		return
	}
	http.Redirect(w, r, "/plan?done=plan-saved", http.StatusSeeOther)
}

// planPageData lays out the plan and its form; typed, when not nil, is what
// the person submitted (shown again after a refusal).
func planPageData(p *upshot.SafetyPlan, typed map[string]string, ferr *formError) (planData, error) {
	doc := report.PlanDoc(p)
	doc.Title = "My steps" // under the page's own heading
	body, err := report.PlanHTML(doc)
	if err != nil {
		return planData{}, err
	}
	d := planData{Plan: body, Version: p.Version, Error: ferr}
	if p.Version > 0 {
		d.Updated = words.FormatDate(upshot.DateOf(p.UpdatedAt))
	}
	for _, sec := range upshot.PlanSections {
		f := planField{Key: sec.Key, Title: sec.Title, Prompt: sec.Prompt}
		if typed != nil {
			f.Text = typed[sec.Key]
		} else {
			for _, it := range *sec.Items(p) {
				f.Text += it + "\n"
			}
		}
		if ferr != nil && (ferr.Field == sec.Key || len(ferr.Field) > len(sec.Key) && ferr.Field[:len(sec.Key)+1] == sec.Key+"[") {
			f.Attrs = `aria-invalid="true" aria-describedby="form-error"`
		}
		d.Fields = append(d.Fields, f)
	}
	return d, nil
}

// apiPlanGet returns the owner's safety plan (empty lists at version 0
// before the first save).
// apiPlanGet answers the plan with its version as its ETag ("0" before
// the first save); If-None-Match naming it answers 304.
func (s *Server) apiPlanGet(w http.ResponseWriter, r *http.Request) {
	p, err := s.store.SafetyPlan(r.Context(), ownerOf(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	etag := versionETag(p.Version)
	if notModified(w, r, etag) {
		return
	}
	w.Header().Set("ETag", etag)
	writeJSON(w, http.StatusOK, p)
}

// apiPlanPut replaces the whole plan. The version it replaces is named by
// If-Match (the ETag GET gave) or the body's version (0 when there was no
// plan); a stale one is 412 with If-Match, 409 without, so two devices
// never silently overwrite each other's plan.
func (s *Server) apiPlanPut(w http.ResponseWriter, r *http.Request) {
	var p upshot.SafetyPlan
	if err := decodeJSON(w, r, &p); err != nil {
		s.fail(w, r, err)
		return
	}
	if match, given := ifMatch(r); given && match != "*" {
		v, err := strconv.Atoi(strings.Trim(match, `"`))
		if err != nil || v < 0 || len(match) < 3 || match[0] != '"' || match[len(match)-1] != '"' {
			s.fail(w, r, upshot.Errorf(codePrecondition, "If-Match", "If-Match must be the plan's ETag (its version in quotes, such as \"3\") or *, got %s", match))
			return
		}
		switch {
		case p.Version == 0: // left out: If-Match names it
			p.Version = v
		case p.Version != v:
			s.fail(w, r, upshot.Invalid("version", "If-Match names version %d and the body version %d; send one, or the same in both", v, p.Version))
			return
		}
	}
	if err := s.store.PutSafetyPlan(r.Context(), ownerOf(r), &p); err != nil {
		s.fail(w, r, preconditionOf(r, err))
		return
	}
	w.Header().Set("ETag", versionETag(p.Version))
	writeJSON(w, http.StatusOK, &p)
}

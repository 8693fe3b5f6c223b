package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"github.com/upshot-app/upshot/internal/report"
	"github.com/upshot-app/upshot/internal/upshot"
)

// reportPage shows the report exactly as the standalone file renders it,
// inside the app's layout; its print styles hide the app around it.
func (s *Server) reportPage(w http.ResponseWriter, r *http.Request) {
	rv, snap, err := s.runReview(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	opt := reportOptions(r)
	body, err := report.Render(snap, s.reg, rv, s.today(), opt)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := url.Values{}
	if opt.SafetyPlan {
		q.Set("plan", "1")
	}
	if opt.Record {
		q.Set("record", "1")
	}
	if opt.IncludeNotes {
		q.Set("notes", "1")
	}
	if opt.Compare {
		q.Set("compare", "1")
	}
	if rv.Scope.TherapistID != 0 {
		q.Set("therapist", strconv.FormatInt(rv.Scope.TherapistID, 10))
	}
	if !rv.Scope.Since.IsZero() {
		q.Set("since", rv.Scope.Since.String())
	}
	download := "/report/download"
	if len(q) > 0 {
		download += "?" + q.Encode()
	}
	s.render(w, r, http.StatusOK, "report", page{Title: "Report", Nav: "report", Data: struct {
		Body     template.HTML
		Download template.URL
		Options  report.Options
		Scope    url.Values // the scope to keep when options change
	}{body, template.URL(download), opt, scopeOnly(q)}})
}

// reportDownload sends the self-contained report file, the same as
// `upshot report -o FILE`.
func (s *Server) reportDownload(w http.ResponseWriter, r *http.Request) {
	rv, snap, err := s.runReview(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := report.Write(&buf, snap, s.reg, rv, s.today(), reportOptions(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	s.auditExport(r, "report")
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="upshot-report-%s.html"`, s.today()))
	// The file carries its own inline styles; the page policy would block
	// them if it were opened from here, so it gets a policy of its own.
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
	w.Write(buf.Bytes())
}

// reportOptions reads the report's opt-in parts from the query: plan=1
// includes the safety plan, record=1 the person's record and notes=1 their
// notes in it (and the record), compare=1 the therapists side by side.
// Anything else leaves a part out.
func reportOptions(r *http.Request) report.Options {
	q := r.URL.Query()
	return report.Options{SafetyPlan: q.Get("plan") == "1", Record: q.Get("record") == "1", IncludeNotes: q.Get("notes") == "1",
		Compare: q.Get("compare") == "1"}
}

// scopeOnly keeps the review scope of a report query (therapist, since).
func scopeOnly(q url.Values) url.Values {
	out := url.Values{}
	for _, k := range []string{"therapist", "since"} {
		if v := q.Get(k); v != "" {
			out.Set(k, v)
		}
	}
	return out
}

// auditExport records in the owner's audit log that their records are
// leaving as what. Best effort: a full disk, which cannot take the event,
// must not keep a person from taking their records out; the operator's log
// says the event was lost (its kind, never the records).
func (s *Server) auditExport(r *http.Request, what string) {
	if err := s.auth.Audit(r.Context(), ownerOf(r), upshot.AuditExport, deviceOf(r.UserAgent()), what); err != nil {
		s.log.Error("audit: an export could not be recorded", "what", what, "error", err.Error())
	}
}

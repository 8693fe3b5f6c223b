package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/report"
	"github.com/upshot-app/upshot/internal/upshot"
)

// recordData is the record page: the filters, the record as the report
// shows it (with notes: it is the person's own page), and the report's
// address with the record in the same scope.
type recordData struct {
	Record      template.HTML
	Count       int
	Therapists  []*upshot.Therapist
	TherapistID int64
	Kind        usecase.RecordKind
	Kinds       []recordKindOption
	Report      template.URL // the report with the record, notes left out
	ReportNotes template.URL // the same with the notes
	Error       *formError
}

type recordKindOption struct {
	Value usecase.RecordKind
	Label string
}

// recordFilter reads the record's filters from the query: therapist (an
// id), kind (flag, conduct, worse) and since (a date).
func recordFilter(r *http.Request) (usecase.RecordFilter, error) {
	var f usecase.RecordFilter
	q := r.URL.Query()
	if v := q.Get("therapist"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return f, upshot.Invalid("therapist", "therapist must be a therapist id, got %q", v)
		}
		f.TherapistID = id
	}
	kind, err := usecase.ParseRecordKind("kind", q.Get("kind"))
	if err != nil {
		return f, err
	}
	f.Kind = kind
	if v := q.Get("since"); v != "" {
		d, err := upshot.ParseDateField("since", v)
		if err != nil {
			return f, err
		}
		f.Since = d
	}
	return f, nil
}

func (s *Server) recordPage(w http.ResponseWriter, r *http.Request) {
	status := http.StatusOK
	f, ferr := recordFilter(r)
	var rec *usecase.Record
	var err error
	if ferr == nil {
		rec, err = usecase.MyRecord(r.Context(), s.store, ownerOf(r), f)
		if statusOf(err) == http.StatusNotFound {
			ferr = err // a therapist that is not the person's
		} else if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if ferr != nil {
		// A bad filter in the address: show the whole record and say why.
		status = statusOf(ferr)
		f = usecase.RecordFilter{}
		if rec, err = usecase.MyRecord(r.Context(), s.store, ownerOf(r), f); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	therapists, err := s.store.ListTherapists(r.Context(), ownerOf(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	body, err := report.RecordHTML(report.RecordDoc{Record: rec, Title: "Timeline", Notes: true, Links: true})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := recordData{Record: body, Count: len(rec.Entries), Therapists: therapists, TherapistID: f.TherapistID, Kind: f.Kind, Error: toFormError(ferr)}
	for _, k := range usecase.RecordKinds {
		d.Kinds = append(d.Kinds, recordKindOption{k, usecase.RecordKindLabels[k]})
	}
	q := url.Values{"record": {"1"}}
	if f.TherapistID != 0 {
		q.Set("therapist", strconv.FormatInt(f.TherapistID, 10))
	}
	if !f.Since.IsZero() {
		q.Set("since", f.Since.String())
	}
	d.Report = template.URL("/report?" + q.Encode() + "#my-record")
	q.Set("notes", "1")
	d.ReportNotes = template.URL("/report?" + q.Encode() + "#my-record")
	s.render(w, r, status, "record", page{Title: "My record", Nav: "record", Data: d})
}

// apiRecord is GET /api/v1/record: the record with its notes, filtered by
// the query as the page is.
func (s *Server) apiRecord(w http.ResponseWriter, r *http.Request) {
	f, err := recordFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rec, err := usecase.MyRecord(r.Context(), s.store, ownerOf(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rec)
}

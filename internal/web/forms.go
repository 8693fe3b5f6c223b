package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/upshot"
)

// All HTML form parsing lives here, using the domain's parsers, so a form
// field accepts exactly what the CLI flag and the API accept.

// maxForm bounds a form body like maxBody bounds JSON.
const maxForm = 1 << 20

// formError is the first problem found in a submitted form.
type formError struct {
	Field   string
	Message string
}

// attrs marks the input of field as the one the error is about, for screen
// readers: invalid, and described by the error summary at the top of the
// form. Nothing when the error is about another field, or there is none.
func (e *formError) attrs(field string) template.HTMLAttr {
	if e == nil || e.Field != field {
		return ""
	}
	return `aria-invalid="true" aria-describedby="form-error"`
}

func toFormError(err error) *formError {
	if err == nil {
		return nil
	}
	if upshot.ErrorCode(err) == upshot.EFULL {
		// The form already leads with "Nothing was saved."; say what to do.
		return &formError{Message: "The disk is full: free some space, then send the form again. What you typed is still here."}
	}
	return &formError{Field: upshot.ErrorField(err), Message: upshot.ErrorMessage(err)}
}

// readForm parses a urlencoded body within maxForm.
func readForm(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		if strings.Contains(err.Error(), "too large") {
			return nil, upshot.Errorf(codeTooLarge, "", "the form is larger than %d bytes", maxForm)
		}
		return nil, upshot.Errorf(codeMalformed, "", "the form could not be read")
	}
	return r.PostForm, nil
}

// fields reads optional values, remembering the first error so the rest of
// the form still fills in and can be shown again as typed.
type fields struct {
	v   url.Values
	err error
}

func (f *fields) fail(err error) {
	if f.err == nil {
		f.err = err
	}
}

func (f *fields) text(name string) string { return strings.TrimSpace(f.v.Get(name)) }

// optInt reads an optional whole number in lo..hi; blank is nil.
func (f *fields) optInt(name, label string, lo, hi int) *int {
	s := f.text(name)
	if s == "" {
		return nil
	}
	n, err := upshot.ParseInt(label, s, lo, hi)
	if err != nil {
		f.fail(err)
		return nil
	}
	return &n
}

func (f *fields) optMoney(name string) *upshot.Money {
	s := f.text(name)
	if s == "" {
		return nil
	}
	m, err := upshot.ParseMoney(name, s)
	if err != nil {
		f.fail(err)
		return nil
	}
	return &m
}

func (f *fields) date(name string, required bool) upshot.Date {
	s := f.text(name)
	if s == "" {
		if required {
			f.fail(upshot.Invalid(name, "%s is required", name))
		}
		return upshot.Date{}
	}
	d, err := upshot.ParseDateField(name, s)
	if err != nil {
		f.fail(err)
	}
	return d
}

func (f *fields) id(name string) int64 {
	s := f.text(name)
	if s == "" {
		return 0
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		f.fail(upshot.Invalid(name, "%s must be chosen from the list", name))
		return 0
	}
	return id
}

func (f *fields) version() int {
	n, err := strconv.Atoi(f.text("version"))
	if err != nil || n < 1 {
		f.fail(upshot.Invalid("version", "the form is missing the record's version; reload the page and try again"))
	}
	return n
}

// parseSessionForm reads the log-a-session form. Focus is in minutes; when
// every focus field is blank the session has no focus recorded.
func parseSessionForm(v url.Values) (*upshot.Session, error) {
	f := &fields{v: v}
	s := &upshot.Session{
		TherapistID: f.id("therapist"),
		Date:        f.date("date", true),
		Minutes:     f.optInt("minutes", "minutes", 1, upshot.MaxSessionMinutes),
		Fee:         f.optMoney("fee"),
		Format:      f.text("format"),
		Agenda:      f.text("agenda"),
		Helpful:     f.optInt("helpful", "helpful", 0, 10),
		After:       f.text("after"),
		Note:        strings.ReplaceAll(v.Get("note"), "\r\n", "\n"),
		Got:         v["got"],
		Flags:       v["flag"],
	}
	if s.TherapistID == 0 {
		f.fail(upshot.Invalid("therapist", "choose the therapist you saw"))
	}
	var focus upshot.Focus
	anyFocus := false
	for _, c := range upshot.FocusCategories {
		if n := f.optInt("focus_"+c, "focus "+c, 0, upshot.MaxFocusValue); n != nil {
			focus.Set(c, *n)
			anyFocus = true
		}
	}
	if anyFocus {
		s.Focus = &focus
	}
	// A progress rating means the goal was addressed, ticked or not.
	addressed := map[int64]bool{}
	var order []int64
	for _, raw := range v["goal"] {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			f.fail(upshot.Invalid("goals", "goals must be chosen from the list"))
			continue
		}
		if !addressed[id] {
			addressed[id] = true
			order = append(order, id)
		}
	}
	for key := range v {
		rest, ok := strings.CutPrefix(key, "progress_")
		if !ok {
			continue
		}
		id, err := strconv.ParseInt(rest, 10, 64)
		if err != nil || id <= 0 {
			f.fail(upshot.Invalid("goals", "goals must be chosen from the list"))
			continue
		}
		if f.text(key) != "" && !addressed[id] {
			addressed[id] = true
			order = append(order, id)
		}
	}
	s.AgendaItems = parseAgendaMarks(v, f)
	for _, id := range order {
		gp := upshot.GoalProgress{GoalID: id}
		gp.Progress = f.optInt(fmt.Sprintf("progress_%d", id), "progress", -3, 3)
		s.Goals = append(s.Goals, gp)
	}
	for _, q := range upshot.Qualities {
		*s.Conduct.Field(q) = f.optInt("conduct_"+q, "conduct "+q, 1, 5)
	}
	return s, f.err
}

func parseTherapistForm(v url.Values) (*upshot.Therapist, error) {
	f := &fields{v: v}
	t := &upshot.Therapist{
		Name:        f.text("name"),
		Credentials: f.text("credentials"),
		Approach:    f.text("approach"),
		Fee:         f.optMoney("fee"),
		Currency:    strings.ToUpper(f.text("currency")),
		Started:     f.date("started", false),
		Ended:       f.date("ended", false),
	}
	return t, f.err
}

func parseGoalForm(v url.Values) (*upshot.Goal, error) {
	f := &fields{v: v}
	g := &upshot.Goal{
		Title:      f.text("title"),
		Domain:     f.text("domain"),
		Severity:   f.optInt("severity", "severity", 0, 10),
		SolvedWhen: strings.ReplaceAll(strings.TrimSpace(v.Get("solved_when")), "\r\n", "\n"),
		Status:     f.text("status"),
		Opened:     f.date("opened", true),
		Closed:     f.date("closed", false),
	}
	if g.Status == "" {
		g.Status = upshot.GoalOpen
	}
	return g, f.err
}

// parseCheckinForm reads one radio group per item ("item_1".."item_n");
// an unanswered item is nil and CheckAnswers decides whether that is allowed.
func parseCheckinForm(v url.Values, def *instrument.Definition) ([]*int, upshot.Date, error) {
	f := &fields{v: v}
	date := f.date("date", true)
	answers := make([]*int, len(def.Items))
	for i := range def.Items {
		answers[i] = f.optInt(fmt.Sprintf("item_%d", i+1), fmt.Sprintf("item %d", i+1), 0, 1000)
	}
	if f.err != nil {
		return answers, date, f.err
	}
	return answers, date, def.CheckAnswers(answers)
}

func trimSpace(s string) string { return strings.TrimSpace(s) }

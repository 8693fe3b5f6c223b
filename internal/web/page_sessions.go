package web

import (
	"fmt"
	"html"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/report"
	"github.com/upshot-app/upshot/internal/report/chart"
	"github.com/upshot-app/upshot/internal/report/words"
	"github.com/upshot-app/upshot/internal/upshot"
)

// sessionFormData is what the log-a-session form shows.
type sessionFormData struct {
	Action     string
	Editing    bool
	Session    *upshot.Session
	Therapists []*upshot.Therapist
	Goals      []*upshot.Goal // open goals, and any closed goal the session addressed
	Addressed  map[int64]bool
	Progress   map[int64]string
	Focus      map[string]string
	Agenda     []agendaRow // open agenda items to mark (templates/parts/agenda.html)
	Error      *formError
	Today      upshot.Date
	// Offered folds the fields a new entry starts with (therapist, date,
	// minutes, fee, format) into OfferedText, one line.
	Offered       bool
	OfferedText   string
	TherapistName string
	// SameDay is the session already logged with this therapist on this
	// date, when the form asks "another session on this day?".
	SameDay       *upshot.Session
	ProgressScale []progressStep

	Formats, Agendas, Inputs, Afters, Qualities, Flags, FocusCategories, AgendaMarks []string
}

// progressStep is one choice of a goal's progress, -3 to +3.
type progressStep struct{ Value, Sign, Words string }

var progressScale = []progressStep{
	{"-3", "−3", "much worse"}, {"-2", "−2", "worse"}, {"-1", "−1", "a little worse"}, {"0", "0", "no change"},
	{"1", "+1", "a little better"}, {"2", "+2", "better"}, {"3", "+3", "much better"},
}

func (s *Server) sessionFormData(r *http.Request, ss *upshot.Session, action string, editing bool, ferr error) (*sessionFormData, error) {
	therapists, err := s.store.ListTherapists(r.Context(), ownerOf(r))
	if err != nil {
		return nil, err
	}
	goals, err := s.store.ListGoals(r.Context(), ownerOf(r))
	if err != nil {
		return nil, err
	}
	d := &sessionFormData{
		Action: action, Editing: editing, Session: ss, Therapists: therapists,
		Addressed: map[int64]bool{}, Progress: map[int64]string{}, Focus: map[string]string{},
		Error: toFormError(ferr), Today: s.today(),
		Formats: upshot.Formats, Agendas: upshot.Agendas, Inputs: upshot.Inputs, Afters: upshot.Afters,
		Qualities: upshot.Qualities, Flags: upshot.Flags, FocusCategories: upshot.FocusCategories,
		AgendaMarks:   upshot.AgendaMarks,
		ProgressScale: progressScale,
	}
	var parts []string
	for _, t := range therapists {
		if t.ID == ss.TherapistID {
			d.TherapistName = t.Name
			parts = append(parts, t.Name)
		}
	}
	if ss.Date.Equal(d.Today) {
		parts = append(parts, "today")
	} else if !ss.Date.IsZero() {
		parts = append(parts, words.FormatDate(ss.Date))
	}
	if ss.Minutes != nil {
		parts = append(parts, words.Plural(*ss.Minutes, "minute"))
	}
	if ss.Format != "" {
		parts = append(parts, report.HumanWord(ss.Format))
	}
	if ss.Fee != nil {
		parts = append(parts, "fee "+ss.Fee.String())
	}
	d.OfferedText = strings.Join(parts, ", ")
	// Folded only when it holds what a person would expect and nothing
	// in it is wrong: a new entry with its therapist and date chosen.
	d.Offered = !editing && d.TherapistName != "" && !ss.Date.IsZero() && ss.Minutes != nil
	if d.Error != nil {
		switch d.Error.Field {
		case "therapist", "date", "minutes", "fee", "format":
			d.Offered = false
		}
	}
	for _, g := range ss.Goals {
		d.Addressed[g.GoalID] = true
		if g.Progress != nil {
			d.Progress[g.GoalID] = fmt.Sprint(*g.Progress)
		}
	}
	for _, g := range goals {
		if g.Status == upshot.GoalOpen || d.Addressed[g.ID] {
			d.Goals = append(d.Goals, g)
		}
	}
	if ss.Focus != nil {
		for _, c := range upshot.FocusCategories {
			d.Focus[c] = fmt.Sprint(ss.Focus.Get(c))
		}
	}
	if d.Agenda, err = s.agendaFormRows(r, ss); err != nil {
		return nil, err
	}
	return d, nil
}

func (s *Server) sessionNew(w http.ResponseWriter, r *http.Request) {
	ss, err := usecase.NewSession(r.Context(), s.store, ownerOf(r), s.now)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.sessionFormData(r, ss, "/sessions", false, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "session_form", page{Title: "Log a session", Nav: "log", Data: d})
}

func (s *Server) sessionCreate(w http.ResponseWriter, r *http.Request) {
	v, err := readForm(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ss, err := parseSessionForm(v)
	var same *upshot.Session
	if err == nil && v.Get("another") != "yes" {
		same, err = usecase.SameDaySession(r.Context(), s.store, ownerOf(r), ss)
	}
	if err == nil && same != nil {
		s.sessionAskSameDay(w, r, ss, same)
		return
	}
	if err == nil {
		err = usecase.LogSession(r.Context(), s.store, ownerOf(r), s.now, ss)
	}
	if err != nil {
		s.sessionFormAgain(w, r, ss, "/sessions", false, err)
		return
	}
	http.Redirect(w, r, "/?done=session-saved", http.StatusSeeOther)
}

// sessionAskSameDay shows the form again, as typed, asking whether this is
// another session with the therapist on a day that already has one. Nothing
// is written until the person says yes (409: the entry conflicts with one
// already there until confirmed).
func (s *Server) sessionAskSameDay(w http.ResponseWriter, r *http.Request, ss, same *upshot.Session) {
	d, err := s.sessionFormData(r, ss, "/sessions", false, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.SameDay = same
	d.Offered = false // the date is the thing to change, if not to confirm
	s.render(w, r, http.StatusConflict, "session_form", page{Title: "Log a session", Nav: "log", Data: d})
}

// sessionFormAgain shows the form with what was typed and what was wrong.
func (s *Server) sessionFormAgain(w http.ResponseWriter, r *http.Request, ss *upshot.Session, action string, editing bool, ferr error) {
	switch statusOf(ferr) {
	case http.StatusUnprocessableEntity, http.StatusConflict, http.StatusNotFound, http.StatusInsufficientStorage:
	default:
		s.fail(w, r, ferr)
		return
	}
	d, err := s.sessionFormData(r, ss, action, editing, ferr)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, statusOf(ferr), "session_form", page{Title: "Log a session", Nav: "log", Data: d})
}

func (s *Server) sessionEdit(w http.ResponseWriter, r *http.Request) {
	ss, ok := pathRecord(s, w, r, s.store.FindSession)
	if !ok {
		return
	}
	d, err := s.sessionFormData(r, ss, fmt.Sprintf("/sessions/%d", ss.ID), true, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "session_form", page{Title: "Edit session", Nav: "sessions", Data: d})
}

func (s *Server) sessionUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := readForm(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ss, err := parseSessionForm(v)
	f := &fields{v: v}
	ss.ID, ss.Version = id, f.version()
	if err == nil {
		err = f.err
	}
	if err == nil {
		err = usecase.EditSession(r.Context(), s.store, ownerOf(r), s.now, ss)
	}
	if err != nil {
		s.sessionFormAgain(w, r, ss, fmt.Sprintf("/sessions/%d", id), true, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/sessions/%d?done=session-saved", id), http.StatusSeeOther)
}

type sessionView struct {
	Session   *upshot.Session
	Therapist string
	Goals     []goalLine
	Focus     string
	Qualities []string
	Agenda    []agendaLine
}

// agendaLine is an agenda item as a session shows it: what became of it.
type agendaLine struct {
	ID         int64
	Text, Mark string
}

type goalLine struct {
	ID       int64
	Title    string
	Progress *int
}

func (s *Server) sessionShow(w http.ResponseWriter, r *http.Request) {
	ss, ok := pathRecord(s, w, r, s.store.FindSession)
	if !ok {
		return
	}
	v := sessionView{Session: ss, Focus: report.FocusText(ss.Focus), Qualities: upshot.Qualities}
	if t, err := s.store.FindTherapist(r.Context(), ownerOf(r), ss.TherapistID); err == nil {
		v.Therapist = t.Name
	}
	goals, err := s.store.ListGoals(r.Context(), ownerOf(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, gp := range ss.Goals {
		line := goalLine{ID: gp.GoalID, Progress: gp.Progress, Title: fmt.Sprintf("goal %d", gp.GoalID)}
		if i := slices.IndexFunc(goals, func(g *upshot.Goal) bool { return g.ID == gp.GoalID }); i >= 0 {
			line.Title = goals[i].Title
		}
		v.Goals = append(v.Goals, line)
	}
	if len(ss.AgendaItems) > 0 {
		items, err := s.store.ListAgendaItems(r.Context(), ownerOf(r))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, m := range ss.AgendaItems {
			line := agendaLine{ID: m.ItemID, Mark: upshot.AgendaMarkLabels[m.Mark], Text: fmt.Sprintf("item %d", m.ItemID)}
			if i := slices.IndexFunc(items, func(it *upshot.AgendaItem) bool { return it.ID == m.ItemID }); i >= 0 {
				line.Text = items[i].Text
			}
			v.Agenda = append(v.Agenda, line)
		}
	}
	s.render(w, r, http.StatusOK, "session", page{Title: "Session of " + words.FormatDate(ss.Date), Nav: "sessions", Flash: flash(r), Data: v})
}

func (s *Server) sessionList(w http.ResponseWriter, r *http.Request) {
	snap, err := s.store.Export(r.Context(), ownerOf(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// ?therapist=ID lists one therapist's sessions: the evidence the
	// comparison of therapists links to. Another owner's therapist is not
	// found, as everywhere.
	title := "Sessions"
	if v := r.URL.Query().Get("therapist"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			s.fail(w, r, upshot.Invalid("therapist", "therapist must be a therapist id, got %q", v))
			return
		}
		t, err := s.store.FindTherapist(r.Context(), ownerOf(r), id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		title = "Sessions with " + t.Name
		snap.Sessions = slices.DeleteFunc(snap.Sessions, func(ss *upshot.Session) bool { return ss.TherapistID != id })
	}
	rows := report.SessionRows(snap)
	slices.Reverse(rows)
	s.render(w, r, http.StatusOK, "sessions", page{Title: title, Nav: "sessions", Flash: flash(r), Data: rows})
}

// confirmData drives the shared "are you sure?" page.
type confirmData struct {
	What    string // "the session of 3 Mar 2025"
	Detail  string
	Action  string
	Back    string
	Refusal string // why it cannot be deleted, when it cannot
}

func (s *Server) sessionDeleteConfirm(w http.ResponseWriter, r *http.Request) {
	ss, ok := pathRecord(s, w, r, s.store.FindSession)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "confirm_delete", page{Title: "Delete session", Nav: "sessions", Data: confirmData{
		What:   "the session of " + words.FormatDate(ss.Date),
		Detail: "Its focus, goals, ratings, flags and note are deleted with it. This cannot be undone; an export keeps a copy.",
		Action: fmt.Sprintf("/sessions/%d/delete", ss.ID),
		Back:   fmt.Sprintf("/sessions/%d", ss.ID),
	}})
}

func (s *Server) sessionDelete(w http.ResponseWriter, r *http.Request) {
	s.pageDelete(w, r, s.store.DeleteSession, "/sessions?done=session-deleted")
}

// focusBar draws the split of a session's time as one bar, with the shares
// in words beside it and their total against the session's minutes: a split
// that does not add up is worth a second look, but it is saved as given
// (minutes are rough, and shares are allowed), so this warns and never
// refuses. app.js redraws it all as the minutes are typed; without script it
// shows the split last saved.
func focusBar(f *upshot.Focus, minutes *int) template.HTML {
	var b strings.Builder
	b.WriteString(`<svg class="split-bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">`)
	b.WriteString(`<rect x="0" y="0" width="100" height="10" fill="#e9edf1"/>`)
	x := 0.0
	total := 0
	if f != nil {
		total = f.Total()
	}
	for _, c := range upshot.FocusCategories {
		w := 0.0
		if total > 0 {
			w = float64(f.Get(c)) / float64(total) * 100
		}
		fmt.Fprintf(&b, `<rect data-bar="%s" x="%.2f" y="0" width="%.2f" height="10" fill="%s"/>`, c, x, w, chart.FocusColour(c))
		x += w
	}
	b.WriteString(`</svg><p class="split-text hint" id="split-text">`)
	b.WriteString(html.EscapeString(splitText(f, total, minutes)))
	b.WriteString(`</p><p class="split-warn" id="split-warn"`)
	warn := splitWarning(total, minutes)
	if warn == "" {
		b.WriteString(` hidden`)
	}
	b.WriteString(`>` + html.EscapeString(warn) + `</p>`)
	return template.HTML(b.String())
}

// splitText is the split in words and its total against the session's
// minutes; app.js writes the same words.
func splitText(f *upshot.Focus, total int, minutes *int) string {
	if total == 0 {
		if minutes != nil {
			return fmt.Sprintf("0 of %d minutes given.", *minutes)
		}
		return "Enter minutes to see the split."
	}
	s := report.FocusText(f)
	if minutes != nil {
		return s + fmt.Sprintf(" · %d of %d minutes", total, *minutes)
	}
	return s + fmt.Sprintf(" · %d minutes in all", total)
}

// splitWarning says when the split does not add up to the session's minutes.
func splitWarning(total int, minutes *int) string {
	if total == 0 || minutes == nil || total == *minutes {
		return ""
	}
	return fmt.Sprintf("The parts add up to %d minutes; the session was %d. It is saved as you give it.", total, *minutes)
}

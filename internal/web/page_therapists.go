package web

import (
	"fmt"
	"github.com/upshot-app/upshot/internal/report/words"
	"net/http"

	"github.com/upshot-app/upshot/internal/upshot"
)

type therapistRow struct {
	*upshot.Therapist
	Sessions int
}

func (s *Server) therapistList(w http.ResponseWriter, r *http.Request) {
	list, err := s.store.ListTherapists(r.Context(), ownerOf(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sessions, err := s.store.ListSessions(r.Context(), ownerOf(r), upshot.SessionFilter{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	count := map[int64]int{}
	for _, ss := range sessions {
		count[ss.TherapistID]++
	}
	rows := make([]therapistRow, len(list))
	for i, t := range list {
		rows[i] = therapistRow{Therapist: t, Sessions: count[t.ID]}
	}
	s.render(w, r, http.StatusOK, "therapists", page{Title: "Therapists", Nav: "therapists", Flash: flash(r), Data: rows})
}

type therapistFormData struct {
	Action    string
	Editing   bool
	Therapist *upshot.Therapist
	Error     *formError
	Today     upshot.Date
}

func (s *Server) therapistNew(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "therapist_form", page{Title: "Add a therapist", Nav: "therapists",
		Data: therapistFormData{Action: "/therapists", Therapist: &upshot.Therapist{}, Today: s.today()}})
}

func (s *Server) therapistCreate(w http.ResponseWriter, r *http.Request) {
	v, err := readForm(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	t, err := parseTherapistForm(v)
	if err == nil {
		err = s.store.CreateTherapist(r.Context(), ownerOf(r), t)
	}
	if err != nil {
		s.therapistFormAgain(w, r, therapistFormData{Action: "/therapists", Therapist: t}, err)
		return
	}
	http.Redirect(w, r, "/therapists?done=therapist-saved", http.StatusSeeOther)
}

func (s *Server) therapistFormAgain(w http.ResponseWriter, r *http.Request, d therapistFormData, err error) {
	switch statusOf(err) {
	case http.StatusUnprocessableEntity, http.StatusConflict, http.StatusInsufficientStorage:
	default:
		s.fail(w, r, err)
		return
	}
	d.Error, d.Today = toFormError(err), s.today()
	s.render(w, r, statusOf(err), "therapist_form", page{Title: "Therapist", Nav: "therapists", Data: d})
}

func (s *Server) therapistEdit(w http.ResponseWriter, r *http.Request) {
	t, ok := pathRecord(s, w, r, s.store.FindTherapist)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "therapist_form", page{Title: "Edit " + t.Name, Nav: "therapists",
		Data: therapistFormData{Action: fmt.Sprintf("/therapists/%d", t.ID), Editing: true, Therapist: t, Today: s.today()}})
}

func (s *Server) therapistUpdate(w http.ResponseWriter, r *http.Request) {
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
	t, err := parseTherapistForm(v)
	f := &fields{v: v}
	t.ID, t.Version = id, f.version()
	if err == nil {
		err = f.err
	}
	if err == nil {
		err = s.store.UpdateTherapist(r.Context(), ownerOf(r), t)
	}
	if err != nil {
		s.therapistFormAgain(w, r, therapistFormData{Action: fmt.Sprintf("/therapists/%d", id), Editing: true, Therapist: t}, err)
		return
	}
	http.Redirect(w, r, "/therapists?done=therapist-saved", http.StatusSeeOther)
}

func (s *Server) therapistDeleteConfirm(w http.ResponseWriter, r *http.Request) {
	t, ok := pathRecord(s, w, r, s.store.FindTherapist)
	if !ok {
		return
	}
	sessions, err := s.store.ListSessions(r.Context(), ownerOf(r), upshot.SessionFilter{TherapistID: t.ID})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := confirmData{
		What:   t.Name,
		Detail: "This removes the therapist from your records. It cannot be undone.",
		Action: fmt.Sprintf("/therapists/%d/delete", t.ID),
		Back:   "/therapists",
	}
	if n := len(sessions); n > 0 {
		d.Refusal = fmt.Sprintf("%s has %s in your records. Delete those sessions first, or keep the therapist and set an end date instead.", t.Name, words.Plural(n, "session"))
	}
	s.render(w, r, http.StatusOK, "confirm_delete", page{Title: "Delete therapist", Nav: "therapists", Data: d})
}

func (s *Server) therapistDelete(w http.ResponseWriter, r *http.Request) {
	s.pageDelete(w, r, s.store.DeleteTherapist, "/therapists?done=therapist-deleted")
}

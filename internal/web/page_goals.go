package web

import (
	"fmt"
	"net/http"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/report/words"
	"github.com/upshot-app/upshot/internal/upshot"
)

type goalRow struct {
	*upshot.Goal
	Sessions  int
	Progress  int
	LastTouch upshot.Date
}

func (s *Server) goalList(w http.ResponseWriter, r *http.Request) {
	goals, err := s.store.ListGoals(r.Context(), ownerOf(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sessions, err := s.store.ListSessions(r.Context(), ownerOf(r), upshot.SessionFilter{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows := make([]*goalRow, len(goals))
	byID := map[int64]*goalRow{}
	for i, g := range goals {
		rows[i] = &goalRow{Goal: g}
		byID[g.ID] = rows[i]
	}
	for _, ss := range sessions {
		for _, gp := range ss.Goals {
			if row, ok := byID[gp.GoalID]; ok {
				row.Sessions++
				if ss.Date.After(row.LastTouch) {
					row.LastTouch = ss.Date
				}
				if gp.Progress != nil {
					row.Progress += *gp.Progress
				}
			}
		}
	}
	s.render(w, r, http.StatusOK, "goals", page{Title: "Goals", Nav: "goals", Flash: flash(r), Data: rows})
}

type goalFormData struct {
	Action   string
	Editing  bool
	Goal     *upshot.Goal
	Error    *formError
	Today    upshot.Date
	Domains  []string
	Statuses []string
}

func (s *Server) goalForm(d goalFormData) goalFormData {
	d.Today, d.Domains, d.Statuses = s.today(), upshot.Domains, upshot.GoalStatuses
	return d
}

func (s *Server) goalNew(w http.ResponseWriter, r *http.Request) {
	g := &upshot.Goal{Opened: s.today(), Status: upshot.GoalOpen}
	s.render(w, r, http.StatusOK, "goal_form", page{Title: "Add a goal", Nav: "goals", Data: s.goalForm(goalFormData{Action: "/goals", Goal: g})})
}

func (s *Server) goalCreate(w http.ResponseWriter, r *http.Request) {
	v, err := readForm(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	g, err := parseGoalForm(v)
	if err == nil {
		err = usecase.AddGoal(r.Context(), s.store, ownerOf(r), s.now, g)
	}
	if err != nil {
		s.goalFormAgain(w, r, goalFormData{Action: "/goals", Goal: g}, err)
		return
	}
	http.Redirect(w, r, "/goals?done=goal-saved", http.StatusSeeOther)
}

func (s *Server) goalFormAgain(w http.ResponseWriter, r *http.Request, d goalFormData, err error) {
	switch statusOf(err) {
	case http.StatusUnprocessableEntity, http.StatusConflict, http.StatusInsufficientStorage:
	default:
		s.fail(w, r, err)
		return
	}
	d.Error = toFormError(err)
	s.render(w, r, statusOf(err), "goal_form", page{Title: "Goal", Nav: "goals", Data: s.goalForm(d)})
}

func (s *Server) goalEdit(w http.ResponseWriter, r *http.Request) {
	g, ok := pathRecord(s, w, r, s.store.FindGoal)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "goal_form", page{Title: "Edit goal", Nav: "goals",
		Data: s.goalForm(goalFormData{Action: fmt.Sprintf("/goals/%d", g.ID), Editing: true, Goal: g})})
}

func (s *Server) goalUpdate(w http.ResponseWriter, r *http.Request) {
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
	g, err := parseGoalForm(v)
	f := &fields{v: v}
	g.ID, g.Version = id, f.version()
	if err == nil {
		err = f.err
	}
	if err == nil {
		err = usecase.EditGoal(r.Context(), s.store, ownerOf(r), s.now, g)
	}
	if err != nil {
		s.goalFormAgain(w, r, goalFormData{Action: fmt.Sprintf("/goals/%d", id), Editing: true, Goal: g}, err)
		return
	}
	http.Redirect(w, r, "/goals?done=goal-saved", http.StatusSeeOther)
}

func (s *Server) goalDeleteConfirm(w http.ResponseWriter, r *http.Request) {
	g, ok := pathRecord(s, w, r, s.store.FindGoal)
	if !ok {
		return
	}
	sessions, err := s.store.ListSessions(r.Context(), ownerOf(r), upshot.SessionFilter{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	n := 0
	for _, ss := range sessions {
		for _, gp := range ss.Goals {
			if gp.GoalID == g.ID {
				n++
			}
		}
	}
	d := confirmData{
		What:   "the goal “" + g.Title + "”",
		Detail: "This removes the goal from your records. It cannot be undone.",
		Action: fmt.Sprintf("/goals/%d/delete", g.ID),
		Back:   "/goals",
	}
	if n > 0 {
		d.Refusal = fmt.Sprintf("%s worked on this goal. To stop tracking it, edit it and mark it dropped or solved: its history stays.", words.Plural(n, "session"))
	}
	s.render(w, r, http.StatusOK, "confirm_delete", page{Title: "Delete goal", Nav: "goals", Data: d})
}

func (s *Server) goalDelete(w http.ResponseWriter, r *http.Request) {
	s.pageDelete(w, r, s.store.DeleteGoal, "/goals?done=goal-deleted")
}

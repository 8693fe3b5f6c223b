package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/review"
	"github.com/upshot-app/upshot/internal/upshot"
)

// agendaData is the agenda page: the open items (the ones raised again and
// again first), the review's suggestions to adopt with one tap, and the
// closed items with their history.
type agendaData struct {
	Open, Closed []agendaRow
	Suggestions  []string
	Text         string // what was typed, shown again after a refusal
	Error        *formError
}

// agendaRow is one item as the page and the log form show it.
type agendaRow struct {
	upshot.AgendaEntry
	History []agendaEventRow
	Mark    string // in the log form: the mark chosen
}

type agendaEventRow struct {
	upshot.AgendaEvent
	Label     string
	Therapist string
}

func agendaRows(entries []upshot.AgendaEntry, therapists []*upshot.Therapist) []agendaRow {
	names := map[int64]string{}
	for _, t := range therapists {
		names[t.ID] = t.Name
	}
	out := make([]agendaRow, 0, len(entries))
	for _, e := range entries {
		row := agendaRow{AgendaEntry: e}
		for _, h := range e.History {
			row.History = append(row.History, agendaEventRow{AgendaEvent: h, Label: upshot.AgendaMarkLabels[h.Mark], Therapist: names[h.TherapistID]})
		}
		out = append(out, row)
	}
	return out
}

func (s *Server) agendaPage(w http.ResponseWriter, r *http.Request) {
	s.agendaRender(w, r, http.StatusOK, "", nil)
}

func (s *Server) agendaRender(w http.ResponseWriter, r *http.Request, status int, typed string, ferr error) {
	snap, err := s.store.ExportWithoutNotes(r.Context(), ownerOf(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rv := review.Run(snap, s.reg, review.Options{Today: s.today()})
	entries := upshot.BuildAgenda(snap.AgendaItems, snap.Sessions, snap.Settings.Int(upshot.SettingAgendaUnresolvedRaises))
	d := agendaData{Text: typed, Error: toFormError(ferr)}
	for _, row := range agendaRows(entries, snap.Therapists) {
		if row.Open() {
			d.Open = append(d.Open, row)
		} else {
			d.Closed = append(d.Closed, row)
		}
	}
	// A suggestion already on the agenda is not offered again.
	for _, sg := range rv.Agenda {
		if !slices.ContainsFunc(d.Open, func(row agendaRow) bool { return strings.EqualFold(row.Item.Text, sg) }) {
			d.Suggestions = append(d.Suggestions, sg)
		}
	}
	s.render(w, r, status, "agenda", page{Title: "My agenda", Nav: "agenda", Flash: flash(r), Data: d})
}

// agendaAdd adds an item typed by the person, or a review suggestion
// adopted with one tap (source=review).
func (s *Server) agendaAdd(w http.ResponseWriter, r *http.Request) {
	v, err := readForm(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	it := &upshot.AgendaItem{Text: v.Get("text"), Source: v.Get("source")}
	if _, err := usecase.AddAgendaItem(r.Context(), s.store, ownerOf(r), s.now, it); err != nil {
		if statusOf(err) != http.StatusUnprocessableEntity {
			s.fail(w, r, err)
			return
		}
		s.agendaRender(w, r, statusOf(err), v.Get("text"), err)
		return
	}
	back := "/agenda"
	if v.Get("back") == "review" {
		back = "/review"
	}
	http.Redirect(w, r, back+"?done=agenda-added#agenda-"+strconv.FormatInt(it.ID, 10), http.StatusSeeOther)
}

// agendaStatus closes an item (dealt with, dropped) or opens it again.
func (s *Server) agendaStatus(w http.ResponseWriter, r *http.Request) {
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
	if _, err := usecase.SetAgendaStatus(r.Context(), s.store, ownerOf(r), s.now, id, v.Get("status")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/agenda?done=agenda-saved", http.StatusSeeOther)
}

// agendaFormRows are the items the log form asks about, each with the mark
// the session has (not raised when it has none yet).
func (s *Server) agendaFormRows(r *http.Request, ss *upshot.Session) ([]agendaRow, error) {
	entries, err := usecase.Agenda(r.Context(), s.store, ownerOf(r))
	if err != nil {
		return nil, err
	}
	rows := agendaRows(usecase.ForSession(entries, ss), nil)
	for i := range rows {
		rows[i].Mark = upshot.MarkNotRaised
		for _, m := range ss.AgendaItems {
			if m.ItemID == rows[i].Item.ID {
				rows[i].Mark = m.Mark
			}
		}
	}
	return rows, nil
}

// parseAgendaMarks reads the log form's agenda block: one radio group
// agenda_item_ID per item shown.
func parseAgendaMarks(v url.Values, f *fields) []upshot.AgendaMark {
	var marks []upshot.AgendaMark
	for key := range v {
		rest, ok := strings.CutPrefix(key, "agenda_item_")
		if !ok {
			continue
		}
		id, err := strconv.ParseInt(rest, 10, 64)
		if err != nil || id <= 0 {
			f.fail(upshot.Invalid("agenda_items", "agenda items must be chosen from the list"))
			continue
		}
		marks = append(marks, upshot.AgendaMark{ItemID: id, Mark: f.text(key)})
	}
	slices.SortFunc(marks, func(a, b upshot.AgendaMark) int { return int(a.ItemID - b.ItemID) })
	return marks
}

// API.

func (s *Server) apiAgendaList(w http.ResponseWriter, r *http.Request) {
	page := func(ctx context.Context, owner upshot.OwnerID, q upshot.ChangeQuery) ([]upshot.AgendaEntry, error) {
		return usecase.AgendaPage(ctx, s.store, owner, q)
	}
	if changed(s, w, r, page, func(e upshot.AgendaEntry) upshot.Meta { return e.Item.Meta }, func(e upshot.AgendaEntry) int64 { return e.Item.ID }) {
		return
	}
	entries, err := usecase.Agenda(r.Context(), s.store, ownerOf(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, entries)
}

func (s *Server) apiAgendaCreate(w http.ResponseWriter, r *http.Request) {
	var it upshot.AgendaItem
	if err := decodeJSON(w, r, &it); err != nil {
		s.fail(w, r, err)
		return
	}
	it.ID, it.Meta = 0, upshot.Meta{}
	created, err := usecase.AddAgendaItem(r.Context(), s.store, ownerOf(r), s.now, &it)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/agenda/%d", it.ID))
	if etag, _, err := s.agendaETag(r)(it.ID); err == nil { // the entry's, what GET gives
		w.Header().Set("ETag", etag)
	}
	status := http.StatusCreated
	if !created {
		status = http.StatusOK // the same open item was there already
	}
	writeJSON(w, status, &it)
}

func (s *Server) apiAgendaGet(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	e, err := usecase.AgendaEntryOf(r.Context(), s.store, ownerOf(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	etag, body, err := contentETag(e.Item.Version, e)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if notModified(w, r, etag) {
		return
	}
	w.Header().Set("ETag", etag)
	writeRawJSON(w, http.StatusOK, body)
}

// agendaETag is the current ETag and version of an agenda entry (the item
// with its history, as GET gives it), for If-Match.
func (s *Server) agendaETag(r *http.Request) func(id int64) (string, int, error) {
	return func(id int64) (string, int, error) {
		e, err := usecase.AgendaEntryOf(r.Context(), s.store, ownerOf(r), id)
		if err != nil {
			return "", 0, err
		}
		etag, _, err := contentETag(e.Item.Version, e)
		return etag, e.Item.Version, err
	}
}

// agendaPut is the body of PUT /api/v1/agenda/{id}: the item, or the entry
// GET gave with its item changed. What an entry adds to its item is worked
// out from the sessions: it is accepted, so that a client can PUT back the
// body it read, and ignored.
type agendaPut struct {
	upshot.AgendaItem
	Item       *upshot.AgendaItem `json:"item"`
	State      json.RawMessage    `json:"state"`
	DealtWith  json.RawMessage    `json:"dealt_with"`
	Raised     json.RawMessage    `json:"raised"`
	Unresolved json.RawMessage    `json:"unresolved"`
	History    json.RawMessage    `json:"history"`
}

func (s *Server) apiAgendaUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var put agendaPut
	if err := decodeJSON(w, r, &put); err != nil {
		s.fail(w, r, err)
		return
	}
	it := put.AgendaItem
	if put.Item != nil {
		if it != (upshot.AgendaItem{}) {
			s.fail(w, r, upshot.Invalid("item", "send the item's fields, or the entry GET gave with them in item, not both"))
			return
		}
		it = *put.Item
	}
	if err := s.versionFromIfMatch(r, id, &it.Version, s.agendaETag(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := errors.Join(checkBodyID(it.ID, id), checkVersion(it.Version)); err != nil {
		s.fail(w, r, err)
		return
	}
	it.ID = id
	if err := usecase.EditAgendaItem(r.Context(), s.store, ownerOf(r), s.now, &it); err != nil {
		s.fail(w, r, preconditionOf(r, err))
		return
	}
	// The ETag is the entry's, what GET now gives.
	if etag, _, err := s.agendaETag(r)(id); err == nil {
		w.Header().Set("ETag", etag)
	}
	writeJSON(w, http.StatusOK, &it)
}

func (s *Server) apiAgendaDelete(w http.ResponseWriter, r *http.Request) {
	s.apiDeleteMatching(w, r, s.store.DeleteAgendaItem, s.agendaETag(r))
}

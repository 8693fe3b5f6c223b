package web

import (
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/checkin"
	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/report"
	"github.com/upshot-app/upshot/internal/report/chart"
	"github.com/upshot-app/upshot/internal/report/words"
	"github.com/upshot-app/upshot/internal/upshot"
)

type checkinListData struct {
	// Safety is the notice of the latest check-in of a questionnaire when
	// that check-in carries the safety item; it goes first on the page.
	Safety      template.HTML
	Instruments []instrumentLink
	// History is the same check-ins per questionnaire: its chart first,
	// then its check-ins as a compact list on a phone and a full table on
	// wider screens.
	History []checkinHistory
}

// checkinHistory is one questionnaire's check-ins, newest first.
type checkinHistory struct {
	ID, Name string
	Figure   *chart.Figure
	Recent   []historyLine // the newest, shown at once on a phone
	Earlier  []historyLine // folded on a phone
	All      []historyLine
}

// historyLine is one check-in as the history shows it.
type historyLine struct {
	checkin.Result
	Change string // "down 7, reliably better", "first check-in"
}

// historyRecent is how many check-ins of a questionnaire a phone shows
// before the rest are folded: about three months of fortnightly check-ins.
const historyRecent = 6

// shortChange is the change from the first check-in in a few words.
func shortChange(r checkin.Result) string {
	c := r.Change.Baseline
	if c == nil {
		return "first check-in"
	}
	words := "no change"
	switch {
	case c.Delta < 0:
		words = fmt.Sprintf("down %d", -c.Delta)
	case c.Delta > 0:
		words = fmt.Sprintf("up %d", c.Delta)
	}
	if short := r.ChangeShort(c); short != "" {
		words += ", " + short
	}
	return words
}

// checkinHistories groups results (newest first) per questionnaire, in the
// order of the charts, each with its chart.
func checkinHistories(results []checkin.Result, charts *chart.Charts) []checkinHistory {
	var out []checkinHistory
	index := map[string]int{}
	for _, f := range charts.Measures {
		id := strings.TrimPrefix(f.ID, "chart-")
		index[id] = len(out)
		out = append(out, checkinHistory{ID: id, Figure: &f})
	}
	for _, r := range results {
		i, ok := index[r.Instrument]
		if !ok {
			index[r.Instrument] = len(out)
			i = len(out)
			out = append(out, checkinHistory{ID: r.Instrument})
		}
		h := &out[i]
		if h.Name == "" {
			h.Name = r.Name
		}
		line := historyLine{Result: r, Change: shortChange(r)}
		h.All = append(h.All, line)
		if len(h.Recent) < historyRecent {
			h.Recent = append(h.Recent, line)
		} else {
			h.Earlier = append(h.Earlier, line)
		}
	}
	return out
}

func (s *Server) checkinList(w http.ResponseWriter, r *http.Request) {
	results, err := usecase.CheckInHistory(r.Context(), s.store, s.reg, ownerOf(r), upshot.CheckInFilter{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	slices.SortStableFunc(results, func(a, b checkin.Result) int {
		if c := b.Date.Compare(a.Date); c != 0 {
			return c
		}
		return int(b.ID - a.ID)
	})
	last := map[string]upshot.Date{}
	for _, res := range results {
		if res.Date.After(last[res.Instrument]) {
			last[res.Instrument] = res.Date
		}
	}
	snap, err := s.store.Export(r.Context(), s.owner)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	charts, err := chart.Build(snap, s.reg, webLinks)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := checkinListData{History: checkinHistories(results, charts)}
	if notice := latestSafetyNotice(results, s.today()); notice != "" {
		if d.Safety, err = report.SafetyHTML(notice, planPath); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	for _, def := range s.reg.All() {
		d.Instruments = append(d.Instruments, instrumentLink{ID: def.ID, Name: def.Label(), Last: last[def.ID]})
	}
	s.render(w, r, http.StatusOK, "checkins", page{Title: "Check-ins", Nav: "checkins", Flash: flash(r), Data: d})
}

// latestSafetyNotice returns the notice of the latest check-in of each
// questionnaire, as the review decides it: only the latest answers count
// (an earlier one stays marked in the history), and check-ins dated after
// today are not yet the latest. results are newest first.
func latestSafetyNotice(results []checkin.Result, today upshot.Date) string {
	seen := map[string]bool{}
	for _, res := range results {
		if seen[res.Instrument] || res.Date.After(today) {
			continue
		}
		seen[res.Instrument] = true
		if res.SafetyNotice != "" {
			return res.SafetyNotice
		}
	}
	return ""
}

// checkinFormData shows one questionnaire with its exact published wording.
type checkinFormData struct {
	Def     *instrument.Definition
	Items   []checkinItem
	Date    upshot.Date
	Today   upshot.Date
	Error   *formError
	Answers []*int
	// SafetyItems numbers the items (from 1, space-separated) whose answer
	// above 0 calls for the safety notice, for a check-in kept offline.
	SafetyItems string
}

type checkinItem struct {
	Number  int
	Text    string
	Options []instrument.Option
	Answer  string
}

func (s *Server) checkinFormData(def *instrument.Definition, answers []*int, date upshot.Date, ferr error) checkinFormData {
	d := checkinFormData{Def: def, Date: date, Today: s.today(), Error: toFormError(ferr)}
	var safety []string
	for i, it := range def.Items {
		if it.Safety {
			safety = append(safety, strconv.Itoa(i+1))
		}
		item := checkinItem{Number: i + 1, Text: it.Text, Options: def.ItemOptions(i)}
		if i < len(answers) && answers[i] != nil {
			item.Answer = strconv.Itoa(*answers[i])
		}
		d.Items = append(d.Items, item)
	}
	d.SafetyItems = strings.Join(safety, " ")
	return d
}

// renderCheckinForm shows a questionnaire's form. One with a safety item
// carries the safety notice with the person's crisis contacts, hidden, for
// outbox.js to show at once when the answers are kept offline.
func (s *Server) renderCheckinForm(w http.ResponseWriter, r *http.Request, status int, d checkinFormData) {
	p := page{Title: d.Def.Label(), Nav: "checkins", Data: d}
	if d.SafetyItems != "" {
		settings, err := s.store.Settings(r.Context(), ownerOf(r))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if p.OfflineSafety, err = report.SafetyHTML(checkin.SafetyNotice(settings.Get(upshot.SettingCrisisContacts)), planPath); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, status, "checkin_form", p)
}

func (s *Server) checkinNew(w http.ResponseWriter, r *http.Request) {
	def, ok := s.reg.Get(r.PathValue("instrument"))
	if !ok {
		s.fail(w, r, upshot.Errorf(upshot.ENOTFOUND, "instrument", "%s", upshot.ErrorMessage(s.unknownInstrument(r.PathValue("instrument")))))
		return
	}
	s.renderCheckinForm(w, r, http.StatusOK, s.checkinFormData(def, nil, s.today(), nil))
}

func (s *Server) checkinCreate(w http.ResponseWriter, r *http.Request) {
	v, err := readForm(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	def, ok := s.reg.Get(v.Get("instrument"))
	if !ok {
		s.fail(w, r, s.unknownInstrument(v.Get("instrument")))
		return
	}
	answers, date, err := parseCheckinForm(v, def)
	if err == nil {
		var res checkin.Result
		if res, err = s.createCheckin(r, def.ID, answers, date); err == nil {
			http.Redirect(w, r, fmt.Sprintf("/checkins/%d", res.ID), http.StatusSeeOther)
			return
		}
	}
	if status := statusOf(err); status != http.StatusUnprocessableEntity && status != http.StatusInsufficientStorage {
		s.fail(w, r, err)
		return
	}
	s.renderCheckinForm(w, r, statusOf(err), s.checkinFormData(def, answers, date, err))
}

type checkinView struct {
	Result   checkin.Result
	Safety   template.HTML
	Def      *instrument.Definition
	Answers  []answerLine
	Baseline string
	Previous string
	Recovery string
}

type answerLine struct {
	Text, Answer string
}

func (s *Server) checkinShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := usecase.ScoreCheckIn(r.Context(), s.store, s.reg, ownerOf(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	def, err := usecase.StoredDefinition(r.Context(), s.store, s.reg, ownerOf(r), res.Instrument, res.InstrumentVersion)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := checkinView{Result: res, Def: def, Baseline: res.BaselineText(), Previous: res.PreviousText(), Recovery: res.RecoveryText()}
	if res.SafetyNotice != "" {
		if v.Safety, err = report.SafetyHTML(res.SafetyNotice, planPath); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	for i, it := range def.Items {
		line := answerLine{Text: it.Text, Answer: "not answered"}
		if i < len(res.Answers) && res.Answers[i] != nil {
			for _, o := range def.ItemOptions(i) {
				if o.Score == *res.Answers[i] {
					line.Answer = o.Label
				}
			}
		}
		v.Answers = append(v.Answers, line)
	}
	s.render(w, r, http.StatusOK, "checkin", page{Title: res.Name + " of " + words.FormatDate(res.Date), Nav: "checkins", Data: v})
}

func (s *Server) checkinDeleteConfirm(w http.ResponseWriter, r *http.Request) {
	c, ok := pathRecord(s, w, r, s.store.FindCheckIn)
	if !ok {
		return
	}
	name := c.Instrument
	if def, ok := s.reg.Get(c.Instrument); ok {
		name = def.Label()
	}
	s.render(w, r, http.StatusOK, "confirm_delete", page{Title: "Delete check-in", Nav: "checkins", Data: confirmData{
		What:   fmt.Sprintf("the %s check-in of %s", name, words.FormatDate(c.Date)),
		Detail: "Its answers are deleted with it, and later check-ins are compared with what remains. This cannot be undone; an export keeps a copy.",
		Action: fmt.Sprintf("/checkins/%d/delete", c.ID),
		Back:   fmt.Sprintf("/checkins/%d", c.ID),
	}})
}

func (s *Server) checkinDelete(w http.ResponseWriter, r *http.Request) {
	s.pageDelete(w, r, s.store.DeleteCheckIn, "/checkins?done=checkin-deleted")
}

package upshot

import (
	"cmp"
	"slices"
)

// AgendaItem is something the person wants to raise in a session, in their
// own words ("my agenda"), or a suggestion of the review they adopted. It is
// carried from session to session until it is dealt with or dropped; each
// session it was shown at records what became of it (Session.AgendaItems).
type AgendaItem struct {
	ID     int64  `json:"id"`
	Text   string `json:"text"`
	Source string `json:"source"` // mine or review
	// Status is what the person set by hand: open, or closed as dealt with
	// (outside a session) or dropped. An open item that a session marked
	// dealt with is dealt with too (AgendaEntry.State says which holds).
	Status string `json:"status"`
	Opened Date   `json:"opened"`
	Closed Date   `json:"closed"` // set when closed by hand
	Meta
}

// Agenda item sources.
const (
	AgendaMine   = "mine"   // written by the person
	AgendaReview = "review" // adopted from the review's suggestions
)

var AgendaSources = []string{AgendaMine, AgendaReview}

// Agenda item statuses.
const (
	AgendaOpen      = "open"
	AgendaDealtWith = "dealt_with"
	AgendaDropped   = "dropped"
)

var AgendaStatuses = []string{AgendaOpen, AgendaDealtWith, AgendaDropped}

// AgendaMark is what became of an agenda item at one session.
type AgendaMark struct {
	ItemID int64  `json:"item_id"`
	Mark   string `json:"mark"`
}

// Marks of an agenda item at a session.
const (
	MarkRaised    = "raised"     // I raised it; it was not dealt with
	MarkDealtWith = "dealt_with" // it was raised and dealt with
	MarkNotRaised = "not_raised" // it did not come up
)

var AgendaMarks = []string{MarkRaised, MarkDealtWith, MarkNotRaised}

// AgendaMarkLabels are the marks in words, for forms and lists.
var AgendaMarkLabels = map[string]string{
	MarkRaised:    "raised",
	MarkDealtWith: "dealt with",
	MarkNotRaised: "not raised",
}

func (a *AgendaItem) Validate(today Date) error {
	if err := checkRequiredText("text", a.Text, MaxTitleLen); err != nil {
		return err
	}
	if err := oneOf("source", a.Source, AgendaSources); err != nil {
		return err
	}
	if err := oneOf("status", a.Status, AgendaStatuses); err != nil {
		return err
	}
	if err := CheckDate("opened", a.Opened, today); err != nil {
		return err
	}
	if a.Status == AgendaOpen && !a.Closed.IsZero() {
		return Invalid("closed", "an open agenda item has no closed date, got %s", a.Closed)
	}
	if a.Status != AgendaOpen {
		if err := CheckDate("closed", a.Closed, today); err != nil {
			return err
		}
		if a.Closed.Before(a.Opened) {
			return Invalid("closed", "closed (%s) must not be before opened (%s)", a.Closed, a.Opened)
		}
	}
	return nil
}

// validateAgendaMarks checks a session's marks and sorts them by item, so
// that equal sessions store and export identically.
func validateAgendaMarks(marks []AgendaMark) error {
	seen := map[int64]bool{}
	for _, m := range marks {
		if m.ItemID <= 0 {
			return Invalid("agenda_items", "agenda_items must name agenda item ids, got %d", m.ItemID)
		}
		if seen[m.ItemID] {
			return Invalid("agenda_items", "agenda_items lists item %d twice", m.ItemID)
		}
		seen[m.ItemID] = true
		if err := oneOf("agenda_items", m.Mark, AgendaMarks); err != nil {
			return err
		}
	}
	slices.SortFunc(marks, func(a, b AgendaMark) int { return cmp.Compare(a.ItemID, b.ItemID) })
	return nil
}

// AgendaEvent is one session's mark on an item, for its history.
type AgendaEvent struct {
	Date        Date   `json:"date"`
	SessionID   int64  `json:"session_id"`
	TherapistID int64  `json:"therapist_id"`
	Mark        string `json:"mark"`
}

// AgendaEntry is an item with what the sessions made of it.
type AgendaEntry struct {
	Item *AgendaItem `json:"item"`
	// State is open, dealt_with or dropped: closed by hand, or dealt with
	// at a session (DealtWith is then that session's date).
	State     string `json:"state"`
	DealtWith Date   `json:"dealt_with"`
	// Raised counts the sessions it was raised at and not dealt with.
	Raised int `json:"raised"`
	// Unresolved is set on an open item raised at least the
	// agenda_unresolved_raises setting's number of times: it goes first.
	Unresolved bool          `json:"unresolved"`
	History    []AgendaEvent `json:"history"`
}

// Open reports whether the item still waits to be dealt with.
func (e AgendaEntry) Open() bool { return e.State == AgendaOpen }

// BuildAgenda puts each item together with its history over the sessions
// (in any order), the unresolved open items first, then the other open ones
// as they were added, then the closed ones, latest first. unresolvedAt is
// the agenda_unresolved_raises setting.
func BuildAgenda(items []*AgendaItem, sessions []*Session, unresolvedAt int) []AgendaEntry {
	byItem := map[int64][]AgendaEvent{}
	for _, s := range sessions {
		for _, m := range s.AgendaItems {
			byItem[m.ItemID] = append(byItem[m.ItemID], AgendaEvent{Date: s.Date, SessionID: s.ID, TherapistID: s.TherapistID, Mark: m.Mark})
		}
	}
	out := make([]AgendaEntry, 0, len(items))
	for _, it := range items {
		h := byItem[it.ID]
		slices.SortFunc(h, func(a, b AgendaEvent) int {
			return cmp.Or(a.Date.Compare(b.Date), cmp.Compare(a.SessionID, b.SessionID))
		})
		if h == nil {
			h = []AgendaEvent{}
		}
		e := AgendaEntry{Item: it, State: it.Status, History: h}
		for _, ev := range h {
			switch ev.Mark {
			case MarkRaised:
				if e.DealtWith.IsZero() {
					e.Raised++
				}
			case MarkDealtWith:
				if e.DealtWith.IsZero() {
					e.DealtWith = ev.Date
				}
			}
		}
		if e.State == AgendaOpen && !e.DealtWith.IsZero() {
			e.State = AgendaDealtWith
		}
		if e.State == AgendaDealtWith && e.DealtWith.IsZero() {
			e.DealtWith = it.Closed
		}
		e.Unresolved = e.State == AgendaOpen && unresolvedAt > 0 && e.Raised >= unresolvedAt
		out = append(out, e)
	}
	rank := func(e AgendaEntry) int {
		switch {
		case e.Unresolved:
			return 0
		case e.Open():
			return 1
		}
		return 2
	}
	slices.SortStableFunc(out, func(a, b AgendaEntry) int {
		if c := cmp.Compare(rank(a), rank(b)); c != 0 || rank(a) < 2 {
			return cmp.Or(c, cmp.Compare(a.Item.ID, b.Item.ID))
		}
		return cmp.Or(b.closedOn().Compare(a.closedOn()), cmp.Compare(b.Item.ID, a.Item.ID))
	})
	return out
}

func (e AgendaEntry) closedOn() Date {
	if !e.DealtWith.IsZero() {
		return e.DealtWith
	}
	return e.Item.Closed
}

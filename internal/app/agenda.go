package app

import (
	"context"
	"slices"
	"strings"

	"github.com/upshot-app/upshot/internal/upshot"
)

// AgendaStore is what the agenda's use cases read: the items, the sessions
// that carry what became of them, and the setting that says when an item
// raised again and again is reported.
type AgendaStore interface {
	upshot.AgendaService
	upshot.SessionService
	upshot.SettingService
}

// Agenda is the owner's agenda with each item's history: the items raised
// agenda_unresolved_raises times and not dealt with first, then the other
// open ones, then the closed ones.
func Agenda(ctx context.Context, st AgendaStore, owner upshot.OwnerID) ([]upshot.AgendaEntry, error) {
	items, err := st.ListAgendaItems(ctx, owner)
	if err != nil {
		return nil, err
	}
	return entriesOf(ctx, st, owner, items)
}

// entriesOf is items with their histories over every session, in the
// agenda's order.
func entriesOf(ctx context.Context, st AgendaStore, owner upshot.OwnerID, items []*upshot.AgendaItem) ([]upshot.AgendaEntry, error) {
	sessions, err := st.ListSessions(ctx, owner, upshot.SessionFilter{})
	if err != nil {
		return nil, err
	}
	settings, err := st.Settings(ctx, owner)
	if err != nil {
		return nil, err
	}
	return upshot.BuildAgenda(items, sessions, settings.Int(upshot.SettingAgendaUnresolvedRaises)), nil
}

// AgendaPage is one page of the owner's agenda entries in the order their
// items last changed (updated_at, then id), as q asks: the items changed
// after q.Since and the cursor, each with its history over every session.
func AgendaPage(ctx context.Context, st interface {
	AgendaStore
	AgendaItemChanges(ctx context.Context, owner upshot.OwnerID, q upshot.ChangeQuery) ([]*upshot.AgendaItem, error)
}, owner upshot.OwnerID, q upshot.ChangeQuery) ([]upshot.AgendaEntry, error) {
	items, err := st.AgendaItemChanges(ctx, owner, q)
	if err != nil || len(items) == 0 {
		return []upshot.AgendaEntry{}, err
	}
	entries, err := entriesOf(ctx, st, owner, items)
	if err != nil {
		return nil, err
	}
	// BuildAgenda puts them in the agenda's order; a page is in the order
	// of change, as the items came.
	at := make(map[int64]int, len(items))
	for i, it := range items {
		at[it.ID] = i
	}
	slices.SortFunc(entries, func(a, b upshot.AgendaEntry) int { return at[a.Item.ID] - at[b.Item.ID] })
	return entries, nil
}

// AgendaEntryOf is one item with its history.
func AgendaEntryOf(ctx context.Context, st AgendaStore, owner upshot.OwnerID, id int64) (*upshot.AgendaEntry, error) {
	it, err := st.FindAgendaItem(ctx, owner, id)
	if err != nil {
		return nil, err
	}
	all, err := Agenda(ctx, st, owner)
	if err != nil {
		return nil, err
	}
	for _, e := range all {
		if e.Item.ID == it.ID {
			return &e, nil
		}
	}
	return nil, upshot.NotFound("agenda item", id)
}

// ForSession is what the log form offers to mark: the open items, and any
// item this session already marks (when editing it), in agenda order.
func ForSession(entries []upshot.AgendaEntry, s *upshot.Session) []upshot.AgendaEntry {
	var out []upshot.AgendaEntry
	for _, e := range entries {
		if e.Open() || slices.ContainsFunc(s.AgendaItems, func(m upshot.AgendaMark) bool { return m.ItemID == e.Item.ID }) {
			out = append(out, e)
		}
	}
	return out
}

// AddAgendaItem records an item in the person's own words (source mine) or
// a review suggestion adopted (source review), open from today unless it
// says otherwise. Adding the text of an item that is still open adds
// nothing and returns that item (created false): a second tap on "add to my
// agenda" is not a second item.
func AddAgendaItem(ctx context.Context, st upshot.AgendaService, owner upshot.OwnerID, now upshot.Clock, a *upshot.AgendaItem) (created bool, err error) {
	today := upshot.DateOf(now())
	a.Text = strings.TrimSpace(a.Text)
	if a.Source == "" {
		a.Source = upshot.AgendaMine
	}
	if a.Status == "" {
		a.Status = upshot.AgendaOpen
	}
	if a.Opened.IsZero() {
		a.Opened = today
	}
	if a.Status != upshot.AgendaOpen && a.Closed.IsZero() {
		a.Closed = today
	}
	if err := a.Validate(today); err != nil {
		return false, err
	}
	items, err := st.ListAgendaItems(ctx, owner)
	if err != nil {
		return false, err
	}
	if a.Status == upshot.AgendaOpen {
		for _, it := range items {
			if it.Status == upshot.AgendaOpen && strings.EqualFold(it.Text, a.Text) {
				*a = *it
				return false, nil
			}
		}
	}
	return true, st.CreateAgendaItem(ctx, owner, a)
}

// EditAgendaItem replaces a stored item, a carrying the version last read;
// one closed without a date is closed today, one reopened loses its date. A
// source, status or opening date left out keeps the stored one: a client
// that sends only the words it changed does not turn a suggestion adopted
// from the review into the person's own, reopen it or lose when it began.
func EditAgendaItem(ctx context.Context, st upshot.AgendaService, owner upshot.OwnerID, now upshot.Clock, a *upshot.AgendaItem) error {
	today := upshot.DateOf(now())
	if a.Source == "" || a.Status == "" || a.Opened.IsZero() {
		stored, err := st.FindAgendaItem(ctx, owner, a.ID)
		if err != nil {
			return err
		}
		if a.Source == "" {
			a.Source = stored.Source
		}
		if a.Status == "" {
			a.Status, a.Closed = stored.Status, stored.Closed
		}
		if a.Opened.IsZero() {
			a.Opened = stored.Opened
		}
	}
	a.Text = strings.TrimSpace(a.Text)
	if a.Status != upshot.AgendaOpen && a.Closed.IsZero() {
		a.Closed = today
	}
	if a.Status == upshot.AgendaOpen {
		a.Closed = upshot.Date{}
	}
	if err := a.Validate(today); err != nil {
		return err
	}
	return st.UpdateAgendaItem(ctx, owner, a)
}

// SetAgendaStatus closes an item as dealt with (outside a session) or
// dropped, today, or opens it again.
func SetAgendaStatus(ctx context.Context, st upshot.AgendaService, owner upshot.OwnerID, now upshot.Clock, id int64, status string) (*upshot.AgendaItem, error) {
	if !slices.Contains(upshot.AgendaStatuses, status) {
		return nil, upshot.Invalid("status", "status must be one of %s, got %q", strings.Join(upshot.AgendaStatuses, ", "), status)
	}
	a, err := st.FindAgendaItem(ctx, owner, id)
	if err != nil {
		return nil, err
	}
	a.Status, a.Closed = status, upshot.Date{}
	return a, EditAgendaItem(ctx, st, owner, now, a)
}

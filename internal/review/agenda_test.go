package review_test

import (
	"strings"
	"testing"

	"github.com/upshot-app/upshot/internal/review"
	"github.com/upshot-app/upshot/internal/upshot"
)

// An item of the person's own agenda raised agenda_unresolved_raises (3)
// times and not dealt with is a finding (attention) and goes first on the
// next agenda, after safety; twice raised, or dealt with, it is not.
func TestAgendaUnresolved(t *testing.T) {
	t.Parallel()
	build := func(marks ...string) (*hist, *upshot.AgendaItem) {
		h := newHist()
		th := h.therapist("Dr. A")
		item := &upshot.AgendaItem{ID: h.id(), Text: "why we talk about us", Source: upshot.AgendaMine, Status: upshot.AgendaOpen, Opened: day0}
		h.snap.AgendaItems = []*upshot.AgendaItem{item}
		for i, m := range marks {
			h.session(th, day(7*i), func(s *upshot.Session) {
				s.AgendaItems = []upshot.AgendaMark{{ItemID: item.ID, Mark: m}}
			})
		}
		return h, item
	}
	h, item := build(upshot.MarkRaised, upshot.MarkNotRaised, upshot.MarkRaised, upshot.MarkRaised)
	h.valid(t)
	r := h.review()
	fs := findingsWith(r, review.CodeAgendaUnresolved)
	if len(fs) != 1 {
		t.Fatalf("findings %v, want one agenda_unresolved", codes(r))
	}
	f := fs[0]
	if f.Severity != review.Attention || f.AgendaItemID != item.ID || len(f.Evidence.Sessions) != 3 || f.Evidence.Numbers["raised"] != 3 {
		t.Fatalf("finding %+v", f)
	}
	if !strings.Contains(f.Detail, "'why we talk about us'") || !strings.Contains(f.Detail, "3 sessions") {
		t.Errorf("detail %q", f.Detail)
	}
	if len(r.Agenda) == 0 || !strings.HasPrefix(r.Agenda[0], "Raise 'why we talk about us' again, first") || !strings.Contains(r.Agenda[0], "3 times") {
		t.Errorf("agenda %q: the unresolved item is not first", r.Agenda)
	}
	if r.SettingsUsed[upshot.SettingAgendaUnresolvedRaises] != "3" {
		t.Errorf("settings used %v", r.SettingsUsed)
	}

	// The setting moves the threshold.
	if fs := findingsWith(h.set(upshot.SettingAgendaUnresolvedRaises, "4").review(), review.CodeAgendaUnresolved); len(fs) != 0 {
		t.Errorf("raised 3 times reported at 4: %+v", fs)
	}
	for name, marks := range map[string][]string{
		"raised twice":            {upshot.MarkRaised, upshot.MarkRaised},
		"dealt with at the end":   {upshot.MarkRaised, upshot.MarkRaised, upshot.MarkRaised, upshot.MarkDealtWith},
		"dealt with in the start": {upshot.MarkDealtWith, upshot.MarkRaised, upshot.MarkRaised, upshot.MarkRaised},
	} {
		h, _ := build(marks...)
		if fs := findingsWith(h.review(), review.CodeAgendaUnresolved); len(fs) != 0 {
			t.Errorf("%s: %+v", name, fs)
		}
	}

	// Dropped, it is still the record of what happened, but not on the agenda.
	h, item = build(upshot.MarkRaised, upshot.MarkRaised, upshot.MarkRaised)
	item.Status, item.Closed = upshot.AgendaDropped, day(20)
	r = h.review()
	if fs := findingsWith(r, review.CodeAgendaUnresolved); len(fs) != 1 || !strings.Contains(fs[0].Detail, "You dropped it on") {
		t.Fatalf("dropped item: %+v", fs)
	}
	for _, a := range r.Agenda {
		if strings.Contains(a, "why we talk about us") {
			t.Errorf("dropped item on the agenda: %q", a)
		}
	}
}

func TestBuildAgendaOrderAndHistory(t *testing.T) {
	t.Parallel()
	items := []*upshot.AgendaItem{
		{ID: 1, Text: "a", Status: upshot.AgendaOpen},
		{ID: 2, Text: "b", Status: upshot.AgendaOpen},
		{ID: 3, Text: "c", Status: upshot.AgendaDropped, Closed: day(1)},
		{ID: 4, Text: "d", Status: upshot.AgendaOpen},
	}
	ss := []*upshot.Session{
		{ID: 10, TherapistID: 1, Date: day(14), AgendaItems: []upshot.AgendaMark{{ItemID: 2, Mark: upshot.MarkRaised}, {ItemID: 4, Mark: upshot.MarkDealtWith}}},
		{ID: 9, TherapistID: 1, Date: day(7), AgendaItems: []upshot.AgendaMark{{ItemID: 2, Mark: upshot.MarkRaised}, {ItemID: 1, Mark: upshot.MarkNotRaised}}},
	}
	got := upshot.BuildAgenda(items, ss, 2)
	var order []int64
	for _, e := range got {
		order = append(order, e.Item.ID)
	}
	// b raised twice first; a open; then the closed ones, latest first.
	if want := []int64{2, 1, 4, 3}; !slicesEqual(order, want) {
		t.Fatalf("order %v, want %v", order, want)
	}
	if b := got[0]; !b.Unresolved || b.Raised != 2 || len(b.History) != 2 || b.History[0].SessionID != 9 {
		t.Errorf("b: %+v", b)
	}
	if d := got[2]; d.State != upshot.AgendaDealtWith || d.DealtWith != day(14) {
		t.Errorf("d: %+v", d)
	}
}

func slicesEqual(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

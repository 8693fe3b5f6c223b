package store_test

import (
	"reflect"
	"testing"

	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/upshot"
)

func testAgenda(t *testing.T, db *store.DB) {
	owner := upshot.DefaultOwner
	th := &upshot.Therapist{Name: "Dr. Berg"}
	must(t, db.CreateTherapist(ctx, owner, th))
	mine := &upshot.AgendaItem{Text: "ask why we always talk about us", Source: upshot.AgendaMine, Status: upshot.AgendaOpen, Opened: day(2025, 1, 2)}
	adopted := &upshot.AgendaItem{Text: "Ask what the plan is.", Source: upshot.AgendaReview, Status: upshot.AgendaOpen, Opened: day(2025, 1, 3)}
	must(t, db.CreateAgendaItem(ctx, owner, mine))
	must(t, db.CreateAgendaItem(ctx, owner, adopted))
	if mine.ID != 1 || adopted.ID != 2 || mine.Version != 1 {
		t.Fatalf("ids %d, %d version %d", mine.ID, adopted.ID, mine.Version)
	}
	got, err := db.FindAgendaItem(ctx, owner, mine.ID)
	must(t, err)
	if !reflect.DeepEqual(got, mine) {
		t.Fatalf("read back %+v\nwant %+v", got, mine)
	}

	// Sessions carry what became of each item; the list reads them back.
	s1 := &upshot.Session{TherapistID: th.ID, Date: day(2025, 1, 9),
		AgendaItems: []upshot.AgendaMark{{ItemID: adopted.ID, Mark: upshot.MarkNotRaised}, {ItemID: mine.ID, Mark: upshot.MarkRaised}}}
	must(t, db.CreateSession(ctx, owner, s1))
	s2 := &upshot.Session{TherapistID: th.ID, Date: day(2025, 1, 16), AgendaItems: []upshot.AgendaMark{{ItemID: mine.ID, Mark: upshot.MarkRaised}}}
	must(t, db.CreateSession(ctx, owner, s2))
	back, err := db.FindSession(ctx, owner, s1.ID)
	must(t, err)
	want := []upshot.AgendaMark{{ItemID: mine.ID, Mark: upshot.MarkRaised}, {ItemID: adopted.ID, Mark: upshot.MarkNotRaised}}
	if !reflect.DeepEqual(back.AgendaItems, want) {
		t.Fatalf("session's agenda marks %+v, want %+v (sorted by item)", back.AgendaItems, want)
	}
	// An edit replaces the marks.
	back.AgendaItems = []upshot.AgendaMark{{ItemID: adopted.ID, Mark: upshot.MarkDealtWith}}
	must(t, db.UpdateSession(ctx, owner, back))
	list, err := db.ListSessions(ctx, owner, upshot.SessionFilter{})
	must(t, err)
	if len(list) != 2 || len(list[0].AgendaItems) != 1 || list[0].AgendaItems[0].Mark != upshot.MarkDealtWith || len(list[1].AgendaItems) != 1 {
		t.Fatalf("sessions after edit: %+v / %+v", list[0].AgendaItems, list[1].AgendaItems)
	}

	// A mark on an item that is not this owner's names the field; nothing is written.
	wantCode(t, db.CreateSession(ctx, owner, &upshot.Session{TherapistID: th.ID, Date: day(2025, 1, 20),
		AgendaItems: []upshot.AgendaMark{{ItemID: 99, Mark: upshot.MarkRaised}}}), upshot.ENOTFOUND, "agenda_items")
	wantCode(t, db.CreateSession(ctx, owner, &upshot.Session{TherapistID: th.ID, Date: day(2025, 1, 20),
		AgendaItems: []upshot.AgendaMark{{ItemID: mine.ID, Mark: "shouted"}}}), upshot.EINVALID, "agenda_items")
	wantCode(t, db.CreateAgendaItem(ctx, owner, &upshot.AgendaItem{Text: " ", Source: upshot.AgendaMine, Status: upshot.AgendaOpen, Opened: day(2025, 1, 2)}), upshot.EINVALID, "text")
	wantCode(t, db.CreateAgendaItem(ctx, owner, &upshot.AgendaItem{Text: "x", Source: "friend", Status: upshot.AgendaOpen, Opened: day(2025, 1, 2)}), upshot.EINVALID, "source")
	if items, err := db.ListAgendaItems(ctx, owner); err != nil || len(items) != 2 {
		t.Fatalf("items after refused writes: %d (%v)", len(items), err)
	}

	// An item with a history is not deleted (drop it); one without is.
	wantCode(t, db.DeleteAgendaItem(ctx, owner, mine.ID), upshot.ECONFLICT, "agenda item")
	mine.Status, mine.Closed = upshot.AgendaDropped, day(2025, 1, 17)
	must(t, db.UpdateAgendaItem(ctx, owner, mine))
	stale := *mine
	stale.Version = 1
	wantCode(t, db.UpdateAgendaItem(ctx, owner, &stale), upshot.ECONFLICT, "version")
	spare := &upshot.AgendaItem{Text: "spare", Source: upshot.AgendaMine, Status: upshot.AgendaOpen, Opened: day(2025, 1, 2)}
	must(t, db.CreateAgendaItem(ctx, owner, spare))
	must(t, db.DeleteAgendaItem(ctx, owner, spare.ID))
	_, err = db.FindAgendaItem(ctx, owner, spare.ID)
	wantCode(t, err, upshot.ENOTFOUND, "")

	// Scoped by owner.
	other, err := db.CreateUser(ctx, "second person")
	must(t, err)
	if items, err := db.ListAgendaItems(ctx, other); err != nil || len(items) != 0 {
		t.Fatalf("owner %d sees %d items (%v)", other, len(items), err)
	}
	_, err = db.FindAgendaItem(ctx, other, mine.ID)
	wantCode(t, err, upshot.ENOTFOUND, "")
	wantCode(t, db.UpdateAgendaItem(ctx, other, mine), upshot.ENOTFOUND, "")
	wantCode(t, db.DeleteAgendaItem(ctx, other, adopted.ID), upshot.ENOTFOUND, "")
	// Their first item gets their own first id.
	theirs := &upshot.AgendaItem{Text: "mine too", Source: upshot.AgendaMine, Status: upshot.AgendaOpen, Opened: day(2025, 1, 2)}
	must(t, db.CreateAgendaItem(ctx, other, theirs))
	if theirs.ID != 1 {
		t.Fatalf("second owner's first item id %d", theirs.ID)
	}

	// Export and import keep items, marks, ids and meta; the id counter
	// continues after them.
	snap, err := db.Export(ctx, owner)
	must(t, err)
	if len(snap.AgendaItems) != 2 || snap.Version != upshot.ExportVersion {
		t.Fatalf("export has %d agenda items, version %d", len(snap.AgendaItems), snap.Version)
	}
	fresh, err := db.CreateUser(ctx, "third person")
	must(t, err)
	must(t, db.Import(ctx, fresh, snap))
	again, err := db.Export(ctx, fresh)
	must(t, err)
	again.ExportedAt = snap.ExportedAt
	if !reflect.DeepEqual(again, snap) {
		t.Fatalf("round trip differs:\n%+v\n%+v", again.AgendaItems, snap.AgendaItems)
	}
	next := &upshot.AgendaItem{Text: "after import", Source: upshot.AgendaMine, Status: upshot.AgendaOpen, Opened: day(2025, 1, 2)}
	must(t, db.CreateAgendaItem(ctx, fresh, next))
	if next.ID != 3 {
		t.Fatalf("id after import = %d, want 3 (after the file's last, 2)", next.ID)
	}
}

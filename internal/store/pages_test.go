package store_test

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/demo"
	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/store/storetest"
	"github.com/upshot-app/upshot/internal/upshot"
)

// A page read by the index on time of change (keyset: after the cursor's
// record, at most the limit) is the same rows as slicing the whole list put
// in the order of change, for every kind of list, with the cursor at every
// record, for several limits, with and without updated_since, and never a
// row of another owner. Records changed at the same instant (ties broken by
// id) and records changed after the import (moved to the end) are among
// them.
func TestPagesAreSlicesOfTheWholeList(t *testing.T) {
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			db := storetest.Open(t, backend)
			at := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
			db.Now = func() time.Time { return at }
			snap, err := demo.Build(upshot.DateOf(at), instrument.Builtin())
			must(t, err)
			must(t, db.Import(ctx, upshot.DefaultOwner, snap))
			other, err := db.CreateAccount(ctx, "other", "")
			must(t, err)
			must(t, db.Import(ctx, other, snap))
			must(t, db.CreateTherapist(ctx, upshot.DefaultOwner, &upshot.Therapist{Name: "Dr. Third", Started: upshot.DateOf(at)}))
			for i := range 5 {
				must(t, db.CreateAgendaItem(ctx, upshot.DefaultOwner, &upshot.AgendaItem{Text: fmt.Sprintf("item %d", i),
					Source: upshot.AgendaMine, Status: upshot.AgendaOpen, Opened: upshot.DateOf(at)}))
			}
			// Later changes, three of each kind at one instant, in an order
			// that is not their ids'.
			at = at.Add(time.Hour)
			sessions, err := db.ListSessions(ctx, upshot.DefaultOwner, upshot.SessionFilter{})
			must(t, err)
			for _, i := range []int{7, 2, 30} {
				s := sessions[i]
				s.Minutes = ptr(45)
				must(t, db.UpdateSession(ctx, upshot.DefaultOwner, s))
			}
			checkins, err := db.ListCheckIns(ctx, upshot.DefaultOwner, upshot.CheckInFilter{})
			must(t, err)
			for _, i := range []int{11, 3, 20} {
				c := checkins[i]
				c.Date = c.Date.AddDays(-1)
				must(t, db.UpdateCheckIn(ctx, upshot.DefaultOwner, c))
			}
			goals, err := db.ListGoals(ctx, upshot.DefaultOwner)
			must(t, err)
			for _, i := range []int{len(goals) - 1, 0} {
				g := goals[i]
				g.SolvedWhen = "changed"
				must(t, db.UpdateGoal(ctx, upshot.DefaultOwner, g))
			}
			therapists, err := db.ListTherapists(ctx, upshot.DefaultOwner)
			must(t, err)
			th := therapists[0]
			th.Name += " (changed)"
			must(t, db.UpdateTherapist(ctx, upshot.DefaultOwner, th))

			checkPages(t, "therapists", func() ([]*upshot.Therapist, error) { return db.ListTherapists(ctx, upshot.DefaultOwner) },
				func(q upshot.ChangeQuery) ([]*upshot.Therapist, error) {
					return db.TherapistChanges(ctx, upshot.DefaultOwner, q)
				},
				func(r *upshot.Therapist) upshot.Meta { return r.Meta }, func(r *upshot.Therapist) int64 { return r.ID })
			checkPages(t, "goals", func() ([]*upshot.Goal, error) { return db.ListGoals(ctx, upshot.DefaultOwner) },
				func(q upshot.ChangeQuery) ([]*upshot.Goal, error) { return db.GoalChanges(ctx, upshot.DefaultOwner, q) },
				func(r *upshot.Goal) upshot.Meta { return r.Meta }, func(r *upshot.Goal) int64 { return r.ID })
			checkPages(t, "sessions", func() ([]*upshot.Session, error) {
				return db.ListSessions(ctx, upshot.DefaultOwner, upshot.SessionFilter{})
			},
				func(q upshot.ChangeQuery) ([]*upshot.Session, error) {
					return db.SessionChanges(ctx, upshot.DefaultOwner, q)
				},
				func(r *upshot.Session) upshot.Meta { return r.Meta }, func(r *upshot.Session) int64 { return r.ID })
			checkPages(t, "check-ins", func() ([]*upshot.CheckIn, error) {
				return db.ListCheckIns(ctx, upshot.DefaultOwner, upshot.CheckInFilter{})
			},
				func(q upshot.ChangeQuery) ([]*upshot.CheckIn, error) {
					return db.CheckInChanges(ctx, upshot.DefaultOwner, q)
				},
				func(r *upshot.CheckIn) upshot.Meta { return r.Meta }, func(r *upshot.CheckIn) int64 { return r.ID })
			checkPages(t, "agenda items", func() ([]*upshot.AgendaItem, error) { return db.ListAgendaItems(ctx, upshot.DefaultOwner) },
				func(q upshot.ChangeQuery) ([]*upshot.AgendaItem, error) {
					return db.AgendaItemChanges(ctx, upshot.DefaultOwner, q)
				},
				func(r *upshot.AgendaItem) upshot.Meta { return r.Meta }, func(r *upshot.AgendaItem) int64 { return r.ID })
		})
	}
}

// checkPages compares every page of a list with the slice of the whole list
// it should be.
func checkPages[T any](t *testing.T, kind string, whole func() ([]T, error), page func(upshot.ChangeQuery) ([]T, error),
	meta func(T) upshot.Meta, id func(T) int64) {
	t.Helper()
	all, err := whole()
	must(t, err)
	slices.SortStableFunc(all, func(a, b T) int {
		return cmp.Or(meta(a).UpdatedAt.Compare(meta(b).UpdatedAt), cmp.Compare(id(a), id(b)))
	})
	n := len(all)
	if n < 3 || meta(all[0]).UpdatedAt.Equal(meta(all[n-1]).UpdatedAt) {
		t.Fatalf("%s: %d records, changed at one time: too few to page", kind, n)
	}
	same := func(what string, got, want []T) {
		t.Helper()
		g, err := json.Marshal(got)
		must(t, err)
		w, err := json.Marshal(want)
		must(t, err)
		if string(g) != string(w) {
			t.Fatalf("%s, %s: %d records\n%s\nwant the whole list's %d\n%s", kind, what, len(got), g, len(want), w)
		}
	}
	// Without a limit, from the start: the whole list.
	got, err := page(upshot.ChangeQuery{})
	must(t, err)
	same("all", got, all)
	for _, limit := range []int{1, 2, 7, 50} {
		// The cursor after every record (and none: the first page).
		for i := 0; i <= n; i++ {
			q := upshot.ChangeQuery{Limit: limit}
			if i > 0 {
				q.AfterAt, q.AfterID = meta(all[i-1]).UpdatedAt, id(all[i-1])
			}
			got, err := page(q)
			must(t, err)
			same(fmt.Sprintf("limit %d after record %d", limit, i), got, all[i:min(i+limit, n)])
		}
	}
	// updated_since at every time of change, alone and with a cursor before
	// it, at it and after it.
	for _, r := range all {
		since := meta(r).UpdatedAt
		from := slices.IndexFunc(all, func(v T) bool { return meta(v).UpdatedAt.After(since) })
		if from < 0 {
			from = n
		}
		got, err := page(upshot.ChangeQuery{Since: since})
		must(t, err)
		same(fmt.Sprintf("since %s", since), got, all[from:])
		for i := 1; i <= n; i++ {
			q := upshot.ChangeQuery{Since: since, AfterAt: meta(all[i-1]).UpdatedAt, AfterID: id(all[i-1]), Limit: 3}
			got, err := page(q)
			must(t, err)
			start := max(from, i)
			same(fmt.Sprintf("since %s after record %d", since, i), got, all[start:min(start+3, n)])
		}
	}
}

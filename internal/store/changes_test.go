package store_test

import (
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/store/storetest"
	"github.com/upshot-app/upshot/internal/upshot"
)

// Records page in the order they changed, from a cursor, after a time;
// deletions leave tombstones, one owner's never another's, dropped after
// tombstone_days.
func TestChangesAndTombstones(t *testing.T) {
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			db := storetest.Open(t, backend)
			clock := newClock()
			db.Now = clock.Now
			bee, err := db.CreateAccount(ctx, "bee", "")
			must(t, err)
			sample := fill(t, db, upshot.DefaultOwner)
			fill(t, db, bee)
			start := clock.Now()
			// Goal 0 changes after the others: it comes last.
			g := sample.goals[0]
			g.SolvedWhen = "changed"
			must(t, db.UpdateGoal(ctx, upshot.DefaultOwner, g))
			var got []int64
			q := upshot.ChangeQuery{Limit: 2}
			for {
				page, err := db.GoalChanges(ctx, upshot.DefaultOwner, q)
				must(t, err)
				for _, p := range page {
					got = append(got, p.ID)
				}
				if len(page) < q.Limit {
					break
				}
				q.AfterAt, q.AfterID = page[len(page)-1].UpdatedAt, page[len(page)-1].ID
			}
			want := []int64{sample.goals[1].ID, sample.goals[2].ID, g.ID}
			if len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
				t.Errorf("goals by change, two a page: %v, want %v", got, want)
			}
			since, err := db.GoalChanges(ctx, upshot.DefaultOwner, upshot.ChangeQuery{Since: start})
			must(t, err)
			if len(since) != 1 || since[0].ID != g.ID {
				t.Errorf("goals changed since: %v", since)
			}
			sessions, err := db.SessionChanges(ctx, upshot.DefaultOwner, upshot.ChangeQuery{Limit: 1})
			must(t, err)
			if len(sessions) != 1 || sessions[0].ID != sample.sessions[0].ID || len(sessions[0].Goals) != 2 {
				t.Errorf("the first session by change: %+v", sessions)
			}

			// fill deleted one session of each owner.
			dead, err := db.Tombstones(ctx, upshot.DefaultOwner, upshot.KindSession, upshot.ChangeQuery{})
			must(t, err)
			if len(dead) != 1 || dead[0].Kind != upshot.KindSession {
				t.Fatalf("tombstones: %+v", dead)
			}
			must(t, db.DeleteCheckIn(ctx, upshot.DefaultOwner, sample.checkins[0].ID))
			for _, owner := range []upshot.OwnerID{upshot.DefaultOwner, bee} {
				list, err := db.Tombstones(ctx, owner, upshot.KindCheckIn, upshot.ChangeQuery{})
				must(t, err)
				if want := map[upshot.OwnerID]int{upshot.DefaultOwner: 1, bee: 0}[owner]; len(list) != want {
					t.Errorf("owner %d's check-in tombstones: %+v, want %d", owner, list, want)
				}
			}
			// Deleting at an expected version: a stale one is a conflict
			// and deletes nothing.
			unused := sample.goals[2].ID // no session names it
			wantCode(t, db.DeleteGoal(upshot.WithExpectedVersion(ctx, 2), upshot.DefaultOwner, unused), upshot.ECONFLICT, "version")
			must(t, db.DeleteGoal(upshot.WithExpectedVersion(ctx, 1), upshot.DefaultOwner, unused))

			// tombstone_days later, the next deletion drops the old ones.
			must(t, db.SetSetting(ctx, upshot.DefaultOwner, upshot.SettingTombstoneDays, "1"))
			clock.mu.Lock()
			clock.t = clock.t.Add(25 * time.Hour)
			clock.mu.Unlock()
			must(t, db.DeleteCheckIn(ctx, upshot.DefaultOwner, sample.checkins[1].ID))
			all := 0
			for _, kind := range []string{upshot.KindSession, upshot.KindCheckIn, upshot.KindGoal} {
				list, err := db.Tombstones(ctx, upshot.DefaultOwner, kind, upshot.ChangeQuery{})
				must(t, err)
				all += len(list)
			}
			if all != 1 {
				t.Errorf("after tombstone_days: %d tombstones, want only the latest", all)
			}
		})
	}
}

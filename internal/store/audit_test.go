package store_test

import (
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/store/storetest"
	"github.com/upshot-app/upshot/internal/upshot"
)

// The audit log on both databases: each owner lists only their own events,
// newest first; an event older than keepSince is forgotten when the owner's
// next event is written (another owner's old events stay until theirs);
// an event for everyone reaches every account; an unknown kind is refused;
// writing never moves the owner's revision; and an owner's log never holds
// many more than upshot.MaxAuditEvents.
func TestAuditLog(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			db := storetest.Open(t, backend)
			b, err := db.CreateAccount(ctx, "bee", "")
			must(t, err)
			rev, err := db.Revision(ctx, b)
			must(t, err)
			day := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
			add := func(owner upshot.OwnerID, kind upshot.AuditKind, at, keep time.Time) {
				t.Helper()
				must(t, db.AddAuditEvent(ctx, &upshot.AuditEvent{Owner: owner, Kind: kind, Device: "Firefox on Linux", At: at}, keep))
			}
			add(upshot.DefaultOwner, upshot.AuditSignIn, day, time.Time{})
			add(b, upshot.AuditSignIn, day, time.Time{})
			add(b, upshot.AuditSignInFailed, day.Add(time.Hour), time.Time{})
			must(t, db.AddAuditEvent(ctx, &upshot.AuditEvent{Owner: b, Kind: upshot.AuditTokenAdded, Device: "curl", Detail: "cron", At: day.Add(2 * time.Hour)}, time.Time{}))
			list, err := db.AuditEvents(ctx, b, 0)
			must(t, err)
			if len(list) != 3 || list[0].Kind != upshot.AuditTokenAdded || list[0].Detail != "cron" || list[2].Kind != upshot.AuditSignIn || !list[2].At.Equal(day) || list[0].Owner != b {
				t.Fatalf("bee's log = %+v", list)
			}
			if two, _ := db.AuditEvents(ctx, b, 2); len(two) != 2 {
				t.Fatalf("limit 2 gave %d events", len(two))
			}
			if mine, _ := db.AuditEvents(ctx, upshot.DefaultOwner, 0); len(mine) != 1 {
				t.Fatalf("the local account sees %d events, want its own 1", len(mine))
			}
			err = db.AddAuditEvent(ctx, &upshot.AuditEvent{Owner: b, Kind: "made_up", At: day}, time.Time{})
			wantCode(t, err, upshot.EINVALID, "kind")

			// A year later, keeping 365 days: bee's old events go, the
			// local account's stay until it writes one.
			later := day.AddDate(1, 0, 1)
			add(b, upshot.AuditSignOut, later, later.AddDate(0, 0, -365))
			if list, _ := db.AuditEvents(ctx, b, 0); len(list) != 1 || list[0].Kind != upshot.AuditSignOut {
				t.Fatalf("bee's log after the retention = %+v", list)
			}
			if mine, _ := db.AuditEvents(ctx, upshot.DefaultOwner, 0); len(mine) != 1 {
				t.Fatal("bee's event pruned the local account's log")
			}
			n, err := db.AddAuditEventEveryone(ctx, upshot.AuditBackup, "Command line", later, later.AddDate(0, 0, -365))
			must(t, err)
			if n != 2 {
				t.Fatalf("AddAuditEventEveryone reached %d accounts, want 2", n)
			}
			if mine, _ := db.AuditEvents(ctx, upshot.DefaultOwner, 0); len(mine) != 1 || mine[0].Kind != upshot.AuditBackup {
				t.Fatalf("the local account's log after a backup = %+v", mine)
			}
			if after, _ := db.Revision(ctx, b); after != rev {
				t.Fatalf("the audit log moved bee's revision from %d to %d", rev, after)
			}

			// The count bound: far more events than the bound in one go
			// (as a flood of failed sign-ins would), then the log is at
			// most the bound plus the events since the last pruning.
			_, err = db.SQL().Exec(fillAuditSQL(db.Dialect(), int64(b), upshot.MaxAuditEvents+500))
			must(t, err)
			for i := range 70 {
				add(b, upshot.AuditSignInFailed, later.Add(time.Duration(i)*time.Second), time.Time{})
			}
			if n := rowsOf(t, db, "audit_events", b); n > upshot.MaxAuditEvents+64 {
				t.Fatalf("bee's log holds %d events, more than the bound %d (+64 between prunings)", n, upshot.MaxAuditEvents)
			}
			if list, _ := db.AuditEvents(ctx, b, 1); list[0].Kind != upshot.AuditSignInFailed || !list[0].At.Equal(later.Add(69*time.Second)) {
				t.Fatalf("the newest event did not survive the pruning: %+v", list[0])
			}
		})
	}
}

// fillAuditSQL inserts n old sign-in events of owner in one statement.
func fillAuditSQL(dialect string, owner int64, n int) string {
	series := `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ` + itoa(int64(n)) + `) SELECT ` + itoa(owner) + `, 'sign_in', 'x', '', '2026-01-01T00:00:00.000000Z' FROM s`
	if dialect == "postgres" {
		series = `SELECT ` + itoa(owner) + `, 'sign_in', 'x', '', '2026-01-01T00:00:00.000000Z' FROM generate_series(1, ` + itoa(int64(n)) + `)`
	}
	return `INSERT INTO audit_events (owner_id, kind, device, detail, at) ` + series
}

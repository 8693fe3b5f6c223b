package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/upshot-app/upshot/internal/upshot"
)

// The audit log (issue 13 item 7): each account sees what happened to its
// ways in (sign-ins, failed ones, sign-outs, password, token and passkey
// changes) and when its records left the server (exports, backups). Events
// hold a kind, a time, the device in a few words and at most a label the
// person gave; never a record, a note, an answer or a score, and nothing
// here writes one to a log line either.

// DefaultAuditDays is how long an event is kept ('upshot serve
// --audit-days'). Source: a year covers the questions people ask of such a
// log ("was that sign-in last spring me?"); it is Upshot's own default, in
// line with GitHub's security log (90 days shown) and Google's account
// activity (kept until deleted), and bounded by upshot.MaxAuditEvents too.
const (
	DefaultAuditDays = 365
	MaxAuditDays     = 3650
	AuditDaysSource  = "Upshot's own default: a year of one's own account history; the log is also bounded to the newest 5,000 events of an account."
)

// CLIDevice is the device of an event made by a command on the server.
const CLIDevice = "Command line on the server"

// AuditLog is the store the audit use cases need.
type AuditLog interface {
	upshot.AuditService
}

// Audit appends an event to the owner's audit log and forgets the owner's
// events older than the policy's days. The passkey code calls it too
// (upshot.AuditPasskeyAdded, AuditPasskeyRemoved, AuditPasskeySignIn).
func (a *Auth) Audit(ctx context.Context, owner upshot.OwnerID, kind upshot.AuditKind, device, detail string) error {
	now := a.Now()
	var keep time.Time
	if a.AuditDays > 0 {
		keep = now.AddDate(0, 0, -a.AuditDays)
	}
	return a.Store.AddAuditEvent(ctx, &upshot.AuditEvent{Owner: owner, Kind: kind, Device: device, Detail: detail, At: now}, keep)
}

// auditLater records an event after the caller has answered: a failed
// sign-in for an existing account must take as long as one for a name that
// is no account, which writes nothing, so its write does not happen on the
// way to the answer. Wait waits for these writes.
func (a *Auth) auditLater(ctx context.Context, owner upshot.OwnerID, kind upshot.AuditKind, device string) {
	a.pending.Add(1)
	go func() {
		defer a.pending.Done()
		if err := a.Audit(context.WithoutCancel(ctx), owner, kind, device, ""); err != nil {
			a.logger().Error("audit: could not record an event", slog.String("kind", string(kind)), slog.String("error", err.Error()))
		}
	}()
}

// Wait returns when every audit write started by a failed sign-in is done.
func (a *Auth) Wait() { a.pending.Wait() }

func (a *Auth) logger() *slog.Logger {
	if a.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return a.Log
}

// AuditEvents lists the owner's audit log, newest first.
func (a *Auth) AuditEvents(ctx context.Context, owner upshot.OwnerID) ([]*upshot.AuditEvent, error) {
	return a.Store.AuditEvents(ctx, owner, upshot.MaxAuditEvents)
}

// AuditOf lists the named account's audit log, newest first ('upshot user
// audit NAME': the administrator sees when and from what, never a record).
func AuditOf(ctx context.Context, st Accounts, login string, limit int) (*upshot.Account, []*upshot.AuditEvent, error) {
	acc, err := findAccount(ctx, st, login)
	if err != nil {
		return nil, nil, err
	}
	list, err := st.AuditEvents(ctx, acc.ID, limit)
	return acc, list, err
}

// auditCLI records an event made by a command on the server. It forgets
// nothing by age: the server's --audit-days is not known here, and the
// server prunes at its next event for the account.
func auditCLI(ctx context.Context, st AuditLog, now upshot.Clock, owner upshot.OwnerID, kind upshot.AuditKind, detail string) error {
	now = clockOf(st, now)
	return st.AddAuditEvent(ctx, &upshot.AuditEvent{Owner: owner, Kind: kind, Device: CLIDevice, Detail: detail, At: now()}, time.Time{})
}

// RecordExport records that the owner's records left the server as an
// export (what: "JSON", "CSV" or "report").
func RecordExport(ctx context.Context, st AuditLog, now upshot.Clock, owner upshot.OwnerID, what string) error {
	return auditCLI(ctx, st, now, owner, upshot.AuditExport, what)
}

// RecordBackup records a backup of the whole database in every account's
// log: it holds every account's records.
func RecordBackup(ctx context.Context, st AuditLog, now upshot.Clock) error {
	now = clockOf(st, now)
	_, err := st.AddAuditEventEveryone(ctx, upshot.AuditBackup, CLIDevice, now(), time.Time{})
	return err
}

// clockOf is now, else the store's clock (the one that stamps its rows),
// else the wall clock.
func clockOf(st any, now upshot.Clock) upshot.Clock {
	if now != nil {
		return now
	}
	if c, ok := st.(interface{ Clock() upshot.Clock }); ok {
		return c.Clock()
	}
	return time.Now
}

package upshot

import (
	"context"
	"time"
)

// The audit log (issue 13 item 7): what happened to an account's ways in,
// for the account's own eyes. It names the kind of event, when, and the
// device in a few words, and never a record, a note, an answer or a score:
// it is about access to the health data, never the data itself.

// AuditKind is the kind of an audit event.
type AuditKind string

const (
	AuditSignIn          AuditKind = "sign_in"          // signed in with a password
	AuditSignInFailed    AuditKind = "sign_in_failed"   // a wrong password for this account's name
	AuditPasskeySignIn   AuditKind = "passkey_sign_in"  // signed in with a passkey
	AuditSignOut         AuditKind = "sign_out"         // signed out from the browser
	AuditSessionEnded    AuditKind = "session_ended"    // one signed-in device ended from the account page
	AuditSessionsEnded   AuditKind = "sessions_ended"   // every other device ended from the account page
	AuditPasswordChanged AuditKind = "password_changed" // by the person, with the current password
	AuditPasswordSet     AuditKind = "password_set"     // by the administrator ('upshot user passwd')
	AuditPasswordRemoved AuditKind = "password_removed" // the account signs in with passkeys alone
	AuditTokenAdded      AuditKind = "token_added"
	AuditTokenRevoked    AuditKind = "token_revoked"
	AuditPasskeyAdded    AuditKind = "passkey_added"
	AuditPasskeyRemoved  AuditKind = "passkey_removed"
	AuditExport          AuditKind = "export"          // everything exported (web, API or CLI)
	AuditBackup          AuditKind = "backup"          // the whole database copied ('upshot backup')
	AuditAccountCreated  AuditKind = "account_created" // by the administrator or by signing up
	AuditDisabled        AuditKind = "disabled"        // by the administrator
	AuditEnabled         AuditKind = "enabled"         // by the administrator
)

// auditKinds are every kind with the words the account page shows.
var auditKinds = map[AuditKind]string{
	AuditSignIn:          "Signed in with the password",
	AuditSignInFailed:    "Failed sign-in: wrong password",
	AuditPasskeySignIn:   "Signed in with a passkey",
	AuditSignOut:         "Signed out",
	AuditSessionEnded:    "Signed a device out",
	AuditSessionsEnded:   "Signed out everywhere else",
	AuditPasswordChanged: "Changed the password",
	AuditPasswordSet:     "Password set by the administrator",
	AuditPasswordRemoved: "Removed the password (passkeys only)",
	AuditTokenAdded:      "Made an API token",
	AuditTokenRevoked:    "Revoked an API token",
	AuditPasskeyAdded:    "Added a passkey",
	AuditPasskeyRemoved:  "Removed a passkey",
	AuditExport:          "Exported everything",
	AuditBackup:          "Backup of the whole server taken",
	AuditAccountCreated:  "Account created",
	AuditDisabled:        "Account disabled by the administrator",
	AuditEnabled:         "Account enabled by the administrator",
}

// Valid reports whether k is a known kind.
func (k AuditKind) Valid() bool { _, ok := auditKinds[k]; return ok }

// Describe is the kind in words.
func (k AuditKind) Describe() string {
	if d, ok := auditKinds[k]; ok {
		return d
	}
	return string(k)
}

// AuditKinds lists every kind (for documentation and tests).
func AuditKinds() []AuditKind {
	out := make([]AuditKind, 0, len(auditKinds))
	for k := range auditKinds {
		out = append(out, k)
	}
	return out
}

// AuditEvent is one line of an account's audit log. Detail is a label the
// person gave (a token's or passkey's name), never health data.
type AuditEvent struct {
	ID     int64     `json:"id"`
	Owner  OwnerID   `json:"-"`
	Kind   AuditKind `json:"kind"`
	Device string    `json:"device"`
	Detail string    `json:"detail,omitempty"`
	At     time.Time `json:"at"`
}

// MaxAuditDetailLen bounds an event's detail.
const MaxAuditDetailLen = 64

// AuditService keeps the audit log. Every method names the owner but
// AddAuditEventEveryone, for an event that concerns every account (a
// backup of the whole database).
type AuditService interface {
	// AddAuditEvent appends e to its owner's log, and forgets that owner's
	// events older than keepSince and beyond the newest MaxAuditEvents.
	AddAuditEvent(ctx context.Context, e *AuditEvent, keepSince time.Time) error
	// AddAuditEventEveryone appends one event to every account's log.
	AddAuditEventEveryone(ctx context.Context, kind AuditKind, device string, at, keepSince time.Time) (int, error)
	// AuditEvents lists the owner's newest events first, at most limit.
	AuditEvents(ctx context.Context, owner OwnerID, limit int) ([]*AuditEvent, error)
}

// MaxAuditEvents bounds one account's log whatever the retention in days:
// failed sign-ins are throttled, but a log must not grow without end.
const MaxAuditEvents = 5000

package store

import (
	"context"
	"time"

	"github.com/upshot-app/upshot/internal/upshot"
)

var _ upshot.AuditService = (*DB)(nil)

// NotCarriedTables are the tables a backup, an export and an import leave
// out: the credentials and invitations (a backup never holds a way in),
// the audit log (a history of this server's doors, not a record; an import
// that wrote it would let anyone write an account's history), and the
// TransientTables.
var NotCarriedTables = append(append(append([]string{}, CredentialTables...), "audit_events", "invites"), TransientTables...)

// auditPruneEvery is how often (in events written) the count bound of an
// owner's log is enforced: counting on every write would make every sign-in
// pay for a scan of the owner's log.
const auditPruneEvery = 64

const auditColumns = `id, owner_id, kind, device, detail, at`

// AddAuditEvent appends e to its owner's log and forgets the owner's events
// older than keepSince; every auditPruneEvery events it also keeps only the
// newest upshot.MaxAuditEvents. Written with writeAll: the log is not a
// record, so it never moves the owner's revision.
func (db *DB) AddAuditEvent(ctx context.Context, e *upshot.AuditEvent, keepSince time.Time) error {
	if e.Owner <= 0 || !e.Kind.Valid() {
		return upshot.Invalid("kind", "an audit event needs an owner and a known kind, got %q", e.Kind)
	}
	e.Device = clip(e.Device, upshot.MaxDeviceLen)
	e.Detail = clip(e.Detail, upshot.MaxAuditDetailLen)
	return db.writeAll(ctx, func(t *tx) error {
		if err := t.queryRow(ctx, `INSERT INTO audit_events (owner_id, kind, device, detail, at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			int64(e.Owner), string(e.Kind), e.Device, e.Detail, formatTime(e.At)).Scan(&e.ID); err != nil {
			return err
		}
		if _, err := t.exec(ctx, `DELETE FROM audit_events WHERE owner_id = ? AND at < ?`, int64(e.Owner), formatTime(keepSince)); err != nil {
			return err
		}
		if e.ID%auditPruneEvery != 0 {
			return nil
		}
		_, err := t.exec(ctx, `DELETE FROM audit_events WHERE owner_id = ? AND id <= (
			SELECT id FROM audit_events WHERE owner_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`,
			int64(e.Owner), int64(e.Owner), upshot.MaxAuditEvents)
		return err
	})
}

// AddAuditEventEveryone appends one event to the log of every account with
// a login, and forgets events older than keepSince from all of them.
func (db *DB) AddAuditEventEveryone(ctx context.Context, kind upshot.AuditKind, device string, at, keepSince time.Time) (int, error) {
	if !kind.Valid() {
		return 0, upshot.Invalid("kind", "unknown audit event kind %q", kind)
	}
	var n int64
	err := db.writeAll(ctx, func(t *tx) error {
		res, err := t.exec(ctx, `INSERT INTO audit_events (owner_id, kind, device, detail, at)
			SELECT id, ?, ?, '', ? FROM users WHERE login IS NOT NULL`, string(kind), clip(device, upshot.MaxDeviceLen), formatTime(at))
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		_, err = t.exec(ctx, `DELETE FROM audit_events WHERE at < ?`, formatTime(keepSince))
		return err
	})
	return int(n), err
}

// AuditEvents lists the owner's events, newest first, at most limit.
func (db *DB) AuditEvents(ctx context.Context, owner upshot.OwnerID, limit int) ([]*upshot.AuditEvent, error) {
	if limit <= 0 || limit > upshot.MaxAuditEvents {
		limit = upshot.MaxAuditEvents
	}
	var out []*upshot.AuditEvent
	err := db.read(ctx, func(t *tx) error {
		out = nil
		rows, err := t.query(ctx, `SELECT `+auditColumns+` FROM audit_events WHERE owner_id = ? ORDER BY at DESC, id DESC LIMIT ?`, int64(owner), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				e    upshot.AuditEvent
				o    int64
				kind string
				at   string
			)
			if err := rows.Scan(&e.ID, &o, &kind, &e.Device, &e.Detail, &at); err != nil {
				return err
			}
			e.Owner, e.Kind = upshot.OwnerID(o), upshot.AuditKind(kind)
			if e.At, err = parseTime(at); err != nil {
				return err
			}
			out = append(out, &e)
		}
		return rows.Err()
	})
	return out, err
}

// clip cuts s to at most n bytes without splitting a UTF-8 character.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

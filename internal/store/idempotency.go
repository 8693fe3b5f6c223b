package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/upshot-app/upshot/internal/upshot"
)

var _ upshot.IdempotencyService = (*DB)(nil)

// TransientTables hold what a backup does not carry, beside the
// credentials: idempotency keys live 24 hours and protect retries against
// this database, not a restored one; tombstones tell a syncing client what
// was deleted since it last asked, and a restored database is another past
// that a client must read whole again (its records' updated_at and the
// tombstones would not cover what the client saw after the backup).
var TransientTables = []string{"idempotency_keys", "tombstones"}

// inFlightStale is how long a key may stay claimed by a request that was
// never answered: longer than any request may take (the server's write
// timeout is a minute).
const inFlightStale = 2 * time.Minute

// Idempotency keys are written with writeAll, like sign-ins: they are not
// records, and keeping one must not move the owner's revision (which would
// throw away their cached dashboard and lists). The record a POST creates
// moves it, in its own transaction.

// BeginIdempotent claims key for a request whose method, path and body hash
// to requestHash. A new key (or one older than ttl, which is dropped with
// the owner's other expired keys) is claimed and nil returned: the caller
// answers the request and then calls FinishIdempotent or
// AbandonIdempotent. A key already claimed returns its row: the stored
// answer when the first request was answered (Status > 0), or a row with
// Status 0 while it still is. The caller compares RequestHash.
func (db *DB) BeginIdempotent(ctx context.Context, owner upshot.OwnerID, key, requestHash string, ttl time.Duration) (*upshot.IdempotentAnswer, error) {
	now := db.now()
	var found *upshot.IdempotentAnswer
	err := db.writeAll(ctx, func(t *tx) error {
		found = nil
		if _, err := t.exec(ctx, `DELETE FROM idempotency_keys WHERE owner_id = ? AND created_at < ?`,
			int64(owner), formatTime(now.Add(-ttl))); err != nil {
			return err
		}
		var (
			a       upshot.IdempotentAnswer
			created string
		)
		err := t.queryRow(ctx, `SELECT request_hash, status, location, etag, body, created_at, record_kind, record_id FROM idempotency_keys
			WHERE owner_id = ? AND idem_key = ?`, int64(owner), key).Scan(&a.RequestHash, &a.Status, &a.Location, &a.ETag, &a.Body, &created, &a.RecordKind, &a.RecordID)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			_, err := t.exec(ctx, `INSERT INTO idempotency_keys (owner_id, idem_key, request_hash, status, location, body, created_at)
				VALUES (?, ?, ?, 0, '', '', ?)`, int64(owner), key, requestHash, formatTime(now))
			return err
		case err != nil:
			return err
		}
		if a.CreatedAt, err = parseTime(created); err != nil {
			return err
		}
		if a.Status == 0 && a.RecordID == 0 && a.CreatedAt.Before(now.Add(-inFlightStale)) {
			// The first request's server went away before it recorded
			// anything (a crash, a kill): claim the key again, or its
			// retries would be refused for a day. Had it recorded the
			// record, the key would name it (noteCreated, in the record's
			// own transaction), and the retry is answered from it instead.
			_, err := t.exec(ctx, `UPDATE idempotency_keys SET request_hash = ?, created_at = ? WHERE owner_id = ? AND idem_key = ?`,
				requestHash, formatTime(now), int64(owner), key)
			return err
		}
		found = &a
		return nil
	})
	if err != nil {
		return nil, err
	}
	return found, nil
}

// FinishIdempotent stores the answer to the request that claimed key: its
// Status, Location, ETag and Body.
func (db *DB) FinishIdempotent(ctx context.Context, owner upshot.OwnerID, key string, a upshot.IdempotentAnswer) error {
	err := db.writeAll(ctx, func(t *tx) error {
		_, err := t.exec(ctx, `UPDATE idempotency_keys SET status = ?, location = ?, etag = ?, body = ? WHERE owner_id = ? AND idem_key = ? AND status = 0`,
			a.Status, a.Location, a.ETag, a.Body, int64(owner), key)
		return err
	})
	return err
}

// AbandonIdempotent releases a key whose request was refused or failed, so
// that a retry with it is answered afresh. A key that names the record its
// request created is kept: the request failed after the record was
// committed (building the answer), and a retry must not record it again.
func (db *DB) AbandonIdempotent(ctx context.Context, owner upshot.OwnerID, key string) error {
	err := db.writeAll(ctx, func(t *tx) error {
		_, err := t.exec(ctx, `DELETE FROM idempotency_keys WHERE owner_id = ? AND idem_key = ? AND status = 0 AND record_id = 0`, int64(owner), key)
		return err
	})
	return err
}

// noteCreated notes, in the transaction that creates a record, that the
// request holding ctx's Idempotency-Key (upshot.WithIdempotencyKey)
// created it: kind (an upshot.Kind* constant) and id. The record and the
// note are committed together or not at all. Without a key it does
// nothing; a key that already names a record keeps the first.
func noteCreated(ctx context.Context, t *tx, owner upshot.OwnerID, kind string, id int64) error {
	key := upshot.IdempotencyKey(ctx)
	if key == "" {
		return nil
	}
	_, err := t.exec(ctx, `UPDATE idempotency_keys SET record_kind = ?, record_id = ?
		WHERE owner_id = ? AND idem_key = ? AND status = 0 AND record_id = 0`, kind, id, int64(owner), key)
	return err
}

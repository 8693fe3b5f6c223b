package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/upshot-app/upshot/internal/upshot"
)

var _ upshot.CalendarFeedService = (*DB)(nil)

// SetCalendarFeed gives the owner a calendar feed with this token hash,
// replacing any earlier one (whose address then stops working).
func (db *DB) SetCalendarFeed(ctx context.Context, owner upshot.OwnerID, tokenHash string) error {
	return db.write(ctx, owner, func(t *tx) error {
		if _, err := t.exec(ctx, `DELETE FROM calendar_feeds WHERE owner_id = ?`, int64(owner)); err != nil {
			return err
		}
		_, err := t.exec(ctx, `INSERT INTO calendar_feeds (owner_id, token_hash, created_at) VALUES (?, ?, ?)`,
			int64(owner), tokenHash, formatTime(db.now()))
		return err
	})
}

// DeleteCalendarFeed ends the owner's feed; it reports whether there was one.
func (db *DB) DeleteCalendarFeed(ctx context.Context, owner upshot.OwnerID) (bool, error) {
	var gone bool
	err := db.write(ctx, owner, func(t *tx) error {
		res, err := t.exec(ctx, `DELETE FROM calendar_feeds WHERE owner_id = ?`, int64(owner))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		gone = n > 0
		return err
	})
	return gone, err
}

// CalendarFeedSince says when the owner's feed address was made, or nil
// when they have none.
func (db *DB) CalendarFeedSince(ctx context.Context, owner upshot.OwnerID) (*time.Time, error) {
	var since *time.Time
	err := db.read(ctx, func(t *tx) error {
		var created string
		err := t.queryRow(ctx, `SELECT created_at FROM calendar_feeds WHERE owner_id = ?`, int64(owner)).Scan(&created)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		at, err := parseTime(created)
		since = &at
		return err
	})
	return since, err
}

// CalendarFeedOwner finds whose feed a token hash opens: ENOTFOUND for none,
// and for a disabled account, whose reminders stop with it.
func (db *DB) CalendarFeedOwner(ctx context.Context, tokenHash string) (upshot.OwnerID, error) {
	var owner int64
	err := db.read(ctx, func(t *tx) error {
		return t.queryRow(ctx, `SELECT f.owner_id FROM calendar_feeds f JOIN users u ON u.id = f.owner_id
			WHERE f.token_hash = ? AND u.disabled_at IS NULL`, tokenHash).Scan(&owner)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return 0, upshot.Errorf(upshot.ENOTFOUND, "token", "no calendar feed at this address")
	}
	return upshot.OwnerID(owner), err
}

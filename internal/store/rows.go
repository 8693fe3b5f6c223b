package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/upshot-app/upshot/internal/upshot"
)

// Helpers shared by the record kinds. Table names come from constants in this
// package, never from input, so formatting them into queries is safe; every
// query filters by owner_id.

func exists(ctx context.Context, t *tx, table string, owner upshot.OwnerID, id int64) (bool, error) {
	var one int
	err := t.queryRow(ctx, `SELECT 1 FROM `+table+` WHERE owner_id = ? AND id = ?`, int64(owner), id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// updateRow applies set (a "col = ?, ..." list with its args) to one record if
// its stored version still equals version, bumping the version. It returns the
// record's created_at, which an update keeps.
func updateRow(ctx context.Context, t *tx, kind, table string, owner upshot.OwnerID, id int64, version int,
	now time.Time, set string, args ...any) (time.Time, error) {
	args = append(args, formatTime(now), int64(owner), id, int64(version))
	var created string
	err := t.queryRow(ctx, `UPDATE `+table+` SET `+set+`, version = version + 1, updated_at = ?
		WHERE owner_id = ? AND id = ? AND version = ? RETURNING created_at`, args...).Scan(&created)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, staleOrMissing(ctx, t, kind, table, owner, id, version)
	}
	if err != nil {
		return time.Time{}, err
	}
	return parseTime(created)
}

// staleOrMissing explains why a versioned UPDATE touched no row.
func staleOrMissing(ctx context.Context, t *tx, kind, table string, owner upshot.OwnerID, id int64, version int) error {
	var stored int
	err := t.queryRow(ctx, `SELECT version FROM `+table+` WHERE owner_id = ? AND id = ?`, int64(owner), id).Scan(&stored)
	if errors.Is(err, sql.ErrNoRows) {
		return upshot.NotFound(kind, id)
	}
	if err != nil {
		return err
	}
	return upshot.Errorf(upshot.ECONFLICT, "version",
		"%s %d changed since you read it (it is at version %d, your copy is version %d); read it again and redo your change",
		kind, id, stored, version)
}

func deleteRow(ctx context.Context, t *tx, kind, table string, owner upshot.OwnerID, id int64) error {
	query, args := `DELETE FROM `+table+` WHERE owner_id = ? AND id = ?`, []any{int64(owner), id}
	version := upshot.ExpectedVersion(ctx)
	if version > 0 {
		query, args = query+` AND version = ?`, append(args, int64(version))
	}
	res, err := t.exec(ctx, query, args...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		if version > 0 {
			return staleOrMissing(ctx, t, kind, table, owner, id, version)
		}
		return upshot.NotFound(kind, id)
	}
	return bury(ctx, t, owner, kind, id, t.db.now())
}

func count(ctx context.Context, t *tx, query string, args ...any) (int, error) {
	var n int
	err := t.queryRow(ctx, query, args...).Scan(&n)
	return n, err
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

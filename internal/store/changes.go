package store

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/upshot-app/upshot/internal/upshot"
)

var _ upshot.ChangeService = (*DB)(nil)

// tombstoneKinds maps the store's kind of record (deleteRow's) to the kind
// a tombstone names.
var tombstoneKinds = map[string]string{
	"therapist": upshot.KindTherapist, "goal": upshot.KindGoal, "session": upshot.KindSession,
	"check-in": upshot.KindCheckIn, "agenda item": upshot.KindAgendaItem,
}

// bury records the deletion of a record in the deleting transaction, and
// drops the owner's tombstones older than their tombstone_days: deletions
// are rare, so this keeps the table small without a timer.
func bury(ctx context.Context, t *tx, owner upshot.OwnerID, kind string, id int64, now time.Time) error {
	k, ok := tombstoneKinds[kind]
	if !ok {
		return nil
	}
	settings, err := listSettings(ctx, t, owner)
	if err != nil {
		return err
	}
	keep := time.Duration(settings.Int(upshot.SettingTombstoneDays)) * 24 * time.Hour
	if _, err := t.exec(ctx, `DELETE FROM tombstones WHERE owner_id = ? AND deleted_at < ?`, int64(owner), formatTime(now.Add(-keep))); err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO tombstones (owner_id, kind, record_id, deleted_at) VALUES (?, ?, ?, ?)`,
		int64(owner), k, id, formatTime(now))
	return err
}

// changedIDs is the condition (on column col, the id of table) that picks
// the page q asks for: the ids changed after q.Since and after the cursor,
// in the order of change, at most q.Limit. A subquery, so that a session's
// goals and agenda marks are read for the page alone.
func changedIDs(col, table string, owner upshot.OwnerID, q upshot.ChangeQuery) (string, []any) {
	after := formatTime(q.AfterAt)
	cond := `AND ` + col + ` IN (SELECT id FROM ` + table + ` WHERE owner_id = ? AND updated_at > ?
		AND (updated_at > ? OR (updated_at = ? AND id > ?)) ORDER BY updated_at, id`
	args := []any{int64(owner), formatTime(q.Since), after, after, q.AfterID}
	if q.Limit > 0 {
		cond += ` LIMIT ?`
		args = append(args, q.Limit)
	}
	return cond + `)`, args
}

// byChange puts a page in the order of change, as the cursor reads it.
func byChange[T any](list []T, meta func(T) (time.Time, int64)) []T {
	slices.SortFunc(list, func(a, b T) int {
		ta, ia := meta(a)
		tb, ib := meta(b)
		return cmp.Or(ta.Compare(tb), cmp.Compare(ia, ib))
	})
	return list
}

func (db *DB) TherapistChanges(ctx context.Context, owner upshot.OwnerID, q upshot.ChangeQuery) ([]*upshot.Therapist, error) {
	var list []*upshot.Therapist
	err := db.read(ctx, func(t *tx) (err error) {
		cond, args := changedIDs("id", "therapists", owner, q)
		list, err = listTherapists(ctx, t, owner, cond, args...)
		return err
	})
	return byChange(list, func(r *upshot.Therapist) (time.Time, int64) { return r.UpdatedAt, r.ID }), err
}

func (db *DB) GoalChanges(ctx context.Context, owner upshot.OwnerID, q upshot.ChangeQuery) ([]*upshot.Goal, error) {
	var list []*upshot.Goal
	err := db.read(ctx, func(t *tx) (err error) {
		cond, args := changedIDs("id", "goals", owner, q)
		list, err = listGoals(ctx, t, owner, cond, args...)
		return err
	})
	return byChange(list, func(r *upshot.Goal) (time.Time, int64) { return r.UpdatedAt, r.ID }), err
}

func (db *DB) SessionChanges(ctx context.Context, owner upshot.OwnerID, q upshot.ChangeQuery) ([]*upshot.Session, error) {
	var list []*upshot.Session
	err := db.read(ctx, func(t *tx) (err error) {
		// The page's ids first, by the index on time of change; then the
		// sessions, their goals and agenda marks by those ids alone (a
		// subquery in each of the three would be planned three times).
		cond, args := changedIDs("id", "sessions", owner, q)
		rows, err := t.query(ctx, `SELECT id FROM sessions WHERE owner_id = ? `+cond, append([]any{int64(owner)}, args...)...)
		if err != nil {
			return err
		}
		var ids []string
		var idArgs []any
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids, idArgs = append(ids, "?"), append(idArgs, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(ids) == 0 {
			list = []*upshot.Session{}
			return nil
		}
		list, err = listSessions(ctx, t, owner, sessionSelect, `AND s.id IN (`+strings.Join(ids, ", ")+`)`, "s.updated_at, s.id", idArgs...)
		return err
	})
	return list, err
}

func (db *DB) CheckInChanges(ctx context.Context, owner upshot.OwnerID, q upshot.ChangeQuery) ([]*upshot.CheckIn, error) {
	var list []*upshot.CheckIn
	err := db.read(ctx, func(t *tx) (err error) {
		cond, args := changedIDs("id", "checkins", owner, q)
		list, err = listCheckIns(ctx, t, owner, cond, "updated_at, id", args...)
		return err
	})
	return list, err
}

func (db *DB) AgendaItemChanges(ctx context.Context, owner upshot.OwnerID, q upshot.ChangeQuery) ([]*upshot.AgendaItem, error) {
	var list []*upshot.AgendaItem
	err := db.read(ctx, func(t *tx) (err error) {
		cond, args := changedIDs("id", "agenda_items", owner, q)
		list, err = listAgendaItems(ctx, t, owner, cond, args...)
		return err
	})
	return byChange(list, func(r *upshot.AgendaItem) (time.Time, int64) { return r.UpdatedAt, r.ID }), err
}

func (db *DB) Tombstones(ctx context.Context, owner upshot.OwnerID, kind string, q upshot.ChangeQuery) ([]upshot.Tombstone, error) {
	var list []upshot.Tombstone
	err := db.read(ctx, func(t *tx) error {
		list = []upshot.Tombstone{}
		after := formatTime(q.AfterAt)
		query := `SELECT kind, record_id, deleted_at FROM tombstones WHERE owner_id = ? AND deleted_at > ?
			AND (deleted_at > ? OR (deleted_at = ? AND (kind > ? OR (kind = ? AND record_id > ?))))`
		args := []any{int64(owner), formatTime(q.Since), after, after, q.AfterKind, q.AfterKind, q.AfterID}
		if kind != "" {
			query += ` AND kind = ?`
			args = append(args, kind)
		}
		query += ` ORDER BY deleted_at, kind, record_id`
		if q.Limit > 0 {
			query += ` LIMIT ?`
			args = append(args, q.Limit)
		}
		rows, err := t.query(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				ts upshot.Tombstone
				at string
			)
			if err := rows.Scan(&ts.Kind, &ts.ID, &at); err != nil {
				return err
			}
			if ts.DeletedAt, err = parseTime(at); err != nil {
				return err
			}
			list = append(list, ts)
		}
		return rows.Err()
	})
	return list, err
}

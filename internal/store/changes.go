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

// changedAfter is the condition (on the columns of alias p, "" or "s.")
// that starts a page of q in the order of change (updated_at, then id) and
// the ORDER BY and LIMIT that end it (the limit the last of args): a range on the index on (owner_id,
// updated_at, id) of every table that pages, so a page reads its own rows
// and no others, wherever it starts. After the cursor when the cursor is
// later than q.Since (changed after the cursor's record then implies changed
// after q.Since), otherwise changed after q.Since (which implies after the
// cursor).
func changedAfter(p string, q upshot.ChangeQuery) (cond string, args []any, order string) {
	if q.AfterAt.After(q.Since) {
		cond, args = `AND (`+p+`updated_at, `+p+`id) > (?, ?)`, []any{formatTime(q.AfterAt), q.AfterID}
	} else {
		cond, args = `AND `+p+`updated_at > ?`, []any{formatTime(q.Since)}
	}
	order = p + `updated_at, ` + p + `id`
	if q.Limit > 0 {
		order, args = order+` LIMIT ?`, append(args, q.Limit)
	}
	return cond, args, order
}

// changedIDs is the condition (on column col, the id of table) that picks
// the page q asks for, for the lists read in an order of their own: their
// ids by changedAfter in a subquery, then the rows by primary key.
func changedIDs(col, table string, q upshot.ChangeQuery) (string, []any) {
	cond, args, order := changedAfter("", q)
	return `AND ` + col + ` IN (SELECT id FROM ` + table + ` WHERE owner_id = ? ` + cond + ` ORDER BY ` + order + `)`, args
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
		cond, args := changedIDs("id", "therapists", q)
		list, err = listTherapists(ctx, t, owner, cond, append([]any{int64(owner)}, args...)...)
		return err
	})
	return byChange(list, func(r *upshot.Therapist) (time.Time, int64) { return r.UpdatedAt, r.ID }), err
}

func (db *DB) GoalChanges(ctx context.Context, owner upshot.OwnerID, q upshot.ChangeQuery) ([]*upshot.Goal, error) {
	var list []*upshot.Goal
	err := db.read(ctx, func(t *tx) (err error) {
		cond, args := changedIDs("id", "goals", q)
		list, err = listGoals(ctx, t, owner, cond, append([]any{int64(owner)}, args...)...)
		return err
	})
	return byChange(list, func(r *upshot.Goal) (time.Time, int64) { return r.UpdatedAt, r.ID }), err
}

func (db *DB) SessionChanges(ctx context.Context, owner upshot.OwnerID, q upshot.ChangeQuery) ([]*upshot.Session, error) {
	var list []*upshot.Session
	err := db.read(ctx, func(t *tx) error {
		// The page's sessions by the index on time of change, then their
		// goals and agenda marks by the page's ids alone.
		cond, args, order := changedAfter("s.", q)
		page, byID, err := querySessions(ctx, t, owner, sessionSelect, cond, order, args...)
		list = page
		if err != nil || len(list) == 0 {
			return err
		}
		return sessionPartsByID(ctx, t, owner, byID)
	})
	return list, err
}

// placeholders is n query parameters, separated by commas.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func (db *DB) CheckInChanges(ctx context.Context, owner upshot.OwnerID, q upshot.ChangeQuery) ([]*upshot.CheckIn, error) {
	var list []*upshot.CheckIn
	err := db.read(ctx, func(t *tx) (err error) {
		cond, args, order := changedAfter("", q)
		list, err = listCheckIns(ctx, t, owner, cond, order, args...)
		return err
	})
	return list, err
}

func (db *DB) AgendaItemChanges(ctx context.Context, owner upshot.OwnerID, q upshot.ChangeQuery) ([]*upshot.AgendaItem, error) {
	var list []*upshot.AgendaItem
	err := db.read(ctx, func(t *tx) (err error) {
		cond, args := changedIDs("id", "agenda_items", q)
		list, err = listAgendaItems(ctx, t, owner, cond, append([]any{int64(owner)}, args...)...)
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

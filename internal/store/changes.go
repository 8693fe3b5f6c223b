package store

import (
	"cmp"
	"context"
	"database/sql"
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
		// goals and agenda marks by the page's ids alone (the same range of
		// the index again, joined to their primary keys).
		cond, args, order := changedAfter("s.", q)
		page, byID, err := querySessions(ctx, t, owner, sessionSelect, cond, order, args...)
		list = page
		if err != nil || len(list) == 0 {
			return err
		}
		return sessionPartsOfPage(ctx, t, owner, byID, cond, order, args...)
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

// CheckInChangesScorable is CheckInChanges with what scoring the page takes,
// read in the same transaction: the check-ins each of the page's is compared
// with (the first of its instrument and the one just before it, by date and
// then id) that are not on the page, and the owner's stored definitions. The
// earlier check-ins are found by the index on (owner_id, instrument, date,
// id), two index searches for each of the page's, so a page costs what its
// check-ins cost however long the history.
func (db *DB) CheckInChangesScorable(ctx context.Context, owner upshot.OwnerID, q upshot.ChangeQuery) (page, earlier []*upshot.CheckIn, defs []upshot.Definition, err error) {
	err = db.read(ctx, func(t *tx) (err error) {
		// The page by the index on time of change, and beside each of its
		// check-ins the ids of the two it is compared with.
		cond, args, order := changedAfter("c.", q)
		rows, err := t.query(ctx, `SELECT `+checkInSelect+`,
			(SELECT f.id FROM checkins f WHERE f.owner_id = ? AND f.instrument = c.instrument
				ORDER BY f.date, f.id LIMIT 1),
			(SELECT p.id FROM checkins p WHERE p.owner_id = ? AND p.instrument = c.instrument AND (p.date, p.id) < (c.date, c.id)
				ORDER BY p.date DESC, p.id DESC LIMIT 1)
			FROM checkins c WHERE c.owner_id = ? `+cond+` ORDER BY `+order, append([]any{int64(owner), int64(owner), int64(owner)}, args...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		var compared []sql.NullInt64
		page = []*upshot.CheckIn{}
		for rows.Next() {
			var first, prev sql.NullInt64
			c, err := scanCheckIn(rows, &first, &prev)
			if err != nil {
				return err
			}
			page, compared = append(page, c), append(compared, first, prev)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		onPage := make(map[int64]bool, len(page))
		for _, c := range page {
			onPage[c.ID] = true
		}
		var need []any
		for _, id := range compared {
			if id.Valid && !onPage[id.Int64] {
				onPage[id.Int64] = true
				need = append(need, id.Int64)
			}
		}
		earlier = []*upshot.CheckIn{}
		if len(need) > 0 {
			if earlier, err = listCheckIns(ctx, t, owner, `AND id IN (`+placeholders(len(need))+`)`, "id", need...); err != nil {
				return err
			}
		}
		defs, err = listDefinitions(ctx, t, owner)
		return err
	})
	if page == nil {
		page = []*upshot.CheckIn{}
	}
	return page, earlier, defs, err
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

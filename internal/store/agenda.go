package store

import (
	"context"
	"database/sql"

	"github.com/upshot-app/upshot/internal/upshot"
)

var _ upshot.AgendaService = (*DB)(nil)

const agendaColumns = `id, text, source, status, opened, closed, version, created_at, updated_at`

func (db *DB) CreateAgendaItem(ctx context.Context, owner upshot.OwnerID, a *upshot.AgendaItem) error {
	if err := a.Validate(db.today()); err != nil {
		return err
	}
	m := newMeta(db.now())
	var id int64
	err := db.write(ctx, owner, func(t *tx) (err error) {
		if id, err = nextID(ctx, t, owner, kindAgenda); err != nil {
			return err
		}
		if err := insertAgendaItem(ctx, t, owner, id, a, m); err != nil {
			return err
		}
		return noteCreated(ctx, t, owner, upshot.KindAgendaItem, id)
	})
	if err != nil {
		return err
	}
	a.ID, a.Meta = id, m
	return nil
}

func insertAgendaItem(ctx context.Context, t *tx, owner upshot.OwnerID, id int64, a *upshot.AgendaItem, m upshot.Meta) error {
	args := []any{int64(owner), id, a.Text, a.Source, a.Status, a.Opened.String(), nullDate(a.Closed)}
	_, err := t.exec(ctx, `INSERT INTO agenda_items (owner_id, `+agendaColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, append(args, metaArgs(m)...)...)
	return err
}

func (db *DB) FindAgendaItem(ctx context.Context, owner upshot.OwnerID, id int64) (*upshot.AgendaItem, error) {
	var a *upshot.AgendaItem
	err := db.read(ctx, func(t *tx) error {
		list, err := listAgendaItems(ctx, t, owner, `AND id = ?`, id)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return upshot.NotFound("agenda item", id)
		}
		a = list[0]
		return nil
	})
	return a, err
}

func (db *DB) ListAgendaItems(ctx context.Context, owner upshot.OwnerID) ([]*upshot.AgendaItem, error) {
	var list []*upshot.AgendaItem
	err := db.read(ctx, func(t *tx) (err error) {
		list, err = listAgendaItems(ctx, t, owner, "")
		return err
	})
	return list, err
}

func listAgendaItems(ctx context.Context, t *tx, owner upshot.OwnerID, cond string, args ...any) ([]*upshot.AgendaItem, error) {
	rows, err := t.query(ctx, `SELECT `+agendaColumns+` FROM agenda_items WHERE owner_id = ? `+cond+` ORDER BY id`,
		append([]any{int64(owner)}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []*upshot.AgendaItem{}
	for rows.Next() {
		var (
			a              upshot.AgendaItem
			opened, closed sql.NullString
			m              meta
		)
		if err := rows.Scan(append([]any{&a.ID, &a.Text, &a.Source, &a.Status, &opened, &closed}, m.dest()...)...); err != nil {
			return nil, err
		}
		if a.Opened, err = scanDate(opened); err != nil {
			return nil, err
		}
		if a.Closed, err = scanDate(closed); err != nil {
			return nil, err
		}
		if a.Meta, err = m.get(); err != nil {
			return nil, err
		}
		list = append(list, &a)
	}
	return list, rows.Err()
}

func (db *DB) UpdateAgendaItem(ctx context.Context, owner upshot.OwnerID, a *upshot.AgendaItem) error {
	if err := a.Validate(db.today()); err != nil {
		return err
	}
	now := db.now()
	created := a.CreatedAt
	err := db.write(ctx, owner, func(t *tx) (err error) {
		created, err = updateRow(ctx, t, "agenda item", "agenda_items", owner, a.ID, a.Version, now,
			`text = ?, source = ?, status = ?, opened = ?, closed = ?`,
			a.Text, a.Source, a.Status, a.Opened.String(), nullDate(a.Closed))
		return err
	})
	if err != nil {
		return err
	}
	a.Version, a.CreatedAt, a.UpdatedAt = a.Version+1, created, now
	return nil
}

func (db *DB) DeleteAgendaItem(ctx context.Context, owner upshot.OwnerID, id int64) error {
	return db.write(ctx, owner, func(t *tx) error {
		n, err := count(ctx, t, `SELECT COUNT(*) FROM session_agenda WHERE owner_id = ? AND item_id = ?`, int64(owner), id)
		if err != nil {
			return err
		}
		if n > 0 {
			return upshot.Errorf(upshot.ECONFLICT, "agenda item",
				"agenda item %d has a history in %d %s; drop it instead, so that its history is kept",
				id, n, plural(n, "session", "sessions"))
		}
		return deleteRow(ctx, t, "agenda item", "agenda_items", owner, id)
	})
}

func insertSessionAgenda(ctx context.Context, t *tx, owner upshot.OwnerID, id int64, marks []upshot.AgendaMark) error {
	for _, m := range marks {
		if _, err := t.exec(ctx, `INSERT INTO session_agenda (owner_id, session_id, item_id, mark) VALUES (?, ?, ?, ?)`,
			int64(owner), id, m.ItemID, m.Mark); err != nil {
			return err
		}
	}
	return nil
}

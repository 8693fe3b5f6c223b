package store

import (
	"context"
	"database/sql"

	"github.com/upshot-app/upshot/internal/upshot"
)

const goalColumns = `id, title, domain, severity, solved_when, status, opened, closed, version, created_at, updated_at`

func (db *DB) CreateGoal(ctx context.Context, owner upshot.OwnerID, g *upshot.Goal) error {
	if err := g.Validate(db.today()); err != nil {
		return err
	}
	m := newMeta(db.now())
	var id int64
	err := db.write(ctx, owner, func(t *tx) (err error) {
		if id, err = nextID(ctx, t, owner, kindGoal); err != nil {
			return err
		}
		if err := insertGoal(ctx, t, owner, id, g, m); err != nil {
			return err
		}
		return noteCreated(ctx, t, owner, upshot.KindGoal, id)
	})
	if err != nil {
		return err
	}
	g.ID, g.Meta = id, m
	return nil
}

func insertGoal(ctx context.Context, t *tx, owner upshot.OwnerID, id int64, g *upshot.Goal, m upshot.Meta) error {
	args := []any{int64(owner), id, g.Title, g.Domain, nullInt(g.Severity), g.SolvedWhen, g.Status,
		g.Opened.String(), nullDate(g.Closed)}
	_, err := t.exec(ctx, `INSERT INTO goals (owner_id, `+goalColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, append(args, metaArgs(m)...)...)
	return err
}

func (db *DB) FindGoal(ctx context.Context, owner upshot.OwnerID, id int64) (*upshot.Goal, error) {
	var g *upshot.Goal
	err := db.read(ctx, func(t *tx) error {
		list, err := listGoals(ctx, t, owner, `AND id = ?`, id)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return upshot.NotFound("goal", id)
		}
		g = list[0]
		return nil
	})
	return g, err
}

func (db *DB) ListGoals(ctx context.Context, owner upshot.OwnerID) ([]*upshot.Goal, error) {
	var list []*upshot.Goal
	err := db.read(ctx, func(t *tx) (err error) {
		list, err = listGoals(ctx, t, owner, "")
		return err
	})
	return list, err
}

func listGoals(ctx context.Context, t *tx, owner upshot.OwnerID, cond string, args ...any) ([]*upshot.Goal, error) {
	rows, err := t.query(ctx, `SELECT `+goalColumns+` FROM goals WHERE owner_id = ? `+cond+` ORDER BY id`,
		append([]any{int64(owner)}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []*upshot.Goal{}
	for rows.Next() {
		var (
			g              upshot.Goal
			severity       sql.NullInt64
			opened, closed sql.NullString
			m              meta
		)
		dest := append([]any{&g.ID, &g.Title, &g.Domain, &severity, &g.SolvedWhen, &g.Status, &opened, &closed}, m.dest()...)
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		g.Severity = intPtr(severity)
		if g.Opened, err = scanDate(opened); err != nil {
			return nil, err
		}
		if g.Closed, err = scanDate(closed); err != nil {
			return nil, err
		}
		if g.Meta, err = m.get(); err != nil {
			return nil, err
		}
		list = append(list, &g)
	}
	return list, rows.Err()
}

func (db *DB) UpdateGoal(ctx context.Context, owner upshot.OwnerID, g *upshot.Goal) error {
	if err := g.Validate(db.today()); err != nil {
		return err
	}
	now := db.now()
	created := g.CreatedAt
	err := db.write(ctx, owner, func(t *tx) (err error) {
		created, err = updateRow(ctx, t, "goal", "goals", owner, g.ID, g.Version, now,
			`title = ?, domain = ?, severity = ?, solved_when = ?, status = ?, opened = ?, closed = ?`,
			g.Title, g.Domain, nullInt(g.Severity), g.SolvedWhen, g.Status, g.Opened.String(), nullDate(g.Closed))
		return err
	})
	if err != nil {
		return err
	}
	g.Version, g.CreatedAt, g.UpdatedAt = g.Version+1, created, now
	return nil
}

func (db *DB) DeleteGoal(ctx context.Context, owner upshot.OwnerID, id int64) error {
	return db.write(ctx, owner, func(t *tx) error {
		n, err := count(ctx, t, `SELECT COUNT(*) FROM session_goals WHERE owner_id = ? AND goal_id = ?`, int64(owner), id)
		if err != nil {
			return err
		}
		if n > 0 {
			return upshot.Errorf(upshot.ECONFLICT, "goal",
				"goal %d is addressed by %d %s; remove it from %s first (or close the goal as solved or dropped instead)",
				id, n, plural(n, "session", "sessions"), plural(n, "that session", "those sessions"))
		}
		return deleteRow(ctx, t, "goal", "goals", owner, id)
	})
}

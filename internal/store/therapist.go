package store

import (
	"context"
	"database/sql"

	"github.com/upshot-app/upshot/internal/upshot"
)

const therapistColumns = `id, name, credentials, approach, fee, currency, started, ended, version, created_at, updated_at`

func (db *DB) CreateTherapist(ctx context.Context, owner upshot.OwnerID, th *upshot.Therapist) error {
	if err := th.Validate(db.today()); err != nil {
		return err
	}
	m := newMeta(db.now())
	var id int64
	err := db.write(ctx, owner, func(t *tx) (err error) {
		if id, err = nextID(ctx, t, owner, kindTherapist); err != nil {
			return err
		}
		if err := insertTherapist(ctx, t, owner, id, th, m); err != nil {
			return err
		}
		return noteCreated(ctx, t, owner, upshot.KindTherapist, id)
	})
	if err != nil {
		return err
	}
	th.ID, th.Meta = id, m
	return nil
}

func insertTherapist(ctx context.Context, t *tx, owner upshot.OwnerID, id int64, th *upshot.Therapist, m upshot.Meta) error {
	args := []any{int64(owner), id, th.Name, th.Credentials, th.Approach, nullMoney(th.Fee), th.Currency,
		nullDate(th.Started), nullDate(th.Ended)}
	_, err := t.exec(ctx, `INSERT INTO therapists (owner_id, `+therapistColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, append(args, metaArgs(m)...)...)
	return err
}

func (db *DB) FindTherapist(ctx context.Context, owner upshot.OwnerID, id int64) (*upshot.Therapist, error) {
	var th *upshot.Therapist
	err := db.read(ctx, func(t *tx) error {
		list, err := listTherapists(ctx, t, owner, `AND id = ?`, id)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return upshot.NotFound("therapist", id)
		}
		th = list[0]
		return nil
	})
	return th, err
}

func (db *DB) ListTherapists(ctx context.Context, owner upshot.OwnerID) ([]*upshot.Therapist, error) {
	var list []*upshot.Therapist
	err := db.read(ctx, func(t *tx) (err error) {
		list, err = listTherapists(ctx, t, owner, "")
		return err
	})
	return list, err
}

// listTherapists returns the owner's therapists matching an extra condition, by id.
func listTherapists(ctx context.Context, t *tx, owner upshot.OwnerID, cond string, args ...any) ([]*upshot.Therapist, error) {
	rows, err := t.query(ctx, `SELECT `+therapistColumns+` FROM therapists WHERE owner_id = ? `+cond+` ORDER BY id`,
		append([]any{int64(owner)}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []*upshot.Therapist{}
	for rows.Next() {
		var (
			th             upshot.Therapist
			fee            sql.NullInt64
			started, ended sql.NullString
			m              meta
		)
		dest := append([]any{&th.ID, &th.Name, &th.Credentials, &th.Approach, &fee, &th.Currency, &started, &ended}, m.dest()...)
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		th.Fee = moneyPtr(fee)
		if th.Started, err = scanDate(started); err != nil {
			return nil, err
		}
		if th.Ended, err = scanDate(ended); err != nil {
			return nil, err
		}
		if th.Meta, err = m.get(); err != nil {
			return nil, err
		}
		list = append(list, &th)
	}
	return list, rows.Err()
}

func (db *DB) UpdateTherapist(ctx context.Context, owner upshot.OwnerID, th *upshot.Therapist) error {
	if err := th.Validate(db.today()); err != nil {
		return err
	}
	now := db.now()
	created := th.CreatedAt
	err := db.write(ctx, owner, func(t *tx) (err error) {
		created, err = updateRow(ctx, t, "therapist", "therapists", owner, th.ID, th.Version, now,
			`name = ?, credentials = ?, approach = ?, fee = ?, currency = ?, started = ?, ended = ?`,
			th.Name, th.Credentials, th.Approach, nullMoney(th.Fee), th.Currency, nullDate(th.Started), nullDate(th.Ended))
		return err
	})
	if err != nil {
		return err
	}
	th.Version, th.CreatedAt, th.UpdatedAt = th.Version+1, created, now
	return nil
}

func (db *DB) DeleteTherapist(ctx context.Context, owner upshot.OwnerID, id int64) error {
	return db.write(ctx, owner, func(t *tx) error {
		n, err := count(ctx, t, `SELECT COUNT(*) FROM sessions WHERE owner_id = ? AND therapist_id = ?`, int64(owner), id)
		if err != nil {
			return err
		}
		if n > 0 {
			return upshot.Errorf(upshot.ECONFLICT, "therapist",
				"therapist %d has %d %s; delete %s first (or record an end date instead)", id, n,
				plural(n, "session", "sessions"), plural(n, "that session", "those sessions"))
		}
		return deleteRow(ctx, t, "therapist", "therapists", owner, id)
	})
}

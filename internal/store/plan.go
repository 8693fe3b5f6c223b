package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/upshot-app/upshot/internal/upshot"
)

const planColumns = `warning_signs, coping_steps, people_places, ask_for_help, professionals, safer_surroundings, reasons_to_live, version, created_at, updated_at`

// SafetyPlan returns the owner's plan, or an empty one at version 0.
func (db *DB) SafetyPlan(ctx context.Context, owner upshot.OwnerID) (*upshot.SafetyPlan, error) {
	var p *upshot.SafetyPlan
	err := db.read(ctx, func(t *tx) (err error) {
		p, err = readPlan(ctx, t, owner)
		return err
	})
	if err != nil {
		return nil, err
	}
	if p == nil {
		p = &upshot.SafetyPlan{}
		p.Normalize()
	}
	return p, nil
}

// readPlan returns nil when the owner has no plan.
func readPlan(ctx context.Context, t *tx, owner upshot.OwnerID) (*upshot.SafetyPlan, error) {
	var (
		p     upshot.SafetyPlan
		lists [7]string
		m     meta
	)
	dest := make([]any, 0, len(lists)+3)
	for i := range lists {
		dest = append(dest, &lists[i])
	}
	err := t.queryRow(ctx, `SELECT `+planColumns+` FROM safety_plans WHERE owner_id = ?`, int64(owner)).Scan(append(dest, m.dest()...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	for i, s := range upshot.PlanSections {
		if err := json.Unmarshal([]byte(lists[i]), s.Items(&p)); err != nil {
			return nil, err
		}
	}
	p.Normalize()
	if p.Meta, err = m.get(); err != nil {
		return nil, err
	}
	return &p, nil
}

// planLists are the seven section columns' values, in PlanSections order.
func planLists(p *upshot.SafetyPlan) ([]any, error) {
	args := make([]any, 0, len(upshot.PlanSections))
	for _, s := range upshot.PlanSections {
		items := *s.Items(p)
		if items == nil {
			items = []string{}
		}
		b, err := json.Marshal(items)
		if err != nil {
			return nil, err
		}
		args = append(args, string(b))
	}
	return args, nil
}

func (db *DB) PutSafetyPlan(ctx context.Context, owner upshot.OwnerID, p *upshot.SafetyPlan) error {
	if err := p.Validate(); err != nil {
		return err
	}
	lists, err := planLists(p)
	if err != nil {
		return err
	}
	now := db.now()
	m := p.Meta
	err = db.write(ctx, owner, func(t *tx) error {
		if err := requireOwner(ctx, t, owner); err != nil {
			return err
		}
		var stored int
		err := t.queryRow(ctx, `SELECT version FROM safety_plans WHERE owner_id = ?`, int64(owner)).Scan(&stored)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			stored = 0
		case err != nil:
			return err
		}
		if stored != p.Version {
			return upshot.Errorf(upshot.ECONFLICT, "version",
				"the safety plan changed since you read it (it is at version %d, your copy is version %d); read it again and redo your change",
				stored, p.Version)
		}
		if stored == 0 {
			m = newMeta(now)
			return insertPlan(ctx, t, owner, lists, m)
		}
		var created string
		if err := t.queryRow(ctx, `UPDATE safety_plans SET warning_signs = ?, coping_steps = ?, people_places = ?, ask_for_help = ?,
			professionals = ?, safer_surroundings = ?, reasons_to_live = ?, version = version + 1, updated_at = ?
			WHERE owner_id = ? RETURNING created_at`, append(lists, formatTime(now), int64(owner))...).Scan(&created); err != nil {
			return err
		}
		createdAt, err := parseTime(created)
		m = upshot.Meta{Version: stored + 1, CreatedAt: createdAt, UpdatedAt: now}
		return err
	})
	if err != nil {
		return err
	}
	p.Meta = m
	p.Normalize()
	return nil
}

func insertPlan(ctx context.Context, t *tx, owner upshot.OwnerID, lists []any, m upshot.Meta) error {
	args := append(append([]any{int64(owner)}, lists...), metaArgs(m)...)
	_, err := t.exec(ctx, `INSERT INTO safety_plans (owner_id, `+planColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
	return err
}

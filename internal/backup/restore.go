package backup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"

	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/upshot"
)

// Restore verifies the backup completely (as Verify) and only then loads it
// into dst, which must hold no therapists, goals, sessions or check-ins for
// anyone (ECONFLICT otherwise, with dst untouched). Each person keeps their
// user id, record ids, record meta, settings, instrument definitions and id
// counters, so ids deleted before the backup are never handed out again.
//
// All or nothing: each person is loaded by store.Import in one transaction.
// With several people (a hosted instance) the restore is several
// transactions; if any fails, what the earlier ones wrote is removed again and
// dst is left as it was. Nobody else should use dst during a restore.
func Restore(ctx context.Context, r io.Reader, passphrase string, dst *store.DB) (Info, error) {
	v, err := open(ctx, r, passphrase)
	if err != nil {
		return Info{}, refused(err)
	}
	defer v.close()

	// First pass: every person checked before anything is written.
	info := v.info
	var plan []planned
	err = v.each(ctx, func(o *owner) error {
		info.Owners++
		info.Counts.add(o.snap)
		plan = append(plan, planned{user: o.user, counters: o.counters})
		return nil
	})
	if err != nil {
		return Info{}, refused(err)
	}

	rs := &restorer{db: dst.SQL(), dialect: dst.Dialect()}
	have, err := recordCounts(ctx, rs.db)
	if err != nil {
		return Info{}, err
	}
	if have != (Counts{}) {
		return Info{}, upshot.Errorf(upshot.ECONFLICT, "db",
			"restore needs an empty database, but this one already has %d therapists, %d goals, %d sessions and %d check-ins; nothing was restored (restore into a new database)",
			have.Therapists, have.Goals, have.Sessions, have.CheckIns)
	}
	if err := rs.prepare(ctx, plan); err != nil {
		return Info{}, err
	}

	// Second pass: the same people, in the same order, into dst.
	err = v.each(ctx, func(o *owner) error {
		err := dst.Import(ctx, upshot.OwnerID(o.user.ID), o.snap)
		var ue *upshot.Error
		if errors.As(err, &ue) {
			return &wrapped{upshot.Errorf(ue.Code, ue.Field, "user %d of the backup cannot be restored: %s", o.user.ID, ue.Message), err}
		}
		return err
	})
	if err == nil {
		err = rs.finish(ctx, plan)
	}
	if err != nil {
		// The caller's ctx may be what failed; the clean-up must still run.
		if uerr := rs.undo(context.WithoutCancel(ctx)); uerr != nil {
			return Info{}, &wrapped{upshot.Errorf(upshot.EINTERNAL, "db",
				"the restore failed (%s) and removing what it had written failed too, so the database is not empty now: restore into a new database",
				upshot.ErrorMessage(err)), errors.Join(err, uerr)}
		}
		return Info{}, refused(err)
	}
	return info, nil
}

// refused adds to a refusal meant for people that nothing was written.
func refused(err error) error {
	var ue *upshot.Error
	if !errors.As(err, &ue) {
		return err
	}
	return &wrapped{upshot.Errorf(ue.Code, ue.Field, "%s; nothing was restored", ue.Message), err}
}

// wrapped shows a domain error to people while keeping the cause in the chain.
type wrapped struct {
	public *upshot.Error
	cause  error
}

func (w *wrapped) Error() string   { return w.public.Error() }
func (w *wrapped) Unwrap() []error { return []error{w.public, w.cause} }

// planned is what Restore keeps of a person between its two passes.
type planned struct {
	user     userRow
	counters map[string]int64
}

// restorer writes the whole-database facts around store.Import and can put
// the destination back as it was.
type restorer struct {
	db      *sql.DB
	dialect string

	inserted []int64          // users the restore created
	existing map[int64]*prior // users that were there already, as they were
}

// prior is what an existing (record-less) user had that an import changes.
type prior struct {
	settings    map[string]string
	definitions map[[2]any]bool // {instrument, version}
	counters    map[string]int64
}

func (rs *restorer) q(query string) string { return rebind(rs.dialect, query) }

func (rs *restorer) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := rs.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

// prepare creates the users the backup has and dst lacks (import needs the
// owner to exist), and remembers what existing ones had, in one transaction.
func (rs *restorer) prepare(ctx context.Context, plan []planned) error {
	rs.existing = map[int64]*prior{}
	var inserted []int64
	err := rs.tx(ctx, func(tx *sql.Tx) error {
		inserted = inserted[:0]
		for _, p := range plan {
			var n int
			if err := tx.QueryRowContext(ctx, rs.q(`SELECT COUNT(*) FROM users WHERE id = ?`), p.user.ID).Scan(&n); err != nil {
				return fmt.Errorf("backup: look up user %d: %w", p.user.ID, err)
			}
			if n == 0 {
				if _, err := tx.ExecContext(ctx, rs.q(`INSERT INTO users (id, name, created_at) VALUES (?, ?, ?)`),
					p.user.ID, p.user.Name, p.user.CreatedAt); err != nil {
					return fmt.Errorf("backup: create user %d: %w", p.user.ID, err)
				}
				for _, kind := range counterKinds {
					if _, err := tx.ExecContext(ctx, rs.q(`INSERT INTO id_counters (owner_id, kind, last_id) VALUES (?, ?, 0)`),
						p.user.ID, kind); err != nil {
						return fmt.Errorf("backup: create user %d: %w", p.user.ID, err)
					}
				}
				inserted = append(inserted, p.user.ID)
				continue
			}
			was, err := rs.readPrior(ctx, tx, p.user.ID)
			if err != nil {
				return err
			}
			rs.existing[p.user.ID] = was
		}
		return nil
	})
	if err == nil {
		rs.inserted = inserted
	}
	return err
}

func (rs *restorer) readPrior(ctx context.Context, tx *sql.Tx, id int64) (*prior, error) {
	p := &prior{settings: map[string]string{}, definitions: map[[2]any]bool{}}
	rows, err := tx.QueryContext(ctx, rs.q(`SELECT name, value FROM settings WHERE owner_id = ?`), id)
	if err != nil {
		return nil, fmt.Errorf("backup: read settings of user %d: %w", id, err)
	}
	for rows.Next() {
		var name, value string
		if err := rows.Scan(&name, &value); err != nil {
			rows.Close()
			return nil, fmt.Errorf("backup: read settings of user %d: %w", id, err)
		}
		p.settings[name] = value
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("backup: read settings of user %d: %w", id, err)
	}
	rows, err = tx.QueryContext(ctx, rs.q(`SELECT instrument, version FROM instrument_definitions WHERE owner_id = ?`), id)
	if err != nil {
		return nil, fmt.Errorf("backup: read definitions of user %d: %w", id, err)
	}
	for rows.Next() {
		var instrument string
		var version int64
		if err := rows.Scan(&instrument, &version); err != nil {
			rows.Close()
			return nil, fmt.Errorf("backup: read definitions of user %d: %w", id, err)
		}
		p.definitions[[2]any{instrument, version}] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("backup: read definitions of user %d: %w", id, err)
	}
	if p.counters, err = readCounters(ctx, tx, rs.dialect, id); err != nil {
		return nil, err
	}
	return p, nil
}

// finish gives each user their name, creation time and id counters from the
// backup, in one transaction after every import succeeded.
func (rs *restorer) finish(ctx context.Context, plan []planned) error {
	return rs.tx(ctx, func(tx *sql.Tx) error {
		for _, p := range plan {
			if _, err := tx.ExecContext(ctx, rs.q(`UPDATE users SET name = ?, created_at = ? WHERE id = ?`),
				p.user.Name, p.user.CreatedAt, p.user.ID); err != nil {
				return fmt.Errorf("backup: restore user %d: %w", p.user.ID, err)
			}
			for kind, last := range p.counters {
				// Only ever raised: import already moved them past every id
				// it stored.
				if _, err := tx.ExecContext(ctx, rs.q(`UPDATE id_counters SET last_id = ? WHERE owner_id = ? AND kind = ? AND last_id < ?`),
					last, p.user.ID, kind, last); err != nil {
					return fmt.Errorf("backup: restore id counters of user %d: %w", p.user.ID, err)
				}
			}
		}
		if len(rs.inserted) > 0 && rs.dialect == "postgres" {
			// Users were inserted with their ids, which does not move the
			// identity sequence; move it past them so the next new user does
			// not collide (SQLite's AUTOINCREMENT keeps track by itself).
			var seq string
			if err := tx.QueryRowContext(ctx, `SELECT pg_get_serial_sequence('users', 'id')`).Scan(&seq); err != nil {
				return fmt.Errorf("backup: find the users id sequence: %w", err)
			}
			if _, err := tx.ExecContext(ctx, `SELECT setval($1::regclass, GREATEST((SELECT MAX(id) FROM users), (SELECT last_value FROM `+seq+`)))`, seq); err != nil {
				return fmt.Errorf("backup: move the users id sequence: %w", err)
			}
		}
		return nil
	})
}

// undo removes everything the restore wrote, in one transaction: dst held no
// records when it started, so every record of these users is the restore's.
func (rs *restorer) undo(ctx context.Context) error {
	return rs.tx(ctx, func(tx *sql.Tx) error {
		exec := func(query string, args ...any) error {
			if _, err := tx.ExecContext(ctx, rs.q(query), args...); err != nil {
				return fmt.Errorf("backup: undo: %w", err)
			}
			return nil
		}
		clearRecords := func(id int64) error {
			for _, table := range []string{"session_goals", "sessions", "checkins", "goals", "therapists"} {
				if err := exec(`DELETE FROM `+table+` WHERE owner_id = ?`, id); err != nil {
					return err
				}
			}
			return nil
		}
		for _, id := range rs.inserted {
			if err := clearRecords(id); err != nil {
				return err
			}
			for _, table := range []string{"instrument_definitions", "settings", "id_counters"} {
				if err := exec(`DELETE FROM `+table+` WHERE owner_id = ?`, id); err != nil {
					return err
				}
			}
			if err := exec(`DELETE FROM users WHERE id = ?`, id); err != nil {
				return err
			}
		}
		for id, was := range rs.existing {
			if err := clearRecords(id); err != nil {
				return err
			}
			now, err := rs.readPrior(ctx, tx, id)
			if err != nil {
				return err
			}
			for key := range now.definitions {
				if !was.definitions[key] {
					if err := exec(`DELETE FROM instrument_definitions WHERE owner_id = ? AND instrument = ? AND version = ?`, id, key[0], key[1]); err != nil {
						return err
					}
				}
			}
			if err := exec(`DELETE FROM settings WHERE owner_id = ?`, id); err != nil {
				return err
			}
			for name, value := range was.settings {
				if err := exec(`INSERT INTO settings (owner_id, name, value) VALUES (?, ?, ?)`, id, name, value); err != nil {
					return err
				}
			}
			for kind, last := range was.counters {
				if err := exec(`UPDATE id_counters SET last_id = ? WHERE owner_id = ? AND kind = ?`, last, id, kind); err != nil {
					return err
				}
			}
			// The undo is a change to this person's records like any other:
			// anything built from them since the import (a rendered
			// dashboard) must see it.
			if err := exec(`UPDATE users SET revision = revision + 1 WHERE id = ?`, id); err != nil {
				return err
			}
		}
		return nil
	})
}

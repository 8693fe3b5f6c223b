package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/upshot-app/upshot/internal/upshot"
)

var _ upshot.AccountService = (*DB)(nil)

// ownerTables are every table that holds rows of one owner (column
// owner_id), children before parents so that deleting in this order never
// trips a foreign key. TestDeleteAccountLeavesNoRow reads the schema and
// fails when a table with an owner_id is missing here.
var ownerTables = []string{
	"auth_sessions", "api_tokens", "passkeys", "passkey_ceremonies", "audit_events",
	"calendar_feeds", "safety_plans", "session_agenda", "session_goals", "sessions", "agenda_items", "checkins", "instrument_definitions",
	"goals", "therapists", "settings", "id_counters", "tombstones", "idempotency_keys",
}

const accountColumns = `id, login, password_hash, password_changed_at, created_at, disabled_at`

func scanAccount(sc interface{ Scan(...any) error }) (*upshot.Account, error) {
	var (
		a                    upshot.Account
		id                   int64
		login, hash, changed sql.NullString
		created              string
		disabled             sql.NullString
	)
	if err := sc.Scan(&id, &login, &hash, &changed, &created, &disabled); err != nil {
		return nil, err
	}
	a.ID, a.Login, a.PasswordHash, a.HasPassword = upshot.OwnerID(id), login.String, hash.String, hash.String != ""
	var err error
	if a.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		s   sql.NullString
		dst **time.Time
	}{{changed, &a.PasswordChangedAt}, {disabled, &a.DisabledAt}} {
		if f.s.Valid {
			t, err := parseTime(f.s.String)
			if err != nil {
				return nil, err
			}
			*f.dst = &t
		}
	}
	return &a, nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// CreateAccount adds an account with its own, empty set of records.
func (db *DB) CreateAccount(ctx context.Context, login, passwordHash string) (upshot.OwnerID, error) {
	login = upshot.NormalizeLogin(login)
	if err := upshot.CheckLogin("NAME", login); err != nil {
		return 0, err
	}
	now := formatTime(db.now())
	changed := any(nil)
	if passwordHash != "" {
		changed = now
	}
	var id upshot.OwnerID
	err := db.writeAll(ctx, func(t *tx) error {
		var err error
		id, err = createAccount(ctx, t, "NAME", login, passwordHash, now, changed)
		return err
	})
	return id, err
}

// createAccount inserts the account and its id counters in t; field names
// the login in a conflict's error.
func createAccount(ctx context.Context, t *tx, field, login, passwordHash, now string, changed any) (upshot.OwnerID, error) {
	n, err := count(ctx, t, `SELECT COUNT(*) FROM users WHERE login = ?`, login)
	if err != nil {
		return 0, err
	}
	if n > 0 {
		return 0, upshot.Errorf(upshot.ECONFLICT, field, "an account named %q exists already", login)
	}
	var id int64
	if err := t.queryRow(ctx, `INSERT INTO users (name, created_at, login, password_hash, password_changed_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		login, now, login, nullable(passwordHash), changed).Scan(&id); err != nil {
		return 0, err
	}
	return upshot.OwnerID(id), insertCounters(ctx, t, upshot.OwnerID(id))
}

// Accounts lists every account with a login, by id.
func (db *DB) Accounts(ctx context.Context) ([]*upshot.Account, error) {
	var out []*upshot.Account
	err := db.read(ctx, func(t *tx) error {
		rows, err := t.query(ctx, `SELECT `+accountColumns+` FROM users WHERE login IS NOT NULL ORDER BY id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			a, err := scanAccount(rows)
			if err != nil {
				return err
			}
			out = append(out, a)
		}
		return rows.Err()
	})
	return out, err
}

func accountNotFound(login string) error {
	return upshot.Errorf(upshot.ENOTFOUND, "NAME", "no account named %q (see 'upshot user list')", login)
}

// FindAccount finds an account by login.
func (db *DB) FindAccount(ctx context.Context, login string) (*upshot.Account, error) {
	login = upshot.NormalizeLogin(login)
	st, err := db.prepared(ctx, `SELECT `+accountColumns+` FROM users WHERE login = ?`)
	if err != nil {
		return nil, db.publicError(err)
	}
	a, err := scanAccount(st.QueryRowContext(ctx, login))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, accountNotFound(login)
	}
	return a, db.publicError(err)
}

// AccountByID finds an account by owner id.
func (db *DB) AccountByID(ctx context.Context, id upshot.OwnerID) (*upshot.Account, error) {
	st, err := db.prepared(ctx, `SELECT `+accountColumns+` FROM users WHERE id = ?`)
	if err != nil {
		return nil, db.publicError(err)
	}
	a, err := scanAccount(st.QueryRowContext(ctx, int64(id)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, upshot.Errorf(upshot.ENOTFOUND, "user", "no account with id %d", id)
	}
	return a, db.publicError(err)
}

func oneUser(res sql.Result, id upshot.OwnerID) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return upshot.Errorf(upshot.ENOTFOUND, "user", "no account with id %d", id)
	}
	return nil
}

// SetPasswordHash replaces the account's password hash ("" removes it).
func (db *DB) SetPasswordHash(ctx context.Context, id upshot.OwnerID, hash string) error {
	now := formatTime(db.now())
	return db.writeAll(ctx, func(t *tx) error {
		res, err := t.exec(ctx, `UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?`, nullable(hash), now, int64(id))
		if err != nil {
			return err
		}
		return oneUser(res, id)
	})
}

// RehashPassword swaps the hash old for new, if it is still old.
func (db *DB) RehashPassword(ctx context.Context, id upshot.OwnerID, old, new string) error {
	return db.writeAll(ctx, func(t *tx) error {
		_, err := t.exec(ctx, `UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?`, new, int64(id), old)
		return err
	})
}

// SetDisabled disables or enables the account.
func (db *DB) SetDisabled(ctx context.Context, id upshot.OwnerID, disabled bool) error {
	var at any
	if disabled {
		at = formatTime(db.now())
	}
	return db.writeAll(ctx, func(t *tx) error {
		res, err := t.exec(ctx, `UPDATE users SET disabled_at = ? WHERE id = ?`, at, int64(id))
		if err != nil {
			return err
		}
		return oneUser(res, id)
	})
}

// DeleteAccount removes the account and every row it owns in one
// transaction, and says how many records went. The local account (user 1)
// is not deleted: Open would make it again, empty, and a local install
// deletes its records by deleting the database file.
func (db *DB) DeleteAccount(ctx context.Context, id upshot.OwnerID) (upshot.DeletedCounts, error) {
	if id == upshot.DefaultOwner {
		return upshot.DeletedCounts{}, upshot.Errorf(upshot.ECONFLICT, "NAME",
			"the local account cannot be deleted; to remove everything of a local install, delete its database file")
	}
	var c upshot.DeletedCounts
	err := db.writeAll(ctx, func(t *tx) error {
		c = upshot.DeletedCounts{}
		counts := []struct {
			table string
			n     *int
		}{{"therapists", &c.Therapists}, {"goals", &c.Goals}, {"sessions", &c.Sessions},
			{"checkins", &c.CheckIns}, {"settings", &c.Settings}, {"safety_plans", &c.SafetyPlan}}
		for _, k := range counts {
			var err error
			if *k.n, err = count(ctx, t, `SELECT COUNT(*) FROM `+k.table+` WHERE owner_id = ?`, int64(id)); err != nil {
				return err
			}
		}
		for _, table := range ownerTables {
			if _, err := t.exec(ctx, `DELETE FROM `+table+` WHERE owner_id = ?`, int64(id)); err != nil {
				return err
			}
		}
		res, err := t.exec(ctx, `DELETE FROM users WHERE id = ?`, int64(id))
		if err != nil {
			return err
		}
		return oneUser(res, id)
	})
	return c, err
}

// PasswordsExist reports whether any account has a password or a passkey,
// disabled or not: failing closed, a server does not fall back to the
// launch token because the one account with a password was disabled.
func (db *DB) PasswordsExist(ctx context.Context) (bool, error) {
	st, err := db.prepared(ctx, `SELECT (SELECT COUNT(*) FROM users WHERE password_hash IS NOT NULL) + (SELECT COUNT(*) FROM passkeys)`)
	if err != nil {
		return false, db.publicError(err)
	}
	var n int
	if err := st.QueryRowContext(ctx).Scan(&n); err != nil {
		return false, db.publicError(err)
	}
	return n > 0, nil
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/upshot-app/upshot/internal/upshot"
)

var _ upshot.CredentialService = (*DB)(nil)

// CredentialTables hold sessions, API tokens and passkeys. A backup does
// not carry them: a restored database signs everyone out and its scripts
// need new tokens, so a backup, wherever it ends up, never holds a way in.
// Passkeys hold no secret, but the same rule keeps one story: after a
// restore, a passkey-only account is given a password ('upshot user
// passwd') and registers its passkeys again.
var CredentialTables = []string{"auth_sessions", "api_tokens", "passkeys", "passkey_ceremonies"}

// Sessions and tokens are written with writeAll: they are not records, so
// signing in or using a token never moves the owner's revision (which would
// throw away their cached dashboard).

const authSessionColumns = `id, owner_id, token_hash, device, created_at, last_used_at`

func scanAuthSession(sc interface{ Scan(...any) error }) (*upshot.AuthSession, error) {
	var (
		s             upshot.AuthSession
		owner         int64
		created, used string
	)
	if err := sc.Scan(&s.ID, &owner, &s.TokenHash, &s.Device, &created, &used); err != nil {
		return nil, err
	}
	s.Owner = upshot.OwnerID(owner)
	var err error
	if s.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if s.LastUsedAt, err = parseTime(used); err != nil {
		return nil, err
	}
	return &s, nil
}

func authSessionNotFound() error {
	return upshot.Errorf(upshot.ENOTFOUND, "session", "no such signed-in session")
}

// CreateAuthSession stores a new session and sets its ID.
func (db *DB) CreateAuthSession(ctx context.Context, s *upshot.AuthSession) error {
	if s.Owner <= 0 || s.TokenHash == "" {
		return upshot.Invalid("session", "a session needs an owner and a token hash")
	}
	if len(s.Device) > upshot.MaxDeviceLen {
		s.Device = s.Device[:upshot.MaxDeviceLen]
	}
	return db.writeAll(ctx, func(t *tx) error {
		return t.queryRow(ctx, `INSERT INTO auth_sessions (owner_id, token_hash, device, created_at, last_used_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			int64(s.Owner), s.TokenHash, s.Device, formatTime(s.CreatedAt), formatTime(s.LastUsedAt)).Scan(&s.ID)
	})
}

// AuthSessionByHash finds a session by its token's hash.
func (db *DB) AuthSessionByHash(ctx context.Context, hash string) (*upshot.AuthSession, error) {
	st, err := db.prepared(ctx, `SELECT `+authSessionColumns+` FROM auth_sessions WHERE token_hash = ?`)
	if err != nil {
		return nil, db.publicError(err)
	}
	s, err := scanAuthSession(st.QueryRowContext(ctx, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, authSessionNotFound()
	}
	return s, db.publicError(err)
}

// TouchAuthSession records a use of the session.
func (db *DB) TouchAuthSession(ctx context.Context, id int64, at time.Time) error {
	return db.writeAll(ctx, func(t *tx) error {
		_, err := t.exec(ctx, `UPDATE auth_sessions SET last_used_at = ? WHERE id = ?`, formatTime(at), id)
		return err
	})
}

// AuthSessions lists the owner's sessions, the most recently used first.
func (db *DB) AuthSessions(ctx context.Context, owner upshot.OwnerID) ([]*upshot.AuthSession, error) {
	var out []*upshot.AuthSession
	err := db.read(ctx, func(t *tx) error {
		rows, err := t.query(ctx, `SELECT `+authSessionColumns+` FROM auth_sessions WHERE owner_id = ? ORDER BY last_used_at DESC, id DESC`, int64(owner))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			s, err := scanAuthSession(rows)
			if err != nil {
				return err
			}
			out = append(out, s)
		}
		return rows.Err()
	})
	return out, err
}

// DeleteAuthSession ends one of the owner's sessions.
func (db *DB) DeleteAuthSession(ctx context.Context, owner upshot.OwnerID, id int64) error {
	return db.writeAll(ctx, func(t *tx) error {
		res, err := t.exec(ctx, `DELETE FROM auth_sessions WHERE owner_id = ? AND id = ?`, int64(owner), id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return cmpErr(err, authSessionNotFound())
		}
		return nil
	})
}

// DeleteAuthSessions ends every session of the owner but keep.
func (db *DB) DeleteAuthSessions(ctx context.Context, owner upshot.OwnerID, keep int64) (int, error) {
	var n int64
	err := db.writeAll(ctx, func(t *tx) error {
		res, err := t.exec(ctx, `DELETE FROM auth_sessions WHERE owner_id = ? AND id <> ?`, int64(owner), keep)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// cmpErr returns err when there is one, else fallback.
func cmpErr(err, fallback error) error {
	if err != nil {
		return err
	}
	return fallback
}

const apiTokenColumns = `id, owner_id, name, token_hash, created_at, expires_at, last_used_at`

func scanAPIToken(sc interface{ Scan(...any) error }) (*upshot.APIToken, error) {
	var (
		tk            upshot.APIToken
		owner         int64
		created       string
		expires, used sql.NullString
	)
	if err := sc.Scan(&tk.ID, &owner, &tk.Name, &tk.TokenHash, &created, &expires, &used); err != nil {
		return nil, err
	}
	tk.Owner = upshot.OwnerID(owner)
	var err error
	if tk.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		s   sql.NullString
		dst **time.Time
	}{{expires, &tk.ExpiresAt}, {used, &tk.LastUsedAt}} {
		if f.s.Valid {
			v, err := parseTime(f.s.String)
			if err != nil {
				return nil, err
			}
			*f.dst = &v
		}
	}
	return &tk, nil
}

func apiTokenNotFound(name string) error {
	return upshot.Errorf(upshot.ENOTFOUND, "name", "no API token named %q (see 'upshot token list')", name)
}

// CreateAPIToken stores a new token and sets its ID.
func (db *DB) CreateAPIToken(ctx context.Context, tk *upshot.APIToken) error {
	if tk.Owner <= 0 || tk.TokenHash == "" || tk.Name == "" {
		return upshot.Invalid("token", "a token needs an owner, a name and a hash")
	}
	var expires any
	if tk.ExpiresAt != nil {
		expires = formatTime(*tk.ExpiresAt)
	}
	return db.writeAll(ctx, func(t *tx) error {
		n, err := count(ctx, t, `SELECT COUNT(*) FROM api_tokens WHERE owner_id = ? AND name = ?`, int64(tk.Owner), tk.Name)
		if err != nil {
			return err
		}
		if n > 0 {
			return upshot.Errorf(upshot.ECONFLICT, "name", "this account has an API token named %q already; choose another name or revoke that one", tk.Name)
		}
		if n, err := count(ctx, t, `SELECT COUNT(*) FROM users WHERE id = ?`, int64(tk.Owner)); err != nil || n == 0 {
			return cmpErr(err, noOwner(tk.Owner))
		}
		return t.queryRow(ctx, `INSERT INTO api_tokens (owner_id, name, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			int64(tk.Owner), tk.Name, tk.TokenHash, formatTime(tk.CreatedAt), expires).Scan(&tk.ID)
	})
}

// APITokenByHash finds a token by its secret's hash.
func (db *DB) APITokenByHash(ctx context.Context, hash string) (*upshot.APIToken, error) {
	st, err := db.prepared(ctx, `SELECT `+apiTokenColumns+` FROM api_tokens WHERE token_hash = ?`)
	if err != nil {
		return nil, db.publicError(err)
	}
	tk, err := scanAPIToken(st.QueryRowContext(ctx, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, upshot.Errorf(upshot.ENOTFOUND, "token", "no such API token")
	}
	return tk, db.publicError(err)
}

// TouchAPIToken records a use of the token.
func (db *DB) TouchAPIToken(ctx context.Context, id int64, at time.Time) error {
	return db.writeAll(ctx, func(t *tx) error {
		_, err := t.exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, formatTime(at), id)
		return err
	})
}

// APITokens lists the owner's tokens by name.
func (db *DB) APITokens(ctx context.Context, owner upshot.OwnerID) ([]*upshot.APIToken, error) {
	var out []*upshot.APIToken
	err := db.read(ctx, func(t *tx) error {
		rows, err := t.query(ctx, `SELECT `+apiTokenColumns+` FROM api_tokens WHERE owner_id = ? ORDER BY name`, int64(owner))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			tk, err := scanAPIToken(rows)
			if err != nil {
				return err
			}
			out = append(out, tk)
		}
		return rows.Err()
	})
	return out, err
}

// DeleteAPIToken revokes the owner's token of that name.
func (db *DB) DeleteAPIToken(ctx context.Context, owner upshot.OwnerID, name string) error {
	return db.writeAll(ctx, func(t *tx) error {
		res, err := t.exec(ctx, `DELETE FROM api_tokens WHERE owner_id = ? AND name = ?`, int64(owner), name)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return cmpErr(err, apiTokenNotFound(name))
		}
		return nil
	})
}

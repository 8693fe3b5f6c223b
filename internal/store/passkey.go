package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/upshot-app/upshot/internal/upshot"
)

var _ upshot.PasskeyService = (*DB)(nil)

// Passkeys are written with writeAll, like sessions and tokens: they are
// not records, so adding one or signing in with one never moves the owner's
// revision. Byte fields are stored as unpadded base64url text, the form
// WebAuthn itself uses, so both databases keep them in a TEXT column.

var b64 = base64.RawURLEncoding

const passkeyColumns = `id, owner_id, credential_id, user_handle, public_key, sign_count, authenticator, name, created_at, last_used_at`

func scanPasskey(sc interface{ Scan(...any) error }) (*upshot.Passkey, error) {
	var (
		p                      upshot.Passkey
		owner, count           int64
		credID, handle, pub    string
		authenticator, created string
		used                   sql.NullString
	)
	if err := sc.Scan(&p.ID, &owner, &credID, &handle, &pub, &count, &authenticator, &p.Name, &created, &used); err != nil {
		return nil, err
	}
	p.Owner = upshot.OwnerID(owner)
	var err error
	for _, f := range []struct {
		s   string
		dst *[]byte
	}{{credID, &p.CredentialID}, {handle, &p.UserHandle}, {pub, &p.PublicKey}} {
		if *f.dst, err = b64.DecodeString(f.s); err != nil {
			return nil, fmt.Errorf("stored passkey %d: %w", p.ID, err)
		}
	}
	if count < 0 || count > 1<<32-1 {
		return nil, fmt.Errorf("stored passkey %d: sign count %d out of range", p.ID, count)
	}
	p.SignCount = uint32(count)
	p.Authenticator = []byte(authenticator)
	if p.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if used.Valid {
		t, err := parseTime(used.String)
		if err != nil {
			return nil, err
		}
		p.LastUsedAt = &t
	}
	return &p, nil
}

func passkeyNotFound() error {
	return upshot.Errorf(upshot.ENOTFOUND, "passkey", "no such passkey")
}

// CreatePasskey stores a new passkey and sets its ID (and its user handle,
// when the owner has passkeys already).
func (db *DB) CreatePasskey(ctx context.Context, p *upshot.Passkey) error {
	if p.Owner <= 0 || len(p.CredentialID) == 0 || len(p.UserHandle) == 0 || len(p.PublicKey) == 0 || p.Name == "" {
		return upshot.Invalid("passkey", "a passkey needs an owner, a credential id, a user handle, a public key and a name")
	}
	auth := string(p.Authenticator)
	if auth == "" {
		auth = "{}"
	}
	return db.writeAll(ctx, func(t *tx) error {
		if n, err := count(ctx, t, `SELECT COUNT(*) FROM users WHERE id = ?`, int64(p.Owner)); err != nil || n == 0 {
			return cmpErr(err, noOwner(p.Owner))
		}
		n, err := count(ctx, t, `SELECT COUNT(*) FROM passkeys WHERE credential_id = ?`, b64.EncodeToString(p.CredentialID))
		if err != nil {
			return err
		}
		if n > 0 {
			return upshot.Errorf(upshot.ECONFLICT, "passkey", "this passkey is registered already")
		}
		if n, err = count(ctx, t, `SELECT COUNT(*) FROM passkeys WHERE owner_id = ? AND name = ?`, int64(p.Owner), p.Name); err != nil {
			return err
		}
		if n > 0 {
			return upshot.Errorf(upshot.ECONFLICT, "name", "name: you have a passkey named %q already; choose another name", p.Name)
		}
		if n, err = count(ctx, t, `SELECT COUNT(*) FROM passkeys WHERE owner_id = ?`, int64(p.Owner)); err != nil {
			return err
		}
		if n >= upshot.MaxPasskeysPerAccount {
			return upshot.Errorf(upshot.ECONFLICT, "passkey", "an account keeps at most %d passkeys; remove one first", upshot.MaxPasskeysPerAccount)
		}
		if n > 0 {
			var handle string
			if err := t.queryRow(ctx, `SELECT user_handle FROM passkeys WHERE owner_id = ? ORDER BY id LIMIT 1`, int64(p.Owner)).Scan(&handle); err != nil {
				return err
			}
			if p.UserHandle, err = b64.DecodeString(handle); err != nil {
				return err
			}
		}
		return t.queryRow(ctx, `INSERT INTO passkeys (owner_id, credential_id, user_handle, public_key, sign_count, authenticator, name, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			int64(p.Owner), b64.EncodeToString(p.CredentialID), b64.EncodeToString(p.UserHandle), b64.EncodeToString(p.PublicKey),
			int64(p.SignCount), auth, p.Name, formatTime(p.CreatedAt)).Scan(&p.ID)
	})
}

// Passkeys lists the owner's passkeys, oldest first.
func (db *DB) Passkeys(ctx context.Context, owner upshot.OwnerID) ([]*upshot.Passkey, error) {
	var out []*upshot.Passkey
	err := db.read(ctx, func(t *tx) error {
		out = nil
		rows, err := t.query(ctx, `SELECT `+passkeyColumns+` FROM passkeys WHERE owner_id = ? ORDER BY id`, int64(owner))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			p, err := scanPasskey(rows)
			if err != nil {
				return err
			}
			out = append(out, p)
		}
		return rows.Err()
	})
	return out, err
}

// PasskeyByCredentialID finds a passkey by its credential id.
func (db *DB) PasskeyByCredentialID(ctx context.Context, credentialID []byte) (*upshot.Passkey, error) {
	if len(credentialID) == 0 {
		return nil, passkeyNotFound()
	}
	st, err := db.prepared(ctx, `SELECT `+passkeyColumns+` FROM passkeys WHERE credential_id = ?`)
	if err != nil {
		return nil, db.publicError(err)
	}
	p, err := scanPasskey(st.QueryRowContext(ctx, b64.EncodeToString(credentialID)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, passkeyNotFound()
	}
	return p, db.publicError(err)
}

// PasskeyUsed records a sign-in with the passkey.
func (db *DB) PasskeyUsed(ctx context.Context, owner upshot.OwnerID, id int64, signCount uint32, authenticator []byte, at time.Time) error {
	return db.writeAll(ctx, func(t *tx) error {
		res, err := t.exec(ctx, `UPDATE passkeys SET sign_count = ?, authenticator = ?, last_used_at = ? WHERE owner_id = ? AND id = ?`,
			int64(signCount), string(authenticator), formatTime(at), int64(owner), id)
		return oneRow(res, err, passkeyNotFound)
	})
}

// RenamePasskey renames one of the owner's passkeys.
func (db *DB) RenamePasskey(ctx context.Context, owner upshot.OwnerID, id int64, name string) error {
	if name == "" {
		return upshot.Invalid("name", "name: a passkey needs a name")
	}
	return db.writeAll(ctx, func(t *tx) error {
		n, err := count(ctx, t, `SELECT COUNT(*) FROM passkeys WHERE owner_id = ? AND name = ? AND id <> ?`, int64(owner), name, id)
		if err != nil {
			return err
		}
		if n > 0 {
			return upshot.Errorf(upshot.ECONFLICT, "name", "name: you have a passkey named %q already; choose another name", name)
		}
		res, err := t.exec(ctx, `UPDATE passkeys SET name = ? WHERE owner_id = ? AND id = ?`, name, int64(owner), id)
		return oneRow(res, err, passkeyNotFound)
	})
}

// DeletePasskey removes one of the owner's passkeys, unless it is the last
// way into an account without a password.
func (db *DB) DeletePasskey(ctx context.Context, owner upshot.OwnerID, id int64) error {
	return db.writeAll(ctx, func(t *tx) error {
		mine, err := count(ctx, t, `SELECT COUNT(*) FROM passkeys WHERE owner_id = ? AND id = ?`, int64(owner), id)
		if err != nil {
			return err
		}
		if mine == 0 {
			return passkeyNotFound()
		}
		others, err := count(ctx, t, `SELECT COUNT(*) FROM passkeys WHERE owner_id = ? AND id <> ?`, int64(owner), id)
		if err != nil {
			return err
		}
		if others == 0 {
			var hash sql.NullString
			if err := t.queryRow(ctx, `SELECT password_hash FROM users WHERE id = ?`, int64(owner)).Scan(&hash); err != nil {
				return err
			}
			if hash.String == "" {
				return upshot.Errorf(upshot.ECONFLICT, "passkey",
					"this is your only passkey and your account has no password: removing it would leave no way to sign in; add another passkey or set a password first")
			}
		}
		res, err := t.exec(ctx, `DELETE FROM passkeys WHERE owner_id = ? AND id = ?`, int64(owner), id)
		return oneRow(res, err, passkeyNotFound)
	})
}

// DropPassword removes the owner's password if the account has a passkey.
func (db *DB) DropPassword(ctx context.Context, owner upshot.OwnerID) error {
	now := formatTime(db.now())
	return db.writeAll(ctx, func(t *tx) error {
		n, err := count(ctx, t, `SELECT COUNT(*) FROM passkeys WHERE owner_id = ?`, int64(owner))
		if err != nil {
			return err
		}
		if n == 0 {
			return upshot.Errorf(upshot.ECONFLICT, "password", "add a passkey before removing your password: without either there is no way to sign in")
		}
		res, err := t.exec(ctx, `UPDATE users SET password_hash = NULL, password_changed_at = ? WHERE id = ?`, now, int64(owner))
		if err != nil {
			return err
		}
		return oneUser(res, owner)
	})
}

// oneRow turns an UPDATE or DELETE that matched no row into notFound().
func oneRow(res sql.Result, err error, notFound func() error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound()
	}
	return nil
}

// BeginCeremony stores a ceremony, dropping the expired ones first.
func (db *DB) BeginCeremony(ctx context.Context, c *upshot.PasskeyCeremony, maxOpen int) error {
	if c.TokenHash == "" || len(c.Data) == 0 || (c.Kind != upshot.CeremonyRegister && c.Kind != upshot.CeremonySignIn) ||
		(c.Kind == upshot.CeremonyRegister) != (c.Owner > 0) {
		return upshot.Invalid("ceremony", "a ceremony needs a token hash, data and a kind, and an owner exactly when it registers a passkey")
	}
	var owner any
	if c.Owner > 0 {
		owner = int64(c.Owner)
	}
	now := formatTime(db.now())
	return db.writeAll(ctx, func(t *tx) error {
		if _, err := t.exec(ctx, `DELETE FROM passkey_ceremonies WHERE expires_at <= ?`, now); err != nil {
			return err
		}
		n, err := count(ctx, t, `SELECT COUNT(*) FROM passkey_ceremonies WHERE kind = ?`, c.Kind)
		if err != nil {
			return err
		}
		if n >= maxOpen {
			return upshot.Errorf(upshot.ECONFLICT, "passkey", "too many passkey sign-ins are under way; try again in a few minutes")
		}
		_, err = t.exec(ctx, `INSERT INTO passkey_ceremonies (token_hash, kind, owner_id, data, expires_at) VALUES (?, ?, ?, ?, ?)`,
			c.TokenHash, c.Kind, owner, string(c.Data), formatTime(c.ExpiresAt))
		return err
	})
}

// TakeCeremony deletes the ceremony and returns it, once.
func (db *DB) TakeCeremony(ctx context.Context, kind, tokenHash string, owner upshot.OwnerID, now time.Time) (*upshot.PasskeyCeremony, error) {
	notFound := upshot.Errorf(upshot.ENOTFOUND, "ceremony", "this passkey request has expired or was used already; start again")
	var c *upshot.PasskeyCeremony
	err := db.writeAll(ctx, func(t *tx) error {
		c = nil
		var (
			data, expires string
			stored        sql.NullInt64
		)
		// DELETE ... RETURNING takes the row in one statement: of two
		// servers finishing the same ceremony at once, one gets it.
		err := t.queryRow(ctx, `DELETE FROM passkey_ceremonies WHERE kind = ? AND token_hash = ? AND COALESCE(owner_id, 0) = ? RETURNING owner_id, data, expires_at`,
			kind, tokenHash, int64(owner)).Scan(&stored, &data, &expires)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound
		}
		if err != nil {
			return err
		}
		exp, err := parseTime(expires)
		if err != nil {
			return err
		}
		c = &upshot.PasskeyCeremony{TokenHash: tokenHash, Kind: kind, Owner: upshot.OwnerID(stored.Int64), Data: []byte(data), ExpiresAt: exp}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !now.Before(c.ExpiresAt) {
		return nil, notFound
	}
	return c, nil
}

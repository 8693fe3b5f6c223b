package store

import (
	"context"
	"time"

	"github.com/upshot-app/upshot/internal/upshot"
)

var _ upshot.InviteService = (*DB)(nil)

// inviteKeep is how long an expired or used invitation stays before the
// next new one deletes it: long enough to answer "was my link used?".
const inviteKeep = 30 * 24 * time.Hour

// CreateInvite stores an invitation by its token's hash and deletes the
// invitations that expired or were used more than inviteKeep ago.
func (db *DB) CreateInvite(ctx context.Context, tokenHash string, created, expires time.Time) error {
	if tokenHash == "" || !expires.After(created) {
		return upshot.Invalid("invite", "an invitation needs a token hash and an expiry after its making")
	}
	old := formatTime(created.Add(-inviteKeep))
	return db.writeAll(ctx, func(t *tx) error {
		if _, err := t.exec(ctx, `DELETE FROM invites WHERE expires_at < ? OR used_at < ?`, old, old); err != nil {
			return err
		}
		_, err := t.exec(ctx, `INSERT INTO invites (token_hash, created_at, expires_at) VALUES (?, ?, ?)`,
			tokenHash, formatTime(created), formatTime(expires))
		return err
	})
}

// SignUp creates an account with a password, using the invitation
// inviteHash names first when it is not "", in one transaction: a used,
// expired or unknown invitation is upshot.ErrInvite and writes nothing; a
// taken login rolls the invitation's use back.
func (db *DB) SignUp(ctx context.Context, login, passwordHash, inviteHash string, now time.Time) (upshot.OwnerID, error) {
	login = upshot.NormalizeLogin(login)
	if err := upshot.CheckLogin("login", login); err != nil {
		return 0, err
	}
	if passwordHash == "" {
		return 0, upshot.Invalid("password", "password: signing up needs a password")
	}
	at := formatTime(now)
	var id upshot.OwnerID
	err := db.writeAll(ctx, func(t *tx) error {
		if inviteHash != "" {
			// The condition and the change are one statement: of two
			// sign-ups with one link at once, one sees used_at set.
			res, err := t.exec(ctx, `UPDATE invites SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?`, at, inviteHash, at)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n != 1 {
				return cmpErr(err, upshot.ErrInvite)
			}
		}
		var err error
		id, err = createAccount(ctx, t, "login", login, passwordHash, at, at)
		return err
	})
	return id, err
}

// InviteUsable reports whether the invitation exists, is unused and has
// not expired at now.
func (db *DB) InviteUsable(ctx context.Context, tokenHash string, now time.Time) (bool, error) {
	var n int
	err := db.read(ctx, func(t *tx) error {
		var err error
		n, err = count(ctx, t, `SELECT COUNT(*) FROM invites WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?`, tokenHash, formatTime(now))
		return err
	})
	return n == 1, err
}

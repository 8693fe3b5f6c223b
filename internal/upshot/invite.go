package upshot

import (
	"context"
	"time"
)

// InviteService keeps the administrator's one-time invitations to sign up
// and creates the accounts made by signing up.
type InviteService interface {
	// CreateInvite stores an invitation by its token's hash.
	CreateInvite(ctx context.Context, tokenHash string, created, expires time.Time) error
	// SignUp creates an account with a password. With inviteHash it first
	// uses that invitation, in the same transaction: an unknown, used or
	// expired one is ErrInvite and nothing is written, and a taken login
	// (ECONFLICT) leaves the invitation unused.
	SignUp(ctx context.Context, login, passwordHash, inviteHash string, now time.Time) (OwnerID, error)
	InviteUsable
}

// ErrInvite is the one answer to an invitation that cannot be used, whatever
// the reason: unknown, used or expired.
var ErrInvite = Errorf(EUNAUTHORIZED, "invite", "this invitation link cannot be used: it is unknown, used already or expired; ask whoever runs this Upshot for a new one")

// InviteUsable tells whether an invitation can still be used, so the
// sign-up page can say so before anyone types a password.
type InviteUsable interface {
	InviteUsable(ctx context.Context, tokenHash string, now time.Time) (bool, error)
}

package app

import (
	"context"
	"strings"
	"time"

	"github.com/upshot-app/upshot/internal/auth"
	"github.com/upshot-app/upshot/internal/upshot"
)

// Signing up (issue 13 item 2). Whoever runs the server chooses who may
// make an account on it ('upshot serve --registration'):
//   - closed (the default): only the administrator, with 'upshot user add';
//   - invite: whoever holds a one-time link the administrator made with
//     'upshot user invite' (stored hashed, used once, expiring);
//   - open: anyone who reaches the server.
// The administrator is whoever can open the database on the server's
// machine: the CLI manages accounts and has no route to anyone's records,
// and an account made here is an ordinary account like any other.

// Registration is who may sign up on the web.
type Registration string

const (
	RegistrationClosed Registration = "closed"
	RegistrationInvite Registration = "invite"
	RegistrationOpen   Registration = "open"
)

// ParseRegistration reads --registration.
func ParseRegistration(s string) (Registration, error) {
	switch r := Registration(strings.ToLower(strings.TrimSpace(s))); r {
	case RegistrationClosed, RegistrationInvite, RegistrationOpen:
		return r, nil
	}
	return "", upshot.Invalid("--registration", "--registration: give closed (only 'upshot user add'), invite (one-time links from 'upshot user invite') or open (anyone who reaches the server), got %q", s)
}

// Invitations last DefaultInviteDays unless --expires says otherwise, at
// most MaxInviteDays: a link sent by mail or chat should not stay a way in
// for long.
const (
	DefaultInviteDays = 7
	MaxInviteDays     = 90
)

// ErrSignUpClosed answers the sign-up page of a server that takes no
// sign-ups (closed, or one person on loopback).
var ErrSignUpClosed = upshot.Errorf(upshot.ENOTFOUND, "", "this Upshot takes no sign-ups: ask whoever runs it to make an account for you ('upshot user add')")

// NewInvite makes a one-time invitation that expires after days and
// returns its token, which is shown once and stored only as a hash.
func NewInvite(ctx context.Context, st upshot.InviteService, now upshot.Clock, days int) (string, time.Time, error) {
	if days < 1 || days > MaxInviteDays {
		return "", time.Time{}, upshot.Invalid("--expires", "--expires: give a number of days from 1 to %d, got %d", MaxInviteDays, days)
	}
	now = clockOf(st, now)
	token, err := auth.NewToken()
	if err != nil {
		return "", time.Time{}, err
	}
	made := now()
	expires := made.Add(time.Duration(days) * 24 * time.Hour)
	if err := st.CreateInvite(ctx, HashToken(token), made, expires); err != nil {
		return "", time.Time{}, err
	}
	return token, expires, nil
}

// SignUpAttempt is what the sign-up form sends, with where it came from.
type SignUpAttempt struct {
	Login, Password, Again string
	Invite                 string // the token of the invitation link; "" for none
	Address, Device        string
}

// signUpKey is the throttle's key for sign-ups from an address. Every
// sign-up counts against it like a failed sign-in, so after five an address
// waits, longer each time (the sign-in throttle's numbers): an open server
// should not become anyone's free storage by a script making accounts. A
// refused invitation counts too.
func signUpKey(address string) string { return "signup-address:" + address }

// InviteUsable reports whether an invitation link can still be used.
func (a *Auth) InviteUsable(ctx context.Context, token string) (bool, error) {
	if !auth.WellFormedToken(token) {
		return false, nil
	}
	return a.Store.InviteUsable(ctx, HashToken(token), a.Now())
}

// SignUp makes an account under the server's registration rule, signs it
// in and returns the session's token. Every check that needs no database
// comes first (the rule, the name, the password twice), so a refused
// attempt writes nothing; the invitation is used in the transaction that
// creates the account.
func (a *Auth) SignUp(ctx context.Context, mode Registration, at SignUpAttempt) (string, *upshot.Account, error) {
	invite := ""
	switch mode {
	case RegistrationOpen:
	case RegistrationInvite:
		if !auth.WellFormedToken(at.Invite) {
			return "", nil, upshot.ErrInvite
		}
		invite = HashToken(at.Invite)
	default:
		return "", nil, ErrSignUpClosed
	}
	key := signUpKey(at.Address)
	if wait := a.Throttle.Wait(key); wait > 0 {
		return "", nil, &ThrottledError{Wait: wait}
	}
	login := upshot.NormalizeLogin(at.Login)
	if err := upshot.CheckLogin("login", login); err != nil {
		return "", nil, err
	}
	if err := auth.CheckPassword("password", at.Password); err != nil {
		return "", nil, err
	}
	if at.Again != at.Password {
		return "", nil, upshot.Invalid("again", "again: the two passwords differ")
	}
	hash, err := auth.HashPassword(at.Password)
	if err != nil {
		return "", nil, err
	}
	id, err := a.Store.SignUp(ctx, login, hash, invite, a.Now())
	if err == upshot.ErrInvite {
		a.Throttle.Failed(key)
	}
	if err != nil {
		return "", nil, err
	}
	a.Throttle.Failed(key) // counts sign-ups from the address (see signUpKey)
	how := "signed up"
	if invite != "" {
		how = "signed up with an invitation"
	}
	if err := a.Audit(ctx, id, upshot.AuditAccountCreated, at.Device, how); err != nil {
		return "", nil, err
	}
	token, err := a.startSession(ctx, id, at.Device)
	if err != nil {
		return "", nil, err
	}
	acc, err := a.Store.AccountByID(ctx, id)
	if err != nil {
		return "", nil, err
	}
	return token, acc, a.Audit(ctx, id, upshot.AuditSignIn, at.Device, "")
}

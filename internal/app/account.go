package app

import (
	"context"
	"errors"

	"github.com/upshot-app/upshot/internal/auth"
	"github.com/upshot-app/upshot/internal/upshot"
)

// Accounts are managed by whoever runs the server (the CLI on its machine)
// and, for their own account, by the person signed in. These use cases are
// the one place the rules live: a login's form, a password's strength, how a
// password is hashed and checked.

// AddAccount creates an account with a password ("" for none: a local
// account that signs in with the launch token alone).
func AddAccount(ctx context.Context, st Accounts, login, password string) (*upshot.Account, error) {
	login = upshot.NormalizeLogin(login)
	if err := upshot.CheckLogin("NAME", login); err != nil {
		return nil, err
	}
	var hash string
	if password != "" {
		if err := auth.CheckPassword("password", password); err != nil {
			return nil, err
		}
		var err error
		if hash, err = auth.HashPassword(password); err != nil {
			return nil, err
		}
	}
	id, err := st.CreateAccount(ctx, login, hash)
	if err != nil {
		return nil, err
	}
	if err := auditCLI(ctx, st, nil, id, upshot.AuditAccountCreated, ""); err != nil {
		return nil, err
	}
	return st.AccountByID(ctx, id)
}

// findAccount looks an account up by the name a person typed.
func findAccount(ctx context.Context, st upshot.AccountService, login string) (*upshot.Account, error) {
	login = upshot.NormalizeLogin(login)
	if err := upshot.CheckLogin("NAME", login); err != nil {
		return nil, err
	}
	return st.FindAccount(ctx, login)
}

// SetPassword gives the named account a new password and ends all its
// sessions: whoever knew the old one is signed out everywhere.
func SetPassword(ctx context.Context, st Accounts, login, password string) (*upshot.Account, error) {
	a, err := findAccount(ctx, st, login)
	if err != nil {
		return nil, err
	}
	if err := auth.CheckPassword("password", password); err != nil {
		return nil, err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return nil, err
	}
	if err := st.SetPasswordHash(ctx, a.ID, hash); err != nil {
		return nil, err
	}
	if _, err := st.DeleteAuthSessions(ctx, a.ID, 0); err != nil {
		return nil, err
	}
	if err := auditCLI(ctx, st, nil, a.ID, upshot.AuditPasswordSet, ""); err != nil {
		return nil, err
	}
	return st.AccountByID(ctx, a.ID)
}

// SetDisabled disables (true) or enables the named account.
func SetDisabled(ctx context.Context, st Accounts, login string, disabled bool) (*upshot.Account, error) {
	a, err := findAccount(ctx, st, login)
	if err != nil {
		return nil, err
	}
	if err := st.SetDisabled(ctx, a.ID, disabled); err != nil {
		return nil, err
	}
	kind := upshot.AuditEnabled
	if disabled {
		kind = upshot.AuditDisabled
	}
	if err := auditCLI(ctx, st, nil, a.ID, kind, ""); err != nil {
		return nil, err
	}
	return st.AccountByID(ctx, a.ID)
}

// DeleteAccount removes the named account and everything it owns.
func DeleteAccount(ctx context.Context, st upshot.AccountService, login string) (upshot.DeletedCounts, error) {
	a, err := findAccount(ctx, st, login)
	if err != nil {
		return upshot.DeletedCounts{}, err
	}
	return st.DeleteAccount(ctx, a.ID)
}

// ErrSignIn is the one answer to a failed sign-in, whatever failed: an
// unknown name, a wrong password, an account without a password or a
// disabled one. Saying which would tell a stranger which names exist.
var ErrSignIn = upshot.Errorf(upshot.EUNAUTHORIZED, "password", "that name and password do not match an account that may sign in")

// SignIn checks a login and password and returns the account. It takes the
// time of one password check whatever the outcome (a dummy hash stands in
// for a missing account or password), and remakes the stored hash when it
// was made with weaker parameters than today's.
func SignIn(ctx context.Context, st upshot.AccountService, login, password string) (*upshot.Account, error) {
	acc, _, err := signIn(ctx, st, login, password)
	return acc, err
}

// signIn is SignIn that also returns, on a failure, the account the name
// belongs to (nil when it names none), for that account's audit log.
func signIn(ctx context.Context, st upshot.AccountService, login, password string) (acc, known *upshot.Account, err error) {
	login = upshot.NormalizeLogin(login)
	var a *upshot.Account
	if upshot.CheckLogin("login", login) == nil {
		found, err := st.FindAccount(ctx, login)
		if err != nil && upshot.ErrorCode(err) != upshot.ENOTFOUND {
			return nil, nil, err
		}
		a = found
	}
	if a == nil || !a.HasPassword {
		auth.VerifyNothing(password)
		return nil, a, ErrSignIn
	}
	ok, rehash, err := auth.VerifyPassword(a.PasswordHash, password)
	if err != nil {
		// A hash this Upshot cannot read: refuse, as for a wrong password;
		// the error stays on the server's side.
		return nil, a, errors.Join(ErrSignIn, err)
	}
	if !ok || a.Disabled() {
		return nil, a, ErrSignIn
	}
	if rehash {
		if h, err := auth.HashPassword(password); err == nil {
			// Best effort: the person is signed in either way, and the
			// next sign-in tries again.
			_ = st.RehashPassword(ctx, a.ID, a.PasswordHash, h)
		}
	}
	return a, nil, nil
}

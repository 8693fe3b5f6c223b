package upshot

import (
	"context"
	"strings"
	"time"
)

// LocalLogin is the account of the single person of a local install (user
// 1). It has no password until given one; while no account has a password,
// a loopback server stays one person behind the launch token.
const LocalLogin = "local"

// MaxLoginLen bounds a login.
const MaxLoginLen = 64

// Account is a person who may sign in. PasswordHash is a secret: it never
// leaves the store but for the sign-in check, and never reaches JSON.
type Account struct {
	ID                OwnerID    `json:"id"`
	Login             string     `json:"login"`
	HasPassword       bool       `json:"has_password"`
	PasswordHash      string     `json:"-"`
	PasswordChangedAt *time.Time `json:"password_changed_at,omitempty"`
	CreatedAt         time.Time  `json:"created_at"`
	DisabledAt        *time.Time `json:"disabled_at,omitempty"`
}

// Disabled reports whether the account may not sign in.
func (a *Account) Disabled() bool { return a.DisabledAt != nil }

// DeletedCounts says what deleting an account removed.
type DeletedCounts struct {
	Therapists int `json:"therapists"`
	Goals      int `json:"goals"`
	Sessions   int `json:"sessions"`
	CheckIns   int `json:"checkins"`
	Settings   int `json:"settings"`
	SafetyPlan int `json:"safety_plan"`
}

// AccountService keeps accounts. It is not scoped by owner: only the
// administrator's tools (the CLI on the server) and the sign-in check use it,
// and the sign-in check only for the account being signed in to.
type AccountService interface {
	// CreateAccount adds an account with its own, empty records. The login
	// is checked with CheckLogin; a taken one is ECONFLICT.
	CreateAccount(ctx context.Context, login, passwordHash string) (OwnerID, error)
	// Accounts lists every account with a login, by id.
	Accounts(ctx context.Context) ([]*Account, error)
	// FindAccount finds an account by login (ENOTFOUND when there is none).
	FindAccount(ctx context.Context, login string) (*Account, error)
	// AccountByID finds an account by its owner id (ENOTFOUND when there is none).
	AccountByID(ctx context.Context, id OwnerID) (*Account, error)
	// SetPasswordHash replaces the account's password hash ("" removes it).
	SetPasswordHash(ctx context.Context, id OwnerID, hash string) error
	// RehashPassword replaces the hash old with new (the same password,
	// hashed at today's parameters) if it is still old; the password did
	// not change, so nothing else does.
	RehashPassword(ctx context.Context, id OwnerID, old, new string) error
	// SetDisabled disables (true) or enables the account.
	SetDisabled(ctx context.Context, id OwnerID, disabled bool) error
	// DeleteAccount removes the account and every row it owns, in one
	// transaction.
	DeleteAccount(ctx context.Context, id OwnerID) (DeletedCounts, error)
	// PasswordsExist reports whether any account has a password: then every
	// server route needs a signed-in account.
	PasswordsExist(ctx context.Context) (bool, error)
}

// NormalizeLogin is how a login is compared and stored: trimmed, lower case.
func NormalizeLogin(login string) string {
	return strings.ToLower(strings.TrimSpace(login))
}

// CheckLogin refuses a login that is not 1 to 64 lowercase letters a-z,
// digits, '.', '_' or '-', starting with a letter or digit. The narrow
// alphabet keeps logins unambiguous (no look-alike letters) and safe in a
// URL, a log line and a shell.
func CheckLogin(field, login string) error {
	if login == "" {
		return Invalid(field, "%s: a login is required: 1 to %d lowercase letters, digits, '.', '_' or '-'", field, MaxLoginLen)
	}
	if len(login) > MaxLoginLen {
		return Invalid(field, "%s: the login is longer than %d characters", field, MaxLoginLen)
	}
	for i, r := range login {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || i > 0 && (r == '.' || r == '_' || r == '-')
		if !ok {
			return Invalid(field, "%s: a login is made of lowercase letters a-z, digits, '.', '_' or '-', starting with a letter or digit; %q is not", field, login)
		}
	}
	return nil
}

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
	// PasswordsExist reports whether any account has a password or a
	// passkey: then every server route needs a signed-in account.
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

// AuthSession is one signed-in browser: the "signed in on" list shows them,
// and ending one signs that browser out. Its secret token is never stored,
// only a hash of it (TokenHash, which never reaches JSON).
type AuthSession struct {
	ID         int64     `json:"id"`
	Owner      OwnerID   `json:"-"`
	TokenHash  string    `json:"-"`
	Device     string    `json:"device"`
	CreatedAt  time.Time `json:"created_at"`
	LastUsedAt time.Time `json:"last_used_at"`
}

// APIToken is a credential a script sends as "Authorization: Bearer". Its
// secret is shown once, when it is made, and stored only as a hash.
type APIToken struct {
	ID         int64      `json:"id"`
	Owner      OwnerID    `json:"-"`
	Name       string     `json:"name"`
	TokenHash  string     `json:"-"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

// Expired reports whether the token may no longer be used at now.
func (t *APIToken) Expired(now time.Time) bool {
	return t.ExpiresAt != nil && !now.Before(*t.ExpiresAt)
}

// MaxTokenNameLen bounds an API token's label.
const MaxTokenNameLen = 64

// MaxDeviceLen bounds a session's device description.
const MaxDeviceLen = 100

// CredentialService keeps the sessions of signed-in browsers and the API
// tokens of scripts. Lookups by hash are how a request finds its owner; every
// other method names the owner, and a session or token of another owner is
// ENOTFOUND.
type CredentialService interface {
	CreateAuthSession(ctx context.Context, s *AuthSession) error
	// AuthSessionByHash finds a session by its token's hash (ENOTFOUND).
	AuthSessionByHash(ctx context.Context, hash string) (*AuthSession, error)
	// TouchAuthSession records a use of the session at the given time.
	TouchAuthSession(ctx context.Context, id int64, at time.Time) error
	AuthSessions(ctx context.Context, owner OwnerID) ([]*AuthSession, error)
	// DeleteAuthSession ends one of the owner's sessions.
	DeleteAuthSession(ctx context.Context, owner OwnerID, id int64) error
	// DeleteAuthSessions ends every session of the owner but keep (0 for
	// none) and says how many it ended.
	DeleteAuthSessions(ctx context.Context, owner OwnerID, keep int64) (int, error)

	// CreateAPIToken adds a token; a name the owner uses already is ECONFLICT.
	CreateAPIToken(ctx context.Context, t *APIToken) error
	// APITokenByHash finds a token by its secret's hash (ENOTFOUND).
	APITokenByHash(ctx context.Context, hash string) (*APIToken, error)
	// TouchAPIToken records a use of the token at the given time.
	TouchAPIToken(ctx context.Context, id int64, at time.Time) error
	APITokens(ctx context.Context, owner OwnerID) ([]*APIToken, error)
	// DeleteAPIToken revokes the owner's token of that name.
	DeleteAPIToken(ctx context.Context, owner OwnerID, name string) error
}

package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/upshot-app/upshot/internal/auth"
	"github.com/upshot-app/upshot/internal/upshot"
)

// Signing in, staying signed in and scripts' tokens (issue 13 items 4 and 5).
// A browser holds a random 256-bit token in a cookie; the database keeps only
// its SHA-256 hash, so a stolen copy of the database signs no one in. The web
// server turns cookies and Authorization headers into an owner here and
// nowhere else.

// Accounts is the store the sign-in use cases need.
type Accounts interface {
	upshot.AccountService
	upshot.CredentialService
	upshot.PasskeyService
	upshot.AuditService
	upshot.InviteService
}

// The session lifetimes are named settings of the server ('upshot serve
// --session-idle-days / --session-max-days'). Their source: OWASP's Session
// Management Cheat Sheet asks for both an idle and an absolute timeout and
// leaves their length to the risk of the application; two weeks idle and 90
// days in all are Upshot's own choice for a personal record kept on one's own
// phone, in line with what long-lived self-hosted apps use (Miniflux keeps a
// session 30 days, Gitea remembers a sign-in 7 days by default).
const (
	DefaultSessionIdle     = 14 * 24 * time.Hour
	DefaultSessionAbsolute = 90 * 24 * time.Hour
	SessionLifetimeSource  = "OWASP Session Management Cheat Sheet (idle and absolute timeouts); the lengths are Upshot's own default."
)

// sessionTouchEvery is how stale a session's last use may be before a
// request records it again: the list shows last use to the minute, and
// writing on every request would make every page view a write.
const sessionTouchEvery = time.Minute

// SessionPolicy bounds how long a session lasts.
type SessionPolicy struct {
	Idle     time.Duration // ends when unused this long
	Absolute time.Duration // ends this long after sign-in, used or not
}

// DefaultSessionPolicy is 14 days idle, 90 days in all.
var DefaultSessionPolicy = SessionPolicy{Idle: DefaultSessionIdle, Absolute: DefaultSessionAbsolute}

// HashToken is how a session or API token is stored and looked up.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Auth is the sign-in use cases bound to a store, a clock, a session policy
// and a throttle; the web server holds one.
type Auth struct {
	Store    Accounts
	Now      upshot.Clock
	Policy   SessionPolicy
	Throttle *Throttle
	// AuditDays is how long audit events are kept (0: forever, bounded
	// only by upshot.MaxAuditEvents).
	AuditDays int
	// Log receives what the server's operator may see: a failed sign-in
	// for a name that is no account (there is no account to record it
	// in), an audit write that failed. Never a name typed or a record.
	Log *slog.Logger

	pending sync.WaitGroup // audit writes of failed sign-ins (auditLater)
}

// NewAuth returns Auth with the default policy and a fresh throttle.
func NewAuth(st Accounts, now upshot.Clock) *Auth {
	if now == nil {
		now = time.Now
	}
	return &Auth{Store: st, Now: now, Policy: DefaultSessionPolicy, Throttle: NewThrottle(now), AuditDays: DefaultAuditDays}
}

// ErrSignedOut is the answer to a cookie or token that names no session:
// unknown, ended, expired, or of a disabled or deleted account. Which one is
// not said.
var ErrSignedOut = upshot.Errorf(upshot.EUNAUTHORIZED, "", "you are not signed in, or your session has ended; sign in again")

// ThrottledError says how long to wait before the next sign-in attempt.
type ThrottledError struct{ Wait time.Duration }

func (e *ThrottledError) Error() string {
	return "too many failed sign-ins; wait " + roundUp(e.Wait).String() + " before trying again"
}

func roundUp(d time.Duration) time.Duration {
	return (d + time.Second - 1).Truncate(time.Second)
}

// SignInAttempt is what a sign-in form sends, with where it came from.
type SignInAttempt struct {
	Login, Password string
	Address         string // the client's IP address, for the throttle
	Device          string // a short description of the browser
	// Replaces is the token of the session the browser holds now, if any:
	// it ends, so a session is renewed at every sign-in (a token planted in
	// the browser beforehand is worth nothing after).
	Replaces string
}

// SignInWithPassword checks the attempt against the throttle and the
// account, and on success starts a session and returns its token. A failure
// is ErrSignIn whatever failed, or a *ThrottledError while the account's name
// or the address has failed too often; a throttled attempt does not check the
// password at all, so guessing gets nowhere while it lasts.
func (a *Auth) SignInWithPassword(ctx context.Context, at SignInAttempt) (token string, acc *upshot.Account, err error) {
	keys := []string{"account:" + upshot.NormalizeLogin(at.Login), "address:" + at.Address}
	if wait := a.Throttle.Wait(keys...); wait > 0 {
		return "", nil, &ThrottledError{Wait: wait}
	}
	acc, known, err := signIn(ctx, a.Store, at.Login, at.Password)
	if err != nil {
		if errors.Is(err, ErrSignIn) {
			a.Throttle.Failed(keys...)
			if known != nil {
				a.auditLater(ctx, known.ID, upshot.AuditSignInFailed, at.Device)
			} else {
				// No account to record it in, and nothing is created for
				// it: the operator's log says it happened, from where,
				// never the name typed (it may be someone's password).
				a.logger().Warn("sign-in failed for a name that is no account", slog.String("address", at.Address))
			}
		}
		return "", nil, err
	}
	a.Throttle.Succeeded(keys[0])
	if at.Replaces != "" {
		a.endSession(ctx, at.Replaces)
	}
	token, err = a.startSession(ctx, acc.ID, at.Device)
	if err != nil {
		return "", nil, err
	}
	if err := a.Audit(ctx, acc.ID, upshot.AuditSignIn, at.Device, ""); err != nil {
		return "", nil, err
	}
	return token, acc, nil
}

func (a *Auth) startSession(ctx context.Context, owner upshot.OwnerID, device string) (string, error) {
	token, err := auth.NewToken()
	if err != nil {
		return "", err
	}
	now := a.Now()
	s := &upshot.AuthSession{Owner: owner, TokenHash: HashToken(token), Device: device, CreatedAt: now, LastUsedAt: now}
	if err := a.Store.CreateAuthSession(ctx, s); err != nil {
		return "", err
	}
	return token, nil
}

// Session returns the live session a cookie's token names, and records its
// use. A session past its idle or absolute timeout, or of an account that is
// disabled, is ended here and answered ErrSignedOut.
func (a *Auth) Session(ctx context.Context, token string) (*upshot.AuthSession, error) {
	if token == "" || len(token) > 128 {
		return nil, ErrSignedOut
	}
	s, err := a.Store.AuthSessionByHash(ctx, HashToken(token))
	if upshot.ErrorCode(err) == upshot.ENOTFOUND {
		return nil, ErrSignedOut
	}
	if err != nil {
		return nil, err
	}
	now := a.Now()
	if now.Sub(s.LastUsedAt) >= a.Policy.Idle || now.Sub(s.CreatedAt) >= a.Policy.Absolute || !a.mayUse(ctx, s.Owner) {
		_ = a.Store.DeleteAuthSession(ctx, s.Owner, s.ID) // best effort: it is refused either way
		return nil, ErrSignedOut
	}
	if now.Sub(s.LastUsedAt) >= sessionTouchEvery {
		if err := a.Store.TouchAuthSession(ctx, s.ID, now); err != nil {
			return nil, err
		}
		s.LastUsedAt = now
	}
	return s, nil
}

// mayUse reports whether the owner's account exists and is not disabled.
func (a *Auth) mayUse(ctx context.Context, owner upshot.OwnerID) bool {
	acc, err := a.Store.AccountByID(ctx, owner)
	return err == nil && !acc.Disabled()
}

// SignOut ends the session token names, if it is one, and records it in
// the account's audit log.
func (a *Auth) SignOut(ctx context.Context, token, device string) error {
	if s := a.endSession(ctx, token); s != nil {
		return a.Audit(ctx, s.Owner, upshot.AuditSignOut, device, "")
	}
	return nil
}

// endSession ends the session token names and returns it, or nil when it
// names none.
func (a *Auth) endSession(ctx context.Context, token string) *upshot.AuthSession {
	if token == "" || len(token) > 128 {
		return nil
	}
	s, err := a.Store.AuthSessionByHash(ctx, HashToken(token))
	if err != nil {
		return nil
	}
	if a.Store.DeleteAuthSession(ctx, s.Owner, s.ID) != nil {
		return nil
	}
	return s
}

// EndSession ends one of the owner's sessions (from the account page).
func (a *Auth) EndSession(ctx context.Context, owner upshot.OwnerID, id int64, device string) error {
	if err := a.Store.DeleteAuthSession(ctx, owner, id); err != nil {
		return err
	}
	return a.Audit(ctx, owner, upshot.AuditSessionEnded, device, "")
}

// EndOtherSessions ends every session of the owner but keep and says how
// many it ended.
func (a *Auth) EndOtherSessions(ctx context.Context, owner upshot.OwnerID, keep int64, device string) (int, error) {
	n, err := a.Store.DeleteAuthSessions(ctx, owner, keep)
	if err != nil {
		return 0, err
	}
	return n, a.Audit(ctx, owner, upshot.AuditSessionsEnded, device, "")
}

// ChangePassword sets a new password for the signed-in owner after checking
// the current one, and ends every other session of the account: whoever
// learned the old password is signed out everywhere but here.
func (a *Auth) ChangePassword(ctx context.Context, owner upshot.OwnerID, current, next string, keep int64, device string) error {
	acc, err := a.Store.AccountByID(ctx, owner)
	if err != nil {
		return err
	}
	if !acc.HasPassword {
		auth.VerifyNothing(current)
	} else if ok, _, err := auth.VerifyPassword(acc.PasswordHash, current); err != nil || !ok {
		return upshot.Invalid("current", "current: that is not your current password")
	}
	if err := auth.CheckPassword("new", next); err != nil {
		return err
	}
	hash, err := auth.HashPassword(next)
	if err != nil {
		return err
	}
	if err := a.Store.SetPasswordHash(ctx, owner, hash); err != nil {
		return err
	}
	if _, err = a.Store.DeleteAuthSessions(ctx, owner, keep); err != nil {
		return err
	}
	return a.Audit(ctx, owner, upshot.AuditPasswordChanged, device, "")
}

// ErrBadToken is the answer to an Authorization header that names no usable
// API token.
var ErrBadToken = upshot.Errorf(upshot.EUNAUTHORIZED, "", "the API token is not valid: it is unknown, revoked, expired, or its account is disabled")

// MaxTokenDays bounds --expires.
const MaxTokenDays = 3650

// AddToken makes an API token for the named account and returns its secret,
// which is shown once and stored only as a hash. expiresDays 0 means it
// does not expire.
func (a *Auth) AddToken(ctx context.Context, login, name string, expiresDays int) (string, *upshot.APIToken, error) {
	acc, err := findAccount(ctx, a.Store, login)
	if err != nil {
		return "", nil, err
	}
	return a.AddOwnToken(ctx, acc.ID, name, expiresDays, CLIDevice)
}

// AddOwnToken makes an API token for the owner, asked for from device.
func (a *Auth) AddOwnToken(ctx context.Context, owner upshot.OwnerID, name string, expiresDays int, device string) (string, *upshot.APIToken, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", nil, upshot.Invalid("--name", "--name: a token needs a name that says what uses it, such as \"phone shortcut\"")
	}
	if err := upshot.CheckText("--name", name, upshot.MaxTokenNameLen, false); err != nil {
		return "", nil, err
	}
	if expiresDays < 0 || expiresDays > MaxTokenDays {
		return "", nil, upshot.Invalid("--expires", "--expires: give a number of days from 1 to %d, or leave it out for a token that does not expire", MaxTokenDays)
	}
	token, err := auth.NewToken()
	if err != nil {
		return "", nil, err
	}
	now := a.Now()
	tk := &upshot.APIToken{Owner: owner, Name: name, TokenHash: HashToken(token), CreatedAt: now}
	if expiresDays > 0 {
		exp := now.Add(time.Duration(expiresDays) * 24 * time.Hour)
		tk.ExpiresAt = &exp
	}
	if err := a.Store.CreateAPIToken(ctx, tk); err != nil {
		return "", nil, err
	}
	if err := a.Audit(ctx, owner, upshot.AuditTokenAdded, device, name); err != nil {
		return "", nil, err
	}
	return token, tk, nil
}

// Tokens lists the named account's API tokens.
func (a *Auth) Tokens(ctx context.Context, login string) ([]*upshot.APIToken, error) {
	acc, err := findAccount(ctx, a.Store, login)
	if err != nil {
		return nil, err
	}
	return a.Store.APITokens(ctx, acc.ID)
}

// RevokeToken deletes the named account's token called name.
func (a *Auth) RevokeToken(ctx context.Context, login, name string) error {
	acc, err := findAccount(ctx, a.Store, login)
	if err != nil {
		return err
	}
	return a.RevokeOwnToken(ctx, acc.ID, name, CLIDevice)
}

// RevokeOwnToken deletes the owner's token called name, asked for from
// device.
func (a *Auth) RevokeOwnToken(ctx context.Context, owner upshot.OwnerID, name, device string) error {
	name = strings.TrimSpace(name)
	if err := a.Store.DeleteAPIToken(ctx, owner, name); err != nil {
		return err
	}
	return a.Audit(ctx, owner, upshot.AuditTokenRevoked, device, name)
}

// TokenOwner returns the live API token a Bearer credential names and
// records its use (at most once a minute).
func (a *Auth) TokenOwner(ctx context.Context, token string) (*upshot.APIToken, error) {
	if token == "" || len(token) > 128 {
		return nil, ErrBadToken
	}
	tk, err := a.Store.APITokenByHash(ctx, HashToken(token))
	if upshot.ErrorCode(err) == upshot.ENOTFOUND {
		return nil, ErrBadToken
	}
	if err != nil {
		return nil, err
	}
	now := a.Now()
	if tk.Expired(now) || !a.mayUse(ctx, tk.Owner) {
		return nil, ErrBadToken
	}
	if tk.LastUsedAt == nil || now.Sub(*tk.LastUsedAt) >= sessionTouchEvery {
		if err := a.Store.TouchAPIToken(ctx, tk.ID, now); err != nil {
			return nil, err
		}
		tk.LastUsedAt = &now
	}
	return tk, nil
}

// The throttle: after throttleFree failures in a row for one key (an
// account's name, or a client address), each further attempt must wait
// throttleBase, doubling with each failure, up to throttleMax. The numbers
// follow OWASP's Authentication Cheat Sheet (exponential back-off rather
// than a lockout, so that a stranger cannot lock the owner out for good);
// the five free attempts forgive typos.
const (
	throttleFree = 5
	throttleBase = time.Second
	throttleMax  = 15 * time.Minute
	// throttleForget is how long after its last failure a key is forgotten.
	throttleForget = 24 * time.Hour
	// throttleKeys bounds the throttle's memory; when full, the keys that
	// failed longest ago go first.
	throttleKeys = 100_000
)

// Throttle counts failed sign-ins per key. It lives in the server's memory:
// a restart forgives everyone, which costs an attacker a restart they cannot
// cause. Safe for concurrent use.
type Throttle struct {
	mu   sync.Mutex
	now  upshot.Clock
	keys map[string]*throttleState
}

type throttleState struct {
	failures int
	last     time.Time
}

// NewThrottle returns an empty throttle reading time from now.
func NewThrottle(now upshot.Clock) *Throttle {
	return &Throttle{now: now, keys: map[string]*throttleState{}}
}

// backoff is how long after its last failure a key with n failures waits.
func backoff(n int) time.Duration {
	if n < throttleFree {
		return 0
	}
	d := throttleBase
	for i := throttleFree; i < n && d < throttleMax; i++ {
		d *= 2
	}
	return min(d, throttleMax)
}

// Wait is how long the next attempt for any of keys must wait (0: now).
func (t *Throttle) Wait(keys ...string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	var wait time.Duration
	for _, k := range keys {
		if st, ok := t.keys[k]; ok {
			wait = max(wait, st.last.Add(backoff(st.failures)).Sub(now))
		}
	}
	return wait
}

// Failed counts a failure against each key.
func (t *Throttle) Failed(keys ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if len(t.keys)+len(keys) > throttleKeys {
		t.prune(now)
	}
	for _, k := range keys {
		st, ok := t.keys[k]
		if !ok {
			st = &throttleState{}
			t.keys[k] = st
		}
		st.failures++
		st.last = now
	}
}

// Succeeded forgives key.
func (t *Throttle) Succeeded(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.keys, key)
}

// prune forgets keys whose last failure is old, and when that is not
// enough, the half that failed longest ago.
func (t *Throttle) prune(now time.Time) {
	for k, st := range t.keys {
		if now.Sub(st.last) > throttleForget {
			delete(t.keys, k)
		}
	}
	if len(t.keys) < throttleKeys*9/10 {
		return
	}
	times := make([]time.Time, 0, len(t.keys))
	for _, st := range t.keys {
		times = append(times, st.last)
	}
	slices.SortFunc(times, time.Time.Compare)
	cut := times[len(times)/2]
	for k, st := range t.keys {
		if st.last.Before(cut) {
			delete(t.keys, k)
		}
	}
}

// DeleteOwnAccount deletes the signed-in owner's account and every record
// in it, after the person typed their login and, when the account has one,
// their password: a borrowed, unlocked phone is not enough to erase someone.
// It says how many records went.
func (a *Auth) DeleteOwnAccount(ctx context.Context, owner upshot.OwnerID, typedLogin, password string) (upshot.DeletedCounts, error) {
	acc, err := a.Store.AccountByID(ctx, owner)
	if err != nil {
		return upshot.DeletedCounts{}, err
	}
	if acc.HasPassword {
		if ok, _, err := auth.VerifyPassword(acc.PasswordHash, password); err != nil || !ok {
			return upshot.DeletedCounts{}, upshot.Invalid("password", "password: that is not your password; nothing was deleted")
		}
	}
	if upshot.NormalizeLogin(typedLogin) != acc.Login {
		return upshot.DeletedCounts{}, upshot.Invalid("confirm", "confirm: type your account's name, %s, to confirm; nothing was deleted", acc.Login)
	}
	return a.Store.DeleteAccount(ctx, owner)
}

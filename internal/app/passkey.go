package app

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/upshot-app/upshot/internal/auth"
	"github.com/upshot-app/upshot/internal/upshot"
)

// Passkeys (issue 13 item 3): WebAuthn credentials registered from the
// account page and used to sign in without a name or a password
// (discoverable credentials). github.com/go-webauthn/webauthn checks every
// signature, origin, challenge and flag; this file decides what is stored,
// for whom, and for how long.
//
// A ceremony takes two requests: the first makes a random challenge, the
// second carries the authenticator's answer to it. The challenge waits in
// the database (so two servers on one database act as one) under the hash
// of a random token the browser sends back; it is taken once, and is
// worthless after ceremonyTTL.

// ceremonyTTL is how long a begun ceremony may be finished: the time for a
// person to find their phone or security key and touch it. The WebAuthn
// specification suggests 5 minutes as the client's default timeout.
const ceremonyTTL = 5 * time.Minute

// maxOpenSignIns bounds the sign-in ceremonies begun and not finished in
// the last ceremonyTTL: anyone may begin one, and each is a row.
const maxOpenSignIns = 10_000

// maxOpenRegistrations bounds the registrations under way across all
// accounts (each needs a signed-in account, so this is a backstop).
const maxOpenRegistrations = 10_000

// userHandleLen is the size of an account's random WebAuthn user handle. A
// random one, rather than the account's id, tells the authenticator nothing
// about the account.
const userHandleLen = 32

// RelyingParty is whom a passkey belongs to: ID is the domain the browser
// binds the credential to (the public URL's host, or "localhost"), Origin
// the exact origin the browser must report (https://upshot.example.org,
// http://localhost:8080).
type RelyingParty struct {
	ID, Origin string
}

// ErrPasskeyUnavailable is the answer when the page was opened at an
// address WebAuthn refuses (an IP address, or plain HTTP beyond localhost).
var ErrPasskeyUnavailable = upshot.Errorf(upshot.ECONFLICT, "passkey",
	"passkeys work only at a named address over HTTPS, or at http://localhost on this machine; open Upshot at such an address to use one")

// RelyingPartyFor chooses the relying party for a request that reached the
// server at origin (scheme://host[:port], the Host header checked already).
// With a public URL, that URL alone is the relying party. Without one, the
// host itself, when it is a name: localhost on a loopback server. An IP
// address cannot be a relying party, and browsers allow WebAuthn over plain
// HTTP only on localhost.
func RelyingPartyFor(publicURL, origin string) (RelyingParty, error) {
	if publicURL != "" {
		u, err := url.Parse(publicURL)
		if err != nil || u.Hostname() == "" {
			return RelyingParty{}, ErrPasskeyUnavailable
		}
		want := u.Scheme + "://" + u.Host
		if !strings.EqualFold(origin, want) {
			return RelyingParty{}, upshot.Errorf(upshot.ECONFLICT, "passkey", "passkeys work at %s: open Upshot there to use one", want)
		}
		return RelyingParty{ID: strings.ToLower(u.Hostname()), Origin: want}, nil
	}
	u, err := url.Parse(origin)
	if err != nil || u.Hostname() == "" {
		return RelyingParty{}, ErrPasskeyUnavailable
	}
	host := strings.ToLower(u.Hostname())
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() && u.Scheme == "http" {
		// The usual way to open a local Upshot: say exactly where to go.
		local := "http://localhost"
		if port := u.Port(); port != "" {
			local += ":" + port
		}
		return RelyingParty{}, upshot.Errorf(upshot.ECONFLICT, "passkey",
			"browsers accept passkeys at localhost but not at %s: open %s to use one", u.Host, local)
	}
	if net.ParseIP(host) != nil || (u.Scheme != "https" && host != "localhost") {
		return RelyingParty{}, ErrPasskeyUnavailable
	}
	return RelyingParty{ID: host, Origin: u.Scheme + "://" + strings.ToLower(u.Host)}, nil
}

func (rp RelyingParty) webAuthn() (*webauthn.WebAuthn, error) {
	return webauthn.New(&webauthn.Config{
		RPID:          rp.ID,
		RPDisplayName: "Upshot",
		RPOrigins:     []string{rp.Origin},
		Timeouts: webauthn.TimeoutsConfig{
			Login:        webauthn.TimeoutConfig{Enforce: true, Timeout: ceremonyTTL, TimeoutUVD: ceremonyTTL},
			Registration: webauthn.TimeoutConfig{Enforce: true, Timeout: ceremonyTTL, TimeoutUVD: ceremonyTTL},
		},
	})
}

// passkeyUser is an account as the WebAuthn library sees it.
type passkeyUser struct {
	handle []byte
	login  string
	creds  []webauthn.Credential
}

func (u *passkeyUser) WebAuthnID() []byte                         { return u.handle }
func (u *passkeyUser) WebAuthnName() string                       { return u.login }
func (u *passkeyUser) WebAuthnDisplayName() string                { return u.login }
func (u *passkeyUser) WebAuthnCredentials() []webauthn.Credential { return u.creds }

// credentialOf rebuilds the library's credential from a stored passkey.
func credentialOf(p *upshot.Passkey) (webauthn.Credential, error) {
	var c webauthn.Credential
	if len(p.Authenticator) > 0 {
		if err := json.Unmarshal(p.Authenticator, &c); err != nil {
			return c, fmt.Errorf("passkey %d: stored authenticator data: %w", p.ID, err)
		}
	}
	c.ID, c.PublicKey, c.Authenticator.SignCount = p.CredentialID, p.PublicKey, p.SignCount
	return c, nil
}

// authenticatorJSON is what of a credential is stored beside its id, key
// and counter: the flags, transports, AAGUID and attestation type a sign-in
// checks. The attestation itself is dropped: nothing here verifies it later.
func authenticatorJSON(c webauthn.Credential) ([]byte, error) {
	c.ID, c.PublicKey, c.Authenticator.SignCount = nil, nil, 0
	c.Attestation = webauthn.CredentialAttestation{}
	return json.Marshal(c)
}

// registerState is what a registration ceremony keeps: the library's
// session and the name the passkey will get.
type registerState struct {
	Session webauthn.SessionData `json:"session"`
	Name    string               `json:"name"`
}

// Ceremony is what the browser gets when a ceremony begins: the token it
// sends back, and the options for navigator.credentials.create or .get.
type Ceremony struct {
	Token   string          `json:"ceremony"`
	Options json.RawMessage `json:"options"`
}

// checkPasskeyName trims and checks a passkey's name.
func checkPasskeyName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", upshot.Invalid("name", "name: give the passkey a name that says where it lives, such as \"phone\"")
	}
	if err := upshot.CheckText("name", name, upshot.MaxPasskeyNameLen, false); err != nil {
		return "", err
	}
	return name, nil
}

// Passkeys lists the owner's passkeys.
func (a *Auth) Passkeys(ctx context.Context, owner upshot.OwnerID) ([]*upshot.Passkey, error) {
	return a.Store.Passkeys(ctx, owner)
}

// BeginPasskeyRegistration starts adding a passkey called name to the
// owner's account. The name is checked now, before the authenticator makes
// a credential, so a refused name never leaves one behind on the device.
func (a *Auth) BeginPasskeyRegistration(ctx context.Context, owner upshot.OwnerID, rp RelyingParty, name string) (*Ceremony, error) {
	name, err := checkPasskeyName(name)
	if err != nil {
		return nil, err
	}
	acc, err := a.Store.AccountByID(ctx, owner)
	if err != nil {
		return nil, err
	}
	existing, err := a.Store.Passkeys(ctx, owner)
	if err != nil {
		return nil, err
	}
	if len(existing) >= upshot.MaxPasskeysPerAccount {
		return nil, upshot.Errorf(upshot.ECONFLICT, "passkey", "an account keeps at most %d passkeys; remove one first", upshot.MaxPasskeysPerAccount)
	}
	user := &passkeyUser{login: acc.Login}
	var exclude []protocol.CredentialDescriptor
	for _, p := range existing {
		if p.Name == name {
			return nil, upshot.Errorf(upshot.ECONFLICT, "name", "name: you have a passkey named %q already; choose another name", name)
		}
		user.handle = p.UserHandle
		c, err := credentialOf(p)
		if err != nil {
			return nil, err
		}
		exclude = append(exclude, c.Descriptor())
	}
	if user.handle == nil {
		user.handle = make([]byte, userHandleLen)
		if _, err := rand.Read(user.handle); err != nil {
			return nil, err
		}
	}
	wa, err := rp.webAuthn()
	if err != nil {
		return nil, err
	}
	// A discoverable credential, so that signing in needs no name; user
	// verification (a PIN, a fingerprint, a face), so that a passkey alone
	// is as good as a password and a second factor.
	creation, session, err := wa.BeginRegistration(user,
		webauthn.WithExclusions(exclude),
		webauthn.WithAuthenticatorSelection(protocol.AuthenticatorSelection{
			ResidentKey: protocol.ResidentKeyRequirementRequired, UserVerification: protocol.VerificationRequired,
		}),
		webauthn.WithConveyancePreference(protocol.PreferNoAttestation),
		webauthn.WithRegistrationOrigin(rp.Origin))
	if err != nil {
		return nil, err
	}
	return a.beginCeremony(ctx, upshot.CeremonyRegister, owner, registerState{Session: *session, Name: name}, creation, maxOpenRegistrations)
}

func (a *Auth) beginCeremony(ctx context.Context, kind string, owner upshot.OwnerID, state, options any, maxOpen int) (*Ceremony, error) {
	data, err := json.Marshal(state)
	if err != nil {
		return nil, err
	}
	opts, err := json.Marshal(options)
	if err != nil {
		return nil, err
	}
	token, err := auth.NewToken()
	if err != nil {
		return nil, err
	}
	c := &upshot.PasskeyCeremony{TokenHash: HashToken(token), Kind: kind, Owner: owner, Data: data, ExpiresAt: a.Now().Add(ceremonyTTL)}
	if err := a.Store.BeginCeremony(ctx, c, maxOpen); err != nil {
		return nil, err
	}
	return &Ceremony{Token: token, Options: opts}, nil
}

// takeCeremony finds and uses up the ceremony a browser names.
func (a *Auth) takeCeremony(ctx context.Context, kind, token string, owner upshot.OwnerID) (*upshot.PasskeyCeremony, error) {
	if !auth.WellFormedToken(token) {
		return nil, upshot.Errorf(upshot.ENOTFOUND, "ceremony", "this passkey request has expired or was used already; start again")
	}
	return a.Store.TakeCeremony(ctx, kind, HashToken(token), owner, a.Now())
}

// ErrPasskeyRefused is the answer to a registration the authenticator's
// answer does not prove: a forged or damaged response, another challenge,
// another origin. What failed stays on the server.
var ErrPasskeyRefused = upshot.Errorf(upshot.EINVALID, "passkey", "the passkey's answer could not be verified; nothing was saved; try again")

// FinishPasskeyRegistration checks the authenticator's answer to the
// ceremony token names and stores the new passkey.
func (a *Auth) FinishPasskeyRegistration(ctx context.Context, owner upshot.OwnerID, rp RelyingParty, token string, response []byte, device string) (*upshot.Passkey, error) {
	c, err := a.takeCeremony(ctx, upshot.CeremonyRegister, token, owner)
	if err != nil {
		return nil, err
	}
	var st registerState
	if err := json.Unmarshal(c.Data, &st); err != nil {
		return nil, fmt.Errorf("passkey ceremony: %w", err)
	}
	// The relying party is the one the ceremony began with: a server does
	// not accept at one address what it asked for at another.
	if st.Session.RelyingPartyID != rp.ID {
		return nil, ErrPasskeyRefused
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(response)
	if err != nil {
		return nil, errors.Join(ErrPasskeyRefused, err)
	}
	acc, err := a.Store.AccountByID(ctx, owner)
	if err != nil {
		return nil, err
	}
	wa, err := rp.webAuthn()
	if err != nil {
		return nil, err
	}
	cred, err := wa.CreateCredential(&passkeyUser{handle: st.Session.UserID, login: acc.Login}, st.Session, parsed)
	if err != nil {
		return nil, errors.Join(ErrPasskeyRefused, err)
	}
	details, err := authenticatorJSON(*cred)
	if err != nil {
		return nil, err
	}
	p := &upshot.Passkey{
		Owner: owner, CredentialID: cred.ID, UserHandle: st.Session.UserID, PublicKey: cred.PublicKey,
		SignCount: cred.Authenticator.SignCount, Authenticator: details, Name: st.Name, CreatedAt: a.Now(),
	}
	if err := a.Store.CreatePasskey(ctx, p); err != nil {
		return nil, err
	}
	if err := a.Audit(ctx, owner, upshot.AuditPasskeyAdded, device, p.Name); err != nil {
		return nil, err
	}
	return p, nil
}

// BeginPasskeySignIn starts a sign-in with any passkey of this relying
// party: the browser offers the person the passkeys they have, and the
// answer names the account.
func (a *Auth) BeginPasskeySignIn(ctx context.Context, rp RelyingParty) (*Ceremony, error) {
	wa, err := rp.webAuthn()
	if err != nil {
		return nil, err
	}
	assertion, session, err := wa.BeginDiscoverableLogin(webauthn.WithUserVerification(protocol.VerificationRequired), webauthn.WithLoginOrigin(rp.Origin))
	if err != nil {
		return nil, err
	}
	return a.beginCeremony(ctx, upshot.CeremonySignIn, 0, session, assertion, maxOpenSignIns)
}

// ErrPasskeySignIn is the one answer to a passkey sign-in that failed,
// whatever failed: a forged or replayed answer, an unknown or removed
// passkey, a disabled account.
var ErrPasskeySignIn = upshot.Errorf(upshot.EUNAUTHORIZED, "passkey", "that passkey did not sign you in: it is not registered here, or its answer could not be verified")

// PasskeyAttempt is a passkey sign-in: the ceremony's token, the
// authenticator's answer, and where it came from.
type PasskeyAttempt struct {
	Ceremony string
	Response []byte
	Address  string // the client's IP address, for the throttle
	Device   string
	Replaces string // the session token the browser holds now, if any: it ends
}

// passkeyThrottleKey is the one throttle key of passkey sign-ins: the
// address, counted apart from passwords. A passkey sign-in is never held
// back by failed passwords, for the account or from the address: a
// stranger's guessing cannot lock the owner out of the way in that guessing
// cannot break. Failed passkey answers are throttled by address, which
// costs little: a forged answer cannot succeed anyway.
func passkeyThrottleKey(address string) string { return "passkey-address:" + address }

// SignInWithPasskey checks the authenticator's answer and starts a session.
func (a *Auth) SignInWithPasskey(ctx context.Context, at PasskeyAttempt) (token string, acc *upshot.Account, err error) {
	key := passkeyThrottleKey(at.Address)
	if wait := a.Throttle.Wait(key); wait > 0 {
		return "", nil, &ThrottledError{Wait: wait}
	}
	acc, err = a.verifyPasskey(ctx, at)
	if err != nil {
		if errors.Is(err, ErrPasskeySignIn) {
			a.Throttle.Failed(key)
		}
		return "", nil, err
	}
	if at.Replaces != "" {
		a.endSession(ctx, at.Replaces)
	}
	token, err = a.startSession(ctx, acc.ID, at.Device)
	if err != nil {
		return "", nil, err
	}
	if err := a.Audit(ctx, acc.ID, upshot.AuditPasskeySignIn, at.Device, ""); err != nil {
		return "", nil, err
	}
	return token, acc, nil
}

func (a *Auth) verifyPasskey(ctx context.Context, at PasskeyAttempt) (*upshot.Account, error) {
	c, err := a.takeCeremony(ctx, upshot.CeremonySignIn, at.Ceremony, 0)
	if upshot.ErrorCode(err) == upshot.ENOTFOUND {
		return nil, errors.Join(ErrPasskeySignIn, err)
	}
	if err != nil {
		return nil, err
	}
	var session webauthn.SessionData
	if err := json.Unmarshal(c.Data, &session); err != nil {
		return nil, fmt.Errorf("passkey ceremony: %w", err)
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(at.Response)
	if err != nil {
		return nil, errors.Join(ErrPasskeySignIn, err)
	}
	// The relying party and origin are those the ceremony began with (the
	// library checks the answer's against them), whichever server of two
	// on one database finishes it.
	if session.RelyingPartyID == "" || session.Origin == "" {
		return nil, ErrPasskeySignIn
	}
	var stored *upshot.Passkey
	handler := func(rawID, userHandle []byte) (webauthn.User, error) {
		p, err := a.Store.PasskeyByCredentialID(ctx, rawID)
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(p.UserHandle, userHandle) {
			return nil, errors.New("the user handle is not this passkey's account's")
		}
		cred, err := credentialOf(p)
		if err != nil {
			return nil, err
		}
		stored = p
		return &passkeyUser{handle: p.UserHandle, creds: []webauthn.Credential{cred}}, nil
	}
	wa, err := RelyingParty{ID: session.RelyingPartyID, Origin: session.Origin}.webAuthn()
	if err != nil {
		return nil, err
	}
	_, cred, err := wa.ValidatePasskeyLogin(handler, session, parsed)
	if err != nil {
		return nil, errors.Join(ErrPasskeySignIn, err)
	}
	// A counter that went backwards (or stayed, when it is counting) means
	// the key may have been copied: refuse, as the specification allows.
	if cred.Authenticator.CloneWarning {
		return nil, errors.Join(ErrPasskeySignIn, errors.New("the signature counter went backwards"))
	}
	acc, err := a.Store.AccountByID(ctx, stored.Owner)
	if upshot.ErrorCode(err) == upshot.ENOTFOUND {
		return nil, ErrPasskeySignIn
	}
	if err != nil {
		return nil, err
	}
	if acc.Disabled() {
		return nil, ErrPasskeySignIn
	}
	details, err := authenticatorJSON(*cred)
	if err != nil {
		return nil, err
	}
	if err := a.Store.PasskeyUsed(ctx, stored.Owner, stored.ID, cred.Authenticator.SignCount, details, a.Now()); err != nil {
		return nil, err
	}
	return acc, nil
}

// StartSession starts a session for the owner on a browser already
// admitted another way: the one person of a loopback server, whose first
// passkey has just turned sign-in on.
func (a *Auth) StartSession(ctx context.Context, owner upshot.OwnerID, device string) (string, error) {
	return a.startSession(ctx, owner, device)
}

// RenamePasskey renames one of the owner's passkeys.
func (a *Auth) RenamePasskey(ctx context.Context, owner upshot.OwnerID, id int64, name string) error {
	name, err := checkPasskeyName(name)
	if err != nil {
		return err
	}
	return a.Store.RenamePasskey(ctx, owner, id, name)
}

// RemovePasskey removes one of the owner's passkeys: the device holding it
// signs in no more. The last passkey of an account without a password
// stays (the store refuses).
func (a *Auth) RemovePasskey(ctx context.Context, owner upshot.OwnerID, id int64, device string) error {
	list, err := a.Store.Passkeys(ctx, owner)
	if err != nil {
		return err
	}
	name := ""
	for _, p := range list {
		if p.ID == id {
			name = p.Name
		}
	}
	if err := a.Store.DeletePasskey(ctx, owner, id); err != nil {
		return err
	}
	return a.Audit(ctx, owner, upshot.AuditPasskeyRemoved, device, name)
}

// RemovePassword makes the owner's account passkey-only, after checking the
// current password: from then on it signs in with its passkeys alone.
func (a *Auth) RemovePassword(ctx context.Context, owner upshot.OwnerID, current string, keep int64, device string) error {
	acc, err := a.Store.AccountByID(ctx, owner)
	if err != nil {
		return err
	}
	if !acc.HasPassword {
		return upshot.Errorf(upshot.ECONFLICT, "current", "current: this account has no password")
	}
	if ok, _, err := auth.VerifyPassword(acc.PasswordHash, current); err != nil || !ok {
		return upshot.Invalid("current", "current: that is not your current password; the password stays")
	}
	if err := a.Store.DropPassword(ctx, owner); err != nil {
		return err
	}
	// As after a password change: whoever knew the password is signed out.
	if _, err = a.Store.DeleteAuthSessions(ctx, owner, keep); err != nil {
		return err
	}
	return a.Audit(ctx, owner, upshot.AuditPasswordRemoved, device, "")
}

package upshot

import (
	"context"
	"time"
)

// Passkey is a WebAuthn credential an account signs in with (issue 13 item
// 3). Only its public half is kept; the private key never leaves the
// person's authenticator (a phone, a laptop, a security key).
type Passkey struct {
	ID    int64   `json:"id"`
	Owner OwnerID `json:"-"`
	// CredentialID is the authenticator's id for the credential, unique in
	// the database; UserHandle is the account's WebAuthn user handle, the
	// same on every passkey of one owner. Both raw bytes.
	CredentialID []byte `json:"-"`
	UserHandle   []byte `json:"-"`
	PublicKey    []byte `json:"-"`
	SignCount    uint32 `json:"-"`
	// Authenticator is what else a sign-in checks (flags, transports,
	// AAGUID), as JSON the passkey code reads and writes; the store keeps it
	// as it is given.
	Authenticator []byte     `json:"-"`
	Name          string     `json:"name"`
	CreatedAt     time.Time  `json:"created_at"`
	LastUsedAt    *time.Time `json:"last_used_at,omitempty"`
}

// MaxPasskeyNameLen bounds a passkey's name.
const MaxPasskeyNameLen = 64

// MaxPasskeysPerAccount bounds how many passkeys one account keeps: more
// than anyone carries devices, and small enough that a sign-in's list of
// credentials stays short.
const MaxPasskeysPerAccount = 20

// Ceremony kinds: a WebAuthn ceremony is begun and finished in two
// requests; what the first one chose (the challenge) waits on the server.
const (
	CeremonyRegister = "register"
	CeremonySignIn   = "signin"
)

// PasskeyCeremony is a WebAuthn ceremony begun and not yet finished. It is
// found by the hash of a random token the browser holds, used once, and
// worthless after ExpiresAt.
type PasskeyCeremony struct {
	TokenHash string
	Kind      string
	Owner     OwnerID // the account registering a passkey; 0 for a sign-in
	Data      []byte  // the WebAuthn library's ceremony state, as JSON
	ExpiresAt time.Time
}

// PasskeyService keeps passkeys and their ceremonies. Lookups by credential
// id are how a sign-in finds its account; every other method names the
// owner, and another owner's passkey is ENOTFOUND.
type PasskeyService interface {
	// CreatePasskey adds a passkey and sets its ID. A name the owner uses
	// already is ECONFLICT, and so is a credential id stored already (for
	// any owner). The user handle of the owner's existing passkeys wins over
	// the one given, so all of an owner's passkeys share one.
	CreatePasskey(ctx context.Context, p *Passkey) error
	// Passkeys lists the owner's passkeys, oldest first.
	Passkeys(ctx context.Context, owner OwnerID) ([]*Passkey, error)
	// PasskeyByCredentialID finds a passkey by its credential id (ENOTFOUND).
	PasskeyByCredentialID(ctx context.Context, credentialID []byte) (*Passkey, error)
	// PasskeyUsed records a sign-in with the passkey: its new counter and
	// authenticator state, and the time.
	PasskeyUsed(ctx context.Context, owner OwnerID, id int64, signCount uint32, authenticator []byte, at time.Time) error
	// RenamePasskey renames one of the owner's passkeys.
	RenamePasskey(ctx context.Context, owner OwnerID, id int64, name string) error
	// DeletePasskey removes one of the owner's passkeys. The last passkey
	// of an account without a password is not removed (ECONFLICT): that
	// would leave the account with no way in.
	DeletePasskey(ctx context.Context, owner OwnerID, id int64) error
	// DropPassword removes the owner's password when the account has a
	// passkey (else ECONFLICT), in one transaction with that check: the
	// account then signs in with its passkeys alone.
	DropPassword(ctx context.Context, owner OwnerID) error

	// BeginCeremony stores a ceremony, first dropping those that expired.
	// More than maxOpen unexpired ceremonies of the kind is ECONFLICT (a
	// flood of unfinished sign-ins cannot fill the database).
	BeginCeremony(ctx context.Context, c *PasskeyCeremony, maxOpen int) error
	// TakeCeremony finds the ceremony of that kind, token hash and owner (0
	// for a sign-in), deletes it and returns it: a second take of the same
	// token is ENOTFOUND. An expired one is deleted and ENOTFOUND too.
	TakeCeremony(ctx context.Context, kind, tokenHash string, owner OwnerID, now time.Time) (*PasskeyCeremony, error)
}

-- Schema 8 for SQLite. Keep in step with ../postgres/00008_passkeys.sql.
--
-- Passkeys (issue 13 item 3): WebAuthn credentials an account signs in with,
-- several per account, each named by its owner. Only public keys are stored:
-- a copy of the database signs no one in. Like sessions and API tokens they
-- are not records (never exported or imported) and a backup does not carry
-- them (store.CredentialTables); deleting an account deletes them.
--   credential_id:  the authenticator's id of the credential, base64url; unique in the database
--   user_handle:    the account's WebAuthn user handle, base64url: random, the same on every passkey of one owner
--   public_key:     the COSE public key, base64url
--   sign_count:     the authenticator's signature counter at the last use
--   authenticator:  JSON of what else the WebAuthn library checks at sign-in (flags, transports, AAGUID, attestation type)
--   last_used_at:   NULL until the first sign-in with it
-- passkey_ceremonies holds the challenge of each WebAuthn ceremony begun and
-- not yet finished, on the server so that two servers on one database finish
-- each other's ceremonies: a row is found by the hash of a random token the
-- browser holds, deleted when it is used (once) and worthless after
-- expires_at. owner_id is the account registering a passkey, NULL for a
-- sign-in (the account is not known until the passkey answers).
--   kind: register or signin
--   data: JSON of the library's ceremony state (the challenge, the relying party, the allowed credentials)

-- +goose Up
CREATE TABLE passkeys (
    id            INTEGER PRIMARY KEY,
    owner_id      INTEGER NOT NULL REFERENCES users (id),
    credential_id TEXT    NOT NULL UNIQUE,
    user_handle   TEXT    NOT NULL,
    public_key    TEXT    NOT NULL,
    sign_count    INTEGER NOT NULL CHECK (sign_count >= 0),
    authenticator TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    last_used_at  TEXT,
    UNIQUE (owner_id, name)
);

CREATE TABLE passkey_ceremonies (
    id         INTEGER PRIMARY KEY,
    token_hash TEXT    NOT NULL UNIQUE,
    kind       TEXT    NOT NULL CHECK (kind IN ('register', 'signin')),
    owner_id   INTEGER REFERENCES users (id),
    data       TEXT    NOT NULL,
    expires_at TEXT    NOT NULL
);
CREATE INDEX passkey_ceremonies_by_expiry ON passkey_ceremonies (expires_at);

-- +goose Down
DROP TABLE passkey_ceremonies;
DROP TABLE passkeys;

-- Schema 6 for SQLite. Keep in step with ../postgres/00006_credentials.sql.
--
-- Credentials (issue 13): the sessions of signed-in browsers and the API
-- tokens of scripts. Only a SHA-256 hash of each secret is stored (the
-- secrets are 256-bit random tokens, so a fast hash is enough: there is
-- nothing to guess), so a copy of the database signs no one in.
-- These are not records: they are never exported, imported or backed up, and
-- their ids are one sequence for the whole database (every query still names
-- the owner). Deleting an account deletes them (store.ownerTables).
--   auth_sessions.device:       a short description of the browser ("Firefox on Linux")
--   auth_sessions.last_used_at: updated at most once a minute, for the idle timeout
--   api_tokens.expires_at:      NULL for a token that does not expire

-- +goose Up
CREATE TABLE auth_sessions (
    id           INTEGER PRIMARY KEY,
    owner_id     INTEGER NOT NULL REFERENCES users (id),
    token_hash   TEXT    NOT NULL UNIQUE,
    device       TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    last_used_at TEXT    NOT NULL
);
CREATE INDEX auth_sessions_by_owner ON auth_sessions (owner_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    owner_id     INTEGER NOT NULL REFERENCES users (id),
    name         TEXT    NOT NULL,
    token_hash   TEXT    NOT NULL UNIQUE,
    created_at   TEXT    NOT NULL,
    expires_at   TEXT,
    last_used_at TEXT,
    UNIQUE (owner_id, name)
);

-- +goose Down
DROP TABLE api_tokens;
DROP TABLE auth_sessions;

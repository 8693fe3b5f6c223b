-- Schema 10 for SQLite. Keep in step with ../postgres/00010_invites.sql.
--
-- Invitations (issue 13 item 2): with 'upshot serve --registration invite'
-- a person signs up only with a link the administrator made ('upshot user
-- invite'). The link holds a random 256-bit token; only its SHA-256 hash is
-- stored. An invitation is used once (used_at, set in the transaction that
-- creates the account) and expires (expires_at). It belongs to no account
-- (the administrator made it), so it has no owner_id; like the credentials
-- it is a way in, so a backup never carries it (store.NotCarriedTables).
-- Invitations that expired or were used more than 30 days ago are deleted
-- when the next one is made.

-- +goose Up
CREATE TABLE invites (
    id         INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);

-- +goose Down
DROP TABLE invites;

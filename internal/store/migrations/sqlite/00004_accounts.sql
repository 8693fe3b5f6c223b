-- Schema 4 for SQLite. Keep in step with ../postgres/00004_accounts.sql.
--
-- Accounts: a person signs in with a login and a password (issue 13). The
-- single person of a local install, user 1, becomes the account 'local'; it
-- has no password, so a loopback server stays one person behind the launch
-- token until an account has one. A user without a login (made by a restore
-- of an older backup or an import tool) cannot sign in until given one.
--   login:               lowercase, unique; NULL for none
--   password_hash:       PHC-encoded argon2id hash (internal/auth); NULL for none
--   password_changed_at: when it was last set, a stored timestamp
--   disabled_at:         set while the account may not sign in
-- A unique index rather than a UNIQUE column: SQLite cannot add a column
-- with a UNIQUE constraint, and both databases let NULLs repeat in it.

-- +goose Up
ALTER TABLE users ADD COLUMN login TEXT;
ALTER TABLE users ADD COLUMN password_hash TEXT;
ALTER TABLE users ADD COLUMN password_changed_at TEXT;
ALTER TABLE users ADD COLUMN disabled_at TEXT;
UPDATE users SET login = 'local' WHERE id = 1;
CREATE UNIQUE INDEX users_by_login ON users (login);

-- +goose Down
DROP INDEX users_by_login;
ALTER TABLE users DROP COLUMN disabled_at;
ALTER TABLE users DROP COLUMN password_changed_at;
ALTER TABLE users DROP COLUMN password_hash;
ALTER TABLE users DROP COLUMN login;

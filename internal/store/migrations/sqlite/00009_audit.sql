-- Schema 9 for SQLite. Keep in step with ../postgres/00009_audit.sql.
--
-- The audit log (issue 13 item 7): each account's sign-ins (and failed
-- ones), sign-outs, password, token and passkey changes, exports and
-- backups, for the account's own eyes. It holds no health data: a kind, a
-- device in a few words ("Firefox on Linux"), a label the person gave (a
-- token's name) and a time. Like the credentials it is not a record: never
-- exported, imported or carried by a backup (store.NotCarriedTables).
-- Events are forgotten after 'upshot serve --audit-days' (365 by default)
-- and beyond the newest upshot.MaxAuditEvents of an account; deleting the
-- account deletes them (store.ownerTables).
--   kind:   an upshot.AuditKind
--   detail: '' or a token's or passkey's name
--   at:     a stored timestamp

-- +goose Up
CREATE TABLE audit_events (
    id       INTEGER PRIMARY KEY,
    owner_id INTEGER NOT NULL REFERENCES users (id),
    kind     TEXT    NOT NULL,
    device   TEXT    NOT NULL,
    detail   TEXT    NOT NULL DEFAULT '',
    at       TEXT    NOT NULL
);
CREATE INDEX audit_events_by_owner ON audit_events (owner_id, at);

-- +goose Down
DROP TABLE audit_events;

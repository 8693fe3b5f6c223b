-- Schema 12 for PostgreSQL. Keep in step with ../sqlite/00012_list_stamps.sql.
--
-- users.sessions_changed and users.checkins_changed are the owner's revision
-- at the last write that changed their sessions (with the sessions' goal and
-- agenda rows) or their check-ins. The store sets them in the same statement
-- that moves the revision (store.bumpRevision: no extra statement or page in
-- a write), so a reader that keeps those lists between reads (the
-- dashboard, store.ExportWithoutNotesReusing) tells with one primary-key
-- read whether each list is still the one it holds, also after another
-- process wrote, instead of scanning every row for a fingerprint. Existing
-- people start at 0: nothing can hold a list read before this migration.

-- +goose Up
ALTER TABLE users ADD COLUMN sessions_changed BIGINT NOT NULL DEFAULT 0 CHECK (sessions_changed >= 0);
ALTER TABLE users ADD COLUMN checkins_changed BIGINT NOT NULL DEFAULT 0 CHECK (checkins_changed >= 0);

-- +goose Down
ALTER TABLE users DROP COLUMN checkins_changed;
ALTER TABLE users DROP COLUMN sessions_changed;

-- Schema 2 for PostgreSQL. Keep in step with ../sqlite/00002_revision.sql.
--
-- users.revision is each person's data revision: every committed write to
-- their records adds one to it in the same transaction (store.DB.write), so
-- a server can keep something built from the records (a rendered dashboard)
-- and tell with one primary-key read whether it is stale, also after another
-- process (the CLI) wrote to the same database. Existing people start at 0.

-- +goose Up
ALTER TABLE users ADD COLUMN revision BIGINT NOT NULL DEFAULT 0 CHECK (revision >= 0);

-- +goose Down
ALTER TABLE users DROP COLUMN revision;

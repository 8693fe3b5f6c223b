-- Schema 13 for PostgreSQL. Keep in step with ../sqlite/00013_clustered_session_rows.sql.
--
-- Nothing changes here: SQLite's schema 13 makes session_goals and
-- session_agenda WITHOUT ROWID tables (one b-tree instead of two, a page
-- fewer in the WAL when a session is logged). A PostgreSQL table is a heap
-- with its primary key as an index either way; the step keeps the two
-- schemas' version numbers in step.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;

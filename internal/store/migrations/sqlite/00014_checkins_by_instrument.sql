-- Schema 14 for SQLite. Keep in step with ../postgres/00014_checkins_by_instrument.sql.
--
-- A check-in is scored against the first check-in of its instrument and the
-- one just before it (by date, then id). This index finds both for a page of
-- check-ins without reading the rest of the history (the sync API's pages).

-- +goose Up
CREATE INDEX checkins_by_instrument ON checkins (owner_id, instrument, date, id);

-- +goose Down
DROP INDEX checkins_by_instrument;

-- Schema 15 for SQLite. Keep in step with ../postgres/00015_idempotent_records.sql.
--
-- etag: the ETag of the answer kept for a key, given again with it.
-- The record a POST with an Idempotency-Key created, written in the
-- transaction that creates it (record_kind: therapist, goal, session,
-- checkin or agenda_item; record_id its id; '' and 0 while none is). The
-- answer itself (status, location, body) is kept once it is built, in a
-- later transaction; if the server stops in between, the key still names
-- the record, so a retry is answered from it instead of recording it again.

-- +goose Up
ALTER TABLE idempotency_keys ADD COLUMN etag TEXT NOT NULL DEFAULT '';
ALTER TABLE idempotency_keys ADD COLUMN record_kind TEXT NOT NULL DEFAULT '';
ALTER TABLE idempotency_keys ADD COLUMN record_id INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE idempotency_keys DROP COLUMN record_id;
ALTER TABLE idempotency_keys DROP COLUMN record_kind;
ALTER TABLE idempotency_keys DROP COLUMN etag;

-- Schema 11 for PostgreSQL. Keep in step with ../sqlite/00011_sync.sql.
--
-- What a client that syncs needs (issue 15 item 5).
-- tombstones: a deleted record's kind and id, so that "what changed since"
--   reports deletions too. Kept for the setting tombstone_days (90 by
--   default); ids are never reused (id_counters), so a tombstone can only
--   ever stand for the one record.
-- idempotency_keys: the answer to a POST sent with an Idempotency-Key, kept
--   24 hours, so a retry gets the first answer instead of a second record.
--   status is 0 while the first request is still being answered.
-- The (owner_id, updated_at, id) indexes serve the lists a client pages
-- through by time of change.

-- +goose Up
CREATE TABLE tombstones (
    owner_id   BIGINT NOT NULL REFERENCES users (id),
    kind       TEXT    NOT NULL CHECK (kind IN ('therapist', 'goal', 'session', 'checkin', 'agenda_item')),
    record_id  BIGINT NOT NULL CHECK (record_id > 0),
    deleted_at TEXT    NOT NULL,
    PRIMARY KEY (owner_id, kind, record_id)
);
CREATE INDEX tombstones_by_time ON tombstones (owner_id, kind, deleted_at, record_id);

CREATE TABLE idempotency_keys (
    owner_id     BIGINT NOT NULL REFERENCES users (id),
    idem_key     TEXT    NOT NULL,
    request_hash TEXT    NOT NULL,
    status       BIGINT NOT NULL CHECK (status = 0 OR status BETWEEN 200 AND 299),
    location     TEXT    NOT NULL,
    body         TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    PRIMARY KEY (owner_id, idem_key)
);
CREATE INDEX idempotency_keys_by_time ON idempotency_keys (owner_id, created_at);

CREATE INDEX therapists_by_change ON therapists (owner_id, updated_at, id);
CREATE INDEX goals_by_change ON goals (owner_id, updated_at, id);
CREATE INDEX sessions_by_change ON sessions (owner_id, updated_at, id);
CREATE INDEX checkins_by_change ON checkins (owner_id, updated_at, id);
CREATE INDEX agenda_items_by_change ON agenda_items (owner_id, updated_at, id);

-- +goose Down
DROP INDEX agenda_items_by_change;
DROP INDEX checkins_by_change;
DROP INDEX sessions_by_change;
DROP INDEX goals_by_change;
DROP INDEX therapists_by_change;
DROP INDEX idempotency_keys_by_time;
DROP TABLE idempotency_keys;
DROP INDEX tombstones_by_time;
DROP TABLE tombstones;

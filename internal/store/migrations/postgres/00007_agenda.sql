-- Schema 7 for PostgreSQL. Keep in step with ../sqlite/00007_agenda.sql.
--
-- agenda_items holds the things a person wants to raise in a session, in
-- their own words or adopted from the review (issue 14 item 2).
--   source: mine or review
--   status: open, dealt_with or dropped, as the person set it by hand
--   closed: the day it was closed by hand; NULL while open
-- session_agenda records what became of each open item at a session
-- (raised, dealt_with or not_raised): an item's history. A session's rows go
-- with it; an item with rows cannot be deleted (its history is kept).
-- Every person gets an id counter for agenda items.

-- +goose Up
CREATE TABLE agenda_items (
    owner_id   BIGINT  NOT NULL REFERENCES users (id),
    id         BIGINT  NOT NULL CHECK (id > 0),
    text       TEXT    NOT NULL,
    source     TEXT    NOT NULL CHECK (source IN ('mine', 'review')),
    status     TEXT    NOT NULL CHECK (status IN ('open', 'dealt_with', 'dropped')),
    opened     TEXT    NOT NULL,
    closed     TEXT,
    version    BIGINT  NOT NULL CHECK (version >= 1),
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (owner_id, id)
);

CREATE TABLE session_agenda (
    owner_id   BIGINT  NOT NULL REFERENCES users (id),
    session_id BIGINT  NOT NULL,
    item_id    BIGINT  NOT NULL,
    mark       TEXT    NOT NULL CHECK (mark IN ('raised', 'dealt_with', 'not_raised')),
    PRIMARY KEY (owner_id, session_id, item_id),
    FOREIGN KEY (owner_id, session_id) REFERENCES sessions (owner_id, id) ON DELETE CASCADE,
    FOREIGN KEY (owner_id, item_id) REFERENCES agenda_items (owner_id, id)
);
CREATE INDEX session_agenda_by_item ON session_agenda (owner_id, item_id);

INSERT INTO id_counters (owner_id, kind, last_id) SELECT id, 'agenda', 0 FROM users;

-- +goose Down
DELETE FROM id_counters WHERE kind = 'agenda';
DROP INDEX session_agenda_by_item;
DROP TABLE session_agenda;
DROP TABLE agenda_items;

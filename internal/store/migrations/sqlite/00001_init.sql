-- Schema 1 for SQLite. Keep in step with ../postgres/00001_init.sql: the same
-- tables, columns, keys and checks; only the type names differ.
--
-- Every table carries owner_id and its primary key starts with it; foreign keys
-- include owner_id, so a row can never point at another person's record.
-- Dates are TEXT 'YYYY-MM-DD' and timestamps TEXT in UTC with fixed microsecond
-- precision ('2006-01-02T15:04:05.000000Z'): both sort as text and read back
-- byte for byte the same on SQLite and PostgreSQL.

-- +goose Up
CREATE TABLE users (
    -- AUTOINCREMENT so that the id of a removed user is never handed to someone else.
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Per-owner id counters: each person's ids start at 1, are never reused after
-- a delete, and an import can keep the ids of the file.
CREATE TABLE id_counters (
    owner_id INTEGER NOT NULL REFERENCES users (id),
    kind     TEXT    NOT NULL,
    last_id  INTEGER NOT NULL CHECK (last_id >= 0),
    PRIMARY KEY (owner_id, kind)
);

CREATE TABLE therapists (
    owner_id    INTEGER NOT NULL REFERENCES users (id),
    id          INTEGER NOT NULL CHECK (id > 0),
    name        TEXT    NOT NULL,
    credentials TEXT    NOT NULL,
    approach    TEXT    NOT NULL,
    fee         INTEGER CHECK (fee BETWEEN 0 AND 100000000),
    currency    TEXT    NOT NULL,
    started     TEXT,
    ended       TEXT,
    version     INTEGER NOT NULL CHECK (version >= 1),
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    PRIMARY KEY (owner_id, id)
);

CREATE TABLE goals (
    owner_id    INTEGER NOT NULL REFERENCES users (id),
    id          INTEGER NOT NULL CHECK (id > 0),
    title       TEXT    NOT NULL,
    domain      TEXT    NOT NULL,
    severity    INTEGER CHECK (severity BETWEEN 0 AND 10),
    solved_when TEXT    NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('open', 'solved', 'dropped')),
    opened      TEXT    NOT NULL,
    closed      TEXT,
    version     INTEGER NOT NULL CHECK (version >= 1),
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    PRIMARY KEY (owner_id, id)
);

CREATE TABLE sessions (
    owner_id           INTEGER NOT NULL REFERENCES users (id),
    id                 INTEGER NOT NULL CHECK (id > 0),
    therapist_id       INTEGER NOT NULL,
    date               TEXT    NOT NULL,
    minutes            INTEGER CHECK (minutes BETWEEN 1 AND 600),
    fee                INTEGER CHECK (fee BETWEEN 0 AND 100000000),
    format             TEXT    NOT NULL,
    agenda             TEXT    NOT NULL,
    -- Focus: all five NULL means no focus was recorded.
    focus_life         INTEGER,
    focus_relationship INTEGER,
    focus_therapist    INTEGER,
    focus_admin        INTEGER,
    focus_other        INTEGER,
    got                TEXT    NOT NULL, -- canonical comma-joined set
    helpful            INTEGER CHECK (helpful BETWEEN 0 AND 10),
    felt_after         TEXT    NOT NULL,
    conduct_empathy     INTEGER CHECK (conduct_empathy BETWEEN 1 AND 5),
    conduct_compassion  INTEGER CHECK (conduct_compassion BETWEEN 1 AND 5),
    conduct_respect     INTEGER CHECK (conduct_respect BETWEEN 1 AND 5),
    conduct_kindness    INTEGER CHECK (conduct_kindness BETWEEN 1 AND 5),
    conduct_judgment    INTEGER CHECK (conduct_judgment BETWEEN 1 AND 5),
    conduct_honesty     INTEGER CHECK (conduct_honesty BETWEEN 1 AND 5),
    conduct_integrity   INTEGER CHECK (conduct_integrity BETWEEN 1 AND 5),
    conduct_objectivity INTEGER CHECK (conduct_objectivity BETWEEN 1 AND 5),
    flags              TEXT    NOT NULL, -- canonical comma-joined set
    note               TEXT    NOT NULL,
    version            INTEGER NOT NULL CHECK (version >= 1),
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL,
    PRIMARY KEY (owner_id, id),
    FOREIGN KEY (owner_id, therapist_id) REFERENCES therapists (owner_id, id),
    CHECK ((focus_life IS NULL AND focus_relationship IS NULL AND focus_therapist IS NULL
            AND focus_admin IS NULL AND focus_other IS NULL)
        OR (focus_life IS NOT NULL AND focus_relationship IS NOT NULL AND focus_therapist IS NOT NULL
            AND focus_admin IS NOT NULL AND focus_other IS NOT NULL))
);
CREATE INDEX sessions_by_date ON sessions (owner_id, date, id);
CREATE INDEX sessions_by_therapist ON sessions (owner_id, therapist_id);

CREATE TABLE session_goals (
    owner_id   INTEGER NOT NULL REFERENCES users (id),
    session_id INTEGER NOT NULL,
    goal_id    INTEGER NOT NULL,
    progress   INTEGER CHECK (progress BETWEEN -3 AND 3),
    PRIMARY KEY (owner_id, session_id, goal_id),
    FOREIGN KEY (owner_id, session_id) REFERENCES sessions (owner_id, id) ON DELETE CASCADE,
    FOREIGN KEY (owner_id, goal_id) REFERENCES goals (owner_id, id)
);
CREATE INDEX session_goals_by_goal ON session_goals (owner_id, goal_id);

CREATE TABLE instrument_definitions (
    owner_id   INTEGER NOT NULL REFERENCES users (id),
    instrument TEXT    NOT NULL,
    version    INTEGER NOT NULL CHECK (version >= 1),
    definition TEXT    NOT NULL, -- the JSON document, compacted
    PRIMARY KEY (owner_id, instrument, version)
);

CREATE TABLE checkins (
    owner_id           INTEGER NOT NULL REFERENCES users (id),
    id                 INTEGER NOT NULL CHECK (id > 0),
    instrument         TEXT    NOT NULL,
    instrument_version INTEGER NOT NULL,
    date               TEXT    NOT NULL,
    answers            TEXT    NOT NULL, -- JSON array of integers or null
    version            INTEGER NOT NULL CHECK (version >= 1),
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL,
    PRIMARY KEY (owner_id, id),
    FOREIGN KEY (owner_id, instrument, instrument_version)
        REFERENCES instrument_definitions (owner_id, instrument, version)
);
CREATE INDEX checkins_by_date ON checkins (owner_id, date, id);

CREATE TABLE settings (
    owner_id INTEGER NOT NULL REFERENCES users (id),
    name     TEXT    NOT NULL,
    value    TEXT    NOT NULL,
    PRIMARY KEY (owner_id, name)
);

-- +goose Down
DROP TABLE settings;
DROP TABLE checkins;
DROP TABLE instrument_definitions;
DROP TABLE session_goals;
DROP TABLE sessions;
DROP TABLE goals;
DROP TABLE therapists;
DROP TABLE id_counters;
DROP TABLE users;

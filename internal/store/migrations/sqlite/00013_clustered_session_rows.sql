-- Schema 13 for SQLite. Keep in step with ../postgres/00013_clustered_session_rows.sql.
--
-- session_goals and session_agenda become WITHOUT ROWID tables: their rows
-- are stored in the order of their primary key (owner, session, goal or
-- item) in one b-tree, instead of a rowid table plus a second b-tree for the
-- primary key. Logging a session with goals writes one page fewer to the
-- WAL and inserts each row into two b-trees instead of three (issue 17, one
-- writer); a session's goals are read from one b-tree. Rows are small
-- (four columns), which is what WITHOUT ROWID is for. Columns, keys,
-- checks and indexes are unchanged; the rows are copied as they are.

-- +goose Up
CREATE TABLE session_goals_clustered (
    owner_id   INTEGER NOT NULL REFERENCES users (id),
    session_id INTEGER NOT NULL,
    goal_id    INTEGER NOT NULL,
    progress   INTEGER CHECK (progress BETWEEN -3 AND 3),
    PRIMARY KEY (owner_id, session_id, goal_id),
    FOREIGN KEY (owner_id, session_id) REFERENCES sessions (owner_id, id) ON DELETE CASCADE,
    FOREIGN KEY (owner_id, goal_id) REFERENCES goals (owner_id, id)
) WITHOUT ROWID;
INSERT INTO session_goals_clustered (owner_id, session_id, goal_id, progress)
    SELECT owner_id, session_id, goal_id, progress FROM session_goals;
DROP TABLE session_goals;
ALTER TABLE session_goals_clustered RENAME TO session_goals;
CREATE INDEX session_goals_by_goal ON session_goals (owner_id, goal_id);

CREATE TABLE session_agenda_clustered (
    owner_id   INTEGER NOT NULL REFERENCES users (id),
    session_id INTEGER NOT NULL,
    item_id    INTEGER NOT NULL,
    mark       TEXT    NOT NULL CHECK (mark IN ('raised', 'dealt_with', 'not_raised')),
    PRIMARY KEY (owner_id, session_id, item_id),
    FOREIGN KEY (owner_id, session_id) REFERENCES sessions (owner_id, id) ON DELETE CASCADE,
    FOREIGN KEY (owner_id, item_id) REFERENCES agenda_items (owner_id, id)
) WITHOUT ROWID;
INSERT INTO session_agenda_clustered (owner_id, session_id, item_id, mark)
    SELECT owner_id, session_id, item_id, mark FROM session_agenda;
DROP TABLE session_agenda;
ALTER TABLE session_agenda_clustered RENAME TO session_agenda;
CREATE INDEX session_agenda_by_item ON session_agenda (owner_id, item_id);

-- +goose Down
CREATE TABLE session_agenda_rowid (
    owner_id   INTEGER NOT NULL REFERENCES users (id),
    session_id INTEGER NOT NULL,
    item_id    INTEGER NOT NULL,
    mark       TEXT    NOT NULL CHECK (mark IN ('raised', 'dealt_with', 'not_raised')),
    PRIMARY KEY (owner_id, session_id, item_id),
    FOREIGN KEY (owner_id, session_id) REFERENCES sessions (owner_id, id) ON DELETE CASCADE,
    FOREIGN KEY (owner_id, item_id) REFERENCES agenda_items (owner_id, id)
);
INSERT INTO session_agenda_rowid (owner_id, session_id, item_id, mark)
    SELECT owner_id, session_id, item_id, mark FROM session_agenda;
DROP TABLE session_agenda;
ALTER TABLE session_agenda_rowid RENAME TO session_agenda;
CREATE INDEX session_agenda_by_item ON session_agenda (owner_id, item_id);

CREATE TABLE session_goals_rowid (
    owner_id   INTEGER NOT NULL REFERENCES users (id),
    session_id INTEGER NOT NULL,
    goal_id    INTEGER NOT NULL,
    progress   INTEGER CHECK (progress BETWEEN -3 AND 3),
    PRIMARY KEY (owner_id, session_id, goal_id),
    FOREIGN KEY (owner_id, session_id) REFERENCES sessions (owner_id, id) ON DELETE CASCADE,
    FOREIGN KEY (owner_id, goal_id) REFERENCES goals (owner_id, id)
);
INSERT INTO session_goals_rowid (owner_id, session_id, goal_id, progress)
    SELECT owner_id, session_id, goal_id, progress FROM session_goals;
DROP TABLE session_goals;
ALTER TABLE session_goals_rowid RENAME TO session_goals;
CREATE INDEX session_goals_by_goal ON session_goals (owner_id, goal_id);

-- Schema 5 for SQLite. Keep in step with ../postgres/00005_calendar_feeds.sql.
--
-- calendar_feeds holds each person's one calendar feed (issue 15): reminders
-- a calendar app fetches from a secret address. Only the SHA-256 of the
-- address's secret is kept (hex), as for every secret; making a new address
-- replaces the row, so the old address stops working.
--   token_hash: hex SHA-256 of the secret in the feed's address, unique
--   created_at: when this address was made, a stored timestamp

-- +goose Up
CREATE TABLE calendar_feeds (
    owner_id   INTEGER NOT NULL REFERENCES users (id),
    token_hash TEXT    NOT NULL UNIQUE,
    created_at TEXT    NOT NULL,
    PRIMARY KEY (owner_id)
);

-- +goose Down
DROP TABLE calendar_feeds;

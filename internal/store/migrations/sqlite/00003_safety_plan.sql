-- Schema 3 for SQLite. Keep in step with ../postgres/00003_safety_plan.sql.
--
-- safety_plans holds each person's one safety plan (Stanley-Brown
-- structure). Each section is a JSON array of one-line items in the person's
-- own order; the owner is the key, so a person has at most one plan.

-- +goose Up
CREATE TABLE safety_plans (
    owner_id           INTEGER NOT NULL REFERENCES users (id),
    warning_signs      TEXT    NOT NULL,
    coping_steps       TEXT    NOT NULL,
    people_places      TEXT    NOT NULL,
    ask_for_help       TEXT    NOT NULL,
    professionals      TEXT    NOT NULL,
    safer_surroundings TEXT    NOT NULL,
    reasons_to_live    TEXT    NOT NULL,
    version            INTEGER NOT NULL CHECK (version >= 1),
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL,
    PRIMARY KEY (owner_id)
);

-- +goose Down
DROP TABLE safety_plans;

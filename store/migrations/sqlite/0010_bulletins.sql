-- The monthly bulletin (issue 7): a data cut per unit and month, commentary while it is a
-- draft, frozen once published.
CREATE TABLE bulletins (
    id           INTEGER PRIMARY KEY,
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    year         INTEGER NOT NULL,
    month        INTEGER NOT NULL,
    status       TEXT NOT NULL,
    data         TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    built_at     TEXT NOT NULL,
    published_by TEXT NOT NULL DEFAULT '',
    published_at TEXT,
    version      INTEGER NOT NULL DEFAULT 1,
    UNIQUE (unit_id, year, month)
);

CREATE TABLE bulletin_comments (
    id          INTEGER PRIMARY KEY,
    bulletin_id INTEGER NOT NULL REFERENCES bulletins(id),
    kind        TEXT NOT NULL,
    target_id   INTEGER NOT NULL DEFAULT 0,
    target_name TEXT NOT NULL DEFAULT '',
    text        TEXT NOT NULL,
    by_name     TEXT NOT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX bulletin_comments_bulletin ON bulletin_comments(bulletin_id, id);

-- Dashboard rollups (issue 7): per lead unit, the figures a dashboard sums over a subtree,
-- so that a province's dashboard reads a few thousand rows instead of every project.
-- Triggers mark the units whose projects changed (rollup_dirty); the next dashboard read
-- rebuilds just those units before it sums (store/rollups.go).
CREATE TABLE rollup_dirty (
    unit_id INTEGER PRIMARY KEY
);

-- Projects now, by stage and tier.
CREATE TABLE rollup_projects (
    unit_id    INTEGER NOT NULL,
    stage      TEXT NOT NULL,
    tier       INTEGER NOT NULL,
    n          INTEGER NOT NULL,
    investment BIGINT NOT NULL,
    PRIMARY KEY (unit_id, stage, tier)
);

-- Per month: investment completed (and its parts), projects signed by tier, started,
-- entering statistics, signed and entering statistics in the same year.
CREATE TABLE rollup_months (
    unit_id         INTEGER NOT NULL,
    year            INTEGER NOT NULL,
    month           INTEGER NOT NULL,
    completed       BIGINT NOT NULL DEFAULT 0,
    manufacturing   BIGINT NOT NULL DEFAULT 0,
    high_tech       BIGINT NOT NULL DEFAULT 0,
    private         BIGINT NOT NULL DEFAULT 0,
    signed1         INTEGER NOT NULL DEFAULT 0,
    signed10        INTEGER NOT NULL DEFAULT 0,
    signed100       INTEGER NOT NULL DEFAULT 0,
    started         INTEGER NOT NULL DEFAULT 0,
    in_stats        INTEGER NOT NULL DEFAULT 0,
    signed_in_stats INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, year, month)
);

-- Per year: the annual plan and how many projects have one.
CREATE TABLE rollup_years (
    unit_id  INTEGER NOT NULL,
    year     INTEGER NOT NULL,
    plan     BIGINT NOT NULL,
    projects INTEGER NOT NULL,
    PRIMARY KEY (unit_id, year)
);

-- Warning colours now.
CREATE TABLE rollup_colours (
    unit_id INTEGER NOT NULL,
    colour  TEXT NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (unit_id, colour)
);

-- (NOT EXISTS, not INSERT OR IGNORE: an upsert that fires a trigger overrides the
-- trigger's conflict clause.)
CREATE TRIGGER projects_rollup_ins AFTER INSERT ON projects BEGIN
    INSERT INTO rollup_dirty (unit_id) SELECT NEW.unit_id WHERE NOT EXISTS (SELECT 1 FROM rollup_dirty WHERE unit_id = NEW.unit_id);
END;
CREATE TRIGGER projects_rollup_upd AFTER UPDATE ON projects BEGIN
    INSERT INTO rollup_dirty (unit_id) SELECT NEW.unit_id WHERE NOT EXISTS (SELECT 1 FROM rollup_dirty WHERE unit_id = NEW.unit_id);
    INSERT INTO rollup_dirty (unit_id) SELECT OLD.unit_id WHERE NOT EXISTS (SELECT 1 FROM rollup_dirty WHERE unit_id = OLD.unit_id);
END;
CREATE TRIGGER projects_rollup_del AFTER DELETE ON projects BEGIN
    INSERT INTO rollup_dirty (unit_id) SELECT OLD.unit_id WHERE NOT EXISTS (SELECT 1 FROM rollup_dirty WHERE unit_id = OLD.unit_id);
END;
CREATE TRIGGER project_months_rollup_ins AFTER INSERT ON project_months BEGIN
    INSERT INTO rollup_dirty (unit_id) SELECT p.unit_id FROM projects p WHERE p.id = NEW.project_id
        AND NOT EXISTS (SELECT 1 FROM rollup_dirty d WHERE d.unit_id = p.unit_id);
END;
CREATE TRIGGER project_months_rollup_upd AFTER UPDATE ON project_months BEGIN
    INSERT INTO rollup_dirty (unit_id) SELECT p.unit_id FROM projects p WHERE p.id = NEW.project_id
        AND NOT EXISTS (SELECT 1 FROM rollup_dirty d WHERE d.unit_id = p.unit_id);
END;
CREATE TRIGGER project_months_rollup_del AFTER DELETE ON project_months BEGIN
    INSERT INTO rollup_dirty (unit_id) SELECT p.unit_id FROM projects p WHERE p.id = OLD.project_id
        AND NOT EXISTS (SELECT 1 FROM rollup_dirty d WHERE d.unit_id = p.unit_id);
END;
CREATE TRIGGER project_years_rollup_ins AFTER INSERT ON project_years BEGIN
    INSERT INTO rollup_dirty (unit_id) SELECT p.unit_id FROM projects p WHERE p.id = NEW.project_id
        AND NOT EXISTS (SELECT 1 FROM rollup_dirty d WHERE d.unit_id = p.unit_id);
END;
CREATE TRIGGER project_years_rollup_upd AFTER UPDATE ON project_years BEGIN
    INSERT INTO rollup_dirty (unit_id) SELECT p.unit_id FROM projects p WHERE p.id = NEW.project_id
        AND NOT EXISTS (SELECT 1 FROM rollup_dirty d WHERE d.unit_id = p.unit_id);
END;
CREATE TRIGGER project_years_rollup_del AFTER DELETE ON project_years BEGIN
    INSERT INTO rollup_dirty (unit_id) SELECT p.unit_id FROM projects p WHERE p.id = OLD.project_id
        AND NOT EXISTS (SELECT 1 FROM rollup_dirty d WHERE d.unit_id = p.unit_id);
END;
CREATE TRIGGER project_colours_rollup_ins AFTER INSERT ON project_colours BEGIN
    INSERT INTO rollup_dirty (unit_id) SELECT p.unit_id FROM projects p WHERE p.id = NEW.project_id
        AND NOT EXISTS (SELECT 1 FROM rollup_dirty d WHERE d.unit_id = p.unit_id);
END;
CREATE TRIGGER project_colours_rollup_upd AFTER UPDATE OF colour, exempt ON project_colours BEGIN
    INSERT INTO rollup_dirty (unit_id) SELECT p.unit_id FROM projects p WHERE p.id = NEW.project_id
        AND NOT EXISTS (SELECT 1 FROM rollup_dirty d WHERE d.unit_id = p.unit_id);
END;
CREATE TRIGGER project_colours_rollup_del AFTER DELETE ON project_colours BEGIN
    INSERT INTO rollup_dirty (unit_id) SELECT p.unit_id FROM projects p WHERE p.id = OLD.project_id
        AND NOT EXISTS (SELECT 1 FROM rollup_dirty d WHERE d.unit_id = p.unit_id);
END;

-- Everything is dirty at first: the first dashboard read builds the rollups.
INSERT INTO rollup_dirty (unit_id) SELECT id FROM units;

-- Wall-screen tokens (大屏): read-only, never expiring, revocable; the screen sees the
-- subtree of unit_id. Only the SHA-256 of the secret is kept.
CREATE TABLE screen_tokens (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    prefix       TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);

-- The bulletin of a province (issue 7) read and sorted every current warning to count them
-- and list the first 200, and found a month's opened/cleared events through every project
-- of the subtree. Two changes:
-- 1. The current warnings of projects that are not exempt, counted per lead unit and
--    colour, kept like the other rollups (triggers on warnings mark the unit).
-- 2. warning_events by (event, on_date): a month's events of one kind in date order, so
--    the capped lists stop after their first rows.
CREATE TABLE rollup_warning_counts (
    unit_id INTEGER NOT NULL,
    colour  TEXT NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (unit_id, colour)
);

CREATE TRIGGER warnings_rollup_ins AFTER INSERT ON warnings BEGIN
    INSERT INTO rollup_dirty (unit_id) SELECT p.unit_id FROM projects p WHERE p.id = NEW.project_id
        AND NOT EXISTS (SELECT 1 FROM rollup_dirty d WHERE d.unit_id = p.unit_id);
END;
CREATE TRIGGER warnings_rollup_upd AFTER UPDATE OF colour ON warnings BEGIN
    INSERT INTO rollup_dirty (unit_id) SELECT p.unit_id FROM projects p WHERE p.id = NEW.project_id
        AND NOT EXISTS (SELECT 1 FROM rollup_dirty d WHERE d.unit_id = p.unit_id);
END;
CREATE TRIGGER warnings_rollup_del AFTER DELETE ON warnings BEGIN
    INSERT INTO rollup_dirty (unit_id) SELECT p.unit_id FROM projects p WHERE p.id = OLD.project_id
        AND NOT EXISTS (SELECT 1 FROM rollup_dirty d WHERE d.unit_id = p.unit_id);
END;

CREATE INDEX warning_events_event_date ON warning_events(event, on_date);

INSERT INTO rollup_dirty (unit_id) SELECT id FROM units WHERE id NOT IN (SELECT unit_id FROM rollup_dirty);

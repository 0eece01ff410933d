-- The bulletin of a province (issue 7) read and sorted every current warning to count them
-- and list the first 200, and found a month's opened/cleared events through every project
-- of the subtree. Two changes:
-- 1. The current warnings of projects that are not exempt, counted per lead unit and
--    colour, kept like the other rollups (triggers on warnings mark the unit).
-- 2. warning_events by (event, on_date): a month's events of one kind in date order, so
--    the capped lists stop after their first rows.
CREATE TABLE rollup_warning_counts (
    unit_id BIGINT NOT NULL,
    colour  TEXT NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (unit_id, colour)
);

CREATE TRIGGER warnings_rollup AFTER INSERT OR DELETE OR UPDATE OF colour ON warnings
FOR EACH ROW EXECUTE FUNCTION rollup_mark_child();

CREATE INDEX warning_events_event_date ON warning_events(event, on_date);

INSERT INTO rollup_dirty (unit_id) SELECT id FROM units ON CONFLICT DO NOTHING;

-- Warning events per lead unit and month (issue 7): the dashboard's "opened and cleared
-- this month" read a month of warning_events, tens of thousands of rows after a first
-- pass. Kept like the other rollups: a trigger marks the unit, the next read rebuilds it.
CREATE TABLE rollup_warnings (
    unit_id BIGINT NOT NULL,
    year    INTEGER NOT NULL,
    month   INTEGER NOT NULL,
    event   TEXT NOT NULL,
    colour  TEXT NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (unit_id, year, month, event, colour)
);

CREATE TRIGGER warning_events_rollup AFTER INSERT ON warning_events
FOR EACH ROW WHEN (NEW.event IN ('opened', 'cleared')) EXECUTE FUNCTION rollup_mark_child();

INSERT INTO rollup_dirty (unit_id) SELECT id FROM units ON CONFLICT DO NOTHING;

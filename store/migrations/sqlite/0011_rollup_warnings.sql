-- Warning events per lead unit and month (issue 7): the dashboard's "opened and cleared
-- this month" read a month of warning_events, tens of thousands of rows after a first
-- pass. Kept like the other rollups: a trigger marks the unit, the next read rebuilds it.
CREATE TABLE rollup_warnings (
    unit_id INTEGER NOT NULL,
    year    INTEGER NOT NULL,
    month   INTEGER NOT NULL,
    event   TEXT NOT NULL,
    colour  TEXT NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (unit_id, year, month, event, colour)
);

CREATE TRIGGER warning_events_rollup_ins AFTER INSERT ON warning_events
WHEN NEW.event IN ('opened', 'cleared') BEGIN
    INSERT INTO rollup_dirty (unit_id) SELECT p.unit_id FROM projects p WHERE p.id = NEW.project_id
        AND NOT EXISTS (SELECT 1 FROM rollup_dirty d WHERE d.unit_id = p.unit_id);
END;

INSERT INTO rollup_dirty (unit_id) SELECT id FROM units WHERE id NOT IN (SELECT unit_id FROM rollup_dirty);

-- The warnings board of a province (issue 7) counted every warning, every coloured project
-- and a month of warning events of the caller's scope at each view, sorted every current
-- warning to show the first 50, and counted every escalation. It now sums the per lead
-- unit rollups (store/warnings_read.go) and walks the projects by investment. For that:
-- 1. The escalations of the projects led by each unit, counted by action and status (an
--    open one also by its due date, for "overdue"), and by the month they were taken, kept
--    like the other rollups: triggers mark the unit in a dirty list of their own, the next
--    CountEscalations rebuilds it (store/escalation_rollups.go).
-- 2. For each project, the units whose subtree holds a unit of its team but not its lead
--    unit (team_reach): a unit tree's scope is the projects its units lead, which the rollups
--    count, plus these (and those its user leads). Kept like the rollups: triggers on the
--    teams, on a project's lead unit and on the org tree's closure mark the project
--    (team_reach_dirty), the next read rebuilds it (store/team_reach.go).
-- 3. The exempt projects, few, counted on their own; the projects a leader leads, by lead unit.
-- 4. A month of the warning events' rollup across every unit (the province's board).
CREATE TABLE rollup_escalations_dirty (
    unit_id INTEGER PRIMARY KEY
);

-- due_on: of an open escalation that has one, else '9999-12-31'.
CREATE TABLE rollup_escalations (
    unit_id INTEGER NOT NULL,
    action  TEXT NOT NULL,
    status  TEXT NOT NULL,
    due_on  TEXT NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (unit_id, action, status, due_on)
);

CREATE TABLE rollup_escalation_months (
    unit_id INTEGER NOT NULL,
    period  TEXT NOT NULL,
    action  TEXT NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (unit_id, period, action)
);
CREATE INDEX rollup_escalations_action ON rollup_escalations(action, status, due_on, n);
CREATE INDEX rollup_escalation_months_period ON rollup_escalation_months(period, unit_id, action, n);

CREATE TRIGGER escalations_rollup_ins AFTER INSERT ON escalations BEGIN
    INSERT INTO rollup_escalations_dirty (unit_id) SELECT p.unit_id FROM projects p WHERE p.id = NEW.project_id
        AND NOT EXISTS (SELECT 1 FROM rollup_escalations_dirty d WHERE d.unit_id = p.unit_id);
END;
CREATE TRIGGER escalations_rollup_upd AFTER UPDATE OF project_id, action, status, due_on, period ON escalations BEGIN
    INSERT INTO rollup_escalations_dirty (unit_id) SELECT p.unit_id FROM projects p WHERE p.id = NEW.project_id
        AND NOT EXISTS (SELECT 1 FROM rollup_escalations_dirty d WHERE d.unit_id = p.unit_id);
    INSERT INTO rollup_escalations_dirty (unit_id) SELECT p.unit_id FROM projects p WHERE p.id = OLD.project_id
        AND NOT EXISTS (SELECT 1 FROM rollup_escalations_dirty d WHERE d.unit_id = p.unit_id);
END;
CREATE TRIGGER escalations_rollup_del AFTER DELETE ON escalations BEGIN
    INSERT INTO rollup_escalations_dirty (unit_id) SELECT p.unit_id FROM projects p WHERE p.id = OLD.project_id
        AND NOT EXISTS (SELECT 1 FROM rollup_escalations_dirty d WHERE d.unit_id = p.unit_id);
END;
-- A project moved to another lead unit takes its escalations along.
CREATE TRIGGER projects_escalations_rollup AFTER UPDATE OF unit_id ON projects WHEN OLD.unit_id <> NEW.unit_id BEGIN
    INSERT INTO rollup_escalations_dirty (unit_id) SELECT NEW.unit_id
        WHERE NOT EXISTS (SELECT 1 FROM rollup_escalations_dirty d WHERE d.unit_id = NEW.unit_id);
    INSERT INTO rollup_escalations_dirty (unit_id) SELECT OLD.unit_id
        WHERE NOT EXISTS (SELECT 1 FROM rollup_escalations_dirty d WHERE d.unit_id = OLD.unit_id);
END;

CREATE TABLE team_reach (
    unit_id    INTEGER NOT NULL,
    project_id INTEGER NOT NULL,
    PRIMARY KEY (unit_id, project_id)
);
CREATE INDEX team_reach_project ON team_reach(project_id);

CREATE TABLE team_reach_dirty (
    project_id INTEGER PRIMARY KEY
);

CREATE TRIGGER project_units_reach_ins AFTER INSERT ON project_units BEGIN
    INSERT INTO team_reach_dirty (project_id) SELECT NEW.project_id
        WHERE NOT EXISTS (SELECT 1 FROM team_reach_dirty d WHERE d.project_id = NEW.project_id);
END;
CREATE TRIGGER project_units_reach_upd AFTER UPDATE OF project_id, unit_id ON project_units BEGIN
    INSERT INTO team_reach_dirty (project_id) SELECT NEW.project_id
        WHERE NOT EXISTS (SELECT 1 FROM team_reach_dirty d WHERE d.project_id = NEW.project_id);
    INSERT INTO team_reach_dirty (project_id) SELECT OLD.project_id
        WHERE NOT EXISTS (SELECT 1 FROM team_reach_dirty d WHERE d.project_id = OLD.project_id);
END;
CREATE TRIGGER project_units_reach_del AFTER DELETE ON project_units BEGIN
    INSERT INTO team_reach_dirty (project_id) SELECT OLD.project_id
        WHERE NOT EXISTS (SELECT 1 FROM team_reach_dirty d WHERE d.project_id = OLD.project_id);
END;
CREATE TRIGGER projects_reach AFTER UPDATE OF unit_id ON projects WHEN OLD.unit_id <> NEW.unit_id BEGIN
    INSERT INTO team_reach_dirty (project_id) SELECT NEW.id
        WHERE NOT EXISTS (SELECT 1 FROM team_reach_dirty d WHERE d.project_id = NEW.id);
END;
-- A unit moved in the tree (MoveUnit rewrites its closure rows): the teams it is on.
CREATE TRIGGER unit_closure_reach_ins AFTER INSERT ON unit_closure BEGIN
    INSERT INTO team_reach_dirty (project_id) SELECT pu.project_id FROM project_units pu WHERE pu.unit_id = NEW.descendant_id
        AND NOT EXISTS (SELECT 1 FROM team_reach_dirty d WHERE d.project_id = pu.project_id);
END;
CREATE TRIGGER unit_closure_reach_del AFTER DELETE ON unit_closure BEGIN
    INSERT INTO team_reach_dirty (project_id) SELECT pu.project_id FROM project_units pu WHERE pu.unit_id = OLD.descendant_id
        AND NOT EXISTS (SELECT 1 FROM team_reach_dirty d WHERE d.project_id = pu.project_id);
END;

CREATE INDEX project_colours_exempt ON project_colours(project_id) WHERE exempt = TRUE;
CREATE INDEX projects_leader_unit ON projects(leader_id, unit_id);
CREATE INDEX rollup_warnings_month ON rollup_warnings(year, month, event, unit_id, n);

INSERT INTO rollup_escalations_dirty (unit_id) SELECT id FROM units;
INSERT INTO team_reach_dirty (project_id) SELECT id FROM projects;

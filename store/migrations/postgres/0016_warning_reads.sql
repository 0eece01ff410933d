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
    unit_id BIGINT PRIMARY KEY
);

-- due_on: of an open escalation that has one, else 9999-12-31.
CREATE TABLE rollup_escalations (
    unit_id BIGINT NOT NULL,
    action  TEXT NOT NULL,
    status  TEXT NOT NULL,
    due_on  DATE NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (unit_id, action, status, due_on)
);

CREATE TABLE rollup_escalation_months (
    unit_id BIGINT NOT NULL,
    period  TEXT NOT NULL,
    action  TEXT NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (unit_id, period, action)
);
CREATE INDEX rollup_escalations_action ON rollup_escalations(action, status, due_on, n);
CREATE INDEX rollup_escalation_months_period ON rollup_escalation_months(period, unit_id, action, n);

CREATE FUNCTION rollup_escalations_mark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO rollup_escalations_dirty (unit_id) SELECT unit_id FROM projects WHERE id = NEW.project_id ON CONFLICT DO NOTHING;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO rollup_escalations_dirty (unit_id) SELECT unit_id FROM projects WHERE id = OLD.project_id ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION rollup_escalations_mark_project() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO rollup_escalations_dirty (unit_id) VALUES (NEW.unit_id), (OLD.unit_id) ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;

CREATE TRIGGER escalations_rollup AFTER INSERT OR DELETE OR UPDATE OF project_id, action, status, due_on, period ON escalations
FOR EACH ROW EXECUTE FUNCTION rollup_escalations_mark();
-- A project moved to another lead unit takes its escalations along.
CREATE TRIGGER projects_escalations_rollup AFTER UPDATE OF unit_id ON projects
FOR EACH ROW WHEN (OLD.unit_id IS DISTINCT FROM NEW.unit_id) EXECUTE FUNCTION rollup_escalations_mark_project();

CREATE TABLE team_reach (
    unit_id    BIGINT NOT NULL,
    project_id BIGINT NOT NULL,
    PRIMARY KEY (unit_id, project_id)
);
CREATE INDEX team_reach_project ON team_reach(project_id);

CREATE TABLE team_reach_dirty (
    project_id BIGINT PRIMARY KEY
);

CREATE FUNCTION team_reach_mark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO team_reach_dirty (project_id) VALUES (NEW.project_id) ON CONFLICT DO NOTHING;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO team_reach_dirty (project_id) VALUES (OLD.project_id) ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION team_reach_mark_project() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO team_reach_dirty (project_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;

CREATE FUNCTION team_reach_mark_unit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO team_reach_dirty (project_id) SELECT project_id FROM project_units WHERE unit_id = NEW.descendant_id ON CONFLICT DO NOTHING;
    ELSE
        INSERT INTO team_reach_dirty (project_id) SELECT project_id FROM project_units WHERE unit_id = OLD.descendant_id ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER project_units_reach AFTER INSERT OR DELETE OR UPDATE OF project_id, unit_id ON project_units
FOR EACH ROW EXECUTE FUNCTION team_reach_mark();
CREATE TRIGGER projects_reach AFTER UPDATE OF unit_id ON projects
FOR EACH ROW WHEN (OLD.unit_id IS DISTINCT FROM NEW.unit_id) EXECUTE FUNCTION team_reach_mark_project();
-- A unit moved in the tree (MoveUnit rewrites its closure rows): the teams it is on.
CREATE TRIGGER unit_closure_reach AFTER INSERT OR DELETE ON unit_closure
FOR EACH ROW EXECUTE FUNCTION team_reach_mark_unit();

CREATE INDEX project_colours_exempt ON project_colours(project_id) WHERE exempt = TRUE;
CREATE INDEX projects_leader_unit ON projects(leader_id, unit_id);
CREATE INDEX rollup_warnings_month ON rollup_warnings(year, month, event, unit_id, n);

INSERT INTO rollup_escalations_dirty (unit_id) SELECT id FROM units;
INSERT INTO team_reach_dirty (project_id) SELECT id FROM projects;

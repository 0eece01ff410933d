-- Project registry: projects, 1+1+N teams, stages, milestones, annual plans, progress
-- reports with running figures kept on write (see docs/PERFORMANCE.md), settings.
CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE projects (
    id               INTEGER PRIMARY KEY,
    code             TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    short_name       TEXT NOT NULL DEFAULT '',
    owner_name       TEXT NOT NULL DEFAULT '',
    owner_code       TEXT NOT NULL DEFAULT '',
    unit_id          INTEGER NOT NULL REFERENCES units(id),
    location_id      INTEGER REFERENCES units(id),
    leader_id        INTEGER REFERENCES users(id),
    nature           TEXT NOT NULL DEFAULT '',
    investor         TEXT NOT NULL DEFAULT '',
    industry         TEXT NOT NULL DEFAULT '',
    chain            TEXT NOT NULL DEFAULT '',
    manufacturing    INTEGER NOT NULL DEFAULT 0,
    high_tech        INTEGER NOT NULL DEFAULT 0,
    private          INTEGER NOT NULL DEFAULT 0,
    total_investment BIGINT NOT NULL DEFAULT 0,
    tier             INTEGER NOT NULL DEFAULT 0,
    land_mu          REAL NOT NULL DEFAULT 0,
    content          TEXT NOT NULL DEFAULT '',
    planned_start    TEXT,
    planned_end      TEXT,
    actual_start     TEXT,
    actual_end       TEXT,
    expected_output  BIGINT NOT NULL DEFAULT 0,
    expected_tax     BIGINT NOT NULL DEFAULT 0,
    agreement_type   TEXT NOT NULL DEFAULT '',
    signed_on        TEXT,
    in_stats         INTEGER NOT NULL DEFAULT 0,
    in_stats_on      TEXT,
    stage            TEXT NOT NULL,
    stage_on         TEXT,
    drop_reason      TEXT NOT NULL DEFAULT '',
    completed_all    BIGINT NOT NULL DEFAULT 0,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
-- In the order of the common filter and sort: stage, unit, investment.
CREATE INDEX projects_stage_unit ON projects(stage, unit_id, total_investment);
CREATE INDEX projects_unit ON projects(unit_id, total_investment);
CREATE INDEX projects_location ON projects(location_id);
CREATE INDEX projects_leader ON projects(leader_id);
CREATE INDEX projects_investment ON projects(total_investment, id);

-- project_units: the lead unit and the cooperating units of the 1+1+N team. Scopes read it:
-- a unit sees the projects it leads or serves.
CREATE TABLE project_units (
    project_id    INTEGER NOT NULL REFERENCES projects(id),
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    role          TEXT NOT NULL,
    contact_name  TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',
    duty          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (project_id, unit_id)
);
CREATE INDEX project_units_unit ON project_units(unit_id, project_id);

CREATE TABLE project_milestones (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    name       TEXT NOT NULL,
    stage      TEXT NOT NULL DEFAULT '',
    planned_on TEXT,
    actual_on  TEXT,
    sort_order INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX project_milestones_project ON project_milestones(project_id, sort_order);

CREATE TABLE project_stage_changes (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    from_stage TEXT NOT NULL DEFAULT '',
    to_stage   TEXT NOT NULL,
    on_date    TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    actor_name TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX project_stage_changes_project ON project_stage_changes(project_id, id);

CREATE TABLE project_plans (
    project_id INTEGER NOT NULL REFERENCES projects(id),
    year       INTEGER NOT NULL,
    total      BIGINT NOT NULL DEFAULT 0,
    m01 BIGINT NOT NULL DEFAULT 0,
    m02 BIGINT NOT NULL DEFAULT 0,
    m03 BIGINT NOT NULL DEFAULT 0,
    m04 BIGINT NOT NULL DEFAULT 0,
    m05 BIGINT NOT NULL DEFAULT 0,
    m06 BIGINT NOT NULL DEFAULT 0,
    m07 BIGINT NOT NULL DEFAULT 0,
    m08 BIGINT NOT NULL DEFAULT 0,
    m09 BIGINT NOT NULL DEFAULT 0,
    m10 BIGINT NOT NULL DEFAULT 0,
    m11 BIGINT NOT NULL DEFAULT 0,
    m12 BIGINT NOT NULL DEFAULT 0,
    goal       TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    PRIMARY KEY (project_id, year)
);

-- Running figures, updated in the same transaction as the plan or report that changes
-- them, so that lists, totals and warning rules never sum raw reports.
CREATE TABLE project_years (
    project_id   INTEGER NOT NULL REFERENCES projects(id),
    year         INTEGER NOT NULL,
    plan_total   BIGINT NOT NULL DEFAULT 0,
    completed    BIGINT NOT NULL DEFAULT 0,
    progress_pct INTEGER NOT NULL DEFAULT 0,
    last_period  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (project_id, year)
);
-- Covering: the totals of a filtered list read only the index.
CREATE INDEX project_years_year ON project_years(year, project_id, plan_total, completed);

CREATE TABLE project_months (
    project_id INTEGER NOT NULL REFERENCES projects(id),
    year       INTEGER NOT NULL,
    month      INTEGER NOT NULL,
    planned    BIGINT NOT NULL DEFAULT 0,
    completed  BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (project_id, year, month)
);

CREATE TABLE progress_reports (
    id             INTEGER PRIMARY KEY,
    project_id     INTEGER NOT NULL REFERENCES projects(id),
    period         TEXT NOT NULL,
    kind           TEXT NOT NULL,
    year           INTEGER NOT NULL,
    month          INTEGER NOT NULL DEFAULT 0,
    period_end     TEXT NOT NULL,
    version        INTEGER NOT NULL,
    is_current     INTEGER NOT NULL DEFAULT 0,
    completed      BIGINT NOT NULL DEFAULT 0,
    progress_text  TEXT NOT NULL DEFAULT '',
    progress_pct   INTEGER NOT NULL DEFAULT 0,
    problems       TEXT NOT NULL DEFAULT '',
    next_steps     TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL,
    late           INTEGER NOT NULL DEFAULT 0,
    review_comment TEXT NOT NULL DEFAULT '',
    reviewer_name  TEXT NOT NULL DEFAULT '',
    reviewed_at    TEXT,
    submitter_id   INTEGER NOT NULL DEFAULT 0,
    submitter_name TEXT NOT NULL DEFAULT '',
    submitted_at   TEXT NOT NULL,
    UNIQUE (project_id, period, version)
);
CREATE INDEX progress_reports_current ON progress_reports(project_id, year, kind, is_current);
CREATE INDEX progress_reports_review ON progress_reports(status, is_current, submitted_at);

CREATE TABLE report_photos (
    id        INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES progress_reports(id),
    hash      TEXT NOT NULL,
    name      TEXT NOT NULL,
    mime      TEXT NOT NULL,
    size      BIGINT NOT NULL
);
CREATE INDEX report_photos_report ON report_photos(report_id);
CREATE INDEX report_photos_hash ON report_photos(hash);

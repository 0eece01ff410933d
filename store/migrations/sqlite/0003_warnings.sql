-- 红黄蓝 early warnings: rules as configuration, the warnings that hold now, their history,
-- each project's worst colour, and exemptions.
CREATE TABLE warning_rules (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    enabled     INTEGER NOT NULL DEFAULT 1,
    scope       TEXT NOT NULL DEFAULT '{}',
    params      TEXT NOT NULL DEFAULT '{}',
    thresholds  TEXT NOT NULL DEFAULT '[]',
    persistence INTEGER NOT NULL DEFAULT 0,
    version     INTEGER NOT NULL DEFAULT 1,
    updated_at  TEXT NOT NULL
);

-- warnings: the current state of each (project, rule, subject). colour is what is shown:
-- base_colour (the engine's) or one rank above it once escalated for persistence; the
-- months it has held count from opened_on, so a new month rewrites nothing. args is kept
-- as text, byte for byte as written, so that comparing it finds real changes only.
CREATE TABLE warnings (
    project_id  INTEGER NOT NULL REFERENCES projects(id),
    rule_id     INTEGER NOT NULL REFERENCES warning_rules(id),
    subject_key TEXT NOT NULL DEFAULT '',
    kind        TEXT NOT NULL,
    colour      TEXT NOT NULL,
    base_colour TEXT NOT NULL,
    value       REAL NOT NULL DEFAULT 0,
    reason      TEXT NOT NULL DEFAULT '',
    args        TEXT NOT NULL DEFAULT '[]',
    subject     TEXT NOT NULL DEFAULT '',
    opened_on   TEXT NOT NULL,
    changed_on  TEXT NOT NULL,
    escalated   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (project_id, rule_id, subject_key)
) WITHOUT ROWID;
CREATE INDEX warnings_colour ON warnings(colour, project_id);
CREATE INDEX warnings_rule ON warnings(rule_id, project_id);

-- What the engine reads, indexed for a pass over every project (store/warnings_state.go):
-- the months of a year with their figures, the months with a current monthly report that
-- was not returned, each project's latest report, its open milestones.
CREATE INDEX project_months_figures ON project_months(year, project_id, month, completed, planned);
CREATE INDEX progress_reports_reported ON progress_reports(year, project_id, month)
    WHERE kind = 'month' AND is_current = TRUE AND status <> 'returned';
CREATE INDEX progress_reports_submitted ON progress_reports(project_id, submitted_at);
CREATE INDEX project_milestones_open ON project_milestones(project_id, sort_order, id, planned_on, stage, name)
    WHERE planned_on IS NOT NULL AND actual_on IS NULL;

-- warning_events: the history, append-only: opened, raised, lowered, escalated, cleared.
CREATE TABLE warning_events (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects(id),
    rule_id     INTEGER NOT NULL REFERENCES warning_rules(id),
    subject_key TEXT NOT NULL DEFAULT '',
    event       TEXT NOT NULL,
    from_colour TEXT NOT NULL DEFAULT '',
    to_colour   TEXT NOT NULL DEFAULT '',
    value       REAL NOT NULL DEFAULT 0,
    reason      TEXT NOT NULL DEFAULT '',
    args        TEXT NOT NULL DEFAULT '[]',
    subject     TEXT NOT NULL DEFAULT '',
    on_date     TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX warning_events_project ON warning_events(project_id, id);
CREATE INDEX warning_events_date ON warning_events(on_date, event);

-- project_colours: a project's worst colour and whether an approved exemption covers it
-- today; a row only for projects with a colour or an exemption. digest hashes what decided
-- its warnings' lifecycle at its last evaluation, so that the nightly pass compares only
-- the figures of a project whose evaluation did not change otherwise.
CREATE TABLE project_colours (
    project_id INTEGER PRIMARY KEY REFERENCES projects(id),
    colour     TEXT NOT NULL DEFAULT '',
    exempt     INTEGER NOT NULL DEFAULT 0,
    digest     BIGINT NOT NULL DEFAULT 0,
    changed_on TEXT NOT NULL
);
CREATE INDEX project_colours_colour ON project_colours(colour, project_id);

-- exemptions: requested with a reason, decided by the project office; an approved one
-- exempts the project until valid_until (NULL: until revoked).
CREATE TABLE exemptions (
    id                INTEGER PRIMARY KEY,
    project_id        INTEGER NOT NULL REFERENCES projects(id),
    kind              TEXT NOT NULL,
    reason            TEXT NOT NULL,
    requested_by      INTEGER NOT NULL DEFAULT 0,
    requested_by_name TEXT NOT NULL DEFAULT '',
    requested_at      TEXT NOT NULL,
    status            TEXT NOT NULL,
    decided_by        INTEGER NOT NULL DEFAULT 0,
    decided_by_name   TEXT NOT NULL DEFAULT '',
    decided_at        TEXT,
    comment           TEXT NOT NULL DEFAULT '',
    valid_until       TEXT
);
CREATE INDEX exemptions_project ON exemptions(project_id, status);
CREATE INDEX exemptions_status ON exemptions(status, requested_at);

-- 对赌 commitments (issue 5): clauses of signed projects' agreements, checked when due.
CREATE TABLE commitments (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects(id),
    side        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    clause      TEXT NOT NULL,
    amount      BIGINT NOT NULL DEFAULT 0,
    due         TEXT NOT NULL,
    penalty     TEXT NOT NULL DEFAULT '',
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    status      TEXT NOT NULL,
    checked_on  TEXT,
    measured    TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    decided_by  TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX commitments_project ON commitments(project_id, due);
CREATE INDEX commitments_due ON commitments(status, due);
CREATE INDEX commitments_broken ON commitments(project_id) WHERE status = 'broken';

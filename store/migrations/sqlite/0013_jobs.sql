-- Background work that must run once per slot across every server of a deployment (issue
-- 8): the nightly warning pass once a day, housekeeping once an hour. A server claims a
-- (name, slot) row with a lease and renews it while it works; a run whose owner died
-- (lease past, not finished) can be claimed again; a finished run never is.
CREATE TABLE job_runs (
    name        TEXT NOT NULL,
    slot        TEXT NOT NULL,
    owner       TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 1,
    started_at  TEXT NOT NULL,
    lease_until TEXT NOT NULL,
    finished_at TEXT,
    result      TEXT NOT NULL DEFAULT '',
    error       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (name, slot)
);
CREATE INDEX job_runs_started ON job_runs(started_at);

-- The escalation ladder (issue 4): what ding did about a project while it stayed warned.

-- ladder_state: for each project and each colour it has reached (that colour or worse),
-- the date it reached it — the start of the episode — and the steps of that colour taken
-- in the episode ("1:remind,2:letter_assign"), so that the monthly sweep reads one row per
-- project and colour, not every escalation. The row goes when the project falls below the
-- colour, so that the ladder starts again if it comes back.
CREATE TABLE ladder_state (
    project_id INTEGER NOT NULL REFERENCES projects(id),
    colour     TEXT NOT NULL,
    since      TEXT NOT NULL,
    taken      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (project_id, colour)
) WITHOUT ROWID;

-- escalations: each step taken: reminders, letters (numbered, with a reply), listings in
-- the monthly bulletin, interviews (with their record). A ladder step is taken once per
-- episode: the unique index says so even when two passes race. Manual letters have
-- periods 0 and their own episode (the issue date) and are not bound by it.
CREATE TABLE escalations (
    id               INTEGER PRIMARY KEY,
    project_id       INTEGER NOT NULL REFERENCES projects(id),
    action           TEXT NOT NULL,
    colour           TEXT NOT NULL DEFAULT '',
    periods          INTEGER NOT NULL DEFAULT 0,
    manual           INTEGER NOT NULL DEFAULT 0,
    episode          TEXT NOT NULL,
    issued_on        TEXT NOT NULL,
    number           TEXT,
    unit_id          INTEGER NOT NULL REFERENCES units(id),
    leader_id        INTEGER REFERENCES users(id),
    figures          TEXT NOT NULL DEFAULT '[]',
    due_on           TEXT,
    status           TEXT NOT NULL,
    escalated        INTEGER NOT NULL DEFAULT 0,
    period           TEXT NOT NULL,
    reply            TEXT NOT NULL DEFAULT '',
    replied_on       TEXT,
    replied_by       TEXT NOT NULL DEFAULT '',
    interview        TEXT,
    note             TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX escalations_step ON escalations(project_id, colour, periods, action, episode) WHERE manual = 0;
CREATE UNIQUE INDEX escalations_number ON escalations(number) WHERE number IS NOT NULL;
CREATE INDEX escalations_project ON escalations(project_id, id);
CREATE INDEX escalations_open ON escalations(status, due_on) WHERE status = 'open';
CREATE INDEX escalations_period ON escalations(period, action);

-- letter_numbers: the last number given per letter kind and year.
CREATE TABLE letter_numbers (
    action TEXT NOT NULL,
    year   INTEGER NOT NULL,
    last   INTEGER NOT NULL,
    PRIMARY KEY (action, year)
);

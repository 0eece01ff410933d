-- Targets and competitions (issue 6): indicators with annual targets and monthly actuals
-- (every change kept in indicator_revisions), competition schemes scored from locked data
-- cuts, and the 擂台赛 project-planning contest.
CREATE TABLE indicators (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    measure       TEXT NOT NULL,
    accumulation  TEXT NOT NULL,
    higher_better INTEGER NOT NULL DEFAULT 1,
    source        TEXT NOT NULL,
    compute       TEXT NOT NULL DEFAULT '',
    rank_by       TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    sort_order    INTEGER NOT NULL DEFAULT 0,
    disabled      INTEGER NOT NULL DEFAULT 0,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE TABLE indicator_targets (
    indicator_id INTEGER NOT NULL REFERENCES indicators(id),
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    year         INTEGER NOT NULL,
    value        BIGINT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    updated_by   TEXT NOT NULL DEFAULT '',
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (indicator_id, year, unit_id)
);
CREATE INDEX indicator_targets_unit ON indicator_targets(unit_id, year);

CREATE TABLE indicator_actuals (
    indicator_id INTEGER NOT NULL REFERENCES indicators(id),
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    year         INTEGER NOT NULL,
    month        INTEGER NOT NULL,
    value        BIGINT NOT NULL,
    source       TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    updated_by   TEXT NOT NULL DEFAULT '',
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (indicator_id, year, month, unit_id)
);
CREATE INDEX indicator_actuals_unit ON indicator_actuals(unit_id, year, month);

-- Every change of a target (month 0) or an actual, append-only.
CREATE TABLE indicator_revisions (
    id           INTEGER PRIMARY KEY,
    indicator_id INTEGER NOT NULL REFERENCES indicators(id),
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    year         INTEGER NOT NULL,
    month        INTEGER NOT NULL,
    old_value    BIGINT,
    new_value    BIGINT,
    source       TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    by_name      TEXT NOT NULL DEFAULT '',
    at           TEXT NOT NULL
);
CREATE INDEX indicator_revisions_cell ON indicator_revisions(indicator_id, unit_id, year, month, id);

CREATE TABLE schemes (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    organizer_id INTEGER NOT NULL REFERENCES units(id),
    period       TEXT NOT NULL,
    total_points BIGINT NOT NULL,
    flag_count   INTEGER NOT NULL DEFAULT 0,
    flag_name    TEXT NOT NULL DEFAULT '',
    public       INTEGER NOT NULL DEFAULT 0,
    note         TEXT NOT NULL DEFAULT '',
    disabled     INTEGER NOT NULL DEFAULT 0,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

CREATE TABLE scheme_items (
    id           INTEGER PRIMARY KEY,
    scheme_id    INTEGER NOT NULL REFERENCES schemes(id),
    position     INTEGER NOT NULL,
    indicator_id INTEGER NOT NULL REFERENCES indicators(id),
    basis        TEXT NOT NULL,
    method       TEXT NOT NULL,
    weight       BIGINT NOT NULL,
    step         BIGINT NOT NULL DEFAULT 0,
    cap          BIGINT NOT NULL DEFAULT 0,
    benchmark    BIGINT NOT NULL DEFAULT 0,
    removed      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX scheme_items_scheme ON scheme_items(scheme_id, position);

CREATE TABLE scheme_participants (
    scheme_id INTEGER NOT NULL REFERENCES schemes(id),
    unit_id   INTEGER NOT NULL REFERENCES units(id),
    grp       TEXT NOT NULL DEFAULT '',
    position  INTEGER NOT NULL,
    PRIMARY KEY (scheme_id, unit_id)
);

CREATE TABLE scheme_adjustments (
    id         INTEGER PRIMARY KEY,
    scheme_id  INTEGER NOT NULL REFERENCES schemes(id),
    period     TEXT NOT NULL,
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    kind       TEXT NOT NULL,
    item_id    INTEGER,
    points     BIGINT NOT NULL DEFAULT 0,
    reason     TEXT NOT NULL,
    evidence   TEXT NOT NULL,
    by_name    TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX scheme_adjustments_period ON scheme_adjustments(scheme_id, period);

-- A period's data cut: the scheme as it was, every figure and adjustment scored, locked.
CREATE TABLE scheme_cuts (
    id         INTEGER PRIMARY KEY,
    scheme_id  INTEGER NOT NULL REFERENCES schemes(id),
    period     TEXT NOT NULL,
    locked     INTEGER NOT NULL DEFAULT 1,
    locked_by  TEXT NOT NULL DEFAULT '',
    locked_at  TEXT NOT NULL,
    data       TEXT NOT NULL,
    UNIQUE (scheme_id, period)
);

CREATE TABLE scheme_scores (
    cut_id    INTEGER NOT NULL REFERENCES scheme_cuts(id),
    unit_id   INTEGER NOT NULL REFERENCES units(id),
    grp       TEXT NOT NULL DEFAULT '',
    total     BIGINT NOT NULL,
    rank      INTEGER NOT NULL,
    prev_rank INTEGER NOT NULL DEFAULT 0,
    flag      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (cut_id, unit_id)
);
CREATE INDEX scheme_scores_flag ON scheme_scores(unit_id) WHERE flag = 1;

-- The figures a locked cut read: writing them is refused until the cut is unlocked.
CREATE TABLE locked_values (
    indicator_id INTEGER NOT NULL,
    unit_id      INTEGER NOT NULL,
    year         INTEGER NOT NULL,
    month        INTEGER NOT NULL,
    cut_id       INTEGER NOT NULL REFERENCES scheme_cuts(id),
    PRIMARY KEY (indicator_id, unit_id, year, month, cut_id)
);
CREATE INDEX locked_values_cut ON locked_values(cut_id);

CREATE TABLE contests (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    organizer_id INTEGER NOT NULL REFERENCES units(id),
    deadline     TEXT NOT NULL,
    status       TEXT NOT NULL,
    winners      INTEGER NOT NULL,
    criteria     TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

CREATE TABLE contest_judges (
    contest_id INTEGER NOT NULL REFERENCES contests(id),
    user_id    INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (contest_id, user_id)
);

CREATE TABLE contest_entries (
    id           INTEGER PRIMARY KEY,
    contest_id   INTEGER NOT NULL REFERENCES contests(id),
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    name         TEXT NOT NULL,
    investment   BIGINT NOT NULL,
    industry     TEXT NOT NULL DEFAULT '',
    chain        TEXT NOT NULL DEFAULT '',
    content      TEXT NOT NULL,
    maturity     TEXT NOT NULL DEFAULT '',
    submitted_by TEXT NOT NULL DEFAULT '',
    project_id   INTEGER REFERENCES projects(id),
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX contest_entries_contest ON contest_entries(contest_id, id);

CREATE TABLE contest_scores (
    entry_id INTEGER NOT NULL REFERENCES contest_entries(id),
    judge_id INTEGER NOT NULL REFERENCES users(id),
    marks    TEXT NOT NULL,
    note     TEXT NOT NULL DEFAULT '',
    at       TEXT NOT NULL,
    PRIMARY KEY (entry_id, judge_id)
);

-- Demands (诉求) and action items (交办事项), issue 5, and the working-day calendar their
-- service clocks count in.

-- calendar_days: the holiday arrangements (ding/calendar): a listed day off (holiday) or a
-- make-up working day on a weekend (workday). Seeded from the official 2023-2026 list that
-- ships with ding; the administrator keeps later years.
CREATE TABLE calendar_days (
    day        DATE PRIMARY KEY,
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
-- The official arrangements 2023-2026 (calendar/cn-holidays.csv).
INSERT INTO calendar_days (day, kind, name, updated_at) VALUES
    ('2022-12-31', 'holiday', '元旦', '2026-11-29T00:00:00.000000Z'),
    ('2023-01-01', 'holiday', '元旦', '2026-11-29T00:00:00.000000Z'),
    ('2023-01-02', 'holiday', '元旦', '2026-11-29T00:00:00.000000Z'),
    ('2023-01-21', 'holiday', '春节', '2026-11-29T00:00:00.000000Z'),
    ('2023-01-22', 'holiday', '春节', '2026-11-29T00:00:00.000000Z'),
    ('2023-01-23', 'holiday', '春节', '2026-11-29T00:00:00.000000Z'),
    ('2023-01-24', 'holiday', '春节', '2026-11-29T00:00:00.000000Z'),
    ('2023-01-25', 'holiday', '春节', '2026-11-29T00:00:00.000000Z'),
    ('2023-01-26', 'holiday', '春节', '2026-11-29T00:00:00.000000Z'),
    ('2023-01-27', 'holiday', '春节', '2026-11-29T00:00:00.000000Z'),
    ('2023-01-28', 'workday', '春节', '2026-11-29T00:00:00.000000Z'),
    ('2023-01-29', 'workday', '春节', '2026-11-29T00:00:00.000000Z'),
    ('2023-04-05', 'holiday', '清明节', '2026-11-29T00:00:00.000000Z'),
    ('2023-04-23', 'workday', '劳动节', '2026-11-29T00:00:00.000000Z'),
    ('2023-04-29', 'holiday', '劳动节', '2026-11-29T00:00:00.000000Z'),
    ('2023-04-30', 'holiday', '劳动节', '2026-11-29T00:00:00.000000Z'),
    ('2023-05-01', 'holiday', '劳动节', '2026-11-29T00:00:00.000000Z'),
    ('2023-05-02', 'holiday', '劳动节', '2026-11-29T00:00:00.000000Z'),
    ('2023-05-03', 'holiday', '劳动节', '2026-11-29T00:00:00.000000Z'),
    ('2023-05-06', 'workday', '劳动节', '2026-11-29T00:00:00.000000Z'),
    ('2023-06-22', 'holiday', '端午节', '2026-11-29T00:00:00.000000Z'),
    ('2023-06-23', 'holiday', '端午节', '2026-11-29T00:00:00.000000Z'),
    ('2023-06-24', 'holiday', '端午节', '2026-11-29T00:00:00.000000Z'),
    ('2023-06-25', 'workday', '端午节', '2026-11-29T00:00:00.000000Z'),
    ('2023-09-29', 'holiday', '中秋节、国庆节', '2026-11-29T00:00:00.000000Z'),
    ('2023-09-30', 'holiday', '中秋节、国庆节', '2026-11-29T00:00:00.000000Z'),
    ('2023-10-01', 'holiday', '中秋节、国庆节', '2026-11-29T00:00:00.000000Z'),
    ('2023-10-02', 'holiday', '中秋节、国庆节', '2026-11-29T00:00:00.000000Z'),
    ('2023-10-03', 'holiday', '中秋节、国庆节', '2026-11-29T00:00:00.000000Z'),
    ('2023-10-04', 'holiday', '中秋节、国庆节', '2026-11-29T00:00:00.000000Z'),
    ('2023-10-05', 'holiday', '中秋节、国庆节', '2026-11-29T00:00:00.000000Z'),
    ('2023-10-06', 'holiday', '中秋节、国庆节', '2026-11-29T00:00:00.000000Z'),
    ('2023-10-07', 'workday', '国庆节', '2026-11-29T00:00:00.000000Z'),
    ('2023-10-08', 'workday', '国庆节', '2026-11-29T00:00:00.000000Z'),
    ('2024-01-01', 'holiday', '元旦', '2026-11-29T00:00:00.000000Z'),
    ('2024-02-04', 'workday', '春节', '2026-11-29T00:00:00.000000Z'),
    ('2024-02-10', 'holiday', '春节', '2026-11-29T00:00:00.000000Z'),
    ('2024-02-11', 'holiday', '春节', '2026-11-29T00:00:00.000000Z'),
    ('2024-02-12', 'holiday', '春节', '2026-11-29T00:00:00.000000Z'),
    ('2024-02-13', 'holiday', '春节', '2026-11-29T00:00:00.000000Z'),
    ('2024-02-14', 'holiday', '春节', '2026-11-29T00:00:00.000000Z'),
    ('2024-02-15', 'holiday', '春节', '2026-11-29T00:00:00.000000Z'),
    ('2024-02-16', 'holiday', '春节', '2026-11-29T00:00:00.000000Z'),
    ('2024-02-17', 'holiday', '春节', '2026-11-29T00:00:00.000000Z'),
    ('2024-02-18', 'workday', '春节', '2026-11-29T00:00:00.000000Z'),
    ('2024-04-04', 'holiday', '清明节', '2026-11-29T00:00:00.000000Z'),
    ('2024-04-05', 'holiday', '清明节', '2026-11-29T00:00:00.000000Z'),
    ('2024-04-06', 'holiday', '清明节', '2026-11-29T00:00:00.000000Z'),
    ('2024-04-07', 'workday', '清明节', '2026-11-29T00:00:00.000000Z'),
    ('2024-04-28', 'workday', '劳动节', '2026-11-29T00:00:00.000000Z'),
    ('2024-05-01', 'holiday', '劳动节', '2026-11-29T00:00:00.000000Z'),
    ('2024-05-02', 'holiday', '劳动节', '2026-11-29T00:00:00.000000Z'),
    ('2024-05-03', 'holiday', '劳动节', '2026-11-29T00:00:00.000000Z'),
    ('2024-05-04', 'holiday', '劳动节', '2026-11-29T00:00:00.000000Z'),
    ('2024-05-05', 'holiday', '劳动节', '2026-11-29T00:00:00.000000Z'),
    ('2024-05-11', 'workday', '劳动节', '2026-11-29T00:00:00.000000Z'),
    ('2024-06-10', 'holiday', '端午节', '2026-11-29T00:00:00.000000Z'),
    ('2024-09-14', 'workday', '中秋节', '2026-11-29T00:00:00.000000Z'),
    ('2024-09-15', 'holiday', '中秋节', '2026-11-29T00:00:00.000000Z'),
    ('2024-09-16', 'holiday', '中秋节', '2026-11-29T00:00:00.000000Z'),
    ('2024-09-17', 'holiday', '中秋节', '2026-11-29T00:00:00.000000Z'),
    ('2024-09-29', 'workday', '国庆节', '2026-11-29T00:00:00.000000Z'),
    ('2024-10-01', 'holiday', '国庆节', '2026-11-29T00:00:00.000000Z'),
    ('2024-10-02', 'holiday', '国庆节', '2026-11-29T00:00:00.000000Z'),
    ('2024-10-03', 'holiday', '国庆节', '2026-11-29T00:00:00.000000Z'),
    ('2024-10-04', 'holiday', '国庆节', '2026-11-29T00:00:00.000000Z'),
    ('2024-10-05', 'holiday', '国庆节', '2026-11-29T00:00:00.000000Z'),
    ('2024-10-06', 'holiday', '国庆节', '2026-11-29T00:00:00.000000Z'),
    ('2024-10-07', 'holiday', '国庆节', '2026-11-29T00:00:00.000000Z'),
    ('2024-10-12', 'workday', '国庆节', '2026-11-29T00:00:00.000000Z'),
    ('2025-01-01', 'holiday', '元旦', '2026-11-29T00:00:00.000000Z'),
    ('2025-01-26', 'workday', '春节', '2026-11-29T00:00:00.000000Z'),
    ('2025-01-28', 'holiday', '春节', '2026-11-29T00:00:00.000000Z'),
    ('2025-01-29', 'holiday', '春节', '2026-11-29T00:00:00.000000Z'),
    ('2025-01-30', 'holiday', '春节', '2026-11-29T00:00:00.000000Z'),
    ('2025-01-31', 'holiday', '春节', '2026-11-29T00:00:00.000000Z'),
    ('2025-02-01', 'holiday', '春节', '2026-11-29T00:00:00.000000Z'),
    ('2025-02-02', 'holiday', '春节', '2026-11-29T00:00:00.000000Z'),
    ('2025-02-03', 'holiday', '春节', '2026-11-29T00:00:00.000000Z'),
    ('2025-02-04', 'holiday', '春节', '2026-11-29T00:00:00.000000Z'),
    ('2025-02-08', 'workday', '春节', '2026-11-29T00:00:00.000000Z'),
    ('2025-04-04', 'holiday', '清明节', '2026-11-29T00:00:00.000000Z'),
    ('2025-04-05', 'holiday', '清明节', '2026-11-29T00:00:00.000000Z'),
    ('2025-04-06', 'holiday', '清明节', '2026-11-29T00:00:00.000000Z'),
    ('2025-04-27', 'workday', '劳动节', '2026-11-29T00:00:00.000000Z'),
    ('2025-05-01', 'holiday', '劳动节', '2026-11-29T00:00:00.000000Z'),
    ('2025-05-02', 'holiday', '劳动节', '2026-11-29T00:00:00.000000Z'),
    ('2025-05-03', 'holiday', '劳动节', '2026-11-29T00:00:00.000000Z'),
    ('2025-05-04', 'holiday', '劳动节', '2026-11-29T00:00:00.000000Z'),
    ('2025-05-05', 'holiday', '劳动节', '2026-11-29T00:00:00.000000Z'),
    ('2025-05-31', 'holiday', '端午节', '2026-11-29T00:00:00.000000Z'),
    ('2025-06-01', 'holiday', '端午节', '2026-11-29T00:00:00.000000Z'),
    ('2025-06-02', 'holiday', '端午节', '2026-11-29T00:00:00.000000Z'),
    ('2025-09-28', 'workday', '国庆节', '2026-11-29T00:00:00.000000Z'),
    ('2025-10-01', 'holiday', '国庆节、中秋节', '2026-11-29T00:00:00.000000Z'),
    ('2025-10-02', 'holiday', '国庆节、中秋节', '2026-11-29T00:00:00.000000Z'),
    ('2025-10-03', 'holiday', '国庆节、中秋节', '2026-11-29T00:00:00.000000Z'),
    ('2025-10-04', 'holiday', '国庆节、中秋节', '2026-11-29T00:00:00.000000Z'),
    ('2025-10-05', 'holiday', '国庆节、中秋节', '2026-11-29T00:00:00.000000Z'),
    ('2025-10-06', 'holiday', '国庆节、中秋节', '2026-11-29T00:00:00.000000Z'),
    ('2025-10-07', 'holiday', '国庆节、中秋节', '2026-11-29T00:00:00.000000Z'),
    ('2025-10-08', 'holiday', '国庆节、中秋节', '2026-11-29T00:00:00.000000Z'),
    ('2025-10-11', 'workday', '国庆节', '2026-11-29T00:00:00.000000Z'),
    ('2026-01-01', 'holiday', '元旦', '2026-11-29T00:00:00.000000Z'),
    ('2026-01-02', 'holiday', '元旦', '2026-11-29T00:00:00.000000Z'),
    ('2026-01-03', 'holiday', '元旦', '2026-11-29T00:00:00.000000Z'),
    ('2026-01-04', 'workday', '元旦', '2026-11-29T00:00:00.000000Z'),
    ('2026-02-14', 'workday', '春节', '2026-11-29T00:00:00.000000Z'),
    ('2026-02-15', 'holiday', '春节', '2026-11-29T00:00:00.000000Z'),
    ('2026-02-16', 'holiday', '春节', '2026-11-29T00:00:00.000000Z'),
    ('2026-02-17', 'holiday', '春节', '2026-11-29T00:00:00.000000Z'),
    ('2026-02-18', 'holiday', '春节', '2026-11-29T00:00:00.000000Z'),
    ('2026-02-19', 'holiday', '春节', '2026-11-29T00:00:00.000000Z'),
    ('2026-02-20', 'holiday', '春节', '2026-11-29T00:00:00.000000Z'),
    ('2026-02-21', 'holiday', '春节', '2026-11-29T00:00:00.000000Z'),
    ('2026-02-22', 'holiday', '春节', '2026-11-29T00:00:00.000000Z'),
    ('2026-02-23', 'holiday', '春节', '2026-11-29T00:00:00.000000Z'),
    ('2026-02-28', 'workday', '春节', '2026-11-29T00:00:00.000000Z'),
    ('2026-04-04', 'holiday', '清明节', '2026-11-29T00:00:00.000000Z'),
    ('2026-04-05', 'holiday', '清明节', '2026-11-29T00:00:00.000000Z'),
    ('2026-04-06', 'holiday', '清明节', '2026-11-29T00:00:00.000000Z'),
    ('2026-05-01', 'holiday', '劳动节', '2026-11-29T00:00:00.000000Z'),
    ('2026-05-02', 'holiday', '劳动节', '2026-11-29T00:00:00.000000Z'),
    ('2026-05-03', 'holiday', '劳动节', '2026-11-29T00:00:00.000000Z'),
    ('2026-05-04', 'holiday', '劳动节', '2026-11-29T00:00:00.000000Z'),
    ('2026-05-05', 'holiday', '劳动节', '2026-11-29T00:00:00.000000Z'),
    ('2026-05-09', 'workday', '劳动节', '2026-11-29T00:00:00.000000Z'),
    ('2026-06-19', 'holiday', '端午节', '2026-11-29T00:00:00.000000Z'),
    ('2026-06-20', 'holiday', '端午节', '2026-11-29T00:00:00.000000Z'),
    ('2026-06-21', 'holiday', '端午节', '2026-11-29T00:00:00.000000Z'),
    ('2026-09-20', 'workday', '国庆节', '2026-11-29T00:00:00.000000Z'),
    ('2026-09-25', 'holiday', '中秋节', '2026-11-29T00:00:00.000000Z'),
    ('2026-09-26', 'holiday', '中秋节', '2026-11-29T00:00:00.000000Z'),
    ('2026-09-27', 'holiday', '中秋节', '2026-11-29T00:00:00.000000Z'),
    ('2026-10-01', 'holiday', '国庆节', '2026-11-29T00:00:00.000000Z'),
    ('2026-10-02', 'holiday', '国庆节', '2026-11-29T00:00:00.000000Z'),
    ('2026-10-03', 'holiday', '国庆节', '2026-11-29T00:00:00.000000Z'),
    ('2026-10-04', 'holiday', '国庆节', '2026-11-29T00:00:00.000000Z'),
    ('2026-10-05', 'holiday', '国庆节', '2026-11-29T00:00:00.000000Z'),
    ('2026-10-06', 'holiday', '国庆节', '2026-11-29T00:00:00.000000Z'),
    ('2026-10-07', 'holiday', '国庆节', '2026-11-29T00:00:00.000000Z'),
    ('2026-10-10', 'workday', '国庆节', '2026-11-29T00:00:00.000000Z');

-- items: one row per demand or action item. due is the due date of the current step (NULL
-- when nothing is due: rejected, closed, confirmed), level how far its lateness was
-- escalated (1 the unit, 2 the leader), so that the nightly pass and the warning engine
-- read one indexed column.
CREATE TABLE items (
    id            BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    kind          TEXT NOT NULL,
    project_id    BIGINT REFERENCES projects(id),
    unit_id       BIGINT NOT NULL REFERENCES units(id),
    type          TEXT NOT NULL DEFAULT '',
    title         TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    request       TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL,
    raised_by     BIGINT NOT NULL DEFAULT 0,
    raised_name   TEXT NOT NULL DEFAULT '',
    raised_on     DATE NOT NULL,
    accept_due    DATE,
    decide_due    DATE,
    close_due     DATE,
    due           DATE,
    level         INTEGER NOT NULL DEFAULT 0,
    decision      TEXT NOT NULL DEFAULT '',
    decided_by    BIGINT,
    decided_name  TEXT NOT NULL DEFAULT '',
    decided_at    TIMESTAMPTZ,
    on_site       BOOLEAN NOT NULL DEFAULT FALSE,
    meeting_id    BIGINT,
    reason        TEXT NOT NULL DEFAULT '',
    closed_on     DATE,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX items_project ON items(project_id, status);
CREATE INDEX items_unit ON items(unit_id, status);
CREATE INDEX items_status ON items(status, raised_on);
CREATE INDEX items_due ON items(due, project_id) WHERE due IS NOT NULL;
CREATE INDEX items_meeting ON items(meeting_id) WHERE meeting_id IS NOT NULL;

-- item_units: the lead unit and the co-units, each with its part and latest report. Scopes
-- read it: a unit sees the items assigned to it.
CREATE TABLE item_units (
    item_id     BIGINT NOT NULL REFERENCES items(id),
    unit_id     BIGINT NOT NULL REFERENCES units(id),
    lead        BOOLEAN NOT NULL DEFAULT FALSE,
    part        TEXT NOT NULL DEFAULT '',
    report      TEXT NOT NULL DEFAULT '',
    reported_at TIMESTAMPTZ,
    done        BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (item_id, unit_id)
);
CREATE INDEX item_units_unit ON item_units(unit_id, item_id);

-- item_events: each step with who, when and the comment; append-only like the audit.
CREATE TABLE item_events (
    id          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    item_id     BIGINT NOT NULL REFERENCES items(id),
    action      TEXT NOT NULL,
    from_status TEXT NOT NULL DEFAULT '',
    to_status   TEXT NOT NULL DEFAULT '',
    unit_id     BIGINT,
    user_id     BIGINT NOT NULL DEFAULT 0,
    user_name   TEXT NOT NULL DEFAULT '',
    comment     TEXT NOT NULL DEFAULT '',
    at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX item_events_item ON item_events(item_id, id);

-- item_files: attachments by content hash (the files live in the data directory).
CREATE TABLE item_files (
    id           BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    item_id      BIGINT NOT NULL REFERENCES items(id),
    name         TEXT NOT NULL,
    hash         TEXT NOT NULL,
    size         BIGINT NOT NULL,
    content_type TEXT NOT NULL,
    uploaded_by  TEXT NOT NULL DEFAULT '',
    uploaded_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX item_files_item ON item_files(item_id);

-- meetings: 周协调, 月例会, 专题会. meeting_units are the units taking part.
CREATE TABLE meetings (
    id          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    kind        TEXT NOT NULL,
    title       TEXT NOT NULL,
    starts_at   TIMESTAMPTZ NOT NULL,
    place       TEXT NOT NULL DEFAULT '',
    chair_id    BIGINT NOT NULL REFERENCES users(id),
    attendees   TEXT NOT NULL DEFAULT '',
    comment_due DATE,
    status      TEXT NOT NULL,
    summary     TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX meetings_starts ON meetings(starts_at);

CREATE TABLE meeting_units (
    meeting_id BIGINT NOT NULL REFERENCES meetings(id),
    unit_id    BIGINT NOT NULL REFERENCES units(id),
    position   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (meeting_id, unit_id)
);
CREATE INDEX meeting_units_unit ON meeting_units(unit_id, meeting_id);

-- agenda_items: the agenda, built from the data and edited by the office; figures are the
-- figures when it was built (what the meeting discussed), action_ids the action items a
-- decision created.
CREATE TABLE agenda_items (
    id          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    meeting_id  BIGINT NOT NULL REFERENCES meetings(id),
    position    INTEGER NOT NULL,
    source      TEXT NOT NULL,
    item_id     BIGINT REFERENCES items(id),
    project_id  BIGINT REFERENCES projects(id),
    unit_id     BIGINT REFERENCES units(id),
    title       TEXT NOT NULL,
    figures     TEXT NOT NULL DEFAULT '[]',
    dropped     BOOLEAN NOT NULL DEFAULT FALSE,
    comment     TEXT NOT NULL DEFAULT '',
    comment_by  TEXT NOT NULL DEFAULT '',
    comment_at  TIMESTAMPTZ,
    decision    TEXT NOT NULL DEFAULT '',
    action_ids  TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX agenda_items_meeting ON agenda_items(meeting_id, position);
CREATE INDEX agenda_items_unit ON agenda_items(unit_id, meeting_id);

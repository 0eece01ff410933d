-- Notifications (issue 4): a durable outbox, the in-app inbox, each user's choices, and the
-- group robots (DingTalk, WeCom) that administrators configure.

-- robots are group chat robots. webhook and secret are credentials: only administrators
-- read them, and the audit log keeps them redacted.
CREATE TABLE robots (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,              -- dingtalk | wecom
    webhook     TEXT NOT NULL,
    secret      TEXT NOT NULL DEFAULT '',   -- DingTalk's signing secret (加签), or empty
    events      TEXT NOT NULL DEFAULT '',   -- the events it posts, comma-separated
    enabled     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- notifications is the outbox: one row per event, recipient and channel, written in the
-- transaction of the event. Inbox rows are delivered when written (status sent) and carry
-- read_at; email and robot rows wait as pending until a sender claims them (claimed_until,
-- claim_token: a lease, so that several servers never send one row at once) and records
-- the outcome. message_id is made once at enqueue and sent with every attempt.
CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY,
    message_id      TEXT NOT NULL UNIQUE,
    user_id         INTEGER REFERENCES users(id),
    robot_id        INTEGER REFERENCES robots(id),
    channel         TEXT NOT NULL,             -- inbox | email | dingtalk | wecom
    target          TEXT NOT NULL DEFAULT '',  -- e-mail address or robot name
    event           TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL DEFAULT '',
    link            TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    status          TEXT NOT NULL,             -- pending | sent | failed
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT NOT NULL DEFAULT '',
    sent_at         TEXT,
    claimed_until   TEXT,
    claim_token     TEXT,
    read_at         TEXT
);
CREATE INDEX notifications_due ON notifications(next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX notifications_inbox ON notifications(user_id, id) WHERE channel = 'inbox';
CREATE INDEX notifications_unread ON notifications(user_id) WHERE channel = 'inbox' AND read_at IS NULL;
CREATE INDEX notifications_claim ON notifications(claim_token) WHERE claim_token IS NOT NULL;

-- notify_prefs holds the choices a user made; a missing row means the default (on).
CREATE TABLE notify_prefs (
    user_id  INTEGER NOT NULL REFERENCES users(id),
    event    TEXT NOT NULL,
    channel  TEXT NOT NULL,
    enabled  INTEGER NOT NULL,
    PRIMARY KEY (user_id, event, channel)
);

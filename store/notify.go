package store

// Notifications (通知): the outbox, the in-app inbox (站内消息), each user's choices and the
// group robots (钉钉/企业微信群机器人).
//
// Code that records an event calls enqueue in its own write transaction, so that the event
// and its notifications commit together or not at all. enqueue fans each Message out into
// rows, one per recipient and channel, by the recipients' preferences and the robots'
// subscriptions. Inbox rows are delivered by being written. The others wait as pending for
// a sender (package notify), which claims them with a lease, sends them and records the
// outcome: delivery is at least once, and every attempt carries the message id fixed here.

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"ding"
)

// Channel is where a notification goes.
type Channel string

const (
	ChannelInbox    Channel = "inbox"    // 站内消息
	ChannelEmail    Channel = "email"    // 电子邮件
	ChannelDingTalk Channel = "dingtalk" // 钉钉群机器人
	ChannelWeCom    Channel = "wecom"    // 企业微信群机器人
)

// UserChannels are the channels users choose for themselves; robots post to groups and
// are chosen by administrators.
var UserChannels = []Channel{ChannelInbox, ChannelEmail}

// RobotKinds are the channels of group robots.
var RobotKinds = []Channel{ChannelDingTalk, ChannelWeCom}

// The states of an outbox row. A pending row is waiting for (another) attempt; sent means a
// channel accepted it (an inbox row is sent when written); failed means ding gave up.
const (
	NotifyPending = "pending"
	NotifySent    = "sent"
	NotifyFailed  = "failed"
)

// NotifyEvents lists the events users choose from, in the order the preferences page shows
// them; each has the message "notify.event.<name>". enqueue accepts other names too (their
// preferences default to on), so a new event works before it is listed here.
var NotifyEvents = []string{
	"warning.opened",      // a warning opens on a project
	"warning.changed",     // its colour rises or falls
	"warning.cleared",     // it clears
	"warning.escalated",   // a warning persists and rises a colour
	"warning.reminder",    // 提醒: the first rung of the escalation ladder
	"letter.issued",       // 提醒函/交办函/督办函 issued to a unit
	"letter.reply_due",    // a letter's reply is due or overdue
	"bulletin.listed",     // 通报: a project is listed in the monthly bulletin
	"interview.scheduled", // 约谈 scheduled
	"interview.overdue",   // 约谈 overdue
	"item.submitted",      // a demand was raised (the office)
	"item.assigned",       // a demand or action item was assigned to a unit
	"item.decided",        // a leader decided a demand (拍板)
	"item.rejected",       // a demand was not accepted (to whoever raised it)
	"item.closed",         // a demand was closed: confirm it (to whoever raised it)
	"item.reopened",       // a closed item was reopened
	"item.overdue",        // a step of a demand or action item is late
	"meeting.scheduled",   // a meeting the unit takes part in is scheduled
	"commitment.due",      // a 对赌 clause fell due: confirm whether it was kept
	"commitment.broken",   // a 对赌 clause was broken
	"scheme.flag",         // a competition period was locked: its results and flag holders
	"bulletin.published",  // the monthly bulletin (月度通报) was published
	"exemption.requested", // an exemption awaits approval
	"exemption.decided",   // an exemption was approved or refused
}

// Message is one event to tell people about. enqueue turns it into an inbox item and an
// e-mail for each recipient (as each chose) and a post by each robot subscribed to Event.
type Message struct {
	Event   string  // "warning.opened": lower case, dotted
	Subject string  // one line, at most 200 characters
	Body    string  // plain text; robots show it as Markdown
	Link    string  // a path in ding ("/projects/12"); senders make it absolute
	UserIDs []int64 // recipients
	UnitIDs []int64 // and every active user of these units
}

// Notification is one row of the outbox: a message for one recipient on one channel.
type Notification struct {
	ID        int64      `json:"id"`
	MessageID string     `json:"message_id"` // "ding-…", the same on every attempt
	UserID    int64      `json:"user_id,omitempty"`
	RobotID   int64      `json:"robot_id,omitempty"`
	Channel   Channel    `json:"channel"`
	Target    string     `json:"target"` // e-mail address or robot name
	Event     string     `json:"event"`
	Subject   string     `json:"subject"`
	Body      string     `json:"body"`
	Link      string     `json:"link"`
	CreatedAt time.Time  `json:"created_at"`
	Status    string     `json:"status"`
	Attempts  int        `json:"attempts"` // failed attempts so far
	NextAt    time.Time  `json:"next_attempt_at"`
	LastError string     `json:"last_error,omitempty"`
	SentAt    *time.Time `json:"sent_at,omitempty"`
	ReadAt    *time.Time `json:"read_at,omitempty"` // inbox items

	// Set on rows returned by ClaimDue: the lease the sender holds.
	ClaimToken   string     `json:"-"`
	ClaimedUntil *time.Time `json:"-"`
}

const notificationCols = `id, message_id, COALESCE(user_id, 0), COALESCE(robot_id, 0), channel, target, event, subject, body, link,
	created_at, status, attempts, next_attempt_at, last_error, sent_at, read_at, COALESCE(claim_token, ''), claimed_until`

func scanNotification(sc interface{ Scan(...any) error }) (*Notification, error) {
	n := &Notification{}
	err := sc.Scan(&n.ID, &n.MessageID, &n.UserID, &n.RobotID, &n.Channel, &n.Target, &n.Event, &n.Subject, &n.Body, &n.Link,
		timeScan{&n.CreatedAt}, &n.Status, &n.Attempts, timeScan{&n.NextAt}, &n.LastError, nullTimeScan{&n.SentAt},
		nullTimeScan{&n.ReadAt}, &n.ClaimToken, nullTimeScan{&n.ClaimedUntil})
	return n, err
}

func scanNotifications(db *DB, rows *sql.Rows) ([]*Notification, error) {
	defer rows.Close()
	var out []*Notification
	for rows.Next() {
		n, err := scanNotification(rows)
		if err != nil {
			return nil, db.mapErr(err)
		}
		out = append(out, n)
	}
	return out, db.mapErr(rows.Err())
}

var eventRE = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$`)

// validEvent checks an event name: it becomes part of message keys and preferences.
func validEvent(e string) bool { return len(e) <= 64 && eventRE.MatchString(e) }

// oneLine turns line breaks and other control characters into spaces: a subject goes into
// mail headers.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }), " ")
}

// normalize cleans a message and refuses one that is malformed: these are the caller's
// mistakes, not the user's.
func (m *Message) normalize() error {
	m.Event = strings.TrimSpace(m.Event)
	m.Subject = strings.TrimSpace(oneLine(m.Subject))
	m.Body = strings.TrimSpace(strings.ReplaceAll(m.Body, "\r\n", "\n"))
	m.Link = strings.TrimSpace(m.Link)
	switch {
	case !validEvent(m.Event):
		return ding.FieldError("event", "notify.event_invalid", m.Event)
	case m.Subject == "":
		return ding.FieldError("subject", "field.required")
	case utf8.RuneCountInString(m.Subject) > 200:
		return ding.FieldError("subject", "field.too_long", 200)
	case utf8.RuneCountInString(m.Body) > 10000:
		return ding.FieldError("body", "field.too_long", 10000)
	case m.Link != "" && (!strings.HasPrefix(m.Link, "/") || strings.HasPrefix(m.Link, "//") || strings.ContainsAny(m.Link, " \t\r\n\\")):
		// Only paths in ding: an inbox must not become a way to send people elsewhere.
		return ding.FieldError("link", "notify.link_invalid")
	}
	return nil
}

// newMessageID returns a fresh message id: "ding-" and 24 hex digits.
func newMessageID() string { return "ding-" + randomHex(12) }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

// mailAddress returns the bare address if s is one that can go into RCPT TO and a To
// header, else "".
func mailAddress(s string) string {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || strings.ContainsAny(s, "\r\n<>") {
		return ""
	}
	return a.Address
}

// recipient is a user a message goes to.
type recipient struct {
	id    int64
	email string
}

// enqueue writes the notifications of the messages in tx: call it in the transaction that
// records the event. It does not check the actor: the write it belongs to was checked.
func enqueue(tx *Tx, ms ...Message) error {
	if len(ms) == 0 {
		return nil
	}
	robots, err := findRobots(tx.ctx, tx.reader, true)
	if err != nil {
		return err
	}
	for i := range ms {
		m := &ms[i]
		if err := m.normalize(); err != nil {
			return err
		}
		rs, prefs, err := recipientsOf(tx, m)
		if err != nil {
			return err
		}
		var rows []outboxRow
		for _, r := range rs {
			if prefs.enabled(r.id, m.Event, ChannelInbox) {
				rows = append(rows, outboxRow{userID: r.id, channel: ChannelInbox})
			}
			if addr := mailAddress(r.email); addr != "" && prefs.enabled(r.id, m.Event, ChannelEmail) {
				rows = append(rows, outboxRow{userID: r.id, channel: ChannelEmail, target: addr})
			}
		}
		for _, rb := range robots {
			if slices.Contains(rb.Events, m.Event) {
				rows = append(rows, outboxRow{robotID: rb.ID, channel: rb.Kind, target: rb.Name})
			}
		}
		if err := insertOutbox(tx, m, rows); err != nil {
			return err
		}
	}
	return nil
}

type outboxRow struct {
	userID, robotID int64
	channel         Channel
	target          string
}

// insertOutbox writes a message's rows, up to 100 in one statement.
func insertOutbox(tx *Tx, m *Message, rows []outboxRow) error {
	const chunk = 100
	for len(rows) > 0 {
		n := min(len(rows), chunk)
		var b strings.Builder
		b.WriteString(`INSERT INTO notifications (message_id, user_id, robot_id, channel, target, event, subject, body, link,
			created_at, status, next_attempt_at, sent_at) VALUES `)
		args := make([]any, 0, n*13)
		for i, r := range rows[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			var user, robot, sent any
			if r.userID != 0 {
				user = r.userID
			}
			if r.robotID != 0 {
				robot = r.robotID
			}
			status := NotifyPending
			if r.channel == ChannelInbox {
				status, sent = NotifySent, ts(tx.now)
			}
			args = append(args, newMessageID(), user, robot, string(r.channel), r.target, m.Event, m.Subject, m.Body, m.Link,
				ts(tx.now), status, ts(tx.now), sent)
		}
		if _, err := tx.exec(b.String(), args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// prefSet holds the stored choices of some users for one event.
type prefSet map[int64]map[Channel]bool

// enabled says whether the user wants the event on the channel: what they chose, else on.
func (p prefSet) enabled(user int64, event string, c Channel) bool {
	if on, ok := p[user][c]; ok {
		return on
	}
	return true
}

// recipientsOf returns the active users a message goes to and their choices for its event.
func recipientsOf(tx *Tx, m *Message) ([]recipient, prefSet, error) {
	if len(m.UserIDs) == 0 && len(m.UnitIDs) == 0 {
		return nil, nil, nil
	}
	var conds []string
	var args []any
	if len(m.UserIDs) > 0 {
		conds = append(conds, "id IN ("+placeholders(len(m.UserIDs))+")")
		for _, id := range m.UserIDs {
			args = append(args, id)
		}
	}
	if len(m.UnitIDs) > 0 {
		conds = append(conds, "unit_id IN ("+placeholders(len(m.UnitIDs))+")")
		for _, id := range m.UnitIDs {
			args = append(args, id)
		}
	}
	who := `SELECT id FROM users WHERE disabled = FALSE AND (` + strings.Join(conds, " OR ") + `)`
	rows, err := tx.query(tx.ctx, `SELECT id, email FROM users WHERE id IN (`+who+`) ORDER BY id`, args...)
	if err != nil {
		return nil, nil, err
	}
	var rs []recipient
	for rows.Next() {
		var r recipient
		if err := rows.Scan(&r.id, &r.email); err != nil {
			rows.Close()
			return nil, nil, tx.db.mapErr(err)
		}
		rs = append(rs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, tx.db.mapErr(err)
	}
	prefs := prefSet{}
	rows, err = tx.query(tx.ctx, `SELECT user_id, channel, enabled FROM notify_prefs WHERE event = ? AND user_id IN (`+who+`)`,
		append([]any{m.Event}, args...)...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var c Channel
		var on bool
		if err := rows.Scan(&id, &c, &on); err != nil {
			return nil, nil, tx.db.mapErr(err)
		}
		if prefs[id] == nil {
			prefs[id] = map[Channel]bool{}
		}
		prefs[id][c] = on
	}
	return rs, prefs, tx.db.mapErr(rows.Err())
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// Notify records messages in a transaction of their own, for callers that have none.
// Administrators, the office and the system may notify; other code enqueues in the
// transaction of its event.
func (db *DB) Notify(ctx context.Context, ms ...Message) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	if a := tx.actor; !(a.System || a.Role == ding.RoleAdmin || a.Role == ding.RoleOffice) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	if err := enqueue(tx, ms...); err != nil {
		return err
	}
	return tx.commit()
}

// ---- The sender's side: claim, record the outcome. ----
//
// These are the outbox's machinery, called by package notify with no actor: they change
// only the delivery state of rows, never what a notification says or to whom.

// Claim says what a sender takes from the outbox.
type Claim struct {
	Now      time.Time     // the sender's clock
	Limit    int           // at most this many rows
	Lease    time.Duration // no other sender takes them before Now+Lease
	Channels []Channel     // only these (the ones the sender can deliver)
}

// ClaimDue leases up to Limit pending rows that are due, oldest first, to the caller:
// others do not take them until the lease ends or the caller records an outcome. The
// claim is one statement, so two senders never get the same row: SQLite has one writer;
// on PostgreSQL the due rows are picked FOR UPDATE SKIP LOCKED in a MATERIALIZED CTE. (The
// plainer "WHERE id IN (SELECT … SKIP LOCKED)" is as safe but, under contention, handed
// the second sender nothing while rows were free: TestOutboxConcurrentSenders.)
func (db *DB) ClaimDue(ctx context.Context, c Claim) ([]*Notification, error) {
	if c.Limit <= 0 || c.Lease <= 0 || len(c.Channels) == 0 {
		return nil, nil
	}
	now := c.Now.UTC().Truncate(time.Microsecond)
	token := randomHex(12)
	args := []any{ts(now), ts(now)}
	for _, ch := range c.Channels {
		args = append(args, string(ch))
	}
	args = append(args, ts(now.Add(c.Lease)), token)
	due := `SELECT id FROM notifications WHERE status = 'pending' AND next_attempt_at <= ?
		AND (claimed_until IS NULL OR claimed_until < ?) AND channel IN (` + placeholders(len(c.Channels)) + `)
		ORDER BY next_attempt_at, id LIMIT ` + strconv.Itoa(c.Limit)
	q := `WITH due AS (` + due + `)`
	if db.dialect == Postgres {
		q = `WITH due AS MATERIALIZED (` + due + ` FOR UPDATE SKIP LOCKED)`
	}
	q += ` UPDATE notifications SET claimed_until = ?, claim_token = ?
		WHERE id IN (SELECT id FROM due) AND status = 'pending' RETURNING ` + notificationCols
	rows, err := db.write.QueryContext(ctx, db.rebind(q), args...)
	if err != nil {
		return nil, db.mapErr(err)
	}
	ns, err := scanNotifications(db, rows)
	if err != nil {
		return nil, err
	}
	sort.Slice(ns, func(i, j int) bool {
		if !ns[i].NextAt.Equal(ns[j].NextAt) {
			return ns[i].NextAt.Before(ns[j].NextAt)
		}
		return ns[i].ID < ns[j].ID
	})
	return ns, nil
}

// MarkSent records that a channel accepted the row. It holds whether or not the lease is
// still the caller's: the message went out either way.
func (db *DB) MarkSent(ctx context.Context, n *Notification, now time.Time) error {
	_, err := db.write.ExecContext(ctx, db.rebind(`UPDATE notifications SET status = 'sent', sent_at = ?, last_error = '',
		claimed_until = NULL, claim_token = NULL WHERE id = ? AND status = 'pending'`), ts(now), n.ID)
	return db.mapErr(err)
}

// RetryPolicy says when to try a failed row again: after Base, doubling up to Cap, and
// never again after MaxAttempts failures.
type RetryPolicy struct {
	Base, Cap   time.Duration
	MaxAttempts int
}

// DefaultRetry tries for about two days: 30 s, 1 min, 2 min … then hourly, 48 attempts.
var DefaultRetry = RetryPolicy{Base: 30 * time.Second, Cap: time.Hour, MaxAttempts: 48}

// Delay is the wait after the attempt-th failure (1 for the first).
func (p RetryPolicy) Delay(attempt int) time.Duration {
	d := p.Base
	for i := 1; i < attempt && d < p.Cap; i++ {
		d *= 2
	}
	return min(d, p.Cap)
}

// MarkFailed records a failed attempt on a row the caller claimed: it is due again after
// the policy's delay, or failed for good when permanent or out of attempts. It reports
// whether ding gave up. A row whose lease another sender has taken over is left alone.
func (db *DB) MarkFailed(ctx context.Context, n *Notification, now time.Time, reason string, permanent bool, p RetryPolicy) (bool, error) {
	attempt := n.Attempts + 1
	status, next := NotifyPending, now.Add(p.Delay(attempt))
	if permanent || attempt >= p.MaxAttempts {
		status, next = NotifyFailed, now
	}
	if utf8.RuneCountInString(reason) > 500 {
		reason = string([]rune(reason)[:500])
	}
	_, err := db.write.ExecContext(ctx, db.rebind(`UPDATE notifications SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?,
		status = ?, claimed_until = NULL, claim_token = NULL WHERE id = ? AND claim_token = ? AND status = 'pending'`),
		reason, ts(next), status, n.ID, n.ClaimToken)
	return status == NotifyFailed, db.mapErr(err)
}

// ReleaseClaim gives back the rows of a claim that the sender did not get to, so that
// they need not wait for the lease to end.
func (db *DB) ReleaseClaim(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	_, err := db.write.ExecContext(ctx, db.rebind(`UPDATE notifications SET claimed_until = NULL, claim_token = NULL
		WHERE claim_token = ? AND status = 'pending'`), token)
	return db.mapErr(err)
}

// ---- Inbox: each user reads and marks only their own items. ----

// InboxFilter selects the caller's inbox items.
type InboxFilter struct {
	UnreadOnly    bool
	Limit, Offset int
}

// inboxOwner returns the user whose inbox the caller reads: their own. The system has none.
func inboxOwner(ctx context.Context) (int64, error) {
	a := ding.ActorFrom(ctx)
	if a == nil {
		return 0, ding.Errorf(ding.EUNAUTHORIZED, "err.unauthorized")
	}
	return a.UserID, nil
}

// Inbox returns the caller's inbox, unread first, newest first within each, and how many
// items match.
func (db *DB) Inbox(ctx context.Context, f InboxFilter) ([]*Notification, int, error) {
	uid, err := inboxOwner(ctx)
	if err != nil || uid == 0 {
		return nil, 0, err
	}
	w := ` FROM notifications WHERE channel = 'inbox' AND user_id = ?`
	if f.UnreadOnly {
		w += ` AND read_at IS NULL`
	}
	r := db.reader()
	var total int
	if err := r.queryRow(ctx, `SELECT COUNT(*)`+w, uid).Scan(&total); err != nil {
		return nil, 0, db.mapErr(err)
	}
	rows, err := r.query(ctx, `SELECT `+notificationCols+w+` ORDER BY CASE WHEN read_at IS NULL THEN 0 ELSE 1 END, id DESC`+page(f.Limit, f.Offset), uid)
	if err != nil {
		return nil, 0, err
	}
	ns, err := scanNotifications(db, rows)
	return ns, total, err
}

// UnreadCount returns how many of the caller's inbox items are unread.
func (db *DB) UnreadCount(ctx context.Context) (int, error) {
	uid, err := inboxOwner(ctx)
	if err != nil || uid == 0 {
		return 0, err
	}
	var n int
	err = db.reader().queryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE channel = 'inbox' AND user_id = ? AND read_at IS NULL`, uid).Scan(&n)
	return n, db.mapErr(err)
}

// MarkRead marks one of the caller's inbox items read. Someone else's item is not found,
// like a missing one. Reading is bookkeeping, not a change of a record: not audited.
func (db *DB) MarkRead(ctx context.Context, id int64) error {
	uid, err := inboxOwner(ctx)
	if err != nil {
		return err
	}
	res, err := db.write.ExecContext(ctx, db.rebind(`UPDATE notifications SET read_at = COALESCE(read_at, ?)
		WHERE id = ? AND user_id = ? AND channel = 'inbox'`), ts(db.Now()), id, uid)
	if err != nil {
		return db.mapErr(err)
	}
	if n, _ := res.RowsAffected(); n == 0 || uid == 0 {
		return notFound("notification")
	}
	return nil
}

// MarkAllRead marks every unread item of the caller's inbox read and returns how many.
func (db *DB) MarkAllRead(ctx context.Context) (int, error) {
	uid, err := inboxOwner(ctx)
	if err != nil || uid == 0 {
		return 0, err
	}
	res, err := db.write.ExecContext(ctx, db.rebind(`UPDATE notifications SET read_at = ?
		WHERE user_id = ? AND channel = 'inbox' AND read_at IS NULL`), ts(db.Now()), uid)
	if err != nil {
		return 0, db.mapErr(err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// ---- Preferences: which events reach a user, and where. ----

// NotifyPref is a user's choice for one event on one channel.
type NotifyPref struct {
	Event   string  `json:"event"`
	Channel Channel `json:"channel"`
	Enabled bool    `json:"enabled"`
}

func (p NotifyPref) key() string { return p.Event + "/" + string(p.Channel) }

// NotifyPrefs returns the caller's choices: every listed event on every user channel
// (on unless turned off), then the stored choices of events not listed.
func (db *DB) NotifyPrefs(ctx context.Context) ([]NotifyPref, error) {
	uid, err := inboxOwner(ctx)
	if err != nil {
		return nil, err
	}
	return notifyPrefs(ctx, db.reader(), uid)
}

func notifyPrefs(ctx context.Context, r reader, uid int64) ([]NotifyPref, error) {
	rows, err := r.query(ctx, `SELECT event, channel, enabled FROM notify_prefs WHERE user_id = ? ORDER BY event, channel`, uid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	stored := map[string]bool{}
	var extra []NotifyPref
	for rows.Next() {
		var p NotifyPref
		if err := rows.Scan(&p.Event, &p.Channel, &p.Enabled); err != nil {
			return nil, r.db.mapErr(err)
		}
		stored[p.key()] = p.Enabled
		if !slices.Contains(NotifyEvents, p.Event) {
			extra = append(extra, p)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, r.db.mapErr(err)
	}
	var out []NotifyPref
	for _, e := range NotifyEvents {
		for _, c := range UserChannels {
			p := NotifyPref{Event: e, Channel: c, Enabled: true}
			if on, ok := stored[p.key()]; ok {
				p.Enabled = on
			}
			out = append(out, p)
		}
	}
	return append(out, extra...), nil
}

// SetNotifyPrefs stores the caller's choices; events and channels not mentioned keep
// theirs. The change is audited with what it changed.
func (db *DB) SetNotifyPrefs(ctx context.Context, prefs []NotifyPref) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	uid := tx.actor.UserID
	if uid == 0 {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	for _, p := range prefs {
		if !validEvent(p.Event) {
			return ding.FieldError("event", "notify.event_invalid", p.Event)
		}
		if !slices.Contains(UserChannels, p.Channel) {
			return ding.FieldError("channel", "notify.channel_invalid", string(p.Channel))
		}
	}
	current, err := notifyPrefs(tx.ctx, tx.reader, uid)
	if err != nil {
		return err
	}
	was := map[string]bool{}
	for _, p := range current {
		was[p.key()] = p.Enabled
	}
	before, after := map[string]bool{}, map[string]bool{}
	for _, p := range prefs {
		old, ok := was[p.key()]
		if !ok {
			old = true
		}
		if old == p.Enabled {
			continue
		}
		if _, err := tx.exec(`INSERT INTO notify_prefs (user_id, event, channel, enabled) VALUES (?, ?, ?, ?)
			ON CONFLICT (user_id, event, channel) DO UPDATE SET enabled = excluded.enabled`,
			uid, p.Event, string(p.Channel), p.Enabled); err != nil {
			return err
		}
		before[p.key()], after[p.key()] = old, p.Enabled
		was[p.key()] = p.Enabled
	}
	if len(after) == 0 {
		return nil // nothing changes: no write, no audit entry
	}
	if err := tx.audit("notify_prefs", uid, "update", before, after); err != nil {
		return err
	}
	return tx.commit()
}

// ---- Robots: group chat robots, configured by administrators. ----

// Robot is a group chat robot (群机器人) that posts the events it subscribes to.
type Robot struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Kind      Channel   `json:"kind"`    // ChannelDingTalk or ChannelWeCom
	Webhook   string    `json:"webhook"` // holds the access token: shown to administrators only
	Secret    string    `json:"-"`       // DingTalk's signing secret (加签), or empty
	Events    []string  `json:"events"`
	Enabled   bool      `json:"enabled"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Normalize trims the robot's fields and sorts its events without duplicates.
func (r *Robot) Normalize() {
	r.Name = strings.TrimSpace(r.Name)
	r.Webhook = strings.TrimSpace(r.Webhook)
	r.Secret = strings.TrimSpace(r.Secret)
	var evs []string
	for _, e := range r.Events {
		if e = strings.TrimSpace(e); e != "" && !slices.Contains(evs, e) {
			evs = append(evs, e)
		}
	}
	sort.Strings(evs)
	r.Events = evs
}

// Validate says what is wrong with the robot, by field.
func (r *Robot) Validate() error {
	switch {
	case r.Name == "":
		return ding.FieldError("name", "field.required")
	case utf8.RuneCountInString(r.Name) > 50:
		return ding.FieldError("name", "field.too_long", 50)
	case !slices.Contains(RobotKinds, r.Kind):
		return ding.FieldError("kind", "notify.robot_kind_invalid")
	case r.Webhook == "":
		return ding.FieldError("webhook", "field.required")
	case len(r.Webhook) > 500:
		return ding.FieldError("webhook", "field.too_long", 500)
	case r.Kind == ChannelWeCom && r.Secret != "":
		return ding.FieldError("secret", "notify.robot_secret_wecom")
	case len(r.Secret) > 200:
		return ding.FieldError("secret", "field.too_long", 200)
	case len(r.Events) == 0:
		return ding.FieldError("events", "notify.robot_no_events")
	}
	if u, err := url.Parse(r.Webhook); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return ding.FieldError("webhook", "notify.robot_webhook_invalid")
	}
	for _, e := range r.Events {
		if !validEvent(e) {
			return ding.FieldError("events", "notify.event_invalid", e)
		}
	}
	return nil
}

// RedactWebhook hides the credentials of a webhook URL (its query values, e.g. the
// access_token or key), for the audit log and for display.
func RedactWebhook(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "***"
	}
	q := u.Query()
	for k := range q {
		q.Set(k, "***")
	}
	u.RawQuery = strings.ReplaceAll(q.Encode(), "%2A%2A%2A", "***")
	u.User = nil
	return u.String()
}

// robotAudit is what the audit log keeps of a robot: its credentials redacted.
type robotAudit struct {
	Name      string   `json:"name"`
	Kind      Channel  `json:"kind"`
	Webhook   string   `json:"webhook"`
	SecretSet bool     `json:"secret_set"`
	Events    []string `json:"events"`
	Enabled   bool     `json:"enabled"`
}

func auditRobot(r *Robot) *robotAudit {
	return &robotAudit{Name: r.Name, Kind: r.Kind, Webhook: RedactWebhook(r.Webhook), SecretSet: r.Secret != "", Events: r.Events, Enabled: r.Enabled}
}

func requireAdmin(ctx context.Context) error {
	a := ding.ActorFrom(ctx)
	if a == nil {
		return ding.Errorf(ding.EUNAUTHORIZED, "err.unauthorized")
	}
	if !a.IsAdmin() {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	return nil
}

const robotCols = `id, name, kind, webhook, secret, events, enabled, created_at, updated_at`

func findRobots(ctx context.Context, r reader, enabledOnly bool) ([]*Robot, error) {
	q := `SELECT ` + robotCols + ` FROM robots`
	if enabledOnly {
		q += ` WHERE enabled = TRUE`
	}
	rows, err := r.query(ctx, q+` ORDER BY name, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Robot
	for rows.Next() {
		rb, err := scanRobot(rows)
		if err != nil {
			return nil, r.db.mapErr(err)
		}
		out = append(out, rb)
	}
	return out, r.db.mapErr(rows.Err())
}

func scanRobot(sc interface{ Scan(...any) error }) (*Robot, error) {
	rb := &Robot{}
	var events string
	err := sc.Scan(&rb.ID, &rb.Name, &rb.Kind, &rb.Webhook, &rb.Secret, &events, &rb.Enabled, timeScan{&rb.CreatedAt}, timeScan{&rb.UpdatedAt})
	if events != "" {
		rb.Events = strings.Split(events, ",")
	}
	return rb, err
}

// Robots returns every robot. Administrators only: webhooks hold credentials.
func (db *DB) Robots(ctx context.Context) ([]*Robot, error) {
	if err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	return findRobots(ctx, db.reader(), false)
}

// Robot returns one robot. Administrators only; the sender reads as the system.
func (db *DB) Robot(ctx context.Context, id int64) (*Robot, error) {
	if err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	return findRobot(ctx, db.reader(), id)
}

func findRobot(ctx context.Context, r reader, id int64) (*Robot, error) {
	rb, err := scanRobot(r.queryRow(ctx, `SELECT `+robotCols+` FROM robots WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("robot")
	}
	if err != nil {
		return nil, r.db.mapErr(err)
	}
	return rb, nil
}

// robotNameTaken is the error for a second robot of the same name.
func robotNameTaken(name string) error {
	e := ding.FieldError("name", "notify.robot_name_taken", name)
	e.Code = ding.ECONFLICT
	return e
}

// CreateRobot adds a robot. Administrators only; audited without its credentials.
func (db *DB) CreateRobot(ctx context.Context, rb *Robot) error {
	if err := requireAdmin(ctx); err != nil {
		return err
	}
	rb.Normalize()
	if err := rb.Validate(); err != nil {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	rb.CreatedAt, rb.UpdatedAt = tx.now, tx.now
	id, err := tx.insert(`INSERT INTO robots (name, kind, webhook, secret, events, enabled, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		rb.Name, string(rb.Kind), rb.Webhook, rb.Secret, strings.Join(rb.Events, ","), rb.Enabled, ts(tx.now), ts(tx.now))
	if ding.ErrorCode(err) == ding.ECONFLICT {
		return robotNameTaken(rb.Name)
	}
	if err != nil {
		return err
	}
	rb.ID = id
	if err := tx.audit("robot", id, "create", nil, auditRobot(rb)); err != nil {
		return err
	}
	return tx.commit()
}

// UpdateRobot saves a changed robot (enabling and disabling included). Administrators
// only; audited without its credentials.
func (db *DB) UpdateRobot(ctx context.Context, rb *Robot) error {
	if err := requireAdmin(ctx); err != nil {
		return err
	}
	rb.Normalize()
	if err := rb.Validate(); err != nil {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	old, err := findRobot(tx.ctx, tx.reader, rb.ID)
	if err != nil {
		return err
	}
	rb.CreatedAt = old.CreatedAt
	if old.Name == rb.Name && old.Kind == rb.Kind && old.Webhook == rb.Webhook && old.Secret == rb.Secret &&
		slices.Equal(old.Events, rb.Events) && old.Enabled == rb.Enabled {
		rb.UpdatedAt = old.UpdatedAt
		return nil // nothing changes: no write, no audit entry
	}
	rb.UpdatedAt = tx.now
	_, err = tx.exec(`UPDATE robots SET name = ?, kind = ?, webhook = ?, secret = ?, events = ?, enabled = ?, updated_at = ? WHERE id = ?`,
		rb.Name, string(rb.Kind), rb.Webhook, rb.Secret, strings.Join(rb.Events, ","), rb.Enabled, ts(tx.now), rb.ID)
	if ding.ErrorCode(err) == ding.ECONFLICT {
		return robotNameTaken(rb.Name)
	}
	if err != nil {
		return err
	}
	action := "update"
	switch {
	case old.Enabled && !rb.Enabled:
		action = "disable"
	case !old.Enabled && rb.Enabled:
		action = "enable"
	}
	if err := tx.audit("robot", rb.ID, action, auditRobot(old), auditRobot(rb)); err != nil {
		return err
	}
	return tx.commit()
}

// ---- The outbox for administrators: what waits, what failed, and a retry. ----

// OutboxStat counts the rows of one channel in one state.
type OutboxStat struct {
	Channel Channel `json:"channel"`
	Status  string  `json:"status"`
	Count   int     `json:"count"`
}

// OutboxStats counts the outbox (inbox items aside) by channel and state. Administrators only.
func (db *DB) OutboxStats(ctx context.Context) ([]OutboxStat, error) {
	if err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	rows, err := db.reader().query(ctx, `SELECT channel, status, COUNT(*) FROM notifications
		WHERE channel <> 'inbox' GROUP BY channel, status ORDER BY channel, status`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []OutboxStat
	for rows.Next() {
		var s OutboxStat
		if err := rows.Scan(&s.Channel, &s.Status, &s.Count); err != nil {
			return nil, db.mapErr(err)
		}
		out = append(out, s)
	}
	return out, db.mapErr(rows.Err())
}

// NotificationFilter selects outbox rows for administrators.
type NotificationFilter struct {
	Event   string
	Channel Channel
	Status  string
	UserID  int64
	Limit   int
	Offset  int
}

// FindNotifications returns outbox rows, newest first. Administrators only.
func (db *DB) FindNotifications(ctx context.Context, f NotificationFilter) ([]*Notification, error) {
	if err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	var w where
	if f.Event != "" {
		w.add("event = ?", f.Event)
	}
	if f.Channel != "" {
		w.add("channel = ?", string(f.Channel))
	}
	if f.Status != "" {
		w.add("status = ?", f.Status)
	}
	if f.UserID != 0 {
		w.add("user_id = ?", f.UserID)
	}
	rows, err := db.reader().query(ctx, `SELECT `+notificationCols+` FROM notifications`+w.String()+` ORDER BY id DESC`+page(f.Limit, f.Offset), w.args...)
	if err != nil {
		return nil, err
	}
	return scanNotifications(db, rows)
}

// RetryFailed puts every failed row back in the queue, due now with a fresh count of
// attempts, and returns how many. Administrators only; audited.
func (db *DB) RetryFailed(ctx context.Context) (int, error) {
	if err := requireAdmin(ctx); err != nil {
		return 0, err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.rollback()
	res, err := tx.exec(`UPDATE notifications SET status = 'pending', attempts = 0, next_attempt_at = ?,
		claimed_until = NULL, claim_token = NULL WHERE status = 'failed'`, ts(tx.now))
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	if n == 0 {
		return 0, nil
	}
	if err := tx.audit("notifications", 0, "retry_failed", nil, map[string]any{"count": n}); err != nil {
		return 0, err
	}
	return int(n), tx.commit()
}

// PurgeNotifications deletes e-mail and robot rows that were sent or given up on before
// the time, and returns how many; inbox items stay, they are the users' history. The
// system only (housekeeping).
func (db *DB) PurgeNotifications(ctx context.Context, before time.Time) (int, error) {
	if a := ding.ActorFrom(ctx); a == nil || !a.System {
		return 0, ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	res, err := db.write.ExecContext(ctx, db.rebind(`DELETE FROM notifications WHERE channel <> 'inbox'
		AND status IN ('sent', 'failed') AND created_at < ?`), ts(before))
	if err != nil {
		return 0, db.mapErr(err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// digestKey addresses a digest: one notification event for a unit or for a user.
type digestKey struct {
	event  string
	unit   int64
	leader int64
}

// digests groups the items of a batch by recipient and event, in first-seen order, so that
// a pass that touches 300 projects of a town sends the town one message, not 300.
type digests[T any] struct {
	order []digestKey
	m     map[digestKey][]T
}

func (d *digests[T]) add(k digestKey, v T) {
	if d.m == nil {
		d.m = map[digestKey][]T{}
	}
	if _, ok := d.m[k]; !ok {
		d.order = append(d.order, k)
	}
	d.m[k] = append(d.m[k], v)
}

// digestBody writes a line per item, up to digestItems, then says how many more there are.
func digestBody[T any](list []T, more string, line func(b *strings.Builder, v T)) string {
	var b strings.Builder
	for i, v := range list {
		if i == digestItems {
			fmt.Fprintf(&b, "……另有 %d %s\n", len(list)-digestItems, more)
			break
		}
		line(&b, v)
	}
	return b.String()
}

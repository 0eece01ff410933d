package store_test

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"ding"
	"ding/store"
	"ding/store/storetest"
)

// notifyClock is a fake clock for the database; tests move it by hand.
type notifyClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *notifyClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *notifyClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// notifyPeople is a tree and some users: a (district, with e-mail), b (district, without),
// c (district, disabled), d (town B, with e-mail), admin and office (district).
type notifyPeople struct {
	tree
	a, b, c, d, admin, office *ding.User
	clock                     *notifyClock
}

func mkNotifyPeople(t *testing.T, db *store.DB) *notifyPeople {
	t.Helper()
	clock := &notifyClock{now: time.Date(2024, 6, 20, 2, 0, 0, 0, time.UTC)}
	db.Now = clock.Now
	p := &notifyPeople{tree: mkTree(t, db), clock: clock}
	mk := func(name string, unit int64, role ding.Role, email string) *ding.User {
		u := &ding.User{Username: "user_" + name, DisplayName: name, UnitID: unit, Role: role, Email: email}
		if err := db.CreateUser(sys(), u, "x"); err != nil {
			t.Fatalf("user %s: %v", name, err)
		}
		return u
	}
	p.a = mk("a", p.district.ID, ding.RoleLeader, "a@example.cn")
	p.b = mk("b", p.district.ID, ding.RoleViewer, "")
	p.c = mk("c", p.district.ID, ding.RoleViewer, "c@example.cn")
	p.d = mk("d", p.townB.ID, ding.RoleLiaison, "d@example.cn")
	p.admin = mk("admin", p.district.ID, ding.RoleAdmin, "")
	p.office = mk("office", p.district.ID, ding.RoleOffice, "")
	disabled := true
	if _, err := db.UpdateUser(sys(), p.c.ID, ding.UserUpdate{Disabled: &disabled}); err != nil {
		t.Fatal(err)
	}
	return p
}

// outbox returns every row, oldest first, read as the system.
func outbox(t *testing.T, db *store.DB, f store.NotificationFilter) []*store.Notification {
	t.Helper()
	ns, err := db.FindNotifications(sys(), f)
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(ns, func(i, j int) bool { return ns[i].ID < ns[j].ID })
	return ns
}

// rowsOf describes rows as "channel:target-or-user" for comparison.
func rowsOf(ns []*store.Notification) []string {
	var out []string
	for _, n := range ns {
		who := n.Target
		if n.Channel == store.ChannelInbox {
			who = "user" + string(rune('0'+n.UserID%10))
		}
		out = append(out, string(n.Channel)+":"+who)
	}
	sort.Strings(out)
	return out
}

func mkRobot(t *testing.T, db *store.DB, name string, kind store.Channel, enabled bool, events ...string) *store.Robot {
	t.Helper()
	rb := &store.Robot{Name: name, Kind: kind, Webhook: "https://oapi.dingtalk.com/robot/send?access_token=tok-" + name, Events: events, Enabled: enabled}
	if err := db.CreateRobot(sys(), rb); err != nil {
		t.Fatalf("robot %s: %v", name, err)
	}
	return rb
}

func TestNotifyFanOut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := mkNotifyPeople(t, db)
		mkRobot(t, db, "区项目群", store.ChannelDingTalk, true, "warning.opened")
		mkRobot(t, db, "企微群", store.ChannelWeCom, true, "warning.cleared")
		mkRobot(t, db, "停用的群", store.ChannelDingTalk, false, "warning.opened")
		// a does not want warning.opened by e-mail.
		if err := db.SetNotifyPrefs(userCtx(p.a), []store.NotifyPref{{Event: "warning.opened", Channel: store.ChannelEmail, Enabled: false}}); err != nil {
			t.Fatal(err)
		}

		// To a, b, c and everyone of town B (d); a twice.
		err := db.Notify(sys(), store.Message{Event: "warning.opened", Subject: "项目\r\n出现黄色预警", Body: "落后 10.5 个百分点",
			Link: "/projects/1", UserIDs: []int64{p.a.ID, p.b.ID, p.c.ID, p.a.ID}, UnitIDs: []int64{p.townB.ID}})
		if err != nil {
			t.Fatal(err)
		}
		ns := outbox(t, db, store.NotificationFilter{Event: "warning.opened"})
		got := map[string]*store.Notification{}
		for _, n := range ns {
			key := string(n.Channel) + ":" + n.Target
			if n.Channel == store.ChannelInbox {
				key = "inbox:" + map[int64]string{p.a.ID: "a", p.b.ID: "b", p.c.ID: "c", p.d.ID: "d"}[n.UserID]
			}
			if got[key] != nil {
				t.Errorf("two rows for %s", key)
			}
			got[key] = n
		}
		want := []string{"dingtalk:区项目群", "email:d@example.cn", "inbox:a", "inbox:b", "inbox:d"}
		var keys []string
		for k := range got {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if strings.Join(keys, " ") != strings.Join(want, " ") {
			t.Fatalf("rows %v, want %v (no e-mail for a, who turned it off; none for b, who has no address; nothing for disabled c; not the disabled robot)", keys, want)
		}
		ids := map[string]bool{}
		for k, n := range got {
			if !strings.HasPrefix(n.MessageID, "ding-") || len(n.MessageID) != 29 || ids[n.MessageID] {
				t.Errorf("%s: message id %q", k, n.MessageID)
			}
			ids[n.MessageID] = true
			if n.Subject != "项目 出现黄色预警" || n.Link != "/projects/1" || n.Body != "落后 10.5 个百分点" {
				t.Errorf("%s: %q %q %q", k, n.Subject, n.Link, n.Body)
			}
		}
		if n := got["inbox:a"]; n.Status != store.NotifySent || n.SentAt == nil || n.ReadAt != nil {
			t.Errorf("inbox row: status %s sent %v read %v; want delivered, unread", n.Status, n.SentAt, n.ReadAt)
		}
		if n := got["email:d@example.cn"]; n.Status != store.NotifyPending || n.UserID != p.d.ID || !n.NextAt.Equal(p.clock.Now()) {
			t.Errorf("email row: %+v", n)
		}
		if n := got["dingtalk:区项目群"]; n.Status != store.NotifyPending || n.UserID != 0 || n.RobotID == 0 {
			t.Errorf("robot row: %+v", n)
		}

		// a's choice is per event: warning.cleared still reaches a by e-mail, and the
		// WeCom robot that subscribes to it.
		if err := db.Notify(sys(), store.Message{Event: "warning.cleared", Subject: "预警解除", UserIDs: []int64{p.a.ID}}); err != nil {
			t.Fatal(err)
		}
		var cleared []string
		for _, n := range outbox(t, db, store.NotificationFilter{Event: "warning.cleared"}) {
			cleared = append(cleared, string(n.Channel)+":"+n.Target)
		}
		sort.Strings(cleared)
		if strings.Join(cleared, " ") != "email:a@example.cn inbox: wecom:企微群" {
			t.Errorf("warning.cleared rows: %v", cleared)
		}
	})
}

// TestNotifyAtomic: the messages of one call commit together, or none does.
func TestNotifyAtomic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := mkNotifyPeople(t, db)
		ok := store.Message{Event: "warning.opened", Subject: "一", UserIDs: []int64{p.a.ID}}
		for _, bad := range []store.Message{
			{Event: "Warning Opened", Subject: "x", UserIDs: []int64{p.a.ID}},
			{Event: "warning.opened", Subject: "  ", UserIDs: []int64{p.a.ID}},
			{Event: "warning.opened", Subject: "x", Link: "https://evil.example/", UserIDs: []int64{p.a.ID}},
			{Event: "warning.opened", Subject: "x", Link: "//evil.example/", UserIDs: []int64{p.a.ID}},
			{Event: "warning.opened", Subject: strings.Repeat("长", 201), UserIDs: []int64{p.a.ID}},
		} {
			if err := db.Notify(sys(), ok, bad); ding.ErrorCode(err) != ding.EINVALID {
				t.Errorf("Notify with %+v: %v, want invalid", bad, err)
			}
		}
		if ns := outbox(t, db, store.NotificationFilter{}); len(ns) != 0 {
			t.Fatalf("a failed Notify left %d rows", len(ns))
		}
		// Only the system, administrators and the office notify directly.
		if err := db.Notify(userCtx(p.d), ok); ding.ErrorCode(err) != ding.EFORBIDDEN {
			t.Errorf("liaison notifies: %v, want forbidden", err)
		}
		if err := db.Notify(userCtx(p.office), ok); err != nil {
			t.Errorf("office notifies: %v", err)
		}
		if ns := outbox(t, db, store.NotificationFilter{}); len(ns) != 2 { // inbox and e-mail of a
			t.Fatalf("rows after one good Notify: %d, want 2", len(ns))
		}
	})
}

func TestInboxScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := mkNotifyPeople(t, db)
		for i, to := range []*ding.User{p.a, p.a, p.b, p.a} {
			p.clock.Add(time.Minute)
			if err := db.Notify(sys(), store.Message{Event: "warning.opened", Subject: "消息" + string(rune('1'+i)), UserIDs: []int64{to.ID}}); err != nil {
				t.Fatal(err)
			}
		}
		a, b := userCtx(p.a), userCtx(p.b)
		items, total, err := db.Inbox(a, store.InboxFilter{})
		if err != nil || total != 3 || len(items) != 3 {
			t.Fatalf("a's inbox: %d/%d %v", len(items), total, err)
		}
		if items[0].Subject != "消息4" || items[2].Subject != "消息1" {
			t.Errorf("order: %s … %s, want newest first", items[0].Subject, items[2].Subject)
		}
		bItems, _, _ := db.Inbox(b, store.InboxFilter{})
		if len(bItems) != 1 || bItems[0].Subject != "消息3" {
			t.Fatalf("b's inbox: %v", bItems)
		}
		// a can neither read nor mark b's item: it is not found, like a missing one.
		if err := db.MarkRead(a, bItems[0].ID); ding.ErrorCode(err) != ding.ENOTFOUND {
			t.Errorf("a marks b's item: %v, want not_found", err)
		}
		if err := db.MarkRead(a, 999999); ding.ErrorCode(err) != ding.ENOTFOUND {
			t.Errorf("a marks a missing item: %v, want not_found", err)
		}
		// Only inbox rows: a's e-mail row is not an inbox item.
		email := outbox(t, db, store.NotificationFilter{Channel: store.ChannelEmail})
		if len(email) == 0 {
			t.Fatal("no e-mail rows")
		}
		if err := db.MarkRead(a, email[0].ID); ding.ErrorCode(err) != ding.ENOTFOUND {
			t.Errorf("a marks an e-mail row read: %v, want not_found", err)
		}
		// Marking read: the oldest moves below the unread ones; twice is harmless.
		for range 2 {
			if err := db.MarkRead(a, items[2].ID); err != nil {
				t.Fatal(err)
			}
		}
		p.clock.Add(time.Minute)
		if err := db.MarkRead(a, items[0].ID); err != nil {
			t.Fatal(err)
		}
		items, _, _ = db.Inbox(a, store.InboxFilter{})
		if items[0].Subject != "消息2" || items[0].ReadAt != nil || items[1].ReadAt == nil || items[2].Subject != "消息1" {
			t.Errorf("after marking: %s %v, %s, %s; want unread first", items[0].Subject, items[0].ReadAt, items[1].Subject, items[2].Subject)
		}
		if n, _ := db.UnreadCount(a); n != 1 {
			t.Errorf("a unread = %d, want 1", n)
		}
		unread, total, _ := db.Inbox(a, store.InboxFilter{UnreadOnly: true})
		if total != 1 || len(unread) != 1 || unread[0].Subject != "消息2" {
			t.Errorf("unread only: %d %v", total, unread)
		}
		if n, err := db.MarkAllRead(a); err != nil || n != 1 {
			t.Errorf("mark all read: %d %v, want 1", n, err)
		}
		// b's item stays unread.
		if n, _ := db.UnreadCount(b); n != 1 {
			t.Errorf("b unread = %d after a marked all read, want 1", n)
		}
		// The system has no inbox; no actor is unauthorized.
		if n, err := db.UnreadCount(sys()); n != 0 || err != nil {
			t.Errorf("system unread: %d %v", n, err)
		}
		if _, err := db.UnreadCount(context.Background()); ding.ErrorCode(err) != ding.EUNAUTHORIZED {
			t.Errorf("anonymous unread: %v", err)
		}
	})
}

func TestNotifyPrefs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := mkNotifyPeople(t, db)
		a := userCtx(p.a)
		prefs, err := db.NotifyPrefs(a)
		if err != nil {
			t.Fatal(err)
		}
		if len(prefs) != len(store.NotifyEvents)*len(store.UserChannels) {
			t.Fatalf("%d prefs", len(prefs))
		}
		for _, pr := range prefs {
			if !pr.Enabled {
				t.Errorf("default %v: off", pr)
			}
		}
		audits := func() int {
			_, n, err := db.FindAudit(sys(), ding.AuditFilter{Entity: "notify_prefs", EntityID: p.a.ID})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		set := []store.NotifyPref{
			{Event: "warning.opened", Channel: store.ChannelEmail, Enabled: false},
			{Event: "warning.opened", Channel: store.ChannelInbox, Enabled: true}, // unchanged
			{Event: "custom.thing", Channel: store.ChannelInbox, Enabled: false},  // an event not listed
		}
		if err := db.SetNotifyPrefs(a, set); err != nil {
			t.Fatal(err)
		}
		if n := audits(); n != 1 {
			t.Fatalf("%d audit entries, want 1", n)
		}
		es, _, _ := db.FindAudit(sys(), ding.AuditFilter{Entity: "notify_prefs"})
		var before, after map[string]bool
		json.Unmarshal(es[0].Before, &before)
		json.Unmarshal(es[0].After, &after)
		if len(after) != 2 || after["warning.opened/email"] || !before["warning.opened/email"] || after["custom.thing/inbox"] {
			t.Errorf("audit before %s after %s", es[0].Before, es[0].After)
		}
		// The same again: no write, no entry.
		if err := db.SetNotifyPrefs(a, set); err != nil || audits() != 1 {
			t.Errorf("unchanged prefs: %v, %d entries", err, audits())
		}
		prefs, _ = db.NotifyPrefs(a)
		off := map[string]bool{}
		for _, pr := range prefs {
			if !pr.Enabled {
				off[pr.Event+"/"+string(pr.Channel)] = true
			}
		}
		if len(off) != 2 || !off["warning.opened/email"] || !off["custom.thing/inbox"] {
			t.Errorf("off: %v", off)
		}
		// b's are b's.
		bp, _ := db.NotifyPrefs(userCtx(p.b))
		for _, pr := range bp {
			if !pr.Enabled {
				t.Errorf("b's %v off", pr)
			}
		}
		for _, bad := range []store.NotifyPref{
			{Event: "warning.opened", Channel: store.ChannelDingTalk},
			{Event: "DROP TABLE", Channel: store.ChannelInbox},
		} {
			if err := db.SetNotifyPrefs(a, []store.NotifyPref{bad}); ding.ErrorCode(err) != ding.EINVALID {
				t.Errorf("pref %v: %v, want invalid", bad, err)
			}
		}
		// The disabled e-mail produces no row; the inbox still does.
		if err := db.Notify(sys(), store.Message{Event: "warning.opened", Subject: "x", UserIDs: []int64{p.a.ID}}); err != nil {
			t.Fatal(err)
		}
		if got := rowsOf(outbox(t, db, store.NotificationFilter{})); len(got) != 1 || !strings.HasPrefix(got[0], "inbox:") {
			t.Errorf("rows %v, want the inbox item only", got)
		}
	})
}

func TestRetryPolicyDelay(t *testing.T) {
	p := store.RetryPolicy{Base: 30 * time.Second, Cap: time.Hour, MaxAttempts: 48}
	for attempt, want := range map[int]time.Duration{
		1: 30 * time.Second, 2: time.Minute, 3: 2 * time.Minute, 7: 32 * time.Minute, 8: time.Hour, 9: time.Hour, 1000: time.Hour,
	} {
		if got := p.Delay(attempt); got != want {
			t.Errorf("Delay(%d) = %s, want %s", attempt, got, want)
		}
	}
	// About two days before giving up.
	var total time.Duration
	for i := 1; i < store.DefaultRetry.MaxAttempts; i++ {
		total += store.DefaultRetry.Delay(i)
	}
	if total < 36*time.Hour || total > 60*time.Hour {
		t.Errorf("the default policy retries for %s", total)
	}
}

func TestOutboxClaim(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := mkNotifyPeople(t, db)
		ctx := context.Background()
		mkRobot(t, db, "群", store.ChannelDingTalk, true, "warning.opened")
		if err := db.Notify(sys(), store.Message{Event: "warning.opened", Subject: "x", UserIDs: []int64{p.a.ID, p.d.ID}}); err != nil {
			t.Fatal(err)
		}
		t0 := p.clock.Now()
		email := []store.Channel{store.ChannelEmail}
		claim := func(at time.Time, chans []store.Channel) []*store.Notification {
			t.Helper()
			ns, err := db.ClaimDue(ctx, store.Claim{Now: at, Limit: 10, Lease: 2 * time.Minute, Channels: chans})
			if err != nil {
				t.Fatal(err)
			}
			return ns
		}
		// Not due before it was queued.
		if ns := claim(t0.Add(-time.Second), email); len(ns) != 0 {
			t.Fatalf("claimed %d rows before they were due", len(ns))
		}
		ns := claim(t0, email)
		if len(ns) != 2 || ns[0].ClaimToken == "" || ns[0].ClaimToken != ns[1].ClaimToken || !ns[0].ClaimedUntil.Equal(t0.Add(2*time.Minute)) {
			t.Fatalf("claim: %d rows %+v", len(ns), ns)
		}
		// Leased: nobody else gets them until the lease ends.
		if again := claim(t0.Add(time.Minute), email); len(again) != 0 {
			t.Fatalf("claimed %d leased rows", len(again))
		}
		// Only the channels asked for: the robot row is still there.
		if robots := claim(t0, []store.Channel{store.ChannelDingTalk, store.ChannelWeCom}); len(robots) != 1 || robots[0].Target != "群" {
			t.Fatalf("robot claim: %v", robots)
		}
		// A failure: due again after the delay, with its error and count.
		retry := store.RetryPolicy{Base: 30 * time.Second, Cap: time.Hour, MaxAttempts: 3}
		gaveUp, err := db.MarkFailed(ctx, ns[0], t0, "connection refused", false, retry)
		if err != nil || gaveUp {
			t.Fatal(gaveUp, err)
		}
		if err := db.MarkSent(ctx, ns[1], t0); err != nil {
			t.Fatal(err)
		}
		if got := claim(t0.Add(3*time.Minute), email); len(got) != 1 || got[0].ID != ns[0].ID || got[0].Attempts != 1 || got[0].LastError != "connection refused" ||
			!got[0].NextAt.Equal(t0.Add(30*time.Second)) {
			t.Fatalf("after the lease: %+v", got)
		} else {
			// A stale claimer cannot record over the new lease.
			if _, err := db.MarkFailed(ctx, ns[0], t0, "stale", false, retry); err != nil {
				t.Fatal(err)
			}
			if _, err := db.MarkFailed(ctx, got[0], t0.Add(3*time.Minute), "again", false, retry); err != nil {
				t.Fatal(err)
			}
			// Second failure: one minute.
			if n := claim(t0.Add(3*time.Minute+59*time.Second), email); len(n) != 0 {
				t.Fatalf("claimed before the backoff ended")
			}
			third := claim(t0.Add(4*time.Minute), email)
			if len(third) != 1 || third[0].Attempts != 2 || third[0].LastError != "again" {
				t.Fatalf("third: %+v", third)
			}
			// The last attempt fails: given up.
			if gaveUp, _ := db.MarkFailed(ctx, third[0], t0.Add(4*time.Minute), "still down", false, retry); !gaveUp {
				t.Error("not given up after MaxAttempts")
			}
		}
		if got := claim(t0.Add(48*time.Hour), email); len(got) != 0 {
			t.Fatalf("claimed a failed or sent row: %+v", got)
		}
		rows := outbox(t, db, store.NotificationFilter{Channel: store.ChannelEmail})
		status := map[int64]string{}
		for _, n := range rows {
			status[n.ID] = n.Status
			if n.ClaimToken != "" || n.ClaimedUntil != nil {
				t.Errorf("row %d still claimed", n.ID)
			}
		}
		if status[ns[0].ID] != store.NotifyFailed || status[ns[1].ID] != store.NotifySent {
			t.Fatalf("statuses %v", status)
		}
		// Released claims are claimable at once; a permanent failure gives up at once.
		robots := claim(t0.Add(time.Hour), []store.Channel{store.ChannelDingTalk})
		if len(robots) != 1 {
			t.Fatalf("robot row not claimable after its lease: %d", len(robots))
		}
		if err := db.ReleaseClaim(ctx, robots[0].ClaimToken); err != nil {
			t.Fatal(err)
		}
		robots = claim(t0.Add(time.Hour), []store.Channel{store.ChannelDingTalk})
		if len(robots) != 1 {
			t.Fatalf("released row not claimable: %d", len(robots))
		}
		if gaveUp, _ := db.MarkFailed(ctx, robots[0], t0.Add(time.Hour), "robot removed", true, retry); !gaveUp {
			t.Error("permanent failure retried")
		}

		// Administrators see the counts and put failed rows back.
		stats, err := db.OutboxStats(sys())
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, s := range stats {
			count[string(s.Channel)+"/"+s.Status] = s.Count
		}
		if count["email/failed"] != 1 || count["email/sent"] != 1 || count["dingtalk/failed"] != 1 || len(count) != 3 {
			t.Errorf("stats %v", count)
		}
		if _, err := db.RetryFailed(userCtx(p.office)); ding.ErrorCode(err) != ding.EFORBIDDEN {
			t.Errorf("office retries: %v", err)
		}
		if n, err := db.RetryFailed(sys()); n != 2 || err != nil {
			t.Fatalf("retry failed: %d %v", n, err)
		}
		if got := claim(t0.Add(time.Hour), []store.Channel{store.ChannelEmail, store.ChannelDingTalk}); len(got) != 2 || got[0].Attempts != 0 {
			t.Errorf("after retry: %+v", got)
		}
		// Housekeeping removes delivered e-mail and robot rows, never inbox items.
		if _, err := db.PurgeNotifications(userCtx(p.admin), t0.Add(time.Hour)); ding.ErrorCode(err) != ding.EFORBIDDEN {
			t.Errorf("admin purges: %v", err)
		}
		if n, err := db.PurgeNotifications(sys(), t0.Add(time.Hour)); n != 1 || err != nil {
			t.Errorf("purge: %d %v, want the sent e-mail", n, err)
		}
		if n, _ := db.UnreadCount(userCtx(p.a)); n != 1 {
			t.Errorf("a's inbox after the purge: %d", n)
		}
	})
}

// TestOutboxClaimConcurrent: many claimers at once get disjoint rows (FOR UPDATE SKIP
// LOCKED on PostgreSQL, the single writer on SQLite).
func TestOutboxClaimConcurrent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := mkNotifyPeople(t, db)
		var ms []store.Message
		for range 100 {
			ms = append(ms, store.Message{Event: "warning.opened", Subject: "x", UserIDs: []int64{p.a.ID}})
		}
		if err := db.Notify(sys(), ms...); err != nil {
			t.Fatal(err)
		}
		now := p.clock.Now()
		var mu sync.Mutex
		claimed := map[int64]int{}
		var wg sync.WaitGroup
		start := make(chan struct{})
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				for {
					ns, err := db.ClaimDue(context.Background(), store.Claim{Now: now, Limit: 7, Lease: time.Minute, Channels: []store.Channel{store.ChannelEmail}})
					if err != nil {
						t.Error(err)
						return
					}
					if len(ns) == 0 {
						return
					}
					mu.Lock()
					for _, n := range ns {
						claimed[n.ID]++
					}
					mu.Unlock()
				}
			}()
		}
		close(start)
		wg.Wait()
		if len(claimed) != 100 {
			t.Errorf("%d rows claimed, want 100", len(claimed))
		}
		for id, k := range claimed {
			if k != 1 {
				t.Errorf("row %d claimed %d times", id, k)
			}
		}
	})
}

func TestRobotsAdmin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := mkNotifyPeople(t, db)
		admin := userCtx(p.admin)
		rb := &store.Robot{Name: " 区重大项目群 ", Kind: store.ChannelDingTalk, Webhook: "https://oapi.dingtalk.com/robot/send?access_token=SECRET-TOKEN",
			Secret: "SECabc-signing", Events: []string{"warning.opened", "warning.cleared", "warning.opened"}, Enabled: true}
		for _, who := range []*ding.User{p.office, p.a} {
			if err := db.CreateRobot(userCtx(who), rb); ding.ErrorCode(err) != ding.EFORBIDDEN {
				t.Errorf("%s creates a robot: %v", who.Username, err)
			}
			if _, err := db.Robots(userCtx(who)); ding.ErrorCode(err) != ding.EFORBIDDEN {
				t.Errorf("%s lists robots: %v", who.Username, err)
			}
		}
		if err := db.CreateRobot(admin, rb); err != nil {
			t.Fatal(err)
		}
		if rb.Name != "区重大项目群" || strings.Join(rb.Events, ",") != "warning.cleared,warning.opened" {
			t.Errorf("normalized: %q %v", rb.Name, rb.Events)
		}
		for _, c := range []struct {
			r     store.Robot
			field string
			code  string
		}{
			{store.Robot{Name: "", Kind: store.ChannelWeCom, Webhook: "https://x/", Events: []string{"a.b"}}, "name", ding.EINVALID},
			{store.Robot{Name: "x", Kind: "slack", Webhook: "https://x/", Events: []string{"a.b"}}, "kind", ding.EINVALID},
			{store.Robot{Name: "x", Kind: store.ChannelWeCom, Webhook: "ftp://x/", Events: []string{"a.b"}}, "webhook", ding.EINVALID},
			{store.Robot{Name: "x", Kind: store.ChannelWeCom, Webhook: "https://u:p@x/", Events: []string{"a.b"}}, "webhook", ding.EINVALID},
			{store.Robot{Name: "x", Kind: store.ChannelWeCom, Webhook: "https://x/", Secret: "s", Events: []string{"a.b"}}, "secret", ding.EINVALID},
			{store.Robot{Name: "x", Kind: store.ChannelWeCom, Webhook: "https://x/"}, "events", ding.EINVALID},
			{store.Robot{Name: "x", Kind: store.ChannelWeCom, Webhook: "https://x/", Events: []string{"Bad Event"}}, "events", ding.EINVALID},
			{store.Robot{Name: "区重大项目群", Kind: store.ChannelWeCom, Webhook: "https://x/", Events: []string{"a.b"}}, "name", ding.ECONFLICT},
		} {
			r := c.r
			err := db.CreateRobot(admin, &r)
			if e := ding.AsError(err); e.Code != c.code || e.Field != c.field {
				t.Errorf("robot %+v: %v, want %s on %s", c.r, err, c.code, c.field)
			}
		}
		// Disable: audited as such.
		rb.Enabled = false
		if err := db.UpdateRobot(admin, rb); err != nil {
			t.Fatal(err)
		}
		got, err := db.Robot(admin, rb.ID)
		if err != nil || got.Enabled || got.Secret != "SECabc-signing" || got.Webhook != rb.Webhook {
			t.Fatalf("read back: %+v %v", got, err)
		}
		// Unchanged: no entry.
		if err := db.UpdateRobot(admin, got); err != nil {
			t.Fatal(err)
		}
		es, n, err := db.FindAudit(sys(), ding.AuditFilter{Entity: "robot", EntityID: rb.ID})
		if err != nil || n != 2 || es[0].Action != "disable" || es[1].Action != "create" {
			t.Fatalf("audit: %d entries %v", n, err)
		}
		// The credentials never enter the audit log.
		for _, e := range es {
			all := string(e.Before) + string(e.After)
			if strings.Contains(all, "SECRET-TOKEN") || strings.Contains(all, "SECabc") {
				t.Errorf("audit entry keeps a credential: %s", all)
			}
			var after struct {
				SecretSet bool `json:"secret_set"`
			}
			if json.Unmarshal(e.After, &after); !after.SecretSet {
				t.Errorf("audit entry does not say a secret is set: %s", e.After)
			}
		}
		if got := store.RedactWebhook("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc-123"); got != "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***" {
			t.Errorf("redacted: %s", got)
		}
		if _, err := db.Robot(admin, 424242); ding.ErrorCode(err) != ding.ENOTFOUND {
			t.Errorf("missing robot: %v", err)
		}
	})
}

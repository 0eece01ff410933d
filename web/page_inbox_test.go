package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"ding"
	"ding/store"
)

// inboxRoutes registers the notification pages on the fixture's server, unless routes.go
// does already.
func inboxRoutes(f *fixture) {
	if _, pattern := f.srv.mux.Handler(httptest.NewRequest("GET", "/inbox", nil)); pattern != "GET /inbox" {
		f.srv.inboxPageRoutes()
	}
}

func notifySys() context.Context {
	return ding.WithActor(context.Background(), ding.SystemActor("test"))
}

func userActor(u *ding.User) context.Context {
	return ding.WithActor(context.Background(), &ding.Actor{UserID: u.ID, Username: u.Username, UnitID: u.UnitID, Role: u.Role, Scope: u.Scope})
}

// inboxIDs returns the ids of the inbox rows on a page, in order.
var inboxRowRE = regexp.MustCompile(`<tr id="inbox-(\d+)" class="(read|unread)">`)

func inboxRows(body string) (ids []int64, unread map[int64]bool) {
	unread = map[int64]bool{}
	for _, m := range inboxRowRE.FindAllStringSubmatch(body, -1) {
		id, _ := strconv.ParseInt(m[1], 10, 64)
		ids = append(ids, id)
		unread[id] = m[2] == "unread"
	}
	return ids, unread
}

func TestInboxPage(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		inboxRoutes(f)
		a, b := f.users["liaisonA"], f.users["liaisonB"]
		for _, m := range []store.Message{
			{Event: "warning.opened", Subject: "【黄色预警】樟潭项目投资滞后", Body: "1–5月累计完成 3,120 万元\n落后 10.5 个百分点", Link: "/projects/1", UserIDs: []int64{a.ID}},
			{Event: "letter.issued", Subject: "<script>alert(1)</script>督办函", UserIDs: []int64{a.ID}},
			{Event: "custom.event", Subject: "第三条", UserIDs: []int64{a.ID}},
			{Event: "warning.opened", Subject: "廿里镇的消息", UserIDs: []int64{b.ID}},
		} {
			if err := f.db.Notify(notifySys(), m); err != nil {
				t.Fatal(err)
			}
		}
		// Not logged in: to the login page.
		if res, _ := f.anon().getRes("/inbox"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
			t.Fatalf("anonymous inbox: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		ca := f.login("liaisonA")
		res, body := ca.getRes("/inbox")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("inbox: %d", res.StatusCode)
		}
		ids, unread := inboxRows(body)
		if len(ids) != 3 || !unread[ids[0]] || !unread[ids[2]] {
			t.Fatalf("a's inbox rows %v %v", ids, unread)
		}
		for _, want := range []string{"共 3 条，未读 3 条", `<strong class="subject">【黄色预警】樟潭项目投资滞后</strong>`, "落后 10.5 个百分点",
			`href="/projects/1"`, "&lt;script&gt;alert(1)&lt;/script&gt;督办函", "收到提醒函、交办函或督办函", "custom.event"} {
			if !strings.Contains(body, want) {
				t.Errorf("inbox lacks %q", want)
			}
		}
		if strings.Contains(body, "廿里镇的消息") || strings.Contains(body, "<script>alert") {
			t.Error("inbox shows b's item or unescaped text")
		}
		if n := f.srv.unreadCount(userActor(a)); n != 3 {
			t.Errorf("unreadCount = %d, want 3", n)
		}
		if n := f.srv.unreadCount(context.Background()); n != 0 {
			t.Errorf("unreadCount without a user = %d", n)
		}

		// b's item: a can neither mark it nor tell it from a missing one.
		bItems, _, err := f.db.Inbox(userActor(b), store.InboxFilter{})
		if err != nil || len(bItems) != 1 {
			t.Fatal(bItems, err)
		}
		for _, id := range []int64{bItems[0].ID, 987654} {
			if res, _ := ca.submit("/inbox/"+itoa(id)+"/read", nil); res.StatusCode != http.StatusNotFound {
				t.Errorf("a marks item %d: %d, want 404", id, res.StatusCode)
			}
		}
		if n, _ := f.db.UnreadCount(userActor(b)); n != 1 {
			t.Errorf("b's unread after a's attempts: %d", n)
		}
		// Without the CSRF token: refused.
		if res := ca.postForm("/inbox/"+itoa(ids[0])+"/read", url.Values{}); res.StatusCode != http.StatusForbidden {
			t.Errorf("mark read without CSRF: %d", res.StatusCode)
		}

		// Mark one read: it moves below the unread ones and loses its bold.
		res, _ = ca.submit("/inbox/"+itoa(ids[0])+"/read", nil)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/inbox?done=read" {
			t.Fatalf("mark read: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		body = ca.get("/inbox?done=read")
		ids2, unread2 := inboxRows(body)
		if len(ids2) != 3 || ids2[2] != ids[0] || unread2[ids[0]] || !strings.Contains(body, "已标为已读") {
			t.Errorf("after marking: %v %v", ids2, unread2)
		}
		if body := ca.get("/inbox?unread=1"); len(inboxRowRE.FindAllString(body, -1)) != 2 {
			t.Errorf("unread only shows %d rows", len(inboxRowRE.FindAllString(body, -1)))
		}
		// Mark all read.
		res, _ = ca.submit("/inbox/read-all", nil)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/inbox?done=all&n=2" {
			t.Fatalf("read all: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if n := f.srv.unreadCount(userActor(a)); n != 0 {
			t.Errorf("unread after read-all: %d", n)
		}
		if n, _ := f.db.UnreadCount(userActor(b)); n != 1 {
			t.Errorf("b's unread after a's read-all: %d", n)
		}
		if body := ca.get("/inbox"); strings.Contains(body, `id="inbox-read-all"`) || !strings.Contains(body, "共 3 条，未读 0 条") {
			t.Error("read-all button still offered, or wrong summary")
		}
	})
}

func TestNotifyPrefsPage(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		inboxRoutes(f)
		a := f.users["liaisonA"]
		c := f.login("liaisonA")
		body := c.get("/account/notifications")
		if !strings.Contains(body, `id="prefs-no-email"`) {
			t.Error("no hint that e-mail needs an address")
		}
		boxes := regexp.MustCompile(`name="pref" value="([a-z_.]+/[a-z]+)"[^>]*?( checked)?>`).FindAllStringSubmatch(body, -1)
		if len(boxes) != len(store.NotifyEvents)*2 {
			t.Fatalf("%d boxes", len(boxes))
		}
		form := url.Values{}
		for _, m := range boxes {
			if m[2] != " checked" {
				t.Errorf("%s unticked by default", m[1])
			}
			if m[1] != "warning.opened/email" && m[1] != "letter.issued/inbox" {
				form.Add("pref", m[1])
			}
		}
		audits := f.auditCount()
		res, _ := c.submit("/account/notifications", form)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d", res.StatusCode)
		}
		if f.auditCount() != audits+1 {
			t.Errorf("saving prefs wrote %d audit entries", f.auditCount()-audits)
		}
		body = c.get("/account/notifications?done=prefs")
		if !strings.Contains(body, "通知设置已保存") || !strings.Contains(body, `value="warning.opened/email" id="pref-warning.opened/email" aria-label="电子邮件">`) ||
			!strings.Contains(body, `value="warning.opened/inbox" id="pref-warning.opened/inbox" aria-label="站内消息" checked>`) {
			t.Errorf("prefs page after saving:\n%s", body)
		}
		// With an address, the choices decide: warning.opened by e-mail is off.
		email := "liaison.a@example.cn"
		if _, err := f.db.UpdateUser(notifySys(), a.ID, ding.UserUpdate{Email: &email}); err != nil {
			t.Fatal(err)
		}
		if body := c.get("/account/notifications"); !strings.Contains(body, "liaison.a@example.cn") {
			t.Error("prefs page does not say where e-mail goes")
		}
		for _, ev := range []string{"warning.opened", "letter.issued"} {
			if err := f.db.Notify(notifySys(), store.Message{Event: ev, Subject: ev, UserIDs: []int64{a.ID}}); err != nil {
				t.Fatal(err)
			}
		}
		ns, err := f.db.FindNotifications(notifySys(), store.NotificationFilter{UserID: a.ID})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, n := range ns {
			got = append(got, n.Event+"/"+string(n.Channel))
		}
		if strings.Join(got, " ") != "letter.issued/email warning.opened/inbox" {
			t.Errorf("rows %v", got)
		}
		// A token holder cannot change them: account pages need a browser login.
		if status, _ := f.api("liaisonA", "GET", "/account/notifications", ""); status != http.StatusForbidden {
			t.Errorf("token reads prefs: %d", status)
		}
	})
}

func TestRobotsPage(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		inboxRoutes(f)
		good := url.Values{"name": {"区重大项目群"}, "kind": {"dingtalk"}, "webhook": {"https://oapi.dingtalk.com/robot/send?access_token=TOKEN123"},
			"secret": {"SECsigning"}, "events": {"warning.opened", "warning.escalated"}, "enabled": {"1"}}
		for _, who := range []string{"office", "liaisonA", "viewer"} {
			c := f.login(who)
			if res, _ := c.getRes("/settings/robots"); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s reads robots: %d", who, res.StatusCode)
			}
			if res, _ := c.submit("/settings/robots", good); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s adds a robot: %d", who, res.StatusCode)
			}
		}
		admin := f.login("admin")
		if body := admin.get("/settings/robots"); !strings.Contains(body, `id="robots-none"`) {
			t.Error("no empty state")
		}
		// Mistakes come back next to their field, with what was typed.
		for _, c := range []struct {
			change     url.Values
			status     int
			errID, msg string
		}{
			{url.Values{"webhook": {"ftp://x"}}, 422, "robot-webhook-error", "Webhook 地址须以 https:// 或 http:// 开头"},
			{url.Values{"events": nil}, 422, "robot-events-error", "请至少选择一类事件"},
			{url.Values{"kind": {"wecom"}, "secret": {"s"}}, 422, "robot-secret-error", "企业微信群机器人不使用加签密钥"},
		} {
			form := url.Values{}
			for k, v := range good {
				form[k] = v
			}
			for k, v := range c.change {
				form[k] = v
			}
			res, body := admin.submit("/settings/robots", form)
			if res.StatusCode != c.status || !strings.Contains(body, `id="`+c.errID+`">`+c.msg) || !strings.Contains(body, `value="区重大项目群"`) {
				t.Errorf("%v: %d, lacks %s", c.change, res.StatusCode, c.msg)
			}
		}
		res, _ := admin.submit("/settings/robots", good)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d", res.StatusCode)
		}
		if res, body := admin.submit("/settings/robots", good); res.StatusCode != http.StatusConflict || !strings.Contains(body, "已有名为“区重大项目群”的机器人") {
			t.Errorf("duplicate: %d", res.StatusCode)
		}
		robots, err := f.db.Robots(notifySys())
		if err != nil || len(robots) != 1 {
			t.Fatal(robots, err)
		}
		rb := robots[0]
		body := admin.get("/settings/robots?done=robot_created")
		if strings.Contains(body, "TOKEN123") || strings.Contains(body, "SECsigning") || !strings.Contains(body, "access_token=***") ||
			!strings.Contains(body, "群机器人已添加") {
			t.Error("the list shows a credential, or lacks the redacted webhook")
		}
		// Edit: empty webhook and secret keep theirs; the form does not send them back.
		body = admin.get("/settings/robots?edit=" + itoa(rb.ID))
		if strings.Contains(body, "TOKEN123") || strings.Contains(body, "SECsigning") || !strings.Contains(body, `action="/settings/robots/`+itoa(rb.ID)+`"`) {
			t.Error("the edit form leaks a credential or posts elsewhere")
		}
		res, _ = admin.submit("/settings/robots/"+itoa(rb.ID), url.Values{"name": {"区项目群"}, "kind": {"dingtalk"}, "events": {"warning.cleared"}, "enabled": {"1"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("edit: %d", res.StatusCode)
		}
		got, _ := f.db.Robot(notifySys(), rb.ID)
		if got.Name != "区项目群" || got.Webhook != rb.Webhook || got.Secret != "SECsigning" || strings.Join(got.Events, ",") != "warning.cleared" {
			t.Errorf("after edit: %+v", got)
		}
		// Disable from the list, then enable.
		for _, on := range []string{"0", "1"} {
			if res, _ := admin.submit("/settings/robots/"+itoa(rb.ID)+"/enabled", url.Values{"enabled": {on}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("enabled=%s: %d", on, res.StatusCode)
			}
			if got, _ := f.db.Robot(notifySys(), rb.ID); got.Enabled != (on == "1") {
				t.Errorf("enabled=%s: robot enabled %v", on, got.Enabled)
			}
		}
		if res, _ := admin.submit("/settings/robots/424242", good); res.StatusCode != http.StatusNotFound {
			t.Errorf("editing a missing robot: %d", res.StatusCode)
		}
		// The outbox panel and retrying what failed.
		if err := f.db.Notify(notifySys(), store.Message{Event: "warning.cleared", Subject: "预警解除"}); err != nil {
			t.Fatal(err)
		}
		ns, err := f.db.ClaimDue(context.Background(), store.Claim{Now: f.db.Now(), Limit: 10, Lease: 60e9, Channels: store.RobotKinds})
		if err != nil || len(ns) != 1 {
			t.Fatal(ns, err)
		}
		if _, err := f.db.MarkFailed(context.Background(), ns[0], f.db.Now(), "errcode 310000: sign not match", true, store.DefaultRetry); err != nil {
			t.Fatal(err)
		}
		body = admin.get("/settings/robots")
		if !strings.Contains(body, `id="outbox-dingtalk"`) || !strings.Contains(body, "errcode 310000: sign not match") || !strings.Contains(body, `id="outbox-retry"`) {
			t.Error("the outbox panel lacks the failure")
		}
		res, _ = admin.submit("/settings/robots/retry", nil)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/settings/robots?done=retried&n=1" {
			t.Errorf("retry: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if body := admin.get("/settings/robots?done=retried&n=1"); !strings.Contains(body, "已将 1 条发送失败的消息重新排队") || strings.Contains(body, `id="outbox-retry"`) {
			t.Error("after retry")
		}
	})
}

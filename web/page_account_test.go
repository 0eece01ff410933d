package web

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"ding"
	"ding/auth"
)

// accountCtx is a context acting as the fixture user.
func accountCtx(f *fixture, name string) context.Context {
	u := f.users[name]
	return ding.WithActor(context.Background(), &ding.Actor{UserID: u.ID, Username: u.Username, UnitID: u.UnitID, Role: u.Role, Scope: u.Scope})
}

// accountUser reads a fixture user back from the store.
func accountUser(t *testing.T, f *fixture, name string) *ding.User {
	t.Helper()
	u, err := f.db.FindUserByID(ding.WithActor(context.Background(), ding.SystemActor("test")), f.users[name].ID)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// accountUntranslatedRE finds catalog keys that reached a page untranslated.
var accountUntranslatedRE = regexp.MustCompile(`\b(account|flash|role|scope)\.[a-z_]+\b`)

func TestAccountProfile(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		c := f.login("liaisonA")
		page := c.get("/account")
		for _, want := range []string{"我的账号", "liaisona", "樟潭街道", "联络员", "本单位", `id="current-session"`, `value="liaisonA"`} {
			if !strings.Contains(page, want) {
				t.Fatalf("account page lacks %q", want)
			}
		}
		if m := accountUntranslatedRE.FindString(page); m != "" {
			t.Fatalf("untranslated key %q on the account page", m)
		}

		// Invalid input: 422, the message next to the field, the typed values kept, nothing saved.
		audit := f.auditCount()
		for _, tc := range []struct{ field, value, msg string }{
			{"email", "not-an-email", "电子邮箱格式不正确"},
			{"display_name", "  ", "请填写姓名"},
			{"lang", "fr", "语言无效"},
			{"phone", strings.Repeat("1", 31), "内容过长（最多 30 个字符）"},
		} {
			form := map[string][]string{"display_name": {"李四"}, "email": {"li@example.cn"}, "phone": {"0570-1234567"}, "lang": {"zh"}}
			form[tc.field] = []string{tc.value}
			res, body := c.submit("/account", form)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("%s=%q: status %d", tc.field, tc.value, res.StatusCode)
			}
			re := regexp.MustCompile(`(?s)<label class="has-error">[^<]*<(input|select) name="` + tc.field + `".*?<span class="field-error">` + regexp.QuoteMeta(tc.msg) + `</span>`)
			if !re.MatchString(body) {
				t.Fatalf("%s=%q: no %q next to the field: %.2000s", tc.field, tc.value, tc.msg, body)
			}
			if tc.field != "display_name" && !strings.Contains(body, `value="李四"`) {
				t.Fatalf("%s: the typed name is lost", tc.field)
			}
		}
		if u := accountUser(t, f, "liaisonA"); u.DisplayName != "liaisonA" || u.Email != "" || f.auditCount() != audit {
			t.Fatalf("refused saves changed the user: %+v, audit +%d", u, f.auditCount()-audit)
		}

		// A valid save; fields other than the personal ones are ignored.
		res, _ := c.submit("/account", map[string][]string{"display_name": {" 李四 "}, "email": {"li@example.cn"}, "phone": {"0570-1234567"},
			"lang": {"en"}, "role": {"admin"}, "scope": {"all"}, "unit_id": {strconv.FormatInt(f.units["city"].ID, 10)}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/account?flash=saved" {
			t.Fatalf("save: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		u := accountUser(t, f, "liaisonA")
		if u.DisplayName != "李四" || u.Email != "li@example.cn" || u.Phone != "0570-1234567" || u.Lang != "en" ||
			u.Role != ding.RoleLiaison || u.Scope != ding.ScopeUnit || u.UnitID != f.units["townA"].ID {
			t.Fatalf("after save: %+v", u)
		}
		if n := f.auditCount(); n != audit+1 {
			t.Fatalf("save wrote %d audit entries", n-audit)
		}
		// The UI follows the user's language now.
		if home := c.get("/"); !strings.Contains(home, ">Home<") || strings.Contains(home, "首页") {
			t.Fatalf("home page is not in English: %.500s", home)
		}
		page = c.get("/account?flash=saved")
		for _, want := range []string{"Saved", "My account", "Liaison", "Own unit", `<option value="en" selected>`} {
			if !strings.Contains(page, want) {
				t.Fatalf("English account page lacks %q", want)
			}
		}
		if m := accountUntranslatedRE.FindString(page); m != "" {
			t.Fatalf("untranslated key %q on the English account page", m)
		}
		if m := accountUntranslatedRE.FindString(c.get("/account/tokens")); m != "" {
			t.Fatalf("untranslated key %q on the English tokens page", m)
		}
		// English errors in English.
		if _, body := c.submit("/account", map[string][]string{"display_name": {"李四"}, "email": {"bad"}, "lang": {"en"}}); !strings.Contains(body, "Invalid e-mail address") {
			t.Fatal("no English error message")
		}

		// "Follow the browser": back to Chinese for a browser without a preference.
		if res, _ := c.submit("/account", map[string][]string{"display_name": {"李四"}, "lang": {""}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save follow-browser: %d", res.StatusCode)
		}
		if u := accountUser(t, f, "liaisonA"); u.Lang != "" || u.Email != "" {
			t.Fatalf("after follow-browser: lang %q email %q", u.Lang, u.Email)
		}
		if home := c.get("/"); !strings.Contains(home, "首页") {
			t.Fatal("home page is not back in Chinese")
		}

		// Without the CSRF token nothing changes.
		if res := c.postForm("/account", map[string][]string{"display_name": {"王五"}}); res.StatusCode != http.StatusForbidden {
			t.Fatalf("save without csrf: %d", res.StatusCode)
		}
		if u := accountUser(t, f, "liaisonA"); u.DisplayName != "李四" {
			t.Fatalf("save without csrf changed the name to %q", u.DisplayName)
		}
		// Anonymous callers are sent to the login page.
		if res, _ := f.anon().getRes("/account"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login?next=%2Faccount" {
			t.Fatalf("anonymous /account: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
	})
}

func TestAccountPasswordRefused(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		c := f.login("office")
		for _, tc := range []struct {
			current, next, confirm, field, msg string
		}{
			{"wrong-passw0rd", "Fresh-passw0rd", "Fresh-passw0rd", "current_password", "当前密码不正确"},
			{"", "Fresh-passw0rd", "Fresh-passw0rd", "current_password", "此项必填"},
			{testPassword, "Fresh-passw0rd", "Fresh-passw0rd2", "confirm_password", "两次输入的新密码不一致"},
			{testPassword, "abcdefghijk", "abcdefghijk", "new_password", "密码须同时包含字母和数字"},
			{testPassword, "ab1", "ab1", "new_password", "密码至少 8 位"},
			{testPassword, testPassword, testPassword, "new_password", "新密码不能与当前密码相同"},
		} {
			res, body := c.submit("/account/password", map[string][]string{"current_password": {tc.current}, "new_password": {tc.next}, "confirm_password": {tc.confirm}})
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("%+v: status %d", tc, res.StatusCode)
			}
			if !strings.Contains(body, `<span class="field-error" id="`+tc.field+`-error">`+tc.msg+`</span>`) {
				t.Fatalf("%+v: message missing: %.3000s", tc, body)
			}
			if strings.Contains(body, `value="`+tc.next+`"`) || (tc.current != "" && strings.Contains(body, `value="`+tc.current+`"`)) {
				t.Fatalf("%+v: a password is echoed back", tc)
			}
		}
		// One wrong guess counted as a failed login; the old password still works and resets it.
		if n := securityAuditActions(t, f, f.users["office"].ID, "login_failed"); n != 1 {
			t.Fatalf("login_failed entries: %d", n)
		}
		f.login("office")
		if res, _ := securityLogin(f.anon(), "office", "Fresh-passw0rd"); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("a refused new password logs in: %d", res.StatusCode)
		}
		if res, _ := c.getRes("/account"); res.StatusCode != http.StatusOK {
			t.Fatalf("the session ended after refused changes: %d", res.StatusCode)
		}
	})
}

func TestAccountPasswordChange(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		other := f.login("leader")
		c := f.login("leader")
		bystander := f.login("office")
		res, _ := c.submit("/account/password", map[string][]string{"current_password": {testPassword}, "new_password": {"Fresh-passw0rd"}, "confirm_password": {"Fresh-passw0rd"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/account?flash=password" {
			t.Fatalf("change: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		// This session stays, with its flash; the other one of the same user ended.
		if res, body := c.getRes("/account?flash=password"); res.StatusCode != http.StatusOK || !strings.Contains(body, "密码已修改") ||
			strings.Count(body, `<tr id="session-`) != 1 {
			t.Fatalf("changing client after the change: %d", res.StatusCode)
		}
		if res, _ := other.getRes("/"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
			t.Fatalf("other session after the change: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		if res, _ := bystander.getRes("/"); res.StatusCode != http.StatusOK {
			t.Fatalf("another user's session ended: %d", res.StatusCode)
		}
		if res, body := securityLogin(f.anon(), "leader", testPassword); res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "用户名或密码错误") {
			t.Fatalf("old password after the change: %d", res.StatusCode)
		}
		securityLoginAs(f, "leader", "Fresh-passw0rd")
		if n := securityAuditActions(t, f, f.users["leader"].ID, "change_password"); n != 1 {
			t.Fatalf("change_password entries: %d", n)
		}
	})
}

func TestAccountPasswordThrottled(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		clock := securityFakeClock(f)
		c := f.login("viewer")
		form := func(current string) map[string][]string {
			return map[string][]string{"current_password": {current}, "new_password": {"Fresh-passw0rd"}, "confirm_password": {"Fresh-passw0rd"}}
		}
		for i := 0; i < 3; i++ {
			if res, _ := c.submit("/account/password", form("guess-passw0rd")); res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("guess %d: %d", i+1, res.StatusCode)
			}
		}
		// Guessing through the form is throttled like the login: even the right one waits.
		res, body := c.submit("/account/password", form(testPassword))
		if res.StatusCode != http.StatusTooManyRequests || !securityTooSoonRE.MatchString(body) {
			t.Fatalf("after 3 guesses: %d %.300s", res.StatusCode, body)
		}
		clock.Advance(time.Minute)
		if res, _ := c.submit("/account/password", form(testPassword)); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("after the wait: %d", res.StatusCode)
		}
		if n, until := securityLoginRecord(t, f, "viewer"); n != 0 || until != nil {
			t.Fatalf("after the change: count %d, locked until %v", n, until)
		}
	})
}

func TestAccountSessions(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		a := f.login("viewer")
		b := f.login("viewer")
		rowRE := regexp.MustCompile(`(?s)<tr id="session-(\d+)">(.*?)</tr>`)
		rows := rowRE.FindAllStringSubmatch(a.get("/account"), -1)
		if len(rows) != 2 {
			t.Fatalf("sessions listed: %d, want 2", len(rows))
		}
		var mine, theirs string
		for _, r := range rows {
			if strings.Contains(r[2], `id="current-session"`) {
				mine = r[1]
			} else {
				theirs = r[1]
			}
			if !strings.Contains(r[2], "127.0.0.1") || !strings.Contains(r[2], "Go-http-client") {
				t.Fatalf("session row lacks IP or user agent: %s", r[2])
			}
		}
		if mine == "" || theirs == "" {
			t.Fatal("the current session is not marked exactly once")
		}

		// Someone else's session is 404 and stays.
		la := f.login("liaisonA")
		ss, err := f.db.FindSessions(accountCtx(f, "liaisonA"))
		if err != nil || len(ss) != 1 {
			t.Fatalf("liaisonA sessions: %d %v", len(ss), err)
		}
		if res, _ := a.submit("/account/sessions/"+strconv.FormatInt(ss[0].ID, 10)+"/revoke", nil); res.StatusCode != http.StatusNotFound {
			t.Fatalf("revoking another user's session: %d", res.StatusCode)
		}
		if res, _ := la.getRes("/"); res.StatusCode != http.StatusOK {
			t.Fatalf("liaisonA logged out by viewer: %d", res.StatusCode)
		}
		if res, _ := a.submit("/account/sessions/abc/revoke", nil); res.StatusCode != http.StatusNotFound {
			t.Fatalf("revoking a bad id: %d", res.StatusCode)
		}

		// Signing out the other session.
		res, _ := a.submit("/account/sessions/"+theirs+"/revoke", nil)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/account?flash=account_session" {
			t.Fatalf("revoke other: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		if res, _ := b.getRes("/"); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("revoked session still works: %d", res.StatusCode)
		}
		page := a.get("/account?flash=account_session")
		if !strings.Contains(page, "已退出该会话") || len(rowRE.FindAllString(page, -1)) != 1 {
			t.Fatal("after revoking: flash or list wrong")
		}

		// Signing out the current session logs out.
		res, _ = a.submit("/account/sessions/"+mine+"/revoke", nil)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login?flash=logged_out" {
			t.Fatalf("revoke current: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		if res, _ := a.getRes("/account"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
			t.Fatalf("after revoking the current session: %d", res.StatusCode)
		}
		if ss, err := f.db.FindSessions(accountCtx(f, "viewer")); err != nil || len(ss) != 0 {
			t.Fatalf("viewer sessions left: %d %v", len(ss), err)
		}
	})
}

var accountSecretRE = regexp.MustCompile(`<code class="secret" id="new-token">(ding_[A-Za-z0-9_-]+)</code>`)

func TestTokenCreateAndRevoke(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		c := f.login("liaisonA")
		if page := c.get("/account/tokens"); !strings.Contains(page, "您还没有 API 令牌") {
			t.Fatal("empty token list not said")
		}

		// A name is required; nothing is made without one.
		audit := f.auditCount()
		for _, name := range []string{"  ", strings.Repeat("名", 51)} {
			res, body := c.submit("/account/tokens", map[string][]string{"name": {name}})
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `<span class="field-error" id="name-error">请填写令牌名称`) ||
				!strings.Contains(body, `class="has-error"`) || accountSecretRE.MatchString(body) {
				t.Fatalf("token name %q: %d", name, res.StatusCode)
			}
		}
		if f.auditCount() != audit {
			t.Fatal("refused token names wrote audit entries")
		}

		res, body := c.submit("/account/tokens", map[string][]string{"name": {"同步脚本"}})
		if res.StatusCode != http.StatusOK {
			t.Fatalf("create token: %d", res.StatusCode)
		}
		m := accountSecretRE.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no secret shown: %.3000s", body)
		}
		secret := m[1]
		for _, want := range []string{"只显示这一次", `data-copy="new-token"`, "Bearer " + secret, f.ts.URL + "/api/v1/units", "同步脚本", secret[:11] + "…", "已创建"} {
			if !strings.Contains(body, want) {
				t.Fatalf("token page lacks %q", want)
			}
		}
		if res.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("the secret page may be cached: %q", res.Header.Get("Cache-Control"))
		}
		if n := f.auditCount(); n != audit+1 {
			t.Fatalf("create wrote %d audit entries", n-audit)
		}
		tok, u, err := f.db.UserByToken(ctx, auth.HashSecret(secret))
		if err != nil || u.ID != f.users["liaisonA"].ID || tok.Name != "同步脚本" {
			t.Fatalf("UserByToken: %v %v %v", tok, u, err)
		}
		// Never shown again.
		page := c.get("/account/tokens")
		if strings.Contains(page, secret) || !strings.Contains(page, secret[:11]+"…") || !strings.Contains(page, "有效") {
			t.Fatal("the list shows the secret, or lacks the prefix or status")
		}

		// Another liaison cannot revoke it, nor can an administrator from their own account page.
		id := strconv.FormatInt(tok.ID, 10)
		for _, who := range []string{"liaisonB", "admin"} {
			if res, _ := f.login(who).submit("/account/tokens/"+id+"/revoke", nil); res.StatusCode != http.StatusNotFound {
				t.Fatalf("%s revoking liaisonA's token: %d", who, res.StatusCode)
			}
		}
		if _, _, err := f.db.UserByToken(ctx, auth.HashSecret(secret)); err != nil {
			t.Fatalf("token dead after refused revokes: %v", err)
		}
		if res, _ := c.submit("/account/tokens/999999/revoke", nil); res.StatusCode != http.StatusNotFound {
			t.Fatalf("revoking a missing token: %d", res.StatusCode)
		}

		audit = f.auditCount()
		res, _ = c.submit("/account/tokens/"+id+"/revoke", nil)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/account/tokens?flash=revoked" {
			t.Fatalf("revoke: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		if _, _, err := f.db.UserByToken(ctx, auth.HashSecret(secret)); ding.ErrorCode(err) != ding.ENOTFOUND {
			t.Fatalf("revoked token: %v", err)
		}
		if n := f.auditCount(); n != audit+1 {
			t.Fatalf("revoke wrote %d audit entries", n-audit)
		}
		page = c.get("/account/tokens?flash=revoked")
		if !strings.Contains(page, "已吊销") || strings.Contains(page, `/account/tokens/`+id+`/revoke`) {
			t.Fatal("revoked token not shown as revoked, or still offers revoking")
		}
	})
}

func TestTokenCannotManageAccount(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		secret := f.token("liaisonA")
		x := f.anon()
		bearer := map[string]string{"Authorization": "Bearer " + secret, "Content-Type": "application/x-www-form-urlencoded"}
		for _, p := range []struct{ method, path, body string }{
			{"GET", "/account", ""},
			{"GET", "/account/tokens", ""},
			{"POST", "/account/tokens", "name=more"},
			{"POST", "/account/password", "current_password=x&new_password=Fresh-passw0rd&confirm_password=Fresh-passw0rd"},
		} {
			res, _ := securityRequest(x, p.method, p.path, strings.NewReader(p.body), bearer)
			if res.StatusCode != http.StatusForbidden {
				t.Fatalf("%s %s with a token: %d", p.method, p.path, res.StatusCode)
			}
		}
		if ts, err := f.db.FindTokens(accountCtx(f, "liaisonA")); err != nil || len(ts) != 1 {
			t.Fatalf("tokens after the refused create: %d %v", len(ts), err)
		}
		if n, _ := securityLoginRecord(t, f, "liaisona"); n != 0 {
			t.Fatalf("token password guess counted: %d", n)
		}
	})
}

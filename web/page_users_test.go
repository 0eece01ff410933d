package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"ding"
	"ding/auth"
)

// userPageSys is a context acting as the system, for reading back what the pages wrote.
func userPageSys() context.Context {
	return ding.WithActor(context.Background(), ding.SystemActor("test"))
}

// userPageGet reads a user back by username (nil when there is none).
func userPageGet(t *testing.T, f *fixture, username string) *ding.User {
	t.Helper()
	us, _, err := f.db.FindUsers(userPageSys(), ding.UserFilter{Username: username, IncludeDisabled: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(us) == 0 {
		return nil
	}
	return us[0]
}

// userPageCount is how many users exist, disabled ones included.
func userPageCount(t *testing.T, f *fixture) int {
	t.Helper()
	_, n, err := f.db.FindUsers(userPageSys(), ding.UserFilter{IncludeDisabled: true})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// userPageLoginWith logs in through the form with any password; it returns the client
// (with its CSRF token when the login worked) and the status of the login post.
func userPageLoginWith(t *testing.T, f *fixture, username, password string) (*client, int) {
	t.Helper()
	c := f.anon()
	m := csrfRE.FindStringSubmatch(c.get("/login"))
	if m == nil {
		t.Fatal("no csrf on the login page")
	}
	res := c.postForm("/login", url.Values{"_csrf": {m[1]}, "username": {username}, "password": {password}})
	res.Body.Close()
	if res.StatusCode == http.StatusSeeOther {
		if m := csrfRE.FindStringSubmatch(c.get("/")); m != nil {
			c.csrf = m[1]
		}
	}
	return c, res.StatusCode
}

// userPageNewForm is a valid create form; tests change one field to break it.
func userPageNewForm(f *fixture, username string) url.Values {
	return url.Values{
		"username":     {username},
		"display_name": {"张三"},
		"unit_id":      {fmt.Sprint(f.units["townA"].ID)},
		"role":         {"liaison"},
		"scope":        {""},
		"email":        {"zhangsan@example.cn"},
		"phone":        {"0570-1234567"},
		"password":     {testPassword},
		"password2":    {testPassword},
	}
}

// userPageLoggedOut reports whether the client's session is gone: / redirects to /login.
func userPageLoggedOut(t *testing.T, c *client) bool {
	t.Helper()
	res, _ := c.getRes("/")
	return res.StatusCode == http.StatusSeeOther && strings.HasPrefix(res.Header.Get("Location"), "/login")
}

// missingKeyRE finds catalog keys that leaked into a page untranslated.
var missingKeyRE = regexp.MustCompile(`\b(users|audit|role|scope|flash)\.[a-z_.]+[a-z]`)

func TestUserPageCreateLiaison(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		c := f.login("admin")
		res, body := c.getRes("/users/new")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("new user form: %d", res.StatusCode)
		}
		if !strings.Contains(body, `<option value="admin"`) || !strings.Contains(body, `<option value="all"`) {
			t.Fatal("an administrator is not offered the admin role and the all scope")
		}
		if k := missingKeyRE.FindString(body); k != "" {
			t.Fatalf("untranslated key %q on the form", k)
		}
		audits := f.auditCount()
		res, _ = c.submit("/users", userPageNewForm(f, "zhangsan"))
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d", res.StatusCode)
		}
		u := userPageGet(t, f, "zhangsan")
		if u == nil {
			t.Fatal("user not created")
		}
		if loc := res.Header.Get("Location"); loc != fmt.Sprintf("/users/%d?flash=created", u.ID) {
			t.Fatalf("redirect to %q", loc)
		}
		if u.DisplayName != "张三" || u.UnitID != f.units["townA"].ID || u.Role != ding.RoleLiaison ||
			u.Scope != ding.ScopeUnit || u.Email != "zhangsan@example.cn" || u.Phone != "0570-1234567" || u.Disabled {
			t.Fatalf("stored user: %+v", u)
		}
		if got := f.auditCount(); got != audits+1 {
			t.Fatalf("audit entries: %d, want %d", got, audits+1)
		}
		page := c.get(fmt.Sprintf("/users/%d?flash=created", u.ID))
		for _, want := range []string{"已创建", "张三", "zhangsan", "樟潭街道", "联络员"} {
			if !strings.Contains(page, want) {
				t.Fatalf("detail page lacks %q", want)
			}
		}
		// The new liaison logs in with the initial password and sees their own name.
		lc := f.login("zhangsan")
		if home := lc.get("/"); !strings.Contains(home, "张三") {
			t.Fatal("the new user's home page lacks their name")
		}
	})
}

func TestUserPageCreateInvalid(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		c := f.login("admin")
		cases := []struct {
			name     string
			username string
			change   func(url.Values)
			status   int
			field    string
			message  string
		}{
			{"bad username", "A b", nil, 422, "username", "用户名须以小写字母开头"},
			{"no name", "wangwu", func(v url.Values) { v.Set("display_name", " ") }, 422, "display_name", "请填写姓名"},
			{"no unit", "wangwu", func(v url.Values) { v.Set("unit_id", "") }, 422, "unit_id", "请选择所属单位"},
			{"bad email", "wangwu", func(v url.Values) { v.Set("email", "nope") }, 422, "email", "电子邮箱格式不正确"},
			{"short password", "wangwu", func(v url.Values) { v.Set("password", "ab1"); v.Set("password2", "ab1") }, 422, "password", "密码至少 8 位"},
			{"weak password", "wangwu", func(v url.Values) { v.Set("password", "abcdefghij"); v.Set("password2", "abcdefghij") }, 422, "password", "密码须同时包含字母和数字"},
			{"mismatch", "wangwu", func(v url.Values) { v.Set("password2", testPassword+"x") }, 422, "password2", "两次输入的新密码不一致"},
			{"duplicate", "liaisona", nil, 409, "username", "用户名“liaisona”已存在"},
			{"outside scope", "wangwu", func(v url.Values) { v.Set("unit_id", "999999") }, 422, "unit_id", "所属单位不存在或不在您的管理范围内"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				users, audits := userPageCount(t, f), f.auditCount()
				form := userPageNewForm(f, tc.username)
				form.Set("display_name", "王五")
				if tc.change != nil {
					tc.change(form)
				}
				res, body := c.submit("/users", form)
				if res.StatusCode != tc.status {
					t.Fatalf("status %d, want %d", res.StatusCode, tc.status)
				}
				if !strings.Contains(body, tc.message) {
					t.Fatalf("page lacks %q", tc.message)
				}
				// The message sits next to its field, and what was typed stays.
				re := regexp.MustCompile(`(?s)<label class="has-error">[^<]*<(input|select) name="` + tc.field + `".*?field-error">` + regexp.QuoteMeta(tc.message))
				if !re.MatchString(body) {
					t.Fatalf("message not next to field %s", tc.field)
				}
				if tc.field != "display_name" && !strings.Contains(body, `value="王五"`) {
					t.Fatal("typed name lost")
				}
				if strings.Contains(body, testPassword) {
					t.Fatal("password echoed back")
				}
				if n := userPageCount(t, f); n != users {
					t.Fatalf("users: %d, want %d", n, users)
				}
				if n := f.auditCount(); n != audits {
					t.Fatalf("audit entries: %d, want %d", n, audits)
				}
			})
		}
	})
}

func TestUserPageOfficeGrants(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		c := f.login("office")
		body := c.get("/users/new")
		if strings.Contains(body, `<option value="admin"`) || strings.Contains(body, `<option value="all"`) {
			t.Fatal("office is offered the admin role or the all scope")
		}
		if strings.Contains(body, `>衢州市<`) {
			t.Fatal("office is offered a unit above its scope")
		}
		users, audits := userPageCount(t, f), f.auditCount()
		for _, change := range []func(url.Values){
			func(v url.Values) { v.Set("role", "admin") },
			func(v url.Values) { v.Set("scope", "all") },
		} {
			form := userPageNewForm(f, "boss")
			change(form)
			res, body := c.submit("/users", form)
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "只有系统管理员可以授予管理员角色或全部数据范围") {
				t.Fatalf("office grants admin: %d", res.StatusCode)
			}
		}
		if userPageGet(t, f, "boss") != nil || userPageCount(t, f) != users || f.auditCount() != audits {
			t.Fatal("a refused grant wrote something")
		}
		// Within its district the office may create a liaison.
		form := userPageNewForm(f, "townb.liaison")
		form.Set("unit_id", fmt.Sprint(f.units["townB"].ID))
		if res, _ := c.submit("/users", form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("office creates a liaison: %d", res.StatusCode)
		}
		if u := userPageGet(t, f, "townb.liaison"); u == nil || u.UnitID != f.units["townB"].ID {
			t.Fatal("liaison not created in townB")
		}
		// Promoting an existing user to administrator is refused too.
		la := f.users["liaisonA"]
		form = userFormValues(la)
		form.Set("role", "admin")
		res, body := c.submit(fmt.Sprintf("/users/%d", la.ID), form)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "只有系统管理员可以授予管理员角色") {
			t.Fatalf("office promotes to admin: %d", res.StatusCode)
		}
		if u := userPageGet(t, f, "liaisona"); u.Role != ding.RoleLiaison {
			t.Fatalf("role changed to %s", u.Role)
		}
		// An administrator's record is out of the office's reach.
		adm := f.users["admin"]
		page := c.get(fmt.Sprintf("/users/%d", adm.ID))
		if strings.Contains(page, `id="user-form"`) || strings.Contains(page, `id="user-disable"`) {
			t.Fatal("office is offered to edit an administrator")
		}
		form = userFormValues(adm)
		form.Set("display_name", "hacked")
		if res, _ := c.submit(fmt.Sprintf("/users/%d", adm.ID), form); res.StatusCode != http.StatusForbidden {
			t.Fatalf("office edits admin: %d", res.StatusCode)
		}
		if res, _ := c.submit(fmt.Sprintf("/users/%d/disable", adm.ID), nil); res.StatusCode != http.StatusForbidden {
			t.Fatalf("office disables admin: %d", res.StatusCode)
		}
		if u := userPageGet(t, f, "admin"); u.DisplayName != "admin" || u.Disabled {
			t.Fatalf("admin changed: %+v", u)
		}
	})
}

func TestUserPageScopeAndRoles(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		lb := f.users["liaisonB"]
		la := f.users["liaisonA"]
		c := f.login("liaisonA")
		audits := f.auditCount()
		if res, _ := c.getRes(fmt.Sprintf("/users/%d", lb.ID)); res.StatusCode != http.StatusNotFound {
			t.Fatalf("liaisonA sees liaisonB: %d", res.StatusCode)
		}
		for _, p := range []string{"/disable", "/enable", "/password", ""} {
			if res, _ := c.submit(fmt.Sprintf("/users/%d%s", lb.ID, p), url.Values{"display_name": {"x"}}); res.StatusCode != http.StatusNotFound {
				t.Fatalf("liaisonA POST %s on liaisonB: %d", p, res.StatusCode)
			}
		}
		if u := userPageGet(t, f, "liaisonb"); u.Disabled || u.DisplayName != "liaisonB" {
			t.Fatalf("liaisonB changed: %+v", u)
		}
		list := c.get("/users")
		if strings.Contains(list, "liaisonb") || !strings.Contains(list, "liaisona") || strings.Contains(list, `id="users-new"`) {
			t.Fatal("liaison's list shows the wrong users or the new button")
		}
		// A liaison may not create users, nor edit themselves through this page.
		if res, _ := c.getRes("/users/new"); res.StatusCode != http.StatusForbidden {
			t.Fatalf("liaison opens the new user form: %d", res.StatusCode)
		}
		users := userPageCount(t, f)
		if res, _ := c.submit("/users", userPageNewForm(f, "sneaky")); res.StatusCode != http.StatusForbidden {
			t.Fatalf("liaison creates a user: %d", res.StatusCode)
		}
		if res, _ := c.submit(fmt.Sprintf("/users/%d", la.ID), userFormValues(la)); res.StatusCode != http.StatusForbidden {
			t.Fatalf("liaison edits own role form: %d", res.StatusCode)
		}
		if got := f.auditCount(); got != audits {
			t.Fatalf("liaison's refused writes left %d audit entries", got-audits)
		}
		if got := userPageCount(t, f); got != users {
			t.Fatalf("liaison's refused create left %d users", got-users)
		}
		// A viewer sees the district's users but changes nothing.
		v := f.login("viewer")
		audits = f.auditCount()
		page := v.get(fmt.Sprintf("/users/%d", la.ID))
		if !strings.Contains(page, `id="user-profile"`) || strings.Contains(page, `id="user-form"`) {
			t.Fatal("viewer gets an edit form")
		}
		if res, _ := v.submit(fmt.Sprintf("/users/%d/disable", la.ID), nil); res.StatusCode != http.StatusForbidden {
			t.Fatalf("viewer disables: %d", res.StatusCode)
		}
		if res, _ := v.submit(fmt.Sprintf("/users/%d/password", la.ID), url.Values{"password": {"x"}}); res.StatusCode != http.StatusForbidden {
			t.Fatalf("viewer resets a password: %d", res.StatusCode)
		}
		if userPageCount(t, f) != users || f.auditCount() != audits || userPageGet(t, f, "liaisona").Disabled {
			t.Fatal("refused requests wrote something")
		}
	})
}

func TestUserPageEdit(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		c := f.login("admin")
		la := f.users["liaisonA"]
		path := fmt.Sprintf("/users/%d", la.ID)
		page := c.get(path)
		if !strings.Contains(page, `id="user-form"`) || !strings.Contains(page, `id="user-audit"`) {
			t.Fatal("admin lacks the edit form or the audit link")
		}
		audits := f.auditCount()
		// Saving unchanged values writes nothing.
		if res, _ := c.submit(path, userFormValues(la)); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save unchanged: %d", res.StatusCode)
		}
		if f.auditCount() != audits {
			t.Fatal("an unchanged save wrote an audit entry")
		}
		// Wrong input: message next to the field, typed values kept, nothing written.
		form := userFormValues(la)
		form.Set("email", "not-an-address")
		form.Set("display_name", "改了一半")
		res, body := c.submit(path, form)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "电子邮箱格式不正确") ||
			!strings.Contains(body, `value="改了一半"`) || !strings.Contains(body, `class="has-error"`) {
			t.Fatalf("bad email: %d", res.StatusCode)
		}
		if u := userPageGet(t, f, "liaisona"); u.DisplayName != "liaisonA" || f.auditCount() != audits {
			t.Fatal("a refused edit wrote something")
		}
		// A real change: name, unit, role (scope follows the role's default), language.
		form = userFormValues(la)
		form.Set("display_name", "李四")
		form.Set("unit_id", fmt.Sprint(f.units["dept"].ID))
		form.Set("role", "viewer")
		form.Set("scope", "")
		form.Set("lang", "en")
		res, _ = c.submit(path, form)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != path+"?flash=saved" {
			t.Fatalf("edit: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		u := userPageGet(t, f, "liaisona")
		if u.DisplayName != "李四" || u.UnitID != f.units["dept"].ID || u.Role != ding.RoleViewer || u.Scope != ding.ScopeUnitTree || u.Lang != "en" {
			t.Fatalf("stored: %+v", u)
		}
		if f.auditCount() != audits+1 {
			t.Fatal("the edit left no audit entry")
		}
		// An explicit scope is kept.
		form = userFormValues(u)
		form.Set("scope", "self")
		c.submit(path, form)
		if u := userPageGet(t, f, "liaisona"); u.Scope != ding.ScopeSelf {
			t.Fatalf("scope %s, want self", u.Scope)
		}
	})
}

func TestUserPageDisable(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		admin := f.login("admin")
		victim := f.login("liaisonA")
		la := f.users["liaisonA"]
		res, _ := admin.submit(fmt.Sprintf("/users/%d/disable", la.ID), nil)
		if res.StatusCode != http.StatusSeeOther || !strings.HasSuffix(res.Header.Get("Location"), "flash=users_disabled") {
			t.Fatalf("disable: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if !userPageGet(t, f, "liaisona").Disabled {
			t.Fatal("not disabled")
		}
		if !userPageLoggedOut(t, victim) {
			t.Fatal("the disabled user's session survived")
		}
		if _, st := userPageLoginWith(t, f, "liaisona", testPassword); st == http.StatusSeeOther {
			t.Fatal("a disabled user logged in")
		}
		page := admin.get(fmt.Sprintf("/users/%d?flash=users_disabled", la.ID))
		if !strings.Contains(page, "账号已停用") || !strings.Contains(page, `id="user-enable"`) {
			t.Fatal("detail page lacks the flash or the enable button")
		}
		// Disabled users are hidden from the list unless asked for.
		if strings.Contains(admin.get("/users"), ">liaisona<") || !strings.Contains(admin.get("/users?disabled=1"), ">liaisona<") {
			t.Fatal("the disabled filter does not work")
		}
		if res, _ := admin.submit(fmt.Sprintf("/users/%d/enable", la.ID), nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("enable: %d", res.StatusCode)
		}
		if userPageGet(t, f, "liaisona").Disabled {
			t.Fatal("not enabled")
		}
		if _, st := userPageLoginWith(t, f, "liaisona", testPassword); st != http.StatusSeeOther {
			t.Fatalf("re-enabled user cannot log in: %d", st)
		}
		// Nobody disables themselves.
		audits := f.auditCount()
		res, body := admin.submit(fmt.Sprintf("/users/%d/disable", f.users["admin"].ID), nil)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "不能停用您自己的账号") {
			t.Fatalf("self-disable: %d", res.StatusCode)
		}
		if userPageGet(t, f, "admin").Disabled || f.auditCount() != audits {
			t.Fatal("self-disable wrote something")
		}
	})
}

func TestUserPagePasswordReset(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		admin := f.login("admin")
		victim := f.login("liaisonA")
		path := fmt.Sprintf("/users/%d/password", f.users["liaisonA"].ID)
		audits := f.auditCount()
		for _, tc := range []struct{ pw, pw2, msg string }{
			{"short1", "short1", "密码至少 8 位"},
			{"onlyletters", "onlyletters", "密码须同时包含字母和数字"},
			{"Neu-passw0rd", "Neu-passw0rd!", "两次输入的新密码不一致"},
		} {
			res, body := admin.submit(path, url.Values{"password": {tc.pw}, "password2": {tc.pw2}})
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, tc.msg) {
				t.Fatalf("reset %q: %d", tc.pw, res.StatusCode)
			}
		}
		if f.auditCount() != audits || userPageLoggedOut(t, victim) {
			t.Fatal("a refused reset changed something")
		}
		res, _ := admin.submit(path, url.Values{"password": {"Neu-passw0rd"}, "password2": {"Neu-passw0rd"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("reset: %d", res.StatusCode)
		}
		if f.auditCount() != audits+1 {
			t.Fatal("the reset left no audit entry")
		}
		if !userPageLoggedOut(t, victim) {
			t.Fatal("the user's session survived the reset")
		}
		if _, st := userPageLoginWith(t, f, "liaisona", testPassword); st == http.StatusSeeOther {
			t.Fatal("the old password still works")
		}
		c, st := userPageLoginWith(t, f, "liaisona", "Neu-passw0rd")
		if st != http.StatusSeeOther || userPageLoggedOut(t, c) {
			t.Fatalf("login with the new password: %d", st)
		}
		// One's own password is changed on the account page, with the current one.
		res, body := admin.submit(fmt.Sprintf("/users/%d/password", f.users["admin"].ID),
			url.Values{"password": {"Neu-passw0rd"}, "password2": {"Neu-passw0rd"}})
		if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "请在“我的账号”中修改您自己的密码") {
			t.Fatalf("own reset: %d", res.StatusCode)
		}
		if _, st := userPageLoginWith(t, f, "admin", testPassword); st != http.StatusSeeOther {
			t.Fatal("admin's password changed")
		}
	})
}

func TestUserPageCSRF(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		c := f.login("admin")
		la := f.users["liaisonA"]
		users, audits := userPageCount(t, f), f.auditCount()
		create := userPageNewForm(f, "nocsrf")
		edit := userFormValues(la)
		edit.Set("display_name", "nocsrf")
		for path, form := range map[string]url.Values{
			"/users":                                 create,
			fmt.Sprintf("/users/%d", la.ID):          edit,
			fmt.Sprintf("/users/%d/disable", la.ID):  {},
			fmt.Sprintf("/users/%d/password", la.ID): {"password": {"Neu-passw0rd"}, "password2": {"Neu-passw0rd"}},
		} {
			res := c.postForm(path, form)
			res.Body.Close()
			if res.StatusCode != http.StatusForbidden {
				t.Fatalf("POST %s without csrf: %d", path, res.StatusCode)
			}
			form.Set("_csrf", "wrong")
			res = c.postForm(path, form)
			res.Body.Close()
			if res.StatusCode != http.StatusForbidden {
				t.Fatalf("POST %s with a wrong csrf: %d", path, res.StatusCode)
			}
		}
		u := userPageGet(t, f, "liaisona")
		if userPageCount(t, f) != users || f.auditCount() != audits || u.Disabled || u.DisplayName != "liaisonA" {
			t.Fatal("a request without csrf changed something")
		}
		if _, st := userPageLoginWith(t, f, "liaisona", testPassword); st != http.StatusSeeOther {
			t.Fatal("password changed without csrf")
		}
	})
}

func TestUserPageEscaping(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		c := f.login("admin")
		form := userPageNewForm(f, "xss")
		form.Set("display_name", `<script>alert(1)</script>`)
		if res, _ := c.submit("/users", form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d", res.StatusCode)
		}
		u := userPageGet(t, f, "xss")
		for _, p := range []string{"/users", fmt.Sprintf("/users/%d", u.ID)} {
			body := c.get(p)
			if strings.Contains(body, "<script>alert") {
				t.Fatalf("%s renders the name unescaped", p)
			}
			if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
				t.Fatalf("%s lacks the escaped name", p)
			}
		}
		// The audit log shows the name inside JSON, which must not become markup either.
		if body := c.get("/audit?entity=user&action=create"); strings.Contains(body, "<script>alert") || !strings.Contains(body, "alert(1)") {
			t.Fatal("audit page renders the name unescaped or not at all")
		}
	})
}

func TestUserPageList(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		c := f.login("office")
		body := c.get("/users")
		if k := missingKeyRE.FindString(body); k != "" {
			t.Fatalf("untranslated key %q", k)
		}
		for _, want := range []string{"共 6 条", "liaisona", "樟潭街道", "联络员", "本单位", "正常", `id="users-new"`} {
			if !strings.Contains(body, want) {
				t.Fatalf("list lacks %q", want)
			}
		}
		district := f.units["district"].ID
		for q, want := range map[string]int{
			fmt.Sprintf("unit=%d", f.units["townA"].ID): 1,
			fmt.Sprintf("unit=%d", district):            4,
			fmt.Sprintf("unit=%d&sub=1", district):      6,
			"role=liaison":                              2,
			"q=liaison":                                 2,
			"q=" + url.QueryEscape("%"):                 0,
		} {
			body := c.get("/users?" + q)
			if n := strings.Count(body, `class="user-row"`); n != want || !strings.Contains(body, fmt.Sprintf("共 %d 条", want)) {
				t.Fatalf("%s: %d rows, want %d", q, n, want)
			}
		}
		if res, _ := c.getRes("/users?unit=abc"); res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("bad unit filter: %d", res.StatusCode)
		}

		// Pagination: 55 more users in townA make two pages.
		ctx := userPageSys()
		hash, _ := auth.FastHasher.Hash(testPassword)
		for i := range 55 {
			u := &ding.User{Username: fmt.Sprintf("p%02d", i), DisplayName: fmt.Sprintf("批量%02d", i), UnitID: f.units["townA"].ID, Role: ding.RoleLiaison}
			if err := f.db.CreateUser(ctx, u, hash); err != nil {
				t.Fatal(err)
			}
		}
		q := fmt.Sprintf("/users?unit=%d", f.units["townA"].ID)
		p1 := c.get(q)
		if strings.Count(p1, `class="user-row"`) != 50 || !strings.Contains(p1, "共 56 条") || !strings.Contains(p1, "第 1 / 2 页") {
			t.Fatal("page 1 is wrong")
		}
		next := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(p1)
		if next == nil {
			t.Fatal("no next link")
		}
		p2 := c.get(strings.ReplaceAll(next[1], "&amp;", "&"))
		if strings.Count(p2, `class="user-row"`) != 6 || !strings.Contains(p2, "第 2 / 2 页") || !strings.Contains(p2, `rel="prev"`) {
			t.Fatalf("page 2 via %s is wrong", next[1])
		}

		// CSV: BOM, translated header, one row per user in scope.
		res, csvBody := c.getRes(fmt.Sprintf("/users?format=csv&unit=%d&sub=1&role=liaison", district))
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") ||
			!strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("csv: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		if !strings.HasPrefix(csvBody, "\ufeff") {
			t.Fatal("csv lacks the BOM")
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(csvBody, "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 1+2+55 || recs[0][0] != "用户名" || recs[0][3] != "角色" {
			t.Fatalf("csv has %d records, header %v", len(recs), recs[0])
		}
		found := false
		for _, r := range recs[1:] {
			if r[0] == "liaisonb" {
				found = r[2] == "廿里镇" && r[3] == "联络员" && r[5] == "正常"
			}
		}
		if !found {
			t.Fatal("csv lacks liaisonb's row")
		}
	})
}

func TestUserPageCSVFormulaCell(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		c := f.login("admin")
		form := userPageNewForm(f, "formula")
		form.Set("display_name", "=1+1")
		if res, _ := c.submit("/users", form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d", res.StatusCode)
		}
		_, body := c.getRes("/users?format=csv&q=formula")
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
		if err != nil || len(recs) != 2 {
			t.Fatalf("csv: %v %d", err, len(recs))
		}
		if recs[1][1] != "'=1+1" {
			t.Fatalf("formula cell exported as %q", recs[1][1])
		}
	})
}

func TestUserPageEnglish(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		c := f.login("admin")
		c.get("/lang?to=en")
		for _, p := range []string{"/users", "/users/new", fmt.Sprintf("/users/%d", f.users["liaisonA"].ID), "/audit"} {
			body := c.get(p)
			if k := missingKeyRE.FindString(body); k != "" {
				t.Fatalf("%s: untranslated key %q", p, k)
			}
			if strings.Contains(body, "用户名") || strings.Contains(body, "共 ") {
				t.Fatalf("%s shows Chinese labels in English", p)
			}
		}
		if body := c.get("/users"); !strings.Contains(body, "Username") || !strings.Contains(body, "Liaison") {
			t.Fatal("English list lacks its labels")
		}
	})
}

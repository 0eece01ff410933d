package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"ding"
	"ding/auth"
)

// securityClock is a fake clock for f.db.Now that tests move forward by hand.
type securityClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *securityClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *securityClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// securityFakeClock puts a fake clock on the fixture's database. It restarts the test
// server afterwards, so that the server's goroutines start after the clock is set.
func securityFakeClock(f *fixture) *securityClock {
	f.t.Helper()
	c := &securityClock{now: time.Now().UTC().Truncate(time.Second)}
	f.ts.Close()
	f.db.Now = c.Now
	f.ts = httptest.NewServer(f.srv.Handler())
	f.t.Cleanup(f.ts.Close)
	return c
}

// securityLogin posts the login form on c (fetching the form first for its CSRF token)
// and returns the response and its body.
func securityLogin(c *client, username, password string) (*http.Response, string) {
	c.f.t.Helper()
	m := csrfRE.FindStringSubmatch(c.get("/login"))
	if m == nil {
		c.f.t.Fatal("no csrf on the login page")
	}
	res := c.postForm("/login", url.Values{"_csrf": {m[1]}, "username": {username}, "password": {password}})
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, string(b)
}

// securityLoginAs logs in with a password and returns the client ready to submit forms.
func securityLoginAs(f *fixture, username, password string) *client {
	f.t.Helper()
	c := f.anon()
	if res, body := securityLogin(c, username, password); res.StatusCode != http.StatusSeeOther {
		f.t.Fatalf("login %s: status %d: %.300s", username, res.StatusCode, body)
	}
	m := csrfRE.FindStringSubmatch(c.get("/"))
	if m == nil {
		f.t.Fatalf("no csrf after login as %s", username)
	}
	c.csrf = m[1]
	return c
}

// securityRequest sends a request on c with extra headers and returns status, headers and body.
func securityRequest(c *client, method, path string, body io.Reader, header map[string]string) (*http.Response, string) {
	c.f.t.Helper()
	req, err := http.NewRequest(method, c.f.ts.URL+path, body)
	if err != nil {
		c.f.t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.f.t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, string(b)
}

// securityCookie returns the named cookie set by res, or nil.
func securityCookie(res *http.Response, name string) *http.Cookie {
	for _, c := range res.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// securityLoginRecord reads the user's failure count and lock as the login does.
func securityLoginRecord(t *testing.T, f *fixture, username string) (int, *time.Time) {
	t.Helper()
	rec, err := f.db.UserForLogin(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return rec.User.FailedLogins, rec.User.LockedUntil
}

// securityAuditActions counts audit entries of an action on a user.
func securityAuditActions(t *testing.T, f *fixture, userID int64, action string) int {
	t.Helper()
	_, n, err := f.db.FindAudit(ding.WithActor(context.Background(), ding.SystemActor("test")),
		ding.AuditFilter{Entity: "user", EntityID: userID, Action: action})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

var (
	securityTooSoonRE = regexp.MustCompile(`请 \d+ 秒后再试`)
	securityLockedRE  = regexp.MustCompile(`账号已锁定，请 \d+ 分钟后再试`)
)

func TestSecurityLoginThrottleAndLock(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		clock := securityFakeClock(f)
		c := f.anon()
		// An unknown user gets the same answer as a wrong password.
		if res, body := securityLogin(c, "nobody", "whatever1"); res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "用户名或密码错误") {
			t.Fatalf("unknown user: %d", res.StatusCode)
		}
		for i := 1; i <= 3; i++ {
			res, body := securityLogin(c, "liaisona", "wrong-passw0rd")
			if res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "用户名或密码错误") {
				t.Fatalf("failure %d: status %d, want 401 with the plain message: %.300s", i, res.StatusCode, body)
			}
			if securityTooSoonRE.MatchString(body) {
				t.Fatalf("failure %d is already throttled", i)
			}
		}
		// Right after the third failure even the right password must wait.
		res, body := securityLogin(c, "liaisona", testPassword)
		if res.StatusCode != http.StatusTooManyRequests || !securityTooSoonRE.MatchString(body) {
			t.Fatalf("4th attempt: status %d, want 429 with the wait: %.300s", res.StatusCode, body)
		}
		if securityCookie(res, sessionCookie) != nil {
			t.Fatal("a throttled login set a session cookie")
		}
		if n, _ := securityLoginRecord(t, f, "liaisona"); n != 3 {
			t.Fatalf("a throttled attempt changed the count to %d", n)
		}

		clock.Advance(2 * time.Second)
		if res, _ := securityLogin(c, "liaisona", "wrong-passw0rd"); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("4th failure after the wait: %d", res.StatusCode)
		}
		if res, body := securityLogin(c, "liaisona", testPassword); res.StatusCode != http.StatusTooManyRequests || !securityTooSoonRE.MatchString(body) {
			t.Fatalf("attempt right after the 4th failure: %d", res.StatusCode)
		}
		clock.Advance(3 * time.Second)
		res, body = securityLogin(c, "liaisona", "wrong-passw0rd")
		if res.StatusCode != http.StatusTooManyRequests || !securityLockedRE.MatchString(body) {
			t.Fatalf("5th failure: status %d, want 429 locked: %.300s", res.StatusCode, body)
		}
		if n, until := securityLoginRecord(t, f, "liaisona"); n != 5 || until == nil || !until.Equal(clock.Now().Add(15*time.Minute)) {
			t.Fatalf("after 5 failures: count %d, locked until %v", n, until)
		}
		if n := securityAuditActions(t, f, f.users["liaisonA"].ID, "lock"); n != 1 {
			t.Fatalf("lock audit entries: %d", n)
		}

		// Locked: the right password is refused, also well after the last delay.
		clock.Advance(time.Minute)
		if res, body := securityLogin(c, "liaisona", testPassword); res.StatusCode != http.StatusTooManyRequests || !securityLockedRE.MatchString(body) {
			t.Fatalf("right password while locked: %d: %.300s", res.StatusCode, body)
		}
		// Another user is not affected.
		securityLoginAs(f, "liaisonb", testPassword)

		clock.Advance(15 * time.Minute)
		c = securityLoginAs(f, "liaisona", testPassword)
		if res, _ := c.getRes("/account"); res.StatusCode != http.StatusOK {
			t.Fatalf("account page after the lock: %d", res.StatusCode)
		}
		if n, until := securityLoginRecord(t, f, "liaisona"); n != 0 || until != nil {
			t.Fatalf("after a good login: count %d, locked until %v", n, until)
		}
		// The count starts again from zero: one failure is a plain 401.
		if res, _ := securityLogin(f.anon(), "liaisona", "wrong-passw0rd"); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("first failure after reset: %d", res.StatusCode)
		}
	})
}

func TestSecuritySessionExpiry(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		clock := securityFakeClock(f)
		page := f.login("office")
		api := f.login("office")
		if res, body := api.getRes("/api/v1/me"); res.StatusCode != http.StatusOK || !strings.Contains(body, `"username":"office"`) {
			t.Fatalf("api with a live session: %d %.200s", res.StatusCode, body)
		}

		// Activity slides the expiry: 11h, then 11h more, is still one live session.
		clock.Advance(11 * time.Hour)
		if res, _ := page.getRes("/"); res.StatusCode != http.StatusOK {
			t.Fatalf("after 11h: %d", res.StatusCode)
		}
		clock.Advance(11 * time.Hour)
		if res, _ := page.getRes("/"); res.StatusCode != http.StatusOK {
			t.Fatalf("after 22h with activity: %d", res.StatusCode)
		}
		// The idle session (last seen 22h ago) is gone: the API answers 401 in JSON.
		res, body := api.getRes("/api/v1/me")
		if res.StatusCode != http.StatusUnauthorized || !strings.Contains(res.Header.Get("Content-Type"), "application/json") ||
			!strings.Contains(body, `"code":"unauthorized"`) {
			t.Fatalf("api with an expired session: %d %s %.200s", res.StatusCode, res.Header.Get("Content-Type"), body)
		}

		clock.Advance(12*time.Hour + time.Minute)
		res, _ = page.getRes("/account")
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login?next=%2Faccount" {
			t.Fatalf("page with an expired session: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		if c := securityCookie(res, sessionCookie); c == nil || c.MaxAge >= 0 {
			t.Fatalf("the expired cookie is not cleared: %v", c)
		}
		o := f.users["office"]
		ctx := ding.WithActor(context.Background(), &ding.Actor{UserID: o.ID, Username: o.Username, UnitID: o.UnitID, Role: o.Role, Scope: o.Scope})
		if ss, err := f.db.FindSessions(ctx); err != nil || len(ss) != 0 {
			t.Fatalf("live sessions after expiry: %d %v", len(ss), err)
		}
	})
}

func TestSecurityTamperedCookie(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		c := f.login("office")
		u, _ := url.Parse(f.ts.URL)
		var secret string
		for _, ck := range c.hc.Jar.Cookies(u) {
			if ck.Name == sessionCookie {
				secret = ck.Value
			}
		}
		if secret == "" {
			t.Fatal("no session cookie after login")
		}
		last := secret[len(secret)-1]
		flip := byte('A')
		if last == 'A' {
			flip = 'B'
		}
		for _, bad := range []string{secret[:len(secret)-1] + string(flip), "unknown-session-value", secret + "x"} {
			x := f.anon()
			res, _ := securityRequest(x, "GET", "/", nil, map[string]string{"Cookie": sessionCookie + "=" + bad})
			if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
				t.Fatalf("cookie %q: %d %q", bad, res.StatusCode, res.Header.Get("Location"))
			}
			if ck := securityCookie(res, sessionCookie); ck == nil || ck.MaxAge >= 0 {
				t.Fatalf("cookie %q is not cleared", bad)
			}
			res, _ = securityRequest(x, "GET", "/api/v1/me", nil, map[string]string{"Cookie": sessionCookie + "=" + bad})
			if res.StatusCode != http.StatusUnauthorized {
				t.Fatalf("api with cookie %q: %d", bad, res.StatusCode)
			}
		}
		// The real cookie still works.
		if res, _ := c.getRes("/account"); res.StatusCode != http.StatusOK {
			t.Fatalf("real cookie: %d", res.StatusCode)
		}
	})
}

func TestSecurityLoginCSRF(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		audit := f.auditCount()
		form := func(csrf string) url.Values {
			v := url.Values{"username": {"office"}, "password": {testPassword}}
			if csrf != "" {
				v.Set("_csrf", csrf)
			}
			return v
		}
		// The double-submit cookie without the field.
		c := f.anon()
		tok := csrfRE.FindStringSubmatch(c.get("/login"))[1]
		if res := c.postForm("/login", form("")); res.StatusCode != http.StatusForbidden || securityCookie(res, sessionCookie) != nil {
			t.Fatalf("login without the csrf field: %d", res.StatusCode)
		}
		// A field that does not match the cookie.
		if res := c.postForm("/login", form(tok+"x")); res.StatusCode != http.StatusForbidden {
			t.Fatalf("login with a wrong csrf field: %d", res.StatusCode)
		}
		// The field without the cookie (a fresh client that never saw the form).
		if res := f.anon().postForm("/login", form(tok)); res.StatusCode != http.StatusForbidden || securityCookie(res, sessionCookie) != nil {
			t.Fatalf("login without the csrf cookie: %d", res.StatusCode)
		}
		if n := f.auditCount(); n != audit {
			t.Fatalf("refused logins wrote %d audit entries", n-audit)
		}
		if n, _ := securityLoginRecord(t, f, "office"); n != 0 {
			t.Fatalf("refused logins counted %d failures", n)
		}
		// Cookie and field together pass.
		if res := c.postForm("/login", form(tok)); res.StatusCode != http.StatusSeeOther || securityCookie(res, sessionCookie) == nil {
			t.Fatalf("login with csrf: %d", res.StatusCode)
		}
	})
}

func TestSecurityCrossSite(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		c := f.login("liaisonA")
		audit := f.auditCount()
		post := func(header map[string]string) *http.Response {
			form := url.Values{"_csrf": {c.csrf}, "display_name": {"被篡改"}, "lang": {"zh"}}
			header["Content-Type"] = "application/x-www-form-urlencoded"
			res, _ := securityRequest(c, "POST", "/account", strings.NewReader(form.Encode()), header)
			return res
		}
		for _, h := range []map[string]string{
			{"Sec-Fetch-Site": "cross-site"},
			{"Sec-Fetch-Site": "same-site"},
			{"Origin": "https://evil.example"},
		} {
			if res := post(h); res.StatusCode != http.StatusForbidden {
				t.Fatalf("POST with %v and a valid csrf token: %d", h, res.StatusCode)
			}
		}
		u, err := f.db.FindUserByID(ding.WithActor(context.Background(), ding.SystemActor("test")), f.users["liaisonA"].ID)
		if err != nil || u.DisplayName != "liaisonA" || f.auditCount() != audit {
			t.Fatalf("cross-site posts changed the user: %v %v", u, err)
		}
		// A cross-site login is refused too, even with the double-submit pair.
		x := f.anon()
		tok := csrfRE.FindStringSubmatch(x.get("/login"))[1]
		form := url.Values{"_csrf": {tok}, "username": {"office"}, "password": {testPassword}}
		res, _ := securityRequest(x, "POST", "/login", strings.NewReader(form.Encode()),
			map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "cross-site"})
		if res.StatusCode != http.StatusForbidden || securityCookie(res, sessionCookie) != nil {
			t.Fatalf("cross-site login: %d", res.StatusCode)
		}
		// The same post from the page itself goes through.
		if res := post(map[string]string{"Sec-Fetch-Site": "same-origin"}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("same-origin post: %d", res.StatusCode)
		}
	})
}

func TestSecurityOversizedBody(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		c := f.login("liaisonA")
		audit := f.auditCount()
		big := strings.Repeat("长", 25<<10) // 75 KiB in UTF-8, over the fixture's 64 KiB
		res, body := c.submit("/account", url.Values{"display_name": {big}})
		if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "提交的内容过大") {
			t.Fatalf("oversized form: %d %.200s", res.StatusCode, body)
		}
		// Without a Content-Length the limit is met while reading.
		form := url.Values{"_csrf": {c.csrf}, "display_name": {big}}
		pr, pw := io.Pipe()
		go func() { pw.CloseWithError(writeString(pw, form.Encode())) }()
		res, _ = securityRequest(c, "POST", "/account", pr, map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
		if res.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("oversized chunked form: %d", res.StatusCode)
		}
		// Logging in with a huge body is refused the same way.
		x := f.anon()
		tok := csrfRE.FindStringSubmatch(x.get("/login"))[1]
		if res := x.postForm("/login", url.Values{"_csrf": {tok}, "username": {"office"}, "password": {big}}); res.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("oversized login: %d", res.StatusCode)
		}
		// Under the limit the form is read and validated as usual.
		res, _ = c.submit("/account", url.Values{"display_name": {strings.Repeat("长", 60)}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("long name under the body limit: %d", res.StatusCode)
		}
		if n := f.auditCount(); n != audit {
			t.Fatalf("refused posts wrote %d audit entries", n-audit)
		}
	})
}

func writeString(w io.Writer, s string) error {
	_, err := io.WriteString(w, s)
	return err
}

func TestSecurityCookieFlags(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		c := f.anon()
		res, body := c.getRes("/login")
		check := func(what string, ck *http.Cookie, secure bool) {
			t.Helper()
			if ck == nil {
				t.Fatalf("%s: no cookie", what)
			}
			if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure != secure || ck.Path != "/" {
				t.Fatalf("%s: HttpOnly %v SameSite %v Secure %v Path %q", what, ck.HttpOnly, ck.SameSite, ck.Secure, ck.Path)
			}
		}
		check("csrf cookie", securityCookie(res, loginCSRF), false)
		tok := csrfRE.FindStringSubmatch(body)[1]
		res = c.postForm("/login", url.Values{"_csrf": {tok}, "username": {"office"}, "password": {testPassword}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("login: %d", res.StatusCode)
		}
		sc := securityCookie(res, sessionCookie)
		check("session cookie", sc, false)
		if sc.MaxAge != int((12*time.Hour).Seconds()) || len(sc.Value) < 40 {
			t.Fatalf("session cookie: MaxAge %d, value of %d characters", sc.MaxAge, len(sc.Value))
		}

		// Behind https every cookie is Secure. The jar would not send Secure cookies over
		// plain http, so the requests carry the cookie by hand.
		srv, err := New(f.db, Options{BaseURL: "https://x", Hasher: auth.FastHasher})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(srv.Handler())
		defer ts.Close()
		hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err = hc.Get(ts.URL + "/login")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		csrf := securityCookie(res, loginCSRF)
		check("https csrf cookie", csrf, true)
		form := url.Values{"_csrf": {csrfRE.FindStringSubmatch(string(b))[1]}, "username": {"office"}, "password": {testPassword}}
		req, _ := http.NewRequest("POST", ts.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: loginCSRF, Value: csrf.Value})
		res, err = hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("https login: %d", res.StatusCode)
		}
		check("https session cookie", securityCookie(res, sessionCookie), true)
	})
}

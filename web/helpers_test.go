package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"ding"
	"ding/auth"
	"ding/store"
	"ding/store/storetest"
)

// testPassword is every test user's password.
const testPassword = "passw0rd-test"

// fixture is a running test server on a fresh database with a small org tree:
//
//	衢州市 (city) → 衢江区 (district) → 樟潭街道 (townA), 廿里镇 (townB), 发改局 (dept)
//
// and users: admin (admin), office (office at district), leader (leader at district),
// liaisonA (liaison at townA), liaisonB (liaison at townB), viewer (viewer at district).
type fixture struct {
	t      testing.TB
	db     *store.DB
	srv    *Server
	ts     *httptest.Server
	units  map[string]*ding.Unit
	users  map[string]*ding.User
	tokens map[string]string // username → API token secret (made on demand)
}

// forEachEngine runs fn on a fixture for SQLite and (when configured) PostgreSQL.
func forEachEngine(t *testing.T, fn func(t *testing.T, f *fixture)) {
	t.Helper()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) { fn(t, newFixture(t, e)) })
	}
}

func newFixture(t testing.TB, e storetest.Engine) *fixture {
	t.Helper()
	db := storetest.Open(t, e)
	srv, err := New(db, Options{Hasher: auth.FastHasher, MaxBodyBytes: 64 << 10, Logger: testLogger(), DataDir: t.TempDir(),
		LoginPolicy: ding.LoginPolicy{SlowAfter: 3, MaxDelay: 30e9, LockAfter: 5, LockFor: 15 * 60e9}})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, db: db, srv: srv, units: map[string]*ding.Unit{}, users: map[string]*ding.User{}, tokens: map[string]string{}}
	ctx := ding.WithActor(context.Background(), ding.SystemActor("test"))
	mk := func(key string, parent, name string, kind ding.UnitKind, code string) {
		u := &ding.Unit{Name: name, Kind: kind, Code: code}
		if parent != "" {
			u.ParentID = f.units[parent].ID
		}
		if err := db.CreateUnit(ctx, u); err != nil {
			t.Fatalf("unit %s: %v", name, err)
		}
		f.units[key] = u
	}
	mk("city", "", "衢州市", ding.UnitCity, "330800")
	mk("district", "city", "衢江区", ding.UnitDistrict, "330803")
	mk("townA", "district", "樟潭街道", ding.UnitTown, "")
	mk("townB", "district", "廿里镇", ding.UnitTown, "")
	mk("dept", "district", "区发改局", ding.UnitDepartment, "")
	hash, err := auth.FastHasher.Hash(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	mku := func(name string, role ding.Role, unit string) {
		u := &ding.User{Username: strings.ToLower(name), DisplayName: name, UnitID: f.units[unit].ID, Role: role}
		if err := db.CreateUser(ctx, u, hash); err != nil {
			t.Fatalf("user %s: %v", name, err)
		}
		f.users[name] = u
	}
	mku("admin", ding.RoleAdmin, "district")
	mku("office", ding.RoleOffice, "district")
	mku("leader", ding.RoleLeader, "district")
	mku("liaisonA", ding.RoleLiaison, "townA")
	mku("liaisonB", ding.RoleLiaison, "townB")
	mku("viewer", ding.RoleViewer, "district")
	f.ts = httptest.NewServer(srv.Handler())
	t.Cleanup(f.ts.Close)
	return f
}

// client is a browser-like client: a cookie jar and the CSRF token of its session.
type client struct {
	f    *fixture
	hc   *http.Client
	csrf string
}

// anon returns a client that is not logged in and does not follow redirects.
func (f *fixture) anon() *client {
	jar, _ := cookiejar.New(nil)
	return &client{f: f, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// login logs the user in through the login form and returns the client.
func (f *fixture) login(username string) *client {
	f.t.Helper()
	c := f.anon()
	body := c.get("/login")
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		f.t.Fatalf("no csrf on login page")
	}
	res := c.postForm("/login", url.Values{"_csrf": {m[1]}, "username": {strings.ToLower(username)}, "password": {testPassword}})
	if res.StatusCode != http.StatusSeeOther {
		f.t.Fatalf("login %s: status %d", username, res.StatusCode)
	}
	page := c.get("/")
	m = csrfRE.FindStringSubmatch(page)
	if m == nil {
		f.t.Fatalf("no csrf after login as %s", username)
	}
	c.csrf = m[1]
	return c
}

// get fetches a path and returns the body; it fails the test on a transport error.
func (c *client) get(path string) string {
	c.f.t.Helper()
	res := c.do("GET", path, "", nil)
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return string(b)
}

// getRes fetches a path and returns the response with its body read into a string.
func (c *client) getRes(path string) (*http.Response, string) {
	c.f.t.Helper()
	res := c.do("GET", path, "", nil)
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, string(b)
}

// postForm posts a form; the caller adds _csrf itself (or leaves it out on purpose).
func (c *client) postForm(path string, form url.Values) *http.Response {
	c.f.t.Helper()
	return c.do("POST", path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
}

// submit posts a form with the session's CSRF token and returns status and body.
func (c *client) submit(path string, form url.Values) (*http.Response, string) {
	c.f.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("_csrf", c.csrf)
	res := c.postForm(path, form)
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, string(b)
}

func (c *client) do(method, path, ctype string, body io.Reader) *http.Response {
	c.f.t.Helper()
	req, err := http.NewRequest(method, c.f.ts.URL+path, body)
	if err != nil {
		c.f.t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.f.t.Fatal(err)
	}
	return res
}

// token returns an API token of the user, made directly in the store.
func (f *fixture) token(username string) string {
	f.t.Helper()
	if tok, ok := f.tokens[username]; ok {
		return tok
	}
	u := f.users[username]
	secret, shown := auth.NewAPIToken()
	ctx := ding.WithActor(context.Background(), &ding.Actor{UserID: u.ID, Username: u.Username, UnitID: u.UnitID, Role: u.Role, Scope: u.Scope})
	if err := f.db.CreateToken(ctx, &ding.Token{Name: "test", Prefix: shown}, auth.HashSecret(secret)); err != nil {
		f.t.Fatal(err)
	}
	f.tokens[username] = secret
	return secret
}

// api sends a JSON API request with the user's Bearer token ("" for none) and returns the
// status and body.
func (f *fixture) api(username, method, path, body string) (int, string) {
	f.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, f.ts.URL+path, rd)
	if err != nil {
		f.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if username != "" {
		req.Header.Set("Authorization", "Bearer "+f.token(username))
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// auditCount returns how many audit entries there are, read as the system.
func (f *fixture) auditCount() int {
	f.t.Helper()
	_, n, err := f.db.FindAudit(ding.WithActor(context.Background(), ding.SystemActor("test")), ding.AuditFilter{})
	if err != nil {
		f.t.Fatal(err)
	}
	return n
}

// testLogger discards request logs unless DING_TEST_LOG is set, so test and benchmark
// output shows failures, not every request.
func testLogger() *slog.Logger {
	if os.Getenv("DING_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

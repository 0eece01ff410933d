package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"ding"
)

// reopen replaces the fixture's server by one with the options tune sets, on the same
// database: clients logged in before stay logged in (cookies do not depend on the port).
func (f *fixture) reopen(tune func(*Options)) {
	f.t.Helper()
	opts := f.srv.opts
	tune(&opts)
	srv, err := New(f.db, opts)
	if err != nil {
		f.t.Fatal(err)
	}
	f.ts.Close()
	f.srv = srv
	f.ts = httptest.NewServer(srv.Handler())
	f.t.Cleanup(f.ts.Close)
}

// english makes the client ask for English pages.
func (c *client) english() {
	u, _ := url.Parse(c.f.ts.URL)
	c.hc.Jar.SetCookies(u, []*http.Cookie{{Name: langCookie, Value: "en"}})
}

// send makes a request with the client's cookies and returns the response and its body.
func (c *client) send(method, path, ctype string, body io.Reader) (*http.Response, string) {
	c.f.t.Helper()
	res := c.do(method, path, ctype, body)
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, string(b)
}

// apiError decodes the API's error answer.
func decodeAPIError(t *testing.T, body string) pressureErrorBody {
	t.Helper()
	var e pressureError
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("not an API error: %v: %s", err, body)
	}
	return e.Error
}

// TestRequestTimeout: a request that runs past its deadline has its store calls
// cancelled and answers 503 saying it took too long — on a page in Chinese or English, in
// the API as JSON — whether the handler gives up on its own or ignores its context.
func TestRequestTimeout(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		// Log in first: the short deadline is for the test's requests.
		c := f.login("office")
		f.token("office")
		f.reopen(func(o *Options) { o.RequestTimeout = 20 * time.Millisecond })
		// A slow store call: the query starts after the deadline and is cancelled.
		slow := func(r *http.Request) error {
			<-r.Context().Done()
			_, _, err := f.db.FindUnits(r.Context(), ding.UnitFilter{})
			if err == nil {
				t.Error("a query after the deadline succeeded")
			}
			return err
		}
		f.srv.handle("GET /test/slow", f.srv.page(func(w http.ResponseWriter, r *http.Request) error { return slow(r) }, true))
		f.srv.handle("GET /api/v1/test/slow", f.srv.api(func(w http.ResponseWriter, r *http.Request) (any, error) { return nil, slow(r) }))

		res, body := c.getRes("/test/slow")
		if res.StatusCode != 503 || !strings.Contains(body, "请求处理超过 1 秒仍未完成，已停止") || strings.Contains(body, "数据库暂时无法访问") {
			t.Errorf("page: %d %.300s", res.StatusCode, body)
		}
		if !strings.Contains(body, `href="/test/slow"`) || !strings.Contains(body, "请求超时") {
			t.Errorf("page has no retry link or title: %.500s", body)
		}
		status, body := f.api("office", "GET", "/api/v1/test/slow", "")
		if e := decodeAPIError(t, body); status != 503 || e.Code != "timeout" || !strings.Contains(e.Message, "请求处理超过 1 秒") {
			t.Errorf("api: %d %s", status, body)
		}
		c.english()
		res, body = c.getRes("/test/slow")
		if res.StatusCode != 503 || !strings.Contains(body, "The request did not finish within 1 s") {
			t.Errorf("english page: %d %.300s", res.StatusCode, body)
		}
	})
}

// TestRequestTimeoutStuckHandler: a handler that ignores its context still cannot hold the
// caller: the guard answers at the deadline and drops what the handler writes later; a
// handler that has begun its answer is let finish; a panic still answers 500.
func TestRequestTimeoutStuckHandler(t *testing.T) {
	f := newFixture(t, "sqlite")
	f.reopen(func(o *Options) { o.RequestTimeout = 20 * time.Millisecond })
	release, ended := make(chan struct{}), make(chan struct{})
	f.srv.handle("GET /test/stuck", func(w http.ResponseWriter, r *http.Request) {
		defer close(ended)
		<-release
		w.Write([]byte("late answer"))
	})
	f.srv.handle("GET /test/begun", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("begun;"))
		w.(http.Flusher).Flush()
		<-r.Context().Done()
		w.Write([]byte("finished"))
	})
	f.srv.handle("GET /test/panic", func(w http.ResponseWriter, r *http.Request) { panic("boom") })

	// Anonymous: the deadline is short, and a session would be looked up first.
	c := f.anon()
	res, body := c.getRes("/test/stuck")
	if res.StatusCode != 503 || !strings.Contains(body, "请求处理超过 1 秒仍未完成") || strings.Contains(body, "late answer") {
		t.Fatalf("stuck: %d %.300s", res.StatusCode, body)
	}
	// The handler still runs: Drain waits for it.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := f.srv.Drain(ctx); err == nil {
		t.Error("Drain returned with the stuck handler running")
	}
	close(release)
	if err := f.srv.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	<-ended

	res, body = c.getRes("/test/begun")
	if res.StatusCode != 200 || body != "begun;finished" {
		t.Errorf("begun: %d %q", res.StatusCode, body)
	}
	res, body = c.getRes("/test/panic")
	if res.StatusCode != 500 || !strings.Contains(body, `id="error-message"`) {
		t.Errorf("panic: %d %.300s", res.StatusCode, body)
	}
	metrics := c.get("/metrics")
	for _, want := range []string{`ding_http_timeouts_total{route="GET /test/stuck"} 1`, `ding_http_timeouts_total{route="GET /test/begun"} 1`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s:\n%s", want, metrics)
		}
	}
}

// TestBodyLimits: every kind of body over its limit answers 413 with the limit named —
// announced or streamed, a form, a JSON body, an upload — and an upload may be larger than
// a form.
func TestBodyLimits(t *testing.T) {
	f := newFixture(t, "sqlite")
	f.reopen(func(o *Options) { o.MaxBodyBytes, o.MaxUpload = 64<<10, 256<<10 })
	c := f.login("admin")
	big := strings.Repeat("x", 100<<10)

	// A form post, with its length announced and streamed.
	form := url.Values{"_csrf": {c.csrf}, "name": {big}}.Encode()
	for name, rd := range map[string]io.Reader{"announced": strings.NewReader(form), "streamed": iotest.HalfReader(strings.NewReader(form))} {
		res, body := c.send("POST", "/units", "application/x-www-form-urlencoded", rd)
		if res.StatusCode != 413 || !strings.Contains(body, "提交的内容过大（上限 64 KiB）") {
			t.Errorf("form %s: %d %.300s", name, res.StatusCode, body)
		}
	}
	// A JSON body.
	js := `{"name":"` + big + `","kind":"town"}`
	for name, rd := range map[string]io.Reader{"announced": strings.NewReader(js), "streamed": iotest.HalfReader(strings.NewReader(js))} {
		req, _ := http.NewRequest("POST", f.ts.URL+"/api/v1/units", rd)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+f.token("admin"))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var e apiError
		json.Unmarshal(b, &e)
		if res.StatusCode != 413 || e.Error.Code != ding.ETOOLARGE || !strings.Contains(e.Error.Message, "64 KiB") {
			t.Errorf("json %s: %d %s", name, res.StatusCode, b)
		}
	}
	// Uploads: 100 KiB is over the form limit but within the upload limit (the file is
	// then refused for what it is); 300 KiB is over the upload limit.
	if res, body := c.upload("/projects/import", "p.xlsx", []byte(big), true); res.StatusCode == 413 || res.StatusCode >= 500 {
		t.Errorf("100 KiB upload: %d %.300s", res.StatusCode, body)
	}
	huge := bytes.Repeat([]byte("x"), 300<<10)
	if res, body := c.upload("/projects/import", "p.xlsx", huge, true); res.StatusCode != 413 || !strings.Contains(body, "提交的内容过大（上限 256 KiB）") {
		t.Errorf("300 KiB upload: %d %.300s", res.StatusCode, body)
	}
	status, body := f.apiUpload("admin", "/api/v1/imports", "p.xlsx", huge)
	if e := decodeAPIError(t, body); status != 413 || e.Code != ding.ETOOLARGE {
		t.Errorf("300 KiB API upload: %d %s", status, body)
	}
}

// TestHeavyBound: heavy requests share a few slots. With them all taken, the next heavy
// request answers 503 with Retry-After, on a page or in the API, while light pages answer;
// once the slots free, heavy requests run again.
func TestHeavyBound(t *testing.T) {
	f := newFixture(t, "sqlite")
	f.reopen(func(o *Options) { o.HeavyLimit, o.HeavyWait = 2, time.Millisecond })
	entered, release := make(chan struct{}), make(chan struct{})
	f.srv.handle("GET /test/export.xlsx", f.srv.page(func(w http.ResponseWriter, r *http.Request) error {
		entered <- struct{}{}
		<-release
		w.Write([]byte("exported"))
		return nil
	}, true))
	c := f.login("office")

	type answer struct {
		status int
		body   string
		err    error
	}
	answers := make(chan answer, 2)
	for range 2 {
		go func() {
			res, err := c.hc.Get(f.ts.URL + "/test/export.xlsx")
			if err != nil {
				answers <- answer{err: err}
				return
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			answers <- answer{status: res.StatusCode, body: string(b)}
		}()
	}
	<-entered
	<-entered

	res, body := c.getRes("/projects/export.xlsx")
	n, err := strconv.Atoi(res.Header.Get("Retry-After"))
	if res.StatusCode != 503 || err != nil || n < 2 || n > 60 {
		t.Fatalf("heavy page while full: %d Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
	if want := "系统繁忙，请 " + strconv.Itoa(n) + " 秒后再试"; !strings.Contains(body, want) || !strings.Contains(body, `href="/projects/export.xlsx"`) {
		t.Errorf("busy page lacks %q: %.500s", want, body)
	}
	status, body := f.api("office", "GET", "/api/v1/statistics", "")
	if e := decodeAPIError(t, body); status != 503 || e.Code != "busy" || e.RetryAfter != n {
		t.Errorf("heavy API while full: %d %s", status, body)
	}
	// A form post: no retry link (it would be a GET).
	res, body = c.send("POST", "/bulletins", "application/x-www-form-urlencoded", strings.NewReader(url.Values{"_csrf": {c.csrf}}.Encode()))
	if res.StatusCode != 503 || strings.Contains(body, `id="pressure-retry"`) {
		t.Errorf("heavy post while full: %d %.300s", res.StatusCode, body)
	}
	en := f.login("leader")
	en.english()
	if res, body := en.getRes("/statistics/export.xlsx"); res.StatusCode != 503 || !strings.Contains(body, "The server is busy, please try again in") {
		t.Errorf("english busy page: %d %.300s", res.StatusCode, body)
	}
	// Light pages answer; an anonymous heavy request is sent to the login page, not queued.
	if res, _ := c.getRes("/projects"); res.StatusCode != 200 {
		t.Errorf("light page while full: %d", res.StatusCode)
	}
	if res, _ := f.anon().getRes("/projects/export.xlsx"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("anonymous heavy request: %d", res.StatusCode)
	}
	metrics := c.get("/metrics")
	for _, want := range []string{
		`ding_http_busy_total{route="GET /projects/export.xlsx"} 1`, `ding_http_busy_total{route="GET /api/v1/statistics"} 1`,
		`ding_http_busy_total{route="POST /bulletins"} 1`, "ding_http_heavy_in_use 2", "ding_http_heavy_slots 2",
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}

	close(release)
	for range 2 {
		a := <-answers
		if a.err != nil || a.status != 200 || a.body != "exported" {
			t.Errorf("held export: %+v", a)
		}
	}
	res, body = c.getRes("/projects/export.xlsx")
	if res.StatusCode != 200 || !strings.HasPrefix(body, "PK") {
		t.Errorf("export after release: %d %.100s", res.StatusCode, body)
	}
	if !strings.Contains(c.get("/metrics"), "ding_http_heavy_in_use 0") {
		t.Error("slots not freed")
	}
}

// TestHeavyRoutes: the named heavy routes exist (a renamed route would silently become
// light), every download is heavy, and ordinary pages are not.
func TestHeavyRoutes(t *testing.T) {
	f := newFixture(t, "sqlite")
	for _, p := range heavyRoutes {
		method, path, _ := strings.Cut(p, " ")
		path = strings.NewReplacer("{id}", "1", "{period}", "2024Q1").Replace(path)
		_, got := f.srv.mux.Handler(httptest.NewRequest(method, path, nil))
		if got != p {
			t.Errorf("heavy route %q is not registered (%q matches)", p, got)
		}
	}
	for _, p := range []string{"GET /projects/export.xlsx", "GET /bulletins/{id}/export.xlsx", "GET /settings/calendar/export.csv", "POST /projects/import/commit"} {
		if !heavyPattern(p) {
			t.Errorf("%s is not heavy", p)
		}
	}
	for _, p := range []string{"GET /projects", "GET /projects/import", "POST /projects", "GET /api/v1/projects", ""} {
		if heavyPattern(p) {
			t.Errorf("%s is heavy", p)
		}
	}
}

// TestGateRetryAfter: the hint follows how long heavy requests take, within 2–60 s.
func TestGateRetryAfter(t *testing.T) {
	g := newGate(1, time.Millisecond)
	if got := g.retryAfter(); got != 5 {
		t.Errorf("before any request: %d", got)
	}
	for _, c := range []struct {
		took time.Duration
		want int
	}{{10 * time.Second, 10}, {10 * time.Second, 10}, {20 * time.Second, 12}} {
		if !g.enter(context.Background()) {
			t.Fatal("no slot")
		}
		if g.enter(context.Background()) {
			t.Fatal("a second slot")
		}
		g.leave(c.took)
		if got := g.retryAfter(); got != c.want {
			t.Errorf("after %s: %d, want %d", c.took, got, c.want)
		}
	}
	g = newGate(1, time.Millisecond)
	g.enter(context.Background())
	g.leave(10 * time.Minute)
	if got := g.retryAfter(); got != 60 {
		t.Errorf("slow: %d", got)
	}
	g = newGate(1, time.Millisecond)
	g.enter(context.Background())
	g.leave(time.Millisecond)
	if got := g.retryAfter(); got != 2 {
		t.Errorf("fast: %d", got)
	}
}

// TestTimeoutBeforeLogin: a request that runs out of time while its session is still being
// looked up is answered in the language of its cookie, with the API's format under /api/.
func TestTimeoutBeforeLogin(t *testing.T) {
	f := newFixture(t, "sqlite")
	ctx, cancel := context.WithTimeoutCause(context.WithValue(context.Background(), timeoutKey{}, 30*time.Second), 0, errRequestTimeout)
	defer cancel()
	for _, c := range []struct{ path, want string }{
		{"/projects", "The request did not finish within 30 s"},
		{"/api/v1/projects", `"code":"timeout"`},
	} {
		r := httptest.NewRequest("GET", c.path, nil).WithContext(ctx)
		r.AddCookie(&http.Cookie{Name: langCookie, Value: "en"})
		w := httptest.NewRecorder()
		f.srv.fail(w, r, ding.Errorf(ding.EUNAVAILABLE, "err.db_unavailable"))
		if w.Code != 503 || !strings.Contains(w.Body.String(), c.want) {
			t.Errorf("%s: %d %.300s", c.path, w.Code, w.Body.String())
		}
	}
}

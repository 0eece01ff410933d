package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestLoginLogout(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		c := f.login("office")
		home := c.get("/")
		if !strings.Contains(home, "office") || !strings.Contains(home, "衢江区") {
			t.Fatalf("home page lacks user and unit: %.300s", home)
		}
		// Logout without the CSRF token is refused and the session survives.
		res := c.postForm("/logout", url.Values{})
		if res.StatusCode != http.StatusForbidden {
			t.Fatalf("logout without csrf: %d", res.StatusCode)
		}
		if res, _ := c.getRes("/"); res.StatusCode != http.StatusOK {
			t.Fatalf("session lost after refused logout: %d", res.StatusCode)
		}
		res, _ = c.submit("/logout", nil)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("logout: %d", res.StatusCode)
		}
		if res, _ := c.getRes("/"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
			t.Fatalf("after logout / gives %d %s", res.StatusCode, res.Header.Get("Location"))
		}
	})
}

func TestHealthz(t *testing.T) {
	f := newFixture(t, "sqlite")
	res, body := f.anon().getRes("/healthz")
	if res.StatusCode != 200 || body != "ok" {
		t.Fatalf("healthz: %d %q", res.StatusCode, body)
	}
	f.db.Close()
	res, _ = f.anon().getRes("/healthz")
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("healthz with the database down: %d", res.StatusCode)
	}
}

func TestMetrics(t *testing.T) {
	f := newFixture(t, "sqlite")
	c := f.anon()
	c.get("/healthz")
	c.get("/healthz")
	c.get("/no/such/page")
	res, body := c.getRes("/metrics")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("metrics: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	for _, want := range []string{
		`ding_http_requests_total{route="GET /healthz",status="200"} 2`,
		`ding_http_requests_total{route="unmatched",status="404"} 1`,
		`ding_http_request_duration_seconds_count{route="GET /healthz"} 2`,
		`ding_http_request_duration_seconds_bucket{route="GET /healthz",le="+Inf"} 2`,
		"# TYPE ding_http_request_duration_seconds histogram",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}
}

func TestStaticFiles(t *testing.T) {
	f := newFixture(t, "sqlite")
	c := f.anon()
	u := f.srv.static.url("app.css")
	res, body := c.getRes(u)
	if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") || !strings.Contains(body, ".nav") {
		t.Fatalf("%s: %d %q", u, res.StatusCode, res.Header.Get("Cache-Control"))
	}
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") {
		t.Fatalf("content type %q", res.Header.Get("Content-Type"))
	}
	// An old hash still serves the file, but without the long cache.
	res, _ = c.getRes("/static/000000000000/app.css")
	if res.StatusCode != 200 || strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
		t.Fatalf("stale hash: %d %q", res.StatusCode, res.Header.Get("Cache-Control"))
	}
	if res, _ := c.getRes("/static/x/nope.css"); res.StatusCode != 404 {
		t.Fatalf("missing static file: %d", res.StatusCode)
	}
	if !strings.Contains(c.get("/login"), u) {
		t.Fatal("pages do not link the checksummed URL")
	}
}

func TestLanguageSwitch(t *testing.T) {
	f := newFixture(t, "sqlite")
	c := f.anon()
	if page := c.get("/login"); !strings.Contains(page, "用户名") {
		t.Fatal("login page is not Chinese by default")
	}
	res, _ := c.getRes("/lang?to=en&next=/login")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
		t.Fatalf("lang switch: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if page := c.get("/login"); !strings.Contains(page, "Username") {
		t.Fatal("login page is not English after the switch")
	}
	// next must stay on this site.
	res, _ = c.getRes("/lang?to=zh&next=//evil.example/x")
	if loc := res.Header.Get("Location"); loc != "/" {
		t.Fatalf("open redirect to %q", loc)
	}
	// Unknown pages are a 404 page in the caller's language.
	res, body := c.getRes("/no/such/page")
	if res.StatusCode != 404 || !strings.Contains(body, "页面不存在") {
		t.Fatalf("unknown page: %d %.200s", res.StatusCode, body)
	}
}

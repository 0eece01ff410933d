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

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestScreenshots saves PNGs of the main pages at laptop and projector sizes into the
// directory named by DING_SCREENSHOTS, for people to look at. It does nothing otherwise:
//
//	DING_SCREENSHOTS=/tmp/shots go test -run Screenshots ./cmd/ding/
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("DING_SCREENSHOTS")
	if dir == "" {
		t.Skip("set DING_SCREENSHOTS to a directory to take screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := page{t, browser(t)}
	m := startDemo(t)
	base := m.URL()
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	shoot := func(name string, w, h int64) {
		t.Helper()
		p.do(chromedp.EmulateViewport(w, h))
		png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p.do(chromedp.Navigate(base+"/login"), chromedp.WaitVisible(css(`#username`)))
	shoot("login-1366.png", 1366, 768)
	p.do(
		chromedp.SendKeys(css(`#username`), "admin"),
		chromedp.SendKeys(css(`#password`), demoPassword),
		chromedp.Click(css(`#login-submit`)),
		chromedp.WaitVisible(css(`#logout`)),
	)
	pages := []string{"/", "/units", "/units/new", "/users", "/users/new", "/account", "/account/tokens", "/audit",
		"/projects", "/projects?stage=started&sort=completed_ytd&desc=1", "/projects/new", "/projects/20", "/projects/20/plans",
		"/projects/20/reports", "/reports", "/settings", "/projects/import", "/warnings", "/settings/rules", "/inbox"}
	// The first unit and user detail pages.
	pages = append(pages, "/units/3", "/users/4")
	// Escalations: the list, the bulletin, and the newest letter and its print page.
	pages = append(pages, "/escalations", "/bulletin-listings")
	p.do(chromedp.Navigate(base+"/escalations?action=letters"), chromedp.WaitVisible(css(`main`)))
	letter, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`(document.querySelector("#esc-results a.esc-num") || {pathname: ""}).pathname`))
	if err != nil {
		t.Fatal(err)
	}
	if letter != "" {
		pages = append(pages, letter, letter+"/print")
	}
	// The escalation ladder editor and a rule form (page_ladder.go, page_rules.go).
	pages = append(pages, "/warnings/ladder", "/settings/rules/1")
	for _, path := range pages {
		p.do(chromedp.Navigate(base+path), chromedp.WaitVisible(css(`main`)))
		name := strings.Trim(strings.NewReplacer("/", "-", "?", "-", "&", "-", "=", "").Replace(path), "-")
		if name == "" {
			name = "home"
		}
		shoot(name+"-1366.png", 1366, 768)
		shoot(name+"-1920.png", 1920, 1080)
	}
}

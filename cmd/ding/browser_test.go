package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromium finds Debian's Chromium. Locally a missing browser skips the browser tests;
// in CI (CI=true) it fails them, because .ci/run installs it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("CI=true but no chromium on PATH: .ci/run must install it")
	}
	t.Skip("chromium not installed")
	return ""
}

// browser starts a headless Chromium for the test and returns its context.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := chromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(filepath.Join(t.TempDir(), "chrome")),
		chromedp.WindowSize(1366, 768),
		// Chinese first, as the district's users have it.
		chromedp.Flag("lang", "zh-CN"),
		chromedp.Flag("accept-lang", "zh-CN,zh"),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	return ctx
}

// page wraps a browser tab for a test: every step fails the test on error.
type page struct {
	t   *testing.T
	ctx context.Context
}

func (p page) do(steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, steps...); err != nil {
		p.t.Fatalf("browser: %v", err)
	}
}

func (p page) text(sel string) string {
	p.t.Helper()
	s, err := chromedp.Run(p.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		p.t.Fatalf("browser: text of %s: %v", sel, err)
	}
	return s
}

func (p page) location() string {
	p.t.Helper()
	s, err := chromedp.Run(p.ctx, chromedp.Location())
	if err != nil {
		p.t.Fatalf("browser: location: %v", err)
	}
	return s
}

// TestBrowserAdminManagesUnits drives the real server in Chromium: the demo admin logs
// in, opens the units page, creates a unit, sees it in the tree, and logs out.
func TestBrowserAdminManagesUnits(t *testing.T) {
	m := startDemo(t) // first: the browser's deadline is for browsing, not for seeding
	p := page{t, browser(t)}
	base := m.URL()
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }

	p.do(
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(css(`#username`)),
		chromedp.SendKeys(css(`#username`), "admin"),
		chromedp.SendKeys(css(`#password`), demoPassword),
		chromedp.Click(css(`#login-submit`)),
		chromedp.WaitVisible(css(`#logout`)),
	)
	if h := p.text(`main h1`); !strings.Contains(h, "系统管理员") {
		t.Errorf("home heading %q does not greet the admin", h)
	}

	p.do(chromedp.Navigate(base+"/units"), chromedp.WaitVisible(css(`ul.tree`)))
	tree := p.text(`ul.tree`)
	if !strings.Contains(tree, "衢江区") || !strings.Contains(tree, "樟潭街道") {
		t.Errorf("units tree lacks the demo district: %.200q", tree)
	}
	if strings.Contains(tree, "浏览器测试园区") {
		t.Fatal("test unit exists before it is created")
	}

	p.do(
		chromedp.Navigate(base+"/units/new"),
		chromedp.WaitVisible(css(`form input[name="name"]`)),
		chromedp.SendKeys(css(`form input[name="name"]`), "浏览器测试园区"),
		chromedp.SetValue(css(`form select[name="kind"]`), "park"),
		chromedp.Submit(css(`form input[name="name"]`)),
		chromedp.WaitVisible(css(`.flash.ok`)),
	)
	p.do(chromedp.Navigate(base+"/units"), chromedp.WaitVisible(css(`ul.tree`)))
	if after := p.text(`ul.tree`); !strings.Contains(after, "浏览器测试园区") {
		t.Errorf("new unit not in the tree after creation: %.300q", after)
	}

	p.do(chromedp.Click(css(`#logout`)), chromedp.WaitVisible(css(`#username`)))
	if loc := p.location(); !strings.Contains(loc, "/login") {
		t.Errorf("after logout at %s, want the login page", loc)
	}
	// The session is gone: the home page sends us back to the login form.
	p.do(chromedp.Navigate(base+"/"), chromedp.WaitVisible(css(`#username`)))
}

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"ding"
	"ding/auth"
	"ding/store"
)

// TestBrowserDashboardScreenBulletin opens the leader dashboard, the wall screen and a
// bulletin of the demo in Chromium, checks their figures against the store's own answers,
// saves screenshots (into DING_ARTIFACTS, or a temporary directory), and checks that no
// page asked for anything from outside the server.
func TestBrowserDashboardScreenBulletin(t *testing.T) {
	m := startDemo(t)
	p := page{t, browser(t)}
	base := m.URL()
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	var mu sync.Mutex
	var requested []string
	if err := chromedp.Listen(p.ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			mu.Lock()
			requested = append(requested, e.Request.URL)
			mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	dir := os.Getenv("DING_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	shoot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(90))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p.do(
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(css(`#username`)),
		chromedp.SendKeys(css(`#username`), "admin"),
		chromedp.SendKeys(css(`#password`), demoPassword),
		chromedp.Click(css(`#login-submit`)),
		chromedp.WaitVisible(css(`#logout`)),
	)
	sys := ding.WithActor(context.Background(), ding.SystemActor("test"))
	admins, _, err := m.DB.FindUsers(sys, ding.UserFilter{Username: "admin"})
	if err != nil || len(admins) != 1 {
		t.Fatalf("admin: %v", err)
	}
	a := admins[0]
	adminCtx := ding.WithActor(context.Background(), &ding.Actor{UserID: a.ID, Username: a.Username, UnitID: a.UnitID, Role: a.Role, Scope: a.Scope})
	yi := func(v int64) string { return fmt.Sprintf("%.2f", float64(v)/float64(ding.Yi)) }

	// The dashboard of December 2024 against DashboardFor.
	d, err := m.DB.DashboardFor(adminCtx, 0, 2024, 12)
	if err != nil {
		t.Fatal(err)
	}
	p.do(chromedp.Navigate(base+"/dashboard?year=2024&month=12"), chromedp.WaitVisible(css(`#dash-cards`)))
	cards := p.text(`#dash-cards`)
	for _, want := range []string{strconv.FormatInt(d.Projects, 10), yi(d.Completed), d.Completion.Pct()} {
		if !strings.Contains(cards, want) {
			t.Errorf("dashboard cards lack %q: %.300q", want, cards)
		}
	}
	shoot("dashboard.png")

	// The wall screen, opened with a screen token; then the token is revoked.
	secret := "browser-test-screen-secret-0123456789"
	tok := &store.ScreenToken{Name: "浏览器测试大屏", UnitID: a.UnitID, Prefix: secret[:6]}
	if err := m.DB.CreateScreenToken(adminCtx, tok, auth.HashSecret(secret)); err != nil {
		t.Fatal(err)
	}
	screenDash, err := m.DB.DashboardFor(adminCtx, a.UnitID, d.Year, d.Month)
	if err != nil {
		t.Fatal(err)
	}
	p.do(chromedp.EmulateViewport(1920, 1080), chromedp.Navigate(base+"/screen/"+secret), chromedp.WaitVisible(css(`#scr-figs`)))
	if got := p.text(`#fig-projects .v`); got != strconv.FormatInt(screenDash.Projects, 10) {
		t.Errorf("screen shows %q projects, the store %d", got, screenDash.Projects)
	}
	shoot("screen.png")
	if err := m.DB.RevokeScreenToken(adminCtx, tok.ID); err != nil {
		t.Fatal(err)
	}
	p.do(chromedp.Navigate(base+"/screen/"+secret), chromedp.WaitVisible(css(`body`)))
	if body := p.text(`body`); !strings.Contains(body, "收回") {
		t.Errorf("a revoked screen does not say so: %.200q", body)
	}
	p.do(chromedp.EmulateViewport(1366, 768))

	// June's bulletin: its opening sentence is the store's.
	bs, err := m.DB.FindBulletins(adminCtx, store.BulletinFilter{Year: 2024, Month: 6})
	if err != nil || len(bs) == 0 {
		t.Fatalf("bulletins: %v", err)
	}
	b, err := m.DB.FindBulletin(adminCtx, bs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	p.do(chromedp.Navigate(base+"/bulletins/"+strconv.FormatInt(b.ID, 10)), chromedp.WaitVisible(css(`#bl-summary`)))
	want := b.Data.Summary(store.AreaName(b.UnitName), b.Year, b.Month)[0]
	if got := p.text(`#bl-summary`); !strings.Contains(got, want) {
		t.Errorf("bulletin summary %.200q lacks the store's %q", got, want)
	}
	shoot("bulletin.png")
	p.do(chromedp.Navigate(base+"/bulletins/"+strconv.FormatInt(b.ID, 10)+"/print"), chromedp.WaitVisible(css(`body`)))
	shoot("bulletin-print.png")

	// Nothing from outside the server.
	mu.Lock()
	defer mu.Unlock()
	if len(requested) < 5 {
		t.Fatalf("only %d requests seen", len(requested))
	}
	for _, u := range requested {
		if !strings.HasPrefix(u, base) && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "about:") {
			t.Errorf("a page requested %s from outside the server", u)
		}
	}
	t.Logf("%d requests, all to %s; screenshots in %s", len(requested), base, dir)
}

package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"ding"
	"ding/auth"
	"ding/store"
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
	// The public honour board, as anyone sees it without signing in (page_schemes.go).
	p.do(chromedp.Navigate(base+"/honours"), chromedp.WaitVisible(css(`main`)))
	shoot("honours-public-1366.png", 1366, 768)
	shoot("honours-public-1920.png", 1920, 1080)
	p.do(chromedp.Navigate(base+"/login"), chromedp.WaitVisible(css(`#username`)))
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
	// Meetings: the list, and the newest meeting with its minutes (page_meetings.go).
	pages = append(pages, "/meetings")
	p.do(chromedp.Navigate(base+"/meetings"), chromedp.WaitVisible(css(`main`)))
	meeting, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`(document.querySelector("#meetings-results td.mt-title a") || {pathname: ""}).pathname`))
	if err != nil {
		t.Fatal(err)
	}
	if meeting != "" {
		pages = append(pages, meeting, meeting+"/minutes")
	}
	// Demands and action items: the list, both forms, one item (raised and accepted here when
	// the demo has none), and the holiday calendar (page_items.go, page_calendar.go).
	pages = append(pages, "/items", "/items/new", "/items/new?kind=action", "/settings/calendar?year=2024")
	p.do(chromedp.Navigate(base+"/items"), chromedp.WaitVisible(css(`main`)))
	item, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`(document.querySelector("#items-results td.item-title a") || {pathname: ""}).pathname`))
	if err != nil {
		t.Fatal(err)
	}
	if item == "" {
		p.do(chromedp.Navigate(base+"/items/new"), chromedp.WaitVisible(css(`#item-form`)))
		if _, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](`(() => { const f = document.querySelector("#item-form");
			f.project_id.selectedIndex = 1; f.type.value = "土地"; f.title.value = "二期用地指标不足";
			f.description.value = "项目二期需新增用地 50 亩，年度用地指标尚未落实，影响 9 月开工。";
			f.request.value = "请区自然资源局协调调剂 50 亩用地指标，8 月底前完成报批。"; f.submit(); return true })()`)); err != nil {
			t.Fatal(err)
		}
		p.do(chromedp.WaitVisible(css(`#step-accept-form`)), chromedp.Click(css(`#step-accept-submit`)), chromedp.WaitVisible(css(`#step-decide-form`)))
		if item, err = chromedp.Run(p.ctx, chromedp.Evaluate[string](`location.pathname`)); err != nil {
			t.Fatal(err)
		}
	}
	pages = append(pages, item)
	// A demand waiting for acceptance, with the office's assignment form.
	p.do(chromedp.Navigate(base+"/items?status=submitted"), chromedp.WaitVisible(css(`main`)))
	if waiting, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`(document.querySelector("#items-results td.item-title a") || {pathname: ""}).pathname`)); err != nil {
		t.Fatal(err)
	} else if waiting != "" && waiting != item {
		pages = append(pages, waiting)
	}
	// 对赌 commitments: the list, and the clauses of a project with a broken one.
	pages = append(pages, "/commitments")
	p.do(chromedp.Navigate(base+"/commitments?status=broken"), chromedp.WaitVisible(css(`main`)))
	commit, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`(document.querySelector("#commit-results a.commit-project") || {pathname: ""}).pathname`))
	if err != nil {
		t.Fatal(err)
	}
	if commit != "" {
		pages = append(pages, commit)
	}
	// The escalation ladder editor and a rule form (page_ladder.go, page_rules.go).
	pages = append(pages, "/warnings/ladder", "/settings/rules/1")
	// The leader's desk, as the administrator may look at it (page_desk.go).
	if us, _, err := m.DB.FindUsers(ding.WithActor(context.Background(), ding.SystemActor("test")), ding.UserFilter{Username: "lingdao"}); err == nil && len(us) == 1 {
		pages = append(pages, "/desk?leader="+strconv.FormatInt(us[0].ID, 10))
	}
	// Indicators, competitions, the honour board and the 擂台赛 (issue 6).
	sysCtx := ding.WithActor(context.Background(), ding.SystemActor("test"))
	pages = append(pages, "/indicators", "/indicators/import", "/schemes", "/honours", "/contests")
	if inds, err := m.DB.FindIndicators(sysCtx, store.IndicatorFilter{Code: "gdp"}); err == nil && len(inds) == 1 {
		id := strconv.FormatInt(inds[0].ID, 10)
		pages = append(pages, "/indicators/"+id+"?year=2023&month=12", "/indicators/"+id+"/values?year=2024", "/indicators/"+id+"/edit")
	}
	if ss, err := m.DB.FindSchemes(sysCtx, store.SchemeFilter{}); err == nil {
		for _, sc := range ss {
			id := strconv.FormatInt(sc.ID, 10)
			pages = append(pages, "/schemes/"+id, "/schemes/"+id+"/periods/2024-Q3", "/schemes/"+id+"/edit")
		}
		if len(ss) > 0 {
			pages = append(pages, "/schemes/"+strconv.FormatInt(ss[0].ID, 10)+"/periods/2024-Q4")
		}
	}
	// Dashboards, the statistics page and the monthly bulletins (issue 7).
	pages = append(pages, "/dashboard", "/dashboard?month=6", "/statistics", "/bulletins", "/settings/screens")
	if bs, err := m.DB.FindBulletins(sysCtx, store.BulletinFilter{Year: 2024, Month: 6}); err == nil && len(bs) > 0 {
		id := strconv.FormatInt(bs[0].ID, 10)
		pages = append(pages, "/bulletins/"+id, "/bulletins/"+id+"/print", "/bulletins/"+id+"/diff")
	}
	if bs, err := m.DB.FindBulletins(sysCtx, store.BulletinFilter{Year: 2024, Month: 12}); err == nil && len(bs) > 0 {
		pages = append(pages, "/bulletins/"+strconv.FormatInt(bs[0].ID, 10))
	}
	if cs, err := m.DB.FindContests(sysCtx, store.ContestFilter{}); err == nil {
		for _, c := range cs {
			pages = append(pages, "/contests/"+strconv.FormatInt(c.ID, 10))
		}
	}
	// The wall screen, opened with a screen token (no session needed).
	secret := "screenshot-secret-0123456789abcdef"
	district, _, err := m.DB.FindUnits(sysCtx, ding.UnitFilter{Query: "衢江区", Kind: ding.UnitDistrict, Limit: 1})
	if err != nil || len(district) == 0 {
		t.Fatalf("district: %v", err)
	}
	officeCtx := ding.WithActor(context.Background(), &ding.Actor{Username: "shots", UnitID: district[0].ID, Role: ding.RoleOffice, Scope: ding.ScopeUnitTree})
	if err := m.DB.CreateScreenToken(officeCtx, &store.ScreenToken{Name: "截图", Prefix: secret[:6]}, auth.HashSecret(secret)); err != nil {
		t.Fatal(err)
	}
	p.do(chromedp.Navigate(base+"/screen/"+secret), chromedp.WaitVisible(css(`body`)))
	shoot("screen-1920.png", 1920, 1080)
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

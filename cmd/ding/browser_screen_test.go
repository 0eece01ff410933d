package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/heapprofiler"
	"github.com/chromedp/cdproto/performance"
	"github.com/chromedp/chromedp"

	"ding"
	"ding/auth"
	"ding/store"
)

// screenProxy stands between the browser and the demo server, so that the test can make
// the server answer 503, or be down altogether (nothing listening on its address), and
// then come back on the same address. It counts the requests for data.json.
type screenProxy struct {
	t     *testing.T
	addr  string
	rp    *httputil.ReverseProxy
	fail  atomic.Bool // answer 503
	data  atomic.Int64
	mu    sync.Mutex
	fails []time.Time // when data.json was answered 503
	srv   *http.Server
	ln    net.Listener
	extra chan error
}

func newScreenProxy(t *testing.T, target string) *screenProxy {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &screenProxy{t: t, rp: httputil.NewSingleHostReverseProxy(u), extra: make(chan error, 8)}
	p.up("127.0.0.1:0")
	t.Cleanup(p.down)
	return p
}

func (p *screenProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasSuffix(r.URL.Path, "/data.json") {
		p.data.Add(1)
	}
	if p.fail.Load() {
		if strings.HasSuffix(r.URL.Path, "/data.json") {
			p.mu.Lock()
			p.fails = append(p.fails, time.Now())
			p.mu.Unlock()
		}
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
		return
	}
	p.rp.ServeHTTP(w, r)
}

// up listens on addr (the proxy's own address once it has one).
func (p *screenProxy) up(addr string) {
	p.t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		p.t.Fatalf("proxy listen %s: %v", addr, err)
	}
	p.ln, p.addr = ln, ln.Addr().String()
	p.srv = &http.Server{Handler: p, ReadHeaderTimeout: 5 * time.Second}
	go func(srv *http.Server) {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			p.extra <- err
		}
	}(p.srv)
}

// down closes the listener and every connection: the browser's next request is refused.
func (p *screenProxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.srv != nil {
		p.srv.Close()
		p.srv = nil
	}
}

func (p *screenProxy) URL() string { return "http://" + p.addr }

// TestBrowserScreenRunsForDays opens the wall screen with short intervals (?refresh=0.5
// &rotate=0.5) and lets it run over thirty refresh cycles without reloading: the DOM and the
// JS heap stay bounded, the rotation advances one panel at a time in order, and a project
// written through the store between two refreshes shows in the figures. Then the server
// answers 503, then is down: the screen keeps its figures, says when it will retry and
// backs off; back up, it recovers by itself. Revoked, it says so and stops asking. The
// charts' texts do not overlap one another (the donut's legend once sat on its values).
func TestBrowserScreenRunsForDays(t *testing.T) {
	t0 := time.Now()
	m := startDemo(t)
	p := page{t, browser(t)}
	proxy := newScreenProxy(t, m.URL())
	demoTime := time.Since(t0)
	defer func() {
		t.Logf("%v in all, %v of them for the demo", time.Since(t0).Round(time.Second), demoTime.Round(time.Second))
	}()

	sys := ding.WithActor(context.Background(), ding.SystemActor("test"))
	district, _, err := m.DB.FindUnits(sys, ding.UnitFilter{Query: "衢江区", Kind: ding.UnitDistrict, Limit: 1})
	if err != nil || len(district) == 0 {
		t.Fatalf("district: %v", err)
	}
	office := ding.WithActor(context.Background(), &ding.Actor{Username: "screen-test", UnitID: district[0].ID, Role: ding.RoleOffice, Scope: ding.ScopeUnitTree})
	secret := "browser-screen-days-0123456789abcdef"
	tok := &store.ScreenToken{Name: "长时运行测试", UnitID: district[0].ID, Prefix: secret[:6]}
	if err := m.DB.CreateScreenToken(office, tok, auth.HashSecret(secret)); err != nil {
		t.Fatal(err)
	}
	// The store's figures as the screen reads them: as the screen's own actor.
	screenFigures := func() (projects, investment string) {
		t.Helper()
		a, _, err := m.DB.ScreenActor(context.Background(), auth.HashSecret(secret))
		if err != nil {
			t.Fatal(err)
		}
		ctx := ding.WithActor(context.Background(), a)
		today, err := m.DB.WarningToday(ctx)
		if err != nil {
			t.Fatal(err)
		}
		d, err := m.DB.DashboardFor(ctx, 0, today.Year, int(today.Month))
		if err != nil {
			t.Fatal(err)
		}
		// 亿元 as the screen shows them: two decimals, none from 1,000亿 on.
		yi := fmt.Sprintf("%d", (d.Investment+ding.Yi/2)/ding.Yi)
		if d.Investment < 1000*ding.Yi {
			cents := (d.Investment + 500000) / 1000000
			yi = fmt.Sprintf("%d.%02d", cents/100, cents%100)
		}
		return strconv.FormatInt(d.Projects, 10), yi
	}

	eval := func(js string) string {
		t.Helper()
		s, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("evaluate %.80s: %v", js, err)
		}
		return s
	}
	num := func(js string) int {
		t.Helper()
		n, err := strconv.Atoi(eval(js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return n
	}
	attr := func(name string) int {
		return num(`document.getElementById("screen").getAttribute("` + name + `") || "0"`)
	}
	// The rotating panels, checked as they come round: no two texts of a chart overlap.
	checked := map[string]bool{}
	overlapJS := `(() => { const p = document.querySelector(".rot-panel.on"); if (!p) return "";
		const ts = [...p.querySelectorAll("svg text")].map(t => ({s: t.textContent, r: t.getBoundingClientRect()})).filter(t => t.r.width > 0);
		const bad = [];
		for (let i = 0; i < ts.length; i++) for (let j = i + 1; j < ts.length; j++) {
			const a = ts[i].r, b = ts[j].r;
			const w = Math.min(a.right, b.right) - Math.max(a.left, b.left), h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
			if (w > 1 && h > 0.4 * Math.min(a.height, b.height)) bad.push(ts[i].s + " × " + ts[j].s);
		}
		return p.id + "|" + ts.length + "|" + bad.join("; "); })()`
	// watch checks the rotation and the charts once, between two waits.
	watch := func() {
		t.Helper()
		if bad := num(`String(window.__rotBad)`); bad != 0 {
			t.Fatalf("the rotation skipped or went back %d times", bad)
		}
		parts := strings.SplitN(eval(overlapJS), "|", 3)
		if len(parts) == 3 && !checked[parts[0]] && parts[1] != "0" {
			checked[parts[0]] = true
			if parts[2] != "" {
				t.Errorf("%s: texts overlap: %s", parts[0], parts[2])
			}
		}
	}
	waitFor := func(what, js string, limit time.Duration) {
		t.Helper()
		deadline := time.Now().Add(limit)
		for eval(`String(`+js+`)`) != "true" {
			if time.Now().After(deadline) {
				t.Fatalf("waited %v for %s", limit, what)
			}
			watch()
			time.Sleep(100 * time.Millisecond)
		}
	}
	figures := func() string { return eval(`document.getElementById("scr-figs").textContent.replace(/\s+/g, " ")`) }
	metrics := func() map[string]float64 {
		t.Helper()
		if _, err := chromedp.Call(p.ctx, heapprofiler.CollectGarbage, cdp.Empty{}); err != nil {
			t.Fatal(err)
		}
		res, err := chromedp.Call(p.ctx, performance.GetMetrics, cdp.Empty{})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]float64{"DOM": float64(num(`String(document.getElementsByTagName("*").length)`))}
		for _, mt := range res.Metrics {
			out[mt.Name] = mt.Value
		}
		return out
	}

	// Open the screen with short intervals, mark the window, and watch the rotation with a
	// MutationObserver that keeps two numbers: panels must come on one after the other.
	p.do(chromedp.EmulateViewport(1920, 1080), chromedp.Navigate(proxy.URL()+"/screen/"+secret+"?refresh=0.5&rotate=0.5"),
		chromedp.WaitVisible(chromedp.CSS(`#scr-figs`)))
	if _, err := chromedp.Call(p.ctx, performance.Enable, performance.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	eval(`(() => { window.__marker = "same page"; window.__rotBad = 0; window.__rotSeen = 0;
		window.__rot0 = +(document.getElementById("screen").dataset.rotations || 0);
		const ps = [...document.querySelectorAll(".rot-panel")]; let last = ps.findIndex(p => p.classList.contains("on"));
		const ob = new MutationObserver(() => { const i = ps.findIndex(p => p.classList.contains("on"));
			if (i !== last) { if (i !== (last + 1) % ps.length) window.__rotBad++; window.__rotSeen++; last = i; } });
		ps.forEach(p => ob.observe(p, {attributes: true, attributeFilter: ["class"]}));
		return "" })()`)
	projects0, invest0 := screenFigures()
	if got := eval(`document.querySelector("#fig-projects .v").textContent`); got != projects0 {
		t.Fatalf("screen shows %s projects, the store %s", got, projects0)
	}
	waitFor("3 refreshes", `+document.getElementById("screen").dataset.refreshes >= 3`, 10*time.Second)
	base := metrics()

	// A project written through the store between two refreshes appears without a reload.
	ps, _, err := m.DB.FindProjects(office, ding.ProjectFilter{LeadUnitID: district[0].ID, Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	var np ding.Project
	for _, p := range ps {
		if ding.ValidProjectCode(p.Code) {
			np = *p
		}
	}
	if np.ID == 0 {
		t.Fatalf("no project with a national code among %d", len(ps))
	}
	np.ID, np.Code, np.Name = 0, np.Code[:len(np.Code)-6]+"987654", "大屏刷新测试项目"
	if err := m.DB.CreateProject(office, &np); err != nil {
		t.Fatal(err)
	}
	projects1, invest1 := screenFigures()
	if projects1 == projects0 || invest1 == invest0 {
		t.Fatalf("the new project changed nothing in the store: %s %s", projects1, invest1)
	}
	waitFor("the new project on screen", `document.querySelector("#fig-projects .v").textContent === "`+projects1+`"`, 10*time.Second)
	if got := eval(`document.querySelector("#fig-investment .v").textContent`); got != invest1 {
		t.Errorf("screen shows %s 亿元 invested, the store %s", got, invest1)
	}

	// Many cycles: nothing grows.
	waitFor("32 refreshes", `+document.getElementById("screen").dataset.refreshes >= 32`, 40*time.Second)
	end := metrics()
	t.Logf("after %d refreshes and %d rotations: DOM %v → %v elements, nodes %v → %v, heap %.0f → %.0f KB, listeners %v → %v",
		attr("data-refreshes"), attr("data-rotations"), base["DOM"], end["DOM"], base["Nodes"], end["Nodes"],
		base["JSHeapUsedSize"]/1024, end["JSHeapUsedSize"]/1024, base["JSEventListeners"], end["JSEventListeners"])
	if end["DOM"] > base["DOM"]+20 || end["Nodes"] > base["Nodes"]*1.1+50 {
		t.Errorf("the DOM grew: %v → %v elements, %v → %v nodes", base["DOM"], end["DOM"], base["Nodes"], end["Nodes"])
	}
	if end["JSEventListeners"] > base["JSEventListeners"] {
		t.Errorf("event listeners grew: %v → %v", base["JSEventListeners"], end["JSEventListeners"])
	}
	if end["JSHeapUsedSize"] > base["JSHeapUsedSize"]+512*1024 {
		t.Errorf("the JS heap grew: %.0f → %.0f KB", base["JSHeapUsedSize"]/1024, end["JSHeapUsedSize"]/1024)
	}
	if seen, rot := num(`String(window.__rotSeen)`), num(`String(+document.getElementById("screen").dataset.rotations - window.__rot0)`); seen < 20 || seen != rot {
		t.Errorf("the rotation moved %d times as seen, %d as counted", seen, rot)
	}
	if n := attr("data-failures"); n != 0 {
		t.Errorf("%d refreshes failed while the server was up", n)
	}

	// The server answers 503, then is down: the figures stay, a status says when the next
	// try is, the tries back off (0.5, 1, 2, 2.5 s: twice as long each time, at most five
	// intervals), and the rotation goes on.
	stale := regexp.MustCompile(`^数据更新失败，\d\d:\d\d 重试$`)
	before, rot0 := figures(), attr("data-rotations")
	if !strings.Contains(before, projects1) || !strings.Contains(before, invest1) {
		t.Errorf("figures before the outage %q lack %s / %s", before, projects1, invest1)
	}
	proxy.fail.Store(true)
	waitFor("four failed refreshes", `+document.getElementById("screen").dataset.failures >= 4`, 15*time.Second)
	proxy.mu.Lock()
	fails := append([]time.Time(nil), proxy.fails...)
	proxy.mu.Unlock()
	if len(fails) < 4 {
		t.Fatalf("%d answers of 503 for 4 failures", len(fails))
	}
	// Timers never fire early: each wait is at least as long as the back-off says.
	for i, want := range []time.Duration{500, 1000, 2000} {
		if gap := fails[i+1].Sub(fails[i]); gap < want*time.Millisecond-50*time.Millisecond {
			t.Errorf("retry %d after %v, want %v or more", i+1, gap, want*time.Millisecond)
		}
	}
	if s := eval(`(s => s.hidden ? "" : s.textContent)(document.getElementById("scr-status"))`); !stale.MatchString(s) {
		t.Errorf("status while failing %q", s)
	}
	if dir := os.Getenv("DING_ARTIFACTS"); dir != "" {
		if png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(90)); err == nil {
			os.WriteFile(filepath.Join(dir, "screen-stale.png"), png, 0o644)
		}
	}
	proxy.down()
	n := attr("data-failures")
	asked := proxy.data.Load()
	waitFor("a refresh refused", `+document.getElementById("screen").dataset.failures > `+strconv.Itoa(n), 15*time.Second)
	if got := figures(); got != before {
		t.Errorf("figures changed while the server was away:\n%s\n%s", before, got)
	}
	if attr("data-rotations") <= rot0 {
		t.Errorf("the rotation stopped with the server")
	}
	if s := eval(`document.getElementById("scr-status").textContent`); !stale.MatchString(s) {
		t.Errorf("status while down %q", s)
	}

	// Back up on the same address: it recovers by itself.
	proxy.fail.Store(false)
	proxy.up(proxy.addr)
	ok := attr("data-refreshes")
	waitFor("recovery", `+document.getElementById("screen").dataset.refreshes > `+strconv.Itoa(ok), 15*time.Second)
	waitFor("the status cleared", `document.getElementById("scr-status").hidden`, 5*time.Second)
	if p1, i1 := screenFigures(); eval(`document.querySelector("#fig-projects .v").textContent`) != p1 || eval(`document.querySelector("#fig-investment .v").textContent`) != i1 {
		t.Errorf("after recovery the screen does not show the store's %s projects, %s 亿元", p1, i1)
	}
	if proxy.data.Load() <= asked {
		t.Errorf("no request for data.json since the outage began")
	}
	// Still the page first opened.
	if got := eval(`window.__marker + "/" + performance.getEntriesByType("navigation").length`); got != "same page/1" {
		t.Errorf("the page reloaded: %q", got)
	}
	for _, id := range []string{"panel-ranking", "panel-stages", "panel-colours"} {
		if !checked[id] {
			t.Errorf("panel %s never checked for overlapping texts (checked %v)", id, checked)
		}
	}

	// Revoked: the screen says so at its next refresh and asks no more.
	if err := m.DB.RevokeScreenToken(office, tok.ID); err != nil {
		t.Fatal(err)
	}
	waitFor("the revoked message", `!!document.getElementById("screen-revoked")`, 10*time.Second)
	if s := p.text(`#screen-revoked`); !strings.Contains(s, "收回") || strings.Contains(s, "衢江区") {
		t.Errorf("revoked screen says %q", s)
	}
	asked = proxy.data.Load()
	time.Sleep(2 * time.Second) // four refresh intervals
	if n := proxy.data.Load(); n != asked {
		t.Errorf("a stopped screen asked for data %d more times", n-asked)
	}
	select {
	case err := <-proxy.extra:
		t.Errorf("proxy: %v", err)
	default:
	}
}

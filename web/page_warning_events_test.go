package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"ding"
	"ding/auth"
	"ding/demo"
	"ding/store/storetest"
)

// wevTotalRE reads the count the list shows.
var wevTotalRE = regexp.MustCompile(`id="wev-total">共 (\d+) 条<`)

// wevCount is the count a list page shows, or -1.
func wevCount(body string) int {
	m := wevTotalRE.FindStringSubmatch(body)
	if m == nil {
		return -1
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// wevAPI is the API's answer: the total and the items' event, colour and project.
type wevAPI struct {
	Total int `json:"total"`
	Items []struct {
		Event       string `json:"event"`
		Colour      string `json:"colour"`
		ColourName  string `json:"colour_name"`
		EventName   string `json:"event_name"`
		ReasonText  string `json:"reason_text"`
		ProjectName string `json:"project_name"`
		ProjectCode string `json:"project_code"`
		UnitName    string `json:"unit_name"`
		On          string `json:"on"`
	} `json:"items"`
}

func decodeWevAPI(t *testing.T, js string) wevAPI {
	t.Helper()
	var out wevAPI
	if err := json.Unmarshal([]byte(js), &out); err != nil {
		t.Fatalf("%v: %s", err, js)
	}
	return out
}

// TestWarningEventsPage: the month's events of the caller's scope, filtered, with clear
// messages for a bad filter, a 404 for a unit outside the scope, the export and the board's
// link.
func TestWarningEventsPage(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		p := warnYellow(t, f) // opened yellow on 2024-06-20, town A
		c := f.login("office")
		res, body := c.getRes("/warnings/events?month=2024-06")
		if res.StatusCode != http.StatusOK || wevCount(body) != 1 {
			t.Fatalf("June: %d %d %.2000s", res.StatusCode, wevCount(body), body)
		}
		for _, want := range []string{"特种纸扩能项目", p.Code, "樟潭街道", "发出预警", "2024-06-20", `class="wev wev-opened"`, "16.7",
			`href="/projects/` + itoa(p.ID) + `/warnings"`, `id="wev-chips"`, `id="wev-export"`, `name="month" value="2024-06"`} {
			if !strings.Contains(body, want) {
				t.Errorf("June lacks %q", want)
			}
		}
		// The dashboard's "opened this month" and "cleared this month" link here, each to a
		// list of as many events as it shows.
		dash := c.get("/dashboard?year=2024&month=6")
		links := dashEventLinks.FindAllStringSubmatch(dash, -1)
		if len(links) != 4 {
			t.Fatalf("dashboard: %d event links", len(links))
		}
		for _, m := range links {
			link := html.UnescapeString(m[1])
			if !strings.Contains(link, "month=2024-06") || !strings.Contains(link, "unit_id="+itoa(f.units["district"].ID)) {
				t.Fatalf("dashboard link %s", link)
			}
			if n, _ := strconv.Atoi(m[2]); wevCount(c.get(link)) != n || (n == 1) != strings.Contains(link, "colour=yellow&event=opened") {
				t.Fatalf("%s: the dashboard shows %d, the list %d", link, n, wevCount(c.get(link)))
			}
		}
		// The month defaults to the warnings' date (2024-06-20); other months are empty.
		if body := c.get("/warnings/events"); wevCount(body) != 1 {
			t.Fatalf("default month: %d", wevCount(body))
		}
		if body := c.get("/warnings/events?month=2024-05"); wevCount(body) != 0 || !strings.Contains(body, `id="wev-none"`) {
			t.Fatalf("May: %d", wevCount(body))
		}
		for q, want := range map[string]int{
			"event=opened&colour=yellow": 1, "event=opened&colour=red": 0, "event=cleared": 0, "event=raised": 0,
			"unit_id=" + itoa(f.units["townA"].ID): 1, "unit_id=" + itoa(f.units["townB"].ID): 0,
			"sort=project&desc=1": 1, "sort=colour": 1, "sort=date": 1, "sort=unit": 1, "sort=rule&desc=1": 1, "sort=event": 1, "page=9": 1,
		} {
			res, body := c.getRes("/warnings/events?month=2024-06&" + q)
			if res.StatusCode != http.StatusOK || wevCount(body) != want {
				t.Errorf("%s: %d, %d events, want %d", q, res.StatusCode, wevCount(body), want)
			}
		}
		// A bad filter: the form with a clear message, never a 500.
		for q, want := range map[string]string{
			"month=2024-13": "月份格式不正确",
			"month=June":    "月份格式不正确",
			"month=2024-6":  "月份格式不正确",
			"event=closed":  "“closed”不是有效的预警事件",
			"colour=green":  "“green”不是预警颜色方案中的颜色",
			"unit_id=x":     "单位无效",
			"unit_id=-3":    "单位无效",
			"sort=value":    "无法按“value”排序",
		} {
			res, body := c.getRes("/warnings/events?" + q)
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, want) || !strings.Contains(body, `id="wev-filter"`) ||
				strings.Contains(body, `id="wev-total"`) {
				t.Errorf("%s: %d, lacks %q", q, res.StatusCode, want)
			}
		}
		if _, body := c.getRes("/warnings/events?month=2024-13"); !strings.Contains(body, `value="2024-13"`) || !strings.Contains(body, `id="wev-month-error"`) {
			t.Errorf("the refused month is not shown again with its message")
		}
		// Scope: liaison B sees nothing, and town A is not found for it.
		b := f.login("liaisonB")
		if body := b.get("/warnings/events?month=2024-06"); wevCount(body) != 0 {
			t.Fatalf("liaison B: %d", wevCount(body))
		}
		if res, _ := b.getRes("/warnings/events?month=2024-06&unit_id=" + itoa(f.units["townA"].ID)); res.StatusCode != http.StatusNotFound {
			t.Fatalf("liaison B, town A: %d", res.StatusCode)
		}
		en := f.login("office")
		base, _ := url.Parse(f.ts.URL)
		en.hc.Jar.SetCookies(base, []*http.Cookie{{Name: langCookie, Value: "en"}})
		if res, body := en.getRes("/warnings/events?month=2024-06"); res.StatusCode != http.StatusOK || strings.Contains(body, "warnev.") ||
			!strings.Contains(body, "My scope · warning events of 2024-06") || !strings.Contains(body, "Opened") {
			t.Fatalf("english: %d", res.StatusCode)
		}
		if res, body := en.getRes("/warnings/events?month=2024-13"); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "write it as YYYY-MM") {
			t.Fatalf("english, bad month: %d", res.StatusCode)
		}
		if res, _ := f.anon().getRes("/warnings/events"); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("anonymous: %d", res.StatusCode)
		}
		// The board links to the month's list.
		if body := html.UnescapeString(c.get("/warnings")); !strings.Contains(body, `href="/warnings/events?month=2024-06" id="warn-events-link"`) ||
			!strings.Contains(body, `href="/warnings/events?month=2024-06" id="warn-card-month"`) {
			t.Fatalf("the board does not link to the events")
		}
		// The export: every event of the filter, in a workbook.
		res, body = c.getRes("/warnings/events/export.xlsx?month=2024-06&event=opened")
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheetml") ||
			!strings.Contains(res.Header.Get("Content-Disposition"), "warning-events-2024-06.xlsx") {
			t.Fatalf("export: %d %s", res.StatusCode, res.Header.Get("Content-Disposition"))
		}
		x, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		for ref, want := range map[string]string{"A1": "衢江区预警事件明细（2024-06）", "C4": "发出预警", "D4": "黄", "H4": "特种纸扩能项目", "A5": "合计 1 条"} {
			if v, _ := x.GetCellValue("预警事件", ref); v != want {
				t.Errorf("export %s = %q, want %q", ref, v, want)
			}
		}
		if res, _ := c.getRes("/warnings/events/export.xlsx?month=13"); res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("export of a bad month: %d", res.StatusCode)
		}
	})
}

// TestWarningEventsAPI: GET /api/v1/warning-events takes the page's parameters.
func TestWarningEventsAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		p := warnYellow(t, f)
		code, js := f.api("office", "GET", "/api/v1/warning-events?month=2024-06&event=opened&colour=yellow", "")
		if code != http.StatusOK {
			t.Fatalf("api: %d %s", code, js)
		}
		a := decodeWevAPI(t, js)
		if a.Total != 1 || len(a.Items) != 1 {
			t.Fatalf("api: %s", js)
		}
		it := a.Items[0]
		if it.Event != "opened" || it.Colour != "yellow" || it.ColourName != "黄" || it.EventName != "发出预警" || it.ProjectName != p.Name ||
			it.ProjectCode != p.Code || it.UnitName != "樟潭街道" || it.On != "2024-06-20" || !strings.Contains(it.ReasonText, "16.7") {
			t.Fatalf("item: %+v", it)
		}
		if code, js := f.api("office", "GET", "/api/v1/warning-events?month=2024-06&event=cleared", ""); code != 200 || decodeWevAPI(t, js).Total != 0 {
			t.Fatalf("cleared: %d %s", code, js)
		}
		if code, js := f.api("office", "GET", "/api/v1/warning-events?month=2024-06&limit=1&offset=1", ""); code != 200 ||
			decodeWevAPI(t, js).Total != 1 || len(decodeWevAPI(t, js).Items) != 0 {
			t.Fatalf("offset: %d %s", code, js)
		}
		for q, field := range map[string]string{"month=2024-13": "month", "event=closed": "event", "colour=green": "colour",
			"unit_id=x": "unit_id", "limit=x": "limit", "sort=x": "sort"} {
			code, js := f.api("office", "GET", "/api/v1/warning-events?"+q, "")
			if code != http.StatusUnprocessableEntity || !strings.Contains(js, `"field":"`+field+`"`) {
				t.Errorf("%s: %d %s", q, code, js)
			}
		}
		if code, _ := f.api("liaisonB", "GET", "/api/v1/warning-events?unit_id="+itoa(f.units["townA"].ID), ""); code != http.StatusNotFound {
			t.Fatalf("out of scope: %d", code)
		}
		if code, js := f.api("liaisonB", "GET", "/api/v1/warning-events?month=2024-06", ""); code != 200 || decodeWevAPI(t, js).Total != 0 {
			t.Fatalf("liaison B: %d %s", code, js)
		}
		if code, _ := f.api("", "GET", "/api/v1/warning-events", ""); code != http.StatusUnauthorized {
			t.Fatalf("anonymous: %d", code)
		}
	})
}

// demoFixture is a test server on a fresh database with the demo district seeded; every
// demo account has the test password.
func demoFixture(t *testing.T, e storetest.Engine) *fixture {
	t.Helper()
	db := storetest.Open(t, e)
	if _, err := demo.Seed(context.Background(), db, auth.FastHasher, testPassword); err != nil {
		t.Fatal(err)
	}
	srv, err := New(db, Options{Hasher: auth.FastHasher, MaxBodyBytes: 64 << 10, Logger: testLogger(), DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, db: db, srv: srv, units: map[string]*ding.Unit{}, users: map[string]*ding.User{}, tokens: map[string]string{}}
	sys := ding.WithActor(context.Background(), ding.SystemActor("test"))
	for _, name := range []string{"admin", "xmb"} {
		us, _, err := db.FindUsers(sys, ding.UserFilter{Username: name})
		if err != nil || len(us) != 1 {
			t.Fatalf("demo user %s: %v", name, err)
		}
		f.users[name] = us[0]
	}
	f.ts = httptest.NewServer(srv.Handler())
	t.Cleanup(f.ts.Close)
	return f
}

// dashEventLinks are the dashboard's warning-event figures: the number shown and its link.
var dashEventLinks = regexp.MustCompile(`<a href="(/warnings/events\?[^"]+)"(?: class="dash-new")?>(?:本月新增 )?(\d+)</a>`)

// TestWarningEventsDemo: on the demo, for every month of 2024 and for the district and
// its towns, each "opened this month" and "cleared this month" of the dashboard links to
// a list — page and API — with exactly as many rows as the number shown.
func TestWarningEventsDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds the demo")
	}
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) { warningEventsDemo(t, demoFixture(t, e)) })
	}
}

func warningEventsDemo(t *testing.T, f *fixture) {
	c := f.login("xmb")
	district := f.users["xmb"].UnitID
	ctx := ding.WithActor(context.Background(), &ding.Actor{UserID: f.users["xmb"].ID, UnitID: district, Role: ding.RoleOffice, Scope: ding.ScopeUnitTree})
	d, err := f.db.DashboardFor(ctx, district, 2024, 12)
	if err != nil {
		t.Fatal(err)
	}
	units := []int64{district}
	for _, l := range d.Units[:min(3, len(d.Units))] {
		units = append(units, l.UnitID)
	}
	seen, events, biggest, biggestURL := 0, 0, -1, ""
	for _, unit := range units {
		for month := 1; month <= 12; month++ {
			path := "/dashboard?unit=" + itoa(unit) + "&year=2024&month=" + strconv.Itoa(month)
			body := c.get(path)
			links := dashEventLinks.FindAllStringSubmatch(body, -1)
			if len(links) != 4 { // opened red, yellow, blue; cleared
				t.Fatalf("%s: %d event links", path, len(links))
			}
			for _, m := range links {
				link, shown := html.UnescapeString(m[1]), m[2]
				n, _ := strconv.Atoi(shown)
				u, _ := url.Parse(link)
				if u.Query().Get("month") != fmt.Sprintf("2024-%02d", month) ||
					(unit != 0 && u.Query().Get("unit_id") != itoa(unit)) {
					t.Fatalf("%s links to %s", path, link)
				}
				if page := c.get(link); wevCount(page) != n {
					t.Fatalf("%s shows %d, %s lists %d", path, n, link, wevCount(page))
				}
				code, js := f.api("xmb", "GET", "/api/v1/warning-events?"+u.RawQuery+"&limit=500", "")
				a := decodeWevAPI(t, js)
				if code != 200 || a.Total != n || len(a.Items) != min(n, 500) {
					t.Fatalf("%s shows %d, the API %d (%d items)", path, n, a.Total, len(a.Items))
				}
				for _, it := range a.Items {
					if it.Event != u.Query().Get("event") || (u.Query().Get("colour") != "" && it.Colour != u.Query().Get("colour")) {
						t.Fatalf("%s: an item %+v", link, it)
					}
				}
				seen++
				events += n
				if n > biggest && n <= 500 {
					biggest, biggestURL = n, link
				}
			}
		}
	}
	if seen != len(units)*12*4 || events == 0 || biggest < 1 {
		t.Fatalf("%d links, %d events: the demo has no warning events?", seen, events)
	}
	t.Logf("%d links, %d events; %s lists %d", seen, events, biggestURL, biggest)
	// The page's rows, page after page, are the count it shows: the dashboard's biggest
	// figure, and every event of the district's busiest month in every order.
	rowsOf := func(link string) int {
		rows := 0
		for link != "" {
			body := c.get(link)
			rows += strings.Count(body, `<tr class="wev wev-`)
			link = ""
			if m := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(body); m != nil {
				link = html.UnescapeString(m[1])
			}
		}
		return rows
	}
	if rows := rowsOf(biggestURL); rows != biggest {
		t.Fatalf("%s: %d rows on its pages, the dashboard shows %d", biggestURL, rows, biggest)
	}
	busiest, most := "", 0
	for month := 1; month <= 12; month++ {
		link := fmt.Sprintf("/warnings/events?unit_id=%d&month=2024-%02d", district, month)
		if n := wevCount(c.get(link)); n > most {
			busiest, most = link, n
		}
	}
	if most == 0 {
		t.Fatal("no events in the district")
	}
	for _, sort := range []string{"", "&sort=colour&desc=1", "&sort=project", "&sort=unit&desc=1", "&sort=rule", "&sort=event"} {
		if rows := rowsOf(busiest + sort); rows != most {
			t.Fatalf("%s: %d rows on its pages, it counts %d", busiest+sort, rows, most)
		}
	}
}

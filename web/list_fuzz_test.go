package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"ding"
	"ding/store/storetest"
)

// listPaths are the GET paths that read a query string: every list, board and export of the
// pages and the API. {p}, {i} and {u} stand for a project, an indicator and a unit of the
// fixture.
var listPaths = []string{
	"/projects", "/projects/export.xlsx", "/projects/import", "/projects/new", "/items", "/items/export.xlsx", "/items/new",
	"/warnings", "/warnings/events", "/warnings/events/export.xlsx", "/warnings/ladder", "/warnings/trend.svg",
	"/escalations", "/escalations/export.xlsx", "/meetings", "/commitments", "/commitments/export.xlsx", "/indicators",
	"/indicators/import", "/schemes", "/bulletins", "/bulletin-listings", "/audit", "/units", "/units/new", "/users", "/reports",
	"/dashboard", "/statistics", "/statistics/export.xlsx", "/desk", "/inbox", "/contests", "/honours", "/settings/calendar",
	"/settings/rules", "/settings/rules/new", "/settings/robots", "/account/tokens", "/account/notifications",
	"/projects/{p}", "/projects/{p}/reports", "/projects/{p}/plans", "/projects/{p}/warnings", "/projects/{p}/commitments",
	"/projects/{p}/chart.svg", "/projects/{p}/reports.xlsx", "/indicators/{i}", "/indicators/{i}/values", "/indicators/{i}/history",
	"/indicators/{i}/export.xlsx", "/units/{u}", "/units/{u}/indicators",
	"/api/v1/projects", "/api/v1/items", "/api/v1/warnings", "/api/v1/warnings/board", "/api/v1/warning-events",
	"/api/v1/warning-rules", "/api/v1/escalations", "/api/v1/escalations/counts", "/api/v1/meetings", "/api/v1/commitments",
	"/api/v1/indicators", "/api/v1/actuals", "/api/v1/targets", "/api/v1/schemes", "/api/v1/bulletins", "/api/v1/bulletin-listings",
	"/api/v1/audit", "/api/v1/units", "/api/v1/users", "/api/v1/reports", "/api/v1/dashboard", "/api/v1/statistics",
	"/api/v1/calendar", "/api/v1/desk", "/api/v1/exemptions", "/api/v1/honours", "/api/v1/contests", "/api/v1/tokens",
	"/api/v1/projects/{p}/reports", "/api/v1/projects/{p}/months", "/api/v1/projects/{p}/plans", "/api/v1/projects/{p}/warnings",
	"/api/v1/indicators/{i}/figures", "/api/v1/indicators/{i}/revisions", "/api/v1/units/{u}/figures", "/api/v1/units/{u}/flags",
}

// listUsers are the users the queries are sent as, one of each role.
var listUsers = []string{"admin", "office", "leader", "liaisonA", "viewer"}

// listTarget is a fixture ready for in-process requests: the session cookies and API
// tokens of listUsers, and the ids that replace {p}, {i} and {u}.
type listTarget struct {
	f       *fixture
	cookies map[string][]*http.Cookie
	ids     *strings.Replacer
}

func newListTarget(tb testing.TB, e storetest.Engine) *listTarget {
	tb.Helper()
	f := newFixture(tb, e)
	lt := &listTarget{f: f, cookies: map[string][]*http.Cookie{}}
	ctx := sysCtx()
	p := &ding.Project{Code: "2301-330803-04-01-000001", Name: "新材料产业园", UnitID: f.units["townA"].ID, LocationID: f.units["townA"].ID,
		Investor: "private", Industry: "C", Chain: "新材料", Manufacturing: true, TotalInvestment: 12 * ding.Yi,
		Stage: ding.StageSigned, StageOn: ding.Date{Year: 2024, Month: time.January, Day: 10}, SignedOn: ding.Date{Year: 2024, Month: time.January, Day: 10}}
	if err := f.db.CreateProject(ctx, p); err != nil {
		tb.Fatal(err)
	}
	ind := &ding.Indicator{Code: "gdp", Name: "地区生产总值", Measure: "亿元", HigherBetter: true}
	if err := f.db.CreateIndicator(ctx, ind); err != nil {
		tb.Fatal(err)
	}
	lt.ids = strings.NewReplacer("{p}", itoa(p.ID), "{i}", itoa(ind.ID), "{u}", itoa(f.units["townA"].ID))
	base, _ := url.Parse(f.ts.URL)
	for _, u := range listUsers {
		c := f.login(u)
		lt.cookies[u] = c.hc.Jar.Cookies(base)
		f.token(u)
	}
	return lt
}

// get sends GET path?raw as user straight to the handler and returns the recorded answer.
func (lt *listTarget) get(path, raw, user string) *httptest.ResponseRecorder {
	req, err := http.NewRequest("GET", "http://ding.test"+lt.ids.Replace(path), nil)
	if err != nil {
		panic(err)
	}
	req.URL.RawQuery = raw
	req.RequestURI = req.URL.RequestURI()
	req.RemoteAddr = "127.0.0.1:40000"
	if strings.HasPrefix(path, "/api/") {
		req.Header.Set("Authorization", "Bearer "+lt.f.tokens[user])
	} else {
		for _, c := range lt.cookies[user] {
			req.AddCookie(c)
		}
	}
	rec := httptest.NewRecorder()
	lt.f.srv.Handler().ServeHTTP(rec, req)
	return rec
}

// FuzzListQuery sends a fuzzed query string to a list, board or export of the pages or the
// API (listPaths), as a user of each role, on every engine the tests run on: whatever the
// query, the answer is never a server error (the store runs every filter the parsers let
// through) and an API refusal is a JSON error that says what is wrong.
func FuzzListQuery(f *testing.F) {
	for _, s := range []string{"", "stage=signed&tier=10&unit=3&year=2024&q=港口&sort=name&desc=1", "q=%ff%fe", "q=%00", "q=%27%3B--",
		"unit=9223372036854775807&project=-1&page=99999999999", "page=2147483648&limit=500&offset=9223372036854775807",
		"year=2100&month=13&period=2024-W53&kind=weekly", "from=2024-06-01&to=2024-05-01&colour=%E7%BA%A2", "sort=due&desc=1&status=open",
		"stage=signed,started&unit_id=0&order=desc", "min_investment=99999999999&lead_unit=1&signed_from=2024-01-01",
		"format=csv", "format=csv&q=%ff", "table=%00&year=2024", "entity=project&entity_id=1&from=2024-02-29", "offset=-1",
		"month=2024-06&unit=1&indicator=1", "flash=%ff", "edit=1&parent=0&project=1&leader=1", "as_of=0000-01-01&date=9999-12-31"} {
		for i := range listPaths {
			if i%7 == len(s)%7 {
				f.Add(uint8(i), s, uint8(i+len(s)))
			}
		}
	}
	var targets []*listTarget
	for _, e := range storetest.Engines(f) {
		targets = append(targets, newListTarget(f, e))
	}
	f.Fuzz(func(t *testing.T, path uint8, raw string, who uint8) {
		p, user := listPaths[int(path)%len(listPaths)], listUsers[int(who)%len(listUsers)]
		for _, lt := range targets {
			rec := lt.get(p, raw, user)
			body := rec.Body.String()
			if rec.Code >= 500 {
				t.Fatalf("GET %s?%s as %s: %d %.500s", p, raw, user, rec.Code, body)
			}
			if strings.HasPrefix(p, "/api/") && rec.Code >= 400 {
				var e struct {
					Error struct{ Code, Message string } `json:"error"`
				}
				if err := json.Unmarshal([]byte(body), &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
					t.Fatalf("GET %s?%s as %s: %d %.500s", p, raw, user, rec.Code, body)
				}
			}
		}
	})
}

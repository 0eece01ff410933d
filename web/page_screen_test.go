package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"ding"
	"ding/auth"
	"ding/store"
	"ding/store/storetest"
)

var screenURLRE = regexp.MustCompile(`id="new-screen-url">https?://[^<]*/screen/([A-Za-z0-9_-]+)<`)

// screenCreate makes a screen token for the district through the page and returns its secret.
func screenCreate(t *testing.T, f *fixture, c *client) string {
	t.Helper()
	res, body := c.submit("/settings/screens", url.Values{"name": {"指挥中心主屏"}, "unit_id": {strconv.FormatInt(f.units["district"].ID, 10)}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("create screen token: %d", res.StatusCode)
	}
	m := screenURLRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no screen address after creation")
	}
	return m[1]
}

func screenNoCookie(t *testing.T, res *http.Response) {
	t.Helper()
	if sc := res.Header.Values("Set-Cookie"); len(sc) > 0 {
		t.Fatalf("screen response sets cookies: %v", sc)
	}
	if res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("cache-control %q", res.Header.Get("Cache-Control"))
	}
}

// TestScreen: the office makes a token (a liaison may not); the screen opens without a
// session and shows the store's figures, in HTML and JSON; the token opens nothing else;
// revoked and unknown tokens answer 401 with the message on both routes.
func TestScreen(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		warnYellow(t, f)
		d, err := f.db.DashboardFor(warnCtx(f, "office"), 0, 2024, 6)
		if err != nil {
			t.Fatal(err)
		}
		if d.Projects == 0 || d.Plan == 0 {
			t.Fatalf("fixture has no figures: %+v", d)
		}

		// Liaisons may neither see nor make tokens.
		li := f.login("liaisonA")
		if res, _ := li.getRes("/settings/screens"); res.StatusCode != http.StatusForbidden {
			t.Fatalf("liaison lists screen tokens: %d", res.StatusCode)
		}
		if res, _ := li.submit("/settings/screens", url.Values{"name": {"x"}, "unit_id": {strconv.FormatInt(f.units["townA"].ID, 10)}}); res.StatusCode != http.StatusForbidden {
			t.Fatalf("liaison makes a screen token: %d", res.StatusCode)
		}
		office := f.login("office")
		if res, _ := office.submit("/settings/screens", url.Values{"name": {""}, "unit_id": {strconv.FormatInt(f.units["district"].ID, 10)}}); res.StatusCode != http.StatusBadRequest && res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("empty name: %d", res.StatusCode)
		}
		secret := screenCreate(t, f, office)
		if body := office.get("/settings/screens"); !strings.Contains(body, "指挥中心主屏") || strings.Contains(body, secret) {
			t.Fatal("the list lacks the token or shows its secret")
		}
		if !strings.Contains(office.get("/settings"), `href="/settings/screens"`) {
			t.Fatal("settings page does not link to the screens")
		}

		// The screen, with no cookie at all.
		anon := &client{f: f, hc: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
		res, body := anon.getRes("/screen/" + secret)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("screen: %d", res.StatusCode)
		}
		screenNoCookie(t, res)
		for _, want := range []string{"衢江区", yi(d.Plan), yi(d.Completed), d.Completion.Pct(), d.Schedule.Pct(), "樟潭街道", "screen.js", "<svg"} {
			if !strings.Contains(body, want) {
				t.Fatalf("screen lacks %q", want)
			}
		}
		if strings.Contains(body, "NaN") || strings.Contains(body, "<script>") {
			t.Fatal("NaN or inline script on the screen")
		}

		res, body = anon.getRes("/screen/" + secret + "/data.json")
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("data.json: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		screenNoCookie(t, res)
		var got struct {
			Unit    string `json:"unit"`
			Ranking []struct {
				N          int    `json:"n"`
				Name       string `json:"name"`
				Completion string `json:"completion"`
				Behind     bool   `json:"behind"`
				RedLabel   string `json:"red_label"`
			} `json:"ranking"`
			RankSVG string         `json:"ranking_svg"`
			Figures []screenFigure `json:"figures"`
			Raw     struct {
				Projects, Investment, Plan, Completed, Red int64
				Overdue                                    int64 `json:"overdue_items"`
			} `json:"raw"`
		}
		if err := json.Unmarshal([]byte(body), &got); err != nil {
			t.Fatal(err)
		}
		if got.Unit != "衢江区" || got.Raw.Projects != d.Projects || got.Raw.Investment != d.Investment || got.Raw.Plan != d.Plan ||
			got.Raw.Completed != d.Completed || got.Raw.Overdue != d.OverdueItems {
			t.Fatalf("data.json %+v, store %+v", got.Raw, d)
		}
		if len(got.Ranking) != len(d.Units) || len(got.Figures) == 0 || got.Figures[1].Value != yi(d.Investment) {
			t.Fatalf("data.json ranking %d of %d, figures %+v", len(got.Ranking), len(d.Units), got.Figures)
		}
		// The ranking chart (chart.RankBars) draws the ranking's rows in its order: label,
		// completion, the red count as a note, the units behind schedule highlighted, and
		// 时序进度 as the reference line; the page carries the same chart.
		root := schemeSVGTree(t, got.RankSVG)
		rows, values := root.all("g", "rank-bar"), root.all("text", "value")
		if len(rows) != len(got.Ranking) || len(values) != len(got.Ranking) || len(got.Ranking) == 0 {
			t.Fatalf("ranking chart has %d rows for %d units: %s", len(rows), len(got.Ranking), got.RankSVG)
		}
		for i, r := range got.Ranking {
			if label := rows[i].all("text")[0].text; label != strconv.Itoa(r.N)+". "+r.Name {
				t.Errorf("chart row %d is %q, the ranking's %d. %s", i, label, r.N, r.Name)
			}
			if want := strings.TrimSuffix(strings.TrimSuffix(r.Completion, "%"), ".0"); values[i].text != want {
				t.Errorf("chart row %d shows %q, the ranking %q", i, values[i].text, r.Completion)
			}
			notes := values[i].all("tspan", "note")
			if (len(notes) == 1 && notes[0].text == r.RedLabel) != (r.RedLabel != "") {
				t.Errorf("chart row %d notes %+v, red label %q", i, notes, r.RedLabel)
			}
			if hl := rows[i].attrs["class"] == "rank-bar highlight"; hl != r.Behind {
				t.Errorf("chart row %d highlighted %v, behind %v", i, hl, r.Behind)
			}
		}
		if refs := root.all("g", "ref"); len(refs) != 1 || refs[0].all("text")[0].text != "时序进度 "+d.Schedule.Pct() &&
			refs[0].all("text")[0].text != "时序进度 "+strings.TrimSuffix(d.Schedule.Pct(), ".0%")+"%" {
			t.Errorf("no 时序进度 line: %+v", refs)
		}
		if _, page := anon.getRes("/screen/" + secret); !strings.Contains(page, `id="scr-rank-svg"`) || !strings.Contains(page, `class="chart chart-rank"`) ||
			!strings.Contains(page, `id="scr-status"`) || !strings.Contains(page, `data-stale="数据更新失败，%s 重试"`) {
			t.Errorf("the page lacks the ranking chart or the status line")
		}

		// The token is no credential anywhere else.
		for _, p := range []string{"/projects", "/api/v1/units", "/settings/screens", "/dashboard"} {
			req, _ := http.NewRequest("GET", f.ts.URL+p, nil)
			req.Header.Set("Authorization", "Bearer "+secret)
			r2, err := anon.hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			r2.Body.Close()
			if r2.StatusCode != http.StatusUnauthorized && !(r2.StatusCode == http.StatusSeeOther && strings.HasPrefix(r2.Header.Get("Location"), "/login")) {
				t.Fatalf("screen secret as a bearer token on %s: %d", p, r2.StatusCode)
			}
			r3, _ := anon.getRes(p + "?token=" + secret)
			if r3.StatusCode == http.StatusOK {
				t.Fatalf("screen secret in the query opens %s", p)
			}
		}
		if r4, _ := anon.getRes("/screen/" + secret + "/../projects"); r4.StatusCode == http.StatusOK {
			t.Fatal("path trick opens a page")
		}

		// Unknown and revoked.
		for _, p := range []string{"/screen/ding_unknown", "/screen/ding_unknown/data.json"} {
			res, body := anon.getRes(p)
			if res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "该大屏令牌无效或已被收回") {
				t.Fatalf("%s: %d %s", p, res.StatusCode, body)
			}
			screenNoCookie(t, res)
		}
		toks, err := f.db.FindScreenTokens(warnCtx(f, "office"))
		if err != nil || len(toks) != 1 || toks[0].LastUsedAt == nil {
			t.Fatalf("tokens %v %v", toks, err)
		}
		if res, _ := office.submit("/settings/screens/"+strconv.FormatInt(toks[0].ID, 10)+"/revoke", nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("revoke: %d", res.StatusCode)
		}
		for _, p := range []string{"/screen/" + secret, "/screen/" + secret + "/data.json"} {
			res, body := anon.getRes(p)
			if res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "该大屏令牌无效或已被收回") {
				t.Fatalf("revoked %s: %d", p, res.StatusCode)
			}
			if strings.Contains(body, "衢江区") {
				t.Fatal("a revoked screen still shows figures")
			}
		}
	})
}

// TestScreenScope: a token of town A shows town A only.
func TestScreenScope(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		warnYellow(t, f)
		secret, shown := auth.NewAPIToken()
		tok := &store.ScreenToken{Name: "廿里", UnitID: f.units["townB"].ID, Prefix: shown}
		if err := f.db.CreateScreenToken(warnCtx(f, "office"), tok, auth.HashSecret(secret)); err != nil {
			t.Fatal(err)
		}
		res, body := f.anon().getRes("/screen/" + secret + "/data.json")
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `"unit":"廿里镇"`) || strings.Contains(body, "特种纸") || strings.Contains(body, `"projects":1`) {
			t.Fatalf("town B screen: %d %s", res.StatusCode, body)
		}
	})
}

// BenchmarkScreenData measures the data.json handler on the warning fixture.
func BenchmarkScreenData(b *testing.B) {
	f := newFixture(b, storetest.SQLite)
	benchScreenSeed(b, f)
	secret, shown := auth.NewAPIToken()
	tok := &store.ScreenToken{Name: "bench", UnitID: f.units["district"].ID, Prefix: shown}
	if err := f.db.CreateScreenToken(warnCtx(f, "office"), tok, auth.HashSecret(secret)); err != nil {
		b.Fatal(err)
	}
	h := f.srv.Handler()
	b.ResetTimer()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/screen/"+secret+"/data.json", nil))
		if w.Code != http.StatusOK {
			b.Fatalf("data.json: %d", w.Code)
		}
	}
}

// benchScreenSeed makes 60 projects with annual plans under the district's units.
func benchScreenSeed(b *testing.B, f *fixture) {
	f.db.Now = func() time.Time { return warnNow }
	office := warnCtx(f, "office")
	units := []string{"townA", "townB", "dept"}
	for i := range 60 {
		u := f.units[units[i%len(units)]]
		loc := u.ID
		if u == f.units["dept"] {
			loc = f.units["townA"].ID
		}
		p := &ding.Project{Code: fmt.Sprintf("2301-330803-04-01-%06d", i+1), Name: fmt.Sprintf("基准项目%d", i+1), UnitID: u.ID, LocationID: loc,
			LeaderID: f.users["leader"].ID, Investor: "private", Industry: "C", TotalInvestment: int64(i+1) * ding.Yi, Manufacturing: i%2 == 0,
			Stage: ding.StageSigned, SignedOn: ding.Date{Year: 2024, Month: 1, Day: 10}, StageOn: ding.Date{Year: 2024, Month: 1, Day: 10}}
		if err := f.db.CreateProject(office, p); err != nil {
			b.Fatal(err)
		}
		plan := &ding.AnnualPlan{ProjectID: p.ID, Year: 2024, Total: 1200 * 10_000}
		for m := range plan.Months {
			plan.Months[m] = 100 * 10_000
		}
		if err := f.db.SavePlan(office, plan); err != nil {
			b.Fatal(err)
		}
	}
}

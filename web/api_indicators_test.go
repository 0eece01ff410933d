package web

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"ding"
)

// indAPIError is the answer of a refused request, with the entries of a refused batch.
type indAPIError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field"`
	} `json:"error"`
	Errors []struct {
		Index   int    `json:"index"`
		Field   string `json:"field"`
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"errors"`
}

func indDecode(t *testing.T, body string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("bad JSON %v: %.500s", err, body)
	}
}

// TestAPIIndicators: listing, defining and editing indicators, with the refusals.
func TestAPIIndicators(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		ind := indSetup(t, f)
		status, body := f.api("viewer", "GET", "/api/v1/indicators", "")
		var list struct {
			Items []struct {
				ID       int64  `json:"id"`
				Code     string `json:"code"`
				Measure  string `json:"measure"`
				Scale    int64  `json:"scale"`
				Decimals int    `json:"decimals"`
				Source   string `json:"source_name"`
				Version  int    `json:"version"`
			} `json:"items"`
			Total int `json:"total"`
		}
		indDecode(t, body, &list)
		if status != 200 || list.Total != 1 || list.Items[0].Code != "gdp" || list.Items[0].Scale != ding.Yi || list.Items[0].Decimals != 2 ||
			list.Items[0].Source != "单位填报" {
			t.Fatalf("list: %d %s", status, body)
		}
		if status, body = f.api("viewer", "GET", "/api/v1/indicators/"+itoa(ind.ID), ""); status != 200 || !strings.Contains(body, `"name":"地区生产总值"`) {
			t.Fatalf("get: %d %s", status, body)
		}
		good := `{"code": "port", "name": "港口吞吐量", "measure": "万吨", "accumulation": "cumulative", "higher_better": true, "rank_by": "value"}`
		for name, tc := range map[string]struct {
			user, method, path, body string
			status                   int
			code, field              string
		}{
			"anonymous":      {"", "POST", "/api/v1/indicators", good, 401, "unauthorized", ""},
			"liaison":        {"liaisonA", "POST", "/api/v1/indicators", good, 403, "forbidden", ""},
			"viewer":         {"viewer", "POST", "/api/v1/indicators", good, 403, "forbidden", ""},
			"bad json":       {"office", "POST", "/api/v1/indicators", `{"code": "port",`, 422, "invalid", ""},
			"unknown field":  {"office", "POST", "/api/v1/indicators", `{"code": "port", "colour": "red"}`, 422, "invalid", "colour"},
			"bad code":       {"office", "POST", "/api/v1/indicators", `{"code": "港口", "name": "港口吞吐量", "measure": "万吨"}`, 422, "invalid", "code"},
			"bad measure":    {"office", "POST", "/api/v1/indicators", `{"code": "port", "name": "港口吞吐量", "measure": "斤"}`, 422, "invalid", "measure"},
			"taken":          {"office", "POST", "/api/v1/indicators", `{"code": "GDP", "name": "重复", "measure": "亿元"}`, 422, "invalid", "code"},
			"no version":     {"office", "PUT", "/api/v1/indicators/" + itoa(ind.ID), `{"code": "gdp", "name": "GDP", "measure": "亿元"}`, 422, "invalid", "version"},
			"stale":          {"office", "PUT", "/api/v1/indicators/" + itoa(ind.ID), `{"code": "gdp", "name": "GDP", "measure": "亿元", "version": 7}`, 409, "conflict", ""},
			"unknown":        {"office", "GET", "/api/v1/indicators/9999", "", 404, "not_found", ""},
			"liaison update": {"liaisonA", "PUT", "/api/v1/indicators/" + itoa(ind.ID), `{"code": "gdp", "name": "GDP", "measure": "亿元", "version": 1}`, 403, "forbidden", ""},
		} {
			status, body := f.api(tc.user, tc.method, tc.path, tc.body)
			var e indAPIError
			indDecode(t, body, &e)
			if status != tc.status || e.Error.Code != tc.code || e.Error.Field != tc.field || e.Error.Message == "" {
				t.Errorf("%s: %d %s", name, status, body)
			}
		}
		status, body = f.api("office", "POST", "/api/v1/indicators", good)
		if status != 201 || !strings.Contains(body, `"code":"port"`) || !strings.Contains(body, `"scale":10000`) || !strings.Contains(body, `"version":1`) {
			t.Fatalf("create: %d %s", status, body)
		}
		status, body = f.api("office", "PUT", "/api/v1/indicators/"+itoa(ind.ID),
			`{"code": "gdp", "name": "GDP", "measure": "亿元", "accumulation": "cumulative", "higher_better": true, "rank_by": "completion", "version": 1}`)
		if status != 200 || !strings.Contains(body, `"name":"GDP"`) || !strings.Contains(body, `"version":2`) || !strings.Contains(body, `"rank_by_name":"完成率"`) {
			t.Fatalf("update: %d %s", status, body)
		}
		// The measure cannot change once there are values.
		status, body = f.api("office", "PUT", "/api/v1/indicators/"+itoa(ind.ID), `{"code": "gdp", "name": "GDP", "measure": "万元", "version": 2}`)
		if status != 422 || !strings.Contains(body, `"field":"measure"`) || !strings.Contains(body, "不能再更改计量单位") {
			t.Fatalf("measure change: %d %s", status, body)
		}
	})
}

// TestAPIIndicatorFigures: figures, targets, actuals, revisions and a unit's figures, cut
// to the caller's scope.
func TestAPIIndicatorFigures(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		ind := indSetup(t, f)
		a, b := f.units["townA"].ID, f.units["townB"].ID
		path := "/api/v1/indicators/" + itoa(ind.ID) + "/figures"
		var figs struct {
			Indicator struct{ Code string } `json:"indicator"`
			Year      int                   `json:"year"`
			Month     int                   `json:"month"`
			Schedule  *float64              `json:"schedule"`
			Items     []struct {
				UnitID     int64    `json:"unit_id"`
				Actual     int64    `json:"actual"`
				Target     int64    `json:"target"`
				Completion *float64 `json:"completion"`
				Gap        *float64 `json:"schedule_gap"`
				Growth     *float64 `json:"growth"`
				Rank       int      `json:"rank"`
				PrevRank   int      `json:"prev_rank"`
				Peers      int      `json:"peers"`
				RankChange int      `json:"rank_change"`
			} `json:"items"`
		}
		status, body := f.api("office", "GET", path, "") // the current month: 2024-06
		indDecode(t, body, &figs)
		if status != 200 || figs.Year != 2024 || figs.Month != 6 || figs.Schedule == nil || *figs.Schedule != 0.5 || len(figs.Items) != 2 {
			t.Fatalf("figures: %d %s", status, body)
		}
		fa, fb := figs.Items[0], figs.Items[1]
		if fa.UnitID != a || fa.Actual != 60*ding.Yi || *fa.Completion != 0.6 || *fa.Gap != 0.1 || *fa.Growth != 0.2 || fa.Rank != 2 || fa.PrevRank != 1 ||
			fa.RankChange != -1 || fa.Peers != 2 {
			t.Errorf("A: %+v", fa)
		}
		if fb.UnitID != b || *fb.Completion != 0.625 || fb.Rank != 1 || fb.RankChange != 1 {
			t.Errorf("B: %+v", fb)
		}
		status, body = f.api("liaisonA", "GET", path+"?year=2024&month=6", "")
		figs.Items = nil
		indDecode(t, body, &figs)
		if status != 200 || len(figs.Items) != 1 || figs.Items[0].UnitID != a || figs.Items[0].Rank != 2 {
			t.Errorf("liaison's figures: %d %s", status, body)
		}
		// 2022 has no figures: an empty list, not null.
		if status, body = f.api("office", "GET", path+"?year=2022&month=4", ""); status != 200 || !strings.Contains(body, `"items":[]`) {
			t.Errorf("2022: %d %s", status, body)
		}
		for name, tc := range map[string]struct {
			user, path  string
			status      int
			field, code string
		}{
			"bad month":       {"office", path + "?month=13", 422, "month", "invalid"},
			"bad year":        {"office", path + "?year=24", 422, "year", "invalid"},
			"bad parent":      {"office", path + "?parent=x", 422, "parent", "invalid"},
			"parent of scope": {"liaisonA", path + "?parent=" + itoa(f.units["district"].ID), 404, "", "not_found"},
			"no indicator":    {"office", "/api/v1/indicators/9999/figures", 404, "", "not_found"},
			"anonymous":       {"", path, 401, "", "unauthorized"},
			"targets of B":    {"liaisonA", "/api/v1/targets?unit=" + itoa(b), 404, "", "not_found"},
			"actuals month":   {"office", "/api/v1/actuals?month=0", 422, "month", "invalid"},
			"revisions of B":  {"liaisonA", "/api/v1/indicators/" + itoa(ind.ID) + "/revisions?unit=" + itoa(b), 404, "", "not_found"},
			"unit figures B":  {"liaisonA", "/api/v1/units/" + itoa(b) + "/figures", 404, "", "not_found"},
		} {
			status, body := f.api(tc.user, "GET", tc.path, "")
			var e indAPIError
			indDecode(t, body, &e)
			if status != tc.status || e.Error.Field != tc.field || e.Error.Code != tc.code {
				t.Errorf("%s: %d %s", name, status, body)
			}
		}
		// Targets and actuals in scope.
		status, body = f.api("liaisonA", "GET", "/api/v1/targets?indicator="+itoa(ind.ID)+"&year=2024", "")
		if status != 200 || !strings.Contains(body, `"total":1`) || !strings.Contains(body, `"value":10000000000`) || !strings.Contains(body, `"unit_name":"樟潭街道"`) {
			t.Errorf("liaison's targets: %d %s", status, body)
		}
		status, body = f.api("office", "GET", "/api/v1/actuals?indicator="+itoa(ind.ID)+"&year=2024&month=6", "")
		if status != 200 || !strings.Contains(body, `"total":2`) {
			t.Errorf("office's June actuals: %d %s", status, body)
		}
		status, body = f.api("office", "GET", "/api/v1/actuals?indicator="+itoa(ind.ID)+"&unit="+itoa(b)+"&limit=1", "")
		if status != 200 || !strings.Contains(body, `"total":4`) || strings.Count(body, `"unit_id"`) != 1 {
			t.Errorf("B's actuals, paged: %d %s", status, body)
		}
		status, body = f.api("liaisonA", "GET", "/api/v1/indicators/"+itoa(ind.ID)+"/revisions?year=2024", "")
		if status != 200 || !strings.Contains(body, `"total":3`) || strings.Contains(body, "廿里镇") || !strings.Contains(body, `"source":"form"`) {
			t.Errorf("liaison's revisions: %d %s", status, body)
		}
		status, body = f.api("liaisonA", "GET", "/api/v1/units/"+itoa(a)+"/figures?year=2024&month=6", "")
		if status != 200 || !strings.Contains(body, `"code":"gdp"`) || !strings.Contains(body, `"rank":2`) || !strings.Contains(body, `"rank_change":-1`) {
			t.Errorf("unit figures: %d %s", status, body)
		}
	})
}

// TestAPIIndicatorValues: PUT /values writes all or nothing, answers the refused entries by
// position with their field, previews without writing, and skips unchanged values.
func TestAPIIndicatorValues(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		ind := indSetup(t, f)
		a, b := f.units["townA"].ID, f.units["townB"].ID
		entry := func(unit int64, year, month int, value string) string {
			return fmt.Sprintf(`{"indicator_id": %d, "unit_id": %d, "year": %d, "month": %d, "value": %s, "note": "快报"}`, ind.ID, unit, year, month, value)
		}
		batch := func(preview bool, es ...string) string {
			return fmt.Sprintf(`{"values": [%s], "preview": %v}`, strings.Join(es, ", "), preview)
		}
		apiTokens(f)
		audits := f.auditCount()
		// Refusals, each at its entry; the good first entry is not written either.
		status, body := f.api("liaisonA", "PUT", "/api/v1/values", batch(false,
			entry(a, 2024, 6, "6100000000"), // fine
			entry(b, 2024, 6, "1"),          // not A's
			entry(a, 2024, 7, "1"),          // the future
			entry(a, 2024, 0, "1"),          // a target
			entry(a, 2024, 5, "1.5"),        // not an integer
			fmt.Sprintf(`{"indicator_id": %d, "unit_id": %d, "year": 2024, "month": 4}`, ind.ID, a), // no value
		))
		var e indAPIError
		indDecode(t, body, &e)
		if status != 422 || e.Error.Code != "invalid" || e.Error.Field != "values" || !strings.Contains(e.Error.Message, "5 个数据有误") || len(e.Errors) != 5 {
			t.Fatalf("refused batch: %d %s", status, body)
		}
		want := []string{"1 unit 该单位不在您的数据范围内", "2 month 2024-07 尚未到来", "3 month 年度目标只能由项目办设定", "4 value value 须为", "5 value 缺少 value"}
		for i, w := range want {
			got := fmt.Sprintf("%d %s %s", e.Errors[i].Index, e.Errors[i].Field, e.Errors[i].Message)
			if !strings.HasPrefix(got, w) {
				t.Errorf("error %d: %q, want %q…", i, got, w)
			}
		}
		if v, _ := indValueOf(t, f, ind.ID, "townA", 2024, 6); v != 60*ding.Yi || f.auditCount() != audits {
			t.Fatalf("a refused batch wrote")
		}
		// Preview: counted, not written.
		status, body = f.api("office", "PUT", "/api/v1/values", batch(true, entry(a, 2024, 6, "6100000000"), entry(b, 2024, 6, "null"), entry(a, 2024, 5, "5000000000")))
		if status != 200 || !strings.Contains(body, `"changed":2`) || !strings.Contains(body, `"preview":true`) {
			t.Fatalf("preview: %d %s", status, body)
		}
		if v, _ := indValueOf(t, f, ind.ID, "townA", 2024, 6); v != 60*ding.Yi {
			t.Fatalf("a preview wrote")
		}
		// Write: A's June revised, B's June cleared (null), A's May unchanged.
		status, body = f.api("office", "PUT", "/api/v1/values", batch(false, entry(a, 2024, 6, "6100000000"), entry(b, 2024, 6, "null"), entry(a, 2024, 5, "5000000000")))
		if status != 200 || !strings.Contains(body, `"changed":2`) {
			t.Fatalf("write: %d %s", status, body)
		}
		if v, _ := indValueOf(t, f, ind.ID, "townA", 2024, 6); v != 61*ding.Yi {
			t.Errorf("A June %d", v)
		}
		if _, ok := indValueOf(t, f, ind.ID, "townB", 2024, 6); ok {
			t.Errorf("B June not cleared")
		}
		rs, _ := f.db.FindRevisions(f.sysCtx(), ind.ID, a, 2024)
		if len(rs) == 0 || rs[0].Source != "api" || rs[0].Note != "快报" {
			t.Errorf("revision %+v", rs[0])
		}
		// The same batch again changes nothing.
		status, body = f.api("office", "PUT", "/api/v1/values", batch(false, entry(a, 2024, 6, "6100000000"), entry(b, 2024, 6, "null")))
		if status != 200 || !strings.Contains(body, `"changed":0`) {
			t.Errorf("again: %d %s", status, body)
		}
		for name, tc := range map[string]struct {
			user, body string
			status     int
			code       string
		}{
			"anonymous": {"", batch(false, entry(a, 2024, 6, "1")), 401, "unauthorized"},
			"viewer":    {"viewer", batch(false, entry(a, 2024, 6, "1")), 403, "forbidden"},
			"leader":    {"leader", batch(false, entry(a, 2024, 6, "1")), 403, "forbidden"},
			"bad json":  {"office", `{"values": [`, 422, "invalid"},
			"empty":     {"office", `{"values": []}`, 422, "invalid"},
			"unknown":   {"office", `{"values": [], "commit": true}`, 422, "invalid"},
		} {
			status, body := f.api(tc.user, "PUT", "/api/v1/values", tc.body)
			var e indAPIError
			indDecode(t, body, &e)
			if status != tc.status || e.Error.Code != tc.code {
				t.Errorf("%s: %d %s", name, status, body)
			}
		}
		// A cookie caller needs the CSRF token.
		c := f.login("office")
		res := c.do("PUT", "/api/v1/values", "application/json", strings.NewReader(batch(false, entry(a, 2024, 6, "1"))))
		res.Body.Close()
		if res.StatusCode != 403 {
			t.Errorf("PUT without a CSRF token: %d", res.StatusCode)
		}
		// Refresh: the office only.
		if status, body := f.api("liaisonA", "POST", "/api/v1/indicators/refresh?year=2024&month=6", ""); status != 403 {
			t.Errorf("liaison refresh: %d %s", status, body)
		}
		if status, body := f.api("office", "POST", "/api/v1/indicators/refresh?year=2024&month=6", ""); status != 200 || !strings.Contains(body, `"changed":0`) {
			t.Errorf("refresh: %d %s", status, body)
		}
		if status, body := f.api("office", "POST", "/api/v1/indicators/refresh?month=13", ""); status != 422 || !strings.Contains(body, `"field":"month"`) {
			t.Errorf("refresh month 13: %d %s", status, body)
		}
	})
}

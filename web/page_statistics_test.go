package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestStatisticsPage: the page shows the store's cumulative figures; a liaison sees its
// own subtree only; an empty year renders without NaN and says so; English has no key.
func TestStatisticsPage(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		warnYellow(t, f) // town A: reports of 100万 in Feb–Apr 2024, plan 1,200万
		office := warnCtx(f, "office")
		ys, err := f.db.YearStatistics(office, 0, 2024)
		if err != nil {
			t.Fatal(err)
		}
		cum := ys.ToMonth(ys.Months, 4).Completed
		if cum != 300*10_000 || ys.Plan != 1200*10_000 {
			t.Fatalf("fixture: cumulative %d plan %d", cum, ys.Plan)
		}
		c := f.login("office")
		res, body := c.getRes("/statistics?year=2024")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("statistics: %d", res.StatusCode)
		}
		want := regexp.MustCompile(`id="stat-investment-4-cum">` + regexp.QuoteMeta(yiText(cum)) + `<`)
		if !want.MatchString(body) {
			t.Fatalf("April's cumulative %s not shown", yiText(cum))
		}
		for _, w := range []string{"衢江区", `id="nav-statistics"`, "<svg", `id="stat-categories-manufacturing-this">` + yiText(cum) + "<",
			`id="stat-projects-this-4">1<`, "table=all", "table=investment", "时序进度", `id="stat-investment-5-cum">—<`} {
			if !strings.Contains(body, w) {
				t.Fatalf("statistics lacks %q", w)
			}
		}
		if strings.Contains(body, "NaN") || strings.Contains(body, "Inf") {
			t.Fatal("NaN on the statistics page")
		}
		// A liaison sees its own unit, not the district.
		a := f.login("liaisonA")
		if res, body := a.getRes("/statistics?year=2024"); res.StatusCode != http.StatusOK || !strings.Contains(body, "樟潭街道") ||
			!strings.Contains(body, `id="stat-investment-4-cum">`+yiText(cum)+"<") {
			t.Fatalf("liaison's statistics: %d", res.StatusCode)
		}
		district := strconv.FormatInt(f.units["district"].ID, 10)
		for _, p := range []string{"/statistics?unit=" + district, "/statistics/export.xlsx?table=all&unit=" + district} {
			if res, _ := a.getRes(p); res.StatusCode != http.StatusNotFound {
				t.Fatalf("liaison asks for %s: %d", p, res.StatusCode)
			}
		}
		// An empty year, and a unit without data.
		for _, p := range []string{"/statistics?year=2030", "/statistics?year=2024&unit=" + strconv.FormatInt(f.units["townB"].ID, 10)} {
			res, body := c.getRes(p)
			if res.StatusCode != http.StatusOK || strings.Contains(body, "NaN") || !strings.Contains(body, `id="stat-empty"`) {
				t.Fatalf("%s: %d", p, res.StatusCode)
			}
		}
		if res, _ := c.getRes("/statistics?year=abc"); res.StatusCode != http.StatusUnprocessableEntity && res.StatusCode != http.StatusBadRequest {
			t.Fatalf("year abc: %d", res.StatusCode)
		}
		if res, body := c.getRes("/statistics?year=2024&lang=en"); res.StatusCode != http.StatusOK || strings.Contains(body, "statui.") {
			t.Fatalf("english: %d", res.StatusCode)
		}
	})
}

// TestStatisticsExport: the workbook has a sheet per table (or the one asked for) with
// the page's figures as numbers.
func TestStatisticsExport(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		warnYellow(t, f)
		c := f.login("office")
		open := func(path string) *excelize.File {
			t.Helper()
			res, body := c.getRes(path)
			if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheetml") {
				t.Fatalf("%s: %d %.200s", path, res.StatusCode, body)
			}
			x, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { x.Close() })
			return x
		}
		x := open("/statistics/export.xlsx?year=2024&table=all")
		names := x.GetSheetList()
		if strings.Join(names, ",") != "固定资产投资,分类投资,签约开工入统,主要经济指标" {
			t.Fatalf("sheets: %q", names)
		}
		// Row 4 is January: April's cumulative is C7, in 亿元.
		if v, _ := x.GetCellValue("固定资产投资", "C7", excelize.Options{RawCellValue: true}); v != "0.03" {
			t.Fatalf("April's cumulative: %q", v)
		}
		if v, _ := x.GetCellValue("固定资产投资", "C8"); v != "—" {
			t.Fatalf("May's cumulative: %q", v)
		}
		if v, _ := x.GetCellValue("固定资产投资", "A1"); !strings.Contains(v, "衢江区") {
			t.Fatalf("title: %q", v)
		}
		x = open("/statistics/export.xlsx?year=2024&table=projects")
		if names := x.GetSheetList(); len(names) != 1 || names[0] != "签约开工入统" {
			t.Fatalf("one table: %q", names)
		}
		if v, _ := x.GetCellValue("签约开工入统", "E4"); v != "0" { // no start in January
			t.Fatalf("January's starts: %q", v)
		}
		if v, _ := x.GetCellValue("签约开工入统", "E5"); v != "1" { // started in February
			t.Fatalf("February's starts: %q", v)
		}
		open("/statistics/export.xlsx?year=2030&table=investment")
		if res, _ := c.getRes("/statistics/export.xlsx?table=nope"); res.StatusCode != http.StatusUnprocessableEntity && res.StatusCode != http.StatusBadRequest {
			t.Fatalf("unknown table: %d", res.StatusCode)
		}
	})
}

// TestStatisticsAPI: the API answers the store's YearStats, within the caller's scope.
func TestStatisticsAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		warnYellow(t, f)
		code, js := f.api("office", "GET", "/api/v1/statistics?year=2024", "")
		if code != http.StatusOK {
			t.Fatalf("api: %d %s", code, js)
		}
		var d struct {
			UnitName string `json:"unit_name"`
			Year     int
			Plan     int64
			Months   []struct {
				Completed     int64
				Manufacturing int64
				Started       int64
			}
			Last []json.RawMessage
		}
		if err := json.Unmarshal([]byte(js), &d); err != nil {
			t.Fatal(err)
		}
		if d.UnitName != "衢江区" || d.Year != 2024 || d.Plan != 1200*10_000 || len(d.Months) != 12 || len(d.Last) != 12 ||
			d.Months[3].Completed != 100*10_000 || d.Months[3].Manufacturing != 100*10_000 || d.Months[1].Started != 1 || d.Months[0].Completed != 0 {
			t.Fatalf("api statistics: %s", js)
		}
		if code, _ := f.api("liaisonB", "GET", "/api/v1/statistics?unit="+strconv.FormatInt(f.units["townA"].ID, 10), ""); code != http.StatusNotFound {
			t.Fatalf("out of scope: %d", code)
		}
		if code, _ := f.api("office", "GET", "/api/v1/statistics?year=1900", ""); code != http.StatusUnprocessableEntity && code != http.StatusBadRequest {
			t.Fatalf("year 1900: %d", code)
		}
	})
}

// TestStatisticsIndicators: the unit's indicators at the latest month with data, on the
// page and in their sheet.
func TestStatisticsIndicators(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		warnYellow(t, f)
		indSetup(t, f) // 樟潭街道 June 2024: 60 of 100亿 (60.0%), +20.0% on last June
		c := f.login("office")
		townA := strconv.FormatInt(f.units["townA"].ID, 10)
		res, body := c.getRes("/statistics?year=2024&unit=" + townA)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("statistics: %d", res.StatusCode)
		}
		for _, w := range []string{`id="stat-table-indicators"`, "地区生产总值", "60.00", "100.00", "60.0%", "20.0%", "2024年6月数据"} {
			if !strings.Contains(body, w) {
				t.Fatalf("indicators lack %q", w)
			}
		}
		res, xb := c.getRes("/statistics/export.xlsx?year=2024&table=indicators&unit=" + townA)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("export: %d", res.StatusCode)
		}
		x, err := excelize.OpenReader(strings.NewReader(xb))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		if v, _ := x.GetCellValue("主要经济指标", "A4"); v != "地区生产总值" {
			t.Fatalf("indicator: %q", v)
		}
		if v, _ := x.GetCellValue("主要经济指标", "E4"); v != "60.0%" {
			t.Fatalf("completion: %q", v)
		}
	})
}

package web

import (
	"bytes"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"ding"
	"ding/store"
)

// The indicator tests run on 2024-06-20 (warnNow) with 地区生产总值 (亿元, cumulative,
// ranked by growth) for the two towns:
//
//	        target  2023-05  2024-05  2023-06  2024-06
//	樟潭街道  100亿     40       50       50       60     June: 60.0%, +10.0 pp, +20.0%, 2nd (May 1st: ↓1)
//	廿里镇    80亿     40       44       40       50     June: 62.5%, +12.5 pp, +25.0%, 1st (May 2nd: ↑1)

func indI64(v int64) *int64 { return &v }

// indSetup defines the GDP indicator and its values, written by the office.
func indSetup(t *testing.T, f *fixture) *ding.Indicator {
	t.Helper()
	f.db.Now = func() time.Time { return warnNow }
	office := warnCtx(f, "office")
	ind := &ding.Indicator{Code: "gdp", Name: "地区生产总值", Measure: "亿元", HigherBetter: true}
	if err := f.db.CreateIndicator(office, ind); err != nil {
		t.Fatal(err)
	}
	a, b, yi := f.units["townA"].ID, f.units["townB"].ID, ding.Yi
	w := func(unit int64, year, month int, v int64) store.ValueWrite {
		return store.ValueWrite{IndicatorID: ind.ID, UnitID: unit, Year: year, Month: month, Value: indI64(v * yi)}
	}
	_, errs, err := f.db.SetValues(office, []store.ValueWrite{
		w(a, 2024, 0, 100), w(b, 2024, 0, 80),
		w(a, 2023, 5, 40), w(b, 2023, 5, 40), w(a, 2024, 5, 50), w(b, 2024, 5, 44),
		w(a, 2023, 6, 50), w(b, 2023, 6, 40), w(a, 2024, 6, 60), w(b, 2024, 6, 50),
	}, "form", true)
	if err != nil || len(errs) > 0 {
		t.Fatalf("values: %v %+v", err, errs)
	}
	return ind
}

// indValueOf reads a stored value as the system: month 0 is the target; ok false when none.
func indValueOf(t *testing.T, f *fixture, ind int64, unit string, year, month int) (int64, bool) {
	t.Helper()
	ctx := f.sysCtx()
	if month == 0 {
		ts, err := f.db.FindTargets(ctx, store.ValueFilter{IndicatorID: ind, Year: year, UnitID: f.units[unit].ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range ts {
			if x.UnitID == f.units[unit].ID {
				return x.Value, true
			}
		}
		return 0, false
	}
	as, err := f.db.FindActuals(ctx, store.ValueFilter{IndicatorID: ind, Year: year, Month: month, UnitID: f.units[unit].ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range as {
		if x.UnitID == f.units[unit].ID {
			return x.Value, true
		}
	}
	return 0, false
}

// indRowOf cuts a table row (<tr id="…">…</tr>) out of a page.
func indRowOf(t *testing.T, body, id string) string {
	t.Helper()
	i := strings.Index(body, `<tr id="`+id+`"`)
	if i < 0 {
		return ""
	}
	j := strings.Index(body[i:], "</tr>")
	return body[i : i+j]
}

// TestIndicatorFiguresPage: the month's figures with completion, 时序进度, the gap, growth,
// rank and its change; 时间过半、任务过半 in June; the default month; sorting; a liaison
// sees only its own row, with its rank among all peers.
func TestIndicatorFiguresPage(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		ind := indSetup(t, f)
		a, b := itoa(f.units["townA"].ID), itoa(f.units["townB"].ID)
		path := "/indicators/" + itoa(ind.ID)
		oc := f.login("office")
		list := html.UnescapeString(oc.get("/indicators"))
		for _, want := range []string{`id="ind-new"`, `id="ind-edit-` + itoa(ind.ID) + `"`, "地区生产总值", ">gdp<", "亿元", "累计值", "单位填报", "增幅", `id="nav-indicators"`} {
			if !strings.Contains(list, want) {
				t.Errorf("list lacks %q", want)
			}
		}
		// No year or month: the current month (2024-06).
		res, body := oc.getRes(path)
		body = html.UnescapeString(body)
		if res.StatusCode != 200 {
			t.Fatalf("figures: %d %.500s", res.StatusCode, body)
		}
		for _, want := range []string{"2024年1—6月累计", "时序进度 50.0%", "实绩（亿元）", "时间过半、任务过半：2 个单位完成率达到 50%"} {
			if !strings.Contains(body, want) {
				t.Errorf("figures page lacks %q", want)
			}
		}
		ra, rb := indRowOf(t, body, "fig-"+a), indRowOf(t, body, "fig-"+b)
		for _, want := range []string{"樟潭街道", ">60.00<", ">100.00<", "60.0%", "超 +10.0", ">50.00<", "20.0%", ">2/2<", "↓1", "过半"} {
			if !strings.Contains(ra, want) {
				t.Errorf("town A's row lacks %q: %s", want, ra)
			}
		}
		for _, want := range []string{"廿里镇", ">50.00<", ">80.00<", "62.5%", "超 +12.5", ">40.00<", "25.0%", ">1/2<", "↑1"} {
			if !strings.Contains(rb, want) {
				t.Errorf("town B's row lacks %q: %s", want, rb)
			}
		}
		if strings.Index(body, `id="fig-`+a+`"`) > strings.Index(body, `id="fig-`+b+`"`) {
			t.Errorf("default order is not the org tree's")
		}
		// Sorted by growth, largest first: B before A; by rank: B first too.
		for _, q := range []string{"?year=2024&month=6&sort=growth&desc=1", "?year=2024&month=6&sort=rank", "?year=2024&month=6&sort=unit&desc=1"} {
			body = oc.get(path + q)
			if strings.Index(body, `id="fig-`+b+`"`) > strings.Index(body, `id="fig-`+a+`"`) || !strings.Contains(body, `class="num sortable sorted"`) && !strings.Contains(body, `class="sortable sorted"`) {
				t.Errorf("%s: B is not first or no sorted header", q)
			}
		}
		// May: no 过半 banner, no previous month ranks for the change (April is empty).
		body = html.UnescapeString(oc.get(path + "?year=2024&month=5"))
		if strings.Contains(body, `id="ind-half"`) || !strings.Contains(indRowOf(t, body, "fig-"+a), ">1/2<") || !strings.Contains(body, "时序进度 41.7%") {
			t.Errorf("May: %.3000s", body)
		}
		// The peer group filter offers the district; a group without figures is empty.
		body = html.UnescapeString(oc.get(path + "?year=2024&month=6"))
		if !strings.Contains(body, `<option value="`+itoa(f.units["district"].ID)+`">衢江区下级单位</option>`) {
			t.Errorf("no peer group choice: %.3000s", body)
		}
		body = oc.get(path + "?year=2024&month=6&parent=" + itoa(f.units["townA"].ID))
		if strings.Contains(body, `id="fig-`) || !strings.Contains(body, `id="ind-empty"`) {
			t.Errorf("a group without figures shows rows")
		}
		// Town A's liaison: only its row, still 2nd of 2; no new-indicator button.
		lc := f.login("liaisonA")
		body = html.UnescapeString(lc.get(path + "?year=2024&month=6"))
		if !strings.Contains(body, `id="fig-`+a+`"`) || strings.Contains(body, `id="fig-`+b+`"`) || strings.Contains(body, "廿里镇") ||
			!strings.Contains(indRowOf(t, body, "fig-"+a), ">2/2<") {
			t.Errorf("liaison's figures: %.3000s", body)
		}
		if strings.Contains(lc.get("/indicators"), `id="ind-new"`) {
			t.Errorf("a liaison is offered a new indicator")
		}
		// An unknown indicator is 404.
		if res, _ := oc.getRes("/indicators/9999"); res.StatusCode != 404 {
			t.Errorf("unknown indicator: %d", res.StatusCode)
		}
		// One unit's figures on every indicator, linked from the unit's page.
		if !strings.Contains(oc.get("/units/"+a), `href="/units/`+a+`/indicators" id="unit-indicators"`) {
			t.Errorf("the unit page does not link its indicators")
		}
		body = html.UnescapeString(oc.get("/units/" + a + "/indicators?year=2024&month=6"))
		if r := indRowOf(t, body, "uf-"+itoa(ind.ID)); !strings.Contains(r, "地区生产总值") || !strings.Contains(r, "60.0%") || !strings.Contains(r, ">2/2<") {
			t.Errorf("unit figures: %.3000s", body)
		}
		if res, _ := lc.getRes("/units/" + b + "/indicators"); res.StatusCode != 404 {
			t.Errorf("liaison A reads town B's figures: %d", res.StatusCode)
		}
	})
}

// TestIndicatorExport: the export is the filtered, sorted table with numbers as numbers.
func TestIndicatorExport(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		ind := indSetup(t, f)
		oc := f.login("office")
		res := oc.do("GET", "/indicators/"+itoa(ind.ID)+"/export.xlsx?year=2024&month=6&sort=growth&desc=1", "", nil)
		var buf bytes.Buffer
		buf.ReadFrom(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Disposition"), "indicator-gdp-2024-06.xlsx") {
			t.Fatalf("export: %d %s", res.StatusCode, res.Header.Get("Content-Disposition"))
		}
		x, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		sheet := x.GetSheetName(0)
		if sheet != "完成情况" {
			t.Fatalf("sheet %q", sheet)
		}
		rows, err := x.GetRows(sheet)
		if err != nil || len(rows) != 5 {
			t.Fatalf("rows %v %v", rows, err)
		}
		if !strings.Contains(rows[0][0], "地区生产总值完成情况（2024年1—6月累计）") {
			t.Errorf("title %q", rows[0][0])
		}
		want := []string{"序号", "单位", "实绩（亿元）", "年度目标（亿元）", "完成率", "时序进度", "与时序进度比（百分点）", "去年同期（亿元）", "同比增长", "排名", "参与排名单位数", "较上月"}
		if strings.Join(rows[2], "|") != strings.Join(want, "|") {
			t.Errorf("headers %q", rows[2])
		}
		// B first (growth +25%): shown as Excel shows them, and stored as numbers.
		if got := strings.Join(rows[3], "|"); got != "1|廿里镇|50.00|80.00|62.5%|50.0%|+12.5|40.00|25.0%|1|2|↑1" {
			t.Errorf("first row %q", got)
		}
		if got := strings.Join(rows[4], "|"); got != "2|樟潭街道|60.00|100.00|60.0%|50.0%|+10.0|50.00|20.0%|2|2|↓1" {
			t.Errorf("second row %q", got)
		}
		for cell, want := range map[string]string{"C4": "50", "E4": "0.625", "G4": "12.5", "I5": "0.2", "J5": "2", "L5": "-1"} {
			v, err := x.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
			if err != nil || v != want {
				t.Errorf("%s raw %q, want %q (%v)", cell, v, want, err)
			}
			if typ, _ := x.GetCellType(sheet, cell); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
				t.Errorf("%s is not a number: %v", cell, typ)
			}
		}
		// The liaison's export has only its row.
		lc := f.login("liaisonA")
		res = lc.do("GET", "/indicators/"+itoa(ind.ID)+"/export.xlsx?year=2024&month=6", "", nil)
		buf.Reset()
		buf.ReadFrom(res.Body)
		res.Body.Close()
		x2, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		defer x2.Close()
		rows, _ = x2.GetRows(x2.GetSheetName(0))
		if len(rows) != 4 || rows[3][1] != "樟潭街道" {
			t.Errorf("liaison's export %q", rows)
		}
	})
}

// TestIndicatorForm: the office defines and edits an indicator with Chinese errors next to
// the fields and the optimistic version; others may not.
func TestIndicatorForm(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		oc := f.login("office")
		body := oc.get("/indicators/new")
		for _, want := range []string{`name="code"`, `<option value="亿元" selected>`, `data-sources="computed"`, `<option value="fai">固定资产投资完成额（亿元）</option>`,
			`name="higher_better" value="1" id="if-higher-better" checked`, "indicators.js"} {
			if !strings.Contains(body, want) {
				t.Errorf("new form lacks %q", want)
			}
		}
		form := url.Values{"code": {"GDP 1"}, "name": {""}, "measure": {"亿元"}, "accumulation": {"cumulative"}, "source": {"entered"},
			"rank_by": {"growth"}, "higher_better": {"1"}, "sort_order": {"1"}}
		res, body := oc.submit("/indicators", form)
		body = html.UnescapeString(body)
		if res.StatusCode != 422 || !strings.Contains(body, `id="if-code-error">指标代码须为 1–40 个小写字母`) || !strings.Contains(body, `value="GDP 1"`) {
			t.Fatalf("bad code: %d %.3000s", res.StatusCode, body)
		}
		form.Set("code", "gdp")
		res, body = oc.submit("/indicators", form)
		if res.StatusCode != 422 || !strings.Contains(body, `id="if-name-error">`) {
			t.Fatalf("no name: %d %.3000s", res.StatusCode, body)
		}
		form.Set("name", "地区生产总值")
		form.Set("sort_order", "x")
		if res, body = oc.submit("/indicators", form); res.StatusCode != 422 || !strings.Contains(body, `id="if-sort-order-error">排序须为整数`) {
			t.Fatalf("bad sort order: %d %.3000s", res.StatusCode, body)
		}
		form.Set("sort_order", "1")
		form.Set("source", "computed")
		if res, body = oc.submit("/indicators", form); res.StatusCode != 422 || !strings.Contains(body, `id="if-compute-error">请选择由系统计算的指标项`) {
			t.Fatalf("computed without key: %d %.3000s", res.StatusCode, body)
		}
		form.Set("source", "entered")
		res, _ = oc.submit("/indicators", form)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d", res.StatusCode)
		}
		inds, _ := f.db.FindIndicators(f.sysCtx(), store.IndicatorFilter{Code: "gdp"})
		if len(inds) != 1 || inds[0].Name != "地区生产总值" || !inds[0].HigherBetter || inds[0].SortOrder != 1 {
			t.Fatalf("created %+v", inds)
		}
		ind := inds[0]
		if res.Header.Get("Location") != "/indicators/"+itoa(ind.ID)+"?flash=indui_created" {
			t.Errorf("redirect %q", res.Header.Get("Location"))
		}
		// A duplicate code.
		if res, body = oc.submit("/indicators", form); res.StatusCode != 422 || !strings.Contains(body, `id="if-code-error">指标代码 gdp 已被使用`) {
			t.Fatalf("duplicate: %d %.3000s", res.StatusCode, body)
		}
		// Edit: the form shows the version; a stale version is refused, nothing saved.
		edit := "/indicators/" + itoa(ind.ID)
		body = oc.get(edit + "/edit")
		if !strings.Contains(body, `name="version" value="1"`) || !strings.Contains(body, `value="地区生产总值"`) {
			t.Fatalf("edit form: %.3000s", body)
		}
		upd := url.Values{"code": {"gdp"}, "name": {"GDP"}, "measure": {"亿元"}, "accumulation": {"cumulative"}, "source": {"entered"},
			"rank_by": {"completion"}, "sort_order": {"2"}, "version": {"1"}}
		if res, _ = oc.submit(edit, upd); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("update: %d", res.StatusCode)
		}
		got, _ := f.db.FindIndicator(f.sysCtx(), ind.ID)
		if got.Name != "GDP" || got.HigherBetter || got.RankBy != ding.RankByCompletion || got.Version != 2 {
			t.Fatalf("updated %+v", got)
		}
		upd.Set("name", "旧版本")
		res, body = oc.submit(edit, upd)
		if res.StatusCode != http.StatusConflict || !strings.Contains(body, `id="ind-form-stale"`) || !strings.Contains(body, "已被他人修改") {
			t.Fatalf("stale: %d %.3000s", res.StatusCode, body)
		}
		if got, _ := f.db.FindIndicator(f.sysCtx(), ind.ID); got.Name != "GDP" {
			t.Fatalf("a stale save changed the name to %q", got.Name)
		}
		// A liaison may not define or edit.
		lc := f.login("liaisonA")
		if res, _ := lc.getRes("/indicators/new"); res.StatusCode != 403 {
			t.Errorf("liaison new form: %d", res.StatusCode)
		}
		form.Set("code", "x")
		if res, _ := lc.submit("/indicators", form); res.StatusCode != 403 {
			t.Errorf("liaison create: %d", res.StatusCode)
		}
		if res, _ := lc.submit(edit, upd); res.StatusCode != 403 {
			t.Errorf("liaison update: %d", res.StatusCode)
		}
	})
}

// TestIndicatorValuesForm: the office's grid of targets and actuals, an unchanged cell
// not sent, an emptied one cleared; refused cells kept and marked with their Chinese
// message, nothing written; a liaison's grid is its own unit's actuals only.
func TestIndicatorValuesForm(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		ind := indSetup(t, f)
		a, b, dept := f.units["townA"].ID, f.units["townB"].ID, f.units["dept"].ID
		path := "/indicators/" + itoa(ind.ID) + "/values"
		oc := f.login("office")
		body := html.UnescapeString(oc.get(path + "?year=2024"))
		for _, want := range []string{`name="v_` + itoa(a) + `_0" value="100.00"`, `name="o_` + itoa(a) + `_0" value="100.00"`,
			`name="v_` + itoa(a) + `_6" value="60.00"`, `name="v_` + itoa(dept) + `_6" value=""`, `id="grid-` + itoa(b) + `"`, `id="ind-values-save"`} {
			if !strings.Contains(body, want) {
				t.Errorf("grid lacks %q", want)
			}
		}
		if strings.Contains(body, `name="v_`+itoa(a)+`_7"`) || strings.Contains(body, `id="grid-`+itoa(f.units["district"].ID)+`"`) {
			t.Errorf("July is editable or the district is a row")
		}
		revs := func() int {
			rs, err := f.db.FindRevisions(f.sysCtx(), ind.ID, 0, 2024)
			if err != nil {
				t.Fatal(err)
			}
			return len(rs)
		}
		before := revs()
		grid := func(cells map[string]string) url.Values {
			form := url.Values{"year": {"2024"}, "unit": {itoa(f.units["district"].ID)}}
			// Every editable cell travels with its original, as the browser sends them.
			form.Set("v_"+itoa(a)+"_0", "100.00")
			form.Set("o_"+itoa(a)+"_0", "100.00")
			form.Set("v_"+itoa(a)+"_6", "60.00")
			form.Set("o_"+itoa(a)+"_6", "60.00")
			form.Set("v_"+itoa(b)+"_6", "50.00")
			form.Set("o_"+itoa(b)+"_6", "50.00")
			form.Set("v_"+itoa(dept)+"_0", "")
			form.Set("o_"+itoa(dept)+"_0", "")
			for k, v := range cells {
				form.Set(k, v)
			}
			return form
		}
		// Nothing changed: nothing sent.
		res, _ := oc.submit(path, grid(nil))
		if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "flash=indui_no_change") || revs() != before {
			t.Fatalf("unchanged grid: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		// Three refusals and one good cell: nothing written, each bad cell says why.
		bad := grid(map[string]string{"v_" + itoa(a) + "_0": "0", "v_" + itoa(a) + "_7": "5", "v_" + itoa(b) + "_6": "abc", "v_" + itoa(dept) + "_0": "30"})
		res, body = oc.submit(path, bad)
		body = html.UnescapeString(body)
		if res.StatusCode != 422 {
			t.Fatalf("bad grid: %d %.2000s", res.StatusCode, body)
		}
		for _, want := range []string{
			`id="err-v_` + itoa(a) + `_0">年度目标不能为 0</span>`,
			`id="err-v_` + itoa(a) + `_7">2024-07 尚未到来，不能填报实绩</span>`,
			`id="err-v_` + itoa(b) + `_6">“abc”不是有效的数值</span>`,
			`name="v_` + itoa(b) + `_6" value="abc"`, `name="v_` + itoa(dept) + `_0" value="30"`,
			"有 3 个数据未通过检查，全部未保存",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("bad grid lacks %q", want)
			}
		}
		if _, ok := indValueOf(t, f, ind.ID, "dept", 2024, 0); ok || revs() != before {
			t.Fatalf("a refused grid wrote something")
		}
		// More decimals than yuan hold.
		res, body = oc.submit(path, grid(map[string]string{"v_" + itoa(a) + "_6": "60.123456789"}))
		if res.StatusCode != 422 || !strings.Contains(html.UnescapeString(body), "小数位数过多：以“亿元”为单位最多保留 8 位小数") {
			t.Fatalf("precision: %d %.2000s", res.StatusCode, body)
		}
		// The good save: A's June revised, B's June emptied (cleared), the department's target set.
		res, _ = oc.submit(path, grid(map[string]string{"v_" + itoa(a) + "_6": "61.5", "v_" + itoa(b) + "_6": "", "v_" + itoa(dept) + "_0": "1,234.5",
			"note": "统计局快报"}))
		if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "flash=indui_values_saved") {
			t.Fatalf("save: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if v, _ := indValueOf(t, f, ind.ID, "townA", 2024, 6); v != 6_150_000_000 {
			t.Errorf("A June %d", v)
		}
		if _, ok := indValueOf(t, f, ind.ID, "townB", 2024, 6); ok {
			t.Errorf("B June not cleared")
		}
		if v, _ := indValueOf(t, f, ind.ID, "dept", 2024, 0); v != 123_450_000_000 {
			t.Errorf("department target %d", v)
		}
		if n := revs(); n != before+3 {
			t.Errorf("revisions %d → %d", before, n)
		}
		// The history shows them.
		body = html.UnescapeString(oc.get("/indicators/" + itoa(ind.ID) + "/history?year=2024&unit=" + itoa(b)))
		body = body[strings.Index(body, `id="ind-history"`):]
		if !strings.Contains(body, "50.00") || !strings.Contains(body, "（已删除）") || !strings.Contains(body, "统计局快报") || !strings.Contains(body, "页面填报") ||
			strings.Contains(body, "樟潭街道") {
			t.Errorf("history: %.3000s", body)
		}
		body = html.UnescapeString(oc.get("/indicators/" + itoa(ind.ID) + "/history?year=2024&unit=" + itoa(dept)))
		if !strings.Contains(body, "年度目标") || !strings.Contains(body, "（无）") || !strings.Contains(body, "1234.50") {
			t.Errorf("department history: %.3000s", body)
		}

		// Town A's liaison: its own row, actuals only; town B is not its to see or write.
		lc := f.login("liaisonA")
		body = html.UnescapeString(lc.get(path + "?year=2024"))
		if !strings.Contains(body, `name="v_`+itoa(a)+`_5" value="50.00"`) || strings.Contains(body, `name="v_`+itoa(a)+`_0"`) ||
			strings.Contains(body, `id="grid-`+itoa(b)+`"`) || !strings.Contains(body, "年度目标由项目办设定") {
			t.Errorf("liaison's grid: %.3000s", body)
		}
		if res, _ := lc.getRes(path + "?year=2024&unit=" + itoa(b)); res.StatusCode != 404 {
			t.Errorf("liaison opens town B's grid: %d", res.StatusCode)
		}
		form := url.Values{"year": {"2024"}, "unit": {itoa(a)}, "v_" + itoa(a) + "_5": {"51"}, "o_" + itoa(a) + "_5": {"50.00"},
			"v_" + itoa(b) + "_5": {"99"}, "v_" + itoa(a) + "_0": {"200"}}
		res, body = lc.submit(path, form)
		body = html.UnescapeString(body)
		if res.StatusCode != 422 || !strings.Contains(body, "该单位不在您的数据范围内") || !strings.Contains(body, `id="err-v_`+itoa(a)+`_0">年度目标只能由项目办设定</span>`) {
			t.Fatalf("liaison's refusals: %d %.3000s", res.StatusCode, body)
		}
		if v, _ := indValueOf(t, f, ind.ID, "townA", 2024, 5); v != 50*ding.Yi {
			t.Errorf("a refused batch changed A's May to %d", v)
		}
		if v, _ := indValueOf(t, f, ind.ID, "townB", 2024, 5); v != 44*ding.Yi {
			t.Errorf("liaison A changed B's May to %d", v)
		}
		res, _ = lc.submit(path, url.Values{"year": {"2024"}, "unit": {itoa(a)}, "v_" + itoa(a) + "_5": {"51"}, "o_" + itoa(a) + "_5": {"50.00"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("liaison's own May: %d", res.StatusCode)
		}
		if v, _ := indValueOf(t, f, ind.ID, "townA", 2024, 5); v != 51*ding.Yi {
			t.Errorf("A's May %d", v)
		}
		// A viewer reads the grid but has no inputs, and cannot post.
		vc := f.login("viewer")
		body = vc.get(path + "?year=2024")
		if strings.Contains(body, `name="v_`) || !strings.Contains(body, `id="ind-readonly"`) {
			t.Errorf("viewer's grid has inputs")
		}
		if res, _ := vc.submit(path, form); res.StatusCode != 403 {
			t.Errorf("viewer posts: %d", res.StatusCode)
		}
	})
}

// TestIndicatorValuesLockedAndComputed: a value a locked data cut read is refused with
// the cut named; a computed indicator's actuals are read-only with the office's
// 重新计算 button, which fills them from the project records.
func TestIndicatorValuesLockedAndComputed(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		ind := indSetup(t, f)
		office := warnCtx(f, "office")
		a := f.units["townA"].ID
		s := &ding.Scheme{Name: "乡镇季比拼", OrganizerID: f.units["district"].ID, Period: ding.SchemeQuarterly, FlagCount: 1,
			Items:        []ding.SchemeItem{{IndicatorID: ind.ID, Basis: ding.BasisGrowth, Method: ding.MethodRank, Weight: 10000}},
			Participants: []ding.Participant{{UnitID: a}, {UnitID: f.units["townB"].ID}}}
		if err := f.db.CreateScheme(office, s); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.LockCut(office, s.ID, "2024-Q1"); err != nil {
			t.Fatal(err)
		}
		oc := f.login("office")
		path := "/indicators/" + itoa(ind.ID) + "/values"
		res, body := oc.submit(path, url.Values{"year": {"2024"}, "unit": {itoa(f.units["district"].ID)}, "v_" + itoa(a) + "_3": {"20"}, "o_" + itoa(a) + "_3": {""}})
		if res.StatusCode != 422 || !strings.Contains(html.UnescapeString(body), `id="err-v_`+itoa(a)+`_3">该数据已被「乡镇季比拼 2024-Q1」的数据截面锁定，不能修改</span>`) {
			t.Fatalf("locked value: %d %.3000s", res.StatusCode, body)
		}
		if _, ok := indValueOf(t, f, ind.ID, "townA", 2024, 3); ok {
			t.Fatalf("a locked value was written")
		}

		// A computed indicator: 签约亿元以上项目 with a target for town A, whose project
		// signed on 2024-01-10.
		itemSetup(t, f)
		signed := &ding.Indicator{Code: "signed", Name: "签约亿元以上项目", Source: ding.SourceComputed, Compute: ding.ComputeSigned1, HigherBetter: true,
			RankBy: ding.RankByValue}
		if err := f.db.CreateIndicator(office, signed); err != nil {
			t.Fatal(err)
		}
		if _, errs, err := f.db.SetValues(office, []store.ValueWrite{{IndicatorID: signed.ID, UnitID: a, Year: 2024, Value: indI64(3)}}, "form", true); err != nil || len(errs) > 0 {
			t.Fatalf("target: %v %+v", err, errs)
		}
		spath := "/indicators/" + itoa(signed.ID) + "/values"
		body = oc.get(spath + "?year=2024")
		if !strings.Contains(body, `id="ind-refresh"`) || strings.Contains(body, `name="v_`+itoa(a)+`_1"`) || !strings.Contains(body, `name="v_`+itoa(a)+`_0" value="3"`) {
			t.Fatalf("computed grid: %.3000s", body)
		}
		if strings.Contains(f.login("liaisonA").get(spath+"?year=2024"), `id="ind-refresh"`) {
			t.Errorf("a liaison is offered the refresh")
		}
		res, _ = oc.submit("/indicators/"+itoa(signed.ID)+"/refresh", url.Values{"year": {"2024"}, "unit": {itoa(f.units["district"].ID)}})
		if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "flash=indui_refreshed") {
			t.Fatalf("refresh: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		for m := 1; m <= 6; m++ {
			if v, ok := indValueOf(t, f, signed.ID, "townA", 2024, m); !ok || v != 1 {
				t.Errorf("computed month %d: %d %v", m, v, ok)
			}
		}
		if _, ok := indValueOf(t, f, signed.ID, "townA", 2024, 7); ok {
			t.Errorf("July computed before it came")
		}
		body = html.UnescapeString(oc.get("/indicators/" + itoa(signed.ID) + "?year=2024&month=6"))
		if r := indRowOf(t, body, "fig-"+itoa(a)); !strings.Contains(r, ">1<") || !strings.Contains(r, "33.3%") {
			t.Errorf("computed figures: %s", r)
		}
		if res, _ := f.login("liaisonA").submit("/indicators/"+itoa(signed.ID)+"/refresh", url.Values{"year": {"2024"}}); res.StatusCode != 403 {
			t.Errorf("liaison refreshes: %d", res.StatusCode)
		}
	})
}

// indBook is a values workbook: the template's header and the rows given.
func indBook(t *testing.T, rows ...[]any) []byte {
	t.Helper()
	head := []any{"指标代码", "单位", "年份", "月份（留空=年度目标）", "数值", "备注"}
	return xlsxBook(t, "指标数据", append([][]any{head}, rows...))
}

// indProblemCells lists the cells of an import preview's problems ("指标数据!B3").
func indProblemCells(body string) []string {
	var out []string
	for _, part := range strings.Split(body, `class="problem" data-cell="`)[1:] {
		out = append(out, part[:strings.Index(part, `"`)])
	}
	return out
}

// TestIndicatorImport: the template; a file with problems is refused by sheet, row and
// column and writes nothing; a good one previews, commits all of it, and imported again
// changes nothing; a liaison cannot import another unit's values.
func TestIndicatorImport(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		ind := indSetup(t, f)
		oc := f.login("office")
		body := oc.get("/indicators/import")
		if !strings.Contains(body, `href="/indicators/import/template.xlsx"`) || !strings.Contains(body, `enctype="multipart/form-data"`) {
			t.Fatalf("import page: %.2000s", body)
		}
		res := oc.do("GET", "/indicators/import/template.xlsx", "", nil)
		var buf bytes.Buffer
		buf.ReadFrom(res.Body)
		res.Body.Close()
		tpl, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatalf("template: %v", err)
		}
		head, _ := tpl.GetRows("指标数据")
		list, _ := tpl.GetRows("指标清单")
		tpl.Close()
		if len(head) != 1 || strings.Join(head[0], "|") != "指标代码|单位|年份|月份（留空=年度目标）|数值|备注" ||
			len(list) != 2 || list[1][0] != "gdp" || list[1][2] != "亿元" {
			t.Fatalf("template sheets %q %q", head, list)
		}
		revs := func() int {
			rs, err := f.db.FindRevisions(f.sysCtx(), ind.ID, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			return len(rs)
		}
		before, audits := revs(), f.auditCount()

		// Problems: every one at its cell, nothing written.
		bad := indBook(t,
			[]any{"gdp", "樟潭街道", 2024, 6, "61.5", "快报"},
			[]any{"gdp", "不存在镇", 2024, 6, 1, ""},
			[]any{"地区生产总值", "廿里镇", 2024, 6, "abc", ""},
			[]any{"gdp", "廿里镇", 2024, 13, 1, ""},
			[]any{"gdp", "樟潭街道", 2024, 8, 1, ""},
			[]any{"nope", "樟潭街道", 2024, "", 1, ""},
			[]any{"gdp", "樟潭街道", 2024, "6月", 2, ""},
		)
		res, body = oc.upload("/indicators/import", "bad.xlsx", bad, true)
		if res.StatusCode != 422 || !strings.Contains(body, `id="import-refused"`) || strings.Contains(body, `id="import-commit"`) {
			t.Fatalf("bad file: %d %.3000s", res.StatusCode, body)
		}
		want := []string{"指标数据!B3", "指标数据!E4", "指标数据!D5", "指标数据!D6", "指标数据!A7", "指标数据!8"}
		if got := indProblemCells(body); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("problem cells %q, want %q", got, want)
		}
		for _, msg := range []string{"“不存在镇”：该单位不在您的数据范围内", "“abc”不是有效的数值", "“13”不是有效的月份", "2024-08 尚未到来",
			"指标“nope”不存在", "与“指标数据”表第 2 行重复"} {
			if !strings.Contains(body, msg) {
				t.Errorf("bad file lacks %q", msg)
			}
		}
		if v, _ := indValueOf(t, f, ind.ID, "townA", 2024, 6); v != 60*ding.Yi || revs() != before || f.auditCount() != audits {
			t.Fatalf("a refused file wrote something")
		}

		// A good file: a target, actuals written as offices write them, one unchanged.
		good := indBook(t,
			[]any{"gdp", "樟潭街道", 2024, "", "110", "年初目标调整"},
			[]any{"gdp", "樟潭街道", 2024, 6, "61.5", "快报"},
			[]any{"GDP", "廿里镇", "2024年", "1-6月", "51", ""},
			[]any{"地区生产总值", "区发改局", 2024, 4, 3.14, ""},
			[]any{"gdp", "樟潭街道", 2024, 5, 50, ""},
		)
		res, body = oc.upload("/indicators/import", "good.xlsx", good, true)
		if res.StatusCode != 200 || !strings.Contains(body, `id="import-ready"`) {
			t.Fatalf("good file: %d %.3000s", res.StatusCode, body)
		}
		if c := counts(body); c["rows"] != "5" || c["changed"] != "4" || c["unchanged"] != "1" {
			t.Fatalf("preview counts %v", c)
		}
		if revs() != before {
			t.Fatalf("a preview wrote")
		}
		m := hashFieldRE.FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no hash in the preview")
		}
		res, body = oc.submit("/indicators/import/commit", url.Values{"hash": {m[1]}, "name": {"good.xlsx"}})
		body = html.UnescapeString(body)
		if res.StatusCode != 200 || !strings.Contains(body, "导入完成：4 个数据有变化") {
			t.Fatalf("commit: %d %.3000s", res.StatusCode, body)
		}
		for _, c := range []struct {
			unit  string
			month int
			want  int64
		}{{"townA", 0, 110 * ding.Yi}, {"townA", 6, 6_150_000_000}, {"townB", 6, 51 * ding.Yi}, {"dept", 4, 314_000_000}, {"townA", 5, 50 * ding.Yi}} {
			if v, ok := indValueOf(t, f, ind.ID, c.unit, 2024, c.month); !ok || v != c.want {
				t.Errorf("%s month %d: %d, want %d", c.unit, c.month, v, c.want)
			}
		}
		if n := revs(); n != before+4 {
			t.Errorf("revisions %d → %d", before, n)
		}
		rs, _ := f.db.FindRevisions(f.sysCtx(), ind.ID, f.units["townA"].ID, 2024)
		if len(rs) == 0 || rs[0].Source != "import" {
			t.Errorf("newest revision %+v", rs)
		}
		// The same file again: nothing to change, and its commit changes nothing.
		audits = f.auditCount()
		res, body = oc.upload("/indicators/import", "good.xlsx", good, true)
		if c := counts(body); res.StatusCode != 200 || c["changed"] != "0" || c["unchanged"] != "5" {
			t.Fatalf("re-import preview: %d %v", res.StatusCode, c)
		}
		res, body = oc.submit("/indicators/import/commit", url.Values{"hash": {m[1]}, "name": {"good.xlsx"}})
		if c := counts(body); res.StatusCode != 200 || c["changed"] != "0" || revs() != before+4 || f.auditCount() != audits {
			t.Fatalf("re-import commit: %d %v, %d revisions", res.StatusCode, c, revs())
		}
		// An unknown file.
		if res, _ := oc.submit("/indicators/import/commit", url.Values{"hash": {strings.Repeat("a", 64)}}); res.StatusCode != 404 {
			t.Errorf("unknown hash: %d", res.StatusCode)
		}
		// Not a workbook.
		res, body = oc.upload("/indicators/import", "x.xlsx", []byte("not a workbook"), true)
		if res.StatusCode != 422 || !strings.Contains(body, `id="import-error"`) {
			t.Errorf("not a workbook: %d", res.StatusCode)
		}

		// Town A's liaison: town B is out of its scope, targets are the office's.
		lc := f.login("liaisonA")
		res, body = lc.upload("/indicators/import", "a.xlsx", indBook(t,
			[]any{"gdp", "廿里镇", 2024, 6, 1, ""},
			[]any{"gdp", "樟潭街道", 2024, "", 120, ""},
			[]any{"gdp", "樟潭街道", 2024, 6, 62, ""},
		), true)
		if got := indProblemCells(body); res.StatusCode != 422 || strings.Join(got, " ") != "指标数据!B2 指标数据!D3" ||
			!strings.Contains(body, "该单位不在您的数据范围内") || !strings.Contains(body, "年度目标只能由项目办设定") {
			t.Fatalf("liaison's import: %d %q %.2000s", res.StatusCode, got, body)
		}
		if v, _ := indValueOf(t, f, ind.ID, "townA", 2024, 6); v != 6_150_000_000 {
			t.Errorf("the liaison's refused file changed A's June to %d", v)
		}
		// A viewer may not import.
		if res, _ := f.login("viewer").getRes("/indicators/import"); res.StatusCode != 403 {
			t.Errorf("viewer's import page: %d", res.StatusCode)
		}
	})
}

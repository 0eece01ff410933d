package xlsx

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"ding"
	"ding/store"
)

var testIndicators = []*ding.Indicator{
	{ID: 1, Code: "gdp", Name: "地区生产总值", Measure: "亿元", Accumulation: ding.Cumulative, Source: ding.SourceEntered, HigherBetter: true},
	{ID: 2, Code: "households", Name: "征迁签约户数", Measure: "户", Accumulation: ding.PointValue, Source: ding.SourceImported},
	{ID: 3, Code: "growth_rate", Name: "增速", Measure: "%", Accumulation: ding.PointValue, Source: ding.SourceEntered},
}

func readValues(t *testing.T, b []byte) *ValueBook {
	t.Helper()
	vb, err := ReadValues(bytes.NewReader(b), int64(len(b)), IndicatorResolverOf(testIndicators), units(map[string]int64{"樟潭街道": 3, "樟潭": 3, "廿里镇": 4}))
	if err != nil {
		t.Fatalf("ReadValues: %v", err)
	}
	return vb
}

// TestValuesMessyFile reads a values sheet the way offices make it: a title row above the
// header, columns in their own order with half-width brackets, an extra column, units
// merged down a group of rows, numbers with separators, units and float noise, months as
// "6月" and "1—6月", a totals row and blank rows.
func TestValuesMessyFile(t *testing.T) {
	b := book(t, []sheetRows{{"2024年指标", [][]any{
		{"2024年各乡镇主要经济指标"},
		{"单位", "指标代码", "序号", "年份", "月份(留空为年度目标)", "数值", "备注"},
		{"樟潭街道", "gdp", 1, 2024, "", "100", "年度目标"},
		{"", "地区生产总值", 2, "2024年", "1—6月", 327.71999999999997, ""},
		{"", "GDP", 3, 2024, "6月", "", ""},
		{"廿里镇", "households", 4, 2024, 6, "3,810户", ""},
		{"廿里镇", "growth_rate", 5, 2024, "６", "-1.5%", "下降"},
		{},
		{"合计", "", "", "", "", 999, ""},
	}}}, func(f *excelize.File) {
		f.MergeCell("2024年指标", "A3", "A5")
	})
	vb := readValues(t, b)
	if got := problemList(vb.Problems); len(got) != 1 || got[0] != "2024年指标!F5 xlsx.required" {
		t.Fatalf("problems %q", got)
	}
	want := []store.ValueWrite{
		{IndicatorID: 1, UnitID: 3, Year: 2024, Month: 0, Value: valPtr(100 * ding.Yi), Note: "年度目标"},
		{IndicatorID: 1, UnitID: 3, Year: 2024, Month: 6, Value: valPtr(32_772_000_000)},
		{IndicatorID: 2, UnitID: 4, Year: 2024, Month: 6, Value: valPtr(3810)},
		{IndicatorID: 3, UnitID: 4, Year: 2024, Month: 6, Value: valPtr(-150), Note: "下降"},
	}
	if len(vb.Writes) != len(want) || vb.Rows != 5 {
		t.Fatalf("writes %+v, rows %d", vb.Writes, vb.Rows)
	}
	for i, w := range want {
		g := vb.Writes[i]
		if g.IndicatorID != w.IndicatorID || g.UnitID != w.UnitID || g.Year != w.Year || g.Month != w.Month || *g.Value != *w.Value || g.Note != w.Note {
			t.Errorf("write %d: %+v (%d), want %+v (%d)", i, g, *g.Value, w, *w.Value)
		}
	}
	// The store's errors land on their cells: the value of the second write (row 4, F),
	// the unit of the fourth (row 7, A).
	ps := vb.Explain([]store.ValueError{
		{Index: 1, Field: "value", Err: ding.Errorf(ding.EINVALID, "target.locked", "季比拼 2024-Q2")},
		{Index: 3, Field: "unit", Err: ding.Errorf(ding.ENOTFOUND, "target.unit_out_of_scope")},
	})
	if got := strings.Join(problemList(ps), " "); got != "2024年指标!F4 target.locked 2024年指标!F5 xlsx.required 2024年指标!A7 target.unit_out_of_scope" {
		t.Errorf("explained %s", got)
	}
	if ps[0].Header != "数值" || ps[0].Message("zh") != "该数据已被「季比拼 2024-Q2」的数据截面锁定，不能修改" {
		t.Errorf("explained %+v %q", ps[0], ps[0].Message("zh"))
	}
}

func valPtr(v int64) *int64 { return &v }

// TestValuesProblems: each wrong cell is a problem at its column; a repeated row names the
// first; a sheet without the header is skipped, and a file without any is refused.
func TestValuesProblems(t *testing.T) {
	b := book(t, []sheetRows{
		{"说明", [][]any{{"指标代码", "单位", "年份", "数值"}, {"gdp", "樟潭街道", 2024, 1}}}, // a notes sheet is never imported
		{"数据", [][]any{
			{"指标代码", "单位", "年份", "月份", "数值"},
			{"gdp", "樟潭街道", 2024, 6, "1"},
			{"nope", "樟潭街道", 2024, 6, "1"},
			{"gdp", "不存在镇", 2024, 6, "1"},
			{"gdp", "樟潭街道", "24", 6, "1"},
			{"gdp", "樟潭街道", 2024, 13, "1"},
			{"gdp", "廿里镇", 2024, 6, "1.123456789"},
			{"households", "廿里镇", 2024, 6, "1.5"},
			{"gdp", "樟潭街道", 2024, "6月", "2"},
			{"", "樟潭街道", 2024, 6, "2"},
		}},
	}, nil)
	vb := readValues(t, b)
	want := []string{
		"数据!A3 indui.xlsx.indicator_unknown", "数据!B4 indui.xlsx.unit_unknown", "数据!C5 indui.xlsx.year_invalid",
		"数据!D6 indui.xlsx.month_invalid", "数据!E7 target.value_precision", "数据!E8 target.value_precision", "数据!9 indui.xlsx.row_twice",
		"数据!A10 xlsx.required",
	}
	if got := problemList(vb.Problems); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("problems\n got %q\nwant %q", got, want)
	}
	if len(vb.Writes) != 1 || vb.Rows != 9 {
		t.Errorf("writes %d rows %d", len(vb.Writes), vb.Rows)
	}
	for _, p := range vb.Problems {
		if strings.HasPrefix(p.Message("zh"), "indui.") || strings.HasPrefix(p.Message("en"), "indui.") {
			t.Errorf("no message for %s", p.Key)
		}
	}
	if m := vb.Problems[6].Message("zh"); m != "与“数据”表第 2 行重复：同一指标、单位、年份和月份只能有一个数" {
		t.Errorf("repeat: %q", m)
	}
	if m := vb.Problems[6].Message("en"); m != `Repeats row 2 of sheet "数据": one value per indicator, unit, year and month` {
		t.Errorf("repeat in English: %q", m)
	}
	// No sheet with the header.
	b = book(t, []sheetRows{{"Sheet1", [][]any{{"项目代码", "项目名称"}}}}, nil)
	_, err := ReadValues(bytes.NewReader(b), 0, IndicatorResolverOf(testIndicators), nil)
	if e := ding.AsError(err); e.Key != "indui.xlsx.no_sheets" || e.Code != ding.EINVALID {
		t.Errorf("no sheets: %v", err)
	}
	// Not a workbook.
	_, err = ReadValues(strings.NewReader("a,b,c"), 0, IndicatorResolverOf(testIndicators), nil)
	if e := ding.AsError(err); e.Key != "xlsx.not_xlsx" {
		t.Errorf("csv: %v", err)
	}
	// A required column missing is the header's problem.
	b = book(t, []sheetRows{{"数据", [][]any{{"指标代码", "单位", "数值"}, {"gdp", "樟潭街道", 1}}}}, nil)
	vb = readValues(t, b)
	if got := problemList(vb.Problems); len(got) != 1 || got[0] != "数据!1 xlsx.column_missing" || len(vb.Writes) != 0 {
		t.Errorf("no year column: %q %d", got, len(vb.Writes))
	}
}

// TestValuesCells: months, years and values as offices write them.
func TestValuesCells(t *testing.T) {
	for in, want := range map[string]int{"": 0, "年度目标": 0, "6": 6, "06": 6, "6月": 6, "1-6月": 6, "1—12月": 12, "１２": 12, "6.0": 6, "6月末": 6} {
		if got, ok := parseMonth(in); !ok || got != want {
			t.Errorf("month %q: %d %v", in, got, ok)
		}
	}
	for _, in := range []string{"13", "0.5", "六月", "2-6月", "-1"} {
		if _, ok := parseMonth(in); ok {
			t.Errorf("month %q accepted", in)
		}
	}
	for in, want := range map[string]int{"2024": 2024, "2024年": 2024, "2024.0": 2024, "２０２４": 2024} {
		if got, ok := parseYear(in); !ok || got != want {
			t.Errorf("year %q: %d %v", in, got, ok)
		}
	}
	for _, in := range []string{"24", "1999", "2101", "x"} {
		if _, ok := parseYear(in); ok {
			t.Errorf("year %q accepted", in)
		}
	}
	yi, _ := ding.MeasureOf("亿元")
	pct, _ := ding.MeasureOf("%")
	for _, c := range []struct {
		m    ding.Measure
		in   string
		want int64
		key  string
	}{
		{yi, "327.72", 32_772_000_000, ""}, {yi, "1,234.5 亿元", 123_450_000_000, ""}, {yi, "327.71999999999997", 32_772_000_000, ""}, {yi, "327.719999999999", 32_772_000_000, ""},
		{ding.Measure{Name: "户", Scale: 1}, "3810.00000000001", 3810, ""},
		{yi, "(5)", -5 * ding.Yi, ""}, {yi, "1.5E2", 150 * ding.Yi, ""}, {pct, "12.34%", 1234, ""}, {pct, "-0.5", -50, ""},
		{yi, "abc", 0, "target.value_invalid"}, {pct, "1.234", 0, "target.value_precision"},
	} {
		got, err := ParseMeasure(c.m, c.in)
		if c.key != "" {
			if e := ding.AsError(err); e.Key != c.key {
				t.Errorf("%q in %s: %v, want %s", c.in, c.m.Name, err, c.key)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%q in %s: %d %v, want %d", c.in, c.m.Name, got, err, c.want)
		}
	}
	if _, err := ParseMeasure(yi, " 12,a "); ding.AsError(err).Args[0] != "12,a" {
		t.Errorf("the message does not name the cell as written: %v", ding.AsError(err).Args)
	}
}

// TestValuesTemplate: the template reads back with no rows and no problems, its
// indicator list names every indicator with its measure, and a filled-in copy imports.
func TestValuesTemplate(t *testing.T) {
	b, err := ValuesTemplate("zh", testIndicators)
	if err != nil {
		t.Fatal(err)
	}
	vb := readValues(t, b)
	if len(vb.Problems) != 0 || len(vb.Writes) != 0 || vb.Rows != 0 {
		t.Fatalf("empty template: %+v", vb)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(SheetIndicators)
	if len(rows) != 4 || strings.Join(rows[1], "|") != "gdp|地区生产总值|亿元|累计值|单位填报|1234.56" || rows[2][5] != "1235" {
		t.Errorf("indicator list %q", rows)
	}
	dvs, _ := f.GetDataValidations(SheetValues)
	if len(dvs) < 4 {
		t.Errorf("data validations %d", len(dvs))
	}
	f.SetSheetRow(SheetValues, "A2", &[]any{"gdp", "樟潭", "2024", "6", "60.5", "快报"})
	var buf bytes.Buffer
	f.Write(&buf)
	f.Close()
	vb = readValues(t, buf.Bytes())
	if len(vb.Problems) != 0 || len(vb.Writes) != 1 || *vb.Writes[0].Value != 6_050_000_000 || vb.Writes[0].UnitID != 3 {
		t.Errorf("filled template: %+v %+v", vb.Problems, vb.Writes)
	}
}

// TestExportFigures: the figures table as numbers with the measure's format, rates as
// percentages, the gap in points; a point-in-time indicator has no 时序进度 columns.
func TestExportFigures(t *testing.T) {
	ind := testIndicators[0]
	fs := []*ding.Figure{
		{UnitID: 3, UnitName: "樟潭街道", Actual: 60 * ding.Yi, HasActual: true, Target: 100 * ding.Yi, HasTarget: true, LastYear: 50 * ding.Yi,
			HasLastYear: true, Rank: 2, PrevRank: 1, Peers: 2},
		{UnitID: 4, UnitName: "廿里镇", Target: 80 * ding.Yi, HasTarget: true},
	}
	for _, f := range fs {
		f.Fill(ind, 2024, 6)
	}
	var b bytes.Buffer
	now := time.Date(2024, 6, 20, 2, 0, 0, 0, time.UTC)
	if err := ExportFigures(&b, FigureTable{Lang: "zh", Indicator: ind, Period: "2024年1—6月累计", Now: now, Figures: fs}); err != nil {
		t.Fatal(err)
	}
	f := openExport(t, b.Bytes())
	sh := f.GetSheetName(0)
	if got := cell(t, f, sh, "A1", false); got != "地区生产总值完成情况（2024年1—6月累计）" {
		t.Errorf("title %q", got)
	}
	if got := cell(t, f, sh, "A2", false); got != "导出时间：2024-06-20 10:00" {
		t.Errorf("date %q", got)
	}
	for ref, want := range map[string]string{"C3": "实绩（亿元）", "G3": "与时序进度比（百分点）", "L3": "较上月", "C4": "60", "E4": "0.6", "F4": "0.5",
		"G4": "10", "I4": "0.2", "J4": "2", "L4": "-1", "C5": "—", "E5": "—", "J5": "—"} {
		if got := cell(t, f, sh, ref, true); got != want {
			t.Errorf("%s raw %q, want %q", ref, got, want)
		}
	}
	for ref, want := range map[string]string{"C4": "#,##0.00", "E4": "0.0%", "G4": "+0.0;-0.0;0.0", "L4": `"↑"0;"↓"0;"—"`} {
		if got := numFmt(t, f, sh, ref); got != want {
			t.Errorf("%s format %q, want %q", ref, got, want)
		}
	}
	if got := cell(t, f, sh, "L4", false); got != "↓1" {
		t.Errorf("rank change shown %q", got)
	}
	// A point-in-time indicator in 户: whole numbers, no 时序进度.
	hh := testIndicators[1]
	b.Reset()
	if err := ExportFigures(&b, FigureTable{Lang: "en", Indicator: hh, Period: "2024, end of month 6", Now: now, Figures: []*ding.Figure{
		{UnitName: "廿里镇", Actual: 3810, HasActual: true}}}); err != nil {
		t.Fatal(err)
	}
	f = openExport(t, b.Bytes())
	sh = f.GetSheetName(0)
	head, _ := f.GetRows(sh)
	if strings.Join(head[2], "|") != "No.|Unit|Actual (户)|Target (户)|Completion|Same period last year (户)|Year-on-year|Rank|Units ranked|Since last month" {
		t.Errorf("point headers %q", head[2])
	}
	if got := numFmt(t, f, sh, "C4"); got != "#,##0" || cell(t, f, sh, "C4", false) != "3,810" {
		t.Errorf("households %q %q", got, cell(t, f, sh, "C4", false))
	}
}

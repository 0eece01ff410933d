package xlsx

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"ding"
	"ding/i18n"
	"ding/store"
	"ding/store/storetest"
)

// sheetRows is a sheet of a test workbook: rows of cell values from A1.
type sheetRows struct {
	name string
	rows [][]any
}

// book writes a workbook; tweak, when given, changes it before it is saved.
func book(t *testing.T, sheets []sheetRows, tweak func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, sh := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", sh.name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(sh.name); err != nil {
			t.Fatal(err)
		}
		for r, row := range sh.rows {
			if len(row) == 0 {
				continue
			}
			if err := f.SetSheetRow(sh.name, fmt.Sprintf("A%d", r+1), &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	if tweak != nil {
		tweak(f)
	}
	b, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// units resolves the names of the test units.
func units(ids map[string]int64) Resolver {
	return func(name string) (int64, bool) {
		id, ok := ids[name]
		return id, ok
	}
}

func read(t *testing.T, b []byte, resolve Resolver) *Workbook {
	t.Helper()
	wb, err := Read(bytes.NewReader(b), int64(len(b)), resolve)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return wb
}

// problemList renders problems as "sheet!cell key" for comparison.
func problemList(ps []Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Sheet+"!"+p.Cell()+" "+p.Key)
	}
	return out
}

const (
	code1 = "2301-330803-04-01-000001"
	code2 = "2301-330803-04-01-000002"
	code3 = "2301-330803-04-01-000003"
)

// TestXLSXMessyOfficeFile reads a file made the way offices make them: two merged title
// rows above the header, a blank row, columns in their own order with extra ones, titles
// with half-width brackets and line breaks, numbers stored as text with thousands
// separators and full-width digits, real and text dates, a totals row and formatted but
// empty rows at the end.
func TestXLSXMessyOfficeFile(t *testing.T) {
	b := book(t, []sheetRows{
		{"2024年项目", [][]any{
			{"衢江区2024年重大项目汇总表"},
			{"填报单位：区发改局    填报日期：2024年3月5日"},
			{},
			{"序号", "项目名称", "项目代码", "责任\n单位", "总投资 (万元)", "投资主体", "计划开工", "备注", "预计年产值\n（万元）", "用地(亩)", "制造业", "项目阶段", "建设性质", "行业门类"},
			{1, "甲项目", code1, "樟潭街道", "1,234.5", "民间", "2024/3/1", "重点", "１２３４５．６７", " 12.5 ", "Y", "签约", "新建", "C"},
			{2, "乙项目", " " + code2 + " ", "廿里镇", 2.5, "国企", time.Date(2024, 4, 15, 0, 0, 0, 0, time.UTC), "", " 1234 ", 100, "否", "开工", "技改", "制造业"},
			{3, "丙项目", code3, "", 1234.56, "政府", "2024年5月20日", "", "", "", "", "", "", ""}, // 责任单位 merged with the row above
			{},
			{"合计", "", "", "", "2,471.06"},
		}},
		{"3月进度", [][]any{
			{"2024年3月重大项目进度"},
			{"项目代码", "项目名称", "填报期次", "本期完成投资（万元）", "形象进度", "形象进度（%）"},
			{code1, "甲项目", time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), "500.25", "基础施工", 0.35},
			{code2, "", "2024年3月", "１,０００", "主体施工", "40%"},
		}},
	}, func(f *excelize.File) {
		for _, m := range [][2]string{{"A1", "N1"}, {"A2", "N2"}} {
			if err := f.MergeCell("2024年项目", m[0], m[1]); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.MergeCell("2024年项目", "D6", "D7"); err != nil {
			t.Fatal(err)
		}
		if err := f.MergeCell("3月进度", "A1", "F1"); err != nil {
			t.Fatal(err)
		}
		// Empty rows that carry formatting, as Excel leaves them after rows are cleared.
		style, _ := f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFFF00"}}})
		if err := f.SetCellStyle("2024年项目", "A10", "N40", style); err != nil {
			t.Fatal(err)
		}
		if err := f.SetCellValue("2024年项目", "B25", "   "); err != nil {
			t.Fatal(err)
		}
	})
	wb := read(t, b, units(map[string]int64{"樟潭街道": 3, "廿里镇": 4}))
	if len(wb.Problems) != 0 {
		t.Fatalf("problems in a good file: %v", problemList(wb.Problems))
	}
	ps := wb.Batch.Projects
	if len(ps) != 3 {
		t.Fatalf("%d projects, want 3: %+v", len(ps), ps)
	}
	d := func(y, m, day int) ding.Date { return ding.Date{Year: y, Month: time.Month(m), Day: day} }
	want := []ding.Project{
		{Code: code1, Name: "甲项目", UnitID: 3, TotalInvestment: 12_345_000, Investor: "private", PlannedStart: d(2024, 3, 1),
			ExpectedOutput: 123_456_700, LandMu: 12.5, Manufacturing: true, Stage: ding.StageSigned, Nature: "new", Industry: "C"},
		{Code: code2, Name: "乙项目", UnitID: 4, TotalInvestment: 25_000, Investor: "soe", PlannedStart: d(2024, 4, 15),
			ExpectedOutput: 12_340_000, LandMu: 100, Stage: ding.StageStarted, Nature: "renovation", Industry: "C"},
		{Code: code3, Name: "丙项目", UnitID: 4, TotalInvestment: 12_345_600, Investor: "government", PlannedStart: d(2024, 5, 20)},
	}
	for i, w := range want {
		if ps[i].Project != w {
			t.Errorf("row %d:\n got %+v\nwant %+v", ps[i].Row, ps[i].Project, w)
		}
		if ps[i].Row != 5+i {
			t.Errorf("project %d on row %d, want %d", i, ps[i].Row, 5+i)
		}
	}
	rs := wb.Batch.Reports
	if len(rs) != 2 {
		t.Fatalf("%d reports, want 2", len(rs))
	}
	if r := rs[0]; r.Code != code1 || r.Report.Period != "2024-03" || r.Report.Completed != 5_002_500 || r.Report.ProgressPct != 35 || r.Report.ProgressText != "基础施工" {
		t.Errorf("report 1: %+v", r)
	}
	if r := rs[1]; r.Code != code2 || r.Report.Period != "2024-03" || r.Report.Completed != 10_000_000 || r.Report.ProgressPct != 40 {
		t.Errorf("report 2: %+v", r)
	}
}

// TestXLSXProblems: every problem is found in one pass, at its sheet, row and column, in
// order; rows with problems stay out of a commit (the caller refuses it).
func TestXLSXProblems(t *testing.T) {
	head := headers(projectColumns)
	row := func(code, unit, money, stage string) []any {
		r := make([]any, len(projectColumns))
		r[0], r[1], r[5], r[8], r[14], r[27] = code, "项目"+code[len(code)-2:], unit, "民间", money, stage
		return r
	}
	b := book(t, []sheetRows{
		{SheetProjects, [][]any{
			head,
			row(code1, "樟潭街道", "100", "签约"),
			row(code1, "樟潭街道", "200", ""),                         // duplicate code
			row(code2, "樟潭街道", "-100", ""),                        // negative money
			row(code3, "樟潭街道", "abc", ""),                         // not a number
			row("2301-330803-04-01-000004", "不存在镇", "1", ""),      // unknown unit
			row("2301-330803-04-01-000005", "樟潭街道", "1", "施工中"),   // unknown stage
			row("2301-330803-04-01-000006", "樟潭街道", "12.345", ""), // three decimals
			row("2301-330803-04-01-000007", "", "", ""),           // no unit
		}},
		{SheetProgress, [][]any{
			headers(progressColumns),
			{code1, "", "2024-13", "10", "x"},
			{code1, "", "2024-02-30", "10", "x"},
			{code1, "", "2024-03", "abc", "x"},
			{code1, "", "2024-04", "10", "x", 120},
			{code1, "", "2024-05", "10", "x"},
			{code1, "", "2024/5", "20", "y"}, // the same period again
			{code1, "", "2024-06", "10", ""},
		}},
	}, nil)
	wb := read(t, b, units(map[string]int64{"樟潭街道": 3}))
	got := problemList(wb.Problems)
	want := []string{
		"项目!A3 import.duplicate_code",
		"项目!O4 xlsx.money_negative",
		"项目!O5 xlsx.money_invalid",
		"项目!F6 xlsx.unit_unknown",
		"项目!AB7 xlsx.enum_invalid",
		"项目!O8 xlsx.money_places",
		"项目!F9 xlsx.required",
		"月度进度!C2 xlsx.period_invalid",
		"月度进度!C3 xlsx.period_invalid",
		"月度进度!D4 xlsx.money_invalid",
		"月度进度!F5 xlsx.pct_invalid",
		"月度进度!C7 import.duplicate_period",
		"月度进度!E8 xlsx.required",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("problems:\n got %q\nwant %q", got, want)
	}
	p := wb.Problems[0]
	if p.Header != "项目代码" || p.Message("zh") != "项目代码“"+code1+"”在本文件中重复（首次出现在第 2 行）" {
		t.Errorf("duplicate: header %q, message %q", p.Header, p.Message("zh"))
	}
	if m := wb.Problems[1].Message("zh"); m != "金额不能为负数（-100）" {
		t.Errorf("negative: %q", m)
	}
	if m := wb.Problems[11].Message("zh"); !strings.Contains(m, "首次出现在第 6 行") {
		t.Errorf("duplicate period: %q", m)
	}
	// The duplicate rows are left out of the batch; the others are kept for the store's checks.
	if n := len(wb.Batch.Projects); n != 7 {
		t.Errorf("%d projects in the batch, want 7", n)
	}
	if n := len(wb.Batch.Reports); n != 6 {
		t.Errorf("%d reports in the batch, want 6", n)
	}
}

// headers is the header row of a spec.
func headers(cols []column) []any {
	out := make([]any, len(cols))
	for i, c := range cols {
		out[i] = c.title
	}
	return out
}

// TestXLSXBadFiles: whatever the bytes, Read answers a clear EINVALID error, never a panic.
func TestXLSXBadFiles(t *testing.T) {
	tpl, err := Template("zh")
	if err != nil {
		t.Fatal(err)
	}
	var z bytes.Buffer
	zw := zip.NewWriter(&z)
	w, _ := zw.Create("hello.txt")
	w.Write([]byte("not a workbook"))
	zw.Close()
	rnd := make([]byte, 4096)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range rnd {
		rnd[i] = byte(rng.Uint32())
	}
	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 600)...)
	noSheets := book(t, []sheetRows{{"Sheet1", [][]any{{"姓名", "电话"}, {"张三", "123"}}}}, nil)
	for _, c := range []struct {
		name string
		data []byte
		key  string
	}{
		{"empty", nil, "xlsx.not_xlsx"},
		{"truncated to 100 bytes", tpl[:100], "xlsx.not_xlsx"},
		{"truncated in the middle", tpl[:len(tpl)/2], "xlsx.not_xlsx"},
		{"csv renamed", []byte("项目代码,项目名称\n" + code1 + ",甲项目\n"), "xlsx.not_xlsx"},
		{"random bytes", rnd, "xlsx.not_xlsx"},
		{"random bytes after a zip signature", append([]byte("PK\x03\x04"), rnd...), "xlsx.not_xlsx"},
		{"a zip that is no workbook", z.Bytes(), "xlsx.not_xlsx"},
		{"xls renamed", ole, "xlsx.old_xls"},
		{"a workbook without import sheets", noSheets, "xlsx.no_sheets"},
	} {
		_, _, err := Parse(bytes.NewReader(c.data), int64(len(c.data)), nil)
		var e *ding.Error
		if !errors.As(err, &e) || e.Code != ding.EINVALID || e.Key != c.key {
			t.Errorf("%s: %v, want %s", c.name, err, c.key)
			continue
		}
		if msg := i18n.T("zh", e.Key, e.Args...); c.key != "xlsx.no_sheets" && !strings.HasPrefix(msg, "不是有效的 Excel 2007+ (.xlsx) 文件") {
			t.Errorf("%s: message %q", c.name, msg)
		}
	}
	// Damage inside a valid zip: each cut and flipped byte gives a workbook or the error.
	good := book(t, []sheetRows{{SheetProjects, [][]any{headers(projectColumns), {code1, "甲", "", "", "", "樟潭街道"}}}}, nil)
	for i := 0; i < len(good); i += 53 {
		bad := bytes.Clone(good)
		bad[i] ^= 0xFF
		for _, data := range [][]byte{bad, good[:i]} {
			_, _, err := Parse(bytes.NewReader(data), int64(len(data)), nil)
			if err != nil && ding.ErrorCode(err) != ding.EINVALID {
				t.Fatalf("damaged at %d: %v", i, err)
			}
		}
	}
}

// TestXLSXSizeLimit: Read stops at size bytes.
func TestXLSXSizeLimit(t *testing.T) {
	tpl, _ := Template("zh")
	if _, _, err := Parse(bytes.NewReader(tpl), 1000, nil); ding.ErrorCode(err) != ding.EINVALID {
		t.Fatalf("a file cut by the size limit: %v", err)
	}
}

// testDB opens a database with the org tree 衢州市 → 衢江区 → 樟潭街道, 廿里镇 and a fixed clock.
type testDB struct {
	db    *store.DB
	ctx   context.Context
	units map[string]int64
}

func openDB(t *testing.T, e storetest.Engine) *testDB {
	t.Helper()
	db := storetest.Open(t, e)
	db.Now = func() time.Time { return time.Date(2024, 6, 20, 2, 0, 0, 0, time.UTC) }
	td := &testDB{db: db, ctx: ding.WithActor(context.Background(), ding.SystemActor("test")), units: map[string]int64{}}
	mk := func(name, parent string, kind ding.UnitKind, code string) {
		u := &ding.Unit{Name: name, Kind: kind, Code: code, ParentID: td.units[parent]}
		if err := db.CreateUnit(td.ctx, u); err != nil {
			t.Fatal(err)
		}
		td.units[name] = u.ID
	}
	mk("衢州市", "", ding.UnitCity, "330800")
	mk("衢江区", "衢州市", ding.UnitDistrict, "330803")
	mk("樟潭街道", "衢江区", ding.UnitTown, "")
	mk("廿里镇", "衢江区", ding.UnitTown, "")
	return td
}

// importFile reads b and runs it through the store as the system.
func (td *testDB) importFile(t *testing.T, b []byte, commit bool) (*store.ImportResult, []Problem) {
	t.Helper()
	wb := read(t, b, units(td.units))
	err := wb.FillMissing(func(code string) (*ding.Project, error) {
		ps, _, err := td.db.FindProjects(td.ctx, ding.ProjectFilter{Code: code})
		if err != nil || len(ps) == 0 {
			return nil, err
		}
		return ps[0], nil
	})
	if err != nil {
		t.Fatal(err)
	}
	wb.Batch.Source, wb.Batch.Approve = "test.xlsx", true
	res, err := td.db.Import(td.ctx, wb.Batch, commit && len(wb.Problems) == 0)
	if err != nil {
		t.Fatal(err)
	}
	return res, wb.Explain(res.Errors)
}

// TestXLSXTemplateRoundTrip: the template reads back empty; filled in, it imports with
// exact yuan amounts; imported again, it changes nothing.
func TestXLSXTemplateRoundTrip(t *testing.T) {
	tpl, err := Template("zh", "新材料", "特种纸")
	if err != nil {
		t.Fatal(err)
	}
	batch, problems, err := Parse(bytes.NewReader(tpl), int64(len(tpl)), nil)
	if err != nil || len(problems) != 0 || len(batch.Projects) != 0 || len(batch.Reports) != 0 {
		t.Fatalf("empty template: %+v %v %v", batch, problems, err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(tpl))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.GetSheetList(); !slices.Equal(got, []string{SheetProjects, SheetProgress, SheetNotes}) {
		t.Fatalf("sheets %v", got)
	}
	// The header: titles, bold, frozen.
	for cell, want := range map[string]string{"A1": "项目代码", "O1": "总投资（万元）", "AB1": "项目阶段", "AC1": "阶段日期"} {
		if v, _ := f.GetCellValue(SheetProjects, cell); v != want {
			t.Errorf("项目!%s = %q, want %q", cell, v, want)
		}
	}
	for cell, want := range map[string]string{"A1": "项目代码", "C1": "填报期次", "D1": "本期完成投资（万元）", "F1": "形象进度（%）", "H1": "下步计划"} {
		if v, _ := f.GetCellValue(SheetProgress, cell); v != want {
			t.Errorf("月度进度!%s = %q, want %q", cell, v, want)
		}
	}
	sid, _ := f.GetCellStyle(SheetProjects, "A1")
	if st, err := f.GetStyle(sid); err != nil || st.Font == nil || !st.Font.Bold {
		t.Errorf("header not bold: %+v %v", st, err)
	}
	for _, sh := range []string{SheetProjects, SheetProgress} {
		if p, _ := f.GetPanes(sh); !p.Freeze || p.YSplit != 1 || p.TopLeftCell != "A2" {
			t.Errorf("%s panes %+v", sh, p)
		}
	}
	dvs, _ := f.GetDataValidations(SheetProjects)
	lists := map[string]string{}
	for _, dv := range dvs {
		if dv.Type == "list" {
			lists[strings.SplitN(dv.Sqref, ":", 2)[0]] = dv.Formula1
		}
	}
	for cell, want := range map[string]string{"H2": "新建,扩建,改建,迁建,技改", "I2": "政府,国企,民间,外资,混合", "AB2": "谋划,在谈,签约,落地,开工,竣工,投产,入统,退库",
		"L2": "是,否", "J2": "A,B,C,D,E,F,G,H,I,J,K,L,M,N,O,P,Q,R,S,T", "K2": "新材料,特种纸"} {
		if got := strings.Trim(lists[cell], `"`); got != want {
			t.Errorf("drop-down at %s = %q, want %q", cell, got, want)
		}
	}
	notes, _ := f.GetRows(SheetNotes)
	explained := map[string]string{}
	for _, r := range notes {
		if len(r) >= 5 && r[0] != i18n.T("zh", "xlsx.notes.sheet") {
			explained[r[0]+"/"+r[2]] = r[4]
		}
	}
	if len(explained) != len(projectColumns)+len(progressColumns) {
		t.Errorf("notes explain %d columns, want %d", len(explained), len(projectColumns)+len(progressColumns))
	}
	if n := explained["项目/项目阶段"]; !strings.Contains(n, "谋划、在谈、签约") {
		t.Errorf("notes on 项目阶段: %q", n)
	}
	if n := explained["项目/总投资（万元）"]; !strings.Contains(n, "万元") {
		t.Errorf("notes on 总投资: %q", n)
	}

	// Fill it in.
	set := func(sheet, cell string, v any) {
		if err := f.SetCellValue(sheet, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	for col, v := range map[string]any{"A": code1, "B": "特种纸扩能项目", "D": "浙江某纸业有限公司", "F": "樟潭街道", "G": "樟潭街道",
		"H": "扩建", "I": "民间", "J": "C", "K": "特种纸", "L": "是", "N": "是", "O": 12345.67, "P": 80.5,
		"R": time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), "S": "2025-12-31", "V": "56,000", "W": 3000.01,
		"Y": "2024/1/10", "AB": "签约", "AC": "2024-01-10"} {
		set(SheetProjects, col+"2", v)
	}
	for col, v := range map[string]any{"A": code2, "B": "城区道路改造", "F": "廿里镇", "I": "政府", "O": "8,000", "AB": "开工", "AC": "2024-05-01"} {
		set(SheetProjects, col+"3", v)
	}
	for r, row := range [][]any{
		{code1, "特种纸扩能项目", "2024-01", 500.5, "开工准备", 5},
		{code1, "特种纸扩能项目", "2024-02", "700", "土方开挖", 10, "雨季施工", "加快进度"},
		{code2, "", "2024-05", 0.01, "开工", 1},
	} {
		if err := f.SetSheetRow(SheetProgress, fmt.Sprintf("A%d", r+2), &row); err != nil {
			t.Fatal(err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	filled := buf.Bytes()

	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			td := openDB(t, e)
			res, problems := td.importFile(t, filled, false)
			if len(problems) != 0 || res.Created != 2 || res.Reports != 3 || res.Committed {
				t.Fatalf("preview: %+v %v", res, problemList(problems))
			}
			res, problems = td.importFile(t, filled, true)
			if len(problems) != 0 || !res.Committed || res.Created != 2 || res.Reports != 3 {
				t.Fatalf("commit: %+v %v", res, problemList(problems))
			}
			ps, _, err := td.db.FindProjects(td.ctx, ding.ProjectFilter{Year: 2024, Sort: "code"})
			if err != nil || len(ps) != 2 {
				t.Fatalf("projects %v %v", ps, err)
			}
			p := ps[0]
			if p.Code != code1 || p.TotalInvestment != 123_456_700 || p.ExpectedOutput != 560_000_000 || p.ExpectedTax != 30_000_100 ||
				p.LandMu != 80.5 || p.UnitID != td.units["樟潭街道"] || p.LocationID != td.units["樟潭街道"] || p.Nature != "expansion" ||
				p.Investor != "private" || p.Industry != "C" || p.Chain != "特种纸" || !p.Manufacturing || p.HighTech || !p.Private ||
				p.PlannedStart.String() != "2024-03-01" || p.PlannedEnd.String() != "2025-12-31" || p.SignedOn.String() != "2024-01-10" ||
				p.Stage != ding.StageSigned || p.StageOn.String() != "2024-01-10" || p.OwnerName != "浙江某纸业有限公司" || p.Tier != ding.Tier1 {
				t.Errorf("project 1: %+v", p)
			}
			if p.CompletedYTD != 12_005_000 || p.ProgressPct != 10 {
				t.Errorf("project 1 figures: completed %d, progress %d", p.CompletedYTD, p.ProgressPct)
			}
			if q := ps[1]; q.Code != code2 || q.TotalInvestment != 80_000_000 || q.Stage != ding.StageStarted || q.Investor != "government" || q.CompletedYTD != 100 {
				t.Errorf("project 2: %+v", q)
			}
			reps, _, err := td.db.FindReports(td.ctx, store.ReportFilter{ProjectID: p.ID})
			if err != nil || len(reps) != 2 || reps[0].Period != "2024-02" || reps[0].Completed != 7_000_000 || reps[0].Problems != "雨季施工" ||
				reps[0].Status != ding.ReportApproved || reps[1].Completed != 5_005_000 {
				t.Errorf("reports %+v %v", reps, err)
			}
			// The same file again changes nothing.
			res, problems = td.importFile(t, filled, true)
			if len(problems) != 0 || res.Created != 0 || res.Updated != 0 || res.Unchanged != 2 || res.Reports != 0 || res.ReportsUnchanged != 3 {
				t.Fatalf("re-import: %+v %v", res, problemList(problems))
			}
		})
	}
}

// TestXLSXStoreErrorsMapped: the store's row errors join the reading problems at their
// sheet, row and column, sorted; a sheet without some columns (or with a blank stage)
// leaves the stored values alone.
func TestXLSXStoreErrorsMapped(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			td := openDB(t, e)
			existing := &ding.Project{Code: code3, Name: "丙项目", UnitID: td.units["樟潭街道"], Investor: "private",
				TotalInvestment: 5 * ding.Yi, Chain: "特种纸", Stage: ding.StageSigned, StageOn: ding.Date{Year: 2024, Month: 2, Day: 1}}
			if err := td.db.CreateProject(td.ctx, existing); err != nil {
				t.Fatal(err)
			}
			// Columns in another order, no 总投资, no 产业链; 项目阶段 present but blank.
			head := []any{"项目名称", "备注", "项目代码", "投资主体", "责任单位", "项目阶段", "阶段日期", "计划开工", "计划竣工"}
			b := book(t, []sheetRows{
				{"进度", [][]any{
					{"项目代码", "填报期次", "本期完成投资（万元）", "形象进度"},
					{code3, "2024-03", "10", "施工"},
					{"2301-330803-04-01-999999", "2024-03", "10", "施工"}, // no such project
				}},
				{"项目", [][]any{
					head,
					{"丙项目", "", code3, "民间", "樟潭街道", "", "", "", ""},
					{"坏代码", "", "12345", "民间", "樟潭街道", "", "", "", ""},                                       // store: code format
					{"倒置", "", "2301-330803-04-01-000008", "民间", "樟潭街道", "", "", "2024-05-01", "2024-01-01"}, // store: end before start
					{"", "", "", "", "", "", "", "", ""},
					{"错单位", "", "2301-330803-04-01-000010", "民间", "不存在镇", "", "", "", ""}, // reading: unknown unit
				}},
			}, nil)
			res, problems := td.importFile(t, b, true)
			if res.Committed {
				t.Fatal("a file with problems was committed")
			}
			got := problemList(problems)
			want := []string{
				"进度!A3 import.no_project",
				"项目!C3 project.code_invalid",
				"项目!I4 project.end_before_start",
				"项目!E6 xlsx.unit_unknown",
			}
			if !slices.Equal(got, want) {
				t.Fatalf("problems:\n got %q\nwant %q", got, want)
			}
			if problems[1].Header != "项目代码" || problems[2].Header != "计划竣工" {
				t.Errorf("headers %q %q", problems[1].Header, problems[2].Header)
			}
			ps, _, _ := td.db.FindProjects(td.ctx, ding.ProjectFilter{})
			if len(ps) != 1 {
				t.Fatalf("a refused import wrote %d projects", len(ps)-1)
			}
			// Only the existing project, its name changed: the missing columns and the
			// blank stage keep what is stored.
			b = book(t, []sheetRows{{"项目", [][]any{head, {"丙项目（一期）", "", code3, "民间", "樟潭街道", "", "", "", ""}}}}, nil)
			res, problems = td.importFile(t, b, true)
			if len(problems) != 0 || !res.Committed || res.Updated != 1 {
				t.Fatalf("update: %+v %v", res, problemList(problems))
			}
			ps, _, _ = td.db.FindProjects(td.ctx, ding.ProjectFilter{Code: code3})
			if p := ps[0]; p.Name != "丙项目（一期）" || p.TotalInvestment != 5*ding.Yi || p.Chain != "特种纸" || p.Stage != ding.StageSigned {
				t.Errorf("after a partial import: %+v", p)
			}
			res, _ = td.importFile(t, b, true)
			if res.Unchanged != 1 || res.Updated != 0 {
				t.Errorf("partial re-import: %+v", res)
			}
		})
	}
}

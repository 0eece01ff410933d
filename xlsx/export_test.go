package xlsx

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"ding"
)

func openExport(t *testing.T, b []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the export does not open: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func cell(t *testing.T, f *excelize.File, sheet, ref string, raw bool) string {
	t.Helper()
	v, err := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: raw})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func numFmt(t *testing.T, f *excelize.File, sheet, ref string) string {
	t.Helper()
	id, err := f.GetCellStyle(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil || st.CustomNumFmt == nil {
		return ""
	}
	return *st.CustomNumFmt
}

func TestExportProjectsLayout(t *testing.T) {
	now := time.Date(2024, 6, 20, 2, 0, 0, 0, time.UTC)
	ps := []*ding.Project{
		{Code: code1, Name: "特种纸扩能项目（一期）年产 30 万吨高档特种纸", UnitName: "樟潭街道", LocationName: "樟潭街道",
			Stage: ding.StageStarted, Tier: ding.Tier10, Investor: "private", Chain: "特种纸", TotalInvestment: 1_234_567_800,
			PlanYear: 300_000_000, CompletedYTD: 150_000_100, ProgressPct: 45, PlannedStart: ding.Date{Year: 2024, Month: 3, Day: 1}, LeaderName: "王副区长"},
		{Code: code2, Name: "城区道路改造", UnitName: "廿里镇", Stage: ding.StageSigned, Tier: ding.TierNone, Investor: "government",
			TotalInvestment: 80_000_000},
	}
	tot := ding.ProjectTotals{Count: 2, TotalInvestment: 1_314_567_800, PlanYear: 300_000_000, CompletedYTD: 150_000_100}
	var b bytes.Buffer
	if err := ExportProjects(&b, ProjectList{Lang: "zh", Unit: "衢江区", Year: 2024, Now: now, Projects: ps, Totals: tot}); err != nil {
		t.Fatal(err)
	}
	f := openExport(t, b.Bytes())
	sh := "项目清单"
	if got := f.GetSheetList(); len(got) != 1 || got[0] != sh {
		t.Fatalf("sheets %v", got)
	}
	if v := cell(t, f, sh, "A1", false); v != "衢江区重大项目清单（2024年）" {
		t.Errorf("title %q", v)
	}
	if v := cell(t, f, sh, "A2", false); !strings.Contains(v, "导出日期：2024-06-20") || !strings.Contains(v, "万元") {
		t.Errorf("date row %q", v)
	}
	merged, _ := f.GetMergeCells(sh)
	var refs []string
	for _, m := range merged {
		refs = append(refs, m.GetStartAxis()+":"+m.GetEndAxis())
	}
	for _, want := range []string{"A1:Q1", "A2:Q2", "A6:I6"} {
		if !strings.Contains(strings.Join(refs, " "), want) {
			t.Errorf("merged cells %v lack %s", refs, want)
		}
	}
	for ref, want := range map[string]string{"A3": "序号", "B3": "项目代码", "C3": "项目名称", "J3": "总投资（万元）",
		"K3": "年度计划（万元）", "L3": "本年完成（万元）", "M3": "完成率", "N3": "形象进度（%）"} {
		if v := cell(t, f, sh, ref, false); v != want {
			t.Errorf("header %s = %q, want %q", ref, v, want)
		}
	}
	if p, _ := f.GetPanes(sh); !p.Freeze || p.YSplit != 3 || p.TopLeftCell != "A4" {
		t.Errorf("panes %+v", p)
	}
	// Money: the number in 万元, shown with separators and two decimals.
	if v := cell(t, f, sh, "J4", true); v != "123456.78" {
		t.Errorf("J4 raw %q", v)
	}
	if v := cell(t, f, sh, "J4", false); v != "123,456.78" {
		t.Errorf("J4 shown %q", v)
	}
	if nf := numFmt(t, f, sh, "J4"); nf != "#,##0.00" {
		t.Errorf("J4 format %q", nf)
	}
	if v := cell(t, f, sh, "M4", true); v != "0.500000333333333" && !strings.HasPrefix(v, "0.5000003") {
		t.Errorf("M4 rate %q", v)
	}
	if v := cell(t, f, sh, "M4", false); v != "50.0%" {
		t.Errorf("M4 shown %q", v)
	}
	if v := cell(t, f, sh, "M5", false); v != "—" {
		t.Errorf("rate without a plan %q", v)
	}
	if v := cell(t, f, sh, "O4", false); v != "2024-03-01" {
		t.Errorf("planned start %q", v)
	}
	if v := cell(t, f, sh, "F4", false); v != "开工" {
		t.Errorf("stage %q", v)
	}
	if v := cell(t, f, sh, "G4", false); v != "10亿元以上" {
		t.Errorf("tier %q", v)
	}
	// Totals.
	if v := cell(t, f, sh, "A6", false); v != "合计（2 个项目）" {
		t.Errorf("totals label %q", v)
	}
	for ref, want := range map[string]string{"J6": "131456.78", "K6": "30000", "L6": "15000.01"} {
		if v := cell(t, f, sh, ref, true); v != want {
			t.Errorf("total %s = %q, want %q", ref, v, want)
		}
	}
	if v := cell(t, f, sh, "J6", false); v != "131,456.78" {
		t.Errorf("J6 shown %q", v)
	}
	// Widths fit: the long name column is wider than the sequence column, within limits.
	wa, _ := f.GetColWidth(sh, "A")
	wc, _ := f.GetColWidth(sh, "C")
	wj, _ := f.GetColWidth(sh, "J")
	if wa > 10 || wc < 30 || wc > 40 || wj < 12 {
		t.Errorf("widths A %v, C %v, J %v", wa, wc, wj)
	}

	// English headers for an English user; the layout stays.
	b.Reset()
	if err := ExportProjects(&b, ProjectList{Lang: "en", Unit: "Qujiang", Year: 2024, Now: now, Totals: ding.ProjectTotals{}}); err != nil {
		t.Fatal(err)
	}
	f = openExport(t, b.Bytes())
	if v := cell(t, f, "Projects", "J3", false); v != "Total investment (10k yuan)" {
		t.Errorf("English header %q", v)
	}
	if v := cell(t, f, "Projects", "A4", false); v != "Total (0 projects)" {
		t.Errorf("empty list totals %q", v)
	}
}

func TestExportReportsLayout(t *testing.T) {
	p := &ding.Project{Code: code1, Name: "特种纸扩能项目"}
	at := time.Date(2024, 2, 10, 1, 30, 0, 0, time.UTC)
	reps := []*ding.ProgressReport{
		{Period: "2024-01", Kind: ding.PeriodMonth, Version: 1, Current: true, Completed: 5_005_000, CompletedYTD: 5_005_000, CompletedAll: 5_005_000,
			ProgressText: "开工准备", ProgressPct: 5, Status: ding.ReportApproved, SubmitterName: "张三", SubmittedAt: at},
		{Period: "2024-02", Kind: ding.PeriodMonth, Version: 2, Current: true, Completed: 7_000_000, CompletedYTD: 12_005_000, CompletedAll: 12_005_000,
			ProgressText: "土方", ProgressPct: 10, Status: ding.ReportSubmitted, Late: true, SubmitterName: "李四", SubmittedAt: at},
		{Period: "2024-03", Kind: ding.PeriodMonth, Version: 1, Current: true, Completed: 1_000_000, Status: ding.ReportReturned,
			ProgressText: "退回的", SubmittedAt: at},
	}
	var b bytes.Buffer
	if err := ExportReports(&b, ReportList{Lang: "zh", Project: p, Now: at, Reports: reps}); err != nil {
		t.Fatal(err)
	}
	f := openExport(t, b.Bytes())
	sh := "进度填报"
	for ref, want := range map[string]string{
		"A1": "特种纸扩能项目（" + code1 + "）进度填报记录", "A3": "填报期次", "C3": "本期完成（万元）", "D3": "本年累计（万元）",
		"E3": "开工累计（万元）", "A4": "2024-01", "F5": "土方", "J5": "待审核", "K5": "是", "K4": "否", "L4": "张三",
		"M4": "2024-02-10 09:30", "G5": "10%", "C4": "500.50", "D5": "1,200.50", "A7": "合计（3 期）", "C7": "1,200.50",
	} {
		if v := cell(t, f, sh, ref, false); v != want {
			t.Errorf("%s = %q, want %q", ref, v, want)
		}
	}
	if v := cell(t, f, sh, "C5", true); v != "700" {
		t.Errorf("C5 raw %q", v)
	}
	if p, _ := f.GetPanes(sh); !p.Freeze || p.TopLeftCell != "A4" {
		t.Errorf("panes %+v", p)
	}
}

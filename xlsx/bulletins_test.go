package xlsx

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"ding"
)

// TestExportBulletin: one sheet per table, the figures from the stored integers, the
// commentary beside its unit and project, a formula-like text kept as text, and an empty
// month written without a division by zero.
func TestExportBulletin(t *testing.T) {
	b := &ding.Bulletin{ID: 1, UnitID: 2, UnitName: "衢江区", Year: 2024, Month: 5, Status: ding.BulletinDraft,
		Data: &ding.BulletinData{Projects: 2, Investment: 12 * ding.Yi, Plan: 1200 * 10_000, Completed: 300 * 10_000, Yellow: 1,
			Units: []ding.BulletinUnit{{UnitID: 3, UnitName: "樟潭街道", Projects: 2, Plan: 1200 * 10_000, Completed: 300 * 10_000, Rank: 1, PrevRank: 2},
				{UnitID: 4, UnitName: "廿里镇"}},
			Warnings:      []ding.BulletinWarning{{ProjectID: 9, ProjectName: "=特种纸项目", UnitName: "樟潭街道", Colour: "yellow", Reason: "落后 16.7 个百分点", Since: ding.Date{Year: 2024, Month: 6, Day: 1}}},
			WarningsTotal: 3,
			Broken:        []ding.BulletinCommitment{{ID: 5, ProjectID: 9, ProjectName: "特种纸项目", Clause: "到资 5000 万元", Due: ding.Date{Year: 2024, Month: 4, Day: 30}}},
		},
		Comments: []*ding.BulletinComment{{Kind: "unit", TargetID: 3, Text: "须倒排工期"}, {Kind: "project", TargetID: 9, Text: "加快要素保障"}, {Kind: "general", Text: "奋力赶超"}},
	}
	cs := ding.ColourScheme{{Key: "red", Name: "红", Rank: 3}, {Key: "yellow", Name: "黄", Rank: 2}, {Key: "blue", Name: "蓝", Rank: 1}}
	var buf bytes.Buffer
	if err := ExportBulletin(&buf, BulletinBook{Lang: "zh", Bulletin: b, Area: "全区", Colours: cs, Now: time.Date(2024, 6, 20, 2, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != "概况,排名,预警,新增与解除,诉求,对赌,通报名单,流动红旗" {
		t.Fatalf("sheets: %s", got)
	}
	rows, _ := f.GetRows("概况")
	all := ""
	for _, r := range rows {
		all += strings.Join(r, "|") + "\n"
	}
	for _, want := range []string{"衢江区 2024年第5期 月度通报 · 概况", "占年度计划的 25.0%", "完成年度计划|25.0%", "总体点评|奋力赶超", "草稿"} {
		if !strings.Contains(all, want) {
			t.Errorf("概况 lacks %q:\n%s", want, all)
		}
	}
	rows, _ = f.GetRows("排名")
	if len(rows) < 5 || strings.Join(rows[3], "|") != "1|樟潭街道|2|1,200.00|300.00|25.0%|0|↑1|须倒排工期" {
		t.Errorf("排名: %q", rows)
	}
	if v, _ := f.GetCellValue("排名", "E4", excelize.Options{RawCellValue: true}); v != "300" {
		t.Errorf("E4 raw: %q", v)
	}
	if strings.Join(rows[4], "|") != "—|廿里镇|0|0.00|0.00|—|0|—" {
		t.Errorf("廿里镇 without a plan: %q", rows[4])
	}
	rows, _ = f.GetRows("预警")
	if len(rows) < 5 || rows[3][0] != "黄" || rows[3][1] != "'=特种纸项目" || rows[3][7] != "加快要素保障" || !strings.Contains(rows[4][0], "另有 2 个") {
		t.Errorf("预警: %q", rows)
	}
	if rows, _ = f.GetRows("对赌"); len(rows) < 4 || rows[3][1] != "到资 5000 万元" {
		t.Errorf("对赌: %q", rows)
	}
	if rows, _ = f.GetRows("流动红旗"); len(rows) < 4 || rows[3][0] != "无" {
		t.Errorf("流动红旗: %q", rows)
	}
	// An empty month.
	buf.Reset()
	empty := &ding.Bulletin{UnitName: "衢江区", Year: 2023, Month: 5, Status: ding.BulletinPublished, Data: &ding.BulletinData{}}
	if err := ExportBulletin(&buf, BulletinBook{Lang: "zh", Bulletin: empty, Area: "全区", Colours: cs, Now: time.Now()}); err != nil {
		t.Fatal(err)
	}
	f2, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f2.Close()
	rows, _ = f2.GetRows("概况")
	all = ""
	for _, r := range rows {
		all += strings.Join(r, "|") + "\n"
	}
	if !strings.Contains(all, "暂无投资计划和完成数据") || strings.Contains(all, "NaN") || !strings.Contains(all, "完成年度计划|—") {
		t.Errorf("empty month:\n%s", all)
	}
}

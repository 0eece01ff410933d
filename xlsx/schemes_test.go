package xlsx

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"ding"
)

// TestExportSchemeResult: one row per participant with the item points as numbers, the
// total and the rank, the groups named, the flag marked, missing and exempt items noted,
// and the sheet says whether the figures were locked.
func TestExportSchemeResult(t *testing.T) {
	s := &ding.Scheme{Name: "乡镇季比拼", OrganizerName: "衢江区", FlagName: "流动红旗", TotalPoints: 10000,
		Items: []ding.SchemeItem{{ID: 1, IndicatorName: "地区生产总值", Weight: 6000}, {ID: 2, IndicatorName: "固定资产投资", Weight: 4000}},
		Participants: []ding.Participant{{UnitID: 1, UnitName: "樟潭街道", Group: "乡镇"}, {UnitID: 2, UnitName: "=廿里镇", Group: "乡镇"},
			{UnitID: 3, UnitName: "区发改局", Group: "部门"}}}
	scores := []*ding.Score{
		{UnitID: 1, UnitName: "樟潭街道", Group: "乡镇", Items: []ding.ItemScore{{ItemID: 1, Points: 6000}, {ItemID: 2, Points: 1000}},
			Adjust: -500, Total: 6500, Rank: 1, PrevRank: 2, Flag: true},
		{UnitID: 2, UnitName: "=廿里镇", Group: "乡镇", Items: []ding.ItemScore{{ItemID: 1, Points: 5700}, {ItemID: 2, Missing: true}},
			Total: 5700, Rank: 2, PrevRank: 1},
		{UnitID: 3, UnitName: "区发改局", Group: "部门", Items: []ding.ItemScore{{ItemID: 1, Points: 6000}, {ItemID: 2, Points: 2250, Exempt: true}},
			Total: 8250, Rank: 1, Flag: true},
	}
	at := time.Date(2024, 7, 5, 2, 0, 0, 0, time.UTC)
	for _, locked := range []bool{true, false} {
		var b bytes.Buffer
		err := ExportSchemeResult(&b, SchemeResult{Lang: "zh", Scheme: s, PeriodLabel: "2024年第2季度", Locked: locked, LockedBy: "office",
			LockedAt: at, Now: at, Scores: scores})
		if err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&b)
		if err != nil {
			t.Fatal(err)
		}
		sheet := f.GetSheetName(0)
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if sheet != "考核结果" || len(rows) != 6 || rows[0][0] != "乡镇季比拼 2024年第2季度 考核结果" {
			t.Fatalf("sheet %q rows %q", sheet, rows)
		}
		if locked != strings.Contains(rows[1][0], "数据截面已锁定") || locked == strings.Contains(rows[1][0], "试算") {
			t.Errorf("locked %v: subtitle %q", locked, rows[1][0])
		}
		wantHead := []string{"组别", "名次", "单位", "地区生产总值\n（60 分）", "固定资产投资\n（40 分）", "加减分", "总分", "名次变化", "流动红旗", "说明"}
		if strings.Join(rows[2], "|") != strings.Join(wantHead, "|") {
			t.Errorf("header %q", rows[2])
		}
		// Values are numbers, not text: the totals can be summed.
		for cell, want := range map[string]float64{"D4": 60, "E4": 10, "F4": -5, "G4": 65, "G5": 57, "G6": 82.5, "E6": 22.5, "B4": 1, "B6": 1} {
			v, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
			if err != nil || v == "" {
				t.Fatalf("%s: %q %v", cell, v, err)
			}
			var got float64
			if _, err := fmt.Sscan(v, &got); err != nil || got != want {
				t.Errorf("%s = %q, want %v", cell, v, want)
			}
		}
		if rows[3][2] != "樟潭街道" || rows[3][0] != "乡镇" || rows[3][7] != "↑1" || rows[3][8] != "★ 夺旗" || rows[4][7] != "↓1" {
			t.Errorf("row 4: %q", rows[3])
		}
		if rows[4][2] != "'=廿里镇" || rows[4][9] != "缺数：固定资产投资" || rows[5][9] != "免考（按组内平均分计）：固定资产投资" || len(rows[4]) > 9 && rows[4][8] != "" {
			t.Errorf("rows 5, 6: %q %q", rows[4], rows[5])
		}
		f.Close()
	}
}

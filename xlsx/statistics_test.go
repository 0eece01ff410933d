package xlsx

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestExportStatistics: one sheet per table, in order, with numbers as numbers in their
// formats and a missing figure as "—".
func TestExportStatistics(t *testing.T) {
	var b bytes.Buffer
	sheets := []StatSheet{
		{Name: "固定资产投资", Title: "衢江区 2024年固定资产投资完成情况", Subtitle: "单位：亿元",
			Headers: []string{"月份", "累计完成", "同比增长", "项目数"}, Kinds: []StatKind{StatText, StatYi, StatRate, StatCount},
			Rows: [][]any{{"1月", 1.2345, 0.125, int64(3)}, {"2月", "—", "—", "—"}, {"合计", 1.2345, 0.125, int64(3)}},
			Bold: []bool{false, false, true}},
		{Name: "a/b:c", Title: "second", Headers: []string{"x"}, Rows: [][]any{{"=1+1"}}},
		{Name: "a/b:c", Title: "third"},
	}
	if err := ExportStatistics(&b, sheets); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	names := f.GetSheetList()
	if len(names) != 3 || names[0] != "固定资产投资" || names[1] != "a_b_c" || names[1] == names[2] {
		t.Fatalf("sheets: %q", names)
	}
	for cell, want := range map[string]string{"A1": "衢江区 2024年固定资产投资完成情况", "B3": "累计完成", "B4": "1.23", "C4": "12.5%", "D4": "3", "B5": "—", "A6": "合计"} {
		if got, _ := f.GetCellValue(names[0], cell); got != want {
			t.Errorf("%s = %q, want %q", cell, got, want)
		}
	}
	if got, _ := f.GetCellValue(names[0], "B4", excelize.Options{RawCellValue: true}); got != "1.2345" {
		t.Errorf("raw B4 = %q", got)
	}
	if got, _ := f.GetCellValue(names[1], "A4"); got != "'=1+1" {
		t.Errorf("formula-looking text: %q", got)
	}
}

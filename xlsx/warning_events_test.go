package xlsx

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"ding"
	"ding/store"
)

func TestExportWarningEvents(t *testing.T) {
	now := time.Date(2024, 7, 1, 2, 0, 0, 0, time.UTC)
	evs := []*store.WarningEventRow{
		{WarningEvent: store.WarningEvent{ProjectName: "特种纸扩能项目", RuleName: "投资进度滞后", Event: "cleared", From: "red",
			Reason: "warn.reason.invest_lag_points", Args: []any{5, 300, "25.0", "41.7", "16.7"}, On: ding.Date{Year: 2024, Month: 6, Day: 21}},
			ProjectCode: code1, UnitName: "樟潭街道", Colour: "red"},
		{WarningEvent: store.WarningEvent{ProjectName: "城区道路改造", RuleName: "里程碑逾期", Subject: "开工", Event: "raised", From: "yellow", To: "red",
			On: ding.Date{Year: 2024, Month: 6, Day: 20}}, ProjectCode: code2, UnitName: "廿里镇", Colour: "red"},
	}
	names := map[ding.Colour]string{"red": "红", "yellow": "黄"}
	var b bytes.Buffer
	if err := ExportWarningEvents(&b, WarningEventList{Lang: "zh", Scope: "衢江区", Month: "2024-06", Filter: "解除预警", Now: now,
		ColourName: func(c ding.Colour) string { return names[c] }, Events: evs}); err != nil {
		t.Fatal(err)
	}
	f := openExport(t, b.Bytes())
	sh := "预警事件"
	if got := f.GetSheetList(); len(got) != 1 || got[0] != sh {
		t.Fatalf("sheets %v", got)
	}
	for ref, want := range map[string]string{
		"A1": "衢江区预警事件明细（2024-06）", "A3": "序号", "B3": "日期", "C3": "事件", "D3": "颜色", "K3": "原因",
		"A4": "1", "B4": "2024-06-21", "C4": "解除预警", "D4": "红", "E4": "红", "F4": "", "G4": code1, "H4": "特种纸扩能项目", "I4": "樟潭街道",
		"J5": "里程碑逾期（开工）", "E5": "黄", "F5": "红", "A6": "合计 2 条",
	} {
		if v := cell(t, f, sh, ref, false); v != want {
			t.Errorf("%s = %q, want %q", ref, v, want)
		}
	}
	if v := cell(t, f, sh, "A2", false); !strings.Contains(v, "2024-07-01") || !strings.Contains(v, "解除预警") {
		t.Errorf("subtitle %q", v)
	}
	if v := cell(t, f, sh, "K4", false); !strings.Contains(v, "16.7") || strings.Contains(v, "warn.reason") {
		t.Errorf("reason %q", v)
	}
	if nf := numFmt(t, f, sh, "B4"); nf != "yyyy-mm-dd" {
		t.Errorf("date format %q", nf)
	}
	if p, _ := f.GetPanes(sh); !p.Freeze || p.TopLeftCell != "A4" {
		t.Errorf("panes %+v", p)
	}
	// English, and an empty list still has its header and count.
	b.Reset()
	if err := ExportWarningEvents(&b, WarningEventList{Lang: "en", Scope: "Qujiang", Month: "2024-06", Now: now}); err != nil {
		t.Fatal(err)
	}
	f = openExport(t, b.Bytes())
	if v := cell(t, f, "Warning events", "C3", false); v != "Event" {
		t.Errorf("english header %q", v)
	}
	if v := cell(t, f, "Warning events", "A4", false); v != "Total: 0 events" {
		t.Errorf("english total %q", v)
	}
}

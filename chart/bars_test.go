package chart

import (
	"strings"
	"testing"
)

// TestBarsFormatDark: counts shown as themselves, on a dark ground.
func TestBarsFormatDark(t *testing.T) {
	c := Bars{ID: "wt", Title: "预警趋势", Categories: monthsCN[:6], Unit: "条", Format: Integer, Dark: true,
		Bars:  []Series{{Name: "红色", Values: []int64{1, 3, 0, 2, 5, 4}}, {Name: "黄色", Values: []int64{7, 2, 3, 3, 1, 0}}},
		Lines: []Series{{Name: "累计", Values: Cumulative([]int64{8, 5, 3, 5, 6, 4})}}}
	svg := c.SVG()
	sample(t, "bars-dark", svg)
	wellFormed(t, svg)
	s := string(svg)
	for _, want := range []string{"<title>2月 红色 3 条</title>", "<title>6月 累计 31 条</title>", ">7</text>", ">35</text>", `fill="#0f172a"`} {
		if !strings.Contains(s, want) {
			t.Errorf("missing %q", want)
		}
	}
	if strings.Contains(s, "#ffffff") || strings.Contains(s, "NaN") {
		t.Errorf("white or NaN on the dark chart")
	}
	light := planActual()
	sample(t, "bars", light.SVG())
	if strings.Contains(string(light.SVG()), "#0f172a") {
		t.Errorf("dark ground on a light chart")
	}
}

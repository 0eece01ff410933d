package chart

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"ding"
)

func months() []string {
	var out []string
	for m := 1; m <= 12; m++ {
		out = append(out, []string{"1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"}[m-1])
	}
	return out
}

func planActual() Bars {
	plan := []int64{100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100, 1200}
	done := []int64{90, 210, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	for i := range plan {
		plan[i] *= 10_000
		done[i] *= 10_000
	}
	return Bars{
		ID: "c1", Title: "2024年 计划与完成", Categories: months(), Unit: "万元",
		Bars:  []Series{{Name: "计划", Values: plan}, {Name: "完成", Values: done}},
		Lines: []Series{{Name: "累计完成", Values: Cumulative(done)}},
	}
}

// wellFormed parses the SVG as XML, so that an unescaped label would fail.
func wellFormed(t *testing.T, svg []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(svg))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, svg)
		}
	}
}

func TestBarsPlanActual(t *testing.T) {
	svg := planActual().SVG()
	wellFormed(t, svg)
	s := string(svg)
	for _, c := range []struct {
		what string
		sub  string
		n    int
	}{
		{"month groups", `<g class="group"`, 12},
		{"plan bars", `class="bar bar-0"`, 12},
		{"actual bars", `class="bar bar-1"`, 12},
		{"tooltips on bars and points", `<title>`, 1 + 24 + 12},
		{"line", `<polyline`, 1},
		{"line points", `class="point"`, 12 + 1}, // 12 on the line, 1 in the legend
		{"hatch pattern", `<pattern id="c1hatch"`, 1},
		{"hatched plan bars", `fill="url(#c1hatch)"`, 12 + 1},
		{"legend", `<g class="legend"`, 1},
	} {
		if got := strings.Count(s, c.sub); got != c.n {
			t.Errorf("%s: %d × %q, want %d", c.what, got, c.sub, c.n)
		}
	}
	for _, want := range []string{
		"<title>3月 计划 300 万元</title>",
		"<title>2月 完成 210 万元</title>",
		"<title>2月 累计完成 300 万元</title>",
		">12月</text>", ">万元</text>", ">2024年 计划与完成</text>",
		">计划</text>", ">完成</text>", ">累计完成</text>",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("missing %q", want)
		}
	}
	// Axis: the largest bar (1,200万) fits under the top label, on a 1-2-5 step.
	if !strings.Contains(s, ">1,200</text>") || !strings.Contains(s, ">0</text>") {
		t.Errorf("left axis labels missing")
	}
	if strings.Contains(s, "暂无数据") {
		t.Errorf("empty message on a chart with data")
	}
	// Deterministic output.
	if !bytes.Equal(svg, planActual().SVG()) {
		t.Errorf("two renderings differ")
	}
}

// TestBarsShortLine: a running total that ends in February draws two points, not twelve.
func TestBarsShortLine(t *testing.T) {
	c := planActual()
	c.Lines[0].Values = c.Lines[0].Values[:2]
	s := string(c.SVG())
	if got := strings.Count(s, `class="point"`); got != 2+1 {
		t.Errorf("%d points, want 2 and the legend's", got)
	}
	if strings.Contains(s, "3月 累计完成") {
		t.Errorf("a point after the line's end")
	}
}

func TestBarsEscapesText(t *testing.T) {
	c := planActual()
	c.Title = `<script>alert("x")</script> & co`
	c.Categories[0] = "1<月>"
	c.Bars[0].Name = `计划"'`
	c.ID = `x"><g`
	c.Unit = "万\x00元"
	svg := c.SVG()
	wellFormed(t, svg)
	s := string(svg)
	if strings.Contains(s, "<script") || strings.Contains(s, "1<月>") || strings.Contains(s, `x"><g`) {
		t.Fatalf("unescaped text in:\n%s", s)
	}
	for _, want := range []string{"&lt;script&gt;", "1&lt;月&gt;", "&amp; co", "计划&quot;&#39;", ">万元</text>"} {
		if !strings.Contains(s, want) {
			t.Errorf("missing escaped %q", want)
		}
	}
}

func TestBarsEmpty(t *testing.T) {
	for name, c := range map[string]Bars{
		"no categories": {Title: "t", Unit: "万元"},
		"all zero":      {Title: "t", Categories: months(), Bars: []Series{{Name: "计划", Values: make([]int64, 12)}}},
		"english":       {Title: "t", Categories: months(), Empty: "No data"},
	} {
		t.Run(name, func(t *testing.T) {
			svg := c.SVG()
			wellFormed(t, svg)
			s := string(svg)
			want := "暂无数据"
			if c.Empty != "" {
				want = c.Empty
			}
			if !strings.Contains(s, `class="empty"`) || !strings.Contains(s, ">"+want+"</text>") {
				t.Errorf("no empty message:\n%s", s)
			}
			if strings.Contains(s, `class="bar`) {
				t.Errorf("bars drawn on an empty chart")
			}
		})
	}
}

func TestNiceScale(t *testing.T) {
	for _, c := range []struct{ max, top, step int64 }{
		{0, 100, 100},
		{1, 100, 100},
		{12_000_000, 12_000_000, 2_000_000},
		{12_000_001, 14_000_000, 2_000_000},
		{3 * ding.Yi, 3 * ding.Yi, ding.Yi / 2},
		{999, 1000, 200},
		{4_321, 5_000, 1_000},
	} {
		top, step := niceScale(c.max)
		if top != c.top || step != c.step {
			t.Errorf("niceScale(%d) = %d, %d; want %d, %d", c.max, top, step, c.top, c.step)
		}
		if top < c.max || top/step > 10 {
			t.Errorf("niceScale(%d): top %d step %d", c.max, top, step)
		}
	}
}

func TestCumulative(t *testing.T) {
	got := Cumulative([]int64{1, 2, 0, 4})
	want := []int64{1, 3, 3, 7}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Cumulative = %v, want %v", got, want)
		}
	}
}

func BenchmarkBarsPlanActual(b *testing.B) {
	c := planActual()
	for b.Loop() {
		c.SVG()
	}
}

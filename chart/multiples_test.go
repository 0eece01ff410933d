package chart

import (
	"strings"
	"testing"
)

func multiplesSample() SmallMultiples {
	sched := make([]int64, 12)
	for i := range sched {
		sched[i] = int64(i+1) * 10000 / 12
	}
	var ps []Panel
	for i, name := range counties {
		vs := make([]int64, 9)
		for m := range vs {
			vs[m] = int64(m+1)*int64(650+i*70) + int64((i*131+m*57)%300)
		}
		ps = append(ps, Panel{Name: name, Values: vs, Highlight: i == 1})
	}
	return SmallMultiples{
		ID: "sm", Title: "各县（市、区）投资完成率", Categories: monthsCN, Panels: ps,
		SeriesName: "完成率", Ref: Series{Name: "时序进度", Values: sched}, Unit: "%", Format: Scaled(2, 2),
	}
}

func TestSmallMultiples(t *testing.T) {
	svg := multiplesSample().SVG()
	sample(t, "multiples", svg)
	root := check(t, svg)
	if n := len(root.classed("g", "panel")); n != 6 {
		t.Errorf("%d panels", n)
	}
	if n := len(root.find("g", "class", "panel highlight")); n != 1 {
		t.Errorf("%d highlighted panels", n)
	}
	if n := len(root.find("polyline", "class", "ref")); n != 6 {
		t.Errorf("%d reference lines", n)
	}
	for _, want := range []string{"柯城区", "开化县", "1月", "12月", "单位：%", "完成率", "时序进度", "0", "100"} {
		if !hasText(root, want) {
			t.Errorf("no text %q in %q", want, texts(root))
		}
	}
	if !hasTitle(root, "衢江区 · 9月 · 67.67%") {
		t.Errorf("no tooltip for 衢江区 in September: %q", titles(root)[:20])
	}
	// One scale: every panel's top line is labelled 100 and each panel is as tall.
	var heights []float64
	for _, p := range root.classed("g", "panel") {
		ax := p.find("g", "class", "axis")[0]
		ls := ax.find("line")
		if ax.find("text")[1].text != "100" {
			t.Errorf("panel top %q", ax.find("text")[1].text)
		}
		heights = append(heights, ls[0].num(t, "y1")-ls[1].num(t, "y1"))
	}
	for _, h := range heights {
		if !near(h, heights[0]) {
			t.Errorf("panel heights %v", heights)
		}
	}
	// Three columns of two rows.
	if h := root.num(t, "height"); h < 2*150 || h > 3*150+120 {
		t.Errorf("height %v", h)
	}
}

func TestSmallMultiplesBadInput(t *testing.T) {
	var many []Panel
	for i := range 25 {
		many = append(many, Panel{Name: "乡镇" + Integer(int64(i)), Values: []int64{int64(i), int64(i * 2), int64(-i)}})
	}
	for name, c := range map[string]SmallMultiples{
		"empty":       {Title: "空"},
		"no values":   {Categories: monthsCN, Panels: []Panel{{Name: "a"}}},
		"one value":   {Categories: []string{"1月"}, Panels: []Panel{{Name: "a", Values: []int64{5}}}},
		"all zeros":   {Categories: monthsCN, Panels: []Panel{{Name: "a", Values: make([]int64, 12)}, {Name: "b", Values: make([]int64, 12)}}},
		"negative":    {Categories: []string{"一", "二", "三"}, Panels: many, Bars: true, SeriesName: "增量", Unit: "个"},
		"one empty":   {Categories: monthsCN, Panels: []Panel{{Name: "a", Values: []int64{1, 2}}, {Name: "b"}}},
		"long labels": {Title: longName + longName, Categories: []string{longName, longName}, Panels: []Panel{{Name: longName + longName, Values: []int64{1, 2}}}},
		"many cats":   {Categories: append(append(append([]string{}, monthsCN...), monthsCN...), monthsCN...), Panels: []Panel{{Name: "a", Values: make([]int64, 36)}}, Bars: true},
		"xss":         {ID: `x"><g`, Title: xss, Unit: xss, SeriesName: xss, Categories: []string{xss}, Panels: []Panel{{Name: xss, Values: []int64{1}, Highlight: true}}, Ref: Series{Name: xss, Values: []int64{1, 2}}},
		"huge":        {Categories: []string{"a", "b"}, Panels: []Panel{{Name: "a", Values: []int64{1<<63 - 1, -1 << 63}}}},
		"dark bars":   {Dark: true, Title: "深色", Categories: monthsCN, Panels: multiplesSample().Panels, Bars: true, SeriesName: "完成率", Ref: multiplesSample().Ref, Unit: "%", Format: Scaled(2, 2), Columns: 2},
	} {
		t.Run(name, func(t *testing.T) {
			svg := c.SVG()
			sample(t, "multiples-"+strings.ReplaceAll(name, " ", "-"), svg)
			root := check(t, svg)
			empty := hasText(root, "暂无数据")
			if empty != (name == "empty" || name == "no values" || name == "one empty") {
				t.Errorf("empty message: %v", empty)
			}
		})
	}
	root := check(t, SmallMultiples{Categories: []string{"一", "二", "三"}, Panels: many, Bars: true}.SVG())
	if n := len(root.classed("g", "panel")); n != 25 {
		t.Errorf("%d panels", n)
	}
	// 25 panels: four columns, seven rows.
	if h := root.num(t, "height"); h < 7*150 || h > 7*170+100 {
		t.Errorf("height %v for seven rows", h)
	}
	if !hasText(root, "-30") || !hasText(root, "50") {
		t.Errorf("scale ends missing: %q", texts(root)[:12])
	}
	// Panel 乡镇3 has 3, 6, -3 on -30 … 50: the 6 is twice as tall as the 3 and -3.
	bars := root.classed("g", "panel")[3].find("rect", "class", "bar")
	if len(bars) != 3 || !near(bars[1].num(t, "height"), 2*bars[0].num(t, "height")) || !near(bars[2].num(t, "height"), bars[0].num(t, "height")) ||
		!near(bars[0].num(t, "y")+bars[0].num(t, "height"), bars[2].num(t, "y")) {
		t.Errorf("bars of 3, 6, -3 are not in proportion about zero")
	}
	root = check(t, SmallMultiples{Width: 300, Categories: []string{longName, longName}, Panels: []Panel{{Name: longName + longName, Values: []int64{1, 2}}}}.SVG())
	if !hasTitle(root, longName+longName) || hasText(root, longName+longName) {
		t.Errorf("long name not cut")
	}
}

func BenchmarkSmallMultiples(b *testing.B) {
	c := multiplesSample()
	for b.Loop() {
		c.SVG()
	}
}

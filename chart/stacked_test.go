package chart

import (
	"strings"
	"testing"
)

func stackedSample() StackedBars {
	return StackedBars{
		ID: "st", Title: "2024年 各县（市、区）投资完成情况", Categories: counties, Unit: "亿元", Format: Yi,
		Series: []Series{
			{Name: "政府投资", Values: []int64{12_3400_0000, 8_5000_0000, 6_0000_0000, 9_8700_0000, 3_2100_0000, 4_0000_0000}},
			{Name: "企业投资", Values: []int64{20_0000_0000, 15_5000_0000, 9_0000_0000, 12_0000_0000, 5_0000_0000, 2_5000_0000}},
			{Name: "其他", Values: []int64{1_0000_0000, 0, 2_0000_0000, 5000_0000, 0, 1_2000_0000}},
		},
	}
}

// gridYs are the y of the value axis's grid lines, bottom first, with their labels.
func gridYs(t *testing.T, root *node) ([]float64, []string) {
	t.Helper()
	g := root.find("g", "class", "axis axis-value")
	if len(g) != 1 {
		t.Fatalf("%d value axes", len(g))
	}
	var ys []float64
	var ls []string
	for _, k := range g[0].kids {
		switch k.name {
		case "line":
			ys = append(ys, k.num(t, "y1"))
		case "text":
			ls = append(ls, k.text)
		}
	}
	return ys, ls
}

func TestStackedBars(t *testing.T) {
	svg := stackedSample().SVG()
	sample(t, "stacked", svg)
	root := check(t, svg)
	if n := len(root.find("g", "class", "stack")); n != 6 {
		t.Errorf("%d stacks", n)
	}
	if n := len(root.find("rect", "class", "bar bar-2")); n != 4 {
		t.Errorf("%d segments of 其他, want 4 (zeros are not drawn)", n)
	}
	for _, want := range []string{"柯城区 · 政府投资 · 12.34 亿元", "柯城区 · 合计 · 33.34 亿元", "江山市 · 其他 · 0.5 亿元"} {
		if !hasTitle(root, want) {
			t.Errorf("no tooltip %q in %q", want, titles(root))
		}
	}
	for _, want := range []string{"33.34", "单位：亿元", "政府投资", "开化县", "0", "35"} {
		if !hasText(root, want) {
			t.Errorf("no text %q in %q", want, texts(root))
		}
	}
	if !strings.Contains(string(svg), `<pattern id="st-p1"`) || !strings.Contains(string(svg), `fill="url(#st-p2)"`) {
		t.Errorf("series 1 and 2 are not patterned")
	}
}

// TestStackedGeometry: two halves of 100 each fill half the plot.
func TestStackedGeometry(t *testing.T) {
	root := check(t, StackedBars{Categories: []string{"A"}, Series: []Series{{Name: "a", Values: []int64{50}}, {Name: "b", Values: []int64{50}}}}.SVG())
	ys, ls := gridYs(t, root)
	if ls[0] != "0" || ls[len(ls)-1] != "100" {
		t.Fatalf("axis %q", ls)
	}
	ph := ys[0] - ys[len(ys)-1]
	a, b := root.find("rect", "class", "bar bar-0")[0], root.find("rect", "class", "bar bar-1")[0]
	if !near(a.num(t, "height"), ph/2) || !near(b.num(t, "height"), ph/2) {
		t.Errorf("heights %v, %v; want %v", a.num(t, "height"), b.num(t, "height"), ph/2)
	}
	if !near(a.num(t, "y")+a.num(t, "height"), ys[0]) || !near(b.num(t, "y"), ys[len(ys)-1]) {
		t.Errorf("a does not stand on zero or b does not reach the top")
	}
	if root.attrs["id"] != "" || !strings.HasPrefix(root.attrs["aria-labelledby"], "stacked-title") {
		t.Errorf("default id: %q", root.attrs["aria-labelledby"])
	}
}

func TestStackedBadInput(t *testing.T) {
	many := make([]string, 60)
	vals := make([]int64, 60)
	for i := range many {
		many[i] = "第" + Integer(int64(i+1)) + "组"
		vals[i] = int64(i * 7)
	}
	for name, c := range map[string]StackedBars{
		"empty":       {Title: "空"},
		"no series":   {Categories: counties},
		"one value":   {Categories: []string{"柯城区"}, Series: []Series{{Name: "a", Values: []int64{7}}}},
		"all zeros":   {Categories: counties, Series: []Series{{Name: "a", Values: make([]int64, 6)}}},
		"negative":    {Categories: counties, Series: []Series{{Name: "a", Values: []int64{5, -3, 2, 0, -8, 1}}, {Name: "b", Values: []int64{1, 1, -1, 0, 0, 0}}}},
		"long labels": {Title: longName + longName, Categories: append([]string{longName}, counties...), Series: []Series{{Name: longName, Values: []int64{1, 2}}}},
		"many":        {Categories: many, Series: []Series{{Name: "a", Values: vals}, {Name: "b", Values: vals}}},
		"xss":         {ID: `x"><g`, Title: xss, Categories: []string{xss}, Unit: xss, Series: []Series{{Name: xss, Values: []int64{1}}}},
		"huge":        {Categories: []string{"a", "b"}, Series: []Series{{Name: "a", Values: []int64{1 << 62, -1 << 62}}, {Name: "b", Values: []int64{1 << 62, 0}}}},
		"short":       {Categories: counties, Series: []Series{{Name: "a", Values: []int64{3}}}},
		"dark":        {Dark: true, Categories: counties, Series: []Series{{Name: "a", Values: []int64{3, 4}}}},
	} {
		t.Run(name, func(t *testing.T) {
			svg := c.SVG()
			sample(t, "stacked-"+strings.ReplaceAll(name, " ", "-"), svg)
			root := check(t, svg)
			empty := hasText(root, "暂无数据")
			if empty != (name == "empty" || name == "no series") {
				t.Errorf("empty message: %v", empty)
			}
		})
	}
	t.Run("details", func(t *testing.T) {
		root := check(t, StackedBars{Categories: counties, Series: []Series{{Name: "a", Values: []int64{5, -3, 2, 0, -8, 1}}}}.SVG())
		_, ls := gridYs(t, root)
		if ls[0] != "-8" || ls[len(ls)-1] != "6" {
			t.Errorf("negative axis %q", ls)
		}
		cats := append([]string{longName}, counties...)
		root = check(t, StackedBars{Categories: cats, Series: []Series{{Name: "a", Values: []int64{1, 2}}}}.SVG())
		if !hasTitle(root, longName) || hasText(root, longName) {
			t.Errorf("long label not cut with its full text in a title")
		}
		root = check(t, StackedBars{Categories: many, Series: []Series{{Name: "a", Values: vals}}}.SVG())
		axis := root.find("g", "class", "axis axis-category")[0]
		if n := len(axis.find("text")); n >= 60 || n < 10 {
			t.Errorf("%d of 60 category labels shown", n)
		}
		if n := len(root.find("text", "class", "total")); n != 0 {
			t.Errorf("%d totals over crowded bars", n)
		}
		root = check(t, StackedBars{ID: `x"><g`, Title: xss, Categories: []string{xss}, Series: []Series{{Name: xss, Values: []int64{1}}}}.SVG())
		if !hasText(root, xss) || !hasTitle(root, xss+" · "+xss+" · 1") || root.find("g", "class", "stack")[0].attrs["data-category"] != xss {
			t.Errorf("escaped text does not read back")
		}
	})
}

func BenchmarkStackedBars(b *testing.B) {
	c := stackedSample()
	for b.Loop() {
		c.SVG()
	}
}

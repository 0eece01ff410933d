package chart

import (
	"strings"
	"testing"
)

// lineSample: completion in basis points of the year's plan, against 时序进度.
func lineSample() Line {
	sched := make([]int64, 12)
	for i := range sched {
		sched[i] = int64(i+1) * 10000 / 12
	}
	return Line{
		ID: "ln", Title: "2024年 投资完成率与时序进度", Categories: monthsCN, Unit: "%", Format: Scaled(2, 2),
		Series: []Series{
			{Name: "柯城区", Values: []int64{500, 1400, 2600, 3500, 4100, 5200, 6000, 6800}},
			{Name: "衢江区", Values: []int64{300, 900, 1800, 2700, 3900, 4800, 5900, 7100}},
			{Name: "龙游县", Values: []int64{800, 1500, 2200, 2900, 3600, 4200, 4900, 5600}},
		},
		Ref: Series{Name: "时序进度", Values: sched},
	}
}

func TestLine(t *testing.T) {
	svg := lineSample().SVG()
	sample(t, "line", svg)
	root := check(t, svg)
	if n := len(root.find("polyline")); n != 4 {
		t.Errorf("%d polylines, want 3 and the reference", n)
	}
	if n := len(root.find("path", "class", "point")); n != 24+3 {
		t.Errorf("%d markers, want 24 and the legend's 3", n)
	}
	for _, want := range []string{"6月 · 衢江区 · 48%", "12月 · 时序进度 · 100%", "1月 · 时序进度 · 8.33%", "8月 · 龙游县 · 56%"} {
		if !hasTitle(root, want) {
			t.Errorf("no tooltip %q", want)
		}
	}
	for _, want := range []string{"单位：%", "100", "时序进度", "12月"} {
		if !hasText(root, want) {
			t.Errorf("no text %q in %q", want, texts(root))
		}
	}
	if !strings.Contains(string(svg), `stroke-dasharray="6 4"`) {
		t.Errorf("the reference line is not dashed")
	}
	// Geometry: 时序进度 reaches 100% at the top grid line in December; 衢江区's 48% in
	// June is at 48% of the plot's height.
	ys, ls := gridYs(t, root)
	if ls[len(ls)-1] != "100" {
		t.Fatalf("axis %q", ls)
	}
	ph := ys[0] - ys[len(ys)-1]
	pts := strings.Fields(root.find("polyline")[0].attrs["points"])
	if len(pts) != 12 || !strings.HasSuffix(pts[11], ","+num(ys[len(ys)-1])) {
		t.Errorf("reference ends at %q, want y %v", pts[len(pts)-1], ys[len(ys)-1])
	}
	line := root.find("g", "class", "series series-1")[0].find("polyline")[0]
	_, y, _ := strings.Cut(strings.Fields(line.attrs["points"])[5], ",")
	if got := ys[0] - atof(t, y); !near(got, ph*0.48) {
		t.Errorf("48%% at %v above zero, want %v", got, ph*0.48)
	}
}

func atof(t *testing.T, s string) float64 {
	n := &node{attrs: map[string]string{"v": s}}
	return n.num(t, "v")
}

func TestLineBadInput(t *testing.T) {
	many := make([]string, 48)
	vals := make([]int64, 48)
	for i := range many {
		many[i] = Integer(int64(2021+i/12)) + "年" + Integer(int64(i%12+1)) + "月"
		vals[i] = int64((i * 37) % 100)
	}
	for name, c := range map[string]Line{
		"empty":       {Title: "空"},
		"no values":   {Categories: monthsCN, Series: []Series{{Name: "a"}}},
		"one value":   {Categories: []string{"1月"}, Series: []Series{{Name: "a", Values: []int64{7}}}},
		"all zeros":   {Categories: monthsCN, Series: []Series{{Name: "a", Values: make([]int64, 12)}}},
		"negative":    {Categories: monthsCN, Series: []Series{{Name: "增速", Values: []int64{5, -3, 2, 0, -8, 1}}}, Unit: "%"},
		"long labels": {Title: longName + longName, Categories: append([]string{longName}, monthsCN...), Series: []Series{{Name: longName, Values: []int64{1, 2}}}},
		"many":        {Categories: many, Series: []Series{{Name: "a", Values: vals}, {Name: "b", Values: vals[5:]}}, Ref: Series{Name: "r", Values: vals[3:]}},
		"xss":         {ID: `x"><g`, Title: xss, Categories: []string{xss}, Unit: xss, Series: []Series{{Name: xss, Values: []int64{1}}}, Ref: Series{Name: xss, Values: []int64{1}}},
		"huge":        {Categories: []string{"a", "b"}, Series: []Series{{Name: "a", Values: []int64{1<<63 - 1, -1 << 63}}}},
		"eight":       {Categories: monthsCN, Series: []Series{{Name: "1", Values: vals}, {Name: "2", Values: vals[1:]}, {Name: "3", Values: vals[2:]}, {Name: "4", Values: vals[3:]}, {Name: "5", Values: vals[4:]}, {Name: "6", Values: vals[5:]}, {Name: "7", Values: vals[6:]}, {Name: "8", Values: vals[7:]}}},
		"dark":        {Dark: true, Title: "深色", Categories: monthsCN, Series: lineSample().Series, Ref: lineSample().Ref, Format: Scaled(2, 2), Unit: "%"},
	} {
		t.Run(name, func(t *testing.T) {
			svg := c.SVG()
			sample(t, "line-"+strings.ReplaceAll(name, " ", "-"), svg)
			root := check(t, svg)
			empty := hasText(root, "暂无数据")
			if empty != (name == "empty" || name == "no values") {
				t.Errorf("empty message: %v", empty)
			}
		})
	}
	t.Run("details", func(t *testing.T) {
		root := check(t, Line{Categories: []string{"1月"}, Series: []Series{{Name: "a", Values: []int64{7}}}}.SVG())
		if len(root.find("polyline")) != 0 || len(root.find("path", "class", "point")) != 2 || !hasTitle(root, "1月 · a · 7") {
			t.Errorf("one value: not one marker")
		}
		root = check(t, Line{Categories: monthsCN, Series: []Series{{Name: "a", Values: []int64{5, -3, 2, 0, -8, 1}}}}.SVG())
		if _, ls := gridYs(t, root); ls[0] != "-8" || ls[len(ls)-1] != "6" {
			t.Errorf("negative axis %q", ls)
		}
		root = check(t, Line{Categories: monthsCN, Series: []Series{{Name: "a", Values: make([]int64, 12)}}}.SVG())
		if _, ls := gridYs(t, root); strings.Join(ls, " ") != "0 1" {
			t.Errorf("all-zero axis %q", ls)
		}
		root = check(t, Line{Categories: many, Series: []Series{{Name: "a", Values: vals}}}.SVG())
		if n := len(root.find("g", "class", "axis axis-category")[0].find("text")); n >= 48 || n < 6 {
			t.Errorf("%d of 48 category labels shown", n)
		}
		root = check(t, Line{Categories: append([]string{longName}, monthsCN...), Series: []Series{{Name: "a", Values: []int64{1, 2}}}}.SVG())
		if !hasTitle(root, longName) || hasText(root, longName) {
			t.Errorf("long label not cut")
		}
	})
}

func BenchmarkLine(b *testing.B) {
	c := lineSample()
	for b.Loop() {
		c.SVG()
	}
}

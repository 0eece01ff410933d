package chart

import (
	"strings"
	"testing"
)

func donutSample() Donut {
	return Donut{
		ID: "dn", Title: "2024年 重大项目按领域分布", Unit: "个",
		Parts: []Part{{Name: "产业项目", Value: 42}, {Name: "基础设施", Value: 27}, {Name: "民生实事", Value: 18}, {Name: "生态环保", Value: 9}, {Name: "其他", Value: 4}},
	}
}

func TestDonut(t *testing.T) {
	svg := donutSample().SVG()
	sample(t, "donut", svg)
	root := check(t, svg)
	if n := len(root.classed("path", "slice")); n != 5 {
		t.Errorf("%d slices", n)
	}
	for _, want := range []string{"产业项目 · 42 个 · 42%", "其他 · 4 个 · 4%"} {
		if !hasTitle(root, want) {
			t.Errorf("no tooltip %q in %q", want, titles(root))
		}
	}
	for _, want := range []string{"100", "合计（个）", "42%", "27 个", "产业项目"} {
		if !hasText(root, want) {
			t.Errorf("no text %q in %q", want, texts(root))
		}
	}
	if shares := root.find("text", "class", "share"); len(shares) != 4 || shares[3].text != "9%" {
		t.Errorf("a share label on a 4%% slice")
	}
	if d := root.find("desc")[0].text; !strings.Contains(d, "合计 100 个") || !strings.Contains(d, "基础设施 27 个，占 27%") {
		t.Errorf("desc %q", d)
	}
}

func TestDonutGeometry(t *testing.T) {
	// Two halves: the first runs from the top clockwise to the bottom.
	root := check(t, Donut{Parts: []Part{{Name: "a", Value: 1}, {Name: "b", Value: 1}}}.SVG())
	d := root.classed("path", "slice")[0].attrs["d"]
	ps := strings.FieldsFunc(d, func(r rune) bool { return r == 'M' || r == 'A' || r == 'L' || r == 'Z' || r == ' ' })
	// M x0 y0 A R R 0 0 1 x1 y1 …: same x, y1 - y0 = 2R.
	if ps[0] != ps[7] || !near(atof(t, ps[8])-atof(t, ps[1]), 2*atof(t, ps[2])) {
		t.Errorf("half slice %q", d)
	}
	// One part: a whole ring, 100%.
	root = check(t, Donut{Parts: []Part{{Name: "a", Value: 5}}}.SVG())
	if p := root.classed("path", "slice"); len(p) != 1 || p[0].attrs["fill-rule"] != "evenodd" || !hasText(root, "100%") {
		t.Errorf("one part is not a whole ring")
	}
	// Shares add up to 100%: thirds are 33.4, 33.3, 33.3.
	root = check(t, Donut{Parts: []Part{{Name: "a", Value: 1}, {Name: "b", Value: 1}, {Name: "c", Value: 1}}}.SVG())
	if !hasText(root, "33.4%") || !hasText(root, "33.3%") {
		t.Errorf("thirds: %q", texts(root))
	}
}

func TestDonutBadInput(t *testing.T) {
	var many []Part
	for i := range 30 {
		many = append(many, Part{Name: "单位" + Integer(int64(i)), Value: int64(i)})
	}
	for name, c := range map[string]Donut{
		"empty":       {Title: "空"},
		"all zeros":   {Parts: []Part{{Name: "a", Value: 0}, {Name: "b", Value: 0}}},
		"negative":    {Parts: []Part{{Name: "收入", Value: 10}, {Name: "退款", Value: -4}, {Name: "其他", Value: 5}}},
		"only neg":    {Parts: []Part{{Name: "退款", Value: -4}}},
		"one value":   {Parts: []Part{{Name: "a", Value: 7}}},
		"long labels": {Title: longName + longName, Parts: []Part{{Name: longName + longName, Value: 5}, {Name: "短", Value: 1}}, Center: longName},
		"many":        {Parts: many, Dark: true, Title: "三十个部分"},
		"tiny":        {Parts: []Part{{Name: "a", Value: 1_000_000}, {Name: "b", Value: 1}}},
		"xss":         {ID: `x"><g`, Title: xss, Unit: xss, Parts: []Part{{Name: xss, Value: 1}}, Center: xss, CenterNote: xss},
		"huge":        {Parts: []Part{{Name: "a", Value: 1<<63 - 1}, {Name: "b", Value: 1<<63 - 1}, {Name: "c", Value: -1 << 63}}},
	} {
		t.Run(name, func(t *testing.T) {
			svg := c.SVG()
			sample(t, "donut-"+strings.ReplaceAll(name, " ", "-"), svg)
			root := check(t, svg)
			empty := hasText(root, "暂无数据")
			if empty != (name == "empty" || name == "all zeros" || name == "only neg") {
				t.Errorf("empty message: %v", empty)
			}
			if empty && (len(root.find("circle", "class", "ring")) != 1 || len(root.find("path", "class", "slice slice-0")) != 0) {
				t.Errorf("no empty ring")
			}
		})
	}
	root := check(t, Donut{Parts: []Part{{Name: "收入", Value: 10}, {Name: "退款", Value: -4}, {Name: "其他", Value: 5}}}.SVG())
	if len(root.classed("path", "slice")) != 2 || !hasTitle(root, "退款 · -4 · —") || !hasText(root, "66.7%") || !hasText(root, "11") {
		t.Errorf("a negative part: %q %q", texts(root), titles(root))
	}
	root = check(t, Donut{Parts: many}.SVG())
	if h := root.num(t, "height"); h < 30*24 {
		t.Errorf("height %v for 30 legend rows", h)
	}
}

func BenchmarkDonut(b *testing.B) {
	c := donutSample()
	for b.Loop() {
		c.SVG()
	}
}

// TestDonutPartColour: a part with its own colour is drawn in it, slice and legend; the
// others keep the palette.
func TestDonutPartColour(t *testing.T) {
	svg := string(Donut{Parts: []Part{{Name: "红", Value: 3, Colour: "#e03131"}, {Name: "其他", Value: 1}}}.SVG())
	if strings.Count(svg, `fill="#e03131"`) != 2 {
		t.Fatalf("the red part's colour should fill its slice and its legend key:\n%s", svg)
	}
	other := string(Donut{Parts: []Part{{Name: "红", Value: 3}, {Name: "其他", Value: 1}}}.SVG())
	if strings.Contains(other, "#e03131") {
		t.Fatal("a part without a colour took the red one")
	}
}

package chart

import (
	"bytes"
	"strings"
	"testing"
)

func rankSample() RankBars {
	return RankBars{
		ID: "rk", Title: "2024年第二季度 项目推进擂台赛 得分排名", Unit: "分", Format: Scaled(2, 2),
		Items: []RankItem{
			{Label: "衢江区", Value: 9650, Highlight: true}, {Label: "柯城区", Value: 9420, Highlight: true},
			{Label: "江山市", Value: 9100}, {Label: "龙游县", Value: 8875}, {Label: "常山县", Value: 8120}, {Label: "开化县", Value: 7705},
			{Label: "智造新城", Value: 7050},
		},
		Ref:            &Ref{Label: "平均", Value: 8560},
		HighlightLabel: "红旗单位",
	}
}

func TestRankBars(t *testing.T) {
	svg := rankSample().SVG()
	sample(t, "rank", svg)
	root := check(t, svg)
	if n := len(root.classed("g", "rank-bar")); n != 7 {
		t.Errorf("%d bars", n)
	}
	if n := len(root.find("g", "class", "rank-bar highlight")); n != 2 {
		t.Errorf("%d highlighted bars", n)
	}
	for _, want := range []string{"1. 衢江区", "7. 智造新城", "96.5", "77.05", "单位：分", "平均 85.6 分", "红旗单位"} {
		if !hasText(root, want) {
			t.Errorf("no text %q in %q", want, texts(root))
		}
	}
	for _, want := range []string{"1. 衢江区 · 96.5 分", "平均 · 85.6 分"} {
		if !hasTitle(root, want) {
			t.Errorf("no tooltip %q", want)
		}
	}
	if !strings.Contains(string(svg), `fill="url(#rk-p3)"`) {
		t.Errorf("highlighted bars are not patterned")
	}
	// Geometry: the scale runs 0 … 100; 96.5 is 96.5% of the way, and so is its bar.
	g := root.find("g", "class", "axis axis-value")[0]
	ls := g.find("line")
	x0, x1 := ls[0].num(t, "x1"), ls[len(ls)-1].num(t, "x1")
	if g.find("text")[len(ls)-1].text != "100" {
		t.Fatalf("scale %q", texts(g))
	}
	bar := root.classed("rect", "bar")[0]
	if !near(bar.num(t, "x"), x0) || !near(bar.num(t, "width"), (x1-x0)*0.965) {
		t.Errorf("bar x %v width %v; plot %v … %v", bar.num(t, "x"), bar.num(t, "width"), x0, x1)
	}
	ref := root.find("g", "class", "ref")[0].find("line")[1]
	if !near(ref.num(t, "x1"), x0+(x1-x0)*0.856) {
		t.Errorf("reference at %v", ref.num(t, "x1"))
	}
	// Ranks as given.
	c := rankSample()
	c.Items[2].Rank, c.Items[3].Rank = 3, 3
	c.NoRank = false
	if root := check(t, c.SVG()); !hasText(root, "3. 龙游县") {
		t.Errorf("tied rank not shown")
	}
	c.NoRank = true
	if root := check(t, c.SVG()); !hasText(root, "衢江区") {
		t.Errorf("NoRank still numbers")
	}
}

func TestRankBarsBadInput(t *testing.T) {
	var many []RankItem
	for i := range 80 {
		many = append(many, RankItem{Label: "乡镇" + Integer(int64(i)), Value: int64(1000 - i*11), Highlight: i == 40})
	}
	for name, c := range map[string]RankBars{
		"empty":        {Title: "空"},
		"one value":    {Items: []RankItem{{Label: "a", Value: 3}}},
		"all zeros":    {Items: []RankItem{{Label: "a"}, {Label: "b"}}, Unit: "个"},
		"negative":     {Title: "增速", Unit: "%", Format: Scaled(1, 1), Items: []RankItem{{Label: "a", Value: 123}, {Label: "b", Value: -45}, {Label: "c", Value: -250}}, Ref: &Ref{"全市", 20}},
		"long labels":  {Title: longName + longName, Items: []RankItem{{Label: longName + longName, Value: 5}, {Label: "短", Value: 1}}},
		"many":         {Items: many, Dark: true, Title: "八十个乡镇", Ref: &Ref{"目标", 900}, HighlightLabel: "本单位"},
		"xss":          {ID: `x"><g`, Title: xss, Unit: xss, Items: []RankItem{{Label: xss, Value: 1, Highlight: true}}, Ref: &Ref{xss, 1}, HighlightLabel: xss},
		"huge":         {Items: []RankItem{{Label: "a", Value: 1<<63 - 1}, {Label: "b", Value: -1 << 63}}},
		"ref outside":  {Items: []RankItem{{Label: "a", Value: 10}}, Ref: &Ref{"目标", 50}},
		"one max":      {Items: []RankItem{{Label: "a", Value: 3, Note: "红1"}}, Max: 10000, Format: Scaled(2, 2), Unit: "分"},
		"zeros max":    {Items: []RankItem{{Label: "a"}, {Label: "b", Highlight: true}}, Max: 1000, Unit: "%", Format: Scaled(1, 1)},
		"all missing":  {Items: []RankItem{{Label: "a", Missing: true, Value: -7}, {Label: "b", Missing: true, Note: "红2"}}, Ref: &Ref{"时序", 0}},
		"max huge":     {Items: []RankItem{{Label: "a", Value: 1, Note: xss}}, Max: 1<<63 - 1},
		"max negative": {Items: []RankItem{{Label: "a", Value: -5, Note: "红9"}}, Max: -100, Dark: true},
	} {
		t.Run(name, func(t *testing.T) {
			svg := c.SVG()
			sample(t, "rank-"+strings.ReplaceAll(name, " ", "-"), svg)
			root := check(t, svg)
			if empty := hasText(root, "暂无数据"); empty != (name == "empty") {
				t.Errorf("empty message: %v", empty)
			}
		})
	}
	root := check(t, RankBars{Items: []RankItem{{Label: "a", Value: 10}, {Label: "b", Value: -10}}}.SVG())
	bars := root.classed("rect", "bar")
	if !near(bars[0].num(t, "x"), bars[1].num(t, "x")+bars[1].num(t, "width")) || !near(bars[0].num(t, "width"), bars[1].num(t, "width")) {
		t.Errorf("+10 and -10 are not mirrored about zero")
	}
	root = check(t, RankBars{Items: []RankItem{{Label: longName + longName, Value: 5}}}.SVG())
	if !hasTitle(root, "1. "+longName+longName) || hasText(root, "1. "+longName+longName) {
		t.Errorf("long label not cut")
	}
	if h := check(t, RankBars{Items: many}.SVG()).num(t, "height"); h < 80*28 {
		t.Errorf("height %v for 80 rows", h)
	}
}

// TestRankBarsMaxNoteMissing: Max keeps full marks at the scale's end whatever the values;
// a note follows its value and joins the tooltip; a missing value draws no bar, shows "—"
// and does not stretch the scale.
func TestRankBarsMaxNoteMissing(t *testing.T) {
	c := RankBars{ID: "m", Unit: "%", Format: Scaled(1, 1), Max: 1000, Dark: true, HighlightLabel: "落后时序进度",
		Ref: &Ref{Label: "时序进度", Value: 500},
		Items: []RankItem{{Label: "樟潭街道", Value: 800, Note: "红2"}, {Label: "廿里镇", Value: 400, Highlight: true},
			{Label: "无计划", Missing: true, Value: 99999}}}
	svg := c.SVG()
	sample(t, "rank-max", svg)
	root := check(t, svg)
	g := root.find("g", "class", "axis axis-value")[0]
	ls, ts := g.find("line"), g.find("text")
	if ts[len(ts)-1].text != "100" || ts[0].text != "0" {
		t.Fatalf("scale %q, want 0 … 100", texts(g))
	}
	x0, x1 := ls[0].num(t, "x1"), ls[len(ls)-1].num(t, "x1")
	bars := root.classed("rect", "bar")
	if len(bars) != 2 {
		t.Fatalf("%d bars drawn for 2 values and a missing one", len(bars))
	}
	for i, want := range []float64{0.8, 0.4} {
		if !near(bars[i].num(t, "x"), x0) || !near(bars[i].num(t, "width"), (x1-x0)*want) {
			t.Errorf("bar %d: width %v of %v", i, bars[i].num(t, "width"), x1-x0)
		}
	}
	if n := len(root.find("g", "class", "rank-bar missing")); n != 1 {
		t.Errorf("%d missing rows", n)
	}
	var vals []string
	for _, v := range root.classed("text", "value") {
		vals = append(vals, v.text)
	}
	if strings.Join(vals, "|") != "80|40|—" {
		t.Errorf("values %q", vals)
	}
	notes := root.find("tspan", "class", "note")
	if len(notes) != 1 || notes[0].text != "红2" {
		t.Errorf("notes %+v", notes)
	}
	for _, want := range []string{"1. 樟潭街道 · 80% · 红2", "2. 廿里镇 · 40%", "时序进度 · 50%"} {
		if !hasTitle(root, want) {
			t.Errorf("no tooltip %q in %q", want, titles(root))
		}
	}
	if !hasText(root, "3. 无计划") || !hasText(root, "落后时序进度") || !strings.Contains(root.find("desc")[0].text, "末位 无计划 —") {
		t.Errorf("texts %q, desc %q", texts(root), root.find("desc")[0].text)
	}

	// Values beyond Max widen the scale; Max below the values changes nothing.
	c.Max, c.Items = 1000, []RankItem{{Label: "超额", Value: 1250}}
	if ts := check(t, c.SVG()).find("g", "class", "axis axis-value")[0].find("text"); ts[len(ts)-1].text == "100" {
		t.Errorf("125%% drawn on a scale ending at 100%%")
	}
	low := c
	low.Max = 10
	c.Max = 0
	if !bytes.Equal(low.SVG(), c.SVG()) {
		t.Errorf("a Max below the values changed the chart")
	}
}

func BenchmarkRankBars(b *testing.B) {
	c := rankSample()
	for b.Loop() {
		c.SVG()
	}
}

package chart

import (
	"math"
	"strings"
	"testing"
)

func TestGaugeCaption(t *testing.T) {
	for _, c := range []struct {
		v, s float64
		want string
	}{
		{0.625, 0.5, "完成 62.5% · 时序 50% · 超 12.5 个百分点"},
		{0.47, 0.5, "完成 47% · 时序 50% · 落后 3 个百分点"},
		{0.5, 0.5, "完成 50% · 时序 50% · 与时序持平"},
		{1.234, 1, "完成 123.4% · 时序 100% · 超 23.4 个百分点"},
		{-0.05, 0.25, "完成 -5% · 时序 25% · 落后 30 个百分点"},
		{0.3, math.NaN(), "完成 30%"},
		{0.0004, 0, "完成 0% · 时序 0% · 与时序持平"},
	} {
		if got := GaugeCaption(c.v, c.s, "", ""); got != c.want {
			t.Errorf("GaugeCaption(%v, %v) = %q, want %q", c.v, c.s, got, c.want)
		}
	}
}

func TestGauge(t *testing.T) {
	for _, bullet := range []bool{false, true} {
		c := Gauge{ID: "g", Title: "全市重大项目投资完成率", Value: 0.625, Schedule: 0.5, Bullet: bullet}
		svg := c.SVG()
		sample(t, map[bool]string{false: "gauge", true: "gauge-bullet"}[bullet], svg)
		root := check(t, svg)
		for _, want := range []string{"62.5%", "完成 62.5% · 时序 50% · 超 12.5 个百分点", "时序 50%", "0%", "100%"} {
			if !hasText(root, want) {
				t.Errorf("bullet %v: no text %q in %q", bullet, want, texts(root))
			}
		}
		for _, want := range []string{"完成 62.5%", "时序 50%"} {
			if !hasTitle(root, want) {
				t.Errorf("bullet %v: no tooltip %q", bullet, want)
			}
		}
		if len(root.find("path", "class", "fill ahead"))+len(root.find("rect", "class", "fill ahead")) != 1 {
			t.Errorf("bullet %v: fill is not 'ahead'", bullet)
		}
	}
	// Bullet geometry: the track runs 0 … 100%; 62.5% fills 62.5% of it from its left.
	root := check(t, Gauge{Value: 0.625, Schedule: 0.5, Bullet: true}.SVG())
	track, fill := root.find("rect", "class", "track")[0], root.find("rect", "class", "fill ahead")[0]
	if !near(fill.num(t, "x"), track.num(t, "x")) || !near(fill.num(t, "width"), track.num(t, "width")*0.625) {
		t.Errorf("fill %v+%v on track %v+%v", fill.num(t, "x"), fill.num(t, "width"), track.num(t, "x"), track.num(t, "width"))
	}
	mark := root.find("g", "class", "schedule")[0].find("line")[1]
	if !near(mark.num(t, "x1"), track.num(t, "x")+track.num(t, "width")*0.5) {
		t.Errorf("schedule marker at %v", mark.num(t, "x1"))
	}
	// Semicircle geometry: 50% ends straight above the centre.
	root = check(t, Gauge{Value: 0.5, NoSchedule: true}.SVG())
	d := root.find("path", "class", "fill")[0].attrs["d"]
	ps := strings.FieldsFunc(d, func(r rune) bool { return strings.ContainsRune("MALZ ", r) })
	// M x0 y0 A R R 0 0 1 x1 y1: x1 is halfway between x0 and the far end, y1 = y0 - R.
	if !near(atof(t, ps[8]), atof(t, ps[1])-atof(t, ps[2])) {
		t.Errorf("50%% arc %q", d)
	}
	if len(root.find("g", "class", "schedule")) != 0 || hasText(root, "时序 0%") {
		t.Errorf("NoSchedule still draws a marker")
	}
}

func TestGaugeBadInput(t *testing.T) {
	for name, c := range map[string]Gauge{
		"nan":       {Value: math.NaN(), Title: "空"},
		"inf":       {Value: math.Inf(1), Schedule: 0.5},
		"zero":      {Value: 0, Schedule: 0},
		"over":      {Value: 1.37, Schedule: 0.75, Title: "超额完成"},
		"way over":  {Value: 12.5, Schedule: 0.75},
		"negative":  {Value: -0.15, Schedule: 0.25},
		"very neg":  {Value: -7, Schedule: 0.25, Bullet: true},
		"nan sched": {Value: 0.4, Schedule: math.NaN(), Bullet: true},
		"behind":    {Value: 0.31, Schedule: 0.58, Dark: true, Title: "深色 落后"},
		"xss":       {ID: `x"><g`, Title: xss, Value: 0.5, Schedule: 0.4, ValueLabel: xss, ScheduleLabel: xss},
		"long":      {Title: longName + longName + longName, Value: 0.5, Schedule: 0.4, Caption: longName + longName + longName, Bullet: true},
	} {
		for _, bullet := range []bool{false, true} {
			c.Bullet = c.Bullet || bullet
			t.Run(name, func(t *testing.T) {
				svg := c.SVG()
				sample(t, "gauge-"+strings.ReplaceAll(name, " ", "-")+map[bool]string{true: "-bullet"}[c.Bullet], svg)
				root := check(t, svg)
				if empty := hasText(root, "暂无数据"); empty != (name == "nan" || name == "inf") {
					t.Errorf("empty message: %v", empty)
				}
			})
		}
	}
	root := check(t, Gauge{Value: 12.5, Schedule: 0.75, Bullet: true}.SVG())
	track, fill := root.find("rect", "class", "track")[0], root.find("rect", "class", "fill ahead")[0]
	if !hasText(root, "1250%") || !hasText(root, "200%") || !near(fill.num(t, "x")+fill.num(t, "width"), track.num(t, "x")+track.num(t, "width")) {
		t.Errorf("1250%% does not fill the 200%% track: %q", texts(root))
	}
	root = check(t, Gauge{Value: -0.15, Schedule: 0.25, Bullet: true}.SVG())
	fill = root.find("rect", "class", "fill behind")[0]
	track = root.find("rect", "class", "track")[0]
	// The scale runs -25% … 100%: the fill spans 15/125 of the track, ending at zero.
	if !hasText(root, "-25%") || !near(fill.num(t, "width"), track.num(t, "width")*0.15/1.25) || !near(fill.num(t, "x"), track.num(t, "x")+track.num(t, "width")*0.1/1.25) {
		t.Errorf("negative fill %v+%v on %v+%v", fill.num(t, "x"), fill.num(t, "width"), track.num(t, "x"), track.num(t, "width"))
	}
}

func BenchmarkGauge(b *testing.B) {
	c := Gauge{ID: "g", Title: "全市重大项目投资完成率", Value: 0.625, Schedule: 0.5}
	for b.Loop() {
		c.SVG()
	}
}

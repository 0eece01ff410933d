package chart

import (
	"bytes"
	"fmt"
	"math"
)

// Gauge shows completion against 时序进度 (the share of the period gone by): a semicircle,
// or a horizontal bullet bar, filled from zero to the completion, with a marker at the
// schedule and the sentence "完成 62.5% · 时序 50% · 超 12.5 个百分点". The fill is green
// and dotted when on or ahead of schedule, vermilion and cross-hatched when behind.
// Completion over 100% stretches the scale up to 200% and negative completion down to
// -100%; beyond those the fill stops at the end and the text tells the value.
type Gauge struct {
	ID            string  // prefix of element ids; give every chart on a page its own
	Title         string  // drawn at the top and used as the accessible name
	Desc          string  // the accessible description; default the caption
	Value         float64 // completion as a fraction: 0.625 is 62.5%
	Schedule      float64 // 时序进度 as a fraction: 0.5 is 50%
	NoSchedule    bool    // no schedule: no marker, no comparison
	ValueLabel    string  // default 完成
	ScheduleLabel string  // default 时序
	Caption       string  // the sentence under the value; default as above
	Bullet        bool    // a horizontal bar instead of a semicircle
	Empty         string  // the message when Value is NaN or infinite; default 暂无数据
	Width         int     // default 480 for a semicircle, 640 for a bullet
	Height        int     // default 300 for a semicircle, 160 for a bullet
	Dark          bool    // light on dark, for the wall screen
}

// GaugeCaption is the gauge's default sentence: "完成 62.5% · 时序 50% · 超 12.5 个百分点",
// "落后 3 个百分点" or "与时序持平" at the end.
func GaugeCaption(value, schedule float64, valueLabel, scheduleLabel string) string {
	if valueLabel == "" {
		valueLabel = "完成"
	}
	if scheduleLabel == "" {
		scheduleLabel = "时序"
	}
	s := valueLabel + " " + percent(value)
	if math.IsNaN(schedule) || math.IsInf(schedule, 0) {
		return s
	}
	s += " · " + scheduleLabel + " " + percent(schedule) + " · "
	switch d := math.Round((value-schedule)*1000) / 10; {
	case d > 0:
		s += "超 " + decimal1(d) + " 个百分点"
	case d < 0:
		s += "落后 " + decimal1(-d) + " 个百分点"
	default:
		s += "与" + scheduleLabel + "持平"
	}
	return s
}

// SVG draws the gauge.
func (c Gauge) SVG() []byte {
	w, h := def(c.Width, 480), def(c.Height, 300)
	if c.Bullet {
		w, h = def(c.Width, 640), def(c.Height, 160)
	}
	f := newFrame(options{kind: "gauge", name: "进度仪表", id: c.ID, title: c.Title, desc: c.Desc,
		empty: c.Empty, w: w, h: h, dark: c.Dark})
	if math.IsNaN(c.Value) || math.IsInf(c.Value, 0) {
		return f.svg(f.o.empty, func(b *bytes.Buffer) { f.emptyState(b, f.w/2, f.h/2+10) })
	}
	g := gauge{Gauge: c, f: f}
	g.sched = !c.NoSchedule && !math.IsNaN(c.Schedule) && !math.IsInf(c.Schedule, 0)
	s := c.Schedule
	if !g.sched {
		s = math.NaN()
	}
	g.caption = c.Caption
	if g.caption == "" {
		g.caption = GaugeCaption(c.Value, s, c.ValueLabel, c.ScheduleLabel)
	}
	if g.valueLabel = c.ValueLabel; g.valueLabel == "" {
		g.valueLabel = "完成"
	}
	if g.schedLabel = c.ScheduleLabel; g.schedLabel == "" {
		g.schedLabel = "时序"
	}
	// The scale: 0 … 100%, stretched by quarters to take in the value and the schedule.
	lo, hi := min(0, c.Value), max(1, c.Value)
	if g.sched {
		lo, hi = min(lo, c.Schedule), max(hi, c.Schedule)
	}
	g.lo = max(math.Floor(lo*4)/4, -1)
	g.hi = min(math.Ceil(hi*4)/4, 2)
	g.step = 0.25
	if g.hi-g.lo > 1.25 {
		g.step = 0.5
	}
	g.fill, g.class = f.p.fill(0), "fill"
	switch {
	case g.sched && math.Round((c.Value-c.Schedule)*1000) < 0:
		g.fill, g.class = f.p.fill(3), "fill behind"
	case g.sched:
		g.fill, g.class = f.p.fill(2), "fill ahead"
	}
	return f.svg(g.caption, func(b *bytes.Buffer) {
		if c.Bullet {
			g.bullet(b)
		} else {
			g.semicircle(b)
		}
	})
}

type gauge struct {
	Gauge
	f                      *frame
	sched                  bool
	lo, hi, step           float64
	fill, class            string // the fill's paint and class: fill, fill ahead, fill behind
	caption                string
	valueLabel, schedLabel string
}

// at is where v falls on the scale, from 0 at lo to 1 at hi.
func (g *gauge) at(v float64) float64 { return (min(max(v, g.lo), g.hi) - g.lo) / (g.hi - g.lo) }

func (g *gauge) ticks() []float64 {
	var out []float64
	for v := g.lo; v <= g.hi+1e-9; v += g.step {
		out = append(out, math.Round(v*100)/100)
	}
	return out
}

func (g *gauge) top() float64 {
	if g.Title != "" {
		return 44
	}
	return 12
}

func (g *gauge) semicircle(b *bytes.Buffer) {
	f := g.f
	top := g.top()
	R := max(min(f.w/2-margin-44, f.h-top-24-64), 30)
	r := R * 0.66
	cx, cy := f.w/2, top+24+R
	// θ runs from π at lo (left) to 0 at hi (right).
	pt := func(rad, v float64) (float64, float64) {
		t := math.Pi * (1 - g.at(v))
		return cx + rad*math.Cos(t), cy - rad*math.Sin(t)
	}
	sector := func(a, z float64) string {
		x0, y0 := pt(R, a)
		x1, y1 := pt(R, z)
		x2, y2 := pt(r, z)
		x3, y3 := pt(r, a)
		return fmt.Sprintf("M%s %sA%s %s 0 0 1 %s %sL%s %sA%s %s 0 0 0 %s %sZ",
			num(x0), num(y0), num(R), num(R), num(x1), num(y1), num(x2), num(y2), num(r), num(r), num(x3), num(y3))
	}
	fmt.Fprintf(b, `<path class="track" d="%s" fill="%s"/>`+"\n", sector(g.lo, g.hi), f.th.track)
	a, z := min(0, g.Value), max(0, g.Value)
	fmt.Fprintf(b, `<path class="%s" d="%s" fill="%s" stroke="%s" stroke-width="1"><title>%s</title></path>`+"\n",
		g.class, sector(a, z), g.fill, f.th.bg, esc(g.valueLabel+" "+percent(g.Value)))
	// Ticks outside the arc; the 100% tick is a line across the track.
	var mx, my float64
	if g.sched {
		mx, my = pt(R+16, g.Schedule)
	}
	fmt.Fprintf(b, `<g class="axis" font-size="12" fill="%s">`+"\n", f.th.muted)
	for _, v := range g.ticks() {
		x, y := pt(R+10, v)
		if g.sched && math.Hypot(x-mx, y-my) < 60 {
			continue // the schedule's label is there
		}
		anchor := "middle"
		switch {
		case x < cx-R*0.3:
			anchor = "end"
		case x > cx+R*0.3:
			anchor = "start"
		}
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="%s">%s</text>`+"\n", num(x), num(y+4), anchor, percent(v))
	}
	b.WriteString("</g>\n")
	if g.lo < 1 && g.hi > 1 {
		x0, y0 := pt(r, 1)
		x1, y1 := pt(R, 1)
		fmt.Fprintf(b, `<line class="full" x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2"/>`+"\n", num(x0), num(y0), num(x1), num(y1), f.th.axis)
	}
	if g.sched {
		x0, y0 := pt(r-8, g.Schedule)
		x1, y1 := pt(R+6, g.Schedule)
		label := g.schedLabel + " " + percent(g.Schedule)
		anchor := "middle"
		lw := textWidth(label, 12)
		tx, ty := mx, my+4
		switch {
		case mx < cx-R*0.3:
			anchor = "end"
			if tx-lw < 2 { // no room on the left: under the marker, from the edge
				anchor, tx, ty = "start", 2, my+18
			}
		case mx > cx+R*0.3:
			anchor = "start"
			if tx+lw > float64(f.w)-2 { // no room on the right: under the marker, to the edge
				anchor, tx, ty = "end", float64(f.w)-2, my+18
			}
		}
		fmt.Fprintf(b, `<g class="schedule"><title>%s</title><line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="6" stroke-linecap="round"/><line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="3" stroke-linecap="round"/><text x="%s" y="%s" text-anchor="%s" font-size="12" font-weight="bold" fill="%s">%s</text></g>`+"\n",
			esc(label), num(x0), num(y0), num(x1), num(y1), f.th.bg, num(x0), num(y0), num(x1), num(y1), f.th.ref,
			num(tx), num(ty), anchor, f.th.ref, esc(label))
	}
	// The value in the middle, the sentence under it.
	v := percent(g.Value)
	size := min(40, max(14, (2*r-20)/max(textWidth(v, 1), 1)))
	fmt.Fprintf(b, `<text class="value" x="%s" y="%s" text-anchor="middle" font-size="%s" font-weight="bold" fill="%s">%s</text>`+"\n",
		num(cx), num(cy-6), num0(size), f.th.title, esc(v))
	f.text(b, cx, cy+28, g.caption, f.w-2*margin, textSize, `class="caption" text-anchor="middle" fill="`+f.th.text+`"`)
}

func (g *gauge) bullet(b *bytes.Buffer) {
	f := g.f
	top := g.top()
	x0, x1 := margin+16, f.w-margin-24
	pw := x1 - x0
	xAt := func(v float64) float64 { return x0 + pw*g.at(v) }
	// The value and the sentence.
	v := percent(g.Value)
	fmt.Fprintf(b, `<text class="value" x="%s" y="%s" font-size="28" font-weight="bold" fill="%s">%s</text>`+"\n",
		num(margin), num(top+26), f.th.title, esc(v))
	cx := margin + textWidth(v, 28)*1.15 + 14 // bold digits and % are wider than half an em
	f.text(b, cx, top+24, g.caption, f.w-margin-cx, textSize, `class="caption" fill="`+f.th.text+`"`)
	ty := top + 56 // the track's top
	fmt.Fprintf(b, `<rect class="track" x="%s" y="%s" width="%s" height="22" fill="%s"/>`+"\n", num(x0), num(ty), num(pw), f.th.track)
	a, z := xAt(min(0, g.Value)), xAt(max(0, g.Value))
	fmt.Fprintf(b, `<rect class="%s" x="%s" y="%s" width="%s" height="14" fill="%s" stroke="%s" stroke-width="1"><title>%s</title></rect>`+"\n",
		g.class, num(a), num(ty+4), num(z-a), g.fill, f.th.bg, esc(g.valueLabel+" "+v))
	fmt.Fprintf(b, `<g class="axis" font-size="12" fill="%s" text-anchor="middle">`+"\n", f.th.muted)
	for _, t := range g.ticks() {
		x := xAt(t)
		color := f.th.grid
		if t == 0 || t == 1 {
			color = f.th.axis
		}
		fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/><text x="%s" y="%s">%s</text>`+"\n",
			num(x), num(ty+22), num(x), num(ty+27), color, num(x), num(ty+40), percent(t))
	}
	b.WriteString("</g>\n")
	if g.sched {
		x := xAt(g.Schedule)
		label := g.schedLabel + " " + percent(g.Schedule)
		anchor := "middle"
		switch {
		case x-textWidth(label, smallSize)/2 < margin:
			anchor = "start"
		case x+textWidth(label, smallSize)/2 > f.w-margin:
			anchor = "end"
		}
		fmt.Fprintf(b, `<g class="schedule"><title>%s</title><line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="6"/><line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="3"/><text x="%s" y="%s" text-anchor="%s" font-size="12" font-weight="bold" fill="%s">%s</text></g>`+"\n",
			esc(label), num(x), num(ty-5), num(x), num(ty+27), f.th.bg, num(x), num(ty-5), num(x), num(ty+27), f.th.ref,
			num(x), num(ty-9), anchor, f.th.ref, esc(label))
	}
}

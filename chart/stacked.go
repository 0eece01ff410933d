package chart

import (
	"bytes"
	"fmt"
)

// StackedBars is a vertical bar per category made of one segment per series, with the
// category's total above it. Positive values stack up from zero and negative ones down.
type StackedBars struct {
	ID         string             // prefix of element ids; give every chart on a page its own
	Title      string             // drawn at the top and used as the accessible name
	Desc       string             // the accessible description; default a summary of the data
	Categories []string           // one bar each, e.g. units or months
	Series     []Series           // the segments, bottom first; Values[i] belongs to Categories[i]
	Unit       string             // e.g. 亿元, 个, %
	Format     func(int64) string // a value as text; default Integer
	YLabel     string             // the value axis's caption; default "单位：" + Unit
	XLabel     string             // the category axis's caption, if any
	TotalLabel string             // the total's name in tooltips; default 合计
	NoTotals   bool               // leave out the totals above the bars
	Empty      string             // the message when there is no data; default 暂无数据
	Width      int                // default 960
	Height     int                // default 400
	Dark       bool               // light on dark, for the wall screen
}

// SVG draws the chart.
func (c StackedBars) SVG() []byte {
	f := newFrame(options{kind: "stacked", name: "堆叠柱状图", id: c.ID, title: c.Title, desc: c.Desc,
		unit: c.Unit, empty: c.Empty, format: c.Format, w: def(c.Width, 960), h: def(c.Height, 400), dark: c.Dark})
	n := len(c.Categories)
	if n == 0 || noValues(c.Series) {
		return f.svg(f.o.empty, func(b *bytes.Buffer) { f.emptyState(b, f.w/2, f.h/2) })
	}
	totalName := c.TotalLabel
	if totalName == "" {
		totalName = "合计"
	}
	pos, neg, tot := make([]int64, n), make([]int64, n), make([]int64, n)
	for _, s := range c.Series {
		for i := range n {
			v := valueAt(s, i)
			if v > 0 {
				pos[i] += clampV(v)
			} else {
				neg[i] += clampV(v)
			}
			tot[i] += v
		}
	}
	var lo, hi int64
	best := 0
	for i := range n {
		lo, hi = min(lo, neg[i]), max(hi, pos[i])
		if tot[i] > tot[best] {
			best = i
		}
	}
	sc := niceRange(lo, hi, f.o.format)
	desc := fmt.Sprintf("%s：%d 个类别，%d 个系列，%s。最高为%s，%s %s。", f.o.name, n, len(c.Series),
		caption("", c.Unit), c.Categories[best], totalName, f.value(tot[best]))

	return f.svg(desc, func(b *bytes.Buffer) {
		var es []legendEntry
		for j, s := range c.Series {
			es = append(es, legendEntry{name: s.Name, swatch: f.boxSwatch(j)})
		}
		p := f.catPlot(b, es, sc, c.YLabel, c.XLabel, 10)
		gw := p.pw / float64(n)
		bw := min(gw*0.62, 72)
		showTotals := !c.NoTotals
		for i := range n {
			showTotals = showTotals && textWidth(f.o.format(tot[i]), smallSize) <= gw-2
		}
		zero := p.y(sc, 0)
		for i, cat := range c.Categories {
			x := p.x0 + gw*float64(i) + (gw-bw)/2
			fmt.Fprintf(b, `<g class="stack" data-category="%s">`+"\n", esc(cat))
			up, down := int64(0), int64(0)
			for j, s := range c.Series {
				v := valueAt(s, i)
				if v == 0 {
					continue
				}
				var y0, y1 float64
				if v > 0 {
					y0, y1 = p.y(sc, up+clampV(v)), p.y(sc, up)
					up += clampV(v)
				} else {
					y0, y1 = p.y(sc, down), p.y(sc, down+clampV(v))
					down += clampV(v)
				}
				fmt.Fprintf(b, `<rect class="bar bar-%d" x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="%s" stroke-width="1"><title>%s</title></rect>`+"\n",
					j, num(x), num(y0), num(bw), num(y1-y0), f.p.fill(j), f.th.bg, esc(tip(cat, s.Name, f.value(v))))
			}
			if showTotals && reported(c.Series, i) {
				y := p.y(sc, up) - 5 // above the positive part, or above zero
				fmt.Fprintf(b, `<text class="total" x="%s" y="%s" text-anchor="middle" font-size="12" font-weight="bold" fill="%s"><title>%s</title>%s</text>`+"\n",
					num(x+bw/2), num(y), f.th.title, esc(tip(cat, totalName, f.value(tot[i]))), esc(f.o.format(tot[i])))
			}
			b.WriteString("</g>\n")
		}
		fmt.Fprintf(b, `<line class="zero" x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1.5"/>`+"\n",
			num(p.x0), num(zero), num(p.x0+p.pw), num(zero), f.th.axis)
		f.categoryLabels(b, c.Categories, p.x0, gw, p.y0+18)
	})
}

// def is v, or d when v is not positive.
func def(v, d int) int {
	if v <= 0 {
		return d
	}
	return v
}

// reported reports whether some series has a value for category i.
func reported(ss []Series, i int) bool {
	for _, s := range ss {
		if i < len(s.Values) {
			return true
		}
	}
	return false
}

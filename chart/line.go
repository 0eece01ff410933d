package chart

import (
	"bytes"
	"fmt"
	"strings"
)

// Line draws one or several series over categories, each with its own colour, dash and
// marker shape, and an optional dashed reference line such as 时序进度. A series shorter
// than Categories stops early (a running total ends at the last month reported).
type Line struct {
	ID         string             // prefix of element ids; give every chart on a page its own
	Title      string             // drawn at the top and used as the accessible name
	Desc       string             // the accessible description; default a summary of the data
	Categories []string           // the points along the axis, e.g. 1月 … 12月
	Series     []Series           // the lines; Values[i] belongs to Categories[i]
	Ref        Series             // an optional dashed reference line, e.g. {Name: "时序进度", Values: …}
	Unit       string             // e.g. 亿元, 个, %
	Format     func(int64) string // a value as text; default Integer
	YLabel     string             // the value axis's caption; default "单位：" + Unit
	XLabel     string             // the category axis's caption, if any
	Empty      string             // the message when there is no data; default 暂无数据
	Width      int                // default 960
	Height     int                // default 400
	Dark       bool               // light on dark, for the wall screen
}

// SVG draws the chart.
func (c Line) SVG() []byte {
	f := newFrame(options{kind: "line", name: "折线图", id: c.ID, title: c.Title, desc: c.Desc,
		unit: c.Unit, empty: c.Empty, format: c.Format, w: def(c.Width, 960), h: def(c.Height, 400), dark: c.Dark})
	n := len(c.Categories)
	if n == 0 || noValues(c.Series) {
		return f.svg(f.o.empty, func(b *bytes.Buffer) { f.emptyState(b, f.w/2, f.h/2) })
	}
	var lo, hi int64
	var last []string
	for _, s := range append([]Series{c.Ref}, c.Series...) {
		for _, v := range s.Values[:min(len(s.Values), n)] {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	for _, s := range c.Series {
		if k := min(len(s.Values), n); k > 0 {
			last = append(last, s.Name+" "+c.Categories[k-1]+" "+f.value(s.Values[k-1]))
		}
	}
	sc := niceRange(lo, hi, f.o.format)
	desc := fmt.Sprintf("%s：%d 个类别，%d 条线，%s。", f.o.name, n, len(c.Series), caption("", c.Unit))
	if len(last) > 0 {
		desc += "最新：" + strings.Join(last, "；") + "。"
	}

	return f.svg(desc, func(b *bytes.Buffer) {
		var es []legendEntry
		for j, s := range c.Series {
			es = append(es, legendEntry{name: s.Name, swatch: f.lineSwatch(j), width: 26})
		}
		hasRef := len(c.Ref.Values) > 0
		if hasRef && c.Ref.Name != "" {
			es = append(es, legendEntry{name: c.Ref.Name, swatch: f.refSwatch(), width: 26})
		}
		p := f.catPlot(b, es, sc, c.YLabel, c.XLabel, 4)
		gw := p.pw / float64(n)
		xAt := func(i int) float64 { return p.x0 + gw*(float64(i)+0.5) }
		r := min(max(gw/3, 2.5), 4.5)
		if hasRef {
			k := min(len(c.Ref.Values), n)
			fmt.Fprintf(b, `<g class="ref" fill="%s">`+"\n", f.th.ref)
			pts := make([]string, k)
			for i := range k {
				pts[i] = num(xAt(i)) + "," + num(p.y(sc, c.Ref.Values[i]))
			}
			if k > 1 {
				fmt.Fprintf(b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2" stroke-dasharray="6 4"><title>%s</title></polyline>`+"\n",
					strings.Join(pts, " "), f.th.ref, esc(c.Ref.Name))
			}
			for i := range k {
				fmt.Fprintf(b, `<circle cx="%s" cy="%s" r="2.5"><title>%s</title></circle>`+"\n",
					num(xAt(i)), num(p.y(sc, c.Ref.Values[i])), esc(tip(c.Categories[i], c.Ref.Name, f.value(c.Ref.Values[i]))))
			}
			b.WriteString("</g>\n")
		}
		for j, s := range c.Series {
			k := min(len(s.Values), n)
			if k == 0 {
				continue
			}
			color := f.p.color(j)
			fmt.Fprintf(b, `<g class="series series-%d">`+"\n", j)
			if k > 1 {
				pts := make([]string, k)
				for i := range k {
					pts[i] = num(xAt(i)) + "," + num(p.y(sc, s.Values[i]))
				}
				fmt.Fprintf(b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2.5" stroke-linejoin="round"%s/>`+"\n",
					strings.Join(pts, " "), color, dash(j))
			}
			for i := range k {
				fmt.Fprintf(b, "%s<title>%s</title></path>\n", pointMarker(j, xAt(i), p.y(sc, s.Values[i]), r, color, f.th.bg),
					esc(tip(c.Categories[i], s.Name, f.value(s.Values[i]))))
			}
			b.WriteString("</g>\n")
		}
		f.categoryLabels(b, c.Categories, p.x0, gw, p.y0+18)
	})
}

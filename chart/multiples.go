package chart

import (
	"bytes"
	"fmt"
	"math"
	"strings"
)

// Panel is one small chart of a SmallMultiples: a unit and its values.
type Panel struct {
	Name      string  // the unit, drawn as the panel's title
	Values    []int64 // one per category; may be shorter
	Highlight bool    // framed and shaded, e.g. the reader's own unit
}

// SmallMultiples is a grid of small line (or bar) charts, one per unit, all on one scale
// so that they compare at a glance. Each panel has the unit's name and latest value at the
// top, the scale's ends and zero on the left, and the first and last categories below.
type SmallMultiples struct {
	ID          string             // prefix of element ids; give every chart on a page its own
	Title       string             // drawn at the top and used as the accessible name
	Desc        string             // the accessible description; default a summary of the data
	Categories  []string           // shared by every panel, e.g. 1月 … 12月
	Panels      []Panel            // in reading order, left to right then down
	SeriesName  string             // what the values are, for the legend, e.g. 完成率; none if empty
	Ref         Series             // an optional dashed line drawn in every panel, e.g. 时序进度
	Bars        bool               // columns instead of a line
	Columns     int                // panels per row; default 3 or 4 depending on the count
	Unit        string             // e.g. 亿元, %
	Format      func(int64) string // a value as text; default Integer
	Empty       string             // the message when there is no data; default 暂无数据
	Width       int                // default 960
	PanelHeight int                // default 150
	Dark        bool               // light on dark, for the wall screen
}

// SVG draws the grid.
func (c SmallMultiples) SVG() []byte {
	n, k := len(c.Panels), len(c.Categories)
	cols := c.Columns
	if cols <= 0 {
		switch {
		case n <= 4:
			cols = max(n, 1)
		case n%4 == 0:
			cols = 4
		case n%3 == 0:
			cols = 3
		default:
			cols = 4
		}
	}
	cols = min(cols, max(n, 1))
	rows := (n + cols - 1) / cols
	ph := float64(max(def(c.PanelHeight, 150), 90))
	const gapX, gapY = 24.0, 14.0
	top := 8.0
	if c.Title != "" {
		top = 38
	}
	legend := c.SeriesName != "" || (c.Ref.Name != "" && len(c.Ref.Values) > 0)
	if legend {
		top += 22
	}
	if c.Unit != "" {
		top += 20
	}
	top += 6
	h := top + float64(max(rows, 1))*(ph+gapY) + margin - gapY
	if n == 0 || k == 0 {
		h = max(h, 200)
	}
	f := newFrame(options{kind: "multiples", name: "分单位小图", id: c.ID, title: c.Title, desc: c.Desc,
		unit: c.Unit, empty: c.Empty, format: c.Format, w: def(c.Width, 960), h: int(math.Ceil(h)), dark: c.Dark})
	some := false
	for _, p := range c.Panels {
		some = some || len(p.Values) > 0
	}
	if n == 0 || k == 0 || !some {
		return f.svg(f.o.empty, func(b *bytes.Buffer) { f.emptyState(b, f.w/2, f.h/2+10) })
	}
	var lo, hi int64
	for _, vs := range append([][]int64{c.Ref.Values}, panelValues(c.Panels)...) {
		for _, v := range vs[:min(len(vs), k)] {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	sc := niceRange(lo, hi, f.o.format)
	var latest []string
	for _, p := range c.Panels {
		if m := min(len(p.Values), k); m > 0 {
			latest = append(latest, p.Name+" "+f.value(p.Values[m-1]))
		}
	}
	desc := fmt.Sprintf("%s：%d 个单位，%s，同一刻度 %s 至 %s。截至%s：%s。", f.o.name, n, map[bool]string{true: "柱状", false: "折线"}[c.Bars],
		f.value(sc.lo), f.value(sc.hi), c.Categories[k-1], strings.Join(latest, "；"))

	return f.svg(desc, func(b *bytes.Buffer) {
		y := 8.0
		if c.Title != "" {
			y = 38
		}
		if legend {
			var es []legendEntry
			if c.SeriesName != "" {
				if c.Bars {
					es = append(es, legendEntry{name: c.SeriesName, swatch: f.boxSwatch(0)})
				} else {
					es = append(es, legendEntry{name: c.SeriesName, swatch: f.lineSwatch(0), width: 26})
				}
			}
			if c.Ref.Name != "" && len(c.Ref.Values) > 0 {
				es = append(es, legendEntry{name: c.Ref.Name, swatch: f.refSwatch(), width: 26})
			}
			y = f.legend(b, es, margin, y, f.w-margin)
		}
		if cp := caption("", c.Unit); cp != "" {
			f.text(b, margin, y+16, cp, f.w/2, smallSize, `fill="`+f.th.muted+`"`)
		}
		pw := max((f.w-2*margin-gapX*float64(cols-1))/float64(cols), 60)
		for i, p := range c.Panels {
			px := margin + (pw+gapX)*float64(i%cols)
			py := top + (ph+gapY)*float64(i/cols)
			f.panel(b, c, sc, p, px, py, pw, ph)
		}
	})
}

func panelValues(ps []Panel) [][]int64 {
	out := make([][]int64, len(ps))
	for i, p := range ps {
		out[i] = p.Values
	}
	return out
}

// panel draws one small chart in the box at (px, py), w × h.
func (f *frame) panel(b *bytes.Buffer, c SmallMultiples, sc scale, p Panel, px, py, w, h float64) {
	k := len(c.Categories)
	m := min(len(p.Values), k)
	cls := "panel"
	if p.Highlight {
		cls = "panel highlight"
	}
	fmt.Fprintf(b, `<g class="%s">`+"\n", cls)
	if p.Highlight {
		fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="%s" rx="4" fill="%s" stroke="%s" stroke-width="2"/>`+"\n",
			num(px-6), num(py-2), num(w+12), num(h+4), f.th.panel, f.th.title)
	}
	// Name and latest value.
	last := ""
	if m > 0 {
		last = f.o.format(p.Values[m-1])
	}
	lw := textWidth(last, textSize)
	f.text(b, px, py+15, p.Name, w-lw-10, textSize, `font-weight="bold" fill="`+f.th.title+`"`)
	if m > 0 {
		fmt.Fprintf(b, `<text class="latest" x="%s" y="%s" text-anchor="end" font-weight="bold" fill="%s"><title>%s</title>%s</text>`+"\n",
			num(px+w), num(py+15), f.p.color(0), esc(tip(p.Name, c.Categories[m-1], f.value(p.Values[m-1]))), esc(last))
	}
	// The scale's ends and zero.
	marks := []int64{sc.lo, sc.hi}
	if sc.lo < 0 {
		marks = append(marks, 0)
	}
	aw := 0.0
	for _, v := range marks {
		aw = max(aw, textWidth(f.o.format(v), smallSize))
	}
	pl := plot{x0: px + aw + 6, y0: py + h - 20, ph: h - 20 - 26}
	pl.pw = px + w - pl.x0
	fmt.Fprintf(b, `<g class="axis" font-size="12" fill="%s" text-anchor="end">`, f.th.muted)
	for _, v := range marks {
		y := pl.y(sc, v)
		color := f.th.grid
		if v == 0 {
			color = f.th.axis
		}
		fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/><text x="%s" y="%s">%s</text>`,
			num(pl.x0), num(y), num(pl.x0+pl.pw), num(y), color, num(pl.x0-4), num(y+4), esc(f.o.format(v)))
	}
	b.WriteString("</g>\n")
	// First and last categories.
	half := pl.pw/2 - 4
	fmt.Fprintf(b, `<g class="axis axis-category" font-size="12" fill="%s">`, f.th.muted)
	f.text(b, pl.x0, pl.y0+15, c.Categories[0], half, smallSize, "")
	if k > 1 {
		f.text(b, pl.x0+pl.pw, pl.y0+15, c.Categories[k-1], half, smallSize, `text-anchor="end"`)
	}
	b.WriteString("</g>\n")
	if m == 0 {
		fmt.Fprintf(b, `<text class="empty" x="%s" y="%s" text-anchor="middle" font-size="12" fill="%s">%s</text></g>`+"\n",
			num(pl.x0+pl.pw/2), num(pl.y0-pl.ph/2+4), f.th.muted, esc(f.o.empty))
		return
	}
	gw := pl.pw / float64(k)
	xAt := func(i int) float64 { return pl.x0 + gw*(float64(i)+0.5) }
	color := f.p.color(0)
	if c.Bars {
		bw := max(gw*0.7, 1)
		zero := pl.y(sc, 0)
		for i := range m {
			y := pl.y(sc, p.Values[i])
			fmt.Fprintf(b, `<rect class="bar" x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s</title></rect>`+"\n",
				num(xAt(i)-bw/2), num(min(y, zero)), num(bw), num(math.Abs(zero-y)), f.p.fill(0), esc(tip(p.Name, c.Categories[i], f.value(p.Values[i]))))
		}
	}
	if kr := min(len(c.Ref.Values), k); kr > 1 {
		pts := make([]string, kr)
		for i := range kr {
			pts[i] = num(xAt(i)) + "," + num(pl.y(sc, c.Ref.Values[i]))
		}
		fmt.Fprintf(b, `<polyline class="ref" points="%s" fill="none" stroke="%s" stroke-width="1.5" stroke-dasharray="5 3"><title>%s</title></polyline>`+"\n",
			strings.Join(pts, " "), f.th.ref, esc(c.Ref.Name))
	}
	if !c.Bars {
		if m > 1 {
			pts := make([]string, m)
			for i := range m {
				pts[i] = num(xAt(i)) + "," + num(pl.y(sc, p.Values[i]))
			}
			fmt.Fprintf(b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2" stroke-linejoin="round"/>`+"\n", strings.Join(pts, " "), color)
		}
		r := min(max(gw/4, 1.5), 3)
		for i := range m {
			fmt.Fprintf(b, "%s<title>%s</title></path>\n", pointMarker(0, xAt(i), pl.y(sc, p.Values[i]), r, color, f.th.bg),
				esc(tip(p.Name, c.Categories[i], f.value(p.Values[i]))))
		}
	}
	b.WriteString("</g>\n")
}

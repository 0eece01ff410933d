package chart

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"

	"ding"
)

// Series is a named row of amounts in yuan, one per category.
type Series struct {
	Name   string
	Values []int64
}

// Bars is a grouped bar chart: in each category the bars of every series stand side by
// side, on the left axis; lines (e.g. cumulative figures) use a right-hand axis of their
// own, because a year's running total dwarfs a month's amount.
type Bars struct {
	ID         string   // prefix of element ids, so that several charts can share a page
	Title      string   // drawn at the top left and used as the accessible name
	Categories []string // e.g. 1月 … 12月
	Bars       []Series // the first series is hatched, the second solid
	Lines      []Series // drawn over the bars, on the right-hand axis; may be shorter than Categories
	Unit       string   // unit of both axes and tooltips, e.g. 万元; amounts are shown with ding.Wan
	Empty      string   // message when every amount is zero; default 暂无数据
	Width      int      // default 960
	Height     int      // default 360
	// Format shows a value; default ding.Wan, for amounts in yuan shown in 万 (so with
	// Unit 万元). With a Format, such as Integer for counts, the axes step by the finest
	// 1, 2 or 5 × 10ⁿ whose labels Format tells apart.
	Format func(int64) string
	Dark   bool // light on dark, for the wall screen
}

// barsLook is the colours of a Bars chart, on a light or a dark ground.
type barsLook struct {
	bg, title, axis, cat, base, zero, grid, empty string
	fills, strokes, lines                         []string
}

var (
	barsLight = barsLook{bg: "#ffffff", title: "#1f2937", axis: "#4b5563", cat: "#374151", base: "#374151", zero: "#9ca3af", grid: "#e5e7eb", empty: "#6b7280",
		fills: barFills, strokes: barStrokes, lines: lineColors}
	barsDark = barsLook{bg: darkTheme.bg, title: "#f9fafb", axis: "#cbd5e1", cat: "#e5e7eb", base: "#94a3b8", zero: "#64748b", grid: "#334155", empty: "#cbd5e1",
		fills:   []string{"hatch", "#56B4E9", "#BBBBBB", "cross"},
		strokes: []string{"#E69F00", "#56B4E9", "#BBBBBB", "#dddddd"},
		lines:   []string{"#E69F00", "#56B4E9", "#BBBBBB"}}
)

func (c Bars) look() *barsLook {
	if c.Dark {
		return &barsDark
	}
	return &barsLight
}

// format shows v with c.Format, by default in 万.
func (c Bars) format(v int64) string {
	if c.Format != nil {
		return c.Format(v)
	}
	return ding.Wan(v)
}

// scale is the top and step of an axis for values up to m.
func (c Bars) scale(m int64) (top, step int64) {
	if c.Format == nil {
		return niceScale(m)
	}
	s := niceRange(0, m, c.Format)
	return s.hi, s.step
}

// The looks of the series, by index. Bar 0 is hatched orange on white (a light, patterned
// grey in print), bar 1 solid dark blue (a dark grey in print). Lines differ by dash and
// marker shape as well as by colour.
var (
	barFills   = []string{"hatch", "#1f4e79", "#8c8c8c", "cross"}
	barStrokes = []string{"#b35c00", "#1f4e79", "#4d4d4d", "#333333"}
	lineColors = []string{"#b35c00", "#1f4e79", "#4d4d4d"}
	lineDashes = []string{"6 4", "", "2 3"}
)

const fontFamily = `"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif`

// SVG draws the chart.
func (c Bars) SVG() []byte {
	w, h := c.Width, c.Height
	if w <= 0 {
		w = 960
	}
	if h <= 0 {
		h = 360
	}
	lk := c.look()
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s" font-family="%s" font-size="13">`,
		w, h, w, h, esc(c.Title), esc(fontFamily))
	b.WriteString("\n")
	fmt.Fprintf(&b, "<title>%s</title>\n", esc(c.Title))
	fmt.Fprintf(&b, `<rect x="0" y="0" width="%d" height="%d" fill="%s"/>`+"\n", w, h, lk.bg)
	if c.Title != "" {
		fmt.Fprintf(&b, `<text x="12" y="22" font-size="15" font-weight="bold" fill="%s">%s</text>`+"\n", lk.title, esc(c.Title))
	}
	if c.empty() {
		msg := c.Empty
		if msg == "" {
			msg = "暂无数据"
		}
		fmt.Fprintf(&b, `<text class="empty" x="%d" y="%d" text-anchor="middle" font-size="16" fill="%s">%s</text>`+"\n", w/2, h/2, lk.empty, esc(msg))
		b.WriteString("</svg>\n")
		return b.Bytes()
	}
	c.defs(&b)

	// Plot area: room on the left for the axis labels, on the right for the line axis,
	// at the top for title and legend, at the bottom for the category labels.
	left, right, top, bottom := 78.0, 24.0, 58.0, 34.0
	if len(c.Lines) > 0 {
		right = 84
	}
	pw, ph := float64(w)-left-right, float64(h)-top-bottom
	x0, y0 := left, top+ph // origin: bottom left of the plot

	barTop, barStep := c.scale(maxOf(c.Bars))
	lineTop, lineStep := c.scale(maxOf(c.Lines))

	// Grid and left axis.
	fmt.Fprintf(&b, `<g class="axis axis-left" fill="%s" font-size="12" text-anchor="end">`+"\n", lk.axis)
	for v := int64(0); v <= barTop; v += barStep {
		y := y0 - ph*float64(v)/float64(barTop)
		fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/>`,
			num(x0), num(y), num(x0+pw), num(y), lk.gridColor(v))
		fmt.Fprintf(&b, `<text x="%s" y="%s">%s</text>`+"\n", num(x0-8), num(y+4), esc(c.format(v)))
	}
	fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="start">%s</text>`+"\n", num(8), num(top-10), esc(c.Unit))
	b.WriteString("</g>\n")
	if len(c.Lines) > 0 {
		fmt.Fprintf(&b, `<g class="axis axis-right" fill="%s" font-size="12" text-anchor="start">`+"\n", lk.axis)
		for v := int64(0); v <= lineTop; v += lineStep {
			y := y0 - ph*float64(v)/float64(lineTop)
			fmt.Fprintf(&b, `<text x="%s" y="%s">%s</text>`+"\n", num(x0+pw+8), num(y+4), esc(c.format(v)))
		}
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="end">%s</text>`+"\n", num(float64(w)-8), num(top-10), esc(c.Unit))
		b.WriteString("</g>\n")
	}

	// Bars, one group per category.
	n := len(c.Categories)
	gw := pw / float64(max(n, 1))
	nb := max(len(c.Bars), 1)
	bw := gw * 0.72 / float64(nb)
	for i, cat := range c.Categories {
		gx := x0 + gw*float64(i)
		fmt.Fprintf(&b, `<g class="group" data-category="%s">`+"\n", esc(cat))
		for j, s := range c.Bars {
			v := valueAt(s, i)
			bh := ph * float64(max(v, 0)) / float64(barTop)
			x := gx + gw*0.14 + bw*float64(j)
			fmt.Fprintf(&b, `<rect class="bar bar-%d" x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="%s" stroke-width="1"><title>%s</title></rect>`+"\n",
				j, num(x), num(y0-bh), num(bw), num(bh), c.fill(j), lk.strokes[j%len(lk.strokes)],
				esc(cat+" "+s.Name+" "+c.format(v)+" "+c.Unit))
		}
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle" fill="%s" font-size="12">%s</text>`+"\n",
			num(gx+gw/2), num(y0+20), lk.cat, esc(cat))
		b.WriteString("</g>\n")
	}
	fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1.5"/>`+"\n", num(x0), num(y0), num(x0+pw), num(y0), lk.base)

	// Lines on the right-hand axis. A line with fewer values than categories stops early
	// (a running total ends at the last month reported).
	for j, s := range c.Lines {
		color := lk.lines[j%len(lk.lines)]
		var pts []string
		for i := range c.Categories[:min(len(s.Values), n)] {
			y := y0 - ph*float64(max(valueAt(s, i), 0))/float64(lineTop)
			pts = append(pts, num(x0+gw*float64(i)+gw/2)+","+num(y))
		}
		if len(pts) == 0 {
			continue
		}
		fmt.Fprintf(&b, `<g class="line line-%d">`+"\n", j)
		dash := ""
		if d := lineDashes[j%len(lineDashes)]; d != "" {
			dash = ` stroke-dasharray="` + d + `"`
		}
		fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2.5"%s/>`+"\n", strings.Join(pts, " "), color, dash)
		for i, cat := range c.Categories[:len(pts)] {
			x, y, _ := strings.Cut(pts[i], ",")
			fmt.Fprintf(&b, "%s<title>%s</title></%s>\n", marker(j, x, y, color, lk.bg), esc(cat+" "+s.Name+" "+c.format(valueAt(s, i))+" "+c.Unit), markerTag(j))
		}
		b.WriteString("</g>\n")
	}
	c.legend(&b, float64(w)-right, top)
	b.WriteString("</svg>\n")
	return b.Bytes()
}

// empty reports whether there is nothing to draw: no categories or only zeros.
func (c Bars) empty() bool {
	if len(c.Categories) == 0 {
		return true
	}
	for _, ss := range [][]Series{c.Bars, c.Lines} {
		for _, s := range ss {
			for _, v := range s.Values {
				if v != 0 {
					return false
				}
			}
		}
	}
	return true
}

// defs writes the fill patterns: diagonal hatching and cross-hatching.
func (c Bars) defs(b *bytes.Buffer) {
	lk := c.look()
	fmt.Fprintf(b, `<defs><pattern id="%s" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">`+
		`<rect width="6" height="6" fill="%s"/><line x1="0" y1="0" x2="0" y2="6" stroke="%s" stroke-width="3"/></pattern>`,
		esc(c.ID+"hatch"), lk.bg, lk.strokes[0])
	fmt.Fprintf(b, `<pattern id="%s" patternUnits="userSpaceOnUse" width="6" height="6">`+
		`<rect width="6" height="6" fill="%s"/><path d="M0 0L6 6M6 0L0 6" stroke="%s" stroke-width="1"/></pattern></defs>`+"\n",
		esc(c.ID+"cross"), lk.bg, lk.strokes[3])
}

func (c Bars) fill(j int) string {
	fills := c.look().fills
	f := fills[j%len(fills)]
	if f == "hatch" || f == "cross" {
		return "url(#" + esc(c.ID+f) + ")"
	}
	return f
}

// legend writes one entry per series, right-aligned at x above the plot.
func (c Bars) legend(b *bytes.Buffer, right, top float64) {
	lk := c.look()
	type entry struct {
		swatch string
		name   string
	}
	var es []entry
	for j, s := range c.Bars {
		es = append(es, entry{fmt.Sprintf(`<rect x="0" y="-10" width="18" height="12" fill="%s" stroke="%s" stroke-width="1"/>`, c.fill(j), lk.strokes[j%len(lk.strokes)]), s.Name})
	}
	for j, s := range c.Lines {
		color := lk.lines[j%len(lk.lines)]
		dash := ""
		if d := lineDashes[j%len(lineDashes)]; d != "" {
			dash = ` stroke-dasharray="` + d + `"`
		}
		es = append(es, entry{fmt.Sprintf(`<line x1="0" y1="-4" x2="22" y2="-4" stroke="%s" stroke-width="2.5"%s/>%s</%s>`, color, dash, marker(j, "11", "-4", color, lk.bg), markerTag(j)), s.Name})
	}
	// Width of an entry: swatch, gap, and the name (CJK characters are about one em).
	widths := make([]float64, len(es))
	total := 0.0
	for i, e := range es {
		widths[i] = 30 + textWidth(e.name, 13) + 16
		total += widths[i]
	}
	x := right - total
	fmt.Fprintf(b, `<g class="legend" fill="%s" font-size="13">`+"\n", lk.title)
	for i, e := range es {
		fmt.Fprintf(b, `<g transform="translate(%s %s)">%s<text x="28" y="0">%s</text></g>`+"\n", num(x), num(top-20), e.swatch, esc(e.name))
		x += widths[i]
	}
	b.WriteString("</g>\n")
}

// marker is the opening tag of a line's point marker: circles, squares, then diamonds.
func marker(j int, x, y, color, bg string) string {
	switch j % 3 {
	case 0:
		return fmt.Sprintf(`<rect class="point" x="%s" y="%s" width="8" height="8" transform="translate(-4 -4)" fill="%s" stroke="%s" stroke-width="2">`, x, y, bg, color)
	case 1:
		return fmt.Sprintf(`<circle class="point" cx="%s" cy="%s" r="4.5" fill="%s" stroke="%s" stroke-width="1">`, x, y, color, bg)
	}
	return fmt.Sprintf(`<rect class="point" x="%s" y="%s" width="7" height="7" transform="rotate(45 %s %s) translate(-3.5 -3.5)" fill="%s">`, x, y, x, y, color)
}

func markerTag(j int) string {
	if j%3 == 1 {
		return "circle"
	}
	return "rect"
}

// textWidth estimates the drawn width of s: wide (CJK) characters take an em, others half.
func textWidth(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		if r >= 0x2e80 {
			w += size
		} else {
			w += size * 0.56
		}
	}
	return w
}

func (lk *barsLook) gridColor(v int64) string {
	if v == 0 {
		return lk.zero
	}
	return lk.grid
}

func valueAt(s Series, i int) int64 {
	if i < len(s.Values) {
		return s.Values[i]
	}
	return 0
}

func maxOf(ss []Series) int64 {
	var m int64
	for _, s := range ss {
		for _, v := range s.Values {
			m = max(m, v)
		}
	}
	return m
}

// niceScale returns the top of an axis and its step for amounts up to m: the finest step
// of 1, 2 or 5 × 10ⁿ yuan that needs at most eight steps, never finer than 0.01万
// (100 yuan) so that the labels stay exact.
func niceScale(m int64) (top, step int64) {
	if m <= 0 {
		return 100, 100
	}
	for mag := int64(100); ; mag *= 10 {
		for _, k := range []int64{1, 2, 5} {
			step = k * mag
			if (m+step-1)/step <= 8 {
				return (m + step - 1) / step * step, step
			}
		}
	}
}

// num formats a coordinate with one decimal, the same way on every machine, and never as
// NaN or Inf.
func num(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "0"
	}
	return strconv.FormatFloat(f, 'f', 1, 64)
}

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;")

// esc escapes text for SVG element content and attribute values, dropping the control
// characters XML does not allow.
func esc(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xfffe || r == 0xffff {
			return -1
		}
		return r
	}, s)
	return escaper.Replace(s)
}

// Cumulative returns the running totals of values.
func Cumulative(values []int64) []int64 {
	out := make([]int64, len(values))
	var sum int64
	for i, v := range values {
		sum += v
		out[i] = sum
	}
	return out
}

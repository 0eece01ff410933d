package chart

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strings"
)

// options are the fields every chart kind has, gathered to draw the frame.
type options struct {
	kind   string // CSS class suffix and default id: "line"
	name   string // what the chart is, for a missing title: "折线图"
	id     string
	title  string
	desc   string
	unit   string
	empty  string
	format func(int64) string
	w, h   int
	dark   bool
}

// frame is an SVG being written: the root element, title, description and ground, then
// whatever the chart draws.
type frame struct {
	b    bytes.Buffer
	o    options
	id   string // the id prefix, safe in attributes and url(#…)
	th   *theme
	p    paint
	w, h float64
}

const (
	titleSize = 16.0
	textSize  = 13.0
	smallSize = 12.0
	margin    = 16.0
)

func newFrame(o options) *frame {
	if o.format == nil {
		o.format = Integer
	}
	if o.empty == "" {
		o.empty = "暂无数据"
	}
	// Below these sizes nothing is legible: smaller sizes are raised to them.
	o.w, o.h = max(o.w, 240), max(o.h, 120)
	f := &frame{o: o, th: themeFor(o.dark), w: float64(o.w), h: float64(o.h)}
	f.id = cleanID(o.id, o.kind)
	f.p = paint{id: f.id, th: f.th}
	return f
}

// cleanID keeps the letters, digits, '-' and '_' of id, so that it can stand in an
// attribute and a url(#…) reference unescaped; an empty id becomes the chart's kind.
func cleanID(id, kind string) string {
	var b strings.Builder
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return kind
	}
	return b.String()
}

// svg assembles the chart: the root and its accessible name and description, the ground,
// the visible title, the patterns used, then body.
func (f *frame) svg(desc string, body func(*bytes.Buffer)) []byte {
	var inner bytes.Buffer
	inner.Grow(4096)
	body(&inner)
	title := f.o.title
	if title == "" {
		title = f.o.name
	}
	if f.o.desc != "" {
		desc = f.o.desc
	}
	b := &f.b
	b.Grow(inner.Len() + 1024)
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-%s" viewBox="0 0 %s %s" width="%s" height="%s" role="img" aria-labelledby="%s-title %s-desc" font-family="%s" font-size="13">`+"\n",
		f.o.kind, num0(f.w), num0(f.h), num0(f.w), num0(f.h), f.id, f.id, esc(fontFamily))
	fmt.Fprintf(b, "<title id=\"%s-title\">%s</title>\n<desc id=\"%s-desc\">%s</desc>\n", f.id, esc(title), f.id, esc(desc))
	fmt.Fprintf(b, `<rect class="ground" width="%s" height="%s" fill="%s"/>`+"\n", num0(f.w), num0(f.h), f.th.bg)
	if f.o.title != "" {
		f.text(b, margin, 26, f.o.title, f.w-2*margin, titleSize, `font-weight="bold" fill="`+f.th.title+`"`)
	}
	f.p.defs(b)
	b.Write(inner.Bytes())
	b.WriteString("</svg>\n")
	return b.Bytes()
}

// emptyState writes the empty message in the middle of the area below the title.
func (f *frame) emptyState(b *bytes.Buffer, x, y float64) {
	fmt.Fprintf(b, `<text class="empty" x="%s" y="%s" text-anchor="middle" font-size="16" fill="%s">%s</text>`+"\n",
		num(x), num(y), f.th.muted, esc(f.o.empty))
}

// text writes s at (x, y), cut to maxW with "…"; a cut text keeps its whole in a <title>.
// attrs are further attributes (text-anchor, fill, font-weight).
func (f *frame) text(b *bytes.Buffer, x, y float64, s string, maxW, size float64, attrs string) {
	cut, short := fit(s, size, maxW)
	sz := ""
	if size != textSize {
		sz = ` font-size="` + num0(size) + `"`
	}
	if short {
		fmt.Fprintf(b, `<g><title>%s</title><text x="%s" y="%s"%s %s>%s</text></g>`+"\n", esc(s), num(x), num(y), sz, attrs, esc(cut))
		return
	}
	fmt.Fprintf(b, `<text x="%s" y="%s"%s %s>%s</text>`+"\n", num(x), num(y), sz, attrs, esc(s))
}

// value is v formatted with the unit: "12.34 亿元", "62.5%".
func (f *frame) value(v int64) string { return withUnit(f.o.format(v), f.o.unit) }

func withUnit(s, unit string) string {
	switch {
	case unit == "":
		return s
	case unit == "%" || unit == "‰" || unit == "％":
		return s + unit
	}
	return s + " " + unit
}

// caption is the value axis's caption: "完成投资（亿元）" or "单位：亿元".
func caption(label, unit string) string {
	switch {
	case label != "" && unit != "":
		return label + "（" + unit + "）"
	case label != "":
		return label
	case unit != "":
		return "单位：" + unit
	}
	return ""
}

// tip joins the parts of a tooltip with " · ", leaving out empty parts.
func tip(parts ...string) string {
	out := parts[:0:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " · ")
}

// fit cuts s to at most maxW wide at the given font size, ending it with "…"; it reports
// whether it cut.
func fit(s string, size, maxW float64) (string, bool) {
	if textWidth(s, size) <= maxW {
		return s, false
	}
	ell := size // the ellipsis is full width in CJK fonts
	w := 0.0
	rs := []rune(s)
	for i, r := range rs {
		cw := runeWidth(r, size)
		if w+cw+ell > maxW {
			return string(rs[:i]) + "…", true
		}
		w += cw
	}
	return s, false
}

func runeWidth(r rune, size float64) float64 {
	if r >= 0x2e80 {
		return size
	}
	return size * 0.56
}

// --- scales -------------------------------------------------------------------------------

// limit bounds the values a chart draws, so that no sum or product overflows; the
// tooltips still show the values as given.
const limit = 1_000_000_000_000_000 // 10¹⁵: a thousand trillion yuan

func clampV(v int64) int64 { return min(max(v, -limit), limit) }

// scale is a value axis from lo to hi (lo ≤ 0 ≤ hi, lo < hi) in steps of step.
type scale struct{ lo, hi, step int64 }

// niceRange returns the axis for values from lo to hi: it runs through zero, and its step
// is the finest 1, 2 or 5 × 10ⁿ that needs at most eight steps and whose tick labels
// format tells apart (amounts shown in 万元 step by at least 100 yuan).
func niceRange(lo, hi int64, format func(int64) string) scale {
	lo, hi = min(clampV(lo), 0), max(clampV(hi), 0)
	if lo == 0 && hi == 0 {
		hi = 1
	}
	for mag := int64(1); mag <= limit; mag *= 10 {
		for _, k := range []int64{1, 2, 5} {
			step := k * mag
			up, down := ceilDiv(hi, step), ceilDiv(-lo, step)
			if up+down > 8 {
				continue
			}
			s := scale{-down * step, up * step, step}
			if s.distinct(format) {
				return s
			}
		}
	}
	return scale{lo, hi, hi - lo}
}

func ceilDiv(a, b int64) int64 { return (a + b - 1) / b }

// ticks are the values of the axis's labels, from lo to hi.
func (s scale) ticks() []int64 {
	var out []int64
	for v := s.lo; v <= s.hi; v += s.step {
		out = append(out, v)
	}
	return out
}

func (s scale) distinct(format func(int64) string) bool {
	seen := map[string]bool{}
	for _, v := range s.ticks() {
		l := format(v)
		if seen[l] {
			return false
		}
		seen[l] = true
	}
	return true
}

// at is where v falls on the axis, from 0 at lo to 1 at hi.
func (s scale) at(v int64) float64 {
	return float64(min(max(clampV(v), s.lo), s.hi)-s.lo) / float64(s.hi-s.lo)
}

// valueAxis writes the horizontal grid lines and labels of s over a plot whose bottom
// left corner is (x0, y0), pw wide and ph high; the zero line is darker.
func (f *frame) valueAxis(b *bytes.Buffer, s scale, x0, y0, pw, ph float64) {
	fmt.Fprintf(b, `<g class="axis axis-value" font-size="12" fill="%s" text-anchor="end">`+"\n", f.th.muted)
	for _, v := range s.ticks() {
		y := y0 - ph*s.at(v)
		color := f.th.grid
		if v == 0 {
			color = f.th.axis
		}
		fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/><text x="%s" y="%s">%s</text>`+"\n",
			num(x0), num(y), num(x0+pw), num(y), color, num(x0-8), num(y+4), esc(f.o.format(v)))
	}
	b.WriteString("</g>\n")
}

// axisWidth is the room the value axis's labels need left of the plot.
func (f *frame) axisWidth(s scale) float64 {
	w := 0.0
	for _, v := range s.ticks() {
		w = max(w, textWidth(f.o.format(v), smallSize))
	}
	return max(w+14, 36)
}

// categoryLabels writes the category labels under a plot starting at x0 with bands gw
// wide, at baseline y. Labels are cut to fit; when even cut labels would crowd, only every
// k-th is shown. cats is not empty.
func (f *frame) categoryLabels(b *bytes.Buffer, cats []string, x0, gw, y float64) {
	// Make room for three labels in four, cutting the longest quarter, and cut rather
	// than thin below six characters.
	ws := make([]float64, len(cats))
	for i, c := range cats {
		ws[i] = textWidth(c, smallSize)
	}
	slices.Sort(ws)
	need := min(ws[len(ws)*3/4]+8, 6*smallSize)
	k := max(1, int(math.Ceil(need/gw-1e-9)))
	fmt.Fprintf(b, `<g class="axis axis-category" font-size="12" fill="%s" text-anchor="middle">`+"\n", f.th.text)
	for i, c := range cats {
		if i%k != 0 {
			continue
		}
		f.text(b, x0+gw*(float64(i)+0.5), y, c, gw*float64(k)-6, smallSize, "")
	}
	b.WriteString("</g>\n")
}

// --- legend -------------------------------------------------------------------------------

type legendEntry struct {
	name   string
	swatch string // drawn with its left middle at (0, 0)
	width  float64
}

// boxSwatch is a legend swatch for a filled mark.
func (f *frame) boxSwatch(i int) string {
	return fmt.Sprintf(`<rect x="0" y="-7" width="16" height="14" fill="%s" stroke="%s" stroke-width="0.8"/>`, f.p.fill(i), f.th.axis)
}

// lineSwatch is a legend swatch for line i: its dash and marker.
func (f *frame) lineSwatch(i int) string {
	c := f.p.color(i)
	return fmt.Sprintf(`<line x1="0" y1="0" x2="26" y2="0" stroke="%s" stroke-width="2.5"%s/>%s</path>`,
		c, dash(i), pointMarker(i, 13, 0, 4.5, c, f.th.bg))
}

// refSwatch is the legend swatch of a reference line.
func (f *frame) refSwatch() string {
	return fmt.Sprintf(`<line x1="0" y1="0" x2="26" y2="0" stroke="%s" stroke-width="2" stroke-dasharray="6 4"/>`, f.th.ref)
}

// legend writes the entries from (x, y), wrapping at maxX, and returns the y below it.
func (f *frame) legend(b *bytes.Buffer, es []legendEntry, x, y, maxX float64) float64 {
	if len(es) == 0 {
		return y
	}
	const rowH = 22.0
	fmt.Fprintf(b, `<g class="legend" font-size="13" fill="%s">`+"\n", f.th.text)
	cx := x
	cy := y + rowH/2
	for _, e := range es {
		sw := e.width
		if sw == 0 {
			sw = 16
		}
		name, short := fit(e.name, textSize, 220)
		ew := sw + 6 + textWidth(name, textSize)
		if cx > x && cx+ew > maxX {
			cx = x
			cy += rowH
		}
		fmt.Fprintf(b, `<g transform="translate(%s %s)">`, num(cx), num(cy))
		if short {
			fmt.Fprintf(b, `<title>%s</title>`, esc(e.name))
		}
		fmt.Fprintf(b, `%s<text x="%s" y="4.5">%s</text></g>`+"\n", e.swatch, num(sw+6), esc(name))
		cx += ew + 20
	}
	b.WriteString("</g>\n")
	return cy + rowH/2
}

// num0 formats a size as a whole number.
func num0(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "0"
	}
	return fmt.Sprintf("%d", int64(math.Round(f)))
}

// --- category charts ----------------------------------------------------------------------

// plot is the area of a chart with a value axis: bottom left corner (x0, y0), pw wide and
// ph high.
type plot struct{ x0, y0, pw, ph float64 }

func (p plot) y(s scale, v int64) float64 { return p.y0 - p.ph*s.at(v) }

// catPlot lays out a chart of categories against a value axis: title, legend, axis caption,
// grid and value labels, and the category axis title; it returns the plot area. headroom
// is kept free above the plot (for the totals over stacked bars).
func (f *frame) catPlot(b *bytes.Buffer, es []legendEntry, s scale, yLabel, xLabel string, headroom float64) plot {
	y := 8.0
	if f.o.title != "" {
		y = 38
	}
	y = f.legend(b, es, margin, y, f.w-margin)
	if c := caption(yLabel, f.o.unit); c != "" {
		f.text(b, margin, y+16, c, f.w/2, smallSize, `fill="`+f.th.muted+`"`)
		y += 22
	}
	top := y + 12 + headroom
	bottom := f.h - margin - 14
	if xLabel != "" {
		f.text(b, f.w/2, f.h-margin+2, xLabel, f.w-2*margin, smallSize, `text-anchor="middle" fill="`+f.th.muted+`"`)
		bottom -= 18
	}
	left := margin + f.axisWidth(s)
	p := plot{x0: left, y0: bottom, pw: max(f.w-margin-left, 10), ph: max(bottom-top, 10)}
	f.valueAxis(b, s, p.x0, p.y0, p.pw, p.ph)
	return p
}

// noValues reports whether no series has a value.
func noValues(ss []Series) bool {
	for _, s := range ss {
		if len(s.Values) > 0 {
			return false
		}
	}
	return true
}

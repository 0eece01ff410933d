package chart

import (
	"bytes"
	"fmt"
	"math"
	"sort"
	"strings"
)

// Part is a slice of a donut.
type Part struct {
	Name  string
	Value int64
	// Colour, when set, is the slice's fill (a CSS colour) instead of the palette's: for
	// parts whose colour means something, such as 红/黄/蓝 warnings.
	Colour string
}

// Donut shows parts of a whole as slices of a ring, in the order given, clockwise from the
// top, with the total in the hole and a legend of names, values and percentages. A
// negative part is listed but not drawn. A zero total draws an empty ring with the Empty
// message.
type Donut struct {
	ID         string             // prefix of element ids; give every chart on a page its own
	Title      string             // drawn at the top and used as the accessible name
	Desc       string             // the accessible description; default the parts and their shares
	Parts      []Part             // the slices
	Unit       string             // e.g. 亿元, 个
	Format     func(int64) string // a value as text; default Integer
	Center     string             // the big text in the hole; default the total
	CenterNote string             // the small text under it; default 合计, with the unit
	Empty      string             // the message when the total is zero; default 暂无数据
	Width      int                // default 640
	Height     int                // default 360; more when the legend needs it
	Dark       bool               // light on dark, for the wall screen
}

// SVG draws the chart.
func (c Donut) SVG() []byte {
	const rowH = 24.0
	top := 12.0
	if c.Title != "" {
		top = 44
	}
	h0 := float64(def(c.Height, 360))
	h := max(h0, top+rowH*float64(len(c.Parts))+margin+8)
	f := newFrame(options{kind: "donut", name: "环形图", id: c.ID, title: c.Title, desc: c.Desc,
		unit: c.Unit, empty: c.Empty, format: c.Format, w: def(c.Width, 640), h: int(math.Ceil(h)), dark: c.Dark})

	var total float64 // of the drawn (positive) parts, in float to never overflow
	var sum int64     // of all the parts, as shown
	for _, p := range c.Parts {
		if p.Value > 0 {
			total += float64(p.Value)
		}
		sum += clampV(p.Value)
	}
	shares := tenths(c.Parts, total)
	pct := func(i int) string {
		if total <= 0 || c.Parts[i].Value < 0 {
			return "—"
		}
		return decimal1(float64(shares[i])/10) + "%"
	}
	var desc string
	if total <= 0 {
		desc = f.o.empty
	} else {
		var ps []string
		for i, p := range c.Parts {
			ps = append(ps, p.Name+" "+f.value(p.Value)+"，占 "+pct(i))
		}
		desc = fmt.Sprintf("%s：合计 %s；%s。", f.o.name, f.value(sum), strings.Join(ps, "；"))
	}

	return f.svg(desc, func(b *bytes.Buffer) {
		ah := h0 - top - margin // a long legend makes the chart taller, not the ring larger
		R := min(ah/2, f.w*0.22, 140)
		r := R * 0.6
		cx, cy := margin+R+8, top+ah/2
		if len(c.Parts) > 0 {
			f.donutLegend(b, c.Parts, pct, cx+R+36, max(cy, top+4+rowH*float64(len(c.Parts))/2), rowH)
		}
		if total <= 0 {
			fmt.Fprintf(b, `<circle class="ring" cx="%s" cy="%s" r="%s" fill="none" stroke="%s" stroke-width="%s"/>`+"\n",
				num(cx), num(cy), num((R+r)/2), f.th.track, num(R-r))
			f.emptyState(b, cx, cy+6)
			return
		}
		// The slices, clockwise from the top.
		var at float64
		type label struct {
			x, y float64
			s    string
		}
		var labels []label
		for i, p := range c.Parts {
			if p.Value <= 0 {
				continue
			}
			share := float64(p.Value) / total
			a0, a1 := at, at+share
			at = a1
			fmt.Fprintf(b, `<path class="slice slice-%d" d="%s" fill="%s" stroke="%s" stroke-width="1.5"%s><title>%s</title></path>`+"\n",
				i, annulus(cx, cy, R, r, a0, a1), partFill(f, c.Parts, i), f.th.bg, map[bool]string{true: ` fill-rule="evenodd"`}[share > 0.9999],
				esc(tip(p.Name, f.value(p.Value), pct(i))))
			if share >= 0.05 {
				mid := (a0 + a1) / 2 * 2 * math.Pi
				rm := (R + r) / 2
				labels = append(labels, label{cx + rm*math.Sin(mid), cy - rm*math.Cos(mid) + 4, pct(i)})
			}
		}
		for _, l := range labels {
			fmt.Fprintf(b, `<text class="share" x="%s" y="%s" text-anchor="middle" font-size="12" font-weight="bold" fill="%s" stroke="%s" stroke-width="3" stroke-linejoin="round" paint-order="stroke">%s</text>`+"\n",
				num(l.x), num(l.y), f.th.title, f.th.bg, esc(l.s))
		}
		// The hole: the total, and what it is.
		center := c.Center
		if center == "" {
			center = f.o.format(sum)
		}
		note := c.CenterNote
		if note == "" {
			note = caption("合计", c.Unit)
		}
		size := min(26, max(12, (2*r-16)/max(textWidth(center, 1), 1)))
		f.text(b, cx, cy+size*0.3, center, 2*r-12, size, `class="center" text-anchor="middle" font-weight="bold" fill="`+f.th.title+`"`)
		f.text(b, cx, cy+size*0.3+18, note, 2*r-12, smallSize, `text-anchor="middle" fill="`+f.th.muted+`"`)
	})
}

// donutLegend writes a row per part from x, centred on cy: swatch, name, value, share.
func (f *frame) donutLegend(b *bytes.Buffer, parts []Part, pct func(int) string, x, cy, rowH float64) {
	valW, pctW := 0.0, textWidth("100%", textSize)
	for i, p := range parts {
		valW = max(valW, textWidth(f.value(p.Value), textSize))
		pctW = max(pctW, textWidth(pct(i), textSize))
	}
	right := f.w - margin
	nameW := max(right-pctW-12-valW-12-(x+24), 3*textSize)
	y := cy - rowH*float64(len(parts))/2 + rowH/2
	fmt.Fprintf(b, `<g class="legend" font-size="13" fill="%s">`+"\n", f.th.text)
	for i, p := range parts {
		fmt.Fprintf(b, `<g class="part"><title>%s</title>`, esc(tip(p.Name, f.value(p.Value), pct(i))))
		fmt.Fprintf(b, `<rect x="%s" y="%s" width="16" height="14" fill="%s" stroke="%s" stroke-width="0.8"/>`, num(x), num(y-7), partFill(f, parts, i), f.th.axis)
		name, _ := fit(p.Name, textSize, nameW)
		fmt.Fprintf(b, `<text x="%s" y="%s">%s</text>`, num(x+24), num(y+4.5), esc(name))
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="end">%s</text>`, num(right-pctW-12), num(y+4.5), esc(f.value(p.Value)))
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="end" font-weight="bold">%s</text></g>`+"\n", num(right), num(y+4.5), esc(pct(i)))
		y += rowH
	}
	b.WriteString("</g>\n")
}

// annulus is the path of the ring between radii r and R from a0 to a1 (fractions of a
// turn clockwise from the top); a whole turn is two circles, to be filled evenodd.
func annulus(cx, cy, R, r, a0, a1 float64) string {
	if a1-a0 > 0.9999 {
		return fmt.Sprintf("M%s %sa%s %s 0 1 0 %s 0a%s %s 0 1 0 %s 0ZM%s %sa%s %s 0 1 0 %s 0a%s %s 0 1 0 %s 0Z",
			num(cx-R), num(cy), num(R), num(R), num(2*R), num(R), num(R), num(-2*R),
			num(cx-r), num(cy), num(r), num(r), num(2*r), num(r), num(r), num(-2*r))
	}
	pt := func(rad, a float64) string {
		t := a * 2 * math.Pi
		return num(cx+rad*math.Sin(t)) + " " + num(cy-rad*math.Cos(t))
	}
	large := 0
	if a1-a0 > 0.5 {
		large = 1
	}
	return fmt.Sprintf("M%sA%s %s 0 %d 1 %sL%sA%s %s 0 %d 0 %sZ",
		pt(R, a0), num(R), num(R), large, pt(R, a1), pt(r, a1), num(r), num(r), large, pt(r, a0))
}

// tenths returns each part's share of total in tenths of a percent, rounded so that the
// shares of the positive parts add up to exactly 1000 (largest remainders).
func tenths(parts []Part, total float64) []int {
	out := make([]int, len(parts))
	if total <= 0 {
		return out
	}
	type rem struct {
		i int
		r float64
	}
	var rs []rem
	left := 1000
	for i, p := range parts {
		if p.Value <= 0 {
			continue
		}
		exact := float64(p.Value) / total * 1000
		out[i] = int(exact)
		left -= out[i]
		rs = append(rs, rem{i, exact - float64(out[i])})
	}
	sort.SliceStable(rs, func(a, b int) bool { return rs[a].r > rs[b].r })
	for k := 0; left > 0 && len(rs) > 0; k++ {
		out[rs[k%len(rs)].i]++
		left--
	}
	return out
}

// partFill is a part's own colour, or the palette's i-th fill.
func partFill(f *frame, parts []Part, i int) string {
	if c := parts[i].Colour; c != "" {
		return c
	}
	return f.p.fill(i)
}

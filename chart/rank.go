package chart

import (
	"bytes"
	"fmt"
	"strconv"
)

// RankItem is a bar of a ranking.
type RankItem struct {
	Label     string // e.g. 衢江区
	Value     int64
	Rank      int    // the number before the label; 0 means the item's position, from 1
	Highlight bool   // drawn in the highlight colour and pattern, with a bold label
	Missing   bool   // no value (a unit without a plan): no bar, "—" for the value; Value is ignored
	Note      string // a short text after the value, in the highlight colour, e.g. 红2
}

// Ref is a reference value drawn across a chart, e.g. the average or a target.
type Ref struct {
	Label string // e.g. 平均
	Value int64
}

// RankBars draws one horizontal bar per item in the order given (sort them first), each
// labelled "1. 衢江区" on the left and with its value (and note) at the bar's end; negative
// values run left of the zero line. The height follows the number of items. The scale
// takes in the values, the reference line and Max, so that a full mark or 100 % can stay
// the right end whatever the values.
type RankBars struct {
	ID             string             // prefix of element ids; give every chart on a page its own
	Title          string             // drawn at the top and used as the accessible name
	Desc           string             // the accessible description; default a summary of the data
	Items          []RankItem         // the bars, top first
	Unit           string             // e.g. 分, 亿元, %
	Format         func(int64) string // a value as text; default Integer
	Ref            *Ref               // an optional vertical reference line
	Max            int64              // the scale reaches at least this far (full marks, 100 %); 0: the values decide
	NoRank         bool               // labels without the "1. " in front
	HighlightLabel string             // the legend entry of highlighted bars, e.g. 红旗单位; none if empty
	Empty          string             // the message when there are no items; default 暂无数据
	Width          int                // default 960
	RowHeight      int                // default 28
	Dark           bool               // light on dark, for the wall screen
}

// noteGap is the room between a bar's value and its note.
const noteGap = 6.0

// SVG draws the chart.
func (c RankBars) SVG() []byte {
	rowH := float64(def(c.RowHeight, 28))
	rowH = max(rowH, 18)
	// From the top: title, legend, the reference line's label, the bars, the axis.
	legendY := 8.0
	if c.Title != "" {
		legendY = 38
	}
	y0 := legendY + 6
	if c.HighlightLabel != "" {
		y0 += 22
	}
	if c.Ref != nil {
		y0 += 18
	}
	h := y0 + rowH*float64(max(len(c.Items), 3)) + 30
	if c.Unit != "" {
		h += 16 // the caption under the axis
	}
	f := newFrame(options{kind: "rank", name: "排名条形图", id: c.ID, title: c.Title, desc: c.Desc,
		unit: c.Unit, empty: c.Empty, format: c.Format, w: def(c.Width, 960), h: int(h), dark: c.Dark})
	if len(c.Items) == 0 {
		return f.svg(f.o.empty, func(b *bytes.Buffer) { f.emptyState(b, f.w/2, f.h/2+10) })
	}
	labels := make([]string, len(c.Items))
	var lo, hi int64
	labelW, valW, negW := 0.0, 0.0, 0.0
	// shown is an item's value as drawn at its bar's end, and as told with the unit.
	shown := func(it RankItem) string {
		if it.Missing {
			return "—"
		}
		return f.o.format(it.Value)
	}
	told := func(it RankItem) string {
		if it.Missing {
			return "—"
		}
		return f.value(it.Value)
	}
	for i, it := range c.Items {
		labels[i] = it.Label
		if !c.NoRank {
			rank := it.Rank
			if rank == 0 {
				rank = i + 1
			}
			labels[i] = strconv.Itoa(rank) + ". " + it.Label
		}
		labelW = max(labelW, textWidth(labels[i], textSize))
		if !it.Missing {
			lo, hi = min(lo, it.Value), max(hi, it.Value)
		}
		w := textWidth(shown(it), textSize)
		if it.Note != "" {
			w += noteGap + textWidth(it.Note, textSize)
		}
		if it.Value < 0 && !it.Missing {
			negW = max(negW, w)
		} else {
			valW = max(valW, w)
		}
	}
	if c.Ref != nil {
		lo, hi = min(lo, c.Ref.Value), max(hi, c.Ref.Value)
	}
	hi = max(hi, c.Max)
	sc := niceRange(lo, hi, f.o.format)
	first, last := c.Items[0], c.Items[len(c.Items)-1]
	desc := fmt.Sprintf("%s：%d 项，%s。第一 %s %s，末位 %s %s。", f.o.name, len(c.Items), caption("", c.Unit),
		first.Label, told(first), last.Label, told(last))
	if c.Ref != nil {
		desc += c.Ref.Label + " " + f.value(c.Ref.Value) + "。"
	}

	return f.svg(desc, func(b *bytes.Buffer) {
		labelW = min(labelW, f.w*0.3)
		x0 := margin + labelW + 10 // the plot's left edge
		if negW > 0 {
			x0 += negW + 8 // room for a negative value's label left of its bar
		}
		x1 := f.w - margin - max(valW+8, 24) // the plot's right edge
		pw := max(x1-x0, 10)
		xAt := func(v int64) float64 { return x0 + pw*sc.at(v) }
		bottom := y0 + rowH*float64(len(c.Items))
		if c.HighlightLabel != "" {
			f.legend(b, []legendEntry{{name: c.HighlightLabel, swatch: f.boxSwatch(3)}}, margin, legendY, f.w-margin)
		}
		// The value axis, at the bottom, with the unit at its end.
		fmt.Fprintf(b, `<g class="axis axis-value" font-size="12" fill="%s" text-anchor="middle">`+"\n", f.th.muted)
		for _, v := range sc.ticks() {
			x := xAt(v)
			color := f.th.grid
			if v == 0 {
				color = f.th.axis
			}
			fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/><text x="%s" y="%s">%s</text>`+"\n",
				num(x), num(y0-4), num(x), num(bottom), color, num(x), num(bottom+16), esc(f.o.format(v)))
		}
		b.WriteString("</g>\n")
		if cp := caption("", c.Unit); cp != "" {
			f.text(b, f.w-margin, bottom+34, cp, f.w/2, smallSize, `text-anchor="end" fill="`+f.th.muted+`"`)
		}
		zero := xAt(0)
		bh := min(rowH*0.64, 22)
		var values bytes.Buffer // drawn last, over the reference line
		values.WriteString(`<g class="values">` + "\n")
		for i, it := range c.Items {
			ry := y0 + rowH*float64(i)
			cy := ry + rowH/2
			cls, fill, weight := "rank-bar", f.p.fill(0), ""
			if it.Highlight {
				cls, fill, weight = "rank-bar highlight", f.p.fill(3), ` font-weight="bold"`
			}
			if it.Missing {
				cls += " missing"
			}
			fmt.Fprintf(b, `<g class="%s">`+"\n", cls)
			f.text(b, margin+labelW, cy+4.5, labels[i], labelW, textSize, `text-anchor="end" fill="`+f.th.title+`"`+weight)
			xv := zero
			if !it.Missing {
				xv = xAt(it.Value)
				bx, bw := min(zero, xv), max(zero, xv)-min(zero, xv)
				fmt.Fprintf(b, `<rect class="bar" x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s</title></rect>`+"\n",
					num(bx), num(cy-bh/2), num(bw), num(bh), fill, esc(tip(labels[i], told(it), it.Note)))
			}
			tx, anchor := xv+6, "start"
			if it.Value < 0 && !it.Missing {
				tx, anchor = xv-6, "end"
			}
			note := ""
			if it.Note != "" {
				note = fmt.Sprintf(`<tspan class="note" dx="%s" fill="%s" font-weight="bold">%s</tspan>`, num0(noteGap), f.p.color(3), esc(it.Note))
			}
			fmt.Fprintf(&values, `<text class="value" x="%s" y="%s" text-anchor="%s" fill="%s" stroke="%s" stroke-width="3" stroke-linejoin="round" paint-order="stroke"%s>%s%s</text>`+"\n",
				num(tx), num(cy+4.5), anchor, f.th.title, f.th.bg, weight, esc(shown(it)), note)
			b.WriteString("</g>\n")
		}
		if c.Ref != nil {
			x := xAt(c.Ref.Value)
			t := tip(c.Ref.Label, f.value(c.Ref.Value))
			label := c.Ref.Label + " " + f.value(c.Ref.Value)
			fmt.Fprintf(b, `<g class="ref"><title>%s</title><line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="4"/><line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2" stroke-dasharray="6 4"/>`,
				esc(t), num(x), num(y0-6), num(x), num(bottom+2), f.th.bg, num(x), num(y0-6), num(x), num(bottom+2), f.th.ref)
			anchor := "middle"
			switch {
			case x-textWidth(label, smallSize)/2 < margin:
				anchor = "start"
			case x+textWidth(label, smallSize)/2 > f.w-margin:
				anchor = "end"
			}
			fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="%s" font-size="12" font-weight="bold" fill="%s">%s</text></g>`+"\n",
				num(x), num(y0-10), anchor, f.th.ref, esc(label))
		}
		values.WriteString("</g>\n")
		b.Write(values.Bytes())
	})
}

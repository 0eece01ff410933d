package chart

import (
	"bytes"
	"fmt"
)

// A theme is the set of colours that are not a series': ground, text, grid lines.
type theme struct {
	bg     string // the ground
	title  string // the chart's title and strong text
	text   string // labels
	muted  string // axis labels, captions
	grid   string // grid lines
	axis   string // the zero line and axis lines
	track  string // the empty part of a gauge, an empty donut ring
	ref    string // reference lines (时序进度, an average)
	panel  string // a highlighted small multiple's ground
	series []string
}

// The Okabe–Ito palette (Okabe & Ito 2008), ordered for a light ground: blue first, black
// last. On a dark ground sky blue leads and black gives way to a light grey.
var (
	lightTheme = theme{
		bg: "#ffffff", title: "#1f2937", text: "#374151", muted: "#4b5563", grid: "#e5e7eb",
		axis: "#6b7280", track: "#e5e7eb", ref: "#111827", panel: "#f3f4f6",
		series: []string{"#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"},
	}
	darkTheme = theme{
		bg: "#0f172a", title: "#f9fafb", text: "#e5e7eb", muted: "#cbd5e1", grid: "#334155",
		axis: "#94a3b8", track: "#334155", ref: "#f9fafb", panel: "#1e293b",
		series: []string{"#56B4E9", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#F0E442", "#0072B2", "#BBBBBB"},
	}
)

func themeFor(dark bool) *theme {
	if dark {
		return &darkTheme
	}
	return &lightTheme
}

// The fill pattern of series i, over its colour, on an 8 × 8 tile: none (solid), diagonal
// hatching, dots, cross-hatching, horizontal lines, vertical lines, back diagonals, a grid.
var patternInk = []string{
	"",
	`<path d="M-2 2L2 -2M0 8L8 0M6 10L10 6" stroke-width="1.6"/>`,
	`<circle cx="2" cy="2" r="1.3"/><circle cx="6" cy="6" r="1.3"/>`,
	`<path d="M0 0L8 8M8 0L0 8" stroke-width="1.1"/>`,
	`<path d="M0 2H8M0 6H8" stroke-width="1.3"/>`,
	`<path d="M2 0V8M6 0V8" stroke-width="1.3"/>`,
	`<path d="M-2 6L2 10M0 0L8 8M6 -2L10 2" stroke-width="1.6"/>`,
	`<path d="M0 4H8M4 0V8" stroke-width="1.1"/>`,
}

// Line dashes and point marker shapes, by series.
var (
	dashes  = []string{"", "8 4", "2 3", "10 3 2 3", "4 2", "1 3"}
	markers = 6 // circle, square, triangle, diamond, triangle down, cross
)

// ink is the colour of the pattern drawn over colour c: white over dark colours, black
// over light ones, so that hatching shows in colour and in grey alike.
func ink(c string) (string, string) {
	var r, g, b int
	if _, err := fmt.Sscanf(c, "#%02x%02x%02x", &r, &g, &b); err != nil {
		return "#ffffff", "0.7"
	}
	if 299*r+587*g+114*b > 140_000 {
		return "#000000", "0.55"
	}
	return "#ffffff", "0.75"
}

// paint hands out the looks of series by index, in a chart with the given element id
// prefix, and remembers which patterns were used so that defs writes only those.
type paint struct {
	id   string
	th   *theme
	used [8]bool
}

func (p *paint) color(i int) string { return p.th.series[i%len(p.th.series)] }

// fill is series i's fill: its colour, or a pattern over its colour.
func (p *paint) fill(i int) string {
	k := i % len(patternInk)
	if k == 0 {
		return p.color(i)
	}
	p.used[k] = true
	return fmt.Sprintf("url(#%s-p%d)", p.id, k)
}

// defs writes the patterns handed out so far, for series 0 … n-1 of the palette.
func (p *paint) defs(b *bytes.Buffer) {
	some := false
	for _, u := range p.used {
		some = some || u
	}
	if !some {
		return
	}
	b.WriteString("<defs>")
	for i, u := range p.used {
		if !u {
			continue
		}
		c := p.th.series[i]
		k, op := ink(c)
		stroke := fmt.Sprintf(` stroke="%s" stroke-opacity="%s" fill="%s" fill-opacity="%s"`, k, op, k, op)
		fmt.Fprintf(b, `<pattern id="%s-p%d" patternUnits="userSpaceOnUse" width="8" height="8"><rect width="8" height="8" fill="%s"/><g%s>%s</g></pattern>`,
			p.id, i, c, stroke, patternInk[i%len(patternInk)])
	}
	b.WriteString("</defs>\n")
}

// dash is the stroke-dasharray attribute of line i, if any.
func dash(i int) string {
	if d := dashes[i%len(dashes)]; d != "" {
		return ` stroke-dasharray="` + d + `"`
	}
	return ""
}

// pointMarker draws the point marker of series i at (x, y) with radius r, opening the element
// so that a <title> can follow; close it with </path>.
func pointMarker(i int, x, y, r float64, fill, stroke string) string {
	var d string
	switch i % markers {
	case 0: // circle, as two arcs
		d = fmt.Sprintf("M%s %sa%s %s 0 1 0 %s 0a%s %s 0 1 0 %s 0Z", num(x-r), num(y), num(r), num(r), num(2*r), num(r), num(r), num(-2*r))
	case 1: // square
		s := r * 0.9
		d = fmt.Sprintf("M%s %sh%sv%sh%sZ", num(x-s), num(y-s), num(2*s), num(2*s), num(-2*s))
	case 2: // triangle
		s := r * 1.2
		d = fmt.Sprintf("M%s %sL%s %sL%s %sZ", num(x), num(y-s), num(x+s), num(y+s*0.8), num(x-s), num(y+s*0.8))
	case 3: // diamond
		s := r * 1.25
		d = fmt.Sprintf("M%s %sL%s %sL%s %sL%s %sZ", num(x), num(y-s), num(x+s), num(y), num(x), num(y+s), num(x-s), num(y))
	case 4: // triangle down
		s := r * 1.2
		d = fmt.Sprintf("M%s %sL%s %sL%s %sZ", num(x), num(y+s), num(x+s), num(y-s*0.8), num(x-s), num(y-s*0.8))
	default: // plus
		s, t := r*0.45, r*1.15
		d = fmt.Sprintf("M%s %sH%sV%sH%sV%sH%sV%sH%sV%sH%sV%sH%sZ",
			num(x-s), num(y-t), num(x+s), num(y-s), num(x+t), num(y+s), num(x+s), num(y+t), num(x-s), num(y+s), num(x-t), num(y-s), num(x-s))
	}
	return fmt.Sprintf(`<path class="point" d="%s" fill="%s" stroke="%s" stroke-width="1.2">`, d, fill, stroke)
}

package chart

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// node is an element of a parsed SVG.
type node struct {
	name  string
	attrs map[string]string
	text  string // character data directly inside
	kids  []*node
}

func (n *node) walk(fn func(*node)) {
	fn(n)
	for _, k := range n.kids {
		k.walk(fn)
	}
}

// find returns the elements named name with every attribute of want.
func (n *node) find(name string, want ...string) []*node {
	var out []*node
	n.walk(func(e *node) {
		if e.name != name {
			return
		}
		for i := 0; i+1 < len(want); i += 2 {
			if e.attrs[want[i]] != want[i+1] {
				return
			}
		}
		out = append(out, e)
	})
	return out
}

func (n *node) num(t *testing.T, attr string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(n.attrs[attr], 64)
	if err != nil {
		t.Fatalf("<%s %s=%q>: %v", n.name, attr, n.attrs[attr], err)
	}
	return f
}

var urlRef = regexp.MustCompile(`url\(#([^)]*)\)`)

// check parses svg as XML and holds it to the package's promises: well-formed, no NaN or
// Inf, an accessible name and description, unique ids that every reference finds, text of
// 12 px or more, a viewBox. It returns the root element.
func check(t *testing.T, svg []byte) *node {
	t.Helper()
	s := string(svg)
	for _, bad := range []string{"NaN", "Inf", "<script", "style="} {
		if strings.Contains(s, bad) {
			t.Fatalf("%q in the SVG:\n%s", bad, s)
		}
	}
	d := xml.NewDecoder(bytes.NewReader(svg))
	var stack []*node
	var root *node
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, s)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &node{name: tok.Name.Local, attrs: map[string]string{}}
			for _, a := range tok.Attr {
				n.attrs[a.Name.Local] = a.Value
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, n)
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(tok)
			}
		}
	}
	if root == nil || root.name != "svg" || root.attrs["role"] != "img" || root.attrs["viewBox"] == "" {
		t.Fatalf("root is not <svg role=img viewBox=…>:\n%s", s)
	}
	ids := map[string]bool{}
	root.walk(func(n *node) {
		if id := n.attrs["id"]; id != "" {
			if ids[id] {
				t.Errorf("id %q twice", id)
			}
			ids[id] = true
		}
		for _, a := range []string{"width", "height", "r"} {
			if v, ok := n.attrs[a]; ok && strings.HasPrefix(v, "-") {
				t.Errorf("<%s %s=%q>", n.name, a, v)
			}
		}
		if fs, ok := n.attrs["font-size"]; ok {
			if v, err := strconv.ParseFloat(fs, 64); err != nil || v < 12 {
				t.Errorf("font-size %q on <%s>", fs, n.name)
			}
		}
	})
	for _, ref := range strings.Fields(root.attrs["aria-labelledby"]) {
		if !ids[ref] {
			t.Errorf("aria-labelledby %q: no such element", ref)
		}
	}
	if len(strings.Fields(root.attrs["aria-labelledby"])) != 2 {
		t.Errorf("aria-labelledby = %q", root.attrs["aria-labelledby"])
	}
	if len(root.find("title")) == 0 || len(root.find("desc")) != 1 || strings.TrimSpace(root.find("desc")[0].text) == "" {
		t.Errorf("no <title> or <desc>")
	}
	for _, m := range urlRef.FindAllStringSubmatch(s, -1) {
		if !ids[m[1]] {
			t.Errorf("url(#%s): no such element", m[1])
		}
	}
	return root
}

// texts is every drawn <text>'s content.
func texts(root *node) []string {
	var out []string
	for _, n := range root.find("text") {
		out = append(out, n.text)
	}
	return out
}

func hasText(root *node, s string) bool {
	for _, t := range texts(root) {
		if t == s {
			return true
		}
	}
	return false
}

// titles is every <title>'s text.
func titles(root *node) []string {
	var out []string
	for _, n := range root.find("title") {
		out = append(out, n.text)
	}
	return out
}

func hasTitle(root *node, s string) bool {
	for _, t := range titles(root) {
		if t == s {
			return true
		}
	}
	return false
}

// sample writes svg to $CHART_SAMPLES/name.svg when that variable is set, for a look.
func sample(t *testing.T, name string, svg []byte) {
	dir := os.Getenv("CHART_SAMPLES")
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".svg"), svg, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Test data: six counties of 衢州, twelve months.
var (
	counties = []string{"柯城区", "衢江区", "龙游县", "江山市", "常山县", "开化县"}
	monthsCN = []string{"1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"}
	xss      = `<script>alert("x")</script>&'`
	longName = "衢州市智造新城高新技术产业园区管理委员会"
)

func near(a, b float64) bool { return a-b < 0.11 && b-a < 0.11 }

// classed returns the elements named name whose class starts with prefix.
func (n *node) classed(name, prefix string) []*node {
	var out []*node
	n.walk(func(e *node) {
		if e.name == name && strings.HasPrefix(e.attrs["class"], prefix) {
			out = append(out, e)
		}
	})
	return out
}

// TestTiny: every kind, squeezed into a stamp or given absurd sizes, still draws valid SVG.
func TestTiny(t *testing.T) {
	for _, size := range [][2]int{{60, 40}, {1, 1}, {5000, 3000}} {
		w, h := size[0], size[1]
		m := multiplesSample()
		m.Width, m.PanelHeight, m.Columns = w, h, 1000
		for name, svg := range map[string][]byte{
			"stacked":   StackedBars{Width: w, Height: h, Title: "t", Categories: counties, Series: stackedSample().Series, Unit: "亿元"}.SVG(),
			"line":      Line{Width: w, Height: h, Title: "t", Categories: monthsCN, Series: lineSample().Series, Ref: lineSample().Ref}.SVG(),
			"donut":     Donut{Width: w, Height: h, Title: "t", Parts: donutSample().Parts}.SVG(),
			"rank":      RankBars{Width: w, RowHeight: h, Title: "t", Items: rankSample().Items, Ref: rankSample().Ref}.SVG(),
			"gauge":     Gauge{Width: w, Height: h, Title: "t", Value: 0.3, Schedule: 0.5}.SVG(),
			"bullet":    Gauge{Width: w, Height: h, Title: "t", Value: 0.3, Schedule: 0.5, Bullet: true}.SVG(),
			"multiples": m.SVG(),
		} {
			t.Run(name, func(t *testing.T) { check(t, svg) })
		}
	}
}

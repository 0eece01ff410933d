package xlsx

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"ding"
	"ding/i18n"
)

// badVerbs reports whether msg, a message rendered with args, shows a formatting mistake
// ("%!d(string=…)", "%!(EXTRA …)") once the arguments' own text is taken out of it.
func badVerbs(msg string, args []any) bool {
	for _, a := range args {
		msg = strings.ReplaceAll(strings.ReplaceAll(msg, fmt.Sprintf("%q", a), ""), fmt.Sprint(a), "")
	}
	return strings.Contains(msg, "%!")
}

// checkCellErr fails unless e is nil or an invalid-input error whose message is in the
// catalog and renders with its arguments.
func checkCellErr(t *testing.T, what, raw string, e *ding.Error) {
	t.Helper()
	if e == nil {
		return
	}
	if e.Code != ding.EINVALID || !i18n.Has(e.Key) {
		t.Fatalf("%s(%q): %v", what, raw, e)
	}
	for _, lang := range []string{"zh", "en"} {
		if msg := i18n.T(lang, e.Key, e.Args...); badVerbs(msg, e.Args) {
			t.Fatalf("%s(%q): message %q", what, raw, msg)
		}
	}
}

// FuzzXLSXCells feeds one cell's text to every cell reader of the import and checks what
// each promises:
//   - money: yuan in whole 0.01万, within the cap, written back as 万元 (with separators, or
//     as the binary float Excel stores, or with its float noise) reads as the same yuan;
//   - decimal: a finite number in [0, 1e7]; percentage: 0–100;
//   - date: a real day from 1900 to 2200 (or from an Excel serial) that reads back from its
//     YYYY-MM-DD form; period: a canonical month or ISO week that reads back as itself;
//   - flags and closed lists: one of their codes;
//   - a refusal is an invalid-input error with a message in both languages.
func FuzzXLSXCells(f *testing.F) {
	for _, s := range []string{"", "0", "1234", " 1,234.5 ", "１２３４．５６", "1234.56万元", ".5", "1234.5599999999999", "0.30000000000000004",
		"1E+3", "10000000000", "10000000000.01", "12.345", "-100", "(100)", "#N/A", "NaN", "Inf", "1e308", "-0", "+5", "5.",
		"2024-03-01", "2024/3/1", "2024.3.1", "2024年3月1日", "20240301", "45352", "45352.75", "60", "61", "2958465", "2024-02-30",
		"2024-03", "2024年3月", "202403", "2024-W09", "2024W9", "2024-w53", "2020-W53", "0000-W01", "2024-3-1 08:30", "1899-12-31",
		"是", "否", "Y", "√", "×", "35%", "0.35", "100", "101", "新建", "技改", "民间", "政府投资", "C", "C 制造业", "制造业", "签约", "落地（注册）"} {
		f.Add(s)
	}
	enums := newEnums()
	f.Fuzz(func(t *testing.T, raw string) {
		if y, e := parseWan(raw); e != nil {
			checkCellErr(t, "parseWan", raw, e)
		} else {
			if y < 0 || y > maxWanCents*100 || y%100 != 0 {
				t.Fatalf("parseWan(%q) = %d", raw, y)
			}
			cents := y / 100
			typed := ding.Wan(y)
			stored := strconv.FormatFloat(float64(cents)/100, 'g', -1, 64)
			noisy := strconv.FormatFloat(float64(cents)/100, 'g', 17, 64)
			for _, back := range []string{typed, stored, noisy} {
				if got, e := parseWan(back); e != nil || got != y {
					t.Fatalf("parseWan(%q) = %d; %q reads as %d, %v", raw, y, back, got, e)
				}
			}
		}
		if x, e := parseDecimal(raw); e != nil {
			checkCellErr(t, "parseDecimal", raw, e)
		} else if math.IsNaN(x) || x < 0 || x > 1e7 {
			t.Fatalf("parseDecimal(%q) = %v", raw, x)
		}
		if n, e := parsePercent(raw); e != nil {
			checkCellErr(t, "parsePercent", raw, e)
		} else if n < 0 || n > 100 {
			t.Fatalf("parsePercent(%q) = %d", raw, n)
		}
		for _, date1904 := range []bool{false, true} {
			d, e := parseDate(raw, date1904)
			if e != nil {
				checkCellErr(t, "parseDate", raw, e)
			} else if d.IsZero() != (strings.TrimSpace(foldWidth(raw)) == "") {
				t.Fatalf("parseDate(%q) = %v", raw, d)
			} else if !d.IsZero() {
				if d.Year < 1900 || d.Year > 2200 || d.Time().Day() != d.Day {
					t.Fatalf("parseDate(%q) = %+v", raw, d)
				}
				if back, e := parseDate(d.String(), date1904); e != nil || back != d {
					t.Fatalf("parseDate(%q) = %s, which reads back as %v, %v", raw, d, back, e)
				}
			}
			p, e := parsePeriod(raw, date1904)
			if e != nil {
				checkCellErr(t, "parsePeriod", raw, e)
			} else if p != "" {
				pp, err := ding.ParsePeriod(p)
				if err != nil || pp.String() != p {
					t.Fatalf("parsePeriod(%q) = %q, not a canonical period: %v", raw, p, err)
				}
				if back, e := parsePeriod(p, date1904); e != nil || back != p {
					t.Fatalf("parsePeriod(%q) = %q, which reads back as %q, %v", raw, p, back, e)
				}
			} else if strings.TrimSpace(foldWidth(raw)) != "" {
				t.Fatalf("parsePeriod(%q) = \"\" without an error", raw)
			}
		}
		if _, e := parseFlag(raw); e != nil {
			checkCellErr(t, "parseFlag", raw, e)
		}
		for k, en := range enums {
			c, e := en.parse(raw)
			if e != nil {
				checkCellErr(t, "enum.parse", raw, e)
				continue
			}
			var codes []string
			switch k {
			case kNature:
				for _, n := range ding.Natures {
					codes = append(codes, string(n))
				}
			case kInvestor:
				for _, n := range ding.Investors {
					codes = append(codes, string(n))
				}
			case kStage:
				for _, n := range ding.AllStages {
					codes = append(codes, string(n))
				}
			case kIndustry:
				codes = ding.Industries
			}
			if c != "" && !slices.Contains(codes, c) || c == "" && normTitle(raw) != "" {
				t.Fatalf("%s: %q reads as %q", en.header, raw, c)
			}
		}
	})
}

// FuzzParseMeasure: an indicator value as a cell holds it reads exactly in every measure;
// what reads is within 10¹⁶ stored units, and the value shown in the measure (and Excel's
// binary float of it) reads back as the same value rounded to the shown decimals.
func FuzzParseMeasure(f *testing.F) {
	for _, s := range []string{"327.72", "327.71999999999997", "327.719999999999", "1,234", "１２３", "(5)", "-5", "5亿元", "12.5%", "",
		"abc", "1e3", "3810户", "0.00000001", "100000000.00000001", "99999999999999999999", "--5", "-+5", "１，２３４．５"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		for _, m := range ding.Measures {
			v, err := ParseMeasure(m, raw)
			if err != nil {
				checkCellErr(t, "ParseMeasure", raw, ding.AsError(err))
				continue
			}
			if v > 1e16 || v < -1e16 {
				t.Fatalf("%s: %q reads as %d", m.Name, raw, v)
			}
			shown := m.Format(v)
			want, err := m.Parse(shown)
			if err != nil {
				t.Fatalf("%s: %d shows as %q: %v", m.Name, v, shown, err)
			}
			stored := strconv.FormatFloat(float64(want)/float64(m.Scale), 'g', -1, 64)
			for _, back := range []string{shown, stored} {
				if math.Abs(float64(want)) >= 1e15 && back == stored {
					continue // beyond the 15 digits Excel keeps
				}
				if got, err := ParseMeasure(m, back); err != nil || got != want {
					t.Fatalf("%s: %q reads as %d, shown as %q; %q reads as %d, %v", m.Name, raw, v, shown, back, got, err)
				}
			}
		}
	})
}

package ding

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// Fuzz targets of the date and period parsers: what parses prints back as the same text
// (the canonical form) and parses again to the same value; what does not parse is an error,
// never a panic or a zero value taken for a date.

// FuzzParseDate: a date that parses is a real day, prints back as the input and reads back
// through JSON unchanged.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2024-02-29", "2023-02-29", "2024-13-01", "2024-00-10", "0000-01-01", "0001-01-01", "9999-12-31",
		"2024-1-1", "24-01-01", "2024-01-01T00:00:00Z", " 2024-01-01", "", "2024-06-31", "2024-12-31"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			if !d.IsZero() {
				t.Fatalf("ParseDate(%q) failed but returned %v", s, d)
			}
			return
		}
		if d.IsZero() {
			t.Fatalf("ParseDate(%q) = the zero date without an error", s)
		}
		if d.String() != s {
			t.Fatalf("ParseDate(%q) prints as %q", s, d.String())
		}
		if d.Time().Day() != d.Day || d.AddDays(1).AddDays(-1) != d {
			t.Fatalf("ParseDate(%q) = %+v, not a real day", s, d)
		}
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		var back Date
		if err := json.Unmarshal(b, &back); err != nil || back != d {
			t.Fatalf("%q through JSON %s: %v %v", s, b, back, err)
		}
	})
}

// FuzzDateJSON: Date.UnmarshalJSON takes any JSON without panicking; what it accepts
// marshals back to the same date.
func FuzzDateJSON(f *testing.F) {
	for _, s := range []string{`"2024-02-29"`, `"2023-02-29"`, `null`, `""`, `"0000-01-01"`, `1`, `{}`, `"2024-01-01`, `"\u0032024-01-01"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var d Date
		if err := d.UnmarshalJSON(b); err != nil {
			return
		}
		out, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		var back Date
		if err := json.Unmarshal(out, &back); err != nil || back != d {
			t.Fatalf("%s read as %+v, written as %s, read back as %+v (%v)", b, d, out, back, err)
		}
		if !d.IsZero() {
			if _, err := ParseDate(d.String()); err != nil {
				t.Fatalf("%s read as %+v, which does not parse: %v", b, d, err)
			}
		}
	})
}

// FuzzParsePeriod: a period that parses prints back as the trimmed input, parses again to
// itself, starts no later than it ends and spans a month or a week.
func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"2024-03", "2024-13", "2024-00", "2024-W01", "2024-W52", "2024-W53", "2020-W53", "24-03", "2024-3",
		"2024-W00", "", " 2024-03 ", "+024-W01", "-001-W01", "2024-W+1", "2024-W001", "0000-01", "0000-W01", "9999-W52"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePeriod(s)
		if err != nil {
			return
		}
		if p.IsZero() {
			t.Fatalf("ParsePeriod(%q) = %+v, which counts as unset", s, p)
		}
		if p.String() != strings.TrimSpace(s) {
			t.Fatalf("ParsePeriod(%q) prints as %q", s, p.String())
		}
		again, err := ParsePeriod(p.String())
		if err != nil || again != p {
			t.Fatalf("ParsePeriod(%q) = %+v; its text reads back as %+v, %v", s, p, again, err)
		}
		start, end := p.Start(), p.End()
		days := start.DaysUntil(end) + 1
		switch p.Kind {
		case PeriodWeek:
			if days != 7 || start.Time().Weekday() != time.Monday {
				t.Fatalf("%s: %s..%s is no ISO week", s, start, end)
			}
			if y, w := start.Time().ISOWeek(); y != p.Year || w != p.N {
				t.Fatalf("%s starts on %s, in ISO week %d-W%02d", s, start, y, w)
			}
		case PeriodMonth:
			if start.Day != 1 || days < 28 || days > 31 || end.AddDays(1).Day != 1 {
				t.Fatalf("%s: %s..%s is no month", s, start, end)
			}
		default:
			t.Fatalf("%s: kind %q", s, p.Kind)
		}
	})
}

// FuzzSchemePeriod: a scheme period of each kind that parses prints back as the input
// (trimmed, in capitals), parses again to itself and steps to its neighbours and back.
func FuzzSchemePeriod(f *testing.F) {
	for _, s := range []string{"2023-03", "2023-Q1", "2023", "2023-q4", "2023-13", "2023-Q5", "1989", "2101", "2023-", "+023",
		"2023-+1", "2023-1", " 2023-12 ", "2023-Q0", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, kind := range []SchemePeriodKind{SchemeMonthly, SchemeQuarterly, SchemeYearly} {
			p, err := ParseSchemePeriod(kind, s)
			if err != nil {
				if e := AsError(err); e.Code != EINVALID || e.Key != "scheme.period_invalid" {
					t.Fatalf("ParseSchemePeriod(%s, %q): %v", kind, s, err)
				}
				continue
			}
			if p.String() != strings.ToUpper(strings.TrimSpace(s)) {
				t.Fatalf("ParseSchemePeriod(%s, %q) prints as %q", kind, s, p.String())
			}
			again, err := ParseSchemePeriod(kind, p.String())
			if err != nil || again != p {
				t.Fatalf("ParseSchemePeriod(%s, %q) = %+v; its text reads back as %+v, %v", kind, s, p, again, err)
			}
			if p.Next().Prev() != p || p.Prev().Next() != p {
				t.Fatalf("%s: next and previous do not return", p)
			}
			if end := p.End(); end.Year != p.Year || int(end.Month) != p.EndMonth() || end.AddDays(1).Day != 1 {
				t.Fatalf("%s ends on %s", p, end)
			}
		}
	})
}

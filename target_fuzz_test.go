package ding

import (
	"math/big"
	"strings"
	"testing"
)

// measureLimit is the largest size Measure.Parse accepts (10¹⁶ stored units).
const measureLimit = 10_000_000_000_000_000

// refMeasureParse reads s in m with big rationals: the reference Measure.Parse must agree
// with on every value it accepts.
func refMeasureParse(m Measure, s string) (*big.Rat, bool) {
	s = strings.ReplaceAll(strings.ReplaceAll(s, ",", ""), "，", "") // ASCII commas first, as typed "1,0" or "1，0"
	s = strings.TrimSuffix(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), m.Name)), "%")
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	if s == "" || s == "." || strings.Trim(s, "0123456789.") != "" || strings.Count(s, ".") > 1 {
		return nil, false
	}
	r, ok := new(big.Rat).SetString("0" + strings.TrimSuffix(s, "."))
	if !ok {
		return nil, false
	}
	r.Mul(r, new(big.Rat).SetInt64(m.Scale))
	if neg {
		r.Neg(r)
	}
	return r, true
}

// FuzzMeasure: Measure.Parse agrees with a big-rational reading of the same text; what it
// accepts is whole in the stored unit and within 10¹⁶, and Format shows it back so that
// Parse returns the value rounded to the shown decimals (the very value for the measures
// that show every stored digit).
func FuzzMeasure(f *testing.F) {
	for _, s := range []string{"327.72", "327.72亿元", " 1,327.7 ", "0.00000001", ".5", "5.", "-12.3", "+12", "-0", "100000000",
		"3，810", "3810户", "12.5%", "2.3456", "", ".", "-", "1e5", "--5", "-+5", "0x10", "327.720000001", "99999999999999999999",
		"100000000.00000001", "9007199254740993", "-9999999999999999"} {
		f.Add(s, int64(0))
	}
	f.Add("", int64(9_999_999_999_999_999))
	f.Add("", int64(-10_000_000_000_000_000))
	f.Add("", int64(12345))
	f.Fuzz(func(t *testing.T, s string, v int64) {
		for _, m := range Measures {
			got, err := m.Parse(s)
			if err != nil {
				if AsError(err).Code != EINVALID {
					t.Fatalf("%s.Parse(%q): %v", m.Name, s, err)
				}
			} else {
				if got > measureLimit || got < -measureLimit {
					t.Fatalf("%s.Parse(%q) = %d, out of range", m.Name, s, got)
				}
				ref, ok := refMeasureParse(m, s)
				if !ok || !ref.IsInt() || ref.Num().Int64() != got {
					t.Fatalf("%s.Parse(%q) = %d, reference %v", m.Name, s, got, ref)
				}
				roundTrip(t, m, got)
			}
			if v >= -measureLimit && v <= measureLimit {
				roundTrip(t, m, v)
			}
		}
	})
}

// roundTrip checks that Format(v) parses back to v rounded to the decimals it shows.
func roundTrip(t *testing.T, m Measure, v int64) {
	t.Helper()
	shown := m.Format(v)
	back, err := m.Parse(shown)
	if err != nil {
		t.Fatalf("%s.Format(%d) = %q, which does not parse: %v", m.Name, v, shown, err)
	}
	unit := m.Scale // the stored units of the last shown decimal
	for i := 0; i < m.Decimals && unit > 1; i++ {
		unit /= 10
	}
	diff := back - v
	if diff < 0 {
		diff = -diff
	}
	if 2*diff > unit || (unit == 1 && diff != 0) {
		t.Fatalf("%s: %d shows as %q, which reads back as %d", m.Name, v, shown, back)
	}
	if again := m.Format(back); again != shown {
		t.Fatalf("%s: %d shows as %q, read back as %d, shows as %q", m.Name, v, shown, back, again)
	}
}

// FuzzPoints: ParsePoints reads points with at most two decimals; Points shows them back
// exactly.
func FuzzPoints(f *testing.F) {
	for _, s := range []string{"12.5", "-5", "100", "0.01", "95.50", "5分", "", "1.234", "abc", "5点", "-0.01", "100000000000000"} {
		f.Add(s, int64(0))
	}
	f.Add("", int64(9_999_999_999_999_999))
	f.Add("", int64(-1))
	f.Fuzz(func(t *testing.T, s string, c int64) {
		if v, err := ParsePoints(s); err == nil {
			if back, err := ParsePoints(Points(v)); err != nil || back != v {
				t.Fatalf("ParsePoints(%q) = %d, shown as %q, read back as %d (%v)", s, v, Points(v), back, err)
			}
		} else if e := AsError(err); e.Key != "scheme.points_invalid" || e.Code != EINVALID {
			t.Fatalf("ParsePoints(%q): %v", s, err)
		}
		if c >= -measureLimit && c <= measureLimit {
			if back, err := ParsePoints(Points(c)); err != nil || back != c {
				t.Fatalf("Points(%d) = %q, read back as %d (%v)", c, Points(c), back, err)
			}
		}
	})
}

package chart

import (
	"strconv"
	"strings"

	"ding"
)

// Integer formats a count with thousands separators: 12345 → "12,345". It is the default
// Format of every chart.
func Integer(v int64) string { return Scaled(0, 0)(v) }

// Wan formats an amount in yuan as 万元 with at most two decimals: 123456 → "12.35".
// Use it with Unit "万元".
func Wan(yuan int64) string { return ding.Wan(yuan) }

// Yi formats an amount in yuan as 亿元 with at most two decimals: 1234567890 → "12.35".
// Use it with Unit "亿元".
var Yi = Scaled(8, 2)

// Scaled returns a format that divides by 10^exp and keeps at most decimals decimals,
// rounding half away from zero and dropping trailing zeros, with thousands separators.
// Scaled(2, 2) shows basis points as a percentage (6250 → "62.5", with Unit "%"), or
// centi-points as points; Scaled(4, 1) shows yuan as 万元 with one decimal.
func Scaled(exp, decimals int) func(int64) string {
	exp = min(max(exp, 0), 18)
	decimals = min(max(decimals, 0), exp)
	return func(v int64) string {
		neg := v < 0
		u := uint64(v)
		if neg {
			u = -u
		}
		// Round to 10^(exp-decimals), half away from zero.
		drop := pow10(exp - decimals)
		q := u / drop
		if u%drop >= (drop+1)/2 && drop > 1 {
			q++
		}
		unit := pow10(decimals)
		whole, frac := q/unit, q%unit
		s := group(whole)
		if frac != 0 {
			f := strconv.FormatUint(frac, 10)
			f = strings.Repeat("0", decimals-len(f)) + f
			s += "." + strings.TrimRight(f, "0")
		}
		if neg && q != 0 {
			s = "-" + s
		}
		return s
	}
}

func pow10(n int) uint64 {
	p := uint64(1)
	for range n {
		p *= 10
	}
	return p
}

// group writes n with a comma between groups of three digits.
func group(n uint64) string {
	s := strconv.FormatUint(n, 10)
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	head := len(s) % 3
	if head > 0 {
		b.WriteString(s[:head])
	}
	for i := head; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// percent formats a fraction as a percentage with at most one decimal: 0.625 → "62.5%".
func percent(f float64) string { return decimal1(f*100) + "%" }

// decimal1 formats f with at most one decimal, never "-0".
func decimal1(f float64) string {
	s := strconv.FormatFloat(f, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	if s == "-0" {
		s = "0"
	}
	return s
}

package web

import (
	"strconv"
	"strings"

	"ding"
)

// maxWan caps a typed amount at 1e10 万元 (1e14 yuan), far above any project and far
// below int64 overflow.
const maxWan = 10_000_000_000

// parseWan reads an amount typed in 万元 ("1,234.5", "12345.67", "") and returns yuan.
// Thousands separators (",", "，"), surrounding spaces and a trailing "万元"/"万" are
// allowed; the empty string is 0. It parses with integers (no float rounding) and refuses
// negative or non-numeric input and more than two decimals, with a field error on field
// whose key explains the problem in Chinese.
func parseWan(field, s string) (int64, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(s, "万元"), "万"))
	if s == "" {
		return 0, nil
	}
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "－") {
		return 0, ding.FieldError(field, "project.money_negative")
	}
	s = strings.TrimPrefix(s, "+")
	s = strings.NewReplacer(",", "", "，", "").Replace(s)
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" && (!dot || frac == "") {
		return 0, ding.FieldError(field, "pform.money_invalid", s)
	}
	if !digits(whole) || !digits(frac) {
		return 0, ding.FieldError(field, "pform.money_invalid", s)
	}
	if len(frac) > 2 {
		return 0, ding.FieldError(field, "pform.money_places")
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > 11 {
		return 0, ding.FieldError(field, "field.out_of_range")
	}
	var w, f int64
	for _, c := range whole {
		w = w*10 + int64(c-'0')
	}
	frac += "00"[len(frac):]
	f = int64(frac[0]-'0')*10 + int64(frac[1]-'0')
	if w > maxWan || w == maxWan && f > 0 {
		return 0, ding.FieldError(field, "field.out_of_range")
	}
	return w*10_000 + f*100, nil
}

// digits reports whether s is only ASCII digits (the empty string is).
func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// wanInput formats yuan for a 万元 form field: plain digits and up to two decimals, no
// separators, "" for zero, so that it reads back through parseWan unchanged.
func wanInput(yuan int64) string {
	if yuan == 0 {
		return ""
	}
	return strings.ReplaceAll(ding.Wan(yuan), ",", "")
}

// moneyFmt gives page data the money formatting templates need (template funcs live in
// render.go): embed it in a page's data struct and write {{$d.Wan x}}, {{$d.Yi x}},
// {{$d.Pct part whole}}.
type moneyFmt struct{}

// Wan is yuan in 万元 ("12,345.67"), without the unit.
func (moneyFmt) Wan(yuan int64) string { return ding.Wan(yuan) }

// Yi is yuan in 亿元 with two decimals ("12.35"), without the unit.
func (moneyFmt) Yi(yuan int64) string { return yiText(yuan) }

// Pct is part/whole as a percentage with one decimal ("62.5%"), or "—" when whole is 0.
func (moneyFmt) Pct(part, whole int64) string { return pct1(part, whole) }

// yiText formats yuan as 亿元 with two decimals, rounded half away from zero.
func yiText(yuan int64) string {
	neg := yuan < 0
	if neg {
		yuan = -yuan
	}
	c := (yuan + 500_000) / 1_000_000 // hundredths of 1亿
	s := ding.Wan(c/100*10_000) + "." + string(rune('0'+c%100/10)) + string(rune('0'+c%10))
	if neg {
		s = "-" + s
	}
	return s
}

// pct1 is part/whole in percent with one decimal, computed with integers and rounded once;
// "—" when whole is 0 (a rate of nothing is undefined, not zero).
func pct1(part, whole int64) string {
	if whole == 0 {
		return "—"
	}
	neg := (part < 0) != (whole < 0)
	if part < 0 {
		part = -part
	}
	if whole < 0 {
		whole = -whole
	}
	var t int64 // tenths of a percent
	if part <= (1<<62)/1000 {
		t = (part*1000 + whole/2) / whole
	} else {
		t = int64(float64(part) * 1000 / float64(whole))
	}
	s := strconv.FormatInt(t/10, 10) + "." + strconv.FormatInt(t%10, 10) + "%"
	if neg && t != 0 {
		s = "-" + s
	}
	return s
}

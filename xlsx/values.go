package xlsx

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"ding"
)

// Cell readers. Each takes the cell's raw text (excelize's raw value: a number as stored,
// a date as its serial number, a string as typed) and returns the value or an EINVALID
// error whose key explains the problem in the office's terms.

func invalid(key string, args ...any) *ding.Error { return ding.Errorf(ding.EINVALID, key, args...) }

// maxWanCents caps amounts at 1e10 万元, far above any project and below int64 overflow.
const maxWanCents = 10_000_000_000 * 100

// numberText cleans a number written by hand: full-width digits, thousands separators,
// spaces and a trailing unit go; the sign is reported separately.
func numberText(s string, units ...string) (clean string, negative bool) {
	s = foldWidth(s)
	s = strings.Map(func(r rune) rune {
		switch r {
		case ',', ' ', '\u00a0', '\t', '\n', '\r':
			return -1
		}
		return r
	}, s)
	for _, u := range units {
		s = strings.TrimSuffix(s, u)
	}
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") { // accounting negative
		return strings.Trim(s, "()"), true
	}
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		return rest, true
	}
	return strings.TrimPrefix(s, "+"), false
}

var decimalRE = regexp.MustCompile(`^(\d*)(?:\.(\d*))?$`)

// parseWan reads an amount in 万元 and returns yuan, exactly: the digits are read as
// integers, never through a float. Excel stores typed numbers as binary floats, so a value
// like 1234.5599999999999 is first rounded to the 15 significant digits Excel shows.
func parseWan(raw string) (int64, *ding.Error) {
	s, neg := numberText(raw, "万元", "万")
	if s == "" && !neg {
		return 0, nil
	}
	whole, frac, ok := splitDecimal(s)
	if !ok {
		return 0, invalid("xlsx.money_invalid", strings.TrimSpace(raw))
	}
	if neg {
		return 0, invalid("xlsx.money_negative", strings.TrimSpace(raw))
	}
	if len(frac) > 2 {
		return 0, invalid("xlsx.money_places", strings.TrimSpace(raw))
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > 11 {
		return 0, invalid("xlsx.money_range", strings.TrimSpace(raw))
	}
	frac += "00"[len(frac):]
	w, _ := strconv.ParseInt("0"+whole, 10, 64)
	f, _ := strconv.ParseInt(frac, 10, 64)
	cents := w*100 + f
	if cents > maxWanCents {
		return 0, invalid("xlsx.money_range", strings.TrimSpace(raw))
	}
	return cents * 100, nil
}

// splitDecimal splits "1234.50" into "1234" and "50". A float with more digits than
// Excel keeps, or in exponent form, is rounded to 15 significant digits first.
func splitDecimal(s string) (whole, frac string, ok bool) {
	m := decimalRE.FindStringSubmatch(s)
	if m == nil || (m[1] == "" && m[2] == "") {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || f < 0 {
			return "", "", false
		}
		return splitDecimal(excelDigits(f))
	}
	whole, frac = m[1], strings.TrimRight(m[2], "0")
	if len(frac) > 2 && len(strings.TrimLeft(whole+frac, "0")) > 15 {
		// Binary float noise (1234.5599999999999): keep what Excel shows.
		f, err := strconv.ParseFloat(s, 64)
		if err == nil {
			if w, fr, ok := splitDecimal(excelDigits(f)); ok {
				return w, fr, true
			}
		}
	}
	return whole, frac, true
}

// excelDigits formats f with 15 significant digits, without an exponent.
func excelDigits(f float64) string {
	s := strconv.FormatFloat(f, 'g', 15, 64)
	if strings.ContainsAny(s, "eE") {
		g, _ := strconv.ParseFloat(s, 64)
		s = strconv.FormatFloat(g, 'f', -1, 64)
	}
	return s
}

// parseDecimal reads a non-negative number such as 用地（亩）.
func parseDecimal(raw string) (float64, *ding.Error) {
	s, neg := numberText(raw, "亩")
	if s == "" && !neg {
		return 0, nil
	}
	whole, frac, ok := splitDecimal(s)
	if !ok {
		return 0, invalid("xlsx.number_invalid", strings.TrimSpace(raw))
	}
	if neg {
		return 0, invalid("xlsx.number_negative", strings.TrimSpace(raw))
	}
	if whole == "" {
		whole = "0"
	}
	txt := whole
	if frac != "" {
		txt += "." + frac
	}
	f, err := strconv.ParseFloat(txt, 64)
	if err != nil || f > 1e7 {
		return 0, invalid("xlsx.number_invalid", strings.TrimSpace(raw))
	}
	return f, nil
}

// parsePercent reads 形象进度（%）: "35", "35%", or a fraction below 1 from a cell
// formatted as a percentage (0.35).
func parsePercent(raw string) (int, *ding.Error) {
	s, neg := numberText(raw)
	pct := strings.HasSuffix(s, "%")
	s = strings.TrimSuffix(s, "%")
	if s == "" && !neg {
		return 0, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || neg || math.IsNaN(f) {
		return 0, invalid("xlsx.pct_invalid", strings.TrimSpace(raw))
	}
	if !pct && f > 0 && f < 1 {
		f *= 100
	}
	n := int(math.Round(f))
	if n < 0 || n > 100 {
		return 0, invalid("xlsx.pct_invalid", strings.TrimSpace(raw))
	}
	return n, nil
}

// Dates as offices write them.
var (
	dateSepRE = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$`)
	dateRunRE = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})$`)
	monthRE   = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?(?:份)?$`)
	weekRE    = regexp.MustCompile(`^(\d{4})-?[wW](\d{1,2})$`)
)

// serialDate reads an Excel serial day number (the raw value of a date cell) of a day up to
// the end of 2200, the last year a date written as text may have (see civilDate).
func serialDate(s string, date1904 bool) (ding.Date, bool) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || !(f >= 1 && f < 2958466) { // 2958466 is 10000-01-01; NaN fails too
		return ding.Date{}, false
	}
	day := math.Floor(f)
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	if date1904 {
		base = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	} else if day < 61 {
		// Excel counts a 29 February 1900 that never was.
		base = base.AddDate(0, 0, 1)
	}
	d := ding.DateOf(base.AddDate(0, 0, int(day)))
	return d, d.Year <= 2200
}

// civilDate builds a date and refuses one that does not exist (2023-02-29).
func civilDate(y, m, d string) (ding.Date, bool) {
	yy, _ := strconv.Atoi(y)
	mm, _ := strconv.Atoi(m)
	dd, _ := strconv.Atoi(d)
	if yy < 1900 || yy > 2200 || mm < 1 || mm > 12 || dd < 1 {
		return ding.Date{}, false
	}
	t := time.Date(yy, time.Month(mm), dd, 0, 0, 0, 0, time.UTC)
	if t.Day() != dd {
		return ding.Date{}, false
	}
	return ding.DateOf(t), true
}

// parseDate reads a real Excel date or a date written as text: 2024-03-01, 2024/3/1,
// 2024.3.1, 2024年3月1日, 20240301.
func parseDate(raw string, date1904 bool) (ding.Date, *ding.Error) {
	s := strings.TrimSpace(foldWidth(raw))
	if s == "" {
		return ding.Date{}, nil
	}
	if m := dateSepRE.FindStringSubmatch(s); m != nil {
		if d, ok := civilDate(m[1], m[2], m[3]); ok {
			return d, nil
		}
	} else if m := dateRunRE.FindStringSubmatch(s); m != nil {
		if d, ok := civilDate(m[1], m[2], m[3]); ok {
			return d, nil
		}
	} else if d, ok := serialDate(s, date1904); ok {
		return d, nil
	}
	return ding.Date{}, invalid("xlsx.date_invalid", strings.TrimSpace(raw))
}

// parsePeriod reads 填报期次: a month as text (2024-03, 2024/3, 2024年3月, 202403), a
// real Excel date (its month), or an ISO week (2024-W09), of a year from 1900 to 2200 like
// dates.
func parsePeriod(raw string, date1904 bool) (string, *ding.Error) {
	s := strings.TrimSpace(foldWidth(raw))
	bad := invalid("xlsx.period_invalid", strings.TrimSpace(raw))
	switch {
	case s == "":
		return "", nil
	case monthRE.MatchString(s):
		m := monthRE.FindStringSubmatch(s)
		y, _ := strconv.Atoi(m[1])
		mm, _ := strconv.Atoi(m[2])
		if mm < 1 || mm > 12 || y < 1900 || y > 2200 {
			return "", bad
		}
		return ding.MonthPeriod(y, time.Month(mm)).String(), nil
	case weekRE.MatchString(s):
		m := weekRE.FindStringSubmatch(s)
		p, err := ding.ParsePeriod(m[1] + "-W" + m[2])
		if len(m[2]) == 1 {
			p, err = ding.ParsePeriod(m[1] + "-W0" + m[2])
		}
		if err != nil || p.Year < 1900 || p.Year > 2200 {
			return "", bad
		}
		return p.String(), nil
	case len(s) == 6 && strings.Trim(s, "0123456789") == "" && s[0] == '2':
		mm, _ := strconv.Atoi(s[4:])
		y, _ := strconv.Atoi(s[:4])
		if mm < 1 || mm > 12 || y > 2200 {
			return "", bad
		}
		return ding.MonthPeriod(y, time.Month(mm)).String(), nil
	}
	if d, err := parseDate(s, date1904); err == nil && !d.IsZero() {
		return ding.MonthPeriod(d.Year, d.Month).String(), nil
	}
	return "", bad
}

// parseFlag reads 是/否 and its usual spellings; blank is 否.
func parseFlag(raw string) (bool, *ding.Error) {
	switch strings.ToLower(strings.TrimSpace(foldWidth(raw))) {
	case "", "否", "n", "no", "0", "false", "×", "x", "不是", "非":
		return false, nil
	case "是", "y", "yes", "1", "true", "√", "✓", "✔":
		return true, nil
	}
	return false, invalid("xlsx.flag_invalid", strings.TrimSpace(raw))
}

// enum is a closed list of values with their Chinese names, the names offices type.
type enum struct {
	header string
	values map[string]string // normalized name, English name or code → code
	names  []string          // Chinese names in order, for messages and drop-down lists
}

func newEnum(header string, codes []string, zh map[string]string, en map[string]string, extra map[string]string) *enum {
	e := &enum{header: header, values: map[string]string{}}
	for _, c := range codes {
		e.names = append(e.names, zh[c])
		e.values[normTitle(zh[c])] = c
		e.values[normTitle(c)] = c
		if en[c] != "" {
			e.values[normTitle(en[c])] = c
		}
	}
	for k, c := range extra {
		e.values[normTitle(k)] = c
	}
	return e
}

func (e *enum) parse(raw string) (string, *ding.Error) {
	s := normTitle(raw)
	if s == "" {
		return "", nil
	}
	if c, ok := e.values[s]; ok {
		return c, nil
	}
	return "", invalid("xlsx.enum_invalid", strings.TrimSpace(raw), e.header, strings.Join(e.names, "、"))
}

package ding

import (
	"math"
	"math/bits"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Indicators (指标) are the economic figures units are measured by: GDP, 固定资产投资,
// 规上工业增加值, 港口吞吐量, 新增市场主体 … Each unit has an annual target per indicator
// and monthly actuals; ding shows completion, 时序进度, year-on-year growth and the rank
// among peers. Values are int64 in the indicator's stored unit (see Measure) so that they
// are exact; rates are computed from them at the edge (Ratio) and rounded once, for display.

// Measure is an indicator's unit of measure: how it is shown and how it is stored. A value
// v is shown as v ÷ Scale with Decimals places: money is stored in yuan (亿元: Scale 10⁸),
// tonnes in tonnes (万吨: 10⁴), percentages in hundredths of a percent (%: 100).
type Measure struct {
	Name     string `json:"name"`
	Scale    int64  `json:"scale"`
	Decimals int    `json:"decimals"`
}

// Measures lists the units of measure an indicator can have.
var Measures = []Measure{
	{"亿元", 100_000_000, 2},
	{"万元", 10_000, 0},
	{"万吨", 10_000, 2},
	{"吨", 1, 0},
	{"个", 1, 0},
	{"家", 1, 0},
	{"户", 1, 0},
	{"人", 1, 0},
	{"%", 100, 2},
}

// MeasureOf returns the measure named name.
func MeasureOf(name string) (Measure, bool) {
	for _, m := range Measures {
		if m.Name == name {
			return m, true
		}
	}
	return Measure{}, false
}

// Format shows a stored value in the measure, without the unit: 32772000000 in 亿元 is
// "327.72". It computes in integers, rounding half to even, so that a large value shows
// exactly what Parse reads back.
func (m Measure) Format(v int64) string {
	if m.Scale <= 1 {
		return strconv.FormatInt(v, 10)
	}
	places := 0 // the decimals the stored unit holds: Scale is a power of ten
	for sc := m.Scale; sc > 1; sc /= 10 {
		if sc%10 != 0 {
			return strconv.FormatFloat(float64(v)/float64(m.Scale), 'f', m.Decimals, 64)
		}
		places++
	}
	u := uint64(v)
	if v < 0 {
		u = -u
	}
	shown := min(m.Decimals, places)
	unit := uint64(1) // stored units per last shown decimal
	for i := shown; i < places; i++ {
		unit *= 10
	}
	q, r := u/unit, u%unit
	if 2*r > unit || 2*r == unit && q%2 == 1 {
		q++
	}
	pow := uint64(1)
	for i := 0; i < shown; i++ {
		pow *= 10
	}
	s := strconv.FormatUint(q/pow, 10)
	if m.Decimals > 0 {
		frac := strconv.FormatUint(q%pow, 10)
		s += "." + strings.Repeat("0", shown-len(frac)) + frac + strings.Repeat("0", m.Decimals-shown)
	}
	if v < 0 && q != 0 {
		s = "-" + s
	}
	return s
}

// Parse reads a value written in the measure ("327.72" 亿元, "3,810" 户) exactly: no
// float rounds it. More decimals than the stored unit holds, or a value out of range, is
// an error.
func (m Measure) Parse(s string) (int64, error) {
	s = strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(s, ",", ""), "，", ""))
	s = strings.TrimSuffix(strings.TrimSpace(strings.TrimSuffix(s, m.Name)), "%")
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	intPart, frac, _ := strings.Cut(s, ".")
	if intPart == "" && frac == "" {
		return 0, Errorf(EINVALID, "target.value_invalid", s)
	}
	places := 0
	for sc := m.Scale; sc > 1; sc /= 10 {
		places++
	}
	frac = strings.TrimRight(frac, "0")
	if len(frac) > places {
		return 0, Errorf(EINVALID, "target.value_precision", m.Name, places)
	}
	frac += strings.Repeat("0", places-len(frac))
	if intPart == "" {
		intPart = "0"
	}
	digits := intPart + frac
	for _, r := range digits {
		if r < '0' || r > '9' {
			return 0, Errorf(EINVALID, "target.value_invalid", s)
		}
	}
	v, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || v > 1e16 {
		return 0, Errorf(EINVALID, "target.value_range")
	}
	if neg {
		v = -v
	}
	return v, nil
}

// Accumulation says how a monthly actual is read.
type Accumulation string

const (
	Cumulative Accumulation = "cumulative" // 累计值: the year to date (1—N月), compared with its annual target
	PointValue Accumulation = "point"      // 时点值: the value at the month's end
)

// IndicatorSource says where an indicator's actuals come from.
type IndicatorSource string

const (
	SourceEntered  IndicatorSource = "entered"  // entered by the unit
	SourceImported IndicatorSource = "imported" // imported from .xlsx (e.g. from the statistics bureau)
	SourceComputed IndicatorSource = "computed" // computed from ding's own records
)

// RankBy is the figure units are ranked by among their peers.
type RankBy string

const (
	RankByGrowth     RankBy = "growth"     // year-on-year growth (增幅)
	RankByCompletion RankBy = "completion" // completion of the annual target
	RankByValue      RankBy = "value"      // the value itself (总量)
)

// Computed indicators: what ding counts from its records for a unit (projects whose lead
// unit or location lies in the unit's subtree), for the year up to a month's end.
const (
	ComputeInvestment    = "fai"               // 固定资产投资完成额 (yuan, cumulative)
	ComputeManufacturing = "fai_manufacturing" // 制造业投资
	ComputeHighTech      = "fai_high_tech"     // 高新技术产业投资
	ComputePrivate       = "fai_private"       // 民间投资
	ComputeSigned1       = "signed_1e8"        // 签约亿元以上项目 (count)
	ComputeSigned10      = "signed_1e9"        // 签约10亿元以上项目
	ComputeSigned100     = "signed_1e10"       // 签约100亿元以上项目
	ComputeStarted       = "started"           // 开工项目
	ComputeInStats       = "in_stats"          // 入统项目
	ComputeSignedInStats = "signed_in_stats"   // 当年签约当年入统
)

// ComputeKeys lists the computed indicators with their measure.
var ComputeKeys = []struct{ Key, Measure string }{
	{ComputeInvestment, "亿元"}, {ComputeManufacturing, "亿元"}, {ComputeHighTech, "亿元"}, {ComputePrivate, "亿元"},
	{ComputeSigned1, "个"}, {ComputeSigned10, "个"}, {ComputeSigned100, "个"},
	{ComputeStarted, "个"}, {ComputeInStats, "个"}, {ComputeSignedInStats, "个"},
}

// ComputeMeasure returns the measure of a computed indicator's key, or "" for an unknown key.
func ComputeMeasure(key string) string {
	for _, k := range ComputeKeys {
		if k.Key == key {
			return k.Measure
		}
	}
	return ""
}

// Indicator is a figure units are measured by.
type Indicator struct {
	ID           int64           `json:"id"`
	Code         string          `json:"code"` // short key, unique: gdp, port_tonnes …
	Name         string          `json:"name"`
	Measure      string          `json:"measure"` // a Measures name
	Accumulation Accumulation    `json:"accumulation"`
	HigherBetter bool            `json:"higher_better"`
	Source       IndicatorSource `json:"source"`
	Compute      string          `json:"compute,omitempty"` // a Compute… key when Source is computed
	RankBy       RankBy          `json:"rank_by"`
	Note         string          `json:"note"`
	SortOrder    int             `json:"sort_order"`
	Disabled     bool            `json:"disabled"`
	Version      int             `json:"version"`
	CreatedAt    time.Time       `json:"created_at"`
}

// M returns the indicator's measure (亿元 when it names none ding knows).
func (ind *Indicator) M() Measure {
	if m, ok := MeasureOf(ind.Measure); ok {
		return m
	}
	return Measures[0]
}

var indicatorCodeOK = func(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// Normalize trims the text fields and fills the defaults.
func (ind *Indicator) Normalize() {
	ind.Code = strings.ToLower(strings.TrimSpace(ind.Code))
	ind.Name = strings.TrimSpace(ind.Name)
	ind.Note = strings.TrimSpace(ind.Note)
	if ind.Accumulation == "" {
		ind.Accumulation = Cumulative
	}
	if ind.Source == "" {
		ind.Source = SourceEntered
	}
	if ind.RankBy == "" {
		ind.RankBy = RankByGrowth
	}
	if ind.Source != SourceComputed {
		ind.Compute = ""
	} else if m := ComputeMeasure(ind.Compute); m != "" {
		ind.Measure = m
	}
}

// Validate checks an indicator's own fields.
func (ind *Indicator) Validate() error {
	switch {
	case !indicatorCodeOK(ind.Code):
		return FieldError("code", "target.code_invalid")
	case ind.Name == "":
		return FieldError("name", "field.required")
	case utf8.RuneCountInString(ind.Name) > 100:
		return FieldError("name", "field.too_long", 100)
	case utf8.RuneCountInString(ind.Note) > 1000:
		return FieldError("note", "field.too_long", 1000)
	case ind.Accumulation != Cumulative && ind.Accumulation != PointValue:
		return FieldError("accumulation", "field.invalid")
	case ind.Source != SourceEntered && ind.Source != SourceImported && ind.Source != SourceComputed:
		return FieldError("source", "field.invalid")
	case ind.RankBy != RankByGrowth && ind.RankBy != RankByCompletion && ind.RankBy != RankByValue:
		return FieldError("rank_by", "field.invalid")
	}
	if _, ok := MeasureOf(ind.Measure); !ok {
		return FieldError("measure", "field.invalid")
	}
	if ind.Source == SourceComputed {
		if ComputeMeasure(ind.Compute) == "" {
			return FieldError("compute", "target.compute_unknown")
		}
		if ind.Accumulation != Cumulative {
			return FieldError("accumulation", "target.computed_cumulative")
		}
	}
	return nil
}

// Target is a unit's annual target for an indicator.
type Target struct {
	IndicatorID int64     `json:"indicator_id"`
	UnitID      int64     `json:"unit_id"`
	UnitName    string    `json:"unit_name,omitempty"`
	Year        int       `json:"year"`
	Value       int64     `json:"value"`
	Note        string    `json:"note"`
	UpdatedBy   string    `json:"updated_by"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Actual is a unit's figure for an indicator and month: the year to date for a cumulative
// indicator, the month's end for a point value.
type Actual struct {
	IndicatorID int64     `json:"indicator_id"`
	UnitID      int64     `json:"unit_id"`
	UnitName    string    `json:"unit_name,omitempty"`
	Year        int       `json:"year"`
	Month       int       `json:"month"`
	Value       int64     `json:"value"`
	Source      string    `json:"source"` // form, import, api, computed
	Note        string    `json:"note"`
	UpdatedBy   string    `json:"updated_by"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Revision is one change of a target (Month 0) or an actual, kept forever.
type Revision struct {
	ID          int64     `json:"id"`
	IndicatorID int64     `json:"indicator_id"`
	UnitID      int64     `json:"unit_id"`
	UnitName    string    `json:"unit_name,omitempty"`
	Year        int       `json:"year"`
	Month       int       `json:"month"` // 0: the annual target
	Old         *int64    `json:"old"`   // nil: there was none
	New         *int64    `json:"new"`   // nil: deleted
	Source      string    `json:"source"`
	Note        string    `json:"note"`
	By          string    `json:"by"`
	At          time.Time `json:"at"`
}

// Ratio is Num ÷ Den kept as integers, so that equal rates compare equal and rounding
// happens once, when shown. It is undefined (OK false) when a figure is missing or Den is
// zero.
type Ratio struct {
	Num, Den int64
	OK       bool
}

// R makes a ratio; a zero denominator makes it undefined.
func R(num, den int64) Ratio {
	if den == 0 {
		return Ratio{}
	}
	if den < 0 {
		num, den = -num, -den
	}
	return Ratio{num, den, true}
}

// Float is the ratio's value (NaN when undefined).
func (r Ratio) Float() float64 {
	if !r.OK {
		return math.NaN()
	}
	return float64(r.Num) / float64(r.Den)
}

// Pct shows the ratio as a percentage with one decimal ("62.5%"), or "—".
func (r Ratio) Pct() string {
	if !r.OK {
		return "—"
	}
	return strconv.FormatFloat(r.Float()*100, 'f', 1, 64) + "%"
}

// PP shows the ratio as signed percentage points with one decimal ("+12.5"), or "—".
func (r Ratio) PP() string {
	if !r.OK {
		return "—"
	}
	v := math.Round(r.Float()*1000) / 10
	if v == 0 {
		v = 0 // no "-0.0"
	}
	s := strconv.FormatFloat(v, 'f', 1, 64)
	if v > 0 {
		s = "+" + s
	}
	return s
}

// MarshalJSON writes the ratio as a number (a fraction: 0.625), or null when undefined.
func (r Ratio) MarshalJSON() ([]byte, error) {
	if !r.OK {
		return []byte("null"), nil
	}
	return []byte(strconv.FormatFloat(r.Float(), 'g', 10, 64)), nil
}

// Growth is year-on-year growth: (this − last) ÷ last; undefined when last year is
// missing or zero. A negative base is measured by its size, so that growth keeps its sign.
func Growth(this, last int64, hasThis, hasLast bool) Ratio {
	if !hasThis || !hasLast || last == 0 {
		return Ratio{}
	}
	if last < 0 {
		return R(this-last, -last)
	}
	return R(this-last, last)
}

// Schedule is 时序进度 at the end of month m: m ÷ 12 (January–June → 50%); by days it is
// the days elapsed ÷ the days of the year.
func Schedule(year, month int, byDays bool) Ratio {
	if month < 1 || month > 12 {
		return Ratio{}
	}
	if !byDays {
		return R(int64(month), 12)
	}
	end := time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC)
	days := time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC).YearDay()
	return R(int64(end.YearDay()), int64(days))
}

// Completion is the share of the target reached: actual ÷ target for an indicator where
// more is better, target ÷ actual where less is (energy per unit of output); undefined
// without a target or an actual.
func Completion(actual, target int64, hasActual, hasTarget, higherBetter bool) Ratio {
	if !hasActual || !hasTarget {
		return Ratio{}
	}
	if higherBetter {
		return R(actual, target)
	}
	return R(target, actual)
}

// ScheduleGap is completion − 时序进度 as a fraction (×100 for percentage points):
// "超序时进度 12.5 个百分点" is +0.125. Undefined without a completion.
func ScheduleGap(completion, schedule Ratio) Ratio {
	if !completion.OK || !schedule.OK {
		return Ratio{}
	}
	// a/b − c/d = (ad − cb) ÷ bd, in integers while they fit.
	ad, ok1 := mul64(completion.Num, schedule.Den)
	cb, ok2 := mul64(schedule.Num, completion.Den)
	den, ok3 := mul64(completion.Den, schedule.Den)
	num := ad - cb
	if !ok1 || !ok2 || !ok3 || (ad < 0) != (cb < 0) && (num < 0) != (ad < 0) {
		return Ratio{} // out of range
	}
	return R(num, den)
}

// mul64 multiplies two int64; ok is false when the product does not fit.
func mul64(a, b int64) (int64, bool) {
	hi, lo := mul128(a, b)
	p := int64(lo)
	return p, hi == p>>63
}

// Figure is one unit's row for an indicator and month: what the indicator page, the API
// and the bulletin show.
type Figure struct {
	UnitID      int64  `json:"unit_id"`
	UnitName    string `json:"unit_name"`
	ParentID    int64  `json:"parent_id"`
	Kind        string `json:"unit_kind"`
	Actual      int64  `json:"actual"`
	HasActual   bool   `json:"has_actual"`
	Target      int64  `json:"target"`
	HasTarget   bool   `json:"has_target"`
	LastYear    int64  `json:"last_year"` // the same month of last year
	HasLastYear bool   `json:"has_last_year"`
	Completion  Ratio  `json:"completion"`
	Schedule    Ratio  `json:"schedule"`     // 时序进度 (cumulative indicators)
	Gap         Ratio  `json:"schedule_gap"` // completion − 时序进度
	Growth      Ratio  `json:"growth"`
	Rank        int    `json:"rank"`      // among peers; 0: not ranked (no figure)
	PrevRank    int    `json:"prev_rank"` // last month's
	Peers       int    `json:"peers"`     // how many were ranked
}

// RankChange is how many places the unit rose since last month (negative: fell); 0 when
// either rank is unknown.
func (f *Figure) RankChange() int {
	if f.Rank == 0 || f.PrevRank == 0 {
		return 0
	}
	return f.PrevRank - f.Rank
}

// Fill computes the rates of a figure for month m of year.
func (f *Figure) Fill(ind *Indicator, year, month int) {
	f.Completion = Completion(f.Actual, f.Target, f.HasActual, f.HasTarget, ind.HigherBetter)
	f.Growth = Growth(f.Actual, f.LastYear, f.HasActual, f.HasLastYear)
	f.Schedule, f.Gap = Ratio{}, Ratio{}
	if ind.Accumulation == Cumulative {
		f.Schedule = Schedule(year, month, false)
		f.Gap = ScheduleGap(f.Completion, f.Schedule)
	}
}

// RankKey is the figure a ranking compares, oriented so that larger is better; ok is false
// when the figure is missing.
func (f *Figure) RankKey(ind *Indicator) (Ratio, bool) {
	var r Ratio
	switch ind.RankBy {
	case RankByCompletion:
		r = f.Completion
	case RankByValue:
		if !f.HasActual {
			return Ratio{}, false
		}
		r = R(f.Actual, 1)
	default:
		r = f.Growth
	}
	if !r.OK {
		return Ratio{}, false
	}
	if !ind.HigherBetter && ind.RankBy != RankByCompletion {
		r.Num = -r.Num
	}
	return r, true
}

// Less compares two defined ratios exactly (a < b), without overflow.
func (r Ratio) Less(o Ratio) bool { return r.Cmp(o) < 0 }

// Cmp compares two defined ratios exactly: −1, 0 or +1.
func (r Ratio) Cmp(o Ratio) int {
	// Denominators are positive (R makes them so): compare r.Num·o.Den with o.Num·r.Den.
	hi1, lo1 := mul128(r.Num, o.Den)
	hi2, lo2 := mul128(o.Num, r.Den)
	switch {
	case hi1 < hi2 || hi1 == hi2 && lo1 < lo2:
		return -1
	case hi1 == hi2 && lo1 == lo2:
		return 0
	}
	return 1
}

// mul128 multiplies two int64 into a signed 128-bit (hi, lo) pair.
func mul128(a, b int64) (int64, uint64) {
	neg := (a < 0) != (b < 0)
	ua, ub := uint64(a), uint64(b)
	if a < 0 {
		ua = uint64(-a)
	}
	if b < 0 {
		ub = uint64(-b)
	}
	hi, lo := bits.Mul64(ua, ub)
	if neg {
		// two's complement of (hi, lo)
		lo = ^lo + 1
		hi = ^hi
		if lo == 0 {
			hi++
		}
	}
	return int64(hi), lo
}

// RankFigures sets Rank and Peers among figures that are peers (callers group them):
// competition ranking, ties share a place (1, 1, 3); a unit without the figure is not
// ranked.
func RankFigures(ind *Indicator, fs []*Figure, prev bool) {
	type kv struct {
		f *Figure
		k Ratio
	}
	var ks []kv
	for _, f := range fs {
		if prev {
			f.PrevRank = 0
		} else {
			f.Rank, f.Peers = 0, 0
		}
		if k, ok := f.RankKey(ind); ok {
			ks = append(ks, kv{f, k})
		}
	}
	for _, a := range ks {
		place := 1
		for _, b := range ks {
			if a.k.Less(b.k) {
				place++
			}
		}
		if prev {
			a.f.PrevRank = place
		} else {
			a.f.Rank, a.f.Peers = place, len(ks)
		}
	}
}

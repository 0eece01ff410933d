package ding

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
)

// wantErr checks that err is a *Error with the key (and the field, when given).
func wantErr(t *testing.T, what string, err error, key, field string) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Errorf("%s: err = %v, want key %q", what, err, key)
		return nil
	}
	if e.Key != key || field != "" && e.Field != field {
		t.Errorf("%s: err = %v (key %q field %q), want key %q field %q", what, err, e.Key, e.Field, key, field)
	}
	return e
}

func TestMeasureParseFormat(t *testing.T) {
	yi, _ := MeasureOf("亿元")
	hu, _ := MeasureOf("户")
	pct, _ := MeasureOf("%")
	wan, _ := MeasureOf("万元")
	wt, _ := MeasureOf("万吨")
	ok := []struct {
		m    Measure
		in   string
		want int64
	}{
		{yi, "327.72", 32772000000},
		{yi, "327.72亿元", 32772000000},
		{yi, " 327.72 亿元 ", 32772000000},
		{yi, "1,327.7", 132770000000},
		{yi, "0.00000001", 1}, // one yuan: the stored unit
		{yi, ".5", 50000000},
		{yi, "5.", 500000000},
		{yi, "-12.3", -1230000000},
		{yi, "+12", 1200000000},
		{yi, "0", 0},
		{yi, "-0", 0},
		{yi, "100000000", 100000000 * 100000000}, // 10¹⁶: the largest allowed
		{hu, "3,810", 3810},
		{hu, "3，810", 3810}, // full-width comma
		{hu, "3810.000", 3810},
		{hu, "3810户", 3810},
		{hu, "-7", -7},
		{pct, "12.5%", 1250},
		{pct, "12.5", 1250},
		{pct, "-3.25%", -325},
		{pct, "0.01", 1},
		{wan, "1.5", 15000},
		{wt, "2.3456", 23456},
	}
	for _, c := range ok {
		got, err := c.m.Parse(c.in)
		if err != nil || got != c.want {
			t.Errorf("%s.Parse(%q) = %d, %v; want %d", c.m.Name, c.in, got, err, c.want)
		}
	}
	bad := []struct {
		m   Measure
		in  string
		key string
	}{
		{yi, "", "target.value_invalid"},
		{yi, "   ", "target.value_invalid"},
		{yi, ".", "target.value_invalid"},
		{yi, "-", "target.value_invalid"},
		{yi, "abc", "target.value_invalid"},
		{yi, "12a", "target.value_invalid"},
		{yi, "1e5", "target.value_invalid"},
		{yi, "1.2.3", "target.value_invalid"},
		{yi, "--5", "target.value_invalid"},
		{yi, "1 2", "target.value_invalid"},
		{yi, "0x10", "target.value_invalid"},
		{yi, "327.720000001", "target.value_precision"}, // below one yuan
		{hu, "3.5", "target.value_precision"},
		{pct, "12.345%", "target.value_precision"},
		{wt, "1.00001", "target.value_precision"},
		{yi, "100000000.00000001", "target.value_range"},
		{hu, "99999999999999999999", "target.value_range"},
	}
	for _, c := range bad {
		v, err := c.m.Parse(c.in)
		if err == nil {
			t.Errorf("%s.Parse(%q) = %d, want an error %s", c.m.Name, c.in, v, c.key)
			continue
		}
		e := wantErr(t, c.m.Name+".Parse("+c.in+")", err, c.key, "")
		if e != nil && e.Code != EINVALID {
			t.Errorf("%s.Parse(%q): code %q", c.m.Name, c.in, e.Code)
		}
	}
	if _, err := hu.Parse("3.5"); err != nil {
		e := err.(*Error)
		if len(e.Args) != 2 || e.Args[0] != "户" || e.Args[1] != 0 {
			t.Errorf("precision error args: %v", e.Args)
		}
	}

	formats := []struct {
		m    Measure
		v    int64
		want string
	}{
		{yi, 32772000000, "327.72"},
		{yi, -32772000000, "-327.72"},
		{yi, 0, "0.00"},
		{yi, 1, "0.00"},
		{hu, 3810, "3810"},
		{hu, -7, "-7"},
		{pct, 1250, "12.50"},
		{wan, 15000, "2"}, // 万元 shows no decimals (1.5 rounds half to even)
		{wt, 23456, "2.35"},
	}
	for _, c := range formats {
		if got := c.m.Format(c.v); got != c.want {
			t.Errorf("%s.Format(%d) = %q, want %q", c.m.Name, c.v, got, c.want)
		}
	}
	// Format then Parse gives the value back when the measure shows every stored digit.
	for _, v := range []int64{0, 1, -1, 99, 1250, -325, 123456789} {
		for _, m := range []Measure{hu, pct} {
			if got, err := m.Parse(m.Format(v)); err != nil || got != v {
				t.Errorf("%s round trip of %d: %d, %v", m.Name, v, got, err)
			}
		}
	}
	if _, ok := MeasureOf("斤"); ok {
		t.Error("MeasureOf(斤) is known")
	}
	if m := (&Indicator{Measure: "斤"}).M(); m.Name != "亿元" {
		t.Errorf("M of an unknown measure = %v", m)
	}
}

func TestGrowth(t *testing.T) {
	cases := []struct {
		this, last       int64
		hasThis, hasLast bool
		pct              string
		ok               bool
	}{
		{120, 100, true, true, "20.0%", true},
		{80, 100, true, true, "-20.0%", true},
		{100, 100, true, true, "0.0%", true},
		{0, 100, true, true, "-100.0%", true},
		{100, 0, true, true, "—", false},    // zero base: undefined
		{100, 100, false, true, "—", false}, // no actual
		{100, 100, true, false, "—", false}, // no last year
		{50, -100, true, true, "150.0%", true},
		{-150, -100, true, true, "-50.0%", true}, // a bigger loss is negative growth
		{-50, -100, true, true, "50.0%", true},
	}
	for _, c := range cases {
		g := Growth(c.this, c.last, c.hasThis, c.hasLast)
		if g.OK != c.ok || g.Pct() != c.pct {
			t.Errorf("Growth(%d, %d, %v, %v) = %+v %s, want %s", c.this, c.last, c.hasThis, c.hasLast, g, g.Pct(), c.pct)
		}
		if !c.ok && g.PP() != "—" {
			t.Errorf("PP of undefined growth: %q", g.PP())
		}
		if c.ok && g.Den <= 0 {
			t.Errorf("Growth(%d, %d): denominator %d", c.this, c.last, g.Den)
		}
	}
	if f := Growth(1, 0, true, true).Float(); !math.IsNaN(f) {
		t.Errorf("Float of undefined growth = %v", f)
	}
}

func TestSchedule(t *testing.T) {
	ends := [2][13]int64{
		{0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365}, // 2023
		{0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366}, // 2024, a leap year
	}
	for i, year := range []int{2023, 2024} {
		days := ends[i][12]
		for m := 1; m <= 12; m++ {
			if got := Schedule(year, m, false); got.Cmp(R(int64(m), 12)) != 0 || !got.OK {
				t.Errorf("Schedule(%d, %d, months) = %+v", year, m, got)
			}
			got := Schedule(year, m, true)
			if !got.OK || got.Num != ends[i][m] || got.Den != days {
				t.Errorf("Schedule(%d, %d, days) = %d/%d, want %d/%d", year, m, got.Num, got.Den, ends[i][m], days)
			}
		}
	}
	if got := Schedule(2024, 6, true); got.Num != 182 || got.Den != 366 {
		t.Errorf("2024-06-30 by days = %d/%d", got.Num, got.Den)
	}
	if got := Schedule(2023, 12, true); got.Num != 365 || got.Den != 365 || got.Pct() != "100.0%" {
		t.Errorf("2023-12-31 by days = %d/%d", got.Num, got.Den)
	}
	if got := Schedule(2024, 6, false); got.Pct() != "50.0%" {
		t.Errorf("June by months = %s", got.Pct())
	}
	for _, m := range []int{0, 13, -1} {
		if Schedule(2024, m, false).OK || Schedule(2024, m, true).OK {
			t.Errorf("Schedule of month %d is defined", m)
		}
	}
}

func TestCompletionAndGap(t *testing.T) {
	c := Completion(625, 1000, true, true, true)
	if c.Pct() != "62.5%" {
		t.Errorf("completion = %s", c.Pct())
	}
	// Less is better: a target of 0.5 t per 万元 and 0.4 reached is 125 %.
	if got := Completion(40, 50, true, true, false); got.Pct() != "125.0%" {
		t.Errorf("lower-better completion = %s", got.Pct())
	}
	if got := Completion(60, 50, true, true, false); got.Cmp(R(5, 6)) != 0 {
		t.Errorf("lower-better completion over target = %+v", got)
	}
	for _, got := range []Ratio{
		Completion(1, 0, true, true, true),  // zero target
		Completion(0, 5, true, true, false), // zero actual, less is better
		Completion(1, 5, false, true, true),
		Completion(1, 5, true, false, true),
	} {
		if got.OK {
			t.Errorf("completion defined: %+v", got)
		}
	}

	gap := ScheduleGap(c, Schedule(2024, 6, false))
	if gap.PP() != "+12.5" || gap.Cmp(R(1, 8)) != 0 {
		t.Errorf("gap = %s %+v, want +12.5", gap.PP(), gap)
	}
	if g := ScheduleGap(Completion(375, 1000, true, true, true), Schedule(2024, 6, false)); g.PP() != "-12.5" {
		t.Errorf("behind schedule: %s", g.PP())
	}
	if g := ScheduleGap(R(1, 2), Schedule(2024, 6, false)); g.PP() != "0.0" {
		t.Errorf("on schedule: %q", g.PP())
	}
	if g := ScheduleGap(R(-1, 1000000), R(0, 1)); g.PP() != "0.0" {
		t.Errorf("tiny negative gap: %q, want no -0.0", g.PP())
	}
	if ScheduleGap(Ratio{}, Schedule(2024, 6, false)).OK || ScheduleGap(c, Ratio{}).OK {
		t.Error("gap defined without a completion or schedule")
	}
	// Products that do not fit in int64 make the gap undefined, never wrong.
	if g := ScheduleGap(R(math.MaxInt64/2, 1), R(6, 12)); g.OK {
		t.Errorf("overflowing numerator: %+v", g)
	}
	if g := ScheduleGap(R(1, math.MaxInt64/2), R(6, 12)); g.OK {
		t.Errorf("overflowing denominator: %+v", g)
	}
	if g := ScheduleGap(R(math.MaxInt64/13, 1), R(1, 12)); !g.OK || g.Num != math.MaxInt64/13*12-1 || g.Den != 12 {
		t.Errorf("large gap that fits: %+v", g)
	}
	if g := ScheduleGap(R(math.MinInt64/12, 1), R(11, 12)); g.OK {
		t.Errorf("overflowing subtraction: %+v", g)
	}

	ind := &Indicator{HigherBetter: true, Accumulation: Cumulative}
	f := &Figure{Actual: 625, HasActual: true, Target: 1000, HasTarget: true, LastYear: 500, HasLastYear: true}
	f.Fill(ind, 2024, 6)
	if f.Completion.Pct() != "62.5%" || f.Schedule.Pct() != "50.0%" || f.Gap.PP() != "+12.5" || f.Growth.Pct() != "25.0%" {
		t.Errorf("Fill: %s %s %s %s", f.Completion.Pct(), f.Schedule.Pct(), f.Gap.PP(), f.Growth.Pct())
	}
	ind.Accumulation = PointValue
	f.Fill(ind, 2024, 6)
	if f.Schedule.OK || f.Gap.OK || !f.Completion.OK {
		t.Errorf("Fill of a point value: %+v", f)
	}
}

func TestRatio(t *testing.T) {
	if r := R(1, 0); r.OK {
		t.Error("R(1, 0) is defined")
	}
	if r := R(3, -4); r.Num != -3 || r.Den != 4 || !r.OK {
		t.Errorf("R(3, -4) = %+v", r)
	}
	big := int64(math.MaxInt64)
	cases := []struct {
		a, b Ratio
		want int
	}{
		{R(1, 2), R(2, 4), 0},
		{R(1, 3), R(1, 2), -1},
		{R(-1, 2), R(-1, 3), -1},
		{R(0, 5), R(0, 7), 0},
		{R(-1, 2), R(1, 2), -1},
		// Cross products overflow int64.
		{R(big, big-1), R(big-1, big-2), -1}, // 1 + 1/(M−1) < 1 + 1/(M−2)
		{R(big-1, big), R(big-2, big-1), 1},
		{R(big, 1), R(big-1, 1), 1},
		{R(big, 3), R(big, 2), -1},
		{R(-big, 3), R(-big, 2), 1},
		{R(math.MinInt64, 1), R(-big, 1), -1},
		{R(math.MinInt64, big), R(math.MinInt64+1, big-1), 1}, // −(1 + 1/(M−1)) > −(1 + 1/(M−2))
		{R(big, big), R(1, 1), 0},
		{R(-big, big), R(-1, 1), 0},
		{R(4_000_000_000_000_000_000, 3_000_000_000_000_000_001), R(4, 3), -1},
	}
	for _, c := range cases {
		if got := c.a.Cmp(c.b); got != c.want {
			t.Errorf("%+v.Cmp(%+v) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := c.b.Cmp(c.a); got != -c.want {
			t.Errorf("%+v.Cmp(%+v) = %d, want %d", c.b, c.a, got, -c.want)
		}
		if got := c.a.Less(c.b); got != (c.want < 0) {
			t.Errorf("%+v.Less(%+v) = %v", c.a, c.b, got)
		}
	}
	for _, c := range []struct {
		r       Ratio
		pct, pp string
		json    string
	}{
		{R(5, 8), "62.5%", "+62.5", "0.625"},
		{R(-1, 8), "-12.5%", "-12.5", "-0.125"},
		{R(0, 3), "0.0%", "0.0", "0"},
		{R(1, 3), "33.3%", "+33.3", "0.3333333333"},
		{Ratio{}, "—", "—", "null"},
	} {
		b, err := json.Marshal(c.r)
		if c.r.Pct() != c.pct || c.r.PP() != c.pp || err != nil || string(b) != c.json {
			t.Errorf("%+v: %q %q %s %v", c.r, c.r.Pct(), c.r.PP(), b, err)
		}
	}
	// Inside a struct too.
	b, _ := json.Marshal(struct{ G Ratio }{R(1, 4)})
	if string(b) != `{"G":0.25}` {
		t.Errorf("struct JSON: %s", b)
	}
}

func TestRankFigures(t *testing.T) {
	ind := &Indicator{RankBy: RankByGrowth, HigherBetter: true}
	mk := func(id, this, last int64, has bool) *Figure {
		return &Figure{UnitID: id, Actual: this, HasActual: has, LastYear: last, HasLastYear: true, Target: 100, HasTarget: true}
	}
	fs := []*Figure{
		mk(1, 110, 100, true), // +10 %
		mk(2, 220, 200, true), // +10 %: tied with 1
		mk(3, 150, 100, true), // +50 %
		mk(4, 90, 100, true),  // −10 %
		mk(5, 0, 100, false),  // no figure
		mk(6, 100, 0, true),   // zero base: no growth
	}
	for _, f := range fs {
		f.Fill(ind, 2024, 6)
	}
	fs[4].Rank = 9 // stale
	RankFigures(ind, fs, false)
	want := map[int64]int{1: 2, 2: 2, 3: 1, 4: 4, 5: 0, 6: 0}
	for _, f := range fs {
		if f.Rank != want[f.UnitID] {
			t.Errorf("unit %d: rank %d, want %d", f.UnitID, f.Rank, want[f.UnitID])
		}
		if f.Rank > 0 && f.Peers != 4 {
			t.Errorf("unit %d: peers %d", f.UnitID, f.Peers)
		}
	}
	// Last month's ranks go to PrevRank and leave Rank alone.
	fs[3].Actual = 200 // unit 4 now +100 %
	for _, f := range fs {
		f.Fill(ind, 2024, 5)
	}
	RankFigures(ind, fs, true)
	if fs[3].PrevRank != 1 || fs[2].PrevRank != 2 || fs[0].PrevRank != 3 || fs[4].PrevRank != 0 || fs[3].Rank != 4 {
		t.Errorf("prev ranks: %d %d %d %d, rank %d", fs[3].PrevRank, fs[2].PrevRank, fs[0].PrevRank, fs[4].PrevRank, fs[3].Rank)
	}
	if fs[3].RankChange() != -3 || fs[0].RankChange() != 1 || fs[4].RankChange() != 0 {
		t.Errorf("rank changes: %d %d %d", fs[3].RankChange(), fs[0].RankChange(), fs[4].RankChange())
	}

	// Less is better, ranked by value: the smallest comes first.
	low := &Indicator{RankBy: RankByValue, HigherBetter: false}
	vs := []*Figure{{UnitID: 1, Actual: 30, HasActual: true}, {UnitID: 2, Actual: 10, HasActual: true}, {UnitID: 3, Actual: -5, HasActual: true}, {UnitID: 4, Actual: 10, HasActual: true}, {UnitID: 5}}
	RankFigures(low, vs, false)
	for i, want := range []int{4, 2, 1, 2, 0} {
		if vs[i].Rank != want {
			t.Errorf("less is better, unit %d: rank %d, want %d", vs[i].UnitID, vs[i].Rank, want)
		}
	}
	// By completion, less is better: Completion is already oriented.
	comp := &Indicator{RankBy: RankByCompletion, HigherBetter: false}
	cs := []*Figure{
		{UnitID: 1, Actual: 40, HasActual: true, Target: 50, HasTarget: true}, // 125 %
		{UnitID: 2, Actual: 60, HasActual: true, Target: 50, HasTarget: true}, // 83 %
		{UnitID: 3, Actual: 50, HasActual: true},                              // no target
	}
	for _, f := range cs {
		f.Fill(comp, 2024, 6)
	}
	RankFigures(comp, cs, false)
	if cs[0].Rank != 1 || cs[1].Rank != 2 || cs[2].Rank != 0 || cs[0].Peers != 2 {
		t.Errorf("by completion: %d %d %d", cs[0].Rank, cs[1].Rank, cs[2].Rank)
	}
	// Lower growth is better for, say, energy use.
	eg := &Indicator{RankBy: RankByGrowth, HigherBetter: false}
	gs := []*Figure{mk(1, 110, 100, true), mk(2, 90, 100, true)}
	for _, f := range gs {
		f.Fill(eg, 2024, 6)
	}
	RankFigures(eg, gs, false)
	if gs[0].Rank != 2 || gs[1].Rank != 1 {
		t.Errorf("lower growth better: %d %d", gs[0].Rank, gs[1].Rank)
	}
	RankFigures(ind, nil, false) // nothing to rank: no panic
}

func TestIndicatorValidate(t *testing.T) {
	good := func() Indicator {
		return Indicator{Code: " GDP ", Name: " 地区生产总值 ", Measure: "亿元", HigherBetter: true}
	}
	ind := good()
	ind.Normalize()
	if err := ind.Validate(); err != nil {
		t.Fatalf("good indicator: %v", err)
	}
	if ind.Code != "gdp" || ind.Name != "地区生产总值" || ind.Accumulation != Cumulative || ind.Source != SourceEntered || ind.RankBy != RankByGrowth {
		t.Errorf("Normalize: %+v", ind)
	}
	// A computed indicator takes its key's measure; others drop the key.
	c := Indicator{Code: "fai", Name: "固投", Measure: "个", Source: SourceComputed, Compute: ComputeInvestment}
	c.Normalize()
	if c.Measure != "亿元" || c.Validate() != nil {
		t.Errorf("computed: %+v %v", c, c.Validate())
	}
	e := Indicator{Code: "x", Name: "x", Measure: "个", Source: SourceEntered, Compute: ComputeStarted}
	e.Normalize()
	if e.Compute != "" {
		t.Errorf("entered indicator keeps compute %q", e.Compute)
	}
	if ComputeMeasure("nope") != "" || ComputeMeasure(ComputeStarted) != "个" {
		t.Error("ComputeMeasure")
	}

	long := strings.Repeat("指", 101)
	cases := []struct {
		mod   func(*Indicator)
		key   string
		field string
	}{
		{func(i *Indicator) { i.Code = "" }, "target.code_invalid", "code"},
		{func(i *Indicator) { i.Code = "g d p" }, "target.code_invalid", "code"},
		{func(i *Indicator) { i.Code = "国内生产总值" }, "target.code_invalid", "code"},
		{func(i *Indicator) { i.Code = "gdp.total" }, "target.code_invalid", "code"},
		{func(i *Indicator) { i.Code = "a234567890123456789012345678901234567890x" }, "target.code_invalid", "code"},
		{func(i *Indicator) { i.Name = "" }, "field.required", "name"},
		{func(i *Indicator) { i.Name = long }, "field.too_long", "name"},
		{func(i *Indicator) { i.Note = string(make([]byte, 1001)) }, "field.too_long", "note"},
		{func(i *Indicator) { i.Accumulation = "monthly" }, "field.invalid", "accumulation"},
		{func(i *Indicator) { i.Source = "guess" }, "field.invalid", "source"},
		{func(i *Indicator) { i.RankBy = "size" }, "field.invalid", "rank_by"},
		{func(i *Indicator) { i.Measure = "斤" }, "field.invalid", "measure"},
		{func(i *Indicator) { i.Measure = "" }, "field.invalid", "measure"},
		{func(i *Indicator) { i.Source, i.Compute = SourceComputed, "gdp" }, "target.compute_unknown", "compute"},
		{func(i *Indicator) { i.Source, i.Compute = SourceComputed, "" }, "target.compute_unknown", "compute"},
		{func(i *Indicator) { i.Source, i.Compute, i.Accumulation = SourceComputed, ComputeStarted, PointValue }, "target.computed_cumulative", "accumulation"},
	}
	for i, c := range cases {
		ind := good()
		ind.Normalize()
		c.mod(&ind)
		wantErr(t, fmt.Sprintf("case %d", i), ind.Validate(), c.key, c.field)
	}
	// Normalize lower-cases the code; Validate alone refuses upper case.
	up := good()
	up.Code = "GDP"
	up.Name = "GDP"
	up.Accumulation, up.Source, up.RankBy = Cumulative, SourceEntered, RankByGrowth
	wantErr(t, "upper-case code", up.Validate(), "target.code_invalid", "code")
}

package score

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"ding"
)

// Helpers that build a cut's values.

func val(item, unit, v int64) ding.CutValue {
	return ding.CutValue{ItemID: item, UnitID: unit, Actual: v, HasActual: true}
}

func grow(item, unit, this, last int64) ding.CutValue {
	return ding.CutValue{ItemID: item, UnitID: unit, Actual: this, HasActual: true, LastYear: last, HasLastYear: true}
}

func comp(item, unit, actual, target int64) ding.CutValue {
	return ding.CutValue{ItemID: item, UnitID: unit, Actual: actual, HasActual: true, Target: target, HasTarget: true}
}

// oneItem is a scheme with one item and units 1…n in a single group.
func oneItem(it ding.SchemeItem, n int) *ding.Scheme {
	it.ID = 1
	s := &ding.Scheme{ID: 1, Name: "季比拼", Period: ding.SchemeQuarterly, TotalPoints: it.Weight, Items: []ding.SchemeItem{it}}
	for u := 1; u <= n; u++ {
		s.Participants = append(s.Participants, ding.Participant{UnitID: int64(u), UnitName: fmt.Sprint("单位", u)})
	}
	return s
}

func byUnit(scores []*ding.Score) map[int64]*ding.Score {
	m := map[int64]*ding.Score{}
	for _, sc := range scores {
		m[sc.UnitID] = sc
	}
	return m
}

// want is one unit's expected result on the first item.
type want struct {
	points  int64
	place   int
	missing bool
	exempt  bool
}

func check(t *testing.T, name string, scores []*ding.Score, wants map[int64]want) {
	t.Helper()
	got := byUnit(scores)
	if len(got) != len(wants) {
		t.Errorf("%s: %d scores, want %d", name, len(got), len(wants))
	}
	for u, w := range wants {
		sc := got[u]
		if sc == nil {
			t.Errorf("%s: unit %d has no score", name, u)
			continue
		}
		is := sc.Items[0]
		if is.Points != w.points || is.Place != w.place || is.Missing != w.missing || is.Exempt != w.exempt {
			t.Errorf("%s: unit %d: points %d place %d missing %v exempt %v; want %d %d %v %v",
				name, u, is.Points, is.Place, is.Missing, is.Exempt, w.points, w.place, w.missing, w.exempt)
		}
	}
}

func TestRankMethod(t *testing.T) {
	it := ding.SchemeItem{Basis: ding.BasisGrowth, Method: ding.MethodRank, Weight: 2000, Step: 500, HigherBetter: true}
	s := oneItem(it, 5)
	scores := Compute(s, []ding.CutValue{
		grow(1, 1, 110, 100), // +10 %
		grow(1, 2, 220, 200), // +10 %: tied first
		grow(1, 3, 105, 100), // +5 %: third
		grow(1, 4, 101, 100), // +1 %: fourth
		grow(1, 5, 100, 0),   // no base: missing, takes no place
	}, nil, nil)
	check(t, "ties", scores, map[int64]want{
		1: {2000, 1, false, false},
		2: {2000, 1, false, false},
		3: {1800, 3, false, false}, // 90 % with a 5 % step
		4: {1700, 4, false, false},
		5: {0, 0, true, false},
	})
	m := byUnit(scores)
	if m[1].Rank != 1 || m[2].Rank != 1 || m[3].Rank != 3 || m[4].Rank != 4 || m[5].Rank != 5 {
		t.Errorf("ranks: %d %d %d %d %d", m[1].Rank, m[2].Rank, m[3].Rank, m[4].Rank, m[5].Rank)
	}
	if m[3].Items[0].Metric.Cmp(ding.R(5, 100)) != 0 {
		t.Errorf("metric of unit 3: %+v", m[3].Items[0].Metric)
	}
	// Scores come back by rank, then unit id.
	var order []int64
	for _, sc := range scores {
		order = append(order, sc.UnitID)
	}
	if !slices.Equal(order, []int64{1, 2, 3, 4, 5}) {
		t.Errorf("order: %v", order)
	}

	// Negative growth: this year below last year ranks below a smaller fall.
	scores = Compute(oneItem(it, 3), []ding.CutValue{
		grow(1, 1, 80, 100),  // −20 %
		grow(1, 2, 90, 100),  // −10 %
		grow(1, 3, -50, -25), // −100 % on a negative base
	}, nil, nil)
	check(t, "negative growth", scores, map[int64]want{
		1: {1900, 2, false, false},
		2: {2000, 1, false, false},
		3: {1800, 3, false, false},
	})

	// One participant gets the full weight.
	check(t, "alone", Compute(oneItem(it, 1), []ding.CutValue{grow(1, 1, 50, 100)}, nil, nil),
		map[int64]want{1: {2000, 1, false, false}})

	// Less is better (value basis): the smallest figure is first.
	low := it
	low.Basis, low.HigherBetter = ding.BasisValue, false
	check(t, "less is better", Compute(oneItem(low, 3), []ding.CutValue{val(1, 1, 30), val(1, 2, -5), val(1, 3, 30)}, nil, nil),
		map[int64]want{1: {1900, 2, false, false}, 2: {2000, 1, false, false}, 3: {1900, 2, false, false}})

	// Many participants: points never fall below zero.
	many := it
	many.Basis, many.Weight = ding.BasisValue, 1000
	var vals []ding.CutValue
	wants := map[int64]want{}
	for u := int64(1); u <= 25; u++ {
		vals = append(vals, val(1, u, 100-u)) // unit u is u-th
		pts := max(0, 1000*(10000-500*(u-1))/10000)
		wants[u] = want{pts, int(u), false, false}
	}
	check(t, "floor", Compute(oneItem(many, 25), vals, nil, nil), wants)
	if wants[20].points != 50 || wants[21].points != 0 || wants[25].points != 0 {
		t.Fatalf("bad expectations: %v", wants)
	}

	// An odd step and weight round once per item, half away from zero.
	odd := it
	odd.Basis, odd.Weight, odd.Step = ding.BasisValue, 1001, 3333
	check(t, "odd step", Compute(oneItem(odd, 5), []ding.CutValue{val(1, 1, 5), val(1, 2, 4), val(1, 3, 3), val(1, 4, 2), val(1, 5, 1)}, nil, nil),
		map[int64]want{
			1: {1001, 1, false, false},
			2: {667, 2, false, false}, // 1001 × 0.6667 = 667.37
			3: {334, 3, false, false}, // 1001 × 0.3334 = 333.73
			4: {0, 4, false, false},   // 1001 × 0.0001 = 0.10
			5: {0, 5, false, false},
		})

	// A zero step: everyone scored gets the full weight but keeps a place.
	flat := it
	flat.Step = 0
	check(t, "zero step", Compute(oneItem(flat, 2), []ding.CutValue{grow(1, 1, 2, 1), grow(1, 2, 1, 1)}, nil, nil),
		map[int64]want{1: {2000, 1, false, false}, 2: {2000, 2, false, false}})
}

func TestTargetMethod(t *testing.T) {
	it := ding.SchemeItem{Basis: ding.BasisCompletion, Method: ding.MethodTarget, Weight: 3000, HigherBetter: true}
	check(t, "more is better", Compute(oneItem(it, 5), []ding.CutValue{
		comp(1, 1, 32772000000, 32772000000),               // met exactly
		comp(1, 2, 32771999999, 32772000000),               // missed by one yuan
		comp(1, 3, 40000000000, 32772000000),               // exceeded
		{ItemID: 1, UnitID: 4, Actual: 5, HasActual: true}, // no target
		comp(1, 5, 5, 0),                                   // a zero target: undefined
	}, nil, nil), map[int64]want{
		1: {3000, 2, false, false},
		2: {0, 3, false, false},
		3: {3000, 1, false, false},
		4: {0, 0, true, false},
		5: {0, 0, true, false},
	})
	low := it
	low.HigherBetter = false // energy per unit of output: at or below the target is met
	check(t, "less is better", Compute(oneItem(low, 3), []ding.CutValue{
		comp(1, 1, 1000, 1000), comp(1, 2, 1001, 1000), comp(1, 3, 900, 1000),
	}, nil, nil), map[int64]want{
		1: {3000, 2, false, false},
		2: {0, 3, false, false},
		3: {3000, 1, false, false},
	})
}

func TestTargetPropMethod(t *testing.T) {
	it := ding.SchemeItem{Basis: ding.BasisCompletion, Method: ding.MethodTargetProp, Weight: 2000, HigherBetter: true}
	vals := []ding.CutValue{
		comp(1, 1, 625, 1000),  // 62.5 %
		comp(1, 2, 1500, 1000), // 150 %: capped
		comp(1, 3, -100, 1000), // below zero: 0
		comp(1, 4, 1100, 1000), // 110 %
		comp(1, 5, 1, 3),       // 33.33 %
	}
	check(t, "cap 100 %", Compute(oneItem(it, 5), vals, nil, nil), map[int64]want{
		1: {1250, 3, false, false},
		2: {2000, 1, false, false},
		3: {0, 5, false, false},
		4: {2000, 2, false, false},
		5: {667, 4, false, false},
	})
	it.Cap = 12000
	check(t, "cap 120 %", Compute(oneItem(it, 5), vals, nil, nil), map[int64]want{
		1: {1250, 3, false, false},
		2: {2400, 1, false, false},
		3: {0, 5, false, false},
		4: {2200, 2, false, false},
		5: {667, 4, false, false},
	})
}

func TestRatioMethod(t *testing.T) {
	// Value basis: the benchmark is in the stored unit.
	it := ding.SchemeItem{Basis: ding.BasisValue, Method: ding.MethodRatio, Weight: 1000, Benchmark: 1000, HigherBetter: true}
	vals := []ding.CutValue{val(1, 1, 500), val(1, 2, 1500), val(1, 3, -200), val(1, 4, 333)}
	check(t, "value", Compute(oneItem(it, 4), vals, nil, nil), map[int64]want{
		1: {500, 2, false, false},
		2: {1000, 1, false, false}, // capped at 100 %
		3: {0, 4, false, false},    // floored at 0
		4: {333, 3, false, false},
	})
	it.Cap = 15000
	check(t, "value cap 150 %", Compute(oneItem(it, 4), vals, nil, nil), map[int64]want{
		1: {500, 2, false, false},
		2: {1500, 1, false, false},
		3: {0, 4, false, false},
		4: {333, 3, false, false},
	})

	// Less is better: benchmark ÷ figure; nothing at all is best (the cap).
	low := ding.SchemeItem{Basis: ding.BasisValue, Method: ding.MethodRatio, Weight: 1000, Benchmark: 1000, Cap: 12000}
	check(t, "value, less is better", Compute(oneItem(low, 4), []ding.CutValue{val(1, 1, 2000), val(1, 2, 800), val(1, 3, 0), val(1, 4, -5)}, nil, nil),
		map[int64]want{
			1: {500, 4, false, false},
			2: {1200, 3, false, false}, // 125 % capped at 120 %
			3: {1200, 2, false, false},
			4: {1200, 1, false, false},
		})

	// Growth basis: the benchmark is in basis points (10 %); a fall floors at 0.
	g := ding.SchemeItem{Basis: ding.BasisGrowth, Method: ding.MethodRatio, Weight: 2000, Benchmark: 1000, HigherBetter: true}
	check(t, "growth", Compute(oneItem(g, 4), []ding.CutValue{grow(1, 1, 105, 100), grow(1, 2, 95, 100), grow(1, 3, 120, 100), grow(1, 4, 5, 0)}, nil, nil),
		map[int64]want{
			1: {1000, 2, false, false},
			2: {0, 3, false, false},
			3: {2000, 1, false, false},
			4: {0, 0, true, false},
		})
	// Growth where less is better (energy use, benchmark 3 %): a fall or no growth earns the cap.
	gl := ding.SchemeItem{Basis: ding.BasisGrowth, Method: ding.MethodRatio, Weight: 1000, Benchmark: 300}
	check(t, "growth, less is better", Compute(oneItem(gl, 4), []ding.CutValue{grow(1, 1, 106, 100), grow(1, 2, 98, 100), grow(1, 3, 100, 100), grow(1, 4, 102, 100)}, nil, nil),
		map[int64]want{
			1: {500, 4, false, false},
			2: {1000, 1, false, false},
			3: {1000, 2, false, false},
			4: {1000, 3, false, false}, // 150 % capped
		})
	// Completion basis (benchmark 100 %): already oriented, also when less is better.
	c := ding.SchemeItem{Basis: ding.BasisCompletion, Method: ding.MethodRatio, Weight: 1000, Benchmark: 10000, HigherBetter: true}
	check(t, "completion", Compute(oneItem(c, 2), []ding.CutValue{comp(1, 1, 80, 100), comp(1, 2, 90, 100)}, nil, nil),
		map[int64]want{1: {800, 2, false, false}, 2: {900, 1, false, false}})
	c.HigherBetter = false
	check(t, "completion, less is better", Compute(oneItem(c, 2), []ding.CutValue{comp(1, 1, 80, 100), comp(1, 2, 125, 100)}, nil, nil),
		map[int64]want{1: {1000, 1, false, false}, 2: {800, 2, false, false}})
}

func TestMinMaxMethod(t *testing.T) {
	it := ding.SchemeItem{Basis: ding.BasisGrowth, Method: ding.MethodMinMax, Weight: 1000, HigherBetter: true}
	check(t, "spread", Compute(oneItem(it, 5), []ding.CutValue{
		grow(1, 1, 90, 100),  // −10 %: the minimum gets 20 %
		grow(1, 2, 100, 100), // 0 %
		grow(1, 3, 110, 100), // +10 %
		grow(1, 4, 130, 100), // +30 %: the maximum gets the weight
		{ItemID: 1, UnitID: 5, Actual: 1, HasActual: true},
	}, nil, nil), map[int64]want{
		1: {200, 4, false, false},
		2: {400, 3, false, false},
		3: {600, 2, false, false},
		4: {1000, 1, false, false},
		5: {0, 0, true, false},
	})
	check(t, "all equal", Compute(oneItem(it, 3), []ding.CutValue{grow(1, 1, 110, 100), grow(1, 2, 220, 200), grow(1, 3, 55, 50)}, nil, nil),
		map[int64]want{1: {1000, 1, false, false}, 2: {1000, 1, false, false}, 3: {1000, 1, false, false}})
	check(t, "alone", Compute(oneItem(it, 2), []ding.CutValue{grow(1, 1, 80, 100)}, nil, nil),
		map[int64]want{1: {1000, 1, false, false}, 2: {0, 0, true, false}})
	// Less is better with negative values: −15 is best, 15 worst.
	low := ding.SchemeItem{Basis: ding.BasisValue, Method: ding.MethodMinMax, Weight: 1000}
	check(t, "less is better", Compute(oneItem(low, 3), []ding.CutValue{val(1, 1, -15), val(1, 2, 5), val(1, 3, 15)}, nil, nil),
		map[int64]want{1: {1000, 1, false, false}, 2: {467, 2, false, false}, 3: {200, 3, false, false}})
	// Rounded once, half away from zero: 20 + 80 × 1/8 = 30 % of 1005 is 301.5.
	r := ding.SchemeItem{Basis: ding.BasisValue, Method: ding.MethodMinMax, Weight: 1005, HigherBetter: true}
	check(t, "rounding", Compute(oneItem(r, 3), []ding.CutValue{val(1, 1, 0), val(1, 2, 1), val(1, 3, 8)}, nil, nil),
		map[int64]want{1: {201, 3, false, false}, 2: {302, 2, false, false}, 3: {1005, 1, false, false}})
}

func TestMissingData(t *testing.T) {
	it := ding.SchemeItem{Basis: ding.BasisGrowth, Method: ding.MethodRank, Weight: 2000, Step: 500, HigherBetter: true}
	s := oneItem(it, 4)
	check(t, "missing", Compute(s, []ding.CutValue{
		grow(1, 1, 110, 100),
		{ItemID: 1, UnitID: 2, Actual: 120, HasActual: true}, // no last year
		{ItemID: 1, UnitID: 3, LastYear: 100, HasLastYear: true},
		grow(1, 4, 100, 100),
		grow(2, 2, 500, 100), // a value for an item the scheme does not have
		grow(1, 9, 500, 100), // a unit that does not take part
	}, nil, nil), map[int64]want{
		1: {2000, 1, false, false},
		2: {0, 0, true, false},
		3: {0, 0, true, false},
		4: {1900, 2, false, false},
	})
	// Nobody has the figure: everyone 0, everyone tied.
	scores := Compute(s, nil, nil, nil)
	for _, sc := range scores {
		if sc.Total != 0 || sc.Rank != 1 || !sc.Items[0].Missing || sc.Items[0].Metric.OK {
			t.Errorf("no data: %+v", sc)
		}
	}
}

func TestExemption(t *testing.T) {
	items := []ding.SchemeItem{
		{ID: 1, Basis: ding.BasisValue, Method: ding.MethodRank, Weight: 1000, Step: 500, HigherBetter: true},
		{ID: 2, Basis: ding.BasisValue, Method: ding.MethodRank, Weight: 500, Step: 500, HigherBetter: true},
	}
	s := &ding.Scheme{Period: ding.SchemeQuarterly, TotalPoints: 1500, Items: items, FlagCount: 1}
	for u := int64(1); u <= 5; u++ {
		g := "A"
		if u == 5 {
			g = "B"
		}
		s.Participants = append(s.Participants, ding.Participant{UnitID: u, Group: g})
	}
	vals := []ding.CutValue{
		val(1, 1, 10), val(1, 2, 9), val(1, 3, 9), val(1, 4, 100), // unit 4 is exempted: its 100 takes no place
		val(2, 1, 1), val(2, 2, 2), val(2, 3, 3), // unit 4 has no figure for item 2 but is exempted
		// unit 5 is alone in group B with no figures at all
	}
	adj := []*ding.Adjustment{
		{UnitID: 4, Kind: ding.AdjustExempt, ItemID: 1},
		{UnitID: 4, Kind: ding.AdjustExempt, ItemID: 2},
		{UnitID: 5, Kind: ding.AdjustExempt, ItemID: 1},
		{UnitID: 3, Kind: ding.AdjustExempt, ItemID: 99}, // no such item: nothing happens
	}
	m := byUnit(Compute(s, vals, adj, nil))
	// Item 1 in group A: 1000, 950, 950 → average 966.67 → 967.
	for u, w := range map[int64][2]int64{1: {1000, 1}, 2: {950, 2}, 3: {950, 2}, 4: {967, 0}} {
		is := m[u].Items[0]
		if is.Points != w[0] || int64(is.Place) != w[1] || is.Exempt != (u == 4) || is.Missing {
			t.Errorf("item 1, unit %d: %+v, want %v", u, is, w)
		}
	}
	// Item 2 in group A: 450, 475, 500 → 475.
	if is := m[4].Items[1]; is.Points != 475 || !is.Exempt || is.Missing || is.Place != 0 {
		t.Errorf("item 2, unit 4: %+v", is)
	}
	if m[3].Items[1].Points != 500 || m[3].Items[1].Place != 1 || m[1].Items[1].Points != 450 || m[1].Items[1].Place != 3 {
		t.Errorf("item 2: %+v %+v", m[3].Items[1], m[1].Items[1])
	}
	// Group B: nobody else scored, so the exemption is worth the full weight; item 2 is missing.
	if is := m[5].Items[0]; is.Points != 1000 || !is.Exempt {
		t.Errorf("alone and exempted: %+v", is)
	}
	if is := m[5].Items[1]; is.Points != 0 || !is.Missing {
		t.Errorf("alone without a figure: %+v", is)
	}
	if m[1].Total != 1450 || m[2].Total != 1425 || m[3].Total != 1450 || m[4].Total != 1442 || m[5].Total != 1000 {
		t.Errorf("totals: %d %d %d %d %d", m[1].Total, m[2].Total, m[3].Total, m[4].Total, m[5].Total)
	}
	if m[1].Rank != 1 || m[2].Rank != 4 || m[3].Rank != 1 || m[4].Rank != 3 || m[5].Rank != 1 {
		t.Errorf("ranks: %d %d %d %d %d", m[1].Rank, m[2].Rank, m[3].Rank, m[4].Rank, m[5].Rank)
	}
	// One flag per group, but units 1 and 3 are tied first.
	if !m[1].Flag || m[2].Flag || !m[3].Flag || m[4].Flag || !m[5].Flag {
		t.Errorf("flags: %v %v %v %v %v", m[1].Flag, m[2].Flag, m[3].Flag, m[4].Flag, m[5].Flag)
	}
	// An exempted participant is not missing, even when it had no figure.
	if m[4].Items[1].Metric.OK {
		t.Errorf("exempted metric: %+v", m[4].Items[1].Metric)
	}
}

func TestAdjustments(t *testing.T) {
	it := ding.SchemeItem{Basis: ding.BasisValue, Method: ding.MethodRank, Weight: 10000, Step: 500, HigherBetter: true}
	s := oneItem(it, 3)
	s.FlagCount = 1
	vals := []ding.CutValue{val(1, 1, 3), val(1, 2, 2), val(1, 3, 1)} // 100, 95, 90
	adj := []*ding.Adjustment{
		{UnitID: 1, Kind: ding.AdjustPenalty, Points: 800},
		{UnitID: 1, Kind: ding.AdjustBonus, Points: 100},
		{UnitID: 3, Kind: ding.AdjustBonus, Points: 250},
		{UnitID: 9, Kind: ding.AdjustBonus, Points: 9999}, // not a participant
	}
	scores := Compute(s, vals, adj, map[int64]int{1: 1, 2: 2, 3: 3})
	m := byUnit(scores)
	type r struct {
		adjust, total int64
		rank, prev    int
		flag          bool
	}
	// 93 + 95 + 92.5 ranks: 2 (95) first, 1 (93) second, 3 (92.5) third.
	for u, w := range map[int64]r{1: {-700, 9300, 2, 1, false}, 2: {0, 9500, 1, 2, true}, 3: {250, 9250, 3, 3, false}} {
		sc := m[u]
		if got := (r{sc.Adjust, sc.Total, sc.Rank, sc.PrevRank, sc.Flag}); got != w {
			t.Errorf("unit %d: %+v, want %+v", u, got, w)
		}
	}
	if scores[0].UnitID != 2 || scores[0].RankChange() != 1 || m[1].RankChange() != -1 {
		t.Errorf("first %d, rank changes %d %d", scores[0].UnitID, scores[0].RankChange(), m[1].RankChange())
	}
	if mi := MostImproved(scores); mi == nil || mi.UnitID != 2 {
		t.Errorf("most improved: %+v", mi)
	}
	// A penalty can take the total below zero.
	neg := Compute(s, nil, []*ding.Adjustment{{UnitID: 2, Kind: ding.AdjustPenalty, Points: 500}}, nil)
	if m := byUnit(neg); m[2].Total != -500 || m[2].Rank != 3 || m[1].Rank != 1 {
		t.Errorf("negative total: %+v", m[2])
	}
}

func TestGroupsAndFlags(t *testing.T) {
	it := ding.SchemeItem{ID: 1, Basis: ding.BasisValue, Method: ding.MethodRank, Weight: 10000, Step: 500, HigherBetter: true}
	s := &ding.Scheme{Period: ding.SchemeQuarterly, TotalPoints: 10000, Items: []ding.SchemeItem{it}, FlagCount: 2, Participants: []ding.Participant{
		{UnitID: 11, Group: "园区"}, {UnitID: 1, Group: "乡镇"}, {UnitID: 2, Group: "乡镇"}, {UnitID: 3, Group: "乡镇"},
		{UnitID: 4, Group: "乡镇"}, {UnitID: 12, Group: "园区"}, {UnitID: 13, Group: "园区"}, {UnitID: 14, Group: "园区"},
	}}
	vals := []ding.CutValue{
		// 乡镇: 1 first; 2 and 3 tied second (K = 2: both get the flag); 4 fourth.
		val(1, 1, 50), val(1, 2, 40), val(1, 3, 40), val(1, 4, 10),
		// 园区: tiny figures, ranked on their own; 13 and 14 tied third.
		val(1, 11, 3), val(1, 12, 2), val(1, 13, 1), val(1, 14, 1),
	}
	scores := Compute(s, vals, nil, nil)
	type r struct {
		group  string
		points int64
		rank   int
		flag   bool
	}
	want := []struct {
		unit int64
		r
	}{
		{11, r{"园区", 10000, 1, true}},
		{12, r{"园区", 9500, 2, true}},
		{13, r{"园区", 9000, 3, false}},
		{14, r{"园区", 9000, 3, false}},
		{1, r{"乡镇", 10000, 1, true}},
		{2, r{"乡镇", 9500, 2, true}},
		{3, r{"乡镇", 9500, 2, true}},
		{4, r{"乡镇", 8500, 4, false}},
	}
	if len(scores) != len(want) {
		t.Fatalf("%d scores", len(scores))
	}
	for i, w := range want {
		sc := scores[i]
		got := r{sc.Group, sc.Total, sc.Rank, sc.Flag}
		if sc.UnitID != w.unit || got != w.r {
			t.Errorf("#%d: unit %d %+v, want unit %d %+v", i, sc.UnitID, got, w.unit, w.r)
		}
	}
	// Without a flag count nobody gets the flag.
	s.FlagCount = 0
	for _, sc := range Compute(s, vals, nil, nil) {
		if sc.Flag {
			t.Errorf("flag without a flag count: %d", sc.UnitID)
		}
	}
}

func TestMostImproved(t *testing.T) {
	sc := func(u int64, rank, prev int, total int64) *ding.Score {
		return &ding.Score{UnitID: u, Rank: rank, PrevRank: prev, Total: total}
	}
	cases := []struct {
		name   string
		scores []*ding.Score
		want   int64 // 0: nil
	}{
		{"empty", nil, 0},
		{"nobody rose", []*ding.Score{sc(1, 1, 1, 90), sc(2, 2, 0, 80), sc(3, 3, 2, 70)}, 0},
		{"the biggest rise", []*ding.Score{sc(1, 1, 2, 90), sc(2, 2, 5, 80), sc(3, 3, 4, 70)}, 2},
		{"a tie goes to the higher total", []*ding.Score{sc(3, 3, 5, 70), sc(1, 1, 3, 90), sc(2, 2, 4, 80)}, 1},
		{"then to the lower unit id", []*ding.Score{sc(7, 2, 4, 80), sc(5, 2, 4, 80), sc(6, 2, 4, 80)}, 5},
		{"no previous rank is no rise", []*ding.Score{sc(1, 1, 0, 90), sc(2, 2, 3, 80)}, 2},
	}
	for _, c := range cases {
		got := MostImproved(c.scores)
		if c.want == 0 && got != nil || c.want != 0 && (got == nil || got.UnitID != c.want) {
			t.Errorf("%s: %+v, want unit %d", c.name, got, c.want)
		}
	}
}

// TestPermutationInvariance: the order participants, values and adjustments are listed in
// never changes anyone's score.
func TestPermutationInvariance(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 2023))
	methods := []ding.Method{ding.MethodRank, ding.MethodTarget, ding.MethodTargetProp, ding.MethodRatio, ding.MethodMinMax}
	bases := []ding.Basis{ding.BasisValue, ding.BasisGrowth, ding.BasisCompletion}
	groups := []string{"", "乡镇", "园区"}
	type snap struct {
		Group       string
		Items       []ding.ItemScore
		Adjust      int64
		Total       int64
		Rank        int
		PrevRank    int
		Flag        bool
		PlaceInList int // position among its group's scores
	}
	snapshot := func(scores []*ding.Score) map[int64]snap {
		m := map[int64]snap{}
		pos := map[string]int{}
		for _, sc := range scores {
			m[sc.UnitID] = snap{sc.Group, sc.Items, sc.Adjust, sc.Total, sc.Rank, sc.PrevRank, sc.Flag, pos[sc.Group]}
			pos[sc.Group]++
		}
		return m
	}
	for trial := range 300 {
		s := &ding.Scheme{ID: 1, Period: ding.SchemeQuarterly, FlagCount: rng.IntN(4)}
		nItems := 1 + rng.IntN(5)
		for i := range nItems {
			it := ding.SchemeItem{ID: int64(100 + i), IndicatorID: int64(i + 1), Method: methods[rng.IntN(len(methods))],
				Basis: bases[rng.IntN(len(bases))], Weight: int64(1 + rng.IntN(3000)), HigherBetter: rng.IntN(3) > 0}
			switch it.Method {
			case ding.MethodTarget, ding.MethodTargetProp:
				it.Basis = ding.BasisCompletion
			case ding.MethodRank:
				it.Step = []int64{0, 500, 1000, 3333, 10000}[rng.IntN(5)]
			}
			it.Cap = []int64{0, 0, 12000, 5000}[rng.IntN(4)]
			if it.Basis == ding.BasisValue {
				it.Benchmark = int64(1 + rng.IntN(30))
			} else {
				it.Benchmark = int64(1 + rng.IntN(20000))
			}
			s.Items = append(s.Items, it)
			s.TotalPoints += it.Weight
		}
		nUnits := 1 + rng.IntN(14)
		for u := range nUnits {
			s.Participants = append(s.Participants, ding.Participant{UnitID: int64(u + 1), Group: groups[rng.IntN(len(groups))]})
		}
		var vals []ding.CutValue
		var adj []*ding.Adjustment
		prev := map[int64]int{}
		for _, p := range s.Participants {
			if rng.IntN(2) == 0 {
				prev[p.UnitID] = 1 + rng.IntN(nUnits)
			}
			for _, it := range s.Items {
				if rng.IntN(8) == 0 {
					continue // no row at all
				}
				// Small ranges so that ties, zero bases and zero targets are common.
				vals = append(vals, ding.CutValue{ItemID: it.ID, UnitID: p.UnitID,
					Actual: int64(rng.IntN(25) - 5), HasActual: rng.IntN(10) > 0,
					Target: int64(rng.IntN(22) - 2), HasTarget: rng.IntN(10) > 0,
					LastYear: int64(rng.IntN(25) - 5), HasLastYear: rng.IntN(10) > 0})
				if rng.IntN(12) == 0 {
					adj = append(adj, &ding.Adjustment{UnitID: p.UnitID, Kind: ding.AdjustExempt, ItemID: it.ID})
				}
			}
			switch rng.IntN(5) {
			case 0:
				adj = append(adj, &ding.Adjustment{UnitID: p.UnitID, Kind: ding.AdjustBonus, Points: int64(1 + rng.IntN(500))})
			case 1:
				adj = append(adj, &ding.Adjustment{UnitID: p.UnitID, Kind: ding.AdjustPenalty, Points: int64(1 + rng.IntN(500))})
			}
		}
		base := Compute(s, vals, adj, prev)
		want := snapshot(base)
		improved := func(scores []*ding.Score) int64 {
			if sc := MostImproved(scores); sc != nil {
				return sc.UnitID
			}
			return 0
		}
		wantImproved := improved(base)
		if len(want) != nUnits {
			t.Fatalf("trial %d: %d scores for %d units", trial, len(want), nUnits)
		}
		// Invariants of every result.
		for _, sc := range base {
			sum := sc.Adjust
			for i, is := range sc.Items {
				sum += is.Points
				it := s.Items[i]
				limit := it.Weight
				if it.Method == ding.MethodRatio || it.Method == ding.MethodTargetProp {
					if it.Cap > 0 {
						limit = it.Weight * it.Cap / 10000
					}
				}
				if is.Exempt {
					limit = max(limit, it.Weight) // nobody else scored: the full weight
				}
				if is.Points < 0 || is.Points > limit+1 || is.ItemID != it.ID {
					t.Fatalf("trial %d: unit %d item %d (%s): %+v, limit %d", trial, sc.UnitID, it.ID, it.Method, is, limit)
				}
				if (is.Missing || is.Exempt) != (is.Place == 0) {
					t.Fatalf("trial %d: unit %d item %d: place %d missing %v exempt %v", trial, sc.UnitID, it.ID, is.Place, is.Missing, is.Exempt)
				}
			}
			if sum != sc.Total {
				t.Fatalf("trial %d: unit %d total %d, items and adjustments %d", trial, sc.UnitID, sc.Total, sum)
			}
		}
		for perm := range 20 {
			ps := slices.Clone(s.Participants)
			rng.Shuffle(len(ps), func(i, j int) { ps[i], ps[j] = ps[j], ps[i] })
			vs := slices.Clone(vals)
			rng.Shuffle(len(vs), func(i, j int) { vs[i], vs[j] = vs[j], vs[i] })
			as := slices.Clone(adj)
			rng.Shuffle(len(as), func(i, j int) { as[i], as[j] = as[j], as[i] })
			s2 := *s
			s2.Participants = ps
			scores := Compute(&s2, vs, as, prev)
			if mi := improved(scores); mi != wantImproved {
				t.Fatalf("trial %d, permutation %d: most improved %d, want %d", trial, perm, mi, wantImproved)
			}
			got := snapshot(scores)
			if !reflect.DeepEqual(got, want) {
				for u := range want {
					if !reflect.DeepEqual(got[u], want[u]) {
						t.Errorf("trial %d, permutation %d, unit %d:\n got %+v\nwant %+v", trial, perm, u, got[u], want[u])
					}
				}
				t.FailNow()
			}
		}
	}
}

// Awards and honours.

func period(y, n int) ding.SchemePeriod {
	return ding.SchemePeriod{Kind: ding.SchemeQuarterly, Year: y, N: n}
}

// result is a period in which the listed units hold the flag; units 1 and 2 take part, and
// a flag holder scores 90 points, the other 80.
func result(p ding.SchemePeriod, flags ...int64) PeriodResult {
	r := PeriodResult{Period: p}
	for u := int64(1); u <= 2; u++ {
		sc := &ding.Score{UnitID: u, UnitName: fmt.Sprint("单位", u), Total: 8000, Rank: 2}
		if slices.Contains(flags, u) {
			sc.Total, sc.Rank, sc.Flag = 9000, 1, true
		}
		r.Scores = append(r.Scores, sc)
	}
	return r
}

func TestAwardsAndHonours(t *testing.T) {
	s := &ding.Scheme{ID: 3, Name: "季比拼", FlagName: "流动红旗", Period: ding.SchemeQuarterly, FlagCount: 1}
	results := []PeriodResult{
		// Out of order on purpose.
		result(period(2023, 2), 1),
		result(period(2022, 1), 2),
		result(period(2022, 2), 2),
		// 2022-Q3 was never locked: the streaks break.
		result(period(2022, 4), 1, 2), // tied
		result(period(2023, 1), 1, 2),
		result(period(2023, 3), 1, 2),
		result(period(2023, 4), 1),
		result(period(2024, 1), 1),
		result(period(2024, 2), 1),
		result(period(2024, 3), 1),
	}
	type aw struct {
		period string
		unit   int64
		streak int
	}
	var got []aw
	for _, a := range Awards(s, results) {
		got = append(got, aw{a.Period.String(), a.UnitID, a.Streak})
		if a.SchemeID != 3 || a.FlagName != "流动红旗" || a.SchemeName != "季比拼" || a.Total != 9000 || a.Rank != 1 || a.UnitName == "" {
			t.Errorf("award: %+v", a)
		}
	}
	want := []aw{
		{"2022-Q1", 2, 1},
		{"2022-Q2", 2, 2},
		{"2022-Q4", 1, 1},
		{"2022-Q4", 2, 1}, // a gap resets the streak
		{"2023-Q1", 1, 2},
		{"2023-Q1", 2, 2},
		{"2023-Q2", 1, 3},
		{"2023-Q3", 1, 4},
		{"2023-Q3", 2, 1}, // lost Q2: starts again
		{"2023-Q4", 1, 5},
		{"2024-Q1", 1, 6},
		{"2024-Q2", 1, 7},
		{"2024-Q3", 1, 8},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("awards:\n got %v\nwant %v", got, want)
	}

	type hon struct {
		year int
		unit int64
		kind string
		n    int
	}
	var hs []hon
	for _, h := range Honours(s, results) {
		hs = append(hs, hon{h.Year, h.UnitID, h.Kind, h.N})
		if h.SchemeID != 3 || h.UnitName != fmt.Sprint("单位", h.UnitID) {
			t.Errorf("honour: %+v", h)
		}
	}
	wantH := []hon{
		// 2022: three locked quarters, no 季季红 or 全年红; unit 2 held it twice running.
		{2022, 2, ding.HonourStreak, 2},
		// 2023: unit 1 won every quarter and the year; its run began in 2022-Q4.
		{2023, 1, ding.HonourEveryQuarter, 0},
		{2023, 1, ding.HonourYear, 0},
		{2023, 1, ding.HonourStreak, 5},
		{2023, 2, ding.HonourStreak, 2},
		// 2024: three quarters locked, all won: only the streak.
		{2024, 1, ding.HonourStreak, 8},
	}
	if !reflect.DeepEqual(hs, wantH) {
		t.Errorf("honours:\n got %v\nwant %v", hs, wantH)
	}

	// Without flags there are no awards and no honours.
	none := *s
	none.FlagCount = 0
	var plain []PeriodResult
	for q := 1; q <= 4; q++ {
		plain = append(plain, result(period(2023, q)))
	}
	if a, h := Awards(&none, plain), Honours(&none, plain); len(a) != 0 || len(h) != 0 {
		t.Errorf("no flags: %v %v", a, h)
	}
}

func TestHonoursYearly(t *testing.T) {
	s := &ding.Scheme{ID: 4, Period: ding.SchemeYearly, FlagCount: 1}
	y := func(year int, flags ...int64) PeriodResult {
		r := result(ding.SchemePeriod{Kind: ding.SchemeYearly, Year: year}, flags...)
		return r
	}
	hs := Honours(s, []PeriodResult{y(2021, 1), y(2022, 1), y(2023, 2)})
	var got []string
	for _, h := range hs {
		got = append(got, fmt.Sprint(h.Year, " ", h.UnitID, " ", h.Kind, " ", h.N))
	}
	want := []string{"2021 1 year 0", "2022 1 year 0", "2022 1 streak 2", "2023 2 year 0"}
	if !slices.Equal(got, want) {
		t.Errorf("yearly honours: %q, want %q", got, want)
	}
}

func TestHonoursYearPerGroup(t *testing.T) {
	// 全年红 sums a year's totals and is given per group.
	s := &ding.Scheme{ID: 5, Period: ding.SchemeQuarterly, FlagCount: 1}
	var rs []PeriodResult
	for q := 1; q <= 4; q++ {
		r := PeriodResult{Period: period(2023, q)}
		// Unit 1 wins three quarters narrowly, unit 2 one quarter by far: unit 2's year is better.
		t1, t2 := int64(9000), int64(8900)
		if q == 4 {
			t1, t2 = 5000, 9900
		}
		r.Scores = []*ding.Score{
			{UnitID: 1, Group: "乡镇", Total: t1, Flag: t1 > t2},
			{UnitID: 2, Group: "乡镇", Total: t2, Flag: t2 > t1},
			{UnitID: 3, Group: "园区", Total: 100, Flag: true},
		}
		rs = append(rs, r)
	}
	var got []string
	for _, h := range Honours(s, rs) {
		got = append(got, fmt.Sprint(h.UnitID, " ", h.Kind, " ", h.N))
	}
	want := []string{"3 every_quarter 0", "2 year 0", "3 year 0", "1 streak 3", "3 streak 4"}
	if !slices.Equal(got, want) {
		t.Errorf("honours: %q, want %q", got, want)
	}
}

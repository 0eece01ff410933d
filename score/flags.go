package score

import (
	"sort"

	"ding"
)

// PeriodResult is one locked period of a scheme with its scores.
type PeriodResult struct {
	Period ding.SchemePeriod
	Scores []*ding.Score
}

// Awards lists the flags of a scheme's locked periods, oldest first, each with its streak:
// how many consecutive periods (with no period missing in between) the unit has held the
// flag up to and including this one.
func Awards(s *ding.Scheme, results []PeriodResult) []ding.FlagAward {
	rs := sortedResults(results)
	var out []ding.FlagAward
	streak := map[int64]int{}
	var last ding.SchemePeriod
	for i, r := range rs {
		contiguous := i > 0 && last.Next() == r.Period
		won := map[int64]bool{}
		for _, sc := range r.Scores {
			if !sc.Flag {
				continue
			}
			won[sc.UnitID] = true
			n := 1
			if contiguous {
				n = streak[sc.UnitID] + 1
			}
			out = append(out, ding.FlagAward{SchemeID: s.ID, SchemeName: s.Name, FlagName: s.FlagName, Period: r.Period,
				UnitID: sc.UnitID, UnitName: sc.UnitName, Group: sc.Group, Rank: sc.Rank, Total: sc.Total, Streak: n})
		}
		next := map[int64]int{}
		for u := range won {
			if contiguous {
				next[u] = streak[u] + 1
			} else {
				next[u] = 1
			}
		}
		streak, last = next, r.Period
	}
	return out
}

// Honours lists the titles earned in each year of a scheme's locked periods:
//   - 季季红 (every_quarter): a quarterly scheme's flag in all four quarters of the year;
//   - 全年红 (year): the top FlagCount of each group by the total summed over all the
//     year's periods, once every period of the year is locked (for a yearly scheme: the
//     year's flag);
//   - 连续N次夺旗 (streak): the longest run of consecutive flags ending in the year, when
//     it is two or more.
func Honours(s *ding.Scheme, results []PeriodResult) []ding.Honour {
	rs := sortedResults(results)
	awards := Awards(s, rs)
	var out []ding.Honour
	years := map[int][]PeriodResult{}
	var order []int
	for _, r := range rs {
		if _, ok := years[r.Period.Year]; !ok {
			order = append(order, r.Period.Year)
		}
		years[r.Period.Year] = append(years[r.Period.Year], r)
	}
	for _, y := range order {
		yr := years[y]
		names := map[int64]string{}
		for _, r := range yr {
			for _, sc := range r.Scores {
				names[sc.UnitID] = sc.UnitName
			}
		}
		if s.Period == ding.SchemeQuarterly && len(yr) == 4 && s.FlagCount > 0 {
			count := map[int64]int{}
			for _, r := range yr {
				for _, sc := range r.Scores {
					if sc.Flag {
						count[sc.UnitID]++
					}
				}
			}
			for _, u := range sortedKeys(count) {
				if count[u] == 4 {
					out = append(out, ding.Honour{SchemeID: s.ID, Year: y, UnitID: u, UnitName: names[u], Kind: ding.HonourEveryQuarter})
				}
			}
		}
		if len(yr) == s.Period.PerYear() && s.FlagCount > 0 {
			total := map[int64]int64{}
			group := map[int64]string{}
			for _, r := range yr {
				for _, sc := range r.Scores {
					total[sc.UnitID] += sc.Total
					group[sc.UnitID] = sc.Group
				}
			}
			for _, u := range sortedKeys(total) {
				place := 1
				for v, t := range total {
					if group[v] == group[u] && t > total[u] {
						place++
					}
				}
				if place <= s.FlagCount {
					out = append(out, ding.Honour{SchemeID: s.ID, Year: y, UnitID: u, UnitName: names[u], Kind: ding.HonourYear})
				}
			}
		}
		best := map[int64]int{}
		for _, a := range awards {
			if a.Period.Year == y && a.Streak > best[a.UnitID] {
				best[a.UnitID] = a.Streak
			}
		}
		for _, u := range sortedKeys(best) {
			if best[u] >= 2 {
				out = append(out, ding.Honour{SchemeID: s.ID, Year: y, UnitID: u, UnitName: names[u], Kind: ding.HonourStreak, N: best[u]})
			}
		}
	}
	return out
}

func sortedResults(results []PeriodResult) []PeriodResult {
	rs := append([]PeriodResult(nil), results...)
	sort.Slice(rs, func(i, j int) bool {
		a, b := rs[i].Period, rs[j].Period
		if a.Year != b.Year {
			return a.Year < b.Year
		}
		return a.N < b.N
	})
	return rs
}

func sortedKeys[V any](m map[int64]V) []int64 {
	ks := make([]int64, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool { return ks[i] < ks[j] })
	return ks
}

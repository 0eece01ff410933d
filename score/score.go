// Package score computes competition results (季比拼, 年度考核) from a scheme and a data
// cut: pure functions of their inputs, so that the same cut always gives the same scores
// and the order participants are listed in changes nothing.
//
// Each item is scored within the participant's peer group:
//   - rank (争先进位计分法): the best figure gets the full weight, each place below loses
//     Step of it (5 % by default, never below zero); ties share a place and its points.
//   - target: the full weight when the annual target is met (completion ≥ 100 %), else 0.
//   - target_prop: weight × completion, capped at Cap (100 % by default), not below 0.
//   - ratio: weight × figure ÷ Benchmark (Benchmark ÷ figure when less is better), capped.
//   - minmax: weight × (20 + 80 × (x − min) ÷ (max − min)) ÷ 100; when every figure is
//     equal (one participant, or all the same) each gets the full weight.
//
// A participant without the figure gets 0 on the item and is marked missing; it takes no
// place. An exempted item (force majeure) is scored at the average of the group's
// participants scored normally (the full weight when there are none) and takes no place.
// Points are rounded once per item to hundredths (centi-points); totals are exact sums
// plus bonuses and minus penalties; the total ranks participants within their group.
package score

import (
	"math"
	"sort"

	"ding"
)

// Metric is the figure an item scores for one participant's values.
func Metric(it *ding.SchemeItem, v *ding.CutValue) ding.Ratio {
	if v == nil {
		return ding.Ratio{}
	}
	switch it.Basis {
	case ding.BasisGrowth:
		return ding.Growth(v.Actual, v.LastYear, v.HasActual, v.HasLastYear)
	case ding.BasisCompletion:
		return ding.Completion(v.Actual, v.Target, v.HasActual, v.HasTarget, it.HigherBetter)
	default:
		if !v.HasActual {
			return ding.Ratio{}
		}
		return ding.R(v.Actual, 1)
	}
}

// better orients a metric so that larger is better.
func better(it *ding.SchemeItem, r ding.Ratio) ding.Ratio {
	// Completion is already oriented (ding.Completion inverts it when less is better).
	if !it.HigherBetter && it.Basis != ding.BasisCompletion {
		r.Num = -r.Num
	}
	return r
}

// centi rounds points (in points × 100, as a float) once, half away from zero.
func centi(x float64) int64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	return int64(math.Round(x))
}

// Compute scores every participant of the scheme from the cut's values and adjustments.
// prevRanks holds last period's ranks by unit (nil: none). Scores come back in the
// scheme's group order, then by rank, then by unit id.
func Compute(s *ding.Scheme, values []ding.CutValue, adjustments []*ding.Adjustment, prevRanks map[int64]int) []*ding.Score {
	type key struct{ item, unit int64 }
	vals := make(map[key]*ding.CutValue, len(values))
	for i := range values {
		v := &values[i]
		vals[key{v.ItemID, v.UnitID}] = v
	}
	exempt := map[key]bool{}
	adjust := map[int64]int64{}
	for _, a := range adjustments {
		if a.Kind == ding.AdjustExempt {
			exempt[key{a.ItemID, a.UnitID}] = true
		} else {
			adjust[a.UnitID] += a.Signed()
		}
	}
	var out []*ding.Score
	for _, group := range s.Groups() {
		var scores []*ding.Score
		for _, p := range s.Participants {
			if p.Group != group {
				continue
			}
			sc := &ding.Score{UnitID: p.UnitID, UnitName: p.UnitName, Group: group, Adjust: adjust[p.UnitID], PrevRank: prevRanks[p.UnitID]}
			sc.Items = make([]ding.ItemScore, len(s.Items))
			scores = append(scores, sc)
		}
		for i := range s.Items {
			it := &s.Items[i]
			var scored []*ding.ItemScore
			for _, sc := range scores {
				is := &sc.Items[i]
				is.ItemID = it.ID
				is.Metric = Metric(it, vals[key{it.ID, sc.UnitID}])
				switch {
				case exempt[key{it.ID, sc.UnitID}]:
					is.Exempt = true
				case !is.Metric.OK:
					is.Missing = true
				default:
					scored = append(scored, is)
				}
			}
			scoreItem(it, scored)
			// Exempted participants get the average of those scored normally.
			var sum int64
			for _, is := range scored {
				sum += is.Points
			}
			avg := it.Weight
			if len(scored) > 0 {
				avg = centi(float64(sum) / float64(len(scored)))
			}
			for _, sc := range scores {
				if sc.Items[i].Exempt {
					sc.Items[i].Points = avg
				}
			}
		}
		for _, sc := range scores {
			sc.Total = sc.Adjust
			for _, is := range sc.Items {
				sc.Total += is.Points
			}
		}
		for _, a := range scores {
			a.Rank = 1
			for _, b := range scores {
				if b.Total > a.Total {
					a.Rank++
				}
			}
		}
		sort.SliceStable(scores, func(i, j int) bool {
			if scores[i].Rank != scores[j].Rank {
				return scores[i].Rank < scores[j].Rank
			}
			return scores[i].UnitID < scores[j].UnitID
		})
		if s.FlagCount > 0 {
			for _, sc := range scores {
				sc.Flag = sc.Rank <= s.FlagCount
			}
		}
		out = append(out, scores...)
	}
	return out
}

// scoreItem gives points to the participants that have the item's figure.
func scoreItem(it *ding.SchemeItem, scored []*ding.ItemScore) {
	w := float64(it.Weight)
	keys := make([]ding.Ratio, len(scored))
	for i, is := range scored {
		keys[i] = better(it, is.Metric)
	}
	// Places: 1 + how many are strictly better; ties share.
	for i, is := range scored {
		is.Place = 1
		for j := range scored {
			if keys[i].Less(keys[j]) {
				is.Place++
			}
		}
	}
	capOf := func() float64 {
		if it.Cap <= 0 {
			return 1
		}
		return float64(it.Cap) / 10000
	}
	switch it.Method {
	case ding.MethodRank:
		step := float64(it.Step) / 10000
		for _, is := range scored {
			f := 1 - step*float64(is.Place-1)
			is.Points = centi(w * math.Max(f, 0))
		}
	case ding.MethodTarget:
		for _, is := range scored {
			if is.Metric.Num >= is.Metric.Den {
				is.Points = it.Weight
			}
		}
	case ding.MethodTargetProp:
		for _, is := range scored {
			f := math.Min(math.Max(is.Metric.Float(), 0), capOf())
			is.Points = centi(w * f)
		}
	case ding.MethodRatio:
		bench := float64(it.Benchmark)
		if it.Basis != ding.BasisValue {
			bench /= 10000 // basis points → fraction
		}
		for _, is := range scored {
			x := is.Metric.Float()
			var f float64
			if it.HigherBetter || it.Basis == ding.BasisCompletion {
				f = x / bench
			} else if x > 0 {
				f = bench / x
			} else {
				f = math.Inf(1) // less is better and there is none (or a fall): the cap
			}
			is.Points = centi(w * math.Min(math.Max(f, 0), capOf()))
		}
	case ding.MethodMinMax:
		if len(scored) == 0 {
			return
		}
		lo, hi := keys[0], keys[0]
		for _, k := range keys[1:] {
			if k.Less(lo) {
				lo = k
			}
			if hi.Less(k) {
				hi = k
			}
		}
		for i, is := range scored {
			if lo.Cmp(hi) == 0 {
				is.Points = it.Weight
				continue
			}
			f := (keys[i].Float() - lo.Float()) / (hi.Float() - lo.Float())
			is.Points = centi(w * (20 + 80*f) / 100)
		}
	}
}

// MostImproved returns the score that rose the most places since last period (the higher
// total breaks a tie, then the lower unit id); nil when nobody rose.
func MostImproved(scores []*ding.Score) *ding.Score {
	var best *ding.Score
	for _, sc := range scores {
		c := sc.RankChange()
		if c <= 0 {
			continue
		}
		if best == nil || c > best.RankChange() || c == best.RankChange() && (sc.Total > best.Total || sc.Total == best.Total && sc.UnitID < best.UnitID) {
			best = sc
		}
	}
	return best
}

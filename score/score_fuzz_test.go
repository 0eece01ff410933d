package score

import (
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"testing"

	"ding"
)

// fuzzBytes hands out the fuzzer's bytes as small numbers, zeros once they run out.
type fuzzBytes []byte

func (b *fuzzBytes) next() int64 {
	if len(*b) == 0 {
		return 0
	}
	v := int64(int8((*b)[0]))
	*b = (*b)[1:]
	return v
}

// FuzzCompute scores a scheme the fuzzer configures (JSON, as the API takes it; only schemes
// that validate are scored) on figures and adjustments drawn from data, and checks:
//   - every participant gets one score in its group, with one item score per item;
//   - an item's points are between 0 and the weight (times the cap for the capped methods);
//     a missing figure scores 0 and takes no place;
//   - the total is the items' points plus the adjustments, ranks are 1 + how many in the
//     group have a higher total, and the top FlagCount ranks hold the flag;
//   - listing the participants in another order changes no one's score.
func FuzzCompute(f *testing.F) {
	for _, s := range []string{
		`{"name":"季比拼","organizer_id":1,"period":"quarter","flag_count":2,"items":[` +
			`{"id":1,"indicator_id":10,"basis":"growth","method":"rank","weight":4000},` +
			`{"id":2,"indicator_id":11,"basis":"completion","method":"target","weight":3000},` +
			`{"id":3,"indicator_id":12,"basis":"value","method":"ratio","weight":2000,"benchmark":5000},` +
			`{"id":4,"indicator_id":13,"basis":"completion","method":"target_prop","weight":500,"cap":12000},` +
			`{"id":5,"indicator_id":14,"basis":"growth","method":"minmax","weight":500}],` +
			`"participants":[{"unit_id":1,"group":"乡镇"},{"unit_id":2,"group":"乡镇"},{"unit_id":3,"group":"园区"},{"unit_id":4,"group":"乡镇"}]}`,
		`{"name":"x","organizer_id":1,"items":[{"id":1,"indicator_id":1,"basis":"value","method":"ratio","weight":10000,"benchmark":1,"cap":100000}],` +
			`"participants":[{"unit_id":1},{"unit_id":2},{"unit_id":3}]}`,
		`{"name":"x","organizer_id":1,"flag_count":50,"items":[{"id":1,"indicator_id":1,"basis":"growth","method":"rank","step":10000,"weight":10000}],` +
			`"participants":[{"unit_id":1},{"unit_id":2},{"unit_id":3}]}`,
	} {
		f.Add([]byte(s), []byte{1, 2, 3, 0x80, 0x7f, 0xff, 9, 9, 9, 0, 1, 0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	}
	f.Fuzz(func(t *testing.T, config, data []byte) {
		var s ding.Scheme
		if json.Unmarshal(config, &s) != nil {
			return
		}
		s.Normalize()
		if s.Validate() != nil {
			return
		}
		for i := range s.Items {
			s.Items[i].ID = int64(i + 1)
		}
		b := fuzzBytes(data)
		var values []ding.CutValue
		for _, it := range s.Items {
			for _, p := range s.Participants {
				flags := b.next()
				scale := []int64{1, 1000, 100_000_000, 10_000_000_000_000}[flags&3]
				values = append(values, ding.CutValue{ItemID: it.ID, UnitID: p.UnitID,
					Actual: b.next() * scale, HasActual: flags&4 == 0, Target: b.next() * scale, HasTarget: flags&8 == 0,
					LastYear: b.next() * scale, HasLastYear: flags&16 == 0})
			}
		}
		var adjs []*ding.Adjustment
		for n := b.next() & 7; n > 0; n-- {
			p := s.Participants[int(uint8(b.next()))%len(s.Participants)]
			a := &ding.Adjustment{UnitID: p.UnitID, Kind: []string{ding.AdjustBonus, ding.AdjustPenalty, ding.AdjustExempt}[uint8(b.next())%3],
				Points: 1 + b.next()&0x7f*50}
			if a.Kind == ding.AdjustExempt {
				a.ItemID, a.Points = s.Items[int(uint8(b.next()))%len(s.Items)].ID, 0
			}
			adjs = append(adjs, a)
		}
		prev := map[int64]int{s.Participants[0].UnitID: 1}
		scores := Compute(&s, values, adjs, prev)
		checkScores(t, &s, adjs, scores)
		// Another order of the participants and of the figures changes nothing.
		r := s
		r.Participants = slices.Clone(s.Participants)
		slices.Reverse(r.Participants)
		rv := slices.Clone(values)
		slices.Reverse(rv)
		again := byUnit(Compute(&r, rv, adjs, prev))
		for _, sc := range scores {
			if !reflect.DeepEqual(again[sc.UnitID], sc) {
				t.Fatalf("%s: unit %d scores %+v, in another order %+v", config, sc.UnitID, sc, again[sc.UnitID])
			}
		}
	})
}

func checkScores(t *testing.T, s *ding.Scheme, adjs []*ding.Adjustment, scores []*ding.Score) {
	t.Helper()
	if len(scores) != len(s.Participants) {
		t.Fatalf("%d scores of %d participants", len(scores), len(s.Participants))
	}
	adjust := map[int64]int64{}
	for _, a := range adjs {
		adjust[a.UnitID] += a.Signed()
	}
	groups := map[string][]*ding.Score{}
	seen := map[int64]bool{}
	for _, sc := range scores {
		if seen[sc.UnitID] || len(sc.Items) != len(s.Items) {
			t.Fatalf("score %+v", sc)
		}
		seen[sc.UnitID] = true
		groups[sc.Group] = append(groups[sc.Group], sc)
		total := adjust[sc.UnitID]
		if sc.Adjust != total {
			t.Fatalf("unit %d: adjustments %d, want %d", sc.UnitID, sc.Adjust, total)
		}
		for i, is := range sc.Items {
			it := s.Items[i]
			capf := 1.0
			if (it.Method == ding.MethodTargetProp || it.Method == ding.MethodRatio) && it.Cap > 0 {
				capf = float64(it.Cap) / 10000
			}
			if is.Points < 0 || float64(is.Points) > math.Ceil(float64(it.Weight)*capf) {
				t.Fatalf("unit %d item %d (%s, weight %d, cap %d): %d points", sc.UnitID, it.ID, it.Method, it.Weight, it.Cap, is.Points)
			}
			if is.Missing && (is.Points != 0 || is.Place != 0 || is.Exempt) {
				t.Fatalf("unit %d item %d: missing but %+v", sc.UnitID, it.ID, is)
			}
			total += is.Points
		}
		if sc.Total != total {
			t.Fatalf("unit %d: total %d, items and adjustments add up to %d", sc.UnitID, sc.Total, total)
		}
	}
	for g, list := range groups {
		for _, a := range list {
			rank := 1
			for _, b := range list {
				if b.Total > a.Total {
					rank++
				}
			}
			if a.Rank != rank {
				t.Fatalf("group %q: unit %d of total %d ranks %d, want %d", g, a.UnitID, a.Total, a.Rank, rank)
			}
			if s.FlagCount > 0 && a.Flag != (a.Rank <= s.FlagCount) || s.FlagCount == 0 && a.Flag {
				t.Fatalf("group %q: unit %d ranks %d, flag %v of %d", g, a.UnitID, a.Rank, a.Flag, s.FlagCount)
			}
		}
	}
}

package ding

import (
	"encoding/json"
	"slices"
	"testing"
)

// schemeFields are the fields a scheme's validation error may name.
var schemeFields = []string{"name", "note", "flag_name", "organizer_id", "period", "total_points", "flag_count", "items", "participants"}

// FuzzSchemeJSON reads a competition scheme as the API takes it (JSON), normalizes and
// validates it, and checks:
//   - a refusal is an invalid-input error on one of the scheme's fields;
//   - Normalize is idempotent;
//   - an accepted scheme's weights are each positive, at most the total, and add up to it
//     (no overflow makes huge weights add up), each indicator is scored once and each unit
//     takes part once;
//   - it survives a JSON round trip unchanged and still validates.
func FuzzSchemeJSON(f *testing.F) {
	good := goodScheme()
	b, err := json.Marshal(good)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	for _, s := range []string{`{}`, `null`, `{"name":"x","organizer_id":1}`,
		`{"name":"x","organizer_id":1,"period":"year","items":[{"indicator_id":1,"method":"rank","weight":10000}],"participants":[{"unit_id":1}]}`,
		// Weights that add up to the total only through int64 overflow.
		`{"name":"x","organizer_id":1,"total_points":10000,"items":[{"indicator_id":1,"method":"rank","weight":9223372036854775807},` +
			`{"indicator_id":2,"method":"rank","weight":9223372036854775807},{"indicator_id":3,"method":"rank","weight":10002}],"participants":[{"unit_id":1}]}`,
		`{"name":"x","organizer_id":1,"items":[{"indicator_id":1,"method":"ratio","basis":"value","weight":10000}],"participants":[{"unit_id":1},{"unit_id":1}]}`,
		`{"name":"x","organizer_id":1,"items":[{"indicator_id":1,"method":"target","basis":"growth","weight":10000}],"participants":[{"unit_id":1,"group":"  "}]}`,
		`{"name":"x","organizer_id":1,"flag_count":51,"items":[],"participants":[]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var s Scheme
		if json.Unmarshal(data, &s) != nil {
			return
		}
		s.Normalize()
		once, _ := json.Marshal(s)
		s.Normalize()
		if twice, _ := json.Marshal(s); string(twice) != string(once) {
			t.Fatalf("%s: Normalize is not idempotent:\n%s\n%s", data, once, twice)
		}
		if err := s.Validate(); err != nil {
			if e := AsError(err); e.Code != EINVALID || !slices.Contains(schemeFields, e.Field) {
				t.Fatalf("%s: %v (field %q)", data, err, e.Field)
			}
			return
		}
		var sum int64
		inds, units := map[int64]bool{}, map[int64]bool{}
		for _, it := range s.Items {
			if it.Weight <= 0 || it.Weight > s.TotalPoints || inds[it.IndicatorID] {
				t.Fatalf("%s: accepted item %+v of a scheme of %d points", data, it, s.TotalPoints)
			}
			inds[it.IndicatorID] = true
			sum += it.Weight
		}
		if sum != s.TotalPoints {
			t.Fatalf("%s: accepted weights adding up to %d, not %d", data, sum, s.TotalPoints)
		}
		for _, p := range s.Participants {
			if units[p.UnitID] {
				t.Fatalf("%s: unit %d takes part twice", data, p.UnitID)
			}
			units[p.UnitID] = true
		}
		if len(s.Groups()) > len(s.Participants) {
			t.Fatalf("%s: %d groups of %d participants", data, len(s.Groups()), len(s.Participants))
		}
		out, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var back Scheme
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatal(err)
		}
		back.Normalize()
		if err := back.Validate(); err != nil {
			t.Fatalf("%s: valid, then not after a round trip: %v", data, err)
		}
		if again, _ := json.Marshal(back); string(again) != string(out) {
			t.Fatalf("%s: round trip\n got %s\nwant %s", data, again, out)
		}
	})
}

// FuzzColourScheme reads a colour scheme (JSON, as the settings API takes it) and checks
// that an accepted one ranks its colours 1..n, each key once, so that Above climbs to the
// most severe colour and Worst picks it.
func FuzzColourScheme(f *testing.F) {
	b, _ := json.Marshal(DefaultColours)
	f.Add(b)
	for _, s := range []string{`[]`, `null`, `[{"key":"red","name":"红","rank":1}]`, `[{"key":"a","name":"A","rank":1},{"key":"a","name":"B","rank":2}]`,
		`[{"key":"a","name":"A","rank":2},{"key":"b","name":"B","rank":2}]`, `[{"key":"a","name":" ","rank":1}]`, `[{"key":"","name":"x","rank":1}]`,
		`[{"key":"a","name":"A","rank":0}]`, `[{"key":"a","name":"A","rank":3},{"key":"b","name":"B","rank":1}]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var cs ColourScheme
		if json.Unmarshal(data, &cs) != nil {
			return
		}
		if err := cs.Validate(); err != nil {
			if e := AsError(err); e.Code != EINVALID || e.Field != "colours" {
				t.Fatalf("%s: %v", data, err)
			}
			return
		}
		keys := make([]Colour, len(cs))
		var top Colour
		for i, l := range cs {
			keys[i] = l.Key
			if r := cs.Rank(l.Key); r != l.Rank || r < 1 || r > len(cs) {
				t.Fatalf("%s: %q ranks %d", data, l.Key, r)
			}
			if l.Rank == len(cs) {
				top = l.Key
			}
		}
		if w := cs.Worst(keys...); w != top {
			t.Fatalf("%s: the worst colour is %q, not %q", data, w, top)
		}
		for _, l := range cs {
			c := l.Key
			for range cs {
				c = cs.Above(c)
			}
			if c != top {
				t.Fatalf("%s: climbing from %q ends at %q, not %q", data, l.Key, c, top)
			}
			if l.Rank < len(cs) && cs.Rank(cs.Above(l.Key)) != l.Rank+1 {
				t.Fatalf("%s: above %q is %q", data, l.Key, cs.Above(l.Key))
			}
		}
	})
}

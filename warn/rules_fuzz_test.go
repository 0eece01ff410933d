package warn

import (
	"encoding/json"
	"math"
	"slices"
	"testing"
	"time"

	"ding"
)

// ruleFields are the fields a rule's validation error may name.
var ruleFields = []string{"name", "kind", "measure", "timing", "item", "thresholds", "persistence", "scope"}

// FuzzRule reads a warning rule's configuration as the API takes it (JSON) and checks:
//   - a rule Validate refuses names one of the rule's fields, as an invalid-input error;
//   - a rule Validate accepts survives a JSON round trip unchanged and still validates;
//   - its thresholds nest: when a colour's threshold holds, so do those of every milder
//     colour, and the colour the engine gives is never milder for a worse value;
//   - the engine evaluates it on a project built from the other inputs without panicking,
//     and every warning it gives has a colour of the scheme and a reason in the catalog.
func FuzzRule(f *testing.F) {
	for _, r := range DefaultRules() {
		b, err := json.Marshal(r)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, 10.0, int64(10_000*10_000), int64(3_120*10_000), int16(151), uint8(4))
	}
	for _, s := range []string{`{}`, `{"name":"x","kind":"invest_lag","thresholds":[{"colour":"red","min":1}]}`,
		`{"name":"x","kind":"milestone","thresholds":[{"colour":"red","min":5},{"colour":"yellow","min":5,"strict":true}]}`,
		`{"name":"x","kind":"stage_stale","scope":{"stages":["started"]},"thresholds":[{"colour":"red","min":1}]}`,
		`{"name":"x","kind":"start_overdue","scope":{"tiers":[7]},"thresholds":[{"colour":"blue","min":-1e308}]}`,
		`{"name":" ","kind":"item_overdue","persistence":25,"thresholds":[{"colour":"blue","min":0}]}`,
		`{"name":"x","kind":"invest_lag","params":{"measure":"ratio","timing":"day"},"thresholds":[{"colour":"yellow","min":0.8,"strict":true},{"colour":"red","min":0.8}]}`,
		`null`, `[]`, `{"thresholds":null}`} {
		f.Add([]byte(s), 0.0, int64(0), int64(0), int16(0), uint8(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, v float64, plan, done int64, days int16, stage uint8) {
		var r ding.Rule
		if json.Unmarshal(data, &r) != nil {
			return
		}
		if err := r.Validate(ding.DefaultColours); err != nil {
			if e := ding.AsError(err); e.Code != ding.EINVALID || !slices.Contains(ruleFields, e.Field) {
				t.Fatalf("%s: %v (field %q)", data, err, e.Field)
			}
			return
		}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var back ding.Rule
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		// An empty list and none are the same rule: compare what is written.
		again, err := json.Marshal(back)
		if err != nil || string(again) != string(b) {
			t.Fatalf("%s: round trip\n got %s\nwant %s", data, again, b)
		}
		if err := back.Validate(ding.DefaultColours); err != nil {
			t.Fatalf("%s: valid, then not after a round trip: %v", data, err)
		}
		checkNested(t, &r, v)
		r.Enabled = true
		st := fuzzState(plan, done, days, stage)
		today := ding.Date{Year: 2024, Month: time.June, Day: 30}.AddDays(int(days) % 400)
		ws := Evaluate(st, []ding.Rule{r}, Config{}, today)
		checkRender(t, ws)
		for _, w := range ws {
			if ding.DefaultColours.Rank(w.Colour) == 0 || w.Kind != r.Kind || w.ProjectID != st.Project.ID {
				t.Fatalf("%s: warning %+v", data, w)
			}
			if got := colourOf(&r, w.Value, ding.DefaultColours); got != w.Colour {
				t.Fatalf("%s: warning of value %v is %s, the thresholds say %s", data, w.Value, w.Colour, got)
			}
		}
	})
}

// holds says whether a threshold holds for v.
func holds(r *ding.Rule, t ding.Threshold, v float64) bool {
	if r.HigherIsWorse() {
		return v > t.Min || !t.Strict && v == t.Min
	}
	return v < t.Min || !t.Strict && v == t.Min
}

// checkNested checks a valid rule's thresholds around v and at each threshold's edges.
func checkNested(t *testing.T, r *ding.Rule, v float64) {
	t.Helper()
	cs := ding.DefaultColours
	probes := []float64{v}
	for _, th := range r.Thresholds {
		probes = append(probes, th.Min, math.Nextafter(th.Min, math.Inf(1)), math.Nextafter(th.Min, math.Inf(-1)))
	}
	probes = slices.DeleteFunc(probes, func(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) })
	slices.Sort(probes)
	if !r.HigherIsWorse() {
		slices.Reverse(probes) // from the best value to the worst
	}
	prev := 0
	for _, x := range probes {
		c := colourOf(r, x, cs)
		rank := cs.Rank(c)
		for _, th := range r.Thresholds {
			h := holds(r, th, x)
			if h && cs.Rank(th.Colour) > rank {
				t.Fatalf("at %v the %s threshold holds but the colour is %q", x, th.Colour, c)
			}
			if !h && cs.Rank(th.Colour) <= rank && cs.Rank(th.Colour) > 0 {
				t.Fatalf("at %v the colour is %q but the milder %s threshold does not hold", x, c, th.Colour)
			}
		}
		if rank < prev {
			t.Fatalf("at %v the colour %q is milder than at a better value", x, c)
		}
		prev = rank
	}
}

// fuzzState builds a project for the engine from the fuzzer's numbers, within what the
// store lets through (amounts below 10¹³ yuan).
func fuzzState(plan, done int64, days int16, stage uint8) *ProjectState {
	clamp := func(x int64) int64 {
		const limit = 10_000_000_000_000
		return min(max(x, -limit), limit)
	}
	base := ding.Date{Year: 2024, Month: time.January, Day: 31}
	d := base.AddDays(int(days))
	st := &ProjectState{
		Project: ding.Project{ID: 9, UnitID: 3, Stage: ding.AllStages[int(stage)%len(ding.AllStages)], TotalInvestment: clamp(plan),
			PlannedStart: d, StageOn: d},
		UnitPath:   []int64{3, 2, 1},
		Year:       2024,
		PlanTotal:  clamp(plan),
		Reported:   map[string]bool{"2024-01": true, "2024-03": done%2 == 0},
		LastUpdate: d,
		Milestones: []ding.Milestone{{ID: 1, Name: "节点", PlannedOn: d}, {ID: 2, Name: "节点二", PlannedOn: d.AddDays(-int(days) / 2)}},
		Items:      []ding.DeadlineItem{{Kind: "demand", ID: 4, Title: "诉求", Due: d}, {Kind: "action", ID: 5, Title: "事项", Due: base}},
	}
	if days%3 == 0 {
		st.Project.ActualStart = d.AddDays(-30)
	}
	for i := range st.Completed {
		st.Completed[i] = clamp(done) / int64(i+1)
		st.Planned[i] = clamp(plan) / 12
	}
	return st
}

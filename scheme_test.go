package ding

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestParseSchemePeriod(t *testing.T) {
	good := []struct {
		kind SchemePeriodKind
		in   string
		want SchemePeriod
		str  string
	}{
		{SchemeYearly, "2023", SchemePeriod{SchemeYearly, 2023, 0}, "2023"},
		{SchemeYearly, " 2023 ", SchemePeriod{SchemeYearly, 2023, 0}, "2023"},
		{SchemeQuarterly, "2023-Q1", SchemePeriod{SchemeQuarterly, 2023, 1}, "2023-Q1"},
		{SchemeQuarterly, "2023-q4", SchemePeriod{SchemeQuarterly, 2023, 4}, "2023-Q4"},
		{SchemeMonthly, "2023-03", SchemePeriod{SchemeMonthly, 2023, 3}, "2023-03"},
		{SchemeMonthly, "2023-12", SchemePeriod{SchemeMonthly, 2023, 12}, "2023-12"},
		{SchemeMonthly, "1990-01", SchemePeriod{SchemeMonthly, 1990, 1}, "1990-01"},
		{SchemeYearly, "2100", SchemePeriod{SchemeYearly, 2100, 0}, "2100"},
	}
	for _, c := range good {
		p, err := ParseSchemePeriod(c.kind, c.in)
		if err != nil || p != c.want || p.String() != c.str {
			t.Errorf("ParseSchemePeriod(%s, %q) = %+v %q, %v; want %+v", c.kind, c.in, p, p.String(), err, c.want)
		}
	}
	bad := []struct {
		kind SchemePeriodKind
		in   string
	}{
		{SchemeYearly, ""},
		{SchemeYearly, "23"},
		{SchemeYearly, "1989"},
		{SchemeYearly, "2101"},
		{SchemeYearly, "02023"},
		{SchemeYearly, "+2023"},
		{SchemeYearly, "2023-Q1"},
		{SchemeYearly, "2023-"},
		{SchemeYearly, "二〇二三"},
		{SchemeQuarterly, "2023"},
		{SchemeQuarterly, "2023-Q0"},
		{SchemeQuarterly, "2023-Q5"},
		{SchemeQuarterly, "2023-1"},
		{SchemeQuarterly, "2023-Q12"},
		{SchemeQuarterly, "2023-03"},
		{SchemeQuarterly, "Q1-2023"},
		{SchemeMonthly, "2023"},
		{SchemeMonthly, "2023-3"},
		{SchemeMonthly, "2023-00"},
		{SchemeMonthly, "2023-13"},
		{SchemeMonthly, "2023-003"},
		{SchemeMonthly, "2023-+3"},
		{SchemeMonthly, "2023- 3"},
		{SchemeMonthly, "2023-Q1"},
		{SchemeMonthly, "2023-03-01"},
		{"week", "2023"},
		{"", "2023"},
	}
	for _, c := range bad {
		p, err := ParseSchemePeriod(c.kind, c.in)
		if err == nil {
			t.Errorf("ParseSchemePeriod(%s, %q) = %+v, want an error", c.kind, c.in, p)
			continue
		}
		if e := wantErr(t, c.in, err, "scheme.period_invalid", ""); e != nil && e.Code != EINVALID {
			t.Errorf("%q: code %s", c.in, e.Code)
		}
	}
}

func TestSchemePeriodArithmetic(t *testing.T) {
	q := func(y, n int) SchemePeriod { return SchemePeriod{SchemeQuarterly, y, n} }
	m := func(y, n int) SchemePeriod { return SchemePeriod{SchemeMonthly, y, n} }
	y := func(y int) SchemePeriod { return SchemePeriod{SchemeYearly, y, 0} }
	steps := [][2]SchemePeriod{
		{q(2022, 4), q(2023, 1)},
		{q(2023, 1), q(2023, 2)},
		{q(2023, 3), q(2023, 4)},
		{m(2022, 12), m(2023, 1)},
		{m(2023, 1), m(2023, 2)},
		{m(2023, 11), m(2023, 12)},
		{y(2022), y(2023)},
	}
	for _, s := range steps {
		if got := s[0].Next(); got != s[1] {
			t.Errorf("%s.Next() = %s", s[0], got)
		}
		if got := s[1].Prev(); got != s[0] {
			t.Errorf("%s.Prev() = %s", s[1], got)
		}
	}
	// Walking a few years forward and back returns to the start.
	for _, p := range []SchemePeriod{q(2023, 2), m(2023, 7), y(2023)} {
		x := p
		for range 40 {
			x = x.Next()
		}
		for range 40 {
			x = x.Prev()
		}
		if x != p {
			t.Errorf("%s: 40 forward, 40 back = %s", p, x)
		}
	}
	ends := []struct {
		p     SchemePeriod
		month int
		end   string
	}{
		{q(2023, 1), 3, "2023-03-31"},
		{q(2023, 2), 6, "2023-06-30"},
		{q(2023, 3), 9, "2023-09-30"},
		{q(2023, 4), 12, "2023-12-31"},
		{m(2024, 2), 2, "2024-02-29"},
		{m(2023, 2), 2, "2023-02-28"},
		{m(2023, 12), 12, "2023-12-31"},
		{y(2023), 12, "2023-12-31"},
	}
	for _, c := range ends {
		if c.p.EndMonth() != c.month || c.p.End().String() != c.end {
			t.Errorf("%s: EndMonth %d End %s, want %d %s", c.p, c.p.EndMonth(), c.p.End(), c.month, c.end)
		}
	}
	if SchemeQuarterly.PerYear() != 4 || SchemeMonthly.PerYear() != 12 || SchemeYearly.PerYear() != 1 {
		t.Error("PerYear")
	}
	if !(SchemePeriod{}).IsZero() || q(2023, 1).IsZero() {
		t.Error("IsZero")
	}
}

func TestPoints(t *testing.T) {
	for c, want := range map[int64]string{9550: "95.5", 10000: "100", 0: "0", -500: "-5", 1: "0.01", -1: "-0.01", 12345: "123.45", 9500: "95"} {
		if got := Points(c); got != want {
			t.Errorf("Points(%d) = %q, want %q", c, got, want)
		}
	}
	for s, want := range map[string]int64{"12.5": 1250, "-5": -500, "100": 10000, "0.01": 1, "95.50": 9550, "5分": 500} {
		if got, err := ParsePoints(s); err != nil || got != want {
			t.Errorf("ParsePoints(%q) = %d, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "1.234", "abc", "5点"} {
		if _, err := ParsePoints(s); err == nil {
			t.Errorf("ParsePoints(%q) passes", s)
		} else {
			wantErr(t, s, err, "scheme.points_invalid", "")
		}
	}
}

func goodScheme() Scheme {
	return Scheme{
		Name: "2023 年季比拼", OrganizerID: 1, Period: SchemeQuarterly, FlagCount: 2,
		Items: []SchemeItem{
			{ID: 1, IndicatorID: 10, Basis: BasisGrowth, Method: MethodRank, Weight: 4000},
			{ID: 2, IndicatorID: 11, Basis: BasisCompletion, Method: MethodTarget, Weight: 3000},
			{ID: 3, IndicatorID: 12, Basis: BasisValue, Method: MethodRatio, Weight: 2000, Benchmark: 5_000_000_000},
			{ID: 4, IndicatorID: 13, Basis: BasisCompletion, Method: MethodTargetProp, Weight: 500, Cap: 12000},
			{ID: 5, IndicatorID: 14, Basis: BasisGrowth, Method: MethodMinMax, Weight: 500},
		},
		Participants: []Participant{{UnitID: 1, UnitName: "甲镇", Group: " 乡镇 "}, {UnitID: 2, UnitName: "乙镇", Group: "乡镇"}, {UnitID: 3, UnitName: "丙园区", Group: "园区"}},
	}
}

func TestSchemeValidate(t *testing.T) {
	s := goodScheme()
	s.Normalize()
	if err := s.Validate(); err != nil {
		t.Fatalf("good scheme: %v", err)
	}
	if s.TotalPoints != 10000 || s.FlagName != "流动红旗" || s.Items[0].Step != 500 || s.Participants[0].Group != "乡镇" {
		t.Errorf("Normalize: total %d flag %q step %d group %q", s.TotalPoints, s.FlagName, s.Items[0].Step, s.Participants[0].Group)
	}
	if g := s.Groups(); !slices.Equal(g, []string{"乡镇", "园区"}) {
		t.Errorf("Groups = %q", g)
	}
	n := Scheme{Items: []SchemeItem{{Method: MethodRank, Step: 1000}, {}}}
	n.Normalize()
	if n.Period != SchemeQuarterly || n.Items[0].Step != 1000 || n.Items[1].Basis != BasisGrowth || n.Items[1].Step != 0 {
		t.Errorf("Normalize defaults: %+v", n)
	}

	cases := []struct {
		name  string
		mod   func(*Scheme)
		key   string
		field string
		args  []any
	}{
		{"no name", func(s *Scheme) { s.Name = "" }, "field.required", "name", nil},
		{"long name", func(s *Scheme) { s.Name = strings.Repeat("比", 101) }, "field.too_long", "name", []any{100}},
		{"long note", func(s *Scheme) { s.Note = strings.Repeat("注", 2001) }, "field.too_long", "note", []any{2000}},
		{"no organizer", func(s *Scheme) { s.OrganizerID = 0 }, "field.required", "organizer_id", nil},
		{"bad period", func(s *Scheme) { s.Period = "week" }, "field.invalid", "period", nil},
		{"negative total", func(s *Scheme) { s.TotalPoints = -100 }, "scheme.total_invalid", "total_points", nil},
		{"total too big", func(s *Scheme) { s.TotalPoints = 100001 }, "scheme.total_invalid", "total_points", nil},
		{"negative flags", func(s *Scheme) { s.FlagCount = -1 }, "scheme.flag_count_invalid", "flag_count", nil},
		{"too many flags", func(s *Scheme) { s.FlagCount = 51 }, "scheme.flag_count_invalid", "flag_count", nil},
		{"no items", func(s *Scheme) { s.Items = nil }, "scheme.no_items", "items", nil},
		{"too many items", func(s *Scheme) {
			s.Items = nil
			for i := range 51 {
				s.Items = append(s.Items, SchemeItem{IndicatorID: int64(i + 1), Basis: BasisValue, Method: MethodMinMax, Weight: 1})
			}
		}, "scheme.too_many_items", "items", []any{50}},
		{"no participants", func(s *Scheme) { s.Participants = nil }, "scheme.no_participants", "participants", nil},
		{"too many participants", func(s *Scheme) {
			s.Participants = nil
			for i := range 501 {
				s.Participants = append(s.Participants, Participant{UnitID: int64(i + 1)})
			}
		}, "scheme.too_many_participants", "participants", []any{500}},
		{"weights add up to 95", func(s *Scheme) { s.Items[0].Weight = 3500 }, "scheme.weights_sum", "items", []any{"95", "100"}},
		{"weights add up to 100.5", func(s *Scheme) { s.Items[4].Weight = 550 }, "scheme.weights_sum", "items", []any{"100.5", "100"}},
		{"weights over a 120-point total", func(s *Scheme) { s.TotalPoints = 12000 }, "scheme.weights_sum", "items", []any{"100", "120"}},
		{"indicator used twice", func(s *Scheme) { s.Items[3].IndicatorID = 10 }, "scheme.indicator_twice", "items", []any{4}},
		{"no indicator", func(s *Scheme) { s.Items[1].IndicatorID = 0 }, "scheme.item_indicator", "items", []any{2}},
		{"zero weight", func(s *Scheme) { s.Items[2].Weight = 0 }, "scheme.item_weight", "items", []any{3}},
		{"negative weight", func(s *Scheme) { s.Items[0].Weight = -1 }, "scheme.item_weight", "items", []any{1}},
		{"bad basis", func(s *Scheme) { s.Items[0].Basis = "size" }, "scheme.item_basis", "items", []any{1}},
		{"bad method", func(s *Scheme) { s.Items[0].Method = "vote" }, "scheme.item_method", "items", []any{1}},
		{"negative step", func(s *Scheme) { s.Items[0].Step = -1 }, "scheme.item_step", "items", []any{1}},
		{"step over 100 %", func(s *Scheme) { s.Items[0].Step = 10001 }, "scheme.item_step", "items", []any{1}},
		{"negative cap", func(s *Scheme) { s.Items[3].Cap = -1 }, "scheme.item_cap", "items", []any{4}},
		{"cap over 1000 %", func(s *Scheme) { s.Items[2].Cap = 100001 }, "scheme.item_cap", "items", []any{3}},
		{"ratio without benchmark", func(s *Scheme) { s.Items[2].Benchmark = 0 }, "scheme.item_benchmark", "items", []any{3}},
		{"ratio with negative benchmark", func(s *Scheme) { s.Items[2].Benchmark = -5 }, "scheme.item_benchmark", "items", []any{3}},
		{"target on growth", func(s *Scheme) { s.Items[1].Basis = BasisGrowth }, "scheme.item_target_basis", "items", []any{2}},
		{"target on value", func(s *Scheme) { s.Items[1].Basis = BasisValue }, "scheme.item_target_basis", "items", []any{2}},
		{"target_prop on growth", func(s *Scheme) { s.Items[3].Basis = BasisGrowth }, "scheme.item_target_basis", "items", []any{4}},
		{"participant twice", func(s *Scheme) { s.Participants[2] = Participant{UnitID: 1, UnitName: "甲镇"} }, "scheme.participant_twice", "participants", []any{"甲镇"}},
		{"participant without unit", func(s *Scheme) { s.Participants[1].UnitID = 0 }, "field.required", "participants", nil},
		{"long group", func(s *Scheme) { s.Participants[1].Group = strings.Repeat("组", 41) }, "field.too_long", "participants", []any{40}},
	}
	for _, c := range cases {
		s := goodScheme()
		s.Normalize()
		c.mod(&s)
		e := wantErr(t, c.name, s.Validate(), c.key, c.field)
		if e != nil && fmt.Sprint(e.Args) != fmt.Sprint(c.args) {
			t.Errorf("%s: args %v, want %v", c.name, e.Args, c.args)
		}
	}
	// Other methods ignore the parameters they do not use.
	s = goodScheme()
	s.Normalize()
	s.Items[1].Cap, s.Items[1].Step, s.Items[4].Benchmark = -5, -5, -5
	if err := s.Validate(); err != nil {
		t.Errorf("unused parameters: %v", err)
	}
}

func TestAdjustmentValidate(t *testing.T) {
	good := func() Adjustment {
		return Adjustment{UnitID: 1, Kind: AdjustBonus, Points: 200, ItemID: 3, Reason: " 获省级表彰 ", Evidence: " 浙政发〔2023〕1号 "}
	}
	a := good()
	if err := a.Validate(); err != nil {
		t.Fatal(err)
	}
	if a.Reason != "获省级表彰" || a.Evidence != "浙政发〔2023〕1号" || a.ItemID != 0 || a.Signed() != 200 {
		t.Errorf("bonus after Validate: %+v", a)
	}
	p := good()
	p.Kind = AdjustPenalty
	if err := p.Validate(); err != nil || p.Signed() != -200 {
		t.Errorf("penalty: %v %d", err, p.Signed())
	}
	x := good()
	x.Kind = AdjustExempt
	if err := x.Validate(); err != nil || x.Points != 0 || x.ItemID != 3 || x.Signed() != 0 {
		t.Errorf("exempt: %v %+v", err, x)
	}
	max := good()
	max.Points = 10000
	if err := max.Validate(); err != nil {
		t.Errorf("100 points: %v", err)
	}

	cases := []struct {
		name  string
		mod   func(*Adjustment)
		key   string
		field string
	}{
		{"no unit", func(a *Adjustment) { a.UnitID = 0 }, "field.required", "unit_id"},
		{"bad kind", func(a *Adjustment) { a.Kind = "gift" }, "field.invalid", "kind"},
		{"no reason", func(a *Adjustment) { a.Reason = "  " }, "field.required", "reason"},
		{"long reason", func(a *Adjustment) { a.Reason = strings.Repeat("因", 501) }, "field.too_long", "reason"},
		{"no evidence", func(a *Adjustment) { a.Evidence = "" }, "scheme.evidence_required", "evidence"},
		{"long evidence", func(a *Adjustment) { a.Evidence = strings.Repeat("据", 501) }, "field.too_long", "evidence"},
		{"exempt without item", func(a *Adjustment) { a.Kind, a.ItemID = AdjustExempt, 0 }, "scheme.exempt_item", "item_id"},
		{"zero points", func(a *Adjustment) { a.Points = 0 }, "scheme.adjust_points", "points"},
		{"negative points", func(a *Adjustment) { a.Kind, a.Points = AdjustPenalty, -100 }, "scheme.adjust_points", "points"},
		{"over 100 points", func(a *Adjustment) { a.Points = 10001 }, "scheme.adjust_points", "points"},
	}
	for _, c := range cases {
		a := good()
		c.mod(&a)
		wantErr(t, c.name, a.Validate(), c.key, c.field)
	}
}

func goodContest() Contest {
	return Contest{
		Name: " 第一期擂台赛 ", OrganizerID: 1, Deadline: Date{2024, 3, 31}, Winners: 3,
		Criteria: []Criterion{{" 产业带动 ", 4000}, {"投资强度", 3000}, {"成熟度", 3000}},
		JudgeIDs: []int64{7, 8, 9},
	}
}

func TestContestValidate(t *testing.T) {
	c := goodContest()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Name != "第一期擂台赛" || c.Criteria[0].Name != "产业带动" || c.Total() != 10000 {
		t.Errorf("after Validate: %+v", c)
	}
	cases := []struct {
		name  string
		mod   func(*Contest)
		key   string
		field string
		args  []any
	}{
		{"no name", func(c *Contest) { c.Name = " " }, "field.required", "name", nil},
		{"long name", func(c *Contest) { c.Name = strings.Repeat("擂", 101) }, "field.too_long", "name", []any{100}},
		{"long note", func(c *Contest) { c.Note = strings.Repeat("注", 2001) }, "field.too_long", "note", []any{2000}},
		{"no organizer", func(c *Contest) { c.OrganizerID = 0 }, "field.required", "organizer_id", nil},
		{"no deadline", func(c *Contest) { c.Deadline = Date{} }, "field.required", "deadline", nil},
		{"no winners", func(c *Contest) { c.Winners = 0 }, "contest.winners_invalid", "winners", nil},
		{"too many winners", func(c *Contest) { c.Winners = 101 }, "contest.winners_invalid", "winners", nil},
		{"no criteria", func(c *Contest) { c.Criteria = nil }, "contest.criteria_count", "criteria", nil},
		{"21 criteria", func(c *Contest) {
			c.Criteria = nil
			for i := range 21 {
				c.Criteria = append(c.Criteria, Criterion{fmt.Sprint("项", i), 1})
			}
		}, "contest.criteria_count", "criteria", nil},
		{"no judges", func(c *Contest) { c.JudgeIDs = nil }, "contest.judges_required", "judge_ids", nil},
		{"criteria add up to 90", func(c *Contest) { c.Criteria[0].Weight = 3000 }, "scheme.weights_sum", "criteria", []any{"90", "100"}},
		{"criteria add up to 100.01", func(c *Contest) { c.Criteria[0].Weight = 4001 }, "scheme.weights_sum", "criteria", []any{"100.01", "100"}},
		{"criterion without a name", func(c *Contest) { c.Criteria[1].Name = "  " }, "contest.criterion_name", "criteria", []any{2}},
		{"long criterion name", func(c *Contest) { c.Criteria[2].Name = strings.Repeat("名", 51) }, "contest.criterion_name", "criteria", []any{3}},
		{"criterion twice", func(c *Contest) { c.Criteria[2].Name = "产业带动" }, "contest.criterion_twice", "criteria", []any{"产业带动"}},
		{"zero criterion", func(c *Contest) { c.Criteria[1].Weight = 0; c.Criteria[0].Weight = 7000 }, "contest.criterion_weight", "criteria", []any{2}},
		{"negative criterion", func(c *Contest) { c.Criteria[1].Weight = -1000; c.Criteria[0].Weight = 8000 }, "contest.criterion_weight", "criteria", []any{2}},
		{"judge twice", func(c *Contest) { c.JudgeIDs = []int64{7, 8, 7} }, "contest.judge_twice", "judge_ids", nil},
	}
	for _, k := range cases {
		c := goodContest()
		k.mod(&c)
		e := wantErr(t, k.name, c.Validate(), k.key, k.field)
		if e != nil && fmt.Sprint(e.Args) != fmt.Sprint(k.args) {
			t.Errorf("%s: args %v, want %v", k.name, e.Args, k.args)
		}
	}
}

func TestContestEntryValidate(t *testing.T) {
	good := func() ContestEntry {
		return ContestEntry{UnitID: 2, Name: " 智能装备产业园 ", Investment: 1_000_000_000, Industry: " c ", Content: "新建厂房 10 万平方米"}
	}
	e := good()
	if err := e.Validate(); err != nil || e.Industry != "C" || e.Name != "智能装备产业园" {
		t.Errorf("good entry: %v %+v", err, e)
	}
	cases := []struct {
		mod   func(*ContestEntry)
		key   string
		field string
	}{
		{func(e *ContestEntry) { e.UnitID = 0 }, "field.required", "unit_id"},
		{func(e *ContestEntry) { e.Name = "" }, "field.required", "name"},
		{func(e *ContestEntry) { e.Investment = 0 }, "contest.investment_required", "investment"},
		{func(e *ContestEntry) { e.Industry = "Z" }, "field.invalid", "industry"},
		{func(e *ContestEntry) { e.Industry = "CC" }, "field.invalid", "industry"},
		{func(e *ContestEntry) { e.Content = " " }, "field.required", "content"},
		{func(e *ContestEntry) { e.Chain = strings.Repeat("链", 51) }, "field.too_long", "chain"},
		{func(e *ContestEntry) { e.Maturity = strings.Repeat("熟", 501) }, "field.too_long", "maturity"},
	}
	for i, c := range cases {
		e := good()
		c.mod(&e)
		wantErr(t, fmt.Sprint("entry case ", i), e.Validate(), c.key, c.field)
	}
}

func TestJudgeScoreValidate(t *testing.T) {
	c := goodContest()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	j := JudgeScore{Marks: []int64{4000, 0, 2550}, Note: " 很好 "}
	if err := j.Validate(&c); err != nil || j.Total() != 6550 || j.Note != "很好" {
		t.Errorf("good marks: %v total %d", err, j.Total())
	}
	cases := []struct {
		marks []int64
		key   string
		args  []any
	}{
		{nil, "contest.marks_count", []any{3}},
		{[]int64{4000, 3000}, "contest.marks_count", []any{3}},
		{[]int64{4000, 3000, 3000, 0}, "contest.marks_count", []any{3}},
		{[]int64{4001, 0, 0}, "contest.mark_range", []any{"产业带动", "40"}},
		{[]int64{0, -1, 0}, "contest.mark_range", []any{"投资强度", "30"}},
		{[]int64{0, 0, 3001}, "contest.mark_range", []any{"成熟度", "30"}},
	}
	for _, k := range cases {
		j := JudgeScore{Marks: k.marks}
		e := wantErr(t, fmt.Sprint(k.marks), j.Validate(&c), k.key, "marks")
		if e != nil && fmt.Sprint(e.Args) != fmt.Sprint(k.args) {
			t.Errorf("%v: args %v, want %v", k.marks, e.Args, k.args)
		}
	}
	long := JudgeScore{Marks: []int64{0, 0, 0}, Note: strings.Repeat("评", 1001)}
	wantErr(t, "long note", long.Validate(&c), "field.too_long", "note")
}

package warn

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"ding"
	"ding/i18n"
)

func day(s string) ding.Date {
	d, err := ding.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// defRule returns the default rule with that name.
func defRule(t *testing.T, name string) ding.Rule {
	t.Helper()
	for _, r := range DefaultRules() {
		if r.Name == name {
			r.Enabled = true
			return r
		}
	}
	t.Fatalf("no default rule %q", name)
	return ding.Rule{}
}

// colourAt evaluates one rule and returns the colour and value of its only warning ("" and
// 0 when none); more than one warning is a failure.
func colourAt(t *testing.T, st *ProjectState, r ding.Rule, today string) (ding.Colour, float64, *ding.Warning) {
	t.Helper()
	ws := Evaluate(st, []ding.Rule{r}, Config{}, day(today))
	checkRender(t, ws)
	switch len(ws) {
	case 0:
		return "", 0, nil
	case 1:
		return ws[0].Colour, ws[0].Value, &ws[0]
	}
	t.Fatalf("%s on %s: %d warnings: %+v", r.Name, today, len(ws), ws)
	return "", 0, nil
}

// checkRender says every warning in both languages, catching missing keys and bad verbs.
func checkRender(t *testing.T, ws []ding.Warning) {
	t.Helper()
	for _, w := range ws {
		if !i18n.Has(w.Reason) {
			t.Errorf("reason %q is not in the catalog", w.Reason)
		}
		for _, lang := range []string{"zh", "en"} {
			if s := i18n.T(lang, w.Reason, w.Args...); strings.Contains(s, "%!") {
				t.Errorf("%s %s renders badly: %s", lang, w.Reason, s)
			}
		}
		for _, a := range w.Args {
			if _, ok := a.(string); !ok {
				t.Errorf("%s: argument %v is a %T, not a string", w.Reason, a, a)
			}
		}
	}
}

func TestDefaultRulesValidate(t *testing.T) {
	rs := DefaultRules()
	kinds := map[ding.RuleKind]bool{}
	for i := range rs {
		r := rs[i]
		if err := r.Validate(ding.DefaultColours); err != nil {
			t.Errorf("%s: %v", r.Name, err)
		}
		kinds[r.Kind] = true
		if r.Name == "投资滞后（比例）" && r.Enabled {
			t.Error("the ratio rule should be disabled by default")
		}
	}
	for _, k := range ding.RuleKinds {
		if !kinds[k] {
			t.Errorf("no default rule of kind %s", k)
		}
	}
	// Fresh slices per call: editing one result leaves the next alone.
	rs[0].Thresholds[0].Min = 99
	if DefaultRules()[0].Thresholds[0].Min == 99 {
		t.Error("DefaultRules shares its slices")
	}
}

func TestMonthsElapsed(t *testing.T) {
	for _, c := range []struct {
		d    string
		want int
	}{
		{"2024-01-01", 0}, {"2024-01-30", 0}, {"2024-01-31", 1}, {"2024-02-01", 1},
		{"2023-02-27", 1}, {"2023-02-28", 2}, {"2024-02-28", 1}, {"2024-02-29", 2},
		{"2024-05-30", 4}, {"2024-05-31", 5}, {"2024-06-01", 5}, {"2024-06-30", 6},
		{"2024-12-30", 11}, {"2024-12-31", 12},
	} {
		if got := monthsElapsed(day(c.d)); got != c.want {
			t.Errorf("monthsElapsed(%s) = %d, want %d", c.d, got, c.want)
		}
	}
}

func TestFullMonths(t *testing.T) {
	for _, c := range []struct {
		from, to string
		want     int
	}{
		{"2024-01-15", "2024-01-15", 0},
		{"2024-01-15", "2024-02-14", 0},
		{"2024-01-15", "2024-02-15", 1},
		{"2024-01-31", "2024-02-28", 0},
		{"2024-01-31", "2024-02-29", 1}, // no 31st in February: its last day completes the month
		{"2023-01-31", "2023-02-28", 1},
		{"2024-01-30", "2024-02-28", 0},
		{"2024-01-30", "2024-02-29", 1},
		{"2024-01-31", "2024-03-30", 1},
		{"2024-01-31", "2024-03-31", 2},
		{"2024-02-29", "2024-03-28", 0},
		{"2024-02-29", "2024-03-29", 1},
		{"2024-02-29", "2025-02-28", 12},
		{"2023-12-20", "2024-01-19", 0},
		{"2023-12-20", "2024-01-20", 1},
		{"2024-03-10", "2024-02-10", -1},
	} {
		if got := fullMonths(day(c.from), day(c.to)); got != c.want {
			t.Errorf("fullMonths(%s, %s) = %d, want %d", c.from, c.to, got, c.want)
		}
	}
}

func TestRoundDiv(t *testing.T) {
	for _, c := range []struct{ num, mul, den, want int64 }{
		{1, 1000, 3, 333}, {2, 1000, 3, 667}, {1, 5, 10, 1}, {-1, 5, 10, -1}, {-1, 4, 10, 0},
		{5, 1000, 12, 417}, {0, 1000, 7, 0},
		// 10,000亿 plans times 366 days times 1000 do not fit in int64 on the way.
		{366 * 1_000_000_000_000_000 / 100, 1000, 366 * 1_000_000_000_000_000 / 100, 1000},
		{1 << 62, 1000, 1, 1<<63 - 1},
	} {
		if got := roundDiv(c.num, c.mul, c.den); got != c.want {
			t.Errorf("roundDiv(%d, %d, %d) = %d, want %d", c.num, c.mul, c.den, got, c.want)
		}
	}
}

func lagState(plan int64, completed map[int]int64) *ProjectState {
	st := &ProjectState{Project: ding.Project{ID: 7, Stage: ding.StageStarted}, Year: 2024, PlanTotal: plan}
	for m, v := range completed {
		st.Completed[m-1] = v
	}
	return st
}

// The worked example, to the character.
func TestInvestLagWorkedExample(t *testing.T) {
	st := lagState(10_000*10_000, map[int]int64{1: 500 * 10_000, 2: 420 * 10_000, 3: 800 * 10_000, 4: 700 * 10_000, 5: 700 * 10_000, 6: 9_999 * 10_000})
	c, v, w := colourAt(t, st, defRule(t, "投资滞后（百分点，按月）"), "2024-05-31")
	if c != "yellow" || v != 10.5 {
		t.Fatalf("colour %q value %v", c, v)
	}
	want := "1—5月累计完成 3,120 万元，占年度计划 31.2%，时序进度 41.7%，落后 10.5 个百分点"
	if got := i18n.T("zh", w.Reason, w.Args...); got != want {
		t.Errorf("reason:\n got %s\nwant %s", got, want)
	}
	if w.ProjectID != 7 || w.Kind != ding.RuleInvestLag || w.RuleName != "投资滞后（百分点，按月）" || w.SubjectKey != "" {
		t.Errorf("warning %+v", w)
	}
	// The ratio variant of the same figures: 31.2 ÷ 41.67 = 74.9%.
	r := defRule(t, "投资滞后（比例）")
	c, v, w = colourAt(t, st, r, "2024-05-31")
	if c != "yellow" || v != 0.749 {
		t.Fatalf("ratio: colour %q value %v", c, v)
	}
	want = "1—5月累计完成 3,120 万元，占年度计划 31.2%，时序进度 41.7%，完成率为时序进度的 74.9%"
	if got := i18n.T("zh", w.Reason, w.Args...); got != want {
		t.Errorf("ratio reason:\n got %s\nwant %s", got, want)
	}
	// The day before, May is not over: 1—4月 against 33.3%, 2,420 万 = 24.2% → 9.1 behind.
	if c, v, _ := colourAt(t, st, defRule(t, "投资滞后（百分点，按月）"), "2024-05-30"); c != "" || v != 0 {
		t.Errorf("May 30: %q %v", c, v)
	}
}

func TestInvestLagPointsThresholds(t *testing.T) {
	r := defRule(t, "投资滞后（百分点，按月）")
	// End of June: 时序 50.0%; a plan of 1亿 makes 1% = 1,000,000 yuan.
	for _, c := range []struct {
		done  int64
		value float64
		want  ding.Colour
	}{
		{60_000_000, -10, ""},
		{50_000_000, 0, ""},
		{40_060_000, 9.9, ""},
		{40_050_000, 10, "yellow"}, // 9.95 is said "10.0" and judged as said
		{40_000_000, 10, "yellow"},
		{39_900_000, 10.1, "yellow"},
		{20_000_000, 30, "yellow"}, // red is more than 30
		{19_960_000, 30, "yellow"},
		{19_900_000, 30.1, "red"},
		{0, 50, "red"},
	} {
		st := lagState(100_000_000, map[int]int64{3: c.done, 7: 99_000_000})
		got, v, _ := colourAt(t, st, r, "2024-06-30")
		if got != c.want || (got != "" && v != c.value) {
			t.Errorf("completed %d: %q %v, want %q %v", c.done, got, v, c.want, c.value)
		}
	}
}

func TestInvestLagRatioThresholds(t *testing.T) {
	r := defRule(t, "投资滞后（比例）")
	for _, c := range []struct {
		done  int64
		value float64
		want  ding.Colour
	}{
		{50_000_000, 1, ""},
		{40_000_000, 0.8, ""}, // "below 80%" is strict
		{39_990_000, 0.8, ""}, // 79.98% is said 80.0%
		{39_950_000, 0.799, "yellow"},
		{30_000_000, 0.6, "yellow"},
		{29_950_000, 0.599, "red"},
		{0, 0, "red"},
	} {
		st := lagState(100_000_000, map[int]int64{6: c.done})
		got, v, _ := colourAt(t, st, r, "2024-06-30")
		if got != c.want || (got != "" && v != c.value) {
			t.Errorf("completed %d: %q %v, want %q %v", c.done, got, v, c.want, c.value)
		}
	}
}

func TestInvestLagCalendar(t *testing.T) {
	points := defRule(t, "投资滞后（百分点，按月）")
	ratio := defRule(t, "投资滞后（比例）")
	dayPoints, dayRatio := points, ratio
	dayPoints.Params.Timing, dayRatio.Params.Timing = "day", "day"
	nothing := lagState(100_000_000, nil)
	for _, c := range []struct {
		name  string
		r     ding.Rule
		st    *ProjectState
		today string
		want  ding.Colour
		args  string // the 时序 figure said
	}{
		// January 1 with month timing: nothing has elapsed, the ratio is undefined.
		{"jan1 points", points, nothing, "2024-01-01", "", ""},
		{"jan1 ratio", ratio, nothing, "2024-01-01", "", ""},
		{"jan30 ratio", ratio, nothing, "2024-01-30", "", ""},
		// January 31: one month of twelve, 8.3 points can never reach yellow; 0% of 时序 is red.
		{"jan31 points", points, nothing, "2024-01-31", "", ""},
		{"jan31 ratio", ratio, nothing, "2024-01-31", "red", "8.3"},
		// February's end in a leap year is the 29th.
		{"feb28 leap", points, nothing, "2024-02-28", "", ""},
		{"feb29 leap", points, nothing, "2024-02-29", "yellow", "16.7"},
		{"feb28 common", points, lagState(100_000_000, nil), "2023-02-28", "", ""}, // figures of 2024
		// Day timing: 2024-02-29 is day 60 of 366 = 16.4%; 2023-03-01 is day 60 of 365.
		{"day feb29", dayPoints, nothing, "2024-02-29", "yellow", "16.4"},
		{"day jan1", dayRatio, nothing, "2024-01-01", "red", "0.3"},
		{"day dec31", dayPoints, nothing, "2024-12-31", "red", "100.0"},
		{"dec31 month", points, nothing, "2024-12-31", "red", "100.0"},
		{"dec30 month", points, nothing, "2024-12-30", "red", "91.7"},
	} {
		got, _, w := colourAt(t, c.st, c.r, c.today)
		if got != c.want {
			t.Errorf("%s: colour %q, want %q", c.name, got, c.want)
			continue
		}
		if w != nil && w.Args[3] != c.args {
			t.Errorf("%s: 时序 %v, want %s", c.name, w.Args[3], c.args)
		}
	}
	// 2023 (common year) day 60 is March 1: 16.4% as well, but of 365 days.
	st := lagState(100_000_000, nil)
	st.Year = 2023
	if _, _, w := colourAt(t, st, dayPoints, "2023-03-01"); w == nil || w.Args[3] != "16.4" || w.Args[0] != "2023-03-01" {
		t.Errorf("2023-03-01 day timing: %+v", w)
	}
	if _, _, w := colourAt(t, st, dayPoints, "2023-12-31"); w == nil || w.Args[3] != "100.0" {
		t.Errorf("2023-12-31 day timing: %+v", w)
	}
	// Day timing counts the current month's completion: 20% done by Feb 29 (16.4%) is ahead.
	if c, _, _ := colourAt(t, lagState(100_000_000, map[int]int64{2: 20_000_000}), dayPoints, "2024-02-29"); c != "" {
		t.Errorf("ahead by day: %q", c)
	}
	// No plan, or figures of another year: nothing to judge.
	if c, _, _ := colourAt(t, lagState(0, nil), points, "2024-06-30"); c != "" {
		t.Errorf("no plan: %q", c)
	}
	if c, _, _ := colourAt(t, nothing, points, "2025-06-30"); c != "" {
		t.Errorf("last year's figures: %q", c)
	}
	// The day sentence.
	_, _, w := colourAt(t, lagState(100_000_000, map[int]int64{1: 5_000_000}), dayPoints, "2024-02-29")
	if got, want := i18n.T("zh", w.Reason, w.Args...), "截至 2024-02-29 累计完成 500 万元，占年度计划 5.0%，时序进度（按天）16.4%，落后 11.4 个百分点"; got != want {
		t.Errorf("day reason:\n got %s\nwant %s", got, want)
	}
}

func TestStartOverdue(t *testing.T) {
	r := defRule(t, "计划开工逾期")
	st := &ProjectState{Project: ding.Project{Stage: ding.StageLanded, PlannedStart: day("2024-03-15")}}
	for _, c := range []struct {
		today string
		value float64
		want  ding.Colour
	}{
		{"2024-02-29", -1, ""}, {"2024-03-31", 0, ""}, {"2024-04-01", 1, "yellow"},
		{"2024-05-31", 2, "yellow"}, {"2024-06-01", 3, "red"}, {"2025-01-01", 10, "red"},
	} {
		got, v, _ := colourAt(t, st, r, c.today)
		if got != c.want || (got != "" && v != c.value) {
			t.Errorf("%s: %q %v, want %q %v", c.today, got, v, c.want, c.value)
		}
	}
	// Across a year end: planned November, January is 2 months on, February 3.
	st.Project.PlannedStart = day("2023-11-30")
	if c, v, w := colourAt(t, st, r, "2024-01-05"); c != "yellow" || v != 2 ||
		i18n.T("zh", w.Reason, w.Args...) != "计划 2023-11 开工，至今未开工，已超过计划开工月份 2 个月" {
		t.Errorf("year end: %q %v %v", c, v, w)
	}
	if c, _, _ := colourAt(t, st, r, "2024-02-01"); c != "red" {
		t.Errorf("year end +3: %q", c)
	}
	// Started, dropped, or without a planned start: nothing.
	for _, p := range []ding.Project{
		{Stage: ding.StageStarted, PlannedStart: day("2023-01-01"), ActualStart: day("2024-01-01")},
		{Stage: ding.StageLanded, PlannedStart: day("2023-01-01"), ActualStart: day("2024-01-01")},
		{Stage: ding.StageDropped, PlannedStart: day("2023-01-01")},
		{Stage: ding.StageSigned},
	} {
		if c, _, _ := colourAt(t, &ProjectState{Project: p}, r, "2024-06-01"); c != "" {
			t.Errorf("%+v: %q", p, c)
		}
	}
}

func TestStatsOverdue(t *testing.T) {
	r := defRule(t, "开工未入统")
	for _, c := range []struct {
		start, today string
		want         ding.Colour
	}{
		{"2024-01-31", "2024-02-28", ""},
		{"2024-01-31", "2024-02-29", "yellow"},
		{"2024-01-31", "2024-03-30", "yellow"},
		{"2024-01-31", "2024-03-31", "red"},
		{"2023-01-31", "2023-02-28", "yellow"},
		{"2024-01-15", "2024-02-14", ""},
		{"2024-01-15", "2024-02-15", "yellow"},
		{"2023-12-20", "2024-01-19", ""},
		{"2023-12-20", "2024-01-20", "yellow"},
		{"2023-12-20", "2024-02-19", "yellow"},
		{"2023-12-20", "2024-02-20", "red"},
	} {
		st := &ProjectState{Project: ding.Project{Stage: ding.StageStarted, ActualStart: day(c.start)}}
		if got, _, _ := colourAt(t, st, r, c.today); got != c.want {
			t.Errorf("started %s, on %s: %q, want %q", c.start, c.today, got, c.want)
		}
	}
	st := &ProjectState{Project: ding.Project{Stage: ding.StageCompleted, ActualStart: day("2024-01-31")}}
	if _, _, w := colourAt(t, st, r, "2024-03-31"); w == nil || i18n.T("zh", w.Reason, w.Args...) != "2024-01-31 开工，已满 2 个月仍未入统" {
		t.Errorf("reason: %+v", w)
	}
	for _, p := range []ding.Project{
		{Stage: ding.StageStarted, ActualStart: day("2023-01-01"), InStats: true},
		{Stage: ding.StageInStats, ActualStart: day("2023-01-01")},
		{Stage: ding.StageStarted},
		{Stage: ding.StageLanded, ActualStart: day("2023-01-01")},
	} {
		if c, _, _ := colourAt(t, &ProjectState{Project: p}, r, "2024-06-01"); c != "" {
			t.Errorf("%+v: %q", p, c)
		}
	}
}

func TestMilestone(t *testing.T) {
	r := defRule(t, "节点预警")
	st := &ProjectState{Project: ding.Project{Stage: ding.StageLanded},
		Milestones: []ding.Milestone{{ID: 4, Name: "开工", PlannedOn: day("2024-03-10")}}}
	for _, c := range []struct {
		today  string
		value  float64
		want   ding.Colour
		reason string
	}{
		{"2024-03-02", -8, "", ""},
		{"2024-03-03", -7, "blue", "节点“开工”计划 2024-03-10 完成，还有 7 天到期"},
		{"2024-03-09", -1, "blue", "节点“开工”计划 2024-03-10 完成，还有 1 天到期"},
		{"2024-03-10", 0, "blue", "节点“开工”计划今天（2024-03-10）完成，尚未完成"},
		{"2024-03-11", 1, "yellow", "节点“开工”计划 2024-03-10 完成，已逾期 1 天"},
		{"2024-04-08", 29, "yellow", ""},
		{"2024-04-09", 30, "red", "节点“开工”计划 2024-03-10 完成，已逾期 30 天"},
	} {
		got, v, w := colourAt(t, st, r, c.today)
		if got != c.want || (got != "" && v != c.value) {
			t.Errorf("%s: %q %v, want %q %v", c.today, got, v, c.want, c.value)
		}
		if w != nil && c.reason != "" {
			if s := i18n.T("zh", w.Reason, w.Args...); s != c.reason {
				t.Errorf("%s: %s", c.today, s)
			}
			if w.Subject != "开工" || w.SubjectKey != "milestone:4" {
				t.Errorf("%s: subject %q %q", c.today, w.Subject, w.SubjectKey)
			}
		}
	}
	// Over a leap day: Feb 28 → Mar 1 is 2 days in 2024.
	st.Milestones[0].PlannedOn = day("2024-02-28")
	if _, v, _ := colourAt(t, st, r, "2024-03-01"); v != 2 {
		t.Errorf("leap day: %v", v)
	}
	// One warning per milestone, in sort order; reached or undated ones are skipped.
	st.Milestones = []ding.Milestone{
		{ID: 3, Name: "竣工", PlannedOn: day("2024-05-01"), SortOrder: 30},
		{ID: 1, Name: "签约", PlannedOn: day("2024-01-01"), ActualOn: day("2024-01-02"), SortOrder: 10},
		{ID: 2, Name: "开工", PlannedOn: day("2024-04-01"), SortOrder: 20},
		{ID: 5, Name: "入统", SortOrder: 50},
	}
	ws := Evaluate(st, []ding.Rule{r}, Config{}, day("2024-05-02"))
	if len(ws) != 2 || ws[0].SubjectKey != "milestone:2" || ws[0].Colour != "red" || ws[1].SubjectKey != "milestone:3" || ws[1].Colour != "yellow" {
		t.Errorf("milestones: %+v", ws)
	}
	if st.Milestones[0].ID != 3 {
		t.Error("Evaluate reordered the caller's milestones")
	}
}

func TestReportMissing(t *testing.T) {
	r := defRule(t, "进度未填报")
	type rep = map[string]bool
	for _, c := range []struct {
		name     string
		start    string
		reported rep
		window   ding.ReportWindow
		today    string
		value    float64
		want     ding.Colour
		reason   string
	}{
		{"window open", "2024-02-10", nil, ding.ReportWindow{}, "2024-02-18", 0, "", ""},
		{"just closed", "2024-02-10", nil, ding.ReportWindow{}, "2024-02-19", 1, "yellow", "2024-02 月度进度未在 2024-02-18 前填报"},
		{"reported", "2024-02-10", rep{"2024-02": true}, ding.ReportWindow{}, "2024-03-18", 0, "", ""},
		{"next missing", "2024-02-10", rep{"2024-02": true}, ding.ReportWindow{}, "2024-03-19", 1, "yellow", ""},
		{"two in a row", "2024-02-10", nil, ding.ReportWindow{}, "2024-03-19", 2, "red", "2024-02 至 2024-03 连续 2 期月度进度未填报（最近一期截止 2024-03-18）"},
		{"gap then filed", "2024-01-10", rep{"2024-03": true}, ding.ReportWindow{}, "2024-04-18", 0, "", ""},
		{"only since start", "2024-03-01", nil, ding.ReportWindow{}, "2024-03-31", 1, "yellow", ""},
		{"started last year", "2023-05-01", nil, ding.ReportWindow{}, "2024-01-18", 0, "", ""},
		{"new year", "2023-05-01", nil, ding.ReportWindow{}, "2024-01-19", 1, "yellow", ""},
		{"dec 31", "2023-05-01", nil, ding.ReportWindow{}, "2024-12-31", 12, "red", ""},
		{"started later", "2024-05-01", nil, ding.ReportWindow{}, "2024-04-30", 0, "", ""},
		// A window closing on the 10th of the next month: on March 11 February is the latest.
		{"next month window", "2024-01-01", rep{"2024-01": true}, ding.ReportWindow{OpenDay: 1, CloseDay: 10, CloseNextMonth: true}, "2024-03-11", 1, "yellow", "2024-02 月度进度未在 2024-03-10 前填报"},
		{"next month window open", "2024-01-01", rep{"2024-01": true}, ding.ReportWindow{OpenDay: 1, CloseDay: 10, CloseNextMonth: true}, "2024-03-10", 0, "", ""},
	} {
		st := &ProjectState{Project: ding.Project{Stage: ding.StageStarted, ActualStart: day(c.start)}, Reported: c.reported}
		ws := Evaluate(st, []ding.Rule{r}, Config{Window: c.window}, day(c.today))
		checkRender(t, ws)
		var got ding.Colour
		var v float64
		if len(ws) == 1 {
			got, v = ws[0].Colour, ws[0].Value
		}
		if got != c.want || v != c.value || len(ws) > 1 {
			t.Errorf("%s: %q %v, want %q %v", c.name, got, v, c.want, c.value)
			continue
		}
		if c.reason != "" {
			if s := i18n.T("zh", ws[0].Reason, ws[0].Args...); s != c.reason {
				t.Errorf("%s: %s", c.name, s)
			}
		}
	}
	// Not started: nothing is due.
	st := &ProjectState{Project: ding.Project{Stage: ding.StageLanded, ActualStart: day("2024-01-01")}}
	if c, _, _ := colourAt(t, st, r, "2024-06-30"); c != "" {
		t.Errorf("not started: %q", c)
	}
}

func TestStageStale(t *testing.T) {
	rules := []ding.Rule{defRule(t, "谋划阶段无更新"), defRule(t, "在谈阶段无更新"), defRule(t, "签约阶段无更新")}
	for _, c := range []struct {
		stage ding.Stage
		days  int
		want  ding.Colour
	}{
		{ding.StagePlanning, 44, ""}, {ding.StagePlanning, 45, "yellow"}, {ding.StagePlanning, 89, "yellow"}, {ding.StagePlanning, 90, "red"},
		{ding.StageNegotiating, 29, ""}, {ding.StageNegotiating, 30, "yellow"}, {ding.StageNegotiating, 59, "yellow"}, {ding.StageNegotiating, 60, "red"},
		{ding.StageSigned, 19, ""}, {ding.StageSigned, 20, "yellow"}, {ding.StageSigned, 39, "yellow"}, {ding.StageSigned, 40, "red"},
		{ding.StageLanded, 400, ""}, {ding.StageStarted, 400, ""},
	} {
		from := day("2023-12-20")
		st := &ProjectState{Project: ding.Project{Stage: c.stage, StageOn: from}}
		ws := Evaluate(st, rules, Config{}, from.AddDays(c.days))
		checkRender(t, ws)
		var got ding.Colour
		if len(ws) == 1 {
			got = ws[0].Colour
			if ws[0].Value != float64(c.days) {
				t.Errorf("%s +%d: value %v", c.stage, c.days, ws[0].Value)
			}
		}
		if got != c.want || len(ws) > 1 {
			t.Errorf("%s +%d days: %q (%d warnings), want %q", c.stage, c.days, got, len(ws), c.want)
		}
	}
	// An update after the stage began restarts the count; an older one does not.
	st := &ProjectState{Project: ding.Project{Stage: ding.StageSigned, StageOn: day("2024-01-01")}, LastUpdate: day("2024-02-01")}
	if c, v, w := colourAt(t, st, rules[2], "2024-02-25"); c != "yellow" || v != 24 ||
		i18n.T("zh", w.Reason, w.Args...) != "已签约项目自 2024-02-01 起已 24 天无更新" {
		t.Errorf("after an update: %q %v", c, v)
	}
	st.LastUpdate = day("2023-06-01")
	if _, v, _ := colourAt(t, st, rules[2], "2024-02-25"); v != 55 {
		t.Errorf("older update: %v", v)
	}
	// Nothing known: nothing to measure.
	if c, _, _ := colourAt(t, &ProjectState{Project: ding.Project{Stage: ding.StagePlanning}}, rules[0], "2024-02-25"); c != "" {
		t.Errorf("no dates: %q", c)
	}
}

func TestItemOverdue(t *testing.T) {
	r := defRule(t, "事项逾期")
	st := &ProjectState{Project: ding.Project{Stage: ding.StageStarted},
		Items: []ding.DeadlineItem{{Kind: "demand", ID: 5, Title: "用电增容", Due: day("2024-03-10")}}}
	for _, c := range []struct {
		today string
		want  ding.Colour
	}{
		{"2024-03-09", ""}, {"2024-03-10", ""}, {"2024-03-11", "yellow"}, {"2024-03-16", "yellow"}, {"2024-03-17", "red"},
	} {
		got, _, w := colourAt(t, st, r, c.today)
		if got != c.want {
			t.Errorf("%s: %q, want %q", c.today, got, c.want)
		}
		if w != nil && (w.SubjectKey != "demand:5" || w.Subject != "用电增容") {
			t.Errorf("subject %q %q", w.Subject, w.SubjectKey)
		}
	}
	_, _, w := colourAt(t, st, r, "2024-03-17")
	if s := i18n.T("zh", w.Reason, w.Args...); s != "“用电增容”应于 2024-03-10 前办结，已逾期 7 天" {
		t.Errorf("reason %s", s)
	}
	// Any kind of item, sorted by kind then id; Params.Item restricts the kind.
	st.Items = []ding.DeadlineItem{
		{Kind: "demand", ID: 9, Title: "b", Due: day("2024-03-01")},
		{Kind: "action", ID: 2, Title: "c", Due: day("2024-03-01")},
		{Kind: "demand", ID: 5, Title: "a", Due: day("2024-03-01")},
		{Kind: "demand", ID: 6, Title: "undated"},
	}
	keys := func(ws []ding.Warning) []string {
		var ks []string
		for _, w := range ws {
			ks = append(ks, w.SubjectKey)
		}
		return ks
	}
	if ks := keys(Evaluate(st, []ding.Rule{r}, Config{}, day("2024-03-20"))); !slices.Equal(ks, []string{"action:2", "demand:5", "demand:9"}) {
		t.Errorf("all items: %v", ks)
	}
	r.Params.Item = "demand"
	if ks := keys(Evaluate(st, []ding.Rule{r}, Config{}, day("2024-03-20"))); !slices.Equal(ks, []string{"demand:5", "demand:9"}) {
		t.Errorf("demands: %v", ks)
	}
}

func TestScope(t *testing.T) {
	yes, no := true, false
	base := func() *ProjectState {
		return &ProjectState{
			Project:  ding.Project{UnitID: 30, Stage: ding.StageStarted, TotalInvestment: 15 * ding.Yi, Manufacturing: true},
			UnitPath: []int64{30, 20, 1},
			Items:    []ding.DeadlineItem{{Kind: "demand", ID: 1, Due: day("2024-01-01")}},
		}
	}
	rule := func(s ding.RuleScope) ding.Rule {
		r := defRule(t, "事项逾期")
		r.Scope = s
		return r
	}
	for _, c := range []struct {
		name  string
		scope ding.RuleScope
		edit  func(*ProjectState)
		want  bool
	}{
		{"any", ding.RuleScope{}, nil, true},
		{"tier hit", ding.RuleScope{Tiers: []ding.Tier{ding.Tier10, ding.Tier100}}, nil, true},
		{"tier miss", ding.RuleScope{Tiers: []ding.Tier{ding.Tier1}}, nil, false},
		{"tier derived", ding.RuleScope{Tiers: []ding.Tier{ding.Tier10}}, func(s *ProjectState) { s.Project.Tier = ding.TierNone }, true},
		{"stage hit", ding.RuleScope{Stages: []ding.Stage{ding.StageStarted}}, nil, true},
		{"stage miss", ding.RuleScope{Stages: []ding.Stage{ding.StageSigned}}, nil, false},
		{"flag hit", ding.RuleScope{Manufacturing: &yes, Private: &no}, nil, true},
		{"flag miss", ding.RuleScope{HighTech: &yes}, nil, false},
		{"unit ancestor", ding.RuleScope{UnitIDs: []int64{99, 20}}, nil, true},
		{"unit miss", ding.RuleScope{UnitIDs: []int64{99}}, nil, false},
		{"unit without path", ding.RuleScope{UnitIDs: []int64{30}}, func(s *ProjectState) { s.UnitPath = nil }, true},
		{"dropped", ding.RuleScope{}, func(s *ProjectState) { s.Project.Stage = ding.StageDropped }, false},
	} {
		st := base()
		if c.edit != nil {
			c.edit(st)
		}
		got := len(Evaluate(st, []ding.Rule{rule(c.scope)}, Config{}, day("2024-03-01"))) == 1
		if got != c.want {
			t.Errorf("%s: fired %v, want %v", c.name, got, c.want)
		}
	}
	off := rule(ding.RuleScope{})
	off.Enabled = false
	if ws := Evaluate(base(), []ding.Rule{off}, Config{}, day("2024-03-01")); len(ws) != 0 {
		t.Errorf("disabled rule fired: %+v", ws)
	}
}

func TestValidateRefusals(t *testing.T) {
	th := func(c ding.Colour, min float64, strict bool) ding.Threshold {
		return ding.Threshold{Colour: c, Min: min, Strict: strict}
	}
	points := func(ts ...ding.Threshold) ding.Rule {
		return ding.Rule{Name: "r", Kind: ding.RuleInvestLag, Params: ding.RuleParams{Measure: "points", Timing: "month"}, Thresholds: ts}
	}
	ratio := func(ts ...ding.Threshold) ding.Rule {
		r := points(ts...)
		r.Params.Measure = "ratio"
		return r
	}
	for _, c := range []struct {
		name string
		r    ding.Rule
		key  string
	}{
		{"ok", points(th("yellow", 10, false), th("red", 30, true)), ""},
		{"equal, red strict", points(th("yellow", 10, false), th("red", 10, true)), ""},
		{"equal, both at least", points(th("yellow", 10, false), th("red", 10, false)), "warn.thresholds_overlap"},
		{"equal, both strict", points(th("yellow", 10, true), th("red", 10, true)), "warn.thresholds_overlap"},
		{"equal, yellow strict", points(th("yellow", 10, true), th("red", 10, false)), "warn.thresholds_overlap"},
		{"inverted", points(th("yellow", 30, false), th("red", 10, false)), "warn.thresholds_overlap"},
		{"inverted, listed red first", points(th("red", 10, false), th("yellow", 30, false)), "warn.thresholds_overlap"},
		{"ratio ok", ratio(th("yellow", 0.8, true), th("red", 0.6, true)), ""},
		{"ratio equal, red strict", ratio(th("yellow", 0.8, false), th("red", 0.8, true)), ""},
		{"ratio inverted", ratio(th("yellow", 0.6, true), th("red", 0.8, true)), "warn.thresholds_overlap"},
		{"duplicate colour", points(th("yellow", 10, false), th("yellow", 20, false)), "warn.threshold_colour_twice"},
		{"unknown colour", points(th("green", 10, false)), "warn.threshold_colour_unknown"},
		{"no thresholds", points(), "warn.thresholds_required"},
		{"no measure", ding.Rule{Name: "r", Kind: ding.RuleInvestLag, Params: ding.RuleParams{Timing: "month"}, Thresholds: []ding.Threshold{th("red", 1, false)}}, "warn.measure_invalid"},
		{"no timing", ding.Rule{Name: "r", Kind: ding.RuleInvestLag, Params: ding.RuleParams{Measure: "points"}, Thresholds: []ding.Threshold{th("red", 1, false)}}, "warn.timing_invalid"},
		{"unknown kind", ding.Rule{Name: "r", Kind: "weather", Thresholds: []ding.Threshold{th("red", 1, false)}}, "warn.kind_invalid"},
		{"no name", ding.Rule{Name: "  ", Kind: ding.RuleMilestone}, "warn.rule_name_required"},
		{"matches nothing", ding.Rule{Name: "r", Kind: ding.RuleStageStale, Scope: ding.RuleScope{Stages: []ding.Stage{ding.StageStarted}}, Thresholds: []ding.Threshold{th("red", 1, false)}}, "warn.scope_matches_nothing"},
		{"bad tier", ding.Rule{Name: "r", Kind: ding.RuleMilestone, Scope: ding.RuleScope{Tiers: []ding.Tier{5}}, Thresholds: []ding.Threshold{th("red", 1, false)}}, "warn.scope_tier_invalid"},
	} {
		err := c.r.Validate(ding.DefaultColours)
		var e *ding.Error
		switch {
		case c.key == "" && err != nil:
			t.Errorf("%s: refused: %v", c.name, err)
		case c.key != "" && (!errors.As(err, &e) || e.Key != c.key || e.Code != ding.EINVALID):
			t.Errorf("%s: got %v, want %s", c.name, err, c.key)
		case err != nil:
			if s := i18n.T("zh", e.Key, e.Args...); !i18n.Has(e.Key) || strings.Contains(s, "%!") || i18n.T("en", e.Key, e.Args...) == s {
				t.Errorf("%s: message %q", c.name, s)
			}
		}
	}
	// The explanation names the colours as the office sees them.
	r := points(th("blue", 10, false), th("yellow", 5, false))
	err := r.Validate(ding.DefaultColours)
	var e *ding.Error
	errors.As(err, &e)
	if s := i18n.T("zh", e.Key, e.Args...); !strings.HasPrefix(s, "“黄”的阈值须比“蓝”更难达到：阈值重叠或颠倒") {
		t.Errorf("overlap message: %s", s)
	}
}

// Equal thresholds told apart by strictness: at the value the milder colour, beyond it the
// more severe one.
func TestEqualThresholdsStrictness(t *testing.T) {
	r := ding.Rule{Name: "r", Kind: ding.RuleInvestLag, Enabled: true, Params: ding.RuleParams{Measure: "points", Timing: "month"},
		Thresholds: []ding.Threshold{{Colour: "red", Min: 10, Strict: true}, {Colour: "yellow", Min: 10}}}
	if err := r.Validate(ding.DefaultColours); err != nil {
		t.Fatal(err)
	}
	for done, want := range map[int64]ding.Colour{40_100_000: "", 40_000_000: "yellow", 39_900_000: "red"} {
		if c, _, _ := colourAt(t, lagState(100_000_000, map[int]int64{1: done}), r, "2024-06-30"); c != want {
			t.Errorf("completed %d: %q, want %q", done, c, want)
		}
	}
	q := ding.Rule{Name: "q", Kind: ding.RuleInvestLag, Enabled: true, Params: ding.RuleParams{Measure: "ratio", Timing: "month"},
		Thresholds: []ding.Threshold{{Colour: "yellow", Min: 0.8}, {Colour: "red", Min: 0.8, Strict: true}}}
	if err := q.Validate(ding.DefaultColours); err != nil {
		t.Fatal(err)
	}
	for done, want := range map[int64]ding.Colour{40_100_000: "", 40_000_000: "yellow", 39_950_000: "red"} {
		if c, _, _ := colourAt(t, lagState(100_000_000, map[int]int64{1: done}), q, "2024-06-30"); c != want {
			t.Errorf("ratio, completed %d: %q, want %q", done, c, want)
		}
	}
}

func TestWorst(t *testing.T) {
	ws := []ding.Warning{{Colour: "blue"}, {Colour: "red"}, {Colour: "yellow"}}
	if c := Worst(ws, ding.DefaultColours); c != "red" {
		t.Errorf("default: %q", c)
	}
	if c := Worst(ws, nil); c != "red" {
		t.Errorf("no scheme: %q", c)
	}
	if c := Worst(nil, ding.DefaultColours); c != "" {
		t.Errorf("none: %q", c)
	}
	// A city where 蓝 is the most severe.
	inverted := ding.ColourScheme{{Key: "red", Name: "红", Rank: 1}, {Key: "yellow", Name: "黄", Rank: 2}, {Key: "blue", Name: "蓝", Rank: 3}}
	if c := Worst(ws, inverted); c != "blue" {
		t.Errorf("inverted: %q", c)
	}
	if c := Worst([]ding.Warning{{Colour: "green"}, {Colour: "blue"}}, ding.DefaultColours); c != "blue" {
		t.Errorf("unknown colour: %q", c)
	}
}

// The engine ranks colours by the configured scheme, not by the default.
func TestCustomScheme(t *testing.T) {
	scheme := ding.ColourScheme{{Key: "orange", Name: "橙", Rank: 1}, {Key: "purple", Name: "紫", Rank: 2}}
	r := ding.Rule{Name: "r", Kind: ding.RuleItemOverdue, Enabled: true,
		Thresholds: []ding.Threshold{{Colour: "purple", Min: 5}, {Colour: "orange", Min: 1}}}
	if err := r.Validate(scheme); err != nil {
		t.Fatal(err)
	}
	st := &ProjectState{Project: ding.Project{Stage: ding.StageStarted}, Items: []ding.DeadlineItem{{Kind: "demand", ID: 1, Due: day("2024-03-01")}}}
	for today, want := range map[string]ding.Colour{"2024-03-02": "orange", "2024-03-06": "purple"} {
		ws := Evaluate(st, []ding.Rule{r}, Config{Colours: scheme}, day(today))
		if len(ws) != 1 || ws[0].Colour != want {
			t.Errorf("%s: %+v, want %s", today, ws, want)
		}
	}
}

// A project with every kind of trouble: warnings come in rule order, the same each time,
// whatever the order of milestones and items given.
func TestDeterminism(t *testing.T) {
	st := troubled()
	rules := DefaultRules()
	for i := range rules {
		rules[i].ID = int64(i + 1)
		rules[i].Enabled = true
	}
	today := day("2024-05-31")
	a := Evaluate(st, rules, Config{}, today)
	checkRender(t, a)
	if len(a) < 6 {
		t.Fatalf("only %d warnings: %+v", len(a), a)
	}
	for i := 1; i < len(a); i++ {
		if a[i].RuleID < a[i-1].RuleID || (a[i].RuleID == a[i-1].RuleID && a[i].SubjectKey == a[i-1].SubjectKey) {
			t.Errorf("out of order at %d: %+v", i, a)
		}
	}
	for n := 0; n < 5; n++ {
		s := troubled()
		slices.Reverse(s.Milestones)
		slices.Reverse(s.Items)
		if b := Evaluate(s, rules, Config{}, today); !reflect.DeepEqual(a, b) {
			t.Fatalf("run %d differs:\n%+v\n%+v", n, a, b)
		}
	}
	if c := Worst(a, ding.DefaultColours); c != "red" {
		t.Errorf("worst %q", c)
	}
}

func troubled() *ProjectState {
	return &ProjectState{
		Project: ding.Project{ID: 1, Stage: ding.StageStarted, ActualStart: day("2024-01-31"),
			PlannedStart: day("2023-12-01"), StageOn: day("2024-01-31")},
		Year: 2024, PlanTotal: 100_000_000, Completed: [12]int64{1_000_000, 1_000_000},
		Reported: map[string]bool{"2024-01": true, "2024-02": true},
		Milestones: []ding.Milestone{
			{ID: 1, Name: "竣工", PlannedOn: day("2024-06-05"), SortOrder: 30},
			{ID: 2, Name: "主体封顶", PlannedOn: day("2024-04-01"), SortOrder: 25},
			{ID: 3, Name: "桩基完成", PlannedOn: day("2024-03-01"), SortOrder: 22},
		},
		Items: []ding.DeadlineItem{
			{Kind: "demand", ID: 3, Title: "用地指标", Due: day("2024-05-01")},
			{Kind: "action", ID: 8, Title: "管线迁改", Due: day("2024-05-30")},
		},
	}
}

// Every reason the engine can give and every name the editor shows is in both languages.
func TestCatalog(t *testing.T) {
	var keys []string
	keys = append(keys, ReasonKeys()...)
	for _, k := range ding.RuleKinds {
		keys = append(keys, "warn.kind."+string(k))
	}
	for _, c := range ding.DefaultColours {
		keys = append(keys, "colour."+string(c.Key))
	}
	for _, k := range keys {
		if !i18n.Has(k) {
			t.Errorf("%s is not in the catalog", k)
		} else if i18n.T("zh", k) == i18n.T("en", k) {
			t.Errorf("%s has no English", k)
		}
	}
}

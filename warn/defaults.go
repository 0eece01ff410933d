package warn

import "ding"

// DefaultRules are the rules a new installation starts with, from practice (DOMAIN.md
// "Rules from practice"): 银川's lag in points, start and 入统 rules, 武汉's lag ratio
// (disabled: an office uses one of the two lag measures), 宿迁/三明's blue for a deadline
// approaching, and the stale-lead limits of an investment-attraction system. Each call
// returns fresh slices, so callers may edit them.
func DefaultRules() []ding.Rule {
	th := func(ts ...ding.Threshold) []ding.Threshold { return ts }
	at := func(c ding.Colour, min float64) ding.Threshold { return ding.Threshold{Colour: c, Min: min} }
	beyond := func(c ding.Colour, min float64) ding.Threshold {
		return ding.Threshold{Colour: c, Min: min, Strict: true}
	}
	const blue, yellow, red ding.Colour = "blue", "yellow", "red"
	stale := func(name string, s ding.Stage, days float64) ding.Rule {
		return ding.Rule{Name: name, Kind: ding.RuleStageStale, Enabled: true,
			Scope:      ding.RuleScope{Stages: []ding.Stage{s}},
			Thresholds: th(at(yellow, days), at(red, 2*days))}
	}
	return []ding.Rule{
		// Yellow 10–30 points behind, red more than 30.
		{Name: "投资滞后（百分点，按月）", Kind: ding.RuleInvestLag, Enabled: true,
			Params:     ding.RuleParams{Measure: "points", Timing: "month"},
			Thresholds: th(at(yellow, 10), beyond(red, 30))},
		// Yellow below 80% of 时序, red below 60%: "below" is strict.
		{Name: "投资滞后（比例）", Kind: ding.RuleInvestLag, Enabled: false,
			Params:     ding.RuleParams{Measure: "ratio", Timing: "month"},
			Thresholds: th(beyond(yellow, 0.8), beyond(red, 0.6))},
		{Name: "计划开工逾期", Kind: ding.RuleStartOverdue, Enabled: true,
			Thresholds: th(at(yellow, 1), at(red, 3))},
		{Name: "开工未入统", Kind: ding.RuleStatsOverdue, Enabled: true,
			Thresholds: th(at(yellow, 1), at(red, 2))},
		// Blue from 7 days before the planned date, yellow once overdue, red after 30 days.
		{Name: "节点预警", Kind: ding.RuleMilestone, Enabled: true,
			Thresholds: th(at(blue, -7), at(yellow, 1), at(red, 30))},
		{Name: "进度未填报", Kind: ding.RuleReportMissing, Enabled: true,
			Thresholds: th(at(yellow, 1), at(red, 2))},
		stale("谋划阶段无更新", ding.StagePlanning, 45),
		stale("在谈阶段无更新", ding.StageNegotiating, 30),
		stale("签约阶段无更新", ding.StageSigned, 20),
		{Name: "事项逾期", Kind: ding.RuleItemOverdue, Enabled: true,
			Thresholds: th(at(yellow, 1), at(red, 7))},
	}
}

package i18n

// Warnings (红黄蓝预警): rule validation, the engine's reasons in figures, and the names of
// rule kinds, measures and the default colours. Reason arguments are display strings.
var _ = addUI(map[string][2]string{
	// Colour schemes and rules (ding.Rule.Validate).
	"warn.colours_empty":            {"颜色方案不能为空：至少需要一种预警颜色", "The colour scheme is empty: at least one warning colour is needed"},
	"warn.colour_invalid":           {"预警颜色“%s”无效：每种颜色须有不重复的代码和名称", "Warning colour %q is invalid: each colour needs a unique key and a name"},
	"warn.colour_rank_invalid":      {"预警颜色“%s”的等级无效：等级须在 1 到颜色数之间且互不相同，1 为最轻", "Warning colour %q has an invalid rank: ranks run from 1 (mildest) to the number of colours, each used once"},
	"warn.rule_name_required":       {"请填写规则名称", "The rule name is required"},
	"warn.kind_invalid":             {"预警类型无效，请从列表中选择", "Invalid rule kind: choose one from the list"},
	"warn.measure_invalid":          {"投资滞后规则须选择衡量方式：落后时序进度的百分点，或完成率占时序进度的比例", "An investment lag rule needs a measure: points behind 时序 progress, or completion as a ratio of it"},
	"warn.timing_invalid":           {"投资滞后规则须选择时序进度的算法：按月（已过月数÷12）或按天（已过天数÷全年天数）", "An investment lag rule needs a timing: by month (months elapsed ÷ 12) or by day (days elapsed ÷ days in the year)"},
	"warn.thresholds_required":      {"请至少为一种颜色设置阈值", "Set a threshold for at least one colour"},
	"warn.threshold_colour_unknown": {"阈值使用的颜色“%s”不在颜色方案中，请先在颜色方案中添加或改选其他颜色", "Colour %q of a threshold is not in the colour scheme: add it to the scheme or pick another"},
	"warn.threshold_colour_twice":   {"颜色“%s”设置了两个阈值：每种颜色只能设置一个", "Colour %q has two thresholds: give each colour one"},
	"warn.thresholds_overlap":       {"“%[2]s”的阈值须比“%[1]s”更难达到：阈值重叠或颠倒。越严重的颜色，落后或逾期的数值应越大（按比例衡量时应越小）；数值相同时，更严重的颜色须用“大于”（或“小于”）而非“大于等于”（或“小于等于”）", "The threshold for %[2]q must be harder to reach than the one for %[1]q: they overlap or are inverted. A more severe colour needs a larger lag or delay (a smaller ratio); at the same value, the more severe colour must use “more than” (or “less than”) rather than “at least” (or “at most”)"},
	"warn.scope_tier_invalid":       {"适用范围中的规模档无效", "Invalid size class in the scope"},
	"warn.scope_matches_nothing":    {"该规则在所选阶段都不会触发，不会匹配任何项目。各类规则适用的阶段：投资滞后、开工未入统——开工至投产；计划开工逾期——开工前；进度未填报——开工及以后；阶段停滞——谋划、在谈、签约", "This rule cannot fire at any of the chosen stages, so it would match no project. Stages per kind: investment lag and not in statistics — started to in production; start overdue — before the start; report missing — started and later; stale stage — planning, negotiating, signed"},

	// Reasons, in figures. Investment lag: months or date, completed 万元, completion %,
	// 时序 %, then the lag in points or the ratio in %.
	"warn.reason.invest_lag_points":       {"1—%s月累计完成 %s 万元，占年度计划 %s%%，时序进度 %s%%，落后 %s 个百分点", "Months 1–%s: %s (10k yuan) completed, %s%% of the annual plan against %s%% of the year elapsed: %s points behind"},
	"warn.reason.invest_lag_ratio":        {"1—%s月累计完成 %s 万元，占年度计划 %s%%，时序进度 %s%%，完成率为时序进度的 %s%%", "Months 1–%s: %s (10k yuan) completed, %s%% of the annual plan against %s%% of the year elapsed: %s%% of the expected pace"},
	"warn.reason.invest_lag_points_day":   {"截至 %s 累计完成 %s 万元，占年度计划 %s%%，时序进度（按天）%s%%，落后 %s 个百分点", "As of %s: %s (10k yuan) completed, %s%% of the annual plan against %s%% of the year's days elapsed: %s points behind"},
	"warn.reason.invest_lag_ratio_day":    {"截至 %s 累计完成 %s 万元，占年度计划 %s%%，时序进度（按天）%s%%，完成率为时序进度的 %s%%", "As of %s: %s (10k yuan) completed, %s%% of the annual plan against %s%% of the year's days elapsed: %s%% of the expected pace"},
	"warn.reason.start_overdue":           {"计划 %s 开工，至今未开工，已超过计划开工月份 %s 个月", "Planned to start in %s and not started: %s months past the planned month"},
	"warn.reason.stats_overdue":           {"%s 开工，已满 %s 个月仍未入统", "Started on %s and still not in statistics after %s full months"},
	"warn.reason.milestone_overdue":       {"节点“%s”计划 %s 完成，已逾期 %s 天", "Milestone %q was planned for %s: %s days overdue"},
	"warn.reason.milestone_today":         {"节点“%s”计划今天（%s）完成，尚未完成", "Milestone %q is planned for today (%s) and not reached yet"},
	"warn.reason.milestone_due":           {"节点“%s”计划 %s 完成，还有 %s 天到期", "Milestone %q is planned for %s: due in %s days"},
	"warn.reason.report_missing":          {"%s 月度进度未在 %s 前填报", "The progress report for %s was not filed by %s"},
	"warn.reason.report_missing_run":      {"%s 至 %s 连续 %s 期月度进度未填报（最近一期截止 %s）", "No progress reports from %s to %s: %s months in a row (the last was due by %s)"},
	"warn.reason.stage_stale.planning":    {"谋划阶段项目自 %s 起已 %s 天无更新", "Planning-stage lead with no update since %s: %s days"},
	"warn.reason.stage_stale.negotiating": {"在谈阶段项目自 %s 起已 %s 天无更新", "Lead in negotiation with no update since %s: %s days"},
	"warn.reason.stage_stale.signed":      {"已签约项目自 %s 起已 %s 天无更新", "Signed project with no update since %s: %s days"},
	"warn.reason.item_overdue":            {"“%s”应于 %s 前办结，已逾期 %s 天", "%q was due by %s: %s days overdue"},

	// Names for the rule editor and the board.
	"warn.kind.invest_lag":     {"投资滞后", "Investment lag"},
	"warn.kind.start_overdue":  {"计划开工逾期", "Start overdue"},
	"warn.kind.stats_overdue":  {"开工未入统", "Started, not in statistics"},
	"warn.kind.milestone":      {"节点预警", "Milestone"},
	"warn.kind.report_missing": {"进度未填报", "Report missing"},
	"warn.kind.stage_stale":    {"阶段停滞", "Stale stage"},
	"warn.kind.item_overdue":   {"事项逾期", "Item overdue"},
	"warn.measure.points":      {"落后时序进度（百分点）", "Points behind 时序 progress"},
	"warn.measure.ratio":       {"占时序进度的比例", "Ratio of 时序 progress"},
	"warn.timing.month":        {"按月", "By month"},
	"warn.timing.day":          {"按天", "By day"},
	"colour.blue":              {"蓝", "Blue"},
	"colour.yellow":            {"黄", "Yellow"},
	"colour.red":               {"红", "Red"},
})

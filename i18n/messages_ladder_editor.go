package i18n

// The escalation ladder editor (督办升级规则), its API, the 督办 panel of the warnings board
// and the per-kind hints of the rule form (web/page_ladder.go, web/api_ladder.go,
// templates/ladder.html, warnings.html, rule_form.html).
var _ = addUI(map[string][2]string{
	"flash.ladderui_saved":     {"督办升级规则已保存，将在下次预警计算时生效", "Escalation ladder saved: it applies from the next evaluation"},
	"flash.ladderui_unchanged": {"没有修改，未保存", "Nothing changed"},

	// The editor.
	"ladderui.title":           {"督办升级规则", "Escalation ladder"},
	"ladderui.intro":           {"项目预警持续未改善时，按下表逐级督办：提醒、提醒函、交办函、督办函、通报、约谈。", "While a project stays warned, ding escalates step by step as below: a reminder, then reminder, assignment and supervision letters, a listing in the bulletin, an interview."},
	"ladderui.periods_hint":    {"持续期数：1 表示项目达到该颜色的当月；2 表示该颜色（或更严重的颜色）持续到了第二个月，依此类推。每一步在一次预警过程中只执行一次：从项目达到该颜色起，到降到该颜色以下为止；以后再次达到时重新开始。", "Periods: 1 is the month the project reaches the colour; 2 means it has stayed at that colour or worse into a second month, and so on. Each step is taken once per episode: from reaching the colour until falling below it; reaching it again starts a new episode."},
	"ladderui.effect_hint":     {"修改在下次预警计算时生效（项目数据变更时，以及每天凌晨）；已发出的函件和已办事项不受影响。每次修改都记入审计日志。", "A change applies from the next evaluation (on every data change and nightly); letters already issued stay as they are. Every change is audited."},
	"ladderui.readonly":        {"督办升级规则由项目办设置，此处仅供查看。", "The project office sets the ladder; you can read it here."},
	"ladderui.col.n":           {"步骤", "Step"},
	"ladderui.col.colour":      {"颜色（或更严重）", "Colour (or worse)"},
	"ladderui.col.periods":     {"持续期数（月）", "Periods (months)"},
	"ladderui.col.action":      {"措施", "Action"},
	"ladderui.col.due":         {"办理期限（天）", "Deadline (days)"},
	"ladderui.due_hint":        {"办理期限只用于函件（书面回复）和约谈；提醒和通报没有期限，请留空。", "Deadlines apply only to letters (a written reply) and interviews; leave them empty for reminders and bulletin listings."},
	"ladderui.choose":          {"请选择", "Choose"},
	"ladderui.add":             {"添加一步", "Add a step"},
	"ladderui.remove":          {"删除", "Remove"},
	"ladderui.remove_n":        {"删除此步骤", "Remove this step"},
	"ladderui.blank_hint":      {"空行不保存：要删除一步，清空该行即可。", "Empty rows are not saved: to remove a step, clear its row."},
	"ladderui.defaults":        {"恢复默认步骤", "Restore the default steps"},
	"ladderui.defaults_loaded": {"已在表中填入默认步骤，点击“保存”后生效。", "The default steps are filled in: save to apply them."},
	"ladderui.empty":           {"未设置任何步骤：预警项目不会自动督办。", "No steps: warned projects are not escalated automatically."},
	"ladderui.save":            {"保存", "Save"},
	"ladderui.colour_required": {"第 %d 步：请选择颜色", "Step %d: choose a colour"},
	"ladderui.action_required": {"第 %d 步：请选择措施", "Step %d: choose an action"},

	"ladderui.letters_title": {"函件设置", "Letters"},
	"ladderui.letters_hint":  {"提醒函、交办函、督办函以发文单位的名义发出，文号为“前缀〔年份〕序号号”，序号按年份和函件种类分别从 1 编起。修改只影响以后发出的函件。", "Reminder, assignment and supervision letters are issued in the name of the issuing office, numbered prefix〔year〕n号, counted from 1 per year and kind. A change affects letters issued later."},
	"ladderui.issuer":        {"发文单位", "Issuing office"},
	"ladderui.prefix":        {"文号前缀", "Number prefix"},
	"ladderui.letter_kind":   {"函件", "Letter"},
	"ladderui.preview":       {"文号示例", "Example number"},

	// The board's panel.
	"ladderui.board_title":   {"督办", "Escalations (督办)"},
	"ladderui.board_hint":    {"办理中：函件待回复、约谈待完成；提醒和通报发出即办结。", "Open: letters awaiting a reply, interviews to hold; reminders and bulletin listings are done when taken."},
	"ladderui.board.action":  {"措施", "Action"},
	"ladderui.board.open":    {"办理中", "Open"},
	"ladderui.board.overdue": {"已逾期", "Overdue"},
	"ladderui.board.done":    {"已办结", "Done"},
	"ladderui.board.month":   {"本月（%s）", "This month (%s)"},
	"ladderui.board.all":     {"全部督办事项", "All escalations"},
	"ladderui.board.link":    {"督办升级规则", "Escalation ladder"},

	// The rule form: what each kind measures.
	"ladderui.rulehint.invest_lag_points": {"投资滞后（按百分点）：累计完成占年度计划的比例落后时序进度的百分点，如 10 表示落后 10 个百分点，越大越严重。", "Investment lag (points): how many percentage points completion of the annual plan is behind 时序, e.g. 10; higher is worse."},
	"ladderui.rulehint.invest_lag_ratio":  {"投资滞后（按比例）：完成率占时序进度的比例，如 0.8 表示只达到时序进度的 80%，越小越严重。", "Investment lag (ratio): completion as a share of 时序, e.g. 0.8 for 80 percent; lower is worse."},
	"ladderui.rulehint.start_overdue":     {"计划开工逾期：超过计划开工月份仍未开工的月数。", "Start overdue: months past the planned start month without a start."},
	"ladderui.rulehint.stats_overdue":     {"开工未入统：开工后已满的月数（仍未入统）。", "Started, not in statistics: full months since the start."},
	"ladderui.rulehint.milestone":         {"节点预警：节点计划完成日期已过的天数；负数表示还有几天到期（如 -7 为到期前 7 天提醒）。", "Milestone: days past the planned date; negative means due in that many days (-7: a week before)."},
	"ladderui.rulehint.report_missing":    {"进度未填报：连续未按期填报的期数（月）。", "Report missing: reporting periods (months) in a row without a report."},
	"ladderui.rulehint.stage_stale":       {"阶段停滞：谋划、在谈、签约阶段项目无更新的天数。", "Stale stage: days without an update of a lead in planning, negotiation or signed."},
	"ladderui.rulehint.item_overdue":      {"事项逾期：诉求、交办事项超过办理期限的天数。", "Item overdue: days past the deadline of a demand or action item."},
})

package i18n

// The 对赌 commitment pages: a project's clauses with the forms that add, confirm and waive
// them, the list of all clauses in the caller's scope with its Excel export, and the JSON
// API (web/page_commitments.go, web/api_commitments.go and their templates). The kinds,
// sides, statuses and the store's errors are commit.* (messages_commitments.go).
var _ = addUI(map[string][2]string{
	"flash.commitui_added":     {"对赌条款已登记", "Clause recorded"},
	"flash.commitui_confirmed": {"履约情况已确认", "Confirmation recorded"},
	"flash.commitui_waived":    {"该条款已豁免，不再产生预警", "Clause waived: it no longer warns"},

	// Navigation and titles.
	"commitui.nav":           {"对赌条款", "Commitments"},
	"commitui.title":         {"对赌条款", "Commitments"},
	"commitui.project_title": {"%s · 对赌条款", "%s · Commitments"},
	"commitui.back_project":  {"返回项目", "Back to the project"},
	"commitui.warnings":      {"项目预警", "Project warnings"},
	"commitui.all":           {"全部对赌条款", "All commitments"},
	"commitui.as_of":         {"判断日期：%s（到期、逾期按此日期判断）", "As of %s (due and overdue are judged on this date)"},
	"commitui.intro": {"签约协议中双方的对赌条款：到资、开工、投产由系统根据项目数据自动核验，其余条款到期后由责任单位确认。未履约的条款作为项目的“事项逾期”预警，直至项目办豁免。",
		"The clauses of the signed agreement, on both sides: capital, start and production are checked from the project's data, the others are confirmed by the responsible unit once due. A broken clause warns as an overdue item of its project until the office waives it."},
	"commitui.not_signed": {"项目尚未签约，签约后才能登记对赌条款。", "The project is not signed yet: clauses can be recorded once it is."},

	// Counts.
	"commitui.card.pending":  {"未到期", "Not yet due"},
	"commitui.card.awaiting": {"待确认", "Awaiting"},
	"commitui.card.kept":     {"已履约", "Kept"},
	"commitui.card.broken":   {"未履约", "Broken"},
	"commitui.card.waived":   {"已豁免", "Waived"},

	// Columns.
	"commitui.col.seq":        {"序号", "No."},
	"commitui.col.project":    {"项目", "Project"},
	"commitui.col.side":       {"所属方", "Side"},
	"commitui.col.kind":       {"类型", "Kind"},
	"commitui.col.clause":     {"条款内容", "Clause"},
	"commitui.col.amount":     {"金额（万元）", "Amount (10k yuan)"},
	"commitui.col.due":        {"约定期限", "Due"},
	"commitui.col.penalty":    {"违约责任", "Penalty"},
	"commitui.col.unit":       {"责任单位", "Responsible unit"},
	"commitui.col.status":     {"状态", "Status"},
	"commitui.col.measured":   {"系统核验", "What ding measured"},
	"commitui.col.note":       {"确认/豁免说明", "Confirmation or waiver"},
	"commitui.col.outcome":    {"核验与确认情况", "Outcome"},
	"commitui.col.decided_by": {"认定人", "Decided by"},
	"commitui.col.checked_on": {"认定日期", "Decided on"},
	"commitui.penalty_line":   {"违约责任：%s", "Penalty: %s"},
	"commitui.none":           {"暂无对赌条款", "No clauses"},
	"commitui.total_n":        {"共 %d 条", "%d clauses"},
	"commitui.days_left":      {"%d 天后到期", "due in %d days"},
	"commitui.due_today":      {"今日到期", "due today"},
	"commitui.days_over":      {"已过期 %d 天", "%d days past due"},
	"commitui.by_data":        {"系统核验", "checked by ding"},
	"commitui.by_unit":        {"由责任单位确认", "confirmed by the unit"},
	"commitui.awaiting_hint":  {"请责任单位确认", "for the unit to confirm"},

	// Filters and paging.
	"commitui.f.status": {"状态", "Status"},
	"commitui.f.side":   {"所属方", "Side"},
	"commitui.f.unit":   {"责任单位", "Responsible unit"},
	"commitui.any":      {"不限", "Any"},
	"commitui.filter":   {"筛选", "Filter"},
	"commitui.reset":    {"清除筛选", "Clear filters"},
	"commitui.export":   {"导出 Excel", "Export Excel"},
	"commitui.prev":     {"上一页", "Previous"},
	"commitui.next":     {"下一页", "Next"},
	"commitui.page":     {"第 %d / %d 页", "Page %d of %d"},
	"commitui.range":    {"第 %d—%d 条", "clauses %d–%d"},

	// The add form.
	"commitui.add_title":      {"登记对赌条款", "Record a clause"},
	"commitui.add_hint":       {"按签约协议逐条登记。到资、税收、产值条款填写金额（万元）；交地、政策兑现为政府方条款。", "One clause of the agreement at a time. Capital, tax and output need an amount in 10k yuan; land and policy are the government's clauses."},
	"commitui.form.side":      {"所属方", "Side"},
	"commitui.form.kind":      {"条款类型", "Kind"},
	"commitui.form.clause":    {"条款内容", "Clause"},
	"commitui.form.amount":    {"金额（万元）", "Amount (10k yuan)"},
	"commitui.form.due":       {"约定期限", "Due date"},
	"commitui.form.penalty":   {"违约责任或补救措施", "Penalty or remedy"},
	"commitui.form.unit":      {"责任单位（负责确认）", "Responsible unit (confirms it)"},
	"commitui.form.choose":    {"请选择", "Choose"},
	"commitui.form.investor":  {"投资方条款", "Investor's clauses"},
	"commitui.form.gov":       {"政府方条款", "Government's clauses"},
	"commitui.form.submit":    {"登记条款", "Record the clause"},
	"commitui.amount_wan":     {"到资、税收、产值条款须填写金额（万元）", "Capital, tax and output clauses need an amount (10k yuan)"},
	"commitui.version_needed": {"请提供条款的版本号（version）", "Give the clause's version"},

	// Confirming and waiving.
	"commitui.act_title":      {"确认与豁免", "Confirm or waive"},
	"commitui.confirm_title":  {"确认履约情况", "Confirm"},
	"commitui.confirm_hint":   {"该条款系统无法根据数据核验，请责任单位如实确认；未到期的条款只能确认为已履约（提前履约）。", "ding cannot check this clause from its data: the responsible unit says whether it was kept; before it is due it can only be confirmed kept (early)."},
	"commitui.kept":           {"已履约", "Kept"},
	"commitui.broken":         {"未履约", "Broken"},
	"commitui.kept_label":     {"履约情况", "Outcome"},
	"commitui.kept_required":  {"请选择已履约或未履约", "Choose kept or broken"},
	"commitui.note":           {"情况说明", "What happened"},
	"commitui.confirm_submit": {"确认", "Confirm"},
	"commitui.waive_title":    {"豁免", "Waive"},
	"commitui.waive_hint":     {"豁免后该条款不再作为预警；须写明理由（如经区政府同意延期）。", "A waived clause stops warning; give the reason (e.g. an extension the district agreed)."},
	"commitui.reason":         {"豁免理由", "Reason"},
	"commitui.waive_submit":   {"豁免", "Waive"},
	"commitui.waive_confirm":  {"确定豁免该条款？", "Waive this clause?"},

	// The export.
	"commitui.sheet":       {"对赌条款", "Commitments"},
	"commitui.sheet_title": {"%s对赌条款履约情况", "Commitments of %s"},
	"commitui.sheet_date":  {"导出日期：%s　判断日期：%s", "Exported %s, as of %s"},
})

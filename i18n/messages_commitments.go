package i18n

// 对赌 commitments (ding/commitment.go, store/commitments.go).
var _ = addUI(map[string][2]string{
	"commit.side.investor":   {"投资方", "Investor"},
	"commit.side.government": {"政府方", "Government"},
	"commit.kind.capital":    {"到资", "Capital in place"},
	"commit.kind.start":      {"开工", "Start"},
	"commit.kind.production": {"投产", "Production"},
	"commit.kind.tax":        {"税收", "Tax"},
	"commit.kind.output":     {"产值", "Output"},
	"commit.kind.land":       {"交地", "Land delivered"},
	"commit.kind.policy":     {"政策兑现", "Policy honoured"},
	"commit.kind.other":      {"其他", "Other"},
	"commit.status.pending":  {"未到期", "Not yet due"},
	"commit.status.awaiting": {"待确认", "Awaiting confirmation"},
	"commit.status.kept":     {"已履约", "Kept"},
	"commit.status.broken":   {"未履约", "Broken"},
	"commit.status.waived":   {"已豁免", "Waived"},

	"commit.side_invalid":          {"请选择条款所属方：投资方或政府方", "Choose the side: investor or government"},
	"commit.kind_invalid":          {"请选择条款类型", "Choose the kind of clause"},
	"commit.kind_side":             {"条款类型与所属方不符：交地、政策兑现为政府方条款，到资、开工、投产、税收、产值为投资方条款", "The kind does not fit the side: land and policy are the government's, capital, start, production, tax and output the investor's"},
	"commit.clause_required":       {"请填写条款内容", "The clause is required"},
	"commit.due_required":          {"请填写约定期限", "The due date is required"},
	"commit.amount_required":       {"到资、税收、产值条款须填写金额（元）", "Capital, tax and output clauses need an amount (yuan)"},
	"commit.amount_unexpected":     {"该类条款不填写金额", "This kind of clause has no amount"},
	"commit.not_signed":            {"项目尚未签约，不能登记对赌条款", "The project is not signed: it has no agreement clauses yet"},
	"commit.stale":                 {"该条款已被他人更新，请刷新后重试，您的填写未保存", "Someone updated this clause: reload and try again; what you entered was not saved"},
	"commit.confirm_not_yours":     {"只有责任单位或项目办可以确认履约情况", "Only the responsible unit or the project office can confirm it"},
	"commit.checked_by_data":       {"该条款由系统根据项目数据自动核验，无需人工确认", "ding checks this clause from the project's data: it needs no confirmation"},
	"commit.decided":               {"该条款已有结论", "This clause is decided already"},
	"commit.note_required":         {"请填写履约情况说明", "Say what happened"},
	"commit.not_due":               {"条款尚未到期，不能确认为未履约", "The clause is not due yet: it cannot be broken"},
	"commit.waive_reason_required": {"豁免须说明理由", "Give the reason for the waiver"},

	"notify.event.commitment.due":    {"对赌条款到期待确认", "A commitment fell due: confirm it"},
	"notify.event.commitment.broken": {"对赌条款未履约", "A commitment was broken"},
})

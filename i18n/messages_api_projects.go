package i18n

// Messages of the project registry's JSON API (web/api_projects*.go).
var _ = addUI(map[string][2]string{
	"apip.param_oneof":      {"参数 %[1]s 的值“%[2]s”无效，可选值：%[3]s", "Invalid value %[2]q for parameter %[1]s; allowed: %[3]s"},
	"apip.date_invalid":     {"日期“%s”无效，应为 YYYY-MM-DD 格式的真实日期", "Date %q is invalid: want a real date as YYYY-MM-DD"},
	"apip.version_required": {"请提供读取项目时的版本号 version，以免覆盖他人的修改", "Send the version you read (version), so that no one's changes are overwritten"},
	"apip.stage_readonly":   {"项目阶段不能在此修改，请使用阶段变更接口 POST /api/v1/projects/{id}/stage", "The stage cannot be changed here: use POST /api/v1/projects/{id}/stage"},
	"apip.months_count":     {"月度计划应有 12 个月的金额（收到 %d 个）", "months must hold 12 amounts (got %d)"},
	"apip.month_negative":   {"%d 月的计划金额不能为负数", "The amount of month %d cannot be negative"},
	"apip.path_mismatch":    {"请求内容中的 %s 与请求地址中的不一致", "%s in the body differs from the one in the URL"},
	"apip.decision_invalid": {"审核结论“%s”无效，应为 approve（通过）或 return（退回）", "Decision %q is invalid: approve or return"},
	"apip.chains_required":  {"请提供产业链清单 chains（可为空数组）", "Send the list of chains (chains, possibly empty)"},
})

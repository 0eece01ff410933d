package i18n

// Warning store and rule editor messages.
var _ = addUI(map[string][2]string{
	"warn.rule_stale":                 {"该规则已被他人修改（%s），请刷新后重新编辑，您的修改未保存", "Someone changed this rule (%s): reload and edit again; your changes were not saved"},
	"warn.threshold_not_number":       {"“%s”的阈值不是数字", "The threshold of %q is not a number"},
	"warn.scope_unit_unknown":         {"适用范围中的单位不存在或不在您的管理范围内", "A unit of the scope does not exist or is outside your scope"},
	"warn.colour_in_use":              {"颜色“%s”仍被规则“%s”使用，不能删除", "Colour %q is still used by rule %q and cannot be removed"},
	"warn.exemption_kind_invalid":     {"豁免类型无效（不可抗力、政策调整或其他）", "Invalid exemption kind (force majeure, policy change or other)"},
	"warn.exemption_reason_required":  {"申请豁免须说明理由", "Give the reason for the exemption"},
	"warn.exemption_until_past":       {"豁免截止日期不能早于今天", "The exemption cannot end before today"},
	"warn.exemption_pending":          {"该项目已有待审批的豁免申请", "This project already has an exemption awaiting a decision"},
	"warn.exemption_decided":          {"该豁免申请已处理", "This exemption has been decided already"},
	"warn.exemption_comment_required": {"驳回豁免申请须填写意见", "Give a comment when rejecting an exemption"},
	"warn.exemption_not_approved":     {"只有已批准的豁免可以撤销", "Only an approved exemption can be revoked"},
})

package i18n

// The escalation ladder (督办升级): its validation, the actions' names, letters, replies and
// interview records (ding/escalation.go, store/escalations.go).
var _ = addUI(map[string][2]string{
	"ladder.action.remind":           {"提醒", "Reminder"},
	"ladder.action.letter_remind":    {"提醒函", "Reminder letter"},
	"ladder.action.letter_assign":    {"交办函", "Assignment letter"},
	"ladder.action.letter_supervise": {"督办函", "Supervision letter"},
	"ladder.action.bulletin":         {"通报", "Bulletin listing"},
	"ladder.action.interview":        {"约谈", "Interview"},

	"ladder.too_many":        {"督办升级步骤过多：最多 %d 步", "Too many ladder steps: at most %d"},
	"ladder.colour_unknown":  {"第 %d 步：颜色“%s”不在颜色方案中", "Step %d: colour %q is not in the colour scheme"},
	"ladder.action_invalid":  {"第 %d 步：措施无效，请从列表中选择（提醒、提醒函、交办函、督办函、通报、约谈）", "Step %d: invalid action; choose one from the list (reminder, letters, bulletin, interview)"},
	"ladder.periods_range":   {"第 %d 步：持续期数须为 1 到 24 之间的整数（1 表示达到该颜色的当月）", "Step %d: periods must be a whole number from 1 to 24 (1 is the month the colour is reached)"},
	"ladder.due_range":       {"第 %d 步：函件回复或约谈的期限须为 1 到 90 天", "Step %d: the reply or interview deadline must be 1 to 90 days"},
	"ladder.due_unexpected":  {"第 %d 步：提醒和通报没有办理期限，请将期限留空", "Step %d: reminders and bulletin listings have no deadline; leave it empty"},
	"ladder.step_twice":      {"第 %d 步与前面的步骤重复（颜色、期数和措施都相同）", "Step %d repeats an earlier step (same colour, periods and action)"},
	"ladder.not_number":      {"第 %d 步：“%s”不是整数", "Step %d: %q is not a whole number"},
	"ladder.issuer_required": {"请填写发文单位", "The issuing office is required"},
	"ladder.prefix_required": {"请填写文号前缀", "The number prefix is required"},
	"ladder.prefix_invalid":  {"文号前缀最多 20 个字，且不能含“〔〕”（年份由系统加上）", "A number prefix has at most 20 characters and no 〔〕 (ding adds the year)"},
	"warn.colour_in_ladder":  {"颜色“%s”仍被督办升级第 %d 步使用，不能删除", "Colour %q is still used by step %d of the escalation ladder and cannot be removed"},

	"escalation.stale":                    {"该事项已被他人更新，请刷新后重试，您的填写未保存", "Someone updated this item: reload and try again; what you entered was not saved"},
	"escalation.not_open":                 {"该事项已办结或已撤回，不能再修改", "This item is closed or withdrawn and cannot be changed"},
	"escalation.not_letter":               {"只有函件可以登记回复", "Only letters take a reply"},
	"escalation.not_interview":            {"只有约谈可以登记约谈记录", "Only interviews take an interview record"},
	"escalation.reply_required":           {"请填写回复内容", "The reply is required"},
	"escalation.replied_future":           {"回复日期不能晚于今天", "The reply date cannot be in the future"},
	"escalation.replied_before_issue":     {"回复日期不能早于发函日期", "The reply date cannot be before the letter was issued"},
	"escalation.withdraw_reason_required": {"撤回须说明理由", "Give the reason for withdrawing"},
	"escalation.withdrawn_note":           {"%s 撤回：%s", "Withdrawn by %s: %s"},
	"escalation.manual_action_invalid":    {"手工发起只能选择提醒函、交办函、督办函或约谈", "By hand you can issue a reminder, assignment or supervision letter, or an interview"},
	"escalation.due_days_range":           {"办理期限须为 1 到 90 天", "The deadline must be 1 to 90 days"},
	"escalation.manual_note_required":     {"该项目当前没有预警，手工发起须说明原因", "This project has no warning now: say why you issue this by hand"},
	"escalation.already_open":             {"该项目已有同类未办结事项，请先办结或撤回", "This project already has an open item of this kind: close or withdraw it first"},

	"interview.held_on_required":      {"请填写约谈日期", "The interview date is required"},
	"interview.held_on_future":        {"约谈日期不能晚于今天", "The interview date cannot be in the future"},
	"interview.held_before_issue":     {"约谈日期不能早于约谈任务下达日期", "The interview cannot be before the task was issued"},
	"interview.interviewer_required":  {"请填写约谈人", "Who held the interview is required"},
	"interview.interviewees_required": {"请填写被约谈人", "Who was interviewed is required"},
	"interview.commitments_required":  {"请填写整改承诺", "The commitments are required"},
	"interview.follow_up_before":      {"跟踪复查日期不能早于约谈日期", "The follow-up date cannot be before the interview"},
})

package i18n

// messages maps a key to its Chinese and English text. Keep keys grouped by area.
var messages = map[string][2]string{
	// Errors
	"err.internal":       {"服务器内部错误，请稍后重试", "Internal server error, please try again later"},
	"err.db_unavailable": {"数据库暂时无法访问，请稍后重试", "The database is unavailable, please try again later"},
	"err.not_found":      {"未找到该记录（%s）", "Not found (%s)"},
	"err.page_not_found": {"页面不存在", "Page not found"},
	"err.unauthorized":   {"请先登录", "Please log in"},
	"err.forbidden":      {"您没有执行此操作的权限", "You are not allowed to do this"},
	"err.csrf":           {"页面已过期或请求来源不明，请刷新页面后重试", "The form has expired or the request's origin is unknown; reload the page and try again"},
	"err.too_large":      {"提交的内容过大（上限 %s）", "The request is too large (limit %s)"},
	"err.duplicate":      {"记录重复", "Duplicate record"},
	"err.reference":      {"引用的记录不存在", "A referenced record does not exist"},
	"err.bad_json":       {"请求内容不是有效的 JSON：%s", "The request body is not valid JSON: %s"},
	"err.bad_upload":     {"上传的表单无法读取，请重新选择文件后提交", "The upload could not be read; choose the files again and resubmit"},
	"err.bad_param":      {"参数 %s 的值无效", "Invalid value for parameter %s"},
	"err.method":         {"不支持该请求方法", "Method not allowed"},
	"field.too_long":     {"内容过长（最多 %d 个字符）", "Too long (at most %d characters)"},
	"field.out_of_range": {"数值超出范围", "Value out of range"},
	"field.required":     {"此项必填", "Required"},

	// Units
	"unit.name_required":         {"请填写单位名称", "The unit name is required"},
	"unit.kind_invalid":          {"单位类型无效", "Invalid unit kind"},
	"unit.division_code_invalid": {"行政区划代码“%s”无效：应为 6 位数字（GB/T 2260），如 330803", "Administrative division code %q is invalid: it must be 6 digits (GB/T 2260), e.g. 330803"},
	"unit.uscc_length":           {"统一社会信用代码“%s”长度为 %d 位，应为 18 位", "Unified social credit code %q has %d characters; it must have 18"},
	"unit.uscc_check":            {"统一社会信用代码“%s”校验位不正确", "Unified social credit code %q has a wrong check character"},
	"unit.code_taken":            {"代码“%s”已被其他单位使用", "Code %q is already used by another unit"},
	"unit.parent_not_found":      {"上级单位不存在或不在您的管理范围内", "The parent unit does not exist or is outside your scope"},
	"unit.parent_disabled":       {"上级单位已停用", "The parent unit is disabled"},
	"unit.parent_required":       {"请选择上级单位", "Choose a parent unit"},
	"unit.move_cycle":            {"不能把“%s”移到其下级单位“%s”之下", "Cannot move %q under its own descendant %q"},
	"unit.cannot_disable_own":    {"不能停用您自己所在的单位", "You cannot disable your own unit"},
	"unit.kind.city":             {"市", "City"},
	"unit.kind.district":         {"区县", "District"},
	"unit.kind.town":             {"乡镇街道", "Town / street"},
	"unit.kind.department":       {"部门", "Department"},
	"unit.kind.park":             {"园区", "Park"},
	"unit.kind.enterprise":       {"企业", "Enterprise"},

	// Users
	"user.username_invalid":      {"用户名须以小写字母开头，2–32 位小写字母、数字或 . _ -", "The username must start with a lower-case letter: 2–32 lower-case letters, digits or . _ -"},
	"user.username_taken":        {"用户名“%s”已存在", "Username %q is taken"},
	"user.display_name_required": {"请填写姓名", "The name is required"},
	"user.unit_required":         {"请选择所属单位", "Choose a unit"},
	"user.unit_not_found":        {"所属单位不存在或不在您的管理范围内", "The unit does not exist or is outside your scope"},
	"user.unit_disabled":         {"所属单位已停用", "The unit is disabled"},
	"user.role_invalid":          {"角色无效", "Invalid role"},
	"user.scope_invalid":         {"数据范围无效", "Invalid data scope"},
	"user.lang_invalid":          {"语言无效", "Invalid language"},
	"user.email_invalid":         {"电子邮箱格式不正确", "Invalid e-mail address"},
	"user.password_short":        {"密码至少 %d 位", "The password must have at least %d characters"},
	"user.password_weak":         {"密码须同时包含字母和数字", "The password must contain letters and digits"},
	"user.password_mismatch":     {"两次输入的新密码不一致", "The new passwords do not match"},
	"user.password_wrong":        {"当前密码不正确", "The current password is wrong"},
	"user.grant_forbidden":       {"只有系统管理员可以授予管理员角色或全部数据范围", "Only administrators can grant the administrator role or the 'all' scope"},
	"user.cannot_disable_self":   {"不能停用您自己的账号", "You cannot disable your own account"},
	"role.admin":                 {"系统管理员", "Administrator"},
	"role.office":                {"项目办", "Project office"},
	"role.leader":                {"领导", "Leader"},
	"role.liaison":               {"联络员", "Liaison"},
	"role.viewer":                {"查看", "Viewer"},
	"scope.all":                  {"全部数据", "All data"},
	"scope.unit_tree":            {"本单位及以下", "Own unit and below"},
	"scope.unit":                 {"本单位", "Own unit"},
	"scope.self":                 {"仅本人", "Self only"},

	// Tokens
	"token.name_invalid": {"请填写令牌名称（最多 50 个字符）", "Give the token a name (at most 50 characters)"},

	// Login
	"login.bad_credentials": {"用户名或密码错误", "Wrong username or password"},
	"login.locked":          {"登录失败次数过多，账号已锁定，请 %d 分钟后再试或联系管理员", "Too many failed logins: the account is locked; try again in %d minutes or ask an administrator"},
	"login.too_soon":        {"登录失败次数较多，请 %d 秒后再试", "Too many failed logins; wait %d seconds and try again"},
}

// UI text: navigation, pages, flashes.
var _ = addUI(map[string][2]string{
	"app.name":            {"鼎", "ding"},
	"app.title":           {"鼎 · 重大项目闭环管理平台", "ding · Major Project Loop"},
	"app.subtitle":        {"项目、诉求、会议、指标与预警，一处闭环", "Projects, demands, meetings, targets and warnings in one loop"},
	"nav.home":            {"首页", "Home"},
	"nav.group.projects":  {"项目管理", "Projects"},
	"nav.projects":        {"项目库", "Project registry"},
	"nav.reports":         {"进度填报", "Progress reports"},
	"nav.import":          {"Excel 导入", "Excel import"},
	"nav.rules":           {"预警规则", "Warning rules"},
	"nav.settings":        {"参数设置", "Settings"},
	"nav.group.org":       {"组织与权限", "Organisation"},
	"nav.units":           {"单位管理", "Units"},
	"nav.users":           {"用户管理", "Users"},
	"nav.audit":           {"审计日志", "Audit log"},
	"nav.group.me":        {"个人", "Me"},
	"nav.account":         {"我的账号", "My account"},
	"nav.tokens":          {"API 令牌", "API tokens"},
	"nav.logout":          {"退出登录", "Log out"},
	"nav.menu":            {"菜单", "Menu"},
	"nav.back_home":       {"返回首页", "Back to home"},
	"page.login":          {"登录", "Log in"},
	"page.home":           {"首页", "Home"},
	"page.error":          {"出错了", "Error"},
	"login.username":      {"用户名", "Username"},
	"login.password":      {"密码", "Password"},
	"login.submit":        {"登录", "Log in"},
	"home.welcome":        {"您好，%s", "Hello, %s"},
	"home.units_in_scope": {"可见单位", "Units in your scope"},
	"home.users_in_scope": {"可见用户", "Users in your scope"},
	"home.my_unit":        {"所属单位", "Your unit"},
	"home.units_by_kind":  {"可见单位构成", "Units in your scope by kind"},
	"home.kind":           {"类型", "Kind"},
	"home.count":          {"数量", "Count"},
	"flash.saved":         {"已保存", "Saved"},
	"flash.created":       {"已创建", "Created"},
	"flash.moved":         {"已移动", "Moved"},
	"flash.logged_out":    {"您已退出登录", "You have logged out"},
	"flash.password":      {"密码已修改", "Password changed"},
	"flash.revoked":       {"已吊销", "Revoked"},
})

func addUI(m map[string][2]string) bool {
	for k, v := range m {
		if _, dup := messages[k]; dup {
			panic("i18n: duplicate key " + k)
		}
		messages[k] = v
	}
	return true
}

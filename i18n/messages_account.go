package i18n

// "My account" (我的账号): profile, password, sessions and personal API tokens.
var _ = addUI(map[string][2]string{
	"account.title":            {"我的账号", "My account"},
	"account.session_required": {"账号设置只能在浏览器登录后使用，API 令牌无权访问", "Account settings need a browser login; API tokens cannot use them"},
	"account.actions":          {"操作", "Actions"},

	// Profile
	"account.profile":      {"基本信息", "Profile"},
	"account.username":     {"用户名", "Username"},
	"account.display_name": {"姓名", "Name"},
	"account.unit":         {"所属单位", "Unit"},
	"account.role":         {"角色", "Role"},
	"account.scope":        {"数据范围", "Data scope"},
	"account.last_login":   {"上次登录", "Last login"},
	"account.edit":         {"修改资料", "Edit profile"},
	"account.email":        {"电子邮箱", "E-mail"},
	"account.phone":        {"联系电话", "Phone"},
	"account.lang":         {"界面语言", "Language"},
	"account.lang_auto":    {"跟随浏览器", "Follow the browser"},
	"account.lang_zh":      {"中文", "中文 (Chinese)"},
	"account.lang_en":      {"English（英文）", "English"},
	"account.save":         {"保存", "Save"},

	// Password
	"account.password":         {"修改密码", "Change password"},
	"account.current_password": {"当前密码", "Current password"},
	"account.new_password":     {"新密码", "New password"},
	"account.confirm_password": {"确认新密码", "Confirm the new password"},
	"account.password_hint":    {"至少 8 位，须同时包含字母和数字。修改后，您在其他浏览器或设备上的登录将全部退出。", "At least 8 characters with letters and digits. After the change, your logins in other browsers and devices end."},
	"account.password_submit":  {"修改密码", "Change password"},
	"account.password_same":    {"新密码不能与当前密码相同", "The new password must differ from the current one"},

	// Sessions
	"account.sessions":               {"登录会话", "Sessions"},
	"account.sessions_hint":          {"以下是您当前有效的登录。如发现不认识的设备，请立即退出该会话并修改密码。", "These are your current logins. If you do not recognise one, sign it out and change your password."},
	"account.session_ip":             {"IP 地址", "IP address"},
	"account.session_agent":          {"浏览器", "Browser"},
	"account.session_created":        {"登录时间", "Logged in"},
	"account.session_last_seen":      {"最近活动", "Last active"},
	"account.session_current":        {"当前会话", "This session"},
	"account.session_revoke":         {"退出", "Sign out"},
	"account.session_revoke_confirm": {"确定退出该会话吗？", "Sign this session out?"},
	"flash.account_session":          {"已退出该会话", "The session was signed out"},

	// API tokens
	"account.tokens_title":         {"API 令牌", "API tokens"},
	"account.tokens_intro":         {"API 令牌供脚本或其他系统调用鼎的接口，拥有与您账号相同的权限和数据范围。请勿分享；不再使用时请及时吊销。", "API tokens let scripts and other systems call ding's API with your account's permissions and data scope. Do not share them; revoke those you no longer use."},
	"account.tokens_none":          {"您还没有 API 令牌", "You have no API tokens"},
	"account.token_name":           {"名称", "Name"},
	"account.token_name_hint":      {"写明用途，如“统计数据同步脚本”", "Say what it is for, e.g. \"statistics sync script\""},
	"account.token_prefix":         {"令牌开头", "Begins with"},
	"account.token_created":        {"创建时间", "Created"},
	"account.token_last_used":      {"最近使用", "Last used"},
	"account.token_status":         {"状态", "Status"},
	"account.token_active":         {"有效", "Active"},
	"account.token_revoked":        {"已吊销", "Revoked"},
	"account.token_revoke":         {"吊销", "Revoke"},
	"account.token_revoke_confirm": {"确定吊销令牌“%s”吗？使用它的脚本将立即失效。", "Revoke token %q? Scripts using it stop working at once."},
	"account.token_create":         {"新建令牌", "New token"},
	"account.token_create_submit":  {"生成令牌", "Create token"},
	"account.token_new_title":      {"新令牌已生成", "Your new token"},
	"account.token_once":           {"请立即复制并妥善保存：此令牌只显示这一次，离开本页后将无法再次查看。", "Copy it now and keep it safe: the token is shown only this once and cannot be seen again after you leave this page."},
	"account.token_copy":           {"复制", "Copy"},
	"account.token_usage":          {"用法示例：", "Example:"},
})

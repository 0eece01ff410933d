package i18n

// Messages of the JSON API (web/api*.go).
var _ = addUI(map[string][2]string{
	"api.no_route":                  {"没有这个 API 接口：%s %s", "No such API endpoint: %s %s"},
	"api.content_type":              {"请求的 Content-Type 必须是 application/json（收到“%s”）", "The request's Content-Type must be application/json (got %q)"},
	"api.body_required":             {"请求内容为空，应为 JSON 对象", "The request body is empty; send a JSON object"},
	"api.body_not_object":           {"请求内容应为 JSON %s", "The request body must be a JSON %s"},
	"api.json_truncated":            {"请求内容不是完整的 JSON（提前结束）", "The request body is not complete JSON (it ends early)"},
	"api.json_syntax":               {"请求内容不是有效的 JSON（第 %d 个字节附近有语法错误）", "The request body is not valid JSON (syntax error near byte %d)"},
	"api.trailing_data":             {"JSON 对象之后还有多余内容", "There is extra data after the JSON object"},
	"api.unknown_field":             {"未知字段“%s”", "Unknown field %q"},
	"api.bad_type":                  {"字段“%s”的类型不正确，应为 %s", "Field %q has the wrong type; it must be a JSON %s"},
	"api.bad_time":                  {"参数 %s 应为 RFC 3339 时间（如 2024-03-01T08:00:00+08:00）或日期（如 2024-03-01）", "Parameter %s must be an RFC 3339 time (e.g. 2024-03-01T08:00:00+08:00) or a date (e.g. 2024-03-01)"},
	"api.current_password_required": {"修改自己的密码需要提供当前密码（current_password）", "Changing your own password needs your current password (current_password)"},
})

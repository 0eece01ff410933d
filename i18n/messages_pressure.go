package i18n

// Behaviour under pressure (web/pressure.go, templates/busy.html): busy and timeout answers.
var _ = addUI(map[string][2]string{
	"pressure.busy_title":    {"系统繁忙", "Server busy"},
	"pressure.busy":          {"系统繁忙，请 %d 秒后再试", "The server is busy, please try again in %d s"},
	"pressure.busy_note":     {"同时进行的导出、导入和报表生成较多，为保证系统稳定，本次请求未执行，请稍后重试。", "Many exports, imports and reports are running at once; to keep the system responsive this request was not started. Please try again shortly."},
	"pressure.timeout_title": {"请求超时", "Request timed out"},
	"pressure.timeout":       {"请求处理超过 %d 秒仍未完成，已停止。请缩小范围（如选择单位或年份）后重试。", "The request did not finish within %d s and was stopped. Narrow it down (choose a unit or a year) and try again."},
	"pressure.retry":         {"重试", "Try again"},
})

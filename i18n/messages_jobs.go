package i18n

// Background job runs (web/page_jobs.go, templates/jobs.html).
var _ = addUI(map[string][2]string{
	"jobs.title":                 {"后台任务", "Background jobs"},
	"jobs.link":                  {"后台任务", "Background jobs"},
	"jobs.intro":                 {"每小时的例行清理和每天凌晨的预警重算，在多台服务器中只由一台执行；这里列出每次执行的服务器、次数和结果。", "The hourly housekeeping and the nightly warning pass run on one server of a deployment; each run's server, attempts and outcome."},
	"jobs.days":                  {"最近天数", "Last days"},
	"jobs.show":                  {"显示", "Show"},
	"jobs.days_invalid":          {"天数应为 1 至 %d 之间的整数", "Days must be a whole number from 1 to %d"},
	"jobs.col_job":               {"任务", "Job"},
	"jobs.col_slot":              {"时段", "Slot"},
	"jobs.col_status":            {"状态", "Status"},
	"jobs.col_owner":             {"执行服务器", "Server"},
	"jobs.col_attempts":          {"认领次数", "Claims"},
	"jobs.col_started":           {"开始", "Started"},
	"jobs.col_finished":          {"完成", "Finished"},
	"jobs.col_result":            {"结果", "Result"},
	"jobs.status_done":           {"已完成", "Done"},
	"jobs.status_failed":         {"失败，待重试", "Failed, will retry"},
	"jobs.status_running":        {"执行中", "Running"},
	"jobs.status_abandoned":      {"中断，待接手", "Abandoned, to be taken over"},
	"jobs.name_housekeeping":     {"例行清理（会话、已发送通知、统计信息）", "Housekeeping (sessions, sent notifications, statistics)"},
	"jobs.name_warnings.nightly": {"每日预警重算", "Nightly warning pass"},
	"jobs.none":                  {"这段时间没有后台任务记录。", "No job runs in this period."},
})

package i18n

// The working-day calendar (ding/calendar): listed days and their CSV import.
var _ = addUI(map[string][2]string{
	"calendar.date_required":      {"请填写日期", "The date is required"},
	"calendar.date_invalid":       {"日期“%s”无效，应为 YYYY-MM-DD", "Invalid date %q: use YYYY-MM-DD"},
	"calendar.kind_invalid":       {"类型无效：holiday（放假）或 workday（调休上班）", "Invalid kind: holiday (day off) or workday (make-up working day)"},
	"calendar.name_required":      {"请填写节日名称", "The holiday's name is required"},
	"calendar.workday_on_weekday": {"%s 是工作日，无需登记为调休上班", "%s is a weekday: it is a working day anyway"},
	"calendar.date_twice":         {"日期 %s 重复（第 %d 行已登记）", "Date %s is listed twice (first on line %d)"},
	"calendar.csv_invalid":        {"无法读取该行：不是有效的 CSV", "Cannot read this line: not valid CSV"},
	"calendar.csv_columns":        {"该行有 %d 列，应为 3 列：日期,类型,名称", "This line has %d columns; it needs 3: date,kind,name"},
})

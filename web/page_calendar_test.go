package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ding"
	"ding/calendar"
)

// calendarDays reads a year's listed days as the system.
func calendarDaysOf(t *testing.T, f *fixture, year int) []calendar.Day {
	t.Helper()
	days, err := f.db.CalendarDays(f.sysCtx(), year)
	if err != nil {
		t.Fatal(err)
	}
	return days
}

// TestCalendarPage: everyone reads a year with its month grid and working days; the
// administrator lists and removes days; others cannot.
func TestCalendarPage(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		itemSetup(t, f)
		ac := f.login("admin")
		res, body := ac.getRes("/settings/calendar?year=2024")
		if res.StatusCode != 200 {
			t.Fatalf("calendar: %d", res.StatusCode)
		}
		// October 2024: 23 weekdays, 1–7 off (five weekdays), Saturday 12th worked: 19.
		oct := body[strings.Index(body, `id="cal-month-10"`):]
		oct = oct[:strings.Index(oct, "</table>")]
		if !strings.Contains(oct, "19 个工作日") || !strings.Contains(oct, `<td class="hol" title="国庆节">1</td>`) ||
			!strings.Contains(oct, `<td class="mk" title="国庆节 调休上班">12</td>`) || !strings.Contains(oct, `<td class="we">19</td>`) {
			t.Errorf("October: %s", oct)
		}
		for _, want := range []string{"2024 年节假日安排", `id="cal-day-2024-10-01"`, "国庆节", "放假", "调休上班", `id="cal-add-form"`, `id="cal-import-form"`,
			`id="nav-calendar"`, `href="/settings/calendar/export.csv?year=2024"`, `<td class="today">20</td>`, `id="cal-workdays">251<`} {
			if !strings.Contains(body, want) {
				t.Errorf("calendar lacks %q", want)
			}
		}
		// The default year is the warning date's.
		if body := ac.get("/settings/calendar"); !strings.Contains(body, "2024 年节假日安排") {
			t.Errorf("default year")
		}
		if res, _ := ac.getRes("/settings/calendar?year=1800"); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("year 1800: %d", res.StatusCode)
		}
		// A year with nothing listed says so.
		if body := ac.get("/settings/calendar?year=2027"); !strings.Contains(body, `id="cal-days-none"`) {
			t.Errorf("2027 is not empty")
		}
		// Others read, without the forms, and cannot write.
		oc := f.login("office")
		body = oc.get("/settings/calendar?year=2024")
		if !strings.Contains(body, `id="cal-readonly"`) || strings.Contains(body, `id="cal-add-form"`) || strings.Contains(body, `id="nav-calendar"`) {
			t.Errorf("office's calendar page wrong")
		}
		if res, _ := oc.submit("/settings/calendar/days", url.Values{"date": {"2027-01-01"}, "kind": {"holiday"}, "name": {"元旦"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("office adds: %d", res.StatusCode)
		}
		if res, _ := oc.submit("/settings/calendar/days/2024-10-01/delete", nil); res.StatusCode != http.StatusForbidden {
			t.Errorf("office deletes: %d", res.StatusCode)
		}
		// A make-up day on a weekday: the message next to the field, what was typed kept.
		res, body = ac.submit("/settings/calendar/days", url.Values{"date": {"2027-01-04"}, "kind": {"workday"}, "name": {"元旦"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="cal-kind-error">2027-01-04 是工作日，无需登记为调休上班`) ||
			!strings.Contains(body, `value="2027-01-04"`) || len(calendarDaysOf(t, f, 2027)) != 0 {
			t.Fatalf("workday on Monday: %d %.2000s", res.StatusCode, body)
		}
		res, body = ac.submit("/settings/calendar/days", url.Values{"date": {"2027-13-01"}, "kind": {"holiday"}, "name": {"x"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="cal-date-error">`) {
			t.Fatalf("bad date: %d", res.StatusCode)
		}
		res, _ = ac.submit("/settings/calendar/days", url.Values{"date": {"2027-01-01"}, "kind": {"holiday"}, "name": {"元旦"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/settings/calendar?year=2027&flash=calui_added" {
			t.Fatalf("add: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if d := calendarDaysOf(t, f, 2027); len(d) != 1 || d[0].Name != "元旦" || d[0].Kind != calendar.Holiday {
			t.Fatalf("added: %+v", d)
		}
		if body := ac.get("/settings/calendar?year=2027"); !strings.Contains(body, `id="cal-day-2027-01-01"`) {
			t.Errorf("the added day is not listed")
		}
		res, _ = ac.submit("/settings/calendar/days/2027-01-01/delete", nil)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/settings/calendar?year=2027&flash=calui_deleted" || len(calendarDaysOf(t, f, 2027)) != 0 {
			t.Fatalf("delete: %d", res.StatusCode)
		}
		if res, _ := ac.submit("/settings/calendar/days/2027-01-01/delete", nil); res.StatusCode != http.StatusNotFound {
			t.Fatalf("delete twice: %d", res.StatusCode)
		}
	})
}

// TestCalendarImport: a CSV with a bad line is refused with its line and column and
// nothing is saved; a good one is previewed, then imported all at once; the export reads
// back.
func TestCalendarImport(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		itemSetup(t, f)
		ac := f.login("admin")
		bad := "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-06,rest,春节\n2027-02-07,holiday,春节\n"
		res, body := ac.upload("/settings/calendar/import?year=2027", "2027.csv", []byte(bad), true)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="cal-import-error">第 3 行“类型”列：类型无效：holiday（放假）或 workday（调休上班）`) ||
			!strings.Contains(body, "未导入任何日期") || strings.Contains(body, `id="cal-commit-form"`) {
			t.Fatalf("bad line: %d %.3000s", res.StatusCode, body)
		}
		if d := calendarDaysOf(t, f, 2027); len(d) != 0 {
			t.Fatalf("a bad file saved %d days", len(d))
		}
		res, body = ac.upload("/settings/calendar/import?year=2027", "2027.csv", []byte("2027-01-01,holiday,元旦\n2027-01-01,holiday,元旦\n"), true)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "第 2 行“日期”列：日期 2027-01-01 重复（第 1 行已登记）") {
			t.Fatalf("a date twice: %d %.3000s", res.StatusCode, body)
		}
		if res, body := ac.upload("/settings/calendar/import?year=2027", "x.csv", nil, true); res.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "请选择要导入的 CSV 文件") {
			t.Fatalf("no file: %d", res.StatusCode)
		}
		// An office user cannot import.
		if res, _ := f.login("office").upload("/settings/calendar/import?year=2027", "2027.csv", []byte("2027-01-01,holiday,元旦\n"), true); res.StatusCode != http.StatusForbidden {
			t.Fatalf("office imports: %d", res.StatusCode)
		}
		good := "\ufeffdate,kind,name\n# 2027 年（示例）\n2027-01-01,holiday,元旦\n2027-02-06,workday,春节\n2027-02-08,holiday,春节\n"
		res, body = ac.upload("/settings/calendar/import?year=2027", "2027.csv", []byte(good), true)
		if res.StatusCode != 200 || !strings.Contains(body, "文件无误：共 3 天（2027 年），确认后导入") || !strings.Contains(body, `id="cal-commit-form"`) ||
			!strings.Contains(body, "2027-02-06") {
			t.Fatalf("preview: %d %.3000s", res.StatusCode, body)
		}
		if d := calendarDaysOf(t, f, 2027); len(d) != 0 {
			t.Fatalf("a preview saved %d days", len(d))
		}
		hash := body[strings.Index(body, `name="hash" value="`)+len(`name="hash" value="`):]
		hash = hash[:64]
		audits := f.auditCount()
		res, _ = ac.submit("/settings/calendar/import/commit", url.Values{"hash": {hash}, "name": {"2027.csv"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/settings/calendar?year=2027&flash=calui_imported" {
			t.Fatalf("commit: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		days := calendarDaysOf(t, f, 2027)
		if len(days) != 3 || days[1].Date != (ding.Date{Year: 2027, Month: 2, Day: 6}) || days[1].Kind != calendar.Workday || f.auditCount() != audits+1 {
			t.Fatalf("imported: %+v", days)
		}
		if res, _ := ac.submit("/settings/calendar/import/commit", url.Values{"hash": {strings.Repeat("0", 64)}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("unknown hash: %d", res.StatusCode)
		}
		// The export is the import's format.
		res, body = ac.getRes("/settings/calendar/export.csv?year=2024")
		if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Disposition"), "holidays-2024.csv") ||
			!strings.HasPrefix(body, "\ufeffdate,kind,name\r\n2024-01-01,holiday,元旦\r\n") || !strings.Contains(body, "2024-10-12,workday,国庆节\r\n") {
			t.Fatalf("export: %d %.300s", res.StatusCode, body)
		}
		parsed, err := calendar.ParseCSV(strings.NewReader(body))
		if err != nil || len(parsed) != len(calendarDaysOf(t, f, 2024)) {
			t.Fatalf("the export does not read back: %d %v", len(parsed), err)
		}
		if body := f.login("viewer").get("/settings/calendar/export.csv?year=2027"); !strings.Contains(body, "2027-02-06,workday,春节") {
			t.Fatalf("viewer's export: %.300s", body)
		}
	})
}

package web

// The working-day calendar (节假日安排) that the service clocks of demands and action items
// count in: a year's listed days (holidays and make-up working days) with a month grid and
// each month's working days; the administrator adds and removes days, imports a CSV
// (upload → preview of the parsed days, or the first bad line with its column → commit all
// or nothing) and exports a year. Everyone else reads.

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"ding"
	"ding/calendar"
	"ding/i18n"
)

// calendarCSVMax bounds an imported CSV: a year of arrangements is a few kilobytes.
const calendarCSVMax = 1 << 20

func (s *Server) calendarPageRoutes() {
	s.handle("GET /settings/calendar", s.page(s.calendarPage, true))
	s.handle("GET /settings/calendar/export.csv", s.page(s.calendarExport, true))
	s.handle("POST /settings/calendar/days", s.page(s.calendarAdd, true))
	s.handle("POST /settings/calendar/days/{date}/delete", s.page(s.calendarDelete, true))
	s.handle("POST /settings/calendar/import", s.page(s.calendarImport, true))
	s.handle("POST /settings/calendar/import/commit", s.page(s.calendarCommit, true))
}

// calDayRow is a listed day as the table shows it.
type calDayRow struct {
	Date     ding.Date
	Weekday  string
	Weekend  bool
	Kind     string
	KindName string
	Name     string
}

// calCell is a day of a month grid (Day 0: a blank before the 1st or after the last).
type calCell struct {
	Day   int
	Class string // hol: listed day off, mk: make-up working day, we: weekend, today
	Title string
}

// calMonth is a month of the grid with its working days.
type calMonth struct {
	N        int
	Label    string
	Workdays int
	Weeks    [][]calCell
}

// calImport is the outcome of an uploaded CSV: its days, or its first bad line.
type calImport struct {
	Name    string
	Hash    string
	Days    []calDayRow
	Years   string
	Line    int
	Column  string
	Message string
	Failed  bool
}

// calendarData is what calendar.html shows.
type calendarData struct {
	Year, Prev, Next int
	Days             []calDayRow
	Months           []calMonth
	Workdays         int // working days of the year
	Holidays         int // listed days off
	Makeups          int // listed make-up working days
	WeekHead         []string
	CanEdit          bool
	Import           *calImport
	ExportURL        string
}

func calDayRowOf(lang string, d calendar.Day) calDayRow {
	wd := d.Date.Time().Weekday()
	return calDayRow{Date: d.Date, Weekday: i18n.T(lang, "calui.wd."+strconv.Itoa(int(wd))), Weekend: wd == time.Saturday || wd == time.Sunday,
		Kind: string(d.Kind), KindName: i18n.T(lang, "calui.kind."+string(d.Kind)), Name: d.Name}
}

// calendarMonths lays out a year's months, Monday first, and counts their working days.
func calendarMonths(lang string, cal *calendar.Calendar, year int, today ding.Date) ([]calMonth, int) {
	var out []calMonth
	total := 0
	for m := time.January; m <= time.December; m++ {
		cm := calMonth{N: int(m), Label: i18n.T(lang, "calui.month."+strconv.Itoa(int(m)))}
		first := ding.Date{Year: year, Month: m, Day: 1}
		var week []calCell
		for range (int(first.Time().Weekday()) + 6) % 7 {
			week = append(week, calCell{})
		}
		for d := first; d.Month == m; d = d.AddDays(1) {
			c := calCell{Day: d.Day}
			x, listed := cal.Lookup(d)
			wd := d.Time().Weekday()
			switch {
			case listed && x.Kind == calendar.Holiday:
				c.Class, c.Title = "hol", x.Name
			case listed && x.Kind == calendar.Workday:
				c.Class, c.Title = "mk", x.Name+" "+i18n.T(lang, "calui.kind.workday")
			case wd == time.Saturday || wd == time.Sunday:
				c.Class = "we"
			}
			if d == today {
				c.Class = strings.TrimSpace(c.Class + " today")
			}
			if cal.IsWorkday(d) {
				cm.Workdays++
			}
			week = append(week, c)
			if len(week) == 7 {
				cm.Weeks = append(cm.Weeks, week)
				week = nil
			}
		}
		if len(week) > 0 {
			for len(week) < 7 {
				week = append(week, calCell{})
			}
			cm.Weeks = append(cm.Weeks, week)
		}
		total += cm.Workdays
		out = append(out, cm)
	}
	return out, total
}

// calendarYear reads ?year= (default: the year of the warning date, the year the clocks
// run in); a year outside 2000–2100 is refused.
func (s *Server) calendarYear(r *http.Request) (int, error) {
	today, err := s.db.WarningToday(r.Context())
	if err != nil {
		return 0, err
	}
	return yearParam(r.URL.Query().Get("year"), today.Year)
}

func (s *Server) calendarPage(w http.ResponseWriter, r *http.Request) error {
	year, err := s.calendarYear(r)
	if err != nil {
		return err
	}
	return s.renderCalendar(w, r, year, http.StatusOK, nil, nil)
}

// renderCalendar shows a year; imp is an uploaded CSV's outcome, formErr a failed add.
func (s *Server) renderCalendar(w http.ResponseWriter, r *http.Request, year, status int, imp *calImport, formErr error) error {
	ctx := r.Context()
	days, err := s.db.CalendarDays(ctx, year)
	if err != nil {
		return err
	}
	cal, err := s.db.Calendar(ctx)
	if err != nil {
		return err
	}
	today, err := s.db.WarningToday(ctx)
	if err != nil {
		return err
	}
	v := s.view(r, "calendar")
	v.Title = v.T("calui.title_year", year)
	v.Crumbs = []crumb{{Label: v.T("calui.title")}}
	d := &calendarData{Year: year, Prev: year - 1, Next: year + 1, CanEdit: reqOf(r).actor.IsAdmin(), Import: imp,
		ExportURL: "/settings/calendar/export.csv?year=" + strconv.Itoa(year)}
	for _, x := range days {
		d.Days = append(d.Days, calDayRowOf(v.Lang, x))
		if x.Kind == calendar.Holiday {
			d.Holidays++
		} else {
			d.Makeups++
		}
	}
	d.Months, d.Workdays = calendarMonths(v.Lang, cal, year, today)
	for _, wd := range []int{1, 2, 3, 4, 5, 6, 0} {
		d.WeekHead = append(d.WeekHead, v.T("calui.wd."+strconv.Itoa(wd)))
	}
	if formErr != nil {
		v.Form = url.Values{}
		for _, k := range []string{"date", "kind", "name"} {
			v.Form.Set(k, r.PostFormValue(k))
		}
		v.withFormError(formErr)
	}
	v.Data = d
	s.renderStatus(w, r, status, "calendar", v)
	return nil
}

// calendarExport sends a year's listed days as the CSV that the import reads.
func (s *Server) calendarExport(w http.ResponseWriter, r *http.Request) error {
	year, err := s.calendarYear(r)
	if err != nil {
		return err
	}
	days, err := s.db.CalendarDays(r.Context(), year)
	if err != nil {
		return err
	}
	rows := [][]string{{"date", "kind", "name"}}
	for _, d := range days {
		rows = append(rows, []string{d.Date.String(), string(d.Kind), d.Name})
	}
	return writeCSV(w, "holidays-"+strconv.Itoa(year)+".csv", rows)
}

// calendarAdd lists one day (replacing what the date had): date, kind, name.
func (s *Server) calendarAdd(w http.ResponseWriter, r *http.Request) error {
	var fe formErrors
	d := calendar.Day{Date: formDate(r.PostForm, "date", &fe), Kind: calendar.Kind(r.PostFormValue("kind")), Name: r.PostFormValue("name")}
	year := d.Date.Year
	if d.Date.IsZero() {
		y, err := s.calendarYear(r)
		if err != nil {
			return err
		}
		year = y
	}
	if len(fe) == 0 {
		fe.add(s.db.SaveCalendarDays(r.Context(), []calendar.Day{d}))
	}
	if len(fe) > 0 {
		if fe[0].Code != ding.EINVALID {
			return fe[0]
		}
		return s.renderCalendar(w, r, year, http.StatusUnprocessableEntity, nil, fe[0])
	}
	return redirect(w, r, "/settings/calendar?year="+strconv.Itoa(year), "calui_added")
}

// calendarDelete removes a listed day.
func (s *Server) calendarDelete(w http.ResponseWriter, r *http.Request) error {
	d, err := ding.ParseDate(r.PathValue("date"))
	if err != nil {
		return ding.Errorf(ding.ENOTFOUND, "err.page_not_found")
	}
	if err := s.db.DeleteCalendarDay(r.Context(), d); err != nil {
		return err
	}
	return redirect(w, r, "/settings/calendar?year="+strconv.Itoa(d.Year), "calui_deleted")
}

// calendarColumn names a CSV column in the reader's language.
func calendarColumn(lang, col string) string {
	switch col {
	case "date", "kind", "name":
		return i18n.T(lang, "calui.col."+col)
	}
	return i18n.T(lang, "calui.col.line")
}

// parseCalendarCSV parses an upload: its days, or the first bad line as a calImport.
func parseCalendarCSV(lang string, data []byte) ([]calendar.Day, *calImport) {
	days, err := calendar.ParseCSV(bytes.NewReader(data))
	var re *calendar.RowError
	switch {
	case errors.As(err, &re):
		return nil, &calImport{Failed: true, Line: re.Line, Column: calendarColumn(lang, re.Column), Message: message(lang, ding.AsError(re.Err))}
	case err != nil:
		return nil, &calImport{Failed: true, Message: message(lang, ding.AsError(err))}
	case len(days) == 0:
		return nil, &calImport{Failed: true, Message: i18n.T(lang, "calendar.empty")}
	}
	return days, nil
}

// calendarImport previews an uploaded CSV: nothing is written. A bad line is reported
// with its number and column; a good file is kept under its hash for the commit.
func (s *Server) calendarImport(w http.ResponseWriter, r *http.Request) error {
	if !reqOf(r).actor.IsAdmin() {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	lang := s.apiLang(r)
	year, err := s.calendarYear(r)
	if err != nil {
		return err
	}
	data, name, err := s.readUpload(r)
	if err == nil && len(data) > calendarCSVMax {
		err = ding.Errorf(ding.ETOOLARGE, "err.too_large", byteSize(calendarCSVMax))
	}
	if err != nil {
		if ding.ErrorCode(err) != ding.EINVALID {
			return err
		}
		if ding.AsError(err).Key == "xlsx.file_required" {
			err = ding.Errorf(ding.EINVALID, "calui.csv_required")
		}
		return s.renderCalendar(w, r, year, http.StatusUnprocessableEntity, &calImport{Failed: true, Message: message(lang, ding.AsError(err))}, nil)
	}
	days, bad := parseCalendarCSV(lang, data)
	if bad != nil {
		bad.Name = name
		return s.renderCalendar(w, r, year, http.StatusUnprocessableEntity, bad, nil)
	}
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	if err := s.saveCalendarCSV(hash, data); err != nil {
		return err
	}
	imp := &calImport{Name: name, Hash: hash}
	var years []string
	for _, d := range days {
		imp.Days = append(imp.Days, calDayRowOf(lang, d))
		if y := strconv.Itoa(d.Date.Year); len(years) == 0 || years[len(years)-1] != y {
			years = append(years, y)
		}
	}
	imp.Years = strings.Join(years, "、")
	return s.renderCalendar(w, r, days[0].Date.Year, http.StatusOK, imp, nil)
}

// calendarCommit imports the CSV previewed before, found again by its hash: all or nothing.
func (s *Server) calendarCommit(w http.ResponseWriter, r *http.Request) error {
	if !reqOf(r).actor.IsAdmin() {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	lang := s.apiLang(r)
	hash := r.PostFormValue("hash")
	if !hashRE.MatchString(hash) {
		return ding.Errorf(ding.EINVALID, "calui.import_expired")
	}
	dir, err := s.importDir()
	if err != nil {
		return err
	}
	data, err := os.ReadFile(filepath.Join(dir, hash+".csv"))
	if errors.Is(err, os.ErrNotExist) {
		return ding.Errorf(ding.EINVALID, "calui.import_expired")
	}
	if err != nil {
		return ding.Internal(err, "read calendar import")
	}
	days, bad := parseCalendarCSV(lang, data)
	if bad == nil {
		if err := s.db.SaveCalendarDays(r.Context(), days); err != nil {
			if ding.ErrorCode(err) != ding.EINVALID {
				return err
			}
			bad = &calImport{Failed: true, Message: message(lang, ding.AsError(err))}
		}
	}
	if bad != nil {
		bad.Name = cleanFileName(r.PostFormValue("name"))
		year, err := s.calendarYear(r)
		if err != nil {
			return err
		}
		return s.renderCalendar(w, r, year, http.StatusUnprocessableEntity, bad, nil)
	}
	return redirect(w, r, "/settings/calendar?year="+strconv.Itoa(days[0].Date.Year), "calui_imported")
}

// saveCalendarCSV keeps an uploaded CSV under <DataDir>/imports/<hash>.csv until it is
// committed: written to a temporary file, then renamed.
func (s *Server) saveCalendarCSV(hash string, data []byte) error {
	dir, err := s.importDir()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return ding.Internal(err, "imports dir")
	}
	final := filepath.Join(dir, hash+".csv")
	if _, err := os.Stat(final); err == nil {
		return nil
	}
	tmp, err := os.CreateTemp(dir, ".upload-*")
	if err != nil {
		return ding.Internal(err, "calendar temp")
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), final)
	}
	if err != nil {
		return ding.Internal(err, "save calendar import")
	}
	return nil
}

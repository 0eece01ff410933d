package web

// Settings the project office edits: the city's 产业链 list and the reporting window.

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"ding"
)

func (s *Server) settingsPageRoutes() {
	s.handle("GET /settings", s.page(s.settingsPage, true))
	s.handle("POST /settings/chains", s.page(s.settingsChains, true))
	s.handle("POST /settings/window", s.page(s.settingsWindow, true))
}

// settingsData is what settings.html shows.
type settingsData struct {
	Chains      []string
	MonthWindow string // this month's window with the saved settings, in words
	WeekWindow  string
	Items       *itemSettingsData // demand types and service clocks (page_items.go)
}

func (s *Server) settingsPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderSettings(w, r, http.StatusOK, nil)
}

// renderSettings shows both forms with the saved values; after a failed post, the posted
// values of that form and its problem.
func (s *Server) renderSettings(w http.ResponseWriter, r *http.Request, status int, formErr error) error {
	if !isOffice(reqOf(r).actor) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	ctx := r.Context()
	chains, err := s.db.Chains(ctx)
	if err != nil {
		return err
	}
	win, err := s.db.ReportWindow(ctx)
	if err != nil {
		return err
	}
	v := s.view(r, "settings")
	v.Title = v.T("settings.title")
	v.Crumbs = []crumb{{Label: v.Title}}
	today := s.today()
	month := ding.MonthPeriod(today.Year, today.Month)
	y, wk := today.Time().ISOWeek()
	week := ding.Period{Kind: ding.PeriodWeek, Year: y, N: wk}
	d := &settingsData{
		Chains:      chains,
		MonthWindow: v.T("settings.window_month_now", month.String(), win.Opens(month).String(), win.Closes(month).String()),
		WeekWindow:  v.T("settings.window_week_now", week.String(), win.Opens(week).String(), win.Closes(week).String()),
	}
	v.Form = url.Values{
		"chains":          {strings.Join(chains, "\n")},
		"open_day":        {strconv.Itoa(win.OpenDay)},
		"close_day":       {strconv.Itoa(win.CloseDay)},
		"week_close_days": {strconv.Itoa(win.WeekCloseDays)},
	}
	if win.CloseNextMonth {
		v.Form.Set("close_next_month", "1")
	}
	if d.Items, err = s.itemSettingsForm(ctx, v); err != nil {
		return err
	}
	if formErr != nil {
		if r.URL.Path == "/settings/window" {
			for _, k := range []string{"open_day", "close_day", "week_close_days", "close_next_month"} {
				v.Form[k] = r.PostForm[k]
			}
		} else if !keepItemSettingsForm(v, r) {
			v.Form.Set("chains", r.PostFormValue("chains"))
		}
		v.withFormError(formErr)
	}
	v.Data = d
	s.renderStatus(w, r, status, "settings", v)
	return nil
}

// settingsFailed shows the page again for a problem the user can fix; anything else ends
// the request.
func (s *Server) settingsFailed(w http.ResponseWriter, r *http.Request, err error) error {
	if ding.ErrorCode(err) != ding.EINVALID {
		return err
	}
	return s.renderSettings(w, r, statusOf(ding.EINVALID), err)
}

func (s *Server) settingsChains(w http.ResponseWriter, r *http.Request) error {
	if !isOffice(reqOf(r).actor) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	text := strings.ReplaceAll(r.PostFormValue("chains"), "\r\n", "\n")
	if err := s.db.SetChains(r.Context(), strings.Split(text, "\n")); err != nil {
		return s.settingsFailed(w, r, err)
	}
	return redirect(w, r, "/settings", "settings_chains")
}

func (s *Server) settingsWindow(w http.ResponseWriter, r *http.Request) error {
	if !isOffice(reqOf(r).actor) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	var win ding.ReportWindow
	var err error
	day := func(field string) int {
		if err != nil {
			return 0
		}
		n, e := strconv.Atoi(strings.TrimSpace(r.PostFormValue(field)))
		if e != nil {
			err = ding.FieldError(field, "settings.whole_number")
		}
		return n
	}
	win.OpenDay = day("open_day")
	win.CloseDay = day("close_day")
	win.WeekCloseDays = day("week_close_days")
	win.CloseNextMonth = r.PostFormValue("close_next_month") == "1"
	if err == nil {
		err = s.db.SetReportWindow(r.Context(), win)
	}
	if err != nil {
		return s.settingsFailed(w, r, err)
	}
	return redirect(w, r, "/settings", "settings_window")
}

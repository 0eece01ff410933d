package web

// Annual plans (年度计划), progress reports (进度填报) with photos, the review queue and the
// plan-vs-actual chart of a project.

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"ding"
	"ding/chart"
	"ding/store"
)

func (s *Server) reportPageRoutes() {
	s.handle("GET /projects/{id}/chart.svg", s.page(s.projectChart, true))
	s.handle("GET /projects/{id}/plans", s.page(s.plansPage, true))
	s.handle("POST /projects/{id}/plans", s.page(s.planSave, true))
	s.handle("GET /projects/{id}/reports", s.page(s.reportsPage, true))
	s.handle("POST /projects/{id}/reports", s.page(s.reportSubmit, true))
	s.handle("GET /reports", s.page(s.reviewPage, true))
	s.handle("POST /reports/{id}/review", s.page(s.reviewSubmit, true))
	s.handle("GET /reports/{id}/photos/{hash}", s.page(s.photoServe, true))
}

// today is the current date in Asia/Shanghai by the store's clock (which tests set).
func (s *Server) today() ding.Date { return ding.Today(s.db.Now()) }

// yearParam reads ?year=; empty gives def, anything outside 2000–2100 is an error.
func yearParam(v string, def int) (int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return def, nil
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < 2000 || y > 2100 {
		return 0, ding.FieldError("year", "plan.year_invalid")
	}
	return y, nil
}

// isOffice reports whether the actor is an administrator or the project office: the roles
// that review reports and change settings (the store checks again on every write).
func isOffice(a *ding.Actor) bool {
	return a != nil && (a.System || a.Role == ding.RoleAdmin || a.Role == ding.RoleOffice)
}

// canEditPlans says whether to offer the plan form: the office, and liaisons of a unit
// that the project's lead unit lies under (the store's rule; the store decides on save).
func (s *Server) canEditPlans(ctx context.Context, p *ding.Project) (bool, error) {
	a := ding.ActorFrom(ctx)
	if isOffice(a) {
		return true, nil
	}
	if a == nil || a.Role != ding.RoleLiaison {
		return false, nil
	}
	if _, err := s.db.FindUnitByID(ctx, p.UnitID); err != nil {
		if ding.ErrorCode(err) == ding.ENOTFOUND {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// canReport says whether to offer the report form: the office and liaisons of the units
// of the project's team (the store's rule).
func canReport(a *ding.Actor) bool {
	return isOffice(a) || a != nil && a.Role == ding.RoleLiaison
}

// projectCrumbs are the crumbs down to a project.
func projectCrumbs(v *view, p *ding.Project, last string) []crumb {
	return []crumb{{Label: v.T("nav.projects"), URL: "/projects"}, {Label: p.Name, URL: "/projects/" + itoa(p.ID)}, {Label: last}}
}

// ---- chart ----

// monthLabel names month m (1–12): 3月, or Mar in English.
func monthLabel(v *view, m int) string {
	if v.Lang == "en" {
		return time.Month(m).String()[:3]
	}
	return v.T("plans.month", m)
}

// planChart draws a project's plan against actual by month for a year, with the running
// totals; the completed total stops at the current month of the current year.
func (s *Server) planChart(ctx context.Context, v *view, p *ding.Project, year int, id string) ([]byte, error) {
	months, err := s.db.ProjectMonths(ctx, p.ID, year)
	if err != nil {
		return nil, err
	}
	c := chart.Bars{ID: id, Title: v.T("plans.chart_title", year), Unit: v.T("plans.wan"), Empty: v.T("plans.chart_empty")}
	planned, done := make([]int64, 12), make([]int64, 12)
	last := 0 // months of completed figures to draw
	for i, m := range months {
		c.Categories = append(c.Categories, monthLabel(v, i+1))
		planned[i], done[i] = m.Planned, m.Completed
		if m.Completed != 0 {
			last = i + 1
		}
	}
	switch today := s.today(); {
	case year < today.Year:
		last = 12
	case year == today.Year:
		last = max(last, int(today.Month))
	}
	c.Bars = []chart.Series{{Name: v.T("plans.series_plan"), Values: planned}, {Name: v.T("plans.series_done"), Values: done}}
	c.Lines = []chart.Series{
		{Name: v.T("plans.series_plan_cum"), Values: chart.Cumulative(planned)},
		{Name: v.T("plans.series_done_cum"), Values: chart.Cumulative(done)[:last]},
	}
	return c.SVG(), nil
}

// projectChart answers GET /projects/{id}/chart.svg?year=YYYY.
func (s *Server) projectChart(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	year, err := yearParam(r.URL.Query().Get("year"), s.db.CurrentYear(r.Context()))
	if err != nil {
		return err
	}
	p, err := s.db.FindProjectByID(r.Context(), id)
	if err != nil {
		return err
	}
	svg, err := s.planChart(r.Context(), s.view(r, "projects"), p, year, "c")
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "image/svg+xml; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'")
	_, err = w.Write(svg)
	return err
}

// ---- plans ----

// planMonth is one month input of the plan form.
type planMonth struct {
	Field string // m1 … m12, the field names ding.AnnualPlan.Validate reports
	Label string
}

// planCell is a month of a saved plan, for display.
type planCell struct {
	Label  string
	Amount int64
}

// plansData is what plans.html shows.
type plansData struct {
	moneyFmt
	Project *ding.Project
	Plans   []*ding.AnnualPlan
	Year    int
	Years   []int // tabs: the years with plans and the selected one, newest first
	Plan    *ding.AnnualPlan
	Months  []planMonth
	Halves  [][]planCell // the selected plan's months, January–June and July–December
	CanEdit bool
	Chart   template.HTML
}

// planField is the form field of month m (1-based), as the domain names it.
func planField(m int) string { return "m" + strconv.Itoa(m) }

func (s *Server) plansPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	year, err := yearParam(r.URL.Query().Get("year"), s.db.CurrentYear(r.Context()))
	if err != nil {
		return err
	}
	return s.renderPlans(w, r, id, year, http.StatusOK, nil, nil)
}

// renderPlans shows the plans page for year. form, when set, holds the values to show in
// the form (a failed save, or months filled by the spread helper); formErr the problem.
func (s *Server) renderPlans(w http.ResponseWriter, r *http.Request, id int64, year, status int, form url.Values, formErr error) error {
	ctx := r.Context()
	p, err := s.db.FindProjectByID(ctx, id)
	if err != nil {
		return err
	}
	plans, err := s.db.FindPlans(ctx, id)
	if err != nil {
		return err
	}
	v := s.view(r, "projects")
	v.Title = v.T("plans.title") + " · " + p.Name
	v.Crumbs = projectCrumbs(v, p, v.T("plans.title"))
	d := &plansData{Project: p, Plans: plans, Year: year}
	if d.CanEdit, err = s.canEditPlans(ctx, p); err != nil {
		return err
	}
	for m := 1; m <= 12; m++ {
		d.Months = append(d.Months, planMonth{Field: planField(m), Label: monthLabel(v, m)})
	}
	seen := false
	for _, a := range plans {
		if a.Year == year {
			d.Plan, seen = a, true
		}
		if !seen && a.Year < year {
			d.Years, seen = append(d.Years, year), true
		}
		d.Years = append(d.Years, a.Year)
	}
	if !seen {
		d.Years = append(d.Years, year)
	}
	if a := d.Plan; a != nil {
		d.Halves = make([][]planCell, 2)
		for i, m := range a.Months {
			d.Halves[i/6] = append(d.Halves[i/6], planCell{Label: d.Months[i].Label, Amount: m})
		}
	}
	svg, err := s.planChart(ctx, v, p, year, "plan")
	if err != nil {
		return err
	}
	d.Chart = template.HTML(svg) // built by package chart, which escapes every text
	if form != nil {
		v.Form = form
	} else {
		v.Form = url.Values{"year": {strconv.Itoa(year)}}
		if a := d.Plan; a != nil {
			v.Form.Set("total", wanInput(a.Total))
			v.Form.Set("goal", a.Goal)
			for i, m := range a.Months {
				v.Form.Set(planField(i+1), wanInput(m))
			}
		}
	}
	if formErr != nil {
		v.withFormError(formErr)
	}
	v.Data = d
	s.renderStatus(w, r, status, "plans", v)
	return nil
}

// planFromForm reads the plan form. The months are all read so that each bad one is
// reported next to its field (the first problem wins).
func planFromForm(r *http.Request, id int64) (*ding.AnnualPlan, error) {
	a := &ding.AnnualPlan{ProjectID: id, Goal: r.PostFormValue("goal")}
	y, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("year")))
	if err != nil {
		return a, ding.FieldError("year", "plan.year_invalid")
	}
	a.Year = y
	if a.Total, err = parseWan("total", r.PostFormValue("total")); err != nil {
		return a, err
	}
	for i := range a.Months {
		if a.Months[i], err = parseWan(planField(i+1), r.PostFormValue(planField(i+1))); err != nil {
			return a, err
		}
	}
	return a, nil
}

// spreadPlan divides the year's total evenly over the months in whole 0.01万 (100 yuan),
// the remainder going to December, so the months add up exactly.
func spreadPlan(total int64) [12]int64 {
	var m [12]int64
	each := total / 100 / 12 * 100
	for i := range m {
		m[i] = each
	}
	m[11] = total - 11*each
	return m
}

func (s *Server) planSave(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	p, err := s.db.FindProjectByID(ctx, id)
	if err != nil {
		return err
	}
	// A role that may not edit learns so before any form problem.
	if ok, err := s.canEditPlans(ctx, p); err != nil {
		return err
	} else if !ok {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	a, err := planFromForm(r, id)
	year := a.Year
	if year < 2000 || year > 2100 {
		year = s.today().Year
	}
	form := url.Values{}
	for k, vals := range r.PostForm {
		if k != csrfField && k != "action" {
			form[k] = vals
		}
	}
	if r.PostFormValue("action") == "spread" {
		// The helper writes nothing: it fills the months and shows the form again.
		var ferr error
		if a.Total, ferr = parseWan("total", r.PostFormValue("total")); ferr == nil {
			for i, m := range spreadPlan(a.Total) {
				form.Set(planField(i+1), wanInput(m))
			}
			return s.renderPlans(w, r, id, year, http.StatusOK, form, nil)
		}
		return s.renderPlans(w, r, id, year, statusOf(ding.EINVALID), form, ferr)
	}
	if err == nil {
		err = s.db.SavePlan(ctx, a)
	}
	if err != nil {
		if ding.ErrorCode(err) != ding.EINVALID {
			return err
		}
		return s.renderPlans(w, r, id, year, statusOf(ding.EINVALID), form, err)
	}
	return redirect(w, r, "/projects/"+itoa(id)+"/plans?year="+strconv.Itoa(a.Year), "plans_saved")
}

// ---- progress reports ----

// reportsPageSize is the number of report versions per page of a project's history.
const reportsPageSize = 50

// reportView is a report with the shares computed for display.
type reportView struct {
	*ding.ProgressReport
	moneyFmt
	V          *view  // lets the shared report template translate
	PlanShare  string // CompletedYTD of the year's plan
	TotalShare string // CompletedAll of the total investment
}

// reportGroup is one period: its newest version and the versions it superseded.
type reportGroup struct {
	Period string
	Head   *reportView
	Older  []*reportView
}

// periodOption is a choice of the period select.
type periodOption struct {
	Value, Label string
}

// reportsData is what reports.html shows.
type reportsData struct {
	moneyFmt
	Project   *ding.Project
	Groups    []*reportGroup
	Pager     pager
	CanReport bool
	Months    []periodOption
	Weeks     []periodOption
	Window    string // the current month's window, in words
	MaxPhotos int
	MaxSize   string
}

func (s *Server) reportsPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return s.renderReports(w, r, id, http.StatusOK, nil)
}

// renderReports shows a project's report history and the report form; with formErr the
// posted values and the problem.
func (s *Server) renderReports(w http.ResponseWriter, r *http.Request, id int64, status int, formErr error) error {
	ctx := r.Context()
	p, err := s.db.FindProjectByID(ctx, id)
	if err != nil {
		return err
	}
	pg := pageParam(r.URL.Query())
	reps, total, err := s.db.FindReports(ctx, store.ReportFilter{ProjectID: id, Limit: reportsPageSize, Offset: (pg - 1) * reportsPageSize})
	if err != nil {
		return err
	}
	plans, err := s.db.FindPlans(ctx, id)
	if err != nil {
		return err
	}
	planOf := map[int]int64{}
	for _, a := range plans {
		planOf[a.Year] = a.Total
	}
	v := s.view(r, "projects")
	v.Title = v.T("reports.title") + " · " + p.Name
	v.Crumbs = projectCrumbs(v, p, v.T("reports.title"))
	d := &reportsData{Project: p, Pager: newPager(r, total, pg, reportsPageSize), CanReport: canReport(reqOf(r).actor),
		MaxPhotos: photoMaxCount, MaxSize: byteSize(photoMaxBytes)}
	byPeriod := map[string]*reportGroup{}
	for _, rep := range reps {
		rv := &reportView{ProgressReport: rep, V: v, TotalShare: pct1(rep.CompletedAll, p.TotalInvestment)}
		if per, err := ding.ParsePeriod(rep.Period); err == nil {
			rv.PlanShare = pct1(rep.CompletedYTD, planOf[per.Year])
		}
		g := byPeriod[rep.Period]
		if g == nil {
			g = &reportGroup{Period: rep.Period, Head: rv}
			byPeriod[rep.Period] = g
			d.Groups = append(d.Groups, g)
		} else {
			g.Older = append(g.Older, rv)
		}
	}
	today := s.today()
	d.Months, d.Weeks = periodOptions(v, today)
	if win, err := s.db.ReportWindow(ctx); err == nil {
		cur := ding.MonthPeriod(today.Year, today.Month)
		d.Window = v.T("reports.window_now", cur.String(), win.Opens(cur).String(), win.Closes(cur).String())
	} else {
		return err
	}
	v.Form = url.Values{"period": {ding.MonthPeriod(today.Year, today.Month).String()}}
	if formErr != nil {
		v.Form = r.PostForm
		v.withFormError(formErr)
	}
	v.Data = d
	s.renderStatus(w, r, status, "reports", v)
	return nil
}

// periodOptions lists the periods one may report on: this month and the twelve before
// it, and this ISO week and the four before it.
func periodOptions(v *view, today ding.Date) (months, weeks []periodOption) {
	t := time.Date(today.Year, today.Month, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i <= 12; i++ {
		m := t.AddDate(0, -i, 0)
		months = append(months, periodOption{ding.MonthPeriod(m.Year(), m.Month()).String(), v.T("reports.month_label", m.Year(), int(m.Month()))})
	}
	for i := 0; i <= 4; i++ {
		y, w := today.AddDays(-7 * i).Time().ISOWeek()
		p := ding.Period{Kind: ding.PeriodWeek, Year: y, N: w}
		start, end := p.Start(), p.End()
		weeks = append(weeks, periodOption{p.String(), v.T("reports.week_label", y, w,
			start.Time().Format("01-02"), end.Time().Format("01-02"))})
	}
	return months, weeks
}

func (s *Server) reportSubmit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	if _, err := s.db.FindProjectByID(ctx, id); err != nil {
		return err
	}
	if !canReport(reqOf(r).actor) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	rep := &ding.ProgressReport{
		ProjectID:    id,
		Period:       r.PostFormValue("period"),
		ProgressText: r.PostFormValue("progress_text"),
		Problems:     r.PostFormValue("problems"),
		NextSteps:    r.PostFormValue("next_steps"),
	}
	rep.Completed, err = parseWan("completed", r.PostFormValue("completed"))
	if err == nil {
		rep.ProgressPct, err = pctFromForm(r.PostFormValue("progress_pct"))
	}
	if err == nil {
		// The domain checks first, so that a report the store would refuse for its fields
		// stores no photos.
		err = rep.Validate()
	}
	var uploads []photoUpload
	if err == nil && r.MultipartForm != nil {
		uploads, err = checkPhotos(r.MultipartForm.File["photos"])
	}
	var photos []ding.Photo
	for _, u := range uploads {
		if err != nil {
			break
		}
		var ph ding.Photo
		if ph, err = s.storePhoto(u); err == nil {
			photos = append(photos, ph)
		}
	}
	if err == nil {
		err = s.db.SubmitReport(ctx, rep, photos)
	}
	if err != nil {
		if ding.ErrorCode(err) != ding.EINVALID {
			return err
		}
		return s.renderReports(w, r, id, statusOf(ding.EINVALID), err)
	}
	flash := "reports_submitted"
	if rep.Late {
		flash = "reports_submitted_late"
	}
	return redirect(w, r, "/projects/"+itoa(id)+"/reports", flash)
}

// pctFromForm reads the 形象进度 percent: a whole number from 0 to 100 ("" is 0).
func pctFromForm(s string) (int, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 100 {
		return 0, ding.FieldError("progress_pct", "report.pct_invalid")
	}
	return n, nil
}

// ---- review queue ----

// reviewPageSize is the number of reports per page of the queue.
const reviewPageSize = 50

// reviewData is what review.html shows: the queue for the office, and for everyone else
// the reports returned to them and the recent reports in their scope.
type reviewData struct {
	moneyFmt
	Reviewer bool
	Queue    []*ding.ProgressReport // oldest first
	Pager    pager
	Returned []*ding.ProgressReport
	Recent   []*ding.ProgressReport
	ErrorID  int64 // the report whose form has the error
}

func (s *Server) reviewPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderReview(w, r, http.StatusOK, 0, nil)
}

func (s *Server) renderReview(w http.ResponseWriter, r *http.Request, status int, errID int64, formErr error) error {
	ctx := r.Context()
	v := s.view(r, "reports")
	v.Title = v.T("review.title")
	v.Crumbs = []crumb{{Label: v.Title}}
	d := &reviewData{Reviewer: isOffice(reqOf(r).actor), ErrorID: errID}
	if d.Reviewer {
		// The store lists newest first; the queue is served oldest first, so a page of
		// it is a window counted from the end of the store's order, reversed.
		f := store.ReportFilter{Status: ding.ReportSubmitted, CurrentOnly: true, Limit: 1}
		_, total, err := s.db.FindReports(ctx, f)
		if err != nil {
			return err
		}
		pg := min(pageParam(r.URL.Query()), max(1, (total+reviewPageSize-1)/reviewPageSize))
		end := total - (pg-1)*reviewPageSize
		f.Offset, f.Limit = max(0, end-reviewPageSize), min(reviewPageSize, end)
		if f.Limit > 0 {
			reps, _, err := s.db.FindReports(ctx, f)
			if err != nil {
				return err
			}
			for i := len(reps) - 1; i >= 0; i-- {
				d.Queue = append(d.Queue, reps[i])
			}
		}
		d.Pager = newPager(r, total, pg, reviewPageSize)
	} else {
		var err error
		if d.Returned, _, err = s.db.FindReports(ctx, store.ReportFilter{Status: ding.ReportReturned, CurrentOnly: true, Limit: 50}); err != nil {
			return err
		}
		if d.Recent, _, err = s.db.FindReports(ctx, store.ReportFilter{Limit: 30}); err != nil {
			return err
		}
	}
	if formErr != nil {
		v.Form = r.PostForm
		v.withFormError(formErr)
	}
	v.Data = d
	s.renderStatus(w, r, status, "review", v)
	return nil
}

func (s *Server) reviewSubmit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var approve bool
	switch r.PostFormValue("decision") {
	case "approve":
		approve = true
	case "return":
	default:
		// Look the report up first, so a report out of scope is 404 whatever was posted.
		if _, err := s.db.FindReportByID(r.Context(), id); err != nil {
			return err
		}
		if !isOffice(reqOf(r).actor) {
			return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
		}
		return s.renderReview(w, r, statusOf(ding.EINVALID), id, ding.FieldError("decision", "review.decision_invalid"))
	}
	_, err = s.db.ReviewReport(r.Context(), id, approve, strings.TrimSpace(r.PostFormValue("comment")))
	if err != nil {
		switch code := ding.ErrorCode(err); code {
		case ding.EINVALID, ding.ECONFLICT:
			return s.renderReview(w, r, statusOf(code), id, err)
		}
		return err
	}
	flash := "review_approved"
	if !approve {
		flash = "review_returned"
	}
	return redirect(w, r, "/reports", flash)
}

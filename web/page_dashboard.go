package web

// The leader dashboard (领导驾驶舱): for a unit's subtree and a month, the figures of
// store.DashboardFor — projects by stage and tier, investment against plan and 时序进度,
// units ranked by completion, signings, warnings, demands — each a link to the records
// behind it (the project list's lead_unit/signed_from/… filters, /items, /warnings/events).

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"ding"
	"ding/chart"
	"ding/store"
)

func (s *Server) dashboardRoutes() {
	s.handle("GET /dashboard", s.page(s.dashboardPage, true))
	s.handle("GET /api/v1/dashboard", s.api(s.apiDashboard))
}

// dashParams reads ?unit=&year=&month= (defaults: the caller's unit, the current month
// of the warnings' as-of date); a value that is not a number is refused.
func (s *Server) dashParams(r *http.Request) (unit int64, year, month int, err error) {
	q := r.URL.Query()
	today, err := s.db.WarningToday(r.Context())
	if err != nil {
		return 0, 0, 0, err
	}
	year, month = today.Year, int(today.Month)
	if v := strings.TrimSpace(q.Get("unit")); v != "" {
		if unit, err = strconv.ParseInt(v, 10, 64); err != nil || unit < 0 {
			return 0, 0, 0, ding.FieldError("unit", "err.bad_param", "unit")
		}
	}
	if year, err = yearParam(q.Get("year"), year); err != nil {
		return 0, 0, 0, err
	}
	if v := strings.TrimSpace(q.Get("month")); v != "" {
		if month, err = strconv.Atoi(v); err != nil || month < 1 || month > 12 {
			return 0, 0, 0, ding.FieldError("month", "target.month_invalid")
		}
	}
	return unit, year, month, nil
}

// dashFig is a figure of the page: its text and the list of its records.
type dashFig struct {
	Label, Value, URL, Note, Class string
	NoteURL                        string // the list behind the note's figure, if any
}

// dashUnit is a child unit's line, with its links.
type dashUnit struct {
	store.UnitLine
	URL, ProjectsURL, RedURL string
	Behind                   bool
}

// dashboardData is what dashboard.html shows.
type dashboardData struct {
	moneyFmt
	D                                       *store.Dashboard
	Units                                   []unitOption
	Years, Months                           []int
	Cards, Signed, Warnings, Demands, Stats []dashFig
	Stages, Tiers, Categories               []dashFig
	Lines                                   []dashUnit
	Top, Bottom                             []dashUnit
	Gauge, StageChart, TierChart, UnitChart template.HTML
	ProjectsURL, CompletedURL               string
}

// dashLinks builds the record lists behind the figures of a dashboard.
type dashLinks struct {
	unit        int64
	year, month int
	first, last string // the year's first day and the month's last
	yearEnd     string
}

func newDashLinks(d *store.Dashboard) dashLinks {
	last := ding.SchemePeriod{Kind: ding.SchemeMonthly, Year: d.Year, N: d.Month}.End()
	return dashLinks{unit: d.UnitID, year: d.Year, month: d.Month,
		first: ding.Date{Year: d.Year, Month: 1, Day: 1}.String(), last: last.String(),
		yearEnd: ding.Date{Year: d.Year, Month: 12, Day: 31}.String()}
}

// projects is the project list of the subtree (by lead unit) with more filters.
func (l dashLinks) projects(kv ...string) string {
	q := url.Values{}
	if l.unit != 0 {
		q.Set("lead_unit", strconv.FormatInt(l.unit, 10))
	}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	if len(q) == 0 {
		return "/projects"
	}
	return "/projects?" + q.Encode()
}

// other is another list (/items, /warnings) of the subtree with filters.
func (l dashLinks) other(path string, kv ...string) string {
	q := url.Values{}
	if l.unit != 0 {
		q.Set("unit", strconv.FormatInt(l.unit, 10))
	}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// signed is the projects signed this year to the month's end of at least min 万元.
func (l dashLinks) signed(minWan string) string {
	return l.projects("signed_from", l.first, "signed_to", l.last, "min_investment", minWan)
}

func (s *Server) dashboardPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	unit, year, month, err := s.dashParams(r)
	if err != nil {
		return err
	}
	d, err := s.db.DashboardFor(ctx, unit, year, month)
	if err != nil {
		return err
	}
	units, _, err := s.db.FindUnits(ctx, ding.UnitFilter{})
	if err != nil {
		return err
	}
	v := s.view(r, "dashboard")
	v.Title = v.T("dashui.title")
	v.Crumbs = []crumb{{Label: v.Title}}
	v.Data = buildDashboard(v, d, units)
	s.render(w, r, "dashboard", v)
	return nil
}

func buildDashboard(v *view, d *store.Dashboard, units []*ding.Unit) *dashboardData {
	l := newDashLinks(d)
	n := func(x int64) string { return strconv.FormatInt(x, 10) }
	out := &dashboardData{D: d, ProjectsURL: l.projects(),
		CompletedURL: l.projects("year", strconv.Itoa(d.Year), "sort", "completed_ytd", "desc", "1")}
	// Units with children (or the one shown): the ones a dashboard makes sense for.
	parents := map[int64]bool{}
	for _, u := range units {
		if u.ParentID != 0 {
			parents[u.ParentID] = true
		}
	}
	var withKids []*ding.Unit
	inScope := map[int64]bool{}
	for _, u := range units {
		inScope[u.ID] = true
	}
	for _, u := range units {
		if parents[u.ID] || u.ID == d.UnitID {
			c := *u
			if c.ParentID != 0 && !inScope[c.ParentID] {
				c.ParentID = 0
			}
			withKids = append(withKids, &c)
		}
	}
	out.Units = unitOptions(withKids)
	for y := d.Year + 1; y >= d.Year-5; y-- {
		out.Years = append(out.Years, y)
	}
	for m := 1; m <= 12; m++ {
		out.Months = append(out.Months, m)
	}
	behind := d.Gap.OK && d.Gap.Num < 0
	gapText := v.T("dashui.gap_ahead", d.Gap.PP())
	if behind {
		gapText = v.T("dashui.gap_behind", strings.TrimPrefix(d.Gap.PP(), "-"))
	}
	if !d.Gap.OK {
		gapText = v.T("dashui.gap_none")
	}
	out.Cards = []dashFig{
		{Label: v.T("dashui.projects"), Value: n(d.Projects), URL: l.projects()},
		{Label: v.T("dashui.investment"), Value: yiText(d.Investment), Note: v.T("dashui.yi"), URL: l.projects("sort", "total_investment", "desc", "1")},
		{Label: v.T("dashui.completed", d.Year, d.Month), Value: yiText(d.Completed), Note: v.T("dashui.of_plan", yiText(d.Plan)), URL: out.CompletedURL},
		{Label: v.T("dashui.completion"), Value: d.Completion.Pct(), Note: v.T("dashui.schedule", d.Schedule.Pct()) + " · " + gapText,
			URL: out.CompletedURL, Class: map[bool]string{true: "behind", false: "ahead"}[behind]},
	}
	for _, c := range d.Signed {
		key, min := "dashui.signed_"+c.Key, map[string]string{"1": "10000", "10": "100000", "100": "1000000"}[c.Key]
		out.Signed = append(out.Signed, dashFig{Label: v.T(key), Value: n(c.N), URL: l.signed(min)})
	}
	out.Stats = []dashFig{
		{Label: v.T("dashui.started"), Value: n(d.Started), URL: l.projects("started_from", l.first, "started_to", l.last)},
		{Label: v.T("dashui.in_stats"), Value: n(d.InStats), URL: l.projects("in_stats_from", l.first, "in_stats_to", l.last)},
		{Label: v.T("dashui.signed_in_stats"), Value: n(d.SignedInStats),
			URL: l.projects("in_stats_from", l.first, "in_stats_to", l.last, "signed_from", l.first, "signed_to", l.yearEnd)},
	}
	opened := map[string]int64{}
	for _, c := range d.NewWarnings {
		opened[c.Key] = c.N
	}
	// Opened and cleared in the month: the list of those events (page_warning_events.go).
	month := ding.MonthPeriod(d.Year, time.Month(d.Month)).String()
	for _, c := range d.Colours {
		out.Warnings = append(out.Warnings, dashFig{Label: v.T("dashui.colour." + c.Key), Value: n(c.N), URL: l.projects("colour", c.Key),
			Note: v.T("dashui.new_this_month", opened[c.Key]), NoteURL: warningEventsURL(d.UnitID, month, store.EventOpened, c.Key), Class: "w-" + c.Key})
	}
	out.Warnings = append(out.Warnings, dashFig{Label: v.T("dashui.cleared"), Value: n(d.Cleared),
		URL: warningEventsURL(d.UnitID, month, store.EventCleared, "")})
	for _, c := range d.Demands {
		out.Demands = append(out.Demands, dashFig{Label: v.T("item.status." + c.Key), Value: n(c.N), URL: l.other("/items", "kind", "demand", "status", c.Key)})
	}
	out.Demands = append(out.Demands, dashFig{Label: v.T("dashui.overdue_items"), Value: n(d.OverdueItems), URL: l.other("/items", "overdue", "1"),
		Class: map[bool]string{true: "behind", false: ""}[d.OverdueItems > 0]})
	var stageParts, tierParts []chart.Part
	for _, st := range d.ByStage {
		out.Stages = append(out.Stages, dashFig{Label: v.T("stage." + string(st.Stage)), Value: n(st.N), Note: yiText(st.Investment),
			URL: l.projects("stage", string(st.Stage))})
		stageParts = append(stageParts, chart.Part{Name: v.T("stage." + string(st.Stage)), Value: st.N})
	}
	for _, t := range d.ByTier {
		k := strconv.Itoa(int(t.Tier))
		out.Tiers = append(out.Tiers, dashFig{Label: v.T("tier." + k), Value: n(t.N), Note: yiText(t.Investment), URL: l.projects("tier", k)})
		tierParts = append(tierParts, chart.Part{Name: v.T("tier." + k), Value: t.N})
	}
	for _, c := range d.Categories {
		u := l.projects("year", strconv.Itoa(d.Year))
		if c.Key != "all" {
			u = l.projects("year", strconv.Itoa(d.Year), c.Key, "1")
		}
		out.Categories = append(out.Categories, dashFig{Label: v.T("dashui.cat." + c.Key), Value: yiText(c.This),
			Note: yiText(c.LastYear), Class: c.Growth.Pct(), URL: u})
	}
	var rank []chart.RankItem
	for _, u := range d.Units {
		du := dashUnit{UnitLine: u, URL: "/dashboard?" + url.Values{"unit": {n(u.UnitID)}, "year": {strconv.Itoa(d.Year)}, "month": {strconv.Itoa(d.Month)}}.Encode(),
			ProjectsURL: "/projects?lead_unit=" + n(u.UnitID), RedURL: "/projects?" + url.Values{"lead_unit": {n(u.UnitID)}, "colour": {"red"}}.Encode(),
			Behind: u.Gap.OK && u.Gap.Num < 0}
		out.Lines = append(out.Lines, du)
	}
	ranked := slices.Clone(out.Lines)
	ranked = slices.DeleteFunc(ranked, func(u dashUnit) bool { return !u.Completion.OK })
	slices.SortStableFunc(ranked, func(a, b dashUnit) int { return b.Completion.Cmp(a.Completion) })
	for _, u := range ranked {
		rank = append(rank, chart.RankItem{Label: u.UnitName, Value: basisPoints(u.Completion), Highlight: u.Behind})
	}
	out.Top = ranked[:min(3, len(ranked))]
	for i := len(ranked) - 1; i >= 0 && len(out.Bottom) < 3; i-- {
		out.Bottom = append(out.Bottom, ranked[i])
	}
	pctFmt := func(bp int64) string { return strconv.FormatFloat(float64(bp)/100, 'f', 1, 64) }
	out.UnitChart = svgHTML(chart.RankBars{ID: "du", Title: v.T("dashui.unit_chart"), Items: rank, Unit: "%", Format: pctFmt,
		Ref: &chart.Ref{Label: v.T("dashui.schedule_ref"), Value: basisPoints(d.Schedule)}, HighlightLabel: v.T("dashui.behind_units"),
		Empty: v.T("dashui.empty")}.SVG())
	out.StageChart = svgHTML(chart.Donut{ID: "ds", Title: v.T("dashui.by_stage"), Parts: stageParts, Unit: v.T("dashui.ge"), Empty: v.T("dashui.empty"), Height: 300}.SVG())
	out.TierChart = svgHTML(chart.Donut{ID: "dt", Title: v.T("dashui.by_tier"), Parts: tierParts, Unit: v.T("dashui.ge"), Empty: v.T("dashui.empty"), Height: 300}.SVG())
	out.Gauge = dashGauge(v, d)
	return out
}

// basisPoints is a ratio in hundredths of a percent (0 when undefined).
func basisPoints(r ding.Ratio) int64 {
	if !r.OK || r.Den == 0 {
		return 0
	}
	return r.Num * 10_000 / r.Den
}

// svgHTML marks a chart's SVG (built by package chart, which escapes all text) as HTML.
func svgHTML(b []byte) template.HTML { return template.HTML(b) } //nolint:gosec // chart escapes its text

// dashGauge draws completion against 时序进度 (the empty message when there is no plan).
func dashGauge(v *view, d *store.Dashboard) template.HTML {
	return svgHTML(chart.Gauge{ID: "dg", Title: v.T("dashui.gauge"), Value: d.Completion.Float(), Schedule: d.Schedule.Float(),
		NoSchedule: !d.Schedule.OK, ValueLabel: v.T("dashui.completion"), ScheduleLabel: v.T("dashui.schedule_ref"),
		Empty: v.T("dashui.no_plan")}.SVG())
}

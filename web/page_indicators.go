package web

// The indicator pages (ding/target.go, store/targets.go): the list of indicators and the
// forms that define them; an indicator's figures for a month (completion, 时序进度 and the
// gap to it, year-on-year growth, rank among peers and its change) with filters, sortable
// columns and an Excel export of exactly the table shown; the entry grid of annual targets
// and monthly actuals; the history of the values; one unit's figures on every indicator;
// and the Excel import of values (upload → preview by sheet, row and column → commit of
// the same file, all or nothing). Every read goes through the store, which cuts it to the
// caller's scope: a unit outside it is a 404.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"ding"
	"ding/i18n"
	"ding/store"
	"ding/xlsx"
)

func (s *Server) indicatorPageRoutes() {
	s.handle("GET /indicators", s.page(s.indicatorsPage, true))
	s.handle("GET /indicators/new", s.page(s.indicatorNewPage, true))
	s.handle("POST /indicators", s.page(s.indicatorCreate, true))
	s.handle("GET /indicators/{id}", s.page(s.indicatorFiguresPage, true))
	s.handle("GET /indicators/{id}/export.xlsx", s.page(s.indicatorFiguresExport, true))
	s.handle("GET /indicators/{id}/edit", s.page(s.indicatorEditPage, true))
	s.handle("POST /indicators/{id}", s.page(s.indicatorUpdate, true))
	s.handle("GET /indicators/{id}/values", s.page(s.indicatorValuesPage, true))
	s.handle("POST /indicators/{id}/values", s.page(s.indicatorValuesSave, true))
	s.handle("POST /indicators/{id}/refresh", s.page(s.indicatorRefresh, true))
	s.handle("GET /indicators/{id}/history", s.page(s.indicatorHistoryPage, true))
	s.handle("GET /units/{id}/indicators", s.page(s.unitIndicatorsPage, true))
	s.handle("GET /indicators/import", s.page(s.indicatorImportPage, true))
	s.handle("POST /indicators/import", s.page(s.indicatorImportUpload, true)) // s.page parses the multipart body
	s.handle("POST /indicators/import/commit", s.page(s.indicatorImportCommit, true))
	s.handle("GET /indicators/import/template.xlsx", s.page(s.indicatorImportTemplate, true))
}

// canEnterValues mirrors the store's rule for offering the entry grid and the import: the
// office and administrators (targets and actuals), liaisons (their units' actuals).
func canEnterValues(a *ding.Actor) bool {
	return a != nil && (a.System || a.Role == ding.RoleAdmin || a.Role == ding.RoleOffice || a.Role == ding.RoleLiaison)
}

// indOption is a choice of a select.
type indOption struct {
	Value, Label string
}

// indPeriod reads year and month from the query leniently (a hand-made value that makes no
// sense is ignored): by default the current month, as the warnings judge it (Asia/Shanghai,
// or the demo's as-of date); a past year without a month is its December.
func (s *Server) indPeriod(r *http.Request) (year, month int, today ding.Date, err error) {
	today, err = s.db.WarningToday(r.Context())
	if err != nil {
		return 0, 0, today, err
	}
	year, month = today.Year, int(today.Month)
	q := r.URL.Query()
	if y, e := strconv.Atoi(strings.TrimSpace(q.Get("year"))); e == nil && y >= 2000 && y <= 2100 {
		year = y
		if year < today.Year {
			month = 12
		}
	}
	if m, e := strconv.Atoi(strings.TrimSpace(q.Get("month"))); e == nil && m >= 1 && m <= 12 {
		month = m
	}
	return year, month, today, nil
}

// indYears are the years a select offers: next year and the five before this one, and the
// year shown.
func indYears(today ding.Date, shown int) []int {
	var out []int
	for y := today.Year + 1; y >= today.Year-5; y-- {
		out = append(out, y)
	}
	if shown != 0 && !slices.Contains(out, shown) {
		out = append(out, shown)
		slices.Sort(out)
		slices.Reverse(out)
	}
	return out
}

// queryID reads a positive id from the query leniently: anything else is 0.
func queryID(q url.Values, name string) int64 {
	n, err := strconv.ParseInt(strings.TrimSpace(q.Get(name)), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// indicatorOf reads the {id} indicator (404 when there is none).
func (s *Server) indicatorOf(r *http.Request) (*ding.Indicator, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	return s.db.FindIndicator(r.Context(), id)
}

// indPeriodLabel names the period of a figure: "2024年1—6月" for a cumulative indicator,
// "2024年6月末" for a point value.
func indPeriodLabel(lang string, ind *ding.Indicator, year, month int) string {
	if ind.Accumulation == ding.Cumulative {
		if month == 1 {
			return i18n.T(lang, "indui.period_month", year, month)
		}
		return i18n.T(lang, "indui.period_cumulative", year, month)
	}
	return i18n.T(lang, "indui.period_point", year, month)
}

// ---------------------------------------------------------------------------------------
// The list of indicators.

// indicatorRow is an indicator with its choices named in the reader's language.
type indicatorRow struct {
	*ding.Indicator
	AccName, SourceName, RankByName string
}

func indicatorRowOf(lang string, ind *ding.Indicator) indicatorRow {
	t := func(key string) string { return i18n.T(lang, key) }
	row := indicatorRow{Indicator: ind, AccName: t("target.accumulation." + string(ind.Accumulation)),
		SourceName: t("target.source." + string(ind.Source)), RankByName: t("target.rank_by." + string(ind.RankBy))}
	if ind.Source == ding.SourceComputed && ind.Compute != "" {
		row.SourceName += "：" + t("target.compute."+ind.Compute)
	}
	return row
}

// indicatorsData is what indicators.html shows.
type indicatorsData struct {
	Rows         []indicatorRow
	CanEdit      bool // the office defines indicators
	CanEnter     bool // the caller may enter or import values
	ShowDisabled bool
	Year, Month  int
}

// indicatorsPage lists the indicators in their order; the office sees the disabled ones
// on demand and the links to define and edit them.
func (s *Server) indicatorsPage(w http.ResponseWriter, r *http.Request) error {
	a := reqOf(r).actor
	year, month, _, err := s.indPeriod(r)
	if err != nil {
		return err
	}
	d := &indicatorsData{CanEdit: isOffice(a), CanEnter: canEnterValues(a), Year: year, Month: month}
	d.ShowDisabled = d.CanEdit && r.URL.Query().Get("disabled") == "1"
	inds, err := s.db.FindIndicators(r.Context(), store.IndicatorFilter{Disabled: d.ShowDisabled})
	if err != nil {
		return err
	}
	v := s.view(r, "indicators")
	for _, ind := range inds {
		d.Rows = append(d.Rows, indicatorRowOf(v.Lang, ind))
	}
	v.Title = v.T("indui.title")
	v.Crumbs = []crumb{{Label: v.Title}}
	v.Data = d
	s.render(w, r, "indicators", v)
	return nil
}

// ---------------------------------------------------------------------------------------
// Defining an indicator.

// indicatorFormData is what indicator_form.html shows.
type indicatorFormData struct {
	Ind           *ding.Indicator // nil for a new one
	Measures      []indOption
	Accumulations []indOption
	Sources       []indOption
	Computes      []indOption
	RankBys       []indOption
	Stale         bool
}

// indicatorFormValues shows an indicator in the form.
func indicatorFormValues(ind *ding.Indicator) url.Values {
	v := url.Values{"code": {ind.Code}, "name": {ind.Name}, "measure": {ind.Measure}, "accumulation": {string(ind.Accumulation)},
		"source": {string(ind.Source)}, "compute": {ind.Compute}, "rank_by": {string(ind.RankBy)}, "note": {ind.Note},
		"sort_order": {strconv.Itoa(ind.SortOrder)}, "version": {strconv.Itoa(ind.Version)}}
	if ind.HigherBetter {
		v.Set("higher_better", "1")
	}
	if ind.Disabled {
		v.Set("disabled", "1")
	}
	return v
}

// indicatorFromForm reads the form; only a sort order that is no number is its own problem,
// the rest the store checks.
func indicatorFromForm(form url.Values) (*ding.Indicator, formErrors) {
	var fe formErrors
	ind := &ding.Indicator{Code: form.Get("code"), Name: form.Get("name"), Measure: strings.TrimSpace(form.Get("measure")),
		Accumulation: ding.Accumulation(strings.TrimSpace(form.Get("accumulation"))), HigherBetter: form.Get("higher_better") == "1",
		Source: ding.IndicatorSource(strings.TrimSpace(form.Get("source"))), Compute: strings.TrimSpace(form.Get("compute")),
		RankBy: ding.RankBy(strings.TrimSpace(form.Get("rank_by"))), Note: form.Get("note"), Disabled: form.Get("disabled") == "1"}
	if so := strings.TrimSpace(form.Get("sort_order")); so != "" {
		n, err := strconv.Atoi(so)
		if err != nil || n < -1_000_000 || n > 1_000_000 {
			fe.add(ding.FieldError("sort_order", "indui.sort_order_invalid"))
		}
		ind.SortOrder = n
	}
	return ind, fe
}

func (s *Server) renderIndicatorForm(w http.ResponseWriter, r *http.Request, v *view, ind *ding.Indicator, status int, stale bool) error {
	d := &indicatorFormData{Ind: ind, Stale: stale}
	for _, m := range ding.Measures {
		d.Measures = append(d.Measures, indOption{m.Name, m.Name})
	}
	for _, acc := range []ding.Accumulation{ding.Cumulative, ding.PointValue} {
		d.Accumulations = append(d.Accumulations, indOption{string(acc), v.T("target.accumulation." + string(acc))})
	}
	for _, src := range []ding.IndicatorSource{ding.SourceEntered, ding.SourceImported, ding.SourceComputed} {
		d.Sources = append(d.Sources, indOption{string(src), v.T("target.source." + string(src))})
	}
	for _, k := range ding.ComputeKeys {
		d.Computes = append(d.Computes, indOption{k.Key, v.T("target.compute."+k.Key) + "（" + k.Measure + "）"})
	}
	for _, rb := range []ding.RankBy{ding.RankByGrowth, ding.RankByCompletion, ding.RankByValue} {
		d.RankBys = append(d.RankBys, indOption{string(rb), v.T("target.rank_by." + string(rb))})
	}
	v.Data = d
	if ind == nil {
		v.Title = v.T("indui.new_title")
		v.Crumbs = []crumb{{Label: v.T("indui.title"), URL: "/indicators"}, {Label: v.Title}}
	} else {
		v.Title = v.T("indui.edit_title", ind.Name)
		v.Crumbs = []crumb{{Label: v.T("indui.title"), URL: "/indicators"}, {Label: ind.Name, URL: "/indicators/" + itoa(ind.ID)},
			{Label: v.T("indui.edit")}}
	}
	s.renderStatus(w, r, status, "indicator_form", v)
	return nil
}

func (s *Server) indicatorNewPage(w http.ResponseWriter, r *http.Request) error {
	if !isOffice(reqOf(r).actor) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	v := s.view(r, "indicators")
	v.Form = url.Values{"measure": {"亿元"}, "accumulation": {string(ding.Cumulative)}, "source": {string(ding.SourceEntered)},
		"rank_by": {string(ding.RankByGrowth)}, "higher_better": {"1"}, "sort_order": {"0"}}
	return s.renderIndicatorForm(w, r, v, nil, http.StatusOK, false)
}

func (s *Server) indicatorCreate(w http.ResponseWriter, r *http.Request) error {
	if !isOffice(reqOf(r).actor) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	ind, fe := indicatorFromForm(r.PostForm)
	if len(fe) == 0 {
		if err := s.db.CreateIndicator(r.Context(), ind); err != nil {
			if !isFormError(err) {
				return err
			}
			fe.add(err)
		}
	}
	if len(fe) > 0 {
		v := s.view(r, "indicators")
		v.Form = r.PostForm
		fe.show(v)
		return s.renderIndicatorForm(w, r, v, nil, statusOf(fe[0].Code), false)
	}
	return redirect(w, r, "/indicators/"+itoa(ind.ID), "indui_created")
}

func (s *Server) indicatorEditPage(w http.ResponseWriter, r *http.Request) error {
	if !isOffice(reqOf(r).actor) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	ind, err := s.indicatorOf(r)
	if err != nil {
		return err
	}
	v := s.view(r, "indicators")
	v.Form = indicatorFormValues(ind)
	return s.renderIndicatorForm(w, r, v, ind, http.StatusOK, false)
}

func (s *Server) indicatorUpdate(w http.ResponseWriter, r *http.Request) error {
	if !isOffice(reqOf(r).actor) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	before, err := s.indicatorOf(r)
	if err != nil {
		return err
	}
	ind, fe := indicatorFromForm(r.PostForm)
	ind.ID = before.ID
	ver, err := postedVersion(r, "target.stale")
	if err != nil {
		fe.add(err)
	}
	ind.Version = ver
	if len(fe) == 0 {
		if err := s.db.UpdateIndicator(r.Context(), ind); err != nil {
			if !isFormError(err) {
				return err
			}
			fe.add(err)
		}
	}
	if len(fe) > 0 {
		v := s.view(r, "indicators")
		v.Form = r.PostForm
		fe.show(v)
		stale := slices.ContainsFunc(fe, func(e *ding.Error) bool { return e.Key == "target.stale" })
		return s.renderIndicatorForm(w, r, v, before, statusOf(fe[0].Code), stale)
	}
	return redirect(w, r, "/indicators/"+itoa(ind.ID), "indui_saved")
}

// ---------------------------------------------------------------------------------------
// An indicator's figures for a month.

// figRow is a figure as the tables show it: values in the indicator's measure, rates
// rounded once, the gap to 时序进度 with its word, the rank and its change.
type figRow struct {
	*ding.Figure
	Ind                                *ding.Indicator // the unit page's rows name their indicator
	Actual, Target, LastYear           string
	Completion, Schedule, Growth, Gap  string
	GapWord, GapClass                  string
	Half                               bool // 时间过半、任务过半: completion ≥ 50% at the end of June
	GrowthNeg                          bool
	Rank, Change, ChangeClass, Measure string
	Link                               string // to the indicator's figures (unit page)
}

func figRowOf(lang string, ind *ding.Indicator, f *ding.Figure, month int) figRow {
	m := ind.M()
	val := func(v int64, ok bool) string {
		if !ok {
			return "—"
		}
		return m.Format(v)
	}
	row := figRow{Figure: f, Ind: ind, Actual: val(f.Actual, f.HasActual), Target: val(f.Target, f.HasTarget),
		LastYear: val(f.LastYear, f.HasLastYear), Completion: f.Completion.Pct(), Schedule: f.Schedule.Pct(),
		Growth: f.Growth.Pct(), Gap: f.Gap.PP(), Rank: "—", Change: "—", Measure: m.Name}
	if f.Gap.OK {
		switch {
		case f.Gap.Num > 0:
			row.GapWord, row.GapClass = i18n.T(lang, "indui.ahead"), "ind-ahead"
		case f.Gap.Num < 0:
			row.GapWord, row.GapClass = i18n.T(lang, "indui.behind"), "ind-behind"
		default:
			row.GapWord = i18n.T(lang, "indui.on_schedule")
		}
	}
	row.GrowthNeg = f.Growth.OK && f.Growth.Num < 0
	row.Half = ind.Accumulation == ding.Cumulative && month == 6 && f.Completion.OK && f.Completion.Cmp(ding.R(1, 2)) >= 0
	if f.Rank > 0 {
		row.Rank = i18n.T(lang, "indui.rank_of", f.Rank, f.Peers)
		if f.PrevRank > 0 {
			switch c := f.RankChange(); {
			case c > 0:
				row.Change, row.ChangeClass = "↑"+strconv.Itoa(c), "ind-up"
			case c < 0:
				row.Change, row.ChangeClass = "↓"+strconv.Itoa(-c), "ind-down"
			default:
				row.Change = "—"
			}
		}
	}
	return row
}

// figSortCols are the figures table's columns, all sortable; numeric ones sort largest
// first on the first click, the rank smallest first.
var figSortCols = []struct {
	Key  string
	Num  bool
	Desc bool // direction of the first click
}{
	{"unit", false, false}, {"actual", true, true}, {"target", true, true}, {"completion", true, true}, {"schedule", true, true},
	{"gap", true, true}, {"last_year", true, true}, {"growth", true, true}, {"rank", true, false}, {"change", true, true},
}

// figSortKey is the figure a column sorts by; ok is false when it is undefined (such rows
// go last whatever the direction).
func figSortKey(f *ding.Figure, key string) (ding.Ratio, bool) {
	val := func(v int64, ok bool) (ding.Ratio, bool) { return ding.R(v, 1), ok }
	switch key {
	case "actual":
		return val(f.Actual, f.HasActual)
	case "target":
		return val(f.Target, f.HasTarget)
	case "last_year":
		return val(f.LastYear, f.HasLastYear)
	case "completion":
		return f.Completion, f.Completion.OK
	case "schedule":
		return f.Schedule, f.Schedule.OK
	case "gap":
		return f.Gap, f.Gap.OK
	case "growth":
		return f.Growth, f.Growth.OK
	case "rank":
		return ding.R(int64(f.Rank), 1), f.Rank > 0
	case "change":
		return ding.R(int64(f.RankChange()), 1), f.Rank > 0 && f.PrevRank > 0
	}
	return ding.Ratio{}, false
}

// sortFigures orders figures by a column (stable: ties keep the org tree's order); "unit"
// or "" is the tree's order itself.
func sortFigures(fs []*ding.Figure, key string, desc bool) {
	if key == "" || key == "unit" {
		if desc {
			slices.Reverse(fs)
		}
		return
	}
	slices.SortStableFunc(fs, func(a, b *ding.Figure) int {
		ka, oka := figSortKey(a, key)
		kb, okb := figSortKey(b, key)
		switch {
		case !oka && !okb:
			return 0
		case !oka:
			return 1
		case !okb:
			return -1
		}
		c := ka.Cmp(kb)
		if desc {
			c = -c
		}
		return c
	})
}

// figFilter is the figures table's filter, read leniently from the URL (the page and its
// export share it).
type figFilter struct {
	Year, Month int
	Parent      int64
	Sort        string
	Desc        bool
}

func (s *Server) parseFigFilter(r *http.Request) (figFilter, ding.Date, error) {
	var f figFilter
	var today ding.Date
	var err error
	f.Year, f.Month, today, err = s.indPeriod(r)
	if err != nil {
		return f, today, err
	}
	q := r.URL.Query()
	f.Parent = queryID(q, "parent")
	for _, c := range figSortCols {
		if c.Key == q.Get("sort") {
			f.Sort, f.Desc = c.Key, q.Get("desc") == "1"
		}
	}
	return f, today, nil
}

// indicatorFigures reads the figures of the filter, in the table's order, and the peer
// groups to choose from: the units that have children among the caller's figures.
func (s *Server) indicatorFigures(ctx context.Context, ind *ding.Indicator, f figFilter) ([]*ding.Figure, []indOption, string, error) {
	all, err := s.db.IndicatorFigures(ctx, ind.ID, f.Year, f.Month, store.FigureFilter{})
	if err != nil {
		return nil, nil, "", err
	}
	units, _, err := s.db.FindUnits(ctx, ding.UnitFilter{IncludeDisabled: true})
	if err != nil {
		return nil, nil, "", err
	}
	names := map[int64]string{}
	for _, u := range units {
		names[u.ID] = u.Name
	}
	var parents []indOption
	seen := map[int64]bool{}
	for _, fg := range all {
		if name, ok := names[fg.ParentID]; ok && !seen[fg.ParentID] {
			seen[fg.ParentID] = true
			parents = append(parents, indOption{itoa(fg.ParentID), name})
		}
	}
	var fs []*ding.Figure
	for _, fg := range all {
		if f.Parent == 0 || fg.ParentID == f.Parent {
			fs = append(fs, fg)
		}
	}
	sortFigures(fs, f.Sort, f.Desc)
	return fs, parents, names[f.Parent], nil
}

// figuresData is what indicator.html shows.
type figuresData struct {
	Ind        indicatorRow
	M          ding.Measure
	F          figFilter
	Years      []int
	Months     []int
	Parents    []indOption
	ParentName string
	Rows       []figRow
	Headers    map[string]sortHeader
	Cumulative bool
	Schedule   string // 时序进度 of the month
	Period     string
	HalfCheck  bool // June of a cumulative indicator: 时间过半、任务过半
	HalfN      int  // units whose completion reached 50%
	TargetN    int  // units with a target and an actual
	ExportURL  string
	ValuesURL  string
	HistoryURL string
	CanEdit    bool
	CanEnter   bool
	Filtered   bool
}

// indicatorFiguresPage shows an indicator's figures for a month.
func (s *Server) indicatorFiguresPage(w http.ResponseWriter, r *http.Request) error {
	ind, err := s.indicatorOf(r)
	if err != nil {
		return err
	}
	f, today, err := s.parseFigFilter(r)
	if err != nil {
		return err
	}
	fs, parents, parentName, err := s.indicatorFigures(r.Context(), ind, f)
	if err != nil {
		return err
	}
	a := reqOf(r).actor
	v := s.view(r, "indicators")
	d := &figuresData{Ind: indicatorRowOf(v.Lang, ind), M: ind.M(), F: f, Years: indYears(today, f.Year), Parents: parents,
		ParentName: parentName, Cumulative: ind.Accumulation == ding.Cumulative, Period: indPeriodLabel(v.Lang, ind, f.Year, f.Month),
		CanEdit: isOffice(a), CanEnter: canEnterValues(a)}
	for m := 1; m <= 12; m++ {
		d.Months = append(d.Months, m)
	}
	if d.Cumulative {
		d.Schedule = ding.Schedule(f.Year, f.Month, false).Pct()
		d.HalfCheck = f.Month == 6
	}
	for _, fg := range fs {
		row := figRowOf(v.Lang, ind, fg, f.Month)
		if fg.Completion.OK {
			d.TargetN++
			if row.Half {
				d.HalfN++
			}
		}
		d.Rows = append(d.Rows, row)
	}
	base := url.Values{}
	base.Set("year", strconv.Itoa(f.Year))
	base.Set("month", strconv.Itoa(f.Month))
	if f.Parent != 0 {
		base.Set("parent", itoa(f.Parent))
	}
	d.Filtered = f.Parent != 0
	path := "/indicators/" + itoa(ind.ID)
	d.Headers = map[string]sortHeader{}
	for _, c := range figSortCols {
		label := v.T("indui.col." + c.Key)
		switch c.Key {
		case "actual", "target", "last_year":
			label = v.T("indui.col."+c.Key+"_m", d.M.Name)
		case "gap":
			label = v.T("indui.col.gap_pp")
		}
		h := sortHeader{Key: c.Key, Num: c.Num, Label: label, Active: f.Sort == c.Key, Desc: f.Sort == c.Key && f.Desc}
		desc := c.Desc
		if h.Active {
			desc = !h.Desc
		}
		hq := url.Values{}
		for k, vals := range base {
			hq[k] = vals
		}
		hq.Set("sort", c.Key)
		if desc {
			hq.Set("desc", "1")
		}
		h.URL = path + "?" + hq.Encode()
		d.Headers[c.Key] = h
	}
	eq := url.Values{}
	for k, vals := range base {
		eq[k] = vals
	}
	if f.Sort != "" {
		eq.Set("sort", f.Sort)
		if f.Desc {
			eq.Set("desc", "1")
		}
	}
	d.ExportURL = path + "/export.xlsx?" + eq.Encode()
	d.ValuesURL = path + "/values?year=" + strconv.Itoa(f.Year)
	d.HistoryURL = path + "/history?year=" + strconv.Itoa(f.Year)
	v.Title = ind.Name
	v.Crumbs = []crumb{{Label: v.T("indui.title"), URL: "/indicators"}, {Label: ind.Name}}
	v.Data = d
	s.render(w, r, "indicator", v)
	return nil
}

// indicatorFiguresExport sends the figures table of the page's filter and order as .xlsx.
func (s *Server) indicatorFiguresExport(w http.ResponseWriter, r *http.Request) error {
	ind, err := s.indicatorOf(r)
	if err != nil {
		return err
	}
	f, _, err := s.parseFigFilter(r)
	if err != nil {
		return err
	}
	fs, _, parentName, err := s.indicatorFigures(r.Context(), ind, f)
	if err != nil {
		return err
	}
	q := reqOf(r)
	scope := ""
	if parentName != "" {
		scope = i18n.T(q.lang, "indui.children_of", parentName)
	}
	var b bytes.Buffer
	if err := xlsx.ExportFigures(&b, xlsx.FigureTable{Lang: q.lang, Indicator: ind, Period: indPeriodLabel(q.lang, ind, f.Year, f.Month), Scope: scope,
		Now: s.db.Now(), Figures: fs}); err != nil {
		return ding.Internal(err, "export figures")
	}
	period := strconv.Itoa(f.Year) + "-" + strconv.Itoa(f.Month)
	if f.Month < 10 {
		period = strconv.Itoa(f.Year) + "-0" + strconv.Itoa(f.Month)
	}
	return writeXLSX(w, ind.Name+"-"+period+".xlsx", "indicator-"+ind.Code+"-"+period+".xlsx", b.Bytes())
}

// ---------------------------------------------------------------------------------------
// One unit's figures on every indicator.

// unitFiguresData is what indicator_unit.html shows.
type unitFiguresData struct {
	Unit   *ding.Unit
	Year   int
	Month  int
	Years  []int
	Months []int
	Rows   []figRow
}

func (s *Server) unitIndicatorsPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	u, err := s.db.FindUnitByID(ctx, id)
	if err != nil {
		return err
	}
	year, month, today, err := s.indPeriod(r)
	if err != nil {
		return err
	}
	ufs, err := s.db.UnitFigures(ctx, id, year, month)
	if err != nil {
		return err
	}
	v := s.view(r, "indicators")
	d := &unitFiguresData{Unit: u, Year: year, Month: month, Years: indYears(today, year)}
	for m := 1; m <= 12; m++ {
		d.Months = append(d.Months, m)
	}
	for _, uf := range ufs {
		row := figRowOf(v.Lang, uf.Indicator, uf.Figure, month)
		q := url.Values{"year": {strconv.Itoa(year)}, "month": {strconv.Itoa(month)}}
		if u.ParentID != 0 {
			q.Set("parent", itoa(u.ParentID))
		}
		row.Link = "/indicators/" + itoa(uf.Indicator.ID) + "?" + q.Encode()
		d.Rows = append(d.Rows, row)
	}
	v.Title = v.T("indui.unit_title", u.Name)
	v.Crumbs = []crumb{{Label: v.T("units.title"), URL: "/units"}, {Label: u.Name, URL: "/units/" + itoa(u.ID)}, {Label: v.T("indui.unit_crumb")}}
	v.Data = d
	s.render(w, r, "indicator_unit", v)
	return nil
}

// ---------------------------------------------------------------------------------------
// The entry grid: a year's annual targets and monthly actuals of a group of units.

// gridCell is one value of the grid: month 0 is the annual target.
type gridCell struct {
	Month    int
	Name     string // the input's name: v_<unit>_<month>
	OrigName string // o_<unit>_<month>: the value the grid showed travels with the form
	Orig     string // the stored value as shown, "" for none
	Value    string // what the cell shows: the stored value, or what was typed
	Editable bool
	Future   bool
	Changed  bool
	Err      string
}

// gridRow is a unit's row of the grid.
type gridRow struct {
	UnitID   int64
	UnitName string
	Cells    []gridCell
}

// valuesData is what indicator_values.html shows.
type valuesData struct {
	Ind        indicatorRow
	M          ding.Measure
	Year       int
	Years      []int
	Parent     *ding.Unit
	Self       bool // the group's own unit is a row too
	UnitOpts   []unitOption
	Rows       []gridRow
	Months     []int
	Today      ding.Date
	CanWrite   bool // some cell is editable
	CanTarget  bool
	CanActual  bool
	CanRefresh bool
	Computed   bool
	Note       string
	Failed     int      // cells refused
	OtherErrs  []string // refusals of cells not in the grid
	Path       string
}

// cellName names a cell's input.
func cellName(unit int64, month int) string { return "v_" + itoa(unit) + "_" + strconv.Itoa(month) }

// parseCellName reads "v_<unit>_<month>".
func parseCellName(name string) (unit int64, month int, ok bool) {
	rest, found := strings.CutPrefix(name, "v_")
	if !found {
		return 0, 0, false
	}
	u, m, found := strings.Cut(rest, "_")
	if !found {
		return 0, 0, false
	}
	unit, err1 := strconv.ParseInt(u, 10, 64)
	month, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || unit <= 0 || month < 0 || month > 12 {
		return 0, 0, false
	}
	return unit, month, true
}

// valuesGrid builds the grid of a year for the children of parent (or parent itself when
// it has none in the caller's scope, or when self asks for it too) with the stored values
// and what the caller may change.
func (s *Server) valuesGrid(ctx context.Context, lang string, ind *ding.Indicator, year int, parent *ding.Unit, self bool, today ding.Date) (*valuesData, error) {
	a := ding.ActorFrom(ctx)
	children, _, err := s.db.FindUnits(ctx, ding.UnitFilter{ParentID: &parent.ID})
	if err != nil {
		return nil, err
	}
	units := children
	if self || len(children) == 0 {
		units = append([]*ding.Unit{parent}, children...)
	}
	targets, err := s.db.FindTargets(ctx, store.ValueFilter{IndicatorID: ind.ID, Year: year, UnitID: parent.ID})
	if err != nil {
		return nil, err
	}
	actuals, err := s.db.FindActuals(ctx, store.ValueFilter{IndicatorID: ind.ID, Year: year, UnitID: parent.ID})
	if err != nil {
		return nil, err
	}
	m := ind.M()
	stored := map[[2]int64]string{}
	for _, t := range targets {
		stored[[2]int64{t.UnitID, 0}] = m.Format(t.Value)
	}
	for _, v := range actuals {
		stored[[2]int64{v.UnitID, int64(v.Month)}] = m.Format(v.Value)
	}
	writer := canEnterValues(a) && (isOffice(a) || a.Scope != ding.ScopeSelf)
	d := &valuesData{Ind: indicatorRowOf(lang, ind), M: m, Year: year, Parent: parent, Self: self, Today: today,
		Computed: ind.Source == ding.SourceComputed, CanTarget: writer && isOffice(a),
		CanActual: writer && ind.Source != ding.SourceComputed, Path: "/indicators/" + itoa(ind.ID) + "/values"}
	d.CanRefresh = d.Computed && isOffice(a) && year <= today.Year
	for mo := 1; mo <= 12; mo++ {
		d.Months = append(d.Months, mo)
	}
	for _, u := range units {
		row := gridRow{UnitID: u.ID, UnitName: u.Name}
		for mo := 0; mo <= 12; mo++ {
			c := gridCell{Month: mo, Name: cellName(u.ID, mo), OrigName: "o" + strings.TrimPrefix(cellName(u.ID, mo), "v"),
				Orig: stored[[2]int64{u.ID, int64(mo)}]}
			c.Value = c.Orig
			c.Future = mo > 0 && (year > today.Year || year == today.Year && mo > int(today.Month))
			if mo == 0 {
				c.Editable = d.CanTarget
			} else {
				c.Editable = d.CanActual && !c.Future
			}
			d.CanWrite = d.CanWrite || c.Editable
			row.Cells = append(row.Cells, c)
		}
		d.Rows = append(d.Rows, row)
	}
	return d, nil
}

// valuesParams reads the grid's year, group and self flag from a query or a posted form,
// and checks the group's unit is in the caller's scope (404 otherwise).
func (s *Server) valuesParams(r *http.Request, get func(string) string) (year int, parent *ding.Unit, self bool, today ding.Date, err error) {
	ctx := r.Context()
	today, err = s.db.WarningToday(ctx)
	if err != nil {
		return
	}
	year = today.Year
	if y, e := strconv.Atoi(strings.TrimSpace(get("year"))); e == nil && y >= 2000 && y <= 2100 {
		year = y
	}
	unitID := reqOf(r).actor.UnitID
	if n, e := strconv.ParseInt(strings.TrimSpace(get("unit")), 10, 64); e == nil && n > 0 {
		unitID = n
	}
	parent, err = s.db.FindUnitByID(ctx, unitID)
	self = get("self") == "1"
	return
}

func (s *Server) renderValues(w http.ResponseWriter, r *http.Request, status int, d *valuesData) error {
	ctx := r.Context()
	units, _, err := s.db.FindUnits(ctx, ding.UnitFilter{})
	if err != nil {
		return err
	}
	d.UnitOpts = unitOptions(units)
	if !slices.ContainsFunc(d.UnitOpts, func(o unitOption) bool { return o.ID == d.Parent.ID }) {
		d.UnitOpts = append([]unitOption{{ID: d.Parent.ID, Label: d.Parent.Name}}, d.UnitOpts...)
	}
	d.Years = indYears(d.Today, d.Year)
	v := s.view(r, "indicators")
	v.Title = v.T("indui.values_title", d.Ind.Name)
	v.Crumbs = []crumb{{Label: v.T("indui.title"), URL: "/indicators"}, {Label: d.Ind.Name, URL: "/indicators/" + itoa(d.Ind.ID)},
		{Label: v.T("indui.values")}}
	v.Data = d
	s.renderStatus(w, r, status, "indicator_values", v)
	return nil
}

// indicatorValuesPage shows the entry grid.
func (s *Server) indicatorValuesPage(w http.ResponseWriter, r *http.Request) error {
	ind, err := s.indicatorOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	year, parent, self, today, err := s.valuesParams(r, q.Get)
	if err != nil {
		return err
	}
	if q.Get("unit") == "" {
		// Without a unit chosen, open the peer group that has this year's targets (a
		// city-level indicator's districts), when the caller may see it.
		if ts, err := s.db.FindTargets(r.Context(), store.ValueFilter{IndicatorID: ind.ID, Year: year}); err == nil && len(ts) > 0 {
			if u, err := s.db.FindUnitByID(r.Context(), ts[0].UnitID); err == nil && u.ParentID != 0 && u.ParentID != parent.ID {
				if p, err := s.db.FindUnitByID(r.Context(), u.ParentID); err == nil {
					parent = p
				}
			}
		}
	}
	d, err := s.valuesGrid(r.Context(), reqOf(r).lang, ind, year, parent, self, today)
	if err != nil {
		return err
	}
	return s.renderValues(w, r, http.StatusOK, d)
}

// postedCell is a changed cell of a posted grid.
type postedCell struct {
	unit  int64
	month int
	text  string
}

// indicatorValuesSave answers POST /indicators/{id}/values: the cells whose text differs
// from the value the grid showed (o_…) are written, an emptied one clears its value, all or
// nothing. The refused cells are shown again with what was typed and their message.
func (s *Server) indicatorValuesSave(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := reqOf(r).actor
	ind, err := s.indicatorOf(r)
	if err != nil {
		return err
	}
	if !canEnterValues(a) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	form := r.PostForm
	year, parent, self, today, err := s.valuesParams(r, form.Get)
	if err != nil {
		return err
	}
	d, err := s.valuesGrid(ctx, reqOf(r).lang, ind, year, parent, self, today)
	if err != nil {
		return err
	}
	// The changed cells: those of the grid in its order, then any other posted.
	pos := map[[2]int64][2]int{}
	for i, row := range d.Rows {
		for j, c := range row.Cells {
			pos[[2]int64{row.UnitID, int64(c.Month)}] = [2]int{i, j}
		}
	}
	var cells []postedCell
	for name, vals := range form {
		unit, month, ok := parseCellName(name)
		if !ok {
			continue
		}
		text := strings.TrimSpace(vals[0])
		if text == strings.TrimSpace(form.Get("o_"+strings.TrimPrefix(name, "v_"))) {
			continue // unchanged: not sent
		}
		cells = append(cells, postedCell{unit, month, text})
	}
	slices.SortFunc(cells, func(x, y postedCell) int {
		px, inx := pos[[2]int64{x.unit, int64(x.month)}]
		py, iny := pos[[2]int64{y.unit, int64(y.month)}]
		switch {
		case inx && iny:
			if px[0] != py[0] {
				return px[0] - py[0]
			}
			return px[1] - py[1]
		case inx:
			return -1
		case iny:
			return 1
		case x.unit != y.unit:
			if x.unit < y.unit {
				return -1
			}
			return 1
		}
		return x.month - y.month
	})
	if len(cells) == 0 {
		return redirect(w, r, valuesURL(d), "indui_no_change")
	}
	note := form.Get("note")
	m := ind.M()
	cellErr := map[int]error{} // by position in cells
	var writes []store.ValueWrite
	var at []int // write → cell
	for i, c := range cells {
		wr := store.ValueWrite{IndicatorID: ind.ID, UnitID: c.unit, Year: year, Month: c.month, Note: note}
		if c.text != "" {
			v, err := xlsx.ParseMeasure(m, c.text)
			if err != nil {
				cellErr[i] = err
				continue
			}
			wr.Value = &v
		}
		writes = append(writes, wr)
		at = append(at, i)
	}
	changed, errs, err := s.db.SetValues(ctx, writes, "form", len(cellErr) == 0)
	if err != nil {
		return err
	}
	for _, e := range errs {
		if e.Index >= 0 && e.Index < len(at) {
			cellErr[at[e.Index]] = e.Err
		}
	}
	if len(cellErr) == 0 {
		if changed == 0 {
			return redirect(w, r, valuesURL(d), "indui_no_change")
		}
		return redirect(w, r, valuesURL(d), "indui_values_saved")
	}
	// Show the grid again with what was typed, each refused cell with its message.
	lang := reqOf(r).lang
	for i, c := range cells {
		p, inGrid := pos[[2]int64{c.unit, int64(c.month)}]
		e, bad := cellErr[i]
		msg := ""
		if bad {
			msg = message(lang, ding.AsError(e))
		}
		if !inGrid {
			if bad {
				d.OtherErrs = append(d.OtherErrs, i18n.T(lang, "indui.other_cell_error", c.unit, monthName(lang, c.month), msg))
			}
			continue
		}
		cell := &d.Rows[p[0]].Cells[p[1]]
		cell.Value, cell.Changed, cell.Err = c.text, true, msg
	}
	d.Failed, d.Note = len(cellErr), note
	return s.renderValues(w, r, http.StatusUnprocessableEntity, d)
}

// monthName is "6月", or 年度目标 for month 0.
func monthName(lang string, month int) string {
	if month == 0 {
		return i18n.T(lang, "indui.annual_target")
	}
	return i18n.T(lang, "indui.month_n", month)
}

// valuesURL is the grid's own address.
func valuesURL(d *valuesData) string {
	q := url.Values{"year": {strconv.Itoa(d.Year)}, "unit": {itoa(d.Parent.ID)}}
	if d.Self {
		q.Set("self", "1")
	}
	return d.Path + "?" + q.Encode()
}

// indicatorRefresh recomputes the computed indicators of a year up to the current month
// (the office; the nightly pass does the same).
func (s *Server) indicatorRefresh(w http.ResponseWriter, r *http.Request) error {
	ind, err := s.indicatorOf(r)
	if err != nil {
		return err
	}
	if !isOffice(reqOf(r).actor) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	year, parent, self, today, err := s.valuesParams(r, r.PostForm.Get)
	if err != nil {
		return err
	}
	if _, err := s.db.RefreshComputed(r.Context(), year, 12); err != nil {
		return err
	}
	d := &valuesData{Year: year, Parent: parent, Self: self, Today: today, Path: "/indicators/" + itoa(ind.ID) + "/values"}
	return redirect(w, r, valuesURL(d), "indui_refreshed")
}

// ---------------------------------------------------------------------------------------
// The history of the values.

// revRow is a revision as the history shows it.
type revRow struct {
	*ding.Revision
	MonthName  string
	Old, New   string
	SourceName string
}

// historyData is what indicator_history.html shows.
type historyData struct {
	Ind      indicatorRow
	M        ding.Measure
	Year     int
	UnitID   int64
	Years    []int
	UnitOpts []unitOption
	Rows     []revRow
}

func (s *Server) indicatorHistoryPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	ind, err := s.indicatorOf(r)
	if err != nil {
		return err
	}
	today, err := s.db.WarningToday(ctx)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	year := 0
	if y, e := strconv.Atoi(strings.TrimSpace(q.Get("year"))); e == nil && y >= 2000 && y <= 2100 {
		year = y
	}
	unitID := queryID(q, "unit")
	if unitID != 0 {
		if _, err := s.db.FindUnitByID(ctx, unitID); err != nil {
			return err
		}
	}
	revs, err := s.db.FindRevisions(ctx, ind.ID, unitID, year)
	if err != nil {
		return err
	}
	units, _, err := s.db.FindUnits(ctx, ding.UnitFilter{IncludeDisabled: true})
	if err != nil {
		return err
	}
	v := s.view(r, "indicators")
	m := ind.M()
	d := &historyData{Ind: indicatorRowOf(v.Lang, ind), M: m, Year: year, UnitID: unitID, Years: indYears(today, year), UnitOpts: unitOptions(units)}
	val := func(p *int64, none string) string {
		if p == nil {
			return v.T(none)
		}
		return m.Format(*p)
	}
	for _, rv := range revs {
		row := revRow{Revision: rv, Old: val(rv.Old, "indui.rev_none"), New: val(rv.New, "indui.rev_cleared"),
			SourceName: v.T("indui.rev_source." + rv.Source)}
		if !i18n.Has("indui.rev_source." + rv.Source) {
			row.SourceName = rv.Source
		}
		row.MonthName = monthName(v.Lang, rv.Month)
		d.Rows = append(d.Rows, row)
	}
	v.Title = v.T("indui.history_title", ind.Name)
	v.Crumbs = []crumb{{Label: v.T("indui.title"), URL: "/indicators"}, {Label: ind.Name, URL: "/indicators/" + itoa(ind.ID)},
		{Label: v.T("indui.history")}}
	v.Data = d
	s.render(w, r, "indicator_history", v)
	return nil
}

// ---------------------------------------------------------------------------------------
// The Excel import of values.

// indImportData is what indicator_import.html and indicator_import_preview.html show.
type indImportData struct {
	Limit     string
	Name      string // the uploaded file's name
	Hash      string // its SHA-256, the key of the saved copy
	Problems  []importProblem
	Rows      int // data rows read
	Changed   int // values the import writes (or wrote)
	Unchanged int // values equal to what is stored
	Committed bool
}

func (s *Server) indImportView(r *http.Request) *view {
	v := s.view(r, "indicators")
	v.Title = v.T("indui.import_title")
	v.Crumbs = []crumb{{Label: v.T("indui.title"), URL: "/indicators"}, {Label: v.Title}}
	return v
}

func (s *Server) indicatorImportPage(w http.ResponseWriter, r *http.Request) error {
	if !canEnterValues(reqOf(r).actor) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	v := s.indImportView(r)
	v.Data = &indImportData{Limit: byteSize(s.opts.MaxUpload)}
	s.render(w, r, "indicator_import", v)
	return nil
}

// indImportFormError shows the upload form again with an error about the file.
func (s *Server) indImportFormError(w http.ResponseWriter, r *http.Request, err error) error {
	e := ding.AsError(err)
	if e.Code != ding.EINVALID {
		return err
	}
	v := s.indImportView(r)
	v.Error = message(v.Lang, e)
	v.Data = &indImportData{Limit: byteSize(s.opts.MaxUpload)}
	s.renderStatus(w, r, http.StatusUnprocessableEntity, "indicator_import", v)
	return nil
}

// readValueBook parses a values file, resolving indicators among the enabled ones and
// units among the caller's.
func (s *Server) readValueBook(ctx context.Context, data []byte) (*xlsx.ValueBook, error) {
	inds, err := s.db.FindIndicators(ctx, store.IndicatorFilter{})
	if err != nil {
		return nil, err
	}
	units, err := s.unitResolver(ctx)
	if err != nil {
		return nil, err
	}
	return xlsx.ReadValues(bytes.NewReader(data), int64(len(data)), xlsx.IndicatorResolverOf(inds), units)
}

// indicatorImportUpload saves the upload under its hash and previews it: nothing is written.
func (s *Server) indicatorImportUpload(w http.ResponseWriter, r *http.Request) error {
	if !canEnterValues(reqOf(r).actor) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	data, name, err := s.readUpload(r)
	if err != nil {
		return s.indImportFormError(w, r, err)
	}
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	vb, err := s.readValueBook(r.Context(), data)
	if err != nil {
		return s.indImportFormError(w, r, err)
	}
	if err := s.saveImport(hash, data); err != nil {
		return err
	}
	return s.indImportRun(w, r, vb, hash, name, false)
}

// indicatorImportCommit imports the file previewed before, found again by its hash.
func (s *Server) indicatorImportCommit(w http.ResponseWriter, r *http.Request) error {
	if !canEnterValues(reqOf(r).actor) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	hash := r.PostFormValue("hash")
	data, err := s.loadImport(hash)
	if err != nil {
		return err
	}
	vb, err := s.readValueBook(r.Context(), data)
	if err != nil {
		return s.indImportFormError(w, r, err)
	}
	return s.indImportRun(w, r, vb, hash, cleanFileName(r.PostFormValue("name")), true)
}

// indImportRun previews or commits the values and shows the outcome: the problems by
// sheet, row and column (nothing written), or the counts.
func (s *Server) indImportRun(w http.ResponseWriter, r *http.Request, vb *xlsx.ValueBook, hash, name string, commit bool) error {
	changed, errs, err := s.db.SetValues(r.Context(), vb.Writes, "import", commit && len(vb.Problems) == 0)
	if err != nil {
		return err
	}
	problems := vb.Explain(errs)
	v := s.indImportView(r)
	d := &indImportData{Name: name, Hash: hash, Rows: vb.Rows, Changed: changed, Unchanged: len(vb.Writes) - changed,
		Committed: commit && len(problems) == 0}
	for _, p := range problems {
		d.Problems = append(d.Problems, importProblem{Sheet: p.Sheet, Row: p.Row, Column: p.Column, Header: p.Header,
			Cell: p.Cell(), Message: p.Message(v.Lang)})
	}
	v.Data = d
	status := http.StatusOK
	if len(problems) > 0 {
		status = http.StatusUnprocessableEntity
	}
	s.renderStatus(w, r, status, "indicator_import_preview", v)
	return nil
}

// indicatorImportTemplate serves the values template with the enabled indicators.
func (s *Server) indicatorImportTemplate(w http.ResponseWriter, r *http.Request) error {
	inds, err := s.db.FindIndicators(r.Context(), store.IndicatorFilter{})
	if err != nil {
		return err
	}
	b, err := xlsx.ValuesTemplate(reqOf(r).lang, inds)
	if err != nil {
		return ding.Internal(err, "values template")
	}
	return writeXLSX(w, "指标数据导入模板.xlsx", "indicator-values-template.xlsx", b)
}

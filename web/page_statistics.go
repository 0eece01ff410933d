package web

// The year's statistics (统计数据): the figures a district reports upward for a unit's
// subtree and a year (store.YearStatistics, store.UnitFigures), as four tables, each with
// its chart and its Excel export — investment by month against last year and the plan,
// investment by category, signings, starts and 入统 by month, and the unit's indicators —
// and the same year as JSON (GET /api/v1/statistics). The page and the export are built
// from the same tables, so that the workbook holds exactly what the page shows. A month
// after the last one with data shows —, never a zero or NaN.

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"ding"
	"ding/chart"
	"ding/i18n"
	"ding/store"
	"ding/xlsx"
)

func (s *Server) statisticsRoutes() {
	s.handle("GET /statistics", s.page(s.statisticsPage, true))
	s.handle("GET /statistics/export.xlsx", s.page(s.statisticsExport, true))
	s.handle("GET /api/v1/statistics", s.api(s.apiStatistics))
}

// statTableNames are the tables of the page, in order (the export's table=NAME).
var statTableNames = []string{"investment", "categories", "projects", "indicators"}

// statParams reads ?unit=&year= (defaults: the caller's unit, the year of the warnings'
// as-of date); a value that is not a number is refused.
func (s *Server) statParams(r *http.Request) (unit int64, year int, today ding.Date, err error) {
	q := r.URL.Query()
	today, err = s.db.WarningToday(r.Context())
	if err != nil {
		return 0, 0, today, err
	}
	if v := strings.TrimSpace(q.Get("unit")); v != "" {
		if unit, err = strconv.ParseInt(v, 10, 64); err != nil || unit < 0 {
			return 0, 0, today, ding.FieldError("unit", "err.bad_param", "unit")
		}
	}
	if year, err = yearParam(q.Get("year"), today.Year); err != nil {
		return 0, 0, today, err
	}
	return unit, year, today, nil
}

// apiStatistics answers the store's YearStats.
func (s *Server) apiStatistics(w http.ResponseWriter, r *http.Request) (any, error) {
	unit, year, _, err := s.statParams(r)
	if err != nil {
		return nil, err
	}
	return s.db.YearStatistics(r.Context(), unit, year)
}

// statCell is a cell as the page shows it (Text) and as the export writes it (X: a
// float64 amount in 亿元 or fraction, an int64 count, or a string).
type statCell struct {
	Text  string
	X     any
	ID    string // the cell's element id, for tests and links
	Class string
}

// statRow is a row of a table; Total rows are bold.
type statRow struct {
	Cells []statCell
	Total bool
}

// statTable is a section of the page and a sheet of the export.
type statTable struct {
	Name, Title, Note string
	Heads             []string
	Kinds             []xlsx.StatKind
	Rows              []statRow
	Chart             template.HTML
	ExportURL         string
	Hidden            bool // no rows to show (the indicators of a unit without any)
}

// statisticsData is what statistics.html shows.
type statisticsData struct {
	moneyFmt
	S         *store.YearStats
	Units     []unitOption
	Years     []int
	Tables    []*statTable
	Through   int // the last month with data this year (0: none)
	FigMonth  int // the month of the indicators table
	Empty     bool
	Summary   []dashFig
	ExportAll string
}

// statLast is the last month (1–12) with any figure, or 0.
func statLast(rows [12]store.MonthRow) int {
	for m := 12; m >= 1; m-- {
		if rows[m-1] != (store.MonthRow{}) {
			return m
		}
	}
	return 0
}

func yiCell(yuan int64, ok bool) statCell {
	if !ok {
		return statCell{Text: "—", X: "—"}
	}
	return statCell{Text: yiText(yuan), X: float64(yuan) / float64(ding.Yi)}
}

func rateCell(r ding.Ratio) statCell {
	c := statCell{Text: r.Pct(), X: "—"}
	if r.OK {
		c.X = r.Float()
		if r.Num < 0 {
			c.Class = "stat-neg"
		}
	}
	return c
}

func countCell(n int64, ok bool) statCell {
	if !ok {
		return statCell{Text: "—", X: "—"}
	}
	return statCell{Text: strconv.FormatInt(n, 10), X: n}
}

func textCell(s string) statCell { return statCell{Text: s, X: s} }

// statURL is a statistics address with the unit and year and more parameters.
func statURL(path string, ys *store.YearStats, kv ...string) string {
	q := url.Values{"unit": {strconv.FormatInt(ys.UnitID, 10)}, "year": {strconv.Itoa(ys.Year)}}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	return path + "?" + q.Encode()
}

// loadStatistics reads the year and the unit's indicators at the last month with data.
func (s *Server) loadStatistics(r *http.Request) (*store.YearStats, []store.UnitFigure, int, ding.Date, error) {
	ctx := r.Context()
	unit, year, today, err := s.statParams(r)
	if err != nil {
		return nil, nil, 0, today, err
	}
	ys, err := s.db.YearStatistics(ctx, unit, year)
	if err != nil {
		return nil, nil, 0, today, err
	}
	// The indicators at the latest month with an actual figure (from the as-of month
	// back for the current year, from December for a past one).
	start := 12
	if year == today.Year {
		start = int(today.Month)
	}
	figMonth := min(12, max(start, 1))
	var figs []store.UnitFigure
	if year <= today.Year {
		for m := start; m >= 1; m-- {
			fs, err := s.db.UnitFigures(ctx, ys.UnitID, year, m)
			if err != nil {
				return nil, nil, 0, today, err
			}
			has := false
			for _, f := range fs {
				has = has || (f.Figure != nil && f.Figure.HasActual)
			}
			if has {
				figs, figMonth = fs, m
				break
			}
		}
	}
	return ys, figs, figMonth, today, nil
}

// buildStatTables makes the four tables and their charts.
func buildStatTables(lang string, ys *store.YearStats, figs []store.UnitFigure, figMonth int) []*statTable {
	t := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	lt, ll := statLast(ys.Months), statLast(ys.Last)
	hasLast := ll > 0
	months := make([]string, 12)
	for m := 1; m <= 12; m++ {
		months[m-1] = t("statui.month_n", m)
	}
	cellID := func(table string, row, col any) string {
		return "stat-" + table + "-" + statKey(row) + "-" + statKey(col)
	}

	// 1. 固定资产投资完成情况.
	inv := &statTable{Name: "investment", Title: t("statui.investment"),
		Heads: []string{t("statui.col.month"), t("statui.col.monthly"), t("statui.col.cumulative"), t("statui.col.last_cumulative"),
			t("statui.col.growth"), t("statui.col.completion"), t("statui.col.schedule"), t("statui.col.gap")},
		Kinds: []xlsx.StatKind{xlsx.StatText, xlsx.StatYi, xlsx.StatYi, xlsx.StatYi, xlsx.StatRate, xlsx.StatRate, xlsx.StatRate, xlsx.StatText}}
	var cumThis, cumLast, planLine []int64
	var run, runLast int64
	for m := 1; m <= 12; m++ {
		run += ys.Months[m-1].Completed
		runLast += ys.Last[m-1].Completed
		has := m <= lt
		comp := ding.Ratio{}
		if has && ys.Plan > 0 {
			comp = ding.R(run, ys.Plan)
		}
		sched := ding.Schedule(ys.Year, m, false)
		gap := ding.ScheduleGap(comp, sched)
		c1, c2 := yiCell(ys.Months[m-1].Completed, has), yiCell(run, has)
		c2.ID = cellID("investment", m, "cum")
		gc := textCell(gap.PP())
		if gap.OK && gap.Num < 0 {
			gc.Class = "stat-neg"
		}
		inv.Rows = append(inv.Rows, statRow{Cells: []statCell{textCell(months[m-1]), c1, c2, yiCell(runLast, hasLast),
			rateCell(ding.Growth(run, runLast, has, hasLast)), rateCell(comp), rateCell(sched), gc}})
		if has {
			cumThis = append(cumThis, run)
		}
		cumLast = append(cumLast, runLast)
		if ys.Plan > 0 {
			planLine = append(planLine, ys.Plan*int64(m)/12)
		}
	}
	var invSeries []chart.Series
	if lt > 0 {
		invSeries = append(invSeries, chart.Series{Name: t("statui.series.this", ys.Year), Values: cumThis})
	}
	if hasLast {
		invSeries = append(invSeries, chart.Series{Name: t("statui.series.last", ys.Year-1), Values: cumLast})
	}
	invChart := chart.Line{ID: "st-inv", Title: t("statui.chart.investment"), Categories: months, Series: invSeries,
		Unit: t("statui.yi"), Format: chart.Yi, YLabel: t("statui.col.cumulative"), Empty: t("statui.no_data")}
	if ys.Plan > 0 && len(invSeries) > 0 {
		invChart.Ref = chart.Series{Name: t("statui.series.plan"), Values: planLine}
	}
	inv.Chart = svgHTML(invChart.SVG())

	// 2. 分类投资, to the last month with data.
	n := lt
	if n == 0 {
		n = 12
	}
	this, last := ys.ToMonth(ys.Months, n), ys.ToMonth(ys.Last, n)
	cat := &statTable{Name: "categories", Title: t("statui.categories"),
		Heads: []string{t("statui.col.category"), t("statui.col.period_this", ys.Year, n), t("statui.col.period_last", ys.Year-1, n),
			t("statui.col.growth"), t("statui.col.share")},
		Kinds: []xlsx.StatKind{xlsx.StatText, xlsx.StatYi, xlsx.StatYi, xlsx.StatRate, xlsx.StatRate}}
	type catDef struct {
		key        string
		this, last int64
	}
	cats := []catDef{{"all", this.Completed, last.Completed}, {"manufacturing", this.Manufacturing, last.Manufacturing},
		{"high_tech", this.HighTech, last.HighTech}, {"private", this.Private, last.Private}}
	var catNames []string
	var catThis, catLast []int64
	for _, c := range cats {
		share := ding.Ratio{}
		if lt > 0 {
			share = ding.R(c.this, this.Completed)
		}
		c1 := yiCell(c.this, lt > 0)
		c1.ID = cellID("categories", c.key, "this")
		cat.Rows = append(cat.Rows, statRow{Cells: []statCell{textCell(t("statui.cat." + c.key)), c1, yiCell(c.last, hasLast),
			rateCell(ding.Growth(c.this, c.last, lt > 0, hasLast)), rateCell(share)}, Total: c.key == "all"})
		catNames = append(catNames, t("statui.cat."+c.key))
		catThis = append(catThis, c.this)
		catLast = append(catLast, c.last)
	}
	var catBars []chart.Series
	if lt > 0 || hasLast {
		catBars = []chart.Series{{Name: t("statui.series.this_to", ys.Year, n), Values: catThis},
			{Name: t("statui.series.last_to", ys.Year-1, n), Values: catLast}}
	}
	cat.Chart = svgHTML(chart.Bars{ID: "st-cat", Title: t("statui.chart.categories"), Categories: catNames, Bars: catBars,
		Unit: t("statui.yi"), Format: chart.Yi, Empty: t("statui.no_data"), Height: 340}.SVG())

	// 3. 项目签约、开工、入统.
	prj := &statTable{Name: "projects", Title: t("statui.projects"),
		Heads: []string{t("statui.col.month"), t("statui.col.signed1"), t("statui.col.signed10"), t("statui.col.signed100"),
			t("statui.col.started"), t("statui.col.in_stats"), t("statui.col.signed_in_stats")},
		Kinds: []xlsx.StatKind{xlsx.StatText, xlsx.StatCount, xlsx.StatCount, xlsx.StatCount, xlsx.StatCount, xlsx.StatCount, xlsx.StatCount}}
	prjRow := func(label string, x store.MonthRow, ok bool, id string, total bool) statRow {
		cells := []statCell{textCell(label)}
		for i, v := range []int64{x.Signed1, x.Signed10, x.Signed100, x.Started, x.InStats, x.SignedInStats} {
			c := countCell(v, ok)
			c.ID = cellID("projects", id, i+1)
			cells = append(cells, c)
		}
		return statRow{Cells: cells, Total: total}
	}
	var sig, sta, ins []int64
	for m := 1; m <= 12; m++ {
		prj.Rows = append(prj.Rows, prjRow(months[m-1], ys.Months[m-1], m <= lt, strconv.Itoa(m), false))
		if m <= lt {
			sig = append(sig, ys.Months[m-1].Signed1)
			sta = append(sta, ys.Months[m-1].Started)
			ins = append(ins, ys.Months[m-1].InStats)
		}
	}
	prj.Rows = append(prj.Rows, prjRow(t("statui.row.this_total", ys.Year, n), this, lt > 0, "this", true),
		prjRow(t("statui.row.last_same", ys.Year-1, n), last, hasLast, "last", true),
		prjRow(t("statui.row.last_year", ys.Year-1), ys.ToMonth(ys.Last, 12), hasLast, "last_year", true))
	var prjSeries []chart.Series
	if lt > 0 {
		prjSeries = []chart.Series{{Name: t("statui.col.signed1"), Values: sig}, {Name: t("statui.col.started"), Values: sta},
			{Name: t("statui.col.in_stats"), Values: ins}}
	}
	prj.Chart = svgHTML(chart.Line{ID: "st-prj", Title: t("statui.chart.projects", ys.Year), Categories: months, Series: prjSeries,
		Unit: t("statui.ge"), YLabel: t("statui.y_projects"), Empty: t("statui.no_data")}.SVG())

	// 4. 主要经济指标.
	ind := &statTable{Name: "indicators", Title: t("statui.indicators"),
		Heads: []string{t("statui.col.indicator"), t("statui.col.measure"), t("statui.col.actual"), t("statui.col.target"),
			t("statui.col.ind_completion"), t("statui.col.growth"), t("statui.col.rank")},
		Kinds: []xlsx.StatKind{xlsx.StatText, xlsx.StatText, xlsx.StatText, xlsx.StatText, xlsx.StatRate, xlsx.StatRate, xlsx.StatText},
		Note:  t("statui.ind_month", ys.Year, figMonth)}
	var rank []chart.RankItem
	for _, uf := range figs {
		if uf.Indicator == nil || uf.Figure == nil {
			continue
		}
		fr := figRowOf(lang, uf.Indicator, uf.Figure, figMonth)
		ind.Rows = append(ind.Rows, statRow{Cells: []statCell{textCell(uf.Indicator.Name), textCell(fr.Measure), textCell(fr.Actual),
			textCell(fr.Target), rateCell(uf.Figure.Completion), rateCell(uf.Figure.Growth), textCell(fr.Rank)}})
		if uf.Figure.Completion.OK {
			rank = append(rank, chart.RankItem{Label: uf.Indicator.Name, Value: basisPoints(uf.Figure.Completion),
				Highlight: uf.Figure.Gap.OK && uf.Figure.Gap.Num < 0})
		}
	}
	ind.Hidden = len(ind.Rows) == 0
	behind := ""
	for _, it := range rank {
		if it.Highlight {
			behind = t("statui.behind")
		}
	}
	if !ind.Hidden {
		pctFmt := func(bp int64) string { return strconv.FormatFloat(float64(bp)/100, 'f', 1, 64) }
		sched := ding.Schedule(ys.Year, figMonth, false)
		ind.Chart = svgHTML(chart.RankBars{ID: "st-ind", Title: t("statui.chart.indicators"), Items: rank, Unit: "%", Format: pctFmt,
			Ref: &chart.Ref{Label: t("statui.col.schedule"), Value: basisPoints(sched)}, HighlightLabel: behind,
			Empty: t("statui.no_completion")}.SVG())
	}
	tables := []*statTable{inv, cat, prj, ind}
	for _, tb := range tables {
		tb.ExportURL = statURL("/statistics/export.xlsx", ys, "table", tb.Name)
	}
	return tables
}

func statKey(v any) string {
	switch x := v.(type) {
	case int:
		return strconv.Itoa(x)
	case string:
		return x
	}
	return ""
}

func (s *Server) statisticsPage(w http.ResponseWriter, r *http.Request) error {
	ys, figs, figMonth, today, err := s.loadStatistics(r)
	if err != nil {
		return err
	}
	units, _, err := s.db.FindUnits(r.Context(), ding.UnitFilter{})
	if err != nil {
		return err
	}
	v := s.view(r, "statistics")
	d := &statisticsData{S: ys, Units: unitOptions(units), Years: indYears(today, ys.Year), FigMonth: figMonth,
		Tables: buildStatTables(v.Lang, ys, figs, figMonth), Through: statLast(ys.Months), ExportAll: statURL("/statistics/export.xlsx", ys, "table", "all")}
	d.Empty = d.Through == 0 && statLast(ys.Last) == 0 && ys.Plan == 0 && ys.PlanLast == 0 && len(figs) == 0
	if d.Through > 0 {
		cum := ys.ToMonth(ys.Months, d.Through)
		lastCum := ys.ToMonth(ys.Last, d.Through)
		comp := ding.Ratio{}
		if ys.Plan > 0 {
			comp = ding.R(cum.Completed, ys.Plan)
		}
		d.Summary = []dashFig{
			{Label: v.T("statui.card.completed", d.Through), Value: yiText(cum.Completed)},
			{Label: v.T("statui.card.growth"), Value: ding.Growth(cum.Completed, lastCum.Completed, true, statLast(ys.Last) > 0).Pct()},
			{Label: v.T("statui.card.plan"), Value: yiText(ys.Plan), Note: v.T("statui.plan_last", yiText(ys.PlanLast))},
			{Label: v.T("statui.card.completion"), Value: comp.Pct(), Note: v.T("statui.schedule_of", ding.Schedule(ys.Year, d.Through, false).Pct())},
		}
	}
	v.Title = v.T("statui.title")
	v.Crumbs = []crumb{{Label: v.Title}}
	v.Data = d
	s.render(w, r, "statistics", v)
	return nil
}

// statisticsExport writes one table (table=NAME) or all of them (table=all) as .xlsx.
func (s *Server) statisticsExport(w http.ResponseWriter, r *http.Request) error {
	name := strings.TrimSpace(r.URL.Query().Get("table"))
	if name == "" {
		name = "all"
	}
	if name != "all" && !slices.Contains(statTableNames, name) {
		return ding.FieldError("table", "err.bad_param", "table")
	}
	ys, figs, figMonth, _, err := s.loadStatistics(r)
	if err != nil {
		return err
	}
	lang := reqOf(r).lang
	var sheets []xlsx.StatSheet
	for _, tb := range buildStatTables(lang, ys, figs, figMonth) {
		if name != "all" && tb.Name != name {
			continue
		}
		sub := i18n.T(lang, "statui.xlsx.subtitle", ys.UnitName, ys.Year)
		if tb.Name == "investment" {
			sub = i18n.T(lang, "statui.xlsx.subtitle_plan", ys.UnitName, ys.Year, yiText(ys.Plan), yiText(ys.PlanLast))
		}
		if tb.Note != "" {
			sub += " · " + tb.Note
		}
		sh := xlsx.StatSheet{Name: i18n.T(lang, "statui.sheet."+tb.Name), Title: ys.UnitName + " " + strconv.Itoa(ys.Year) + " " + tb.Title,
			Subtitle: sub, Headers: tb.Heads, Kinds: tb.Kinds}
		for _, row := range tb.Rows {
			cells := make([]any, len(row.Cells))
			for i, c := range row.Cells {
				cells[i] = c.X
			}
			sh.Rows = append(sh.Rows, cells)
			sh.Bold = append(sh.Bold, row.Total)
		}
		sheets = append(sheets, sh)
	}
	var b bytes.Buffer
	if err := xlsx.ExportStatistics(&b, sheets); err != nil {
		return ding.Internal(err, "statistics export")
	}
	file := i18n.T(lang, "statui.xlsx.file", ys.UnitName, ys.Year)
	if name != "all" {
		file += "-" + i18n.T(lang, "statui.sheet."+name)
	}
	return writeXLSX(w, file+".xlsx", "statistics-"+strconv.Itoa(ys.Year)+"-"+name+".xlsx", b.Bytes())
}

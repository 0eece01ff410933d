package xlsx

import (
	"io"
	"math"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"ding"
	"ding/i18n"
)

// ProjectList is what ExportProjects writes: a filtered project list with the totals of
// the whole filtered set.
type ProjectList struct {
	Lang     string
	Unit     string    // the caller's unit, named in the title (衢江区)
	Year     int       // the year of the running figures
	Now      time.Time // when the export is made
	Projects []*ding.Project
	Totals   ding.ProjectTotals
}

// ExportProjects writes the project list as offices lay it out: a title row, the date of
// export, a header with the units in the titles, frozen panes below the header, money in
// 万元 with thousands separators and two decimals, a totals row, widths that fit.
func ExportProjects(w io.Writer, l ProjectList) error {
	t := func(key string, args ...any) string { return i18n.T(l.Lang, key, args...) }
	tb := table{
		sheet:    t("xlsx.export.projects_sheet"),
		title:    t("xlsx.export.projects_title", l.Unit, l.Year),
		subtitle: t("xlsx.export.date", l.Now.In(ding.Shanghai).Format("2006-01-02")),
		cols: []xcol{
			{t("xlsx.col.seq"), xInt}, {t("xlsx.col.code"), xText}, {t("xlsx.col.name"), xWrap},
			{t("xlsx.col.unit"), xText}, {t("xlsx.col.location"), xText}, {t("xlsx.col.stage"), xText},
			{t("xlsx.col.tier"), xText}, {t("xlsx.col.investor"), xText}, {t("xlsx.col.chain"), xText},
			{t("xlsx.col.total_investment"), xMoney}, {t("xlsx.col.plan_year"), xMoney},
			{t("xlsx.col.completed_ytd"), xMoney}, {t("xlsx.col.rate"), xRate},
			{t("xlsx.col.progress_pct"), xPct100}, {t("xlsx.col.planned_start"), xDate},
			{t("xlsx.col.planned_end"), xDate}, {t("xlsx.col.leader"), xText},
		},
		totalSpan: 9,
	}
	for i, p := range l.Projects {
		investor, stage := "", ""
		if p.Investor != "" {
			investor = t("investor." + string(p.Investor))
		}
		if p.Stage != "" {
			stage = t("stage." + string(p.Stage))
		}
		tb.rows = append(tb.rows, []any{
			i + 1, p.Code, p.Name, p.UnitName, p.LocationName, stage,
			t("tier." + strconv.Itoa(int(p.Tier))), investor, p.Chain,
			wan(p.TotalInvestment), wan(p.PlanYear), wan(p.CompletedYTD), rate(p.CompletedYTD, p.PlanYear),
			p.ProgressPct, excelDate(p.PlannedStart), excelDate(p.PlannedEnd), p.LeaderName,
		})
	}
	tot := l.Totals
	tb.totals = []any{t("xlsx.export.total_projects", tot.Count), wan(tot.TotalInvestment), wan(tot.PlanYear),
		wan(tot.CompletedYTD), rate(tot.CompletedYTD, tot.PlanYear)}
	return tb.write(w)
}

// ReportList is what ExportReports writes: the reports of one project, oldest first.
type ReportList struct {
	Lang    string
	Project *ding.Project
	Now     time.Time
	Reports []*ding.ProgressReport
}

// ExportReports writes a project's report history with the same layout rules as
// ExportProjects. The totals row sums 本期完成 of the monthly reports that count (current,
// not returned), the way the running figures do.
func ExportReports(w io.Writer, l ReportList) error {
	t := func(key string, args ...any) string { return i18n.T(l.Lang, key, args...) }
	tb := table{
		sheet:    t("xlsx.export.reports_sheet"),
		title:    t("xlsx.export.reports_title", l.Project.Name, l.Project.Code),
		subtitle: t("xlsx.export.date", l.Now.In(ding.Shanghai).Format("2006-01-02")),
		cols: []xcol{
			{t("xlsx.col.period"), xText}, {t("xlsx.col.version"), xInt}, {t("xlsx.col.completed"), xMoney},
			{t("xlsx.col.report_ytd"), xMoney}, {t("xlsx.col.report_all"), xMoney},
			{t("xlsx.col.progress_text"), xWrap}, {t("xlsx.col.progress_pct"), xPct100},
			{t("xlsx.col.problems"), xWrap}, {t("xlsx.col.next_steps"), xWrap}, {t("xlsx.col.status"), xText},
			{t("xlsx.col.late"), xText}, {t("xlsx.col.submitter"), xText}, {t("xlsx.col.submitted_at"), xText},
		},
		totalSpan: 2,
	}
	var sum int64
	for _, r := range l.Reports {
		late := t("xlsx.no")
		if r.Late {
			late = t("xlsx.yes")
		}
		if r.Current && r.Kind == ding.PeriodMonth && r.Status != ding.ReportReturned {
			sum += r.Completed
		}
		tb.rows = append(tb.rows, []any{
			r.Period, r.Version, wan(r.Completed), wan(r.CompletedYTD), wan(r.CompletedAll),
			r.ProgressText, r.ProgressPct, r.Problems, r.NextSteps, t("report_status." + string(r.Status)),
			late, r.SubmitterName, r.SubmittedAt.In(ding.Shanghai).Format("2006-01-02 15:04"),
		})
	}
	tb.totals = []any{t("xlsx.export.total_reports", len(l.Reports)), wan(sum)}
	return tb.write(w)
}

// wan is yuan in 万元, the number a money cell holds.
func wan(yuan int64) float64 { return float64(yuan) / 10_000 }

// rate is done ÷ plan as a fraction for a percentage cell, or "—" when there is no plan.
func rate(done, plan int64) any {
	if plan <= 0 {
		return "—"
	}
	return float64(done) / float64(plan)
}

// excelDate is a civil date as a time for a date cell, or "" when unset.
func excelDate(d ding.Date) any {
	if d.IsZero() {
		return ""
	}
	return d.Time()
}

// xkind is how an export column shows its values.
type xkind int

const (
	xText   xkind = iota
	xWrap         // long text, wrapped
	xInt          // a count or a sequence number
	xMoney        // 万元, #,##0.00
	xRate         // a fraction shown as 0.0%
	xPct100       // a whole percent 0–100 shown with %
	xDate         // yyyy-mm-dd
)

type xcol struct {
	header string
	kind   xkind
}

// table is a titled sheet with a header, data rows and a totals row whose label spans
// the first totalSpan columns and whose values fill the money and rate columns in order.
type table struct {
	sheet, title, subtitle string
	cols                   []xcol
	rows                   [][]any
	totals                 []any
	totalSpan              int
}

// Rows of the layout.
const (
	titleRow  = 1
	dateRow   = 2
	headerRow = 3
	firstRow  = 4
)

func (tb *table) write(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", tb.sheet); err != nil {
		return err
	}
	ss, err := newExportStyles(f)
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(tb.sheet)
	if err != nil {
		return err
	}
	for i := range tb.cols {
		if err := sw.SetColWidth(i+1, i+1, tb.width(i)); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: headerRow, TopLeftCell: "A" + strconv.Itoa(firstRow),
		ActivePane: "bottomLeft", Selection: []excelize.Selection{{SQRef: "A4", ActiveCell: "A4", Pane: "bottomLeft"}}}); err != nil {
		return err
	}
	last := colName(len(tb.cols) - 1)
	if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: ss.title, Value: tb.title}}, excelize.RowOpts{Height: 30}); err != nil {
		return err
	}
	if err := sw.SetRow("A2", []any{excelize.Cell{StyleID: ss.subtitle, Value: tb.subtitle}}); err != nil {
		return err
	}
	head := make([]any, len(tb.cols))
	for i, c := range tb.cols {
		head[i] = excelize.Cell{StyleID: ss.header, Value: c.header}
	}
	if err := sw.SetRow("A3", head, excelize.RowOpts{Height: 32}); err != nil {
		return err
	}
	row := firstRow
	for _, r := range tb.rows {
		cells := make([]any, len(r))
		for i, v := range r {
			cells[i] = excelize.Cell{StyleID: ss.of(tb.cols[i].kind, false, v), Value: v}
		}
		if err := sw.SetRow("A"+strconv.Itoa(row), cells); err != nil {
			return err
		}
		row++
	}
	if tb.totals != nil {
		cells := make([]any, len(tb.cols))
		cells[0] = excelize.Cell{StyleID: ss.totalLabel, Value: tb.totals[0]}
		next := 1
		for i := 1; i < len(tb.cols); i++ {
			var v any
			if k := tb.cols[i].kind; i >= tb.totalSpan && (k == xMoney || k == xRate) && next < len(tb.totals) {
				v = tb.totals[next]
				next++
			}
			cells[i] = excelize.Cell{StyleID: ss.of(tb.cols[i].kind, true, v), Value: v}
		}
		if err := sw.SetRow("A"+strconv.Itoa(row), cells, excelize.RowOpts{Height: 22}); err != nil {
			return err
		}
		if tb.totalSpan > 1 {
			if err := sw.MergeCell("A"+strconv.Itoa(row), colName(tb.totalSpan-1)+strconv.Itoa(row)); err != nil {
				return err
			}
		}
	}
	if err := sw.MergeCell("A1", last+"1"); err != nil {
		return err
	}
	if err := sw.MergeCell("A2", last+"2"); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// width fits a column to its header and values: Chinese characters count double.
func (tb *table) width(i int) float64 {
	c := tb.cols[i]
	wd := 0
	for _, part := range splitLines(c.header) {
		wd = max(wd, dispWidth(part))
	}
	wd = min(wd, 16) // long headers wrap
	for _, r := range tb.rows {
		var s string
		switch v := r[i].(type) {
		case string:
			s = v
		case int:
			s = strconv.Itoa(v)
		case float64:
			if c.kind == xMoney {
				s = ding.Wan(int64(math.Round(v*10_000))) + "000"
			} else {
				s = "100.0%"
			}
		case time.Time:
			s = "2006-01-02"
		}
		wd = max(wd, dispWidth(s))
	}
	limit := 60
	if c.kind == xWrap {
		limit = 40
	}
	return float64(min(max(wd+2, 6), limit))
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i, r := range s {
		if r == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// dispWidth is the width of s in Excel's character units: wide (CJK) characters take two.
func dispWidth(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x2E80 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// exportStyles are the bordered cell styles of an export.
type exportStyles struct {
	title, subtitle, header, totalLabel int
	cell, bold                          map[xkind]int
}

// of is the style of a value in a column of kind k (bold for the totals row). Text in a
// number column ("—") is centred.
func (ss *exportStyles) of(k xkind, bold bool, v any) int {
	if _, ok := v.(string); ok && k != xText && k != xWrap {
		k = xText
	}
	if bold {
		return ss.bold[k]
	}
	return ss.cell[k]
}

func newExportStyles(f *excelize.File) (*exportStyles, error) {
	border := []excelize.Border{
		{Type: "left", Color: "A6A6A6", Style: 1}, {Type: "right", Color: "A6A6A6", Style: 1},
		{Type: "top", Color: "A6A6A6", Style: 1}, {Type: "bottom", Color: "A6A6A6", Style: 1},
	}
	ss := &exportStyles{cell: map[xkind]int{}, bold: map[xkind]int{}}
	mk := func(s excelize.Style) (int, error) { return f.NewStyle(&s) }
	var err error
	if ss.title, err = mk(excelize.Style{Font: &excelize.Font{Bold: true, Size: 16},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}}); err != nil {
		return nil, err
	}
	if ss.subtitle, err = mk(excelize.Style{Font: &excelize.Font{Size: 10, Color: "595959"},
		Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "center"}}); err != nil {
		return nil, err
	}
	if ss.header, err = mk(excelize.Style{Font: &excelize.Font{Bold: true}, Border: border,
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}); err != nil {
		return nil, err
	}
	if ss.totalLabel, err = mk(excelize.Style{Font: &excelize.Font{Bold: true}, Border: border,
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}}); err != nil {
		return nil, err
	}
	money, rate, pct, date := "#,##0.00", "0.0%", `0"%"`, "yyyy-mm-dd"
	for _, k := range []xkind{xText, xWrap, xInt, xMoney, xRate, xPct100, xDate} {
		s := excelize.Style{Border: border, Alignment: &excelize.Alignment{Vertical: "center"}}
		switch k {
		case xWrap:
			s.Alignment.WrapText = true
		case xInt:
			s.Alignment.Horizontal = "center"
		case xMoney:
			s.CustomNumFmt = &money
		case xRate:
			s.CustomNumFmt = &rate
		case xPct100:
			s.CustomNumFmt = &pct
		case xDate:
			s.CustomNumFmt = &date
			s.Alignment.Horizontal = "center"
		}
		if ss.cell[k], err = mk(s); err != nil {
			return nil, err
		}
		s.Font = &excelize.Font{Bold: true}
		s.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}}
		if ss.bold[k], err = mk(s); err != nil {
			return nil, err
		}
	}
	return ss, nil
}

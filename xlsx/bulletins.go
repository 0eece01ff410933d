package xlsx

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"ding"
	"ding/i18n"
)

// BulletinBook is what ExportBulletin writes: a month's bulletin (its stored cut and
// commentary).
type BulletinBook struct {
	Lang     string
	Bulletin *ding.Bulletin
	Area     string // 全区, 全市 …
	Colours  ding.ColourScheme
	Now      time.Time
}

// ExportBulletin writes a bulletin as a workbook with one sheet per table: 概况 (the
// summary sentences, the key figures and the general commentary), 排名, 预警, 新增与解除,
// 诉求, 对赌, 通报名单, 流动红旗. Rates are computed from the stored integers; a rate
// without a plan is "—".
func ExportBulletin(w io.Writer, bk BulletinBook) error {
	t := func(key string, args ...any) string { return i18n.T(bk.Lang, key, args...) }
	b := bk.Bulletin
	d := b.Data
	if d == nil {
		d = &ding.BulletinData{}
	}
	issue := fmt.Sprintf("%d年第%d期", b.Year, b.Month)
	status := t("bulletinui.status." + b.Status)
	sub := t("xlsx.export.date", bk.Now.In(ding.Shanghai).Format("2006-01-02")) + " · " + status
	title := func(key string) string {
		return t("bulletinui.xlsx.title", b.UnitName, issue, t("bulletinui.xlsx."+key))
	}
	colour := func(c ding.Colour) string { return bk.Colours.Name(c) }
	notes := map[string][]string{}
	var general []string
	for _, c := range b.Comments {
		if c.Kind == "general" {
			general = append(general, c.Text)
			continue
		}
		k := c.Kind + ":" + strconv.FormatInt(c.TargetID, 10)
		notes[k] = append(notes[k], c.Text)
	}
	note := func(kind string, id int64) string {
		return strings.Join(notes[kind+":"+strconv.FormatInt(id, 10)], "\n")
	}

	// 概况: the sentences, then the figures.
	overview := &table{sheet: t("bulletinui.xlsx.overview"), title: title("overview"), subtitle: sub,
		cols: []xcol{{t("bulletinui.xlsx.col.item"), xText}, {t("bulletinui.xlsx.col.value"), xWrap}}}
	for _, s := range d.Summary(bk.Area, b.Year, b.Month) {
		overview.rows = append(overview.rows, []any{t("bulletinui.xlsx.summary"), s})
	}
	completion := ding.R(d.Completed, d.Plan)
	gap := ding.ScheduleGap(completion, ding.Schedule(b.Year, b.Month, false))
	growth := ding.Growth(d.Completed, d.LastYear, true, true)
	fig := func(key string, v any) { overview.rows = append(overview.rows, []any{t("bulletinui.fig." + key), v}) }
	fig("projects", int(d.Projects))
	fig("investment_wan", wan(d.Investment))
	fig("plan_wan", wan(d.Plan))
	fig("completed_wan", wan(d.Completed))
	fig("completion", completion.Pct())
	fig("gap", gap.PP())
	fig("growth", growth.Pct())
	fig("signed1", int(d.Signed1))
	fig("signed10", int(d.Signed10))
	fig("signed100", int(d.Signed100))
	fig("started", int(d.Started))
	fig("in_stats", int(d.InStats))
	fig("signed_in_stats", int(d.SignedInStats))
	fig("red", int(d.Red))
	fig("yellow", int(d.Yellow))
	fig("blue", int(d.Blue))
	for _, g := range general {
		overview.rows = append(overview.rows, []any{t("bulletinui.general"), safeCell(g)})
	}
	// Money and counts share the value column: format money as text with two decimals so
	// the column reads alike.
	for _, r := range overview.rows {
		if f, ok := r[1].(float64); ok {
			r[1] = strconv.FormatFloat(f, 'f', 2, 64)
		} else if n, ok := r[1].(int); ok {
			r[1] = strconv.Itoa(n)
		}
	}

	ranking := &table{sheet: t("bulletinui.xlsx.ranking"), title: title("ranking"), subtitle: sub,
		cols: []xcol{{t("bulletinui.col.rank"), xInt}, {t("bulletinui.col.unit"), xText}, {t("bulletinui.col.projects"), xInt},
			{t("bulletinui.col.plan_wan"), xMoney}, {t("bulletinui.col.completed_wan"), xMoney}, {t("bulletinui.col.rate"), xRate},
			{t("bulletinui.col.red"), xInt}, {t("bulletinui.col.change"), xText}, {t("bulletinui.col.comment"), xWrap}}}
	for _, u := range d.Units {
		rank := any(u.Rank)
		if u.Rank == 0 {
			rank = "—"
		}
		ranking.rows = append(ranking.rows, []any{rank, safeCell(u.UnitName), int(u.Projects), wan(u.Plan), wan(u.Completed), rate(u.Completed, u.Plan),
			int(u.Red), change(u.Rank, u.PrevRank), safeCell(note("unit", u.UnitID))})
	}

	warnings := &table{sheet: t("bulletinui.xlsx.warnings"), title: title("warnings"), subtitle: sub,
		cols: []xcol{{t("bulletinui.col.colour"), xText}, {t("bulletinui.col.project"), xWrap}, {t("bulletinui.col.unit"), xText},
			{t("bulletinui.col.rule"), xText}, {t("bulletinui.col.reason"), xWrap}, {t("bulletinui.col.since"), xDate},
			{t("bulletinui.col.periods"), xInt}, {t("bulletinui.col.comment"), xWrap}}}
	for _, w := range d.Warnings {
		warnings.rows = append(warnings.rows, []any{colour(w.Colour), safeCell(w.ProjectName), safeCell(w.UnitName), safeCell(w.Rule), safeCell(w.Reason),
			excelDate(w.Since), w.Periods, safeCell(note("project", w.ProjectID))})
	}
	if more := d.WarningsTotal - len(d.Warnings); more > 0 {
		warnings.rows = append(warnings.rows, []any{t("bulletinui.more", more), "", "", "", "", "", "", ""})
	}

	changes := &table{sheet: t("bulletinui.xlsx.changes"), title: title("changes"), subtitle: sub,
		cols: []xcol{{t("bulletinui.col.event"), xText}, {t("bulletinui.col.colour"), xText}, {t("bulletinui.col.project"), xWrap},
			{t("bulletinui.col.unit"), xText}, {t("bulletinui.col.reason"), xWrap}, {t("bulletinui.col.on"), xDate}}}
	for _, e := range d.Opened {
		changes.rows = append(changes.rows, []any{t("bulletinui.opened"), colour(e.Colour), safeCell(e.ProjectName), safeCell(e.UnitName), safeCell(e.Reason), excelDate(e.On)})
	}
	for _, e := range d.Cleared {
		changes.rows = append(changes.rows, []any{t("bulletinui.cleared"), colour(e.Colour), safeCell(e.ProjectName), safeCell(e.UnitName), safeCell(e.Reason), excelDate(e.On)})
	}

	items := &table{sheet: t("bulletinui.xlsx.items"), title: title("items"), subtitle: sub,
		cols: []xcol{{t("bulletinui.col.list"), xText}, {t("bulletinui.col.kind"), xText}, {t("bulletinui.col.title"), xWrap},
			{t("bulletinui.col.project"), xWrap}, {t("bulletinui.col.unit"), xText}, {t("bulletinui.col.status"), xText},
			{t("bulletinui.col.decision"), xWrap}, {t("bulletinui.col.on"), xDate}, {t("bulletinui.col.due"), xDate}}}
	for _, l := range []struct {
		key  string
		rows []ding.BulletinItem
	}{{"decided", d.Decided}, {"closed", d.Closed}, {"overdue", d.Overdue}} {
		for _, it := range l.rows {
			items.rows = append(items.rows, []any{t("bulletinui.items." + l.key), t("item.kind." + it.Kind), safeCell(it.Title), safeCell(it.ProjectName),
				safeCell(it.UnitName), t("item.status." + it.Status), safeCell(it.Decision), excelDate(it.On), excelDate(it.Due)})
		}
	}

	broken := &table{sheet: t("bulletinui.xlsx.broken"), title: title("broken"), subtitle: sub,
		cols: []xcol{{t("bulletinui.col.project"), xWrap}, {t("bulletinui.col.clause"), xWrap}, {t("bulletinui.col.due"), xDate},
			{t("bulletinui.col.measured"), xWrap}}}
	for _, c := range d.Broken {
		broken.rows = append(broken.rows, []any{safeCell(c.ProjectName), safeCell(c.Clause), excelDate(c.Due), safeCell(c.Measured)})
	}

	listed := &table{sheet: t("bulletinui.xlsx.listed"), title: title("listed"), subtitle: sub,
		cols: []xcol{{t("bulletinui.col.project"), xWrap}, {t("bulletinui.col.unit"), xText}, {t("bulletinui.col.colour"), xText},
			{t("bulletinui.col.figures"), xWrap}, {t("bulletinui.col.comment"), xWrap}}}
	for _, l := range d.Listed {
		listed.rows = append(listed.rows, []any{safeCell(l.ProjectName), safeCell(l.UnitName), colour(l.Colour), safeCell(strings.Join(l.Figures, "；")),
			safeCell(note("project", l.ProjectID))})
	}

	flags := &table{sheet: t("bulletinui.xlsx.flags"), title: title("flags"), subtitle: sub,
		cols: []xcol{{t("bulletinui.col.scheme"), xWrap}, {t("bulletinui.col.flag"), xText}, {t("bulletinui.col.unit"), xText},
			{t("bulletinui.col.group"), xText}, {t("bulletinui.col.rank"), xInt}, {t("bulletinui.col.streak"), xInt}}}
	for _, f := range d.Flags {
		flags.rows = append(flags.rows, []any{safeCell(f.SchemeName), safeCell(f.FlagName), safeCell(f.UnitName), safeCell(f.Group), f.Rank, f.Streak})
	}

	tabs := []*table{overview, ranking, warnings, changes, items, broken, listed, flags}
	for _, tb := range tabs {
		if len(tb.rows) == 0 {
			row := make([]any, len(tb.cols))
			row[0] = t("bulletinui.none")
			for i := 1; i < len(row); i++ {
				row[i] = ""
			}
			tb.rows = append(tb.rows, row)
		}
	}
	return writeBook(w, tabs)
}

// change is a rank's move: ↑2, ↓1, —.
func change(rank, prev int) string {
	switch {
	case rank == 0 || prev == 0 || rank == prev:
		return "—"
	case prev > rank:
		return "↑" + strconv.Itoa(prev-rank)
	}
	return "↓" + strconv.Itoa(rank-prev)
}

// writeBook writes tables as the sheets of one workbook, each laid out like table.write.
func writeBook(w io.Writer, tabs []*table) error {
	f := excelize.NewFile()
	defer f.Close()
	ss, err := newExportStyles(f)
	if err != nil {
		return err
	}
	for i, tb := range tabs {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", tb.sheet); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(tb.sheet); err != nil {
			return err
		}
		if err := tb.stream(f, ss); err != nil {
			return err
		}
	}
	f.SetActiveSheet(0)
	_, err = f.WriteTo(w)
	return err
}

// stream writes the table into its sheet of f: title, subtitle, header, rows.
func (tb *table) stream(f *excelize.File, ss *exportStyles) error {
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
	for n, r := range tb.rows {
		cells := make([]any, len(r))
		for i, v := range r {
			cells[i] = excelize.Cell{StyleID: ss.of(tb.cols[i].kind, false, v), Value: v}
		}
		if err := sw.SetRow("A"+strconv.Itoa(firstRow+n), cells); err != nil {
			return err
		}
	}
	if len(tb.cols) > 1 {
		last := colName(len(tb.cols) - 1)
		if err := sw.MergeCell("A1", last+"1"); err != nil {
			return err
		}
		if err := sw.MergeCell("A2", last+"2"); err != nil {
			return err
		}
	}
	return sw.Flush()
}

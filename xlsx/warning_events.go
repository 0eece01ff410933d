package xlsx

import (
	"io"
	"time"

	"ding"
	"ding/i18n"
	"ding/store"
)

// WarningEventList is what ExportWarningEvents writes: the warning events of a filter
// (store.FindWarningEvents), in the list's order.
type WarningEventList struct {
	Lang       string
	Scope      string    // the unit whose subtree is listed (衢江区), named in the title
	Month      string    // 2024-06, named in the title
	Filter     string    // the other filters in words, for the subtitle
	Now        time.Time // when the export is made
	ColourName func(ding.Colour) string
	Events     []*store.WarningEventRow
}

// ExportWarningEvents writes the events with the layout of the other lists: a title, the
// date and the filter, a header with frozen panes, dates as dates, reasons wrapped, and a
// row with the count.
func ExportWarningEvents(w io.Writer, l WarningEventList) error {
	t := func(key string, args ...any) string { return i18n.T(l.Lang, key, args...) }
	colour := func(c ding.Colour) string {
		if c == "" {
			return ""
		}
		if l.ColourName != nil {
			return l.ColourName(c)
		}
		return string(c)
	}
	tb := table{
		sheet:    t("warnev.x.sheet"),
		title:    t("warnev.x.title", l.Scope, l.Month),
		subtitle: t("warnev.x.subtitle", l.Now.In(ding.Shanghai).Format("2006-01-02"), l.Filter),
		cols: []xcol{
			{t("warnev.x.seq"), xInt}, {t("warnev.col.on"), xDate}, {t("warnev.col.event"), xText}, {t("warnev.col.colour"), xText},
			{t("warnev.x.from"), xText}, {t("warnev.x.to"), xText}, {t("warnev.x.code"), xText}, {t("warnev.col.project"), xWrap},
			{t("warnev.col.unit"), xText}, {t("warnev.col.rule"), xText}, {t("warnev.col.reason"), xWrap},
		},
	}
	tb.totalSpan = len(tb.cols)
	for i, e := range l.Events {
		rule := e.RuleName
		if e.Subject != "" {
			rule += "（" + e.Subject + "）"
		}
		tb.rows = append(tb.rows, []any{
			i + 1, excelDate(e.On), t("warnui.event." + e.Event), colour(e.Colour), colour(e.From), colour(e.To),
			e.ProjectCode, e.ProjectName, e.UnitName, rule, i18n.T(l.Lang, e.Reason, e.Args...),
		})
	}
	tb.totals = []any{t("warnev.x.total", len(l.Events))}
	return tb.write(w)
}

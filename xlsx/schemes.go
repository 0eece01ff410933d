package xlsx

import (
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"ding"
	"ding/i18n"
)

// SchemeResult is what ExportSchemeResult writes: one period's scores of a competition
// scheme, as locked or as a trial (试算) from the live figures.
type SchemeResult struct {
	Lang        string
	Scheme      *ding.Scheme // the definition scored (a locked cut's own)
	PeriodLabel string       // 2024年第2季度
	Locked      bool
	LockedBy    string
	LockedAt    time.Time
	Now         time.Time
	Scores      []*ding.Score // in the scheme's group order, then by rank
}

// ExportSchemeResult writes the result sheet offices send round: a title, whether the
// figures are locked, one row per participant with its points on every item (a number
// cell, two decimals), bonus and penalty, the total, the rank in its group, the change of
// rank and the flag, and a note naming the items without data (缺数) or exempted (免考).
func ExportSchemeResult(w io.Writer, r SchemeResult) error {
	t := func(key string, args ...any) string { return i18n.T(r.Lang, key, args...) }
	s := r.Scheme
	grouped := len(s.Groups()) > 1 || (len(s.Groups()) == 1 && s.Groups()[0] != "")
	f := excelize.NewFile()
	defer f.Close()
	sheet := t("schemeui.xlsx.sheet")
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	var heads []string
	if grouped {
		heads = append(heads, t("schemeui.col.group"))
	}
	heads = append(heads, t("schemeui.col.rank"), t("schemeui.col.unit"))
	firstItem := len(heads)
	for _, it := range s.Items {
		heads = append(heads, t("schemeui.xlsx.item_head", it.IndicatorName, ding.Points(it.Weight)))
	}
	heads = append(heads, t("schemeui.col.adjust"), t("schemeui.col.total"), t("schemeui.col.change"), s.FlagName,
		t("schemeui.col.note"))
	last, _ := excelize.ColumnNumberToName(len(heads))

	border := []excelize.Border{{Type: "left", Color: "A6A6A6", Style: 1}, {Type: "right", Color: "A6A6A6", Style: 1},
		{Type: "top", Color: "A6A6A6", Style: 1}, {Type: "bottom", Color: "A6A6A6", Style: 1}}
	points := "0.00"
	mk := func(st excelize.Style) int {
		id, err := f.NewStyle(&st)
		if err != nil {
			return 0
		}
		return id
	}
	titleStyle := mk(excelize.Style{Font: &excelize.Font{Bold: true, Size: 16}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	subStyle := mk(excelize.Style{Font: &excelize.Font{Size: 10, Color: "595959"}, Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "center"}})
	trialStyle := mk(excelize.Style{Font: &excelize.Font{Size: 10, Bold: true, Color: "B45309"}, Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "center"}})
	headStyle := mk(excelize.Style{Font: &excelize.Font{Bold: true}, Border: border, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	textStyle := mk(excelize.Style{Border: border, Alignment: &excelize.Alignment{Vertical: "center"}})
	wrapStyle := mk(excelize.Style{Border: border, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	centerStyle := mk(excelize.Style{Border: border, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	pointStyle := mk(excelize.Style{Border: border, CustomNumFmt: &points, Alignment: &excelize.Alignment{Vertical: "center"}})
	totalStyle := mk(excelize.Style{Border: border, CustomNumFmt: &points, Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Vertical: "center"}})
	flagStyle := mk(excelize.Style{Border: border, Font: &excelize.Font{Bold: true, Color: "C00000"}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})

	if err := f.MergeCell(sheet, "A1", last+"1"); err != nil {
		return err
	}
	if err := f.MergeCell(sheet, "A2", last+"2"); err != nil {
		return err
	}
	f.SetCellValue(sheet, "A1", t("schemeui.xlsx.title", s.Name, r.PeriodLabel))
	f.SetCellStyle(sheet, "A1", "A1", titleStyle)
	f.SetRowHeight(sheet, 1, 30)
	now := r.Now.In(ding.Shanghai).Format("2006-01-02 15:04")
	if r.Locked {
		f.SetCellValue(sheet, "A2", t("schemeui.xlsx.locked", s.OrganizerName, r.LockedBy, r.LockedAt.In(ding.Shanghai).Format("2006-01-02 15:04"), now))
		f.SetCellStyle(sheet, "A2", "A2", subStyle)
	} else {
		f.SetCellValue(sheet, "A2", t("schemeui.xlsx.trial", s.OrganizerName, now))
		f.SetCellStyle(sheet, "A2", "A2", trialStyle)
	}
	for i, h := range heads {
		col, _ := excelize.ColumnNumberToName(i + 1)
		f.SetCellValue(sheet, col+"3", h)
		width := float64(min(max(dispWidth(h)/2+2, 8), 16))
		switch {
		case i == firstItem-1: // the unit
			width = 18
		case i == len(heads)-1: // the note
			width = 36
		}
		f.SetColWidth(sheet, col, col, width)
	}
	f.SetCellStyle(sheet, "A3", last+"3", headStyle)
	f.SetRowHeight(sheet, 3, 36)
	for i, sc := range r.Scores {
		n := strconv.Itoa(i + 4)
		row := []any{}
		if grouped {
			row = append(row, sc.Group)
		}
		row = append(row, sc.Rank, safeCell(sc.UnitName))
		var missing, exempt []string
		for j, it := range s.Items {
			if j >= len(sc.Items) {
				row = append(row, "")
				continue
			}
			is := sc.Items[j]
			row = append(row, float64(is.Points)/100)
			if is.Missing {
				missing = append(missing, it.IndicatorName)
			}
			if is.Exempt {
				exempt = append(exempt, it.IndicatorName)
			}
		}
		change := ""
		switch c := sc.RankChange(); {
		case c > 0:
			change = "↑" + strconv.Itoa(c)
		case c < 0:
			change = "↓" + strconv.Itoa(-c)
		case sc.PrevRank != 0:
			change = "—"
		}
		flag := ""
		if sc.Flag {
			flag = t("schemeui.xlsx.flag_yes")
		}
		var note []string
		if len(missing) > 0 {
			note = append(note, t("schemeui.xlsx.note_missing", strings.Join(missing, "、")))
		}
		if len(exempt) > 0 {
			note = append(note, t("schemeui.xlsx.note_exempt", strings.Join(exempt, "、")))
		}
		row = append(row, float64(sc.Adjust)/100, float64(sc.Total)/100, change, flag, strings.Join(note, "；"))
		if err := f.SetSheetRow(sheet, "A"+n, &row); err != nil {
			return err
		}
		f.SetCellStyle(sheet, "A"+n, last+n, textStyle)
		rankCol, _ := excelize.ColumnNumberToName(firstItem - 1)
		f.SetCellStyle(sheet, rankCol+n, rankCol+n, centerStyle)
		from, _ := excelize.ColumnNumberToName(firstItem + 1)
		to, _ := excelize.ColumnNumberToName(firstItem + len(s.Items) + 1)
		f.SetCellStyle(sheet, from+n, to+n, pointStyle)
		tot, _ := excelize.ColumnNumberToName(firstItem + len(s.Items) + 2)
		f.SetCellStyle(sheet, tot+n, tot+n, totalStyle)
		chg, _ := excelize.ColumnNumberToName(firstItem + len(s.Items) + 3)
		f.SetCellStyle(sheet, chg+n, chg+n, centerStyle)
		fl, _ := excelize.ColumnNumberToName(firstItem + len(s.Items) + 4)
		if sc.Flag {
			f.SetCellStyle(sheet, fl+n, fl+n, flagStyle)
		}
		f.SetCellStyle(sheet, last+n, last+n, wrapStyle)
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, XSplit: firstItem, YSplit: 3, TopLeftCell: cellName(firstItem+1, 4),
		ActivePane: "bottomRight"}); err != nil {
		return err
	}
	if len(r.Scores) > 0 {
		if err := f.AutoFilter(sheet, "A3:"+last+strconv.Itoa(len(r.Scores)+3), nil); err != nil {
			return err
		}
	}
	f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Orientation: ptr("landscape")})
	_, err := f.WriteTo(w)
	return err
}

// cellName is the address of column col (1-based) in row row.
func cellName(col, row int) string {
	n, _ := excelize.CoordinatesToCellName(col, row)
	return n
}

// safeCell shows a text that looks like a formula instead of running it.
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
		return "'" + s
	}
	return s
}

func ptr[T any](v T) *T { return &v }

package xlsx

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"ding"
	"ding/i18n"
)

// templateRows is how far down the template's formats and drop-down lists reach.
const templateRows = 5000

// Template returns the import template: the sheets 项目 and 月度进度 with their Chinese
// headers (the file format, whatever the language), drop-down lists for the closed lists
// (and for chains, when the city's list is given and short enough for Excel), and a notes
// sheet in lang that explains each column and its allowed values.
func Template(lang string, chains ...string) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetProjects); err != nil {
		return nil, err
	}
	if _, err := f.NewSheet(SheetProgress); err != nil {
		return nil, err
	}
	if _, err := f.NewSheet(SheetNotes); err != nil {
		return nil, err
	}
	st, err := newStyles(f)
	if err != nil {
		return nil, err
	}
	enums := newEnums()
	for _, sh := range []struct {
		name string
		cols []column
	}{{SheetProjects, projectColumns}, {SheetProgress, progressColumns}} {
		if err := templateSheet(f, st, lang, sh.name, sh.cols, enums, chains); err != nil {
			return nil, err
		}
	}
	if err := notesSheet(f, st, lang, enums, chains); err != nil {
		return nil, err
	}
	f.SetActiveSheet(0)
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func templateSheet(f *excelize.File, st *styles, lang, name string, cols []column, enums map[kind]*enum, chains []string) error {
	t := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	last := strconv.Itoa(templateRows)
	for i, c := range cols {
		col := colName(i)
		if err := f.SetCellValue(name, col+"1", c.title); err != nil {
			return err
		}
		if err := f.SetColWidth(name, col, col, c.width); err != nil {
			return err
		}
		style := 0
		switch c.kind {
		case kMoney:
			style = st.money
		case kDate:
			style = st.date
		case kCode, kPeriod:
			style = st.text // keeps 2024-03 and long codes as typed
		case kText:
			style = st.wrap
		}
		if style != 0 {
			if err := f.SetColStyle(name, col, style); err != nil {
				return err
			}
		}
		var list []string
		switch c.kind {
		case kNature, kInvestor, kStage:
			list = enums[c.kind].names
		case kIndustry:
			list = ding.Industries
		case kFlag:
			list = []string{"是", "否"}
		}
		if c.field == "chain" && len(chains) > 0 && len(strings.Join(chains, ",")) <= 250 && !slices.ContainsFunc(chains, func(s string) bool { return strings.Contains(s, ",") }) {
			list = chains // Excel's limit for a typed list is 255 characters
		}
		sqref := col + "2:" + col + last
		switch {
		case list != nil:
			dv := excelize.NewDataValidation(true)
			dv.Sqref = sqref
			if err := dv.SetDropList(list); err != nil {
				return err
			}
			msg := t("xlsx.dv.choose", strings.Join(list, "、"))
			if utf8.RuneCountInString(msg) > 255 {
				msg = t("xlsx.dv.choose", "…")
			}
			dv.SetError(excelize.DataValidationErrorStyleStop, c.title, msg)
			if err := f.AddDataValidation(name, dv); err != nil {
				return err
			}
		case c.kind == kMoney:
			dv := excelize.NewDataValidation(true)
			dv.Sqref = sqref
			if err := dv.SetRange(0, 1e10, excelize.DataValidationTypeDecimal, excelize.DataValidationOperatorBetween); err != nil {
				return err
			}
			dv.SetError(excelize.DataValidationErrorStyleStop, c.title, t("xlsx.dv.money"))
			if err := f.AddDataValidation(name, dv); err != nil {
				return err
			}
		case c.kind == kPercent:
			dv := excelize.NewDataValidation(true)
			dv.Sqref = sqref
			if err := dv.SetRange(0, 100, excelize.DataValidationTypeWhole, excelize.DataValidationOperatorBetween); err != nil {
				return err
			}
			dv.SetError(excelize.DataValidationErrorStyleStop, c.title, t("xlsx.dv.pct"))
			if err := f.AddDataValidation(name, dv); err != nil {
				return err
			}
		case c.kind == kDate || c.kind == kPeriod:
			dv := excelize.NewDataValidation(true)
			dv.Sqref = sqref
			msg := t("xlsx.dv.date")
			if c.kind == kPeriod {
				msg = t("xlsx.dv.period")
			}
			dv.SetInput(c.title, msg)
			if err := f.AddDataValidation(name, dv); err != nil {
				return err
			}
		}
	}
	end := colName(len(cols)-1) + "1"
	if err := f.SetCellStyle(name, "A1", end, st.header); err != nil {
		return err
	}
	if err := f.SetRowHeight(name, 1, 32); err != nil {
		return err
	}
	return f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}})
}

// notesSheet explains every column: sheet, column letter, title, required, what to write.
func notesSheet(f *excelize.File, st *styles, lang string, enums map[kind]*enum, chains []string) error {
	t := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	name := SheetNotes
	rows := [][]any{
		{t("xlsx.notes.title")},
		{t("xlsx.notes.rule1")},
		{t("xlsx.notes.rule2")},
		{t("xlsx.notes.rule3")},
		{t("xlsx.notes.rule4")},
		{},
		{t("xlsx.notes.sheet"), t("xlsx.notes.column"), t("xlsx.notes.header"), t("xlsx.notes.required"), t("xlsx.notes.explain")},
	}
	headerRow := len(rows)
	for _, sh := range []struct {
		name string
		cols []column
	}{{SheetProjects, projectColumns}, {SheetProgress, progressColumns}} {
		for i, c := range sh.cols {
			req := ""
			if c.required {
				req = t("xlsx.notes.yes")
			}
			key := "xlsx.note." + c.field
			if sh.name == SheetProgress {
				key = "xlsx.note.p_" + c.field
				if c.field == "" {
					key = "xlsx.note.p_name"
				}
			}
			explain := t(key)
			switch c.kind {
			case kNature, kInvestor, kStage:
				explain += t("xlsx.notes.allowed", strings.Join(enums[c.kind].names, "、"))
			case kIndustry:
				explain += t("xlsx.notes.allowed", strings.Join(ding.Industries, "、"))
			case kFlag:
				explain += t("xlsx.notes.allowed", "是、否")
			}
			if c.field == "chain" && len(chains) > 0 {
				explain += t("xlsx.notes.allowed", strings.Join(chains, "、"))
			}
			rows = append(rows, []any{sh.name, colName(i), c.title, req, explain})
		}
	}
	for i, r := range rows {
		if err := f.SetSheetRow(name, "A"+strconv.Itoa(i+1), &r); err != nil {
			return err
		}
	}
	for _, w := range []struct {
		col   string
		width float64
	}{{"A", 12}, {"B", 6}, {"C", 22}, {"D", 8}, {"E", 90}} {
		if err := f.SetColWidth(name, w.col, w.col, w.width); err != nil {
			return err
		}
	}
	if err := f.MergeCell(name, "A1", "E1"); err != nil {
		return err
	}
	for r := 2; r <= 5; r++ {
		if err := f.MergeCell(name, "A"+strconv.Itoa(r), "E"+strconv.Itoa(r)); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(name, "A1", "A1", st.title); err != nil {
		return err
	}
	hr := strconv.Itoa(headerRow)
	if err := f.SetCellStyle(name, "A"+hr, "E"+hr, st.header); err != nil {
		return err
	}
	return f.SetCellStyle(name, "A"+strconv.Itoa(headerRow+1), "E"+strconv.Itoa(len(rows)), st.wrap)
}

// styles are the cell styles of a workbook.
type styles struct {
	header, title, text, wrap, money, date int
}

func newStyles(f *excelize.File) (*styles, error) {
	border := []excelize.Border{
		{Type: "left", Color: "A6A6A6", Style: 1}, {Type: "right", Color: "A6A6A6", Style: 1},
		{Type: "top", Color: "A6A6A6", Style: 1}, {Type: "bottom", Color: "A6A6A6", Style: 1},
	}
	moneyFmt, dateFmt, textFmt := "#,##0.00", "yyyy-mm-dd", "@"
	st := &styles{}
	defs := []struct {
		dst *int
		s   excelize.Style
	}{
		{&st.header, excelize.Style{Font: &excelize.Font{Bold: true}, Border: border,
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&st.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 16},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}}},
		{&st.text, excelize.Style{CustomNumFmt: &textFmt}},
		{&st.wrap, excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&st.money, excelize.Style{CustomNumFmt: &moneyFmt}},
		{&st.date, excelize.Style{CustomNumFmt: &dateFmt}},
	}
	for _, d := range defs {
		id, err := f.NewStyle(&d.s)
		if err != nil {
			return nil, err
		}
		*d.dst = id
	}
	return st, nil
}

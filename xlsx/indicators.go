package xlsx

// Indicator values in and out of Excel: the template of the values import (指标代码 | 单位 |
// 年份 | 月份 | 数值 | 备注), the reading of such a file into a batch of store.ValueWrite with
// its problems by sheet, row and column, and the export of an indicator's figures table.

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"ding"
	"ding/i18n"
	"ding/store"
)

// Sheet names of the values template.
const (
	SheetValues     = "指标数据"
	SheetIndicators = "指标清单"
)

// valueColumns are the columns of a values sheet. Their fields are the Field names of the
// store's ValueError, so that its errors land on the right cell.
var valueColumns = []column{
	{field: "indicator", title: "指标代码", aliases: []string{"指标", "指标名称", "指标代码或名称"}, kind: kText, required: true, width: 16},
	{field: "unit", title: "单位", aliases: []string{"单位名称", "责任单位", "地区", "乡镇（街道）"}, kind: kUnit, required: true, width: 16},
	{field: "year", title: "年份", aliases: []string{"年度"}, kind: kText, required: true, width: 8},
	{field: "month", title: "月份（留空=年度目标）", aliases: []string{"月份", "月度", "月份(留空为年度目标)"}, kind: kText, width: 20},
	{field: "value", title: "数值", aliases: []string{"数据", "值", "指标值"}, kind: kText, required: true, width: 14},
	{field: "note", title: "备注", aliases: []string{"说明"}, kind: kText, width: 30},
}

// Positions of valueColumns.
const (
	vcIndicator = iota
	vcUnit
	vcYear
	vcMonth
	vcValue
	vcNote
)

// IndicatorResolver finds an indicator by its code or its name as written in a sheet.
type IndicatorResolver func(codeOrName string) (*ding.Indicator, bool)

// IndicatorResolverOf resolves among inds: by code (any case), else by name; a name two
// indicators share resolves to neither.
func IndicatorResolverOf(inds []*ding.Indicator) IndicatorResolver {
	codes, names := map[string]*ding.Indicator{}, map[string]*ding.Indicator{}
	ambiguous := map[string]bool{}
	for _, ind := range inds {
		codes[strings.ToLower(ind.Code)] = ind
		n := strings.Join(strings.Fields(ind.Name), "")
		if _, ok := names[n]; ok {
			ambiguous[n] = true
		}
		names[n] = ind
	}
	return func(s string) (*ding.Indicator, bool) {
		s = strings.Join(strings.Fields(foldWidth(s)), "")
		if ind, ok := codes[strings.ToLower(s)]; ok {
			return ind, true
		}
		if ind, ok := names[s]; ok && !ambiguous[s] {
			return ind, true
		}
		return nil, false
	}
}

// ValueBook is a values file read into a batch for store.SetValues, with the problems
// found while reading it and where each write came from.
type ValueBook struct {
	Writes   []store.ValueWrite
	Problems []Problem
	Rows     int // data rows read (blank and totals rows aside)
	sheets   []*sheet
	at       []valueAt // per write
}

// valueAt is where a write was read: its sheet and row.
type valueAt struct {
	sh  *sheet
	row int
}

// ReadValues reads a values file of at most size bytes: every sheet whose header has
// 指标代码, 单位, 年份 and 数值 (wherever the header is, in any column order). Values are
// parsed in their indicator's measure (亿元 with two decimals, 户 …) exactly. A file that
// is not a readable .xlsx gives an EINVALID error, like Read.
func ReadValues(r io.Reader, size int64, inds IndicatorResolver, units Resolver) (vb *ValueBook, err error) {
	if size > 0 {
		r = io.LimitReader(r, size)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if units == nil {
		units = func(string) (int64, bool) { return 0, false }
	}
	defer func() {
		if v := recover(); v != nil {
			vb, err = nil, recovered(v)
		}
	}()
	switch {
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		return nil, &ding.Error{Code: ding.EINVALID, Key: "xlsx.old_xls"}
	case !bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return nil, notXLSX(errors.New("no zip signature"))
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true, UnzipSizeLimit: unzipLimit})
	if err != nil {
		if strings.Contains(err.Error(), "unzip size") {
			return nil, &ding.Error{Code: ding.EINVALID, Key: "xlsx.unzip_limit", Args: []any{unzipLimit >> 20}, Err: err}
		}
		return nil, notXLSX(err)
	}
	defer f.Close()
	vr := &valueReader{vb: &ValueBook{}, inds: inds, units: units, unitHits: map[string]unitHit{}, seen: map[[4]int64]valueAt{}}
	merges := hasMerges(f)
	for i, name := range f.GetSheetList() {
		switch normTitle(name) {
		case normTitle(SheetNotes), normTitle(SheetIndicators), "说明", "notes":
			continue
		}
		if err := vr.sheet(f, i, name, merges); err != nil {
			return nil, err
		}
	}
	if len(vr.vb.sheets) == 0 {
		return nil, &ding.Error{Code: ding.EINVALID, Key: "indui.xlsx.no_sheets"}
	}
	sortProblems(vr.vb.Problems)
	return vr.vb, nil
}

// valueReader holds the state of one ReadValues.
type valueReader struct {
	vb       *ValueBook
	inds     IndicatorResolver
	units    Resolver
	unitHits map[string]unitHit
	seen     map[[4]int64]valueAt // indicator, unit, year, month → first row
}

func (vr *valueReader) sheet(f *excelize.File, index int, name string, merges bool) error {
	rows, err := f.Rows(name)
	if err != nil {
		return nil // a chart sheet or the like
	}
	defer rows.Close()
	var sh *sheet
	var data []rawRow
	n := 0
	for rows.Next() {
		n++
		cells, err := rows.Columns()
		if err != nil {
			return notXLSX(err)
		}
		if sh == nil {
			if n > maxHeaderRow {
				return nil
			}
			if sh = vr.header(cells, index, name, n); sh != nil {
				vr.vb.sheets = append(vr.vb.sheets, sh)
			}
			continue
		}
		data = append(data, rawRow{n, cells})
	}
	if err := rows.Error(); err != nil {
		return notXLSX(err)
	}
	if sh == nil {
		return nil
	}
	if merges {
		if err := fillMerged(f, sh, data); err != nil {
			return notXLSX(err)
		}
	}
	for _, r := range data {
		vr.row(sh, r.n, r.cells)
	}
	return nil
}

// header recognizes a values header: 指标代码 (or 指标名称), 单位 and 数值.
func (vr *valueReader) header(cells []string, index int, name string, row int) *sheet {
	idx := titleIndex(valueColumns)
	pos, titles := make([]int, len(valueColumns)), make([]string, len(valueColumns))
	for i := range pos {
		pos[i] = -1
	}
	for c, v := range cells {
		if i, ok := idx[normTitle(v)]; ok && pos[i] < 0 {
			pos[i], titles[i] = c, strings.Join(strings.Fields(v), "")
		}
	}
	if pos[vcIndicator] < 0 || pos[vcUnit] < 0 || pos[vcValue] < 0 {
		return nil
	}
	sh := &sheet{name: name, index: index, seq: len(vr.vb.sheets), headerRow: row, spec: valueColumns, pos: pos, titles: titles}
	for i, c := range valueColumns {
		if c.required && pos[i] < 0 {
			vr.problem(sh, row, -1, "xlsx.column_missing", c.title)
		}
	}
	return sh
}

// problem records a problem at row and column i of the spec (-1: the row).
func (vr *valueReader) problem(sh *sheet, row, i int, key string, args ...any) {
	p := Problem{Sheet: sh.name, Row: row, Key: key, Args: args, sheet: sh.index, col: -1}
	if i >= 0 && sh.pos[i] >= 0 {
		p.col, p.Column, p.Header = sh.pos[i], colName(sh.pos[i]), sh.titles[i]
	}
	vr.vb.Problems = append(vr.vb.Problems, p)
}

// row reads one data row into a write, or records its problems.
func (vr *valueReader) row(sh *sheet, n int, cells []string) {
	vals := make([]string, len(valueColumns))
	blank := true
	for i, p := range sh.pos {
		if p >= 0 && p < len(cells) {
			vals[i] = strings.TrimSpace(cells[p])
			if vals[i] != "" {
				blank = false
			}
		}
	}
	if blank {
		return
	}
	if vals[vcIndicator] == "" || vals[vcUnit] == "" {
		for _, c := range cells {
			c = normTitle(c)
			for _, w := range totalsWords {
				if strings.HasPrefix(c, w) {
					return // a totals row under the table
				}
			}
		}
	}
	vr.vb.Rows++
	before := len(vr.vb.Problems)
	required := func(i int) bool {
		if vals[i] == "" && sh.pos[i] >= 0 {
			vr.problem(sh, n, i, "xlsx.required", sh.titles[i])
			return false
		}
		return vals[i] != ""
	}
	var ind *ding.Indicator
	if required(vcIndicator) {
		var ok bool
		if ind, ok = vr.inds(vals[vcIndicator]); !ok {
			vr.problem(sh, n, vcIndicator, "indui.xlsx.indicator_unknown", vals[vcIndicator])
		}
	}
	var unitID int64
	if required(vcUnit) {
		name := vals[vcUnit]
		h, seen := vr.unitHits[name]
		if !seen {
			h.id, h.ok = vr.units(name)
			vr.unitHits[name] = h
		}
		if h.ok {
			unitID = h.id
		} else {
			vr.problem(sh, n, vcUnit, "indui.xlsx.unit_unknown", name)
		}
	}
	year := 0
	if required(vcYear) {
		var ok bool
		if year, ok = parseYear(vals[vcYear]); !ok {
			vr.problem(sh, n, vcYear, "indui.xlsx.year_invalid", vals[vcYear])
		}
	}
	month, ok := parseMonth(vals[vcMonth])
	if !ok {
		vr.problem(sh, n, vcMonth, "indui.xlsx.month_invalid", vals[vcMonth])
	}
	var value int64
	if required(vcValue) && ind != nil {
		v, err := ParseMeasure(ind.M(), vals[vcValue])
		if err != nil {
			e := ding.AsError(err)
			vr.problem(sh, n, vcValue, e.Key, e.Args...)
		}
		value = v
	}
	if len(vr.vb.Problems) > before || ind == nil || unitID == 0 || year == 0 {
		return // a missing column is the header's problem
	}
	k := [4]int64{ind.ID, unitID, int64(year), int64(month)}
	if first, dup := vr.seen[k]; dup {
		vr.problem(sh, n, -1, "indui.xlsx.row_twice", first.sh.name, first.row)
		return
	}
	at := valueAt{sh, n}
	vr.seen[k] = at
	vr.vb.Writes = append(vr.vb.Writes, store.ValueWrite{IndicatorID: ind.ID, UnitID: unitID, Year: year, Month: month, Value: &value,
		Note: vals[vcNote]})
	vr.vb.at = append(vr.vb.at, at)
}

var (
	yearRE      = regexp.MustCompile(`^(\d{4})(?:\.0+)?\s*年?(?:度)?$`)
	monthCellRE = regexp.MustCompile(`^(?:1\s*[-—–~～至到]\s*)?(\d{1,2})(?:\.0+)?\s*月?(?:份|末)?$`)
)

// parseYear reads 2024, "2024年" or Excel's 2024.0.
func parseYear(raw string) (int, bool) {
	m := yearRE.FindStringSubmatch(strings.TrimSpace(foldWidth(raw)))
	if m == nil {
		return 0, false
	}
	y, _ := strconv.Atoi(m[1])
	return y, y >= 2000 && y <= 2100
}

// parseMonth reads a month: 6, "6月", "06", "1—6月" (the year to date); empty or 年度目标
// is the annual target (0).
func parseMonth(raw string) (int, bool) {
	s := strings.Join(strings.Fields(foldWidth(raw)), "")
	switch s {
	case "", "年度目标", "目标", "年度", "全年", "全年目标", "0":
		return 0, true
	}
	m := monthCellRE.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	n, _ := strconv.Atoi(m[1])
	return n, n >= 1 && n <= 12
}

// ParseMeasure reads a value written in measure m as a cell holds it: thousands
// separators, full-width digits, the unit after the number, an accounting negative and
// Excel's binary float noise (327.71999999999997) are all fine; then Measure.Parse reads it
// exactly.
func ParseMeasure(m ding.Measure, raw string) (int64, error) {
	s, neg := numberText(raw, m.Name)
	s = strings.TrimSuffix(s, "%")
	if whole, frac, ok := splitDecimal(s); ok {
		places := 0
		for sc := m.Scale; sc > 1; sc /= 10 {
			places++
		}
		if len(frac) > places && len(strings.TrimLeft(whole+frac, "0")) >= 15 {
			// Binary float noise written with 15 digits (327.719999999999): no one types
			// that many, so round to what the stored unit holds.
			if f, err := strconv.ParseFloat(whole+"."+frac, 64); err == nil {
				whole, frac, _ = strings.Cut(strconv.FormatFloat(f, 'f', places, 64), ".")
			}
		}
		s = whole
		if frac != "" {
			s += "." + frac
		}
	}
	if neg {
		s = "-" + s
	}
	v, err := m.Parse(s)
	if err != nil {
		if e := ding.AsError(err); e.Key == "target.value_invalid" {
			return 0, ding.Errorf(ding.EINVALID, "target.value_invalid", strings.TrimSpace(raw))
		}
		return 0, err
	}
	return v, nil
}

// Explain returns the problems of the file together with the store's errors (from a
// preview or a commit of vb.Writes), each placed at its sheet, row and column, sorted. A
// store error on a cell that already has a problem is left out.
func (vb *ValueBook) Explain(errs []store.ValueError) []Problem {
	out := append([]Problem(nil), vb.Problems...)
	seen := map[[3]int]bool{}
	for _, p := range out {
		seen[[3]int{p.sheet, p.Row, p.col}] = true
	}
	for _, ve := range errs {
		if ve.Index < 0 || ve.Index >= len(vb.at) {
			continue
		}
		at := vb.at[ve.Index]
		p := Problem{Sheet: at.sh.name, Row: at.row, sheet: at.sh.index, col: -1}
		for i, c := range valueColumns {
			if c.field == ve.Field && at.sh.pos[i] >= 0 {
				p.col, p.Column, p.Header = at.sh.pos[i], colName(at.sh.pos[i]), at.sh.titles[i]
			}
		}
		e := ding.AsError(ve.Err)
		p.Key, p.Args = e.Key, e.Args
		if seen[[3]int{p.sheet, p.Row, p.col}] {
			continue
		}
		seen[[3]int{p.sheet, p.Row, p.col}] = true
		out = append(out, p)
	}
	sortProblems(out)
	return out
}

// ValuesTemplate returns the values import template: the sheet 指标数据 with its Chinese
// headers (the file format, whatever the language) and drop-down lists, the list of the
// indicators with their codes and measures, and the notes in lang.
func ValuesTemplate(lang string, inds []*ding.Indicator) ([]byte, error) {
	t := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetValues); err != nil {
		return nil, err
	}
	for _, name := range []string{SheetIndicators, SheetNotes} {
		if _, err := f.NewSheet(name); err != nil {
			return nil, err
		}
	}
	st, err := newStyles(f)
	if err != nil {
		return nil, err
	}
	last := strconv.Itoa(templateRows)
	for i, c := range valueColumns {
		col := colName(i)
		if err := f.SetCellValue(SheetValues, col+"1", c.title); err != nil {
			return nil, err
		}
		if err := f.SetColWidth(SheetValues, col, col, c.width); err != nil {
			return nil, err
		}
		style := st.text // codes, names and values stay as typed
		if c.field == "note" {
			style = st.wrap
		}
		if err := f.SetColStyle(SheetValues, col, style); err != nil {
			return nil, err
		}
		dv := excelize.NewDataValidation(true)
		dv.Sqref = col + "2:" + col + last
		switch c.field {
		case "indicator":
			var codes []string
			for _, ind := range inds {
				codes = append(codes, ind.Code)
			}
			if len(codes) == 0 || len(strings.Join(codes, ",")) > 250 {
				dv.SetInput(c.title, t("indui.xlsx.dv_indicator"))
			} else if err := dv.SetDropList(codes); err != nil {
				return nil, err
			}
		case "year":
			dv.SetInput(c.title, t("indui.xlsx.dv_year"))
		case "month":
			dv.SetInput(c.title, t("indui.xlsx.dv_month"))
		case "value":
			dv.SetInput(c.title, t("indui.xlsx.dv_value"))
		default:
			continue
		}
		if err := f.AddDataValidation(SheetValues, dv); err != nil {
			return nil, err
		}
	}
	end := colName(len(valueColumns)-1) + "1"
	if err := f.SetCellStyle(SheetValues, "A1", end, st.header); err != nil {
		return nil, err
	}
	if err := f.SetRowHeight(SheetValues, 1, 32); err != nil {
		return nil, err
	}
	if err := f.SetPanes(SheetValues, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return nil, err
	}

	// The indicators: code, name, measure, how the monthly figure is read, the source.
	rows := [][]any{{t("indui.xlsx.col_code"), t("indui.xlsx.col_name"), t("indui.xlsx.col_measure"), t("indui.xlsx.col_accumulation"),
		t("indui.xlsx.col_source"), t("indui.xlsx.col_example")}}
	for _, ind := range inds {
		m := ind.M()
		example := strconv.FormatFloat(1234.56, 'f', m.Decimals, 64)
		rows = append(rows, []any{ind.Code, ind.Name, m.Name, t("target.accumulation." + string(ind.Accumulation)),
			t("target.source." + string(ind.Source)), example})
	}
	for i, r := range rows {
		if err := f.SetSheetRow(SheetIndicators, "A"+strconv.Itoa(i+1), &r); err != nil {
			return nil, err
		}
	}
	for i, w := range []float64{16, 28, 10, 12, 14, 14} {
		col := colName(i)
		if err := f.SetColWidth(SheetIndicators, col, col, w); err != nil {
			return nil, err
		}
	}
	if err := f.SetCellStyle(SheetIndicators, "A1", "F1", st.header); err != nil {
		return nil, err
	}

	// The notes.
	notes := [][]any{{t("indui.xlsx.notes_title")}}
	for _, k := range []string{"indui.xlsx.rule1", "indui.xlsx.rule2", "indui.xlsx.rule3", "indui.xlsx.rule4", "indui.xlsx.rule5"} {
		notes = append(notes, []any{t(k)})
	}
	for i, r := range notes {
		if err := f.SetSheetRow(SheetNotes, "A"+strconv.Itoa(i+1), &r); err != nil {
			return nil, err
		}
	}
	if err := f.SetColWidth(SheetNotes, "A", "A", 110); err != nil {
		return nil, err
	}
	if err := f.SetCellStyle(SheetNotes, "A1", "A1", st.title); err != nil {
		return nil, err
	}
	if err := f.SetCellStyle(SheetNotes, "A2", "A"+strconv.Itoa(len(notes)), st.wrap); err != nil {
		return nil, err
	}
	f.SetActiveSheet(0)
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// FigureTable is what ExportFigures writes: an indicator's figures for a month, in the
// order and with the filter of the page.
type FigureTable struct {
	Lang      string
	Indicator *ding.Indicator
	Period    string    // "2024年1—6月", as the page says it
	Scope     string    // the peer group or "" for every unit shown
	Now       time.Time // when the export is made
	Figures   []*ding.Figure
}

// ExportFigures writes the figures table: a title, the date, a bold header with the
// measure in the titles, values as numbers in the measure (亿元 with two decimals),
// completion, 时序进度 and growth as percentages, the gap in signed percentage points, the
// rank and its change as numbers. Undefined figures are "—". Point-in-time indicators have
// no 时序进度 columns.
func ExportFigures(w io.Writer, l FigureTable) error {
	t := func(key string, args ...any) string { return i18n.T(l.Lang, key, args...) }
	ind, m := l.Indicator, l.Indicator.M()
	cumulative := ind.Accumulation == ding.Cumulative
	type col struct {
		head  string
		kind  string // text, int, value, rate, pp, change
		width float64
	}
	cols := []col{{t("indui.col.seq"), "int", 6}, {t("indui.col.unit"), "text", 18},
		{t("indui.col.actual_m", m.Name), "value", 14}, {t("indui.col.target_m", m.Name), "value", 14}, {t("indui.col.completion"), "rate", 10}}
	if cumulative {
		cols = append(cols, col{t("indui.col.schedule"), "rate", 10}, col{t("indui.col.gap_pp"), "pp", 14})
	}
	cols = append(cols, col{t("indui.col.last_year_m", m.Name), "value", 14}, col{t("indui.col.growth"), "rate", 10},
		col{t("indui.col.rank"), "int", 8}, col{t("indui.col.peers"), "int", 8}, col{t("indui.col.change"), "change", 10})

	f := excelize.NewFile()
	defer f.Close()
	sheet := t("indui.xlsx.figures_sheet")
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	border := []excelize.Border{
		{Type: "left", Color: "A6A6A6", Style: 1}, {Type: "right", Color: "A6A6A6", Style: 1},
		{Type: "top", Color: "A6A6A6", Style: 1}, {Type: "bottom", Color: "A6A6A6", Style: 1},
	}
	valueFmt := "#,##0"
	if m.Decimals > 0 {
		valueFmt += "." + strings.Repeat("0", m.Decimals)
	}
	fmts := map[string]string{"value": valueFmt, "rate": "0.0%", "pp": "+0.0;-0.0;0.0", "change": `"↑"0;"↓"0;"—"`}
	styles := map[string]int{}
	for _, k := range []string{"text", "int", "value", "rate", "pp", "change", "dash"} {
		s := excelize.Style{Border: border, Alignment: &excelize.Alignment{Vertical: "center"}}
		if nf, ok := fmts[k]; ok {
			s.CustomNumFmt = &nf
		}
		if k == "int" || k == "change" || k == "dash" {
			s.Alignment.Horizontal = "center"
		}
		id, err := f.NewStyle(&s)
		if err != nil {
			return err
		}
		styles[k] = id
	}
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 16},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	if err != nil {
		return err
	}
	sub, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Size: 10, Color: "595959"},
		Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "center"}})
	if err != nil {
		return err
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: border,
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	if err != nil {
		return err
	}
	lastCol := colName(len(cols) - 1)
	heading := t("indui.xlsx.figures_title", ind.Name, l.Period)
	if l.Scope != "" {
		heading += "（" + l.Scope + "）"
	}
	if err := f.SetCellValue(sheet, "A1", heading); err != nil {
		return err
	}
	if err := f.SetCellValue(sheet, "A2", t("indui.xlsx.exported", l.Now.In(ding.Shanghai).Format("2006-01-02 15:04"))); err != nil {
		return err
	}
	for _, r := range []string{"1", "2"} {
		if err := f.MergeCell(sheet, "A"+r, lastCol+r); err != nil {
			return err
		}
	}
	f.SetCellStyle(sheet, "A1", "A1", title)
	f.SetCellStyle(sheet, "A2", "A2", sub)
	f.SetRowHeight(sheet, 1, 30)
	for i, c := range cols {
		name := colName(i)
		f.SetCellValue(sheet, name+"3", c.head)
		f.SetColWidth(sheet, name, name, c.width)
	}
	f.SetCellStyle(sheet, "A3", lastCol+"3", head)
	f.SetRowHeight(sheet, 3, 32)
	num := func(v int64, ok bool) any {
		if !ok {
			return "—"
		}
		x, _ := strconv.ParseFloat(m.Format(v), 64)
		return x
	}
	ratio := func(r ding.Ratio) any {
		if !r.OK {
			return "—"
		}
		return r.Float()
	}
	for i, fg := range l.Figures {
		gap := any("—")
		if fg.Gap.OK {
			gap = fg.Gap.Float() * 100
		}
		rank, peers, change := any("—"), any("—"), any("—")
		if fg.Rank > 0 {
			rank, peers = fg.Rank, fg.Peers
			if fg.PrevRank > 0 {
				change = fg.RankChange()
			}
		}
		vals := []any{i + 1, fg.UnitName, num(fg.Actual, fg.HasActual), num(fg.Target, fg.HasTarget), ratio(fg.Completion)}
		if cumulative {
			vals = append(vals, ratio(fg.Schedule), gap)
		}
		vals = append(vals, num(fg.LastYear, fg.HasLastYear), ratio(fg.Growth), rank, peers, change)
		row := strconv.Itoa(i + 4)
		for j, v := range vals {
			cell := colName(j) + row
			if err := f.SetCellValue(sheet, cell, v); err != nil {
				return err
			}
			k := cols[j].kind
			if s, ok := v.(string); ok && s == "—" {
				k = "dash"
			}
			if err := f.SetCellStyle(sheet, cell, cell, styles[k]); err != nil {
				return err
			}
		}
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 3, TopLeftCell: "A4", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A4", ActiveCell: "A4", Pane: "bottomLeft"}}}); err != nil {
		return err
	}
	// Unit names can be long; fit the column to them.
	wd := 18
	for _, fg := range l.Figures {
		wd = max(wd, dispWidth(fg.UnitName)+2)
	}
	f.SetColWidth(sheet, "B", "B", float64(min(wd, 40)))
	_, err = f.WriteTo(w)
	return err
}

package xlsx

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"ding"
	"ding/i18n"
	"ding/store"
)

// Problem is something wrong in an imported file: a cell (Column set), a row (Column
// empty) or a sheet's header. Key and Args are an i18n message.
type Problem struct {
	Sheet  string `json:"sheet"`
	Row    int    `json:"row"`    // 1-based row of the sheet
	Column string `json:"column"` // column letter, "" for a problem of the whole row
	Header string `json:"header"` // the column's title as the file has it
	Key    string `json:"-"`
	Args   []any  `json:"-"`

	sheet int // position of the sheet in the workbook, for sorting
	col   int // 0-based column, -1 for the row
}

// Message is the problem in lang.
func (p Problem) Message(lang string) string { return i18n.T(lang, p.Key, p.Args...) }

// Cell is the cell's address (O5), or the row number alone for a row's problem.
func (p Problem) Cell() string {
	if p.Row == 0 {
		return ""
	}
	return p.Column + strconv.Itoa(p.Row)
}

// Resolver finds the id of a unit by its name (or short name) as written in a sheet.
type Resolver func(unitName string) (int64, bool)

// rowBase separates the sheets in the row numbers of a batch: the n-th imported sheet's
// row r is n*rowBase + r, so that the store's row errors can be traced back to their
// sheet. The first imported sheet keeps its row numbers. Excel has 1,048,576 rows.
const rowBase = 1 << 21

// unzipLimit caps what a workbook may expand to, against zip bombs.
const unzipLimit = 512 << 20

// maxHeaderRow is how far down a sheet the header is looked for (title rows above it).
const maxHeaderRow = 30

// Workbook is an import file read into a batch for the store, with the problems found
// while reading it and what is needed to explain the store's row errors.
type Workbook struct {
	Batch    store.ImportBatch
	Problems []Problem
	sheets   []*sheet
	meta     []rowMeta // per Batch.Projects entry
}

// sheet is an imported sheet: its place in the workbook, its header row and where each
// known column is.
type sheet struct {
	name      string
	index     int // position in the workbook
	seq       int // position among the imported sheets (see rowBase)
	progress  bool
	headerRow int
	spec      []column
	pos       []int    // spec index → 0-based column, -1 when the file lacks it
	titles    []string // spec index → the title as written
}

// rowMeta remembers what a project row left out, for FillMissing.
type rowMeta struct {
	sheet      *sheet
	stageBlank bool
}

// Parse reads an import file: the projects sheet ("项目") and the progress sheet ("月度进度")
// wherever their headers are. It returns the batch and the problems found while reading.
// A file that is not a readable .xlsx gives an EINVALID error. See Read for the workbook,
// which also explains the store's row errors.
func Parse(r io.Reader, size int64, resolve func(unitName string) (int64, bool)) (store.ImportBatch, []Problem, error) {
	wb, err := Read(r, size, resolve)
	if err != nil {
		return store.ImportBatch{}, nil, err
	}
	return wb.Batch, wb.Problems, nil
}

// Read reads an import file of at most size bytes (0: no limit). It never panics on a
// malformed file: a truncated, renamed or corrupt file gives an EINVALID error with the
// key xlsx.not_xlsx (or xlsx.old_xls for an Excel 97–2003 or encrypted file).
func Read(r io.Reader, size int64, resolve func(unitName string) (int64, bool)) (wb *Workbook, err error) {
	if size > 0 {
		r = io.LimitReader(r, size)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if resolve == nil {
		resolve = func(string) (int64, bool) { return 0, false }
	}
	defer func() {
		if v := recover(); v != nil {
			wb, err = nil, recovered(v)
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
	names := f.GetSheetList()
	if len(names) == 0 {
		return nil, notXLSX(errors.New("no sheets"))
	}
	date1904 := false
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		date1904 = *props.Date1904
	}
	rd := &reader{wb: &Workbook{}, resolve: resolve, date1904: date1904, enums: newEnums(),
		codes: map[string]int{}, periods: map[string]int{}}
	merges := hasMerges(f)
	for i, name := range names {
		switch normTitle(name) {
		case normTitle(SheetNotes), "说明", "notes":
			continue
		}
		if err := rd.sheet(f, i, name, merges); err != nil {
			return nil, err
		}
	}
	if len(rd.wb.sheets) == 0 {
		return nil, &ding.Error{Code: ding.EINVALID, Key: "xlsx.no_sheets"}
	}
	sortProblems(rd.wb.Problems)
	return rd.wb, nil
}

func notXLSX(cause error) *ding.Error {
	return &ding.Error{Code: ding.EINVALID, Key: "xlsx.not_xlsx", Err: cause}
}

// recovered is the error of a panic while reading a workbook: to the office, a file excelize
// cannot cope with is no workbook; the cause keeps the stack, which says whose panic it was.
func recovered(v any) *ding.Error {
	return notXLSX(fmt.Errorf("panic reading workbook: %v\n%s", v, debug.Stack()))
}

// reader holds the state of one Read.
type reader struct {
	wb       *Workbook
	resolve  Resolver
	date1904 bool
	enums    map[kind]*enum
	codes    map[string]int // project code → first batch row
	periods  map[string]int // code|period → first batch row
	units    map[string]unitHit
}

type unitHit struct {
	id int64
	ok bool
}

// newEnums builds the enumerations from the catalog's names, with the spellings offices use.
func newEnums() map[kind]*enum {
	names := func(prefix string, codes []string) (zh, en map[string]string) {
		zh, en = map[string]string{}, map[string]string{}
		for _, c := range codes {
			zh[c], en[c] = i18n.T("zh", prefix+c), i18n.T("en", prefix+c)
		}
		return zh, en
	}
	strs := func(list any) []string {
		var out []string
		switch l := list.(type) {
		case []ding.Nature:
			for _, x := range l {
				out = append(out, string(x))
			}
		case []ding.Investor:
			for _, x := range l {
				out = append(out, string(x))
			}
		case []ding.Stage:
			for _, x := range l {
				out = append(out, string(x))
			}
		}
		return out
	}
	m := map[kind]*enum{}
	codes := strs(ding.Natures)
	zh, en := names("nature.", codes)
	m[kNature] = newEnum("建设性质", codes, zh, en, map[string]string{"技术改造": "renovation", "新建项目": "new"})
	codes = strs(ding.Investors)
	zh, en = names("investor.", codes)
	m[kInvestor] = newEnum("投资主体", codes, zh, en, map[string]string{
		"政府投资": "government", "国有": "soe", "国有企业": "soe", "民营": "private", "民营企业": "private",
		"民间投资": "private", "外商": "foreign", "外商投资": "foreign", "混合所有制": "mixed"})
	codes = strs(ding.AllStages)
	zh, en = names("stage.", codes)
	m[kStage] = newEnum("项目阶段", codes, zh, en, map[string]string{"落地（注册）": "landed", "注册": "landed", "落地注册": "landed"})
	zh, en = names("industry.", ding.Industries)
	extra := map[string]string{}
	for _, c := range ding.Industries {
		// "C 制造业" and "制造业" both mean C.
		extra[strings.TrimSpace(strings.TrimPrefix(zh[c], c))] = c
	}
	ind := newEnum("行业门类", ding.Industries, zh, en, extra)
	ind.names = ding.Industries
	m[kIndustry] = ind
	return m
}

// sheet reads one worksheet if its header says it is an import sheet.
func (rd *reader) sheet(f *excelize.File, index int, name string, merges bool) error {
	rows, err := f.Rows(name)
	if err != nil {
		return nil // a chart sheet or the like: nothing to import
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
			if sh = rd.header(cells, index, name, n); sh != nil {
				rd.wb.sheets = append(rd.wb.sheets, sh)
				sh.headerRow = n
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
		rd.row(sh, r.n, r.cells)
	}
	return nil
}

// rawRow is a data row as read: its number and its cells.
type rawRow struct {
	n     int
	cells []string
}

// hasMerges reports whether any worksheet may have merged cells, so that the whole-sheet
// parse GetMergeCells needs is done only then. A sheet kept on disk (too large for memory)
// is assumed to have them.
func hasMerges(f *excelize.File) bool {
	found := false
	f.Pkg.Range(func(k, v any) bool {
		if name, _ := k.(string); strings.HasPrefix(name, "xl/worksheets/") && strings.HasSuffix(name, ".xml") {
			if b, ok := v.([]byte); !ok || bytes.Contains(b, []byte("<mergeCell ")) {
				found = true
				return false
			}
		}
		return true
	})
	return found
}

// fillMerged copies the value of a cell merged down over several data rows (a 责任单位
// shared by a group of projects, say) into each of those rows, where Excel leaves them blank.
func fillMerged(f *excelize.File, sh *sheet, data []rawRow) error {
	ms, err := f.GetMergeCells(sh.name, true)
	if err != nil {
		return err
	}
	first := sh.headerRow + 1
	at := func(row int) *rawRow {
		if i := row - first; i >= 0 && i < len(data) && data[i].n == row {
			return &data[i]
		}
		return nil
	}
	for _, m := range ms {
		c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		_, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		src := at(r1)
		if err1 != nil || err2 != nil || r2 <= r1 || src == nil || c1-1 >= len(src.cells) {
			continue
		}
		v := src.cells[c1-1]
		for r := r1 + 1; r <= r2; r++ {
			dst := at(r)
			if dst == nil {
				continue
			}
			for len(dst.cells) < c1 {
				dst.cells = append(dst.cells, "")
			}
			if strings.TrimSpace(dst.cells[c1-1]) == "" {
				dst.cells[c1-1] = v
			}
		}
	}
	return nil
}

// header recognizes a header row: 项目代码 and 填报期次 make a progress sheet, 项目代码
// and 项目名称 a projects sheet. Required columns the header lacks are problems.
func (rd *reader) header(cells []string, index int, name string, row int) *sheet {
	find := func(spec []column) ([]int, []string) {
		idx := titleIndex(spec)
		pos, titles := make([]int, len(spec)), make([]string, len(spec))
		for i := range pos {
			pos[i] = -1
		}
		for c, v := range cells {
			if i, ok := idx[normTitle(v)]; ok && pos[i] < 0 {
				pos[i], titles[i] = c, strings.Join(strings.Fields(v), "")
			}
		}
		return pos, titles
	}
	sh := &sheet{name: name, index: index, seq: len(rd.wb.sheets)}
	if pos, titles := find(progressColumns); pos[0] >= 0 && pos[2] >= 0 {
		sh.progress, sh.spec, sh.pos, sh.titles = true, progressColumns, pos, titles
	} else if pos, titles := find(projectColumns); pos[0] >= 0 && pos[1] >= 0 {
		sh.spec, sh.pos, sh.titles = projectColumns, pos, titles
	} else {
		return nil
	}
	for i, c := range sh.spec {
		if c.required && sh.pos[i] < 0 {
			rd.problem(sh, row, -1, "xlsx.column_missing", c.title)
		}
	}
	return sh
}

// problem records a problem at row and spec column i (-1: the row).
func (rd *reader) problem(sh *sheet, row, i int, key string, args ...any) {
	p := Problem{Sheet: sh.name, Row: row, Key: key, Args: args, sheet: sh.index, col: -1}
	if i >= 0 && sh.pos[i] >= 0 {
		p.col, p.Column, p.Header = sh.pos[i], colName(sh.pos[i]), sh.titles[i]
	}
	rd.wb.Problems = append(rd.wb.Problems, p)
}

// totalsWords start the totals rows offices put under their tables.
var totalsWords = []string{"合计", "总计", "小计"}

// row reads one data row into the batch.
func (rd *reader) row(sh *sheet, n int, cells []string) {
	vals := make([]string, len(sh.spec))
	blank := true
	for i, p := range sh.pos {
		if p >= 0 && p < len(cells) {
			vals[i] = strings.TrimSpace(cells[p])
			if vals[i] != "" && sh.spec[i].kind != kIgnored {
				blank = false
			}
		}
	}
	if blank {
		return // blank and trailing rows
	}
	if vals[0] == "" {
		for _, c := range cells {
			c = normTitle(c)
			if slices.ContainsFunc(totalsWords, func(w string) bool { return strings.HasPrefix(c, w) }) {
				return
			}
		}
	}
	batchRow := sh.seq*rowBase + n
	if sh.progress {
		rd.progressRow(sh, n, batchRow, vals)
	} else {
		rd.projectRow(sh, n, batchRow, vals)
	}
}

// cell reads one value; a problem is recorded and ok is false when it is wrong.
func (rd *reader) cell(sh *sheet, n, i int, raw string) (v any, ok bool) {
	c := sh.spec[i]
	if raw == "" && c.required && sh.pos[i] >= 0 {
		rd.problem(sh, n, i, "xlsx.required", sh.titles[i])
		return nil, false
	}
	var e *ding.Error
	switch c.kind {
	case kText, kIgnored:
		v = raw
	case kCode:
		v = strings.ToUpper(strings.Join(strings.Fields(foldWidth(raw)), ""))
	case kMoney:
		v, e = parseWan(raw)
	case kDecimal:
		v, e = parseDecimal(raw)
	case kPercent:
		v, e = parsePercent(raw)
	case kDate:
		v, e = parseDate(raw, rd.date1904)
	case kPeriod:
		v, e = parsePeriod(raw, rd.date1904)
	case kFlag:
		v, e = parseFlag(raw)
	case kNature, kInvestor, kIndustry, kStage:
		v, e = rd.enums[c.kind].parse(raw)
	case kUnit:
		v, e = rd.unit(raw)
	}
	if e != nil {
		rd.problem(sh, n, i, e.Key, e.Args...)
		return nil, false
	}
	return v, true
}

// unit resolves a unit name, once per distinct name.
func (rd *reader) unit(name string) (int64, *ding.Error) {
	if name == "" {
		return 0, nil
	}
	if rd.units == nil {
		rd.units = map[string]unitHit{}
	}
	h, seen := rd.units[name]
	if !seen {
		h.id, h.ok = rd.resolve(name)
		rd.units[name] = h
	}
	if !h.ok {
		return 0, invalid("xlsx.unit_unknown", name)
	}
	return h.id, nil
}

func (rd *reader) projectRow(sh *sheet, n, batchRow int, vals []string) {
	var p ding.Project
	meta := rowMeta{sheet: sh}
	for i, c := range sh.spec {
		if sh.pos[i] < 0 {
			continue
		}
		v, ok := rd.cell(sh, n, i, vals[i])
		if c.field == "stage" && (!ok || vals[i] == "") {
			meta.stageBlank = true
		}
		if !ok {
			continue
		}
		setProject(&p, c.field, v)
	}
	if sh.pos[slices.IndexFunc(sh.spec, func(c column) bool { return c.field == "stage" })] < 0 {
		meta.stageBlank = true
	}
	if p.Code != "" {
		if first, dup := rd.codes[p.Code]; dup {
			rd.problem(sh, n, 0, "import.duplicate_code", p.Code, first%rowBase)
			return
		}
		rd.codes[p.Code] = batchRow
	}
	rd.wb.Batch.Projects = append(rd.wb.Batch.Projects, store.ImportProject{Row: batchRow, Project: p})
	rd.wb.meta = append(rd.wb.meta, meta)
}

// setProject puts a read value in the project's field.
func setProject(p *ding.Project, field string, v any) {
	switch field {
	case "code":
		p.Code = v.(string)
	case "name":
		p.Name = v.(string)
	case "short_name":
		p.ShortName = v.(string)
	case "owner_name":
		p.OwnerName = v.(string)
	case "owner_code":
		p.OwnerCode = v.(string)
	case "unit_id":
		p.UnitID = v.(int64)
	case "location_id":
		p.LocationID = v.(int64)
	case "nature":
		p.Nature = ding.Nature(v.(string))
	case "investor":
		p.Investor = ding.Investor(v.(string))
	case "industry":
		p.Industry = v.(string)
	case "chain":
		p.Chain = v.(string)
	case "manufacturing":
		p.Manufacturing = v.(bool)
	case "high_tech":
		p.HighTech = v.(bool)
	case "private":
		p.Private = v.(bool)
	case "total_investment":
		p.TotalInvestment = v.(int64)
	case "land_mu":
		p.LandMu = v.(float64)
	case "content":
		p.Content = v.(string)
	case "planned_start":
		p.PlannedStart = v.(ding.Date)
	case "planned_end":
		p.PlannedEnd = v.(ding.Date)
	case "actual_start":
		p.ActualStart = v.(ding.Date)
	case "actual_end":
		p.ActualEnd = v.(ding.Date)
	case "expected_output":
		p.ExpectedOutput = v.(int64)
	case "expected_tax":
		p.ExpectedTax = v.(int64)
	case "agreement_type":
		p.AgreementType = v.(string)
	case "signed_on":
		p.SignedOn = v.(ding.Date)
	case "in_stats":
		p.InStats = v.(bool)
	case "in_stats_on":
		p.InStatsOn = v.(ding.Date)
	case "stage":
		p.Stage = ding.Stage(v.(string))
	case "stage_on":
		p.StageOn = v.(ding.Date)
	}
}

// copyField copies one importable field from src to dst (for columns a sheet lacks).
func copyField(dst, src *ding.Project, field string) {
	switch field {
	case "short_name":
		dst.ShortName = src.ShortName
	case "owner_name":
		dst.OwnerName = src.OwnerName
	case "owner_code":
		dst.OwnerCode = src.OwnerCode
	case "location_id":
		dst.LocationID = src.LocationID
	case "nature":
		dst.Nature = src.Nature
	case "industry":
		dst.Industry = src.Industry
	case "chain":
		dst.Chain = src.Chain
	case "manufacturing":
		dst.Manufacturing = src.Manufacturing
	case "high_tech":
		dst.HighTech = src.HighTech
	case "private":
		dst.Private = src.Private
	case "total_investment":
		dst.TotalInvestment = src.TotalInvestment
	case "land_mu":
		dst.LandMu = src.LandMu
	case "content":
		dst.Content = src.Content
	case "planned_start":
		dst.PlannedStart = src.PlannedStart
	case "planned_end":
		dst.PlannedEnd = src.PlannedEnd
	case "actual_start":
		dst.ActualStart = src.ActualStart
	case "actual_end":
		dst.ActualEnd = src.ActualEnd
	case "expected_output":
		dst.ExpectedOutput = src.ExpectedOutput
	case "expected_tax":
		dst.ExpectedTax = src.ExpectedTax
	case "agreement_type":
		dst.AgreementType = src.AgreementType
	case "signed_on":
		dst.SignedOn = src.SignedOn
	case "in_stats":
		dst.InStats = src.InStats
	case "in_stats_on":
		dst.InStatsOn = src.InStatsOn
	}
}

func (rd *reader) progressRow(sh *sheet, n, batchRow int, vals []string) {
	row := store.ImportReport{Row: batchRow}
	r := &row.Report
	for i, c := range sh.spec {
		if sh.pos[i] < 0 {
			continue
		}
		v, ok := rd.cell(sh, n, i, vals[i])
		if !ok {
			continue
		}
		switch c.field {
		case "code":
			row.Code = v.(string)
		case "period":
			r.Period = v.(string)
		case "completed":
			r.Completed = v.(int64)
		case "progress_text":
			r.ProgressText = v.(string)
		case "progress_pct":
			r.ProgressPct = v.(int)
		case "problems":
			r.Problems = v.(string)
		case "next_steps":
			r.NextSteps = v.(string)
		}
	}
	if row.Code != "" && r.Period != "" {
		key := row.Code + "|" + r.Period
		if first, dup := rd.periods[key]; dup {
			rd.problem(sh, n, 2, "import.duplicate_period", row.Code, r.Period, first%rowBase)
			return
		}
		rd.periods[key] = batchRow
	}
	rd.wb.Batch.Reports = append(rd.wb.Batch.Reports, row)
}

// FillMissing keeps the stored values of existing projects where the file is silent: the
// columns a sheet lacks, and a blank (or unreadable) 项目阶段, which means "leave the stage
// as it is" rather than "back to 谋划". existing looks a project up by code in the caller's
// scope and returns nil when there is none.
func (wb *Workbook) FillMissing(existing func(code string) (*ding.Project, error)) error {
	for i := range wb.Batch.Projects {
		row, meta := &wb.Batch.Projects[i], wb.meta[i]
		missing := slices.Contains(meta.sheet.pos, -1)
		if (!missing && !meta.stageBlank) || row.Project.Code == "" {
			continue
		}
		cur, err := existing(row.Project.Code)
		if err != nil {
			return err
		}
		if cur == nil {
			continue
		}
		for j, c := range meta.sheet.spec {
			if meta.sheet.pos[j] < 0 {
				copyField(&row.Project, cur, c.field)
			}
		}
		if meta.stageBlank {
			row.Project.Stage, row.Project.StageOn = cur.Stage, cur.StageOn
		}
	}
	return nil
}

// Explain returns the problems of the file together with the store's row errors (from a
// preview or a commit of wb.Batch), each placed at its sheet, row and column, sorted by
// sheet, row and column. A store error on a cell that already has a problem is left out:
// it is the same problem seen again.
func (wb *Workbook) Explain(errs []store.RowError) []Problem {
	out := slices.Clone(wb.Problems)
	seen := map[[3]int]bool{}
	for _, p := range out {
		seen[[3]int{p.sheet, p.Row, p.col}] = true
	}
	for _, re := range errs {
		seq, row := re.Row/rowBase, re.Row%rowBase
		if seq < 0 || seq >= len(wb.sheets) {
			continue
		}
		sh := wb.sheets[seq]
		field := re.Field
		if f, ok := storeFieldAliases[field]; ok {
			field = f
		}
		i := -1
		if field != "" {
			i = slices.IndexFunc(sh.spec, func(c column) bool { return c.field == field })
		}
		p := Problem{Sheet: sh.name, Row: row, sheet: sh.index, col: -1}
		if i >= 0 && sh.pos[i] >= 0 {
			p.col, p.Column, p.Header = sh.pos[i], colName(sh.pos[i]), sh.titles[i]
		}
		e := ding.AsError(re.Err)
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

func sortProblems(ps []Problem) {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		if a.sheet != b.sheet {
			return a.sheet - b.sheet
		}
		if a.Row != b.Row {
			return a.Row - b.Row
		}
		return a.col - b.col
	})
}

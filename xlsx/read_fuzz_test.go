package xlsx

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"ding"
	"ding/i18n"
	"ding/store"
	"ding/store/storetest"
)

// Fuzz targets of the project import. FuzzRead feeds raw bytes (the zip and XML layers);
// FuzzReadCells and FuzzImport build real workbooks from fuzzed cell text, so that the
// fuzzer works on what offices type rather than on checksums, and FuzzImport takes the
// result through the store.

// fuzzProjectRows are seed rows of the projects sheet, tab-separated in the order of projectColumns.
const fuzzProjectRows = "2301-330803-04-01-000001\t甲项目\t甲\t某公司\t91350100M000100Y43\t樟潭街道\t廿里镇\t新建\t民间\tC\t新材料\t是\t否\t是\t1,234.5\t12.5\t" +
	"建设厂房\t2024-03-01\t2025-12-31\t\t\t5000\t300\t正式协议\t2024-01-15\t否\t\t签约\t2024-01-15\n" +
	"2301-330803-04-01-000002\t乙项目\t\t\t\t廿里镇\t\t技改\t政府\t制造业\t\tY\tN\t0\t#12345.67\t#100\t\t#45352\t2024年12月31日\t#45383\t\t\t\t\t\t\t\t开工\t2024/4/1\n" +
	"2301-330803-04-01-00000X\t丙项目\t\t\t9135\t不存在的镇\t\t月球\t外星\tZ\t\tmaybe\t\t\t-5\tabc\t\t2023-02-29\t\t\t\t12.345\t\t\t\t\t\t\t\n" +
	"合计\t\t\t\t\t\t\t\t\t\t\t\t\t\t1,234.5"

const fuzzProgressRows = "2301-330803-04-01-000001\t甲项目\t2024-03\t500.25\t基础施工\t35%\t无\t继续\n" +
	"2301-330803-04-01-000002\t\t#45352\t100\t主体施工\t#0.4\t\t\n" +
	"2301-330803-04-01-000001\t\t2024-03\t1\t重复\t\t\t\n" +
	"2301-330803-04-01-000009\t\t2024-13\t-1\t\t101\t\t"

// allColumns selects every project column by its title (29 of them).
const allColumns = uint32(1)<<29 - 1

// fuzzCell is a cell of a fuzzed sheet: "#" and a number is a number cell (as Excel
// stores numbers and dates), anything else is text.
func fuzzCell(c string) any {
	if n, ok := strings.CutPrefix(c, "#"); ok {
		if f, err := strconv.ParseFloat(n, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return f
		}
	}
	return c
}

// fuzzRows splits text into at most 20 rows of cells (rows by line, cells by tab).
func fuzzRows(text string, width int) [][]any {
	var rows [][]any
	for i, line := range strings.Split(text, "\n") {
		if i == 20 {
			break
		}
		var row []any
		for j, c := range strings.Split(line, "\t") {
			if j == width+2 {
				break
			}
			row = append(row, fuzzCell(c))
		}
		rows = append(rows, row)
	}
	return rows
}

// fuzzWorkbook builds an import file: a projects sheet with the columns of mask (bit i:
// projectColumns[i]; bit 31: the columns' first alias instead of the title; bit 30: a
// title row above the header; bit 29: the first data cell merged down over the next row)
// and, when progress is not empty, a progress sheet.
func fuzzWorkbook(t testing.TB, mask uint32, projects, progress string) []byte {
	t.Helper()
	var header []any
	for i, c := range projectColumns {
		if mask&(1<<i) == 0 {
			continue
		}
		title := c.title
		if mask&(1<<31) != 0 && len(c.aliases) > 0 {
			title = c.aliases[0]
		}
		header = append(header, title)
	}
	sh := rawSheet{name: SheetProjects}
	if mask&(1<<30) != 0 {
		sh.rows = append(sh.rows, []any{"2024年重大项目汇总表"})
	}
	sh.rows = append(sh.rows, header)
	if mask&(1<<29) != 0 {
		sh.merges = []string{fmt.Sprintf("A%d:A%d", len(sh.rows)+1, len(sh.rows)+2)}
	}
	sh.rows = append(sh.rows, fuzzRows(projects, len(header))...)
	sheets := []rawSheet{sh}
	if progress != "" {
		sheets = append(sheets, rawSheet{name: SheetProgress, rows: append([][]any{headers(progressColumns)}, fuzzRows(progress, len(progressColumns))...)})
	}
	return rawBook(t, sheets)
}

// ownPanic returns the stack of a panic Read recovered from when the panic was raised in
// ding's code rather than in a library it called ("" otherwise).
func ownPanic(err error) string {
	var e *ding.Error
	if !errors.As(err, &e) || e.Err == nil || !strings.Contains(e.Err.Error(), "panic reading workbook") {
		return ""
	}
	stack := e.Err.Error()
	_, after, ok := strings.Cut(stack, "\npanic(")
	if !ok {
		return stack
	}
	for _, line := range strings.Split(after, "\n")[1:] {
		if strings.HasPrefix(line, "\t") || strings.HasPrefix(line, "runtime.") || strings.HasPrefix(line, "panic(") || line == "" {
			continue
		}
		if strings.HasPrefix(line, "ding") {
			return stack
		}
		return ""
	}
	return stack
}

// checkReadErr fails unless err is one of the errors Read documents.
func checkReadErr(t *testing.T, err error) {
	t.Helper()
	var e *ding.Error
	if !errors.As(err, &e) || e.Code != ding.EINVALID {
		t.Fatalf("Read: %v", err)
	}
	switch e.Key {
	case "xlsx.not_xlsx", "xlsx.old_xls", "xlsx.unzip_limit", "xlsx.no_sheets", "indui.xlsx.no_sheets":
	default:
		t.Fatalf("Read: %v (key %s)", err, e.Key)
	}
	if stack := ownPanic(err); stack != "" {
		t.Fatalf("Read recovered from a panic in ding's code:\n%s", stack)
	}
}

// checkProblems checks that every problem has its place and a message in both languages.
func checkProblems(t *testing.T, ps []Problem) {
	t.Helper()
	for _, p := range ps {
		if p.Sheet == "" || p.Row < 1 || p.Row >= rowBase || !i18n.Has(p.Key) || p.Column != "" && p.Header == "" {
			t.Fatalf("problem %+v", p)
		}
		for _, lang := range []string{"zh", "en"} {
			if msg := p.Message(lang); badVerbs(msg, p.Args) {
				t.Fatalf("problem %+v says %q", p, msg)
			}
		}
	}
}

// checkDate fails unless d is unset or a day from 1900 to 2200.
func checkDate(t *testing.T, what string, d ding.Date) {
	t.Helper()
	if !d.IsZero() && (d.Year < 1900 || d.Year > 2200 || d.Time().Day() != d.Day) {
		t.Fatalf("%s = %+v", what, d)
	}
}

// checkWorkbook checks what Read returned: problems in place, and rows whose values are
// what the cell readers promise, each project code and each code and period once.
func checkWorkbook(t *testing.T, wb *Workbook) {
	t.Helper()
	checkProblems(t, wb.Problems)
	codes := map[string]bool{}
	for _, row := range wb.Batch.Projects {
		p := row.Project
		if row.Row%rowBase < 2 || row.Row/rowBase >= len(wb.sheets) {
			t.Fatalf("project at row %d", row.Row)
		}
		if p.Code != "" && codes[p.Code] {
			t.Fatalf("code %q twice in the batch", p.Code)
		}
		codes[p.Code] = true
		for _, y := range []int64{p.TotalInvestment, p.ExpectedOutput, p.ExpectedTax} {
			if y < 0 || y%100 != 0 || y > maxWanCents*100 {
				t.Fatalf("row %d: amount %d", row.Row, y)
			}
		}
		if math.IsNaN(p.LandMu) || p.LandMu < 0 || p.LandMu > 1e7 {
			t.Fatalf("row %d: land %v", row.Row, p.LandMu)
		}
		for _, d := range []ding.Date{p.PlannedStart, p.PlannedEnd, p.ActualStart, p.ActualEnd, p.SignedOn, p.InStatsOn, p.StageOn} {
			checkDate(t, fmt.Sprintf("row %d", row.Row), d)
		}
		if p.Stage != "" && !p.Stage.Valid() {
			t.Fatalf("row %d: stage %q", row.Row, p.Stage)
		}
	}
	periods := map[string]bool{}
	for _, row := range wb.Batch.Reports {
		r := row.Report
		if r.Period != "" {
			if pp, err := ding.ParsePeriod(r.Period); err != nil || pp.String() != r.Period {
				t.Fatalf("row %d: period %q", row.Row, r.Period)
			}
		}
		if r.Completed < 0 || r.Completed%100 != 0 || r.ProgressPct < 0 || r.ProgressPct > 100 {
			t.Fatalf("row %d: report %+v", row.Row, r)
		}
		key := row.Code + "|" + r.Period
		if row.Code != "" && r.Period != "" && periods[key] {
			t.Fatalf("%s twice in the batch", key)
		}
		periods[key] = true
	}
}

// fuzzUnits resolves the names of the test org tree.
var fuzzUnits = map[string]int64{"衢州市": 1, "衢江区": 2, "樟潭街道": 3, "廿里镇": 4}

// FuzzRead feeds any bytes to Read: the answer is a workbook that keeps the reader's
// promises or one of the documented invalid-input errors, never a panic of ding's own code
// (a panic inside excelize is recovered and reported as not a workbook).
func FuzzRead(f *testing.F) {
	for _, lang := range []string{"zh", "en"} {
		tpl, err := Template(lang, "新材料")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(tpl)
	}
	f.Add(fuzzWorkbook(f, allColumns|1<<29|1<<30, fuzzProjectRows, fuzzProgressRows))
	f.Add(fuzzWorkbook(f, 0x123|1<<31, "2301-330803-04-01-000001\t甲\t樟潭街道\t民间", ""))
	var z bytes.Buffer
	zw := zip.NewWriter(&z)
	w, _ := zw.Create("xl/workbook.xml")
	w.Write([]byte(`<workbook><sheets><sheet name="项目" r:id="rId1"/></sheets></workbook>`))
	zw.Close()
	f.Add(z.Bytes())
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	f.Add([]byte("项目代码,项目名称\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		wb, err := Read(bytes.NewReader(data), int64(len(data)), units(fuzzUnits))
		if err != nil {
			checkReadErr(t, err)
			return
		}
		checkWorkbook(t, wb)
	})
}

// FuzzReadCells builds a workbook from fuzzed cell text (see fuzzWorkbook) and reads it:
// a file with an import header reads without error; every non-blank data row that is not a
// totals row becomes a row of the batch or has a problem at its row; the batch keeps the
// reader's promises (checkWorkbook).
func FuzzReadCells(f *testing.F) {
	f.Add(allColumns, fuzzProjectRows, fuzzProgressRows)
	f.Add(allColumns|1<<29|1<<30|1<<31, fuzzProjectRows, "")
	if len(projectColumns) != 29 {
		f.Fatalf("allColumns is for 29 project columns, not %d", len(projectColumns))
	}
	f.Add(uint32(0x123), "2301-330803-04-01-000001\t甲\t樟潭街道\t民间\n\t\t\t\n小计", "")
	f.Add(uint32(0x3), "", "2301-330803-04-01-000001\t\t2024-W09\t#0.1\tx")
	f.Add(uint32(0), "", "")
	f.Fuzz(func(t *testing.T, mask uint32, projects, progress string) {
		data := fuzzWorkbook(t, mask, projects, progress)
		wb, err := Read(bytes.NewReader(data), int64(len(data)), units(fuzzUnits))
		if err != nil {
			if ding.AsError(err).Key != "xlsx.no_sheets" {
				t.Fatalf("Read of a well-formed workbook: %v\n%s", err, ownPanic(err))
			}
			return
		}
		checkWorkbook(t, wb)
		// Every row that says something is imported or explained.
		placed := map[[2]int]bool{}
		for _, p := range wb.Batch.Projects {
			placed[[2]int{p.Row / rowBase, p.Row % rowBase}] = true
		}
		for _, r := range wb.Batch.Reports {
			placed[[2]int{r.Row / rowBase, r.Row % rowBase}] = true
		}
		for _, p := range wb.Problems {
			placed[[2]int{slices.IndexFunc(wb.sheets, func(s *sheet) bool { return s.index == p.sheet }), p.Row}] = true
		}
		xf, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		defer xf.Close()
		for _, sh := range wb.sheets {
			rows, err := xf.GetRows(sh.name, excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			for i := sh.headerRow; i < len(rows); i++ {
				n := i + 1
				if !saysSomething(sh, rows[i]) || n == sh.headerRow+2 && mask&(1<<29) != 0 && !sh.progress {
					continue // blank, totals, or a row the merged cell fills in
				}
				if !placed[[2]int{sh.seq, n}] {
					t.Fatalf("%s row %d %q: neither imported nor explained", sh.name, n, rows[i])
				}
			}
		}
	})
}

// saysSomething reports whether a data row has text in an imported column and is not a
// totals row, i.e. whether the reader must import or explain it.
func saysSomething(sh *sheet, text []string) bool {
	something := false
	for i, p := range sh.pos {
		if p >= 0 && p < len(text) && strings.TrimSpace(text[p]) != "" && sh.spec[i].kind != kIgnored {
			something = true
		}
	}
	if !something {
		return false
	}
	if sh.pos[0] < len(text) && strings.TrimSpace(text[sh.pos[0]]) != "" {
		return true
	}
	for _, c := range text {
		for _, w := range totalsWords {
			if strings.HasPrefix(normTitle(c), w) {
				return false
			}
		}
	}
	return true
}

// fuzzDB is a database with the org tree of fuzzUnits, for FuzzImport.
type fuzzDB struct {
	db    *store.DB
	ctx   context.Context
	units map[string]int64
}

func openFuzzDB(tb testing.TB, e storetest.Engine) *fuzzDB {
	tb.Helper()
	db := storetest.Open(tb, e)
	db.Now = func() time.Time { return time.Date(2024, 6, 20, 2, 0, 0, 0, time.UTC) }
	fd := &fuzzDB{db: db, ctx: ding.WithActor(context.Background(), ding.SystemActor("fuzz")), units: map[string]int64{}}
	for _, u := range []struct {
		name, parent string
		kind         ding.UnitKind
		code         string
	}{{"衢州市", "", ding.UnitCity, "330800"}, {"衢江区", "衢州市", ding.UnitDistrict, "330803"},
		{"樟潭街道", "衢江区", ding.UnitTown, ""}, {"廿里镇", "衢江区", ding.UnitTown, ""}} {
		unit := &ding.Unit{Name: u.name, Kind: u.kind, Code: u.code, ParentID: fd.units[u.parent]}
		if err := db.CreateUnit(fd.ctx, unit); err != nil {
			tb.Fatal(err)
		}
		fd.units[u.name] = unit.ID
	}
	return fd
}

// importBatch reads data and runs it through the store: a preview, or a commit.
func (fd *fuzzDB) importBatch(t *testing.T, data []byte, commit bool) (*Workbook, *store.ImportResult) {
	t.Helper()
	wb, err := Read(bytes.NewReader(data), int64(len(data)), units(fd.units))
	if err != nil {
		return nil, nil
	}
	err = wb.FillMissing(func(code string) (*ding.Project, error) {
		ps, _, err := fd.db.FindProjects(fd.ctx, ding.ProjectFilter{Code: code})
		if err != nil || len(ps) == 0 {
			return nil, err
		}
		return ps[0], nil
	})
	if err != nil {
		t.Fatalf("FillMissing: %v", err)
	}
	wb.Batch.Source, wb.Batch.Approve = "fuzz.xlsx", true
	res, err := fd.db.Import(fd.ctx, wb.Batch, commit)
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	return wb, res
}

// FuzzImport builds a workbook from fuzzed cell text, reads it and imports it on every
// engine the tests run on:
//   - the store answers with row errors, never a failure of its own (an SQL error);
//   - every row is counted once: created, updated, unchanged or in error;
//   - every store error is placed by Explain at its sheet and row, with a message;
//   - a clean file commits, and importing it again changes nothing.
func FuzzImport(f *testing.F) {
	f.Add(allColumns, fuzzProjectRows, fuzzProgressRows)
	f.Add(allColumns, strings.Join(strings.Split(fuzzProjectRows, "\n")[:2], "\n"), strings.Join(strings.Split(fuzzProgressRows, "\n")[:2], "\n"))
	f.Add(uint32(0x123), "2301-330803-04-01-000003\t丁\t樟潭街道\t民间", "2301-330803-04-01-000003\t\t2024-05\t1.5\t开工准备")
	f.Add(uint32(0x123)|1<<31, "2301-330803-04-01-000004\t戊\t廿里镇\t政府\n2301-330803-04-01-000004\t戊\t廿里镇\t政府", "")
	f.Add(uint32(0x123)|1<<27, "2301-330803-04-01-000005\t己\t樟潭街道\t政府\t竣工", "")
	var dbs []*fuzzDB
	for _, e := range storetest.Engines(f) {
		dbs = append(dbs, openFuzzDB(f, e))
	}
	f.Fuzz(func(t *testing.T, mask uint32, projects, progress string) {
		data := fuzzWorkbook(t, mask, projects, progress)
		for _, fd := range dbs {
			wb, res := fd.importBatch(t, data, false)
			if wb == nil {
				return
			}
			rows := map[int]bool{}
			for _, p := range wb.Batch.Projects {
				rows[p.Row] = true
			}
			for _, r := range wb.Batch.Reports {
				rows[r.Row] = true
			}
			projErrs, repErrs := map[int]bool{}, map[int]bool{}
			for _, re := range res.Errors {
				e := ding.AsError(re.Err)
				if !rows[re.Row] || e.Code == ding.EINTERNAL || !i18n.Has(e.Key) {
					t.Fatalf("store error at row %d: %v", re.Row, re.Err)
				}
				if slices.ContainsFunc(wb.Batch.Projects, func(p store.ImportProject) bool { return p.Row == re.Row }) {
					projErrs[re.Row] = true
				} else {
					repErrs[re.Row] = true
				}
			}
			if n := res.Created + res.Updated + res.Unchanged + len(projErrs); n != len(wb.Batch.Projects) {
				t.Fatalf("%d projects counted of %d: %+v", n, len(wb.Batch.Projects), res)
			}
			if n := res.Reports + res.ReportsUnchanged + len(repErrs); n != len(wb.Batch.Reports) {
				t.Fatalf("%d reports counted of %d: %+v", n, len(wb.Batch.Reports), res)
			}
			explained := wb.Explain(res.Errors)
			checkProblems(t, explained)
			for _, re := range res.Errors {
				seq, row := re.Row/rowBase, re.Row%rowBase
				if !slices.ContainsFunc(explained, func(p Problem) bool { return p.Sheet == wb.sheets[seq].name && p.Row == row }) {
					t.Fatalf("store error at row %d (%v) is not explained", re.Row, re.Err)
				}
			}
			if len(wb.Problems) > 0 || len(res.Errors) > 0 || len(wb.Batch.Projects)+len(wb.Batch.Reports) == 0 {
				continue
			}
			if _, res = fd.importBatch(t, data, true); !res.Committed || len(res.Errors) > 0 {
				t.Fatalf("a clean preview does not commit: %+v", res)
			}
			if _, res = fd.importBatch(t, data, false); res.Created+res.Updated+res.Reports != 0 || len(res.Errors) > 0 {
				t.Fatalf("importing the same file again changes something: %+v %v", res, res.Errors)
			}
		}
	})
}

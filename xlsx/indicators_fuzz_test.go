package xlsx

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"ding"
	"ding/store/storetest"
)

// Fuzz targets of the indicator values import, like those of the project import: raw bytes,
// then workbooks built from fuzzed cells, read and set in the store.

const fuzzValueRows = "gdp\t樟潭街道\t2024\t\t100\t年度目标\n" +
	"地区生产总值\t樟潭街道\t2024年\t1—6月\t#327.71999999999997\t\n" +
	"households\t廿里镇\t#2024\t#6\t3,810户\t\n" +
	"growth_rate\t廿里镇\t2024\t６\t-1.5%\t下降\n" +
	"gdp\t樟潭街道\t2024\t6月\t1\t重复\n" +
	"nope\t月球\t1999\t13\tabc\t\n" +
	"合计\t\t\t\t999"

// fuzzValuesWorkbook builds a values file: the columns of valueColumns that mask selects
// (bit i: column i; bit 6: first aliases instead of titles; bit 7: the header and each
// row's cells in reverse order), then the rows of text (see fuzzRows).
func fuzzValuesWorkbook(t testing.TB, mask uint8, text string) []byte {
	t.Helper()
	var header []any
	order := []int{0, 1, 2, 3, 4, 5}
	if mask&(1<<7) != 0 {
		slices.Reverse(order)
	}
	for _, i := range order {
		c := valueColumns[i]
		if mask&(1<<i) == 0 {
			continue
		}
		title := c.title
		if mask&(1<<6) != 0 {
			title = c.aliases[0]
		}
		header = append(header, title)
	}
	rows := [][]any{header}
	for _, row := range fuzzRows(text, len(header)) {
		if mask&(1<<7) != 0 {
			slices.Reverse(row) // typed in the columns' order, as shown
		}
		rows = append(rows, row)
	}
	return rawBook(t, []rawSheet{{name: SheetValues, rows: rows}})
}

// checkValueBook checks what ReadValues returned: problems in place, and writes of known
// indicators and units, of a year from 2000 to 2100 and a month 0–12, with a value within
// 10¹⁶, each indicator, unit, year and month once.
func checkValueBook(t *testing.T, vb *ValueBook) {
	t.Helper()
	checkProblems(t, vb.Problems)
	if len(vb.at) != len(vb.Writes) || len(vb.Writes) > vb.Rows {
		t.Fatalf("%d writes, %d places, %d rows", len(vb.Writes), len(vb.at), vb.Rows)
	}
	seen := map[[4]int64]bool{}
	for _, w := range vb.Writes {
		k := [4]int64{w.IndicatorID, w.UnitID, int64(w.Year), int64(w.Month)}
		if seen[k] || w.IndicatorID < 1 || w.IndicatorID > 3 || w.UnitID < 1 || w.UnitID > 4 || w.Year < 2000 || w.Year > 2100 ||
			w.Month < 0 || w.Month > 12 || w.Value == nil || *w.Value > 1e16 || *w.Value < -1e16 {
			t.Fatalf("write %+v", w)
		}
		seen[k] = true
	}
}

// FuzzReadValues feeds any bytes to ReadValues: a value book that keeps its promises or a
// documented invalid-input error, never a panic of ding's own code.
func FuzzReadValues(f *testing.F) {
	tpl, err := ValuesTemplate("zh", testIndicators)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(tpl)
	f.Add(fuzzValuesWorkbook(f, 0x3F, fuzzValueRows))
	f.Add(fuzzValuesWorkbook(f, 0xFF, fuzzValueRows))
	f.Add([]byte("PK\x03\x04\x14\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		vb, err := ReadValues(bytes.NewReader(data), int64(len(data)), IndicatorResolverOf(testIndicators), units(fuzzUnits))
		if err != nil {
			checkReadErr(t, err)
			return
		}
		checkValueBook(t, vb)
	})
}

// FuzzValuesImport builds a values file from fuzzed cells (see fuzzValuesWorkbook), reads
// it and previews it in the store on every engine the tests run on:
//   - a file with a values header reads without error and keeps checkValueBook's promises;
//   - every row that says something becomes a write or has a problem at its row (unless the
//     header lacks a required column, a problem of the whole file);
//   - the store refuses writes with errors placed at their rows, never with one of its own;
//   - a clean file commits, and setting it again changes nothing.
func FuzzValuesImport(f *testing.F) {
	f.Add(uint8(0x3F), fuzzValueRows)
	f.Add(uint8(0xFF), fuzzValueRows)
	f.Add(uint8(0x17), "gdp\t樟潭街道\t2024\t100")
	f.Add(uint8(0x1F), "gdp\t樟潭街道\t2024\t\t100\nhouseholds\t廿里镇\t2024\t5\t12")
	f.Add(uint8(0x13), "")
	type engineDB struct {
		fd   *fuzzDB
		inds []*ding.Indicator
	}
	var dbs []engineDB
	for _, e := range storetest.Engines(f) {
		fd := openFuzzDB(f, e)
		var inds []*ding.Indicator
		for _, ind := range testIndicators {
			c := *ind
			c.ID = 0
			if err := fd.db.CreateIndicator(fd.ctx, &c); err != nil {
				f.Fatal(err)
			}
			inds = append(inds, &c)
		}
		dbs = append(dbs, engineDB{fd, inds})
	}
	f.Fuzz(func(t *testing.T, mask uint8, text string) {
		data := fuzzValuesWorkbook(t, mask, text)
		vb, err := ReadValues(bytes.NewReader(data), int64(len(data)), IndicatorResolverOf(testIndicators), units(fuzzUnits))
		if err != nil {
			if ding.AsError(err).Key != "indui.xlsx.no_sheets" {
				t.Fatalf("ReadValues of a well-formed workbook: %v\n%s", err, ownPanic(err))
			}
			return
		}
		checkValueBook(t, vb)
		placed := map[int]bool{}
		for _, at := range vb.at {
			placed[at.row] = true
		}
		for _, p := range vb.Problems {
			placed[p.Row] = true
		}
		xf, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		defer xf.Close()
		rows, err := xf.GetRows(SheetValues, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		sh := vb.sheets[0]
		if slices.ContainsFunc(vb.Problems, func(p Problem) bool { return p.Key == "xlsx.column_missing" }) {
			rows = nil // without a required column the header's problem speaks for the rows
		}
		for i := sh.headerRow; i < len(rows); i++ {
			if valueRowSays(sh, rows[i]) && !placed[i+1] {
				t.Fatalf("row %d %q: neither a write nor explained", i+1, rows[i])
			}
		}
		for _, e := range dbs {
			vb, err := ReadValues(bytes.NewReader(data), int64(len(data)), IndicatorResolverOf(e.inds), units(e.fd.units))
			if err != nil {
				t.Fatal(err)
			}
			changed, errs, err := e.fd.db.SetValues(e.fd.ctx, vb.Writes, "import", false)
			if err != nil {
				t.Fatalf("SetValues: %v", err)
			}
			for _, ve := range errs {
				if ve.Index < 0 || ve.Index >= len(vb.Writes) || ding.ErrorCode(ve.Err) == ding.EINTERNAL {
					t.Fatalf("store error %+v: %v", ve, ve.Err)
				}
			}
			explained := vb.Explain(errs)
			checkProblems(t, explained)
			for _, ve := range errs {
				row := vb.at[ve.Index].row
				if !slices.ContainsFunc(explained, func(p Problem) bool { return p.Row == row }) {
					t.Fatalf("store error at row %d (%v) is not explained", row, ve.Err)
				}
			}
			if len(vb.Problems) > 0 || len(errs) > 0 || changed == 0 {
				continue
			}
			if _, errs, err = e.fd.db.SetValues(e.fd.ctx, vb.Writes, "import", true); err != nil || len(errs) > 0 {
				t.Fatalf("a clean preview does not commit: %v %v", err, errs)
			}
			if changed, errs, err = e.fd.db.SetValues(e.fd.ctx, vb.Writes, "import", false); err != nil || len(errs) > 0 || changed != 0 {
				t.Fatalf("setting the same values again changes %d: %v %v", changed, err, errs)
			}
		}
	})
}

// valueRowSays reports whether a row of a values sheet has text in one of its columns and is
// not a totals row, i.e. whether ReadValues must turn it into a write or explain it.
func valueRowSays(sh *sheet, cells []string) bool {
	at := func(i int) string {
		if p := sh.pos[i]; p >= 0 && p < len(cells) {
			return strings.TrimSpace(cells[p])
		}
		return ""
	}
	something := false
	for i := range sh.pos {
		if at(i) != "" {
			something = true
		}
	}
	if !something {
		return false
	}
	if at(vcIndicator) != "" && at(vcUnit) != "" {
		return true
	}
	for _, c := range cells {
		for _, w := range totalsWords {
			if strings.HasPrefix(normTitle(c), w) {
				return false
			}
		}
	}
	return true
}

package xlsx

// The year's statistics (web/page_statistics.go): the tables a district reports upward,
// one sheet each, written exactly as the page shows them. The caller builds the tables;
// this file only lays them out: a title, a subtitle, a header row and the data rows, with
// amounts in 亿元 (two decimals), rates as percentages and counts as integers. A missing
// figure is the text "—", never a zero.

import (
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// StatKind is how a statistics column shows its values.
type StatKind int

// The kinds of a statistics column.
const (
	StatText  StatKind = iota // a label
	StatYi                    // an amount in 亿元 (float64), 0.00
	StatRate                  // a fraction (float64) shown as 0.0%
	StatCount                 // a count (int64), #,##0
)

// StatSheet is one table of the statistics export.
type StatSheet struct {
	Name     string     // the sheet's name (cut to Excel's 31 characters)
	Title    string     // row 1
	Subtitle string     // row 2: unit, year, plan, export time
	Headers  []string   // row 3
	Kinds    []StatKind // one per header
	Rows     [][]any    // from row 4: float64, int64 or string ("—" for a missing figure)
	Bold     []bool     // rows shown in bold (totals), optional
}

// ExportStatistics writes the sheets into one workbook, in the order given.
func ExportStatistics(w io.Writer, sheets []StatSheet) error {
	f := excelize.NewFile()
	defer f.Close()
	border := []excelize.Border{{Type: "left", Color: "A6A6A6", Style: 1}, {Type: "right", Color: "A6A6A6", Style: 1},
		{Type: "top", Color: "A6A6A6", Style: 1}, {Type: "bottom", Color: "A6A6A6", Style: 1}}
	mk := func(st excelize.Style) (int, error) { return f.NewStyle(&st) }
	titleStyle, err := mk(excelize.Style{Font: &excelize.Font{Bold: true, Size: 16}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	if err != nil {
		return err
	}
	subStyle, err := mk(excelize.Style{Font: &excelize.Font{Size: 10, Color: "595959"}, Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "center"}})
	if err != nil {
		return err
	}
	headStyle, err := mk(excelize.Style{Font: &excelize.Font{Bold: true}, Border: border, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	if err != nil {
		return err
	}
	yi, rate, count := "#,##0.00", "0.0%", "#,##0"
	styles := map[[2]int]int{} // kind, bold → style
	for _, k := range []StatKind{StatText, StatYi, StatRate, StatCount} {
		for _, bold := range []bool{false, true} {
			st := excelize.Style{Border: border, Alignment: &excelize.Alignment{Vertical: "center"}}
			switch k {
			case StatYi:
				st.CustomNumFmt = &yi
			case StatRate:
				st.CustomNumFmt = &rate
			case StatCount:
				st.CustomNumFmt = &count
			}
			if k != StatText {
				st.Alignment.Horizontal = "right"
			}
			if bold {
				st.Font = &excelize.Font{Bold: true}
				st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}}
			}
			id, err := mk(st)
			if err != nil {
				return err
			}
			styles[[2]int{int(k), b2i(bold)}] = id
		}
	}
	used := map[string]bool{}
	for i, s := range sheets {
		name := statSheetName(s.Name, used)
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return err
		}
		ncol := max(len(s.Headers), 1)
		last, _ := excelize.ColumnNumberToName(ncol)
		f.SetCellValue(name, "A1", s.Title)
		f.SetCellStyle(name, "A1", "A1", titleStyle)
		f.SetRowHeight(name, 1, 30)
		f.SetCellValue(name, "A2", s.Subtitle)
		f.SetCellStyle(name, "A2", "A2", subStyle)
		if ncol > 1 {
			if err := f.MergeCell(name, "A1", last+"1"); err != nil {
				return err
			}
			if err := f.MergeCell(name, "A2", last+"2"); err != nil {
				return err
			}
		}
		for j, h := range s.Headers {
			col, _ := excelize.ColumnNumberToName(j + 1)
			f.SetCellValue(name, col+"3", h)
			width := 12.0
			if j == 0 {
				width = 16
			}
			width = max(width, float64(min(dispWidth(h)+2, 24)))
			for _, r := range s.Rows {
				if j < len(r) {
					if t, ok := r[j].(string); ok {
						width = max(width, float64(min(dispWidth(t)+2, 40)))
					}
				}
			}
			f.SetColWidth(name, col, col, width)
		}
		f.SetCellStyle(name, "A3", last+"3", headStyle)
		f.SetRowHeight(name, 3, 32)
		for ri, r := range s.Rows {
			row := ri + 4
			bold := ri < len(s.Bold) && s.Bold[ri]
			for j, v := range r {
				if j >= ncol {
					break
				}
				k := StatText
				if j < len(s.Kinds) {
					k = s.Kinds[j]
				}
				if t, ok := v.(string); ok {
					v = safeCell(t)
					if k != StatText {
						k = StatCount // "—" right-aligned with the numbers
					}
				}
				cell := cellName(j+1, row)
				f.SetCellValue(name, cell, v)
				f.SetCellStyle(name, cell, cell, styles[[2]int{int(k), b2i(bold)}])
			}
		}
		if err := f.SetPanes(name, &excelize.Panes{Freeze: true, XSplit: 1, YSplit: 3, TopLeftCell: "B4", ActivePane: "bottomRight"}); err != nil {
			return err
		}
		f.SetPageLayout(name, &excelize.PageLayoutOptions{Orientation: ptr("landscape")})
	}
	_, err = f.WriteTo(w)
	return err
}

// statSheetName makes a name Excel accepts and no other sheet of the book has.
func statSheetName(s string, used map[string]bool) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '_'
		}
		return r
	}, strings.TrimSpace(s))
	if s == "" {
		s = "Sheet"
	}
	if r := []rune(s); len(r) > 28 {
		s = string(r[:28])
	}
	name := s
	for n := 2; used[strings.ToLower(name)]; n++ {
		name = s + "(" + string(rune('0'+n%10)) + ")"
	}
	used[strings.ToLower(name)] = true
	return name
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

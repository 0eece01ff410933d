package xlsx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// rawSheet is a sheet of a hand-written workbook: rows of cells from A1 (string or
// float64; nil or "" leaves the cell out) and merged ranges ("A2:A3").
type rawSheet struct {
	name   string
	rows   [][]any
	merges []string
}

// rawBook writes the smallest .xlsx excelize reads: a workbook, its sheets and their cells
// as inline strings and numbers, with no styles or shared strings. The fuzz targets build
// their files with it because it takes a fraction of the time excelize needs to write and
// read back a full file. Text is escaped as XML requires (characters XML cannot hold
// become U+FFFD, as no real file can hold them either).
func rawBook(t testing.TB, sheets []rawSheet) []byte {
	t.Helper()
	esc := func(s string) string {
		var b strings.Builder
		if err := xml.EscapeText(&b, []byte(s)); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	var z bytes.Buffer
	zw := zip.NewWriter(&z)
	put := func(name, body string) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + body)); err != nil {
			t.Fatal(err)
		}
	}
	const (
		main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
		rels = "http://schemas.openxmlformats.org/package/2006/relationships"
		doc  = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	)
	var types, list, links strings.Builder
	for i := range sheets {
		n := strconv.Itoa(i + 1)
		fmt.Fprintf(&types, `<Override PartName="/xl/worksheets/sheet%s.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, n)
		fmt.Fprintf(&list, `<sheet name="%s" sheetId="%s" r:id="rId%s"/>`, esc(sheets[i].name), n, n)
		fmt.Fprintf(&links, `<Relationship Id="rId%s" Type="%s/worksheet" Target="worksheets/sheet%s.xml"/>`, n, doc, n)
	}
	put("[Content_Types].xml", `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`+
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>`+
		`<Default Extension="xml" ContentType="application/xml"/>`+
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`+
		types.String()+`</Types>`)
	put("_rels/.rels", `<Relationships xmlns="`+rels+`"><Relationship Id="rId1" Type="`+doc+`/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	put("xl/workbook.xml", `<workbook xmlns="`+main+`" xmlns:r="`+doc+`"><sheets>`+list.String()+`</sheets></workbook>`)
	put("xl/_rels/workbook.xml.rels", `<Relationships xmlns="`+rels+`">`+links.String()+`</Relationships>`)
	for i, sh := range sheets {
		var b strings.Builder
		b.WriteString(`<worksheet xmlns="` + main + `"><sheetData>`)
		for r, row := range sh.rows {
			fmt.Fprintf(&b, `<row r="%d">`, r+1)
			for c, v := range row {
				ref := colName(c) + strconv.Itoa(r+1)
				switch v := v.(type) {
				case string:
					if v != "" {
						fmt.Fprintf(&b, `<c r="%s" t="inlineStr"><is><t xml:space="preserve">%s</t></is></c>`, ref, esc(v))
					}
				case float64:
					fmt.Fprintf(&b, `<c r="%s"><v>%s</v></c>`, ref, strconv.FormatFloat(v, 'g', -1, 64))
				case nil:
				default:
					t.Fatalf("cell %s: %T", ref, v)
				}
			}
			b.WriteString(`</row>`)
		}
		b.WriteString(`</sheetData>`)
		if len(sh.merges) > 0 {
			fmt.Fprintf(&b, `<mergeCells count="%d">`, len(sh.merges))
			for _, m := range sh.merges {
				fmt.Fprintf(&b, `<mergeCell ref="%s"/>`, m)
			}
			b.WriteString(`</mergeCells>`)
		}
		b.WriteString(`</worksheet>`)
		put(fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1), b.String())
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return z.Bytes()
}

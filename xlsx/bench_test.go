package xlsx

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/xuri/excelize/v2"
)

// progressSheet is a progress sheet of n rows, written with the stream writer.
func progressSheet(b *testing.B, n int) []byte {
	b.Helper()
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", SheetProgress)
	sw, err := f.NewStreamWriter(SheetProgress)
	if err != nil {
		b.Fatal(err)
	}
	sw.SetRow("A1", headers(progressColumns))
	for i := range n {
		code := fmt.Sprintf("2301-330803-04-01-%06d", i/24+1)
		period := fmt.Sprintf("%d-%02d", 2023+i%24/12, i%12+1)
		if err := sw.SetRow(fmt.Sprintf("A%d", i+2), []any{code, "项目", period, float64(i%1000) + 0.25, "主体施工", i % 101, "无", "继续施工"}); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkXLSXReadProgress10k reads a 10,000-row progress sheet (the file only; the
// store's preview and commit are measured in store's benchmarks).
//
//	go test ./xlsx/ -run '^$' -bench XLSXRead -benchmem
func BenchmarkXLSXReadProgress10k(b *testing.B) {
	data := progressSheet(b, 10_000)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		wb, err := Read(bytes.NewReader(data), int64(len(data)), nil)
		if err != nil || len(wb.Batch.Reports) != 10_000 || len(wb.Problems) != 0 {
			b.Fatalf("%v %d %d", err, len(wb.Batch.Reports), len(wb.Problems))
		}
	}
}

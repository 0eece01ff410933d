package web

// Helpers shared by every list page: unit selects shaped like the org tree, pagination
// that keeps the filters, and CSV export that Excel opens correctly.

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"ding"
)

// unitOption is a unit in a select, indented to show the tree.
type unitOption struct {
	ID       int64
	Label    string
	Disabled bool
}

// unitOptions orders units depth-first so that a select reads like the org tree. Units
// whose parent is not in the list (outside the caller's scope) start a tree.
func unitOptions(units []*ding.Unit) []unitOption {
	rows := unitsFlatten(unitsTree(units, nil), 0, nil, nil)
	out := make([]unitOption, len(rows))
	for i, r := range rows {
		// Ideographic spaces survive the whitespace collapsing of <option>.
		out[i] = unitOption{ID: r.ID, Label: strings.Repeat("\u3000", r.Level) + r.Name, Disabled: r.Disabled}
	}
	return out
}

// pager is the navigation under a paginated list; its links keep the filters.
type pager struct {
	Total, Page, Pages int
	Prev, Next         string
}

// pageParam reads the 1-based page number from the query; anything odd is page 1.
func pageParam(q url.Values) int {
	n, err := strconv.Atoi(q.Get("page"))
	if err != nil || n < 1 {
		return 1
	}
	return n
}

func newPager(r *http.Request, total, page, size int) pager {
	p := pager{Total: total, Page: page, Pages: max(1, (total+size-1)/size)}
	link := func(n int) string {
		q := r.URL.Query()
		q.Del("flash")
		if n > 1 {
			q.Set("page", strconv.Itoa(n))
		} else {
			q.Del("page")
		}
		if enc := q.Encode(); enc != "" {
			return r.URL.Path + "?" + enc
		}
		return r.URL.Path
	}
	if page > 1 {
		p.Prev = link(min(page-1, p.Pages))
	}
	if page < p.Pages {
		p.Next = link(page + 1)
	}
	return p
}

// exportURL is the current list's URL asking for CSV, without the page.
func exportURL(r *http.Request) string {
	q := r.URL.Query()
	q.Del("page")
	q.Del("flash")
	q.Set("format", "csv")
	return r.URL.Path + "?" + q.Encode()
}

// writeCSV sends rows as a CSV download (filename "" keeps a Content-Disposition the
// caller set). The UTF-8 byte order mark makes Excel read
// Chinese correctly; a cell that starts like a formula gets a leading ' so that a
// spreadsheet shows it instead of running it.
func writeCSV(w http.ResponseWriter, filename string, rows [][]string) error {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	cw := csv.NewWriter(&b)
	cw.UseCRLF = true
	for _, row := range rows {
		for i, c := range row {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				row[i] = "'" + c
			}
		}
		if err := cw.Write(row); err != nil {
			return ding.Internal(err, "csv")
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return ding.Internal(err, "csv")
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	if filename != "" {
		h.Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	}
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	_, err := w.Write(b.Bytes())
	return err
}

// csvTime formats a timestamp for an export, in Asia/Shanghai, to the second.
func csvTime(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.In(shanghai).Format("2006-01-02 15:04:05")
}

package loadtest

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// WriteTo prints the run as a table: per kind of request the count, the errors (4xx, 5xx,
// no answer, or another answer than the page should give), the throughput and the
// latencies in milliseconds; then all page views together and the first failures.
func (r *Result) WriteTo(w io.Writer) (int64, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "run %s: %d users (%s) on %s, think %s, %s, %d requests, %.1f requests/s\n",
		r.RunID, r.Users, r.Plan, strings.Join(r.URLs, " "), r.Think, r.Elapsed.Round(100*time.Millisecond), r.Requests, r.PerSecond)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "kind\tcount\terrors\t4xx\t5xx\tno answer\treq/s\tp50 ms\tp95 ms\tp99 ms\tmax ms\t")
	row := func(name string, k *KindStats) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%.2f\t%.1f\t%.1f\t%.1f\t%.1f\t\n", name, k.Count, k.Errors, k.Status4xx, k.Status5xx, k.NoResponse,
			k.PerSecond, k.P50, k.P95, k.P99, k.Max)
	}
	all := &KindStats{}
	for _, k := range r.Kinds {
		row(k.Kind, k)
		if k.PageView {
			all.Count += k.Count
			all.Errors += k.Errors
			all.Status4xx += k.Status4xx
			all.Status5xx += k.Status5xx
			all.NoResponse += k.NoResponse
			all.PerSecond += k.PerSecond
		}
	}
	all.PercentileSet = r.PageViews
	row("all page views", all)
	tw.Flush()
	for i, f := range r.Failures {
		if i == 0 {
			fmt.Fprintf(&b, "failures (first %d):\n", len(r.Failures))
		}
		if i == 10 {
			fmt.Fprintf(&b, "  … %d more\n", len(r.Failures)-10)
			break
		}
		fmt.Fprintf(&b, "  %s %s %s (%s): %d %s\n", f.Kind, f.Method, f.Path, f.User, f.Status, f.Message)
	}
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}

package main

import (
	"context"
	"flag"
	"fmt"
	"sort"
	"time"

	"ding"
	"ding/store"
)

// warn runs the warning engine from the command line: "ding warn recompute" is the
// nightly pass, run now.
func (e *cliEnv) warn(args []string) error {
	if len(args) == 0 || args[0] != "recompute" {
		fmt.Fprint(e.stderr, "usage: ding warn recompute [--date YYYY-MM-DD]\n")
		return errUsage
	}
	fs := flag.NewFlagSet("warn recompute", flag.ContinueOnError)
	date := fs.String("date", "", "judge on this date (default: the warning_as_of setting, else today in Shanghai)")
	return e.withDB(fs, args[1:], func(ctx context.Context, db *store.DB, rest []string) error {
		var today ding.Date
		if *date != "" {
			d, err := ding.ParseDate(*date)
			if err != nil {
				return err
			}
			today = d
		}
		sum, err := db.RecomputeWarnings(ctx, today)
		if err != nil {
			return explain(err)
		}
		colours, err := db.Colours(ctx)
		if err != nil {
			return explain(err)
		}
		fmt.Fprintf(e.stdout, "warnings as of %s: %d projects evaluated in %s\n", sum.Today, sum.Projects, sum.Took.Round(time.Millisecond))
		sort.Slice(colours, func(i, j int) bool { return colours[i].Rank > colours[j].Rank })
		for _, l := range colours {
			fmt.Fprintf(e.stdout, "  %s  %d projects\n", l.Name, sum.ByColour[l.Key])
		}
		fmt.Fprintf(e.stdout, "  %d warnings hold; %d projects exempt\n", sum.Warnings, sum.Exempt)
		fmt.Fprintf(e.stdout, "  events: %d opened, %d raised, %d lowered, %d escalated, %d cleared\n",
			sum.Opened, sum.Raised, sum.Lowered, sum.Escalated, sum.Cleared)
		// As the nightly job does: the dashboards' rollups of the units the pass changed,
		// rebuilt now rather than in the first dashboard's request.
		start := time.Now()
		n, err := db.RefreshRollups(ctx)
		if err != nil {
			return explain(err)
		}
		if err := db.RefreshWarningReads(ctx); err != nil {
			return explain(err)
		}
		fmt.Fprintf(e.stdout, "  dashboards' rollups of %d units rebuilt in %s\n", n, time.Since(start).Round(time.Millisecond))
		return nil
	})
}

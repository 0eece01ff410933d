package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"ding"
)

// Benchmarks of the warning pass on the generated province (see bench_projects_test.go;
// DING_BENCH_BIG=1, DING_BENCH_PROJECTS for a smaller set):
//
//	DING_BENCH_BIG=1 DING_TEST_POSTGRES=postgres://… go test -run XXX -bench Warnings -benchtime 5x -timeout 60m ./store
//
// The first pass over a data set opens every warning (reported once as first-pass-s).
// …/store re-runs the pass on the same day: it reads everything and finds nothing to
// write. …/nightly moves the day on each time, so it also rewrites every figure counted in
// days. …/floor is the loader's SELECTs alone.

var warnBenchOnce sync.Map // engine → first pass done

// warnBig opens the province, migrates it (a data set generated before the warnings
// existed lacks their tables) and runs the first pass once per process.
func warnBig(b *testing.B, engine string) (*bigDB, WarningSummary) {
	b.Helper()
	x := openBig(b, engine)
	if _, err := x.db.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	if v, ok := warnBenchOnce.Load(engine); ok {
		return x, v.(WarningSummary)
	}
	sum, err := x.db.RecomputeWarnings(x.admin, ding.Today(benchNow))
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: first pass: %d projects, %d warnings, %d events in %s", engine, sum.Projects, sum.Warnings, sum.Events(), sum.Took.Round(time.Millisecond))
	warnBenchOnce.Store(engine, sum)
	return x, sum
}

// BenchmarkRecomputeWarnings: the nightly pass over every project; the floor runs the
// loader's SELECTs bare over the same chunks and only reads the rows.
func BenchmarkRecomputeWarnings(b *testing.B) {
	for _, e := range bigEngines(b) {
		x, first := warnBig(b, e)
		today := ding.Today(benchNow)
		b.Run(e+"/store", func(b *testing.B) {
			var last WarningSummary
			loopMedian(b, func() error {
				sum, err := x.db.RecomputeWarnings(x.admin, today)
				if err == nil && sum.Projects != x.res.Projects {
					err = fmt.Errorf("evaluated %d projects of %d", sum.Projects, x.res.Projects)
				}
				last = sum
				return err
			})
			b.ReportMetric(float64(last.Projects), "projects")
			b.ReportMetric(float64(last.Warnings), "warnings")
			b.ReportMetric(float64(last.Events()), "events")
			if first.Opened > 0 && first.Opened == first.Warnings {
				b.ReportMetric(first.Took.Seconds(), "first-pass-s") // this process opened every warning
			}
		})
		// The nightly pass proper: each night the day moves on, and every value counted in
		// days (milestones overdue, days without an update) changes. Alternating two days
		// makes every iteration such a night.
		b.Run(e+"/nightly", func(b *testing.B) {
			var last WarningSummary
			n := 0
			loopMedian(b, func() error {
				n++
				sum, err := x.db.RecomputeWarnings(x.admin, today.AddDays(n%2))
				last = sum
				return err
			})
			b.ReportMetric(float64(last.Warnings), "warnings")
			b.ReportMetric(float64(last.Events()), "events")
		})
		// The first nightly pass of a month also sweeps the escalation ladders
		// (store/escalations.go): …/month the episodes of the last months, as after a
		// month that was swept; …/sweep every project, as after a restart or a changed
		// ladder. Resetting the setting makes every iteration such a night.
		b.Run(e+"/month", func(b *testing.B) {
			var last WarningSummary
			prev, _ := jsonArg(monthKey(ding.Date{Year: today.Year, Month: today.Month, Day: 1}.AddDays(-1)))
			loopMedian(b, func() error {
				if _, err := x.db.write.Exec(x.db.rebind(`UPDATE settings SET value = ? WHERE key = ?`), prev, settingLadderSwept); err != nil {
					return err
				}
				sum, err := x.db.RecomputeWarnings(x.admin, today)
				last = sum
				return err
			})
			b.ReportMetric(float64(last.Warnings), "warnings")
		})
		b.Run(e+"/sweep", func(b *testing.B) {
			var last WarningSummary
			loopMedian(b, func() error {
				if _, err := x.db.write.Exec(x.db.rebind(`DELETE FROM settings WHERE key = ?`), settingLadderSwept); err != nil {
					return err
				}
				sum, err := x.db.RecomputeWarnings(x.admin, today)
				last = sum
				return err
			})
			b.ReportMetric(float64(last.Warnings), "warnings")
		})
		b.Run(e+"/floor", func(b *testing.B) {
			ctx := context.Background()
			var lo, hi int64
			if err := x.db.read.QueryRowContext(ctx, `SELECT MIN(id), MAX(id) FROM projects`).Scan(&lo, &hi); err != nil {
				b.Fatal(err)
			}
			loopMedian(b, func() error {
				for from := lo; from <= hi; from += 4096 {
					sel := idSel{ranged: true, lo: from, hi: min(from+4095, hi)}
					for _, q := range stateQueries(x.db.dialect, sel, today, allNeeds) {
						if _, err := drain(x.db.read.QueryContext(ctx, x.db.rebind(q.q), q.args...)); err != nil {
							return err
						}
					}
					q := `SELECT project_id, colour, exempt, digest, changed_on FROM project_colours WHERE ` + sel.cond("project_id")
					if _, err := drain(x.db.read.QueryContext(ctx, q)); err != nil {
						return err
					}
				}
				return nil
			})
		})
	}
}

// BenchmarkReevaluateOne: what every change adds to its transaction — one project's
// warnings brought up to date (a project under construction with a plan and reports).
func BenchmarkReevaluateOne(b *testing.B) {
	for _, e := range bigEngines(b) {
		x, _ := warnBig(b, e)
		b.Run(e, func(b *testing.B) {
			loopMedian(b, func() error {
				tx, err := x.db.begin(x.admin)
				if err != nil {
					return err
				}
				defer tx.rollback()
				if err := reevaluate(tx, x.project); err != nil {
					return err
				}
				return tx.commit()
			})
		})
	}
}

// BenchmarkReevaluateImport: what an import of 10,000 projects' reports adds at its end —
// the change path for those projects at once (reevaluateImport), here on the first 10,000.
func BenchmarkReevaluateImport(b *testing.B) {
	for _, e := range bigEngines(b) {
		x, _ := warnBig(b, e)
		ids := make([]int64, 0, 10_000)
		for id := int64(1); id <= int64(min(10_000, x.res.Projects)); id++ {
			ids = append(ids, id)
		}
		b.Run(e, func(b *testing.B) {
			loopMedian(b, func() error {
				tx, err := x.db.begin(x.admin)
				if err != nil {
					return err
				}
				defer tx.rollback()
				return reevaluateIDs(tx, ids)
			})
		})
	}
}

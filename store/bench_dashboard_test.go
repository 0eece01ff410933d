package store

import (
	"context"
	"testing"
	"time"
)

// BenchmarkDashboard: the leader dashboard on the generated province (DING_BENCH_BIG=1):
//
//	DING_BENCH_BIG=1 [DING_TEST_POSTGRES=postgres://…] go test -run XXX -bench Dashboard -benchtime 20x ./store
//
// …/city is a city's office (a subtree of ~300 units and 10,000 projects), …/province an
// administrator's whole tree. …/after-write marks one unit dirty before each read, as a
// report submitted between two dashboard views would: the read rebuilds that unit's rollups
// first. The first read after the migration builds every unit's rollups; it is reported
// once as first-build-s.
func BenchmarkDashboard(b *testing.B) {
	for _, e := range bigEngines(b) {
		b.Run(e, func(b *testing.B) {
			x := openBig(b, e)
			ctx := context.Background()
			if _, err := x.db.Migrate(ctx); err != nil {
				b.Fatal(err)
			}
			t0 := time.Now()
			if _, err := x.db.DashboardFor(x.admin, 0, 2024, 6); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(time.Since(t0).Seconds(), "first-build-s")
			var unit int64
			if err := x.db.reader().queryRow(ctx, `SELECT unit_id FROM projects WHERE id = ?`, x.project).Scan(&unit); err != nil {
				b.Fatal(err)
			}
			b.Run("city", func(b *testing.B) {
				loopMedian(b, func() error { _, err := x.db.DashboardFor(x.office, x.city, 2024, 6); return err })
			})
			b.Run("province", func(b *testing.B) {
				loopMedian(b, func() error { _, err := x.db.DashboardFor(x.admin, 0, 2024, 6); return err })
			})
			b.Run("after-write", func(b *testing.B) {
				loopMedian(b, func() error {
					if _, err := x.db.write.ExecContext(ctx, x.db.rebind(`INSERT INTO rollup_dirty (unit_id) VALUES (?)`), unit); err != nil {
						return err
					}
					_, err := x.db.DashboardFor(x.office, x.city, 2024, 6)
					return err
				})
			})
		})
	}
}

// BenchmarkBulletin: building a month's bulletin on the generated province after the
// warnings' first pass (most projects warned), for a city's office (~10,000 projects) and
// for the whole province:
//
//	DING_BENCH_BIG=1 go test -run XXX -bench Bulletin -benchtime 5x -timeout 60m ./store
func BenchmarkBulletin(b *testing.B) {
	for _, e := range bigEngines(b) {
		b.Run(e, func(b *testing.B) {
			x, _ := warnBig(b, e)
			b.Run("city", func(b *testing.B) {
				loopMedian(b, func() error { _, err := x.db.BuildBulletin(x.office, x.city, 2024, 6); return err })
			})
			b.Run("province", func(b *testing.B) {
				loopMedian(b, func() error { _, err := x.db.BuildBulletin(x.admin, 0, 2024, 6); return err })
			})
		})
	}
}

package store

import (
	"context"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"ding"
)

// The rollups' rebuild and the item counts on an existing generated database (any size;
// `ding gen --data DIR --projects 20000` makes a small one in a minute), named by
// DING_BENCH_DB (a SQLite file or a postgres:// URL). The database is migrated first and
// its rollups are rewritten, nothing else:
//
//	DING_BENCH_DB=/tmp/h4gen/ding.db go test -run XXX -bench 'RollupRebuild|ItemCounts' -benchtime 5x ./store

func benchDB(b *testing.B) (*DB, context.Context, int64) {
	dsn := os.Getenv("DING_BENCH_DB")
	if dsn == "" {
		b.Skip("DING_BENCH_DB names the generated database to measure")
	}
	ctx := context.Background()
	db, err := Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	db.Now = func() time.Time { return benchNow }
	var city int64
	if err := db.reader().queryRow(ctx, `SELECT id FROM units WHERE depth = 1 ORDER BY id LIMIT 1`).Scan(&city); err != nil {
		b.Fatal(err)
	}
	return db, ctx, city
}

// BenchmarkRollupRebuild: every unit dirty, as after the nightly warning pass, then the
// rebuild of all of them in one transaction (as before: chunk 0) and in chunks of 64 and
// 16 units. Reported: the whole rebuild (total-s) and the longest and median chunk
// (max-chunk-ms, p50-chunk-ms: how long SQLite's writer is held at a time).
func BenchmarkRollupRebuild(b *testing.B) {
	db, ctx, _ := benchDB(b)
	chunks := []int{0, 64, 16}
	if s := os.Getenv("DING_BENCH_CHUNKS"); s != "" { // e.g. 0,64,16
		chunks = nil
		for _, f := range strings.Split(s, ",") {
			n, _ := strconv.Atoi(f)
			chunks = append(chunks, n)
		}
	}
	for _, chunk := range chunks {
		b.Run("chunk-"+strconv.Itoa(chunk), func(b *testing.B) {
			var total, maxc, p50 time.Duration
			var units int
			for b.Loop() {
				if _, err := db.write.ExecContext(ctx, `INSERT INTO rollup_dirty (unit_id) SELECT id FROM units WHERE id NOT IN (SELECT unit_id FROM rollup_dirty)`); err != nil {
					b.Fatal(err)
				}
				var n int
				if err := db.reader().queryRow(ctx, `SELECT COUNT(*) FROM rollup_dirty`).Scan(&n); err != nil {
					b.Fatal(err)
				}
				size := chunk
				if size == 0 {
					size = n
				}
				var ds []time.Duration
				t0 := time.Now()
				last := t0
				done, err := db.rebuildRollups(ctx, nil, size, func(int) {
					now := time.Now()
					ds = append(ds, now.Sub(last))
					last = now
				})
				if err != nil {
					b.Fatal(err)
				}
				total, units = time.Since(t0), done
				slices.Sort(ds)
				maxc, p50 = ds[len(ds)-1], ds[len(ds)/2]
			}
			b.ReportMetric(total.Seconds(), "total-s")
			b.ReportMetric(float64(maxc.Microseconds())/1000, "max-chunk-ms")
			b.ReportMetric(float64(p50.Microseconds())/1000, "p50-chunk-ms")
			b.ReportMetric(float64(units), "units")
		})
	}
}

// BenchmarkItemCounts: the dashboard's demands by status and overdue items of the whole
// province (unit 0) and of a city, as before migration 0017 (…/items: from the items,
// through the UNION of "raised in the subtree" and "assigned to it") and from its rollups
// (…/rollup); then the whole dashboard and the province's bulletin.
func BenchmarkItemCounts(b *testing.B) {
	db, ctx, city := benchDB(b)
	if _, err := db.RefreshRollups(ctx); err != nil {
		b.Fatal(err)
	}
	today := ding.Today(benchNow)
	admin := ding.WithActor(ctx, &ding.Actor{UserID: 999_998, Username: "bench-admin", Role: ding.RoleAdmin, Scope: ding.ScopeAll})
	office := ding.WithActor(ctx, &ding.Actor{UserID: 999_999, Username: "bench-office", UnitID: city, Role: ding.RoleOffice, Scope: ding.ScopeUnitTree})
	var root int64
	if err := db.reader().queryRow(ctx, `SELECT id FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1`).Scan(&root); err != nil {
		b.Fatal(err)
	}
	for _, u := range []struct {
		name string
		id   int64
	}{{"province", 0}, {"city", city}} {
		b.Run(u.name+"/items", func(b *testing.B) {
			loopMedian(b, func() error { _, _, err := db.ItemCountsForTest(ctx, u.id, today); return err })
		})
		b.Run(u.name+"/rollup", func(b *testing.B) {
			loopMedian(b, func() error {
				if _, err := drain(db.reader().query(ctx, `SELECT status, n FROM rollup_items WHERE unit_id = ? AND kind = ? AND n <> 0`, u.id, string(ding.DemandItem))); err != nil {
					return err
				}
				var n int64
				return db.reader().queryRow(ctx, `SELECT COALESCE(SUM(n), 0) FROM rollup_item_due WHERE unit_id = ? AND due < ?`, u.id, dateArg(today)).Scan(&n)
			})
		})
	}
	b.Run("province/dashboard", func(b *testing.B) {
		loopMedian(b, func() error { _, err := db.DashboardFor(admin, 0, 2024, 6); return err })
	})
	b.Run("city/dashboard", func(b *testing.B) {
		loopMedian(b, func() error { _, err := db.DashboardFor(office, city, 2024, 6); return err })
	})
	b.Run("province/bulletin", func(b *testing.B) {
		loopMedian(b, func() error { _, err := db.BuildBulletin(admin, root, 2024, 6); return err })
	})
}

// BenchmarkDashboardAllDirty: the first dashboard after the nightly pass when its job has
// not rebuilt the rollups yet (every unit dirty): a city's office rebuilds its subtree
// only, then the province the rest. Reported in seconds, with the units left dirty after
// the city's.
func BenchmarkDashboardAllDirty(b *testing.B) {
	db, ctx, city := benchDB(b)
	admin := ding.WithActor(ctx, &ding.Actor{UserID: 999_998, Username: "bench-admin", Role: ding.RoleAdmin, Scope: ding.ScopeAll})
	office := ding.WithActor(ctx, &ding.Actor{UserID: 999_999, Username: "bench-office", UnitID: city, Role: ding.RoleOffice, Scope: ding.ScopeUnitTree})
	var cityS, provS float64
	var left int
	for b.Loop() {
		if _, err := db.write.ExecContext(ctx, `INSERT INTO rollup_dirty (unit_id) SELECT id FROM units WHERE id NOT IN (SELECT unit_id FROM rollup_dirty)`); err != nil {
			b.Fatal(err)
		}
		t := time.Now()
		if _, err := db.DashboardFor(office, city, 2024, 6); err != nil {
			b.Fatal(err)
		}
		cityS = time.Since(t).Seconds()
		var err error
		if left, err = db.DirtyRollups(ctx); err != nil {
			b.Fatal(err)
		}
		t = time.Now()
		if _, err := db.DashboardFor(admin, 0, 2024, 6); err != nil {
			b.Fatal(err)
		}
		provS = time.Since(t).Seconds()
	}
	b.ReportMetric(cityS, "city-s")
	b.ReportMetric(float64(left), "dirty-after-city")
	b.ReportMetric(provS, "province-then-s")
}

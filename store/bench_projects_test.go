package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"ding"
)

// Benchmarks of the project registry on a generated province (Generate): 3,000 units,
// 100,000 projects, 2.4 M monthly reports. They run only with DING_BENCH_BIG=1, so that
// "go test ./..." never generates them. The data set is generated on first use, into a
// SQLite file in os.TempDir() and a schema of the DING_TEST_POSTGRES database, both named
// by GenOptions.Key(), and reused by later runs and by the web benchmarks (see
// OpenGenerated); delete the file or drop the schema to make it again.
// DING_BENCH_PROJECTS=10000 makes a smaller set for trying things out.
//
//	DING_BENCH_BIG=1 DING_TEST_POSTGRES=postgres://… go test -run XXX -bench Projects -benchtime 20x -timeout 60m ./store
//
// Each benchmark reports the median of its iterations (median-ms) beside the mean (ns/op).
// The …/floor benchmarks run the same SELECTs directly on the read pool and only read the
// rows: the time the SQL itself needs on this schema.

// benchNow is when the benchmarks' clock starts: the end of the generated data (December
// 2024), so that "this year" is a year with reports.
var benchNow = time.Date(2024, 12, 20, 2, 0, 0, 0, time.UTC)

// bigDB is an opened generated province and what the benchmarks use of it.
type bigDB struct {
	db        *DB
	res       *GenResult
	city      int64 // the first city: a subtree of ~300 units
	cityUnits int
	office    context.Context // the city's project office (scope: its subtree)
	admin     context.Context // an administrator (scope: all)
	province  context.Context // the province's project office (scope: the subtree of the only root)
	district  context.Context // the office of the city's first district (scope: its subtree)
	liaison   context.Context // the liaison of the district's busiest unit (scope: the unit)
	project   int64           // a project of the city under construction, for the project page
}

var (
	bigMu  sync.Mutex
	bigDBs = map[string]*bigDB{}
)

// bigEngines skips the benchmark unless DING_BENCH_BIG=1 and lists the engines to run.
func bigEngines(b *testing.B) []string {
	if os.Getenv("DING_BENCH_BIG") != "1" {
		b.Skip("DING_BENCH_BIG=1 runs this benchmark on a generated province of 100,000 projects")
	}
	engines := []string{"sqlite"}
	if os.Getenv("DING_TEST_POSTGRES") != "" {
		engines = append(engines, "postgres")
	}
	return engines
}

// benchGenOptions are the options of the benchmarks' data set.
func benchGenOptions() GenOptions {
	o := GenOptions{Seed: 1, Units: 3000, Projects: 100_000, ReportsPerProject: 24}
	if n, err := strconv.Atoi(os.Getenv("DING_BENCH_PROJECTS")); err == nil && n > 0 {
		o.Projects = n
	}
	return o
}

// listFilter is the list page of the targets: stage in (开工, 竣工, 投产), sorted by total
// investment, largest first, 50 a page.
var listFilter = ding.ProjectFilter{Stages: []ding.Stage{ding.StageStarted, ding.StageCompleted, ding.StageProducing},
	Year: 2024, Sort: "total_investment", Desc: true, Limit: 50}

// openBig opens (generating on first use) the province of the engine, once per process.
func openBig(b *testing.B, engine string) *bigDB {
	b.Helper()
	bigMu.Lock()
	defer bigMu.Unlock()
	if x := bigDBs[engine]; x != nil {
		return x
	}
	target := os.TempDir()
	if engine == "postgres" {
		target = os.Getenv("DING_TEST_POSTGRES")
	}
	ctx := context.Background()
	start := time.Now()
	db, res, err := OpenGenerated(ctx, target, benchGenOptions())
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: %d units, %d projects, %d reports (generated in %s; ready in %s)", engine, res.Units, res.Projects, res.Reports,
		res.Took.Round(100*time.Millisecond), time.Since(start).Round(100*time.Millisecond))
	t0 := time.Now()
	db.Now = func() time.Time { return benchNow.Add(time.Since(t0)) }
	x := &bigDB{db: db, res: res}
	r := db.reader()
	if err := r.queryRow(ctx, `SELECT id FROM units WHERE depth = 1 ORDER BY id LIMIT 1`).Scan(&x.city); err != nil {
		b.Fatal(err)
	}
	if err := r.queryRow(ctx, `SELECT COUNT(*) FROM unit_closure WHERE ancestor_id = ?`, x.city).Scan(&x.cityUnits); err != nil {
		b.Fatal(err)
	}
	var root, district, unit int64
	for _, q := range []struct {
		dst  *int64
		sql  string
		args []any
	}{
		{&root, `SELECT id FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1`, nil},
		{&district, `SELECT id FROM units WHERE parent_id = ? ORDER BY id LIMIT 1`, []any{x.city}},
		{&unit, `SELECT pu.unit_id FROM project_units pu JOIN units u ON u.id = pu.unit_id WHERE u.parent_id = ?
			GROUP BY pu.unit_id ORDER BY COUNT(*) DESC, pu.unit_id LIMIT 1`, nil},
	} {
		if q.dst == &unit {
			q.args = []any{district}
		}
		if err := r.queryRow(ctx, q.sql, q.args...).Scan(q.dst); err != nil {
			b.Fatal(err)
		}
	}
	x.office = ding.WithActor(ctx, &ding.Actor{UserID: 999_999, Username: "bench-office", UnitID: x.city, Role: ding.RoleOffice, Scope: ding.ScopeUnitTree})
	x.province = ding.WithActor(ctx, &ding.Actor{UserID: 999_997, Username: "bench-province", UnitID: root, Role: ding.RoleOffice, Scope: ding.ScopeUnitTree})
	x.district = ding.WithActor(ctx, &ding.Actor{UserID: 999_996, Username: "bench-district", UnitID: district, Role: ding.RoleOffice, Scope: ding.ScopeUnitTree})
	x.liaison = ding.WithActor(ctx, &ding.Actor{UserID: 999_995, Username: "bench-liaison", UnitID: unit, Role: ding.RoleLiaison, Scope: ding.ScopeUnit})
	x.admin = ding.WithActor(ctx, &ding.Actor{UserID: 999_998, Username: "bench-admin", UnitID: 1, Role: ding.RoleAdmin, Scope: ding.ScopeAll})
	ps, _, err := db.FindProjects(x.office, listFilter)
	if err != nil || len(ps) == 0 {
		b.Fatalf("list: %d %v", len(ps), err)
	}
	x.project = ps[len(ps)/2].ID
	bigDBs[engine] = x
	return x
}

// loopMedian runs fn in the benchmark loop and reports the median iteration.
func loopMedian(b *testing.B, fn func() error) {
	b.Helper()
	var ds []time.Duration
	for b.Loop() {
		t := time.Now()
		if err := fn(); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(t))
	}
	reportMedian(b, ds)
}

func reportMedian(b *testing.B, ds []time.Duration) {
	if len(ds) == 0 {
		return
	}
	slices.Sort(ds)
	b.ReportMetric(float64(ds[len(ds)/2].Microseconds())/1000, "median-ms")
}

// drain reads every row of a query without decoding it: the floor's "read the rows".
func drain(rows *sql.Rows, err error) (int, error) {
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	dst := make([]any, len(cols))
	for i := range dst {
		dst[i] = new(sql.RawBytes)
	}
	n := 0
	for rows.Next() {
		if err := rows.Scan(dst...); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

// benchList runs a list of projects through the store and as bare SQL.
func benchList(b *testing.B, ctxOf func(*bigDB) context.Context, f ding.ProjectFilter) {
	for _, e := range bigEngines(b) {
		x := openBig(b, e)
		ctx := ctxOf(x)
		_, want, err := x.db.FindProjects(ctx, f)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(e+"/store", func(b *testing.B) {
			loopMedian(b, func() error {
				ps, tot, err := x.db.FindProjects(ctx, f)
				if err == nil && (tot != want || len(ps) != min(f.Limit, max(want.Count-f.Offset, 0))) {
					err = fmt.Errorf("%d rows, totals %+v, want %+v", len(ps), tot, want)
				}
				return err
			})
			b.ReportMetric(float64(want.Count), "projects")
		})
		b.Run(e+"/floor", func(b *testing.B) {
			// The SELECTs FindProjects runs: whether the scope is the whole tree, the totals of
			// the filtered set, and the page (read along the sort's index or sorted, as the
			// totals decide).
			r := x.db.reader()
			a, err := listActor(ctx, r, ding.ActorFrom(ctx), f)
			if err != nil {
				b.Fatal(err)
			}
			totals := projectTotalsQuery(x.db.dialect, a, f, f.Year)
			tot := listTotals{ProjectTotals: want}
			if err := r.queryRow(ctx, totals.sql, totals.args...).Scan(&tot.Count, &tot.TotalInvestment, &tot.PlanYear, &tot.CompletedYTD, &tot.positive); err != nil {
				b.Fatal(err)
			}
			pageQ := projectPageQuery(x.db.dialect, a, f, f.Year, tot)
			totalsSQL, pageSQL := x.db.rebind(totals.sql), x.db.rebind(pageQ.sql)
			unit := ding.ActorFrom(ctx)
			loopMedian(b, func() error {
				if unit != nil && unit.Scope == ding.ScopeUnitTree {
					if _, err := treeCoversAll(ctx, r, unit.UnitID); err != nil {
						return err
					}
				}
				if _, err := drain(x.db.read.QueryContext(ctx, totalsSQL, totals.args...)); err != nil {
					return err
				}
				n, err := drain(x.db.read.QueryContext(ctx, pageSQL, pageQ.args...))
				if err == nil && n != min(f.Limit, max(want.Count-f.Offset, 0)) {
					err = fmt.Errorf("floor: %d rows", n)
				}
				return err
			})
		})
	}
}

// BenchmarkProjectsList (a): the city office's list, stage in (开工, 竣工, 投产) within its
// ~300-unit subtree, by total investment, 50 a page, with the totals of the filtered set.
func BenchmarkProjectsList(b *testing.B) {
	benchList(b, func(x *bigDB) context.Context { return x.office }, listFilter)
}

// BenchmarkProjectsListAll (b): an administrator's list with no filter: the first 50 of
// the province by total investment, with the whole province's totals.
func BenchmarkProjectsListAll(b *testing.B) {
	benchList(b, func(x *bigDB) context.Context { return x.admin },
		ding.ProjectFilter{Year: 2024, Sort: "total_investment", Desc: true, Limit: 50})
}

// BenchmarkProjectsListScopes: the list of each office (province: the only root's subtree,
// which reads as the scope "all"; city; district; a liaison's unit) with the filters of the
// month-end load: none; 开工/竣工/投产 by investment; by this year's completed, largest first,
// page 2; 签约 by investment; red.
func BenchmarkProjectsListScopes(b *testing.B) {
	filters := []struct {
		name string
		f    ding.ProjectFilter
	}{
		{"none", ding.ProjectFilter{Year: 2024, Limit: 50}},
		{"started", listFilter},
		{"ytd-page2", ding.ProjectFilter{Year: 2024, Sort: "completed_ytd", Desc: true, Limit: 50, Offset: 50}},
		{"signed", ding.ProjectFilter{Year: 2024, Stages: []ding.Stage{ding.StageSigned}, Sort: "total_investment", Desc: true, Limit: 50}},
		{"red", ding.ProjectFilter{Year: 2024, Colour: "red", Limit: 50}},
	}
	scopes := []struct {
		name string
		ctx  func(*bigDB) context.Context
	}{
		{"province", func(x *bigDB) context.Context { return x.province }},
		{"city", func(x *bigDB) context.Context { return x.office }},
		{"district", func(x *bigDB) context.Context { return x.district }},
		{"liaison", func(x *bigDB) context.Context { return x.liaison }},
	}
	for _, sc := range scopes {
		for _, fc := range filters {
			b.Run(sc.name+"/"+fc.name, func(b *testing.B) { benchList(b, sc.ctx, fc.f) })
		}
	}
}

// BenchmarkProjectsPage (c): what a project page reads, as the city office: the project,
// its team, its timeline, its last 12 reports with their cumulative figures, plan against
// actual by month, and its annual plans.
func BenchmarkProjectsPage(b *testing.B) {
	for _, e := range bigEngines(b) {
		x := openBig(b, e)
		ctx, id := x.office, x.project
		b.Run(e+"/store", func(b *testing.B) {
			loopMedian(b, func() error {
				if _, err := x.db.FindProjectByID(ctx, id); err != nil {
					return err
				}
				if team, err := x.db.FindTeam(ctx, id); err != nil || len(team) == 0 {
					return fmt.Errorf("team %v %v", team, err)
				}
				if _, err := x.db.StageHistory(ctx, id); err != nil {
					return err
				}
				if rs, _, err := x.db.FindReports(ctx, ReportFilter{ProjectID: id, CurrentOnly: true, Limit: 12}); err != nil || len(rs) != 12 {
					return fmt.Errorf("reports %d %v", len(rs), err)
				}
				if _, err := x.db.ProjectMonths(ctx, id, 2024); err != nil {
					return err
				}
				_, err := x.db.FindPlans(ctx, id)
				return err
			})
		})
		b.Run(e+"/floor", func(b *testing.B) {
			// One SELECT per part of the page; the months of every year give both the
			// chart and the reports' cumulative figures.
			w := projectWhere(ding.ActorFrom(ctx), ding.ProjectFilter{ID: id})
			projectQ := x.db.rebind(`SELECT ` + projectCols + projectFrom + w.String())
			projectArgs := append([]any{2024}, w.args...)
			teamQ := x.db.rebind(`SELECT pu.project_id, pu.unit_id, un.name, pu.role, pu.contact_name, pu.contact_phone, pu.duty
		FROM project_units pu JOIN units un ON un.id = pu.unit_id
		WHERE pu.project_id = ? ORDER BY CASE pu.role WHEN 'lead' THEN 0 ELSE 1 END, un.depth, un.sort_order, un.id`)
			stagesQ := x.db.rebind(`SELECT id, project_id, from_stage, to_stage, on_date, reason, actor_name, created_at
		FROM project_stage_changes WHERE project_id = ? ORDER BY id`)
			reportsQ := x.db.rebind(`SELECT ` + reportCols + ` FROM progress_reports r JOIN projects p ON p.id = r.project_id
		WHERE r.project_id = ? AND r.is_current = TRUE ORDER BY r.period_end DESC, r.version DESC, r.id DESC LIMIT 12`)
			monthsQ := x.db.rebind(`SELECT year, month, planned, completed FROM project_months WHERE project_id = ?`)
			plansQ := x.db.rebind(`SELECT project_id, year, total, ` + monthCols + `, goal FROM project_plans WHERE project_id = ? ORDER BY year DESC`)
			var ids []int64
			rows, err := x.db.read.QueryContext(ctx, reportsQ, id)
			if err != nil {
				b.Fatal(err)
			}
			for rows.Next() {
				rep, err := scanReport(rows)
				if err != nil {
					b.Fatal(err)
				}
				ids = append(ids, rep.ID)
			}
			rows.Close()
			photoArgs := make([]any, len(ids))
			for i, v := range ids {
				photoArgs[i] = v
			}
			photosQ := x.db.rebind(`SELECT id, report_id, hash, name, mime, size FROM report_photos WHERE report_id IN (` +
				strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ") + `) ORDER BY report_id, id`)
			loopMedian(b, func() error {
				n, err := drain(x.db.read.QueryContext(ctx, projectQ, projectArgs...))
				if err != nil || n != 1 {
					return fmt.Errorf("project: %d %v", n, err)
				}
				for _, q := range []string{teamQ, stagesQ, reportsQ, monthsQ, plansQ} {
					if _, err := drain(x.db.read.QueryContext(ctx, q, id)); err != nil {
						return err
					}
				}
				_, err = drain(x.db.read.QueryContext(ctx, photosQ, photoArgs...))
				return err
			})
		})
	}
}

// BenchmarkProjectsImport (d): a 10,000-row progress sheet (one month of 10,000 projects,
// corrections of 2024-12 with new figures, approved at once) imported by an
// administrator: the preview, then the commit, as the import page does. Each iteration
// writes a new version of those reports, so the data set grows by 10,000 rows per run.
// Memory: peak-heap-MB is the highest Go heap (heap objects, sampled every 5 ms) during the
// import above the heap before it (runtime/metrics); peak-rss-MB is the process's peak resident set (Linux
// VmHWM, reset before each iteration), which also counts SQLite's own allocations.
func BenchmarkProjectsImport(b *testing.B) {
	const rows = 10_000
	for _, e := range bigEngines(b) {
		x := openBig(b, e)
		b.Run(e, func(b *testing.B) {
			ctx := context.Background()
			rs, err := x.db.read.QueryContext(ctx, x.db.rebind(`SELECT code FROM projects ORDER BY id LIMIT ?`), rows)
			if err != nil {
				b.Fatal(err)
			}
			var codes []string
			for rs.Next() {
				var c string
				if err := rs.Scan(&c); err != nil {
					b.Fatal(err)
				}
				codes = append(codes, c)
			}
			rs.Close()
			if len(codes) < rows {
				b.Skipf("the data set has %d projects, fewer than %d", len(codes), rows)
			}
			var ds []time.Duration
			var peakHeap, peakRSS uint64
			iter := 0
			for b.Loop() {
				b.StopTimer()
				iter++
				nonce := time.Now().UnixNano()
				batch := ImportBatch{Source: "bench.xlsx", Approve: true}
				for i, c := range codes {
					v := int64(1+(nonce/7+int64(i)*31)%50_000) * 10_000
					batch.Reports = append(batch.Reports, ImportReport{Row: i + 4, Code: c, Report: ding.ProgressReport{
						Period: "2024-12", Completed: v, ProgressText: "主体结构施工（导入更正）", ProgressPct: int(nonce % 90), Problems: "", NextSteps: "按计划推进"}})
				}
				runtime.GC()
				base := heapBytes()
				resetPeakRSS()
				stop := make(chan struct{})
				peak := make(chan uint64)
				go func() {
					// runtime/metrics, not ReadMemStats: no stop-the-world every sample.
					var hi uint64
					t := time.NewTicker(5 * time.Millisecond)
					defer t.Stop()
					for {
						select {
						case <-stop:
							peak <- hi
							return
						case <-t.C:
							hi = max(hi, heapBytes())
						}
					}
				}()
				b.StartTimer()
				t0 := time.Now()
				res, err := x.db.Import(x.admin, batch, false)
				if err != nil || len(res.Errors) > 0 || res.Reports != rows || res.Committed {
					b.Fatalf("preview: %+v %v", res, err)
				}
				res, err = x.db.Import(x.admin, batch, true)
				if err != nil || !res.Committed || res.Reports != rows {
					b.Fatalf("commit: %+v %v", res, err)
				}
				ds = append(ds, time.Since(t0))
				b.StopTimer()
				close(stop)
				if hi := <-peak; hi > base {
					peakHeap = max(peakHeap, hi-base)
				}
				peakRSS = max(peakRSS, readPeakRSS())
				b.StartTimer()
			}
			reportMedian(b, ds)
			b.ReportMetric(float64(peakHeap)/(1<<20), "peak-heap-MB")
			if peakRSS > 0 {
				b.ReportMetric(float64(peakRSS)/(1<<20), "peak-rss-MB")
			}
		})
	}
}

// heapBytes is the memory of live and not yet swept heap objects.
func heapBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// resetPeakRSS resets the kernel's peak resident set of the process (Linux; elsewhere a
// no-op).
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// readPeakRSS returns VmHWM in bytes, or 0 where /proc is not there.
func readPeakRSS() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

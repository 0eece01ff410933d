package store

import (
	"context"
	"os"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"ding"
)

// Benchmarks of the warnings board's reads (FindWarningBoard, the first page of
// FindWarnings, CountEscalations) for the province office (unit tree of the root), a city's
// office, a district leader and a town liaison, each beside the reads as they were before
// migration 0016 (…/old, warnings_read_old_test.go). On the generated province of the
// other benchmarks (DING_BENCH_BIG=1, see bench_projects_test.go), or on a database made
// by "ding gen" and "ding warn recompute":
//
//	ding gen --data /tmp/g --projects 20000 --quiet && ding warn recompute --data /tmp/g --date 2024-12-20
//	DING_WARNREAD_DB=/tmp/g/ding.db go test -run XXX -bench WarnRead -benchtime 20x ./store
//
// DING_WARNREAD_DB may also be a PostgreSQL DSN. The clock is set to benchNow (2024-12-20).

type warnReadDB struct {
	db     *DB
	actors []warnReadActor
}

type warnReadActor struct {
	name string
	ctx  context.Context
}

var (
	warnReadMu  sync.Mutex
	warnReadDBs = map[string]*warnReadDB{}
)

// warnReadOpen opens the databases to run on: DING_WARNREAD_DB, else the generated
// province of every engine (with its first warning pass).
func warnReadOpen(b *testing.B) map[string]*warnReadDB {
	b.Helper()
	warnReadMu.Lock()
	defer warnReadMu.Unlock()
	if len(warnReadDBs) > 0 {
		return warnReadDBs
	}
	ctx := context.Background()
	dbs := map[string]*DB{}
	if target := os.Getenv("DING_WARNREAD_DB"); target != "" {
		db, err := Open(ctx, target)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
		// As "ding serve" does at its start: planner statistics of the tables the warning
		// pass filled.
		if err := db.Optimize(ctx); err != nil {
			b.Fatal(err)
		}
		dbs[string(db.dialect)] = db
	} else {
		for _, e := range bigEngines(b) {
			x, _ := warnBig(b, e)
			dbs[e] = x.db
		}
	}
	for e, db := range dbs {
		db.Now = func() time.Time { return benchNow }
		x := &warnReadDB{db: db}
		r := db.reader()
		var root, city, district, leaf, leader int64
		for _, q := range []struct {
			q   string
			dst *int64
		}{
			{`SELECT id FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1`, &root},
			{`SELECT id FROM units WHERE depth = 1 ORDER BY id LIMIT 1`, &city},
			{`SELECT id FROM units WHERE depth = 2 ORDER BY id LIMIT 1`, &district},
			{`SELECT u.id FROM units u WHERE depth = 3 ORDER BY (SELECT COUNT(*) FROM project_units pu WHERE pu.unit_id = u.id) DESC, u.id LIMIT 1`, &leaf},
			{`SELECT COALESCE(MIN(leader_id), 0) FROM projects WHERE unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ?)`, &leader},
		} {
			var args []any
			if q.dst == &leader {
				args = []any{district}
			}
			if err := r.queryRow(ctx, q.q, args...).Scan(q.dst); err != nil {
				b.Fatal(err)
			}
		}
		actor := func(name string, a *ding.Actor) {
			x.actors = append(x.actors, warnReadActor{name, ding.WithActor(ctx, a)})
		}
		actor("province", &ding.Actor{UserID: 999_990, Username: "bench-province", UnitID: root, Role: ding.RoleOffice, Scope: ding.ScopeUnitTree})
		actor("city", &ding.Actor{UserID: 999_991, Username: "bench-city", UnitID: city, Role: ding.RoleOffice, Scope: ding.ScopeUnitTree})
		actor("district", &ding.Actor{UserID: leader, Username: "bench-leader", UnitID: district, Role: ding.RoleLeader, Scope: ding.ScopeUnitTree})
		actor("town", &ding.Actor{UserID: 999_993, Username: "bench-liaison", UnitID: leaf, Role: ding.RoleLiaison, Scope: ding.ScopeUnit})
		actor("admin", &ding.Actor{UserID: 999_994, Username: "bench-admin", UnitID: root, Role: ding.RoleAdmin, Scope: ding.ScopeAll})
		warnReadDBs[e] = x
	}
	return warnReadDBs
}

// BenchmarkWarnRead: one view of the board's store reads (the board, the first page of
// 50, the escalation counts), per actor, now and as before 0016.
func BenchmarkWarnRead(b *testing.B) {
	for e, x := range warnReadOpen(b) {
		db := x.db
		for _, a := range x.actors {
			// The rollups are brought up to date once, as the first view after a pass would.
			if _, err := db.FindWarningBoard(a.ctx, 0); err != nil {
				b.Fatal(err)
			}
			for _, c := range []struct {
				name string
				fn   func(ctx context.Context) error
			}{
				{"board", func(ctx context.Context) error { _, err := db.FindWarningBoard(ctx, 0); return err }},
				{"board/old", func(ctx context.Context) error { _, err := oldFindWarningBoard(db, ctx, 0); return err }},
				{"list", func(ctx context.Context) error {
					_, _, err := db.FindWarnings(ctx, WarningFilter{Limit: 50})
					return err
				}},
				{"list/old", func(ctx context.Context) error {
					cs, today := warnReadConf(b, db, ctx)
					_, _, err := oldFindWarnings(ctx, db.reader(), ding.ActorFrom(ctx), WarningFilter{Limit: 50}, cs, today)
					return err
				}},
				{"list-page20", func(ctx context.Context) error {
					_, _, err := db.FindWarnings(ctx, WarningFilter{Limit: 50, Offset: 950})
					return err
				}},
				{"list-page20/old", func(ctx context.Context) error {
					cs, today := warnReadConf(b, db, ctx)
					_, _, err := oldFindWarnings(ctx, db.reader(), ding.ActorFrom(ctx), WarningFilter{Limit: 50, Offset: 950}, cs, today)
					return err
				}},
				{"escalations", func(ctx context.Context) error { _, err := db.CountEscalations(ctx); return err }},
				{"escalations/old", func(ctx context.Context) error { _, err := oldCountEscalations(db, ctx); return err }},
			} {
				b.Run(e+"/"+a.name+"/"+c.name, func(b *testing.B) {
					loopCPU(b, func() error { return c.fn(a.ctx) })
				})
			}
		}
	}
}

// loopCPU is loopMedian that also reports the median CPU time of the process per
// iteration (cpu-ms): on a loaded machine the wall time counts the waits for a core.
func loopCPU(b *testing.B, fn func() error) {
	b.Helper()
	var ds, cs []time.Duration
	for b.Loop() {
		c0 := cpuTime()
		t := time.Now()
		if err := fn(); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(t))
		cs = append(cs, cpuTime()-c0)
	}
	reportMedian(b, ds)
	if len(cs) > 0 {
		slices.Sort(cs)
		b.ReportMetric(float64(cs[len(cs)/2].Microseconds())/1000, "cpu-ms")
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func warnReadConf(b *testing.B, db *DB, ctx context.Context) (ding.ColourScheme, ding.Date) {
	cs, err := getColours(ctx, db.reader())
	if err != nil {
		b.Fatal(err)
	}
	today, err := db.WarningToday(ctx)
	if err != nil {
		b.Fatal(err)
	}
	return cs, today
}

// BenchmarkWarnReadRebuild: what the first read after the nightly pass pays, when every
// unit's escalation rollups (…/escalations) or every project's team_reach (…/reach, after a
// bulk load or the migration) wait for a rebuild.
func BenchmarkWarnReadRebuild(b *testing.B) {
	ctx := context.Background()
	for e, x := range warnReadOpen(b) {
		db := x.db
		for _, c := range []struct {
			name, mark string
			fn         func() error
		}{
			{"escalations", `INSERT INTO rollup_escalations_dirty (unit_id) SELECT id FROM units WHERE id NOT IN (SELECT unit_id FROM rollup_escalations_dirty)`,
				func() error { return db.refreshEscalationRollups(ctx, &leadScope{all: true}) }},
			{"reach", `INSERT INTO team_reach_dirty (project_id) SELECT id FROM projects WHERE id NOT IN (SELECT project_id FROM team_reach_dirty)`,
				func() error { return db.refreshTeamReach(ctx) }},
		} {
			b.Run(e+"/"+c.name, func(b *testing.B) {
				var ds, cs []time.Duration
				for b.Loop() {
					b.StopTimer()
					if _, err := db.write.ExecContext(ctx, c.mark); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
					c0, t := cpuTime(), time.Now()
					if err := c.fn(); err != nil {
						b.Fatal(err)
					}
					ds, cs = append(ds, time.Since(t)), append(cs, cpuTime()-c0)
				}
				reportMedian(b, ds)
				slices.Sort(cs)
				b.ReportMetric(float64(cs[len(cs)/2].Microseconds())/1000, "cpu-ms")
			})
		}
	}
}

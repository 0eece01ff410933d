package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ding"
	"ding/auth"
	"ding/store"
	"ding/store/storetest"
)

// TestJobsRunOnceAcrossServers: three servers on one database look for due jobs every
// few milliseconds; each slot (the hour's housekeeping, the day's warning pass) runs on
// exactly one of them, once, and the next hour's housekeeping runs once more.
func TestJobsRunOnceAcrossServers(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			dsn := storetest.DSN(t, e)
			var clock atomic.Int64
			clock.Store(time.Date(2026, 11, 30, 2, 10, 0, 0, ding.Shanghai).UnixNano())
			now := func() time.Time { return time.Unix(0, clock.Load()) }
			ctx, cancel := context.WithCancel(context.Background())
			var servers []*Main
			done := make(chan error, 3)
			for range 3 {
				cfg := defaultConfig()
				cfg.DataDir, cfg.DatabaseURL, cfg.Addr = t.TempDir(), dsn, "127.0.0.1:0"
				m := &Main{Config: cfg, Out: io.Discard, Hasher: auth.FastHasher, jobTick: 5 * time.Millisecond}
				m.onOpen = func(db *store.DB) { db.Now = now }
				if err := m.Open(ctx); err != nil {
					t.Fatal(err)
				}
				servers = append(servers, m)
			}
			for _, m := range servers {
				go func() { done <- m.Serve(ctx) }()
			}
			defer func() {
				cancel()
				for range servers {
					<-done
				}
				for _, m := range servers {
					m.Close()
				}
			}()
			sys := ding.WithActor(context.Background(), ding.SystemActor("test"))
			runs := func() []store.JobRun {
				rs, err := servers[0].DB.FindJobRuns(sys, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), 0)
				if err != nil {
					t.Fatal(err)
				}
				return rs
			}
			waitFinished := func(n int) []store.JobRun {
				deadline := time.Now().Add(20 * time.Second)
				for {
					rs := runs()
					finished := 0
					for _, r := range rs {
						if r.FinishedAt != nil {
							finished++
						}
					}
					if finished >= n {
						return rs
					}
					if time.Now().After(deadline) {
						t.Fatalf("%d of %d runs finished: %+v", finished, n, rs)
					}
					time.Sleep(10 * time.Millisecond)
				}
			}
			waitFinished(2)
			time.Sleep(200 * time.Millisecond) // dozens more looks by each server
			rs := runs()
			slots := map[string]store.JobRun{}
			for _, r := range rs {
				slots[r.Name+" "+r.Slot] = r
			}
			if len(rs) != 2 || slots["housekeeping 2026-11-30T02"].Attempts != 1 || slots["warnings.nightly 2026-11-30"].Attempts != 1 {
				t.Fatalf("runs after the first hour: %+v", rs)
			}
			// The next hour: housekeeping once more, the warning pass not again that day.
			clock.Add(int64(time.Hour))
			waitFinished(3)
			time.Sleep(200 * time.Millisecond)
			rs = runs()
			if len(rs) != 3 || rs[0].Name != "housekeeping" || rs[0].Slot != "2026-11-30T03" || rs[0].Attempts != 1 {
				t.Fatalf("runs after the second hour: %+v", rs)
			}
		})
	}
}

// TestJobsRebuildRollups: every look rebuilds the dashboards' rollups that writes left
// dirty, and the nightly warning pass's job rebuilds them after the pass itself, so that
// the first dashboard finds nothing to rebuild.
func TestJobsRebuildRollups(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			cfg := defaultConfig()
			cfg.DataDir, cfg.DatabaseURL, cfg.Addr, cfg.LogLevel = t.TempDir(), storetest.DSN(t, e), "127.0.0.1:0", "warn"
			var clock atomic.Int64
			clock.Store(time.Date(2026, 11, 30, 0, 30, 0, 0, ding.Shanghai).UnixNano()) // before the nightly pass's hour
			m := &Main{Config: cfg, Out: io.Discard, Hasher: auth.FastHasher}
			m.onOpen = func(db *store.DB) { db.Now = func() time.Time { return time.Unix(0, clock.Load()) } }
			ctx := context.Background()
			if err := m.Open(ctx); err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			sys := ding.WithActor(ctx, ding.SystemActor("test"))
			city := &ding.Unit{Name: "衢州市", Kind: ding.UnitCity, Code: "330800"}
			if err := m.DB.CreateUnit(sys, city); err != nil {
				t.Fatal(err)
			}
			town := &ding.Unit{ParentID: city.ID, Name: "樟潭街道", Kind: ding.UnitTown}
			if err := m.DB.CreateUnit(sys, town); err != nil {
				t.Fatal(err)
			}
			project := func(i int) {
				t.Helper()
				p := &ding.Project{Code: fmt.Sprintf("2301-330803-04-01-00000%d", i), Name: fmt.Sprintf("项目%d", i), UnitID: town.ID, LocationID: town.ID,
					Investor: "private", Industry: "C", TotalInvestment: ding.Yi, Stage: ding.StageSigned,
					SignedOn: ding.Date{Year: 2026, Month: 3, Day: 1}, StageOn: ding.Date{Year: 2026, Month: 3, Day: 1}}
				if err := m.DB.CreateProject(sys, p); err != nil {
					t.Fatal(err)
				}
			}
			dirty := func() int {
				t.Helper()
				n, err := m.DB.DirtyRollups(ctx)
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
			project(1)
			if n := dirty(); n != 1 {
				t.Fatalf("%d units dirty after a project's creation", n)
			}
			// 00:30: the hour's housekeeping, no warning pass; the look rebuilds the unit.
			m.runJobs(ctx)
			if n := dirty(); n != 0 {
				t.Fatalf("%d units dirty after a look", n)
			}
			// 02:10: the warning pass, then its own rebuild.
			project(2)
			clock.Store(time.Date(2026, 11, 30, 2, 10, 0, 0, ding.Shanghai).UnixNano())
			m.runJobs(ctx)
			if n := dirty(); n != 0 {
				t.Fatalf("%d units dirty after the nightly pass", n)
			}
			rs, err := m.DB.FindJobRuns(sys, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), 0)
			if err != nil {
				t.Fatal(err)
			}
			var nightly string
			for _, r := range rs {
				if r.Name == jobNightly && r.FinishedAt != nil {
					nightly = r.Result
				}
			}
			if !regexp.MustCompile(`; rollups of [1-9]\d* units rebuilt in `).MatchString(nightly) {
				t.Fatalf("the nightly run: %q (runs %+v)", nightly, rs)
			}
			if d, err := m.DB.DashboardFor(sys, city.ID, 2026, 11); err != nil || d.Projects != 2 || d.Signed1 != 2 {
				t.Fatalf("dashboard: %+v %v", d, err)
			}
		})
	}
}

// TestSessionKeyShared: servers sharing a data directory and starting at once end up with
// one session key (each would otherwise log out the others' users).
func TestSessionKeyShared(t *testing.T) {
	dir := t.TempDir()
	keys := make(chan string, 16)
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			c := defaultConfig()
			c.DataDir = dir
			k, err := c.sessionKey()
			if err != nil {
				t.Error(err)
			}
			keys <- string(k)
		})
	}
	wg.Wait()
	close(keys)
	seen := map[string]bool{}
	for k := range keys {
		seen[k] = true
	}
	if len(seen) != 1 {
		t.Fatalf("%d different keys", len(seen))
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".session.key-*"))
	if len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}

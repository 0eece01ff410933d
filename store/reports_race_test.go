package store_test

import (
	"sort"
	"sync"
	"testing"

	"ding"
	"ding/store"
	"ding/store/storetest"
)

// TestSubmitReportConcurrent: reports for the same project and period submitted at the
// same moment all succeed, each as the next version; exactly one (the last) is current,
// and the figures are those of the current version. On PostgreSQL the submissions run in
// parallel transactions (SQLite serialises them on its single writer).
func TestSubmitReportConcurrent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := mkProjects(t, db)
		const n = 8
		reps := make([]*ding.ProgressReport, n)
		errs := make([]error, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range n {
			reps[i] = &ding.ProgressReport{ProjectID: f.p.ID, Period: "2024-05", Completed: int64(i+1) * 100_0000, ProgressText: "并发", ProgressPct: 10 + i}
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				errs[i] = db.SubmitReport(userCtx(f.liA), reps[i], nil)
			}()
		}
		close(start)
		wg.Wait()
		var versions []int
		var last *ding.ProgressReport
		for i, err := range errs {
			if err != nil {
				t.Fatalf("submission %d: %v", i, err)
			}
			versions = append(versions, reps[i].Version)
			if reps[i].Version == n {
				last = reps[i]
			}
		}
		sort.Ints(versions)
		for i, v := range versions {
			if v != i+1 {
				t.Fatalf("versions %v, want 1..%d", versions, n)
			}
		}
		all, total, err := db.FindReports(userCtx(f.office), store.ReportFilter{ProjectID: f.p.ID, Period: "2024-05"})
		if err != nil || total != n || len(all) != n {
			t.Fatalf("reports: %d %d %v", total, len(all), err)
		}
		current := 0
		for _, r := range all {
			if r.Current {
				current++
				if r.ID != last.ID || r.Version != n {
					t.Fatalf("current is version %d (id %d), want version %d (id %d)", r.Version, r.ID, n, last.ID)
				}
			}
		}
		if current != 1 {
			t.Fatalf("%d current versions", current)
		}
		p, err := db.FindProjectByID(userCtx(f.office), f.p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.CompletedYTD != last.Completed || p.ProgressPct != last.ProgressPct {
			t.Fatalf("figures %d%% %d, want those of the last version %d%% %d", p.ProgressPct, p.CompletedYTD, last.ProgressPct, last.Completed)
		}
	})
}

// TestReviewWhileSubmitting: reviews of a version racing with submissions of the next ones
// neither deadlock nor fail otherwise: each review either lands on the version while it is
// current and still submitted, or is refused as not reviewable; every submission succeeds.
func TestReviewWhileSubmitting(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := mkProjects(t, db)
		first := &ding.ProgressReport{ProjectID: f.p.ID, Period: "2024-05", Completed: 100_0000, ProgressText: "v1", ProgressPct: 10}
		if err := db.SubmitReport(userCtx(f.liA), first, nil); err != nil {
			t.Fatal(err)
		}
		const n = 4
		subs := make([]*ding.ProgressReport, n)
		subErrs, revErrs := make([]error, n), make([]error, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range n {
			subs[i] = &ding.ProgressReport{ProjectID: f.p.ID, Period: "2024-05", Completed: int64(i+2) * 100_0000, ProgressText: "next", ProgressPct: 20}
			wg.Add(2)
			go func() {
				defer wg.Done()
				<-start
				subErrs[i] = db.SubmitReport(userCtx(f.liA), subs[i], nil)
			}()
			go func() {
				defer wg.Done()
				<-start
				_, revErrs[i] = db.ReviewReport(userCtx(f.office), first.ID, true, "同意")
			}()
		}
		close(start)
		wg.Wait()
		seen := map[int]bool{}
		for i := range n {
			if subErrs[i] != nil {
				t.Fatalf("submission %d: %v", i, subErrs[i])
			}
			if v := subs[i].Version; v < 2 || v > n+1 || seen[v] {
				t.Fatalf("submission %d got version %d (seen %v)", i, v, seen)
			}
			seen[subs[i].Version] = true
		}
		approved := 0
		for i, err := range revErrs {
			switch {
			case err == nil:
				approved++
			case ding.AsError(err).Key != "report.not_reviewable":
				t.Fatalf("review %d: %v", i, err)
			}
		}
		if approved > 1 {
			t.Fatalf("%d reviews approved the same version", approved)
		}
		got, err := db.FindReportByID(userCtx(f.office), first.ID)
		if err != nil || got.Current || (approved == 1) != (got.Status == ding.ReportApproved) {
			t.Fatalf("first version after the race: %+v %v (approved %d)", got, err, approved)
		}
	})
}

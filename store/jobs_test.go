package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ding"
	"ding/store"
	"ding/store/storetest"
)

// TestJobClaims: of servers racing for a slot exactly one wins; a finished run is never
// claimed again; an unfinished run is taken over only after its owner's lease; a failed
// run is released at once for a retry; only administrators read the runs.
func TestJobClaims(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)
		var clock atomic.Int64
		clock.Store(now.UnixNano())
		db.Now = func() time.Time { return time.Unix(0, clock.Load()).UTC() }
		advance := func(d time.Duration) { clock.Add(int64(d)) }

		// Eight servers race for one slot.
		var wins atomic.Int32
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := db.ClaimJob(ctx, store.Job{Name: "warnings.nightly", Slot: "2026-11-30", Owner: fmt.Sprintf("s%d", i), Lease: time.Minute})
				if err != nil {
					t.Error(err)
				}
				if ok {
					wins.Add(1)
				}
			}()
		}
		wg.Wait()
		if wins.Load() != 1 {
			t.Fatalf("%d servers won the slot", wins.Load())
		}
		runs, err := db.FindJobRuns(ding.WithActor(ctx, ding.SystemActor("t")), now.Add(-time.Hour), 0)
		if err != nil || len(runs) != 1 || runs[0].Attempts != 1 || runs[0].FinishedAt != nil {
			t.Fatalf("runs %+v %v", runs, err)
		}
		owner := runs[0].Owner
		j := store.Job{Name: "warnings.nightly", Slot: "2026-11-30", Owner: owner, Lease: time.Minute}
		other := j
		other.Owner = "latecomer"

		// Within the lease nobody else takes it; the owner renews; after the lease runs out
		// with no renewal, another server takes the unfinished run over.
		advance(50 * time.Second)
		if ok, _ := db.ClaimJob(ctx, other); ok {
			t.Fatal("claimed within the owner's lease")
		}
		if ok, err := db.ExtendJob(ctx, j); !ok || err != nil {
			t.Fatalf("renew: %v %v", ok, err)
		}
		advance(50 * time.Second)
		if ok, _ := db.ClaimJob(ctx, other); ok {
			t.Fatal("claimed within the renewed lease")
		}
		advance(11 * time.Second)
		if ok, err := db.ClaimJob(ctx, other); !ok || err != nil {
			t.Fatalf("take over a dead owner's run: %v %v", ok, err)
		}
		// The dead owner, if it was only slow, finds out: it can neither renew nor finish.
		if ok, _ := db.ExtendJob(ctx, j); ok {
			t.Fatal("the old owner renewed a run taken over")
		}
		if ok, _ := db.FinishJob(ctx, j, "late", nil); ok {
			t.Fatal("the old owner finished a run taken over")
		}
		if ok, err := db.FinishJob(ctx, other, "100000 projects", nil); !ok || err != nil {
			t.Fatalf("finish: %v %v", ok, err)
		}
		// A finished run is never claimed again, however late.
		advance(48 * time.Hour)
		if ok, _ := db.ClaimJob(ctx, store.Job{Name: "warnings.nightly", Slot: "2026-11-30", Owner: "third", Lease: time.Minute}); ok {
			t.Fatal("a finished run claimed again")
		}
		runs, _ = db.FindJobRuns(ding.WithActor(ctx, ding.SystemActor("t")), now.Add(-time.Hour), 0)
		if len(runs) != 1 || runs[0].Attempts != 2 || runs[0].Owner != "latecomer" || runs[0].FinishedAt == nil || runs[0].Result != "100000 projects" {
			t.Fatalf("after the takeover %+v", runs)
		}

		// A failed run releases its lease with the error: the next tick retries at once.
		h := store.Job{Name: "housekeeping", Slot: "2026-12-02T03", Owner: "a", Lease: time.Minute}
		ran, err := db.RunJob(ctx, h, func(context.Context) (string, error) { return "", errors.New("disk full") })
		if !ran || err == nil || err.Error() != "disk full" {
			t.Fatalf("failed run: %v %v", ran, err)
		}
		hb := h
		hb.Owner = "b"
		var calls int
		ran, err = db.RunJob(ctx, hb, func(context.Context) (string, error) { calls++; return "ok", nil })
		if !ran || err != nil || calls != 1 {
			t.Fatalf("retry: %v %v %d", ran, err, calls)
		}
		if ran, _ := db.RunJob(ctx, h, func(context.Context) (string, error) { calls++; return "again", nil }); ran || calls != 1 {
			t.Fatal("a finished housekeeping slot ran again")
		}
		runs, _ = db.FindJobRuns(ding.WithActor(ctx, ding.SystemActor("t")), now, 0)
		var hk store.JobRun
		for _, r := range runs {
			if r.Name == "housekeeping" {
				hk = r
			}
		}
		if hk.Attempts != 2 || hk.Owner != "b" || hk.Error != "" || hk.Result != "ok" {
			t.Fatalf("housekeeping run %+v", hk)
		}

		// Only administrators read the runs; bad arguments are refused.
		if _, err := db.FindJobRuns(ding.WithActor(ctx, &ding.Actor{UserID: 5, Role: ding.RoleOffice, Scope: ding.ScopeAll}), now, 0); ding.ErrorCode(err) != ding.EFORBIDDEN {
			t.Fatalf("office reads job runs: %v", err)
		}
		if _, err := db.ClaimJob(ctx, store.Job{Name: "x", Slot: "1", Owner: "a"}); err == nil {
			t.Fatal("a claim without a lease")
		}
	})
}

// TestRunJobLosesLease: a run that cannot renew its lease (it stalled and another server
// took the slot over) has its context cancelled and reports ErrJobLost, and records nothing.
func TestRunJobLosesLease(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var skew atomic.Int64
		db.Now = func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
		j := store.Job{Name: "warnings.nightly", Slot: "2026-12-01", Owner: "slow", Lease: 60 * time.Millisecond}
		ran, err := db.RunJob(ctx, j, func(ctx context.Context) (string, error) {
			// Seen from another server an hour on, this run's lease ran out long ago.
			skew.Store(int64(time.Hour))
			if ok, err := db.ClaimJob(context.Background(), store.Job{Name: j.Name, Slot: j.Slot, Owner: "thief", Lease: 2 * time.Hour}); !ok || err != nil {
				t.Errorf("take over: %v %v", ok, err)
			}
			select {
			case <-ctx.Done():
				return "partial", ctx.Err()
			case <-time.After(10 * time.Second):
				return "", errors.New("the lost run was not cancelled")
			}
		})
		if !ran || !errors.Is(err, store.ErrJobLost) {
			t.Fatalf("want ErrJobLost, got %v %v", ran, err)
		}
		runs, _ := db.FindJobRuns(ding.WithActor(ctx, ding.SystemActor("t")), time.Now().Add(-24*time.Hour), 0)
		if len(runs) != 1 || runs[0].Owner != "thief" || runs[0].FinishedAt != nil || runs[0].Result != "" {
			t.Fatalf("runs %+v", runs)
		}
	})
}

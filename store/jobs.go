package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"ding"
)

// Background jobs across servers (migration 0013). Several ding servers may run on one
// PostgreSQL; the work that must happen once — the nightly warning pass once a day,
// housekeeping once an hour — is coordinated through the database itself, with a row per
// (job, slot) and a lease:
//
//   - ClaimJob inserts the row, or takes it over when its owner's lease ran out before the
//     run finished (the owner died). Both are one statement (an upsert with RETURNING), so
//     two servers racing for a slot cannot both win, on either engine.
//   - The owner renews the lease while it works (RunJob does it every third of the lease)
//     and records the outcome. A finished run is never claimed again: a slot runs once.
//   - A run that failed releases its lease, so that the next tick of any server retries it.
//
// A run is repeated only when its owner died mid-run: the next owner starts it again after
// the lease (Lease, a few minutes). The jobs are written to be repeatable (the warning pass
// converges on the same state; housekeeping deletes what is expired). Advisory locks would
// free a dead owner's slot sooner but exist only on PostgreSQL and hold a connection for
// the length of the job; the lease table works on both engines and keeps the history.
//
// Times are the servers' clocks (db.Now): a deployment's servers must agree to well within
// a lease (NTP).

// JobRun is one slot's run of a job.
type JobRun struct {
	Name       string     `json:"name"`
	Slot       string     `json:"slot"`
	Owner      string     `json:"owner"`
	Attempts   int        `json:"attempts"` // claims: more than one means an owner died or a run failed
	StartedAt  time.Time  `json:"started_at"`
	LeaseUntil time.Time  `json:"lease_until"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
	Result     string     `json:"result,omitempty"`
	Error      string     `json:"error,omitempty"`
}

// Job describes a run to claim: Name and Slot identify it (e.g. "warnings.nightly",
// "2026-11-30"), Owner the server (JobOwner), Lease how long a claim or renewal holds.
type Job struct {
	Name, Slot, Owner string
	Lease             time.Duration
}

// JobOwner names this process for job_runs: host, pid and a random suffix, so that a
// restarted server is a new owner.
func JobOwner() string {
	h, _ := os.Hostname()
	return fmt.Sprintf("%s/%d/%s", h, os.Getpid(), randomHex(3))
}

// ClaimJob takes the run of j for this owner: true when the slot had no run yet, or its
// run is unfinished and its lease has run out.
func (db *DB) ClaimJob(ctx context.Context, j Job) (bool, error) {
	if j.Name == "" || j.Slot == "" || j.Owner == "" || j.Lease <= 0 {
		return false, fmt.Errorf("store: claim job: name, slot, owner and lease are required")
	}
	now := db.Now().UTC()
	rows, err := db.write.QueryContext(ctx, db.rebind(`INSERT INTO job_runs (name, slot, owner, attempts, started_at, lease_until)
		VALUES (?, ?, ?, 1, ?, ?)
		ON CONFLICT (name, slot) DO UPDATE SET owner = excluded.owner, attempts = job_runs.attempts + 1,
			started_at = excluded.started_at, lease_until = excluded.lease_until, error = ''
		WHERE job_runs.finished_at IS NULL AND job_runs.lease_until <= ?
		RETURNING owner`), j.Name, j.Slot, j.Owner, ts(now), ts(now.Add(j.Lease)), ts(now))
	if err != nil {
		return false, db.mapErr(err)
	}
	defer rows.Close()
	won := false
	for rows.Next() {
		var owner string
		if err := rows.Scan(&owner); err != nil {
			return false, db.mapErr(err)
		}
		won = owner == j.Owner
	}
	return won, db.mapErr(rows.Err())
}

// ExtendJob renews the owner's lease; false when the run is no longer its own (the lease
// ran out and another server took it, or it finished).
func (db *DB) ExtendJob(ctx context.Context, j Job) (bool, error) {
	res, err := db.write.ExecContext(ctx, db.rebind(`UPDATE job_runs SET lease_until = ?
		WHERE name = ? AND slot = ? AND owner = ? AND finished_at IS NULL`), ts(db.Now().UTC().Add(j.Lease)), j.Name, j.Slot, j.Owner)
	if err != nil {
		return false, db.mapErr(err)
	}
	n, err := res.RowsAffected()
	return n == 1, db.mapErr(err)
}

// FinishJob records the outcome of the owner's run: finished with its result, or, when
// runErr is set, unfinished with the error and its lease released for a retry. False when
// the run was no longer the owner's.
func (db *DB) FinishJob(ctx context.Context, j Job, result string, runErr error) (bool, error) {
	now := db.Now().UTC()
	var res sql.Result
	var err error
	if runErr != nil {
		res, err = db.write.ExecContext(ctx, db.rebind(`UPDATE job_runs SET lease_until = ?, error = ?
			WHERE name = ? AND slot = ? AND owner = ? AND finished_at IS NULL`), ts(now), truncate(runErr.Error(), 2000), j.Name, j.Slot, j.Owner)
	} else {
		res, err = db.write.ExecContext(ctx, db.rebind(`UPDATE job_runs SET finished_at = ?, result = ?, error = ''
			WHERE name = ? AND slot = ? AND owner = ? AND finished_at IS NULL`), ts(now), truncate(result, 2000), j.Name, j.Slot, j.Owner)
	}
	if err != nil {
		return false, db.mapErr(err)
	}
	n, err := res.RowsAffected()
	return n == 1, db.mapErr(err)
}

// ErrJobLost says that a run lost its lease while it worked (it could not renew it in
// time): another server may have taken the slot over.
var ErrJobLost = errors.New("store: job lease lost")

// RunJob claims j and, when it wins, runs fn while renewing the lease every third of it,
// then records the outcome. ran says whether this call ran fn. If the lease cannot be
// renewed, fn's context is cancelled and RunJob returns ErrJobLost. The renewals and the
// final record use a context that outlives ctx by a few seconds, so that a server shutting
// down still records what it did.
func (db *DB) RunJob(ctx context.Context, j Job, fn func(context.Context) (string, error)) (ran bool, err error) {
	won, err := db.ClaimJob(ctx, j)
	if err != nil || !won {
		return false, err
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var lost bool
	var mu sync.Mutex
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(max(j.Lease/3, 10*time.Millisecond))
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-runCtx.Done():
				return
			case <-t.C:
				ok, err := db.ExtendJob(context.WithoutCancel(runCtx), j)
				if err != nil || !ok {
					mu.Lock()
					lost = true
					mu.Unlock()
					cancel()
					return
				}
			}
		}
	}()
	result, runErr := fn(runCtx)
	close(done)
	mu.Lock()
	wasLost := lost
	mu.Unlock()
	if wasLost {
		return true, ErrJobLost
	}
	rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer rcancel()
	ok, err := db.FinishJob(rctx, j, result, runErr)
	switch {
	case err != nil:
		return true, err
	case !ok:
		return true, ErrJobLost
	}
	return true, runErr
}

// FindJobRuns lists the runs of the last days, newest first (administrators only).
func (db *DB) FindJobRuns(ctx context.Context, since time.Time, limit int) ([]JobRun, error) {
	a := ding.ActorFrom(ctx)
	if a == nil || !a.IsAdmin() {
		return nil, ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	var out []JobRun
	err := scanRows(ctx, db.reader(), `SELECT name, slot, owner, attempts, started_at, lease_until, finished_at, result, error FROM job_runs
		WHERE started_at >= ? ORDER BY started_at DESC, name LIMIT ?`, []any{ts(since.UTC()), limit}, func(rows *sql.Rows) error {
		var r JobRun
		if err := rows.Scan(&r.Name, &r.Slot, &r.Owner, &r.Attempts, timeScan{&r.StartedAt}, timeScan{&r.LeaseUntil}, nullTimeScan{&r.FinishedAt}, &r.Result, &r.Error); err != nil {
			return err
		}
		out = append(out, r)
		return nil
	})
	return out, err
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

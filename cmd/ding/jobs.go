package main

import (
	"context"
	"fmt"
	"time"

	"ding"
	"ding/store"
)

// The background work that must happen once across every server of a deployment, each
// as a job run claimed in the database (store.RunJob; docs/deploy.md):
//
//   - housekeeping, once an hour: expired sessions, delivered notifications older than
//     90 days, the planner's statistics;
//   - the nightly warning pass, once a day after 01:00 Shanghai time, for the calendar
//     (deadlines that pass without any change to a project), then the dashboards' rollups
//     of the units it changed (nearly all of them), so that the first dashboard of the
//     morning does not rebuild them inside its request.
//
// Besides, at every look each server rebuilds the rollups of units left dirty by other
// writes (an import of thousands of rows, a busy hour of reports): not a claimed job —
// the rebuild takes each unit's mark in the transaction that rebuilds it, so servers
// doing it at once share the work — and one indexed read when nothing is dirty.
//
// Every server looks every jobTick (5 minutes); the first to claim a slot runs it, the
// others find it taken. A server that dies mid-run leaves its slot to the next claimant
// after the lease (jobLease), so a slot runs again only then. Notifications are not jobs:
// each server's sender claims rows with leases of their own (notify.Sender).
const (
	defaultJobTick = 5 * time.Minute
	jobLease       = 5 * time.Minute
)

// Job names in job_runs.
const (
	jobHousekeeping = "housekeeping"
	jobNightly      = "warnings.nightly"
)

// housekeeping runs the jobs until ctx ends.
func (m *Main) housekeeping(ctx context.Context) {
	tick := m.jobTick
	if tick <= 0 {
		tick = defaultJobTick
	}
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		m.runJobs(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// runJobs claims and runs the slots that are due now.
func (m *Main) runJobs(ctx context.Context) {
	now := m.DB.Now().In(ding.Shanghai)
	run := func(name, slot string, fn func(context.Context) (string, error)) {
		ran, err := m.DB.RunJob(ctx, store.Job{Name: name, Slot: slot, Owner: m.owner, Lease: jobLease}, fn)
		switch {
		case err != nil && ctx.Err() == nil:
			m.log.Error("job", "name", name, "slot", slot, "err", err)
		case ran && err == nil:
			m.log.Info("job done", "name", name, "slot", slot)
		}
	}
	run(jobHousekeeping, now.Format("2006-01-02T15"), m.housekeep)
	if now.Hour() >= 1 {
		run(jobNightly, now.Format("2006-01-02"), func(ctx context.Context) (string, error) {
			sum, err := m.DB.RecomputeWarnings(ding.WithActor(ctx, ding.SystemActor("nightly")), ding.Date{})
			if err != nil {
				return "", err
			}
			t := time.Now()
			units, err := m.DB.RefreshRollups(ctx)
			if err != nil {
				return "", fmt.Errorf("rollups: %w", err)
			}
			if err := m.DB.RefreshWarningReads(ctx); err != nil { // the board's escalation counts and team reach
				return "", fmt.Errorf("warning reads: %w", err)
			}
			return fmt.Sprintf("%d projects, %d warnings, %d events; rollups of %d units rebuilt in %s", sum.Projects, sum.Warnings, sum.Events(),
				units, time.Since(t).Round(time.Millisecond)), nil
		})
	}
	m.refreshRollups(ctx)
}

// refreshRollups rebuilds the rollups of the units marked dirty since the last look.
func (m *Main) refreshRollups(ctx context.Context) {
	t := time.Now()
	n, err := m.DB.RefreshRollups(ctx)
	switch {
	case err != nil && ctx.Err() == nil:
		m.log.Error("rollups", "err", err, "units", n)
	case n > 0:
		m.log.Info("rollups rebuilt", "units", n, "took", time.Since(t).Round(time.Millisecond))
	}
	if err := m.DB.RefreshWarningReads(ctx); err != nil && ctx.Err() == nil {
		m.log.Error("warning reads", "err", err)
	}
}

// housekeep is the hour's housekeeping.
func (m *Main) housekeep(ctx context.Context) (string, error) {
	if err := m.DB.Optimize(ctx); err != nil {
		return "", fmt.Errorf("optimize: %w", err)
	}
	sessions, err := m.DB.DeleteExpiredSessions(ctx)
	if err != nil {
		return "", fmt.Errorf("delete expired sessions: %w", err)
	}
	// Delivered e-mail and robot rows are kept 90 days; inbox items stay.
	sys := ding.WithActor(ctx, ding.SystemActor("housekeeping"))
	purged, err := m.DB.PurgeNotifications(sys, m.DB.Now().Add(-90*24*time.Hour))
	if err != nil {
		return "", fmt.Errorf("purge notifications: %w", err)
	}
	return fmt.Sprintf("%d expired sessions, %d delivered notifications purged", sessions, purged), nil
}

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
//     (deadlines that pass without any change to a project).
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
			return fmt.Sprintf("%d projects, %d warnings, %d events", sum.Projects, sum.Warnings, sum.Events()), nil
		})
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

package web

import (
	"net/http"
	"strconv"
	"time"

	"ding"
	"ding/store"
)

// Background job runs (store/jobs.go, docs/deploy.md): which server ran the hour's
// housekeeping and the day's warning pass, how often it was claimed, and what came of it.
// Administrators only, as a page under settings and as GET /api/v1/jobs.

func (s *Server) jobRoutes() {
	s.handle("GET /settings/jobs", s.page(s.jobsPage, true))
	s.handle("GET /api/v1/jobs", s.api(s.apiJobs))
}

// jobDays is how far back the runs are listed by default, and at most.
const (
	jobDays    = 7
	jobMaxDays = 90
)

// jobRuns reads ?days= (1–90, default 7) and the runs since then.
func (s *Server) jobRuns(r *http.Request) ([]store.JobRun, int, error) {
	if !reqOf(r).actor.IsAdmin() {
		return nil, 0, ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	days := jobDays
	if v := r.URL.Query().Get("days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > jobMaxDays {
			return nil, 0, ding.FieldError("days", "jobs.days_invalid", jobMaxDays)
		}
		days = n
	}
	runs, err := s.db.FindJobRuns(r.Context(), s.db.Now().Add(-time.Duration(days)*24*time.Hour), 0)
	return runs, days, err
}

// jobLabels name the jobs (cmd/ding/jobs.go) in the user's language.
var jobLabels = map[string]string{
	"housekeeping":     "jobs.name_housekeeping",
	"warnings.nightly": "jobs.name_warnings.nightly",
}

// jobRow is a run as the page shows it.
type jobRow struct {
	store.JobRun
	Label  string
	Status string // done, failed, running, abandoned
}

func (s *Server) jobsPage(w http.ResponseWriter, r *http.Request) error {
	runs, days, err := s.jobRuns(r)
	if err != nil {
		return err
	}
	v := s.view(r, "settings")
	v.Title = v.T("jobs.title")
	v.Crumbs = []crumb{{Label: v.T("settings.title"), URL: "/settings"}, {Label: v.Title}}
	now := s.db.Now()
	rows := make([]jobRow, 0, len(runs))
	for _, run := range runs {
		row := jobRow{JobRun: run, Label: run.Name}
		if key, ok := jobLabels[run.Name]; ok {
			row.Label = v.T(key)
		}
		switch {
		case run.FinishedAt != nil:
			row.Status = "done"
		case run.Error != "":
			row.Status = "failed"
		case run.LeaseUntil.After(now):
			row.Status = "running"
		default:
			row.Status = "abandoned"
		}
		rows = append(rows, row)
	}
	v.Data = map[string]any{"Runs": rows, "Days": days}
	s.render(w, r, "jobs", v)
	return nil
}

func (s *Server) apiJobs(w http.ResponseWriter, r *http.Request) (any, error) {
	runs, _, err := s.jobRuns(r)
	if err != nil {
		return nil, err
	}
	if runs == nil {
		runs = []store.JobRun{}
	}
	return map[string]any{"items": runs, "total": len(runs)}, nil
}

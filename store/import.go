package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"ding"
	"ding/internal/crash"
)

// ImportProject is one project row of an import, with its sheet row number.
type ImportProject struct {
	Row     int
	Project ding.Project
}

// ImportReport is one progress row of an import: the project's code, the report, the row.
type ImportReport struct {
	Row    int
	Code   string
	Report ding.ProgressReport
}

// ImportBatch is what a file brings. Source names it for the audit log.
type ImportBatch struct {
	Source   string
	Approve  bool // reports are approved at once (administrators and the office only)
	Projects []ImportProject
	Reports  []ImportReport
}

// RowError is a problem of one row: the field (the xlsx layer maps it to a column) and the
// error with its message key.
type RowError struct {
	Row   int    `json:"row"`
	Field string `json:"field"`
	Err   error  `json:"-"`
}

// ImportResult says what an import did (commit) or would do (preview).
type ImportResult struct {
	Created          int        `json:"created"`
	Updated          int        `json:"updated"`
	Unchanged        int        `json:"unchanged"`
	Reports          int        `json:"reports"`
	ReportsUnchanged int        `json:"reports_unchanged"`
	Errors           []RowError `json:"errors"`
	Committed        bool       `json:"committed"`
}

// Import applies a batch in one transaction: projects are keyed by 项目代码 (created, or
// updated when a fact differs), reports by code and period (a new version when anything
// differs). Every row is tried, each inside a savepoint, so that all problems are reported
// at once. With commit false, or when any row has a problem, nothing is written: the
// result is the preview. A committed import is audited as one event with its counts, so
// re-importing the same file changes nothing and says so.
func (db *DB) Import(ctx context.Context, b ImportBatch, commit bool) (*ImportResult, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.rollback()
	tx.quiet = true
	tx.reportable = map[int64]*ding.Project{}
	if b.Approve && !(tx.actor.System || tx.actor.Role == ding.RoleAdmin || tx.actor.Role == ding.RoleOffice) {
		return nil, ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	res := &ImportResult{}
	rowErr := func(row int, err error) error {
		e := ding.AsError(err)
		if e.Code == ding.EINTERNAL || e.Code == ding.EUNAVAILABLE {
			return err
		}
		res.Errors = append(res.Errors, RowError{Row: row, Field: e.Field, Err: e})
		return nil
	}
	// inSavepoint runs fn so that a failed row leaves the transaction usable (PostgreSQL
	// aborts a transaction on any failed statement otherwise).
	sp := 0
	inSavepoint := func(fn func() error) error {
		sp++
		name := fmt.Sprintf("row%d", sp)
		if _, err := tx.exec("SAVEPOINT " + name); err != nil {
			return err
		}
		if err := fn(); err != nil {
			if _, e := tx.exec("ROLLBACK TO SAVEPOINT " + name); e != nil {
				return e
			}
			return err
		}
		_, err := tx.exec("RELEASE SAVEPOINT " + name)
		return err
	}
	codes := map[string]int{} // code → first row, to catch duplicates within the file
	for i := range b.Projects {
		row := &b.Projects[i]
		p := row.Project
		if first, dup := codes[p.Code]; dup && p.Code != "" {
			res.Errors = append(res.Errors, RowError{Row: row.Row, Field: "code", Err: ding.FieldError("code", "import.duplicate_code", p.Code, first)})
			continue
		}
		codes[p.Code] = row.Row
		var outcome string
		err := inSavepoint(func() error {
			var err error
			outcome, err = importProject(tx, &p)
			return err
		})
		if err != nil {
			if e := rowErr(row.Row, err); e != nil {
				return nil, e
			}
			continue
		}
		switch outcome {
		case "created":
			res.Created++
		case "updated":
			res.Updated++
		default:
			res.Unchanged++
		}
		crash.Point("import.row") // a project row is written, the transaction open
	}
	type py struct {
		id   int64
		year int
	}
	touched := map[py]bool{}
	periods := map[string]int{}
	for i := range b.Reports {
		row := &b.Reports[i]
		key := row.Code + "|" + row.Report.Period
		if first, dup := periods[key]; dup {
			res.Errors = append(res.Errors, RowError{Row: row.Row, Field: "period", Err: ding.FieldError("period", "import.duplicate_period", row.Code, row.Report.Period, first)})
			continue
		}
		periods[key] = row.Row
		var changed bool
		r := row.Report
		err := inSavepoint(func() error {
			var err error
			if changed, err = importReport(tx, row.Code, &r); err != nil || !changed || !b.Approve {
				return err
			}
			_, err = tx.exec(`UPDATE progress_reports SET status = ?, reviewer_name = ?, reviewed_at = ? WHERE id = ?`,
				string(ding.ReportApproved), tx.actor.Username, ts(tx.now), r.ID)
			return err
		})
		if err != nil {
			if e := rowErr(row.Row, err); e != nil {
				return nil, e
			}
			continue
		}
		if !changed {
			res.ReportsUnchanged++
			continue
		}
		res.Reports++
		period, _ := ding.ParsePeriod(r.Period)
		touched[py{r.ProjectID, period.Year}] = true
	}
	if !commit || len(res.Errors) > 0 {
		return res, nil // a preview shows rows and problems, not running figures
	}
	for k := range touched {
		if err := recomputeYear(tx, k.id, k.year); err != nil {
			return nil, err
		}
	}
	if err := reevaluateImport(tx, b); err != nil {
		return nil, err
	}
	tx.quiet = false
	if err := tx.audit("import", 0, "commit", nil, map[string]any{
		"source": b.Source, "rows": len(b.Projects) + len(b.Reports), "created": res.Created, "updated": res.Updated,
		"unchanged": res.Unchanged, "reports": res.Reports, "reports_unchanged": res.ReportsUnchanged,
	}); err != nil {
		return nil, err
	}
	if err := tx.commit(); err != nil {
		return nil, err
	}
	crash.Point("import.committed") // committed, not yet answered
	res.Committed = true
	return res, nil
}

// importProject creates the project or updates its facts (and stage) when they differ.
func importProject(tx *Tx, p *ding.Project) (string, error) {
	stageGiven := p.Stage != "" // Normalize fills in 谋划; a blank cell means "keep"
	p.Normalize()
	if err := p.Validate(); err != nil {
		return "", err
	}
	var id int64
	err := tx.queryRow(tx.ctx, `SELECT id FROM projects WHERE code = ?`, p.Code).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "created", createProject(tx, p)
	}
	if err != nil {
		return "", tx.db.mapErr(err)
	}
	cur, err := writableProject(tx, id)
	if err != nil {
		if ding.ErrorCode(err) == ding.ENOTFOUND {
			// The code exists outside the caller's scope: say it is taken, reveal nothing more.
			return "", ding.FieldError("code", "import.code_elsewhere", p.Code)
		}
		return "", err
	}
	want := *p
	stage, stageOn := want.Stage, want.StageOn
	if !stageGiven {
		stage = ""
	}
	// A blank date cell does not erase a stored date (transitions fill them in, so the
	// next import of the same file would otherwise "change" them back).
	for _, d := range []struct{ want, cur *ding.Date }{{&want.SignedOn, &cur.SignedOn}, {&want.ActualStart, &cur.ActualStart},
		{&want.ActualEnd, &cur.ActualEnd}, {&want.InStatsOn, &cur.InStatsOn}, {&want.PlannedStart, &cur.PlannedStart}, {&want.PlannedEnd, &cur.PlannedEnd}} {
		if d.want.IsZero() {
			*d.want = *d.cur
		}
	}
	if !want.InStats && cur.InStats && !cur.InStatsOn.IsZero() && p.InStatsOn.IsZero() {
		want.InStats = true
	}
	want.ID, want.Version = cur.ID, cur.Version
	// Fields the sheet does not carry keep their stored values.
	want.LeaderID, want.LeaderName, want.UnitName, want.LocationName = cur.LeaderID, cur.LeaderName, cur.UnitName, cur.LocationName
	if want.LocationID == 0 {
		want.LocationID = cur.LocationID
	}
	same := sameFacts(cur, &want)
	if same && (stage == "" || stage == cur.Stage) {
		return "unchanged", nil
	}
	if !same {
		if err := updateProject(tx, &want); err != nil {
			return "", err
		}
	}
	if stage != "" && stage != cur.Stage {
		on := stageOn
		if on.IsZero() || on.Before(cur.StageOn) {
			on = ding.Today(tx.now)
		}
		if _, err := transitionProject(tx, cur.ID, stage, on, "Excel 导入"); err != nil {
			return "", err
		}
	}
	return "updated", nil
}

// sameFacts compares the fields an import can set.
func sameFacts(a, b *ding.Project) bool {
	x, y := *a, *b
	for _, p := range []*ding.Project{&x, &y} {
		p.Stage, p.StageOn, p.DropReason, p.Version, p.CreatedAt, p.UpdatedAt = "", ding.Date{}, "", 0, x.CreatedAt, x.CreatedAt
		p.Year, p.PlanYear, p.CompletedYTD, p.CompletedAll, p.ProgressPct, p.Tier = 0, 0, 0, 0, 0, 0
	}
	return x == y
}

// importReport submits the report unless its period's current version already says the same.
func importReport(tx *Tx, code string, r *ding.ProgressReport) (bool, error) {
	var id int64
	err := tx.queryRow(tx.ctx, `SELECT id FROM projects WHERE code = ?`, code).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, ding.FieldError("code", "import.no_project", code)
	}
	if err != nil {
		return false, tx.db.mapErr(err)
	}
	r.ProjectID = id
	if err := r.Validate(); err != nil {
		return false, err
	}
	var completed int64
	var text, problems, next string
	var pct int
	err = tx.queryRow(tx.ctx, `SELECT completed, progress_text, progress_pct, problems, next_steps FROM progress_reports
		WHERE project_id = ? AND period = ? AND is_current = TRUE`, id, r.Period).Scan(&completed, &text, &pct, &problems, &next)
	if err == nil && completed == r.Completed && text == r.ProgressText && pct == r.ProgressPct && problems == r.Problems && next == r.NextSteps {
		if _, err := reportableProject(tx, id); err != nil {
			return false, err
		}
		return false, nil
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return false, tx.db.mapErr(err)
	}
	return true, submitReport(tx, r, nil, true, true)
}

package store

import (
	"context"
	"fmt"
	"strings"

	"ding"
)

var monthCols = func() string {
	var b strings.Builder
	for i := 1; i <= 12; i++ {
		if i > 1 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "m%02d", i)
	}
	return b.String()
}()

// FindPlans returns a project's annual plans, newest year first.
func (db *DB) FindPlans(ctx context.Context, projectID int64) ([]*ding.AnnualPlan, error) {
	if _, err := db.FindProjectByID(ctx, projectID); err != nil {
		return nil, err
	}
	rows, err := db.reader().query(ctx, `SELECT project_id, year, total, `+monthCols+`, goal FROM project_plans WHERE project_id = ? ORDER BY year DESC`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*ding.AnnualPlan
	for rows.Next() {
		a := &ding.AnnualPlan{}
		dst := []any{&a.ProjectID, &a.Year, &a.Total}
		for i := range a.Months {
			dst = append(dst, &a.Months[i])
		}
		dst = append(dst, &a.Goal)
		if err := rows.Scan(dst...); err != nil {
			return nil, db.mapErr(err)
		}
		out = append(out, a)
	}
	return out, db.mapErr(rows.Err())
}

// SavePlan creates or replaces a project's plan for a year and updates the running figures.
func (db *DB) SavePlan(ctx context.Context, a *ding.AnnualPlan) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	if err := savePlan(tx, a); err != nil {
		return err
	}
	return tx.commit()
}

func savePlan(tx *Tx, a *ding.AnnualPlan) error {
	if _, err := writableProject(tx, a.ProjectID); err != nil {
		return err
	}
	if err := a.Validate(); err != nil {
		return err
	}
	var before *ding.AnnualPlan
	old, err := tx.query(tx.ctx, `SELECT total, `+monthCols+`, goal FROM project_plans WHERE project_id = ? AND year = ?`, a.ProjectID, a.Year)
	if err != nil {
		return err
	}
	if old.Next() {
		before = &ding.AnnualPlan{ProjectID: a.ProjectID, Year: a.Year}
		dst := []any{&before.Total}
		for i := range before.Months {
			dst = append(dst, &before.Months[i])
		}
		dst = append(dst, &before.Goal)
		if err := old.Scan(dst...); err != nil {
			old.Close()
			return tx.db.mapErr(err)
		}
	}
	old.Close()
	if before != nil && *before == *a {
		return nil
	}
	args := []any{a.Total}
	for _, m := range a.Months {
		args = append(args, m)
	}
	args = append(args, a.Goal, ts(tx.now), a.ProjectID, a.Year)
	if before != nil {
		sets := strings.ReplaceAll(monthCols, ",", " = ?,") + " = ?"
		if _, err := tx.exec(`UPDATE project_plans SET total = ?, `+sets+`, goal = ?, updated_at = ? WHERE project_id = ? AND year = ?`, args...); err != nil {
			return err
		}
	} else {
		if _, err := tx.exec(`INSERT INTO project_plans (total, `+monthCols+`, goal, updated_at, project_id, year)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...); err != nil {
			return err
		}
	}
	for i, m := range a.Months {
		if err := upsertMonth(tx, a.ProjectID, a.Year, i+1, "planned", m); err != nil {
			return err
		}
	}
	if err := upsertYear(tx, a.ProjectID, a.Year); err != nil {
		return err
	}
	if _, err := tx.exec(`UPDATE project_years SET plan_total = ? WHERE project_id = ? AND year = ?`, a.Total, a.ProjectID, a.Year); err != nil {
		return err
	}
	action := "plan_create"
	var b any
	if before != nil {
		action, b = "plan_update", before
	}
	if err := reevaluate(tx, a.ProjectID); err != nil {
		return err
	}
	return tx.audit("project", a.ProjectID, action, b, a)
}

// upsertMonth sets one column (planned or completed) of a project's month row.
func upsertMonth(tx *Tx, projectID int64, year, month int, col string, v int64) error {
	res, err := tx.exec(`UPDATE project_months SET `+col+` = ? WHERE project_id = ? AND year = ? AND month = ?`, v, projectID, year, month)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n > 0 || v == 0 {
		return nil
	}
	_, err = tx.exec(`INSERT INTO project_months (project_id, year, month, `+col+`) VALUES (?, ?, ?, ?)`, projectID, year, month, v)
	return err
}

// upsertYear makes sure a project's year row exists.
func upsertYear(tx *Tx, projectID int64, year int) error {
	var n int
	if err := tx.queryRow(tx.ctx, `SELECT COUNT(*) FROM project_years WHERE project_id = ? AND year = ?`, projectID, year).Scan(&n); err != nil {
		return tx.db.mapErr(err)
	}
	if n > 0 {
		return nil
	}
	_, err := tx.exec(`INSERT INTO project_years (project_id, year) VALUES (?, ?)`, projectID, year)
	if err == nil {
		tx.db.forgetYear() // a new year may be the latest
	}
	return err
}

// MonthFigures is one month of a project's plan against actual.
type MonthFigures struct {
	Month     int   `json:"month"`
	Planned   int64 `json:"planned"`
	Completed int64 `json:"completed"`
}

// ProjectMonths returns the 12 months of a year of a project: planned and completed.
func (db *DB) ProjectMonths(ctx context.Context, projectID int64, year int) ([]MonthFigures, error) {
	if _, err := db.FindProjectByID(ctx, projectID); err != nil {
		return nil, err
	}
	out := make([]MonthFigures, 12)
	for i := range out {
		out[i].Month = i + 1
	}
	rows, err := db.reader().query(ctx, `SELECT month, planned, completed FROM project_months WHERE project_id = ? AND year = ?`, projectID, year)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var m int
		var p, c int64
		if err := rows.Scan(&m, &p, &c); err != nil {
			return nil, db.mapErr(err)
		}
		if m >= 1 && m <= 12 {
			out[m-1].Planned, out[m-1].Completed = p, c
		}
	}
	return out, db.mapErr(rows.Err())
}

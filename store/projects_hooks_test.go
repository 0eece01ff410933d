package store

import (
	"context"

	"ding"
)

// ProjectListSQLForTest returns the two SELECTs FindProjects runs for the actor in ctx: the
// totals, then the page.
func (db *DB) ProjectListSQLForTest(ctx context.Context, f ding.ProjectFilter) (totals, page string, err error) {
	r := db.reader()
	year := db.year(ctx, f.Year)
	a, err := listActor(ctx, r, ding.ActorFrom(ctx), f)
	if err != nil {
		return "", "", err
	}
	q := projectTotalsQuery(db.dialect, a, f, year)
	var tot listTotals
	if err := r.queryRow(ctx, q.sql, q.args...).Scan(&tot.Count, &tot.TotalInvestment, &tot.PlanYear, &tot.CompletedYTD, &tot.positive); err != nil {
		return "", "", err
	}
	return q.sql, projectPageQuery(db.dialect, a, f, year, tot).sql, nil
}

// SetProjectWalkFactorForTest sets how large a list must be to be read along its sort's
// index (1: whenever it reaches the page's end; 0: never) and returns the undo.
func SetProjectWalkFactorForTest(n int) (undo func()) {
	old := walkFactor
	walkFactor = n
	return func() { walkFactor = old }
}

package store

import (
	"context"
	"strings"
)

// Rollups (migration 0009): per lead unit, what dashboards sum over a subtree — projects
// by stage and tier, investment completed per month with its manufacturing, high-tech and
// private parts, projects signed (by tier), started, entering statistics per month, the
// annual plans, and the warning colours. Triggers on projects, project_months,
// project_years, project_colours and warnings (current warnings counted by colour,
// migration 0012) put the lead units of changed projects into
// rollup_dirty; refreshRollups rebuilds those units (and only those) before a dashboard
// sums, so a dashboard is never staler than the last committed write and costs a few
// thousand rows instead of every project.

// refreshRollups rebuilds the rollups of the dirty units. It takes the dirty set first
// (DELETE … RETURNING), then rebuilds from the projects as they are now: a write that
// commits meanwhile marks its unit dirty again, so nothing is lost. Cheap when nothing
// changed: one indexed read and no transaction.
func (db *DB) refreshRollups(ctx context.Context) error {
	var n int
	if err := db.reader().queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM rollup_dirty LIMIT 1) d`).Scan(&n); err != nil {
		return db.mapErr(err)
	}
	if n == 0 {
		return nil
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return db.mapErr(err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `DELETE FROM rollup_dirty RETURNING unit_id`)
	if err != nil {
		return db.mapErr(err)
	}
	var units []any
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return db.mapErr(err)
		}
		units = append(units, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return db.mapErr(err)
	}
	for len(units) > 0 {
		chunk := units[:min(len(units), 500)]
		units = units[len(chunk):]
		in := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(chunk)), ", ") + ")"
		for _, q := range []string{
			`DELETE FROM rollup_projects WHERE unit_id IN ` + in,
			`DELETE FROM rollup_months WHERE unit_id IN ` + in,
			`DELETE FROM rollup_years WHERE unit_id IN ` + in,
			`DELETE FROM rollup_colours WHERE unit_id IN ` + in,
			`DELETE FROM rollup_warnings WHERE unit_id IN ` + in,
			`DELETE FROM rollup_warning_counts WHERE unit_id IN ` + in,
			`INSERT INTO rollup_projects (unit_id, stage, tier, n, investment)
				SELECT unit_id, stage, tier, COUNT(*), SUM(total_investment) FROM projects WHERE unit_id IN ` + in + ` GROUP BY unit_id, stage, tier`,
			`INSERT INTO rollup_years (unit_id, year, plan, projects)
				SELECT p.unit_id, y.year, SUM(y.plan_total), SUM(CASE WHEN y.plan_total > 0 THEN 1 ELSE 0 END)
				FROM project_years y JOIN projects p ON p.id = y.project_id WHERE p.unit_id IN ` + in + ` GROUP BY p.unit_id, y.year`,
			`INSERT INTO rollup_colours (unit_id, colour, n)
				SELECT p.unit_id, c.colour, COUNT(*) FROM project_colours c JOIN projects p ON p.id = c.project_id
				WHERE p.unit_id IN ` + in + ` AND c.colour <> '' AND c.exempt = ? GROUP BY p.unit_id, c.colour`,
			`INSERT INTO rollup_warning_counts (unit_id, colour, n)
				SELECT p.unit_id, w.colour, COUNT(*) FROM warnings w JOIN projects p ON p.id = w.project_id
				LEFT JOIN project_colours c ON c.project_id = w.project_id
				WHERE p.unit_id IN ` + in + ` AND COALESCE(c.exempt, ?) = ? GROUP BY p.unit_id, w.colour`,
			// Months: investment from project_months, then each dated count, merged by an
			// upsert (a month may have signings and no investment).
			`INSERT INTO rollup_months (unit_id, year, month, completed, manufacturing, high_tech, private)
				SELECT p.unit_id, m.year, m.month, SUM(m.completed),
					SUM(CASE WHEN p.manufacturing = ? THEN m.completed ELSE 0 END),
					SUM(CASE WHEN p.high_tech = ? THEN m.completed ELSE 0 END),
					SUM(CASE WHEN p.private = ? THEN m.completed ELSE 0 END)
				FROM project_months m JOIN projects p ON p.id = m.project_id WHERE p.unit_id IN ` + in + `
				GROUP BY p.unit_id, m.year, m.month`,
		} {
			args := chunk
			switch {
			case strings.Contains(q, "c.exempt = ?"):
				args = append(append([]any{}, chunk...), false)
			case strings.Contains(q, "COALESCE(c.exempt, ?) = ?"):
				args = append(append([]any{}, chunk...), false, false)
			case strings.Contains(q, "p.manufacturing = ?"):
				args = append([]any{true, true, true}, chunk...)
			}
			if _, err := tx.ExecContext(ctx, db.rebind(q), args...); err != nil {
				return db.mapErr(err)
			}
		}
		// Warnings opened (by colour) and cleared, per month.
		ev := `INSERT INTO rollup_warnings (unit_id, year, month, event, colour, n)
			SELECT p.unit_id, ` + yearOf(db, "e.on_date") + `, ` + monthOf(db, "e.on_date") + `, e.event,
				CASE WHEN e.event = 'opened' THEN e.to_colour ELSE '' END, COUNT(*)
			FROM warning_events e JOIN projects p ON p.id = e.project_id
			WHERE p.unit_id IN ` + in + ` AND e.event IN ('opened', 'cleared')
			GROUP BY p.unit_id, ` + yearOf(db, "e.on_date") + `, ` + monthOf(db, "e.on_date") + `, e.event, CASE WHEN e.event = 'opened' THEN e.to_colour ELSE '' END`
		if _, err := tx.ExecContext(ctx, db.rebind(ev), chunk...); err != nil {
			return db.mapErr(err)
		}
		// The dated counts: one pass over the unit's projects per date column.
		for _, c := range []struct{ col, set, where string }{
			{"p.signed_on", "signed1", "p.total_investment >= 100000000"},
			{"p.signed_on", "signed10", "p.total_investment >= 1000000000"},
			{"p.signed_on", "signed100", "p.total_investment >= 10000000000"},
			{"p.actual_start", "started", "1=1"},
			{"p.in_stats_on", "in_stats", "1=1"},
			{"p.in_stats_on", "signed_in_stats", "p.signed_on IS NOT NULL AND " + yearOf(db, "p.signed_on") + " = " + yearOf(db, "p.in_stats_on")},
		} {
			q := `INSERT INTO rollup_months (unit_id, year, month, ` + c.set + `)
				SELECT p.unit_id, ` + yearOf(db, c.col) + `, ` + monthOf(db, c.col) + `, COUNT(*) FROM projects p
				WHERE p.unit_id IN ` + in + ` AND ` + c.col + ` IS NOT NULL AND ` + c.where + `
				GROUP BY p.unit_id, ` + yearOf(db, c.col) + `, ` + monthOf(db, c.col) + `
				ON CONFLICT (unit_id, year, month) DO UPDATE SET ` + c.set + ` = excluded.` + c.set
			if _, err := tx.ExecContext(ctx, db.rebind(q), chunk...); err != nil {
				return db.mapErr(err)
			}
		}
	}
	return db.mapErr(tx.Commit())
}

// yearOf and monthOf extract a date column's year and month as integers.
func yearOf(db *DB, col string) string {
	if db.dialect == Postgres {
		return "CAST(EXTRACT(YEAR FROM " + col + ") AS INTEGER)"
	}
	return "CAST(substr(" + col + ", 1, 4) AS INTEGER)"
}

func monthOf(db *DB, col string) string {
	if db.dialect == Postgres {
		return "CAST(EXTRACT(MONTH FROM " + col + ") AS INTEGER)"
	}
	return "CAST(substr(" + col + ", 6, 2) AS INTEGER)"
}

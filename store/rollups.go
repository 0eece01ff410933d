package store

import (
	"context"
	"database/sql"
	"strings"
)

// Rollups (migration 0009): per lead unit, what dashboards sum over a subtree — projects
// by stage and tier, investment completed per month with its manufacturing, high-tech and
// private parts, projects signed (by tier), started, entering statistics per month, the
// annual plans, and the warning colours. Triggers on projects, project_months,
// project_years, project_colours and warnings (current warnings counted by colour,
// migration 0012) put the lead units of changed projects into rollup_dirty; the rebuild
// below rebuilds those units (and only those) before a dashboard sums, so a dashboard is
// never staler than the last committed write and costs a few thousand rows instead of
// every project. (The demands' and action items' rollups of migration 0017 are kept by
// their triggers directly and need no rebuild.)
//
// A rebuild goes in chunks of rollupChunk units, each its own transaction: a rebuild cut
// short (a request's deadline, a server stopping) keeps the chunks it committed, and
// SQLite's single writer is held for one chunk at a time, not for the whole rebuild. After
// the nightly warning pass nearly every unit is dirty; the pass's job rebuilds them in the
// background (RefreshRollups, cmd/ding/jobs.go), as does every server's job loop after any
// large write (an import), so that a dashboard finds them clean. A dashboard that still
// finds dirty units rebuilds only those of its own subtree — what its figures read — with
// its request's context.

// rollupChunk is how many dirty units one transaction rebuilds. On a generated province of
// 20,000 projects after a warning pass, every unit dirty (SQLite, docs/PERFORMANCE.md): 16
// units hold the writer 22 ms at the median and 94 ms at most, and rebuild all 3,000 units
// in 4.6 s where one transaction took 2.8 s; 64 units hold it 74 ms, 119 ms at most. The
// 100,000-project province has five times the projects per unit.
const rollupChunk = 16

// RefreshRollups rebuilds the rollups of every dirty unit, chunk by chunk, and says how
// many units it rebuilt. For the background jobs; dashboards rebuild their own subtree.
func (db *DB) RefreshRollups(ctx context.Context) (int, error) {
	return db.rebuildRollups(ctx, nil, rollupChunk, nil)
}

// DirtyRollups says how many units' rollups wait for a rebuild.
func (db *DB) DirtyRollups(ctx context.Context) (int, error) {
	var n int
	err := db.reader().queryRow(ctx, `SELECT COUNT(*) FROM rollup_dirty`).Scan(&n)
	return n, db.mapErr(err)
}

// refreshRollups rebuilds the rollups of every dirty unit.
func (db *DB) refreshRollups(ctx context.Context) error {
	_, err := db.rebuildRollups(ctx, nil, rollupChunk, nil)
	return err
}

// refreshRollupsUnder rebuilds the rollups of the dirty units in the subtrees of roots.
func (db *DB) refreshRollupsUnder(ctx context.Context, roots []any) error {
	_, err := db.rebuildRollups(ctx, roots, rollupChunk, nil)
	return err
}

// rebuildRollups rebuilds the dirty units of the subtrees of roots (nil: every dirty
// unit), chunk units a transaction; beforeCommit (tests) runs before each chunk commits,
// with the chunk's number from 1. It returns how many units it rebuilt.
//
// The units are those dirty when it starts (one indexed read; no transaction when there
// are none); marks a later write adds are the next read's. Each chunk takes its units'
// marks (DELETE … RETURNING) and rebuilds them from the records as they are now: a write
// that commits meanwhile marks its unit dirty again, so nothing is lost. A unit another
// caller's chunk holds is waited for (PostgreSQL: the row lock; SQLite: the one writer) and
// then skipped, its rebuild committed: when this returns without an error every unit dirty
// at its start has been rebuilt, by it or by another.
func (db *DB) rebuildRollups(ctx context.Context, roots []any, chunk int, beforeCommit func(n int)) (int, error) {
	q, args := `SELECT unit_id FROM rollup_dirty ORDER BY unit_id`, []any(nil)
	if roots != nil {
		q = `SELECT d.unit_id FROM rollup_dirty d WHERE d.unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id IN (` +
			placeholders(len(roots)) + `)) ORDER BY d.unit_id`
		args = roots
	}
	ids, err := int64s(ctx, db.reader(), q, args...)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	done := 0
	for i := 1; len(ids) > 0; i++ {
		c := ids[:min(chunk, len(ids))]
		ids = ids[len(c):]
		n, err := db.rebuildChunk(ctx, c, func() {
			if beforeCommit != nil {
				beforeCommit(i)
			}
		})
		if err != nil {
			return done, err
		}
		done += n
	}
	return done, nil
}

// rebuildChunk rebuilds the rollups of those of ids still dirty, in one transaction.
func (db *DB) rebuildChunk(ctx context.Context, ids []int64, beforeCommit func()) (int, error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return 0, db.mapErr(err)
	}
	defer tx.Rollback()
	marks := make([]any, len(ids))
	for i, id := range ids {
		marks[i] = id
	}
	rows, err := tx.QueryContext(ctx, db.rebind(`DELETE FROM rollup_dirty WHERE unit_id IN (`+placeholders(len(ids))+`) RETURNING unit_id`), marks...)
	if err != nil {
		return 0, db.mapErr(err)
	}
	var units []any
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, db.mapErr(err)
		}
		units = append(units, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, db.mapErr(err)
	}
	if len(units) == 0 {
		return 0, nil
	}
	if err := db.rebuildUnits(ctx, tx, units); err != nil {
		return 0, err
	}
	beforeCommit()
	if err := tx.Commit(); err != nil {
		return 0, db.mapErr(err)
	}
	return len(units), nil
}

// rebuildUnits rebuilds the rollups of units (taken off rollup_dirty) in tx.
func (db *DB) rebuildUnits(ctx context.Context, tx *sql.Tx, units []any) error {
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
		// Warnings opened (by colour) and cleared, per month. From the units' projects to
		// their events (CROSS JOIN: SQLite would otherwise walk every opened event of the
		// registry by warning_events(event, on_date), once per chunk).
		ev := `INSERT INTO rollup_warnings (unit_id, year, month, event, colour, n)
			SELECT p.unit_id, ` + yearOf(db, "e.on_date") + `, ` + monthOf(db, "e.on_date") + `, e.event,
				CASE WHEN e.event = 'opened' THEN e.to_colour ELSE '' END, COUNT(*)
			FROM projects p CROSS JOIN warning_events e
			WHERE e.project_id = p.id AND p.unit_id IN ` + in + ` AND e.event IN ('opened', 'cleared')
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
	return nil
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

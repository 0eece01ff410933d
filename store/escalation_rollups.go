package store

import (
	"context"
)

// The escalations' rollups (migration 0016), read by CountEscalations: per lead unit of
// the project, the escalations by action and status — an open one also by its due date,
// so that "overdue on the warning date" is a sum — and by action and the month they were
// taken; unit 0 holds their sums over every unit, which a scope of every project reads
// instead of a row per unit. Like the dashboards' rollups (rollups.go), triggers on
// escalations and on a project's lead unit mark units in rollup_escalations_dirty, and the
// next read rebuilds those units (and moves the sums by what changed) before it sums.

// escalationNoDue stands for the due date of an escalation that is not open or has none:
// never before the warning date.
const escalationNoDue = "9999-12-31"

// escalationRollupDue is the rollup's due_on of an escalation e.
const escalationRollupDue = `CASE WHEN e.status = 'open' AND e.due_on IS NOT NULL THEN e.due_on ELSE '` + escalationNoDue + `' END`

// escalationRollupLock is the PostgreSQL advisory lock the rebuilds take in turns: each
// moves the same rows of sums (unit 0), which concurrent rebuilds would lock in any order.
const escalationRollupLock = "160016"

// escalationRollupChunk is how many dirty units one transaction rebuilds, so that a
// rebuild after the nightly pass (every unit) holds SQLite's writer for one chunk at a
// time. PostgreSQL reads a chunk's escalations in one pass over the table (a hash join is
// cheaper to it than an index probe per project), so it takes larger chunks.
func (db *DB) escalationRollupChunk() int {
	if db.dialect == Postgres {
		return 1000
	}
	return 100
}

// refreshEscalationRollups rebuilds the escalation rollups of the dirty units among the
// lead units of a scope (all of them for a scope of every project), as refreshRollups does
// the dashboards': each chunk of units takes its marks (DELETE … RETURNING) and rebuilds
// from the escalations as they are now, so a write that commits meanwhile marks its unit
// again. Cheap when nothing changed: one indexed read and no transaction.
func (db *DB) refreshEscalationRollups(ctx context.Context, s *leadScope) error {
	if !s.all && s.units == "" {
		return nil
	}
	q, args := `SELECT unit_id FROM rollup_escalations_dirty WHERE unit_id <> 0 ORDER BY unit_id`, []any(nil)
	if !s.all {
		q, args = `SELECT unit_id FROM rollup_escalations_dirty WHERE unit_id IN (`+s.units+`) ORDER BY unit_id`, s.uargs
	}
	ids, err := int64s(ctx, db.reader(), q, args...)
	if err != nil || len(ids) == 0 {
		return err
	}
	// Every unit marked (the migration, or by hand after ding check found a difference):
	// the sums are added up again from the units' rows at the end.
	var units int
	if s.all {
		if err := db.reader().queryRow(ctx, `SELECT COUNT(*) FROM units`).Scan(&units); err != nil {
			return db.mapErr(err)
		}
	}
	whole := s.all && len(ids) >= units
	for len(ids) > 0 {
		c := ids[:min(len(ids), db.escalationRollupChunk())]
		ids = ids[len(c):]
		if err := db.rebuildEscalationRollups(ctx, c); err != nil {
			return err
		}
	}
	if whole {
		return db.resumEscalationRollups(ctx)
	}
	return nil
}

// resumEscalationRollups adds the sums (unit 0) up again from the units' rows.
func (db *DB) resumEscalationRollups(ctx context.Context) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return db.mapErr(err)
	}
	defer tx.Rollback()
	if db.dialect == Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(`+escalationRollupLock+`)`); err != nil {
			return db.mapErr(err)
		}
	}
	for _, q := range []string{
		`DELETE FROM rollup_escalations WHERE unit_id = 0`,
		`DELETE FROM rollup_escalation_months WHERE unit_id = 0`,
		`INSERT INTO rollup_escalations (unit_id, action, status, due_on, n)
			SELECT 0, action, status, due_on, SUM(n) FROM rollup_escalations WHERE unit_id <> 0 GROUP BY action, status, due_on`,
		`INSERT INTO rollup_escalation_months (unit_id, period, action, n)
			SELECT 0, period, action, SUM(n) FROM rollup_escalation_months WHERE unit_id <> 0 GROUP BY period, action`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return db.mapErr(err)
		}
	}
	return db.mapErr(tx.Commit())
}

// rebuildEscalationRollups rebuilds, in one transaction, the units of ids still marked,
// and moves the sums (unit 0) by the difference.
func (db *DB) rebuildEscalationRollups(ctx context.Context, ids []int64) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return db.mapErr(err)
	}
	defer tx.Rollback()
	if db.dialect == Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(`+escalationRollupLock+`)`); err != nil {
			return db.mapErr(err)
		}
	}
	rows, err := tx.QueryContext(ctx, db.rebind(`DELETE FROM rollup_escalations_dirty WHERE unit_id IN (`+idList(ids)+`) RETURNING unit_id`))
	if err != nil {
		return db.mapErr(err)
	}
	var units []int64
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
	if len(units) == 0 {
		return nil // another reader rebuilt them
	}
	in := "(" + idList(units) + ")"
	// sums adds (sign "") or takes out (sign "-") the units' rows from the sums.
	sums := func(sign string) []string {
		return []string{
			`INSERT INTO rollup_escalations (unit_id, action, status, due_on, n)
				SELECT 0, action, status, due_on, ` + sign + `SUM(n) FROM rollup_escalations WHERE unit_id IN ` + in + `
				GROUP BY action, status, due_on
				ON CONFLICT (unit_id, action, status, due_on) DO UPDATE SET n = rollup_escalations.n + excluded.n`,
			`INSERT INTO rollup_escalation_months (unit_id, period, action, n)
				SELECT 0, period, action, ` + sign + `SUM(n) FROM rollup_escalation_months WHERE unit_id IN ` + in + `
				GROUP BY period, action
				ON CONFLICT (unit_id, period, action) DO UPDATE SET n = rollup_escalation_months.n + excluded.n`,
		}
	}
	qs := append(sums("-"),
		`DELETE FROM rollup_escalations WHERE unit_id IN `+in,
		`DELETE FROM rollup_escalation_months WHERE unit_id IN `+in,
		`INSERT INTO rollup_escalations (unit_id, action, status, due_on, n)
			SELECT p.unit_id, e.action, e.status, `+escalationRollupDue+`, COUNT(*) FROM escalations e JOIN projects p ON p.id = e.project_id
			WHERE p.unit_id IN `+in+` GROUP BY p.unit_id, e.action, e.status, `+escalationRollupDue,
		`INSERT INTO rollup_escalation_months (unit_id, period, action, n)
			SELECT p.unit_id, e.period, e.action, COUNT(*) FROM escalations e JOIN projects p ON p.id = e.project_id
			WHERE p.unit_id IN `+in+` GROUP BY p.unit_id, e.period, e.action`)
	qs = append(qs, sums("")...)
	qs = append(qs, `DELETE FROM rollup_escalations WHERE unit_id = 0 AND n = 0`, `DELETE FROM rollup_escalation_months WHERE unit_id = 0 AND n = 0`)
	for _, q := range qs {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return db.mapErr(err)
		}
	}
	return db.mapErr(tx.Commit())
}

// The checks of ding check (check.go) for what the board's reads rely on: the escalation
// rollups equal the escalations they count, for the units not marked for a rebuild;
// team_reach equals what the teams and the tree give, for the projects not marked; and each
// project's team names its lead unit as its one lead (the board counts a project in scope
// under its lead unit and adds the projects of the caller's units that another unit leads:
// splitScope in warnings_read.go).
func init() {
	invariants = append(invariants,
		invariant{"rollups: escalations", []string{"rollup_escalations", "rollup_escalations_dirty", "escalations", "projects"},
			`WITH src AS (SELECT p.unit_id, e.action, e.status, ` + escalationRollupDue + ` AS due_on, COUNT(*) AS n
					FROM escalations e JOIN projects p ON p.id = e.project_id
					WHERE p.unit_id NOT IN (SELECT unit_id FROM rollup_escalations_dirty)
					GROUP BY p.unit_id, e.action, e.status, ` + escalationRollupDue + `),
				roll AS (SELECT unit_id, action, status, due_on, n FROM rollup_escalations
					WHERE unit_id <> 0 AND unit_id NOT IN (SELECT unit_id FROM rollup_escalations_dirty))
			SELECT unit_id, action, status, due_on, 'the rollup has', n FROM (SELECT * FROM roll EXCEPT SELECT * FROM src) a
			UNION ALL
			SELECT unit_id, action, status, due_on, 'the escalations give', n FROM (SELECT * FROM src EXCEPT SELECT * FROM roll) b
			ORDER BY 1, 2, 3, 4, 5`,
			"unit %v, %v %v due %v: %v %v escalations"},
		invariant{"rollups: escalations by month", []string{"rollup_escalation_months", "rollup_escalations_dirty", "escalations", "projects"},
			`WITH src AS (SELECT p.unit_id, e.period, e.action, COUNT(*) AS n FROM escalations e JOIN projects p ON p.id = e.project_id
					WHERE p.unit_id NOT IN (SELECT unit_id FROM rollup_escalations_dirty) GROUP BY p.unit_id, e.period, e.action),
				roll AS (SELECT unit_id, period, action, n FROM rollup_escalation_months
					WHERE unit_id <> 0 AND unit_id NOT IN (SELECT unit_id FROM rollup_escalations_dirty))
			SELECT unit_id, period, action, 'the rollup has', n FROM (SELECT * FROM roll EXCEPT SELECT * FROM src) a
			UNION ALL
			SELECT unit_id, period, action, 'the escalations give', n FROM (SELECT * FROM src EXCEPT SELECT * FROM roll) b
			ORDER BY 1, 2, 3, 4`,
			"unit %v, %v, %v: %v %v escalations"},
		invariant{"rollups: escalation sums", []string{"rollup_escalations", "rollup_escalation_months"},
			`WITH tot AS (SELECT action, status, CAST(due_on AS TEXT) AS due, CAST(n AS BIGINT) AS n FROM rollup_escalations WHERE unit_id = 0
					UNION ALL SELECT action, 'month', period, CAST(n AS BIGINT) FROM rollup_escalation_months WHERE unit_id = 0),
				src AS (SELECT action, status, CAST(due_on AS TEXT) AS due, CAST(SUM(n) AS BIGINT) AS n FROM rollup_escalations WHERE unit_id <> 0
						GROUP BY action, status, due_on
					UNION ALL SELECT action, 'month', period, CAST(SUM(n) AS BIGINT) FROM rollup_escalation_months WHERE unit_id <> 0 GROUP BY action, period)
			SELECT action, status, due, 'the sums have', n FROM (SELECT * FROM tot EXCEPT SELECT * FROM src) a
			UNION ALL
			SELECT action, status, due, 'the units add up to', n FROM (SELECT * FROM src EXCEPT SELECT * FROM tot) b
			ORDER BY 1, 2, 3, 4`,
			"%v %v %v: %v %v escalations (unit 0 against the units' rows)"},
		invariant{"team reach", []string{"team_reach", "team_reach_dirty", "project_units", "projects", "unit_closure"},
			`WITH src AS (` + teamReachSource(`pu.project_id NOT IN (SELECT project_id FROM team_reach_dirty)`) + `),
				tab AS (SELECT unit_id, project_id FROM team_reach WHERE project_id NOT IN (SELECT project_id FROM team_reach_dirty))
			SELECT unit_id, project_id, 'lists' FROM (SELECT * FROM tab EXCEPT SELECT * FROM src) a
			UNION ALL
			SELECT ancestor_id, project_id, 'lacks' FROM (SELECT * FROM src EXCEPT SELECT * FROM tab) b
			ORDER BY 2, 1`,
			"unit %v, project %v: team_reach %v it; the project's team and lead unit say otherwise"},
		invariant{"project teams: lead unit", []string{"projects", "project_units"},
			`SELECT p.id, p.unit_id, COALESCE((SELECT MIN(pu.unit_id) FROM project_units pu WHERE pu.project_id = p.id AND pu.role = 'lead'), 0),
				(SELECT COUNT(*) FROM project_units pu WHERE pu.project_id = p.id AND pu.role = 'lead')
			FROM projects p
			WHERE NOT EXISTS (SELECT 1 FROM project_units pu WHERE pu.project_id = p.id AND pu.unit_id = p.unit_id AND pu.role = 'lead')
				OR EXISTS (SELECT 1 FROM project_units pu WHERE pu.project_id = p.id AND pu.role = 'lead' AND pu.unit_id <> p.unit_id)
			ORDER BY p.id`,
			"project %v is led by unit %v; its team's lead is unit %v (%v lead rows)"},
	)
}

// RefreshWarningReads rebuilds what the warnings board reads and a large write (the nightly
// pass, an import, a migration) left marked: the escalation rollups of every marked unit
// and team_reach of every marked project. For a background job beside RefreshRollups, so
// that the first board after the pass finds them built; a read rebuilds what it needs.
func (db *DB) RefreshWarningReads(ctx context.Context) error {
	if err := db.refreshEscalationRollups(ctx, &leadScope{all: true}); err != nil {
		return err
	}
	return db.refreshTeamReach(ctx)
}

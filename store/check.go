package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Check looks a database over after a restore (ding check): the engine's own checks, then
// what ding keeps twice and can compare cheaply. Every check is one read of its own; run on
// a live database, a write between two checks can show as a difference only in the
// running figures of the project it touched, never in one check.
//
//   - SQLite: PRAGMA integrity_check and foreign_key_check.
//   - PostgreSQL: every foreign key validated and every user trigger enabled (a restore
//     holds them off while it copies), every identity's sequence past its column's
//     largest value.
//   - Both: the org tree's closure (unit_closure) against units.parent_id and units.depth;
//     the running figures against what they sum: project_months.completed against each
//     month's current report, project_years against its months and its annual plan,
//     projects.completed_all against its years; the dashboards' rollups of projects and
//     plans against the projects, for the units not marked for a rebuild; the demands'
//     and action items' rollups per subtree (by status, and open ones by due date) against
//     a count from the items; and, given the data directory, that every photo and
//     attachment the database names is there.
//
// The audit log keeps no chain to check: it is append-only by trigger (PostgreSQL: the
// trigger check above) and its ids come from the sequence checked above.

// CheckOptions tune a check.
type CheckOptions struct {
	DataDir string // when set, uploads named by the database must be under it
	Limit   int    // problems listed per check (default 20); the rest are counted
}

// CheckReport is what Check found.
type CheckReport struct {
	Engine Dialect
	Tables map[string]int64 // rows of each table
	Checks []CheckResult
	Notes  []string // worth knowing, not wrong: migrations pending
}

// CheckResult is one check: the problems it found, the first Limit of them listed.
type CheckResult struct {
	Name     string
	Problems []string
	More     int    // problems beyond those listed
	Skipped  string // why it did not run (a table it needs is missing)
}

// OK reports whether no check found anything wrong.
func (r *CheckReport) OK() bool { return r.Problems() == 0 }

// Problems counts the problems of every check.
func (r *CheckReport) Problems() int {
	n := 0
	for _, c := range r.Checks {
		n += len(c.Problems) + c.More
	}
	return n
}

// Rows is the number of rows of every table.
func (r *CheckReport) Rows() int64 {
	var n int64
	for _, v := range r.Tables {
		n += v
	}
	return n
}

// invariant is a check written as one query whose rows are the problems.
type invariant struct {
	name   string
	tables []string // needed; the check is skipped when one is missing
	query  string
	format string // one verb per column
}

var invariants = []invariant{
	{"unit closure: self rows", []string{"units", "unit_closure"},
		`SELECT u.id FROM units u WHERE NOT EXISTS (SELECT 1 FROM unit_closure c
			WHERE c.ancestor_id = u.id AND c.descendant_id = u.id AND c.depth = 0) ORDER BY u.id`,
		"unit %v has no closure row for itself"},
	{"unit closure: missing ancestors", []string{"units", "unit_closure"},
		`SELECT u.id, pc.ancestor_id, pc.depth + 1, u.parent_id FROM units u JOIN unit_closure pc ON pc.descendant_id = u.parent_id
			WHERE NOT EXISTS (SELECT 1 FROM unit_closure c WHERE c.ancestor_id = pc.ancestor_id AND c.descendant_id = u.id AND c.depth = pc.depth + 1)
			ORDER BY u.id, pc.depth`,
		"unit %v lacks ancestor %v at depth %v, which its parent %v has"},
	{"unit closure: stray rows", []string{"units", "unit_closure"},
		`SELECT c.ancestor_id, c.descendant_id, c.depth FROM unit_closure c JOIN units u ON u.id = c.descendant_id
			WHERE NOT (c.ancestor_id = c.descendant_id AND c.depth = 0)
			AND NOT EXISTS (SELECT 1 FROM unit_closure pc WHERE pc.descendant_id = u.parent_id AND pc.ancestor_id = c.ancestor_id AND pc.depth = c.depth - 1)
			ORDER BY c.descendant_id, c.depth`,
		"closure row (ancestor %v, unit %v, depth %v) does not follow from units.parent_id"},
	{"unit depth", []string{"units"},
		`SELECT u.id, u.depth, COALESCE(p.depth + 1, 0) FROM units u LEFT JOIN units p ON p.id = u.parent_id
			WHERE u.depth <> COALESCE(p.depth + 1, 0) ORDER BY u.id`,
		"unit %v has depth %v; its place in the tree says %v"},
	{"project months", []string{"project_months", "progress_reports"},
		`WITH rep AS (SELECT project_id, year, month, CAST(SUM(completed) AS BIGINT) AS c FROM progress_reports
				WHERE kind = 'month' AND is_current = TRUE AND status <> 'returned' AND month >= 1 AND month <= 12
				GROUP BY project_id, year, month)
			SELECT m.project_id, m.year, m.month, m.completed, COALESCE(r.c, 0) FROM project_months m
				LEFT JOIN rep r ON r.project_id = m.project_id AND r.year = m.year AND r.month = m.month
				WHERE m.completed <> COALESCE(r.c, 0)
			UNION ALL
			SELECT r.project_id, r.year, r.month, 0, r.c FROM rep r WHERE r.c <> 0 AND NOT EXISTS
				(SELECT 1 FROM project_months m WHERE m.project_id = r.project_id AND m.year = r.year AND m.month = r.month)
			ORDER BY 1, 2, 3`,
		"project %v, %v month %v: project_months.completed is %v, the month's current report says %v"},
	{"project years: completed", []string{"project_years", "project_months"},
		`WITH mon AS (SELECT project_id, year, CAST(SUM(completed) AS BIGINT) AS c FROM project_months GROUP BY project_id, year)
			SELECT y.project_id, y.year, y.completed, COALESCE(m.c, 0) FROM project_years y
				LEFT JOIN mon m ON m.project_id = y.project_id AND m.year = y.year WHERE y.completed <> COALESCE(m.c, 0)
			UNION ALL
			SELECT m.project_id, m.year, 0, m.c FROM mon m WHERE m.c <> 0 AND NOT EXISTS
				(SELECT 1 FROM project_years y WHERE y.project_id = m.project_id AND y.year = m.year)
			ORDER BY 1, 2`,
		"project %v, %v: project_years.completed is %v, its months add up to %v"},
	{"project years: plan", []string{"project_years", "project_plans"},
		`SELECT y.project_id, y.year, y.plan_total, COALESCE(p.total, 0) FROM project_years y
				LEFT JOIN project_plans p ON p.project_id = y.project_id AND p.year = y.year WHERE y.plan_total <> COALESCE(p.total, 0)
			UNION ALL
			SELECT p.project_id, p.year, 0, p.total FROM project_plans p WHERE p.total <> 0 AND NOT EXISTS
				(SELECT 1 FROM project_years y WHERE y.project_id = p.project_id AND y.year = p.year)
			ORDER BY 1, 2`,
		"project %v, %v: project_years.plan_total is %v, the annual plan says %v"},
	{"projects: completed in all", []string{"projects", "project_years"},
		`SELECT p.id, p.completed_all, COALESCE(y.c, 0) FROM projects p
			LEFT JOIN (SELECT project_id, CAST(SUM(completed) AS BIGINT) AS c FROM project_years GROUP BY project_id) y ON y.project_id = p.id
			WHERE p.completed_all <> COALESCE(y.c, 0) ORDER BY p.id`,
		"project %v: completed_all is %v, its years add up to %v"},
	{"rollups: projects", []string{"rollup_projects", "rollup_dirty", "projects"},
		`SELECT unit_id, stage, tier, 'the rollup has', n, investment FROM (
				SELECT unit_id, stage, tier, n, investment FROM rollup_projects WHERE unit_id NOT IN (SELECT unit_id FROM rollup_dirty)
				EXCEPT
				SELECT unit_id, stage, tier, COUNT(*), CAST(SUM(total_investment) AS BIGINT) FROM projects
					WHERE unit_id NOT IN (SELECT unit_id FROM rollup_dirty) GROUP BY unit_id, stage, tier) a
			UNION ALL
			SELECT unit_id, stage, tier, 'the projects give', n, investment FROM (
				SELECT unit_id, stage, tier, COUNT(*) AS n, CAST(SUM(total_investment) AS BIGINT) AS investment FROM projects
					WHERE unit_id NOT IN (SELECT unit_id FROM rollup_dirty) GROUP BY unit_id, stage, tier
				EXCEPT
				SELECT unit_id, stage, tier, n, investment FROM rollup_projects WHERE unit_id NOT IN (SELECT unit_id FROM rollup_dirty)) b
			ORDER BY 1, 2, 3, 4`,
		"unit %v, stage %v, tier %v: %v %v projects, investment %v"},
	{"rollups: plans", []string{"rollup_years", "rollup_dirty", "project_years", "projects"},
		`SELECT unit_id, year, 'the rollup has', plan, projects FROM (
				SELECT unit_id, year, plan, projects FROM rollup_years WHERE unit_id NOT IN (SELECT unit_id FROM rollup_dirty)
				EXCEPT
				SELECT p.unit_id, y.year, CAST(SUM(y.plan_total) AS BIGINT), SUM(CASE WHEN y.plan_total > 0 THEN 1 ELSE 0 END)
					FROM project_years y JOIN projects p ON p.id = y.project_id
					WHERE p.unit_id NOT IN (SELECT unit_id FROM rollup_dirty) GROUP BY p.unit_id, y.year) a
			UNION ALL
			SELECT unit_id, year, 'the projects give', plan, projects FROM (
				SELECT p.unit_id, y.year, CAST(SUM(y.plan_total) AS BIGINT) AS plan, SUM(CASE WHEN y.plan_total > 0 THEN 1 ELSE 0 END) AS projects
					FROM project_years y JOIN projects p ON p.id = y.project_id
					WHERE p.unit_id NOT IN (SELECT unit_id FROM rollup_dirty) GROUP BY p.unit_id, y.year
				EXCEPT
				SELECT unit_id, year, plan, projects FROM rollup_years WHERE unit_id NOT IN (SELECT unit_id FROM rollup_dirty)) b
			ORDER BY 1, 2, 3`,
		"unit %v, %v: %v plans of %v over %v projects"},
	// Migration 0017: kept by triggers, never dirty. A subtree holds an item raised by one of
	// its units or assigned to one, once; unit 0 holds every item.
	{"rollups: items by status", []string{"rollup_items", "items", "item_units", "unit_closure"},
		`WITH src AS (SELECT m.a AS unit_id, i.kind, i.status, COUNT(*) AS n FROM (` + itemSubtrees + `) m
				JOIN items i ON i.id = m.item GROUP BY m.a, i.kind, i.status)
			SELECT unit_id, kind, status, 'the rollup has', n FROM (
				SELECT unit_id, kind, status, CAST(n AS BIGINT) AS n FROM rollup_items EXCEPT SELECT unit_id, kind, status, n FROM src) a
			UNION ALL
			SELECT unit_id, kind, status, 'the items give', n FROM (
				SELECT unit_id, kind, status, n FROM src EXCEPT SELECT unit_id, kind, status, CAST(n AS BIGINT) FROM rollup_items) b
			ORDER BY 1, 2, 3, 4`,
		"subtree of unit %v, %v %v: %v %v items"},
	{"rollups: items by due date", []string{"rollup_item_due", "items", "item_units", "unit_closure"},
		`WITH src AS (SELECT m.a AS unit_id, CAST(i.due AS TEXT) AS due, i.kind, COUNT(*) AS n FROM (` + itemSubtrees + `) m
				JOIN items i ON i.id = m.item WHERE i.due IS NOT NULL GROUP BY m.a, i.due, i.kind)
			SELECT unit_id, due, kind, 'the rollup has', n FROM (
				SELECT unit_id, CAST(due AS TEXT) AS due, kind, CAST(n AS BIGINT) AS n FROM rollup_item_due EXCEPT SELECT unit_id, due, kind, n FROM src) a
			UNION ALL
			SELECT unit_id, due, kind, 'the items give', n FROM (
				SELECT unit_id, due, kind, n FROM src EXCEPT SELECT unit_id, CAST(due AS TEXT), kind, CAST(n AS BIGINT) FROM rollup_item_due) b
			ORDER BY 1, 2, 3, 4`,
		"subtree of unit %v, due %v, %v: %v %v items"},
}

// itemSubtrees pairs each item with every subtree it counts in (migration 0017): the
// ancestors of its own unit and of its assigned units, and 0.
const itemSubtrees = `SELECT c.ancestor_id AS a, x.id AS item FROM unit_closure c JOIN items x ON x.unit_id = c.descendant_id
	UNION SELECT c.ancestor_id, iu.item_id FROM unit_closure c JOIN item_units iu ON iu.unit_id = c.descendant_id
	UNION SELECT 0, id FROM items`

// Check runs the checks and reports what is wrong. An error means a check could not run.
func (db *DB) Check(ctx context.Context, o CheckOptions) (*CheckReport, error) {
	if o.Limit <= 0 {
		o.Limit = 20
	}
	r := &CheckReport{Engine: db.dialect, Tables: map[string]int64{}}
	tables, err := db.tableNames(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range tables {
		var n int64
		q := `SELECT COUNT(*) FROM ` + quoteSQLite(t)
		if err := db.read.QueryRowContext(ctx, q).Scan(&n); err != nil {
			return nil, fmt.Errorf("check: count %s: %w", t, err)
		}
		r.Tables[t] = n
	}
	if _, ok := r.Tables["schema_migrations"]; !ok {
		return nil, errors.New("check: the database has no schema_migrations: it is not a ding database (or it is empty)")
	}
	st, err := db.Status(ctx)
	if err != nil {
		return nil, err
	}
	mig := CheckResult{Name: "migrations"}
	if len(st.Unknown) > 0 {
		mig.Problems = append(mig.Problems, fmt.Sprintf("migrations this ding does not know (a newer ding wrote the database): %s", strings.Join(st.Unknown, ", ")))
	}
	r.Checks = append(r.Checks, mig)
	if len(st.Pending) > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("%d migrations pending (%s): ding migrate applies them", len(st.Pending), strings.Join(st.Pending, ", ")))
	}
	if db.dialect == SQLite {
		if err := db.checkSQLite(ctx, r, o.Limit); err != nil {
			return nil, err
		}
	} else if err := db.checkPostgres(ctx, r, o.Limit); err != nil {
		return nil, err
	}
	for _, inv := range invariants {
		res := CheckResult{Name: inv.name}
		for _, t := range inv.tables {
			if _, ok := r.Tables[t]; !ok && res.Skipped == "" {
				res.Skipped = "no table " + t
			}
		}
		if res.Skipped == "" {
			if err := db.collect(ctx, &res, o.Limit, inv.query, inv.format); err != nil {
				return nil, fmt.Errorf("check %s: %w", inv.name, err)
			}
		}
		r.Checks = append(r.Checks, res)
	}
	if o.DataDir != "" {
		for _, f := range []struct{ name, table, dir string }{
			{"files: attachments", "item_files", "files"},
			{"files: photos", "report_photos", "photos"},
		} {
			res := CheckResult{Name: f.name}
			if _, ok := r.Tables[f.table]; !ok {
				res.Skipped = "no table " + f.table
			} else if err := db.checkFiles(ctx, &res, o.Limit, f.table, filepath.Join(o.DataDir, f.dir)); err != nil {
				return nil, err
			}
			r.Checks = append(r.Checks, res)
		}
	}
	return r, nil
}

// add records a problem, listing the first limit.
func (c *CheckResult) add(limit int, p string) {
	if len(c.Problems) < limit {
		c.Problems = append(c.Problems, p)
	} else {
		c.More++
	}
}

// collect runs a query whose rows are problems and formats each.
func (db *DB) collect(ctx context.Context, res *CheckResult, limit int, q, format string) error {
	rows, err := db.read.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				vals[i] = string(b)
			}
		}
		res.add(limit, fmt.Sprintf(format, vals...))
	}
	return rows.Err()
}

// tableNames lists the tables of the database (the current schema on PostgreSQL).
func (db *DB) tableNames(ctx context.Context) ([]string, error) {
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`
	if db.dialect == Postgres {
		q = `SELECT c.relname FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace
			AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname`
	}
	rows, err := db.read.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("check: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// checkSQLite runs SQLite's integrity and foreign key checks.
func (db *DB) checkSQLite(ctx context.Context, r *CheckReport, limit int) error {
	integrity := CheckResult{Name: "sqlite: integrity"}
	rows, err := db.read.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return fmt.Errorf("check: integrity: %w", err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return err
		}
		if s != "ok" {
			integrity.add(limit, s)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	r.Checks = append(r.Checks, integrity)
	fk := CheckResult{Name: "sqlite: foreign keys"}
	if err := db.collect(ctx, &fk, limit, `SELECT "table", rowid, parent FROM pragma_foreign_key_check`,
		"%v row %v points at a missing row of %v"); err != nil {
		return fmt.Errorf("check: foreign keys: %w", err)
	}
	r.Checks = append(r.Checks, fk)
	return nil
}

// checkPostgres checks what a restore or a hand-made change could leave behind on
// PostgreSQL: foreign keys not validated, triggers disabled, sequences behind their rows.
func (db *DB) checkPostgres(ctx context.Context, r *CheckReport, limit int) error {
	fk := CheckResult{Name: "postgres: foreign keys"}
	if err := db.collect(ctx, &fk, limit, `SELECT co.conname, cl.relname FROM pg_constraint co JOIN pg_class cl ON cl.oid = co.conrelid
		WHERE co.contype = 'f' AND NOT co.convalidated AND cl.relnamespace = current_schema()::regnamespace ORDER BY 2, 1`,
		"foreign key %v of %v is not validated: its rows were never checked"); err != nil {
		return fmt.Errorf("check: %w", err)
	}
	r.Checks = append(r.Checks, fk)
	trig := CheckResult{Name: "postgres: triggers"}
	if err := db.collect(ctx, &trig, limit, `SELECT t.tgname, cl.relname FROM pg_trigger t JOIN pg_class cl ON cl.oid = t.tgrelid
		WHERE NOT t.tgisinternal AND t.tgenabled = 'D' AND cl.relnamespace = current_schema()::regnamespace ORDER BY 2, 1`,
		"trigger %v on %v is disabled"); err != nil {
		return fmt.Errorf("check: %w", err)
	}
	r.Checks = append(r.Checks, trig)
	seq := CheckResult{Name: "postgres: sequences"}
	err := db.withPgConn(ctx, func(c *pgx.Conn) error {
		tx, err := c.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		tables, err := pgTables(ctx, tx)
		if err != nil {
			return err
		}
		for _, t := range tables {
			for _, s := range t.seqs {
				var last, top int64
				var called bool
				if err := tx.QueryRow(ctx, `SELECT last_value, is_called FROM `+s.seq).Scan(&last, &called); err != nil {
					return err
				}
				if !called {
					last--
				}
				if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(`+pgIdent(s.column)+`), 0) FROM `+pgIdent(t.name)).Scan(&top); err != nil {
					return err
				}
				if top > last {
					seq.add(limit, fmt.Sprintf("sequence %s gives %d next, but %s.%s already has %d: new rows would collide",
						s.seq, last+1, t.name, s.column, top))
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("check: sequences: %w", err)
	}
	r.Checks = append(r.Checks, seq)
	return nil
}

// checkFiles checks that every upload a table names by hash is in dir.
func (db *DB) checkFiles(ctx context.Context, res *CheckResult, limit int, table, dir string) error {
	rows, err := db.read.QueryContext(ctx, `SELECT hash, MIN(name), COUNT(*) FROM `+table+` GROUP BY hash ORDER BY hash`)
	if err != nil {
		return fmt.Errorf("check: %s: %w", table, err)
	}
	defer rows.Close()
	for rows.Next() {
		var hash, name string
		var n int
		if err := rows.Scan(&hash, &name, &n); err != nil {
			return err
		}
		if !validDataName(hash) {
			res.add(limit, fmt.Sprintf("%s names a file %q that cannot be an upload", table, hash))
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, hash)); err != nil {
			res.add(limit, fmt.Sprintf("%s (%s, %d rows of %s) is missing from %s", hash, name, n, table, dir))
		}
	}
	if err := rows.Err(); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	return nil
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"ding"
	"ding/calendar"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// GenOptions describe a generated province for benchmarks and load tests (ding gen).
type GenOptions struct {
	Seed              int64 // the same options and seed make the same data
	Units             int   // org tree size: root → cities → ~100 districts → towns, departments, parks (default 3000)
	Projects          int   // default 100,000
	ReportsPerProject int   // monthly reports per project from January 2023 (default 24: to December 2024)
	// Users: leaders, office staff and liaisons (default: half the projects, 50,000 for
	// 100,000). Demands: demands and action items (default: twice the projects, 200,000;
	// negative: none). See genUsers and genItems.
	Users   int
	Demands int
	// PasswordHash is every generated user's password hash (auth.Hasher.Hash of one
	// password, made once by the caller); empty: nobody can log in.
	PasswordHash string `json:"-"`
	// Progress, when set, is called after each batch of projects is written.
	Progress func(done, total int) `json:"-"`
}

func (o *GenOptions) defaults() {
	if o.Units <= 0 {
		o.Units = 3000
	}
	if o.Projects <= 0 {
		o.Projects = 100_000
	}
	if o.ReportsPerProject <= 0 {
		o.ReportsPerProject = 24
	}
	if o.Users <= 0 {
		o.Users = max(1, o.Projects/2)
	}
	switch {
	case o.Demands == 0:
		o.Demands = 2 * o.Projects
	case o.Demands < 0:
		o.Demands = -1
	}
}

// genVersion changes whenever Generate writes different rows for the same options, so that
// a kept data set (OpenGenerated) of an older generator is not reused. 2: users, demands.
const genVersion = 2

// Key names the data set the options produce, for caching a generated database.
func (o GenOptions) Key() string {
	o.defaults()
	return fmt.Sprintf("ding_gen_v%d_s%d_u%d_p%d_r%d_n%d_d%d", genVersion, o.Seed, o.Units, o.Projects, o.ReportsPerProject,
		o.Users, max(o.Demands, 0))
}

// GenResult says what Generate wrote.
type GenResult struct {
	Options     GenOptions     `json:"options"`
	Units       int            `json:"units"`
	Users       int            `json:"users"`
	Projects    int            `json:"projects"`
	Reports     int            `json:"reports"`
	Plans       int            `json:"plans"`
	Items       int            `json:"items"`       // demands and action items
	Demands     int            `json:"demands"`     // of which demands
	ItemEvents  int            `json:"item_events"` // the steps of their flows
	UserGroups  []GenUserGroup `json:"user_groups"` // who can log in, by role
	Rows        int            `json:"rows"`        // every row written, all tables
	Took        time.Duration  `json:"took"`
	RollupsTook time.Duration  `json:"rollups_took"` // of Took: building the dashboards' rollups
}

// settingGenerated marks a database that Generate filled, with its GenResult.
const settingGenerated = "generated"

// genFirstYear is the year of the first generated report.
const genFirstYear = 2023

// Generate fills an empty, migrated database with a province of projects: the org tree and
// its closure; users (leaders, office staff, liaisons: gen_items.go) with one password hash;
// projects with their teams, timelines, milestones, annual plans, approved monthly reports,
// and the running figures (project_years, project_months, projects.completed_all) computed
// here exactly as recomputeYear would; demands and action items with their assigned units
// and the events of their steps, as the store's steps and the nightly pass of genToday would
// have left them; then the dashboards' rollups, by the store's own refresh. Rows go in with
// multi-row INSERTs in a few large transactions on SQLite and with COPY on PostgreSQL.
// Nothing else in ding writes rows this way: it bypasses validation, scope, notifications
// and the audit log (only the two settings it saves, the chain list and the marker that
// Generated reads, are audited). Warnings are left to the nightly pass (ding warn recompute).
func (db *DB) Generate(ctx context.Context, o GenOptions) (*GenResult, error) {
	o.defaults()
	if o.Projects > 999_999 {
		return nil, fmt.Errorf("generate: at most 999,999 projects (the serial of a 项目代码 has six digits)")
	}
	if o.Units < 20 {
		return nil, fmt.Errorf("generate: at least 20 units")
	}
	start := time.Now()
	var n int
	if err := db.write.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM units) + (SELECT COUNT(*) FROM projects)`).Scan(&n); err != nil {
		return nil, db.mapErr(err)
	}
	if n > 0 {
		return nil, fmt.Errorf("generate: the database already has units or projects; generate into an empty one")
	}
	cal, err := db.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	clocks, err := db.ItemClocks(ctx)
	if err != nil {
		return nil, err
	}
	g := newGenerator(db.dialect, o, db.Now().UTC().Truncate(time.Microsecond))
	g.cal, g.clocks = cal, clocks
	if err := g.layoutUsers(); err != nil {
		return nil, err
	}
	res := &GenResult{Options: o}
	res.Options.Progress, res.Options.PasswordHash = nil, ""
	if db.dialect == Postgres {
		err = db.genPostgres(ctx, g, res)
	} else {
		err = db.genSQLite(ctx, g, res)
	}
	if err != nil {
		return nil, err
	}
	// Planner statistics after the bulk load (PostgreSQL's VACUUM ANALYZE above): without
	// them SQLite reads every project of the filtered stages to test the scope.
	if err := db.Optimize(ctx); err != nil {
		return nil, err
	}
	sysCtx := ding.WithActor(ctx, ding.SystemActor("gen"))
	if err := db.SetChains(sysCtx, genChains); err != nil {
		return nil, err
	}
	// The dashboards' rollups, which the projects' triggers marked for rebuilding: built
	// now, as the first dashboard of a database in service would have built them.
	t := time.Now()
	if err := db.refreshRollups(ctx); err != nil {
		return nil, err
	}
	res.RollupsTook = time.Since(t)
	res.Took = time.Since(start)
	if err := db.putSetting(sysCtx, settingGenerated, nil, res); err != nil {
		return nil, err
	}
	return res, nil
}

// Generated returns what Generate wrote into this database, or false if it did not fill it.
func (db *DB) Generated(ctx context.Context) (*GenResult, bool, error) {
	var r GenResult
	ok, err := getSetting(ctx, db.reader(), settingGenerated, &r)
	if err != nil || !ok {
		return nil, false, err
	}
	return &r, true, nil
}

// genBulkTables are the project tables Generate fills in bulk; their secondary indexes
// and foreign keys are set aside during the load.
var genBulkTables = []string{"projects", "project_units", "project_milestones", "project_stage_changes",
	"project_plans", "project_years", "project_months", "progress_reports", "items", "item_units", "item_events"}

// genChunk is how many projects are generated and written at a time.
const genChunk = 2000

// genSQLite writes with multi-row INSERTs, one transaction per ~600,000 rows (10,000 projects).
func (db *DB) genSQLite(ctx context.Context, g *generator, res *GenResult) error {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return db.mapErr(err)
	}
	defer conn.Close()
	// For the load: a larger page cache, and statement journals (every multi-row INSERT
	// keeps one) in memory instead of a temporary file. Both go back to SQLite's defaults
	// (Open sets neither) before the connection returns to the pool.
	if _, err := conn.ExecContext(ctx, `PRAGMA cache_size = -262144`); err != nil {
		return db.mapErr(err)
	}
	defer conn.ExecContext(context.Background(), `PRAGMA cache_size = -2000`)
	if _, err := conn.ExecContext(ctx, `PRAGMA temp_store = MEMORY`); err != nil {
		return db.mapErr(err)
	}
	defer conn.ExecContext(context.Background(), `PRAGMA temp_store = DEFAULT`)
	var tx *sql.Tx
	var w *sqliteGenWriter
	begin := func() error {
		var err error
		if tx, err = conn.BeginTx(ctx, nil); err != nil {
			return db.mapErr(err)
		}
		w = &sqliteGenWriter{ctx: ctx, tx: tx, stmts: map[string]*sql.Stmt{}}
		return nil
	}
	commit := func() error {
		err := tx.Commit()
		tx = nil
		return db.mapErr(err)
	}
	defer func() {
		if tx != nil {
			tx.Rollback()
		}
	}()
	if err := begin(); err != nil {
		return err
	}
	if err := g.writeTree(w, res); err != nil {
		return err
	}
	// Secondary indexes are built once at the end (from their own DDL), which is faster
	// than keeping them up to date row by row.
	var indexes []string
	rows, err := tx.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
		AND tbl_name IN ('`+strings.Join(genBulkTables, "', '")+`')`)
	if err != nil {
		return db.mapErr(err)
	}
	var drop []string
	for rows.Next() {
		var name, ddl string
		if err := rows.Scan(&name, &ddl); err != nil {
			rows.Close()
			return db.mapErr(err)
		}
		drop = append(drop, name)
		indexes = append(indexes, ddl)
	}
	rows.Close()
	for _, name := range drop {
		if _, err := tx.ExecContext(ctx, `DROP INDEX `+name); err != nil {
			return db.mapErr(err)
		}
	}
	recreate := func() error {
		for len(indexes) > 0 {
			if _, err := tx.ExecContext(ctx, indexes[0]); err != nil {
				return db.mapErr(err)
			}
			indexes = indexes[1:]
		}
		return nil
	}
	defer func() {
		// A failed load keeps its committed part: give it its indexes back.
		if tx != nil {
			tx.Rollback()
			tx = nil
		}
		if len(indexes) > 0 && begin() == nil {
			if recreate() == nil {
				commit()
			}
		}
	}()
	sinceCommit := 0
	err = g.run(ctx, func(c *genBatch) error {
		before := res.Rows
		if err := c.write(w, res); err != nil {
			return err
		}
		// About 10,000 projects' rows a transaction.
		if sinceCommit += res.Rows - before; sinceCommit >= 600_000 {
			sinceCommit = 0
			if err := commit(); err != nil {
				return err
			}
			return begin()
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := recreate(); err != nil {
		return err
	}
	return commit()
}

// genPostgres writes with COPY through pgx, in one transaction, then sets the identity
// sequences past the generated ids and vacuums and analyzes the tables.
func (db *DB) genPostgres(ctx context.Context, g *generator, res *GenResult) error {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return db.mapErr(err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		tx, err := pc.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		// Foreign keys and secondary indexes of the project tables are set aside for the
		// load and put back from their own definitions: one validating query per key and
		// one sort per index instead of a check and an index insert per row.
		var restore []string
		rows, err := tx.Query(ctx, `SELECT 'ALTER TABLE ' || quote_ident(cl.relname) || ' DROP CONSTRAINT ' || quote_ident(co.conname),
				'ALTER TABLE ' || quote_ident(cl.relname) || ' ADD CONSTRAINT ' || quote_ident(co.conname) || ' ' || pg_get_constraintdef(co.oid)
			FROM pg_constraint co JOIN pg_class cl ON cl.oid = co.conrelid
			WHERE co.contype = 'f' AND cl.relnamespace = current_schema()::regnamespace AND cl.relname = ANY($1)
			UNION ALL
			SELECT 'DROP INDEX ' || quote_ident(ic.relname), pg_get_indexdef(i.indexrelid)
			FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class tc ON tc.oid = i.indrelid
			WHERE tc.relnamespace = current_schema()::regnamespace AND tc.relname = ANY($1)
			AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x'))`, genBulkTables)
		if err != nil {
			return err
		}
		var drop []string
		for rows.Next() {
			var d, r string
			if err := rows.Scan(&d, &r); err != nil {
				rows.Close()
				return err
			}
			drop, restore = append(drop, d), append(restore, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, q := range append(drop, `SET LOCAL maintenance_work_mem = '256MB'`) {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		w := &pgGenWriter{ctx: ctx, tx: tx}
		if err := g.writeTree(w, res); err != nil {
			return err
		}
		if err := g.run(ctx, func(c *genBatch) error { return c.write(w, res) }); err != nil {
			return err
		}
		for _, q := range restore {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		for _, t := range []string{"units", "users", "projects", "project_milestones", "project_stage_changes", "progress_reports", "items", "item_events"} {
			if _, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'), COALESCE((SELECT MAX(id) FROM `+t+`), 0) + 1, false)`); err != nil {
				return err
			}
		}
		return tx.Commit(ctx)
	})
	if err != nil {
		return db.mapErr(err)
	}
	// What autovacuum would do soon after: statistics for the planner, and the visibility
	// map that lets it answer from indexes alone.
	_, err = conn.ExecContext(ctx, `VACUUM (ANALYZE) units, unit_closure, users, `+strings.Join(genBulkTables, ", "))
	return db.mapErr(err)
}

// genTable is a table's rows of one batch, flat: row i is vals[i*len(cols):(i+1)*len(cols)].
type genTable struct {
	name string
	cols []string
	vals []any
}

func (t *genTable) rows() int { return len(t.vals) / len(t.cols) }

func (t *genTable) add(v ...any) {
	if len(v) != len(t.cols) {
		panic("gen: " + t.name + ": wrong number of values")
	}
	t.vals = append(t.vals, v...)
}

type genWriter interface{ write(t *genTable) error }

// sqliteGenWriter inserts many rows per statement, reusing a prepared statement for full
// batches.
type sqliteGenWriter struct {
	ctx   context.Context
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
}

func genInsertSQL(t *genTable, rows int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO " + t.name + " (" + strings.Join(t.cols, ", ") + ") VALUES ")
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(t.cols)), ", ") + ")"
	for i := 0; i < rows; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(one)
	}
	return b.String()
}

func (w *sqliteGenWriter) write(t *genTable) error {
	nc := len(t.cols)
	per := min(32766/nc, 500)
	n := t.rows()
	for off := 0; off < n; off += per {
		k := min(per, n-off)
		args := t.vals[off*nc : (off+k)*nc]
		var err error
		if k == per {
			st := w.stmts[t.name]
			if st == nil {
				if st, err = w.tx.PrepareContext(w.ctx, genInsertSQL(t, per)); err != nil {
					return fmt.Errorf("generate %s: %w", t.name, err)
				}
				w.stmts[t.name] = st
			}
			_, err = st.ExecContext(w.ctx, args...)
		} else {
			_, err = w.tx.ExecContext(w.ctx, genInsertSQL(t, k), args...)
		}
		if err != nil {
			return fmt.Errorf("generate %s: %w", t.name, err)
		}
	}
	return nil
}

// pgGenWriter copies rows with COPY FROM STDIN (binary).
type pgGenWriter struct {
	ctx context.Context
	tx  pgx.Tx
}

func (w *pgGenWriter) write(t *genTable) error {
	nc := len(t.cols)
	_, err := w.tx.CopyFrom(w.ctx, pgx.Identifier{t.name}, t.cols, pgx.CopyFromSlice(t.rows(), func(i int) ([]any, error) {
		return t.vals[i*nc : (i+1)*nc], nil
	}))
	if err != nil {
		return fmt.Errorf("generate %s: %w", t.name, err)
	}
	return nil
}

// genBatch is the rows of a batch of projects, in the order the foreign keys need.
type genBatch struct {
	projects int
	reports  int
	plans    int
	items    int // demands and action items
	demands  int
	events   int // item_events
	tables   []*genTable
}

func (c *genBatch) write(w genWriter, res *GenResult) error {
	for _, t := range c.tables {
		if err := w.write(t); err != nil {
			return err
		}
		res.Rows += t.rows()
	}
	res.Projects += c.projects
	res.Reports += c.reports
	res.Plans += c.plans
	res.Items += c.items
	res.Demands += c.demands
	res.ItemEvents += c.events
	return nil
}

// Column lists of the generated tables.
var (
	genUnitCols      = []string{"id", "parent_id", "name", "short_name", "kind", "code", "sort_order", "disabled", "depth", "created_at", "updated_at"}
	genClosureCols   = []string{"ancestor_id", "descendant_id", "depth"}
	genUserCols      = []string{"id", "username", "display_name", "unit_id", "role", "scope", "lang", "email", "phone", "password_hash", "disabled", "created_at", "updated_at"}
	genProjectCols   = []string{"id", "code", "name", "short_name", "owner_name", "owner_code", "unit_id", "location_id", "leader_id", "nature", "investor", "industry", "chain", "manufacturing", "high_tech", "private", "total_investment", "tier", "land_mu", "content", "planned_start", "planned_end", "actual_start", "actual_end", "expected_output", "expected_tax", "agreement_type", "signed_on", "in_stats", "in_stats_on", "stage", "stage_on", "drop_reason", "completed_all", "version", "created_at", "updated_at"}
	genTeamCols      = []string{"project_id", "unit_id", "role", "contact_name", "contact_phone", "duty"}
	genMilestoneCols = []string{"id", "project_id", "name", "stage", "planned_on", "actual_on", "sort_order"}
	genStageCols     = []string{"id", "project_id", "from_stage", "to_stage", "on_date", "reason", "actor_name", "created_at"}
	genPlanCols      = append(append([]string{"project_id", "year", "total"}, strings.Split(monthCols, ", ")...), "goal", "updated_at")
	genYearCols      = []string{"project_id", "year", "plan_total", "completed", "progress_pct", "last_period"}
	genMonthCols     = []string{"project_id", "year", "month", "planned", "completed"}
	genReportCols    = []string{"id", "project_id", "period", "kind", "year", "month", "period_end", "version", "is_current", "completed", "progress_text", "progress_pct", "problems", "next_steps", "status", "late", "review_comment", "reviewer_name", "reviewed_at", "submitter_id", "submitter_name", "submitted_at"}
)

// genUnit is a unit of the generated tree.
type genUnit struct {
	id, parent int64
	name       string
	kind       ding.UnitKind
	code       string
	sort       int
	depth      int
}

// genDistrict is what a project draws its units from.
type genDistrict struct {
	id        int64
	code      string // 行政区划代码, the middle of the project codes
	leader    int64  // user id
	leads     []int64
	locations []int64 // towns and parks
}

// generator makes the rows; the same options make the same rows.
type generator struct {
	dialect   Dialect
	o         GenOptions
	now       time.Time
	units     []genUnit
	districts []genDistrict
	// For the users and the items (gen_items.go).
	cal       *calendar.Calendar
	clocks    ding.ItemClocks
	users     genUserLayout
	projLead  []int64  // each project's lead unit, by index
	projShort []string // and its short name
}

func newGenerator(d Dialect, o GenOptions, now time.Time) *generator {
	g := &generator{dialect: d, o: o, now: now, projLead: make([]int64, o.Projects), projShort: make([]string, o.Projects)}
	g.buildTree()
	return g
}

// buildTree lays out root → cities → districts (10 per city) → leaves (towns,
// departments, parks) so that the tree has o.Units units and a city's subtree about 300.
func (g *generator) buildTree() {
	n := g.o.Units
	cities := max(1, (n+150)/300)
	if cities > 99 {
		cities = 99
	}
	perCity := 10
	for cities*perCity*3+cities+1 > n && perCity > 1 {
		perCity--
	}
	nd := cities * perCity
	leaves := n - 1 - cities - nd
	id := int64(0)
	add := func(parent int64, name string, kind ding.UnitKind, code string, sort, depth int) int64 {
		id++
		g.units = append(g.units, genUnit{id: id, parent: parent, name: name, kind: kind, code: code, sort: sort, depth: depth})
		return id
	}
	root := add(0, "东海省", ding.UnitCity, "330000", 0, 0)
	d := 0
	for c := 0; c < cities; c++ {
		cname := genPlace(c) + "市"
		city := add(root, cname, ding.UnitCity, fmt.Sprintf("33%02d00", c+1), c, 1)
		for k := 0; k < perCity; k++ {
			dname := genPlace(cities+d) + "区"
			dist := add(city, dname, ding.UnitDistrict, fmt.Sprintf("33%02d%02d", c+1, k+1), k, 2)
			gd := genDistrict{id: dist, code: fmt.Sprintf("33%02d%02d", c+1, k+1)}
			nl := leaves / nd
			if d < leaves%nd {
				nl++
			}
			for j := 0; j < nl; j++ {
				var name string
				var kind ding.UnitKind
				switch r := j % 10; {
				case r < 4:
					kind = ding.UnitTown
					name = dname + genPlace(1000+d*40+j) + []string{"镇", "街道", "乡"}[j%3]
				case r < 9:
					kind = ding.UnitDepartment
					name = dname + genDepts[j%len(genDepts)]
					if j >= len(genDepts) {
						name += strconv.Itoa(j)
					}
				default:
					kind = ding.UnitPark
					name = dname + genParks[(j/10)%len(genParks)]
				}
				u := add(dist, name, kind, "", j, 3)
				gd.leads = append(gd.leads, u)
				if kind != ding.UnitDepartment {
					gd.locations = append(gd.locations, u)
				}
			}
			gd.leads = append(gd.leads, dist)
			if len(gd.locations) == 0 {
				// A tiny tree: the district needs a place to build.
				id++
				g.units = append(g.units, genUnit{id: id, parent: dist, name: dname + "城关镇", kind: ding.UnitTown, depth: 3})
				gd.locations = append(gd.locations, id)
			}
			gd.leader = int64(d + 1)
			g.districts = append(g.districts, gd)
			d++
		}
	}
}

// writeTree writes the units, their closure and the district leaders.
func (g *generator) writeTree(w genWriter, res *GenResult) error {
	units := &genTable{name: "units", cols: genUnitCols}
	closure := &genTable{name: "unit_closure", cols: genClosureCols}
	parent := map[int64]int64{}
	for _, u := range g.units {
		var p any
		if u.parent != 0 {
			p = u.parent
		}
		units.add(u.id, p, u.name, "", string(u.kind), u.code, u.sort, false, u.depth, g.ts(g.now), g.ts(g.now))
		parent[u.id] = u.parent
		depth := 0
		for a := u.id; a != 0; a = parent[a] {
			closure.add(a, u.id, depth)
			depth++
		}
	}
	users := g.userRows()
	for _, t := range []*genTable{units, closure, users} {
		if err := w.write(t); err != nil {
			return err
		}
		res.Rows += t.rows()
	}
	res.Units, res.Users, res.UserGroups = len(g.units), users.rows(), g.users.groups()
	return nil
}

// run generates the projects in batches on one goroutine and hands each batch to write on
// the caller's, so that making rows and writing them overlap.
func (g *generator) run(ctx context.Context, write func(*genBatch) error) error {
	ch := make(chan *genBatch, 1)
	done := make(chan struct{})
	defer close(done)
	go func() {
		defer close(ch)
		for first := 0; first < g.o.Projects; first += genChunk {
			b := g.batch(first, min(first+genChunk, g.o.Projects))
			select {
			case ch <- b:
			case <-done:
				return
			}
		}
		// The items draw on the projects' lead units, recorded by batch above.
		next := int64(1) // item_events ids, in item order
		for first := 0; first < g.o.Demands; first += genItemChunk {
			b := g.itemBatch(first, min(first+genItemChunk, g.o.Demands), &next)
			select {
			case ch <- b:
			case <-done:
				return
			}
		}
	}()
	written := 0
	for b := range ch {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := write(b); err != nil {
			return err
		}
		written += b.projects
		if g.o.Progress != nil && b.projects > 0 {
			g.o.Progress(written, g.o.Projects)
		}
	}
	return nil
}

// Values as each engine stores them: SQLite keeps dates and timestamps as text.
func (g *generator) date(d ding.Date) any {
	if d.IsZero() {
		return nil
	}
	if g.dialect == Postgres {
		return d.Time()
	}
	return d.String()
}

func (g *generator) ts(t time.Time) any {
	if g.dialect == Postgres {
		return t.UTC()
	}
	return t.UTC().Format(tsLayout)
}

// Stage weights (per mille) of the generated projects.
var genStageWeights = []struct {
	s ding.Stage
	w int
}{
	{ding.StagePlanning, 80}, {ding.StageNegotiating, 80}, {ding.StageSigned, 100}, {ding.StageLanded, 80},
	{ding.StageStarted, 250}, {ding.StageCompleted, 150}, {ding.StageProducing, 120}, {ding.StageInStats, 100}, {ding.StageDropped, 40},
}

func genStage(r *rand.Rand) ding.Stage {
	x := r.IntN(1000)
	for _, sw := range genStageWeights {
		if x < sw.w {
			return sw.s
		}
		x -= sw.w
	}
	return ding.StageStarted
}

// genProject is one project's facts while its rows are made.
type genProject struct {
	id      int64
	stage   ding.Stage
	reached ding.Stage // the last lifecycle stage reached (for dropped projects: before the drop)
	stageOn ding.Date
	history []ding.Stage
	onDates []ding.Date
	regOn   ding.Date
	signed  ding.Date
	start   ding.Date
	end     ding.Date
	total   int64
	govt    bool
	lastM   int // the last month (counted from January of genFirstYear) with investment: the drop
}

// batch makes the rows of projects [from, to).
func (g *generator) batch(from, to int) *genBatch {
	b := &genBatch{projects: to - from}
	projects := &genTable{name: "projects", cols: genProjectCols, vals: make([]any, 0, (to-from)*len(genProjectCols))}
	team := &genTable{name: "project_units", cols: genTeamCols}
	milestones := &genTable{name: "project_milestones", cols: genMilestoneCols}
	stages := &genTable{name: "project_stage_changes", cols: genStageCols}
	plans := &genTable{name: "project_plans", cols: genPlanCols}
	years := &genTable{name: "project_years", cols: genYearCols}
	months := &genTable{name: "project_months", cols: genMonthCols}
	reports := &genTable{name: "progress_reports", cols: genReportCols, vals: make([]any, 0, (to-from)*g.o.ReportsPerProject*len(genReportCols))}
	b.tables = []*genTable{projects, team, milestones, stages, plans, years, months, reports}
	nr := g.o.ReportsPerProject
	nYears := (nr + 11) / 12
	for i := from; i < to; i++ {
		r := rand.New(rand.NewPCG(uint64(g.o.Seed), uint64(i)+1<<32))
		id := int64(i + 1)
		d := g.districts[i%len(g.districts)]
		// Facts.
		investor := ding.Investor("private")
		switch x := r.IntN(100); {
		case x < 10:
			investor = ding.InvestorGovernment
		case x < 30:
			investor = "soe"
		case x < 35:
			investor = "foreign"
		case x < 45:
			investor = "mixed"
		}
		p := g.lifecycle(r, id, investor == ding.InvestorGovernment)

		industry := "C"
		if r.IntN(100) >= 60 {
			industry = ding.Industries[r.IntN(len(ding.Industries))]
		}
		manufacturing := industry == "C"
		highTech := r.IntN(100) < 10 || (manufacturing && r.IntN(100) < 25)
		nature := ding.Natures[0]
		switch x := r.IntN(100); {
		case x < 20:
			nature = ding.Natures[1]
		case x < 35:
			nature = ding.Natures[4]
		case x < 38:
			nature = ding.Natures[2]
		case x < 40:
			nature = ding.Natures[3]
		}
		brand := genBrands[r.IntN(len(genBrands))]
		product := genProducts[r.IntN(len(genProducts))]
		owner := genPlace(r.IntN(400)) + brand + product.owner + "有限公司"
		name := brand + product.name + genForms[r.IntN(len(genForms))] + "项目"
		short := brand + product.name
		lead := d.leads[r.IntN(len(d.leads))]
		loc := d.locations[r.IntN(len(d.locations))]
		g.projLead[i], g.projShort[i] = lead, short
		var leader any
		if r.IntN(100) < 80 {
			leader = d.leader
		}
		plannedStart := p.signed
		if plannedStart.IsZero() {
			plannedStart = p.regOn
		}
		plannedStart = plannedStart.AddDays(30 + r.IntN(150))
		plannedEnd := plannedStart.AddDays(365 + r.IntN(730))
		output := p.total / 100 * int64(80+r.IntN(120))
		tax := output / 100 * int64(4+r.IntN(6))
		agreement := ""
		if !p.signed.IsZero() {
			agreement = []string{"投资协议", "框架协议", "补充协议"}[r.IntN(3)]
		}
		inStats := p.reached == ding.StageInStats
		var inStatsOn ding.Date
		if inStats {
			inStatsOn = p.onDates[len(p.onDates)-1]
			if p.stage == ding.StageDropped {
				inStatsOn = p.onDates[len(p.onDates)-2]
			}
		}
		dropReason := ""
		if p.stage == ding.StageDropped {
			dropReason = genDropReasons[r.IntN(len(genDropReasons))]
		}
		code := fmt.Sprintf("%02d%02d-%s-%02d-%02d-%06d", p.regOn.Year%100, int(p.regOn.Month), d.code, 1+r.IntN(99), 1+r.IntN(3), i+1)
		created := time.Date(p.regOn.Year, p.regOn.Month, p.regOn.Day, 9+r.IntN(8), r.IntN(60), 0, 0, ding.Shanghai)
		chain := ""
		if r.IntN(100) < 85 {
			chain = genChains[r.IntN(len(genChains))]
		}

		// Plans, reports and the running figures.
		var completedAll int64
		for y := 0; y < nYears; y++ {
			year := genFirstYear + y
			var plan [12]int64
			planTotal := genWan(p.total / 1000 * int64(100+r.IntN(200)))
			var weights [12]int64
			var wsum int64
			for m := range weights {
				weights[m] = int64(60 + 8*m + r.IntN(30))
				wsum += weights[m]
			}
			var msum int64
			for m := 0; m < 11; m++ {
				plan[m] = genWan(planTotal * weights[m] / wsum)
				msum += plan[m]
			}
			plan[11] = planTotal - msum
			pv := []any{id, year, planTotal}
			for _, v := range plan {
				pv = append(pv, v)
			}
			pv = append(pv, genGoals[r.IntN(len(genGoals))], g.ts(g.now))
			plans.add(pv...)
			b.plans++

			var done [12]int64
			lastPct, lastPeriod := 0, ""
			for m := 0; m < 12; m++ {
				k := y*12 + m
				if k >= nr {
					break
				}
				period := ding.MonthPeriod(year, time.Month(m+1))
				end := period.End()
				var completed int64
				if !p.start.IsZero() && !end.Before(p.start) && k <= p.lastM && (p.end.IsZero() || !period.Start().After(p.end.AddDays(90))) {
					completed = genWan(plan[m] / 100 * int64(50+r.IntN(90)))
				}
				done[m] = completed
				pct := g.pct(p, end)
				text := genProgressText(pct)
				problems := ""
				if r.IntN(100) < 8 {
					problems = genProblems[r.IntN(len(genProblems))]
				}
				next := ""
				if r.IntN(100) < 30 {
					next = "按计划推进下一阶段建设"
				}
				day := 3 + r.IntN(20)
				submitted := time.Date(year, time.Month(m+2), day, 9+r.IntN(9), r.IntN(60), r.IntN(60), 0, ding.Shanghai)
				reviewed := submitted.Add(time.Duration(2+r.IntN(70)) * time.Hour)
				late := day > ding.DefaultReportWindow.CloseDay
				reports.add(int64(i)*int64(nr)+int64(k)+1, id, period.String(), string(ding.PeriodMonth), year, m+1, g.date(end), 1, true,
					completed, text, pct, problems, next, string(ding.ReportApproved), late, "", "gen", g.ts(reviewed), 0, "gen", g.ts(submitted))
				b.reports++
				lastPct, lastPeriod = pct, period.String()
			}
			var ysum int64
			for m := 0; m < 12; m++ {
				if plan[m] != 0 || done[m] != 0 {
					months.add(id, year, m+1, plan[m], done[m])
				}
				ysum += done[m]
			}
			years.add(id, year, planTotal, ysum, lastPct, lastPeriod)
			completedAll += ysum
		}

		projects.add(id, code, name, short, owner, genUSCC(r), lead, loc, leader,
			string(nature), string(investor), industry, chain, manufacturing, highTech, investor == "private",
			p.total, int(ding.TierOf(p.total)), float64(20+r.IntN(780)), genContent[r.IntN(len(genContent))],
			g.date(plannedStart), g.date(plannedEnd), g.date(p.start), g.date(p.end), output, tax, agreement, g.date(p.signed),
			inStats, g.date(inStatsOn), string(p.stage), g.date(p.stageOn), dropReason, completedAll, 1, g.ts(created), g.ts(created))

		// Team: the lead unit and up to two cooperating units of the district.
		team.add(id, lead, string(ding.TeamLead), genPerson(r), genPhone(r), "牵头推进项目建设")
		used := map[int64]bool{lead: true}
		for k := r.IntN(3); k > 0; k-- {
			u := d.leads[r.IntN(len(d.leads))]
			if used[u] {
				continue
			}
			used[u] = true
			team.add(id, u, string(ding.TeamCoop), genPerson(r), genPhone(r), genDuties[r.IntN(len(genDuties))])
		}

		// Timeline and milestones.
		prev := ding.Stage("")
		for k, s := range p.history {
			stages.add(int64(i)*10+int64(k)+1, id, string(prev), string(s), g.date(p.onDates[k]), genStageReason(s), "gen",
				g.ts(time.Date(p.onDates[k].Year, p.onDates[k].Month, p.onDates[k].Day, 10, 0, 0, 0, ding.Shanghai)))
			prev = s
		}
		for k, m := range []struct {
			name    string
			s       ding.Stage
			planned ding.Date
		}{{"签约", ding.StageSigned, p.signed}, {"开工", ding.StageStarted, plannedStart}, {"竣工", ding.StageCompleted, plannedEnd},
			{"投产", ding.StageProducing, ding.Date{}}, {"入统", ding.StageInStats, ding.Date{}}} {
			var actual ding.Date
			for h, s := range p.history {
				if s == m.s {
					actual = p.onDates[h]
				}
			}
			milestones.add(int64(i)*5+int64(k)+1, id, m.name, string(m.s), g.date(m.planned), g.date(actual), (k+1)*10)
		}
	}
	return b
}

// lifecycle draws a project's stage, its timeline and its dates. Every date lies between
// 2019 and the end of 2024.
func (g *generator) lifecycle(r *rand.Rand, id int64, govt bool) *genProject {
	p := &genProject{id: id, stage: genStage(r), lastM: 1 << 30, govt: govt}
	// Size: mostly 1–10亿, some larger, a few under 1亿 (万元 precision).
	switch x := r.IntN(100); {
	case x < 5:
		p.total = int64(3000+r.IntN(7000)) * 10_000
	case x < 75:
		p.total = genWan(ding.Yi + r.Int64N(9*ding.Yi))
	case x < 97:
		p.total = genWan(10*ding.Yi + r.Int64N(90*ding.Yi))
	default:
		p.total = genWan(100*ding.Yi + r.Int64N(200*ding.Yi))
	}
	p.reached = p.stage
	if p.stage == ding.StageDropped {
		p.reached = ding.Stages[r.IntN(5)]
	}
	last := ding.Date{Year: 2024, Month: 12, Day: 20}
	first := ding.Date{Year: 2019, Month: 1, Day: 1}
	// Later stages registered earlier.
	span := int(last.Time().Sub(first.Time()).Hours() / 24)
	idx := p.reached.Index()
	p.regOn = first.AddDays(r.IntN(max(1, span*(8-idx)/9)))
	on := p.regOn
	remaining := int(last.Time().Sub(on.Time()).Hours() / 24)
	step := max(1, remaining/(idx+2))
	for k := 0; k <= idx; k++ {
		s := ding.Stages[k]
		if k > 0 {
			on = on.AddDays(1 + r.IntN(step))
		}
		if s == ding.StageSigned && p.govt && idx > ding.StageLanded.Index() && r.IntN(2) == 0 {
			continue // government projects may start without signing
		}
		p.history = append(p.history, s)
		p.onDates = append(p.onDates, on)
		switch s {
		case ding.StageSigned:
			p.signed = on
		case ding.StageStarted:
			p.start = on
		case ding.StageCompleted:
			p.end = on
		}
	}
	if p.stage == ding.StageDropped {
		on = on.AddDays(1 + r.IntN(max(1, int(last.Time().Sub(on.Time()).Hours()/24))))
		p.history = append(p.history, ding.StageDropped)
		p.onDates = append(p.onDates, on)
		p.lastM = (on.Year-genFirstYear)*12 + int(on.Month) - 1
	}
	p.stageOn = p.onDates[len(p.onDates)-1]
	return p
}

// pct is the 形象进度 at a date: nothing before the start, 100 once completed.
func (g *generator) pct(p *genProject, at ding.Date) int {
	if p.start.IsZero() || at.Before(p.start) {
		return 0
	}
	if !p.end.IsZero() && !at.Before(p.end) {
		return 100
	}
	days := at.Time().Sub(p.start.Time()).Hours() / 24
	return min(95, int(days/10)+1)
}

func genProgressText(pct int) string {
	switch {
	case pct == 0:
		return "前期手续办理中"
	case pct < 15:
		return "场地平整及桩基施工"
	case pct < 40:
		return "主体结构施工"
	case pct < 70:
		return "主体封顶，配套工程施工"
	case pct < 100:
		return "设备安装调试"
	}
	return "竣工投产"
}

func genStageReason(s ding.Stage) string {
	if s == ding.StageDropped {
		return "投资方调整投资计划"
	}
	return ""
}

// genWan rounds yuan down to whole 万元.
func genWan(v int64) int64 { return v / 10_000 * 10_000 }

// genUSCC makes a 统一社会信用代码 with a correct check character.
func genUSCC(r *rand.Rand) string {
	const chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	b := []byte("91330")
	for len(b) < 17 {
		b = append(b, chars[r.IntN(len(chars))])
	}
	c, _ := ding.USCCCheckChar(string(b))
	return string(append(b, c))
}

func genPerson(r *rand.Rand) string {
	return genSurnames[r.IntN(len(genSurnames))] + genGiven[r.IntN(len(genGiven))]
}

func genPhone(r *rand.Rand) string {
	return fmt.Sprintf("13%d%08d", r.IntN(10), r.IntN(100_000_000))
}

// genPlace is a two-character place name; n picks it.
func genPlace(n int) string {
	a, b := genSyllables[n%len(genSyllables)], genSyllables[(n/len(genSyllables)+n*7+3)%len(genSyllables)]
	if a == b {
		b = genSyllables[(n+11)%len(genSyllables)]
	}
	return a + b
}

var (
	genSyllables   = []string{"东", "西", "南", "北", "安", "宁", "江", "山", "河", "湖", "青", "金", "云", "松", "平", "阳", "清", "溪", "丰", "华", "兴", "和", "龙", "凤", "桐", "柯", "衢", "常", "开", "龙", "游", "杭", "湾", "台", "临", "海", "仙", "居", "天", "岭"}
	genDepts       = []string{"发展和改革局", "经济和信息化局", "商务局", "自然资源和规划局", "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "生态环境分局", "财政局", "统计局", "市场监督管理局", "应急管理局", "科学技术局", "投资促进中心", "行政审批局"}
	genParks       = []string{"经济开发区", "高新技术产业园区", "智造新城", "现代物流园", "文旅度假区"}
	genBrands      = []string{"华鑫", "恒达", "金盛", "天宇", "瑞丰", "宏远", "盛源", "汇通", "中科", "东方", "锦江", "永安", "信达", "万向", "新亚", "凯盛", "国泰", "海纳", "长城", "润泽"}
	genForms       = []string{"生产线", "产业园", "生产基地", "研发中心", "扩建", "技术改造", "一期", "二期"}
	genChains      = []string{"新能源", "新材料", "高端装备", "生物医药", "电子信息", "绿色食品", "数字经济", "文旅康养"}
	genContent     = []string{"新建标准厂房及配套设施，购置先进生产设备", "建设研发中心、中试基地及配套用房", "改造现有生产线，提升智能化水平", "建设仓储物流中心及配套道路", "建设文旅综合体及配套服务设施"}
	genGoals       = []string{"完成主体结构", "竣工投产", "完成年度投资计划", "开工建设", "设备安装完成"}
	genProblems    = []string{"用地指标待落实", "环评审批进度偏慢", "施工用电尚未接入", "资金到位不及时", "政策处理未完成"}
	genDuties      = []string{"协调用地保障", "办理审批手续", "协调水电气接入", "政策处理", "要素保障"}
	genDropReasons = []string{"投资方调整投资计划", "项目用地未能落实", "企业资金链紧张", "市场环境变化"}
	genSurnames    = []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "郑"}
	genGiven       = []string{"伟", "芳", "娜", "敏", "静", "磊", "强", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "建华", "志强", "晓东", "海燕"}
	genProducts    = []struct{ name, owner string }{
		{"新能源电池", "新能源科技"}, {"高端装备", "装备制造"}, {"新材料", "新材料"}, {"生物医药", "生物医药"}, {"智能制造", "智能科技"},
		{"特种纸", "纸业"}, {"氟硅新材料", "化工"}, {"光伏组件", "光伏科技"}, {"汽车零部件", "汽车部件"}, {"电子元器件", "电子"},
		{"绿色建材", "建材"}, {"冷链物流", "物流"}, {"数字经济产业园", "数字科技"}, {"文旅综合体", "文化旅游"}, {"现代农业", "农业发展"},
	}
)

// OpenGenerated opens the database that Generate makes from o, generating it on first use
// and reusing it afterwards, for benchmarks: target is a directory, which keeps a SQLite
// file named by o.Key(), or a PostgreSQL DSN, whose database keeps a schema named by
// o.Key(). Concurrent callers (the test binaries of several packages) wait for the one that
// generates. Delete the file, or drop the schema, to start again.
func OpenGenerated(ctx context.Context, target string, o GenOptions) (*DB, *GenResult, error) {
	o.defaults()
	if IsPostgresDSN(target) {
		return openGeneratedPostgres(ctx, target, o)
	}
	path := filepath.Join(target, o.Key()+".db")
	lock := path + ".lock"
	for {
		if _, err := os.Stat(path); err == nil {
			return openGeneratedFile(ctx, path)
		}
		f, err := os.OpenFile(lock, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err == nil {
			f.Close()
			break
		}
		// Someone else generates; a lock older than an hour is left from a killed run.
		if st, err := os.Stat(lock); err == nil && time.Since(st.ModTime()) > time.Hour {
			os.Remove(lock)
			continue
		}
		select {
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		case <-time.After(time.Second):
		}
	}
	defer os.Remove(lock)
	tmp := path + ".tmp"
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(tmp + suffix)
	}
	db, err := Open(ctx, tmp)
	if err != nil {
		return nil, nil, err
	}
	_, err = db.Migrate(ctx)
	if err == nil {
		_, err = db.Generate(ctx, o)
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("generate %s: %w", path, err)
	}
	return openGeneratedFile(ctx, path)
}

func openGeneratedFile(ctx context.Context, path string) (*DB, *GenResult, error) {
	db, err := Open(ctx, path)
	if err != nil {
		return nil, nil, err
	}
	res, ok, err := db.Generated(ctx)
	if err == nil && !ok {
		err = fmt.Errorf("%s was not made by Generate", path)
	}
	if err == nil {
		err = migrateGenerated(ctx, db)
	}
	if err == nil {
		err = db.Optimize(ctx)
	}
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return db, res, nil
}

// migrateGenerated brings a kept data set up to the schema of this build: migrations
// added since it was generated apply to it as to any database.
func migrateGenerated(ctx context.Context, db *DB) error {
	st, err := db.Status(ctx)
	if err != nil {
		return err
	}
	if len(st.Unknown) > 0 {
		return fmt.Errorf("made by a newer ding (migrations %v): delete it to generate it again", st.Unknown)
	}
	if len(st.Pending) > 0 {
		_, err = db.Migrate(ctx)
	}
	return err
}

// openGeneratedPostgres keeps the data set in a schema of the database, generated under
// an advisory lock.
func openGeneratedPostgres(ctx context.Context, dsn string, o GenOptions) (*DB, *GenResult, error) {
	schema := o.Key()
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, nil, err
	}
	defer admin.Close()
	conn, err := admin.Conn(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(hashtext($1))`, schema); err != nil {
		return nil, nil, err
	}
	defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock(hashtext($1))`, schema)
	db, err := Open(ctx, u.String())
	if err != nil {
		return nil, nil, err
	}
	var exists bool
	if err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)`, schema).Scan(&exists); err != nil {
		db.Close()
		return nil, nil, err
	}
	if exists {
		if res, ok, err := db.Generated(ctx); err == nil && ok {
			if err := migrateGenerated(ctx, db); err != nil {
				db.Close()
				return nil, nil, fmt.Errorf("schema %s: %w", schema, err)
			}
			return db, res, nil
		}
	}
	// Missing, or left half-made by a killed run: make it again.
	_, err = conn.ExecContext(ctx, `DROP SCHEMA IF EXISTS `+schema+` CASCADE`)
	if err == nil {
		_, err = conn.ExecContext(ctx, `CREATE SCHEMA `+schema)
	}
	if err == nil {
		_, err = db.Migrate(ctx)
	}
	var res *GenResult
	if err == nil {
		res, err = db.Generate(ctx, o)
	}
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("generate schema %s: %w", schema, err)
	}
	return db, res, nil
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"ding"
)

const projectCols = `p.id, p.code, p.name, p.short_name, p.owner_name, p.owner_code,
	p.unit_id, u.name, COALESCE(p.location_id, 0), COALESCE(l.name, ''), COALESCE(p.leader_id, 0), COALESCE(ld.display_name, ''),
	p.nature, p.investor, p.industry, p.chain, p.manufacturing, p.high_tech, p.private,
	p.total_investment, p.tier, p.land_mu, p.content, p.planned_start, p.planned_end, p.actual_start, p.actual_end,
	p.expected_output, p.expected_tax, p.agreement_type, p.signed_on, p.in_stats, p.in_stats_on,
	p.stage, p.stage_on, p.drop_reason, p.completed_all, p.version, p.created_at, p.updated_at,
	COALESCE(y.plan_total, 0), COALESCE(y.completed, 0), COALESCE(y.progress_pct, 0)`

const projectFrom = ` FROM projects p
	JOIN units u ON u.id = p.unit_id
	LEFT JOIN units l ON l.id = p.location_id
	LEFT JOIN users ld ON ld.id = p.leader_id
	LEFT JOIN project_years y ON y.project_id = p.id AND y.year = ?`

func scanProject(sc interface{ Scan(...any) error }) (*ding.Project, error) {
	p := &ding.Project{}
	err := sc.Scan(&p.ID, &p.Code, &p.Name, &p.ShortName, &p.OwnerName, &p.OwnerCode,
		&p.UnitID, &p.UnitName, &p.LocationID, &p.LocationName, &p.LeaderID, &p.LeaderName,
		&p.Nature, &p.Investor, &p.Industry, &p.Chain, &p.Manufacturing, &p.HighTech, &p.Private,
		&p.TotalInvestment, &p.Tier, &p.LandMu, &p.Content, dateScan{&p.PlannedStart}, dateScan{&p.PlannedEnd},
		dateScan{&p.ActualStart}, dateScan{&p.ActualEnd}, &p.ExpectedOutput, &p.ExpectedTax, &p.AgreementType,
		dateScan{&p.SignedOn}, &p.InStats, dateScan{&p.InStatsOn}, &p.Stage, dateScan{&p.StageOn}, &p.DropReason,
		&p.CompletedAll, &p.Version, timeScan{&p.CreatedAt}, timeScan{&p.UpdatedAt},
		&p.PlanYear, &p.CompletedYTD, &p.ProgressPct)
	return p, err
}

// projectScope keeps the projects the actor may see: those whose lead or cooperating units
// lie in the actor's scope, and those the actor leads (the "1" leader). For one project
// (single) a correlated EXISTS probes that project's team only; for a list the IN form
// lets the engine build the set of visible projects once.
func projectScope(a *ding.Actor, single bool) (string, []any) {
	if a == nil {
		return "1=0", nil
	}
	if a.System || a.Scope == ding.ScopeAll {
		return "1=1", nil
	}
	switch a.Scope {
	case ding.ScopeUnitTree:
		if single {
			return `(p.leader_id = ? OR EXISTS (SELECT 1 FROM project_units pu JOIN unit_closure c ON c.descendant_id = pu.unit_id
				WHERE pu.project_id = p.id AND c.ancestor_id = ?))`, []any{a.UserID, a.UnitID}
		}
		return `(p.leader_id = ? OR p.id IN (SELECT pu.project_id FROM project_units pu
			JOIN unit_closure c ON c.descendant_id = pu.unit_id WHERE c.ancestor_id = ?))`, []any{a.UserID, a.UnitID}
	case ding.ScopeUnit:
		if single {
			return `(p.leader_id = ? OR EXISTS (SELECT 1 FROM project_units pu WHERE pu.project_id = p.id AND pu.unit_id = ?))`, []any{a.UserID, a.UnitID}
		}
		return `(p.leader_id = ? OR p.id IN (SELECT pu.project_id FROM project_units pu WHERE pu.unit_id = ?))`, []any{a.UserID, a.UnitID}
	case ding.ScopeSelf:
		return `p.leader_id = ?`, []any{a.UserID}
	}
	return "1=0", nil
}

// projectListScope is projectScope's set of visible projects written as one list of ids: the
// team's projects and the led ones together (UNION ALL; IN ignores repeats). Beside "leader
// OR id IN (…)", PostgreSQL read every project to test the OR (a hashed subplan in a
// filter), where one list lets it start from the few ids; SQLite starts from the list either way.
func projectListScope(a *ding.Actor) (string, []any) {
	if a == nil || a.System || a.Scope == ding.ScopeAll || a.Scope == ding.ScopeSelf {
		return projectScope(a, false)
	}
	switch a.Scope {
	case ding.ScopeUnitTree:
		return `p.id IN (SELECT pu.project_id FROM project_units pu JOIN unit_closure c ON c.descendant_id = pu.unit_id WHERE c.ancestor_id = ?
			UNION ALL SELECT id FROM projects WHERE leader_id = ?)`, []any{a.UnitID, a.UserID}
	case ding.ScopeUnit:
		return `p.id IN (SELECT pu.project_id FROM project_units pu WHERE pu.unit_id = ?
			UNION ALL SELECT id FROM projects WHERE leader_id = ?)`, []any{a.UnitID, a.UserID}
	}
	return "1=0", nil
}

// projectSorts maps the sortable columns to SQL.
var projectSorts = map[string]string{
	"code": "p.code", "name": "p.name", "total_investment": "p.total_investment", "stage": "p.stage",
	"plan_year": "COALESCE(y.plan_total, 0)", "completed_ytd": "COALESCE(y.completed, 0)",
	"updated_at": "p.updated_at", "unit": "u.name", "progress_pct": "COALESCE(y.progress_pct, 0)",
}

// whereShape says how projectWhere writes the conditions that have more than one good form.
type whereShape struct {
	// probe: the scope and the colour as a probe of each row (EXISTS), for a page read
	// along the sort's index; otherwise the scope is a set built once (IN).
	probe bool
	// scopedStage (SQLite): for a scoped list, write the stage as +p.stage so that the
	// planner starts from the scope (a unit's few projects), never from every project of
	// the stage, whatever its statistics guess.
	scopedStage bool
}

// projectWhere is the conditions of a list in their plain shapes (the benchmarks' floor).
func projectWhere(a *ding.Actor, f ding.ProjectFilter) where {
	return projectWhereShaped(a, f, whereShape{}).where
}

// listWhere is a list's conditions, and a join that filters like one (see projectWhereShaped).
type listWhere struct {
	where
	join     string // joined after "FROM projects p"
	joinArgs []any
}

// all reports whether the list is every project.
func (w *listWhere) all() bool { return w.join == "" && w.String() == " WHERE 1=1" }

// scopeIsAll reports whether the actor sees every project.
func scopeIsAll(a *ding.Actor) bool { return a != nil && (a.System || a.Scope == ding.ScopeAll) }

// projectWhereShaped is the conditions of a list: the actor's scope and the filter.
func projectWhereShaped(a *ding.Actor, f ding.ProjectFilter, sh whereShape) listWhere {
	var w listWhere
	cond, args := projectListScope(a)
	if f.ID != 0 || sh.probe {
		cond, args = projectScope(a, true)
	}
	w.add(cond, args...)
	if f.ID != 0 {
		w.add("p.id = ?", f.ID)
	}
	if f.Code != "" {
		w.add("p.code = ?", f.Code)
	}
	if len(f.Stages) > 0 {
		ph := strings.TrimSuffix(strings.Repeat("?, ", len(f.Stages)), ", ")
		args := make([]any, len(f.Stages))
		for i, s := range f.Stages {
			args[i] = string(s)
		}
		col := "p.stage"
		if sh.scopedStage && !scopeIsAll(a) {
			col = "+p.stage"
		}
		w.add(col+" IN ("+ph+")", args...)
	}
	if f.Tier != nil {
		w.add("p.tier = ?", int(*f.Tier))
	}
	if f.UnitID != 0 {
		w.add(`p.id IN (SELECT pu.project_id FROM project_units pu
			JOIN unit_closure c ON c.descendant_id = pu.unit_id WHERE c.ancestor_id = ?)`, f.UnitID)
	}
	if f.LocationID != 0 {
		w.add("p.location_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ?)", f.LocationID)
	}
	if f.Chain != "" {
		w.add("p.chain = ?", f.Chain)
	}
	if f.Industry != "" {
		w.add("p.industry = ?", f.Industry)
	}
	if f.Manufacturing != nil {
		w.add("p.manufacturing = ?", *f.Manufacturing)
	}
	if f.HighTech != nil {
		w.add("p.high_tech = ?", *f.HighTech)
	}
	if f.Private != nil {
		w.add("p.private = ?", *f.Private)
	}
	if f.LeaderID != 0 {
		w.add("p.leader_id = ?", f.LeaderID)
	}
	if f.LeadUnitID != 0 {
		w.add("p.unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ?)", f.LeadUnitID)
	}
	for _, r := range []struct {
		col      string
		from, to ding.Date
	}{{"p.signed_on", f.SignedFrom, f.SignedTo}, {"p.actual_start", f.StartedFrom, f.StartedTo}, {"p.in_stats_on", f.InStatsFrom, f.InStatsTo}} {
		if !r.from.IsZero() {
			w.add(r.col+" >= ?", dateArg(r.from))
		}
		if !r.to.IsZero() {
			w.add(r.col+" <= ?", dateArg(r.to))
		}
	}
	if f.MinInvestment > 0 {
		w.add("p.total_investment >= ?", f.MinInvestment)
	}
	if f.Colour != "" {
		// The whole province: the colour's projects, from project_colours_shown (0015), joined
		// (SQLite builds no list of ids); a scope's few projects, or the rows read along an
		// index: a probe of each.
		if scopeIsAll(a) && !sh.probe && f.ID == 0 {
			w.join = " JOIN project_colours pc ON pc.project_id = p.id AND pc.colour = ? AND pc.exempt = ?"
			w.joinArgs = []any{filterText(f.Colour), false}
		} else {
			w.add("EXISTS (SELECT 1 FROM project_colours pc WHERE pc.project_id = p.id AND pc.colour = ? AND pc.exempt = ?)", f.Colour, false)
		}
	}
	if f.Query != "" {
		q := likeEscape(f.Query)
		w.add(`(LOWER(p.name) LIKE ? ESCAPE '\' OR LOWER(p.short_name) LIKE ? ESCAPE '\' OR p.code LIKE ? ESCAPE '\' OR LOWER(p.owner_name) LIKE ? ESCAPE '\')`, q, q, q, q)
	}
	return w
}

// FindProjects returns a page of the projects in the caller's scope that match the filter,
// sorted as asked, with the totals of the whole filtered set (count, investment, this
// year's plan and completed).
func (db *DB) FindProjects(ctx context.Context, f ding.ProjectFilter) ([]*ding.Project, ding.ProjectTotals, error) {
	return findProjects(ctx, db.reader(), ding.ActorFrom(ctx), f, db.year(ctx, f.Year))
}

// year is the given year, or the registry's current year (see CurrentYear).
func (db *DB) year(ctx context.Context, y int) int {
	if y > 0 {
		return y
	}
	return db.CurrentYear(ctx)
}

// CurrentYear is the year lists and pages show by default: this year in Asia/Shanghai, or
// the latest year that has plans or reports when that is earlier — so that in January,
// before any plan of the new year exists, offices still see last year's figures (and a
// demo whose history ends in 2024 shows 2024). It is cached for a minute.
func (db *DB) CurrentYear(ctx context.Context) int {
	now := db.Now()
	cal := now.In(ding.Shanghai).Year()
	db.yearMu.Lock()
	defer db.yearMu.Unlock()
	if !db.yearAt.IsZero() && now.Sub(db.yearAt) < time.Minute && now.After(db.yearAt) {
		return min(db.yearVal, cal)
	}
	var latest sql.NullInt64
	if err := db.reader().queryRow(ctx, `SELECT MAX(year) FROM project_years WHERE year <= ?`, cal).Scan(&latest); err != nil || !latest.Valid {
		return cal
	}
	db.yearVal, db.yearAt = int(latest.Int64), now
	return db.yearVal
}

// forgetYear drops CurrentYear's cache.
func (db *DB) forgetYear() {
	db.yearMu.Lock()
	db.yearAt = time.Time{}
	db.yearMu.Unlock()
}

// How a list is read (docs/PERFORMANCE.md, "The project list"):
//
//   - The scope: a unit-tree scope that covers the whole org tree is the scope "all"
//     (listActor), so the province's office reads as an administrator does.
//   - The totals first, over the whole filtered set: for the whole province with no filter,
//     two sums over one table each; otherwise one pass over the filtered projects.
//   - Then the page's ids. When the filtered set is large against the page (walkFactor), they
//     are read along the sort's index (projects_investment, or project_years_completed for this
//     year's completed, largest first) and each row is tested, which stops after the page
//     instead of sorting every project; SQLite is told the index (INDEXED BY), as its
//     sampled statistics may guess the filter's size wrong. A small set is found from its
//     filter and sorted.
//   - Then the page's columns, by id.

// walkFactor: the page is read along the sort's index when the filtered set holds at least
// walkFactor times the rows up to the page's end. Reading along the index then tests about
// 1/walkFactor of the projects (when the set is spread evenly along the index), and a sort
// would read at least walkFactor times the page: with 100,000 projects the two cost the
// same about 45 times a page of 50 (√(50 × 100,000) ≈ 2,200 projects). 0 never reads along
// the index (tests compare the two ways).
var walkFactor = 50

// listTotals is what the totals query returns: the totals, and how many of the filtered
// projects have a positive completed figure this year (the rows before the first 0 when
// sorted by it, largest first).
type listTotals struct {
	ding.ProjectTotals
	positive int
}

// projectQuery is one SELECT with its arguments.
type projectQuery struct {
	sql  string
	args []any
}

// listActor is the actor whose scope a list reads: a unit-tree scope over the whole org
// tree (treeCoversAll) reads as the scope "all" — the same projects.
func listActor(ctx context.Context, r reader, a *ding.Actor, f ding.ProjectFilter) (*ding.Actor, error) {
	if a == nil || a.System || a.Scope != ding.ScopeUnitTree || f.ID != 0 {
		return a, nil
	}
	all, err := treeCoversAll(ctx, r, a.UnitID)
	if err != nil || !all {
		return a, err
	}
	wide := *a
	wide.Scope = ding.ScopeAll
	return &wide, nil
}

// treeCoversAll reports whether the unit tree under unit is every unit there is: the unit
// is a root of the org tree and the only one. Then a unit-tree scope sees every project,
// because every project has its lead unit on its team (createProject and updateProject
// write it, RemoveTeamMember takes only cooperating units off, Generate writes it) and
// every unit lies under the sole root (the tree has no cycles: MoveUnit refuses them; ding
// check compares the closure with units.parent_id). It is asked each time rather than
// cached, because a root added by another process (ding unit add beside a running server)
// must change the answer at once; it reads the roots' entries of units_parent.
func treeCoversAll(ctx context.Context, r reader, unit int64) (bool, error) {
	var roots, mine int
	err := r.queryRow(ctx, `SELECT COUNT(*), COUNT(CASE WHEN id = ? THEN 1 END) FROM units WHERE parent_id IS NULL`, unit).Scan(&roots, &mine)
	if err != nil {
		return false, r.db.mapErr(err)
	}
	return roots == 1 && mine == 1, nil
}

// projectTotalsQuery sums the filtered set (see listTotals).
func projectTotalsQuery(d Dialect, a *ding.Actor, f ding.ProjectFilter, year int) projectQuery {
	w := projectWhereShaped(a, f, whereShape{scopedStage: d == SQLite})
	if w.all() {
		// The whole province: two sums over one table each, instead of a join per project.
		return projectQuery{`SELECT t.n, t.inv, y.plan, y.done, y.pos
		FROM (SELECT COUNT(*) AS n, COALESCE(SUM(total_investment), 0) AS inv FROM projects) t,
		(SELECT COALESCE(SUM(plan_total), 0) AS plan, COALESCE(SUM(completed), 0) AS done, COUNT(CASE WHEN completed > 0 THEN 1 END) AS pos
			FROM project_years WHERE year = ?) y`, []any{year}}
	}
	return projectQuery{`SELECT COUNT(*), COALESCE(SUM(p.total_investment), 0), COALESCE(SUM(y.plan_total), 0), COALESCE(SUM(y.completed), 0),
		COUNT(CASE WHEN y.completed > 0 THEN 1 END)
		FROM projects p` + w.join + ` LEFT JOIN project_years y ON y.project_id = p.id AND y.year = ?` + w.String(),
		append(append(slices.Clip(w.joinArgs), year), w.args...)}
}

// projectPageQuery reads the page, given the totals of the filtered set.
func projectPageQuery(d Dialect, a *ding.Actor, f ding.ProjectFilter, year int, tot listTotals) projectQuery {
	order := "p.total_investment DESC, p.id"
	col, ok := projectSorts[f.Sort]
	if ok {
		dir := " ASC"
		if f.Desc {
			dir = " DESC"
		}
		order = col + dir + ", p.id"
	} else {
		col = "p.total_investment"
	}
	// Read along the index when the page's end lies in a large part of the filtered set: every
	// project (no filter), or walkFactor times the rows up to the page's end; by this year's
	// completed, when the page ends among the projects with a positive figure. Not by tier,
	// which follows the investment: read by investment, its projects would come last.
	end := f.Limit + max(f.Offset, 0)
	lw := projectWhereShaped(a, f, whereShape{})
	all := lw.all()
	large := func(n int) bool { return walkFactor > 0 && n >= end && (all || n >= walkFactor*end) }
	walk := f.Limit > 0 && f.ID == 0 && f.Tier == nil
	var ids projectQuery
	switch {
	case walk && col == "p.total_investment" && large(tot.Count):
		w := projectWhereShaped(a, f, whereShape{probe: true})
		from := " FROM projects p"
		if d == SQLite {
			from += " INDEXED BY projects_investment"
		}
		ids = projectQuery{`SELECT p.id` + from + w.String() + ` ORDER BY ` + order + page(f.Limit, f.Offset), w.args}
	case walk && col == "COALESCE(y.completed, 0)" && f.Desc && tot.positive >= end && large(tot.Count):
		// Only projects with a positive figure come before the page's end: read them
		// from the year's figures, largest first.
		w := projectWhereShaped(a, f, whereShape{probe: true})
		from := " FROM project_years y CROSS JOIN projects p"
		if d == SQLite {
			from = " FROM project_years y INDEXED BY project_years_completed CROSS JOIN projects p"
		}
		ids = projectQuery{`SELECT p.id` + from + w.String() + ` AND p.id = y.project_id AND y.year = ? AND y.completed > 0
			ORDER BY y.completed DESC, y.project_id` + page(f.Limit, f.Offset), append(w.args, year)}
	default:
		w := projectWhereShaped(a, f, whereShape{scopedStage: d == SQLite})
		joins := w.join
		args := slices.Clip(w.joinArgs)
		if strings.Contains(order, "y.") {
			joins += " LEFT JOIN project_years y ON y.project_id = p.id AND y.year = ?"
			args = append(args, year)
		}
		if strings.Contains(order, "u.") {
			joins += " JOIN units u ON u.id = p.unit_id"
		}
		ids = projectQuery{`SELECT p.id FROM projects p` + joins + w.String() + ` ORDER BY ` + order + page(f.Limit, f.Offset), append(args, w.args...)}
	}
	return projectQuery{`SELECT ` + projectCols + ` FROM (` + ids.sql + `) k
	JOIN projects p ON p.id = k.id
	JOIN units u ON u.id = p.unit_id
	LEFT JOIN units l ON l.id = p.location_id
	LEFT JOIN users ld ON ld.id = p.leader_id
	LEFT JOIN project_years y ON y.project_id = p.id AND y.year = ? ORDER BY ` + order, append(ids.args, year)}
}

func findProjects(ctx context.Context, r reader, a *ding.Actor, f ding.ProjectFilter, year int) ([]*ding.Project, ding.ProjectTotals, error) {
	a, err := listActor(ctx, r, a, f)
	if err != nil {
		return nil, ding.ProjectTotals{}, err
	}
	var tot listTotals
	q := projectTotalsQuery(r.db.dialect, a, f, year)
	if err := r.queryRow(ctx, q.sql, q.args...).Scan(&tot.Count, &tot.TotalInvestment, &tot.PlanYear, &tot.CompletedYTD, &tot.positive); err != nil {
		return nil, tot.ProjectTotals, r.db.mapErr(err)
	}
	q = projectPageQuery(r.db.dialect, a, f, year, tot)
	rows, err := r.query(ctx, q.sql, q.args...)
	if err != nil {
		return nil, tot.ProjectTotals, err
	}
	defer rows.Close()
	var out []*ding.Project
	for rows.Next() {
		p, err := scanProject(rows)
		if err != nil {
			return nil, tot.ProjectTotals, r.db.mapErr(err)
		}
		p.Year = year
		out = append(out, p)
	}
	return out, tot.ProjectTotals, r.db.mapErr(rows.Err())
}

// FindProjectByID returns the project if it is in the caller's scope, with the running
// figures of the current year.
func (db *DB) FindProjectByID(ctx context.Context, id int64) (*ding.Project, error) {
	return findProjectByID(ctx, db.reader(), ding.ActorFrom(ctx), id, db.year(ctx, 0))
}

func findProjectByID(ctx context.Context, r reader, a *ding.Actor, id int64, year int) (*ding.Project, error) {
	ps, _, err := findProjects(ctx, r, a, ding.ProjectFilter{ID: id, Limit: 1}, year)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, notFound("project")
	}
	return ps[0], nil
}

// Project permissions. Administrators and the project office (within scope) do
// everything; a liaison may edit the facts, stage and plans of projects its unit leads, and
// report progress on projects its unit leads or serves; leaders and viewers read.

// leadInScope reports whether the project's lead unit lies in the actor's unit scope.
func leadInScope(tx *Tx, p *ding.Project) (bool, error) {
	if _, err := findUnitByID(tx.ctx, tx.reader, tx.actor, p.UnitID); err != nil {
		if ding.ErrorCode(err) == ding.ENOTFOUND {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// writableProject loads a project the actor may edit: ENOTFOUND outside scope,
// EFORBIDDEN for a role or unit that may not edit it.
func writableProject(tx *Tx, id int64) (*ding.Project, error) {
	p, err := findProjectByID(tx.ctx, tx.reader, tx.actor, id, tx.db.year(tx.ctx, 0))
	if err != nil {
		return nil, err
	}
	a := tx.actor
	if a.System || a.Role == ding.RoleAdmin || a.Role == ding.RoleOffice {
		return p, nil
	}
	if a.Role == ding.RoleLiaison {
		ok, err := leadInScope(tx, p)
		if err != nil {
			return nil, err
		}
		if ok {
			return p, nil
		}
	}
	return nil, ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
}

// checkProjectRefs validates the references of a project: the lead unit must be one the
// actor may assign, the location a town or park, the leader a user with the leader role,
// the chain one of the configured chains.
func checkProjectRefs(tx *Tx, p *ding.Project) error {
	unit, err := findUnitByID(tx.ctx, tx.reader, tx.actor, p.UnitID)
	if err != nil {
		if ding.ErrorCode(err) == ding.ENOTFOUND {
			return ding.FieldError("unit_id", "project.unit_not_found")
		}
		return err
	}
	if unit.Disabled {
		return ding.FieldError("unit_id", "user.unit_disabled")
	}
	p.UnitName, p.LocationName, p.LeaderName = unit.Name, "", ""
	if p.LocationID != 0 {
		loc, err := findUnitByID(tx.ctx, tx.reader, ding.SystemActor("refs"), p.LocationID)
		if err != nil || (loc.Kind != ding.UnitTown && loc.Kind != ding.UnitPark) {
			return ding.FieldError("location_id", "project.location_invalid")
		}
		p.LocationName = loc.Name
	}
	if p.LeaderID != 0 {
		u, err := findUserByID(tx.ctx, tx.reader, ding.SystemActor("refs"), p.LeaderID)
		if err != nil || u.Role != ding.RoleLeader || u.Disabled {
			return ding.FieldError("leader_id", "project.leader_invalid")
		}
		p.LeaderName = u.DisplayName
	}
	if p.Chain != "" {
		chains, err := getChains(tx.ctx, tx.reader)
		if err != nil {
			return err
		}
		if len(chains) > 0 && !contains(chains, p.Chain) {
			return ding.FieldError("chain", "project.chain_invalid", p.Chain)
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// CreateProject adds a project with its lead unit as the first team member, the default
// stage milestones and the first entry of its timeline.
func (db *DB) CreateProject(ctx context.Context, p *ding.Project) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	if err := createProject(tx, p); err != nil {
		return err
	}
	return tx.commit()
}

func createProject(tx *Tx, p *ding.Project) error {
	a := tx.actor
	if !(a.System || a.Role == ding.RoleAdmin || a.Role == ding.RoleOffice || a.Role == ding.RoleLiaison) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	p.Normalize()
	if err := p.Validate(); err != nil {
		return err
	}
	// A project entered at a later stage must have got there legally: started means signed
	// (unless government-invested), dropped means a reason.
	if p.Stage.Index() >= ding.StageStarted.Index() && p.SignedOn.IsZero() && p.Investor != ding.InvestorGovernment {
		return ding.FieldError("signed_on", "project.start_before_signed")
	}
	if p.Stage == ding.StageDropped && p.DropReason == "" {
		return ding.FieldError("drop_reason", "project.drop_reason_required")
	}
	if err := checkProjectRefs(tx, p); err != nil {
		return err
	}
	if err := checkProjectCode(tx, p); err != nil {
		return err
	}
	if p.StageOn.IsZero() {
		p.StageOn = ding.Today(tx.now)
	}
	p.Version, p.CreatedAt, p.UpdatedAt = 1, tx.now, tx.now
	id, err := tx.insert(`INSERT INTO projects (code, name, short_name, owner_name, owner_code, unit_id, location_id, leader_id,
		nature, investor, industry, chain, manufacturing, high_tech, private, total_investment, tier, land_mu, content,
		planned_start, planned_end, actual_start, actual_end, expected_output, expected_tax, agreement_type, signed_on,
		in_stats, in_stats_on, stage, stage_on, drop_reason, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.Code, p.Name, p.ShortName, p.OwnerName, p.OwnerCode, p.UnitID, nullID(p.LocationID), nullID(p.LeaderID),
		string(p.Nature), string(p.Investor), p.Industry, p.Chain, p.Manufacturing, p.HighTech, p.Private,
		p.TotalInvestment, int(p.Tier), p.LandMu, p.Content, dateArg(p.PlannedStart), dateArg(p.PlannedEnd),
		dateArg(p.ActualStart), dateArg(p.ActualEnd), p.ExpectedOutput, p.ExpectedTax, p.AgreementType, dateArg(p.SignedOn),
		p.InStats, dateArg(p.InStatsOn), string(p.Stage), dateArg(p.StageOn), p.DropReason, p.Version, ts(tx.now), ts(tx.now))
	if err != nil {
		return err
	}
	p.ID = id
	if _, err := tx.exec(`INSERT INTO project_units (project_id, unit_id, role) VALUES (?, ?, ?)`, id, p.UnitID, string(ding.TeamLead)); err != nil {
		return err
	}
	for _, m := range ding.DefaultMilestones(p) {
		if m.Stage.Index() <= p.Stage.Index() && p.Stage != ding.StageDropped && m.ActualOn.IsZero() {
			m.ActualOn = stageDate(p, m.Stage)
		}
		if _, err := tx.exec(`INSERT INTO project_milestones (project_id, name, stage, planned_on, actual_on, sort_order) VALUES (?, ?, ?, ?, ?, ?)`,
			id, m.Name, string(m.Stage), dateArg(m.PlannedOn), dateArg(m.ActualOn), m.SortOrder); err != nil {
			return err
		}
	}
	if _, err := tx.exec(`INSERT INTO project_stage_changes (project_id, from_stage, to_stage, on_date, reason, actor_name, created_at)
		VALUES (?, '', ?, ?, '', ?, ?)`, id, string(p.Stage), dateArg(p.StageOn), tx.actor.Username, ts(tx.now)); err != nil {
		return err
	}
	if err := reevaluate(tx, id); err != nil {
		return err
	}
	return tx.audit("project", id, "create", nil, p)
}

// stageDate is the date a project reached a stage, from its own dated fields, or the date
// of its current stage when it is at or past the stage.
func stageDate(p *ding.Project, s ding.Stage) ding.Date {
	switch s {
	case ding.StageSigned:
		if !p.SignedOn.IsZero() {
			return p.SignedOn
		}
	case ding.StageStarted:
		if !p.ActualStart.IsZero() {
			return p.ActualStart
		}
	case ding.StageCompleted:
		if !p.ActualEnd.IsZero() {
			return p.ActualEnd
		}
	case ding.StageInStats:
		if !p.InStatsOn.IsZero() {
			return p.InStatsOn
		}
	}
	if s == p.Stage {
		return p.StageOn
	}
	return ding.Date{}
}

// checkProjectCode refuses a code another project has, naming that project.
func checkProjectCode(tx *Tx, p *ding.Project) error {
	var name string
	err := tx.queryRow(tx.ctx, `SELECT name FROM projects WHERE code = ? AND id <> ?`, p.Code, p.ID).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return tx.db.mapErr(err)
	}
	e := ding.FieldError("code", "project.code_taken", p.Code, name)
	e.Code = ding.ECONFLICT
	return e
}

// UpdateProject saves the facts of a project (not its stage: see TransitionProject). p.Version
// must be the version the caller edited: if someone saved in between, the save is refused
// with ECONFLICT and nothing is overwritten.
func (db *DB) UpdateProject(ctx context.Context, p *ding.Project) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	if err := updateProject(tx, p); err != nil {
		return err
	}
	return tx.commit()
}

func updateProject(tx *Tx, p *ding.Project) error {
	before, err := writableProject(tx, p.ID)
	if err != nil {
		return err
	}
	if p.Version != before.Version {
		return ding.Errorf(ding.ECONFLICT, "project.stale", before.UpdatedAt.In(ding.Shanghai).Format("2006-01-02 15:04"))
	}
	// The stage moves only through transitions; keep the stored one.
	p.Stage, p.StageOn, p.DropReason = before.Stage, before.StageOn, before.DropReason
	p.Normalize()
	if err := p.Validate(); err != nil {
		return err
	}
	if p.UnitID != before.UnitID || p.LeaderID != before.LeaderID {
		if a := tx.actor; !(a.System || a.Role == ding.RoleAdmin || a.Role == ding.RoleOffice) {
			return ding.FieldError("unit_id", "project.team_office_only")
		}
	}
	if err := checkProjectRefs(tx, p); err != nil {
		return err
	}
	if err := checkProjectCode(tx, p); err != nil {
		return err
	}
	res, err := tx.exec(`UPDATE projects SET code = ?, name = ?, short_name = ?, owner_name = ?, owner_code = ?, unit_id = ?,
		location_id = ?, leader_id = ?, nature = ?, investor = ?, industry = ?, chain = ?, manufacturing = ?, high_tech = ?,
		private = ?, total_investment = ?, tier = ?, land_mu = ?, content = ?, planned_start = ?, planned_end = ?,
		actual_start = ?, actual_end = ?, expected_output = ?, expected_tax = ?, agreement_type = ?, signed_on = ?,
		in_stats = ?, in_stats_on = ?, version = version + 1, updated_at = ?
		WHERE id = ? AND version = ?`,
		p.Code, p.Name, p.ShortName, p.OwnerName, p.OwnerCode, p.UnitID, nullID(p.LocationID), nullID(p.LeaderID),
		string(p.Nature), string(p.Investor), p.Industry, p.Chain, p.Manufacturing, p.HighTech, p.Private,
		p.TotalInvestment, int(p.Tier), p.LandMu, p.Content, dateArg(p.PlannedStart), dateArg(p.PlannedEnd),
		dateArg(p.ActualStart), dateArg(p.ActualEnd), p.ExpectedOutput, p.ExpectedTax, p.AgreementType, dateArg(p.SignedOn),
		p.InStats, dateArg(p.InStatsOn), ts(tx.now), p.ID, p.Version)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ding.Errorf(ding.ECONFLICT, "project.stale", before.UpdatedAt.In(ding.Shanghai).Format("2006-01-02 15:04"))
	}
	if p.UnitID != before.UnitID {
		// The new lead unit replaces the old one in the team (and leaves a cooperating role).
		if _, err := tx.exec(`DELETE FROM project_units WHERE project_id = ? AND (role = ? OR unit_id = ?)`, p.ID, string(ding.TeamLead), p.UnitID); err != nil {
			return err
		}
		if _, err := tx.exec(`INSERT INTO project_units (project_id, unit_id, role) VALUES (?, ?, ?)`, p.ID, p.UnitID, string(ding.TeamLead)); err != nil {
			return err
		}
	}
	p.Version, p.UpdatedAt, p.CreatedAt = before.Version+1, tx.now, before.CreatedAt
	p.PlanYear, p.CompletedYTD, p.CompletedAll, p.ProgressPct, p.Year = before.PlanYear, before.CompletedYTD, before.CompletedAll, before.ProgressPct, before.Year
	if err := reevaluate(tx, p.ID); err != nil {
		return err
	}
	return tx.audit("project", p.ID, "update", before, p)
}

// TransitionProject moves a project to another stage on a date, checked by
// ding.CheckTransition, recorded on the timeline, and reflected in the stage's dated
// fields and milestone.
func (db *DB) TransitionProject(ctx context.Context, id int64, to ding.Stage, on ding.Date, reason string) (*ding.Project, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.rollback()
	p, err := transitionProject(tx, id, to, on, reason)
	if err != nil {
		return nil, err
	}
	return p, tx.commit()
}

func transitionProject(tx *Tx, id int64, to ding.Stage, on ding.Date, reason string) (*ding.Project, error) {
	p, err := writableProject(tx, id)
	if err != nil {
		return nil, err
	}
	var signed int
	if err := tx.queryRow(tx.ctx, `SELECT COUNT(*) FROM project_stage_changes WHERE project_id = ? AND to_stage = ?`, id, string(ding.StageSigned)).Scan(&signed); err != nil {
		return nil, tx.db.mapErr(err)
	}
	signedBefore := signed > 0 || !p.SignedOn.IsZero() || (p.Stage.Index() >= ding.StageSigned.Index())
	reason = strings.TrimSpace(reason)
	if err := ding.CheckTransition(p, signedBefore, to, on, ding.Today(tx.now), reason); err != nil {
		return nil, err
	}
	before := *p
	from := p.Stage
	p.Stage, p.StageOn = to, on
	if to == ding.StageDropped {
		p.DropReason = reason
	} else {
		p.DropReason = ""
	}
	// Reaching a stage dates it, unless the project already has that date.
	switch to {
	case ding.StageSigned:
		if p.SignedOn.IsZero() {
			p.SignedOn = on
		}
	case ding.StageStarted:
		if p.ActualStart.IsZero() {
			p.ActualStart = on
		}
	case ding.StageCompleted:
		if p.ActualEnd.IsZero() {
			p.ActualEnd = on
		}
	case ding.StageInStats:
		if !p.InStats {
			p.InStats, p.InStatsOn = true, on
		}
	}
	p.Version++
	p.UpdatedAt = tx.now
	if _, err := tx.exec(`UPDATE projects SET stage = ?, stage_on = ?, drop_reason = ?, signed_on = ?, actual_start = ?, actual_end = ?,
		in_stats = ?, in_stats_on = ?, version = ?, updated_at = ? WHERE id = ?`,
		string(p.Stage), dateArg(p.StageOn), p.DropReason, dateArg(p.SignedOn), dateArg(p.ActualStart), dateArg(p.ActualEnd),
		p.InStats, dateArg(p.InStatsOn), p.Version, ts(tx.now), id); err != nil {
		return nil, err
	}
	if to != ding.StageDropped {
		if _, err := tx.exec(`UPDATE project_milestones SET actual_on = ? WHERE project_id = ? AND stage = ? AND actual_on IS NULL`,
			dateArg(on), id, string(to)); err != nil {
			return nil, err
		}
	}
	if _, err := tx.exec(`INSERT INTO project_stage_changes (project_id, from_stage, to_stage, on_date, reason, actor_name, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, id, string(from), string(to), dateArg(on), reason, tx.actor.Username, ts(tx.now)); err != nil {
		return nil, err
	}
	if err := tx.audit("project", id, "stage", &before, p); err != nil {
		return nil, err
	}
	if err := reevaluate(tx, id); err != nil {
		return nil, err
	}
	return p, nil
}

// StageHistory returns a project's stage changes, oldest first.
func (db *DB) StageHistory(ctx context.Context, projectID int64) ([]*ding.StageChange, error) {
	if _, err := db.FindProjectByID(ctx, projectID); err != nil {
		return nil, err
	}
	rows, err := db.reader().query(ctx, `SELECT id, project_id, from_stage, to_stage, on_date, reason, actor_name, created_at
		FROM project_stage_changes WHERE project_id = ? ORDER BY id`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*ding.StageChange
	for rows.Next() {
		c := &ding.StageChange{}
		if err := rows.Scan(&c.ID, &c.ProjectID, &c.From, &c.To, dateScan{&c.On}, &c.Reason, &c.ActorName, timeScan{&c.CreatedAt}); err != nil {
			return nil, db.mapErr(err)
		}
		out = append(out, c)
	}
	return out, db.mapErr(rows.Err())
}

package store

import (
	"context"
	"database/sql"
	"errors"
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

// projectSorts maps the sortable columns to SQL.
var projectSorts = map[string]string{
	"code": "p.code", "name": "p.name", "total_investment": "p.total_investment", "stage": "p.stage",
	"plan_year": "COALESCE(y.plan_total, 0)", "completed_ytd": "COALESCE(y.completed, 0)",
	"updated_at": "p.updated_at", "unit": "u.name", "progress_pct": "COALESCE(y.progress_pct, 0)",
}

func projectWhere(a *ding.Actor, f ding.ProjectFilter) where {
	var w where
	cond, args := projectScope(a, f.ID != 0)
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
		w.add("p.stage IN ("+ph+")", args...)
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
		w.add("p.id IN (SELECT project_id FROM project_colours WHERE colour = ? AND exempt = ?)", f.Colour, false)
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

func findProjects(ctx context.Context, r reader, a *ding.Actor, f ding.ProjectFilter, year int) ([]*ding.Project, ding.ProjectTotals, error) {
	var tot ding.ProjectTotals
	w := projectWhere(a, f)
	args := append([]any{year}, w.args...)
	var err error
	if w.String() == " WHERE 1=1" {
		// The whole province: two sums over one table each, instead of a join per project.
		err = r.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(total_investment), 0) FROM projects`).Scan(&tot.Count, &tot.TotalInvestment)
		if err == nil {
			err = r.queryRow(ctx, `SELECT COALESCE(SUM(plan_total), 0), COALESCE(SUM(completed), 0) FROM project_years WHERE year = ?`, year).
				Scan(&tot.PlanYear, &tot.CompletedYTD)
		}
	} else {
		err = r.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(p.total_investment), 0), COALESCE(SUM(y.plan_total), 0), COALESCE(SUM(y.completed), 0)
		FROM projects p LEFT JOIN project_years y ON y.project_id = p.id AND y.year = ?`+w.String(), args...).
			Scan(&tot.Count, &tot.TotalInvestment, &tot.PlanYear, &tot.CompletedYTD)
	}
	if err != nil {
		return nil, tot, r.db.mapErr(err)
	}
	order := "p.total_investment DESC, p.id"
	if col, ok := projectSorts[f.Sort]; ok {
		dir := " ASC"
		if f.Desc {
			dir = " DESC"
		}
		order = col + dir + ", p.id"
	}
	// The page's ids first, from the filter and the sort alone; then their columns.
	var joins string
	var pageArgs []any
	if strings.Contains(order, "y.") {
		joins += " LEFT JOIN project_years y ON y.project_id = p.id AND y.year = ?"
		pageArgs = append(pageArgs, year)
	}
	if strings.Contains(order, "u.") {
		joins += " JOIN units u ON u.id = p.unit_id"
	}
	pageArgs = append(append(pageArgs, w.args...), year)
	rows, err := r.query(ctx, `SELECT `+projectCols+` FROM (SELECT p.id FROM projects p`+joins+w.String()+` ORDER BY `+order+page(f.Limit, f.Offset)+`) k
	JOIN projects p ON p.id = k.id
	JOIN units u ON u.id = p.unit_id
	LEFT JOIN units l ON l.id = p.location_id
	LEFT JOIN users ld ON ld.id = p.leader_id
	LEFT JOIN project_years y ON y.project_id = p.id AND y.year = ? ORDER BY `+order, pageArgs...)
	if err != nil {
		return nil, tot, err
	}
	defer rows.Close()
	var out []*ding.Project
	for rows.Next() {
		p, err := scanProject(rows)
		if err != nil {
			return nil, tot, r.db.mapErr(err)
		}
		p.Year = year
		out = append(out, p)
	}
	return out, tot, r.db.mapErr(rows.Err())
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

package store

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"

	"ding"
)

// ProjectWarning is a warning that holds now, as the board and the project page show it.
type ProjectWarning struct {
	ding.Warning
	ProjectName string      `json:"project_name"`
	ProjectCode string      `json:"project_code"`
	UnitID      int64       `json:"unit_id"` // the lead unit
	UnitName    string      `json:"unit_name"`
	BaseColour  ding.Colour `json:"base_colour"` // the engine's colour, before escalation
	OpenedOn    ding.Date   `json:"opened_on"`
	ChangedOn   ding.Date   `json:"changed_on"` // when the colour last changed
	Periods     int         `json:"periods"`    // months it has held, this one included (from opened_on)
	Escalated   bool        `json:"escalated"`
	Exempt      bool        `json:"exempt"` // an exemption covers the project
}

// WarningFilter selects warnings. UnitID keeps the projects whose lead unit lies in that
// unit's subtree.
type WarningFilter struct {
	Colour    ding.Colour
	Kind      ding.RuleKind
	RuleID    int64
	ProjectID int64
	UnitID    int64
	Exempt    *bool
	Limit     int
	Offset    int
}

// FindWarnings returns the warnings of projects in the caller's scope, the most severe
// first, and how many match. A page (a Limit, no ProjectID) is read colour by colour from
// the most severe, each colour walking the projects by investment and stopping after the
// page's rows, and counted from the rollups when the filter allows (warningCounts).
func (db *DB) FindWarnings(ctx context.Context, f WarningFilter) ([]*ProjectWarning, int, error) {
	r := db.reader()
	colours, err := getColours(ctx, r)
	if err != nil {
		return nil, 0, err
	}
	today, err := db.WarningToday(ctx)
	if err != nil {
		return nil, 0, err
	}
	a := ding.ActorFrom(ctx)
	if a == nil || f.ProjectID != 0 || f.Limit <= 0 {
		return findWarnings(ctx, r, a, f, colours, today)
	}
	return db.findWarningsPage(ctx, r, a, f, colours, today)
}

// warningWhere is the condition of the warnings a filter selects (from warnings w, projects
// p, project_colours pc), in the caller's scope.
func warningWhere(a *ding.Actor, f WarningFilter) where {
	var w where
	cond, args := projectScope(a, f.ProjectID != 0)
	w.add(cond, args...)
	if f.Colour != "" {
		w.add("w.colour = ?", string(f.Colour))
	}
	if f.Kind != "" {
		w.add("w.kind = ?", string(f.Kind))
	}
	if f.RuleID != 0 {
		w.add("w.rule_id = ?", f.RuleID)
	}
	if f.ProjectID != 0 {
		w.add("w.project_id = ?", f.ProjectID)
	}
	if f.UnitID != 0 {
		w.add("p.unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ?)", f.UnitID)
	}
	if f.Exempt != nil {
		w.add("COALESCE(pc.exempt, FALSE) = ?", *f.Exempt)
	}
	return w
}

const warningCols = `w.project_id, w.rule_id, COALESCE(wr.name, ''), w.kind, w.colour, w.value, w.reason, w.args, w.subject,
		w.subject_key, p.name, p.code, p.unit_id, u.name, w.base_colour, w.opened_on, w.changed_on, w.escalated,
		COALESCE(pc.exempt, FALSE)`

const warningFrom = ` FROM warnings w JOIN projects p ON p.id = w.project_id LEFT JOIN project_colours pc ON pc.project_id = w.project_id`

// scanWarnings reads rows of warningCols.
func scanWarnings(db *DB, rows *sql.Rows, period string) ([]*ProjectWarning, error) {
	defer rows.Close()
	var out []*ProjectWarning
	for rows.Next() {
		pw := &ProjectWarning{}
		var args string
		if err := rows.Scan(&pw.ProjectID, &pw.RuleID, &pw.RuleName, &pw.Kind, &pw.Colour, &pw.Value, &pw.Reason, &args, &pw.Subject,
			&pw.SubjectKey, &pw.ProjectName, &pw.ProjectCode, &pw.UnitID, &pw.UnitName, &pw.BaseColour, fastDate{&pw.OpenedOn},
			fastDate{&pw.ChangedOn}, &pw.Escalated, &pw.Exempt); err != nil {
			return nil, db.mapErr(err)
		}
		pw.Periods = periodsSince(pw.OpenedOn, period)
		pw.Args = decodeArgs(args)
		out = append(out, pw)
	}
	return out, db.mapErr(rows.Err())
}

// findWarnings reads the filtered warnings in one sorted query: a project's (the project
// page), all of them (Limit 0), or inside a transaction.
func findWarnings(ctx context.Context, r reader, a *ding.Actor, f WarningFilter, colours ding.ColourScheme, today ding.Date) ([]*ProjectWarning, int, error) {
	db := r.db
	w := warningWhere(a, f)
	var total int
	if err := r.queryRow(ctx, `SELECT COUNT(*)`+warningFrom+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, db.mapErr(err)
	}
	// Most severe first, by the configured ranks.
	rank := "CASE w.colour"
	qargs := append([]any(nil), w.args...)
	for _, l := range colours {
		rank += " WHEN ? THEN " + strconv.Itoa(l.Rank)
		qargs = append(qargs, string(l.Key))
	}
	rank += " ELSE 0 END"
	rows, err := r.query(ctx, `SELECT `+warningCols+warningFrom+` JOIN units u ON u.id = p.unit_id LEFT JOIN warning_rules wr ON wr.id = w.rule_id`+
		w.String()+` ORDER BY `+rank+` DESC, p.total_investment DESC, w.project_id, w.rule_id, w.subject_key`+page(f.Limit, f.Offset), qargs...)
	if err != nil {
		return nil, 0, err
	}
	out, err := scanWarnings(db, rows, monthKey(today))
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// findWarningsPage reads a page of the filtered warnings in the order of findWarnings (the
// colour's rank, most severe first; the project's investment, largest first; project, rule,
// subject) one colour at a time: the counts by colour say which colours the page's rows
// lie in, and each colour's rows come from the first projects by investment that have one
// (projects_investment, walked from the top), so that a page reads about as many projects
// as it shows rows instead of sorting every warning of the scope.
func (db *DB) findWarningsPage(ctx context.Context, r reader, a *ding.Actor, f WarningFilter, colours ding.ColourScheme, today ding.Date) ([]*ProjectWarning, int, error) {
	s, err := splitScope(ctx, r, a)
	if err != nil {
		return nil, 0, err
	}
	counts, err := db.warningCounts(ctx, r, a, s, f)
	if err != nil {
		return nil, 0, err
	}
	total := 0
	for _, n := range counts {
		total += n
	}
	// The colours by rank, most severe first, then the colours the scheme lacks (rank 0).
	type bucket struct {
		cond string
		args []any
		n    int
	}
	scheme := slices.Clone(colours)
	slices.SortFunc(scheme, func(x, y ding.ColourLevel) int { return y.Rank - x.Rank })
	var buckets []bucket
	known := map[ding.Colour]bool{}
	var keys []any
	for _, l := range scheme {
		known[l.Key] = true
		keys = append(keys, string(l.Key))
		buckets = append(buckets, bucket{"w.colour = ?", []any{string(l.Key)}, counts[l.Key]})
	}
	others := bucket{"w.colour NOT IN (" + placeholders(len(keys)) + ")", keys, 0}
	for c, n := range counts {
		if !known[c] {
			others.n += n
		}
	}
	buckets = append(buckets, others)

	period := monthKey(today)
	limit, offset := f.Limit, max(f.Offset, 0)
	var out []*ProjectWarning
	share := -1.0
	for _, b := range buckets {
		if limit <= 0 {
			break
		}
		if b.n <= offset {
			offset -= b.n
			continue
		}
		// The warnings' own conditions, in the walk and in the page.
		var ww where
		ww.add(b.cond, b.args...)
		if f.Colour != "" {
			ww.add("w.colour = ?", string(f.Colour))
		}
		if f.Kind != "" {
			ww.add("w.kind = ?", string(f.Kind))
		}
		if f.RuleID != 0 {
			ww.add("w.rule_id = ?", f.RuleID)
		}
		// The first offset+limit projects by investment with such a warning hold the page.
		// Walking the projects by investment finds them after about k/m of all projects,
		// for m the projects that qualify (about half the colour's warnings: a project has
		// a few); reading the projects of the scope (or of the colour) and sorting them costs
		// the scope's projects, about the scope's share of the units. Walk when cheaper.
		if share < 0 {
			if share, err = scopeShare(ctx, r, a, s, f.UnitID); err != nil {
				return nil, 0, err
			}
		}
		k := offset + limit
		walk := float64(k) < float64(b.n)/2*share
		var pw where
		switch {
		case s.all:
		case walk:
			cond, args := projectScope(a, true) // probed project by project, in investment order
			pw.add(cond, args...)
		default:
			// The scope's projects, read by their lead units (projects_unit) and the few
			// led elsewhere by id, as a set both engines start from.
			cond, args, err := s.projectCond(ctx, r)
			if err != nil {
				return nil, 0, err
			}
			pw.add(cond, args...)
		}
		if !walk && s.all && f.UnitID == 0 {
			// Nothing else to start from: the colour's warnings (warnings_colour).
			pw.add("p.id IN (SELECT w.project_id FROM warnings w WHERE "+joinConds(ww.conds)+")", ww.args...)
		} else {
			pw.add("EXISTS (SELECT 1 FROM warnings w WHERE w.project_id = p.id AND "+joinConds(ww.conds)+")", ww.args...)
		}
		if f.UnitID != 0 {
			pw.add("p.unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ?)", f.UnitID)
		}
		from := ` FROM projects p`
		if f.Exempt != nil {
			from += ` LEFT JOIN project_colours pc ON pc.project_id = p.id`
			pw.add("COALESCE(pc.exempt, FALSE) = ?", *f.Exempt)
		}
		ids := `SELECT p.id` + from + pw.String() + ` ORDER BY p.total_investment DESC, p.id LIMIT ` + strconv.Itoa(k)
		args := append(append([]any{}, pw.args...), ww.args...)
		rows, err := r.query(ctx, `SELECT `+warningCols+warningFrom+` JOIN units u ON u.id = p.unit_id LEFT JOIN warning_rules wr ON wr.id = w.rule_id
			WHERE w.project_id IN (`+ids+`) AND `+joinConds(ww.conds)+`
			ORDER BY p.total_investment DESC, w.project_id, w.rule_id, w.subject_key`+page(limit, offset), args...)
		if err != nil {
			return nil, 0, err
		}
		got, err := scanWarnings(db, rows, period)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, got...)
		limit -= len(got)
		offset = 0
	}
	return out, total, nil
}

// scopeShare estimates the share of all projects that a scope (and the subtree of under)
// holds by its share of the units: 1 for every project, 0 for a unit's or the caller's own.
func scopeShare(ctx context.Context, r reader, a *ding.Actor, s *leadScope, under int64) (float64, error) {
	var roots []int64
	if !s.all {
		if a.Scope != ding.ScopeUnitTree {
			return 0, nil
		}
		roots = append(roots, a.UnitID)
	}
	if under != 0 {
		roots = append(roots, under)
	}
	if len(roots) == 0 {
		return 1, nil
	}
	var units int
	if err := r.queryRow(ctx, `SELECT COUNT(*) FROM units`).Scan(&units); err != nil {
		return 0, r.db.mapErr(err)
	}
	share := 1.0
	for _, u := range roots {
		var n int
		if err := r.queryRow(ctx, `SELECT COUNT(*) FROM unit_closure WHERE ancestor_id = ?`, u).Scan(&n); err != nil {
			return 0, r.db.mapErr(err)
		}
		share = min(share, float64(n)/float64(max(units, 1)))
	}
	return share, nil
}

// warningCounts counts by colour the warnings a filter selects. Without a rule or a kind,
// from the rollups: rollup_warning_counts over the lead units of the scope for the
// projects not exempt, plus the projects in scope that other units lead, plus the exempt
// projects (few) read apart; with one, from the warnings.
func (db *DB) warningCounts(ctx context.Context, r reader, a *ding.Actor, s *leadScope, f WarningFilter) (map[ding.Colour]int, error) {
	out := map[ding.Colour]int{}
	add := func(q string, args []any) error {
		return scanRows(ctx, r, q, args, func(rows *sql.Rows) error {
			var c ding.Colour
			var n int
			if err := rows.Scan(&c, &n); err != nil {
				return err
			}
			out[c] += n
			return nil
		})
	}
	if f.Kind != "" || f.RuleID != 0 {
		w := warningWhere(a, f)
		return out, add(`SELECT w.colour, COUNT(*)`+warningFrom+w.String()+` GROUP BY w.colour`, w.args)
	}
	if err := s.refreshRollups(ctx, db, a); err != nil {
		return nil, err
	}
	if f.Exempt == nil || !*f.Exempt {
		var w where
		uc, ua := s.unitCond("unit_id", f.UnitID)
		w.add(uc, ua...)
		if f.Colour != "" {
			w.add("colour = ?", string(f.Colour))
		}
		if err := add(`SELECT colour, SUM(n) FROM rollup_warning_counts`+w.String()+` GROUP BY colour`, w.args); err != nil {
			return nil, err
		}
		ec, ea, err := s.extraCond(ctx, r, f.UnitID)
		if err != nil {
			return nil, err
		}
		if ec != "" {
			var w where
			w.add(ec, ea...)
			w.add("COALESCE(pc.exempt, FALSE) = FALSE")
			if f.Colour != "" {
				w.add("w.colour = ?", string(f.Colour))
			}
			if err := add(`SELECT w.colour, COUNT(*)`+warningFrom+w.String()+` GROUP BY w.colour`, w.args); err != nil {
				return nil, err
			}
		}
	}
	if f.Exempt == nil || *f.Exempt {
		var w where
		cond, args := projectScope(a, true) // a few projects: probe each one's team
		w.add(cond, args...)
		w.add("pc.exempt = TRUE")
		if f.Colour != "" {
			w.add("w.colour = ?", string(f.Colour))
		}
		if f.UnitID != 0 {
			w.add("p.unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ?)", f.UnitID)
		}
		// (CROSS JOIN: SQLite walks the exempt ones, project_colours_exempt, not the projects.)
		w.add("p.id = pc.project_id")
		if err := add(`SELECT w.colour, COUNT(*) FROM project_colours pc CROSS JOIN projects p
			JOIN warnings w ON w.project_id = pc.project_id`+w.String()+` GROUP BY w.colour`, w.args); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// leadScope is the caller's scope (projectScope) as the rollups can read it: they count a
// project under its lead unit, and a project is in scope when a unit of its team is (or
// the caller leads it). Every project's team holds its lead unit (ding check: "project
// teams: lead unit"), so the scope is the projects led by a set of units (units), plus
// the few in scope that other units lead (extra): those whose team reaches into the
// caller's units (team_reach for a tree) and those the caller leads.
type leadScope struct {
	all   bool   // every project: units and extra are not used
	units string // SQL of the lead units' ids; "" none
	uargs []any
	extra string // SQL of the other projects' ids; "" none
	eargs []any
	reach bool    // extra reads team_reach
	ids   []int64 // extra's, once read (extraCond)
}

// splitScope splits the caller's scope. A unit tree that holds every unit is every project.
func splitScope(ctx context.Context, r reader, a *ding.Actor) (*leadScope, error) {
	if a == nil {
		return &leadScope{}, nil
	}
	if a.System || a.Scope == ding.ScopeAll {
		return &leadScope{all: true}, nil
	}
	switch a.Scope {
	case ding.ScopeUnitTree:
		// The tree of the sole root is every project (treeCoversAll).
		all, err := treeCoversAll(ctx, r, a.UnitID)
		if err != nil {
			return nil, err
		}
		if all {
			return &leadScope{all: true}, nil
		}
		sub := `SELECT descendant_id FROM unit_closure WHERE ancestor_id = ?`
		return &leadScope{units: sub, uargs: []any{a.UnitID}, reach: true,
			extra: `SELECT p.id FROM projects p WHERE p.leader_id = ? AND NOT EXISTS
					(SELECT 1 FROM unit_closure c WHERE c.ancestor_id = ? AND c.descendant_id = p.unit_id)
				UNION ALL SELECT project_id FROM team_reach WHERE unit_id = ?`,
			eargs: []any{a.UserID, a.UnitID, a.UnitID}}, nil
	case ding.ScopeUnit:
		return &leadScope{units: `?`, uargs: []any{a.UnitID},
			extra: `SELECT p.id FROM projects p WHERE p.leader_id = ? AND p.unit_id <> ?
				UNION ALL SELECT pu.project_id FROM project_units pu JOIN projects p ON p.id = pu.project_id
				WHERE pu.unit_id = ? AND p.unit_id <> ?`,
			eargs: []any{a.UserID, a.UnitID, a.UnitID, a.UnitID}}, nil
	case ding.ScopeSelf:
		return &leadScope{extra: `SELECT id FROM projects WHERE leader_id = ?`, eargs: []any{a.UserID}}, nil
	}
	return &leadScope{}, nil
}

// refreshRollups brings up to date the dashboards' rollups (rollups.go) of the scope's lead
// units: every dirty unit for a scope of every project, the dirty units of the caller's
// subtree otherwise (a unit scope reads its own unit's), none for the caller's own projects.
func (s *leadScope) refreshRollups(ctx context.Context, db *DB, a *ding.Actor) error {
	switch {
	case s.all:
		return db.refreshRollups(ctx)
	case s.units != "":
		return db.refreshRollupsUnder(ctx, []any{a.UnitID})
	}
	return nil
}

// unitCond is the condition "col is a lead unit of the scope" (and, with under, of that
// unit's subtree), for a rollup's unit column.
func (s *leadScope) unitCond(col string, under int64) (string, []any) {
	var w where
	switch {
	case s.all:
	case s.units == "":
		w.add("1=0")
	default:
		w.add(col+" IN ("+s.units+")", s.uargs...)
	}
	if under != 0 {
		w.add(col+" IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ?)", under)
	}
	return joinConds(w.conds), w.args
}

// loadExtra reads the ids of the projects of the scope led by another unit, once: they
// are few (teams that reach across the scope's edge, projects its user leads elsewhere),
// and each read that adds them then starts from them.
func (s *leadScope) loadExtra(ctx context.Context, r reader) error {
	if s.all || s.extra == "" || s.ids != nil {
		return nil
	}
	if s.reach {
		if err := r.db.refreshTeamReach(ctx); err != nil {
			return err
		}
	}
	ids, err := int64s(ctx, r, s.extra, s.eargs...)
	if err != nil {
		return err
	}
	// (UNION ALL and then here: SQLite's UNION costs several times more.)
	slices.Sort(ids)
	s.ids = append(make([]int64, 0, len(ids)), slices.Compact(ids)...)
	return nil
}

// extraCond is the condition "p is a project of the scope led by another unit" (and led
// in under's subtree); "" when there is none.
func (s *leadScope) extraCond(ctx context.Context, r reader, under int64) (string, []any, error) {
	if err := s.loadExtra(ctx, r); err != nil {
		return "", nil, err
	}
	if len(s.ids) == 0 {
		return "", nil, nil
	}
	var w where
	w.add("p.id IN (" + idList(s.ids) + ")")
	if under != 0 {
		w.add("p.unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ?)", under)
	}
	return joinConds(w.conds), w.args, nil
}

// projectCond is the condition "p is in the scope" as the projects of its lead units and
// those led elsewhere: the same projects as projectScope's condition, as one set of ids.
func (s *leadScope) projectCond(ctx context.Context, r reader) (string, []any, error) {
	if s.all {
		return "1=1", nil, nil
	}
	if err := s.loadExtra(ctx, r); err != nil {
		return "", nil, err
	}
	if len(s.ids) == 0 {
		if s.units == "" {
			return "1=0", nil, nil
		}
		// projects_unit (unit, investment) covers what a page's walk reads.
		return "p.unit_id IN (" + s.units + ")", s.uargs, nil
	}
	var sets []string
	var args []any
	if s.units != "" {
		sets = append(sets, `SELECT id FROM projects WHERE unit_id IN (`+s.units+`)`)
		args = append(args, s.uargs...)
	}
	if len(s.ids) > 0 {
		sets = append(sets, `SELECT id FROM projects WHERE id IN (`+idList(s.ids)+`)`)
	}
	if len(sets) == 0 {
		return "1=0", nil, nil
	}
	return "p.id IN (" + strings.Join(sets, " UNION ALL ") + ")", args, nil
}

// ProjectColour is a project's colour (the worst of its warnings, "" for none) and whether
// an exemption covers it; an exempt project keeps its computed colour.
type ProjectColour struct {
	Colour ding.Colour `json:"colour"`
	Exempt bool        `json:"exempt"`
}

// ProjectColours returns the colours of the given projects that the caller can see, for
// the badges of a list page (projects without a colour are absent).
func (db *DB) ProjectColours(ctx context.Context, ids []int64) (map[int64]ProjectColour, error) {
	out := map[int64]ProjectColour{}
	if len(ids) == 0 {
		return out, nil
	}
	cond, args := projectScope(ding.ActorFrom(ctx), true) // a page of ids: probe each project's team
	rows, err := db.reader().query(ctx, `SELECT pc.project_id, pc.colour, pc.exempt FROM project_colours pc JOIN projects p ON p.id = pc.project_id
		WHERE pc.project_id IN (`+idList(ids)+`) AND `+cond, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var c ProjectColour
		if err := rows.Scan(&id, &c.Colour, &c.Exempt); err != nil {
			return nil, db.mapErr(err)
		}
		out[id] = c
	}
	return out, db.mapErr(rows.Err())
}

// WarningBoard is the board's summary of the projects in the caller's scope.
type WarningBoard struct {
	Today    ding.Date           `json:"today"`
	Colours  ding.ColourScheme   `json:"colours"`
	Projects map[ding.Colour]int `json:"projects"` // projects by colour, exempt ones apart
	Warnings map[ding.Colour]int `json:"warnings"` // warnings by colour, of projects not exempt
	Exempt   int                 `json:"exempt"`   // exempt projects that have a colour
	ByUnit   []*UnitColours      `json:"by_unit"`  // by lead unit, most severe first
	Opened   int                 `json:"opened"`   // warnings opened this month
	Cleared  int                 `json:"cleared"`  // warnings cleared this month
}

// UnitColours counts a lead unit's projects by colour (exempt ones apart).
type UnitColours struct {
	UnitID   int64               `json:"unit_id"`
	UnitName string              `json:"unit_name"`
	Projects map[ding.Colour]int `json:"projects"`
	Total    int                 `json:"total"`
}

// FindWarningBoard counts the projects in the caller's scope (and, with unitID, whose lead
// unit lies in that subtree) by colour and by lead unit, and the warnings opened and
// cleared in the month of the warning date. The counts come from the rollups of the lead
// units of the scope (rollup_colours, rollup_warning_counts, rollup_warnings), brought up
// to date first, plus the few projects in scope that other units lead (splitScope) and the
// exempt projects, read apart.
func (db *DB) FindWarningBoard(ctx context.Context, unitID int64) (*WarningBoard, error) {
	a := ding.ActorFrom(ctx)
	if a == nil {
		return nil, ding.Errorf(ding.EUNAUTHORIZED, "err.unauthorized")
	}
	r := db.reader()
	colours, err := getColours(ctx, r)
	if err != nil {
		return nil, err
	}
	today, err := db.WarningToday(ctx)
	if err != nil {
		return nil, err
	}
	s, err := splitScope(ctx, r, a)
	if err != nil {
		return nil, err
	}
	if err := s.refreshRollups(ctx, db, a); err != nil {
		return nil, err
	}
	b := &WarningBoard{Today: today, Colours: colours, Projects: map[ding.Colour]int{}, Warnings: map[ding.Colour]int{}}
	uc, ua := s.unitCond("r.unit_id", unitID)
	ec, ea, err := s.extraCond(ctx, r, unitID)
	if err != nil {
		return nil, err
	}
	// union adds to a rollup's query the same counts of the projects led elsewhere.
	union := func(q string, args []any, extra string, extraArgs ...any) (string, []any) {
		if ec == "" {
			return q, args
		}
		return q + " UNION ALL " + extra, append(append(append([]any{}, args...), extraArgs...), ea...)
	}

	// Projects not exempt by lead unit and colour.
	q, args := union(`SELECT r.unit_id, u.name, r.colour, r.n FROM rollup_colours r JOIN units u ON u.id = r.unit_id WHERE `+uc, ua,
		`SELECT p.unit_id, u.name, pc.colour, COUNT(*) FROM project_colours pc JOIN projects p ON p.id = pc.project_id
			JOIN units u ON u.id = p.unit_id WHERE `+ec+` AND pc.exempt = FALSE AND pc.colour <> '' GROUP BY p.unit_id, u.name, pc.colour`)
	units := map[int64]*UnitColours{}
	if err := scanRows(ctx, r, q, args, func(rows *sql.Rows) error {
		var uid int64
		var name string
		var c ding.Colour
		var n int
		if err := rows.Scan(&uid, &name, &c, &n); err != nil {
			return err
		}
		if c == "" || n == 0 {
			return nil
		}
		b.Projects[c] += n
		u := units[uid]
		if u == nil {
			u = &UnitColours{UnitID: uid, UnitName: name, Projects: map[ding.Colour]int{}}
			units[uid] = u
			b.ByUnit = append(b.ByUnit, u)
		}
		u.Projects[c] += n
		u.Total += n
		return nil
	}); err != nil {
		return nil, err
	}
	sortUnits(b.ByUnit, colours)

	// Exempt projects with a colour: few, each one's scope probed.
	var w where
	cond, cargs := projectScope(a, true)
	w.add(cond, cargs...)
	w.add("pc.exempt = TRUE AND pc.colour <> ''")
	if unitID != 0 {
		w.add("p.unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ?)", unitID)
	}
	// (CROSS JOIN: SQLite walks the exempt ones, project_colours_exempt, not the projects.)
	w.add("p.id = pc.project_id")
	if err := r.queryRow(ctx, `SELECT COUNT(*) FROM project_colours pc CROSS JOIN projects p`+w.String(), w.args...).Scan(&b.Exempt); err != nil {
		return nil, db.mapErr(err)
	}

	// Warnings of the projects not exempt, by colour.
	q, args = union(`SELECT r.colour, SUM(r.n) FROM rollup_warning_counts r WHERE `+uc+` GROUP BY r.colour`, ua,
		`SELECT w.colour, COUNT(*)`+warningFrom+` WHERE `+ec+` AND COALESCE(pc.exempt, FALSE) = FALSE GROUP BY w.colour`)
	if err := scanRows(ctx, r, q, args, func(rows *sql.Rows) error {
		var c ding.Colour
		var n int
		if err := rows.Scan(&c, &n); err != nil {
			return err
		}
		if n != 0 {
			b.Warnings[c] += n
		}
		return nil
	}); err != nil {
		return nil, err
	}

	// Warnings opened and cleared in the month.
	first := ding.Date{Year: today.Year, Month: today.Month, Day: 1}
	last := ding.DateOf(first.Time().AddDate(0, 1, -1))
	q, args = `SELECT r.event, SUM(r.n) FROM rollup_warnings r WHERE r.year = ? AND r.month = ? AND r.event IN ('opened', 'cleared') AND `+uc+`
		GROUP BY r.event`, append([]any{today.Year, int(today.Month)}, ua...)
	if ec != "" {
		// Each project's events (warning_events_project), not the month's: SQLite, which
		// often has no statistics of warning_events, is told so.
		hint := ""
		if db.dialect == SQLite {
			hint = " INDEXED BY warning_events_project"
		}
		q += ` UNION ALL SELECT e.event, COUNT(*) FROM projects p CROSS JOIN warning_events e` + hint + `
			WHERE ` + ec + ` AND e.project_id = p.id AND e.on_date BETWEEN ? AND ? AND e.event IN ('opened', 'cleared') GROUP BY e.event`
		args = append(append(args, ea...), dateArg(first), dateArg(last))
	}
	if err := scanRows(ctx, r, q, args, func(rows *sql.Rows) error {
		var ev string
		var n int
		if err := rows.Scan(&ev, &n); err != nil {
			return err
		}
		if ev == EventOpened {
			b.Opened += n
		} else {
			b.Cleared += n
		}
		return nil
	}); err != nil {
		return nil, err
	}
	return b, nil
}

func joinConds(cs []string) string {
	s := ""
	for i, c := range cs {
		if i > 0 {
			s += " AND "
		}
		s += c
	}
	if s == "" {
		return "1=1"
	}
	return s
}

// sortUnits orders units by their count of the most severe colour, then the next, …, then
// by name. (A province's board has thousands of units: each unit's counts are read once.)
func sortUnits(us []*UnitColours, cs ding.ColourScheme) {
	order := make([]ding.Colour, len(cs))
	for _, l := range cs {
		if l.Rank >= 1 && l.Rank <= len(cs) {
			order[len(cs)-l.Rank] = l.Key
		}
	}
	type keyed struct {
		u *UnitColours
		n []int // by order
	}
	ks := make([]keyed, len(us))
	for i, u := range us {
		k := keyed{u, make([]int, len(order))}
		for j, c := range order {
			k.n[j] = u.Projects[c]
		}
		ks[i] = k
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		for j := range a.n {
			if a.n[j] != b.n[j] {
				return cmp.Compare(b.n[j], a.n[j])
			}
		}
		if c := strings.Compare(a.u.UnitName, b.u.UnitName); c != 0 {
			return c
		}
		return cmp.Compare(a.u.UnitID, b.u.UnitID)
	})
	for i, k := range ks {
		us[i] = k.u
	}
}

// WarningHistory returns a project's warning events, oldest first.
func (db *DB) WarningHistory(ctx context.Context, projectID int64) ([]*WarningEvent, error) {
	p, err := db.FindProjectByID(ctx, projectID)
	if err != nil {
		return nil, err
	}
	rows, err := db.reader().query(ctx, `SELECT e.id, e.project_id, e.rule_id, COALESCE(r.name, ''), e.subject_key, e.subject, e.event,
		e.from_colour, e.to_colour, e.value, e.reason, e.args, e.on_date, e.created_at
		FROM warning_events e LEFT JOIN warning_rules r ON r.id = e.rule_id WHERE e.project_id = ? ORDER BY e.id`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*WarningEvent
	for rows.Next() {
		e := &WarningEvent{ProjectName: p.Name}
		var args string
		if err := rows.Scan(&e.ID, &e.ProjectID, &e.RuleID, &e.RuleName, &e.SubjectKey, &e.Subject, &e.Event, &e.From, &e.To,
			&e.Value, &e.Reason, &args, fastDate{&e.On}, timeScan{&e.CreatedAt}); err != nil {
			return nil, db.mapErr(err)
		}
		e.Args = decodeArgs(args)
		out = append(out, e)
	}
	return out, db.mapErr(rows.Err())
}

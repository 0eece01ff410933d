package store

import (
	"context"
	"strconv"

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
// first, and how many match.
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
	return findWarnings(ctx, r, ding.ActorFrom(ctx), f, colours, today)
}

func findWarnings(ctx context.Context, r reader, a *ding.Actor, f WarningFilter, colours ding.ColourScheme, today ding.Date) ([]*ProjectWarning, int, error) {
	db := r.db
	period := monthKey(today)
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
	from := ` FROM warnings w JOIN projects p ON p.id = w.project_id LEFT JOIN project_colours pc ON pc.project_id = w.project_id`
	var total int
	if err := r.queryRow(ctx, `SELECT COUNT(*)`+from+w.String(), w.args...).Scan(&total); err != nil {
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
	rows, err := r.query(ctx, `SELECT w.project_id, w.rule_id, COALESCE(wr.name, ''), w.kind, w.colour, w.value, w.reason, w.args, w.subject,
		w.subject_key, p.name, p.code, p.unit_id, u.name, w.base_colour, w.opened_on, w.changed_on, w.escalated,
		COALESCE(pc.exempt, FALSE)`+from+` JOIN units u ON u.id = p.unit_id LEFT JOIN warning_rules wr ON wr.id = w.rule_id`+
		w.String()+` ORDER BY `+rank+` DESC, p.total_investment DESC, w.project_id, w.rule_id, w.subject_key`+page(f.Limit, f.Offset), qargs...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*ProjectWarning
	for rows.Next() {
		pw := &ProjectWarning{}
		var args string
		if err := rows.Scan(&pw.ProjectID, &pw.RuleID, &pw.RuleName, &pw.Kind, &pw.Colour, &pw.Value, &pw.Reason, &args, &pw.Subject,
			&pw.SubjectKey, &pw.ProjectName, &pw.ProjectCode, &pw.UnitID, &pw.UnitName, &pw.BaseColour, fastDate{&pw.OpenedOn},
			fastDate{&pw.ChangedOn}, &pw.Escalated, &pw.Exempt); err != nil {
			return nil, 0, db.mapErr(err)
		}
		pw.Periods = periodsSince(pw.OpenedOn, period)
		pw.Args = decodeArgs(args)
		out = append(out, pw)
	}
	return out, total, db.mapErr(rows.Err())
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
// cleared in the month of the warning date.
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
	b := &WarningBoard{Today: today, Colours: colours, Projects: map[ding.Colour]int{}, Warnings: map[ding.Colour]int{}}
	var w where
	cond, args := projectScope(a, false)
	w.add(cond, args...)
	if unitID != 0 {
		w.add("p.unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ?)", unitID)
	}
	rows, err := r.query(ctx, `SELECT p.unit_id, u.name, pc.colour, pc.exempt, COUNT(*) FROM project_colours pc
		JOIN projects p ON p.id = pc.project_id JOIN units u ON u.id = p.unit_id`+w.String()+`
		GROUP BY p.unit_id, u.name, pc.colour, pc.exempt`, w.args...)
	if err != nil {
		return nil, err
	}
	units := map[int64]*UnitColours{}
	for rows.Next() {
		var uid int64
		var name string
		var c ding.Colour
		var exempt bool
		var n int
		if err := rows.Scan(&uid, &name, &c, &exempt, &n); err != nil {
			rows.Close()
			return nil, db.mapErr(err)
		}
		if c == "" {
			continue
		}
		if exempt {
			b.Exempt += n
			continue
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
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, db.mapErr(err)
	}
	sortUnits(b.ByUnit, colours)
	rows, err = r.query(ctx, `SELECT w.colour, COUNT(*) FROM warnings w JOIN projects p ON p.id = w.project_id
		LEFT JOIN project_colours pc ON pc.project_id = w.project_id`+w.String()+` AND COALESCE(pc.exempt, FALSE) = FALSE
		GROUP BY w.colour`, w.args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var c ding.Colour
		var n int
		if err := rows.Scan(&c, &n); err != nil {
			rows.Close()
			return nil, db.mapErr(err)
		}
		b.Warnings[c] += n
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, db.mapErr(err)
	}
	first := ding.Date{Year: today.Year, Month: today.Month, Day: 1}
	last := ding.DateOf(first.Time().AddDate(0, 1, -1))
	eargs := append([]any{dateArg(first), dateArg(last)}, w.args...)
	rows, err = r.query(ctx, `SELECT e.event, COUNT(*) FROM warning_events e JOIN projects p ON p.id = e.project_id
		WHERE e.on_date BETWEEN ? AND ? AND e.event IN ('opened', 'cleared') AND `+joinConds(w.conds)+` GROUP BY e.event`, eargs...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var ev string
		var n int
		if err := rows.Scan(&ev, &n); err != nil {
			return nil, db.mapErr(err)
		}
		if ev == EventOpened {
			b.Opened = n
		} else {
			b.Cleared = n
		}
	}
	return b, db.mapErr(rows.Err())
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
// by name.
func sortUnits(us []*UnitColours, cs ding.ColourScheme) {
	order := make([]ding.Colour, len(cs))
	for _, l := range cs {
		if l.Rank >= 1 && l.Rank <= len(cs) {
			order[len(cs)-l.Rank] = l.Key
		}
	}
	less := func(a, b *UnitColours) bool {
		for _, c := range order {
			if a.Projects[c] != b.Projects[c] {
				return a.Projects[c] > b.Projects[c]
			}
		}
		if a.UnitName != b.UnitName {
			return a.UnitName < b.UnitName
		}
		return a.UnitID < b.UnitID
	}
	for i := 1; i < len(us); i++ {
		for j := i; j > 0 && less(us[j], us[j-1]); j-- {
			us[j], us[j-1] = us[j-1], us[j]
		}
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

package store

// The board's reads as they were before migration 0016 (store/warnings_read.go,
// store/escalations.go), kept verbatim for the tests and benchmarks that check the faster
// reads return exactly what these did.

import (
	"context"
	"strconv"

	"ding"
)

func oldFindWarnings(ctx context.Context, r reader, a *ding.Actor, f WarningFilter, colours ding.ColourScheme, today ding.Date) ([]*ProjectWarning, int, error) {
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

func oldFindWarningBoard(db *DB, ctx context.Context, unitID int64) (*WarningBoard, error) {
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
	oldSortUnits(b.ByUnit, colours)
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

func oldCountEscalations(db *DB, ctx context.Context) ([]EscalationCounts, error) {
	a := ding.ActorFrom(ctx)
	if a == nil {
		return nil, ding.Errorf(ding.EUNAUTHORIZED, "err.unauthorized")
	}
	today, err := db.WarningToday(ctx)
	if err != nil {
		return nil, err
	}
	cond, args := projectScope(a, false)
	q := `SELECT e.action,
		SUM(CASE WHEN e.status = 'open' THEN 1 ELSE 0 END),
		SUM(CASE WHEN e.status = 'open' AND e.due_on < ? THEN 1 ELSE 0 END),
		SUM(CASE WHEN e.status = 'done' THEN 1 ELSE 0 END),
		SUM(CASE WHEN e.period = ? THEN 1 ELSE 0 END)
		FROM escalations e JOIN projects p ON p.id = e.project_id WHERE ` + cond + ` GROUP BY e.action`
	rows, err := db.reader().query(ctx, q, append([]any{dateArg(today), monthKey(today)}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	by := map[ding.LadderAction]EscalationCounts{}
	for rows.Next() {
		var c EscalationCounts
		if err := rows.Scan(&c.Action, &c.Open, &c.Overdue, &c.Done, &c.ThisMonth); err != nil {
			return nil, db.mapErr(err)
		}
		by[c.Action] = c
	}
	if err := rows.Err(); err != nil {
		return nil, db.mapErr(err)
	}
	out := make([]EscalationCounts, 0, len(ding.LadderActions))
	for _, act := range ding.LadderActions {
		c := by[act]
		c.Action = act
		out = append(out, c)
	}
	return out, nil
}

// OldFindWarningsForTest is FindWarnings as it was before migration 0016: one query that
// counts and one that sorts every match.
func (db *DB) OldFindWarningsForTest(ctx context.Context, f WarningFilter) ([]*ProjectWarning, int, error) {
	r := db.reader()
	colours, err := getColours(ctx, r)
	if err != nil {
		return nil, 0, err
	}
	today, err := db.WarningToday(ctx)
	if err != nil {
		return nil, 0, err
	}
	return oldFindWarnings(ctx, r, ding.ActorFrom(ctx), f, colours, today)
}

// OldFindWarningBoardForTest is FindWarningBoard as it was before migration 0016.
func (db *DB) OldFindWarningBoardForTest(ctx context.Context, unitID int64) (*WarningBoard, error) {
	return oldFindWarningBoard(db, ctx, unitID)
}

// OldCountEscalationsForTest is CountEscalations as it was before migration 0016.
func (db *DB) OldCountEscalationsForTest(ctx context.Context) ([]EscalationCounts, error) {
	return oldCountEscalations(db, ctx)
}

// oldSortUnits orders units by their count of the most severe colour, then the next, …, then
// by name.
func oldSortUnits(us []*UnitColours, cs ding.ColourScheme) {
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

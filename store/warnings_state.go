package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"ding"
	"ding/warn"
)

// The engine's input, read set-based: a handful of queries for any number of projects
// (one project after a change, a chunk of a few thousand in the nightly pass), each
// streamed into maps by project id. Everything comes from the running figures
// (project_years, project_months) and small tables, never from summing raw reports
// (see ../shared/docs/PERFORMANCE-NOTES.md).

// idSel selects projects: a list of ids, an id range, or all.
type idSel struct {
	ids    []int64
	lo, hi int64
	ranged bool
}

// cond renders the selection on col with literal ids (int64s: safe).
func (s idSel) cond(col string) string {
	switch {
	case s.ranged:
		return col + " BETWEEN " + strconv.FormatInt(s.lo, 10) + " AND " + strconv.FormatInt(s.hi, 10)
	case s.ids != nil:
		if len(s.ids) == 0 {
			return "1=0"
		}
		return col + " IN (" + idList(s.ids) + ")"
	}
	return "1=1"
}

// stateSet is what the loader returns: the states in id order and the projects an
// approved exemption covers today.
type stateSet struct {
	states []*warn.ProjectState
	byID   map[int64]*warn.ProjectState
	exempt map[int64]bool
}

// stateNeeds says which parts of the state to read: only those an enabled rule can use.
// Both paths read with the same rules, so what is skipped never changes an answer.
type stateNeeds struct {
	months, reported, milestones, lastReport, items bool
}

var allNeeds = stateNeeds{months: true, reported: true, milestones: true, lastReport: true, items: true}

func needsOf(rules []ding.Rule) stateNeeds {
	var n stateNeeds
	for _, r := range rules {
		if !r.Enabled {
			continue
		}
		switch r.Kind {
		case ding.RuleInvestLag:
			n.months = true
		case ding.RuleReportMissing:
			n.reported = true
		case ding.RuleMilestone:
			n.milestones = true
		case ding.RuleStageStale:
			n.lastReport = true
		case ding.RuleItemOverdue:
			n.items = true
		}
	}
	return n
}

// loadStates reads the engine's view of the projects (nil ids: all) on a day: the project,
// its lead unit's path, this year's plan and monthly completed figures, the months with a
// current report that was not returned, its open milestones, the date of its last update,
// and its open deadline items. Planned months are left zero: no rule reads them.
//
// Project holds the fields the rules read (id, lead unit, stage and its date, total
// investment and tier, the three flags, planned and actual start, 入统, updated_at, this
// year's plan): a rule that needs another adds it to the first query. Some parts are read
// only for the projects a rule kind can fire for (ding.KindApplies),
// so that a full pass stays cheap, and identically for one project and for all: the
// months for the stages of invest_lag, the reported months for those of report_missing,
// the latest report (towards LastUpdate) for those of stage_stale; and Milestones holds
// only the milestones with a planned date and no actual date, the ones the milestone rule
// judges.
func loadStates(ctx context.Context, r reader, ids []int64, today ding.Date) ([]*warn.ProjectState, error) {
	set, err := loadStateSet(ctx, r, idSel{ids: ids}, today, nil, allNeeds)
	if err != nil {
		return nil, err
	}
	return set.states, nil
}

// loadStateSet is loadStates for a selection and the parts needs names; paths, when not
// nil, are the unit paths of every unit (the full pass reads them once).
func loadStateSet(ctx context.Context, r reader, sel idSel, today ding.Date, paths map[int64][]int64, needs stateNeeds) (*stateSet, error) {
	set := &stateSet{byID: map[int64]*warn.ProjectState{}, exempt: map[int64]bool{}}
	qs := stateQueries(r.db.dialect, sel, today, needs)
	if err := loadStateProjects(ctx, r, qs[0], today, set); err != nil {
		return nil, err
	}
	if len(set.states) == 0 {
		return set, nil
	}
	if paths == nil {
		var err error
		if paths, err = loadUnitPaths(ctx, r, "descendant_id IN (SELECT p.unit_id FROM projects p WHERE "+sel.cond("p.id")+")"); err != nil {
			return nil, err
		}
	}
	for _, st := range set.states {
		st.UnitPath = paths[st.Project.UnitID]
	}
	loaders := []func(context.Context, reader, stateQuery, ding.Date, *stateSet) error{
		loadStateMonths, loadStateReported, loadStateMilestones, loadStateExempt,
	}
	for i, load := range loaders {
		if qs[i+1].q == "" {
			continue
		}
		if err := load(ctx, r, qs[i+1], today, set); err != nil {
			return nil, err
		}
	}
	if needs.items {
		if err := loadStateItems(ctx, r, sel, today, set); err != nil {
			return nil, err
		}
	}
	return set, nil
}

// stageList renders the stages a rule kind can fire at as a SQL list.
func stageList(k ding.RuleKind) string {
	var qs []string
	for _, s := range ding.AllStages {
		if ding.KindApplies(k, s) {
			qs = append(qs, "'"+string(s)+"'")
		}
	}
	return strings.Join(qs, ", ")
}

var (
	lagStages    = stageList(ding.RuleInvestLag)
	reportStages = stageList(ding.RuleReportMissing)
	staleStages  = stageList(ding.RuleStageStale)
)

// stateQuery is one SELECT of the loader ("" when not needed).
type stateQuery struct {
	q    string
	args []any
}

// stateQueries are the loader's SELECTs for a selection, in the order of the loaders:
// projects with this year's plan (and their latest report where a stale-stage rule can
// use it), months, reported months, open milestones, exemptions. The benchmarks run them
// bare as the floor. Indexes for them are in 0003_warnings.sql.
func stateQueries(d Dialect, sel idSel, today ding.Date, needs stateNeeds) []stateQuery {
	last := "NULL"
	if needs.lastReport {
		last = `CASE WHEN p.stage IN (` + staleStages + `) THEN (SELECT MAX(r.submitted_at) FROM progress_reports r WHERE r.project_id = p.id) END`
	}
	qs := []stateQuery{{`SELECT p.id, p.unit_id, p.stage, p.stage_on, p.total_investment, p.manufacturing, p.high_tech, p.private,
		p.planned_start, p.actual_start, p.in_stats, p.updated_at, COALESCE(y.plan_total, 0), ` + last + `
		FROM projects p LEFT JOIN project_years y ON y.project_id = p.id AND y.year = ? AND ` + sel.cond("y.project_id") + `
		WHERE ` + sel.cond("p.id") + ` ORDER BY p.id`, []any{today.Year}}}
	// The selection is repeated outside the stage filter so that both engines bound the
	// index range they scan.
	in := func(stages string) string {
		return sel.cond("project_id") + ` AND project_id IN (SELECT p.id FROM projects p WHERE p.stage IN (` + stages + `) AND ` + sel.cond("p.id") + `)`
	}
	// Each month as one number, month·10¹³ + completed (completed < 10¹³ yuan), listed:
	// one row per project, and the cheapest text SQLite can build.
	agg := "group_concat(month * " + monthShift + " + completed)"
	if d == Postgres {
		agg = "string_agg(CAST(month * " + monthShift + " + completed AS TEXT), ',')"
	}
	var months, reported, milestones stateQuery
	if needs.months {
		months = stateQuery{`SELECT project_id, ` + agg + ` FROM project_months
		WHERE year = ? AND ` + in(lagStages) + ` GROUP BY project_id`, []any{today.Year}}
	}
	if needs.reported {
		reported = stateQuery{`SELECT project_id, SUM(1 << month) FROM progress_reports
		WHERE kind = 'month' AND is_current = TRUE AND status <> 'returned' AND year = ? AND month BETWEEN 1 AND 12
		AND ` + in(reportStages) + ` GROUP BY project_id`, []any{today.Year}}
	}
	if needs.milestones {
		milestones = stateQuery{`SELECT id, project_id, name, stage, planned_on, sort_order FROM project_milestones
		WHERE planned_on IS NOT NULL AND actual_on IS NULL AND ` + sel.cond("project_id") + ` ORDER BY project_id, sort_order, id`, nil}
	}
	return append(qs, months, reported, milestones,
		stateQuery{`SELECT DISTINCT project_id FROM exemptions
		WHERE status = 'approved' AND (valid_until IS NULL OR valid_until >= ?) AND ` + sel.cond("project_id"), []any{dateArg(today)}})
}

func loadStateProjects(ctx context.Context, r reader, q stateQuery, today ding.Date, set *stateSet) error {
	rows, err := r.query(ctx, q.q, q.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		st := &warn.ProjectState{Year: today.Year}
		p := &st.Project
		var lastReport ding.Date
		if err := rows.Scan(&p.ID, &p.UnitID, &p.Stage, fastDate{&p.StageOn}, &p.TotalInvestment, &p.Manufacturing, &p.HighTech,
			&p.Private, fastDate{&p.PlannedStart}, fastDate{&p.ActualStart}, &p.InStats, shanghaiDate{&p.UpdatedAt, nil},
			&st.PlanTotal, shanghaiDate{nil, &lastReport}); err != nil {
			return r.db.mapErr(err)
		}
		p.Year, p.PlanYear, p.Tier = today.Year, st.PlanTotal, ding.TierOf(p.TotalInvestment)
		st.LastUpdate = p.StageOn
		if u := ding.Today(p.UpdatedAt); u.After(st.LastUpdate) {
			st.LastUpdate = u
		}
		if lastReport.After(st.LastUpdate) {
			st.LastUpdate = lastReport
		}
		set.states = append(set.states, st)
		set.byID[p.ID] = st
	}
	return r.db.mapErr(rows.Err())
}

// monthShift packs a month and its completed figure into one number (see stateQueries).
const monthShift = "10000000000000"

// loadStateMonths reads each project's completed figures by month, packed in one list.
// Planned months are not read: no rule uses them (investment lag measures against the
// annual plan).
func loadStateMonths(ctx context.Context, r reader, q stateQuery, today ding.Date, set *stateSet) error {
	rows, err := r.query(ctx, q.q, q.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var pid int64
	var list []byte
	for rows.Next() {
		if err := rows.Scan(&pid, &list); err != nil {
			return r.db.mapErr(err)
		}
		st := set.byID[pid]
		if st == nil {
			continue
		}
		for len(list) > 0 {
			var item []byte
			if i := indexByte(list, ','); i >= 0 {
				item, list = list[:i], list[i+1:]
			} else {
				item, list = list, nil
			}
			v, ok := parseInt(item)
			if m := v / 1e13; ok && m >= 1 && m <= 12 {
				st.Completed[m-1] = v % 1e13
			}
		}
	}
	return r.db.mapErr(rows.Err())
}

func indexByte(b []byte, c byte) int {
	for i := range b {
		if b[i] == c {
			return i
		}
	}
	return -1
}

// parseInt reads a non-negative decimal integer.
func parseInt(b []byte) (int64, bool) {
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, len(b) > 0
}

// loadStateReported reads the months of today's year with a current monthly report that
// was not returned, as a bit mask per project summed in SQL (one current version per
// period, so the sum is the union). Projects with the same months share one read-only map.
func loadStateReported(ctx context.Context, r reader, q stateQuery, today ding.Date, set *stateSet) error {
	rows, err := r.query(ctx, q.q, q.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	maps := map[int64]map[string]bool{}
	for rows.Next() {
		var pid, mask int64
		if err := rows.Scan(&pid, &mask); err != nil {
			return r.db.mapErr(err)
		}
		st := set.byID[pid]
		if st == nil {
			continue
		}
		m, ok := maps[mask]
		if !ok {
			m = map[string]bool{}
			for k := 1; k <= 12; k++ {
				if mask&(1<<k) != 0 {
					m[monthKey(ding.Date{Year: today.Year, Month: time.Month(k), Day: 1})] = true
				}
			}
			maps[mask] = m
		}
		st.Reported = m
	}
	return r.db.mapErr(rows.Err())
}

func loadStateMilestones(ctx context.Context, r reader, q stateQuery, today ding.Date, set *stateSet) error {
	rows, err := r.query(ctx, q.q, q.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var m ding.Milestone
		if err := rows.Scan(&m.ID, &m.ProjectID, &m.Name, &m.Stage, fastDate{&m.PlannedOn}, &m.SortOrder); err != nil {
			return r.db.mapErr(err)
		}
		if st := set.byID[m.ProjectID]; st != nil {
			st.Milestones = append(st.Milestones, m)
		}
	}
	return r.db.mapErr(rows.Err())
}

func loadStateExempt(ctx context.Context, r reader, q stateQuery, today ding.Date, set *stateSet) error {
	rows, err := r.query(ctx, q.q, q.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var pid int64
		if err := rows.Scan(&pid); err != nil {
			return r.db.mapErr(err)
		}
		set.exempt[pid] = true
	}
	return r.db.mapErr(rows.Err())
}

func loadStateItems(ctx context.Context, r reader, sel idSel, today ding.Date, set *stateSet) error {
	items, err := deadlineItems(ctx, r, sel, today)
	if err != nil {
		return err
	}
	for pid, is := range items {
		if st := set.byID[pid]; st != nil {
			st.Items = is
		}
	}
	return nil
}

// deadlineItems returns the open items with a deadline of the selected projects (demands
// and action items, store/items.go) for the item_overdue rule; a later kind of item adds
// its table here, set-based like the loaders above, and the engine needs no change.
func deadlineItems(ctx context.Context, r reader, sel idSel, today ding.Date) (map[int64][]ding.DeadlineItem, error) {
	return deadlineItemsOf(ctx, r, sel)
}

// loadUnitPaths maps units to the ids of themselves and their ancestors (nearest first),
// for the units matching cond on unit_closure ("" for all).
func loadUnitPaths(ctx context.Context, r reader, cond string) (map[int64][]int64, error) {
	q := `SELECT descendant_id, ancestor_id FROM unit_closure`
	if cond != "" {
		q += ` WHERE ` + cond
	}
	rows, err := r.query(ctx, q+` ORDER BY descendant_id, depth`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	paths := map[int64][]int64{}
	for rows.Next() {
		var d, a int64
		if err := rows.Scan(&d, &a); err != nil {
			return nil, r.db.mapErr(err)
		}
		paths[d] = append(paths[d], a)
	}
	return paths, r.db.mapErr(rows.Err())
}

// fastDate scans a DATE (PostgreSQL: time.Time) or YYYY-MM-DD text (SQLite) without
// time.Parse: the loaders scan several dates per project.
type fastDate struct{ dst *ding.Date }

func (s fastDate) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*s.dst = ding.Date{}
		return nil
	case time.Time:
		*s.dst = ding.Date{Year: x.Year(), Month: x.Month(), Day: x.Day()}
		return nil
	case string:
		if d, ok := parseDateText(x); ok {
			*s.dst = d
			return nil
		}
	case []byte:
		if d, ok := parseDateText(x); ok {
			*s.dst = d
			return nil
		}
	}
	return dateScan(s).Scan(v)
}

func parseDateText[T string | []byte](b T) (ding.Date, bool) {
	if len(b) >= 10 && b[4] == '-' && b[7] == '-' {
		y, ok1 := digits(b[0:4])
		m, ok2 := digits(b[5:7])
		d, ok3 := digits(b[8:10])
		if ok1 && ok2 && ok3 && m >= 1 && m <= 12 && d >= 1 && d <= 31 {
			return ding.Date{Year: y, Month: time.Month(m), Day: d}, true
		}
	}
	return ding.Date{}, false
}

func digits[T string | []byte](b T) (int, bool) {
	n := 0
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// shanghaiDate scans a timestamp (TIMESTAMPTZ, or tsLayout text on SQLite) into a time
// (t) or into its date in Shanghai (d), parsing the fixed-width text by hand: the full
// pass scans one per project.
type shanghaiDate struct {
	t *time.Time
	d *ding.Date
}

func (s shanghaiDate) Scan(v any) error {
	var t time.Time
	switch x := v.(type) {
	case nil:
		return nil
	case time.Time:
		t = x
	case string:
		tt, ok := parseTS(x)
		if !ok {
			p, err := parseTimeText(x)
			if err != nil {
				return err
			}
			tt = *p
		}
		t = tt
	case []byte:
		return s.Scan(string(x))
	default:
		return fmt.Errorf("store: cannot scan %T as time", v)
	}
	if s.t != nil {
		*s.t = t.UTC()
	}
	if s.d != nil {
		*s.d = ding.Today(t)
	}
	return nil
}

// parseTS reads "2006-01-02T15:04:05.000000Z" (tsLayout) without time.Parse.
func parseTS(s string) (time.Time, bool) {
	if len(s) != len(tsLayout) || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != '.' || s[26] != 'Z' {
		return time.Time{}, false
	}
	n := func(a, b int) (int, bool) { return digits(s[a:b]) }
	y, ok1 := n(0, 4)
	mo, ok2 := n(5, 7)
	d, ok3 := n(8, 10)
	h, ok4 := n(11, 13)
	mi, ok5 := n(14, 16)
	se, ok6 := n(17, 19)
	us, ok7 := n(20, 26)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7) {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(mo), d, h, mi, se, us*1000, time.UTC), true
}

package store

import (
	"context"
	"database/sql"
	"sort"

	"ding"
)

// Dashboard is what the leader dashboard and the wall screen show for a unit's subtree
// and a month: every figure summed from the rollups (store/rollups.go), which are rebuilt
// from the records for whatever changed before the sums are read. Projects are counted
// under their lead unit.
type Dashboard struct {
	UnitID   int64      `json:"unit_id"`
	UnitName string     `json:"unit_name"`
	Year     int        `json:"year"`
	Month    int        `json:"month"`
	Schedule ding.Ratio `json:"schedule"` // 时序进度 at the month's end

	Projects   int64        `json:"projects"`
	Investment int64        `json:"investment"` // total investment of all projects
	ByStage    []StageCount `json:"by_stage"`   // in lifecycle order, dropped last
	ByTier     []TierCount  `json:"by_tier"`    // largest first

	Plan       int64      `json:"plan"`      // this year's annual plans
	Completed  int64      `json:"completed"` // completed this year to the month's end
	Completion ding.Ratio `json:"completion"`
	Gap        ding.Ratio `json:"schedule_gap"`
	Units      []UnitLine `json:"units"` // the children of the unit, in tree order

	Categories []Category `json:"categories"` // all, manufacturing, high-tech, private, with YoY growth

	Signed1, Signed10, Signed100 int64   `json:"-"`
	Signed                       []Count `json:"signed"` // 亿元以上, 10亿元以上, 100亿元以上 signed this year to the month's end
	Started                      int64   `json:"started"`
	InStats                      int64   `json:"in_stats"`
	SignedInStats                int64   `json:"signed_in_stats"` // signed and entering statistics this year

	Colours      []Count `json:"colours"`       // projects by warning colour now
	Warnings     []Count `json:"warnings"`      // current warnings by colour, of projects not exempt
	NewWarnings  []Count `json:"new_warnings"`  // warnings opened in the month, by colour
	Cleared      int64   `json:"cleared"`       // warnings cleared in the month
	Demands      []Count `json:"demands"`       // demands by status now
	OverdueItems int64   `json:"overdue_items"` // demands and action items past their step's due date
}

// StageCount is projects in a stage.
type StageCount struct {
	Stage      ding.Stage `json:"stage"`
	N          int64      `json:"n"`
	Investment int64      `json:"investment"`
}

// TierCount is projects of a size class.
type TierCount struct {
	Tier       ding.Tier `json:"tier"`
	N          int64     `json:"n"`
	Investment int64     `json:"investment"`
}

// Count is a keyed count.
type Count struct {
	Key string `json:"key"`
	N   int64  `json:"n"`
}

// Category is investment completed this year to the month's end and the same period of
// last year.
type Category struct {
	Key      string     `json:"key"` // all, manufacturing, high_tech, private
	This     int64      `json:"this"`
	LastYear int64      `json:"last_year"`
	Growth   ding.Ratio `json:"growth"`
}

// UnitLine is a child unit's investment progress.
type UnitLine struct {
	UnitID     int64      `json:"unit_id"`
	UnitName   string     `json:"unit_name"`
	Projects   int64      `json:"projects"`
	Plan       int64      `json:"plan"`
	Completed  int64      `json:"completed"`
	Completion ding.Ratio `json:"completion"`
	Gap        ding.Ratio `json:"schedule_gap"`
	Red        int64      `json:"red"`
}

// DashboardFor computes the dashboard of a unit's subtree (0: the caller's own unit, or
// every root for a caller who sees everything) for a month. A unit outside the caller's
// scope is not found.
func (db *DB) DashboardFor(ctx context.Context, unitID int64, year, month int) (*Dashboard, error) {
	a := ding.ActorFrom(ctx)
	if a == nil {
		return nil, ding.Errorf(ding.EUNAUTHORIZED, "err.unauthorized")
	}
	if month < 1 || month > 12 || year < 2000 || year > 2100 {
		return nil, ding.FieldError("month", "target.month_invalid")
	}
	if unitID == 0 {
		unitID = a.UnitID
	}
	r := db.reader()
	d := &Dashboard{UnitID: unitID, Year: year, Month: month, Schedule: ding.Schedule(year, month, false)}
	// The roots: one unit, or (unit 0 for a whole-scope caller without a unit) all roots.
	var roots []any
	whole := false // every root: no unit condition at all
	if unitID != 0 {
		u, err := findUnitByID(ctx, r, a, unitID)
		if err != nil {
			return nil, err
		}
		d.UnitName = u.Name
		roots = []any{unitID}
	} else {
		if !(a.System || a.Scope == ding.ScopeAll) {
			return nil, notFound("unit")
		}
		ids, err := int64s(ctx, r, `SELECT id FROM units WHERE parent_id IS NULL`)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			roots = append(roots, id)
		}
		whole = true
	}
	if len(roots) == 0 {
		return d, nil
	}
	// The dirty units of this subtree only: what these figures read. After the nightly
	// pass the background job has rebuilt them (store/rollups.go); if it has not finished,
	// the chunks this request commits stay done even if its deadline cuts it short.
	rebuild := roots
	if whole {
		rebuild = nil
	}
	if err := db.refreshRollupsUnder(ctx, rebuild); err != nil {
		return nil, err
	}
	in := "(" + placeholders(len(roots)) + ")"
	sub := `SELECT descendant_id FROM unit_closure WHERE ancestor_id IN ` + in
	// under is the condition "col is a unit of the subtree", with its arguments.
	under := func(col string) (string, []any) {
		if whole {
			return "1=1", nil
		}
		return col + " IN (" + sub + ")", roots
	}

	// Each rollup is read once, per unit of the subtree, and summed here both into the
	// totals and into the lines of the root's children (childOf maps a unit to the child
	// whose subtree holds it).
	childOf := map[int64]int64{}
	lines := map[int64]*UnitLine{}
	var order []int64
	if err := scanRows(ctx, r, `SELECT u.id, u.name FROM units u WHERE u.parent_id IN `+in+` AND u.disabled = ? ORDER BY u.sort_order, u.id`,
		append(append([]any{}, roots...), false), func(rows *sql.Rows) error {
			l := &UnitLine{}
			if err := rows.Scan(&l.UnitID, &l.UnitName); err != nil {
				return err
			}
			lines[l.UnitID] = l
			order = append(order, l.UnitID)
			return nil
		}); err != nil {
		return nil, err
	}
	if err := scanRows(ctx, r, `SELECT c.descendant_id, c.ancestor_id FROM unit_closure c JOIN units u ON u.id = c.ancestor_id WHERE u.parent_id IN `+in,
		roots, func(rows *sql.Rows) error {
			var dsc, anc int64
			if err := rows.Scan(&dsc, &anc); err != nil {
				return err
			}
			childOf[dsc] = anc
			return nil
		}); err != nil {
		return nil, err
	}
	line := func(unit int64) *UnitLine { return lines[childOf[unit]] }

	// Projects by stage and tier.
	stages := map[ding.Stage]*StageCount{}
	tiers := map[ding.Tier]*TierCount{}
	uc, ua := under("unit_id")
	if err := scanRows(ctx, r, `SELECT unit_id, stage, tier, n, investment FROM rollup_projects WHERE `+uc, ua,
		func(rows *sql.Rows) error {
			var unit int64
			var st ding.Stage
			var tier int
			var n, inv int64
			if err := rows.Scan(&unit, &st, &tier, &n, &inv); err != nil {
				return err
			}
			if stages[st] == nil {
				stages[st] = &StageCount{Stage: st}
			}
			stages[st].N += n
			stages[st].Investment += inv
			t := ding.Tier(tier)
			if tiers[t] == nil {
				tiers[t] = &TierCount{Tier: t}
			}
			tiers[t].N += n
			tiers[t].Investment += inv
			d.Projects += n
			d.Investment += inv
			if l := line(unit); l != nil && st != ding.StageDropped {
				l.Projects += n
			}
			return nil
		}); err != nil {
		return nil, err
	}
	for _, st := range ding.AllStages {
		if c := stages[st]; c != nil {
			d.ByStage = append(d.ByStage, *c)
		} else {
			d.ByStage = append(d.ByStage, StageCount{Stage: st})
		}
	}
	for _, t := range ding.Tiers {
		if c := tiers[t]; c != nil {
			d.ByTier = append(d.ByTier, *c)
		} else {
			d.ByTier = append(d.ByTier, TierCount{Tier: t})
		}
	}

	// This year's and last year's months to the month's end, per unit.
	var cats [2][4]int64
	args := append(append([]any{}, ua...), year-1, year, month)
	if err := scanRows(ctx, r, `SELECT unit_id, year, SUM(completed), SUM(manufacturing), SUM(high_tech), SUM(private), SUM(signed1), SUM(signed10),
		SUM(signed100), SUM(started), SUM(in_stats), SUM(signed_in_stats) FROM rollup_months WHERE `+uc+` AND year IN (?, ?) AND month <= ?
		GROUP BY unit_id, year`, args,
		func(rows *sql.Rows) error {
			var unit int64
			var y int
			var c [4]int64
			var s1, s10, s100, st, is, sis int64
			if err := rows.Scan(&unit, &y, &c[0], &c[1], &c[2], &c[3], &s1, &s10, &s100, &st, &is, &sis); err != nil {
				return err
			}
			k := 1
			if y == year {
				k = 0
				d.Signed1 += s1
				d.Signed10 += s10
				d.Signed100 += s100
				d.Started += st
				d.InStats += is
				d.SignedInStats += sis
				if l := line(unit); l != nil {
					l.Completed += c[0]
				}
			}
			for i := range c {
				cats[k][i] += c[i]
			}
			return nil
		}); err != nil {
		return nil, err
	}
	for i, k := range []string{"all", "manufacturing", "high_tech", "private"} {
		d.Categories = append(d.Categories, Category{Key: k, This: cats[0][i], LastYear: cats[1][i],
			Growth: ding.Growth(cats[0][i], cats[1][i], true, true)})
	}
	d.Completed = cats[0][0]
	d.Signed = []Count{{"1", d.Signed1}, {"10", d.Signed10}, {"100", d.Signed100}}

	// Plans.
	if err := scanRows(ctx, r, `SELECT unit_id, plan FROM rollup_years WHERE `+uc+` AND year = ?`, append(append([]any{}, ua...), year),
		func(rows *sql.Rows) error {
			var unit, plan int64
			if err := rows.Scan(&unit, &plan); err != nil {
				return err
			}
			d.Plan += plan
			if l := line(unit); l != nil {
				l.Plan += plan
			}
			return nil
		}); err != nil {
		return nil, err
	}
	d.Completion = ding.Completion(d.Completed, d.Plan, true, d.Plan > 0, true)
	d.Gap = ding.ScheduleGap(d.Completion, d.Schedule)

	// Warnings: colours now.
	colours := map[string]int64{}
	if err := scanRows(ctx, r, `SELECT unit_id, colour, n FROM rollup_colours WHERE `+uc, ua, func(rows *sql.Rows) error {
		var unit, n int64
		var c string
		if err := rows.Scan(&unit, &c, &n); err != nil {
			return err
		}
		colours[c] += n
		if l := line(unit); l != nil && c == "red" {
			l.Red += n
		}
		return nil
	}); err != nil {
		return nil, err
	}
	for _, c := range []string{"red", "yellow", "blue"} {
		d.Colours = append(d.Colours, Count{c, colours[c]})
	}
	if err := scanRows(ctx, r, `SELECT colour, SUM(n) FROM rollup_warning_counts WHERE `+uc+` GROUP BY colour ORDER BY colour`, ua, func(rows *sql.Rows) error {
		var c string
		var n int64
		if err := rows.Scan(&c, &n); err != nil {
			return err
		}
		d.Warnings = append(d.Warnings, Count{c, n})
		return nil
	}); err != nil {
		return nil, err
	}
	for _, id := range order {
		l := lines[id]
		if l.Projects == 0 && l.Plan == 0 && l.Completed == 0 {
			continue
		}
		l.Completion = ding.Completion(l.Completed, l.Plan, true, l.Plan > 0, true)
		l.Gap = ding.ScheduleGap(l.Completion, d.Schedule)
		d.Units = append(d.Units, *l)
	}

	// Warnings opened and cleared in the month.
	opened := map[string]int64{}
	if err := scanRows(ctx, r, `SELECT event, colour, SUM(n) FROM rollup_warnings WHERE `+uc+` AND year = ? AND month = ? GROUP BY event, colour`,
		append(append([]any{}, ua...), year, month), func(rows *sql.Rows) error {
			var ev, c string
			var n int64
			if err := rows.Scan(&ev, &c, &n); err != nil {
				return err
			}
			if ev == EventOpened {
				opened[c] += n
			} else {
				d.Cleared += n
			}
			return nil
		}); err != nil {
		return nil, err
	}
	for _, c := range []string{"red", "yellow", "blue"} {
		d.NewWarnings = append(d.NewWarnings, Count{c, opened[c]})
	}

	// Demands by status and items late now: those raised by a unit of the subtree or
	// assigned to one — the same set as the items list filtered by the unit, so that a
	// count and the list it links to agree. Counted per subtree by the triggers of
	// migration 0017 (an item once however many of its units lie in the subtree): the
	// root's rows, or those of unit 0 (every item) for the whole tree.
	itemRoot := unitID
	if whole {
		itemRoot = 0
	}
	if err := scanRows(ctx, r, `SELECT status, n FROM rollup_items WHERE unit_id = ? AND kind = ? AND n <> 0`,
		[]any{itemRoot, string(ding.DemandItem)}, func(rows *sql.Rows) error {
			var c Count
			if err := rows.Scan(&c.Key, &c.N); err != nil {
				return err
			}
			d.Demands = append(d.Demands, c)
			return nil
		}); err != nil {
		return nil, err
	}
	sort.Slice(d.Demands, func(i, j int) bool { return d.Demands[i].Key < d.Demands[j].Key })
	today := ding.Today(db.Now())
	if asOf, err := getAsOf(ctx, r); err == nil && !asOf.IsZero() {
		today = asOf
	}
	if err := r.queryRow(ctx, `SELECT COALESCE(SUM(n), 0) FROM rollup_item_due WHERE unit_id = ? AND due < ?`,
		itemRoot, dateArg(today)).Scan(&d.OverdueItems); err != nil {
		return nil, db.mapErr(err)
	}
	return d, nil
}

// scanRows runs a query and calls fn for each row.
func scanRows(ctx context.Context, r reader, q string, args []any, fn func(*sql.Rows) error) error {
	rows, err := r.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return r.db.mapErr(err)
		}
	}
	return r.db.mapErr(rows.Err())
}

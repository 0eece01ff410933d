package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"ding"
	"ding/calendar"
	"ding/i18n"
)

// Demands (诉求) and action items (交办事项): one table, one flow (ding/item.go). Every
// step is a transaction that checks who may take it, moves the status, sets the clock of
// the next step in working days (calendar_days), records an item_events row and an audit
// event, queues the notifications, and re-evaluates the project's warnings (an overdue
// item is a warning of the item_overdue rule). The nightly pass escalates late steps: to
// the units and the office at once, to the leader after ItemClocks.Escalate more days.

const (
	settingDemandTypes = "demand_types"
	settingItemClocks  = "item_clocks"
)

// DemandTypes returns the configured demand types (ding.DefaultDemandTypes until set).
func (db *DB) DemandTypes(ctx context.Context) ([]string, error) {
	return getDemandTypes(ctx, db.reader())
}

func getDemandTypes(ctx context.Context, r reader) ([]string, error) {
	var ts []string
	ok, err := getSetting(ctx, r, settingDemandTypes, &ts)
	if err != nil || !ok || len(ts) == 0 {
		return append([]string(nil), ding.DefaultDemandTypes...), err
	}
	return ts, nil
}

// SetDemandTypes replaces the demand types: trimmed, without blanks or duplicates, at
// least one. Items keep the type they have.
func (db *DB) SetDemandTypes(ctx context.Context, types []string) error {
	if err := canSet(ctx); err != nil {
		return err
	}
	var clean []string
	seen := map[string]bool{}
	for _, t := range types {
		t = strings.TrimSpace(t)
		if t == "" || seen[t] {
			continue
		}
		if utf8.RuneCountInString(t) > 20 {
			return ding.FieldError("types", "field.too_long", 20)
		}
		seen[t] = true
		clean = append(clean, t)
	}
	if len(clean) == 0 {
		return ding.FieldError("types", "item.types_empty")
	}
	before, err := db.DemandTypes(ctx)
	if err != nil {
		return err
	}
	return db.putSetting(ctx, settingDemandTypes, before, clean)
}

// ItemClocks returns the service levels (ding.DefaultItemClocks until set).
func (db *DB) ItemClocks(ctx context.Context) (ding.ItemClocks, error) {
	return getItemClocks(ctx, db.reader())
}

func getItemClocks(ctx context.Context, r reader) (ding.ItemClocks, error) {
	c := ding.DefaultItemClocks
	_, err := getSetting(ctx, r, settingItemClocks, &c)
	return c, err
}

// SetItemClocks changes the service levels; running clocks keep their due dates.
func (db *DB) SetItemClocks(ctx context.Context, c ding.ItemClocks) error {
	if err := canSet(ctx); err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return err
	}
	before, err := db.ItemClocks(ctx)
	if err != nil {
		return err
	}
	return db.putSetting(ctx, settingItemClocks, before, c)
}

// itemDay is "today" for items: the warning date (so that a demo dated in the past keeps
// its clocks), else the calendar date in Shanghai.
func itemDay(tx *Tx) (ding.Date, error) {
	d, err := getAsOf(tx.ctx, tx.reader)
	if err != nil || !d.IsZero() {
		return d, err
	}
	return ding.Today(tx.now), nil
}

// itemScope is the SQL condition on items i that the actor may see: the items of projects
// in its scope, those assigned to or concerning a unit in its scope, and those it raised.
//
// A list (single false) reads i.id IN (a UNION ALL of index reads; IN ignores repeats):
// the items raised by the actor (items_raised_by), of its unit or subtree (items_unit),
// assigned to it (item_units_unit) and of the projects in its scope (projects_leader,
// project_units_unit, then items_project), so that the engine visits only those items; an
// OR of these tests was evaluated against every item. One item (single: FindItem and the
// steps) is probed with the same tests, correlated, which costs a few index reads instead
// of building the whole set. Both forms select the same items (TestItemScopeSets).
func itemScope(a *ding.Actor, single bool) (string, []any) {
	if a == nil {
		return "1=0", nil
	}
	if a.System || a.Scope == ding.ScopeAll {
		return "1=1", nil
	}
	if single {
		pc, pargs := projectScope(a, true)
		proj := `(i.project_id IS NOT NULL AND EXISTS (SELECT 1 FROM projects p WHERE p.id = i.project_id AND ` + pc + `))`
		switch a.Scope {
		case ding.ScopeUnitTree:
			return `(i.raised_by = ? OR i.unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ?)
			OR EXISTS (SELECT 1 FROM item_units iu JOIN unit_closure c ON c.descendant_id = iu.unit_id WHERE iu.item_id = i.id AND c.ancestor_id = ?)
			OR ` + proj + `)`, append([]any{a.UserID, a.UnitID, a.UnitID}, pargs...)
		case ding.ScopeUnit:
			return `(i.raised_by = ? OR i.unit_id = ? OR EXISTS (SELECT 1 FROM item_units iu WHERE iu.item_id = i.id AND iu.unit_id = ?)
			OR ` + proj + `)`, append([]any{a.UserID, a.UnitID, a.UnitID}, pargs...)
		}
		return `(i.raised_by = ? OR ` + proj + `)`, append([]any{a.UserID}, pargs...)
	}
	switch a.Scope {
	case ding.ScopeUnitTree:
		return `i.id IN (SELECT si.id FROM items si WHERE si.raised_by = ?
			UNION ALL SELECT si.id FROM unit_closure sc JOIN items si ON si.unit_id = sc.descendant_id WHERE sc.ancestor_id = ?
			UNION ALL SELECT siu.item_id FROM unit_closure sc JOIN item_units siu ON siu.unit_id = sc.descendant_id WHERE sc.ancestor_id = ?
			UNION ALL SELECT si.id FROM items si WHERE si.project_id IN (SELECT sp.id FROM projects sp WHERE sp.leader_id = ?
				UNION ALL SELECT spu.project_id FROM unit_closure sc JOIN project_units spu ON spu.unit_id = sc.descendant_id WHERE sc.ancestor_id = ?))`,
			[]any{a.UserID, a.UnitID, a.UnitID, a.UserID, a.UnitID}
	case ding.ScopeUnit:
		return `i.id IN (SELECT si.id FROM items si WHERE si.raised_by = ?
			UNION ALL SELECT si.id FROM items si WHERE si.unit_id = ?
			UNION ALL SELECT siu.item_id FROM item_units siu WHERE siu.unit_id = ?
			UNION ALL SELECT si.id FROM items si WHERE si.project_id IN (SELECT sp.id FROM projects sp WHERE sp.leader_id = ?
				UNION ALL SELECT spu.project_id FROM project_units spu WHERE spu.unit_id = ?))`,
			[]any{a.UserID, a.UnitID, a.UnitID, a.UserID, a.UnitID}
	case ding.ScopeSelf:
		return `i.id IN (SELECT si.id FROM items si WHERE si.raised_by = ?
			UNION ALL SELECT si.id FROM items si WHERE si.project_id IN (SELECT sp.id FROM projects sp WHERE sp.leader_id = ?))`,
			[]any{a.UserID, a.UserID}
	}
	// An unknown scope sees no project (projectScope): only what it raised.
	return `i.id IN (SELECT si.id FROM items si WHERE si.raised_by = ?)`, []any{a.UserID}
}

// wholeTree reports whether the subtree of unit holds every unit (the root of a single
// tree): every item's unit (items.unit_id is a required reference) then lies in it, and a
// test of the subtree keeps every item — cheaper said as no test than as the set of all
// ids. Two counts of a few thousand index entries.
func wholeTree(ctx context.Context, r reader, unit int64) (bool, error) {
	var sub, all int
	err := r.queryRow(ctx, `SELECT (SELECT COUNT(*) FROM unit_closure WHERE ancestor_id = ?), (SELECT COUNT(*) FROM units)`, unit).Scan(&sub, &all)
	if err != nil {
		return false, r.db.mapErr(err)
	}
	return sub > 0 && sub == all, nil
}

// ItemFilter selects items.
type ItemFilter struct {
	ID        int64
	Kind      ding.ItemKind
	Status    ding.ItemStatus
	Open      bool  // not rejected nor confirmed
	Overdue   bool  // the current step is past due
	ProjectID int64 // of this project
	UnitID    int64 // assigned to (or concerning) a unit in this subtree
	Type      string
	MeetingID int64
	DecideBy  int64 // waiting for this leader's decision (accepted; their project, or no project)
	LeaderID  int64 // of projects this leader is the contact leader of
	Q         string
	Sort      string // raised_on (default, newest first), due, status, title, project, unit
	Desc      bool
	Limit     int
	Offset    int
}

var itemSorts = map[string]string{
	"raised_on": "i.raised_on", "due": "i.due", "status": "i.status", "title": "i.title", "project": "p.name", "unit": "u.name", "id": "i.id",
}

const itemCols = `i.id, i.kind, COALESCE(i.project_id, 0), COALESCE(p.name, ''), i.unit_id, u.name, i.type, i.title, i.description, i.request,
	i.status, i.raised_by, i.raised_name, i.raised_on, i.accept_due, i.decide_due, i.close_due, i.due, i.level, i.decision,
	COALESCE(i.decided_by, 0), i.decided_name, i.decided_at, i.on_site, COALESCE(i.meeting_id, 0), i.reason, i.closed_on,
	i.created_at, i.updated_at, i.version`

const itemFrom = ` FROM items i LEFT JOIN projects p ON p.id = i.project_id JOIN units u ON u.id = i.unit_id`

func scanItem(sc interface{ Scan(...any) error }) (*ding.Item, error) {
	it := &ding.Item{}
	err := sc.Scan(&it.ID, &it.Kind, &it.ProjectID, &it.ProjectName, &it.UnitID, &it.UnitName, &it.Type, &it.Title, &it.Description, &it.Request,
		&it.Status, &it.RaisedBy, &it.RaisedName, dateScan{&it.RaisedOn}, dateScan{&it.AcceptDue}, dateScan{&it.DecideDue}, dateScan{&it.CloseDue},
		dateScan{&it.Due}, &it.Level, &it.Decision, &it.DecidedBy, &it.DecidedName, nullTimeScan{&it.DecidedAt}, &it.OnSite, &it.MeetingID,
		&it.Reason, dateScan{&it.ClosedOn}, timeScan{&it.CreatedAt}, timeScan{&it.UpdatedAt}, &it.Version)
	return it, err
}

// FindItems returns the items in the caller's scope matching the filter, with their units,
// and how many match. Overdue days are counted in working days to the warning date.
func (db *DB) FindItems(ctx context.Context, f ItemFilter) ([]*ding.Item, int, error) {
	a := ding.ActorFrom(ctx)
	if a == nil {
		return nil, 0, ding.Errorf(ding.EUNAUTHORIZED, "err.unauthorized")
	}
	today, err := db.WarningToday(ctx)
	if err != nil {
		return nil, 0, err
	}
	cal, err := db.Calendar(ctx)
	if err != nil {
		return nil, 0, err
	}
	return findItems(ctx, db.reader(), a, f, today, cal)
}

func findItems(ctx context.Context, r reader, a *ding.Actor, f ItemFilter, today ding.Date, cal *calendar.Calendar) ([]*ding.Item, int, error) {
	var w where
	// One item, one project's or one meeting's items are few: each is tested against the
	// scope (a few index probes) instead of building the set of every item in scope.
	narrow := f.ID != 0 || f.ProjectID != 0 || f.MeetingID != 0
	cond, args := itemScope(a, narrow)
	if !narrow && a != nil && !a.System && a.Scope == ding.ScopeUnitTree {
		// An actor whose tree is the whole tree sees every item: no set of all ids to build.
		whole, err := wholeTree(ctx, r, a.UnitID)
		if err != nil {
			return nil, 0, err
		}
		if whole {
			cond, args = "1=1", nil
		}
	}
	w.add(cond, args...)
	if f.ID != 0 {
		w.add("i.id = ?", f.ID)
	}
	if f.Kind != "" {
		w.add("i.kind = ?", string(f.Kind))
	}
	if f.Status != "" {
		w.add("i.status = ?", string(f.Status))
	}
	if f.Open {
		w.add("i.status NOT IN ('rejected', 'confirmed')")
	}
	if f.Overdue {
		w.add("i.due < ?", dateArg(today))
	}
	if f.ProjectID != 0 {
		w.add("i.project_id = ?", f.ProjectID)
	}
	if f.UnitID != 0 {
		// Of a unit in the subtree, or assigned to one: a UNION ALL of index reads, as in
		// itemScope (the whole tree is no filter at all).
		whole, err := wholeTree(ctx, r, f.UnitID)
		if err != nil {
			return nil, 0, err
		}
		if whole {
			w.add("1=1")
		} else {
			w.add(`i.id IN (SELECT fi.id FROM unit_closure fc JOIN items fi ON fi.unit_id = fc.descendant_id WHERE fc.ancestor_id = ?
			UNION ALL SELECT fiu.item_id FROM unit_closure fc JOIN item_units fiu ON fiu.unit_id = fc.descendant_id WHERE fc.ancestor_id = ?)`, f.UnitID, f.UnitID)
		}
	}
	if f.Type != "" {
		w.add("i.type = ?", f.Type)
	}
	if f.MeetingID != 0 {
		w.add("i.meeting_id = ?", f.MeetingID)
	}
	if f.LeaderID != 0 {
		w.add("p.leader_id = ?", f.LeaderID)
	}
	if f.DecideBy != 0 {
		w.add("i.status = 'accepted' AND (i.project_id IS NULL OR p.leader_id = ?)", f.DecideBy)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		p := likeEscape(q)
		w.add(`(LOWER(i.title) LIKE ? ESCAPE '\' OR LOWER(COALESCE(p.name, '')) LIKE ? ESCAPE '\' OR LOWER(i.request) LIKE ? ESCAPE '\')`, p, p, p)
	}
	// The count needs the projects only when a condition names them; the units join is on a
	// required reference and keeps every item. Without the joins a count of the province's
	// 200,000 items is a few times cheaper.
	countFrom := ` FROM items i`
	if f.Q != "" || f.LeaderID != 0 || f.DecideBy != 0 {
		countFrom += ` LEFT JOIN projects p ON p.id = i.project_id`
	}
	var total int
	if err := r.queryRow(ctx, `SELECT COUNT(*)`+countFrom+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, r.db.mapErr(err)
	}
	col, ok := itemSorts[f.Sort]
	desc := f.Desc
	if !ok {
		col, desc = "i.raised_on", true
	}
	dir := " ASC"
	if desc {
		dir = " DESC"
	}
	order := col + dir
	if col == "i.due" {
		order = "i.due IS NULL, " + order // nothing due: last, on both engines
	}
	rows, err := r.query(ctx, `SELECT `+itemCols+itemFrom+w.String()+` ORDER BY `+order+`, i.id`+dir+page(f.Limit, f.Offset), w.args...)
	if err != nil {
		return nil, 0, err
	}
	var out []*ding.Item
	byID := map[int64]*ding.Item{}
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			rows.Close()
			return nil, 0, r.db.mapErr(err)
		}
		if !it.Due.IsZero() && it.Due.Before(today) {
			it.Overdue = cal.WorkdaysBetween(it.Due, today) // 0 on the weekend after a Friday deadline
		}
		it.Units = []ding.ItemUnit{}
		out = append(out, it)
		byID[it.ID] = it
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, r.db.mapErr(err)
	}
	if len(out) == 0 {
		return out, total, nil
	}
	ids := make([]int64, len(out))
	for i, it := range out {
		ids[i] = it.ID
	}
	rows, err = r.query(ctx, `SELECT iu.item_id, iu.unit_id, u.name, iu.lead, iu.part, iu.report, iu.reported_at, iu.done FROM item_units iu
		JOIN units u ON u.id = iu.unit_id WHERE iu.item_id IN (`+idList(ids)+`) ORDER BY iu.item_id, iu.lead DESC, u.name`)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var u ding.ItemUnit
		if err := rows.Scan(&id, &u.UnitID, &u.UnitName, &u.Lead, &u.Part, &u.Report, nullTimeScan{&u.ReportedAt}, &u.Done); err != nil {
			return nil, 0, r.db.mapErr(err)
		}
		if it := byID[id]; it != nil {
			it.Units = append(it.Units, u)
		}
	}
	return out, total, r.db.mapErr(rows.Err())
}

// ItemCounts is how many items in the caller's scope are in each status, and how many
// are overdue (their current step past due on the warning date): the item list's cards.
type ItemCounts struct {
	ByStatus map[ding.ItemStatus]int
	Overdue  int
}

// CountItems counts the items of a kind ("" for every kind) in the caller's scope by
// status, with the overdue ones, in one pass over the scope: the same numbers as FindItems'
// totals with Status or Overdue set, without building the scope once per card.
func (db *DB) CountItems(ctx context.Context, kind ding.ItemKind) (*ItemCounts, error) {
	a := ding.ActorFrom(ctx)
	if a == nil {
		return nil, ding.Errorf(ding.EUNAUTHORIZED, "err.unauthorized")
	}
	today, err := db.WarningToday(ctx)
	if err != nil {
		return nil, err
	}
	r := db.reader()
	var w where
	cond, args := itemScope(a, false)
	if a.Scope == ding.ScopeUnitTree && !a.System {
		whole, err := wholeTree(ctx, r, a.UnitID)
		if err != nil {
			return nil, err
		}
		if whole {
			cond, args = "1=1", nil
		}
	}
	w.add(cond, args...)
	if kind != "" {
		w.add("i.kind = ?", string(kind))
	}
	out := &ItemCounts{ByStatus: map[ding.ItemStatus]int{}}
	err = scanRows(ctx, r, `SELECT i.status, COUNT(*), COALESCE(SUM(CASE WHEN i.due < ? THEN 1 ELSE 0 END), 0) FROM items i`+w.String()+
		` GROUP BY i.status`, append([]any{dateArg(today)}, w.args...), func(rows *sql.Rows) error {
		var st string
		var n, late int
		if err := rows.Scan(&st, &n, &late); err != nil {
			return err
		}
		out.ByStatus[ding.ItemStatus(st)] = n
		out.Overdue += late
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// FindItem returns one item in scope (ENOTFOUND otherwise).
func (db *DB) FindItem(ctx context.Context, id int64) (*ding.Item, error) {
	its, _, err := db.FindItems(ctx, ItemFilter{ID: id, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(its) == 0 {
		return nil, notFound("item")
	}
	return its[0], nil
}

// ItemEvent is a step of an item's history.
type ItemEvent struct {
	ID       int64     `json:"id"`
	Action   string    `json:"action"` // submit, accept … or an ItemAction
	From     string    `json:"from"`
	To       string    `json:"to"`
	UnitID   int64     `json:"unit_id,omitempty"`
	UnitName string    `json:"unit_name,omitempty"`
	UserID   int64     `json:"user_id"`
	UserName string    `json:"user_name"`
	Comment  string    `json:"comment"`
	At       time.Time `json:"at"`
}

// ItemHistory returns an item's steps, oldest first (ENOTFOUND outside scope).
func (db *DB) ItemHistory(ctx context.Context, id int64) ([]*ItemEvent, error) {
	if _, err := db.FindItem(ctx, id); err != nil {
		return nil, err
	}
	rows, err := db.reader().query(ctx, `SELECT e.id, e.action, e.from_status, e.to_status, COALESCE(e.unit_id, 0), COALESCE(u.name, ''),
		e.user_id, e.user_name, e.comment, e.at FROM item_events e LEFT JOIN units u ON u.id = e.unit_id WHERE e.item_id = ? ORDER BY e.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*ItemEvent
	for rows.Next() {
		e := &ItemEvent{}
		if err := rows.Scan(&e.ID, &e.Action, &e.From, &e.To, &e.UnitID, &e.UnitName, &e.UserID, &e.UserName, &e.Comment, timeScan{&e.At}); err != nil {
			return nil, db.mapErr(err)
		}
		out = append(out, e)
	}
	return out, db.mapErr(rows.Err())
}

func (tx *Tx) itemEvent(id int64, action string, from, to ding.ItemStatus, unit int64, comment string) error {
	var u any
	if unit != 0 {
		u = unit
	}
	_, err := tx.exec(`INSERT INTO item_events (item_id, action, from_status, to_status, unit_id, user_id, user_name, comment, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, action, string(from), string(to), u, tx.actor.UserID, tx.actor.Username, comment, ts(tx.now))
	return err
}

// checkUnits checks that the assigned units exist and lie in the actor's scope.
func checkUnits(tx *Tx, us []ding.ItemUnit) error {
	for _, u := range us {
		if _, err := findUnitByID(tx.ctx, tx.reader, tx.actor, u.UnitID); err != nil {
			if ding.ErrorCode(err) == ding.ENOTFOUND {
				return ding.FieldError("units", "item.unit_unknown")
			}
			return err
		}
	}
	return nil
}

func writeUnits(tx *Tx, id int64, us []ding.ItemUnit) error {
	if _, err := tx.exec(`DELETE FROM item_units WHERE item_id = ?`, id); err != nil {
		return err
	}
	for _, u := range us {
		if _, err := tx.exec(`INSERT INTO item_units (item_id, unit_id, lead, part) VALUES (?, ?, ?, ?)`, id, u.UnitID, u.Lead, u.Part); err != nil {
			return err
		}
	}
	return nil
}

// CreateItem raises a demand or, for the office, creates an action item.
//
// A demand is raised against a project in scope by its liaisons, the office or a leader
// (it concerns the project's lead unit), or without a project for the raiser's own unit
// (the office may name any unit in scope). It starts submitted, due to be accepted within
// ItemClocks.Accept working days. Units may be assigned now or on acceptance.
//
// An action item is born decided (a meeting's decision): the office gives its units (one
// lead) and its deadline in CloseDue, a working day not before today; DecidedBy may name
// the leader who decided it (the chair).
func (db *DB) CreateItem(ctx context.Context, it *ding.Item) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	if err := createItem(tx, it); err != nil {
		return err
	}
	return tx.commit()
}

func createItem(tx *Tx, it *ding.Item) error {
	a := tx.actor
	if a.Role == ding.RoleViewer || (it.Kind == ding.ActionItem && !isOffice(a)) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	types, err := getDemandTypes(tx.ctx, tx.reader)
	if err != nil {
		return err
	}
	if err := it.Validate(types); err != nil {
		return err
	}
	today, err := itemDay(tx)
	if err != nil {
		return err
	}
	cal, err := txCalendar(tx)
	if err != nil {
		return err
	}
	clocks, err := getItemClocks(tx.ctx, tx.reader)
	if err != nil {
		return err
	}
	if it.ProjectID != 0 {
		p, err := findProjectByID(tx.ctx, tx.reader, a, it.ProjectID, tx.db.year(tx.ctx, 0))
		if err != nil {
			return err
		}
		it.ProjectName, it.UnitID = p.Name, p.UnitID
	} else {
		switch {
		case it.UnitID == 0:
			it.UnitID = a.UnitID
		case !isOffice(a) && it.UnitID != a.UnitID:
			return ding.FieldError("unit_id", "item.unit_not_yours")
		}
		u, err := findUnitByID(tx.ctx, tx.reader, a, it.UnitID)
		if err != nil {
			if ding.ErrorCode(err) == ding.ENOTFOUND {
				return ding.FieldError("unit_id", "item.unit_unknown")
			}
			return err
		}
		it.UnitName = u.Name
	}
	if err := checkUnits(tx, it.Units); err != nil {
		return err
	}
	it.RaisedBy, it.RaisedName, it.RaisedOn = a.UserID, a.Username, today
	it.AcceptDue, it.DecideDue, it.Level, it.Reason, it.ClosedOn = ding.Date{}, ding.Date{}, 0, "", ding.Date{}
	it.CreatedAt, it.UpdatedAt, it.Version = tx.now, tx.now, 1
	var decidedBy any
	switch it.Kind {
	case ding.DemandItem:
		it.Status = ding.ItemSubmitted
		it.AcceptDue = cal.AddWorkdays(today, clocks.Accept)
		it.Due, it.CloseDue, it.Decision, it.DecidedBy, it.DecidedName, it.DecidedAt, it.OnSite, it.MeetingID = it.AcceptDue, ding.Date{}, "", 0, "", nil, false, 0
	case ding.ActionItem:
		if len(it.Units) == 0 {
			return ding.FieldError("units", "item.one_lead")
		}
		switch {
		case it.CloseDue.IsZero():
			return ding.FieldError("close_due", "item.deadline_required")
		case it.CloseDue.Before(today):
			return ding.FieldError("close_due", "item.deadline_past")
		case !cal.IsWorkday(it.CloseDue):
			if d, ok := cal.Lookup(it.CloseDue); ok {
				return ding.FieldError("close_due", "item.deadline_holiday", it.CloseDue.String(), d.Name)
			}
			return ding.FieldError("close_due", "item.deadline_weekend", it.CloseDue.String())
		}
		it.Status, it.Due = ding.ItemDecided, it.CloseDue
		it.Decision = strings.TrimSpace(it.Decision)
		if utf8.RuneCountInString(it.Decision) > 2000 {
			return ding.FieldError("decision", "field.too_long", 2000)
		}
		now := tx.now
		it.DecidedAt = &now
		if it.DecidedBy != 0 {
			var role ding.Role
			err := tx.queryRow(tx.ctx, `SELECT role, COALESCE(NULLIF(display_name, ''), username) FROM users WHERE id = ?`, it.DecidedBy).Scan(&role, &it.DecidedName)
			if errors.Is(err, sql.ErrNoRows) || (err == nil && role != ding.RoleLeader) {
				return ding.FieldError("decided_by", "item.decider_not_leader")
			}
			if err != nil {
				return tx.db.mapErr(err)
			}
			decidedBy = it.DecidedBy
		} else {
			it.DecidedName = a.Username
		}
	}
	var pid, meeting any
	if it.ProjectID != 0 {
		pid = it.ProjectID
	}
	if it.MeetingID != 0 {
		meeting = it.MeetingID
	}
	id, err := tx.insert(`INSERT INTO items (kind, project_id, unit_id, type, title, description, request, status, raised_by, raised_name, raised_on,
		accept_due, close_due, due, decision, decided_by, decided_name, decided_at, on_site, meeting_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		string(it.Kind), pid, it.UnitID, it.Type, it.Title, it.Description, it.Request, string(it.Status), it.RaisedBy, it.RaisedName,
		dateArg(it.RaisedOn), dateArg(it.AcceptDue), dateArg(it.CloseDue), dateArg(it.Due), it.Decision, decidedBy, it.DecidedName,
		nullTS(it.DecidedAt), it.OnSite, meeting, ts(tx.now), ts(tx.now))
	if err != nil {
		return err
	}
	it.ID = id
	if err := writeUnits(tx, id, it.Units); err != nil {
		return err
	}
	if err := tx.itemEvent(id, "create", "", it.Status, 0, ""); err != nil {
		return err
	}
	if err := tx.audit("item", id, "create", nil, it); err != nil {
		return err
	}
	if err := itemNotify(tx, it, "create", ""); err != nil {
		return err
	}
	if it.ProjectID != 0 {
		return reevaluate(tx, it.ProjectID)
	}
	return nil
}

// nullTS is a nullable timestamp argument.
func nullTS(t *time.Time) any {
	if t == nil {
		return nil
	}
	return ts(*t)
}

// ItemStep is one step taken on an item.
type ItemStep struct {
	Action  ding.ItemAction `json:"action"`
	Comment string          `json:"comment"` // the reason (reject, reopen), the decision (decide), the report (report)
	Units   []ding.ItemUnit `json:"units"`   // accept: the assignment (one lead), required unless already assigned
	UnitID  int64           `json:"unit_id"` // report: the unit reporting (default: the caller's unit)
	Done    bool            `json:"done"`    // report: the unit's part is done
	OnSite  bool            `json:"on_site"` // decide: 现场拍板
	// OnBehalfOf: decide, by the office in a meeting — the leader (the chair) whose on-site
	// decision the office records; the step is recorded as the office's, the decision as
	// the leader's.
	OnBehalfOf int64 `json:"on_behalf_of,omitempty"`
	Version    int   `json:"version"` // 0: any
}

// unitCovers reports whether the actor's unit scope holds unit u.
func unitCovers(tx *Tx, u int64) (bool, error) {
	a := tx.actor
	if a.System || a.Scope == ding.ScopeAll {
		return true, nil
	}
	if a.Scope == ding.ScopeSelf {
		return false, nil
	}
	if a.UnitID == u {
		return true, nil
	}
	if a.Scope != ding.ScopeUnitTree {
		return false, nil
	}
	var n int
	err := tx.queryRow(tx.ctx, `SELECT COUNT(*) FROM unit_closure WHERE ancestor_id = ? AND descendant_id = ?`, a.UnitID, u).Scan(&n)
	return n > 0, tx.db.mapErr(err)
}

// StepItem takes a step of the flow. Who may take which step:
//   - accept, reject: the office (reject needs the reason: is the request 合理合规?);
//   - decide: a leader (the comment is the decision; OnSite for 现场拍板);
//   - report: a unit the item is assigned to, for its own part (the office may report for
//     any assigned unit);
//   - close: the lead unit or the office;
//   - confirm, reopen: the one who raised it, or the office (reopen needs the reason).
//
// A step out of order (办结 before 受理) is refused and changes nothing.
func (db *DB) StepItem(ctx context.Context, id int64, s ItemStep) (*ding.Item, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.rollback()
	it, err := stepItem(tx, id, s)
	if err != nil {
		return nil, err
	}
	return it, tx.commit()
}

func stepItem(tx *Tx, id int64, s ItemStep) (*ding.Item, error) {
	a := tx.actor
	today, err := itemDay(tx)
	if err != nil {
		return nil, err
	}
	cal, err := txCalendar(tx)
	if err != nil {
		return nil, err
	}
	its, _, err := findItems(tx.ctx, tx.reader, a, ItemFilter{ID: id, Limit: 1}, today, cal)
	if err != nil {
		return nil, err
	}
	if len(its) == 0 {
		return nil, notFound("item")
	}
	it := its[0]
	before := *it
	if s.Version != 0 && s.Version != it.Version {
		return nil, ding.Errorf(ding.ECONFLICT, "item.stale")
	}
	to, err := ding.NextItemStatus(it.Status, s.Action)
	if err != nil {
		return nil, ding.Errorf(ding.EINVALID, "item.transition_invalid", i18n.Key("item.action."+string(s.Action)), i18n.Key("item.status."+string(it.Status)))
	}
	s.Comment = strings.TrimSpace(s.Comment)
	if utf8.RuneCountInString(s.Comment) > 2000 {
		return nil, ding.FieldError("comment", "field.too_long", 2000)
	}
	clocks, err := getItemClocks(tx.ctx, tx.reader)
	if err != nil {
		return nil, err
	}
	office := isOffice(a)
	lead := it.Lead()
	unit := int64(0)
	switch s.Action {
	case ding.ItemAccept:
		if !office {
			return nil, ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
		}
		if len(s.Units) > 0 {
			probe := ding.Item{Kind: ding.ActionItem, Title: "x", Units: s.Units}
			if err := probe.Validate(nil); err != nil {
				return nil, err
			}
			if err := checkUnits(tx, probe.Units); err != nil {
				return nil, err
			}
			if err := writeUnits(tx, it.ID, probe.Units); err != nil {
				return nil, err
			}
			it.Units = probe.Units
		} else if lead == nil {
			return nil, ding.FieldError("units", "item.one_lead")
		}
		it.DecideDue = cal.AddWorkdays(today, clocks.Decide)
		it.Due = it.DecideDue
	case ding.ItemReject:
		if !office {
			return nil, ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
		}
		if s.Comment == "" {
			return nil, ding.FieldError("comment", "item.reason_required")
		}
		it.Reason, it.Due = s.Comment, ding.Date{}
	case ding.ItemDecide:
		by, byName := a.UserID, a.Username
		switch {
		case s.OnBehalfOf != 0 && office:
			var role ding.Role
			err := tx.queryRow(tx.ctx, `SELECT role, COALESCE(NULLIF(display_name, ''), username) FROM users WHERE id = ?`, s.OnBehalfOf).Scan(&role, &byName)
			if errors.Is(err, sql.ErrNoRows) || (err == nil && role != ding.RoleLeader) {
				return nil, ding.Errorf(ding.EFORBIDDEN, "item.decider_not_leader")
			}
			if err != nil {
				return nil, tx.db.mapErr(err)
			}
			by, s.OnSite = s.OnBehalfOf, true
		case !(a.System || a.Role == ding.RoleLeader):
			return nil, ding.Errorf(ding.EFORBIDDEN, "item.decider_not_leader")
		}
		if s.Comment == "" {
			return nil, ding.FieldError("comment", "item.decision_required")
		}
		now := tx.now
		it.Decision, it.DecidedBy, it.DecidedName, it.DecidedAt, it.OnSite = s.Comment, by, byName, &now, s.OnSite
		it.CloseDue = cal.AddWorkdays(today, clocks.Close)
		it.Due = it.CloseDue
	case ding.ItemReport:
		unit = s.UnitID
		if unit == 0 {
			unit = a.UnitID
		}
		var assigned *ding.ItemUnit
		for i := range it.Units {
			if it.Units[i].UnitID == unit {
				assigned = &it.Units[i]
			}
		}
		if assigned == nil {
			return nil, ding.Errorf(ding.EFORBIDDEN, "item.unit_not_assigned")
		}
		if !office {
			ok, err := unitCovers(tx, unit)
			if err != nil {
				return nil, err
			}
			if !ok || a.Role != ding.RoleLiaison {
				return nil, ding.Errorf(ding.EFORBIDDEN, "item.unit_not_assigned")
			}
		}
		if s.Comment == "" {
			return nil, ding.FieldError("comment", "item.report_required")
		}
		now := tx.now
		assigned.Report, assigned.ReportedAt, assigned.Done = s.Comment, &now, s.Done
		if _, err := tx.exec(`UPDATE item_units SET report = ?, reported_at = ?, done = ? WHERE item_id = ? AND unit_id = ?`,
			s.Comment, ts(now), s.Done, it.ID, unit); err != nil {
			return nil, err
		}
	case ding.ItemClose:
		ok := office
		if !ok && lead != nil && a.Role == ding.RoleLiaison {
			if ok, err = unitCovers(tx, lead.UnitID); err != nil {
				return nil, err
			}
		}
		if !ok {
			return nil, ding.Errorf(ding.EFORBIDDEN, "item.close_lead_only")
		}
		if s.Comment == "" {
			return nil, ding.FieldError("comment", "item.close_required")
		}
		it.ClosedOn, it.Due, it.Level = today, ding.Date{}, 0
		it.Reason = ""
	case ding.ItemConfirm, ding.ItemReopen:
		if !office && a.UserID != it.RaisedBy {
			return nil, ding.Errorf(ding.EFORBIDDEN, "item.owner_only")
		}
		if s.Action == ding.ItemReopen {
			if s.Comment == "" {
				return nil, ding.FieldError("comment", "item.reason_required")
			}
			it.Reason, it.ClosedOn, it.Level = s.Comment, ding.Date{}, 0
			it.CloseDue = cal.AddWorkdays(today, clocks.Close)
			it.Due = it.CloseDue
		} else {
			it.Due = ding.Date{}
		}
	}
	from := it.Status
	it.Status, it.UpdatedAt, it.Version = to, tx.now, it.Version+1
	if it.Due.IsZero() || !it.Due.Before(today) {
		it.Overdue = 0
	}
	if s.Action != ding.ItemReport && it.Due != before.Due {
		it.Level = 0
	}
	res, err := tx.exec(`UPDATE items SET status = ?, decide_due = ?, close_due = ?, due = ?, level = ?, decision = ?, decided_by = ?, decided_name = ?,
		decided_at = ?, on_site = ?, reason = ?, closed_on = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
		string(it.Status), dateArg(it.DecideDue), dateArg(it.CloseDue), dateArg(it.Due), it.Level, it.Decision, nullID(it.DecidedBy), it.DecidedName,
		nullTS(it.DecidedAt), it.OnSite, it.Reason, dateArg(it.ClosedOn), ts(tx.now), it.ID, before.Version)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nil, ding.Errorf(ding.ECONFLICT, "item.stale")
	}
	if err := tx.itemEvent(it.ID, string(s.Action), from, to, unit, s.Comment); err != nil {
		return nil, err
	}
	if err := tx.audit("item", it.ID, string(s.Action), &before, it); err != nil {
		return nil, err
	}
	if err := itemNotify(tx, it, string(s.Action), s.Comment); err != nil {
		return nil, err
	}
	if it.ProjectID != 0 {
		if err := reevaluate(tx, it.ProjectID); err != nil {
			return nil, err
		}
	}
	return it, nil
}

// itemNotifyEvent is the notification event of each step, and who hears of it.
var itemNotifyEvent = map[string]string{
	"create": "item.submitted", "accept": "item.assigned", "reject": "item.rejected", "decide": "item.decided",
	"close": "item.closed", "reopen": "item.reopened",
}

// itemNotify queues the message of a step: a new demand to the office, an assignment or a
// decision or a reopening to the units, a rejection or a closing to whoever raised it.
func itemNotify(tx *Tx, it *ding.Item, step, comment string) error {
	ev, ok := itemNotifyEvent[step]
	if !ok {
		return nil
	}
	if step == "create" && it.Kind == ding.ActionItem {
		ev = "item.assigned"
	}
	what := i18n.T("zh", "item.kind."+string(it.Kind))
	subject := fmt.Sprintf("%s：%s（%s）", i18n.T("zh", "notify.event."+ev), it.Title, what)
	var b strings.Builder
	if it.ProjectName != "" {
		fmt.Fprintf(&b, "项目：%s\n", it.ProjectName)
	}
	fmt.Fprintf(&b, "%s：%s\n", what, it.Title)
	if it.Request != "" {
		fmt.Fprintf(&b, "诉求：%s\n", it.Request)
	}
	if comment != "" {
		fmt.Fprintf(&b, "意见：%s\n", comment)
	}
	if !it.Due.IsZero() {
		fmt.Fprintf(&b, "办理期限：%s\n", it.Due)
	}
	m := Message{Event: ev, Subject: subject, Body: b.String(), Link: "/items/" + strconv.FormatInt(it.ID, 10)}
	switch ev {
	case "item.submitted":
		office, err := officeUsers(tx)
		if err != nil {
			return err
		}
		m.UserIDs = office
	case "item.rejected", "item.closed":
		if it.RaisedBy != 0 {
			m.UserIDs = []int64{it.RaisedBy}
		}
	default:
		for _, u := range it.Units {
			m.UnitIDs = append(m.UnitIDs, u.UnitID)
		}
	}
	return enqueue(tx, m)
}

// itemsNightly escalates the late steps: at the first late working day to the assigned
// units and the office (level 1), after ItemClocks.Escalate more working days to the
// project's leader (level 2). Each level is told once.
func itemsNightly(tx *Tx, today ding.Date) error {
	cal, err := txCalendar(tx)
	if err != nil {
		return err
	}
	clocks, err := getItemClocks(tx.ctx, tx.reader)
	if err != nil {
		return err
	}
	rows, err := tx.query(tx.ctx, `SELECT i.id, i.kind, i.title, COALESCE(p.name, ''), COALESCE(p.leader_id, 0), i.due, i.level
		FROM items i LEFT JOIN projects p ON p.id = i.project_id WHERE i.due < ? AND i.level < 2 ORDER BY i.id`, dateArg(today))
	if err != nil {
		return err
	}
	type late struct {
		id, leader   int64
		kind         ding.ItemKind
		title, pname string
		due          ding.Date
		level, to    int
		days         int
	}
	var ls []*late
	for rows.Next() {
		l := &late{}
		if err := rows.Scan(&l.id, &l.kind, &l.title, &l.pname, &l.leader, dateScan{&l.due}, &l.level); err != nil {
			rows.Close()
			return tx.db.mapErr(err)
		}
		l.days = cal.WorkdaysBetween(l.due, today)
		l.to = 0
		if l.days >= 1 {
			l.to = 1
		}
		if l.days > clocks.Escalate {
			l.to = 2
		}
		if l.to > l.level {
			ls = append(ls, l)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return tx.db.mapErr(err)
	}
	if len(ls) == 0 {
		return nil
	}
	office, err := officeUsers(tx)
	if err != nil {
		return err
	}
	var groups digests[*late]
	units := map[int64][]int64{}
	for _, l := range ls {
		if _, err := tx.exec(`UPDATE items SET level = ? WHERE id = ?`, l.to, l.id); err != nil {
			return err
		}
		if l.level < 1 {
			us, err := tx.query(tx.ctx, `SELECT unit_id FROM item_units WHERE item_id = ?`, l.id)
			if err != nil {
				return err
			}
			for us.Next() {
				var u int64
				if err := us.Scan(&u); err != nil {
					us.Close()
					return tx.db.mapErr(err)
				}
				units[l.id] = append(units[l.id], u)
			}
			us.Close()
			for _, u := range units[l.id] {
				groups.add(digestKey{"item.overdue", u, 0}, l)
			}
			groups.add(digestKey{"item.overdue", 0, 0}, l) // the office
		}
		if l.to == 2 && l.leader != 0 {
			groups.add(digestKey{"item.overdue", 0, l.leader}, l)
		}
	}
	var ms []Message
	for _, k := range groups.order {
		list := groups.m[k]
		body := digestBody(list, "项", func(b *strings.Builder, l *late) {
			fmt.Fprintf(b, "%s：%s", i18n.T("zh", "item.kind."+string(l.kind)), l.title)
			if l.pname != "" {
				fmt.Fprintf(b, "（%s）", l.pname)
			}
			fmt.Fprintf(b, "，%s 到期，已逾期 %d 个工作日\n", l.due, l.days)
		})
		m := Message{Event: k.event, Subject: fmt.Sprintf("%s：%d 项（%s）", i18n.T("zh", "notify.event."+k.event), len(list), today),
			Body: body, Link: "/items?overdue=1"}
		switch {
		case k.unit != 0:
			m.UnitIDs = []int64{k.unit}
		case k.leader != 0:
			m.UserIDs = []int64{k.leader}
		default:
			m.UserIDs = office
		}
		ms = append(ms, m)
	}
	return enqueue(tx, ms...)
}

// deadlineItemsOf reads the open items with a due date of the selected projects, for the
// item_overdue rule.
func deadlineItemsOf(ctx context.Context, r reader, sel idSel) (map[int64][]ding.DeadlineItem, error) {
	rows, err := r.query(ctx, `SELECT project_id, kind, id, title, due FROM items WHERE due IS NOT NULL AND project_id IS NOT NULL AND `+sel.cond("project_id")+
		` ORDER BY project_id, due, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]ding.DeadlineItem{}
	for rows.Next() {
		var pid int64
		var d ding.DeadlineItem
		if err := rows.Scan(&pid, &d.Kind, &d.ID, &d.Title, fastDate{&d.Due}); err != nil {
			return nil, r.db.mapErr(err)
		}
		out[pid] = append(out[pid], d)
	}
	if err := rows.Err(); err != nil {
		return nil, r.db.mapErr(err)
	}
	if err := brokenCommitments(ctx, r, sel, out); err != nil {
		return nil, err
	}
	return out, nil
}

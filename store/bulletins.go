package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"time"

	"ding"
	"ding/i18n"
	"ding/internal/crash"
)

// Monthly bulletins (ding/bulletin.go). The project office of a unit builds the month's
// bulletin of its subtree: BuildBulletin takes the data cut (figures from the dashboard's
// rollups, the warnings with their reasons, the month's warning events, demands decided,
// closed and overdue, broken 对赌 clauses, the ladder's 通报 listings, the quarter's flags)
// and stores it as it is; building again while it is a draft takes a new cut and keeps the
// commentary. Publishing freezes it — no rebuild, no commentary after — and tells the
// units. A bulletin is visible to the users whose scope holds its unit and, once
// published, to the users of units under it; drafts only to the office.

// BulletinFilter selects bulletins.
type BulletinFilter struct {
	ID     int64
	UnitID int64 // issued for this unit
	Year   int
	Month  int
}

func bulletinVisible(a *ding.Actor) (string, []any) {
	cond, args := unitScope(a, "b.unit_id")
	if a == nil || a.System {
		return cond, args
	}
	under := "0=1"
	var uargs []any
	if a.UnitID != 0 {
		under = "b.unit_id IN (SELECT ancestor_id FROM unit_closure WHERE descendant_id = ?)"
		uargs = []any{a.UnitID}
	}
	if isOffice(a) {
		return "(" + cond + " OR (b.status = 'published' AND " + under + "))", append(args, uargs...)
	}
	// Others see published bulletins only.
	return "(b.status = 'published' AND (" + cond + " OR " + under + "))", append(args, uargs...)
}

// FindBulletins lists the bulletins the caller may see, newest month first (without
// their data and comments).
func (db *DB) FindBulletins(ctx context.Context, f BulletinFilter) ([]*ding.Bulletin, error) {
	a := ding.ActorFrom(ctx)
	if a == nil {
		return nil, ding.Errorf(ding.EUNAUTHORIZED, "err.unauthorized")
	}
	return findBulletins(ctx, db.reader(), a, f, false)
}

func findBulletins(ctx context.Context, r reader, a *ding.Actor, f BulletinFilter, withData bool) ([]*ding.Bulletin, error) {
	var w where
	cond, args := bulletinVisible(a)
	w.add(cond, args...)
	if f.ID != 0 {
		w.add("b.id = ?", f.ID)
	}
	if f.UnitID != 0 {
		w.add("b.unit_id = ?", f.UnitID)
	}
	if f.Year != 0 {
		w.add("b.year = ?", f.Year)
	}
	if f.Month != 0 {
		w.add("b.month = ?", f.Month)
	}
	data := "''"
	if withData {
		data = "b.data"
	}
	rows, err := r.query(ctx, `SELECT b.id, b.unit_id, u.name, b.year, b.month, b.status, `+data+`, b.created_by, b.built_at, b.published_by,
		b.published_at, b.version FROM bulletins b JOIN units u ON u.id = b.unit_id`+w.String()+` ORDER BY b.year DESC, b.month DESC, b.id DESC LIMIT 500`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*ding.Bulletin
	for rows.Next() {
		b := &ding.Bulletin{}
		var raw string
		if err := rows.Scan(&b.ID, &b.UnitID, &b.UnitName, &b.Year, &b.Month, &b.Status, &raw, &b.CreatedBy, timeScan{&b.BuiltAt}, &b.PublishedBy,
			nullTimeScan{&b.PublishedAt}, &b.Version); err != nil {
			return nil, r.db.mapErr(err)
		}
		if withData {
			b.Data = &ding.BulletinData{}
			if err := json.Unmarshal([]byte(raw), b.Data); err != nil {
				return nil, err
			}
		}
		out = append(out, b)
	}
	return out, r.db.mapErr(rows.Err())
}

// FindBulletin returns one bulletin with its data and commentary.
func (db *DB) FindBulletin(ctx context.Context, id int64) (*ding.Bulletin, error) {
	a := ding.ActorFrom(ctx)
	if a == nil {
		return nil, ding.Errorf(ding.EUNAUTHORIZED, "err.unauthorized")
	}
	return findBulletin(ctx, db.reader(), a, id)
}

func findBulletin(ctx context.Context, r reader, a *ding.Actor, id int64) (*ding.Bulletin, error) {
	bs, err := findBulletins(ctx, r, a, BulletinFilter{ID: id}, true)
	if err != nil {
		return nil, err
	}
	if len(bs) == 0 {
		return nil, notFound("bulletin")
	}
	b := bs[0]
	if err := scanRows(ctx, r, `SELECT id, kind, target_id, target_name, text, by_name, at FROM bulletin_comments WHERE bulletin_id = ? ORDER BY id`,
		[]any{id}, func(rows *sql.Rows) error {
			c := &ding.BulletinComment{BulletinID: id}
			if err := rows.Scan(&c.ID, &c.Kind, &c.TargetID, &c.TargetName, &c.Text, &c.By, timeScan{&c.At}); err != nil {
				return err
			}
			b.Comments = append(b.Comments, c)
			return nil
		}); err != nil {
		return nil, err
	}
	return b, nil
}

// PreviousBulletin returns the bulletin of the month before for the same unit, or nil.
func (db *DB) PreviousBulletin(ctx context.Context, b *ding.Bulletin) (*ding.Bulletin, error) {
	y, m := b.Year, b.Month-1
	if m == 0 {
		y, m = y-1, 12
	}
	bs, err := db.FindBulletins(ctx, BulletinFilter{UnitID: b.UnitID, Year: y, Month: m})
	if err != nil || len(bs) == 0 {
		return nil, err
	}
	return db.FindBulletin(ctx, bs[0].ID)
}

// BuildBulletin takes the data cut of a month's bulletin for a unit's subtree (0: the
// caller's unit) and stores it as a draft, or replaces the cut of the draft (keeping its
// commentary). A published bulletin cannot be built again; a month in the future cannot
// be built at all.
func (db *DB) BuildBulletin(ctx context.Context, unitID int64, year, month int) (*ding.Bulletin, error) {
	a := ding.ActorFrom(ctx)
	if a == nil {
		return nil, ding.Errorf(ding.EUNAUTHORIZED, "err.unauthorized")
	}
	if !isOffice(a) {
		return nil, ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	if unitID == 0 {
		unitID = a.UnitID
	}
	if month < 1 || month > 12 || year < 2000 || year > 2100 {
		return nil, ding.FieldError("month", "target.month_invalid")
	}
	r := db.reader()
	today := ding.Today(db.Now())
	if asOf, err := getAsOf(ctx, r); err != nil {
		return nil, err
	} else if !asOf.IsZero() {
		today = asOf
	}
	if year > today.Year || year == today.Year && month > int(today.Month) {
		return nil, ding.Errorf(ding.EINVALID, "target.month_future", fmt.Sprintf("%d-%02d", year, month))
	}
	u, err := findUnitByID(ctx, r, a, unitID)
	if err != nil {
		return nil, err
	}
	data, err := db.bulletinCut(ctx, u, year, month)
	if err != nil {
		return nil, err
	}
	raw, err := jsonArg(data)
	if err != nil {
		return nil, err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.rollback()
	var id int64
	var status string
	err = tx.queryRow(tx.ctx, `SELECT id, status FROM bulletins WHERE unit_id = ? AND year = ? AND month = ?`, unitID, year, month).Scan(&id, &status)
	switch {
	case err == sql.ErrNoRows:
		id, err = tx.insert(`INSERT INTO bulletins (unit_id, year, month, status, data, created_by, built_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			unitID, year, month, ding.BulletinDraft, raw, tx.actor.Username, ts(tx.now))
		if err != nil {
			return nil, err
		}
		if err := tx.audit("bulletin", id, "build", nil, map[string]any{"unit_id": unitID, "period": fmt.Sprintf("%d-%02d", year, month)}); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, tx.db.mapErr(err)
	case status == ding.BulletinPublished:
		return nil, ding.Errorf(ding.ECONFLICT, "bulletin.published")
	default:
		if _, err := tx.exec(`UPDATE bulletins SET data = ?, built_at = ?, version = version + 1 WHERE id = ?`, raw, ts(tx.now), id); err != nil {
			return nil, err
		}
		if err := tx.audit("bulletin", id, "rebuild", nil, map[string]any{"unit_id": unitID, "period": fmt.Sprintf("%d-%02d", year, month)}); err != nil {
			return nil, err
		}
	}
	if err := tx.commit(); err != nil {
		return nil, err
	}
	return db.FindBulletin(ctx, id)
}

// bulletinCut gathers a month's figures and lists for a unit's subtree, in the caller's
// scope.
func (db *DB) bulletinCut(ctx context.Context, u *ding.Unit, year, month int) (*ding.BulletinData, error) {
	r := db.reader()
	d := &ding.BulletinData{}
	dash, err := db.DashboardFor(ctx, u.ID, year, month)
	if err != nil {
		return nil, err
	}
	d.Projects, d.Investment, d.Plan, d.Completed = dash.Projects, dash.Investment, dash.Plan, dash.Completed
	d.LastYear = dash.Categories[0].LastYear
	d.Signed1, d.Signed10, d.Signed100, d.Started, d.InStats, d.SignedInStats = dash.Signed1, dash.Signed10, dash.Signed100, dash.Started, dash.InStats, dash.SignedInStats
	for _, c := range dash.Colours {
		switch c.Key {
		case "red":
			d.Red = c.N
		case "yellow":
			d.Yellow = c.N
		case "blue":
			d.Blue = c.N
		}
	}
	// The ranking by completion of the plan, and last month's.
	py, pm := year, month-1
	if pm == 0 {
		py, pm = year-1, 12
	}
	prev, err := db.DashboardFor(ctx, u.ID, py, pm)
	if err != nil {
		return nil, err
	}
	rank := func(ls []UnitLine) map[int64]int {
		out := map[int64]int{}
		for _, a := range ls {
			if a.Plan <= 0 {
				continue
			}
			place := 1
			for _, b := range ls {
				if b.Plan > 0 && a.Completion.Less(b.Completion) {
					place++
				}
			}
			out[a.UnitID] = place
		}
		return out
	}
	now, before := rank(dash.Units), rank(prev.Units)
	for _, l := range dash.Units {
		d.Units = append(d.Units, ding.BulletinUnit{UnitID: l.UnitID, UnitName: l.UnitName, Projects: l.Projects, Plan: l.Plan, Completed: l.Completed,
			Red: l.Red, Rank: now[l.UnitID], PrevRank: before[l.UnitID]})
	}

	// Current warnings with their reasons, most severe first.
	var counts = map[string]int64{}
	for _, c := range dash.Warnings {
		counts[c.Key] = c.N
		d.WarningsTotal += int(c.N)
	}
	if d.Warnings, err = db.bulletinWarnings(ctx, r, u.ID, counts); err != nil {
		return nil, err
	}

	// Warnings opened and cleared in the month.
	first := ding.Date{Year: year, Month: time.Month(month), Day: 1}
	last := ding.SchemePeriod{Kind: ding.SchemeMonthly, Year: year, N: month}.End()
	sub := `p.unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ?)`
	for _, c := range dash.NewWarnings {
		d.OpenedTotal += c.N
	}
	d.ClearedTotal = dash.Cleared
	// Each list reads at most its cap: a first pass can open tens of thousands in a month.
	for _, ev := range []string{EventOpened, "cleared"} {
		if err := scanRows(ctx, r, `SELECT e.project_id, p.name, un.name, e.to_colour, e.from_colour, e.reason, e.args, e.on_date
		FROM warning_events e JOIN projects p ON p.id = e.project_id JOIN units un ON un.id = p.unit_id
		WHERE e.event = ? AND e.on_date >= ? AND e.on_date <= ? AND +`+sub+` ORDER BY e.on_date, e.id LIMIT `+strconv.Itoa(ding.BulletinListCap),
			[]any{ev, dateArg(first), dateArg(last), u.ID}, func(rows *sql.Rows) error {
				var to, from, reason, args string
				var e ding.BulletinEvent
				if err := rows.Scan(&e.ProjectID, &e.ProjectName, &e.UnitName, &to, &from, &reason, &args, dateScan{&e.On}); err != nil {
					return err
				}
				var as []any
				_ = json.Unmarshal([]byte(args), &as)
				e.Reason = i18n.T("zh", reason, as...)
				if ev == EventOpened {
					e.Colour = ding.Colour(to)
					d.Opened = append(d.Opened, e)
				} else {
					e.Colour = ding.Colour(from)
					d.Cleared = append(d.Cleared, e)
				}
				return nil
			}); err != nil {
			return nil, err
		}
	}

	// Demands decided and items closed in the month; items late at its end.
	// Raised by a unit of the subtree or about a project led by one; the two halves are read
	// by their indexes and merged (an OR would test every item of the registry), and the
	// root of the tree takes every item.
	itemIn := `i.id IN (SELECT x.id FROM items x WHERE x.unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ?)
		UNION SELECT x.id FROM items x JOIN projects px ON px.id = x.project_id
		WHERE px.unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ?))`
	itemArgs := []any{u.ID, u.ID}
	if u.ParentID == 0 {
		itemIn, itemArgs = `1=1`, nil
	}
	itemQ := `SELECT i.id, i.kind, i.title, COALESCE(p.name, ''), un.name, i.status, i.decision, %s, i.due FROM items i
		LEFT JOIN projects p ON p.id = i.project_id JOIN units un ON un.id = i.unit_id WHERE ` + itemIn + ` AND %s ORDER BY %s LIMIT ` + strconv.Itoa(ding.BulletinListCap)
	for _, l := range []struct {
		on, cond, order string
		args            []any
		dst             *[]ding.BulletinItem
	}{
		{"i.decided_at", "i.kind = 'demand' AND i.decided_at >= ? AND i.decided_at < ?", "i.decided_at, i.id",
			[]any{ts(time.Date(year, time.Month(month), 1, 0, 0, 0, 0, ding.Shanghai)), ts(time.Date(year, time.Month(month)+1, 1, 0, 0, 0, 0, ding.Shanghai))}, &d.Decided},
		{"i.closed_on", "i.closed_on >= ? AND i.closed_on <= ?", "i.closed_on, i.id", []any{dateArg(first), dateArg(last)}, &d.Closed},
		{"i.due", "i.due IS NOT NULL AND i.due < ?", "i.due, i.id", []any{dateArg(last)}, &d.Overdue},
	} {
		q := fmt.Sprintf(itemQ, l.on, l.cond, l.order)
		args := append(append([]any{}, itemArgs...), l.args...)
		if err := scanRows(ctx, r, q, args, func(rows *sql.Rows) error {
			var it ding.BulletinItem
			var on any
			if err := rows.Scan(&it.ID, &it.Kind, &it.Title, &it.ProjectName, &it.UnitName, &it.Status, &it.Decision, &on, dateScan{&it.Due}); err != nil {
				return err
			}
			it.On = dateOfAny(on)
			*l.dst = append(*l.dst, it)
			return nil
		}); err != nil {
			return nil, err
		}
	}

	// Broken 对赌 clauses.
	if err := scanRows(ctx, r, `SELECT c.id, c.project_id, p.name, c.clause, c.due, c.measured FROM commitments c JOIN projects p ON p.id = c.project_id
		WHERE c.status = 'broken' AND c.due <= ? AND `+sub+` ORDER BY c.due, c.id LIMIT `+strconv.Itoa(ding.BulletinListCap),
		[]any{dateArg(last), u.ID}, func(rows *sql.Rows) error {
			var c ding.BulletinCommitment
			if err := rows.Scan(&c.ID, &c.ProjectID, &c.ProjectName, &c.Clause, dateScan{&c.Due}, &c.Measured); err != nil {
				return err
			}
			d.Broken = append(d.Broken, c)
			return nil
		}); err != nil {
		return nil, err
	}

	// The ladder's 通报 listings of the month, within the subtree, most severe first.
	ls, _, err := db.FindEscalations(ctx, EscalationFilter{Action: ding.ActionBulletin, Period: fmt.Sprintf("%d-%02d", year, month), UnitID: u.ID,
		Sort: "unit", Limit: ding.BulletinListCap})
	if err != nil {
		return nil, err
	}
	cs, err := db.Colours(ctx)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(ls, func(i, j int) bool { return cs.Rank(ls[i].Colour) > cs.Rank(ls[j].Colour) })
	for _, e := range ls {
		d.Listed = append(d.Listed, ding.BulletinListed{ProjectID: e.ProjectID, ProjectName: e.ProjectName, UnitName: e.UnitName, Colour: e.Colour, Figures: e.Figures})
	}

	// The quarter's flag holders, when the month ends a quarter.
	if month%3 == 0 {
		q := ding.SchemePeriod{Kind: ding.SchemeQuarterly, Year: year, N: month / 3}
		ss, err := db.FindSchemes(ctx, SchemeFilter{})
		if err != nil {
			return nil, err
		}
		for _, s := range ss {
			if s.Period != ding.SchemeQuarterly {
				continue
			}
			h, err := flagHistory(ctx, r, s)
			if err != nil {
				return nil, err
			}
			for _, aw := range h.Awards {
				if aw.Period == q {
					d.Flags = append(d.Flags, aw)
				}
			}
		}
	}
	return d, nil
}

// dateOfAny reads a date or a timestamp column's value as the Shanghai date.
func dateOfAny(v any) ding.Date {
	switch x := v.(type) {
	case time.Time:
		return ding.DateOf(x.In(ding.Shanghai))
	case string:
		if t, err := parseTimeText(x); err == nil {
			return ding.DateOf(t.In(ding.Shanghai))
		}
		if d, err := ding.ParseDate(x[:min(len(x), 10)]); err == nil {
			return d
		}
	case []byte:
		return dateOfAny(string(x))
	}
	return ding.Date{}
}

// bulletinDraft loads a bulletin for a change by its office: a draft, at the version read.
func bulletinDraft(tx *Tx, id int64, version int) (*ding.Bulletin, error) {
	if !isOffice(tx.actor) {
		return nil, ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	b, err := findBulletin(tx.ctx, tx.reader, tx.actor, id)
	if err != nil {
		return nil, err
	}
	if ok, err := unitCovers(tx, b.UnitID); err != nil {
		return nil, err
	} else if !ok {
		return nil, ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	if b.Status == ding.BulletinPublished {
		return nil, ding.Errorf(ding.ECONFLICT, "bulletin.published")
	}
	if version != 0 && version != b.Version {
		return nil, ding.Errorf(ding.ECONFLICT, "bulletin.stale")
	}
	return b, nil
}

// AddBulletinComment adds the office's commentary on a unit or project of the bulletin
// (or on the whole) while it is a draft.
func (db *DB) AddBulletinComment(ctx context.Context, c *ding.BulletinComment) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	b, err := bulletinDraft(tx, c.BulletinID, 0)
	if err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return err
	}
	c.TargetName = ""
	switch c.Kind {
	case "unit":
		for _, u := range b.Data.Units {
			if u.UnitID == c.TargetID {
				c.TargetName = u.UnitName
			}
		}
	case "project":
		for _, w := range b.Data.Warnings {
			if w.ProjectID == c.TargetID {
				c.TargetName = w.ProjectName
			}
		}
		for _, l := range b.Data.Listed {
			if l.ProjectID == c.TargetID {
				c.TargetName = l.ProjectName
			}
		}
	}
	if c.Kind != "general" && c.TargetName == "" {
		return ding.FieldError("target_id", "bulletin.target_absent")
	}
	c.By, c.At = tx.actor.Username, tx.now
	id, err := tx.insert(`INSERT INTO bulletin_comments (bulletin_id, kind, target_id, target_name, text, by_name, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		c.BulletinID, c.Kind, c.TargetID, c.TargetName, c.Text, c.By, ts(tx.now))
	if err != nil {
		return err
	}
	c.ID = id
	if _, err := tx.exec(`UPDATE bulletins SET version = version + 1 WHERE id = ?`, b.ID); err != nil {
		return err
	}
	if err := tx.audit("bulletin_comment", id, "create", nil, c); err != nil {
		return err
	}
	return tx.commit()
}

// RemoveBulletinComment removes commentary from a draft.
func (db *DB) RemoveBulletinComment(ctx context.Context, bulletinID, id int64) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	b, err := bulletinDraft(tx, bulletinID, 0)
	if err != nil {
		return err
	}
	var before *ding.BulletinComment
	for _, c := range b.Comments {
		if c.ID == id {
			before = c
		}
	}
	if before == nil {
		return notFound("comment")
	}
	if _, err := tx.exec(`DELETE FROM bulletin_comments WHERE id = ?`, id); err != nil {
		return err
	}
	if _, err := tx.exec(`UPDATE bulletins SET version = version + 1 WHERE id = ?`, b.ID); err != nil {
		return err
	}
	if err := tx.audit("bulletin_comment", id, "delete", before, nil); err != nil {
		return err
	}
	return tx.commit()
}

// PublishBulletin freezes a draft and tells the users of the units it ranks or names.
func (db *DB) PublishBulletin(ctx context.Context, id int64, version int) (*ding.Bulletin, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.rollback()
	b, err := bulletinDraft(tx, id, version)
	if err != nil {
		return nil, err
	}
	if _, err := tx.exec(`UPDATE bulletins SET status = ?, published_by = ?, published_at = ?, version = version + 1 WHERE id = ?`,
		ding.BulletinPublished, tx.actor.Username, ts(tx.now), id); err != nil {
		return nil, err
	}
	if err := tx.audit("bulletin", id, "publish", map[string]any{"status": b.Status}, map[string]any{"status": ding.BulletinPublished}); err != nil {
		return nil, err
	}
	units := []int64{b.UnitID}
	for _, u := range b.Data.Units {
		units = append(units, u.UnitID)
	}
	m := Message{Event: "bulletin.published", Subject: fmt.Sprintf("%s %d年%d月重大项目通报已发布", b.UnitName, b.Year, b.Month),
		Body: joinLines(b.Data.Summary(areaOf(b.UnitName), b.Year, b.Month)), Link: "/bulletins/" + strconv.FormatInt(id, 10), UnitIDs: units}
	if err := enqueue(tx, m); err != nil {
		return nil, err
	}
	crash.Point("bulletin.publish") // status, audit event and notifications written, not committed
	if err := tx.commit(); err != nil {
		return nil, err
	}
	crash.Point("bulletin.published") // committed; the notifications wait for the sender
	return db.FindBulletin(ctx, id)
}

// areaOf is how a bulletin names its area in sentences: 全区, 全市, 全县, 全镇 … from the
// unit's name.
func areaOf(name string) string {
	r := []rune(name)
	if len(r) == 0 {
		return "全域"
	}
	switch last := string(r[len(r)-1]); last {
	case "区", "市", "县", "镇", "乡", "省":
		return "全" + last
	case "道":
		return "全街道"
	}
	return name
}

// AreaName is how a bulletin of a unit names its area (全区, 全市 …).
func AreaName(unitName string) string { return areaOf(unitName) }

func joinLines(ls []string) string {
	s := ""
	for _, l := range ls {
		s += l + "\n"
	}
	return s
}

// bulletinWarnings lists the subtree's current warnings of projects that are not exempt,
// most severe colour first (by the configured ranks) and then by the project's investment,
// at most ding.BulletinListCap of them. counts are the subtree's warnings per colour (from
// the rollups). Colour by colour it picks the cheaper of two reads: when a colour covers
// many projects (a first pass can paint most of a province red) it walks the projects in
// investment order and stops at the cap; when it covers few, it reads that colour's
// warnings and sorts them. Both give the same order.
func (db *DB) bulletinWarnings(ctx context.Context, r reader, unitID int64, counts map[string]int64) ([]ding.BulletinWarning, error) {
	colours, err := getColours(ctx, r)
	if err != nil {
		return nil, err
	}
	today, err := db.WarningToday(ctx)
	if err != nil {
		return nil, err
	}
	period := monthKey(today)
	var all int64 // projects in the whole registry: what a walk in investment order passes over
	if err := r.queryRow(ctx, `SELECT COALESCE(SUM(n), 0) FROM rollup_projects`).Scan(&all); err != nil {
		return nil, db.mapErr(err)
	}
	ranked := append(ding.ColourScheme(nil), colours...)
	sort.SliceStable(ranked, func(i, j int) bool { return ranked[i].Rank > ranked[j].Rank })
	var out []ding.BulletinWarning
	for _, c := range ranked {
		need := ding.BulletinListCap - len(out)
		n := counts[string(c.Key)]
		if need <= 0 {
			break
		}
		if n == 0 {
			continue
		}
		const cols = `SELECT w.project_id, p.name, un.name, w.colour, COALESCE(wr.name, ''), w.reason, w.args, w.opened_on`
		const joins = ` JOIN units un ON un.id = p.unit_id LEFT JOIN warning_rules wr ON wr.id = w.rule_id
			LEFT JOIN project_colours pc ON pc.project_id = p.id`
		const order = ` ORDER BY p.total_investment DESC, p.id DESC, w.rule_id, w.subject_key LIMIT `
		var q string
		// A walk reads about need × all / n projects; a sort reads the colour's n warnings.
		if float64(need)*float64(all) < float64(n)*float64(n) {
			// CROSS JOIN keeps projects the outer loop on SQLite (read in investment order by
			// projects_investment), and + keeps the unit condition a filter.
			q = cols + ` FROM projects p CROSS JOIN warnings w` + joins + `
				WHERE w.project_id = p.id AND w.colour = ? AND +p.unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ?) AND COALESCE(pc.exempt, ?) = ?` + order
		} else {
			q = cols + ` FROM warnings w JOIN projects p ON p.id = w.project_id` + joins + `
				WHERE w.colour = ? AND p.unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ?) AND COALESCE(pc.exempt, ?) = ?` + order
		}
		if err := scanRows(ctx, r, q+strconv.Itoa(need), []any{string(c.Key), unitID, false, false}, func(rows *sql.Rows) error {
			var w ding.BulletinWarning
			var reason, args string
			if err := rows.Scan(&w.ProjectID, &w.ProjectName, &w.UnitName, &w.Colour, &w.Rule, &reason, &args, fastDate{&w.Since}); err != nil {
				return err
			}
			w.Reason = i18n.T("zh", reason, decodeArgs(args)...)
			w.Periods = periodsSince(w.Since, period)
			out = append(out, w)
			return nil
		}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"ding"
	"ding/internal/crash"
)

// Indicators, annual targets and monthly actuals (ding/target.go). Indicators are shared
// definitions every signed-in user can read; targets and actuals are read in the caller's
// data scope. Rankings are computed over every peer (so that they are fair) and then cut
// to the scope: a town sees its own place, not its neighbours' figures. Every change of a
// value is kept in indicator_revisions; a value a locked data cut read cannot change.

// IndicatorFilter selects indicators.
type IndicatorFilter struct {
	ID       int64
	Code     string
	Disabled bool // include disabled ones
}

const indicatorCols = `id, code, name, measure, accumulation, higher_better, source, compute, rank_by, note, sort_order, disabled, version, created_at`

func scanIndicator(sc interface{ Scan(...any) error }) (*ding.Indicator, error) {
	ind := &ding.Indicator{}
	err := sc.Scan(&ind.ID, &ind.Code, &ind.Name, &ind.Measure, &ind.Accumulation, &ind.HigherBetter, &ind.Source, &ind.Compute,
		&ind.RankBy, &ind.Note, &ind.SortOrder, &ind.Disabled, &ind.Version, timeScan{&ind.CreatedAt})
	return ind, err
}

// FindIndicators lists indicators in their sort order.
func (db *DB) FindIndicators(ctx context.Context, f IndicatorFilter) ([]*ding.Indicator, error) {
	if ding.ActorFrom(ctx) == nil {
		return nil, ding.Errorf(ding.EUNAUTHORIZED, "err.unauthorized")
	}
	return findIndicators(ctx, db.reader(), f)
}

func findIndicators(ctx context.Context, r reader, f IndicatorFilter) ([]*ding.Indicator, error) {
	var w where
	if f.ID != 0 {
		w.add("id = ?", f.ID)
	}
	if f.Code != "" {
		w.add("code = ?", strings.ToLower(f.Code))
	}
	if !f.Disabled && f.ID == 0 && f.Code == "" {
		w.add("disabled = ?", false)
	}
	rows, err := r.query(ctx, `SELECT `+indicatorCols+` FROM indicators`+w.String()+` ORDER BY sort_order, id`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*ding.Indicator
	for rows.Next() {
		ind, err := scanIndicator(rows)
		if err != nil {
			return nil, r.db.mapErr(err)
		}
		out = append(out, ind)
	}
	return out, r.db.mapErr(rows.Err())
}

// FindIndicator returns one indicator by id.
func (db *DB) FindIndicator(ctx context.Context, id int64) (*ding.Indicator, error) {
	is, err := db.FindIndicators(ctx, IndicatorFilter{ID: id})
	if err != nil {
		return nil, err
	}
	if len(is) == 0 {
		return nil, notFound("indicator")
	}
	return is[0], nil
}

func indicatorTx(tx *Tx, id int64) (*ding.Indicator, error) {
	is, err := findIndicators(tx.ctx, tx.reader, IndicatorFilter{ID: id})
	if err != nil {
		return nil, err
	}
	if len(is) == 0 {
		return nil, notFound("indicator")
	}
	return is[0], nil
}

// CreateIndicator defines an indicator (the office or an administrator).
func (db *DB) CreateIndicator(ctx context.Context, ind *ding.Indicator) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	if !isOffice(tx.actor) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	ind.Normalize()
	if err := ind.Validate(); err != nil {
		return err
	}
	if err := indicatorCodeFree(tx, ind.Code, 0); err != nil {
		return err
	}
	id, err := tx.insert(`INSERT INTO indicators (code, name, measure, accumulation, higher_better, source, compute, rank_by, note, sort_order,
		disabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, ind.Code, ind.Name, ind.Measure, string(ind.Accumulation),
		ind.HigherBetter, string(ind.Source), ind.Compute, string(ind.RankBy), ind.Note, ind.SortOrder, ind.Disabled, ts(tx.now), ts(tx.now))
	if err != nil {
		return err
	}
	ind.ID, ind.Version, ind.CreatedAt = id, 1, tx.now
	if err := tx.audit("indicator", id, "create", nil, ind); err != nil {
		return err
	}
	return tx.commit()
}

func indicatorCodeFree(tx *Tx, code string, self int64) error {
	var n int
	if err := tx.queryRow(tx.ctx, `SELECT COUNT(*) FROM indicators WHERE code = ? AND id <> ?`, code, self).Scan(&n); err != nil {
		return tx.db.mapErr(err)
	}
	if n > 0 {
		return ding.FieldError("code", "target.code_taken", code)
	}
	return nil
}

// UpdateIndicator saves an indicator's definition, checking the version it was read at.
// Its measure cannot change once it has values (they would change meaning).
func (db *DB) UpdateIndicator(ctx context.Context, ind *ding.Indicator) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	if !isOffice(tx.actor) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	old, err := indicatorTx(tx, ind.ID)
	if err != nil {
		return err
	}
	if ind.Version != old.Version {
		return ding.Errorf(ding.ECONFLICT, "target.stale")
	}
	ind.Normalize()
	if err := ind.Validate(); err != nil {
		return err
	}
	if err := indicatorCodeFree(tx, ind.Code, ind.ID); err != nil {
		return err
	}
	if ind.Measure != old.Measure || ind.Compute != old.Compute {
		var n int
		if err := tx.queryRow(tx.ctx, `SELECT (SELECT COUNT(*) FROM indicator_actuals WHERE indicator_id = ?) +
			(SELECT COUNT(*) FROM indicator_targets WHERE indicator_id = ?)`, ind.ID, ind.ID).Scan(&n); err != nil {
			return tx.db.mapErr(err)
		}
		if n > 0 {
			return ding.FieldError("measure", "target.measure_locked")
		}
	}
	if _, err := tx.exec(`UPDATE indicators SET code = ?, name = ?, measure = ?, accumulation = ?, higher_better = ?, source = ?, compute = ?,
		rank_by = ?, note = ?, sort_order = ?, disabled = ?, version = version + 1, updated_at = ? WHERE id = ?`, ind.Code, ind.Name, ind.Measure,
		string(ind.Accumulation), ind.HigherBetter, string(ind.Source), ind.Compute, string(ind.RankBy), ind.Note, ind.SortOrder, ind.Disabled,
		ts(tx.now), ind.ID); err != nil {
		return err
	}
	ind.Version, ind.CreatedAt = old.Version+1, old.CreatedAt
	if err := tx.audit("indicator", ind.ID, "update", old, ind); err != nil {
		return err
	}
	return tx.commit()
}

// ValueWrite sets (or, with Value nil, clears) a target (Month 0) or an actual.
type ValueWrite struct {
	IndicatorID int64  `json:"indicator_id"`
	UnitID      int64  `json:"unit_id"`
	Year        int    `json:"year"`
	Month       int    `json:"month"` // 0: the annual target
	Value       *int64 `json:"value"`
	Note        string `json:"note"`
}

// ValueError is a refused write of a batch: its position and the field at fault.
type ValueError struct {
	Index int    `json:"index"` // position in the batch (0-based)
	Field string `json:"field"`
	Err   error  `json:"-"`
}

// SetValues writes a batch of targets and actuals, all or nothing. source is how they
// came (form, import, api). Each write is checked: the indicator exists and takes entered
// values (computed ones do not), the unit is in the caller's scope (targets are set by the
// office; actuals by the unit itself or the office), a target is positive, an actual's
// month is not in the future, and no locked data cut read the value. With commit false
// nothing is written (a preview). The errors come back by position; when there are any,
// nothing was written. changed counts the values that changed.
func (db *DB) SetValues(ctx context.Context, ws []ValueWrite, source string, commit bool) (changed int, errs []ValueError, err error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return 0, nil, err
	}
	defer tx.rollback()
	if tx.actor.Role != ding.RoleAdmin && tx.actor.Role != ding.RoleOffice && tx.actor.Role != ding.RoleLiaison && !tx.actor.System {
		return 0, nil, ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	today, err := itemDay(tx)
	if err != nil {
		return 0, nil, err
	}
	inds := map[int64]*ding.Indicator{}
	covers := map[int64]bool{}
	seen := map[[4]int64]int{}
	type plan struct {
		w   ValueWrite
		old *int64
	}
	var plans []plan
	for i, w := range ws {
		fail := func(field string, e error) { errs = append(errs, ValueError{Index: i, Field: field, Err: e}) }
		ind, ok := inds[w.IndicatorID]
		if !ok {
			got, err := findIndicators(tx.ctx, tx.reader, IndicatorFilter{ID: w.IndicatorID})
			if err != nil {
				return 0, nil, err
			}
			if len(got) > 0 {
				ind = got[0]
			}
			inds[w.IndicatorID] = ind
		}
		if ind == nil {
			fail("indicator", ding.Errorf(ding.ENOTFOUND, "target.indicator_not_found"))
			continue
		}
		if w.Year < 2000 || w.Year > 2100 {
			fail("year", ding.Errorf(ding.EINVALID, "target.year_invalid"))
			continue
		}
		if w.Month < 0 || w.Month > 12 {
			fail("month", ding.Errorf(ding.EINVALID, "target.month_invalid"))
			continue
		}
		cov, ok := covers[w.UnitID]
		if !ok {
			if _, err := findUnitByID(tx.ctx, tx.reader, tx.actor, w.UnitID); err == nil {
				cov, err = unitCovers(tx, w.UnitID)
				if err != nil {
					return 0, nil, err
				}
			} else if ding.ErrorCode(err) != ding.ENOTFOUND {
				return 0, nil, err
			}
			covers[w.UnitID] = cov
		}
		if !cov {
			fail("unit", ding.Errorf(ding.ENOTFOUND, "target.unit_out_of_scope"))
			continue
		}
		if w.Month == 0 && !isOffice(tx.actor) {
			fail("month", ding.Errorf(ding.EFORBIDDEN, "target.target_office_only"))
			continue
		}
		if w.Month > 0 && ind.Source == ding.SourceComputed && !tx.actor.System {
			fail("indicator", ding.Errorf(ding.EINVALID, "target.computed_no_entry", ind.Name))
			continue
		}
		if w.Month > 0 && (w.Year > today.Year || w.Year == today.Year && w.Month > int(today.Month)) {
			fail("month", ding.Errorf(ding.EINVALID, "target.month_future", fmt.Sprintf("%d-%02d", w.Year, w.Month)))
			continue
		}
		if w.Value != nil {
			switch {
			case w.Month == 0 && *w.Value == 0:
				fail("value", ding.Errorf(ding.EINVALID, "target.target_zero"))
				continue
			case w.Month == 0 && *w.Value < 0:
				fail("value", ding.Errorf(ding.EINVALID, "target.target_negative"))
				continue
			case *w.Value > 1e16 || *w.Value < -1e16:
				fail("value", ding.Errorf(ding.EINVALID, "target.value_range"))
				continue
			}
		}
		w.Note = strings.TrimSpace(w.Note)
		if utf8.RuneCountInString(w.Note) > 500 {
			fail("note", ding.Errorf(ding.EINVALID, "field.too_long", 500))
			continue
		}
		k := [4]int64{w.IndicatorID, w.UnitID, int64(w.Year), int64(w.Month)}
		if j, dup := seen[k]; dup {
			fail("unit", ding.Errorf(ding.EINVALID, "target.row_twice", j+1))
			continue
		}
		seen[k] = i
		if lock, err := lockedBy(tx, w.IndicatorID, w.UnitID, w.Year, w.Month); err != nil {
			return 0, nil, err
		} else if lock != "" {
			fail("value", ding.Errorf(ding.ECONFLICT, "target.locked", lock))
			continue
		}
		old, err := currentValue(tx, w.IndicatorID, w.UnitID, w.Year, w.Month)
		if err != nil {
			return 0, nil, err
		}
		if sameValue(old, w.Value) {
			continue
		}
		plans = append(plans, plan{w, old})
	}
	if len(errs) > 0 || !commit {
		return len(plans), errs, nil
	}
	for _, p := range plans {
		if err := writeValue(tx, p.w, p.old, source); err != nil {
			return 0, nil, err
		}
	}
	if len(plans) > 0 {
		summary := make([]ValueWrite, 0, min(len(plans), 200))
		for _, p := range plans[:min(len(plans), 200)] {
			summary = append(summary, p.w)
		}
		if err := tx.audit("indicator_values", 0, "set", nil, map[string]any{"source": source, "count": len(plans), "values": summary}); err != nil {
			return 0, nil, err
		}
	}
	crash.Point("values.commit") // every value and the audit event written, not committed
	return len(plans), nil, tx.commit()
}

func sameValue(a, b *int64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// currentValue reads a target (month 0) or an actual; nil when there is none.
func currentValue(tx *Tx, ind, unit int64, year, month int) (*int64, error) {
	var v int64
	var err error
	if month == 0 {
		err = tx.queryRow(tx.ctx, `SELECT value FROM indicator_targets WHERE indicator_id = ? AND year = ? AND unit_id = ?`, ind, year, unit).Scan(&v)
	} else {
		err = tx.queryRow(tx.ctx, `SELECT value FROM indicator_actuals WHERE indicator_id = ? AND year = ? AND month = ? AND unit_id = ?`,
			ind, year, month, unit).Scan(&v)
	}
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, tx.db.mapErr(err)
	}
	return &v, nil
}

// writeValue upserts or deletes one value and records the revision.
func writeValue(tx *Tx, w ValueWrite, old *int64, source string) error {
	by := tx.actor.Username
	switch {
	case w.Value == nil && w.Month == 0:
		if _, err := tx.exec(`DELETE FROM indicator_targets WHERE indicator_id = ? AND year = ? AND unit_id = ?`, w.IndicatorID, w.Year, w.UnitID); err != nil {
			return err
		}
	case w.Value == nil:
		if _, err := tx.exec(`DELETE FROM indicator_actuals WHERE indicator_id = ? AND year = ? AND month = ? AND unit_id = ?`,
			w.IndicatorID, w.Year, w.Month, w.UnitID); err != nil {
			return err
		}
	case w.Month == 0:
		if _, err := tx.exec(`INSERT INTO indicator_targets (indicator_id, unit_id, year, value, note, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (indicator_id, year, unit_id) DO UPDATE SET value = excluded.value, note = excluded.note, updated_by = excluded.updated_by,
			updated_at = excluded.updated_at`, w.IndicatorID, w.UnitID, w.Year, *w.Value, w.Note, by, ts(tx.now)); err != nil {
			return err
		}
	default:
		if _, err := tx.exec(`INSERT INTO indicator_actuals (indicator_id, unit_id, year, month, value, source, note, updated_by, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (indicator_id, year, month, unit_id) DO UPDATE SET value = excluded.value, source = excluded.source, note = excluded.note,
			updated_by = excluded.updated_by, updated_at = excluded.updated_at`, w.IndicatorID, w.UnitID, w.Year, w.Month, *w.Value, source, w.Note,
			by, ts(tx.now)); err != nil {
			return err
		}
	}
	_, err := tx.exec(`INSERT INTO indicator_revisions (indicator_id, unit_id, year, month, old_value, new_value, source, note, by_name, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, w.IndicatorID, w.UnitID, w.Year, w.Month, nullInt(old), nullInt(w.Value), source, w.Note, by, ts(tx.now))
	return err
}

func nullInt(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

// lockedBy names the locked cut ("scheme 2023-Q1") that read a value, or "".
func lockedBy(tx *Tx, ind, unit int64, year, month int) (string, error) {
	var name, period string
	err := tx.queryRow(tx.ctx, `SELECT s.name, c.period FROM locked_values l JOIN scheme_cuts c ON c.id = l.cut_id JOIN schemes s ON s.id = c.scheme_id
		WHERE l.indicator_id = ? AND l.unit_id = ? AND l.year = ? AND l.month = ? ORDER BY c.id LIMIT 1`, ind, unit, year, month).Scan(&name, &period)
	if err == sql.ErrNoRows {
		return "", nil
	}
	if err != nil {
		return "", tx.db.mapErr(err)
	}
	return name + " " + period, nil
}

// ValueFilter selects targets or actuals.
type ValueFilter struct {
	IndicatorID int64
	Year        int
	Month       int   // actuals: this month only (0: every month)
	UnitID      int64 // in this unit's subtree
}

// FindTargets lists the targets in the caller's scope.
func (db *DB) FindTargets(ctx context.Context, f ValueFilter) ([]*ding.Target, error) {
	a := ding.ActorFrom(ctx)
	if a == nil {
		return nil, ding.Errorf(ding.EUNAUTHORIZED, "err.unauthorized")
	}
	var w where
	cond, args := unitScope(a, "t.unit_id")
	w.add(cond, args...)
	if f.IndicatorID != 0 {
		w.add("t.indicator_id = ?", f.IndicatorID)
	}
	if f.Year != 0 {
		w.add("t.year = ?", f.Year)
	}
	if f.UnitID != 0 {
		w.add("t.unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ?)", f.UnitID)
	}
	r := db.reader()
	rows, err := r.query(ctx, `SELECT t.indicator_id, t.unit_id, u.name, t.year, t.value, t.note, t.updated_by, t.updated_at
		FROM indicator_targets t JOIN units u ON u.id = t.unit_id`+w.String()+` ORDER BY t.indicator_id, t.year, u.sort_order, u.id`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*ding.Target
	for rows.Next() {
		t := &ding.Target{}
		if err := rows.Scan(&t.IndicatorID, &t.UnitID, &t.UnitName, &t.Year, &t.Value, &t.Note, &t.UpdatedBy, timeScan{&t.UpdatedAt}); err != nil {
			return nil, db.mapErr(err)
		}
		out = append(out, t)
	}
	return out, db.mapErr(rows.Err())
}

// FindActuals lists the actuals in the caller's scope.
func (db *DB) FindActuals(ctx context.Context, f ValueFilter) ([]*ding.Actual, error) {
	a := ding.ActorFrom(ctx)
	if a == nil {
		return nil, ding.Errorf(ding.EUNAUTHORIZED, "err.unauthorized")
	}
	var w where
	cond, args := unitScope(a, "v.unit_id")
	w.add(cond, args...)
	if f.IndicatorID != 0 {
		w.add("v.indicator_id = ?", f.IndicatorID)
	}
	if f.Year != 0 {
		w.add("v.year = ?", f.Year)
	}
	if f.Month != 0 {
		w.add("v.month = ?", f.Month)
	}
	if f.UnitID != 0 {
		w.add("v.unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ?)", f.UnitID)
	}
	r := db.reader()
	rows, err := r.query(ctx, `SELECT v.indicator_id, v.unit_id, u.name, v.year, v.month, v.value, v.source, v.note, v.updated_by, v.updated_at
		FROM indicator_actuals v JOIN units u ON u.id = v.unit_id`+w.String()+` ORDER BY v.indicator_id, v.year, v.month, u.sort_order, u.id`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*ding.Actual
	for rows.Next() {
		v := &ding.Actual{}
		if err := rows.Scan(&v.IndicatorID, &v.UnitID, &v.UnitName, &v.Year, &v.Month, &v.Value, &v.Source, &v.Note, &v.UpdatedBy, timeScan{&v.UpdatedAt}); err != nil {
			return nil, db.mapErr(err)
		}
		out = append(out, v)
	}
	return out, db.mapErr(rows.Err())
}

// FindRevisions lists the history of a unit's values for an indicator and year, newest
// first (Month 0: the target).
func (db *DB) FindRevisions(ctx context.Context, indicatorID, unitID int64, year int) ([]*ding.Revision, error) {
	a := ding.ActorFrom(ctx)
	if a == nil {
		return nil, ding.Errorf(ding.EUNAUTHORIZED, "err.unauthorized")
	}
	var w where
	cond, args := unitScope(a, "r.unit_id")
	w.add(cond, args...)
	w.add("r.indicator_id = ?", indicatorID)
	if unitID != 0 {
		w.add("r.unit_id = ?", unitID)
	}
	if year != 0 {
		w.add("r.year = ?", year)
	}
	rows, err := db.reader().query(ctx, `SELECT r.id, r.indicator_id, r.unit_id, u.name, r.year, r.month, r.old_value, r.new_value, r.source, r.note,
		r.by_name, r.at FROM indicator_revisions r JOIN units u ON u.id = r.unit_id`+w.String()+` ORDER BY r.id DESC LIMIT 1000`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*ding.Revision
	for rows.Next() {
		v := &ding.Revision{}
		var old, nw sql.NullInt64
		if err := rows.Scan(&v.ID, &v.IndicatorID, &v.UnitID, &v.UnitName, &v.Year, &v.Month, &old, &nw, &v.Source, &v.Note, &v.By, timeScan{&v.At}); err != nil {
			return nil, db.mapErr(err)
		}
		if old.Valid {
			v.Old = &old.Int64
		}
		if nw.Valid {
			v.New = &nw.Int64
		}
		out = append(out, v)
	}
	return out, db.mapErr(rows.Err())
}

// FigureFilter narrows an indicator's figures.
type FigureFilter struct {
	ParentID int64 // only the children of this unit (one peer group per kind)
	UnitID   int64 // only this unit
}

// IndicatorFigures returns, for an indicator and month, every unit's figures that the
// caller may see: actual, target, completion, 时序进度 and the gap, year-on-year growth,
// and the rank among its peers (the units with the same parent and kind that have figures
// for the indicator) this month and last month. Peers outside the caller's scope count in
// the ranking but are not returned.
func (db *DB) IndicatorFigures(ctx context.Context, indicatorID int64, year, month int, f FigureFilter) ([]*ding.Figure, error) {
	a := ding.ActorFrom(ctx)
	if a == nil {
		return nil, ding.Errorf(ding.EUNAUTHORIZED, "err.unauthorized")
	}
	if month < 1 || month > 12 {
		return nil, ding.FieldError("month", "target.month_invalid")
	}
	ind, err := db.FindIndicator(ctx, indicatorID)
	if err != nil {
		return nil, err
	}
	r := db.reader()
	all, err := figuresOf(ctx, r, ind, year, month, f.ParentID)
	if err != nil {
		return nil, err
	}
	prevYear, prevMonth := year, month-1
	if prevMonth == 0 {
		prevYear, prevMonth = year-1, 12
	}
	prev, err := figuresOf(ctx, r, ind, prevYear, prevMonth, f.ParentID)
	if err != nil {
		return nil, err
	}
	rankPeers(ind, all, false)
	rankPeers(ind, prev, true)
	prevRank := map[int64]int{}
	for _, p := range prev {
		prevRank[p.UnitID] = p.PrevRank
	}
	visible, err := visibleUnits(ctx, r, a, all)
	if err != nil {
		return nil, err
	}
	var out []*ding.Figure
	for _, fg := range all {
		if !visible[fg.UnitID] || f.UnitID != 0 && fg.UnitID != f.UnitID {
			continue
		}
		fg.PrevRank = prevRank[fg.UnitID]
		out = append(out, fg)
	}
	return out, nil
}

// rankPeers ranks figures within groups of the same parent and unit kind.
func rankPeers(ind *ding.Indicator, fs []*ding.Figure, prev bool) {
	groups := map[[2]string][]*ding.Figure{}
	for _, f := range fs {
		k := [2]string{fmt.Sprint(f.ParentID), f.Kind}
		groups[k] = append(groups[k], f)
	}
	for _, g := range groups {
		ding.RankFigures(ind, g, prev)
	}
}

// visibleUnits reports which of the figures' units lie in the actor's scope.
func visibleUnits(ctx context.Context, r reader, a *ding.Actor, fs []*ding.Figure) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(fs) == 0 {
		return out, nil
	}
	if a.System || a.Scope == ding.ScopeAll {
		for _, f := range fs {
			out[f.UnitID] = true
		}
		return out, nil
	}
	cond, args := unitScope(a, "u.id")
	rows, err := r.query(ctx, `SELECT u.id FROM units u WHERE `+cond, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, r.db.mapErr(err)
		}
		out[id] = true
	}
	return out, r.db.mapErr(rows.Err())
}

// figuresOf reads every unit's figures for an indicator and month (no scope: rankings
// need every peer), with the rates filled, in the org tree's order.
func figuresOf(ctx context.Context, r reader, ind *ding.Indicator, year, month int, parent int64) ([]*ding.Figure, error) {
	q := `SELECT u.id, u.name, COALESCE(u.parent_id, 0), u.kind,
		(SELECT value FROM indicator_actuals a WHERE a.indicator_id = ? AND a.year = ? AND a.month = ? AND a.unit_id = u.id),
		(SELECT value FROM indicator_targets t WHERE t.indicator_id = ? AND t.year = ? AND t.unit_id = u.id),
		(SELECT value FROM indicator_actuals a WHERE a.indicator_id = ? AND a.year = ? AND a.month = ? AND a.unit_id = u.id)
		FROM units u WHERE `
	args := []any{ind.ID, year, month, ind.ID, year, ind.ID, year - 1, month}
	has := `(EXISTS (SELECT 1 FROM indicator_actuals a WHERE a.indicator_id = ? AND a.year IN (?, ?) AND a.month = ? AND a.unit_id = u.id)
		OR EXISTS (SELECT 1 FROM indicator_targets t WHERE t.indicator_id = ? AND t.year = ? AND t.unit_id = u.id))`
	hasArgs := []any{ind.ID, year, year - 1, month, ind.ID, year}
	if parent != 0 {
		// One peer group's parent: walk its children (the units' parent index) and keep
		// those with figures.
		q += `u.parent_id = ? AND ` + has
		args = append(append(args, parent), hasArgs...)
	} else {
		q += `u.id IN (SELECT unit_id FROM indicator_actuals WHERE indicator_id = ? AND year IN (?, ?) AND month = ?
			UNION SELECT unit_id FROM indicator_targets WHERE indicator_id = ? AND year = ?)`
		args = append(args, hasArgs...)
	}
	q += ` ORDER BY u.sort_order, u.id`
	rows, err := r.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*ding.Figure
	for rows.Next() {
		f := &ding.Figure{}
		var act, tgt, last sql.NullInt64
		if err := rows.Scan(&f.UnitID, &f.UnitName, &f.ParentID, &f.Kind, &act, &tgt, &last); err != nil {
			return nil, r.db.mapErr(err)
		}
		f.Actual, f.HasActual = act.Int64, act.Valid
		f.Target, f.HasTarget = tgt.Int64, tgt.Valid
		f.LastYear, f.HasLastYear = last.Int64, last.Valid
		f.Fill(ind, year, month)
		out = append(out, f)
	}
	return out, r.db.mapErr(rows.Err())
}

// UnitFigure is one indicator's figures for one unit.
type UnitFigure struct {
	Indicator *ding.Indicator `json:"indicator"`
	Figure    *ding.Figure    `json:"figure"`
}

// UnitFigures returns a unit's figures on every indicator it has data for, for a month.
func (db *DB) UnitFigures(ctx context.Context, unitID int64, year, month int) ([]UnitFigure, error) {
	u, err := db.FindUnitByID(ctx, unitID)
	if err != nil {
		return nil, err
	}
	inds, err := db.FindIndicators(ctx, IndicatorFilter{})
	if err != nil {
		return nil, err
	}
	var out []UnitFigure
	for _, ind := range inds {
		fs, err := db.IndicatorFigures(ctx, ind.ID, year, month, FigureFilter{ParentID: u.ParentID, UnitID: unitID})
		if err != nil {
			return nil, err
		}
		for _, f := range fs {
			out = append(out, UnitFigure{ind, f})
		}
	}
	return out, nil
}

// computeValue counts a computed indicator for a unit: projects whose lead unit or
// location lies in its subtree, for the year up to the end of month.
func computeValue(ctx context.Context, r reader, key string, unitID int64, year, month int) (int64, error) {
	vs, err := computeMonths(ctx, r, key, unitID, year, month)
	if err != nil {
		return 0, err
	}
	return vs[month-1], nil
}

// computeMonths computes a computed indicator for a unit for every month of the year up
// to month, in one query: vs[m-1] is the year to the end of month m.
func computeMonths(ctx context.Context, r reader, key string, unitID int64, year, month int) ([]int64, error) {
	from := ding.Date{Year: year, Month: 1, Day: 1}
	to := ding.SchemePeriod{Kind: ding.SchemeMonthly, Year: year, N: month}.End()
	inUnit := `(p.unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ?)
		OR p.location_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ?))`
	var q string
	args := []any{}
	byMonth := false // rows are (month, amount) rather than (date)
	switch key {
	case ding.ComputeInvestment, ding.ComputeManufacturing, ding.ComputeHighTech, ding.ComputePrivate:
		byMonth = true
		q = `SELECT m.month, COALESCE(SUM(m.completed), 0) FROM project_months m JOIN projects p ON p.id = m.project_id
			WHERE m.year = ? AND m.month <= ? AND ` + inUnit
		args = append(args, year, month, unitID, unitID)
		switch key {
		case ding.ComputeManufacturing:
			q += ` AND p.manufacturing = ?`
			args = append(args, true)
		case ding.ComputeHighTech:
			q += ` AND p.high_tech = ?`
			args = append(args, true)
		case ding.ComputePrivate:
			q += ` AND p.private = ?`
			args = append(args, true)
		}
		q += ` GROUP BY m.month`
	case ding.ComputeSigned1, ding.ComputeSigned10, ding.ComputeSigned100:
		floor := map[string]int64{ding.ComputeSigned1: ding.Yi, ding.ComputeSigned10: 10 * ding.Yi, ding.ComputeSigned100: 100 * ding.Yi}[key]
		q = `SELECT p.signed_on FROM projects p WHERE p.signed_on >= ? AND p.signed_on <= ? AND p.total_investment >= ? AND ` + inUnit
		args = append(args, dateArg(from), dateArg(to), floor, unitID, unitID)
	case ding.ComputeStarted:
		q = `SELECT p.actual_start FROM projects p WHERE p.actual_start >= ? AND p.actual_start <= ? AND ` + inUnit
		args = append(args, dateArg(from), dateArg(to), unitID, unitID)
	case ding.ComputeInStats:
		q = `SELECT p.in_stats_on FROM projects p WHERE p.in_stats_on >= ? AND p.in_stats_on <= ? AND ` + inUnit
		args = append(args, dateArg(from), dateArg(to), unitID, unitID)
	case ding.ComputeSignedInStats:
		q = `SELECT p.in_stats_on FROM projects p WHERE p.in_stats_on >= ? AND p.in_stats_on <= ? AND p.signed_on >= ? AND p.signed_on <= ? AND ` + inUnit
		args = append(args, dateArg(from), dateArg(to), dateArg(from), dateArg(to), unitID, unitID)
	default:
		return nil, fmt.Errorf("store: unknown computed indicator %q", key)
	}
	rows, err := r.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	per := make([]int64, month)
	for rows.Next() {
		if byMonth {
			var m int
			var v int64
			if err := rows.Scan(&m, &v); err != nil {
				return nil, r.db.mapErr(err)
			}
			if m >= 1 && m <= month {
				per[m-1] += v
			}
			continue
		}
		var d ding.Date
		if err := rows.Scan(dateScan{&d}); err != nil {
			return nil, r.db.mapErr(err)
		}
		if m := int(d.Month); d.Year == year && m >= 1 && m <= month {
			per[m-1]++
		}
	}
	if err := rows.Err(); err != nil {
		return nil, r.db.mapErr(err)
	}
	for m := 1; m < month; m++ {
		per[m] += per[m-1]
	}
	return per, nil
}

// RefreshComputed recomputes the computed indicators' actuals of a year, months 1 to
// month, for the units that have a target for them that year (or already have computed
// actuals), leaving values a locked cut read as they are. It returns how many changed.
// The nightly pass runs it for the current and the previous month.
func (db *DB) RefreshComputed(ctx context.Context, year, month int) (int, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.rollback()
	if !isOffice(tx.actor) {
		return 0, ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	n, err := refreshComputed(tx, year, month)
	if err != nil {
		return 0, err
	}
	return n, tx.commit()
}

func refreshComputed(tx *Tx, year, month int) (int, error) {
	today, err := itemDay(tx)
	if err != nil {
		return 0, err
	}
	if year > today.Year {
		return 0, nil
	}
	if year == today.Year && month > int(today.Month) {
		month = int(today.Month)
	}
	inds, err := findIndicators(tx.ctx, tx.reader, IndicatorFilter{})
	if err != nil {
		return 0, err
	}
	changed := 0
	for _, ind := range inds {
		if ind.Source != ding.SourceComputed {
			continue
		}
		units, err := int64s(tx.ctx, tx.reader, `SELECT unit_id FROM indicator_targets WHERE indicator_id = ? AND year = ?
			UNION SELECT unit_id FROM indicator_actuals WHERE indicator_id = ? AND year = ?`, ind.ID, year, ind.ID, year)
		if err != nil {
			return 0, err
		}
		for _, u := range units {
			vs, err := computeMonths(tx.ctx, tx.reader, ind.Compute, u, year, month)
			if err != nil {
				return 0, err
			}
			for m := 1; m <= month; m++ {
				v := vs[m-1]
				old, err := currentValue(tx, ind.ID, u, year, m)
				if err != nil {
					return 0, err
				}
				if old != nil && *old == v {
					continue
				}
				// A figure a locked cut read keeps the value it had; one never written (the
				// cut computed it itself) is filled in.
				if lock, err := lockedBy(tx, ind.ID, u, year, m); err != nil {
					return 0, err
				} else if lock != "" && old != nil {
					continue
				}
				if err := writeValue(tx, ValueWrite{IndicatorID: ind.ID, UnitID: u, Year: year, Month: m, Value: &v}, old, "computed"); err != nil {
					return 0, err
				}
				changed++
			}
		}
	}
	return changed, nil
}

// int64s runs a query returning one integer column.
func int64s(ctx context.Context, r reader, q string, args ...any) ([]int64, error) {
	rows, err := r.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, r.db.mapErr(err)
		}
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out, r.db.mapErr(rows.Err())
}

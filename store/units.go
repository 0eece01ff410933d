package store

import (
	"context"
	"database/sql"
	"errors"
	"reflect"

	"ding"
)

const unitCols = `u.id, COALESCE(u.parent_id, 0), u.name, u.short_name, u.kind, u.code, u.sort_order, u.disabled, u.depth, u.created_at, u.updated_at`

func scanUnit(sc interface{ Scan(...any) error }) (*ding.Unit, error) {
	u := &ding.Unit{}
	err := sc.Scan(&u.ID, &u.ParentID, &u.Name, &u.ShortName, &u.Kind, &u.Code, &u.SortOrder,
		&u.Disabled, &u.Depth, timeScan{&u.CreatedAt}, timeScan{&u.UpdatedAt})
	return u, err
}

// FindUnitByID returns the unit if it exists and lies in the caller's scope.
func (db *DB) FindUnitByID(ctx context.Context, id int64) (*ding.Unit, error) {
	return findUnitByID(ctx, db.reader(), ding.ActorFrom(ctx), id)
}

func findUnitByID(ctx context.Context, r reader, a *ding.Actor, id int64) (*ding.Unit, error) {
	units, _, err := findUnits(ctx, r, a, ding.UnitFilter{ID: id, IncludeDisabled: true, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(units) == 0 {
		return nil, notFound("unit")
	}
	return units[0], nil
}

// FindUnits returns the units in the caller's scope that match the filter, in tree order
// (depth, sort order, id), and how many match in all.
func (db *DB) FindUnits(ctx context.Context, f ding.UnitFilter) ([]*ding.Unit, int, error) {
	return findUnits(ctx, db.reader(), ding.ActorFrom(ctx), f)
}

func findUnits(ctx context.Context, r reader, a *ding.Actor, f ding.UnitFilter) ([]*ding.Unit, int, error) {
	var w where
	cond, args := unitScope(a, "u.id")
	w.add(cond, args...)
	if f.ID != 0 {
		w.add("u.id = ?", f.ID)
	}
	if f.ParentID != nil {
		if *f.ParentID == 0 {
			w.add("u.parent_id IS NULL")
		} else {
			w.add("u.parent_id = ?", *f.ParentID)
		}
	}
	if f.Under != 0 {
		w.add("u.id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ?)", f.Under)
	}
	if f.Kind != "" {
		w.add("u.kind = ?", string(f.Kind))
	}
	if f.Query != "" {
		p := likeEscape(f.Query)
		w.add(`(LOWER(u.name) LIKE ? ESCAPE '\' OR LOWER(u.short_name) LIKE ? ESCAPE '\' OR LOWER(u.code) LIKE ? ESCAPE '\')`, p, p, p)
	}
	if !f.IncludeDisabled {
		w.add("u.disabled = FALSE")
	}
	var total int
	if err := r.queryRow(ctx, `SELECT COUNT(*) FROM units u`+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, r.db.mapErr(err)
	}
	rows, err := r.query(ctx, `SELECT `+unitCols+` FROM units u`+w.String()+
		` ORDER BY u.depth, u.sort_order, u.id`+page(f.Limit, f.Offset), w.args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var units []*ding.Unit
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, 0, r.db.mapErr(err)
		}
		units = append(units, u)
	}
	return units, total, r.db.mapErr(rows.Err())
}

// UnitPath returns the unit's ancestors from the root down to the unit itself, keeping
// only those in the caller's scope (for breadcrumbs).
func (db *DB) UnitPath(ctx context.Context, id int64) ([]*ding.Unit, error) {
	a := ding.ActorFrom(ctx)
	if _, err := db.FindUnitByID(ctx, id); err != nil {
		return nil, err
	}
	cond, args := unitScope(a, "u.id")
	rows, err := db.reader().query(ctx, `SELECT `+unitCols+` FROM units u
		JOIN unit_closure c ON c.ancestor_id = u.id AND c.descendant_id = ?
		WHERE `+cond+` ORDER BY c.depth DESC`, append([]any{id}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var units []*ding.Unit
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, db.mapErr(err)
		}
		units = append(units, u)
	}
	return units, db.mapErr(rows.Err())
}

// writableUnit loads a unit the actor may change: ENOTFOUND when it is outside the
// actor's scope, EFORBIDDEN when the role may not manage units.
func writableUnit(tx *Tx, id int64) (*ding.Unit, error) {
	u, err := findUnitByID(tx.ctx, tx.reader, tx.actor, id)
	if err != nil {
		return nil, err
	}
	if !tx.actor.CanManageUnits() {
		return nil, ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	return u, nil
}

// CreateUnit adds a unit under its parent (or as a root, for administrators) and sets
// u.ID, depth and timestamps.
func (db *DB) CreateUnit(ctx context.Context, u *ding.Unit) error {
	u.Normalize()
	if err := u.Validate(); err != nil {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	if err := createUnit(tx, u); err != nil {
		return err
	}
	return tx.commit()
}

func createUnit(tx *Tx, u *ding.Unit) error {
	u.Depth = 0
	if u.ParentID != 0 {
		parent, err := writableUnit(tx, u.ParentID)
		if err != nil {
			if ding.ErrorCode(err) == ding.ENOTFOUND {
				return ding.FieldError("parent_id", "unit.parent_not_found")
			}
			return err
		}
		if parent.Disabled {
			return ding.FieldError("parent_id", "unit.parent_disabled")
		}
		u.Depth = parent.Depth + 1
	} else if !tx.actor.IsAdmin() {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	if err := checkUnitCode(tx, u); err != nil {
		return err
	}
	u.CreatedAt, u.UpdatedAt = tx.now, tx.now
	var parent any
	if u.ParentID != 0 {
		parent = u.ParentID
	}
	id, err := tx.insert(`INSERT INTO units (parent_id, name, short_name, kind, code, sort_order, disabled, depth, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		parent, u.Name, u.ShortName, string(u.Kind), u.Code, u.SortOrder, u.Disabled, u.Depth, ts(tx.now), ts(tx.now))
	if err != nil {
		return err
	}
	u.ID = id
	if _, err := tx.exec(`INSERT INTO unit_closure (ancestor_id, descendant_id, depth)
		SELECT ancestor_id, CAST(? AS BIGINT), depth + 1 FROM unit_closure WHERE descendant_id = ?
		UNION ALL SELECT CAST(? AS BIGINT), CAST(? AS BIGINT), 0`, id, u.ParentID, id, id); err != nil {
		return err
	}
	return tx.audit("unit", id, "create", nil, u)
}

// checkUnitCode refuses a code another unit already has, with a message that names it.
func checkUnitCode(tx *Tx, u *ding.Unit) error {
	if u.Code == "" {
		return nil
	}
	var name string
	err := tx.queryRow(tx.ctx, `SELECT name FROM units WHERE code = ? AND id <> ?`, u.Code, u.ID).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return tx.db.mapErr(err)
	}
	e := ding.FieldError("code", "unit.code_taken", u.Code)
	e.Code = ding.ECONFLICT
	return e
}

// UpdateUnit changes a unit's fields (not its parent: see MoveUnit).
func (db *DB) UpdateUnit(ctx context.Context, id int64, upd ding.UnitUpdate) (*ding.Unit, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.rollback()
	u, err := writableUnit(tx, id)
	if err != nil {
		return nil, err
	}
	before := *u
	upd.Apply(u)
	u.Normalize()
	if err := u.Validate(); err != nil {
		return nil, err
	}
	if err := checkUnitCode(tx, u); err != nil {
		return nil, err
	}
	if reflect.DeepEqual(*u, before) {
		return u, nil // nothing changes: no write, no audit entry
	}
	if u.Disabled && !before.Disabled && tx.actor.Scope != ding.ScopeAll && !tx.actor.System && u.ID == tx.actor.UnitID {
		return nil, ding.Errorf(ding.EINVALID, "unit.cannot_disable_own")
	}
	u.UpdatedAt = tx.now
	if _, err := tx.exec(`UPDATE units SET name = ?, short_name = ?, kind = ?, code = ?, sort_order = ?, disabled = ?, updated_at = ? WHERE id = ?`,
		u.Name, u.ShortName, string(u.Kind), u.Code, u.SortOrder, u.Disabled, ts(tx.now), id); err != nil {
		return nil, err
	}
	action := "update"
	switch {
	case u.Disabled && !before.Disabled:
		action = "disable"
	case !u.Disabled && before.Disabled:
		action = "enable"
	}
	if err := tx.audit("unit", id, action, &before, u); err != nil {
		return nil, err
	}
	return u, tx.commit()
}

// MoveUnit puts a unit (with its subtree) under a new parent. Moving a unit under itself
// or one of its descendants is refused: the tree never has a cycle.
func (db *DB) MoveUnit(ctx context.Context, id, newParentID int64) (*ding.Unit, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.rollback()
	u, err := writableUnit(tx, id)
	if err != nil {
		return nil, err
	}
	if newParentID == 0 {
		return nil, ding.FieldError("parent_id", "unit.parent_required")
	}
	parent, err := writableUnit(tx, newParentID)
	if err != nil {
		if ding.ErrorCode(err) == ding.ENOTFOUND {
			return nil, ding.FieldError("parent_id", "unit.parent_not_found")
		}
		return nil, err
	}
	if u.ParentID == newParentID {
		return u, nil
	}
	var inside int
	if err := tx.queryRow(tx.ctx, `SELECT COUNT(*) FROM unit_closure WHERE ancestor_id = ? AND descendant_id = ?`, id, newParentID).Scan(&inside); err != nil {
		return nil, tx.db.mapErr(err)
	}
	if inside > 0 {
		return nil, ding.FieldError("parent_id", "unit.move_cycle", u.Name, parent.Name)
	}
	before := *u
	// Detach the subtree from its old ancestors, then attach it below the new parent.
	if _, err := tx.exec(`DELETE FROM unit_closure
		WHERE descendant_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ?)
		AND ancestor_id NOT IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ?)`, id, id); err != nil {
		return nil, err
	}
	if _, err := tx.exec(`INSERT INTO unit_closure (ancestor_id, descendant_id, depth)
		SELECT p.ancestor_id, s.descendant_id, p.depth + s.depth + 1
		FROM unit_closure p, unit_closure s
		WHERE p.descendant_id = ? AND s.ancestor_id = ?`, newParentID, id); err != nil {
		return nil, err
	}
	delta := parent.Depth + 1 - u.Depth
	if _, err := tx.exec(`UPDATE units SET depth = depth + ?, updated_at = ?
		WHERE id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ?)`, delta, ts(tx.now), id); err != nil {
		return nil, err
	}
	if _, err := tx.exec(`UPDATE units SET parent_id = ? WHERE id = ?`, newParentID, id); err != nil {
		return nil, err
	}
	u.ParentID, u.Depth, u.UpdatedAt = newParentID, parent.Depth+1, tx.now
	if err := tx.audit("unit", id, "move", &before, u); err != nil {
		return nil, err
	}
	return u, tx.commit()
}

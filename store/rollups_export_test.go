package store

import (
	"context"

	"ding"
)

// RebuildRollupsForTest rebuilds the dirty units of the subtrees of roots (none: every
// dirty unit), chunk units a transaction, calling beforeCommit before each chunk commits.
func (db *DB) RebuildRollupsForTest(ctx context.Context, roots []int64, chunk int, beforeCommit func(n int)) (int, error) {
	var rs []any
	for _, r := range roots {
		rs = append(rs, r)
	}
	return db.rebuildRollups(ctx, rs, chunk, beforeCommit)
}

// DirtyUnitsForTest lists the units marked for a rebuild.
func (db *DB) DirtyUnitsForTest(ctx context.Context) ([]int64, error) {
	return int64s(ctx, db.reader(), `SELECT unit_id FROM rollup_dirty`)
}

// ItemCountsForTest counts a subtree's demands by status and its items due before today
// from the items themselves, as the dashboard did before migration 0017: an item raised
// by a unit of the subtree or assigned to one, once (unit 0: every item).
func (db *DB) ItemCountsForTest(ctx context.Context, unit int64, today ding.Date) (map[string]int64, int64, error) {
	r := db.reader()
	itemIn := `i.id IN (SELECT x.id FROM items x WHERE x.unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ?)
		UNION SELECT iu.item_id FROM item_units iu WHERE iu.unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ?))`
	args := []any{unit, unit}
	if unit == 0 {
		itemIn, args = "1=1", nil
	}
	demands := map[string]int64{}
	rows, err := r.query(ctx, `SELECT i.status, COUNT(*) FROM items i WHERE i.kind = ? AND `+itemIn+` GROUP BY i.status`,
		append([]any{string(ding.DemandItem)}, args...)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var st string
		var n int64
		if err := rows.Scan(&st, &n); err != nil {
			return nil, 0, err
		}
		demands[st] = n
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	var overdue int64
	err = r.queryRow(ctx, `SELECT COUNT(*) FROM items i WHERE i.due IS NOT NULL AND i.due < ? AND `+itemIn,
		append([]any{dateArg(today)}, args...)...).Scan(&overdue)
	return demands, overdue, err
}

package store

import (
	"context"

	"ding"
	"ding/warn"
)

// ReevaluateForTest runs the change path (reevaluate) on projects, one transaction each,
// and returns the events it wrote.
func (db *DB) ReevaluateForTest(ctx context.Context, ids []int64) (int, error) {
	n := 0
	for _, id := range ids {
		tx, err := db.begin(ctx)
		if err != nil {
			return n, err
		}
		c, err := loadWarnConfig(tx, ding.Date{})
		if err != nil {
			tx.rollback()
			return n, err
		}
		a := newApplier(tx, c)
		w, err := prepareChunk(tx.ctx, tx.reader, idSel{ids: []int64{id}}, c, nil, true)
		if err == nil {
			err = a.apply(w)
		}
		if err == nil {
			err = a.flush()
		}
		if err == nil {
			err = tx.commit()
		}
		tx.rollback()
		if err != nil {
			return n, err
		}
		n += a.sum.Events()
	}
	return n, nil
}

// LoadStatesForTest is loadStates on the read pool.
func (db *DB) LoadStatesForTest(ctx context.Context, ids []int64, today ding.Date) ([]*warn.ProjectState, error) {
	return loadStates(ctx, db.reader(), ids, today)
}

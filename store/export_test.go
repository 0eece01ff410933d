package store

import (
	"context"

	"ding"
)

// TamperAuditForTest tries to change and delete audit entries directly; the database
// must refuse both.
func (db *DB) TamperAuditForTest(ctx context.Context) error {
	if _, err := db.write.ExecContext(ctx, `UPDATE audit_log SET action = 'x'`); err == nil {
		return nil
	}
	_, err := db.write.ExecContext(ctx, `DELETE FROM audit_log`)
	return err
}

// BulkValuesForTest inserts actuals (month ≥ 1) and targets (month 0) directly, in one
// transaction, for benchmarks that need hundreds of thousands of them: rows are
// {indicator, unit, year, month, value}.
func (db *DB) BulkValuesForTest(ctx context.Context, rows [][5]int64) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := ts(db.Now())
	for _, r := range rows {
		var q string
		args := []any{r[0], r[1], r[2]}
		if r[3] == 0 {
			q = `INSERT INTO indicator_targets (indicator_id, unit_id, year, value, updated_at) VALUES (?, ?, ?, ?, ?)`
			args = append(args, r[4], now)
		} else {
			q = `INSERT INTO indicator_actuals (indicator_id, unit_id, year, month, value, source, updated_at) VALUES (?, ?, ?, ?, ?, 'import', ?)`
			args = append(args, r[3], r[4], now)
		}
		if _, err := tx.ExecContext(ctx, db.rebind(q), args...); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	// Statistics, as a database in service has them (autovacuum would analyze later).
	_, err = db.write.ExecContext(ctx, `ANALYZE`)
	return err
}

// BulletinWarningsForTest runs the bulletin's warning list with the given counts per
// colour (inflating them makes it walk projects in investment order instead of sorting).
func (db *DB) BulletinWarningsForTest(ctx context.Context, unitID int64, counts map[string]int64) ([]ding.BulletinWarning, error) {
	return db.bulletinWarnings(ctx, db.reader(), unitID, counts)
}

package store

import "context"

// ExecForBackupTest runs raw statements on the writer, for tests that damage a database on
// purpose to see the checks find it.
func (db *DB) ExecForBackupTest(ctx context.Context, q string, args ...any) error {
	_, err := db.write.ExecContext(ctx, db.rebind(q), args...)
	return err
}

package store

import "context"

// TamperAuditForTest tries to change and delete audit entries directly; the database
// must refuse both.
func (db *DB) TamperAuditForTest(ctx context.Context) error {
	if _, err := db.write.ExecContext(ctx, `UPDATE audit_log SET action = 'x'`); err == nil {
		return nil
	}
	_, err := db.write.ExecContext(ctx, `DELETE FROM audit_log`)
	return err
}

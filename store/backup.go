package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
)

// ErrBackupPostgres says that Backup only copies SQLite databases.
var ErrBackupPostgres = errors.New("store: backup copies SQLite databases; use pg_dump for PostgreSQL")

// Backup writes a consistent copy of the live SQLite database to path with VACUUM INTO
// (readers and the writer carry on meanwhile), then opens the copy and checks it: the
// integrity check passes and it has the same migrations. path must not exist yet.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.dialect != SQLite {
		return ErrBackupPostgres
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s already exists", path)
	}
	if _, err := db.write.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return VerifyBackup(ctx, path, db)
}

// VerifyBackup opens a backup file and checks its integrity and migrations against db
// (nil skips the comparison).
func VerifyBackup(ctx context.Context, path string, db *DB) error {
	cp, err := Open(ctx, path)
	if err != nil {
		return fmt.Errorf("backup: open copy: %w", err)
	}
	defer cp.Close()
	var res string
	if err := cp.read.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return fmt.Errorf("backup: integrity check: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("backup: integrity check says %q", res)
	}
	if db == nil {
		return nil
	}
	want, err := db.AppliedMigrations(ctx)
	if err != nil {
		return err
	}
	got, err := cp.AppliedMigrations(ctx)
	if err != nil {
		return err
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		return fmt.Errorf("backup: copy has migrations %v, database has %v", got, want)
	}
	return nil
}

// RawQueryRowForTest runs a raw query, for tests of other packages that must look at
// what no public method shows (the contents of a backup copy).
func (db *DB) RawQueryRowForTest(q string) *sql.Row { return db.read.QueryRow(q) }

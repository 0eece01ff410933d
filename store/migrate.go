package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

//go:embed migrations
var migrationsFS embed.FS

// Migration is one forward-only schema step, named by its file (0001_foundation).
type Migration struct {
	Version string
	SQL     string
}

// Migrations returns the embedded migrations of the dialect, in order.
func (db *DB) Migrations() ([]Migration, error) {
	dir := "migrations/" + string(db.dialect)
	entries, err := fs.ReadDir(migrationsFS, dir)
	if err != nil {
		return nil, err
	}
	var ms []Migration
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		b, err := fs.ReadFile(migrationsFS, dir+"/"+e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: strings.TrimSuffix(e.Name(), ".sql"), SQL: string(b)})
	}
	ms = append(ms, db.extraMigrations...)
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	return ms, nil
}

func (db *DB) ensureMigrationTable(ctx context.Context) error {
	_, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`)
	return db.mapErr(err)
}

// AppliedMigrations returns the versions recorded in the database.
func (db *DB) AppliedMigrations(ctx context.Context) ([]string, error) {
	if err := db.ensureMigrationTable(ctx); err != nil {
		return nil, err
	}
	rows, err := db.write.QueryContext(ctx, `SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		return nil, db.mapErr(err)
	}
	defer rows.Close()
	var vs []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		vs = append(vs, v)
	}
	return vs, rows.Err()
}

// MigrationStatus says how the database compares with the program: Pending lists the
// migrations not applied yet; Unknown lists applied versions this program does not know
// (the database is ahead, written by a newer ding).
type MigrationStatus struct {
	Applied []string
	Pending []string
	Unknown []string
}

// Empty reports whether no migration has been applied: a fresh database.
func (s MigrationStatus) Empty() bool { return len(s.Applied) == 0 }

// Status compares the applied migrations with the embedded ones.
func (db *DB) Status(ctx context.Context) (MigrationStatus, error) {
	var st MigrationStatus
	ms, err := db.Migrations()
	if err != nil {
		return st, err
	}
	applied, err := db.AppliedMigrations(ctx)
	if err != nil {
		return st, err
	}
	st.Applied = applied
	have := map[string]bool{}
	for _, v := range applied {
		have[v] = true
	}
	known := map[string]bool{}
	for _, m := range ms {
		known[m.Version] = true
		if !have[m.Version] {
			st.Pending = append(st.Pending, m.Version)
		}
	}
	for _, v := range applied {
		if !known[v] {
			st.Unknown = append(st.Unknown, v)
		}
	}
	return st, nil
}

// Migrate applies the pending migrations, each in its own transaction, and returns the
// versions it applied. On PostgreSQL an advisory lock keeps several servers starting at
// once from migrating twice.
func (db *DB) Migrate(ctx context.Context) ([]string, error) {
	if err := db.ensureMigrationTable(ctx); err != nil {
		return nil, err
	}
	ms, err := db.Migrations()
	if err != nil {
		return nil, err
	}
	var done []string
	for _, m := range ms {
		applied, err := db.applyMigration(ctx, m)
		if err != nil {
			return done, fmt.Errorf("migration %s: %w", m.Version, err)
		}
		if applied {
			done = append(done, m.Version)
		}
	}
	return done, nil
}

func (db *DB) applyMigration(ctx context.Context, m Migration) (bool, error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return false, db.mapErr(err)
	}
	defer tx.Rollback()
	if db.dialect == Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7283517)`); err != nil {
			return false, err
		}
	}
	var n int
	if err := tx.QueryRowContext(ctx, db.rebind(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`), m.Version).Scan(&n); err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, db.rebind(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`),
		m.Version, db.Now().UTC().Format(tsLayout)); err != nil {
		return false, err
	}
	return true, tx.Commit()
}

// AddMigrationForTest makes the program know one more migration, so that tests can put a
// database behind the program without shipping a fake migration.
func (db *DB) AddMigrationForTest(m Migration) { db.extraMigrations = append(db.extraMigrations, m) }

// Optimize keeps SQLite's query planner statistics fresh (PRAGMA optimize, with a bounded
// analysis so it stays cheap on a large database). Without statistics SQLite picks poor
// plans for the filtered project list (docs/PERFORMANCE.md). PostgreSQL's autovacuum
// analyzes on its own, so this does nothing there.
func (db *DB) Optimize(ctx context.Context) error {
	if db.dialect != SQLite {
		return nil
	}
	_, err := db.write.ExecContext(ctx, `PRAGMA analysis_limit=400; PRAGMA optimize=0x10002;`)
	return db.mapErr(err)
}

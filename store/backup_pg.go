package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// PostgreSQL backups are written and restored in-process with COPY through pgx: no pg_dump
// or psql is needed, and the archive holds ding's data only (the schema comes from ding's
// own migrations), so a backup restores into any PostgreSQL that ding runs on.

// pgSettings makes COPY's text output the same whatever the server's or the role's
// defaults: the checksums of the data are compared across servers.
const pgSettings = `SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL IntervalStyle = 'postgres';
	SET LOCAL extra_float_digits = 3; SET LOCAL bytea_output = 'hex'`

// pgTable is a table of the current schema as the catalog describes it.
type pgTable struct {
	name    string
	oid     uint32
	columns []string
	pk      []string
	seqs    []pgSeq
}

// pgSeq is a sequence owned by a column: an identity or a serial.
type pgSeq struct{ column, seq string }

func pgIdent(s string) string { return pgx.Identifier{s}.Sanitize() }

func pgIdents(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = pgIdent(s)
	}
	return strings.Join(q, ", ")
}

// copyOut is the COPY that writes a table's rows in a stable order: by primary key, or by
// every column when it has none.
func (t *pgTable) copyOut() string {
	order := pgIdents(t.pk)
	if len(t.pk) == 0 {
		var n []string
		for i := range t.columns {
			n = append(n, fmt.Sprint(i+1))
		}
		order = strings.Join(n, ", ")
	}
	return `COPY (SELECT ` + pgIdents(t.columns) + ` FROM ` + pgIdent(t.name) + ` ORDER BY ` + order + `) TO STDOUT`
}

// pgTables reads the tables of the current schema from the catalog: every ordinary and
// partitioned table, so that a table added by a later migration is in the backup without a
// change here. Relations that hold data ding cannot copy (foreign tables, materialized
// views) are refused rather than left out.
func pgTables(ctx context.Context, tx pgx.Tx) ([]*pgTable, error) {
	rows, err := tx.Query(ctx, `SELECT c.relname, c.oid, c.relkind::text FROM pg_class c
		WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p', 'm', 'f') AND NOT c.relispartition
		ORDER BY c.relname`)
	if err != nil {
		return nil, err
	}
	var out []*pgTable
	var odd []string
	for rows.Next() {
		t := &pgTable{}
		var kind string
		if err := rows.Scan(&t.name, &t.oid, &kind); err != nil {
			rows.Close()
			return nil, err
		}
		if kind == "m" || kind == "f" {
			odd = append(odd, t.name)
			continue
		}
		out = append(out, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(odd) > 0 {
		return nil, fmt.Errorf("the schema has materialized views or foreign tables that ding did not create (%s): move them to another schema", strings.Join(odd, ", "))
	}
	for _, t := range out {
		if t.columns, err = pgStrings(ctx, tx, `SELECT a.attname FROM pg_attribute a
			WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' ORDER BY a.attnum`, t.oid); err != nil {
			return nil, err
		}
		if t.pk, err = pgStrings(ctx, tx, `SELECT a.attname FROM pg_index i
			CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
			JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
			WHERE i.indrelid = $1 AND i.indisprimary ORDER BY k.ord`, t.oid); err != nil {
			return nil, err
		}
		srows, err := tx.Query(ctx, `SELECT a.attname, quote_ident(sn.nspname) || '.' || quote_ident(s.relname)
			FROM pg_depend d
			JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
			JOIN pg_namespace sn ON sn.oid = s.relnamespace
			JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
			WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.refobjid = $1 AND d.deptype IN ('a', 'i')
			ORDER BY a.attnum`, t.oid)
		if err != nil {
			return nil, err
		}
		for srows.Next() {
			var s pgSeq
			if err := srows.Scan(&s.column, &s.seq); err != nil {
				srows.Close()
				return nil, err
			}
			t.seqs = append(t.seqs, s)
		}
		srows.Close()
		if err := srows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func pgStrings(ctx context.Context, tx pgx.Tx, q string, args ...any) ([]string, error) {
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// withPgConn runs fn on one pgx connection of the pool.
func (db *DB) withPgConn(ctx context.Context, fn func(*pgx.Conn) error) error {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return db.mapErr(err)
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error { return fn(dc.(*stdlib.Conn).Conn()) })
}

// backupPostgres copies every table of the current schema, from one REPEATABLE READ, READ
// ONLY snapshot, into the archive in COPY text format.
func (db *DB) backupPostgres(ctx context.Context, aw *archiveWriter, m *BackupManifest) error {
	err := db.withPgConn(ctx, func(c *pgx.Conn) error {
		tx, err := c.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		if _, err := tx.Exec(ctx, pgSettings); err != nil {
			return err
		}
		tables, err := pgTables(ctx, tx)
		if err != nil {
			return err
		}
		if !hasTable(tables, "schema_migrations") {
			return errors.New("the database has no schema_migrations: it is not a ding database, or the search path names another schema")
		}
		if m.Migrations, err = pgStrings(ctx, tx, `SELECT version FROM schema_migrations ORDER BY version`); err != nil {
			return err
		}
		for _, t := range tables {
			bt := BackupTable{Name: t.name, Columns: t.columns, File: tableDir + t.name + ".copy"}
			w, err := aw.entry(bt.File)
			if err != nil {
				return err
			}
			hw := newHashWriter(w)
			tag, err := tx.Conn().PgConn().CopyTo(ctx, hw, t.copyOut())
			if err != nil {
				return fmt.Errorf("copy %s: %w", t.name, err)
			}
			if bt.Rows = tag.RowsAffected(); bt.Rows != hw.lines {
				return fmt.Errorf("copy %s: %d rows but %d lines", t.name, bt.Rows, hw.lines)
			}
			bt.SHA256 = hw.sum()
			// A sequence is outside the snapshot: its value now is at least that of every
			// row copied, which is what a restore needs.
			for _, s := range t.seqs {
				var last int64
				var called bool
				if err := tx.QueryRow(ctx, `SELECT last_value, is_called FROM `+s.seq).Scan(&last, &called); err != nil {
					return fmt.Errorf("sequence %s: %w", s.seq, err)
				}
				if !called {
					last = 0
				}
				bt.Sequences = append(bt.Sequences, BackupSequence{Column: s.column, Value: last})
			}
			m.Tables = append(m.Tables, bt)
		}
		return tx.Commit(ctx)
	})
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

func hasTable(ts []*pgTable, name string) bool {
	for _, t := range ts {
		if t.name == name {
			return true
		}
	}
	return false
}

// pgContents lists what the current schema holds besides an empty schema_migrations (which
// ding's own status check creates): tables, views, sequences, functions.
func pgContents(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}) (schema string, objects []string, err error) {
	rows, err := q.Query(ctx, `SELECT COALESCE(current_schema(), '')`)
	if err != nil {
		return "", nil, err
	}
	schemas, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return "", nil, err
	}
	if schema = schemas[0]; schema == "" {
		return "", nil, errors.New("restore: the search path names no schema that exists: create it first (CREATE SCHEMA …)")
	}
	rows, err = q.Query(ctx, `SELECT c.relname FROM pg_class c
		WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
		UNION ALL SELECT p.proname || '()' FROM pg_proc p WHERE p.pronamespace = current_schema()::regnamespace
		ORDER BY 1`)
	if err != nil {
		return "", nil, err
	}
	if objects, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return "", nil, err
	}
	if len(objects) == 1 && objects[0] == "schema_migrations" {
		rows, err = q.Query(ctx, `SELECT COUNT(*) FROM `+pgIdent(schema)+`.schema_migrations`)
		if err != nil {
			return "", nil, err
		}
		n, err := pgx.CollectOneRow(rows, pgx.RowTo[int64])
		if err != nil {
			return "", nil, err
		}
		if n == 0 {
			objects = nil
		}
	}
	return schema, objects, nil
}

// refuseNotEmpty says why a schema that holds anything cannot take a restore.
func refuseNotEmpty(schema string, objects []string) error {
	if len(objects) == 0 {
		return nil
	}
	list := objects
	if len(list) > 8 {
		list = append(list[:8:8], fmt.Sprintf("… %d more", len(objects)-8))
	}
	return fmt.Errorf("restore: the PostgreSQL schema %q is not empty (%s): restore into a new, empty database (CREATE DATABASE …) or an empty schema; ding never overwrites a PostgreSQL database",
		schema, strings.Join(list, ", "))
}

// RestorePostgres restores a PostgreSQL backup archive into this database, which must be
// empty. In one transaction it applies the archive's migrations (this ding's own SQL for
// them), copies every table in foreign-key order with the triggers that fire on insert (the
// rollups' dirty marks) held off, sets every sequence past the restored rows, and checks
// each table's row count and checksum against the manifest; any mismatch rolls it all back.
// The archive is read in full and checked before anything is written.
func (db *DB) RestorePostgres(ctx context.Context, from string, o RestoreOptions) (*RestoreResult, error) {
	if db.dialect != Postgres {
		return nil, errors.New("restore: not a PostgreSQL database")
	}
	if plain, err := isSQLiteFile(from); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	} else if plain {
		return nil, fmt.Errorf("restore: %s is a SQLite database; restore it into a SQLite database: ding does not convert between engines", from)
	}
	a, err := OpenBackup(from)
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	defer a.Close()
	m := a.Manifest
	if m.Engine != Postgres {
		return nil, fmt.Errorf("restore: %s is a %s backup; restore it into a %s database: ding does not convert between engines", from, m.Engine, m.Engine)
	}
	known, err := db.Migrations()
	if err != nil {
		return nil, err
	}
	if err := knownMigrations(m.Migrations, known); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	if err := a.Verify(ctx); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	res := &RestoreResult{Manifest: m}
	// Refuse a full database before writing the uploads; checked again under the lock.
	err = db.withPgConn(ctx, func(c *pgx.Conn) error {
		schema, objects, err := pgContents(ctx, c)
		if err != nil {
			return err
		}
		res.Target = schema
		return refuseNotEmpty(schema, objects)
	})
	if err != nil {
		return nil, err
	}
	if err := a.restoreFiles(ctx, o.DataDir, res); err != nil {
		return nil, err
	}
	sqlOf := map[string]string{}
	for _, mg := range known {
		sqlOf[mg.Version] = mg.SQL
	}
	err = db.withPgConn(ctx, func(c *pgx.Conn) error {
		tx, err := c.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		if err := pgRestoreTx(ctx, tx, a, sqlOf, res); err != nil {
			return err
		}
		return tx.Commit(ctx)
	})
	if err != nil {
		if strings.HasPrefix(err.Error(), "restore:") {
			return nil, err
		}
		return nil, fmt.Errorf("restore: %w (nothing was written)", err)
	}
	return res, nil
}

// pgRestoreTx is RestorePostgres's transaction.
func pgRestoreTx(ctx context.Context, tx pgx.Tx, a *BackupArchive, sqlOf map[string]string, res *RestoreResult) error {
	m := a.Manifest
	if _, err := tx.Exec(ctx, pgSettings); err != nil {
		return err
	}
	// The lock that migrations take: a server starting on this database meanwhile waits,
	// then finds it migrated.
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7283517)`); err != nil {
		return err
	}
	schema, objects, err := pgContents(ctx, tx)
	if err != nil {
		return err
	}
	if err := refuseNotEmpty(schema, objects); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return err
	}
	for _, v := range m.Migrations {
		if _, err := tx.Exec(ctx, sqlOf[v]); err != nil {
			return fmt.Errorf("migration %s: %w", v, err)
		}
	}
	tables, err := pgTables(ctx, tx)
	if err != nil {
		return err
	}
	if err := schemaMatches(tables, m); err != nil {
		return err
	}
	// The migrations seed some tables (the holiday calendar, the rollups' dirty marks):
	// the archive has their rows as they were.
	var names []string
	for _, t := range tables {
		names = append(names, pgIdent(t.name))
	}
	if _, err := tx.Exec(ctx, `TRUNCATE `+strings.Join(names, ", ")); err != nil {
		return err
	}
	// User triggers are held off during the copy: the rollups' triggers fire on INSERT and
	// would add dirty marks the archive does not have (the audit log's append-only trigger
	// fires on UPDATE and DELETE only, and TRUNCATE above fires neither). Foreign keys are
	// not triggers of this kind: they stay enforced.
	trig, err := tx.Query(ctx, `SELECT cl.relname, t.tgname FROM pg_trigger t JOIN pg_class cl ON cl.oid = t.tgrelid
		WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND cl.relnamespace = current_schema()::regnamespace ORDER BY 1, 2`)
	if err != nil {
		return err
	}
	var triggers [][2]string
	for trig.Next() {
		var r [2]string
		if err := trig.Scan(&r[0], &r[1]); err != nil {
			trig.Close()
			return err
		}
		triggers = append(triggers, r)
	}
	trig.Close()
	if err := trig.Err(); err != nil {
		return err
	}
	for _, t := range triggers {
		if _, err := tx.Exec(ctx, `ALTER TABLE `+pgIdent(t[0])+` DISABLE TRIGGER `+pgIdent(t[1])); err != nil {
			return err
		}
	}
	order, cyclic, err := pgCopyOrder(ctx, tx, tables)
	if err != nil {
		return err
	}
	for _, fk := range cyclic {
		if _, err := tx.Exec(ctx, `ALTER TABLE `+pgIdent(fk.table)+` DROP CONSTRAINT `+pgIdent(fk.name)); err != nil {
			return err
		}
	}
	for _, t := range order {
		bt := m.Table(t.name)
		if err := copyIn(ctx, tx, a, t, bt); err != nil {
			return err
		}
		res.Tables++
		res.Rows += bt.Rows
	}
	// Put back the keys of a cycle: adding a key checks every row.
	for _, fk := range cyclic {
		if _, err := tx.Exec(ctx, `ALTER TABLE `+pgIdent(fk.table)+` ADD CONSTRAINT `+pgIdent(fk.name)+` `+fk.def); err != nil {
			return fmt.Errorf("foreign key %s of %s: %w", fk.name, fk.table, err)
		}
	}
	for _, t := range triggers {
		if _, err := tx.Exec(ctx, `ALTER TABLE `+pgIdent(t[0])+` ENABLE TRIGGER `+pgIdent(t[1])); err != nil {
			return err
		}
	}
	// Every identity goes past the rows restored and past the value it had at the backup
	// (rows deleted before it keep their ids unused).
	for _, t := range tables {
		bt := m.Table(t.name)
		for _, s := range t.seqs {
			var was int64
			for _, bs := range bt.Sequences {
				if bs.Column == s.column {
					was = bs.Value
				}
			}
			if _, err := tx.Exec(ctx, `SELECT CASE WHEN v > 0 THEN setval($1::regclass, v, true) ELSE setval($1::regclass, 1, false) END
				FROM (SELECT GREATEST(COALESCE(MAX(`+pgIdent(s.column)+`), 0), $2::bigint) AS v FROM `+pgIdent(t.name)+`) m`, s.seq, was); err != nil {
				return fmt.Errorf("sequence %s: %w", s.seq, err)
			}
		}
	}
	// What the database now holds, read back: each table's rows and checksum as the backup
	// wrote them.
	for _, t := range tables {
		bt := m.Table(t.name)
		hw := newHashWriter(nil)
		tag, err := tx.Conn().PgConn().CopyTo(ctx, hw, t.copyOut())
		if err != nil {
			return fmt.Errorf("read back %s: %w", t.name, err)
		}
		if tag.RowsAffected() != bt.Rows || hw.sum() != bt.SHA256 {
			return fmt.Errorf("restore: table %s reads back as %d rows with another checksum than the backup's %d rows: nothing was written",
				t.name, tag.RowsAffected(), bt.Rows)
		}
	}
	return nil
}

// schemaMatches checks that the tables the migrations made are the archive's, column for
// column.
func schemaMatches(tables []*pgTable, m *BackupManifest) error {
	have := map[string]*pgTable{}
	for _, t := range tables {
		have[t.name] = t
		if m.Table(t.name) == nil {
			return fmt.Errorf("restore: this ding's migrations make table %s, which the backup does not have: the archive is damaged", t.name)
		}
	}
	for _, bt := range m.Tables {
		t := have[bt.Name]
		if t == nil {
			return fmt.Errorf("restore: the backup has table %s, which ding's migrations (up to %s) do not make: a table added to ding's schema by hand, or a damaged archive; restore cannot create it",
				bt.Name, m.Migrations[len(m.Migrations)-1])
		}
		if strings.Join(t.columns, ",") != strings.Join(bt.Columns, ",") {
			return fmt.Errorf("restore: table %s has columns (%s) in the backup and (%s) after this ding's migrations: the archive is damaged",
				bt.Name, strings.Join(bt.Columns, ", "), strings.Join(t.columns, ", "))
		}
	}
	return nil
}

// copyIn copies one table's data from the archive, checking its rows and checksum as it goes.
func copyIn(ctx context.Context, tx pgx.Tx, a *BackupArchive, t *pgTable, bt *BackupTable) error {
	r, err := a.open(bt.File)
	if err != nil {
		return err
	}
	defer r.Close()
	hw := newHashWriter(nil)
	tag, err := tx.Conn().PgConn().CopyFrom(ctx, io.TeeReader(r, hw),
		`COPY `+pgIdent(t.name)+` (`+pgIdents(bt.Columns)+`) FROM STDIN`)
	if err != nil {
		return fmt.Errorf("copy %s: %w", t.name, err)
	}
	if err := entryMatches(bt.File, hw, bt.SHA256, -1, bt.Rows); err != nil {
		return fmt.Errorf("restore: %w: nothing was written", err)
	}
	if tag.RowsAffected() != bt.Rows {
		return fmt.Errorf("restore: table %s: %d rows copied, the manifest says %d: nothing was written", t.name, tag.RowsAffected(), bt.Rows)
	}
	return nil
}

// pgFK is a foreign key of the current schema.
type pgFK struct{ name, table, ref, def string }

// pgCopyOrder orders the tables so that each comes after the tables it references (from
// the catalog's foreign keys). A table that references itself (units.parent_id) needs
// nothing: a key is checked at the end of the COPY statement. Keys that form a cycle
// between tables are returned to be dropped during the copy and added back after it.
func pgCopyOrder(ctx context.Context, tx pgx.Tx, tables []*pgTable) ([]*pgTable, []pgFK, error) {
	rows, err := tx.Query(ctx, `SELECT co.conname, cl.relname, ref.relname, pg_get_constraintdef(co.oid)
		FROM pg_constraint co JOIN pg_class cl ON cl.oid = co.conrelid JOIN pg_class ref ON ref.oid = co.confrelid
		WHERE co.contype = 'f' AND cl.relnamespace = current_schema()::regnamespace AND ref.relnamespace = current_schema()::regnamespace
		ORDER BY 2, 1`)
	if err != nil {
		return nil, nil, err
	}
	var fks []pgFK
	for rows.Next() {
		var f pgFK
		if err := rows.Scan(&f.name, &f.table, &f.ref, &f.def); err != nil {
			rows.Close()
			return nil, nil, err
		}
		fks = append(fks, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	byName := map[string]*pgTable{}
	needs := map[string]map[string]bool{} // table → tables it references
	for _, t := range tables {
		byName[t.name] = t
		needs[t.name] = map[string]bool{}
	}
	for _, f := range fks {
		if f.table != f.ref && needs[f.table] != nil && byName[f.ref] != nil {
			needs[f.table][f.ref] = true
		}
	}
	var order []*pgTable
	done := map[string]bool{}
	for len(done) < len(tables) {
		var ready []string
		for _, t := range tables {
			if done[t.name] {
				continue
			}
			ok := true
			for r := range needs[t.name] {
				if !done[r] {
					ok = false
					break
				}
			}
			if ok {
				ready = append(ready, t.name)
			}
		}
		if len(ready) == 0 {
			break // the rest are in or behind a cycle
		}
		sort.Strings(ready)
		for _, n := range ready {
			done[n] = true
			order = append(order, byName[n])
		}
	}
	var cyclic []pgFK
	for _, f := range fks {
		if f.table != f.ref && !done[f.table] && !done[f.ref] && byName[f.table] != nil {
			cyclic = append(cyclic, f)
		}
	}
	for _, t := range tables {
		if !done[t.name] {
			order = append(order, t)
		}
	}
	return order, cyclic, nil
}

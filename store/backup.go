package store

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"
)

// A ding backup is one zip archive, on both engines:
//
//	manifest.json        what the archive holds (BackupManifest), written last
//	ding.db              SQLite: a consistent copy of the database (VACUUM INTO)
//	tables/NAME.copy     PostgreSQL: each table of ding's schema in COPY text format,
//	                     rows in primary-key order, from one REPEATABLE READ snapshot
//	data/files/HASH …    with --with-files: the uploads of the data directory
//
// The manifest carries ding's version, the applied migrations, each table's columns and
// row count (and, on PostgreSQL, the SHA-256 of its data and its sequences), and the size
// and SHA-256 of every other entry, so that a restore refuses an archive that is truncated,
// altered or made by a newer ding before it writes anything.

const (
	backupFormat        = "ding-backup"
	backupFormatVersion = 1
	manifestEntry       = "manifest.json"
	sqliteEntry         = "ding.db"
	tableDir            = "tables/"
	dataEntryDir        = "data/"
)

// BackupDataDirs are the directories of the data directory that --with-files copies: report
// photos, item attachments and uploaded import files, each a flat directory of files named
// by their SHA-256 and never changed once written.
var BackupDataDirs = []string{"files", "photos", "imports"}

// BackupManifest describes a backup archive.
type BackupManifest struct {
	Format        string        `json:"format"`
	FormatVersion int           `json:"format_version"`
	Engine        Dialect       `json:"engine"`
	DingVersion   string        `json:"ding_version"`
	CreatedAt     time.Time     `json:"created_at"`
	Migrations    []string      `json:"migrations"`
	Tables        []BackupTable `json:"tables"`
	Database      *BackupFile   `json:"database,omitempty"` // SQLite: the database file
	Files         []BackupFile  `json:"files,omitempty"`    // the data directory's uploads
}

// BackupTable is one table of a backup.
type BackupTable struct {
	Name    string   `json:"name"`
	Columns []string `json:"columns"`
	Rows    int64    `json:"rows"`
	// PostgreSQL: the entry with the table's rows in COPY text format and its SHA-256, and
	// the sequences owned by its columns with their values at the snapshot.
	File      string           `json:"file,omitempty"`
	SHA256    string           `json:"sha256,omitempty"`
	Sequences []BackupSequence `json:"sequences,omitempty"`
}

// BackupSequence is a sequence owned by a column (an identity) and its last value.
type BackupSequence struct {
	Column string `json:"column"`
	Value  int64  `json:"value"`
}

// BackupFile is an entry of the archive that is a file: the SQLite database or an upload.
type BackupFile struct {
	Name   string `json:"name"` // entry name: ding.db, data/photos/<sha256>
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Rows is the number of rows of every table.
func (m *BackupManifest) Rows() int64 {
	var n int64
	for _, t := range m.Tables {
		n += t.Rows
	}
	return n
}

// Table returns the manifest's entry for a table, or nil.
func (m *BackupManifest) Table(name string) *BackupTable {
	for i := range m.Tables {
		if m.Tables[i].Name == name {
			return &m.Tables[i]
		}
	}
	return nil
}

// BackupOptions are what a backup records besides the database.
type BackupOptions struct {
	Version string // ding's version, written into the manifest
	// DataDir, when set, adds the uploads under DataDir (BackupDataDirs) to the archive.
	DataDir string
}

// Backup writes a backup archive of the live database to path, which must not exist yet,
// and reads it back to check it. Readers and writers carry on meanwhile: on SQLite the copy
// is VACUUM INTO on a connection of its own; on PostgreSQL it is one REPEATABLE READ, READ
// ONLY transaction. Uploads are copied after the database, so every file a copied row
// names is in the archive (files are written before the rows that name them).
func (db *DB) Backup(ctx context.Context, path string, o BackupOptions) (*BackupManifest, error) {
	if _, err := os.Lstat(path); err == nil {
		return nil, fmt.Errorf("backup: %s already exists", path)
	}
	aw, err := createArchive(path)
	if err != nil {
		return nil, err
	}
	defer aw.abort()
	m := &BackupManifest{Format: backupFormat, FormatVersion: backupFormatVersion, Engine: db.dialect,
		DingVersion: o.Version, CreatedAt: db.Now().UTC().Truncate(time.Second)}
	if db.dialect == Postgres {
		err = db.backupPostgres(ctx, aw, m)
	} else {
		err = db.backupSQLite(ctx, aw, m)
	}
	if err != nil {
		return nil, err
	}
	if len(m.Migrations) == 0 {
		return nil, errors.New("backup: the database has no migrations: it is empty or not a ding database")
	}
	if o.DataDir != "" {
		if m.Files, err = aw.addDataFiles(ctx, o.DataDir); err != nil {
			return nil, err
		}
	}
	if err := aw.finish(m); err != nil {
		return nil, err
	}
	a, err := OpenBackup(path)
	if err != nil {
		return nil, fmt.Errorf("backup: read back: %w", err)
	}
	defer a.Close()
	if err := a.Verify(ctx); err != nil {
		return nil, fmt.Errorf("backup: read back: %w", err)
	}
	return m, nil
}

// backupSQLite copies the database with VACUUM INTO into a temporary file beside the
// archive, checks the copy, counts its rows and puts it into the archive.
func (db *DB) backupSQLite(ctx context.Context, aw *archiveWriter, m *BackupManifest) error {
	tmpDir, err := os.MkdirTemp(filepath.Dir(aw.final), ".ding-backup-*")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer os.RemoveAll(tmpDir)
	cp := filepath.Join(tmpDir, sqliteEntry)
	// The read pool is query_only, which VACUUM INTO counts as a write, and the single
	// writer connection would hold every write back for the length of the copy: a
	// connection of its own reads a snapshot while the writer carries on (WAL).
	src, err := sql.Open("sqlite", "file:"+(&url.URL{Path: db.path}).EscapedPath()+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	_, err = src.ExecContext(ctx, `VACUUM INTO ?`, cp)
	src.Close()
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := inspectSQLiteCopy(ctx, cp, m); err != nil {
		return err
	}
	f, err := os.Open(cp)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer f.Close()
	w, err := aw.entry(sqliteEntry)
	if err != nil {
		return err
	}
	hw := newHashWriter(w)
	if _, err := io.Copy(hw, f); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	m.Database = &BackupFile{Name: sqliteEntry, Size: hw.n, SHA256: hw.sum()}
	return nil
}

// inspectSQLiteCopy opens a copy of a SQLite database, checks it (integrity, foreign keys)
// and fills the manifest with its migrations and the rows of its tables.
func inspectSQLiteCopy(ctx context.Context, path string, m *BackupManifest) error {
	cp, err := Open(ctx, path)
	if err != nil {
		return fmt.Errorf("backup: open copy: %w", err)
	}
	defer closeSQLiteCopy(cp, path)
	if err := sqliteSound(ctx, cp); err != nil {
		return err
	}
	if m.Migrations, err = cp.AppliedMigrations(ctx); err != nil {
		return err
	}
	m.Tables, err = sqliteTables(ctx, cp)
	return err
}

// closeSQLiteCopy closes a copy opened for reading and removes the -wal and -shm files
// that opening it in WAL mode may have left, so that it can be moved as one file.
func closeSQLiteCopy(db *DB, path string) {
	db.Close()
	for _, s := range []string{"-wal", "-shm"} {
		if fi, err := os.Stat(path + s); err == nil && (s == "-shm" || fi.Size() == 0) {
			os.Remove(path + s)
		}
	}
}

// sqliteSound runs SQLite's own checks of a database: integrity_check and
// foreign_key_check. It says what is wrong, a few rows at most.
func sqliteSound(ctx context.Context, db *DB) error {
	var res string
	if err := db.read.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("integrity check says %q", res)
	}
	rows, err := db.read.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return fmt.Errorf("foreign key check: %w", err)
	}
	defer rows.Close()
	var bad []string
	n := 0
	for rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fk int
		if err := rows.Scan(&table, &rowid, &parent, &fk); err != nil {
			return err
		}
		if n++; n <= 5 {
			bad = append(bad, fmt.Sprintf("%s row %d → %s", table, rowid.Int64, parent))
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("foreign key check: %d rows point at nothing (%s)", n, strings.Join(bad, "; "))
	}
	return nil
}

// sqliteTables lists the tables of a SQLite database with their columns and rows.
func sqliteTables(ctx context.Context, db *DB) ([]BackupTable, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		names = append(names, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []BackupTable
	for _, n := range names {
		t := BackupTable{Name: n}
		q := quoteSQLite(n)
		if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+q).Scan(&t.Rows); err != nil {
			return nil, err
		}
		cols, err := db.read.QueryContext(ctx, `SELECT name FROM pragma_table_info(?) ORDER BY cid`, n)
		if err != nil {
			return nil, err
		}
		for cols.Next() {
			var c string
			if err := cols.Scan(&c); err != nil {
				cols.Close()
				return nil, err
			}
			t.Columns = append(t.Columns, c)
		}
		cols.Close()
		out = append(out, t)
	}
	return out, nil
}

func quoteSQLite(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// archiveWriter writes a backup archive into a temporary file beside its final name and
// links it into place when complete, so that a crash or an error never leaves a file that
// looks like a backup.
type archiveWriter struct {
	f     *os.File
	zw    *zip.Writer
	final string
	done  bool
}

func createArchive(path string) (*archiveWriter, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".partial-*")
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	zw := zip.NewWriter(f)
	// Table data and SQLite pages compress several times; the fastest level keeps a
	// backup of a large database from spending its time in the compressor.
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	return &archiveWriter{f: f, zw: zw, final: path}, nil
}

func (a *archiveWriter) entry(name string) (io.Writer, error) {
	w, err := a.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: time.Now()})
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	return w, nil
}

// finish writes the manifest, syncs the file and links it to its final name (which fails
// rather than replace a file that appeared meanwhile).
func (a *archiveWriter) finish(m *BackupManifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	w, err := a.entry(manifestEntry)
	if err != nil {
		return err
	}
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := a.zw.Close(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := a.f.Sync(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := a.f.Close(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := os.Chmod(a.f.Name(), 0o600); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := os.Link(a.f.Name(), a.final); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	a.done = true
	os.Remove(a.f.Name())
	syncDir(filepath.Dir(a.final))
	return nil
}

// abort removes the temporary file of an archive that was not finished.
func (a *archiveWriter) abort() {
	if !a.done {
		a.f.Close()
		os.Remove(a.f.Name())
	}
}

// addDataFiles copies the uploads of the data directory into the archive. A file that
// disappears while the backup runs (an import upload cleared) is left out.
func (a *archiveWriter) addDataFiles(ctx context.Context, dataDir string) ([]BackupFile, error) {
	var out []BackupFile
	for _, d := range BackupDataDirs {
		entries, err := os.ReadDir(filepath.Join(dataDir, d))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("backup: files: %w", err)
		}
		for _, e := range entries {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if !e.Type().IsRegular() || !validDataName(e.Name()) {
				continue // temporary uploads (.upload-*) and anything not a stored file
			}
			f, err := os.Open(filepath.Join(dataDir, d, e.Name()))
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("backup: files: %w", err)
			}
			name := dataEntryDir + d + "/" + e.Name()
			w, err := a.entry(name)
			if err != nil {
				f.Close()
				return nil, err
			}
			hw := newHashWriter(w)
			_, err = io.Copy(hw, f)
			f.Close()
			if err != nil {
				return nil, fmt.Errorf("backup: files: %w", err)
			}
			out = append(out, BackupFile{Name: name, Size: hw.n, SHA256: hw.sum()})
		}
	}
	return out, nil
}

// validDataName says whether a name can be a stored upload: no directories, no dot files.
func validDataName(n string) bool {
	return n != "" && !strings.HasPrefix(n, ".") && !strings.ContainsAny(n, `/\`) && len(n) <= 200
}

// hashWriter passes writes on and keeps their SHA-256, size and newline count (the rows of
// COPY text, where a newline inside a value is written as \n).
type hashWriter struct {
	w     io.Writer
	h     hash.Hash
	n     int64
	lines int64
}

func newHashWriter(w io.Writer) *hashWriter { return &hashWriter{w: w, h: sha256.New()} }

func (hw *hashWriter) Write(p []byte) (int, error) {
	hw.h.Write(p)
	hw.n += int64(len(p))
	hw.lines += int64(bytes.Count(p, []byte{'\n'}))
	if hw.w == nil {
		return len(p), nil
	}
	return hw.w.Write(p)
}

func (hw *hashWriter) sum() string { return hex.EncodeToString(hw.h.Sum(nil)) }

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// BackupArchive is a backup opened for reading. Opening checks its structure and manifest;
// Verify reads every entry against the manifest.
type BackupArchive struct {
	Manifest *BackupManifest
	path     string
	zr       *zip.ReadCloser
	entries  map[string]*zip.File
}

// ErrNotBackup says that a file is neither a ding backup archive nor a SQLite database.
var ErrNotBackup = errors.New("not a ding backup")

// sqliteMagic starts every SQLite database file.
const sqliteMagic = "SQLite format 3\x00"

// isSQLiteFile reports whether path is a SQLite database (a backup made by VACUUM INTO
// before ding wrote archives, or any copy of a ding.db).
func isSQLiteFile(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	b := make([]byte, len(sqliteMagic))
	n, _ := io.ReadFull(f, b)
	return n == len(b) && string(b) == sqliteMagic, nil
}

// OpenBackup opens a backup archive and checks its manifest: the format, that every entry it
// names is there with the size it says, and that the archive holds nothing else.
func OpenBackup(path string) (*BackupArchive, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		if _, serr := os.Stat(path); serr != nil {
			return nil, serr
		}
		return nil, fmt.Errorf("%s: %w: the file is damaged or truncated, or not a zip archive (%v)", path, ErrNotBackup, err)
	}
	a := &BackupArchive{path: path, zr: zr, entries: map[string]*zip.File{}}
	if err := a.load(); err != nil {
		zr.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}

// Close closes the archive.
func (a *BackupArchive) Close() error { return a.zr.Close() }

func (a *BackupArchive) load() error {
	for _, f := range a.zr.File {
		if _, dup := a.entries[f.Name]; dup {
			return fmt.Errorf("%w: entry %s appears twice", ErrNotBackup, f.Name)
		}
		a.entries[f.Name] = f
	}
	mf := a.entries[manifestEntry]
	if mf == nil {
		return fmt.Errorf("%w: it has no %s", ErrNotBackup, manifestEntry)
	}
	if mf.UncompressedSize64 > 64<<20 {
		return fmt.Errorf("%w: %s is too large", ErrNotBackup, manifestEntry)
	}
	r, err := mf.Open()
	if err != nil {
		return fmt.Errorf("damaged archive: %s: %w", manifestEntry, err)
	}
	b, err := io.ReadAll(r)
	r.Close()
	if err != nil {
		return fmt.Errorf("damaged archive: %s: %w", manifestEntry, err)
	}
	m := &BackupManifest{}
	if err := json.Unmarshal(b, m); err != nil {
		return fmt.Errorf("damaged archive: %s: %w", manifestEntry, err)
	}
	if m.Format != backupFormat {
		return fmt.Errorf("%w: its manifest says format %q", ErrNotBackup, m.Format)
	}
	if m.FormatVersion > backupFormatVersion {
		return fmt.Errorf("the backup was made by a newer ding (%s, archive format %d; this ding reads format %d): upgrade ding to restore it",
			m.DingVersion, m.FormatVersion, backupFormatVersion)
	}
	if m.FormatVersion < 1 {
		return fmt.Errorf("%w: archive format %d", ErrNotBackup, m.FormatVersion)
	}
	if m.Engine != SQLite && m.Engine != Postgres {
		return fmt.Errorf("%w: unknown engine %q", ErrNotBackup, m.Engine)
	}
	if len(m.Migrations) == 0 {
		return fmt.Errorf("damaged archive: the manifest lists no migrations")
	}
	named := map[string]bool{manifestEntry: true}
	need := func(name string, size int64) error {
		if named[name] {
			return fmt.Errorf("damaged archive: the manifest names %s twice", name)
		}
		named[name] = true
		f := a.entries[name]
		if f == nil {
			return fmt.Errorf("damaged archive: %s is missing", name)
		}
		if size >= 0 && f.UncompressedSize64 != uint64(size) {
			return fmt.Errorf("damaged archive: %s has %d bytes, the manifest says %d", name, f.UncompressedSize64, size)
		}
		return nil
	}
	tables := map[string]bool{}
	for _, t := range m.Tables {
		if t.Name == "" || tables[t.Name] || len(t.Columns) == 0 || t.Rows < 0 {
			return fmt.Errorf("damaged archive: bad table entry %q in the manifest", t.Name)
		}
		tables[t.Name] = true
		if m.Engine == Postgres {
			if t.File != tableDir+t.Name+".copy" || len(t.SHA256) != 64 {
				return fmt.Errorf("damaged archive: table %s has no data entry or checksum in the manifest", t.Name)
			}
			if err := need(t.File, -1); err != nil {
				return err
			}
		}
	}
	if m.Engine == SQLite {
		if m.Database == nil || m.Database.Name != sqliteEntry {
			return fmt.Errorf("damaged archive: the manifest names no database file")
		}
		if err := need(sqliteEntry, m.Database.Size); err != nil {
			return err
		}
	} else if len(m.Tables) == 0 {
		return fmt.Errorf("damaged archive: the manifest lists no tables")
	}
	for _, f := range m.Files {
		dir, base, ok := strings.Cut(strings.TrimPrefix(f.Name, dataEntryDir), "/")
		if !strings.HasPrefix(f.Name, dataEntryDir) || !ok || !slices.Contains(BackupDataDirs, dir) || !validDataName(base) {
			return fmt.Errorf("damaged archive: bad file name %q", f.Name)
		}
		if err := need(f.Name, f.Size); err != nil {
			return err
		}
	}
	for name := range a.entries {
		if !named[name] {
			return fmt.Errorf("damaged archive: entry %s is not in the manifest", name)
		}
	}
	a.Manifest = m
	return nil
}

// Verify reads every entry and compares it with the manifest: checksums, sizes, and the rows
// of each table's data. A zip entry's own CRC is checked as it is read too.
func (a *BackupArchive) Verify(ctx context.Context) error {
	m := a.Manifest
	for _, t := range m.Tables {
		if t.File == "" {
			continue
		}
		if err := a.check(ctx, t.File, t.SHA256, -1, t.Rows); err != nil {
			return err
		}
	}
	if m.Database != nil {
		if err := a.check(ctx, m.Database.Name, m.Database.SHA256, m.Database.Size, -1); err != nil {
			return err
		}
	}
	for _, f := range m.Files {
		if err := a.check(ctx, f.Name, f.SHA256, f.Size, -1); err != nil {
			return err
		}
	}
	return nil
}

// check reads one entry and compares its checksum, size (-1: any) and lines (-1: any).
func (a *BackupArchive) check(ctx context.Context, name, sum string, size, lines int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r, err := a.entries[name].Open()
	if err != nil {
		return fmt.Errorf("damaged archive: %s: %w", name, err)
	}
	defer r.Close()
	hw := newHashWriter(nil)
	if _, err := io.Copy(hw, r); err != nil {
		return fmt.Errorf("damaged archive: %s: %w", name, err)
	}
	return entryMatches(name, hw, sum, size, lines)
}

func entryMatches(name string, hw *hashWriter, sum string, size, lines int64) error {
	if hw.sum() != sum {
		return fmt.Errorf("damaged archive: %s does not match its checksum in the manifest", name)
	}
	if size >= 0 && hw.n != size {
		return fmt.Errorf("damaged archive: %s has %d bytes, the manifest says %d", name, hw.n, size)
	}
	if lines >= 0 && hw.lines != lines {
		return fmt.Errorf("damaged archive: %s has %d rows, the manifest says %d", name, hw.lines, lines)
	}
	return nil
}

// open returns the reader of an entry.
func (a *BackupArchive) open(name string) (io.ReadCloser, error) {
	f := a.entries[name]
	if f == nil {
		return nil, fmt.Errorf("damaged archive: %s is missing", name)
	}
	return f.Open()
}

// knownMigrations refuses migrations that this ding does not know: the backup was made by
// a newer ding.
func knownMigrations(applied []string, known []Migration) error {
	have := map[string]bool{}
	for _, m := range known {
		have[m.Version] = true
	}
	var unknown []string
	for _, v := range applied {
		if !have[v] {
			unknown = append(unknown, v)
		}
	}
	if len(unknown) > 0 {
		return fmt.Errorf("the backup was made by a newer ding: it has migrations this ding does not know (%s); restore it with that version of ding or a later one",
			strings.Join(unknown, ", "))
	}
	return nil
}

// RestoreOptions say how a restore treats what is there already.
type RestoreOptions struct {
	// Force lets a SQLite restore replace an existing database: the old file (and its
	// -wal and -shm) is moved aside to <name>.before-restore-<time>, never deleted.
	Force bool
	// DataDir receives the uploads of an archive made with them (BackupDataDirs).
	DataDir string
}

// RestoreResult says what a restore did.
type RestoreResult struct {
	Manifest     *BackupManifest // nil for a plain SQLite file
	Target       string          // the SQLite file, or the PostgreSQL schema
	MovedAside   []string        // files the restore moved out of the way
	Tables       int
	Rows         int64
	Files        int // uploads written into the data directory
	FilesPresent int // uploads already there, identical
}

// Restore puts a backup in place of the database named by dsn. A SQLite backup (an archive
// or a plain database file) replaces a SQLite file; a PostgreSQL archive fills an empty
// PostgreSQL database (RestorePostgres). Everything is checked before anything is written.
func Restore(ctx context.Context, from, dsn string, o RestoreOptions) (*RestoreResult, error) {
	if IsPostgresDSN(dsn) {
		db, err := Open(ctx, dsn)
		if err != nil {
			return nil, err
		}
		defer db.Close()
		return db.RestorePostgres(ctx, from, o)
	}
	return RestoreSQLite(ctx, from, SQLitePath(dsn), o)
}

// SQLitePath is the file of a SQLite DSN.
func SQLitePath(dsn string) string {
	return strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite://"), "file:")
}

// RestoreSQLite restores a SQLite backup (archive or plain database file) to the database
// file target. The copy is checked (integrity, foreign keys, rows against the manifest,
// migrations this ding knows) before it goes in place. An existing target is refused
// unless o.Force, which moves it (and its -wal and -shm) aside. Stop ding first: a server
// that has the old file open would go on writing to it.
func RestoreSQLite(ctx context.Context, from, target string, o RestoreOptions) (*RestoreResult, error) {
	if target == "" {
		return nil, errors.New("restore: no database file")
	}
	plain, err := isSQLiteFile(from)
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	res := &RestoreResult{Target: target}
	var a *BackupArchive
	if !plain {
		if a, err = OpenBackup(from); err != nil {
			return nil, fmt.Errorf("restore: %w", err)
		}
		defer a.Close()
		if a.Manifest.Engine != SQLite {
			return nil, fmt.Errorf("restore: %s is a %s backup; restore it into a %s database (DING_DATABASE_URL): ding does not convert between engines",
				from, a.Manifest.Engine, a.Manifest.Engine)
		}
		known, err := (&DB{dialect: SQLite}).Migrations()
		if err != nil {
			return nil, err
		}
		if err := knownMigrations(a.Manifest.Migrations, known); err != nil {
			return nil, fmt.Errorf("restore: %w", err)
		}
		if err := a.Verify(ctx); err != nil {
			return nil, fmt.Errorf("restore: %w", err)
		}
		res.Manifest = a.Manifest
	}
	if err := refuseExisting(target, o.Force); err != nil {
		return nil, err
	}
	dir := filepath.Dir(target)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	tmpDir, err := os.MkdirTemp(dir, ".ding-restore-*")
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	defer os.RemoveAll(tmpDir)
	tmp := filepath.Join(tmpDir, sqliteEntry)
	if plain {
		err = copyFile(ctx, from, tmp)
	} else {
		err = a.extract(ctx, sqliteEntry, tmp, a.Manifest.Database.SHA256)
	}
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	if err := checkSQLiteCopy(ctx, tmp, res); err != nil {
		return nil, fmt.Errorf("restore: %s: %w", from, err)
	}
	if a != nil {
		if err := a.restoreFiles(ctx, o.DataDir, res); err != nil {
			return nil, err
		}
	}
	if o.Force {
		stamp := time.Now().UTC().Format("20060102T150405Z")
		for _, s := range []string{"", "-wal", "-shm"} {
			old := target + s
			if _, err := os.Lstat(old); err != nil {
				continue
			}
			aside := target + ".before-restore-" + stamp + s
			if _, err := os.Lstat(aside); err == nil {
				return nil, fmt.Errorf("restore: %s already exists", aside)
			}
			if err := os.Rename(old, aside); err != nil {
				return nil, fmt.Errorf("restore: move the old database aside: %w", err)
			}
			res.MovedAside = append(res.MovedAside, aside)
		}
	}
	if err := refuseExisting(target, false); err != nil {
		return nil, err // a server created it meanwhile
	}
	if err := os.Rename(tmp, target); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	syncDir(dir)
	return res, nil
}

// refuseExisting refuses a target database that exists (or has a -wal or -shm) unless force.
func refuseExisting(target string, force bool) error {
	if force {
		return nil
	}
	for _, s := range []string{"", "-wal", "-shm"} {
		if _, err := os.Lstat(target + s); err == nil {
			return fmt.Errorf("restore: %s exists: stop ding and restore with --force to replace it (the old database is moved aside, not deleted)", target+s)
		}
	}
	return nil
}

// checkSQLiteCopy checks the database about to be restored: SQLite's integrity and foreign
// key checks, migrations this ding knows, and the rows of each table against the manifest.
func checkSQLiteCopy(ctx context.Context, path string, res *RestoreResult) error {
	cp, err := Open(ctx, path)
	if err != nil {
		return err
	}
	defer closeSQLiteCopy(cp, path)
	if err := sqliteSound(ctx, cp); err != nil {
		return err
	}
	applied, err := cp.AppliedMigrations(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		return fmt.Errorf("%w: the database has no migrations", ErrNotBackup)
	}
	known, err := cp.Migrations()
	if err != nil {
		return err
	}
	if err := knownMigrations(applied, known); err != nil {
		return err
	}
	tables, err := sqliteTables(ctx, cp)
	if err != nil {
		return err
	}
	m := res.Manifest
	if m != nil && fmt.Sprint(applied) != fmt.Sprint(m.Migrations) {
		return fmt.Errorf("damaged archive: the database has migrations %v, the manifest says %v", applied, m.Migrations)
	}
	for _, t := range tables {
		if m != nil {
			mt := m.Table(t.Name)
			if mt == nil || mt.Rows != t.Rows {
				return fmt.Errorf("damaged archive: table %s has %d rows, the manifest says %v", t.Name, t.Rows, rowsOf(mt))
			}
		}
		res.Tables++
		res.Rows += t.Rows
	}
	if m != nil && len(tables) != len(m.Tables) {
		return fmt.Errorf("damaged archive: the database has %d tables, the manifest lists %d", len(tables), len(m.Tables))
	}
	return nil
}

func rowsOf(t *BackupTable) any {
	if t == nil {
		return "no such table"
	}
	return t.Rows
}

// extract writes an entry to path and checks its checksum.
func (a *BackupArchive) extract(ctx context.Context, name, path, sum string) error {
	r, err := a.open(name)
	if err != nil {
		return err
	}
	defer r.Close()
	return writeFile(ctx, r, path, sum)
}

func copyFile(ctx context.Context, from, to string) error {
	f, err := os.Open(from)
	if err != nil {
		return err
	}
	defer f.Close()
	return writeFile(ctx, f, to, "")
}

// writeFile writes r to path (synced), checking its SHA-256 when sum is set.
func writeFile(ctx context.Context, r io.Reader, path, sum string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	hw := newHashWriter(f)
	_, err = io.Copy(hw, ctxReader{ctx, r})
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && sum != "" && hw.sum() != sum {
		err = fmt.Errorf("damaged archive: %s does not match its checksum", filepath.Base(path))
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}

// ctxReader stops a long copy when the context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// restoreFiles writes the archive's uploads into the data directory. Uploads are named by
// their content, so one that is there already with the same checksum is left alone; one
// that differs (damaged) is replaced.
func (a *BackupArchive) restoreFiles(ctx context.Context, dataDir string, res *RestoreResult) error {
	if len(a.Manifest.Files) == 0 {
		return nil
	}
	if dataDir == "" {
		return errors.New("restore: the backup has uploaded files but no data directory was given")
	}
	files := slices.Clone(a.Manifest.Files)
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	for _, f := range files {
		rel := strings.TrimPrefix(f.Name, dataEntryDir)
		path := filepath.Join(dataDir, filepath.FromSlash(rel))
		if same, _ := fileHasSum(path, f.SHA256); same {
			res.FilesPresent++
			continue
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return fmt.Errorf("restore: files: %w", err)
		}
		tmp := filepath.Join(filepath.Dir(path), ".restore-"+filepath.Base(path))
		os.Remove(tmp)
		if err := a.extract(ctx, f.Name, tmp, f.SHA256); err != nil {
			return fmt.Errorf("restore: files: %w", err)
		}
		if err := os.Rename(tmp, path); err != nil {
			os.Remove(tmp)
			return fmt.Errorf("restore: files: %w", err)
		}
		res.Files++
	}
	return nil
}

func fileHasSum(path, sum string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	hw := newHashWriter(nil)
	if _, err := io.Copy(hw, f); err != nil {
		return false, err
	}
	return hw.sum() == sum, nil
}

// RawQueryRowForTest runs a raw query, for tests of other packages that must look at
// what no public method shows (the contents of a backup copy).
func (db *DB) RawQueryRowForTest(q string) *sql.Row { return db.read.QueryRow(q) }

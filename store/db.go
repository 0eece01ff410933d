// Package store keeps ding's records in SQLite (modernc.org/sqlite, the embedded default)
// or PostgreSQL (pgx). Every query is written once with ? placeholders and rebound for
// PostgreSQL; types that differ between the engines (timestamps, booleans, JSON) are
// handled by small scanners here, so the same code and the same tests serve both.
//
// Public methods open their own transaction and take the actor from the context: reads are
// filtered by the actor's data scope, writes are checked against the actor's role and
// scope and leave an audit entry in the same transaction.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"ding"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver
)

// Dialect is the SQL engine behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is ding's database: a single writer connection and a read pool on SQLite, one pool
// on PostgreSQL.
type DB struct {
	dialect Dialect
	write   *sql.DB
	read    *sql.DB
	path    string // SQLite file

	extraMigrations []Migration // tests only

	stmtMu sync.Mutex
	stmts  map[string]*sql.Stmt // SQLite: prepared statements of the read pool

	yearMu  sync.Mutex // CurrentYear's cache
	yearVal int
	yearAt  time.Time
	// Now is the clock; tests replace it.
	Now func() time.Time
}

// IsPostgresDSN reports whether dsn names a PostgreSQL database.
func IsPostgresDSN(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open opens the database named by dsn: a postgres:// URL, or a SQLite file path
// (optionally prefixed with sqlite:// or file:). It checks the connection but does not migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	db := &DB{Now: time.Now}
	if IsPostgresDSN(dsn) {
		db.dialect = Postgres
		pool, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		pool.SetMaxOpenConns(20)
		pool.SetMaxIdleConns(10)
		pool.SetConnMaxIdleTime(5 * time.Minute)
		db.write, db.read = pool, pool
	} else {
		db.dialect = SQLite
		path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite://"), "file:")
		if path == "" {
			return nil, errors.New("open sqlite: empty path")
		}
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("open sqlite: %w", err)
			}
		}
		db.path = path
		// cache_size: 32 MiB of pages per connection (SQLite's default is 2 MiB). On the
		// generated province (3 GB) a fifth of the server's CPU went to the system calls
		// reading pages back from the OS's cache; the upper levels of the busy indexes stay.
		pragmas := "_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)&_pragma=cache_size(-32768)"
		u := "file:" + (&url.URL{Path: path}).EscapedPath()
		w, err := sql.Open("sqlite", u+"?"+pragmas+"&_txlock=immediate")
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		// One writer: SQLite serialises writes anyway, and a single connection with
		// BEGIN IMMEDIATE turns lock contention into queueing instead of SQLITE_BUSY.
		w.SetMaxOpenConns(1)
		w.SetConnMaxIdleTime(0)
		r, err := sql.Open("sqlite", u+"?"+pragmas+"&_pragma=query_only(1)")
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		r.SetMaxOpenConns(max(4, runtime.NumCPU()))
		db.write, db.read = w, r
	}
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Dialect returns the engine.
func (db *DB) Dialect() Dialect { return db.dialect }

// Path returns the SQLite file, or "" on PostgreSQL.
func (db *DB) Path() string { return db.path }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.write.PingContext(ctx); err != nil {
		return &ding.Error{Code: ding.EUNAVAILABLE, Key: "err.db_unavailable", Err: err}
	}
	return nil
}

// Close closes both pools.
func (db *DB) Close() error {
	err := db.write.Close()
	if db.read != db.write {
		if e := db.read.Close(); err == nil {
			err = e
		}
	}
	return err
}

// rebind turns ? placeholders into $1, $2 … for PostgreSQL.
func (db *DB) rebind(q string) string {
	if db.dialect != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// queryer is what private helpers read through: the read pool or a transaction.
type queryer interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// reader wraps the read pool so that helpers can rebind.
type reader struct {
	db      *DB
	q       queryer
	txStmts map[string]*sql.Stmt // a transaction's prepared statements
}

func (r reader) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := r.db.stmt(ctx, r, q); st != nil {
		rows, err := st.QueryContext(ctx, args...)
		return rows, r.db.mapErr(err)
	}
	rows, err := r.q.QueryContext(ctx, r.db.rebind(q), args...)
	return rows, r.db.mapErr(err)
}

func (r reader) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if st := r.db.stmt(ctx, r, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return r.q.QueryRowContext(ctx, r.db.rebind(q), args...)
}

// stmt returns a prepared statement for q on SQLite. nil means run q unprepared.
func (db *DB) stmt(ctx context.Context, r reader, q string) *sql.Stmt {
	if db.dialect != SQLite || oneOff(q) {
		return nil
	}
	if r.txStmts != nil {
		st := r.txStmts[q]
		if st == nil {
			var err error
			if st, err = r.q.(*sql.Tx).PrepareContext(ctx, q); err != nil {
				return nil
			}
			r.txStmts[q] = st
		}
		return st
	}
	pool, ok := r.q.(*sql.DB)
	if !ok || pool != db.read {
		return nil
	}
	db.stmtMu.Lock()
	defer db.stmtMu.Unlock()
	if db.stmts == nil {
		db.stmts = map[string]*sql.Stmt{}
	}
	st := db.stmts[q]
	if st == nil {
		if len(db.stmts) >= 2000 {
			return nil // full: run it unprepared rather than leak a statement
		}
		var err error
		if st, err = pool.PrepareContext(ctx, q); err != nil {
			return nil
		}
		db.stmts[q] = st
	}
	return st
}

// oneOff reports whether q carries literal ids ("IN (12, 15)", "BETWEEN 1 AND 4096"):
// such a text is seldom seen twice, so preparing and caching it costs more than it saves.
func oneOff(q string) bool {
	for _, m := range []string{"IN (", "BETWEEN "} {
		for i := 0; ; {
			j := strings.Index(q[i:], m)
			if j < 0 {
				break
			}
			k := i + j + len(m)
			if k < len(q) && q[k] >= '0' && q[k] <= '9' {
				return true
			}
			i = k
		}
	}
	return false
}

func (db *DB) reader() reader { return reader{db: db, q: db.read} }

// Tx is a write transaction that knows its actor and its clock reading.
type Tx struct {
	reader
	tx    *sql.Tx
	ctx   context.Context
	actor *ding.Actor
	now   time.Time
	quiet bool // an import writes one audit event for the whole batch, not one per record
	// reportable caches, within an import, the projects already found reportable, so a
	// sheet of 10,000 reports checks each project once instead of once per row.
	reportable map[int64]*ding.Project
}

// begin opens a write transaction for the actor in ctx.
func (db *DB) begin(ctx context.Context) (*Tx, error) {
	a := ding.ActorFrom(ctx)
	if a == nil {
		return nil, ding.Errorf(ding.EUNAUTHORIZED, "err.unauthorized")
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, db.mapErr(err)
	}
	// Microseconds: what both engines store, so a record returned by a write equals the
	// same record read back.
	return &Tx{reader: reader{db: db, q: tx, txStmts: map[string]*sql.Stmt{}}, tx: tx, ctx: ctx, actor: a, now: db.Now().UTC().Truncate(time.Microsecond)}, nil
}

func (tx *Tx) exec(q string, args ...any) (sql.Result, error) {
	if !strings.Contains(q, "SAVEPOINT") {
		if st := tx.db.stmt(tx.ctx, tx.reader, q); st != nil {
			res, err := st.ExecContext(tx.ctx, args...)
			return res, tx.db.mapErr(err)
		}
	}
	res, err := tx.tx.ExecContext(tx.ctx, tx.db.rebind(q), args...)
	return res, tx.db.mapErr(err)
}

// insert runs an INSERT … RETURNING id and returns the id.
func (tx *Tx) insert(q string, args ...any) (int64, error) {
	var id int64
	if st := tx.db.stmt(tx.ctx, tx.reader, q+" RETURNING id"); st != nil {
		err := st.QueryRowContext(tx.ctx, args...).Scan(&id)
		return id, tx.db.mapErr(err)
	}
	err := tx.tx.QueryRowContext(tx.ctx, tx.db.rebind(q+" RETURNING id"), args...).Scan(&id)
	return id, tx.db.mapErr(err)
}

func (tx *Tx) commit() error   { return tx.db.mapErr(tx.tx.Commit()) }
func (tx *Tx) rollback() error { return tx.tx.Rollback() }

// mapErr turns driver errors into ding errors: unique violations become ECONFLICT, a
// database that cannot be reached EUNAVAILABLE; others are wrapped as EINTERNAL.
func (db *DB) mapErr(err error) error {
	if err == nil || errors.Is(err, sql.ErrNoRows) {
		return err
	}
	var de *ding.Error
	if errors.As(err, &de) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &ding.Error{Code: ding.EUNAVAILABLE, Key: "err.db_unavailable", Err: err}
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "23505":
			return &ding.Error{Code: ding.ECONFLICT, Key: "err.duplicate", Err: err}
		case "23503":
			return &ding.Error{Code: ding.EINVALID, Key: "err.reference", Err: err}
		}
		return ding.Internal(err, "postgres")
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "UNIQUE constraint failed"):
		return &ding.Error{Code: ding.ECONFLICT, Key: "err.duplicate", Err: err}
	case strings.Contains(msg, "FOREIGN KEY constraint failed"):
		return &ding.Error{Code: ding.EINVALID, Key: "err.reference", Err: err}
	case errors.Is(err, sql.ErrConnDone), strings.Contains(msg, "database is closed"),
		strings.Contains(msg, "connection refused"), strings.Contains(msg, "failed to connect"),
		strings.Contains(msg, "conn closed"), strings.Contains(msg, "SQLITE_BUSY"):
		return &ding.Error{Code: ding.EUNAVAILABLE, Key: "err.db_unavailable", Err: err}
	}
	return ding.Internal(err, "sql")
}

// notFound is the error for a record that does not exist or is outside the caller's scope:
// the two must look the same.
func notFound(what string) error {
	return ding.Errorf(ding.ENOTFOUND, "err.not_found", what)
}

// likeEscape makes a case-insensitive "contains" pattern for LOWER(col) LIKE ? ESCAPE '\':
// % and _ match themselves, and the pattern is lower-cased like the column (SQLite's LIKE
// ignores ASCII case, PostgreSQL's does not; LOWER on both sides makes them agree).
func likeEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + strings.ToLower(r.Replace(filterText(s))) + "%"
}

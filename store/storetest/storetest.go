// Package storetest opens fresh, migrated databases for tests: a SQLite file always, and a
// PostgreSQL schema of its own when DING_TEST_POSTGRES holds a DSN. With CI=true a missing or
// unreachable PostgreSQL fails the test instead of skipping it.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"ding/store"
)

// Engine names a database engine a test runs on.
type Engine string

const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Engines returns the engines to run store tests on. It fails the test in CI when
// PostgreSQL is not configured.
func Engines(t testing.TB) []Engine {
	t.Helper()
	engines := []Engine{SQLite}
	if os.Getenv("DING_TEST_POSTGRES") != "" {
		engines = append(engines, Postgres)
	} else if os.Getenv("CI") == "true" {
		t.Fatal("CI=true but DING_TEST_POSTGRES is not set: store tests must run on PostgreSQL in CI")
	}
	return engines
}

// Each runs fn as a subtest on every engine with a fresh, migrated database.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, e := range Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			fn(t, Open(t, e))
		})
	}
}

// DSN returns a DSN for a fresh, empty database of the engine, removed when the test ends.
func DSN(t testing.TB, e Engine) string {
	t.Helper()
	if e == SQLite {
		return filepath.Join(t.TempDir(), "ding.db")
	}
	base := os.Getenv("DING_TEST_POSTGRES")
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but DING_TEST_POSTGRES is not set")
		}
		t.Skip("DING_TEST_POSTGRES not set")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	defer admin.Close()
	if err := admin.PingContext(ctx); err != nil {
		// In CI this is a failure; locally a configured but dead server is one too,
		// because the developer asked for PostgreSQL.
		t.Fatalf("postgres at DING_TEST_POSTGRES unreachable: %v", err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		c, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer c.Close()
		if _, err := c.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			t.Logf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("DING_TEST_POSTGRES: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Open returns a fresh, migrated database of the engine, closed when the test ends.
func Open(t testing.TB, e Engine) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), DSN(t, e))
	if err != nil {
		t.Fatalf("open %s: %v", e, err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate %s: %v", e, err)
	}
	return db
}

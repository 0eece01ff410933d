package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ding/auth"
	"ding/store"
	"ding/store/storetest"
)

// cli runs a ding command line with the given environment and stdin.
func cli(t *testing.T, env map[string]string, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string { return env[k] }
	err := run(context.Background(), args, getenv, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), err
}

func TestConfigValidate(t *testing.T) {
	cases := []struct {
		env  map[string]string
		want string // substring of the error; "" for valid
	}{
		{map[string]string{}, ""},
		{map[string]string{"DING_ADDR": "nohost"}, "want host:port"},
		{map[string]string{"DING_ADDR": "127.0.0.1:99999"}, "bad port"},
		{map[string]string{"DING_BASE_URL": "ftp://x"}, "base URL"},
		{map[string]string{"DING_SESSION_SECRET": "short"}, "at least 32"},
		{map[string]string{"DING_SESSION_TTL": "1s"}, "session TTL"},
		{map[string]string{"DING_DATABASE_URL": "mysql://x"}, "want postgres"},
		{map[string]string{"DING_LOG_FORMAT": "xml"}, "log format"},
	}
	for _, c := range cases {
		cfg := defaultConfig()
		err := cfg.loadEnv(func(k string) string { return c.env[k] })
		if err == nil {
			err = cfg.Validate()
		}
		if c.want == "" && err != nil {
			t.Errorf("%v: unexpected %v", c.env, err)
		}
		if c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%v: got %v, want %q", c.env, err, c.want)
		}
	}
	if _, _, err := cli(t, map[string]string{"DING_SESSION_TTL": "soon"}, "", "config"); err == nil {
		t.Error("bad DING_SESSION_TTL accepted")
	}
}

func TestConfigPrintHidesSecrets(t *testing.T) {
	env := map[string]string{
		"DING_DATABASE_URL":   "postgres://ding:hunter2@db:5432/ding",
		"DING_SESSION_SECRET": strings.Repeat("s3cret", 8),
	}
	out, _, err := cli(t, env, "", "config", "--addr", "0.0.0.0:9000")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "hunter2") || strings.Contains(out, "s3cret") {
		t.Fatalf("secret printed:\n%s", out)
	}
	if !strings.Contains(out, "0.0.0.0:9000") || !strings.Contains(out, "ding:xxxxx@db") {
		t.Fatalf("config output:\n%s", out)
	}
}

func TestCLIUnitsUsersTokenBackup(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"DING_DATA": dir}
	mustRun := func(stdin string, args ...string) string {
		t.Helper()
		out, errOut, err := cli(t, env, stdin, args...)
		if err != nil {
			t.Fatalf("ding %v: %v\n%s%s", args, err, out, errOut)
		}
		return out
	}
	mustRun("", "unit", "add", "--name", "衢江区", "--kind", "district", "--code", "330803")
	mustRun("", "unit", "add", "--name", "樟潭街道", "--kind", "town", "--parent", "330803")
	if _, _, err := cli(t, env, "", "unit", "add", "--name", "坏代码", "--kind", "district", "--code", "12345"); err == nil || !strings.Contains(err.Error(), "行政区划代码") {
		t.Fatalf("bad code: %v", err)
	}
	out := mustRun("", "unit", "list")
	if !strings.Contains(out, "樟潭街道") || !strings.Contains(out, "330803") {
		t.Fatalf("unit list:\n%s", out)
	}
	out = mustRun("s3cure-pass1\n", "user", "add", "boss", "--unit", "衢江区", "--role", "admin", "--password-stdin")
	if !strings.Contains(out, "created user boss") || strings.Contains(out, "password:") {
		t.Fatalf("user add:\n%s", out)
	}
	if _, _, err := cli(t, env, "s3cure-pass1\n", "user", "add", "boss", "--unit", "衢江区", "--password-stdin"); err == nil || !strings.Contains(err.Error(), "已存在") {
		t.Fatalf("duplicate user: %v", err)
	}
	if _, _, err := cli(t, env, "short\n", "user", "add", "bob", "--unit", "衢江区", "--password-stdin"); err == nil || !strings.Contains(err.Error(), "密码") {
		t.Fatalf("weak password: %v", err)
	}
	out = mustRun("", "user", "add", "li", "--unit", "樟潭街道")
	if !strings.Contains(out, "password: ") {
		t.Fatalf("generated password not printed:\n%s", out)
	}
	out = mustRun("", "user", "list")
	if !strings.Contains(out, "boss") || !strings.Contains(out, "liaison") {
		t.Fatalf("user list:\n%s", out)
	}
	tok := strings.TrimSpace(mustRun("", "user", "token", "boss"))
	if !strings.HasPrefix(tok, auth.TokenPrefix) {
		t.Fatalf("token %q", tok)
	}
	db, err := store.Open(context.Background(), filepath.Join(dir, "ding.db"))
	if err != nil {
		t.Fatal(err)
	}
	_, u, err := db.UserByToken(context.Background(), auth.HashSecret(tok))
	db.Close()
	if err != nil || u.Username != "boss" {
		t.Fatalf("token does not authenticate boss: %v %v", u, err)
	}
	mustRun("n3w-password\n", "user", "passwd", "boss", "--password-stdin")

	backup := filepath.Join(t.TempDir(), "copy.zip")
	out = mustRun("", "backup", "--out", backup)
	if !strings.Contains(out, "verified") {
		t.Fatalf("backup: %s", out)
	}
	a, err := store.OpenBackup(backup)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if n := a.Manifest.Table("users").Rows; n != 2 {
		t.Fatalf("backup has %d users, want 2", n)
	}
	if _, _, err := cli(t, env, "", "backup", "--out", backup); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Fatalf("backup over an existing file: %v", err)
	}
}

// TestServeRefusesMismatchedSchema: serve migrates an empty database, refuses one that
// is behind unless --migrate, and refuses one written by a newer ding.
func TestServeRefusesMismatchedSchema(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			dsn := storetest.DSN(t, e)
			cfg := defaultConfig()
			cfg.DataDir, cfg.DatabaseURL, cfg.Addr = t.TempDir(), dsn, "127.0.0.1:0"
			future := store.Migration{Version: "9000_test", SQL: "CREATE TABLE test_future (x INTEGER)"}
			open := func(migrate, knowFuture bool) error {
				m := &Main{Config: cfg, Migrate: migrate, Out: io.Discard, Hasher: auth.FastHasher}
				if knowFuture {
					m.onOpen = func(db *store.DB) { db.AddMigrationForTest(future) }
				}
				defer m.Close()
				err := m.Open(context.Background())
				if m.listener != nil {
					m.listener.Close()
				}
				return err
			}
			if err := open(false, false); err != nil {
				t.Fatalf("fresh database: %v", err)
			}
			// A newer ding knows 9000_test: without --migrate it refuses the old database.
			if err := open(false, true); err == nil || !strings.Contains(err.Error(), "behind") || !strings.Contains(err.Error(), "9000_test") {
				t.Fatalf("behind: %v", err)
			}
			if err := open(true, true); err != nil {
				t.Fatalf("serve --migrate: %v", err)
			}
			// Now the database is ahead of a ding that does not know 9000_test.
			if err := open(false, false); err == nil || !strings.Contains(err.Error(), "newer") {
				t.Fatalf("ahead: %v", err)
			}
		})
	}
}

// TestServeDemo starts the real server with the demo on a random port.
func TestServeDemo(t *testing.T) {
	m := startDemo(t)
	res, err := http.Get(m.URL() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || string(b) != "ok" {
		t.Fatalf("healthz %d %q", res.StatusCode, b)
	}
	if len(m.Logins) < 5 || m.Logins[0].Username != "admin" || m.Logins[0].Password != demoPassword {
		t.Fatalf("logins %+v", m.Logins)
	}
	// --demo refuses a data directory that already has a database.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "ding.db"), []byte("x"), 0o600)
	_, _, err = cli(t, map[string]string{"DING_DATA": dir}, "", "serve", "--demo", "--addr", "127.0.0.1:0")
	if err == nil || !strings.Contains(err.Error(), "fresh data directory") {
		t.Fatalf("demo over existing data: %v", err)
	}
}

const demoPassword = "demo-passw0rd"

// startDemo runs ding serve --demo on a random port until the test ends.
func startDemo(t *testing.T) *Main {
	t.Helper()
	cfg := defaultConfig()
	cfg.DataDir, cfg.Addr, cfg.LogLevel = t.TempDir(), "127.0.0.1:0", "warn"
	m := &Main{Config: cfg, Demo: true, Out: io.Discard, Hasher: auth.FastHasher, DemoPassword: demoPassword}
	ctx, cancel := context.WithCancel(context.Background())
	if err := m.Open(ctx); err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- m.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Error("server did not shut down")
		}
		m.Close()
	})
	return m
}

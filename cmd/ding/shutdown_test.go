package main

import (
	"context"
	"flag"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"ding/auth"
)

// TestServeGracefulShutdown: when the serve context ends, the listener closes at once (new
// connections are refused) while a request in flight finishes with the database still
// open, and Serve then returns nil.
func TestServeGracefulShutdown(t *testing.T) {
	cfg := defaultConfig()
	cfg.DataDir, cfg.Addr, cfg.LogLevel = t.TempDir(), "127.0.0.1:0", "warn"
	m := &Main{Config: cfg, Out: io.Discard, Hasher: auth.FastHasher}
	m.log = newLogger(cfg, io.Discard)
	entered, release := make(chan struct{}), make(chan struct{})
	m.onServe = func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/test/slow" {
				next.ServeHTTP(w, r)
				return
			}
			close(entered)
			<-release
			if err := m.DB.Ping(r.Context()); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			w.Write([]byte("finished"))
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := m.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	shuttingDown := make(chan struct{})
	m.server.RegisterOnShutdown(func() { close(shuttingDown) }) // runs once the listener is closed
	served := make(chan error, 1)
	go func() { served <- m.Serve(ctx) }()

	type answer struct {
		status int
		body   string
		err    error
	}
	slow := make(chan answer, 1)
	go func() {
		res, err := http.Get(m.URL() + "/test/slow")
		if err != nil {
			slow <- answer{err: err}
			return
		}
		b, err := io.ReadAll(res.Body)
		res.Body.Close()
		slow <- answer{res.StatusCode, string(b), err}
	}()
	<-entered
	cancel()
	<-shuttingDown

	if conn, err := net.Dial("tcp", m.listener.Addr().String()); err == nil {
		conn.Close()
		t.Fatal("a new connection was accepted during the shutdown")
	}
	select {
	case err := <-served:
		t.Fatalf("Serve returned with a request in flight: %v", err)
	default:
	}
	close(release)
	if a := <-slow; a.err != nil || a.status != 200 || a.body != "finished" {
		t.Fatalf("request in flight: %+v", a)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve: %v", err)
	}
}

// TestServeShutdownTimeout: a request that outlasts the shutdown timeout is cancelled and
// cut off, and Serve says so.
func TestServeShutdownTimeout(t *testing.T) {
	cfg := defaultConfig()
	cfg.DataDir, cfg.Addr, cfg.LogLevel, cfg.ShutdownTimeout = t.TempDir(), "127.0.0.1:0", "warn", time.Second
	m := &Main{Config: cfg, Out: io.Discard, Hasher: auth.FastHasher}
	m.log = newLogger(cfg, io.Discard)
	entered, cancelled := make(chan struct{}), make(chan struct{})
	m.onServe = func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			close(entered)
			<-r.Context().Done() // only the shutdown ends it
			close(cancelled)
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := m.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	served := make(chan error, 1)
	go func() { served <- m.Serve(ctx) }()
	got := make(chan error, 1)
	go func() {
		res, err := http.Get(m.URL() + "/anything")
		if err == nil {
			res.Body.Close()
		}
		got <- err
	}()
	<-entered
	cancel()
	if err := <-served; err == nil || !strings.Contains(err.Error(), "cut off") {
		t.Fatalf("Serve: %v", err)
	}
	<-cancelled
	if err := <-got; err == nil {
		t.Error("the cut-off request got an answer")
	}
}

// TestConfigPressure: the limits and timeouts come from the environment or flags and are
// validated.
func TestConfigPressure(t *testing.T) {
	env := map[string]string{"DING_REQUEST_TIMEOUT": "10s", "DING_HEAVY_TIMEOUT": "5m", "DING_HEAVY_LIMIT": "3",
		"DING_SHUTDOWN_TIMEOUT": "1m", "DING_MAX_UPLOAD": "33554432"}
	c := defaultConfig()
	if err := c.loadEnv(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if c.RequestTimeout != 10*time.Second || c.HeavyTimeout != 5*time.Minute || c.HeavyLimit != 3 || c.ShutdownTimeout != time.Minute || c.MaxUpload != 32<<20 {
		t.Fatalf("from env: %+v", c)
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.bindFlags(fs, true)
	if err := fs.Parse([]string{"--heavy-limit", "4", "--request-timeout", "20s", "--shutdown-timeout", "45s"}); err != nil {
		t.Fatal(err)
	}
	if c.HeavyLimit != 4 || c.RequestTimeout != 20*time.Second || c.ShutdownTimeout != 45*time.Second || c.HeavyTimeout != 5*time.Minute {
		t.Fatalf("flags over env: %+v", c)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if d := defaultConfig(); d.HeavyLimit < 2 || d.RequestTimeout != 30*time.Second || d.Validate() != nil {
		t.Errorf("defaults: %+v", d)
	}
	for _, bad := range []struct{ env, want string }{
		{"DING_REQUEST_TIMEOUT=0s", "request timeout"},
		{"DING_HEAVY_TIMEOUT=10s", "heavy timeout"}, // shorter than the request timeout
		{"DING_HEAVY_LIMIT=0", "heavy limit"},
		{"DING_SHUTDOWN_TIMEOUT=2h", "shutdown timeout"},
		{"DING_MAX_UPLOAD=1024", "max upload"}, // smaller than the body limit
		{"DING_HEAVY_LIMIT=many", "DING_HEAVY_LIMIT"},
		{"DING_SHUTDOWN_TIMEOUT=soon", "DING_SHUTDOWN_TIMEOUT"},
	} {
		k, v, _ := strings.Cut(bad.env, "=")
		c := defaultConfig()
		err := c.loadEnv(func(name string) string {
			if name == k {
				return v
			}
			return ""
		})
		if err == nil {
			err = c.Validate()
		}
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s: %v, want %q", bad.env, err, bad.want)
		}
	}
}

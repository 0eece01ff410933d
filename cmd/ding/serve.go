package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"ding/auth"
	"ding/demo"
	"ding/notify"
	"ding/store"
	"ding/web"
)

// Main is a running ding server. Tests start it on a random port with Addr 127.0.0.1:0.
type Main struct {
	Config       Config
	Demo         bool // seed the demo district into a fresh database
	Migrate      bool // apply pending migrations instead of refusing to start
	Out          io.Writer
	Hasher       auth.Hasher // zero: auth.DefaultHasher
	DemoPassword string

	DB       *store.DB
	listener net.Listener
	server   *http.Server
	sender   *notify.Sender // delivers e-mail and robot notifications from the outbox
	log      *slog.Logger
	Logins   []demo.Login
	onOpen   func(*store.DB) // tests: adjust the database before the schema check
	owner    string          // this server in job_runs (jobs.go)
	jobTick  time.Duration   // tests: how often the jobs are looked at (default 5 minutes)

	web            *web.Server
	cancelRequests context.CancelFunc                // cancels every request's context: the shutdown's time is up
	onServe        func(h http.Handler) http.Handler // tests: wrap the handler (a slow route)
}

// newLogger builds the structured logger from the config.
func newLogger(c Config, w io.Writer) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(c.LogLevel))
	opts := &slog.HandlerOptions{Level: lvl}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// Open prepares the database (migrating or refusing), seeds the demo if asked, and
// starts listening. Serve then serves until the context ends.
func (m *Main) Open(ctx context.Context) error {
	if m.Out == nil {
		m.Out = os.Stdout
	}
	if m.log == nil {
		m.log = newLogger(m.Config, os.Stderr)
	}
	if err := m.Config.Validate(); err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	db, err := openDB(ctx, m.Config)
	if err != nil {
		return err
	}
	m.DB = db
	m.owner = store.JobOwner()
	if m.onOpen != nil {
		m.onOpen(db)
	}
	st, err := db.Status(ctx)
	if err != nil {
		return err
	}
	switch {
	case len(st.Unknown) > 0:
		return fmt.Errorf("the database has migrations this ding does not know (%s): it was written by a newer version; upgrade ding", strings.Join(st.Unknown, ", "))
	case st.Empty() || (m.Migrate && len(st.Pending) > 0):
		done, err := db.Migrate(ctx)
		if err != nil {
			return err
		}
		m.log.Info("migrated", "applied", done)
		if err := db.Optimize(ctx); err != nil {
			m.log.Warn("optimize", "err", err)
		}
	case len(st.Pending) > 0:
		return fmt.Errorf("the database is %d migration(s) behind (%s): run \"ding migrate\" first, or \"ding serve --migrate\"", len(st.Pending), strings.Join(st.Pending, ", "))
	}
	hasher := m.Hasher
	if hasher.Memory == 0 {
		hasher = auth.DefaultHasher
	}
	if m.Demo {
		res, err := demo.Seed(ctx, db, hasher, m.DemoPassword)
		if err != nil {
			return err
		}
		m.Logins = res.Logins
	}
	key, err := m.Config.sessionKey()
	if err != nil {
		return err
	}
	srv, err := web.New(db, web.Options{
		BaseURL: m.Config.BaseURL, DataDir: m.Config.DataDir, MaxBodyBytes: m.Config.MaxBodyBytes, MaxUpload: m.Config.MaxUpload,
		SessionTTL: m.Config.SessionTTL, TrustProxy: m.Config.TrustProxy, SessionKey: key, Hasher: hasher, Logger: m.log,
		RequestTimeout: m.Config.RequestTimeout, HeavyTimeout: m.Config.HeavyTimeout, HeavyLimit: m.Config.HeavyLimit,
	})
	if err != nil {
		return err
	}
	m.web = srv
	handler := srv.Handler()
	if m.onServe != nil {
		handler = m.onServe(handler)
	}
	m.sender = &notify.Sender{DB: db, Mail: m.Config.mailer(), BaseURL: m.Config.BaseURL, Log: m.log, Lease: m.Config.NotifyLease,
		Timeout: min(30*time.Second, m.Config.NotifyLease/3)} // a send must end well within its lease
	m.listener, err = net.Listen("tcp", m.Config.Addr)
	if err != nil {
		return err
	}
	// Requests run under contexts of their own, cancelled only when a shutdown runs out of
	// time: a shutdown lets the requests in flight finish.
	reqCtx, cancelRequests := context.WithCancel(context.WithoutCancel(ctx))
	m.cancelRequests = cancelRequests
	m.server = &http.Server{
		Handler:           handler,
		BaseContext:       func(net.Listener) context.Context { return reqCtx },
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		// Longer than the heavy requests' deadline, so that they answer "timed out"
		// before the connection is cut.
		WriteTimeout: max(120*time.Second, m.Config.HeavyTimeout+15*time.Second),
		IdleTimeout:  120 * time.Second,
		ErrorLog:     slog.NewLogLogger(m.log.Handler(), slog.LevelWarn),
	}
	return nil
}

// URL is where the server listens.
func (m *Main) URL() string { return "http://" + m.listener.Addr().String() }

// Serve serves until ctx ends, then shuts down gracefully, in this order: stop listening
// (new connections are refused), let the requests in flight finish for up to
// ShutdownTimeout (then cancel and cut them), stop the background workers, and return; the
// caller closes the database last (Close).
func (m *Main) Serve(ctx context.Context) error {
	defer m.cancelRequests()
	// The workers (housekeeping, the notification sender) outlive ctx until the requests
	// have drained: a request in flight may still queue a notification.
	wctx, stopWorkers := context.WithCancel(context.WithoutCancel(ctx))
	var workers sync.WaitGroup
	workers.Go(func() { m.housekeeping(wctx) })
	// Before the database closes, the sender records what it was sending (at most its
	// recording timeout): an unrecorded message would go out again after a restart.
	workers.Go(func() { m.sender.Run(wctx) })
	defer func() {
		stopWorkers()
		workers.Wait()
	}()
	if a := m.Config.PprofAddr; a != "" {
		// Go's profiler on an address of its own (keep it on loopback): where a slow
		// server spends its CPU, for the operator; never on the public listener.
		mux := http.NewServeMux()
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
		ps := &http.Server{Addr: a, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go func() {
			if err := ps.ListenAndServe(); err != nil && err != http.ErrServerClosed {
				m.log.Warn("profiler", "addr", a, "err", err)
			}
		}()
		defer ps.Close()
		m.log.Info("profiler listening", "addr", a)
	}
	errc := make(chan error, 1)
	go func() { errc <- m.server.Serve(m.listener) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	m.log.Info("shutting down", "timeout", m.Config.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), m.Config.ShutdownTimeout)
	defer cancel()
	err := m.server.Shutdown(sctx)
	if err != nil {
		// Time is up: cut the connections of the requests still running and cancel
		// them (their queries stop).
		m.log.Warn("shutdown: requests still running were cut off", "timeout", m.Config.ShutdownTimeout)
		m.server.Close()
		m.cancelRequests()
		err = fmt.Errorf("shutdown: requests still running after %s were cut off", m.Config.ShutdownTimeout)
	}
	// Handlers that outlived their answer (a timed-out export still building) end before
	// the workers stop and the database closes: in what is left of the shutdown's time,
	// or, cancelled, within a few seconds more.
	if err != nil || m.web.Drain(sctx) != nil {
		m.cancelRequests()
		dctx, dcancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer dcancel()
		if m.web.Drain(dctx) != nil {
			m.log.Warn("shutdown: handlers still running")
		}
	}
	<-errc // http.ErrServerClosed
	return err
}

// Close closes the database.
func (m *Main) Close() error {
	if m.DB != nil {
		return m.DB.Close()
	}
	return nil
}

// openDB opens the configured database. store.Open makes the SQLite file's directory, so a
// command given --db elsewhere leaves no empty ./ding-data behind.
func openDB(ctx context.Context, c Config) (*store.DB, error) {
	db, err := store.Open(ctx, c.DSN())
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", redactDSN(c.DSN()), err)
	}
	return db, nil
}

func (e *cliEnv) loadConfig(fs *flag.FlagSet, args []string, withServe bool) (Config, error) {
	c := defaultConfig()
	if err := c.loadEnv(e.getenv); err != nil {
		return c, err
	}
	c.bindFlags(fs, withServe)
	fs.SetOutput(e.stderr)
	if err := fs.Parse(args); err != nil {
		return c, errUsage
	}
	return c, c.Validate()
}

func (e *cliEnv) serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	demoFlag := fs.Bool("demo", false, "create the demo district (衢江区) in a fresh data directory and print its logins")
	migrate := fs.Bool("migrate", false, "apply pending database migrations before serving")
	c, err := e.loadConfig(fs, args, true)
	if err != nil {
		return err
	}
	if *demoFlag && !store.IsPostgresDSN(c.DSN()) {
		if !c.dataDirSet && c.DatabaseURL == "" {
			dir, err := os.MkdirTemp("", "ding-demo-")
			if err != nil {
				return err
			}
			c.DataDir = dir
		} else if _, err := os.Stat(c.DSN()); err == nil {
			return fmt.Errorf("--demo needs a fresh data directory, but %s already exists: remove it or choose another --data", c.DSN())
		}
	}
	m := &Main{Config: c, Demo: *demoFlag, Migrate: *migrate, Out: e.stdout, DemoPassword: e.getenv("DING_DEMO_PASSWORD")}
	m.log = newLogger(c, e.stderr)
	defer m.Close()
	if err := m.Open(e.ctx); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "ding %s listening on %s (database: %s)\n", version, m.URL(), redactDSN(c.DSN()))
	if m.Demo {
		printLogins(e.stdout, c.DataDir, m.Logins)
	}
	return m.Serve(e.ctx)
}

func printLogins(w io.Writer, dataDir string, logins []demo.Login) {
	fmt.Fprintf(w, "\n演示数据（衢江区）已创建 / demo district created in %s\n", filepath.Clean(dataDir))
	fmt.Fprintf(w, "%-10s %-18s %-10s %s\n", "用户名", "密码", "角色", "单位")
	for _, l := range logins {
		fmt.Fprintf(w, "%-10s %-18s %-10s %s（%s）\n", l.Username, l.Password, l.Role, l.Unit, l.DisplayName)
	}
	fmt.Fprintln(w)
}

func (e *cliEnv) migrate(args []string) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	status := fs.Bool("status", false, "only show which migrations are applied and pending")
	c, err := e.loadConfig(fs, args, false)
	if err != nil {
		return err
	}
	db, err := openDB(e.ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := db.Status(e.ctx)
	if err != nil {
		return err
	}
	if *status {
		fmt.Fprintf(e.stdout, "applied: %s\npending: %s\n", listOrNone(st.Applied), listOrNone(st.Pending))
		if len(st.Unknown) > 0 {
			fmt.Fprintf(e.stdout, "unknown (newer ding?): %s\n", strings.Join(st.Unknown, ", "))
		}
		return nil
	}
	if len(st.Unknown) > 0 {
		return fmt.Errorf("the database has migrations this ding does not know (%s)", strings.Join(st.Unknown, ", "))
	}
	done, err := db.Migrate(e.ctx)
	if err != nil {
		return err
	}
	if len(done) == 0 {
		fmt.Fprintln(e.stdout, "database is up to date")
		return nil
	}
	fmt.Fprintf(e.stdout, "applied %d migration(s): %s\n", len(done), strings.Join(done, ", "))
	return nil
}

func listOrNone(vs []string) string {
	if len(vs) == 0 {
		return "(none)"
	}
	return strings.Join(vs, ", ")
}

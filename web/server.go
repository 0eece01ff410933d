// Package web serves ding's user interface (server-rendered html/template pages) and its
// JSON API under /api/v1. It is the only package that knows about HTTP: handlers read the
// request, call the store with the caller as actor in the context, and render the result.
package web

import (
	"context"
	"embed"
	"html/template"
	"log/slog"
	"net/http"
	"runtime"
	"time"

	"ding"
	"ding/auth"
	"ding/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Options configure the web server.
type Options struct {
	BaseURL      string        // external URL; https:// makes cookies Secure
	DataDir      string        // where uploaded files live (photos/<sha256>)
	MaxBodyBytes int64         // request body limit
	MaxUpload    int64         // limit of multipart uploads (Excel files, photos)
	SessionTTL   time.Duration // idle lifetime of a login session
	TrustProxy   bool          // take the client address from X-Forwarded-For
	SessionKey   []byte        // keys session cookie hashes; see auth.Authenticator.SessionKey
	Hasher       auth.Hasher
	LoginPolicy  ding.LoginPolicy
	Logger       *slog.Logger

	RequestTimeout time.Duration // time limit of a page or API request
	HeavyTimeout   time.Duration // time limit of a heavy request: exports, imports (pressure.go)
	HeavyLimit     int           // heavy requests that may run at once
	HeavyWait      time.Duration // how long a heavy request waits for a slot before 503
}

// Server is ding's HTTP server: UI pages, JSON API, health and metrics.
type Server struct {
	db      *store.DB
	opts    Options
	auth    *auth.Authenticator
	log     *slog.Logger
	pages   map[string]*template.Template
	static  *staticFiles
	metrics *metrics
	mux     *http.ServeMux
	gate    *gate    // slots of the heavy requests
	running inflight // handlers running, for Drain
}

// New builds a server on db.
func New(db *store.DB, opts Options) (*Server, error) {
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = 1 << 20
	}
	if opts.MaxUpload <= 0 {
		opts.MaxUpload = 20 << 20
	}
	if opts.RequestTimeout <= 0 {
		opts.RequestTimeout = 30 * time.Second
	}
	if opts.HeavyTimeout <= 0 {
		opts.HeavyTimeout = 2 * time.Minute
	}
	if opts.HeavyLimit <= 0 {
		opts.HeavyLimit = max(2, runtime.NumCPU())
	}
	if opts.HeavyWait <= 0 {
		opts.HeavyWait = 2 * time.Second
	}
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = 12 * time.Hour
	}
	if opts.Hasher.Memory == 0 {
		opts.Hasher = auth.DefaultHasher
	}
	if opts.LoginPolicy.LockAfter == 0 && opts.LoginPolicy.SlowAfter == 0 {
		opts.LoginPolicy = ding.DefaultLoginPolicy
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	s := &Server{
		db:      db,
		opts:    opts,
		auth:    auth.NewAuthenticator(db, opts.Hasher, opts.LoginPolicy, opts.SessionTTL),
		log:     opts.Logger,
		metrics: newMetrics(),
		mux:     http.NewServeMux(),
		gate:    newGate(opts.HeavyLimit, opts.HeavyWait),
	}
	s.metrics.gate = s.gate
	s.auth.SessionKey = opts.SessionKey
	var err error
	if s.static, err = loadStatic(); err != nil {
		return nil, err
	}
	if s.pages, err = s.parseTemplates(); err != nil {
		return nil, err
	}
	s.routes()
	return s, nil
}

// Handler returns the root handler with every middleware applied.
func (s *Server) Handler() http.Handler {
	var h http.Handler = s.mux
	h = s.authenticate(h)
	h = s.limitBody(h)
	h = s.deadline(h)
	h = s.recoverPanics(h)
	h = s.logRequests(h)
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, ding.Errorf(ding.ECSRF, "err.csrf"))
	}))
	return cop.Handler(h)
}

func (s *Server) routes() {
	m := s.mux
	// Health, metrics and static files need no login.
	s.handle("GET /healthz", s.handleHealth)
	s.handle("GET /metrics", s.metrics.serve)
	s.handle("GET /static/", s.static.serve)
	s.handle("GET /lang", s.handleLang)

	// Pages.
	s.handle("GET /login", s.page(s.loginPage, false))
	s.handle("POST /login", s.page(s.loginSubmit, false))
	s.handle("POST /logout", s.page(s.logout, true))
	s.handle("GET /{$}", s.page(s.homePage, true))
	s.pageRoutes()

	// JSON API.
	s.apiRoutes()

	m.Handle("/", s.instrument("unmatched", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, ding.Errorf(ding.ENOTFOUND, "err.page_not_found"))
	})))
}

// handle registers h for pattern, counted in the metrics under the pattern. The handler
// answers in time (guard), and a heavy one waits for a slot (bound; see pressure.go).
func (s *Server) handle(pattern string, h http.HandlerFunc) {
	var next http.Handler = h
	if heavyPattern(pattern) {
		next = s.bound(pattern, next)
	}
	s.mux.Handle(pattern, s.instrument(pattern, s.guard(pattern, next)))
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.db.Ping(ctx); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database unavailable\n"))
		return
	}
	w.Write([]byte("ok"))
}

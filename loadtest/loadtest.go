// Package loadtest is ding's month-end load test (ding loadtest): simulated liaisons and
// office staff use running servers through the same pages, forms and cookies as a browser,
// and afterwards Check reads the database to show that every write the servers accepted is
// there exactly once and every one they refused was refused with a message.
//
// Liaisons log in through the login form, open their project list and a project, submit
// the month's progress report with one or two photos (multipart, like the report form),
// and answer a demand assigned to their unit (the item page's report step). Office staff
// log in, open the dashboard, the project list with filters and sorting, a project, the
// warnings board and the overdue items, and now and then export the list. Each user pauses
// between requests (Config.Think). A share of the writes is invalid on purpose (a 形象进度
// of 150 %, an answer of more than 2,000 characters): the servers must refuse those.
//
// Every write carries a unique marker in its text. Run records each write with its
// marker and the server's answer; Check then looks each marker up through the store.
// Users, projects and demands are chosen from the database before the run so that no two
// simulated users write to the same project or demand (a conflict between two people
// editing the same record is a different test).
package loadtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"ding/store"
)

// Kinds of request, each timed separately.
const (
	KindLoginForm    = "login form"    // GET /login
	KindLogin        = "login"         // POST /login: the password check (argon2) and a new session
	KindHome         = "home"          // GET /
	KindProjectList  = "project list"  // GET /projects, with filters and sorting for the office
	KindProject      = "project page"  // GET /projects/{id}
	KindReportForm   = "report form"   // GET /projects/{id}/reports: history and the form
	KindReportSubmit = "report submit" // POST /projects/{id}/reports, multipart with photos
	KindItemList     = "item list"     // GET /items
	KindItem         = "item page"     // GET /items/{id}
	KindDemandAnswer = "demand answer" // POST /items/{id}/step, action report
	KindDashboard    = "dashboard"     // GET /dashboard
	KindWarnings     = "warnings"      // GET /warnings
	KindExport       = "export"        // GET /projects/export.xlsx
)

// kindOrder is the order of the table.
var kindOrder = []string{KindLoginForm, KindLogin, KindHome, KindProjectList, KindProject, KindReportForm, KindReportSubmit,
	KindItemList, KindItem, KindDemandAnswer, KindDashboard, KindWarnings, KindExport}

// PageView reports whether a kind is a page view (an HTML page read), the class the
// latency target for page views applies to; logins, writes and exports are not.
func PageView(kind string) bool {
	switch kind {
	case KindLogin, KindReportSubmit, KindDemandAnswer, KindExport:
		return false
	}
	return true
}

// Config is a load test.
type Config struct {
	// URLs are the base URLs of the running servers (http://127.0.0.1:8080); simulated
	// user i talks to URLs[i % len(URLs)] for its whole session.
	URLs []string
	// DB is the servers' database: users, projects and demands are chosen from it before
	// the run (read only), and Check reads it afterwards.
	DB *store.DB
	// Users is how many simulated users run at once (default 200).
	Users int
	// Duration and Requests bound the run, whichever comes first (at least one is needed).
	// Requests in flight when the bound is reached finish and are counted.
	Duration time.Duration
	Requests int
	// Password is every simulated user's password (ding gen --password).
	Password string
	// Seed chooses the users and their order of work.
	Seed int64
	// Think is the mean pause between two requests of a user; each pause is drawn evenly
	// from [0, 2·Think] (default 3 s; negative: none).
	Think time.Duration
	// Ramp spreads the users' first login evenly over this time (default Users × 150 ms:
	// 30 s for 200). A login checks an argon2 hash (19 MiB, ~25 ms of a core); the server
	// runs every check that arrives at once, so 200 logins within a few seconds pile up.
	Ramp time.Duration
	// OfficeShare is the percentage of office staff among the users (default 25).
	OfficeShare int
	// InvalidShare is the percentage of writes sent invalid on purpose (default 5; negative: none).
	InvalidShare int
	// Timeout is each request's limit (default 60 s).
	Timeout time.Duration
	// Skip lists kinds of page the users leave out (KindItemList, KindDashboard,
	// KindWarnings, KindExport), to measure the rest when one page is known to be slow; a
	// liaison then opens its demand directly, as from the link of its notification.
	Skip []string
	// Warmup, before the clock starts, has the office user of the widest scope log in and
	// open the dashboard once, unmeasured: the first dashboard after a nightly warning pass
	// rebuilds the rollups of every unit whose warnings changed (seconds on a province), a
	// cost of the morning's first dashboard, not of the month-end rush.
	Warmup bool
	// Progress, when set, gets a line every ProgressEvery (default 10 s) while running.
	Progress      io.Writer
	ProgressEvery time.Duration
	// Transport, when set, carries the requests (tests); default a transport that keeps a
	// connection per user.
	Transport http.RoundTripper
}

func (c *Config) defaults() error {
	if len(c.URLs) == 0 {
		return errors.New("loadtest: no server URL")
	}
	if c.DB == nil {
		return errors.New("loadtest: no database")
	}
	if c.Duration <= 0 && c.Requests <= 0 {
		return errors.New("loadtest: give a duration or a number of requests")
	}
	if c.Password == "" {
		return errors.New("loadtest: no password")
	}
	if c.Users <= 0 {
		c.Users = 200
	}
	if c.Think == 0 {
		c.Think = 3 * time.Second
	}
	if c.Ramp == 0 {
		c.Ramp = time.Duration(c.Users) * 150 * time.Millisecond
	}
	if c.OfficeShare <= 0 {
		c.OfficeShare = 25
	}
	if c.OfficeShare > 100 {
		c.OfficeShare = 100
	}
	if c.InvalidShare == 0 {
		c.InvalidShare = 5
	}
	if c.Timeout <= 0 {
		c.Timeout = 60 * time.Second
	}
	if c.ProgressEvery <= 0 {
		c.ProgressEvery = 10 * time.Second
	}
	return nil
}

// Result is what a run did: the requests by kind, every write with its answer, and the
// first failures (5xx answers and requests without an answer).
type Result struct {
	RunID    string        `json:"run_id"` // the prefix of this run's markers
	URLs     []string      `json:"urls"`
	Users    int           `json:"users"`
	Liaisons int           `json:"liaisons"`
	Offices  int           `json:"offices"`
	Plan     string        `json:"plan"`
	Think    time.Duration `json:"think_ns"`
	Started  time.Time     `json:"started"`
	Elapsed  time.Duration `json:"elapsed_ns"`
	Requests int           `json:"requests"`
	// Server5xx and NoResponse count every 5xx answer and every request that got none.
	Server5xx  int           `json:"server_5xx"`
	NoResponse int           `json:"no_response"`
	Unexpected int           `json:"unexpected"` // other answers a page or form should not give (a 404, a 403, a redirect to the login)
	Kinds      []*KindStats  `json:"kinds"`
	Writes     []Write       `json:"writes"`
	Failures   []Failure     `json:"failures"` // the first 100
	PerSecond  float64       `json:"per_second"`
	PageViews  PercentileSet `json:"page_views"` // every page view together
}

// KindStats are the figures of one kind of request.
type KindStats struct {
	Kind       string  `json:"kind"`
	PageView   bool    `json:"page_view"`
	Count      int     `json:"count"`
	Errors     int     `json:"errors"` // answered with an unexpected status, or not at all
	Status4xx  int     `json:"status_4xx"`
	Status5xx  int     `json:"status_5xx"`
	NoResponse int     `json:"no_response"`
	PerSecond  float64 `json:"per_second"`
	PercentileSet
	durations []time.Duration
}

// PercentileSet are latencies in milliseconds.
type PercentileSet struct {
	P50 float64 `json:"p50_ms"`
	P95 float64 `json:"p95_ms"`
	P99 float64 `json:"p99_ms"`
	Max float64 `json:"max_ms"`
}

func percentiles(ds []time.Duration) PercentileSet {
	if len(ds) == 0 {
		return PercentileSet{}
	}
	slices.Sort(ds)
	at := func(q float64) float64 {
		i := int(q*float64(len(ds))+0.999999) - 1 // nearest rank
		return ms(ds[min(max(i, 0), len(ds)-1)])
	}
	return PercentileSet{P50: at(0.50), P95: at(0.95), P99: at(0.99), Max: ms(ds[len(ds)-1])}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Write is one write a simulated user sent, with the server's answer.
type Write struct {
	Kind      string `json:"kind"`   // KindReportSubmit or KindDemandAnswer
	Marker    string `json:"marker"` // unique text in the report or the answer
	User      string `json:"user"`
	ProjectID int64  `json:"project_id,omitempty"`
	Period    string `json:"period,omitempty"`
	ItemID    int64  `json:"item_id,omitempty"`
	UnitID    int64  `json:"unit_id,omitempty"`
	Photos    int    `json:"photos,omitempty"`
	Invalid   bool   `json:"invalid,omitempty"` // invalid on purpose: must be refused
	Status    int    `json:"status"`            // 0: no answer
	Message   string `json:"message,omitempty"` // the error shown with a refusal
}

// Accepted reports whether the server accepted the write (2xx, or a 3xx to the next page).
func (w Write) Accepted() bool { return w.Status >= 200 && w.Status < 400 }

// Failure is a request that got a 5xx, no answer, or an answer a page should not give.
type Failure struct {
	URL     string `json:"url"` // the server (Config.URLs) the user talked to
	Kind    string `json:"kind"`
	Method  string `json:"method"`
	Path    string `json:"path"`
	User    string `json:"user"`
	Status  int    `json:"status"`
	Message string `json:"message"`
}

// recorder collects what the users do.
type recorder struct {
	mu       sync.Mutex
	kinds    map[string]*KindStats
	writes   []Write
	failures []Failure
	n5xx     int
	noResp   int
	unexp    int
}

func (r *recorder) observe(kind string, status int, d time.Duration, expected bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := r.kinds[kind]
	if k == nil {
		k = &KindStats{Kind: kind, PageView: PageView(kind)}
		r.kinds[kind] = k
	}
	k.Count++
	switch {
	case status == 0:
		k.NoResponse++
		r.noResp++
	case status >= 500:
		k.Status5xx++
		r.n5xx++
	case status >= 400:
		k.Status4xx++
	}
	if status == 0 || status >= 500 || !expected {
		k.Errors++
	}
	if status != 0 && status < 500 && !expected {
		r.unexp++
	}
	if status != 0 {
		k.durations = append(k.durations, d)
	}
}

func (r *recorder) fail(f Failure) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.failures) < 100 {
		r.failures = append(r.failures, f)
	}
}

func (r *recorder) write(w Write) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.writes = append(r.writes, w)
}

// limiter hands out requests until the bound is reached.
type limiter struct {
	max     int64
	n       atomic.Int64
	stopped chan struct{}
	once    sync.Once
}

func (l *limiter) stop() { l.once.Do(func() { close(l.stopped) }) }

// take reserves one request; false once the run is over.
func (l *limiter) take() bool {
	select {
	case <-l.stopped:
		return false
	default:
	}
	if n := l.n.Add(1); l.max > 0 && n > l.max {
		l.n.Add(-1)
		l.stop()
		return false
	}
	return true
}

// sleep pauses for d unless the run ends first; false if it ended.
func (l *limiter) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		select {
		case <-l.stopped:
			return false
		default:
			return true
		}
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-l.stopped:
		return false
	case <-ctx.Done():
		return false
	}
}

// Run runs the load test against cfg.URLs until cfg.Duration or cfg.Requests is reached
// (or ctx ends) and returns what happened. It fails only when the run cannot start (no
// users or projects to work with, a bad configuration); what the servers answered, good
// or bad, is in the Result, and Check judges the writes.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	rnd := rand.New(rand.NewPCG(uint64(cfg.Seed), 0x10ad))
	planStart := time.Now()
	pl, err := makePlan(ctx, cfg, rnd)
	if err != nil {
		return nil, err
	}
	if cfg.Progress != nil {
		fmt.Fprintf(cfg.Progress, "  chose %s in %s\n", pl.describe(), time.Since(planStart).Round(time.Millisecond))
	}
	transport := cfg.Transport
	if transport == nil {
		transport = &http.Transport{
			Proxy:               nil,
			MaxIdleConns:        cfg.Users * 2,
			MaxIdleConnsPerHost: cfg.Users * 2,
			IdleConnTimeout:     90 * time.Second,
		}
	}
	now := time.Now()
	res := &Result{
		RunID: fmt.Sprintf("lt%x%04x", now.Unix()%0x1000000, rnd.IntN(0x10000)), URLs: cfg.URLs, Users: len(pl.liaisons) + len(pl.offices),
		Liaisons: len(pl.liaisons), Offices: len(pl.offices), Think: cfg.Think, Plan: pl.describe(),
	}
	rec := &recorder{kinds: map[string]*KindStats{}}
	lim := &limiter{max: int64(cfg.Requests), stopped: make(chan struct{})}
	var seq atomic.Int64
	marker := func() string { return fmt.Sprintf("%s-%06d", res.RunID, seq.Add(1)) }

	users := make([]*simUser, 0, res.Users)
	for i, lp := range pl.liaisons {
		users = append(users, newSimUser(cfg, transport, rec, lim, marker, cfg.Seed, i, lp.user, lp, nil))
	}
	for i, op := range pl.offices {
		users = append(users, newSimUser(cfg, transport, rec, lim, marker, cfg.Seed, len(pl.liaisons)+i, op.user, nil, op))
	}
	// Interleave the roles so that both log in from the start of the ramp.
	rnd.Shuffle(len(users), func(i, j int) { users[i], users[j] = users[j], users[i] })
	for i, u := range users {
		u.base = cfg.URLs[i%len(cfg.URLs)]
		u.start = time.Duration(int64(cfg.Ramp) * int64(i) / int64(max(1, len(users))))
	}

	if cfg.Warmup && pl.warm != nil {
		t := time.Now()
		wl := &limiter{stopped: make(chan struct{})}
		wc := cfg
		wc.Timeout = 10 * time.Minute
		w := newSimUser(wc, transport, &recorder{kinds: map[string]*KindStats{}}, wl, marker, cfg.Seed, -1, pl.warm, nil, nil)
		w.base = cfg.URLs[0]
		err := w.login(ctx)
		if err == nil {
			var p *page
			if p, err = w.get(ctx, KindDashboard, "/dashboard"); err == errUnexpected {
				err = fmt.Errorf("answer %d %s", p.status, errorMessage(p.body))
			}
		}
		if err != nil {
			return nil, fmt.Errorf("loadtest: warm-up (%s opens the dashboard): %w", pl.warm.Username, err)
		}
		if cfg.Progress != nil {
			fmt.Fprintf(cfg.Progress, "  warmed up in %s (%s opened the dashboard)\n", time.Since(t).Round(time.Millisecond), pl.warm.Username)
		}
	}
	res.Started = time.Now()
	if cfg.Duration > 0 {
		t := time.AfterFunc(cfg.Duration, lim.stop)
		defer t.Stop()
	}
	stopOnCancel := context.AfterFunc(ctx, lim.stop)
	defer stopOnCancel()
	progressDone := make(chan struct{})
	if cfg.Progress != nil {
		go func() {
			tk := time.NewTicker(cfg.ProgressEvery)
			defer tk.Stop()
			for {
				select {
				case <-tk.C:
					rec.mu.Lock()
					n5, nr, nw := rec.n5xx, rec.noResp, len(rec.writes)
					rec.mu.Unlock()
					el := time.Since(res.Started)
					fmt.Fprintf(cfg.Progress, "  %5.0fs  %6d requests (%.1f/s)  %d writes  %d 5xx  %d without answer\n",
						el.Seconds(), lim.n.Load(), float64(lim.n.Load())/el.Seconds(), nw, n5, nr)
				case <-progressDone:
					return
				}
			}
		}()
	}
	var wg sync.WaitGroup
	for _, u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if lim.sleep(ctx, u.start) {
				u.run(ctx)
			}
		}()
	}
	wg.Wait()
	close(progressDone)
	res.Elapsed = time.Since(res.Started)

	res.Requests = int(lim.n.Load())
	res.Server5xx, res.NoResponse, res.Unexpected = rec.n5xx, rec.noResp, rec.unexp
	res.Writes, res.Failures = rec.writes, rec.failures
	sec := res.Elapsed.Seconds()
	res.PerSecond = float64(res.Requests) / sec
	var pages []time.Duration
	for _, k := range kindOrder {
		if s := rec.kinds[k]; s != nil {
			res.Kinds = append(res.Kinds, s)
		}
	}
	for _, s := range res.Kinds {
		s.PerSecond = float64(s.Count) / sec
		if s.PageView {
			pages = append(pages, s.durations...)
		}
		s.PercentileSet = percentiles(s.durations)
	}
	res.PageViews = percentiles(pages)
	sort.SliceStable(res.Writes, func(i, j int) bool { return res.Writes[i].Marker < res.Writes[j].Marker })
	return res, nil
}

// Kind returns the figures of a kind, or nil if no request of it was made.
func (r *Result) Kind(kind string) *KindStats {
	for _, k := range r.Kinds {
		if k.Kind == kind {
			return k
		}
	}
	return nil
}

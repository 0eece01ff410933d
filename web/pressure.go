package web

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"ding/i18n"
)

// Behaviour under pressure (docs/architecture.md, "Under pressure"):
//
//   - every request runs under a context deadline: RequestTimeout for pages and the API,
//     HeavyTimeout for heavy routes. Store calls take r.Context(), so a query still running
//     at the deadline is cancelled; the caller gets a 503 page or JSON error that says the
//     request took too long, never a hung connection;
//   - heavy routes (exports, imports, the bulletin, the statistics) share HeavyLimit slots.
//     A heavy request that finds them full waits HeavyWait for one, then answers 503 with
//     Retry-After ("系统繁忙，请 N 秒后再试") while light pages go on answering;
//   - Drain waits until every handler has returned, for a graceful shutdown.

// errRequestTimeout is the cause of a request context that ran out of time (as opposed to
// a client that went away).
var errRequestTimeout = errors.New("request timeout")

// timeoutKey holds the request's time limit in its context.
type timeoutKey struct{}

// heavyRoutes are the routes, besides every .xlsx and .csv download, that build a whole
// workbook, read an uploaded one, or scan the whole data set.
var heavyRoutes = []string{
	"POST /projects/import",
	"POST /projects/import/commit",
	"POST /indicators/import",
	"POST /indicators/import/commit",
	"POST /settings/calendar/import",
	"POST /settings/calendar/import/commit",
	"POST /api/v1/imports",
	"POST /bulletins",
	"POST /bulletins/{id}/rebuild",
	"GET /bulletins/{id}/print",
	"POST /api/v1/bulletins",
	"GET /statistics",
	"GET /api/v1/statistics",
	"POST /indicators/{id}/refresh",
	"POST /api/v1/indicators/refresh",
}

// heavyPattern reports whether the route pattern is heavy: a download of a workbook or a
// CSV file, or one of heavyRoutes.
func heavyPattern(pattern string) bool {
	if strings.HasSuffix(pattern, ".xlsx") || strings.HasSuffix(pattern, ".csv") {
		return true
	}
	return slices.Contains(heavyRoutes, pattern)
}

// deadline gives the request its context deadline, by the route it will reach.
func (s *Server) deadline(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d := s.opts.RequestTimeout
		if _, pattern := s.mux.Handler(r); heavyPattern(pattern) {
			d = s.opts.HeavyTimeout
		}
		ctx, cancel := context.WithTimeoutCause(context.WithValue(r.Context(), timeoutKey{}, d), d, errRequestTimeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// timedOut reports whether the request ran out of time.
func timedOut(r *http.Request) bool {
	return errors.Is(context.Cause(r.Context()), errRequestTimeout)
}

// answerTimeout answers a request that ran out of time, and reports whether it did. The
// store turns a cancelled query into "database unavailable"; s.fail asks here first so
// that the caller learns the real reason.
func (s *Server) answerTimeout(w http.ResponseWriter, r *http.Request) bool {
	if !timedOut(r) {
		return false
	}
	limit, _ := r.Context().Value(timeoutKey{}).(time.Duration)
	secs := int(math.Ceil(limit.Seconds()))
	s.log.Warn("request timed out", "path", r.URL.Path, "limit", limit)
	s.answerPressure(w, r, "timeout", i18n.T(s.pressureLang(r), "pressure.timeout", secs), 0)
	return true
}

// answerBusy answers a heavy request that found no free slot.
func (s *Server) answerBusy(w http.ResponseWriter, r *http.Request, retryAfter int) {
	w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
	s.answerPressure(w, r, "busy", i18n.T(s.pressureLang(r), "pressure.busy", retryAfter), retryAfter)
}

// pressureLang is the caller's language, also when authentication itself ran out of time.
func (s *Server) pressureLang(r *http.Request) string {
	if q, ok := r.Context().Value(requestKey{}).(*request); ok && q.lang != "" {
		return q.lang
	}
	return s.langFor(r, nil)
}

// pressureError is the API's error format with the seconds to wait before retrying.
type pressureError struct {
	Error pressureErrorBody `json:"error"`
}

type pressureErrorBody struct {
	Code       string `json:"code"`
	Message    string `json:"message"`
	RetryAfter int    `json:"retry_after,omitempty"`
}

// answerPressure writes 503 with the message: the API's JSON error, or the busy page. The
// page is rendered without asking the database anything (the unread count is left out).
func (s *Server) answerPressure(w http.ResponseWriter, r *http.Request, code, msg string, retryAfter int) {
	if isAPI(r) {
		writeJSON(w, http.StatusServiceUnavailable, pressureError{Error: pressureErrorBody{Code: code, Message: msg, RetryAfter: retryAfter}})
		return
	}
	q := reqOf(r)
	q2 := *q
	q2.lang = s.pressureLang(r)
	bare := r.WithContext(context.WithValue(context.Background(), requestKey{}, &q2))
	v := s.view(bare, "")
	data := map[string]any{"Status": http.StatusServiceUnavailable, "Message": msg}
	if code == "busy" {
		v.Title = v.T("pressure.busy_title")
		data["Note"] = v.T("pressure.busy_note")
	} else {
		v.Title = v.T("pressure.timeout_title")
	}
	if r.Method == http.MethodGet {
		data["Retry"] = r.URL.RequestURI()
	}
	v.Data = data
	s.renderStatus(w, r, http.StatusServiceUnavailable, "busy", v)
}

// gate bounds the heavy requests that run at once.
type gate struct {
	slots chan struct{}
	wait  time.Duration

	mu  sync.Mutex
	avg time.Duration // moving average of how long a heavy request holds its slot
}

func newGate(n int, wait time.Duration) *gate {
	return &gate{slots: make(chan struct{}, n), wait: wait}
}

// enter takes a slot, waiting at most g.wait for one; false when none came free.
func (g *gate) enter(ctx context.Context) bool {
	select {
	case g.slots <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return true
	case <-t.C:
	case <-ctx.Done():
	}
	return false
}

// leave frees the slot held for d.
func (g *gate) leave(d time.Duration) {
	<-g.slots
	g.mu.Lock()
	if g.avg == 0 {
		g.avg = d
	} else {
		g.avg = (4*g.avg + d) / 5
	}
	g.mu.Unlock()
}

// retryAfter is how many seconds a refused caller should wait: about as long as a heavy
// request takes, between 2 and 60 seconds (5 before any has finished).
func (g *gate) retryAfter() int {
	g.mu.Lock()
	avg := g.avg
	g.mu.Unlock()
	if avg == 0 {
		return 5
	}
	return min(max(int(math.Ceil(avg.Seconds())), 2), 60)
}

// inUse is how many slots are taken.
func (g *gate) inUse() int { return len(g.slots) }

// bound runs a heavy route in a slot of the gate, or answers 503 when none comes free.
// Anonymous callers pass straight through: the handler refuses them at once, and they
// must not be able to keep the slots busy.
func (s *Server) bound(route string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if reqOf(r).user == nil {
			next.ServeHTTP(w, r)
			return
		}
		if !s.gate.enter(r.Context()) {
			if !s.answerTimeout(w, r) {
				s.metrics.countPressure(route, "busy")
				s.answerBusy(w, r, s.gate.retryAfter())
			}
			return
		}
		start := time.Now()
		defer func() { s.gate.leave(time.Since(start)) }()
		next.ServeHTTP(w, r)
	})
}

// guard runs the handler in its own goroutine so that a handler that does not heed its
// context (a workbook being built in memory) cannot hold the caller past the deadline: if
// it has written nothing by then, the caller gets the timeout answer and whatever the
// handler writes later is dropped. A handler that has begun its answer is let finish. Drain
// waits for the handlers that outlive their answer.
func (s *Server) guard(route string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		tw := &timeoutWriter{w: w, h: w.Header().Clone()}
		done := make(chan struct{})
		var panicked any
		s.running.add()
		go func() {
			defer s.running.done()
			defer close(done)
			defer func() {
				if v := recover(); v != nil {
					if v != http.ErrAbortHandler {
						v = fmt.Sprintf("%v\n%s", v, debug.Stack())
					}
					panicked = v
				}
			}()
			next.ServeHTTP(tw, r)
		}()
		select {
		case <-done:
		case <-ctx.Done():
			if timedOut(r) && tw.abandon() {
				s.metrics.countPressure(route, "timeout")
				s.answerTimeout(w, r)
				go func() {
					// The handler still runs; its panic, if any, is only logged.
					<-done
					if panicked != nil {
						s.log.Error("panic after timeout", "path", r.URL.Path, "panic", panicked)
					}
				}()
				return
			}
			<-done
		}
		if timedOut(r) {
			s.metrics.countPressure(route, "timeout")
		}
		if panicked != nil {
			panic(panicked)
		}
	})
}

// timeoutWriter passes a handler's answer through until the guard abandons it. It keeps
// its own header map so that the handler and the guard never touch the same one.
type timeoutWriter struct {
	w         http.ResponseWriter
	h         http.Header
	mu        sync.Mutex
	wrote     bool // the answer has begun: headers are out
	abandoned bool // the guard answered instead; drop everything
}

func (tw *timeoutWriter) Header() http.Header { return tw.h }

// commit sends the headers once; tw.mu is held.
func (tw *timeoutWriter) commit() {
	if tw.wrote {
		return
	}
	tw.wrote = true
	dst := tw.w.Header()
	clear(dst)
	for k, v := range tw.h {
		dst[k] = v
	}
}

func (tw *timeoutWriter) WriteHeader(code int) {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	if tw.abandoned || tw.wrote {
		return
	}
	tw.commit()
	tw.w.WriteHeader(code)
}

func (tw *timeoutWriter) Write(b []byte) (int, error) {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	if tw.abandoned {
		return 0, http.ErrHandlerTimeout
	}
	tw.commit()
	return tw.w.Write(b)
}

func (tw *timeoutWriter) Flush() {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	if tw.abandoned {
		return
	}
	tw.commit()
	if f, ok := tw.w.(http.Flusher); ok {
		f.Flush()
	}
}

// abandon takes the answer away from the handler, unless it has begun it.
func (tw *timeoutWriter) abandon() bool {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	if tw.wrote {
		return false
	}
	tw.abandoned = true
	return true
}

// inflight counts the handlers running, for Drain.
type inflight struct {
	mu   sync.Mutex
	n    int
	idle chan struct{} // closed when n drops to 0
}

func (f *inflight) add() {
	f.mu.Lock()
	if f.n == 0 {
		f.idle = make(chan struct{})
	}
	f.n++
	f.mu.Unlock()
}

func (f *inflight) done() {
	f.mu.Lock()
	f.n--
	if f.n == 0 {
		close(f.idle)
	}
	f.mu.Unlock()
}

// Drain waits until every handler has returned, including those whose caller already got
// the timeout answer, or until ctx ends. Call it after http.Server.Shutdown, before the
// database closes.
func (s *Server) Drain(ctx context.Context) error {
	s.running.mu.Lock()
	if s.running.n == 0 {
		s.running.mu.Unlock()
		return nil
	}
	idle := s.running.idle
	s.running.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// pressureCounts counts, per route, the heavy requests refused as busy and the requests
// that ran out of time. It lives in metrics and is guarded by its mutex.
type pressureCounts map[[2]string]uint64 // {route, "busy"|"timeout"} → n

func (m *metrics) countPressure(route, what string) {
	m.mu.Lock()
	m.pressure[[2]string{route, what}]++
	m.mu.Unlock()
}

// write adds the counters and the heavy slots in use to the metrics text; the caller holds
// the metrics mutex.
func (p pressureCounts) write(b *strings.Builder, g *gate) {
	keys := make([][2]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]string) int { return strings.Compare(a[0]+"\x00"+a[1], b[0]+"\x00"+b[1]) })
	b.WriteString("# HELP ding_http_busy_total Heavy requests refused with 503 because every heavy slot was taken.\n# TYPE ding_http_busy_total counter\n")
	for _, k := range keys {
		if k[1] == "busy" {
			fmt.Fprintf(b, "ding_http_busy_total{route=\"%s\"} %d\n", label(k[0]), p[k])
		}
	}
	b.WriteString("# HELP ding_http_timeouts_total Requests that ran out of time.\n# TYPE ding_http_timeouts_total counter\n")
	for _, k := range keys {
		if k[1] == "timeout" {
			fmt.Fprintf(b, "ding_http_timeouts_total{route=\"%s\"} %d\n", label(k[0]), p[k])
		}
	}
	if g != nil {
		b.WriteString("# HELP ding_http_heavy_in_use Heavy requests running now.\n# TYPE ding_http_heavy_in_use gauge\n")
		fmt.Fprintf(b, "ding_http_heavy_in_use %d\n", g.inUse())
		b.WriteString("# HELP ding_http_heavy_slots Heavy requests allowed at once.\n# TYPE ding_http_heavy_slots gauge\n")
		fmt.Fprintf(b, "ding_http_heavy_slots %d\n", cap(g.slots))
	}
}

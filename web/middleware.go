package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"ding"
	"ding/auth"
	"ding/i18n"
)

const (
	sessionCookie = "ding_session"
	langCookie    = "ding_lang"
	loginCSRF     = "ding_csrf" // double-submit cookie for forms shown before login
	csrfField     = "_csrf"
	csrfHeader    = "X-CSRF-Token"
)

// request is what the middleware learned about a request: who asks, how, in which language.
type request struct {
	user    *ding.User
	session *ding.Session // nil for token or anonymous callers
	token   *ding.Token   // set for Bearer callers
	actor   *ding.Actor
	lang    string
	ip      string
}

type requestKey struct{}

func reqOf(r *http.Request) *request {
	if q, ok := r.Context().Value(requestKey{}).(*request); ok {
		return q
	}
	return &request{lang: i18n.Default}
}

// clientIP is the caller's address: the peer, or the first X-Forwarded-For hop behind a
// trusted proxy.
func (s *Server) clientIP(r *http.Request) string {
	if s.opts.TrustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			return strings.TrimSpace(strings.Split(xff, ",")[0])
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// authenticate finds the caller from the session cookie or a Bearer token and puts the
// request info, with the actor, in the context. An invalid credential leaves the request
// anonymous; handlers that need a user then answer 401 or redirect to the login page.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := &request{ip: s.clientIP(r)}
		ctx := r.Context()
		if strings.HasPrefix(r.URL.Path, "/static/") || r.URL.Path == "/healthz" || r.URL.Path == "/metrics" {
			next.ServeHTTP(w, r)
			return
		}
		if h := r.Header.Get("Authorization"); h != "" {
			secret, ok := strings.CutPrefix(h, "Bearer ")
			if ok {
				tok, u, err := s.db.UserByToken(ctx, auth.HashSecret(strings.TrimSpace(secret)))
				if err == nil {
					q.user, q.token = u, tok
				} else if ding.ErrorCode(err) != ding.ENOTFOUND {
					s.fail(w, r, err)
					return
				}
			}
			if q.user == nil {
				q.lang = s.langFor(r, nil)
				s.fail(w, r.WithContext(context.WithValue(ctx, requestKey{}, q)), ding.Errorf(ding.EUNAUTHORIZED, "err.unauthorized"))
				return
			}
		} else if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
			sess, u, err := s.db.SessionByToken(ctx, s.auth.SessionHash(c.Value))
			switch {
			case err == nil:
				q.user, q.session = u, sess
				// Slide the expiry, at most once a minute.
				if now := s.db.Now(); now.Sub(sess.LastSeen) > time.Minute {
					if err := s.db.TouchSession(ctx, sess.ID, now.Add(s.opts.SessionTTL)); err != nil {
						s.log.Warn("touch session", "err", err)
					}
				}
			case ding.ErrorCode(err) == ding.ENOTFOUND:
				s.clearCookie(w, sessionCookie)
			default:
				s.fail(w, r, err)
				return
			}
		}
		if q.user != nil {
			u := q.user
			q.actor = &ding.Actor{UserID: u.ID, Username: u.Username, UnitID: u.UnitID, Role: u.Role, Scope: u.Scope, IP: q.ip}
			ctx = ding.WithActor(ctx, q.actor)
		}
		q.lang = s.langFor(r, q.user)
		ctx = context.WithValue(ctx, requestKey{}, q)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// langFor picks the UI language: the user's setting, the language cookie, then the
// browser's Accept-Language; Chinese by default.
func (s *Server) langFor(r *http.Request, u *ding.User) string {
	if u != nil && i18n.Supported(u.Lang) {
		return u.Lang
	}
	if c, err := r.Cookie(langCookie); err == nil && i18n.Supported(c.Value) {
		return c.Value
	}
	return i18n.FromAcceptLanguage(r.Header.Get("Accept-Language"))
}

// checkCSRF guards a state-changing request made with a session cookie: the form field or
// header must carry the session's CSRF token. Bearer-token requests carry no cookie and
// need no token. Before login, a double-submit cookie serves the same purpose.
func (s *Server) checkCSRF(r *http.Request) error {
	q := reqOf(r)
	if q.token != nil {
		return nil
	}
	got := r.Header.Get(csrfHeader)
	if got == "" {
		got = r.PostFormValue(csrfField)
	}
	want := ""
	if q.session != nil {
		want = q.session.CSRFToken
	} else if c, err := r.Cookie(loginCSRF); err == nil {
		want = c.Value
	}
	if want == "" || got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return ding.Errorf(ding.ECSRF, "err.csrf")
	}
	return nil
}

// limitBody caps request bodies.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := s.opts.MaxBodyBytes
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
			limit = s.opts.MaxUpload // files: Excel imports and photos
		}
		if r.ContentLength > limit {
			s.fail(w, r, ding.Errorf(ding.ETOOLARGE, "err.too_large", byteSize(limit)))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

// bodyError turns a body read error into ETOOLARGE when the limit was hit.
func (s *Server) bodyError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return ding.Errorf(ding.ETOOLARGE, "err.too_large", byteSize(mbe.Limit))
	}
	return ding.Errorf(ding.EINVALID, "err.bad_json", err.Error())
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return itoa(n>>20) + " MiB"
	case n >= 1<<10:
		return itoa(n>>10) + " KiB"
	}
	return itoa(n) + " B"
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				s.fail(w, r, ding.Errorf(ding.EINTERNAL, "err.internal"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// statusWriter records the status code for logs and metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		lvl := slogLevel(sw.status)
		s.log.Log(r.Context(), lvl, "request", "method", r.Method, "path", r.URL.Path, "status", sw.status,
			"bytes", sw.bytes, "ms", time.Since(start).Milliseconds(), "ip", s.clientIP(r))
	})
}

// instrument counts requests and latencies of one route.
func (s *Server) instrument(route string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		s.metrics.observe(route, sw.status, time.Since(start))
	})
}

func (s *Server) secureCookies() bool { return strings.HasPrefix(s.opts.BaseURL, "https://") }

func (s *Server) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: int(maxAge.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secureCookies() || r.TLS != nil,
	})
}

func (s *Server) clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"ding"
	"ding/i18n"
)

// statusOf maps an error code to an HTTP status.
func statusOf(code string) int {
	switch code {
	case ding.EINVALID:
		return http.StatusUnprocessableEntity
	case ding.ENOTFOUND:
		return http.StatusNotFound
	case ding.ECONFLICT:
		return http.StatusConflict
	case ding.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case ding.EFORBIDDEN, ding.ECSRF:
		return http.StatusForbidden
	case ding.ETOOMANY, ding.ELOCKED:
		return http.StatusTooManyRequests
	case ding.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case ding.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

func slogLevel(status int) slog.Level {
	switch {
	case status >= 500:
		return slog.LevelError
	case status >= 400:
		return slog.LevelWarn
	}
	return slog.LevelInfo
}

// isAPI reports whether the request wants JSON.
func isAPI(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/") || r.URL.Path == "/metrics"
}

// apiError is the one error format of the JSON API.
type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// message returns the error's text in lang.
func message(lang string, e *ding.Error) string {
	return i18n.T(lang, e.Key, e.Args...)
}

// fail answers with the error: JSON for the API, an error page for the UI (or a redirect to
// the login page for an anonymous caller).
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if s.answerTimeout(w, r) { // the real reason of a cancelled query (pressure.go)
		return
	}
	e := ding.AsError(err)
	status := statusOf(e.Code)
	if status >= 500 {
		s.log.Error("request failed", "path", r.URL.Path, "code", e.Code, "err", err)
	}
	q := reqOf(r)
	lang := q.lang
	if lang == "" {
		lang = s.langFor(r, nil)
	}
	if e.Code == ding.ETOOMANY || e.Code == ding.ELOCKED {
		w.Header().Set("Retry-After", "60")
	}
	if isAPI(r) {
		if e.Code == ding.EUNAUTHORIZED {
			w.Header().Set("WWW-Authenticate", `Bearer realm="ding"`)
		}
		writeJSON(w, status, apiError{Error: apiErrorBody{Code: e.Code, Message: message(lang, e), Field: e.Field}})
		return
	}
	if e.Code == ding.EUNAUTHORIZED && r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	v := s.view(r, "error")
	v.Title = i18n.T(lang, "page.error")
	v.Data = map[string]any{"Status": status, "Message": message(lang, e)}
	s.renderStatus(w, r, status, "error", v)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}

// view is what every page template gets.
type view struct {
	Lang        string
	Title       string
	Nav         string // active navigation entry
	User        *ding.User
	CSRF        string
	Crumbs      []crumb
	Flash       string
	Error       string // form-level error message
	FieldErrors map[string]string
	Form        url.Values // submitted values to show again
	Static      func(string) string
	Path        string
	Unread      int // the user's unread inbox items, for the badge
	Data        any
}

type crumb struct{ Label, URL string }

// T translates a key in the page's language.
func (v *view) T(key string, args ...any) string { return i18n.T(v.Lang, key, args...) }

// FormValue returns the submitted value of a field, for re-showing a form.
func (v *view) FormValue(name string) string {
	if v.Form == nil {
		return ""
	}
	return v.Form.Get(name)
}

// FieldError returns the error of a field, if any.
func (v *view) FieldError(name string) string { return v.FieldErrors[name] }

// Can reports whether the user has one of the permissions named: "units", "users", "audit".
func (v *view) Can(what string) bool {
	if v.User == nil {
		return false
	}
	a := &ding.Actor{Role: v.User.Role}
	switch what {
	case "units":
		return a.CanManageUnits()
	case "users":
		return a.CanManageUsers()
	case "audit":
		return a.IsAdmin()
	case "desk":
		return a.Role == ding.RoleLeader
	}
	return false
}

// FormatTime shows a timestamp in Asia/Shanghai.
func (v *view) FormatTime(t any) string {
	switch x := t.(type) {
	case time.Time:
		if x.IsZero() {
			return "—"
		}
		return x.In(shanghai).Format("2006-01-02 15:04")
	case *time.Time:
		if x == nil || x.IsZero() {
			return "—"
		}
		return x.In(shanghai).Format("2006-01-02 15:04")
	}
	return "—"
}

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}()

func (s *Server) view(r *http.Request, nav string) *view {
	q := reqOf(r)
	v := &view{Lang: q.lang, Nav: nav, User: q.user, Static: s.static.url, Path: r.URL.Path}
	if v.Lang == "" {
		v.Lang = i18n.Default
	}
	if q.session != nil {
		v.CSRF = q.session.CSRFToken
	}
	if q.user != nil {
		v.Unread = s.unreadCount(r.Context())
	}
	if f := r.URL.Query().Get("flash"); f != "" && i18n.Has("flash."+f) {
		v.Flash = v.T("flash." + f)
	}
	return v
}

// withFormError puts the error on the view: under its field when it names one.
func (v *view) withFormError(err error) {
	e := ding.AsError(err)
	msg := message(v.Lang, e)
	if e.Field != "" {
		if v.FieldErrors == nil {
			v.FieldErrors = map[string]string{}
		}
		v.FieldErrors[e.Field] = msg
	}
	v.Error = msg
}

var funcs = template.FuncMap{
	"add": func(a, b int) int { return a + b },
	"sub": func(a, b int) int { return a - b },
	"seq": func(n int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out
	},
	"str": func(v any) string { return fmt.Sprint(v) },
	"query": func(kv ...any) template.URL {
		q := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			val := fmt.Sprint(kv[i+1])
			if val != "" && val != "0" {
				q.Set(fmt.Sprint(kv[i]), val)
			}
		}
		return template.URL(q.Encode())
	},
	"json": func(raw json.RawMessage) string {
		if len(raw) == 0 {
			return ""
		}
		var b bytes.Buffer
		if err := json.Indent(&b, raw, "", "  "); err != nil {
			return string(raw)
		}
		return b.String()
	},
}

// parseTemplates parses each page with the shared layout.
func (s *Server) parseTemplates() (map[string]*template.Template, error) {
	pages := map[string]*template.Template{}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", n)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", n, err)
		}
		pages[base] = t
	}
	return pages, nil
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, page string, v *view) {
	s.renderStatus(w, r, http.StatusOK, page, v)
}

func (s *Server) renderStatus(w http.ResponseWriter, r *http.Request, status int, page string, v *view) {
	t, ok := s.pages[page]
	if !ok {
		s.log.Error("no template", "page", page)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "layout.html", v); err != nil {
		s.log.Error("render", "page", page, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// page wraps a UI handler: it requires a login (when auth is set), checks CSRF on
// state-changing methods, and renders returned errors.
func (s *Server) page(h func(http.ResponseWriter, *http.Request) error, needLogin bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := reqOf(r)
		if needLogin && q.user == nil {
			s.fail(w, r, ding.Errorf(ding.EUNAUTHORIZED, "err.unauthorized"))
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			err := s.parseBody(r)
			if r.MultipartForm != nil {
				defer r.MultipartForm.RemoveAll()
			}
			if err != nil {
				s.fail(w, r, err)
				return
			}
			if err := s.checkCSRF(r); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	}
}

// parseBody reads a form: url-encoded, or multipart with its files (parts beyond 8 MiB
// spill to temporary files, removed when the request ends), so that the CSRF field of an
// upload form is seen like any other.
func (s *Server) parseBody(r *http.Request) error {
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(8 << 20)
	} else {
		err = r.ParseForm()
	}
	if err == nil {
		return nil
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return ding.Errorf(ding.ETOOLARGE, "err.too_large", byteSize(mbe.Limit))
	}
	return ding.Errorf(ding.EINVALID, "err.bad_upload")
}

// redirect answers a successful form post with a redirect (POST-redirect-GET).
func redirect(w http.ResponseWriter, r *http.Request, to, flash string) error {
	if flash != "" {
		sep := "?"
		if strings.Contains(to, "?") {
			sep = "&"
		}
		to += sep + "flash=" + url.QueryEscape(flash)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// formInt reads an integer form or query value; empty gives 0.
func formInt(r *http.Request, name string) (int64, error) {
	v := strings.TrimSpace(r.FormValue(name))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, ding.FieldError(name, "err.bad_param", name)
	}
	return n, nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// pathID reads the {id} path value.
func pathID(r *http.Request) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || n <= 0 {
		return 0, ding.Errorf(ding.ENOTFOUND, "err.page_not_found")
	}
	return n, nil
}

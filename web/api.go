package web

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"ding"
)

// The JSON API v1. Every resource follows the same shape (docs/api.md):
//
//   - handlers are apiFuncs wrapped by s.api, which requires a caller, checks CSRF for
//     cookie callers on unsafe methods, and writes the result or the one error format;
//   - bodies are read with decodeJSON (application/json, no unknown fields, one value);
//   - lists answer apiList (items, total, limit, offset), paged by apiPageOf;
//   - filters are query parameters read with apiQueryID, apiQueryBool, apiQueryTime.

// apiV1Routes registers the JSON API v1.
func (s *Server) apiV1Routes() {
	s.handle("GET /api/v1/me", s.api(s.apiMe))
	s.apiUnitRoutes()  // api_units.go
	s.apiUserRoutes()  // api_users.go
	s.apiTokenRoutes() // api_tokens.go
	s.apiAuditRoutes() // api_audit.go

	// Anything else under /api/ is a JSON 404, whatever the method.
	s.handle("/api/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, ding.Errorf(ding.ENOTFOUND, "api.no_route", r.Method, r.URL.Path))
	})
}

// apiFunc is a JSON API handler. It returns the value to answer with, or an error. A nil
// value answers 204 No Content; wrap a value with apiCreated to answer 201 Created.
type apiFunc func(w http.ResponseWriter, r *http.Request) (any, error)

// apiCreatedValue is a value answered with 201 Created.
type apiCreatedValue struct{ v any }

// apiCreated marks v as a newly created resource (201).
func apiCreated(v any) any { return apiCreatedValue{v} }

// api wraps an API handler: it answers 401 to anonymous callers, checks the CSRF token of
// cookie callers on state-changing methods (Bearer callers are exempt), and writes the
// handler's result as JSON or its error in the API error format.
func (s *Server) api(h apiFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if reqOf(r).user == nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="ding"`)
			s.fail(w, r, ding.Errorf(ding.EUNAUTHORIZED, "err.unauthorized"))
			return
		}
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
		default:
			if err := s.checkCSRF(r); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		v, err := h(w, r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		switch v := v.(type) {
		case nil:
			w.Header().Set("Cache-Control", "no-store")
			w.WriteHeader(http.StatusNoContent)
		case apiCreatedValue:
			writeJSON(w, http.StatusCreated, v.v)
		default:
			writeJSON(w, http.StatusOK, v)
		}
	}
}

// decodeJSON reads the request body into dst strictly: the Content-Type must be
// application/json, the body one JSON value with no unknown fields and nothing after it.
func (s *Server) decodeJSON(r *http.Request, dst any) error {
	ct := r.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
		return ding.Errorf(ding.EINVALID, "api.content_type", ct)
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return s.jsonError(err)
	}
	var extra json.RawMessage
	err := dec.Decode(&extra)
	if err == io.EOF {
		return nil
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return s.bodyError(err)
	}
	return ding.Errorf(ding.EINVALID, "api.trailing_data")
}

// jsonError turns a decoding error into an error the caller can act on.
func (s *Server) jsonError(err error) error {
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
		mbe *http.MaxBytesError
	)
	switch {
	case errors.Is(err, io.EOF):
		return ding.Errorf(ding.EINVALID, "api.body_required")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return ding.Errorf(ding.EINVALID, "api.json_truncated")
	case errors.As(err, &mbe):
		return s.bodyError(err)
	case errors.As(err, &syn):
		return ding.Errorf(ding.EINVALID, "api.json_syntax", syn.Offset)
	case errors.As(err, &typ):
		if typ.Field == "" {
			return ding.Errorf(ding.EINVALID, "api.body_not_object", jsonKind(typ.Type))
		}
		return ding.FieldError(typ.Field, "api.bad_type", typ.Field, jsonKind(typ.Type))
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return ding.FieldError(name, "api.unknown_field", name)
	}
	return ding.Errorf(ding.EINVALID, "err.bad_json", err.Error())
}

// jsonKind names the JSON type that decodes into t.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == reflect.TypeOf(ding.Date{}) {
		return "date YYYY-MM-DD"
	}
	switch t.Kind() {
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.String:
		return "string"
	case reflect.Slice, reflect.Array:
		return "array"
	}
	return "object"
}

// Paging of lists.
const (
	apiDefaultLimit = 50
	apiMaxLimit     = 500
)

// apiPage is the window of a list: limit (1–500, default 50; larger values are clamped to
// 500) and offset (0 or more).
type apiPage struct{ Limit, Offset int }

// apiPageOf reads limit and offset from the query.
func apiPageOf(r *http.Request) (apiPage, error) {
	p := apiPage{Limit: apiDefaultLimit}
	q := r.URL.Query()
	if v := strings.TrimSpace(q.Get("limit")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return p, ding.FieldError("limit", "err.bad_param", "limit")
		}
		p.Limit = min(n, apiMaxLimit)
	}
	if v := strings.TrimSpace(q.Get("offset")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return p, ding.FieldError("offset", "err.bad_param", "offset")
		}
		p.Offset = n
	}
	return p, nil
}

// apiSlice cuts an in-memory list to the page.
func apiSlice[T any](items []T, p apiPage) []T {
	lo := min(p.Offset, len(items))
	hi := min(lo+p.Limit, len(items))
	return items[lo:hi]
}

// apiList is the answer of every list endpoint.
type apiList[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total"`
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
}

// newAPIList returns a list answer; items is [] rather than null when empty.
func newAPIList[T any](items []T, total int, p apiPage) apiList[T] {
	if items == nil {
		items = []T{}
	}
	return apiList[T]{Items: items, Total: total, Limit: p.Limit, Offset: p.Offset}
}

// apiQueryID reads an optional id filter: empty gives 0, anything but a positive integer
// is refused (zeroOK also allows 0, e.g. parent_id=0 for roots).
func apiQueryID(r *http.Request, name string, zeroOK bool) (int64, bool, error) {
	v := strings.TrimSpace(r.URL.Query().Get(name))
	if v == "" {
		return 0, false, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 || (n == 0 && !zeroOK) {
		return 0, false, ding.FieldError(name, "err.bad_param", name)
	}
	return n, true, nil
}

// apiQueryBool reads an optional boolean filter: true/false, 1/0; empty gives false.
func apiQueryBool(r *http.Request, name string) (bool, error) {
	v := strings.TrimSpace(r.URL.Query().Get(name))
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, ding.FieldError(name, "err.bad_param", name)
	}
	return b, nil
}

// apiQueryTime reads an optional time filter: an RFC 3339 timestamp, or a civil date
// YYYY-MM-DD taken in Asia/Shanghai. For an upper bound (dayEnd) a date means the end of
// that day, so that from=2024-03-01&to=2024-03-31 covers all of March.
func apiQueryTime(r *http.Request, name string, dayEnd bool) (time.Time, error) {
	v := strings.TrimSpace(r.URL.Query().Get(name))
	if v == "" {
		return time.Time{}, nil
	}
	// An unencoded "+08:00" arrives as " 08:00".
	if t, err := time.Parse(time.RFC3339Nano, strings.ReplaceAll(v, " ", "+")); err == nil {
		return t.UTC(), nil
	}
	d, err := time.ParseInLocation(time.DateOnly, v, shanghai)
	if err != nil {
		return time.Time{}, ding.FieldError(name, "api.bad_time", name)
	}
	if dayEnd {
		d = d.AddDate(0, 0, 1)
	}
	return d.UTC(), nil
}

// apiPermissions says what the caller may do, for clients that hide what they cannot use.
type apiPermissions struct {
	ManageUnits bool `json:"manage_units"`
	ManageUsers bool `json:"manage_users"`
	Audit       bool `json:"audit"`
}

// apiMeAnswer is the caller: their user record plus where their scope starts and how they
// authenticated.
type apiMeAnswer struct {
	*ding.User
	Unit        *ding.Unit     `json:"unit"` // the caller's unit: the root of a unit or unit_tree scope
	Permissions apiPermissions `json:"permissions"`
	Auth        string         `json:"auth"`            // "session" or "token"
	Token       *ding.Token    `json:"token,omitempty"` // the token in use, for Bearer callers
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) (any, error) {
	q := reqOf(r)
	unit, err := s.db.FindUnitByID(r.Context(), q.user.UnitID)
	if err != nil {
		return nil, err
	}
	me := apiMeAnswer{User: q.user, Unit: unit, Auth: "session", Token: q.token,
		Permissions: apiPermissions{ManageUnits: q.actor.CanManageUnits(), ManageUsers: q.actor.CanManageUsers(), Audit: q.actor.IsAdmin()}}
	if q.token != nil {
		me.Auth = "token"
	}
	return me, nil
}

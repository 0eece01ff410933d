// Package ding holds the domain of ding (鼎), a platform that runs a district's major
// investment projects and annual targets in a closed loop (重大项目闭环管理平台).
//
// The root package has the domain types, their validation and the error type; it does no I/O.
// Storage lives in store/, the web UI and JSON API in web/, and wiring in cmd/ding.
package ding

import (
	"errors"
	"fmt"
)

// Error codes. The HTTP layer maps each to a status code.
const (
	EINVALID      = "invalid"        // 400/422: the input is wrong
	ENOTFOUND     = "not_found"      // 404: missing, or outside the caller's scope
	ECONFLICT     = "conflict"       // 409: duplicate or stale
	EUNAUTHORIZED = "unauthorized"   // 401: not logged in
	EFORBIDDEN    = "forbidden"      // 403: logged in, but the role may not do this
	ETOOMANY      = "too_many"       // 429: slow down (login throttling)
	ETOOLARGE     = "too_large"      // 413: request body too big
	EINTERNAL     = "internal"       // 500
	EUNAVAILABLE  = "unavailable"    // 503: database down
	ECSRF         = "csrf"           // 403: missing or wrong CSRF token
	ELOCKED       = "account_locked" // 423/429: account locked after failed logins
)

// Error is ding's application error. Key names a message in the i18n catalog so that the
// HTTP layer can say it in the caller's language; Args fill the message's verbs. Field,
// when set, names the form field the error is about. Err keeps an internal cause that is
// logged but never shown.
type Error struct {
	Code  string
	Key   string
	Args  []any
	Field string
	Err   error
}

func (e *Error) Error() string {
	s := e.Code + ": " + e.Key
	if len(e.Args) > 0 {
		s += fmt.Sprint(e.Args...)
	}
	if e.Field != "" {
		s += " (field " + e.Field + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the code, the catalog key and its arguments.
func Errorf(code, key string, args ...any) *Error {
	return &Error{Code: code, Key: key, Args: args}
}

// FieldError returns an EINVALID error about one form field.
func FieldError(field, key string, args ...any) *Error {
	return &Error{Code: EINVALID, Key: key, Args: args, Field: field}
}

// Internal wraps an unexpected cause as EINTERNAL; the cause is kept for the log.
func Internal(err error, where string) *Error {
	return &Error{Code: EINTERNAL, Key: "err.internal", Err: fmt.Errorf("%s: %w", where, err)}
}

// ErrorCode returns the code of err: EINTERNAL for errors that are not *Error, "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// AsError returns err as *Error, wrapping foreign errors as EINTERNAL.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: EINTERNAL, Key: "err.internal", Err: err}
}

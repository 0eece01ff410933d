package store

import (
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"ding"
)

// unitScope returns a SQL condition that keeps rows whose unit column col lies in the
// actor's data scope. Without an actor nothing is visible.
func unitScope(a *ding.Actor, col string) (string, []any) {
	if a == nil {
		return "1=0", nil
	}
	if a.System {
		return "1=1", nil
	}
	switch a.Scope {
	case ding.ScopeAll:
		return "1=1", nil
	case ding.ScopeUnitTree:
		return col + " IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ?)", []any{a.UnitID}
	case ding.ScopeUnit, ding.ScopeSelf:
		return col + " = ?", []any{a.UnitID}
	}
	return "1=0", nil
}

// userScope returns a SQL condition that keeps users visible to the actor: users of units
// in scope, or only the actor with the self scope.
func userScope(a *ding.Actor, unitCol, idCol string) (string, []any) {
	if a != nil && !a.System && a.Scope == ding.ScopeSelf {
		return idCol + " = ?", []any{a.UserID}
	}
	return unitScope(a, unitCol)
}

// where collects AND-ed conditions with their arguments.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	for _, a := range args {
		if v := reflect.ValueOf(a); v.Kind() == reflect.String && filterText(v.String()) != v.String() {
			a = filterText(v.String())
		}
		w.args = append(w.args, a)
	}
}

// filterText makes a filter's text safe to send to either engine: PostgreSQL refuses a NUL
// byte or invalid UTF-8 in a text parameter (an error, where a list should be empty), so
// they become U+FFFD; such text matches nothing ding stores either way.
func filterText(s string) string {
	if strings.IndexByte(s, 0) < 0 && utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", "\uFFFD"), "\uFFFD")
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	s := " WHERE " + w.conds[0]
	for _, c := range w.conds[1:] {
		s += " AND " + c
	}
	return s
}

// page renders LIMIT/OFFSET; limit 0 means no limit.
func page(limit, offset int) string {
	if limit <= 0 && offset <= 0 {
		return ""
	}
	if limit <= 0 {
		limit = 1 << 30
	}
	return " LIMIT " + strconv.Itoa(limit) + " OFFSET " + strconv.Itoa(max(offset, 0))
}

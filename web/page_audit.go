package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"ding"
	"ding/i18n"
)

const (
	auditPageSize  = 50
	auditCSVMaxRow = 10000 // an export is for a filtered slice, not a dump of the log
)

// auditEntities and auditActions are what the store records, offered in the filters.
var (
	auditEntities = []string{"unit", "user", "token", "session"}
	auditActions  = []string{"create", "update", "move", "disable", "enable", "login", "logout",
		"login_failed", "lock", "reset_password", "change_password", "revoke"}
)

func (s *Server) auditPageRoutes() {
	s.handle("GET /audit", s.page(s.auditPage, true))
}

// auditRow is an entry with its labels and the top-level fields an update changed.
type auditRow struct {
	*ding.AuditEntry
	EntityLabel string
	ActionLabel string
	EntityURL   string
	Changed     string
}

// auditLabel translates prefix+value when the catalog knows it, else shows the raw value
// (entities and actions added later still show up).
func auditLabel(lang, prefix, value string) string {
	if i18n.Has(prefix + value) {
		return i18n.T(lang, prefix+value)
	}
	return value
}

// auditChanged lists the top-level fields whose value differs between before and after;
// updated_at always changes and says nothing.
func auditChanged(before, after json.RawMessage) string {
	if len(before) == 0 || len(after) == 0 {
		return ""
	}
	var b, a map[string]json.RawMessage
	if json.Unmarshal(before, &b) != nil || json.Unmarshal(after, &a) != nil {
		return ""
	}
	// PostgreSQL's JSONB respaces values, so compare them compacted.
	compact := func(m json.RawMessage) string {
		var buf bytes.Buffer
		if json.Compact(&buf, m) != nil {
			return string(m)
		}
		return buf.String()
	}
	var keys []string
	for k, av := range a {
		if k == "updated_at" {
			continue
		}
		if bv, ok := b[k]; !ok || compact(bv) != compact(av) {
			keys = append(keys, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}

// auditFilterFrom reads the filters of the query. Dates are civil dates in Asia/Shanghai;
// the "to" date counts whole, so the filter ends at the next midnight.
func auditFilterFrom(q url.Values) (ding.AuditFilter, error) {
	f := ding.AuditFilter{Entity: strings.TrimSpace(q.Get("entity")), Action: strings.TrimSpace(q.Get("action")),
		Actor: strings.TrimSpace(q.Get("actor"))}
	if v := strings.TrimSpace(q.Get("entity_id")); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return f, ding.FieldError("entity_id", "err.bad_param", "entity_id")
		}
		f.EntityID = n
	}
	date := func(name string) (time.Time, error) {
		v := strings.TrimSpace(q.Get(name))
		if v == "" {
			return time.Time{}, nil
		}
		d, err := time.ParseInLocation(time.DateOnly, v, shanghai)
		if err != nil {
			return time.Time{}, ding.FieldError(name, "audit.date_invalid")
		}
		return d, nil
	}
	var err error
	if f.From, err = date("from"); err != nil {
		return f, err
	}
	if f.To, err = date("to"); err != nil {
		return f, err
	}
	if !f.To.IsZero() {
		if !f.From.IsZero() && f.To.Before(f.From) {
			return f, ding.FieldError("to", "audit.date_order")
		}
		f.To = f.To.AddDate(0, 0, 1)
	}
	return f, nil
}

// auditPage lists the audit log for administrators: filtered, newest first, paginated,
// or as CSV.
func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	// The store refuses too; checking first keeps others from learning about filter errors.
	if !ding.ActorFrom(ctx).IsAdmin() {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	q := r.URL.Query()
	v := s.view(r, "audit")
	f, ferr := auditFilterFrom(q)
	if ferr == nil && q.Get("format") == "csv" {
		f.Limit = auditCSVMaxRow
		entries, _, err := s.db.FindAudit(ctx, f)
		if err != nil {
			return err
		}
		rows := [][]string{{v.T("audit.col.at"), v.T("audit.col.actor"), v.T("audit.col.ip"), v.T("audit.col.entity_type"),
			v.T("audit.col.entity_id"), v.T("audit.col.action"), v.T("audit.col.before"), v.T("audit.col.after")}}
		for _, e := range entries {
			rows = append(rows, []string{csvTime(&e.At), e.ActorName, e.IP, auditLabel(v.Lang, "audit.entity.", e.Entity),
				strconv.FormatInt(e.EntityID, 10), auditLabel(v.Lang, "audit.action.", e.Action), string(e.Before), string(e.After)})
		}
		return writeCSV(w, "audit-"+s.db.Now().In(shanghai).Format("20060102")+".csv", rows)
	}
	pg := pageParam(q)
	var rows []auditRow
	total := 0
	status := http.StatusOK
	if ferr != nil {
		// Show the filter form with the message and no entries.
		v.withFormError(ferr)
		status = statusOf(ding.ErrorCode(ferr))
	} else {
		f.Limit, f.Offset = auditPageSize, (pg-1)*auditPageSize
		entries, n, err := s.db.FindAudit(ctx, f)
		if err != nil {
			return err
		}
		total = n
		for _, e := range entries {
			row := auditRow{AuditEntry: e, EntityLabel: auditLabel(v.Lang, "audit.entity.", e.Entity),
				ActionLabel: auditLabel(v.Lang, "audit.action.", e.Action), Changed: auditChanged(e.Before, e.After)}
			switch e.Entity {
			case "unit", "user":
				row.EntityURL = "/" + e.Entity + "s/" + strconv.FormatInt(e.EntityID, 10)
			}
			rows = append(rows, row)
		}
	}
	v.Title = v.T("audit.title")
	v.Crumbs = []crumb{{Label: v.Title}}
	v.Form = q
	v.Data = map[string]any{
		"Rows":      rows,
		"Entities":  auditEntities,
		"Actions":   auditActions,
		"Pager":     newPager(r, total, pg, auditPageSize),
		"ExportURL": exportURL(r),
		"ExportMax": auditCSVMaxRow,
	}
	s.renderStatus(w, r, status, "audit", v)
	return nil
}

package store

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"ding"
)

// The list of warning events (issue 7): the records behind the dashboard's "warnings
// opened this month" and "cleared this month". The definitions are the rollup's
// (refreshRollups, rollup_warnings): an event counts under the lead unit of its project
// (projects.unit_id), in the month of its on_date; the colour of an opened event is its
// to_colour, of a cleared one its from_colour (the colour it had until then). A list
// filtered to a unit's subtree, a month, an event and a colour therefore has exactly as
// many rows as the dashboard counts.

// WarningEventFilter selects warning events.
type WarningEventFilter struct {
	UnitID   int64       // projects whose lead unit lies in this unit's subtree; 0: all in scope
	From, To ding.Date   // on_date within, both ends included; a zero end is open
	Event    string      // opened, raised, lowered, escalated, cleared; "" any
	Colour   ding.Colour // the event's colour (see WarningEventRow.Colour); "" any
	Sort     string      // date (the default), project, unit, rule, colour, event
	Desc     bool        // descending; with no Sort the newest come first
	Limit    int         // 0: no limit
	Offset   int
}

// WarningEventRow is a warning event of the list, with its project and lead unit.
type WarningEventRow struct {
	WarningEvent
	ProjectCode string      `json:"project_code"`
	UnitID      int64       `json:"unit_id"` // the project's lead unit
	UnitName    string      `json:"unit_name"`
	Colour      ding.Colour `json:"colour"` // to_colour; from_colour for a cleared event
}

// warningEventKinds are the events a filter may ask for.
var warningEventKinds = []string{EventOpened, EventRaised, EventLowered, EventEscalated, EventCleared}

// eventColour is the SQL of an event's colour, as the rollup counts it.
const eventColour = `CASE WHEN e.event = 'cleared' THEN e.from_colour ELSE e.to_colour END`

// warningEventSorts maps the sortable columns to SQL (the date and id break ties).
var warningEventSorts = map[string]string{
	"date": "", "colour": "", "project": "p.name", "unit": "u.name", "rule": "COALESCE(r.name, '')", "event": "e.event",
}

// FindWarningEvents returns the warning events of projects in the caller's scope that
// match the filter, one page of them, and how many match. A unit outside the caller's
// scope is not found; an unknown event or colour, or From after To, is invalid.
func (db *DB) FindWarningEvents(ctx context.Context, f WarningEventFilter) ([]*WarningEventRow, int, error) {
	a := ding.ActorFrom(ctx)
	if a == nil {
		return nil, 0, ding.Errorf(ding.EUNAUTHORIZED, "err.unauthorized")
	}
	if f.Event != "" && !slices.Contains(warningEventKinds, f.Event) {
		return nil, 0, ding.FieldError("event", "warnev.event_invalid", echoParam(f.Event))
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		return nil, 0, ding.FieldError("to", "warnev.range_invalid")
	}
	if _, ok := warningEventSorts[f.Sort]; !ok && f.Sort != "" {
		return nil, 0, ding.FieldError("sort", "warnev.sort_invalid", echoParam(f.Sort))
	}
	r := db.reader()
	colours, err := getColours(ctx, r)
	if err != nil {
		return nil, 0, err
	}
	if f.Colour != "" && colours.Rank(f.Colour) == 0 {
		return nil, 0, ding.FieldError("colour", "warnev.colour_invalid", echoParam(string(f.Colour)))
	}
	if f.UnitID != 0 {
		if _, err := findUnitByID(ctx, r, a, f.UnitID); err != nil {
			return nil, 0, err
		}
	}
	var w where
	cond, args := projectScope(a, false)
	w.add(cond, args...)
	if f.UnitID != 0 {
		w.add("p.unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ?)", f.UnitID)
	}
	if !f.From.IsZero() {
		w.add("e.on_date >= ?", dateArg(f.From))
	}
	if !f.To.IsZero() {
		w.add("e.on_date <= ?", dateArg(f.To))
	}
	if f.Event != "" {
		w.add("e.event = ?", f.Event)
	}
	if f.Colour != "" {
		w.add(eventColour+" = ?", string(f.Colour))
	}
	from := ` FROM warning_events e JOIN projects p ON p.id = e.project_id`
	var total int
	if err := r.queryRow(ctx, `SELECT COUNT(*)`+from+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, db.mapErr(err)
	}
	dir := " ASC"
	if f.Desc || f.Sort == "" {
		dir = " DESC"
	}
	qargs := append([]any(nil), w.args...)
	order := ""
	switch f.Sort {
	case "", "date":
	case "colour":
		// By the configured ranks: the most severe last ascending, first descending.
		rank := "CASE " + eventColour
		for _, l := range colours {
			rank += " WHEN ? THEN " + strconv.Itoa(l.Rank)
			qargs = append(qargs, string(l.Key))
		}
		order = rank + " ELSE 0 END" + dir + ", "
	default:
		order = warningEventSorts[f.Sort] + dir + ", "
	}
	order += "e.on_date" + dir + ", e.id" + dir
	rows, err := r.query(ctx, `SELECT e.id, e.project_id, p.name, p.code, p.unit_id, u.name, e.rule_id, COALESCE(r.name, ''), e.subject_key,
		e.subject, e.event, e.from_colour, e.to_colour, e.value, e.reason, e.args, e.on_date, e.created_at`+from+`
		JOIN units u ON u.id = p.unit_id LEFT JOIN warning_rules r ON r.id = e.rule_id`+w.String()+` ORDER BY `+order+page(f.Limit, f.Offset), qargs...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*WarningEventRow
	for rows.Next() {
		e := &WarningEventRow{}
		var args string
		if err := rows.Scan(&e.ID, &e.ProjectID, &e.ProjectName, &e.ProjectCode, &e.UnitID, &e.UnitName, &e.RuleID, &e.RuleName,
			&e.SubjectKey, &e.Subject, &e.Event, &e.From, &e.To, &e.Value, &e.Reason, &args, fastDate{&e.On}, timeScan{&e.CreatedAt}); err != nil {
			return nil, 0, db.mapErr(err)
		}
		e.Args = decodeArgs(args)
		e.Colour = e.To
		if e.Event == EventCleared {
			e.Colour = e.From
		}
		out = append(out, e)
	}
	return out, total, db.mapErr(rows.Err())
}

// echoParam is a refused parameter as its message repeats it: valid UTF-8 without NUL
// bytes, at most 32 characters.
func echoParam(s string) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "\uFFFD")
	if r := []rune(s); len(r) > 32 {
		s = string(r[:32]) + "…"
	}
	return s
}

package web

// The list of warning events of a month (预警事件明细): what lies behind the dashboard's
// "opened this month" and "cleared this month" and the board's month card — one row per
// event (store.FindWarningEvents), filtered by unit subtree, month, event and colour,
// sortable, paged, exported as .xlsx, and the same list in the API.

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"ding"
	"ding/i18n"
	"ding/store"
	"ding/xlsx"
)

// warnEventsPageSize is how many events one page shows.
const warnEventsPageSize = 50

// warnEventsExportCap bounds the rows of one export.
const warnEventsExportCap = 100_000

func (s *Server) warningEventRoutes() {
	s.handle("GET /warnings/events", s.page(s.warningEventsPage, true))
	s.handle("GET /warnings/events/export.xlsx", s.page(s.warningEventsExport, true))
	s.handle("GET /api/v1/warning-events", s.api(s.apiWarningEvents))
}

// warnEventKinds are the events in the order the filter offers them.
var warnEventKinds = []string{store.EventOpened, store.EventRaised, store.EventLowered, store.EventEscalated, store.EventCleared}

// warnEventSortCols are the sortable columns (store.WarningEventFilter.Sort).
var warnEventSortCols = []string{"date", "event", "colour", "project", "unit", "rule"}

// warnEventsQuery is the list's filter as the URL gives it: unit_id, month (YYYY-MM;
// default the month of the warnings' date), event, colour, sort, desc.
type warnEventsQuery struct {
	UnitID int64
	Month  string
	Event  string
	Colour ding.Colour
	Sort   string
	Desc   bool
}

// parseWarnEventsQuery reads the filter; a unit or month that is not one is refused with
// a message for its field (the store judges event, colour and sort).
func parseWarnEventsQuery(q url.Values, defMonth string) (warnEventsQuery, error) {
	f := warnEventsQuery{Month: defMonth, Event: strings.TrimSpace(q.Get("event")), Colour: ding.Colour(strings.TrimSpace(q.Get("colour"))),
		Sort: strings.TrimSpace(q.Get("sort")), Desc: q.Get("desc") == "1" || q.Get("desc") == "true"}
	if v := strings.TrimSpace(q.Get("unit_id")); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return f, ding.FieldError("unit_id", "warnev.unit_invalid")
		}
		f.UnitID = n
	}
	if v := strings.TrimSpace(q.Get("month")); v != "" {
		if !isMonth(v) {
			return f, ding.FieldError("month", "warnev.month_invalid")
		}
		f.Month = v
	}
	return f, nil
}

// store is the store's filter of the query: the month as a date range.
func (f warnEventsQuery) store() store.WarningEventFilter {
	sf := store.WarningEventFilter{UnitID: f.UnitID, Event: f.Event, Colour: f.Colour, Sort: f.Sort, Desc: f.Desc}
	if p, err := ding.ParsePeriod(f.Month); err == nil {
		sf.From, sf.To = p.Start(), p.End()
	}
	return sf
}

// url is the list's URL with this filter and the given changes (key, value; "" drops).
func (f warnEventsQuery) url(kv ...string) string {
	q := url.Values{}
	if f.UnitID != 0 {
		q.Set("unit_id", itoa(f.UnitID))
	}
	set := func(k, v string) {
		if v == "" {
			q.Del(k)
		} else {
			q.Set(k, v)
		}
	}
	set("month", f.Month)
	set("event", f.Event)
	set("colour", string(f.Colour))
	set("sort", f.Sort)
	if f.Desc {
		q.Set("desc", "1")
	}
	for i := 0; i+1 < len(kv); i += 2 {
		set(kv[i], kv[i+1])
	}
	return "/warnings/events?" + q.Encode()
}

// warningEventsURL is the list of a unit's subtree (0: the caller's scope), a month
// (YYYY-MM), an event and a colour ("" for any) — the link of a dashboard figure.
func warningEventsURL(unitID int64, month, event, colour string) string {
	return warnEventsQuery{UnitID: unitID, Month: month, Event: event, Colour: ding.Colour(colour)}.url()
}

// warnEventRow is an event with its names in the reader's language.
type warnEventRow struct {
	*store.WarningEventRow
	EventName  string
	Badge      badge
	From, To   badge
	ReasonText string
}

// warnEventChip is a count of the month above the list, with the list it links to.
type warnEventChip struct {
	Label string
	Badge badge
	N     int
	URL   string
	Total bool // a total (of the event), not a colour of it
	On    bool // the list shows it now
}

// warnEventOption is a choice of a select.
type warnEventOption struct {
	Value, Label string
}

// warningEventsData is what warning_events.html shows.
type warningEventsData struct {
	F         warnEventsQuery
	MonthText string // the month input's value (what was typed, when it was refused)
	ScopeName string
	Rows      []warnEventRow
	Total     int
	Pager     pager
	From, To  int
	Chips     []warnEventChip
	UnitOpts  []unitOption
	Events    []warnEventOption
	Colours   []badge
	Headers   map[string]sortHeader
	ExportURL string
	Filtered  bool
	Failed    bool // the filter was refused: no list
}

// warningEventsPage lists the events of the filter: the month's counts, the filter form,
// sortable columns, pages. A refused filter shows the form with its message (422).
func (s *Server) warningEventsPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	v := s.view(r, "warnings")
	cs, err := s.db.Colours(ctx)
	if err != nil {
		return err
	}
	today, err := s.db.WarningToday(ctx)
	if err != nil {
		return err
	}
	units, _, err := s.db.FindUnits(ctx, ding.UnitFilter{})
	if err != nil {
		return err
	}
	f, ferr := parseWarnEventsQuery(q, monthOf(today))
	pg := min(pageParam(q), 1_000_000)
	d := &warningEventsData{F: f, MonthText: f.Month, UnitOpts: unitOptions(units), ScopeName: v.T("warnev.scope_all")}
	if ferr == nil {
		sf := f.store()
		sf.Limit, sf.Offset = warnEventsPageSize, (pg-1)*warnEventsPageSize
		evs, total, err := s.db.FindWarningEvents(ctx, sf)
		if err != nil && ding.ErrorCode(err) != ding.EINVALID {
			return err
		}
		ferr = err
		d.Total = total
		for _, e := range evs {
			d.Rows = append(d.Rows, warnEventRowOf(v.Lang, cs, e))
		}
		if len(evs) > 0 {
			d.From, d.To = sf.Offset+1, sf.Offset+len(evs)
		}
	}
	status := http.StatusOK
	if ferr != nil {
		v.withFormError(ferr)
		status = statusOf(ding.ErrorCode(ferr))
		d.Failed = true
		if m := strings.TrimSpace(q.Get("month")); m != "" {
			d.MonthText = m // as typed, beside its message
		}
	} else if d.Chips, err = s.warnEventChips(ctx, v.Lang, cs, f); err != nil {
		return err
	}
	for _, u := range units {
		if u.ID == f.UnitID {
			d.ScopeName = u.Name
		}
	}
	for _, k := range warnEventKinds {
		d.Events = append(d.Events, warnEventOption{k, v.T("warnui.event." + k)})
	}
	sorted := sortedColours(cs)
	for i := len(sorted) - 1; i >= 0; i-- {
		d.Colours = append(d.Colours, colourBadge(v.Lang, cs, sorted[i].Key))
	}
	d.Pager = newPager(r, d.Total, pg, warnEventsPageSize)
	base := r.URL.Query()
	base.Del("page")
	base.Del("flash")
	d.Filtered = len(base) > 0
	d.ExportURL = "/warnings/events/export.xlsx"
	if enc := base.Encode(); enc != "" {
		d.ExportURL += "?" + enc
	}
	d.Headers = map[string]sortHeader{}
	for _, key := range warnEventSortCols {
		col := key
		if key == "date" {
			col = "on"
		}
		h := sortHeader{Key: key, Label: v.T("warnev.col." + col)}
		// With no sort asked, the newest come first.
		h.Active = f.Sort == key || (f.Sort == "" && key == "date")
		h.Desc = f.Desc || (f.Sort == "" && h.Active)
		desc := key == "date" || key == "colour" // newest, most severe first on the first click
		if h.Active {
			desc = !h.Desc
		}
		hq := url.Values{}
		for k, vals := range base {
			hq[k] = vals
		}
		hq.Set("sort", key)
		if desc {
			hq.Set("desc", "1")
		} else {
			hq.Del("desc")
		}
		h.URL = "/warnings/events?" + hq.Encode()
		d.Headers[key] = h
	}
	v.Title = v.T("warnev.title")
	v.Crumbs = []crumb{{Label: v.T("warnui.title"), URL: "/warnings"}, {Label: v.Title}}
	v.Data = d
	s.renderStatus(w, r, status, "warning_events", v)
	return nil
}

func warnEventRowOf(lang string, cs ding.ColourScheme, e *store.WarningEventRow) warnEventRow {
	return warnEventRow{WarningEventRow: e, EventName: i18n.T(lang, "warnui.event."+e.Event), Badge: colourBadge(lang, cs, e.Colour),
		From: colourBadge(lang, cs, e.From), To: colourBadge(lang, cs, e.To), ReasonText: i18n.T(lang, e.Reason, e.Args...)}
}

// warnEventChips counts the month's events of the filter's unit: opened by colour (most
// severe first), cleared, and all events, each a link to its list.
func (s *Server) warnEventChips(ctx context.Context, lang string, cs ding.ColourScheme, f warnEventsQuery) ([]warnEventChip, error) {
	base := warnEventsQuery{UnitID: f.UnitID, Month: f.Month}
	count := func(ev string, c ding.Colour) (int, error) {
		sf := warnEventsQuery{UnitID: f.UnitID, Month: f.Month, Event: ev, Colour: c}.store()
		sf.Limit = 1
		_, n, err := s.db.FindWarningEvents(ctx, sf)
		return n, err
	}
	var chips []warnEventChip
	add := func(ev string, c ding.Colour, total bool) error {
		n, err := count(ev, c)
		if err != nil {
			return err
		}
		chip := warnEventChip{N: n, Total: total, URL: base.url("event", ev, "colour", string(c)), On: f.Event == ev && f.Colour == c}
		switch {
		case ev == "":
			chip.Label = i18n.T(lang, "warnev.all_events")
		case c == "":
			chip.Label = i18n.T(lang, "warnui.event."+ev)
		default:
			chip.Badge = colourBadge(lang, cs, c)
		}
		chips = append(chips, chip)
		return nil
	}
	if err := add(store.EventOpened, "", true); err != nil {
		return nil, err
	}
	sorted := sortedColours(cs)
	for i := len(sorted) - 1; i >= 0; i-- {
		if err := add(store.EventOpened, sorted[i].Key, false); err != nil {
			return nil, err
		}
	}
	if err := add(store.EventCleared, "", true); err != nil {
		return nil, err
	}
	if err := add("", "", true); err != nil {
		return nil, err
	}
	return chips, nil
}

// warnEventsFilterText says the filter in words, for the export's subtitle.
func warnEventsFilterText(lang string, cs ding.ColourScheme, f warnEventsQuery) string {
	var parts []string
	if f.Event != "" {
		parts = append(parts, i18n.T(lang, "warnev.event")+"："+i18n.T(lang, "warnui.event."+f.Event))
	}
	if f.Colour != "" {
		parts = append(parts, i18n.T(lang, "warnev.colour")+"："+colourName(lang, cs, f.Colour))
	}
	if len(parts) == 0 {
		return i18n.T(lang, "warnev.any")
	}
	return strings.Join(parts, "；")
}

// warningEventsExport sends the filtered events (all of them, not a page) as .xlsx.
func (s *Server) warningEventsExport(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := reqOf(r)
	today, err := s.db.WarningToday(ctx)
	if err != nil {
		return err
	}
	f, err := parseWarnEventsQuery(r.URL.Query(), monthOf(today))
	if err != nil {
		return err
	}
	cs, err := s.db.Colours(ctx)
	if err != nil {
		return err
	}
	sf := f.store()
	sf.Limit = warnEventsExportCap
	evs, _, err := s.db.FindWarningEvents(ctx, sf)
	if err != nil {
		return err
	}
	scope := q.user.UnitName
	if f.UnitID != 0 {
		units, _, err := s.db.FindUnits(ctx, ding.UnitFilter{ID: f.UnitID, IncludeDisabled: true, Limit: 1})
		if err != nil {
			return err
		}
		if len(units) == 1 {
			scope = units[0].Name
		}
	}
	var b bytes.Buffer
	if err := xlsx.ExportWarningEvents(&b, xlsx.WarningEventList{Lang: q.lang, Scope: scope, Month: f.Month,
		Filter: warnEventsFilterText(q.lang, cs, f), Now: s.db.Now(),
		ColourName: func(c ding.Colour) string { return colourName(q.lang, cs, c) }, Events: evs}); err != nil {
		return ding.Internal(err, "export warning events")
	}
	return writeXLSX(w, scope+"预警事件明细-"+f.Month+".xlsx", "warning-events-"+f.Month+".xlsx", b.Bytes())
}

// apiWarningEventRow is an event of the API's list, with its names in the caller's language.
type apiWarningEventRow struct {
	*store.WarningEventRow
	ColourName string `json:"colour_name"`
	EventName  string `json:"event_name"`
	ReasonText string `json:"reason_text"`
}

// apiWarningEvents is GET /api/v1/warning-events: the page's parameters, with limit and
// offset; a bad parameter is 422 with its field.
func (s *Server) apiWarningEvents(w http.ResponseWriter, r *http.Request) (any, error) {
	ctx := r.Context()
	p, err := apiPageOf(r)
	if err != nil {
		return nil, err
	}
	today, err := s.db.WarningToday(ctx)
	if err != nil {
		return nil, err
	}
	f, err := parseWarnEventsQuery(r.URL.Query(), monthOf(today))
	if err != nil {
		return nil, err
	}
	cs, err := s.db.Colours(ctx)
	if err != nil {
		return nil, err
	}
	sf := f.store()
	sf.Limit, sf.Offset = p.Limit, p.Offset
	evs, total, err := s.db.FindWarningEvents(ctx, sf)
	if err != nil {
		return nil, err
	}
	lang := s.apiLang(r)
	items := make([]apiWarningEventRow, 0, len(evs))
	for _, e := range evs {
		items = append(items, apiWarningEventRow{WarningEventRow: e, ColourName: colourName(lang, cs, e.Colour),
			EventName: i18n.T(lang, "warnui.event."+e.Event), ReasonText: i18n.T(lang, e.Reason, e.Args...)})
	}
	return newAPIList(items, total, p), nil
}

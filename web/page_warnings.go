package web

// The warnings board (红黄蓝预警), a project's warnings with their history, exemption
// requests and decisions, and the colour badge that project lists and pages show.

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"ding"
	"ding/chart"
	"ding/i18n"
	"ding/store"
)

// warningsPageSize is how many warnings one page of the board's list shows.
const warningsPageSize = 50

// warningsQueryCap bounds the warnings read to filter by text (the store has no text
// filter) and to export.
const warningsQueryCap = 10_000

func (s *Server) warningPageRoutes() {
	s.handle("GET /warnings", s.page(s.warningsPage, true))
	s.handle("GET /warnings/trend.svg", s.page(s.warningsTrendSVG, true))
	s.handle("GET /projects/{id}/warnings", s.page(s.projectWarningsPage, true))
	s.handle("POST /projects/{id}/exemptions", s.page(s.exemptionRequest, true))
	s.handle("POST /exemptions/{id}/decide", s.page(s.exemptionDecide, true))
	s.handle("POST /exemptions/{id}/revoke", s.page(s.exemptionRevoke, true))
	s.rulePageRoutes() // page_rules.go
}

// badge is a colour tag: its class (c-<key> and r-<rank>, styled in warnings.css) and
// the colour's name, so that a black-and-white print still says which colour it is.
type badge struct {
	Key    ding.Colour
	Name   string
	Class  string
	Exempt bool
}

var classSafe = regexp.MustCompile(`[^a-z0-9_-]+`)

// colourBadge returns the badge of a colour in the scheme, in the page's language; the
// zero badge (Key "") for no colour.
func colourBadge(lang string, cs ding.ColourScheme, c ding.Colour) badge {
	if c == "" {
		return badge{}
	}
	return badge{Key: c, Name: colourName(lang, cs, c),
		Class: "wbadge c-" + classSafe.ReplaceAllString(strings.ToLower(string(c)), "") + " r-" + strconv.Itoa(cs.Rank(c))}
}

// colourName is a colour's display name: the scheme's Chinese name, its English name in
// English (falling back to the catalog's colour.<key>, then the key).
func colourName(lang string, cs ding.ColourScheme, c ding.Colour) string {
	for _, l := range cs {
		if l.Key != c {
			continue
		}
		if lang == "en" {
			if l.NameEN != "" {
				return l.NameEN
			}
			if k := "colour." + string(c); i18n.Has(k) {
				return i18n.T(lang, k)
			}
		}
		if l.Name != "" {
			return l.Name
		}
	}
	return string(c)
}

// ProjectBadges returns the colour badges of the given projects for a list page (projects
// without a colour are absent). Use it from the project list:
//
//	d.Badges, err = s.projectBadges(ctx, v.Lang, ids)
func (s *Server) projectBadges(ctx context.Context, lang string, ids []int64) (map[int64]badge, error) {
	out := map[int64]badge{}
	if len(ids) == 0 {
		return out, nil
	}
	cs, err := s.db.Colours(ctx)
	if err != nil {
		return nil, err
	}
	pcs, err := s.db.ProjectColours(ctx, ids)
	if err != nil {
		return nil, err
	}
	for id, pc := range pcs {
		b := colourBadge(lang, cs, pc.Colour)
		b.Exempt = pc.Exempt
		out[id] = b
	}
	return out, nil
}

// projectBadge is projectBadges for one project (the zero badge when it has no colour).
func (s *Server) projectBadge(ctx context.Context, lang string, id int64) (badge, error) {
	bs, err := s.projectBadges(ctx, lang, []int64{id})
	return bs[id], err
}

// colourCol is a colour of the scheme as a column of the board.
type colourCol struct {
	badge
	Projects int
	Warnings int
	URL      string
}

// warningRow is a warning of a list with its reason said in the reader's language.
type warningRow struct {
	*store.ProjectWarning
	Badge     badge
	BaseBadge badge // the engine's colour, when escalation raised it
	Reason    string
}

func warningRowOf(lang string, cs ding.ColourScheme, w *store.ProjectWarning) warningRow {
	row := warningRow{ProjectWarning: w, Badge: colourBadge(lang, cs, w.Colour), Reason: i18n.T(lang, w.Reason, w.Args...)}
	if w.BaseColour != "" && w.BaseColour != w.Colour {
		row.BaseBadge = colourBadge(lang, cs, w.BaseColour)
	}
	return row
}

// warnUnitRow is a lead unit of the board's table.
type warnUnitRow struct {
	UnitID int64
	Name   string
	Counts []int // in the order of the columns
	Total  int
	URL    string
}

// warningsData is what warnings.html shows.
type warningsData struct {
	Board      *store.WarningBoard
	Month      string
	Colours    []colourCol
	Units      []warnUnitRow
	Rows       []warningRow
	Total      int
	Pager      pager
	From, To   int
	Filter     warningsFilter
	UnitOpts   []unitOption
	Rules      []ding.Rule
	ExportURL  string
	TrendURL   string
	Filtered   bool
	CanDecide  bool
	Pending    []*store.Exemption
	CanRules   bool
	TrendExact bool
	EscCounts  []escalationRow // the 督办 panel (page_ladder.go)
	EventsURL  string          // the month's warning events (page_warning_events.go)
}

// warningsFilter is the board's list filter, read from the URL.
type warningsFilter struct {
	Colour ding.Colour
	UnitID int64
	RuleID int64
	Query  string
	Exempt string // "1" exempt only, "0" not exempt
}

func parseWarningsFilter(q url.Values) warningsFilter {
	f := warningsFilter{Colour: ding.Colour(strings.TrimSpace(q.Get("colour"))), Query: strings.TrimSpace(q.Get("q"))}
	pos := func(name string) int64 {
		n, err := strconv.ParseInt(q.Get(name), 10, 64)
		if err != nil || n < 0 {
			return 0
		}
		return n
	}
	f.UnitID, f.RuleID = pos("unit"), pos("rule")
	if e := q.Get("exempt"); e == "1" || e == "0" {
		f.Exempt = e
	}
	return f
}

func (f warningsFilter) store() store.WarningFilter {
	sf := store.WarningFilter{Colour: f.Colour, UnitID: f.UnitID, RuleID: f.RuleID, Exempt: triState(f.Exempt)}
	return sf
}

// findWarnings reads a page of the filtered warnings. The text filter (project name or
// code) is applied here, over at most warningsQueryCap warnings.
func (s *Server) findWarnings(ctx context.Context, f warningsFilter, limit, offset int) ([]*store.ProjectWarning, int, error) {
	sf := f.store()
	if f.Query == "" {
		sf.Limit, sf.Offset = limit, offset
		return s.db.FindWarnings(ctx, sf)
	}
	sf.Limit = warningsQueryCap
	all, _, err := s.db.FindWarnings(ctx, sf)
	if err != nil {
		return nil, 0, err
	}
	q := strings.ToLower(f.Query)
	var hit []*store.ProjectWarning
	for _, w := range all {
		if strings.Contains(strings.ToLower(w.ProjectName), q) || strings.Contains(strings.ToLower(w.ProjectCode), q) {
			hit = append(hit, w)
		}
	}
	lo := min(offset, len(hit))
	hi := min(lo+limit, len(hit))
	return hit[lo:hi], len(hit), nil
}

// warningsPage is the board: counts by colour and by lead unit, new and cleared this
// month, the trend, and the list of current warnings.
func (s *Server) warningsPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	a := reqOf(r).actor
	f := parseWarningsFilter(q)
	v := s.view(r, "warnings")
	cs, err := s.db.Colours(ctx)
	if err != nil {
		return err
	}
	if q.Get("format") == "csv" {
		return s.warningsCSV(w, r, v.Lang, cs, f)
	}
	board, err := s.db.FindWarningBoard(ctx, f.UnitID)
	if err != nil {
		return err
	}
	pg := min(pageParam(q), 1_000_000)
	ws, total, err := s.findWarnings(ctx, f, warningsPageSize, (pg-1)*warningsPageSize)
	if err != nil {
		return err
	}
	units, _, err := s.db.FindUnits(ctx, ding.UnitFilter{})
	if err != nil {
		return err
	}
	rules, err := s.db.FindRules(ctx)
	if err != nil {
		return err
	}
	v.Title = v.T("warnui.title")
	v.Crumbs = []crumb{{Label: v.Title}}
	d := &warningsData{Board: board, Month: monthOf(board.Today), Total: total, Filter: f, UnitOpts: unitOptions(units), Rules: rules,
		Pager: newPager(r, total, pg, warningsPageSize), ExportURL: exportURL(r), CanDecide: isOffice(a), CanRules: isOffice(a)}
	base := r.URL.Query()
	base.Del("page")
	base.Del("flash")
	d.Filtered = len(base) > 0
	d.EventsURL = warningEventsURL(f.UnitID, d.Month, "", "")
	tq := url.Values{}
	if f.UnitID != 0 {
		tq.Set("unit", itoa(f.UnitID))
	}
	d.TrendURL = "/warnings/trend.svg"
	if len(tq) > 0 {
		d.TrendURL += "?" + tq.Encode()
	}
	_, d.TrendExact = any(s.db).(warningTrender)
	for _, l := range sortedColours(cs) {
		cq := url.Values{"colour": {string(l.Key)}}
		if f.UnitID != 0 {
			cq.Set("unit", itoa(f.UnitID))
		}
		d.Colours = append(d.Colours, colourCol{badge: colourBadge(v.Lang, cs, l.Key), Projects: board.Projects[l.Key],
			Warnings: board.Warnings[l.Key], URL: "/warnings?" + cq.Encode() + "#warn-list"})
	}
	for _, u := range board.ByUnit {
		row := warnUnitRow{UnitID: u.UnitID, Name: u.UnitName, Total: u.Total, URL: "/warnings?unit=" + itoa(u.UnitID) + "#warn-list"}
		for _, c := range d.Colours {
			row.Counts = append(row.Counts, u.Projects[c.Key])
		}
		d.Units = append(d.Units, row)
	}
	for _, w := range ws {
		d.Rows = append(d.Rows, warningRowOf(v.Lang, cs, w))
	}
	if len(ws) > 0 {
		d.From, d.To = (pg-1)*warningsPageSize+1, (pg-1)*warningsPageSize+len(ws)
	}
	if d.EscCounts, err = s.escalationPanel(ctx, v.Lang, d.Month); err != nil {
		return err
	}
	if d.CanDecide {
		if d.Pending, _, err = s.db.FindExemptions(ctx, store.ExemptionFilter{Status: store.ExemptionRequested, Limit: 100}); err != nil {
			return err
		}
	}
	v.Data = d
	s.render(w, r, "warnings", v)
	return nil
}

// sortedColours is the scheme by rank, mildest first (the configured order).
func sortedColours(cs ding.ColourScheme) ding.ColourScheme {
	out := slices.Clone(cs)
	slices.SortStableFunc(out, func(a, b ding.ColourLevel) int { return a.Rank - b.Rank })
	return out
}

func monthOf(d ding.Date) string {
	if d.IsZero() {
		return ""
	}
	return ding.MonthPeriod(d.Year, d.Month).String()
}

// warningsCSV exports the filtered list (at most warningsQueryCap rows).
func (s *Server) warningsCSV(w http.ResponseWriter, r *http.Request, lang string, cs ding.ColourScheme, f warningsFilter) error {
	ws, _, err := s.findWarnings(r.Context(), f, warningsQueryCap, 0)
	if err != nil {
		return err
	}
	t := func(k string) string { return i18n.T(lang, k) }
	rows := [][]string{{t("warnui.col.code"), t("warnui.col.project"), t("warnui.col.unit"), t("warnui.col.colour"), t("warnui.col.base_colour"),
		t("warnui.col.rule"), t("warnui.col.kind"), t("warnui.col.reason"), t("warnui.col.subject"), t("warnui.col.since"),
		t("warnui.col.changed"), t("warnui.col.periods"), t("warnui.col.escalated"), t("warnui.col.exempt")}}
	yes := func(b bool) string {
		if b {
			return t("warnui.yes")
		}
		return ""
	}
	for _, x := range ws {
		rows = append(rows, []string{x.ProjectCode, x.ProjectName, x.UnitName, colourName(lang, cs, x.Colour), colourName(lang, cs, x.BaseColour),
			x.RuleName, t("warn.kind." + string(x.Kind)), i18n.T(lang, x.Reason, x.Args...), x.Subject, x.OpenedOn.String(),
			x.ChangedOn.String(), strconv.Itoa(x.Periods), yes(x.Escalated), yes(x.Exempt)})
	}
	return writeCSV(w, "warnings-"+ding.Today(s.db.Now()).String()+".csv", rows)
}

// warningTrender is what the store may offer for an exact trend: warnings held at each
// month's end by colour, of the projects in the caller's scope (and in unitID's subtree),
// keyed "2024-06". Until it does, the trend is rebuilt from the current warnings.
type warningTrender interface {
	WarningTrend(ctx context.Context, unitID int64, from, to ding.Date) (map[string]map[ding.Colour]int, error)
}

// trendMonths is how many months the trend shows.
const trendMonths = 12

// warningTrend counts warnings by colour at each of the last 12 month ends (the current
// month up to today).
func (s *Server) warningTrend(ctx context.Context, unitID int64, today ding.Date) ([]string, map[string]map[ding.Colour]int, error) {
	first := ding.Date{Year: today.Year, Month: today.Month, Day: 1}.Time().AddDate(0, -(trendMonths - 1), 0)
	var months []string
	for i := range trendMonths {
		t := first.AddDate(0, i, 0)
		months = append(months, ding.MonthPeriod(t.Year(), t.Month()).String())
	}
	if tr, ok := any(s.db).(warningTrender); ok {
		m, err := tr.WarningTrend(ctx, unitID, ding.DateOf(first), today)
		return months, m, err
	}
	// Approximation from what holds now: a current warning counts, in its current colour,
	// from the month it opened. Warnings cleared since are not in it.
	ws, _, err := s.db.FindWarnings(ctx, store.WarningFilter{UnitID: unitID, Exempt: new(false), Limit: warningsQueryCap})
	if err != nil {
		return nil, nil, err
	}
	out := map[string]map[ding.Colour]int{}
	for _, m := range months {
		out[m] = map[ding.Colour]int{}
	}
	for _, w := range ws {
		opened := monthOf(w.OpenedOn)
		for _, m := range months {
			if opened != "" && opened <= m {
				out[m][w.Colour]++
			}
		}
	}
	return months, out, nil
}

// warningsTrendSVG draws the trend: warnings by colour per month, as grouped bars.
func (s *Server) warningsTrendSVG(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := s.view(r, "warnings")
	unitID, _ := strconv.ParseInt(r.URL.Query().Get("unit"), 10, 64)
	cs, err := s.db.Colours(ctx)
	if err != nil {
		return err
	}
	today, err := s.db.WarningToday(ctx)
	if err != nil {
		return err
	}
	months, counts, err := s.warningTrend(ctx, max(unitID, 0), today)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err = w.Write(trendChart(v, cs, months, counts).SVG())
	return err
}

// trendChart lays out the trend for package chart, whose axes show amounts with
// ding.Wan: counts are scaled by 10,000 so that a count reads as itself.
func trendChart(v *view, cs ding.ColourScheme, months []string, counts map[string]map[ding.Colour]int) chart.Bars {
	c := chart.Bars{ID: "wtrend", Title: v.T("warnui.trend_title"), Unit: v.T("warnui.trend_unit"), Empty: v.T("warnui.trend_empty"), Height: 320}
	for _, m := range months {
		label := m
		if p, err := ding.ParsePeriod(m); err == nil {
			label = monthLabel(v, p.N)
			if p.N == 1 || m == months[0] {
				label = strconv.Itoa(p.Year) + " " + label
			}
		}
		c.Categories = append(c.Categories, label)
	}
	scheme := sortedColours(cs)
	for i := len(scheme) - 1; i >= 0; i-- { // most severe first
		l := scheme[i]
		sr := chart.Series{Name: colourName(v.Lang, cs, l.Key)}
		for _, m := range months {
			sr.Values = append(sr.Values, int64(counts[m][l.Key])*10_000)
		}
		c.Bars = append(c.Bars, sr)
	}
	return c
}

// projectWarningsData is what warning_history.html shows.
type projectWarningsData struct {
	P          *ding.Project
	Badge      badge
	Rows       []warningRow
	Events     []eventRow
	Exemptions []*store.Exemption
	Kinds      []store.ExemptionKind
	CanRequest bool
	CanDecide  bool
	Pending    bool
	Today      ding.Date
	Esc        *projectEscData // page_escalations.go
}

// eventRow is a step of the history with its colours and reason.
type eventRow struct {
	*store.WarningEvent
	From, To badge
	Reason   string
}

// projectWarningsPage shows a project's current warnings, their full history and its
// exemptions, with the request form and, for the office, the decisions.
func (s *Server) projectWarningsPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderProjectWarnings(w, r, http.StatusOK, nil)
}

func (s *Server) renderProjectWarnings(w http.ResponseWriter, r *http.Request, status int, formErr error) error {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := s.db.FindProjectByID(ctx, id)
	if err != nil {
		return err
	}
	a := reqOf(r).actor
	v := s.view(r, "projects")
	cs, err := s.db.Colours(ctx)
	if err != nil {
		return err
	}
	ws, _, err := s.db.FindWarnings(ctx, store.WarningFilter{ProjectID: id, Limit: 1000})
	if err != nil {
		return err
	}
	evs, err := s.db.WarningHistory(ctx, id)
	if err != nil {
		return err
	}
	xs, _, err := s.db.FindExemptions(ctx, store.ExemptionFilter{ProjectID: id, Limit: 100})
	if err != nil {
		return err
	}
	today, err := s.db.WarningToday(ctx)
	if err != nil {
		return err
	}
	d := &projectWarningsData{P: p, Exemptions: xs, Kinds: store.ExemptionKinds, CanDecide: isOffice(a), Today: today}
	if d.Badge, err = s.projectBadge(ctx, v.Lang, id); err != nil {
		return err
	}
	if d.CanRequest, err = s.canEditProject(ctx, a, p); err != nil {
		return err
	}
	if d.Esc, err = s.projectEscalations(ctx, v, id); err != nil {
		return err
	}
	for _, x := range xs {
		if x.Status == store.ExemptionRequested {
			d.Pending = true
		}
	}
	for _, w := range ws {
		d.Rows = append(d.Rows, warningRowOf(v.Lang, cs, w))
	}
	// Newest first.
	for i := len(evs) - 1; i >= 0; i-- {
		e := evs[i]
		d.Events = append(d.Events, eventRow{WarningEvent: e, From: colourBadge(v.Lang, cs, e.From), To: colourBadge(v.Lang, cs, e.To),
			Reason: i18n.T(v.Lang, e.Reason, e.Args...)})
	}
	v.Title = v.T("warnui.project_title", p.Name)
	v.Crumbs = []crumb{{Label: v.T("projects.title"), URL: "/projects"}, {Label: p.Name, URL: "/projects/" + itoa(p.ID)}, {Label: v.T("warnui.project_crumb")}}
	if formErr != nil {
		v.Form = r.PostForm
		v.withFormError(formErr)
	}
	v.Data = d
	s.renderStatus(w, r, status, "warning_history", v)
	return nil
}

// warnFormDate reads an optional YYYY-MM-DD form value.
func warnFormDate(r *http.Request, name string) (ding.Date, error) {
	val := strings.TrimSpace(r.FormValue(name))
	if val == "" {
		return ding.Date{}, nil
	}
	d, err := ding.ParseDate(val)
	if err != nil {
		return ding.Date{}, ding.FieldError(name, "warnui.bad_date")
	}
	return d, nil
}

// warnFormFailed shows the project's warnings page again for a problem the user can fix.
func (s *Server) warnFormFailed(w http.ResponseWriter, r *http.Request, err error) error {
	if ding.ErrorCode(err) != ding.EINVALID && ding.ErrorCode(err) != ding.ECONFLICT {
		return err
	}
	return s.renderProjectWarnings(w, r, statusOf(ding.ErrorCode(err)), err)
}

// exemptionRequest answers POST /projects/{id}/exemptions.
func (s *Server) exemptionRequest(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	e := &store.Exemption{ProjectID: id, Kind: store.ExemptionKind(r.PostFormValue("kind")), Reason: r.PostFormValue("reason")}
	if e.ValidUntil, err = warnFormDate(r, "valid_until"); err == nil {
		err = s.db.RequestExemption(r.Context(), e)
	}
	if err != nil {
		return s.warnFormFailed(w, r, err)
	}
	return redirect(w, r, "/projects/"+itoa(id)+"/warnings", "warnui_exemption_requested")
}

// exemptionDecide answers POST /exemptions/{id}/decide (decision=approve|reject).
func (s *Server) exemptionDecide(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	back := r.PostFormValue("back")
	var approve bool
	switch r.PostFormValue("decision") {
	case "approve":
		approve = true
	case "reject":
	default:
		return ding.FieldError("decision", "warnui.decision_invalid")
	}
	until, err := warnFormDate(r, "valid_until")
	if err != nil {
		return err
	}
	e, err := s.db.DecideExemption(r.Context(), id, approve, r.PostFormValue("comment"), until)
	if err != nil {
		if ding.ErrorCode(err) != ding.EINVALID && ding.ErrorCode(err) != ding.ECONFLICT {
			return err
		}
		if xs, _, ferr := s.db.FindExemptions(r.Context(), store.ExemptionFilter{ID: id, Limit: 1}); ferr == nil && len(xs) == 1 {
			r.SetPathValue("id", itoa(xs[0].ProjectID))
			return s.renderProjectWarnings(w, r, statusOf(ding.ErrorCode(err)), err)
		}
		return err
	}
	flash := "warnui_exemption_rejected"
	if approve {
		flash = "warnui_exemption_approved"
	}
	to := "/projects/" + itoa(e.ProjectID) + "/warnings"
	if back == "board" {
		to = "/warnings"
	}
	return redirect(w, r, to, flash)
}

// exemptionRevoke answers POST /exemptions/{id}/revoke.
func (s *Server) exemptionRevoke(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	e, err := s.db.RevokeExemption(r.Context(), id, r.PostFormValue("comment"))
	if err != nil {
		if ding.ErrorCode(err) != ding.EINVALID && ding.ErrorCode(err) != ding.ECONFLICT {
			return err
		}
		if xs, _, ferr := s.db.FindExemptions(r.Context(), store.ExemptionFilter{ID: id, Limit: 1}); ferr == nil && len(xs) == 1 {
			r.SetPathValue("id", itoa(xs[0].ProjectID))
			return s.renderProjectWarnings(w, r, statusOf(ding.ErrorCode(err)), err)
		}
		return err
	}
	return redirect(w, r, "/projects/"+itoa(e.ProjectID)+"/warnings", "warnui_exemption_revoked")
}

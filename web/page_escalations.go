package web

// The escalation ladder's pages (督办升级): the list of what was done about warned
// projects — reminders, the three letters (两函), bulletin listings, interviews — with
// counts by action and an Excel export; one item with its reply or interview record and
// the forms that close it; the printable letter (公文 layout) and interview sheet; the
// month's bulletin list; and the office's hand-issued letters on a project's warnings page.

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"ding"
	"ding/i18n"
	"ding/store"
)

// escalationsPageSize is how many items one page of the list shows.
const escalationsPageSize = 50

// escalationsExportCap bounds the rows of one export.
const escalationsExportCap = 100_000

func (s *Server) escalationPageRoutes() {
	s.handle("GET /escalations", s.page(s.escalationsPage, true))
	s.handle("GET /escalations/export.xlsx", s.page(s.escalationsExport, true))
	s.handle("GET /bulletin-listings", s.page(s.bulletinPage, true))
	s.handle("GET /escalations/{id}", s.page(s.escalationPage, true))
	s.handle("GET /escalations/{id}/print", s.page(s.escalationPrint, true))
	s.handle("POST /escalations/{id}/reply", s.page(s.escalationReply, true))
	s.handle("POST /escalations/{id}/interview", s.page(s.escalationInterview, true))
	s.handle("POST /escalations/{id}/withdraw", s.page(s.escalationWithdraw, true))
	s.handle("POST /projects/{id}/escalations", s.page(s.escalationIssue, true))
}

// escFilter is the list's filter, read from the URL (the list and its export share it).
type escFilter struct {
	Action  string // a ladder action, or "letters" for any letter
	Status  string
	Overdue bool
	Colour  ding.Colour
	Period  string // "2024-06"
	UnitID  int64
	Query   string
	Sort    string // a key of escSortCols, or "severity" (export only)
	Desc    bool
}

// escSortCols are the list's sortable columns (store.EscalationFilter.Sort).
var escSortCols = []string{"number", "action", "project", "unit", "issued_on", "due_on"}

var escStatuses = []string{ding.EscalationOpen, ding.EscalationDone, ding.EscalationWithdrawn}

// isMonth reports whether s is a month period, "2024-06".
func isMonth(s string) bool {
	p, err := ding.ParsePeriod(s)
	return err == nil && p.Kind == ding.PeriodMonth
}

// parseEscFilter reads the filter leniently: a value that makes no sense in a hand-made
// URL is ignored rather than refused.
func parseEscFilter(q url.Values) escFilter {
	f := escFilter{Query: strings.TrimSpace(q.Get("q")), Colour: ding.Colour(strings.TrimSpace(q.Get("colour")))}
	if a := q.Get("action"); a == "letters" || slices.Contains(ding.LadderActions, ding.LadderAction(a)) {
		f.Action = a
	}
	if st := q.Get("status"); slices.Contains(escStatuses, st) {
		f.Status = st
	}
	f.Overdue = q.Get("overdue") == "1" || q.Get("overdue") == "true"
	if p := strings.TrimSpace(q.Get("period")); isMonth(p) {
		f.Period = p
	}
	if n, err := strconv.ParseInt(q.Get("unit"), 10, 64); err == nil && n > 0 {
		f.UnitID = n
	}
	if so := q.Get("sort"); slices.Contains(escSortCols, so) || so == "severity" {
		f.Sort = so
		f.Desc = q.Get("desc") == "1"
	}
	return f
}

func (f escFilter) store() store.EscalationFilter {
	sf := store.EscalationFilter{Status: f.Status, Overdue: f.Overdue, Colour: f.Colour, Period: f.Period, UnitID: f.UnitID, Q: f.Query,
		Desc: f.Desc}
	if f.Sort != "severity" {
		sf.Sort = f.Sort
	}
	if f.Action == "letters" {
		sf.Letters = true
	} else {
		sf.Action = ding.LadderAction(f.Action)
	}
	return sf
}

// escRow is an item of a list with its names in the reader's language.
type escRow struct {
	*ding.Escalation
	ActionName  string
	Badge       badge
	StatusName  string
	OverdueDays int
}

func escRowOf(lang string, cs ding.ColourScheme, today ding.Date, e *ding.Escalation) escRow {
	row := escRow{Escalation: e, ActionName: i18n.T(lang, "ladder.action."+string(e.Action)), Badge: colourBadge(lang, cs, e.Colour),
		StatusName: i18n.T(lang, "escui.status."+e.Status)}
	if e.Overdue {
		row.OverdueDays = e.DueOn.DaysUntil(today)
	}
	return row
}

// escCard is the counts of one action.
type escCard struct {
	store.EscalationCounts
	Name                                        string
	HasDue                                      bool
	URL, OpenURL, OverdueURL, DoneURL, MonthURL string
}

// escTab is a tab above the list.
type escTab struct {
	Key, URL, Label string
	Active          bool
}

// escOption is a choice of a select.
type escOption struct {
	Value, Label string
}

// escalationsData is what escalations.html shows: the list, or (Bulletin) a month's
// bulletin listings.
type escalationsData struct {
	Today     ding.Date
	Month     string
	Tabs      []escTab
	Cards     []escCard
	F         escFilter
	Rows      []escRow
	Total     int
	Pager     pager
	From, To  int
	Actions   []escOption
	Statuses  []escOption
	Colours   []badge
	UnitOpts  []unitOption
	Headers   map[string]sortHeader
	ExportURL string
	Filtered  bool

	Bulletin   bool
	Period     string
	PrevPeriod string
	NextPeriod string
}

// escTabs are the tabs: all items, letters, interviews, the bulletin listings.
func escTabs(v *view, active string) []escTab {
	tabs := []escTab{
		{Key: "all", URL: "/escalations", Label: v.T("escui.tab.all")},
		{Key: "letters", URL: "/escalations?action=letters", Label: v.T("escui.tab.letters")},
		{Key: "interview", URL: "/escalations?action=interview", Label: v.T("escui.tab.interview")},
		{Key: "bulletin", URL: "/bulletin-listings", Label: v.T("escui.tab.bulletin")},
	}
	for i := range tabs {
		tabs[i].Active = tabs[i].Key == active
	}
	return tabs
}

// escalationsPage lists the items in the caller's scope: counts by action, filters, sortable
// columns, pages.
func (s *Server) escalationsPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	f := parseEscFilter(q)
	if f.Sort == "severity" {
		f.Sort, f.Desc = "", false
	}
	v := s.view(r, "escalations")
	cs, err := s.db.Colours(ctx)
	if err != nil {
		return err
	}
	today, err := s.db.WarningToday(ctx)
	if err != nil {
		return err
	}
	counts, err := s.db.CountEscalations(ctx)
	if err != nil {
		return err
	}
	pg := min(pageParam(q), 1_000_000)
	sf := f.store()
	sf.Limit, sf.Offset = escalationsPageSize, (pg-1)*escalationsPageSize
	es, total, err := s.db.FindEscalations(ctx, sf)
	if err != nil {
		return err
	}
	units, _, err := s.db.FindUnits(ctx, ding.UnitFilter{})
	if err != nil {
		return err
	}
	v.Title = v.T("escui.title")
	v.Crumbs = []crumb{{Label: v.Title}}
	d := &escalationsData{Today: today, Month: monthOf(today), F: f, Total: total, Pager: newPager(r, total, pg, escalationsPageSize),
		UnitOpts: unitOptions(units)}
	tab := "all"
	if f.Action == "letters" || f.Action == string(ding.ActionInterview) {
		tab = f.Action
	}
	d.Tabs = escTabs(v, tab)
	for _, c := range counts {
		card := escCard{EscalationCounts: c, Name: v.T("ladder.action." + string(c.Action)), HasDue: c.Action.HasDue()}
		aq := "/escalations?action=" + string(c.Action)
		card.URL = aq
		card.OpenURL = aq + "&status=open"
		card.OverdueURL = aq + "&overdue=1"
		card.DoneURL = aq + "&status=done"
		card.MonthURL = aq + "&period=" + d.Month
		d.Cards = append(d.Cards, card)
	}
	for _, e := range es {
		d.Rows = append(d.Rows, escRowOf(v.Lang, cs, today, e))
	}
	if len(es) > 0 {
		d.From, d.To = sf.Offset+1, sf.Offset+len(es)
	}
	d.Actions = append(d.Actions, escOption{"letters", v.T("escui.f.letters")})
	for _, a := range ding.LadderActions {
		d.Actions = append(d.Actions, escOption{string(a), v.T("ladder.action." + string(a))})
	}
	for _, st := range escStatuses {
		d.Statuses = append(d.Statuses, escOption{st, v.T("escui.status." + st)})
	}
	for _, l := range sortedColours(cs) {
		d.Colours = append(d.Colours, colourBadge(v.Lang, cs, l.Key))
	}
	base := r.URL.Query()
	base.Del("page")
	base.Del("flash")
	d.Filtered = len(base) > 0
	d.ExportURL = "/escalations/export.xlsx"
	if enc := base.Encode(); enc != "" {
		d.ExportURL += "?" + enc
	}
	d.Headers = map[string]sortHeader{}
	for _, key := range escSortCols {
		h := sortHeader{Key: key, Label: v.T("escui.col." + key)}
		// With no sort asked, the store orders by issue date, newest first.
		h.Active = f.Sort == key || (f.Sort == "" && key == "issued_on")
		h.Desc = f.Desc || (f.Sort == "" && h.Active)
		desc := key == "issued_on" // newest first on the first click
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
		h.URL = "/escalations?" + hq.Encode()
		d.Headers[key] = h
	}
	v.Data = d
	s.render(w, r, "escalations", v)
	return nil
}

// bulletinPage lists the projects the ladder put on a month's bulletin (通报), most severe
// first, with the warnings they were listed for.
func (s *Server) bulletinPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := s.view(r, "escalations")
	cs, err := s.db.Colours(ctx)
	if err != nil {
		return err
	}
	today, err := s.db.WarningToday(ctx)
	if err != nil {
		return err
	}
	period := strings.TrimSpace(r.URL.Query().Get("period"))
	if !isMonth(period) {
		period = monthOf(today)
	}
	es, err := s.db.BulletinListings(ctx, period)
	if err != nil {
		return err
	}
	p, _ := ding.ParsePeriod(period)
	v.Title = v.T("escui.bulletin_title", period)
	v.Crumbs = []crumb{{Label: v.T("escui.title"), URL: "/escalations"}, {Label: v.T("escui.tab.bulletin")}}
	d := &escalationsData{Today: today, Month: monthOf(today), Bulletin: true, Period: period, Tabs: escTabs(v, "bulletin"), Total: len(es),
		PrevPeriod: addMonths(p, -1), NextPeriod: addMonths(p, 1),
		ExportURL: "/escalations/export.xlsx?" + url.Values{"action": {"bulletin"}, "period": {period}, "sort": {"severity"}}.Encode()}
	for _, e := range es {
		d.Rows = append(d.Rows, escRowOf(v.Lang, cs, today, e))
	}
	v.Data = d
	s.render(w, r, "escalations", v)
	return nil
}

// addMonths is the month n months from p, "2024-06".
func addMonths(p ding.Period, n int) string {
	m := p.Year*12 + p.N - 1 + n
	return ding.Period{Kind: ding.PeriodMonth, Year: m / 12, N: m%12 + 1}.String()
}

// escalationsExport sends the filtered list (all of it, not a page) as .xlsx, with the
// warnings each item was issued for and its reply or interview record. sort=severity puts
// the most severe colour first (the bulletin's order).
func (s *Server) escalationsExport(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := reqOf(r)
	f := parseEscFilter(r.URL.Query())
	sf := f.store()
	sf.Limit = escalationsExportCap
	es, _, err := s.db.FindEscalations(ctx, sf)
	if err != nil {
		return err
	}
	cs, err := s.db.Colours(ctx)
	if err != nil {
		return err
	}
	today, err := s.db.WarningToday(ctx)
	if err != nil {
		return err
	}
	if f.Sort == "severity" {
		slices.SortStableFunc(es, func(a, b *ding.Escalation) int { return cs.Rank(b.Colour) - cs.Rank(a.Colour) })
	}
	title := i18n.T(q.lang, "escui.sheet_title", q.user.UnitName)
	name, ascii := q.user.UnitName+"督办事项-"+today.String()+".xlsx", "escalations-"+today.String()+".xlsx"
	if f.Action == string(ding.ActionBulletin) && f.Period != "" {
		title = i18n.T(q.lang, "escui.bulletin_sheet", f.Period)
		name, ascii = f.Period+"月度通报名单.xlsx", "bulletin-"+f.Period+".xlsx"
	}
	b, err := escalationsXLSX(q.lang, title, ding.Today(s.db.Now()), today, cs, es)
	if err != nil {
		return ding.Internal(err, "export escalations")
	}
	return writeXLSX(w, name, ascii, b)
}

// escalationsXLSX lays the items out as offices read them: a title, the dates, a bold
// header with frozen panes, the warnings and replies wrapped in their cells.
func escalationsXLSX(lang, title string, exported, asOf ding.Date, cs ding.ColourScheme, es []*ding.Escalation) ([]byte, error) {
	t := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	f := excelize.NewFile()
	defer f.Close()
	sheet := t("escui.sheet")
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	cols := []struct {
		key   string
		width float64
	}{
		{"escui.col.seq", 6}, {"escui.col.number", 24}, {"escui.col.action", 10}, {"escui.col.code", 26}, {"escui.col.project", 30},
		{"escui.col.unit", 16}, {"escui.col.colour", 7}, {"escui.col.manual", 10}, {"escui.col.issued_on", 12}, {"escui.col.due_on", 12},
		{"escui.col.status", 9}, {"escui.col.overdue", 7}, {"escui.col.escalated", 8}, {"escui.col.period", 10}, {"escui.col.figures", 60},
		{"escui.col.reply", 50}, {"escui.col.replied_on", 13}, {"escui.col.replied_by", 10}, {"escui.col.leader", 10}, {"escui.col.note", 30},
	}
	last, _ := excelize.ColumnNumberToName(len(cols))
	titleStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 16}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	if err != nil {
		return nil, err
	}
	border := []excelize.Border{{Type: "left", Color: "999999", Style: 1}, {Type: "right", Color: "999999", Style: 1},
		{Type: "top", Color: "999999", Style: 1}, {Type: "bottom", Color: "999999", Style: 1}}
	headStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: border,
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DCE6F1"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	if err != nil {
		return nil, err
	}
	cellStyle, err := f.NewStyle(&excelize.Style{Border: border, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	if err != nil {
		return nil, err
	}
	if err := f.MergeCell(sheet, "A1", last+"1"); err != nil {
		return nil, err
	}
	if err := f.MergeCell(sheet, "A2", last+"2"); err != nil {
		return nil, err
	}
	f.SetCellValue(sheet, "A1", title)
	f.SetCellStyle(sheet, "A1", "A1", titleStyle)
	f.SetRowHeight(sheet, 1, 30)
	f.SetCellValue(sheet, "A2", t("escui.sheet_date", exported.String(), asOf.String()))
	for i, c := range cols {
		name, _ := excelize.ColumnNumberToName(i + 1)
		f.SetCellValue(sheet, name+"3", t(c.key))
		f.SetColWidth(sheet, name, name, c.width)
	}
	f.SetCellStyle(sheet, "A3", last+"3", headStyle)
	date := func(d ding.Date) string {
		if d.IsZero() {
			return ""
		}
		return d.String()
	}
	yes := func(b bool) string {
		if b {
			return t("escui.yes")
		}
		return ""
	}
	for i, e := range es {
		manual := t("escui.by_ladder")
		if e.Manual {
			manual = t("escui.manual")
		}
		reply, repliedOn := e.Reply, date(e.RepliedOn)
		if iv := e.Interview; iv != nil {
			reply = t("escui.iv_record", iv.HeldOn.String(), iv.Interviewer, iv.Interviewees, iv.Commitments)
			repliedOn = iv.HeldOn.String()
		}
		colour := ""
		if e.Colour != "" {
			colour = colourName(lang, cs, e.Colour)
		}
		row := []any{i + 1, e.Number, t("ladder.action." + string(e.Action)), e.ProjectCode, e.ProjectName, e.UnitName, colour, manual,
			date(e.IssuedOn), date(e.DueOn), t("escui.status." + e.Status), yes(e.Overdue), yes(e.Escalated), e.Period,
			strings.Join(e.Figures, "\n"), reply, repliedOn, e.RepliedBy, e.LeaderName, e.Note}
		for j, val := range row {
			if s, ok := val.(string); ok && s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
				row[j] = "'" + s // a cell that looks like a formula is shown, not run
			}
		}
		cell := "A" + strconv.Itoa(i+4)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			return nil, err
		}
	}
	end := max(len(es)+3, 3)
	if len(es) > 0 {
		f.SetCellStyle(sheet, "A4", last+strconv.Itoa(end), cellStyle)
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 3, TopLeftCell: "A4", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	if err := f.AutoFilter(sheet, "A3:"+last+strconv.Itoa(end), nil); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// escEvent is a step of an item's history, read from the record itself (the audit log
// keeps the full trail).
type escEvent struct {
	On    ding.Date
	Text  string
	Class string
}

// escalationData is what escalation.html shows.
type escalationData struct {
	escRow
	Trigger      string
	Today        ding.Date
	Events       []escEvent
	CanReply     bool
	CanInterview bool
	CanWithdraw  bool
	CanPrint     bool
	CanAudit     bool
	Posted       string // the form that failed: "reply", "interview", "withdraw"
	form         url.Values
	defaults     map[string]string
}

// Val is a field of a form: what the user typed when that form failed, else its default.
func (d *escalationData) Val(posted, field string) string {
	if d.Posted == posted && d.form != nil {
		return d.form.Get(field)
	}
	return d.defaults[field]
}

// escalationPage shows one item.
func (s *Server) escalationPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderEscalation(w, r, http.StatusOK, "", nil)
}

// canReplyTo says whether the caller may enter a letter's reply: the office, or a liaison
// whose scope holds the recipient unit (the store's rule; the store decides on save).
func (s *Server) canReplyTo(ctx context.Context, a *ding.Actor, e *ding.Escalation) (bool, error) {
	if !e.Action.IsLetter() || e.Status != ding.EscalationOpen {
		return false, nil
	}
	if isOffice(a) {
		return true, nil
	}
	if a.Role != ding.RoleLiaison {
		return false, nil
	}
	if _, err := s.db.FindUnitByID(ctx, e.UnitID); err != nil {
		if ding.ErrorCode(err) == ding.ENOTFOUND {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// renderEscalation shows an item; a failed form (posted) shows again with what was typed
// and its error.
func (s *Server) renderEscalation(w http.ResponseWriter, r *http.Request, status int, posted string, formErr error) error {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		return err
	}
	e, err := s.db.FindEscalation(ctx, id)
	if err != nil {
		return err
	}
	a := reqOf(r).actor
	v := s.view(r, "escalations")
	cs, err := s.db.Colours(ctx)
	if err != nil {
		return err
	}
	today, err := s.db.WarningToday(ctx)
	if err != nil {
		return err
	}
	d := &escalationData{escRow: escRowOf(v.Lang, cs, today, e), Today: today, CanAudit: a.IsAdmin(),
		CanPrint: e.Action.IsLetter() || e.Action == ding.ActionInterview}
	open := e.Status == ding.EscalationOpen
	if d.CanReply, err = s.canReplyTo(ctx, a, e); err != nil {
		return err
	}
	d.CanInterview = open && e.Action == ding.ActionInterview && (isOffice(a) || a.Role == ding.RoleLeader)
	d.CanWithdraw = open && e.Action.HasDue() && isOffice(a)
	d.Trigger = escTrigger(v.Lang, cs, e)
	d.Events = escEvents(v, e)
	interviewer := e.LeaderName
	if interviewer == "" && a.Role == ding.RoleLeader && v.User != nil {
		interviewer = v.User.DisplayName
	}
	d.defaults = map[string]string{"replied_on": today.String(), "held_on": today.String(), "interviewer": interviewer}
	if formErr != nil {
		d.Posted = posted
		d.form = url.Values{}
		for k, vals := range r.PostForm {
			if k != csrfField {
				d.form[k] = vals
			}
		}
		v.withFormError(formErr)
	}
	title := d.ActionName
	if e.Number != "" {
		title = v.T("escui.detail_title", d.ActionName, e.Number)
	}
	v.Title = title + " · " + e.ProjectName
	v.Crumbs = []crumb{{Label: v.T("escui.title"), URL: "/escalations"}, {Label: title}}
	v.Data = d
	s.renderStatus(w, r, status, "escalation", v)
	return nil
}

// escTrigger says what took the step: the ladder's colour and months, or the office.
func escTrigger(lang string, cs ding.ColourScheme, e *ding.Escalation) string {
	switch {
	case e.Manual && e.Colour != "":
		return i18n.T(lang, "escui.trigger_manual_col", colourName(lang, cs, e.Colour))
	case e.Manual:
		return i18n.T(lang, "escui.trigger_manual")
	}
	return i18n.T(lang, "escui.trigger_ladder", colourName(lang, cs, e.Colour), e.Periods)
}

// escEvents is the item's history as the record tells it.
func escEvents(v *view, e *ding.Escalation) []escEvent {
	how := v.T("escui.by_ladder")
	if e.Manual {
		how = v.T("escui.manual")
	}
	evs := []escEvent{{On: e.IssuedOn, Text: v.T("escui.tl.issued", v.T("ladder.action."+string(e.Action)), how)}}
	if !e.RepliedOn.IsZero() {
		evs = append(evs, escEvent{On: e.RepliedOn, Text: v.T("escui.tl.replied", e.RepliedBy), Class: "done"})
	}
	if iv := e.Interview; iv != nil {
		evs = append(evs, escEvent{On: iv.HeldOn, Text: v.T("escui.tl.held"), Class: "done"})
		if !iv.FollowUpOn.IsZero() {
			evs = append(evs, escEvent{On: iv.FollowUpOn, Text: v.T("escui.tl.follow_up")})
		}
	}
	if e.Status == ding.EscalationOpen && !e.DueOn.IsZero() {
		cls := ""
		if e.Overdue {
			cls = "overdue"
		}
		evs = append(evs, escEvent{On: e.DueOn, Text: v.T("escui.tl.due"), Class: cls})
	}
	if e.Escalated {
		evs = append(evs, escEvent{Text: v.T("escui.tl.escalated"), Class: "overdue"})
	}
	if e.Status == ding.EscalationWithdrawn {
		evs = append(evs, escEvent{Text: v.T("escui.tl.withdrawn"), Class: "withdrawn"})
	}
	return evs
}

// escFormError puts the withdrawal's reason under the field that carries it (the store
// names it note, the reason being written into the item's note).
func escFormError(err error) error {
	e := ding.AsError(err)
	if e.Key == "escalation.withdraw_reason_required" || (e.Field == "note" && e.Key == "field.too_long") {
		c := *e
		c.Field = "reason"
		return &c
	}
	return err
}

// escFormFailed answers a failed form: fixable problems show the item again with the
// typed values and the message next to the field; anything else ends the request.
func (s *Server) escFormFailed(w http.ResponseWriter, r *http.Request, posted string, err error) error {
	err = escFormError(err)
	if !isFormError(err) {
		return err
	}
	return s.renderEscalation(w, r, statusOf(ding.ErrorCode(err)), posted, err)
}

// escalationReply answers POST /escalations/{id}/reply: reply, replied_on, version.
func (s *Server) escalationReply(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var fe formErrors
	on := formDate(r.PostForm, "replied_on", &fe)
	ver, err := postedVersion(r, "escalation.stale")
	fe.add(err)
	if len(fe) == 0 {
		_, err = s.db.ReplyLetter(r.Context(), id, r.PostFormValue("reply"), on, ver)
		fe.add(err)
	}
	if len(fe) > 0 {
		return s.escFormFailed(w, r, "reply", fe[0])
	}
	return redirect(w, r, "/escalations/"+itoa(id), "escui_replied")
}

// escalationInterview answers POST /escalations/{id}/interview: held_on, interviewer,
// interviewees, commitments, follow_up_on, version.
func (s *Server) escalationInterview(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var fe formErrors
	iv := ding.Interview{HeldOn: formDate(r.PostForm, "held_on", &fe), Interviewer: r.PostFormValue("interviewer"),
		Interviewees: r.PostFormValue("interviewees"), Commitments: r.PostFormValue("commitments"),
		FollowUpOn: formDate(r.PostForm, "follow_up_on", &fe)}
	ver, err := postedVersion(r, "escalation.stale")
	fe.add(err)
	if len(fe) == 0 {
		_, err = s.db.RecordInterview(r.Context(), id, iv, ver)
		fe.add(err)
	}
	if len(fe) > 0 {
		return s.escFormFailed(w, r, "interview", fe[0])
	}
	return redirect(w, r, "/escalations/"+itoa(id), "escui_interviewed")
}

// escalationWithdraw answers POST /escalations/{id}/withdraw: reason, version.
func (s *Server) escalationWithdraw(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ver, err := postedVersion(r, "escalation.stale")
	if err == nil {
		_, err = s.db.WithdrawEscalation(r.Context(), id, r.PostFormValue("reason"), ver)
	}
	if err != nil {
		return s.escFormFailed(w, r, "withdraw", err)
	}
	return redirect(w, r, "/escalations/"+itoa(id), "escui_withdrawn")
}

// escIssueActions are what the office can issue by hand.
func escIssueActions() []ding.LadderAction {
	var out []ding.LadderAction
	for _, a := range ding.LadderActions {
		if a.HasDue() {
			out = append(out, a)
		}
	}
	return out
}

// escalationIssue answers POST /projects/{id}/escalations (the office): action, due_days,
// note. A problem shows the project's warnings page again with the form as typed.
func (s *Server) escalationIssue(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	days, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("due_days")))
	if err != nil {
		err = ding.FieldError("due_days", "escui.due_days_invalid")
	} else {
		var e *ding.Escalation
		e, err = s.db.IssueEscalation(r.Context(), id, ding.LadderAction(r.PostFormValue("action")), days, r.PostFormValue("note"))
		if err == nil {
			return redirect(w, r, "/escalations/"+itoa(e.ID), "escui_issued")
		}
	}
	if !isFormError(err) {
		return err
	}
	return s.renderProjectWarnings(w, r, statusOf(ding.ErrorCode(err)), err)
}

// projectEscData is the escalations section of a project's warnings page.
type projectEscData struct {
	Rows     []escRow
	CanIssue bool
	Actions  []escOption
}

// projectEscalations loads a project's items for its warnings page, newest first.
func (s *Server) projectEscalations(ctx context.Context, v *view, projectID int64) (*projectEscData, error) {
	es, _, err := s.db.FindEscalations(ctx, store.EscalationFilter{ProjectID: projectID, Limit: 200})
	if err != nil {
		return nil, err
	}
	cs, err := s.db.Colours(ctx)
	if err != nil {
		return nil, err
	}
	today, err := s.db.WarningToday(ctx)
	if err != nil {
		return nil, err
	}
	d := &projectEscData{CanIssue: isOffice(ding.ActorFrom(ctx))}
	for _, e := range es {
		d.Rows = append(d.Rows, escRowOf(v.Lang, cs, today, e))
	}
	for _, a := range escIssueActions() {
		d.Actions = append(d.Actions, escOption{string(a), v.T("ladder.action." + string(a))})
	}
	return d, nil
}

// letterData is what letter_print.html shows: a letter in the layout of a Chinese official
// document (GB/T 9704), or an interview notice or record. The document is Chinese whatever
// the reader's language; only the toolbar follows it.
type letterData struct {
	E          *ding.Escalation
	Interview  bool
	Issuer     string
	Title      string
	Salutation string
	Intro      string
	Figures    []letterItem
	Ask        string
	Closing    string
	Date       string // the issue date: 2024年6月20日
	CC         string
	DueCN      string
	Record     *ding.Interview
	SheetTitle string // interviews: the record sheet (blank under a notice)
	HeldOn     string
	FollowUpOn string
	Back       string
}

// Z translates a key into Chinese, the language of the document.
func (d *letterData) Z(key string, args ...any) string { return i18n.T("zh", key, args...) }

// letterItem is a numbered paragraph: （一）…
type letterItem struct{ Label, Text string }

// cnDate writes a date as official documents do: 2024年6月20日.
func cnDate(d ding.Date) string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d年%d月%d日", d.Year, int(d.Month), d.Day)
}

// cnNumeral is 1–99 in Chinese numerals: 一, 十二, 二十.
func cnNumeral(n int) string {
	digits := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n <= 0 || n > 99:
		return strconv.Itoa(n)
	case n < 10:
		return digits[n]
	case n < 20:
		return "十" + digits[n%10]
	}
	return digits[n/10] + "十" + digits[n%10]
}

// colourWord is a colour's name as a word of a sentence: 黄 → 黄色.
func colourWord(cs ding.ColourScheme, c ding.Colour) string {
	n := colourName("zh", cs, c)
	if !strings.HasSuffix(n, "色") {
		n += "色"
	}
	return n
}

// escalationPrint shows a letter or an interview sheet ready to print on A4; other items
// have nothing to print (404).
func (s *Server) escalationPrint(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		return err
	}
	e, err := s.db.FindEscalation(ctx, id)
	if err != nil {
		return err
	}
	if !e.Action.IsLetter() && e.Action != ding.ActionInterview {
		return ding.Errorf(ding.ENOTFOUND, "err.page_not_found")
	}
	ls, err := s.db.LetterSettings(ctx)
	if err != nil {
		return err
	}
	cs, err := s.db.Colours(ctx)
	if err != nil {
		return err
	}
	p, err := s.db.FindProjectByID(ctx, e.ProjectID)
	if err != nil {
		return err
	}
	team, err := s.db.FindTeam(ctx, e.ProjectID)
	if err != nil {
		return err
	}
	z := func(key string, args ...any) string { return i18n.T("zh", key, args...) }
	v := s.view(r, "escalations")
	d := &letterData{E: e, Interview: e.Action == ding.ActionInterview, Issuer: ls.Issuer, Salutation: e.UnitName + "：",
		Date: cnDate(e.IssuedOn), DueCN: cnDate(e.DueOn), Back: "/escalations/" + itoa(e.ID)}
	figs := e.Figures
	if len(figs) == 0 && strings.TrimSpace(e.Note) != "" && e.Manual {
		figs = []string{strings.TrimSpace(e.Note)}
	}
	for i, f := range figs {
		d.Figures = append(d.Figures, letterItem{Label: "（" + cnNumeral(i+1) + "）", Text: f})
	}
	switch {
	case e.Colour != "" && !e.Manual:
		d.Intro = z("escui.letter.intro_since", e.ProjectName, e.ProjectCode, cnDate(e.Episode), colourWord(cs, e.Colour))
	case e.Colour != "":
		d.Intro = z("escui.letter.intro_now", e.ProjectName, e.ProjectCode, colourWord(cs, e.Colour))
	default:
		d.Intro = z("escui.letter.intro_plain", e.ProjectName, e.ProjectCode)
	}
	// 抄送: the project's contact leader and the cooperating units of its team.
	var cc []string
	if p.LeaderName != "" {
		cc = append(cc, z("escui.letter.cc_leader", p.LeaderName))
	}
	for _, m := range team {
		if m.Role == ding.TeamCoop && m.UnitID != e.UnitID {
			cc = append(cc, m.UnitName)
		}
	}
	if len(cc) == 0 {
		cc = append(cc, z("escui.letter.cc_archive"))
	}
	d.CC = z("escui.letter.cc", strings.Join(cc, "，"))
	if d.Interview {
		d.Record = e.Interview
		d.Title, d.SheetTitle, d.Closing = z("escui.letter.iv_notice"), z("escui.letter.iv_form"), z("escui.letter.iv_closing")
		if d.Record != nil {
			d.Title, d.SheetTitle = z("escui.letter.iv_record"), z("escui.letter.iv_record")
			d.HeldOn, d.FollowUpOn = cnDate(d.Record.HeldOn), cnDate(d.Record.FollowUpOn)
		}
		d.Ask = z("escui.letter.iv_ask", d.DueCN)
		v.Title = d.Title + " · " + e.ProjectName
	} else {
		kind := z("ladder.action." + string(e.Action))
		d.Title = z("escui.letter.title", e.ProjectName, kind)
		d.Ask = z("escui.letter.ask."+string(e.Action), d.DueCN, ls.Issuer)
		d.Closing = z("escui.letter.closing")
		v.Title = e.Number + " " + d.Title
	}
	v.Data = d
	s.renderBare(w, r, http.StatusOK, "letter_print", "print", v)
	return nil
}

// renderBare renders a page's own document template (no layout: no navigation), with the
// same headers as every page.
func (s *Server) renderBare(w http.ResponseWriter, r *http.Request, status int, page, name string, v *view) {
	t, ok := s.pages[page]
	if !ok {
		s.log.Error("no template", "page", page)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, name, v); err != nil {
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

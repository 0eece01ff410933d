package web

// The meeting pages (周协调 / 月例会 / 专题会): the list; the office's form to schedule a
// meeting or change its facts; one meeting with its agenda — built from the data, edited by
// the office, commented on by the units, decided item by item with action items — and the
// form that marks it held; the minutes (会议纪要) as a printable A4 official document and as
// an Excel workbook.

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"ding"
	"ding/i18n"
	"ding/store"
)

// meetingsPageSize is how many meetings one page of the list shows.
const meetingsPageSize = 20

// meetingActionRows bounds the action-item rows one decision form may carry.
const meetingActionRows = 20

func (s *Server) meetingPageRoutes() {
	s.handle("GET /meetings", s.page(s.meetingsPage, true))
	s.handle("GET /meetings/new", s.page(s.meetingNewPage, true))
	s.handle("POST /meetings", s.page(s.meetingCreate, true))
	s.handle("GET /meetings/{id}", s.page(s.meetingPage, true))
	s.handle("GET /meetings/{id}/edit", s.page(s.meetingEditPage, true))
	s.handle("POST /meetings/{id}/edit", s.page(s.meetingUpdate, true))
	s.handle("GET /meetings/{id}/minutes", s.page(s.meetingMinutes, true))
	s.handle("GET /meetings/{id}/minutes.xlsx", s.page(s.meetingMinutesXLSX, true))
	s.handle("POST /meetings/{id}/agenda", s.page(s.meetingAgendaAdd, true))
	s.handle("POST /meetings/{id}/agenda/rebuild", s.page(s.meetingAgendaRebuild, true))
	s.handle("POST /meetings/{id}/agenda/{aid}/move", s.page(s.meetingAgendaMove, true))
	s.handle("POST /meetings/{id}/agenda/{aid}/drop", s.page(s.meetingAgendaDrop, true))
	s.handle("POST /meetings/{id}/agenda/{aid}/comment", s.page(s.meetingAgendaComment, true))
	s.handle("POST /meetings/{id}/agenda/{aid}/decision", s.page(s.meetingAgendaDecide, true))
	s.handle("POST /meetings/{id}/held", s.page(s.meetingHold, true))
}

// meetOption is a choice of a select.
type meetOption struct {
	Value, Label string
}

var meetingStatuses = []string{ding.MeetingPlanned, ding.MeetingHeld}

// meetingWhen is a meeting's time as offices write it: 2024-06-21（周五）09:00.
func meetingWhen(lang string, t time.Time) string {
	t = t.In(ding.Shanghai)
	return i18n.T(lang, "meetui.when", t.Format("2006-01-02"), i18n.T(lang, "meetui.weekday."+strconv.Itoa(int(t.Weekday()))), t.Format("15:04"))
}

// meetFilter is the list's filter, read leniently from the URL.
type meetFilter struct {
	Kind   ding.MeetingKind
	Status string
	Month  string    // 2024-06
	From   ding.Date // on or after
	To     ding.Date // on or before
	Query  string
}

func parseMeetFilter(q url.Values) meetFilter {
	f := meetFilter{Query: strings.TrimSpace(q.Get("q"))}
	if k := ding.MeetingKind(q.Get("kind")); slices.Contains(ding.MeetingKinds, k) {
		f.Kind = k
	}
	if st := q.Get("status"); slices.Contains(meetingStatuses, st) {
		f.Status = st
	}
	if m := strings.TrimSpace(q.Get("month")); isMonth(m) {
		f.Month = m
	}
	if d, err := ding.ParseDate(strings.TrimSpace(q.Get("from"))); err == nil {
		f.From = d
	}
	if d, err := ding.ParseDate(strings.TrimSpace(q.Get("to"))); err == nil {
		f.To = d
	}
	return f
}

// meetDayStart is midnight in Shanghai at the start of d.
func meetDayStart(d ding.Date) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, ding.Shanghai)
}

// store turns the filter into the store's: the month and the date range both bound the
// start time (the narrower bound wins).
func (f meetFilter) store() store.MeetingFilter {
	sf := store.MeetingFilter{Kind: f.Kind, Status: f.Status, Q: f.Query, Desc: true}
	if f.Month != "" {
		p, _ := ding.ParsePeriod(f.Month)
		sf.From = time.Date(p.Year, time.Month(p.N), 1, 0, 0, 0, 0, ding.Shanghai)
		sf.To = sf.From.AddDate(0, 1, 0)
	}
	if !f.From.IsZero() {
		if t := meetDayStart(f.From); sf.From.IsZero() || t.After(sf.From) {
			sf.From = t
		}
	}
	if !f.To.IsZero() {
		if t := meetDayStart(f.To.AddDays(1)); sf.To.IsZero() || t.Before(sf.To) {
			sf.To = t
		}
	}
	return sf
}

// meetRow is a meeting of the list with its names in the reader's language.
type meetRow struct {
	*ding.Meeting
	KindName, StatusName, When string
}

func meetRowOf(lang string, m *ding.Meeting) meetRow {
	return meetRow{Meeting: m, KindName: i18n.T(lang, "meeting.kind."+string(m.Kind)),
		StatusName: i18n.T(lang, "meeting.status."+m.Status), When: meetingWhen(lang, m.StartsAt)}
}

// meetingsData is what meetings.html shows.
type meetingsData struct {
	F         meetFilter
	Rows      []meetRow
	Total     int
	Pager     pager
	From, To  int
	Kinds     []meetOption
	Statuses  []meetOption
	Filtered  bool
	CanCreate bool
}

func meetingKindOptions(v *view) []meetOption {
	var out []meetOption
	for _, k := range ding.MeetingKinds {
		out = append(out, meetOption{string(k), v.T("meeting.kind." + string(k))})
	}
	return out
}

// meetingsPage lists the meetings in the caller's scope, newest first.
func (s *Server) meetingsPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := parseMeetFilter(q)
	v := s.view(r, "meetings")
	pg := min(pageParam(q), 1_000_000)
	sf := f.store()
	sf.Limit, sf.Offset = meetingsPageSize, (pg-1)*meetingsPageSize
	ms, total, err := s.db.FindMeetings(r.Context(), sf)
	if err != nil {
		return err
	}
	d := &meetingsData{F: f, Total: total, Pager: newPager(r, total, pg, meetingsPageSize), Kinds: meetingKindOptions(v),
		CanCreate: isOffice(reqOf(r).actor)}
	for _, m := range ms {
		d.Rows = append(d.Rows, meetRowOf(v.Lang, m))
	}
	if len(ms) > 0 {
		d.From, d.To = sf.Offset+1, sf.Offset+len(ms)
	}
	for _, st := range meetingStatuses {
		d.Statuses = append(d.Statuses, meetOption{st, v.T("meeting.status." + st)})
	}
	base := r.URL.Query()
	base.Del("page")
	base.Del("flash")
	d.Filtered = len(base) > 0
	v.Title = v.T("meetui.title")
	v.Crumbs = []crumb{{Label: v.Title}}
	v.Data = d
	s.render(w, r, "meetings", v)
	return nil
}

// meetingFormData is what meeting_form.html shows besides the typed values (v.Form).
type meetingFormData struct {
	M       *ding.Meeting // nil: a new meeting
	Kinds   []meetOption
	Leaders []*ding.User
	Units   []unitOption
	Stale   bool
	units   map[string]bool
}

// UnitSelected says whether a unit is among the typed participating units.
func (d *meetingFormData) UnitSelected(id int64) bool { return d.units[itoa(id)] }

// meetingFormValues are a meeting's facts as the form's fields.
func meetingFormValues(m *ding.Meeting) url.Values {
	t := m.StartsAt.In(ding.Shanghai)
	f := url.Values{"kind": {string(m.Kind)}, "title": {m.Title}, "date": {t.Format("2006-01-02")}, "time": {t.Format("15:04")},
		"place": {m.Place}, "chair_id": {itoa(m.ChairID)}, "attendees": {m.Attendees}, "comment_due": {m.CommentDue.String()},
		"summary": {m.Summary}, "version": {strconv.Itoa(m.Version)}}
	for _, u := range m.UnitIDs {
		f.Add("unit_ids", itoa(u))
	}
	return f
}

// meetingFromForm reads a meeting's facts from the posted form. Problems the store would
// name starts_at are shown under the date field.
func meetingFromForm(form url.Values) (*ding.Meeting, formErrors) {
	var fe formErrors
	m := &ding.Meeting{Kind: ding.MeetingKind(strings.TrimSpace(form.Get("kind"))), Title: form.Get("title"), Place: form.Get("place"),
		Attendees: form.Get("attendees"), Summary: form.Get("summary")}
	day := formDate(form, "date", &fe)
	clock := strings.TrimSpace(form.Get("time"))
	var hm time.Time
	if clock != "" {
		var err error
		if hm, err = time.Parse("15:04", clock); err != nil {
			fe.add(ding.FieldError("time", "meetui.time_invalid", clock))
		}
	} else if !day.IsZero() {
		fe.add(ding.FieldError("time", "meetui.time_required"))
	}
	if !day.IsZero() {
		m.StartsAt = time.Date(day.Year, day.Month, day.Day, hm.Hour(), hm.Minute(), 0, 0, ding.Shanghai)
	}
	m.ChairID = formID(form, "chair_id", &fe)
	m.UnitIDs = []int64{}
	for _, s := range form["unit_ids"] {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			fe.add(ding.FieldError("unit_ids", "err.bad_param", "unit_ids"))
			continue
		}
		m.UnitIDs = append(m.UnitIDs, n)
	}
	m.CommentDue = formDate(form, "comment_due", &fe)
	if len(fe) > 0 {
		// The store will not be asked: check the rest too, so that every problem shows now.
		q := *m
		if err := q.Validate(); err != nil && !slices.ContainsFunc(fe, func(e *ding.Error) bool { return e.Field == ding.AsError(err).Field }) {
			fe.add(err)
		}
	}
	for i, e := range fe {
		if e.Field == "starts_at" && !slices.ContainsFunc(fe, func(e *ding.Error) bool { return e.Field == "date" }) {
			c := *e
			c.Field = "date"
			fe[i] = &c
		}
	}
	return m, fe
}

// meetingFormError moves a store error about the start time under the date field.
func meetingFormError(err error) *ding.Error {
	e := ding.AsError(err)
	if e.Field == "starts_at" {
		c := *e
		c.Field = "date"
		return &c
	}
	return e
}

func (s *Server) meetingNewPage(w http.ResponseWriter, r *http.Request) error {
	if !isOffice(reqOf(r).actor) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	v := s.view(r, "meetings")
	v.Form = url.Values{"kind": {string(ding.MeetingWeekly)}, "time": {"09:00"}}
	return s.renderMeetingForm(w, r, v, nil, http.StatusOK, false)
}

func (s *Server) meetingCreate(w http.ResponseWriter, r *http.Request) error {
	if !isOffice(reqOf(r).actor) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	m, fe := meetingFromForm(r.PostForm)
	if len(fe) == 0 {
		if err := s.db.CreateMeeting(r.Context(), m); err != nil {
			if !isFormError(err) {
				return err
			}
			fe = append(fe, meetingFormError(err))
		}
	}
	if len(fe) > 0 {
		v := s.view(r, "meetings")
		v.Form = r.PostForm
		fe.show(v)
		return s.renderMeetingForm(w, r, v, nil, statusOf(fe[0].Code), false)
	}
	return redirect(w, r, "/meetings/"+itoa(m.ID), "meetui_created")
}

// renderMeetingForm shows the form to schedule a meeting (m nil) or to change m.
func (s *Server) renderMeetingForm(w http.ResponseWriter, r *http.Request, v *view, m *ding.Meeting, status int, stale bool) error {
	ctx := r.Context()
	units, _, err := s.db.FindUnits(ctx, ding.UnitFilter{})
	if err != nil {
		return err
	}
	leaders, _, err := s.db.FindUsers(ctx, ding.UserFilter{Role: ding.RoleLeader})
	if err != nil {
		return err
	}
	d := &meetingFormData{M: m, Kinds: meetingKindOptions(v), Leaders: leaders, Units: unitOptions(units), Stale: stale, units: map[string]bool{}}
	for _, u := range v.Form["unit_ids"] {
		d.units[strings.TrimSpace(u)] = true
	}
	if m != nil {
		// Keep the stored chair and units selectable even when they are no longer in the
		// caller's lists, so that saving the other facts does not silently drop them.
		if !slices.ContainsFunc(d.Leaders, func(u *ding.User) bool { return u.ID == m.ChairID }) {
			d.Leaders = append([]*ding.User{{ID: m.ChairID, DisplayName: m.ChairName}}, d.Leaders...)
		}
		for i, id := range m.UnitIDs {
			if !slices.ContainsFunc(d.Units, func(o unitOption) bool { return o.ID == id }) {
				d.Units = append(d.Units, unitOption{ID: id, Label: m.UnitNames[i]})
			}
		}
	}
	v.Data = d
	if m == nil {
		v.Title = v.T("meetui.new_title")
		v.Crumbs = []crumb{{Label: v.T("meetui.title"), URL: "/meetings"}, {Label: v.Title}}
	} else {
		v.Title = v.T("meetui.edit_title", m.Title)
		v.Crumbs = []crumb{{Label: v.T("meetui.title"), URL: "/meetings"}, {Label: m.Title, URL: "/meetings/" + itoa(m.ID)}, {Label: v.T("meetui.edit")}}
	}
	s.renderStatus(w, r, status, "meeting_form", v)
	return nil
}

// editableMeeting loads a meeting for the office to change: 404 outside the caller's
// scope, 403 for anyone but the office.
func (s *Server) editableMeeting(r *http.Request) (*ding.Meeting, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	m, err := s.db.FindMeeting(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !isOffice(reqOf(r).actor) {
		return nil, ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	return m, nil
}

func (s *Server) meetingEditPage(w http.ResponseWriter, r *http.Request) error {
	m, err := s.editableMeeting(r)
	if err != nil {
		return err
	}
	v := s.view(r, "meetings")
	v.Form = meetingFormValues(m)
	return s.renderMeetingForm(w, r, v, m, http.StatusOK, false)
}

func (s *Server) meetingUpdate(w http.ResponseWriter, r *http.Request) error {
	before, err := s.editableMeeting(r)
	if err != nil {
		return err
	}
	m, fe := meetingFromForm(r.PostForm)
	m.ID = before.ID
	ver, err := postedVersion(r, "meeting.stale")
	if err != nil {
		fe = append(formErrors{ding.AsError(err)}, fe...)
	}
	m.Version = ver
	if len(fe) == 0 {
		if err := s.db.UpdateMeeting(r.Context(), m); err != nil {
			if !isFormError(err) {
				return err
			}
			fe = append(fe, meetingFormError(err))
		}
	}
	if len(fe) > 0 {
		v := s.view(r, "meetings")
		v.Form = r.PostForm
		fe.show(v)
		stale := slices.ContainsFunc(fe, func(e *ding.Error) bool { return e.Key == "meeting.stale" })
		return s.renderMeetingForm(w, r, v, before, statusOf(fe[0].Code), stale)
	}
	return redirect(w, r, "/meetings/"+itoa(m.ID), "meetui_saved")
}

// meetActionRow is an action item a decision created, as the meeting page and the minutes
// show it.
type meetActionRow struct {
	*ding.Item
	Lead, Co, StatusName string
}

func meetActionRowOf(lang string, it *ding.Item) *meetActionRow {
	row := &meetActionRow{Item: it, StatusName: i18n.T(lang, "item.status."+string(it.Status))}
	var co []string
	for _, u := range it.Units {
		if u.Lead {
			row.Lead = u.UnitName
		} else {
			co = append(co, u.UnitName)
		}
	}
	row.Co = strings.Join(co, "、")
	return row
}

// meetActionFormRow is a row of the action items of a decision form, as typed.
type meetActionFormRow struct {
	Index int
	Title string
	Lead  string
	Co    map[string]bool
	Due   string
	Errs  map[string]string // field → message
}

// CoSelected says whether a unit is among the row's co-units.
func (r meetActionFormRow) CoSelected(id int64) bool { return r.Co[itoa(id)] }

// LeadIs says whether a unit is the row's lead unit.
func (r meetActionFormRow) LeadIs(id int64) bool { return r.Lead == itoa(id) }

// Err is the message of a field of the row.
func (r meetActionFormRow) Err(field string) string { return r.Errs[field] }

// meetDecisionForm is the decision form of an agenda item: what the office typed, or the
// stored decision and one blank action row.
type meetDecisionForm struct {
	Decision     string
	DecideDemand bool
	Rows         []meetActionFormRow
	Err          string // under the decision text
	FormErr      string // about the form as a whole
}

// meetAgendaRow is an agenda item as the meeting page shows it.
type meetAgendaRow struct {
	*ding.AgendaItem
	N             int
	SourceName    string
	Actions       []*meetActionRow
	HiddenActions int
	IsDemand      bool // about a demand: can be decided on the spot
	ItemLabel     string
	First, Last   bool
	Mine          bool // a liaison's own unit's item
	CanComment    bool
	CanDecide     bool
	Decide        *meetDecisionForm
	CommentVal    string
	CommentErr    string
	Open          bool // the decision form is open (it failed)
}

// meetingData is what meeting.html shows.
type meetingData struct {
	M             *ding.Meeting
	KindName      string
	StatusName    string
	When          string
	Number        int
	Planned       bool
	Items         []*meetAgendaRow
	Mine          []*meetAgendaRow // a liaison's own unit's items
	Counts        map[string]int
	Dropped       int
	Decided       int
	CommentOpen   bool
	IsOffice      bool
	CanEdit       bool // the office: the meeting's facts, decisions
	CanEditAgenda bool // the office while planned
	CanHold       bool
	CanAudit      bool
	Units         []unitOption
	Projects      []*ding.Project
	Today         ding.Date
	Posted        string // the form that failed: "add", "hold", "comment", "decision"
	ErrorAnchor   string // where on the page the failed form is
	form          url.Values
}

// Val is a field of the add or hold form: what the user typed when that form failed.
func (d *meetingData) Val(posted, field string) string {
	if d.Posted == posted && d.form != nil {
		return d.form.Get(field)
	}
	if posted == "hold" && field == "summary" {
		return d.M.Summary
	}
	return ""
}

// meetingPage shows one meeting.
func (s *Server) meetingPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderMeeting(w, r, http.StatusOK, nil)
}

// meetAgendaPost is the form that failed on an agenda item, to show again as typed.
type meetAgendaPost struct {
	kind   string // "add", "hold", "comment", "decision", "" (a plain message)
	itemID int64
	err    error
}

// renderMeeting shows a meeting; a failed form (p) shows again with what was typed and its
// error.
func (s *Server) renderMeeting(w http.ResponseWriter, r *http.Request, status int, p *meetAgendaPost) error {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		return err
	}
	m, err := s.db.FindMeeting(ctx, id)
	if err != nil {
		return err
	}
	as, err := s.db.Agenda(ctx, id)
	if err != nil {
		return err
	}
	a := reqOf(r).actor
	v := s.view(r, "meetings")
	today, err := s.db.WarningToday(ctx)
	if err != nil {
		return err
	}
	units, _, err := s.db.FindUnits(ctx, ding.UnitFilter{})
	if err != nil {
		return err
	}
	inScope := map[int64]bool{}
	for _, u := range units {
		inScope[u.ID] = true
	}
	acts, err := s.meetingActions(ctx, id)
	if err != nil {
		return err
	}
	office := isOffice(a)
	planned := m.Status == ding.MeetingPlanned
	d := &meetingData{M: m, KindName: v.T("meeting.kind." + string(m.Kind)), StatusName: v.T("meeting.status." + m.Status),
		When: meetingWhen(v.Lang, m.StartsAt), Planned: planned, Counts: map[string]int{}, Today: today,
		CommentOpen: planned && (m.CommentDue.IsZero() || !today.After(m.CommentDue)),
		IsOffice:    office, CanEdit: office, CanEditAgenda: office && planned, CanHold: office && planned, CanAudit: a.IsAdmin(), Units: unitOptions(units)}
	if d.Number, err = s.meetingNumber(ctx, m); err != nil {
		return err
	}
	if d.CanEditAgenda {
		ps, _, err := s.db.FindProjects(ctx, ding.ProjectFilter{Sort: "name", Limit: 2000})
		if err != nil {
			return err
		}
		d.Projects = ps
	}
	for i, ag := range as {
		row := &meetAgendaRow{AgendaItem: ag, N: i + 1, SourceName: v.T("meeting.source." + string(ag.Source)), First: i == 0, Last: i == len(as)-1,
			IsDemand: ag.ItemID != 0 && ag.Source != ding.AgendaFollowUp}
		if ag.ItemID != 0 {
			row.ItemLabel = v.T("meetui.item_link.demand")
			if !row.IsDemand {
				row.ItemLabel = v.T("meetui.item_link.action")
			}
		}
		for _, aid := range ag.ActionIDs {
			if it := acts[aid]; it != nil {
				row.Actions = append(row.Actions, meetActionRowOf(v.Lang, it))
			} else {
				row.HiddenActions++
			}
		}
		row.Mine = !office && a.Role == ding.RoleLiaison && ag.UnitID != 0 && inScope[ag.UnitID]
		row.CanComment = d.CommentOpen && ag.UnitID != 0 && !ag.Dropped && (office || row.Mine)
		if row.Mine && !ag.Dropped {
			d.Mine = append(d.Mine, row)
		}
		row.CanDecide = office && !ag.Dropped
		if row.CanDecide {
			row.Decide = &meetDecisionForm{Decision: ag.Decision, Rows: []meetActionFormRow{{Lead: itoa(ag.UnitID), Co: map[string]bool{}}}}
		}
		if ag.Dropped {
			d.Dropped++
		} else {
			d.Counts[string(ag.Source)]++
		}
		if ag.Decision != "" && !ag.Dropped {
			d.Decided++
		}
		d.Items = append(d.Items, row)
	}
	if n, err := strconv.Atoi(r.URL.Query().Get("added")); err == nil && n >= 0 {
		if n == 0 {
			v.Flash = v.T("meetui.rebuilt_none")
		} else {
			v.Flash = v.T("meetui.rebuilt", n)
		}
	}
	if p != nil {
		d.applyPost(v, r.PostForm, p)
	}
	v.Title = m.Title
	v.Crumbs = []crumb{{Label: v.T("meetui.title"), URL: "/meetings"}, {Label: m.Title}}
	v.Data = d
	s.renderStatus(w, r, status, "meeting", v)
	return nil
}

// applyPost puts a failed form back on the page: the typed values, the error next to its
// field, and the error again at the top of the page with a link down to the form.
func (d *meetingData) applyPost(v *view, form url.Values, p *meetAgendaPost) {
	e := ding.AsError(p.err)
	msg := message(v.Lang, e)
	d.Posted = p.kind
	d.form = url.Values{}
	for k, vals := range form {
		if k != csrfField {
			d.form[k] = vals
		}
	}
	v.Error = msg
	switch p.kind {
	case "add":
		d.ErrorAnchor = "agenda-add"
		if e.Field != "" {
			v.withFormError(e)
		}
		return
	case "hold":
		d.ErrorAnchor = "meeting-hold"
		if e.Field != "" {
			v.withFormError(e)
		}
		return
	}
	var row *meetAgendaRow
	for _, x := range d.Items {
		if x.ID == p.itemID {
			row = x
		}
	}
	if row == nil {
		return
	}
	d.ErrorAnchor = "ag-" + itoa(row.ID)
	switch {
	case p.kind == "comment":
		row.CommentVal, row.CommentErr = form.Get("comment"), msg
	case p.kind == "decision" && row.Decide != nil:
		df := meetDecisionFormOf(form)
		row.Decide, row.Open = df, true
		if e.Field == "decision" {
			df.Err = msg
			return
		}
		var i int
		var field string
		if n, _ := fmt.Sscanf(strings.Replace(e.Field, "].", "] ", 1), "actions[%d] %s", &i, &field); n == 2 {
			for k := range df.Rows {
				if df.Rows[k].Index == i {
					df.Rows[k].Errs[field] = msg
					return
				}
			}
		}
		df.FormErr = msg
	}
}

// meetDecisionRows reads the action rows of a decision form: a0_title, a0_lead, a0_co (any
// number), a0_due; a row left blank (no title, co-units or deadline) is skipped. Index is
// the position among the rows that count, as the store names them (actions[i]).
func meetDecisionRows(form url.Values) []meetActionFormRow {
	var rows []meetActionFormRow
	for i := range meetingActionRows {
		p := "a" + strconv.Itoa(i) + "_"
		row := meetActionFormRow{Title: strings.TrimSpace(form.Get(p + "title")), Lead: strings.TrimSpace(form.Get(p + "lead")),
			Due: strings.TrimSpace(form.Get(p + "due")), Co: map[string]bool{}, Errs: map[string]string{}}
		for _, c := range form[p+"co"] {
			if c = strings.TrimSpace(c); c != "" {
				row.Co[c] = true
			}
		}
		if row.Title == "" && row.Due == "" && len(row.Co) == 0 {
			continue
		}
		row.Index = len(rows)
		rows = append(rows, row)
	}
	return rows
}

// meetDecisionFormOf is a posted decision form to show again; with no typed rows it keeps one
// blank row.
func meetDecisionFormOf(form url.Values) *meetDecisionForm {
	df := &meetDecisionForm{Decision: form.Get("decision"), DecideDemand: form.Get("decide_demand") == "1", Rows: meetDecisionRows(form)}
	if len(df.Rows) == 0 {
		df.Rows = []meetActionFormRow{{Co: map[string]bool{}, Errs: map[string]string{}}}
	}
	return df
}

// meetingActions loads the action items of a meeting the caller may see, by id.
func (s *Server) meetingActions(ctx context.Context, meetingID int64) (map[int64]*ding.Item, error) {
	its, _, err := s.db.FindItems(ctx, store.ItemFilter{MeetingID: meetingID, Kind: ding.ActionItem, Limit: 10_000})
	if err != nil {
		return nil, err
	}
	out := make(map[int64]*ding.Item, len(its))
	for _, it := range its {
		out[it.ID] = it
	}
	return out, nil
}

// meetingNumber is a meeting's number within its kind and year (第 N 期): its place by start
// time among the meetings of that kind that year. It counts every meeting, whatever the
// caller's scope, so that everyone reads the same number on the minutes; only the count
// is used.
func (s *Server) meetingNumber(ctx context.Context, m *ding.Meeting) (int, error) {
	t := m.StartsAt.In(ding.Shanghai)
	sys := ding.WithActor(ctx, ding.SystemActor("minutes"))
	ms, _, err := s.db.FindMeetings(sys, store.MeetingFilter{Kind: m.Kind, From: time.Date(t.Year(), 1, 1, 0, 0, 0, 0, ding.Shanghai),
		To: m.StartsAt.Add(time.Second)})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, x := range ms {
		if x.StartsAt.Before(m.StartsAt) || (x.StartsAt.Equal(m.StartsAt) && x.ID <= m.ID) {
			n++
		}
	}
	return max(n, 1), nil
}

// meetAgendaTarget loads the meeting of the path and its agenda item {aid}: 404 when either is
// outside the caller's scope or the item is not on this meeting's agenda.
func (s *Server) meetAgendaTarget(r *http.Request) (meetingID, itemID int64, err error) {
	if meetingID, err = pathID(r); err != nil {
		return 0, 0, err
	}
	itemID, err = strconv.ParseInt(r.PathValue("aid"), 10, 64)
	if err != nil || itemID <= 0 {
		return 0, 0, ding.Errorf(ding.ENOTFOUND, "err.page_not_found")
	}
	as, err := s.db.Agenda(r.Context(), meetingID)
	if err != nil {
		return 0, 0, err
	}
	if !slices.ContainsFunc(as, func(a *ding.AgendaItem) bool { return a.ID == itemID }) {
		return 0, 0, ding.Errorf(ding.ENOTFOUND, "err.page_not_found")
	}
	return meetingID, itemID, nil
}

// meetBackToItem redirects to the meeting page at an agenda item, with a flash message.
func meetBackToItem(w http.ResponseWriter, r *http.Request, meetingID, itemID int64, flash string) error {
	to := "/meetings/" + itoa(meetingID)
	if flash != "" {
		to += "?flash=" + url.QueryEscape(flash)
	}
	if itemID != 0 {
		to += "#ag-" + itoa(itemID)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// meetingFailed answers a failed form on the meeting page: a fixable problem shows the
// page again with the form as typed; anything else (403, 404) ends the request.
func (s *Server) meetingFailed(w http.ResponseWriter, r *http.Request, kind string, itemID int64, err error) error {
	if !isFormError(err) {
		return err
	}
	return s.renderMeeting(w, r, statusOf(ding.ErrorCode(err)), &meetAgendaPost{kind: kind, itemID: itemID, err: err})
}

// meetingAgendaAdd answers POST /meetings/{id}/agenda: title, project_id, unit_id.
func (s *Server) meetingAgendaAdd(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var fe formErrors
	ag := &ding.AgendaItem{Title: r.PostFormValue("title"), ProjectID: formID(r.PostForm, "project_id", &fe), UnitID: formID(r.PostForm, "unit_id", &fe)}
	if len(fe) == 0 {
		fe.add(s.db.AddAgendaItem(r.Context(), id, ag))
	}
	if len(fe) > 0 {
		e := fe[0]
		if e.Key == "item.unit_unknown" {
			c := *e
			c.Field = "unit_id"
			e = &c
		}
		return s.meetingFailed(w, r, "add", 0, e)
	}
	return meetBackToItem(w, r, id, ag.ID, "meetui_added")
}

// meetingAgendaRebuild answers POST /meetings/{id}/agenda/rebuild and says how many items
// were added.
func (s *Server) meetingAgendaRebuild(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	n, err := s.db.BuildAgenda(r.Context(), id)
	if err != nil {
		return s.meetingFailed(w, r, "", 0, err)
	}
	http.Redirect(w, r, "/meetings/"+itoa(id)+"?added="+strconv.Itoa(n)+"#agenda", http.StatusSeeOther)
	return nil
}

// meetingAgendaMove answers POST /meetings/{id}/agenda/{aid}/move: delta (-1 up, 1 down).
func (s *Server) meetingAgendaMove(w http.ResponseWriter, r *http.Request) error {
	mid, aid, err := s.meetAgendaTarget(r)
	if err != nil {
		return err
	}
	delta, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("delta")))
	if err != nil {
		return s.meetingFailed(w, r, "", aid, ding.Errorf(ding.EINVALID, "meeting.move_out_of_range"))
	}
	if err := s.db.MoveAgendaItem(r.Context(), aid, delta); err != nil {
		return s.meetingFailed(w, r, "", aid, err)
	}
	return meetBackToItem(w, r, mid, aid, "")
}

// meetingAgendaDrop answers POST /meetings/{id}/agenda/{aid}/drop: dropped=1 drops the item,
// dropped=0 takes it back.
func (s *Server) meetingAgendaDrop(w http.ResponseWriter, r *http.Request) error {
	mid, aid, err := s.meetAgendaTarget(r)
	if err != nil {
		return err
	}
	dropped := r.PostFormValue("dropped") == "1"
	if err := s.db.DropAgendaItem(r.Context(), aid, dropped); err != nil {
		return s.meetingFailed(w, r, "", aid, err)
	}
	flash := "meetui_restored"
	if dropped {
		flash = "meetui_dropped"
	}
	return meetBackToItem(w, r, mid, aid, flash)
}

// meetingAgendaComment answers POST /meetings/{id}/agenda/{aid}/comment: comment.
func (s *Server) meetingAgendaComment(w http.ResponseWriter, r *http.Request) error {
	mid, aid, err := s.meetAgendaTarget(r)
	if err != nil {
		return err
	}
	if _, err := s.db.CommentAgendaItem(r.Context(), aid, r.PostFormValue("comment")); err != nil {
		return s.meetingFailed(w, r, "comment", aid, err)
	}
	return meetBackToItem(w, r, mid, aid, "meetui_commented")
}

// meetDecisionFromForm reads a decision form: decision, decide_demand, and the action rows
// (title, lead unit, co-units, deadline).
func meetDecisionFromForm(form url.Values) (store.AgendaDecision, error) {
	d := store.AgendaDecision{Decision: form.Get("decision"), DecideDemand: form.Get("decide_demand") == "1", Actions: []*ding.Item{}}
	for _, row := range meetDecisionRows(form) {
		at := func(field string) string { return fmt.Sprintf("actions[%d].%s", row.Index, field) }
		it := &ding.Item{Kind: ding.ActionItem, Title: row.Title}
		if row.Due != "" {
			due, err := ding.ParseDate(row.Due)
			if err != nil {
				return d, ding.FieldError(at("close_due"), "meetui.date_invalid", row.Due)
			}
			it.CloseDue = due
		}
		lead, err := strconv.ParseInt(row.Lead, 10, 64)
		if row.Lead == "" || err != nil || lead <= 0 {
			return d, ding.FieldError(at("units"), "meetui.lead_required")
		}
		it.Units = []ding.ItemUnit{{UnitID: lead, Lead: true}}
		for c := range row.Co {
			n, err := strconv.ParseInt(c, 10, 64)
			if err != nil || n <= 0 {
				return d, ding.FieldError(at("units"), "err.bad_param", "units")
			}
			if n != lead {
				it.Units = append(it.Units, ding.ItemUnit{UnitID: n})
			}
		}
		// Co-units in a stable order: the form's map has none.
		slices.SortFunc(it.Units[1:], func(a, b ding.ItemUnit) int { return int(a.UnitID - b.UnitID) })
		d.Actions = append(d.Actions, it)
	}
	return d, nil
}

// meetingAgendaDecide answers POST /meetings/{id}/agenda/{aid}/decision. Nothing is written
// unless the decision and every action item are right.
func (s *Server) meetingAgendaDecide(w http.ResponseWriter, r *http.Request) error {
	mid, aid, err := s.meetAgendaTarget(r)
	if err != nil {
		return err
	}
	d, err := meetDecisionFromForm(r.PostForm)
	if err == nil {
		_, err = s.db.DecideAgendaItem(r.Context(), aid, d)
	}
	if err != nil {
		return s.meetingFailed(w, r, "decision", aid, err)
	}
	return meetBackToItem(w, r, mid, aid, "meetui_decided")
}

// meetingHold answers POST /meetings/{id}/held: summary, version.
func (s *Server) meetingHold(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ver, err := postedVersion(r, "meeting.stale")
	if err != nil {
		return s.meetingFailed(w, r, "hold", 0, err)
	}
	if _, err := s.db.HoldMeeting(r.Context(), id, r.PostFormValue("summary"), ver); err != nil {
		return s.meetingFailed(w, r, "hold", 0, err)
	}
	return redirect(w, r, "/meetings/"+itoa(id), "meetui_held")
}

// minutesAction is an action item in the minutes.
type minutesAction struct {
	Label, Title, Lead, Co, Due string
}

// minutesDecision is a numbered decision of the minutes: the agenda item, what the meeting
// decided, and its action items.
type minutesDecision struct {
	Label, Title, Project, Decision string
	Actions                         []minutesAction
}

// minutesData is what minutes_print.html shows: the minutes (会议纪要) in the layout of a
// Chinese official document. The document is Chinese whatever the reader's language; only
// the toolbar follows it.
type minutesData struct {
	M         *ding.Meeting
	Title     string // 6月重大项目月例会纪要
	Long      bool   // a title too long for one line at the mark's full size
	Number    string // 第 3 期
	Issuer    string
	Date      string // 2024年6月21日
	Summary   string
	Decisions []minutesDecision
	Attendees string
	Units     string
	Chair     string
	Held      bool
	Hidden    int // action items outside the caller's scope, not shown
	Back      string
	XLSX      string
}

// Z translates a key into Chinese, the language of the document.
func (d *minutesData) Z(key string, args ...any) string { return i18n.T("zh", key, args...) }

// minutes gathers what the minutes say: the meeting, its decisions in agenda order (dropped
// items and items without a decision are left out) and their action items.
func (s *Server) minutes(ctx context.Context, id int64) (*minutesData, []*ding.AgendaItem, map[int64]*ding.Item, error) {
	m, err := s.db.FindMeeting(ctx, id)
	if err != nil {
		return nil, nil, nil, err
	}
	as, err := s.db.Agenda(ctx, id)
	if err != nil {
		return nil, nil, nil, err
	}
	acts, err := s.meetingActions(ctx, id)
	if err != nil {
		return nil, nil, nil, err
	}
	ls, err := s.db.LetterSettings(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	n, err := s.meetingNumber(ctx, m)
	if err != nil {
		return nil, nil, nil, err
	}
	z := func(key string, args ...any) string { return i18n.T("zh", key, args...) }
	day := ding.DateOf(m.StartsAt.In(ding.Shanghai))
	d := &minutesData{M: m, Title: z("meetui.doc.title", m.Title), Number: z("meetui.doc.number", n), Issuer: ls.Issuer, Date: cnDate(day),
		Summary: m.Summary, Attendees: m.Attendees, Units: strings.Join(m.UnitNames, "、"), Chair: m.ChairName, Held: m.Status == ding.MeetingHeld,
		Back: "/meetings/" + itoa(m.ID), XLSX: "/meetings/" + itoa(m.ID) + "/minutes.xlsx"}
	d.Long = utf8.RuneCountInString(d.Title) > 15
	if d.Summary == "" {
		at := ""
		if m.Place != "" {
			at = z("meetui.doc.at", m.Place)
		}
		d.Summary = z("meetui.doc.summary_default", cnDate(day), m.ChairName, at, m.Title)
	}
	var kept []*ding.AgendaItem
	for _, a := range as {
		if a.Dropped || strings.TrimSpace(a.Decision) == "" {
			continue
		}
		kept = append(kept, a)
		md := minutesDecision{Label: cnNumeral(len(kept)) + "、", Title: a.Title, Project: a.ProjectName, Decision: a.Decision}
		for _, aid := range a.ActionIDs {
			it := acts[aid]
			if it == nil {
				d.Hidden++
				continue
			}
			row := meetActionRowOf("zh", it)
			co := row.Co
			if co == "" {
				co = z("meetui.doc.none")
			}
			md.Actions = append(md.Actions, minutesAction{Label: "（" + cnNumeral(len(md.Actions)+1) + "）", Title: it.Title, Lead: row.Lead, Co: co,
				Due: cnDate(it.CloseDue)})
		}
		d.Decisions = append(d.Decisions, md)
	}
	return d, kept, acts, nil
}

// meetingMinutes shows the minutes ready to print on A4.
func (s *Server) meetingMinutes(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	d, _, _, err := s.minutes(r.Context(), id)
	if err != nil {
		return err
	}
	v := s.view(r, "meetings")
	v.Title = d.Title
	v.Data = d
	s.renderBare(w, r, http.StatusOK, "minutes_print", "print", v)
	return nil
}

// meetingMinutesXLSX sends the minutes as a workbook: the decisions, and the action items.
func (s *Server) meetingMinutesXLSX(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	d, kept, acts, err := s.minutes(r.Context(), id)
	if err != nil {
		return err
	}
	b, err := minutesXLSX(reqOf(r).lang, d, kept, acts)
	if err != nil {
		return ding.Internal(err, "export minutes")
	}
	return writeXLSX(w, d.Title+".xlsx", "minutes-"+itoa(id)+".xlsx", b)
}

// meetXLSXSafe shows a cell that looks like a formula instead of running it.
func meetXLSXSafe(row []any) []any {
	for j, val := range row {
		if s, ok := val.(string); ok && s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
			row[j] = "'" + s
		}
	}
	return row
}

// minutesXLSX lays the minutes out in two sheets, each with a title, a bold frozen header
// and wrapped cells: the decisions (one row per agenda item decided) and the action items.
func minutesXLSX(lang string, d *minutesData, kept []*ding.AgendaItem, acts map[int64]*ding.Item) ([]byte, error) {
	t := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	f := excelize.NewFile()
	defer f.Close()
	border := []excelize.Border{{Type: "left", Color: "999999", Style: 1}, {Type: "right", Color: "999999", Style: 1},
		{Type: "top", Color: "999999", Style: 1}, {Type: "bottom", Color: "999999", Style: 1}}
	titleStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	if err != nil {
		return nil, err
	}
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
	type col struct {
		key   string
		width float64
	}
	sheet := func(name, title string, cols []col, rows [][]any) error {
		last, _ := excelize.ColumnNumberToName(len(cols))
		if err := f.MergeCell(name, "A1", last+"1"); err != nil {
			return err
		}
		f.SetCellValue(name, "A1", title)
		f.SetCellStyle(name, "A1", "A1", titleStyle)
		f.SetRowHeight(name, 1, 28)
		for i, c := range cols {
			cn, _ := excelize.ColumnNumberToName(i + 1)
			f.SetCellValue(name, cn+"2", t(c.key))
			f.SetColWidth(name, cn, cn, c.width)
		}
		f.SetCellStyle(name, "A2", last+"2", headStyle)
		for i, row := range rows {
			row = meetXLSXSafe(row)
			if err := f.SetSheetRow(name, "A"+strconv.Itoa(i+3), &row); err != nil {
				return err
			}
		}
		if len(rows) > 0 {
			f.SetCellStyle(name, "A3", last+strconv.Itoa(len(rows)+2), cellStyle)
		}
		return f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"})
	}
	decisions := t("meetui.sheet.decisions")
	if err := f.SetSheetName("Sheet1", decisions); err != nil {
		return nil, err
	}
	var drows, arows [][]any
	for i, a := range kept {
		drows = append(drows, []any{i + 1, a.Title, t("meeting.source." + string(a.Source)), a.ProjectName, a.UnitName, a.Comment, a.Decision, len(a.ActionIDs)})
		for _, aid := range a.ActionIDs {
			it := acts[aid]
			if it == nil {
				continue
			}
			row := meetActionRowOf(lang, it)
			arows = append(arows, []any{len(arows) + 1, i + 1, it.Title, row.Lead, row.Co, it.CloseDue.String(), row.StatusName, it.ID})
		}
	}
	title := d.M.Title + " · " + d.Number
	if err := sheet(decisions, t("meetui.sheet.decisions_title", title), []col{{"meetui.xcol.seq", 6}, {"meetui.xcol.agenda", 36},
		{"meetui.xcol.source", 12}, {"meetui.xcol.project", 28}, {"meetui.xcol.unit", 16}, {"meetui.xcol.comment", 40},
		{"meetui.xcol.decision", 50}, {"meetui.xcol.actions", 10}}, drows); err != nil {
		return nil, err
	}
	actions := t("meetui.sheet.actions")
	if _, err := f.NewSheet(actions); err != nil {
		return nil, err
	}
	if err := sheet(actions, t("meetui.sheet.actions_title", title), []col{{"meetui.xcol.seq", 6}, {"meetui.xcol.decision_no", 10},
		{"meetui.xcol.action", 36}, {"meetui.xcol.lead", 18}, {"meetui.xcol.co", 28}, {"meetui.xcol.due", 13}, {"meetui.xcol.status", 11},
		{"meetui.xcol.item_id", 10}}, arows); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

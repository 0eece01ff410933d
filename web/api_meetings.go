package web

// The JSON API of meetings (周协调 / 月例会 / 专题会): the meetings with their agenda, the
// office's scheduling and changes, the agenda's editing, the units' comments, the decisions
// with their action items, and the meeting marked held (docs/api.md, "Meetings").

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"ding"
	"ding/i18n"
	"ding/store"
)

func (s *Server) apiMeetingRoutes() {
	s.handle("GET /api/v1/meetings", s.api(s.apiListMeetings))
	s.handle("POST /api/v1/meetings", s.api(s.apiCreateMeeting))
	s.handle("GET /api/v1/meetings/{id}", s.api(s.apiGetMeeting))
	s.handle("PUT /api/v1/meetings/{id}", s.api(s.apiUpdateMeeting))
	s.handle("POST /api/v1/meetings/{id}/agenda", s.api(s.apiAddAgendaItem))
	s.handle("POST /api/v1/meetings/{id}/agenda/rebuild", s.api(s.apiRebuildAgenda))
	s.handle("POST /api/v1/meetings/{id}/held", s.api(s.apiHoldMeeting))
	s.handle("POST /api/v1/agenda-items/{id}/move", s.api(s.apiMoveAgendaItem))
	s.handle("POST /api/v1/agenda-items/{id}/drop", s.api(s.apiDropAgendaItem))
	s.handle("POST /api/v1/agenda-items/{id}/comment", s.api(s.apiCommentAgendaItem))
	s.handle("POST /api/v1/agenda-items/{id}/decision", s.api(s.apiDecideAgendaItem))
}

// apiMeeting is a meeting with its kind and status named in the caller's language; the
// single meeting also carries its number (第 N 期), agenda and action items.
type apiMeeting struct {
	*ding.Meeting
	KindName   string           `json:"kind_name"`
	StatusName string           `json:"status_name"`
	Number     int              `json:"number,omitempty"`
	Agenda     []apiAgendaItem  `json:"agenda,omitempty"`
	Actions    []*ding.Item     `json:"actions,omitempty"`
	Counts     *apiAgendaCounts `json:"counts,omitempty"`
}

// apiAgendaCounts sums up an agenda.
type apiAgendaCounts struct {
	Items   int `json:"items"`
	Dropped int `json:"dropped"`
	Decided int `json:"decided"`
	Actions int `json:"actions"`
}

// apiAgendaItem is an agenda item with its source named.
type apiAgendaItem struct {
	*ding.AgendaItem
	SourceName string `json:"source_name"`
}

func apiMeetingOf(lang string, m *ding.Meeting) apiMeeting {
	return apiMeeting{Meeting: m, KindName: i18n.T(lang, "meeting.kind."+string(m.Kind)), StatusName: i18n.T(lang, "meeting.status."+m.Status)}
}

func apiAgendaItemOf(lang string, a *ding.AgendaItem) apiAgendaItem {
	if a.Figures == nil {
		a.Figures = []string{}
	}
	if a.ActionIDs == nil {
		a.ActionIDs = []int64{}
	}
	return apiAgendaItem{AgendaItem: a, SourceName: i18n.T(lang, "meeting.source."+string(a.Source))}
}

// apiMeetingFilter reads the list's filters strictly: a malformed one is 422 naming it.
func apiMeetingFilter(r *http.Request) (store.MeetingFilter, error) {
	q := r.URL.Query()
	f := store.MeetingFilter{Desc: true}
	var err error
	if k := strings.TrimSpace(q.Get("kind")); k != "" {
		if !slices.Contains(ding.MeetingKinds, ding.MeetingKind(k)) {
			return f, ding.FieldError("kind", "err.bad_param", "kind")
		}
		f.Kind = ding.MeetingKind(k)
	}
	if st := strings.TrimSpace(q.Get("status")); st != "" {
		if !slices.Contains(meetingStatuses, st) {
			return f, ding.FieldError("status", "err.bad_param", "status")
		}
		f.Status = st
	}
	if f.From, err = apiQueryTime(r, "from", false); err != nil {
		return f, err
	}
	if f.To, err = apiQueryTime(r, "to", true); err != nil {
		return f, err
	}
	if f.ChairID, _, err = apiQueryID(r, "chair_id", false); err != nil {
		return f, err
	}
	f.Q = strings.TrimSpace(q.Get("q"))
	switch o := strings.TrimSpace(q.Get("order")); o {
	case "", "desc":
	case "asc":
		f.Desc = false
	default:
		return f, ding.FieldError("order", "err.bad_param", "order")
	}
	return f, nil
}

func (s *Server) apiListMeetings(w http.ResponseWriter, r *http.Request) (any, error) {
	p, err := apiPageOf(r)
	if err != nil {
		return nil, err
	}
	f, err := apiMeetingFilter(r)
	if err != nil {
		return nil, err
	}
	f.Limit, f.Offset = p.Limit, p.Offset
	ms, total, err := s.db.FindMeetings(r.Context(), f)
	if err != nil {
		return nil, err
	}
	lang := s.apiLang(r)
	items := make([]apiMeeting, 0, len(ms))
	for _, m := range ms {
		items = append(items, apiMeetingOf(lang, m))
	}
	return newAPIList(items, total, p), nil
}

// apiFullMeeting answers a meeting with its number, agenda and the action items its
// decisions created (those in the caller's scope).
func (s *Server) apiFullMeeting(r *http.Request, id int64) (any, error) {
	ctx := r.Context()
	m, err := s.db.FindMeeting(ctx, id)
	if err != nil {
		return nil, err
	}
	as, err := s.db.Agenda(ctx, id)
	if err != nil {
		return nil, err
	}
	acts, err := s.meetingActions(ctx, id)
	if err != nil {
		return nil, err
	}
	lang := s.apiLang(r)
	out := apiMeetingOf(lang, m)
	if out.Number, err = s.meetingNumber(ctx, m); err != nil {
		return nil, err
	}
	out.Agenda, out.Actions, out.Counts = []apiAgendaItem{}, []*ding.Item{}, &apiAgendaCounts{Items: len(as)}
	for _, a := range as {
		out.Agenda = append(out.Agenda, apiAgendaItemOf(lang, a))
		switch {
		case a.Dropped:
			out.Counts.Dropped++
		case a.Decision != "":
			out.Counts.Decided++
		}
		for _, aid := range a.ActionIDs {
			if it := acts[aid]; it != nil {
				out.Actions = append(out.Actions, it)
			}
		}
	}
	out.Counts.Actions = len(out.Actions)
	return out, nil
}

func (s *Server) apiGetMeeting(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	return s.apiFullMeeting(r, id)
}

// apiMeetingInput is the body of POST /meetings and PUT /meetings/{id}. starts_at is an
// RFC 3339 time or "2024-06-21 09:00" in Asia/Shanghai; comment_due a date.
type apiMeetingInput struct {
	Kind       ding.MeetingKind `json:"kind"`
	Title      string           `json:"title"`
	StartsAt   string           `json:"starts_at"`
	Place      string           `json:"place"`
	ChairID    int64            `json:"chair_id"`
	Attendees  string           `json:"attendees"`
	UnitIDs    []int64          `json:"unit_ids"`
	CommentDue string           `json:"comment_due"`
	Summary    *string          `json:"summary"` // PUT: absent keeps the minutes' opening paragraph
	Version    int              `json:"version"` // PUT: the version edited (ignored on POST)
}

// meetAPITime reads a meeting's time: RFC 3339, or a civil time in Asia/Shanghai.
func meetAPITime(field, v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, v, ding.Shanghai); err == nil {
			return t, nil
		}
	}
	return time.Time{}, ding.FieldError(field, "meetui.api.bad_time", v)
}

// meetAPIDate reads an optional date field.
func meetAPIDate(field, v string) (ding.Date, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return ding.Date{}, nil
	}
	d, err := ding.ParseDate(v)
	if err != nil {
		return d, ding.FieldError(field, "meetui.date_invalid", v)
	}
	return d, nil
}

func (in apiMeetingInput) meeting() (*ding.Meeting, error) {
	m := &ding.Meeting{Kind: in.Kind, Title: in.Title, Place: in.Place, ChairID: in.ChairID, Attendees: in.Attendees, UnitIDs: in.UnitIDs,
		Version: in.Version}
	if m.UnitIDs == nil {
		m.UnitIDs = []int64{}
	}
	if in.Summary != nil {
		m.Summary = *in.Summary
	}
	var err error
	if m.StartsAt, err = meetAPITime("starts_at", in.StartsAt); err != nil {
		return nil, err
	}
	if m.CommentDue, err = meetAPIDate("comment_due", in.CommentDue); err != nil {
		return nil, err
	}
	return m, nil
}

func (s *Server) apiCreateMeeting(w http.ResponseWriter, r *http.Request) (any, error) {
	var in apiMeetingInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	if !isOffice(reqOf(r).actor) {
		return nil, ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	m, err := in.meeting()
	if err != nil {
		return nil, err
	}
	if err := s.db.CreateMeeting(r.Context(), m); err != nil {
		return nil, err
	}
	v, err := s.apiFullMeeting(r, m.ID)
	if err != nil {
		return nil, err
	}
	return apiCreated(v), nil
}

func (s *Server) apiUpdateMeeting(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var in apiMeetingInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	if in.Version <= 0 {
		return nil, ding.FieldError("version", "meetui.api.version_required")
	}
	before, err := s.db.FindMeeting(r.Context(), id)
	if err != nil {
		return nil, err
	}
	m, err := in.meeting()
	if err != nil {
		return nil, err
	}
	m.ID = id
	if in.Summary == nil {
		m.Summary = before.Summary
	}
	if err := s.db.UpdateMeeting(r.Context(), m); err != nil {
		return nil, err
	}
	return s.apiFullMeeting(r, id)
}

// apiAgendaAddInput is the body of POST /meetings/{id}/agenda.
type apiAgendaAddInput struct {
	Title     string `json:"title"`
	ProjectID int64  `json:"project_id"`
	UnitID    int64  `json:"unit_id"`
}

func (s *Server) apiAddAgendaItem(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var in apiAgendaAddInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	a := &ding.AgendaItem{Title: in.Title, ProjectID: in.ProjectID, UnitID: in.UnitID}
	if err := s.db.AddAgendaItem(r.Context(), id, a); err != nil {
		if e := ding.AsError(err); e.Key == "item.unit_unknown" {
			return nil, ding.FieldError("unit_id", e.Key)
		}
		return nil, err
	}
	// The store fills the names of what it checked; read the item back for the unit's.
	as, err := s.db.Agenda(r.Context(), id)
	if err != nil {
		return nil, err
	}
	for _, x := range as {
		if x.ID == a.ID {
			a = x
		}
	}
	return apiCreated(apiAgendaItemOf(s.apiLang(r), a)), nil
}

// apiAgendaRebuildAnswer says how many items the rebuild added, with the meeting after it.
type apiAgendaRebuildAnswer struct {
	Added   int `json:"added"`
	Meeting any `json:"meeting"`
}

func (s *Server) apiRebuildAgenda(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	n, err := s.db.BuildAgenda(r.Context(), id)
	if err != nil {
		return nil, err
	}
	m, err := s.apiFullMeeting(r, id)
	if err != nil {
		return nil, err
	}
	return apiAgendaRebuildAnswer{Added: n, Meeting: m}, nil
}

// apiMeetHoldInput is the body of POST /meetings/{id}/held.
type apiMeetHoldInput struct {
	Summary string `json:"summary"`
	Version int    `json:"version"`
}

func (s *Server) apiHoldMeeting(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var in apiMeetHoldInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	if in.Version <= 0 {
		return nil, ding.FieldError("version", "meetui.api.version_required")
	}
	if _, err := s.db.HoldMeeting(r.Context(), id, in.Summary, in.Version); err != nil {
		return nil, err
	}
	return s.apiFullMeeting(r, id)
}

// apiAgendaMoveInput is the body of POST /agenda-items/{id}/move.
type apiAgendaMoveInput struct {
	Delta int `json:"delta"`
}

func (s *Server) apiMoveAgendaItem(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var in apiAgendaMoveInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	return nil, s.db.MoveAgendaItem(r.Context(), id, in.Delta)
}

// apiAgendaDropInput is the body of POST /agenda-items/{id}/drop.
type apiAgendaDropInput struct {
	Dropped *bool `json:"dropped"`
}

func (s *Server) apiDropAgendaItem(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var in apiAgendaDropInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	if in.Dropped == nil {
		return nil, ding.FieldError("dropped", "meetui.api.dropped_required")
	}
	return nil, s.db.DropAgendaItem(r.Context(), id, *in.Dropped)
}

// apiAgendaCommentInput is the body of POST /agenda-items/{id}/comment.
type apiAgendaCommentInput struct {
	Comment string `json:"comment"`
}

func (s *Server) apiCommentAgendaItem(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var in apiAgendaCommentInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	a, err := s.db.CommentAgendaItem(r.Context(), id, in.Comment)
	if err != nil {
		return nil, err
	}
	return apiAgendaItemOf(s.apiLang(r), a), nil
}

// apiMeetActionUnit is a unit of an action item: the lead unit or a co-unit, and its part.
type apiMeetActionUnit struct {
	UnitID int64  `json:"unit_id"`
	Lead   bool   `json:"lead"`
	Part   string `json:"part"`
}

// apiMeetActionInput is an action item of a decision.
type apiMeetActionInput struct {
	Title       string              `json:"title"`
	Description string              `json:"description"`
	ProjectID   int64               `json:"project_id"`
	Units       []apiMeetActionUnit `json:"units"`
	CloseDue    string              `json:"close_due"`
}

// apiAgendaDecisionInput is the body of POST /agenda-items/{id}/decision.
type apiAgendaDecisionInput struct {
	Decision     string               `json:"decision"`
	DecideDemand bool                 `json:"decide_demand"`
	Actions      []apiMeetActionInput `json:"actions"`
}

// apiAgendaDecisionAnswer is the agenda item after the decision with the action items it created.
type apiAgendaDecisionAnswer struct {
	apiAgendaItem
	Actions []*ding.Item `json:"actions"`
}

func (s *Server) apiDecideAgendaItem(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var in apiAgendaDecisionInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	d := store.AgendaDecision{Decision: in.Decision, DecideDemand: in.DecideDemand, Actions: []*ding.Item{}}
	for i, a := range in.Actions {
		it := &ding.Item{Kind: ding.ActionItem, Title: a.Title, Description: a.Description, ProjectID: a.ProjectID, Units: []ding.ItemUnit{}}
		if it.CloseDue, err = meetAPIDate(fmt.Sprintf("actions[%d].close_due", i), a.CloseDue); err != nil {
			return nil, err
		}
		for _, u := range a.Units {
			it.Units = append(it.Units, ding.ItemUnit{UnitID: u.UnitID, Lead: u.Lead, Part: u.Part})
		}
		d.Actions = append(d.Actions, it)
	}
	a, err := s.db.DecideAgendaItem(r.Context(), id, d)
	if err != nil {
		return nil, err
	}
	out := apiAgendaDecisionAnswer{apiAgendaItem: apiAgendaItemOf(s.apiLang(r), a), Actions: []*ding.Item{}}
	for _, aid := range a.ActionIDs {
		it, err := s.db.FindItem(r.Context(), aid)
		if err != nil {
			if ding.ErrorCode(err) == ding.ENOTFOUND {
				continue
			}
			return nil, err
		}
		out.Actions = append(out.Actions, it)
	}
	return out, nil
}

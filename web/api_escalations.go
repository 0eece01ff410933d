package web

// The JSON API of the escalation ladder (督办升级): the items — reminders, letters,
// bulletin listings, interviews — with their counts, replies to letters, interview records,
// withdrawals, hand-issued letters and the month's bulletin listings (docs/api.md,
// "Escalations").

import (
	"net/http"
	"slices"
	"strings"

	"ding"
	"ding/i18n"
	"ding/store"
)

func (s *Server) apiEscalationRoutes() {
	s.handle("GET /api/v1/escalations", s.api(s.apiListEscalations))
	s.handle("GET /api/v1/escalations/counts", s.api(s.apiEscalationCounts))
	s.handle("GET /api/v1/escalations/{id}", s.api(s.apiGetEscalation))
	s.handle("POST /api/v1/escalations/{id}/reply", s.api(s.apiReplyLetter))
	s.handle("POST /api/v1/escalations/{id}/interview", s.api(s.apiRecordInterview))
	s.handle("POST /api/v1/escalations/{id}/withdrawal", s.api(s.apiWithdrawEscalation))
	s.handle("POST /api/v1/projects/{id}/escalations", s.api(s.apiIssueEscalation))
	s.handle("GET /api/v1/bulletin-listings", s.api(s.apiBulletinListings))
}

// apiEscalation is an item with its action, colour and status named in the caller's
// language.
type apiEscalation struct {
	*ding.Escalation
	ActionName string `json:"action_name"`
	ColourName string `json:"colour_name"`
	StatusName string `json:"status_name"`
}

func apiEscalationOf(lang string, cs ding.ColourScheme, e *ding.Escalation) apiEscalation {
	a := apiEscalation{Escalation: e, ActionName: i18n.T(lang, "ladder.action."+string(e.Action)),
		StatusName: i18n.T(lang, "escui.status."+e.Status)}
	if e.Colour != "" {
		a.ColourName = colourName(lang, cs, e.Colour)
	}
	if e.Figures == nil {
		e.Figures = []string{}
	}
	return a
}

func (s *Server) apiEscalations(r *http.Request, es []*ding.Escalation) ([]apiEscalation, error) {
	cs, err := s.db.Colours(r.Context())
	if err != nil {
		return nil, err
	}
	lang := s.apiLang(r)
	out := make([]apiEscalation, 0, len(es))
	for _, e := range es {
		out = append(out, apiEscalationOf(lang, cs, e))
	}
	return out, nil
}

// apiEscalationFilter reads the list's filters strictly: a malformed one is 422 naming it.
func apiEscalationFilter(r *http.Request) (store.EscalationFilter, error) {
	q := r.URL.Query()
	var f store.EscalationFilter
	var err error
	switch a := strings.TrimSpace(q.Get("action")); {
	case a == "":
	case a == "letters":
		f.Letters = true
	case slices.Contains(ding.LadderActions, ding.LadderAction(a)):
		f.Action = ding.LadderAction(a)
	default:
		return f, ding.FieldError("action", "err.bad_param", "action")
	}
	if st := strings.TrimSpace(q.Get("status")); st != "" {
		if !slices.Contains(escStatuses, st) {
			return f, ding.FieldError("status", "err.bad_param", "status")
		}
		f.Status = st
	}
	if f.Overdue, err = apiQueryBool(r, "overdue"); err != nil {
		return f, err
	}
	f.Colour = ding.Colour(strings.TrimSpace(q.Get("colour")))
	if p := strings.TrimSpace(q.Get("period")); p != "" {
		if !isMonth(p) {
			return f, ding.FieldError("period", "err.bad_param", "period")
		}
		f.Period = p
	}
	if f.UnitID, _, err = apiQueryID(r, "unit_id", false); err != nil {
		return f, err
	}
	if f.ProjectID, _, err = apiQueryID(r, "project_id", false); err != nil {
		return f, err
	}
	f.Q = strings.TrimSpace(q.Get("q"))
	if so := strings.TrimSpace(q.Get("sort")); so != "" {
		if !slices.Contains(escSortCols, so) {
			return f, ding.FieldError("sort", "err.bad_param", "sort")
		}
		f.Sort = so
	}
	if f.Desc, err = apiQueryBool(r, "desc"); err != nil {
		return f, err
	}
	return f, nil
}

func (s *Server) apiListEscalations(w http.ResponseWriter, r *http.Request) (any, error) {
	p, err := apiPageOf(r)
	if err != nil {
		return nil, err
	}
	f, err := apiEscalationFilter(r)
	if err != nil {
		return nil, err
	}
	if f.Colour != "" {
		cs, err := s.db.Colours(r.Context())
		if err != nil {
			return nil, err
		}
		if cs.Rank(f.Colour) == 0 {
			return nil, ding.FieldError("colour", "err.bad_param", "colour")
		}
	}
	f.Limit, f.Offset = p.Limit, p.Offset
	es, total, err := s.db.FindEscalations(r.Context(), f)
	if err != nil {
		return nil, err
	}
	items, err := s.apiEscalations(r, es)
	if err != nil {
		return nil, err
	}
	return newAPIList(items, total, p), nil
}

// apiOneEscalation answers an item in the caller's language.
func (s *Server) apiOneEscalation(r *http.Request, e *ding.Escalation) (any, error) {
	items, err := s.apiEscalations(r, []*ding.Escalation{e})
	if err != nil {
		return nil, err
	}
	return items[0], nil
}

func (s *Server) apiGetEscalation(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	e, err := s.db.FindEscalation(r.Context(), id)
	if err != nil {
		return nil, err
	}
	return s.apiOneEscalation(r, e)
}

// apiEscalationCount is the counts of one action.
type apiEscalationCount struct {
	store.EscalationCounts
	ActionName string `json:"action_name"`
}

// apiEscalationCountsAnswer is the counts by action as of the warning date.
type apiEscalationCountsAnswer struct {
	AsOf    ding.Date            `json:"as_of"`
	Month   string               `json:"month"` // this_month counts the items of this month
	Actions []apiEscalationCount `json:"actions"`
}

func (s *Server) apiEscalationCounts(w http.ResponseWriter, r *http.Request) (any, error) {
	ctx := r.Context()
	counts, err := s.db.CountEscalations(ctx)
	if err != nil {
		return nil, err
	}
	today, err := s.db.WarningToday(ctx)
	if err != nil {
		return nil, err
	}
	lang := s.apiLang(r)
	a := apiEscalationCountsAnswer{AsOf: today, Month: monthOf(today), Actions: []apiEscalationCount{}}
	for _, c := range counts {
		a.Actions = append(a.Actions, apiEscalationCount{EscalationCounts: c, ActionName: i18n.T(lang, "ladder.action."+string(c.Action))})
	}
	return a, nil
}

// apiEscError puts the withdrawal's reason under the body field that carries it.
func apiEscError(err error) error {
	if err == nil {
		return nil
	}
	return escFormError(err)
}

// apiReplyInput is the body of POST /escalations/{id}/reply.
type apiReplyInput struct {
	Reply     string    `json:"reply"`
	RepliedOn ding.Date `json:"replied_on"`
	Version   int       `json:"version"`
}

func (s *Server) apiReplyLetter(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var in apiReplyInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	if in.Version <= 0 {
		return nil, ding.FieldError("version", "escui.version_required")
	}
	e, err := s.db.ReplyLetter(r.Context(), id, in.Reply, in.RepliedOn, in.Version)
	if err != nil {
		return nil, apiEscError(err)
	}
	return s.apiOneEscalation(r, e)
}

// apiInterviewInput is the body of POST /escalations/{id}/interview.
type apiInterviewInput struct {
	HeldOn       ding.Date `json:"held_on"`
	Interviewer  string    `json:"interviewer"`
	Interviewees string    `json:"interviewees"`
	Commitments  string    `json:"commitments"`
	FollowUpOn   ding.Date `json:"follow_up_on"`
	Version      int       `json:"version"`
}

func (s *Server) apiRecordInterview(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var in apiInterviewInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	if in.Version <= 0 {
		return nil, ding.FieldError("version", "escui.version_required")
	}
	iv := ding.Interview{HeldOn: in.HeldOn, Interviewer: in.Interviewer, Interviewees: in.Interviewees, Commitments: in.Commitments,
		FollowUpOn: in.FollowUpOn}
	e, err := s.db.RecordInterview(r.Context(), id, iv, in.Version)
	if err != nil {
		return nil, apiEscError(err)
	}
	return s.apiOneEscalation(r, e)
}

// apiWithdrawalInput is the body of POST /escalations/{id}/withdrawal.
type apiWithdrawalInput struct {
	Reason  string `json:"reason"`
	Version int    `json:"version"`
}

func (s *Server) apiWithdrawEscalation(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var in apiWithdrawalInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	if in.Version <= 0 {
		return nil, ding.FieldError("version", "escui.version_required")
	}
	e, err := s.db.WithdrawEscalation(r.Context(), id, in.Reason, in.Version)
	if err != nil {
		return nil, apiEscError(err)
	}
	return s.apiOneEscalation(r, e)
}

// apiIssueInput is the body of POST /projects/{id}/escalations.
type apiIssueInput struct {
	Action  ding.LadderAction `json:"action"`
	DueDays int               `json:"due_days"`
	Note    string            `json:"note"`
}

func (s *Server) apiIssueEscalation(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var in apiIssueInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	e, err := s.db.IssueEscalation(r.Context(), id, in.Action, in.DueDays, in.Note)
	if err != nil {
		return nil, err
	}
	v, err := s.apiOneEscalation(r, e)
	if err != nil {
		return nil, err
	}
	return apiCreated(v), nil
}

// apiBulletinAnswer is a month's bulletin listings, most severe first.
type apiBulletinAnswer struct {
	Period string          `json:"period"`
	Items  []apiEscalation `json:"items"`
}

func (s *Server) apiBulletinListings(w http.ResponseWriter, r *http.Request) (any, error) {
	ctx := r.Context()
	period := strings.TrimSpace(r.URL.Query().Get("period"))
	if period == "" {
		today, err := s.db.WarningToday(ctx)
		if err != nil {
			return nil, err
		}
		period = monthOf(today)
	} else if !isMonth(period) {
		return nil, ding.FieldError("period", "err.bad_param", "period")
	}
	es, err := s.db.BulletinListings(ctx, period)
	if err != nil {
		return nil, err
	}
	items, err := s.apiEscalations(r, es)
	if err != nil {
		return nil, err
	}
	return apiBulletinAnswer{Period: period, Items: items}, nil
}

package web

// The leader's desk (领导工作台): one page per leader — the projects they are the contact
// leader of, with their colours; the demands waiting for their decision, each decided
// from here with a comment; their meetings; the overdue action items and demands of their
// projects; the interviews assigned to them. The office may open any leader's desk.

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"ding"
	"ding/store"
)

func (s *Server) deskRoutes() {
	s.handle("GET /desk", s.page(s.deskPage, true))
	s.handle("POST /desk/items/{id}/decide", s.page(s.deskDecide, true))
	s.handle("GET /api/v1/desk", s.api(s.apiDesk))
}

// deskProject is a row of "my projects".
type deskProject struct {
	*ding.Project
	Badge badge
}

// Wan shows yuan as 万元.
func (deskProject) Wan(yuan int64) string { return ding.Wan(yuan) }

// desk is what the desk shows, for the page and the API.
type desk struct {
	Leader     *ding.User          `json:"leader"`
	Today      ding.Date           `json:"today"`
	Projects   []*ding.Project     `json:"projects"`
	Colours    map[int64]string    `json:"colours"` // project id → colour key
	Decide     []*ding.Item        `json:"decide"`  // waiting for my decision
	Overdue    []*ding.Item        `json:"overdue"` // overdue items of my projects
	Meetings   []*ding.Meeting     `json:"meetings"`
	Interviews []*ding.Escalation  `json:"interviews"` // open interviews assigned to me
	rows       []deskProject       // the page's project rows
	byColour   map[ding.Colour]int // projects by colour
}

// deskLeader is whose desk is asked for: the caller if a leader, or (for the office and
// administrators) ?leader=ID.
func (s *Server) deskLeader(r *http.Request) (*ding.User, error) {
	q := reqOf(r)
	a := q.actor
	if id := r.URL.Query().Get("leader"); id != "" && isOffice(a) {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return nil, ding.FieldError("leader", "err.bad_param", "leader")
		}
		us, _, err := s.db.FindUsers(r.Context(), ding.UserFilter{ID: n, Role: ding.RoleLeader, Limit: 1})
		if err != nil {
			return nil, err
		}
		if len(us) == 0 {
			return nil, ding.Errorf(ding.ENOTFOUND, "err.not_found", "leader")
		}
		return us[0], nil
	}
	if a.Role != ding.RoleLeader || q.user == nil {
		return nil, ding.Errorf(ding.EFORBIDDEN, "deskui.leaders_only")
	}
	return q.user, nil
}

func (s *Server) loadDesk(ctx context.Context, leader *ding.User) (*desk, error) {
	today, err := s.db.WarningToday(ctx)
	if err != nil {
		return nil, err
	}
	d := &desk{Leader: leader, Today: today, Colours: map[int64]string{}, byColour: map[ding.Colour]int{}}
	ps, _, err := s.db.FindProjects(ctx, ding.ProjectFilter{LeaderID: leader.ID, Sort: "total_investment", Desc: true, Limit: 500})
	if err != nil {
		return nil, err
	}
	d.Projects = ps
	ids := make([]int64, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	cols, err := s.db.ProjectColours(ctx, ids)
	if err != nil {
		return nil, err
	}
	for id, c := range cols {
		if c.Colour != "" {
			d.Colours[id] = string(c.Colour)
		}
	}
	if d.Decide, _, err = s.db.FindItems(ctx, store.ItemFilter{DecideBy: leader.ID, Sort: "due", Limit: 200}); err != nil {
		return nil, err
	}
	if d.Overdue, _, err = s.db.FindItems(ctx, store.ItemFilter{LeaderID: leader.ID, Overdue: true, Open: true, Sort: "due", Limit: 200}); err != nil {
		return nil, err
	}
	from := time.Date(today.Year, today.Month, today.Day, 0, 0, 0, 0, ding.Shanghai).AddDate(0, 0, -30)
	if d.Meetings, _, err = s.db.FindMeetings(ctx, store.MeetingFilter{ChairID: leader.ID, From: from, Limit: 20}); err != nil {
		return nil, err
	}
	es, _, err := s.db.FindEscalations(ctx, store.EscalationFilter{Action: ding.ActionInterview, Status: ding.EscalationOpen, Sort: "due_on"})
	if err != nil {
		return nil, err
	}
	for _, e := range es {
		if e.LeaderID == leader.ID {
			d.Interviews = append(d.Interviews, e)
		}
	}
	return d, nil
}

func (s *Server) deskPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderDesk(w, r, http.StatusOK, 0, nil)
}

// renderDesk shows the desk; a failed decision (on item failed) shows its error by it.
func (s *Server) renderDesk(w http.ResponseWriter, r *http.Request, status int, failed int64, formErr error) error {
	ctx := r.Context()
	leader, err := s.deskLeader(r)
	if err != nil {
		return err
	}
	d, err := s.loadDesk(ctx, leader)
	if err != nil {
		return err
	}
	cs, err := s.db.Colours(ctx)
	if err != nil {
		return err
	}
	v := s.view(r, "desk")
	for _, p := range d.Projects {
		c := ding.Colour(d.Colours[p.ID])
		d.rows = append(d.rows, deskProject{Project: p, Badge: colourBadge(v.Lang, cs, c)})
		if c != "" {
			d.byColour[c]++
		}
	}
	v.Title = v.T("deskui.title", leader.DisplayName)
	v.Crumbs = []crumb{{Label: v.Title}}
	if formErr != nil {
		v.Form = r.PostForm
		v.withFormError(formErr)
	}
	type colourCount struct {
		Badge badge
		N     int
	}
	var counts []colourCount
	for i := len(cs) - 1; i >= 0; i-- {
		counts = append(counts, colourCount{colourBadge(v.Lang, cs, cs[i].Key), d.byColour[cs[i].Key]})
	}
	v.Data = map[string]any{"Desk": d, "Rows": d.rows, "Counts": counts, "Failed": failed, "Self": reqOf(r).user != nil && reqOf(r).user.ID == leader.ID}
	s.renderStatus(w, r, status, "desk", v)
	return nil
}

// deskDecide decides a demand from the desk: the comment is the decision.
func (s *Server) deskDecide(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.parseBody(r); err != nil {
		return err
	}
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	_, err = s.db.StepItem(r.Context(), id, store.ItemStep{Action: ding.ItemDecide, Comment: r.PostForm.Get("comment"),
		OnSite: r.PostForm.Get("on_site") == "1", Version: version})
	switch ding.ErrorCode(err) {
	case "":
		return redirect(w, r, "/desk", "deskui_decided")
	case ding.EINVALID, ding.ECONFLICT:
		return s.renderDesk(w, r, http.StatusUnprocessableEntity, id, err)
	}
	return err
}

func (s *Server) apiDesk(w http.ResponseWriter, r *http.Request) (any, error) {
	leader, err := s.deskLeader(r)
	if err != nil {
		return nil, err
	}
	return s.loadDesk(r.Context(), leader)
}

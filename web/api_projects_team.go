package web

import (
	"encoding/json"
	"net/http"

	"ding"
	"ding/store"
)

// A project's 1+1+N team, milestones (节点), annual plans (年度计划) and month figures.

func (s *Server) apiProjectTeam(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	team, err := s.db.FindTeam(r.Context(), id)
	if err != nil {
		return nil, err
	}
	return newAPIItems(team), nil
}

// apiTeamInput is the body of PUT /api/v1/projects/{id}/team/{unit_id}.
type apiTeamInput struct {
	ContactName  string `json:"contact_name"`
	ContactPhone string `json:"contact_phone"`
	Duty         string `json:"duty"`
}

// apiSaveTeamMember adds the unit to the team as a cooperating unit (201), or updates the
// contact and duty of a member (200), the lead unit's included.
func (s *Server) apiSaveTeamMember(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	unitID, err := apiPathInt(r, "unit_id")
	if err != nil {
		return nil, err
	}
	var in apiTeamInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	team, err := s.db.FindTeam(r.Context(), id)
	if err != nil {
		return nil, err
	}
	m := &ding.TeamMember{ProjectID: id, UnitID: unitID, ContactName: in.ContactName, ContactPhone: in.ContactPhone, Duty: in.Duty}
	for _, x := range team {
		if x.UnitID == unitID {
			m.Role = x.Role
		}
	}
	added := m.Role == ""
	if err := s.db.SaveTeamMember(r.Context(), m); err != nil {
		return nil, err
	}
	if added {
		return apiCreated(m), nil
	}
	return m, nil
}

// apiRemoveTeamMember takes a cooperating unit off the team (the lead unit changes with
// the project's unit_id).
func (s *Server) apiRemoveTeamMember(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	unitID, err := apiPathInt(r, "unit_id")
	if err != nil {
		return nil, err
	}
	return nil, s.db.RemoveTeamMember(r.Context(), id, unitID)
}

func (s *Server) apiProjectMilestones(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	ms, err := s.db.FindMilestones(r.Context(), id)
	if err != nil {
		return nil, err
	}
	return newAPIItems(ms), nil
}

// apiMilestoneInput is the body of POST and PUT of a milestone; id and project_id are
// accepted (so that a client may send back what it read) and ignored: the path names them.
type apiMilestoneInput struct {
	Name      string          `json:"name"`
	Stage     ding.Stage      `json:"stage"`
	PlannedOn apiDate         `json:"planned_on"`
	ActualOn  apiDate         `json:"actual_on"`
	SortOrder int             `json:"sort_order"`
	ID        json.RawMessage `json:"id"`
	ProjectID json.RawMessage `json:"project_id"`
}

func (in *apiMilestoneInput) milestone(projectID, id int64) (*ding.Milestone, error) {
	m := &ding.Milestone{ID: id, ProjectID: projectID, Name: in.Name, Stage: in.Stage, SortOrder: in.SortOrder}
	var err error
	if m.PlannedOn, err = in.PlannedOn.date("planned_on"); err != nil {
		return nil, err
	}
	if m.ActualOn, err = in.ActualOn.date("actual_on"); err != nil {
		return nil, err
	}
	return m, nil
}

func (s *Server) apiCreateMilestone(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var in apiMilestoneInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	m, err := in.milestone(id, 0)
	if err != nil {
		return nil, err
	}
	if err := s.db.SaveMilestone(r.Context(), m); err != nil {
		return nil, err
	}
	return apiCreated(m), nil
}

// apiUpdateMilestone replaces a milestone (PUT: every field, absent ones become empty).
func (s *Server) apiUpdateMilestone(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	mid, err := apiPathInt(r, "mid")
	if err != nil {
		return nil, err
	}
	var in apiMilestoneInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	m, err := in.milestone(id, mid)
	if err != nil {
		return nil, err
	}
	if err := s.db.SaveMilestone(r.Context(), m); err != nil {
		return nil, err
	}
	return m, nil
}

func (s *Server) apiProjectPlans(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	plans, err := s.db.FindPlans(r.Context(), id)
	if err != nil {
		return nil, err
	}
	return newAPIItems(plans), nil
}

// apiPlanInput is the body of PUT /api/v1/projects/{id}/plans/{year} (ding.AnnualPlan's
// JSON). Months is a slice so that a list of the wrong length is refused rather than cut
// or padded; project_id and year, when sent, must match the path.
type apiPlanInput struct {
	ProjectID *int64  `json:"project_id"`
	Year      *int    `json:"year"`
	Total     int64   `json:"total"`
	Months    []int64 `json:"months"`
	Goal      string  `json:"goal"`
}

// apiSavePlan creates or replaces the project's plan for the year; the 12 months must add
// up to the total.
func (s *Server) apiSavePlan(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	year, err := apiPathInt(r, "year")
	if err != nil {
		return nil, err
	}
	var in apiPlanInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	if in.ProjectID != nil && *in.ProjectID != id {
		return nil, ding.FieldError("project_id", "apip.path_mismatch", "project_id")
	}
	if in.Year != nil && int64(*in.Year) != year {
		return nil, ding.FieldError("year", "apip.path_mismatch", "year")
	}
	if len(in.Months) != 12 {
		return nil, ding.FieldError("months", "apip.months_count", len(in.Months))
	}
	for i, m := range in.Months {
		if m < 0 {
			return nil, ding.FieldError("months", "apip.month_negative", i+1)
		}
	}
	a := &ding.AnnualPlan{ProjectID: id, Year: int(year), Total: in.Total, Goal: in.Goal}
	copy(a.Months[:], in.Months)
	if err := s.db.SavePlan(r.Context(), a); err != nil {
		return nil, err
	}
	return a, nil
}

// apiMonthsAnswer is a year of a project's plan against actual, month by month.
type apiMonthsAnswer struct {
	ProjectID int64                `json:"project_id"`
	Year      int                  `json:"year"`
	Items     []store.MonthFigures `json:"items"`
	Total     int                  `json:"total"`
	Planned   int64                `json:"planned"`   // the months' planned sum, yuan
	Completed int64                `json:"completed"` // the months' completed sum, yuan
}

// apiProjectMonths answers the 12 months of a year (?year=, default the current one).
func (s *Server) apiProjectMonths(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	year, err := apiQueryYear(r, "year")
	if err != nil {
		return nil, err
	}
	if year == 0 {
		year = s.db.CurrentYear(r.Context())
	}
	months, err := s.db.ProjectMonths(r.Context(), id, year)
	if err != nil {
		return nil, err
	}
	a := apiMonthsAnswer{ProjectID: id, Year: year, Items: months, Total: len(months)}
	for _, m := range months {
		a.Planned += m.Planned
		a.Completed += m.Completed
	}
	return a, nil
}

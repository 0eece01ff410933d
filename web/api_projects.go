package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"ding"
)

// The JSON API of the project registry (项目库): projects and their stages here; teams,
// milestones, plans and month figures in api_projects_team.go; progress reports and
// settings in api_projects_reports.go. Scope and permissions are the store's: a handler
// reads the request, calls the store with the caller in the context, and answers.

func (s *Server) apiProjectRoutes() {
	s.handle("GET /api/v1/projects", s.api(s.apiListProjects))
	s.handle("POST /api/v1/projects", s.api(s.apiCreateProject))
	s.handle("GET /api/v1/projects/{id}", s.api(s.apiGetProject))
	s.handle("PATCH /api/v1/projects/{id}", s.api(s.apiUpdateProject))
	s.handle("POST /api/v1/projects/{id}/stage", s.api(s.apiProjectStage))
	s.handle("GET /api/v1/projects/{id}/stages", s.api(s.apiProjectStages))

	s.handle("GET /api/v1/projects/{id}/team", s.api(s.apiProjectTeam))
	s.handle("PUT /api/v1/projects/{id}/team/{unit_id}", s.api(s.apiSaveTeamMember))
	s.handle("DELETE /api/v1/projects/{id}/team/{unit_id}", s.api(s.apiRemoveTeamMember))
	s.handle("GET /api/v1/projects/{id}/milestones", s.api(s.apiProjectMilestones))
	s.handle("POST /api/v1/projects/{id}/milestones", s.api(s.apiCreateMilestone))
	s.handle("PUT /api/v1/projects/{id}/milestones/{mid}", s.api(s.apiUpdateMilestone))
	s.handle("GET /api/v1/projects/{id}/plans", s.api(s.apiProjectPlans))
	s.handle("PUT /api/v1/projects/{id}/plans/{year}", s.api(s.apiSavePlan))
	s.handle("GET /api/v1/projects/{id}/months", s.api(s.apiProjectMonths))

	s.handle("GET /api/v1/projects/{id}/reports", s.api(s.apiProjectReports))
	s.handle("POST /api/v1/projects/{id}/reports", s.api(s.apiSubmitReport))
	s.handle("GET /api/v1/reports", s.api(s.apiListReports))
	s.handle("GET /api/v1/reports/{id}", s.api(s.apiGetReport))
	s.handle("POST /api/v1/reports/{id}/review", s.api(s.apiReviewReport))

	s.handle("GET /api/v1/settings/chains", s.api(s.apiGetChains))
	s.handle("PUT /api/v1/settings/chains", s.api(s.apiSetChains))
	s.handle("GET /api/v1/settings/report-window", s.api(s.apiGetReportWindow))
	s.handle("PUT /api/v1/settings/report-window", s.api(s.apiSetReportWindow))
}

// apiProjectSorts are the columns the project list sorts by.
var apiProjectSorts = []string{"code", "name", "unit", "stage", "total_investment", "plan_year", "completed_ytd", "progress_pct", "updated_at"}

// apiProjectList is the answer of GET /api/v1/projects: a page, the year of the running
// figures, and the totals of the whole filtered set.
type apiProjectList struct {
	apiList[*ding.Project]
	Year   int                `json:"year"`
	Totals ding.ProjectTotals `json:"totals"`
}

// apiListProjects lists the projects in the caller's scope with the filters of the UI list.
func (s *Server) apiListProjects(w http.ResponseWriter, r *http.Request) (any, error) {
	p, err := apiPageOf(r)
	if err != nil {
		return nil, err
	}
	f, err := apiProjectFilter(r)
	if err != nil {
		return nil, err
	}
	f.Limit, f.Offset = p.Limit, p.Offset
	items, tot, err := s.db.FindProjects(r.Context(), f)
	if err != nil {
		return nil, err
	}
	year := f.Year
	if year == 0 {
		year = s.db.CurrentYear(r.Context())
	}
	return apiProjectList{apiList: newAPIList(items, tot.Count, p), Year: year, Totals: tot}, nil
}

// apiProjectFilter reads the list filters from the query; a malformed or unknown value is
// refused naming its parameter.
func apiProjectFilter(r *http.Request) (ding.ProjectFilter, error) {
	q := r.URL.Query()
	f := ding.ProjectFilter{Query: strings.TrimSpace(q.Get("q")), Chain: strings.TrimSpace(q.Get("chain"))}
	for _, v := range q["stage"] {
		for _, st := range strings.Split(v, ",") {
			st = strings.TrimSpace(st)
			if st == "" {
				continue
			}
			if !ding.Stage(st).Valid() {
				return f, apiOneOf("stage", st, ding.AllStages)
			}
			f.Stages = append(f.Stages, ding.Stage(st))
		}
	}
	if v := strings.TrimSpace(q.Get("tier")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || !apiIn(ding.Tier(n), ding.Tiers) {
			return f, apiOneOf("tier", v, ding.Tiers)
		}
		t := ding.Tier(n)
		f.Tier = &t
	}
	var err error
	if f.UnitID, _, err = apiQueryID(r, "unit_id", false); err != nil {
		return f, err
	}
	if f.LocationID, _, err = apiQueryID(r, "location_id", false); err != nil {
		return f, err
	}
	if f.LeaderID, _, err = apiQueryID(r, "leader_id", false); err != nil {
		return f, err
	}
	if v := strings.ToUpper(strings.TrimSpace(q.Get("industry"))); v != "" {
		if !apiIn(v, ding.Industries) {
			return f, apiOneOf("industry", v, ding.Industries)
		}
		f.Industry = v
	}
	for _, flag := range []struct {
		name string
		dst  **bool
	}{{"manufacturing", &f.Manufacturing}, {"high_tech", &f.HighTech}, {"private", &f.Private}} {
		if strings.TrimSpace(q.Get(flag.name)) == "" {
			continue
		}
		b, err := apiQueryBool(r, flag.name)
		if err != nil {
			return f, err
		}
		*flag.dst = &b
	}
	if f.Year, err = apiQueryYear(r, "year"); err != nil {
		return f, err
	}
	// The dashboard's drill-down filters (the list page's lead_unit, signed_from … colour).
	if f.LeadUnitID, _, err = apiQueryID(r, "lead_unit_id", false); err != nil {
		return f, err
	}
	for _, d := range []struct {
		name string
		dst  *ding.Date
	}{{"signed_from", &f.SignedFrom}, {"signed_to", &f.SignedTo}, {"started_from", &f.StartedFrom}, {"started_to", &f.StartedTo},
		{"in_stats_from", &f.InStatsFrom}, {"in_stats_to", &f.InStatsTo}} {
		if v := strings.TrimSpace(q.Get(d.name)); v != "" {
			day, err := ding.ParseDate(v)
			if err != nil {
				return f, ding.FieldError(d.name, "field.invalid")
			}
			*d.dst = day
		}
	}
	if v := strings.TrimSpace(q.Get("min_investment")); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return f, ding.FieldError("min_investment", "field.invalid")
		}
		f.MinInvestment = n
	}
	if v := strings.TrimSpace(q.Get("colour")); v != "" {
		if !apiIn(v, []string{"red", "yellow", "blue"}) {
			return f, apiOneOf("colour", v, []string{"red", "yellow", "blue"})
		}
		f.Colour = v
	}
	if v := strings.TrimSpace(q.Get("sort")); v != "" {
		if !apiIn(v, apiProjectSorts) {
			return f, apiOneOf("sort", v, apiProjectSorts)
		}
		f.Sort = v
	}
	switch v := strings.TrimSpace(q.Get("order")); v {
	case "", "asc":
	case "desc":
		f.Desc = true
	default:
		return f, apiOneOf("order", v, []string{"asc", "desc"})
	}
	return f, nil
}

// apiOneOf refuses a query value that is not one of the allowed ones, listing them.
func apiOneOf[T any](param, got string, allowed []T) error {
	vals := make([]string, len(allowed))
	for i, a := range allowed {
		vals[i] = fmt.Sprint(a)
	}
	return ding.FieldError(param, "apip.param_oneof", param, got, strings.Join(vals, ", "))
}

// apiIn reports whether v is in list.
func apiIn[T comparable](v T, list []T) bool {
	for _, x := range list {
		if v == x {
			return true
		}
	}
	return false
}

// apiQueryYear reads an optional year (2000–2100); empty gives 0.
func apiQueryYear(r *http.Request, name string) (int, error) {
	v := strings.TrimSpace(r.URL.Query().Get(name))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 2000 || n > 2100 {
		return 0, ding.FieldError(name, "err.bad_param", name)
	}
	return n, nil
}

// apiPathInt reads a positive integer path value; anything else is 404, like pathID.
func apiPathInt(r *http.Request, name string) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, ding.Errorf(ding.ENOTFOUND, "err.page_not_found")
	}
	return n, nil
}

// apiDate is a civil date in a request body: "YYYY-MM-DD", or "" (and null where the field
// is not a pointer) for none. A value that is not a date is kept, so that the handler can
// refuse it naming its field instead of failing the whole body.
type apiDate struct {
	d   ding.Date
	bad string
}

func (a *apiDate) UnmarshalJSON(b []byte) error {
	var s *string
	if err := json.Unmarshal(b, &s); err != nil {
		a.bad = string(b)
		return nil
	}
	if s == nil || strings.TrimSpace(*s) == "" {
		a.d = ding.Date{}
		return nil
	}
	d, err := ding.ParseDate(strings.TrimSpace(*s))
	if err != nil {
		a.bad = *s
		return nil
	}
	a.d = d
	return nil
}

// date returns the date, or a field error when the value was not one.
func (a *apiDate) date(field string) (ding.Date, error) {
	if a.bad != "" {
		return ding.Date{}, ding.FieldError(field, "apip.date_invalid", a.bad)
	}
	return a.d, nil
}

// apiProjectInput is the body of POST and PATCH /api/v1/projects: the fields of a project
// (ding.Project's JSON). Absent and null fields are nil: POST starts from an empty project,
// PATCH from the stored one. The read-only fields are accepted so that a client may send
// back the object it read, and ignored.
type apiProjectInput struct {
	Code            *string        `json:"code"`
	Name            *string        `json:"name"`
	ShortName       *string        `json:"short_name"`
	OwnerName       *string        `json:"owner_name"`
	OwnerCode       *string        `json:"owner_code"`
	UnitID          *int64         `json:"unit_id"`
	LocationID      *int64         `json:"location_id"`
	LeaderID        *int64         `json:"leader_id"`
	Nature          *ding.Nature   `json:"nature"`
	Investor        *ding.Investor `json:"investor"`
	Industry        *string        `json:"industry"`
	Chain           *string        `json:"chain"`
	Manufacturing   *bool          `json:"manufacturing"`
	HighTech        *bool          `json:"high_tech"`
	Private         *bool          `json:"private"`
	TotalInvestment *int64         `json:"total_investment"`
	LandMu          *float64       `json:"land_mu"`
	Content         *string        `json:"content"`
	PlannedStart    *apiDate       `json:"planned_start"`
	PlannedEnd      *apiDate       `json:"planned_end"`
	ActualStart     *apiDate       `json:"actual_start"`
	ActualEnd       *apiDate       `json:"actual_end"`
	ExpectedOutput  *int64         `json:"expected_output"`
	ExpectedTax     *int64         `json:"expected_tax"`
	AgreementType   *string        `json:"agreement_type"`
	SignedOn        *apiDate       `json:"signed_on"`
	InStats         *bool          `json:"in_stats"`
	InStatsOn       *apiDate       `json:"in_stats_on"`

	// The stage is set on creation; afterwards it moves only through POST …/stage.
	Stage      *ding.Stage `json:"stage"`
	StageOn    *apiDate    `json:"stage_on"`
	DropReason *string     `json:"drop_reason"`

	// Version is required by PATCH: the version the client read (optimistic locking).
	Version *int `json:"version"`

	// Read-only, ignored.
	ID           json.RawMessage `json:"id"`
	UnitName     json.RawMessage `json:"unit_name"`
	LocationName json.RawMessage `json:"location_name"`
	LeaderName   json.RawMessage `json:"leader_name"`
	Tier         json.RawMessage `json:"tier"`
	CreatedAt    json.RawMessage `json:"created_at"`
	UpdatedAt    json.RawMessage `json:"updated_at"`
	Year         json.RawMessage `json:"year"`
	PlanYear     json.RawMessage `json:"plan_year"`
	CompletedYTD json.RawMessage `json:"completed_ytd"`
	CompletedAll json.RawMessage `json:"completed_all"`
	ProgressPct  json.RawMessage `json:"progress_pct"`
}

// apply copies the fields present in the input onto p (not the stage, nor the version).
func (in *apiProjectInput) apply(p *ding.Project) error {
	for _, f := range []struct {
		src *string
		dst *string
	}{
		{in.Code, &p.Code}, {in.Name, &p.Name}, {in.ShortName, &p.ShortName}, {in.OwnerName, &p.OwnerName},
		{in.OwnerCode, &p.OwnerCode}, {in.Industry, &p.Industry}, {in.Chain, &p.Chain}, {in.Content, &p.Content},
		{in.AgreementType, &p.AgreementType},
	} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	for _, f := range []struct {
		src *int64
		dst *int64
	}{
		{in.UnitID, &p.UnitID}, {in.LocationID, &p.LocationID}, {in.LeaderID, &p.LeaderID},
		{in.TotalInvestment, &p.TotalInvestment}, {in.ExpectedOutput, &p.ExpectedOutput}, {in.ExpectedTax, &p.ExpectedTax},
	} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	for _, f := range []struct {
		src *bool
		dst *bool
	}{
		{in.Manufacturing, &p.Manufacturing}, {in.HighTech, &p.HighTech}, {in.Private, &p.Private}, {in.InStats, &p.InStats},
	} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	// The store fills the names of the references it keeps; cleared ones have none.
	if in.LocationID != nil {
		p.LocationName = ""
	}
	if in.LeaderID != nil {
		p.LeaderName = ""
	}
	if in.Nature != nil {
		p.Nature = *in.Nature
	}
	if in.Investor != nil {
		p.Investor = *in.Investor
	}
	if in.LandMu != nil {
		p.LandMu = *in.LandMu
	}
	for _, f := range []struct {
		name string
		src  *apiDate
		dst  *ding.Date
	}{
		{"planned_start", in.PlannedStart, &p.PlannedStart}, {"planned_end", in.PlannedEnd, &p.PlannedEnd},
		{"actual_start", in.ActualStart, &p.ActualStart}, {"actual_end", in.ActualEnd, &p.ActualEnd},
		{"signed_on", in.SignedOn, &p.SignedOn}, {"in_stats_on", in.InStatsOn, &p.InStatsOn},
	} {
		if f.src == nil {
			continue
		}
		d, err := f.src.date(f.name)
		if err != nil {
			return err
		}
		*f.dst = d
	}
	return nil
}

func (s *Server) apiCreateProject(w http.ResponseWriter, r *http.Request) (any, error) {
	var in apiProjectInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	p := &ding.Project{}
	if err := in.apply(p); err != nil {
		return nil, err
	}
	if in.Stage != nil {
		p.Stage = *in.Stage
	}
	if in.StageOn != nil {
		d, err := in.StageOn.date("stage_on")
		if err != nil {
			return nil, err
		}
		p.StageOn = d
	}
	if in.DropReason != nil {
		p.DropReason = *in.DropReason
	}
	if err := s.db.CreateProject(r.Context(), p); err != nil {
		return nil, err
	}
	return apiCreated(p), nil
}

// apiGetProject answers a project with the running figures of the current year, or of
// ?year=.
func (s *Server) apiGetProject(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	year, err := apiQueryYear(r, "year")
	if err != nil {
		return nil, err
	}
	if year == 0 {
		return s.db.FindProjectByID(r.Context(), id)
	}
	ps, _, err := s.db.FindProjects(r.Context(), ding.ProjectFilter{ID: id, Year: year, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, ding.Errorf(ding.ENOTFOUND, "err.not_found", "project")
	}
	return ps[0], nil
}

// apiUpdateProject changes the fields present in the body. The body must carry the
// version the client read: if the project changed since, the answer is 409 and nothing is
// saved. The stage is not changed here (POST …/stage).
func (s *Server) apiUpdateProject(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var in apiProjectInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	p, err := s.db.FindProjectByID(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if in.Version == nil {
		return nil, ding.FieldError("version", "apip.version_required")
	}
	if in.Stage != nil && *in.Stage != p.Stage {
		return nil, ding.FieldError("stage", "apip.stage_readonly")
	}
	if in.StageOn != nil {
		d, err := in.StageOn.date("stage_on")
		if err != nil {
			return nil, err
		}
		if d != p.StageOn {
			return nil, ding.FieldError("stage_on", "apip.stage_readonly")
		}
	}
	if in.DropReason != nil && strings.TrimSpace(*in.DropReason) != p.DropReason {
		return nil, ding.FieldError("drop_reason", "apip.stage_readonly")
	}
	if err := in.apply(p); err != nil {
		return nil, err
	}
	p.Version = *in.Version
	if err := s.db.UpdateProject(r.Context(), p); err != nil {
		return nil, err
	}
	return p, nil
}

// apiStageInput is the body of POST /api/v1/projects/{id}/stage.
type apiStageInput struct {
	Stage  ding.Stage `json:"stage"`
	On     apiDate    `json:"on"`
	Reason string     `json:"reason"`
}

// apiProjectStage moves a project to another stage, checked by the store (ding.CheckTransition).
func (s *Server) apiProjectStage(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var in apiStageInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	on, err := in.On.date("on")
	if err != nil {
		return nil, err
	}
	return s.db.TransitionProject(r.Context(), id, in.Stage, on, in.Reason)
}

// apiItems is the answer of a small list that is not paged (a project's timeline, team,
// milestones, plans).
type apiItems[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
}

func newAPIItems[T any](items []T) apiItems[T] {
	if items == nil {
		items = []T{}
	}
	return apiItems[T]{Items: items, Total: len(items)}
}

// apiProjectStages answers a project's timeline of stage changes, oldest first.
func (s *Server) apiProjectStages(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	changes, err := s.db.StageHistory(r.Context(), id)
	if err != nil {
		return nil, err
	}
	return newAPIItems(changes), nil
}

package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"ding"
	"ding/store"
)

// projectsPageSize is how many projects one page of the list shows.
const projectsPageSize = 50

// projectReportsShown is how many reports the project page lists; the report pages have all.
const projectReportsShown = 12

func (s *Server) projectPageRoutes() {
	s.handle("GET /projects", s.page(s.projectsPage, true))
	s.handle("GET /projects/new", s.page(s.projectNewPage, true))
	s.handle("POST /projects", s.page(s.projectCreate, true))
	s.handle("GET /projects/{id}", s.page(s.projectPage, true))
	s.handle("GET /projects/{id}/edit", s.page(s.projectEditPage, true))
	s.handle("POST /projects/{id}", s.page(s.projectUpdate, true))
	s.handle("POST /projects/{id}/stage", s.page(s.projectStage, true))
	s.handle("POST /projects/{id}/team", s.page(s.projectTeamSave, true))
	s.handle("POST /projects/{id}/team/{unit}/remove", s.page(s.projectTeamRemove, true))
	s.handle("POST /projects/{id}/milestones", s.page(s.projectMilestoneSave, true))
}

// Permissions here only decide which controls to show; the store checks every write.

// canCreateProject: administrators, the project office and liaisons create projects.
func canCreateProject(a *ding.Actor) bool {
	return a.System || a.Role == ding.RoleAdmin || a.Role == ding.RoleOffice || a.Role == ding.RoleLiaison
}

// isProjectOffice: administrators and the project office run teams and imports.
func isProjectOffice(a *ding.Actor) bool {
	return a.System || a.Role == ding.RoleAdmin || a.Role == ding.RoleOffice
}

// canEditProject mirrors the store's rule for showing edit controls: the office edits every
// project it sees; a liaison edits those whose lead unit lies in its scope, which the store
// answers through FindUnitByID.
func (s *Server) canEditProject(ctx context.Context, a *ding.Actor, p *ding.Project) (bool, error) {
	if isProjectOffice(a) {
		return true, nil
	}
	if a.Role != ding.RoleLiaison {
		return false, nil
	}
	if _, err := s.db.FindUnitByID(ctx, p.UnitID); err != nil {
		if ding.ErrorCode(err) == ding.ENOTFOUND {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// thisYear is the registry's current year (store.CurrentYear): this year, or the latest
// year with plans or reports when that is earlier.
func (s *Server) thisYear(ctx context.Context) int { return s.db.CurrentYear(ctx) }

// projectSortCols are the list's sortable columns; numeric ones sort largest first on the
// first click, the way offices read money.
var projectSortCols = []struct {
	Key  string
	Num  bool
	Desc bool // direction of the first click
}{
	{"code", false, false}, {"name", false, false}, {"unit", false, false}, {"stage", false, false},
	{"total_investment", true, true}, {"plan_year", true, true}, {"completed_ytd", true, true}, {"progress_pct", true, true},
}

// parseProjectFilter reads the project list's filter from a URL query (the list page and
// its exports share it): stage (repeated), tier, unit, location, chain, industry,
// manufacturing/high_tech/private ("1" yes, "0" no), leader, year, q, sort, desc ("1"),
// lead_unit, signed_from/to, started_from/to, in_stats_from/to, min_investment, colour.
// Values that make no sense in a hand-made URL are ignored rather than refused.
func parseProjectFilter(q url.Values, thisYear int) ding.ProjectFilter {
	f := ding.ProjectFilter{Year: thisYear, Query: strings.TrimSpace(q.Get("q"))}
	for _, v := range q["stage"] {
		if st := ding.Stage(v); st.Valid() && !slices.Contains(f.Stages, st) {
			f.Stages = append(f.Stages, st)
		}
	}
	if v := q.Get("tier"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && slices.Contains(ding.Tiers, ding.Tier(n)) {
			t := ding.Tier(n)
			f.Tier = &t
		}
	}
	posInt := func(name string) int64 {
		n, err := strconv.ParseInt(q.Get(name), 10, 64)
		if err != nil || n < 0 {
			return 0
		}
		return n
	}
	f.UnitID, f.LocationID, f.LeaderID = posInt("unit"), posInt("location"), posInt("leader")
	f.Chain = strings.TrimSpace(q.Get("chain"))
	if ind := strings.ToUpper(q.Get("industry")); slices.Contains(ding.Industries, ind) {
		f.Industry = ind
	}
	f.Manufacturing, f.HighTech, f.Private = triState(q.Get("manufacturing")), triState(q.Get("high_tech")), triState(q.Get("private"))
	if y, err := strconv.Atoi(q.Get("year")); err == nil && y >= 2000 && y <= 2100 {
		f.Year = y
	}
	// The dashboard's links (page_dashboard.go): lead unit, dated ranges (YYYY-MM-DD),
	// minimum total investment in 万元 like the forms, warning colour.
	f.LeadUnitID = posInt("lead_unit")
	date := func(name string) ding.Date {
		d, err := ding.ParseDate(strings.TrimSpace(q.Get(name)))
		if err != nil {
			return ding.Date{}
		}
		return d
	}
	f.SignedFrom, f.SignedTo = date("signed_from"), date("signed_to")
	f.StartedFrom, f.StartedTo = date("started_from"), date("started_to")
	f.InStatsFrom, f.InStatsTo = date("in_stats_from"), date("in_stats_to")
	if n, err := parseWan("min_investment", q.Get("min_investment")); err == nil {
		f.MinInvestment = n
	}
	if c := q.Get("colour"); c == "red" || c == "yellow" || c == "blue" {
		f.Colour = c
	}
	for _, c := range projectSortCols {
		if c.Key == q.Get("sort") {
			f.Sort, f.Desc = c.Key, q.Get("desc") == "1"
		}
	}
	return f
}

// triState reads a yes/no/any filter: "1" yes, "0" no, anything else any.
func triState(v string) *bool {
	switch v {
	case "1":
		b := true
		return &b
	case "0":
		b := false
		return &b
	}
	return nil
}

// projectRow is a project of the list with its money shown in 万元.
type projectRow struct {
	*ding.Project
	moneyFmt
}

// sortHeader is a sortable column header: its link sorts by the column, or reverses the
// order when the list is already sorted by it.
type sortHeader struct {
	Key, URL string
	Label    string
	Num      bool
	Active   bool
	Desc     bool
}

// tierOption is a tier of the filter with its selection.
type tierOption struct {
	Value    string
	Key      string
	Selected bool
}

// stageOption is a stage of the filter or a select with its selection.
type stageOption struct {
	Stage   ding.Stage
	Checked bool
}

// flagFilter is a tri-state filter of a project flag.
type flagFilter struct {
	Name, Label, Value string
}

// projectsData is what projects.html shows.
type projectsData struct {
	moneyFmt
	F          ding.ProjectFilter
	Rows       []projectRow
	Totals     ding.ProjectTotals
	Pager      pager
	Headers    map[string]sortHeader
	Stages     []stageOption
	Tiers      []tierOption
	Units      []unitOption
	Locations  []unitOption
	Leaders    []*ding.User
	Chains     []string
	Industries []string
	Years      []int
	Flags      []flagFilter
	CanCreate  bool
	CanImport  bool
	MineURL    string // "my projects" of a leader
	Mine       bool   // the list is the leader's own
	ExportURL  string
	Filtered   bool
	From, To   int
	Badges     map[int64]badge // warning colour of each listed project
	Drill      drillFields     // the "more filters" section: the dashboard's drill-down filters
}

// drillFields are the values of the drill-down filters as the form shows them: the
// filters in force (a value the list ignored shows empty), dates as YYYY-MM-DD, the
// minimum investment in 万元 as typed.
type drillFields struct {
	LeadUnitID             int64
	SignedFrom, SignedTo   string
	StartedFrom, StartedTo string
	InStatsFrom, InStatsTo string
	MinInvestment          string
	Colour                 string
	OtherUnit              bool    // the lead unit is not among the unit options (outside the scope)
	Colours                []badge // the colours the filter offers, most severe first
	Set                    int     // how many are set: the section opens when any is
}

// drillFieldsOf is the form's view of the drill-down filters in force.
func drillFieldsOf(lang string, cs ding.ColourScheme, q url.Values, f ding.ProjectFilter) drillFields {
	date := func(d ding.Date) string {
		if d.IsZero() {
			return ""
		}
		return d.String()
	}
	df := drillFields{LeadUnitID: f.LeadUnitID, SignedFrom: date(f.SignedFrom), SignedTo: date(f.SignedTo),
		StartedFrom: date(f.StartedFrom), StartedTo: date(f.StartedTo), InStatsFrom: date(f.InStatsFrom), InStatsTo: date(f.InStatsTo),
		Colour: f.Colour}
	if f.MinInvestment > 0 {
		df.MinInvestment = strings.TrimSpace(q.Get("min_investment"))
	}
	for _, v := range []string{df.SignedFrom, df.SignedTo, df.StartedFrom, df.StartedTo, df.InStatsFrom, df.InStatsTo, df.MinInvestment, df.Colour} {
		if v != "" {
			df.Set++
		}
	}
	if df.LeadUnitID != 0 {
		df.Set++
	}
	for _, c := range []ding.Colour{"red", "yellow", "blue"} { // what parseProjectFilter accepts
		df.Colours = append(df.Colours, colourBadge(lang, cs, c))
	}
	return df
}

// projectsPage lists the projects in the caller's scope: filtered, sorted, paginated, with
// the totals of the whole filtered set.
func (s *Server) projectsPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	a := reqOf(r).actor
	year := s.thisYear(r.Context())
	f := parseProjectFilter(q, year)
	pg := min(pageParam(q), 1_000_000) // a hand-made page number cannot overflow the offset
	f.Limit, f.Offset = projectsPageSize, (pg-1)*projectsPageSize
	ps, tot, err := s.db.FindProjects(ctx, f)
	if err != nil {
		return err
	}
	units, _, err := s.db.FindUnits(ctx, ding.UnitFilter{})
	if err != nil {
		return err
	}
	leaders, _, err := s.db.FindUsers(ctx, ding.UserFilter{Role: ding.RoleLeader})
	if err != nil {
		return err
	}
	chains, err := s.db.Chains(ctx)
	if err != nil {
		return err
	}
	v := s.view(r, "projects")
	v.Title = v.T("projects.title")
	v.Crumbs = []crumb{{Label: v.Title}}
	d := &projectsData{F: f, Totals: tot, Pager: newPager(r, tot.Count, pg, projectsPageSize),
		Units: unitOptions(units), Locations: unitOptions(placeUnits(units)), Leaders: leaders, Chains: chains,
		Industries: ding.Industries, CanCreate: canCreateProject(a), CanImport: isProjectOffice(a)}
	cs, err := s.db.Colours(ctx)
	if err != nil {
		return err
	}
	d.Drill = drillFieldsOf(v.Lang, cs, q, f)
	d.Drill.OtherUnit = f.LeadUnitID != 0 && !slices.ContainsFunc(d.Units, func(o unitOption) bool { return o.ID == f.LeadUnitID })
	ids := make([]int64, 0, len(ps))
	for _, p := range ps {
		d.Rows = append(d.Rows, projectRow{Project: p})
		ids = append(ids, p.ID)
	}
	if d.Badges, err = s.projectBadges(r.Context(), v.Lang, ids); err != nil {
		return err
	}
	if len(ps) > 0 {
		d.From, d.To = f.Offset+1, f.Offset+len(ps)
	}
	for _, st := range ding.AllStages {
		d.Stages = append(d.Stages, stageOption{Stage: st, Checked: slices.Contains(f.Stages, st)})
	}
	for _, t := range ding.Tiers {
		val := strconv.Itoa(int(t))
		d.Tiers = append(d.Tiers, tierOption{Value: val, Key: "tier." + val, Selected: f.Tier != nil && *f.Tier == t})
	}
	for y := year + 1; y >= year-5; y-- {
		d.Years = append(d.Years, y)
	}
	if !slices.Contains(d.Years, f.Year) {
		d.Years = append(d.Years, f.Year)
	}
	d.Flags = []flagFilter{
		{"manufacturing", "projects.flag_manufacturing", q.Get("manufacturing")},
		{"high_tech", "projects.flag_high_tech", q.Get("high_tech")},
		{"private", "projects.flag_private", q.Get("private")},
	}
	if a.Role == ding.RoleLeader {
		d.MineURL = "/projects?leader=" + itoa(a.UserID)
		d.Mine = f.LeaderID == a.UserID
	}
	base := r.URL.Query()
	base.Del("page")
	base.Del("flash")
	d.Filtered = len(base) > 0
	d.ExportURL = "/projects/export.xlsx"
	if enc := base.Encode(); enc != "" {
		d.ExportURL += "?" + enc
	}
	d.Headers = map[string]sortHeader{}
	for _, c := range projectSortCols {
		h := sortHeader{Key: c.Key, Num: c.Num, Label: v.T("projects.col." + c.Key)}
		if c.Key == "plan_year" || c.Key == "completed_ytd" {
			h.Label = v.T("projects.col."+c.Key, f.Year)
		}
		// With no sort asked, the store orders by total investment, largest first.
		h.Active = f.Sort == c.Key || (f.Sort == "" && c.Key == "total_investment")
		h.Desc = f.Desc || (f.Sort == "" && h.Active)
		desc := c.Desc
		if h.Active {
			desc = !h.Desc
		}
		hq := url.Values{}
		for k, vals := range base {
			hq[k] = vals
		}
		hq.Set("sort", c.Key)
		if desc {
			hq.Set("desc", "1")
		} else {
			hq.Del("desc")
		}
		h.URL = "/projects?" + hq.Encode()
		d.Headers[c.Key] = h
	}
	v.Data = d
	s.render(w, r, "projects", v)
	return nil
}

// placeUnits keeps the towns and parks: the places a project can be built.
func placeUnits(units []*ding.Unit) []*ding.Unit {
	var out []*ding.Unit
	for _, u := range units {
		if u.Kind == ding.UnitTown || u.Kind == ding.UnitPark {
			out = append(out, u)
		}
	}
	return out
}

// projectFormData is what project_form.html shows.
type projectFormData struct {
	moneyFmt
	P          *ding.Project // nil for a new project
	Units      []unitOption
	Locations  []unitOption
	Leaders    []*ding.User
	Chains     []string
	Natures    []ding.Nature
	Investors  []ding.Investor
	Industries []string
	Stages     []ding.Stage
	CanAssign  bool   // may choose the lead unit and the leader (the office; anyone creating)
	TierKey    string // the tier the typed total investment gives; "" when it cannot be read
	Stale      bool   // the save was refused because someone else saved first
}

// projectFormValues fills the form from a stored project.
func projectFormValues(p *ding.Project) url.Values {
	b := func(x bool) string {
		if x {
			return "1"
		}
		return ""
	}
	id := func(n int64) string {
		if n == 0 {
			return ""
		}
		return itoa(n)
	}
	land := ""
	if p.LandMu != 0 {
		land = strconv.FormatFloat(p.LandMu, 'f', -1, 64)
	}
	return url.Values{
		"code": {p.Code}, "name": {p.Name}, "short_name": {p.ShortName}, "owner_name": {p.OwnerName}, "owner_code": {p.OwnerCode},
		"unit_id": {id(p.UnitID)}, "location_id": {id(p.LocationID)}, "leader_id": {id(p.LeaderID)},
		"nature": {string(p.Nature)}, "investor": {string(p.Investor)}, "industry": {p.Industry}, "chain": {p.Chain},
		"manufacturing": {b(p.Manufacturing)}, "high_tech": {b(p.HighTech)}, "private": {b(p.Private)},
		"total_investment": {wanInput(p.TotalInvestment)}, "land_mu": {land}, "content": {p.Content},
		"expected_output": {wanInput(p.ExpectedOutput)}, "expected_tax": {wanInput(p.ExpectedTax)},
		"planned_start": {p.PlannedStart.String()}, "planned_end": {p.PlannedEnd.String()},
		"actual_start": {p.ActualStart.String()}, "actual_end": {p.ActualEnd.String()},
		"signed_on": {p.SignedOn.String()}, "agreement_type": {p.AgreementType},
		"in_stats": {b(p.InStats)}, "in_stats_on": {p.InStatsOn.String()},
		"version": {strconv.Itoa(p.Version)},
	}
}

// formErrors collects the problems of a posted form, one per field, so that every field
// that cannot be read says so at once.
type formErrors []*ding.Error

func (fe *formErrors) add(err error) {
	if err != nil {
		*fe = append(*fe, ding.AsError(err))
	}
}

// show puts every error under its field and the first as the form's message.
func (fe formErrors) show(v *view) {
	for i := len(fe) - 1; i >= 0; i-- {
		v.withFormError(fe[i])
	}
}

// formDate reads an optional date field.
func formDate(form url.Values, name string, fe *formErrors) ding.Date {
	s := strings.TrimSpace(form.Get(name))
	if s == "" {
		return ding.Date{}
	}
	d, err := ding.ParseDate(s)
	if err != nil {
		fe.add(ding.FieldError(name, "pform.date_invalid", s))
	}
	return d
}

// formID reads an optional id field (a select).
func formID(form url.Values, name string, fe *formErrors) int64 {
	s := strings.TrimSpace(form.Get(name))
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		fe.add(ding.FieldError(name, "err.bad_param", name))
	}
	return n
}

// projectFromForm reads a project's facts from the posted form; money is typed in 万元.
func projectFromForm(form url.Values) (*ding.Project, formErrors) {
	var fe formErrors
	p := &ding.Project{
		Code: form.Get("code"), Name: form.Get("name"), ShortName: form.Get("short_name"),
		OwnerName: form.Get("owner_name"), OwnerCode: form.Get("owner_code"),
		Nature: ding.Nature(form.Get("nature")), Investor: ding.Investor(form.Get("investor")),
		Industry: form.Get("industry"), Chain: form.Get("chain"),
		Manufacturing: form.Get("manufacturing") == "1", HighTech: form.Get("high_tech") == "1", Private: form.Get("private") == "1",
		Content: form.Get("content"), AgreementType: form.Get("agreement_type"), InStats: form.Get("in_stats") == "1",
		Stage: ding.Stage(form.Get("stage")),
	}
	p.UnitID = formID(form, "unit_id", &fe)
	p.LocationID = formID(form, "location_id", &fe)
	p.LeaderID = formID(form, "leader_id", &fe)
	var err error
	for _, m := range []struct {
		name string
		dst  *int64
	}{{"total_investment", &p.TotalInvestment}, {"expected_output", &p.ExpectedOutput}, {"expected_tax", &p.ExpectedTax}} {
		*m.dst, err = parseWan(m.name, form.Get(m.name))
		fe.add(err)
	}
	if s := strings.TrimSpace(form.Get("land_mu")); s != "" {
		mu, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
		switch {
		case err != nil:
			fe.add(ding.FieldError("land_mu", "pform.number_invalid", s))
		case mu < 0:
			fe.add(ding.FieldError("land_mu", "pform.land_negative"))
		default:
			p.LandMu = mu
		}
	}
	p.PlannedStart = formDate(form, "planned_start", &fe)
	p.PlannedEnd = formDate(form, "planned_end", &fe)
	p.ActualStart = formDate(form, "actual_start", &fe)
	p.ActualEnd = formDate(form, "actual_end", &fe)
	p.SignedOn = formDate(form, "signed_on", &fe)
	p.InStatsOn = formDate(form, "in_stats_on", &fe)
	p.StageOn = formDate(form, "stage_on", &fe)
	if p.Stage == ding.StageDropped {
		// A project is dropped through a transition, with its reason, never created so.
		fe.add(ding.FieldError("stage", "project.stage_invalid"))
	}
	if p.InStats && p.InStatsOn.IsZero() {
		fe.add(ding.FieldError("in_stats_on", "pform.in_stats_date_required"))
	}
	if len(fe) > 0 {
		// The store will not be asked, so check the other fields here too, so that the
		// user sees their first problem now rather than after fixing these.
		q := *p
		q.Normalize()
		if err := q.Validate(); err != nil && !slices.ContainsFunc(fe, func(e *ding.Error) bool { return e.Field == ding.AsError(err).Field }) {
			fe.add(err)
		}
	}
	return p, fe
}

// isFormError tells errors the user can fix in a form from those that end the request.
func isFormError(err error) bool {
	c := ding.ErrorCode(err)
	return c == ding.EINVALID || c == ding.ECONFLICT
}

func (s *Server) projectNewPage(w http.ResponseWriter, r *http.Request) error {
	if !canCreateProject(reqOf(r).actor) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	v := s.view(r, "projects")
	v.Form = url.Values{"stage": {string(ding.StagePlanning)}}
	return s.renderProjectForm(w, r, v, nil, http.StatusOK, false)
}

func (s *Server) projectCreate(w http.ResponseWriter, r *http.Request) error {
	if !canCreateProject(reqOf(r).actor) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	p, fe := projectFromForm(r.PostForm)
	if len(fe) == 0 {
		if err := s.db.CreateProject(r.Context(), p); err != nil {
			if !isFormError(err) {
				return err
			}
			fe.add(err)
		}
	}
	if len(fe) > 0 {
		v := s.view(r, "projects")
		v.Form = r.PostForm
		fe.show(v)
		return s.renderProjectForm(w, r, v, nil, statusOf(fe[0].Code), false)
	}
	return redirect(w, r, "/projects/"+itoa(p.ID), "project_created")
}

// renderProjectForm shows the create form (p nil) or the edit form of p with v.Form.
func (s *Server) renderProjectForm(w http.ResponseWriter, r *http.Request, v *view, p *ding.Project, status int, stale bool) error {
	ctx := r.Context()
	a := reqOf(r).actor
	units, _, err := s.db.FindUnits(ctx, ding.UnitFilter{})
	if err != nil {
		return err
	}
	leaders, _, err := s.db.FindUsers(ctx, ding.UserFilter{Role: ding.RoleLeader})
	if err != nil {
		return err
	}
	chains, err := s.db.Chains(ctx)
	if err != nil {
		return err
	}
	d := &projectFormData{P: p, Units: unitOptions(units), Locations: unitOptions(placeUnits(units)), Leaders: leaders,
		Chains: chains, Natures: ding.Natures, Investors: ding.Investors, Industries: ding.Industries, Stages: ding.Stages,
		CanAssign: p == nil || isProjectOffice(a), Stale: stale}
	if p != nil {
		// Keep the stored unit, place and leader selectable even when they lie outside the
		// caller's scope, so that saving the facts does not silently clear them.
		if p.LocationID != 0 && !slices.ContainsFunc(d.Locations, func(o unitOption) bool { return o.ID == p.LocationID }) {
			d.Locations = append([]unitOption{{ID: p.LocationID, Label: p.LocationName}}, d.Locations...)
		}
		if p.UnitID != 0 && !slices.ContainsFunc(d.Units, func(o unitOption) bool { return o.ID == p.UnitID }) {
			d.Units = append([]unitOption{{ID: p.UnitID, Label: p.UnitName}}, d.Units...)
		}
		if p.LeaderID != 0 && !slices.ContainsFunc(d.Leaders, func(u *ding.User) bool { return u.ID == p.LeaderID }) {
			d.Leaders = append([]*ding.User{{ID: p.LeaderID, DisplayName: p.LeaderName}}, d.Leaders...)
		}
		if p.Chain != "" && len(chains) > 0 && !slices.Contains(chains, p.Chain) {
			d.Chains = append([]string{p.Chain}, chains...)
		}
	}
	if total, err := parseWan("total_investment", v.FormValue("total_investment")); err == nil {
		d.TierKey = "tier." + strconv.Itoa(int(ding.TierOf(total)))
	}
	v.Data = d
	if p == nil {
		v.Title = v.T("pform.new_title")
		v.Crumbs = []crumb{{Label: v.T("projects.title"), URL: "/projects"}, {Label: v.Title}}
	} else {
		v.Title = v.T("pform.edit_title", p.Name)
		v.Crumbs = []crumb{{Label: v.T("projects.title"), URL: "/projects"}, {Label: p.Name, URL: "/projects/" + itoa(p.ID)}, {Label: v.T("pform.edit")}}
	}
	s.renderStatus(w, r, status, "project_form", v)
	return nil
}

// editableProject loads a project for an edit: 404 outside the caller's scope, 403 when the
// caller may not edit it.
func (s *Server) editableProject(r *http.Request) (*ding.Project, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	p, err := s.db.FindProjectByID(r.Context(), id)
	if err != nil {
		return nil, err
	}
	ok, err := s.canEditProject(r.Context(), reqOf(r).actor, p)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	return p, nil
}

func (s *Server) projectEditPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.editableProject(r)
	if err != nil {
		return err
	}
	v := s.view(r, "projects")
	v.Form = projectFormValues(p)
	return s.renderProjectForm(w, r, v, p, http.StatusOK, false)
}

func (s *Server) projectUpdate(w http.ResponseWriter, r *http.Request) error {
	before, err := s.editableProject(r)
	if err != nil {
		return err
	}
	p, fe := projectFromForm(r.PostForm)
	p.ID = before.ID
	if !isProjectOffice(reqOf(r).actor) {
		// Only the office reassigns the team; the others' form shows them read-only.
		p.UnitID, p.LeaderID = before.UnitID, before.LeaderID
	}
	ver, err := strconv.Atoi(r.PostFormValue("version"))
	if err != nil {
		// A form without its version cannot prove it saw the latest facts.
		fe.add(ding.Errorf(ding.ECONFLICT, "project.stale", before.UpdatedAt.In(ding.Shanghai).Format("2006-01-02 15:04")))
	}
	p.Version = ver
	if len(fe) == 0 {
		if err := s.db.UpdateProject(r.Context(), p); err != nil {
			if !isFormError(err) {
				return err
			}
			fe.add(err)
		}
	}
	if len(fe) > 0 {
		v := s.view(r, "projects")
		v.Form = r.PostForm
		fe.show(v)
		stale := slices.ContainsFunc(fe, func(e *ding.Error) bool { return e.Key == "project.stale" })
		return s.renderProjectForm(w, r, v, before, statusOf(fe[0].Code), stale)
	}
	return redirect(w, r, "/projects/"+itoa(p.ID), "project_saved")
}

// milestoneRow is a milestone with whether it is overdue (planned date passed, no actual).
type milestoneRow struct {
	*ding.Milestone
	Overdue bool
}

// projectData is what project.html shows.
type projectData struct {
	moneyFmt
	Badge       badge // the project's warning colour
	P           *ding.Project
	Year        int
	Team        []*ding.TeamMember
	Milestones  []milestoneRow
	History     []*ding.StageChange
	Reports     []*ding.ProgressReport
	ReportTotal int
	CanEdit     bool // facts, stage, milestones
	CanTeam     bool // cooperating units
	CanAudit    bool
	Targets     []ding.Stage // stages the project may be moved to
	JoinUnits   []unitOption // units that may join the team
	Today       string
	ChartURL    string
	Posted      string // the form that failed: "stage", "tm<unit>", "tmnew", "ms<id>", "msnew"
	form        url.Values
	NatureKey   string
	InvestorKey string
	IndustryKey string
	Items       *projectItemsData // open demands and action items (page_items.go)
}

// Val is a field of the form named by posted: what the user typed when that form failed,
// else def (the stored value).
func (d *projectData) Val(posted, field, def string) string {
	if d.Posted == posted && d.form != nil {
		return d.form.Get(field)
	}
	return def
}

func (s *Server) projectPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v := s.view(r, "projects")
	return s.renderProject(w, r, v, id, http.StatusOK)
}

// renderProject shows a project's page; a failed form put its values and errors on v.
func (s *Server) renderProject(w http.ResponseWriter, r *http.Request, v *view, id int64, status int) error {
	ctx := r.Context()
	a := reqOf(r).actor
	p, err := s.db.FindProjectByID(ctx, id)
	if err != nil {
		return err
	}
	team, err := s.db.FindTeam(ctx, id)
	if err != nil {
		return err
	}
	ms, err := s.db.FindMilestones(ctx, id)
	if err != nil {
		return err
	}
	hist, err := s.db.StageHistory(ctx, id)
	if err != nil {
		return err
	}
	reports, nrep, err := s.db.FindReports(ctx, store.ReportFilter{ProjectID: id, CurrentOnly: true, Limit: projectReportsShown})
	if err != nil {
		return err
	}
	canEdit, err := s.canEditProject(ctx, a, p)
	if err != nil {
		return err
	}
	today := ding.Today(s.db.Now())
	d := &projectData{P: p, Year: s.thisYear(r.Context()), Team: team, History: hist, Reports: reports, ReportTotal: nrep,
		CanEdit: canEdit, CanTeam: isProjectOffice(a), CanAudit: a.IsAdmin(), Today: today.String(),
		Posted: v.FormValue("_posted"), form: v.Form}
	d.ChartURL = "/projects/" + itoa(id) + "/chart.svg?year=" + strconv.Itoa(d.Year)
	if d.Badge, err = s.projectBadge(r.Context(), v.Lang, p.ID); err != nil {
		return err
	}
	if d.Items, err = s.projectItems(ctx, v.Lang, p.ID); err != nil {
		return err
	}
	if p.Nature != "" {
		d.NatureKey = "nature." + string(p.Nature)
	}
	if p.Investor != "" {
		d.InvestorKey = "investor." + string(p.Investor)
	}
	if p.Industry != "" {
		d.IndustryKey = "industry." + p.Industry
	}
	for _, m := range ms {
		d.Milestones = append(d.Milestones, milestoneRow{Milestone: m,
			Overdue: !m.PlannedOn.IsZero() && m.ActualOn.IsZero() && m.PlannedOn.Before(today)})
	}
	if canEdit {
		for _, st := range ding.AllStages {
			if st != p.Stage {
				d.Targets = append(d.Targets, st)
			}
		}
	}
	if d.CanTeam {
		units, _, err := s.db.FindUnits(ctx, ding.UnitFilter{})
		if err != nil {
			return err
		}
		in := map[int64]bool{}
		for _, m := range team {
			in[m.UnitID] = true
		}
		for _, o := range unitOptions(units) {
			if !in[o.ID] {
				d.JoinUnits = append(d.JoinUnits, o)
			}
		}
	}
	v.Title = p.Name
	v.Crumbs = []crumb{{Label: v.T("projects.title"), URL: "/projects"}, {Label: p.Name}}
	v.Data = d
	s.renderStatus(w, r, status, "project", v)
	return nil
}

// projectFormFailed answers a failed form of the project page: fixable errors show the page
// again with the typed values and the message under the field (renamed with the form's
// prefix, so that the page's several forms keep their messages apart); anything else (not
// found, forbidden, internal) ends the request.
func (s *Server) projectFormFailed(w http.ResponseWriter, r *http.Request, id int64, posted string, err error) error {
	if !isFormError(err) {
		return err
	}
	e := *ding.AsError(err)
	if e.Field != "" && posted != "stage" {
		e.Field = posted + "_" + e.Field
	}
	v := s.view(r, "projects")
	v.Form = url.Values{}
	for k, vals := range r.PostForm {
		if k != csrfField {
			v.Form[k] = vals
		}
	}
	v.Form.Set("_posted", posted)
	v.withFormError(&e)
	return s.renderProject(w, r, v, id, statusOf(e.Code))
}

// projectStage moves a project to another stage: target, date and reason.
func (s *Server) projectStage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.editableProject(r)
	if err != nil {
		return err
	}
	var fe formErrors
	on := formDate(r.PostForm, "on", &fe)
	if len(fe) == 0 {
		_, err = s.db.TransitionProject(r.Context(), p.ID, ding.Stage(r.PostFormValue("stage")), on, r.PostFormValue("reason"))
	} else {
		err = fe[0]
	}
	if err != nil {
		return s.projectFormFailed(w, r, p.ID, "stage", err)
	}
	return redirect(w, r, "/projects/"+itoa(p.ID), "project_stage")
}

// teamProject loads a project whose team the caller may change: 404 outside scope, 403 for
// anyone but the office.
func (s *Server) teamProject(r *http.Request) (*ding.Project, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	p, err := s.db.FindProjectByID(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !isProjectOffice(reqOf(r).actor) {
		return nil, ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	return p, nil
}

// projectTeamSave adds a cooperating unit, or changes a member's contact and duty.
func (s *Server) projectTeamSave(w http.ResponseWriter, r *http.Request) error {
	p, err := s.teamProject(r)
	if err != nil {
		return err
	}
	posted := "tmnew"
	var fe formErrors
	m := &ding.TeamMember{ProjectID: p.ID, UnitID: formID(r.PostForm, "unit_id", &fe),
		ContactName: r.PostFormValue("contact_name"), ContactPhone: r.PostFormValue("contact_phone"), Duty: r.PostFormValue("duty")}
	if len(fe) == 0 {
		err = s.db.SaveTeamMember(r.Context(), m)
	} else {
		err = fe[0]
	}
	if err != nil {
		// Messages go next to the member's own row, or to the form that adds a unit.
		if team, terr := s.db.FindTeam(r.Context(), p.ID); terr == nil &&
			slices.ContainsFunc(team, func(x *ding.TeamMember) bool { return x.UnitID == m.UnitID }) {
			posted = "tm" + itoa(m.UnitID)
		}
		return s.projectFormFailed(w, r, p.ID, posted, err)
	}
	return redirect(w, r, "/projects/"+itoa(p.ID)+"#team", "project_team")
}

// projectTeamRemove takes a cooperating unit off the team.
func (s *Server) projectTeamRemove(w http.ResponseWriter, r *http.Request) error {
	p, err := s.teamProject(r)
	if err != nil {
		return err
	}
	unitID, err := strconv.ParseInt(r.PathValue("unit"), 10, 64)
	if err != nil || unitID <= 0 {
		return ding.Errorf(ding.ENOTFOUND, "err.page_not_found")
	}
	if err := s.db.RemoveTeamMember(r.Context(), p.ID, unitID); err != nil {
		return err
	}
	return redirect(w, r, "/projects/"+itoa(p.ID)+"#team", "project_team_removed")
}

// projectMilestoneSave changes a milestone's name and dates (milestone_id set) or adds one.
func (s *Server) projectMilestoneSave(w http.ResponseWriter, r *http.Request) error {
	p, err := s.editableProject(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	var fe formErrors
	msID := formID(r.PostForm, "milestone_id", &fe)
	posted := "msnew"
	m := &ding.Milestone{ProjectID: p.ID}
	if msID != 0 {
		posted = "ms" + itoa(msID)
		ms, err := s.db.FindMilestones(ctx, p.ID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(ms, func(x *ding.Milestone) bool { return x.ID == msID })
		if i < 0 {
			return ding.Errorf(ding.ENOTFOUND, "err.not_found", "milestone")
		}
		m = ms[i]
	} else {
		ms, err := s.db.FindMilestones(ctx, p.ID)
		if err != nil {
			return err
		}
		for _, x := range ms {
			m.SortOrder = max(m.SortOrder, x.SortOrder+10)
		}
	}
	m.Name = r.PostFormValue("name")
	m.PlannedOn = formDate(r.PostForm, "planned_on", &fe)
	m.ActualOn = formDate(r.PostForm, "actual_on", &fe)
	if len(fe) == 0 {
		err = s.db.SaveMilestone(ctx, m)
	} else {
		err = fe[0]
	}
	if err != nil {
		return s.projectFormFailed(w, r, p.ID, posted, err)
	}
	return redirect(w, r, "/projects/"+itoa(p.ID)+"#milestones", "project_milestone")
}

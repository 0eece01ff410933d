package web

// The 擂台赛 pages (ding/contest.go, store/contests.go): the rounds the caller can see; the
// office's form to define a round (criteria adding up to 100 points, judges); one round
// with its status actions, the ranking by the judges' average, the form that submits a
// planned project while the round is open, the judges' scoring forms while it is judged,
// each judge's marks for the office and the judges, the move of a winner into the
// registry, and the ranking as an Excel workbook.

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"ding"
	"ding/i18n"
	"ding/store"
	"ding/xlsx"
)

// contestCriteriaRows bounds the criterion rows one form may carry (the domain allows 20).
const contestCriteriaRows = 20

// contestDefaultCriteria are the criteria a new round starts with (points).
var contestDefaultCriteria = []contestCritRow{
	{Name: "投资规模", Points: "30"}, {Name: "产业契合度", Points: "25"}, {Name: "项目成熟度", Points: "25"}, {Name: "带动效应", Points: "20"},
}

// contestStatuses are the statuses in the order of a round's life.
var contestStatuses = []string{ding.ContestOpen, ding.ContestJudging, ding.ContestClosed}

// contestFormFields are the round form's fields, in the order they are shown.
var contestFormFields = []string{"name", "organizer_id", "deadline", "winners", "criteria", "judge_ids", "note"}

// contestEntryFields are the entry form's fields, in the order they are shown.
var contestEntryFields = []string{"unit_id", "name", "investment", "industry", "chain", "content", "maturity"}

func (s *Server) contestPageRoutes() {
	s.handle("GET /contests", s.page(s.contestsPage, true))
	s.handle("GET /contests/new", s.page(s.contestNewPage, true))
	s.handle("POST /contests", s.page(s.contestCreate, true))
	s.handle("GET /contests/{id}", s.page(s.contestPage, true))
	s.handle("GET /contests/{id}/edit", s.page(s.contestEditPage, true))
	s.handle("POST /contests/{id}/edit", s.page(s.contestUpdate, true))
	s.handle("POST /contests/{id}/status", s.page(s.contestStatus, true))
	s.handle("GET /contests/{id}/export.xlsx", s.page(s.contestExport, true))
	s.handle("POST /contests/{id}/entries", s.page(s.contestSubmitEntry, true))
	s.handle("POST /contests/{id}/entries/{eid}/score", s.page(s.contestScore, true))
	s.handle("POST /contests/{id}/entries/{eid}/promote", s.page(s.contestPromote, true))
}

// contestStatusClass is the tag of a status (classes of contests.css).
func contestStatusClass(status string) string { return "tag ct-st-" + status }

// contestIsJudge reports whether the user is one of the round's judges.
func contestIsJudge(c *ding.Contest, a *ding.Actor) bool {
	return a != nil && a.UserID != 0 && slices.Contains(c.JudgeIDs, a.UserID)
}

// canRunContest mirrors the store's rule for the organizer's office: the office (or an
// administrator) whose scope holds the organizer.
func (s *Server) canRunContest(ctx context.Context, a *ding.Actor, c *ding.Contest) (bool, error) {
	if !isOffice(a) {
		return false, nil
	}
	return s.unitCovers(ctx, a, c.OrganizerID)
}

// contestFormError puts the store's words on the forms: the criteria's sum in the words
// of the 擂台赛.
func contestFormError(err error) *ding.Error {
	e := ding.AsError(err)
	if e.Key == "scheme.weights_sum" {
		c := *e
		c.Key, c.Field = "contestui.criteria_sum", "criteria"
		return &c
	}
	return e
}

// --- The list ---

// contestRow is a round of the list.
type contestRow struct {
	*ding.Contest
	StatusName, StatusClass string
	WinnerNames             []string // a closed round's winning entries
	IsJudge                 bool
}

// contestsData is what contests.html shows.
type contestsData struct {
	Rows      []contestRow
	Status    string
	Statuses  []commitOption
	Counts    map[string]int
	All       int
	CanCreate bool
}

// contestsPage lists the rounds the caller may see, latest deadline first.
func (s *Server) contestsPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := reqOf(r).actor
	v := s.view(r, "contests")
	all, err := s.db.FindContests(ctx, store.ContestFilter{})
	if err != nil {
		return err
	}
	d := &contestsData{CanCreate: isOffice(a), Counts: map[string]int{}, All: len(all)}
	if st := r.URL.Query().Get("status"); slices.Contains(contestStatuses, st) {
		d.Status = st
	}
	for _, st := range contestStatuses {
		d.Statuses = append(d.Statuses, commitOption{st, v.T("contest.status." + st)})
	}
	for _, c := range all {
		d.Counts[c.Status]++
		if d.Status != "" && c.Status != d.Status {
			continue
		}
		row := contestRow{Contest: c, StatusName: v.T("contest.status." + c.Status), StatusClass: contestStatusClass(c.Status), IsJudge: contestIsJudge(c, a)}
		if c.Status == ding.ContestClosed && c.Entries > 0 {
			es, err := s.db.FindEntries(ctx, c.ID)
			if err != nil {
				return err
			}
			for _, e := range es {
				if e.Winner {
					row.WinnerNames = append(row.WinnerNames, e.Name)
				}
			}
		}
		d.Rows = append(d.Rows, row)
	}
	v.Title = v.T("contestui.title")
	v.Crumbs = []crumb{{Label: v.Title}}
	v.Data = d
	s.render(w, r, "contests", v)
	return nil
}

// --- The round form ---

// contestCritRow is a criterion row of the form, as typed.
type contestCritRow struct {
	Name, Points string
}

// contestJudgeGroup is an optgroup of the judges' select.
type contestJudgeGroup struct {
	Label string
	Users []commitOption
}

// contestFormData is what contest_form.html shows besides the typed values (v.Form).
type contestFormData struct {
	C          *ding.Contest // nil: a new round
	Organizers []unitOption
	Judges     []contestJudgeGroup
	Criteria   []contestCritRow
	Total      string // what the typed criteria add up to, in points
	TotalOK    bool
	MaxRows    int
	Stale      bool
	judges     map[string]bool
}

// JudgeSelected says whether a user is among the typed judges.
func (d *contestFormData) JudgeSelected(id string) bool { return d.judges[id] }

// contestFormValues are a round's facts as the form's fields.
func contestFormValues(c *ding.Contest) url.Values {
	f := url.Values{"name": {c.Name}, "organizer_id": {itoa(c.OrganizerID)}, "deadline": {c.Deadline.String()},
		"winners": {strconv.Itoa(c.Winners)}, "note": {c.Note}, "version": {strconv.Itoa(c.Version)}}
	for _, k := range c.Criteria {
		f.Add("criterion_name", k.Name)
		f.Add("criterion_points", ding.Points(k.Weight))
	}
	for _, j := range c.JudgeIDs {
		f.Add("judge_ids", itoa(j))
	}
	return f
}

// contestCritRows reads the criterion rows of a form: criterion_name and criterion_points
// in pairs, in order; a row left blank is skipped.
func contestCritRows(form url.Values) []contestCritRow {
	names, pts := form["criterion_name"], form["criterion_points"]
	var rows []contestCritRow
	for i := range min(max(len(names), len(pts)), 4*contestCriteriaRows) {
		var row contestCritRow
		if i < len(names) {
			row.Name = strings.TrimSpace(names[i])
		}
		if i < len(pts) {
			row.Points = strings.TrimSpace(pts[i])
		}
		if row.Name != "" || row.Points != "" {
			rows = append(rows, row)
		}
	}
	return rows
}

// contestFromForm reads a round from the posted form; points are typed as points ("30",
// "12.5") and kept as centi-points.
func contestFromForm(form url.Values) (*ding.Contest, formErrors) {
	var fe formErrors
	c := &ding.Contest{Name: form.Get("name"), Note: form.Get("note"), Criteria: []ding.Criterion{}, JudgeIDs: []int64{}}
	c.OrganizerID = formID(form, "organizer_id", &fe)
	c.Deadline = formDate(form, "deadline", &fe)
	if w := strings.TrimSpace(form.Get("winners")); w != "" {
		n, err := strconv.Atoi(w)
		if err != nil {
			fe.add(ding.FieldError("winners", "contest.winners_invalid"))
		}
		c.Winners = n
	}
	for i, row := range contestCritRows(form) {
		var w int64
		switch p, err := ding.ParsePoints(row.Points); {
		case row.Points == "":
			fe.add(ding.FieldError("criteria", "contestui.criterion_points_required", i+1))
		case err != nil || p <= 0:
			fe.add(ding.FieldError("criteria", "contestui.criterion_points_invalid", i+1, row.Points))
		default:
			w = p
		}
		c.Criteria = append(c.Criteria, ding.Criterion{Name: row.Name, Weight: w})
	}
	for _, s := range form["judge_ids"] {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			fe.add(ding.FieldError("judge_ids", "err.bad_param", "judge_ids"))
			continue
		}
		c.JudgeIDs = append(c.JudgeIDs, n)
	}
	if len(fe) > 0 {
		// The store will not be asked: check the rest too, so that every problem shows now.
		q := *c
		q.Criteria = slices.Clone(c.Criteria)
		for i := range q.Criteria {
			if q.Criteria[i].Weight == 0 {
				q.Criteria[i].Weight = 1 // already reported; do not report it again as the sum
			}
		}
		if err := q.Validate(); err != nil && !slices.ContainsFunc(fe, func(e *ding.Error) bool { return e.Field == ding.AsError(err).Field }) {
			fe = append(fe, contestFormError(err))
		}
		slices.SortStableFunc(fe, func(a, b *ding.Error) int {
			return slices.Index(contestFormFields, a.Field) - slices.Index(contestFormFields, b.Field)
		})
	}
	return c, fe
}

func (s *Server) contestNewPage(w http.ResponseWriter, r *http.Request) error {
	a := reqOf(r).actor
	if !isOffice(a) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	v := s.view(r, "contests")
	v.Form = url.Values{"organizer_id": {itoa(a.UnitID)}, "winners": {"3"}}
	for _, k := range contestDefaultCriteria {
		v.Form.Add("criterion_name", k.Name)
		v.Form.Add("criterion_points", k.Points)
	}
	return s.renderContestForm(w, r, v, nil, http.StatusOK, false)
}

func (s *Server) contestCreate(w http.ResponseWriter, r *http.Request) error {
	if !isOffice(reqOf(r).actor) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	c, fe := contestFromForm(r.PostForm)
	if len(fe) == 0 {
		if err := s.db.CreateContest(r.Context(), c); err != nil {
			if !isFormError(err) {
				return err
			}
			fe = append(fe, contestFormError(err))
		}
	}
	if len(fe) > 0 {
		v := s.view(r, "contests")
		v.Form = r.PostForm
		fe.show(v)
		return s.renderContestForm(w, r, v, nil, statusOf(fe[0].Code), false)
	}
	return redirect(w, r, "/contests/"+itoa(c.ID), "contestui_created")
}

// renderContestForm shows the form to define a round (c nil) or to change c.
func (s *Server) renderContestForm(w http.ResponseWriter, r *http.Request, v *view, c *ding.Contest, status int, stale bool) error {
	ctx := r.Context()
	units, _, err := s.db.FindUnits(ctx, ding.UnitFilter{})
	if err != nil {
		return err
	}
	users, _, err := s.db.FindUsers(ctx, ding.UserFilter{})
	if err != nil {
		return err
	}
	d := &contestFormData{C: c, Organizers: unitOptions(units), Criteria: contestCritRows(v.Form), MaxRows: contestCriteriaRows, Stale: stale,
		judges: map[string]bool{}}
	for _, j := range v.Form["judge_ids"] {
		d.judges[strings.TrimSpace(j)] = true
	}
	// Judges: leaders and the office first, the way rounds are usually judged.
	groups := []struct {
		label string
		roles []ding.Role
	}{
		{v.T("contestui.form.judges_leaders"), []ding.Role{ding.RoleLeader}},
		{v.T("contestui.form.judges_office"), []ding.Role{ding.RoleOffice, ding.RoleAdmin}},
		{v.T("contestui.form.judges_others"), []ding.Role{ding.RoleLiaison, ding.RoleViewer}},
	}
	seen := map[int64]bool{}
	for _, g := range groups {
		grp := contestJudgeGroup{Label: g.label}
		for _, u := range users {
			if slices.Contains(g.roles, u.Role) && !seen[u.ID] {
				seen[u.ID] = true
				label := u.DisplayName
				if u.UnitName != "" {
					label += "（" + u.UnitName + "）"
				}
				grp.Users = append(grp.Users, commitOption{itoa(u.ID), label})
			}
		}
		if len(grp.Users) > 0 {
			d.Judges = append(d.Judges, grp)
		}
	}
	if c != nil {
		// Keep the stored organizer and judges selectable even when they are outside the
		// caller's lists, so that saving the other facts does not silently drop them.
		if !slices.ContainsFunc(d.Organizers, func(o unitOption) bool { return o.ID == c.OrganizerID }) {
			d.Organizers = append([]unitOption{{ID: c.OrganizerID, Label: c.OrganizerName}}, d.Organizers...)
		}
		var missing []commitOption
		for i, j := range c.JudgeIDs {
			if !seen[j] {
				missing = append(missing, commitOption{itoa(j), c.JudgeNames[i]})
			}
		}
		if len(missing) > 0 {
			d.Judges = append(d.Judges, contestJudgeGroup{Label: v.T("contestui.form.judges_current"), Users: missing})
		}
	}
	var total int64
	for _, k := range d.Criteria {
		if p, err := ding.ParsePoints(k.Points); err == nil {
			total += p
		}
	}
	d.Total, d.TotalOK = ding.Points(total), total == 10000
	if len(d.Criteria) < contestCriteriaRows {
		d.Criteria = append(d.Criteria, contestCritRow{}) // a blank row to add one more without JavaScript
	}
	v.Data = d
	if c == nil {
		v.Title = v.T("contestui.new_title")
		v.Crumbs = []crumb{{Label: v.T("contestui.title"), URL: "/contests"}, {Label: v.Title}}
	} else {
		v.Title = v.T("contestui.edit_title", c.Name)
		v.Crumbs = []crumb{{Label: v.T("contestui.title"), URL: "/contests"}, {Label: c.Name, URL: "/contests/" + itoa(c.ID)}, {Label: v.T("contestui.edit")}}
	}
	s.renderStatus(w, r, status, "contest_form", v)
	return nil
}

// editableContest loads a round for its office to change: 404 outside the caller's
// reach, 403 for anyone but the organizer's office, 409 once closed.
func (s *Server) editableContest(r *http.Request) (*ding.Contest, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	c, err := s.db.FindContest(r.Context(), id)
	if err != nil {
		return nil, err
	}
	ok, err := s.canRunContest(r.Context(), reqOf(r).actor, c)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	if c.Status == ding.ContestClosed {
		return nil, ding.Errorf(ding.ECONFLICT, "contest.closed")
	}
	return c, nil
}

func (s *Server) contestEditPage(w http.ResponseWriter, r *http.Request) error {
	c, err := s.editableContest(r)
	if err != nil {
		return err
	}
	v := s.view(r, "contests")
	v.Form = contestFormValues(c)
	return s.renderContestForm(w, r, v, c, http.StatusOK, false)
}

func (s *Server) contestUpdate(w http.ResponseWriter, r *http.Request) error {
	before, err := s.editableContest(r)
	if err != nil {
		return err
	}
	c, fe := contestFromForm(r.PostForm)
	c.ID = before.ID
	ver, err := postedVersion(r, "contest.stale")
	if err != nil {
		fe = append(formErrors{ding.AsError(err)}, fe...)
	}
	c.Version = ver
	if len(fe) == 0 {
		if err := s.db.UpdateContest(r.Context(), c); err != nil {
			if !isFormError(err) {
				return err
			}
			fe = append(fe, contestFormError(err))
		}
	}
	if len(fe) > 0 {
		v := s.view(r, "contests")
		v.Form = r.PostForm
		fe.show(v)
		stale := slices.ContainsFunc(fe, func(e *ding.Error) bool { return e.Key == "contest.stale" })
		return s.renderContestForm(w, r, v, before, statusOf(fe[0].Code), stale)
	}
	return redirect(w, r, "/contests/"+itoa(c.ID), "contestui_saved")
}

// --- The round ---

// contestCrit is a criterion as the page shows it.
type contestCrit struct {
	Name, Points string
}

// contestMarkRow is one judge's marks for an entry.
type contestMarkRow struct {
	Judge  string
	Scored bool
	Marks  []string
	Total  string
	Note   string
	At     time.Time
}

// contestScoreInput is a field of a judge's scoring form.
type contestScoreInput struct {
	Name, Max, Value string
}

// contestEntryRow is an entry as the round page shows it.
type contestEntryRow struct {
	*ding.ContestEntry
	IndustryName string
	InvestYi     string
	ScoreText    string
	Marks        []contestMarkRow // each judge's (office and judges only)
	Mine         *ding.JudgeScore // the reader's own marks, when a judge
	MyTotal      string
	Inputs       []contestScoreInput
	Note         string // the scoring form's note
	CanPromote   bool
	ScoreErr     string
	PromoteErr   string
	PromoteCode  string
}

// contestAction is a status button of the organizer's office.
type contestAction struct {
	Status, Label, Confirm, Class string
}

// contestData is what contest.html shows.
type contestData struct {
	C             *ding.Contest
	StatusName    string
	StatusClass   string
	Criteria      []contestCrit
	Today         ding.Date
	DeadlinePast  bool
	Entries       []*contestEntryRow
	Scored        int // entries with at least one judge's marks
	Unscored      int
	MyScored      int
	CanRun        bool
	CanEdit       bool
	Actions       []contestAction
	IsJudge       bool
	CanScore      bool
	SeeMarks      bool
	CanSubmit     bool
	SubmitNote    string // why there is no submission form, when it matters
	DeadlineNote  string // "还剩 3 天", "今天截止"
	EntryFormErr  string // the entry form's problem that names none of its fields
	Units         []unitOption
	Industries    []string
	Chains        []string
	JudgeCount    int
	Posted        string // the form that failed: "status", "entry", "score-3", "promote-3"
	ErrorAnchor   string
	FormErrorText string
	form          url.Values
	fieldErrs     map[string]string
	entryDefaults url.Values
}

// Val is a field of the entry form: what the user typed when it failed, else its default.
func (d *contestData) Val(field string) string {
	if d.Posted == "entry" && d.form != nil {
		return d.form.Get(field)
	}
	return d.entryDefaults.Get(field)
}

// Err is the error of a field of the entry form.
func (d *contestData) Err(field string) string {
	if d.Posted != "entry" {
		return ""
	}
	return d.fieldErrs[field]
}

// contestPage shows one round.
func (s *Server) contestPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderContest(w, r, http.StatusOK, "", 0, nil)
}

// renderContest shows a round; a failed form (posted, about entry eid) shows again with
// what was typed and its error next to the field.
func (s *Server) renderContest(w http.ResponseWriter, r *http.Request, status int, posted string, eid int64, formErr error) error {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := s.db.FindContest(ctx, id)
	if err != nil {
		return err
	}
	entries, err := s.db.FindEntries(ctx, id)
	if err != nil {
		return err
	}
	today, err := s.db.WarningToday(ctx)
	if err != nil {
		return err
	}
	a := reqOf(r).actor
	v := s.view(r, "contests")
	d := &contestData{C: c, StatusName: v.T("contest.status." + c.Status), StatusClass: contestStatusClass(c.Status), Today: today,
		DeadlinePast: today.After(c.Deadline), IsJudge: contestIsJudge(c, a), JudgeCount: len(c.JudgeIDs), Industries: ding.Industries,
		entryDefaults: url.Values{"investment_unit": {"yi"}}}
	for _, k := range c.Criteria {
		d.Criteria = append(d.Criteria, contestCrit{k.Name, ding.Points(k.Weight)})
	}
	if d.CanRun, err = s.canRunContest(ctx, a, c); err != nil {
		return err
	}
	d.CanEdit = d.CanRun && c.Status != ding.ContestClosed
	d.CanScore = d.IsJudge && c.Status == ding.ContestJudging
	d.SeeMarks = d.IsJudge || isOffice(a)
	var scores []*ding.JudgeScore
	if d.SeeMarks {
		if scores, err = s.db.EntryScores(ctx, id, 0); err != nil {
			return err
		}
	}
	byEntry := map[int64]map[int64]*ding.JudgeScore{}
	for _, sc := range scores {
		if byEntry[sc.EntryID] == nil {
			byEntry[sc.EntryID] = map[int64]*ding.JudgeScore{}
		}
		byEntry[sc.EntryID][sc.JudgeID] = sc
	}
	for _, e := range entries {
		row := &contestEntryRow{ContestEntry: e, InvestYi: yiText(e.Investment)}
		if e.Industry != "" {
			row.IndustryName = v.T("industry." + e.Industry)
		}
		if e.Judged > 0 {
			row.ScoreText = ding.Points(e.Score)
			d.Scored++
		} else {
			d.Unscored++
		}
		if d.SeeMarks {
			names := map[int64]string{}
			for i, j := range c.JudgeIDs {
				names[j] = c.JudgeNames[i]
			}
			order := slices.Clone(c.JudgeIDs)
			for j, sc := range byEntry[e.ID] {
				if !slices.Contains(order, j) {
					order, names[j] = append(order, j), sc.JudgeName // a judge since removed: the marks still count
				}
			}
			for _, j := range order {
				m := contestMarkRow{Judge: names[j]}
				if sc := byEntry[e.ID][j]; sc != nil {
					m.Scored, m.Total, m.Note, m.At = true, ding.Points(sc.Total()), sc.Note, sc.At
					for _, mk := range sc.Marks {
						m.Marks = append(m.Marks, ding.Points(mk))
					}
				}
				row.Marks = append(row.Marks, m)
			}
		}
		if d.IsJudge && a != nil {
			if sc := byEntry[e.ID][a.UserID]; sc != nil {
				row.Mine, row.MyTotal, row.Note = sc, ding.Points(sc.Total()), sc.Note
				d.MyScored++
			}
		}
		if d.CanScore {
			for i, k := range c.Criteria {
				in := contestScoreInput{Name: k.Name, Max: ding.Points(k.Weight)}
				if row.Mine != nil && i < len(row.Mine.Marks) {
					in.Value = ding.Points(row.Mine.Marks[i])
				}
				row.Inputs = append(row.Inputs, in)
			}
		}
		row.CanPromote = d.CanRun && c.Status == ding.ContestClosed && e.Winner && e.ProjectID == 0
		d.Entries = append(d.Entries, row)
	}
	if d.CanRun {
		switch c.Status {
		case ding.ContestOpen:
			d.Actions = []contestAction{{ding.ContestJudging, v.T("contestui.act.judge"), v.T("contestui.act.judge_confirm"), "primary"}}
		case ding.ContestJudging:
			d.Actions = []contestAction{{ding.ContestOpen, v.T("contestui.act.reopen"), v.T("contestui.act.reopen_confirm"), ""},
				{ding.ContestClosed, v.T("contestui.act.close"), v.T("contestui.act.close_confirm"), "primary"}}
		}
	}
	switch left := today.DaysUntil(c.Deadline); {
	case left == 0:
		d.DeadlineNote = v.T("contestui.due_today")
	case left > 0:
		d.DeadlineNote = v.T("contestui.days_left", left)
	}
	if err := s.contestSubmitOptions(ctx, v.Lang, a, c, d); err != nil {
		return err
	}
	if formErr != nil {
		d.applyPost(v, r.PostForm, posted, eid, formErr)
	}
	v.Title = c.Name
	v.Crumbs = []crumb{{Label: v.T("contestui.title"), URL: "/contests"}, {Label: c.Name}}
	v.Data = d
	s.renderStatus(w, r, status, "contest", v)
	return nil
}

// contestSubmitOptions decides whether the reader gets the submission form, and with
// which units: a liaison or the office, units of its scope under the organizer, while the
// round is open and before its deadline.
func (s *Server) contestSubmitOptions(ctx context.Context, lang string, a *ding.Actor, c *ding.Contest, d *contestData) error {
	if c.Status != ding.ContestOpen {
		return nil
	}
	if d.DeadlinePast {
		d.SubmitNote = i18n.T(lang, "contestui.submit_past", c.Deadline.String())
		return nil
	}
	if a == nil || (a.Role != ding.RoleLiaison && !isOffice(a)) || (a.Scope == ding.ScopeSelf && !a.System) {
		return nil
	}
	units, _, err := s.db.FindUnits(ctx, ding.UnitFilter{Under: c.OrganizerID})
	if err != nil {
		return err
	}
	if len(units) == 0 {
		d.SubmitNote = i18n.T(lang, "contestui.submit_no_unit")
		return nil
	}
	d.Units = unitOptions(units)
	d.CanSubmit = true
	if a.UnitID != 0 && slices.ContainsFunc(units, func(u *ding.Unit) bool { return u.ID == a.UnitID }) {
		d.entryDefaults.Set("unit_id", itoa(a.UnitID))
	}
	if d.Chains, err = s.db.Chains(ctx); err != nil {
		return err
	}
	return nil
}

// applyPost puts a failed form back on the page: the typed values, the error next to its
// field, and the error again at the top of the page with a link down to the form.
func (d *contestData) applyPost(v *view, form url.Values, posted string, eid int64, err error) {
	e := contestFormError(err)
	msg := message(v.Lang, e)
	d.Posted = posted
	d.form = url.Values{}
	for k, vals := range form {
		if k != csrfField {
			d.form[k] = vals
		}
	}
	d.FormErrorText = msg
	switch {
	case posted == "entry":
		if d.CanSubmit {
			d.ErrorAnchor = "ct-submit"
		}
		if slices.Contains(contestEntryFields, e.Field) {
			d.fieldErrs = map[string]string{e.Field: msg}
		} else {
			d.EntryFormErr = msg
		}
		return
	case posted == "status":
		return
	}
	for _, row := range d.Entries {
		if row.ID != eid {
			continue
		}
		switch {
		case strings.HasPrefix(posted, "score-"):
			if d.CanScore {
				d.ErrorAnchor = "score-" + itoa(eid)
			}
			row.ScoreErr, row.Note = msg, form.Get("note")
			marks := form["mark"]
			for i := range row.Inputs {
				if i < len(marks) {
					row.Inputs[i].Value = marks[i]
				}
			}
		case strings.HasPrefix(posted, "promote-"):
			d.ErrorAnchor = "entry-" + itoa(eid)
			row.PromoteErr, row.PromoteCode = msg, form.Get("code")
		}
	}
}

// contestFailed answers a failed form on the round page: a fixable problem shows the page
// again with the form as typed; anything else (403, 404) ends the request.
func (s *Server) contestFailed(w http.ResponseWriter, r *http.Request, posted string, eid int64, err error) error {
	if !isFormError(err) {
		return err
	}
	return s.renderContest(w, r, statusOf(ding.ErrorCode(err)), posted, eid, err)
}

// contestStatus answers POST /contests/{id}/status: status, version.
func (s *Server) contestStatus(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	st := strings.TrimSpace(r.PostFormValue("status"))
	if !slices.Contains(contestStatuses, st) {
		return ding.FieldError("status", "err.bad_param", "status")
	}
	ver, verr := postedVersion(r, "contest.stale")
	if verr != nil {
		if _, err := s.db.FindContest(r.Context(), id); err != nil {
			return err
		}
		return s.contestFailed(w, r, "status", 0, verr)
	}
	if _, err := s.db.SetContestStatus(r.Context(), id, st, ver); err != nil {
		return s.contestFailed(w, r, "status", 0, err)
	}
	return redirect(w, r, "/contests/"+itoa(id), "contestui_status_"+st)
}

// parseContestMoney reads a planned investment typed in 万元 or 亿元 (unit "wan" or "yi";
// a 万元/亿元 typed after the number wins) and returns yuan, computed with integers.
func parseContestMoney(field, s, unit string) (int64, error) {
	s = strings.TrimSpace(s)
	for _, suf := range []struct{ text, unit string }{{"亿元", "yi"}, {"亿", "yi"}, {"万元", "wan"}, {"万", "wan"}} {
		if t, ok := strings.CutSuffix(s, suf.text); ok {
			s, unit = strings.TrimSpace(t), suf.unit
			break
		}
	}
	if unit != "yi" {
		return parseWan(field, s)
	}
	if s == "" {
		return 0, nil
	}
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "－") {
		return 0, ding.FieldError(field, "project.money_negative")
	}
	orig := s
	s = strings.NewReplacer(",", "", "，", "").Replace(strings.TrimPrefix(s, "+"))
	whole, frac, _ := strings.Cut(s, ".")
	if (whole == "" && frac == "") || !digits(whole) || !digits(frac) {
		return 0, ding.FieldError(field, "contestui.money_invalid", orig)
	}
	if len(frac) > 6 {
		return 0, ding.FieldError(field, "contestui.yi_places")
	}
	// 亿元 to 万元: move the decimal point four places.
	frac += "0000"[min(len(frac), 4):]
	wan := whole + frac[:4]
	if rest := frac[4:]; rest != "" {
		wan += "." + rest
	}
	return parseWan(field, wan)
}

// contestSubmitEntry answers POST /contests/{id}/entries: unit_id, name, investment with
// investment_unit (wan, yi), industry, chain, content, maturity.
func (s *Server) contestSubmitEntry(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := s.db.FindContest(r.Context(), id); err != nil {
		return err
	}
	form := r.PostForm
	var fe formErrors
	e := &ding.ContestEntry{ContestID: id, Name: form.Get("name"), Industry: form.Get("industry"), Chain: form.Get("chain"),
		Content: form.Get("content"), Maturity: form.Get("maturity")}
	e.UnitID = formID(form, "unit_id", &fe)
	e.Investment, err = parseContestMoney("investment", form.Get("investment"), form.Get("investment_unit"))
	fe.add(err)
	if len(fe) == 0 {
		fe.add(s.db.SubmitEntry(r.Context(), e))
	} else {
		q := *e
		if err := q.Validate(); err != nil && !slices.ContainsFunc(fe, func(x *ding.Error) bool { return x.Field == ding.AsError(err).Field }) {
			fe.add(err)
		}
		slices.SortStableFunc(fe, func(a, b *ding.Error) int {
			return slices.Index(contestEntryFields, a.Field) - slices.Index(contestEntryFields, b.Field)
		})
	}
	if len(fe) > 0 {
		return s.contestFailed(w, r, "entry", 0, fe[0])
	}
	http.Redirect(w, r, "/contests/"+itoa(id)+"?flash=contestui_submitted#entry-"+itoa(e.ID), http.StatusSeeOther)
	return nil
}

// contestEntryOf reads the {eid} of the path: an entry of the round {id} (404 otherwise).
func (s *Server) contestEntryOf(r *http.Request) (*ding.Contest, *ding.ContestEntry, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, nil, err
	}
	eid, err := strconv.ParseInt(r.PathValue("eid"), 10, 64)
	if err != nil || eid <= 0 {
		return nil, nil, ding.Errorf(ding.ENOTFOUND, "err.page_not_found")
	}
	c, err := s.db.FindContest(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	es, err := s.db.FindEntries(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	for _, e := range es {
		if e.ID == eid {
			return c, e, nil
		}
	}
	return nil, nil, ding.Errorf(ding.ENOTFOUND, "err.page_not_found")
}

// contestScore answers POST /contests/{id}/entries/{eid}/score: a mark per criterion
// (mark, repeated in the criteria's order, in points), note.
func (s *Server) contestScore(w http.ResponseWriter, r *http.Request) error {
	c, e, err := s.contestEntryOf(r)
	if err != nil {
		return err
	}
	posted := "score-" + itoa(e.ID)
	// Someone who may not score is told so rather than asked to fix the marks.
	if !contestIsJudge(c, reqOf(r).actor) {
		return ding.Errorf(ding.EFORBIDDEN, "contest.not_judge")
	}
	if c.Status != ding.ContestJudging {
		return s.contestFailed(w, r, posted, e.ID, ding.Errorf(ding.ECONFLICT, "contest.not_judging"))
	}
	marks := r.PostForm["mark"]
	js := &ding.JudgeScore{EntryID: e.ID, Note: r.PostFormValue("note")}
	for i, k := range c.Criteria {
		m := ""
		if i < len(marks) {
			m = strings.TrimSpace(marks[i])
		}
		if m == "" {
			return s.contestFailed(w, r, posted, e.ID, ding.FieldError("marks", "contestui.mark_required", k.Name))
		}
		p, err := ding.ParsePoints(m)
		if err != nil {
			return s.contestFailed(w, r, posted, e.ID, ding.FieldError("marks", "contestui.mark_invalid", k.Name, m))
		}
		js.Marks = append(js.Marks, p)
	}
	if err := s.db.ScoreEntry(r.Context(), c.ID, js); err != nil {
		return s.contestFailed(w, r, posted, e.ID, err)
	}
	http.Redirect(w, r, "/contests/"+itoa(c.ID)+"?flash=contestui_scored#score-"+itoa(e.ID), http.StatusSeeOther)
	return nil
}

// contestPromote answers POST /contests/{id}/entries/{eid}/promote: code (optional).
func (s *Server) contestPromote(w http.ResponseWriter, r *http.Request) error {
	c, e, err := s.contestEntryOf(r)
	if err != nil {
		return err
	}
	if _, err := s.db.PromoteEntry(r.Context(), c.ID, e.ID, r.PostFormValue("code")); err != nil {
		return s.contestFailed(w, r, "promote-"+itoa(e.ID), e.ID, err)
	}
	http.Redirect(w, r, "/contests/"+itoa(c.ID)+"?flash=contestui_promoted#entry-"+itoa(e.ID), http.StatusSeeOther)
	return nil
}

// contestExport sends the ranking as .xlsx.
func (s *Server) contestExport(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := s.db.FindContest(ctx, id)
	if err != nil {
		return err
	}
	es, err := s.db.FindEntries(ctx, id)
	if err != nil {
		return err
	}
	codes := map[int64]string{}
	for _, e := range es {
		if e.ProjectID == 0 {
			continue
		}
		// The project's code when the reader can see the project.
		if p, err := s.db.FindProjectByID(ctx, e.ProjectID); err == nil {
			codes[e.ProjectID] = p.Code
		} else if ding.ErrorCode(err) != ding.ENOTFOUND {
			return err
		}
	}
	q := reqOf(r)
	var b bytes.Buffer
	if err := xlsx.ExportContest(&b, xlsx.ContestList{Lang: q.lang, Contest: c, Now: s.db.Now(), Entries: es, Codes: codes}); err != nil {
		return ding.Internal(err, "export contest")
	}
	today := ding.Today(s.db.Now()).String()
	return writeXLSX(w, c.Name+"-"+i18n.T(q.lang, "contestui.x.file")+"-"+today+".xlsx", "contest-"+itoa(c.ID)+"-"+today+".xlsx", b.Bytes())
}

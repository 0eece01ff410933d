package web

// The 对赌 commitment pages (ding/commitment.go, store/commitments.go): a project's clauses
// with the forms that record a clause, confirm one ding cannot check and waive one; the
// list of every clause in the caller's scope, by due date, with counts by status, filters
// and an Excel export of the filtered list.

import (
	"bytes"
	"context"
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

// commitmentsPageSize is how many clauses one page of the list shows.
const commitmentsPageSize = 50

// commitmentsExportCap bounds the rows of one export.
const commitmentsExportCap = 100_000

// commitStatuses are the statuses in the order of a clause's life.
var commitStatuses = []string{ding.CommitPending, ding.CommitAwaiting, ding.CommitKept, ding.CommitBroken, ding.CommitWaived}

// commitSides are the sides of a clause.
var commitSides = []ding.CommitmentSide{ding.SideInvestor, ding.SideGovernment}

func (s *Server) commitmentPageRoutes() {
	s.handle("GET /commitments", s.page(s.commitmentsPage, true))
	s.handle("GET /commitments/export.xlsx", s.page(s.commitmentsExport, true))
	s.handle("GET /projects/{id}/commitments", s.page(s.projectCommitmentsPage, true))
	s.handle("POST /projects/{id}/commitments", s.page(s.commitmentAdd, true))
	s.handle("POST /commitments/{id}/confirm", s.page(s.commitmentConfirm, true))
	s.handle("POST /commitments/{id}/waive", s.page(s.commitmentWaive, true))
}

// commitRow is a clause with its names in the reader's language and what the reader may
// do with it.
type commitRow struct {
	*ding.Commitment
	SideName, KindName, StatusName string
	StatusClass, RowClass          string
	Amount                         string // 万元, "" when the kind has none
	DueNote                        string // "3 天后到期", "已过期 5 天"
	DueLate                        bool
	CanConfirm, CanBreak, CanWaive bool
}

// commitStatusClass is the tag of a status: broken red, awaiting amber (classes of
// escalations.css, warnings.css and app.css).
func commitStatusClass(status string) string {
	switch status {
	case ding.CommitBroken:
		return "tag esc-late"
	case ding.CommitAwaiting:
		return "tag xs-requested"
	case ding.CommitKept:
		return "tag on"
	case ding.CommitWaived:
		return "tag wexempt"
	}
	return "tag"
}

func commitRowOf(lang string, today ding.Date, c *ding.Commitment) commitRow {
	t := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	row := commitRow{Commitment: c, SideName: t("commit.side." + string(c.Side)), KindName: t("commit.kind." + string(c.Kind)),
		StatusName: t("commit.status." + c.Status), StatusClass: commitStatusClass(c.Status)}
	if c.Amount != 0 {
		row.Amount = ding.Wan(c.Amount)
	}
	switch c.Status {
	case ding.CommitBroken:
		row.RowClass = "esc-row-late"
	case ding.CommitPending, ding.CommitAwaiting:
		switch left := today.DaysUntil(c.Due); {
		case left > 0:
			row.DueNote = t("commitui.days_left", left)
		case left == 0:
			row.DueNote = t("commitui.due_today")
		default:
			row.DueNote, row.DueLate = t("commitui.days_over", -left), true
		}
	}
	return row
}

// commitFormFields are the add form's fields, in the order they are shown.
var commitFormFields = []string{"side", "kind", "clause", "amount", "due", "penalty", "unit_id"}

// commitFormError puts the store's errors under the fields of the forms: the responsible
// unit (which the store checks as "units"), the amount in 万元 (the store speaks of yuan),
// the waiver's reason (the store's "note"); a problem of no field of the form (the
// project not signed) is the form's.
func commitFormError(err error, posted string) error {
	e := ding.AsError(err)
	c := *e
	switch {
	case c.Field == "units":
		c.Field = "unit_id"
	case c.Key == "commit.amount_required":
		c.Key, c.Args = "commitui.amount_wan", nil
	case strings.HasPrefix(posted, "waive") && c.Field == "note":
		c.Field = "reason"
	case c.Field == "project_id":
		c.Field = ""
	}
	return &c
}

// commitOption is a choice of a select.
type commitOption struct {
	Value, Label string
}

// projectCommitData is what commitments.html shows.
type projectCommitData struct {
	P          *ding.Project
	Badge      badge
	Today      ding.Date
	Rows       []commitRow
	Acts       []commitRow // the clauses the reader may confirm or waive
	Signed     bool
	CanAdd     bool
	Sides      []commitOption
	InvKinds   []commitOption
	GovKinds   []commitOption
	OtherKind  commitOption // either side's
	UnitOpts   []unitOption
	Posted     string // the form that failed: "add", "confirm-3", "waive-3"
	form       url.Values
	defaults   map[string]string
	fieldErrs  map[string]string
	formErrMsg string
}

// Val is a field of a form: what the user typed when that form failed, else its default.
func (d *projectCommitData) Val(posted, field string) string {
	if d.Posted == posted && d.form != nil {
		return d.form.Get(field)
	}
	if posted == "add" {
		return d.defaults[field]
	}
	return ""
}

// Err is the error of a field of a form, shown only under the form that failed.
func (d *projectCommitData) Err(posted, field string) string {
	if d.Posted != posted {
		return ""
	}
	return d.fieldErrs[field]
}

// FormErr is the failed form's message when it names none of its fields.
func (d *projectCommitData) FormErr(posted string) string {
	if d.Posted != posted {
		return ""
	}
	return d.formErrMsg
}

// Form names a clause's form: "confirm-3".
func (d *projectCommitData) Form(what string, id int64) string { return what + "-" + itoa(id) }

// isSigned is the store's rule: a project has an agreement once signed.
func isSigned(p *ding.Project) bool {
	return !p.SignedOn.IsZero() || p.Stage.Index() >= ding.StageSigned.Index()
}

// canConfirmCommitment mirrors the store's rule for offering the confirmation form: a
// clause ding cannot check, not decided, by the office or a liaison whose scope holds the
// responsible unit.
func (s *Server) canConfirmCommitment(ctx context.Context, a *ding.Actor, c *ding.Commitment) (bool, error) {
	if c.Kind.Checked() || (c.Status != ding.CommitPending && c.Status != ding.CommitAwaiting) {
		return false, nil
	}
	if isOffice(a) {
		return true, nil
	}
	if a == nil || a.Role != ding.RoleLiaison {
		return false, nil
	}
	if _, err := s.db.FindUnitByID(ctx, c.UnitID); err != nil {
		if ding.ErrorCode(err) == ding.ENOTFOUND {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// projectCommitmentsPage shows a project's clauses.
func (s *Server) projectCommitmentsPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return s.renderProjectCommitments(w, r, http.StatusOK, id, "", nil)
}

// renderProjectCommitments shows a project's clauses; a failed form (posted) shows again
// with what was typed and its error next to the field.
func (s *Server) renderProjectCommitments(w http.ResponseWriter, r *http.Request, status int, id int64, posted string, formErr error) error {
	ctx := r.Context()
	p, err := s.db.FindProjectByID(ctx, id)
	if err != nil {
		return err
	}
	cs, _, err := s.db.FindCommitments(ctx, store.CommitmentFilter{ProjectID: id})
	if err != nil {
		return err
	}
	today, err := s.db.WarningToday(ctx)
	if err != nil {
		return err
	}
	a := reqOf(r).actor
	v := s.view(r, "projects")
	d := &projectCommitData{P: p, Today: today, Signed: isSigned(p)}
	if d.Badge, err = s.projectBadge(ctx, v.Lang, id); err != nil {
		return err
	}
	if d.Signed {
		if d.CanAdd, err = s.canEditProject(ctx, a, p); err != nil {
			return err
		}
	}
	for _, c := range cs {
		row := commitRowOf(v.Lang, today, c)
		if row.CanConfirm, err = s.canConfirmCommitment(ctx, a, c); err != nil {
			return err
		}
		row.CanBreak = row.CanConfirm && !c.Due.After(today)
		row.CanWaive = isOffice(a) && c.Status != ding.CommitKept && c.Status != ding.CommitWaived
		d.Rows = append(d.Rows, row)
		if row.CanConfirm || row.CanWaive {
			d.Acts = append(d.Acts, row)
		}
	}
	if d.CanAdd {
		for _, side := range commitSides {
			d.Sides = append(d.Sides, commitOption{string(side), v.T("commit.side." + string(side))})
		}
		for _, k := range ding.CommitmentKinds {
			o := commitOption{string(k), v.T("commit.kind." + string(k))}
			switch k {
			case ding.CommitLand, ding.CommitPolicy:
				d.GovKinds = append(d.GovKinds, o)
			case ding.CommitOther:
				d.OtherKind = o
			default:
				d.InvKinds = append(d.InvKinds, o)
			}
		}
		units, _, err := s.db.FindUnits(ctx, ding.UnitFilter{})
		if err != nil {
			return err
		}
		d.UnitOpts = unitOptions(units)
		d.defaults = map[string]string{"side": string(ding.SideInvestor), "unit_id": itoa(p.UnitID)}
	}
	if formErr != nil {
		d.Posted = posted
		d.form = url.Values{}
		for k, vals := range r.PostForm {
			if k != csrfField {
				d.form[k] = vals
			}
		}
		e := ding.AsError(formErr)
		msg := message(v.Lang, e)
		if e.Field != "" {
			d.fieldErrs = map[string]string{e.Field: msg}
		} else {
			d.formErrMsg = msg
		}
	}
	v.Title = v.T("commitui.project_title", p.Name)
	v.Crumbs = []crumb{{Label: v.T("projects.title"), URL: "/projects"}, {Label: p.Name, URL: "/projects/" + itoa(p.ID)}, {Label: v.T("commitui.title")}}
	v.Data = d
	s.renderStatus(w, r, status, "commitments", v)
	return nil
}

// commitFailed answers a failed form: fixable problems show the project's clauses again
// with the typed values and the message next to the field; anything else ends the request.
func (s *Server) commitFailed(w http.ResponseWriter, r *http.Request, projectID int64, posted string, err error) error {
	if !isFormError(err) {
		return err
	}
	err = commitFormError(err, posted)
	return s.renderProjectCommitments(w, r, statusOf(ding.ErrorCode(err)), projectID, posted, err)
}

// commitmentAdd answers POST /projects/{id}/commitments: side, kind, clause, amount (万元),
// due, penalty, unit_id.
func (s *Server) commitmentAdd(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := s.db.FindProjectByID(ctx, id)
	if err != nil {
		return err
	}
	ok, err := s.canEditProject(ctx, reqOf(r).actor, p)
	if err != nil {
		return err
	}
	if !ok {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	form := r.PostForm
	var fe formErrors
	c := &ding.Commitment{ProjectID: id, Side: ding.CommitmentSide(strings.TrimSpace(form.Get("side"))),
		Kind: ding.CommitmentKind(strings.TrimSpace(form.Get("kind"))), Clause: form.Get("clause"), Penalty: form.Get("penalty")}
	c.Amount, err = parseWan("amount", form.Get("amount"))
	fe.add(err)
	c.Due = formDate(form, "due", &fe)
	c.UnitID = formID(form, "unit_id", &fe)
	if len(fe) == 0 {
		fe.add(s.db.CreateCommitment(ctx, c))
	} else {
		// Say the first problem in the order of the form, including those the store would
		// find, so that fixing one does not reveal another above it.
		q := *c
		if err := q.Validate(); err != nil {
			fe.add(err)
		}
		slices.SortStableFunc(fe, func(a, b *ding.Error) int {
			return slices.Index(commitFormFields, a.Field) - slices.Index(commitFormFields, b.Field)
		})
	}
	if len(fe) > 0 {
		return s.commitFailed(w, r, id, "add", fe[0])
	}
	return redirect(w, r, "/projects/"+itoa(id)+"/commitments", "commitui_added")
}

// commitmentOf reads a clause in the caller's scope (404 outside it).
func (s *Server) commitmentOf(ctx context.Context, id int64) (*ding.Commitment, error) {
	cs, _, err := s.db.FindCommitments(ctx, store.CommitmentFilter{ID: id, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, ding.Errorf(ding.ENOTFOUND, "err.page_not_found")
	}
	return cs[0], nil
}

// commitmentConfirm answers POST /commitments/{id}/confirm: kept (1 or 0), note, version.
func (s *Server) commitmentConfirm(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := s.commitmentOf(ctx, id)
	if err != nil {
		return err
	}
	posted := "confirm-" + itoa(id)
	var kept bool
	switch r.PostFormValue("kept") {
	case "1", "true":
		kept = true
	case "0", "false":
	default:
		// Someone who may not confirm the clause is told so rather than asked to choose.
		ok, err := s.canConfirmCommitment(ctx, reqOf(r).actor, c)
		if err != nil {
			return err
		}
		if !ok && !c.Kind.Checked() && (c.Status == ding.CommitPending || c.Status == ding.CommitAwaiting) {
			return ding.Errorf(ding.EFORBIDDEN, "commit.confirm_not_yours")
		}
		return s.commitFailed(w, r, c.ProjectID, posted, ding.FieldError("kept", "commitui.kept_required"))
	}
	ver, err := postedVersion(r, "commit.stale")
	if err == nil {
		_, err = s.db.ConfirmCommitment(ctx, id, kept, r.PostFormValue("note"), ver)
	}
	if err != nil {
		return s.commitFailed(w, r, c.ProjectID, posted, err)
	}
	return redirect(w, r, "/projects/"+itoa(c.ProjectID)+"/commitments", "commitui_confirmed")
}

// commitmentWaive answers POST /commitments/{id}/waive: reason, version.
func (s *Server) commitmentWaive(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := s.commitmentOf(ctx, id)
	if err != nil {
		return err
	}
	ver, err := postedVersion(r, "commit.stale")
	if err == nil {
		_, err = s.db.WaiveCommitment(ctx, id, r.PostFormValue("reason"), ver)
	}
	if err != nil {
		return s.commitFailed(w, r, c.ProjectID, "waive-"+itoa(id), err)
	}
	return redirect(w, r, "/projects/"+itoa(c.ProjectID)+"/commitments", "commitui_waived")
}

// commitFilter is the list's filter, read leniently from the URL (the list and its export
// share it): a value that makes no sense in a hand-made URL is ignored.
type commitFilter struct {
	Status    string
	Side      string
	UnitID    int64
	ProjectID int64
}

func parseCommitFilter(q url.Values) commitFilter {
	var f commitFilter
	if st := q.Get("status"); slices.Contains(commitStatuses, st) {
		f.Status = st
	}
	if sd := q.Get("side"); slices.Contains(commitSides, ding.CommitmentSide(sd)) {
		f.Side = sd
	}
	if n, err := strconv.ParseInt(q.Get("unit"), 10, 64); err == nil && n > 0 {
		f.UnitID = n
	}
	if n, err := strconv.ParseInt(q.Get("project"), 10, 64); err == nil && n > 0 {
		f.ProjectID = n
	}
	return f
}

func (f commitFilter) store() store.CommitmentFilter {
	return store.CommitmentFilter{Status: f.Status, Side: ding.CommitmentSide(f.Side), UnitID: f.UnitID, ProjectID: f.ProjectID}
}

// commitCard is the count of one status, a link to the list filtered by it.
type commitCard struct {
	Status, Name, URL, Class string
	N                        int
	Active                   bool
}

// commitmentsData is what commitments_all.html shows.
type commitmentsData struct {
	Today     ding.Date
	F         commitFilter
	Cards     []commitCard
	Rows      []commitRow
	Total     int
	Pager     pager
	From, To  int
	Statuses  []commitOption
	Sides     []commitOption
	UnitOpts  []unitOption
	ExportURL string
	Filtered  bool
}

// commitmentsPage lists the clauses in the caller's scope by due date: counts by status,
// filters, pages.
func (s *Server) commitmentsPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	f := parseCommitFilter(q)
	v := s.view(r, "commitments")
	today, err := s.db.WarningToday(ctx)
	if err != nil {
		return err
	}
	pg := min(pageParam(q), 1_000_000)
	sf := f.store()
	sf.Limit, sf.Offset = commitmentsPageSize, (pg-1)*commitmentsPageSize
	cs, total, err := s.db.FindCommitments(ctx, sf)
	if err != nil {
		return err
	}
	units, _, err := s.db.FindUnits(ctx, ding.UnitFilter{})
	if err != nil {
		return err
	}
	d := &commitmentsData{Today: today, F: f, Total: total, Pager: newPager(r, total, pg, commitmentsPageSize), UnitOpts: unitOptions(units)}
	// The counts by status, under the other filters.
	for _, st := range commitStatuses {
		cf := f.store()
		cf.Status, cf.Limit = st, 1
		_, n, err := s.db.FindCommitments(ctx, cf)
		if err != nil {
			return err
		}
		cq := url.Values{}
		for k, vals := range q {
			if k != "page" && k != "flash" && k != "status" {
				cq[k] = vals
			}
		}
		cq.Set("status", st)
		card := commitCard{Status: st, Name: v.T("commitui.card." + st), URL: "/commitments?" + cq.Encode(), N: n, Active: f.Status == st}
		if st == ding.CommitBroken && n > 0 {
			card.Class = "alert"
		}
		d.Cards = append(d.Cards, card)
	}
	for _, c := range cs {
		d.Rows = append(d.Rows, commitRowOf(v.Lang, today, c))
	}
	if len(cs) > 0 {
		d.From, d.To = sf.Offset+1, sf.Offset+len(cs)
	}
	for _, st := range commitStatuses {
		d.Statuses = append(d.Statuses, commitOption{st, v.T("commit.status." + st)})
	}
	for _, side := range commitSides {
		d.Sides = append(d.Sides, commitOption{string(side), v.T("commit.side." + string(side))})
	}
	base := r.URL.Query()
	base.Del("page")
	base.Del("flash")
	d.Filtered = len(base) > 0
	d.ExportURL = "/commitments/export.xlsx"
	if enc := base.Encode(); enc != "" {
		d.ExportURL += "?" + enc
	}
	v.Title = v.T("commitui.title")
	v.Crumbs = []crumb{{Label: v.Title}}
	v.Data = d
	s.render(w, r, "commitments_all", v)
	return nil
}

// commitmentsExport sends the filtered list (all of it, not a page) as .xlsx.
func (s *Server) commitmentsExport(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := reqOf(r)
	sf := parseCommitFilter(r.URL.Query()).store()
	sf.Limit = commitmentsExportCap
	cs, _, err := s.db.FindCommitments(ctx, sf)
	if err != nil {
		return err
	}
	today, err := s.db.WarningToday(ctx)
	if err != nil {
		return err
	}
	title := i18n.T(q.lang, "commitui.sheet_title", q.user.UnitName)
	b, err := commitmentsXLSX(q.lang, title, ding.Today(s.db.Now()), today, cs)
	if err != nil {
		return ding.Internal(err, "export commitments")
	}
	return writeXLSX(w, q.user.UnitName+"对赌条款-"+today.String()+".xlsx", "commitments-"+today.String()+".xlsx", b)
}

// commitmentsXLSX lays the clauses out as offices read them: a title, the dates, a bold
// header with frozen panes, amounts in 万元 as numbers, long texts wrapped.
func commitmentsXLSX(lang, title string, exported, asOf ding.Date, cs []*ding.Commitment) ([]byte, error) {
	t := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	f := excelize.NewFile()
	defer f.Close()
	sheet := t("commitui.sheet")
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	cols := []struct {
		key   string
		width float64
	}{
		{"commitui.col.seq", 6}, {"commitui.col.project", 30}, {"commitui.col.side", 9}, {"commitui.col.kind", 10},
		{"commitui.col.clause", 40}, {"commitui.col.amount", 14}, {"commitui.col.due", 12}, {"commitui.col.penalty", 30},
		{"commitui.col.unit", 16}, {"commitui.col.status", 10}, {"commitui.col.checked_on", 12}, {"commitui.col.measured", 40},
		{"commitui.col.note", 36}, {"commitui.col.decided_by", 10},
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
	moneyStyle, err := f.NewStyle(&excelize.Style{Border: border, NumFmt: 4, Alignment: &excelize.Alignment{Vertical: "top"}})
	if err != nil {
		return nil, err
	}
	brokenStyle, err := f.NewStyle(&excelize.Style{Border: border, Font: &excelize.Font{Bold: true, Color: "B91C1C"},
		Alignment: &excelize.Alignment{Vertical: "top"}})
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
	f.SetCellValue(sheet, "A2", t("commitui.sheet_date", exported.String(), asOf.String()))
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
	for i, c := range cs {
		var amount any = ""
		if c.Amount != 0 {
			amount = float64(c.Amount) / 10_000
		}
		row := []any{i + 1, c.ProjectName, t("commit.side." + string(c.Side)), t("commit.kind." + string(c.Kind)),
			c.Clause, amount, date(c.Due), c.Penalty, c.UnitName, t("commit.status." + c.Status), date(c.CheckedOn), c.Measured, c.Note, c.DecidedBy}
		for j, val := range row {
			if s, ok := val.(string); ok && s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
				row[j] = "'" + s // a cell that looks like a formula is shown, not run
			}
		}
		n := strconv.Itoa(i + 4)
		if err := f.SetSheetRow(sheet, "A"+n, &row); err != nil {
			return nil, err
		}
		f.SetCellStyle(sheet, "A"+n, last+n, cellStyle)
		f.SetCellStyle(sheet, "F"+n, "F"+n, moneyStyle)
		if c.Status == ding.CommitBroken {
			f.SetCellStyle(sheet, "J"+n, "J"+n, brokenStyle)
		}
	}
	end := max(len(cs)+3, 3)
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

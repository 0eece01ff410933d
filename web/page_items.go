package web

// Demands (诉求) and action items (交办事项): the list with its counts, filters, sortable
// columns and Excel export; the form that raises a demand (or, for the office, creates an
// action item) with its attachments; one item with its units, history, attachments and the
// form of each step the caller may take now; the demand settings (types and clocks) on the
// settings page; and the open items on a project's page. The store decides every write;
// what this file checks only decides which forms to show.

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"ding"
	"ding/i18n"
	"ding/store"
)

// itemsPageSize is how many items one page of the list shows.
const itemsPageSize = 50

// itemsExportCap bounds the rows of one export.
const itemsExportCap = 100_000

// itemCoRows is how many co-unit rows the unit forms offer (blank rows are ignored).
const itemCoRows = 4

func (s *Server) itemPageRoutes() {
	s.handle("GET /items", s.page(s.itemsPage, true))
	s.handle("GET /items/export.xlsx", s.page(s.itemsExport, true))
	s.handle("GET /items/new", s.page(s.itemNewPage, true))
	s.handle("POST /items", s.page(s.itemCreate, true))
	s.handle("GET /items/{id}", s.page(s.itemPage, true))
	s.handle("POST /items/{id}/step", s.page(s.itemStep, true))
	s.handle("POST /items/{id}/files", s.page(s.itemAttach, true))
	s.handle("GET /items/{id}/files/{fid}", s.page(s.itemFileServe, true))
	s.handle("POST /settings/demand-types", s.page(s.settingsDemandTypes, true))
	s.handle("POST /settings/item-clocks", s.page(s.settingsItemClocks, true))
	s.calendarPageRoutes() // page_calendar.go
}

// canRaise: everyone but viewers raises demands (the store checks the project's scope).
func canRaise(a *ding.Actor) bool { return a != nil && a.Role != ding.RoleViewer }

// itemFilter is the list's filter, read from the URL (the list and its export share it).
type itemFilter struct {
	Kind, Status, Type, Query, Sort string
	Open, Overdue, Desc             bool
	UnitID, ProjectID               int64
}

// itemSortCols are the list's sortable columns (store.ItemFilter.Sort).
var itemSortCols = []string{"title", "project", "unit", "status", "raised_on", "due"}

// parseItemFilter reads the filter leniently: a value that makes no sense in a hand-made
// URL is ignored rather than refused.
func parseItemFilter(q url.Values) itemFilter {
	f := itemFilter{Query: strings.TrimSpace(q.Get("q")), Type: strings.TrimSpace(q.Get("type"))}
	if k := ding.ItemKind(q.Get("kind")); k == ding.DemandItem || k == ding.ActionItem {
		f.Kind = string(k)
	}
	if st := ding.ItemStatus(q.Get("status")); slices.Contains(ding.ItemStatuses, st) {
		f.Status = string(st)
	}
	yes := func(name string) bool { v := q.Get(name); return v == "1" || v == "true" }
	f.Open, f.Overdue = yes("open"), yes("overdue")
	posInt := func(name string) int64 {
		n, err := strconv.ParseInt(q.Get(name), 10, 64)
		if err != nil || n < 0 {
			return 0
		}
		return n
	}
	f.UnitID, f.ProjectID = posInt("unit"), posInt("project")
	if so := q.Get("sort"); slices.Contains(itemSortCols, so) {
		f.Sort, f.Desc = so, q.Get("desc") == "1"
	}
	return f
}

func (f itemFilter) store() store.ItemFilter {
	return store.ItemFilter{Kind: ding.ItemKind(f.Kind), Status: ding.ItemStatus(f.Status), Open: f.Open, Overdue: f.Overdue,
		ProjectID: f.ProjectID, UnitID: f.UnitID, Type: f.Type, Q: f.Query, Sort: f.Sort, Desc: f.Desc}
}

// itemRow is an item with its names in the reader's language.
type itemRow struct {
	*ding.Item
	KindName   string
	StatusName string
	LevelName  string // how far its lateness was escalated, "" when not
	LeadName   string // the lead unit, "" before assignment
	CoNames    string // the co-units, joined
}

func itemRowOf(lang string, it *ding.Item) itemRow {
	row := itemRow{Item: it, KindName: i18n.T(lang, "item.kind."+string(it.Kind)), StatusName: i18n.T(lang, "item.status."+string(it.Status))}
	if it.Level > 0 && it.Level <= 2 {
		row.LevelName = i18n.T(lang, "itemui.level."+strconv.Itoa(it.Level))
	}
	var co []string
	for _, u := range it.Units {
		if u.Lead {
			row.LeadName = u.UnitName
		} else {
			co = append(co, u.UnitName)
		}
	}
	row.CoNames = strings.Join(co, "、")
	return row
}

// itemTab is a tab above the list; itemCard a count that links to its filter.
type itemTab struct {
	Key, URL, Label string
	Active          bool
}

type itemCard struct {
	Key, Label, URL string
	N               int
	Alert           bool // red when there is any
}

// itemOption is a choice of a select.
type itemOption struct {
	Value, Label string
}

// itemsData is what items.html shows.
type itemsData struct {
	Today       ding.Date
	Tabs        []itemTab
	Cards       []itemCard
	F           itemFilter
	Rows        []itemRow
	Total       int
	Pager       pager
	From, To    int
	Statuses    []itemOption
	Types       []string
	UnitOpts    []unitOption
	ProjectName string // the project the list is filtered on
	Headers     map[string]sortHeader
	ExportURL   string
	Filtered    bool
	CanRaise    bool
	CanAction   bool
}

// itemsPage lists the items in the caller's scope: counts by status, tabs by kind, filters,
// sortable columns and pages.
func (s *Server) itemsPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	a := reqOf(r).actor
	f := parseItemFilter(q)
	today, err := s.db.WarningToday(ctx)
	if err != nil {
		return err
	}
	pg := min(pageParam(q), 1_000_000)
	sf := f.store()
	sf.Limit, sf.Offset = itemsPageSize, (pg-1)*itemsPageSize
	its, total, err := s.db.FindItems(ctx, sf)
	if err != nil {
		return err
	}
	units, _, err := s.db.FindUnits(ctx, ding.UnitFilter{})
	if err != nil {
		return err
	}
	types, err := s.db.DemandTypes(ctx)
	if err != nil {
		return err
	}
	v := s.view(r, "items")
	v.Title = v.T("itemui.title")
	v.Crumbs = []crumb{{Label: v.Title}}
	d := &itemsData{Today: today, F: f, Total: total, Pager: newPager(r, total, pg, itemsPageSize), UnitOpts: unitOptions(units),
		Types: types, CanRaise: canRaise(a), CanAction: isOffice(a)}
	if f.Type != "" && !slices.Contains(types, f.Type) {
		d.Types = append(d.Types, f.Type) // an old type items still carry
	}
	for _, k := range []string{"", string(ding.DemandItem), string(ding.ActionItem)} {
		tab := itemTab{Key: k, URL: "/items", Label: v.T("itemui.tab.all"), Active: f.Kind == k}
		if k != "" {
			tab.URL, tab.Label = "/items?kind="+k, v.T("item.kind."+k)
		}
		d.Tabs = append(d.Tabs, tab)
	}
	// The counts follow the kind of the tab.
	kindQ := ""
	if f.Kind != "" {
		kindQ = "kind=" + f.Kind + "&"
	}
	counts, err := s.db.CountItems(ctx, ding.ItemKind(f.Kind))
	if err != nil {
		return err
	}
	for _, st := range []ding.ItemStatus{ding.ItemSubmitted, ding.ItemAccepted, ding.ItemDecided, ding.ItemHandling, ding.ItemClosed} {
		d.Cards = append(d.Cards, itemCard{Key: string(st), Label: v.T("itemui.card." + string(st)), N: counts.ByStatus[st],
			URL: "/items?" + kindQ + "status=" + string(st)})
	}
	d.Cards = append(d.Cards, itemCard{Key: "overdue", Label: v.T("itemui.card.overdue"), N: counts.Overdue, URL: "/items?" + kindQ + "overdue=1", Alert: true})
	for _, it := range its {
		d.Rows = append(d.Rows, itemRowOf(v.Lang, it))
	}
	if len(its) > 0 {
		d.From, d.To = sf.Offset+1, sf.Offset+len(its)
	}
	for _, st := range ding.ItemStatuses {
		d.Statuses = append(d.Statuses, itemOption{string(st), v.T("item.status." + string(st))})
	}
	if f.ProjectID != 0 {
		if p, err := s.db.FindProjectByID(ctx, f.ProjectID); err == nil {
			d.ProjectName = p.Name
		} else if ding.ErrorCode(err) != ding.ENOTFOUND {
			return err
		} else {
			d.ProjectName = "#" + itoa(f.ProjectID)
		}
	}
	base := r.URL.Query()
	base.Del("page")
	base.Del("flash")
	d.Filtered = len(base) > 0
	d.ExportURL = "/items/export.xlsx"
	if enc := base.Encode(); enc != "" {
		d.ExportURL += "?" + enc
	}
	d.Headers = map[string]sortHeader{}
	for _, key := range itemSortCols {
		h := sortHeader{Key: key, Label: v.T("itemui.col." + key)}
		// With no sort asked, the store orders by the date raised, newest first.
		h.Active = f.Sort == key || (f.Sort == "" && key == "raised_on")
		h.Desc = f.Desc || (f.Sort == "" && h.Active)
		desc := key == "raised_on"
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
		h.URL = "/items?" + hq.Encode()
		d.Headers[key] = h
	}
	v.Data = d
	s.render(w, r, "items", v)
	return nil
}

// itemsExport sends the filtered list (all of it, not a page) as .xlsx.
func (s *Server) itemsExport(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := reqOf(r)
	sf := parseItemFilter(r.URL.Query()).store()
	sf.Limit = itemsExportCap
	its, _, err := s.db.FindItems(ctx, sf)
	if err != nil {
		return err
	}
	today, err := s.db.WarningToday(ctx)
	if err != nil {
		return err
	}
	b, err := itemsXLSX(q.lang, i18n.T(q.lang, "itemui.sheet_title", q.user.UnitName), ding.Today(s.db.Now()), today, its)
	if err != nil {
		return ding.Internal(err, "export items")
	}
	return writeXLSX(w, q.user.UnitName+"诉求与交办事项-"+today.String()+".xlsx", "items-"+today.String()+".xlsx", b)
}

// itemsXLSX lays the items out as offices read them: a title, the dates, a bold header
// with frozen panes, long texts wrapped in their cells, late items in red.
func itemsXLSX(lang, title string, exported, asOf ding.Date, its []*ding.Item) ([]byte, error) {
	t := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	f := excelize.NewFile()
	defer f.Close()
	sheet := t("itemui.sheet")
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	cols := []struct {
		key   string
		width float64
	}{
		{"itemui.x.seq", 6}, {"itemui.x.kind", 9}, {"itemui.x.type", 8}, {"itemui.x.title", 30}, {"itemui.x.project", 28},
		{"itemui.x.unit", 14}, {"itemui.x.lead", 14}, {"itemui.x.co", 20}, {"itemui.x.request", 40}, {"itemui.x.status", 10},
		{"itemui.x.raised_by", 10}, {"itemui.x.raised_on", 12}, {"itemui.x.due", 12}, {"itemui.x.overdue", 9}, {"itemui.x.level", 10},
		{"itemui.x.decision", 40}, {"itemui.x.decided_by", 10}, {"itemui.x.reports", 50}, {"itemui.x.closed_on", 12},
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
	lateStyle, err := f.NewStyle(&excelize.Style{Border: border, Font: &excelize.Font{Bold: true, Color: "B91C1C"},
		Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
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
	f.SetCellValue(sheet, "A2", t("itemui.sheet_date", exported.String(), asOf.String(), len(its)))
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
	for i, it := range its {
		row := itemRowOf(lang, it)
		var reports []string
		for _, u := range it.Units {
			if u.Report != "" {
				reports = append(reports, u.UnitName+"："+u.Report)
			}
		}
		overdue := ""
		if it.Overdue > 0 {
			overdue = strconv.Itoa(it.Overdue)
		}
		cells := []any{i + 1, row.KindName, it.Type, it.Title, it.ProjectName, it.UnitName, row.LeadName, row.CoNames, it.Request,
			row.StatusName, it.RaisedName, date(it.RaisedOn), date(it.Due), overdue, row.LevelName, it.Decision, it.DecidedName,
			strings.Join(reports, "\n"), date(it.ClosedOn)}
		cell := "A" + strconv.Itoa(i+4)
		if err := f.SetSheetRow(sheet, cell, &cells); err != nil {
			return nil, err
		}
		style := cellStyle
		if it.Overdue > 0 {
			style = lateStyle
		}
		f.SetCellStyle(sheet, cell, last+strconv.Itoa(i+4), style)
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 3, TopLeftCell: "A4", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	if len(its) > 0 {
		if err := f.AutoFilter(sheet, "A3:"+last+strconv.Itoa(len(its)+3), nil); err != nil {
			return nil, err
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// itemCoRow is a unit row of a unit form: its unit id and its part, as typed or stored.
type itemCoRow struct {
	Unit, Part string
}

// itemUnitRows reads the lead and co-unit rows of a form (lead_unit, lead_part, co_unit,
// co_part repeated), padded to itemCoRows co-unit rows.
func itemUnitRows(form url.Values) (itemCoRow, []itemCoRow) {
	lead := itemCoRow{Unit: form.Get("lead_unit"), Part: form.Get("lead_part")}
	var rows []itemCoRow
	parts := form["co_part"]
	for i, u := range form["co_unit"] {
		row := itemCoRow{Unit: u}
		if i < len(parts) {
			row.Part = parts[i]
		}
		rows = append(rows, row)
	}
	for len(rows) < itemCoRows {
		rows = append(rows, itemCoRow{})
	}
	return lead, rows
}

// storedUnitRows are the rows of an item's stored assignment.
func storedUnitRows(it *ding.Item) (itemCoRow, []itemCoRow) {
	var lead itemCoRow
	var rows []itemCoRow
	for _, u := range it.Units {
		if u.Lead {
			lead = itemCoRow{Unit: itoa(u.UnitID), Part: u.Part}
		} else {
			rows = append(rows, itemCoRow{Unit: itoa(u.UnitID), Part: u.Part})
		}
	}
	if lead.Unit == "" && len(it.Units) == 0 {
		lead.Unit = itoa(it.UnitID) // the unit it concerns leads unless the office says otherwise
	}
	for len(rows) < itemCoRows {
		rows = append(rows, itemCoRow{})
	}
	return lead, rows
}

// itemUnitsForm is the table of units of a form (the action item's, the acceptance's):
// the lead unit and co-units with their parts, and the problem with them.
type itemUnitsForm struct {
	v     *view
	ID    string
	Opts  []unitOption
	Lead  itemCoRow
	Rows  []itemCoRow
	Error string
}

// T translates in the page's language.
func (u *itemUnitsForm) T(key string, args ...any) string { return u.v.T(key, args...) }

// itemUnitsFromForm reads the assignment of a form; blank co-unit rows are skipped.
func itemUnitsFromForm(form url.Values, fe *formErrors) []ding.ItemUnit {
	var us []ding.ItemUnit
	if lead := formID(form, "lead_unit", fe); lead != 0 {
		us = append(us, ding.ItemUnit{UnitID: lead, Lead: true, Part: form.Get("lead_part")})
	}
	parts := form["co_part"]
	for i, s := range form["co_unit"] {
		s = strings.TrimSpace(s)
		part := ""
		if i < len(parts) {
			part = parts[i]
		}
		if s == "" {
			if strings.TrimSpace(part) != "" {
				fe.add(ding.FieldError("units", "itemui.part_without_unit"))
			}
			continue
		}
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			fe.add(ding.FieldError("units", "err.bad_param", "co_unit"))
			continue
		}
		us = append(us, ding.ItemUnit{UnitID: id, Part: part})
	}
	return us
}

// itemFormData is what item_form.html shows.
type itemFormData struct {
	Kind      ding.ItemKind
	Tabs      []itemTab
	CanAction bool // the office: may create action items and name any unit
	Projects  []itemOption
	Types     []string
	UnitOpts  []unitOption
	Leaders   []*ding.User
	Units     *itemUnitsForm
	Files     attachLimits
	FilesLost bool // a failed post: the chosen files must be chosen again
	Today     string
}

func (s *Server) itemNewPage(w http.ResponseWriter, r *http.Request) error {
	a := reqOf(r).actor
	if !canRaise(a) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	kind := ding.DemandItem
	if r.URL.Query().Get("kind") == string(ding.ActionItem) && isOffice(a) {
		kind = ding.ActionItem
	}
	v := s.view(r, "items")
	v.Form = url.Values{"kind": {string(kind)}, "project_id": {r.URL.Query().Get("project")}}
	return s.renderItemForm(w, r, v, kind, http.StatusOK, false)
}

// renderItemForm shows the form of a new demand or action item with v.Form.
func (s *Server) renderItemForm(w http.ResponseWriter, r *http.Request, v *view, kind ding.ItemKind, status int, filesLost bool) error {
	ctx := r.Context()
	a := reqOf(r).actor
	ps, _, err := s.db.FindProjects(ctx, ding.ProjectFilter{Year: s.thisYear(ctx), Sort: "name", Limit: 2000})
	if err != nil {
		return err
	}
	types, err := s.db.DemandTypes(ctx)
	if err != nil {
		return err
	}
	d := &itemFormData{Kind: kind, CanAction: isOffice(a), Types: types, Files: attachLimitsOf(), FilesLost: filesLost,
		Today: ding.Today(s.db.Now()).String()}
	for _, p := range ps {
		d.Projects = append(d.Projects, itemOption{Value: itoa(p.ID), Label: p.Name})
	}
	// A project asked for by link but not in the first page of names stays selectable.
	if id := v.FormValue("project_id"); id != "" && !slices.ContainsFunc(d.Projects, func(o itemOption) bool { return o.Value == id }) {
		if n, err := strconv.ParseInt(id, 10, 64); err == nil && n > 0 {
			if p, err := s.db.FindProjectByID(ctx, n); err == nil {
				d.Projects = append([]itemOption{{Value: id, Label: p.Name}}, d.Projects...)
			}
		}
	}
	if d.CanAction {
		units, _, err := s.db.FindUnits(ctx, ding.UnitFilter{})
		if err != nil {
			return err
		}
		d.UnitOpts = unitOptions(units)
		if kind == ding.ActionItem {
			if d.Leaders, _, err = s.db.FindUsers(ctx, ding.UserFilter{Role: ding.RoleLeader}); err != nil {
				return err
			}
		}
		for _, k := range []ding.ItemKind{ding.DemandItem, ding.ActionItem} {
			d.Tabs = append(d.Tabs, itemTab{Key: string(k), URL: "/items/new?kind=" + string(k), Label: v.T("itemui.new." + string(k)), Active: k == kind})
		}
	}
	d.Units = &itemUnitsForm{v: v, ID: "if-units", Opts: d.UnitOpts, Error: v.FieldError("units")}
	d.Units.Lead, d.Units.Rows = itemUnitRows(v.Form)
	v.Data = d
	v.Title = v.T("itemui.new." + string(kind))
	v.Crumbs = []crumb{{Label: v.T("itemui.title"), URL: "/items"}, {Label: v.Title}}
	s.renderStatus(w, r, status, "item_form", v)
	return nil
}

// itemCreate raises a demand, or creates an action item (the office), with its
// attachments. Attachments are checked before anything is stored; a refused item stores
// nothing.
func (s *Server) itemCreate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := reqOf(r).actor
	if !canRaise(a) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	form := r.PostForm
	var fe formErrors
	it := &ding.Item{Kind: ding.DemandItem, Type: form.Get("type"), Title: form.Get("title"), Description: form.Get("description"),
		Request: form.Get("request")}
	if form.Get("kind") == string(ding.ActionItem) {
		if !isOffice(a) {
			return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
		}
		it.Kind = ding.ActionItem
	}
	it.ProjectID = formID(form, "project_id", &fe)
	if it.ProjectID == 0 && isOffice(a) {
		it.UnitID = formID(form, "unit_id", &fe)
	}
	if it.Kind == ding.ActionItem {
		it.Units = itemUnitsFromForm(form, &fe)
		it.CloseDue = formDate(form, "close_due", &fe)
		it.DecidedBy = formID(form, "decided_by", &fe)
		it.Decision = form.Get("decision")
	}
	if len(fe) == 0 {
		// The item's own checks first, so that an item the store would refuse stores no file.
		types, err := s.db.DemandTypes(ctx)
		if err != nil {
			return err
		}
		probe := *it
		probe.Units = slices.Clone(it.Units)
		fe.add(probe.Validate(types))
	}
	var ups []attachUpload
	var err error
	hadFiles := r.MultipartForm != nil && len(r.MultipartForm.File["files"]) > 0
	if len(fe) == 0 && r.MultipartForm != nil {
		ups, err = checkAttachments(s.apiLang(r), r.MultipartForm.File["files"])
		fe.add(err)
	}
	var files []store.ItemFile
	for _, u := range ups {
		if len(fe) > 0 {
			break
		}
		f, err := s.storeAttachment(u)
		if err != nil {
			return err
		}
		files = append(files, f)
	}
	if len(fe) == 0 {
		if _, err := s.db.CreateItemWithFiles(ctx, it, files); err != nil {
			if ding.ErrorCode(err) == ding.ENOTFOUND && it.ProjectID != 0 {
				err = ding.FieldError("project_id", "itemui.project_unknown")
			}
			if !isFormError(err) {
				return err
			}
			fe.add(err)
		}
	}
	if len(fe) > 0 {
		v := s.view(r, "items")
		v.Form = url.Values{}
		for k, vals := range form {
			if k != csrfField {
				v.Form[k] = vals
			}
		}
		fe.show(v)
		return s.renderItemForm(w, r, v, it.Kind, statusOf(fe[0].Code), hadFiles)
	}
	flash := "itemui_created"
	if it.Kind == ding.ActionItem {
		flash = "itemui_action_created"
	}
	return redirect(w, r, "/items/"+itoa(it.ID), flash)
}

// itemFlowStep is a stage of the flow bar on an item's page.
type itemFlowStep struct {
	Label string
	State string // done, current, todo, stop (rejected)
}

// itemEventRow is a step of the history.
type itemEventRow struct {
	*store.ItemEvent
	ActionName string
	ToName     string
}

// itemData is what item.html shows.
type itemData struct {
	itemRow
	Flow        []itemFlowStep
	History     []itemEventRow
	Files       []itemFileRow
	CanAttach   bool
	Steps       []string // the steps the caller may take now, in flow order
	Posted      string   // the form that failed
	form        url.Values
	Leaders     []*ding.User
	Units       *itemUnitsForm // accept: the assignment
	StepForms   map[string]*itemStepForm
	ReportUnits []ding.ItemUnit
	IsLeader    bool
	IsOffice    bool
	CanAudit    bool
	Limits      attachLimits
	DueClass    string
}

// Val is a field of the form named by posted: what the user typed when that form failed,
// else def.
func (d *itemData) Val(posted, field, def string) string {
	if d.Posted == posted && d.form != nil {
		return d.form.Get(field)
	}
	return def
}

// Checked says whether a checkbox of the form posted was ticked.
func (d *itemData) Checked(posted, field string) bool {
	return d.Posted == posted && d.form != nil && d.form.Get(field) == "1"
}

func (s *Server) itemPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderItem(w, r, http.StatusOK, "", nil)
}

// itemSteps are the steps the caller may take now: the flow's from the status, kept to
// those the store would allow the caller's role (and units) to take.
func (s *Server) itemSteps(ctx context.Context, a *ding.Actor, it *ding.Item) ([]string, []ding.ItemUnit, error) {
	office := isOffice(a)
	covers := func(unit int64) (bool, error) {
		if office {
			return true, nil
		}
		if a.Role != ding.RoleLiaison {
			return false, nil
		}
		return s.unitCovers(ctx, a, unit)
	}
	var reportUnits []ding.ItemUnit
	var out []string
	for _, act := range ding.ItemActions(it.Status) {
		ok := false
		switch act {
		case ding.ItemAccept, ding.ItemReject:
			ok = office
		case ding.ItemDecide:
			ok = a.Role == ding.RoleLeader || office
		case ding.ItemReport:
			for _, u := range it.Units {
				c, err := covers(u.UnitID)
				if err != nil {
					return nil, nil, err
				}
				if c {
					reportUnits = append(reportUnits, u)
				}
			}
			ok = len(reportUnits) > 0
		case ding.ItemClose:
			if l := it.Lead(); l != nil {
				c, err := covers(l.UnitID)
				if err != nil {
					return nil, nil, err
				}
				ok = c
			}
		case ding.ItemConfirm, ding.ItemReopen:
			ok = office || (a.UserID == it.RaisedBy && a.Role != ding.RoleViewer)
		}
		if ok {
			out = append(out, string(act))
		}
	}
	return out, reportUnits, nil
}

// canAttach mirrors the store's rule for offering the attachment form: the office, the one
// who raised the item, a liaison whose scope holds the unit it concerns or an assigned unit.
func (s *Server) canAttach(ctx context.Context, a *ding.Actor, it *ding.Item) (bool, error) {
	switch {
	case a.Role == ding.RoleViewer:
		return false, nil
	case isOffice(a) || a.UserID == it.RaisedBy:
		return true, nil
	case a.Role != ding.RoleLiaison:
		return false, nil
	}
	units := []int64{it.UnitID}
	for _, u := range it.Units {
		units = append(units, u.UnitID)
	}
	for _, u := range units {
		if ok, err := s.unitCovers(ctx, a, u); err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

// unitCovers reports whether the caller's unit scope holds a unit (the store's rule for
// who acts for a unit: a "self" scope acts for none).
func (s *Server) unitCovers(ctx context.Context, a *ding.Actor, unit int64) (bool, error) {
	if a.Scope == ding.ScopeSelf && !a.System {
		return false, nil
	}
	if _, err := s.db.FindUnitByID(ctx, unit); err != nil {
		if ding.ErrorCode(err) == ding.ENOTFOUND {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// itemFlow is the flow bar: where the item stands among the stages of its kind.
func itemFlow(lang string, it *ding.Item) []itemFlowStep {
	stages := []ding.ItemStatus{ding.ItemSubmitted, ding.ItemAccepted, ding.ItemDecided, ding.ItemHandling, ding.ItemClosed, ding.ItemConfirmed}
	if it.Kind == ding.ActionItem {
		stages = stages[2:]
	}
	if it.Status == ding.ItemRejected {
		return []itemFlowStep{{Label: i18n.T(lang, "item.status.submitted"), State: "done"}, {Label: i18n.T(lang, "item.status.rejected"), State: "stop"}}
	}
	cur := slices.Index(stages, it.Status)
	var out []itemFlowStep
	for i, st := range stages {
		state := "todo"
		switch {
		case i < cur || (i == cur && st == ding.ItemConfirmed):
			state = "done"
		case i == cur:
			state = "current"
		}
		out = append(out, itemFlowStep{Label: i18n.T(lang, "item.status."+string(st)), State: state})
	}
	return out
}

// renderItem shows an item; a failed form (posted) shows again with what was typed and
// its error.
func (s *Server) renderItem(w http.ResponseWriter, r *http.Request, status int, posted string, formErr error) error {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		return err
	}
	it, err := s.db.FindItem(ctx, id)
	if err != nil {
		return err
	}
	hist, err := s.db.ItemHistory(ctx, id)
	if err != nil {
		return err
	}
	files, err := s.db.ItemFiles(ctx, id)
	if err != nil {
		return err
	}
	a := reqOf(r).actor
	v := s.view(r, "items")
	d := &itemData{itemRow: itemRowOf(v.Lang, it), Flow: itemFlow(v.Lang, it), IsLeader: a.Role == ding.RoleLeader,
		IsOffice: isOffice(a), CanAudit: a.IsAdmin(), Limits: attachLimitsOf()}
	for _, f := range files {
		d.Files = append(d.Files, itemFileRow{ItemFile: f, SizeText: byteSize(f.Size)})
	}
	if it.Overdue > 0 {
		d.DueClass = "item-late"
	}
	for _, e := range hist {
		row := itemEventRow{ItemEvent: e, ActionName: v.T("item.action." + e.Action), ToName: v.T("item.status." + e.To)}
		if e.Action == "create" && it.Kind == ding.ActionItem {
			row.ActionName = v.T("itemui.ev.assign")
		}
		d.History = append(d.History, row)
	}
	slices.Reverse(d.History) // newest first
	if d.Steps, d.ReportUnits, err = s.itemSteps(ctx, a, it); err != nil {
		return err
	}
	if d.CanAttach, err = s.canAttach(ctx, a, it); err != nil {
		return err
	}
	if slices.Contains(d.Steps, string(ding.ItemAccept)) {
		units, _, err := s.db.FindUnits(ctx, ding.UnitFilter{})
		if err != nil {
			return err
		}
		d.Units = &itemUnitsForm{v: v, ID: "accept-units", Opts: unitOptions(units)}
		d.Units.Lead, d.Units.Rows = storedUnitRows(it)
	}
	if slices.Contains(d.Steps, string(ding.ItemDecide)) && d.IsOffice && !d.IsLeader {
		if d.Leaders, _, err = s.db.FindUsers(ctx, ding.UserFilter{Role: ding.RoleLeader}); err != nil {
			return err
		}
	}
	if formErr != nil {
		d.Posted = posted
		d.form = url.Values{}
		for k, vals := range r.PostForm {
			if k != csrfField {
				d.form[k] = vals
			}
		}
		v.withFormError(formErr)
		if posted == string(ding.ItemAccept) && d.Units != nil {
			d.Units.Lead, d.Units.Rows = itemUnitRows(d.form)
			d.Units.Error = v.FieldError("accept_units")
		}
	}
	d.StepForms = map[string]*itemStepForm{}
	for _, act := range d.Steps {
		d.StepForms[act] = d.stepForm(v, act)
	}
	v.Title = it.Title
	v.Crumbs = []crumb{{Label: v.T("itemui.title"), URL: "/items"}, {Label: it.Title}}
	v.Data = d
	s.renderStatus(w, r, status, "item", v)
	return nil
}

// itemFileRow is an attachment with its size for people.
type itemFileRow struct {
	*store.ItemFile
	SizeText string
}

// itemStepForm is the form of one step on an item's page (item.html, "item-step").
type itemStepForm struct {
	v               *view
	Action          string
	ItemID          int64
	Version         int
	CSRF            string
	Title, Hint     string
	CommentLabel    string
	CommentRequired bool
	Comment         string
	CommentError    string
	Units           *itemUnitsForm  // accept
	ReportUnits     []ding.ItemUnit // report: the units the caller may report for
	UnitID          string
	UnitError       string
	Leaders         []*ding.User // decide, by the office: whose decision it records
	OnBehalf        string
	OnBehalfError   string
	ShowDone        bool
	Done            bool
	ShowOnSite      bool
	OnSite          bool
	Submit          string
	Danger          bool
}

// T translates in the page's language.
func (f *itemStepForm) T(key string, args ...any) string { return f.v.T(key, args...) }

// stepForm builds the form of a step, with what was typed when it failed.
func (d *itemData) stepForm(v *view, act string) *itemStepForm {
	f := &itemStepForm{v: v, Action: act, ItemID: d.ID, Version: d.Version, CSRF: v.CSRF, Title: v.T("item.action." + act),
		Hint: v.T("itemui.step." + act + ".hint"), CommentLabel: v.T("itemui.step." + act + ".comment"), Submit: v.T("itemui.step." + act + ".submit"),
		Comment: d.Val(act, "comment", ""), CommentError: v.FieldError(act + "_comment")}
	switch ding.ItemAction(act) {
	case ding.ItemReject, ding.ItemDecide, ding.ItemReport, ding.ItemClose, ding.ItemReopen:
		f.CommentRequired = true
	}
	f.Danger = act == string(ding.ItemReject) || act == string(ding.ItemReopen)
	switch ding.ItemAction(act) {
	case ding.ItemAccept:
		f.Units = d.Units
	case ding.ItemReport:
		f.ReportUnits, f.ShowDone, f.Done = d.ReportUnits, true, d.Checked(act, "done")
		def := ""
		if len(d.ReportUnits) > 0 {
			def = itoa(d.ReportUnits[0].UnitID)
		}
		f.UnitID, f.UnitError = d.Val(act, "unit_id", def), v.FieldError(act+"_unit_id")
	case ding.ItemDecide:
		f.ShowOnSite, f.OnSite = true, d.Checked(act, "on_site")
		f.Leaders, f.OnBehalf, f.OnBehalfError = d.Leaders, d.Val(act, "on_behalf_of", ""), v.FieldError(act+"_on_behalf_of")
	}
	return f
}

// itemFormFailed answers a failed form of an item's page: problems the user can fix or
// should read (invalid, stale, not theirs to do) show the page again with the typed values
// and the message, under the field of the form when it names one; anything else (not
// found, internal) ends the request.
func (s *Server) itemFormFailed(w http.ResponseWriter, r *http.Request, posted string, err error) error {
	e := *ding.AsError(err)
	switch e.Code {
	case ding.EINVALID, ding.ECONFLICT, ding.EFORBIDDEN:
	default:
		return err
	}
	if e.Field != "" && posted != "files" {
		e.Field = posted + "_" + e.Field
	}
	return s.renderItem(w, r, statusOf(e.Code), posted, &e)
}

// itemStep takes a step: action, version and the step's fields (comment; accept: lead_unit,
// lead_part, co_unit, co_part; report: unit_id, done; decide: on_site, on_behalf_of).
func (s *Server) itemStep(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	a := reqOf(r).actor
	form := r.PostForm
	act := ding.ItemAction(form.Get("action"))
	if !slices.Contains([]ding.ItemAction{ding.ItemAccept, ding.ItemReject, ding.ItemDecide, ding.ItemReport, ding.ItemClose, ding.ItemConfirm, ding.ItemReopen}, act) {
		if _, err := s.db.FindItem(r.Context(), id); err != nil {
			return err
		}
		return s.itemFormFailed(w, r, "", ding.Errorf(ding.EINVALID, "itemui.action_unknown"))
	}
	var fe formErrors
	ver, err := postedVersion(r, "item.stale")
	fe.add(err)
	st := store.ItemStep{Action: act, Comment: form.Get("comment"), Version: ver, Done: form.Get("done") == "1", OnSite: form.Get("on_site") == "1"}
	switch act {
	case ding.ItemAccept:
		st.Units = itemUnitsFromForm(form, &fe)
	case ding.ItemReport:
		st.UnitID = formID(form, "unit_id", &fe)
	case ding.ItemDecide:
		st.OnBehalfOf = formID(form, "on_behalf_of", &fe)
		if isOffice(a) && a.Role != ding.RoleLeader && !a.System && st.OnBehalfOf == 0 {
			fe.add(ding.FieldError("on_behalf_of", "itemui.on_behalf_required"))
		}
	}
	if len(fe) == 0 {
		_, err = s.db.StepItem(r.Context(), id, st)
		fe.add(err)
	}
	if len(fe) > 0 {
		return s.itemFormFailed(w, r, string(act), fe[0])
	}
	return redirect(w, r, "/items/"+itoa(id), "itemui_step_"+string(act))
}

// itemAttach adds attachments to an item (multipart field files).
func (s *Server) itemAttach(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	if _, err := s.db.FindItem(ctx, id); err != nil {
		return err
	}
	var ups []attachUpload
	if r.MultipartForm != nil {
		ups, err = checkAttachments(s.apiLang(r), r.MultipartForm.File["files"])
	}
	if err == nil && len(ups) == 0 {
		err = ding.FieldError("files", "itemui.files_required")
	}
	var files []store.ItemFile
	for _, u := range ups {
		if err != nil {
			break
		}
		var f store.ItemFile
		if f, err = s.storeAttachment(u); err == nil {
			files = append(files, f)
		}
	}
	if err == nil {
		_, err = s.db.AddItemFiles(ctx, id, files)
	}
	if err != nil {
		return s.itemFormFailed(w, r, "files", err)
	}
	return redirect(w, r, "/items/"+itoa(id), "itemui_attached")
}

// itemFileServe sends an attachment, to callers who can see its item.
func (s *Server) itemFileServe(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	fid, err := strconv.ParseInt(r.PathValue("fid"), 10, 64)
	if err != nil || fid <= 0 {
		return ding.Errorf(ding.ENOTFOUND, "err.page_not_found")
	}
	f, err := s.db.ItemFileByID(r.Context(), id, fid)
	if err != nil {
		return err
	}
	return s.serveAttachment(w, r, f)
}

// itemSettingsData is the demand settings' part of the settings page.
type itemSettingsData struct {
	Types  []string
	Clocks ding.ItemClocks
}

// itemSettingsForm puts the demand types and clocks on the settings page and its form.
func (s *Server) itemSettingsForm(ctx context.Context, v *view) (*itemSettingsData, error) {
	types, err := s.db.DemandTypes(ctx)
	if err != nil {
		return nil, err
	}
	c, err := s.db.ItemClocks(ctx)
	if err != nil {
		return nil, err
	}
	v.Form.Set("types", strings.Join(types, "\n"))
	v.Form.Set("accept", strconv.Itoa(c.Accept))
	v.Form.Set("decide", strconv.Itoa(c.Decide))
	v.Form.Set("close", strconv.Itoa(c.Close))
	v.Form.Set("escalate", strconv.Itoa(c.Escalate))
	return &itemSettingsData{Types: types, Clocks: c}, nil
}

// keepItemSettingsForm shows again what was posted to a demand settings form; false when
// the post was another form's.
func keepItemSettingsForm(v *view, r *http.Request) bool {
	switch r.URL.Path {
	case "/settings/demand-types":
		v.Form.Set("types", r.PostFormValue("types"))
	case "/settings/item-clocks":
		for _, k := range []string{"accept", "decide", "close", "escalate"} {
			v.Form.Set(k, r.PostFormValue(k))
		}
	default:
		return false
	}
	return true
}

func (s *Server) settingsDemandTypes(w http.ResponseWriter, r *http.Request) error {
	if !isOffice(reqOf(r).actor) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	text := strings.ReplaceAll(r.PostFormValue("types"), "\r\n", "\n")
	if err := s.db.SetDemandTypes(r.Context(), strings.Split(text, "\n")); err != nil {
		return s.settingsFailed(w, r, err)
	}
	return redirect(w, r, "/settings", "itemui_types_saved")
}

func (s *Server) settingsItemClocks(w http.ResponseWriter, r *http.Request) error {
	if !isOffice(reqOf(r).actor) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	var c ding.ItemClocks
	var err error
	num := func(field string) int {
		if err != nil {
			return 0
		}
		n, e := strconv.Atoi(strings.TrimSpace(r.PostFormValue(field)))
		if e != nil {
			err = ding.FieldError(field, "settings.whole_number")
		}
		return n
	}
	c.Accept, c.Decide, c.Close, c.Escalate = num("accept"), num("decide"), num("close"), num("escalate")
	if err == nil {
		err = s.db.SetItemClocks(r.Context(), c)
	}
	if err != nil {
		return s.settingsFailed(w, r, err)
	}
	return redirect(w, r, "/settings", "itemui_clocks_saved")
}

// projectItemsData is the demands panel of a project's page: its open items.
type projectItemsData struct {
	Rows     []itemRow
	Total    int
	ListURL  string
	NewURL   string
	CanRaise bool
}

// projectItems loads a project's open items for its page, the latest first.
func (s *Server) projectItems(ctx context.Context, lang string, projectID int64) (*projectItemsData, error) {
	its, n, err := s.db.FindItems(ctx, store.ItemFilter{ProjectID: projectID, Open: true, Limit: 10})
	if err != nil {
		return nil, err
	}
	d := &projectItemsData{Total: n, ListURL: "/items?project=" + itoa(projectID) + "&open=1", NewURL: "/items/new?project=" + itoa(projectID),
		CanRaise: canRaise(ding.ActorFrom(ctx))}
	for _, it := range its {
		d.Rows = append(d.Rows, itemRowOf(lang, it))
	}
	return d, nil
}

// Attachments: checked by content against the name's extension before anything is
// stored (a ".pdf" that is really a zip or a program is refused, and nothing of the upload
// is kept), then stored once per content under <DataDir>/files/<sha256 hex> and served
// only to callers who can see the item.

const (
	attachMaxCount = 10       // per upload
	attachMaxBytes = 10 << 20 // per file
)

// attachKind is an accepted extension: the type stored and served, and how its content is
// recognised.
type attachKind struct {
	mime  string
	check func(head []byte, f multipart.File, size int64) bool
}

var (
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1} // Word/Excel/WPS 97–2003
	isOLE    = func(head []byte, _ multipart.File, _ int64) bool { return bytes.HasPrefix(head, oleMagic) }
	sniffed  = func(prefix string) func([]byte, multipart.File, int64) bool {
		return func(head []byte, _ multipart.File, _ int64) bool {
			return strings.HasPrefix(http.DetectContentType(head), prefix)
		}
	}
	// zipWith: a zip archive (what DetectContentType sees in Office Open XML and OFD) holding
	// the part that makes it a document of its kind, not any zip renamed.
	zipWith = func(part string) func([]byte, multipart.File, int64) bool {
		return func(head []byte, f multipart.File, size int64) bool {
			if http.DetectContentType(head) != "application/zip" {
				return false
			}
			zr, err := zip.NewReader(f, size)
			if err != nil {
				return false
			}
			for _, zf := range zr.File {
				if strings.EqualFold(zf.Name, part) {
					return true
				}
			}
			return false
		}
	}
)

// attachKinds are the accepted extensions.
var attachKinds = map[string]attachKind{
	"pdf":  {"application/pdf", sniffed("application/pdf")},
	"jpg":  {"image/jpeg", sniffed("image/jpeg")},
	"jpeg": {"image/jpeg", sniffed("image/jpeg")},
	"png":  {"image/png", sniffed("image/png")},
	"doc":  {"application/msword", isOLE},
	"xls":  {"application/vnd.ms-excel", isOLE},
	"ppt":  {"application/vnd.ms-powerpoint", isOLE},
	"wps":  {"application/vnd.ms-works", isOLE},
	"et":   {"application/vnd.ms-excel", isOLE},
	"docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", zipWith("word/document.xml")},
	"xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", zipWith("xl/workbook.xml")},
	"pptx": {"application/vnd.openxmlformats-officedocument.presentationml.presentation", zipWith("ppt/presentation.xml")},
	"ofd":  {"application/ofd", zipWith("OFD.xml")},
	"txt":  {"text/plain; charset=utf-8", sniffed("text/plain")},
	"csv":  {"text/csv; charset=utf-8", sniffed("text/plain")},
}

// attachExtList is the accepted extensions in the order the form names them.
var attachExtList = []string{"pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "wps", "et", "ofd", "jpg", "jpeg", "png", "txt", "csv"}

// attachLimits is what the upload forms tell the user.
type attachLimits struct {
	MaxCount int
	MaxSize  string
	Accept   string // for <input accept>
	Exts     string // for people
}

func attachLimitsOf() attachLimits {
	l := attachLimits{MaxCount: attachMaxCount, MaxSize: byteSize(attachMaxBytes)}
	dots := make([]string, len(attachExtList))
	for i, e := range attachExtList {
		dots[i] = "." + e
	}
	l.Accept = strings.Join(dots, ",")
	l.Exts = strings.Join(attachExtList, "、")
	return l
}

// attachUpload is an uploaded file that passed the checks.
type attachUpload struct {
	fh   *multipart.FileHeader
	name string
	mime string
}

// contentKind names what a file's first bytes are, for the message that refuses it.
func contentKind(lang string, head []byte) string {
	key := "unknown"
	switch ct := http.DetectContentType(head); {
	case bytes.HasPrefix(head, []byte("MZ")) || bytes.HasPrefix(head, []byte("\x7fELF")):
		key = "exe"
	case bytes.HasPrefix(head, oleMagic):
		key = "ole"
	case ct == "application/zip":
		key = "zip"
	case ct == "application/x-rar-compressed" || ct == "application/x-gzip":
		key = "archive"
	case ct == "application/pdf":
		key = "pdf"
	case strings.HasPrefix(ct, "image/"):
		key = "image"
	case strings.HasPrefix(ct, "text/html"), strings.HasPrefix(ct, "text/xml"):
		key = "html"
	case strings.HasPrefix(ct, "text/plain"):
		key = "text"
	case len(head) == 0:
		key = "empty"
	}
	return i18n.T(lang, "itemui.content."+key)
}

// checkAttachments checks uploaded files before anything is stored: at most
// attachMaxCount, each at most attachMaxBytes, each with an accepted extension and a
// content that is what the extension says. Empty file inputs are skipped.
func checkAttachments(lang string, files []*multipart.FileHeader) ([]attachUpload, error) {
	var out []attachUpload
	for _, fh := range files {
		if fh.Size == 0 && fh.Filename == "" {
			continue // an empty <input type=file>
		}
		out = append(out, attachUpload{fh: fh, name: photoName(fh.Filename)})
	}
	if len(out) > attachMaxCount {
		return nil, ding.FieldError("files", "itemui.files_too_many_upload", attachMaxCount, len(out))
	}
	for i := range out {
		u := &out[i]
		ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(u.name), "."))
		kind, ok := attachKinds[ext]
		switch {
		case u.name == "":
			return nil, ding.FieldError("files", "itemui.file_name_required")
		case !ok:
			return nil, ding.FieldError("files", "itemui.file_ext_bad", u.name, attachLimitsOf().Exts)
		case u.fh.Size == 0:
			return nil, ding.FieldError("files", "itemui.file_empty", u.name)
		case u.fh.Size > attachMaxBytes:
			return nil, ding.FieldError("files", "itemui.file_too_big", u.name, byteSize(attachMaxBytes))
		}
		f, err := u.fh.Open()
		if err != nil {
			return nil, ding.Internal(err, "open upload")
		}
		head := make([]byte, 512)
		n, _ := io.ReadFull(f, head)
		head = head[:n]
		match := kind.check(head, f, u.fh.Size)
		f.Close()
		if !match {
			return nil, ding.FieldError("files", "itemui.file_mismatch", u.name, "."+ext, contentKind(lang, head))
		}
		u.mime = kind.mime
	}
	return out, nil
}

// fileDir is where attachments live.
func (s *Server) fileDir() string { return filepath.Join(s.opts.DataDir, "files") }

// storeAttachment writes a checked upload under its SHA-256 (storeBlob) and returns the
// attachment to record.
func (s *Server) storeAttachment(u attachUpload) (store.ItemFile, error) {
	hash, n, err := storeBlob(s.fileDir(), u.fh, attachMaxBytes)
	if err != nil {
		return store.ItemFile{}, err
	}
	return store.ItemFile{Name: u.name, Hash: hash, Size: n, ContentType: u.mime}, nil
}

// serveAttachment sends a stored attachment as a download.
func (s *Server) serveAttachment(w http.ResponseWriter, r *http.Request, f *store.ItemFile) error {
	if !validPhotoHash(f.Hash) {
		return ding.Errorf(ding.ENOTFOUND, "err.page_not_found")
	}
	file, err := os.Open(filepath.Join(s.fileDir(), f.Hash))
	if errors.Is(err, fs.ErrNotExist) {
		s.log.Warn("attachment missing", "hash", f.Hash, "item", f.ItemID)
		return ding.Errorf(ding.ENOTFOUND, "err.page_not_found")
	}
	if err != nil {
		return ding.Internal(err, "open file")
	}
	defer file.Close()
	ctype := "application/octet-stream" // never let a stored type turn into HTML
	for _, k := range attachKinds {
		if k.mime == f.ContentType {
			ctype = f.ContentType
		}
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, max-age=3600")
	h.Set("ETag", `"`+f.Hash+`"`)
	h.Set("Content-Disposition", contentDisposition("attachment", f.Name))
	http.ServeContent(w, r, "", time.Time{}, file)
	return nil
}

package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"ding"
)

// unitsPageSize is the page size of the flat search results (the tree is not paged).
const unitsPageSize = 50

func (s *Server) unitPageRoutes() {
	s.handle("GET /units", s.page(s.unitsPage, true))
	s.handle("GET /units/new", s.page(s.unitNewPage, true))
	s.handle("POST /units", s.page(s.unitCreate, true))
	s.handle("GET /units/{id}", s.page(s.unitPage, true))
	s.handle("POST /units/{id}", s.page(s.unitUpdate, true))
	s.handle("POST /units/{id}/move", s.page(s.unitMove, true))
	s.handle("POST /units/{id}/disable", s.page(s.unitSetDisabled(true), true))
	s.handle("POST /units/{id}/enable", s.page(s.unitSetDisabled(false), true))
}

// unitNode is a unit with its children as the caller sees the tree. V lets the recursive
// tree template translate.
type unitNode struct {
	U        *ding.Unit
	Children []*unitNode
	V        *view
}

// unitRow is a unit at its level of a flattened tree (for selects and the CSV export).
type unitRow struct {
	*ding.Unit
	Level int // 0 for a root of the caller's tree
}

// unitsTree nests units given in the store's order (depth, sort order, id) by ParentID. A
// unit whose parent is not among them becomes a root, so a caller who sees only part of
// the org tree (or a filtered part) still gets a tree.
func unitsTree(units []*ding.Unit, v *view) []*unitNode {
	byID := make(map[int64]*unitNode, len(units))
	for _, u := range units {
		byID[u.ID] = &unitNode{U: u, V: v}
	}
	var roots []*unitNode
	for _, u := range units {
		n := byID[u.ID]
		if p, ok := byID[u.ParentID]; ok && u.ParentID != 0 {
			p.Children = append(p.Children, n)
		} else {
			roots = append(roots, n)
		}
	}
	return roots
}

// unitsFlatten lists the tree depth first, each unit followed by its subtree; units in skip
// are left out together with their subtrees.
func unitsFlatten(nodes []*unitNode, level int, skip map[int64]bool, out []unitRow) []unitRow {
	for _, n := range nodes {
		if skip[n.U.ID] {
			continue
		}
		out = append(out, unitRow{Unit: n.U, Level: level})
		out = unitsFlatten(n.Children, level+1, skip, out)
	}
	return out
}

// unitsNames maps the id of every unit in the caller's scope to its name, to show parents.
func (s *Server) unitsNames(ctx context.Context) (map[int64]string, error) {
	all, _, err := s.db.FindUnits(ctx, ding.UnitFilter{IncludeDisabled: true})
	if err != nil {
		return nil, err
	}
	names := make(map[int64]string, len(all))
	for _, u := range all {
		names[u.ID] = u.Name
	}
	return names, nil
}

// unitsParentChoices lists, in tree order, the enabled units in scope that may take a new
// child, leaving out skip (a unit's own subtree when it is moved).
func (s *Server) unitsParentChoices(ctx context.Context, skip map[int64]bool) ([]unitRow, error) {
	units, _, err := s.db.FindUnits(ctx, ding.UnitFilter{})
	if err != nil {
		return nil, err
	}
	return unitsFlatten(unitsTree(units, nil), 0, skip, nil), nil
}

// unitsListData is what units.html shows.
type unitsListData struct {
	Query    string
	Kind     string
	Disabled bool
	Kinds    []ding.UnitKind
	Flat     bool // a search or a kind filter: a table instead of the tree
	Tree     []*unitNode
	Units    []*ding.Unit
	Names    map[int64]string // parent names for the table
	Total    int
	From, To int
	Prev     template.URL // query strings of the neighbouring pages; "" when none
	Next     template.URL
	CSV      template.URL
}

func (s *Server) unitsPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	v := s.view(r, "units")
	v.Title = v.T("units.title")
	v.Crumbs = []crumb{{Label: v.Title}}

	f := ding.UnitFilter{
		Query:           strings.TrimSpace(q.Get("q")),
		Kind:            ding.UnitKind(q.Get("kind")),
		IncludeDisabled: q.Get("disabled") == "1",
	}
	if !f.Kind.Valid() {
		f.Kind = "" // an unknown kind in a hand-made URL just means any kind
	}
	d := &unitsListData{Query: f.Query, Kind: string(f.Kind), Disabled: f.IncludeDisabled, Kinds: ding.UnitKinds,
		Flat: f.Query != "" || f.Kind != ""}
	params := url.Values{}
	if f.Query != "" {
		params.Set("q", f.Query)
	}
	if f.Kind != "" {
		params.Set("kind", string(f.Kind))
	}
	if f.IncludeDisabled {
		params.Set("disabled", "1")
	}
	if q.Get("format") == "csv" {
		return s.unitsCSV(w, r, v, f)
	}
	withParam := func(k, val string) template.URL {
		p := url.Values{}
		for key, vals := range params {
			p[key] = vals
		}
		p.Set(k, val)
		return template.URL(p.Encode())
	}
	d.CSV = withParam("format", "csv")

	if !d.Flat {
		units, total, err := s.db.FindUnits(ctx, f)
		if err != nil {
			return err
		}
		d.Tree, d.Total = unitsTree(units, v), total
		v.Data = d
		s.render(w, r, "units", v)
		return nil
	}

	offset, _ := strconv.Atoi(q.Get("offset"))
	f.Limit, f.Offset = unitsPageSize, max(offset, 0)
	units, total, err := s.db.FindUnits(ctx, f)
	if err != nil {
		return err
	}
	names, err := s.unitsNames(ctx)
	if err != nil {
		return err
	}
	d.Units, d.Total, d.Names = units, total, names
	if len(units) > 0 {
		d.From, d.To = f.Offset+1, f.Offset+len(units)
	}
	if f.Offset > 0 {
		d.Prev = withParam("offset", strconv.Itoa(max(f.Offset-unitsPageSize, 0)))
	}
	if f.Offset+len(units) < total {
		d.Next = withParam("offset", strconv.Itoa(f.Offset+unitsPageSize))
	}
	v.Data = d
	s.render(w, r, "units", v)
	return nil
}

// unitsCSV exports the units the list shows (all pages), in tree order.
func (s *Server) unitsCSV(w http.ResponseWriter, r *http.Request, v *view, f ding.UnitFilter) error {
	ctx := r.Context()
	f.Limit, f.Offset = 0, 0
	units, _, err := s.db.FindUnits(ctx, f)
	if err != nil {
		return err
	}
	names, err := s.unitsNames(ctx)
	if err != nil {
		return err
	}
	rows := [][]string{{v.T("units.name"), v.T("units.short_name"), v.T("units.kind"), v.T("units.code"),
		v.T("units.parent_short"), v.T("units.level"), v.T("units.status")}}
	for _, row := range unitsFlatten(unitsTree(units, nil), 0, nil, nil) {
		status := v.T("units.status_active")
		if row.Disabled {
			status = v.T("units.status_disabled")
		}
		rows = append(rows, []string{row.Name, row.ShortName, v.T("unit.kind." + string(row.Kind)),
			row.Code, names[row.ParentID], strconv.Itoa(row.Depth + 1), status})
	}
	w.Header().Set("Content-Disposition", `attachment; filename="units.csv"; filename*=UTF-8''`+url.PathEscape(v.T("units.csv_filename"))+".csv")
	return writeCSV(w, "", rows)
}

// unitFormData is what unit_form.html shows.
type unitFormData struct {
	Kinds   []ding.UnitKind
	Parents []unitRow
	CanRoot bool // administrators may create a top-level unit
}

func (s *Server) unitNewPage(w http.ResponseWriter, r *http.Request) error {
	if !reqOf(r).actor.CanManageUnits() {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	v := s.view(r, "units")
	v.Form = url.Values{"parent_id": {r.URL.Query().Get("parent")}, "sort_order": {"0"}}
	return s.renderUnitForm(w, r, v, http.StatusOK)
}

func (s *Server) renderUnitForm(w http.ResponseWriter, r *http.Request, v *view, status int) error {
	parents, err := s.unitsParentChoices(r.Context(), nil)
	if err != nil {
		return err
	}
	v.Title = v.T("units.new")
	v.Crumbs = []crumb{{Label: v.T("units.title"), URL: "/units"}, {Label: v.Title}}
	v.Data = &unitFormData{Kinds: ding.UnitKinds, Parents: parents, CanRoot: reqOf(r).actor.IsAdmin()}
	s.renderStatus(w, r, status, "unit_form", v)
	return nil
}

// unitFieldsFromForm reads the unit's own fields from the posted form.
func unitFieldsFromForm(r *http.Request) (*ding.Unit, error) {
	u := &ding.Unit{
		Name:      r.PostFormValue("name"),
		ShortName: r.PostFormValue("short_name"),
		Kind:      ding.UnitKind(r.PostFormValue("kind")),
		Code:      r.PostFormValue("code"),
	}
	if so := strings.TrimSpace(r.PostFormValue("sort_order")); so != "" {
		n, err := strconv.Atoi(so)
		if err != nil {
			return nil, ding.FieldError("sort_order", "units.sort_order_invalid")
		}
		u.SortOrder = n
	}
	return u, nil
}

// isUnitFormError tells errors the user can fix in the form from those that end the request.
func isUnitFormError(err error) bool {
	c := ding.ErrorCode(err)
	return c == ding.EINVALID || c == ding.ECONFLICT
}

func (s *Server) unitCreate(w http.ResponseWriter, r *http.Request) error {
	a := reqOf(r).actor
	if !a.CanManageUnits() {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	u, err := unitFieldsFromForm(r)
	if err == nil {
		u.ParentID, err = formInt(r, "parent_id")
	}
	if err == nil && u.ParentID == 0 && !a.IsAdmin() {
		err = ding.FieldError("parent_id", "unit.parent_required")
	}
	if err == nil {
		err = s.db.CreateUnit(r.Context(), u)
	}
	if err != nil {
		if !isUnitFormError(err) {
			return err
		}
		v := s.view(r, "units")
		v.Form = r.PostForm
		v.withFormError(err)
		return s.renderUnitForm(w, r, v, statusOf(ding.AsError(err).Code))
	}
	return redirect(w, r, "/units/"+itoa(u.ID), "created")
}

// unitData is what unit.html shows.
type unitData struct {
	Unit        *ding.Unit
	Parent      *ding.Unit // nil for a root or a parent outside the caller's scope
	Children    []*ding.Unit
	Users       []*ding.User
	UserTotal   int
	Kinds       []ding.UnitKind
	MoveParents []unitRow // where the unit may be moved; empty hides the move form
}

// unitUsersShown caps the users listed on a unit's page; the users page has them all.
const unitUsersShown = 100

func (s *Server) unitPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return s.renderUnit(w, r, id, http.StatusOK, nil)
}

// renderUnit shows a unit's page; with formErr it shows the posted values and the error.
func (s *Server) renderUnit(w http.ResponseWriter, r *http.Request, id int64, status int, formErr error) error {
	ctx := r.Context()
	u, err := s.db.FindUnitByID(ctx, id)
	if err != nil {
		return err
	}
	path, err := s.db.UnitPath(ctx, id)
	if err != nil {
		return err
	}
	children, _, err := s.db.FindUnits(ctx, ding.UnitFilter{ParentID: &id, IncludeDisabled: true})
	if err != nil {
		return err
	}
	users, userTotal, err := s.db.FindUsers(ctx, ding.UserFilter{UnitID: id, IncludeDisabled: true, Limit: unitUsersShown})
	if err != nil {
		return err
	}
	v := s.view(r, "units")
	v.Title = u.Name
	v.Crumbs = []crumb{{Label: v.T("units.title"), URL: "/units"}}
	for _, p := range path {
		v.Crumbs = append(v.Crumbs, crumb{Label: p.Name, URL: "/units/" + itoa(p.ID)})
	}
	d := &unitData{Unit: u, Children: children, Users: users, UserTotal: userTotal, Kinds: ding.UnitKinds}
	if n := len(path); n >= 2 && path[n-2].ID == u.ParentID {
		d.Parent = path[n-2]
	}
	if v.Can("units") {
		subtree, _, err := s.db.FindUnits(ctx, ding.UnitFilter{Under: id, IncludeDisabled: true})
		if err != nil {
			return err
		}
		skip := make(map[int64]bool, len(subtree))
		for _, x := range subtree {
			skip[x.ID] = true
		}
		if d.MoveParents, err = s.unitsParentChoices(ctx, skip); err != nil {
			return err
		}
	}
	v.Form = url.Values{
		"name": {u.Name}, "short_name": {u.ShortName}, "kind": {string(u.Kind)}, "code": {u.Code},
		"sort_order": {strconv.Itoa(u.SortOrder)}, "parent_id": {itoa(u.ParentID)},
	}
	if formErr != nil {
		for k, vals := range r.PostForm {
			if k != csrfField {
				v.Form[k] = vals
			}
		}
		v.withFormError(formErr)
	}
	v.Data = d
	s.renderStatus(w, r, status, "unit", v)
	return nil
}

// unitFormFailed answers a failed change of unit id: fixable errors show the page again
// with the message, anything else (not found, forbidden, internal) ends the request. The
// checks keep a wrong role or a unit outside the scope from seeing a form error instead.
func (s *Server) unitFormFailed(w http.ResponseWriter, r *http.Request, id int64, err error) error {
	if !isUnitFormError(err) {
		return err
	}
	if _, err := s.db.FindUnitByID(r.Context(), id); err != nil {
		return err
	}
	if !reqOf(r).actor.CanManageUnits() {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	return s.renderUnit(w, r, id, statusOf(ding.AsError(err).Code), err)
}

func (s *Server) unitUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	u, err := unitFieldsFromForm(r)
	if err == nil {
		_, err = s.db.UpdateUnit(r.Context(), id, ding.UnitUpdate{
			Name: &u.Name, ShortName: &u.ShortName, Kind: &u.Kind, Code: &u.Code, SortOrder: &u.SortOrder,
		})
	}
	if err != nil {
		return s.unitFormFailed(w, r, id, err)
	}
	return redirect(w, r, "/units/"+itoa(id), "saved")
}

func (s *Server) unitMove(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	parentID, err := formInt(r, "parent_id")
	if err == nil {
		_, err = s.db.MoveUnit(r.Context(), id, parentID)
	}
	if err != nil {
		return s.unitFormFailed(w, r, id, err)
	}
	return redirect(w, r, "/units/"+itoa(id), "moved")
}

func (s *Server) unitSetDisabled(disabled bool) func(http.ResponseWriter, *http.Request) error {
	flash := "unit_enabled"
	if disabled {
		flash = "unit_disabled"
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		if _, err := s.db.UpdateUnit(r.Context(), id, ding.UnitUpdate{Disabled: &disabled}); err != nil {
			return s.unitFormFailed(w, r, id, err)
		}
		return redirect(w, r, "/units/"+itoa(id), flash)
	}
}

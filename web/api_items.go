package web

// The JSON API of demands (诉求) and action items (交办事项): the list, raising a demand or
// creating an action item, one item with its history, attachments and the steps the caller
// may take, the steps of the flow, attachments (multipart upload) and the demand settings
// (types and clocks) (docs/api.md, "Demands and action items").

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"ding"
	"ding/i18n"
	"ding/store"
)

func (s *Server) apiItemRoutes() {
	s.handle("GET /api/v1/items", s.api(s.apiListItems))
	s.handle("POST /api/v1/items", s.api(s.apiCreateItem))
	s.handle("GET /api/v1/items/{id}", s.api(s.apiGetItem))
	s.handle("POST /api/v1/items/{id}/steps", s.api(s.apiStepItem))
	s.handle("GET /api/v1/items/{id}/files", s.api(s.apiItemFiles))
	s.handle("POST /api/v1/items/{id}/files", s.api(s.apiAddItemFiles))
	s.handle("GET /api/v1/items/{id}/files/{fid}", s.apiItemFileGet)
	s.handle("GET /api/v1/demand-settings", s.api(s.apiDemandSettings))
	s.handle("PUT /api/v1/demand-settings", s.api(s.apiSetDemandSettings))
	s.apiCalendarRoutes() // api_calendar.go
}

// apiItem is an item with its kind and status named in the caller's language.
type apiItem struct {
	*ding.Item
	KindName   string `json:"kind_name"`
	StatusName string `json:"status_name"`
}

func apiItemOf(lang string, it *ding.Item) apiItem {
	if it.Units == nil {
		it.Units = []ding.ItemUnit{}
	}
	return apiItem{Item: it, KindName: i18n.T(lang, "item.kind."+string(it.Kind)), StatusName: i18n.T(lang, "item.status."+string(it.Status))}
}

// apiItemDetail is one item with its history (oldest first), its attachments and the
// steps the caller may take now.
type apiItemDetail struct {
	apiItem
	History []*store.ItemEvent `json:"history"`
	Files   []*store.ItemFile  `json:"files"`
	Actions []string           `json:"actions"`
}

// apiItemFilter reads the list's filters strictly: a malformed one is 422 naming it.
func apiItemFilter(r *http.Request) (store.ItemFilter, error) {
	q := r.URL.Query()
	var f store.ItemFilter
	var err error
	if k := strings.TrimSpace(q.Get("kind")); k != "" {
		if k != string(ding.DemandItem) && k != string(ding.ActionItem) {
			return f, ding.FieldError("kind", "err.bad_param", "kind")
		}
		f.Kind = ding.ItemKind(k)
	}
	if st := strings.TrimSpace(q.Get("status")); st != "" {
		if !slices.Contains(ding.ItemStatuses, ding.ItemStatus(st)) {
			return f, ding.FieldError("status", "err.bad_param", "status")
		}
		f.Status = ding.ItemStatus(st)
	}
	if f.Open, err = apiQueryBool(r, "open"); err != nil {
		return f, err
	}
	if f.Overdue, err = apiQueryBool(r, "overdue"); err != nil {
		return f, err
	}
	if f.UnitID, _, err = apiQueryID(r, "unit_id", false); err != nil {
		return f, err
	}
	if f.ProjectID, _, err = apiQueryID(r, "project_id", false); err != nil {
		return f, err
	}
	if f.MeetingID, _, err = apiQueryID(r, "meeting_id", false); err != nil {
		return f, err
	}
	f.Type = strings.TrimSpace(q.Get("type"))
	f.Q = strings.TrimSpace(q.Get("q"))
	if so := strings.TrimSpace(q.Get("sort")); so != "" {
		if !slices.Contains(itemSortCols, so) {
			return f, ding.FieldError("sort", "err.bad_param", "sort")
		}
		f.Sort = so
	}
	if f.Desc, err = apiQueryBool(r, "desc"); err != nil {
		return f, err
	}
	return f, nil
}

func (s *Server) apiListItems(w http.ResponseWriter, r *http.Request) (any, error) {
	p, err := apiPageOf(r)
	if err != nil {
		return nil, err
	}
	f, err := apiItemFilter(r)
	if err != nil {
		return nil, err
	}
	f.Limit, f.Offset = p.Limit, p.Offset
	its, total, err := s.db.FindItems(r.Context(), f)
	if err != nil {
		return nil, err
	}
	lang := s.apiLang(r)
	items := make([]apiItem, 0, len(its))
	for _, it := range its {
		items = append(items, apiItemOf(lang, it))
	}
	return newAPIList(items, total, p), nil
}

// apiItemUnit is a unit of an assignment as a client sends it.
type apiItemUnit struct {
	UnitID int64  `json:"unit_id"`
	Lead   bool   `json:"lead"`
	Part   string `json:"part"`
}

func itemUnitsOf(in []apiItemUnit) []ding.ItemUnit {
	var out []ding.ItemUnit
	for _, u := range in {
		out = append(out, ding.ItemUnit{UnitID: u.UnitID, Lead: u.Lead, Part: u.Part})
	}
	return out
}

// apiItemInput is the body of POST /items.
type apiItemInput struct {
	Kind        ding.ItemKind `json:"kind"` // default demand
	ProjectID   int64         `json:"project_id"`
	UnitID      int64         `json:"unit_id"`
	Type        string        `json:"type"`
	Title       string        `json:"title"`
	Description string        `json:"description"`
	Request     string        `json:"request"`
	Units       []apiItemUnit `json:"units"`
	CloseDue    ding.Date     `json:"close_due"`
	DecidedBy   int64         `json:"decided_by"`
	Decision    string        `json:"decision"`
}

func (s *Server) apiCreateItem(w http.ResponseWriter, r *http.Request) (any, error) {
	var in apiItemInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	if in.Kind == "" {
		in.Kind = ding.DemandItem
	}
	it := &ding.Item{Kind: in.Kind, ProjectID: in.ProjectID, UnitID: in.UnitID, Type: in.Type, Title: in.Title, Description: in.Description,
		Request: in.Request, Units: itemUnitsOf(in.Units), CloseDue: in.CloseDue, DecidedBy: in.DecidedBy, Decision: in.Decision}
	if err := s.db.CreateItem(r.Context(), it); err != nil {
		if ding.ErrorCode(err) == ding.ENOTFOUND && in.ProjectID != 0 {
			return nil, ding.FieldError("project_id", "itemui.project_unknown")
		}
		return nil, err
	}
	fresh, err := s.db.FindItem(r.Context(), it.ID)
	if err != nil {
		return nil, err
	}
	return apiCreated(apiItemOf(s.apiLang(r), fresh)), nil
}

func (s *Server) apiGetItem(w http.ResponseWriter, r *http.Request) (any, error) {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	it, err := s.db.FindItem(ctx, id)
	if err != nil {
		return nil, err
	}
	hist, err := s.db.ItemHistory(ctx, id)
	if err != nil {
		return nil, err
	}
	files, err := s.db.ItemFiles(ctx, id)
	if err != nil {
		return nil, err
	}
	acts, _, err := s.itemSteps(ctx, reqOf(r).actor, it)
	if err != nil {
		return nil, err
	}
	if hist == nil {
		hist = []*store.ItemEvent{}
	}
	if acts == nil {
		acts = []string{}
	}
	return apiItemDetail{apiItem: apiItemOf(s.apiLang(r), it), History: hist, Files: files, Actions: acts}, nil
}

// apiStepInput is the body of POST /items/{id}/steps.
type apiStepInput struct {
	Action     ding.ItemAction `json:"action"`
	Comment    string          `json:"comment"`
	Units      []apiItemUnit   `json:"units"`
	UnitID     int64           `json:"unit_id"`
	Done       bool            `json:"done"`
	OnSite     bool            `json:"on_site"`
	OnBehalfOf int64           `json:"on_behalf_of"`
	Version    int             `json:"version"`
}

func (s *Server) apiStepItem(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var in apiStepInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	if !slices.Contains([]ding.ItemAction{ding.ItemAccept, ding.ItemReject, ding.ItemDecide, ding.ItemReport, ding.ItemClose, ding.ItemConfirm, ding.ItemReopen}, in.Action) {
		return nil, ding.FieldError("action", "itemui.action_unknown")
	}
	if in.Version <= 0 {
		return nil, ding.FieldError("version", "itemui.version_required")
	}
	it, err := s.db.StepItem(r.Context(), id, store.ItemStep{Action: in.Action, Comment: in.Comment, Units: itemUnitsOf(in.Units), UnitID: in.UnitID,
		Done: in.Done, OnSite: in.OnSite, OnBehalfOf: in.OnBehalfOf, Version: in.Version})
	if err != nil {
		return nil, err
	}
	fresh, err := s.db.FindItem(r.Context(), it.ID)
	if err != nil {
		return nil, err
	}
	return apiItemOf(s.apiLang(r), fresh), nil
}

// apiItemFilesAnswer is an item's attachments.
type apiItemFilesAnswer struct {
	Items []*store.ItemFile `json:"items"`
	Total int               `json:"total"`
}

func (s *Server) apiItemFiles(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	fs, err := s.db.ItemFiles(r.Context(), id)
	if err != nil {
		return nil, err
	}
	return apiItemFilesAnswer{Items: fs, Total: len(fs)}, nil
}

// apiAddItemFiles uploads attachments: multipart/form-data with one or more parts named
// "file" (or "files"). Every file is checked before any is stored; 201 with the new ones.
func (s *Server) apiAddItemFiles(w http.ResponseWriter, r *http.Request) (any, error) {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	if _, err := s.db.FindItem(ctx, id); err != nil {
		return nil, err
	}
	if !isMultipart(r) {
		return nil, ding.FieldError("file", "itemui.files_required")
	}
	if err := r.ParseMultipartForm(uploadMemory); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, ding.Errorf(ding.ETOOLARGE, "err.too_large", byteSize(mbe.Limit))
		}
		return nil, ding.Errorf(ding.EINVALID, "err.bad_upload")
	}
	defer r.MultipartForm.RemoveAll()
	parts := append(r.MultipartForm.File["file"], r.MultipartForm.File["files"]...)
	ups, err := checkAttachments(s.apiLang(r), parts)
	if err != nil {
		return nil, err
	}
	if len(ups) == 0 {
		return nil, ding.FieldError("file", "itemui.files_required")
	}
	var files []store.ItemFile
	for _, u := range ups {
		f, err := s.storeAttachment(u)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	out, err := s.db.AddItemFiles(ctx, id, files)
	if err != nil {
		return nil, err
	}
	return apiCreated(apiItemFilesAnswer{Items: out, Total: len(out)}), nil
}

// apiItemFileGet sends an attachment's content (not JSON; errors are).
func (s *Server) apiItemFileGet(w http.ResponseWriter, r *http.Request) {
	if reqOf(r).user == nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="ding"`)
		s.fail(w, r, ding.Errorf(ding.EUNAUTHORIZED, "err.unauthorized"))
		return
	}
	err := func() error {
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
	}()
	if err != nil {
		s.fail(w, r, err)
	}
}

// apiDemandSettingsBody is the demand types and the service clocks.
type apiDemandSettingsBody struct {
	Types  []string         `json:"types"`
	Clocks *ding.ItemClocks `json:"clocks"`
}

func (s *Server) apiDemandSettings(w http.ResponseWriter, r *http.Request) (any, error) {
	types, err := s.db.DemandTypes(r.Context())
	if err != nil {
		return nil, err
	}
	c, err := s.db.ItemClocks(r.Context())
	if err != nil {
		return nil, err
	}
	return apiDemandSettingsBody{Types: types, Clocks: &c}, nil
}

// apiSetDemandSettings replaces the types and the clocks; both are checked before either
// is saved. A field left out keeps its value.
func (s *Server) apiSetDemandSettings(w http.ResponseWriter, r *http.Request) (any, error) {
	ctx := r.Context()
	if !isOffice(reqOf(r).actor) {
		return nil, ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	var in apiDemandSettingsBody
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	if in.Clocks != nil {
		if err := in.Clocks.Validate(); err != nil {
			e := *ding.AsError(err)
			e.Field = "clocks." + e.Field
			return nil, &e
		}
	}
	if in.Types != nil {
		if err := s.db.SetDemandTypes(ctx, in.Types); err != nil {
			return nil, err
		}
	}
	if in.Clocks != nil {
		if err := s.db.SetItemClocks(ctx, *in.Clocks); err != nil {
			return nil, err
		}
	}
	return s.apiDemandSettings(w, r)
}

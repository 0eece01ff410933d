package web

import (
	"net/http"
	"strings"

	"ding"
)

func (s *Server) apiUnitRoutes() {
	s.handle("GET /api/v1/units", s.api(s.apiListUnits))
	s.handle("POST /api/v1/units", s.api(s.apiCreateUnit))
	s.handle("GET /api/v1/units/{id}", s.api(s.apiGetUnit))
	s.handle("PATCH /api/v1/units/{id}", s.api(s.apiUpdateUnit))
	s.handle("POST /api/v1/units/{id}/move", s.api(s.apiMoveUnit))
	s.handle("GET /api/v1/units/{id}/path", s.api(s.apiUnitPath))
}

// apiListUnits lists units in the caller's scope; filters q, kind, parent_id (0: roots),
// under (a subtree), include_disabled.
func (s *Server) apiListUnits(w http.ResponseWriter, r *http.Request) (any, error) {
	p, err := apiPageOf(r)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	f := ding.UnitFilter{Query: strings.TrimSpace(q.Get("q")), Limit: p.Limit, Offset: p.Offset}
	if k := strings.TrimSpace(q.Get("kind")); k != "" {
		f.Kind = ding.UnitKind(k)
		if !f.Kind.Valid() {
			return nil, ding.FieldError("kind", "err.bad_param", "kind")
		}
	}
	parent, set, err := apiQueryID(r, "parent_id", true)
	if err != nil {
		return nil, err
	}
	if set {
		f.ParentID = &parent
	}
	if f.Under, _, err = apiQueryID(r, "under", false); err != nil {
		return nil, err
	}
	if f.IncludeDisabled, err = apiQueryBool(r, "include_disabled"); err != nil {
		return nil, err
	}
	units, total, err := s.db.FindUnits(r.Context(), f)
	if err != nil {
		return nil, err
	}
	return newAPIList(units, total, p), nil
}

// apiUnitInput is the body of POST /api/v1/units.
type apiUnitInput struct {
	ParentID  int64         `json:"parent_id"`
	Name      string        `json:"name"`
	ShortName string        `json:"short_name"`
	Kind      ding.UnitKind `json:"kind"`
	Code      string        `json:"code"`
	SortOrder int           `json:"sort_order"`
	Disabled  bool          `json:"disabled"`
}

func (s *Server) apiCreateUnit(w http.ResponseWriter, r *http.Request) (any, error) {
	var in apiUnitInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	u := &ding.Unit{ParentID: in.ParentID, Name: in.Name, ShortName: in.ShortName, Kind: in.Kind,
		Code: in.Code, SortOrder: in.SortOrder, Disabled: in.Disabled}
	if err := s.db.CreateUnit(r.Context(), u); err != nil {
		return nil, err
	}
	return apiCreated(u), nil
}

func (s *Server) apiGetUnit(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	return s.db.FindUnitByID(r.Context(), id)
}

// apiUpdateUnit changes the fields present in the body; absent or null fields stay.
func (s *Server) apiUpdateUnit(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var upd ding.UnitUpdate
	if err := s.decodeJSON(r, &upd); err != nil {
		return nil, err
	}
	return s.db.UpdateUnit(r.Context(), id, upd)
}

// apiMoveInput is the body of POST /api/v1/units/{id}/move.
type apiMoveInput struct {
	ParentID int64 `json:"parent_id"`
}

func (s *Server) apiMoveUnit(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var in apiMoveInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	return s.db.MoveUnit(r.Context(), id, in.ParentID)
}

// apiPathAnswer is a unit's ancestors, root first, ending with the unit (not paged).
type apiPathAnswer struct {
	Items []*ding.Unit `json:"items"`
	Total int          `json:"total"`
}

func (s *Server) apiUnitPath(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	units, err := s.db.UnitPath(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if units == nil {
		units = []*ding.Unit{}
	}
	return apiPathAnswer{Items: units, Total: len(units)}, nil
}

package web

// The JSON API of the monthly bulletin (docs/api.md, "Monthly bulletins"): the bulletins
// the caller may see, one with its cut, summary and commentary, building a month's
// bulletin, commentary and publishing.

import (
	"net/http"
	"strconv"

	"ding"
	"ding/store"
)

func (s *Server) apiBulletinRoutes() {
	s.handle("GET /api/v1/bulletins", s.api(s.apiListBulletins))
	s.handle("POST /api/v1/bulletins", s.api(s.apiBuildBulletin))
	s.handle("GET /api/v1/bulletins/{id}", s.api(s.apiGetBulletin))
	s.handle("POST /api/v1/bulletins/{id}/comments", s.api(s.apiAddBulletinComment))
	s.handle("DELETE /api/v1/bulletins/{id}/comments/{cid}", s.api(s.apiRemoveBulletinComment))
	s.handle("POST /api/v1/bulletins/{id}/publish", s.api(s.apiPublishBulletin))
}

// apiBulletin is a bulletin with its area and summary sentences.
type apiBulletin struct {
	*ding.Bulletin
	Area    string   `json:"area"`
	Summary []string `json:"summary"`
}

func apiBulletinOf(b *ding.Bulletin) apiBulletin {
	out := apiBulletin{Bulletin: b, Area: store.AreaName(b.UnitName)}
	if b.Data != nil {
		out.Summary = b.Data.Summary(out.Area, b.Year, b.Month)
	}
	if b.Comments == nil {
		b.Comments = []*ding.BulletinComment{}
	}
	return out
}

// apiListBulletins answers the bulletins the caller may see, newest first, without their
// cut (filters: unit_id, year, month).
func (s *Server) apiListBulletins(w http.ResponseWriter, r *http.Request) (any, error) {
	p, err := apiPageOf(r)
	if err != nil {
		return nil, err
	}
	var f store.BulletinFilter
	if f.UnitID, _, err = apiQueryID(r, "unit_id", false); err != nil {
		return nil, err
	}
	if f.Year, err = apiQueryInt(r, "year", 0, 2100, 0); err != nil {
		return nil, err
	}
	if f.Month, err = apiQueryInt(r, "month", 0, 12, 0); err != nil {
		return nil, err
	}
	bs, err := s.db.FindBulletins(r.Context(), f)
	if err != nil {
		return nil, err
	}
	for _, b := range bs {
		b.Data = nil
	}
	return newAPIList(apiSlice(bs, p), len(bs), p), nil
}

func (s *Server) apiGetBulletin(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	b, err := s.db.FindBulletin(r.Context(), id)
	if err != nil {
		return nil, err
	}
	return apiBulletinOf(b), nil
}

// apiBulletinBuild is the body of POST /bulletins.
type apiBulletinBuild struct {
	UnitID int64 `json:"unit_id"` // 0: the caller's unit
	Year   int   `json:"year"`
	Month  int   `json:"month"`
}

// apiBuildBulletin builds a month's bulletin, or rebuilds its draft: 201 when new, 200
// when rebuilt.
func (s *Server) apiBuildBulletin(w http.ResponseWriter, r *http.Request) (any, error) {
	var in apiBulletinBuild
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	ctx := r.Context()
	unit := in.UnitID
	if a := reqOf(r).actor; unit == 0 && a != nil {
		unit = a.UnitID
	}
	before, err := s.db.FindBulletins(ctx, store.BulletinFilter{UnitID: unit, Year: in.Year, Month: in.Month})
	if err != nil {
		return nil, err
	}
	b, err := s.db.BuildBulletin(ctx, in.UnitID, in.Year, in.Month)
	if err != nil {
		return nil, err
	}
	if len(before) == 0 {
		return apiCreated(apiBulletinOf(b)), nil
	}
	return apiBulletinOf(b), nil
}

// apiBulletinCommentInput is the body of POST /bulletins/{id}/comments.
type apiBulletinCommentInput struct {
	Kind     string `json:"kind"` // general, unit, project
	TargetID int64  `json:"target_id"`
	Text     string `json:"text"`
}

func (s *Server) apiAddBulletinComment(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var in apiBulletinCommentInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	c := &ding.BulletinComment{BulletinID: id, Kind: in.Kind, TargetID: in.TargetID, Text: in.Text}
	if err := s.db.AddBulletinComment(r.Context(), c); err != nil {
		return nil, err
	}
	return apiCreated(c), nil
}

func (s *Server) apiRemoveBulletinComment(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	cid, err := strconv.ParseInt(r.PathValue("cid"), 10, 64)
	if err != nil || cid <= 0 {
		return nil, ding.Errorf(ding.ENOTFOUND, "err.page_not_found")
	}
	return nil, s.db.RemoveBulletinComment(r.Context(), id, cid)
}

// apiBulletinPublish is the body of POST /bulletins/{id}/publish.
type apiBulletinPublish struct {
	Version int `json:"version"`
}

func (s *Server) apiPublishBulletin(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var in apiBulletinPublish
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	if in.Version <= 0 {
		return nil, ding.FieldError("version", "field.required")
	}
	b, err := s.db.PublishBulletin(r.Context(), id, in.Version)
	if err != nil {
		return nil, err
	}
	return apiBulletinOf(b), nil
}

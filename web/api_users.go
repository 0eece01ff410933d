package web

import (
	"net/http"
	"strings"

	"ding"
	"ding/auth"
)

func (s *Server) apiUserRoutes() {
	s.handle("GET /api/v1/users", s.api(s.apiListUsers))
	s.handle("POST /api/v1/users", s.api(s.apiCreateUser))
	s.handle("GET /api/v1/users/{id}", s.api(s.apiGetUser))
	s.handle("PATCH /api/v1/users/{id}", s.api(s.apiUpdateUser))
	s.handle("POST /api/v1/users/{id}/password", s.api(s.apiSetPassword))
}

// apiListUsers lists users visible to the caller; filters q, unit_id, under, role,
// include_disabled.
func (s *Server) apiListUsers(w http.ResponseWriter, r *http.Request) (any, error) {
	p, err := apiPageOf(r)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	f := ding.UserFilter{Query: strings.TrimSpace(q.Get("q")), Limit: p.Limit, Offset: p.Offset}
	if v := strings.TrimSpace(q.Get("role")); v != "" {
		f.Role = ding.Role(v)
		if !f.Role.Valid() {
			return nil, ding.FieldError("role", "err.bad_param", "role")
		}
	}
	if f.UnitID, _, err = apiQueryID(r, "unit_id", false); err != nil {
		return nil, err
	}
	if f.Under, _, err = apiQueryID(r, "under", false); err != nil {
		return nil, err
	}
	if f.IncludeDisabled, err = apiQueryBool(r, "include_disabled"); err != nil {
		return nil, err
	}
	users, total, err := s.db.FindUsers(r.Context(), f)
	if err != nil {
		return nil, err
	}
	return newAPIList(users, total, p), nil
}

// apiUserInput is the body of POST /api/v1/users.
type apiUserInput struct {
	Username    string         `json:"username"`
	DisplayName string         `json:"display_name"`
	UnitID      int64          `json:"unit_id"`
	Role        ding.Role      `json:"role"`
	Scope       ding.DataScope `json:"scope"` // empty: the role's default
	Email       string         `json:"email"`
	Phone       string         `json:"phone"`
	Lang        string         `json:"lang"`
	Password    string         `json:"password"`
}

func (s *Server) apiCreateUser(w http.ResponseWriter, r *http.Request) (any, error) {
	// Refuse early those who may never create users, before any password hashing.
	if !reqOf(r).actor.CanManageUsers() {
		return nil, ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	var in apiUserInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	u := &ding.User{Username: in.Username, DisplayName: in.DisplayName, UnitID: in.UnitID, Role: in.Role,
		Scope: in.Scope, Email: in.Email, Phone: in.Phone, Lang: in.Lang}
	u.Normalize()
	if err := u.Validate(); err != nil {
		return nil, err
	}
	if err := ding.ValidatePassword(in.Password); err != nil {
		return nil, err
	}
	hash, err := s.opts.Hasher.Hash(in.Password)
	if err != nil {
		return nil, ding.Internal(err, "hash password")
	}
	if err := s.db.CreateUser(r.Context(), u, hash); err != nil {
		return nil, err
	}
	return apiCreated(u), nil
}

func (s *Server) apiGetUser(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	return s.db.FindUserByID(r.Context(), id)
}

// apiUpdateUser changes the fields present in the body; absent or null fields stay.
func (s *Server) apiUpdateUser(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var upd ding.UserUpdate
	if err := s.decodeJSON(r, &upd); err != nil {
		return nil, err
	}
	return s.db.UpdateUser(r.Context(), id, upd)
}

// apiPasswordInput is the body of POST /api/v1/users/{id}/password.
type apiPasswordInput struct {
	Password        string `json:"password"`
	CurrentPassword string `json:"current_password"` // required when changing one's own
}

// apiSetPassword sets a user's password: one's own after checking the current one, or
// another's as their manager (a reset). The user's other sessions end; the caller's own
// session, if it is a cookie caller, survives.
func (s *Server) apiSetPassword(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	q := reqOf(r)
	self := q.user.ID == id
	if !self && !q.actor.CanManageUsers() {
		return nil, ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	if _, err := s.db.FindUserByID(r.Context(), id); err != nil {
		return nil, err
	}
	var in apiPasswordInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	if self {
		if in.CurrentPassword == "" {
			return nil, ding.FieldError("current_password", "api.current_password_required")
		}
		rec, err := s.db.UserForLogin(r.Context(), q.user.Username)
		if err != nil {
			return nil, err
		}
		if ok, _ := auth.VerifyContext(r.Context(), rec.PasswordHash, in.CurrentPassword); !ok {
			return nil, ding.FieldError("current_password", "user.password_wrong")
		}
	}
	if err := ding.ValidatePassword(in.Password); err != nil {
		return nil, err
	}
	hash, err := s.opts.Hasher.Hash(in.Password)
	if err != nil {
		return nil, ding.Internal(err, "hash password")
	}
	var keep int64
	if q.session != nil {
		keep = q.session.ID
	}
	if err := s.db.SetPassword(r.Context(), id, hash, keep); err != nil {
		return nil, err
	}
	return nil, nil
}

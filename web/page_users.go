package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"ding"
)

// usersPageSize is how many users one page of the list shows.
const usersPageSize = 50

func (s *Server) userPageRoutes() {
	s.handle("GET /users", s.page(s.usersPage, true))
	s.handle("GET /users/new", s.page(s.userNewPage, true))
	s.handle("POST /users", s.page(s.userCreate, true))
	s.handle("GET /users/{id}", s.page(s.userPage, true))
	s.handle("POST /users/{id}", s.page(s.userUpdate, true))
	s.handle("POST /users/{id}/disable", s.page(s.userSetDisabled(true), true))
	s.handle("POST /users/{id}/enable", s.page(s.userSetDisabled(false), true))
	s.handle("POST /users/{id}/password", s.page(s.userResetPassword, true))
}

// userRow is a user with the status shown in lists: active, disabled or locked.
type userRow struct {
	*ding.User
	Status string
}

func userStatus(u *ding.User, now time.Time) string {
	switch {
	case u.Disabled:
		return "disabled"
	case u.LockedUntil != nil && u.LockedUntil.After(now):
		return "locked"
	}
	return "active"
}

// usersPage lists the users in the caller's scope, filtered, paginated, or as CSV.
func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	f := ding.UserFilter{Query: strings.TrimSpace(q.Get("q")), IncludeDisabled: q.Get("disabled") == "1"}
	unitID, err := formInt(r, "unit")
	if err != nil {
		return err
	}
	if unitID > 0 {
		if q.Get("sub") == "1" {
			f.Under = unitID
		} else {
			f.UnitID = unitID
		}
	}
	if role := ding.Role(q.Get("role")); role.Valid() {
		f.Role = role
	}
	now := s.db.Now()
	v := s.view(r, "users")
	if q.Get("format") == "csv" {
		users, _, err := s.db.FindUsers(ctx, f)
		if err != nil {
			return err
		}
		rows := [][]string{{v.T("users.col.username"), v.T("users.col.name"), v.T("users.col.unit"), v.T("users.col.role"),
			v.T("users.col.scope"), v.T("users.col.status"), v.T("users.col.email"), v.T("users.col.phone"),
			v.T("users.col.last_login"), v.T("users.col.created")}}
		for _, u := range users {
			rows = append(rows, []string{u.Username, u.DisplayName, u.UnitName, v.T("role." + string(u.Role)),
				v.T("scope." + string(u.Scope)), v.T("users.status." + userStatus(u, now)), u.Email, u.Phone,
				csvTime(u.LastLoginAt), csvTime(&u.CreatedAt)})
		}
		return writeCSV(w, "users-"+now.In(shanghai).Format("20060102")+".csv", rows)
	}
	pg := pageParam(q)
	f.Limit, f.Offset = usersPageSize, (pg-1)*usersPageSize
	users, total, err := s.db.FindUsers(ctx, f)
	if err != nil {
		return err
	}
	units, _, err := s.db.FindUnits(ctx, ding.UnitFilter{IncludeDisabled: true})
	if err != nil {
		return err
	}
	rows := make([]userRow, len(users))
	for i, u := range users {
		rows[i] = userRow{User: u, Status: userStatus(u, now)}
	}
	v.Title = v.T("users.title")
	v.Crumbs = []crumb{{Label: v.Title}}
	v.Form = q
	v.Data = map[string]any{
		"Rows":      rows,
		"Units":     unitOptions(units),
		"Roles":     ding.Roles,
		"Pager":     newPager(r, total, pg, usersPageSize),
		"ExportURL": exportURL(r),
	}
	s.render(w, r, "users", v)
	return nil
}

// userPageData is what user.html shows: the create form (New), or one user with the
// edit form and account actions.
type userPageData struct {
	New     bool
	User    *ding.User
	Status  string
	CanEdit bool
	IsSelf  bool
	Units   []unitOption
	Roles   []ding.Role
	Scopes  []ding.DataScope
}

// canEditUser mirrors the store's rule so that a page offers only what will work, and so
// that a role without the right gets 403 before its input is judged; the store decides.
func canEditUser(a *ding.Actor, u *ding.User) bool {
	return a.CanManageUsers() && (a.IsAdmin() || u.Role != ding.RoleAdmin)
}

// userGrantable lists the roles and scopes the actor may hand out: only administrators give
// the administrator role or the "all" scope.
func userGrantable(a *ding.Actor) ([]ding.Role, []ding.DataScope) {
	if a.IsAdmin() {
		return ding.Roles, ding.Scopes
	}
	var roles []ding.Role
	for _, r := range ding.Roles {
		if r != ding.RoleAdmin {
			roles = append(roles, r)
		}
	}
	var scopes []ding.DataScope
	for _, sc := range ding.Scopes {
		if sc != ding.ScopeAll {
			scopes = append(scopes, sc)
		}
	}
	return roles, scopes
}

// userFormUnits returns the units a user may be put in: the enabled units in scope, plus
// the user's current unit so that the select does not silently change it.
func (s *Server) userFormUnits(r *http.Request, current int64) ([]unitOption, error) {
	units, _, err := s.db.FindUnits(r.Context(), ding.UnitFilter{})
	if err != nil {
		return nil, err
	}
	opts := unitOptions(units)
	if current == 0 {
		return opts, nil
	}
	for _, o := range opts {
		if o.ID == current {
			return opts, nil
		}
	}
	if u, err := s.db.FindUnitByID(r.Context(), current); err == nil {
		opts = append([]unitOption{{ID: u.ID, Label: u.Name, Disabled: u.Disabled}}, opts...)
	}
	return opts, nil
}

// userFormError reports whether err re-shows the form (wrong input, a conflict) rather
// than an error page.
func userFormError(err error) bool {
	c := ding.ErrorCode(err)
	return c == ding.EINVALID || c == ding.ECONFLICT
}

func (s *Server) userNewPage(w http.ResponseWriter, r *http.Request) error {
	if !ding.ActorFrom(r.Context()).CanManageUsers() {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	v := s.view(r, "users")
	v.Form = url.Values{"role": {string(ding.RoleLiaison)}}
	return s.renderUserNew(w, r, v, http.StatusOK)
}

func (s *Server) renderUserNew(w http.ResponseWriter, r *http.Request, v *view, status int) error {
	units, err := s.userFormUnits(r, 0)
	if err != nil {
		return err
	}
	roles, scopes := userGrantable(ding.ActorFrom(r.Context()))
	v.Title = v.T("users.new")
	v.Crumbs = []crumb{{Label: v.T("users.title"), URL: "/users"}, {Label: v.Title}}
	v.Data = userPageData{New: true, Units: units, Roles: roles, Scopes: scopes}
	s.renderStatus(w, r, status, "user", v)
	return nil
}

func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if !ding.ActorFrom(ctx).CanManageUsers() {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	u := &ding.User{
		Username:    r.PostFormValue("username"),
		DisplayName: r.PostFormValue("display_name"),
		Role:        ding.Role(r.PostFormValue("role")),
		Scope:       ding.DataScope(r.PostFormValue("scope")),
		Email:       r.PostFormValue("email"),
		Phone:       r.PostFormValue("phone"),
	}
	err := func() error {
		var err error
		if u.UnitID, err = formInt(r, "unit_id"); err != nil {
			return err
		}
		// Check the fields before the password so that errors come in form order.
		u.Normalize()
		if err := u.Validate(); err != nil {
			return err
		}
		pw := r.PostFormValue("password")
		if err := ding.ValidatePassword(pw); err != nil {
			return err
		}
		if pw != r.PostFormValue("password2") {
			return ding.FieldError("password2", "user.password_mismatch")
		}
		hash, err := s.opts.Hasher.Hash(pw)
		if err != nil {
			return ding.Internal(err, "hash password")
		}
		return s.db.CreateUser(ctx, u, hash)
	}()
	if err != nil {
		if !userFormError(err) {
			return err
		}
		v := s.view(r, "users")
		v.Form = r.PostForm
		v.withFormError(err)
		return s.renderUserNew(w, r, v, statusOf(ding.ErrorCode(err)))
	}
	return redirect(w, r, "/users/"+itoa(u.ID), "created")
}

// userFormValues fills the edit form from the stored user. A scope equal to the role's
// default shows as "role default", so that changing the role carries the scope along.
func userFormValues(u *ding.User) url.Values {
	scope := string(u.Scope)
	if u.Scope == u.Role.DefaultScope() {
		scope = ""
	}
	return url.Values{
		"display_name": {u.DisplayName},
		"unit_id":      {itoa(u.UnitID)},
		"role":         {string(u.Role)},
		"scope":        {scope},
		"email":        {u.Email},
		"phone":        {u.Phone},
		"lang":         {u.Lang},
	}
}

func (s *Server) userPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	u, err := s.db.FindUserByID(r.Context(), id)
	if err != nil {
		return err
	}
	v := s.view(r, "users")
	v.Form = userFormValues(u)
	return s.renderUser(w, r, v, u, http.StatusOK)
}

func (s *Server) renderUser(w http.ResponseWriter, r *http.Request, v *view, u *ding.User, status int) error {
	a := ding.ActorFrom(r.Context())
	d := userPageData{User: u, Status: userStatus(u, s.db.Now()), CanEdit: canEditUser(a, u), IsSelf: a.UserID == u.ID}
	if d.CanEdit {
		var err error
		if d.Units, err = s.userFormUnits(r, u.UnitID); err != nil {
			return err
		}
		d.Roles, d.Scopes = userGrantable(a)
	}
	v.Title = u.DisplayName
	v.Crumbs = []crumb{{Label: v.T("users.title"), URL: "/users"}, {Label: u.DisplayName}}
	v.Data = d
	s.renderStatus(w, r, status, "user", v)
	return nil
}

// userFromPath loads the user of the {id} path for a change: 404 outside the caller's
// scope, 403 when the caller may not change this user.
func (s *Server) userFromPath(r *http.Request) (*ding.User, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	u, err := s.db.FindUserByID(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !canEditUser(ding.ActorFrom(r.Context()), u) {
		return nil, ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	return u, nil
}

// userUpdateFrom reads the edit form into an update holding only what changed, so that a
// save without changes writes nothing and the audit entry shows the real change.
func userUpdateFrom(r *http.Request, u *ding.User) (ding.UserUpdate, bool, error) {
	var upd ding.UserUpdate
	changed := false
	str := func(name, cur string) *string {
		v := strings.TrimSpace(r.PostFormValue(name))
		if v == cur {
			return nil
		}
		changed = true
		return &v
	}
	upd.DisplayName = str("display_name", u.DisplayName)
	upd.Email = str("email", u.Email)
	upd.Phone = str("phone", u.Phone)
	upd.Lang = str("lang", u.Lang)
	unitID, err := formInt(r, "unit_id")
	if err != nil {
		return upd, false, err
	}
	if unitID != u.UnitID {
		upd.UnitID, changed = &unitID, true
	}
	role := ding.Role(r.PostFormValue("role"))
	if role != u.Role {
		upd.Role, changed = &role, true
	}
	// An empty scope means the role's default.
	scope := ding.DataScope(r.PostFormValue("scope"))
	if scope == "" {
		scope = role.DefaultScope()
	}
	if scope != u.Scope {
		upd.Scope, changed = &scope, true
	}
	return upd, changed, nil
}

func (s *Server) userUpdate(w http.ResponseWriter, r *http.Request) error {
	u, err := s.userFromPath(r)
	if err != nil {
		return err
	}
	upd, changed, err := userUpdateFrom(r, u)
	if err == nil && changed {
		_, err = s.db.UpdateUser(r.Context(), u.ID, upd)
	}
	if err != nil {
		if !userFormError(err) {
			return err
		}
		v := s.view(r, "users")
		v.Form = r.PostForm
		v.withFormError(err)
		return s.renderUser(w, r, v, u, statusOf(ding.ErrorCode(err)))
	}
	return redirect(w, r, "/users/"+itoa(u.ID), "saved")
}

// userSetDisabled disables or enables an account; the store ends a disabled user's
// sessions and refuses to disable the caller.
func (s *Server) userSetDisabled(disabled bool) func(http.ResponseWriter, *http.Request) error {
	flash := "users_enabled"
	if disabled {
		flash = "users_disabled"
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := s.userFromPath(r)
		if err != nil {
			return err
		}
		if u.Disabled != disabled {
			if _, err := s.db.UpdateUser(r.Context(), u.ID, ding.UserUpdate{Disabled: &disabled}); err != nil {
				if !userFormError(err) {
					return err
				}
				v := s.view(r, "users")
				v.Form = userFormValues(u)
				v.withFormError(err)
				return s.renderUser(w, r, v, u, statusOf(ding.ErrorCode(err)))
			}
		}
		return redirect(w, r, "/users/"+itoa(u.ID), flash)
	}
}

// userResetPassword sets a new password for another user. One's own password is changed
// on the account page, which asks for the current one.
func (s *Server) userResetPassword(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, err := s.userFromPath(r)
	if err != nil {
		return err
	}
	if ding.ActorFrom(ctx).UserID == u.ID {
		return ding.Errorf(ding.EFORBIDDEN, "users.reset_own")
	}
	err = func() error {
		pw := r.PostFormValue("password")
		if err := ding.ValidatePassword(pw); err != nil {
			return err
		}
		if pw != r.PostFormValue("password2") {
			return ding.FieldError("password2", "user.password_mismatch")
		}
		hash, err := s.opts.Hasher.Hash(pw)
		if err != nil {
			return ding.Internal(err, "hash password")
		}
		return s.db.SetPassword(ctx, u.ID, hash, 0)
	}()
	if err != nil {
		if !userFormError(err) {
			return err
		}
		v := s.view(r, "users")
		v.Form = userFormValues(u)
		v.withFormError(err)
		return s.renderUser(w, r, v, u, statusOf(ding.ErrorCode(err)))
	}
	return redirect(w, r, "/users/"+itoa(u.ID), "users_password")
}

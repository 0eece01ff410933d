package web

import (
	"context"
	"net/http"
	"strings"

	"ding"
	"ding/auth"
)

// accountPageRoutes registers "my account" (我的账号): profile, password, login sessions,
// and personal API tokens (API 令牌).
func (s *Server) accountPageRoutes() {
	s.handle("GET /account", s.page(s.accountPage, true))
	s.handle("POST /account", s.page(s.accountSave, true))
	s.handle("POST /account/password", s.page(s.accountPassword, true))
	s.handle("POST /account/sessions/{id}/revoke", s.page(s.accountRevokeSession, true))
	s.handle("GET /account/tokens", s.page(s.accountTokensPage, true))
	s.handle("POST /account/tokens", s.page(s.accountTokenCreate, true))
	s.handle("POST /account/tokens/{id}/revoke", s.page(s.accountTokenRevoke, true))
}

// accountSession returns the caller's login session. Account pages need one: a leaked API
// token must not be able to mint further tokens or end its owner's sessions.
func accountSession(r *http.Request) (*ding.Session, error) {
	if q := reqOf(r); q.session != nil && q.user != nil {
		return q.session, nil
	}
	return nil, ding.Errorf(ding.EFORBIDDEN, "account.session_required")
}

// accountFormError reports whether err belongs next to the form (re-render it) rather than
// on an error page.
func accountFormError(err error) bool {
	switch ding.ErrorCode(err) {
	case ding.EINVALID, ding.ECONFLICT, ding.ETOOMANY, ding.ELOCKED:
		return true
	}
	return false
}

// accountProfile is what the profile form shows: the user's values, or what they typed.
type accountProfile struct {
	DisplayName, Email, Phone, Lang string
}

func profileOf(u *ding.User) accountProfile {
	return accountProfile{DisplayName: u.DisplayName, Email: u.Email, Phone: u.Phone, Lang: u.Lang}
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := accountSession(r); err != nil {
		return err
	}
	v := s.view(r, "account")
	return s.renderAccount(w, r, http.StatusOK, v, profileOf(reqOf(r).user))
}

// renderAccount shows the account page with the caller's live sessions.
func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, v *view, p accountProfile) error {
	sessions, err := s.db.FindSessions(r.Context())
	if err != nil {
		return err
	}
	v.Title = v.T("account.title")
	v.Crumbs = []crumb{{Label: v.Title}}
	v.Data = map[string]any{
		"Profile":  p,
		"Sessions": sessions,
		"Current":  reqOf(r).session.ID,
	}
	s.renderStatus(w, r, status, "account", v)
	return nil
}

// accountSave changes the caller's own display name, e-mail, phone and language; the
// store allows exactly these fields on oneself.
func (s *Server) accountSave(w http.ResponseWriter, r *http.Request) error {
	if _, err := accountSession(r); err != nil {
		return err
	}
	p := accountProfile{
		DisplayName: r.PostFormValue("display_name"),
		Email:       r.PostFormValue("email"),
		Phone:       r.PostFormValue("phone"),
		Lang:        r.PostFormValue("lang"),
	}
	upd := ding.UserUpdate{DisplayName: &p.DisplayName, Email: &p.Email, Phone: &p.Phone, Lang: &p.Lang}
	if _, err := s.db.UpdateUser(r.Context(), reqOf(r).user.ID, upd); err != nil {
		if !accountFormError(err) {
			return err
		}
		v := s.view(r, "account")
		v.Form = r.PostForm
		v.withFormError(err)
		return s.renderAccount(w, r, statusOf(ding.ErrorCode(err)), v, p)
	}
	return redirect(w, r, "/account", "saved")
}

// accountPassword changes the caller's password after checking the current one. The
// other sessions end; this one stays.
func (s *Server) accountPassword(w http.ResponseWriter, r *http.Request) error {
	sess, err := accountSession(r)
	if err != nil {
		return err
	}
	u := reqOf(r).user
	err = s.accountChangePassword(r.Context(), u, sess, r.PostFormValue("current_password"),
		r.PostFormValue("new_password"), r.PostFormValue("confirm_password"), reqOf(r).ip)
	if err != nil {
		if !accountFormError(err) {
			return err
		}
		// Passwords are never shown again, so the form is not refilled.
		v := s.view(r, "account")
		v.withFormError(err)
		return s.renderAccount(w, r, statusOf(ding.ErrorCode(err)), v, profileOf(u))
	}
	return redirect(w, r, "/account", "password")
}

func (s *Server) accountChangePassword(ctx context.Context, u *ding.User, sess *ding.Session, current, next, confirm, ip string) error {
	if current == "" {
		return ding.FieldError("current_password", "field.required")
	}
	if err := s.accountVerifyPassword(ctx, u, current, ip); err != nil {
		return err
	}
	if next != confirm {
		return ding.FieldError("confirm_password", "user.password_mismatch")
	}
	if err := ding.ValidatePassword(next); err != nil {
		e := *ding.AsError(err)
		e.Field = "new_password"
		return &e
	}
	if next == current {
		return ding.FieldError("new_password", "account.password_same")
	}
	hash, err := s.opts.Hasher.Hash(next)
	if err != nil {
		return ding.Internal(err, "hash password")
	}
	return s.db.SetPassword(ctx, u.ID, hash, sess.ID)
}

// accountVerifyPassword checks the current password under the login policy: wrong guesses
// count as failed logins, so that a hijacked session cannot be used to guess the password
// faster than the login form allows.
func (s *Server) accountVerifyPassword(ctx context.Context, u *ding.User, password, ip string) error {
	rec, err := s.db.UserForLogin(ctx, u.Username)
	if err != nil {
		return err
	}
	pol := s.opts.LoginPolicy
	now := s.db.Now()
	if lu := rec.User.LockedUntil; lu != nil && now.Before(*lu) {
		return &ding.Error{Code: ding.ELOCKED, Key: "login.locked", Args: []any{max(int(lu.Sub(now).Minutes())+1, 1)}, Field: "current_password"}
	}
	if rec.LastFailedAt != nil {
		if wait := pol.Delay(rec.User.FailedLogins); wait > 0 && now.Before(rec.LastFailedAt.Add(wait)) {
			return &ding.Error{Code: ding.ETOOMANY, Key: "login.too_soon", Args: []any{int(rec.LastFailedAt.Add(wait).Sub(now).Seconds()) + 1}, Field: "current_password"}
		}
	}
	ok, err := auth.VerifyContext(ctx, rec.PasswordHash, password)
	if err != nil && err != auth.ErrBadHash {
		return ding.Internal(err, "verify password")
	}
	if ok {
		return nil
	}
	n, err := s.db.RecordLoginFailure(ctx, u.ID, ip, pol)
	if err != nil {
		return err
	}
	if pol.LockAfter > 0 && n >= pol.LockAfter {
		return &ding.Error{Code: ding.ELOCKED, Key: "login.locked", Args: []any{int(pol.LockFor.Minutes())}, Field: "current_password"}
	}
	return ding.FieldError("current_password", "user.password_wrong")
}

// accountRevokeSession ends one of the caller's sessions; ending the current one logs out.
func (s *Server) accountRevokeSession(w http.ResponseWriter, r *http.Request) error {
	sess, err := accountSession(r)
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.db.RevokeSession(r.Context(), id); err != nil {
		return err
	}
	if id == sess.ID {
		s.clearCookie(w, sessionCookie)
		return redirect(w, r, "/login", "logged_out")
	}
	return redirect(w, r, "/account", "account_session")
}

func (s *Server) accountTokensPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := accountSession(r); err != nil {
		return err
	}
	return s.renderTokens(w, r, http.StatusOK, s.view(r, "tokens"), "")
}

// renderTokens shows the caller's tokens; secret, when set, is a token just made, shown
// this once.
func (s *Server) renderTokens(w http.ResponseWriter, r *http.Request, status int, v *view, secret string) error {
	tokens, err := s.db.FindTokens(r.Context())
	if err != nil {
		return err
	}
	v.Title = v.T("account.tokens_title")
	v.Crumbs = []crumb{{Label: v.T("account.title"), URL: "/account"}, {Label: v.Title}}
	v.Data = map[string]any{"Tokens": tokens, "Secret": secret, "Base": s.accountBase(r)}
	s.renderStatus(w, r, status, "tokens", v)
	return nil
}

// accountBase is the site's external URL for the usage example.
func (s *Server) accountBase(r *http.Request) string {
	if s.opts.BaseURL != "" {
		return strings.TrimRight(s.opts.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// accountTokenCreate makes a token and shows its secret on the answer itself rather than
// after a redirect: only its hash is stored, so it can never be shown again.
func (s *Server) accountTokenCreate(w http.ResponseWriter, r *http.Request) error {
	if _, err := accountSession(r); err != nil {
		return err
	}
	secret, shown := auth.NewAPIToken()
	t := &ding.Token{Name: strings.TrimSpace(r.PostFormValue("name")), Prefix: shown}
	if err := s.db.CreateToken(r.Context(), t, auth.HashSecret(secret)); err != nil {
		if !accountFormError(err) {
			return err
		}
		v := s.view(r, "tokens")
		v.Form = r.PostForm
		v.withFormError(err)
		return s.renderTokens(w, r, statusOf(ding.ErrorCode(err)), v, "")
	}
	v := s.view(r, "tokens")
	v.Flash = v.T("flash.created")
	return s.renderTokens(w, r, http.StatusOK, v, secret)
}

// accountTokenRevoke revokes one of the caller's own tokens. The store would let an
// administrator revoke anyone's, but this page is about one's own: others' are 404.
func (s *Server) accountTokenRevoke(w http.ResponseWriter, r *http.Request) error {
	if _, err := accountSession(r); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	tokens, err := s.db.FindTokens(r.Context())
	if err != nil {
		return err
	}
	mine := false
	for _, t := range tokens {
		mine = mine || t.ID == id
	}
	if !mine {
		return ding.Errorf(ding.ENOTFOUND, "err.not_found", "token")
	}
	if err := s.db.RevokeToken(r.Context(), id); err != nil {
		return err
	}
	return redirect(w, r, "/account/tokens", "revoked")
}

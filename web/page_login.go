package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"ding"
	"ding/auth"
)

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) error {
	if reqOf(r).user != nil {
		return redirect(w, r, safeNext(r.URL.Query().Get("next")), "")
	}
	v := s.view(r, "login")
	v.Title = v.T("page.login")
	v.Form = url.Values{"next": {r.URL.Query().Get("next")}}
	s.renderLogin(w, r, http.StatusOK, v)
	return nil
}

// renderLogin shows the login form with a fresh double-submit CSRF cookie.
func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, status int, v *view) {
	tok := auth.NewSecret(18)
	s.setCookie(w, r, loginCSRF, tok, time.Hour)
	v.CSRF = tok
	s.renderStatus(w, r, status, "login", v)
}

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) error {
	username := strings.ToLower(strings.TrimSpace(r.PostFormValue("username")))
	password := r.PostFormValue("password")
	res, err := s.auth.Login(r.Context(), username, password, s.clientIP(r), r.UserAgent())
	if err != nil {
		e := ding.AsError(err)
		if e.Code == ding.EINTERNAL || e.Code == ding.EUNAVAILABLE {
			return err
		}
		if e.Code == ding.ETOOMANY || e.Code == ding.ELOCKED {
			w.Header().Set("Retry-After", "60")
		}
		v := s.view(r, "login")
		v.Title = v.T("page.login")
		v.Form = url.Values{"username": {username}, "next": {r.PostFormValue("next")}}
		v.withFormError(err)
		s.renderLogin(w, r, statusOf(e.Code), v)
		return nil
	}
	s.clearCookie(w, loginCSRF)
	s.setCookie(w, r, sessionCookie, res.Secret, s.opts.SessionTTL)
	return redirect(w, r, safeNext(r.PostFormValue("next")), "")
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	q := reqOf(r)
	if q.session != nil {
		if err := s.db.RevokeSession(r.Context(), q.session.ID); err != nil && ding.ErrorCode(err) != ding.ENOTFOUND {
			return err
		}
	}
	s.clearCookie(w, sessionCookie)
	return redirect(w, r, "/login", "logged_out")
}

// handleLang sets the language cookie and goes back.
func (s *Server) handleLang(w http.ResponseWriter, r *http.Request) {
	lang := r.URL.Query().Get("to")
	if lang != "zh" && lang != "en" {
		lang = "zh"
	}
	s.setCookie(w, r, langCookie, lang, 365*24*time.Hour)
	http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
}

func (s *Server) homePage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := s.view(r, "home")
	v.Title = v.T("page.home")
	units, total, err := s.db.FindUnits(ctx, ding.UnitFilter{})
	if err != nil {
		return err
	}
	_, users, err := s.db.FindUsers(ctx, ding.UserFilter{})
	if err != nil {
		return err
	}
	unit, err := s.db.FindUnitByID(ctx, reqOf(r).user.UnitID)
	if err != nil && ding.ErrorCode(err) != ding.ENOTFOUND {
		return err
	}
	// Units in scope by kind, in the kinds' display order, each linking to its list.
	count := map[ding.UnitKind]int{}
	for _, u := range units {
		count[u.Kind]++
	}
	type kindCount struct {
		Kind  ding.UnitKind
		Count int
	}
	var kinds []kindCount
	for _, k := range ding.UnitKinds {
		if count[k] > 0 {
			kinds = append(kinds, kindCount{k, count[k]})
		}
	}
	v.Data = map[string]any{"Units": total, "Users": users, "Unit": unit, "Kinds": kinds}
	s.render(w, r, "home", v)
	return nil
}

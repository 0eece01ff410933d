package web

import (
	"net/http"
	"strings"

	"ding"
)

func (s *Server) apiAuditRoutes() {
	s.handle("GET /api/v1/audit", s.api(s.apiListAudit))
}

// apiListAudit lists audit entries, newest first, for administrators; filters entity,
// entity_id, action, actor_id, actor (name contains), from and to.
func (s *Server) apiListAudit(w http.ResponseWriter, r *http.Request) (any, error) {
	// The store refuses too; checking first keeps filter errors from leaking to others.
	if !reqOf(r).actor.IsAdmin() {
		return nil, ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	p, err := apiPageOf(r)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	f := ding.AuditFilter{Entity: strings.TrimSpace(q.Get("entity")), Action: strings.TrimSpace(q.Get("action")),
		Actor: strings.TrimSpace(q.Get("actor")), Limit: p.Limit, Offset: p.Offset}
	if f.EntityID, _, err = apiQueryID(r, "entity_id", false); err != nil {
		return nil, err
	}
	// actor_id=0 would mean the system, which the store's filter cannot select.
	if f.ActorID, _, err = apiQueryID(r, "actor_id", false); err != nil {
		return nil, err
	}
	if f.From, err = apiQueryTime(r, "from", false); err != nil {
		return nil, err
	}
	if f.To, err = apiQueryTime(r, "to", true); err != nil {
		return nil, err
	}
	entries, total, err := s.db.FindAudit(r.Context(), f)
	if err != nil {
		return nil, err
	}
	return newAPIList(entries, total, p), nil
}

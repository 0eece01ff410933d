package web

// GET /api/v1/dashboard?unit=&year=&month=: the leader dashboard's figures
// (store.Dashboard) for a unit's subtree and a month; see docs/api.md.

import "net/http"

func (s *Server) apiDashboard(w http.ResponseWriter, r *http.Request) (any, error) {
	unit, year, month, err := s.dashParams(r)
	if err != nil {
		return nil, err
	}
	return s.db.DashboardFor(r.Context(), unit, year, month)
}

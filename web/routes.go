package web

// pageRoutes registers the UI pages; each area has its own file.
func (s *Server) pageRoutes() {
	s.unitPageRoutes()    // page_units.go
	s.userPageRoutes()    // page_users.go
	s.accountPageRoutes() // page_account.go: my account, sessions, API tokens
	s.auditPageRoutes()   // page_audit.go
}

// apiRoutes registers the JSON API under /api/v1 (api.go and api_*.go).
func (s *Server) apiRoutes() {
	s.apiV1Routes()
}

package web

func (s *Server) auditPageRoutes() {}

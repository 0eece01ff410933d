package web

func (s *Server) schemePageRoutes() {}

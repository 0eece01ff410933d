package web

func (s *Server) importPageRoutes() {}

package web

func (s *Server) reportPageRoutes() {}

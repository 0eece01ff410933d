package web

func (s *Server) userPageRoutes() {}

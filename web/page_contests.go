package web

func (s *Server) contestPageRoutes() {}

package web

func (s *Server) projectPageRoutes() {}

package web

func (s *Server) unitPageRoutes() {}

package web

func (s *Server) accountPageRoutes() {}

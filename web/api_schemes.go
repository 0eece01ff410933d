package web

func (s *Server) apiSchemeRoutes() {}

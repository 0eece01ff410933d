package web

func (s *Server) apiProjectRoutes() {}

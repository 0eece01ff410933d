package web

func (s *Server) apiIndicatorRoutes() {}

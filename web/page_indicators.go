package web

func (s *Server) indicatorPageRoutes() {}

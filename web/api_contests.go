package web

func (s *Server) apiContestRoutes() {}

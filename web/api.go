package web

func (s *Server) apiV1Routes() {}

package web

func (s *Server) apiImportRoutes() {}

package web

func (s *Server) settingsPageRoutes() {}

package web

// pageRoutes registers the UI pages; each area has its own file.
func (s *Server) pageRoutes() {
	s.unitPageRoutes()     // page_units.go
	s.userPageRoutes()     // page_users.go
	s.accountPageRoutes()  // page_account.go: my account, sessions, API tokens
	s.auditPageRoutes()    // page_audit.go
	s.projectPageRoutes()  // page_projects.go: list, project page, forms, stages, team, milestones
	s.reportPageRoutes()   // page_reports.go: plans, progress reports, photos, review queue, chart
	s.settingsPageRoutes() // page_settings.go: 产业链 list, reporting window
	s.importPageRoutes()   // page_import.go: Excel template, import preview/commit, exports
	s.warningPageRoutes()  // page_warnings.go, page_rules.go: board, project warnings, exemptions, rules
	s.warningEventRoutes() // page_warning_events.go: the month's warning events (page, export, API)
	s.inboxPageRoutes()    // page_inbox.go: inbox, notification preferences, robots and delivery
	s.escalationPageRoutes()
	s.itemPageRoutes()    // page_items.go, page_calendar.go: demands and action items, the working-day calendar
	s.meetingPageRoutes() // page_meetings.go: meetings, agenda, decisions, minutes
	s.deskRoutes()        // page_desk.go: the leader's desk (page and API)
	s.commitmentPageRoutes()
	s.indicatorPageRoutes() // page_indicators.go: indicators, targets and actuals, figures, import
	s.schemePageRoutes()    // page_schemes.go: competition schemes, results, adjustments, flags, the honour board
	s.contestPageRoutes()   // page_contests.go: the 擂台赛 project-planning contest
	s.screenRoutes()        // page_screen.go: the wall screen and its tokens
	s.dashboardRoutes()     // page_dashboard.go, api_dashboard.go
	s.bulletinRoutes()      // page_bulletins.go, api_bulletins.go: the monthly bulletin
	s.statisticsRoutes()    // page_statistics.go: the year's statistics
	s.jobRoutes()           // page_jobs.go: background job runs (page and API)
}

// apiRoutes registers the JSON API under /api/v1 (api.go and api_*.go).
func (s *Server) apiRoutes() {
	s.apiV1Routes()
	s.apiProjectRoutes() // api_projects.go
	s.apiImportRoutes()  // api_import.go
	s.apiWarningRoutes() // api_warnings.go
	s.apiEscalationRoutes()
	s.apiItemRoutes()    // api_items.go, api_calendar.go
	s.apiMeetingRoutes() // api_meetings.go
	s.apiCommitmentRoutes()
	s.apiIndicatorRoutes() // api_indicators.go
	s.apiSchemeRoutes()    // api_schemes.go
	s.apiContestRoutes()   // api_contests.go
}

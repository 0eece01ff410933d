package web

// The JSON API of the working-day calendar (节假日安排): a year's listed days with each
// month's working days; the administrator lists days (all or nothing) and removes one
// (docs/api.md, "Working-day calendar").

import (
	"net/http"
	"strings"

	"ding"
	"ding/calendar"
)

func (s *Server) apiCalendarRoutes() {
	s.handle("GET /api/v1/calendar", s.api(s.apiCalendar))
	s.handle("PUT /api/v1/calendar", s.api(s.apiSaveCalendar))
	s.handle("DELETE /api/v1/calendar/{date}", s.api(s.apiDeleteCalendarDay))
}

// apiCalendarMonth is a month's working days.
type apiCalendarMonth struct {
	Month    int `json:"month"`
	Workdays int `json:"workdays"`
}

// apiCalendarAnswer is a year of the calendar.
type apiCalendarAnswer struct {
	Year     int                `json:"year"`
	Days     []calendar.Day     `json:"days"`
	Workdays int                `json:"workdays"`
	Months   []apiCalendarMonth `json:"months"`
}

func (s *Server) apiCalendarYear(r *http.Request, year int) (any, error) {
	ctx := r.Context()
	days, err := s.db.CalendarDays(ctx, year)
	if err != nil {
		return nil, err
	}
	cal, err := s.db.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	if days == nil {
		days = []calendar.Day{}
	}
	months, total := calendarMonths(s.apiLang(r), cal, year, ding.Date{})
	a := apiCalendarAnswer{Year: year, Days: days, Workdays: total}
	for _, m := range months {
		a.Months = append(a.Months, apiCalendarMonth{Month: m.N, Workdays: m.Workdays})
	}
	return a, nil
}

func (s *Server) apiCalendar(w http.ResponseWriter, r *http.Request) (any, error) {
	year, err := s.calendarYear(r)
	if err != nil {
		return nil, err
	}
	return s.apiCalendarYear(r, year)
}

// apiSaveCalendar lists days (a JSON array of {date, kind, name}), replacing what their
// dates had: all or nothing. Answers the year of the first day.
func (s *Server) apiSaveCalendar(w http.ResponseWriter, r *http.Request) (any, error) {
	var days []calendar.Day
	if err := s.decodeJSON(r, &days); err != nil {
		return nil, err
	}
	for i := range days {
		days[i].Kind = calendar.Kind(strings.TrimSpace(string(days[i].Kind)))
	}
	if err := s.db.SaveCalendarDays(r.Context(), days); err != nil {
		return nil, err
	}
	return s.apiCalendarYear(r, days[0].Date.Year)
}

func (s *Server) apiDeleteCalendarDay(w http.ResponseWriter, r *http.Request) (any, error) {
	d, err := ding.ParseDate(r.PathValue("date"))
	if err != nil {
		return nil, ding.FieldError("date", "calendar.date_invalid", r.PathValue("date"))
	}
	if err := s.db.DeleteCalendarDay(r.Context(), d); err != nil {
		return nil, err
	}
	return nil, nil
}

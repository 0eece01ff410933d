package web

import (
	"net/http"
	"strings"

	"ding"
	"ding/store"
)

// Progress reports (进度填报), their review, and the registry's settings (产业链 list,
// reporting window).

var apiReportStatuses = []ding.ReportStatus{ding.ReportSubmitted, ding.ReportApproved, ding.ReportReturned}

// apiReportFilter reads the report filters shared by both report lists: status, period,
// current.
func apiReportFilter(r *http.Request, p apiPage) (store.ReportFilter, error) {
	q := r.URL.Query()
	f := store.ReportFilter{Limit: p.Limit, Offset: p.Offset}
	if v := strings.TrimSpace(q.Get("status")); v != "" {
		if !apiIn(ding.ReportStatus(v), apiReportStatuses) {
			return f, apiOneOf("status", v, apiReportStatuses)
		}
		f.Status = ding.ReportStatus(v)
	}
	if v := strings.TrimSpace(q.Get("period")); v != "" {
		per, err := ding.ParsePeriod(v)
		if err != nil {
			return f, ding.FieldError("period", "report.period_invalid", v)
		}
		f.Period = per.String()
	}
	var err error
	if f.CurrentOnly, err = apiQueryBool(r, "current"); err != nil {
		return f, err
	}
	return f, nil
}

// apiProjectReports lists every version of a project's reports, newest period first.
func (s *Server) apiProjectReports(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	p, err := apiPageOf(r)
	if err != nil {
		return nil, err
	}
	f, err := apiReportFilter(r, p)
	if err != nil {
		return nil, err
	}
	// An empty list would not tell a project out of scope from one without reports.
	if _, err := s.db.FindProjectByID(r.Context(), id); err != nil {
		return nil, err
	}
	f.ProjectID = id
	reports, total, err := s.db.FindReports(r.Context(), f)
	if err != nil {
		return nil, err
	}
	return newAPIList(reports, total, p), nil
}

// apiReportInput is the body of POST /api/v1/projects/{id}/reports. Cumulative figures are
// computed, never sent; photos are uploaded through the UI.
type apiReportInput struct {
	Period       string `json:"period"`
	Completed    int64  `json:"completed"`
	ProgressText string `json:"progress_text"`
	ProgressPct  int    `json:"progress_pct"`
	Problems     string `json:"problems"`
	NextSteps    string `json:"next_steps"`
}

// apiSubmitReport records a report; the store checks the window and marks late reports.
func (s *Server) apiSubmitReport(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var in apiReportInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	rep := &ding.ProgressReport{ProjectID: id, Period: in.Period, Completed: in.Completed, ProgressText: in.ProgressText,
		ProgressPct: in.ProgressPct, Problems: in.Problems, NextSteps: in.NextSteps}
	if err := s.db.SubmitReport(r.Context(), rep, nil); err != nil {
		return nil, err
	}
	return apiCreated(rep), nil
}

// apiListReports is the review queue: reports of every project in the caller's scope,
// newest period first; filters status, period, project_id, current.
func (s *Server) apiListReports(w http.ResponseWriter, r *http.Request) (any, error) {
	p, err := apiPageOf(r)
	if err != nil {
		return nil, err
	}
	f, err := apiReportFilter(r, p)
	if err != nil {
		return nil, err
	}
	if f.ProjectID, _, err = apiQueryID(r, "project_id", false); err != nil {
		return nil, err
	}
	reports, total, err := s.db.FindReports(r.Context(), f)
	if err != nil {
		return nil, err
	}
	return newAPIList(reports, total, p), nil
}

func (s *Server) apiGetReport(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	return s.db.FindReportByID(r.Context(), id)
}

// apiReviewInput is the body of POST /api/v1/reports/{id}/review.
type apiReviewInput struct {
	Decision string `json:"decision"` // approve or return
	Comment  string `json:"comment"`  // required to return
}

func (s *Server) apiReviewReport(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var in apiReviewInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	var approve bool
	switch in.Decision {
	case "approve":
		approve = true
	case "return":
	default:
		return nil, ding.FieldError("decision", "apip.decision_invalid", in.Decision)
	}
	return s.db.ReviewReport(r.Context(), id, approve, strings.TrimSpace(in.Comment))
}

// apiChains is the 产业链 list, in and out.
type apiChains struct {
	Chains *[]string `json:"chains"`
}

func (s *Server) apiChainsAnswer(r *http.Request) (any, error) {
	chains, err := s.db.Chains(r.Context())
	if err != nil {
		return nil, err
	}
	if chains == nil {
		chains = []string{}
	}
	return apiChains{Chains: &chains}, nil
}

func (s *Server) apiGetChains(w http.ResponseWriter, r *http.Request) (any, error) {
	return s.apiChainsAnswer(r)
}

// apiSetChains replaces the list (trimmed, without blanks and duplicates); an empty list
// accepts any chain. Administrators and the project office only.
func (s *Server) apiSetChains(w http.ResponseWriter, r *http.Request) (any, error) {
	var in apiChains
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	if in.Chains == nil {
		return nil, ding.FieldError("chains", "apip.chains_required")
	}
	if err := s.db.SetChains(r.Context(), *in.Chains); err != nil {
		return nil, err
	}
	return s.apiChainsAnswer(r)
}

func (s *Server) apiGetReportWindow(w http.ResponseWriter, r *http.Request) (any, error) {
	return s.db.ReportWindow(r.Context())
}

// apiSetReportWindow replaces the reporting window (every field; see ding.ReportWindow).
func (s *Server) apiSetReportWindow(w http.ResponseWriter, r *http.Request) (any, error) {
	var in ding.ReportWindow
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	if err := s.db.SetReportWindow(r.Context(), in); err != nil {
		return nil, err
	}
	return s.db.ReportWindow(r.Context())
}

package web

import (
	"net/http"
	"strconv"
	"strings"

	"ding"
)

func (s *Server) apiImportRoutes() {
	// Not wrapped by s.api: a refused import answers 422 with its problems, which the
	// API's one error format cannot carry.
	s.handle("POST /api/v1/imports", s.apiImport)
}

// apiImportCounts says what an import did (or would do).
type apiImportCounts struct {
	Created          int `json:"created"`
	Updated          int `json:"updated"`
	Unchanged        int `json:"unchanged"`
	Reports          int `json:"reports"`
	ReportsUnchanged int `json:"reports_unchanged"`
}

// apiImportProblem is one problem of the file, at its sheet, row and column.
type apiImportProblem struct {
	Sheet   string `json:"sheet"`
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Header  string `json:"header"`
	Cell    string `json:"cell"`
	Message string `json:"message"`
}

// apiImportAnswer is the answer of POST /api/v1/imports.
type apiImportAnswer struct {
	Result    apiImportCounts    `json:"result"`
	Problems  []apiImportProblem `json:"problems"`
	Committed bool               `json:"committed"`
}

// apiImport imports an .xlsx file (multipart field "file"): a preview with commit=false
// (the default), the import itself with commit=true. Problems answer 422 and nothing is
// written.
func (s *Server) apiImport(w http.ResponseWriter, r *http.Request) {
	q := reqOf(r)
	if q.user == nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="ding"`)
		s.fail(w, r, ding.Errorf(ding.EUNAUTHORIZED, "err.unauthorized"))
		return
	}
	if err := s.checkCSRF(r); err != nil {
		s.fail(w, r, err)
		return
	}
	ans, err := s.apiImportRun(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if len(ans.Problems) > 0 {
		status = http.StatusUnprocessableEntity
	}
	writeJSON(w, status, ans)
}

func (s *Server) apiImportRun(r *http.Request) (*apiImportAnswer, error) {
	q := reqOf(r)
	if !canImport(q.actor) {
		return nil, ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	commit := false
	if v := strings.TrimSpace(r.URL.Query().Get("commit")); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, ding.FieldError("commit", "err.bad_param", "commit")
		}
		commit = b
	}
	if !isMultipart(r) {
		return nil, ding.Errorf(ding.EINVALID, "xlsx.file_required")
	}
	if err := r.ParseMultipartForm(uploadMemory); err != nil {
		return nil, uploadError(err)
	}
	data, name, err := s.readUpload(r)
	if err != nil {
		return nil, err
	}
	wb, err := s.readWorkbook(r.Context(), data)
	if err != nil {
		return nil, err
	}
	res, problems, err := s.runImport(r.Context(), wb, name, commit)
	if err != nil {
		return nil, err
	}
	ans := &apiImportAnswer{Committed: res.Committed, Problems: []apiImportProblem{},
		Result: apiImportCounts{Created: res.Created, Updated: res.Updated, Unchanged: res.Unchanged,
			Reports: res.Reports, ReportsUnchanged: res.ReportsUnchanged}}
	for _, p := range problems {
		ans.Problems = append(ans.Problems, apiImportProblem{Sheet: p.Sheet, Row: p.Row, Column: p.Column,
			Header: p.Header, Cell: p.Cell(), Message: p.Message(q.lang)})
	}
	return ans, nil
}

package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"ding"
	"ding/store"
	"ding/xlsx"
)

// Excel in and out: the import template, the upload → preview → commit flow, and the
// exports of the project list and of a project's report history.

func (s *Server) importPageRoutes() {
	s.handle("GET /projects/import", s.page(s.importPage, true))
	s.handle("POST /projects/import", s.page(s.importUpload, true)) // s.page parses the multipart body
	s.handle("POST /projects/import/commit", s.page(s.importCommit, true))
	s.handle("GET /projects/import/template.xlsx", s.page(s.importTemplate, true))
	s.handle("GET /projects/export.xlsx", s.page(s.exportProjects, true))
	s.handle("GET /projects/{id}/reports.xlsx", s.page(s.exportReports, true))
}

// uploadMemory is how much of an API upload is kept in memory; the rest spills to a
// temporary file that net/http removes after the request.
const uploadMemory = 8 << 20

func isMultipart(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt == "multipart/form-data"
}

// uploadError explains a failed multipart read: too large (413) or malformed.
func uploadError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return ding.Errorf(ding.ETOOLARGE, "err.too_large", byteSize(mbe.Limit))
	}
	return &ding.Error{Code: ding.EINVALID, Key: "xlsx.file_required", Err: err}
}

// canImport: administrators and the project office import (their imports approve the
// reports they carry).
func canImport(a *ding.Actor) bool {
	return a != nil && (a.System || a.Role == ding.RoleAdmin || a.Role == ding.RoleOffice)
}

// importData is what import.html and import_preview.html show.
type importData struct {
	Limit     string
	Name      string // the uploaded file's name
	Hash      string // its SHA-256, the key of the saved copy
	Problems  []importProblem
	Result    *store.ImportResult
	Committed bool
}

// importProblem is a problem as the preview lists it.
type importProblem struct {
	Sheet, Column, Header, Cell, Message string
	Row                                  int
}

func (s *Server) importView(r *http.Request) *view {
	v := s.view(r, "import")
	v.Title = v.T("xlsx.import.title")
	v.Crumbs = []crumb{{Label: v.T("nav.projects"), URL: "/projects"}, {Label: v.Title}}
	return v
}

func (s *Server) importPage(w http.ResponseWriter, r *http.Request) error {
	if !canImport(reqOf(r).actor) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	v := s.importView(r)
	v.Data = &importData{Limit: byteSize(s.opts.MaxUpload)}
	s.render(w, r, "import", v)
	return nil
}

// importFormError shows the upload form again with an error about the file.
func (s *Server) importFormError(w http.ResponseWriter, r *http.Request, err error) error {
	e := ding.AsError(err)
	if e.Code != ding.EINVALID {
		return err
	}
	v := s.importView(r)
	v.Error = message(v.Lang, e)
	v.Data = &importData{Limit: byteSize(s.opts.MaxUpload)}
	s.renderStatus(w, r, http.StatusUnprocessableEntity, "import", v)
	return nil
}

// importUpload saves the upload under its hash and previews it: nothing is written.
func (s *Server) importUpload(w http.ResponseWriter, r *http.Request) error {
	if !canImport(reqOf(r).actor) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	data, name, err := s.readUpload(r)
	if err != nil {
		return s.importFormError(w, r, err)
	}
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	wb, err := s.readWorkbook(r.Context(), data)
	if err != nil {
		return s.importFormError(w, r, err)
	}
	if err := s.saveImport(hash, data); err != nil {
		return err
	}
	return s.importRun(w, r, wb, hash, name, false)
}

// importCommit imports the file previewed before, found again by its hash.
func (s *Server) importCommit(w http.ResponseWriter, r *http.Request) error {
	if !canImport(reqOf(r).actor) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	hash := r.PostFormValue("hash")
	data, err := s.loadImport(hash)
	if err != nil {
		return err
	}
	wb, err := s.readWorkbook(r.Context(), data)
	if err != nil {
		return s.importFormError(w, r, err)
	}
	return s.importRun(w, r, wb, hash, cleanFileName(r.PostFormValue("name")), true)
}

// importRun previews or commits the workbook and shows the outcome: the problems by
// sheet, row and column, or the counts.
func (s *Server) importRun(w http.ResponseWriter, r *http.Request, wb *xlsx.Workbook, hash, name string, commit bool) error {
	res, problems, err := s.runImport(r.Context(), wb, name, commit)
	if err != nil {
		return err
	}
	v := s.importView(r)
	d := &importData{Name: name, Hash: hash, Result: res, Committed: res.Committed}
	for _, p := range problems {
		d.Problems = append(d.Problems, importProblem{Sheet: p.Sheet, Row: p.Row, Column: p.Column, Header: p.Header,
			Cell: p.Cell(), Message: p.Message(v.Lang)})
	}
	v.Data = d
	status := http.StatusOK
	if len(problems) > 0 {
		status = http.StatusUnprocessableEntity
	}
	s.renderStatus(w, r, status, "import_preview", v)
	return nil
}

// runImport keeps the stored values the file is silent about, then runs the batch through
// the store: a preview (commit false) writes nothing; a commit writes all or nothing.
func (s *Server) runImport(ctx context.Context, wb *xlsx.Workbook, name string, commit bool) (*store.ImportResult, []xlsx.Problem, error) {
	err := wb.FillMissing(func(code string) (*ding.Project, error) {
		ps, _, err := s.db.FindProjects(ctx, ding.ProjectFilter{Code: code, Limit: 1})
		if err != nil || len(ps) == 0 {
			return nil, err
		}
		return ps[0], nil
	})
	if err != nil {
		return nil, nil, err
	}
	wb.Batch.Source = name
	wb.Batch.Approve = canImport(ding.ActorFrom(ctx))
	// Problems found while reading stop a commit before the store is asked.
	res, err := s.db.Import(ctx, wb.Batch, commit && len(wb.Problems) == 0)
	if err != nil {
		return nil, nil, err
	}
	return res, wb.Explain(res.Errors), nil
}

// readUpload reads the "file" part of a multipart form.
func (s *Server) readUpload(r *http.Request) ([]byte, string, error) {
	file, hdr, err := r.FormFile("file")
	if err != nil {
		if errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart) {
			return nil, "", ding.Errorf(ding.EINVALID, "xlsx.file_required")
		}
		return nil, "", uploadError(err)
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, s.opts.MaxUpload+1))
	if err != nil {
		return nil, "", uploadError(err)
	}
	if int64(len(data)) > s.opts.MaxUpload {
		return nil, "", ding.Errorf(ding.ETOOLARGE, "err.too_large", byteSize(s.opts.MaxUpload))
	}
	if len(data) == 0 {
		return nil, "", ding.Errorf(ding.EINVALID, "xlsx.file_required")
	}
	return data, cleanFileName(hdr.Filename), nil
}

// cleanFileName keeps the base name of an uploaded file, for the audit log and the page.
func cleanFileName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	if name == "." || name == "/" {
		return ""
	}
	for utf8.RuneCountInString(name) > 100 {
		_, n := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-n]
	}
	return name
}

// readWorkbook parses an import file, resolving unit names among the caller's units.
func (s *Server) readWorkbook(ctx context.Context, data []byte) (*xlsx.Workbook, error) {
	resolve, err := s.unitResolver(ctx)
	if err != nil {
		return nil, err
	}
	return xlsx.Read(bytes.NewReader(data), int64(len(data)), resolve)
}

// unitResolver maps the names and short names of the enabled units in the caller's scope
// to their ids; a name two units share resolves to neither.
func (s *Server) unitResolver(ctx context.Context) (xlsx.Resolver, error) {
	units, _, err := s.db.FindUnits(ctx, ding.UnitFilter{})
	if err != nil {
		return nil, err
	}
	ids := map[string]int64{}
	add := func(name string, id int64) {
		name = strings.Join(strings.Fields(name), "")
		if name == "" {
			return
		}
		if old, ok := ids[name]; ok && old != id {
			ids[name] = -1
			return
		}
		ids[name] = id
	}
	for _, u := range units {
		add(u.Name, u.ID)
	}
	for _, u := range units {
		if _, taken := ids[strings.Join(strings.Fields(u.ShortName), "")]; !taken {
			add(u.ShortName, u.ID)
		}
	}
	return func(name string) (int64, bool) {
		id, ok := ids[strings.Join(strings.Fields(name), "")]
		return id, ok && id > 0
	}, nil
}

// Uploaded import files live in <DataDir>/imports/<sha256>.xlsx.
var hashRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

func (s *Server) importDir() (string, error) {
	if s.opts.DataDir == "" {
		return "", ding.Internal(errors.New("no data directory configured"), "imports")
	}
	return filepath.Join(s.opts.DataDir, "imports"), nil
}

// saveImport stores the file by its hash: written to a temporary file, then renamed, so
// that a file under its final name is always complete.
func (s *Server) saveImport(hash string, data []byte) error {
	dir, err := s.importDir()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return ding.Internal(err, "imports dir")
	}
	final := filepath.Join(dir, hash+".xlsx")
	if _, err := os.Stat(final); err == nil {
		return nil // the same content is already there
	}
	tmp, err := os.CreateTemp(dir, ".upload-*")
	if err != nil {
		return ding.Internal(err, "imports temp")
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return ding.Internal(err, "imports write")
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return ding.Internal(err, "imports sync")
	}
	if err := tmp.Close(); err != nil {
		return ding.Internal(err, "imports close")
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return ding.Internal(err, "imports rename")
	}
	return nil
}

// loadImport reads a saved import file back; an unknown hash, or a file whose content no
// longer matches its name, is not found.
func (s *Server) loadImport(hash string) ([]byte, error) {
	notFound := ding.Errorf(ding.ENOTFOUND, "xlsx.import.gone")
	if !hashRE.MatchString(hash) {
		return nil, notFound
	}
	dir, err := s.importDir()
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(filepath.Join(dir, hash+".xlsx"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, notFound
	}
	if err != nil {
		return nil, ding.Internal(err, "imports read")
	}
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != hash {
		return nil, notFound
	}
	return data, nil
}

// importTemplate serves the import template.
func (s *Server) importTemplate(w http.ResponseWriter, r *http.Request) error {
	chains, err := s.db.Chains(r.Context())
	if err != nil {
		return err
	}
	b, err := xlsx.Template(reqOf(r).lang, chains...)
	if err != nil {
		return ding.Internal(err, "template")
	}
	return writeXLSX(w, "重大项目导入模板.xlsx", "import-template.xlsx", b)
}

// importFilterFromQuery reads the project list's filters from a query, leniently: a value
// that makes no sense in a hand-made URL is ignored. (page_projects.go reads the same
// query for the HTML list.)
func importFilterFromQuery(q url.Values) ding.ProjectFilter {
	var f ding.ProjectFilter
	for _, st := range q["stage"] {
		if s := ding.Stage(st); s.Valid() && !slices.Contains(f.Stages, s) {
			f.Stages = append(f.Stages, s)
		}
	}
	if v := q.Get("tier"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && slices.Contains(ding.Tiers, ding.Tier(n)) {
			t := ding.Tier(n)
			f.Tier = &t
		}
	}
	id := func(name string) int64 {
		n, err := strconv.ParseInt(strings.TrimSpace(q.Get(name)), 10, 64)
		if err != nil || n < 0 {
			return 0
		}
		return n
	}
	f.UnitID, f.LocationID, f.LeaderID = id("unit"), id("location"), id("leader")
	f.Chain = strings.TrimSpace(q.Get("chain"))
	if ind := strings.ToUpper(strings.TrimSpace(q.Get("industry"))); slices.Contains(ding.Industries, ind) {
		f.Industry = ind
	}
	flag := func(name string) *bool {
		switch q.Get(name) {
		case "1", "true":
			b := true
			return &b
		case "0", "false":
			b := false
			return &b
		}
		return nil
	}
	f.Manufacturing, f.HighTech, f.Private = flag("manufacturing"), flag("high_tech"), flag("private")
	f.Query = strings.TrimSpace(q.Get("q"))
	if y, err := strconv.Atoi(q.Get("year")); err == nil && y >= 2000 && y <= 2100 {
		f.Year = y
	}
	switch sort := q.Get("sort"); sort {
	case "code", "name", "total_investment", "plan_year", "completed_ytd", "stage", "updated_at", "unit", "progress_pct":
		f.Sort = sort
	}
	f.Desc = q.Get("desc") == "1" || q.Get("desc") == "true"
	return f
}

// exportProjects sends the filtered project list (all of it, not a page) as .xlsx.
func (s *Server) exportProjects(w http.ResponseWriter, r *http.Request) error {
	q := reqOf(r)
	f := importFilterFromQuery(r.URL.Query())
	if f.Year == 0 {
		f.Year = s.db.CurrentYear(r.Context())
	}
	ps, tot, err := s.db.FindProjects(r.Context(), f)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	err = xlsx.ExportProjects(&b, xlsx.ProjectList{Lang: q.lang, Unit: q.user.UnitName, Year: f.Year, Now: s.db.Now(),
		Projects: ps, Totals: tot})
	if err != nil {
		return ding.Internal(err, "export projects")
	}
	year := strconv.Itoa(f.Year)
	return writeXLSX(w, q.user.UnitName+"重大项目清单-"+year+".xlsx", "projects-"+year+".xlsx", b.Bytes())
}

// exportReports sends one project's report history (current versions, oldest first).
func (s *Server) exportReports(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	p, err := s.db.FindProjectByID(ctx, id)
	if err != nil {
		return err
	}
	reps, _, err := s.db.FindReports(ctx, store.ReportFilter{ProjectID: id, CurrentOnly: true})
	if err != nil {
		return err
	}
	slices.Reverse(reps)
	var b bytes.Buffer
	if err := xlsx.ExportReports(&b, xlsx.ReportList{Lang: reqOf(r).lang, Project: p, Now: s.db.Now(), Reports: reps}); err != nil {
		return ding.Internal(err, "export reports")
	}
	return writeXLSX(w, p.Code+"-进度填报.xlsx", p.Code+"-reports.xlsx", b.Bytes())
}

// writeXLSX sends a workbook as a download: name in UTF-8 (RFC 5987), ascii for old clients.
func writeXLSX(w http.ResponseWriter, name, ascii string, b []byte) error {
	h := w.Header()
	h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	h.Set("Content-Disposition", `attachment; filename="`+ascii+`"; filename*=UTF-8''`+url.PathEscape(name))
	h.Set("Content-Length", strconv.Itoa(len(b)))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	_, err := w.Write(b)
	return err
}

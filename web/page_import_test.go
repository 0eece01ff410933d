package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"ding"
	"ding/store"
)

const (
	impCode1 = "2301-330803-04-01-000101"
	impCode2 = "2301-330803-04-01-000102"
)

// xlsxBook writes a workbook of sheets (name → rows from A1), in the order given.
func xlsxBook(t testing.TB, sheets ...any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i := 0; i+1 < len(sheets); i += 2 {
		name, rows := sheets[i].(string), sheets[i+1].([][]any)
		if i == 0 {
			f.SetSheetName("Sheet1", name)
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			if err := f.SetSheetRow(name, fmt.Sprintf("A%d", r+1), &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	b, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var importHead = []any{"项目代码", "项目名称", "责任单位", "投资主体", "总投资（万元）", "项目阶段", "阶段日期"}

// goodImport is a file with two projects and two monthly reports.
func goodImport(t testing.TB) []byte {
	return xlsxBook(t,
		"项目", [][]any{
			importHead,
			{impCode1, "导入项目一", "樟潭街道", "民间", "12,345.67", "签约", "2024-01-10"},
			{impCode2, "导入项目二", "廿里镇", "国企", 8000, "谋划", "2024-01-10"},
		},
		"月度进度", [][]any{
			{"项目代码", "项目名称", "填报期次", "本期完成投资（万元）", "形象进度", "形象进度（%）"},
			{impCode1, "导入项目一", "2024-01", "500.5", "开工准备", 5},
			{impCode1, "导入项目一", "2024-02", 700, "土方", 10},
		})
}

// badImport has a duplicate code (A3), an unknown unit (C4) and money that is not a number (E5).
func badImport(t testing.TB) []byte {
	return xlsxBook(t, "项目", [][]any{
		importHead,
		{impCode1, "导入项目一", "樟潭街道", "民间", "100", "", ""},
		{impCode1, "重复", "樟潭街道", "民间", "100", "", ""},
		{impCode2, "错单位", "不存在镇", "民间", "100", "", ""},
		{"2301-330803-04-01-000103", "错金额", "樟潭街道", "民间", "abc", "", ""},
	})
}

// upload posts a multipart form with the file (and the session's CSRF token unless
// csrf is false).
func (c *client) upload(path, filename string, data []byte, csrf bool) (*http.Response, string) {
	c.f.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	if csrf {
		mw.WriteField("_csrf", c.csrf)
	}
	fw, _ := mw.CreateFormFile("file", filename)
	fw.Write(data)
	mw.Close()
	res := c.do("POST", path, mw.FormDataContentType(), &b)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, html.UnescapeString(string(body))
}

// apiUpload posts a file to the API with the user's Bearer token.
func (f *fixture) apiUpload(username, path, filename string, data []byte) (int, string) {
	f.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile("file", filename)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", f.ts.URL+path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+f.token(username))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

func (f *fixture) sysCtx() context.Context {
	return ding.WithActor(context.Background(), ding.SystemActor("test"))
}

func (f *fixture) projectCount() int {
	f.t.Helper()
	_, tot, err := f.db.FindProjects(f.sysCtx(), ding.ProjectFilter{})
	if err != nil {
		f.t.Fatal(err)
	}
	return tot.Count
}

// lastAudit is the newest audit entry.
func (f *fixture) lastAudit() *ding.AuditEntry {
	f.t.Helper()
	es, _, err := f.db.FindAudit(f.sysCtx(), ding.AuditFilter{Limit: 1})
	if err != nil || len(es) == 0 {
		f.t.Fatalf("audit: %v", err)
	}
	return es[0]
}

var (
	hashFieldRE = regexp.MustCompile(`name="hash" value="([0-9a-f]{64})"`)
	countRE     = regexp.MustCompile(`id="count-([a-z-]+)">(\d+)<`)
)

// counts reads the counts table of a preview or result page.
func counts(body string) map[string]string {
	m := map[string]string{}
	for _, x := range countRE.FindAllStringSubmatch(body, -1) {
		m[x[1]] = x[2]
	}
	return m
}

func TestImportPageFlow(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		c := f.login("office")
		res, body := c.getRes("/projects/import")
		if res.StatusCode != 200 || !strings.Contains(body, `enctype="multipart/form-data"`) || !strings.Contains(body, "/projects/import/template.xlsx") {
			t.Fatalf("import page: %d %.300s", res.StatusCode, body)
		}

		// A file with problems: every problem by sheet, row and column; nothing written.
		projects, audits := f.projectCount(), f.auditCount()
		res, body = c.upload("/projects/import", "bad.xlsx", badImport(t), true)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("bad file: %d %.500s", res.StatusCode, body)
		}
		for _, want := range []string{`data-cell="项目!A3"`, `data-cell="项目!C4"`, `data-cell="项目!E5"`,
			"在本文件中重复（首次出现在第 2 行）", "不存在镇", "“abc”不是有效的金额", "文件中有 3 处问题"} {
			if !strings.Contains(body, want) {
				t.Errorf("preview lacks %q", want)
			}
		}
		if strings.Contains(body, `id="import-commit"`) || strings.Contains(body, `id="import-counts"`) {
			t.Error("a file with problems can be confirmed, or shows counts of a refused import")
		}
		if f.projectCount() != projects || f.auditCount() != audits {
			t.Fatalf("a preview wrote: projects %d→%d, audit %d→%d", projects, f.projectCount(), audits, f.auditCount())
		}

		// A good file: preview, then commit by hash.
		good := goodImport(t)
		res, body = c.upload("/projects/import", "项目导入.xlsx", good, true)
		if res.StatusCode != 200 {
			t.Fatalf("good file: %d %.500s", res.StatusCode, body)
		}
		if n := counts(body); n["created"] != "2" || n["reports"] != "2" || n["updated"] != "0" {
			t.Fatalf("preview counts %v", n)
		}
		m := hashFieldRE.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no confirm form: %.500s", body)
		}
		hash := m[1]
		if _, err := os.Stat(filepath.Join(f.srv.opts.DataDir, "imports", hash+".xlsx")); err != nil {
			t.Fatalf("upload not saved: %v", err)
		}
		if f.projectCount() != projects || f.auditCount() != audits {
			t.Fatal("a preview wrote")
		}
		res, body = c.submit("/projects/import/commit", url.Values{"hash": {hash}, "name": {"项目导入.xlsx"}})
		if res.StatusCode != 200 || !strings.Contains(body, `id="import-committed"`) {
			t.Fatalf("commit: %d %.500s", res.StatusCode, body)
		}
		if n := counts(body); n["created"] != "2" || n["reports"] != "2" {
			t.Fatalf("commit counts %v", n)
		}
		if f.projectCount() != projects+2 {
			t.Fatalf("projects %d, want %d", f.projectCount(), projects+2)
		}
		if n := f.auditCount(); n != audits+1 {
			t.Fatalf("a commit wrote %d audit entries, want 1", n-audits)
		}
		a := f.lastAudit()
		var after struct {
			Source        string
			Rows, Created int
		}
		if err := json.Unmarshal(a.After, &after); err != nil || a.Entity != "import" || after.Source != "项目导入.xlsx" || after.Rows != 4 || after.Created != 2 {
			t.Errorf("audit entry %s %s %v", a.Entity, a.After, err)
		}
		ps, _, _ := f.db.FindProjects(f.sysCtx(), ding.ProjectFilter{Code: impCode1, Year: 2024})
		if len(ps) != 1 || ps[0].TotalInvestment != 123_456_700 || ps[0].CompletedYTD != 12_005_000 || ps[0].Stage != ding.StageSigned {
			t.Fatalf("imported project %+v", ps)
		}

		// The same file again: all unchanged, one more audit event.
		audits = f.auditCount()
		res, body = c.upload("/projects/import", "项目导入.xlsx", good, true)
		if n := counts(body); res.StatusCode != 200 || n["created"] != "0" || n["updated"] != "0" || n["unchanged"] != "2" || n["reports-unchanged"] != "2" {
			t.Fatalf("re-preview %d %v", res.StatusCode, n)
		}
		res, body = c.submit("/projects/import/commit", url.Values{"hash": {hash}, "name": {"项目导入.xlsx"}})
		if n := counts(body); res.StatusCode != 200 || n["created"] != "0" || n["updated"] != "0" || n["unchanged"] != "2" || n["reports"] != "0" {
			t.Fatalf("re-commit %d %v", res.StatusCode, n)
		}
		if n := f.auditCount(); n != audits+1 || f.lastAudit().Entity != "import" {
			t.Fatalf("re-import wrote %d audit entries, want 1 import event", n-audits)
		}

		// A hash that names no saved file, or is no hash at all.
		for _, h := range []string{strings.Repeat("0", 64), "../../etc/passwd", "", strings.ToUpper(hash)} {
			if res, _ := c.submit("/projects/import/commit", url.Values{"hash": {h}}); res.StatusCode != 404 {
				t.Errorf("commit of hash %q: %d", h, res.StatusCode)
			}
		}
		// A saved file that was altered is not imported.
		path := filepath.Join(f.srv.opts.DataDir, "imports", hash+".xlsx")
		os.WriteFile(path, append(good, 0), 0o600)
		if res, _ := c.submit("/projects/import/commit", url.Values{"hash": {hash}}); res.StatusCode != 404 {
			t.Errorf("altered file: %d", res.StatusCode)
		}
	})
}

func TestImportPageBadUploads(t *testing.T) {
	f := newFixture(t, "sqlite")
	c := f.login("office")
	audits := f.auditCount()
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"项目.xlsx", []byte("项目代码,项目名称\n2301-330803-04-01-000101,x\n"), "不是有效的 Excel 2007+ (.xlsx) 文件"},
		{"旧版.xlsx", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...), "97-2003 (.xls)"},
		{"截断.xlsx", goodImport(t)[:100], "不是有效的 Excel 2007+ (.xlsx) 文件"},
		{"空.xlsx", nil, "请选择要导入的 .xlsx 文件"},
	} {
		res, body := c.upload("/projects/import", tc.name, tc.data, true)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, tc.want) || !strings.Contains(body, `id="import-form"`) {
			t.Errorf("%s: %d %.300s", tc.name, res.StatusCode, body)
		}
	}
	entries, _ := os.ReadDir(filepath.Join(f.srv.opts.DataDir, "imports"))
	if len(entries) != 0 {
		t.Errorf("bad files were saved: %d", len(entries))
	}
	// No CSRF token in the multipart form.
	if res, _ := c.upload("/projects/import", "x.xlsx", goodImport(t), false); res.StatusCode != 403 {
		t.Errorf("upload without CSRF: %d", res.StatusCode)
	}
	// 50 MB: refused by size with the Chinese message, whether announced or streamed.
	req, _ := http.NewRequest("POST", f.ts.URL+"/projects/import", io.LimitReader(zeros{}, 50<<20))
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	req.ContentLength = 50 << 20
	res, err := c.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 413 || !strings.Contains(string(body), "提交的内容过大（上限 20 MiB）") {
		t.Errorf("50 MB upload: %d %.200s", res.StatusCode, body)
	}
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		mw.WriteField("_csrf", c.csrf)
		fw, _ := mw.CreateFormFile("file", "big.xlsx")
		io.Copy(fw, io.LimitReader(zeros{}, 50<<20))
		mw.Close()
		pw.Close()
	}()
	req, _ = http.NewRequest("POST", f.ts.URL+"/projects/import", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.ContentLength = -1
	res, err = c.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	pr.CloseWithError(io.EOF)
	if res.StatusCode != 413 || !strings.Contains(string(body), "提交的内容过大") {
		t.Errorf("streamed 50 MB upload: %d %.200s", res.StatusCode, body)
	}
	if f.auditCount() != audits {
		t.Error("bad uploads wrote audit entries")
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestImportPageForbidden(t *testing.T) {
	f := newFixture(t, "sqlite")
	for _, who := range []string{"liaisonA", "leader", "viewer"} {
		c := f.login(who)
		if res, _ := c.getRes("/projects/import"); res.StatusCode != 403 {
			t.Errorf("%s GET /projects/import: %d", who, res.StatusCode)
		}
		if res, _ := c.upload("/projects/import", "x.xlsx", goodImport(t), true); res.StatusCode != 403 {
			t.Errorf("%s POST /projects/import: %d", who, res.StatusCode)
		}
		if res, _ := c.submit("/projects/import/commit", url.Values{"hash": {strings.Repeat("a", 64)}}); res.StatusCode != 403 {
			t.Errorf("%s POST /projects/import/commit: %d", who, res.StatusCode)
		}
	}
	if f.projectCount() != 0 {
		t.Error("a forbidden import wrote")
	}
	if res, _ := f.anon().getRes("/projects/import"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("anonymous: %d", res.StatusCode)
	}
}

func TestImportPageTemplate(t *testing.T) {
	f := newFixture(t, "sqlite")
	c := f.login("office")
	res := c.do("GET", "/projects/import/template.xlsx", "", nil)
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/vnd.openxmlformats") ||
		!strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("template: %d %v", res.StatusCode, res.Header)
	}
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got := strings.Join(x.GetSheetList(), ","); got != "项目,月度进度,填写说明" {
		t.Errorf("sheets %s", got)
	}
}

func TestImportPageAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		f.token("office") // made before counting: a token is audited
		audits := f.auditCount()
		status, body := f.apiUpload("office", "/api/v1/imports", "bad.xlsx", badImport(t))
		var ans struct {
			Result    map[string]int `json:"result"`
			Problems  []map[string]any
			Committed bool
		}
		if status != 422 || json.Unmarshal([]byte(body), &ans) != nil || len(ans.Problems) != 3 || ans.Committed {
			t.Fatalf("bad file: %d %s", status, body)
		}
		if p := ans.Problems[0]; p["sheet"] != "项目" || p["row"] != float64(3) || p["column"] != "A" || p["header"] != "项目代码" || p["cell"] != "A3" ||
			!strings.Contains(p["message"].(string), "重复") {
			t.Errorf("first problem %v", p)
		}
		good := goodImport(t)
		status, body = f.apiUpload("office", "/api/v1/imports?commit=false", "good.xlsx", good)
		ans.Problems = nil
		if status != 200 || json.Unmarshal([]byte(body), &ans) != nil || ans.Committed || ans.Result["created"] != 2 || len(ans.Problems) != 0 {
			t.Fatalf("preview: %d %s", status, body)
		}
		if f.projectCount() != 0 || f.auditCount() != audits {
			t.Fatal("an API preview wrote")
		}
		status, body = f.apiUpload("office", "/api/v1/imports?commit=true", "good.xlsx", good)
		if status != 200 || json.Unmarshal([]byte(body), &ans) != nil || !ans.Committed || ans.Result["created"] != 2 || ans.Result["reports"] != 2 {
			t.Fatalf("commit: %d %s", status, body)
		}
		if f.projectCount() != 2 || f.auditCount() != audits+1 {
			t.Fatalf("commit wrote %d projects, %d audit entries", f.projectCount(), f.auditCount()-audits)
		}
		status, body = f.apiUpload("office", "/api/v1/imports?commit=true", "good.xlsx", good)
		if status != 200 || json.Unmarshal([]byte(body), &ans) != nil || ans.Result["unchanged"] != 2 || ans.Result["created"] != 0 || ans.Result["reports_unchanged"] != 2 {
			t.Fatalf("re-import: %d %s", status, body)
		}
		if status, body := f.apiUpload("liaisonA", "/api/v1/imports", "good.xlsx", good); status != 403 || !strings.Contains(body, `"code":"forbidden"`) {
			t.Errorf("liaison: %d %s", status, body)
		}
		if status, _ := f.apiUpload("office", "/api/v1/imports?commit=maybe", "good.xlsx", good); status != 422 {
			t.Errorf("commit=maybe: %d", status)
		}
		if status, body := f.apiUpload("office", "/api/v1/imports", "x.xlsx", []byte("a,b\n1,2\n")); status != 422 || !strings.Contains(body, "不是有效的 Excel 2007+ (.xlsx) 文件") {
			t.Errorf("csv: %d %s", status, body)
		}
		if status, _ := f.api("", "POST", "/api/v1/imports", ""); status != 401 {
			t.Errorf("anonymous: %d", status)
		}
	})
}

// exportFixture makes a project in each town (and a report on the first) as the system.
func exportFixture(t *testing.T, f *fixture) (a, b *ding.Project) {
	t.Helper()
	ctx := f.sysCtx()
	a = &ding.Project{Code: impCode1, Name: "樟潭项目", UnitID: f.units["townA"].ID, LocationID: f.units["townA"].ID, Investor: "private",
		TotalInvestment: 1_234_567_800, Stage: ding.StageSigned, StageOn: ding.Date{Year: 2024, Month: 1, Day: 10}}
	b = &ding.Project{Code: impCode2, Name: "廿里项目", UnitID: f.units["townB"].ID, Investor: "soe", TotalInvestment: 80_000_000}
	for _, p := range []*ding.Project{a, b} {
		if err := f.db.CreateProject(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	res, err := f.db.Import(ctx, store.ImportBatch{Approve: true, Reports: []store.ImportReport{
		{Row: 2, Code: impCode1, Report: ding.ProgressReport{Period: "2024-01", Completed: 5_005_000, ProgressText: "开工准备", ProgressPct: 5}},
		{Row: 3, Code: impCode1, Report: ding.ProgressReport{Period: "2024-02", Completed: 7_000_000, ProgressText: "土方", ProgressPct: 10}},
	}}, true)
	if err != nil || !res.Committed {
		t.Fatalf("reports: %+v %v", res, err)
	}
	return a, b
}

// getXLSX downloads and opens a workbook.
func (c *client) getXLSX(path string) (*http.Response, *excelize.File) {
	c.f.t.Helper()
	res := c.do("GET", path, "", nil)
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		return res, nil
	}
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		c.f.t.Fatalf("%s: %v", path, err)
	}
	c.f.t.Cleanup(func() { x.Close() })
	return res, x
}

func TestExportProjectsXLSX(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		exportFixture(t, f)
		res, x := f.login("office").getXLSX("/projects/export.xlsx?year=2024")
		if x == nil || !strings.Contains(res.Header.Get("Content-Disposition"), "filename*=UTF-8''") {
			t.Fatalf("office export: %d %v", res.StatusCode, res.Header)
		}
		sh := "项目清单"
		rows, _ := x.GetRows(sh)
		if len(rows) != 6 || rows[0][0] != "衢江区重大项目清单（2024年）" || rows[2][9] != "总投资（万元）" {
			t.Fatalf("rows %q", rows)
		}
		if rows[3][1] != impCode1 || rows[4][1] != impCode2 || rows[5][0] != "合计（2 个项目）" || rows[5][9] != "131,456.78" {
			t.Errorf("data and totals %q", rows[3:])
		}
		if v, _ := x.GetCellValue(sh, "J4", excelize.Options{RawCellValue: true}); v != "123456.78" {
			t.Errorf("J4 %q", v)
		}
		if v, _ := x.GetCellValue(sh, "L4", excelize.Options{RawCellValue: true}); v != "1200.5" {
			t.Errorf("completed this year %q", v)
		}
		if p, _ := x.GetPanes(sh); !p.Freeze || p.TopLeftCell != "A4" {
			t.Errorf("panes %+v", p)
		}

		// The list's filters apply.
		_, x = f.login("office").getXLSX("/projects/export.xlsx?year=2024&stage=signed&stage=bogus")
		rows, _ = x.GetRows(sh)
		if len(rows) != 5 || rows[3][1] != impCode1 || rows[4][0] != "合计（1 个项目）" {
			t.Errorf("stage filter %q", rows)
		}
		_, x = f.login("office").getXLSX("/projects/export.xlsx?q=" + url.QueryEscape("廿里"))
		rows, _ = x.GetRows(sh)
		if len(rows) != 5 || rows[3][1] != impCode2 {
			t.Errorf("text filter %q", rows)
		}

		// The caller's scope applies: liaisonA sees townA's project only.
		_, x = f.login("liaisonA").getXLSX("/projects/export.xlsx?year=2024")
		rows, _ = x.GetRows(sh)
		if len(rows) != 5 || rows[0][0] != "樟潭街道重大项目清单（2024年）" || rows[3][1] != impCode1 || rows[4][0] != "合计（1 个项目）" {
			t.Errorf("liaisonA export %q", rows)
		}
		for _, r := range rows {
			if strings.Contains(strings.Join(r, "|"), impCode2) {
				t.Errorf("liaisonA's export has townB's project: %q", r)
			}
		}
	})
}

func TestExportReportsXLSX(t *testing.T) {
	f := newFixture(t, "sqlite")
	a, b := exportFixture(t, f)
	res, x := f.login("liaisonA").getXLSX(fmt.Sprintf("/projects/%d/reports.xlsx", a.ID))
	if x == nil {
		t.Fatalf("reports export: %d", res.StatusCode)
	}
	rows, _ := x.GetRows("进度填报")
	if len(rows) != 6 || rows[3][0] != "2024-01" || rows[4][0] != "2024-02" || rows[4][2] != "700.00" || rows[4][3] != "1,200.50" ||
		rows[5][0] != "合计（2 期）" || rows[5][2] != "1,200.50" {
		t.Errorf("rows %q", rows)
	}
	// Out of scope, or no such project: not found.
	if res, _ := f.login("liaisonA").getXLSX(fmt.Sprintf("/projects/%d/reports.xlsx", b.ID)); res.StatusCode != 404 {
		t.Errorf("out of scope: %d", res.StatusCode)
	}
	if res, _ := f.login("office").getXLSX("/projects/999999/reports.xlsx"); res.StatusCode != 404 {
		t.Errorf("missing project: %d", res.StatusCode)
	}
}

func TestExportFilterFromQuery(t *testing.T) {
	q, _ := url.ParseQuery("stage=signed&stage=started&stage=nope&tier=10&unit=3&location=x&chain=%20特种纸%20&industry=c&manufacturing=1&high_tech=0&private=maybe&leader=7&q=纸&year=2024&sort=name&desc=1")
	f := importFilterFromQuery(q)
	if len(f.Stages) != 2 || f.Tier == nil || *f.Tier != ding.Tier10 || f.UnitID != 3 || f.LocationID != 0 || f.Chain != "特种纸" ||
		f.Industry != "C" || f.Manufacturing == nil || !*f.Manufacturing || f.HighTech == nil || *f.HighTech || f.Private != nil ||
		f.LeaderID != 7 || f.Query != "纸" || f.Year != 2024 || f.Sort != "name" || !f.Desc {
		t.Errorf("filter %+v", f)
	}
	q, _ = url.ParseQuery("tier=5&year=1999&sort=password;drop&industry=Z")
	if f := importFilterFromQuery(q); f.Tier != nil || f.Year != 0 || f.Sort != "" || f.Industry != "" {
		t.Errorf("odd values were kept: %+v", f)
	}
}

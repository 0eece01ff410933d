package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ding"
	"ding/store"
)

// repNow is the fixed "today" of these tests: 2024-06-10 in Shanghai, inside June's
// default window (1st to 18th) and after May's.
var repNow = time.Date(2024, 6, 10, 2, 0, 0, 0, time.UTC)

func repSys() context.Context {
	return ding.WithActor(context.Background(), ding.SystemActor("test"))
}

// repFixture is the web fixture at repNow with one project led by town A (12亿).
func repFixture(t *testing.T, f *fixture) *ding.Project {
	t.Helper()
	f.db.Now = func() time.Time { return repNow }
	p := &ding.Project{Code: "2301-330803-04-01-000001", Name: "特种纸扩能项目", UnitID: f.units["townA"].ID, LocationID: f.units["townA"].ID,
		LeaderID: f.users["leader"].ID, Investor: "private", Industry: "C", TotalInvestment: 12 * ding.Yi, Manufacturing: true,
		Stage: ding.StageSigned, SignedOn: ding.Date{Year: 2024, Month: 1, Day: 10}, StageOn: ding.Date{Year: 2024, Month: 1, Day: 10}}
	if err := f.db.CreateProject(repSys(), p); err != nil {
		t.Fatal(err)
	}
	return p
}

// repFigures reads a project's running figures of 2024 through the store.
func repFigures(t *testing.T, f *fixture, id int64) *ding.Project {
	t.Helper()
	ps, _, err := f.db.FindProjects(repSys(), ding.ProjectFilter{ID: id, Year: 2024})
	if err != nil || len(ps) != 1 {
		t.Fatalf("project %d: %v", id, err)
	}
	return ps[0]
}

func repReports(t *testing.T, f *fixture, projectID int64) []*ding.ProgressReport {
	t.Helper()
	rs, _, err := f.db.FindReports(repSys(), store.ReportFilter{ProjectID: projectID})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// repFile is a file part of a multipart form.
type repFile struct {
	name string
	data []byte
}

// repUpload posts a multipart form with files under "photos"; csrf adds the session's token.
func repUpload(c *client, path string, fields url.Values, files []repFile, csrf bool) (*http.Response, string) {
	c.f.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	if csrf {
		mw.WriteField("_csrf", c.csrf)
	}
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for _, f := range files {
		w, _ := mw.CreateFormFile("photos", f.name)
		w.Write(f.data)
	}
	mw.Close()
	res := c.do("POST", path, mw.FormDataContentType(), &b)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, string(body)
}

// repPNG is a small real PNG, different for each seed.
func repPNG(t *testing.T, seed uint8) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 6))
	for i := range img.Pix {
		img.Pix[i] = seed + uint8(i)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func repJPEG(t *testing.T) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 10, 10))
	img.Set(3, 3, color.White)
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// repReportForm is a valid report form for period with completed 万元.
func repReportForm(period, completed string) url.Values {
	return url.Values{"period": {period}, "completed": {completed}, "progress_text": {"主体结构施工"},
		"progress_pct": {"35"}, "problems": {"用电报装待批"}, "next_steps": {"完成屋面"}}
}

// repPhotoFiles lists the files in the photo directory (temporary files included).
func repPhotoFiles(t *testing.T, f *fixture) []string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join(f.srv.opts.DataDir, "photos"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

func repPlanForm(year, total string, months []string) url.Values {
	form := url.Values{"year": {year}, "total": {total}, "goal": {"主体完工"}, "action": {"save"}}
	for i, m := range months {
		form.Set(planField(i+1), m)
	}
	return form
}

func repTwelve(v string) []string {
	out := make([]string, 12)
	for i := range out {
		out[i] = v
	}
	return out
}

func TestPlanPage(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		p := repFixture(t, f)
		base := "/projects/" + itoa(p.ID) + "/plans"
		office := f.login("office")

		body := office.get(base)
		for _, want := range []string{`id="plan-form"`, "<svg", "2024年 计划与完成投资", "暂无数据", "尚未编制年度计划"} {
			if !strings.Contains(body, want) {
				t.Errorf("plans page lacks %q", want)
			}
		}

		// Months that do not add up: the message says by how much, next to the total.
		audits := f.auditCount()
		months := repTwelve("100")
		months[11] = "50"
		res, body := office.submit(base, repPlanForm("2024", "1,200", months))
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="plan-total-error">1—12月计划合计 1,150 万元，与年度计划 1,200 万元不一致（相差 -50 万元）`) {
			t.Fatalf("mismatch: %d %s", res.StatusCode, repSnippet(body, "plan-total-error"))
		}
		if !strings.Contains(body, `name="m12" inputmode="decimal" autocomplete="off" value="50"`) {
			t.Errorf("typed month not kept")
		}
		if plans, _ := f.db.FindPlans(repSys(), p.ID); len(plans) != 0 || f.auditCount() != audits {
			t.Fatalf("a mismatched plan was written: %d plans", len(plans))
		}

		// Bad amounts are refused with their message, next to the month.
		for _, c := range []struct{ value, msg string }{
			{"abc", "不是有效数字"}, {"-5", "金额不能为负数"}, {"1.234", "最多保留两位小数"},
		} {
			m := repTwelve("100")
			m[2] = c.value
			res, body := office.submit(base, repPlanForm("2024", "1200", m))
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, c.msg) || !strings.Contains(body, `<label class="has-error">3月`) {
				t.Errorf("month %q: %d, want %q next to 3月", c.value, res.StatusCode, c.msg)
			}
		}
		if res, body := office.submit(base, repPlanForm("1999", "1200", repTwelve("100"))); res.StatusCode != 422 || !strings.Contains(body, "年份无效") {
			t.Errorf("year 1999: %d", res.StatusCode)
		}

		// The spread helper fills the months server-side and writes nothing.
		form := repPlanForm("2024", "1000.01", repTwelve(""))
		form.Set("action", "spread")
		res, body = office.submit(base, form)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `name="m1" inputmode="decimal" autocomplete="off" value="83.33"`) ||
			!strings.Contains(body, `name="m12" inputmode="decimal" autocomplete="off" value="83.38"`) {
			t.Fatalf("spread: %d", res.StatusCode)
		}
		if f.auditCount() != audits {
			t.Fatalf("spread wrote something")
		}

		// A valid plan updates the project's figures.
		res, _ = office.submit(base, repPlanForm("2024", "1,200", repTwelve("100")))
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != base+"?year=2024&flash=plans_saved" {
			t.Fatalf("save: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if got := repFigures(t, f, p.ID); got.PlanYear != 12_000_000 {
			t.Fatalf("plan of the year %d, want 12,000,000 yuan", got.PlanYear)
		}
		plans, _ := f.db.FindPlans(repSys(), p.ID)
		if len(plans) != 1 || plans[0].Months[5] != 1_000_000 || plans[0].Goal != "主体完工" || f.auditCount() != audits+1 {
			t.Fatalf("plans %+v audits %d→%d", plans, audits, f.auditCount())
		}
		body = office.get(base + "?year=2024&flash=plans_saved")
		for _, want := range []string{"年度计划已保存", `value="1200"`, `id="plan-months"`, "<title>6月 计划 100 万元</title>"} {
			if !strings.Contains(body, want) {
				t.Errorf("after save the page lacks %q", want)
			}
		}

		// The lead unit's liaison may edit; a leader reads without a form; others are refused.
		liA := f.login("liaisonA")
		if res, _ := liA.submit(base, repPlanForm("2025", "12", repTwelve("1"))); res.StatusCode != http.StatusSeeOther {
			t.Errorf("lead liaison saves: %d", res.StatusCode)
		}
		if body := f.login("leader").get(base); !strings.Contains(body, `id="plan-list"`) || strings.Contains(body, `id="plan-form"`) {
			t.Errorf("leader sees a form or no list")
		}
		if res, _ := f.login("viewer").submit(base, repPlanForm("2024", "0", repTwelve("0"))); res.StatusCode != http.StatusForbidden {
			t.Errorf("viewer saves: %d, want 403", res.StatusCode)
		}
		liB := f.login("liaisonB")
		if res, _ := liB.getRes(base); res.StatusCode != http.StatusNotFound {
			t.Errorf("town B reads town A's plans: %d, want 404", res.StatusCode)
		}
		if res, _ := liB.submit(base, repPlanForm("2024", "0", repTwelve("0"))); res.StatusCode != http.StatusNotFound {
			t.Errorf("town B saves town A's plan: %d, want 404", res.StatusCode)
		}
		if res := office.postForm(base, repPlanForm("2024", "0", repTwelve("0"))); res.StatusCode != http.StatusForbidden {
			t.Errorf("no CSRF: %d, want 403", res.StatusCode)
		}
		if got := repFigures(t, f, p.ID); got.PlanYear != 12_000_000 {
			t.Fatalf("refused saves changed the plan: %d", got.PlanYear)
		}
	})
}

// repSnippet is the text around marker, for failure messages.
func repSnippet(body, marker string) string {
	i := strings.Index(body, marker)
	if i < 0 {
		return "(no " + marker + ")"
	}
	return body[max(0, i-100):min(len(body), i+300)]
}

func TestPlanPageChart(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		p := repFixture(t, f)
		a := &ding.AnnualPlan{ProjectID: p.ID, Year: 2024, Total: 12_000_000}
		for i := range a.Months {
			a.Months[i] = 1_000_000
		}
		if err := f.db.SavePlan(repSys(), a); err != nil {
			t.Fatal(err)
		}
		path := "/projects/" + itoa(p.ID) + "/chart.svg?year=2024"
		res, body := f.login("liaisonA").getRes(path)
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "image/svg+xml") {
			t.Fatalf("chart: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		if n := strings.Count(body, `<g class="group"`); n != 12 {
			t.Errorf("%d month groups, want 12", n)
		}
		for _, want := range []string{"<title>1月 计划 100 万元</title>", ">累计计划</text>", ">12月</text>"} {
			if !strings.Contains(body, want) {
				t.Errorf("chart lacks %q", want)
			}
		}
		d := xml.NewDecoder(strings.NewReader(body))
		for {
			if _, err := d.Token(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("chart is not well-formed XML: %v", err)
			}
		}
		// Another year has no figures; a bad year is refused; out of scope is 404.
		if body := f.login("office").get("/projects/" + itoa(p.ID) + "/chart.svg?year=2023"); !strings.Contains(body, "暂无数据") {
			t.Errorf("empty year without the empty message")
		}
		if res, _ := f.login("office").getRes("/projects/" + itoa(p.ID) + "/chart.svg?year=abc"); res.StatusCode != 422 {
			t.Errorf("bad year: %d", res.StatusCode)
		}
		if res, _ := f.login("liaisonB").getRes(path); res.StatusCode != http.StatusNotFound {
			t.Errorf("town B reads town A's chart: %d, want 404", res.StatusCode)
		}
		if res, _ := f.login("office").getRes("/projects/999999/chart.svg"); res.StatusCode != http.StatusNotFound {
			t.Errorf("missing project: %d", res.StatusCode)
		}
	})
}

func TestReportPageSubmit(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		p := repFixture(t, f)
		if err := f.db.SavePlan(repSys(), &ding.AnnualPlan{ProjectID: p.ID, Year: 2024, Total: 6_000_000,
			Months: [12]int64{5: 6_000_000}}); err != nil {
			t.Fatal(err)
		}
		base := "/projects/" + itoa(p.ID) + "/reports"
		liA := f.login("liaisonA")
		body := liA.get(base)
		for _, want := range []string{`id="report-form"`, `enctype="multipart/form-data"`, `<option value="2024-06" selected>2024年6月</option>`,
			`<option value="2024-W24">`, "2024-06 月报填报时间：2024-06-01 至 2024-06-18", "暂无填报记录"} {
			if !strings.Contains(body, want) {
				t.Errorf("reports page lacks %q", want)
			}
		}

		// Unhappy paths write nothing.
		audits := f.auditCount()
		for _, c := range []struct {
			name   string
			change func(url.Values)
			msg    string
		}{
			{"no text", func(v url.Values) { v.Set("progress_text", " ") }, "请填写形象进度"},
			{"negative", func(v url.Values) { v.Set("completed", "-1") }, "金额不能为负数"},
			{"not a number", func(v url.Values) { v.Set("completed", "三百") }, "不是有效数字"},
			{"percent", func(v url.Values) { v.Set("progress_pct", "101") }, "0—100"},
			{"no such month", func(v url.Values) { v.Set("period", "2024-13") }, "填报期次“2024-13”无效"},
			{"window not open", func(v url.Values) { v.Set("period", "2024-07") }, "2024-07 的填报窗口尚未开放（2024-07-01 开放）"},
		} {
			form := repReportForm("2024-06", "300")
			c.change(form)
			res, body := repUpload(liA, base, form, nil, true)
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, c.msg) {
				t.Errorf("%s: %d, want 422 with %q", c.name, res.StatusCode, c.msg)
			}
			if c.name == "no text" && !strings.Contains(body, `value="300"`) {
				t.Errorf("typed amount not kept")
			}
		}
		if n := len(repReports(t, f, p.ID)); n != 0 || f.auditCount() != audits {
			t.Fatalf("refused reports were written: %d", n)
		}

		// A report changes the completed figures, computed not typed.
		res, _ := repUpload(liA, base, repReportForm("2024-06", "300"), nil, true)
		if res.StatusCode != http.StatusSeeOther || !strings.HasSuffix(res.Header.Get("Location"), "flash=reports_submitted") {
			t.Fatalf("submit: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if got := repFigures(t, f, p.ID); got.CompletedYTD != 3_000_000 || got.CompletedAll != 3_000_000 || got.ProgressPct != 35 {
			t.Fatalf("figures after a report: ytd %d all %d pct %d", got.CompletedYTD, got.CompletedAll, got.ProgressPct)
		}
		// May, reported in June: accepted, marked late.
		res, _ = repUpload(liA, base, repReportForm("2024-05", "100"), nil, true)
		if res.StatusCode != http.StatusSeeOther || !strings.HasSuffix(res.Header.Get("Location"), "flash=reports_submitted_late") {
			t.Fatalf("late submit: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		// A correction is a new version; the old one is kept and shown greyed.
		correction := repReportForm("2024-06", "450")
		correction.Set("problems", `<script>alert("x")</script>`)
		res, _ = repUpload(liA, base, correction, nil, true)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("correction: %d", res.StatusCode)
		}
		if got := repFigures(t, f, p.ID); got.CompletedYTD != 5_500_000 {
			t.Fatalf("ytd after the correction %d, want 5,500,000", got.CompletedYTD)
		}
		if rs := repReports(t, f, p.ID); len(rs) != 3 || rs[0].Version != 2 || !rs[0].Current || rs[1].Current {
			t.Fatalf("versions: %d", len(rs))
		}
		body = liA.get(base)
		for _, want := range []string{
			`id="period-2024-06"`, "第 2 版 · 当前", "历史版本（1）", `<div class="report old">`, "逾期填报",
			"<dd>450</dd>",   // this period
			"<dd>550</dd>",   // this year to date
			"<dd>91.7%</dd>", // 550 of the 600 planned
			"<dd>0.5%</dd>",  // 550万 of 12亿
			"用电报装待批", "完成屋面", "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("history lacks %q", want)
			}
		}
		if strings.Contains(body, `<script>alert`) {
			t.Errorf("report text not escaped")
		}
		if strings.Index(body, `id="period-2024-06"`) > strings.Index(body, `id="period-2024-05"`) {
			t.Errorf("newest period is not first")
		}

		// Out of scope, wrong role, no CSRF.
		if res, _ := repUpload(f.login("liaisonB"), base, repReportForm("2024-06", "1"), nil, true); res.StatusCode != http.StatusNotFound {
			t.Errorf("town B reports on town A: %d, want 404", res.StatusCode)
		}
		if res, _ := f.login("liaisonB").getRes(base); res.StatusCode != http.StatusNotFound {
			t.Errorf("town B reads town A's reports: %d, want 404", res.StatusCode)
		}
		viewer := f.login("viewer")
		if res, _ := repUpload(viewer, base, repReportForm("2024-06", "1"), nil, true); res.StatusCode != http.StatusForbidden {
			t.Errorf("viewer reports: %d, want 403", res.StatusCode)
		}
		if body := viewer.get(base); strings.Contains(body, `id="report-form"`) || !strings.Contains(body, "历史版本") {
			t.Errorf("viewer sees the form or no history")
		}
		if res, _ := repUpload(liA, base, repReportForm("2024-06", "1"), nil, false); res.StatusCode != http.StatusForbidden {
			t.Errorf("no CSRF: %d, want 403", res.StatusCode)
		}
		if n := len(repReports(t, f, p.ID)); n != 3 {
			t.Fatalf("refused reports were written: %d", n)
		}
	})
}

func TestPhotoUpload(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		p := repFixture(t, f)
		base := "/projects/" + itoa(p.ID) + "/reports"
		liA := f.login("liaisonA")
		pngA := repPNG(t, 1)
		sum := sha256.Sum256(pngA)
		hash := hex.EncodeToString(sum[:])

		// A real PNG is stored under its SHA-256 and served with its type.
		res, _ := repUpload(liA, base, repReportForm("2024-06", "10"), []repFile{{"工地.png", pngA}}, true)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload: %d", res.StatusCode)
		}
		stored, err := os.ReadFile(filepath.Join(f.srv.opts.DataDir, "photos", hash))
		if err != nil || !bytes.Equal(stored, pngA) {
			t.Fatalf("photo not stored under its hash: %v", err)
		}
		rs := repReports(t, f, p.ID)
		if len(rs) != 1 || len(rs[0].Photos) != 1 || rs[0].Photos[0].Hash != hash || rs[0].Photos[0].MIME != "image/png" || rs[0].Photos[0].Name != "工地.png" {
			t.Fatalf("report photos %+v", rs[0].Photos)
		}
		photo := "/reports/" + itoa(rs[0].ID) + "/photos/" + hash
		for _, who := range []string{"liaisonA", "office", "leader"} {
			res, body := f.login(who).getRes(photo)
			if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/png" || body != string(pngA) {
				t.Errorf("%s gets the photo: %d %s", who, res.StatusCode, res.Header.Get("Content-Type"))
			}
		}
		if body := liA.get(base); !strings.Contains(body, `<img src="`+photo+`"`) {
			t.Errorf("history shows no thumbnail")
		}
		// Town B cannot see town A's photo, nor guess paths.
		liB := f.login("liaisonB")
		for _, path := range []string{photo, "/reports/" + itoa(rs[0].ID) + "/photos/" + strings.Repeat("0", 64),
			"/reports/" + itoa(rs[0].ID) + "/photos/..%2F..%2Fding.db"} {
			if res, _ := liB.getRes(path); res.StatusCode != http.StatusNotFound {
				t.Errorf("town B gets %s: %d, want 404", path, res.StatusCode)
			}
		}
		if res, _ := liA.getRes("/reports/" + itoa(rs[0].ID) + "/photos/" + strings.Repeat("a", 64)); res.StatusCode != http.StatusNotFound {
			t.Errorf("a hash the report does not have: %d, want 404", res.StatusCode)
		}
		// Town B's own photo cannot be fetched by town A through a report of town A.
		pb := &ding.Project{Code: "2301-330803-04-01-000002", Name: "廿里物流园", UnitID: f.units["townB"].ID, Investor: "private"}
		if err := f.db.CreateProject(repSys(), pb); err != nil {
			t.Fatal(err)
		}
		pngB := repPNG(t, 200)
		if res, _ := repUpload(liB, "/projects/"+itoa(pb.ID)+"/reports", repReportForm("2024-06", "1"), []repFile{{"b.png", pngB}}, true); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("town B upload: %d", res.StatusCode)
		}
		sumB := sha256.Sum256(pngB)
		hashB := hex.EncodeToString(sumB[:])
		if res, _ := liA.getRes("/reports/" + itoa(rs[0].ID) + "/photos/" + hashB); res.StatusCode != http.StatusNotFound {
			t.Errorf("town A gets town B's photo through its own report: %d, want 404", res.StatusCode)
		}
		if res, _ := liB.getRes("/reports/" + itoa(repReports(t, f, pb.ID)[0].ID) + "/photos/" + hashB); res.StatusCode != 200 {
			t.Errorf("town B gets its own photo: %d", res.StatusCode)
		}

		// The same content twice is stored once; a JPEG named .png is taken as a JPEG.
		res, _ = repUpload(liA, base, repReportForm("2024-05", "10"), []repFile{{"again.png", pngA}, {"x.png", repJPEG(t)}}, true)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("second upload: %d", res.StatusCode)
		}
		if files := repPhotoFiles(t, f); len(files) != 3 {
			t.Fatalf("photo directory holds %v, want 3 files (A's PNG, B's PNG, the JPEG) and no temporary ones", files)
		}
		if rs := repReports(t, f, p.ID); len(rs[1].Photos) != 2 || rs[1].Photos[1].MIME != "image/jpeg" {
			t.Fatalf("second report's photos %+v", rs[1].Photos)
		}

		// Bad uploads: refused with a message, no report and no file written.
		audits, files := f.auditCount(), len(repPhotoFiles(t, f))
		eleven := make([]repFile, 11)
		for i := range eleven {
			eleven[i] = repFile{"p.png", repPNG(t, uint8(10+i))}
		}
		big := append(append([]byte{}, pngA...), bytes.Repeat([]byte{0}, 6<<20)...)
		for _, c := range []struct {
			name  string
			files []repFile
			msg   string
		}{
			{"text renamed .png", []repFile{{"notes.png", []byte("这不是图片，只是文字。\n")}}, "文件“notes.png”不是 JPG 或 PNG 图片"},
			{"html renamed .jpg", []repFile{{"a.jpg", []byte("<html><script>alert(1)</script></html>")}}, "不是 JPG 或 PNG 图片"},
			{"eleven photos", eleven, "每次最多上传 10 张照片（您选择了 11 张）"},
			{"six MiB", []repFile{{"big.png", big}}, "照片“big.png”超过 5 MiB 的上限"},
			{"truncated png", []repFile{{"cut.png", pngA[:20]}}, "图片“cut.png”已损坏"},
			{"one good one bad", []repFile{{"ok.png", repPNG(t, 99)}, {"bad.png", []byte("GIF89a")}}, "不是 JPG 或 PNG 图片"},
		} {
			res, body := repUpload(liA, base, repReportForm("2024-06", "20"), c.files, true)
			if res.StatusCode != http.StatusUnprocessableEntity && res.StatusCode != http.StatusRequestEntityTooLarge {
				t.Errorf("%s: status %d", c.name, res.StatusCode)
			}
			if !strings.Contains(body, c.msg) || !strings.Contains(body, `id="report-photos-error"`) {
				t.Errorf("%s: no message %q: %s", c.name, c.msg, repSnippet(body, "field-error"))
			}
		}
		if n := len(repReports(t, f, p.ID)); n != 2 || f.auditCount() != audits || len(repPhotoFiles(t, f)) != files {
			t.Fatalf("bad uploads wrote something: %d reports, %d files", n, len(repPhotoFiles(t, f)))
		}
	})
}

// repSubmit records a report through the store as the user.
func repSubmit(t *testing.T, f *fixture, user, period string, completed int64, p *ding.Project) *ding.ProgressReport {
	t.Helper()
	u := f.users[user]
	ctx := ding.WithActor(context.Background(), &ding.Actor{UserID: u.ID, Username: u.Username, UnitID: u.UnitID, Role: u.Role, Scope: u.Scope})
	r := &ding.ProgressReport{ProjectID: p.ID, Period: period, Completed: completed, ProgressText: "进展" + period, ProgressPct: 20}
	if err := f.db.SubmitReport(ctx, r, nil); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestReviewPage(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		p := repFixture(t, f)
		june := repSubmit(t, f, "liaisonA", "2024-06", 3_000_000, p)
		may := repSubmit(t, f, "liaisonA", "2024-05", 1_000_000, p)

		office := f.login("office")
		body := office.get("/reports")
		if !strings.Contains(body, `id="review-queue"`) || !strings.Contains(body, "2 份") {
			t.Fatalf("queue: %s", repSnippet(body, "review-count"))
		}
		if i, j := strings.Index(body, `id="review-`+itoa(may.ID)+`"`), strings.Index(body, `id="review-`+itoa(june.ID)+`"`); i < 0 || j < 0 || i > j {
			t.Errorf("queue is not oldest first (May at %d, June at %d)", i, j)
		}
		if !strings.Contains(body, "逾期填报") {
			t.Errorf("May's late tag missing")
		}

		reviewPath := func(r *ding.ProgressReport) string { return "/reports/" + itoa(r.ID) + "/review" }
		statusOfReport := func(id int64) ding.ReportStatus {
			r, err := f.db.FindReportByID(repSys(), id)
			if err != nil {
				t.Fatal(err)
			}
			return r.Status
		}

		// Liaisons may not review (403), and town B does not even see town A's report (404).
		liA, liB := f.login("liaisonA"), f.login("liaisonB") // logins are audited: log in first
		audits := f.auditCount()
		if res, _ := liA.submit(reviewPath(june), url.Values{"decision": {"approve"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("liaison reviews: %d, want 403", res.StatusCode)
		}
		if res, _ := liB.submit(reviewPath(june), url.Values{"decision": {"approve"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("town B reviews town A: %d, want 404", res.StatusCode)
		}
		// Return without a comment: the message, next to the comment of that report.
		res, body := office.submit(reviewPath(june), url.Values{"decision": {"return"}, "comment": {"  "}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="review-comment-error">退回须填写意见`) {
			t.Errorf("return without comment: %d %s", res.StatusCode, repSnippet(body, "field-error"))
		}
		if res, body := office.submit(reviewPath(june), url.Values{"decision": {"maybe"}}); res.StatusCode != 422 || !strings.Contains(body, "请选择“通过”或“退回”") {
			t.Errorf("bad decision: %d", res.StatusCode)
		}
		if res := office.postForm(reviewPath(june), url.Values{"decision": {"approve"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("no CSRF: %d, want 403", res.StatusCode)
		}
		if statusOfReport(june.ID) != ding.ReportSubmitted || f.auditCount() != audits {
			t.Fatalf("refused reviews changed the report")
		}

		// Return with a comment: the figures leave the totals; the liaison sees it returned.
		res, _ = office.submit(reviewPath(june), url.Values{"decision": {"return"}, "comment": {"金额与台账不符"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/reports?flash=review_returned" {
			t.Fatalf("return: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if statusOfReport(june.ID) != ding.ReportReturned || repFigures(t, f, p.ID).CompletedYTD != 1_000_000 {
			t.Fatalf("after return: %s ytd %d", statusOfReport(june.ID), repFigures(t, f, p.ID).CompletedYTD)
		}
		body = liA.get("/reports")
		if !strings.Contains(body, `id="review-returned"`) || !strings.Contains(body, "金额与台账不符") || strings.Contains(body, `id="review-queue"`) {
			t.Errorf("liaison's page: %s", repSnippet(body, "review-returned"))
		}
		// Approve May; approving it again is a conflict with its message.
		if res, _ := office.submit(reviewPath(may), url.Values{"decision": {"approve"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("approve: %d", res.StatusCode)
		}
		if statusOfReport(may.ID) != ding.ReportApproved || f.auditCount() != audits+2 {
			t.Fatalf("after approve: %s, audits %d→%d", statusOfReport(may.ID), audits, f.auditCount())
		}
		res, body = office.submit(reviewPath(may), url.Values{"decision": {"approve"}})
		if res.StatusCode != http.StatusConflict || !strings.Contains(body, `id="review-error">只有待审核的最新版本可以审核`) {
			t.Errorf("approve twice: %d", res.StatusCode)
		}
		if body := office.get("/reports"); !strings.Contains(body, "没有待审核的填报") {
			t.Errorf("queue not empty after review")
		}
	})
}

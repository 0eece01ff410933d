package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"ding"
)

// ppNow is the fixed "now" of the project page tests: 2024-06-20 in Shanghai.
var ppNow = time.Date(2024, 6, 20, 2, 0, 0, 0, time.UTC)

// ppFixture is the web fixture with its clock fixed at ppNow (the server restarts so that
// its goroutines start after the clock is set).
func ppFixture(t *testing.T, f *fixture) *fixture {
	t.Helper()
	f.ts.Close()
	f.db.Now = func() time.Time { return ppNow }
	f.ts = httptest.NewServer(f.srv.Handler())
	t.Cleanup(f.ts.Close)
	return f
}

func ppSys() context.Context { return ding.WithActor(context.Background(), ding.SystemActor("test")) }

// ppProject creates a project as the system with sensible defaults; mod changes them.
func ppProject(t *testing.T, f *fixture, n int, mod func(p *ding.Project)) *ding.Project {
	t.Helper()
	p := &ding.Project{Code: fmt.Sprintf("2301-330803-04-01-%06d", n), Name: fmt.Sprintf("测试项目%03d", n),
		UnitID: f.units["townA"].ID, Investor: "private", TotalInvestment: int64(n) * ding.Yi,
		Stage: ding.StagePlanning, StageOn: ding.Date{Year: 2024, Month: 1, Day: 2}}
	if mod != nil {
		mod(p)
	}
	if err := f.db.CreateProject(ppSys(), p); err != nil {
		t.Fatalf("project %d: %v", n, err)
	}
	return p
}

// ppPlan gives a project a plan for the year with the total spread over the months.
func ppPlan(t *testing.T, f *fixture, id int64, year int, total int64) {
	t.Helper()
	a := &ding.AnnualPlan{ProjectID: id, Year: year, Total: total}
	for i := range a.Months {
		a.Months[i] = total / 12
	}
	a.Months[11] += total - total/12*12
	if err := f.db.SavePlan(ppSys(), a); err != nil {
		t.Fatal(err)
	}
}

// ppReport records a monthly report of completed investment.
func ppReport(t *testing.T, f *fixture, id int64, period string, completed int64) {
	t.Helper()
	r := &ding.ProgressReport{ProjectID: id, Period: period, Completed: completed, ProgressText: "主体施工", ProgressPct: 40}
	if err := f.db.SubmitReport(ppSys(), r, nil); err != nil {
		t.Fatal(err)
	}
}

func ppCount(t *testing.T, f *fixture) int {
	t.Helper()
	_, tot, err := f.db.FindProjects(ppSys(), ding.ProjectFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return tot.Count
}

func ppFind(t *testing.T, f *fixture, id int64) *ding.Project {
	t.Helper()
	p, err := f.db.FindProjectByID(ppSys(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// ppForm is a complete, valid create form.
func ppForm(f *fixture) url.Values {
	return url.Values{
		"code": {"2405-330803-04-01-000777"}, "name": {"高端装备产业园"}, "short_name": {"装备园"},
		"owner_name": {"衢州装备有限公司"}, "unit_id": {itoa(f.units["townA"].ID)}, "location_id": {itoa(f.units["townA"].ID)},
		"leader_id": {itoa(f.users["leader"].ID)}, "nature": {"new"}, "investor": {"private"}, "industry": {"C"},
		"manufacturing": {"1"}, "private": {"1"}, "total_investment": {"12,345.5"}, "land_mu": {"120.5"},
		"expected_output": {"50000"}, "expected_tax": {"3000.25"}, "content": {"新建厂房 10 万平方米"},
		"planned_start": {"2024-03-01"}, "planned_end": {"2026-12-31"}, "signed_on": {"2024-02-01"},
		"agreement_type": {"投资协议"}, "stage": {"signed"}, "stage_on": {"2024-02-01"},
	}
}

var ppCodeRE = regexp.MustCompile(`<td class="code">([^<]+)</td>`)

// ppCodes lists the project codes of a rendered list, in order, by their serial number.
func ppCodes(body string) []int {
	var out []int
	for _, m := range ppCodeRE.FindAllStringSubmatch(body, -1) {
		n, _ := strconv.Atoi(m[1][len(m[1])-6:])
		out = append(out, n)
	}
	return out
}

// ppTotals returns the text of the totals row with tags removed and spaces collapsed.
func ppTotals(t *testing.T, body string) string {
	t.Helper()
	i := strings.Index(body, `id="projects-totals"`)
	if i < 0 {
		t.Fatalf("no totals row in %.300s", body)
	}
	row := body[i : i+strings.Index(body[i:], "</tr>")]
	row = regexp.MustCompile(`<[^>]+>`).ReplaceAllString(row, " ")
	return strings.Join(strings.Fields(row[strings.Index(row, ">")+1:]), " ")
}

func TestProjectPageMoney(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		key  string
	}{
		{"", 0, ""}, {"0", 0, ""}, {"1", 10_000, ""}, {"1,234.5", 12_345_000, ""}, {"12345.67", 123_456_700, ""},
		{" 0.01 ", 100, ""}, {"1，000", 10_000_000, ""}, {".5", 5_000, ""}, {"5.", 50_000, ""}, {"100万元", 1_000_000, ""},
		{"abc", 0, "pform.money_invalid"}, {"-5", 0, "project.money_negative"}, {"1.234", 0, "pform.money_places"},
		{"1e5", 0, "pform.money_invalid"}, {"1.2.3", 0, "pform.money_invalid"}, {".", 0, "pform.money_invalid"},
		{"99999999999999999999", 0, "field.out_of_range"}, {"12 345", 0, "pform.money_invalid"},
	} {
		got, err := parseWan("total_investment", c.in)
		if c.key == "" {
			if err != nil || got != c.want {
				t.Errorf("parseWan(%q) = %d, %v; want %d", c.in, got, err, c.want)
			}
			if back, _ := parseWan("x", wanInput(got)); back != got {
				t.Errorf("wanInput(%d) = %q reads back as %d", got, wanInput(got), back)
			}
			continue
		}
		e := ding.AsError(err)
		if err == nil || e.Key != c.key || e.Field != "total_investment" {
			t.Errorf("parseWan(%q) = %d, %v; want %s", c.in, got, err, c.key)
		}
	}
	for _, c := range []struct {
		part, whole int64
		want        string
	}{{0, 0, "—"}, {5, 0, "—"}, {1, 3, "33.3%"}, {2, 3, "66.7%"}, {625, 1000, "62.5%"}, {3, 2, "150.0%"}, {0, 7, "0.0%"}} {
		if got := pct1(c.part, c.whole); got != c.want {
			t.Errorf("pct1(%d, %d) = %q, want %q", c.part, c.whole, got, c.want)
		}
	}
	for yuan, want := range map[int64]string{0: "0.00", ding.Yi: "1.00", 1_234_567_890: "12.35", 123_456 * ding.Yi: "123,456.00", -ding.Yi / 2: "-0.50"} {
		if got := yiText(yuan); got != want {
			t.Errorf("yiText(%d) = %q, want %q", yuan, got, want)
		}
	}
}

func TestProjectPageCreate(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		f = ppFixture(t, f)
		c := f.login("office")
		res, body := c.getRes("/projects/new")
		if res.StatusCode != 200 || !strings.Contains(body, `id="project-form"`) || !strings.Contains(body, "投资与规模") {
			t.Fatalf("new form: %d %.300s", res.StatusCode, body)
		}
		audits := f.auditCount()
		res, body = c.submit("/projects", ppForm(f))
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d %s", res.StatusCode, body)
		}
		loc := res.Header.Get("Location")
		id, _ := strconv.ParseInt(strings.TrimPrefix(strings.SplitN(loc, "?", 2)[0], "/projects/"), 10, 64)
		p := ppFind(t, f, id)
		if p.Code != "2405-330803-04-01-000777" || p.TotalInvestment != 123_455_000 || p.ExpectedTax != 30_002_500 ||
			p.LandMu != 120.5 || p.Tier != ding.Tier1 || !p.Manufacturing || p.HighTech || !p.Private ||
			p.LeaderID != f.users["leader"].ID || p.Stage != ding.StageSigned || p.PlannedEnd.String() != "2026-12-31" {
			t.Fatalf("stored project %+v", p)
		}
		if got := f.auditCount(); got != audits+1 {
			t.Fatalf("audit entries %d → %d", audits, got)
		}
		// The page after the redirect, with the flash.
		if body := c.get(loc); !strings.Contains(body, "项目已创建") || !strings.Contains(body, "高端装备产业园") ||
			!strings.Contains(body, "12,345.5") || !strings.Contains(body, "亿元以上") {
			t.Fatalf("project page: %.500s", body)
		}
		// With a plan and a report the list shows this year's figures.
		ppPlan(t, f, id, 2024, 1200*10_000)
		ppReport(t, f, id, "2024-05", 300*10_000)
		body = c.get("/projects?q=" + url.QueryEscape("装备"))
		if got := ppCodes(body); !slices.Equal(got, []int{777}) {
			t.Fatalf("list codes %v", got)
		}
		for _, want := range []string{">12,345.5<", ">1,200<", ">300<", ">25.0%<", "樟潭街道", "签约"} {
			if !strings.Contains(body, want) {
				t.Errorf("list lacks %q", want)
			}
		}
		if got := ppTotals(t, body); got != "合计（1 个项目） 12,345.5 1,200 300 25.0%" {
			t.Errorf("totals row %q", got)
		}
	})
}

func TestProjectPageValidation(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		f = ppFixture(t, f)
		other := ppProject(t, f, 1, func(p *ding.Project) { p.Name = "已有的造纸项目" })
		c := f.login("office")
		for _, tc := range []struct {
			name   string
			field  string
			value  string
			status int
			want   string
			mark   string // the field marked wrong, when not field
		}{
			{"bad code", "code", "2413-330803-04-01-000001", 422, "格式不正确", ""},
			{"empty code", "code", "", 422, "请填写项目代码", ""},
			{"duplicate code", "code", other.Code, 409, "已被项目“已有的造纸项目”使用", ""},
			{"money abc", "total_investment", "abc", 422, "金额“abc”不是有效数字", ""},
			{"money negative", "expected_output", "-5", 422, "金额不能为负数", ""},
			{"money three decimals", "expected_tax", "1.234", 422, "最多保留两位小数", ""},
			{"end before start", "planned_end", "2024-01-01", 422, "结束日期早于开始日期", ""},
			{"bad date", "actual_start", "2023-02-29", 422, "日期“2023-02-29”无效", ""},
			{"unknown unit", "unit_id", "999999", 422, "责任单位不存在", ""},
			{"no investor", "investor", "", 422, "请选择投资主体", ""},
			{"bad uscc", "owner_code", "91330800MA28F1234X", 422, "91330800MA28F1234X", ""},
			{"land", "land_mu", "十亩", 422, "“十亩”不是有效数字", ""},
			{"land negative", "land_mu", "-3", 422, "用地面积不能为负数", ""},
			{"in stats without date", "in_stats", "1", 422, "请填写入统日期", "in_stats_on"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before, audits := ppCount(t, f), f.auditCount()
				form := ppForm(f)
				form.Set(tc.field, tc.value)
				res, body := c.submit("/projects", form)
				if res.StatusCode != tc.status || !strings.Contains(body, tc.want) {
					t.Fatalf("status %d, want %d with %q: %.2000s", res.StatusCode, tc.status, tc.want, body)
				}
				// The message sits next to its field, and the typed values are kept.
				mark := tc.mark
				if mark == "" {
					mark = tc.field
				}
				if !regexp.MustCompile(`(?s)<label class="has-error">[^<]*(<span>[^<]*<span class="req">\*</span></span>)?\s*<(input|select)[^>]*name="` + mark + `"`).MatchString(body) {
					t.Errorf("field %s not marked as wrong", mark)
				}
				if !strings.Contains(body, `value="高端装备产业园"`) {
					t.Errorf("typed name lost")
				}
				if ppCount(t, f) != before || f.auditCount() != audits {
					t.Errorf("something was written")
				}
			})
		}
		// Several unreadable fields are all reported at once.
		form := ppForm(f)
		form.Set("total_investment", "abc")
		form.Set("expected_tax", "-1")
		form.Set("code", "bad")
		res, body := c.submit("/projects", form)
		if res.StatusCode != 422 || !strings.Contains(body, "有 3 处需要修改") || !strings.Contains(body, "格式不正确") {
			t.Fatalf("several errors: %d %.1500s", res.StatusCode, body)
		}
	})
}

// ppListSet creates the projects the list tests filter and sort:
//
//	1: townA, planning, 1亿,  manufacturing, "造纸"
//	2: townB, started,  12亿, high-tech, plan 2024 500万, completed 200万
//	3: dept,  signed,   150亿, private, plan 2024 100万, 2023 900万
//	4: townA, started,  0.5亿, manufacturing+private, leader, townB cooperates
func ppListSet(t *testing.T, f *fixture) {
	t.Helper()
	signed := ding.Date{Year: 2024, Month: 1, Day: 5}
	ppProject(t, f, 1, func(p *ding.Project) { p.Name = "特种造纸技改"; p.Manufacturing = true })
	p2 := ppProject(t, f, 2, func(p *ding.Project) {
		p.Name, p.UnitID, p.TotalInvestment, p.HighTech = "锂电新材料", f.units["townB"].ID, 12*ding.Yi, true
		p.Stage, p.SignedOn, p.StageOn = ding.StageStarted, signed, signed
	})
	p3 := ppProject(t, f, 3, func(p *ding.Project) {
		p.Name, p.UnitID, p.TotalInvestment, p.Private = "港口物流枢纽", f.units["dept"].ID, 150*ding.Yi, true
		p.Stage, p.StageOn, p.Investor = ding.StageSigned, signed, "government"
	})
	p4 := ppProject(t, f, 4, func(p *ding.Project) {
		p.Name, p.TotalInvestment, p.Manufacturing, p.Private = "智能家居", ding.Yi/2, true, true
		p.LeaderID, p.Stage, p.SignedOn, p.StageOn = f.users["leader"].ID, ding.StageStarted, signed, signed
	})
	ppPlan(t, f, p2.ID, 2024, 500*10_000)
	ppReport(t, f, p2.ID, "2024-03", 200*10_000)
	ppPlan(t, f, p3.ID, 2024, 100*10_000)
	ppPlan(t, f, p3.ID, 2023, 900*10_000)
	if err := f.db.SaveTeamMember(ppSys(), &ding.TeamMember{ProjectID: p4.ID, UnitID: f.units["townB"].ID}); err != nil {
		t.Fatal(err)
	}
}

func TestProjectPageListFilters(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		f = ppFixture(t, f)
		ppListSet(t, f)
		office := f.login("office")
		for _, tc := range []struct {
			query string
			want  []int
		}{
			{"", []int{3, 2, 1, 4}}, // default: total investment, largest first
			{"stage=started", []int{2, 4}},
			{"stage=started&stage=signed", []int{3, 2, 4}},
			{"stage=nonsense", []int{3, 2, 1, 4}},
			{"tier=10", []int{2}},
			{"tier=0", []int{4}},
			{"tier=100", []int{3}},
			{"unit=" + itoa(f.units["district"].ID), []int{3, 2, 1, 4}},
			{"unit=" + itoa(f.units["townA"].ID), []int{1, 4}},
			{"unit=" + itoa(f.units["townB"].ID), []int{2, 4}}, // leads 2, cooperates on 4
			{"manufacturing=1", []int{1, 4}},
			{"manufacturing=0", []int{3, 2}},
			{"private=1&manufacturing=1", []int{4}},
			{"high_tech=1", []int{2}},
			{"leader=" + itoa(f.users["leader"].ID), []int{4}},
			{"q=" + url.QueryEscape("造纸"), []int{1}},
			{"q=000003", []int{3}},
			{"sort=name", []int{4, 3, 1, 2}}, // by code point: 智 港 特 锂
			{"sort=code", []int{1, 2, 3, 4}},
			{"sort=code&desc=1", []int{4, 3, 2, 1}},
			{"sort=total_investment", []int{4, 1, 2, 3}},
			{"sort=plan_year&desc=1", []int{2, 3, 1, 4}},
			{"sort=plan_year&desc=1&year=2023", []int{3, 1, 2, 4}},
			{"sort=completed_ytd&desc=1&stage=started", []int{2, 4}},
		} {
			res, body := office.getRes("/projects?" + tc.query)
			if got := ppCodes(body); res.StatusCode != 200 || !slices.Equal(got, tc.want) {
				t.Errorf("%q: status %d, codes %v, want %v", tc.query, res.StatusCode, got, tc.want)
			}
		}
		// The year changes the figures: 2023's plan of project 3.
		body := office.get("/projects?year=2023&q=000003")
		if !strings.Contains(body, ">900<") || !strings.Contains(body, ">2023年计划<") {
			t.Errorf("2023 figures missing")
		}
		// Headers link to their sort, the active one to the reverse, keeping the filters.
		body = office.get("/projects?stage=started&sort=name")
		if !strings.Contains(body, `href="/projects?desc=1&amp;sort=name&amp;stage=started"`) ||
			!strings.Contains(body, `href="/projects?sort=code&amp;stage=started"`) ||
			!strings.Contains(body, `href="/projects?desc=1&amp;sort=total_investment&amp;stage=started"`) {
			t.Errorf("sort links: %s", regexp.MustCompile(`href="/projects\?[^"]*sort=[^"]*"`).FindAllString(body, -1))
		}
		// The export link carries the same filter; the import link is the office's.
		if !strings.Contains(body, `href="/projects/export.xlsx?sort=name&amp;stage=started"`) || !strings.Contains(body, `href="/projects/import"`) {
			t.Errorf("export/import links missing")
		}
		// A leader's "my projects".
		leader := f.login("leader")
		body = leader.get("/projects")
		if !strings.Contains(body, `href="/projects?leader=`+itoa(f.users["leader"].ID)+`"`) || strings.Contains(body, `id="project-new"`) ||
			strings.Contains(body, `href="/projects/import"`) {
			t.Errorf("leader's toolbar wrong")
		}
		// A town's liaison sees the projects its unit leads or serves, and may create.
		body = f.login("liaisonB").get("/projects")
		if got := ppCodes(body); !slices.Equal(got, []int{2, 4}) || !strings.Contains(body, `id="project-new"`) {
			t.Errorf("liaisonB sees %v", got)
		}
	})
}

func TestProjectPageTotalsAcrossPages(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		f = ppFixture(t, f)
		var total int64
		for n := 1; n <= 55; n++ {
			p := ppProject(t, f, n, func(p *ding.Project) { p.TotalInvestment = int64(n) * 10_000 * 100 })
			total += p.TotalInvestment
			if n%10 == 0 {
				ppPlan(t, f, p.ID, 2024, 120*10_000)
			}
		}
		ppProject(t, f, 99, func(p *ding.Project) {
			p.Stage, p.StageOn, p.DropReason = ding.StageDropped, ding.Date{Year: 2024, Month: 2, Day: 1}, "企业放弃"
		})
		c := f.login("viewer")
		want := fmt.Sprintf("合计（55 个项目） %s 600 0 0.0%%", ding.Wan(total))
		for page, rows := range map[int]int{1: 50, 2: 5} {
			body := c.get("/projects?stage=planning&page=" + strconv.Itoa(page))
			if got := ppCodes(body); len(got) != rows {
				t.Errorf("page %d: %d rows", page, len(got))
			}
			if got := ppTotals(t, body); got != want {
				t.Errorf("page %d totals %q, want %q", page, got, want)
			}
			if !strings.Contains(body, "第 "+strconv.Itoa(page)+" / 2 页") {
				t.Errorf("page %d: pager missing", page)
			}
		}
		if res, body := c.getRes("/projects?stage=planning&page=99999999999999999"); res.StatusCode != 200 || len(ppCodes(body)) != 0 {
			t.Errorf("absurd page: %d", res.StatusCode)
		}
		body := c.get("/projects?stage=planning&page=2")
		if !strings.Contains(body, `href="/projects?stage=planning" rel="prev"`) {
			t.Errorf("the pager's link loses the filter")
		}
	})
}

func TestProjectPageScope(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		f = ppFixture(t, f)
		p := ppProject(t, f, 1, nil)
		c := f.login("liaisonB")
		id := itoa(p.ID)
		audits := f.auditCount()
		for _, path := range []string{"/projects/" + id, "/projects/" + id + "/edit"} {
			if res, _ := c.getRes(path); res.StatusCode != 404 {
				t.Errorf("GET %s: %d", path, res.StatusCode)
			}
		}
		form := ppForm(f)
		form.Set("version", "1")
		for path, form := range map[string]url.Values{
			"/projects/" + id:                     form,
			"/projects/" + id + "/stage":          {"stage": {"negotiating"}, "on": {"2024-06-01"}},
			"/projects/" + id + "/team":           {"unit_id": {itoa(f.units["townB"].ID)}},
			"/projects/" + id + "/milestones":     {"milestone_id": {"0"}, "name": {"x"}},
			"/projects/" + id + "/team/1/remove":  {},
			"/projects/" + id + "/stage?x=bad-on": {"stage": {"negotiating"}, "on": {"nope"}},
		} {
			if res, _ := c.submit(path, form); res.StatusCode != 404 {
				t.Errorf("POST %s: %d", path, res.StatusCode)
			}
		}
		if got := ppFind(t, f, p.ID); got.Name != p.Name || got.Version != 1 || got.Stage != ding.StagePlanning || f.auditCount() != audits {
			t.Errorf("project changed: %+v", got)
		}
		if body := c.get("/projects"); strings.Contains(body, p.Name) {
			t.Errorf("list shows a project outside the scope")
		}
	})
}

func TestProjectPageReadOnly(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		f = ppFixture(t, f)
		p := ppProject(t, f, 1, nil)
		id := itoa(p.ID)
		c := f.login("viewer")
		res, body := c.getRes("/projects/" + id)
		if res.StatusCode != 200 || !strings.Contains(body, p.Name) {
			t.Fatalf("viewer reads: %d", res.StatusCode)
		}
		for _, ctl := range []string{`id="project-edit"`, `id="stage-form"`, `id="team-add"`, `id="ms-add"`, `action="/projects/` + id + `/team"`, `id="project-audit"`} {
			if strings.Contains(body, ctl) {
				t.Errorf("viewer sees %s", ctl)
			}
		}
		if strings.Contains(c.get("/projects"), `id="project-new"`) {
			t.Errorf("viewer may create?")
		}
		audits := f.auditCount()
		if res, _ := c.getRes("/projects/new"); res.StatusCode != 403 {
			t.Errorf("GET new: %d", res.StatusCode)
		}
		if res, _ := c.getRes("/projects/" + id + "/edit"); res.StatusCode != 403 {
			t.Errorf("GET edit: %d", res.StatusCode)
		}
		form := ppForm(f)
		form.Set("version", "1")
		for path, form := range map[string]url.Values{
			"/projects":                       ppForm(f),
			"/projects/" + id:                 form,
			"/projects/" + id + "/stage":      {"stage": {"negotiating"}, "on": {"bad"}},
			"/projects/" + id + "/team":       {"unit_id": {itoa(f.units["townB"].ID)}},
			"/projects/" + id + "/milestones": {"milestone_id": {"0"}, "name": {"x"}, "planned_on": {"2024-13-01"}},
		} {
			if res, body := c.submit(path, form); res.StatusCode != 403 || !strings.Contains(body, "没有执行此操作的权限") {
				t.Errorf("POST %s: %d", path, res.StatusCode)
			}
		}
		if got := ppFind(t, f, p.ID); got.Version != 1 || got.Stage != ding.StagePlanning || f.auditCount() != audits || ppCount(t, f) != 1 {
			t.Errorf("something was written: %+v", got)
		}
		// Without the CSRF token even the office is refused.
		office := f.login("office")
		audits = f.auditCount()
		res = office.postForm("/projects/"+id+"/stage", url.Values{"stage": {"negotiating"}, "on": {"2024-06-01"}})
		res.Body.Close()
		if res.StatusCode != 403 {
			t.Errorf("no csrf: %d", res.StatusCode)
		}
		if got := ppFind(t, f, p.ID); got.Version != 1 || f.auditCount() != audits {
			t.Errorf("written without csrf: %+v", got)
		}
		// The office and the lead unit's liaison get the controls; the admin the audit link.
		if body := office.get("/projects/" + id); !strings.Contains(body, `id="project-edit"`) || !strings.Contains(body, `id="team-add"`) {
			t.Errorf("office lacks controls")
		}
		body = f.login("liaisonA").get("/projects/" + id)
		if !strings.Contains(body, `id="stage-form"`) || !strings.Contains(body, `id="ms-add"`) || strings.Contains(body, `id="team-add"`) {
			t.Errorf("liaisonA controls wrong")
		}
		if body := f.login("admin").get("/projects/" + id); !strings.Contains(body, `href="/audit?entity=project&amp;entity_id=`+id+`"`) {
			t.Errorf("admin lacks the audit link")
		}
	})
}

func TestProjectPageEdit(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		f = ppFixture(t, f)
		p := ppProject(t, f, 1, func(p *ding.Project) { p.LeaderID = f.users["leader"].ID; p.LocationID = f.units["townA"].ID })
		id := itoa(p.ID)
		first, second := f.login("office"), f.login("admin")
		body1, body2 := first.get("/projects/"+id+"/edit"), second.get("/projects/"+id+"/edit")
		if !strings.Contains(body1, `name="version" value="1"`) || !strings.Contains(body1, `name="total_investment" id="pf-total" inputmode="decimal" autocomplete="off" value="10000"`) {
			t.Fatalf("edit form: %.3000s", body1)
		}
		form := func(body, name, total string) url.Values {
			v := url.Values{}
			for _, m := range regexp.MustCompile(`<input(?: type="(?:hidden|date)")? name="([a-z_]+)"[^>]*value="([^"]*)"`).FindAllStringSubmatch(body, -1) {
				v.Set(m[1], m[2])
			}
			for _, m := range regexp.MustCompile(`(?s)<select name="([a-z_]+)"[^>]*>.*?</select>`).FindAllStringSubmatch(body, -1) {
				if s := regexp.MustCompile(`<option value="([^"]*)" selected`).FindStringSubmatch(m[0]); s != nil {
					v.Set(m[1], s[1])
				}
			}
			v.Set("name", name)
			v.Set("total_investment", total)
			v.Del("_csrf")
			return v
		}
		res, _ := first.submit("/projects/"+id, form(body1, "第一人改的名字", "20000"))
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("first save: %d", res.StatusCode)
		}
		audits := f.auditCount()
		res, body := second.submit("/projects/"+id, form(body2, "第二人改的名字", "30000"))
		if res.StatusCode != 409 || !strings.Contains(body, "该项目已被他人修改") || !strings.Contains(body, `value="第二人改的名字"`) ||
			!strings.Contains(body, `id="pform-stale"`) {
			t.Fatalf("second save: %d %.2000s", res.StatusCode, body)
		}
		got := ppFind(t, f, p.ID)
		if got.Name != "第一人改的名字" || got.TotalInvestment != 2*ding.Yi || got.Tier != ding.Tier1 || got.Version != 2 ||
			got.LeaderID != f.users["leader"].ID || got.LocationID != f.units["townA"].ID || f.auditCount() != audits {
			t.Fatalf("after the stale save: %+v", got)
		}
		// A validation error on edit keeps the version and the values.
		res, body = first.submit("/projects/"+id, form(first.get("/projects/"+id+"/edit"), "", "1.234"))
		if res.StatusCode != 422 || !strings.Contains(body, "请填写项目名称") || !strings.Contains(body, "最多保留两位小数") ||
			!strings.Contains(body, `name="version" value="2"`) {
			t.Fatalf("edit validation: %d %.2000s", res.StatusCode, body)
		}
		// The lead unit's liaison edits facts but not the unit or the leader.
		liaison := f.login("liaisonA")
		body = liaison.get("/projects/" + id + "/edit")
		if strings.Contains(body, `<select name="unit_id"`) || strings.Contains(body, `<select name="leader_id"`) {
			t.Errorf("liaison may reassign")
		}
		v := form(body, "联络员改的名字", "20000")
		v.Set("leader_id", "")
		if res, body := liaison.submit("/projects/"+id, v); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("liaison save: %d %.2000s", res.StatusCode, body)
		}
		if got := ppFind(t, f, p.ID); got.Name != "联络员改的名字" || got.LeaderID != f.users["leader"].ID {
			t.Fatalf("liaison save: %+v", got)
		}
		// A leader who has left stays in the select, so that the save says so instead of
		// silently dropping the leader.
		off := true
		if _, err := f.db.UpdateUser(ppSys(), f.users["leader"].ID, ding.UserUpdate{Disabled: &off}); err != nil {
			t.Fatal(err)
		}
		body = first.get("/projects/" + id + "/edit")
		if !strings.Contains(body, `<option value="`+itoa(f.users["leader"].ID)+`" selected>leader</option>`) {
			t.Fatalf("disabled leader not kept in the select")
		}
		res, body = first.submit("/projects/"+id, form(body, "联络员改的名字", "20000"))
		if res.StatusCode != 422 || !regexp.MustCompile(`name="leader_id"(?s:.)*?<span class="field-error">联系领导须为`).MatchString(body) {
			t.Fatalf("save with a disabled leader: %d", res.StatusCode)
		}
	})
}

func TestProjectPageStage(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		f = ppFixture(t, f)
		p := ppProject(t, f, 1, nil)
		id := itoa(p.ID)
		c := f.login("liaisonA")
		for _, tc := range []struct {
			form   url.Values
			status int
			want   string
			id     string
		}{
			{url.Values{"stage": {"started"}, "on": {"2024-06-01"}}, 422, "项目未签约，不能进入开工", "stage-error"},
			{url.Values{"stage": {"dropped"}, "on": {"2024-06-01"}, "reason": {"  "}}, 422, "退库须填写原因", "stage-reason-error"},
			{url.Values{"stage": {"signed"}, "on": {"2024-07-01"}}, 422, "变更日期不能晚于今天", "stage-on-error"},
			{url.Values{"stage": {"signed"}, "on": {"2023-12-01"}}, 422, "不能早于当前阶段开始日期 2024-01-02", "stage-on-error"},
			{url.Values{"stage": {"signed"}, "on": {"2024-02-30"}}, 422, "日期“2024-02-30”无效", "stage-on-error"},
			{url.Values{"stage": {"planning"}, "on": {"2024-06-01"}}, 422, "项目已处于该阶段", "stage-error"},
		} {
			audits := f.auditCount()
			res, body := c.submit("/projects/"+id+"/stage", tc.form)
			if res.StatusCode != tc.status || !regexp.MustCompile(`id="`+tc.id+`">[^<]*`+regexp.QuoteMeta(tc.want)).MatchString(body) {
				t.Errorf("%v: %d, want %d %q next to %s: %.300s", tc.form, res.StatusCode, tc.status, tc.want, tc.id, body)
			}
			if tc.form.Get("reason") == "" && !strings.Contains(body, `name="on" max="2024-06-20" value="`+tc.form.Get("on")+`"`) {
				t.Errorf("%v: typed date lost", tc.form)
			}
			if got := ppFind(t, f, p.ID); got.Stage != ding.StagePlanning || f.auditCount() != audits {
				t.Errorf("%v: written", tc.form)
			}
		}
		res, _ := c.submit("/projects/"+id+"/stage", url.Values{"stage": {"signed"}, "on": {"2024-03-15"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign: %d", res.StatusCode)
		}
		res, _ = c.submit("/projects/"+id+"/stage", url.Values{"stage": {"dropped"}, "on": {"2024-06-10"}, "reason": {"企业资金链断裂"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("drop: %d", res.StatusCode)
		}
		if got := ppFind(t, f, p.ID); got.Stage != ding.StageDropped || got.SignedOn.String() != "2024-03-15" || got.DropReason != "企业资金链断裂" {
			t.Fatalf("after transitions: %+v", got)
		}
		body := c.get("/projects/" + id)
		i := strings.Index(body, `id="project-timeline"`)
		tl := body[i : i+strings.Index(body[i:], "</ol>")]
		if a, b, r := strings.Index(tl, "2024-03-15"), strings.Index(tl, "2024-06-10"), strings.Index(tl, "企业资金链断裂"); a < 0 || b < a || r < b {
			t.Fatalf("timeline: %s", tl)
		}
		// Milestones: signing got its actual date; the planned start passed without one.
		if !strings.Contains(body, `value="2024-03-15" aria-label="实际日期"`) {
			t.Errorf("signing milestone not dated")
		}
	})
}

func TestProjectPageTeam(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		f = ppFixture(t, f)
		p := ppProject(t, f, 1, nil)
		id, townB := itoa(p.ID), itoa(f.units["townB"].ID)
		office := f.login("office")
		audits := f.auditCount()
		res, body := office.submit("/projects/"+id+"/team", url.Values{"unit_id": {""}, "duty": {"协调用地"}})
		if res.StatusCode != 422 || !strings.Contains(body, `id="team-add-error">请选择单位`) || !strings.Contains(body, `value="协调用地"`) {
			t.Fatalf("no unit: %d %.300s", res.StatusCode, body)
		}
		res, _ = office.submit("/projects/"+id+"/team", url.Values{"unit_id": {townB}, "contact_name": {"王五"}, "contact_phone": {"0570-1234567"}, "duty": {"协调用地"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("add: %d", res.StatusCode)
		}
		// The cooperating unit now sees the project.
		if res, _ := f.login("liaisonB").getRes("/projects/" + id); res.StatusCode != 200 {
			t.Fatalf("cooperating unit cannot read: %d", res.StatusCode)
		}
		audits++ // liaisonB's login
		// Editing a member's contact; an error there is shown in its row.
		res, body = office.submit("/projects/"+id+"/team", url.Values{"unit_id": {townB}, "contact_name": {"赵六"}, "duty": {strings.Repeat("长", 201)}})
		if res.StatusCode != 422 || !regexp.MustCompile(`name="duty"[^>]*>\s*<span class="field-error">内容过长`).MatchString(body) ||
			!strings.Contains(body, `value="赵六"`) {
			t.Fatalf("member edit error: %d", res.StatusCode)
		}
		res, _ = office.submit("/projects/"+id+"/team", url.Values{"unit_id": {townB}, "contact_name": {"赵六"}, "duty": {"要素保障"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("edit member: %d", res.StatusCode)
		}
		team, _ := f.db.FindTeam(ppSys(), p.ID)
		if len(team) != 2 || team[1].ContactName != "赵六" || team[1].Duty != "要素保障" || f.auditCount() != audits+2 {
			t.Fatalf("team %+v", team[1])
		}
		// The lead unit's liaison may not change the team.
		liaison := f.login("liaisonA")
		if res, _ := liaison.submit("/projects/"+id+"/team", url.Values{"unit_id": {itoa(f.units["dept"].ID)}}); res.StatusCode != 403 {
			t.Errorf("liaison adds: %d", res.StatusCode)
		}
		if res, _ := liaison.submit("/projects/"+id+"/team/"+townB+"/remove", nil); res.StatusCode != 403 {
			t.Errorf("liaison removes: %d", res.StatusCode)
		}
		// The lead unit cannot be removed; the cooperating one can.
		if res, _ := office.submit("/projects/"+id+"/team/"+itoa(f.units["townA"].ID)+"/remove", nil); res.StatusCode != 404 {
			t.Errorf("remove lead: %d", res.StatusCode)
		}
		if res, _ := office.submit("/projects/"+id+"/team/"+townB+"/remove", nil); res.StatusCode != http.StatusSeeOther {
			t.Errorf("remove: %d", res.StatusCode)
		}
		if team, _ := f.db.FindTeam(ppSys(), p.ID); len(team) != 1 {
			t.Errorf("team after remove: %d", len(team))
		}
		if body := office.get("/projects/" + id); strings.Contains(body, `id="team-`+townB+`"`) || !strings.Contains(body, `id="team-`+itoa(f.units["townA"].ID)+`"`) {
			t.Errorf("team shown wrong after remove")
		}
	})
}

func TestProjectPageMilestones(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		f = ppFixture(t, f)
		p := ppProject(t, f, 1, func(p *ding.Project) { p.PlannedStart = ding.Date{Year: 2024, Month: 5, Day: 1} })
		id := itoa(p.ID)
		c := f.login("liaisonA")
		body := c.get("/projects/" + id)
		ms, _ := f.db.FindMilestones(ppSys(), p.ID)
		var start *ding.Milestone
		for _, m := range ms {
			if m.Stage == ding.StageStarted {
				start = m
			}
		}
		if start == nil || !strings.Contains(ppRow(body, "ms-"+itoa(start.ID)), "ms-overdue") {
			t.Fatalf("the passed planned start is not overdue")
		}
		res, body := c.submit("/projects/"+id+"/milestones", url.Values{"milestone_id": {itoa(start.ID)}, "name": {"开工"}, "planned_on": {"2024-13-01"}})
		if res.StatusCode != 422 || !strings.Contains(body, "日期“2024-13-01”无效") || !strings.Contains(body, `value="2024-13-01"`) {
			t.Fatalf("bad date: %d", res.StatusCode)
		}
		res, _ = c.submit("/projects/"+id+"/milestones", url.Values{"milestone_id": {itoa(start.ID)}, "name": {"开工"}, "planned_on": {"2024-09-01"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d", res.StatusCode)
		}
		res, body = c.submit("/projects/"+id+"/milestones", url.Values{"milestone_id": {"0"}, "name": {" "}})
		if res.StatusCode != 422 || !strings.Contains(body, `id="ms-add-error">请填写节点名称`) {
			t.Fatalf("empty name: %d", res.StatusCode)
		}
		res, _ = c.submit("/projects/"+id+"/milestones", url.Values{"milestone_id": {"0"}, "name": {"环评批复"}, "planned_on": {"2024-04-01"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("add: %d", res.StatusCode)
		}
		if res, _ := c.submit("/projects/"+id+"/milestones", url.Values{"milestone_id": {"999999"}, "name": {"x"}}); res.StatusCode != 404 {
			t.Errorf("unknown milestone: %d", res.StatusCode)
		}
		ms, _ = f.db.FindMilestones(ppSys(), p.ID)
		last := ms[len(ms)-1]
		if len(ms) != 6 || last.Name != "环评批复" || last.PlannedOn.String() != "2024-04-01" {
			t.Fatalf("milestones %+v", last)
		}
		for _, m := range ms {
			if m.ID == start.ID && (m.PlannedOn.String() != "2024-09-01" || m.Stage != ding.StageStarted) {
				t.Fatalf("start milestone %+v", m)
			}
		}
		body = c.get("/projects/" + id)
		if strings.Contains(ppRow(body, "ms-"+itoa(start.ID)), "ms-overdue") || !strings.Contains(ppRow(body, "ms-"+itoa(last.ID)), "ms-overdue") {
			t.Errorf("overdue tags wrong")
		}
	})
}

func TestProjectPageEscapingAndEnglish(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		f = ppFixture(t, f)
		p := ppProject(t, f, 1, func(p *ding.Project) { p.Name = `<script>alert("x")</script>工程` })
		c := f.login("office")
		for _, path := range []string{"/projects", "/projects/" + itoa(p.ID), "/projects/" + itoa(p.ID) + "/edit"} {
			body := c.get(path)
			if strings.Contains(body, `<script>alert`) || !strings.Contains(body, `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;工程`) {
				t.Errorf("%s: name not escaped", path)
			}
		}
		req, _ := http.NewRequest("GET", f.ts.URL+"/projects", nil)
		req.Header.Set("Accept-Language", "en-US,en;q=0.9")
		res, err := c.hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		body := string(b)
		for _, want := range []string{">Total investment <span class=\"arrow\">", ">Plan 2024<", ">Completed 2024<", "Completion", "Project registry", "Total (1 projects)", "Planning", "Amounts in 10k yuan"} {
			if !strings.Contains(body, want) {
				t.Errorf("English list lacks %q", want)
			}
		}
		if strings.Contains(body, "总投资") || strings.Contains(body, "项目代码") {
			t.Errorf("English list shows Chinese headers")
		}
	})
}

// ppRow returns the table row with the given id.
func ppRow(body, id string) string {
	i := strings.Index(body, `<tr id="`+id+`"`)
	if i < 0 {
		return ""
	}
	return body[i : i+strings.Index(body[i:], "</tr>")]
}

package web

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"ding"
	"ding/store"
)

// apipNow is "now" in the project API tests: 2024-06-20, 10:00 in Shanghai. May's
// reporting window (1st–18th of May) has closed, June's too, July's has not opened.
var apipNow = time.Date(2024, 6, 20, 2, 0, 0, 0, time.UTC)

const wan = 10_000 // 1万 yuan

// apipData is a small registry on top of the fixture's org tree, made as the system:
//
//	P1 特种纸扩能项目  townA, at townA, leader, private, C, 新材料, manufacturing+private, 12亿, signed
//	P2 港口物流园      townB (+ townA cooperating), at townB, soe, G, 现代物流, 150亿, started
//	P3 数字经济产业园  dept, at townA, government, I, 数字经济, high-tech, 5亿, planning
//	P4 高端装备制造基地 townA, at townB, leader, private, C, 高端装备, all three flags, 3000万, negotiating
//	P5 老旧项目        townB, no location, private, 2亿, dropped
//
// Plans 2024: P1 1.2亿 (1000万 a month), P2 24亿 (2亿 a month), P3 6000万; plan 2023: P1 6000万.
// Reports: P1 2024-05 3000万; P2 2024-04 4亿 and 2024-05 5亿.
type apipData struct {
	f     *fixture
	p     map[string]*ding.Project
	label map[int64]string // project id → "P1"…
	may   *ding.ProgressReport
}

func apipSetup(t *testing.T, f *fixture) *apipData {
	t.Helper()
	f.db.Now = func() time.Time { return apipNow }
	apiTokens(f)
	d := &apipData{f: f, p: map[string]*ding.Project{}, label: map[int64]string{}}
	u := func(k string) int64 { return f.units[k].ID }
	day := func(m, dd int) ding.Date { return ding.Date{Year: 2024, Month: time.Month(m), Day: dd} }
	leader := f.users["leader"].ID
	for _, p := range []*ding.Project{
		{Code: "2301-330803-04-01-000001", Name: "特种纸扩能项目", UnitID: u("townA"), LocationID: u("townA"), LeaderID: leader,
			Investor: "private", Industry: "C", Chain: "新材料", Manufacturing: true, Private: true, TotalInvestment: 12 * ding.Yi,
			Stage: ding.StageSigned, StageOn: day(1, 10), SignedOn: day(1, 10)},
		{Code: "2301-330803-04-01-000002", Name: "港口物流园", UnitID: u("townB"), LocationID: u("townB"),
			Investor: "soe", Industry: "G", Chain: "现代物流", TotalInvestment: 150 * ding.Yi,
			Stage: ding.StageStarted, StageOn: day(3, 1), SignedOn: day(2, 1), ActualStart: day(3, 1)},
		{Code: "2301-330803-04-01-000003", Name: "数字经济产业园", UnitID: u("dept"), LocationID: u("townA"),
			Investor: ding.InvestorGovernment, Industry: "I", Chain: "数字经济", HighTech: true, TotalInvestment: 5 * ding.Yi,
			Stage: ding.StagePlanning, StageOn: day(2, 1)},
		{Code: "2301-330803-04-01-000004", Name: "高端装备制造基地", UnitID: u("townA"), LocationID: u("townB"), LeaderID: leader,
			Investor: "private", Industry: "C", Chain: "高端装备", Manufacturing: true, HighTech: true, Private: true, TotalInvestment: 3000 * wan,
			Stage: ding.StageNegotiating, StageOn: day(4, 1)},
		{Code: "2301-330803-04-01-000005", Name: "老旧项目", UnitID: u("townB"),
			Investor: "private", TotalInvestment: 2 * ding.Yi, Stage: ding.StageDropped, StageOn: day(5, 1), DropReason: "企业撤资"},
	} {
		if err := f.db.CreateProject(sysCtx(), p); err != nil {
			t.Fatalf("project %s: %v", p.Name, err)
		}
		l := "P" + p.Code[len(p.Code)-1:]
		d.p[l], d.label[p.ID] = p, l
	}
	if err := f.db.SaveTeamMember(sysCtx(), &ding.TeamMember{ProjectID: d.p["P2"].ID, UnitID: u("townA"), ContactName: "张三"}); err != nil {
		t.Fatal(err)
	}
	plan := func(p string, year int, month int64) {
		a := &ding.AnnualPlan{ProjectID: d.p[p].ID, Year: year, Total: 12 * month, Goal: "主体完工"}
		for i := range a.Months {
			a.Months[i] = month
		}
		if err := f.db.SavePlan(sysCtx(), a); err != nil {
			t.Fatalf("plan %s %d: %v", p, year, err)
		}
	}
	plan("P1", 2024, 1000*wan)
	plan("P2", 2024, 2*ding.Yi)
	plan("P3", 2024, 500*wan)
	plan("P1", 2023, 500*wan)
	report := func(p, period string, completed int64) *ding.ProgressReport {
		r := &ding.ProgressReport{ProjectID: d.p[p].ID, Period: period, Completed: completed, ProgressText: "施工中", ProgressPct: 30}
		if err := f.db.SubmitReport(sysCtx(), r, nil); err != nil {
			t.Fatalf("report %s %s: %v", p, period, err)
		}
		return r
	}
	d.may = report("P1", "2024-05", 3000*wan)
	report("P2", "2024-04", 4*ding.Yi)
	report("P2", "2024-05", 5*ding.Yi)
	return d
}

// apipCase is one request of a scenario table and what must come back.
type apipCase struct {
	name   string
	user   string
	method string
	path   string
	body   string
	hdr    map[string]string
	status int
	want   []string
}

// apipRun sends each case; a refused request must answer the error format and, for a
// write, leave no audit entry.
func apipRun(t *testing.T, f *fixture, cases []apipCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := f.auditCount()
			var body io.Reader
			if c.body != "" {
				body = strings.NewReader(c.body)
			}
			status, got := apiSend(f, c.user, c.method, c.path, body, c.hdr)
			if status != c.status {
				t.Fatalf("%s %s as %q: status %d, want %d: %.400s", c.method, c.path, c.user, status, c.status, got)
			}
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("%s %s as %q: answer lacks %q: %.600s", c.method, c.path, c.user, w, got)
				}
			}
			if status >= 400 {
				var e apiErr
				apiDecode(t, got, &e)
				if e.Error.Code == "" || e.Error.Message == "" {
					t.Errorf("error without code or message: %s", got)
				}
				if after := f.auditCount(); after != before {
					t.Errorf("refused request left %d audit entries", after-before)
				}
			}
		})
	}
}

func TestAPIProjectCreate(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		f.db.Now = func() time.Time { return apipNow }
		apiTokens(f)
		townA, leader := f.units["townA"].ID, f.users["leader"].ID
		body := func(code string, extra string) string {
			return fmt.Sprintf(`{"code":%q,"name":"  特种纸扩能项目 ","unit_id":%d,"location_id":%d,"leader_id":%d,"investor":"private",
				"industry":"c","total_investment":1200000000,"planned_start":"2024-07-01","planned_end":"2026-06-30",
				"tier":100,"version":7,"plan_year":5,"completed_ytd":9,"unit_name":"ignored"%s}`, code, townA, townA, leader, extra)
		}
		before := f.auditCount()
		status, got := f.api("office", "POST", "/api/v1/projects", body("2301-330803-04-01-000001", ""))
		if status != http.StatusCreated {
			t.Fatalf("create: %d %s", status, got)
		}
		var p ding.Project
		apiDecode(t, got, &p)
		// 12亿 is 10亿元以上 whatever the body says; version and figures are the server's.
		if p.ID == 0 || p.Tier != ding.Tier10 || p.Version != 1 || p.PlanYear != 0 || p.CompletedYTD != 0 || p.Name != "特种纸扩能项目" ||
			p.UnitName != "樟潭街道" || p.LocationName != "樟潭街道" || p.LeaderName != "leader" || p.Industry != "C" ||
			p.Stage != ding.StagePlanning || p.StageOn.String() != "2024-06-20" || p.PlannedStart.String() != "2024-07-01" || p.ActualStart.String() != "" {
			t.Fatalf("created: %+v", p)
		}
		if !strings.Contains(got, `"planned_start":"2024-07-01"`) || !strings.Contains(got, `"actual_start":null`) {
			t.Errorf("dates not YYYY-MM-DD or null: %s", got)
		}
		if f.auditCount() != before+1 {
			t.Fatalf("create left %d audit entries", f.auditCount()-before)
		}
		// The new project is readable, with its team (the lead unit) and default milestones.
		status, got = f.api("liaisonA", "GET", fmt.Sprintf("/api/v1/projects/%d", p.ID), "")
		if status != 200 || !strings.Contains(got, `"tier":10`) || !strings.Contains(got, `"code":"2301-330803-04-01-000001"`) {
			t.Fatalf("read back: %d %s", status, got)
		}
		_, got = f.api("office", "GET", fmt.Sprintf("/api/v1/projects/%d/team", p.ID), "")
		if !strings.Contains(got, `"total":1`) || !strings.Contains(got, `"role":"lead"`) {
			t.Errorf("team of a new project: %s", got)
		}
		_, got = f.api("office", "GET", fmt.Sprintf("/api/v1/projects/%d/milestones", p.ID), "")
		if !strings.Contains(got, `"total":5`) || !strings.Contains(got, `"name":"开工","stage":"started","planned_on":"2024-07-01"`) {
			t.Errorf("milestones of a new project: %s", got)
		}
		// A liaison creates a project led by its own unit, at a given stage.
		status, got = f.api("liaisonA", "POST", "/api/v1/projects", fmt.Sprintf(
			`{"code":"2301-330803-04-01-000002","name":"乡村振兴","unit_id":%d,"investor":"government","total_investment":99999999,"stage":"negotiating","stage_on":"2024-03-01"}`, townA))
		apiDecode(t, got, &p)
		if status != 201 || p.Tier != ding.TierNone || p.Stage != ding.StageNegotiating || p.StageOn.String() != "2024-03-01" {
			t.Fatalf("liaison create: %d %s", status, got)
		}

		apipRun(t, f, []apipCase{
			{"bad code", "office", "POST", "/api/v1/projects", body("2313-330803-04-01-000009", ""), nil, 422, []string{`"field":"code"`, "项目代码“2313-330803-04-01-000009”格式不正确"}},
			{"bad code in English", "office", "POST", "/api/v1/projects", body("23-1", ""), map[string]string{"Accept-Language": "en"}, 422, []string{`"field":"code"`, "malformed"}},
			{"duplicate code", "office", "POST", "/api/v1/projects", body("2301-330803-04-01-000001", ""), nil, 409, []string{`"code":"conflict"`, `"field":"code"`, "特种纸扩能项目"}},
			{"viewer creates", "viewer", "POST", "/api/v1/projects", body("2301-330803-04-01-000003", ""), nil, 403, []string{`"code":"forbidden"`}},
			{"leader creates", "leader", "POST", "/api/v1/projects", body("2301-330803-04-01-000003", ""), nil, 403, []string{`"code":"forbidden"`}},
			{"liaison creates for another town", "liaisonB", "POST", "/api/v1/projects", body("2301-330803-04-01-000003", ""), nil, 422, []string{`"field":"unit_id"`}},
			{"date that does not exist", "office", "POST", "/api/v1/projects", body("2301-330803-04-01-000003", `,"signed_on":"2023-02-29"`), nil, 422, []string{`"field":"signed_on"`, "2023-02-29"}},
			{"date of the wrong type", "office", "POST", "/api/v1/projects", body("2301-330803-04-01-000003", `,"actual_end":20240101`), nil, 422, []string{`"field":"actual_end"`}},
			{"negative money", "office", "POST", "/api/v1/projects", strings.Replace(body("2301-330803-04-01-000003", ""), "1200000000", "-1", 1), nil, 422, []string{`"field":"total_investment"`, "负数"}},
			{"money as text", "office", "POST", "/api/v1/projects", strings.Replace(body("2301-330803-04-01-000003", ""), "1200000000", `"12亿"`, 1), nil, 422, []string{`"field":"total_investment"`, "integer"}},
			{"fractional yuan", "office", "POST", "/api/v1/projects", strings.Replace(body("2301-330803-04-01-000003", ""), "1200000000", "1.5", 1), nil, 422, []string{`"field":"total_investment"`}},
			{"unknown field", "office", "POST", "/api/v1/projects", body("2301-330803-04-01-000003", `,"colour":"red"`), nil, 422, []string{`"field":"colour"`}},
			{"leader who is not a leader", "office", "POST", "/api/v1/projects", strings.Replace(body("2301-330803-04-01-000003", ""), fmt.Sprintf(`"leader_id":%d`, leader), fmt.Sprintf(`"leader_id":%d`, f.users["viewer"].ID), 1), nil, 422, []string{`"field":"leader_id"`}},
			{"no investor", "office", "POST", "/api/v1/projects", fmt.Sprintf(`{"code":"2301-330803-04-01-000003","name":"x","unit_id":%d}`, townA), nil, 422, []string{`"field":"investor"`}},
			{"bad stage", "office", "POST", "/api/v1/projects", body("2301-330803-04-01-000003", `,"stage":"flying"`), nil, 422, []string{`"field":"stage"`}},
			{"no token", "", "POST", "/api/v1/projects", body("2301-330803-04-01-000003", ""), nil, 401, []string{`"code":"unauthorized"`}},
		})
		if _, tot, _ := f.db.FindProjects(sysCtx(), ding.ProjectFilter{}); tot.Count != 2 {
			t.Fatalf("refused creates left %d projects", tot.Count)
		}
	})
}

// TestAPIProjectRefusals: requests outside the caller's scope are 404, beyond its role
// 403, malformed 422 — and none of them changes anything.
func TestAPIProjectRefusals(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		d := apipSetup(t, f)
		p1 := fmt.Sprintf("/api/v1/projects/%d", d.p["P1"].ID)
		p4 := fmt.Sprintf("/api/v1/projects/%d", d.p["P4"].ID)
		townA, townB := f.units["townA"].ID, f.units["townB"].ID
		months := func(n int, each int64) string {
			m := make([]string, n)
			for i := range m {
				m[i] = fmt.Sprint(each)
			}
			return "[" + strings.Join(m, ",") + "]"
		}
		report := `{"period":"2024-06","completed":10000000,"progress_text":"设备安装","progress_pct":40}`
		review := fmt.Sprintf("/api/v1/reports/%d/review", d.may.ID)
		nf := []string{`"code":"not_found"`}
		forbidden := []string{`"code":"forbidden"`}
		apipRun(t, f, []apipCase{
			// Outside the caller's scope: not found, for reads and writes alike.
			{"B reads A's project", "liaisonB", "GET", p1, "", nil, 404, nf},
			{"B patches A's project", "liaisonB", "PATCH", p1, `{"name":"改名","version":1}`, nil, 404, nf},
			{"B moves A's stage", "liaisonB", "POST", p1 + "/stage", `{"stage":"started","on":"2024-06-01"}`, nil, 404, nf},
			{"B reports on A's project", "liaisonB", "POST", p1 + "/reports", report, nil, 404, nf},
			{"B lists A's reports", "liaisonB", "GET", p1 + "/reports", "", nil, 404, nf},
			{"B reads A's report", "liaisonB", "GET", fmt.Sprintf("/api/v1/reports/%d", d.may.ID), "", nil, 404, nf},
			{"B reviews A's report", "liaisonB", "POST", review, `{"decision":"approve"}`, nil, 404, nf},
			{"B reads A's timeline", "liaisonB", "GET", p1 + "/stages", "", nil, 404, nf},
			{"B reads A's team", "liaisonB", "GET", p1 + "/team", "", nil, 404, nf},
			{"B joins A's team", "liaisonB", "PUT", fmt.Sprintf("%s/team/%d", p1, townB), `{"contact_name":"李四"}`, nil, 404, nf},
			{"B reads A's milestones", "liaisonB", "GET", p1 + "/milestones", "", nil, 404, nf},
			{"B adds a milestone", "liaisonB", "POST", p1 + "/milestones", `{"name":"环评批复"}`, nil, 404, nf},
			{"B reads A's plans", "liaisonB", "GET", p1 + "/plans", "", nil, 404, nf},
			{"B plans A's year", "liaisonB", "PUT", p1 + "/plans/2024", `{"total":0,"months":` + months(12, 0) + `}`, nil, 404, nf},
			{"B reads A's months", "liaisonB", "GET", p1 + "/months", "", nil, 404, nf},
			{"no such project", "office", "GET", "/api/v1/projects/999999", "", nil, 404, nf},
			{"id not a number", "office", "GET", "/api/v1/projects/abc", "", nil, 404, nf},
			{"plan year not a number", "office", "PUT", p1 + "/plans/abc", `{"total":0,"months":` + months(12, 0) + `}`, nil, 404, nf},

			// Within scope but beyond the role.
			{"viewer patches", "viewer", "PATCH", p1, `{"name":"改名","version":1}`, nil, 403, forbidden},
			{"viewer moves stage", "viewer", "POST", p1 + "/stage", `{"stage":"landed","on":"2024-06-01"}`, nil, 403, forbidden},
			{"viewer reports", "viewer", "POST", p1 + "/reports", report, nil, 403, forbidden},
			{"leader reports", "leader", "POST", p1 + "/reports", report, nil, 403, forbidden},
			{"leader plans", "leader", "PUT", p1 + "/plans/2025", `{"total":0,"months":` + months(12, 0) + `}`, nil, 403, forbidden},
			{"liaison changes the team", "liaisonA", "PUT", fmt.Sprintf("%s/team/%d", p1, townB), `{"contact_name":"李四"}`, nil, 403, forbidden},
			{"liaison removes from the team", "liaisonA", "DELETE", fmt.Sprintf("/api/v1/projects/%d/team/%d", d.p["P2"].ID, townA), "", nil, 403, forbidden},
			{"liaison changes the leader", "liaisonA", "PATCH", p1, `{"leader_id":0,"version":1}`, nil, 422, []string{`"field":"unit_id"`, "项目办"}},
			{"liaison reviews", "liaisonA", "POST", review, `{"decision":"approve"}`, nil, 403, forbidden},
			{"liaison sets chains", "liaisonA", "PUT", "/api/v1/settings/chains", `{"chains":["新材料"]}`, nil, 403, forbidden},
			{"viewer sets chains", "viewer", "PUT", "/api/v1/settings/chains", `{"chains":["新材料"]}`, nil, 403, forbidden},
			{"liaison sets the window", "liaisonA", "PUT", "/api/v1/settings/report-window", `{"open_day":1,"close_day":20,"close_next_month":false,"week_close_days":2}`, nil, 403, forbidden},

			// Optimistic locking and what PATCH may not change.
			{"patch without version", "office", "PATCH", p1, `{"name":"改名"}`, nil, 422, []string{`"field":"version"`, "version"}},
			{"patch with null version", "office", "PATCH", p1, `{"name":"改名","version":null}`, nil, 422, []string{`"field":"version"`}},
			{"patch with version as text", "office", "PATCH", p1, `{"name":"改名","version":"1"}`, nil, 422, []string{`"field":"version"`, "integer"}},
			{"patch with a stale version", "office", "PATCH", p1, `{"name":"改名","version":0}`, nil, 409, []string{`"code":"conflict"`, "已被他人修改", "未保存"}},
			{"stale in English", "office", "PATCH", p1, `{"name":"改名","version":2}`, map[string]string{"Accept-Language": "en"}, 409, []string{"Someone changed this project"}},
			{"patch moves the stage", "office", "PATCH", p1, `{"stage":"started","version":1}`, nil, 422, []string{`"field":"stage"`, "/stage"}},
			{"patch dates the stage", "office", "PATCH", p1, `{"stage_on":"2024-02-02","version":1}`, nil, 422, []string{`"field":"stage_on"`}},
			{"patch with a bad date", "office", "PATCH", p1, `{"planned_end":"2024-06-31","version":1}`, nil, 422, []string{`"field":"planned_end"`, "2024-06-31"}},
			{"patch ends before it starts", "office", "PATCH", p1, `{"planned_start":"2025-01-01","planned_end":"2024-12-31","version":1}`, nil, 422, []string{`"field":"planned_end"`}},
			{"patch a taken code", "office", "PATCH", p1, `{"code":"2301-330803-04-01-000002","version":1}`, nil, 409, []string{`"field":"code"`, "港口物流园"}},
			{"patch an unknown field", "office", "PATCH", p1, `{"colour":"red","version":1}`, nil, 422, []string{`"field":"colour"`}},

			// Stage transitions are checked.
			{"start before signing", "office", "POST", p4 + "/stage", `{"stage":"started","on":"2024-06-01"}`, nil, 422,
				[]string{`"field":"stage"`, "项目未签约，不能进入开工及以后阶段"}},
			{"start before signing in English", "office", "POST", p4 + "/stage", `{"stage":"started","on":"2024-06-01"}`, map[string]string{"Accept-Language": "en"}, 422,
				[]string{`"field":"stage"`, "has not been signed"}},
			{"unknown stage", "office", "POST", p1 + "/stage", `{"stage":"flying","on":"2024-06-01"}`, nil, 422, []string{`"field":"stage"`}},
			{"stage without a date", "office", "POST", p1 + "/stage", `{"stage":"landed"}`, nil, 422, []string{`"field":"on"`}},
			{"stage on a bad date", "office", "POST", p1 + "/stage", `{"stage":"landed","on":"2024-13-01"}`, nil, 422, []string{`"field":"on"`, "2024-13-01"}},
			{"stage in the future", "office", "POST", p1 + "/stage", `{"stage":"landed","on":"2024-06-21"}`, nil, 422, []string{`"field":"on"`}},
			{"back without a reason", "office", "POST", p1 + "/stage", `{"stage":"planning","on":"2024-06-01"}`, nil, 422, []string{`"field":"reason"`}},
			{"drop without a reason", "office", "POST", p1 + "/stage", `{"stage":"dropped","on":"2024-06-01","reason":"  "}`, nil, 422, []string{`"field":"reason"`}},

			// Plans: the months must add up to the year.
			{"months do not add up", "office", "PUT", p1 + "/plans/2025", `{"total":120000000,"months":` + months(12, 9000000) + `}`, nil, 422,
				[]string{`"field":"total"`, "1—12月计划合计 10,800 万元，与年度计划 12,000 万元不一致（相差 -1,200 万元）"}},
			{"eleven months", "office", "PUT", p1 + "/plans/2025", `{"total":0,"months":` + months(11, 0) + `}`, nil, 422, []string{`"field":"months"`, "11"}},
			{"thirteen months", "office", "PUT", p1 + "/plans/2025", `{"total":0,"months":` + months(13, 0) + `}`, nil, 422, []string{`"field":"months"`, "13"}},
			{"negative month", "office", "PUT", p1 + "/plans/2025", `{"total":0,"months":[5,-5,0,0,0,0,0,0,0,0,0,0]}`, nil, 422, []string{`"field":"months"`, "2 月的计划金额不能为负数"}},
			{"year differs from the path", "office", "PUT", p1 + "/plans/2025", `{"year":2024,"total":0,"months":` + months(12, 0) + `}`, nil, 422, []string{`"field":"year"`}},
			{"year out of range", "office", "PUT", p1 + "/plans/1999", `{"total":0,"months":` + months(12, 0) + `}`, nil, 422, []string{`"field":"year"`}},

			// Reports: periods that do not exist or have not opened.
			{"month 13", "office", "POST", p1 + "/reports", `{"period":"2024-13","completed":1,"progress_text":"x"}`, nil, 422, []string{`"field":"period"`, "2024-13"}},
			{"week 54", "office", "POST", p1 + "/reports", `{"period":"2024-W54","completed":1,"progress_text":"x"}`, nil, 422, []string{`"field":"period"`}},
			{"window not open", "office", "POST", p1 + "/reports", `{"period":"2024-07","completed":1,"progress_text":"x"}`, nil, 422, []string{`"field":"period"`, "尚未开放", "2024-07-01"}},
			{"negative completed", "office", "POST", p1 + "/reports", `{"period":"2024-06","completed":-1,"progress_text":"x"}`, nil, 422, []string{`"field":"completed"`}},
			{"percent over 100", "office", "POST", p1 + "/reports", `{"period":"2024-06","completed":1,"progress_text":"x","progress_pct":101}`, nil, 422, []string{`"field":"progress_pct"`}},
			{"cumulative figures are not typed", "office", "POST", p1 + "/reports", `{"period":"2024-06","completed":1,"progress_text":"x","completed_ytd":5}`, nil, 422, []string{`"field":"completed_ytd"`}},
			{"unknown decision", "office", "POST", review, `{"decision":"maybe"}`, nil, 422, []string{`"field":"decision"`, "approve"}},
			{"return without comment", "office", "POST", review, `{"decision":"return","comment":"  "}`, nil, 422, []string{`"field":"comment"`}},

			// Team and milestones.
			{"team unit that does not exist", "office", "PUT", p1 + "/team/999999", `{"contact_name":"李四"}`, nil, 422, []string{`"field":"unit_id"`}},
			{"remove the lead unit", "office", "DELETE", fmt.Sprintf("%s/team/%d", p1, townA), "", nil, 404, nf},
			{"remove a unit not in the team", "office", "DELETE", fmt.Sprintf("%s/team/%d", p1, townB), "", nil, 404, nf},
			{"milestone without a name", "office", "POST", p1 + "/milestones", `{"name":" ","planned_on":"2024-09-01"}`, nil, 422, []string{`"field":"name"`}},
			{"milestone with a bad date", "office", "POST", p1 + "/milestones", `{"name":"环评","planned_on":"2024/09/01"}`, nil, 422, []string{`"field":"planned_on"`}},
			{"milestone of another project", "office", "PUT", fmt.Sprintf("%s/milestones/%d", p4, apipMilestoneID(t, f, d.p["P1"].ID)), `{"name":"签约"}`, nil, 404, nf},

			// Settings.
			{"chains missing", "office", "PUT", "/api/v1/settings/chains", `{}`, nil, 422, []string{`"field":"chains"`}},
			{"window closes before it opens", "office", "PUT", "/api/v1/settings/report-window", `{"open_day":10,"close_day":5,"close_next_month":false,"week_close_days":2}`, nil, 422, []string{`"field":"close_day"`}},
			{"window on day 31", "office", "PUT", "/api/v1/settings/report-window", `{"open_day":1,"close_day":31,"close_next_month":true,"week_close_days":2}`, nil, 422, []string{`"field":"close_day"`}},
		})

		// Nothing changed: P1 is as it was, with one team member, its plans and its one report.
		p, err := f.db.FindProjectByID(sysCtx(), d.p["P1"].ID)
		if err != nil || p.Name != "特种纸扩能项目" || p.Version != 1 || p.Stage != ding.StageSigned || p.LeaderID != f.users["leader"].ID ||
			!p.PlannedEnd.IsZero() || p.CompletedYTD != 3000*wan {
			t.Fatalf("P1 after refused requests: %+v %v", p, err)
		}
		if team, _ := f.db.FindTeam(sysCtx(), p.ID); len(team) != 1 {
			t.Fatalf("P1 team after refused requests: %d members", len(team))
		}
		if plans, _ := f.db.FindPlans(sysCtx(), p.ID); len(plans) != 2 {
			t.Fatalf("P1 plans after refused requests: %d", len(plans))
		}
		if ms, _ := f.db.FindMilestones(sysCtx(), p.ID); len(ms) != 5 {
			t.Fatalf("P1 milestones after refused requests: %d", len(ms))
		}
		if _, n, _ := f.db.FindReports(sysCtx(), store.ReportFilter{ProjectID: p.ID}); n != 1 {
			t.Fatalf("P1 reports after refused requests: %d", n)
		}
		if p4, _ := f.db.FindProjectByID(sysCtx(), d.p["P4"].ID); p4.Stage != ding.StageNegotiating {
			t.Fatalf("P4 stage after a refused jump: %s", p4.Stage)
		}
		if chains, _ := f.db.Chains(sysCtx()); len(chains) != 0 {
			t.Fatalf("chains after refused changes: %v", chains)
		}
		if w, _ := f.db.ReportWindow(sysCtx()); w != ding.DefaultReportWindow {
			t.Fatalf("window after refused changes: %+v", w)
		}
	})
}

// apipMilestoneID is the id of a project's first milestone.
func apipMilestoneID(t *testing.T, f *fixture, projectID int64) int64 {
	t.Helper()
	ms, err := f.db.FindMilestones(sysCtx(), projectID)
	if err != nil || len(ms) == 0 {
		t.Fatalf("milestones of %d: %v", projectID, err)
	}
	return ms[0].ID
}

// apipList is the answer of GET /api/v1/projects, decoded.
type apipList struct {
	Items                      []ding.Project
	Total, Limit, Offset, Year int
	Totals                     ding.ProjectTotals
}

func TestAPIProjectList(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		d := apipSetup(t, f)
		get := func(user, query string) (int, apipList, string) {
			t.Helper()
			status, body := f.api(user, "GET", "/api/v1/projects"+query, "")
			var l apipList
			if status == 200 {
				apiDecode(t, body, &l)
			}
			return status, l, body
		}
		labels := func(l apipList) string {
			var out []string
			for _, p := range l.Items {
				out = append(out, d.label[p.ID])
			}
			return strings.Join(out, ",")
		}
		uid := func(k string) string { return fmt.Sprint(f.units[k].ID) }
		all := ding.ProjectTotals{Count: 5, TotalInvestment: 12*ding.Yi + 150*ding.Yi + 5*ding.Yi + 3000*wan + 2*ding.Yi,
			PlanYear: 12*1000*wan + 24*ding.Yi + 6000*wan, CompletedYTD: 3000*wan + 9*ding.Yi}
		for _, c := range []struct {
			user, query string
			want        string // labels in order
			totals      *ding.ProjectTotals
		}{
			{"office", "", "P2,P1,P3,P5,P4", &all}, // by total investment, largest first
			{"office", "?sort=code", "P1,P2,P3,P4,P5", &all},
			{"office", "?sort=code&order=desc", "P5,P4,P3,P2,P1", nil},
			{"office", "?sort=total_investment&order=asc", "P4,P5,P3,P1,P2", nil},
			{"office", "?sort=plan_year&order=desc", "P2,P1,P3,P4,P5", nil},
			{"office", "?sort=completed_ytd", "P3,P4,P5,P1,P2", nil},
			{"office", "?sort=progress_pct&order=desc", "P1,P2,P3,P4,P5", nil},
			{"office", "?sort=stage", "P5,P4,P3,P1,P2", nil}, // dropped, negotiating, planning, signed, started (by code)
			{"office", "?stage=signed,started&sort=code", "P1,P2", &ding.ProjectTotals{Count: 2, TotalInvestment: 162 * ding.Yi, PlanYear: 252 * ding.Yi / 10, CompletedYTD: 93 * ding.Yi / 10}},
			{"office", "?stage=signed&stage=planning&sort=code", "P1,P3", nil},
			{"office", "?stage=dropped", "P5", nil},
			{"office", "?tier=100", "P2", nil},
			{"office", "?tier=10", "P1", nil},
			{"office", "?tier=1&sort=code", "P3,P5", nil},
			{"office", "?tier=0", "P4", nil},
			{"office", "?unit_id=" + uid("townA") + "&sort=code", "P1,P2,P4", nil}, // lead or cooperating
			{"office", "?unit_id=" + uid("townB") + "&sort=code", "P2,P5", nil},
			{"office", "?unit_id=" + uid("district") + "&sort=code", "P1,P2,P3,P4,P5", nil}, // the subtree
			{"office", "?location_id=" + uid("townB") + "&sort=code", "P2,P4", nil},
			{"office", "?location_id=" + uid("district") + "&sort=code", "P1,P2,P3,P4", nil},
			{"office", "?chain=" + url.QueryEscape("新材料"), "P1", nil},
			{"office", "?industry=c&sort=code", "P1,P4", nil},
			{"office", "?manufacturing=true&sort=code", "P1,P4", nil},
			{"office", "?high_tech=false&sort=code", "P1,P2,P5", nil},
			{"office", "?private=1&high_tech=1", "P4", nil},
			{"office", "?leader_id=" + fmt.Sprint(f.users["leader"].ID) + "&sort=code", "P1,P4", nil},
			{"office", "?q=" + url.QueryEscape("港口"), "P2", nil},
			{"office", "?min_investment=10000000000", "P2", nil},               // 100亿 and more
			{"office", "?min_investment=500000000&sort=code", "P1,P2,P3", nil}, // 5亿 and more
			{"office", "?q=000003", "P3", nil},
			{"office", "?q=" + url.QueryEscape("100%"), "", &ding.ProjectTotals{}},
			{"office", "?year=2023&sort=plan_year&order=desc", "P1,P2,P3,P4,P5", &ding.ProjectTotals{Count: 5, TotalInvestment: all.TotalInvestment, PlanYear: 6000 * wan}},
			{"office", "?year=2025", "P2,P1,P3,P5,P4", &ding.ProjectTotals{Count: 5, TotalInvestment: all.TotalInvestment}},
			{"office", "?manufacturing=true&tier=10&stage=signed&unit_id=" + uid("townA"), "P1", &ding.ProjectTotals{Count: 1, TotalInvestment: 12 * ding.Yi, PlanYear: 12 * ding.Yi / 10, CompletedYTD: 3000 * wan}},
			// Scope: a liaison sees what its unit leads or serves; the leader sees the
			// district's and its own.
			{"liaisonA", "?sort=code", "P1,P2,P4", &ding.ProjectTotals{Count: 3, TotalInvestment: 162*ding.Yi + 3000*wan, PlanYear: 252 * ding.Yi / 10, CompletedYTD: 93 * ding.Yi / 10}},
			{"liaisonB", "?sort=code", "P2,P5", nil},
			{"liaisonB", "?unit_id=" + uid("townA"), "P2", nil},
			{"leader", "?leader_id=" + fmt.Sprint(f.users["leader"].ID) + "&sort=code", "P1,P4", nil},
		} {
			status, l, body := get(c.user, c.query)
			if status != 200 {
				t.Errorf("%s %s: %d %s", c.user, c.query, status, body)
				continue
			}
			if got := labels(l); got != c.want || l.Total != len(l.Items) || l.Totals.Count != l.Total {
				t.Errorf("%s %s: %s (total %d, count %d), want %s", c.user, c.query, got, l.Total, l.Totals.Count, c.want)
			}
			if c.totals != nil && l.Totals != *c.totals {
				t.Errorf("%s %s: totals %+v, want %+v", c.user, c.query, l.Totals, *c.totals)
			}
		}

		for _, q := range []string{"?signed_from=2024-13-01", "?min_investment=-1", "?colour=green", "?lead_unit_id=x"} {
			if status, _, body := get("office", q); status != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d %s", q, status, body)
			}
		}
		// Pages: the same order across pages, and the totals of the whole set on each.
		var seen []string
		for off := 0; off < 6; off += 2 {
			status, l, body := get("office", fmt.Sprintf("?sort=plan_year&order=desc&limit=2&offset=%d", off))
			if status != 200 || l.Total != 5 || l.Limit != 2 || l.Offset != off || l.Totals != all || l.Year != 2024 {
				t.Fatalf("page at %d: %d %+v %s", off, status, l.Totals, body)
			}
			seen = append(seen, labels(l))
		}
		if got := strings.Join(seen, "|"); got != "P2,P1|P3,P4|P5" {
			t.Fatalf("pages: %s", got)
		}
		// The running figures of the list's year are on each item.
		_, l, body := get("office", "?sort=code&limit=1")
		p := l.Items[0]
		if p.Year != 2024 || p.PlanYear != 12*ding.Yi/10 || p.CompletedYTD != 3000*wan || p.CompletedAll != 3000*wan || p.ProgressPct != 30 || p.Tier != ding.Tier10 {
			t.Fatalf("item figures: %+v", p)
		}
		if !strings.Contains(body, `"totals":{"count":5,"total_investment":16930000000,"plan_year":2580000000,"completed_ytd":930000000}`) {
			t.Fatalf("totals JSON: %s", body)
		}
		if _, l, _ = get("office", "?limit=2&offset=10"); len(l.Items) != 0 || l.Total != 5 {
			t.Fatalf("beyond the last page: %+v", l)
		}
		if _, body = f.api("office", "GET", "/api/v1/projects?limit=2&offset=10", ""); !strings.Contains(body, `"items":[]`) {
			t.Fatalf("empty page is not []: %s", body)
		}

		// Malformed filters are refused naming the parameter (and listing what is allowed).
		apipRun(t, f, []apipCase{
			{"unknown sort", "office", "GET", "/api/v1/projects?sort=colour", "", nil, 422, []string{`"field":"sort"`, "colour", "total_investment"}},
			{"unknown order", "office", "GET", "/api/v1/projects?sort=code&order=up", "", nil, 422, []string{`"field":"order"`}},
			{"unknown stage", "office", "GET", "/api/v1/projects?stage=signed,flying", "", nil, 422, []string{`"field":"stage"`, "flying", "in_stats"}},
			{"unknown stage in English", "office", "GET", "/api/v1/projects?stage=flying", "", map[string]string{"Accept-Language": "en"}, 422, []string{`"field":"stage"`, `Invalid value \"flying\" for parameter stage`}},
			{"unknown tier", "office", "GET", "/api/v1/projects?tier=5", "", nil, 422, []string{`"field":"tier"`, "100, 10, 1, 0"}},
			{"tier not a number", "office", "GET", "/api/v1/projects?tier=big", "", nil, 422, []string{`"field":"tier"`}},
			{"unknown industry", "office", "GET", "/api/v1/projects?industry=Z", "", nil, 422, []string{`"field":"industry"`}},
			{"bad unit", "office", "GET", "/api/v1/projects?unit_id=-1", "", nil, 422, []string{`"field":"unit_id"`}},
			{"bad location", "office", "GET", "/api/v1/projects?location_id=x", "", nil, 422, []string{`"field":"location_id"`}},
			{"bad leader", "office", "GET", "/api/v1/projects?leader_id=0", "", nil, 422, []string{`"field":"leader_id"`}},
			{"bad flag", "office", "GET", "/api/v1/projects?manufacturing=maybe", "", nil, 422, []string{`"field":"manufacturing"`}},
			{"bad year", "office", "GET", "/api/v1/projects?year=24", "", nil, 422, []string{`"field":"year"`}},
			{"bad limit", "office", "GET", "/api/v1/projects?limit=0", "", nil, 422, []string{`"field":"limit"`}},
			{"anonymous", "", "GET", "/api/v1/projects", "", nil, 401, []string{`"code":"unauthorized"`}},
		})
	})
}

func TestAPIProjectPatch(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		d := apipSetup(t, f)
		path := fmt.Sprintf("/api/v1/projects/%d", d.p["P1"].ID)
		patch := func(user, body string) (int, ding.Project, string) {
			t.Helper()
			status, got := f.api(user, "PATCH", path, body)
			var p ding.Project
			if status == 200 {
				apiDecode(t, got, &p)
			}
			return status, p, got
		}
		// Present fields change; absent and null ones stay; the tier follows the money.
		before := f.auditCount()
		status, p, body := patch("office", `{"version":1,"name":"特种纸扩能二期","short_name":null,"total_investment":12000000000,"planned_end":"2026-12-31","land_mu":120.5}`)
		if status != 200 || p.Name != "特种纸扩能二期" || p.Version != 2 || p.Tier != ding.Tier100 || p.PlannedEnd.String() != "2026-12-31" ||
			p.LandMu != 120.5 || p.Code != "2301-330803-04-01-000001" || p.LeaderID != f.users["leader"].ID || p.Chain != "新材料" ||
			!p.Manufacturing || p.Stage != ding.StageSigned || p.SignedOn.String() != "2024-01-10" || p.PlanYear != 12*ding.Yi/10 {
			t.Fatalf("patch: %d %s", status, body)
		}
		if f.auditCount() != before+1 {
			t.Fatalf("patch left %d audit entries", f.auditCount()-before)
		}
		// The lead liaison edits the facts; "" clears a date and a text.
		status, p, body = patch("liaisonA", `{"version":2,"planned_end":"","content":"","owner_name":"浙江某某纸业有限公司"}`)
		if status != 200 || !p.PlannedEnd.IsZero() || p.OwnerName != "浙江某某纸业有限公司" || p.Version != 3 {
			t.Fatalf("liaison patch: %d %s", status, body)
		}
		// A client may send back the whole object it read, stage and read-only fields included.
		_, got := f.api("office", "GET", path, "")
		var obj map[string]any
		apiDecode(t, got, &obj)
		obj["name"], obj["chain"] = "特种纸扩能项目（一期）", "绿色造纸"
		round, _ := json.Marshal(obj)
		status, p, body = patch("office", string(round))
		if status != 200 || p.Name != "特种纸扩能项目（一期）" || p.Chain != "绿色造纸" || p.Version != 4 || p.OwnerName != "浙江某某纸业有限公司" {
			t.Fatalf("round trip: %d %s", status, body)
		}
		// The office clears the leader; the leader no longer sees it as "my project".
		if status, p, body = patch("office", `{"version":4,"leader_id":0}`); status != 200 || p.LeaderID != 0 || p.LeaderName != "" {
			t.Fatalf("clear leader: %d %s", status, body)
		}
		if _, got = f.api("leader", "GET", fmt.Sprintf("/api/v1/projects?leader_id=%d", f.users["leader"].ID), ""); !strings.Contains(got, `"total":1`) {
			t.Fatalf("leader's projects after clearing: %s", got)
		}

		// Two people edit version 5 at once: the first save wins, the second is told, and
		// nothing is overwritten silently.
		if status, _, body = patch("office", `{"version":5,"name":"甲的修改"}`); status != 200 {
			t.Fatalf("first save: %d %s", status, body)
		}
		before = f.auditCount()
		status, _, body = patch("liaisonA", `{"version":5,"name":"乙的修改","short_name":"乙"}`)
		if status != 409 || !strings.Contains(body, `"code":"conflict"`) || !strings.Contains(body, "该项目已被他人修改（2024-06-20 10:00）") {
			t.Fatalf("second save: %d %s", status, body)
		}
		stored, _ := f.db.FindProjectByID(sysCtx(), d.p["P1"].ID)
		if stored.Name != "甲的修改" || stored.ShortName != "" || stored.Version != 6 || f.auditCount() != before {
			t.Fatalf("after the conflict: %q %q v%d", stored.Name, stored.ShortName, stored.Version)
		}

		// GET with ?year= shows that year's running figures.
		_, got = f.api("office", "GET", path+"?year=2023", "")
		apiDecode(t, got, &p)
		if p.Year != 2023 || p.PlanYear != 6000*wan || p.CompletedYTD != 0 {
			t.Fatalf("project in 2023: %s", got)
		}
		if status, got = f.api("liaisonB", "GET", path+"?year=2023", ""); status != 404 {
			t.Fatalf("out of scope with a year: %d %s", status, got)
		}
		if status, got = f.api("office", "GET", path+"?year=x", ""); status != 422 || !strings.Contains(got, `"field":"year"`) {
			t.Fatalf("bad year: %d %s", status, got)
		}
	})
}

func TestAPIProjectStage(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		d := apipSetup(t, f)
		p4 := fmt.Sprintf("/api/v1/projects/%d", d.p["P4"].ID)
		stage := func(user, body string) (int, ding.Project, string) {
			t.Helper()
			status, got := f.api(user, "POST", p4+"/stage", body)
			var p ding.Project
			if status == 200 {
				apiDecode(t, got, &p)
			}
			return status, p, got
		}
		// 在谈 → 签约 → 开工: each dated, with the stage's fields and milestone.
		before := f.auditCount()
		status, p, body := stage("liaisonA", `{"stage":"signed","on":"2024-05-10"}`)
		if status != 200 || p.Stage != ding.StageSigned || p.StageOn.String() != "2024-05-10" || p.SignedOn.String() != "2024-05-10" || p.Version != 2 {
			t.Fatalf("sign: %d %s", status, body)
		}
		if status, p, body = stage("office", `{"stage":"started","on":"2024-06-01"}`); status != 200 || p.ActualStart.String() != "2024-06-01" || p.Version != 3 {
			t.Fatalf("start: %d %s", status, body)
		}
		if status, p, body = stage("office", `{"stage":"signed","on":"2024-06-02","reason":"  开工手续被撤销 "}`); status != 200 || p.Stage != ding.StageSigned {
			t.Fatalf("back with a reason: %d %s", status, body)
		}
		if status, p, body = stage("office", `{"stage":"dropped","on":"2024-06-20","reason":"企业撤资"}`); status != 200 || p.Stage != ding.StageDropped || p.DropReason != "企业撤资" {
			t.Fatalf("drop: %d %s", status, body)
		}
		if f.auditCount() != before+4 {
			t.Fatalf("transitions left %d audit entries, want 4", f.auditCount()-before)
		}
		// The timeline shows every change, oldest first.
		status, body = f.api("viewer", "GET", p4+"/stages", "")
		var tl struct {
			Items []ding.StageChange
			Total int
		}
		apiDecode(t, body, &tl)
		var steps []string
		for _, c := range tl.Items {
			steps = append(steps, fmt.Sprintf("%s>%s@%s", c.From, c.To, c.On))
		}
		want := ">negotiating@2024-04-01,negotiating>signed@2024-05-10,signed>started@2024-06-01,started>signed@2024-06-02,signed>dropped@2024-06-20"
		if status != 200 || strings.Join(steps, ",") != want || tl.Total != 5 || tl.Items[3].Reason != "开工手续被撤销" || tl.Items[1].ActorName != "liaisona" {
			t.Fatalf("timeline: %d %v %s", status, steps, body)
		}
		// The stage milestones carry the dates.
		_, body = f.api("office", "GET", p4+"/milestones", "")
		if !strings.Contains(body, `"name":"签约","stage":"signed","planned_on":null,"actual_on":"2024-05-10"`) ||
			!strings.Contains(body, `"name":"开工","stage":"started","planned_on":null,"actual_on":"2024-06-01"`) {
			t.Fatalf("milestones after transitions: %s", body)
		}
		// A PATCH cannot move the stage but may repeat the stored one.
		if status, body = f.api("office", "PATCH", p4, `{"version":5,"stage":"dropped","stage_on":"2024-06-20","drop_reason":"企业撤资","short_name":"装备基地"}`); status != 200 ||
			!strings.Contains(body, `"short_name":"装备基地"`) {
			t.Fatalf("patch repeating the stage: %d %s", status, body)
		}
		// A government project may start without signing.
		p3 := fmt.Sprintf("/api/v1/projects/%d/stage", d.p["P3"].ID)
		if status, body = f.api("office", "POST", p3, `{"stage":"started","on":"2024-06-20"}`); status != 200 || !strings.Contains(body, `"stage":"started"`) {
			t.Fatalf("government start: %d %s", status, body)
		}
	})
}

func TestAPIProjectTeamMilestonesPlans(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		d := apipSetup(t, f)
		p1 := fmt.Sprintf("/api/v1/projects/%d", d.p["P1"].ID)
		townA, townB, dept := f.units["townA"].ID, f.units["townB"].ID, f.units["dept"].ID

		// Team: town B joins (201), its contact changes (200), it then sees the project.
		if status, _ := f.api("liaisonB", "GET", p1, ""); status != 404 {
			t.Fatalf("B sees P1 before joining: %d", status)
		}
		status, body := f.api("office", "PUT", fmt.Sprintf("%s/team/%d", p1, townB), `{"contact_name":" 李四 ","contact_phone":"0570-1234567","duty":"征地拆迁"}`)
		var m ding.TeamMember
		apiDecode(t, body, &m)
		if status != 201 || m.Role != ding.TeamCoop || m.UnitName != "廿里镇" || m.ContactName != "李四" || m.Duty != "征地拆迁" || m.ProjectID != d.p["P1"].ID {
			t.Fatalf("join: %d %s", status, body)
		}
		status, body = f.api("office", "PUT", fmt.Sprintf("%s/team/%d", p1, townB), `{"contact_name":"王五"}`)
		apiDecode(t, body, &m)
		if status != 200 || m.ContactName != "王五" || m.ContactPhone != "" || m.Role != ding.TeamCoop {
			t.Fatalf("update member: %d %s", status, body)
		}
		if status, body = f.api("office", "PUT", fmt.Sprintf("%s/team/%d", p1, townA), `{"contact_name":"赵六","contact_phone":"13800000000"}`); status != 200 || !strings.Contains(body, `"role":"lead"`) {
			t.Fatalf("update lead contact: %d %s", status, body)
		}
		if status, body = f.api("office", "PUT", fmt.Sprintf("%s/team/%d", p1, dept), `{"duty":"政策兑现"}`); status != 201 {
			t.Fatalf("dept joins: %d %s", status, body)
		}
		status, body = f.api("liaisonB", "GET", p1+"/team", "")
		var team struct {
			Items []ding.TeamMember
			Total int
		}
		apiDecode(t, body, &team)
		if status != 200 || team.Total != 3 || team.Items[0].UnitID != townA || team.Items[0].ContactName != "赵六" {
			t.Fatalf("team as a member: %d %s", status, body)
		}
		before := f.auditCount()
		if status, body = f.api("office", "DELETE", fmt.Sprintf("%s/team/%d", p1, townB), ""); status != 204 || body != "" {
			t.Fatalf("remove: %d %s", status, body)
		}
		if f.auditCount() != before+1 {
			t.Fatal("remove left no audit entry")
		}
		if status, _ = f.api("liaisonB", "GET", p1, ""); status != 404 {
			t.Fatalf("B still sees P1 after leaving: %d", status)
		}

		// Milestones: add one, then replace it.
		status, body = f.api("liaisonA", "POST", p1+"/milestones", `{"name":" 环评批复 ","planned_on":"2024-08-31","sort_order":15}`)
		var ms ding.Milestone
		apiDecode(t, body, &ms)
		if status != 201 || ms.ID == 0 || ms.Name != "环评批复" || ms.PlannedOn.String() != "2024-08-31" || !ms.ActualOn.IsZero() {
			t.Fatalf("add milestone: %d %s", status, body)
		}
		status, body = f.api("office", "PUT", fmt.Sprintf("%s/milestones/%d", p1, ms.ID), fmt.Sprintf(`{"id":%d,"project_id":%d,"name":"环评批复","planned_on":"2024-08-31","actual_on":"2024-06-18","sort_order":15}`, ms.ID, d.p["P1"].ID))
		apiDecode(t, body, &ms)
		if status != 200 || ms.ActualOn.String() != "2024-06-18" {
			t.Fatalf("update milestone: %d %s", status, body)
		}
		status, body = f.api("viewer", "GET", p1+"/milestones", "")
		var mlist struct {
			Items []ding.Milestone
			Total int
		}
		apiDecode(t, body, &mlist)
		if status != 200 || mlist.Total != 6 || mlist.Items[1].Name != "环评批复" || mlist.Items[0].ActualOn.String() != "2024-01-10" {
			t.Fatalf("milestones: %d %s", status, body)
		}

		// Plans: 2025 created (months add up), then replaced; listed newest year first.
		months := `[10000000,10000000,10000000,10000000,10000000,10000000,10000000,10000000,10000000,10000000,10000000,10000000]`
		status, body = f.api("liaisonA", "PUT", p1+"/plans/2025", `{"total":120000000,"months":`+months+`,"goal":"  设备安装完成 "}`)
		var plan ding.AnnualPlan
		apiDecode(t, body, &plan)
		if status != 200 || plan.Year != 2025 || plan.ProjectID != d.p["P1"].ID || plan.Total != 12*ding.Yi/10 || plan.Months[11] != 1000*wan || plan.Goal != "设备安装完成" {
			t.Fatalf("plan 2025: %d %s", status, body)
		}
		if status, body = f.api("office", "PUT", p1+"/plans/2024", fmt.Sprintf(`{"project_id":%d,"year":2024,"total":150000000,"months":[0,0,0,0,0,50000000,0,0,0,0,0,100000000],"goal":"投产"}`, d.p["P1"].ID)); status != 200 {
			t.Fatalf("replace plan 2024: %d %s", status, body)
		}
		status, body = f.api("office", "GET", p1+"/plans", "")
		var plans struct {
			Items []ding.AnnualPlan
			Total int
		}
		apiDecode(t, body, &plans)
		if status != 200 || plans.Total != 3 || plans.Items[0].Year != 2025 || plans.Items[1].Total != 15*ding.Yi/10 || plans.Items[2].Year != 2023 {
			t.Fatalf("plans: %d %s", status, body)
		}
		// Month figures: plan against actual; the project's plan for the year follows.
		status, body = f.api("office", "GET", p1+"/months?year=2024", "")
		var mo struct {
			ProjectID int64 `json:"project_id"`
			Year      int
			Items     []store.MonthFigures
			Total     int
			Planned   int64
			Completed int64
		}
		apiDecode(t, body, &mo)
		if status != 200 || mo.Year != 2024 || mo.Total != 12 || len(mo.Items) != 12 || mo.Items[4].Completed != 3000*wan || mo.Items[4].Planned != 0 ||
			mo.Items[5].Planned != 5000*wan || mo.Items[11].Month != 12 || mo.Planned != 15*ding.Yi/10 || mo.Completed != 3000*wan {
			t.Fatalf("months: %d %s", status, body)
		}
		if _, body = f.api("office", "GET", p1+"/months", ""); !strings.Contains(body, `"year":2024`) || !strings.Contains(body, `"planned":150000000`) {
			t.Fatalf("months of the current year: %s", body)
		}
		if _, body = f.api("office", "GET", p1+"/months?year=2030", ""); !strings.Contains(body, `"planned":0,"completed":0`) || !strings.Contains(body, `"total":12`) {
			t.Fatalf("months of an empty year: %s", body)
		}
		if _, body = f.api("office", "GET", p1, ""); !strings.Contains(body, `"plan_year":150000000`) {
			t.Fatalf("project plan after replacing: %s", body)
		}
	})
}

func TestAPIProjectReports(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		d := apipSetup(t, f)
		// 2024-06-10: June's window (1st–18th) is open, May's has closed.
		f.db.Now = func() time.Time { return time.Date(2024, 6, 10, 2, 0, 0, 0, time.UTC) }
		p1 := fmt.Sprintf("/api/v1/projects/%d", d.p["P1"].ID)
		submit := func(user, body string) (int, ding.ProgressReport, string) {
			t.Helper()
			status, got := f.api(user, "POST", p1+"/reports", body)
			var r ding.ProgressReport
			if status == 201 {
				apiDecode(t, got, &r)
			}
			return status, r, got
		}
		status, jun, body := submit("liaisonA", `{"period":"2024-06","completed":10000000,"progress_text":" 设备安装 ","progress_pct":45,"problems":"用地指标未落实","next_steps":"协调自然资源局"}`)
		if status != 201 || jun.ID == 0 || jun.Late || jun.Version != 1 || !jun.Current || jun.Status != ding.ReportSubmitted || jun.Kind != ding.PeriodMonth ||
			jun.ProgressText != "设备安装" || jun.SubmitterName != "liaisona" || jun.CompletedYTD != 4000*wan || jun.CompletedAll != 4000*wan || jun.ProjectName != "特种纸扩能项目" {
			t.Fatalf("june: %d %s", status, body)
		}
		// A correction of May after its window: a new version, marked late.
		status, may2, body := submit("office", `{"period":"2024-05","completed":25000000,"progress_text":"更正","progress_pct":30}`)
		if status != 201 || !may2.Late || may2.Version != 2 || may2.CompletedYTD != 2500*wan {
			t.Fatalf("may correction: %d %s", status, body)
		}
		// A weekly report carries progress only.
		if status, _, body = submit("liaisonA", `{"period":"2024-W23","completed":0,"progress_text":"周进度","progress_pct":46}`); status != 201 || !strings.Contains(body, `"kind":"week"`) {
			t.Fatalf("week: %d %s", status, body)
		}
		// Review: the office approves June, returns the May correction with a comment.
		if status, body = f.api("liaisonA", "POST", fmt.Sprintf("/api/v1/reports/%d/review", jun.ID), `{"decision":"approve"}`); status != 403 {
			t.Fatalf("liaison reviews: %d %s", status, body)
		}
		status, body = f.api("office", "POST", fmt.Sprintf("/api/v1/reports/%d/review", jun.ID), `{"decision":"approve","comment":"同意"}`)
		var rev ding.ProgressReport
		apiDecode(t, body, &rev)
		if status != 200 || rev.Status != ding.ReportApproved || rev.ReviewerName != "office" || rev.ReviewComment != "同意" || rev.ReviewedAt == nil {
			t.Fatalf("approve: %d %s", status, body)
		}
		if status, body = f.api("office", "POST", fmt.Sprintf("/api/v1/reports/%d/review", jun.ID), `{"decision":"return","comment":"再看看"}`); status != 409 || !strings.Contains(body, `"code":"conflict"`) {
			t.Fatalf("review twice: %d %s", status, body)
		}
		if status, body = f.api("office", "POST", fmt.Sprintf("/api/v1/reports/%d/review", d.may.ID), `{"decision":"approve"}`); status != 409 {
			t.Fatalf("review an old version: %d %s", status, body)
		}
		if status, body = f.api("office", "POST", fmt.Sprintf("/api/v1/reports/%d/review", may2.ID), `{"decision":"return","comment":" 与统计数据不符 "}`); status != 200 ||
			!strings.Contains(body, `"status":"returned"`) || !strings.Contains(body, `"review_comment":"与统计数据不符"`) {
			t.Fatalf("return: %d %s", status, body)
		}
		// The returned correction leaves May out of the figures.
		_, body = f.api("office", "GET", p1, "")
		var p ding.Project
		apiDecode(t, body, &p)
		if p.CompletedYTD != 1000*wan || p.ProgressPct != 45 { // June (to 30 June) is later than week 23
			t.Fatalf("figures after review: ytd %d pct %d", p.CompletedYTD, p.ProgressPct)
		}

		// The project's reports: every version, newest period first.
		status, body = f.api("liaisonA", "GET", p1+"/reports", "")
		var l apiList[ding.ProgressReport]
		apiDecode(t, body, &l)
		var got []string
		for _, r := range l.Items {
			got = append(got, fmt.Sprintf("%s v%d %s", r.Period, r.Version, r.Status))
		}
		want := "2024-06 v1 approved,2024-W23 v1 submitted,2024-05 v2 returned,2024-05 v1 submitted"
		if status != 200 || l.Total != 4 || strings.Join(got, ",") != want {
			t.Fatalf("project reports: %d %v", status, got)
		}
		for q, n := range map[string]int{"?period=2024-05": 2, "?period=2024-5": -1, "?current=true": 3, "?status=approved": 1, "?limit=1&offset=3": 4, "?status=lost": -1} {
			status, body = f.api("liaisonA", "GET", p1+"/reports"+q, "")
			if n < 0 {
				if status != 422 {
					t.Errorf("project reports %s: %d %s", q, status, body)
				}
				continue
			}
			apiDecode(t, body, &l)
			if status != 200 || l.Total != n {
				t.Errorf("project reports %s: %d total %d, want %d", q, status, l.Total, n)
			}
		}

		// The review queue: every project in scope.
		for _, c := range []struct {
			user, query string
			total       int
		}{
			{"office", "", 6},                            // P1: 4, P2: 2
			{"office", "?status=submitted", 4},           // P1 May v1 (superseded) and W23, P2 April and May
			{"office", "?status=submitted&current=1", 3}, // what is waiting for review
			{"office", "?period=2024-05", 3},             // P1 v1, v2 and P2
			{"office", fmt.Sprintf("?project_id=%d", d.p["P2"].ID), 2},
			{"liaisonB", "", 2}, // P2 only
			{"liaisonB", fmt.Sprintf("?project_id=%d", d.p["P1"].ID), 0},
			{"viewer", "?status=approved", 1},
		} {
			status, body = f.api(c.user, "GET", "/api/v1/reports"+c.query, "")
			apiDecode(t, body, &l)
			if status != 200 || l.Total != c.total {
				t.Errorf("review queue %s %s: %d total %d, want %d", c.user, c.query, status, l.Total, c.total)
			}
		}
		if status, body = f.api("office", "GET", "/api/v1/reports?project_id=abc", ""); status != 422 || !strings.Contains(body, `"field":"project_id"`) {
			t.Errorf("bad project_id: %d %s", status, body)
		}
		status, body = f.api("liaisonA", "GET", fmt.Sprintf("/api/v1/reports/%d", jun.ID), "")
		var one ding.ProgressReport
		apiDecode(t, body, &one)
		if status != 200 || one.ID != jun.ID || one.Problems != "用地指标未落实" || one.CompletedYTD != 1000*wan {
			t.Fatalf("one report: %d %s", status, body)
		}
		if status, _ = f.api("office", "GET", "/api/v1/reports/999999", ""); status != 404 {
			t.Fatalf("missing report: %d", status)
		}
	})
}

func TestAPIProjectSettings(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		f.db.Now = func() time.Time { return apipNow }
		apiTokens(f)
		if status, body := f.api("liaisonA", "GET", "/api/v1/settings/chains", ""); status != 200 || body != "{\"chains\":[]}\n" {
			t.Fatalf("no chains: %d %q", status, body)
		}
		before := f.auditCount()
		status, body := f.api("office", "PUT", "/api/v1/settings/chains", `{"chains":[" 新材料 ","高端装备","新材料",""]}`)
		if status != 200 || body != "{\"chains\":[\"新材料\",\"高端装备\"]}\n" || f.auditCount() != before+1 {
			t.Fatalf("set chains: %d %s", status, body)
		}
		// Projects now take a chain from the list only.
		townA := f.units["townA"].ID
		p := fmt.Sprintf(`{"code":"2301-330803-04-01-000001","name":"x","unit_id":%d,"investor":"private","chain":%%q}`, townA)
		if status, body = f.api("office", "POST", "/api/v1/projects", fmt.Sprintf(p, "生物医药")); status != 422 || !strings.Contains(body, `"field":"chain"`) || !strings.Contains(body, "生物医药") {
			t.Fatalf("chain not in the list: %d %s", status, body)
		}
		if status, body = f.api("office", "POST", "/api/v1/projects", fmt.Sprintf(p, "高端装备")); status != 201 {
			t.Fatalf("chain in the list: %d %s", status, body)
		}
		if status, body = f.api("admin", "PUT", "/api/v1/settings/chains", `{"chains":[]}`); status != 200 || body != "{\"chains\":[]}\n" {
			t.Fatalf("clear chains: %d %s", status, body)
		}

		// The reporting window: the default, then the office's.
		if status, body = f.api("viewer", "GET", "/api/v1/settings/report-window", ""); status != 200 ||
			!strings.Contains(body, `{"open_day":1,"close_day":18,"close_next_month":false,"week_close_days":2}`) {
			t.Fatalf("default window: %d %s", status, body)
		}
		if status, body = f.api("office", "PUT", "/api/v1/settings/report-window", `{"open_day":25,"close_day":5,"close_next_month":true,"week_close_days":3}`); status != 200 ||
			!strings.Contains(body, `"open_day":25,"close_day":5,"close_next_month":true,"week_close_days":3`) {
			t.Fatalf("set window: %d %s", status, body)
		}
		// With the window 25th → 5th of the next month, a report for July is not yet open
		// on 2024-06-20 and one for May (closed 5 June) is late.
		var pr ding.Project
		_, body = f.api("office", "GET", "/api/v1/projects?limit=1", "")
		var l apipList
		apiDecode(t, body, &l)
		pr = l.Items[0]
		path := fmt.Sprintf("/api/v1/projects/%d/reports", pr.ID)
		if status, body = f.api("office", "POST", path, `{"period":"2024-06","completed":1,"progress_text":"x"}`); status != 422 || !strings.Contains(body, "2024-06-25") {
			t.Fatalf("june before the 25th: %d %s", status, body)
		}
		if status, body = f.api("office", "POST", path, `{"period":"2024-05","completed":1,"progress_text":"x"}`); status != 201 || !strings.Contains(body, `"late":true`) {
			t.Fatalf("may after the 5th of june: %d %s", status, body)
		}
	})
}

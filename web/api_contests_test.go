package web

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"ding"
)

// apiContestAnswer is a round as the API answers it.
type apiContestAnswer struct {
	ID            int64            `json:"id"`
	Name          string           `json:"name"`
	OrganizerID   int64            `json:"organizer_id"`
	OrganizerName string           `json:"organizer_name"`
	Deadline      string           `json:"deadline"`
	Status        string           `json:"status"`
	StatusName    string           `json:"status_name"`
	Winners       int              `json:"winners"`
	Criteria      []ding.Criterion `json:"criteria"`
	JudgeIDs      []int64          `json:"judge_ids"`
	JudgeNames    []string         `json:"judge_names"`
	Entries       int              `json:"entries"`
	Version       int              `json:"version"`
	IsJudge       bool             `json:"is_judge"`
	CanManage     bool             `json:"can_manage"`
}

type apiEntryAnswer struct {
	ID           int64  `json:"id"`
	UnitID       int64  `json:"unit_id"`
	UnitName     string `json:"unit_name"`
	Name         string `json:"name"`
	Investment   int64  `json:"investment"`
	Industry     string `json:"industry"`
	IndustryName string `json:"industry_name"`
	Judged       int    `json:"judged"`
	Score        int64  `json:"score"`
	Rank         int    `json:"rank"`
	Winner       bool   `json:"winner"`
	ProjectID    int64  `json:"project_id"`
}

func decodeAs[T any](t *testing.T, body string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("bad JSON %v: %.300s", err, body)
	}
	return v
}

// contestJSON is a round's body: the default criteria with the given weights
// (centi-points), judged by the leader and the office.
func contestJSON(f *fixture, name, deadline string, weights ...int) string {
	var crit []string
	for i, w := range weights {
		crit = append(crit, `{"name": "`+contestDefaultCriteria[i].Name+`", "weight": `+itoa(int64(w))+`}`)
	}
	return `{"name": "` + name + `", "organizer_id": ` + itoa(f.units["district"].ID) + `, "deadline": "` + deadline + `", "winners": 1,
		"criteria": [` + strings.Join(crit, ", ") + `], "judge_ids": [` + itoa(f.users["leader"].ID) + `, ` + itoa(f.users["office"].ID) + `], "note": "按平均分排名"}`
}

// TestAPIContestFlow: a round through the API from its definition to a winner in the
// registry, with the refusals on the way.
func TestAPIContestFlow(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		f.db.Now = func() time.Time { return contestNow }
		contestOtherDistrict(t, f)
		apiTokens(f)
		audits := f.auditCount()
		for name, tc := range map[string]struct {
			user, body string
			status     int
			code       string
			field      string
			message    string
		}{
			"bad json":     {"office", `{"name": "x",`, 422, "invalid", "", ""},
			"not object":   {"office", `[1]`, 422, "invalid", "", ""},
			"unknown":      {"office", `{"name": "x", "status": "closed"}`, 422, "invalid", "status", ""},
			"weight type":  {"office", `{"name": "x", "criteria": [{"name": "投资规模", "weight": "30"}]}`, 422, "invalid", "criteria.weight", ""},
			"sum 90":       {"office", contestJSON(f, "x", "2024-06-30", 3000, 2500, 2500, 1000), 422, "invalid", "criteria", "评分标准合计 90 分，应为 100 分"},
			"no judges":    {"office", strings.Replace(contestJSON(f, "x", "2024-06-30", 3000, 2500, 2500, 2000), `"judge_ids": [`+itoa(f.users["leader"].ID)+`, `+itoa(f.users["office"].ID)+`]`, `"judge_ids": []`, 1), 422, "invalid", "judge_ids", ""},
			"no deadline":  {"office", strings.Replace(contestJSON(f, "x", "2024-06-30", 3000, 2500, 2500, 2000), `"2024-06-30"`, `"2024-06-31"`, 1), 422, "invalid", "deadline", ""},
			"liaison":      {"liaisonA", contestJSON(f, "x", "2024-06-30", 3000, 2500, 2500, 2000), 403, "forbidden", "", ""},
			"leader":       {"leader", contestJSON(f, "x", "2024-06-30", 3000, 2500, 2500, 2000), 403, "forbidden", "", ""},
			"other office": {"otherOffice", contestJSON(f, "x", "2024-06-30", 3000, 2500, 2500, 2000), 422, "invalid", "organizer_id", ""},
			"anonymous":    {"", contestJSON(f, "x", "2024-06-30", 3000, 2500, 2500, 2000), 401, "unauthorized", "", ""},
		} {
			status, body := f.api(tc.user, "POST", "/api/v1/contests", tc.body)
			e := decodeAPIErr(t, body)
			if status != tc.status || e.Error.Code != tc.code || e.Error.Field != tc.field || (tc.message != "" && e.Error.Message != tc.message) {
				t.Errorf("%s: %d %s", name, status, body)
			}
		}
		if n := len(contestsAll(t, f)); n != 0 || f.auditCount() != audits {
			t.Fatalf("refused requests wrote: %d rounds", n)
		}
		status, body := f.api("office", "POST", "/api/v1/contests", contestJSON(f, "2024年项目谋划擂台赛", "2024-06-30", 3000, 2500, 2500, 2000))
		c := decodeAs[apiContestAnswer](t, body)
		if status != 201 || c.ID == 0 || c.Status != "open" || c.StatusName != "征集中" || c.Version != 1 || !c.CanManage || !c.IsJudge ||
			c.Deadline != "2024-06-30" || len(c.Criteria) != 4 || c.Criteria[0].Weight != 3000 || len(c.JudgeNames) != 2 {
			t.Fatalf("created: %d %s", status, body)
		}
		path := "/api/v1/contests/" + itoa(c.ID)

		// Who sees it.
		var list apiList[apiContestAnswer]
		status, body = f.api("liaisonA", "GET", "/api/v1/contests", "")
		if list = decodeAs[apiList[apiContestAnswer]](t, body); status != 200 || list.Total != 1 || list.Items[0].OrganizerName != "衢江区" || list.Items[0].CanManage || list.Items[0].IsJudge {
			t.Errorf("liaison's list: %d %s", status, body)
		}
		status, body = f.api("otherOffice", "GET", "/api/v1/contests", "")
		if list = decodeAs[apiList[apiContestAnswer]](t, body); status != 200 || list.Total != 0 || list.Items == nil {
			t.Errorf("other district's list: %d %s", status, body)
		}
		for _, p := range []string{path, path + "/entries"} {
			if status, body := f.api("otherOffice", "GET", p, ""); status != 404 || decodeAPIErr(t, body).Error.Code != "not_found" {
				t.Errorf("other district GET %s: %d %s", p, status, body)
			}
		}
		if status, _ := f.api("office", "GET", "/api/v1/contests/99999", ""); status != 404 {
			t.Errorf("unknown round: %d", status)
		}
		if status, body := f.api("office", "GET", "/api/v1/contests?status=later", ""); status != 422 || decodeAPIErr(t, body).Error.Field != "status" {
			t.Errorf("bad filter: %d %s", status, body)
		}

		// Changing it: the version is needed and must be current.
		upd := strings.Replace(contestJSON(f, "2024年二季度项目谋划擂台赛", "2024-06-30", 3000, 2500, 2500, 2000), `"note"`, `"version": 1, "note"`, 1)
		if status, body := f.api("office", "PUT", path, contestJSON(f, "x", "2024-06-30", 3000, 2500, 2500, 2000)); status != 422 || decodeAPIErr(t, body).Error.Field != "version" {
			t.Errorf("no version: %d %s", status, body)
		}
		if status, body := f.api("liaisonA", "PUT", path, upd); status != 403 {
			t.Errorf("liaison changes: %d %s", status, body)
		}
		status, body = f.api("office", "PUT", path, upd)
		if c = decodeAs[apiContestAnswer](t, body); status != 200 || c.Name != "2024年二季度项目谋划擂台赛" || c.Version != 2 || c.OrganizerName != "衢江区" {
			t.Fatalf("update: %d %s", status, body)
		}
		if status, body := f.api("office", "PUT", path, upd); status != 409 || decodeAPIErr(t, body).Error.Code != "conflict" {
			t.Errorf("stale update: %d %s", status, body)
		}

		// Entries.
		townA, townB := f.units["townA"].ID, f.units["townB"].ID
		entry := func(unit int64, name string, investment int64) string {
			return `{"unit_id": ` + itoa(unit) + `, "name": "` + name + `", "investment": ` + itoa(investment) + `, "industry": "C", "chain": "特种纸", "content": "年产 30 万吨特种纸", "maturity": "已完成可研"}`
		}
		for name, tc := range map[string]struct {
			user, body   string
			status       int
			field, exact string
		}{
			"other unit":  {"liaisonA", entry(townB, "x", ding.Yi), 422, "unit_id", "该单位不在您的数据范围内"},
			"no money":    {"liaisonA", entry(townA, "x", 0), 422, "investment", "请填写计划总投资"},
			"bad sector":  {"liaisonA", strings.Replace(entry(townA, "x", ding.Yi), `"C"`, `"Z"`, 1), 422, "industry", ""},
			"money type":  {"liaisonA", strings.Replace(entry(townA, "x", ding.Yi), itoa(ding.Yi), `"1亿"`, 1), 422, "investment", ""},
			"viewer":      {"viewer", entry(townA, "x", ding.Yi), 403, "", ""},
			"other place": {"otherOffice", entry(townA, "x", ding.Yi), 404, "", ""},
		} {
			status, body := f.api(tc.user, "POST", path+"/entries", tc.body)
			e := decodeAPIErr(t, body)
			if status != tc.status || e.Error.Field != tc.field || (tc.exact != "" && e.Error.Message != tc.exact) {
				t.Errorf("%s: %d %s", name, status, body)
			}
		}
		status, body = f.api("liaisonA", "POST", path+"/entries", entry(townA, "特种纸产业园", 20*ding.Yi))
		ea := decodeAs[apiEntryAnswer](t, body)
		if status != 201 || ea.ID == 0 || ea.UnitName != "樟潭街道" || ea.Investment != 20*ding.Yi || ea.IndustryName != "C 制造业" || ea.Rank != 0 {
			t.Fatalf("entry A: %d %s", status, body)
		}
		status, body = f.api("liaisonB", "POST", path+"/entries", entry(townB, "氟硅新材料", 15*ding.Yi))
		eb := decodeAs[apiEntryAnswer](t, body)
		if status != 201 {
			t.Fatalf("entry B: %d %s", status, body)
		}
		ePath := func(e apiEntryAnswer) string { return path + "/entries/" + itoa(e.ID) }

		// Scoring waits for judging.
		marks := `{"marks": [2700, 2200, 2000, 1600], "note": "产业契合度高"}`
		if status, body := f.api("leader", "PUT", ePath(ea)+"/score", marks); status != 409 || !strings.Contains(body, "擂台赛不在评审期") {
			t.Errorf("score while open: %d %s", status, body)
		}
		for name, tc := range map[string]struct {
			user, body string
			status     int
			field      string
		}{
			"no version": {"office", `{"status": "judging"}`, 422, "version"},
			"bad status": {"office", `{"status": "done", "version": 2}`, 422, "status"},
			"skip":       {"office", `{"status": "closed", "version": 2}`, 409, ""},
			"liaison":    {"liaisonA", `{"status": "judging", "version": 2}`, 403, ""},
		} {
			status, body := f.api(tc.user, "POST", path+"/status", tc.body)
			if e := decodeAPIErr(t, body); status != tc.status || e.Error.Field != tc.field {
				t.Errorf("%s: %d %s", name, status, body)
			}
		}
		status, body = f.api("office", "POST", path+"/status", `{"status": "judging", "version": 2}`)
		if c = decodeAs[apiContestAnswer](t, body); status != 200 || c.Status != "judging" || c.StatusName != "评审中" || c.Version != 3 {
			t.Fatalf("to judging: %d %s", status, body)
		}
		if status, body := f.api("liaisonA", "POST", path+"/entries", entry(townA, "晚到的项目", ding.Yi)); status != 409 || decodeAPIErr(t, body).Error.Code != "conflict" {
			t.Errorf("submit while judging: %d %s", status, body)
		}
		// Only judges score, all criteria, each within its maximum.
		audits = f.auditCount()
		for name, tc := range map[string]struct {
			user, path, body string
			status           int
			field            string
		}{
			"liaison":     {"liaisonA", ePath(ea), marks, 403, ""},
			"viewer":      {"viewer", ePath(ea), marks, 403, ""},
			"three marks": {"leader", ePath(ea), `{"marks": [2700, 2200, 2000]}`, 422, "marks"},
			"too high":    {"leader", ePath(ea), `{"marks": [3100, 2200, 2000, 1600]}`, 422, "marks"},
			"mark type":   {"leader", ePath(ea), `{"marks": ["27"]}`, 422, "marks"},
			"no entry":    {"leader", path + "/entries/99999", marks, 404, ""},
			"other":       {"otherOffice", ePath(ea), marks, 404, ""},
		} {
			status, body := f.api(tc.user, "PUT", tc.path+"/score", tc.body)
			if e := decodeAPIErr(t, body); status != tc.status || e.Error.Field != tc.field {
				t.Errorf("%s: %d %s", name, status, body)
			}
		}
		if f.auditCount() != audits {
			t.Fatalf("refused marks were saved")
		}
		for _, s := range []struct {
			judge string
			e     apiEntryAnswer
			marks string
		}{
			{"leader", ea, marks}, {"office", ea, `{"marks": [2600, 2100, 1900, 1900]}`},
			{"leader", eb, `{"marks": [2500, 2000, 1800, 1700]}`}, {"office", eb, `{"marks": [2200, 1800, 1700, 1300]}`},
		} {
			status, body := f.api(s.judge, "PUT", ePath(s.e)+"/score", s.marks)
			sc := decodeAs[struct {
				EntryID   int64   `json:"entry_id"`
				JudgeID   int64   `json:"judge_id"`
				JudgeName string  `json:"judge_name"`
				Marks     []int64 `json:"marks"`
				Total     int64   `json:"total"`
			}](t, body)
			if status != 200 || sc.EntryID != s.e.ID || sc.JudgeID != f.users[s.judge].ID || sc.JudgeName != s.judge || len(sc.Marks) != 4 {
				t.Fatalf("score: %d %s", status, body)
			}
		}
		// The marks: the office and the judges see them, a town does not.
		status, body = f.api("leader", "GET", ePath(ea)+"/scores", "")
		scores := decodeAs[apiList[struct {
			JudgeName string  `json:"judge_name"`
			Marks     []int64 `json:"marks"`
			Note      string  `json:"note"`
			Total     int64   `json:"total"`
		}]](t, body)
		if status != 200 || scores.Total != 2 || scores.Items[0].JudgeName != "office" || scores.Items[0].Total != 8500 || scores.Items[1].Total != 8500 ||
			scores.Items[1].Note != "产业契合度高" {
			t.Errorf("scores: %d %s", status, body)
		}
		if status, body := f.api("liaisonB", "GET", ePath(ea)+"/scores", ""); status != 403 || !strings.Contains(body, "只有项目办和本擂台赛评委可以查看评分明细") {
			t.Errorf("town reads the marks: %d %s", status, body)
		}
		if status, _ := f.api("office", "GET", path+"/entries/99999/scores", ""); status != 404 {
			t.Errorf("unknown entry's marks: %d", status)
		}
		// The ranking: 85 and 75.
		status, body = f.api("liaisonB", "GET", path+"/entries", "")
		entries := decodeAs[apiList[apiEntryAnswer]](t, body)
		if status != 200 || entries.Total != 2 || entries.Items[0].ID != ea.ID || entries.Items[0].Score != 8500 || entries.Items[0].Rank != 1 ||
			!entries.Items[0].Winner || entries.Items[1].Score != 7500 || entries.Items[1].Rank != 2 || entries.Items[1].Winner || entries.Items[0].Judged != 2 {
			t.Fatalf("ranking: %d %s", status, body)
		}

		// Close and promote.
		if status, body := f.api("office", "POST", ePath(ea)+"/promote", `{"code": ""}`); status != 409 || !strings.Contains(body, "擂台赛结束后才能将获胜项目转入项目库") {
			t.Errorf("promote before closing: %d %s", status, body)
		}
		if status, body := f.api("office", "POST", path+"/status", `{"status": "closed", "version": 3}`); status != 200 {
			t.Fatalf("close: %d %s", status, body)
		}
		for name, tc := range map[string]struct {
			user, path, body string
			status           int
		}{
			"bad json": {"office", ePath(ea), `{"code": `, 422},
			"liaison":  {"liaisonA", ePath(ea), `{}`, 403},
			"loser":    {"office", ePath(eb), `{}`, 409},
			"bad code": {"office", ePath(ea), `{"code": "123"}`, 422},
			"other":    {"otherOffice", ePath(ea), `{}`, 404},
		} {
			if status, body := f.api(tc.user, "POST", tc.path+"/promote", tc.body); status != tc.status {
				t.Errorf("%s: %d %s", name, status, body)
			}
		}
		status, body = f.api("office", "POST", ePath(ea)+"/promote", `{"code": "2406-330803-04-01-000123"}`)
		pr := decodeAs[struct {
			EntryID int64 `json:"entry_id"`
			URL     string
			Project struct {
				ID              int64  `json:"id"`
				Code            string `json:"code"`
				Stage           string `json:"stage"`
				UnitID          int64  `json:"unit_id"`
				TotalInvestment int64  `json:"total_investment"`
			} `json:"project"`
		}](t, body)
		if status != 201 || pr.EntryID != ea.ID || pr.Project.ID == 0 || pr.Project.Code != "2406-330803-04-01-000123" || pr.Project.Stage != "planning" ||
			pr.Project.UnitID != townA || pr.Project.TotalInvestment != 20*ding.Yi || pr.URL != "/projects/"+itoa(pr.Project.ID) {
			t.Fatalf("promote: %d %s", status, body)
		}
		if status, body := f.api("office", "POST", ePath(ea)+"/promote", `{}`); status != 409 || !strings.Contains(body, "该项目已转入项目库") {
			t.Errorf("promote twice: %d %s", status, body)
		}
		status, body = f.api("liaisonA", "GET", "/api/v1/projects/"+itoa(pr.Project.ID), "")
		if status != 200 || !strings.Contains(body, `"stage":"planning"`) {
			t.Errorf("the project: %d %.300s", status, body)
		}
		status, body = f.api("office", "GET", path+"/entries?limit=1", "")
		if entries = decodeAs[apiList[apiEntryAnswer]](t, body); status != 200 || entries.Total != 2 || len(entries.Items) != 1 || entries.Items[0].ProjectID != pr.Project.ID {
			t.Errorf("entries after promotion: %d %s", status, body)
		}
		// A closed round no longer changes.
		closed := strings.Replace(contestJSON(f, "y", "2024-06-30", 3000, 2500, 2500, 2000), `"note"`, `"version": 4, "note"`, 1)
		if status, body := f.api("office", "PUT", path, closed); status != 409 || !strings.Contains(body, "擂台赛已结束，不能再修改") {
			t.Errorf("change a closed round: %d %s", status, body)
		}
	})
}

// TestAPIContestDeadline: after the deadline an open round takes no entries.
func TestAPIContestDeadline(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		f.db.Now = func() time.Time { return contestNow }
		c := contestMake(t, f, "2024年一季度擂台赛", ding.Date{Year: 2024, Month: 6, Day: 10})
		status, body := f.api("liaisonA", "POST", "/api/v1/contests/"+itoa(c.ID)+"/entries",
			`{"unit_id": `+itoa(f.units["townA"].ID)+`, "name": "特种纸产业园", "investment": 2000000000, "content": "年产 30 万吨特种纸"}`)
		if e := decodeAPIErr(t, body); status != 409 || e.Error.Code != "conflict" || e.Error.Message != "擂台赛不在征集期（截止 2024-06-10），不能提交项目" {
			t.Fatalf("after the deadline: %d %s", status, body)
		}
	})
}

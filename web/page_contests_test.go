package web

import (
	"bytes"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"ding"
	"ding/auth"
	"ding/store"
)

// The 擂台赛 tests run on 2024-06-20 (contestNow); rounds close for entries on 2024-06-30.
var contestNow = time.Date(2024, 6, 20, 2, 0, 0, 0, time.UTC)

// contestOtherDistrict adds 柯城区, a second district under the city, with its own office
// ("otheroffice"): a round organized by 衢江区 is outside its reach.
func contestOtherDistrict(t *testing.T, f *fixture) {
	t.Helper()
	ctx := sysCtx()
	u := &ding.Unit{Name: "柯城区", Kind: ding.UnitDistrict, Code: "330802", ParentID: f.units["city"].ID}
	if err := f.db.CreateUnit(ctx, u); err != nil {
		t.Fatal(err)
	}
	f.units["other"] = u
	hash, err := auth.FastHasher.Hash(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	usr := &ding.User{Username: "otheroffice", DisplayName: "otherOffice", UnitID: u.ID, Role: ding.RoleOffice}
	if err := f.db.CreateUser(ctx, usr, hash); err != nil {
		t.Fatal(err)
	}
	f.users["otherOffice"] = usr
}

// contestRoundForm is the round form of a 衢江区 round judged by the leader and the
// office, with the given criteria points (names from the defaults).
func contestRoundForm(f *fixture, name, deadline string, points ...string) url.Values {
	form := url.Values{"name": {name}, "organizer_id": {itoa(f.units["district"].ID)}, "deadline": {deadline}, "winners": {"1"},
		"note":      {"各乡镇街道围绕特种纸、氟硅新材料产业链谋划项目"},
		"judge_ids": {itoa(f.users["leader"].ID), itoa(f.users["office"].ID)}}
	for i, p := range points {
		form.Add("criterion_name", contestDefaultCriteria[i].Name)
		form.Add("criterion_points", p)
	}
	form.Add("criterion_name", "") // the blank row the form always carries
	form.Add("criterion_points", "")
	return form
}

// contestEntryForm is the submission form of a planned project.
func contestEntryForm(unit int64, name, investment, unitOfMoney string) url.Values {
	return url.Values{"unit_id": {itoa(unit)}, "name": {name}, "investment": {investment}, "investment_unit": {unitOfMoney},
		"industry": {"C"}, "chain": {"特种纸"}, "content": {"年产 30 万吨特种纸及配套热电"}, "maturity": {"已完成可行性研究"}}
}

// contestsAll reads every round, as the system.
func contestsAll(t *testing.T, f *fixture) []*ding.Contest {
	t.Helper()
	cs, err := f.db.FindContests(sysCtx(), store.ContestFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// contestEntries reads a round's ranked entries as the office.
func contestEntries(t *testing.T, f *fixture, id int64) []*ding.ContestEntry {
	t.Helper()
	es, err := f.db.FindEntries(warnCtx(f, "office"), id)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// contestMarks is the scoring form of the four default criteria.
func contestMarks(marks ...string) url.Values {
	return url.Values{"mark": marks, "note": {"产业契合度高"}}
}

// TestContestPageFlow: the office defines a round (refused while the criteria add up to
// 90), towns submit planned projects, the judges score while judging, the ranking shows
// the averages, the round closes and the winner moves into the registry.
func TestContestPageFlow(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		f.db.Now = func() time.Time { return contestNow }
		contestOtherDistrict(t, f)
		townA, townB := f.units["townA"].ID, f.units["townB"].ID
		oc, la, lb, lc, vc := f.login("office"), f.login("liaisonA"), f.login("liaisonB"), f.login("leader"), f.login("viewer")

		// The list: the office may start a round, a town may not.
		body := oc.get("/contests")
		for _, want := range []string{`href="/contests/new" class="ct-button" id="contest-new">新建擂台赛</a>`, `id="contest-none"`, `id="nav-contests"`} {
			if !strings.Contains(body, want) {
				t.Errorf("office's empty list lacks %q", want)
			}
		}
		if body := la.get("/contests"); strings.Contains(body, `id="contest-new"`) {
			t.Errorf("a liaison is offered a new round")
		}
		if res, _ := la.getRes("/contests/new"); res.StatusCode != http.StatusForbidden {
			t.Errorf("liaison opens the form: %d", res.StatusCode)
		}
		// The form offers the usual criteria and the judges.
		body = html.UnescapeString(oc.get("/contests/new"))
		for _, want := range []string{`value="投资规模"`, `value="产业契合度"`, `value="项目成熟度"`, `value="带动效应"`, `value="30"`, `value="20"`,
			`id="cf-crit-total" data-crit-total`, ">合计 100 分</span>", `<optgroup label="领导"><option value="` + itoa(f.users["leader"].ID) + `">leader（衢江区）</option>`,
			`<option value="` + itoa(f.units["district"].ID) + `" selected>`} {
			if !strings.Contains(body, want) {
				t.Errorf("new form lacks %q", want)
			}
		}

		// Criteria adding up to 90: refused next to the criteria, what was typed kept,
		// nothing saved.
		audits := f.auditCount()
		form := contestRoundForm(f, "2024年项目谋划擂台赛", "2024-06-30", "30", "25", "25", "10")
		res, body := oc.submit("/contests", form)
		body = html.UnescapeString(body)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="cf-criteria-error">评分标准合计 90 分，应为 100 分</span>`) ||
			!strings.Contains(body, `value="2024年项目谋划擂台赛"`) || !strings.Contains(body, `value="10"`) || !strings.Contains(body, ">合计 90 分，应为 100 分</span>") ||
			!strings.Contains(body, `<option value="`+itoa(f.users["leader"].ID)+`" selected>`) {
			t.Fatalf("criteria adding to 90: %d %.4000s", res.StatusCode, body)
		}
		// Points that are no number, and no judges: each said in Chinese.
		bad := contestRoundForm(f, "x", "2024-06-30", "30", "二十五", "25", "20")
		res, body = oc.submit("/contests", bad)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(body), `id="cf-criteria-error">第 2 个评分项：分值“二十五”无效`) {
			t.Fatalf("bad points: %d %.3000s", res.StatusCode, body)
		}
		bad = contestRoundForm(f, "x", "2024-06-30", "30", "25", "25", "20")
		bad.Del("judge_ids")
		if res, body = oc.submit("/contests", bad); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="cf-judges-error">请选择评委`) {
			t.Fatalf("no judges: %d %.3000s", res.StatusCode, body)
		}
		if n := len(contestsAll(t, f)); n != 0 || f.auditCount() != audits {
			t.Fatalf("refused forms saved %d rounds", n)
		}
		if res, _ := la.submit("/contests", contestRoundForm(f, "x", "2024-06-30", "30", "25", "25", "20")); res.StatusCode != http.StatusForbidden {
			t.Errorf("liaison creates: %d", res.StatusCode)
		}
		form.Set("criterion_points", "30")
		form["criterion_points"] = []string{"30", "25", "25", "20", ""}
		res, _ = oc.submit("/contests", form)
		cs := contestsAll(t, f)
		if res.StatusCode != http.StatusSeeOther || len(cs) != 1 {
			t.Fatalf("create: %d, %d rounds", res.StatusCode, len(cs))
		}
		c := cs[0]
		path := "/contests/" + itoa(c.ID)
		if loc := res.Header.Get("Location"); loc != path+"?flash=contestui_created" {
			t.Fatalf("create went to %s", loc)
		}
		if c.Status != ding.ContestOpen || c.Total() != 10000 || len(c.Criteria) != 4 || c.Criteria[0].Weight != 3000 || len(c.JudgeIDs) != 2 {
			t.Fatalf("stored round: %+v", c)
		}

		// The round as the office: open, with the action to start judging.
		body = html.UnescapeString(oc.get(path + "?flash=contestui_created"))
		for _, want := range []string{"擂台赛已创建，开始征集项目", `id="contest-status">征集中</span>`, `id="contest-to-judging"`, "开始评审", "投资规模 <b>30</b> 分",
			"office、leader", "还剩 10 天", `id="ranking-empty"`, `id="contest-edit"`} {
			if !strings.Contains(body, want) {
				t.Errorf("office's round lacks %q", want)
			}
		}
		// Town A's liaison: the submission form with its own unit only.
		body = la.get(path)
		if !strings.Contains(body, `id="contest-entry-form"`) || !strings.Contains(body, `<option value="`+itoa(townA)+`" selected>`) ||
			strings.Contains(body, `<option value="`+itoa(townB)+`"`) || strings.Contains(body, `id="contest-to-judging"`) || strings.Contains(body, `id="contest-edit"`) {
			t.Fatalf("liaison A's round: %.4000s", body)
		}
		if strings.Contains(vc.get(path), `id="contest-entry-form"`) {
			t.Errorf("the viewer is offered the submission form")
		}
		// Submitting: for another unit, an amount that is no number: refused, as typed.
		audits = f.auditCount()
		res, body = la.submit(path+"/entries", contestEntryForm(townB, "氟硅新材料", "15", "yi"))
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="ce-unit-error">该单位不在您的数据范围内</span>`) ||
			!strings.Contains(body, `value="氟硅新材料"`) {
			t.Fatalf("A submits for B: %d %.3000s", res.StatusCode, body)
		}
		res, body = la.submit(path+"/entries", contestEntryForm(townA, "特种纸产业园", "二十", "yi"))
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(body), `id="ce-investment-error">金额“二十”不是有效数字`) {
			t.Fatalf("bad amount: %d %.3000s", res.StatusCode, body)
		}
		if res, _ := vc.submit(path+"/entries", contestEntryForm(townA, "x", "1", "yi")); res.StatusCode != http.StatusForbidden {
			t.Errorf("viewer submits: %d", res.StatusCode)
		}
		if n := len(contestEntries(t, f, c.ID)); n != 0 || f.auditCount() != audits {
			t.Fatalf("refused entries saved: %d", n)
		}
		// Town A: 20 亿元; town B: 150,000 万元 (15 亿元).
		res, _ = la.submit(path+"/entries", contestEntryForm(townA, "特种纸产业园", "20", "yi"))
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), path+"?flash=contestui_submitted#entry-") {
			t.Fatalf("A submits: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if res, body = lb.submit(path+"/entries", contestEntryForm(townB, "氟硅新材料", "150,000", "wan")); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("B submits: %d %.2000s", res.StatusCode, body)
		}
		es := contestEntries(t, f, c.ID)
		if len(es) != 2 {
			t.Fatalf("%d entries", len(es))
		}
		var ea, eb *ding.ContestEntry
		for _, e := range es {
			switch e.UnitID {
			case townA:
				ea = e
			case townB:
				eb = e
			}
		}
		if ea == nil || eb == nil || ea.Investment != 20*ding.Yi || eb.Investment != 15*ding.Yi || ea.Industry != "C" || ea.Chain != "特种纸" ||
			ea.Maturity != "已完成可行性研究" || ea.SubmittedBy != "liaisona" {
			t.Fatalf("entries: %+v %+v", ea, eb)
		}
		body = html.UnescapeString(vc.get(path))
		for _, want := range []string{`id="entry-` + itoa(ea.ID) + `-investment">20.00</td>`, `id="entry-` + itoa(eb.ID) + `-investment">15.00</td>`, "C 制造业", "年产 30 万吨特种纸及配套热电"} {
			if !strings.Contains(body, want) {
				t.Errorf("entries on the page lack %q", want)
			}
		}

		// No marks while open.
		eaPath, ebPath := path+"/entries/"+itoa(ea.ID), path+"/entries/"+itoa(eb.ID)
		res, body = lc.submit(eaPath+"/score", contestMarks("27", "22", "20", "16"))
		if res.StatusCode != http.StatusConflict || !strings.Contains(body, "擂台赛不在评审期，不能打分") {
			t.Fatalf("score while open: %d %.2000s", res.StatusCode, body)
		}
		// The office starts judging; entries are closed.
		res, _ = oc.submit(path+"/status", url.Values{"status": {"judging"}, "version": {"1"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != path+"?flash=contestui_status_judging" {
			t.Fatalf("to judging: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if res, body = oc.submit(path+"/status", url.Values{"status": {"closed"}, "version": {"1"}}); res.StatusCode != http.StatusConflict ||
			!strings.Contains(body, `id="contest-error">该擂台赛已被他人修改`) {
			t.Fatalf("stale status: %d %.2000s", res.StatusCode, body)
		}
		if res, _ := la.submit(path+"/status", url.Values{"status": {"closed"}, "version": {"2"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("liaison closes: %d", res.StatusCode)
		}
		res, body = la.submit(path+"/entries", contestEntryForm(townA, "晚到的项目", "1", "yi"))
		if res.StatusCode != http.StatusConflict || !strings.Contains(body, "擂台赛不在征集期（截止 2024-06-30），不能提交项目") {
			t.Fatalf("submit while judging: %d %.2000s", res.StatusCode, body)
		}
		// Only judges score.
		audits = f.auditCount()
		for name, cl := range map[string]*client{"liaisonA": la, "viewer": vc} {
			if res, body := cl.submit(eaPath+"/score", contestMarks("27", "22", "20", "16")); res.StatusCode != http.StatusForbidden || !strings.Contains(body, "您不是本擂台赛的评委") {
				t.Errorf("%s scores: %d", name, res.StatusCode)
			}
		}
		if f.auditCount() != audits {
			t.Fatalf("refused marks were saved")
		}
		// The leader's scoring forms; a mark above the criterion's maximum is refused.
		body = html.UnescapeString(lc.get(path))
		for _, want := range []string{`id="score-form-` + itoa(ea.ID) + `"`, `id="score-form-` + itoa(eb.ID) + `"`, "（满分 30）", "已评 0 / 2 个项目", `id="contest-status">评审中</span>`} {
			if !strings.Contains(body, want) {
				t.Errorf("leader's scoring page lacks %q", want)
			}
		}
		res, body = lc.submit(eaPath+"/score", contestMarks("31", "22", "20", "16"))
		body = html.UnescapeString(body)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="score-`+itoa(ea.ID)+`-error">“投资规模”的得分须在 0 到 30 分之间`) ||
			!strings.Contains(body, `value="31"`) {
			t.Fatalf("mark above the maximum: %d %.3000s", res.StatusCode, body)
		}
		for _, s := range []struct {
			c     *client
			path  string
			marks []string
		}{
			{lc, eaPath, []string{"25", "20", "20", "15"}}, // changed just below
			{lc, eaPath, []string{"27", "22", "20", "16"}}, // 85
			{oc, eaPath, []string{"26", "21", "19", "19"}}, // 85
			{lc, ebPath, []string{"25", "20", "18", "17"}}, // 80
			{oc, ebPath, []string{"22", "18", "17", "13"}}, // 70
		} {
			if res, body := s.c.submit(s.path+"/score", contestMarks(s.marks...)); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("score %s: %d %.2000s", s.path, res.StatusCode, body)
			}
		}
		// The leader's earlier marks fill the form again.
		body = html.UnescapeString(lc.get(path))
		if !strings.Contains(body, `id="score-`+itoa(ea.ID)+`-mine">已评 85 分</span>`) || !strings.Contains(body, `value="27"`) || !strings.Contains(body, "已评 2 / 2 个项目") {
			t.Errorf("leader's marks not shown again: %.5000s", body)
		}
		// The ranking by average: 85 and 75.
		body = html.UnescapeString(lb.get(path))
		for _, want := range []string{`id="entry-` + itoa(ea.ID) + `-score">85</td>`, `id="entry-` + itoa(eb.ID) + `-score">75</td>`,
			`id="entry-` + itoa(ea.ID) + `-rank">1</td>`, `id="entry-` + itoa(eb.ID) + `-rank">2</td>`, `id="entry-` + itoa(ea.ID) + `-judged">2 / 2</td>`, "暂列胜出"} {
			if !strings.Contains(body, want) {
				t.Errorf("ranking lacks %q", want)
			}
		}
		if strings.Index(body, `id="entry-`+itoa(ea.ID)+`"`) > strings.Index(body, `id="entry-`+itoa(eb.ID)+`"`) {
			t.Errorf("not ranked")
		}
		if strings.Contains(body, `id="marks"`) || strings.Contains(body, `id="score-form-`) {
			t.Errorf("a town sees the judges' marks or scoring forms")
		}
		// The office sees each judge's marks.
		body = html.UnescapeString(oc.get(path))
		if !strings.Contains(body, `id="marks-`+itoa(ea.ID)+`"`) || !strings.Contains(body, "平均 85 分 · 2 / 2 位评委已评") || !strings.Contains(body, "产业契合度高") {
			t.Errorf("office's marks: %.5000s", body)
		}

		// Closing publishes the result; the winner moves into the registry.
		res, _ = oc.submit(path+"/status", url.Values{"status": {"closed"}, "version": {"2"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("close: %d", res.StatusCode)
		}
		body = html.UnescapeString(oc.get(path))
		if !strings.Contains(body, `id="entry-`+itoa(ea.ID)+`-winner">胜出</span>`) || !strings.Contains(body, `id="promote-`+itoa(ea.ID)+`"`) ||
			strings.Contains(body, `id="promote-`+itoa(eb.ID)+`"`) || strings.Contains(body, `id="contest-edit"`) || strings.Contains(body, `id="score-form-`) {
			t.Fatalf("closed round: %.5000s", body)
		}
		if res, _ := lc.submit(eaPath+"/score", contestMarks("30", "25", "25", "20")); res.StatusCode != http.StatusConflict {
			t.Errorf("score after closing: %d", res.StatusCode)
		}
		if res, _ := la.submit(eaPath+"/promote", url.Values{"code": {""}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("liaison promotes: %d", res.StatusCode)
		}
		res, body = oc.submit(ebPath+"/promote", url.Values{"code": {""}})
		if res.StatusCode != http.StatusConflict || !strings.Contains(body, "只有获胜项目才能转入项目库") {
			t.Errorf("promote the loser: %d", res.StatusCode)
		}
		res, body = oc.submit(eaPath+"/promote", url.Values{"code": {"123"}})
		body = html.UnescapeString(body)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="promote-`+itoa(ea.ID)+`-error">项目代码“123”格式不正确`) || !strings.Contains(body, `value="123"`) {
			t.Fatalf("bad code: %d %.3000s", res.StatusCode, body)
		}
		res, _ = oc.submit(eaPath+"/promote", url.Values{"code": {""}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != path+"?flash=contestui_promoted#entry-"+itoa(ea.ID) {
			t.Fatalf("promote: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		ea = contestEntries(t, f, c.ID)[0]
		if ea.ProjectID == 0 {
			t.Fatalf("no project")
		}
		body = html.UnescapeString(oc.get(path + "?flash=contestui_promoted"))
		link := `<a href="/projects/` + itoa(ea.ProjectID) + `" id="entry-` + itoa(ea.ID) + `-project">已转入项目库 →</a>`
		if !strings.Contains(body, "获胜项目已转入项目库（谋划阶段）") || !strings.Contains(body, link) || strings.Contains(body, `id="promote-`+itoa(ea.ID)+`"`) {
			t.Fatalf("promoted entry: %.5000s", body)
		}
		// Follow the link: the project, in stage 谋划, led by town A, 20 亿元.
		res, body = la.getRes("/projects/" + itoa(ea.ProjectID))
		if res.StatusCode != 200 || !strings.Contains(body, `id="project-stage">谋划</span>`) || !strings.Contains(body, "特种纸产业园") {
			t.Fatalf("project page: %d %.3000s", res.StatusCode, body)
		}
		p, err := f.db.FindProjectByID(warnCtx(f, "office"), ea.ProjectID)
		if err != nil || p.Stage != ding.StagePlanning || p.UnitID != townA || p.TotalInvestment != 20*ding.Yi || !ding.ValidProjectCode(p.Code) {
			t.Fatalf("project %+v %v", p, err)
		}
		// Twice is refused.
		res, body = oc.submit(eaPath+"/promote", url.Values{"code": {""}})
		if res.StatusCode != http.StatusConflict || !strings.Contains(body, "该项目已转入项目库") {
			t.Fatalf("promote twice: %d %.2000s", res.StatusCode, body)
		}

		// Another district cannot reach the round: 404 for the page, its export and its forms.
		other := f.login("otherOffice")
		for _, p := range []string{path, path + "/export.xlsx", path + "/edit"} {
			if res, _ := other.getRes(p); res.StatusCode != http.StatusNotFound {
				t.Errorf("other district GET %s: %d", p, res.StatusCode)
			}
		}
		if res, _ := other.submit(eaPath+"/promote", url.Values{}); res.StatusCode != http.StatusNotFound {
			t.Errorf("other district promotes: %d", res.StatusCode)
		}
		if body := other.get("/contests"); strings.Contains(body, "2024年项目谋划擂台赛") {
			t.Errorf("other district lists the round")
		}
		if res, _ := oc.getRes("/contests/99999"); res.StatusCode != http.StatusNotFound {
			t.Errorf("unknown round: %d", res.StatusCode)
		}
		// The list shows the winner.
		body = oc.get("/contests?status=closed")
		if !strings.Contains(body, `<span class="ct-winner-name">特种纸产业园</span>`) || !strings.Contains(body, `<td class="num">2</td>`) {
			t.Errorf("list: %.3000s", body)
		}
		if body := oc.get("/contests?status=open"); strings.Contains(body, "2024年项目谋划擂台赛") {
			t.Errorf("the open tab lists a closed round")
		}
	})
}

// TestContestDeadline: after its deadline an open round takes no entries.
func TestContestDeadline(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		f.db.Now = func() time.Time { return contestNow }
		c := contestMake(t, f, "2024年一季度擂台赛", ding.Date{Year: 2024, Month: 6, Day: 10})
		path := "/contests/" + itoa(c.ID)
		la := f.login("liaisonA")
		body := la.get(path)
		if strings.Contains(body, `id="contest-entry-form"`) || !strings.Contains(body, `id="ct-submit-note">项目征集已于 2024-06-10 截止。</p>`) {
			t.Fatalf("page after the deadline: %.3000s", body)
		}
		res, body := la.submit(path+"/entries", contestEntryForm(f.units["townA"].ID, "特种纸产业园", "20", "yi"))
		if res.StatusCode != http.StatusConflict || !strings.Contains(body, "擂台赛不在征集期（截止 2024-06-10），不能提交项目") {
			t.Fatalf("submit after the deadline: %d %.2000s", res.StatusCode, body)
		}
		if n := len(contestEntries(t, f, c.ID)); n != 0 {
			t.Fatalf("%d entries", n)
		}
		// On the deadline itself it still does.
		f.db.Now = func() time.Time { return time.Date(2024, 6, 10, 15, 0, 0, 0, time.UTC) } // 23:00 in Shanghai
		if res, body := la.submit(path+"/entries", contestEntryForm(f.units["townA"].ID, "特种纸产业园", "20", "yi")); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("submit on the deadline: %d %.2000s", res.StatusCode, body)
		}
		if body := f.login("office").get(path); !strings.Contains(body, "今天截止") {
			t.Errorf("no \"today\" note")
		}
	})
}

// contestMake defines a 衢江区 round through the store: the default criteria, the leader
// and the office judging, one winner.
func contestMake(t *testing.T, f *fixture, name string, deadline ding.Date) *ding.Contest {
	t.Helper()
	c := &ding.Contest{Name: name, OrganizerID: f.units["district"].ID, Deadline: deadline, Winners: 1,
		Criteria: []ding.Criterion{{Name: "投资规模", Weight: 3000}, {Name: "产业契合度", Weight: 2500}, {Name: "项目成熟度", Weight: 2500}, {Name: "带动效应", Weight: 2000}},
		JudgeIDs: []int64{f.users["leader"].ID, f.users["office"].ID}}
	if err := f.db.CreateContest(warnCtx(f, "office"), c); err != nil {
		t.Fatal(err)
	}
	return c
}

// contestScored makes a judged round: towns A and B entered, the leader and the office
// marked A 85 and B 75 on average.
func contestScored(t *testing.T, f *fixture) (c *ding.Contest, a, b *ding.ContestEntry) {
	t.Helper()
	c = contestMake(t, f, "2024年项目谋划擂台赛", ding.Date{Year: 2024, Month: 6, Day: 30})
	a = &ding.ContestEntry{ContestID: c.ID, UnitID: f.units["townA"].ID, Name: "特种纸产业园", Investment: 20 * ding.Yi, Industry: "C", Content: "年产 30 万吨特种纸"}
	b = &ding.ContestEntry{ContestID: c.ID, UnitID: f.units["townB"].ID, Name: "氟硅新材料", Investment: 15 * ding.Yi, Industry: "C", Content: "有机硅单体"}
	if err := f.db.SubmitEntry(warnCtx(f, "liaisonA"), a); err != nil {
		t.Fatal(err)
	}
	if err := f.db.SubmitEntry(warnCtx(f, "liaisonB"), b); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.SetContestStatus(warnCtx(f, "office"), c.ID, ding.ContestJudging, 0); err != nil {
		t.Fatal(err)
	}
	for _, s := range []struct {
		judge string
		entry int64
		marks []int64
	}{
		{"leader", a.ID, []int64{2700, 2200, 2000, 1600}}, {"office", a.ID, []int64{2600, 2100, 1900, 1900}},
		{"leader", b.ID, []int64{2500, 2000, 1800, 1700}}, {"office", b.ID, []int64{2200, 1800, 1700, 1300}},
	} {
		if err := f.db.ScoreEntry(warnCtx(f, s.judge), c.ID, &ding.JudgeScore{EntryID: s.entry, Marks: s.marks}); err != nil {
			t.Fatal(err)
		}
	}
	return c, a, b
}

// TestContestEdit: the office changes a round; a stale form and new criteria after
// marks are refused; a closed round no longer changes.
func TestContestEdit(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		f.db.Now = func() time.Time { return contestNow }
		c, _, _ := contestScored(t, f)
		path := "/contests/" + itoa(c.ID)
		oc := f.login("office")
		body := html.UnescapeString(oc.get(path + "/edit"))
		if !strings.Contains(body, `value="2024年项目谋划擂台赛"`) || !strings.Contains(body, `name="version" value="2"`) || !strings.Contains(body, `value="带动效应"`) ||
			!strings.Contains(body, "评委开始打分后，评分标准不能再修改") {
			t.Fatalf("edit form: %.4000s", body)
		}
		if res, _ := f.login("leader").getRes(path + "/edit"); res.StatusCode != http.StatusForbidden {
			t.Errorf("leader edits: %d", res.StatusCode)
		}
		form := contestRoundForm(f, "2024年二季度项目谋划擂台赛", "2024-06-30", "30", "25", "25", "20")
		form.Set("version", "2")
		// New points after marks: refused.
		changed := contestRoundForm(f, "2024年二季度项目谋划擂台赛", "2024-06-30", "40", "20", "20", "20")
		changed.Set("version", "2")
		res, body := oc.submit(path+"/edit", changed)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="cf-criteria-error">评委已开始打分，不能再更改评分标准</span>`) {
			t.Fatalf("criteria after marks: %d %.3000s", res.StatusCode, body)
		}
		stale := contestRoundForm(f, "2024年二季度项目谋划擂台赛", "2024-06-30", "30", "25", "25", "20")
		stale.Set("version", "1")
		res, body = oc.submit(path+"/edit", stale)
		if res.StatusCode != http.StatusConflict || !strings.Contains(body, `id="cform-stale"`) {
			t.Fatalf("stale: %d %.3000s", res.StatusCode, body)
		}
		res, _ = oc.submit(path+"/edit", form)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != path+"?flash=contestui_saved" {
			t.Fatalf("save: %d", res.StatusCode)
		}
		got, err := f.db.FindContest(warnCtx(f, "office"), c.ID)
		if err != nil || got.Name != "2024年二季度项目谋划擂台赛" || got.Version != 3 || got.Status != ding.ContestJudging {
			t.Fatalf("saved %+v %v", got, err)
		}
		if _, err := f.db.SetContestStatus(warnCtx(f, "office"), c.ID, ding.ContestClosed, 0); err != nil {
			t.Fatal(err)
		}
		if res, _ := oc.getRes(path + "/edit"); res.StatusCode != http.StatusConflict {
			t.Errorf("edit a closed round: %d", res.StatusCode)
		}
	})
}

// TestContestExport: the ranking as a workbook, ranked, in 亿元, with the averages.
func TestContestExport(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		f.db.Now = func() time.Time { return contestNow }
		c, _, _ := contestScored(t, f)
		if _, err := f.db.SetContestStatus(warnCtx(f, "office"), c.ID, ding.ContestClosed, 0); err != nil {
			t.Fatal(err)
		}
		body := f.login("liaisonB").get("/contests/" + itoa(c.ID))
		if !strings.Contains(body, `href="/contests/`+itoa(c.ID)+`/export.xlsx" id="contest-export"`) {
			t.Errorf("no export link")
		}
		res := f.login("liaisonB").do("GET", "/contests/"+itoa(c.ID)+"/export.xlsx", "", nil)
		defer res.Body.Close()
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ||
			!strings.Contains(res.Header.Get("Content-Disposition"), "contest-"+itoa(c.ID)+"-2024-06-20.xlsx") {
			t.Fatalf("export: %d %v", res.StatusCode, res.Header)
		}
		var buf bytes.Buffer
		buf.ReadFrom(res.Body)
		x, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := x.GetRows("评审排名")
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 6 || rows[0][0] != "2024年项目谋划擂台赛 评审排名" || !strings.Contains(rows[1][0], "评分标准：投资规模 30、产业契合度 25、项目成熟度 25、带动效应 20") {
			t.Fatalf("sheet: %q", rows)
		}
		a, b := rows[3], rows[4]
		if a[0] != "1" || a[1] != "特种纸产业园" || a[2] != "樟潭街道" || a[3] != "20.00" || a[4] != "C 制造业" || a[8] != "2 / 2" || a[9] != "85.00" || a[10] != "胜出" {
			t.Errorf("first row: %q", a)
		}
		if b[0] != "2" || b[1] != "氟硅新材料" || b[9] != "75.00" || b[10] != "" {
			t.Errorf("second row: %q", b)
		}
		if rows[5][0] != "合计 2 个项目" || rows[5][3] != "35.00" {
			t.Errorf("totals: %q", rows[5])
		}
	})
}

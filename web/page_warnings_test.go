package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"ding"
	"ding/store"
)

// warnNow is the fixed "today" of these tests: 2024-06-20 in Shanghai, when 1—5月 is
// 41.7% of the year.
var warnNow = time.Date(2024, 6, 20, 2, 0, 0, 0, time.UTC)

// warnReason is the reason the yellow project shows: 300 of 1,200万 by May.
const warnReason = "1—5月累计完成 300 万元，占年度计划 25.0%，时序进度 41.7%，落后 16.7 个百分点"

// warnCtx is the context of a fixture user.
func warnCtx(f *fixture, name string) context.Context {
	u := f.users[name]
	return ding.WithActor(context.Background(), &ding.Actor{UserID: u.ID, Username: u.Username, UnitID: u.UnitID, Role: u.Role, Scope: u.Scope})
}

// warnYellow leaves only the investment lag rule (points) enabled and makes a town A
// project yellow through real writes: started in February, three reports of 100万 and a
// plan of 100万 a month (25.0% done against 41.7% of the year: 16.7 points behind).
func warnYellow(t *testing.T, f *fixture) *ding.Project {
	t.Helper()
	f.db.Now = func() time.Time { return warnNow }
	office := warnCtx(f, "office")
	rules, err := f.db.FindRules(office)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rules {
		on := r.Kind == ding.RuleInvestLag && r.Params.Measure == "points"
		if err := f.db.SetRuleEnabled(office, r.ID, on); err != nil {
			t.Fatal(err)
		}
	}
	p := &ding.Project{Code: "2301-330803-04-01-000001", Name: "特种纸扩能项目", UnitID: f.units["townA"].ID, LocationID: f.units["townA"].ID,
		LeaderID: f.users["leader"].ID, Investor: "private", Industry: "C", TotalInvestment: 12 * ding.Yi, Manufacturing: true,
		Stage: ding.StageSigned, SignedOn: ding.Date{Year: 2024, Month: 1, Day: 10}, StageOn: ding.Date{Year: 2024, Month: 1, Day: 10}}
	if err := f.db.CreateProject(office, p); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.TransitionProject(office, p.ID, ding.StageStarted, ding.Date{Year: 2024, Month: 2, Day: 1}, ""); err != nil {
		t.Fatal(err)
	}
	for _, period := range []string{"2024-02", "2024-03", "2024-04"} {
		warnReport(t, f, p.ID, period, 100)
	}
	plan := &ding.AnnualPlan{ProjectID: p.ID, Year: 2024, Total: 1200 * 10_000}
	for i := range plan.Months {
		plan.Months[i] = 100 * 10_000
	}
	if err := f.db.SavePlan(office, plan); err != nil {
		t.Fatal(err)
	}
	ws, _, err := f.db.FindWarnings(office, store.WarningFilter{ProjectID: p.ID})
	if err != nil || len(ws) != 1 || ws[0].Colour != "yellow" {
		t.Fatalf("the project is not yellow: %+v %v", ws, err)
	}
	return p
}

func warnReport(t *testing.T, f *fixture, pid int64, period string, wan int64) {
	t.Helper()
	r := &ding.ProgressReport{ProjectID: pid, Period: period, Completed: wan * 10_000, ProgressText: "主体施工", ProgressPct: 30}
	if err := f.db.SubmitReport(warnCtx(f, "liaisonA"), r, nil); err != nil {
		t.Fatalf("report %s: %v", period, err)
	}
}

func TestWarnPageBoard(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		p := warnYellow(t, f)
		c := f.login("office")
		res, body := c.getRes("/warnings")
		if res.StatusCode != 200 {
			t.Fatalf("board: %d %.300s", res.StatusCode, body)
		}
		for _, want := range []string{p.Name, warnReason, `class="wbadge c-yellow r-2">黄</span> 1`, "共 1 条预警", "樟潭街道", "2024-06-20",
			"2024-06 新增 1 条、解除 0 条", "warnings.css", "/warnings/trend.svg"} {
			if !strings.Contains(body, want) {
				t.Errorf("board lacks %q", want)
			}
		}
		// Filters: a colour without warnings, a text that matches, one that does not.
		if body := c.get("/warnings?colour=red"); strings.Contains(body, warnReason) || !strings.Contains(body, "共 0 条预警") {
			t.Errorf("red filter shows the yellow warning")
		}
		if body := c.get("/warnings?q=" + url.QueryEscape("特种纸")); !strings.Contains(body, warnReason) {
			t.Errorf("text filter lost the warning")
		}
		if body := c.get("/warnings?q=nothing-like-it"); strings.Contains(body, warnReason) {
			t.Errorf("text filter kept a warning that does not match")
		}
		if body := c.get("/warnings?unit=" + itoa(f.units["townB"].ID)); strings.Contains(body, warnReason) {
			t.Errorf("unit filter of town B shows town A's warning")
		}
		// CSV export.
		res, body = c.getRes("/warnings?format=csv")
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") || !strings.Contains(body, warnReason) || !strings.Contains(body, "黄") {
			t.Errorf("csv: %d %s %.300s", res.StatusCode, res.Header.Get("Content-Type"), body)
		}
		// The trend chart.
		res, body = c.getRes("/warnings/trend.svg")
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/svg+xml" || !strings.Contains(body, "<svg") {
			t.Errorf("trend: %d %s %.200s", res.StatusCode, res.Header.Get("Content-Type"), body)
		}
		// Town B's liaison sees none of it.
		body = f.login("liaisonB").get("/warnings")
		if strings.Contains(body, p.Name) || strings.Contains(body, warnReason) || !strings.Contains(body, "共 0 条预警") {
			t.Errorf("liaison B sees town A's warning")
		}
		// Town A's liaison sees it.
		if body := f.login("liaisonA").get("/warnings"); !strings.Contains(body, warnReason) {
			t.Errorf("liaison A does not see its warning")
		}
		// English.
		b := badge{}
		if b = colourBadge("en", ding.DefaultColours, "yellow"); b.Name != "yellow" || !strings.Contains(b.Class, "c-yellow") {
			t.Errorf("english badge %+v", b)
		}
	})
}

func TestWarnPageHistory(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		p := warnYellow(t, f)
		path := "/projects/" + itoa(p.ID) + "/warnings"
		c := f.login("office")
		body := c.get(path)
		if !strings.Contains(body, warnReason) || !strings.Contains(body, "发出预警") || !strings.Contains(body, `id="warn-project-badge"`) {
			t.Fatalf("project warnings: %.500s", body)
		}
		// A large May clears it: 600 of 1,200万 is ahead of 41.7%.
		f.db.Now = func() time.Time { return warnNow.Add(24 * time.Hour) }
		warnReport(t, f, p.ID, "2024-05", 300)
		c = f.login("office") // the session outlived its idle time
		body = c.get(path)
		if !strings.Contains(body, "解除预警") || !strings.Contains(body, "发出预警") || !strings.Contains(body, "该项目当前没有预警") ||
			!strings.Contains(body, "2024-06-21") {
			t.Fatalf("history after clearing: %.2000s", body)
		}
		if res, _ := f.login("liaisonB").getRes(path); res.StatusCode != http.StatusNotFound {
			t.Fatalf("liaison B reads town A's history: %d", res.StatusCode)
		}
		// The board counts the cleared warning this month.
		if body := c.get("/warnings"); !strings.Contains(body, "2024-06 新增 1 条、解除 1 条") {
			t.Errorf("board month counts missing")
		}
	})
}

func TestWarnPageExemption(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		p := warnYellow(t, f)
		path := "/projects/" + itoa(p.ID) + "/warnings"
		la := f.login("liaisonA")
		if body := la.get(path); !strings.Contains(body, `id="exemption-request"`) {
			t.Fatalf("no request form for liaison A")
		}
		if body := f.login("liaisonB").get("/warnings"); strings.Contains(body, "exemption-request") {
			t.Fatalf("liaison B gets a request form")
		}
		// No reason: refused, nothing written.
		res, body := la.submit(path[:len(path)-len("/warnings")]+"/exemptions", url.Values{"kind": {"force_majeure"}, "reason": {"  "}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "exemption-reason-error") {
			t.Fatalf("empty reason: %d %.500s", res.StatusCode, body)
		}
		if xs, _, _ := f.db.FindExemptions(warnCtx(f, "office"), store.ExemptionFilter{}); len(xs) != 0 {
			t.Fatalf("a refused request was written: %+v", xs)
		}
		res, _ = la.submit("/projects/"+itoa(p.ID)+"/exemptions", url.Values{"kind": {"force_majeure"}, "reason": {"暴雨导致停工"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("request: %d", res.StatusCode)
		}
		xs, _, err := f.db.FindExemptions(warnCtx(f, "office"), store.ExemptionFilter{})
		if err != nil || len(xs) != 1 || xs[0].Status != store.ExemptionRequested {
			t.Fatalf("exemptions %+v %v", xs, err)
		}
		x := xs[0]
		// The liaison cannot decide.
		if res, _ := la.submit("/exemptions/"+itoa(x.ID)+"/decide", url.Values{"decision": {"approve"}}); res.StatusCode != http.StatusForbidden {
			t.Fatalf("liaison decides: %d", res.StatusCode)
		}
		oc := f.login("office")
		if body := oc.get("/warnings"); !strings.Contains(body, "待审核的豁免申请（1）") || !strings.Contains(body, "暴雨导致停工") {
			t.Errorf("board does not list the waiting request")
		}
		body = oc.get(path)
		if !strings.Contains(body, `id="exemption-decide-`+itoa(x.ID)+`"`) || !strings.Contains(body, "待审核") {
			t.Fatalf("no decision form: %.500s", body)
		}
		// Rejecting needs a comment.
		if res, body := oc.submit("/exemptions/"+itoa(x.ID)+"/decide", url.Values{"decision": {"reject"}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("reject without comment: %d %.300s", res.StatusCode, body)
		}
		if res, _ := oc.submit("/exemptions/"+itoa(x.ID)+"/decide", url.Values{"decision": {"approve"}, "comment": {"情况属实"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("approve: %d", res.StatusCode)
		}
		body = oc.get(path)
		if !strings.Contains(body, "已批准") || !strings.Contains(body, "情况属实") || !strings.Contains(body, `class="tag wexempt"`) {
			t.Fatalf("after approval: %.3000s", body)
		}
		// The exempt project keeps its colour on the board, tagged.
		if body := oc.get("/warnings?exempt=1"); !strings.Contains(body, warnReason) || !strings.Contains(body, "已豁免") {
			t.Errorf("exempt filter lost the warning")
		}
	})
}

func TestRulePageEditor(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		for _, who := range []string{"liaisonA", "viewer", "leader"} {
			c := f.login(who)
			if res, _ := c.getRes("/settings/rules"); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s reads the rules editor: %d", who, res.StatusCode)
			}
			if res, _ := c.submit("/settings/rules", url.Values{"name": {"x"}}); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s posts a rule: %d", who, res.StatusCode)
			}
		}
		c := f.login("office")
		body := c.get("/settings/rules")
		if !strings.Contains(body, "投资滞后（百分点，按月）") || !strings.Contains(body, "≥ 10") || !strings.Contains(body, "&gt; 30") {
			t.Fatalf("rules list: %.1000s", body)
		}
		if body := c.get("/settings/rules/new"); !strings.Contains(body, `name="min_yellow"`) || !strings.Contains(body, `name="strict_red"`) {
			t.Fatalf("rule form: %.500s", body)
		}
		rules, _ := f.db.FindRules(warnCtx(f, "office"))
		before, audits := len(rules), f.auditCount()
		form := func(kv ...string) url.Values {
			v := url.Values{"name": {"测试规则"}, "kind": {"invest_lag"}, "measure": {"points"}, "timing": {"month"}, "enabled": {"1"}, "persistence": {"0"}}
			for i := 0; i+1 < len(kv); i += 2 {
				v.Set(kv[i], kv[i+1])
			}
			return v
		}
		for _, tc := range []struct {
			name string
			form url.Values
			want string
		}{
			{"not a number", form("min_yellow", "十", "min_red", "30"), "不是数字"},
			{"overlap", form("min_yellow", "30", "min_red", "10"), "阈值重叠或颠倒"},
			{"same value, not strict", form("min_yellow", "10", "min_red", "10"), "阈值重叠或颠倒"},
			{"matches nothing", func() url.Values { v := form("min_yellow", "10"); v.Add("stage", "planning"); return v }(), "不会匹配任何项目"},
			{"no threshold", form(), "请至少为一种颜色设置阈值"},
		} {
			res, body := c.submit("/settings/rules", tc.form)
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, tc.want) || !strings.Contains(body, "field-error") {
				t.Errorf("%s: %d, want 422 with %q: %.300s", tc.name, res.StatusCode, tc.want, body)
			}
			if !strings.Contains(body, `value="测试规则"`) {
				t.Errorf("%s: the form lost what was typed", tc.name)
			}
		}
		if rules, _ := f.db.FindRules(warnCtx(f, "office")); len(rules) != before || f.auditCount() != audits {
			t.Fatalf("a refused rule was written: %d rules, %d audits", len(rules), f.auditCount()-audits)
		}
		// A good rule is saved and audited.
		v := form("min_yellow", "15", "min_red", "35", "strict_red", "1")
		v.Add("tier", "10")
		v.Add("unit", itoa(f.units["townA"].ID))
		res, _ := c.submit("/settings/rules", v)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d", res.StatusCode)
		}
		rules, _ = f.db.FindRules(warnCtx(f, "office"))
		if len(rules) != before+1 || f.auditCount() != audits+1 {
			t.Fatalf("saved: %d rules, %d audits", len(rules), f.auditCount()-audits)
		}
		r := rules[len(rules)-1]
		if r.Name != "测试规则" || len(r.Thresholds) != 2 || r.Thresholds[1].Min != 35 || !r.Thresholds[1].Strict || len(r.Scope.Tiers) != 1 || len(r.Scope.UnitIDs) != 1 {
			t.Fatalf("saved rule %+v", r)
		}
		// Edit: the form shows it; a stale version is refused.
		body = c.get("/settings/rules/" + itoa(r.ID))
		if !strings.Contains(body, `value="35"`) || !strings.Contains(body, `name="version" value="1"`) {
			t.Fatalf("edit form: %.500s", body)
		}
		v.Set("name", "测试规则二")
		v.Set("version", "1")
		if res, _ := c.submit("/settings/rules/"+itoa(r.ID), v); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("update: %d", res.StatusCode)
		}
		if res, body := c.submit("/settings/rules/"+itoa(r.ID), v); res.StatusCode != http.StatusConflict {
			t.Fatalf("stale update: %d %.300s", res.StatusCode, body)
		}
		// Disable and enable.
		if res, _ := c.submit("/settings/rules/"+itoa(r.ID)+"/enable", url.Values{"enabled": {"0"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("disable: %d", res.StatusCode)
		}
		if got, _ := f.db.FindRule(warnCtx(f, "office"), r.ID); got.Enabled || got.Name != "测试规则二" {
			t.Fatalf("after disabling: %+v", got)
		}
		// The colour scheme: renaming blue works, a duplicate rank is refused.
		cv := url.Values{"name_blue": {"蓝"}, "name_en_blue": {"blue"}, "rank_blue": {"1"}, "name_yellow": {"黄"}, "rank_yellow": {"2"}, "name_red": {"红"}, "rank_red": {"2"}}
		if res, _ := c.submit("/settings/colours", cv); res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("duplicate rank: %d", res.StatusCode)
		}
		cv.Set("rank_red", "3")
		cv.Set("name_blue", "青")
		if res, _ := c.submit("/settings/colours", cv); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("colours: %d", res.StatusCode)
		}
		if cs, _ := f.db.Colours(warnCtx(f, "office")); cs.Name("blue") != "青" {
			t.Fatalf("colours %+v", cs)
		}
	})
}

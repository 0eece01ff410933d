package web

import (
	"bytes"
	"encoding/xml"
	"html"
	"io"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"ding"
	"ding/auth"
	"ding/chart"
	"ding/store"
)

// The scheme tests run on 2024-07-05 (schemeNow): the second quarter of 2024 is over, the
// third is not. Towns A and B compete in the group 乡镇街道, the department alone in 部门,
// on two items: GDP growth by rank (60 points) and investment completion (40 points).
//
//	Q1: GDP +20% (A), +10% (B), +20% (dept); investment 5/20, 6/30, 1/10 of the target
//	    → A 60 + 10 = 70, B 57 + 8 = 65, dept 60 + 4 = 64.
//	Q2: GDP +20%, +10%, +20%; investment 10/20, 12/30, 3/10
//	    → A 60 + 20 = 80, B 57 + 16 = 73, dept 60 + 12 = 72.

var schemeNow = time.Date(2024, 7, 5, 2, 0, 0, 0, time.UTC)

// schemeFix is the fixture's indicators and units of the scheme tests.
type schemeFix struct {
	gdp, inv       *ding.Indicator
	townA, townB   int64
	dept, district int64
}

// schemeSetup moves the clock to 2024-07-05 and enters the figures above.
func schemeSetup(t *testing.T, f *fixture) *schemeFix {
	t.Helper()
	f.db.Now = func() time.Time { return schemeNow }
	office := warnCtx(f, "office")
	x := &schemeFix{townA: f.units["townA"].ID, townB: f.units["townB"].ID, dept: f.units["dept"].ID, district: f.units["district"].ID}
	x.gdp = &ding.Indicator{Code: "gdp", Name: "地区生产总值", Measure: "亿元", HigherBetter: true}
	x.inv = &ding.Indicator{Code: "inv", Name: "固定资产投资", Measure: "亿元", HigherBetter: true}
	for _, ind := range []*ding.Indicator{x.gdp, x.inv} {
		if err := f.db.CreateIndicator(office, ind); err != nil {
			t.Fatal(err)
		}
	}
	v := func(ind *ding.Indicator, unit int64, year, month int, yi int64) store.ValueWrite {
		val := yi * ding.Yi
		return store.ValueWrite{IndicatorID: ind.ID, UnitID: unit, Year: year, Month: month, Value: &val}
	}
	ws := []store.ValueWrite{
		v(x.gdp, x.townA, 2023, 3, 10), v(x.gdp, x.townB, 2023, 3, 10), v(x.gdp, x.dept, 2023, 3, 5),
		v(x.gdp, x.townA, 2023, 6, 20), v(x.gdp, x.townB, 2023, 6, 20), v(x.gdp, x.dept, 2023, 6, 5),
		v(x.gdp, x.townA, 2024, 3, 12), v(x.gdp, x.townB, 2024, 3, 11), v(x.gdp, x.dept, 2024, 3, 6),
		v(x.gdp, x.townA, 2024, 6, 24), v(x.gdp, x.townB, 2024, 6, 22), v(x.gdp, x.dept, 2024, 6, 6),
		v(x.inv, x.townA, 2024, 3, 5), v(x.inv, x.townB, 2024, 3, 6), v(x.inv, x.dept, 2024, 3, 1),
		v(x.inv, x.townA, 2024, 6, 10), v(x.inv, x.townB, 2024, 6, 12), v(x.inv, x.dept, 2024, 6, 3),
		v(x.inv, x.townA, 2024, 0, 20), v(x.inv, x.townB, 2024, 0, 30), v(x.inv, x.dept, 2024, 0, 10),
	}
	if _, errs, err := f.db.SetValues(office, ws, "form", true); err != nil || len(errs) > 0 {
		t.Fatalf("values: %v %+v", err, errs)
	}
	return x
}

// schemeOf is the test scheme, organized by the district, public unless told otherwise.
func (x *schemeFix) schemeOf(name string, public bool) *ding.Scheme {
	return &ding.Scheme{Name: name, OrganizerID: x.district, Period: ding.SchemeQuarterly, FlagCount: 1, Public: public,
		Items: []ding.SchemeItem{
			{IndicatorID: x.gdp.ID, Basis: ding.BasisGrowth, Method: ding.MethodRank, Weight: 6000},
			{IndicatorID: x.inv.ID, Basis: ding.BasisCompletion, Method: ding.MethodTargetProp, Weight: 4000},
		},
		Participants: []ding.Participant{{UnitID: x.townA, Group: "乡镇街道"}, {UnitID: x.townB, Group: "乡镇街道"}, {UnitID: x.dept, Group: "部门"}}}
}

// mkScheme saves the test scheme as the office.
func mkScheme(t *testing.T, f *fixture, x *schemeFix, name string, public bool) *ding.Scheme {
	t.Helper()
	s := x.schemeOf(name, public)
	if err := f.db.CreateScheme(warnCtx(f, "office"), s); err != nil {
		t.Fatal(err)
	}
	return s
}

// schemeUser adds a user to the fixture at a unit.
func (f *fixture) schemeUser(name string, role ding.Role, unit *ding.Unit) {
	f.t.Helper()
	hash, err := auth.FastHasher.Hash(testPassword)
	if err != nil {
		f.t.Fatal(err)
	}
	u := &ding.User{Username: strings.ToLower(name), DisplayName: name, UnitID: unit.ID, Role: role}
	if err := f.db.CreateUser(sysCtx(), u, hash); err != nil {
		f.t.Fatalf("user %s: %v", name, err)
	}
	f.users[name] = u
}

// schemeDistrict adds 柯城区 beside 衢江区 under the city, with an office user kcOffice.
func (f *fixture) schemeDistrict() *ding.Unit {
	f.t.Helper()
	u := &ding.Unit{Name: "柯城区", Kind: ding.UnitDistrict, Code: "330802", ParentID: f.units["city"].ID}
	if err := f.db.CreateUnit(sysCtx(), u); err != nil {
		f.t.Fatal(err)
	}
	f.units["kecheng"] = u
	f.schemeUser("kcOffice", ding.RoleOffice, u)
	return u
}

// schemeUnesc is a page as read: entities decoded.
func schemeUnesc(s string) string { return html.UnescapeString(s) }

// schemeScoreRow is the table row of a unit's score on a result page.
func schemeScoreRow(t *testing.T, body string, unit int64) string {
	t.Helper()
	i := strings.Index(body, `<tr id="score-`+itoa(unit)+`"`)
	if i < 0 {
		t.Fatalf("no score row of unit %d in %.3000s", unit, body)
	}
	j := strings.Index(body[i:], "</tr>")
	return body[i : i+j]
}

// schemeForm is a valid definition form of the test scheme.
func schemeForm(x *schemeFix) url.Values {
	return url.Values{"name": {"2024年乡镇季度比拼"}, "organizer_id": {itoa(x.district)}, "period": {"quarter"}, "total_points": {"100"},
		"flag_count": {"1"}, "flag_name": {"流动红旗"}, "public": {"1"}, "note": {"按区委办通知执行"},
		"item_indicator_0": {itoa(x.gdp.ID)}, "item_basis_0": {"growth"}, "item_method_0": {"rank"}, "item_weight_0": {"60"}, "item_step_0": {""},
		"item_indicator_1": {itoa(x.inv.ID)}, "item_basis_1": {"completion"}, "item_method_1": {"target_prop"}, "item_weight_1": {"40"},
		"item_cap_1": {"120"}, "item_step_1": {"7"}, "item_benchmark_1": {"9"},
		// A spare row left empty is ignored.
		"item_indicator_2": {""}, "item_basis_2": {"growth"}, "item_method_2": {"rank"}, "item_weight_2": {""},
		"part_unit_0": {itoa(x.townA)}, "part_group_0": {"乡镇街道"}, "part_unit_1": {itoa(x.townB)}, "part_group_1": {"乡镇街道"},
		"part_unit_2": {itoa(x.dept)}, "part_group_2": {"部门"}, "part_unit_3": {""}, "part_group_3": {""}}
}

func schemesAll(t *testing.T, f *fixture) []*ding.Scheme {
	t.Helper()
	ss, err := f.db.FindSchemes(sysCtx(), store.SchemeFilter{Disabled: true})
	if err != nil {
		t.Fatal(err)
	}
	return ss
}

// TestSchemeForm: the definition form refuses weights that do not add up (naming the sum,
// keeping what was typed, saving nothing) and an indicator scored twice, creates a scheme
// with its items and participants, and edits it with the version it read.
func TestSchemeForm(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		x := schemeSetup(t, f)
		oc := f.login("office")
		res, body := oc.getRes("/schemes/new")
		if res.StatusCode != 200 {
			t.Fatalf("new: %d %.300s", res.StatusCode, body)
		}
		for _, want := range []string{`id="scheme-form"`, `name="item_indicator_0"`, `name="part_unit_0"`, `value="100"`, `<option value="quarter" selected>季度</option>`,
			`id="scheme-item-tpl"`, `>地区生产总值</option>`, `id="nav-schemes"`, `schemes.js`} {
			if !strings.Contains(body, want) {
				t.Errorf("new form lacks %q", want)
			}
		}
		audits := f.auditCount()
		form := schemeForm(x)
		form.Set("item_weight_1", "35")
		res, body = oc.submit("/schemes", form)
		body = schemeUnesc(body)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="scheme-items-error">各项分值合计 95 分，应为 100 分</div>`) ||
			!strings.Contains(body, `name="item_weight_1" value="35"`) || !strings.Contains(body, `value="2024年乡镇季度比拼"`) ||
			!strings.Contains(body, `<option value="`+itoa(x.dept)+`" data-parent="`+itoa(x.district)+`" data-kind="部门" selected>`) {
			t.Fatalf("weights 95: %d %.4000s", res.StatusCode, body)
		}
		form = schemeForm(x)
		form.Set("item_indicator_1", itoa(x.gdp.ID))
		res, body = oc.submit("/schemes", form)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(schemeUnesc(body), "第 2 项：该指标已在前面的考核项中使用") ||
			!strings.Contains(body, `class="sch-item sch-row-error" id="scheme-item-1"`) {
			t.Fatalf("indicator twice: %d %.4000s", res.StatusCode, body)
		}
		form = schemeForm(x)
		form.Set("item_weight_0", "59.999")
		if res, body = oc.submit("/schemes", form); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(schemeUnesc(body), "第 1 项：分值“59.999”无效") {
			t.Fatalf("three decimals: %d %.4000s", res.StatusCode, body)
		}
		form = schemeForm(x)
		form.Set("part_unit_1", itoa(x.townA))
		if res, body = oc.submit("/schemes", form); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(schemeUnesc(body), `id="scheme-parts-error">单位“樟潭街道”重复参加`) {
			t.Fatalf("participant twice: %d %.4000s", res.StatusCode, body)
		}
		if n := len(schemesAll(t, f)); n != 0 || f.auditCount() != audits {
			t.Fatalf("refused forms saved %d schemes", n)
		}
		// Liaisons may not define schemes.
		la := f.login("liaisonA")
		if res, _ := la.getRes("/schemes/new"); res.StatusCode != http.StatusForbidden {
			t.Errorf("liaison opens the form: %d", res.StatusCode)
		}
		if res, _ := la.submit("/schemes", schemeForm(x)); res.StatusCode != http.StatusForbidden {
			t.Errorf("liaison creates: %d", res.StatusCode)
		}
		// The happy path: 12.5-style points, the default step, the cap as a percentage; the
		// step and benchmark of a method that does not use them are dropped.
		form = schemeForm(x)
		form.Set("item_weight_0", "59.5")
		form.Set("item_weight_1", "40.5")
		res, _ = oc.submit("/schemes", form)
		ss := schemesAll(t, f)
		if res.StatusCode != http.StatusSeeOther || len(ss) != 1 || res.Header.Get("Location") != "/schemes/"+itoa(ss[0].ID)+"?flash=schemeui_created" {
			t.Fatalf("create: %d %s %d", res.StatusCode, res.Header.Get("Location"), len(ss))
		}
		s := ss[0]
		if s.Name != "2024年乡镇季度比拼" || s.OrganizerID != x.district || s.TotalPoints != 10000 || s.FlagCount != 1 || !s.Public || s.Note != "按区委办通知执行" ||
			len(s.Items) != 2 || s.Items[0].Weight != 5950 || s.Items[0].Step != 500 || s.Items[1].Weight != 4050 || s.Items[1].Cap != 12000 ||
			s.Items[1].Step != 0 || s.Items[1].Benchmark != 0 || len(s.Participants) != 3 || s.Participants[2].Group != "部门" {
			t.Fatalf("saved %+v", s)
		}
		// The list shows it to the office and to the towns under the organizer.
		for _, c := range []*client{oc, la} {
			body := c.get("/schemes")
			if !strings.Contains(body, `<a href="/schemes/`+itoa(s.ID)+`" class="sch-name">2024年乡镇季度比拼</a>`) || !strings.Contains(body, "尚未锁定") {
				t.Errorf("list: %.3000s", body)
			}
		}
		if body := la.get("/schemes"); strings.Contains(body, `id="scheme-new"`) {
			t.Errorf("liaison is offered a new scheme")
		}
		// Edit: the form shows what is saved; a save with an old version is refused.
		res, body = oc.getRes("/schemes/" + itoa(s.ID) + "/edit")
		if res.StatusCode != 200 || !strings.Contains(body, `name="item_weight_0" value="59.5"`) || !strings.Contains(body, `name="item_cap_1" value="120"`) ||
			!strings.Contains(body, `name="item_step_0" value="5"`) || !strings.Contains(body, `name="version" value="1"`) {
			t.Fatalf("edit form: %d %.4000s", res.StatusCode, body)
		}
		if res, _ := la.getRes("/schemes/" + itoa(s.ID) + "/edit"); res.StatusCode != http.StatusForbidden {
			t.Errorf("liaison edits: %d", res.StatusCode)
		}
		form.Set("name", "2024年乡镇（街道）季度比拼")
		form.Set("version", "1")
		if res, body = oc.submit("/schemes/"+itoa(s.ID)+"/edit", form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d %.3000s", res.StatusCode, body)
		}
		res, body = oc.submit("/schemes/"+itoa(s.ID)+"/edit", form)
		if res.StatusCode != http.StatusConflict || !strings.Contains(schemeUnesc(body), "该考核方案已被他人修改") || !strings.Contains(body, `id="scheme-reload"`) {
			t.Fatalf("stale save: %d %.3000s", res.StatusCode, body)
		}
		if got, _ := f.db.FindScheme(sysCtx(), s.ID); got.Name != "2024年乡镇（街道）季度比拼" || got.Version != 2 {
			t.Fatalf("after edit: %+v", got)
		}
	})
}

// TestSchemeResultFlow: a period's trial result with its figures and chart, adjustments
// (refused without evidence and from a liaison), the lock (refused before the period
// ends and to a liaison), the locked page with the flag, no adjustment on a locked
// period, an unlock only with a reason, and the flags and streaks on the scheme's page.
func TestSchemeResultFlow(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		x := schemeSetup(t, f)
		s := mkScheme(t, f, x, "乡镇季比拼", true)
		oc, la := f.login("office"), f.login("liaisonA")
		base := "/schemes/" + itoa(s.ID)
		q2 := base + "/periods/2024-Q2"

		res, body := oc.getRes(q2)
		body = schemeUnesc(body)
		if res.StatusCode != 200 || !strings.Contains(body, `id="result-trial"`) || !strings.Contains(body, "试算（未锁定）") || strings.Contains(body, `id="result-locked"`) {
			t.Fatalf("trial page: %d %.3000s", res.StatusCode, body)
		}
		a := schemeScoreRow(t, body, x.townA)
		for _, want := range []string{`<td class="num sch-rank">1</td>`, `<span class="pts">60</span><br><span class="fig">+20.0%</span>`,
			`<span class="pts">20</span><br><span class="fig">50.0%</span>`, `<td class="num sch-total">80</td>`, `id="flag-` + itoa(x.townA) + `"`} {
			if !strings.Contains(a, want) {
				t.Errorf("row A lacks %q: %s", want, a)
			}
		}
		if b := schemeScoreRow(t, body, x.townB); !strings.Contains(b, `<td class="num sch-total">73</td>`) || !strings.Contains(b, `<span class="pts">57</span>`) || strings.Contains(b, "id=\"flag-") {
			t.Errorf("row B: %s", b)
		}
		for _, want := range []string{`<td class="num sch-total">72</td>`, `<h2>部门`, `<h2>乡镇街道`, `<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-rank"`,
			`<title>1. 樟潭街道 · 80 分</title>`, `id="lock-form"`, `id="adjust-form"`, "锁定数据截面并发布结果"} {
			if !strings.Contains(body, want) {
				t.Errorf("trial page lacks %q", want)
			}
		}
		// The town's liaison sees the result, but no office form, and may not use them.
		res, body = la.getRes(q2)
		if res.StatusCode != 200 || !strings.Contains(body, `<td class="num sch-total">80</td>`) || strings.Contains(body, `id="lock-form"`) || strings.Contains(body, `id="adjust-form"`) {
			t.Fatalf("liaison's page: %d %.2000s", res.StatusCode, body)
		}
		penalty := url.Values{"kind": {"penalty"}, "unit_id": {itoa(x.townB)}, "points": {"3"}, "reason": {"安全生产事故被通报"}, "evidence": {"衢江安委〔2024〕5号"}}
		if res, _ := la.submit(q2+"/adjustments", penalty); res.StatusCode != http.StatusForbidden {
			t.Errorf("liaison adjusts: %d", res.StatusCode)
		}
		if res, _ := la.submit(q2+"/lock", nil); res.StatusCode != http.StatusForbidden {
			t.Errorf("liaison locks: %d", res.StatusCode)
		}
		// Adjustments: evidence is required; then a bonus that lifts B above A.
		noEvidence := url.Values{"kind": {"bonus"}, "unit_id": {itoa(x.townB)}, "points": {"8"}, "reason": {"获省级表彰"}}
		res, body = oc.submit(q2+"/adjustments", noEvidence)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(schemeUnesc(body), `id="adjust-evidence-error">请填写依据`) ||
			!strings.Contains(body, ">获省级表彰</textarea>") {
			t.Fatalf("no evidence: %d %.3000s", res.StatusCode, body)
		}
		// Lock Q1 first, so that Q2 knows last period's ranks.
		if res, body := oc.submit(base+"/periods/2024-Q1/lock", nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("lock Q1: %d %.2000s", res.StatusCode, body)
		}
		bonus := url.Values{"kind": {"bonus"}, "unit_id": {itoa(x.townB)}, "points": {"8"}, "reason": {"获省级表彰"}, "evidence": {"浙政发〔2024〕3号"}}
		if res, body := oc.submit(q2+"/adjustments", bonus); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != q2+"?flash=schemeui_adjusted" {
			t.Fatalf("bonus: %d %s %.2000s", res.StatusCode, res.Header.Get("Location"), body)
		}
		body = schemeUnesc(oc.get(q2))
		b := schemeScoreRow(t, body, x.townB)
		if !strings.Contains(b, `<td class="num sch-rank">1</td>`) || !strings.Contains(b, `<td class="rank-up" title="上期第 2 名">↑1</td>`) ||
			!strings.Contains(b, ">+8</td>") || !strings.Contains(b, `<td class="num sch-total">81</td>`) {
			t.Errorf("row B with the bonus: %s", b)
		}
		if a := schemeScoreRow(t, body, x.townA); !strings.Contains(a, "↓1") {
			t.Errorf("row A: %s", a)
		}
		if !strings.Contains(body, "进位最快：<strong>廿里镇</strong> 较上期上升 1 位") || !strings.Contains(body, "获省级表彰") {
			t.Errorf("most improved or adjustment missing: %.4000s", body)
		}
		adj, err := f.db.FindAdjustments(sysCtx(), s.ID, "2024-Q2")
		if err != nil || len(adj) != 1 || adj[0].Points != 800 || adj[0].By != "office" {
			t.Fatalf("adjustments %+v %v", adj, err)
		}
		// Removing it puts A back in front.
		if res, _ := oc.submit(base+"/adjustments/"+itoa(adj[0].ID)+"/remove", url.Values{"period": {"2024-Q2"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("remove: %d", res.StatusCode)
		}
		if a := schemeScoreRow(t, oc.get(q2), x.townA); !strings.Contains(a, `<td class="num sch-rank">1</td>`) {
			t.Fatalf("A after removal: %s", a)
		}
		// Q3 has not ended: no lock offered, and a lock posted anyway is refused.
		body = schemeUnesc(oc.get(base + "/periods/2024-Q3"))
		if !strings.Contains(body, `id="lock-not-over"`) || strings.Contains(body, `id="lock-form"`) || !strings.Contains(body, "2024-09-30 结束") {
			t.Errorf("Q3 page: %.3000s", body)
		}
		res, body = oc.submit(base+"/periods/2024-Q3/lock", nil)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(schemeUnesc(body), "2024-Q3 尚未结束，不能锁定数据截面") {
			t.Fatalf("lock Q3: %d %.2000s", res.StatusCode, body)
		}
		// Lock Q2: the page shows the locked result, who locked it, and the flag.
		res, _ = oc.submit(q2+"/lock", nil)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != q2+"?flash=schemeui_locked" {
			t.Fatalf("lock: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		body = schemeUnesc(oc.get(res.Header.Get("Location")))
		if !strings.Contains(body, `id="result-locked"`) || strings.Contains(body, `id="result-trial"`) || !strings.Contains(body, "锁定人 office，锁定时间 2024-07-05 10:00") ||
			!strings.Contains(body, `id="flag-`+itoa(x.townA)+`"`) || !strings.Contains(body, `id="unlock-form"`) || strings.Contains(body, `id="adjust-form"`) ||
			!strings.Contains(body, "数据截面已锁定，考核结果已发布") {
			t.Fatalf("locked page: %.4000s", body)
		}
		// A locked period takes no adjustment: said clearly.
		res, body = oc.submit(q2+"/adjustments", bonus)
		if res.StatusCode != http.StatusConflict || !strings.Contains(schemeUnesc(body), `id="result-error">2024-Q2 的数据截面已锁定，不能再修改加减分或免考；如确需修改，请先解锁`) {
			t.Fatalf("adjust locked: %d %.3000s", res.StatusCode, body)
		}
		// Unlocking needs a reason.
		res, body = oc.submit(q2+"/unlock", url.Values{"reason": {"  "}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(schemeUnesc(body), `id="unlock-reason-error">请填写解锁原因`) {
			t.Fatalf("unlock without reason: %d %.3000s", res.StatusCode, body)
		}
		if res, _ := la.submit(q2+"/unlock", url.Values{"reason": {"x"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("liaison unlocks: %d", res.StatusCode)
		}
		if res, _ := oc.submit(q2+"/unlock", url.Values{"reason": {"统计局修订二季度数据"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("unlock: %d", res.StatusCode)
		}
		if body := oc.get(q2); !strings.Contains(body, `id="result-trial"`) {
			t.Fatalf("unlocked page is not a trial")
		}
		if res, _ := oc.submit(q2+"/lock", nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("lock again: %d", res.StatusCode)
		}
		// The scheme's page: the periods, the holders with their streak.
		body = schemeUnesc(oc.get(base))
		for _, want := range []string{`id="period-2024-Q2"`, "已锁定", `id="scheme-current"`, "2024年第2季度得主：", "樟潭街道", "连续2次夺旗", "区发改局",
			`id="scheme-honours"`, `href="/schemes/` + itoa(s.ID) + `/edit"`} {
			if !strings.Contains(body, want) {
				t.Errorf("scheme page lacks %q", want)
			}
		}
		// Opening a period by its key.
		if res, _ := oc.getRes(base + "/open?period=2024-q4"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != base+"/periods/2024-Q4" {
			t.Errorf("open: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		res, body = oc.getRes(base + "/open?period=2024-Q5")
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(schemeUnesc(body), `id="scheme-open-error">考核期“2024-Q5”无效`) {
			t.Errorf("open a bad period: %d %.2000s", res.StatusCode, body)
		}
	})
}

// TestSchemeScope: a user of another district does not see a scheme of this district
// (404, like a missing one), but sees a scheme the city above them organizes.
func TestSchemeScope(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		x := schemeSetup(t, f)
		f.schemeDistrict()
		s := mkScheme(t, f, x, "衢江区乡镇季比拼", true)
		city := x.schemeOf("全市区县季度比拼", false)
		city.OrganizerID = f.units["city"].ID
		city.Participants = []ding.Participant{{UnitID: x.district}, {UnitID: f.units["kecheng"].ID}}
		if err := f.db.CreateScheme(warnCtx(f, "admin"), city); err != nil {
			t.Fatal(err)
		}
		kc := f.login("kcOffice")
		for _, path := range []string{"/schemes/" + itoa(s.ID), "/schemes/" + itoa(s.ID) + "/periods/2024-Q2", "/schemes/" + itoa(s.ID) + "/edit",
			"/schemes/" + itoa(s.ID) + "/periods/2024-Q2/export.xlsx"} {
			if res, _ := kc.getRes(path); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s from another district: %d", path, res.StatusCode)
			}
		}
		if res, _ := kc.submit("/schemes/"+itoa(s.ID)+"/periods/2024-Q2/lock", nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("lock from another district: %d", res.StatusCode)
		}
		body := kc.get("/schemes")
		if strings.Contains(body, "衢江区乡镇季比拼") || !strings.Contains(body, "全市区县季度比拼") {
			t.Errorf("list of another district: %.3000s", body)
		}
		if res, body := kc.getRes("/schemes/" + itoa(city.ID)); res.StatusCode != 200 || !strings.Contains(body, "全市区县季度比拼") || strings.Contains(body, `id="scheme-edit"`) {
			t.Errorf("the city's scheme from a district: %d", res.StatusCode)
		}
		// The district's office sees the city's scheme too, but runs only its own.
		oc := f.login("office")
		if body := oc.get("/schemes/" + itoa(city.ID)); strings.Contains(body, `id="scheme-edit"`) {
			t.Errorf("the district office may edit the city's scheme")
		}
		if res, _ := oc.submit("/schemes/"+itoa(city.ID)+"/periods/2024-Q2/lock", nil); res.StatusCode != http.StatusForbidden {
			t.Errorf("district office locks the city's scheme: %d", res.StatusCode)
		}
	})
}

// TestHonoursPublic: the honour board needs no login and shows only public schemes; a
// signed-in user gets it in the normal layout; the API answers the same without a token.
func TestHonoursPublic(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		x := schemeSetup(t, f)
		pub := mkScheme(t, f, x, "公开的乡镇季比拼", true)
		priv := mkScheme(t, f, x, "内部测评方案", false)
		office := warnCtx(f, "office")
		for _, id := range []int64{pub.ID, priv.ID} {
			for _, p := range []string{"2024-Q1", "2024-Q2"} {
				if _, err := f.db.LockCut(office, id, p); err != nil {
					t.Fatal(err)
				}
			}
		}
		anon := f.anon()
		res, body := anon.getRes("/honours")
		body = schemeUnesc(body)
		if res.StatusCode != 200 {
			t.Fatalf("anonymous board: %d %.300s", res.StatusCode, body)
		}
		for _, want := range []string{"流动红旗荣誉榜", "公开的乡镇季比拼", `id="honour-holder-` + itoa(pub.ID) + `-` + itoa(x.townA) + `"`, "樟潭街道", "区发改局",
			"连续2次夺旗", "2024年第2季度", `id="honour-login"`, `class="bare"`, "80 分"} {
			if !strings.Contains(body, want) {
				t.Errorf("public board lacks %q", want)
			}
		}
		for _, not := range []string{"内部测评方案", `href="/schemes/`, `id="nav"`, "73 分", "廿里镇"} {
			if strings.Contains(body, not) {
				t.Errorf("public board shows %q", not)
			}
		}
		// Signed in: the same board inside the layout, with the navigation.
		lb := f.login("liaisonB")
		body = schemeUnesc(lb.get("/honours"))
		if !strings.Contains(body, `href="/honours" class="active" id="nav-honours"`) || !strings.Contains(body, "公开的乡镇季比拼") || strings.Contains(body, "内部测评方案") ||
			!strings.Contains(body, `id="honour-screen"`) {
			t.Errorf("signed-in board: %.3000s", body)
		}
		if body := lb.get("/honours?screen=1"); strings.Contains(body, `id="nav"`) || !strings.Contains(body, "公开的乡镇季比拼") {
			t.Errorf("screen board shows the navigation")
		}
		// The API: no token needed, only the public scheme.
		status, body := f.api("", "GET", "/api/v1/honours", "")
		if status != 200 || !strings.Contains(body, `"scheme_name":"公开的乡镇季比拼"`) || strings.Contains(body, "内部测评方案") || !strings.Contains(body, `"streak":2`) ||
			!strings.Contains(body, `"total":1`) || !strings.Contains(body, `"latest":"2024-Q2"`) {
			t.Errorf("public API: %d %s", status, body)
		}
		// Disabling the public scheme takes it off the board.
		pub.Disabled = true
		pub.Version = 1
		if err := f.db.UpdateScheme(office, pub); err != nil {
			t.Fatal(err)
		}
		if body := anon.get("/honours"); strings.Contains(body, "公开的乡镇季比拼") || !strings.Contains(schemeUnesc(body), "暂无公开的考核方案") {
			t.Errorf("disabled scheme on the board")
		}
	})
}

// TestSchemeResultExport: the result as .xlsx opens with excelize and has one row per
// participant with the points, the totals and the ranks.
func TestSchemeResultExport(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		x := schemeSetup(t, f)
		s := mkScheme(t, f, x, "乡镇季比拼", true)
		if _, err := f.db.LockCut(warnCtx(f, "office"), s.ID, "2024-Q2"); err != nil {
			t.Fatal(err)
		}
		la := f.login("liaisonA")
		res := la.do("GET", "/schemes/"+itoa(s.ID)+"/periods/2024-Q2/export.xlsx", "", nil)
		defer res.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(res.Body)
		if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheetml") ||
			!strings.Contains(res.Header.Get("Content-Disposition"), "scheme-"+itoa(s.ID)+"-2024-Q2.xlsx") {
			t.Fatalf("export: %d %s %s", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"))
		}
		xf, err := excelize.OpenReader(&b)
		if err != nil {
			t.Fatal(err)
		}
		defer xf.Close()
		rows, err := xf.GetRows(xf.GetSheetName(0))
		if err != nil || len(rows) != 6 {
			t.Fatalf("rows %q %v", rows, err)
		}
		if !strings.Contains(rows[0][0], "乡镇季比拼 2024年第2季度 考核结果") || !strings.Contains(rows[1][0], "数据截面已锁定（office，2024-07-05 10:00）") {
			t.Errorf("title rows %q", rows[:2])
		}
		want := [][]string{
			{"乡镇街道", "1", "樟潭街道", "60.00", "20.00", "0.00", "80.00"},
			{"乡镇街道", "2", "廿里镇", "57.00", "16.00", "0.00", "73.00"},
			{"部门", "1", "区发改局", "60.00", "12.00", "0.00", "72.00"},
		}
		for i, w := range want {
			got := rows[3+i]
			if len(got) < 7 || strings.Join(got[:7], "|") != strings.Join(w, "|") {
				t.Errorf("row %d: %q, want %q", i+4, got, w)
			}
		}
		if v, _ := xf.GetCellValue(xf.GetSheetName(0), "G4", excelize.Options{RawCellValue: true}); v != "80" {
			t.Errorf("G4 raw %q: the total is not a number", v)
		}
		if rows[3][8] != "★ 夺旗" || len(rows[4]) > 8 && rows[4][8] != "" {
			t.Errorf("flags: %q %q", rows[3], rows[4])
		}
		// Anonymous: to the login page.
		if res, _ := f.anon().getRes("/schemes/" + itoa(s.ID) + "/periods/2024-Q2/export.xlsx"); res.StatusCode != http.StatusSeeOther {
			t.Errorf("anonymous export: %d", res.StatusCode)
		}
	})
}

// TestSchemeRankingSVG: the chart (chart.RankBars) draws one bar per unit in the order of
// the scores, labelled with rank and points, the flag holders highlighted and named in the
// legend, scaled to the scheme's total (a negative total runs left of zero), with every text
// escaped.
func TestSchemeRankingSVG(t *testing.T) {
	items := []chart.RankItem{{Label: "樟潭街道", Value: 8000, Highlight: true, Rank: 1}, {Label: "<b>廿里镇</b>", Value: 4000, Rank: 2},
		{Label: "扣分太多的单位", Value: -500, Rank: 3}}
	svg := string(schemeRankingSVG("rk", "乡镇<排名>", "分", "流动红旗", items, 10000))
	if strings.Contains(svg, "<b>") || strings.Contains(svg, "<排名>") || !strings.Contains(svg, "乡镇&lt;排名&gt;") {
		t.Errorf("unescaped text: %s", svg)
	}
	root := schemeSVGTree(t, svg)
	if got := root.all("title"); len(got) == 0 || got[0].text != "乡镇<排名>" {
		t.Errorf("accessible name %+v", got)
	}
	// Order, labels, values and the highlighted flag holder.
	rows := root.all("g", "rank-bar")
	if len(rows) != 3 || len(root.all("rect", "bar")) != 3 {
		t.Fatalf("%d rows, %d bars: %s", len(rows), len(root.all("rect", "bar")), svg)
	}
	for i, want := range []struct {
		label, value, tip string
		flag              bool
	}{{"1. 樟潭街道", "80", "1. 樟潭街道 · 80 分", true}, {"2. <b>廿里镇</b>", "40", "2. <b>廿里镇</b> · 40 分", false},
		{"3. 扣分太多的单位", "-5", "3. 扣分太多的单位 · -5 分", false}} {
		r := rows[i]
		if got := r.all("text")[0].text; got != want.label {
			t.Errorf("row %d label %q, want %q", i, got, want.label)
		}
		if got := r.all("rect", "bar")[0].all("title")[0].text; got != want.tip {
			t.Errorf("row %d tooltip %q, want %q", i, got, want.tip)
		}
		if flag := r.attrs["class"] == "rank-bar highlight"; flag != want.flag {
			t.Errorf("row %d highlighted %v", i, flag)
		}
		if got := root.all("text", "value")[i].text; got != want.value {
			t.Errorf("row %d value %q, want %q", i, got, want.value)
		}
	}
	if !slices.ContainsFunc(root.all("text"), func(n *svgNode) bool { return n.text == "流动红旗" }) {
		t.Errorf("no legend for the flag")
	}
	// Geometry: the axis's ticks give x per point; the scale ends at the scheme's 100 points,
	// bars start at zero and are as long as their totals.
	ticks := root.all("g", "axis axis-value")[0]
	lines, labels := ticks.all("line"), ticks.all("text")
	first, last := labels[0].text, labels[len(labels)-1].text
	if last != "100" {
		t.Errorf("scale ends at %q, not the scheme's total", last)
	}
	lo, err1 := ding.ParsePoints(first)
	hi, err2 := ding.ParsePoints(last)
	if err1 != nil || err2 != nil {
		t.Fatalf("tick labels %q %q", first, last)
	}
	x0, x1 := lines[0].num(t, "x1"), lines[len(lines)-1].num(t, "x1")
	xAt := func(v int64) float64 { return x0 + (x1-x0)*float64(v-lo)/float64(hi-lo) }
	zero := xAt(0)
	for i, it := range items {
		bar := rows[i].all("rect", "bar")[0]
		x, w := bar.num(t, "x"), bar.num(t, "width")
		left, right := min(zero, xAt(it.Value)), max(zero, xAt(it.Value))
		if math.Abs(x-left) > 0.11 || math.Abs(x+w-right) > 0.11 {
			t.Errorf("bar %d (%d) from %.1f to %.1f, want %.1f to %.1f", i, it.Value, x, x+w, left, right)
		}
	}
	if w0, w1 := rows[0].all("rect", "bar")[0].num(t, "width"), rows[1].all("rect", "bar")[0].num(t, "width"); math.Abs(w0-2*w1) > 0.2 {
		t.Errorf("80 points drawn %.1f wide, 40 points %.1f", w0, w1)
	}
	// Bonuses past the total stretch the scale; no flag holder, no flag in the legend.
	svg = string(schemeRankingSVG("rk", "x", "分", "流动红旗", []chart.RankItem{{Label: "a", Value: 10500, Rank: 1}}, 10000))
	if strings.Contains(svg, "流动红旗") {
		t.Errorf("the flag in the legend with no holder: %s", svg)
	}
	if ls := schemeSVGTree(t, svg).all("g", "axis axis-value")[0].all("text"); ls[len(ls)-1].text == "100" {
		t.Errorf("105 points on a scale ending at 100")
	}
	if schemeRankingSVG("rk", "x", "分", "流动红旗", nil, 10000) != "" {
		t.Errorf("an empty group draws a chart")
	}
}

// svgNode is an element of a parsed SVG, for tests.
type svgNode struct {
	name  string
	attrs map[string]string
	text  string // character data directly inside
	kids  []*svgNode
}

// schemeSVGTree parses an SVG, failing the test when it is not well-formed.
func schemeSVGTree(t *testing.T, svg string) *svgNode {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	root := &svgNode{}
	stack := []*svgNode{root}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, svg)
		}
		top := stack[len(stack)-1]
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &svgNode{name: tok.Name.Local, attrs: map[string]string{}}
			for _, a := range tok.Attr {
				n.attrs[a.Name.Local] = a.Value
			}
			top.kids = append(top.kids, n)
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			top.text += string(tok)
		}
	}
	return root
}

// all returns the elements named name under n, in document order, whose class starts with
// the given prefix (if any).
func (n *svgNode) all(name string, class ...string) []*svgNode {
	var out []*svgNode
	var walk func(*svgNode)
	walk = func(e *svgNode) {
		for _, k := range e.kids {
			if k.name == name && (len(class) == 0 || strings.HasPrefix(k.attrs["class"], class[0])) {
				out = append(out, k)
			}
			walk(k)
		}
	}
	walk(n)
	return out
}

func (n *svgNode) num(t *testing.T, attr string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(n.attrs[attr], 64)
	if err != nil {
		t.Fatalf("<%s %s=%q>: %v", n.name, attr, n.attrs[attr], err)
	}
	return f
}

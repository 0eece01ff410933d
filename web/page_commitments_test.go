package web

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"ding"
	"ding/store"
)

// The commitment tests start on 2024-06-20 (warnNow) with itemSetup's signed town A
// project; the clauses fall due on 2024-06-30 and the clock then moves to 2024-07-05.

// commitAfterDue is the day the tests look again: five days after the clauses fell due.
var commitAfterDue = time.Date(2024, 7, 5, 2, 0, 0, 0, time.UTC)

// commitsOf reads a project's clauses as the office, by due date.
func commitsOf(t *testing.T, f *fixture, projectID int64) []*ding.Commitment {
	t.Helper()
	cs, _, err := f.db.FindCommitments(warnCtx(f, "office"), store.CommitmentFilter{ProjectID: projectID})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// commitByClause finds a clause by its text.
func commitByClause(t *testing.T, cs []*ding.Commitment, clause string) *ding.Commitment {
	t.Helper()
	for _, c := range cs {
		if c.Clause == clause {
			return c
		}
	}
	t.Fatalf("no clause %q among %d", clause, len(cs))
	return nil
}

// commitPastDue moves the clock past the due date and runs the nightly pass.
func commitPastDue(t *testing.T, f *fixture) {
	t.Helper()
	f.db.Now = func() time.Time { return commitAfterDue }
	if _, err := f.db.RecomputeWarnings(warnCtx(f, "office"), ding.Date{}); err != nil {
		t.Fatal(err)
	}
}

// commitCurrentWarnings is the "current warnings" panel of a project's warnings page.
func commitCurrentWarnings(t *testing.T, c *client, projectID int64) string {
	t.Helper()
	body := html.UnescapeString(c.get("/projects/" + itoa(projectID) + "/warnings"))
	i, j := strings.Index(body, `id="warn-current"`), strings.Index(body, `id="warn-history"`)
	if i < 0 || j < i {
		t.Fatalf("warnings page: %.2000s", body)
	}
	return body[i:j]
}

const (
	clauseCapital = "6月底前到资 5000 万元"
	clauseLand    = "6月底前交付净地 120 亩"
	clauseStart   = "签约后半年内开工"
)

// TestCommitmentPageFlow: the office records clauses through the project's page (with the
// refusals), town A records and confirms its own, the capital clause breaks when due and
// warns, the office waives it.
func TestCommitmentPageFlow(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		p := itemSetup(t, f)
		path := "/projects/" + itoa(p.ID) + "/commitments"
		oc := f.login("office")
		if body := oc.get("/projects/" + itoa(p.ID)); !strings.Contains(body, `href="`+path+`" id="project-commitments-link">对赌条款</a>`) {
			t.Errorf("the project page does not link its clauses")
		}
		res, body := oc.getRes(path)
		if res.StatusCode != 200 {
			t.Fatalf("page: %d %.300s", res.StatusCode, body)
		}
		for _, want := range []string{`id="commit-add-form"`, "暂无对赌条款", `<option value="` + itoa(f.units["townA"].ID) + `" selected>`,
			`<option value="investor" selected>投资方</option>`, `<optgroup label="政府方条款">`, "判断日期：2024-06-20", `id="nav-commitments"`} {
			if !strings.Contains(body, want) {
				t.Errorf("empty page lacks %q", want)
			}
		}
		audits := f.auditCount()
		// A capital clause without an amount: said in Chinese next to the field, input kept.
		form := url.Values{"side": {"investor"}, "kind": {"capital"}, "clause": {clauseCapital}, "amount": {""}, "due": {"2024-06-30"},
			"penalty": {"按未到位部分的 1% 支付违约金"}, "unit_id": {itoa(f.units["townA"].ID)}}
		res, body = oc.submit(path, form)
		body = html.UnescapeString(body)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="commit-amount-error">到资、税收、产值条款须填写金额（万元）</span>`) ||
			!strings.Contains(body, ">"+clauseCapital+"</textarea>") || !strings.Contains(body, `value="2024-06-30"`) ||
			!strings.Contains(body, `<option value="capital" selected>`) {
			t.Fatalf("capital without amount: %d %.3000s", res.StatusCode, body)
		}
		// A government capital clause is refused.
		gov := url.Values{"side": {"government"}, "kind": {"capital"}, "clause": {"政府到资"}, "amount": {"100"}, "due": {"2024-06-30"}}
		res, body = oc.submit(path, gov)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(body), `id="commit-kind-error">条款类型与所属方不符`) {
			t.Fatalf("government capital: %d %.3000s", res.StatusCode, body)
		}
		// A date that is no date, an amount that is no number.
		bad := url.Values{"side": {"investor"}, "kind": {"start"}, "clause": {clauseStart}, "due": {"2024-13-01"}}
		if res, body = oc.submit(path, bad); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="commit-due-error">`) {
			t.Fatalf("bad date: %d %.3000s", res.StatusCode, body)
		}
		bad = url.Values{"side": {"investor"}, "kind": {"tax"}, "clause": {"税收"}, "amount": {"一百"}, "due": {"2024-06-30"}}
		if res, body = oc.submit(path, bad); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="commit-amount-error">`) {
			t.Fatalf("bad amount: %d %.3000s", res.StatusCode, body)
		}
		if n := len(commitsOf(t, f, p.ID)); n != 0 || f.auditCount() != audits {
			t.Fatalf("refused forms wrote %d clauses", n)
		}
		// The office records the capital clause (5,000 万元) and the government's land clause.
		form.Set("amount", "5,000")
		res, _ = oc.submit(path, form)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != path+"?flash=commitui_added" {
			t.Fatalf("add capital: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		land := url.Values{"side": {"government"}, "kind": {"land"}, "clause": {clauseLand}, "due": {"2024-06-30"},
			"penalty": {"顺延企业开工和投产期限"}, "unit_id": {itoa(f.units["townA"].ID)}}
		if res, _ = oc.submit(path, land); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("add land: %d", res.StatusCode)
		}
		cs := commitsOf(t, f, p.ID)
		capital := commitByClause(t, cs, clauseCapital)
		if capital.Amount != 50_000_000 || capital.UnitID != f.units["townA"].ID || capital.Status != ding.CommitPending ||
			capital.Penalty != "按未到位部分的 1% 支付违约金" || capital.Due.String() != "2024-06-30" {
			t.Fatalf("capital clause: %+v", capital)
		}
		// Town A's liaison leads the project: it may record clauses too.
		la := f.login("liaisonA")
		start := url.Values{"side": {"investor"}, "kind": {"start"}, "clause": {clauseStart}, "due": {"2024-07-10"}}
		if res, body = la.submit(path, start); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("liaison A adds: %d %.2000s", res.StatusCode, body)
		}
		// The list shows them, by due date, with the amount in 万元.
		body = html.UnescapeString(oc.get(path + "?flash=commitui_added"))
		for _, want := range []string{"对赌条款已登记", clauseCapital, clauseLand, clauseStart, `<td class="num">5,000</td>`, "2024-06-30", "按未到位部分的 1% 支付违约金",
			"樟潭街道", "未到期", "10 天后到期", "到资", "交地", "政府方", "投资方", `id="commit-waive-` + itoa(capital.ID) + `"`} {
			if !strings.Contains(body, want) {
				t.Errorf("list lacks %q", want)
			}
		}
		if strings.Index(body, clauseCapital) > strings.Index(body, clauseStart) {
			t.Errorf("not by due date")
		}
		// ding checks capital itself: no confirmation form for it; the land clause has one,
		// kept only before it is due.
		if strings.Contains(body, `id="commit-confirm-`+itoa(capital.ID)+`"`) {
			t.Errorf("a checked clause is offered for confirmation")
		}
		landC := commitByClause(t, cs, clauseLand)
		if !strings.Contains(body, `id="commit-confirm-`+itoa(landC.ID)+`"`) {
			t.Errorf("the land clause has no confirmation form")
		}
		// Town B does not see the project; the viewer sees but cannot add.
		lb := f.login("liaisonB")
		if res, _ := lb.getRes(path); res.StatusCode != http.StatusNotFound {
			t.Errorf("town B reads: %d", res.StatusCode)
		}
		if res, _ := lb.submit(path, start); res.StatusCode != http.StatusNotFound {
			t.Errorf("town B adds: %d", res.StatusCode)
		}
		if res, _ := lb.submit("/commitments/"+itoa(landC.ID)+"/confirm", url.Values{"kept": {"1"}, "note": {"x"}, "version": {"1"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("town B confirms: %d", res.StatusCode)
		}
		vc, lc := f.login("viewer"), f.login("leader")
		body = vc.get(path)
		if !strings.Contains(body, clauseCapital) || strings.Contains(body, `id="commit-add-form"`) || strings.Contains(body, `id="commit-confirm-`) {
			t.Errorf("viewer's page: %.2000s", body)
		}
		audits = f.auditCount()
		if res, _ := vc.submit(path, start); res.StatusCode != http.StatusForbidden {
			t.Errorf("viewer adds: %d", res.StatusCode)
		}
		if res, _ := lc.submit("/commitments/"+itoa(landC.ID)+"/confirm", url.Values{"kept": {"1"}, "note": {"已交地"}, "version": {"1"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("leader confirms: %d", res.StatusCode)
		}
		if res, _ := la.submit("/commitments/"+itoa(capital.ID)+"/waive", url.Values{"reason": {"x"}, "version": {"1"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("liaison waives: %d", res.StatusCode)
		}
		if n := len(commitsOf(t, f, p.ID)); n != 3 || f.auditCount() != audits {
			t.Fatalf("refused writes changed something: %d clauses", n)
		}
		// Before the due date the land clause cannot be broken.
		res, body = la.submit("/commitments/"+itoa(landC.ID)+"/confirm", url.Values{"kept": {"0"}, "note": {"未交地"}, "version": {"1"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="commit-kept-error">条款尚未到期，不能确认为未履约`) ||
			!strings.Contains(body, ">未交地</textarea>") {
			t.Fatalf("broken before due: %d %.3000s", res.StatusCode, body)
		}
		if res, body = la.submit("/commitments/"+itoa(landC.ID)+"/confirm", url.Values{"note": {"x"}, "version": {"1"}}); res.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, `id="commit-kept-error">请选择已履约或未履约`) {
			t.Fatalf("no outcome: %d %.3000s", res.StatusCode, body)
		}

		// July 5th: the capital clause is broken (red, and a warning); the land clause awaits.
		commitPastDue(t, f)
		oc, la = f.login("office"), f.login("liaisonA") // the sessions of June have expired
		body = html.UnescapeString(oc.get(path))
		capital = commitByClause(t, commitsOf(t, f, p.ID), clauseCapital)
		if capital.Status != ding.CommitBroken {
			t.Fatalf("capital after due: %+v", capital)
		}
		for _, want := range []string{`<tr class="esc-row-late" id="commit-` + itoa(capital.ID) + `">`,
			`<span class="tag esc-late" id="commit-status-` + itoa(capital.ID) + `">未履约</span>`,
			`<span class="esc-late-text">截至 2024-07-05 累计完成投资 0 万元，约定 5,000 万元</span>`,
			`<span class="tag xs-requested" id="commit-status-` + itoa(landC.ID) + `">待确认</span>`, "请责任单位确认", "已过期 5 天",
			"判断日期：2024-07-05"} {
			if !strings.Contains(body, want) {
				t.Errorf("after due lacks %q", want)
			}
		}
		if cur := commitCurrentWarnings(t, oc, p.ID); !strings.Contains(cur, "<td>事项逾期<br>") ||
			!strings.Contains(cur, `<td class="wreason">“`+clauseCapital+`”应于 2024-06-30 前办结，已逾期 5 天</td>`) || !strings.Contains(cur, "c-yellow") {
			t.Errorf("current warnings: %s", cur)
		}
		// Town A confirms the land clause with a note.
		landC = commitByClause(t, commitsOf(t, f, p.ID), clauseLand)
		res, _ = la.submit("/commitments/"+itoa(landC.ID)+"/confirm", url.Values{"kept": {"1"}, "note": {"6月28日已交付净地"}, "version": {itoa(int64(landC.Version))}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != path+"?flash=commitui_confirmed" {
			t.Fatalf("confirm: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		landC = commitByClause(t, commitsOf(t, f, p.ID), clauseLand)
		if landC.Status != ding.CommitKept || landC.Note != "6月28日已交付净地" || landC.DecidedBy != "liaisona" || landC.CheckedOn.String() != "2024-07-05" {
			t.Fatalf("confirmed: %+v", landC)
		}
		if body := la.get(path); !strings.Contains(body, "6月28日已交付净地") || !strings.Contains(body, "liaisona · 2024-07-05") {
			t.Errorf("the confirmation is not shown")
		}
		// The office waives the broken clause: a stale form and a missing reason first.
		ver := itoa(int64(capital.Version))
		res, body = oc.submit("/commitments/"+itoa(capital.ID)+"/waive", url.Values{"reason": {"延期"}, "version": {itoa(int64(capital.Version - 1))}})
		if res.StatusCode != http.StatusConflict || !strings.Contains(body, `id="commit-error">该条款已被他人更新，请刷新后重试，您的填写未保存`) {
			t.Fatalf("stale waiver: %d %.3000s", res.StatusCode, body)
		}
		res, body = oc.submit("/commitments/"+itoa(capital.ID)+"/waive", url.Values{"reason": {" "}, "version": {ver}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="commit-reason-error">豁免须说明理由`) {
			t.Fatalf("waiver without reason: %d %.3000s", res.StatusCode, body)
		}
		res, _ = oc.submit("/commitments/"+itoa(capital.ID)+"/waive", url.Values{"reason": {"受市场影响，经区政府同意延期至年底"}, "version": {ver}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != path+"?flash=commitui_waived" {
			t.Fatalf("waive: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		capital = commitByClause(t, commitsOf(t, f, p.ID), clauseCapital)
		if capital.Status != ding.CommitWaived || capital.Note != "受市场影响，经区政府同意延期至年底" || capital.DecidedBy != "office" {
			t.Fatalf("waived: %+v", capital)
		}
		body = html.UnescapeString(oc.get(path))
		if !strings.Contains(body, `<span class="tag wexempt" id="commit-status-`+itoa(capital.ID)+`">已豁免</span>`) || strings.Contains(body, "esc-row-late") {
			t.Errorf("waived clause shown wrong")
		}
		if cur := commitCurrentWarnings(t, oc, p.ID); strings.Contains(cur, clauseCapital) || !strings.Contains(cur, "该项目当前没有预警") {
			t.Errorf("the waived clause still warns: %s", cur)
		}
		// A decided clause can be confirmed no more (409, the page again with the message).
		res, body = la.submit("/commitments/"+itoa(landC.ID)+"/confirm", url.Values{"kept": {"1"}, "note": {"again"}, "version": {itoa(int64(landC.Version))}})
		if res.StatusCode != http.StatusConflict || !strings.Contains(body, "该条款已有结论") {
			t.Errorf("confirm twice: %d", res.StatusCode)
		}
		// English.
		oc.get("/lang?to=en&next=/")
		if body := oc.get(path); !strings.Contains(body, "Capital in place") || !strings.Contains(body, "Waived") || !strings.Contains(body, "Record a clause") {
			t.Errorf("English page: %.2000s", body)
		}
	})
}

// TestCommitmentPageUnsigned: a lead has no agreement: no form, the reason said.
func TestCommitmentPageUnsigned(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		f.db.Now = func() time.Time { return warnNow }
		p := &ding.Project{Code: "2301-330803-04-01-000009", Name: "谋划项目", UnitID: f.units["townA"].ID, Investor: "private", Industry: "C",
			TotalInvestment: ding.Yi, Stage: ding.StagePlanning, StageOn: ding.Date{Year: 2024, Month: 3, Day: 1}}
		if err := f.db.CreateProject(warnCtx(f, "office"), p); err != nil {
			t.Fatal(err)
		}
		oc := f.login("office")
		path := "/projects/" + itoa(p.ID) + "/commitments"
		body := oc.get(path)
		if strings.Contains(body, `id="commit-add-form"`) || !strings.Contains(body, "项目尚未签约，签约后才能登记对赌条款") {
			t.Errorf("unsigned page: %.2000s", body)
		}
		res, body := oc.submit(path, url.Values{"side": {"investor"}, "kind": {"start"}, "clause": {"x"}, "due": {"2024-06-30"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="commit-error">项目尚未签约，不能登记对赌条款`) {
			t.Errorf("unsigned add: %d %.2000s", res.StatusCode, body)
		}
	})
}

// commitListSetup records, through the store, the clauses of town A's project (capital and
// land due 06-30, start due 07-10) and of a town B project (a policy clause due 06-25).
func commitListSetup(t *testing.T, f *fixture) (a, b *ding.Project) {
	t.Helper()
	a = itemSetup(t, f)
	office := warnCtx(f, "office")
	b = &ding.Project{Code: "2301-330803-04-01-000002", Name: "新材料产业园项目", UnitID: f.units["townB"].ID, LocationID: f.units["townB"].ID,
		Investor: "private", Industry: "C", TotalInvestment: 5 * ding.Yi, Stage: ding.StageSigned,
		SignedOn: ding.Date{Year: 2024, Month: 2, Day: 1}, StageOn: ding.Date{Year: 2024, Month: 2, Day: 1}}
	if err := f.db.CreateProject(office, b); err != nil {
		t.Fatal(err)
	}
	due := func(m, d int) ding.Date { return ding.Date{Year: 2024, Month: time.Month(m), Day: d} }
	for _, c := range []*ding.Commitment{
		{ProjectID: a.ID, Side: ding.SideInvestor, Kind: ding.CommitStart, Clause: clauseStart, Due: due(7, 10)},
		{ProjectID: a.ID, Side: ding.SideInvestor, Kind: ding.CommitCapital, Amount: 50_000_000, Clause: clauseCapital, Due: due(6, 30),
			Penalty: "=HYPERLINK(\"x\")"},
		{ProjectID: a.ID, Side: ding.SideGovernment, Kind: ding.CommitLand, Clause: clauseLand, Due: due(6, 30)},
		{ProjectID: b.ID, Side: ding.SideGovernment, Kind: ding.CommitPolicy, Clause: "兑现设备补助 300 万元", Due: due(6, 25)},
	} {
		if err := f.db.CreateCommitment(office, c); err != nil {
			t.Fatal(err)
		}
	}
	return a, b
}

// TestCommitmentList: every clause in scope by due date, with counts, filters, paging and
// the Excel export of the filtered list.
func TestCommitmentList(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		a, b := commitListSetup(t, f)
		commitPastDue(t, f)
		oc := f.login("office")
		res, body := oc.getRes("/commitments")
		body = html.UnescapeString(body)
		if res.StatusCode != 200 {
			t.Fatalf("list: %d %.300s", res.StatusCode, body)
		}
		for _, want := range []string{"共 4 条", a.Name, b.Name, clauseCapital, "兑现设备补助 300 万元", `<td class="num">5,000</td>`, `href="/projects/` + itoa(b.ID) + `/commitments"`,
			`id="commit-card-broken"`, `class="card item-card alert"`, "判断日期：2024-07-05", `class="active" id="nav-commitments"`} {
			if !strings.Contains(body, want) {
				t.Errorf("list lacks %q", want)
			}
		}
		// By due date: the policy clause (06-25) first, the start clause (07-10) last.
		if i, j, k := strings.Index(body, "兑现设备补助"), strings.Index(body, clauseCapital), strings.Index(body, clauseStart); !(i < j && j < k) {
			t.Errorf("order: %d %d %d", i, j, k)
		}
		// The cards count by status: capital broken, land and policy awaiting, start not yet due.
		card := body[strings.Index(body, `id="commit-card-broken"`):]
		if card = card[:strings.Index(card, "</a>")]; !strings.Contains(card, `<div class="card-num">1</div>`) {
			t.Errorf("broken card: %s", card)
		}
		for q, want := range map[string]int{
			"status=broken": 1, "status=awaiting": 2, "status=pending": 1, "status=kept": 0, "side=government": 2, "side=investor": 2,
			"unit=" + itoa(f.units["townB"].ID): 1, "unit=" + itoa(f.units["townA"].ID): 3, "status=nonsense": 4, "side=government&status=awaiting": 2,
			"project=" + itoa(b.ID): 1,
		} {
			res, body := oc.getRes("/commitments?" + q)
			if res.StatusCode != 200 || !strings.Contains(body, "共 "+itoa(int64(want))+" 条") {
				t.Errorf("%s: %d, want %d", q, res.StatusCode, want)
			}
		}
		if body := oc.get("/commitments?status=broken"); !strings.Contains(body, `<option value="broken" selected>`) ||
			!strings.Contains(body, `href="/commitments/export.xlsx?status=broken"`) || strings.Contains(body, "兑现设备补助") {
			t.Errorf("filtered list: %.3000s", body)
		}
		// Page 2 of four clauses is empty but keeps the count.
		if body := oc.get("/commitments?page=2"); !strings.Contains(body, "共 4 条") || strings.Contains(body, clauseCapital) {
			t.Errorf("page 2 shows the first page")
		}
		// Scopes: town B sees its own clause only.
		if body := f.login("liaisonB").get("/commitments"); !strings.Contains(body, "共 1 条") || strings.Contains(body, clauseCapital) {
			t.Errorf("liaison B's list")
		}
		// The export: the filtered list, every row, amounts in 万元.
		res, body = oc.getRes("/commitments/export.xlsx?unit=" + itoa(f.units["townA"].ID))
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ||
			!strings.Contains(res.Header.Get("Content-Disposition"), "commitments-2024-07-05.xlsx") {
			t.Fatalf("export: %d %s", res.StatusCode, res.Header.Get("Content-Disposition"))
		}
		rows := xlsxRows(t, []byte(body))
		if len(rows) != 6 || rows[0][0] != "衢江区对赌条款履约情况" || rows[2][1] != "项目" || rows[2][5] != "金额（万元）" || rows[2][9] != "状态" {
			t.Fatalf("export rows: %q", rows)
		}
		r := rows[3]
		if r[0] != "1" || r[1] != a.Name || r[2] != "投资方" || r[3] != "到资" || r[4] != clauseCapital || r[5] != "5,000.00" || r[6] != "2024-06-30" ||
			r[7] != `'=HYPERLINK("x")` || r[8] != "樟潭街道" || r[9] != "未履约" || r[10] != "2024-07-05" || !strings.Contains(r[11], "约定 5,000 万元") {
			t.Fatalf("export row: %q", r)
		}
		if rows[4][4] != clauseLand || rows[4][9] != "待确认" || rows[5][4] != clauseStart {
			t.Fatalf("export rows: %q", rows[4:])
		}
		res, body = f.login("liaisonB").getRes("/commitments/export.xlsx")
		if rows := xlsxRows(t, []byte(body)); res.StatusCode != 200 || len(rows) != 4 || rows[3][4] != "兑现设备补助 300 万元" || rows[3][3] != "政策兑现" {
			t.Fatalf("town B's export: %q", rows)
		}
		// The anonymous are sent to log in.
		if res, _ := f.anon().getRes("/commitments"); res.StatusCode != http.StatusSeeOther {
			t.Errorf("anonymous: %d", res.StatusCode)
		}
	})
}

package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"ding"
	"ding/store"
)

// escLetterNumber is the number of the 提醒函 the ladder gives the yellow project.
const escLetterNumber = "衢江重大办提醒〔2024〕1号"

// escFixture is the situation of the escalation tests: the yellow project of warnYellow
// with the default ladder plus a bulletin listing at yellow, so that reaching yellow on
// 2024-06-20 takes two reminders (blue and yellow), a 提醒函 due 2024-06-27 and a listing
// in June's bulletin; and an interview the office issues by hand, due 2024-06-30.
type escFixture struct {
	p         *ding.Project
	letter    *ding.Escalation
	interview *ding.Escalation
	bulletin  *ding.Escalation
}

func escSetup(t *testing.T, f *fixture) *escFixture {
	t.Helper()
	office := warnCtx(f, "office")
	l := append(ding.Ladder{}, ding.DefaultLadder...)
	l = append(l, ding.LadderStep{Colour: "yellow", Periods: 1, Action: ding.ActionBulletin})
	if err := f.db.SetLadder(office, l); err != nil {
		t.Fatal(err)
	}
	x := &escFixture{p: warnYellow(t, f)}
	es, n, err := f.db.FindEscalations(office, store.EscalationFilter{ProjectID: x.p.ID})
	// One reminder (at yellow: the project jumped past blue), the 提醒函 and the bulletin.
	if err != nil || n != 3 {
		t.Fatalf("the ladder took %d steps (%v), want 3", n, err)
	}
	for _, e := range es {
		switch e.Action {
		case ding.ActionLetterRemind:
			x.letter = e
		case ding.ActionBulletin:
			x.bulletin = e
		}
	}
	if x.letter == nil || x.letter.Number != escLetterNumber || x.letter.DueOn.String() != "2024-06-27" || x.bulletin == nil {
		t.Fatalf("steps taken: %+v", es)
	}
	if x.interview, err = f.db.IssueEscalation(office, x.p.ID, ding.ActionInterview, 10, "区领导要求约谈"); err != nil {
		t.Fatal(err)
	}
	return x
}

// escStatus reads an item's status and version as the office.
func escStatus(t *testing.T, f *fixture, id int64) *ding.Escalation {
	t.Helper()
	e, err := f.db.FindEscalation(warnCtx(f, "office"), id)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestEscPageList(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		x := escSetup(t, f)
		c := f.login("office")
		res, body := c.getRes("/escalations")
		if res.StatusCode != 200 {
			t.Fatalf("list: %d %.300s", res.StatusCode, body)
		}
		for _, want := range []string{escLetterNumber, "提醒函", "约谈", "通报", x.p.Name, "樟潭街道", `class="wbadge c-yellow r-2">黄</span>`,
			"2024-06-27", "2024-06-30", "共 4 项", `href="/projects/` + itoa(x.p.ID) + `"`, `href="/escalations/` + itoa(x.letter.ID) + `"`,
			"督办判断日期：2024-06-20", `id="esc-card-letter_remind"`, "escalations.css", `id="nav-escalations"`} {
			if !strings.Contains(body, want) {
				t.Errorf("list lacks %q", want)
			}
		}
		// The 提醒函 card: one open, none overdue, one this month.
		card := body[strings.Index(body, `id="esc-card-letter_remind"`):]
		card = card[:strings.Index(card, `id="esc-card-letter_assign"`)]
		if !strings.Contains(card, `status=open">1</a>`) || !strings.Contains(card, "逾期 0") || !strings.Contains(card, "本月 1") {
			t.Errorf("letter card: %s", card)
		}
		for q, want := range map[string]int{
			"action=letters": 1, "action=interview": 1, "action=bulletin": 1, "action=remind": 1, "status=done": 2, "status=open": 2,
			"overdue=1": 0, "colour=red": 0, "colour=yellow": 4, "unit=" + itoa(f.units["townB"].ID): 0, "unit=" + itoa(f.units["townA"].ID): 4,
			"period=2024-05": 0, "period=2024-06": 4, "q=" + url.QueryEscape("提醒〔2024〕1"): 1, "q=" + url.QueryEscape("特种纸"): 4,
			"q=nothing": 0, "action=nonsense": 4, "sort=due_on&desc=1": 4, "sort=number": 4,
		} {
			res, body := c.getRes("/escalations?" + q)
			if res.StatusCode != 200 || !strings.Contains(body, "共 "+itoa(int64(want))+" 项") {
				t.Errorf("%s: %d, want %d items", q, res.StatusCode, want)
			}
		}
		// Filtered to letters, the row is the letter.
		body = c.get("/escalations?action=letters")
		if !strings.Contains(body, escLetterNumber) || strings.Contains(body, `href="/escalations/`+itoa(x.interview.ID)+`"`) {
			t.Errorf("letters filter shows the wrong rows")
		}
		// Sorted by due date, the column says so.
		if body := c.get("/escalations?sort=due_on"); !strings.Contains(body, `data-sort="due_on">办理期限 <span class="arrow">▲</span>`) {
			t.Errorf("sorted header missing")
		}
		// Paging keeps the filters.
		if body := c.get("/escalations?page=2&action=letters"); !strings.Contains(body, "共 1 项") || strings.Contains(body, escLetterNumber) {
			t.Errorf("page 2 shows the first page's row")
		}
		// Scope: town B sees nothing, town A sees its project's items.
		if body := f.login("liaisonB").get("/escalations"); !strings.Contains(body, "共 0 项") || strings.Contains(body, x.p.Name) {
			t.Errorf("liaison B sees town A's items")
		}
		if body := f.login("liaisonA").get("/escalations"); !strings.Contains(body, "共 4 项") {
			t.Errorf("liaison A does not see its items")
		}
		// A week later the letter is overdue.
		f.db.Now = func() time.Time { return warnNow.Add(10 * 24 * time.Hour) }
		c = f.login("office")
		body = c.get("/escalations?overdue=1")
		if !strings.Contains(body, "共 1 项") || !strings.Contains(body, escLetterNumber) || !strings.Contains(body, `class="tag esc-late"`) ||
			!strings.Contains(body, "逾期 3") {
			t.Errorf("overdue filter: %.3000s", body)
		}
		// The anonymous are sent to log in.
		if res, _ := f.anon().getRes("/escalations"); res.StatusCode != http.StatusSeeOther {
			t.Errorf("anonymous: %d", res.StatusCode)
		}
	})
}

// xlsxRows opens a downloaded workbook and returns its first sheet's rows.
func xlsxRows(t *testing.T, b []byte) [][]string {
	t.Helper()
	wb, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a workbook: %v", err)
	}
	defer wb.Close()
	rows, err := wb.GetRows(wb.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestEscPageExportAndBulletin(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		x := escSetup(t, f)
		if _, err := f.db.ReplyLetter(warnCtx(f, "liaisonA"), x.letter.ID, "已制定赶工计划", ding.Date{}, 1); err != nil {
			t.Fatal(err)
		}
		c := f.login("office")
		res, body := c.getRes("/escalations/export.xlsx?action=letters")
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ||
			!strings.Contains(res.Header.Get("Content-Disposition"), "escalations-2024-06-20.xlsx") {
			t.Fatalf("export: %d %s %s", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"))
		}
		rows := xlsxRows(t, []byte(body))
		if len(rows) != 4 || rows[0][0] != "衢江区督办事项清单" || rows[2][1] != "文号" || rows[2][14] != "预警情况" {
			t.Fatalf("export rows: %q", rows)
		}
		r := rows[3]
		if r[0] != "1" || r[1] != escLetterNumber || r[2] != "提醒函" || r[4] != x.p.Name || r[5] != "樟潭街道" || r[6] != "黄" ||
			r[8] != "2024-06-20" || r[9] != "2024-06-27" || r[10] != "已办结" || !strings.Contains(r[14], warnReason) ||
			r[15] != "已制定赶工计划" || r[16] != "2024-06-20" || r[17] != "liaisona" {
			t.Fatalf("export row: %q", r)
		}
		// Unfiltered, every item (not just a page); the interview shows its note.
		rows = xlsxRows(t, []byte(c.get("/escalations/export.xlsx")))
		if len(rows) != 3+4 {
			t.Fatalf("full export has %d rows", len(rows))
		}
		// Town B exports nothing of town A.
		if rows := xlsxRows(t, []byte(f.login("liaisonB").get("/escalations/export.xlsx"))); len(rows) != 3 {
			t.Errorf("liaison B exports %d rows", len(rows))
		}

		// The bulletin listings of June: the project, with its warnings.
		res, body = c.getRes("/bulletin-listings?period=2024-06")
		if res.StatusCode != 200 {
			t.Fatalf("bulletin: %d", res.StatusCode)
		}
		for _, want := range []string{"2024-06 月度通报名单", x.p.Name, warnReason, "共 1 项", `id="esc-tab-bulletin"`, "period=2024-05", "period=2024-07",
			"/escalations/export.xlsx?action=bulletin&amp;period=2024-06&amp;sort=severity"} {
			if !strings.Contains(body, want) {
				t.Errorf("bulletin lacks %q", want)
			}
		}
		if body := c.get("/bulletin-listings?period=2024-05"); !strings.Contains(body, "该月没有列入通报的项目") || strings.Contains(body, warnReason) {
			t.Errorf("May's bulletin is not empty")
		}
		if body := c.get("/bulletin-listings?period=nonsense"); !strings.Contains(body, "2024-06 月度通报名单") {
			t.Errorf("a bad month does not fall back to this month")
		}
		res, body = c.getRes("/escalations/export.xlsx?action=bulletin&period=2024-06&sort=severity")
		rows = xlsxRows(t, []byte(body))
		if res.StatusCode != 200 || len(rows) != 4 || rows[0][0] != "2024-06月度通报名单" || rows[3][2] != "通报" || !strings.Contains(rows[3][14], warnReason) {
			t.Fatalf("bulletin export: %d %q", res.StatusCode, rows)
		}
	})
}

func TestEscPageReply(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		x := escSetup(t, f)
		path := "/escalations/" + itoa(x.letter.ID)
		oc := f.login("office")
		body := oc.get(path)
		for _, want := range []string{escLetterNumber, "提醒函", x.p.Name, warnReason, "樟潭街道", "2024-06-27", "办理中", `id="esc-reply-form"`,
			`id="esc-withdraw-form"`, `href="` + path + `/print"`, `name="version" value="1"`, "黄色及以上预警持续 1 个月"} {
			if !strings.Contains(body, want) {
				t.Errorf("detail lacks %q", want)
			}
		}
		la := f.login("liaisonA")
		body = la.get(path)
		if !strings.Contains(body, `id="esc-reply-form"`) || strings.Contains(body, `id="esc-withdraw-form"`) {
			t.Fatalf("liaison A's forms wrong: %.300s", body)
		}
		// Town B cannot see it, nor answer it; the viewer sees it but cannot answer.
		lb := f.login("liaisonB")
		if res, _ := lb.getRes(path); res.StatusCode != http.StatusNotFound {
			t.Errorf("liaison B reads the letter: %d", res.StatusCode)
		}
		if res, _ := lb.submit(path+"/reply", url.Values{"reply": {"x"}, "version": {"1"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("liaison B replies: %d", res.StatusCode)
		}
		vc := f.login("viewer")
		if body := vc.get(path); strings.Contains(body, `id="esc-reply-form"`) || !strings.Contains(body, escLetterNumber) {
			t.Errorf("viewer page wrong")
		}
		if res, _ := vc.submit(path+"/reply", url.Values{"reply": {"x"}, "version": {"1"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("viewer replies: %d", res.StatusCode)
		}
		if res, _ := la.submit("/escalations/999999/reply", url.Values{"reply": {"x"}, "version": {"1"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("missing item: %d", res.StatusCode)
		}
		audits := f.auditCount()
		// An empty reply: the message next to the field, the date kept, nothing saved.
		res, body := la.submit(path+"/reply", url.Values{"reply": {"   "}, "replied_on": {"2024-06-19"}, "version": {"1"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `<span class="field-error" id="esc-reply-error">请填写回复内容</span>`) ||
			!strings.Contains(body, `name="replied_on" value="2024-06-19"`) {
			t.Fatalf("empty reply: %d %.3000s", res.StatusCode, body)
		}
		// A bad date.
		res, body = la.submit(path+"/reply", url.Values{"reply": {"已整改"}, "replied_on": {"2024-13-01"}, "version": {"1"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="esc-replied-on-error">日期“2024-13-01”无效`) ||
			!strings.Contains(body, ">已整改</textarea>") {
			t.Fatalf("bad date: %d %.3000s", res.StatusCode, body)
		}
		// A date before the letter.
		res, body = la.submit(path+"/reply", url.Values{"reply": {"已整改"}, "replied_on": {"2024-06-01"}, "version": {"1"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "回复日期不能早于发函日期") {
			t.Fatalf("early date: %d", res.StatusCode)
		}
		// A stale version: the conflict said, the text kept.
		res, body = la.submit(path+"/reply", url.Values{"reply": {"已整改"}, "replied_on": {"2024-06-20"}, "version": {"7"}})
		if res.StatusCode != http.StatusConflict || !strings.Contains(body, `id="esc-error">该事项已被他人更新`) || !strings.Contains(body, ">已整改</textarea>") {
			t.Fatalf("stale: %d %.3000s", res.StatusCode, body)
		}
		// No version at all is refused the same way.
		if res, _ := la.submit(path+"/reply", url.Values{"reply": {"已整改"}}); res.StatusCode != http.StatusConflict {
			t.Fatalf("no version: %d", res.StatusCode)
		}
		if e := escStatus(t, f, x.letter.ID); e.Status != ding.EscalationOpen || e.Reply != "" || e.Version != 1 || f.auditCount() != audits {
			t.Fatalf("a refused reply was written: %+v", e)
		}
		// The reply.
		res, _ = la.submit(path+"/reply", url.Values{"reply": {"已制定赶工计划，6月底前完成主体结构"}, "replied_on": {"2024-06-20"}, "version": {"1"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != path+"?flash=escui_replied" {
			t.Fatalf("reply: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		e := escStatus(t, f, x.letter.ID)
		if e.Status != ding.EscalationDone || e.Reply != "已制定赶工计划，6月底前完成主体结构" || e.RepliedOn.String() != "2024-06-20" ||
			e.RepliedBy != "liaisona" || e.Version != 2 {
			t.Fatalf("after reply: %+v", e)
		}
		as, n, err := f.db.FindAudit(warnCtx(f, "admin"), ding.AuditFilter{Entity: "escalation", EntityID: x.letter.ID, Action: "reply"})
		if err != nil || n != 1 || as[0].ActorName != "liaisona" || !strings.Contains(string(as[0].After), "已制定赶工计划") {
			t.Fatalf("audit: %d %+v %v", n, as, err)
		}
		body = la.get(path + "?flash=escui_replied")
		if !strings.Contains(body, "书面回复已登记") || !strings.Contains(body, `id="esc-reply-text">已制定赶工计划，6月底前完成主体结构</div>`) ||
			!strings.Contains(body, "已办结") || strings.Contains(body, `id="esc-reply-form"`) || !strings.Contains(body, "2024-06-20 回复，liaisona 登记") {
			t.Fatalf("after reply page: %.3000s", body)
		}
		// Closed: a second reply is refused with the reason.
		res, body = oc.submit(path+"/reply", url.Values{"reply": {"再次回复"}, "version": {"2"}})
		if res.StatusCode != http.StatusConflict || !strings.Contains(body, "该事项已办结或已撤回，不能再修改") {
			t.Fatalf("second reply: %d", res.StatusCode)
		}
	})
}

func TestEscPageInterviewAndWithdraw(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		x := escSetup(t, f)
		path := "/escalations/" + itoa(x.interview.ID)
		lc := f.login("leader")
		body := lc.get(path)
		if !strings.Contains(body, `id="esc-interview-form"`) || !strings.Contains(body, `name="interviewer" maxlength="200" value="leader"`) ||
			!strings.Contains(body, "区领导要求约谈") || !strings.Contains(body, "项目办手工发起（发起时为黄色预警）") || strings.Contains(body, `id="esc-withdraw-form"`) {
			t.Fatalf("leader's interview page: %.3000s", body)
		}
		// The liaison may not record it.
		if res, _ := f.login("liaisonA").submit(path+"/interview", url.Values{"held_on": {"2024-06-20"}, "interviewer": {"x"}, "interviewees": {"y"},
			"commitments": {"z"}, "version": {"1"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("liaison records an interview: %d", res.StatusCode)
		}
		form := url.Values{"held_on": {"2024-06-20"}, "interviewer": {"王副区长"}, "interviewees": {""}, "commitments": {"7月底前完成主体结构"},
			"follow_up_on": {"2024-07-31"}, "version": {"1"}}
		res, body := lc.submit(path+"/interview", form)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="esc-interviewees-error">请填写被约谈人`) ||
			!strings.Contains(body, `value="王副区长"`) || !strings.Contains(body, ">7月底前完成主体结构</textarea>") {
			t.Fatalf("interview without interviewees: %d %.3000s", res.StatusCode, body)
		}
		form.Set("interviewees", "樟潭街道党工委书记 张三")
		form.Set("held_on", "2024-06-21")
		if res, body := lc.submit(path+"/interview", form); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "约谈日期不能晚于今天") {
			t.Fatalf("future interview: %d", res.StatusCode)
		}
		form.Set("held_on", "2024-06-20")
		if res, _ := lc.submit(path+"/interview", form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("interview: %d", res.StatusCode)
		}
		e := escStatus(t, f, x.interview.ID)
		if e.Status != ding.EscalationDone || e.Interview == nil || e.Interview.Interviewer != "王副区长" || e.Interview.Interviewees != "樟潭街道党工委书记 张三" ||
			e.Interview.FollowUpOn.String() != "2024-07-31" {
			t.Fatalf("after interview: %+v", e)
		}
		body = lc.get(path)
		if !strings.Contains(body, "7月底前完成主体结构") || !strings.Contains(body, "2024-07-31") || strings.Contains(body, `id="esc-interview-form"`) {
			t.Errorf("recorded interview page")
		}

		// Withdrawal of the letter by the office; nobody else may.
		lpath := "/escalations/" + itoa(x.letter.ID)
		if res, _ := f.login("liaisonA").submit(lpath+"/withdraw", url.Values{"reason": {"x"}, "version": {"1"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("liaison withdraws: %d", res.StatusCode)
		}
		if res, _ := f.login("liaisonB").submit(lpath+"/withdraw", url.Values{"reason": {"x"}, "version": {"1"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("liaison B withdraws: %d", res.StatusCode)
		}
		oc := f.login("office")
		res, body = oc.submit(lpath+"/withdraw", url.Values{"reason": {" "}, "version": {"1"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="esc-reason-error">撤回须说明理由`) {
			t.Fatalf("withdraw without reason: %d %.3000s", res.StatusCode, body)
		}
		if res, _ := oc.submit(lpath+"/withdraw", url.Values{"reason": {"误发"}, "version": {"1"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("withdraw: %d", res.StatusCode)
		}
		e = escStatus(t, f, x.letter.ID)
		if e.Status != ding.EscalationWithdrawn || !strings.Contains(e.Note, "office 撤回：误发") {
			t.Fatalf("after withdraw: %+v", e)
		}
		if body := oc.get(lpath); !strings.Contains(body, "已撤回") || !strings.Contains(body, "office 撤回：误发") || strings.Contains(body, `id="esc-reply-form"`) {
			t.Errorf("withdrawn page")
		}
	})
}

func TestEscPageProjectSection(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		x := escSetup(t, f)
		path := "/projects/" + itoa(x.p.ID) + "/warnings"
		oc := f.login("office")
		body := oc.get(path)
		if !strings.Contains(body, `id="warn-escalations"`) || !strings.Contains(body, escLetterNumber) || !strings.Contains(body, `id="escalation-issue"`) ||
			!strings.Contains(body, `href="/escalations/`+itoa(x.interview.ID)+`"`) {
			t.Fatalf("project section: %.3000s", body)
		}
		if body := f.login("liaisonA").get(path); !strings.Contains(body, escLetterNumber) || strings.Contains(body, `id="escalation-issue"`) {
			t.Errorf("liaison A's project section wrong")
		}
		issue := "/projects/" + itoa(x.p.ID) + "/escalations"
		// A bad deadline, an open letter of the same kind: the form says why.
		res, body := oc.submit(issue, url.Values{"action": {"letter_supervise"}, "due_days": {"abc"}, "note": {"经研究"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="escalation-due-days-error">办理期限须为 1 到 90 之间的整数`) ||
			!strings.Contains(body, ">经研究</textarea>") {
			t.Fatalf("bad due days: %d %.3000s", res.StatusCode, body)
		}
		res, body = oc.submit(issue, url.Values{"action": {"letter_remind"}, "due_days": {"5"}})
		if res.StatusCode != http.StatusConflict || !strings.Contains(body, `id="warn-error">该项目已有同类未办结事项`) {
			t.Fatalf("second open letter: %d %.3000s", res.StatusCode, body)
		}
		if res, _ := f.login("liaisonA").submit(issue, url.Values{"action": {"letter_supervise"}, "due_days": {"5"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("liaison issues: %d", res.StatusCode)
		}
		res, _ = oc.submit(issue, url.Values{"action": {"letter_supervise"}, "due_days": {"5"}, "note": {"经研究"}})
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/escalations/") {
			t.Fatalf("issue: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		body = oc.get(res.Header.Get("Location"))
		if !strings.Contains(body, "衢江重大办督办〔2024〕1号") || !strings.Contains(body, "已发起") || !strings.Contains(body, "2024-06-25") {
			t.Fatalf("issued letter page: %.2000s", body)
		}
	})
}

func TestEscPagePrint(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		x := escSetup(t, f)
		c := f.login("office")
		res, body := c.getRes("/escalations/" + itoa(x.letter.ID) + "/print")
		if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Security-Policy"), "script-src 'self'") {
			t.Fatalf("print: %d %.300s", res.StatusCode, body)
		}
		for _, want := range []string{`id="letter-issuer">衢江区重大项目推进办公室</div>`, `id="letter-number">` + escLetterNumber + `</div>`,
			`id="letter-title">关于特种纸扩能项目的提醒函</h1>`, `id="letter-to">樟潭街道：</p>`, `id="letter-date">2024年6月20日</div>`,
			"自2024年6月20日起处于黄色预警状态", "（一）【黄】", warnReason, "于2024年6月27日前将整改措施及进展情况书面报送衢江区重大项目推进办公室",
			"特此函告。", `id="letter-cc">抄送：leader同志。</p>`, "print.css", "print.js", `data-print`} {
			if !strings.Contains(body, want) {
				t.Errorf("letter lacks %q", want)
			}
		}
		if strings.Contains(body, `id="nav"`) || strings.Contains(body, "app.css") {
			t.Errorf("the letter has the layout's chrome")
		}
		// The interview notice, then its record.
		ipath := "/escalations/" + itoa(x.interview.ID) + "/print"
		if body := c.get(ipath); !strings.Contains(body, `id="letter-title">约谈通知</h1>`) || !strings.Contains(body, "2024年6月30日") {
			t.Errorf("interview notice: %.2000s", body)
		}
		iv := ding.Interview{HeldOn: ding.Date{Year: 2024, Month: 6, Day: 20}, Interviewer: "王副区长", Interviewees: "张三", Commitments: "7月底前完成"}
		if _, err := f.db.RecordInterview(warnCtx(f, "office"), x.interview.ID, iv, 0); err != nil {
			t.Fatal(err)
		}
		if body := c.get(ipath); !strings.Contains(body, `id="letter-title">约谈记录</h1>`) || !strings.Contains(body, "王副区长") || !strings.Contains(body, "7月底前完成") {
			t.Errorf("interview record sheet: %.2000s", body)
		}
		// Nothing to print for a listing; nothing to see for town B.
		if res, _ := c.getRes("/escalations/" + itoa(x.bulletin.ID) + "/print"); res.StatusCode != http.StatusNotFound {
			t.Errorf("bulletin print: %d", res.StatusCode)
		}
		if res, _ := f.login("liaisonB").getRes("/escalations/" + itoa(x.letter.ID) + "/print"); res.StatusCode != http.StatusNotFound {
			t.Errorf("liaison B prints: %d", res.StatusCode)
		}
		// English readers get an English toolbar on the same Chinese letter.
		if got := cnDate(ding.Date{Year: 2024, Month: 12, Day: 31}); got != "2024年12月31日" {
			t.Errorf("cnDate %q", got)
		}
		if cnNumeral(3) != "三" || cnNumeral(12) != "十二" || cnNumeral(20) != "二十" || cnNumeral(45) != "四十五" {
			t.Errorf("numerals")
		}
	})
}

package web

import (
	"encoding/json"
	"strings"
	"testing"

	"ding"
)

// apiEsc is an item as the API answers it.
type apiEsc struct {
	ID         int64    `json:"id"`
	ProjectID  int64    `json:"project_id"`
	Action     string   `json:"action"`
	ActionName string   `json:"action_name"`
	Colour     string   `json:"colour"`
	ColourName string   `json:"colour_name"`
	Number     string   `json:"number"`
	UnitName   string   `json:"unit_name"`
	Figures    []string `json:"figures"`
	DueOn      string   `json:"due_on"`
	Status     string   `json:"status"`
	StatusName string   `json:"status_name"`
	Overdue    bool     `json:"overdue"`
	Reply      string   `json:"reply"`
	RepliedOn  string   `json:"replied_on"`
	RepliedBy  string   `json:"replied_by"`
	Interview  *struct {
		HeldOn      string `json:"held_on"`
		Interviewer string `json:"interviewer"`
		FollowUpOn  string `json:"follow_up_on"`
	} `json:"interview"`
	Note    string `json:"note"`
	Version int    `json:"version"`
}

func decodeAPIErr(t *testing.T, body string) apiErr {
	t.Helper()
	var e apiErr
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("not an API error: %s", body)
	}
	return e
}

func TestAPIEscList(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		x := escSetup(t, f)
		var list struct {
			Items  []apiEsc `json:"items"`
			Total  int      `json:"total"`
			Limit  int      `json:"limit"`
			Offset int      `json:"offset"`
		}
		status, body := f.api("office", "GET", "/api/v1/escalations?action=letters", "")
		if status != 200 || json.Unmarshal([]byte(body), &list) != nil || list.Total != 1 || len(list.Items) != 1 || list.Limit != 50 {
			t.Fatalf("list: %d %s", status, body)
		}
		it := list.Items[0]
		if it.ID != x.letter.ID || it.Number != escLetterNumber || it.ActionName != "提醒函" || it.ColourName != "黄" || it.StatusName != "办理中" ||
			it.UnitName != "樟潭街道" || it.DueOn != "2024-06-27" || len(it.Figures) != 1 || !strings.Contains(it.Figures[0], warnReason) || it.Version != 1 {
			t.Fatalf("item %+v", it)
		}
		for q, want := range map[string]int{
			"": 4, "action=interview": 1, "status=done": 2, "overdue=true": 0, "colour=yellow": 4, "period=2024-06": 4, "period=2024-05": 0,
			"unit_id=" + itoa(f.units["townB"].ID): 0, "project_id=" + itoa(x.p.ID): 4, "q=%E7%89%B9%E7%A7%8D%E7%BA%B8": 4, "limit=2": 4,
			"sort=due_on&desc=true": 4,
		} {
			status, body := f.api("office", "GET", "/api/v1/escalations?"+q, "")
			if status != 200 || !strings.Contains(body, `"total":`+itoa(int64(want))+",") {
				t.Errorf("%s: %d %.200s", q, status, body)
			}
		}
		if _, body := f.api("office", "GET", "/api/v1/escalations?limit=2&offset=1", ""); json.Unmarshal([]byte(body), &list) != nil || len(list.Items) != 2 || list.Offset != 1 {
			t.Errorf("paging: %s", body)
		}
		for q, field := range map[string]string{"action=x": "action", "status=closed": "status", "overdue=maybe": "overdue", "colour=purple": "colour",
			"period=2024-13": "period", "unit_id=x": "unit_id", "sort=colour": "sort", "limit=0": "limit"} {
			status, body := f.api("office", "GET", "/api/v1/escalations?"+q, "")
			if e := decodeAPIErr(t, body); status != 422 || e.Error.Field != field || e.Error.Message != "参数 "+field+" 的值无效" {
				t.Errorf("%s: %d %s", q, status, body)
			}
		}
		// One item; scope.
		var one apiEsc
		status, body = f.api("liaisonA", "GET", "/api/v1/escalations/"+itoa(x.interview.ID), "")
		if status != 200 || json.Unmarshal([]byte(body), &one) != nil || one.Action != "interview" || one.Note != "区领导要求约谈" || one.DueOn != "2024-06-30" {
			t.Fatalf("get: %d %s", status, body)
		}
		if status, body := f.api("liaisonB", "GET", "/api/v1/escalations", ""); status != 200 || !strings.Contains(body, `"items":[],"total":0`) {
			t.Errorf("liaison B list: %d %s", status, body)
		}
		for _, path := range []string{"/api/v1/escalations/" + itoa(x.letter.ID), "/api/v1/escalations/999999", "/api/v1/escalations/abc"} {
			if status, body := f.api("liaisonB", "GET", path, ""); status != 404 || decodeAPIErr(t, body).Error.Code != "not_found" {
				t.Errorf("liaison B %s: %d %s", path, status, body)
			}
		}
		if status, _ := f.api("", "GET", "/api/v1/escalations", ""); status != 401 {
			t.Errorf("anonymous: %d", status)
		}
		// Counts.
		var counts struct {
			AsOf    string `json:"as_of"`
			Month   string `json:"month"`
			Actions []struct {
				Action     string `json:"action"`
				ActionName string `json:"action_name"`
				Open       int    `json:"open"`
				Overdue    int    `json:"overdue"`
				Done       int    `json:"done"`
				ThisMonth  int    `json:"this_month"`
			} `json:"actions"`
		}
		status, body = f.api("office", "GET", "/api/v1/escalations/counts", "")
		if status != 200 || json.Unmarshal([]byte(body), &counts) != nil || counts.AsOf != "2024-06-20" || counts.Month != "2024-06" || len(counts.Actions) != 6 {
			t.Fatalf("counts: %d %s", status, body)
		}
		for _, c := range counts.Actions {
			want := map[string][4]int{"remind": {0, 0, 1, 1}, "letter_remind": {1, 0, 0, 1}, "letter_assign": {}, "letter_supervise": {},
				"bulletin": {0, 0, 1, 1}, "interview": {1, 0, 0, 1}}[c.Action]
			if [4]int{c.Open, c.Overdue, c.Done, c.ThisMonth} != want || c.ActionName == "" {
				t.Errorf("counts of %s: %+v, want %v", c.Action, c, want)
			}
		}
		// The bulletin listings.
		var bl struct {
			Period string   `json:"period"`
			Items  []apiEsc `json:"items"`
		}
		status, body = f.api("office", "GET", "/api/v1/bulletin-listings?period=2024-06", "")
		if status != 200 || json.Unmarshal([]byte(body), &bl) != nil || bl.Period != "2024-06" || len(bl.Items) != 1 || bl.Items[0].ProjectID != x.p.ID {
			t.Fatalf("bulletin: %d %s", status, body)
		}
		if status, body := f.api("office", "GET", "/api/v1/bulletin-listings", ""); status != 200 || !strings.Contains(body, `"period":"2024-06"`) {
			t.Errorf("bulletin default month: %d %s", status, body)
		}
		if status, _ := f.api("office", "GET", "/api/v1/bulletin-listings?period=June", ""); status != 422 {
			t.Errorf("bulletin bad month: %d", status)
		}
	})
}

func TestAPIEscReply(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		x := escSetup(t, f)
		path := "/api/v1/escalations/" + itoa(x.letter.ID) + "/reply"
		for _, c := range []struct {
			user, body string
			status     int
			field, msg string
		}{
			{"liaisonA", `{"reply": "已整改", "version": 1`, 422, "", "请求内容不是完整的 JSON"},
			{"liaisonA", `{"reply": 已整改}`, 422, "", "JSON"},
			{"liaisonA", `{"reply": "已整改", "replied_on": "2024-02-30", "version": 1}`, 422, "replied_on", ""},
			{"liaisonA", `{"reply": "已整改", "replied_on": "2024-06-21", "version": 1}`, 422, "replied_on", "回复日期不能晚于今天"},
			{"liaisonA", `{"reply": "已整改", "version": 1, "extra": 1}`, 422, "extra", ""},
			{"liaisonA", `{"reply": "已整改"}`, 422, "version", "请提供读取时的 version"},
			{"liaisonA", `{"reply": "  ", "version": 1}`, 422, "reply", "请填写回复内容"},
			{"liaisonA", `{"reply": "已整改", "version": 3}`, 409, "", "该事项已被他人更新"},
			{"liaisonB", `{"reply": "已整改", "version": 1}`, 404, "", ""},
			{"viewer", `{"reply": "已整改", "version": 1}`, 403, "", "您没有执行此操作的权限"},
			{"leader", `{"reply": "已整改", "version": 1}`, 403, "", ""},
		} {
			status, body := f.api(c.user, "POST", path, c.body)
			e := decodeAPIErr(t, body)
			if status != c.status || e.Error.Field != c.field || !strings.Contains(e.Error.Message, c.msg) {
				t.Errorf("%s %s: %d %s", c.user, c.body, status, body)
			}
		}
		if e := escStatus(t, f, x.letter.ID); e.Status != ding.EscalationOpen || e.Version != 1 {
			t.Fatalf("a refused reply changed the letter: %+v", e)
		}
		// Not a letter.
		if status, body := f.api("office", "POST", "/api/v1/escalations/"+itoa(x.interview.ID)+"/reply", `{"reply": "x", "version": 1}`); status != 422 ||
			!strings.Contains(body, "只有函件可以登记回复") {
			t.Errorf("reply to an interview: %d %s", status, body)
		}
		var got apiEsc
		status, body := f.api("liaisonA", "POST", path, `{"reply": "已制定赶工计划", "replied_on": "2024-06-20", "version": 1}`)
		if status != 200 || json.Unmarshal([]byte(body), &got) != nil || got.Status != "done" || got.StatusName != "已办结" || got.Reply != "已制定赶工计划" ||
			got.RepliedOn != "2024-06-20" || got.RepliedBy != "liaisona" || got.Version != 2 {
			t.Fatalf("reply: %d %s", status, body)
		}
		if status, body := f.api("office", "POST", path, `{"reply": "again", "version": 2}`); status != 409 || !strings.Contains(body, "已办结或已撤回") {
			t.Errorf("second reply: %d %s", status, body)
		}
		_, n, err := f.db.FindAudit(warnCtx(f, "admin"), ding.AuditFilter{Entity: "escalation", EntityID: x.letter.ID, Action: "reply"})
		if err != nil || n != 1 {
			t.Errorf("audit entries %d %v", n, err)
		}
	})
}

func TestAPIEscInterviewWithdrawIssue(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		x := escSetup(t, f)
		ipath := "/api/v1/escalations/" + itoa(x.interview.ID) + "/interview"
		good := `{"held_on": "2024-06-20", "interviewer": "王副区长", "interviewees": "张三", "commitments": "7月底前完成", "follow_up_on": "2024-07-31", "version": 1}`
		if status, _ := f.api("liaisonA", "POST", ipath, good); status != 403 {
			t.Errorf("liaison records: %d", status)
		}
		status, body := f.api("leader", "POST", ipath, `{"held_on": "20240620", "interviewer": "王", "interviewees": "张", "commitments": "x", "version": 1}`)
		if e := decodeAPIErr(t, body); status != 422 || e.Error.Field != "held_on" {
			t.Errorf("bad date: %d %s", status, body)
		}
		status, body = f.api("leader", "POST", ipath, `{"held_on": "2024-06-20", "interviewer": "王", "interviewees": "张", "commitments": "x", "follow_up_on": "2024-06-01", "version": 1}`)
		if e := decodeAPIErr(t, body); status != 422 || e.Error.Field != "follow_up_on" || e.Error.Message != "跟踪复查日期不能早于约谈日期" {
			t.Errorf("follow-up before: %d %s", status, body)
		}
		var got apiEsc
		status, body = f.api("leader", "POST", ipath, good)
		if status != 200 || json.Unmarshal([]byte(body), &got) != nil || got.Status != "done" || got.Interview == nil || got.Interview.Interviewer != "王副区长" ||
			got.Interview.FollowUpOn != "2024-07-31" {
			t.Fatalf("interview: %d %s", status, body)
		}
		// Withdrawal.
		wpath := "/api/v1/escalations/" + itoa(x.letter.ID) + "/withdrawal"
		status, body = f.api("office", "POST", wpath, `{"reason": "", "version": 1}`)
		if e := decodeAPIErr(t, body); status != 422 || e.Error.Field != "reason" || e.Error.Message != "撤回须说明理由" {
			t.Errorf("no reason: %d %s", status, body)
		}
		if status, _ := f.api("liaisonA", "POST", wpath, `{"reason": "x", "version": 1}`); status != 403 {
			t.Errorf("liaison withdraws: %d", status)
		}
		if status, _ := f.api("liaisonB", "POST", wpath, `{"reason": "x", "version": 1}`); status != 404 {
			t.Errorf("liaison B withdraws: %d", status)
		}
		status, body = f.api("office", "POST", wpath, `{"reason": "误发", "version": 1}`)
		if status != 200 || json.Unmarshal([]byte(body), &got) != nil || got.Status != "withdrawn" || !strings.Contains(got.Note, "误发") {
			t.Fatalf("withdraw: %d %s", status, body)
		}
		// Issuing by hand: the letter was withdrawn, so a new 提醒函 may go.
		ppath := "/api/v1/projects/" + itoa(x.p.ID) + "/escalations"
		for _, c := range []struct {
			user, body string
			status     int
			field      string
		}{
			{"office", `{"action": "bulletin", "due_days": 5}`, 422, "action"},
			{"office", `{"action": "letter_assign", "due_days": 0}`, 422, "due_days"},
			{"office", `{"action": "letter_assign", "due_days": "5"}`, 422, "due_days"},
			{"office", `{"action": "letter_assign", "due_days": 5, "colour": "red"}`, 422, "colour"},
			{"liaisonA", `{"action": "letter_assign", "due_days": 5}`, 403, ""},
			{"liaisonB", `{"action": "letter_assign", "due_days": 5}`, 404, ""},
		} {
			status, body := f.api(c.user, "POST", ppath, c.body)
			if e := decodeAPIErr(t, body); status != c.status || e.Error.Field != c.field {
				t.Errorf("%s %s: %d %s", c.user, c.body, status, body)
			}
		}
		status, body = f.api("office", "POST", ppath, `{"action": "letter_remind", "due_days": 3, "note": "再次提醒"}`)
		if status != 201 || json.Unmarshal([]byte(body), &got) != nil || got.Number != "衢江重大办提醒〔2024〕2号" || got.DueOn != "2024-06-23" ||
			got.Status != "open" || got.Note != "再次提醒" {
			t.Fatalf("issue: %d %s", status, body)
		}
		if status, body := f.api("office", "POST", ppath, `{"action": "letter_remind", "due_days": 3}`); status != 409 || !strings.Contains(body, "同类未办结事项") {
			t.Errorf("second open letter: %d %s", status, body)
		}
	})
}

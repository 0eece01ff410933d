package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"ding"
	"ding/store"
)

// meetAPIBody is the June monthly meeting as the API takes it.
func meetAPIBody(f *fixture) string {
	return `{"kind": "monthly", "title": "6月重大项目月例会", "starts_at": "2024-06-21 09:00", "place": "区行政中心301会议室",
		"chair_id": ` + itoa(f.users["leader"].ID) + `, "attendees": "王副区长", "unit_ids": [` + itoa(f.units["townA"].ID) + `],
		"comment_due": "2024-06-20"}`
}

// meetAPIAnswer is the part of a meeting answer the tests read.
type meetAPIAnswer struct {
	ID         int64  `json:"id"`
	Title      string `json:"title"`
	KindName   string `json:"kind_name"`
	Status     string `json:"status"`
	StatusName string `json:"status_name"`
	StartsAt   string `json:"starts_at"`
	Summary    string `json:"summary"`
	Version    int    `json:"version"`
	Number     int    `json:"number"`
	Agenda     []struct {
		ID         int64    `json:"id"`
		Source     string   `json:"source"`
		SourceName string   `json:"source_name"`
		Title      string   `json:"title"`
		ItemID     int64    `json:"item_id"`
		Figures    []string `json:"figures"`
		Dropped    bool     `json:"dropped"`
		Comment    string   `json:"comment"`
		Decision   string   `json:"decision"`
		ActionIDs  []int64  `json:"action_ids"`
	} `json:"agenda"`
	Actions []*ding.Item `json:"actions"`
	Counts  struct {
		Items, Dropped, Decided, Actions int
	} `json:"counts"`
}

func meetDecode(t *testing.T, body string) meetAPIAnswer {
	t.Helper()
	var m meetAPIAnswer
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return m
}

// meetAPIErr reads the one error format.
func meetAPIErr(t *testing.T, body string) apiErrorBody {
	t.Helper()
	var e apiError
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return e.Error
}

// TestMeetingAPI: the meetings over the JSON API, happy and unhappy paths.
func TestMeetingAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		x := meetSetup(t, f)
		// Create: refused bodies first, with nothing written.
		for _, c := range []struct {
			user, body  string
			status      int
			code, field string
			msg         string
		}{
			{"office", `{"kind": "monthly",`, 422, "invalid", "", ""},
			{"office", `{"kind": "monthly", "colour": "red"}`, 422, "invalid", "colour", ""},
			{"office", strings.Replace(meetAPIBody(f), `"2024-06-20"`, `"2024-02-30"`, 1), 422, "invalid", "comment_due", "2024-02-30"},
			{"office", strings.Replace(meetAPIBody(f), `"2024-06-21 09:00"`, `"明天上午"`, 1), 422, "invalid", "starts_at", "明天上午"},
			{"office", strings.Replace(meetAPIBody(f), `"2024-06-20"`, `"2024-06-22"`, 1), 422, "invalid", "comment_due", "不能晚于会议日期"},
			{"office", strings.Replace(meetAPIBody(f), `"monthly"`, `"yearly"`, 1), 422, "invalid", "kind", "请选择会议类型"},
			{"office", strings.Replace(meetAPIBody(f), `"chair_id": `+itoa(f.users["leader"].ID), `"chair_id": `+itoa(f.users["office"].ID), 1), 422, "invalid", "chair_id", "领导"},
			{"liaisonA", meetAPIBody(f), 403, "forbidden", "", ""},
			{"viewer", meetAPIBody(f), 403, "forbidden", "", ""},
			{"", meetAPIBody(f), 401, "unauthorized", "", ""},
		} {
			status, body := f.api(c.user, "POST", "/api/v1/meetings", c.body)
			if status != c.status {
				t.Errorf("%s %.60s: %d %s", c.user, c.body, status, body)
				continue
			}
			e := meetAPIErr(t, body)
			if e.Code != c.code || e.Field != c.field || !strings.Contains(e.Message, c.msg) {
				t.Errorf("%s %.60s: %+v", c.user, c.body, e)
			}
		}
		if ms, n, _ := f.db.FindMeetings(warnCtx(f, "office"), store.MeetingFilter{}); n != 0 {
			t.Fatalf("refused creates wrote %d meetings: %+v", n, ms)
		}
		status, body := f.api("office", "POST", "/api/v1/meetings", meetAPIBody(f))
		if status != http.StatusCreated {
			t.Fatalf("create: %d %s", status, body)
		}
		m := meetDecode(t, body)
		if m.Title != "6月重大项目月例会" || m.KindName != "月例会" || m.Status != "planned" || m.Number != 1 || m.StartsAt != "2024-06-21T01:00:00Z" ||
			len(m.Agenda) != 2 || m.Agenda[0].Title != "黄色预警项目：特种纸扩能项目" || m.Agenda[1].Source != "new" || m.Agenda[1].SourceName != "新提交诉求" ||
			m.Agenda[1].ItemID != x.demand.ID || len(m.Agenda[0].Figures) == 0 || m.Counts.Items != 2 {
			t.Fatalf("created: %s", body)
		}
		mid := itoa(m.ID)
		standing, demandItem := itoa(m.Agenda[0].ID), itoa(m.Agenda[1].ID)
		// Read: the list with filters, one meeting; town B sees neither.
		for q, want := range map[string]int{"": 1, "?kind=monthly": 1, "?kind=weekly": 0, "?status=held": 0, "?from=2024-06-21&to=2024-06-21": 1,
			"?from=2024-06-22": 0, "?q=" + "%E6%9C%88%E4%BE%8B": 1} {
			status, body := f.api("office", "GET", "/api/v1/meetings"+q, "")
			var l struct {
				Items []meetAPIAnswer `json:"items"`
				Total int             `json:"total"`
			}
			if status != 200 || json.Unmarshal([]byte(body), &l) != nil || l.Total != want || len(l.Items) != want {
				t.Errorf("list %s: %d %s", q, status, body)
			}
		}
		for _, q := range []string{"?kind=yearly", "?status=x", "?from=yesterday", "?order=sideways", "?limit=0"} {
			if status, _ := f.api("office", "GET", "/api/v1/meetings"+q, ""); status != 422 {
				t.Errorf("list %s: %d", q, status)
			}
		}
		if status, body := f.api("liaisonB", "GET", "/api/v1/meetings", ""); status != 200 || !strings.Contains(body, `"total":0`) {
			t.Errorf("liaison B's list: %s", body)
		}
		if status, _ := f.api("liaisonB", "GET", "/api/v1/meetings/"+mid, ""); status != 404 {
			t.Errorf("liaison B reads the meeting: %d", status)
		}
		if status, body := f.api("liaisonA", "GET", "/api/v1/meetings/"+mid, ""); status != 200 || meetDecode(t, body).Number != 1 {
			t.Errorf("liaison A reads the meeting: %d %s", status, body)
		}
		// Update: the version is required and checked; an absent summary is kept.
		upd := strings.Replace(meetAPIBody(f), `"comment_due"`, `"summary": "导语", "version": 1, "comment_due"`, 1)
		if status, body := f.api("office", "PUT", "/api/v1/meetings/"+mid, meetAPIBody(f)); status != 422 || meetAPIErr(t, body).Field != "version" {
			t.Errorf("update without version: %d %s", status, body)
		}
		if status, body := f.api("office", "PUT", "/api/v1/meetings/"+mid, upd); status != 200 || meetDecode(t, body).Summary != "导语" {
			t.Fatalf("update: %d %s", status, body)
		}
		if status, body := f.api("office", "PUT", "/api/v1/meetings/"+mid, upd); status != 409 || meetAPIErr(t, body).Code != "conflict" {
			t.Errorf("stale update: %d %s", status, body)
		}
		upd2 := strings.Replace(meetAPIBody(f), `"comment_due"`, `"version": 2, "place": "区政府2号楼", "comment_due"`, 1)
		upd2 = strings.Replace(upd2, `"place": "区行政中心301会议室",`, "", 1)
		if status, body := f.api("office", "PUT", "/api/v1/meetings/"+mid, upd2); status != 200 || meetDecode(t, body).Summary != "导语" {
			t.Errorf("update keeping the summary: %d %s", status, body)
		}
		if status, _ := f.api("liaisonA", "PUT", "/api/v1/meetings/"+mid, upd2); status != 403 {
			t.Errorf("a liaison updates: %d", status)
		}
		// The agenda.
		status, body = f.api("office", "POST", "/api/v1/meetings/"+mid+"/agenda", `{"title": "二期用地征迁", "project_id": `+itoa(x.p.ID)+`}`)
		if status != 201 || !strings.Contains(body, `"source":"custom"`) || !strings.Contains(body, `"unit_name":"樟潭街道"`) {
			t.Fatalf("add: %d %s", status, body)
		}
		status, body = f.api("office", "POST", "/api/v1/meetings/"+mid+"/agenda", `{"title": "市级项目", "project_id": `+itoa(x.outside.ID)+`}`)
		if e := meetAPIErr(t, body); status != 422 || e.Field != "project_id" || e.Message != "该项目不存在或不在您的管理范围内" {
			t.Errorf("outside project: %d %s", status, body)
		}
		if status, body := f.api("office", "POST", "/api/v1/meetings/"+mid+"/agenda/rebuild", ""); status != 200 || !strings.Contains(body, `"added":0`) {
			t.Errorf("rebuild: %d %s", status, body)
		}
		if status, _ := f.api("office", "POST", "/api/v1/agenda-items/"+demandItem+"/move", `{"delta": -1}`); status != 204 {
			t.Errorf("move: %d", status)
		}
		if status, body := f.api("office", "POST", "/api/v1/agenda-items/"+demandItem+"/move", `{"delta": -1}`); status != 422 || !strings.Contains(body, "最前或最后") {
			t.Errorf("move past the top: %d %s", status, body)
		}
		if status, body := f.api("office", "POST", "/api/v1/agenda-items/"+demandItem+"/move", `{"delta": "up"}`); status != 422 || meetAPIErr(t, body).Field != "delta" {
			t.Errorf("move with a string: %d %s", status, body)
		}
		if status, body := f.api("office", "POST", "/api/v1/agenda-items/"+standing+"/drop", `{}`); status != 422 || meetAPIErr(t, body).Field != "dropped" {
			t.Errorf("drop without dropped: %d %s", status, body)
		}
		if status, _ := f.api("office", "POST", "/api/v1/agenda-items/"+standing+"/drop", `{"dropped": true}`); status != 204 {
			t.Errorf("drop: %d", status)
		}
		if status, _ := f.api("office", "POST", "/api/v1/agenda-items/"+standing+"/drop", `{"dropped": false}`); status != 204 {
			t.Errorf("restore: %d", status)
		}
		_, body = f.api("office", "GET", "/api/v1/meetings/"+mid, "")
		if got := meetDecode(t, body); len(got.Agenda) != 3 || got.Agenda[0].ID != m.Agenda[1].ID || got.Agenda[1].Dropped {
			t.Errorf("agenda after edits: %s", body)
		}
		// Comments: town A on its item; town B cannot see it.
		if status, body := f.api("liaisonA", "POST", "/api/v1/agenda-items/"+demandItem+"/comment", `{"comment": "请财政局尽快拨付"}`); status != 200 ||
			!strings.Contains(body, `"comment":"请财政局尽快拨付"`) {
			t.Errorf("comment: %d %s", status, body)
		}
		if status, _ := f.api("liaisonB", "POST", "/api/v1/agenda-items/"+demandItem+"/comment", `{"comment": "x"}`); status != 404 {
			t.Errorf("liaison B comments: %d", status)
		}
		if status, body := f.api("liaisonA", "POST", "/api/v1/agenda-items/"+demandItem+"/comment", `{"comment": ""}`); status != 422 || meetAPIErr(t, body).Field != "comment" {
			t.Errorf("empty comment: %d %s", status, body)
		}
		// Decisions: a bad date and a holiday are refused naming the action's field, with
		// nothing written; a working day creates the action item.
		act := func(due string) string {
			return `{"decision": "区发改局一周内拨付", "actions": [{"title": "拨付技改补助", "units": [{"unit_id": ` + itoa(f.units["dept"].ID) +
				`, "lead": true}, {"unit_id": ` + itoa(f.units["townA"].ID) + `}], "close_due": "` + due + `"}]}`
		}
		if status, body := f.api("office", "POST", "/api/v1/agenda-items/"+demandItem+"/decision", act("2024-13-01")); status != 422 ||
			meetAPIErr(t, body).Field != "actions[0].close_due" {
			t.Errorf("bad date: %d %s", status, body)
		}
		status, body = f.api("office", "POST", "/api/v1/agenda-items/"+demandItem+"/decision", act("2024-10-01"))
		if e := meetAPIErr(t, body); status != 422 || e.Field != "actions[0].close_due" || !strings.Contains(e.Message, "国庆节") {
			t.Errorf("holiday: %d %s", status, body)
		}
		if status, _ := f.api("office", "POST", "/api/v1/agenda-items/"+demandItem+"/decision", `{"decision": "x", "actions": [{"title": "t", "units": [{"unit_id": 1, "lead": true, "done": true}]}]}`); status != 422 {
			t.Errorf("an unknown field of a unit: %d", status)
		}
		if _, n, _ := f.db.FindItems(warnCtx(f, "office"), store.ItemFilter{MeetingID: m.ID}); n != 0 {
			t.Fatalf("refused decisions wrote %d action items", n)
		}
		if status, _ := f.api("liaisonA", "POST", "/api/v1/agenda-items/"+demandItem+"/decision", act("2024-06-28")); status != 403 {
			t.Errorf("a liaison decides: %d", status)
		}
		status, body = f.api("office", "POST", "/api/v1/agenda-items/"+demandItem+"/decision", act("2024-06-28"))
		var dec struct {
			Decision  string       `json:"decision"`
			ActionIDs []int64      `json:"action_ids"`
			Actions   []*ding.Item `json:"actions"`
		}
		if status != 200 || json.Unmarshal([]byte(body), &dec) != nil || dec.Decision != "区发改局一周内拨付" || len(dec.ActionIDs) != 1 || len(dec.Actions) != 1 ||
			dec.Actions[0].Title != "拨付技改补助" || dec.Actions[0].CloseDue.String() != "2024-06-28" || dec.Actions[0].MeetingID != m.ID {
			t.Fatalf("decision: %d %s", status, body)
		}
		if its, _, _ := f.db.FindItems(warnCtx(f, "office"), store.ItemFilter{MeetingID: m.ID}); len(its) != 1 || its[0].ID != dec.ActionIDs[0] {
			t.Fatalf("action items: %+v", its)
		}
		// Held: the version is checked.
		_, body = f.api("office", "GET", "/api/v1/meetings/"+mid, "")
		ver := meetDecode(t, body).Version
		if status, body := f.api("office", "POST", "/api/v1/meetings/"+mid+"/held", `{"summary": "会议议定如下。"}`); status != 422 || meetAPIErr(t, body).Field != "version" {
			t.Errorf("held without version: %d %s", status, body)
		}
		if status, _ := f.api("office", "POST", "/api/v1/meetings/"+mid+"/held", `{"summary": "x", "version": `+strconv.Itoa(ver+1)+`}`); status != 409 {
			t.Errorf("stale held: %d", status)
		}
		status, body = f.api("office", "POST", "/api/v1/meetings/"+mid+"/held", `{"summary": "会议议定如下。", "version": `+strconv.Itoa(ver)+`}`)
		if got := meetDecode(t, body); status != 200 || got.Status != "held" || got.StatusName != "已召开" || got.Summary != "会议议定如下。" ||
			got.Counts.Decided != 1 || got.Counts.Actions != 1 || len(got.Actions) != 1 {
			t.Fatalf("held: %d %s", status, body)
		}
		if status, body := f.api("office", "POST", "/api/v1/agenda-items/"+standing+"/move", `{"delta": 1}`); status != 409 || meetAPIErr(t, body).Code != "conflict" {
			t.Errorf("move after the meeting: %d %s", status, body)
		}
		if status, _ := f.api("office", "GET", "/api/v1/meetings/999999", ""); status != 404 {
			t.Errorf("missing meeting: %d", status)
		}
		if status, _ := f.api("office", "POST", "/api/v1/agenda-items/999999/move", `{"delta": 1}`); status != 404 {
			t.Errorf("missing agenda item: %d", status)
		}
	})
}

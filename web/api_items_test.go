package web

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"ding"
)

// apiItemJSON is the part of an item answer the tests read.
type apiItemJSON struct {
	ID         int64  `json:"id"`
	Kind       string `json:"kind"`
	KindName   string `json:"kind_name"`
	Status     string `json:"status"`
	StatusName string `json:"status_name"`
	UnitID     int64  `json:"unit_id"`
	Due        string `json:"due"`
	AcceptDue  string `json:"accept_due"`
	DecideDue  string `json:"decide_due"`
	CloseDue   string `json:"close_due"`
	Overdue    int    `json:"overdue"`
	Version    int    `json:"version"`
	OnSite     bool   `json:"on_site"`
	Units      []struct {
		UnitID int64  `json:"unit_id"`
		Lead   bool   `json:"lead"`
		Part   string `json:"part"`
		Report string `json:"report"`
		Done   bool   `json:"done"`
	} `json:"units"`
	History []struct {
		Action   string `json:"action"`
		To       string `json:"to"`
		UserName string `json:"user_name"`
		Comment  string `json:"comment"`
	} `json:"history"`
	Files []struct {
		ID          int64  `json:"id"`
		Name        string `json:"name"`
		ContentType string `json:"content_type"`
		Size        int64  `json:"size"`
	} `json:"files"`
	Actions []string `json:"actions"`
}

func decodeItem(t *testing.T, body string) apiItemJSON {
	t.Helper()
	var it apiItemJSON
	if err := json.Unmarshal([]byte(body), &it); err != nil {
		t.Fatalf("not an item: %v %s", err, body)
	}
	return it
}

// apiErrOf reads the API's error answer.
func apiErrOf(t *testing.T, body string) apiErrorBody {
	t.Helper()
	var e apiError
	if err := json.Unmarshal([]byte(body), &e); err != nil || e.Error.Code == "" {
		t.Fatalf("not an error: %s", body)
	}
	return e.Error
}

// apiFiles posts files as multipart parts named "file" with the user's token.
func (f *fixture) apiFiles(username, path string, files ...upFile) (int, string) {
	f.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, x := range files {
		fw, _ := mw.CreateFormFile("file", x.name)
		fw.Write(x.data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", f.ts.URL+path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+f.token(username))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

// TestAPIItems: the flow through the API, with its refusals.
func TestAPIItems(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		p := itemSetup(t, f)
		pid := itoa(p.ID)
		// Refusals: a missing title, an unknown type, town B on town A's project, the viewer,
		// an unknown field.
		for _, c := range []struct {
			user, body, code, field, msg string
		}{
			{"liaisonA", `{"project_id": ` + pid + `, "type": "土地", "request": "x"}`, "invalid", "title", "请填写标题"},
			{"liaisonA", `{"project_id": ` + pid + `, "type": "风水", "title": "x", "request": "y"}`, "invalid", "type", "请选择诉求类别"},
			{"liaisonB", `{"project_id": ` + pid + `, "type": "土地", "title": "x", "request": "y"}`, "invalid", "project_id", "项目不存在或不在您的管理范围内"},
			{"viewer", `{"project_id": ` + pid + `, "type": "土地", "title": "x", "request": "y"}`, "forbidden", "", ""},
			{"liaisonA", `{"project_id": ` + pid + `, "type": "土地", "title": "x", "request": "y", "colour": "red"}`, "invalid", "colour", ""},
			{"liaisonA", `{"kind": "action", "project_id": ` + pid + `, "title": "x", "close_due": "2024-07-01", "units": [{"unit_id": 1, "lead": true}]}`, "forbidden", "", ""},
		} {
			status, body := f.api(c.user, "POST", "/api/v1/items", c.body)
			e := apiErrOf(t, body)
			if e.Code != c.code || e.Field != c.field || !strings.Contains(e.Message, c.msg) || status != statusOf(c.code) {
				t.Errorf("%s %s: %d %s", c.user, c.body, status, body)
			}
		}
		if itemCount(t, f) != 0 {
			t.Fatalf("refused items were written")
		}
		status, body := f.api("liaisonA", "POST", "/api/v1/items", `{"project_id": `+pid+`, "type": "土地", "title": "用地指标不足", "request": "调剂 50 亩"}`)
		it := decodeItem(t, body)
		if status != http.StatusCreated || it.Kind != "demand" || it.KindName != "诉求" || it.Status != "submitted" || it.StatusName != "已提交" ||
			it.AcceptDue != "2024-06-21" || it.UnitID != f.units["townA"].ID || it.Version != 1 || it.Units == nil {
			t.Fatalf("create: %d %s", status, body)
		}
		path := "/api/v1/items/" + itoa(it.ID)
		status, body = f.api("office", "GET", path, "")
		got := decodeItem(t, body)
		if status != 200 || len(got.History) != 1 || got.History[0].Action != "create" || got.History[0].UserName != "liaisona" ||
			strings.Join(got.Actions, ",") != "accept,reject" || got.Files == nil {
			t.Fatalf("get: %d %s", status, body)
		}
		if _, body := f.api("liaisonA", "GET", path, ""); len(decodeItem(t, body).Actions) != 0 {
			t.Errorf("liaison may act on a submitted demand: %s", body)
		}
		if status, _ := f.api("liaisonB", "GET", path, ""); status != http.StatusNotFound {
			t.Errorf("town B reads: %d", status)
		}
		// Steps: version required; out of order; stale; wrong role; not assigned.
		for _, c := range []struct {
			user, body string
			status     int
			field, msg string
		}{
			{"office", `{"action": "accept"}`, 422, "version", "版本号"},
			{"office", `{"action": "fly", "version": 1}`, 422, "action", "未知的办理环节"},
			{"office", `{"action": "close", "comment": "已办", "version": 1}`, 422, "", "当前状态为“已提交”，不能“办结”"},
			{"office", `{"action": "accept", "version": 1}`, 422, "units", "请指定一个牵头单位"},
			{"liaisonA", `{"action": "accept", "units": [{"unit_id": ` + itoa(f.units["townA"].ID) + `, "lead": true}], "version": 1}`, 403, "", ""},
			{"office", `{"action": "accept", "units": [{"unit_id": ` + itoa(f.units["townA"].ID) + `, "lead": true}], "version": 9}`, 409, "", "该事项已被他人更新"},
		} {
			status, body := f.api(c.user, "POST", path+"/steps", c.body)
			e := apiErrOf(t, body)
			if status != c.status || e.Field != c.field || !strings.Contains(e.Message, c.msg) {
				t.Errorf("%s %s: %d %s", c.user, c.body, status, body)
			}
		}
		if x := itemOf(t, f, it.ID); x.Status != ding.ItemSubmitted || x.Version != 1 {
			t.Fatalf("refused steps changed the item: %+v", x)
		}
		status, body = f.api("office", "POST", path+"/steps", `{"action": "accept", "comment": "予以受理", "units": [{"unit_id": `+itoa(f.units["townA"].ID)+
			`, "lead": true, "part": "组织报批"}, {"unit_id": `+itoa(f.units["dept"].ID)+`, "part": "调剂指标"}], "version": 1}`)
		if it = decodeItem(t, body); status != 200 || it.Status != "accepted" || it.DecideDue != "2024-06-25" || len(it.Units) != 2 || it.Version != 2 {
			t.Fatalf("accept: %d %s", status, body)
		}
		if status, body := f.api("liaisonA", "POST", path+"/steps", `{"action": "decide", "comment": "同意", "version": 2}`); status != 403 ||
			!strings.Contains(apiErrOf(t, body).Message, "只有领导可以拍板") {
			t.Errorf("liaison decides: %d %s", status, body)
		}
		status, body = f.api("leader", "POST", path+"/steps", `{"action": "decide", "comment": "同意调剂", "on_site": true, "version": 2}`)
		if it = decodeItem(t, body); status != 200 || it.Status != "decided" || !it.OnSite || it.CloseDue != "2024-07-01" {
			t.Fatalf("decide: %d %s", status, body)
		}
		if status, _ := f.api("liaisonB", "POST", path+"/steps", `{"action": "report", "comment": "x", "version": 3}`); status != 404 {
			t.Errorf("town B reports: %d", status)
		}
		status, body = f.api("liaisonA", "POST", path+"/steps", `{"action": "report", "comment": "已上报", "done": true, "version": 3}`)
		if it = decodeItem(t, body); status != 200 || it.Status != "handling" || it.Units[0].Report != "已上报" || !it.Units[0].Done {
			t.Fatalf("report: %d %s", status, body)
		}
		// The list and its filters.
		status, body = f.api("office", "GET", "/api/v1/items?status=handling&project_id="+pid, "")
		var list struct {
			Items []apiItemJSON `json:"items"`
			Total int           `json:"total"`
		}
		if json.Unmarshal([]byte(body), &list); status != 200 || list.Total != 1 || list.Items[0].ID != it.ID {
			t.Fatalf("list: %d %s", status, body)
		}
		for q, field := range map[string]string{"status=done": "status", "kind=x": "kind", "overdue=maybe": "overdue", "unit_id=-1": "unit_id", "sort=colour": "sort"} {
			if status, body := f.api("office", "GET", "/api/v1/items?"+q, ""); status != 422 || apiErrOf(t, body).Field != field {
				t.Errorf("%s: %d %s", q, status, body)
			}
		}
		if _, body := f.api("liaisonB", "GET", "/api/v1/items", ""); !strings.Contains(body, `"total":0`) {
			t.Errorf("town B's list: %s", body)
		}
		// An action item by the office with a holiday deadline.
		status, body = f.api("office", "POST", "/api/v1/items", `{"kind": "action", "project_id": `+pid+`, "title": "土地挂牌", "close_due": "2024-10-01",
			"units": [{"unit_id": `+itoa(f.units["dept"].ID)+`, "lead": true}]}`)
		if e := apiErrOf(t, body); status != 422 || e.Field != "close_due" || e.Message != "2024-10-01 是节假日（国庆节），不是工作日，请选择工作日作为期限" {
			t.Fatalf("holiday deadline: %d %s", status, body)
		}
	})
}

// TestAPIItemFiles: multipart uploads checked by content, listed and served.
func TestAPIItemFiles(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		p := itemSetup(t, f)
		d := &ding.Item{Kind: ding.DemandItem, ProjectID: p.ID, Type: "审批", Title: "施工许可", Request: "加快办理"}
		if err := f.db.CreateItem(warnCtx(f, "liaisonA"), d); err != nil {
			t.Fatal(err)
		}
		path := "/api/v1/items/" + itoa(d.ID) + "/files"
		status, body := f.apiFiles("liaisonA", path, upFile{"a.pdf", pdfBytes}, upFile{"b.pdf", zipBytes(t, "x")})
		if e := apiErrOf(t, body); status != 422 || e.Field != "files" || !strings.Contains(e.Message, "附件“b.pdf”的内容与扩展名 .pdf 不符：实际是ZIP 压缩包") || filesStored(t, f) != 0 {
			t.Fatalf("fake pdf: %d %s", status, body)
		}
		if status, body := f.apiFiles("liaisonA", path); status != 422 || apiErrOf(t, body).Field != "file" {
			t.Fatalf("no file: %d %s", status, body)
		}
		if status, _ := f.apiFiles("liaisonB", path, upFile{"a.pdf", pdfBytes}); status != 404 {
			t.Fatalf("town B uploads: %d", status)
		}
		if status, _ := f.apiFiles("leader", path, upFile{"a.pdf", pdfBytes}); status != 403 {
			t.Fatalf("leader uploads: %d", status)
		}
		status, body = f.apiFiles("liaisonA", path, upFile{"红线图.pdf", pdfBytes})
		var ans struct {
			Items []struct {
				ID   int64  `json:"id"`
				Name string `json:"name"`
				Size int64  `json:"size"`
				Hash string `json:"hash"`
			} `json:"items"`
			Total int `json:"total"`
		}
		if json.Unmarshal([]byte(body), &ans); status != 201 || ans.Total != 1 || ans.Items[0].Name != "红线图.pdf" || ans.Items[0].Size != int64(len(pdfBytes)) ||
			len(ans.Items[0].Hash) != 64 {
			t.Fatalf("upload: %d %s", status, body)
		}
		if status, body := f.api("office", "GET", path, ""); status != 200 || !strings.Contains(body, `"total":1`) || !strings.Contains(body, "红线图.pdf") {
			t.Fatalf("list: %d %s", status, body)
		}
		status, body = f.api("office", "GET", path+"/"+itoa(ans.Items[0].ID), "")
		if status != 200 || body != string(pdfBytes) {
			t.Fatalf("download: %d %.100s", status, body)
		}
		if status, body := f.api("liaisonB", "GET", path+"/"+itoa(ans.Items[0].ID), ""); status != 404 || apiErrOf(t, body).Code != "not_found" {
			t.Fatalf("town B downloads: %d", status)
		}
	})
}

// TestAPICalendarAndSettings: the calendar year, saving days all or nothing, removing
// one; the demand settings.
func TestAPICalendarAndSettings(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		itemSetup(t, f)
		status, body := f.api("viewer", "GET", "/api/v1/calendar?year=2024", "")
		var cal struct {
			Year     int `json:"year"`
			Workdays int `json:"workdays"`
			Days     []struct {
				Date, Kind, Name string
			} `json:"days"`
			Months []struct{ Month, Workdays int } `json:"months"`
		}
		if json.Unmarshal([]byte(body), &cal); status != 200 || cal.Year != 2024 || cal.Workdays != 251 || len(cal.Months) != 12 ||
			cal.Months[9].Workdays != 19 || !strings.Contains(body, `{"date":"2024-10-01","kind":"holiday","name":"国庆节"}`) {
			t.Fatalf("calendar: %d %.500s", status, body)
		}
		if status, body := f.api("viewer", "GET", "/api/v1/calendar?year=x", ""); status != 422 || apiErrOf(t, body).Field != "year" {
			t.Fatalf("bad year: %d", status)
		}
		days := `[{"date": "2027-01-01", "kind": "holiday", "name": "元旦"}, {"date": "2027-01-04", "kind": "workday", "name": "元旦"}]`
		if status, _ := f.api("office", "PUT", "/api/v1/calendar", days); status != 403 {
			t.Fatalf("office saves: %d", status)
		}
		status, body = f.api("admin", "PUT", "/api/v1/calendar", days)
		if e := apiErrOf(t, body); status != 422 || e.Field != "kind" || !strings.Contains(e.Message, "2027-01-04 是工作日") || len(calendarDaysOf(t, f, 2027)) != 0 {
			t.Fatalf("bad day: %d %s", status, body)
		}
		if status, body := f.api("admin", "PUT", "/api/v1/calendar", `[]`); status != 422 || apiErrOf(t, body).Field != "days" {
			t.Fatalf("no days: %d %s", status, body)
		}
		status, body = f.api("admin", "PUT", "/api/v1/calendar", `[{"date": "2027-01-01", "kind": "holiday", "name": "元旦"}]`)
		if status != 200 || !strings.Contains(body, `"year":2027`) || !strings.Contains(body, `"name":"元旦"`) || len(calendarDaysOf(t, f, 2027)) != 1 {
			t.Fatalf("save: %d %s", status, body)
		}
		if status, _ := f.api("admin", "DELETE", "/api/v1/calendar/2027-01-01", ""); status != 204 || len(calendarDaysOf(t, f, 2027)) != 0 {
			t.Fatalf("delete: %d", status)
		}
		if status, _ := f.api("admin", "DELETE", "/api/v1/calendar/2027-01-01", ""); status != 404 {
			t.Fatalf("delete twice: %d", status)
		}
		if status, body := f.api("admin", "DELETE", "/api/v1/calendar/2027-02-30", ""); status != 422 || apiErrOf(t, body).Field != "date" {
			t.Fatalf("bad date: %d", status)
		}

		status, body = f.api("liaisonA", "GET", "/api/v1/demand-settings", "")
		if status != 200 || body != `{"types":["土地","规划","审批","资金","水电气","政策","人才","其他"],"clocks":{"accept":1,"decide":3,"close":7,"escalate":2}}`+"\n" {
			t.Fatalf("settings: %d %s", status, body)
		}
		if status, _ := f.api("liaisonA", "PUT", "/api/v1/demand-settings", `{"types": ["土地"]}`); status != 403 {
			t.Fatalf("liaison sets: %d", status)
		}
		status, body = f.api("office", "PUT", "/api/v1/demand-settings", `{"types": ["土地", "环评"], "clocks": {"accept": 0, "decide": 3, "close": 7, "escalate": 2}}`)
		if e := apiErrOf(t, body); status != 422 || e.Field != "clocks.accept" {
			t.Fatalf("bad clocks: %d %s", status, body)
		}
		if ts, _ := f.db.DemandTypes(f.sysCtx()); len(ts) != 8 {
			t.Fatalf("the types changed with bad clocks: %v", ts)
		}
		status, body = f.api("office", "PUT", "/api/v1/demand-settings", `{"types": ["土地", "环评"], "clocks": {"accept": 2, "decide": 3, "close": 10, "escalate": 1}}`)
		if status != 200 || body != `{"types":["土地","环评"],"clocks":{"accept":2,"decide":3,"close":10,"escalate":1}}`+"\n" {
			t.Fatalf("set: %d %s", status, body)
		}
	})
}

package web

import (
	"encoding/json"
	"strings"
	"testing"

	"ding"
	"ding/store"
)

func TestAPIWarnList(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		p := warnYellow(t, f)
		status, body := f.api("office", "GET", "/api/v1/warnings?colour=yellow", "")
		var list struct {
			Items []struct {
				ProjectID  int64  `json:"project_id"`
				Colour     string `json:"colour"`
				ColourName string `json:"colour_name"`
				Reason     string `json:"reason"`
				ReasonText string `json:"reason_text"`
				Periods    int    `json:"periods"`
				UnitName   string `json:"unit_name"`
			} `json:"items"`
			Total int `json:"total"`
			Limit int `json:"limit"`
		}
		if status != 200 || json.Unmarshal([]byte(body), &list) != nil || list.Total != 1 || len(list.Items) != 1 {
			t.Fatalf("list: %d %s", status, body)
		}
		it := list.Items[0]
		if it.ProjectID != p.ID || it.ColourName != "黄" || it.ReasonText != warnReason || it.Reason != "warn.reason.invest_lag_points" || it.Periods != 1 || it.UnitName != "樟潭街道" {
			t.Fatalf("item %+v", it)
		}
		for _, q := range []string{"colour=red", "unit_id=" + itoa(f.units["townB"].ID), "project_id=999999"} {
			if status, body := f.api("office", "GET", "/api/v1/warnings?"+q, ""); status != 200 || !strings.Contains(body, `"total":0`) {
				t.Errorf("%s: %d %s", q, status, body)
			}
		}
		for _, q := range []string{"colour=purple", "unit_id=x", "limit=0", "kind=nope", "exempt=maybe"} {
			if status, _ := f.api("office", "GET", "/api/v1/warnings?"+q, ""); status != 422 {
				t.Errorf("%s: %d, want 422", q, status)
			}
		}
		// Scope: liaison B sees nothing, and not the project's warnings either.
		if status, body := f.api("liaisonB", "GET", "/api/v1/warnings", ""); status != 200 || !strings.Contains(body, `"total":0`) {
			t.Errorf("liaison B list: %d %s", status, body)
		}
		if status, _ := f.api("liaisonB", "GET", "/api/v1/projects/"+itoa(p.ID)+"/warnings", ""); status != 404 {
			t.Errorf("liaison B project warnings: %d", status)
		}
		if status, _ := f.api("", "GET", "/api/v1/warnings", ""); status != 401 {
			t.Errorf("anonymous: %d", status)
		}
		// The board.
		var b store.WarningBoard
		status, body = f.api("office", "GET", "/api/v1/warnings/board", "")
		if status != 200 || json.Unmarshal([]byte(body), &b) != nil || b.Projects["yellow"] != 1 || b.Warnings["yellow"] != 1 || b.Opened != 1 ||
			len(b.ByUnit) != 1 || b.ByUnit[0].UnitName != "樟潭街道" || len(b.Colours) != 3 {
			t.Fatalf("board: %d %s", status, body)
		}
		if status, body := f.api("liaisonB", "GET", "/api/v1/warnings/board", ""); status != 200 || !strings.Contains(body, `"by_unit":[]`) {
			t.Errorf("liaison B board: %d %s", status, body)
		}
		// The project's warnings and history, after clearing.
		warnReport(t, f, p.ID, "2024-05", 300)
		var pw struct {
			Colour  string `json:"colour"`
			Current []any  `json:"current"`
			History []struct {
				Event      string `json:"event"`
				ReasonText string `json:"reason_text"`
				On         string `json:"on"`
			} `json:"history"`
		}
		status, body = f.api("liaisonA", "GET", "/api/v1/projects/"+itoa(p.ID)+"/warnings", "")
		if status != 200 || json.Unmarshal([]byte(body), &pw) != nil || pw.Colour != "" || len(pw.Current) != 0 || len(pw.History) != 2 ||
			pw.History[0].Event != "opened" || pw.History[0].ReasonText != warnReason || pw.History[1].Event != "cleared" || pw.History[0].On != "2024-06-20" {
			t.Fatalf("project warnings: %d %s", status, body)
		}
	})
}

func TestAPIWarnRules(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		status, body := f.api("liaisonA", "GET", "/api/v1/warning-rules", "")
		if status != 200 || !strings.Contains(body, "投资滞后（百分点，按月）") {
			t.Fatalf("liaison reads rules: %d %.200s", status, body)
		}
		good := `{"name":"测试","kind":"start_overdue","thresholds":[{"colour":"yellow","min":2},{"colour":"red","min":4}],"persistence":2}`
		if status, _ := f.api("liaisonA", "POST", "/api/v1/warning-rules", good); status != 403 {
			t.Fatalf("liaison creates a rule: %d", status)
		}
		f.token("office") // making the token is audited
		rules, _ := f.db.FindRules(warnCtx(f, "office"))
		audits := f.auditCount()
		for _, tc := range []struct{ body, want string }{
			{`{"name":"x","kind":"start_overdue","thresholds":[{"colour":"yellow","min":"abc"}]}`, "thresholds.min"},
			{`{"name":"x","kind":"start_overdue","thresholds":[{"colour":"yellow","min":4},{"colour":"red","min":2}]}`, "阈值重叠或颠倒"},
			{`{"name":"x","kind":"start_overdue","scope":{"stages":["started"]},"thresholds":[{"colour":"yellow","min":1}]}`, "不会匹配任何项目"},
			{`{"name":"x","kind":"start_overdue","thresholds":[{"colour":"purple","min":1}]}`, "purple"},
		} {
			status, body := f.api("office", "POST", "/api/v1/warning-rules", tc.body)
			if status != 422 || !strings.Contains(body, tc.want) {
				t.Errorf("%s: %d %s", tc.body, status, body)
			}
		}
		if now, _ := f.db.FindRules(warnCtx(f, "office")); len(now) != len(rules) || f.auditCount() != audits {
			t.Fatalf("a refused rule was written")
		}
		status, body = f.api("office", "POST", "/api/v1/warning-rules", good)
		var r ding.Rule
		if status != 201 || json.Unmarshal([]byte(body), &r) != nil || r.ID == 0 || r.Version != 1 || !r.Enabled || r.Persistence != 2 {
			t.Fatalf("create: %d %s", status, body)
		}
		upd := `{"name":"测试二","kind":"start_overdue","enabled":false,"thresholds":[{"colour":"yellow","min":2},{"colour":"red","min":5}],"version":1}`
		if status, body := f.api("office", "PUT", "/api/v1/warning-rules/"+itoa(r.ID), upd); status != 200 || !strings.Contains(body, `"version":2`) || !strings.Contains(body, `"enabled":false`) {
			t.Fatalf("update: %d %s", status, body)
		}
		if status, _ := f.api("office", "PUT", "/api/v1/warning-rules/"+itoa(r.ID), upd); status != 409 {
			t.Fatalf("stale update: %d", status)
		}
		if status, _ := f.api("office", "PUT", "/api/v1/warning-rules/"+itoa(r.ID), strings.Replace(upd, `,"version":1`, "", 1)); status != 422 {
			t.Fatalf("update without version: %d", status)
		}
		if status, _ := f.api("office", "GET", "/api/v1/warning-rules/999999", ""); status != 404 {
			t.Fatalf("missing rule: %d", status)
		}
		if status, body := f.api("viewer", "GET", "/api/v1/warning-colours", ""); status != 200 || !strings.Contains(body, `"name":"黄"`) {
			t.Fatalf("colours: %d %s", status, body)
		}
	})
}

func TestAPIWarnExemptions(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		p := warnYellow(t, f)
		path := "/api/v1/projects/" + itoa(p.ID) + "/exemptions"
		if status, _ := f.api("liaisonB", "POST", path, `{"kind":"policy","reason":"政策调整"}`); status != 404 && status != 403 {
			t.Fatalf("liaison B requests: %d", status)
		}
		if status, body := f.api("liaisonA", "POST", path, `{"kind":"policy","reason":""}`); status != 422 || !strings.Contains(body, `"field":"reason"`) {
			t.Fatalf("empty reason: %d %s", status, body)
		}
		status, body := f.api("liaisonA", "POST", path, `{"kind":"policy","reason":"规划调整暂停施工","valid_until":"2024-12-31"}`)
		var x store.Exemption
		if status != 201 || json.Unmarshal([]byte(body), &x) != nil || x.Status != "requested" || x.ValidUntil.String() != "2024-12-31" {
			t.Fatalf("request: %d %s", status, body)
		}
		if status, _ := f.api("liaisonA", "POST", path, `{"kind":"policy","reason":"再来一次"}`); status != 409 {
			t.Fatalf("second request while one waits: %d", status)
		}
		dec := "/api/v1/exemptions/" + itoa(x.ID) + "/decision"
		if status, _ := f.api("liaisonA", "POST", dec, `{"decision":"approve"}`); status != 403 {
			t.Fatalf("liaison decides: %d", status)
		}
		if status, _ := f.api("office", "POST", dec, `{"decision":"maybe"}`); status != 422 {
			t.Fatalf("bad decision: %d", status)
		}
		if status, body := f.api("office", "POST", dec, `{"decision":"approve","comment":"同意"}`); status != 200 || !strings.Contains(body, `"status":"approved"`) {
			t.Fatalf("approve: %d %s", status, body)
		}
		if status, _ := f.api("office", "POST", dec, `{"decision":"approve"}`); status != 409 {
			t.Fatalf("second decision: %d", status)
		}
		if status, body := f.api("office", "GET", "/api/v1/warnings?exempt=true", ""); status != 200 || !strings.Contains(body, `"exempt":true`) || !strings.Contains(body, `"total":1`) {
			t.Fatalf("exempt warnings: %d %s", status, body)
		}
		if status, body := f.api("office", "GET", "/api/v1/projects/"+itoa(p.ID)+"/warnings", ""); status != 200 || !strings.Contains(body, `"exempt":true`) || !strings.Contains(body, `"colour":"yellow"`) {
			t.Fatalf("project: %d %s", status, body)
		}
		if status, body := f.api("office", "GET", "/api/v1/exemptions?status=approved", ""); status != 200 || !strings.Contains(body, `"total":1`) {
			t.Fatalf("exemptions: %d %s", status, body)
		}
		if status, body := f.api("office", "POST", "/api/v1/exemptions/"+itoa(x.ID)+"/revocation", `{"comment":"已复工"}`); status != 200 || !strings.Contains(body, `"status":"revoked"`) {
			t.Fatalf("revoke: %d %s", status, body)
		}
	})
}

package web

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// apiSchemeBody is the test scheme as the API takes it.
func apiSchemeBody(x *schemeFix, weight2 int, extra string) string {
	return fmt.Sprintf(`{"name": "乡镇季比拼", "organizer_id": %d, "period": "quarter", "flag_count": 1, "public": true,
		"items": [{"indicator_id": %d, "basis": "growth", "method": "rank", "weight": 6000},
		          {"indicator_id": %d, "basis": "completion", "method": "target_prop", "weight": %d}],
		"participants": [{"unit_id": %d, "group": "乡镇街道"}, {"unit_id": %d, "group": "乡镇街道"}, {"unit_id": %d, "group": "部门"}]%s}`,
		x.district, x.gdp.ID, x.inv.ID, weight2, x.townA, x.townB, x.dept, extra)
}

// apiSchemeAnswer is the part of a scheme the tests read.
type apiSchemeAnswer struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	TotalPoints int64  `json:"total_points"`
	PeriodName  string `json:"period_name"`
	Version     int    `json:"version"`
	Items       []struct {
		ID     int64 `json:"id"`
		Weight int64 `json:"weight"`
		Step   int64 `json:"step"`
	} `json:"items"`
	Participants []struct {
		UnitID   int64  `json:"unit_id"`
		UnitName string `json:"unit_name"`
		Group    string `json:"group"`
	} `json:"participants"`
}

// apiResultAnswer is the part of a period's result the tests read.
type apiResultAnswer struct {
	Period   string  `json:"period"`
	Label    string  `json:"label"`
	Locked   bool    `json:"locked"`
	LockedBy string  `json:"locked_by"`
	LockedAt *string `json:"locked_at"`
	Scores   []struct {
		UnitID int64 `json:"unit_id"`
		Total  int64 `json:"total"`
		Rank   int   `json:"rank"`
		Adjust int64 `json:"adjust"`
		Flag   bool  `json:"flag"`
		Items  []struct {
			Points  int64    `json:"points"`
			Metric  *float64 `json:"metric"`
			Missing bool     `json:"missing"`
		} `json:"items"`
	} `json:"scores"`
	MostImproved []int64 `json:"most_improved"`
	Adjustments  []struct {
		ID     int64  `json:"id"`
		Period string `json:"period"`
		Kind   string `json:"kind"`
	} `json:"adjustments"`
}

// TestAPISchemes: defining a scheme (the refusals, then the happy path), reading and
// replacing it with its version, a period's trial and locked result, adjustments,
// unlocking, flags and the public board.
func TestAPISchemes(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		x := schemeSetup(t, f)
		f.schemeDistrict()
		apiTokens(f)
		audits := f.auditCount()
		for name, tc := range map[string]struct {
			user, body string
			status     int
			field      string
			message    string
		}{
			"weights 95": {"office", apiSchemeBody(x, 3500, ""), 422, "items", "各项分值合计 95 分，应为 100 分"},
			"unknown":    {"office", apiSchemeBody(x, 4000, `, "colour": "red"`), 422, "colour", ""},
			"bad json":   {"office", `{"name": `, 422, "", ""},
			"weight str": {"office", strings.Replace(apiSchemeBody(x, 4000, ""), `"weight": 6000`, `"weight": "60"`, 1), 422, "items.weight", ""},
			"twice": {"office", strings.Replace(apiSchemeBody(x, 4000, ""), fmt.Sprintf(`"indicator_id": %d`, x.inv.ID), fmt.Sprintf(`"indicator_id": %d`, x.gdp.ID), 1),
				422, "items", "第 2 项：该指标已在前面的考核项中使用"},
			"no parts":  {"office", strings.Split(apiSchemeBody(x, 4000, ""), `"participants"`)[0] + `"participants": []}`, 422, "participants", "请选择参加比拼的单位"},
			"liaison":   {"liaisonA", apiSchemeBody(x, 4000, ""), 403, "", ""},
			"other":     {"kcOffice", apiSchemeBody(x, 4000, ""), 422, "organizer_id", "组织单位须在您的数据范围内"},
			"anonymous": {"", apiSchemeBody(x, 4000, ""), 401, "", ""},
		} {
			status, body := f.api(tc.user, "POST", "/api/v1/schemes", tc.body)
			if status != tc.status {
				t.Errorf("%s: %d %s", name, status, body)
				continue
			}
			e := decodeAPIErr(t, body)
			if e.Error.Field != tc.field || !strings.Contains(e.Error.Message, tc.message) {
				t.Errorf("%s: %+v", name, e.Error)
			}
		}
		if n := len(schemesAll(t, f)); n != 0 || f.auditCount() != audits {
			t.Fatalf("refused requests saved %d schemes", n)
		}
		status, body := f.api("office", "POST", "/api/v1/schemes", apiSchemeBody(x, 4000, ""))
		var s apiSchemeAnswer
		if status != 201 || json.Unmarshal([]byte(body), &s) != nil || s.ID == 0 || s.Version != 1 || s.TotalPoints != 10000 || s.PeriodName != "季度" ||
			len(s.Items) != 2 || s.Items[0].Step != 500 || len(s.Participants) != 3 || s.Participants[0].UnitName != "樟潭街道" {
			t.Fatalf("create: %d %s", status, body)
		}
		path := "/api/v1/schemes/" + itoa(s.ID)
		// Reading: the district's users; not another district's (404).
		if status, body := f.api("liaisonA", "GET", path, ""); status != 200 || !strings.Contains(body, `"name":"乡镇季比拼"`) {
			t.Errorf("liaison reads: %d %s", status, body)
		}
		if status, _ := f.api("kcOffice", "GET", path, ""); status != 404 {
			t.Errorf("another district reads: %d", status)
		}
		if status, body := f.api("kcOffice", "GET", "/api/v1/schemes", ""); status != 200 || !strings.Contains(body, `"total":0`) {
			t.Errorf("another district's list: %d %s", status, body)
		}
		if status, body := f.api("office", "GET", "/api/v1/schemes", ""); status != 200 || !strings.Contains(body, `"total":1`) {
			t.Errorf("list: %d %s", status, body)
		}
		// Replacing: the version is required and must be current.
		upd := strings.Replace(apiSchemeBody(x, 4000, `, "version": 1`), "乡镇季比拼", "乡镇（街道）季比拼", 1)
		if status, body := f.api("office", "PUT", path, apiSchemeBody(x, 4000, "")); status != 422 || decodeAPIErr(t, body).Error.Field != "version" {
			t.Errorf("no version: %d %s", status, body)
		}
		if status, body := f.api("liaisonA", "PUT", path, upd); status != 403 {
			t.Errorf("liaison replaces: %d %s", status, body)
		}
		if status, body := f.api("office", "PUT", path, upd); status != 200 || !strings.Contains(body, `"version":2`) || !strings.Contains(body, "乡镇（街道）季比拼") {
			t.Fatalf("replace: %d %s", status, body)
		}
		if status, body := f.api("office", "PUT", path, upd); status != 409 || decodeAPIErr(t, body).Error.Code != "conflict" {
			t.Errorf("stale replace: %d %s", status, body)
		}
		// A period's trial result.
		q2 := path + "/periods/2024-Q2"
		status, body = f.api("liaisonA", "GET", q2, "")
		var res apiResultAnswer
		if status != 200 || json.Unmarshal([]byte(body), &res) != nil || res.Locked || res.LockedAt != nil || res.Period != "2024-Q2" || res.Label != "2024年第2季度" ||
			len(res.Scores) != 3 || res.Scores[0].UnitID != x.townA || res.Scores[0].Total != 8000 || !res.Scores[0].Flag || res.Scores[1].Total != 7300 ||
			res.Scores[0].Items[0].Metric == nil || *res.Scores[0].Items[0].Metric != 0.2 {
			t.Fatalf("trial: %d %s", status, body)
		}
		if status, body := f.api("office", "GET", path+"/periods/2024-Q5", ""); status != 422 || !strings.Contains(body, "2024-Q5") {
			t.Errorf("bad period: %d %s", status, body)
		}
		// Adjustments.
		adj := fmt.Sprintf(`{"kind": "penalty", "unit_id": %d, "points": 500, "reason": "被市里通报批评", "evidence": "衢市办〔2024〕12号"}`, x.townA)
		if status, _ := f.api("liaisonA", "POST", q2+"/adjustments", adj); status != 403 {
			t.Errorf("liaison adjusts: %d", status)
		}
		noEvidence := fmt.Sprintf(`{"kind": "bonus", "unit_id": %d, "points": 500, "reason": "x"}`, x.townB)
		if status, body := f.api("office", "POST", q2+"/adjustments", noEvidence); status != 422 || decodeAPIErr(t, body).Error.Field != "evidence" {
			t.Errorf("no evidence: %d %s", status, body)
		}
		outsider := fmt.Sprintf(`{"kind": "bonus", "unit_id": %d, "points": 500, "reason": "x", "evidence": "y"}`, f.units["kecheng"].ID)
		if status, body := f.api("office", "POST", q2+"/adjustments", outsider); status != 422 || decodeAPIErr(t, body).Error.Field != "unit_id" {
			t.Errorf("not a participant: %d %s", status, body)
		}
		status, body = f.api("office", "POST", q2+"/adjustments", adj)
		if status != 201 || !strings.Contains(body, `"period":"2024-Q2"`) || !strings.Contains(body, `"kind_name":"扣分"`) {
			t.Fatalf("adjust: %d %s", status, body)
		}
		var added struct{ ID int64 }
		json.Unmarshal([]byte(body), &added)
		if status, body := f.api("viewer", "GET", q2+"/adjustments", ""); status != 200 || !strings.Contains(body, `"total":1`) || !strings.Contains(body, "被市里通报批评") {
			t.Errorf("adjustments: %d %s", status, body)
		}
		// Locking: not a liaison, not before the end.
		if status, _ := f.api("liaisonA", "POST", q2+"/lock", ""); status != 403 {
			t.Errorf("liaison locks: %d", status)
		}
		if status, body := f.api("office", "POST", path+"/periods/2024-Q3/lock", ""); status != 422 || !strings.Contains(body, "尚未结束") {
			t.Errorf("lock Q3: %d %s", status, body)
		}
		status, body = f.api("office", "POST", q2+"/lock", "")
		res = apiResultAnswer{}
		if status != 200 || json.Unmarshal([]byte(body), &res) != nil || !res.Locked || res.LockedBy != "office" || res.LockedAt == nil ||
			res.Scores[0].UnitID != x.townA || res.Scores[0].Total != 7500 || res.Scores[0].Adjust != -500 || len(res.Adjustments) != 1 {
			t.Fatalf("lock: %d %s", status, body)
		}
		if status, body := f.api("office", "POST", q2+"/adjustments", adj); status != 409 || !strings.Contains(body, "数据截面已锁定") {
			t.Errorf("adjust locked: %d %s", status, body)
		}
		if status, body := f.api("office", "DELETE", path+"/adjustments/"+itoa(added.ID), ""); status != 409 {
			t.Errorf("remove on locked: %d %s", status, body)
		}
		if status, body := f.api("office", "GET", path+"/periods", ""); status != 200 || !strings.Contains(body, `"period":"2024-Q2","label":"2024年第2季度","locked":true,"locked_by":"office"`) {
			t.Errorf("periods: %d %s", status, body)
		}
		// Flags of the scheme and of the unit.
		if status, body := f.api("liaisonB", "GET", path+"/flags", ""); status != 200 || !strings.Contains(body, `"latest":"2024-Q2"`) ||
			!strings.Contains(body, fmt.Sprintf(`"unit_id":%d,"unit_name":"樟潭街道"`, x.townA)) {
			t.Errorf("flags: %d %s", status, body)
		}
		if status, body := f.api("office", "GET", "/api/v1/units/"+itoa(x.townA)+"/flags", ""); status != 200 || !strings.Contains(body, `"total":1`) ||
			!strings.Contains(body, `"period":"2024-Q2"`) {
			t.Errorf("unit flags: %d %s", status, body)
		}
		if status, body := f.api("kcOffice", "GET", "/api/v1/units/"+itoa(x.townA)+"/flags", ""); status != 200 || !strings.Contains(body, `"total":0`) {
			t.Errorf("unit flags from another district: %d %s", status, body)
		}
		// Unlocking needs a reason; then the trial again, and the adjustment can go.
		if status, body := f.api("office", "POST", q2+"/unlock", `{"reason": ""}`); status != 422 || decodeAPIErr(t, body).Error.Field != "reason" {
			t.Errorf("unlock without reason: %d %s", status, body)
		}
		if status, body := f.api("office", "POST", q2+"/unlock", `{"reason": "统计局修订"}`); status != 200 || !strings.Contains(body, `"locked":false`) {
			t.Errorf("unlock: %d %s", status, body)
		}
		if status, body := f.api("office", "DELETE", path+"/adjustments/"+itoa(added.ID), ""); status != 204 {
			t.Errorf("remove: %d %s", status, body)
		}
		if status, _ := f.api("office", "DELETE", path+"/adjustments/"+itoa(added.ID), ""); status != 404 {
			t.Errorf("remove twice: %d", status)
		}
		// The public board needs no token.
		if status, body := f.api("", "GET", "/api/v1/honours", ""); status != 200 || !strings.Contains(body, `"total":1`) || !strings.Contains(body, "乡镇（街道）季比拼") {
			t.Errorf("public honours: %d %s", status, body)
		}
	})
}

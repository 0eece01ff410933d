package web

import (
	"encoding/json"
	"strings"
	"testing"
)

// apiCommit is a clause as the API answers it.
type apiCommit struct {
	ID          int64  `json:"id"`
	ProjectID   int64  `json:"project_id"`
	ProjectName string `json:"project_name"`
	Side        string `json:"side"`
	SideName    string `json:"side_name"`
	Kind        string `json:"kind"`
	KindName    string `json:"kind_name"`
	Checked     bool   `json:"checked"`
	Clause      string `json:"clause"`
	Amount      int64  `json:"amount"`
	Due         string `json:"due"`
	Penalty     string `json:"penalty"`
	UnitID      int64  `json:"unit_id"`
	UnitName    string `json:"unit_name"`
	Status      string `json:"status"`
	StatusName  string `json:"status_name"`
	CheckedOn   string `json:"checked_on"`
	Measured    string `json:"measured"`
	Note        string `json:"note"`
	DecidedBy   string `json:"decided_by"`
	Version     int    `json:"version"`
}

type apiCommitList struct {
	Items  []apiCommit `json:"items"`
	Total  int         `json:"total"`
	Limit  int         `json:"limit"`
	Offset int         `json:"offset"`
}

func decodeCommit(t *testing.T, body string) apiCommit {
	t.Helper()
	var c apiCommit
	if err := json.Unmarshal([]byte(body), &c); err != nil {
		t.Fatalf("not a clause: %s", body)
	}
	return c
}

// TestAPICommitmentCreate: recording clauses, with the refusals.
func TestAPICommitmentCreate(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		p := itemSetup(t, f)
		apiTokens(f)
		path := "/api/v1/projects/" + itoa(p.ID) + "/commitments"
		audits := f.auditCount()
		for name, tc := range map[string]struct {
			user, body string
			status     int
			code       string
			field      string
			message    string
		}{
			"bad json":    {"office", `{"side": "investor",`, 422, "invalid", "", ""},
			"not object":  {"office", `[1]`, 422, "invalid", "", ""},
			"bad date":    {"office", `{"side": "investor", "kind": "start", "clause": "x", "due": "2024-06-31"}`, 422, "invalid", "due", ""},
			"unknown":     {"office", `{"side": "investor", "kind": "start", "clause": "x", "due": "2024-06-30", "colour": "red"}`, 422, "invalid", "colour", ""},
			"amount type": {"office", `{"side": "investor", "kind": "capital", "clause": "x", "due": "2024-06-30", "amount": "5000万"}`, 422, "invalid", "amount", ""},
			"no amount":   {"office", `{"side": "investor", "kind": "capital", "clause": "x", "due": "2024-06-30"}`, 422, "invalid", "amount", "到资、税收、产值条款须填写金额（元）"},
			"negative":    {"office", `{"side": "investor", "kind": "capital", "clause": "x", "due": "2024-06-30", "amount": -5}`, 422, "invalid", "amount", ""},
			"gov capital": {"office", `{"side": "government", "kind": "capital", "clause": "x", "due": "2024-06-30", "amount": 5}`, 422, "invalid", "kind", ""},
			"no clause":   {"office", `{"side": "investor", "kind": "start", "clause": " ", "due": "2024-06-30"}`, 422, "invalid", "clause", "请填写条款内容"},
			"no due":      {"office", `{"side": "investor", "kind": "start", "clause": "x"}`, 422, "invalid", "due", "请填写约定期限"},
			"bad unit":    {"office", `{"side": "investor", "kind": "start", "clause": "x", "due": "2024-06-30", "unit_id": 9999}`, 422, "invalid", "unit_id", ""},
			"town B":      {"liaisonB", `{"side": "investor", "kind": "start", "clause": "x", "due": "2024-06-30"}`, 404, "not_found", "", ""},
			"viewer":      {"viewer", `{"side": "investor", "kind": "start", "clause": "x", "due": "2024-06-30"}`, 403, "forbidden", "", ""},
			"leader":      {"leader", `{"side": "investor", "kind": "start", "clause": "x", "due": "2024-06-30"}`, 403, "forbidden", "", ""},
			"anonymous":   {"", `{"side": "investor", "kind": "start", "clause": "x", "due": "2024-06-30"}`, 401, "unauthorized", "", ""},
		} {
			status, body := f.api(tc.user, "POST", path, tc.body)
			e := decodeAPIErr(t, body)
			if status != tc.status || e.Error.Code != tc.code || e.Error.Field != tc.field || (tc.message != "" && e.Error.Message != tc.message) {
				t.Errorf("%s: %d %s", name, status, body)
			}
		}
		if status, _ := f.api("office", "POST", "/api/v1/projects/9999/commitments", `{"side": "investor", "kind": "start", "clause": "x", "due": "2024-06-30"}`); status != 404 {
			t.Errorf("unknown project: %d", status)
		}
		if f.auditCount() != audits {
			t.Fatalf("refused requests wrote")
		}
		status, body := f.api("office", "POST", path, `{"side": "investor", "kind": "capital", "clause": "6月底前到资 5000 万元", "amount": 50000000,
			"due": "2024-06-30", "penalty": "按未到位部分的 1% 支付违约金"}`)
		c := decodeCommit(t, body)
		if status != 201 || c.ID == 0 || c.ProjectID != p.ID || c.ProjectName != p.Name || c.Amount != 50_000_000 || c.Due != "2024-06-30" ||
			c.UnitID != f.units["townA"].ID || c.UnitName != "樟潭街道" || c.Status != "pending" || c.StatusName != "未到期" || c.KindName != "到资" ||
			c.SideName != "投资方" || !c.Checked || c.Version != 1 || c.Penalty != "按未到位部分的 1% 支付违约金" {
			t.Fatalf("created: %d %s", status, body)
		}
		// Town A's liaison records one for another unit of its scope: only its own.
		status, body = f.api("liaisonA", "POST", path, `{"side": "government", "kind": "land", "clause": "交地", "due": "2024-06-30", "unit_id": `+
			itoa(f.units["dept"].ID)+`}`)
		if e := decodeAPIErr(t, body); status != 422 || e.Error.Field != "unit_id" {
			t.Errorf("liaison names another unit: %d %s", status, body)
		}
		status, body = f.api("liaisonA", "POST", path, `{"side": "government", "kind": "land", "clause": "交地", "due": "2024-06-30"}`)
		if c := decodeCommit(t, body); status != 201 || c.Checked || c.KindName != "交地" || c.UnitID != f.units["townA"].ID || c.Amount != 0 {
			t.Errorf("liaison A: %d %s", status, body)
		}
		// The project's list holds both.
		status, body = f.api("office", "GET", path, "")
		var list apiCommitList
		if status != 200 || json.Unmarshal([]byte(body), &list) != nil || list.Total != 2 || list.Items[0].Kind != "capital" || list.Items[1].Kind != "land" {
			t.Fatalf("project list: %d %s", status, body)
		}
	})
}

// TestAPICommitmentList: the lists, their filters and scopes.
func TestAPICommitmentList(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		a, b := commitListSetup(t, f)
		commitPastDue(t, f)
		var list apiCommitList
		status, body := f.api("office", "GET", "/api/v1/commitments", "")
		if status != 200 || json.Unmarshal([]byte(body), &list) != nil || list.Total != 4 || len(list.Items) != 4 || list.Limit != 50 {
			t.Fatalf("list: %d %s", status, body)
		}
		// By due date: town B's policy clause first.
		first, capital := list.Items[0], list.Items[1]
		if first.ProjectID != b.ID || first.Kind != "policy" || first.Status != "awaiting" || first.StatusName != "待确认" || first.Checked {
			t.Errorf("first: %+v", first)
		}
		if capital.Clause != clauseCapital || capital.Status != "broken" || capital.CheckedOn != "2024-07-05" ||
			capital.Measured != "截至 2024-07-05 累计完成投资 0 万元，约定 5,000 万元" {
			t.Errorf("capital: %+v", capital)
		}
		for q, want := range map[string]int{
			"status=broken": 1, "status=awaiting": 2, "side=government": 2, "unit_id=" + itoa(f.units["townB"].ID): 1,
			"project_id=" + itoa(a.ID): 3, "limit=1": 4, "side=investor&status=pending": 1,
		} {
			status, body := f.api("office", "GET", "/api/v1/commitments?"+q, "")
			if status != 200 || !strings.Contains(body, `"total":`+itoa(int64(want))+",") {
				t.Errorf("%s: %d %.200s", q, status, body)
			}
		}
		if _, body := f.api("office", "GET", "/api/v1/commitments?limit=2&offset=3", ""); json.Unmarshal([]byte(body), &list) != nil ||
			len(list.Items) != 1 || list.Offset != 3 || list.Items[0].Clause != clauseStart {
			t.Errorf("paging: %s", body)
		}
		for q, field := range map[string]string{"status=closed": "status", "side=both": "side", "unit_id=x": "unit_id", "project_id=-1": "project_id",
			"limit=0": "limit", "offset=x": "offset"} {
			status, body := f.api("office", "GET", "/api/v1/commitments?"+q, "")
			if e := decodeAPIErr(t, body); status != 422 || e.Error.Field != field {
				t.Errorf("%s: %d %s", q, status, body)
			}
		}
		// Scopes: town B sees its clause only, and not town A's project.
		if status, body := f.api("liaisonB", "GET", "/api/v1/commitments", ""); status != 200 || !strings.Contains(body, `"total":1,`) ||
			strings.Contains(body, clauseCapital) {
			t.Errorf("town B's list: %d %s", status, body)
		}
		if status, _ := f.api("liaisonB", "GET", "/api/v1/projects/"+itoa(a.ID)+"/commitments", ""); status != 404 {
			t.Errorf("town B reads town A's project: %d", status)
		}
		status, body = f.api("liaisonA", "GET", "/api/v1/projects/"+itoa(a.ID)+"/commitments?status=awaiting", "")
		if status != 200 || json.Unmarshal([]byte(body), &list) != nil || list.Total != 1 || list.Items[0].Clause != clauseLand {
			t.Errorf("project list: %d %s", status, body)
		}
		if status, body := f.api("", "GET", "/api/v1/commitments", ""); status != 401 {
			t.Errorf("anonymous: %d %s", status, body)
		}
	})
}

// TestAPICommitmentDecide: confirming and waiving, with stale versions and wrong users.
func TestAPICommitmentDecide(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		a, _ := commitListSetup(t, f)
		apiTokens(f)
		cs := commitsOf(t, f, a.ID)
		land, capital := commitByClause(t, cs, clauseLand), commitByClause(t, cs, clauseCapital)
		confirm := "/api/v1/commitments/" + itoa(land.ID) + "/confirmation"
		waive := "/api/v1/commitments/" + itoa(capital.ID) + "/waiver"
		audits := f.auditCount()
		for name, tc := range map[string]struct {
			user, path, body string
			status           int
			code, field      string
		}{
			"bad json":       {"liaisonA", confirm, `{"kept": tru`, 422, "invalid", ""},
			"kept type":      {"liaisonA", confirm, `{"kept": "yes", "note": "x", "version": 1}`, 422, "invalid", "kept"},
			"no kept":        {"liaisonA", confirm, `{"note": "x", "version": 1}`, 422, "invalid", "kept"},
			"no version":     {"liaisonA", confirm, `{"kept": true, "note": "x"}`, 422, "invalid", "version"},
			"stale":          {"liaisonA", confirm, `{"kept": true, "note": "x", "version": 7}`, 409, "conflict", ""},
			"no note":        {"liaisonA", confirm, `{"kept": true, "note": " ", "version": 1}`, 422, "invalid", "note"},
			"broken early":   {"liaisonA", confirm, `{"kept": false, "note": "未交地", "version": 1}`, 422, "invalid", "kept"},
			"leader":         {"leader", confirm, `{"kept": true, "note": "x", "version": 1}`, 403, "forbidden", ""},
			"viewer":         {"viewer", confirm, `{"kept": true, "note": "x", "version": 1}`, 403, "forbidden", ""},
			"town B":         {"liaisonB", confirm, `{"kept": true, "note": "x", "version": 1}`, 404, "not_found", ""},
			"checked kind":   {"office", "/api/v1/commitments/" + itoa(capital.ID) + "/confirmation", `{"kept": true, "note": "x", "version": 1}`, 422, "invalid", ""},
			"unknown":        {"office", "/api/v1/commitments/9999/confirmation", `{"kept": true, "note": "x", "version": 1}`, 404, "not_found", ""},
			"liaison waives": {"liaisonA", waive, `{"reason": "x", "version": 1}`, 403, "forbidden", ""},
			"no reason":      {"office", waive, `{"reason": "", "version": 1}`, 422, "invalid", "reason"},
			"waive stale":    {"office", waive, `{"reason": "x", "version": 2}`, 409, "conflict", ""},
			"waive no ver":   {"office", waive, `{"reason": "x"}`, 422, "invalid", "version"},
			"waive extra":    {"office", waive, `{"reason": "x", "version": 1, "note": "y"}`, 422, "invalid", "note"},
		} {
			status, body := f.api(tc.user, "POST", tc.path, tc.body)
			if e := decodeAPIErr(t, body); status != tc.status || e.Error.Code != tc.code || e.Error.Field != tc.field {
				t.Errorf("%s: %d %s", name, status, body)
			}
		}
		if f.auditCount() != audits {
			t.Fatalf("refused requests wrote")
		}
		status, body := f.api("liaisonA", "POST", confirm, `{"kept": true, "note": "6月18日提前交付净地", "version": 1}`)
		c := decodeCommit(t, body)
		if status != 200 || c.Status != "kept" || c.StatusName != "已履约" || c.Note != "6月18日提前交付净地" || c.DecidedBy != "liaisona" ||
			c.CheckedOn != "2024-06-20" || c.Version != 2 {
			t.Fatalf("confirmed: %d %s", status, body)
		}
		if status, body := f.api("liaisonA", "POST", confirm, `{"kept": true, "note": "again", "version": 2}`); status != 409 || !strings.Contains(body, "该条款已有结论") {
			t.Errorf("confirm twice: %d %s", status, body)
		}
		// Past due the capital clause breaks; the office waives it with a reason.
		commitPastDue(t, f)
		capital = commitByClause(t, commitsOf(t, f, a.ID), clauseCapital)
		if capital.Status != "broken" {
			t.Fatalf("capital: %+v", capital)
		}
		if status, _ := f.api("office", "POST", waive, `{"reason": "延期", "version": `+itoa(int64(capital.Version-1))+`}`); status != 409 {
			t.Errorf("stale waiver: %d", status)
		}
		status, body = f.api("office", "POST", waive, `{"reason": "受市场影响，经区政府同意延期至年底", "version": `+itoa(int64(capital.Version))+`}`)
		if c := decodeCommit(t, body); status != 200 || c.Status != "waived" || c.Note != "受市场影响，经区政府同意延期至年底" || c.DecidedBy != "office" ||
			c.Version != capital.Version+1 || c.Measured != capital.Measured {
			t.Fatalf("waived: %d %s", status, body)
		}
		if status, body := f.api("office", "POST", waive, `{"reason": "again", "version": `+itoa(int64(capital.Version+1))+`}`); status != 409 {
			t.Errorf("waive twice: %d %s", status, body)
		}
	})
}

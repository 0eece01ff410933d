package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ding"
	"ding/auth"
)

// apiSend sends a JSON API request with the user's Bearer token ("" for none), a JSON
// body ("" for none) and extra headers, and returns status and body.
func apiSend(f *fixture, user, method, path string, body io.Reader, hdr map[string]string) (int, string) {
	f.t.Helper()
	req, err := http.NewRequest(method, f.ts.URL+path, body)
	if err != nil {
		f.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+f.token(user))
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// apiDecode decodes a JSON answer or fails the test.
func apiDecode(t *testing.T, body string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("bad JSON %v: %.300s", err, body)
	}
}

// apiErr is the API error format, decoded.
type apiErr struct {
	Error struct{ Code, Message, Field string }
}

// apiTokens makes every fixture user's API token up front: making one writes an audit
// entry, which would blur the "refused writes leave no audit entry" checks.
func apiTokens(f *fixture) {
	for name := range f.users {
		f.token(name)
	}
}

func sysCtx() context.Context {
	return ding.WithActor(context.Background(), ding.SystemActor("test"))
}

// TestAPIScenarios runs a table of requests: who, what, the status and what the answer
// must contain. A refused write must leave no audit entry.
func TestAPIScenarios(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		apiTokens(f)
		id := func(unit string) int64 { return f.units[unit].ID }
		uid := func(user string) int64 { return f.users[user].ID }
		big := `{"name":"` + strings.Repeat("x", 70<<10) + `"}`
		cases := []struct {
			name   string
			user   string
			method string
			path   string
			body   string
			hdr    map[string]string
			status int
			want   []string
		}{
			// Reads follow the data scope.
			{"office lists district subtree", "office", "GET", "/api/v1/units", "", nil, 200, []string{`"total":4`, `"limit":50`, `"offset":0`, "樟潭街道"}},
			{"liaison lists own unit", "liaisonA", "GET", "/api/v1/units", "", nil, 200, []string{`"total":1`, "樟潭街道"}},
			{"admin lists roots", "admin", "GET", "/api/v1/units?parent_id=0", "", nil, 200, []string{`"total":1`, "衢州市"}},
			{"office sees no roots", "office", "GET", "/api/v1/units?parent_id=0", "", nil, 200, []string{`"total":0`, `"items":[]`}},
			{"office filters children", "office", "GET", fmt.Sprintf("/api/v1/units?parent_id=%d&kind=town", id("district")), "", nil, 200, []string{`"total":2`, "廿里镇"}},
			{"office filters subtree", "office", "GET", fmt.Sprintf("/api/v1/units?under=%d", id("townA")), "", nil, 200, []string{`"total":1`}},
			{"office searches", "office", "GET", "/api/v1/units?q=%E5%8F%91%E6%94%B9", "", nil, 200, []string{`"total":1`, "区发改局"}},
			{"liaison cannot see townB", "liaisonA", "GET", fmt.Sprintf("/api/v1/units/%d", id("townB")), "", nil, 404, []string{`"code":"not_found"`}},
			{"liaison sees own unit", "liaisonA", "GET", fmt.Sprintf("/api/v1/units/%d", id("townA")), "", nil, 200, []string{`"name":"樟潭街道"`}},
			{"path stops at scope", "office", "GET", fmt.Sprintf("/api/v1/units/%d/path", id("townA")), "", nil, 200, []string{`"total":2`, "衢江区"}},
			{"path out of scope", "liaisonA", "GET", fmt.Sprintf("/api/v1/units/%d/path", id("townB")), "", nil, 404, []string{`"code":"not_found"`}},
			{"bad id", "office", "GET", "/api/v1/units/abc", "", nil, 404, []string{`"code":"not_found"`}},
			{"unknown endpoint", "office", "GET", "/api/v1/nothing", "", nil, 404, []string{`"code":"not_found"`, "/api/v1/nothing"}},
			{"unknown method", "office", "DELETE", "/api/v1/units", "", nil, 404, []string{`"code":"not_found"`}},
			{"office lists liaisons", "office", "GET", "/api/v1/users?role=liaison", "", nil, 200, []string{`"total":2`, "liaisona", "liaisonb"}},
			{"liaison lists users", "liaisonA", "GET", "/api/v1/users", "", nil, 200, []string{`"total":1`, "liaisona"}},
			{"users by unit", "office", "GET", fmt.Sprintf("/api/v1/users?unit_id=%d", id("townB")), "", nil, 200, []string{`"total":1`, "liaisonb"}},
			{"users under", "office", "GET", fmt.Sprintf("/api/v1/users?under=%d", id("district")), "", nil, 200, []string{`"total":6`}},
			{"liaison cannot see liaisonB", "liaisonA", "GET", fmt.Sprintf("/api/v1/users/%d", uid("liaisonB")), "", nil, 404, []string{`"code":"not_found"`}},
			{"office sees admin", "office", "GET", fmt.Sprintf("/api/v1/users/%d", uid("admin")), "", nil, 200, []string{`"username":"admin"`, `"role":"admin"`}},
			{"me", "leader", "GET", "/api/v1/me", "", nil, 200, []string{`"username":"leader"`, `"scope":"unit_tree"`, `"auth":"token"`, `"manage_units":false`, `"name":"衢江区"`}},

			// Paging and filters.
			{"limit not a number", "office", "GET", "/api/v1/units?limit=abc", "", nil, 422, []string{`"code":"invalid"`, `"field":"limit"`, "limit"}},
			{"limit zero", "office", "GET", "/api/v1/units?limit=0", "", nil, 422, []string{`"field":"limit"`}},
			{"limit clamped", "office", "GET", "/api/v1/units?limit=1000", "", nil, 200, []string{`"limit":500`, `"total":4`}},
			{"limit and offset", "office", "GET", "/api/v1/units?limit=1&offset=1", "", nil, 200, []string{`"total":4`, `"limit":1`, `"offset":1`}},
			{"offset negative", "office", "GET", "/api/v1/units?offset=-1", "", nil, 422, []string{`"field":"offset"`}},
			{"bad kind", "office", "GET", "/api/v1/units?kind=moon", "", nil, 422, []string{`"field":"kind"`}},
			{"bad bool", "office", "GET", "/api/v1/units?include_disabled=maybe", "", nil, 422, []string{`"field":"include_disabled"`}},
			{"bad role", "office", "GET", "/api/v1/users?role=king", "", nil, 422, []string{`"field":"role"`}},
			{"bad under", "office", "GET", "/api/v1/users?under=-3", "", nil, 422, []string{`"field":"under"`}},

			// Authentication.
			{"no token", "", "GET", "/api/v1/me", "", nil, 401, []string{`"code":"unauthorized"`, "请先登录"}},
			{"no token write", "", "POST", "/api/v1/units", `{"name":"x"}`, nil, 401, []string{`"code":"unauthorized"`}},
			{"bad token", "", "GET", "/api/v1/units", "", map[string]string{"Authorization": "Bearer ding_nonsense"}, 401, []string{`"code":"unauthorized"`}},
			{"no token in English", "", "GET", "/api/v1/me", "", map[string]string{"Accept-Language": "en-US,en;q=0.9"}, 401, []string{"Please log in"}},

			// Permissions: refused writes leave the audit log alone.
			{"liaison patches townB", "liaisonA", "PATCH", fmt.Sprintf("/api/v1/units/%d", id("townB")), `{"name":"hacked"}`, nil, 404, []string{`"code":"not_found"`}},
			{"liaison patches own unit", "liaisonA", "PATCH", fmt.Sprintf("/api/v1/units/%d", id("townA")), `{"name":"hacked"}`, nil, 403, []string{`"code":"forbidden"`}},
			{"liaison creates unit", "liaisonA", "POST", "/api/v1/units", fmt.Sprintf(`{"parent_id":%d,"name":"新村","kind":"town"}`, id("townA")), nil, 403, []string{`"code":"forbidden"`}},
			{"viewer creates unit", "viewer", "POST", "/api/v1/units", fmt.Sprintf(`{"parent_id":%d,"name":"新村","kind":"town"}`, id("district")), nil, 403, []string{`"code":"forbidden"`}},
			{"office creates root", "office", "POST", "/api/v1/units", `{"name":"新市","kind":"city"}`, nil, 403, []string{`"code":"forbidden"`}},
			{"office creates under city", "office", "POST", "/api/v1/units", fmt.Sprintf(`{"parent_id":%d,"name":"新区","kind":"district"}`, id("city")), nil, 422, []string{`"field":"parent_id"`}},
			{"liaison moves", "liaisonA", "POST", fmt.Sprintf("/api/v1/units/%d/move", id("townA")), fmt.Sprintf(`{"parent_id":%d}`, id("dept")), nil, 403, []string{`"code":"forbidden"`}},
			{"move into own child", "office", "POST", fmt.Sprintf("/api/v1/units/%d/move", id("district")), fmt.Sprintf(`{"parent_id":%d}`, id("townA")), nil, 422, []string{`"field":"parent_id"`, "衢江区", "樟潭街道"}},
			{"move without parent", "office", "POST", fmt.Sprintf("/api/v1/units/%d/move", id("townA")), `{}`, nil, 422, []string{`"field":"parent_id"`}},
			{"liaison creates user", "liaisonA", "POST", "/api/v1/users", fmt.Sprintf(`{"username":"x1","display_name":"X","unit_id":%d,"role":"viewer","password":"abcdefg12"}`, id("townA")), nil, 403, []string{`"code":"forbidden"`}},
			{"office makes admin", "office", "POST", "/api/v1/users", fmt.Sprintf(`{"username":"boss","display_name":"Boss","unit_id":%d,"role":"admin","password":"abcdefg12"}`, id("district")), nil, 422, []string{`"field":"role"`}},
			{"liaison changes own role", "liaisonA", "PATCH", fmt.Sprintf("/api/v1/users/%d", uid("liaisonA")), `{"role":"office"}`, nil, 403, []string{`"code":"forbidden"`}},
			{"office disables admin", "office", "PATCH", fmt.Sprintf("/api/v1/users/%d", uid("admin")), `{"disabled":true}`, nil, 403, []string{`"code":"forbidden"`}},
			{"audit as office", "office", "GET", "/api/v1/audit", "", nil, 403, []string{`"code":"forbidden"`}},
			{"audit as liaison with bad filter", "liaisonA", "GET", "/api/v1/audit?from=yesterday", "", nil, 403, []string{`"code":"forbidden"`}},

			// Validation, in the caller's language.
			{"bad USCC", "office", "POST", "/api/v1/units", fmt.Sprintf(`{"parent_id":%d,"name":"某某公司","kind":"enterprise","code":"91330803MA2ABCDEF0"}`, id("district")), nil, 422,
				[]string{`"code":"invalid"`, `"field":"code"`, "统一社会信用代码"}},
			{"bad USCC in English", "office", "POST", "/api/v1/units", fmt.Sprintf(`{"parent_id":%d,"name":"某某公司","kind":"enterprise","code":"91330803MA2ABCDEF0"}`, id("district")), map[string]string{"Accept-Language": "en"}, 422,
				[]string{`"field":"code"`, "Unified social credit code"}},
			{"short USCC", "office", "POST", "/api/v1/units", fmt.Sprintf(`{"parent_id":%d,"name":"某某公司","kind":"enterprise","code":"9133"}`, id("district")), nil, 422,
				[]string{`"field":"code"`, "18"}},
			{"duplicate username", "office", "POST", "/api/v1/users", fmt.Sprintf(`{"username":"liaisona","display_name":"Dup","unit_id":%d,"role":"liaison","password":"abcdefg12"}`, id("townA")), nil, 409,
				[]string{`"code":"conflict"`, `"field":"username"`, "liaisona"}},
			{"duplicate division code", "office", "POST", "/api/v1/units", fmt.Sprintf(`{"parent_id":%d,"name":"重复区","kind":"district","code":"330803"}`, id("district")), nil, 409,
				[]string{`"code":"conflict"`, `"field":"code"`}},
			{"weak password", "office", "POST", "/api/v1/users", fmt.Sprintf(`{"username":"newbie","display_name":"New","unit_id":%d,"role":"viewer","password":"abcdefgh"}`, id("townA")), nil, 422,
				[]string{`"field":"password"`}},
			{"bad username", "office", "POST", "/api/v1/users", fmt.Sprintf(`{"username":"1x","display_name":"New","unit_id":%d,"role":"viewer","password":"abcdefg12"}`, id("townA")), nil, 422,
				[]string{`"field":"username"`}},
			{"user in unit out of scope", "office", "POST", "/api/v1/users", fmt.Sprintf(`{"username":"newbie","display_name":"New","unit_id":%d,"role":"viewer","password":"abcdefg12"}`, id("city")), nil, 422,
				[]string{`"field":"unit_id"`}},

			// Strict JSON.
			{"unknown field", "office", "POST", "/api/v1/units", fmt.Sprintf(`{"parent_id":%d,"name":"新村","kind":"town","colour":"red"}`, id("district")), nil, 422,
				[]string{`"field":"colour"`, "colour"}},
			{"unknown field in patch", "office", "PATCH", fmt.Sprintf("/api/v1/units/%d", id("townA")), `{"parent_id":1}`, nil, 422, []string{`"field":"parent_id"`}},
			{"wrong type", "office", "POST", "/api/v1/units", `{"parent_id":"one","name":"新村","kind":"town"}`, nil, 422,
				[]string{`"field":"parent_id"`, "integer"}},
			{"not an object", "office", "POST", "/api/v1/units", `[1,2]`, nil, 422, []string{`"code":"invalid"`, "object"}},
			{"syntax error", "office", "POST", "/api/v1/units", `{"name":}`, nil, 422, []string{`"code":"invalid"`, "JSON"}},
			{"truncated", "office", "POST", "/api/v1/units", `{"name":"新村"`, nil, 422, []string{`"code":"invalid"`, "JSON"}},
			{"trailing data", "office", "POST", "/api/v1/units", fmt.Sprintf(`{"parent_id":%d,"name":"新村","kind":"town"} {"x":1}`, id("district")), nil, 422, []string{`"code":"invalid"`}},
			{"empty body", "office", "POST", "/api/v1/units", "", map[string]string{"Content-Type": "application/json"}, 422, []string{`"code":"invalid"`}},
			{"form body", "office", "POST", "/api/v1/units", `name=x`, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 422,
				[]string{`"code":"invalid"`, "application/json"}},
			{"too large", "office", "POST", "/api/v1/units", big, nil, 413, []string{`"code":"too_large"`, "64 KiB"}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				before := f.auditCount()
				var body io.Reader
				if c.body != "" {
					body = strings.NewReader(c.body)
				}
				status, got := apiSend(f, c.user, c.method, c.path, body, c.hdr)
				if status != c.status {
					t.Fatalf("%s %s as %q: status %d, want %d: %.300s", c.method, c.path, c.user, status, c.status, got)
				}
				for _, w := range c.want {
					if !strings.Contains(got, w) {
						t.Errorf("%s %s as %q: answer lacks %q: %.500s", c.method, c.path, c.user, w, got)
					}
				}
				if status >= 400 {
					var e apiErr
					apiDecode(t, got, &e)
					if e.Error.Code == "" || e.Error.Message == "" {
						t.Errorf("error without code or message: %s", got)
					}
					if after := f.auditCount(); c.method != "GET" && after != before {
						t.Errorf("refused write left %d audit entries", after-before)
					}
				}
			})
		}
		// The refused PATCH changed nothing.
		u, err := f.db.FindUnitByID(sysCtx(), id("townB"))
		if err != nil || u.Name != "廿里镇" {
			t.Fatalf("townB after refused patch: %+v, %v", u, err)
		}
	})
}

func TestAPIUnitLifecycle(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		apiTokens(f)
		district := f.units["district"].ID
		// SQL metacharacters and markup go in and come out unchanged.
		name := `O'Brien"; DROP TABLE units;-- <script>alert(1)</script> 100%_\`
		in, _ := json.Marshal(map[string]any{"parent_id": district, "name": name, "short_name": "<b>", "kind": "town", "sort_order": 7})
		before := f.auditCount()
		status, body := f.api("office", "POST", "/api/v1/units", string(in))
		if status != http.StatusCreated {
			t.Fatalf("create: %d %s", status, body)
		}
		if strings.Contains(body, "<script>") {
			t.Errorf("markup not escaped in JSON: %s", body)
		}
		var u ding.Unit
		apiDecode(t, body, &u)
		if u.ID == 0 || u.Name != name || u.ShortName != "<b>" || u.ParentID != district || u.Depth != 2 || u.SortOrder != 7 {
			t.Fatalf("created unit: %+v", u)
		}
		if f.auditCount() != before+1 {
			t.Fatalf("create left %d audit entries", f.auditCount()-before)
		}

		status, body = f.api("office", "GET", fmt.Sprintf("/api/v1/units/%d", u.ID), "")
		var got ding.Unit
		apiDecode(t, body, &got)
		if status != 200 || got.Name != name {
			t.Fatalf("read back: %d %q", status, got.Name)
		}
		status, body = f.api("office", "GET", "/api/v1/units?q="+url.QueryEscape(`O'Brien"; DROP TABLE units;--`), "")
		var list apiList[ding.Unit]
		apiDecode(t, body, &list)
		if status != 200 || list.Total != 1 || list.Items[0].Name != name {
			t.Fatalf("search by metacharacters: %d %+v", status, list)
		}
		status, body = f.api("office", "GET", "/api/v1/units?q="+url.QueryEscape("100%_"), "")
		apiDecode(t, body, &list)
		if status != 200 || list.Total != 1 {
			t.Fatalf("search by LIKE wildcards: %d %+v", status, list)
		}
		f.api("office", "GET", "/api/v1/units", "")
		if _, n, err := f.db.FindUnits(sysCtx(), ding.UnitFilter{}); err != nil || n != 6 {
			t.Fatalf("units after injection attempt: %d %v", n, err)
		}

		// PATCH: absent and null fields stay, present ones change.
		status, body = f.api("office", "PATCH", fmt.Sprintf("/api/v1/units/%d", u.ID), `{"short_name":null,"sort_order":3,"name":"新塘边镇"}`)
		apiDecode(t, body, &got)
		if status != 200 || got.Name != "新塘边镇" || got.ShortName != "<b>" || got.SortOrder != 3 || got.Kind != ding.UnitTown {
			t.Fatalf("patch: %d %+v", status, got)
		}
		// Move it under townA, and its path shows the way down.
		status, body = f.api("office", "POST", fmt.Sprintf("/api/v1/units/%d/move", u.ID), fmt.Sprintf(`{"parent_id":%d}`, f.units["townA"].ID))
		apiDecode(t, body, &got)
		if status != 200 || got.ParentID != f.units["townA"].ID || got.Depth != 3 {
			t.Fatalf("move: %d %+v", status, got)
		}
		status, body = f.api("admin", "GET", fmt.Sprintf("/api/v1/units/%d/path", u.ID), "")
		var path struct {
			Items []ding.Unit
			Total int
		}
		apiDecode(t, body, &path)
		var names []string
		for _, p := range path.Items {
			names = append(names, p.Name)
		}
		if status != 200 || strings.Join(names, "/") != "衢州市/衢江区/樟潭街道/新塘边镇" || path.Total != 4 {
			t.Fatalf("path: %d %v", status, names)
		}
		// Disable it: hidden by default, listed with include_disabled.
		if status, body = f.api("office", "PATCH", fmt.Sprintf("/api/v1/units/%d", u.ID), `{"disabled":true}`); status != 200 {
			t.Fatalf("disable: %d %s", status, body)
		}
		_, body = f.api("office", "GET", fmt.Sprintf("/api/v1/units?under=%d", f.units["townA"].ID), "")
		apiDecode(t, body, &list)
		if list.Total != 1 {
			t.Fatalf("disabled unit listed: %+v", list)
		}
		_, body = f.api("office", "GET", fmt.Sprintf("/api/v1/units?under=%d&include_disabled=true", f.units["townA"].ID), "")
		apiDecode(t, body, &list)
		if list.Total != 2 {
			t.Fatalf("include_disabled: %+v", list)
		}

		// The audit log tells the story to administrators, newest first.
		status, body = f.api("admin", "GET", fmt.Sprintf("/api/v1/audit?entity=unit&entity_id=%d", u.ID), "")
		var audit apiList[ding.AuditEntry]
		apiDecode(t, body, &audit)
		var actions []string
		for _, e := range audit.Items {
			actions = append(actions, e.Action)
		}
		if status != 200 || strings.Join(actions, ",") != "disable,move,update,create" || audit.Total != 4 {
			t.Fatalf("audit: %d %v", status, actions)
		}
		created := audit.Items[3]
		var after ding.Unit
		apiDecode(t, string(created.After), &after)
		if created.ActorName != "office" || created.ActorID != f.users["office"].ID || after.Name != name {
			t.Fatalf("audit create entry: %+v", created)
		}
		for q, want := range map[string]int{
			"&action=create": 1,
			"&actor=offi":    4,
			fmt.Sprintf("&actor_id=%d", f.users["admin"].ID): 0,
			"&from=2000-01-01&to=2999-12-31":                 4,
			"&from=2999-01-01":                               0,
			"&to=2000-01-01":                                 0,
			"&from=2000-01-01T00:00:00%2B08:00":              4,
			"&from=2000-01-01T00:00:00+08:00":                4, // an unencoded + arrives as a space
			"&limit=1":                                       4,
		} {
			status, body = f.api("admin", "GET", fmt.Sprintf("/api/v1/audit?entity=unit&entity_id=%d", u.ID)+q, "")
			apiDecode(t, body, &audit)
			if status != 200 || audit.Total != want {
				t.Errorf("audit %s: %d total %d, want %d", q, status, audit.Total, want)
			}
		}
		if status, body = f.api("admin", "GET", "/api/v1/audit?from=03/01/2024", ""); status != 422 || !strings.Contains(body, `"field":"from"`) {
			t.Errorf("bad from: %d %s", status, body)
		}
		if status, body = f.api("admin", "GET", "/api/v1/audit?entity=nothing", ""); status != 200 || !strings.Contains(body, `"items":[]`) {
			t.Errorf("empty audit list: %d %s", status, body)
		}
	})
}

func TestAPIUsers(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		apiTokens(f)
		townA := f.units["townA"].ID
		before := f.auditCount()
		status, body := f.api("office", "POST", "/api/v1/users", fmt.Sprintf(
			`{"username":"  Zhang.San ","display_name":"张三 <i>","unit_id":%d,"role":"liaison","email":"zs@example.cn","lang":"en","password":"s3cret-pass"}`, townA))
		if status != http.StatusCreated {
			t.Fatalf("create user: %d %s", status, body)
		}
		if strings.Contains(body, "s3cret") || strings.Contains(body, "argon2") || strings.Contains(body, "password") {
			t.Fatalf("answer leaks the password: %s", body)
		}
		var u ding.User
		apiDecode(t, body, &u)
		if u.ID == 0 || u.Username != "zhang.san" || u.DisplayName != "张三 <i>" || u.Scope != ding.ScopeUnit || u.UnitName != "樟潭街道" || u.Lang != "en" {
			t.Fatalf("created user: %+v", u)
		}
		if f.auditCount() != before+1 {
			t.Fatalf("create user left %d audit entries", f.auditCount()-before)
		}
		rec, err := f.db.UserForLogin(context.Background(), "zhang.san")
		if err != nil {
			t.Fatal(err)
		}
		if ok, _ := auth.Verify(rec.PasswordHash, "s3cret-pass"); !ok {
			t.Fatal("password not stored as a hash of the given one")
		}

		// GET and list never carry hashes.
		for _, p := range []string{fmt.Sprintf("/api/v1/users/%d", u.ID), "/api/v1/users?include_disabled=1&limit=500"} {
			status, body = f.api("admin", "GET", p, "")
			if status != 200 || strings.Contains(body, "argon2") || strings.Contains(body, "hash") {
				t.Fatalf("GET %s: %d %s", p, status, body)
			}
		}

		// A user edits their own profile but not their role.
		status, body = f.api("liaisonA", "PATCH", fmt.Sprintf("/api/v1/users/%d", f.users["liaisonA"].ID), `{"display_name":"小李","phone":"0570-1234567"}`)
		var got ding.User
		apiDecode(t, body, &got)
		if status != 200 || got.DisplayName != "小李" || got.Phone != "0570-1234567" || got.Role != ding.RoleLiaison {
			t.Fatalf("self patch: %d %+v", status, got)
		}
		// A manager changes role; the scope follows the role's default.
		status, body = f.api("office", "PATCH", fmt.Sprintf("/api/v1/users/%d", u.ID), `{"role":"viewer"}`)
		apiDecode(t, body, &got)
		if status != 200 || got.Role != ding.RoleViewer || got.Scope != ding.ScopeUnitTree {
			t.Fatalf("role patch: %d %+v", status, got)
		}
		// Wrong types and unknown values are refused with the field named.
		if status, body = f.api("office", "PATCH", fmt.Sprintf("/api/v1/users/%d", u.ID), `{"scope":"galaxy"}`); status != 422 || !strings.Contains(body, `"field":"scope"`) {
			t.Fatalf("bad scope: %d %s", status, body)
		}
		if status, body = f.api("office", "PATCH", fmt.Sprintf("/api/v1/users/%d", u.ID), `{"disabled":"yes"}`); status != 422 || !strings.Contains(body, `"field":"disabled"`) {
			t.Fatalf("bad disabled: %d %s", status, body)
		}

		// The caller's language comes from their setting: zhang.san chose English.
		f.users["zhang.san"] = &got
		status, body = apiSend(f, "zhang.san", "GET", "/api/v1/units?limit=x", nil, map[string]string{"Accept-Language": "zh-CN"})
		if status != 422 || !strings.Contains(body, "Invalid value for parameter limit") {
			t.Fatalf("user language: %d %s", status, body)
		}
	})
}

func TestAPIPasswords(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		apiTokens(f)
		pw := func(user string) string { return fmt.Sprintf("/api/v1/users/%d/password", f.users[user].ID) }
		check := func(user, password string) bool {
			rec, err := f.db.UserForLogin(context.Background(), strings.ToLower(user))
			if err != nil {
				t.Fatal(err)
			}
			ok, _ := auth.Verify(rec.PasswordHash, password)
			return ok
		}
		refused := []struct {
			user, path, body string
			status           int
			want             string
		}{
			{"liaisonA", pw("liaisonA"), `{"password":"newpass123"}`, 422, `"field":"current_password"`},
			{"liaisonA", pw("liaisonA"), `{"password":"newpass123","current_password":"wrong-one1"}`, 422, `"field":"current_password"`},
			{"liaisonA", pw("liaisonA"), `{"password":"short1","current_password":"` + testPassword + `"}`, 422, `"field":"password"`},
			{"liaisonA", pw("liaisonB"), `{"password":"newpass123"}`, 403, `"code":"forbidden"`},
			{"viewer", pw("liaisonA"), `{"password":"newpass123"}`, 403, `"code":"forbidden"`},
			{"office", pw("admin"), `{"password":"newpass123"}`, 403, `"code":"forbidden"`},
			{"office", "/api/v1/users/999999/password", `{"password":"newpass123"}`, 404, `"code":"not_found"`},
			{"office", pw("liaisonB"), `{"password":"abc"}`, 422, `"field":"password"`},
		}
		for _, c := range refused {
			before := f.auditCount()
			status, body := f.api(c.user, "POST", c.path, c.body)
			if status != c.status || !strings.Contains(body, c.want) {
				t.Errorf("%s %s %s: %d %s", c.user, c.path, c.body, status, body)
			}
			if f.auditCount() != before {
				t.Errorf("refused password change left an audit entry")
			}
		}
		if !check("liaisonA", testPassword) || !check("liaisonB", testPassword) || !check("admin", testPassword) {
			t.Fatal("a refused change changed a password")
		}

		// Own change with the current password; a manager's reset.
		if status, body := f.api("liaisonA", "POST", pw("liaisonA"), `{"password":"newpass123","current_password":"`+testPassword+`"}`); status != http.StatusNoContent || body != "" {
			t.Fatalf("own change: %d %s", status, body)
		}
		if !check("liaisonA", "newpass123") {
			t.Fatal("own change not stored")
		}
		if status, body := f.api("office", "POST", pw("liaisonB"), `{"password":"reset-pass9"}`); status != http.StatusNoContent {
			t.Fatalf("reset: %d %s", status, body)
		}
		if !check("liaisonB", "reset-pass9") {
			t.Fatal("reset not stored")
		}
		_, body := f.api("admin", "GET", fmt.Sprintf("/api/v1/audit?entity=user&entity_id=%d", f.users["liaisonB"].ID), "")
		if !strings.Contains(body, `"action":"reset_password"`) || strings.Contains(body, "argon2") {
			t.Fatalf("reset audit: %s", body)
		}
	})
}

func TestAPITokens(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		apiTokens(f)
		status, body := f.api("office", "POST", "/api/v1/tokens", `{"name":"  nightly sync "}`)
		if status != http.StatusCreated {
			t.Fatalf("create token: %d %s", status, body)
		}
		var nt struct {
			Token  ding.Token
			Secret string
		}
		apiDecode(t, body, &nt)
		if !strings.HasPrefix(nt.Secret, "ding_") || nt.Token.Name != "nightly sync" || nt.Token.ID == 0 ||
			!strings.HasPrefix(nt.Secret, nt.Token.Prefix) || len(nt.Token.Prefix) >= len(nt.Secret) || nt.Token.UserID != f.users["office"].ID {
			t.Fatalf("new token: %+v", nt)
		}
		bearer := map[string]string{"Authorization": "Bearer " + nt.Secret}
		status, body = apiSend(f, "", "GET", "/api/v1/me", nil, bearer)
		if status != 200 || !strings.Contains(body, `"username":"office"`) || !strings.Contains(body, fmt.Sprintf(`"token":{"id":%d`, nt.Token.ID)) {
			t.Fatalf("me with new token: %d %s", status, body)
		}

		// The list shows the caller's tokens, never a secret or a hash.
		status, body = f.api("office", "GET", "/api/v1/tokens", "")
		var list apiList[ding.Token]
		apiDecode(t, body, &list)
		if status != 200 || list.Total != 2 || list.Items[0].ID != nt.Token.ID || strings.Contains(body, nt.Secret) || strings.Contains(body, auth.HashSecret(nt.Secret)) {
			t.Fatalf("token list: %d %s", status, body)
		}
		if _, body = f.api("liaisonA", "GET", "/api/v1/tokens?limit=1&offset=5", ""); !strings.Contains(body, `"items":[]`) || !strings.Contains(body, `"total":1`) {
			t.Fatalf("paged token list: %s", body)
		}

		// Someone else's token is not found, and stays alive.
		before := f.auditCount()
		if status, body = f.api("liaisonA", "DELETE", fmt.Sprintf("/api/v1/tokens/%d", nt.Token.ID), ""); status != 404 {
			t.Fatalf("revoke another's token: %d %s", status, body)
		}
		if f.auditCount() != before {
			t.Fatal("refused revoke left an audit entry")
		}
		if status, _ = apiSend(f, "", "GET", "/api/v1/me", nil, bearer); status != 200 {
			t.Fatalf("token died after a refused revoke: %d", status)
		}
		// Revoked with itself, it no longer works.
		if status, body = apiSend(f, "", "DELETE", fmt.Sprintf("/api/v1/tokens/%d", nt.Token.ID), nil, bearer); status != http.StatusNoContent || body != "" {
			t.Fatalf("revoke: %d %s", status, body)
		}
		if f.auditCount() != before+1 {
			t.Fatal("revoke left no audit entry")
		}
		if status, body = apiSend(f, "", "GET", "/api/v1/me", nil, bearer); status != 401 || !strings.Contains(body, `"code":"unauthorized"`) {
			t.Fatalf("revoked token: %d %s", status, body)
		}
		// Revoking again is harmless; an empty name is refused.
		if status, _ = f.api("office", "DELETE", fmt.Sprintf("/api/v1/tokens/%d", nt.Token.ID), ""); status != http.StatusNoContent {
			t.Fatalf("second revoke: %d", status)
		}
		before = f.auditCount()
		if status, body = f.api("office", "POST", "/api/v1/tokens", `{"name":"  "}`); status != 422 || !strings.Contains(body, `"field":"name"`) {
			t.Fatalf("empty token name: %d %s", status, body)
		}
		if f.auditCount() != before {
			t.Fatal("refused token left an audit entry")
		}
	})
}

// TestAPICookieCSRF checks that cookie callers need the CSRF header on writes, and that
// large bodies without a Content-Length are cut at the limit.
func TestAPICookieCSRF(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		apiTokens(f)
		c := f.login("office")
		send := func(method, path, body, csrf string) (int, string) {
			req, err := http.NewRequest(method, f.ts.URL+path, strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			if csrf != "" {
				req.Header.Set(csrfHeader, csrf)
			}
			res, err := c.hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			return res.StatusCode, string(b)
		}
		if status, body := send("GET", "/api/v1/me", "", ""); status != 200 || !strings.Contains(body, `"auth":"session"`) {
			t.Fatalf("me with cookie: %d %s", status, body)
		}
		unit := fmt.Sprintf(`{"parent_id":%d,"name":"云溪乡","kind":"town"}`, f.units["district"].ID)
		before := f.auditCount()
		for _, tok := range []string{"", "wrong-token"} {
			if status, body := send("POST", "/api/v1/units", unit, tok); status != 403 || !strings.Contains(body, `"code":"csrf"`) {
				t.Fatalf("post with csrf %q: %d %s", tok, status, body)
			}
		}
		if status, _ := send("PATCH", fmt.Sprintf("/api/v1/units/%d", f.units["townA"].ID), `{"name":"x"}`, ""); status != 403 {
			t.Fatalf("patch without csrf: %d", status)
		}
		if f.auditCount() != before {
			t.Fatal("refused cookie write left an audit entry")
		}
		if status, body := send("POST", "/api/v1/units", unit, c.csrf); status != http.StatusCreated || !strings.Contains(body, "云溪乡") {
			t.Fatalf("post with csrf: %d %s", status, body)
		}
		if f.auditCount() != before+1 {
			t.Fatal("cookie write left no audit entry")
		}

		// A chunked body over the limit: 413, nothing written.
		before = f.auditCount()
		rd := io.MultiReader(strings.NewReader(`{"name":"`), strings.NewReader(strings.Repeat("x", 70<<10)), strings.NewReader(`","kind":"town"}`))
		status, body := apiSend(f, "office", "POST", "/api/v1/units", rd, nil)
		if status != http.StatusRequestEntityTooLarge || !strings.Contains(body, `"code":"too_large"`) {
			t.Fatalf("chunked large body: %d %.300s", status, body)
		}
		if f.auditCount() != before {
			t.Fatal("too large body left an audit entry")
		}
	})
}

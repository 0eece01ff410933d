package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"ding"
	"ding/auth"
)

// auditPageRows counts the entries shown on an audit page.
func auditPageRows(body string) int { return strings.Count(body, `class="audit-row"`) }

// auditPageExpect fetches an audit page and checks both the total and the rows shown.
func auditPageExpect(t *testing.T, c *client, path string, total, rows int) string {
	t.Helper()
	res, body := c.getRes(path)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s: status %d", path, res.StatusCode)
	}
	if !strings.Contains(body, fmt.Sprintf("共 %d 条", total)) || auditPageRows(body) != rows {
		m := regexp.MustCompile(`共 \d+ 条`).FindString(body)
		t.Fatalf("%s: %q and %d rows, want %d and %d", path, m, auditPageRows(body), total, rows)
	}
	return body
}

func TestAuditPageListsUserCreation(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		c := f.login("admin")
		if res, _ := c.submit("/users", userPageNewForm(f, "zhangsan")); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d", res.StatusCode)
		}
		u := userPageGet(t, f, "zhangsan")
		all := f.auditCount()
		body := auditPageExpect(t, c, "/audit", all, all)
		if k := missingKeyRE.FindString(body); k != "" {
			t.Fatalf("untranslated key %q", k)
		}
		// Newest first: the creation comes before the fixture's entries; the login is older.
		row := body[strings.Index(body, `class="audit-row"`):]
		row = row[:strings.Index(row, "</tr>")]
		for _, want := range []string{
			`<a href="/audit?actor=admin">admin</a>`,
			fmt.Sprintf(`<a href="/users/%d">#%d</a>`, u.ID, u.ID),
			"用户", "新建", "<details>",
			"&#34;username&#34;: &#34;zhangsan&#34;",
			"&#34;display_name&#34;: &#34;张三&#34;",
		} {
			if !strings.Contains(row, want) {
				t.Fatalf("newest row lacks %q:\n%s", want, row)
			}
		}
		if strings.Contains(row, "变更前") {
			t.Fatal("a creation shows a before state")
		}
		// An update shows which fields changed, before and after.
		form := userFormValues(u)
		form.Set("display_name", "张三丰")
		form.Set("phone", "")
		if res, _ := c.submit(fmt.Sprintf("/users/%d", u.ID), form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("edit: %d", res.StatusCode)
		}
		body = auditPageExpect(t, c, fmt.Sprintf("/audit?entity=user&entity_id=%d", u.ID), 2, 2)
		for _, want := range []string{"修改：display_name, phone", "变更前", "变更后", "&#34;display_name&#34;: &#34;张三丰&#34;"} {
			if !strings.Contains(body, want) {
				t.Fatalf("update entry lacks %q", want)
			}
		}
		// The user page links to this history.
		if !strings.Contains(c.get(fmt.Sprintf("/users/%d", u.ID)), fmt.Sprintf(`href="/audit?entity=user&amp;entity_id=%d"`, u.ID)) {
			t.Fatal("user page lacks the audit link")
		}
	})
}

func TestAuditPageForbidden(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		for _, name := range []string{"office", "leader", "liaisonA", "viewer"} {
			c := f.login(name)
			for _, p := range []string{"/audit", "/audit?format=csv", "/audit?from=bad"} {
				res, body := c.getRes(p)
				if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "您没有执行此操作的权限") {
					t.Fatalf("%s GET %s: %d", name, p, res.StatusCode)
				}
				if strings.Contains(body, "audit-row") || strings.HasPrefix(body, "\ufeff") {
					t.Fatalf("%s sees audit entries", name)
				}
			}
			if strings.Contains(c.get("/"), `href="/audit"`) {
				t.Fatalf("%s is offered the audit log", name)
			}
		}
		if res, _ := f.anon().getRes("/audit"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
			t.Fatalf("anonymous /audit: %d", res.StatusCode)
		}
	})
}

func TestAuditPageFilters(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		c := f.login("admin")
		// The fixture made 5 units and 6 users as "test"; the admin's login added a session.
		all := f.auditCount()
		if all != 12 {
			t.Fatalf("fixture left %d audit entries, want 12", all)
		}
		la := f.users["liaisonA"].ID
		today := time.Now().In(shanghai)
		day := func(d int) string { return today.AddDate(0, 0, d).Format(time.DateOnly) }
		for _, tc := range []struct {
			q     string
			total int
		}{
			{"entity=unit", 5},
			{"entity=user", 6},
			{"entity=user&action=create", 6},
			{"entity=session&action=login", 1},
			{"action=create", 11},
			{"action=disable", 0},
			{fmt.Sprintf("entity=user&entity_id=%d", la), 1},
			{"actor=test", 11},
			{"actor=adm", 1},
			{"from=" + day(0), all},
			{"from=" + day(1), 0},
			{"to=" + day(0), all}, // the end date counts whole
			{"to=" + day(-1), 0},  // nothing happened before today
			{"from=" + day(-3) + "&to=" + day(0) + "&entity=unit", 5},
		} {
			auditPageExpect(t, c, "/audit?"+tc.q, tc.total, tc.total)
		}
		// Wrong filters: 422 with the message by the field, and no entries.
		for _, tc := range []struct{ q, msg string }{
			{"from=2024-13-45", "日期格式应为 YYYY-MM-DD"},
			{"to=yesterday", "日期格式应为 YYYY-MM-DD"},
			{"from=" + day(0) + "&to=" + day(-1), "截止日期不能早于起始日期"},
			{"entity_id=abc", "参数 entity_id 的值无效"},
		} {
			res, body := c.getRes("/audit?" + tc.q)
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, tc.msg) ||
				!strings.Contains(body, "has-error") || auditPageRows(body) != 0 {
				t.Fatalf("%s: %d", tc.q, res.StatusCode)
			}
		}
	})
}

func TestAuditPagePagination(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		ctx := userPageSys()
		hash, _ := auth.FastHasher.Hash(testPassword)
		for i := range 50 {
			u := &ding.User{Username: fmt.Sprintf("bulk%02d", i), DisplayName: "批量", UnitID: f.units["townB"].ID, Role: ding.RoleViewer}
			if err := f.db.CreateUser(ctx, u, hash); err != nil {
				t.Fatal(err)
			}
		}
		c := f.login("admin")
		p1 := auditPageExpect(t, c, "/audit?entity=user", 56, 50)
		if !strings.Contains(p1, "bulk49") || strings.Contains(p1, "&#34;username&#34;: &#34;admin&#34;") {
			t.Fatal("page 1 is not newest first")
		}
		next := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(p1)
		if next == nil || !strings.Contains(next[1], "entity=user") {
			t.Fatalf("next link %v drops the filter", next)
		}
		p2 := auditPageExpect(t, c, strings.ReplaceAll(next[1], "&amp;", "&"), 56, 6)
		if !strings.Contains(p2, "&#34;username&#34;: &#34;admin&#34;") || strings.Contains(p2, `rel="next"`) {
			t.Fatal("page 2 lacks the oldest entries or offers a next page")
		}
	})
}

func TestAuditPageCSV(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		c := f.login("admin")
		res, body := c.getRes("/audit?format=csv&entity=unit&page=3")
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") ||
			!strings.Contains(res.Header.Get("Content-Disposition"), `attachment; filename="audit-`) {
			t.Fatalf("csv: %d %s %s", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"))
		}
		if !strings.HasPrefix(body, "\ufeff") {
			t.Fatal("csv lacks the BOM")
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"时间", "操作人", "IP 地址", "对象类型", "对象 ID", "操作", "变更前", "变更后"}
		if len(recs) != 6 || strings.Join(recs[0], "|") != strings.Join(want, "|") {
			t.Fatalf("csv: %d records, header %v", len(recs), recs[0])
		}
		names := map[string]bool{}
		for _, r := range recs[1:] {
			if r[1] != "test" || r[3] != "单位" || r[5] != "新建" || r[6] != "" || !strings.Contains(r[7], `"name"`) {
				t.Fatalf("csv row %v", r)
			}
			if _, err := time.Parse("2006-01-02 15:04:05", r[0]); err != nil {
				t.Fatalf("csv time %q", r[0])
			}
			for _, u := range f.units {
				if r[4] == fmt.Sprint(u.ID) && strings.Contains(r[7], u.Name) {
					names[u.Name] = true
				}
			}
		}
		if len(names) != 5 {
			t.Fatalf("csv rows match %d units, want 5", len(names))
		}
		// The export link on the page carries the filters.
		page := c.get("/audit?entity=user&action=create")
		if !strings.Contains(page, `href="/audit?action=create&amp;entity=user&amp;format=csv"`) {
			t.Fatal("export link lacks the filters")
		}
		// A bad filter gives no file.
		if res, body := c.getRes("/audit?format=csv&from=nope"); res.StatusCode != http.StatusUnprocessableEntity || strings.HasPrefix(body, "\ufeff") {
			t.Fatalf("csv with a bad filter: %d", res.StatusCode)
		}
	})
}

package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ding"
)

// unitTestSys is a context with the system actor, to read the database back.
func unitTestSys() context.Context {
	return ding.WithActor(context.Background(), ding.SystemActor("test"))
}

// unitTestCount counts every unit, disabled ones included.
func unitTestCount(f *fixture) int {
	f.t.Helper()
	_, n, err := f.db.FindUnits(unitTestSys(), ding.UnitFilter{IncludeDisabled: true})
	if err != nil {
		f.t.Fatal(err)
	}
	return n
}

// unitTestGet reads a unit back as the system.
func unitTestGet(f *fixture, id int64) *ding.Unit {
	f.t.Helper()
	u, err := f.db.FindUnitByID(unitTestSys(), id)
	if err != nil {
		f.t.Fatalf("unit %d: %v", id, err)
	}
	return u
}

// unitTestFind returns the one unit with the exact name, or nil.
func unitTestFind(f *fixture, name string) *ding.Unit {
	f.t.Helper()
	units, _, err := f.db.FindUnits(unitTestSys(), ding.UnitFilter{Query: name, IncludeDisabled: true})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, u := range units {
		if u.Name == name {
			return u
		}
	}
	return nil
}

// unitTestTree returns the org tree part of the units page.
func unitTestTree(t *testing.T, body string) string {
	t.Helper()
	i := strings.Index(body, `id="unit-tree"`)
	if i < 0 {
		t.Fatalf("no tree on the page: %.500s", body)
	}
	j := strings.Index(body[i:], "</div>")
	return body[i : i+j]
}

func unitTestPath(u *ding.Unit, suffix string) string {
	return fmt.Sprintf("/units/%d%s", u.ID, suffix)
}

func TestUnitPageCreate(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		c := f.login("office")
		district := f.units["district"]

		res, body := c.getRes("/units/new?parent=" + itoa(district.ID))
		if res.StatusCode != http.StatusOK {
			t.Fatalf("new form: %d", res.StatusCode)
		}
		if !strings.Contains(body, fmt.Sprintf(`<option value="%d" selected>`, district.ID)) {
			t.Fatalf("the parent from the URL is not preselected: %s", body)
		}
		if strings.Contains(body, "衢州市") {
			t.Fatalf("the form offers the city, which is outside the office's scope")
		}
		if strings.Contains(body, `<option value="0">`) {
			t.Fatalf("a non-administrator is offered a top-level unit")
		}

		if body := f.login("admin").get("/units/new"); !strings.Contains(body, `<option value="0">（无，作为顶级单位）</option>`) {
			t.Fatalf("an administrator is not offered a top-level unit")
		}

		units, audits := unitTestCount(f), f.auditCount()
		res, _ = c.submit("/units", url.Values{"parent_id": {itoa(district.ID)}, "name": {"  新城街道 "},
			"short_name": {"新城"}, "kind": {"town"}, "sort_order": {"5"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d", res.StatusCode)
		}
		u := unitTestFind(f, "新城街道")
		if u == nil {
			t.Fatalf("the unit was not created")
		}
		if want := fmt.Sprintf("/units/%d?flash=created", u.ID); res.Header.Get("Location") != want {
			t.Fatalf("redirect to %q, want %q", res.Header.Get("Location"), want)
		}
		if u.ParentID != district.ID || u.Depth != 2 || u.ShortName != "新城" || u.Kind != ding.UnitTown || u.SortOrder != 5 {
			t.Fatalf("stored unit: %+v", u)
		}
		if unitTestCount(f) != units+1 || f.auditCount() != audits+1 {
			t.Fatalf("units %d→%d, audit %d→%d", units, unitTestCount(f), audits, f.auditCount())
		}

		page := c.get(res.Header.Get("Location"))
		if !strings.Contains(page, "已创建") || !strings.Contains(page, "新城街道") {
			t.Fatalf("the detail page lacks the flash or the name: %.800s", page)
		}
		tree := unitTestTree(t, c.get("/units"))
		di, ni := strings.Index(tree, "衢江区"), strings.Index(tree, "新城街道")
		if di < 0 || ni < di || !strings.Contains(tree[di:ni], "<ul>") {
			t.Fatalf("the new unit is not nested under the district: %s", tree)
		}
		// The city is outside the office's scope, so the district is a root of its tree.
		if strings.Contains(tree, "衢州市") || strings.Count(tree[:di], "<li>") != 1 {
			t.Fatalf("the district should be the office's only root: %s", tree)
		}
	})
}

func TestUnitPageCreateInvalid(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		c := f.login("office")
		district := itoa(f.units["district"].ID)
		// A well-formed USCC with its check character swapped for another valid one.
		good := "91330803MA2B3C4D5"
		check, _ := ding.USCCCheckChar(good)
		wrong := byte('0')
		if check == '0' {
			wrong = '1'
		}
		badUSCC := good + string(wrong)

		tests := []struct {
			name   string
			form   url.Values
			status int
			msg    string
			field  string
		}{
			{"uscc check", url.Values{"name": {"某某科技有限公司"}, "kind": {"enterprise"}, "code": {badUSCC}},
				http.StatusUnprocessableEntity, "统一社会信用代码“" + badUSCC + "”校验位不正确", "code"},
			{"uscc length", url.Values{"name": {"某某科技有限公司"}, "kind": {"enterprise"}, "code": {"91330803"}},
				http.StatusUnprocessableEntity, "统一社会信用代码“91330803”长度为 8 位，应为 18 位", "code"},
			{"division code", url.Values{"name": {"某某区"}, "kind": {"district"}, "code": {"990803"}},
				http.StatusUnprocessableEntity, "行政区划代码“990803”无效", "code"},
			{"no name", url.Values{"name": {"  "}, "kind": {"town"}},
				http.StatusUnprocessableEntity, "请填写单位名称", "name"},
			{"no kind", url.Values{"name": {"某某镇"}},
				http.StatusUnprocessableEntity, "单位类型无效", "kind"},
			{"sort order", url.Values{"name": {"某某镇"}, "kind": {"town"}, "sort_order": {"first"}},
				http.StatusUnprocessableEntity, "排序须为整数", "sort_order"},
			{"no parent", url.Values{"name": {"某某镇"}, "kind": {"town"}, "parent_id": {""}},
				http.StatusUnprocessableEntity, "请选择上级单位", "parent_id"},
			{"parent out of scope", url.Values{"name": {"某某镇"}, "kind": {"town"}, "parent_id": {itoa(f.units["city"].ID)}},
				http.StatusUnprocessableEntity, "上级单位不存在或不在您的管理范围内", "parent_id"},
			{"duplicate code", url.Values{"name": {"另一个区"}, "kind": {"district"}, "code": {"330803"}},
				http.StatusConflict, "代码“330803”已被其他单位使用", "code"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if _, ok := tt.form["parent_id"]; !ok {
					tt.form.Set("parent_id", district)
				}
				units, audits := unitTestCount(f), f.auditCount()
				typed := tt.form.Get("name")
				res, body := c.submit("/units", tt.form)
				if res.StatusCode != tt.status {
					t.Fatalf("status %d, want %d", res.StatusCode, tt.status)
				}
				if !strings.Contains(body, `<span class="field-error">`+tt.msg) {
					t.Fatalf("no field message %q: %s", tt.msg, body)
				}
				form := body[strings.Index(body, `id="unit-form"`):]
				i := strings.Index(form, `name="`+tt.field+`"`)
				if i < 0 || !strings.HasPrefix(form[strings.LastIndex(form[:i], "<label"):], `<label class="has-error">`) {
					t.Fatalf("the field %s is not marked", tt.field)
				}
				if strings.TrimSpace(typed) != "" && !strings.Contains(body, `value="`+typed+`"`) {
					t.Fatalf("the typed name %q is lost", typed)
				}
				if n := unitTestCount(f); n != units {
					t.Fatalf("units %d→%d", units, n)
				}
				if n := f.auditCount(); n != audits {
					t.Fatalf("audit %d→%d", audits, n)
				}
			})
		}
	})
}

func TestUnitPageScope(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		c := f.login("liaisonA")
		townA, townB := f.units["townA"], f.units["townB"]

		if res, _ := c.getRes(unitTestPath(townA, "")); res.StatusCode != http.StatusOK {
			t.Fatalf("own unit: %d", res.StatusCode)
		}
		if res, body := c.getRes(unitTestPath(townB, "")); res.StatusCode != http.StatusNotFound || strings.Contains(body, "廿里镇") {
			t.Fatalf("another town: %d", res.StatusCode)
		}
		if res, _ := c.getRes("/units/999999"); res.StatusCode != http.StatusNotFound {
			t.Fatalf("missing unit: %d", res.StatusCode)
		}
		tree := unitTestTree(t, c.get("/units"))
		if !strings.Contains(tree, "樟潭街道") || strings.Contains(tree, "廿里镇") || strings.Contains(tree, "衢江区") {
			t.Fatalf("the liaison's tree: %s", tree)
		}

		before, audits := *unitTestGet(f, townB.ID), f.auditCount()
		for _, p := range []struct {
			path string
			form url.Values
		}{
			{"", url.Values{"name": {"被改名"}, "kind": {"town"}}},
			{"", url.Values{"name": {"被改名"}, "kind": {"town"}, "sort_order": {"x"}}}, // a form error must not tell either
			{"/move", url.Values{"parent_id": {itoa(townA.ID)}}},
			{"/disable", nil},
			{"/enable", nil},
		} {
			if res, _ := c.submit(unitTestPath(townB, p.path), p.form); res.StatusCode != http.StatusNotFound {
				t.Fatalf("POST %s on another town: %d, want 404", p.path, res.StatusCode)
			}
		}
		if after := unitTestGet(f, townB.ID); *after != before {
			t.Fatalf("town B changed: %+v → %+v", before, *after)
		}

		// A liaison manages no units: the form and the create are refused.
		units := unitTestCount(f)
		if res, _ := c.getRes("/units/new"); res.StatusCode != http.StatusForbidden {
			t.Fatalf("new form for a liaison: %d", res.StatusCode)
		}
		res, body := c.submit("/units", url.Values{"parent_id": {itoa(townA.ID)}, "name": {"某村"}, "kind": {"town"}})
		if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "您没有执行此操作的权限") {
			t.Fatalf("create by a liaison: %d", res.StatusCode)
		}
		if res, _ := c.submit(unitTestPath(townA, ""), url.Values{"name": {"被改名"}, "kind": {"town"}}); res.StatusCode != http.StatusForbidden {
			t.Fatalf("update of the own unit by a liaison: %d", res.StatusCode)
		}
		if unitTestCount(f) != units || f.auditCount() != audits || unitTestGet(f, townA.ID).Name != "樟潭街道" {
			t.Fatalf("something was written")
		}
	})
}

func TestUnitPageViewer(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		c := f.login("viewer")
		district := f.units["district"]
		res, body := c.getRes(unitTestPath(district, ""))
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "樟潭街道") {
			t.Fatalf("viewer on the district: %d", res.StatusCode)
		}
		for _, id := range []string{`id="unit-edit-form"`, `id="unit-move-form"`, `id="unit-disable"`, `id="unit-new-child"`, `id="unit-audit"`} {
			if strings.Contains(body, id) {
				t.Fatalf("the viewer sees %s", id)
			}
		}
		if list := c.get("/units"); strings.Contains(list, `id="unit-new"`) || !strings.Contains(list, "衢江区") {
			t.Fatalf("the viewer's list: %.300s", list)
		}
		audits := f.auditCount()
		for _, form := range []url.Values{
			{"name": {"改名"}, "kind": {"district"}, "code": {"330803"}},
			{"name": {"改名"}, "kind": {"district"}, "sort_order": {"x"}},
		} {
			if res, _ := c.submit(unitTestPath(district, ""), form); res.StatusCode != http.StatusForbidden {
				t.Fatalf("update by a viewer: %d", res.StatusCode)
			}
		}
		if res, _ := c.submit(unitTestPath(f.units["townA"], "/disable"), nil); res.StatusCode != http.StatusForbidden {
			t.Fatalf("disable by a viewer: %d", res.StatusCode)
		}
		if unitTestGet(f, district.ID).Name != "衢江区" || unitTestGet(f, f.units["townA"].ID).Disabled || f.auditCount() != audits {
			t.Fatalf("the viewer changed something")
		}
	})
}

func TestUnitPageDetail(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		c := f.login("admin")
		city, district, townA := f.units["city"], f.units["district"], f.units["townA"]
		body := c.get(unitTestPath(townA, ""))
		crumbs := body[strings.Index(body, `<ol class="crumbs">`):strings.Index(body, "</ol>")]
		for _, want := range []string{
			`<a href="/units">单位管理</a>`,
			fmt.Sprintf(`<a href="/units/%d">衢州市</a>`, city.ID),
			fmt.Sprintf(`<a href="/units/%d">衢江区</a>`, district.ID),
			fmt.Sprintf(`<a href="/units/%d">樟潭街道</a>`, townA.ID),
		} {
			if !strings.Contains(crumbs, want) {
				t.Fatalf("crumbs lack %s: %s", want, crumbs)
			}
		}
		if strings.Index(crumbs, "衢州市") > strings.Index(crumbs, "衢江区") {
			t.Fatalf("crumbs out of order: %s", crumbs)
		}
		for _, want := range []string{
			fmt.Sprintf(`<a href="/users/%d">liaisonA</a>`, f.users["liaisonA"].ID),
			fmt.Sprintf(`href="/audit?entity=unit&amp;entity_id=%d"`, townA.ID),
			`id="unit-edit-form"`, `id="unit-disable"`, `data-confirm="确定停用“樟潭街道”吗？"`,
		} {
			if !strings.Contains(body, want) {
				t.Fatalf("the page lacks %s", want)
			}
		}
		body = c.get(unitTestPath(district, ""))
		for _, want := range []string{"樟潭街道", "廿里镇", "区发改局", "office", "leader", "viewer"} {
			if !strings.Contains(body[strings.Index(body, `id="unit-children"`):], want) {
				t.Fatalf("the district page lacks %s", want)
			}
		}
		// The office manages units but is no administrator: no audit link.
		if body := f.login("office").get(unitTestPath(townA, "")); strings.Contains(body, `id="unit-audit"`) || !strings.Contains(body, `id="unit-edit-form"`) {
			t.Fatalf("office's view of a town: audit link or edit form wrong")
		}
	})
}

func TestUnitPageUpdate(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		c := f.login("office")
		townA := f.units["townA"]
		audits := f.auditCount()
		res, _ := c.submit(unitTestPath(townA, ""), url.Values{"name": {"樟潭街道办事处"}, "short_name": {"樟潭"}, "kind": {"town"}, "code": {""}, "sort_order": {"2"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != unitTestPath(townA, "?flash=saved") {
			t.Fatalf("update: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if u := unitTestGet(f, townA.ID); u.Name != "樟潭街道办事处" || u.ShortName != "樟潭" || u.SortOrder != 2 || f.auditCount() != audits+1 {
			t.Fatalf("after update: %+v, audit %d→%d", u, audits, f.auditCount())
		}
		// A wrong code shows the message, keeps the typed values and changes nothing.
		res, body := c.submit(unitTestPath(townA, ""), url.Values{"name": {"新名字"}, "kind": {"enterprise"}, "code": {"123"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "统一社会信用代码“123”长度为 3 位，应为 18 位") ||
			!strings.Contains(body, `value="新名字"`) {
			t.Fatalf("bad update: %d %s", res.StatusCode, body)
		}
		if u := unitTestGet(f, townA.ID); u.Name != "樟潭街道办事处" || u.Kind != ding.UnitTown || f.auditCount() != audits+1 {
			t.Fatalf("a refused update wrote: %+v", u)
		}
	})
}

func TestUnitPageMove(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		c := f.login("admin")
		city, district, townA, dept := f.units["city"], f.units["district"], f.units["townA"], f.units["dept"]
		treeBefore := unitTestTree(t, c.get("/units"))
		audits := f.auditCount()

		res, body := c.submit(unitTestPath(district, "/move"), url.Values{"parent_id": {itoa(townA.ID)}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("cycle: %d", res.StatusCode)
		}
		if !strings.Contains(body, `<span class="field-error" id="unit-move-error">不能把“衢江区”移到其下级单位“樟潭街道”之下`) {
			t.Fatalf("no cycle message: %s", body)
		}
		if d, a := unitTestGet(f, district.ID), unitTestGet(f, townA.ID); d.ParentID != city.ID || a.ParentID != district.ID || a.Depth != 2 {
			t.Fatalf("the tree changed: %+v %+v", d, a)
		}
		if unitTestTree(t, c.get("/units")) != treeBefore || f.auditCount() != audits {
			t.Fatalf("the tree page or the audit log changed")
		}
		// The move form offers neither the unit itself nor its subtree.
		form := body[strings.Index(body, `id="unit-move-form"`):]
		form = form[:strings.Index(form, "</select>")]
		if strings.Contains(form, "樟潭街道") || strings.Contains(form, "衢江区") || !strings.Contains(form, "衢州市") {
			t.Fatalf("move choices: %s", form)
		}

		res, _ = c.submit(unitTestPath(dept, "/move"), url.Values{"parent_id": {itoa(townA.ID)}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != unitTestPath(dept, "?flash=moved") {
			t.Fatalf("move: %d", res.StatusCode)
		}
		if d := unitTestGet(f, dept.ID); d.ParentID != townA.ID || d.Depth != 3 || f.auditCount() != audits+1 {
			t.Fatalf("after move: %+v", d)
		}
		if !strings.Contains(c.get(unitTestPath(dept, "?flash=moved")), "已移动") {
			t.Fatalf("no flash after the move")
		}
		if res, body := c.submit(unitTestPath(dept, "/move"), url.Values{"parent_id": {"abc"}}); res.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "参数 parent_id 的值无效") {
			t.Fatalf("bad parent id: %d", res.StatusCode)
		}
	})
}

func TestUnitPageDisable(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		c := f.login("office")
		townB, district := f.units["townB"], f.units["district"]
		res, _ := c.submit(unitTestPath(townB, "/disable"), nil)
		if res.StatusCode != http.StatusSeeOther || !unitTestGet(f, townB.ID).Disabled {
			t.Fatalf("disable: %d", res.StatusCode)
		}
		if page := c.get(res.Header.Get("Location")); !strings.Contains(page, "单位已停用") || !strings.Contains(page, `id="unit-enable"`) {
			t.Fatalf("the page after disabling lacks the flash or the enable button")
		}
		if tree := unitTestTree(t, c.get("/units")); strings.Contains(tree, "廿里镇") {
			t.Fatalf("a disabled unit is in the default tree")
		}
		tree := unitTestTree(t, c.get("/units?disabled=1"))
		if i := strings.Index(tree, "廿里镇"); i < 0 || !strings.Contains(tree[i:], `<span class="tag off">已停用</span>`) {
			t.Fatalf("with disabled=1 the unit is missing or not tagged: %s", tree)
		}
		res, _ = c.submit(unitTestPath(townB, "/enable"), nil)
		if res.StatusCode != http.StatusSeeOther || unitTestGet(f, townB.ID).Disabled {
			t.Fatalf("enable: %d", res.StatusCode)
		}
		// Nobody but the widest scope disables their own unit.
		audits := f.auditCount()
		res, body := c.submit(unitTestPath(district, "/disable"), nil)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="unit-error">不能停用您自己所在的单位`) {
			t.Fatalf("disable own unit: %d", res.StatusCode)
		}
		if unitTestGet(f, district.ID).Disabled || f.auditCount() != audits {
			t.Fatalf("the own unit was disabled")
		}
	})
}

func TestUnitPageEscaping(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		c := f.login("office")
		name := `<script>alert(1)</script>'); DROP TABLE units;--`
		res, _ := c.submit("/units", url.Values{"parent_id": {itoa(f.units["district"].ID)}, "name": {name}, "kind": {"park"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d", res.StatusCode)
		}
		u := unitTestFind(f, name)
		if u == nil || u.Name != name {
			t.Fatalf("the name is not stored as typed")
		}
		if n := unitTestCount(f); n != 6 {
			t.Fatalf("%d units, want 6", n)
		}
		escaped := `&lt;script&gt;alert(1)&lt;/script&gt;&#39;); DROP TABLE units;--`
		for _, p := range []string{"/units", unitTestPath(u, ""), "/units?q=" + url.QueryEscape("DROP TABLE")} {
			body := c.get(p)
			if strings.Contains(body, "<script>alert(1)") || !strings.Contains(body, escaped) {
				t.Fatalf("%s does not escape the name", p)
			}
		}
	})
}

func TestUnitPageCSRF(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		c := f.login("office")
		townA := f.units["townA"]
		units, audits := unitTestCount(f), f.auditCount()
		for _, p := range []struct {
			path string
			form url.Values
		}{
			{"/units", url.Values{"parent_id": {itoa(f.units["district"].ID)}, "name": {"新镇"}, "kind": {"town"}}},
			{unitTestPath(townA, ""), url.Values{"name": {"被改名"}, "kind": {"town"}}},
			{unitTestPath(townA, "/move"), url.Values{"parent_id": {itoa(f.units["townB"].ID)}}},
			{unitTestPath(townA, "/disable"), url.Values{}},
			{unitTestPath(townA, "/disable"), url.Values{"_csrf": {"forged"}}},
		} {
			res := c.postForm(p.path, p.form)
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusForbidden || !strings.Contains(string(b), "页面已过期") {
				t.Fatalf("POST %s without CSRF: %d", p.path, res.StatusCode)
			}
		}
		if a := unitTestGet(f, townA.ID); a.Name != "樟潭街道" || a.ParentID != f.units["district"].ID || a.Disabled {
			t.Fatalf("town A changed: %+v", a)
		}
		if unitTestCount(f) != units || f.auditCount() != audits {
			t.Fatalf("something was written")
		}
	})
}

func TestUnitPageCSV(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		c := f.login("office")
		if _, err := f.db.UpdateUnit(unitTestSys(), f.units["townB"].ID, ding.UnitUpdate{Disabled: new(true)}); err != nil {
			t.Fatal(err)
		}
		read := func(path string) [][]string {
			t.Helper()
			res, body := c.getRes(path)
			if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
				t.Fatalf("%s: %d %s", path, res.StatusCode, res.Header.Get("Content-Type"))
			}
			if !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
				t.Fatalf("not an attachment: %s", res.Header.Get("Content-Disposition"))
			}
			if !strings.HasPrefix(body, "\ufeff") {
				t.Fatalf("no BOM: %q", body[:min(len(body), 10)])
			}
			rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			return rows
		}
		want := [][]string{
			{"名称", "简称", "类型", "代码", "上级", "层级", "状态"},
			{"衢江区", "", "区县", "330803", "", "2", "正常"}, // the city is outside the office's scope
			{"樟潭街道", "", "乡镇街道", "", "衢江区", "3", "正常"},
			{"区发改局", "", "部门", "", "衢江区", "3", "正常"},
		}
		if got := read("/units?format=csv"); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("csv:\n got %q\nwant %q", got, want)
		}
		got := read("/units?format=csv&disabled=1")
		if len(got) != 5 || fmt.Sprint(got[3]) != fmt.Sprint([]string{"廿里镇", "", "乡镇街道", "", "衢江区", "3", "已停用"}) {
			t.Fatalf("csv with disabled: %q", got)
		}
		got = read("/units?format=csv&q=" + url.QueryEscape("街道"))
		if len(got) != 2 || got[1][0] != "樟潭街道" {
			t.Fatalf("csv of a search: %q", got)
		}
		// A liaison's export holds only their unit.
		if got := f.login("liaisonA").get("/units?format=csv"); !strings.Contains(got, "樟潭街道") || strings.Contains(got, "廿里镇") || strings.Contains(got, "衢江区") {
			t.Fatalf("liaison A's export: %s", got)
		}
	})
}

func TestUnitPageSearch(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		c := f.login("office")
		body := c.get("/units?q=" + url.QueryEscape("镇"))
		if strings.Contains(body, `id="unit-tree"`) || !strings.Contains(body, `id="unit-results"`) {
			t.Fatalf("a search shows the tree")
		}
		if !strings.Contains(body, "廿里镇") || strings.Contains(body, "樟潭街道") || !strings.Contains(body, "共 1 条") {
			t.Fatalf("search results: %s", body)
		}
		body = c.get("/units?kind=department")
		if !strings.Contains(body, "区发改局") || strings.Contains(body, "廿里镇") || !strings.Contains(body, "共 1 条") {
			t.Fatalf("kind filter: %s", body)
		}
		// Paging: 51 more departments make two pages.
		for i := range 51 {
			u := &ding.Unit{ParentID: f.units["district"].ID, Name: fmt.Sprintf("测试局%02d", i), Kind: ding.UnitDepartment, SortOrder: i + 1}
			if err := f.db.CreateUnit(unitTestSys(), u); err != nil {
				t.Fatal(err)
			}
		}
		body = c.get("/units?kind=department")
		if !strings.Contains(body, "共 52 条") || strings.Count(body, `<tr>`) != 1+50 || !strings.Contains(body, `href="/units?kind=department&amp;offset=50"`) {
			t.Fatalf("page 1: %d rows", strings.Count(body, "<tr>"))
		}
		body = c.get("/units?kind=department&offset=50")
		if strings.Count(body, "<tr>") != 1+2 || !strings.Contains(body, "测试局50") || !strings.Contains(body, "第 51–52 条") || strings.Contains(body, `rel="next"`) {
			t.Fatalf("page 2: %s", body)
		}
	})
}

func TestUnitPageEnglish(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		c := f.login("office")
		req, err := http.NewRequest("GET", f.ts.URL+"/units", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Accept-Language", "en-US,en;q=0.9")
		res, err := c.hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		body := string(b)
		for _, want := range []string{`<h1 class="grow">Units</h1>`, "New unit", "Show disabled", "District", "4 in total"} {
			if !strings.Contains(body, want) {
				t.Fatalf("the English page lacks %q", want)
			}
		}
		for _, zh := range []string{"单位管理", "新建单位", "区县", "共 4 条"} {
			if strings.Contains(body, zh) {
				t.Fatalf("the English page says %q", zh)
			}
		}
		// Without the header the page is Chinese.
		if body := c.get("/units"); !strings.Contains(body, `<h1 class="grow">单位管理</h1>`) {
			t.Fatalf("the default page is not Chinese")
		}
	})
}

package web

import (
	"bytes"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"ding"
	"ding/store"
)

// bulletinOf reads a bulletin as the office.
func bulletinOf(t *testing.T, f *fixture, id int64) *ding.Bulletin {
	t.Helper()
	b, err := f.db.FindBulletin(warnCtx(f, "office"), id)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var bulletinLocRE = regexp.MustCompile(`^/bulletins/(\d+)\?flash=bulletinui_built$`)

// bulletinBuildForm builds a month's bulletin of the district through the list's form and
// returns its id.
func bulletinBuildForm(t *testing.T, f *fixture, c *client, month string) int64 {
	t.Helper()
	res, body := c.submit("/bulletins", url.Values{"unit_id": {itoa(f.units["district"].ID)}, "month": {month}})
	m := bulletinLocRE.FindStringSubmatch(res.Header.Get("Location"))
	if res.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("build %s: %d %s %.1000s", month, res.StatusCode, res.Header.Get("Location"), body)
	}
	id, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestBulletinPageFlow: the office builds May's bulletin through the form, the page says
// the store's figures in sentences, takes commentary, publishes; the published bulletin
// refuses commentary (409, nothing written); the liaison sees it only once published.
func TestBulletinPageFlow(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		p := warnYellow(t, f)
		oc := f.login("office")
		body := oc.get("/bulletins")
		for _, want := range []string{`id="bulletin-build-form"`, `value="2024-05"`, `<option value="` + itoa(f.units["district"].ID) + `" selected>`, `id="nav-bulletins"`, "暂无通报"} {
			if !strings.Contains(body, want) {
				t.Errorf("list lacks %q", want)
			}
		}
		// A month that is no month, a month in the future: said on the form.
		if res, body := oc.submit("/bulletins", url.Values{"unit_id": {itoa(f.units["district"].ID)}, "month": {"2024-13"}}); res.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, `id="bulletin-build-error"`) {
			t.Fatalf("bad month: %d %.1000s", res.StatusCode, body)
		}
		if res, body := oc.submit("/bulletins", url.Values{"unit_id": {itoa(f.units["district"].ID)}, "month": {"2024-08"}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("future month: %d %.1000s", res.StatusCode, body)
		}
		id := bulletinBuildForm(t, f, oc, "2024-05")
		b := bulletinOf(t, f, id)
		completion := ding.R(b.Data.Completed, b.Data.Plan).Pct()
		if b.Data.Completed != 300*10_000 || completion != "25.0%" {
			t.Fatalf("cut: %+v", b.Data)
		}
		sentence := b.Data.Summary(store.AreaName(b.UnitName), 2024, 5)[0]
		res, body := oc.getRes("/bulletins/" + itoa(id) + "?flash=bulletinui_built")
		body = html.UnescapeString(body)
		if res.StatusCode != 200 {
			t.Fatalf("page: %d %.500s", res.StatusCode, body)
		}
		for _, want := range []string{sentence, "占年度计划的 " + completion, "1—5月，全区", "草稿", p.Name, warnReason, "樟潭街道", `id="bulletin-comment-form"`,
			`id="bulletin-publish"`, `name="version" value="` + itoa(int64(b.Version)) + `"`, "一、总体情况", "二、各单位排名", `id="fig-completion">25.0%`, "月度通报已生成"} {
			if !strings.Contains(body, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		if strings.Contains(body, "NaN") {
			t.Errorf("page shows NaN")
		}
		// The liaison cannot see the draft.
		la := f.login("liaisonA")
		if res, _ := la.getRes("/bulletins/" + itoa(id)); res.StatusCode != http.StatusNotFound {
			t.Fatalf("liaison reads a draft: %d", res.StatusCode)
		}
		if res, _ := la.submit("/bulletins/"+itoa(id)+"/comments", url.Values{"target": {"general"}, "text": {"x"}}); res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusForbidden {
			t.Fatalf("liaison comments: %d", res.StatusCode)
		}
		// Commentary: an empty one is refused next to the field; then on town A, the project, the whole.
		if res, body := oc.submit("/bulletins/"+itoa(id)+"/comments", url.Values{"target": {"general"}, "text": {"  "}}); res.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, `id="bulletin-text-error"`) {
			t.Fatalf("empty comment: %d %.500s", res.StatusCode, body)
		}
		for _, c := range []url.Values{
			{"target": {"unit:" + itoa(f.units["townA"].ID)}, "text": {"樟潭街道投资进度落后序时，须倒排工期。"}},
			{"target": {"project:" + itoa(p.ID)}, "text": {"特种纸项目要加快要素保障。"}},
			{"target": {"general"}, "text": {"全区要对标对表，奋力赶超。"}},
		} {
			if res, body := oc.submit("/bulletins/"+itoa(id)+"/comments", c); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("comment %v: %d %.500s", c, res.StatusCode, body)
			}
		}
		b = bulletinOf(t, f, id)
		if len(b.Comments) != 3 || b.Comments[0].TargetName != "樟潭街道" {
			t.Fatalf("comments: %+v", b.Comments)
		}
		body = html.UnescapeString(oc.get("/bulletins/" + itoa(id)))
		for _, want := range []string{"点评·樟潭街道", "须倒排工期", "点评·" + p.Name, "总体点评", "奋力赶超", `id="comment-remove-` + itoa(b.Comments[2].ID) + `"`} {
			if !strings.Contains(body, want) {
				t.Errorf("page with commentary lacks %q", want)
			}
		}
		// Remove one, add it back.
		if res, _ := oc.submit("/bulletins/"+itoa(id)+"/comments/"+itoa(b.Comments[2].ID)+"/delete", nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("remove: %d", res.StatusCode)
		}
		if res, _ := oc.submit("/bulletins/"+itoa(id)+"/comments", url.Values{"target": {"general"}, "text": {"全区要对标对表，奋力赶超。"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("comment again: %d", res.StatusCode)
		}
		// Rebuild keeps the commentary.
		if res, _ := oc.submit("/bulletins/"+itoa(id)+"/rebuild", nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("rebuild: %d", res.StatusCode)
		}
		b = bulletinOf(t, f, id)
		if len(b.Comments) != 3 {
			t.Fatalf("rebuild lost commentary: %+v", b.Comments)
		}
		// A stale version is refused; the current one publishes.
		if res, body := oc.submit("/bulletins/"+itoa(id)+"/publish", url.Values{"version": {itoa(int64(b.Version - 1))}}); res.StatusCode != http.StatusConflict ||
			!strings.Contains(body, "该通报已被他人更新") {
			t.Fatalf("stale publish: %d %.500s", res.StatusCode, body)
		}
		if res, _ := oc.submit("/bulletins/"+itoa(id)+"/publish", url.Values{"version": {itoa(int64(b.Version))}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("publish: %d", res.StatusCode)
		}
		b = bulletinOf(t, f, id)
		if b.Status != ding.BulletinPublished {
			t.Fatalf("not published: %+v", b)
		}
		// After publishing: no forms, and commentary is refused with nothing written.
		body = oc.get("/bulletins/" + itoa(id))
		if strings.Contains(body, `id="bulletin-comment-form"`) || strings.Contains(body, `id="bulletin-publish"`) || !strings.Contains(body, "已发布") {
			t.Errorf("published page still offers the forms")
		}
		audits := f.auditCount()
		res, body = oc.submit("/bulletins/"+itoa(id)+"/comments", url.Values{"target": {"general"}, "text": {"补充"}})
		if res.StatusCode != http.StatusConflict || !strings.Contains(body, "该月通报已发布，不能再修改或重新生成") {
			t.Fatalf("comment after publishing: %d %.500s", res.StatusCode, body)
		}
		if res, _ := oc.submit("/bulletins/"+itoa(id)+"/rebuild", nil); res.StatusCode != http.StatusConflict {
			t.Fatalf("rebuild after publishing: %d", res.StatusCode)
		}
		if res, _ := oc.submit("/bulletins/"+itoa(id)+"/comments/"+itoa(b.Comments[0].ID)+"/delete", nil); res.StatusCode != http.StatusConflict {
			t.Fatalf("remove after publishing: %d", res.StatusCode)
		}
		if n := len(bulletinOf(t, f, id).Comments); n != 3 || f.auditCount() != audits {
			t.Fatalf("refused changes wrote: %d comments, audits %d→%d", n, audits, f.auditCount())
		}
		// The liaison now sees it, without the office's forms.
		res, body = la.getRes("/bulletins/" + itoa(id))
		if res.StatusCode != 200 || !strings.Contains(html.UnescapeString(body), sentence) || strings.Contains(body, `id="bulletin-comment-form"`) {
			t.Fatalf("liaison reads the published bulletin: %d", res.StatusCode)
		}
		if body := la.get("/bulletins"); !strings.Contains(body, "/bulletins/"+itoa(id)) {
			t.Errorf("liaison's list lacks the published bulletin")
		}
	})
}

// TestBulletinEmptyMonth: a month without data says so and divides by nothing.
func TestBulletinEmptyMonth(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		itemSetup(t, f)
		oc := f.login("office")
		id := bulletinBuildForm(t, f, oc, "2023-05")
		for _, path := range []string{"/bulletins/" + itoa(id), "/bulletins/" + itoa(id) + "/print", "/bulletins/" + itoa(id) + "/diff"} {
			res, body := oc.getRes(path)
			body = html.UnescapeString(body)
			if res.StatusCode != 200 || strings.Contains(body, "NaN") || strings.Contains(body, "Inf") {
				t.Fatalf("%s: %d %.500s", path, res.StatusCode, body)
			}
			if !strings.HasSuffix(path, "/diff") && !strings.Contains(body, "2023年1—5月，全区重大项目暂无投资计划和完成数据") {
				t.Errorf("%s lacks the empty sentence", path)
			}
		}
		res, _ := oc.getRes("/bulletins/" + itoa(id) + "/export.xlsx")
		if res.StatusCode != 200 {
			t.Fatalf("empty xlsx: %d", res.StatusCode)
		}
	})
}

// TestBulletinPrintExportDiff: the print page is the A4 document with numbered sections
// and page numbers; the workbook has a sheet per table; the difference view compares with
// last month's bulletin, or says there is none.
func TestBulletinPrintExportDiff(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		p := warnYellow(t, f)
		oc := f.login("office")
		may := bulletinBuildForm(t, f, oc, "2024-05")
		if err := f.db.AddBulletinComment(warnCtx(f, "office"), &ding.BulletinComment{BulletinID: may, Kind: "unit", TargetID: f.units["townA"].ID, Text: "须倒排工期"}); err != nil {
			t.Fatal(err)
		}
		res, body := oc.getRes("/bulletins/" + itoa(may) + "/print")
		body = html.UnescapeString(body)
		if res.StatusCode != 200 {
			t.Fatalf("print: %d", res.StatusCode)
		}
		for _, want := range []string{"衢江区重大项目月度通报", "2024年第5期", "衢江区重大项目建设工作领导小组办公室", "2024年1—5月全区重大项目建设情况通报",
			"一、总体情况", "二、各单位排名", "三、预警项目", "四、预警新增与解除", "五、诉求办理", "六、对赌条款履约", "七、通报项目",
			"（一）黄色预警项目（1 个）", p.Name, warnReason, "【点评·樟潭街道】", "须倒排工期", "print.css", "bulletins.css", "2024年6月20日"} {
			if !strings.Contains(body, want) {
				t.Errorf("print lacks %q", want)
			}
		}
		if strings.Contains(body, `id="nav"`) || strings.Contains(body, "八、流动红旗") {
			t.Errorf("print shows navigation or a flag section without flags")
		}
		css := regexp.MustCompile(`href="([^"]*bulletins\.css)"`).FindStringSubmatch(body)
		if css == nil {
			t.Fatalf("no stylesheet")
		}
		if cb := oc.get(css[1]); !strings.Contains(cb, `@bottom-center`) || !strings.Contains(cb, `content: "第 " counter(page) " 页 共 " counter(pages) " 页"`) ||
			!strings.Contains(cb, "size: A4") {
			t.Errorf("bulletins.css lacks the page numbers: %.300s", cb)
		}
		// The workbook.
		res, body = oc.getRes("/bulletins/" + itoa(may) + "/export.xlsx")
		if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Disposition"), ".xlsx") {
			t.Fatalf("xlsx: %d %v", res.StatusCode, res.Header)
		}
		x, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		if got := strings.Join(x.GetSheetList(), ","); got != "概况,排名,预警,新增与解除,诉求,对赌,通报名单,流动红旗" {
			t.Fatalf("sheets: %s", got)
		}
		rows, _ := x.GetRows("排名")
		found := false
		for _, r := range rows {
			if len(r) > 5 && r[1] == "樟潭街道" {
				found = true
				if r[4] != "300.00" || r[5] != "25.0%" || !strings.Contains(strings.Join(r, "|"), "须倒排工期") {
					t.Errorf("town A's row: %q", r)
				}
			}
		}
		if !found {
			t.Errorf("排名 lacks town A: %q", rows)
		}
		if rows, _ := x.GetRows("预警"); len(rows) < 4 || rows[3][1] != p.Name || rows[3][4] != warnReason {
			t.Errorf("预警: %q", rows)
		}
		// The difference view: no April bulletin yet, then one.
		body = html.UnescapeString(oc.get("/bulletins/" + itoa(may) + "/diff"))
		if !strings.Contains(body, "上月无通报") {
			t.Errorf("diff without April: %.500s", body)
		}
		april := bulletinBuildForm(t, f, oc, "2024-04")
		body = html.UnescapeString(oc.get("/bulletins/" + itoa(may) + "/diff"))
		for _, want := range []string{"2024年第5期 对比 2024年第4期", `id="diff-figures"`, "樟潭街道", "累计完成（亿元）", "新列入红色预警"} {
			if !strings.Contains(body, want) {
				t.Errorf("diff lacks %q", want)
			}
		}
		if strings.Contains(body, "上月无通报") || strings.Contains(body, "NaN") {
			t.Errorf("diff says there is no April bulletin")
		}
		if body := oc.get("/bulletins/" + itoa(april) + "/diff"); !strings.Contains(body, "上月无通报") {
			t.Errorf("April's diff")
		}
		// Out of sight: town B's liaison gets 404 for print, export, diff of a draft.
		lb := f.login("liaisonB")
		for _, path := range []string{"/print", "/export.xlsx", "/diff"} {
			if res, _ := lb.getRes("/bulletins/" + itoa(may) + path); res.StatusCode != http.StatusNotFound {
				t.Errorf("liaison B %s: %d", path, res.StatusCode)
			}
		}
	})
}

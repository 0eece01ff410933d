package web

import (
	"archive/zip"
	"bytes"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ding"
	"ding/store"
)

// The items tests run on 2024-06-20, a Thursday (warnNow): a demand raised that day is due
// to be accepted on Friday 06-21; accepted that day, to be decided on Tuesday 06-25;
// decided that day, to be closed on Monday 07-01.

// itemSetup fixes the clock and makes a town A project led by the fixture's leader.
func itemSetup(t *testing.T, f *fixture) *ding.Project {
	t.Helper()
	f.db.Now = func() time.Time { return warnNow }
	p := &ding.Project{Code: "2301-330803-04-01-000001", Name: "特种纸扩能项目", UnitID: f.units["townA"].ID, LocationID: f.units["townA"].ID,
		LeaderID: f.users["leader"].ID, Investor: "private", Industry: "C", TotalInvestment: 12 * ding.Yi, Manufacturing: true,
		Stage: ding.StageSigned, SignedOn: ding.Date{Year: 2024, Month: 1, Day: 10}, StageOn: ding.Date{Year: 2024, Month: 1, Day: 10}}
	if err := f.db.CreateProject(warnCtx(f, "office"), p); err != nil {
		t.Fatal(err)
	}
	return p
}

// itemOf reads an item as the office.
func itemOf(t *testing.T, f *fixture, id int64) *ding.Item {
	t.Helper()
	it, err := f.db.FindItem(warnCtx(f, "office"), id)
	if err != nil {
		t.Fatal(err)
	}
	return it
}

// itemCount is how many items there are, read as the system.
func itemCount(t *testing.T, f *fixture) int {
	t.Helper()
	_, n, err := f.db.FindItems(f.sysCtx(), store.ItemFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// upFile is a file of a multipart post.
type upFile struct {
	name string
	data []byte
}

// multipartPost posts fields and files (as "files") with the session's CSRF token and
// returns the status and the unescaped body.
func (c *client) multipartPost(path string, fields url.Values, files ...upFile) (*http.Response, string) {
	c.f.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("_csrf", c.csrf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for _, f := range files {
		fw, _ := mw.CreateFormFile("files", f.name)
		fw.Write(f.data)
	}
	mw.Close()
	res := c.do("POST", path, mw.FormDataContentType(), &b)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, html.UnescapeString(string(body))
}

// A small but real PDF, a zip, a Word document and a Windows program's first bytes.
var (
	pdfBytes = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	exeBytes = append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"), bytes.Repeat([]byte{0}, 100)...)
)

func zipBytes(t *testing.T, names ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("<x/>"))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// filesStored counts the attachments in the data directory.
func filesStored(t *testing.T, f *fixture) int {
	t.Helper()
	es, err := os.ReadDir(filepath.Join(f.srv.opts.DataDir, "files"))
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range es {
		if !strings.HasPrefix(e.Name(), ".") {
			n++
		}
	}
	return n
}

func idFromLocation(t *testing.T, res *http.Response) int64 {
	t.Helper()
	loc := res.Header.Get("Location")
	rest, ok := strings.CutPrefix(loc, "/items/")
	if !ok {
		t.Fatalf("redirected to %q", loc)
	}
	rest, _, _ = strings.Cut(rest, "?")
	var id int64
	for _, c := range rest {
		if c < '0' || c > '9' {
			t.Fatalf("redirected to %q", loc)
		}
		id = id*10 + int64(c-'0')
	}
	return id
}

// TestItemPageFlow follows a demand through the pages: raised with an attachment by town
// A, accepted and assigned by the office, decided on site by the leader, reported and
// closed by town A, confirmed by its raiser; with the refusals on the way.
func TestItemPageFlow(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		p := itemSetup(t, f)
		la := f.login("liaisonA")
		body := la.get("/items/new?project=" + itoa(p.ID))
		for _, want := range []string{`id="item-form"`, `<option value="` + itoa(p.ID) + `" selected>特种纸扩能项目</option>`, `<option value="土地">土地</option>`,
			`name="files"`, `enctype="multipart/form-data"`} {
			if !strings.Contains(body, want) {
				t.Errorf("form lacks %q", want)
			}
		}
		if strings.Contains(body, `id="item-form-tab-action"`) {
			t.Errorf("a liaison is offered action items")
		}
		// A form with problems: each said next to its field, what was typed kept.
		res, body := la.multipartPost("/items", url.Values{"project_id": {itoa(p.ID)}, "type": {""}, "title": {"用地指标不足"}, "request": {""}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="if-type-error">请选择诉求类别（土地、规划`) ||
			!strings.Contains(body, `value="用地指标不足"`) || itemCount(t, f) != 0 {
			t.Fatalf("invalid form: %d %.2000s", res.StatusCode, body)
		}
		fields := url.Values{"project_id": {itoa(p.ID)}, "type": {"土地"}, "title": {"用地指标不足"},
			"description": {"二期用地 50 亩指标未落实"}, "request": {"请协调调剂 50 亩用地指标"}}
		res, _ = la.multipartPost("/items", fields, upFile{"用地红线图.pdf", pdfBytes})
		if res.StatusCode != http.StatusSeeOther || !strings.HasSuffix(res.Header.Get("Location"), "?flash=itemui_created") {
			t.Fatalf("raise: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		id := idFromLocation(t, res)
		path := "/items/" + itoa(id)
		it := itemOf(t, f, id)
		if it.Status != ding.ItemSubmitted || it.UnitID != f.units["townA"].ID || it.RaisedName != "liaisona" || it.AcceptDue.String() != "2024-06-21" ||
			it.Version != 1 || filesStored(t, f) != 1 {
			t.Fatalf("raised: %+v", it)
		}
		body = la.get(path + "?flash=itemui_created")
		for _, want := range []string{"诉求已提交", "用地指标不足", "请协调调剂 50 亩用地指标", "二期用地 50 亩指标未落实", "已提交", "2024-06-21",
			`href="/items/` + itoa(id) + `/files/`, "用地红线图.pdf", `id="item-attach-form"`} {
			if !strings.Contains(body, want) {
				t.Errorf("detail lacks %q", want)
			}
		}
		if strings.Contains(body, `id="step-accept-form"`) {
			t.Errorf("a liaison is offered acceptance")
		}
		// Town B does not see it.
		lb := f.login("liaisonB")
		if res, _ := lb.getRes(path); res.StatusCode != http.StatusNotFound {
			t.Errorf("town B reads: %d", res.StatusCode)
		}

		oc := f.login("office")
		body = oc.get(path)
		for _, want := range []string{`id="step-accept-form"`, `id="step-reject-form"`, `name="version" value="1"`, `name="lead_unit"`} {
			if !strings.Contains(body, want) {
				t.Errorf("office detail lacks %q", want)
			}
		}
		audits := f.auditCount()
		// Out of order: 办结 before 受理 — the Chinese message, nothing changed.
		res, body = oc.submit(path+"/step", url.Values{"action": {"close"}, "comment": {"已办"}, "version": {"1"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(body), `id="item-error">当前状态为“已提交”，不能“办结”`) {
			t.Fatalf("close before accept: %d %.3000s", res.StatusCode, body)
		}
		if it := itemOf(t, f, id); it.Status != ding.ItemSubmitted || it.Version != 1 || f.auditCount() != audits {
			t.Fatalf("a refused step changed the item: %+v", it)
		}
		// Acceptance without a lead unit: the message under the units, the rows kept.
		res, body = oc.submit(path+"/step", url.Values{"action": {"accept"}, "version": {"1"}, "lead_unit": {""},
			"co_unit": {itoa(f.units["dept"].ID), ""}, "co_part": {"调剂指标", ""}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="accept-units-error">请指定一个牵头单位`) ||
			!strings.Contains(body, `value="调剂指标"`) {
			t.Fatalf("accept without a lead: %d %.3000s", res.StatusCode, body)
		}
		res, _ = oc.submit(path+"/step", url.Values{"action": {"accept"}, "version": {"1"}, "comment": {"合理合规，予以受理"},
			"lead_unit": {itoa(f.units["townA"].ID)}, "lead_part": {"组织报批"},
			"co_unit": {itoa(f.units["dept"].ID), "", ""}, "co_part": {"调剂指标", "", ""}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != path+"?flash=itemui_step_accept" {
			t.Fatalf("accept: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		it = itemOf(t, f, id)
		if it.Status != ding.ItemAccepted || len(it.Units) != 2 || it.Lead().UnitID != f.units["townA"].ID || it.Lead().Part != "组织报批" ||
			it.DecideDue.String() != "2024-06-25" || it.Version != 2 {
			t.Fatalf("accepted: %+v", it)
		}
		// The liaison cannot decide; the leader with a stale form is told so.
		res, body = la.submit(path+"/step", url.Values{"action": {"decide"}, "comment": {"同意"}, "version": {"2"}})
		if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "只有领导可以拍板") {
			t.Fatalf("liaison decides: %d %.2000s", res.StatusCode, body)
		}
		lc := f.login("leader")
		body = lc.get(path)
		if !strings.Contains(body, `id="step-decide-form"`) || strings.Contains(body, `id="step-accept-form"`) || strings.Contains(body, `id="step-decide-leader"`) {
			t.Fatalf("leader's forms wrong")
		}
		res, body = lc.submit(path+"/step", url.Values{"action": {"decide"}, "comment": {"同意调剂"}, "on_site": {"1"}, "version": {"1"}})
		if res.StatusCode != http.StatusConflict || !strings.Contains(html.UnescapeString(body), "该事项已被他人更新，请刷新后重试") || !strings.Contains(body, ">同意调剂</textarea>") {
			t.Fatalf("stale decide: %d %.3000s", res.StatusCode, body)
		}
		if it := itemOf(t, f, id); it.Status != ding.ItemAccepted || it.Version != 2 {
			t.Fatalf("a stale step was written: %+v", it)
		}
		res, body = lc.submit(path+"/step", url.Values{"action": {"decide"}, "comment": {""}, "version": {"2"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="step-decide-comment-error">请填写拍板意见`) {
			t.Fatalf("decide without words: %d", res.StatusCode)
		}
		res, _ = lc.submit(path+"/step", url.Values{"action": {"decide"}, "comment": {"同意调剂，自然资源局牵头一周内办结"}, "on_site": {"1"}, "version": {"2"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("decide: %d", res.StatusCode)
		}
		it = itemOf(t, f, id)
		if it.Status != ding.ItemDecided || !it.OnSite || it.DecidedName != "leader" || it.CloseDue.String() != "2024-07-01" || it.Due.String() != "2024-07-01" {
			t.Fatalf("decided: %+v", it)
		}
		// Reporting: town B cannot see it (404); town A cannot report for the department.
		if res, _ := lb.submit(path+"/step", url.Values{"action": {"report"}, "comment": {"x"}, "version": {"3"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("town B reports: %d", res.StatusCode)
		}
		res, body = la.submit(path+"/step", url.Values{"action": {"report"}, "unit_id": {itoa(f.units["dept"].ID)}, "comment": {"x"}, "version": {"3"}})
		if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "该事项未交由您的单位办理") {
			t.Fatalf("town A reports for the department: %d", res.StatusCode)
		}
		body = la.get(path)
		if !strings.Contains(body, `id="step-report-form"`) || !strings.Contains(body, `name="unit_id" value="`+itoa(f.units["townA"].ID)+`"`) ||
			!strings.Contains(body, `id="step-close-form"`) {
			t.Fatalf("town A's forms: %.3000s", body)
		}
		res, _ = la.submit(path+"/step", url.Values{"action": {"report"}, "unit_id": {itoa(f.units["townA"].ID)}, "comment": {"报批材料已上报"},
			"done": {"1"}, "version": {"3"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("report: %d", res.StatusCode)
		}
		it = itemOf(t, f, id)
		if it.Status != ding.ItemHandling || it.Lead().Report != "报批材料已上报" || !it.Lead().Done {
			t.Fatalf("reported: %+v", it)
		}
		res, _ = la.submit(path+"/step", url.Values{"action": {"close"}, "comment": {"指标已调剂到位"}, "version": {"4"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("close: %d", res.StatusCode)
		}
		if it = itemOf(t, f, id); it.Status != ding.ItemClosed || it.ClosedOn.String() != "2024-06-20" || !it.Due.IsZero() {
			t.Fatalf("closed: %+v", it)
		}
		body = la.get(path)
		if !strings.Contains(body, `id="step-confirm-form"`) || !strings.Contains(body, `id="step-reopen-form"`) {
			t.Fatalf("the raiser is not offered confirmation")
		}
		res, _ = la.submit(path+"/step", url.Values{"action": {"confirm"}, "version": {"5"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("confirm: %d", res.StatusCode)
		}
		if it = itemOf(t, f, id); it.Status != ding.ItemConfirmed || it.Version != 6 {
			t.Fatalf("confirmed: %+v", it)
		}
		body = la.get(path)
		for _, want := range []string{"业主已确认", "报批材料已上报", "本单位部分已完成", "同意调剂，自然资源局牵头一周内办结", "现场拍板", "组织报批", "调剂指标",
			"合理合规，予以受理", "指标已调剂到位", "确认办结", "报送办理情况", `class="done">已拍板`} {
			if !strings.Contains(body, want) {
				t.Errorf("the confirmed item lacks %q", want)
			}
		}
		if strings.Contains(body, `id="step-`) {
			t.Errorf("a confirmed item still offers steps")
		}
		evs, err := f.db.ItemHistory(warnCtx(f, "office"), id)
		if err != nil || len(evs) != 6 || evs[1].UserName != "office" || evs[1].Comment != "合理合规，予以受理" || evs[2].UserName != "leader" {
			t.Fatalf("history: %+v %v", evs, err)
		}
		// The viewer reads and can do nothing.
		vc := f.login("viewer")
		res, body = vc.getRes(path)
		if res.StatusCode != 200 || strings.Contains(body, `id="item-attach-form"`) {
			t.Errorf("viewer page: %d", res.StatusCode)
		}
		if res, _ := vc.getRes("/items/new"); res.StatusCode != http.StatusForbidden {
			t.Errorf("viewer raises: %d", res.StatusCode)
		}
		if res, _ := oc.getRes("/items/999999"); res.StatusCode != http.StatusNotFound {
			t.Errorf("missing item: %d", res.StatusCode)
		}
	})
}

// TestItemPageReject: the office refuses a demand with its reason; an unknown step is
// refused.
func TestItemPageReject(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		p := itemSetup(t, f)
		d := &ding.Item{Kind: ding.DemandItem, ProjectID: p.ID, Type: "政策", Title: "申请减免全部税费", Request: "减免五年全部税费"}
		if err := f.db.CreateItem(warnCtx(f, "liaisonA"), d); err != nil {
			t.Fatal(err)
		}
		path := "/items/" + itoa(d.ID)
		oc := f.login("office")
		res, body := oc.submit(path+"/step", url.Values{"action": {"fly"}, "version": {"1"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "未知的办理环节") {
			t.Fatalf("unknown step: %d", res.StatusCode)
		}
		res, body = oc.submit(path+"/step", url.Values{"action": {"reject"}, "comment": {" "}, "version": {"1"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="step-reject-comment-error">请说明理由`) {
			t.Fatalf("reject without reason: %d", res.StatusCode)
		}
		// No version: refused as stale.
		if res, _ := oc.submit(path+"/step", url.Values{"action": {"reject"}, "comment": {"不符合政策"}}); res.StatusCode != http.StatusConflict {
			t.Fatalf("no version: %d", res.StatusCode)
		}
		res, _ = oc.submit(path+"/step", url.Values{"action": {"reject"}, "comment": {"不符合税收政策"}, "version": {"1"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("reject: %d", res.StatusCode)
		}
		body = oc.get(path)
		if it := itemOf(t, f, d.ID); it.Status != ding.ItemRejected || it.Reason != "不符合税收政策" ||
			!strings.Contains(body, `class="stop">不予受理`) || !strings.Contains(body, "不予受理的理由") {
			t.Fatalf("rejected: %+v", it)
		}
	})
}

// TestItemPageAction: the office creates an action item; a deadline on a holiday gets the
// store's message and writes nothing; a liaison cannot create one.
func TestItemPageAction(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		p := itemSetup(t, f)
		oc := f.login("office")
		body := oc.get("/items/new?kind=action")
		for _, want := range []string{`id="item-form-tab-action"`, `name="close_due"`, `name="lead_unit"`, `name="decided_by"`, ">leader</option>"} {
			if !strings.Contains(body, want) {
				t.Errorf("action form lacks %q", want)
			}
		}
		fields := url.Values{"kind": {"action"}, "project_id": {itoa(p.ID)}, "title": {"完成二期土地挂牌"}, "close_due": {"2024-10-01"},
			"lead_unit": {itoa(f.units["townA"].ID)}, "lead_part": {"挂牌准备"}, "co_unit": {itoa(f.units["dept"].ID), ""}, "co_part": {"指标", ""},
			"decided_by": {itoa(f.users["leader"].ID)}, "decision": {"月例会议定"}}
		res, body := oc.multipartPost("/items", fields)
		if res.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, `id="if-close-due-error">2024-10-01 是节假日（国庆节），不是工作日，请选择工作日作为期限`) ||
			!strings.Contains(body, `value="挂牌准备"`) || !strings.Contains(body, `value="指标"`) || itemCount(t, f) != 0 {
			t.Fatalf("holiday deadline: %d %.3000s", res.StatusCode, body)
		}
		// A liaison posting an action item is refused.
		la := f.login("liaisonA")
		if res, _ := la.multipartPost("/items", fields); res.StatusCode != http.StatusForbidden || itemCount(t, f) != 0 {
			t.Fatalf("liaison's action item: %d", res.StatusCode)
		}
		fields.Set("close_due", "2024-09-29") // a Sunday that is a make-up working day
		res, _ = oc.multipartPost("/items", fields)
		if res.StatusCode != http.StatusSeeOther || !strings.HasSuffix(res.Header.Get("Location"), "flash=itemui_action_created") {
			t.Fatalf("action item: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		it := itemOf(t, f, idFromLocation(t, res))
		if it.Kind != ding.ActionItem || it.Status != ding.ItemDecided || it.Due.String() != "2024-09-29" || it.DecidedName != "leader" ||
			len(it.Units) != 2 || it.Lead().Part != "挂牌准备" || it.Decision != "月例会议定" {
			t.Fatalf("action item: %+v", it)
		}
		body = la.get("/items/" + itoa(it.ID))
		if !strings.Contains(body, "交办事项") || !strings.Contains(body, `id="step-report-form"`) || strings.Contains(body, "已提交") {
			t.Fatalf("action item page: %.2000s", body)
		}
	})
}

// TestItemAttachments: an attachment that is not what its name says is refused with a
// clear message and nothing is stored; real files are stored and served to who can see
// the item.
func TestItemAttachments(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		p := itemSetup(t, f)
		la := f.login("liaisonA")
		fields := url.Values{"project_id": {itoa(p.ID)}, "type": {"审批"}, "title": {"施工许可"}, "request": {"加快办理施工许可"}}
		audits := f.auditCount()
		for _, c := range []struct {
			file upFile
			want string
		}{
			{upFile{"批复.pdf", zipBytes(t, "a.txt")}, "附件“批复.pdf”的内容与扩展名 .pdf 不符：实际是ZIP 压缩包"},
			{upFile{"批复.pdf", exeBytes}, "附件“批复.pdf”的内容与扩展名 .pdf 不符：实际是可执行程序"},
			{upFile{"方案.docx", zipBytes(t, "a.txt")}, "附件“方案.docx”的内容与扩展名 .docx 不符"},
			{upFile{"setup.exe", exeBytes}, "附件“setup.exe”的类型不支持"},
		} {
			res, body := la.multipartPost("/items", fields, upFile{"红线图.pdf", pdfBytes}, c.file)
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="if-files-error">`+c.want) ||
				!strings.Contains(body, "本次上传的文件均未保存") || !strings.Contains(body, `value="施工许可"`) {
				t.Errorf("%s: %d %.3000s", c.file.name, res.StatusCode, body)
			}
		}
		if itemCount(t, f) != 0 || filesStored(t, f) != 0 || f.auditCount() != audits {
			t.Fatalf("a refused upload stored something: %d items, %d files", itemCount(t, f), filesStored(t, f))
		}
		docx := zipBytes(t, "[Content_Types].xml", "word/document.xml")
		res, _ := la.multipartPost("/items", fields, upFile{"红线图.pdf", pdfBytes}, upFile{"方案.docx", docx})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("raise with files: %d", res.StatusCode)
		}
		id := idFromLocation(t, res)
		path := "/items/" + itoa(id)
		fs, err := f.db.ItemFiles(warnCtx(f, "office"), id)
		if err != nil || len(fs) != 2 || fs[0].Name != "红线图.pdf" || fs[0].ContentType != "application/pdf" || fs[0].Size != int64(len(pdfBytes)) ||
			fs[1].ContentType != "application/vnd.openxmlformats-officedocument.wordprocessingml.document" || filesStored(t, f) != 2 {
			t.Fatalf("files: %+v %v", fs, err)
		}
		// Adding to an existing item: a fake refused, nothing added.
		res, body := la.multipartPost(path+"/files", nil, upFile{"照片.png", pdfBytes})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="item-files-error">附件“照片.png”的内容与扩展名 .png 不符：实际是PDF 文件`) {
			t.Fatalf("fake png: %d %.2000s", res.StatusCode, body)
		}
		if fs, _ := f.db.ItemFiles(warnCtx(f, "office"), id); len(fs) != 2 || filesStored(t, f) != 2 {
			t.Fatalf("a refused attachment was stored")
		}
		// Nothing chosen.
		if res, body := la.multipartPost(path+"/files", nil); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "请选择要上传的文件") {
			t.Fatalf("no file: %d", res.StatusCode)
		}
		// The leader sees the item but is not offered, nor allowed, uploads.
		lc := f.login("leader")
		if body := lc.get(path); strings.Contains(body, `id="item-attach-form"`) || !strings.Contains(body, "方案.docx") {
			t.Errorf("leader's page wrong")
		}
		if res, body := lc.multipartPost(path+"/files", nil, upFile{"a.pdf", pdfBytes}); res.StatusCode != http.StatusForbidden || !strings.Contains(body, "只有提出人、项目办") {
			t.Errorf("leader uploads: %d", res.StatusCode)
		}
		oc := f.login("office")
		res, _ = oc.multipartPost(path+"/files", nil, upFile{"会议纪要.txt", []byte("6月20日专题会纪要：同意加快办理。\n")})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("office uploads: %d", res.StatusCode)
		}
		fs, _ = f.db.ItemFiles(warnCtx(f, "office"), id)
		if len(fs) != 3 || fs[2].UploadedBy != "office" {
			t.Fatalf("after upload: %+v", fs)
		}
		// Download: the bytes, as an attachment; town B gets 404.
		res, body = la.getRes(path + "/files/" + itoa(fs[0].ID))
		if res.StatusCode != 200 || body != string(pdfBytes) || res.Header.Get("Content-Type") != "application/pdf" ||
			!strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment;") || res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("download: %d %v", res.StatusCode, res.Header)
		}
		if res, _ := f.login("liaisonB").getRes(path + "/files/" + itoa(fs[0].ID)); res.StatusCode != http.StatusNotFound {
			t.Errorf("town B downloads: %d", res.StatusCode)
		}
		if res, _ := la.getRes("/items/" + itoa(id+1) + "/files/" + itoa(fs[0].ID)); res.StatusCode != http.StatusNotFound {
			t.Errorf("a file under another item: %d", res.StatusCode)
		}
	})
}

// TestItemPageList: the list's counts, filters, sorting, paging and scope; the Excel
// export of the filtered list; the project page's panel.
func TestItemPageList(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		p := itemSetup(t, f)
		liA, office := warnCtx(f, "liaisonA"), warnCtx(f, "office")
		mk := func(it *ding.Item) *ding.Item {
			t.Helper()
			if err := f.db.CreateItem(liA, it); err != nil {
				t.Fatal(err)
			}
			return it
		}
		a := mk(&ding.Item{Kind: ding.DemandItem, ProjectID: p.ID, Type: "土地", Title: "用地指标不足", Request: "调剂 50 亩"})
		b := mk(&ding.Item{Kind: ding.DemandItem, ProjectID: p.ID, Type: "审批", Title: "施工许可", Request: "加快办理"})
		c := &ding.Item{Kind: ding.ActionItem, ProjectID: p.ID, Title: "完成二期土地挂牌", Units: []ding.ItemUnit{{UnitID: f.units["dept"].ID, Lead: true}},
			CloseDue: ding.Date{Year: 2024, Month: 6, Day: 28}}
		if err := f.db.CreateItem(office, c); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.StepItem(office, b.ID, store.ItemStep{Action: ding.ItemAccept, Units: []ding.ItemUnit{{UnitID: f.units["townA"].ID, Lead: true}}}); err != nil {
			t.Fatal(err)
		}
		// Five working days later: a (due 06-21) and b (due 06-25) are late, c (06-28) not yet.
		f.db.Now = func() time.Time { return warnNow.Add(7 * 24 * time.Hour) } // Thursday 06-27
		oc := f.login("office")
		res, body := oc.getRes("/items")
		if res.StatusCode != 200 {
			t.Fatalf("list: %d", res.StatusCode)
		}
		for _, want := range []string{"共 3 项", "用地指标不足", "施工许可", "完成二期土地挂牌", `href="/projects/` + itoa(p.ID) + `"`, "区发改局",
			`id="item-card-submitted"`, "逾期 4 个工作日", "逾期 2 个工作日", "待分派", `id="nav-items"`, "items.css", `id="item-tab-action"`} {
			if !strings.Contains(body, want) {
				t.Errorf("list lacks %q", want)
			}
		}
		card := body[strings.Index(body, `id="item-card-overdue"`):]
		if card = card[:strings.Index(card, "</a>")]; !strings.Contains(card, `<div class="card-num">2</div>`) {
			t.Errorf("overdue card: %s", card)
		}
		for q, want := range map[string]int{
			"kind=action": 1, "kind=demand": 2, "status=submitted": 1, "status=accepted": 1, "status=decided": 1, "overdue=1": 2, "open=1": 3,
			"type=" + url.QueryEscape("土地"): 1, "unit=" + itoa(f.units["dept"].ID): 1, "unit=" + itoa(f.units["townB"].ID): 0,
			"project=" + itoa(p.ID): 3, "q=" + url.QueryEscape("许可"): 1, "q=nothing": 0, "kind=nonsense": 3, "sort=due&desc=1": 3, "sort=title": 3,
		} {
			if res, body := oc.getRes("/items?" + q); res.StatusCode != 200 || !strings.Contains(body, "共 "+itoa(int64(want))+" 项") {
				t.Errorf("%s: %d, want %d items", q, res.StatusCode, want)
			}
		}
		// Sorted by due date, earliest first: a (06-21), b (06-25), c (06-28).
		body = oc.get("/items?sort=due")
		ia, ib, ic := strings.Index(body, "用地指标不足"), strings.Index(body, "施工许可"), strings.Index(body, "完成二期土地挂牌")
		if !(ia < ib && ib < ic) || !strings.Contains(body, `data-sort="due">办理期限 <span class="arrow">▲</span>`) {
			t.Errorf("sort by due: %d %d %d", ia, ib, ic)
		}
		if body := oc.get("/items?page=2"); !strings.Contains(body, "共 3 项") || strings.Contains(body, "用地指标不足") {
			t.Errorf("page 2 shows the first page's rows")
		}
		// Scope: town B sees none.
		if body := f.login("liaisonB").get("/items"); !strings.Contains(body, "共 0 项") {
			t.Errorf("town B sees items")
		}
		// The export: every filtered row.
		res, body = oc.getRes("/items/export.xlsx?overdue=1&sort=due")
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ||
			!strings.Contains(res.Header.Get("Content-Disposition"), "items-2024-06-27.xlsx") {
			t.Fatalf("export: %d %v", res.StatusCode, res.Header)
		}
		rows := xlsxRows(t, []byte(body))
		if len(rows) != 5 || rows[0][0] != "衢江区诉求与交办事项清单" || rows[2][3] != "标题" || rows[2][13] != "逾期工作日" {
			t.Fatalf("export rows: %q", rows)
		}
		r := rows[3]
		if r[0] != "1" || r[1] != "诉求" || r[2] != "土地" || r[3] != "用地指标不足" || r[4] != p.Name || r[5] != "樟潭街道" || r[8] != "调剂 50 亩" ||
			r[9] != "已提交" || r[10] != "liaisona" || r[11] != "2024-06-20" || r[12] != "2024-06-21" || r[13] != "4" {
			t.Fatalf("export row: %q", r)
		}
		if r := rows[4]; r[3] != "施工许可" || r[6] != "樟潭街道" || r[9] != "已受理" || r[12] != "2024-06-25" || r[13] != "2" {
			t.Fatalf("export row 2: %q", r)
		}
		if rows := xlsxRows(t, []byte(oc.get("/items/export.xlsx"))); len(rows) != 3+3 {
			t.Fatalf("full export: %d rows", len(rows))
		}
		// The project page lists the open items with a link to raise one.
		body = f.login("liaisonA").get("/projects/" + itoa(p.ID))
		for _, want := range []string{`id="project-items"`, "未办结 3 项", `href="/items/new?project=` + itoa(p.ID) + `"`, `href="/items/` + itoa(a.ID) + `"`, "提诉求"} {
			if !strings.Contains(body, want) {
				t.Errorf("project page lacks %q", want)
			}
		}
	})
}

// TestItemSettingsPage: the office edits the demand types and the clocks on the settings
// page; problems are shown next to their field and nothing is saved.
func TestItemSettingsPage(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		oc := f.login("office")
		body := oc.get("/settings")
		if !strings.Contains(body, `id="settings-types-form"`) || !strings.Contains(body, "土地\n规划") || !strings.Contains(body, `name="close" type="number" min="1" max="60" step="1" required value="7"`) {
			t.Fatalf("settings page: %.3000s", body)
		}
		res, _ := oc.submit("/settings/demand-types", url.Values{"types": {"土地\r\n审批\r\n土地\r\n \r\n环评"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/settings?flash=itemui_types_saved" {
			t.Fatalf("types: %d", res.StatusCode)
		}
		if ts, _ := f.db.DemandTypes(f.sysCtx()); strings.Join(ts, ",") != "土地,审批,环评" {
			t.Fatalf("types saved: %v", ts)
		}
		res, body = oc.submit("/settings/item-clocks", url.Values{"accept": {"2"}, "decide": {"3"}, "close": {"61"}, "escalate": {"2"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="settings-close-clock-error">时限须为 1 到 60 个工作日`) ||
			!strings.Contains(body, `value="61"`) {
			t.Fatalf("bad clock: %d %.3000s", res.StatusCode, body)
		}
		if c, _ := f.db.ItemClocks(f.sysCtx()); c != ding.DefaultItemClocks {
			t.Fatalf("a refused clock was saved: %+v", c)
		}
		res, _ = oc.submit("/settings/item-clocks", url.Values{"accept": {"2"}, "decide": {"3"}, "close": {"10"}, "escalate": {"1"}})
		if c, _ := f.db.ItemClocks(f.sysCtx()); res.StatusCode != http.StatusSeeOther || c != (ding.ItemClocks{Accept: 2, Decide: 3, Close: 10, Escalate: 1}) {
			t.Fatalf("clocks: %d %+v", res.StatusCode, c)
		}
		if res, _ := f.login("liaisonA").submit("/settings/demand-types", url.Values{"types": {"x"}}); res.StatusCode != http.StatusForbidden {
			t.Fatalf("liaison sets types: %d", res.StatusCode)
		}
	})
}

// TestItemPagesEnglish: the pages read in English, with no raw message key left.
func TestItemPagesEnglish(t *testing.T) {
	f := newFixture(t, "sqlite")
	p := itemSetup(t, f)
	d := &ding.Item{Kind: ding.DemandItem, ProjectID: p.ID, Type: "土地", Title: "Land quota", Request: "50 mu"}
	if err := f.db.CreateItem(warnCtx(f, "liaisonA"), d); err != nil {
		t.Fatal(err)
	}
	for _, user := range []string{"office", "admin"} {
		c := f.login(user)
		c.get("/lang?to=en&next=/")
		for _, path := range []string{"/items", "/items/" + itoa(d.ID), "/items/new", "/items/new?kind=action", "/settings/calendar?year=2024", "/settings",
			"/projects/" + itoa(p.ID)} {
			res, body := c.getRes(path)
			if res.StatusCode != 200 {
				t.Errorf("%s %s: %d", user, path, res.StatusCode)
			}
			for _, raw := range []string{"itemui.", "calui.", "item.status.", "item.action.", "item.kind."} {
				if strings.Contains(body, raw) {
					i := strings.Index(body, raw)
					t.Errorf("%s %s shows a raw key: %q", user, path, body[max(0, i-40):min(len(body), i+60)])
				}
			}
		}
		body := c.get("/items/" + itoa(d.ID))
		for _, want := range []string{"Accept and assign", "Do not accept", "Submitted", "Demand"} {
			if !strings.Contains(body, want) {
				t.Errorf("English item page lacks %q", want)
			}
		}
	}
}

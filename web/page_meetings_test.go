package web

import (
	"bytes"
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

// meetFixture is the situation of the meeting tests: the yellow town A project of
// warnYellow (today is 2024-06-20), a demand liaison A raised on it, and a project of the
// city, outside the office's scope.
type meetFixture struct {
	p, outside *ding.Project
	demand     *ding.Item
}

func meetSetup(t *testing.T, f *fixture) *meetFixture {
	t.Helper()
	x := &meetFixture{p: warnYellow(t, f)}
	x.demand = &ding.Item{Kind: ding.DemandItem, ProjectID: x.p.ID, Type: "资金", Title: "技改补助兑现", Request: "兑现 2023 年技改补助"}
	if err := f.db.CreateItem(warnCtx(f, "liaisonA"), x.demand); err != nil {
		t.Fatal(err)
	}
	x.outside = &ding.Project{Code: "2301-330800-04-01-000009", Name: "市级重点项目", UnitID: f.units["city"].ID, Investor: "government", Industry: "E",
		TotalInvestment: ding.Yi, Stage: ding.StagePlanning, StageOn: ding.Date{Year: 2024, Month: 1, Day: 1}}
	if err := f.db.CreateProject(f.sysCtx(), x.outside); err != nil {
		t.Fatal(err)
	}
	return x
}

// meetForm is a valid form for the June monthly meeting.
func meetForm(f *fixture) url.Values {
	return url.Values{"kind": {"monthly"}, "title": {"6月重大项目月例会"}, "date": {"2024-06-21"}, "time": {"09:00"},
		"place": {"区行政中心301会议室"}, "chair_id": {itoa(f.users["leader"].ID)}, "attendees": {"王副区长，区发改局、樟潭街道主要负责人"},
		"unit_ids": {itoa(f.units["townA"].ID)}, "comment_due": {"2024-06-20"}}
}

var meetIDRE = regexp.MustCompile(`^/meetings/(\d+)`)

// meetCreate schedules the June meeting through the form and returns its id.
func meetCreate(t *testing.T, f *fixture, c *client, form url.Values) int64 {
	t.Helper()
	res, body := c.submit("/meetings", form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %.600s", res.StatusCode, body)
	}
	m := meetIDRE.FindStringSubmatch(res.Header.Get("Location"))
	if m == nil {
		t.Fatalf("create redirects to %q", res.Header.Get("Location"))
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// meetAgenda reads the agenda as the office: "source:title(dropped)" joined by " | ".
func meetAgenda(t *testing.T, f *fixture, id int64) ([]*ding.AgendaItem, string) {
	t.Helper()
	as, err := f.db.Agenda(warnCtx(f, "office"), id)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range as {
		s := string(a.Source) + ":" + a.Title
		if a.Dropped {
			s += "(dropped)"
		}
		out = append(out, s)
	}
	return as, strings.Join(out, " | ")
}

func meetContains(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

// TestMeetingPageForm: the office schedules a meeting through the form; mistakes come back
// next to their field with what was typed; the agenda is built from the data; the facts
// can be changed with the version seen; others cannot use the form.
func TestMeetingPageForm(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		meetSetup(t, f)
		c := f.login("office")
		res, body := c.getRes("/meetings/new")
		if res.StatusCode != 200 {
			t.Fatalf("new form: %d", res.StatusCode)
		}
		meetContains(t, "new form", body, `name="title"`, `type="date" name="date"`, `value="09:00"`, `name="unit_ids" id="mf-units" multiple`,
			`<option value="`+itoa(f.users["leader"].ID)+`">leader（衢江区）</option>`, "樟潭街道", `id="nav-meetings"`, "月例会")
		if res, _ := f.login("liaisonA").getRes("/meetings/new"); res.StatusCode != http.StatusForbidden {
			t.Errorf("a liaison opens the form: %d", res.StatusCode)
		}
		audits := f.auditCount()
		// Mistakes: each under its field, the typed values kept, nothing written.
		bad := meetForm(f)
		bad.Set("title", " ")
		bad.Set("date", "2024-02-30")
		res, body = c.submit("/meetings", bad)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("bad form: %d", res.StatusCode)
		}
		meetContains(t, "bad form", body, `<span class="field-error" id="mf-date-error">日期“2024-02-30”无效`,
			`<span class="field-error" id="mf-title-error">请填写会议名称</span>`, `value="区行政中心301会议室"`, "王副区长，区发改局",
			`<option value="`+itoa(f.units["townA"].ID)+`" selected>`)
		bad = meetForm(f)
		bad.Set("comment_due", "2024-06-22")
		if _, body = c.submit("/meetings", bad); !strings.Contains(body, `id="mf-comment-due-error">单位反馈截止日期不能晚于会议日期`) {
			t.Errorf("comment deadline after the meeting: %.300s", body)
		}
		bad = meetForm(f)
		bad.Set("chair_id", itoa(f.users["office"].ID))
		if _, body = c.submit("/meetings", bad); !strings.Contains(body, `id="mf-chair-error">主持人须为领导账号`) {
			t.Errorf("the office chairs")
		}
		bad = meetForm(f)
		bad.Set("time", "25:00")
		if _, body = c.submit("/meetings", bad); !strings.Contains(body, `id="mf-time-error">时间“25:00”无效`) {
			t.Errorf("bad time")
		}
		if n, _, _ := f.db.FindMeetings(warnCtx(f, "office"), store.MeetingFilter{}); len(n) != 0 || f.auditCount() != audits {
			t.Fatalf("refused forms wrote %d meetings", len(n))
		}
		if res, _ := f.login("liaisonA").submit("/meetings", meetForm(f)); res.StatusCode != http.StatusForbidden {
			t.Errorf("a liaison schedules a meeting: %d", res.StatusCode)
		}
		// The meeting, with its agenda built from the data.
		id := meetCreate(t, f, c, meetForm(f))
		if _, got := meetAgenda(t, f, id); got != "standing:黄色预警项目：特种纸扩能项目 | new:新提交诉求：技改补助兑现" {
			t.Fatalf("agenda: %s", got)
		}
		m, err := f.db.FindMeeting(warnCtx(f, "office"), id)
		if err != nil || m.Kind != ding.MeetingMonthly || m.StartsAt.In(ding.Shanghai).Format("2006-01-02 15:04") != "2024-06-21 09:00" ||
			m.ChairID != f.users["leader"].ID || len(m.UnitIDs) != 1 || m.UnitIDs[0] != f.units["townA"].ID || m.CommentDue.String() != "2024-06-20" ||
			m.Place != "区行政中心301会议室" {
			t.Fatalf("meeting: %+v %v", m, err)
		}
		body = c.get("/meetings/" + itoa(id) + "?flash=meetui_created")
		meetContains(t, "meeting page", body, "会议已安排，议程已按数据自动生成", "2024-06-21（周五）09:00", "月例会第 1 期", "leader", "樟潭街道")
		// Edit: the form shows the facts; a stale version is refused; the summary survives.
		body = c.get("/meetings/" + itoa(id) + "/edit")
		meetContains(t, "edit form", body, `value="6月重大项目月例会"`, `value="2024-06-21"`, `name="version" value="1"`, `name="summary"`)
		edit := meetForm(f)
		edit.Set("title", "6月重大项目推进月例会")
		edit.Set("version", "1")
		edit.Set("summary", "会议听取了汇报。")
		if res, body := c.submit("/meetings/"+itoa(id)+"/edit", edit); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("edit: %d %.400s", res.StatusCode, body)
		}
		res, body = c.submit("/meetings/"+itoa(id)+"/edit", edit)
		if res.StatusCode != http.StatusConflict || !strings.Contains(body, `id="mform-stale">会议信息已被他人修改`) || !strings.Contains(body, `value="6月重大项目推进月例会"`) {
			t.Errorf("stale edit: %d %.300s", res.StatusCode, body)
		}
		m, _ = f.db.FindMeeting(warnCtx(f, "office"), id)
		if m.Title != "6月重大项目推进月例会" || m.Summary != "会议听取了汇报。" || m.Version != 2 {
			t.Errorf("after edit: %+v", m)
		}
		if res, _ := f.login("leader").getRes("/meetings/" + itoa(id) + "/edit"); res.StatusCode != http.StatusForbidden {
			t.Errorf("a leader edits: %d", res.StatusCode)
		}
		if res, _ := c.getRes("/meetings/999999/edit"); res.StatusCode != http.StatusNotFound {
			t.Errorf("missing meeting: %d", res.StatusCode)
		}
	})
}

// TestMeetingPageList: newest first, filters by kind, status, month, date range and title,
// pages of 20; units see their meetings only.
func TestMeetingPageList(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		meetSetup(t, f)
		c := f.login("office")
		june := meetCreate(t, f, c, meetForm(f))
		wk := meetForm(f)
		wk.Set("kind", "weekly")
		wk.Set("title", "第25周协调会")
		wk.Set("date", "2024-06-24")
		wk.Set("comment_due", "")
		wk.Del("unit_ids")
		weekly := meetCreate(t, f, c, wk)
		body := c.get("/meetings")
		meetContains(t, "list", body, "共 2 次会议", `href="/meetings/`+itoa(june)+`"`, "6月重大项目月例会", "第25周协调会", "周协调会", "筹备中",
			"2024-06-24（周一）09:00", `href="/meetings/`+itoa(june)+`/minutes"`, `id="meeting-new"`)
		if strings.Index(body, "第25周协调会") > strings.Index(body, "6月重大项目月例会") {
			t.Errorf("the list is not newest first")
		}
		for q, want := range map[string]int{"kind=weekly": 1, "kind=monthly": 1, "kind=topic": 0, "status=held": 0, "status=planned": 2,
			"month=2024-06": 2, "month=2024-05": 0, "from=2024-06-22": 1, "to=2024-06-21": 1, "from=2024-06-21&to=2024-06-21": 1,
			"q=" + url.QueryEscape("月例会"): 1, "q=nothing": 0, "kind=nonsense": 2, "month=2024-06&from=2024-06-22": 1} {
			res, body := c.getRes("/meetings?" + q)
			if res.StatusCode != 200 || !strings.Contains(body, "共 "+strconv.Itoa(want)+" 次会议") {
				t.Errorf("%s: %d, want %d meetings", q, res.StatusCode, want)
			}
		}
		if body := c.get("/meetings?page=2"); !strings.Contains(body, "共 2 次会议") || strings.Contains(body, `href="/meetings/`+itoa(june)+`"`) {
			t.Errorf("page 2 shows the first page's rows")
		}
		// Town A takes part in the June meeting; town B in none.
		if body := f.login("liaisonA").get("/meetings"); !strings.Contains(body, "共 1 次会议") || strings.Contains(body, "第25周协调会") ||
			strings.Contains(body, `id="meeting-new"`) {
			t.Errorf("liaison A's list")
		}
		if body := f.login("liaisonB").get("/meetings"); !strings.Contains(body, "共 0 次会议") {
			t.Errorf("liaison B sees meetings")
		}
		_ = weekly
	})
}

// TestMeetingPageAgenda: the office reorders, drops, restores and adds items while the
// meeting is planned; an item for a project outside its scope is refused; the agenda can be
// rebuilt and says how many items it added.
func TestMeetingPageAgenda(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		x := meetSetup(t, f)
		c := f.login("office")
		id := meetCreate(t, f, c, meetForm(f))
		mp := "/meetings/" + itoa(id)
		as, _ := meetAgenda(t, f, id)
		body := c.get(mp)
		meetContains(t, "meeting page", body, "常设议题", "新提交诉求", "黄色预警项目：特种纸扩能项目", "新提交诉求：技改补助兑现",
			`href="/items/`+itoa(x.demand.ID)+`"`, `href="/projects/`+itoa(x.p.ID)+`"`, "投资滞后", "状态：已提交", "责任单位：樟潭街道",
			`id="ag-`+itoa(as[1].ID)+`-up"`, `id="ag-`+itoa(as[0].ID)+`-drop"`, `id="agenda-add-form"`, `id="agenda-rebuild"`, `id="meeting-hold-form"`,
			`name="decide_demand"`, `name="a0_title"`, `name="a0_co" multiple`, `data-add-action hidden`, "meetings.js", "共 2 项，已议定 0 项，撤下 0 项")
		if strings.Contains(body, `id="ag-`+itoa(as[0].ID)+`-up"`) {
			t.Errorf("the first item can move up")
		}
		// Move the demand up, then try past the top.
		res, _ := c.submit(mp+"/agenda/"+itoa(as[1].ID)+"/move", url.Values{"delta": {"-1"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != mp+"#ag-"+itoa(as[1].ID) {
			t.Fatalf("move: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if _, got := meetAgenda(t, f, id); got != "new:新提交诉求：技改补助兑现 | standing:黄色预警项目：特种纸扩能项目" {
			t.Fatalf("after move: %s", got)
		}
		res, body = c.submit(mp+"/agenda/"+itoa(as[1].ID)+"/move", url.Values{"delta": {"-1"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "议题已在最前或最后") {
			t.Errorf("move above the top: %d", res.StatusCode)
		}
		// Drop and restore.
		if res, _ := c.submit(mp+"/agenda/"+itoa(as[0].ID)+"/drop", url.Values{"dropped": {"1"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("drop: %d", res.StatusCode)
		}
		body = c.get(mp)
		meetContains(t, "after drop", body, `mt-item mt-dropped" id="ag-`+itoa(as[0].ID)+`"`, `id="ag-`+itoa(as[0].ID)+`-restore"`, "撤下 1 项")
		if _, got := meetAgenda(t, f, id); !strings.Contains(got, "(dropped)") {
			t.Fatalf("not dropped: %s", got)
		}
		c.submit(mp+"/agenda/"+itoa(as[0].ID)+"/drop", url.Values{"dropped": {"0"}})
		if _, got := meetAgenda(t, f, id); strings.Contains(got, "(dropped)") {
			t.Fatalf("not restored: %s", got)
		}
		// Add: an item of the office's own; one for a project outside its scope is refused
		// next to the project, with nothing added.
		res, _ = c.submit(mp+"/agenda", url.Values{"title": {"二期用地征迁"}, "project_id": {itoa(x.p.ID)}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("add: %d", res.StatusCode)
		}
		as, got := meetAgenda(t, f, id)
		if got != "new:新提交诉求：技改补助兑现 | standing:黄色预警项目：特种纸扩能项目 | custom:二期用地征迁" || as[2].UnitID != f.units["townA"].ID {
			t.Fatalf("after add: %s %+v", got, as[2])
		}
		audits := f.auditCount()
		res, body = c.submit(mp+"/agenda", url.Values{"title": {"市级项目协调"}, "project_id": {itoa(x.outside.ID)}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="agenda-add-project-error">该项目不存在或不在您的管理范围内`) ||
			!strings.Contains(body, `value="市级项目协调"`) {
			t.Errorf("outside project: %d", res.StatusCode)
		}
		res, body = c.submit(mp+"/agenda", url.Values{"title": {""}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="agenda-add-title-error">请填写议题`) {
			t.Errorf("empty title: %d", res.StatusCode)
		}
		if _, got2 := meetAgenda(t, f, id); got2 != got || f.auditCount() != audits {
			t.Errorf("refused adds changed the agenda: %s", got2)
		}
		// Rebuild: nothing new, then a new demand.
		res, _ = c.submit(mp+"/agenda/rebuild", nil)
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != mp+"?added=0#agenda" {
			t.Fatalf("rebuild: %d %s", res.StatusCode, loc)
		}
		if body := c.get(mp + "?added=0"); !strings.Contains(body, "议程已是最新，没有需要新增的议题") {
			t.Errorf("rebuild message")
		}
		d2 := &ding.Item{Kind: ding.DemandItem, ProjectID: x.p.ID, Type: "审批", Title: "施工许可加快办理", Request: "请住建局加快办理施工许可"}
		if err := f.db.CreateItem(warnCtx(f, "liaisonA"), d2); err != nil {
			t.Fatal(err)
		}
		res, _ = c.submit(mp+"/agenda/rebuild", nil)
		if loc := res.Header.Get("Location"); loc != mp+"?added=1#agenda" {
			t.Fatalf("rebuild: %s", loc)
		}
		if body := c.get(mp + "?added=1"); !strings.Contains(body, "已重新生成议程，新增 1 项议题") || !strings.Contains(body, "新提交诉求：施工许可加快办理") {
			t.Errorf("rebuilt agenda")
		}
		// Not the office: no controls; posting is refused.
		lc := f.login("leader")
		body = lc.get(mp)
		if strings.Contains(body, `id="agenda-add-form"`) || strings.Contains(body, "-drop\"") || strings.Contains(body, `id="meeting-hold-form"`) {
			t.Errorf("the leader sees the office's controls")
		}
		if res, _ := lc.submit(mp+"/agenda/"+itoa(as[0].ID)+"/move", url.Values{"delta": {"1"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("a leader moves: %d", res.StatusCode)
		}
		// An agenda item of another meeting, or none, is 404.
		if res, _ := c.submit("/meetings/999999/agenda/"+itoa(as[0].ID)+"/move", url.Values{"delta": {"1"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("wrong meeting: %d", res.StatusCode)
		}
		if res, _ := c.submit(mp+"/agenda/999999/drop", url.Values{"dropped": {"1"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("missing item: %d", res.StatusCode)
		}
	})
}

// TestMeetingPageDecide: liaison A comments on its unit's item, liaison B cannot see the
// meeting; the office records decisions — an action item due on a holiday is refused with
// the holiday named and nothing written, a working day creates it — holds the meeting, and
// the minutes (page and workbook) hold the decisions and action items.
func TestMeetingPageDecide(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		x := meetSetup(t, f)
		c := f.login("office")
		id := meetCreate(t, f, c, meetForm(f))
		mp := "/meetings/" + itoa(id)
		as, _ := meetAgenda(t, f, id)
		standing, demandItem := as[0], as[1]
		// Comments.
		la := f.login("liaisonA")
		body := la.get(mp)
		meetContains(t, "liaison A's page", body, `id="ag-`+itoa(demandItem.ID)+`-comment-form"`, "截止 2024-06-20", "单位尚未反馈意见",
			"本单位负责的议题 2 项", `<a href="#ag-`+itoa(demandItem.ID)+`">2. 新提交诉求：技改补助兑现</a>`)
		meetContains(t, "the office's page", c.get(mp), `<details class="mt-proxy"><summary>代单位录入意见</summary>`)
		if strings.Contains(body, `-decide-form"`) || strings.Contains(body, `id="agenda-add-form"`) {
			t.Errorf("liaison A sees the office's forms")
		}
		res, body := la.submit(mp+"/agenda/"+itoa(demandItem.ID)+"/comment", url.Values{"comment": {"  "}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="ag-`+itoa(demandItem.ID)+`-comment-error">请填写反馈意见`) {
			t.Errorf("empty comment: %d", res.StatusCode)
		}
		res, _ = la.submit(mp+"/agenda/"+itoa(demandItem.ID)+"/comment", url.Values{"comment": {"补助资金已列入预算，请财政局尽快拨付"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("comment: %d", res.StatusCode)
		}
		if as, _ := meetAgenda(t, f, id); as[1].Comment != "补助资金已列入预算，请财政局尽快拨付" || as[1].CommentBy != "liaisona" {
			t.Fatalf("comment stored: %+v", as[1])
		}
		meetContains(t, "page after comment", c.get(mp), "补助资金已列入预算，请财政局尽快拨付", "liaisona 提交于")
		lb := f.login("liaisonB")
		for _, p := range []string{mp, mp + "/minutes", mp + "/minutes.xlsx"} {
			if res, _ := lb.getRes(p); res.StatusCode != http.StatusNotFound {
				t.Errorf("liaison B opens %s: %d", p, res.StatusCode)
			}
		}
		if res, _ := lb.submit(mp+"/agenda/"+itoa(demandItem.ID)+"/comment", url.Values{"comment": {"x"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("liaison B comments: %d", res.StatusCode)
		}
		if res, _ := la.submit(mp+"/agenda/"+itoa(demandItem.ID)+"/decision", url.Values{"decision": {"x"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("a liaison decides: %d", res.StatusCode)
		}
		// A deadline on a holiday: the holiday named next to the deadline, the form as
		// typed, nothing written.
		audits := f.auditCount()
		dec := url.Values{"decision": {"由区发改局牵头，一周内完成技改补助拨付"}, "a0_title": {"拨付技改补助"}, "a0_lead": {itoa(f.units["dept"].ID)},
			"a0_co": {itoa(f.units["townA"].ID)}, "a0_due": {"2024-10-01"}}
		res, body = c.submit(mp+"/agenda/"+itoa(demandItem.ID)+"/decision", dec)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("holiday: %d", res.StatusCode)
		}
		meetContains(t, "holiday form", body, `<span class="field-error mt-due-error">2024-10-01 是节假日（国庆节），不是工作日，请选择工作日作为期限</span>`,
			`value="拨付技改补助"`, `value="2024-10-01"`, "由区发改局牵头，一周内完成技改补助拨付</textarea>", `<details class="mt-decide" open>`,
			`id="meeting-error">2024-10-01 是节假日`, `href="#ag-`+itoa(demandItem.ID)+`"`)
		if its, n, _ := f.db.FindItems(warnCtx(f, "office"), store.ItemFilter{MeetingID: id}); n != 0 || len(its) != 0 {
			t.Fatalf("a refused decision wrote %d action items", n)
		}
		if as, _ := meetAgenda(t, f, id); as[1].Decision != "" || f.auditCount() != audits {
			t.Fatalf("a refused decision was recorded: %q", as[1].Decision)
		}
		// No lead unit; a date that does not exist.
		bad := url.Values{"decision": {"x"}, "a0_title": {"拨付"}, "a0_due": {"2024-06-28"}}
		if _, body = c.submit(mp+"/agenda/"+itoa(demandItem.ID)+"/decision", bad); !strings.Contains(body, "请选择牵头单位") {
			t.Errorf("no lead unit")
		}
		bad = url.Values{"decision": {"x"}, "a0_title": {"拨付"}, "a0_lead": {itoa(f.units["dept"].ID)}, "a0_due": {"2024-06-31"}}
		if _, body = c.submit(mp+"/agenda/"+itoa(demandItem.ID)+"/decision", bad); !strings.Contains(body, "日期“2024-06-31”无效") {
			t.Errorf("bad date")
		}
		// Deciding the demand on the spot before it was accepted is refused as a whole.
		onSite := url.Values{"decision": {"同意兑现"}, "decide_demand": {"1"}}
		if res, _ = c.submit(mp+"/agenda/"+itoa(demandItem.ID)+"/decision", onSite); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("decided before accepted: %d", res.StatusCode)
		}
		// A working day: the action item exists, with its units and deadline; a blank
		// second row is ignored.
		dec.Set("a0_due", "2024-06-28")
		dec.Set("a1_title", "")
		dec.Set("a1_lead", itoa(f.units["townA"].ID))
		res, body = c.submit(mp+"/agenda/"+itoa(demandItem.ID)+"/decision", dec)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != mp+"?flash=meetui_decided#ag-"+itoa(demandItem.ID) {
			t.Fatalf("decision: %d %s %.500s", res.StatusCode, res.Header.Get("Location"), body)
		}
		its, n, err := f.db.FindItems(warnCtx(f, "office"), store.ItemFilter{MeetingID: id})
		if err != nil || n != 1 {
			t.Fatalf("action items: %d %v", n, err)
		}
		act := its[0]
		if act.Kind != ding.ActionItem || act.Title != "拨付技改补助" || act.CloseDue.String() != "2024-06-28" || act.DecidedBy != f.users["leader"].ID ||
			act.ProjectID != x.p.ID || len(act.Units) != 2 || act.Lead() == nil || act.Lead().UnitID != f.units["dept"].ID {
			t.Fatalf("action item: %+v", act)
		}
		body = c.get(mp + "?flash=meetui_decided")
		meetContains(t, "decided page", body, "会议议定事项已记录", "由区发改局牵头，一周内完成技改补助拨付", `href="/items/`+itoa(act.ID)+`"`,
			"拨付技改补助", "区发改局", "2024-06-28", "已拍板", "修改议定内容或补充交办事项")
		// The standing item: a decision without action items.
		if res, _ := c.submit(mp+"/agenda/"+itoa(standing.ID)+"/decision", url.Values{"decision": {"樟潭街道7月底前追回投资进度"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("standing decision: %d", res.StatusCode)
		}
		// A dropped custom item stays out of the minutes.
		c.submit(mp+"/agenda", url.Values{"title": {"撤下的议题"}})
		as, _ = meetAgenda(t, f, id)
		c.submit(mp+"/agenda/"+itoa(as[2].ID)+"/drop", url.Values{"dropped": {"1"}})
		// Held: a stale version is refused with the conflict message; then held.
		m, _ := f.db.FindMeeting(warnCtx(f, "office"), id)
		res, body = c.submit(mp+"/held", url.Values{"summary": {"x"}, "version": {strconv.Itoa(m.Version + 5)}})
		if res.StatusCode != http.StatusConflict || !strings.Contains(body, "会议信息已被他人修改") {
			t.Errorf("stale hold: %d", res.StatusCode)
		}
		summary := "6月21日上午，leader主持召开6月重大项目月例会，研究解决项目推进中的有关问题。"
		if res, _ := c.submit(mp+"/held", url.Values{"summary": {summary}, "version": {strconv.Itoa(m.Version)}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("hold: %d", res.StatusCode)
		}
		body = c.get(mp)
		meetContains(t, "held page", body, `id="meeting-status">已召开`, summary, `-decide-form"`)
		if strings.Contains(body, `id="agenda-add-form"`) || strings.Contains(body, `-comment-form"`) || strings.Contains(body, `-up"`) {
			t.Errorf("a held meeting's agenda can still change")
		}
		// The minutes.
		res, body = c.getRes(mp + "/minutes")
		if res.StatusCode != 200 {
			t.Fatalf("minutes: %d", res.StatusCode)
		}
		meetContains(t, "minutes", body, `id="minutes-title">6月重大项目月例会纪要`, `id="minutes-number">第 1 期`, summary, "会议议定事项如下：",
			"一、黄色预警项目：特种纸扩能项目", "樟潭街道7月底前追回投资进度", "二、新提交诉求：技改补助兑现", "由区发改局牵头，一周内完成技改补助拨付",
			"（一）拨付技改补助。", "牵头单位：区发改局；配合单位：樟潭街道；完成时限：2024年6月28日。", "王副区长，区发改局、樟潭街道主要负责人",
			`id="minutes-chair">leader`, `id="minutes-units">樟潭街道`, "衢江区重大项目推进办公室", `id="minutes-date">2024年6月21日`, "print.css", "minutes.css",
			`data-print`)
		if strings.Contains(body, "撤下的议题") || strings.Contains(body, "minutes-draft") || strings.Contains(body, `class="nav"`) {
			t.Errorf("the minutes show a dropped item, a draft mark or the navigation")
		}
		// The workbook.
		res, xb := c.getRes(mp + "/minutes.xlsx")
		if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Disposition"), "minutes-"+itoa(id)+".xlsx") {
			t.Fatalf("xlsx: %d %s", res.StatusCode, res.Header.Get("Content-Disposition"))
		}
		wb, err := excelize.OpenReader(bytes.NewReader([]byte(xb)))
		if err != nil {
			t.Fatal(err)
		}
		defer wb.Close()
		if sheets := wb.GetSheetList(); len(sheets) != 2 || sheets[0] != "议定事项" || sheets[1] != "交办事项" {
			t.Fatalf("sheets: %v", sheets)
		}
		rows, _ := wb.GetRows("议定事项")
		if len(rows) != 4 || rows[1][0] != "序号" || rows[1][6] != "会议议定" {
			t.Fatalf("decisions sheet: %q", rows)
		}
		if r := rows[2]; r[0] != "1" || r[1] != "黄色预警项目：特种纸扩能项目" || r[2] != "常设议题" || r[3] != "特种纸扩能项目" || r[6] != "樟潭街道7月底前追回投资进度" || r[7] != "0" {
			t.Errorf("decision 1: %q", r)
		}
		if r := rows[3]; r[1] != "新提交诉求：技改补助兑现" || r[5] != "补助资金已列入预算，请财政局尽快拨付" || r[6] != "由区发改局牵头，一周内完成技改补助拨付" || r[7] != "1" {
			t.Errorf("decision 2: %q", r)
		}
		rows, _ = wb.GetRows("交办事项")
		if len(rows) != 3 {
			t.Fatalf("actions sheet: %q", rows)
		}
		if r := rows[2]; r[0] != "1" || r[1] != "2" || r[2] != "拨付技改补助" || r[3] != "区发改局" || r[4] != "樟潭街道" || r[5] != "2024-06-28" ||
			r[6] != "已拍板" || r[7] != itoa(act.ID) {
			t.Errorf("action row: %q", r)
		}
		// A second monthly meeting that year is 第 2 期, for everyone.
		second := meetForm(f)
		second.Set("title", "7月重大项目月例会")
		second.Set("date", "2024-07-19")
		second.Set("comment_due", "")
		id2 := meetCreate(t, f, c, second)
		if body := la.get("/meetings/" + itoa(id2) + "/minutes"); !strings.Contains(body, `id="minutes-number">第 2 期`) || !strings.Contains(body, "minutes-draft") {
			t.Errorf("the second meeting's minutes")
		}
		// English readers get an English toolbar over the Chinese document.
		c.get("/lang?to=en&next=/")
		if body := c.get(mp + "/minutes"); !strings.Contains(body, "Print / save as PDF") || !strings.Contains(body, "会议议定事项如下：") {
			t.Errorf("English minutes toolbar")
		}
	})
}

package store_test

import (
	"strings"
	"testing"
	"time"

	"ding"
	"ding/store"
	"ding/store/storetest"
)

func at(d ding.Date, hour int) time.Time {
	return time.Date(d.Year, d.Month, d.Day, hour, 0, 0, 0, ding.Shanghai)
}

func agendaTitles(t *testing.T, db *store.DB, id int64) string {
	t.Helper()
	as, err := db.Agenda(sys(), id)
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
	return strings.Join(out, " | ")
}

// TestMeetingAgenda: the agenda is built from the data, edited by the office, commented
// on by the units by the deadline; decisions create action items and decide demands on
// the spot, and the next meeting follows them up.
func TestMeetingAgenda(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := mkProjects(t, db)
		office, liA, liB, leader := userCtx(f.office), userCtx(f.liA), userCtx(f.liB), userCtx(f.leader)
		onlyRule(t, db, office, lagPoints)
		if err := db.SetLadder(office, ding.Ladder{}); err != nil {
			t.Fatal(err)
		}
		pid := f.p.ID
		if _, err := db.TransitionProject(office, pid, ding.StageStarted, day(2024, 2, 1), ""); err != nil {
			t.Fatal(err)
		}
		for _, m := range []string{"2024-02", "2024-03", "2024-04"} {
			submit(t, db, liA, pid, m, 100)
		}
		if err := db.SavePlan(office, evenPlan(pid, 2024, 100)); err != nil { // yellow
			t.Fatal(err)
		}
		d := &ding.Item{Kind: ding.DemandItem, ProjectID: pid, Type: "资金", Title: "技改补助兑现", Request: "兑现 2023 年技改补助"}
		if err := db.CreateItem(liA, d); err != nil {
			t.Fatal(err)
		}
		m := &ding.Meeting{Kind: ding.MeetingMonthly, Title: "6月重大项目月例会", StartsAt: at(day(2024, 6, 21), 9), Place: "区行政中心 301",
			ChairID: f.leader.ID, UnitIDs: []int64{f.townA.ID}, CommentDue: day(2024, 6, 20)}
		if err := db.CreateMeeting(liA, m); ding.ErrorCode(err) != ding.EFORBIDDEN {
			t.Fatalf("a liaison schedules a meeting: %v", err)
		}
		bad := *m
		bad.ChairID = f.office.ID
		if err := db.CreateMeeting(office, &bad); ding.ErrorCode(err) != ding.EINVALID {
			t.Fatalf("the office chairs: %v", err)
		}
		bad = *m
		bad.CommentDue = day(2024, 6, 22)
		if err := db.CreateMeeting(office, &bad); ding.ErrorCode(err) != ding.EINVALID {
			t.Fatalf("comments due after the meeting: %v", err)
		}
		if err := db.CreateMeeting(office, m); err != nil {
			t.Fatal(err)
		}
		want := "standing:黄色预警项目：特种纸扩能项目 | new:新提交诉求：技改补助兑现"
		if got := agendaTitles(t, db, m.ID); got != want {
			t.Fatalf("agenda:\n got %s\nwant %s", got, want)
		}
		if ev := inboxEvents(t, db, f.liA); ev["meeting.scheduled"] != 1 {
			t.Fatalf("town A's inbox: %v", ev)
		}
		if _, err := db.FindMeeting(liB, m.ID); ding.ErrorCode(err) != ding.ENOTFOUND {
			t.Fatalf("town B sees the meeting: %v", err)
		}
		// An office elsewhere (town B's own) neither sees nor edits the district's meeting.
		townOffice := &ding.User{Username: "tboffice", DisplayName: "廿里镇办", UnitID: f.townB.ID, Role: ding.RoleOffice, Scope: ding.ScopeUnitTree}
		if err := db.CreateUser(sys(), townOffice, "x"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindMeeting(userCtx(townOffice), m.ID); ding.ErrorCode(err) != ding.ENOTFOUND {
			t.Fatalf("another office sees the meeting: %v", err)
		}
		if _, err := db.BuildAgenda(userCtx(townOffice), m.ID); ding.ErrorCode(err) != ding.ENOTFOUND {
			t.Fatalf("another office rebuilds the agenda: %v", err)
		}
		// A weekly meeting lists red projects only.
		wk := &ding.Meeting{Kind: ding.MeetingWeekly, Title: "周协调", StartsAt: at(day(2024, 6, 24), 15), ChairID: f.leader.ID}
		if err := db.CreateMeeting(office, wk); err != nil {
			t.Fatal(err)
		}
		if got := agendaTitles(t, db, wk.ID); strings.Contains(got, "预警项目") {
			t.Fatalf("weekly agenda lists a yellow project: %s", got)
		}
		// The office edits the agenda.
		if err := db.AddAgendaItem(office, m.ID, &ding.AgendaItem{Title: "二期用地征迁", ProjectID: pid}); err != nil {
			t.Fatal(err)
		}
		outside := &ding.Project{Code: "2301-330800-04-01-000009", Name: "市级项目", UnitID: f.city.ID, Investor: "government", Industry: "E",
			TotalInvestment: ding.Yi, Stage: ding.StagePlanning, StageOn: day(2024, 1, 1)}
		if err := db.CreateProject(sys(), outside); err != nil {
			t.Fatal(err)
		}
		if err := db.AddAgendaItem(office, m.ID, &ding.AgendaItem{Title: "市级项目", ProjectID: outside.ID}); ding.ErrorCode(err) != ding.EINVALID {
			t.Fatalf("an item for a project outside the office's scope: %v", err)
		}
		as, _ := db.Agenda(office, m.ID)
		if err := db.MoveAgendaItem(office, as[2].ID, -2); err != nil {
			t.Fatal(err)
		}
		if err := db.MoveAgendaItem(office, as[2].ID, -1); ding.ErrorCode(err) != ding.EINVALID {
			t.Fatalf("moved above the first: %v", err)
		}
		if err := db.DropAgendaItem(office, as[0].ID, true); err != nil {
			t.Fatal(err)
		}
		want = "custom:二期用地征迁 | standing:黄色预警项目：特种纸扩能项目(dropped) | new:新提交诉求：技改补助兑现"
		if got := agendaTitles(t, db, m.ID); got != want {
			t.Fatalf("edited agenda:\n got %s\nwant %s", got, want)
		}
		// Units comment on their items by the deadline.
		as, _ = db.Agenda(office, m.ID)
		demandItem := as[2]
		if _, err := db.CommentAgendaItem(liB, demandItem.ID, "x"); ding.ErrorCode(err) != ding.ENOTFOUND {
			t.Fatalf("town B comments: %v", err)
		}
		if _, err := db.CommentAgendaItem(liA, demandItem.ID, " "); ding.ErrorCode(err) != ding.EINVALID {
			t.Fatalf("empty comment: %v", err)
		}
		if c, err := db.CommentAgendaItem(liA, demandItem.ID, "补助资金已列入预算，请财政局尽快拨付"); err != nil || c.CommentBy != "lia" {
			t.Fatalf("comment: %+v %v", c, err)
		}
		setNow(db, day(2024, 6, 21))
		if _, err := db.CommentAgendaItem(liA, demandItem.ID, "补充"); ding.ErrorCode(err) != ding.ECONFLICT {
			t.Fatalf("a comment after the deadline: %v", err)
		}
		// The meeting decides: the demand (not yet accepted) cannot be decided on the spot,
		// and nothing is written.
		dec := store.AgendaDecision{Decision: "财政局一周内拨付", DecideDemand: true, Actions: []*ding.Item{{Title: "拨付技改补助",
			Units: []ding.ItemUnit{{UnitID: f.dept.ID, Lead: true}}, CloseDue: day(2024, 6, 28)}}}
		if _, err := db.DecideAgendaItem(office, demandItem.ID, dec); ding.ErrorCode(err) != ding.EINVALID {
			t.Fatalf("decided before accepted: %v", err)
		}
		if _, n, _ := db.FindItems(office, store.ItemFilter{Kind: ding.ActionItem}); n != 0 {
			t.Fatalf("a refused decision wrote %d action items", n)
		}
		if _, err := db.StepItem(office, d.ID, store.ItemStep{Action: ding.ItemAccept, Units: []ding.ItemUnit{{UnitID: f.dept.ID, Lead: true}}}); err != nil {
			t.Fatal(err)
		}
		dec.Actions[0].CloseDue = day(2024, 6, 22) // a Saturday
		if _, err := db.DecideAgendaItem(office, demandItem.ID, dec); ding.ErrorCode(err) != ding.EINVALID {
			t.Fatalf("an action item due on a Saturday: %v", err)
		}
		dec.Actions[0].CloseDue = day(2024, 6, 28)
		got, err := db.DecideAgendaItem(office, demandItem.ID, dec)
		if err != nil || len(got.ActionIDs) != 1 || got.Decision != "财政局一周内拨付" {
			t.Fatalf("decision: %+v %v", got, err)
		}
		if _, err := db.DecideAgendaItem(office, demandItem.ID, dec); ding.ErrorCode(err) != ding.ECONFLICT {
			t.Fatalf("a second decision with action items: %v", err)
		}
		if got, err := db.DecideAgendaItem(office, demandItem.ID, store.AgendaDecision{Decision: "财政局一周内拨付到位"}); err != nil || len(got.ActionIDs) != 1 {
			t.Fatalf("the wording corrected: %+v %v", got, err)
		}
		act, err := db.FindItem(office, got.ActionIDs[0])
		if err != nil || act.MeetingID != m.ID || act.DecidedBy != f.leader.ID || act.ProjectID != pid || act.Status != ding.ItemDecided {
			t.Fatalf("action item: %+v %v", act, err)
		}
		if dd, _ := db.FindItem(office, d.ID); dd.Status != ding.ItemDecided || dd.DecidedBy != f.leader.ID || !dd.OnSite {
			t.Fatalf("the demand decided on the spot: %+v", dd)
		}
		if _, err := db.HoldMeeting(office, m.ID, "会议听取了各单位汇报，议定如下。", 0); err != nil {
			t.Fatal(err)
		}
		if err := db.AddAgendaItem(office, m.ID, &ding.AgendaItem{Title: "补充议题"}); ding.ErrorCode(err) != ding.ECONFLICT {
			t.Fatalf("an item added after the meeting: %v", err)
		}
		// The next meeting follows the action item up.
		next := &ding.Meeting{Kind: ding.MeetingTopic, Title: "技改专题会", StartsAt: at(day(2024, 6, 27), 9), ChairID: f.leader.ID}
		if err := db.CreateMeeting(office, next); err != nil {
			t.Fatal(err)
		}
		if got := agendaTitles(t, db, next.ID); got != "followup:跟踪落实：拨付技改补助" {
			t.Fatalf("next agenda: %s", got)
		}
		_ = leader
	})
}

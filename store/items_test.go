package store_test

import (
	"fmt"
	"testing"

	"ding"
	"ding/calendar"
	"ding/store"
	"ding/store/storetest"
)

func itemHistory(t *testing.T, db *store.DB, id int64) string {
	t.Helper()
	evs, err := db.ItemHistory(sys(), id)
	if err != nil {
		t.Fatal(err)
	}
	s := ""
	for _, e := range evs {
		s += e.Action + ">" + e.To + " "
	}
	return s
}

// TestDemandFlow follows a demand from submission to the owner's confirmation, with the
// clocks in working days, and refuses every step out of order or by the wrong person.
func TestDemandFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := mkProjects(t, db) // 2024-06-20, a Thursday
		office, liA, liB, leader := userCtx(f.office), userCtx(f.liA), userCtx(f.liB), userCtx(f.leader)
		d := &ding.Item{Kind: ding.DemandItem, ProjectID: f.p.ID, Type: "土地", Title: "用地指标不足",
			Description: "二期用地 50 亩指标未落实", Request: "请协调调剂 50 亩用地指标"}
		if err := db.CreateItem(liA, &ding.Item{Kind: ding.DemandItem, ProjectID: f.p.ID, Type: "风水", Title: "x", Request: "y"}); ding.ErrorCode(err) != ding.EINVALID {
			t.Fatalf("unknown type: %v", err)
		}
		if err := db.CreateItem(liB, &ding.Item{Kind: ding.DemandItem, ProjectID: f.p.ID, Type: "土地", Title: "x", Request: "y"}); ding.ErrorCode(err) != ding.ENOTFOUND {
			t.Fatalf("town B raises on town A's project: %v", err)
		}
		if err := db.CreateItem(liA, d); err != nil {
			t.Fatal(err)
		}
		if d.Status != ding.ItemSubmitted || d.AcceptDue != day(2024, 6, 21) || d.Due != day(2024, 6, 21) || d.UnitID != f.townA.ID || d.RaisedName != "lia" {
			t.Fatalf("submitted: %+v", d)
		}
		if ev := inboxEvents(t, db, f.office); ev["item.submitted"] != 1 {
			t.Fatalf("office inbox: %v", ev)
		}
		// Out of order, and by the wrong people: nothing changes.
		if _, err := db.StepItem(office, d.ID, store.ItemStep{Action: ding.ItemClose, Comment: "已办"}); ding.ErrorCode(err) != ding.EINVALID {
			t.Fatalf("办结 before 受理: %v", err)
		}
		if _, err := db.StepItem(liA, d.ID, store.ItemStep{Action: ding.ItemAccept}); ding.ErrorCode(err) != ding.EFORBIDDEN {
			t.Fatalf("a liaison accepts: %v", err)
		}
		if _, err := db.StepItem(office, d.ID, store.ItemStep{Action: ding.ItemAccept}); ding.ErrorCode(err) != ding.EINVALID {
			t.Fatalf("accepted without units: %v", err)
		}
		units := []ding.ItemUnit{{UnitID: f.townA.ID, Lead: true, Part: "组织报批"}, {UnitID: f.dept.ID, Part: "调剂指标"}}
		it, err := db.StepItem(office, d.ID, store.ItemStep{Action: ding.ItemAccept, Units: units, Version: d.Version})
		if err != nil || it.Status != ding.ItemAccepted || it.DecideDue != day(2024, 6, 25) || it.Due != day(2024, 6, 25) || len(it.Units) != 2 {
			t.Fatalf("accepted: %+v %v", it, err)
		}
		if _, err := db.StepItem(office, d.ID, store.ItemStep{Action: ding.ItemDecide, Comment: "同意"}); ding.ErrorCode(err) != ding.EFORBIDDEN {
			t.Fatalf("the office decides: %v", err)
		}
		if _, err := db.StepItem(leader, d.ID, store.ItemStep{Action: ding.ItemDecide}); ding.ErrorCode(err) != ding.EINVALID {
			t.Fatalf("a decision without words: %v", err)
		}
		it, err = db.StepItem(leader, d.ID, store.ItemStep{Action: ding.ItemDecide, Comment: "同意调剂，自然资源局牵头一周内办结", OnSite: true})
		if err != nil || it.Status != ding.ItemDecided || it.CloseDue != day(2024, 7, 1) || !it.OnSite || it.DecidedName != "leader" {
			t.Fatalf("decided: %+v %v", it, err)
		}
		if ev := inboxEvents(t, db, f.liA); ev["item.assigned"] != 1 || ev["item.decided"] != 1 {
			t.Fatalf("town A's inbox: %v", ev)
		}
		// Only an assigned unit reports, for its own part.
		if _, err := db.StepItem(liB, d.ID, store.ItemStep{Action: ding.ItemReport, Comment: "x"}); ding.ErrorCode(err) != ding.ENOTFOUND {
			t.Fatalf("town B reports: %v", err)
		}
		if _, err := db.StepItem(liA, d.ID, store.ItemStep{Action: ding.ItemReport, UnitID: f.dept.ID, Comment: "x"}); ding.ErrorCode(err) != ding.EFORBIDDEN {
			t.Fatalf("town A reports for the department: %v", err)
		}
		it, err = db.StepItem(liA, d.ID, store.ItemStep{Action: ding.ItemReport, Comment: "报批材料已上报", Done: true})
		if err != nil || it.Status != ding.ItemHandling || it.Lead().Report != "报批材料已上报" || !it.Lead().Done || it.Lead().ReportedAt == nil {
			t.Fatalf("reported: %+v %v", it, err)
		}
		if _, err := db.StepItem(leader, d.ID, store.ItemStep{Action: ding.ItemClose, Comment: "x"}); ding.ErrorCode(err) != ding.EFORBIDDEN {
			t.Fatalf("the leader closes: %v", err)
		}
		it, err = db.StepItem(liA, d.ID, store.ItemStep{Action: ding.ItemClose, Comment: "指标已调剂到位"})
		if err != nil || it.Status != ding.ItemClosed || !it.Due.IsZero() || it.ClosedOn != day(2024, 6, 20) {
			t.Fatalf("closed: %+v %v", it, err)
		}
		if _, err := db.StepItem(liA, d.ID, store.ItemStep{Action: ding.ItemReopen}); ding.ErrorCode(err) != ding.EINVALID {
			t.Fatalf("reopened without a reason: %v", err)
		}
		it, err = db.StepItem(liA, d.ID, store.ItemStep{Action: ding.ItemReopen, Comment: "指标只到位 30 亩"})
		if err != nil || it.Status != ding.ItemHandling || it.CloseDue != day(2024, 7, 1) || it.Reason != "指标只到位 30 亩" {
			t.Fatalf("reopened: %+v %v", it, err)
		}
		if _, err := db.StepItem(liA, d.ID, store.ItemStep{Action: ding.ItemClose, Comment: "其余 20 亩已调剂", Version: 1}); ding.ErrorCode(err) != ding.ECONFLICT {
			t.Fatalf("stale version: %v", err)
		}
		if _, err := db.StepItem(liA, d.ID, store.ItemStep{Action: ding.ItemClose, Comment: "其余 20 亩已调剂"}); err != nil {
			t.Fatal(err)
		}
		if it, err = db.StepItem(liA, d.ID, store.ItemStep{Action: ding.ItemConfirm}); err != nil || it.Status != ding.ItemConfirmed {
			t.Fatalf("confirmed: %+v %v", it, err)
		}
		want := "create>submitted accept>accepted decide>decided report>handling close>closed reopen>handling close>closed confirm>confirmed "
		if got := itemHistory(t, db, d.ID); got != want {
			t.Fatalf("history:\n got %s\nwant %s", got, want)
		}
		if _, n, err := db.FindAudit(sys(), ding.AuditFilter{Entity: "item", EntityID: d.ID}); err != nil || n != 8 {
			t.Fatalf("audit events: %d %v", n, err)
		}
		// The department sees the item assigned to it; town B does not.
		if its, n, err := db.FindItems(userCtx(mkLiaison(t, db, f, "lidept", f.dept.ID)), store.ItemFilter{}); err != nil || n != 1 || its[0].ID != d.ID {
			t.Fatalf("department's items: %d %v", n, err)
		}
		if _, n, _ := db.FindItems(liB, store.ItemFilter{}); n != 0 {
			t.Fatalf("town B sees %d items", n)
		}
	})
}

func mkLiaison(t *testing.T, db *store.DB, f *projFixture, name string, unit int64) *ding.User {
	t.Helper()
	u := &ding.User{Username: name, DisplayName: name, UnitID: unit, Role: ding.RoleLiaison}
	if err := db.CreateUser(sys(), u, "x"); err != nil {
		t.Fatal(err)
	}
	return u
}

// TestItemOverdue: a demand not accepted in time is escalated to the units and the office
// on the first late working day, to the leader after two more, and is a warning of its
// project until it moves on.
func TestItemOverdue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := mkProjects(t, db)
		office := userCtx(f.office)
		d := &ding.Item{Kind: ding.DemandItem, ProjectID: f.p.ID, Type: "审批", Title: "施工许可", Request: "加快办理施工许可"}
		if err := db.CreateItem(userCtx(f.liA), d); err != nil {
			t.Fatal(err)
		}
		if _, err := db.StepItem(office, d.ID, store.ItemStep{Action: ding.ItemAccept, Units: []ding.ItemUnit{{UnitID: f.townA.ID, Lead: true}}}); err != nil {
			t.Fatal(err)
		}
		// Due 06-25 (Tue). On Wed 06-26 it is one working day late.
		setNow(db, day(2024, 6, 26))
		if _, err := db.RecomputeWarnings(office, ding.Date{}); err != nil {
			t.Fatal(err)
		}
		it, err := db.FindItem(office, d.ID)
		if err != nil || it.Level != 1 || it.Overdue != 1 {
			t.Fatalf("a day late: %+v %v", it, err)
		}
		if ev := inboxEvents(t, db, f.liA); ev["item.overdue"] != 1 {
			t.Fatalf("town A's inbox: %v", ev)
		}
		if ev := inboxEvents(t, db, f.leader); ev["item.overdue"] != 0 {
			t.Fatalf("the leader heard too early: %v", ev)
		}
		ws := projectWarnings(t, db, f.p.ID)
		found := false
		for _, w := range ws {
			if w.Kind == ding.RuleItemOverdue {
				found = true
			}
		}
		if !found {
			t.Fatalf("no item_overdue warning: %+v", ws)
		}
		// Mon 07-01: three working days late (06-26, 27, 28 … 07-01 is the fourth): the leader.
		setNow(db, day(2024, 7, 1))
		for range 2 {
			if _, err := db.RecomputeWarnings(office, ding.Date{}); err != nil {
				t.Fatal(err)
			}
		}
		if it, _ := db.FindItem(office, d.ID); it.Level != 2 || it.Overdue != 4 {
			t.Fatalf("four days late: level %d overdue %d", it.Level, it.Overdue)
		}
		if ev := inboxEvents(t, db, f.leader); ev["item.overdue"] != 1 {
			t.Fatalf("leader's inbox: %v", ev)
		}
		if ev := inboxEvents(t, db, f.liA); ev["item.overdue"] != 1 {
			t.Fatalf("town A was told twice: %v", ev)
		}
		// Decided: the clock restarts and the warning clears.
		if _, err := db.StepItem(userCtx(f.leader), d.ID, store.ItemStep{Action: ding.ItemDecide, Comment: "特事特办"}); err != nil {
			t.Fatal(err)
		}
		for _, w := range projectWarnings(t, db, f.p.ID) {
			if w.Kind == ding.RuleItemOverdue {
				t.Fatalf("the warning stayed: %+v", w)
			}
		}
		if its, n, err := db.FindItems(office, store.ItemFilter{Overdue: true}); err != nil || n != 0 {
			t.Fatalf("still overdue: %+v %v", its, err)
		}
	})
}

// TestActionItems: the office creates action items with a deadline that must be a working
// day; the decider must be a leader.
func TestActionItems(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := mkProjects(t, db)
		office := userCtx(f.office)
		mk := func() *ding.Item {
			return &ding.Item{Kind: ding.ActionItem, ProjectID: f.p.ID, Title: "完成二期土地挂牌", Decision: "月例会议定",
				Units: []ding.ItemUnit{{UnitID: f.townA.ID, Lead: true}, {UnitID: f.dept.ID}}, CloseDue: day(2024, 7, 5)}
		}
		if err := db.CreateItem(userCtx(f.liA), mk()); ding.ErrorCode(err) != ding.EFORBIDDEN {
			t.Fatalf("a liaison creates an action item: %v", err)
		}
		for name, bad := range map[string]func(*ding.Item){
			"holiday":    func(it *ding.Item) { it.CloseDue = day(2024, 10, 1) },
			"weekend":    func(it *ding.Item) { it.CloseDue = day(2024, 6, 22) },
			"past":       func(it *ding.Item) { it.CloseDue = day(2024, 6, 19) },
			"none":       func(it *ding.Item) { it.CloseDue = ding.Date{} },
			"two leads":  func(it *ding.Item) { it.Units[1].Lead = true },
			"no units":   func(it *ding.Item) { it.Units = nil },
			"not leader": func(it *ding.Item) { it.DecidedBy = f.liA.ID },
		} {
			it := mk()
			bad(it)
			if err := db.CreateItem(office, it); ding.ErrorCode(err) != ding.EINVALID {
				t.Errorf("%s: %v", name, err)
			}
		}
		if _, n, _ := db.FindItems(office, store.ItemFilter{}); n != 0 {
			t.Fatalf("refused items were written: %d", n)
		}
		// Sunday 2024-09-29 is a make-up working day.
		it := mk()
		it.CloseDue, it.DecidedBy = day(2024, 9, 29), f.leader.ID
		if err := db.CreateItem(office, it); err != nil {
			t.Fatal(err)
		}
		if it.Status != ding.ItemDecided || it.Due != day(2024, 9, 29) || it.DecidedName != "leader" {
			t.Fatalf("action item: %+v", it)
		}
		if ev := inboxEvents(t, db, f.liA); ev["item.assigned"] != 1 {
			t.Fatalf("town A's inbox: %v", ev)
		}
		// A unit's own demand, without a project.
		own := &ding.Item{Kind: ding.DemandItem, Type: "人才", Title: "人才公寓", Request: "解决 20 套人才公寓"}
		if err := db.CreateItem(userCtx(f.liB), own); err != nil || own.UnitID != f.townB.ID {
			t.Fatalf("own demand: %+v %v", own, err)
		}
		other := &ding.Item{Kind: ding.DemandItem, Type: "人才", Title: "x", Request: "y", UnitID: f.townA.ID}
		if err := db.CreateItem(userCtx(f.liB), other); ding.ErrorCode(err) != ding.EINVALID {
			t.Fatalf("a demand for another unit: %v", err)
		}
	})
}

// TestCalendarStore: the migration seeds the official arrangements; only administrators
// keep them; clocks follow them.
func TestCalendarStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := mkProjects(t, db)
		days, err := db.CalendarDays(sys(), 0)
		if err != nil {
			t.Fatal(err)
		}
		if want := calendar.Official(); fmt.Sprint(days) != fmt.Sprint(want) {
			t.Fatalf("seeded %d days, the embedded list has %d", len(days), len(want))
		}
		nd := []calendar.Day{{Date: day(2027, 1, 1), Kind: calendar.Holiday, Name: "元旦"}}
		if err := db.SaveCalendarDays(userCtx(f.office), nd); ding.ErrorCode(err) != ding.EFORBIDDEN {
			t.Fatalf("the office keeps the calendar: %v", err)
		}
		if err := db.SaveCalendarDays(sys(), append(nd, calendar.Day{Date: day(2027, 1, 4), Kind: calendar.Workday, Name: "x"})); ding.ErrorCode(err) != ding.EINVALID {
			t.Fatalf("a make-up day on a Monday: %v", err)
		}
		if d, _ := db.CalendarDays(sys(), 2027); len(d) != 0 {
			t.Fatalf("half an import was written: %v", d)
		}
		if err := db.SaveCalendarDays(sys(), nd); err != nil {
			t.Fatal(err)
		}
		cal, err := db.Calendar(sys())
		if err != nil || cal.IsWorkday(day(2027, 1, 1)) {
			t.Fatalf("2027-01-01: %v", err)
		}
		if err := db.DeleteCalendarDay(sys(), day(2027, 1, 1)); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteCalendarDay(sys(), day(2027, 1, 1)); ding.ErrorCode(err) != ding.ENOTFOUND {
			t.Fatalf("deleting twice: %v", err)
		}
	})
}

package store_test

import (
	"testing"

	"ding"
	"ding/store"
	"ding/store/storetest"
)

// TestDashboard: the dashboard's figures follow the records through the rollups, right
// after each write, and stay within the caller's subtree.
func TestDashboard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := mkProjects(t, db) // town A's 12亿 project, signed 2024-01-10; now 2024-06-20
		office, liB := userCtx(f.office), userCtx(f.liB)
		pid := f.p.ID
		d, err := db.DashboardFor(office, 0, 2024, 6)
		if err != nil {
			t.Fatal(err)
		}
		if d.UnitName != "衢江区" || d.Projects != 1 || d.Investment != 12*ding.Yi || d.Signed1 != 1 || d.Signed10 != 1 || d.Signed100 != 0 || d.Plan != 0 ||
			d.Completion.OK || d.Schedule.Pct() != "50.0%" {
			t.Fatalf("at first: %+v", d)
		}
		// A plan of 100万 a month and three reports of 100万: the figures move at once.
		if _, err := db.TransitionProject(office, pid, ding.StageStarted, day(2024, 2, 1), ""); err != nil {
			t.Fatal(err)
		}
		if err := db.SavePlan(office, evenPlan(pid, 2024, 100)); err != nil {
			t.Fatal(err)
		}
		for _, m := range []string{"2024-02", "2024-03", "2024-04"} {
			submit(t, db, userCtx(f.liA), pid, m, 100)
		}
		d, err = db.DashboardFor(office, 0, 2024, 6)
		if err != nil {
			t.Fatal(err)
		}
		if d.Plan != 1200*10_000 || d.Completed != 300*10_000 || d.Completion.Pct() != "25.0%" || d.Gap.PP() != "-25.0" || d.Started != 1 {
			t.Fatalf("after reports: plan %d completed %d %s %s started %d", d.Plan, d.Completed, d.Completion.Pct(), d.Gap.PP(), d.Started)
		}
		var stageStarted int64
		for _, s := range d.ByStage {
			if s.Stage == ding.StageStarted {
				stageStarted = s.N
			}
		}
		if stageStarted != 1 || d.Categories[1].Key != "manufacturing" || d.Categories[1].This != 300*10_000 || d.Categories[1].Growth.OK {
			t.Fatalf("stages %+v categories %+v", d.ByStage, d.Categories)
		}
		if len(d.Units) != 1 || d.Units[0].UnitID != f.townA.ID || d.Units[0].Completion.Pct() != "25.0%" {
			t.Fatalf("units %+v", d.Units)
		}
		// March: only two reports count.
		if d, _ = db.DashboardFor(office, 0, 2024, 3); d.Completed != 200*10_000 || d.Schedule.Pct() != "25.0%" {
			t.Fatalf("March: %d", d.Completed)
		}
		// Town B sees its own subtree: no project; the district is out of its scope.
		if d, err = db.DashboardFor(liB, 0, 2024, 6); err != nil || d.Projects != 0 || d.Completed != 0 {
			t.Fatalf("town B: %+v %v", d, err)
		}
		if _, err := db.DashboardFor(liB, f.district.ID, 2024, 6); ding.ErrorCode(err) != ding.ENOTFOUND {
			t.Fatalf("town B asks for the district: %v", err)
		}
		if _, err := db.DashboardFor(office, 0, 2024, 13); ding.ErrorCode(err) != ding.EINVALID {
			t.Fatalf("month 13: %v", err)
		}
		// A project moved to town B moves its figures with it.
		p, _ := db.FindProjectByID(sys(), pid)
		p.UnitID = f.townB.ID
		if err := db.UpdateProject(office, p); err != nil {
			t.Fatal(err)
		}
		if d, _ = db.DashboardFor(liB, 0, 2024, 6); d.Projects != 1 || d.Completed != 300*10_000 {
			t.Fatalf("town B after the move: %d projects, %d", d.Projects, d.Completed)
		}
	})
}

// TestScreenTokens: a screen token reads its unit's subtree as a viewer until revoked.
func TestScreenTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := mkProjects(t, db)
		office := userCtx(f.office)
		if err := db.CreateScreenToken(userCtx(f.liA), &store.ScreenToken{Name: "大屏"}, "h1"); ding.ErrorCode(err) != ding.EFORBIDDEN {
			t.Fatalf("liaison creates a screen token: %v", err)
		}
		if err := db.CreateScreenToken(office, &store.ScreenToken{Name: "大屏", UnitID: f.city.ID}, "h1"); ding.AsError(err).Field != "unit_id" {
			t.Fatalf("a screen above the office: %v", err)
		}
		tok := &store.ScreenToken{Name: "指挥中心大屏", Prefix: "abcd"}
		if err := db.CreateScreenToken(office, tok, "h1"); err != nil {
			t.Fatal(err)
		}
		a, got, err := db.ScreenActor(sys(), "h1")
		if err != nil || a.Role != ding.RoleViewer || a.UnitID != f.district.ID || a.Scope != ding.ScopeUnitTree || got.ID != tok.ID {
			t.Fatalf("screen actor %+v %v", a, err)
		}
		if _, _, err := db.ScreenActor(sys(), "nope"); ding.ErrorCode(err) != ding.EUNAUTHORIZED {
			t.Fatalf("unknown token: %v", err)
		}
		if err := db.RevokeScreenToken(office, tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.ScreenActor(sys(), "h1"); ding.ErrorCode(err) != ding.EUNAUTHORIZED {
			t.Fatalf("revoked token: %v", err)
		}
		ts, err := db.FindScreenTokens(office)
		if err != nil || len(ts) != 1 || ts[0].RevokedAt == nil {
			t.Fatalf("tokens %+v %v", ts, err)
		}
	})
}

// TestYearStatistics: the months of a year and of the year before, from the records.
func TestYearStatistics(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := mkProjects(t, db)
		office := userCtx(f.office)
		pid := f.p.ID
		if _, err := db.TransitionProject(office, pid, ding.StageStarted, day(2024, 2, 1), ""); err != nil {
			t.Fatal(err)
		}
		if err := db.SavePlan(office, evenPlan(pid, 2024, 100)); err != nil {
			t.Fatal(err)
		}
		submit(t, db, userCtx(f.liA), pid, "2024-02", 100)
		submit(t, db, userCtx(f.liA), pid, "2024-04", 50)
		s, err := db.YearStatistics(office, 0, 2024)
		if err != nil {
			t.Fatal(err)
		}
		if s.Plan != 1200*10_000 || s.Months[1].Completed != 100*10_000 || s.Months[3].Completed != 50*10_000 || s.Months[0].Signed1 != 1 ||
			s.Months[1].Started != 1 || s.ToMonth(s.Months, 4).Completed != 150*10_000 || s.ToMonth(s.Last, 12).Completed != 0 {
			t.Fatalf("stats %+v", s)
		}
		if _, err := db.YearStatistics(userCtx(f.liB), f.townA.ID, 2024); ding.ErrorCode(err) != ding.ENOTFOUND {
			t.Fatalf("town B reads town A: %v", err)
		}
	})
}

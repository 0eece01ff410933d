package store_test

import (
	"context"
	"testing"
	"time"

	"ding"
	"ding/auth"
	"ding/store"
	"ding/store/storetest"
)

// projFixture is the unit tree plus a leader, two liaisons and one project led by town A.
type projFixture struct {
	tree
	db               *store.DB
	leader, liA, liB *ding.User
	office           *ding.User
	p                *ding.Project
}

func userCtx(u *ding.User) context.Context {
	return ding.WithActor(context.Background(), &ding.Actor{UserID: u.ID, Username: u.Username, UnitID: u.UnitID, Role: u.Role, Scope: u.Scope})
}

func mkProjects(t *testing.T, db *store.DB) *projFixture {
	t.Helper()
	// A fixed "now": 2024-06-20 in Shanghai.
	db.Now = func() time.Time { return time.Date(2024, 6, 20, 2, 0, 0, 0, time.UTC) }
	f := &projFixture{tree: mkTree(t, db), db: db}
	hash, _ := auth.FastHasher.Hash("passw0rd-x")
	mku := func(name string, role ding.Role, unit int64) *ding.User {
		u := &ding.User{Username: name, DisplayName: name, UnitID: unit, Role: role}
		if err := db.CreateUser(sys(), u, hash); err != nil {
			t.Fatal(err)
		}
		return u
	}
	f.leader = mku("leader", ding.RoleLeader, f.district.ID)
	f.liA = mku("lia", ding.RoleLiaison, f.townA.ID)
	f.liB = mku("lib", ding.RoleLiaison, f.townB.ID)
	f.office = mku("office", ding.RoleOffice, f.district.ID)
	f.p = &ding.Project{Code: "2301-330803-04-01-000001", Name: "特种纸扩能项目", UnitID: f.townA.ID, LocationID: f.townA.ID,
		LeaderID: f.leader.ID, Investor: "private", Industry: "C", TotalInvestment: 12 * ding.Yi, Manufacturing: true,
		Stage: ding.StageSigned, SignedOn: ding.Date{Year: 2024, Month: 1, Day: 10}, StageOn: ding.Date{Year: 2024, Month: 1, Day: 10}}
	if err := db.CreateProject(userCtx(f.office), f.p); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestProjectCreateAndScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := mkProjects(t, db)
		if f.p.Tier != ding.Tier10 || f.p.Version != 1 {
			t.Fatalf("tier %d version %d", f.p.Tier, f.p.Version)
		}
		got, err := db.FindProjectByID(userCtx(f.liA), f.p.ID)
		if err != nil || got.UnitName != "樟潭街道" || got.LeaderName != "leader" {
			t.Fatalf("town A liaison reads own project: %+v %v", got, err)
		}
		if _, err := db.FindProjectByID(userCtx(f.liB), f.p.ID); ding.ErrorCode(err) != ding.ENOTFOUND {
			t.Fatalf("town B liaison reads town A's project: %v", err)
		}
		// The leader sees "my projects" through the leader link.
		ps, tot, err := db.FindProjects(userCtx(f.leader), ding.ProjectFilter{LeaderID: f.leader.ID})
		if err != nil || len(ps) != 1 || tot.Count != 1 || tot.TotalInvestment != 12*ding.Yi {
			t.Fatalf("leader's projects %d %+v %v", len(ps), tot, err)
		}
		// Adding town B as a cooperating unit lets town B see it.
		if err := db.SaveTeamMember(userCtx(f.office), &ding.TeamMember{ProjectID: f.p.ID, UnitID: f.townB.ID, ContactName: "王五"}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindProjectByID(userCtx(f.liB), f.p.ID); err != nil {
			t.Fatalf("cooperating unit cannot read: %v", err)
		}
		team, _ := db.FindTeam(sys(), f.p.ID)
		if len(team) != 2 || team[0].Role != ding.TeamLead || team[1].ContactName != "王五" {
			t.Fatalf("team %+v", team)
		}
		// But a cooperating liaison may not edit the facts; the lead liaison may.
		p2, _ := db.FindProjectByID(sys(), f.p.ID)
		p2.Name = "改名"
		if err := db.UpdateProject(userCtx(f.liB), p2); ding.ErrorCode(err) != ding.EFORBIDDEN {
			t.Fatalf("coop liaison edits: %v", err)
		}
		if err := db.UpdateProject(userCtx(f.liA), p2); err != nil {
			t.Fatalf("lead liaison edits: %v", err)
		}
		// Duplicate code, bad code, negative money.
		dup := *f.p
		dup.ID = 0
		if err := db.CreateProject(sys(), &dup); ding.AsError(err).Key != "project.code_taken" {
			t.Fatalf("duplicate code: %v", err)
		}
		bad := ding.Project{Code: "2313-330803-04-01-000001", Name: "x", UnitID: f.townA.ID, Investor: "private"}
		if err := db.CreateProject(sys(), &bad); ding.AsError(err).Key != "project.code_invalid" {
			t.Fatalf("month 13 code: %v", err)
		}
		neg := ding.Project{Code: "2301-330803-04-01-000009", Name: "x", UnitID: f.townA.ID, Investor: "private", TotalInvestment: -1}
		if err := db.CreateProject(sys(), &neg); ding.AsError(err).Key != "project.money_negative" {
			t.Fatalf("negative money: %v", err)
		}
		// A town B liaison cannot create a project led by town A.
		other := ding.Project{Code: "2301-330803-04-01-000002", Name: "x", UnitID: f.townA.ID, Investor: "private"}
		if err := db.CreateProject(userCtx(f.liB), &other); ding.AsError(err).Field != "unit_id" {
			t.Fatalf("liaison creates for another town: %v", err)
		}
	})
}

func TestProjectConcurrentEdit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := mkProjects(t, db)
		a, _ := db.FindProjectByID(sys(), f.p.ID)
		b, _ := db.FindProjectByID(sys(), f.p.ID)
		a.Name = "甲的修改"
		if err := db.UpdateProject(userCtx(f.office), a); err != nil {
			t.Fatal(err)
		}
		b.Name = "乙的修改"
		if err := db.UpdateProject(userCtx(f.office), b); ding.AsError(err).Key != "project.stale" || ding.ErrorCode(err) != ding.ECONFLICT {
			t.Fatalf("second save: %v", err)
		}
		got, _ := db.FindProjectByID(sys(), f.p.ID)
		if got.Name != "甲的修改" || got.Version != 2 {
			t.Fatalf("after conflict: %q v%d", got.Name, got.Version)
		}
	})
}

func TestProjectTransitions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := mkProjects(t, db)
		ctx := userCtx(f.office)
		d := func(m, day int) ding.Date { return ding.Date{Year: 2024, Month: time.Month(m), Day: day} }
		lead := &ding.Project{Code: "2301-330803-04-01-000003", Name: "线索", UnitID: f.townA.ID, Investor: "private", Stage: ding.StageNegotiating, StageOn: d(3, 1)}
		if err := db.CreateProject(ctx, lead); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			to     ding.Stage
			on     ding.Date
			reason string
			key    string
		}{
			{ding.StageStarted, d(4, 1), "", "project.start_before_signed"},
			{ding.StageSigned, d(2, 1), "", "project.stage_date_before"},
			{ding.StageSigned, d(7, 1), "", "project.stage_date_future"},
			{ding.StageSigned, d(4, 1), "", ""},
			{ding.StageNegotiating, d(4, 2), "", "project.back_reason_required"},
			{ding.StageStarted, d(5, 1), "", ""},
			{ding.StageDropped, d(5, 2), "", "project.drop_reason_required"},
			{ding.StageDropped, d(5, 2), "企业资金链断裂", ""},
			{ding.StageStarted, d(5, 3), "", "project.restore_reason_required"},
		}
		for i, c := range cases {
			_, err := db.TransitionProject(ctx, lead.ID, c.to, c.on, c.reason)
			if got := ding.AsError(err); (c.key == "" && err != nil) || (c.key != "" && got.Key != c.key) {
				t.Fatalf("case %d (%s on %s): %v, want %q", i, c.to, c.on, err, c.key)
			}
		}
		got, _ := db.FindProjectByID(ctx, lead.ID)
		if got.Stage != ding.StageDropped || got.DropReason != "企业资金链断裂" || got.SignedOn != d(4, 1) || got.ActualStart != d(5, 1) {
			t.Fatalf("project after transitions: %+v", got)
		}
		hist, _ := db.StageHistory(ctx, lead.ID)
		if len(hist) != 4 || hist[1].To != ding.StageSigned || hist[3].Reason != "企业资金链断裂" {
			t.Fatalf("history %+v", hist)
		}
		ms, _ := db.FindMilestones(ctx, lead.ID)
		if ms[1].Name != "开工" || ms[1].ActualOn != d(5, 1) {
			t.Fatalf("milestones %+v", ms[1])
		}
		// A government project may start without signing.
		gov := &ding.Project{Code: "2301-330803-04-01-000004", Name: "道路", UnitID: f.townA.ID, Investor: ding.InvestorGovernment, Stage: ding.StagePlanning, StageOn: d(1, 5)}
		if err := db.CreateProject(ctx, gov); err != nil {
			t.Fatal(err)
		}
		if _, err := db.TransitionProject(ctx, gov.ID, ding.StageStarted, d(3, 1), ""); err != nil {
			t.Fatalf("government start: %v", err)
		}
		// Viewer-like roles cannot move stages.
		if _, err := db.TransitionProject(userCtx(f.leader), gov.ID, ding.StageCompleted, d(6, 1), ""); ding.ErrorCode(err) != ding.EFORBIDDEN {
			t.Fatalf("leader moves stage: %v", err)
		}
	})
}

func TestPlansReportsAndFigures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := mkProjects(t, db)
		ctx := userCtx(f.liA)
		plan := &ding.AnnualPlan{ProjectID: f.p.ID, Year: 2024, Total: 12_000_0000}
		for i := range plan.Months {
			plan.Months[i] = 1000_0000
		}
		plan.Months[11] = 999_0000
		if err := db.SavePlan(ctx, plan); ding.AsError(err).Key != "plan.months_mismatch" {
			t.Fatalf("mismatched months: %v", err)
		}
		if e := ding.AsError(db.SavePlan(ctx, plan)); len(e.Args) != 3 || e.Args[2] != "-1" {
			t.Fatalf("mismatch args %v (want the difference -1 万元)", e.Args)
		}
		plan.Months[11] = 1000_0000
		if err := db.SavePlan(ctx, plan); err != nil {
			t.Fatal(err)
		}
		// A report for July is refused before its window opens (today is 2024-06-20).
		r := &ding.ProgressReport{ProjectID: f.p.ID, Period: "2024-07", Completed: 1, ProgressText: "x"}
		if err := db.SubmitReport(ctx, r, nil); ding.AsError(err).Key != "report.window_not_open" {
			t.Fatalf("early report: %v", err)
		}
		if err := db.SubmitReport(ctx, &ding.ProgressReport{ProjectID: f.p.ID, Period: "2024-13", ProgressText: "x"}, nil); ding.AsError(err).Key != "report.period_invalid" {
			t.Fatalf("month 13: %v", err)
		}
		// May's window closed on the 18th of May: late. June's is open until the 18th — also late on the 20th.
		may := &ding.ProgressReport{ProjectID: f.p.ID, Period: "2024-05", Completed: 3000_0000, ProgressText: "主体结构施工", ProgressPct: 30}
		if err := db.SubmitReport(ctx, may, nil); err != nil {
			t.Fatal(err)
		}
		if !may.Late || may.Version != 1 || may.CompletedYTD != 3000_0000 {
			t.Fatalf("may: %+v", may)
		}
		jun := &ding.ProgressReport{ProjectID: f.p.ID, Period: "2024-06", Completed: 1000_0000, ProgressText: "设备安装", ProgressPct: 45}
		if err := db.SubmitReport(ctx, jun, nil); err != nil {
			t.Fatal(err)
		}
		p, _ := db.FindProjectByID(ctx, f.p.ID)
		if p.PlanYear != 12_000_0000 || p.CompletedYTD != 4000_0000 || p.CompletedAll != 4000_0000 || p.ProgressPct != 45 {
			t.Fatalf("figures %+v", p)
		}
		// Approve May, then correct it: a new version, the old one kept, figures follow.
		if _, err := db.ReviewReport(ctx, may.ID, true, ""); ding.ErrorCode(err) != ding.EFORBIDDEN {
			t.Fatalf("liaison reviews: %v", err)
		}
		if _, err := db.ReviewReport(userCtx(f.office), may.ID, true, "同意"); err != nil {
			t.Fatal(err)
		}
		fix := &ding.ProgressReport{ProjectID: f.p.ID, Period: "2024-05", Completed: 2500_0000, ProgressText: "更正", ProgressPct: 30}
		if err := db.SubmitReport(ctx, fix, nil); err != nil {
			t.Fatal(err)
		}
		all, n, _ := db.FindReports(ctx, store.ReportFilter{ProjectID: f.p.ID, Period: "2024-05"})
		if n != 2 || all[0].Version != 2 || !all[0].Current || all[1].Current || all[1].Status != ding.ReportApproved {
			t.Fatalf("versions %d: %+v", n, all)
		}
		p, _ = db.FindProjectByID(ctx, f.p.ID)
		if p.CompletedYTD != 3500_0000 {
			t.Fatalf("after correction completed %d", p.CompletedYTD)
		}
		// Returning June takes it out of the figures.
		if _, err := db.ReviewReport(userCtx(f.office), jun.ID, false, ""); ding.AsError(err).Key != "report.return_comment_required" {
			t.Fatalf("return without comment: %v", err)
		}
		if _, err := db.ReviewReport(userCtx(f.office), jun.ID, false, "数据与统计局不符"); err != nil {
			t.Fatal(err)
		}
		p, _ = db.FindProjectByID(ctx, f.p.ID)
		if p.CompletedYTD != 2500_0000 {
			t.Fatalf("after return completed %d", p.CompletedYTD)
		}
		months, _ := db.ProjectMonths(ctx, f.p.ID, 2024)
		if months[4].Completed != 2500_0000 || months[4].Planned != 1000_0000 || months[5].Completed != 0 {
			t.Fatalf("months %+v", months[4:6])
		}
		// A report on a project outside the caller's scope is not found.
		if err := db.SubmitReport(userCtx(f.liB), &ding.ProgressReport{ProjectID: f.p.ID, Period: "2024-06", ProgressText: "x"}, nil); ding.ErrorCode(err) != ding.ENOTFOUND {
			t.Fatalf("report outside scope: %v", err)
		}
		// Totals of a filtered list come from the running figures.
		_, tot, err := db.FindProjects(sys(), ding.ProjectFilter{Year: 2024, Stages: []ding.Stage{ding.StageSigned}})
		if err != nil || tot.Count != 1 || tot.PlanYear != 12_000_0000 || tot.CompletedYTD != 2500_0000 {
			t.Fatalf("totals %+v %v", tot, err)
		}
	})
}

func TestCurrentYearFollowsData(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := mkProjects(t, db) // the clock says 2024-06-20
		ctx := sys()
		db.Now = func() time.Time { return time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC) }
		if y := db.CurrentYear(ctx); y != 2026 {
			t.Fatalf("no data: %d, want the calendar year", y)
		}
		plan := &ding.AnnualPlan{ProjectID: f.p.ID, Year: 2022, Total: 0}
		if err := db.SavePlan(ctx, plan); err != nil {
			t.Fatal(err)
		}
		if y := db.CurrentYear(ctx); y != 2022 {
			t.Fatalf("data to 2022: %d", y)
		}
		plan.Year = 2024
		if err := db.SavePlan(ctx, plan); err != nil {
			t.Fatal(err)
		}
		if y := db.CurrentYear(ctx); y != 2024 {
			t.Fatalf("a newer year of data did not move the current year: %d", y)
		}
	})
}

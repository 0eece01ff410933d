package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"ding"
	"ding/auth"
	"ding/store"
	"ding/store/storetest"
)

// genClock is the tests' clock: the end of the generated data (the items' clocks stop
// there), so that the same options make the same rows.
var genClock = time.Date(2024, 12, 20, 2, 0, 0, 0, time.UTC)

const genPassword = "Gen-pass-2024"

// TestGenerate generates a small province on each engine and checks what the benchmarks
// rely on: the counts, that the running figures are what the store's own recompute makes
// of the raw reports, that ids continue after the generated ones, and that scopes work.
func TestGenerate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := ding.WithActor(context.Background(), ding.SystemActor("test"))
		db.Now = func() time.Time { return genClock }
		hash, err := auth.FastHasher.Hash(genPassword)
		if err != nil {
			t.Fatal(err)
		}
		o := store.GenOptions{Seed: 7, Units: 120, Projects: 200, ReportsPerProject: 24, Users: 300, Demands: 600, PasswordHash: hash}
		calls := 0
		o.Progress = func(done, total int) {
			calls++
			if total != 200 || done > total {
				t.Errorf("progress %d/%d", done, total)
			}
		}
		res, err := db.Generate(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		if res.Options.PasswordHash != "" {
			t.Fatal("the result keeps the password hash")
		}
		if res.Units != 120 || res.Projects != 200 || res.Reports != 4800 || res.Plans != 400 || calls == 0 ||
			res.Users != 300 || res.Items != 600 || res.Demands < 450 || res.Demands > 570 || res.ItemEvents < 3*600 {
			t.Fatalf("result %+v, %d progress calls", res, calls)
		}
		if got, ok, err := db.Generated(ctx); err != nil || !ok || got.Projects != 200 || got.Options.Seed != 7 {
			t.Fatalf("generated marker %+v %v %v", got, ok, err)
		}
		if _, err := db.Generate(ctx, o); err == nil {
			t.Fatal("generated into a database that has projects")
		}

		// Counts through the store.
		if _, n, err := db.FindUnits(ctx, ding.UnitFilter{IncludeDisabled: true}); err != nil || n != 120 {
			t.Fatalf("units %d %v", n, err)
		}
		all, tot, err := db.FindProjects(ctx, ding.ProjectFilter{Year: 2024})
		if err != nil || tot.Count != 200 || len(all) != 200 {
			t.Fatalf("projects %d/%d %v", len(all), tot.Count, err)
		}
		if _, n, err := db.FindReports(ctx, store.ReportFilter{Limit: 1}); err != nil || n != 4800 {
			t.Fatalf("reports %d %v", n, err)
		}
		var sumTotal, sumPlan, sumDone int64
		stages := map[ding.Stage]int{}
		for _, p := range all {
			if !ding.ValidProjectCode(p.Code) || !ding.ValidUSCC(p.OwnerCode) || p.Tier != ding.TierOf(p.TotalInvestment) {
				t.Fatalf("project facts %+v", p)
			}
			sumTotal += p.TotalInvestment
			sumPlan += p.PlanYear
			sumDone += p.CompletedYTD
			stages[p.Stage]++
		}
		if sumTotal != tot.TotalInvestment || sumPlan != tot.PlanYear || sumDone != tot.CompletedYTD || len(stages) < 6 {
			t.Fatalf("totals %+v against %d %d %d; stages %v", tot, sumTotal, sumPlan, sumDone, stages)
		}

		// Running figures equal the sums of the raw reports, for every 8th project.
		for i := 0; i < len(all); i += 8 {
			p := all[i]
			reps, n, err := db.FindReports(ctx, store.ReportFilter{ProjectID: p.ID, CurrentOnly: true})
			if err != nil || n != 24 {
				t.Fatalf("reports of %d: %d %v", p.ID, n, err)
			}
			plans, err := db.FindPlans(ctx, p.ID)
			if err != nil || len(plans) != 2 {
				t.Fatalf("plans of %d: %v %v", p.ID, plans, err)
			}
			var sumAll int64
			for _, plan := range plans {
				if err := plan.Validate(); err != nil {
					t.Fatalf("plan %+v: %v", plan, err)
				}
				var sum int64
				pct, last := 0, ""
				byMonth := map[string]int64{}
				for _, r := range reps { // newest first
					if r.Status == ding.ReportReturned || r.Period[:4] != strconv.Itoa(plan.Year) {
						continue
					}
					sum += r.Completed
					byMonth[r.Period] = r.Completed
					if last == "" {
						pct, last = r.ProgressPct, r.Period
					}
				}
				sumAll += sum
				ps, _, err := db.FindProjects(ctx, ding.ProjectFilter{ID: p.ID, Year: plan.Year})
				if err != nil || len(ps) != 1 {
					t.Fatal(err)
				}
				if ps[0].CompletedYTD != sum || ps[0].PlanYear != plan.Total || ps[0].ProgressPct != pct {
					t.Fatalf("project %d %d: completed %d plan %d pct %d, want %d %d %d (last %s)", p.ID, plan.Year,
						ps[0].CompletedYTD, ps[0].PlanYear, ps[0].ProgressPct, sum, plan.Total, pct, last)
				}
				months, err := db.ProjectMonths(ctx, p.ID, plan.Year)
				if err != nil {
					t.Fatal(err)
				}
				for _, m := range months {
					period := fmt.Sprintf("%d-%02d", plan.Year, m.Month)
					if m.Completed != byMonth[period] || m.Planned != plan.Months[m.Month-1] {
						t.Fatalf("project %d %s: month %+v, want completed %d planned %d", p.ID, period, m, byMonth[period], plan.Months[m.Month-1])
					}
				}
			}
			if p.CompletedAll != sumAll {
				t.Fatalf("project %d: completed since start %d, want %d", p.ID, p.CompletedAll, sumAll)
			}
			if dec := reps[0]; dec.Period != "2024-12" || dec.CompletedAll != sumAll {
				t.Fatalf("cumulative figures of %s: %d, want %d", dec.Period, dec.CompletedAll, sumAll)
			}
		}

		// The store's own recompute agrees: a new version of a month with the same figures
		// changes nothing; one with 1万 more adds exactly that.
		var p *ding.Project
		for _, x := range all {
			if x.CompletedYTD > 0 {
				p = x
				break
			}
		}
		if p == nil {
			t.Fatal("no project completed anything in 2024")
		}
		snapshot := func() (ding.Project, []store.MonthFigures) {
			ps, _, err := db.FindProjects(ctx, ding.ProjectFilter{ID: p.ID, Year: 2024})
			if err != nil || len(ps) != 1 {
				t.Fatal(err)
			}
			m, err := db.ProjectMonths(ctx, p.ID, 2024)
			if err != nil {
				t.Fatal(err)
			}
			return *ps[0], m
		}
		before, beforeMonths := snapshot()
		reps, _, err := db.FindReports(ctx, store.ReportFilter{ProjectID: p.ID, Period: "2024-06", CurrentOnly: true})
		if err != nil || len(reps) != 1 {
			t.Fatalf("2024-06 of %d: %v %v", p.ID, reps, err)
		}
		cur := reps[0]
		again := &ding.ProgressReport{ProjectID: p.ID, Period: cur.Period, Completed: cur.Completed, ProgressText: cur.ProgressText, ProgressPct: cur.ProgressPct}
		if err := db.SubmitReport(ctx, again, nil); err != nil {
			t.Fatal(err)
		}
		if again.Version != 2 || again.ID <= int64(res.Reports) {
			t.Fatalf("new version %d id %d after %d generated reports", again.Version, again.ID, res.Reports)
		}
		after, afterMonths := snapshot()
		if after.CompletedYTD != before.CompletedYTD || after.CompletedAll != before.CompletedAll || after.ProgressPct != before.ProgressPct {
			t.Fatalf("recompute changed the figures: %d/%d/%d → %d/%d/%d", before.CompletedYTD, before.CompletedAll, before.ProgressPct,
				after.CompletedYTD, after.CompletedAll, after.ProgressPct)
		}
		for i := range beforeMonths {
			if beforeMonths[i] != afterMonths[i] {
				t.Fatalf("recompute changed month %+v → %+v", beforeMonths[i], afterMonths[i])
			}
		}
		more := *again
		more.ID, more.Completed = 0, cur.Completed+10_000
		if err := db.SubmitReport(ctx, &more, nil); err != nil {
			t.Fatal(err)
		}
		if after, _ = snapshot(); after.CompletedYTD != before.CompletedYTD+10_000 || after.CompletedAll != before.CompletedAll+10_000 {
			t.Fatalf("1万 more: %d/%d, want %d/%d", after.CompletedYTD, after.CompletedAll, before.CompletedYTD+10_000, before.CompletedAll+10_000)
		}

		// New records get ids after the generated ones (PostgreSQL's identity sequences).
		np := &ding.Project{Code: "2401-330101-04-01-999999", Name: "新增项目", UnitID: p.UnitID, Investor: "private", TotalInvestment: 2 * ding.Yi}
		if err := db.CreateProject(ctx, np); err != nil || np.ID <= 200 {
			t.Fatalf("create after generate: id %d %v", np.ID, err)
		}

		// Scopes: each city office sees the projects of its subtree, and together they see
		// them all (a project's team stays inside one district).
		cities, _, err := db.FindUnits(ctx, ding.UnitFilter{Kind: ding.UnitCity})
		if err != nil {
			t.Fatal(err)
		}
		seen := 0
		for _, c := range cities {
			if c.Depth != 1 {
				continue
			}
			office := ding.WithActor(context.Background(), &ding.Actor{UserID: 1_000_000, UnitID: c.ID, Role: ding.RoleOffice, Scope: ding.ScopeUnitTree})
			_, tc, err := db.FindProjects(office, ding.ProjectFilter{Limit: 1})
			if err != nil || tc.Count == 0 {
				t.Fatalf("city %s sees %d: %v", c.Name, tc.Count, err)
			}
			seen += tc.Count
		}
		if seen != 201 {
			t.Fatalf("the cities see %d projects, want 201", seen)
		}
		// A town's liaison sees exactly the projects whose team has the town.
		towns, _, err := db.FindUnits(ctx, ding.UnitFilter{Kind: ding.UnitTown, Limit: 1})
		if err != nil || len(towns) != 1 {
			t.Fatal(err)
		}
		town := towns[0]
		liaison := ding.WithActor(context.Background(), &ding.Actor{UserID: 1_000_000, UnitID: town.ID, Role: ding.RoleLiaison, Scope: ding.ScopeUnit})
		mine, tm, err := db.FindProjects(liaison, ding.ProjectFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if _, ta, _ := db.FindProjects(ctx, ding.ProjectFilter{UnitID: town.ID}); ta.Count != tm.Count || tm.Count == 0 {
			t.Fatalf("town %s: liaison sees %d, the team filter finds %d", town.Name, tm.Count, ta.Count)
		}
		for _, x := range mine {
			team, err := db.FindTeam(liaison, x.ID)
			if err != nil {
				t.Fatal(err)
			}
			in := false
			for _, m := range team {
				in = in || m.UnitID == town.ID
			}
			if !in {
				t.Fatalf("liaison of %s sees project %d whose team is %v", town.Name, x.ID, team)
			}
		}
		for _, x := range all {
			if x.UnitID != town.ID {
				if _, err := db.FindProjectByID(liaison, x.ID); err == nil {
					inTeam, _ := db.FindTeam(ctx, x.ID)
					ok := false
					for _, m := range inTeam {
						ok = ok || m.UnitID == town.ID
					}
					if !ok {
						t.Fatalf("liaison of %s sees project %d outside its team", town.Name, x.ID)
					}
				} else if ding.ErrorCode(err) != ding.ENOTFOUND {
					t.Fatal(err)
				}
			}
		}
		// A leader with the "self" scope sees the projects they lead.
		leaders, _, err := db.FindUsers(ctx, ding.UserFilter{Role: ding.RoleLeader, Limit: 1})
		if err != nil || len(leaders) != 1 {
			t.Fatal(err)
		}
		self := ding.WithActor(context.Background(), &ding.Actor{UserID: leaders[0].ID, UnitID: leaders[0].UnitID, Role: ding.RoleLeader, Scope: ding.ScopeSelf})
		led, tl, err := db.FindProjects(self, ding.ProjectFilter{})
		if err != nil || tl.Count == 0 {
			t.Fatalf("leader sees %d: %v", tl.Count, err)
		}
		for _, x := range led {
			if x.LeaderID != leaders[0].ID {
				t.Fatalf("leader %d sees project %d led by %d", leaders[0].ID, x.ID, x.LeaderID)
			}
		}
		if _, ta, _ := db.FindProjects(ctx, ding.ProjectFilter{LeaderID: leaders[0].ID}); ta.Count != tl.Count {
			t.Fatalf("leader sees %d, the leader filter finds %d", tl.Count, ta.Count)
		}

		checkGeneratedUsers(t, db, res)
		checkGeneratedItems(t, db)
	})
}

// actorOf is the actor a generated user logs in as.
func actorOf(u *ding.User) context.Context {
	return ding.WithActor(context.Background(), &ding.Actor{UserID: u.ID, Username: u.Username, UnitID: u.UnitID, Role: u.Role, Scope: u.Scope})
}

// checkGeneratedUsers: the users are where GenResult says, with their role's scope; they log
// in with the one password; a liaison sees exactly the projects whose team has its unit.
func checkGeneratedUsers(t *testing.T, db *store.DB, res *store.GenResult) {
	t.Helper()
	ctx := ding.WithActor(context.Background(), ding.SystemActor("test"))
	all, n, err := db.FindUsers(ctx, ding.UserFilter{})
	if err != nil || n != 300 {
		t.Fatalf("users: %d %v", n, err)
	}
	byName := map[string]*ding.User{}
	roles := map[ding.Role]int{}
	for _, u := range all {
		byName[u.Username] = u
		roles[u.Role]++
		if u.Scope != u.Role.DefaultScope() || u.DisplayName == "" {
			t.Fatalf("user %+v", u)
		}
	}
	total := 0
	for _, g := range res.UserGroups {
		total += g.Count
		if roles[g.Role] != g.Count || g.Count == 0 {
			t.Fatalf("group %+v, %d users of the role", g, roles[g.Role])
		}
		for _, k := range []int{1, g.Count} {
			u := byName[g.Username(k)]
			if u == nil || u.Role != g.Role || u.ID != g.FirstID+int64(k-1) {
				t.Fatalf("group %+v: user %d is %+v", g, k, u)
			}
		}
	}
	if total != 300 || byName["leader001"] == nil || byName["office0001"] == nil || byName["liaison000001"] == nil {
		t.Fatalf("groups %+v", res.UserGroups)
	}
	// The province's office sees every unit; a district's office its district.
	if u := byName["office0001"]; u.UnitName != "东海省" {
		t.Fatalf("office0001 works at %s", u.UnitName)
	}

	// One password for everyone, checked by the real authenticator.
	a := auth.NewAuthenticator(db, auth.FastHasher, ding.DefaultLoginPolicy, time.Hour)
	for _, name := range []string{"leader001", "office0002", "liaison000001", "liaison000200"} {
		if _, err := a.Login(ctx, name, genPassword, "127.0.0.1", "test"); err != nil {
			t.Fatalf("login %s: %v", name, err)
		}
	}
	if _, err := a.Login(ctx, "liaison000002", genPassword+"x", "127.0.0.1", "test"); ding.ErrorCode(err) != ding.EUNAUTHORIZED {
		t.Fatalf("wrong password: %v", err)
	}

	// Each unit's projects by the teams, then what the liaisons see through their scope.
	ps, _, err := db.FindProjects(ctx, ding.ProjectFilter{})
	if err != nil {
		t.Fatal(err)
	}
	teams := map[int64][]int64{} // unit → projects
	for _, p := range ps {
		team, err := db.FindTeam(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range team {
			teams[m.UnitID] = append(teams[m.UnitID], p.ID)
		}
	}
	checked, withProjects := 0, 0
	for _, u := range all {
		if u.Role != ding.RoleLiaison || checked >= 40 {
			continue
		}
		checked++
		mine, tot, err := db.FindProjects(actorOf(u), ding.ProjectFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, p := range mine {
			got = append(got, p.ID)
		}
		want := teams[u.UnitID]
		slices.Sort(got)
		slices.Sort(want)
		if tot.Count != len(want) || !slices.Equal(got, want) {
			t.Fatalf("liaison %s of %s sees %v, its unit's teams have %v", u.Username, u.UnitName, got, want)
		}
		if len(want) > 0 {
			withProjects++
		}
	}
	if withProjects < 10 {
		t.Fatalf("only %d of %d liaisons have projects", withProjects, checked)
	}
}

// checkGeneratedItems: the items' statuses cover the flow, each item's row is what its
// events lead to (status, version, the due date of the current step, its escalation level
// on genToday), assigned units see them, and the store's own steps work on them.
func checkGeneratedItems(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := ding.WithActor(context.Background(), ding.SystemActor("test"))
	items, n, err := db.FindItems(ctx, store.ItemFilter{Sort: "id"})
	if err != nil || n != 600 || len(items) != 600 {
		t.Fatalf("items: %d %v", n, err)
	}
	cal, err := db.Calendar(ctx)
	if err != nil {
		t.Fatal(err)
	}
	clocks, err := db.ItemClocks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	today := ding.DateOf(genClock)
	statuses := map[ding.ItemStatus]int{}
	overdue, noProject, actions := 0, 0, 0
	assigned := map[int64][]int64{} // unit → items
	for _, it := range items {
		statuses[it.Status]++
		if it.ProjectID == 0 {
			noProject++
		}
		if it.Kind == ding.ActionItem {
			actions++
		}
		hist, err := db.ItemHistory(ctx, it.ID)
		if err != nil || len(hist) == 0 {
			t.Fatalf("history of %d: %v", it.ID, err)
		}
		if hist[0].Action != "create" || ding.ItemStatus(hist[len(hist)-1].To) != it.Status || it.Version != len(hist) {
			t.Fatalf("item %d (%s, version %d) has history %+v", it.ID, it.Status, it.Version, hist)
		}
		for i := 1; i < len(hist); i++ {
			to, err := ding.NextItemStatus(ding.ItemStatus(hist[i].From), ding.ItemAction(hist[i].Action))
			if err != nil || string(to) != hist[i].To || hist[i].From != hist[i-1].To || hist[i].At.Before(hist[i-1].At) {
				t.Fatalf("item %d: step %+v after %+v", it.ID, hist[i], hist[i-1])
			}
		}
		var want ding.Date
		switch it.Status {
		case ding.ItemSubmitted:
			want = it.AcceptDue
		case ding.ItemAccepted:
			want = it.DecideDue
		case ding.ItemDecided, ding.ItemHandling:
			want = it.CloseDue
		}
		level := 0
		if !want.IsZero() && want.Before(today) {
			days := cal.WorkdaysBetween(want, today)
			if days >= 1 {
				level = 1
			}
			if days > clocks.Escalate {
				level = 2
			}
		}
		if it.Due != want || it.Level != level || it.RaisedOn.After(today) || it.Title == "" {
			t.Fatalf("item %d (%s): due %s level %d, want %s %d", it.ID, it.Status, it.Due, it.Level, want, level)
		}
		if it.Overdue > 0 {
			overdue++
		}
		if it.Status == ding.ItemClosed || it.Status == ding.ItemConfirmed {
			if it.ClosedOn.IsZero() {
				t.Fatalf("item %d closed on no day", it.ID)
			}
		}
		if it.Status != ding.ItemSubmitted && it.Status != ding.ItemRejected && it.Lead() == nil {
			t.Fatalf("item %d (%s) has no lead unit: %+v", it.ID, it.Status, it.Units)
		}
		if it.Kind == ding.DemandItem {
			if err := (&ding.Item{Kind: it.Kind, Type: it.Type, Title: it.Title, Request: it.Request, Units: it.Units}).Validate(ding.DefaultDemandTypes); err != nil {
				t.Fatalf("item %d: %v", it.ID, err)
			}
		}
		for _, u := range it.Units {
			assigned[u.UnitID] = append(assigned[u.UnitID], it.ID)
		}
	}
	for _, st := range ding.ItemStatuses {
		if statuses[st] == 0 {
			t.Fatalf("no item is %s: %v", st, statuses)
		}
	}
	if overdue == 0 || noProject == 0 || actions == 0 {
		t.Fatalf("overdue %d, without a project %d, action items %d", overdue, noProject, actions)
	}

	// A liaison sees the items assigned to its unit, and may report on the open ones.
	users, _, err := db.FindUsers(ctx, ding.UserFilter{Role: ding.RoleLiaison})
	if err != nil {
		t.Fatal(err)
	}
	reported := false
	for _, u := range users {
		want := assigned[u.UnitID]
		if len(want) == 0 {
			continue
		}
		lc := actorOf(u)
		for _, id := range want {
			it, err := db.FindItem(lc, id)
			if err != nil {
				t.Fatalf("liaison %s does not see item %d assigned to its unit: %v", u.Username, id, err)
			}
			if reported || (it.Status != ding.ItemDecided && it.Status != ding.ItemHandling) {
				continue
			}
			after, err := db.StepItem(lc, id, store.ItemStep{Action: ding.ItemReport, Comment: "已按要求办理", UnitID: u.UnitID, Version: it.Version})
			if err != nil || after.Status != ding.ItemHandling || after.Version != it.Version+1 {
				t.Fatalf("liaison %s reports on item %d: %+v %v", u.Username, id, after, err)
			}
			reported = true
		}
	}
	if !reported {
		t.Fatal("no liaison had an open item to report on")
	}
}

// TestGenerateDeterministic: the same seed and options make the same users, projects and
// items on each engine; another seed makes others.
func TestGenerateDeterministic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		o := store.GenOptions{Seed: 11, Units: 60, Projects: 80, ReportsPerProject: 12, Users: 120, Demands: 200, PasswordHash: "x"}
		gen := func(db *store.DB, o store.GenOptions) string {
			ctx := ding.WithActor(context.Background(), ding.SystemActor("test"))
			db.Now = func() time.Time { return genClock }
			if _, err := db.Generate(ctx, o); err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			enc := json.NewEncoder(&b)
			us, _, err := db.FindUsers(ctx, ding.UserFilter{})
			if err != nil {
				t.Fatal(err)
			}
			ps, _, err := db.FindProjects(ctx, ding.ProjectFilter{Sort: "code", Year: 2024})
			if err != nil {
				t.Fatal(err)
			}
			its, _, err := db.FindItems(ctx, store.ItemFilter{Sort: "id"})
			if err != nil {
				t.Fatal(err)
			}
			reps, _, err := db.FindReports(ctx, store.ReportFilter{Period: "2024-06"})
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range []any{us, ps, its, reps} {
				if err := enc.Encode(v); err != nil {
					t.Fatal(err)
				}
			}
			for _, it := range its {
				h, err := db.ItemHistory(ctx, it.ID)
				if err != nil {
					t.Fatal(err)
				}
				if err := enc.Encode(h); err != nil {
					t.Fatal(err)
				}
			}
			return b.String()
		}
		engine := storetest.Engine(path.Base(t.Name()))
		a, b := gen(db, o), gen(storetest.Open(t, engine), o)
		if a != b {
			t.Fatal("the same seed made different data")
		}
		o.Seed++
		if c := gen(storetest.Open(t, engine), o); c == a {
			t.Fatal("another seed made the same data")
		}
	})
}

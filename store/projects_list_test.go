package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"ding"
	"ding/store"
	"ding/store/storetest"
)

// listFixture is mkProjects' tree (衢州市 the only root) with six projects across it, in
// several stages, with plans and reports so that some are red or yellow and some have
// figures this year (two of them equal).
type listFixture struct {
	*projFixture
	ps    []*ding.Project // p[0] is the fixture's project
	admin context.Context
}

func mkListProjects(t *testing.T, db *store.DB) *listFixture {
	t.Helper()
	f := &listFixture{projFixture: mkProjects(t, db)}
	f.admin = ding.WithActor(context.Background(), &ding.Actor{UserID: 1_000_000, Username: "admin", UnitID: f.city.ID, Role: ding.RoleAdmin, Scope: ding.ScopeAll})
	onlyRule(t, db, sys(), lagPoints)
	d := func(m, day int) ding.Date { return day2024(m, day) }
	f.ps = []*ding.Project{f.p}
	for i, p := range []*ding.Project{
		{Name: "乙项目", UnitID: f.townB.ID, TotalInvestment: 5 * ding.Yi, Stage: ding.StageStarted, SignedOn: d(1, 5), ActualStart: d(2, 1)},
		{Name: "丙项目", UnitID: f.dept.ID, TotalInvestment: 5 * ding.Yi, Stage: ding.StagePlanning},
		{Name: "丁项目", UnitID: f.district.ID, TotalInvestment: 30 * ding.Yi, Stage: ding.StageStarted, SignedOn: d(1, 5), ActualStart: d(2, 1), LeaderID: f.leader.ID},
		{Name: "戊项目", UnitID: f.city.ID, TotalInvestment: ding.Yi, Stage: ding.StageNegotiating},
		{Name: "己项目", UnitID: f.townA.ID, LocationID: f.townA.ID, TotalInvestment: ding.Yi / 2, Stage: ding.StageProducing, SignedOn: d(1, 5), ActualStart: d(1, 20), ActualEnd: d(3, 1)},
	} {
		p.Code = fmt.Sprintf("2301-330803-04-01-%06d", 11+i)
		p.Investor, p.Industry = "private", "C"
		if p.StageOn.IsZero() {
			p.StageOn = d(3, 1)
		}
		if err := db.CreateProject(sys(), p); err != nil {
			t.Fatalf("%s: %v", p.Name, err)
		}
		f.ps = append(f.ps, p)
	}
	if _, err := db.TransitionProject(sys(), f.p.ID, ding.StageStarted, d(2, 1), ""); err != nil {
		t.Fatal(err)
	}
	// 1—5月 is 41.7% of a year of 100万 a month: 100万 done is red, 300万 yellow, 500万 on time.
	office := userCtx(f.office)
	for _, x := range []struct {
		p   *ding.Project
		wan int64
	}{{f.ps[0], 100}, {f.ps[1], 100}, {f.ps[3], 300}, {f.ps[5], 500}} {
		if err := db.SavePlan(office, evenPlan(x.p.ID, 2024, 100)); err != nil {
			t.Fatal(err)
		}
		submit(t, db, office, x.p.ID, "2024-05", x.wan)
	}
	return f
}

func day2024(m, d int) ding.Date { return day(2024, time.Month(m), d) }

// listCase is what a list returns: the page's ids and the totals.
type listCase struct {
	ids []int64
	tot ding.ProjectTotals
}

func (c listCase) String() string { return fmt.Sprintf("%v %+v", c.ids, c.tot) }

func list(t *testing.T, db *store.DB, ctx context.Context, f ding.ProjectFilter) listCase {
	t.Helper()
	ps, tot, err := db.FindProjects(ctx, f)
	if err != nil {
		t.Fatalf("%+v: %v", f, err)
	}
	c := listCase{tot: tot, ids: []int64{}}
	for _, p := range ps {
		c.ids = append(c.ids, p.ID)
	}
	return c
}

// expected is the list of the projects visible says are visible, worked out from an
// administrator's whole list with the same filter and sort: the page and the totals.
func expected(t *testing.T, db *store.DB, admin context.Context, f ding.ProjectFilter, visible func(id int64) bool) listCase {
	t.Helper()
	whole := f
	whole.Limit, whole.Offset = 0, 0
	ps, _, err := db.FindProjects(admin, whole)
	if err != nil {
		t.Fatal(err)
	}
	c := listCase{ids: []int64{}}
	var kept []int64
	for _, p := range ps {
		if !visible(p.ID) {
			continue
		}
		kept = append(kept, p.ID)
		c.tot.Count++
		c.tot.TotalInvestment += p.TotalInvestment
		c.tot.PlanYear += p.PlanYear
		c.tot.CompletedYTD += p.CompletedYTD
	}
	from := min(f.Offset, len(kept))
	to := len(kept)
	if f.Limit > 0 {
		to = min(from+f.Limit, len(kept))
	}
	c.ids = append(c.ids, kept[from:to]...)
	return c
}

// listFilters are the lists compared: every filter, sort and page that has a query shape of
// its own.
func listFilters(f *listFixture) []ding.ProjectFilter {
	tier := ding.Tier10
	fs := []ding.ProjectFilter{
		{}, {Limit: 2}, {Limit: 2, Offset: 2}, {Limit: 4, Offset: 5},
		{Stages: []ding.Stage{ding.StageStarted, ding.StageCompleted, ding.StageProducing}, Sort: "total_investment", Desc: true, Limit: 2},
		{Stages: []ding.Stage{ding.StageSigned}},
		{Sort: "completed_ytd", Desc: true, Limit: 2}, {Sort: "completed_ytd", Desc: true, Limit: 2, Offset: 1},
		{Sort: "completed_ytd", Desc: true, Limit: 2, Offset: 3}, {Sort: "completed_ytd", Limit: 3},
		{Sort: "total_investment", Limit: 3}, {Sort: "total_investment", Desc: true, Limit: 3, Offset: 1},
		{Colour: "red"}, {Colour: "red", Limit: 1}, {Colour: "yellow", Limit: 1}, {Colour: "blue"},
		{UnitID: f.district.ID, Limit: 3}, {LeadUnitID: f.townA.ID}, {MinInvestment: 5 * ding.Yi, Limit: 2},
		{Sort: "unit", Limit: 3}, {Sort: "plan_year", Desc: true, Limit: 2}, {Tier: &tier, Limit: 1},
		{LeaderID: f.leader.ID}, {Query: "项目", Limit: 2, Offset: 1},
	}
	for i := range fs {
		fs[i].Year = 2024
	}
	return fs
}

func officeAt(unit int64) context.Context {
	return ding.WithActor(context.Background(), &ding.Actor{UserID: 1_000_001, Username: "office", UnitID: unit, Role: ding.RoleOffice, Scope: ding.ScopeUnitTree})
}

// readsClosure reports whether the list of the actor in ctx tests the unit tree.
func readsClosure(t *testing.T, db *store.DB, ctx context.Context) bool {
	t.Helper()
	totals, page, err := db.ProjectListSQLForTest(ctx, ding.ProjectFilter{Year: 2024, Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Contains(totals, "unit_closure") || strings.Contains(page, "unit_closure")
}

// TestProjectListWholeTree: the office of the only root sees what an administrator sees,
// read as the scope "all"; with a second root it sees only its own tree again, and once that
// root is moved under it, everything.
func TestProjectListWholeTree(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := mkListProjects(t, db)
		// The fixture has what the filters need: two colours, figures this year with a tie.
		if c := list(t, db, f.admin, ding.ProjectFilter{Year: 2024, Colour: "red"}); c.tot.Count != 2 {
			t.Fatalf("red projects %v, want 2", c)
		}
		if c := list(t, db, f.admin, ding.ProjectFilter{Year: 2024, Colour: "yellow"}); c.tot.Count != 1 {
			t.Fatalf("yellow projects %v, want 1", c)
		}
		if c := list(t, db, f.admin, ding.ProjectFilter{Year: 2024, Sort: "completed_ytd", Desc: true}); c.tot.Count != 6 ||
			!slices.Equal(c.ids, []int64{f.ps[5].ID, f.ps[3].ID, f.ps[0].ID, f.ps[1].ID, f.ps[2].ID, f.ps[4].ID}) {
			t.Fatalf("by completed: %v", c)
		}
		root := officeAt(f.city.ID)
		all := func(int64) bool { return true }
		check := func(what string, ctx context.Context, visible func(int64) bool) {
			t.Helper()
			for _, lf := range listFilters(f) {
				if got, want := list(t, db, ctx, lf), expected(t, db, f.admin, lf, visible); got.String() != want.String() {
					t.Errorf("%s, %+v:\n got %v\nwant %v", what, lf, got, want)
				}
			}
		}
		check("the root's office", root, all)
		if readsClosure(t, db, root) {
			t.Error("the only root's office tests the unit tree")
		}
		leader := ding.WithActor(context.Background(), &ding.Actor{UserID: f.leader.ID, UnitID: f.city.ID, Role: ding.RoleLeader, Scope: ding.ScopeUnitTree})
		check("a leader at the root", leader, all)
		// Not a unit tree, not the root, not a unit: the general path.
		inTree := func(units ...int64) func(int64) bool {
			return func(id int64) bool {
				for _, p := range f.ps {
					if p.ID == id {
						return slices.Contains(units, p.UnitID)
					}
				}
				return false
			}
		}
		unitScope := ding.WithActor(context.Background(), &ding.Actor{UserID: 1_000_002, UnitID: f.city.ID, Role: ding.RoleOffice, Scope: ding.ScopeUnit})
		check("the root's own unit", unitScope, inTree(f.city.ID))
		district := officeAt(f.district.ID)
		check("the district's office", district, inTree(f.district.ID, f.townA.ID, f.townB.ID, f.dept.ID))
		if !readsClosure(t, db, district) {
			t.Error("the district's office does not test the unit tree")
		}
		check("a unit that does not exist", officeAt(987_654), func(int64) bool { return false })

		// A second root with a project of its own: the first root's office no longer sees it.
		lishui := &ding.Unit{Name: "丽水市", Kind: ding.UnitCity, Code: "331100"}
		if err := db.CreateUnit(sys(), lishui); err != nil {
			t.Fatal(err)
		}
		liandu := &ding.Unit{ParentID: lishui.ID, Name: "莲都区", Kind: ding.UnitDistrict, Code: "331102"}
		if err := db.CreateUnit(sys(), liandu); err != nil {
			t.Fatal(err)
		}
		q := &ding.Project{Code: "2301-331102-04-01-000001", Name: "丽水项目", UnitID: liandu.ID, Investor: "private", Industry: "C",
			TotalInvestment: 8 * ding.Yi, Stage: ding.StageStarted, SignedOn: day2024(1, 5), ActualStart: day2024(2, 1), StageOn: day2024(2, 1)}
		if err := db.CreateProject(sys(), q); err != nil {
			t.Fatal(err)
		}
		if err := db.SavePlan(sys(), evenPlan(q.ID, 2024, 100)); err != nil {
			t.Fatal(err)
		}
		submit(t, db, sys(), q.ID, "2024-05", 100) // red, and 100万 done: ties with two others
		notQ := func(id int64) bool { return id != q.ID }
		check("the first root's office beside a second root", root, notQ)
		if !readsClosure(t, db, root) {
			t.Error("with two roots the first root's office reads as the whole province")
		}
		check("the second root's office", officeAt(lishui.ID), func(id int64) bool { return id == q.ID })
		// Town A on the second root's project's team: the first root's office sees it again,
		// through its tree.
		if err := db.SaveTeamMember(sys(), &ding.TeamMember{ProjectID: q.ID, UnitID: f.townA.ID, ContactName: "张三"}); err != nil {
			t.Fatal(err)
		}
		check("the first root's office, town A on the team", root, all)
		if err := db.RemoveTeamMember(sys(), q.ID, f.townA.ID); err != nil {
			t.Fatal(err)
		}
		check("the first root's office, town A off the team", root, notQ)
		// 丽水市 moved under 衢州市: one root again, which sees everything.
		if _, err := db.MoveUnit(sys(), lishui.ID, f.city.ID); err != nil {
			t.Fatal(err)
		}
		check("the only root's office after the move", root, all)
		if readsClosure(t, db, root) {
			t.Error("after the move the only root's office tests the unit tree")
		}
		check("丽水市's office under 衢州市", officeAt(lishui.ID), func(id int64) bool { return id == q.ID })
		if !readsClosure(t, db, officeAt(lishui.ID)) {
			t.Error("an office under the root reads as the whole province")
		}
	})
}

// TestProjectListWalk: a page read along the sort's index (a large list) is the page a sort
// finds, for every scope and filter.
func TestProjectListWalk(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := mkListProjects(t, db)
		ctxs := map[string]context.Context{
			"admin":    f.admin,
			"root":     officeAt(f.city.ID),
			"district": officeAt(f.district.ID),
			"town A":   userCtx(f.liA),
			"leader":   ding.WithActor(context.Background(), &ding.Actor{UserID: f.leader.ID, UnitID: f.townB.ID, Role: ding.RoleLeader, Scope: ding.ScopeUnitTree}),
			"self":     ding.WithActor(context.Background(), &ding.Actor{UserID: f.leader.ID, UnitID: f.townB.ID, Role: ding.RoleLeader, Scope: ding.ScopeSelf}),
		}
		lists := func(factor int) map[string]string {
			defer store.SetProjectWalkFactorForTest(factor)()
			out := map[string]string{}
			for name, ctx := range ctxs {
				for i, lf := range listFilters(f) {
					out[fmt.Sprintf("%s, filter %d (%s %v %d+%d)", name, i, lf.Sort, lf.Desc, lf.Offset, lf.Limit)] = list(t, db, ctx, lf).String()
				}
			}
			return out
		}
		walked, sorted := lists(1), lists(0)
		nonEmpty := 0
		for k, want := range sorted {
			if walked[k] != want {
				t.Errorf("%s:\nread along the index %s\n               sorted %s", k, walked[k], want)
			}
			if !strings.HasPrefix(want, "[] ") {
				nonEmpty++
			}
		}
		if nonEmpty < len(sorted)/2 {
			t.Fatalf("only %d of %d lists have projects", nonEmpty, len(sorted))
		}
		// The shapes: along the index with factor 1, sorted with 0.
		for _, c := range []struct {
			factor int
			f      ding.ProjectFilter
			walks  string
		}{
			{1, ding.ProjectFilter{Year: 2024, Limit: 2}, "ORDER BY p.total_investment DESC, p.id LIMIT"},
			{1, ding.ProjectFilter{Year: 2024, Sort: "completed_ytd", Desc: true, Limit: 2}, "y.completed > 0"},
			{0, ding.ProjectFilter{Year: 2024, Sort: "completed_ytd", Desc: true, Limit: 2}, ""},
		} {
			undo := store.SetProjectWalkFactorForTest(c.factor)
			_, page, err := db.ProjectListSQLForTest(officeAt(f.district.ID), c.f)
			undo()
			if err != nil {
				t.Fatal(err)
			}
			probes := strings.Contains(page, "EXISTS (SELECT 1 FROM project_units")
			if probes != (c.walks != "") || (c.walks != "" && !strings.Contains(page, c.walks)) {
				t.Errorf("factor %d, %+v: %s", c.factor, c.f, page)
			}
			if hinted := strings.Contains(page, "INDEXED BY"); hinted != (c.walks != "" && db.Dialect() == store.SQLite) {
				t.Errorf("factor %d, %+v on %s: INDEXED BY %v", c.factor, c.f, db.Dialect(), hinted)
			}
		}
	})
}

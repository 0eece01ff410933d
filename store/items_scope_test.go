package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"ding"
	"ding/store"
	"ding/store/storetest"
)

// TestItemScopeSets checks, for each data scope, that FindItems returns exactly the items
// the scope covers — raised by the user (in another unit), of the unit or its subtree,
// assigned to it only through item_units, of a project in scope only through the project's
// team or its leader — and nothing else; that FindItem (the single-item form of the scope)
// agrees item by item; and that the unit filter keeps the items of a subtree or assigned
// to it.
func TestItemScopeSets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := mkProjects(t, db)
		office := userCtx(f.office)
		// A park under town A: in town A's tree, not town A itself.
		park := &ding.Unit{ParentID: f.townA.ID, Name: "樟潭园区", Kind: ding.UnitPark}
		if err := db.CreateUnit(sys(), park); err != nil {
			t.Fatal(err)
		}
		liPark := mkLiaison(t, db, f, "lipark", park.ID)
		// boss is a leader of town B (the scoped actor below, once moved to town A).
		boss := &ding.User{Username: "boss", DisplayName: "boss", UnitID: f.townB.ID, Role: ding.RoleLeader}
		if err := db.CreateUser(sys(), boss, "x"); err != nil {
			t.Fatal(err)
		}
		code := 100
		mkProject := func(name string, unit, leader int64, coop int64) *ding.Project {
			t.Helper()
			code++
			p := &ding.Project{Code: fmt.Sprintf("2301-330803-04-01-000%d", code), Name: name, UnitID: unit, LocationID: unit, LeaderID: leader,
				Investor: "private", Industry: "C", TotalInvestment: ding.Yi, Stage: ding.StageSigned,
				SignedOn: ding.Date{Year: 2024, Month: 1, Day: 10}, StageOn: ding.Date{Year: 2024, Month: 1, Day: 10}}
			if err := db.CreateProject(office, p); err != nil {
				t.Fatal(err)
			}
			if coop != 0 {
				if err := db.SaveTeamMember(office, &ding.TeamMember{ProjectID: p.ID, UnitID: coop, ContactName: "协办"}); err != nil {
					t.Fatal(err)
				}
			}
			return p
		}
		coopA := mkProject("town B's, with town A", f.townB.ID, f.leader.ID, f.townA.ID)
		coopPark := mkProject("town B's, with the park", f.townB.ID, f.leader.ID, park.ID)
		bossed := mkProject("town B's, boss leads", f.townB.ID, boss.ID, 0)
		other := mkProject("town B's only", f.townB.ID, f.leader.ID, 0)

		ids := map[string]int64{}
		demand := func(name string, ctx context.Context, project int64) {
			t.Helper()
			it := &ding.Item{Kind: ding.DemandItem, ProjectID: project, Type: "土地", Title: name, Request: "r"}
			if err := db.CreateItem(ctx, it); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			ids[name] = it.ID
		}
		action := func(name string, units ...int64) {
			t.Helper()
			it := &ding.Item{Kind: ding.ActionItem, UnitID: f.dept.ID, Title: name, CloseDue: ding.Date{Year: 2024, Month: 7, Day: 1}}
			for i, u := range units {
				it.Units = append(it.Units, ding.ItemUnit{UnitID: u, Lead: i == 0, Part: "办理"})
			}
			if err := db.CreateItem(office, it); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			ids[name] = it.ID
		}
		demand("raised by boss in town B", userCtx(boss), 0)
		demand("of boss's project", userCtx(f.liB), bossed.ID)
		demand("of town A", userCtx(f.liA), 0)
		demand("of a project with town A", userCtx(f.liB), coopA.ID)
		action("assigned to town A", f.dept.ID, f.townA.ID)
		demand("of the park", userCtx(liPark), 0)
		demand("of a project with the park", userCtx(f.liB), coopPark.ID)
		action("assigned to the park", f.dept.ID, park.ID)
		demand("of town B", userCtx(f.liB), 0)
		demand("of town B's project", userCtx(f.liB), other.ID)
		action("assigned to town B", f.townB.ID)

		self := []string{"raised by boss in town B", "of boss's project"}
		unit := append(slices.Clone(self), "of town A", "of a project with town A", "assigned to town A")
		tree := append(slices.Clone(unit), "of the park", "of a project with the park", "assigned to the park")
		var all []string
		for name := range ids {
			all = append(all, name)
		}
		names := map[int64]string{}
		for name, id := range ids {
			names[id] = name
		}
		// boss, moved to town A, with each scope in turn.
		as := func(s ding.DataScope) context.Context {
			return ding.WithActor(context.Background(), &ding.Actor{UserID: boss.ID, Username: "boss", UnitID: f.townA.ID, Role: ding.RoleLeader, Scope: s})
		}
		check := func(what string, ctx context.Context, filter store.ItemFilter, want []string) {
			t.Helper()
			its, n, err := db.FindItems(ctx, filter)
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			var got []string
			for _, it := range its {
				got = append(got, names[it.ID])
			}
			slices.Sort(got)
			want = slices.Sorted(slices.Values(want))
			if !slices.Equal(got, want) || n != len(want) {
				t.Fatalf("%s: %d items\n got %q\nwant %q", what, n, got, want)
			}
			if filter.UnitID != 0 {
				return
			}
			// The list's cards: one count by status (and overdue) over the same scope.
			if filter == (store.ItemFilter{}) {
				c, err := db.CountItems(ctx, "")
				if err != nil {
					t.Fatalf("%s: CountItems: %v", what, err)
				}
				sum := 0
				for st, k := range c.ByStatus {
					_, m, err := db.FindItems(ctx, store.ItemFilter{Status: st, Limit: 1})
					if err != nil || m != k {
						t.Fatalf("%s: CountItems %s = %d, FindItems %d (%v)", what, st, k, m, err)
					}
					sum += k
				}
				_, late, err := db.FindItems(ctx, store.ItemFilter{Overdue: true, Limit: 1})
				if err != nil || sum != len(want) || late != c.Overdue {
					t.Fatalf("%s: CountItems %d items (%d overdue), want %d (%d overdue; %v)", what, sum, c.Overdue, len(want), late, err)
				}
			}
			// One by one, through the single-item form of the scope.
			for name, id := range ids {
				_, err := db.FindItem(ctx, id)
				switch in := slices.Contains(want, name); {
				case in && err != nil:
					t.Fatalf("%s: FindItem(%q): %v", what, name, err)
				case !in && ding.ErrorCode(err) != ding.ENOTFOUND:
					t.Fatalf("%s: FindItem(%q) outside the scope: %v", what, name, err)
				}
			}
		}
		check("self", as(ding.ScopeSelf), store.ItemFilter{}, self)
		check("unit", as(ding.ScopeUnit), store.ItemFilter{}, unit)
		check("unit tree", as(ding.ScopeUnitTree), store.ItemFilter{}, tree)
		check("all", as(ding.ScopeAll), store.ItemFilter{}, all)
		check("system", sys(), store.ItemFilter{}, all)
		check("unknown scope", as(ding.DataScope("bogus")), store.ItemFilter{}, []string{"raised by boss in town B"})
		// A page of the list: the scope and the order together.
		var treeIDs []int64
		for _, name := range tree {
			treeIDs = append(treeIDs, ids[name])
		}
		slices.Sort(treeIDs)
		page, n, err := db.FindItems(as(ding.ScopeUnitTree), store.ItemFilter{Sort: "id", Limit: 3, Offset: 2})
		if err != nil || n != len(tree) || len(page) != 3 || page[0].ID != treeIDs[2] || page[1].ID != treeIDs[3] || page[2].ID != treeIDs[4] {
			t.Fatalf("a page of the tree: %d %d %v (ids %v)", n, len(page), err, treeIDs)
		}
		// The unit filter: of a unit in the subtree, or assigned to one (not through a project).
		check("filter town A", as(ding.ScopeAll), store.ItemFilter{UnitID: f.townA.ID},
			[]string{"of town A", "assigned to town A", "of the park", "assigned to the park"})
		check("filter the park", as(ding.ScopeAll), store.ItemFilter{UnitID: park.ID}, []string{"of the park", "assigned to the park"})
		check("filter town B", as(ding.ScopeAll), store.ItemFilter{UnitID: f.townB.ID},
			[]string{"raised by boss in town B", "of boss's project", "of a project with town A", "of a project with the park",
				"of town B", "of town B's project", "assigned to town B"})
		check("filter town B within the unit scope", as(ding.ScopeUnit), store.ItemFilter{UnitID: f.townB.ID},
			[]string{"raised by boss in town B", "of boss's project", "of a project with town A"})
		check("filter the dept within self", as(ding.ScopeSelf), store.ItemFilter{UnitID: f.dept.ID}, nil)
		// The root's tree is the whole tree: every item, with no test at all.
		atCity := func(s ding.DataScope) context.Context {
			return ding.WithActor(context.Background(), &ding.Actor{UserID: 999999, Username: "cityoffice", UnitID: f.city.ID, Role: ding.RoleOffice, Scope: s})
		}
		check("the root's tree", atCity(ding.ScopeUnitTree), store.ItemFilter{}, all)
		check("the root's unit", atCity(ding.ScopeUnit), store.ItemFilter{}, nil)
		check("filter the root", as(ding.ScopeAll), store.ItemFilter{UnitID: f.city.ID}, all)
		check("filter the root within the unit scope", as(ding.ScopeUnit), store.ItemFilter{UnitID: f.city.ID}, unit)
		// A second root: the city's tree is no longer the whole tree.
		far := &ding.Unit{Name: "柯城区", Kind: ding.UnitDistrict}
		if err := db.CreateUnit(sys(), far); err != nil {
			t.Fatal(err)
		}
		demand("of the second root", userCtx(mkLiaison(t, db, f, "lifar", far.ID)), 0)
		names[ids["of the second root"]] = "of the second root"
		check("the city's tree beside a second root", atCity(ding.ScopeUnitTree), store.ItemFilter{}, all)
		check("filter the city beside a second root", as(ding.ScopeAll), store.ItemFilter{UnitID: f.city.ID}, all)
		check("filter the second root", as(ding.ScopeAll), store.ItemFilter{UnitID: far.ID}, []string{"of the second root"})
		check("the second root's tree", ding.WithActor(context.Background(), &ding.Actor{UserID: 999999, UnitID: far.ID, Role: ding.RoleOffice, Scope: ding.ScopeUnitTree}),
			store.ItemFilter{}, []string{"of the second root"})
		check("all, beside a second root", as(ding.ScopeAll), store.ItemFilter{}, append(slices.Clone(all), "of the second root"))
		// Without an actor: nothing.
		if _, _, err := db.FindItems(context.Background(), store.ItemFilter{}); ding.ErrorCode(err) != ding.EUNAUTHORIZED {
			t.Fatalf("no actor: %v", err)
		}
	})
}

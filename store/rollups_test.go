package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"ding"
	"ding/store"
	"ding/store/storetest"
)

// checkProblems runs ding check and returns the problems of the checks whose names start
// with prefix.
func checkProblems(t *testing.T, db *store.DB, prefix string) []string {
	t.Helper()
	r, err := db.Check(context.Background(), store.CheckOptions{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range r.Checks {
		if strings.HasPrefix(c.Name, prefix) {
			if c.Skipped != "" {
				t.Fatalf("check %s skipped: %s", c.Name, c.Skipped)
			}
			for _, p := range c.Problems {
				out = append(out, c.Name+": "+p)
			}
			if c.More > 0 {
				out = append(out, fmt.Sprintf("%s: %d more", c.Name, c.More))
			}
		}
	}
	return out
}

// TestDashboardItemRollups: the dashboard's demands by status and overdue items, read from
// the per-subtree rollups of migration 0017, equal the counts from the items themselves
// (raised by a unit of the subtree or assigned to one, once) for every unit and for the
// whole tree, after each kind of change: items created, assigned and reassigned to units
// inside and outside the subtree, an item moved to another unit, a unit moved to another
// parent, steps that close, reopen and reject, days passing, and assignments changed and
// removed by hand. ding check agrees, and finds a rollup tampered with.
func TestDashboardItemRollups(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := mkProjects(t, db) // now 2024-06-20 (Thursday)
		ctx := sys()
		mk := func(parent int64, name string, kind ding.UnitKind) *ding.Unit {
			u := &ding.Unit{ParentID: parent, Name: name, Kind: kind}
			if err := db.CreateUnit(ctx, u); err != nil {
				t.Fatal(err)
			}
			return u
		}
		d2 := mk(f.city.ID, "柯城区", ding.UnitDistrict)
		townC := mk(d2.ID, "石室乡", ding.UnitTown)
		cityOffice := &ding.User{Username: "cityoffice", DisplayName: "cityoffice", UnitID: f.city.ID, Role: ding.RoleOffice}
		if err := db.CreateUser(ctx, cityOffice, "x"); err != nil {
			t.Fatal(err)
		}
		office, liA, leader := userCtx(cityOffice), userCtx(f.liA), userCtx(f.leader)
		units := []int64{f.city.ID, f.district.ID, f.townA.ID, f.townB.ID, f.dept.ID, d2.ID, townC.ID}
		names := map[int64]string{0: "whole", f.city.ID: "city", f.district.ID: "district", f.townA.ID: "townA", f.townB.ID: "townB",
			f.dept.ID: "dept", d2.ID: "d2", townC.ID: "townC"}

		// expect compares every unit's dashboard, and the whole tree's, with the items.
		expect := func(step string, wantCity map[string]int64, wantOverdue int64) {
			t.Helper()
			today := ding.Today(db.Now())
			for _, u := range append([]int64{0}, units...) {
				d, err := db.DashboardFor(ctx, u, 2024, 6)
				if err != nil {
					t.Fatalf("%s: dashboard of %s: %v", step, names[u], err)
				}
				want, overdue, err := db.ItemCountsForTest(context.Background(), u, today)
				if err != nil {
					t.Fatal(err)
				}
				got := map[string]int64{}
				for _, c := range d.Demands {
					got[c.Key] = c.N
				}
				if fmt.Sprint(got) != fmt.Sprint(want) || d.OverdueItems != overdue {
					t.Fatalf("%s: %s: dashboard %v, %d overdue; the items give %v, %d overdue", step, names[u], got, d.OverdueItems, want, overdue)
				}
				if u == f.city.ID && (fmt.Sprint(got) != fmt.Sprint(wantCity) || overdue != wantOverdue) {
					t.Fatalf("%s: the city has %v, %d overdue; want %v, %d", step, got, overdue, wantCity, wantOverdue)
				}
			}
			if ps := checkProblems(t, db, "rollups: items"); len(ps) > 0 {
				t.Fatalf("%s: ding check: %v", step, ps)
			}
		}
		count := func(step string, unit int64) (map[string]int64, int64) {
			t.Helper()
			d, err := db.DashboardFor(ctx, unit, 2024, 6)
			if err != nil {
				t.Fatalf("%s: %v", step, err)
			}
			got := map[string]int64{}
			for _, c := range d.Demands {
				got[c.Key] = c.N
			}
			return got, d.OverdueItems
		}
		expect("no items", map[string]int64{}, 0)

		// A demand on town A's project, one raised for town C, one for town A itself, and an
		// action item for town B and town C (another district).
		d1 := &ding.Item{Kind: ding.DemandItem, ProjectID: f.p.ID, Type: "土地", Title: "用地指标", Request: "调剂用地指标"}
		if err := db.CreateItem(liA, d1); err != nil {
			t.Fatal(err)
		}
		d2i := &ding.Item{Kind: ding.DemandItem, UnitID: townC.ID, Type: "土地", Title: "林地占用", Request: "协调林地指标"}
		if err := db.CreateItem(office, d2i); err != nil {
			t.Fatal(err)
		}
		d3 := &ding.Item{Kind: ding.DemandItem, Type: "审批", Title: "施工许可", Request: "加快办理"}
		if err := db.CreateItem(liA, d3); err != nil {
			t.Fatal(err)
		}
		a1 := &ding.Item{Kind: ding.ActionItem, Title: "道路配套", CloseDue: day(2024, 6, 28),
			Units: []ding.ItemUnit{{UnitID: f.townB.ID, Lead: true}, {UnitID: townC.ID}}}
		if err := db.CreateItem(office, a1); err != nil {
			t.Fatal(err)
		}
		expect("created", map[string]int64{"submitted": 3}, 0)

		// d1 accepted and assigned to town A, the department and town C: under the district
		// it still counts once, and it now counts under d2 and town C as well.
		step := func(c context.Context, id int64, s store.ItemStep) {
			t.Helper()
			if _, err := db.StepItem(c, id, s); err != nil {
				t.Fatalf("%s item %d: %v", s.Action, id, err)
			}
		}
		step(office, d1.ID, store.ItemStep{Action: ding.ItemAccept, Units: []ding.ItemUnit{{UnitID: f.townA.ID, Lead: true}, {UnitID: f.dept.ID}, {UnitID: townC.ID}}})
		expect("d1 assigned", map[string]int64{"submitted": 2, "accepted": 1}, 0)
		if got, _ := count("d1 assigned", f.district.ID); got["accepted"] != 1 {
			t.Fatalf("the district counts d1 %d times", got["accepted"])
		}
		if got, _ := count("d1 assigned", townC.ID); got["accepted"] != 1 || got["submitted"] != 1 {
			t.Fatalf("town C: %v", got)
		}
		// d2 accepted and assigned to town B only: it stays under town C (raised there) and
		// joins town B and the district.
		step(office, d2i.ID, store.ItemStep{Action: ding.ItemAccept, Units: []ding.ItemUnit{{UnitID: f.townB.ID, Lead: true}}})
		expect("d2 assigned", map[string]int64{"submitted": 1, "accepted": 2}, 0)

		// d1 moved to town B by hand (its unit_id): town A loses it, town B gains it.
		if err := db.ExecForBackupTest(context.Background(), `UPDATE items SET unit_id = ? WHERE id = ?`, f.townB.ID, d1.ID); err != nil {
			t.Fatal(err)
		}
		expect("d1 moved to town B", map[string]int64{"submitted": 1, "accepted": 2}, 0)
		if got, _ := count("d1 moved", f.townA.ID); got["accepted"] != 1 { // still assigned to town A
			t.Fatalf("town A after the move: %v", got)
		}

		// Town C moved from d2 to the district: d2 loses what only town C brought, the
		// district gains it; the city (the ancestor of both) keeps it.
		if _, err := db.MoveUnit(ctx, townC.ID, f.district.ID); err != nil {
			t.Fatal(err)
		}
		expect("town C moved", map[string]int64{"submitted": 1, "accepted": 2}, 0)
		if got, _ := count("town C moved", d2.ID); len(got) != 0 {
			t.Fatalf("d2 after town C left: %v", got)
		}

		// d1 decided, reported, closed (nothing due), reopened (due again), closed again.
		step(leader, d1.ID, store.ItemStep{Action: ding.ItemDecide, Comment: "同意"})
		step(userCtx(f.liA), d1.ID, store.ItemStep{Action: ding.ItemReport, UnitID: f.townA.ID, Comment: "已上报", Done: true})
		step(office, d1.ID, store.ItemStep{Action: ding.ItemClose, Comment: "已办结"})
		expect("d1 closed", map[string]int64{"submitted": 1, "accepted": 1, "closed": 1}, 0)
		step(office, d1.ID, store.ItemStep{Action: ding.ItemReopen, Comment: "只到位一半"})
		expect("d1 reopened", map[string]int64{"submitted": 1, "accepted": 1, "handling": 1}, 0)
		// d3 rejected: nothing due any more.
		step(office, d3.ID, store.ItemStep{Action: ding.ItemReject, Comment: "不属于协调范围"})
		expect("d3 rejected", map[string]int64{"accepted": 1, "handling": 1, "rejected": 1}, 0)

		// Days pass: on 07-10 d2's decision (due 06-25), a1 (06-28) and d1's close (07-01)
		// are late; d3 is not (rejected).
		setNow(db, day(2024, 7, 10))
		expect("on 07-10", map[string]int64{"accepted": 1, "handling": 1, "rejected": 1}, 3)
		if _, n := count("on 07-10", d2.ID); n != 0 {
			t.Fatalf("d2 has %d overdue items", n)
		}
		step(office, d1.ID, store.ItemStep{Action: ding.ItemClose, Comment: "全部到位"})
		expect("d1 closed again", map[string]int64{"accepted": 1, "closed": 1, "rejected": 1}, 2)

		// Assignments changed by hand: one removed, one moved to another unit in place, one
		// moved to another item.
		exec := func(q string, args ...any) {
			t.Helper()
			if err := db.ExecForBackupTest(context.Background(), q, args...); err != nil {
				t.Fatal(err)
			}
		}
		exec(`DELETE FROM item_units WHERE item_id = ? AND unit_id = ?`, a1.ID, f.townB.ID)
		expect("a1 leaves town B", map[string]int64{"accepted": 1, "closed": 1, "rejected": 1}, 2)
		exec(`UPDATE item_units SET unit_id = ? WHERE item_id = ? AND unit_id = ?`, f.dept.ID, d2i.ID, f.townB.ID)
		expect("d2's town B becomes the department", map[string]int64{"accepted": 1, "closed": 1, "rejected": 1}, 2)
		exec(`UPDATE item_units SET item_id = ? WHERE item_id = ? AND unit_id = ?`, d3.ID, a1.ID, townC.ID)
		expect("a1's town C moves to d3", map[string]int64{"accepted": 1, "closed": 1, "rejected": 1}, 2)
		if _, n := count("a1 unassigned", townC.ID); n != 1 { // d2 only; a1 has no unit in town C now
			t.Fatalf("town C: %d overdue", n)
		}
		// An item deleted by hand (its steps and assignments first).
		exec(`DELETE FROM item_events WHERE item_id = ?`, d1.ID)
		exec(`DELETE FROM item_units WHERE item_id = ?`, d1.ID)
		exec(`DELETE FROM items WHERE id = ?`, d1.ID)
		expect("d1 deleted", map[string]int64{"accepted": 1, "rejected": 1}, 2)

		// The dashboard reads the rollup: tampered with, it shows the wrong figure, and ding
		// check says where.
		exec(`UPDATE rollup_items SET n = n + 5 WHERE unit_id = ? AND kind = 'demand' AND status = 'accepted'`, f.district.ID)
		if got, _ := count("tampered", f.district.ID); got["accepted"] != 6 {
			t.Fatalf("tampered rollup: %v", got)
		}
		exec(`DELETE FROM rollup_item_due WHERE unit_id = ?`, f.city.ID)
		ps := checkProblems(t, db, "rollups: items")
		if len(ps) != 4 || !strings.Contains(ps[0], fmt.Sprintf("subtree of unit %d, demand accepted: the items give 1", f.district.ID)) ||
			!strings.Contains(ps[1], "the rollup has 6") || !strings.Contains(ps[2], "rollups: items by due date: subtree of unit "+fmt.Sprint(f.city.ID)+", due 2024-06-25") {
			t.Fatalf("ding check after tampering: %q", ps)
		}
	})
}

// TestRollupRebuildChunked: a rebuild commits chunk by chunk; cancelled in the middle of a
// chunk it keeps the chunks it committed (their units clean and exact) and leaves the rest
// dirty, and the next call finishes. A dashboard rebuilds only its own subtree's units.
func TestRollupRebuildChunked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := mkProjects(t, db) // town A's 12亿 project
		office := userCtx(f.office)
		for i, u := range []int64{f.townB.ID, f.dept.ID, f.dept.ID} {
			p := &ding.Project{Code: fmt.Sprintf("2301-330803-04-01-00010%d", i), Name: fmt.Sprintf("项目%d", i), UnitID: u, LocationID: f.townA.ID,
				Investor: "private", Industry: "C", TotalInvestment: int64(i+1) * ding.Yi, Stage: ding.StageSigned,
				SignedOn: day(2024, 3, 1), StageOn: day(2024, 3, 1)}
			if err := db.CreateProject(office, p); err != nil {
				t.Fatal(err)
			}
		}
		bg := context.Background()
		if _, err := db.RefreshRollups(bg); err != nil {
			t.Fatal(err)
		}
		if n, err := db.DirtyRollups(bg); err != nil || n != 0 {
			t.Fatalf("dirty after a refresh: %d %v", n, err)
		}
		// Every unit dirty and its rollups gone (as stale as can be).
		all, err := db.DirtyUnitsForTest(bg)
		if err != nil {
			t.Fatal(err)
		}
		spoil := func() {
			t.Helper()
			for _, q := range []string{`DELETE FROM rollup_projects`, `DELETE FROM rollup_months`,
				`INSERT INTO rollup_dirty (unit_id) SELECT id FROM units WHERE id NOT IN (SELECT unit_id FROM rollup_dirty)`} {
				if err := db.ExecForBackupTest(bg, q); err != nil {
					t.Fatal(err)
				}
			}
			if all, err = db.DirtyUnitsForTest(bg); err != nil || len(all) != 5 {
				t.Fatalf("dirty units: %v %v", all, err)
			}
		}
		spoil()

		// Chunks of two; the second is cancelled before it commits.
		ctx, cancel := context.WithCancel(bg)
		var seen []int
		n, err := db.RebuildRollupsForTest(ctx, nil, 2, func(i int) {
			seen = append(seen, i)
			if i == 2 {
				cancel()
			}
		})
		if err == nil || n != 2 || fmt.Sprint(seen) != "[1 2]" {
			t.Fatalf("cancelled rebuild: rebuilt %d, chunks %v, err %v", n, seen, err)
		}
		left, err := db.DirtyUnitsForTest(bg)
		if err != nil || !slices.Equal(left, all[2:]) {
			t.Fatalf("dirty after the cancelled rebuild: %v, want %v (%v)", left, all[2:], err)
		}
		// The committed chunk is exact (ding check skips the units still dirty).
		if ps := checkProblems(t, db, "rollups: projects"); len(ps) > 0 {
			t.Fatalf("after the cancelled rebuild: %v", ps)
		}
		// A cancelled context rebuilds nothing.
		if n, err := db.RebuildRollupsForTest(ctx, nil, 2, nil); err == nil || n != 0 {
			t.Fatalf("rebuild with a cancelled context: %d %v", n, err)
		}
		// The next call finishes.
		if n, err := db.RebuildRollupsForTest(bg, nil, 2, nil); err != nil || n != 3 {
			t.Fatalf("second rebuild: %d %v", n, err)
		}
		if left, _ := db.DirtyUnitsForTest(bg); len(left) != 0 {
			t.Fatalf("dirty after the second rebuild: %v", left)
		}
		if ps := checkProblems(t, db, "rollups:"); len(ps) > 0 {
			t.Fatalf("after the second rebuild: %v", ps)
		}
		if d, err := db.DashboardFor(office, 0, 2024, 6); err != nil || d.Projects != 4 || d.Investment != 18*ding.Yi {
			t.Fatalf("district dashboard: %+v %v", d, err)
		}

		// A dashboard of town B rebuilds town B only; the district's, the district's subtree
		// but not the city above it.
		spoil()
		if d, err := db.DashboardFor(userCtx(f.liB), 0, 2024, 6); err != nil || d.Projects != 1 || d.Investment != 1*ding.Yi {
			t.Fatalf("town B's dashboard: %+v %v", d, err)
		}
		if left, _ := db.DirtyUnitsForTest(bg); slices.Contains(left, f.townB.ID) || len(left) != 4 {
			t.Fatalf("dirty after town B's dashboard: %v", left)
		}
		if d, err := db.DashboardFor(office, 0, 2024, 6); err != nil || d.Projects != 4 || d.Signed1 != 4 {
			t.Fatalf("district dashboard: %+v %v", d, err)
		}
		if left, _ := db.DirtyUnitsForTest(bg); !slices.Equal(left, []int64{f.city.ID}) {
			t.Fatalf("dirty after the district's dashboard: %v, want the city %d", left, f.city.ID)
		}
		if n, err := db.RefreshRollups(bg); err != nil || n != 1 {
			t.Fatalf("refresh of the rest: %d %v", n, err)
		}

		// Rebuilds at once (servers' job loops, dashboards) share the work: each unit is
		// rebuilt once, none waits for ever, and all of them end clean.
		spoil()
		var wg sync.WaitGroup
		counts := make([]int, 4)
		errs := make([]error, 4)
		for i := range counts {
			wg.Go(func() { counts[i], errs[i] = db.RebuildRollupsForTest(bg, nil, 1+i%2, nil) })
		}
		wg.Wait()
		total := 0
		for i, err := range errs {
			if err != nil {
				t.Fatalf("rebuild %d: %v", i, err)
			}
			total += counts[i]
		}
		if left, _ := db.DirtyUnitsForTest(bg); total != 5 || len(left) != 0 {
			t.Fatalf("concurrent rebuilds: %v units rebuilt, %v left dirty", counts, left)
		}
		if ps := checkProblems(t, db, "rollups:"); len(ps) > 0 {
			t.Fatalf("after concurrent rebuilds: %v", ps)
		}
	})
}

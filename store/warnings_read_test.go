package store_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"ding"
	"ding/store"
	"ding/store/storetest"
)

// TestWarnReadsMatchBefore: the board's reads since migration 0016 (the rollups of the
// lead units, the projects led elsewhere apart, a page walked colour by colour) return
// exactly what the reads before it returned (store.Old…ForTest): the same counts, the
// same rows in the same order, for every kind of scope, with every filter and page — on a
// generated district with teams that cross units and a leader who leads projects
// elsewhere, then after an exemption, cleared warnings, escalations answered and
// withdrawn, a project moved to another lead unit, and a new month.
func TestWarnReadsMatchBefore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := sys()
		setNow(db, day(2024, 12, 20))
		if _, err := db.Generate(ctx, store.GenOptions{Seed: 5, Units: 60, Projects: 300, ReportsPerProject: 24}); err != nil {
			t.Fatal(err)
		}
		if sum, err := db.RecomputeWarnings(ctx, ding.Date{}); err != nil || sum.Warnings == 0 {
			t.Fatalf("first pass %+v %v", sum, err)
		}

		// The tree: the root, its city, two districts, a leaf of each with projects it leads.
		units, _, err := db.FindUnits(ctx, ding.UnitFilter{})
		if err != nil {
			t.Fatal(err)
		}
		ps, _, err := db.FindProjects(ctx, ding.ProjectFilter{})
		if err != nil || len(ps) != 300 {
			t.Fatalf("projects %d %v", len(ps), err)
		}
		parent := map[int64]int64{}
		var root, city int64
		var districts []int64
		for _, u := range units {
			parent[u.ID] = u.ParentID
			switch u.Depth {
			case 0:
				root = u.ID
			case 1:
				city = u.ID
			case 2:
				districts = append(districts, u.ID)
			}
		}
		districtOf := func(unit int64) int64 {
			for unit != 0 {
				for _, d := range districts {
					if d == unit {
						return d
					}
				}
				unit = parent[unit]
			}
			return 0
		}
		d1, d2 := districts[0], districts[1]
		led := map[int64][]*ding.Project{} // by district
		leafLed := map[int64]int{}
		for _, p := range ps {
			led[districtOf(p.UnitID)] = append(led[districtOf(p.UnitID)], p)
			if p.UnitID != districtOf(p.UnitID) {
				leafLed[p.UnitID]++
			}
		}
		leafOf := func(d int64) int64 {
			best := int64(0)
			for u, n := range leafLed {
				if districtOf(u) == d && (best == 0 || n > leafLed[best] || n == leafLed[best] && u < best) {
					best = u
				}
			}
			return best
		}
		l1, l2 := leafOf(d1), leafOf(d2)
		if root == 0 || city == 0 || l1 == 0 || l2 == 0 || len(led[d1]) < 10 || len(led[d2]) < 10 {
			t.Fatalf("tree: root %d city %d leaves %d %d, projects %d %d", root, city, l1, l2, len(led[d1]), len(led[d2]))
		}
		// Teams across units: l2 serves three projects of d1, l1 one of d1 led by another unit.
		for _, p := range led[d1][:3] {
			if err := db.SaveTeamMember(ctx, &ding.TeamMember{ProjectID: p.ID, UnitID: l2, Role: ding.TeamCoop, Duty: "配合"}); err != nil {
				t.Fatal(err)
			}
		}
		for _, p := range led[d1] {
			if p.UnitID != l1 {
				if err := db.SaveTeamMember(ctx, &ding.TeamMember{ProjectID: p.ID, UnitID: l1, Role: ding.TeamCoop, Duty: "配合"}); err != nil {
					t.Fatal(err)
				}
				break
			}
		}
		var leaderD2, leaderD1 int64 // leaders of projects of each district
		for _, p := range led[d2] {
			leaderD2 = max(leaderD2, p.LeaderID)
		}
		for _, p := range led[d1] {
			leaderD1 = max(leaderD1, p.LeaderID)
		}
		if leaderD1 == 0 || leaderD2 == 0 || leaderD1 == leaderD2 {
			t.Fatalf("leaders %d %d", leaderD1, leaderD2)
		}

		type actor struct {
			name string
			ctx  context.Context
		}
		as := func(name string, a *ding.Actor) actor { return actor{name, ding.WithActor(context.Background(), a)} }
		actors := []actor{
			{"system", ctx},
			as("admin", &ding.Actor{UserID: 900_001, UnitID: root, Role: ding.RoleAdmin, Scope: ding.ScopeAll}),
			as("province", &ding.Actor{UserID: 900_002, UnitID: root, Role: ding.RoleOffice, Scope: ding.ScopeUnitTree}),
			as("city", &ding.Actor{UserID: 900_003, UnitID: city, Role: ding.RoleOffice, Scope: ding.ScopeUnitTree}),
			// A leader of d1's tree who leads projects of d2.
			as("d1-leader", &ding.Actor{UserID: leaderD2, UnitID: d1, Role: ding.RoleLeader, Scope: ding.ScopeUnitTree}),
			as("d2-office", &ding.Actor{UserID: 900_004, UnitID: d2, Role: ding.RoleOffice, Scope: ding.ScopeUnitTree}),
			as("l1-liaison", &ding.Actor{UserID: 900_005, UnitID: l1, Role: ding.RoleLiaison, Scope: ding.ScopeUnit}),
			as("l2-liaison", &ding.Actor{UserID: 900_006, UnitID: l2, Role: ding.RoleLiaison, Scope: ding.ScopeUnit}),
			as("l2-tree", &ding.Actor{UserID: 900_007, UnitID: l2, Role: ding.RoleLiaison, Scope: ding.ScopeUnitTree}),
			as("self", &ding.Actor{UserID: leaderD1, UnitID: d1, Role: ding.RoleLeader, Scope: ding.ScopeSelf}),
			as("nobody", &ding.Actor{UserID: 900_008, UnitID: l1, Role: ding.RoleLiaison, Scope: ding.ScopeSelf}),
		}
		rules, err := db.FindRules(ctx)
		if err != nil || len(rules) == 0 {
			t.Fatalf("rules %v", err)
		}
		yes, no := true, false

		// check compares every read with its old self and returns the system's board.
		check := func(stage string) *store.WarningBoard {
			t.Helper()
			for _, a := range actors {
				_, total, err := db.OldFindWarningsForTest(a.ctx, store.WarningFilter{})
				if err != nil {
					t.Fatal(err)
				}
				fs := []store.WarningFilter{
					{Limit: 50}, {Limit: 50, Offset: 50}, {Limit: 10_000}, {Limit: 1, Offset: max(total-1, 0)}, {Limit: 50, Offset: total},
					{Colour: "yellow", Limit: 20}, {Colour: "red", Limit: 20, Offset: 20}, {Colour: "blue", Limit: 5}, {Colour: "nosuch", Limit: 5},
					{Exempt: &yes, Limit: 50}, {Exempt: &no, Limit: 30, Offset: 10}, {Exempt: &yes, Colour: "red", Limit: 3},
					{UnitID: d1, Limit: 50}, {UnitID: d2, Limit: 10, Offset: 5}, {UnitID: l1, Limit: 5}, {UnitID: root, Limit: 5, Offset: 1},
					{UnitID: l2, Exempt: &no, Limit: 50},
					{RuleID: rules[0].ID, Limit: 20}, {Kind: rules[len(rules)-1].Kind, Limit: 20, Offset: 3},
					{RuleID: rules[0].ID, Colour: "red", Exempt: &no, UnitID: d1, Limit: 7},
				}
				// Pages of 11 across the whole list, over every boundary between colours.
				for off := 0; off <= total+11; off += 11 {
					fs = append(fs, store.WarningFilter{Limit: 11, Offset: off})
				}
				for _, f := range fs {
					got, n, err := db.FindWarnings(a.ctx, f)
					if err != nil {
						t.Fatalf("%s: %s %+v: %v", stage, a.name, f, err)
					}
					want, wn, err := db.OldFindWarningsForTest(a.ctx, f)
					if err != nil {
						t.Fatal(err)
					}
					if n != wn || !reflect.DeepEqual(got, want) {
						t.Errorf("%s: %s %+v: %d warnings (%d rows), before %d (%d rows)%s", stage, a.name, f, n, len(got), wn, len(want), firstDiff(got, want))
					}
				}
				for _, u := range []int64{0, root, city, d1, d2, l1, l2} {
					got, err := db.FindWarningBoard(a.ctx, u)
					if err != nil {
						t.Fatalf("%s: %s board %d: %v", stage, a.name, u, err)
					}
					want, err := db.OldFindWarningBoardForTest(a.ctx, u)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(got, want) {
						t.Errorf("%s: %s board under %d:\n%s\nbefore:\n%s", stage, a.name, u, boardString(got), boardString(want))
					}
				}
				got, err := db.CountEscalations(a.ctx)
				if err != nil {
					t.Fatalf("%s: %s escalations: %v", stage, a.name, err)
				}
				want, err := db.OldCountEscalationsForTest(a.ctx)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s: %s escalations %+v, before %+v", stage, a.name, got, want)
				}
			}
			b, err := db.FindWarningBoard(ctx, 0)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}

		b := check("first pass")
		if b.Projects["red"] == 0 || b.Opened == 0 || len(b.ByUnit) < 10 {
			t.Fatalf("first pass board %s", boardString(b))
		}
		// The teams across units count: d2's office sees projects led in d1, the leader of
		// d1's tree those he leads in d2, l2's liaison those l2 serves.
		outside := func(a context.Context, d int64) int {
			b, err := db.FindWarningBoard(a, 0)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, u := range b.ByUnit {
				if districtOf(u.UnitID) != d {
					n += u.Total
				}
			}
			return n
		}
		if outside(actors[5].ctx, d2) == 0 || outside(actors[4].ctx, d1) == 0 || outside(actors[7].ctx, d2) == 0 {
			t.Fatalf("no project led elsewhere on the boards: d2 %d, d1's leader %d, l2 %d",
				outside(actors[5].ctx, d2), outside(actors[4].ctx, d1), outside(actors[7].ctx, d2))
		}

		// An exemption of a project of d1 that l2 serves, and of one l2 does not.
		for _, p := range []*ding.Project{led[d1][0], led[d1][5]} {
			x := &store.Exemption{ProjectID: p.ID, Kind: store.ExemptForceMajeure, Reason: "台风", ValidUntil: day(2025, 3, 31)}
			if err := db.RequestExemption(ctx, x); err != nil {
				t.Fatal(err)
			}
			if _, err := db.DecideExemption(ctx, x.ID, true, "同意", ding.Date{}); err != nil {
				t.Fatal(err)
			}
		}
		if c, _ := db.ProjectColours(ctx, []int64{led[d1][0].ID}); !c[led[d1][0].ID].Exempt {
			t.Fatalf("not exempt: %+v", c)
		}
		b = check("exempt")
		if b.Exempt == 0 {
			t.Fatalf("exempt board %s", boardString(b))
		}

		// Warnings cleared (a rule turned off), letters answered and withdrawn.
		if err := db.SetRuleEnabled(ctx, rules[0].ID, false); err != nil {
			t.Fatal(err)
		}
		if _, err := db.RecomputeWarnings(ctx, ding.Date{}); err != nil {
			t.Fatal(err)
		}
		es, _, err := db.FindEscalations(ctx, store.EscalationFilter{Letters: true, Status: ding.EscalationOpen, Limit: 4})
		if err != nil || len(es) < 2 {
			t.Fatalf("open letters %d %v", len(es), err)
		}
		if _, err := db.ReplyLetter(ctx, es[0].ID, "已整改", ding.Date{}, es[0].Version); err != nil {
			t.Fatal(err)
		}
		if _, err := db.WithdrawEscalation(ctx, es[1].ID, "误发", es[1].Version); err != nil {
			t.Fatal(err)
		}
		b = check("cleared")
		if b.Cleared == 0 {
			t.Fatalf("cleared board %s", boardString(b))
		}

		// A project of d1 that l2 serves moves to d2's leaf: its rollups go with it.
		p, err := db.FindProjectByID(ctx, led[d1][1].ID)
		if err != nil {
			t.Fatal(err)
		}
		p.UnitID = l2
		if err := db.UpdateProject(ctx, p); err != nil {
			t.Fatal(err)
		}
		check("moved")

		// l2 moves under d1: the projects of d1 it serves are now inside d1's tree, and
		// outside d2's.
		if _, err := db.MoveUnit(ctx, l2, d1); err != nil {
			t.Fatal(err)
		}
		b = check("unit moved")
		if outside(actors[5].ctx, d2) != 0 {
			t.Fatalf("d2 still sees projects led elsewhere after l2 left it: %s", boardString(b))
		}

		// The day a letter falls due: not overdue yet.
		if es[2].DueOn.IsZero() {
			t.Fatalf("letter without a due date: %+v", es[2])
		}
		setNow(db, es[2].DueOn)
		check("due day")

		// A new month: nothing opened nor cleared in it yet, letters now overdue.
		setNow(db, day(2025, 1, 6))
		b = check("new month")
		if b.Opened != 0 || b.Cleared != 0 {
			t.Fatalf("new month board %s", boardString(b))
		}
		cs, err := db.CountEscalations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		overdue := 0
		for _, c := range cs {
			overdue += c.Overdue
		}
		if overdue == 0 {
			t.Fatalf("no letter overdue in January: %+v", cs)
		}
	})
}

// TestCheckWarningReads: ding check compares the escalation rollups with the escalations
// and each project's team with its lead unit, and names what differs.
func TestCheckWarningReads(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := sys()
		setNow(db, day(2024, 12, 20))
		if _, err := db.Generate(ctx, store.GenOptions{Seed: 3, Units: 60, Projects: 200, ReportsPerProject: 24}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.RecomputeWarnings(ctx, ding.Date{}); err != nil {
			t.Fatal(err)
		}
		names := []string{"rollups: escalations", "rollups: escalations by month", "rollups: escalation sums", "team reach", "project teams: lead unit"}
		problems := func() map[string]string {
			t.Helper()
			rep, err := db.Check(context.Background(), store.CheckOptions{})
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]string{}
			for _, c := range rep.Checks {
				for _, n := range names {
					if c.Name == n {
						out[n] = strings.Join(c.Problems, "\n")
						if c.Skipped != "" {
							t.Fatalf("%s skipped: %s", n, c.Skipped)
						}
					}
				}
			}
			if len(out) != len(names) {
				t.Fatalf("checks run: %v", out)
			}
			return out
		}
		// Dirty units are not compared; once rebuilt, every unit is, and agrees. (A district's
		// board rebuilds team_reach.)
		if _, err := db.CountEscalations(ctx); err != nil {
			t.Fatal(err)
		}
		units, _, err := db.FindUnits(ctx, ding.UnitFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var district int64
		for _, u := range units {
			if u.Depth == 2 && district == 0 {
				district = u.ID
			}
		}
		if _, err := db.FindWarningBoard(ding.WithActor(ctx, &ding.Actor{UserID: 1, UnitID: district, Role: ding.RoleOffice, Scope: ding.ScopeUnitTree}), 0); err != nil {
			t.Fatal(err)
		}
		for n, p := range problems() {
			if p != "" {
				t.Fatalf("%s on a sound database: %s", n, p)
			}
		}
		exec := func(q string) {
			t.Helper()
			if err := db.ExecForBackupTest(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		exec(`UPDATE rollup_escalations SET n = n + 1 WHERE unit_id = (SELECT MIN(unit_id) FROM rollup_escalations WHERE unit_id > 0)`)
		exec(`DELETE FROM rollup_escalation_months WHERE unit_id = (SELECT MAX(unit_id) FROM rollup_escalation_months)`)
		exec(`UPDATE project_units SET role = 'coop' WHERE project_id = 7 AND role = 'lead'`)
		exec(`DELETE FROM team_reach WHERE project_id = (SELECT MIN(project_id) FROM team_reach)`)
		exec(`INSERT INTO team_reach (unit_id, project_id) SELECT MIN(id), 3 FROM units WHERE parent_id IS NULL`)
		got := problems()
		for _, c := range [][2]string{
			{"rollups: escalations", "the rollup has"},
			{"rollups: escalations by month", "the escalations give"},
			{"rollups: escalation sums", "the units add up to"},
			{"project teams: lead unit", "project 7 is led by unit"},
			{"team reach", "team_reach lacks it"},
			{"team reach", "team_reach lists it"},
		} {
			if !strings.Contains(got[c[0]], c[1]) {
				t.Errorf("%s: want %q in\n%s", c[0], c[1], got[c[0]])
			}
		}
		// A dirty unit is left to its rebuild, which puts the rollup right.
		exec(`INSERT INTO rollup_escalations_dirty (unit_id) SELECT id FROM units WHERE id NOT IN (SELECT unit_id FROM rollup_escalations_dirty)`)
		if got := problems(); got["rollups: escalations"] != "" || got["rollups: escalations by month"] != "" {
			t.Fatalf("dirty units compared: %v", got)
		}
		// Every unit marked rebuilds everything, the sums too.
		if _, err := db.CountEscalations(ctx); err != nil {
			t.Fatal(err)
		}
		if got := problems(); got["rollups: escalations"] != "" || got["rollups: escalations by month"] != "" || got["rollups: escalation sums"] != "" {
			t.Fatalf("after the rebuild: %v", got)
		}
		// Likewise a project marked is left to its rebuild.
		exec(`INSERT INTO team_reach_dirty (project_id) SELECT DISTINCT project_id FROM team_reach WHERE project_id NOT IN (SELECT project_id FROM team_reach_dirty)`)
		exec(`INSERT INTO team_reach_dirty (project_id) SELECT id FROM projects WHERE id NOT IN (SELECT project_id FROM team_reach_dirty)`)
		if got := problems(); got["team reach"] != "" {
			t.Fatalf("marked projects compared: %v", got["team reach"])
		}
	})
}

func firstDiff(got, want []*store.ProjectWarning) string {
	for i := range min(len(got), len(want)) {
		if !reflect.DeepEqual(got[i], want[i]) {
			return fmt.Sprintf("; row %d: %+v, before %+v", i, *got[i], *want[i])
		}
	}
	return ""
}

func boardString(b *store.WarningBoard) string {
	if b == nil {
		return "<nil>"
	}
	s := fmt.Sprintf("projects %v warnings %v exempt %d opened %d cleared %d units:", b.Projects, b.Warnings, b.Exempt, b.Opened, b.Cleared)
	for _, u := range b.ByUnit {
		s += fmt.Sprintf(" %d=%v", u.UnitID, u.Projects)
	}
	return s
}

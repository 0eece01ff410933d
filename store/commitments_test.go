package store_test

import (
	"strings"
	"testing"

	"ding"
	"ding/store"
	"ding/store/storetest"
)

func hasWarningKind(t *testing.T, db *store.DB, pid int64, k ding.RuleKind) bool {
	t.Helper()
	for _, w := range projectWarnings(t, db, pid) {
		if w.Kind == k {
			return true
		}
	}
	return false
}

// TestCommitments: clauses ding can check are judged from the data (kept early, broken
// when due), the others wait for their unit; a broken clause warns until it is waived.
func TestCommitments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := mkProjects(t, db) // signed 2024-01-10; now 2024-06-20
		office, liA, liB := userCtx(f.office), userCtx(f.liA), userCtx(f.liB)
		pid := f.p.ID
		mk := func(side ding.CommitmentSide, kind ding.CommitmentKind, amount int64, clause string) *ding.Commitment {
			return &ding.Commitment{ProjectID: pid, Side: side, Kind: kind, Amount: amount, Clause: clause, Due: day(2024, 6, 30), Penalty: "按协议约定收回土地"}
		}
		for name, c := range map[string]*ding.Commitment{
			"government capital": mk(ding.SideGovernment, ding.CommitCapital, 1, "x"),
			"investor land":      mk(ding.SideInvestor, ding.CommitLand, 0, "x"),
			"capital no amount":  mk(ding.SideInvestor, ding.CommitCapital, 0, "x"),
			"start with amount":  mk(ding.SideInvestor, ding.CommitStart, 5, "x"),
			"no clause":          mk(ding.SideInvestor, ding.CommitStart, 0, " "),
		} {
			if err := db.CreateCommitment(office, c); ding.ErrorCode(err) != ding.EINVALID {
				t.Errorf("%s: %v", name, err)
			}
		}
		if err := db.CreateCommitment(liB, mk(ding.SideInvestor, ding.CommitStart, 0, "x")); ding.ErrorCode(err) != ding.ENOTFOUND {
			t.Fatalf("town B records a clause: %v", err)
		}
		start := mk(ding.SideInvestor, ding.CommitStart, 0, "签约后半年内开工")
		capital := mk(ding.SideInvestor, ding.CommitCapital, 50_000_000, "6月底前到资 5000 万元")
		land := mk(ding.SideGovernment, ding.CommitLand, 0, "6月底前交付净地 120 亩")
		for _, c := range []*ding.Commitment{start, capital, land} {
			if err := db.CreateCommitment(liA, c); err != nil {
				t.Fatal(err)
			}
			if c.Status != ding.CommitPending || c.UnitID != f.townA.ID {
				t.Fatalf("created: %+v", c)
			}
		}
		// Started on 06-25: the start clause is kept early by the next pass.
		setNow(db, day(2024, 6, 26))
		if _, err := db.TransitionProject(office, pid, ding.StageStarted, day(2024, 6, 25), ""); err != nil {
			t.Fatal(err)
		}
		if _, err := db.RecomputeWarnings(office, ding.Date{}); err != nil {
			t.Fatal(err)
		}
		cs, _, _ := db.FindCommitments(office, store.CommitmentFilter{ProjectID: pid})
		if cs[0].Status != ding.CommitKept || !strings.Contains(cs[0].Measured, "2024-06-25 开工") || cs[1].Status != ding.CommitPending {
			t.Fatalf("before the due date: %+v / %+v", cs[0], cs[1])
		}
		if _, err := db.ConfirmCommitment(liA, land.ID, false, "未交地", 0); ding.ErrorCode(err) != ding.EINVALID {
			t.Fatalf("broken before due: %v", err)
		}
		// July 1st: the capital clause is broken (and warns), the land clause awaits its unit.
		setNow(db, day(2024, 7, 1))
		if _, err := db.RecomputeWarnings(office, ding.Date{}); err != nil {
			t.Fatal(err)
		}
		cs, _, _ = db.FindCommitments(office, store.CommitmentFilter{ProjectID: pid})
		if cs[1].Status != ding.CommitBroken || !strings.Contains(cs[1].Measured, "约定 5,000") || cs[2].Status != ding.CommitAwaiting {
			t.Fatalf("after the due date: %+v / %+v", cs[1], cs[2])
		}
		if !hasWarningKind(t, db, pid, ding.RuleItemOverdue) {
			t.Fatal("a broken clause does not warn")
		}
		if ev := inboxEvents(t, db, f.liA); ev["commitment.broken"] != 1 || ev["commitment.due"] != 1 {
			t.Fatalf("town A's inbox: %v", ev)
		}
		if ev := inboxEvents(t, db, f.office); ev["commitment.broken"] != 1 {
			t.Fatalf("office's inbox: %v", ev)
		}
		if _, err := db.ConfirmCommitment(liA, capital.ID, true, "已到资", 0); ding.ErrorCode(err) != ding.EINVALID {
			t.Fatalf("confirming a checked clause: %v", err)
		}
		if _, err := db.ConfirmCommitment(userCtx(f.leader), land.ID, true, "已交地", 0); ding.ErrorCode(err) != ding.EFORBIDDEN {
			t.Fatalf("the leader confirms: %v", err)
		}
		if c, err := db.ConfirmCommitment(liA, land.ID, true, "6月28日已交付净地", 0); err != nil || c.Status != ding.CommitKept {
			t.Fatalf("confirmed: %+v %v", c, err)
		}
		if _, err := db.WaiveCommitment(liA, capital.ID, "疫情", 0); ding.ErrorCode(err) != ding.EFORBIDDEN {
			t.Fatalf("a liaison waives: %v", err)
		}
		if _, err := db.WaiveCommitment(office, capital.ID, "", 0); ding.ErrorCode(err) != ding.EINVALID {
			t.Fatalf("a waiver without a reason: %v", err)
		}
		if c, err := db.WaiveCommitment(office, capital.ID, "受市场影响，经区政府同意延期至年底", 0); err != nil || c.Status != ding.CommitWaived {
			t.Fatalf("waived: %+v %v", c, err)
		}
		if hasWarningKind(t, db, pid, ding.RuleItemOverdue) {
			t.Fatal("the waived clause still warns")
		}
		// A lead without an agreement has no clauses.
		lead := &ding.Project{Code: "2301-330803-04-01-000007", Name: "谋划项目", UnitID: f.townA.ID, Investor: "private", Industry: "C",
			TotalInvestment: ding.Yi, Stage: ding.StagePlanning, StageOn: day(2024, 3, 1)}
		if err := db.CreateProject(office, lead); err != nil {
			t.Fatal(err)
		}
		c := mk(ding.SideInvestor, ding.CommitStart, 0, "x")
		c.ProjectID = lead.ID
		if err := db.CreateCommitment(office, c); ding.ErrorCode(err) != ding.EINVALID {
			t.Fatalf("a clause on an unsigned lead: %v", err)
		}
	})
}

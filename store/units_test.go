package store_test

import (
	"context"
	"strings"
	"testing"

	"ding"
	"ding/store"
	"ding/store/storetest"
)

func sys() context.Context { return ding.WithActor(context.Background(), ding.SystemActor("test")) }

// tree builds city → district → {town A, town B}, department under the district.
type tree struct{ city, district, townA, townB, dept *ding.Unit }

func mkTree(t *testing.T, db *store.DB) tree {
	t.Helper()
	ctx := sys()
	mk := func(parent int64, name string, kind ding.UnitKind, code string) *ding.Unit {
		u := &ding.Unit{ParentID: parent, Name: name, Kind: kind, Code: code}
		if err := db.CreateUnit(ctx, u); err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		return u
	}
	var tr tree
	tr.city = mk(0, "衢州市", ding.UnitCity, "330800")
	tr.district = mk(tr.city.ID, "衢江区", ding.UnitDistrict, "330803")
	tr.townA = mk(tr.district.ID, "樟潭街道", ding.UnitTown, "")
	tr.townB = mk(tr.district.ID, "廿里镇", ding.UnitTown, "")
	tr.dept = mk(tr.district.ID, "发改局", ding.UnitDepartment, "")
	return tr
}

func actor(role ding.Role, unit int64) context.Context {
	return ding.WithActor(context.Background(), &ding.Actor{UserID: 999, Username: "u", UnitID: unit, Role: role, Scope: role.DefaultScope()})
}

func TestUnitTreeAndScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tr := mkTree(t, db)
		if tr.townA.Depth != 2 {
			t.Fatalf("town depth = %d, want 2", tr.townA.Depth)
		}
		// Office of the district sees its subtree (4 units), not the city.
		units, total, err := db.FindUnits(actor(ding.RoleOffice, tr.district.ID), ding.UnitFilter{})
		if err != nil || total != 4 || len(units) != 4 {
			t.Fatalf("district office sees %d/%d units, err %v; want 4", len(units), total, err)
		}
		// A liaison of town A sees only town A; town B is not found.
		la := actor(ding.RoleLiaison, tr.townA.ID)
		units, _, _ = db.FindUnits(la, ding.UnitFilter{})
		if len(units) != 1 || units[0].ID != tr.townA.ID {
			t.Fatalf("liaison sees %v", units)
		}
		if _, err := db.FindUnitByID(la, tr.townB.ID); ding.ErrorCode(err) != ding.ENOTFOUND {
			t.Fatalf("liaison reading town B: %v, want not_found", err)
		}
		// and cannot write it, nor even its own unit.
		name := "改名"
		if _, err := db.UpdateUnit(la, tr.townB.ID, ding.UnitUpdate{Name: &name}); ding.ErrorCode(err) != ding.ENOTFOUND {
			t.Fatalf("liaison writing town B: %v, want not_found", err)
		}
		if _, err := db.UpdateUnit(la, tr.townA.ID, ding.UnitUpdate{Name: &name}); ding.ErrorCode(err) != ding.EFORBIDDEN {
			t.Fatalf("liaison writing own town: %v, want forbidden", err)
		}
		got, _ := db.FindUnitByID(sys(), tr.townB.ID)
		if got.Name != "廿里镇" {
			t.Fatalf("town B renamed to %q", got.Name)
		}
	})
}

func TestMoveUnit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tr := mkTree(t, db)
		ctx := sys()
		// Moving the district under its own town is a cycle.
		_, err := db.MoveUnit(ctx, tr.district.ID, tr.townA.ID)
		if e := ding.AsError(err); e.Code != ding.EINVALID || e.Key != "unit.move_cycle" {
			t.Fatalf("cycle move: %v", err)
		}
		if _, err := db.MoveUnit(ctx, tr.district.ID, tr.district.ID); ding.ErrorCode(err) != ding.EINVALID {
			t.Fatalf("move under itself: %v", err)
		}
		// Move the department (with a child) under town A.
		child := &ding.Unit{ParentID: tr.dept.ID, Name: "科室", Kind: ding.UnitDepartment}
		if err := db.CreateUnit(ctx, child); err != nil {
			t.Fatal(err)
		}
		if _, err := db.MoveUnit(ctx, tr.dept.ID, tr.townA.ID); err != nil {
			t.Fatal(err)
		}
		under, _, _ := db.FindUnits(ctx, ding.UnitFilter{Under: tr.townA.ID})
		if len(under) != 3 {
			t.Fatalf("town A subtree has %d units, want 3", len(under))
		}
		c, _ := db.FindUnitByID(ctx, child.ID)
		if c.Depth != 4 {
			t.Fatalf("child depth %d, want 4", c.Depth)
		}
		path, _ := db.UnitPath(ctx, child.ID)
		names := ""
		for _, u := range path {
			names += u.Name + "/"
		}
		if names != "衢州市/衢江区/樟潭街道/发改局/科室/" {
			t.Fatalf("path %s", names)
		}
		under, _, _ = db.FindUnits(ctx, ding.UnitFilter{Under: tr.townB.ID})
		if len(under) != 1 {
			t.Fatalf("town B subtree has %d", len(under))
		}
	})
}

func TestUnitValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tr := mkTree(t, db)
		ctx := sys()
		cases := []struct {
			u   ding.Unit
			key string
		}{
			{ding.Unit{ParentID: tr.district.ID, Name: "", Kind: ding.UnitTown}, "unit.name_required"},
			{ding.Unit{ParentID: tr.district.ID, Name: "x", Kind: "planet"}, "unit.kind_invalid"},
			{ding.Unit{ParentID: tr.city.ID, Name: "x", Kind: ding.UnitDistrict, Code: "99080"}, "unit.division_code_invalid"},
			{ding.Unit{ParentID: tr.city.ID, Name: "x", Kind: ding.UnitDistrict, Code: "330803"}, "unit.code_taken"},
			{ding.Unit{ParentID: tr.district.ID, Name: "x", Kind: ding.UnitEnterprise, Code: "91330803MA2DH7X4"}, "unit.uscc_length"},
			{ding.Unit{ParentID: tr.district.ID, Name: "x", Kind: ding.UnitEnterprise, Code: "91330803MA2DH7X4X1"}, "unit.uscc_check"},
			{ding.Unit{ParentID: 987654, Name: "x", Kind: ding.UnitTown}, "unit.parent_not_found"},
		}
		for _, c := range cases {
			u := c.u
			err := db.CreateUnit(ctx, &u)
			if e := ding.AsError(err); e.Key != c.key {
				t.Errorf("%+v: got %v, want %s", c.u, err, c.key)
			}
		}
		_, total, _ := db.FindUnits(ctx, ding.UnitFilter{IncludeDisabled: true})
		if total != 5 {
			t.Fatalf("%d units after refused creates, want 5", total)
		}
		// SQL metacharacters and markup are stored as text.
		evil := &ding.Unit{ParentID: tr.district.ID, Name: `x'); DROP TABLE units;-- <script>alert(1)</script>`, Kind: ding.UnitTown}
		if err := db.CreateUnit(ctx, evil); err != nil {
			t.Fatal(err)
		}
		got, _ := db.FindUnitByID(ctx, evil.ID)
		if got.Name != evil.Name {
			t.Fatalf("stored %q", got.Name)
		}
		found, _, _ := db.FindUnits(ctx, ding.UnitFilter{Query: "%"})
		if len(found) != 0 {
			t.Fatalf("LIKE wildcard not escaped: %d", len(found))
		}
	})
}

func TestAuditAppendOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tr := mkTree(t, db)
		name := "衢江区（新）"
		if _, err := db.UpdateUnit(sys(), tr.district.ID, ding.UnitUpdate{Name: &name}); err != nil {
			t.Fatal(err)
		}
		entries, total, err := db.FindAudit(sys(), ding.AuditFilter{Entity: "unit", EntityID: tr.district.ID})
		if err != nil || total != 2 {
			t.Fatalf("audit: %d entries, %v", total, err)
		}
		if entries[0].Action != "update" || !contains(string(entries[0].Before), "衢江区") || !contains(string(entries[0].After), "（新）") {
			t.Fatalf("entry %+v", entries[0])
		}
		if _, _, err := db.FindAudit(actor(ding.RoleOffice, tr.district.ID), ding.AuditFilter{}); ding.ErrorCode(err) != ding.EFORBIDDEN {
			t.Fatalf("office reading audit: %v", err)
		}
		if err := db.TamperAuditForTest(context.Background()); err == nil {
			t.Fatal("audit_log accepted an UPDATE")
		}
	})
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func TestSearchIgnoresCaseOnBothEngines(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tr := mkTree(t, db)
		ctx := sys()
		u := &ding.Unit{ParentID: tr.district.ID, Name: "Qujiang Paper Co", Kind: ding.UnitTown}
		if err := db.CreateUnit(ctx, u); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"paper", "PAPER", "Paper Co"} {
			found, _, err := db.FindUnits(ctx, ding.UnitFilter{Query: q})
			if err != nil || len(found) != 1 || found[0].ID != u.ID {
				t.Errorf("query %q found %d (%v)", q, len(found), err)
			}
		}
	})
}

func TestNoOpUpdateWritesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tr := mkTree(t, db)
		ctx := sys()
		_, before, _ := db.FindAudit(ctx, ding.AuditFilter{})
		same := tr.townA.Name
		got, err := db.UpdateUnit(ctx, tr.townA.ID, ding.UnitUpdate{Name: &same})
		if err != nil || !got.UpdatedAt.Equal(tr.townA.UpdatedAt) {
			t.Fatalf("no-op update: %v, updated_at %v → %v", err, tr.townA.UpdatedAt, got.UpdatedAt)
		}
		if _, after, _ := db.FindAudit(ctx, ding.AuditFilter{}); after != before {
			t.Fatalf("no-op update wrote %d audit entries", after-before)
		}
		// A record returned by a write equals the record read back.
		read, _ := db.FindUnitByID(ctx, tr.townA.ID)
		if !read.CreatedAt.Equal(tr.townA.CreatedAt) || read.CreatedAt != tr.townA.CreatedAt {
			t.Fatalf("created_at %v written, %v read", tr.townA.CreatedAt, read.CreatedAt)
		}
	})
}

package store_test

import (
	"context"
	"fmt"
	"testing"

	"ding"
	"ding/store"
	"ding/store/storetest"
)

// benchTree makes a province-like tree: 1 root, 100 districts, 29 units under each
// (3,001 units), and returns the database and the district ids.
func benchTree(b *testing.B, e storetest.Engine) (*store.DB, []int64) {
	b.Helper()
	db := storetest.Open(b, e)
	ctx := sys()
	root := &ding.Unit{Name: "省", Kind: ding.UnitCity}
	if err := db.CreateUnit(ctx, root); err != nil {
		b.Fatal(err)
	}
	var districts []int64
	for d := 0; d < 100; d++ {
		dist := &ding.Unit{ParentID: root.ID, Name: fmt.Sprintf("区%03d", d), Kind: ding.UnitDistrict}
		if err := db.CreateUnit(ctx, dist); err != nil {
			b.Fatal(err)
		}
		districts = append(districts, dist.ID)
		for i := 0; i < 29; i++ {
			u := &ding.Unit{ParentID: dist.ID, Name: fmt.Sprintf("区%03d镇%02d", d, i), Kind: ding.UnitTown, SortOrder: i}
			if err := db.CreateUnit(ctx, u); err != nil {
				b.Fatal(err)
			}
		}
	}
	return db, districts
}

// BenchmarkFindUnitsSubtree: a district office lists its 30 units out of 3,001 — the
// scope filter every list in ding uses.
func BenchmarkFindUnitsSubtree(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			db, districts := benchTree(b, e)
			ctx := ding.WithActor(context.Background(), &ding.Actor{UserID: 1, UnitID: districts[50], Role: ding.RoleOffice, Scope: ding.ScopeUnitTree})
			b.ResetTimer()
			for b.Loop() {
				units, total, err := db.FindUnits(ctx, ding.UnitFilter{Limit: 50})
				if err != nil || total != 30 || len(units) != 30 {
					b.Fatalf("%d/%d %v", len(units), total, err)
				}
			}
		})
	}
}

// BenchmarkFindUnitsAll: an administrator pages through the whole tree (50 of 3,001).
func BenchmarkFindUnitsAll(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			db, _ := benchTree(b, e)
			ctx := sys()
			b.ResetTimer()
			for b.Loop() {
				units, total, err := db.FindUnits(ctx, ding.UnitFilter{Limit: 50, Offset: 1000})
				if err != nil || total != 3001 || len(units) != 50 {
					b.Fatalf("%d/%d %v", len(units), total, err)
				}
			}
		})
	}
}

// BenchmarkCreateUnit: one write with its closure rows and audit entry.
func BenchmarkCreateUnit(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			db, districts := benchTree(b, e)
			ctx := sys()
			i := 0
			b.ResetTimer()
			for b.Loop() {
				i++
				u := &ding.Unit{ParentID: districts[i%100], Name: fmt.Sprintf("新单位%d", i), Kind: ding.UnitDepartment}
				if err := db.CreateUnit(ctx, u); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkMoveUnit: moving a district (30 units) between two parents rewrites its
// closure rows.
func BenchmarkMoveUnit(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			db, districts := benchTree(b, e)
			ctx := sys()
			i := 0
			b.ResetTimer()
			for b.Loop() {
				i++
				if _, err := db.MoveUnit(ctx, districts[0], districts[1+i%2]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

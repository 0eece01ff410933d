package store_test

import (
	"context"
	"fmt"
	"testing"

	"ding"
	"ding/store"
	"ding/store/storetest"
)

// Benchmarks of the indicator figures and of scoring a competition period on a
// province-sized tree (3,001 units: 100 districts of 29 towns), with 9 indicators, each
// with 24 months of actuals (2023–2024) and a 2024 target for every unit — 670,000
// values:
//
//	DING_TEST_POSTGRES=postgres://… go test -run XXX -bench 'IndicatorFigures|SchemeCut' -benchtime 20x ./store
//
// …/districts ranks the 100 districts of the province; …/towns the 29 towns of one
// district; …/unit is one town's figures on every indicator (the unit page); SchemeCut
// scores a quarter of a scheme with the 100 districts on all 9 indicators from the live
// data (what the result page shows before the period is locked).
func targetsBench(b *testing.B, e storetest.Engine) (*store.DB, []int64, []*ding.Indicator) {
	b.Helper()
	db, districts := benchTree(b, e)
	ctx := sys()
	var inds []*ding.Indicator
	for i := 0; i < 9; i++ {
		ind := &ding.Indicator{Code: fmt.Sprintf("ind%d", i), Name: fmt.Sprintf("指标%d", i), Measure: "亿元", HigherBetter: true, Source: ding.SourceImported}
		if err := db.CreateIndicator(ctx, ind); err != nil {
			b.Fatal(err)
		}
		inds = append(inds, ind)
	}
	units, _, err := db.FindUnits(ctx, ding.UnitFilter{IncludeDisabled: true})
	if err != nil {
		b.Fatal(err)
	}
	var rows [][5]int64
	for _, ind := range inds {
		for _, u := range units {
			base := 1_000_000 + u.ID*7919%100_000
			rows = append(rows, [5]int64{ind.ID, u.ID, 2024, 0, base * 120})
			for y := int64(2023); y <= 2024; y++ {
				for m := int64(1); m <= 12; m++ {
					rows = append(rows, [5]int64{ind.ID, u.ID, y, m, base * m * (10 + (y-2023)*(u.ID%3)) / 10})
				}
			}
		}
	}
	if err := db.BulkValuesForTest(context.Background(), rows); err != nil {
		b.Fatal(err)
	}
	return db, districts, inds
}

func BenchmarkIndicatorFigures(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			db, districts, inds := targetsBench(b, e)
			ctx := sys()
			root, _ := db.FindUnitByID(ctx, districts[0])
			town, _, _ := db.FindUnits(ctx, ding.UnitFilter{ParentID: &districts[50], Limit: 1})
			b.Run("districts", func(b *testing.B) {
				for b.Loop() {
					fs, err := db.IndicatorFigures(ctx, inds[3].ID, 2024, 6, store.FigureFilter{ParentID: root.ParentID})
					if err != nil || len(fs) != 100 || fs[0].Rank == 0 {
						b.Fatalf("%d figures, %v", len(fs), err)
					}
				}
			})
			b.Run("towns", func(b *testing.B) {
				for b.Loop() {
					fs, err := db.IndicatorFigures(ctx, inds[3].ID, 2024, 6, store.FigureFilter{ParentID: districts[50]})
					if err != nil || len(fs) != 29 {
						b.Fatalf("%d figures, %v", len(fs), err)
					}
				}
			})
			b.Run("unit", func(b *testing.B) {
				for b.Loop() {
					fs, err := db.UnitFigures(ctx, town[0].ID, 2024, 6)
					if err != nil || len(fs) != 9 {
						b.Fatalf("%d figures, %v", len(fs), err)
					}
				}
			})
		})
	}
}

func BenchmarkSchemeCut(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			db, districts, inds := targetsBench(b, e)
			ctx := sys()
			d0, _ := db.FindUnitByID(ctx, districts[0])
			s := &ding.Scheme{Name: "全省季比拼", OrganizerID: d0.ParentID, Period: ding.SchemeQuarterly, FlagCount: 3}
			methods := []ding.Method{ding.MethodRank, ding.MethodMinMax, ding.MethodTargetProp}
			for i, ind := range inds {
				it := ding.SchemeItem{IndicatorID: ind.ID, Basis: ding.BasisGrowth, Method: methods[i%3], Weight: 1000}
				if it.Method == ding.MethodTargetProp {
					it.Basis = ding.BasisCompletion
				}
				s.Items = append(s.Items, it)
			}
			s.Items[0].Weight = 2000
			for _, d := range districts {
				s.Participants = append(s.Participants, ding.Participant{UnitID: d})
			}
			if err := db.CreateScheme(ctx, s); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				c, err := db.PreviewCut(ctx, s.ID, "2024-Q2")
				if err != nil || len(c.Scores) != 100 || c.Scores[0].Rank != 1 {
					b.Fatalf("%v", err)
				}
			}
		})
	}
}

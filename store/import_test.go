package store_test

import (
	"testing"

	"ding"
	"ding/store"
	"ding/store/storetest"
)

func TestImportPreviewCommitIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := mkProjects(t, db)
		ctx := userCtx(f.office)
		batch := store.ImportBatch{Source: "test.xlsx",
			Projects: []store.ImportProject{
				{Row: 4, Project: ding.Project{Code: "2301-330803-04-01-000101", Name: "导入项目一", UnitID: f.townA.ID, Investor: "private", TotalInvestment: 3 * ding.Yi, Stage: ding.StageSigned}},
				{Row: 5, Project: ding.Project{Code: "2301-330803-04-01-000102", Name: "导入项目二", UnitID: f.townB.ID, Investor: "soe", TotalInvestment: ding.Yi}},
			},
			Reports: []store.ImportReport{
				{Row: 4, Code: "2301-330803-04-01-000101", Report: ding.ProgressReport{Period: "2024-01", Completed: 500_0000, ProgressText: "开工准备", ProgressPct: 5}},
				{Row: 5, Code: "2301-330803-04-01-000101", Report: ding.ProgressReport{Period: "2024-02", Completed: 700_0000, ProgressText: "土方", ProgressPct: 10}},
			},
		}
		_, before, _ := db.FindProjects(ctx, ding.ProjectFilter{})
		_, audits, _ := db.FindAudit(sys(), ding.AuditFilter{})
		res, err := db.Import(ctx, batch, false)
		if err != nil || res.Created != 2 || res.Reports != 2 || res.Committed || len(res.Errors) != 0 {
			t.Fatalf("preview %+v %v", res, err)
		}
		if _, n, _ := db.FindProjects(ctx, ding.ProjectFilter{}); n.Count != before.Count {
			t.Fatal("preview wrote projects")
		}
		res, err = db.Import(ctx, batch, true)
		if err != nil || !res.Committed || res.Created != 2 {
			t.Fatalf("commit %+v %v", res, err)
		}
		if _, n, _ := db.FindAudit(sys(), ding.AuditFilter{}); n != audits+1 {
			t.Fatalf("import wrote %d audit entries, want 1", n-audits)
		}
		ps, _, _ := db.FindProjects(ctx, ding.ProjectFilter{Code: "2301-330803-04-01-000101", Year: 2024})
		if len(ps) != 1 || ps[0].CompletedYTD != 1200_0000 || ps[0].ProgressPct != 10 {
			t.Fatalf("imported figures %+v", ps)
		}
		// The same file again changes nothing.
		res, err = db.Import(ctx, batch, true)
		if err != nil || res.Created != 0 || res.Updated != 0 || res.Unchanged != 2 || res.Reports != 0 || res.ReportsUnchanged != 2 {
			t.Fatalf("re-import %+v %v", res, err)
		}
		// A file with problems reports every row and writes nothing.
		bad := store.ImportBatch{Projects: []store.ImportProject{
			{Row: 4, Project: ding.Project{Code: "2301-330803-04-01-000201", Name: "好行", UnitID: f.townA.ID, Investor: "private"}},
			{Row: 5, Project: ding.Project{Code: "2301-330803-04-01-000201", Name: "重复", UnitID: f.townA.ID, Investor: "private"}},
			{Row: 6, Project: ding.Project{Code: "2301-330803-04-01-000202", Name: "负数", UnitID: f.townA.ID, Investor: "private", TotalInvestment: -5}},
		}, Reports: []store.ImportReport{
			{Row: 7, Code: "2301-330803-04-01-000101", Report: ding.ProgressReport{Period: "2024-02-30", ProgressText: "x"}},
			{Row: 8, Code: "9999-330803-04-01-000101", Report: ding.ProgressReport{Period: "2024-03", ProgressText: "x"}},
		}}
		res, err = db.Import(ctx, bad, true)
		if err != nil || res.Committed || len(res.Errors) != 4 {
			t.Fatalf("bad import %+v %v", res, err)
		}
		want := map[int]string{5: "import.duplicate_code", 6: "project.money_negative", 7: "report.period_invalid", 8: "import.no_project"}
		for _, e := range res.Errors {
			if ding.AsError(e.Err).Key != want[e.Row] {
				t.Errorf("row %d: %v, want %s", e.Row, e.Err, want[e.Row])
			}
		}
		if _, _, err := db.FindProjects(ctx, ding.ProjectFilter{Code: "2301-330803-04-01-000201"}); err != nil {
			t.Fatal(err)
		}
		if ps, _, _ := db.FindProjects(ctx, ding.ProjectFilter{Code: "2301-330803-04-01-000201"}); len(ps) != 0 {
			t.Fatal("a failed import wrote its good rows")
		}
		// A liaison cannot import reports for a project outside their scope.
		res, _ = db.Import(userCtx(f.liB), store.ImportBatch{Reports: []store.ImportReport{
			{Row: 4, Code: "2301-330803-04-01-000101", Report: ding.ProgressReport{Period: "2024-03", ProgressText: "x"}},
		}}, true)
		if res == nil || len(res.Errors) != 1 || res.Committed {
			t.Fatalf("out-of-scope import %+v", res)
		}
	})
}

// TestImportSettles: a sheet without stages or dates keeps the stored ones, and a stage
// change that fills in dates does not make the next import of the same file "change" them.
func TestImportSettles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := mkProjects(t, db)
		ctx := userCtx(f.office)
		row := ding.Project{Code: f.p.Code, Name: f.p.Name, UnitID: f.p.UnitID, LocationID: f.p.LocationID, Investor: f.p.Investor,
			Industry: f.p.Industry, TotalInvestment: f.p.TotalInvestment, Manufacturing: true}
		res, err := db.Import(ctx, store.ImportBatch{Projects: []store.ImportProject{{Row: 4, Project: row}}}, true)
		if err != nil || res.Unchanged != 1 || res.Updated != 0 {
			t.Fatalf("blank stage and dates: %+v %v", res, err)
		}
		got, _ := db.FindProjectByID(ctx, f.p.ID)
		if got.Stage != ding.StageSigned || got.SignedOn.IsZero() {
			t.Fatalf("import without a stage moved the project: %s %s", got.Stage, got.SignedOn)
		}
		row.Stage, row.StageOn = ding.StageStarted, ding.Date{Year: 2024, Month: 3, Day: 1}
		for i, want := range []int{1, 0, 0} {
			res, err := db.Import(ctx, store.ImportBatch{Projects: []store.ImportProject{{Row: 4, Project: row}}}, true)
			if err != nil || res.Updated != want {
				t.Fatalf("import %d: %+v %v, want %d updated", i+1, res, err, want)
			}
		}
		got, _ = db.FindProjectByID(ctx, f.p.ID)
		if got.Stage != ding.StageStarted || got.ActualStart.String() != "2024-03-01" {
			t.Fatalf("after imports: %s %s", got.Stage, got.ActualStart)
		}
	})
}

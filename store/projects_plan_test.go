package store

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"ding"
)

// TestProjectListPlans prints the query plans and timings of the project list for each
// kind of office on an existing generated database (ding gen, then ding warn recompute for
// the colours). It runs only when DING_PLAN_DB names the database (a SQLite file or a
// postgres:// DSN, migrated); DING_PLAN_RUNS sets the timed runs per case (default 5),
// DING_PLAN_ONLY one case ("province/red"), and DING_PLAN_AB=1 also times the queries of
// before 0015 in turn with FindProjects:
//
//	ding gen --data /tmp/gen --projects 20000 && ding warn recompute --data /tmp/gen --date 2024-12-20
//	DING_PLAN_DB=/tmp/gen/ding.db DING_PLAN_AB=1 go test ./store -run TestProjectListPlans -v
func TestProjectListPlans(t *testing.T) {
	dsn := os.Getenv("DING_PLAN_DB")
	if dsn == "" {
		t.Skip("DING_PLAN_DB names a generated database to explain the project list on")
	}
	runs := 5
	if n, err := strconv.Atoi(os.Getenv("DING_PLAN_RUNS")); err == nil && n > 0 {
		runs = n
	}
	ctx := context.Background()
	db, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Optimize(ctx); err != nil { // as ding serve does when it starts
		t.Fatal(err)
	}
	r := db.reader()
	var root, city, district, liaison int64
	for _, x := range []struct {
		dst *int64
		q   string
	}{
		{&root, `SELECT id FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1`},
		{&city, `SELECT id FROM units WHERE depth = 1 ORDER BY id LIMIT 1`},
		{&district, `SELECT id FROM units WHERE depth = 2 ORDER BY id LIMIT 1`},
		{&liaison, `SELECT unit_id FROM project_units pu JOIN units u ON u.id = pu.unit_id WHERE u.depth = 3
			GROUP BY unit_id ORDER BY COUNT(*) DESC, unit_id LIMIT 1`},
	} {
		if err := r.queryRow(ctx, x.q).Scan(x.dst); err != nil {
			t.Fatal(err)
		}
	}
	actors := []struct {
		name string
		a    *ding.Actor
	}{
		{"admin", &ding.Actor{UserID: 999_998, UnitID: root, Role: ding.RoleAdmin, Scope: ding.ScopeAll}},
		{"province", &ding.Actor{UserID: 999_999, UnitID: root, Role: ding.RoleOffice, Scope: ding.ScopeUnitTree}},
		{"city", &ding.Actor{UserID: 999_999, UnitID: city, Role: ding.RoleOffice, Scope: ding.ScopeUnitTree}},
		{"district", &ding.Actor{UserID: 999_999, UnitID: district, Role: ding.RoleOffice, Scope: ding.ScopeUnitTree}},
		{"liaison", &ding.Actor{UserID: 999_999, UnitID: liaison, Role: ding.RoleLiaison, Scope: ding.ScopeUnit}},
	}
	filters := []struct {
		name string
		f    ding.ProjectFilter
	}{
		{"none", ding.ProjectFilter{Year: 2024, Limit: 50}},
		{"started", listFilter},
		{"ytd-p2", ding.ProjectFilter{Year: 2024, Sort: "completed_ytd", Desc: true, Limit: 50, Offset: 50}},
		{"signed", ding.ProjectFilter{Year: 2024, Stages: []ding.Stage{ding.StageSigned}, Sort: "total_investment", Desc: true, Limit: 50}},
		{"red", ding.ProjectFilter{Year: 2024, Colour: "red", Limit: 50}},
	}
	only := os.Getenv("DING_PLAN_ONLY") // "province/red": one case
	explain := "EXPLAIN QUERY PLAN "
	if db.dialect == Postgres {
		explain = "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) "
	}
	var table, ab strings.Builder
	ab.WriteString("scope      filter           before        after\n")
	fmt.Fprintf(&table, "%-10s", "")
	for _, f := range filters {
		fmt.Fprintf(&table, "%12s", f.name)
	}
	table.WriteString("\n")
	for _, ac := range actors {
		fmt.Fprintf(&table, "%-10s", ac.name)
		for _, fc := range filters {
			if only != "" && only != ac.name+"/"+fc.name {
				continue
			}
			actx := ding.WithActor(ctx, ac.a)
			la, err := listActor(actx, r, ac.a, fc.f)
			if err != nil {
				t.Fatal(err)
			}
			tq := projectTotalsQuery(db.dialect, la, fc.f, 2024)
			var lt listTotals
			if err := r.queryRow(ctx, tq.sql, tq.args...).Scan(&lt.Count, &lt.TotalInvestment, &lt.PlanYear, &lt.CompletedYTD, &lt.positive); err != nil {
				t.Fatal(err)
			}
			pq := projectPageQuery(db.dialect, la, fc.f, 2024, lt)
			var out strings.Builder
			fmt.Fprintf(&out, "== %s / %s\n", ac.name, fc.name)
			for _, x := range []struct {
				sql  string
				args []any
			}{{tq.sql, tq.args}, {pq.sql, pq.args}} {
				rows, err := r.query(ctx, explain+x.sql, x.args...)
				if err != nil {
					t.Fatalf("%s: %v", x.sql, err)
				}
				cols, _ := rows.Columns()
				for rows.Next() {
					vals := make([]any, len(cols))
					ptrs := make([]any, len(cols))
					for i := range vals {
						ptrs[i] = &vals[i]
					}
					if err := rows.Scan(ptrs...); err != nil {
						t.Fatal(err)
					}
					fmt.Fprintf(&out, "   %v\n", vals[len(vals)-1])
				}
				rows.Close()
				out.WriteString("   --\n")
			}
			// Each SELECT alone, then the whole FindProjects.
			for i, x := range []struct {
				sql  string
				args []any
			}{{tq.sql, tq.args}, {pq.sql, pq.args}} {
				var ds []time.Duration
				for range runs {
					t0 := time.Now()
					if _, err := drain(r.query(ctx, x.sql, x.args...)); err != nil {
						t.Fatal(err)
					}
					ds = append(ds, time.Since(t0))
				}
				slices.Sort(ds)
				fmt.Fprintf(&out, "   %s: median %s\n", []string{"totals", "page"}[i], ds[len(ds)/2].Round(10*time.Microsecond))
			}
			if os.Getenv("DING_PLAN_AB") != "" {
				// The queries of the list before 0015 (HEAD of 2026-11), run in turn with FindProjects.
				old := oldProjectQueries(ac.a, fc.f, 2024)
				var dOld, dNew []time.Duration
				for range runs {
					t0 := time.Now()
					for _, q := range old {
						if _, err := drain(r.query(ctx, q.sql, q.args...)); err != nil {
							t.Fatal(err)
						}
					}
					dOld = append(dOld, time.Since(t0))
					t0 = time.Now()
					if _, _, err := db.FindProjects(actx, fc.f); err != nil {
						t.Fatal(err)
					}
					dNew = append(dNew, time.Since(t0))
				}
				slices.Sort(dOld)
				slices.Sort(dNew)
				fmt.Fprintf(&ab, "%-10s %-10s %12s %12s\n", ac.name, fc.name, dOld[len(dOld)/2].Round(10*time.Microsecond), dNew[len(dNew)/2].Round(10*time.Microsecond))
			}
			var ds []time.Duration
			var tot ding.ProjectTotals
			for range runs {
				t0 := time.Now()
				_, tt, err := db.FindProjects(actx, fc.f)
				if err != nil {
					t.Fatal(err)
				}
				ds = append(ds, time.Since(t0))
				tot = tt
			}
			slices.Sort(ds)
			fmt.Fprintf(&out, "   %d projects, median %s\n", tot.Count, ds[len(ds)/2].Round(10*time.Microsecond))
			fmt.Fprintf(&table, "%12s", ds[len(ds)/2].Round(10*time.Microsecond))
			t.Log(out.String())
		}
		table.WriteString("\n")
	}
	t.Log("\n" + table.String())
	if ab.Len() > 0 {
		t.Log("\n" + ab.String())
	}
}

// oldProjectQueries are the SELECTs FindProjects ran before 0015 for the cases above (their
// filters only: stages and colour): the totals (two sums for the whole province), then the
// page. The colour's subquery now reads project_colours_shown, which replaced the index it read.
func oldProjectQueries(a *ding.Actor, f ding.ProjectFilter, year int) []projectQuery {
	var w where
	cond, args := projectScope(a, false)
	w.add(cond, args...)
	if len(f.Stages) > 0 {
		ph := strings.TrimSuffix(strings.Repeat("?, ", len(f.Stages)), ", ")
		var sa []any
		for _, st := range f.Stages {
			sa = append(sa, string(st))
		}
		w.add("p.stage IN ("+ph+")", sa...)
	}
	if f.Colour != "" {
		w.add("p.id IN (SELECT project_id FROM project_colours WHERE colour = ? AND exempt = ?)", f.Colour, false)
	}
	var out []projectQuery
	if w.String() == " WHERE 1=1" {
		out = append(out, projectQuery{`SELECT COUNT(*), COALESCE(SUM(total_investment), 0) FROM projects`, nil},
			projectQuery{`SELECT COALESCE(SUM(plan_total), 0), COALESCE(SUM(completed), 0) FROM project_years WHERE year = ?`, []any{year}})
	} else {
		out = append(out, projectQuery{`SELECT COUNT(*), COALESCE(SUM(p.total_investment), 0), COALESCE(SUM(y.plan_total), 0), COALESCE(SUM(y.completed), 0)
		FROM projects p LEFT JOIN project_years y ON y.project_id = p.id AND y.year = ?` + w.String(), append([]any{year}, w.args...)})
	}
	order := "p.total_investment DESC, p.id"
	if col, ok := projectSorts[f.Sort]; ok {
		dir := " ASC"
		if f.Desc {
			dir = " DESC"
		}
		order = col + dir + ", p.id"
	}
	var joins string
	var pageArgs []any
	if strings.Contains(order, "y.") {
		joins += " LEFT JOIN project_years y ON y.project_id = p.id AND y.year = ?"
		pageArgs = append(pageArgs, year)
	}
	pageArgs = append(append(pageArgs, w.args...), year)
	return append(out, projectQuery{`SELECT ` + projectCols + ` FROM (SELECT p.id FROM projects p` + joins + w.String() + ` ORDER BY ` + order + page(f.Limit, f.Offset) + `) k
	JOIN projects p ON p.id = k.id
	JOIN units u ON u.id = p.unit_id
	LEFT JOIN units l ON l.id = p.location_id
	LEFT JOIN users ld ON ld.id = p.leader_id
	LEFT JOIN project_years y ON y.project_id = p.id AND y.year = ? ORDER BY ` + order, pageArgs})
}

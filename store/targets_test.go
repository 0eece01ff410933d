package store_test

import (
	"strings"
	"testing"

	"ding"
	"ding/store"
	"ding/store/storetest"
)

func i64(v int64) *int64 { return &v }

func mkIndicator(t *testing.T, db *store.DB, f *projFixture, ind *ding.Indicator) *ding.Indicator {
	t.Helper()
	if err := db.CreateIndicator(userCtx(f.office), ind); err != nil {
		t.Fatalf("indicator %s: %v", ind.Code, err)
	}
	return ind
}

func setValues(t *testing.T, db *store.DB, u *ding.User, ws ...store.ValueWrite) {
	t.Helper()
	n, errs, err := db.SetValues(userCtx(u), ws, "form", true)
	if err != nil || len(errs) > 0 {
		t.Fatalf("set values: %v %+v", err, errs)
	}
	if n == 0 {
		t.Fatalf("set values: nothing changed")
	}
}

func errKey(errs []store.ValueError, i int) string {
	for _, e := range errs {
		if e.Index == i {
			return e.Field + ":" + ding.AsError(e.Err).Key
		}
	}
	return ""
}

// TestIndicatorValues: who may enter what, the refusals the issue lists, revisions, and
// the figures with ranks among peers cut to the caller's scope.
func TestIndicatorValues(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := mkProjects(t, db) // now 2024-06-20
		office, liA := userCtx(f.office), userCtx(f.liA)
		if err := db.CreateIndicator(liA, &ding.Indicator{Code: "gdp", Name: "地区生产总值", Measure: "亿元"}); ding.ErrorCode(err) != ding.EFORBIDDEN {
			t.Fatalf("liaison defines an indicator: %v", err)
		}
		gdp := mkIndicator(t, db, f, &ding.Indicator{Code: "gdp", Name: "地区生产总值", Measure: "亿元", HigherBetter: true})
		if err := db.CreateIndicator(office, &ding.Indicator{Code: "GDP", Name: "重复", Measure: "亿元"}); ding.AsError(err).Key != "target.code_taken" {
			t.Fatalf("duplicate code: %v", err)
		}
		if err := db.CreateIndicator(office, &ding.Indicator{Code: "x", Name: "x", Measure: "亿元", Source: ding.SourceComputed}); ding.AsError(err).Field != "compute" {
			t.Fatalf("computed without a key: %v", err)
		}
		signed := mkIndicator(t, db, f, &ding.Indicator{Code: "signed", Name: "签约亿元以上项目", Source: ding.SourceComputed, Compute: ding.ComputeSigned1,
			HigherBetter: true, RankBy: ding.RankByValue})
		if signed.Measure != "个" {
			t.Fatalf("computed measure %q", signed.Measure)
		}
		yi := ding.Yi
		setValues(t, db, f.office,
			store.ValueWrite{IndicatorID: gdp.ID, UnitID: f.townA.ID, Year: 2024, Value: i64(100 * yi)},
			store.ValueWrite{IndicatorID: gdp.ID, UnitID: f.townB.ID, Year: 2024, Value: i64(80 * yi)},
			store.ValueWrite{IndicatorID: gdp.ID, UnitID: f.townA.ID, Year: 2023, Month: 6, Value: i64(50 * yi)},
			store.ValueWrite{IndicatorID: gdp.ID, UnitID: f.townB.ID, Year: 2023, Month: 6, Value: i64(40 * yi)},
			store.ValueWrite{IndicatorID: gdp.ID, UnitID: f.townB.ID, Year: 2024, Month: 6, Value: i64(50 * yi)},
			store.ValueWrite{IndicatorID: signed.ID, UnitID: f.townA.ID, Year: 2024, Value: i64(3)},
		)
		// The refusals, all in one batch: nothing of it is written.
		before, _ := db.FindActuals(office, store.ValueFilter{IndicatorID: gdp.ID, Year: 2024})
		_, errs, err := db.SetValues(liA, []store.ValueWrite{
			{IndicatorID: gdp.ID, UnitID: f.townA.ID, Year: 2024, Month: 6, Value: i64(55 * yi)}, // fine
			{IndicatorID: gdp.ID, UnitID: f.townB.ID, Year: 2024, Month: 6, Value: i64(1)},       // not A's
			{IndicatorID: gdp.ID, UnitID: f.townA.ID, Year: 2024, Month: 7, Value: i64(1)},       // the future
			{IndicatorID: gdp.ID, UnitID: f.townA.ID, Year: 2024, Value: i64(1)},                 // a target
			{IndicatorID: signed.ID, UnitID: f.townA.ID, Year: 2024, Month: 5, Value: i64(1)},    // computed
			{IndicatorID: gdp.ID, UnitID: f.townA.ID, Year: 2024, Month: 6, Value: i64(2)},       // twice
			{IndicatorID: 9999, UnitID: f.townA.ID, Year: 2024, Month: 6, Value: i64(2)},
		}, "import", true)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"", "unit:target.unit_out_of_scope", "month:target.month_future", "month:target.target_office_only",
			"indicator:target.computed_no_entry", "unit:target.row_twice", "indicator:target.indicator_not_found"}
		for i, w := range want {
			if got := errKey(errs, i); got != w {
				t.Errorf("row %d: %q, want %q", i, got, w)
			}
		}
		after, _ := db.FindActuals(office, store.ValueFilter{IndicatorID: gdp.ID, Year: 2024})
		if len(after) != len(before) {
			t.Fatalf("a refused batch wrote %d → %d actuals", len(before), len(after))
		}
		if _, errs, _ := db.SetValues(office, []store.ValueWrite{{IndicatorID: gdp.ID, UnitID: f.townA.ID, Year: 2025, Value: i64(0)}}, "form", true); errKey(errs, 0) != "value:target.target_zero" {
			t.Fatalf("zero target: %+v", errs)
		}
		// A liaison enters its own actual, then revises it: both revisions are kept.
		setValues(t, db, f.liA, store.ValueWrite{IndicatorID: gdp.ID, UnitID: f.townA.ID, Year: 2024, Month: 6, Value: i64(55 * yi)})
		setValues(t, db, f.liA, store.ValueWrite{IndicatorID: gdp.ID, UnitID: f.townA.ID, Year: 2024, Month: 6, Value: i64(60 * yi), Note: "统计局修订"})
		revs, err := db.FindRevisions(liA, gdp.ID, f.townA.ID, 2024)
		if err != nil || len(revs) != 3 || *revs[0].Old != 55*yi || *revs[0].New != 60*yi || revs[0].Note != "统计局修订" || revs[1].Old != nil {
			t.Fatalf("revisions %+v %v", revs, err)
		}
		// Figures at June: A 60/100 = 60% (+10 pp over 时序 50%), growth +20%; B 50/80 =
		// 62.5%, growth +25% → B first by growth, A second. A's liaison sees only A.
		fs, err := db.IndicatorFigures(office, gdp.ID, 2024, 6, store.FigureFilter{})
		if err != nil || len(fs) != 2 {
			t.Fatalf("figures %+v %v", fs, err)
		}
		a, b := fs[0], fs[1]
		if a.UnitID != f.townA.ID || a.Completion.Pct() != "60.0%" || a.Gap.PP() != "+10.0" || a.Growth.Pct() != "20.0%" || a.Rank != 2 || a.Peers != 2 {
			t.Fatalf("A: %+v", a)
		}
		if b.Rank != 1 || b.Completion.Pct() != "62.5%" || b.Gap.PP() != "+12.5" {
			t.Fatalf("B: %+v", b)
		}
		mine, _ := db.IndicatorFigures(liA, gdp.ID, 2024, 6, store.FigureFilter{})
		if len(mine) != 1 || mine[0].UnitID != f.townA.ID || mine[0].Rank != 2 {
			t.Fatalf("liaison's figures %+v", mine)
		}
		// Computed: town A's project signed 2024-01-10 with 12亿.
		if n, err := db.RefreshComputed(office, 2024, 6); err != nil || n != 6 {
			t.Fatalf("refresh: %d %v", n, err)
		}
		sf, _ := db.IndicatorFigures(office, signed.ID, 2024, 6, store.FigureFilter{})
		if len(sf) != 1 || sf[0].Actual != 1 || sf[0].Completion.Pct() != "33.3%" {
			t.Fatalf("signed figures %+v", sf)
		}
		if n, _ := db.RefreshComputed(office, 2024, 6); n != 0 {
			t.Fatalf("second refresh changed %d", n)
		}
	})
}

// TestSchemeLockAndFlags: a scheme refuses bad weights, scores a period only once it is
// over, locks the figures it read, gives the same result when read again, and keeps the
// flags and honours.
func TestSchemeLockAndFlags(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := mkProjects(t, db)
		office := userCtx(f.office)
		gdp := mkIndicator(t, db, f, &ding.Indicator{Code: "gdp", Name: "地区生产总值", Measure: "亿元", HigherBetter: true})
		inv := mkIndicator(t, db, f, &ding.Indicator{Code: "inv", Name: "固定资产投资", Measure: "亿元", HigherBetter: true})
		yi := ding.Yi
		var ws []store.ValueWrite
		for q, m := range []int{3, 6} {
			ws = append(ws,
				store.ValueWrite{IndicatorID: gdp.ID, UnitID: f.townA.ID, Year: 2023, Month: m, Value: i64(int64(10*(q+1)) * yi)},
				store.ValueWrite{IndicatorID: gdp.ID, UnitID: f.townB.ID, Year: 2023, Month: m, Value: i64(int64(10*(q+1)) * yi)},
				store.ValueWrite{IndicatorID: gdp.ID, UnitID: f.townA.ID, Year: 2024, Month: m, Value: i64(int64(12*(q+1)) * yi)}, // +20%
				store.ValueWrite{IndicatorID: gdp.ID, UnitID: f.townB.ID, Year: 2024, Month: m, Value: i64(int64(11*(q+1)) * yi)}, // +10%
				store.ValueWrite{IndicatorID: inv.ID, UnitID: f.townA.ID, Year: 2024, Month: m, Value: i64(int64(5*(q+1)) * yi)},
				store.ValueWrite{IndicatorID: inv.ID, UnitID: f.townB.ID, Year: 2024, Month: m, Value: i64(int64(6*(q+1)) * yi)},
			)
		}
		ws = append(ws, store.ValueWrite{IndicatorID: inv.ID, UnitID: f.townA.ID, Year: 2024, Value: i64(20 * yi)},
			store.ValueWrite{IndicatorID: inv.ID, UnitID: f.townB.ID, Year: 2024, Value: i64(30 * yi)})
		setValues(t, db, f.office, ws...)
		s := &ding.Scheme{Name: "乡镇季比拼", OrganizerID: f.district.ID, Period: ding.SchemeQuarterly, FlagCount: 1, Public: true,
			Items: []ding.SchemeItem{
				{IndicatorID: gdp.ID, Basis: ding.BasisGrowth, Method: ding.MethodRank, Weight: 6000},
				{IndicatorID: inv.ID, Basis: ding.BasisCompletion, Method: ding.MethodTargetProp, Weight: 3500},
			},
			Participants: []ding.Participant{{UnitID: f.townA.ID}, {UnitID: f.townB.ID}}}
		if err := db.CreateScheme(office, s); ding.AsError(err).Key != "scheme.weights_sum" || !strings.Contains(ding.AsError(err).Error(), "95") {
			t.Fatalf("weights adding to 95: %v", err)
		}
		s.Items[1].Weight = 4000
		s.Items = append(s.Items, ding.SchemeItem{IndicatorID: gdp.ID, Basis: ding.BasisValue, Method: ding.MethodMinMax, Weight: 100})
		s.TotalPoints = 10100
		if err := db.CreateScheme(office, s); ding.AsError(err).Key != "scheme.indicator_twice" {
			t.Fatalf("indicator twice: %v", err)
		}
		s.Items, s.TotalPoints = s.Items[:2], 0
		if err := db.CreateScheme(userCtx(f.liA), s); ding.ErrorCode(err) != ding.EFORBIDDEN {
			t.Fatalf("liaison creates a scheme: %v", err)
		}
		if err := db.CreateScheme(office, s); err != nil {
			t.Fatal(err)
		}
		// Q2 is not over on 06-20.
		if _, err := db.LockCut(office, s.ID, "2024-Q2"); ding.AsError(err).Key != "scheme.period_not_over" {
			t.Fatalf("lock before the end: %v", err)
		}
		setNow(db, day(2024, 7, 5))
		q1, err := db.LockCut(office, s.ID, "2024-Q1")
		if err != nil {
			t.Fatal(err)
		}
		// Q1: A first on growth (60), B second (57); completion A 5/20 → 10, B 6/30 → 8.
		if len(q1.Scores) != 2 || q1.Scores[0].UnitID != f.townA.ID || q1.Scores[0].Total != 6000+1000 || q1.Scores[1].Total != 5700+800 || !q1.Scores[0].Flag {
			t.Fatalf("Q1 scores %+v %+v", q1.Scores[0], q1.Scores[1])
		}
		// A penalty for B in Q2, then lock: the Q1 figures read are locked.
		if err := db.AddAdjustment(office, &ding.Adjustment{SchemeID: s.ID, Period: ding.SchemePeriod{Kind: ding.SchemeQuarterly, Year: 2024, N: 1},
			UnitID: f.townB.ID, Kind: ding.AdjustPenalty, Points: 500, Reason: "x", Evidence: "y"}); ding.AsError(err).Key != "scheme.period_locked" {
			t.Fatalf("adjust a locked period: %v", err)
		}
		q2p := ding.SchemePeriod{Kind: ding.SchemeQuarterly, Year: 2024, N: 2}
		if err := db.AddAdjustment(office, &ding.Adjustment{SchemeID: s.ID, Period: q2p, UnitID: f.townA.ID, Kind: ding.AdjustPenalty, Points: 500,
			Reason: "被市里通报批评", Evidence: "衢市办〔2024〕12号"}); err != nil {
			t.Fatal(err)
		}
		_, errs, err := db.SetValues(office, []store.ValueWrite{{IndicatorID: gdp.ID, UnitID: f.townA.ID, Year: 2024, Month: 3, Value: i64(1)}}, "form", true)
		if err != nil || errKey(errs, 0) != "value:target.locked" {
			t.Fatalf("edit a locked figure: %+v %v", errs, err)
		}
		q2, err := db.LockCut(office, s.ID, "2024-Q2")
		if err != nil {
			t.Fatal(err)
		}
		// Q2: A 60 + 10/20 → 20, −5 = 75; B 57 + 12/30 → 16 = 73.
		if q2.Scores[0].Total != 7500 || q2.Scores[1].Total != 7300 || q2.Scores[0].PrevRank != 1 {
			t.Fatalf("Q2 scores %+v %+v", q2.Scores[0], q2.Scores[1])
		}
		if _, err := db.LockCut(office, s.ID, "2024-Q2"); ding.AsError(err).Key != "scheme.already_locked" {
			t.Fatalf("lock twice: %v", err)
		}
		// Read again (after the live data changed via unlock of Q1 only): Q2 is the same.
		if err := db.UnlockCut(office, s.ID, "2024-Q1", ""); ding.AsError(err).Key != "scheme.unlock_reason" {
			t.Fatalf("unlock without reason: %v", err)
		}
		if err := db.UnlockCut(office, s.ID, "2024-Q1", "统计局修订一季度数据"); err != nil {
			t.Fatal(err)
		}
		setValues(t, db, f.office, store.ValueWrite{IndicatorID: gdp.ID, UnitID: f.townA.ID, Year: 2024, Month: 3, Value: i64(1 * yi)})
		again, err := db.FindCut(office, s.ID, "2024-Q2")
		if err != nil || again.Scores[0].Total != 7500 || again.Scores[1].Total != 7300 {
			t.Fatalf("Q2 read again %+v %v", again, err)
		}
		h, err := db.Flags(office, s.ID)
		if err != nil || len(h.Awards) != 1 || h.Awards[0].Period.String() != "2024-Q2" || len(h.Current) != 1 || h.Current[0].UnitID != f.townA.ID {
			t.Fatalf("flags %+v %v", h, err)
		}
		pub, err := db.PublicHonours(office)
		if err != nil || len(pub) != 1 || len(pub[0].Awards) != 1 {
			t.Fatalf("public honours %+v %v", pub, err)
		}
		// A liaison of a town sees the scheme (its organizer is above it) but cannot lock.
		if _, err := db.FindScheme(userCtx(f.liA), s.ID); err != nil {
			t.Fatalf("participant reads the scheme: %v", err)
		}
		if _, err := db.LockCut(userCtx(f.liA), s.ID, "2024-Q1"); ding.ErrorCode(err) != ding.EFORBIDDEN {
			t.Fatalf("liaison locks: %v", err)
		}
	})
}

// TestContestFlow: entries while open, marks only by judges while judging, a ranking by
// average, and a winner moved into the registry.
func TestContestFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := mkProjects(t, db)
		office, liA, liB := userCtx(f.office), userCtx(f.liA), userCtx(f.liB)
		c := &ding.Contest{Name: "2024年项目谋划擂台赛", OrganizerID: f.district.ID, Deadline: day(2024, 6, 30), Winners: 1,
			Criteria: []ding.Criterion{{Name: "投资规模", Weight: 4000}, {Name: "产业契合度", Weight: 3000}, {Name: "成熟度", Weight: 2000}},
			JudgeIDs: []int64{f.leader.ID, f.office.ID}}
		if err := db.CreateContest(office, c); ding.AsError(err).Key != "scheme.weights_sum" {
			t.Fatalf("criteria adding to 90: %v", err)
		}
		c.Criteria[2].Weight = 3000
		if err := db.CreateContest(office, c); err != nil {
			t.Fatal(err)
		}
		ea := &ding.ContestEntry{ContestID: c.ID, UnitID: f.townA.ID, Name: "特种纸产业园", Investment: 20 * ding.Yi, Industry: "C", Content: "年产 30 万吨特种纸"}
		eb := &ding.ContestEntry{ContestID: c.ID, UnitID: f.townB.ID, Name: "氟硅新材料", Investment: 15 * ding.Yi, Industry: "C", Content: "有机硅单体"}
		if err := db.SubmitEntry(liA, eb); ding.AsError(err).Field != "unit_id" {
			t.Fatalf("A submits for B: %v", err)
		}
		if err := db.SubmitEntry(liA, ea); err != nil {
			t.Fatal(err)
		}
		if err := db.SubmitEntry(liB, eb); err != nil {
			t.Fatal(err)
		}
		marks := &ding.JudgeScore{EntryID: ea.ID, Marks: []int64{4000, 2500, 2000}}
		if err := db.ScoreEntry(userCtx(f.leader), c.ID, marks); ding.AsError(err).Key != "contest.not_judging" {
			t.Fatalf("score while open: %v", err)
		}
		if _, err := db.SetContestStatus(office, c.ID, ding.ContestClosed, 0); ding.ErrorCode(err) != ding.ECONFLICT {
			t.Fatalf("open → closed: %v", err)
		}
		if _, err := db.SetContestStatus(office, c.ID, ding.ContestJudging, 0); err != nil {
			t.Fatal(err)
		}
		if err := db.ScoreEntry(liA, c.ID, marks); ding.ErrorCode(err) != ding.EFORBIDDEN {
			t.Fatalf("a non-judge scores: %v", err)
		}
		if err := db.ScoreEntry(userCtx(f.leader), c.ID, &ding.JudgeScore{EntryID: ea.ID, Marks: []int64{4001, 0, 0}}); ding.AsError(err).Field != "marks" {
			t.Fatalf("mark above the criterion: %v", err)
		}
		for _, s := range []struct {
			u     *ding.User
			entry int64
			marks []int64
		}{
			{f.leader, ea.ID, []int64{4000, 2500, 2000}}, {f.office, ea.ID, []int64{3500, 2500, 2500}},
			{f.leader, eb.ID, []int64{3000, 3000, 2000}}, {f.office, eb.ID, []int64{3000, 2000, 2000}},
		} {
			if err := db.ScoreEntry(userCtx(s.u), c.ID, &ding.JudgeScore{EntryID: s.entry, Marks: s.marks}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.PromoteEntry(office, c.ID, ea.ID, ""); ding.AsError(err).Key != "contest.not_closed" {
			t.Fatalf("promote before closing: %v", err)
		}
		if _, err := db.SetContestStatus(office, c.ID, ding.ContestClosed, 0); err != nil {
			t.Fatal(err)
		}
		es, err := db.FindEntries(liB, c.ID)
		if err != nil || len(es) != 2 || es[0].ID != ea.ID || es[0].Score != 8500 || es[1].Score != 7500 || !es[0].Winner || es[1].Winner {
			t.Fatalf("entries %+v %+v %v", es[0], es[1], err)
		}
		if _, err := db.PromoteEntry(office, c.ID, eb.ID, ""); ding.AsError(err).Key != "contest.not_winner" {
			t.Fatalf("promote a loser: %v", err)
		}
		p, err := db.PromoteEntry(office, c.ID, ea.ID, "")
		if err != nil || p.Stage != ding.StagePlanning || p.UnitID != f.townA.ID || p.TotalInvestment != 20*ding.Yi || !ding.ValidProjectCode(p.Code) {
			t.Fatalf("promoted %+v %v", p, err)
		}
		if _, err := db.PromoteEntry(office, c.ID, ea.ID, ""); ding.AsError(err).Key != "contest.promoted" {
			t.Fatalf("promote twice: %v", err)
		}
	})
}

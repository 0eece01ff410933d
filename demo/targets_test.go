package demo_test

import (
	"fmt"
	"slices"
	"testing"

	"ding"
	"ding/demo"
	"ding/score"
	"ding/store"
)

// checkTargets: the demo's indicators, the city's 流动红旗 and the district's 季比拼 scored
// from them, and the 擂台赛 — the article's figures read back through the store.
func checkTargets(t *testing.T, db *store.DB, res *demo.Result) {
	ctx := sys()
	shi := as(user(t, db, "shi"))
	byName := map[string]*ding.Unit{}
	for _, u := range allUnits(t, db) {
		byName[u.Name] = u
	}
	city, qj := byName["衢州市"], byName["衢江区"]
	inds, err := db.FindIndicators(ctx, store.IndicatorFilter{})
	if err != nil {
		t.Fatal(err)
	}
	ind := map[string]*ding.Indicator{}
	for _, i := range inds {
		ind[i.Code] = i
	}
	for _, code := range []string{"gdp", "industry_va", "fai", "fai_manufacturing", "fai_high_tech", "fai_private", "port_tonnes",
		"new_entities", "new_sole_traders", "youth", "skilled"} {
		if i := ind[code]; i == nil || i.Source != ding.SourceImported || i.Accumulation != ding.Cumulative {
			t.Fatalf("indicator %s: %+v", code, i)
		}
	}

	// fig is 衢江区's figure on an indicator at a month, as the city's office sees it.
	fig := func(code string, year, month int) *ding.Figure {
		t.Helper()
		fs, err := db.IndicatorFigures(shi, ind[code].ID, year, month, store.FigureFilter{ParentID: city.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			if f.UnitID == qj.ID {
				return f
			}
		}
		t.Fatalf("%s %d-%02d: no figure for 衢江区 among %d", code, year, month, len(fs))
		return nil
	}
	check := func(code string, year, month int, value, growth string, rank int) {
		t.Helper()
		f := fig(code, year, month)
		m := ind[code].M()
		if got := m.Format(f.Actual); value != "" && got != value {
			t.Errorf("%s %d-%02d: 衢江区 %s, want %s", code, year, month, got, value)
		}
		if got := f.Growth.Pct(); growth != "" && got != growth {
			t.Errorf("%s %d-%02d: 衢江区 grew %s, want %s (%s over %s)", code, year, month, got, growth, m.Format(f.Actual), m.Format(f.LastYear))
		}
		if rank != 0 && (f.Rank != rank || f.Peers < 2) {
			t.Errorf("%s %d-%02d: 衢江区 ranks %d of %d, want %d", code, year, month, f.Rank, f.Peers, rank)
		}
	}
	// The article: GDP 327.72亿 +12.7% (first), +10.1% in Q1, +14.1% in Q1–Q3;
	// 规上工业增加值 +38%; the port 381万吨 +66.7%; 3,810 market entities, 7,802 sole
	// traders, ~7,000 young graduates, 1,798 high-skilled workers.
	check("gdp", 2023, 12, "327.72", "12.7%", 1)
	if f := fig("gdp", 2023, 12); ind["gdp"].M().Format(f.LastYear) != "290.79" || f.Peers != 6 {
		t.Errorf("gdp 2022: %s among %d", ind["gdp"].M().Format(f.LastYear), f.Peers)
	}
	check("gdp", 2023, 3, "", "10.1%", 1)
	check("gdp", 2023, 9, "", "14.1%", 1)
	check("industry_va", 2023, 12, "", "38.0%", 1)
	check("port_tonnes", 2023, 12, "381.00", "66.7%", 1)
	check("new_entities", 2023, 12, "3810", "", 0)
	check("new_sole_traders", 2023, 12, "7802", "", 0)
	check("youth", 2023, 12, "6980", "", 0)
	check("skilled", 2023, 12, "1798", "", 0)
	if f := fig("port_tonnes", 2024, 12); !f.HasTarget || f.Target != 4_000_000 || f.Actual < f.Target {
		t.Errorf("port 2024: %d tonnes of a %d target", f.Actual, f.Target)
	}
	// The three investment growths are the registry's own, and first in the city.
	yes := true
	for _, c := range []struct {
		code, want string
		f          ding.ProjectFilter
	}{
		{"fai_manufacturing", "66.6%", ding.ProjectFilter{Manufacturing: &yes}},
		{"fai_high_tech", "85.6%", ding.ProjectFilter{HighTech: &yes}},
		{"fai_private", "57.0%", ding.ProjectFilter{Private: &yes}},
	} {
		check(c.code, 2023, 12, "", c.want, 1)
		if reg := growth(t, db, c.f) + "%"; reg != c.want {
			t.Errorf("%s: the registry grew %s, the statistics %s", c.code, reg, c.want)
		}
	}
	// Every district has every month of 2022–2024, the quarters of 2021, and its targets.
	for _, code := range []string{"gdp", "fai", "youth"} {
		for _, y := range []int{2021, 2022, 2023, 2024} {
			acts, err := db.FindActuals(ctx, store.ValueFilter{IndicatorID: ind[code].ID, Year: y, UnitID: city.ID})
			if err != nil {
				t.Fatal(err)
			}
			want := 6 * 12
			if y == 2021 {
				want = 6 * 4
			}
			if len(acts) != want {
				t.Errorf("%s %d: %d actuals, want %d", code, y, len(acts), want)
			}
			for _, a := range acts {
				if a.Source != "import" {
					t.Errorf("%s %d-%02d %s: source %q", code, y, a.Month, a.UnitName, a.Source)
				}
			}
			if y > 2021 {
				ts, err := db.FindTargets(ctx, store.ValueFilter{IndicatorID: ind[code].ID, Year: y, UnitID: city.ID})
				if err != nil || len(ts) != 6 {
					t.Errorf("%s %d: %d targets %v", code, y, len(ts), err)
				}
			}
		}
	}
	if f := fig("gdp", 2024, 12); !f.HasTarget || !f.Completion.OK || f.PrevRank == 0 {
		t.Errorf("gdp 2024-12: %+v", f)
	}

	// The city's 流动红旗: 龙游县 in 2022-Q3, 衢江区 from 2022-Q4 to 2024-Q3.
	schemes, err := db.FindSchemes(shi, store.SchemeFilter{})
	if err != nil {
		t.Fatal(err)
	}
	schemeNamed := func(name string) *ding.Scheme {
		t.Helper()
		for _, s := range schemes {
			if s.Name == name {
				return s
			}
		}
		t.Fatalf("no scheme %s", name)
		return nil
	}
	cs := schemeNamed("衢州市县（市、区）争先创优流动红旗")
	if cs.OrganizerID != city.ID || len(cs.Participants) != 6 || len(cs.Groups()) != 1 || cs.FlagCount != 1 || !cs.Public {
		t.Fatalf("city scheme %+v", cs)
	}
	h, err := db.Flags(shi, cs.ID)
	if err != nil {
		t.Fatal(err)
	}
	holders := map[string][]string{}
	var table string
	for _, a := range h.Awards {
		holders[a.Period.String()] = append(holders[a.Period.String()], a.UnitName)
		table += fmt.Sprintf("%s %s %s; ", a.Period, a.UnitName, ding.Points(a.Total))
	}
	if len(h.Periods) != 9 || len(h.Awards) != 9 {
		t.Fatalf("%d locked periods, %d flags: %s", len(h.Periods), len(h.Awards), table)
	}
	if hs := holders["2022-Q3"]; len(hs) != 1 || hs[0] == "衢江区" {
		t.Errorf("2022-Q3 held by %v, want another district than 衢江区 (%s)", hs, table)
	}
	for _, p := range []string{"2022-Q4", "2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4", "2024-Q1", "2024-Q2", "2024-Q3"} {
		if hs := holders[p]; len(hs) != 1 || hs[0] != "衢江区" {
			t.Errorf("%s held by %v, want 衢江区 (%s)", p, hs, table)
		}
	}
	honours := map[string]bool{}
	for _, x := range h.Honours {
		if x.Year == 2023 && x.UnitID == qj.ID {
			honours[fmt.Sprintf("%s%d", x.Kind, x.N)] = true
		}
	}
	for _, want := range []string{ding.HonourEveryQuarter + "0", ding.HonourYear + "0", ding.HonourStreak + "5"} {
		if !honours[want] {
			t.Errorf("衢江区's 2023 honours %v lack %s", honours, want)
		}
	}
	if len(h.Current) != 1 || h.Current[0].UnitID != qj.ID || h.Current[0].Period.String() != "2024-Q3" || h.Current[0].Streak != 8 {
		t.Errorf("current holder %+v", h.Current)
	}
	// Locked cuts score again to what was kept; the open quarter previews.
	kinds := map[string]int{}
	improved, moved := 0, 0
	for _, pr := range h.Periods {
		c, err := db.FindCut(shi, cs.ID, pr.Period.String())
		if err != nil {
			t.Fatal(err)
		}
		pv, err := db.PreviewCut(shi, cs.ID, pr.Period.String())
		if err != nil {
			t.Fatal(err)
		}
		if !c.Locked || c.LockedBy != "shi" || len(c.Scores) != 6 || len(pv.Scores) != 6 {
			t.Fatalf("%s: cut locked %v by %q, %d scores, preview %d", pr.Period, c.Locked, c.LockedBy, len(c.Scores), len(pv.Scores))
		}
		kept := map[int64]*ding.Score{}
		for _, sc := range pr.Scores {
			kept[sc.UnitID] = sc
		}
		for i, sc := range c.Scores {
			k, p := kept[sc.UnitID], pv.Scores[i]
			if k == nil || k.Total != sc.Total || k.Rank != sc.Rank || k.Flag != sc.Flag || p.UnitID != sc.UnitID || p.Total != sc.Total {
				t.Errorf("%s %s: cut %s rank %d, kept %+v, preview %s %s", pr.Period, sc.UnitName, ding.Points(sc.Total), sc.Rank, k, p.UnitName, ding.Points(p.Total))
			}
			if sc.RankChange() != 0 {
				moved++
			}
			for _, is := range sc.Items {
				if is.Exempt {
					kinds["exempted item"]++
				}
			}
		}
		again := score.Compute(c.Scheme, c.Values, c.Adjustments, nil)
		for i := range again {
			if again[i].UnitID != c.Scores[i].UnitID || again[i].Total != c.Scores[i].Total {
				t.Errorf("%s: scoring the cut again gives %s %s, want %s %s", pr.Period, again[i].UnitName, ding.Points(again[i].Total),
					c.Scores[i].UnitName, ding.Points(c.Scores[i].Total))
			}
		}
		for _, a := range c.Adjustments {
			kinds[a.Kind]++
			if a.Reason == "" || a.Evidence == "" {
				t.Errorf("%s: adjustment %+v", pr.Period, a)
			}
		}
		if score.MostImproved(c.Scores) != nil {
			improved++
		}
		// The cut read the figures the indicator page shows.
		for _, v := range c.Values {
			if v.UnitID != qj.ID || v.ItemID != c.Scheme.Items[0].ID {
				continue
			}
			if f := fig("gdp", pr.Period.Year, pr.Period.EndMonth()); f.Actual != v.Actual || f.LastYear != v.LastYear {
				t.Errorf("%s: the cut read GDP %d over %d, the page shows %d over %d", pr.Period, v.Actual, v.LastYear, f.Actual, f.LastYear)
			}
		}
	}
	if kinds[ding.AdjustBonus] == 0 || kinds[ding.AdjustPenalty] == 0 || kinds[ding.AdjustExempt] == 0 || kinds["exempted item"] == 0 {
		t.Errorf("adjustments by kind: %v", kinds)
	}
	if improved < 3 || moved < 10 {
		t.Errorf("%d periods with a most improved district, %d rank changes", improved, moved)
	}
	if _, err := db.FindCut(shi, cs.ID, "2024-Q4"); ding.ErrorCode(err) != ding.ENOTFOUND {
		t.Errorf("2024-Q4 locked: %v", err)
	}
	if pv, err := db.PreviewCut(shi, cs.ID, "2024-Q4"); err != nil || pv.Locked || len(pv.Scores) != 6 {
		t.Errorf("2024-Q4 preview: %v", err)
	}

	// The district's 季比拼: two groups, a flag in each for 2024-Q3, the computed figures.
	ds := schemeNamed("衢江区乡镇（街道）、部门项目建设季比拼")
	if ds.OrganizerID != qj.ID || len(ds.Groups()) != 2 || len(ds.Items) != 4 || len(ds.Participants) < 8 {
		t.Fatalf("district scheme %+v", ds)
	}
	dh, err := db.Flags(ctx, ds.ID)
	if err != nil {
		t.Fatal(err)
	}
	groups := map[string]int{}
	for _, a := range dh.Current {
		if a.Period.String() == "2024-Q3" {
			groups[a.Group]++
		}
	}
	if len(dh.Periods) != 3 || len(groups) != 2 || groups["乡镇（街道）、园区"] != 1 || groups["部门"] != 1 {
		t.Errorf("district flags: %d periods, 2024-Q3 holders by group %v", len(dh.Periods), groups)
	}
	for _, it := range ds.Items {
		i, err := db.FindIndicator(ctx, it.IndicatorID)
		if err != nil || i.Source != ding.SourceComputed {
			t.Fatalf("item %+v: %+v %v", it, i, err)
		}
	}
	fs, err := db.IndicatorFigures(as(user(t, db, "xmb")), ds.Items[0].IndicatorID, 2024, 12, store.FigureFilter{ParentID: qj.ID})
	if err != nil {
		t.Fatal(err)
	}
	withFigure := 0
	for _, f := range fs {
		if f.HasActual && f.HasTarget && f.Completion.OK && f.Rank > 0 {
			withFigure++
		}
	}
	if withFigure != len(ds.Participants) {
		t.Errorf("%d of %d participants have a December investment figure", withFigure, len(ds.Participants))
	}

	// The 擂台赛: 2024 closed with 3 winners of 8, the top two in the registry as 谋划
	// projects; 2025 open and not judged.
	rounds, err := db.FindContests(ctx, store.ContestFilter{})
	if err != nil || len(rounds) != 2 {
		t.Fatalf("%d rounds: %v", len(rounds), err)
	}
	for _, c := range rounds {
		es, err := db.FindEntries(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		switch c.Name {
		case "2024年衢江区项目谋划擂台赛":
			if c.Status != ding.ContestClosed || c.Winners != 3 || len(c.JudgeIDs) < 3 || len(es) < 6 || c.Deadline.Year != 2024 {
				t.Fatalf("2024 round %+v with %d entries", c, len(es))
			}
			winners, promoted := 0, 0
			for i, e := range es {
				if e.Judged != len(c.JudgeIDs) || e.Rank != i+1 || e.Winner != (i < 3) {
					t.Errorf("entry %s: judged by %d of %d, rank %d, winner %v", e.Name, e.Judged, len(c.JudgeIDs), e.Rank, e.Winner)
				}
				if e.Winner {
					winners++
				}
				if e.ProjectID == 0 {
					if i < 2 {
						t.Errorf("entry %s (rank %d) was not promoted", e.Name, e.Rank)
					}
					continue
				}
				promoted++
				p, err := db.FindProjectByID(ctx, e.ProjectID)
				if err != nil {
					t.Fatal(err)
				}
				if p.Stage != ding.StagePlanning || p.Name != e.Name || p.UnitID != e.UnitID || p.TotalInvestment != e.Investment ||
					!ding.ValidProjectCode(p.Code) || p.LocationID == 0 || p.LeaderID == 0 || p.StageOn.Year != 2024 {
					t.Errorf("promoted %+v", p)
				}
			}
			if winners != 3 || promoted != 2 {
				t.Errorf("%d winners, %d promoted", winners, promoted)
			}
		case "2025年衢江区项目谋划擂台赛":
			if c.Status != ding.ContestOpen || c.Deadline != (ding.Date{Year: 2025, Month: 3, Day: 31}) || len(es) < 2 {
				t.Errorf("2025 round %+v with %d entries", c, len(es))
			}
			for _, e := range es {
				if e.Judged != 0 || e.ProjectID != 0 {
					t.Errorf("2025 entry %+v", e)
				}
			}
		default:
			t.Errorf("round %s", c.Name)
		}
	}
	ps := allProjects(t, db, 2024)
	if !slices.ContainsFunc(ps, func(p *ding.Project) bool {
		return p.Stage == ding.StagePlanning && p.Name == "年产10万吨锂电池电解液及配套新材料项目"
	}) ||
		len(ps) != res.Projects {
		t.Errorf("%d projects, Result says %d", len(ps), res.Projects)
	}

	// The warnings' date is where the replay left it.
	if d, err := db.WarningAsOf(ctx); err != nil || d != (ding.Date{Year: 2024, Month: 12, Day: 31}) {
		t.Errorf("warnings as of %s: %v", d, err)
	}
}

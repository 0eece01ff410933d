package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"ding"
	"ding/store"
)

// The demo's indicators, competitions and 擂台赛 (issue 6), seeded after the warnings'
// replay (so "today", the warnings' as-of date, is 2024-12-31):
//
//   - The city (衢州市) imports the statistics bureau's figures for its six districts —
//     GDP, 规上工业增加值, 固定资产投资 and three of its parts, port throughput, new market
//     entities, sole traders, young graduates, high-skilled workers — as year-to-date
//     figures, monthly from 2022 (quarterly for 2021), with annual targets for 2022–2024.
//     衢江区's figures are the article's; its four investment figures follow the demo's own
//     project registry (what its projects completed, scaled by the share of the district's
//     investment the registry covers), so that they grow exactly as the registry does
//     (+66.6% manufacturing, +85.6% high-tech, +57.0% private in 2023).
//   - The city scores the districts every quarter on nine of them ("衢州市县（市、区）争先创优
//     流动红旗") and locks 2022-Q3 … 2024-Q3, each a few weeks after the quarter, with a bonus,
//     a penalty and a force-majeure exemption entered on the way. Who holds the flag is not
//     typed anywhere: it follows from the figures (龙游县 in 2022-Q3, then 衢江区 eight times
//     in a row: 季季红 and 全年红 in 2023, 连续5次夺旗 by 2023-Q4).
//   - 衢江区 scores its towns, parks and departments on four indicators computed from the
//     registry (investment against the units' 2024 plans, signings, starts, entries into
//     the statistics) and locks 2024-Q1 … Q3.
//   - The 2024 擂台赛: eight planned projects, five judges, three winners, the top two moved
//     into the registry as 谋划 projects; the 2025 round is open with three entries.
//
// Everything is written through the store with the clock on the day it would have
// happened (a month's figures on the 20th of the next, December 2024's on the last day of
// the history; the city's locks on the 25th, Q4's in February), the statistics as the
// system actor (an import), the schemes by the offices that run them (shi, xmb).
//
// Entries of the 2024 round must come before its deadline, which the store checks against
// the warnings' as-of date: the round moves that date back to the day of each entry (and
// of the promotion, whose project code and checks are the day's), and puts it back to the
// end of the history right after. Moving the date only changes the setting; warnings are
// judged by the passes that run on it, and the only ones that run meanwhile judge the two
// promoted projects as they are created, on 2024-06-20; their update in December judges
// them again on the restored date. The board is the replay's: those two raise no warning.

// The six districts of the city, in the order of the org tree.
const (
	dKecheng = iota
	dQujiang
	dChangshan
	dKaihua
	dLongyou
	dJiangshan
	nDistricts
)

var cityDistricts = [nDistricts]string{"柯城区", "衢江区", "常山县", "开化县", "龙游县", "江山市"}

// statFirst is the first year with figures, only the base of 2022's growth.
const (
	statFirst  = 2021
	nStatYears = 4
)

// cityStrength says, for each quarter of 2022–2024 (year, quarter, district), how well a
// district does that quarter: its year-to-date growth on each indicator lies that far up
// the indicator's band for the year (plus a per-indicator jitter). The flags follow from
// it: 龙游县 leads 2022-Q3, 衢江区 every quarter after.
var cityStrength = [3][4][nDistricts]float64{
	{ // 2022
		{0.60, 0.45, 0.30, 0.40, 0.70, 0.50},
		{0.50, 0.50, 0.40, 0.30, 0.75, 0.60},
		{0.60, 0.55, 0.35, 0.30, 0.95, 0.55},
		{0.55, 0.95, 0.40, 0.45, 0.70, 0.60},
	},
	{ // 2023
		{0.50, 1.00, 0.60, 0.35, 0.70, 0.65},
		{0.70, 1.00, 0.45, 0.50, 0.60, 0.55},
		{0.65, 1.00, 0.55, 0.45, 0.50, 0.75},
		{0.60, 1.00, 0.50, 0.55, 0.70, 0.60},
	},
	{ // 2024
		{0.55, 0.90, 0.65, 0.40, 0.75, 0.50},
		{0.75, 0.90, 0.50, 0.30, 0.60, 0.65},
		{0.60, 0.90, 0.45, 0.60, 0.55, 0.70},
		{0.70, 0.85, 0.50, 0.55, 0.65, 0.75},
	},
}

// cityIndicator is an indicator the statistics bureau reports for the districts.
type cityIndicator struct {
	ind   ding.Indicator
	gran  int64       // figures are rounded to this many stored units (0.01亿 is 10⁶ yuan)
	tgran int64       // targets are rounded to this many
	shape [12]float64 // the year's cumulative share at each month's end
	// level is each district's 2023 full-year figure in the measure (亿元, 万吨, 户, 人);
	// 0: the district has none (no port).
	level [nDistricts]float64
	band  [3][2]float64 // year-to-date growth in 2022, 2023, 2024: the worst and the best
	plan  [2]float64    // the growth an annual target asks for: least and most
	// registry, when set, gives 衢江区's figures from 2022 on: the registry's completed
	// investment of the projects it selects, divided by coverage (the registry's share of
	// the district's investment).
	registry func(*ding.Project) bool
	coverage float64
	item     ding.SchemeItem // the city scheme's item on it (Weight 0: not scored)
}

var (
	shapeGDP      = [12]float64{.070, .145, .225, .305, .385, .470, .550, .630, .720, .805, .895, 1}
	shapeIndustry = [12]float64{.075, .140, .230, .310, .395, .480, .560, .640, .730, .815, .905, 1}
	shapeFAI      = [12]float64{.035, .100, .200, .290, .380, .480, .570, .660, .750, .840, .920, 1}
	shapePort     = [12]float64{.075, .145, .230, .310, .395, .480, .565, .650, .735, .820, .910, 1}
	shapeEntities = [12]float64{.060, .120, .220, .310, .400, .490, .570, .650, .740, .830, .920, 1}
	shapeYouth    = [12]float64{.030, .060, .100, .150, .210, .350, .550, .720, .820, .890, .950, 1}
	shapeSkilled  = [12]float64{.040, .080, .150, .220, .300, .420, .500, .580, .700, .800, .900, 1}
)

const (
	yiGran   = 1_000_000  // 0.01亿元
	tonGran  = 100        // 0.01万吨
	yiTarget = 10_000_000 // 0.1亿元: targets are round figures
)

func growthItem(weight int64) ding.SchemeItem {
	return ding.SchemeItem{Basis: ding.BasisGrowth, Method: ding.MethodRank, Weight: weight, Step: 500}
}

// cityIndicators are the city's indicators in their sort order.
func cityIndicators() []*cityIndicator {
	money := func(code, name, note string) ding.Indicator {
		return ding.Indicator{Code: code, Name: name, Measure: "亿元", Accumulation: ding.Cumulative, HigherBetter: true,
			Source: ding.SourceImported, RankBy: ding.RankByGrowth, Note: note}
	}
	count := func(code, name, measure, note string) ding.Indicator {
		return ding.Indicator{Code: code, Name: name, Measure: measure, Accumulation: ding.Cumulative, HigherBetter: true,
			Source: ding.SourceImported, RankBy: ding.RankByGrowth, Note: note}
	}
	all := func(*ding.Project) bool { return true }
	return []*cityIndicator{
		{ind: money("gdp", "地区生产总值", "统计局季度核算，月度为快报估算"), gran: yiGran, tgran: yiTarget, shape: shapeGDP,
			level: [nDistricts]float64{296.41, 327.72, 212.36, 191.27, 352.64, 431.85},
			band:  [3][2]float64{{.015, .055}, {.045, .095}, {.045, .090}}, plan: [2]float64{.065, .085}, item: growthItem(2000)},
		{ind: money("industry_va", "规上工业增加值", "规模以上工业企业"), gran: yiGran, tgran: yiTarget, shape: shapeIndustry,
			level: [nDistricts]float64{61.85, 78.46, 57.92, 41.73, 109.58, 121.36},
			band:  [3][2]float64{{.00, .10}, {.04, .16}, {.06, .16}}, plan: [2]float64{.07, .10}, item: growthItem(1500)},
		{ind: money("fai", "固定资产投资", "统计局口径（500万元以上项目及房地产开发）"), gran: yiGran, tgran: yiTarget, shape: shapeFAI,
			level: [nDistricts]float64{164.82, 0, 119.57, 104.93, 189.66, 209.74},
			band:  [3][2]float64{{-.05, .15}, {.03, .18}, {.03, .16}}, plan: [2]float64{.08, .12},
			registry: all, coverage: 0.90, item: ding.SchemeItem{Basis: ding.BasisCompletion, Method: ding.MethodTargetProp, Weight: 1500}},
		{ind: money("fai_manufacturing", "制造业投资", ""), gran: yiGran, tgran: yiTarget, shape: shapeFAI,
			level: [nDistricts]float64{55.36, 0, 49.81, 31.64, 84.77, 90.12},
			band:  [3][2]float64{{.00, .25}, {.05, .30}, {.05, .28}}, plan: [2]float64{.10, .15},
			registry: func(p *ding.Project) bool { return p.Manufacturing }, coverage: 0.93, item: growthItem(1000)},
		{ind: money("fai_high_tech", "高新技术产业投资", ""), gran: yiGran, tgran: yiTarget, shape: shapeFAI,
			level: [nDistricts]float64{40.27, 0, 27.95, 18.36, 50.48, 55.13},
			band:  [3][2]float64{{.00, .30}, {.05, .35}, {.05, .33}}, plan: [2]float64{.12, .18},
			registry: func(p *ding.Project) bool { return p.HighTech }, coverage: 0.95, item: growthItem(1000)},
		{ind: money("fai_private", "民间投资", ""), gran: yiGran, tgran: yiTarget, shape: shapeFAI,
			level: [nDistricts]float64{94.63, 0, 70.18, 55.42, 119.87, 130.55},
			band:  [3][2]float64{{-.05, .20}, {.02, .25}, {.03, .22}}, plan: [2]float64{.08, .12},
			registry: func(p *ding.Project) bool { return p.Private }, coverage: 0.90, item: growthItem(800)},
		{ind: count("port_tonnes", "港口货物吞吐量", "万吨", "内河港区；仅有港区的县（市、区）"), gran: tonGran, tgran: 10_000, shape: shapePort,
			level: [nDistricts]float64{0, 381, 0, 0, 164.8, 0},
			band:  [3][2]float64{{.03, .12}, {.03, .10}, {.04, .11}}, plan: [2]float64{.06, .08}},
		{ind: count("new_entities", "新增市场主体", "户", "新设立企业类市场主体（个体工商户另列）"), gran: 1, tgran: 10, shape: shapeEntities,
			level: [nDistricts]float64{5213, 3810, 2617, 2296, 3924, 4851},
			band:  [3][2]float64{{-.05, .12}, {.02, .18}, {.00, .15}}, plan: [2]float64{.05, .10}, item: growthItem(800)},
		{ind: count("new_sole_traders", "新增个体工商户", "户", ""), gran: 1, tgran: 10, shape: shapeEntities,
			level: [nDistricts]float64{9816, 7802, 5634, 5087, 7413, 9925},
			band:  [3][2]float64{{-.06, .10}, {.00, .15}, {.00, .12}}, plan: [2]float64{.03, .08}},
		{ind: count("youth", "引进青年大学生", "人", "来区就业的青年大学生及市外员工"), gran: 1, tgran: 10, shape: shapeYouth,
			level: [nDistricts]float64{9125, 6980, 4216, 3807, 6034, 7512},
			band:  [3][2]float64{{.00, .20}, {.05, .30}, {.03, .25}}, plan: [2]float64{.08, .15}, item: growthItem(700)},
		{ind: count("skilled", "新增高技能人才", "人", ""), gran: 1, tgran: 10, shape: shapeSkilled,
			level: [nDistricts]float64{2604, 1798, 1312, 1105, 1893, 2287},
			band:  [3][2]float64{{.00, .20}, {.05, .25}, {.03, .20}}, plan: [2]float64{.06, .12}, item: growthItem(700)},
	}
}

// qjGrowth is 衢江区's year-to-date growth at the quarters' ends where the article (or
// its story) fixes it, by indicator and year: GDP +10.1% in Q1 2023, +14.1% in Q1–Q3 and
// +12.7% for the year; 规上工业增加值 +38%; the port +66.7% in 2023 after a year almost as
// fast, and past 400万吨 in 2024.
var qjGrowth = map[string]map[int][4]float64{
	"gdp":         {2023: {.101, .135, .141, .127}},
	"industry_va": {2023: {.300, .350, .390, .380}},
	"port_tonnes": {2022: {.46, .52, .55, .58}, 2023: {.55, .61, .64, .667}, 2024: {.13, .11, .09, .08}},
}

// qjTargets are 衢江区's targets fixed by the article: 400万吨 through the port in 2024.
var qjTargets = map[string]map[int]int64{"port_tonnes": {2024: 4_000_000}}

// qjPlan is the growth 衢江区's investment targets ask for once its big projects are
// signed: far above its neighbours', as its registry's plans are.
var qjPlan = map[int]float64{2023: .35, 2024: .30}

// citySeries is one district's figures on one indicator: the year to date at each month
// of 2021–2024, and the targets of 2022–2024.
type citySeries struct {
	has     bool
	v       [nStatYears][12]int64
	targets [3]int64
}

// cityData generates every district's figures. reg holds the registry's cumulative
// completed investment by indicator code, year (2022–2024) and month.
func cityData(inds []*cityIndicator, reg map[string]*[3][12]int64) ([][nDistricts]citySeries, error) {
	r := rand.New(rand.NewPCG(6, 2024))
	out := make([][nDistricts]citySeries, len(inds))
	for k, ci := range inds {
		// Draw the jitter and the planned growths in a fixed order.
		var jit [nDistricts][3][4]float64
		var plan [nDistricts][3]float64
		for d := range nDistricts {
			for y := range 3 {
				for q := range 4 {
					jit[d][y][q] = 0.4*r.Float64() - 0.2
				}
				plan[d][y] = ci.plan[0] + (ci.plan[1]-ci.plan[0])*r.Float64()
			}
		}
		scale := ci.ind.M().Scale
		for d := range nDistricts {
			if ci.level[d] == 0 && !(d == dQujiang && ci.registry != nil) {
				continue
			}
			// quarterly is the year-to-date growth at each quarter's end of year y.
			quarterly := func(y int) [4]float64 {
				if fixed, ok := qjGrowth[ci.ind.Code][y]; ok && d == dQujiang {
					return fixed
				}
				var g [4]float64
				lo, hi := ci.band[y-2022][0], ci.band[y-2022][1]
				for q := range 4 {
					s := math.Min(math.Max(cityStrength[y-2022][q][d]+jit[d][y-2022][q], 0), 1)
					g[q] = lo + (hi-lo)*s
				}
				return g
			}
			// growth at month m (0-based): the quarters' ends as drawn, months between
			// them on the line from the previous quarter's end.
			growth := func(y, m int) float64 {
				g := quarterly(y)
				q := m / 3
				if m%3 == 2 || q == 0 {
					return g[q]
				}
				return g[q-1] + (g[q]-g[q-1])*float64(m%3+1)/3
			}
			var v [nStatYears][12]float64 // in stored units
			if d == dQujiang && ci.registry != nil {
				cum := reg[ci.ind.Code]
				for y := 1; y < nStatYears; y++ {
					for m := range 12 {
						v[y][m] = float64(cum[y-1][m]) / ci.coverage
					}
				}
			} else {
				for m := range 12 {
					v[2][m] = ci.level[d] * ci.shape[m] * float64(scale)
					v[1][m] = v[2][m] / (1 + growth(2023, m))
					v[3][m] = v[2][m] * (1 + growth(2024, m))
				}
			}
			for m := range 12 {
				v[0][m] = v[1][m] / (1 + growth(2022, m))
			}
			sr := &out[k][d]
			sr.has = true
			for y := range nStatYears {
				for m := range 12 {
					sr.v[y][m] = int64(math.Round(v[y][m]/float64(ci.gran))) * ci.gran
					if sr.v[y][m] <= 0 || m > 0 && sr.v[y][m] <= sr.v[y][m-1] {
						return nil, fmt.Errorf("%s of %s: %d-%02d is %d after %d", ci.ind.Code, cityDistricts[d], statFirst+y, m+1, sr.v[y][m], sr.v[y][max(m-1, 0)])
					}
				}
			}
			for y := range 3 {
				pl := plan[d][y]
				if g, ok := qjPlan[2022+y]; ok && d == dQujiang && ci.registry != nil {
					pl = g
				}
				t := float64(sr.v[y][11]) * (1 + pl)
				sr.targets[y] = int64(math.Round(t/float64(ci.tgran))) * ci.tgran
				if fixed, ok := qjTargets[ci.ind.Code][2022+y]; ok && d == dQujiang {
					sr.targets[y] = fixed
				}
			}
		}
	}
	return out, nil
}

// targetSeeder carries what the targets step shares.
type targetSeeder struct {
	s        *seeder
	asOf     ding.Date // the end of the history, where the warnings' date stays
	users    map[string]*ding.User
	city     *ding.Unit
	district *ding.Unit
	inds     map[string]*ding.Indicator
	scheme   *ding.Scheme // the city's
	dScheme  *ding.Scheme // the district's
}

// as is the context of a demo account acting.
func (ts *targetSeeder) as(username string) context.Context {
	u := ts.users[username]
	return ding.WithActor(context.Background(), &ding.Actor{UserID: u.ID, Username: u.Username, UnitID: u.UnitID, Role: u.Role, Scope: u.Scope})
}

// event is something the step does on a day.
type event struct {
	on   ding.Date
	what string
	run  func() error
}

func day(y int, m time.Month, d int) ding.Date { return ding.Date{Year: y, Month: m, Day: d} }

// seedTargets seeds the indicators, the two schemes with their locked quarters and the
// 擂台赛 rounds, in the order of their dates.
func (s *seeder) seedTargets() error {
	real := s.db.Now
	defer func() { s.db.Now = real }()
	ts := &targetSeeder{s: s, users: map[string]*ding.User{}, inds: map[string]*ding.Indicator{}}
	var err error
	if ts.asOf, err = s.db.WarningAsOf(s.ctx); err != nil {
		return err
	}
	if ts.asOf.IsZero() {
		return fmt.Errorf("the warnings' date is not set")
	}
	users, _, err := s.db.FindUsers(s.ctx, ding.UserFilter{})
	if err != nil {
		return err
	}
	for _, u := range users {
		ts.users[u.Username] = u
	}
	for _, name := range []string{"xmb", "shi", "lingdao", "wangfq", "lifq", "chenfq", "zhangtan", "nianli"} {
		if ts.users[name] == nil {
			return fmt.Errorf("no demo account %s", name)
		}
	}
	if ts.city, err = s.unit("衢州市"); err != nil {
		return err
	}
	if ts.district, err = s.unit(districtName); err != nil {
		return err
	}
	evs, err := ts.cityEvents()
	if err != nil {
		return err
	}
	evs = append(evs, ts.districtEvents()...)
	evs = append(evs, ts.contestEvents()...)
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].on.Before(evs[j].on) })
	for _, e := range evs {
		s.clock(e.on)
		if err := e.run(); err != nil {
			return fmt.Errorf("%s %s: %w", e.on, e.what, err)
		}
	}
	return nil
}

// registryInvestment sums the registry's completed investment by month (cumulative in the
// year) for 2022–2024, for each city indicator that follows the registry.
func (ts *targetSeeder) registryInvestment(inds []*cityIndicator) (map[string]*[3][12]int64, error) {
	s := ts.s
	out := map[string]*[3][12]int64{}
	for _, ci := range inds {
		if ci.registry != nil {
			out[ci.ind.Code] = &[3][12]int64{}
		}
	}
	for y := range 3 {
		ps, _, err := s.db.FindProjects(s.ctx, ding.ProjectFilter{Year: 2022 + y, Sort: "code", Limit: 10000})
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			if p.CompletedYTD == 0 {
				continue
			}
			ms, err := s.db.ProjectMonths(s.ctx, p.ID, 2022+y)
			if err != nil {
				return nil, err
			}
			for _, ci := range inds {
				if ci.registry == nil || !ci.registry(p) {
					continue
				}
				cum := out[ci.ind.Code]
				for i, m := range ms {
					for j := i; j < 12; j++ {
						cum[y][j] += m.Completed
					}
				}
			}
		}
	}
	for code, cum := range out {
		if cum[1][11] == 0 || cum[0][11] == 0 {
			return nil, fmt.Errorf("the registry has no %s investment in 2022 or 2023", code)
		}
	}
	return out, nil
}

// cityEvents: the statistics go live on 2022-07-15 with the history since 2021; each
// month's figures come on the 20th of the next; targets in February; each quarter is
// locked on the 25th of the month after it (the fourth on 18 February).
func (ts *targetSeeder) cityEvents() ([]event, error) {
	s := ts.s
	inds := cityIndicators()
	reg, err := ts.registryInvestment(inds)
	if err != nil {
		return nil, err
	}
	data, err := cityData(inds, reg)
	if err != nil {
		return nil, err
	}
	var districts [nDistricts]*ding.Unit
	for d, name := range cityDistricts {
		if districts[d], err = s.unit(name); err != nil {
			return nil, err
		}
	}
	actual := func(y, m int) []store.ValueWrite {
		var ws []store.ValueWrite
		for k, ci := range inds {
			for d := range nDistricts {
				if sr := data[k][d]; sr.has {
					v := sr.v[y-statFirst][m-1]
					ws = append(ws, store.ValueWrite{IndicatorID: ci.ind.ID, UnitID: districts[d].ID, Year: y, Month: m, Value: &v})
				}
			}
		}
		return ws
	}
	targets := func(y int) []store.ValueWrite {
		var ws []store.ValueWrite
		for k, ci := range inds {
			for d := range nDistricts {
				if sr := data[k][d]; sr.has {
					v := sr.targets[y-2022]
					ws = append(ws, store.ValueWrite{IndicatorID: ci.ind.ID, UnitID: districts[d].ID, Year: y, Value: &v, Note: "市政府下达年度目标"})
				}
			}
		}
		return ws
	}
	set := func(ws []store.ValueWrite) error { return ts.setValues(s.ctx, ws, "import") }
	last := ts.asOf
	var evs []event
	evs = append(evs, event{day(2022, 7, 15), "statistics go live", func() error {
		for i, ci := range inds {
			ci.ind.SortOrder = (i + 1) * 10
			if err := s.db.CreateIndicator(s.ctx, &ci.ind); err != nil {
				return fmt.Errorf("indicator %s: %w", ci.ind.Code, err)
			}
			ts.inds[ci.ind.Code] = &ci.ind
		}
		var hist []store.ValueWrite
		for m := 3; m <= 12; m += 3 {
			hist = append(hist, actual(2021, m)...)
		}
		if err := set(hist); err != nil {
			return err
		}
		hist = nil
		for m := 1; m <= 6; m++ {
			hist = append(hist, actual(2022, m)...)
		}
		if err := set(append(hist, targets(2022)...)); err != nil {
			return err
		}
		return ts.createCityScheme(inds, districts)
	}})
	for y := 2022; y <= 2024; y++ {
		if y > 2022 {
			evs = append(evs, event{day(y, 2, 25), fmt.Sprintf("targets %d", y), func() error { return set(targets(y)) }})
		}
		for m := 1; m <= 12; m++ {
			if y == 2022 && m <= 6 {
				continue
			}
			on := ding.DateOf(time.Date(y, time.Month(m)+1, 20, 0, 0, 0, 0, time.UTC))
			if on.After(last) {
				on = last
			}
			evs = append(evs, event{on, fmt.Sprintf("figures %d-%02d", y, m), func() error { return set(actual(y, m)) }})
		}
	}
	for p := (ding.SchemePeriod{Kind: ding.SchemeQuarterly, Year: 2022, N: 3}); p.Year < 2024 || p.N <= 3; p = p.Next() {
		on := ding.DateOf(time.Date(p.Year, time.Month(p.EndMonth())+1, 25, 0, 0, 0, 0, time.UTC))
		if p.N == 4 {
			on = day(p.Year+1, 2, 18)
		}
		evs = append(evs, event{on, "lock " + p.String(), func() error {
			if _, err := s.db.LockCut(ts.as("shi"), ts.scheme.ID, p.String()); err != nil {
				return fmt.Errorf("lock %s %s: %w", ts.scheme.Name, p, err)
			}
			return nil
		}})
	}
	// A bonus, a penalty and an exemption, each entered before its quarter is locked.
	adjust := func(on ding.Date, period string, d int, kind, item string, points int64, reason, evidence string) {
		evs = append(evs, event{on, "adjust " + period, func() error {
			p, err := ding.ParseSchemePeriod(ding.SchemeQuarterly, period)
			if err != nil {
				return err
			}
			a := &ding.Adjustment{SchemeID: ts.scheme.ID, Period: p, UnitID: districts[d].ID, Kind: kind, Points: points, Reason: reason, Evidence: evidence}
			if item != "" {
				for _, it := range ts.scheme.Items {
					if it.IndicatorID == ts.inds[item].ID {
						a.ItemID = it.ID
					}
				}
			}
			if err := s.db.AddAdjustment(ts.as("shi"), a); err != nil {
				return fmt.Errorf("adjustment %s %s: %w", period, cityDistricts[d], err)
			}
			return nil
		}})
	}
	adjust(day(2023, 7, 12), "2023-Q2", dKecheng, ding.AdjustBonus, "", 200,
		"获省级以上表彰：全省营商环境优化提升工作成效明显的县（市、区）", "省政府办公厅督查激励通报（2023年6月）")
	adjust(day(2023, 10, 16), "2023-Q3", dJiangshan, ding.AdjustPenalty, "", 300,
		"被省通报批评：安全生产专项督查发现问题整改不到位", "省安委办督查通报（2023年9月）")
	adjust(day(2024, 7, 10), "2024-Q2", dKaihua, ding.AdjustExempt, "industry_va", 0,
		"不可抗力：6月梅汛期特大暴雨引发洪涝灾害，部分规上工业企业停产", "市防汛防台抗旱指挥部灾情认定（2024年7月）")
	return evs, nil
}

// setValues writes a batch, failing on any refused row.
func (ts *targetSeeder) setValues(ctx context.Context, ws []store.ValueWrite, source string) error {
	_, errs, err := ts.s.db.SetValues(ctx, ws, source, true)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		e := errs[0]
		w := ws[e.Index]
		return fmt.Errorf("%d of %d values refused, the first (indicator %d unit %d %d-%02d, %s): %w", len(errs), len(ws), w.IndicatorID, w.UnitID, w.Year, w.Month, e.Field, e.Err)
	}
	return nil
}

func (ts *targetSeeder) createCityScheme(inds []*cityIndicator, districts [nDistricts]*ding.Unit) error {
	sc := &ding.Scheme{Name: "衢州市县（市、区）争先创优流动红旗", OrganizerID: ts.city.ID, Period: ding.SchemeQuarterly, FlagCount: 1, FlagName: "流动红旗",
		Public: true, Note: "按季度对各县（市、区）9项核心经济指标进行争先创优评比：增幅指标按争先进位计分法（第一名得满分，每后退一位扣5%），" +
			"固定资产投资按年度目标完成率计分（最高100%）；另设加分、扣分及不可抗力免考。总分第一名获流动红旗。"}
	for _, ci := range inds {
		if ci.item.Weight == 0 {
			continue
		}
		it := ci.item
		it.IndicatorID = ci.ind.ID
		sc.Items = append(sc.Items, it)
	}
	for _, u := range districts {
		sc.Participants = append(sc.Participants, ding.Participant{UnitID: u.ID, Group: "县（市、区）"})
	}
	if err := ts.s.db.CreateScheme(ts.as("shi"), sc); err != nil {
		return fmt.Errorf("scheme %s: %w", sc.Name, err)
	}
	ts.scheme = sc
	return nil
}

// The district's computed indicators, scored in its quarterly 季比拼.
var districtIndicators = []struct {
	ind  ding.Indicator
	item ding.SchemeItem
}{
	{ding.Indicator{Code: "proj_fai", Name: "重大项目完成投资", Source: ding.SourceComputed, Compute: ding.ComputeInvestment, HigherBetter: true,
		RankBy: ding.RankByCompletion, Note: "项目库月度进度填报汇总，对照各单位年度计划投资"},
		ding.SchemeItem{Basis: ding.BasisCompletion, Method: ding.MethodTargetProp, Weight: 4000, Cap: 12000}},
	{ding.Indicator{Code: "proj_signed", Name: "签约亿元以上项目", Source: ding.SourceComputed, Compute: ding.ComputeSigned1, HigherBetter: true,
		RankBy: ding.RankByValue}, ding.SchemeItem{Basis: ding.BasisValue, Method: ding.MethodRank, Weight: 2000, Step: 500}},
	{ding.Indicator{Code: "proj_started", Name: "新开工项目", Source: ding.SourceComputed, Compute: ding.ComputeStarted, HigherBetter: true,
		RankBy: ding.RankByValue}, ding.SchemeItem{Basis: ding.BasisValue, Method: ding.MethodMinMax, Weight: 2000}},
	{ding.Indicator{Code: "proj_in_stats", Name: "项目入统", Source: ding.SourceComputed, Compute: ding.ComputeInStats, HigherBetter: true,
		RankBy: ding.RankByValue}, ding.SchemeItem{Basis: ding.BasisValue, Method: ding.MethodRank, Weight: 2000, Step: 500}},
}

// Peer groups of the district's scheme.
const (
	groupTowns = "乡镇（街道）、园区"
	groupDepts = "部门"
)

// districtEvents: on 2024-02-26 the office defines its computed indicators, gives each
// town, park and department that leads or hosts a project with a 2024 plan its targets
// (for investment the plans' sum, at least 1亿), and opens the 季比拼; each quarter is
// locked on the 26th of the month after it.
func (ts *targetSeeder) districtEvents() []event {
	s := ts.s
	office := func() context.Context { return ts.as("xmb") }
	evs := []event{{day(2024, 2, 26), "district scheme", func() error {
		ps, _, err := s.db.FindProjects(s.ctx, ding.ProjectFilter{Year: 2024, Sort: "code", Limit: 10000})
		if err != nil {
			return err
		}
		plan := map[int64]int64{}
		projects := map[int64]int{}
		for _, p := range ps {
			if p.PlanYear <= 0 {
				continue
			}
			for _, u := range []int64{p.UnitID, p.LocationID} {
				plan[u] += p.PlanYear
				projects[u]++
				if p.LocationID == p.UnitID {
					break
				}
			}
		}
		byID := map[int64]*ding.Unit{}
		for _, u := range s.units {
			byID[u.ID] = u
		}
		var ids []int64
		for id := range plan {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		sc := &ding.Scheme{Name: "衢江区乡镇（街道）、部门项目建设季比拼", OrganizerID: ts.district.ID, Period: ding.SchemeQuarterly, FlagCount: 1,
			FlagName: "流动红旗", Public: true, Note: "项目建设“季比拼”：按乡镇（街道）、园区和部门两组，以项目库数据计分——完成投资对照年度计划（最高120%）、" +
				"签约亿元以上项目、新开工项目、项目入统；每组第一名获流动红旗。"}
		for _, id := range ids {
			u := byID[id]
			if u == nil {
				return fmt.Errorf("a 2024 project names unit %d, not in the demo", id)
			}
			switch u.Kind {
			case ding.UnitTown, ding.UnitPark:
				sc.Participants = append(sc.Participants, ding.Participant{UnitID: id, Group: groupTowns})
			case ding.UnitDepartment:
				sc.Participants = append(sc.Participants, ding.Participant{UnitID: id, Group: groupDepts})
			}
		}
		// Towns first, then departments: the groups show in the order they appear.
		sort.SliceStable(sc.Participants, func(i, j int) bool {
			return sc.Participants[i].Group == groupTowns && sc.Participants[j].Group != groupTowns
		})
		var ws []store.ValueWrite
		for i, di := range districtIndicators {
			ind := di.ind
			ind.SortOrder = 200 + i*10
			if err := s.db.CreateIndicator(office(), &ind); err != nil {
				return fmt.Errorf("indicator %s: %w", ind.Code, err)
			}
			ts.inds[ind.Code] = &ind
			it := di.item
			it.IndicatorID = ind.ID
			sc.Items = append(sc.Items, it)
			for _, pt := range sc.Participants {
				n := int64(projects[pt.UnitID])
				// The investment task: the plans' sum, rounded up to 0.1亿, at least 1亿.
				task := max((plan[pt.UnitID]+yiTarget-1)/yiTarget*yiTarget, ding.Yi)
				v := map[string]int64{ding.ComputeInvestment: task, ding.ComputeSigned1: max(1, (n+2)/4),
					ding.ComputeStarted: max(1, (n+2)/3), ding.ComputeInStats: max(1, (n+3)/4)}[ind.Compute]
				ws = append(ws, store.ValueWrite{IndicatorID: ind.ID, UnitID: pt.UnitID, Year: 2024, Value: &v, Note: "区政府下达年度任务"})
			}
		}
		if err := ts.setValues(office(), ws, "form"); err != nil {
			return err
		}
		if err := s.db.CreateScheme(office(), sc); err != nil {
			return fmt.Errorf("scheme %s: %w", sc.Name, err)
		}
		ts.dScheme = sc
		return nil
	}}}
	for q := 1; q <= 3; q++ {
		on := day(2024, time.Month(3*q+1), 26)
		evs = append(evs, event{on, fmt.Sprintf("district lock 2024-Q%d", q), func() error {
			if q == 1 {
				// The year's computed figures, as the nightly pass leaves them at the end
				// of the history, are written once, dated then, before the first lock:
				// a lock keeps the figures it read and a refresh leaves locked ones be.
				// (Refreshing before each lock would compute the year so far again, one
				// query per unit and month.)
				s.clock(ts.asOf)
				if _, err := s.db.RefreshComputed(office(), 2024, 12); err != nil {
					return err
				}
				s.clock(on)
			}
			if _, err := s.db.LockCut(office(), ts.dScheme.ID, fmt.Sprintf("2024-Q%d", q)); err != nil {
				return fmt.Errorf("lock %s 2024-Q%d: %w", ts.dScheme.Name, q, err)
			}
			return nil
		}})
	}
	return evs
}

// entrySpec is a planned project submitted into a 擂台赛 round.
type entrySpec struct {
	unit, by         string // the unit and who submits it (its liaison, else the office)
	name, chain, ind string
	yi               float64 // planned total investment, 亿元
	content          string
	maturity         string
	quality          [4]float64 // how good it is on each criterion (0–1): the judges' marks centre on it
	on               ding.Date  // submitted
}

var contestCriteria = []ding.Criterion{{Name: "投资规模", Weight: 3000}, {Name: "产业契合度", Weight: 2500}, {Name: "项目成熟度", Weight: 2500}, {Name: "带动效应", Weight: 2000}}

var contestJudges = []string{"lingdao", "wangfq", "lifq", "chenfq", "xmb"}

var entries2024 = []entrySpec{
	{uNianli, "nianli", "年产10万吨锂电池电解液及配套新材料项目", "新能源", "C", 32,
		"依托廿里化工园区，建设年产10万吨锂电池电解液、2万吨六氟磷酸锂及配套溶剂生产线，配套建设研发中心和危化品仓储设施。",
		"已完成项目可研和产业链论证，意向用地320亩纳入园区规划，与投资方完成三轮洽谈", [4]float64{.93, .92, .84, .90}, day(2024, 4, 12)},
	{uKFQ, "xmb", "年产30万吨高档特种纸及纸基新材料项目", "特种纸", "C", 28,
		"新建两条高档特种纸生产线及纸基功能材料涂布线，年产装饰原纸、电气绝缘纸等30万吨，配套建设热电联产和污水处理设施。",
		"龙头企业增资扩产，用地在园区存量工业用地内，能评、环评前期工作已启动", [4]float64{.91, .93, .88, .84}, day(2024, 4, 18)},
	{uDigital, "xmb", "Mini LED背光模组及光电显示器件项目", "电子信息", "C", 18,
		"建设Mini LED背光模组、车载显示模组生产线及洁净厂房8万平方米，达产后年产背光模组1200万片。",
		"投资方已实地考察三次，正商谈厂房代建方案", [4]float64{.80, .90, .76, .84}, day(2024, 4, 25)},
	{uZhangtan, "zhangtan", "衢江港区多式联运物流园项目", "现代物流", "G", 15,
		"依托衢江港区建设铁水、公水联运作业区，新建仓储及堆场20万平方米，配套建设物流信息平台。",
		"纳入省四港联动示范项目储备，规划选址已确定", [4]float64{.72, .82, .82, .86}, day(2024, 5, 8)},
	{uShangfang, "xmb", "高纯纳米碳酸钙新材料项目", "新材料", "C", 6.5,
		"利用上方镇优质石灰石资源，建设年产15万吨高纯纳米碳酸钙及改性填料生产线。",
		"矿权及原料保障方案已明确，项目建议书编制中", [4]float64{.60, .86, .80, .70}, day(2024, 5, 14)},
	{uJXJ, "xmb", "智能矿山装备制造产业园项目", "智能装备", "C", 12,
		"集聚矿山破碎、输送、智能控制装备企业，建设标准厂房及整机装配测试基地，打造矿山装备产业链。",
		"已对接3家链主企业，产业园选址在经开区东区", [4]float64{.76, .83, .70, .78}, day(2024, 5, 20)},
	{uGaojia, "xmb", "绿色食品精深加工产业园项目", "绿色食品", "C", 5,
		"建设农产品冷链加工、中央厨房及预制菜生产线，配套建设检验检测中心，带动周边农户种养殖。",
		"与两家农业龙头企业签订合作意向", [4]float64{.55, .80, .75, .74}, day(2024, 5, 24)},
	{uHunan, "xmb", "乌溪江文旅康养综合体项目", "", "R", 15,
		"依托乌溪江库区生态资源，建设康养度假酒店、民宿集群、水上运动中心及配套设施。",
		"概念规划已完成，需进一步落实用地及生态保护要求", [4]float64{.68, .70, .64, .80}, day(2024, 5, 29)},
}

var entries2025 = []entrySpec{
	{uKFQ, "xmb", "退役动力电池回收及梯次利用项目", "新能源", "C", 9,
		"建设退役动力电池拆解、梯次利用及有价金属再生生产线，年处理退役电池5万吨。",
		"投资方已完成项目建议书，拟于一季度签订投资意向协议", [4]float64{}, day(2024, 12, 10)},
	{uZhangtan, "zhangtan", "衢江港区二期集装箱堆场及冷链仓储项目", "现代物流", "G", 6,
		"配套港区二期建设集装箱堆场12万平方米、冷链仓储5万吨，服务四省边际多式联运。",
		"已列入港区二期总体规划", [4]float64{}, day(2024, 12, 18)},
	{uDuze, "xmb", "乳制品精深加工及牧场扩建项目", "绿色食品", "C", 4.2,
		"扩建现代化奶牛牧场，新增存栏3000头，建设低温乳制品及奶酪生产线。",
		"依托现有乳企增资，用地在镇工业功能区内", [4]float64{}, day(2024, 12, 24)},
}

// judgeSpread is how far each judge's marks sit from an entry's quality, by judge and
// criterion (in shares of the criterion's weight): some are stricter, none by much.
var judgeSpread = [5][4]float64{
	{-.03, .02, -.02, .01},
	{.02, -.01, .03, -.02},
	{.00, .03, -.01, .02},
	{-.02, -.03, .01, .00},
	{.03, -.01, -.01, -.01},
}

// contestEvents: the 2024 round opens on 1 March (deadline 31 May), takes eight entries
// in April and May, is judged on 12 June and closed on 14 June; its top two move into the
// registry on 20 June and are updated in December for the 2025 plan. The 2025 round opens
// on 2 December with three entries by the end of the history.
func (ts *targetSeeder) contestEvents() []event {
	s := ts.s
	var c24, c25 *ding.Contest
	office := func() context.Context { return ts.as("xmb") }
	var judges []int64
	for _, j := range contestJudges {
		judges = append(judges, ts.users[j].ID)
	}
	open := func(name string, deadline ding.Date, note string) (*ding.Contest, error) {
		c := &ding.Contest{Name: name, OrganizerID: ts.district.ID, Deadline: deadline, Winners: 3, Criteria: contestCriteria, JudgeIDs: judges, Note: note}
		if err := s.db.CreateContest(office(), c); err != nil {
			return nil, fmt.Errorf("contest %s: %w", name, err)
		}
		return c, nil
	}
	submit := func(c *ding.Contest, e entrySpec) error {
		u, err := s.unit(e.unit)
		if err != nil {
			return err
		}
		ce := &ding.ContestEntry{ContestID: c.ID, UnitID: u.ID, Name: e.name, Investment: int64(math.Round(e.yi * 100)), Industry: e.ind, Chain: e.chain,
			Content: e.content, Maturity: e.maturity}
		ce.Investment *= ding.Yi / 100
		if err := s.db.SubmitEntry(ts.as(e.by), ce); err != nil {
			return fmt.Errorf("entry %s: %w", e.name, err)
		}
		return nil
	}
	// asOf moves the warnings' date (the store's "today") for the round's entries.
	asOf := func(d ding.Date) error { return s.db.SetWarningAsOf(s.ctx, d) }
	var promoted []*ding.Project
	evs := []event{
		{day(2024, 3, 1), "contest 2024", func() (err error) {
			c24, err = open("2024年衢江区项目谋划擂台赛", day(2024, 5, 31), "各乡镇（街道）、部门、园区围绕特种纸、新材料、锂电、光电、矿山装备、碳酸钙、食品、文旅、物流等产业"+
				"谋划项目，由区领导和区项目办组成评审组现场打擂、当场打分，前三名为优胜项目，前两名直接纳入区重大项目库（谋划）。")
			return err
		}},
	}
	for _, e := range entries2024 {
		evs = append(evs, event{e.on, "entry " + e.name, func() error {
			if err := asOf(e.on); err != nil {
				return err
			}
			if err := submit(c24, e); err != nil {
				return err
			}
			return asOf(ts.asOf)
		}})
	}
	evs = append(evs,
		event{day(2024, 6, 3), "judging", func() error {
			_, err := s.db.SetContestStatus(office(), c24.ID, ding.ContestJudging, 0)
			return err
		}},
		event{day(2024, 6, 12), "judges score", func() error {
			es, err := s.db.FindEntries(office(), c24.ID)
			if err != nil {
				return err
			}
			byName := map[string]int64{}
			for _, e := range es {
				byName[e.Name] = e.ID
			}
			for j, judge := range contestJudges {
				for _, e := range entries2024 {
					js := &ding.JudgeScore{EntryID: byName[e.name]}
					for c, k := range contestCriteria {
						f := math.Min(math.Max(e.quality[c]+judgeSpread[j][c], 0), 1)
						js.Marks = append(js.Marks, int64(math.Round(f*float64(k.Weight)/50))*50) // half points
					}
					if err := s.db.ScoreEntry(ts.as(judge), c24.ID, js); err != nil {
						return fmt.Errorf("%s scores %s: %w", judge, e.name, err)
					}
				}
			}
			return nil
		}},
		event{day(2024, 6, 14), "contest closed", func() error {
			_, err := s.db.SetContestStatus(office(), c24.ID, ding.ContestClosed, 0)
			return err
		}},
		event{day(2024, 6, 20), "promote winners", func() error {
			// The registry takes them on the day: its code and stage date are the day's.
			if err := asOf(day(2024, 6, 20)); err != nil {
				return err
			}
			es, err := s.db.FindEntries(office(), c24.ID)
			if err != nil {
				return err
			}
			for _, e := range es {
				if e.Rank < 1 || e.Rank > 2 {
					continue
				}
				p, err := s.db.PromoteEntry(office(), c24.ID, e.ID, "")
				if err != nil {
					return fmt.Errorf("promote %s: %w", e.Name, err)
				}
				if err := ts.completePromoted(p); err != nil {
					return fmt.Errorf("promoted %s: %w", e.Name, err)
				}
				promoted = append(promoted, p)
				s.res.Projects++
			}
			return asOf(ts.asOf)
		}},
		event{day(2024, 12, 2), "contest 2025", func() (err error) {
			c25, err = open("2025年衢江区项目谋划擂台赛", day(2025, 3, 31), "第二轮擂台赛：聚焦2025年重大项目储备，报名截止2025年3月31日。")
			return err
		}},
		event{day(2024, 12, 27), "promoted into the 2025 plan", func() error {
			// The winners go into the 2025 plan: dates the office fills in at the year's end.
			for _, p := range promoted {
				cur, err := s.db.FindProjectByID(s.ctx, p.ID)
				if err != nil {
					return err
				}
				cur.PlannedStart, cur.PlannedEnd = day(2025, 9, 1), day(2027, 12, 31)
				if err := s.db.UpdateProject(office(), cur); err != nil {
					return fmt.Errorf("plan %s: %w", cur.Name, err)
				}
			}
			return nil
		}},
	)
	for _, e := range entries2025 {
		evs = append(evs, event{e.on, "entry " + e.name, func() error { return submit(c25, e) }})
	}
	return evs
}

// promotedFacts completes a promoted project's record: owner, place, leader, team.
var promotedFacts = map[string]struct {
	owner, ownerUnit, location string
	nature                     ding.Nature
	landMu                     float64
	highTech                   bool
	contact, phone             string // the lead unit's contact
}{
	"年产10万吨锂电池电解液及配套新材料项目": {owner: "浙江衢锂新能源材料有限公司（筹）", location: uNianli, nature: "new", landMu: 320, highTech: true,
		contact: "徐立新", phone: "0570-8352166"},
	"年产30万吨高档特种纸及纸基新材料项目": {ownerUnit: "衢州江源特种纸业有限公司", location: uKFQ, nature: "expansion", landMu: 260,
		contact: "郑晓燕", phone: "0570-8069321"},
}

// completePromoted fills in what a promoted entry does not carry, as the office does on
// the day: the owner, where it is built, its leader (lingdao takes 10亿+) and its team.
func (ts *targetSeeder) completePromoted(p *ding.Project) error {
	s := ts.s
	f, ok := promotedFacts[p.Name]
	if !ok {
		return fmt.Errorf("no facts for %s", p.Name)
	}
	cur, err := s.db.FindProjectByID(s.ctx, p.ID)
	if err != nil {
		return err
	}
	loc, err := s.unit(f.location)
	if err != nil {
		return err
	}
	cur.OwnerName = f.owner
	if f.ownerUnit != "" {
		o, err := s.unit(f.ownerUnit)
		if err != nil {
			return err
		}
		cur.OwnerName, cur.OwnerCode = o.Name, o.Code
	}
	cur.LocationID, cur.LeaderID = loc.ID, ts.users[leaderFor(ding.TierOf(cur.TotalInvestment), nil)].ID
	cur.Manufacturing, cur.HighTech, cur.Private, cur.LandMu = true, f.highTech, true, f.landMu
	cur.Nature = f.nature
	if err := s.db.UpdateProject(ts.as("xmb"), cur); err != nil {
		return err
	}
	tczx, err := s.unit(uTCZX)
	if err != nil {
		return err
	}
	for _, m := range []*ding.TeamMember{
		{ProjectID: p.ID, UnitID: cur.UnitID, Role: ding.TeamLead, ContactName: f.contact, ContactPhone: f.phone, Duty: "牵头推进项目招引落地"},
		{ProjectID: p.ID, UnitID: tczx.ID, Role: ding.TeamCoop, ContactName: "方明杰", ContactPhone: "0570-8016688", Duty: duties[uTCZX]},
	} {
		if err := s.db.SaveTeamMember(ts.as("xmb"), m); err != nil {
			return fmt.Errorf("team: %w", err)
		}
	}
	return nil
}

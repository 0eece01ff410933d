package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"time"

	"ding"
	"ding/store"
)

// The demo's projects are generated from rules with a fixed seed, so that every run makes
// the same district: about 150 projects whose 2023 signings and 2022→2023 investment growth
// are the article's figures, with three years of plans and monthly reports behind them.
//
// The history ends with December 2024: every stage change and report is dated on or before
// dataEnd. The figures the article quotes are not typed anywhere; they follow from the
// monthly reports, which are tuned once at the end of generation (see tuneGrowth).

// projectSeed is the first seed tried (see generate): one whose draw tunes gently.
const projectSeed = 139

const (
	firstYear = 2022 // the first year with reports: the base of the 2023 growth
	lastYear  = 2024
	nYears    = lastYear - firstYear + 1
	nMonths   = 12 * nYears
)

var dataEnd = ding.Date{Year: lastYear, Month: 12, Day: 31}

// growthTargets are the article's 2023 growth rates over 2022, in per mille. Each names,
// besides its category, the projects that take its rounding remainder: those are outside
// the categories fixed before it, so that fixing one leaves the earlier ones exact.
var growthTargets = []struct {
	name   string
	in     func(*ding.Project) bool
	adjust func(*ding.Project) bool
	perMil int64
}{
	{"high-tech", func(p *ding.Project) bool { return p.HighTech }, func(p *ding.Project) bool { return p.HighTech }, 856},
	{"manufacturing", func(p *ding.Project) bool { return p.Manufacturing }, func(p *ding.Project) bool { return p.Manufacturing && !p.HighTech }, 666},
	{"private", func(p *ding.Project) bool { return p.Private }, func(p *ding.Project) bool { return p.Private && !p.Manufacturing && !p.HighTech }, 570},
}

// newLeaders are district leaders added by the projects step: each is the "1" leader of
// the projects in the field he is in charge of (分管领域); lingdao takes the largest ones.
var newLeaders = []userSpec{
	{"wangfq", "王副区长", ding.RoleLeader, ding.ScopeUnitTree, districtName},
	{"lifq", "李副区长", ding.RoleLeader, ding.ScopeUnitTree, districtName},
	{"chenfq", "陈副区长", ding.RoleLeader, ding.ScopeUnitTree, districtName},
}

// month counts months from year 0, for arithmetic over months.
type month int

func monthOf(y int, m time.Month) month { return month(y*12 + int(m) - 1) }
func monthOfDate(d ding.Date) month     { return monthOf(d.Year, d.Month) }
func (m month) year() int               { return int(m) / 12 }
func (m month) mon() time.Month         { return time.Month(int(m)%12 + 1) }
func (m month) day(d int) ding.Date     { return ding.Date{Year: m.year(), Month: m.mon(), Day: d} }

// idx is the month's place in the reported years, or -1 outside them.
func (m month) idx() int {
	i := int(m - monthOf(firstYear, 1))
	if i < 0 || i >= nMonths {
		return -1
	}
	return i
}

var lastMonth = monthOf(lastYear, 12)

// fate is how a project's story goes.
type fate int

const (
	fBuild      fate = iota // signed, started and built as planned
	fLag                    // under construction all of 2024, far behind its plan
	fStuck                  // signed but never started (签约未开工)
	fNoStats                // started in 2024 but not in the statistics (开工未入统)
	fPlanning               // a lead in 谋划
	fTalks                  // a lead in 在谈
	fDropLead               // a lead dropped (退库)
	fDropSigned             // signed, never started, then dropped
)

// slot asks for one enterprise project.
type slot struct {
	k           *kindDef
	tier        ding.Tier
	fate        fate
	owner       string // a demo enterprise, or "" for an invented owner
	name, short string // overrides the generated names
	signMonth   int    // forces the month of signing (1–12); 0 draws it
	prod        int    // picks the kind's product (1-based); 0 takes the next in turn
	investor    ding.Investor
}

// projSpec is a generated project with everything the writer needs.
type projSpec struct {
	p        ding.Project // facts; unit, location and leader are resolved by name
	unit     string
	location string
	leader   string
	fam      family
	created  ding.Date
	steps    []stageStep
	team     []teamSpec // the lead unit first

	fate     fate
	start    month // construction start; 0 when not started
	end      month // completion as built; past lastMonth when not completed
	spend    int64 // the investment that makes 100% 形象进度
	before   int64 // spent before firstYear
	curve    map[month]int64
	plan     [nYears][12]int64
	hasPlan  [nYears]bool
	done     [nMonths]int64
	reported [nMonths]bool
	problem  string // a lagging project's blocker
	reports  []ding.ProgressReport
	goals    [nYears]string
}

type stageStep struct {
	to     ding.Stage
	on     ding.Date
	reason string
}

type teamSpec struct{ unit, contact, phone, duty string }

// gen generates the projects.
type gen struct {
	r        *rand.Rand
	codes    map[string]bool
	brands   []string
	prodNext map[*kindDef]int
	specs    []*projSpec
}

func newGen(seed uint64) *gen {
	g := &gen{r: rand.New(rand.NewPCG(seed, 46)), codes: map[string]bool{}, prodNext: map[*kindDef]int{}}
	for _, a := range brandFirst {
		for _, b := range brandSecond {
			if a != b {
				g.brands = append(g.brands, string([]rune{a, b}))
			}
		}
	}
	g.r.Shuffle(len(g.brands), func(i, j int) { g.brands[i], g.brands[j] = g.brands[j], g.brands[i] })
	return g
}

func (g *gen) between(lo, hi int) int         { return lo + g.r.IntN(hi-lo+1) }
func (g *gen) uniform(lo, hi float64) float64 { return lo + (hi-lo)*g.r.Float64() }
func (g *gen) chance(p float64) bool          { return g.r.Float64() < p }

func (g *gen) brand() string {
	b := g.brands[0]
	g.brands = g.brands[1:]
	return b
}

func (g *gen) person() string {
	name := []rune{surnames[g.r.IntN(len(surnames))], givenChars[g.r.IntN(len(givenChars))]}
	if g.chance(0.6) {
		name = append(name, givenChars[g.r.IntN(len(givenChars))])
	}
	return string(name)
}

func (g *gen) phone() string { return fmt.Sprintf("0570-8%06d", g.r.IntN(1_000_000)) }

// code returns a new unique 项目代码 registered in the month: YYMM-330803-行业-类型-序号.
func (g *gen) code(m month, industry, kind string) string {
	for {
		c := fmt.Sprintf("%02d%02d-330803-%s-%s-%06d", m.year()%100, m.mon(), industry, kind, g.r.IntN(1_000_000))
		if !g.codes[c] {
			g.codes[c] = true
			return c
		}
	}
}

// wan rounds yuan to whole 万元, as offices report them.
func wan(x float64) int64 { return int64(math.Round(x/1e4)) * 10_000 }

// totalFor draws a total investment in the tier.
func (g *gen) totalFor(t ding.Tier) int64 {
	u := g.r.Float64()
	switch t {
	case ding.Tier100:
		return int64(100+g.r.IntN(36)) * ding.Yi
	case ding.Tier10:
		return int64(math.Round((10+40*u*u)*10)) * ding.Yi / 10
	case ding.Tier1:
		return int64(math.Round((1+8.5*math.Pow(u, 1.5))*10)) * ding.Yi / 10
	}
	return int64(20+g.r.IntN(76)) * 1_000_000
}

// durationFor is the months of construction by size.
func (g *gen) durationFor(t ding.Tier) int {
	switch t {
	case ding.Tier100:
		return g.between(60, 78) // built in phases
	case ding.Tier10:
		return g.between(24, 40)
	case ding.Tier1:
		return g.between(12, 22)
	}
	return g.between(7, 12)
}

// talksFor is the months from first contact to signing by size.
func (g *gen) talksFor(t ding.Tier) int {
	switch t {
	case ding.Tier100:
		return g.between(5, 10)
	case ding.Tier10:
		return g.between(3, 8)
	case ding.Tier1:
		return g.between(2, 5)
	}
	return g.between(1, 3)
}

// leaderFor assigns the "1" leader: lingdao for the largest, otherwise the deputy in charge.
func leaderFor(t ding.Tier, k *kindDef) string {
	switch {
	case t >= ding.Tier10:
		return "lingdao"
	case k == nil:
		return "chenfq"
	case k.manuf:
		return "wangfq"
	}
	return "lifq"
}

// enterprise generates one enterprise project signed in year (0 for leads).
func (g *gen) enterprise(s slot, year int) *projSpec {
	k := s.k
	prod := g.product(k, s)
	pname := prod.name
	if n := len(prod.caps); n > 0 {
		c := 0 // the capacity grows with the tier
		switch {
		case s.tier >= ding.Tier10:
			c = n - 1
		case s.tier == ding.Tier1:
			c = g.r.IntN(max(1, n-1))
		}
		pname = fmt.Sprintf(pname, prod.caps[c])
	}
	sp := &projSpec{fam: k.family, fate: s.fate, leader: leaderFor(s.tier, k)}
	p := &sp.p
	brand, ownerName := "", s.owner
	nature := ding.Nature("new")
	if ownerName != "" {
		brand = ownerShort(ownerName)
		nature = "expansion"
	} else {
		b := g.brand()
		word := k.ownerWord
		for _, suffix := range []string{"有限公司", "科技", "发展", "管理"} {
			word = strings.TrimSuffix(word, suffix)
		}
		brand = b + word
		if strings.HasPrefix(pname, word) || strings.HasPrefix(prod.short, word) {
			brand = b // 源瀚光电传感器, not 源瀚光电光电传感器
		}
		prefix := "衢州"
		if s.tier == ding.Tier100 {
			prefix = "浙江"
		}
		ownerName = prefix + b + k.ownerWord
	}
	if strings.Contains(pname, "技术改造") {
		nature = "renovation"
	} else if nature == "new" && g.chance(0.1) {
		nature = "expansion"
	}
	p.Name, p.ShortName = brand+pname+"项目", brand+prod.short
	if strings.HasSuffix(brand, prod.short) {
		p.ShortName = brand // 江源特种纸, not 江源特种纸特种纸
	}
	if s.name != "" {
		p.Name, p.ShortName = s.name, s.short
	}
	p.OwnerName = ownerName
	p.OwnerCode, _ = usccFor("330803", ownerName)
	p.Industry, p.Chain, p.Manufacturing = k.industry, k.chain, k.manuf
	// The share of high-tech projects rises with each year's signings (the district's 腾笼换鸟).
	ht := k.hightech
	switch {
	case year == 0 || year >= 2023:
		ht = min(1, ht*1.15)
	case year <= 2021:
		ht *= 0.8
	}
	p.HighTech = g.chance(ht) || s.tier == ding.Tier100
	p.Investor = "private"
	if !g.chance(k.private) {
		p.Investor = []ding.Investor{"soe", "foreign", "mixed"}[g.r.IntN(3)]
	}
	switch {
	case s.investor != "":
		p.Investor = s.investor
	case s.owner != "":
		p.Investor = "private" // the demo enterprises are private firms
	}
	p.Private = p.Investor == "private"
	p.Nature = nature
	p.TotalInvestment = g.totalFor(s.tier)
	if s.tier == ding.TierNone {
		p.TotalInvestment = min(p.TotalInvestment, ding.Yi-1_000_000)
	}
	ui := g.r.IntN(len(k.units))
	sp.unit, sp.location = k.units[ui], k.locations[ui]
	yi := float64(p.TotalInvestment) / float64(ding.Yi)
	p.LandMu = math.Round(max(8, 25*math.Pow(yi, 0.8))*g.uniform(0.8, 1.2)*10) / 10
	if k.manuf {
		p.ExpectedOutput = wan(float64(p.TotalInvestment) * g.uniform(1.2, 2.2))
		p.ExpectedTax = wan(float64(p.ExpectedOutput) * g.uniform(0.04, 0.07))
	}
	p.Content = contentFor(k.family, p.LandMu, pname)

	lead := s.fate == fPlanning || s.fate == fTalks || s.fate == fDropLead
	if lead {
		g.leadStory(sp, k, s)
	} else {
		g.signedStory(sp, k, s, year)
	}
	sp.team = g.teamFor(sp, k, lead)
	return sp
}

// product picks what the project builds: the slot's choice, or the kind's next product that
// suits the project's size.
func (g *gen) product(k *kindDef, s slot) product {
	if s.prod > 0 {
		return k.products[s.prod-1]
	}
	want := small
	if s.tier >= ding.Tier10 {
		want = big
	}
	for range len(k.products) {
		p := k.products[g.prodNext[k]%len(k.products)]
		g.prodNext[k]++
		if p.size == anySize || p.size == want {
			return p
		}
	}
	return k.products[0]
}

// ownerShort is a demo enterprise's short name.
func ownerShort(name string) string {
	var find func(u unitSpec) string
	find = func(u unitSpec) string {
		if u.name == name {
			return u.short
		}
		for _, c := range u.children {
			if s := find(c); s != "" {
				return s
			}
		}
		return ""
	}
	return find(orgTree())
}

func contentFor(f family, landMu float64, what string) string {
	area := landMu * 666.7 * 1.3 / 10_000 // 万平方米 at a plot ratio of 1.3
	switch f {
	case famFarm:
		return fmt.Sprintf("总用地约%.0f亩，建设%s，配套建设道路、管网、环保及冷链设施。", landMu, what)
	case famLogistics:
		return fmt.Sprintf("总用地约%.0f亩，总建筑面积约%.1f万平方米，建设%s，包括仓库、堆场、装卸设施及信息平台。", landMu, area, what)
	case famBuilding:
		return fmt.Sprintf("总用地约%.0f亩，总建筑面积约%.1f万平方米，建设%s及配套设施。", landMu, area, what)
	}
	if strings.Contains(what, "技术改造") {
		return fmt.Sprintf("在现有厂区实施%s，新增智能化生产设备，改造厂房约%.1f万平方米，提升产能、能效和本质安全水平。", what, area/2)
	}
	return fmt.Sprintf("总用地约%.0f亩，新建生产厂房、仓库及配套用房约%.1f万平方米，购置先进生产设备，建设%s生产线。", landMu, area, what)
}

// leadStory: a lead recorded by the investment-promotion centre, perhaps in talks, perhaps dropped.
func (g *gen) leadStory(sp *projSpec, k *kindDef, s slot) {
	p := &sp.p
	sp.unit, sp.location = uTCZX, k.locations[0]
	created := monthOf(2023, 3) + month(g.r.IntN(20)) // 2023-03 … 2024-10
	sp.created = created.day(g.between(3, 26))
	p.Code = g.code(created, k.code2, "03")
	last := sp.created
	if s.fate == fTalks || (s.fate == fDropLead && g.chance(0.5)) {
		last = sp.created.AddDays(g.between(30, 120))
		if last.After(dataEnd) {
			last = dataEnd.AddDays(-g.between(1, 20))
		}
		sp.steps = append(sp.steps, stageStep{to: ding.StageNegotiating, on: last})
	}
	if s.fate == fDropLead {
		on := last.AddDays(g.between(30, 150))
		if on.After(dataEnd) {
			on = dataEnd
		}
		sp.steps = append(sp.steps, stageStep{to: ding.StageDropped, on: on, reason: dropReasons[g.r.IntN(len(dropReasons)-1)]})
	}
	ps := monthOfDate(last) + month(g.between(6, 12))
	p.PlannedStart = ps.day(1)
	p.PlannedEnd = (ps + month(g.durationFor(ding.TierOf(p.TotalInvestment)))).day(1)
}

// signedStory: signed in year, then (depending on its fate) landed, started, built.
func (g *gen) signedStory(sp *projSpec, k *kindDef, s slot, year int) {
	p := &sp.p
	tier := ding.TierOf(p.TotalInvestment)
	sm := s.signMonth
	if sm == 0 {
		sm = g.between(1, 12)
		if s.fate == fStuck || s.fate == fLag {
			sm = g.between(1, 5) // early enough to be stuck, or to lag all of 2024
		}
		if s.fate == fNoStats {
			sm = g.between(1, 3)
		}
	}
	signed := monthOf(year, time.Month(sm)).day(g.between(3, 27))
	p.AgreementType = agreementTypes[g.r.IntN(len(agreementTypes))]
	typ := "03"
	if tier == ding.Tier100 {
		typ = "02"
	}
	p.Code = g.code(monthOfDate(signed), k.code2, typ)
	created := signed.AddDays(-30*g.talksFor(tier) - g.between(0, 40))
	sp.created = created
	if p.Investor != "soe" {
		sp.steps = append(sp.steps, stageStep{to: ding.StageNegotiating, on: created.AddDays(created.DaysUntil(signed) * g.between(25, 60) / 100)})
	}
	sp.steps = append(sp.steps, stageStep{to: ding.StageSigned, on: signed})
	last := signed
	if p.Nature == "new" && s.owner == "" {
		last = signed.AddDays(g.between(10, 50))
		if !last.After(dataEnd) {
			sp.steps = append(sp.steps, stageStep{to: ding.StageLanded, on: last})
		}
	}
	dur := g.durationFor(tier)
	delay := g.between(1, 4)
	if tier >= ding.Tier10 {
		delay = g.between(2, 5)
	}
	startM := monthOfDate(signed) + month(delay)
	if s.fate == fNoStats {
		startM = monthOf(lastYear, time.Month(g.between(5, 8)))
	}
	p.PlannedStart = startM.day(1)
	p.PlannedEnd = (startM + month(dur) - 1).day(28)
	switch s.fate {
	case fStuck:
		sp.setCurve(g, startM, dur, p.TotalInvestment)
		return
	case fDropSigned:
		on := monthOf(lastYear, time.Month(g.between(2, 6))).day(g.between(3, 27))
		sp.steps = append(sp.steps, stageStep{to: ding.StageDropped, on: on, reason: dropReasons[len(dropReasons)-1]})
		return
	}
	start := startM.day(g.between(5, 25))
	if !start.After(last) {
		start = last.AddDays(g.between(5, 15))
		startM = monthOfDate(start)
	}
	if start.After(dataEnd) {
		return // signed late in the last year: not started yet
	}
	if s.fate == fLag {
		// Behind from the start: still building through all of the last year.
		dur = max(dur, int(lastMonth-startM)+g.between(4, 10))
	}
	sp.start, sp.end = startM, startM+month(dur)-1
	sp.steps = append(sp.steps, stageStep{to: ding.StageStarted, on: start})
	sp.setCurve(g, startM, dur, p.TotalInvestment)
	if s.fate != fNoStats {
		if on := (startM + month(g.between(1, 2))).day(g.between(15, 28)); !on.After(dataEnd) {
			p.InStats, p.InStatsOn = true, on
		}
	}
	g.finish(sp, k.family)
}

// finish adds the stages after construction when they fall before dataEnd.
func (g *gen) finish(sp *projSpec, f family) {
	if sp.end > lastMonth || sp.fate == fLag {
		return
	}
	done := sp.end.day(g.between(10, 28))
	sp.steps = append(sp.steps, stageStep{to: ding.StageCompleted, on: done})
	if f >= famRoad {
		return // public works end at completion
	}
	prod := sp.end + month(g.between(1, 2))
	if prod > lastMonth {
		return
	}
	on := prod.day(g.between(5, 25))
	sp.steps = append(sp.steps, stageStep{to: ding.StageProducing, on: on})
	if stats := prod + month(g.between(2, 4)); stats <= lastMonth {
		sp.steps = append(sp.steps, stageStep{to: ding.StageInStats, on: stats.day(g.between(10, 28))})
	}
}

// setCurve lays out the planned spending over dur months from start: a hump that begins
// and ends slow, summing to 75–88% of the total investment (the rest comes after completion).
func (sp *projSpec) setCurve(g *gen, start month, dur int, total int64) {
	sp.spend = wan(float64(total) * g.uniform(0.75, 0.88))
	w := make([]float64, dur)
	var sum float64
	for i := range w {
		w[i] = math.Pow(math.Sin(math.Pi*(float64(i)+0.5)/float64(dur)), 0.8) + 0.15
		sum += w[i]
	}
	sp.curve = map[month]int64{}
	var acc int64
	for i := range w {
		v := wan(float64(sp.spend) * w[i] / sum)
		if i == dur-1 {
			v = sp.spend - acc
		}
		sp.curve[start+month(i)] = v
		acc += v
	}
	if sp.end == 0 {
		sp.end = start + month(dur) - 1 // planned, for a project that has not started
	}
}

// teamFor makes the 1+1+N team: the lead unit and one to three cooperating units.
func (g *gen) teamFor(sp *projSpec, k *kindDef, lead bool) []teamSpec {
	team := []teamSpec{{unit: sp.unit, contact: g.person(), phone: g.phone(), duty: "牵头推进项目建设"}}
	// The town or park on whose ground the project stands comes first, then the investment
	// centre that brought an enterprise in, then departments at random.
	var head, rest []string
	switch {
	case lead:
		team[0].duty = "项目招引洽谈"
		head, rest = []string{sp.location}, []string{k.coops[0]}
	case k == nil:
		rest = append(rest, govCoops[sp.fam]...) // a copy: the shuffle must not touch the table
	default:
		head, rest = []string{uTCZX}, append(rest, k.coops...)
	}
	if !lead && sp.location != sp.unit {
		head = append([]string{sp.location}, head...)
	}
	g.r.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
	pool := append(head, rest...)
	n := g.between(1, min(3, len(pool)))
	for _, u := range pool[:n] {
		if u == sp.unit {
			continue
		}
		duty, ok := duties[u]
		if !ok {
			duty = townDuty
		}
		team = append(team, teamSpec{unit: u, contact: g.person(), phone: g.phone(), duty: duty})
	}
	return team
}

// government generates a government-invested public work started in year (0: still in
// planning). Public works skip the lead stages: they go from 谋划 straight to 开工.
func (g *gen) government(w govProject, year int) *projSpec {
	sp := &projSpec{fam: w.fam, fate: fBuild, leader: "chenfq", unit: w.unit, location: w.loc}
	p := &sp.p
	p.Name, p.ShortName, p.OwnerName = w.name, w.short, w.owner
	if strings.HasSuffix(w.owner, "有限公司") {
		p.OwnerCode, _ = usccFor("330803", w.owner)
	}
	p.Investor, p.Nature = ding.InvestorGovernment, "new"
	p.TotalInvestment = int64(math.Round(g.uniform(w.minYi, w.maxYi)*10)) * ding.Yi / 10
	if p.TotalInvestment >= 10*ding.Yi {
		sp.leader = "lingdao"
	}
	industry := map[family][2]string{famRoad: {"G", "54"}, famWater: {"N", "76"}, famHousing: {"K", "70"}, famSchool: {"P", "83"}}[w.fam]
	p.Industry = industry[0]
	var dur int
	switch w.fam {
	case famRoad:
		dur = g.between(18, 30)
		p.Content = fmt.Sprintf("道路全长约%.1f公里，按一级公路（城市主干路）标准建设，包括路基、路面、桥涵及交通安全设施。", g.uniform(2, 12))
	case famWater:
		dur = g.between(12, 24)
		p.Content = fmt.Sprintf("治理河道（渠道）约%.1f公里，新建堤防、护岸、堤顶道路及配套设施。", g.uniform(3, 20))
	case famHousing:
		dur = g.between(24, 30)
		p.Content = fmt.Sprintf("总建筑面积约%.1f万平方米，建设安置住宅%d套及地下车库、社区配套用房。", float64(p.TotalInvestment)/float64(ding.Yi)*2.2, int(float64(p.TotalInvestment)/float64(ding.Yi)*180))
	default:
		dur = g.between(12, 18)
		p.Content = fmt.Sprintf("新建教学楼、综合楼、风雨操场及运动场，办学规模%d个班。", g.between(18, 48))
	}
	p.LandMu = math.Round(g.uniform(20, 200)*10) / 10
	if year == 0 {
		created := monthOf(lastYear, time.Month(g.between(3, 10)))
		sp.created = created.day(g.between(3, 26))
		p.Code = g.code(created, industry[1], "01")
		ps := monthOf(lastYear+1, time.Month(g.between(3, 9)))
		p.PlannedStart, p.PlannedEnd = ps.day(1), (ps + month(dur)).day(1)
		sp.team = g.teamFor(sp, nil, false)
		return sp
	}
	startM := monthOf(year, time.Month(g.between(2, 11)))
	created := startM - month(g.between(4, 10))
	sp.created = created.day(g.between(3, 26))
	p.Code = g.code(created, industry[1], "01")
	sp.start, sp.end = startM, startM+month(dur)-1
	p.PlannedStart, p.PlannedEnd = startM.day(1), sp.end.day(28)
	sp.steps = append(sp.steps, stageStep{to: ding.StageStarted, on: startM.day(g.between(5, 25))})
	sp.setCurve(g, startM, dur, p.TotalInvestment)
	if on := (startM + 1).day(g.between(15, 28)); !on.After(dataEnd) {
		p.InStats, p.InStatsOn = true, on
	}
	g.finish(sp, w.fam)
	sp.team = g.teamFor(sp, nil, false)
	return sp
}

// cohorts lists the enterprise projects by the year they were signed (0: leads).
func cohorts() []struct {
	year  int
	slots []slot
} {
	t100, t10, t1, t0 := ding.Tier100, ding.Tier10, ding.Tier1, ding.TierNone
	return []struct {
		year  int
		slots []slot
	}{
		{2020, []slot{
			{k: kPaper, tier: t10}, {k: kMaterial, tier: t10}, {k: kLithium, tier: t10},
			{k: kOptic, tier: t1}, {k: kMining, tier: t1}, {k: kFood, tier: t1}, {k: kChemical, tier: t1}, {k: kLogistics, tier: t1},
			{k: kCalcium, tier: t1}, {k: kFood, tier: t1}, {k: kPaper, tier: t1},
		}},
		{2021, []slot{
			{k: kPaper, tier: t10}, {k: kMaterial, tier: t10}, {k: kLithium, tier: t10},
			{k: kOptic, tier: t1}, {k: kDigital, tier: t1}, {k: kMining, tier: t1}, {k: kCalcium, tier: t1},
			{k: kChemical, tier: t1}, {k: kFood, tier: t1}, {k: kLogistics, tier: t1}, {k: kMining, tier: t1},
		}},
		{2022, []slot{
			{k: kLogistics, tier: t10, owner: "衢州衢江港航物流有限公司", name: "衢江港区二期工程", short: "港区二期", signMonth: 2, investor: "soe"},
			{k: kLithium, tier: t10, fate: fLag}, {k: kMaterial, tier: t10}, {k: kPaper, tier: t10}, {k: kOptic, tier: t10}, {k: kMining, tier: t10},
			{k: kPaper, tier: t1}, {k: kPaper, tier: t1},
			{k: kMaterial, tier: t1, fate: fLag}, {k: kMaterial, tier: t1}, {k: kMaterial, tier: t1},
			{k: kLithium, tier: t1}, {k: kLithium, tier: t1},
			{k: kOptic, tier: t1}, {k: kOptic, tier: t1, fate: fDropSigned},
			{k: kDigital, tier: t1, fate: fLag}, {k: kDigital, tier: t1}, {k: kDigital, tier: t1},
			{k: kMining, tier: t1}, {k: kCalcium, tier: t1}, {k: kCalcium, tier: t1},
			{k: kChemical, tier: t1}, {k: kChemical, tier: t1, fate: fStuck},
			{k: kFood, tier: t1}, {k: kDairy, tier: t1, owner: "衢州杜泽鹭湾乳业有限公司"}, {k: kAgri, tier: t1},
			{k: kLogistics, tier: t1, fate: fLag}, {k: kService, tier: t1},
			{k: kFood, tier: t0}, {k: kChemical, tier: t0}, {k: kCalcium, tier: t0, fate: fStuck},
			{k: kAgri, tier: t0}, {k: kDigital, tier: t0},
		}},
		// The article's year: 46 signings of 1亿+, 16 of them 10亿+ and 4 of those 100亿+.
		{2023, []slot{
			{k: kLithium, tier: t100, owner: "浙江信安锂电科技有限公司", signMonth: 2, prod: 1},
			{k: kOptic, tier: t100, owner: "衢州衢江晶辉光电科技有限公司", signMonth: 3, prod: 1, investor: "mixed"},
			{k: kMaterial, tier: t100, owner: "浙江衢江恒拓新材料有限公司", signMonth: 6, prod: 1},
			{k: kLithium, tier: t100, signMonth: 9, prod: 2, investor: "soe"},
			{k: kPaper, tier: t10, owner: "衢州江源特种纸业有限公司", prod: 1},
			{k: kMaterial, tier: t10, fate: fLag}, {k: kMaterial, tier: t10},
			{k: kOptic, tier: t10, signMonth: 2},
			{k: kDigital, tier: t10, owner: "衢州衢江数智电竞科技有限公司", name: "衢江电竞产业园项目", short: "电竞产业园", signMonth: 3},
			{k: kMining, tier: t10, owner: "衢州衢江重工矿山装备有限公司", prod: 1},
			{k: kAgri, tier: t10, prod: 1},
			{k: kChemical, tier: t10, owner: "衢州廿里精细化工有限公司", prod: 1},
			{k: kCalcium, tier: t10, owner: "衢州上方碳酸钙新材料有限公司", prod: 1},
			{k: kLogistics, tier: t10, investor: "soe"}, {k: kService, tier: t10, fate: fStuck}, {k: kLithium, tier: t10, investor: "foreign"},
			{k: kPaper, tier: t1}, {k: kPaper, tier: t1}, {k: kPaper, tier: t1, fate: fStuck},
			{k: kMaterial, tier: t1}, {k: kMaterial, tier: t1}, {k: kMaterial, tier: t1}, {k: kMaterial, tier: t1, fate: fStuck},
			{k: kLithium, tier: t1}, {k: kLithium, tier: t1, fate: fLag}, {k: kLithium, tier: t1},
			{k: kOptic, tier: t1}, {k: kOptic, tier: t1}, {k: kOptic, tier: t1},
			{k: kDigital, tier: t1}, {k: kDigital, tier: t1}, {k: kDigital, tier: t1},
			{k: kMining, tier: t1}, {k: kOptic, tier: t1},
			{k: kCalcium, tier: t1}, {k: kLithium, tier: t1},
			{k: kChemical, tier: t1}, {k: kChemical, tier: t1},
			{k: kFood, tier: t1, owner: "衢州高家绿源食品有限公司", prod: 1}, {k: kMaterial, tier: t1}, {k: kFood, tier: t1, fate: fStuck},
			{k: kDairy, tier: t1},
			{k: kAgri, tier: t1}, {k: kAgri, tier: t1, fate: fStuck},
			{k: kLogistics, tier: t1}, {k: kService, tier: t1},
			{k: kFood, tier: t0}, {k: kAgri, tier: t0}, {k: kChemical, tier: t0}, {k: kPaper, tier: t0}, {k: kDigital, tier: t0}, {k: kLogistics, tier: t0},
		}},
		{2024, []slot{
			{k: kOptic, tier: t10}, {k: kMaterial, tier: t10}, {k: kLithium, tier: t10},
			{k: kPaper, tier: t1}, {k: kMaterial, tier: t1, fate: fNoStats}, {k: kLithium, tier: t1}, {k: kOptic, tier: t1},
			{k: kDigital, tier: t1, fate: fNoStats}, {k: kMining, tier: t1, fate: fNoStats}, {k: kCalcium, tier: t1},
			{k: kChemical, tier: t1}, {k: kFood, tier: t1}, {k: kAgri, tier: t1}, {k: kLogistics, tier: t1},
			{k: kFood, tier: t0}, {k: kPaper, tier: t0}, {k: kDigital, tier: t0},
			{k: kLogistics, tier: t0, owner: "衢州衢江港航物流有限公司", name: "衢江港区一期技改提升工程", short: "港区一期技改", investor: "soe"},
		}},
		{0, []slot{
			{k: kLithium, tier: t100, fate: fTalks, prod: 1}, {k: kOptic, tier: t10, fate: fTalks}, {k: kMaterial, tier: t10, fate: fPlanning},
			{k: kMining, tier: t1, fate: fPlanning}, {k: kPaper, tier: t1, fate: fTalks}, {k: kDigital, tier: t1, fate: fPlanning},
			{k: kFood, tier: t1, fate: fTalks}, {k: kLogistics, tier: t10, fate: fPlanning}, {k: kService, tier: t10, fate: fTalks},
			{k: kAgri, tier: t1, fate: fPlanning}, {k: kChemical, tier: t1, fate: fTalks}, {k: kCalcium, tier: t1, fate: fPlanning},
			{k: kDairy, tier: t1, fate: fPlanning}, {k: kLithium, tier: t10, fate: fTalks},
			{k: kMaterial, tier: t10, fate: fDropLead}, {k: kChemical, tier: t1, fate: fDropLead},
			{k: kService, tier: t1, fate: fDropLead}, {k: kLithium, tier: t1, fate: fDropLead},
		}},
	}
}

// govStarts is the year each government work starts, parallel to govProjects (0: planning).
var govStarts = []int{2023, 2022, 2024, 2022, 2023, 2024, 2023, 2021, 2022, 2023, 2024, 0, 2022, 2022, 2021, 2023, 2024, 0, 2021, 2022, 2023, 0}

// generate makes the demo's projects: their facts, stories, plans and monthly reports.
//
// A few large projects dominate each year's figures, so some draws need the growth tuning to
// bend their figures too far. Seeds are tried in a fixed order from projectSeed and the first
// draw that tunes gently is kept: the demo is the same on every run.
func generate() ([]*projSpec, error) {
	var err error
	for seed := uint64(projectSeed); seed < projectSeed+maxSeeds; seed++ {
		var specs []*projSpec
		if specs, err = generateSeed(seed); err == nil {
			return specs, nil
		}
	}
	return nil, fmt.Errorf("no seed of %d tried tunes the growth: the last said %w", maxSeeds, err)
}

const maxSeeds = 500

// minScale and maxScale bound the tuning of a class's year: beyond them a year would stand
// out against its neighbours.
const minScale, maxScale = 0.85, 1.18

func generateSeed(seed uint64) ([]*projSpec, error) {
	g := draft(seed)
	if err := tuneGrowth(g.specs); err != nil {
		return nil, err
	}
	for _, sp := range g.specs {
		if err := sp.checkStory(); err != nil {
			return nil, fmt.Errorf("%s: %w", sp.p.Name, err)
		}
		if err := g.write(sp); err != nil {
			return nil, fmt.Errorf("%s: %w", sp.p.Name, err)
		}
	}
	return g.specs, nil
}

// checkStory replays the project's stage changes with the store's rule, so that a draw the
// store would refuse is dropped here, before anything is written.
func (sp *projSpec) checkStory() error {
	p := sp.p
	p.Stage, p.StageOn = ding.StagePlanning, sp.created
	signed := false
	for _, st := range sp.steps {
		if err := ding.CheckTransition(&p, signed, st.to, st.on, dataEnd, st.reason); err != nil {
			return fmt.Errorf("%s on %s: %w", st.to, st.on, err)
		}
		p.Stage, p.StageOn = st.to, st.on
		signed = signed || st.to == ding.StageSigned
	}
	return nil
}

// draft generates the projects and their figures before tuning.
func draft(seed uint64) *gen {
	g := newGen(seed)
	for _, c := range cohorts() {
		for _, s := range c.slots {
			g.specs = append(g.specs, g.enterprise(s, c.year))
		}
	}
	for i, w := range govProjects {
		g.specs = append(g.specs, g.government(w, govStarts[i]))
	}
	for _, sp := range g.specs {
		sp.p.Normalize()
		g.figures(sp)
	}
	return g
}

// figures fills the plans and the completed amounts from the curve: each year's plan is
// the curve; the actual amounts follow it with noise, and a lagging project falls far
// behind in the last year.
func (g *gen) figures(sp *projSpec) {
	if sp.curve == nil {
		return
	}
	months := make([]month, 0, len(sp.curve))
	for m := range sp.curve {
		months = append(months, m)
	}
	sort.Slice(months, func(i, j int) bool { return months[i] < months[j] })
	for _, m := range months {
		if m.idx() < 0 {
			if m < monthOf(firstYear, 1) {
				sp.before += sp.curve[m]
			}
			continue
		}
		y := m.year() - firstYear
		sp.plan[y][m.mon()-1] = sp.curve[m]
		sp.hasPlan[y] = true
	}
	if sp.start == 0 {
		return // planned but never started: the plan stands, nothing is done
	}
	perf := [nYears]float64{}
	for y := range perf {
		perf[y] = g.uniform(0.93, 1.07)
	}
	if sp.fate == fLag {
		sp.problem = lagProblems[g.r.IntN(len(lagProblems))]
	}
	for _, m := range months {
		i := m.idx()
		if i < 0 || m < sp.start {
			continue
		}
		f := perf[m.year()-firstYear] * g.uniform(0.88, 1.12)
		if sp.fate == fLag && m.year() == lastYear {
			if m.mon() <= 6 {
				f = g.uniform(0.2, 0.45)
			} else {
				f = g.uniform(0.5, 0.8)
			}
		}
		sp.done[i] = wan(float64(sp.curve[m]) * f)
		sp.reported[i] = true
	}
}

// tuneGrowth makes completed investment grow from 2022 to 2023 by the article's rates.
// Projects fall into classes by their three flags. The figures (done and planned) of each
// class are scaled, 2022 by g and 2023 by f, with the factors closest to 1 (least squares
// weighted by the amounts) that meet the three targets:
//
//	Σ_{c in k} f_c·a_c = R_k · Σ_{c in k} g_c·b_c   for each category k,
//
// where a and b are the classes' 2023 and 2022 amounts and R_k is 1 + the growth rate.
// The optimum has f_c = 1 + Σ_{k∋c} μ_k and g_c = 1 − Σ_{k∋c} R_k·μ_k, which turns the
// targets into a linear system in μ. Rounding to 万元 leaves a remainder per category,
// put on one month of one project outside the categories fixed before it.
func tuneGrowth(specs []*projSpec) error {
	const y22, y23 = 0, 1
	sum := func(in func(*ding.Project) bool, y int) int64 {
		var s int64
		for _, sp := range specs {
			if in(&sp.p) {
				s += sp.yearDone(y)
			}
		}
		return s
	}
	nt := len(growthTargets)
	class := func(p *ding.Project) int {
		c := 0
		for k, t := range growthTargets {
			if t.in(p) {
				c |= 1 << k
			}
		}
		return c
	}
	a, b := make([]float64, 1<<nt), make([]float64, 1<<nt)
	for _, sp := range specs {
		a[class(&sp.p)] += float64(sp.yearDone(y23))
		b[class(&sp.p)] += float64(sp.yearDone(y22))
	}
	r := make([]float64, nt)
	m := make([][]float64, nt)
	for k, t := range growthTargets {
		r[k] = float64(1000+t.perMil) / 1000
	}
	for k := range nt {
		m[k] = make([]float64, nt+1)
		for c := range a {
			if c&(1<<k) == 0 {
				continue
			}
			m[k][nt] += r[k]*b[c] - a[c]
			for j := range nt {
				if c&(1<<j) != 0 {
					m[k][j] += a[c] + r[k]*r[j]*b[c]
				}
			}
		}
	}
	mu, ok := solve(m)
	if !ok {
		return fmt.Errorf("cannot tune growth: the categories are not independent")
	}
	f, g := make([]float64, len(a)), make([]float64, len(a))
	for c := range f {
		f[c], g[c] = 1, 1
		for k := range nt {
			if c&(1<<k) != 0 {
				f[c] += mu[k]
				g[c] -= r[k] * mu[k]
			}
		}
		if (a[c] > 0 && (f[c] < minScale || f[c] > maxScale)) || (b[c] > 0 && (g[c] < minScale || g[c] > maxScale)) {
			return fmt.Errorf("cannot tune growth: projects of class %03b would be scaled by %.2f and %.2f", c, g[c], f[c])
		}
	}
	for _, sp := range specs {
		c := class(&sp.p)
		for y, fy := range [2]float64{y22: g[c], y23: f[c]} {
			for mo := range 12 {
				i := 12*y + mo
				sp.done[i] = wan(float64(sp.done[i]) * fy)
				sp.plan[y][mo] = wan(float64(sp.plan[y][mo]) * fy)
			}
		}
	}
	for _, t := range growthTargets {
		want := wan(float64(sum(t.in, y22)) * float64(1000+t.perMil) / 1000)
		rest := want - sum(t.in, y23)
		if rest == 0 {
			continue
		}
		var biggest *projSpec
		for _, sp := range specs {
			if t.adjust(&sp.p) && (biggest == nil || sp.yearDone(y23) > biggest.yearDone(y23)) {
				biggest = sp
			}
		}
		if biggest == nil || biggest.yearDone(y23) == 0 {
			return fmt.Errorf("cannot tune %s growth: no project to take the remainder", t.name)
		}
		mo := 11
		for mo > 0 && biggest.done[12*y23+mo] == 0 {
			mo--
		}
		if biggest.done[12*y23+mo]+rest < 0 {
			return fmt.Errorf("cannot tune %s growth: remainder %d too large", t.name, rest)
		}
		biggest.done[12*y23+mo] += rest
	}
	return nil
}

// solve solves the linear system of the augmented matrix m by Gaussian elimination.
func solve(m [][]float64) ([]float64, bool) {
	n := len(m)
	for col := range n {
		piv := col
		for r := col + 1; r < n; r++ {
			if math.Abs(m[r][col]) > math.Abs(m[piv][col]) {
				piv = r
			}
		}
		if math.Abs(m[piv][col]) < 1e-9 {
			return nil, false
		}
		m[col], m[piv] = m[piv], m[col]
		for r := range n {
			if r == col {
				continue
			}
			k := m[r][col] / m[col][col]
			for c := col; c <= n; c++ {
				m[r][c] -= k * m[col][c]
			}
		}
	}
	x := make([]float64, n)
	for i := range n {
		x[i] = m[i][n] / m[i][i]
	}
	return x, true
}

func (sp *projSpec) yearDone(y int) int64 {
	var s int64
	for _, v := range sp.done[12*y : 12*y+12] {
		s += v
	}
	return s
}

// write turns the figures into reports with 形象进度 and the plans' goals.
func (g *gen) write(sp *projSpec) error {
	// Tuning may push a project past its total investment; the last year is not tuned, so
	// it gives way.
	limit := sp.p.TotalInvestment*98/100 - sp.before - sp.yearDone(0) - sp.yearDone(1)
	if last := sp.yearDone(nYears - 1); last > limit {
		if limit < last/3 {
			return fmt.Errorf("completes more than its total investment %d", sp.p.TotalInvestment)
		}
		for i := 12 * (nYears - 1); i < nMonths; i++ {
			sp.done[i] = wan(float64(sp.done[i]) * float64(limit) / float64(last))
		}
	}
	cum := sp.before
	ph := phases[sp.fam]
	for i := range nMonths {
		if !sp.reported[i] {
			continue
		}
		m := monthOf(firstYear, 1) + month(i)
		cum += sp.done[i]
		pct := int(cum * 100 / max(sp.spend, 1))
		pct = min(max(pct, 1), 99)
		if m == sp.end && sp.fate != fLag {
			pct = 100
		}
		text, next := phaseText(ph, pct)
		r := ding.ProgressReport{Period: ding.MonthPeriod(m.year(), m.mon()).String(), Completed: sp.done[i], ProgressText: text, ProgressPct: pct, NextSteps: next}
		switch {
		case sp.problem != "" && m.year() == lastYear:
			r.Problems = sp.problem
			r.NextSteps = "倒排工期，" + next
		case g.chance(0.06):
			r.Problems = minorProblems[g.r.IntN(len(minorProblems))]
		}
		sp.reports = append(sp.reports, r)
	}
	// Goals: where the plan puts the project at the end of each year.
	cum = sp.before
	for y := range nYears {
		var planned int64
		for _, v := range sp.plan[y] {
			planned += v
		}
		if !sp.hasPlan[y] || planned == 0 {
			sp.hasPlan[y] = false
			continue
		}
		cum += planned
		pct := min(int(cum*100/max(sp.spend, 1)), 99)
		endsThisYear := sp.end.year() == firstYear+y
		if endsThisYear {
			sp.goals[y] = "年内" + ph[len(ph)-1].goal
		} else {
			sp.goals[y] = "年底前完成" + phaseAt(ph, pct).goal
		}
		if sp.curveStart().year() == firstYear+y && !endsThisYear {
			sp.goals[y] = "年内开工建设，" + sp.goals[y]
		}
	}
	return nil
}

func (sp *projSpec) curveStart() month {
	first := month(math.MaxInt32)
	for m := range sp.curve {
		first = min(first, m)
	}
	return first
}

func phaseAt(ph []phase, pct int) phase {
	for _, x := range ph {
		if pct <= x.upTo {
			return x
		}
	}
	return ph[len(ph)-1]
}

// phaseText is the 形象进度 text of a percentage: the phase, with how far into it.
func phaseText(ph []phase, pct int) (string, string) {
	prev := 0
	for _, x := range ph {
		if pct <= x.upTo {
			if !strings.Contains(x.text, "%d") {
				return x.text, x.next
			}
			within := (pct - prev) * 100 / max(x.upTo-prev, 1)
			return fmt.Sprintf(x.text, min(max(within, 5), 95)), x.next
		}
		prev = x.upTo
	}
	last := ph[len(ph)-1]
	return last.text, last.next
}

// seedProjects writes the generated projects through the store: each project is created
// (in order, so that ids are the same on every run), then gets its stage changes, team and
// annual plans, and finally all monthly reports go in by import, approved.
//
// On PostgreSQL every write is a round trip, and the projects do not touch each other once
// created, so the later writes run on a few connections at once. SQLite has one writer:
// there they run in turn.
func (s *seeder) seedProjects() error {
	if today := ding.Today(s.db.Now()); today.Before(dataEnd.AddDays(1)) {
		return fmt.Errorf("the demo's history runs to %s but the clock says %s", dataEnd, today)
	}
	specs, err := generate()
	if err != nil {
		return err
	}
	if err := s.db.SetChains(s.ctx, demoChains); err != nil {
		return fmt.Errorf("chains: %w", err)
	}
	leaders, err := s.seedLeaders()
	if err != nil {
		return err
	}
	ids := make([]int64, len(specs))
	for i, sp := range specs {
		if ids[i], err = s.createProject(sp, leaders); err != nil {
			return fmt.Errorf("project %s %s: %w", sp.p.Code, sp.p.Name, err)
		}
	}
	workers := 1
	if s.db.Dialect() == store.Postgres {
		workers = 4
	}
	plans := make([]int, len(specs))
	err = parallel(len(specs), workers, func(i int) error {
		var err error
		if plans[i], err = s.fillProject(specs[i], ids[i]); err != nil {
			return fmt.Errorf("project %s %s: %w", specs[i].p.Code, specs[i].p.Name, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, n := range plans {
		s.res.Plans += n
	}
	s.res.Projects = len(specs)

	// One import per worker, each with whole projects.
	batches := make([]store.ImportBatch, workers)
	for i, sp := range specs {
		b := &batches[i%workers]
		for _, r := range sp.reports {
			b.Reports = append(b.Reports, store.ImportReport{Row: len(b.Reports) + 2, Code: sp.p.Code, Report: r})
		}
	}
	counts := make([]int, workers)
	err = parallel(workers, workers, func(i int) error {
		b := batches[i]
		b.Source, b.Approve = "demo", true
		res, err := s.db.Import(s.ctx, b, true)
		if err != nil {
			return fmt.Errorf("reports: %w", err)
		}
		if len(res.Errors) > 0 {
			e := res.Errors[0]
			return fmt.Errorf("reports: %d rows refused, the first (row %d, %s): %w", len(res.Errors), e.Row, e.Field, e.Err)
		}
		counts[i] = res.Reports
		return nil
	})
	for _, n := range counts {
		s.res.Reports += n
	}
	return err
}

// parallel runs fn for 0…n−1 on up to workers goroutines and returns the first error;
// after an error no new call starts.
func parallel(n, workers int, fn func(i int) error) error {
	var (
		mu    sync.Mutex
		next  int
		first error
		wg    sync.WaitGroup
	)
	for range min(workers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				stop := first != nil || i >= n
				mu.Unlock()
				if stop {
					return
				}
				if err := fn(i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return first
}

// seedLeaders creates the added district leaders and returns every leader's id by username.
func (s *seeder) seedLeaders() (map[string]int64, error) {
	ids := map[string]int64{}
	users, _, err := s.db.FindUsers(s.ctx, ding.UserFilter{Role: ding.RoleLeader})
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		ids[u.Username] = u.ID
	}
	for _, spec := range newLeaders {
		un, err := s.unit(spec.unit)
		if err != nil {
			return nil, err
		}
		u := &ding.User{Username: spec.username, DisplayName: spec.displayName, UnitID: un.ID, Role: spec.role, Scope: spec.scope}
		if err := s.db.CreateUser(s.ctx, u, s.hash); err != nil {
			return nil, fmt.Errorf("user %s: %w", spec.username, err)
		}
		ids[u.Username] = u.ID
		s.res.Users++
		s.res.Logins = append(s.res.Logins, Login{Username: u.Username, Password: s.password, DisplayName: u.DisplayName, Role: string(u.Role), Unit: un.Name})
	}
	return ids, nil
}

// createProject creates a project as a lead (谋划) on the day it was first recorded.
func (s *seeder) createProject(sp *projSpec, leaders map[string]int64) (int64, error) {
	p := sp.p
	unit, err := s.unit(sp.unit)
	if err != nil {
		return 0, err
	}
	loc, err := s.unit(sp.location)
	if err != nil {
		return 0, err
	}
	p.UnitID, p.LocationID = unit.ID, loc.ID
	if p.LeaderID = leaders[sp.leader]; p.LeaderID == 0 {
		return 0, fmt.Errorf("no leader %s", sp.leader)
	}
	p.Stage, p.StageOn = ding.StagePlanning, sp.created
	if err := s.db.CreateProject(s.ctx, &p); err != nil {
		return 0, err
	}
	return p.ID, nil
}

// fillProject moves a created project through its stages and gives it its team and plans;
// it returns the number of plans.
func (s *seeder) fillProject(sp *projSpec, id int64) (int, error) {
	for _, st := range sp.steps {
		if _, err := s.db.TransitionProject(s.ctx, id, st.to, st.on, st.reason); err != nil {
			return 0, fmt.Errorf("%s on %s: %w", st.to, st.on, err)
		}
	}
	for i, t := range sp.team {
		u, err := s.unit(t.unit)
		if err != nil {
			return 0, err
		}
		m := &ding.TeamMember{ProjectID: id, UnitID: u.ID, Role: ding.TeamCoop, ContactName: t.contact, ContactPhone: t.phone, Duty: t.duty}
		if i == 0 {
			m.Role = ding.TeamLead
		}
		if err := s.db.SaveTeamMember(s.ctx, m); err != nil {
			return 0, fmt.Errorf("team %s: %w", t.unit, err)
		}
	}
	n := 0
	for y := range nYears {
		if !sp.hasPlan[y] {
			continue
		}
		a := &ding.AnnualPlan{ProjectID: id, Year: firstYear + y, Months: sp.plan[y], Goal: sp.goals[y]}
		for _, v := range a.Months {
			a.Total += v
		}
		if err := s.db.SavePlan(s.ctx, a); err != nil {
			return 0, fmt.Errorf("plan %d: %w", a.Year, err)
		}
		n++
	}
	return n, nil
}

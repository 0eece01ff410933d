package store

import (
	"fmt"
	"math/rand/v2"
	"time"

	"ding"
)

// The people and the demands of a generated province (Generate): users who can log in with
// one password, and demands and action items that went through their flow between January
// 2023 and genToday, written as the store's own steps would have left them.

// genToday is the end of the generated data: the items' clocks and escalation levels are
// as the nightly pass of that day left them.
var genToday = ding.Date{Year: 2024, Month: 12, Day: 20}

// genItemChunk is how many items are generated and written at a time.
const genItemChunk = 10_000

// GenUserGroup is a run of generated users of one role: usernames Format with 1 … Count
// (e.g. liaison000001 … liaison049400), user ids FirstID … FirstID+Count-1.
type GenUserGroup struct {
	Role    ding.Role `json:"role"`
	Format  string    `json:"format"`
	Count   int       `json:"count"`
	FirstID int64     `json:"first_id"`
}

// Username returns the username of the group's n-th user (1-based).
func (g GenUserGroup) Username(n int) string { return fmt.Sprintf(g.Format, n) }

// genUserLayout places the generated users. Leaders come first (user i+1 leads district i,
// which the projects' leader_id relies on), then the office staff, then the liaisons:
//   - leader%03d: one per district, scope unit_tree of the district;
//   - office%04d: office0001 at the province (root), then round the cities and the
//     districts in tree order, scope unit_tree;
//   - liaison%06d: round the lead units of the districts (their towns, departments and
//     parks, then the district itself) in tree order, scope unit — a liaison sees the
//     projects whose team has its unit and the items assigned to it.
type genUserLayout struct {
	leaders, offices, liaisons int
	officeUnits                []int64 // office i works at officeUnits[i % len]
	officeIndex                map[int64]int
	leadUnits                  []int64 // liaison j works at leadUnits[j % len]
	leadIndex                  map[int64]int
}

// layoutUsers divides o.Users: one leader per district, about 1 % office staff (at least
// one per city and district when there are enough users), the rest liaisons.
func (g *generator) layoutUsers() error {
	l := genUserLayout{leaders: len(g.districts), officeIndex: map[int64]int{}, leadIndex: map[int64]int{}}
	l.officeUnits = append(l.officeUnits, g.units[0].id)
	for _, u := range g.units {
		if u.kind == ding.UnitCity && u.depth == 1 {
			l.officeUnits = append(l.officeUnits, u.id)
		}
	}
	for _, d := range g.districts {
		l.officeUnits = append(l.officeUnits, d.id)
		for _, u := range d.leads {
			l.leadIndex[u] = len(l.leadUnits)
			l.leadUnits = append(l.leadUnits, u)
		}
	}
	for i, u := range l.officeUnits {
		l.officeIndex[u] = i
	}
	n := g.o.Users
	if n < l.leaders+2 {
		return fmt.Errorf("generate: at least %d users (a leader for each of the %d districts, an office and a liaison)", l.leaders+2, l.leaders)
	}
	l.offices = max(n/100, min(len(l.officeUnits), n/4), 1)
	l.offices = min(l.offices, n-l.leaders-1)
	l.liaisons = n - l.leaders - l.offices
	g.users = l
	return nil
}

func (l *genUserLayout) firstOffice() int64  { return int64(l.leaders + 1) }
func (l *genUserLayout) firstLiaison() int64 { return int64(l.leaders + l.offices + 1) }

// officeOf is the first office user of a unit (a city or a district), or the province's.
func (l *genUserLayout) officeOf(unit int64) int64 {
	if k, ok := l.officeIndex[unit]; ok && k < l.offices {
		return l.firstOffice() + int64(k)
	}
	return l.firstOffice()
}

// liaisonOf is the first liaison of a lead unit, or 0 when it has none.
func (l *genUserLayout) liaisonOf(unit int64) int64 {
	if k, ok := l.leadIndex[unit]; ok && k < l.liaisons {
		return l.firstLiaison() + int64(k)
	}
	return 0
}

func (l *genUserLayout) groups() []GenUserGroup {
	return []GenUserGroup{
		{Role: ding.RoleLeader, Format: "leader%03d", Count: l.leaders, FirstID: 1},
		{Role: ding.RoleOffice, Format: "office%04d", Count: l.offices, FirstID: l.firstOffice()},
		{Role: ding.RoleLiaison, Format: "liaison%06d", Count: l.liaisons, FirstID: l.firstLiaison()},
	}
}

// username is the username of a generated user id.
func (l *genUserLayout) username(id int64) string {
	for _, gr := range l.groups() {
		if id >= gr.FirstID && id < gr.FirstID+int64(gr.Count) {
			return gr.Username(int(id-gr.FirstID) + 1)
		}
	}
	return ""
}

// userRows makes the users' rows, all with the one password hash.
func (g *generator) userRows() *genTable {
	l := &g.users
	t := &genTable{name: "users", cols: genUserCols, vals: make([]any, 0, g.o.Users*len(genUserCols))}
	add := func(id int64, unit int64, role ding.Role, name string) {
		t.add(id, l.username(id), name, unit, string(role), string(role.DefaultScope()), "", "", "", g.o.PasswordHash, false, g.ts(g.now), g.ts(g.now))
	}
	for i, d := range g.districts {
		add(d.leader, d.id, ding.RoleLeader, genPerson(rand.New(rand.NewPCG(uint64(g.o.Seed), uint64(i)))))
	}
	person := func(id int64) string { return genPerson(rand.New(rand.NewPCG(uint64(g.o.Seed), uint64(id)+3<<32))) }
	for i := 0; i < l.offices; i++ {
		id := l.firstOffice() + int64(i)
		add(id, l.officeUnits[i%len(l.officeUnits)], ding.RoleOffice, person(id))
	}
	for j := 0; j < l.liaisons; j++ {
		id := l.firstLiaison() + int64(j)
		add(id, l.leadUnits[j%len(l.leadUnits)], ding.RoleLiaison, person(id))
	}
	return t
}

// Column lists of the item tables.
var (
	genItemCols = []string{"id", "kind", "project_id", "unit_id", "type", "title", "description", "request", "status", "raised_by", "raised_name",
		"raised_on", "accept_due", "decide_due", "close_due", "due", "level", "decision", "decided_by", "decided_name", "decided_at", "on_site",
		"meeting_id", "reason", "closed_on", "created_at", "updated_at", "version"}
	genItemUnitCols  = []string{"item_id", "unit_id", "lead", "part", "report", "reported_at", "done"}
	genItemEventCols = []string{"id", "item_id", "action", "from_status", "to_status", "unit_id", "user_id", "user_name", "comment", "at"}
)

// genItemUnit is an assigned unit while an item's rows are made.
type genItemUnit struct {
	unit     int64
	lead     bool
	part     string
	report   string
	reported time.Time
	done     bool
}

// itemBatch makes the rows of items [from, to); next numbers their events.
func (g *generator) itemBatch(from, to int, next *int64) *genBatch {
	b := &genBatch{}
	items := &genTable{name: "items", cols: genItemCols, vals: make([]any, 0, (to-from)*len(genItemCols))}
	units := &genTable{name: "item_units", cols: genItemUnitCols}
	events := &genTable{name: "item_events", cols: genItemEventCols}
	b.tables = []*genTable{items, units, events}
	for i := from; i < to; i++ {
		g.item(i, b, items, units, events, next)
	}
	return b
}

// item makes one demand or action item: what it concerns and who raised it, then its flow
// step by step from the day it was raised — each step a few working days after the last,
// now and then later than its clock allows — until a step would fall after genToday, or
// the item stalls (a few do, at some step, and stay overdue). The row is what the store's
// steps leave: status, clocks, the due date of the current step and its escalation level,
// the decision, the closing date, the version (one per step); each step is an event.
func (g *generator) item(i int, b *genBatch, items, units, events *genTable, next *int64) {
	r := rand.New(rand.NewPCG(uint64(g.o.Seed), uint64(i)+2<<32))
	id := int64(i + 1)
	l := &g.users
	kind := ding.DemandItem
	if r.IntN(100) < 15 {
		kind = ding.ActionItem
	}
	var pid any
	var di int
	var unit int64
	short := ""
	if g.o.Projects > 0 && r.IntN(100) < 90 {
		p := r.IntN(g.o.Projects)
		pid, di, unit, short = int64(p+1), p%len(g.districts), g.projLead[p], g.projShort[p]
	} else {
		di = r.IntN(len(g.districts))
		d := &g.districts[di]
		unit = d.leads[r.IntN(len(d.leads))]
		if kind == ding.ActionItem {
			unit = d.id // the office names its district
		}
	}
	d := &g.districts[di]
	office := l.officeOf(d.id)
	raiser := l.liaisonOf(unit)
	if kind == ding.ActionItem || raiser == 0 {
		raiser = office
	}

	// Texts.
	typ, what := "", ""
	var title, description, request string
	if kind == ding.DemandItem {
		typ = ding.DefaultDemandTypes[r.IntN(len(ding.DefaultDemandTypes))]
		opts := genDemandTopics[typ]
		what = opts[r.IntN(len(opts))]
		request = "请协调" + what + "，保障项目按期推进"
		description = "项目推进中遇到" + what + "问题，需相关部门协同解决。"
	} else {
		what = genActionTopics[r.IntN(len(genActionTopics))]
		description = "会议交办：" + what + "。"
	}
	if short != "" {
		title = short + "：" + what
	} else {
		title = "辖区" + what
	}

	// The raising day: a working day from January 2023 to genToday.
	first := ding.Date{Year: genFirstYear, Month: 1, Day: 3}
	span := int(genToday.Time().Sub(first.Time()).Hours() / 24)
	raised := first.AddDays(r.IntN(span + 1))
	if !g.cal.IsWorkday(raised) {
		raised = g.cal.AddWorkdays(raised, 1)
	}
	if raised.After(genToday) {
		raised = genToday
	}
	var last time.Time
	at := func(day ding.Date) time.Time {
		t := time.Date(day.Year, day.Month, day.Day, 9, r.IntN(480), r.IntN(60), 0, ding.Shanghai)
		if !t.After(last) {
			t = last.Add(time.Duration(5+r.IntN(55)) * time.Minute)
		}
		last = t
		return t
	}
	event := func(action string, from, to ding.ItemStatus, unit, user int64, comment string, t time.Time) {
		var u any
		if unit != 0 {
			u = unit
		}
		events.add(*next, id, action, string(from), string(to), u, user, l.username(user), comment, g.ts(t))
		*next++
		b.events++
	}

	var acceptDue, decideDue, closeDue, due, closedOn ding.Date
	var decidedBy, decidedAt any
	var decision, decidedName, reason string
	var assigned []genItemUnit
	onSite := false
	status := ding.ItemSubmitted
	version := 1
	created := at(raised)
	cur := raised
	// step moves the clock by delay working days; false when that falls after genToday or
	// the item stalls there.
	stallAt := 1 << 30
	if r.IntN(100) < 8 {
		stallAt = 1 + r.IntN(6)
	}
	steps := 0
	step := func(delay int) bool {
		steps++
		if steps >= stallAt {
			return false
		}
		d := g.cal.AddWorkdays(cur, delay)
		if d.After(genToday) {
			return false
		}
		cur = d
		return true
	}
	assign := func() {
		lead := unit
		if r.IntN(100) < 30 {
			lead = d.leads[r.IntN(len(d.leads))]
		}
		assigned = []genItemUnit{{unit: lead, lead: true, part: genDuties[r.IntN(len(genDuties))]}}
		for k := r.IntN(3); k > 0; k-- {
			u := d.leads[r.IntN(len(d.leads))]
			dup := false
			for _, a := range assigned {
				dup = dup || a.unit == u
			}
			if !dup {
				assigned = append(assigned, genItemUnit{unit: u, part: genDuties[r.IntN(len(genDuties))]})
			}
		}
	}
	actor := func(unit int64) int64 {
		if u := l.liaisonOf(unit); u != 0 {
			return u
		}
		return office
	}
	leader := d.leader

	func() {
		if kind == ding.ActionItem {
			assign()
			status, decision = ding.ItemDecided, "会议决定："+what
			closeDue = g.cal.AddWorkdays(raised, 5+r.IntN(16))
			due = closeDue
			decidedAt = g.ts(created)
			if r.IntN(2) == 0 {
				decidedBy, decidedName = leader, l.username(leader)
			} else {
				decidedName = l.username(office)
			}
			event("create", "", status, 0, raiser, "", created)
		} else {
			acceptDue = g.cal.AddWorkdays(raised, g.clocks.Accept)
			due = acceptDue
			event("create", "", status, 0, raiser, "", created)
			if !step(r.IntN(g.clocks.Accept + 2)) {
				return
			}
			if r.IntN(100) < 7 {
				reason = genRejectReasons[r.IntN(len(genRejectReasons))]
				event("reject", status, ding.ItemRejected, 0, office, reason, at(cur))
				status, due, version = ding.ItemRejected, ding.Date{}, version+1
				return
			}
			assign()
			decideDue = g.cal.AddWorkdays(cur, g.clocks.Decide)
			event("accept", status, ding.ItemAccepted, 0, office, "", at(cur))
			status, due, version = ding.ItemAccepted, decideDue, version+1
			if !step(r.IntN(g.clocks.Decide + 2)) {
				return
			}
			t := at(cur)
			decision, decidedBy, decidedName, decidedAt, onSite = "同意协调解决："+what, leader, l.username(leader), g.ts(t), r.IntN(100) < 20
			closeDue = g.cal.AddWorkdays(cur, g.clocks.Close)
			event("decide", status, ding.ItemDecided, 0, leader, decision, t)
			status, due, version = ding.ItemDecided, closeDue, version+1
		}
		// The units report (the lead last, saying it is done), then the lead unit closes.
		for k := 1 + r.IntN(len(assigned)+1); k > 0; k-- {
			if !step(2 + r.IntN(8)) {
				return
			}
			a := &assigned[r.IntN(len(assigned))]
			if k == 1 {
				a = &assigned[0]
			}
			t := at(cur)
			a.report, a.reported, a.done = genItemReports[r.IntN(len(genItemReports))], t, k == 1
			event("report", status, ding.ItemHandling, a.unit, actor(a.unit), a.report, t)
			status, version = ding.ItemHandling, version+1
		}
		if !step(r.IntN(3)) {
			return
		}
		event("close", status, ding.ItemClosed, 0, actor(assigned[0].unit), "问题已解决，申请办结", at(cur))
		status, due, closedOn, version = ding.ItemClosed, ding.Date{}, cur, version+1
		if r.IntN(100) >= 65 || !step(r.IntN(4)) {
			return
		}
		event("confirm", status, ding.ItemConfirmed, 0, raiser, "", at(cur))
		status, version = ding.ItemConfirmed, version+1
	}()

	// The nightly pass of genToday: a late step is escalated to the units at once and to
	// the leader after ItemClocks.Escalate more working days.
	level := 0
	if !due.IsZero() && due.Before(genToday) {
		days := g.cal.WorkdaysBetween(due, genToday)
		if days >= 1 {
			level = 1
		}
		if days > g.clocks.Escalate {
			level = 2
		}
	}
	items.add(id, string(kind), pid, unit, typ, title, description, request, string(status), raiser, l.username(raiser),
		g.date(raised), g.date(acceptDue), g.date(decideDue), g.date(closeDue), g.date(due), level, decision, decidedBy, decidedName, decidedAt, onSite,
		nil, reason, g.date(closedOn), g.ts(created), g.ts(last), version)
	for _, a := range assigned {
		var reported any
		if !a.reported.IsZero() {
			reported = g.ts(a.reported)
		}
		units.add(id, a.unit, a.lead, a.part, a.report, reported, a.done)
	}
	b.items++
	if kind == ding.DemandItem {
		b.demands++
	}
}

var (
	genDemandTopics = map[string][]string{
		"土地":  {"用地指标落实", "土地征收进度协调", "建设用地报批"},
		"规划":  {"规划条件调整", "建设工程规划许可办理"},
		"审批":  {"施工许可加快办理", "环评审批协调", "能评审查"},
		"资金":  {"专项资金拨付", "银行融资对接"},
		"水电气": {"施工用电接入", "供水管网接入", "天然气管道接入"},
		"政策":  {"招商政策兑现", "税收优惠落实"},
		"人才":  {"人才公寓保障", "高层次人才引进"},
		"其他":  {"周边道路配套", "施工噪声投诉协调"},
	}
	genActionTopics  = []string{"督办项目开工准备", "协调解决项目用地问题", "加快推进竣工验收", "落实要素保障", "推进项目入统"}
	genItemReports   = []string{"已对接企业，正在办理相关手续", "已召开协调会，明确责任分工", "已完成相关审批，待企业确认", "已现场踏勘，形成解决方案"}
	genRejectReasons = []string{"诉求不属于本级事权，建议向上级部门反映", "诉求内容不完整，请补充材料后重新提交", "该事项已有政策规定，按规定办理即可"}
)

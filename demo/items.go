package demo

import (
	"context"
	"fmt"
	"time"

	"ding"
	"ding/calendar"
	"ding/store"
)

// The demo's demands, meetings and 对赌 commitments (issue 5): replayed month by month
// with the warnings (seedWarnings), acting as the demo's own accounts so that every record
// says who did it. Each month three demands are raised; the office accepts them (one in
// four months it rejects one) and assigns a unit; weekly coordination meetings and the
// monthly meeting decide them on the spot and hand out action items; units report and
// close most of what is due; owners confirm most of what is closed. What is left open goes
// overdue and is escalated, as in real life.

// demoAct is a demo account acting.
type demoAct struct {
	user *ding.User
	ctx  context.Context
}

type itemSeeder struct {
	s        *seeder
	office   demoAct
	leaders  []demoAct
	liaisons map[int64]demoAct // by unit
	dept     int64             // 发改局: a co-unit of most demands
	projects []*ding.Project
	cal      *calendar.Calendar
	raised   []int64 // demand ids in the order raised
	n        int     // a counter for deterministic choices
}

func (s *seeder) itemSeeder() (*itemSeeder, error) {
	users, _, err := s.db.FindUsers(s.ctx, ding.UserFilter{})
	if err != nil {
		return nil, err
	}
	is := &itemSeeder{s: s, liaisons: map[int64]demoAct{}}
	for _, u := range users {
		a := demoAct{u, ding.WithActor(context.Background(), &ding.Actor{UserID: u.ID, Username: u.Username, UnitID: u.UnitID, Role: u.Role, Scope: u.Scope})}
		switch {
		case u.Username == "xmb":
			is.office = a
		case u.Role == ding.RoleLeader:
			is.leaders = append(is.leaders, a)
		case u.Role == ding.RoleLiaison:
			is.liaisons[u.UnitID] = a
		}
	}
	if is.office.user == nil || len(is.leaders) == 0 {
		return nil, fmt.Errorf("demo: the office or the leaders are missing")
	}
	dept, err := s.unit("衢江区发展和改革局")
	if err != nil {
		return nil, err
	}
	is.dept = dept.ID
	ps, _, err := s.db.FindProjects(s.ctx, ding.ProjectFilter{Year: demoYear, Sort: "code", Limit: 1000})
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		if p.Stage != ding.StageDropped {
			is.projects = append(is.projects, p)
		}
	}
	if is.cal, err = s.db.Calendar(s.ctx); err != nil {
		return nil, err
	}
	return is, nil
}

// on moves the demo's clock (the warning date) to a working day on or after d.
func (is *itemSeeder) on(d ding.Date) (ding.Date, error) {
	for !is.cal.IsWorkday(d) {
		d = d.AddDays(1)
	}
	is.s.clock(d)
	return d, is.s.db.SetWarningAsOf(is.s.ctx, d)
}

func (is *itemSeeder) next() int { is.n++; return is.n }

// raiser is who raises a demand on a project: the liaison of its lead unit, else the office.
func (is *itemSeeder) raiser(p *ding.Project) demoAct {
	if a, ok := is.liaisons[p.UnitID]; ok {
		return a
	}
	return is.office
}

var demoDemands = []struct{ typ, title, request string }{
	{"土地", "二期用地指标调剂", "请协调调剂二期建设用地指标 50 亩"},
	{"审批", "施工许可并联审批", "请相关部门并联审查，缩短施工许可办理时间"},
	{"水电气", "专线供电接入", "请供电公司加快 110kV 专线接入工程"},
	{"资金", "技改补助兑现", "请兑现上年度技术改造补助资金"},
	{"规划", "规划条件调整", "请研究调整容积率等规划条件"},
	{"政策", "招商政策兑现", "请按投资协议兑现设备投资奖励"},
	{"人才", "人才公寓配套", "请协调解决技术人员公寓 30 套"},
	{"其他", "周边道路配套", "请加快厂区连接道路建设"},
}

// month replays a month of demands and meetings (m from January).
func (is *itemSeeder) month(m time.Month) error {
	db := is.s.db
	first := ding.Date{Year: demoYear, Month: m, Day: 1}
	// Around the 5th: three demands are raised.
	day, err := is.on(first.AddDays(4))
	if err != nil {
		return err
	}
	var fresh []*ding.Item
	for k := 0; k < 3; k++ {
		n := is.next()
		p := is.projects[(n*37)%len(is.projects)]
		d := demoDemands[n%len(demoDemands)]
		it := &ding.Item{Kind: ding.DemandItem, ProjectID: p.ID, Type: d.typ, Title: d.title, Request: d.request,
			Description: fmt.Sprintf("%s：%s。", p.Name, d.request)}
		if err := db.CreateItem(is.raiser(p).ctx, it); err != nil {
			return fmt.Errorf("demand %q: %w", it.Title, err)
		}
		is.raised = append(is.raised, it.ID)
		fresh = append(fresh, it)
	}
	// The next working day the office accepts them — all but one in four months, which it
	// rejects, and in November and December it leaves one waiting (overdue).
	if _, err := is.on(day.AddDays(1)); err != nil {
		return err
	}
	for k, it := range fresh {
		switch {
		case k == 2 && m%4 == 0:
			if _, err := db.StepItem(is.office.ctx, it.ID, store.ItemStep{Action: ding.ItemReject,
				Comment: "诉求不属于政府职责范围，建议企业通过市场途径解决"}); err != nil {
				return err
			}
			continue
		case k == 2 && m >= time.November:
			continue
		}
		units := []ding.ItemUnit{{UnitID: it.UnitID, Lead: true, Part: "牵头协调，跟踪办理"}}
		if it.UnitID != is.dept {
			units = append(units, ding.ItemUnit{UnitID: is.dept, Part: "政策和要素保障"})
		}
		if _, err := db.StepItem(is.office.ctx, it.ID, store.ItemStep{Action: ding.ItemAccept, Units: units}); err != nil {
			return fmt.Errorf("accept %d: %w", it.ID, err)
		}
	}
	// A weekly coordination meeting around the 8th, the monthly meeting around the 15th (the
	// district holds more weekly ones; two a month keep the demo quick to seed).
	for _, mt := range []struct {
		day  int
		kind ding.MeetingKind
	}{{8, ding.MeetingWeekly}, {15, ding.MeetingMonthly}} {
		if err := is.meeting(first.AddDays(mt.day-1), mt.kind); err != nil {
			return err
		}
	}
	// Around the 26th the units report and close most of what was decided.
	if _, err := is.on(first.AddDays(25)); err != nil {
		return err
	}
	if err := is.handle(m); err != nil {
		return err
	}
	if m != time.December {
		return nil
	}
	// Just before the year's end a leader decides a demand from the desk: it waits to be
	// handled when the demo's year ends.
	if _, err := is.on(first.AddDays(26)); err != nil {
		return err
	}
	p := is.projects[(is.next()*37)%len(is.projects)]
	it := &ding.Item{Kind: ding.DemandItem, ProjectID: p.ID, Type: "水电气", Title: "天然气管道接入", Request: "请协调燃气公司年底前完成中压管道接入"}
	if err := db.CreateItem(is.raiser(p).ctx, it); err != nil {
		return err
	}
	if _, err := db.StepItem(is.office.ctx, it.ID, store.ItemStep{Action: ding.ItemAccept,
		Units: []ding.ItemUnit{{UnitID: it.UnitID, Lead: true, Part: "牵头协调"}}}); err != nil {
		return err
	}
	_, err = db.StepItem(is.leaders[0].ctx, it.ID, store.ItemStep{Action: ding.ItemDecide, Comment: "同意，元旦前完成接入。"})
	return err
}

// meeting holds a meeting on a day: the agenda is built from the data; the meeting decides
// the new demands on the spot and gives the red projects an action item.
func (is *itemSeeder) meeting(d ding.Date, kind ding.MeetingKind) error {
	db := is.s.db
	day, err := is.on(d)
	if err != nil {
		return err
	}
	chair := is.leaders[is.next()%len(is.leaders)]
	title := fmt.Sprintf("%d月重大项目月例会", day.Month)
	if kind == ding.MeetingWeekly {
		title = fmt.Sprintf("重大项目周协调会（%d月%d日）", day.Month, day.Day)
	}
	m := &ding.Meeting{Kind: kind, Title: title, StartsAt: time.Date(day.Year, day.Month, day.Day, 9, 0, 0, 0, ding.Shanghai),
		Place: "区行政中心 3 楼会议室", ChairID: chair.user.ID, Attendees: "区项目办，各乡镇（街道）、区级有关部门分管负责人",
		CommentDue: day.AddDays(-1)}
	if err := db.CreateMeeting(is.office.ctx, m); err != nil {
		return fmt.Errorf("meeting %s: %w", title, err)
	}
	agenda, err := db.Agenda(is.office.ctx, m.ID)
	if err != nil {
		return err
	}
	projects := 0       // red projects given an action item: two a meeting
	demandsDecided := 0 // in December, the monthly meeting decides one demand
	for _, a := range agenda {
		deadline := is.cal.AddWorkdays(day, 10)
		act := &ding.Item{Title: "落实会议议定：" + trimPrefix(a.Title), CloseDue: deadline,
			Units: []ding.ItemUnit{{UnitID: a.UnitID, Lead: true, Part: "牵头落实"}}}
		if a.UnitID != is.dept {
			act.Units = append(act.Units, ding.ItemUnit{UnitID: is.dept, Part: "配合保障"})
		}
		dec := store.AgendaDecision{Actions: []*ding.Item{act}}
		switch {
		case (a.Source == ding.AgendaNew || a.Source == ding.AgendaStanding) && a.ItemID != 0 &&
			(day.Month != time.December || (kind == ding.MeetingMonthly && demandsDecided == 0)): // December's others wait for a leader
			it, err := db.FindItem(is.office.ctx, a.ItemID)
			if err != nil {
				return err
			}
			if it.Status != ding.ItemAccepted {
				continue
			}
			dec.Decision, dec.DecideDemand = "同意该诉求，由牵头单位会同发改局于 10 个工作日内办结。", true
			demandsDecided++
		case a.Source == ding.AgendaStanding && a.ItemID == 0 && projects < 2:
			projects++
			dec.Decision = "项目进度滞后，牵头单位制定赶超计划，倒排工期，下次例会汇报。"
		default:
			continue
		}
		if a.UnitID == 0 {
			continue
		}
		if _, err := db.DecideAgendaItem(is.office.ctx, a.ID, dec); err != nil {
			return fmt.Errorf("%s, %s: %w", title, a.Title, err)
		}
	}
	_, err = db.HoldMeeting(is.office.ctx, m.ID, fmt.Sprintf("%s由%s主持召开，听取了各单位重大项目推进情况汇报，研究解决了项目推进中的有关问题。",
		title, chair.user.DisplayName), 0)
	return err
}

func trimPrefix(s string) string {
	for _, p := range []string{"新提交诉求：", "逾期诉求：", "跟踪落实："} {
		if len(s) > len(p) && s[:len(p)] == p {
			return s[len(p):]
		}
	}
	return s
}

// handle: the units report on and close two in three of the decided items; owners confirm
// most of what was closed earlier. December's leave more open.
func (is *itemSeeder) handle(m time.Month) error {
	db := is.s.db
	its, _, err := db.FindItems(is.office.ctx, store.ItemFilter{Open: true, Sort: "id"})
	if err != nil {
		return err
	}
	for _, it := range its {
		n := is.next()
		switch it.Status {
		case ding.ItemDecided, ding.ItemHandling:
			if (n%3 == 0 || (m == time.December && n%2 == 0)) && !(m == time.December && it.Kind == ding.DemandItem) {
				continue
			}
			// At the year's end some are still in hand: reported on, not closed.
			reportOnly := m == time.December && (n%3 == 1 || it.Kind == ding.DemandItem)
			if m == time.December && it.Kind == ding.DemandItem && it.Status == ding.ItemHandling {
				continue
			}
			for _, u := range it.Units {
				a, ok := is.liaisons[u.UnitID]
				if !ok {
					a = is.office
				}
				if _, err := db.StepItem(a.ctx, it.ID, store.ItemStep{Action: ding.ItemReport, UnitID: u.UnitID,
					Comment: "已按会议要求推进，相关手续已办理完毕。", Done: true}); err != nil {
					return fmt.Errorf("report %d: %w", it.ID, err)
				}
			}
			if reportOnly {
				continue
			}
			if _, err := db.StepItem(is.office.ctx, it.ID, store.ItemStep{Action: ding.ItemClose, Comment: "事项已办结，业主单位无异议。"}); err != nil {
				return fmt.Errorf("close %d: %w", it.ID, err)
			}
		case ding.ItemClosed:
			if n%5 == 0 {
				continue
			}
			if _, err := db.StepItem(is.office.ctx, it.ID, store.ItemStep{Action: ding.ItemConfirm}); err != nil {
				return fmt.Errorf("confirm %d: %w", it.ID, err)
			}
		}
	}
	return nil
}

// commitments records 对赌 clauses of the projects signed in 2023 and 2024: a start and a
// capital clause each, and for every third the government's land clause; the pass checks
// them, and the office confirms the land clauses it can (one broken).
func (is *itemSeeder) commitments() error {
	db := is.s.db
	n := 0
	for _, p := range is.projects {
		if p.SignedOn.IsZero() || p.SignedOn.Year < 2023 || p.SignedOn.Year > demoYear || p.TotalInvestment < ding.Yi {
			continue
		}
		n++
		if n > 18 {
			break
		}
		due := func(months int) ding.Date { return ding.DateOf(p.SignedOn.Time().AddDate(0, months, 0)) }
		cs := []*ding.Commitment{
			{ProjectID: p.ID, Side: ding.SideInvestor, Kind: ding.CommitStart, Clause: "签约后 6 个月内开工建设", Due: due(6),
				Penalty: "逾期未开工的，政府有权解除协议、收回土地"},
			{ProjectID: p.ID, Side: ding.SideInvestor, Kind: ding.CommitCapital, Amount: p.TotalInvestment / 5 / 10_000 * 10_000,
				Clause: "签约后 12 个月内固定资产投资到位不低于总投资的 20%", Due: due(12), Penalty: "按未到位部分的 1% 支付违约金"},
		}
		if n%3 == 0 {
			cs = append(cs, &ding.Commitment{ProjectID: p.ID, Side: ding.SideGovernment, Kind: ding.CommitLand,
				Clause: "签约后 3 个月内交付净地", Due: due(3), Penalty: "顺延企业开工和投产期限"})
		}
		for _, c := range cs {
			if err := db.CreateCommitment(is.office.ctx, c); err != nil {
				return fmt.Errorf("commitment of %s: %w", p.Name, err)
			}
			if c.Kind != ding.CommitLand || c.Status != ding.CommitAwaiting {
				continue
			}
			kept, note := true, "已按约定交付净地"
			if n == 9 {
				kept, note = false, "因征迁未完成，交地延期 2 个月"
			}
			if _, err := db.ConfirmCommitment(is.office.ctx, c.ID, kept, note, 0); err != nil {
				return fmt.Errorf("confirm commitment of %s: %w", p.Name, err)
			}
		}
	}
	return nil
}

package store_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"ding"
	"ding/store"
	"ding/store/storetest"
	"ding/warn"
)

func day(y int, m time.Month, d int) ding.Date { return ding.Date{Year: y, Month: m, Day: d} }

// setNow moves the store's clock to 10:00 in Shanghai on a day.
func setNow(db *store.DB, d ding.Date) {
	t := time.Date(d.Year, d.Month, d.Day, 2, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return t }
}

// onlyRule leaves enabled only the rules keep accepts and returns the first of them.
func onlyRule(t *testing.T, db *store.DB, ctx context.Context, keep func(r ding.Rule) bool) ding.Rule {
	t.Helper()
	rules, err := db.FindRules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var kept *ding.Rule
	for i, r := range rules {
		on := keep(r)
		if on && kept == nil {
			kept = &rules[i]
		}
		if err := db.SetRuleEnabled(ctx, r.ID, on); err != nil {
			t.Fatal(err)
		}
	}
	if kept == nil {
		t.Fatal("no rule kept")
	}
	r, err := db.FindRule(ctx, kept.ID)
	if err != nil {
		t.Fatal(err)
	}
	return *r
}

func lagPoints(r ding.Rule) bool { return r.Kind == ding.RuleInvestLag && r.Params.Measure == "points" }

// history renders a project's events as "opened:yellow", "raised:yellow>red" ….
func history(t *testing.T, db *store.DB, pid int64) []string {
	t.Helper()
	evs, err := db.WarningHistory(sys(), pid)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		switch e.Event {
		case store.EventOpened:
			out = append(out, "opened:"+string(e.To))
		case store.EventCleared:
			out = append(out, "cleared:"+string(e.From))
		default:
			out = append(out, e.Event+":"+string(e.From)+">"+string(e.To))
		}
	}
	return out
}

func submit(t *testing.T, db *store.DB, ctx context.Context, pid int64, period string, wan int64) *ding.ProgressReport {
	t.Helper()
	r := &ding.ProgressReport{ProjectID: pid, Period: period, Completed: wan * 10_000, ProgressText: "主体施工", ProgressPct: 30}
	if err := db.SubmitReport(ctx, r, nil); err != nil {
		t.Fatalf("report %s: %v", period, err)
	}
	return r
}

func evenPlan(pid int64, year int, wanPerMonth int64) *ding.AnnualPlan {
	a := &ding.AnnualPlan{ProjectID: pid, Year: year, Total: 12 * wanPerMonth * 10_000}
	for i := range a.Months {
		a.Months[i] = wanPerMonth * 10_000
	}
	return a
}

// projectWarnings returns the warnings of a project as the system sees them.
func projectWarnings(t *testing.T, db *store.DB, pid int64) []*store.ProjectWarning {
	t.Helper()
	ws, _, err := db.FindWarnings(sys(), store.WarningFilter{ProjectID: pid})
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

// noEvents runs the nightly pass and fails if it changes anything: the change path must
// have left exactly what the full pass computes.
func noEvents(t *testing.T, db *store.DB) store.WarningSummary {
	t.Helper()
	sum, err := db.RecomputeWarnings(sys(), ding.Date{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Events() != 0 {
		t.Fatalf("the nightly pass changed what the change path left: %+v", sum)
	}
	return sum
}

func TestWarnRulesCRUD(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := mkProjects(t, db)
		office := userCtx(f.office)
		rules, err := db.FindRules(userCtx(f.liA))
		if err != nil || len(rules) != len(warn.DefaultRules()) {
			t.Fatalf("seeded %d rules, want %d: %v", len(rules), len(warn.DefaultRules()), err)
		}
		// Seeding is once: reading again gives the same rules.
		again, _ := db.FindRules(office)
		if len(again) != len(rules) || again[0].ID != rules[0].ID {
			t.Fatalf("seeded twice: %d", len(again))
		}
		good := ding.Rule{Name: "重大项目滞后", Kind: ding.RuleInvestLag, Enabled: true,
			Scope:      ding.RuleScope{Tiers: []ding.Tier{ding.Tier10}, UnitIDs: []int64{f.townA.ID}},
			Params:     ding.RuleParams{Measure: "points", Timing: "day"},
			Thresholds: []ding.Threshold{{Colour: "yellow", Min: 5}, {Colour: "red", Min: 20}}, Persistence: 2}
		refused := []struct {
			name, key string
			edit      func(r *ding.Rule)
		}{
			{"overlapping thresholds", "warn.thresholds_overlap", func(r *ding.Rule) { r.Thresholds[1].Min = 5 }},
			{"inverted thresholds", "warn.thresholds_overlap", func(r *ding.Rule) { r.Thresholds[1].Min = 1 }},
			{"unknown kind", "warn.kind_invalid", func(r *ding.Rule) { r.Kind = "weather" }},
			{"scope matching nothing", "warn.scope_matches_nothing", func(r *ding.Rule) { r.Scope.Stages = []ding.Stage{ding.StagePlanning} }},
			{"unknown scope unit", "warn.scope_unit_unknown", func(r *ding.Rule) { r.Scope.UnitIDs = []int64{f.townA.ID, 987654} }},
			{"threshold not a number", "warn.threshold_not_number", func(r *ding.Rule) { r.Thresholds[0].Min = math.NaN() }},
			{"unknown colour", "warn.threshold_colour_unknown", func(r *ding.Rule) { r.Thresholds[0].Colour = "green" }},
			{"no name", "warn.rule_name_required", func(r *ding.Rule) { r.Name = "  " }},
		}
		for _, c := range refused {
			r := good
			r.Thresholds = append([]ding.Threshold(nil), good.Thresholds...)
			c.edit(&r)
			err := db.SaveRule(office, &r)
			if e := ding.AsError(err); e.Code != ding.EINVALID || e.Key != c.key {
				t.Errorf("%s: %v, want %s", c.name, err, c.key)
			}
		}
		// A liaison may not edit rules.
		r := good
		if err := db.SaveRule(userCtx(f.liA), &r); ding.ErrorCode(err) != ding.EFORBIDDEN {
			t.Fatalf("liaison saves a rule: %v", err)
		}
		if err := db.SaveRule(office, &r); err != nil || r.ID == 0 || r.Version != 1 {
			t.Fatalf("create: %+v %v", r, err)
		}
		got, err := db.FindRule(office, r.ID)
		if err != nil || got.Params.Timing != "day" || len(got.Scope.UnitIDs) != 1 || got.Thresholds[1].Min != 20 || got.Persistence != 2 {
			t.Fatalf("read back %+v %v", got, err)
		}
		// Two editors: the second save is refused, nothing is overwritten.
		a, b := *got, *got
		a.Name, b.Name = "甲", "乙"
		if err := db.SaveRule(office, &a); err != nil || a.Version != 2 {
			t.Fatalf("update: %v %d", err, a.Version)
		}
		if err := db.SaveRule(office, &b); ding.ErrorCode(err) != ding.ECONFLICT {
			t.Fatalf("stale update: %v", err)
		}
		if err := db.SetRuleEnabled(office, r.ID, false); err != nil {
			t.Fatal(err)
		}
		got, _ = db.FindRule(office, r.ID)
		if got.Name != "甲" || got.Enabled || got.Version != 3 {
			t.Fatalf("after disable %+v", got)
		}
		entries, n, err := db.FindAudit(sys(), ding.AuditFilter{Entity: "warning_rule", EntityID: r.ID})
		if err != nil || n != 3 {
			t.Fatalf("audit entries %d %v", n, err)
		}
		if entries[0].Action != "enable" || entries[2].Action != "create" {
			t.Fatalf("audit actions %s … %s", entries[0].Action, entries[2].Action)
		}

		// Colours: validated, and a colour in use cannot go.
		if err := db.SetColours(office, ding.ColourScheme{{Key: "red", Name: "红", Rank: 1}, {Key: "red", Name: "红", Rank: 2}}); ding.AsError(err).Key != "warn.colour_invalid" {
			t.Fatalf("duplicate colour: %v", err)
		}
		if err := db.SetColours(office, ding.ColourScheme{{Key: "yellow", Name: "黄", Rank: 1}, {Key: "red", Name: "红", Rank: 2}}); ding.AsError(err).Key != "warn.colour_in_use" {
			t.Fatalf("dropping blue used by a rule: %v", err)
		}
		scheme := append(ding.ColourScheme(nil), ding.DefaultColours...)
		scheme[0].Name = "蓝色"
		if err := db.SetColours(office, scheme); err != nil {
			t.Fatal(err)
		}
		if cs, _ := db.Colours(office); cs[0].Name != "蓝色" {
			t.Fatalf("colours %+v", cs)
		}
		if err := db.SetColours(userCtx(f.liA), scheme); ding.ErrorCode(err) != ding.EFORBIDDEN {
			t.Fatalf("liaison sets colours: %v", err)
		}
	})
}

// TestWarnLifecycle drives one project through real store writes: reports and a plan make
// it yellow, returned reports make it red, a large report clears it.
func TestWarnLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := mkProjects(t, db)
		office := userCtx(f.office)
		onlyRule(t, db, office, lagPoints)
		pid := f.p.ID
		if _, err := db.TransitionProject(office, pid, ding.StageStarted, day(2024, 2, 1), ""); err != nil {
			t.Fatal(err)
		}
		// 2024-06-20: 1—5月 is 41.7% of the year.
		feb := submit(t, db, userCtx(f.liA), pid, "2024-02", 100)
		mar := submit(t, db, userCtx(f.liA), pid, "2024-03", 100)
		submit(t, db, userCtx(f.liA), pid, "2024-04", 100)
		if ws := projectWarnings(t, db, pid); len(ws) != 0 {
			t.Fatalf("warnings without a plan: %+v", ws)
		}
		// 300 of 1,200万: 25.0%, 16.7 points behind → yellow.
		if err := db.SavePlan(office, evenPlan(pid, 2024, 100)); err != nil {
			t.Fatal(err)
		}
		ws := projectWarnings(t, db, pid)
		if len(ws) != 1 || ws[0].Colour != "yellow" || ws[0].Value != 16.7 || ws[0].OpenedOn != day(2024, 6, 20) || ws[0].Periods != 1 {
			t.Fatalf("after the plan: %+v", ws)
		}
		if ws[0].Reason != "warn.reason.invest_lag_points" || fmt.Sprint(ws[0].Args) != "[5 300 25.0 41.7 16.7]" {
			t.Fatalf("reason %s %v", ws[0].Reason, ws[0].Args)
		}
		// Returning February: 200万, 16.7%, 25.0 behind — still yellow, figures updated.
		if _, err := db.ReviewReport(office, feb.ID, false, "数据有误"); err != nil {
			t.Fatal(err)
		}
		if ws := projectWarnings(t, db, pid); ws[0].Colour != "yellow" || ws[0].Value != 25 {
			t.Fatalf("after returning February: %+v", ws[0])
		}
		// Returning March too: 100万, 8.3%, 33.3 behind → red.
		setNow(db, day(2024, 6, 21))
		if _, err := db.ReviewReport(office, mar.ID, false, "数据有误"); err != nil {
			t.Fatal(err)
		}
		ws = projectWarnings(t, db, pid)
		if ws[0].Colour != "red" || ws[0].ChangedOn != day(2024, 6, 21) || ws[0].OpenedOn != day(2024, 6, 20) {
			t.Fatalf("after returning March: %+v", ws[0])
		}
		if c, _ := db.ProjectColours(office, []int64{pid}); c[pid].Colour != "red" {
			t.Fatalf("project colour %+v", c)
		}
		noEvents(t, db)
		// A large May: 400万, 33.3%, 8.3 behind → clear.
		submit(t, db, userCtx(f.liA), pid, "2024-05", 300)
		if ws := projectWarnings(t, db, pid); len(ws) != 0 {
			t.Fatalf("after May: %+v", ws)
		}
		if c, _ := db.ProjectColours(office, []int64{pid}); len(c) != 0 {
			t.Fatalf("project colour after clearing %+v", c)
		}
		want := "opened:yellow raised:yellow>red cleared:red"
		if got := strings.Join(history(t, db, pid), " "); got != want {
			t.Fatalf("history %q, want %q", got, want)
		}
		evs, _ := db.WarningHistory(office, pid)
		if evs[0].On != day(2024, 6, 20) || evs[1].On != day(2024, 6, 21) || evs[2].RuleName == "" || evs[2].Value != 33.3 {
			t.Fatalf("events %+v %+v %+v", evs[0], evs[1], evs[2])
		}
		noEvents(t, db)
	})
}

// TestWarnPersistence: a yellow that holds into the next month escalates to red when its
// rule says two periods; the clock moving across the month end is enough.
func TestWarnPersistence(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := mkProjects(t, db)
		office := userCtx(f.office)
		rule := onlyRule(t, db, office, lagPoints)
		rule.Persistence = 2
		if err := db.SaveRule(office, &rule); err != nil {
			t.Fatal(err)
		}
		pid := f.p.ID
		if _, err := db.TransitionProject(office, pid, ding.StageStarted, day(2024, 2, 1), ""); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{"2024-02", "2024-03", "2024-04"} {
			submit(t, db, userCtx(f.liA), pid, p, 100)
		}
		if err := db.SavePlan(office, evenPlan(pid, 2024, 100)); err != nil {
			t.Fatal(err)
		}
		// The last day of June: 1—6月 is 50%, 300万 is 25%: yellow, first period.
		setNow(db, day(2024, 6, 30))
		sum, err := db.RecomputeWarnings(sys(), ding.Date{})
		if err != nil || sum.Escalated != 0 || sum.ByColour["yellow"] != 1 || sum.Projects != 1 {
			t.Fatalf("June 30: %+v %v", sum, err)
		}
		// July 1st: the same yellow, second period → escalated to red.
		setNow(db, day(2024, 7, 1))
		sum, err = db.RecomputeWarnings(sys(), ding.Date{})
		if err != nil || sum.Escalated != 1 || sum.ByColour["red"] != 1 {
			t.Fatalf("July 1: %+v %v", sum, err)
		}
		ws := projectWarnings(t, db, pid)
		if len(ws) != 1 || ws[0].Colour != "red" || ws[0].BaseColour != "yellow" || !ws[0].Escalated || ws[0].Periods != 2 {
			t.Fatalf("escalated warning %+v", ws[0])
		}
		noEvents(t, db)
		// Catching up clears it.
		want := "opened:yellow escalated:yellow>red"
		if got := strings.Join(history(t, db, pid), " "); got != want {
			t.Fatalf("history %q, want %q", got, want)
		}
		submit(t, db, userCtx(f.liA), pid, "2024-05", 300)
		submit(t, db, userCtx(f.liA), pid, "2024-06", 100)
		if ws := projectWarnings(t, db, pid); len(ws) != 0 {
			t.Fatalf("after catching up: %+v", ws)
		}
		noEvents(t, db)
	})
}

// TestWarnChangeEqualsNightly writes many kinds of change through the store, with every
// default rule on, and checks that the nightly pass finds nothing to change.
func TestWarnChangeEqualsNightly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := mkProjects(t, db)
		office := userCtx(f.office)
		mk := func(serial int, stage ding.Stage, planned ding.Date) *ding.Project {
			p := &ding.Project{Code: fmt.Sprintf("2301-330803-04-01-%06d", 100+serial), Name: fmt.Sprintf("项目%d", serial),
				UnitID: f.townA.ID, Investor: "private", TotalInvestment: 3 * ding.Yi, Stage: stage, PlannedStart: planned,
				PlannedEnd: day(2026, 1, 1), StageOn: day(2024, 1, 5)}
			if stage.Index() >= ding.StageSigned.Index() {
				p.SignedOn = day(2024, 1, 5)
			}
			if err := db.CreateProject(office, p); err != nil {
				t.Fatal(err)
			}
			return p
		}
		// Entered on April 1st, untouched since.
		setNow(db, day(2024, 4, 1))
		lead := mk(1, ding.StageNegotiating, ding.Date{}) // stale
		late := mk(2, ding.StageSigned, day(2024, 3, 15)) // start overdue since March
		soon := mk(3, ding.StageLanded, day(2024, 6, 25)) // start milestone due on June 25
		built := mk(4, ding.StageSigned, day(2024, 2, 1))
		// The calendar moves on: that is the nightly pass's to find.
		setNow(db, day(2024, 6, 20))
		if sum, err := db.RecomputeWarnings(sys(), ding.Date{}); err != nil || sum.Opened < 3 {
			t.Fatalf("June 20: %+v %v", sum, err)
		}
		// Changes through the store from here on.
		if _, err := db.TransitionProject(office, built.ID, ding.StageStarted, day(2024, 2, 1), ""); err != nil {
			t.Fatal(err)
		}
		if err := db.SavePlan(office, evenPlan(built.ID, 2024, 50)); err != nil {
			t.Fatal(err)
		}
		submit(t, db, userCtx(f.liA), built.ID, "2024-03", 40)
		ms, _ := db.FindMilestones(office, soon.ID)
		m := *ms[2] // 竣工
		m.PlannedOn = day(2024, 5, 1)
		if err := db.SaveMilestone(office, &m); err != nil {
			t.Fatal(err)
		}
		sum := noEvents(t, db)
		if sum.Projects != 5 || sum.Warnings < 5 {
			t.Fatalf("summary %+v", sum)
		}
		for _, c := range []struct {
			p    *ding.Project
			kind ding.RuleKind
		}{{lead, ding.RuleStageStale}, {late, ding.RuleStartOverdue}, {soon, ding.RuleMilestone}, {built, ding.RuleInvestLag},
			{built, ding.RuleReportMissing}, {built, ding.RuleStatsOverdue}} {
			ws, _, err := db.FindWarnings(office, store.WarningFilter{ProjectID: c.p.ID, Kind: c.kind})
			if err != nil || len(ws) == 0 {
				t.Errorf("%s: no %s warning (%v)", c.p.Name, c.kind, err)
			}
		}
		// An edit, a new stage, an import: still nothing for the nightly pass to do.
		p, _ := db.FindProjectByID(office, late.ID)
		p.PlannedStart = day(2024, 7, 1)
		if err := db.UpdateProject(office, p); err != nil {
			t.Fatal(err)
		}
		if ws, _, _ := db.FindWarnings(office, store.WarningFilter{ProjectID: late.ID, Kind: ding.RuleStartOverdue}); len(ws) != 0 {
			t.Fatalf("start no longer overdue: %+v", ws[0])
		}
		if _, err := db.TransitionProject(office, lead.ID, ding.StageSigned, day(2024, 6, 20), ""); err != nil {
			t.Fatal(err)
		}
		res, err := db.Import(office, store.ImportBatch{Source: "t.xlsx", Reports: []store.ImportReport{
			{Row: 2, Code: built.Code, Report: ding.ProgressReport{Period: "2024-04", Completed: 200 * 10_000, ProgressText: "主体"}},
			{Row: 3, Code: built.Code, Report: ding.ProgressReport{Period: "2024-05", Completed: 100 * 10_000, ProgressText: "主体"}},
			{Row: 4, Code: built.Code, Report: ding.ProgressReport{Period: "2024-06", Completed: 50 * 10_000, ProgressText: "主体"}},
		}}, true)
		if err != nil || !res.Committed {
			t.Fatalf("import %+v %v", res, err)
		}
		if ws, _, _ := db.FindWarnings(office, store.WarningFilter{ProjectID: built.ID, Kind: ding.RuleReportMissing}); len(ws) != 0 {
			t.Fatalf("report missing after the import: %+v", ws[0])
		}
		noEvents(t, db)
		// The calendar alone: a week later the milestone is overdue, found by the nightly pass.
		setNow(db, day(2024, 6, 27))
		sum, err = db.RecomputeWarnings(sys(), ding.Date{})
		if err != nil || sum.Events() == 0 {
			t.Fatalf("a week later: %+v %v", sum, err)
		}
		noEvents(t, db)
		// The next night only the figures move: one more day overdue, no event.
		before, _, _ := db.FindWarnings(office, store.WarningFilter{ProjectID: soon.ID, Kind: ding.RuleMilestone})
		setNow(db, day(2024, 6, 28))
		noEvents(t, db)
		after, _, _ := db.FindWarnings(office, store.WarningFilter{ProjectID: soon.ID, Kind: ding.RuleMilestone})
		if len(after) != len(before) || len(after) == 0 {
			t.Fatalf("milestone warnings %d then %d", len(before), len(after))
		}
		for i := range after {
			if after[i].Value != before[i].Value+1 || fmt.Sprint(after[i].Args) == fmt.Sprint(before[i].Args) || after[i].ChangedOn != before[i].ChangedOn {
				t.Errorf("figures not moved on: %+v → %+v", before[i], after[i])
			}
		}
	})
}

func TestWarnExemptions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := mkProjects(t, db)
		office := userCtx(f.office)
		rule := onlyRule(t, db, office, lagPoints)
		rule.Persistence = 2
		if err := db.SaveRule(office, &rule); err != nil {
			t.Fatal(err)
		}
		pid := f.p.ID
		if _, err := db.TransitionProject(office, pid, ding.StageStarted, day(2024, 2, 1), ""); err != nil {
			t.Fatal(err)
		}
		submit(t, db, userCtx(f.liA), pid, "2024-03", 300)
		if err := db.SavePlan(office, evenPlan(pid, 2024, 100)); err != nil {
			t.Fatal(err)
		}
		if c, _ := db.ProjectColours(office, []int64{pid}); c[pid] != (store.ProjectColour{Colour: "yellow"}) {
			t.Fatalf("colour before %+v", c)
		}
		// Requests: town B cannot see the project, a reason is required, one at a time.
		x := &store.Exemption{ProjectID: pid, Kind: store.ExemptForceMajeure, Reason: "  台风导致停工  ", ValidUntil: day(2024, 12, 31)}
		if err := db.RequestExemption(userCtx(f.liB), x); ding.ErrorCode(err) != ding.ENOTFOUND {
			t.Fatalf("town B requests: %v", err)
		}
		if err := db.RequestExemption(userCtx(f.leader), x); ding.ErrorCode(err) != ding.EFORBIDDEN {
			t.Fatalf("leader requests: %v", err)
		}
		blank := *x
		blank.Reason = " "
		if err := db.RequestExemption(userCtx(f.liA), &blank); ding.AsError(err).Key != "warn.exemption_reason_required" {
			t.Fatalf("no reason: %v", err)
		}
		bad := *x
		bad.Kind = "bored"
		if err := db.RequestExemption(userCtx(f.liA), &bad); ding.AsError(err).Field != "kind" {
			t.Fatalf("bad kind: %v", err)
		}
		if err := db.RequestExemption(userCtx(f.liA), x); err != nil || x.ID == 0 || x.Reason != "台风导致停工" || x.Status != store.ExemptionRequested {
			t.Fatalf("request %+v %v", x, err)
		}
		dup := *x
		if err := db.RequestExemption(userCtx(f.liA), &dup); ding.ErrorCode(err) != ding.ECONFLICT {
			t.Fatalf("second request: %v", err)
		}
		// Decisions: the office only, a rejection needs a comment.
		if _, err := db.DecideExemption(userCtx(f.liA), x.ID, true, "", ding.Date{}); ding.ErrorCode(err) != ding.EFORBIDDEN {
			t.Fatalf("liaison decides: %v", err)
		}
		if _, err := db.DecideExemption(office, x.ID, false, "", ding.Date{}); ding.AsError(err).Key != "warn.exemption_comment_required" {
			t.Fatalf("reject without comment: %v", err)
		}
		got, err := db.DecideExemption(office, x.ID, true, "同意", ding.Date{})
		if err != nil || got.Status != store.ExemptionApproved || got.ValidUntil != day(2024, 12, 31) || got.DecidedAt == nil {
			t.Fatalf("approve %+v %v", got, err)
		}
		if _, err := db.DecideExemption(office, x.ID, true, "", ding.Date{}); ding.ErrorCode(err) != ding.ECONFLICT {
			t.Fatalf("decided twice: %v", err)
		}
		// The office heard of the request, the requester of the decision.
		if ev := inboxEvents(t, db, f.office); ev["exemption.requested"] != 1 {
			t.Fatalf("office's inbox: %v", ev)
		}
		if ev := inboxEvents(t, db, f.liA); ev["exemption.decided"] != 1 {
			t.Fatalf("requester's inbox: %v", ev)
		}
		// Exempt: the computed colour stays visible beside the exemption.
		if c, _ := db.ProjectColours(office, []int64{pid}); c[pid] != (store.ProjectColour{Colour: "yellow", Exempt: true}) {
			t.Fatalf("colour exempt %+v", c)
		}
		b, err := db.FindWarningBoard(office, 0)
		if err != nil || b.Exempt != 1 || b.Projects["yellow"] != 0 || b.Opened != 1 {
			t.Fatalf("board %+v %v", b, err)
		}
		yes := true
		if ws, n, _ := db.FindWarnings(office, store.WarningFilter{Exempt: &yes}); n != 1 || !ws[0].Exempt || ws[0].Colour != "yellow" {
			t.Fatalf("exempt warnings %d", n)
		}
		// A month later the yellow persists but does not escalate while exempt …
		setNow(db, day(2024, 7, 2))
		sum, err := db.RecomputeWarnings(sys(), ding.Date{})
		if err != nil || sum.Escalated != 0 || sum.Exempt != 1 {
			t.Fatalf("exempt month: %+v %v", sum, err)
		}
		// … and does once the exemption is revoked.
		if _, err := db.RevokeExemption(office, x.ID, "已复工"); err != nil {
			t.Fatal(err)
		}
		if c, _ := db.ProjectColours(office, []int64{pid}); c[pid] != (store.ProjectColour{Colour: "red"}) {
			t.Fatalf("colour after revoking %+v", c)
		}
		xs, n, err := db.FindExemptions(office, store.ExemptionFilter{ProjectID: pid})
		if err != nil || n != 1 || xs[0].Status != store.ExemptionRevoked || xs[0].ProjectName != f.p.Name {
			t.Fatalf("exemptions %d %v", n, err)
		}
		if _, n, _ := db.FindExemptions(userCtx(f.liB), store.ExemptionFilter{}); n != 0 {
			t.Fatalf("town B sees %d exemptions", n)
		}
		_, n, err = db.FindAudit(sys(), ding.AuditFilter{Entity: "exemption", EntityID: x.ID})
		if err != nil || n != 3 {
			t.Fatalf("audit entries %d %v", n, err)
		}
		noEvents(t, db)
		// An exemption that has expired no longer counts: the nightly pass notices.
		y := &store.Exemption{ProjectID: pid, Kind: store.ExemptPolicy, Reason: "政策调整", ValidUntil: day(2024, 7, 10)}
		if err := db.RequestExemption(office, y); err != nil {
			t.Fatal(err)
		}
		if _, err := db.DecideExemption(office, y.ID, true, "", ding.Date{}); err != nil {
			t.Fatal(err)
		}
		if c, _ := db.ProjectColours(office, []int64{pid}); !c[pid].Exempt {
			t.Fatalf("not exempt %+v", c)
		}
		setNow(db, day(2024, 7, 11))
		if _, err := db.RecomputeWarnings(sys(), ding.Date{}); err != nil {
			t.Fatal(err)
		}
		if c, _ := db.ProjectColours(office, []int64{pid}); c[pid].Exempt {
			t.Fatalf("still exempt after valid_until %+v", c)
		}
	})
}

func TestWarnScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := mkProjects(t, db)
		office := userCtx(f.office)
		onlyRule(t, db, office, lagPoints)
		pid := f.p.ID
		if _, err := db.TransitionProject(office, pid, ding.StageStarted, day(2024, 2, 1), ""); err != nil {
			t.Fatal(err)
		}
		if err := db.SavePlan(office, evenPlan(pid, 2024, 100)); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			who  *ding.User
			want int
		}{{f.liA, 1}, {f.office, 1}, {f.leader, 1}, {f.liB, 0}} {
			ws, n, err := db.FindWarnings(userCtx(c.who), store.WarningFilter{})
			if err != nil || n != c.want || len(ws) != c.want {
				t.Errorf("%s sees %d warnings, want %d (%v)", c.who.Username, n, c.want, err)
			}
			b, err := db.FindWarningBoard(userCtx(c.who), 0)
			if err != nil || b.Projects["red"] != c.want || b.Warnings["red"] != c.want {
				t.Errorf("%s's board %+v %v", c.who.Username, b, err)
			}
			cs, _ := db.ProjectColours(userCtx(c.who), []int64{pid})
			if len(cs) != c.want {
				t.Errorf("%s sees colours %+v", c.who.Username, cs)
			}
		}
		if _, err := db.WarningHistory(userCtx(f.liB), pid); ding.ErrorCode(err) != ding.ENOTFOUND {
			t.Fatalf("town B reads the history: %v", err)
		}
		// Filters: by colour, by the lead unit's subtree.
		if _, n, _ := db.FindWarnings(office, store.WarningFilter{Colour: "yellow"}); n != 0 {
			t.Fatalf("yellow: %d", n)
		}
		if _, n, _ := db.FindWarnings(office, store.WarningFilter{UnitID: f.townB.ID}); n != 0 {
			t.Fatalf("under town B: %d", n)
		}
		if ws, n, _ := db.FindWarnings(office, store.WarningFilter{UnitID: f.district.ID, Colour: "red"}); n != 1 || ws[0].UnitName != "樟潭街道" {
			t.Fatalf("under the district: %d", n)
		}
		b, _ := db.FindWarningBoard(office, 0)
		if len(b.ByUnit) != 1 || b.ByUnit[0].UnitID != f.townA.ID || b.ByUnit[0].Projects["red"] != 1 {
			t.Fatalf("by unit %+v", b.ByUnit)
		}
	})
}

// TestWarnAsOf: the as-of setting makes the engine judge on that date, on both paths.
func TestWarnAsOf(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := mkProjects(t, db)
		office := userCtx(f.office)
		onlyRule(t, db, office, lagPoints)
		pid := f.p.ID
		if _, err := db.TransitionProject(office, pid, ding.StageStarted, day(2024, 2, 1), ""); err != nil {
			t.Fatal(err)
		}
		submit(t, db, userCtx(f.liA), pid, "2024-03", 300)
		if err := db.SetWarningAsOf(userCtx(f.liA), day(2024, 3, 31)); ding.ErrorCode(err) != ding.EFORBIDDEN {
			t.Fatalf("liaison sets the date: %v", err)
		}
		// On 2024-03-31, 300 of 1,200万 is exactly 时序 (25%): no warning; by the clock
		// (2024-06-20) it is 16.7 behind.
		if err := db.SetWarningAsOf(office, day(2024, 3, 31)); err != nil {
			t.Fatal(err)
		}
		if err := db.SavePlan(office, evenPlan(pid, 2024, 100)); err != nil {
			t.Fatal(err)
		}
		if ws := projectWarnings(t, db, pid); len(ws) != 0 {
			t.Fatalf("as of March 31: %+v", ws)
		}
		sum := noEvents(t, db)
		if sum.Today != day(2024, 3, 31) {
			t.Fatalf("today %s", sum.Today)
		}
		if err := db.SetWarningAsOf(office, ding.Date{}); err != nil {
			t.Fatal(err)
		}
		sum, err := db.RecomputeWarnings(sys(), ding.Date{})
		if err != nil || sum.Opened != 1 || sum.Today != day(2024, 6, 20) {
			t.Fatalf("by the clock: %+v %v", sum, err)
		}
	})
}

// TestWarnGeneratedPaths runs both paths over a generated district: the nightly pass, then
// the change path on every project, must agree; and the state of one project read alone
// must equal its state read with all the others.
func TestWarnGeneratedPaths(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := sys()
		setNow(db, day(2024, 12, 20))
		if _, err := db.Generate(ctx, store.GenOptions{Seed: 3, Units: 60, Projects: 300, ReportsPerProject: 24}); err != nil {
			t.Fatal(err)
		}
		sum, err := db.RecomputeWarnings(ctx, ding.Date{})
		if err != nil || sum.Projects != 300 || sum.Warnings == 0 || sum.Opened != sum.Warnings {
			t.Fatalf("first pass %+v %v", sum, err)
		}
		kinds := map[ding.RuleKind]bool{}
		ws, _, _ := db.FindWarnings(ctx, store.WarningFilter{})
		for _, w := range ws {
			kinds[w.Kind] = true
		}
		if len(kinds) < 4 {
			t.Fatalf("only %v fire on the generated data", kinds)
		}
		ids := make([]int64, 300)
		for i := range ids {
			ids[i] = int64(i + 1)
		}
		if n, err := db.ReevaluateForTest(ctx, ids); err != nil || n != 0 {
			t.Fatalf("the change path after the nightly pass wrote %d events: %v", n, err)
		}
		// A day later the nightly pass moves figures and opens what the calendar opens;
		// the change path then agrees again.
		setNow(db, day(2024, 12, 21))
		if _, err := db.RecomputeWarnings(ctx, ding.Date{}); err != nil {
			t.Fatal(err)
		}
		if n, err := db.ReevaluateForTest(ctx, ids); err != nil || n != 0 {
			t.Fatalf("a day later the change path wrote %d events: %v", n, err)
		}
		// Month-end: January judges a new year.
		setNow(db, day(2025, 1, 2))
		if _, err := db.ReevaluateForTest(ctx, ids); err != nil {
			t.Fatal(err)
		}
		noEvents(t, db)

		all, err := db.LoadStatesForTest(ctx, nil, day(2024, 12, 20))
		if err != nil || len(all) != 300 {
			t.Fatalf("all states: %d %v", len(all), err)
		}
		for _, i := range []int{0, 17, 150, 299} {
			one, err := db.LoadStatesForTest(ctx, []int64{all[i].Project.ID}, day(2024, 12, 20))
			if err != nil || len(one) != 1 {
				t.Fatalf("one state: %v", err)
			}
			if a, b := fmt.Sprintf("%+v", *one[0]), fmt.Sprintf("%+v", *all[i]); a != b {
				t.Errorf("project %d alone:\n%s\nwith all:\n%s", all[i].Project.ID, a, b)
			}
		}
	})
}

// TestWarnNotifies: warning events reach the lead unit's liaison as one digest each, and the
// project leader when a warning turns red — queued in the transaction that opened them.
func TestWarnNotifies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := mkProjects(t, db)
		office := userCtx(f.office)
		onlyRule(t, db, office, lagPoints)
		if err := db.SetLadder(office, ding.Ladder{}); err != nil { // the ladder's own messages: escalations_test.go
			t.Fatal(err)
		}
		pid := f.p.ID
		if _, err := db.TransitionProject(office, pid, ding.StageStarted, day(2024, 2, 1), ""); err != nil {
			t.Fatal(err)
		}
		feb := submit(t, db, userCtx(f.liA), pid, "2024-02", 100)
		mar := submit(t, db, userCtx(f.liA), pid, "2024-03", 100)
		submit(t, db, userCtx(f.liA), pid, "2024-04", 100)
		if err := db.SavePlan(office, evenPlan(pid, 2024, 100)); err != nil { // → yellow
			t.Fatal(err)
		}
		items, n, err := db.Inbox(userCtx(f.liA), store.InboxFilter{})
		if err != nil || n != 1 || items[0].Event != "warning.opened" || !strings.Contains(items[0].Body, "落后 16.7 个百分点") ||
			!strings.Contains(items[0].Body, "【黄】") || items[0].Link != fmt.Sprintf("/projects/%d/warnings", pid) {
			t.Fatalf("liaison's inbox after yellow: %d %+v %v", n, items, err)
		}
		if _, n, _ := db.Inbox(userCtx(f.leader), store.InboxFilter{}); n != 0 {
			t.Fatalf("the leader was told of a yellow: %d", n)
		}
		// Town B's liaison hears nothing of town A's project.
		if _, n, _ := db.Inbox(userCtx(f.liB), store.InboxFilter{}); n != 0 {
			t.Fatalf("town B's liaison got %d items", n)
		}
		for _, r := range []*ding.ProgressReport{feb, mar} { // → red
			if _, err := db.ReviewReport(office, r.ID, false, "数据有误"); err != nil {
				t.Fatal(err)
			}
		}
		items, n, _ = db.Inbox(userCtx(f.leader), store.InboxFilter{})
		if n != 1 || items[0].Event != "warning.changed" || !strings.Contains(items[0].Body, "【红】") {
			t.Fatalf("leader's inbox after red: %d %+v", n, items)
		}
	})
}

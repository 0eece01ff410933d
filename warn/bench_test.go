package warn

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"ding"
)

// genStates makes n projects spread over the lifecycle, with plans, completions, reports,
// milestones and open items, a share of them behind in each respect.
func genStates(n int, today ding.Date) []ProjectState {
	rng := rand.New(rand.NewPCG(4, 2024))
	stages := []ding.Stage{ding.StagePlanning, ding.StageNegotiating, ding.StageSigned, ding.StageLanded,
		ding.StageStarted, ding.StageStarted, ding.StageStarted, ding.StageCompleted, ding.StageProducing, ding.StageInStats, ding.StageDropped}
	jan1 := ding.Date{Year: today.Year, Month: 1, Day: 1}
	sts := make([]ProjectState, n)
	for i := range sts {
		st := &sts[i]
		p := &st.Project
		p.ID = int64(i + 1)
		p.UnitID = int64(10 + rng.IntN(40))
		st.UnitPath = []int64{p.UnitID, 2, 1}
		p.Stage = stages[rng.IntN(len(stages))]
		p.TotalInvestment = (1 + rng.Int64N(200)) * ding.Yi / 4
		p.Manufacturing = rng.IntN(2) == 0
		p.StageOn = today.AddDays(-rng.IntN(200))
		st.LastUpdate = today.AddDays(-rng.IntN(90))
		p.PlannedStart = jan1.AddDays(rng.IntN(300) - 60)
		started := p.Stage.Index() >= ding.StageStarted.Index()
		if started {
			p.ActualStart = p.PlannedStart.AddDays(rng.IntN(120) - 200)
			p.InStats = p.Stage == ding.StageInStats || rng.IntN(3) == 0
			st.Year = today.Year
			st.PlanTotal = (1 + rng.Int64N(100)) * 10_000_000
			st.Reported = map[string]bool{}
			for m := 0; m < 12; m++ {
				st.Planned[m] = st.PlanTotal / 12
				if m < int(today.Month) {
					st.Completed[m] = st.PlanTotal / 12 * int64(50+rng.IntN(70)) / 100
					if rng.IntN(10) > 0 {
						st.Reported[yearMonth(today.Year, m+1)] = true
					}
				}
			}
		}
		for k, name := range []string{"签约", "开工", "竣工", "投产", "入统"} {
			m := ding.Milestone{ID: int64(i*5 + k), Name: name, SortOrder: 10 * (k + 1),
				PlannedOn: today.AddDays(rng.IntN(400) - 200)}
			if m.PlannedOn.Before(today) && rng.IntN(4) > 0 {
				m.ActualOn = m.PlannedOn
			}
			st.Milestones = append(st.Milestones, m)
		}
		if rng.IntN(5) == 0 {
			st.Items = append(st.Items, ding.DeadlineItem{Kind: "demand", ID: int64(i), Title: "诉求" + strconv.Itoa(i),
				Due: today.AddDays(rng.IntN(40) - 20)})
		}
	}
	return sts
}

// BenchmarkEvaluate is the engine's share of a full recomputation: the default rules (the
// ratio rule on too) over 100,000 projects per op; ns/project is the figure to compare
// with the 2 s budget that includes loading the projects from the database.
func BenchmarkEvaluate(b *testing.B) {
	const n = 100_000
	today := ding.Date{Year: 2024, Month: time.May, Day: 31}
	sts := genStates(n, today)
	rules := DefaultRules()
	for i := range rules {
		rules[i].ID, rules[i].Enabled = int64(i+1), true
	}
	cfg := Config{Colours: ding.DefaultColours, Window: ding.DefaultReportWindow}
	var warnings int
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		warnings = 0
		for i := range sts {
			warnings += len(Evaluate(&sts[i], rules, cfg, today))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/project")
	b.ReportMetric(float64(warnings)/n, "warnings/project")
}

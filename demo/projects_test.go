package demo_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"ding"
	"ding/demo"
	"ding/store"
)

func allProjects(t *testing.T, db *store.DB, year int) []*ding.Project {
	t.Helper()
	ps, tot, err := db.FindProjects(sys(), ding.ProjectFilter{Year: year})
	if err != nil || tot.Count != len(ps) {
		t.Fatalf("find projects: %d of %d, %v", len(ps), tot.Count, err)
	}
	return ps
}

// growth is (this year − last year) ÷ last year of completed investment in the category,
// in percent rounded to one decimal, summed from the store's running figures.
func growth(t *testing.T, db *store.DB, f ding.ProjectFilter) string {
	t.Helper()
	var sums [2]int64
	for i, year := range []int{2022, 2023} {
		f.Year = year
		ps, tot, err := db.FindProjects(sys(), f)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			sums[i] += p.CompletedYTD
		}
		if sums[i] != tot.CompletedYTD {
			t.Fatalf("%d: projects sum to %d, totals say %d", year, sums[i], tot.CompletedYTD)
		}
	}
	if sums[0] == 0 {
		t.Fatalf("no 2022 investment for %+v", f)
	}
	return fmt.Sprintf("%.1f", float64(sums[1]-sums[0])/float64(sums[0])*100)
}

// fingerprint is what two seeds must agree on: the codes in order and the 2023 figures.
func fingerprint(t *testing.T, db *store.DB) string {
	t.Helper()
	ps, tot, err := db.FindProjects(sys(), ding.ProjectFilter{Year: 2023, Sort: "code"})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "%s %d %s %d\n", p.Code, p.CompletedYTD, p.Stage, p.TotalInvestment)
	}
	fmt.Fprintf(&b, "%+v", tot)
	return b.String()
}

// checkProjects checks the demo's projects and returns their fingerprint.
func checkProjects(t *testing.T, db *store.DB, res *demo.Result) string {
	fp := fingerprint(t, db)
	{
		ps := allProjects(t, db, 2024)
		if len(ps) != res.Projects || len(ps) < 140 || len(ps) > 170 {
			t.Fatalf("%d projects, Result says %d", len(ps), res.Projects)
		}
		_, n, err := db.FindReports(sys(), store.ReportFilter{Status: ding.ReportApproved, CurrentOnly: true, Limit: 1})
		if err != nil || n != res.Reports || n < 1000 {
			t.Fatalf("%d approved reports, Result says %d: %v", n, res.Reports, err)
		}

		// The article: 46 signings of 1亿+ in 2023, 16 of 10亿+, 4 of 100亿+.
		var tiers [3]int
		for _, p := range ps {
			if p.SignedOn.Year != 2023 {
				continue
			}
			for i, tier := range []ding.Tier{ding.Tier1, ding.Tier10, ding.Tier100} {
				if p.Tier >= tier {
					tiers[i]++
				}
			}
		}
		if tiers != [3]int{46, 16, 4} {
			t.Errorf("2023 signings of 1亿+/10亿+/100亿+: %v, want [46 16 4]", tiers)
		}

		// The article: manufacturing +66.6%, high-tech +85.6%, private +57% over 2022.
		yes := true
		for _, c := range []struct {
			name string
			f    ding.ProjectFilter
			want string
		}{
			{"manufacturing", ding.ProjectFilter{Manufacturing: &yes}, "66.6"},
			{"high-tech", ding.ProjectFilter{HighTech: &yes}, "85.6"},
			{"private", ding.ProjectFilter{Private: &yes}, "57.0"},
		} {
			if got := growth(t, db, c.f); got != c.want {
				t.Errorf("%s investment grew %s%% in 2023, want %s%%", c.name, got, c.want)
			}
		}

		// Lagging: completion of the 2024 plan at the end of June at least 20 points behind
		// 时序进度 (6/12 = 50%).
		lagging := 0
		for _, p := range ps {
			months, err := db.ProjectMonths(sys(), p.ID, 2024)
			if err != nil {
				t.Fatal(err)
			}
			var plan, done int64
			for i, m := range months {
				plan += m.Planned
				if i < 6 {
					done += m.Completed
				}
			}
			if plan > 0 && p.ActualStart.Year > 0 && p.ActualStart.Year < 2024 && 50-done*100/plan >= 20 {
				lagging++
			}
		}
		if lagging < 5 {
			t.Errorf("%d projects under way since before 2024 lag their plan by 20 points at mid-year, want at least 5", lagging)
		}

		// Stuck between stages: signed more than six months before the end of the
		// history and not started; started but not in the statistics for months.
		stuck, noStats := 0, 0
		sixMonthsBefore := ding.Date{Year: 2024, Month: 6, Day: 30}
		for _, p := range ps {
			if (p.Stage == ding.StageSigned || p.Stage == ding.StageLanded) && p.SignedOn.Before(sixMonthsBefore) && p.ActualStart.IsZero() {
				stuck++
			}
			if p.Stage == ding.StageStarted && !p.InStats && p.ActualStart.Before(ding.Date{Year: 2024, Month: 10, Day: 1}) {
				noStats++
			}
		}
		if stuck < 3 || noStats < 2 {
			t.Errorf("%d projects signed but not started for six months (want 3+), %d started but not in statistics (want 2+)", stuck, noStats)
		}

		// Every stage is reached; codes are valid and unique; drops have reasons; chains
		// come from the list; nobody completes more than the total investment.
		chains, err := db.Chains(sys())
		if err != nil || len(chains) < 6 {
			t.Fatalf("chains %v %v", chains, err)
		}
		stages := map[ding.Stage]int{}
		codes := map[string]bool{}
		leaders := map[int64]int{}
		for _, p := range ps {
			stages[p.Stage]++
			leaders[p.LeaderID]++
			if !ding.ValidProjectCode(p.Code) || !strings.Contains(p.Code, "-330803-") || codes[p.Code] {
				t.Errorf("%s: code %q invalid or taken", p.Name, p.Code)
			}
			codes[p.Code] = true
			if (p.Stage == ding.StageDropped) != (p.DropReason != "") {
				t.Errorf("%s: stage %s with drop reason %q", p.Name, p.Stage, p.DropReason)
			}
			if p.Chain != "" && !slices.Contains(chains, p.Chain) {
				t.Errorf("%s: chain %q not in %v", p.Name, p.Chain, chains)
			}
			if p.CompletedAll > p.TotalInvestment {
				t.Errorf("%s: completed %d of %d", p.Name, p.CompletedAll, p.TotalInvestment)
			}
			if p.OwnerCode != "" && !ding.ValidUSCC(p.OwnerCode) {
				t.Errorf("%s: owner code %q", p.Name, p.OwnerCode)
			}
			if p.LocationID == 0 || p.LeaderID == 0 || p.OwnerName == "" || p.Content == "" {
				t.Errorf("%s: location %d leader %d owner %q content %q", p.Name, p.LocationID, p.LeaderID, p.OwnerName, p.Content)
			}
			if p.Stage.Index() >= ding.StageStarted.Index() && p.Investor != ding.InvestorGovernment && p.SignedOn.IsZero() {
				t.Errorf("%s: started without being signed", p.Name)
			}
		}
		for _, s := range ding.AllStages {
			if stages[s] == 0 {
				t.Errorf("no project in stage %s (%v)", s, stages)
			}
		}
		if stages[ding.StageDropped] < 3 || stages[ding.StagePlanning]+stages[ding.StageNegotiating] < 10 {
			t.Errorf("stages %v: want some drops and leads", stages)
		}

		// Leaders: the added ones log in and lead projects, as does lingdao.
		for _, name := range []string{"lingdao", "wangfq", "lifq", "chenfq"} {
			u := user(t, db, name)
			if u.Role != ding.RoleLeader || leaders[u.ID] == 0 {
				t.Errorf("leader %s: role %s, %d projects", name, u.Role, leaders[u.ID])
			}
			if !slices.ContainsFunc(res.Logins, func(l demo.Login) bool { return l.Username == name }) {
				t.Errorf("leader %s is not among the logins", name)
			}
		}

		// A sample of projects: a dated timeline ending in the current stage, a 1+1+N team
		// with contacts, plans whose months add up.
		for i, p := range ps {
			if i%7 != 0 {
				continue
			}
			hist, err := db.StageHistory(sys(), p.ID)
			if err != nil || len(hist) == 0 || hist[len(hist)-1].To != p.Stage {
				t.Fatalf("%s: history %v %v", p.Name, hist, err)
			}
			for j := 1; j < len(hist); j++ {
				if hist[j].On.Before(hist[j-1].On) || hist[j].On.After(ding.Date{Year: 2024, Month: 12, Day: 31}) {
					t.Errorf("%s: %s on %s after %s on %s", p.Name, hist[j].To, hist[j].On, hist[j-1].To, hist[j-1].On)
				}
			}
			team, err := db.FindTeam(sys(), p.ID)
			if err != nil || len(team) < 2 || len(team) > 4 || team[0].Role != ding.TeamLead || team[0].UnitID != p.UnitID {
				t.Fatalf("%s: team %v %v", p.Name, team, err)
			}
			for _, m := range team {
				if m.ContactName == "" || m.Duty == "" {
					t.Errorf("%s: team member %+v", p.Name, m)
				}
			}
			plans, err := db.FindPlans(sys(), p.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range plans {
				if a.Validate() != nil || a.Total == 0 || a.Goal == "" {
					t.Errorf("%s: plan %+v", p.Name, a)
				}
			}
		}

		// Reports grow: 形象进度 never falls, and a completed project ends at 100%.
		for _, p := range ps {
			if p.Stage != ding.StageCompleted {
				continue
			}
			reps, _, err := db.FindReports(sys(), store.ReportFilter{ProjectID: p.ID, CurrentOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			slices.SortFunc(reps, func(a, b *ding.ProgressReport) int { return strings.Compare(a.Period, b.Period) })
			for j, r := range reps {
				if r.ProgressText == "" || (j > 0 && r.ProgressPct < reps[j-1].ProgressPct) {
					t.Errorf("%s %s: %d%% %q after %d%%", p.Name, r.Period, r.ProgressPct, r.ProgressText, reps[max(j-1, 0)].ProgressPct)
				}
			}
			if len(reps) > 0 && reps[len(reps)-1].ProgressPct != 100 {
				t.Errorf("%s: completed at %d%%", p.Name, reps[len(reps)-1].ProgressPct)
			}
		}
	}
	return fp
}

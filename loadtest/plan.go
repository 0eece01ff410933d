package loadtest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"ding"
	"ding/store"
)

// plan is who plays and with what: chosen before the run through the store, with each
// user's own scope, so that what a simulated user opens is what its pages list.
type plan struct {
	liaisons []*liaisonPlan
	offices  []*officePlan
	warm     *ding.User // the office user of the widest scope, for the warm-up
}

// liaisonPlan is a liaison with the projects its unit leads and the open demands assigned
// to its unit, none shared with another simulated user.
type liaisonPlan struct {
	user     *ding.User
	projects []int64
	items    []int64
}

// officePlan is an office user with projects of its scope to open and words to search for.
type officePlan struct {
	user     *ding.User
	projects []int64
	words    []string
	units    []int64 // units of its subtree for the dashboard's drill-down
}

// actorOf is the actor a user acts as once logged in.
func actorOf(ctx context.Context, u *ding.User) context.Context {
	return ding.WithActor(ctx, &ding.Actor{UserID: u.ID, Username: u.Username, UnitID: u.UnitID, Role: u.Role, Scope: u.Scope})
}

// makePlan chooses the users: liaisons of distinct units whose unit leads projects
// (preferring those with open demands to answer), and office staff, mostly of districts,
// some of cities and the province, as offices are found in a province.
func makePlan(ctx context.Context, cfg Config, rnd *rand.Rand) (*plan, error) {
	sys := ding.WithActor(ctx, ding.SystemActor("loadtest"))
	nOffice := (cfg.Users*cfg.OfficeShare + 50) / 100
	if cfg.OfficeShare > 0 && nOffice == 0 {
		nOffice = 1
	}
	nLiaison := cfg.Users - nOffice
	pl := &plan{}

	if nLiaison > 0 {
		// The open demands and action items a unit can answer now, by assigned unit: read
		// once for all (a liaison's own item list costs a scan of its scope).
		byUnit := map[int64][]int64{}
		for _, st := range []ding.ItemStatus{ding.ItemDecided, ding.ItemHandling} {
			its, _, err := cfg.DB.FindItems(sys, store.ItemFilter{Status: st, Sort: "id"})
			if err != nil {
				return nil, fmt.Errorf("loadtest: open items: %w", err)
			}
			for _, it := range its {
				for _, u := range it.Units {
					byUnit[u.UnitID] = append(byUnit[u.UnitID], it.ID)
				}
			}
		}
		all, _, err := cfg.DB.FindUsers(sys, ding.UserFilter{Role: ding.RoleLiaison})
		if err != nil {
			return nil, fmt.Errorf("loadtest: liaisons: %w", err)
		}
		rnd.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
		units := map[int64]bool{}
		claimed := map[int64]bool{} // items
		// Liaisons of units with demands to answer first, then others who only report.
		for _, withItems := range []bool{true, false} {
			for _, u := range all {
				if len(pl.liaisons) >= nLiaison {
					break
				}
				if units[u.UnitID] || (len(byUnit[u.UnitID]) > 0) != withItems {
					continue
				}
				units[u.UnitID] = true
				ps, _, err := cfg.DB.FindProjects(actorOf(ctx, u), ding.ProjectFilter{LeadUnitID: u.UnitID, Limit: 100})
				if err != nil {
					return nil, fmt.Errorf("loadtest: projects of %s: %w", u.Username, err)
				}
				lp := &liaisonPlan{user: u}
				for _, p := range ps {
					if p.UnitID == u.UnitID { // its unit leads it: no other simulated liaison does
						lp.projects = append(lp.projects, p.ID)
					}
				}
				if len(lp.projects) == 0 {
					continue
				}
				rnd.Shuffle(len(lp.projects), func(i, j int) { lp.projects[i], lp.projects[j] = lp.projects[j], lp.projects[i] })
				for _, id := range byUnit[u.UnitID] {
					if !claimed[id] {
						claimed[id] = true
						lp.items = append(lp.items, id)
					}
				}
				pl.liaisons = append(pl.liaisons, lp)
			}
		}
		if len(pl.liaisons) < nLiaison {
			return nil, fmt.Errorf("loadtest: only %d liaisons of distinct units lead projects, %d wanted (is this a database made by ding gen?)", len(pl.liaisons), nLiaison)
		}
	}

	if nOffice > 0 {
		all, _, err := cfg.DB.FindUsers(sys, ding.UserFilter{Role: ding.RoleOffice})
		if err != nil {
			return nil, fmt.Errorf("loadtest: office staff: %w", err)
		}
		if len(all) == 0 {
			return nil, fmt.Errorf("loadtest: no office staff in the database")
		}
		// By the depth of their unit: the province (0), cities (1), districts (2, most).
		units, _, err := cfg.DB.FindUnits(sys, ding.UnitFilter{})
		if err != nil {
			return nil, err
		}
		depth := map[int64]int{}
		for _, un := range units {
			depth[un.ID] = un.Depth
		}
		byDepth := map[int][]*ding.User{}
		for _, u := range all {
			d := min(depth[u.UnitID], 2)
			byDepth[d] = append(byDepth[d], u)
		}
		for _, us := range byDepth {
			rnd.Shuffle(len(us), func(i, j int) { us[i], us[j] = us[j], us[i] })
		}
		for d := 0; d <= 2 && pl.warm == nil; d++ {
			if us := byDepth[d]; len(us) > 0 {
				pl.warm = us[0]
			}
		}
		next := map[int]int{}
		pick := func(depth int) *ding.User {
			for d := depth; d >= 0; d-- {
				if us := byDepth[d]; len(us) > 0 {
					u := us[next[d]%len(us)]
					next[d]++
					return u
				}
			}
			for d := depth + 1; d <= 2; d++ {
				if us := byDepth[d]; len(us) > 0 {
					u := us[next[d]%len(us)]
					next[d]++
					return u
				}
			}
			return nil
		}
		for i := 0; i < nOffice; i++ {
			level := 2
			switch {
			case i%20 == 19:
				level = 0 // one in twenty at the province
			case i%5 == 4:
				level = 1 // three in twenty at a city
			}
			u := pick(level)
			oc := actorOf(ctx, u)
			ps, _, err := cfg.DB.FindProjects(oc, ding.ProjectFilter{Sort: "total_investment", Desc: true, Limit: 50})
			if err != nil {
				return nil, fmt.Errorf("loadtest: projects of %s: %w", u.Username, err)
			}
			op := &officePlan{user: u}
			for _, p := range ps {
				op.projects = append(op.projects, p.ID)
				if w := []rune(p.ShortName); len(w) >= 2 {
					op.words = append(op.words, string(w[:2]))
				}
			}
			if len(op.projects) == 0 {
				continue
			}
			units, _, err := cfg.DB.FindUnits(oc, ding.UnitFilter{Limit: 50})
			if err != nil {
				return nil, err
			}
			for _, un := range units {
				if un.ID != u.UnitID && un.Kind != ding.UnitDepartment {
					op.units = append(op.units, un.ID)
				}
			}
			slices.Sort(op.words)
			op.words = slices.Compact(op.words)
			pl.offices = append(pl.offices, op)
		}
		if len(pl.offices) == 0 {
			return nil, fmt.Errorf("loadtest: no office user sees a project")
		}
	}
	return pl, nil
}

// describe is a short account of the plan, for the report.
func (p *plan) describe() string {
	var b strings.Builder
	items := 0
	for _, l := range p.liaisons {
		items += len(l.items)
	}
	fmt.Fprintf(&b, "%d liaisons (%d demands to answer), %d office staff", len(p.liaisons), items, len(p.offices))
	return b.String()
}

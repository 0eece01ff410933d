// Package warn is ding's 红黄蓝 warning engine: pure functions from a project's state, the
// rules and today's date to the warnings that hold, each with its reason in figures. It
// reads no database and no clock, so the nightly pass and the pass after a change give the
// same answer, and tests can run it on any date.
package warn

import "ding"

// ProjectState is what the engine knows of one project on a day.
type ProjectState struct {
	Project ding.Project
	// UnitPath lists the ids of the lead unit and all its ancestors, for rule scopes.
	UnitPath []int64
	// Year is the year of the figures below (today's year).
	Year int
	// Planned and Completed are this year's monthly planned and completed investment
	// (yuan, January first), from the running figures.
	Planned   [12]int64
	Completed [12]int64
	PlanTotal int64
	// Reported holds the periods ("2024-03") that have a current report not returned.
	Reported map[string]bool
	// LastUpdate is the latest date anything happened to the project (stage change,
	// edit, report): what "stuck in a stage without an update" measures from.
	LastUpdate ding.Date
	Milestones []ding.Milestone
	Items      []ding.DeadlineItem
}

// Config is what the engine needs besides the rules: the colour scheme and the reporting
// window (for report_missing).
type Config struct {
	Colours ding.ColourScheme
	Window  ding.ReportWindow
}

// Evaluate returns the warnings that hold for the project today under the rules, in rule
// order and, within a rule, in subject order (milestones by sort order, items by kind and
// id). Disabled rules and rules whose scope excludes the project are skipped. A zero
// Config means the default colours and reporting window. The state is not modified.
func Evaluate(st *ProjectState, rules []ding.Rule, cfg Config, today ding.Date) []ding.Warning {
	if len(cfg.Colours) == 0 {
		cfg.Colours = ding.DefaultColours
	}
	if cfg.Window == (ding.ReportWindow{}) {
		cfg.Window = ding.DefaultReportWindow
	}
	e := evaluator{st: st, cfg: &cfg, today: today}
	for i := range rules {
		r := &rules[i]
		if r.Enabled && inScope(st, r) {
			e.rule(r)
		}
	}
	return e.out
}

// Worst is a project's colour: the most severe of its warnings ("" when none).
func Worst(ws []ding.Warning, colours ding.ColourScheme) ding.Colour {
	if len(colours) == 0 {
		colours = ding.DefaultColours
	}
	var w ding.Colour
	for i := range ws {
		if colours.Rank(ws[i].Colour) > colours.Rank(w) {
			w = ws[i].Colour
		}
	}
	return w
}

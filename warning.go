package ding

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Colour is a warning level's key (蓝/黄/红 by default). Names, order and meaning are
// configuration: some cities use 蓝 for "good"; the default is 蓝 (mild) < 黄 < 红.
type Colour string

// ColourLevel is one colour of the scheme: its key, display names and rank (1 = mildest).
type ColourLevel struct {
	Key    Colour `json:"key"`
	Name   string `json:"name"`    // 蓝
	NameEN string `json:"name_en"` // blue
	Rank   int    `json:"rank"`
}

// ColourScheme lists the colours from the mildest to the most severe.
type ColourScheme []ColourLevel

// DefaultColours is 蓝 < 黄 < 红.
var DefaultColours = ColourScheme{
	{Key: "blue", Name: "蓝", NameEN: "blue", Rank: 1},
	{Key: "yellow", Name: "黄", NameEN: "yellow", Rank: 2},
	{Key: "red", Name: "红", NameEN: "red", Rank: 3},
}

// Rank returns the colour's rank, 0 for none or unknown.
func (s ColourScheme) Rank(c Colour) int {
	for _, l := range s {
		if l.Key == c {
			return l.Rank
		}
	}
	return 0
}

// Name returns the colour's display name (its key when it has none or is unknown), so that
// messages say 黄 rather than "yellow".
func (s ColourScheme) Name(c Colour) string {
	for _, l := range s {
		if l.Key == c && l.Name != "" {
			return l.Name
		}
	}
	return string(c)
}

// Above returns the colour one rank above c (c itself at the top).
func (s ColourScheme) Above(c Colour) Colour {
	r := s.Rank(c)
	for _, l := range s {
		if l.Rank == r+1 {
			return l.Key
		}
	}
	return c
}

// Worst returns the most severe of the colours ("" when none).
func (s ColourScheme) Worst(cs ...Colour) Colour {
	var w Colour
	for _, c := range cs {
		if s.Rank(c) > s.Rank(w) {
			w = c
		}
	}
	return w
}

// Validate checks that keys are unique and ranks run 1..n.
func (s ColourScheme) Validate() error {
	if len(s) == 0 {
		return FieldError("colours", "warn.colours_empty")
	}
	seen := map[Colour]bool{}
	ranks := map[int]bool{}
	for _, l := range s {
		if l.Key == "" || seen[l.Key] || strings.TrimSpace(l.Name) == "" {
			return FieldError("colours", "warn.colour_invalid", string(l.Key))
		}
		if l.Rank < 1 || l.Rank > len(s) || ranks[l.Rank] {
			return FieldError("colours", "warn.colour_rank_invalid", string(l.Key))
		}
		seen[l.Key], ranks[l.Rank] = true, true
	}
	return nil
}

// RuleKind is what a warning rule measures.
type RuleKind string

const (
	// RuleInvestLag: investment completion against 时序进度, in percentage points behind
	// (Params.Measure "points", higher is worse) or as a ratio of 时序 (Measure "ratio",
	// lower is worse); 时序 by months elapsed or by days (Params.Timing "month" | "day").
	RuleInvestLag RuleKind = "invest_lag"
	// RuleStartOverdue: months since the planned start month passed without a start.
	RuleStartOverdue RuleKind = "start_overdue"
	// RuleStatsOverdue: months since the start without entering statistics (入统).
	RuleStatsOverdue RuleKind = "stats_overdue"
	// RuleMilestone: days past a milestone's planned date without an actual date
	// (negative: due in that many days — a blue "deadline approaching").
	RuleMilestone RuleKind = "milestone"
	// RuleReportMissing: reporting windows closed without a report, in a row.
	RuleReportMissing RuleKind = "report_missing"
	// RuleStageStale: days in the current stage without an update (leads: 谋划, 在谈, 签约).
	RuleStageStale RuleKind = "stage_stale"
	// RuleItemOverdue: days past the deadline of an open item attached to the project
	// (demands, action items — any DeadlineItem), so later kinds need no engine change.
	RuleItemOverdue RuleKind = "item_overdue"
)

// RuleKinds lists every kind.
var RuleKinds = []RuleKind{RuleInvestLag, RuleStartOverdue, RuleStatsOverdue, RuleMilestone, RuleReportMissing, RuleStageStale, RuleItemOverdue}

// HigherIsWorse reports the direction of the rule's measure.
func (r *Rule) HigherIsWorse() bool {
	return !(r.Kind == RuleInvestLag && r.Params.Measure == "ratio")
}

// Threshold says from which value of the measure a colour applies: value ≥ Min (or
// value > Min when Strict) for measures where higher is worse; value ≤ Min (or < Min when
// Strict) where lower is worse. The most severe colour whose threshold holds wins.
type Threshold struct {
	Colour Colour  `json:"colour"`
	Min    float64 `json:"min"`
	Strict bool    `json:"strict"`
}

// RuleScope limits a rule to some projects; empty fields mean any.
type RuleScope struct {
	Tiers         []Tier  `json:"tiers,omitempty"`
	Stages        []Stage `json:"stages,omitempty"`
	UnitIDs       []int64 `json:"unit_ids,omitempty"` // lead unit in the subtree of one of these
	Manufacturing *bool   `json:"manufacturing,omitempty"`
	HighTech      *bool   `json:"high_tech,omitempty"`
	Private       *bool   `json:"private,omitempty"`
}

// RuleParams are the kind-specific settings.
type RuleParams struct {
	Measure string `json:"measure,omitempty"` // invest_lag: "points" | "ratio"
	Timing  string `json:"timing,omitempty"`  // invest_lag: "month" | "day"
	Item    string `json:"item,omitempty"`    // item_overdue: the item kind ("demand", "action") or "" for all
}

// Rule is a warning rule: what to measure, for which projects, and from which values each
// colour applies. Persistence > 0 raises a colour one rank when it has held for that many
// periods (months) in a row (三亚: two yellows in a row → red).
type Rule struct {
	ID          int64       `json:"id"`
	Name        string      `json:"name"`
	Kind        RuleKind    `json:"kind"`
	Enabled     bool        `json:"enabled"`
	Scope       RuleScope   `json:"scope"`
	Params      RuleParams  `json:"params"`
	Thresholds  []Threshold `json:"thresholds"`
	Persistence int         `json:"persistence"`
	Version     int         `json:"version"`
	UpdatedAt   time.Time   `json:"updated_at"`
}

// Normalize trims the name.
func (r *Rule) Normalize() { r.Name = strings.TrimSpace(r.Name) }

// Validate checks a rule against the colour scheme: a known kind with its parameters,
// thresholds for known colours, each colour once, in the order of the scheme and not
// overlapping or inverted, and a scope that can match something.
func (r *Rule) Validate(colours ColourScheme) error {
	r.Normalize()
	if r.Name == "" {
		return FieldError("name", "warn.rule_name_required")
	}
	if utf8.RuneCountInString(r.Name) > 100 {
		return FieldError("name", "field.too_long", 100)
	}
	for _, f := range []struct{ field, text string }{{"name", r.Name}, {"measure", r.Params.Measure}, {"timing", r.Params.Timing},
		{"item", r.Params.Item}} {
		if !storable(f.text) {
			return FieldError(f.field, "field.invalid")
		}
	}
	if !oneOf(r.Kind, RuleKinds) {
		return FieldError("kind", "warn.kind_invalid")
	}
	if r.Kind == RuleInvestLag {
		if r.Params.Measure != "points" && r.Params.Measure != "ratio" {
			return FieldError("measure", "warn.measure_invalid")
		}
		if r.Params.Timing != "month" && r.Params.Timing != "day" {
			return FieldError("timing", "warn.timing_invalid")
		}
	}
	if len(r.Thresholds) == 0 {
		return FieldError("thresholds", "warn.thresholds_required")
	}
	seen := map[Colour]bool{}
	for _, t := range r.Thresholds {
		if colours.Rank(t.Colour) == 0 {
			return FieldError("thresholds", "warn.threshold_colour_unknown", string(t.Colour))
		}
		if seen[t.Colour] {
			return FieldError("thresholds", "warn.threshold_colour_twice", colours.Name(t.Colour))
		}
		seen[t.Colour] = true
	}
	// Sorted by colour rank, the thresholds must get strictly harder to reach.
	ts := append([]Threshold(nil), r.Thresholds...)
	for i := 1; i < len(ts); i++ {
		for j := i; j > 0 && colours.Rank(ts[j].Colour) < colours.Rank(ts[j-1].Colour); j-- {
			ts[j], ts[j-1] = ts[j-1], ts[j]
		}
	}
	worse := r.HigherIsWorse()
	for i := 1; i < len(ts); i++ {
		a, b := ts[i-1], ts[i]
		ok := (worse && (b.Min > a.Min || (b.Min == a.Min && !a.Strict && b.Strict))) ||
			(!worse && (b.Min < a.Min || (b.Min == a.Min && !a.Strict && b.Strict)))
		if !ok {
			return FieldError("thresholds", "warn.thresholds_overlap", colours.Name(a.Colour), colours.Name(b.Colour))
		}
	}
	if r.Persistence < 0 || r.Persistence > 24 {
		return FieldError("persistence", "field.out_of_range")
	}
	for _, s := range r.Scope.Stages {
		if !s.Valid() {
			return FieldError("scope", "project.stage_invalid")
		}
	}
	for _, t := range r.Scope.Tiers {
		if !oneOf(t, Tiers) {
			return FieldError("scope", "warn.scope_tier_invalid")
		}
	}
	// Scopes that can never match: a stage rule outside its stages.
	if len(r.Scope.Stages) > 0 {
		can := false
		for _, s := range r.Scope.Stages {
			if kindApplies(r.Kind, s) {
				can = true
			}
		}
		if !can {
			return FieldError("scope", "warn.scope_matches_nothing")
		}
	}
	return nil
}

// storable reports whether text can be stored on both engines: PostgreSQL refuses a NUL
// byte and invalid UTF-8, so validation refuses them first, as an invalid value.
func storable(text string) bool {
	return strings.IndexByte(text, 0) < 0 && utf8.ValidString(text)
}

// kindApplies says whether a rule kind can fire for a project at a stage.
func kindApplies(k RuleKind, s Stage) bool {
	switch k {
	case RuleInvestLag, RuleStatsOverdue:
		return s.Index() >= StageStarted.Index() && s != StageInStats
	case RuleStartOverdue:
		return s != StageDropped && s.Index() < StageStarted.Index()
	case RuleStageStale:
		return s.IsLead() || s == StageSigned
	case RuleReportMissing:
		// Reports are due while the project is built; a completed project reports no more.
		return s == StageStarted
	}
	return s != StageDropped
}

// KindApplies is kindApplies for other packages (the engine, the rule editor).
func KindApplies(k RuleKind, s Stage) bool { return kindApplies(k, s) }

// DeadlineItem is an open item with a deadline attached to a project (a demand, an action
// item from a meeting …). The item_overdue rule reads them without knowing their kind.
type DeadlineItem struct {
	Kind  string `json:"kind"` // "demand", "action" …
	ID    int64  `json:"id"`
	Title string `json:"title"`
	Due   Date   `json:"due"`
}

// Warning is a 预警 that holds for a project now: the rule that fired, the colour, and the
// reason in figures (a message key with its arguments, said in the reader's language).
type Warning struct {
	ProjectID int64    `json:"project_id"`
	RuleID    int64    `json:"rule_id"`
	RuleName  string   `json:"rule_name"`
	Kind      RuleKind `json:"kind"`
	Colour    Colour   `json:"colour"`
	Value     float64  `json:"value"`  // the measure
	Reason    string   `json:"reason"` // message key
	Args      []any    `json:"args"`
	Subject   string   `json:"subject,omitempty"` // the milestone or item it is about, if any
	// SubjectKey tells apart warnings of one rule on one project ("milestone:12",
	// "demand:5"); "" for rules that fire once per project.
	SubjectKey string `json:"subject_key,omitempty"`
}

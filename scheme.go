package ding

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Competition schemes (季比拼, 年度考核): an organizer (the district's project office, or
// the city) scores participant units on weighted indicator items each period, from a data
// cut locked for that period, ranks them within their peer groups and hands the top K the
// 流动红旗. Points are kept in hundredths (centi-points: 100 points is 10000) so that
// totals are exact sums.

// SchemePeriodKind is how often a scheme is scored.
type SchemePeriodKind string

const (
	SchemeMonthly   SchemePeriodKind = "month"
	SchemeQuarterly SchemePeriodKind = "quarter"
	SchemeYearly    SchemePeriodKind = "year"
)

// SchemePeriod is one period of a scheme: 2023-03, 2023-Q1 or 2023.
type SchemePeriod struct {
	Kind SchemePeriodKind `json:"kind"`
	Year int              `json:"year"`
	N    int              `json:"n"` // month 1–12, quarter 1–4, 0 for a year
}

// ParseSchemePeriod reads a period of the given kind: "2023-03", "2023-Q1" or "2023".
func ParseSchemePeriod(kind SchemePeriodKind, s string) (SchemePeriod, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	bad := Errorf(EINVALID, "scheme.period_invalid", s)
	year, rest, dash := strings.Cut(s, "-")
	y, err := strconv.Atoi(year)
	if err != nil || y < 1990 || y > 2100 || len(year) != 4 {
		return SchemePeriod{}, bad
	}
	switch kind {
	case SchemeYearly:
		if dash {
			return SchemePeriod{}, bad
		}
		return SchemePeriod{kind, y, 0}, nil
	case SchemeQuarterly:
		if len(rest) != 2 || rest[0] != 'Q' || rest[1] < '1' || rest[1] > '4' {
			return SchemePeriod{}, bad
		}
		return SchemePeriod{kind, y, int(rest[1] - '0')}, nil
	case SchemeMonthly:
		m, err := strconv.Atoi(rest)
		if err != nil || m < 1 || m > 12 || len(rest) != 2 || rest[0] < '0' || rest[0] > '1' {
			return SchemePeriod{}, bad
		}
		return SchemePeriod{kind, y, m}, nil
	}
	return SchemePeriod{}, bad
}

// String is the period's key: 2023-03, 2023-Q1, 2023.
func (p SchemePeriod) String() string {
	switch p.Kind {
	case SchemeQuarterly:
		return fmt.Sprintf("%04d-Q%d", p.Year, p.N)
	case SchemeMonthly:
		return fmt.Sprintf("%04d-%02d", p.Year, p.N)
	}
	return fmt.Sprintf("%04d", p.Year)
}

// IsZero reports whether the period is unset.
func (p SchemePeriod) IsZero() bool { return p.Year == 0 }

// EndMonth is the last month of the period: the month whose year-to-date figures it is
// scored on.
func (p SchemePeriod) EndMonth() int {
	switch p.Kind {
	case SchemeQuarterly:
		return p.N * 3
	case SchemeMonthly:
		return p.N
	}
	return 12
}

// End is the period's last day.
func (p SchemePeriod) End() Date {
	return DateOf(time.Date(p.Year, time.Month(p.EndMonth())+1, 0, 0, 0, 0, 0, time.UTC))
}

// Prev is the period before.
func (p SchemePeriod) Prev() SchemePeriod {
	switch p.Kind {
	case SchemeQuarterly:
		if p.N == 1 {
			return SchemePeriod{p.Kind, p.Year - 1, 4}
		}
		return SchemePeriod{p.Kind, p.Year, p.N - 1}
	case SchemeMonthly:
		if p.N == 1 {
			return SchemePeriod{p.Kind, p.Year - 1, 12}
		}
		return SchemePeriod{p.Kind, p.Year, p.N - 1}
	}
	return SchemePeriod{p.Kind, p.Year - 1, 0}
}

// Next is the period after.
func (p SchemePeriod) Next() SchemePeriod {
	switch p.Kind {
	case SchemeQuarterly:
		if p.N == 4 {
			return SchemePeriod{p.Kind, p.Year + 1, 1}
		}
		return SchemePeriod{p.Kind, p.Year, p.N + 1}
	case SchemeMonthly:
		if p.N == 12 {
			return SchemePeriod{p.Kind, p.Year + 1, 1}
		}
		return SchemePeriod{p.Kind, p.Year, p.N + 1}
	}
	return SchemePeriod{p.Kind, p.Year + 1, 0}
}

// PerYear is how many periods of the kind a year has.
func (k SchemePeriodKind) PerYear() int {
	switch k {
	case SchemeQuarterly:
		return 4
	case SchemeMonthly:
		return 12
	}
	return 1
}

// Basis is the figure of an indicator an item scores.
type Basis string

const (
	BasisValue      Basis = "value"      // the actual (year to date at the period's end)
	BasisGrowth     Basis = "growth"     // year-on-year growth
	BasisCompletion Basis = "completion" // completion of the annual target
)

// Method is how an item turns figures into points.
type Method string

const (
	MethodRank       Method = "rank"        // 争先进位计分法: first full points, each place Step less
	MethodTarget     Method = "target"      // 目标完成计分法: full points when the target is met, else 0
	MethodTargetProp Method = "target_prop" // weight × completion, capped at Cap
	MethodRatio      Method = "ratio"       // weight × figure ÷ Benchmark, capped at Cap
	MethodMinMax     Method = "minmax"      // weight × (20 + 80 × (x − min) ÷ (max − min)) ÷ 100
)

// Methods lists the methods, for forms.
var Methods = []Method{MethodRank, MethodTarget, MethodTargetProp, MethodRatio, MethodMinMax}

// Bases lists the bases, for forms.
var Bases = []Basis{BasisGrowth, BasisValue, BasisCompletion}

// SchemeItem is one scored indicator of a scheme.
type SchemeItem struct {
	ID            int64  `json:"id"`
	IndicatorID   int64  `json:"indicator_id"`
	IndicatorName string `json:"indicator_name,omitempty"`
	Basis         Basis  `json:"basis"`
	Method        Method `json:"method"`
	Weight        int64  `json:"weight"` // centi-points: 20 points is 2000
	// Step is the share of the weight lost per place (rank), in basis points: 500 is 5 %.
	Step int64 `json:"step"`
	// Cap bounds the ratio of target_prop and ratio, in basis points: 12000 is 120 %.
	// 0 means 100 %.
	Cap int64 `json:"cap"`
	// Benchmark of the ratio method: in the indicator's stored unit for the value basis,
	// in basis points (1250 is 12.5 %) for growth and completion.
	Benchmark    int64 `json:"benchmark"`
	HigherBetter bool  `json:"higher_better"` // copied from the indicator when scored
}

// Participant is a unit in a scheme with its peer group ("" when the scheme has none).
type Participant struct {
	UnitID   int64  `json:"unit_id"`
	UnitName string `json:"unit_name,omitempty"`
	Group    string `json:"group"`
}

// Scheme is a competition's definition.
type Scheme struct {
	ID            int64            `json:"id"`
	Name          string           `json:"name"`
	OrganizerID   int64            `json:"organizer_id"` // the unit that runs it
	OrganizerName string           `json:"organizer_name,omitempty"`
	Period        SchemePeriodKind `json:"period"`
	TotalPoints   int64            `json:"total_points"` // what the weights add up to, centi-points
	FlagCount     int              `json:"flag_count"`   // top K of each group receive the 流动红旗 (0: no flag)
	FlagName      string           `json:"flag_name"`    // "流动红旗"
	Public        bool             `json:"public"`       // shown on the public honour board
	Note          string           `json:"note"`
	Items         []SchemeItem     `json:"items"`
	Participants  []Participant    `json:"participants"`
	Disabled      bool             `json:"disabled"`
	Version       int              `json:"version"`
	CreatedAt     time.Time        `json:"created_at"`
}

// Points shows centi-points as points: 9550 is "95.5".
func Points(c int64) string {
	s := Measure{Name: "分", Scale: 100, Decimals: 2}.Format(c)
	return strings.TrimRight(strings.TrimRight(s, "0"), ".")
}

// ParsePoints reads points with at most two decimals ("12.5", "-5") into centi-points.
func ParsePoints(s string) (int64, error) {
	v, err := Measure{Name: "分", Scale: 100, Decimals: 2}.Parse(s)
	if err != nil {
		return 0, Errorf(EINVALID, "scheme.points_invalid", s)
	}
	return v, nil
}

// Normalize trims text and fills defaults: 100 points, the 流动红旗, a 5 % step.
func (s *Scheme) Normalize() {
	s.Name = strings.TrimSpace(s.Name)
	s.Note = strings.TrimSpace(s.Note)
	s.FlagName = strings.TrimSpace(s.FlagName)
	if s.FlagName == "" {
		s.FlagName = "流动红旗"
	}
	if s.TotalPoints == 0 {
		s.TotalPoints = 10000
	}
	if s.Period == "" {
		s.Period = SchemeQuarterly
	}
	for i := range s.Items {
		it := &s.Items[i]
		if it.Basis == "" {
			it.Basis = BasisGrowth
		}
		if it.Method == MethodRank && it.Step == 0 {
			it.Step = 500
		}
	}
	for i := range s.Participants {
		s.Participants[i].Group = strings.TrimSpace(s.Participants[i].Group)
	}
}

// Validate checks a scheme: a name and organizer, items whose weights add up to the total
// (the error names the sum), no indicator twice, parameters that fit each method, and
// participants each listed once.
func (s *Scheme) Validate() error {
	switch {
	case s.Name == "":
		return FieldError("name", "field.required")
	case utf8.RuneCountInString(s.Name) > 100:
		return FieldError("name", "field.too_long", 100)
	case utf8.RuneCountInString(s.Note) > 2000:
		return FieldError("note", "field.too_long", 2000)
	case !storable(s.Name):
		return FieldError("name", "field.invalid")
	case !storable(s.Note):
		return FieldError("note", "field.invalid")
	case !storable(s.FlagName):
		return FieldError("flag_name", "field.invalid")
	case s.OrganizerID == 0:
		return FieldError("organizer_id", "field.required")
	case s.Period != SchemeMonthly && s.Period != SchemeQuarterly && s.Period != SchemeYearly:
		return FieldError("period", "field.invalid")
	case s.TotalPoints <= 0 || s.TotalPoints > 100000:
		return FieldError("total_points", "scheme.total_invalid")
	case s.FlagCount < 0 || s.FlagCount > 50:
		return FieldError("flag_count", "scheme.flag_count_invalid")
	case len(s.Items) == 0:
		return FieldError("items", "scheme.no_items")
	case len(s.Items) > 50:
		return FieldError("items", "scheme.too_many_items", 50)
	case len(s.Participants) == 0:
		return FieldError("participants", "scheme.no_participants")
	case len(s.Participants) > 500:
		return FieldError("participants", "scheme.too_many_participants", 500)
	}
	seen := map[int64]bool{}
	var sum int64
	for i, it := range s.Items {
		n := i + 1
		if it.IndicatorID == 0 {
			return FieldError("items", "scheme.item_indicator", n)
		}
		if seen[it.IndicatorID] {
			return FieldError("items", "scheme.indicator_twice", n)
		}
		seen[it.IndicatorID] = true
		if it.Weight <= 0 {
			return FieldError("items", "scheme.item_weight", n)
		}
		sum += min(it.Weight, math.MaxInt64-sum) // saturates: huge weights must not wrap round to the total
		switch it.Basis {
		case BasisValue, BasisGrowth, BasisCompletion:
		default:
			return FieldError("items", "scheme.item_basis", n)
		}
		switch it.Method {
		case MethodRank:
			if it.Step < 0 || it.Step > 10000 {
				return FieldError("items", "scheme.item_step", n)
			}
		case MethodTarget, MethodMinMax:
		case MethodTargetProp, MethodRatio:
			if it.Cap < 0 || it.Cap > 100000 {
				return FieldError("items", "scheme.item_cap", n)
			}
			if it.Method == MethodRatio && it.Benchmark <= 0 {
				return FieldError("items", "scheme.item_benchmark", n)
			}
		default:
			return FieldError("items", "scheme.item_method", n)
		}
		if (it.Method == MethodTarget || it.Method == MethodTargetProp) && it.Basis != BasisCompletion {
			return FieldError("items", "scheme.item_target_basis", n)
		}
	}
	if sum != s.TotalPoints {
		return FieldError("items", "scheme.weights_sum", Points(sum), Points(s.TotalPoints))
	}
	units := map[int64]bool{}
	for _, p := range s.Participants {
		if p.UnitID == 0 {
			return FieldError("participants", "field.required")
		}
		if units[p.UnitID] {
			name := p.UnitName
			if name == "" {
				name = "#" + strconv.FormatInt(p.UnitID, 10)
			}
			return FieldError("participants", "scheme.participant_twice", name)
		}
		units[p.UnitID] = true
		if utf8.RuneCountInString(p.Group) > 40 {
			return FieldError("participants", "field.too_long", 40)
		}
		if !storable(p.Group) {
			return FieldError("participants", "field.invalid")
		}
	}
	return nil
}

// Groups lists the scheme's peer groups in the order they first appear.
func (s *Scheme) Groups() []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range s.Participants {
		if !seen[p.Group] {
			seen[p.Group] = true
			out = append(out, p.Group)
		}
	}
	return out
}

// Adjustment kinds.
const (
	AdjustBonus   = "bonus"   // 加分
	AdjustPenalty = "penalty" // 扣分
	AdjustExempt  = "exempt"  // 不可抗力免考: an item scored at the group's average
)

// Adjustment is a bonus, a penalty or an exemption of one unit in one period.
type Adjustment struct {
	ID       int64        `json:"id"`
	SchemeID int64        `json:"scheme_id"`
	Period   SchemePeriod `json:"period"`
	UnitID   int64        `json:"unit_id"`
	UnitName string       `json:"unit_name,omitempty"`
	Kind     string       `json:"kind"`
	ItemID   int64        `json:"item_id,omitempty"` // the exempted item
	Points   int64        `json:"points"`            // centi-points, > 0 (a penalty subtracts them)
	Reason   string       `json:"reason"`
	Evidence string       `json:"evidence"` // 依据: the document, meeting or notice
	By       string       `json:"by"`
	At       time.Time    `json:"at"`
}

// Validate checks an adjustment's own fields.
func (a *Adjustment) Validate() error {
	a.Reason, a.Evidence = strings.TrimSpace(a.Reason), strings.TrimSpace(a.Evidence)
	switch {
	case a.UnitID == 0:
		return FieldError("unit_id", "field.required")
	case a.Kind != AdjustBonus && a.Kind != AdjustPenalty && a.Kind != AdjustExempt:
		return FieldError("kind", "field.invalid")
	case a.Reason == "":
		return FieldError("reason", "field.required")
	case utf8.RuneCountInString(a.Reason) > 500:
		return FieldError("reason", "field.too_long", 500)
	case a.Evidence == "":
		return FieldError("evidence", "scheme.evidence_required")
	case utf8.RuneCountInString(a.Evidence) > 500:
		return FieldError("evidence", "field.too_long", 500)
	case a.Kind == AdjustExempt && a.ItemID == 0:
		return FieldError("item_id", "scheme.exempt_item")
	case a.Kind != AdjustExempt && (a.Points <= 0 || a.Points > 10000):
		return FieldError("points", "scheme.adjust_points")
	}
	if a.Kind == AdjustExempt {
		a.Points = 0
	} else {
		a.ItemID = 0
	}
	return nil
}

// Signed is the adjustment's effect on the total.
func (a *Adjustment) Signed() int64 {
	if a.Kind == AdjustPenalty {
		return -a.Points
	}
	if a.Kind == AdjustBonus {
		return a.Points
	}
	return 0
}

// CutValue is one participant's figures for one item in a data cut.
type CutValue struct {
	ItemID      int64 `json:"item_id"`
	UnitID      int64 `json:"unit_id"`
	Actual      int64 `json:"actual"`
	HasActual   bool  `json:"has_actual"`
	Target      int64 `json:"target"`
	HasTarget   bool  `json:"has_target"`
	LastYear    int64 `json:"last_year"`
	HasLastYear bool  `json:"has_last_year"`
}

// ItemScore is a participant's points on one item.
type ItemScore struct {
	ItemID  int64 `json:"item_id"`
	Metric  Ratio `json:"metric"` // the figure scored (value, growth or completion)
	Points  int64 `json:"points"` // centi-points
	Place   int   `json:"place"`  // rank on the item within the group (0: not ranked)
	Missing bool  `json:"missing"`
	Exempt  bool  `json:"exempt"`
}

// Score is a participant's result for a period.
type Score struct {
	UnitID   int64       `json:"unit_id"`
	UnitName string      `json:"unit_name"`
	Group    string      `json:"group"`
	Items    []ItemScore `json:"items"`
	Adjust   int64       `json:"adjust"` // bonus − penalty, centi-points
	Total    int64       `json:"total"`
	Rank     int         `json:"rank"`      // within the group; ties share
	PrevRank int         `json:"prev_rank"` // last period's (0: none)
	Flag     bool        `json:"flag"`      // receives the flag
}

// RankChange is places risen since last period (negative: fell); 0 when unknown.
func (s *Score) RankChange() int {
	if s.Rank == 0 || s.PrevRank == 0 {
		return 0
	}
	return s.PrevRank - s.Rank
}

// Cut is a period's locked data: the figures every score of that period is computed
// from, so that scoring it again later gives the same result.
type Cut struct {
	ID          int64         `json:"id"`
	SchemeID    int64         `json:"scheme_id"`
	Period      SchemePeriod  `json:"period"`
	Locked      bool          `json:"locked"`
	LockedBy    string        `json:"locked_by"`
	LockedAt    time.Time     `json:"locked_at"`
	Scheme      *Scheme       `json:"scheme"` // the definition as it was when locked
	Values      []CutValue    `json:"values"`
	Adjustments []*Adjustment `json:"adjustments"`
	Scores      []*Score      `json:"scores"`
}

// FlagAward is one 流动红旗 won.
type FlagAward struct {
	SchemeID   int64        `json:"scheme_id"`
	SchemeName string       `json:"scheme_name,omitempty"`
	FlagName   string       `json:"flag_name"`
	Period     SchemePeriod `json:"period"`
	UnitID     int64        `json:"unit_id"`
	UnitName   string       `json:"unit_name"`
	Group      string       `json:"group"`
	Rank       int          `json:"rank"`
	Total      int64        `json:"total"`
	Streak     int          `json:"streak"` // consecutive periods won up to this one (连续N次夺旗)
}

// Honour is a title earned over a year.
type Honour struct {
	SchemeID int64  `json:"scheme_id"`
	Year     int    `json:"year"`
	UnitID   int64  `json:"unit_id"`
	UnitName string `json:"unit_name"`
	Kind     string `json:"kind"` // every_quarter (季季红), year (全年红), streak (连续N次夺旗)
	N        int    `json:"n,omitempty"`
}

// Honour kinds.
const (
	HonourEveryQuarter = "every_quarter" // 季季红: the flag in all four quarters of a year
	HonourYear         = "year"          // 全年红: the year's top total over all its periods
	HonourStreak       = "streak"        // 连续N次夺旗 (the longest run ending in the year, ≥ 2)
)

package ding

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Stage is a project's place in its lifecycle (项目阶段).
type Stage string

const (
	StagePlanning    Stage = "planning"    // 谋划
	StageNegotiating Stage = "negotiating" // 在谈
	StageSigned      Stage = "signed"      // 签约
	StageLanded      Stage = "landed"      // 落地（注册）
	StageStarted     Stage = "started"     // 开工
	StageCompleted   Stage = "completed"   // 竣工
	StageProducing   Stage = "producing"   // 投产
	StageInStats     Stage = "in_stats"    // 入统
	StageDropped     Stage = "dropped"     // 退库
)

// Stages lists the lifecycle in order; StageDropped stands outside it.
var Stages = []Stage{StagePlanning, StageNegotiating, StageSigned, StageLanded, StageStarted, StageCompleted, StageProducing, StageInStats}

// AllStages is Stages plus StageDropped, for selects and filters.
var AllStages = append(append([]Stage{}, Stages...), StageDropped)

// Index is the stage's position in the lifecycle; -1 for dropped or unknown.
func (s Stage) Index() int {
	for i, x := range Stages {
		if x == s {
			return i
		}
	}
	return -1
}

// Valid reports whether s is a known stage.
func (s Stage) Valid() bool { return s == StageDropped || s.Index() >= 0 }

// IsLead reports whether the stage is one of an investment lead's (谋划, 在谈): the
// stages an investment-promotion unit moves.
func (s Stage) IsLead() bool { return s == StagePlanning || s == StageNegotiating }

// Nature is a project's 建设性质.
type Nature string

// Natures: 新建, 扩建, 改建, 迁建, 技改.
var Natures = []Nature{"new", "expansion", "rebuild", "relocation", "renovation"}

// Investor is a project's 投资主体.
type Investor string

// Investors: 政府, 国企, 民间, 外资, 混合.
const InvestorGovernment Investor = "government"

// Investors lists every 投资主体.
var Investors = []Investor{InvestorGovernment, "soe", "private", "foreign", "mixed"}

// Industries are the sections of GB/T 4754-2017 (国民经济行业分类门类), A to T.
var Industries = []string{"A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S", "T"}

// Tier is the size class derived from total investment (规模档). It is never typed.
type Tier int

const (
	TierNone Tier = 0   // under 1亿
	Tier1    Tier = 1   // 亿元以上
	Tier10   Tier = 10  // 10亿元以上
	Tier100  Tier = 100 // 100亿元以上
)

// Yi is 1亿 yuan.
const Yi int64 = 100_000_000

// TierOf derives the tier from total investment in yuan.
func TierOf(total int64) Tier {
	switch {
	case total >= 100*Yi:
		return Tier100
	case total >= 10*Yi:
		return Tier10
	case total >= Yi:
		return Tier1
	}
	return TierNone
}

// Tiers lists the tiers from the largest down, for filters.
var Tiers = []Tier{Tier100, Tier10, Tier1, TierNone}

// Project is a 重大项目: the record every other part of ding reads.
type Project struct {
	ID        int64  `json:"id"`
	Code      string `json:"code"` // 项目代码, e.g. 2301-330803-04-01-123456
	Name      string `json:"name"`
	ShortName string `json:"short_name"`

	OwnerName string `json:"owner_name"` // 业主单位
	OwnerCode string `json:"owner_code"` // its 统一社会信用代码

	UnitID       int64  `json:"unit_id"` // 责任单位 (the lead unit of the 1+1+N team)
	UnitName     string `json:"unit_name"`
	LocationID   int64  `json:"location_id"` // 建设地点: a town or park
	LocationName string `json:"location_name"`
	LeaderID     int64  `json:"leader_id"` // 联系领导 (the "1" leader)
	LeaderName   string `json:"leader_name"`

	Nature        Nature   `json:"nature"`
	Investor      Investor `json:"investor"`
	Industry      string   `json:"industry"` // GB/T 4754 section letter
	Chain         string   `json:"chain"`    // 产业链, from the city's list
	Manufacturing bool     `json:"manufacturing"`
	HighTech      bool     `json:"high_tech"`
	Private       bool     `json:"private"`

	TotalInvestment int64   `json:"total_investment"` // yuan
	Tier            Tier    `json:"tier"`             // derived
	LandMu          float64 `json:"land_mu"`          // 用地（亩）
	Content         string  `json:"content"`          // 建设内容

	PlannedStart Date `json:"planned_start"`
	PlannedEnd   Date `json:"planned_end"`
	ActualStart  Date `json:"actual_start"`
	ActualEnd    Date `json:"actual_end"`

	ExpectedOutput int64 `json:"expected_output"` // 预计年产值, yuan
	ExpectedTax    int64 `json:"expected_tax"`    // 预计年税收, yuan

	AgreementType string `json:"agreement_type"` // 协议类型
	SignedOn      Date   `json:"signed_on"`
	InStats       bool   `json:"in_stats"` // 入统
	InStatsOn     Date   `json:"in_stats_on"`

	Stage      Stage  `json:"stage"`
	StageOn    Date   `json:"stage_on"`    // when the current stage began
	DropReason string `json:"drop_reason"` // 退库原因

	Version   int       `json:"version"` // optimistic lock: a save must name the version it edited
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`

	// Running figures of the list's year (from the annual plan and the reports).
	Year         int   `json:"year,omitempty"`
	PlanYear     int64 `json:"plan_year"`     // this year's planned investment
	CompletedYTD int64 `json:"completed_ytd"` // completed this year to date
	CompletedAll int64 `json:"completed_all"` // completed since the start
	ProgressPct  int   `json:"progress_pct"`  // latest 形象进度 %
}

// projectCodeRE is the national project code: YYMM-区划代码-行业两位-类型两位-序号六位.
var projectCodeRE = regexp.MustCompile(`^\d{4}-\d{6}-\d{2}-\d{2}-\d{6}$`)

// ValidProjectCode reports whether s has the form of a 项目代码 with a real year-month and
// a known division prefix (e.g. 2301-330803-04-01-123456).
func ValidProjectCode(s string) bool {
	if !projectCodeRE.MatchString(s) {
		return false
	}
	mm := (s[2]-'0')*10 + (s[3] - '0')
	return mm >= 1 && mm <= 12 && ValidDivisionCode(s[5:11])
}

// Normalize trims text fields and derives the tier.
func (p *Project) Normalize() {
	for _, f := range []*string{&p.Code, &p.Name, &p.ShortName, &p.OwnerName, &p.Chain, &p.Content, &p.AgreementType, &p.DropReason} {
		*f = strings.TrimSpace(*f)
	}
	p.OwnerCode = strings.ToUpper(strings.TrimSpace(p.OwnerCode))
	p.Industry = strings.ToUpper(strings.TrimSpace(p.Industry))
	p.Tier = TierOf(p.TotalInvestment)
	if p.Stage == "" {
		p.Stage = StagePlanning
	}
}

// Validate checks the project's own fields (not references, which the store checks).
func (p *Project) Validate() error {
	switch {
	case p.Code == "":
		return FieldError("code", "project.code_required")
	case !ValidProjectCode(p.Code):
		return FieldError("code", "project.code_invalid", p.Code)
	case p.Name == "":
		return FieldError("name", "project.name_required")
	case utf8.RuneCountInString(p.Name) > 200:
		return FieldError("name", "field.too_long", 200)
	case utf8.RuneCountInString(p.ShortName) > 50:
		return FieldError("short_name", "field.too_long", 50)
	case utf8.RuneCountInString(p.OwnerName) > 200:
		return FieldError("owner_name", "field.too_long", 200)
	case p.OwnerCode != "" && !ValidUSCC(p.OwnerCode):
		return FieldError("owner_code", "unit.uscc_check", p.OwnerCode)
	case p.UnitID <= 0:
		return FieldError("unit_id", "project.unit_required")
	case p.Nature != "" && !oneOf(p.Nature, Natures):
		return FieldError("nature", "project.nature_invalid")
	case p.Investor == "" || !oneOf(p.Investor, Investors):
		return FieldError("investor", "project.investor_invalid")
	case p.Industry != "" && !oneOf(p.Industry, Industries):
		return FieldError("industry", "project.industry_invalid")
	case utf8.RuneCountInString(p.Chain) > 50:
		return FieldError("chain", "field.too_long", 50)
	case p.TotalInvestment < 0:
		return FieldError("total_investment", "project.money_negative")
	case p.TotalInvestment > 100_000*Yi:
		return FieldError("total_investment", "field.out_of_range")
	case !(p.LandMu >= 0 && p.LandMu <= 1e7): // NaN too
		return FieldError("land_mu", "field.out_of_range")
	case utf8.RuneCountInString(p.Content) > 2000:
		return FieldError("content", "field.too_long", 2000)
	case p.ExpectedOutput < 0:
		return FieldError("expected_output", "project.money_negative")
	case p.ExpectedTax < 0:
		return FieldError("expected_tax", "project.money_negative")
	case !p.PlannedStart.IsZero() && !p.PlannedEnd.IsZero() && p.PlannedEnd.Before(p.PlannedStart):
		return FieldError("planned_end", "project.end_before_start")
	case !p.ActualStart.IsZero() && !p.ActualEnd.IsZero() && p.ActualEnd.Before(p.ActualStart):
		return FieldError("actual_end", "project.end_before_start")
	case utf8.RuneCountInString(p.AgreementType) > 50:
		return FieldError("agreement_type", "field.too_long", 50)
	case !p.Stage.Valid():
		return FieldError("stage", "project.stage_invalid")
	}
	return nil
}

func oneOf[T comparable](v T, list []T) bool {
	for _, x := range list {
		if v == x {
			return true
		}
	}
	return false
}

// ProjectFilter selects projects. Zero values mean any.
type ProjectFilter struct {
	ID                               int64
	Code                             string
	Stages                           []Stage
	Tier                             *Tier
	UnitID                           int64 // responsible unit or team member, with its subtree
	LocationID                       int64 // town or park, with its subtree
	Chain                            string
	Industry                         string
	Manufacturing, HighTech, Private *bool
	LeaderID                         int64
	LeadUnitID                       int64  // responsible (lead) unit only, with its subtree: what dashboards count
	SignedFrom, SignedTo             Date   // signed within (either end may be open)
	StartedFrom, StartedTo           Date   // actually started within
	InStatsFrom, InStatsTo           Date   // entered statistics within
	MinInvestment                    int64  // total investment at least (yuan)
	Colour                           string // warning colour now (red, yellow, blue)
	Query                            string // name, short name, code or owner contains
	Year                             int    // the year of the running figures; 0: the current year
	Sort                             string // column: code, name, total_investment, plan_year, completed_ytd, stage, updated_at
	Desc                             bool
	Limit                            int
	Offset                           int
}

// ProjectTotals are the sums of a filtered project list.
type ProjectTotals struct {
	Count           int   `json:"count"`
	TotalInvestment int64 `json:"total_investment"`
	PlanYear        int64 `json:"plan_year"`
	CompletedYTD    int64 `json:"completed_ytd"`
}

// StageChange is one dated transition of a project (the timeline).
type StageChange struct {
	ID        int64     `json:"id"`
	ProjectID int64     `json:"project_id"`
	From      Stage     `json:"from"`
	To        Stage     `json:"to"`
	On        Date      `json:"on"`
	Reason    string    `json:"reason"`
	ActorName string    `json:"actor_name"`
	CreatedAt time.Time `json:"created_at"`
}

// CheckTransition says whether a project may move from its stage to `to` on date `on`:
// forward moves may skip stages, but 开工 and later need 签约 first unless the project is
// government-invested; going back, dropping (退库) and restoring need a reason; the date
// may not be before the current stage began nor after today.
func CheckTransition(p *Project, signedBefore bool, to Stage, on, today Date, reason string) error {
	if !to.Valid() {
		return FieldError("stage", "project.stage_invalid")
	}
	if to == p.Stage {
		return FieldError("stage", "project.stage_same")
	}
	if on.IsZero() {
		return FieldError("on", "project.stage_date_required")
	}
	if on.After(today) {
		return FieldError("on", "project.stage_date_future")
	}
	if !p.StageOn.IsZero() && on.Before(p.StageOn) {
		return FieldError("on", "project.stage_date_before", p.StageOn.String())
	}
	reason = strings.TrimSpace(reason)
	switch {
	case to == StageDropped:
		if reason == "" {
			return FieldError("reason", "project.drop_reason_required")
		}
		return nil
	case p.Stage == StageDropped:
		if reason == "" {
			return FieldError("reason", "project.restore_reason_required")
		}
	case to.Index() < p.Stage.Index():
		if reason == "" {
			return FieldError("reason", "project.back_reason_required")
		}
		return nil
	}
	if to.Index() >= StageStarted.Index() && !signedBefore && p.Investor != InvestorGovernment {
		return FieldError("stage", "project.start_before_signed")
	}
	return nil
}

package ding

import (
	"strings"
	"unicode/utf8"
)

// TeamRole is a unit's part in a project's 1+1+N team (组团式服务).
type TeamRole string

const (
	TeamLead TeamRole = "lead" // 牵头单位 (the project's responsible unit)
	TeamCoop TeamRole = "coop" // 配合单位
)

// TeamMember is a unit of a project's 1+1+N team with its contact person. The "1" leader
// is Project.LeaderID; the "1" lead unit is Project.UnitID, listed here with role lead.
type TeamMember struct {
	ProjectID    int64    `json:"project_id"`
	UnitID       int64    `json:"unit_id"`
	UnitName     string   `json:"unit_name"`
	Role         TeamRole `json:"role"`
	ContactName  string   `json:"contact_name"`
	ContactPhone string   `json:"contact_phone"`
	Duty         string   `json:"duty"` // what this unit does for the project
}

// Validate checks a member's text fields.
func (m *TeamMember) Validate() error {
	m.ContactName = strings.TrimSpace(m.ContactName)
	m.ContactPhone = strings.TrimSpace(m.ContactPhone)
	m.Duty = strings.TrimSpace(m.Duty)
	switch {
	case m.UnitID <= 0:
		return FieldError("unit_id", "team.unit_required")
	case m.Role != TeamLead && m.Role != TeamCoop:
		return FieldError("role", "team.role_invalid")
	case utf8.RuneCountInString(m.ContactName) > 50:
		return FieldError("contact_name", "field.too_long", 50)
	case len(m.ContactPhone) > 30:
		return FieldError("contact_phone", "field.too_long", 30)
	case utf8.RuneCountInString(m.Duty) > 200:
		return FieldError("duty", "field.too_long", 200)
	}
	return nil
}

// Milestone is a 节点: a named step with a planned and an actual date. Milestones tied to a
// stage get their actual date when the project reaches the stage.
type Milestone struct {
	ID        int64  `json:"id"`
	ProjectID int64  `json:"project_id"`
	Name      string `json:"name"`
	Stage     Stage  `json:"stage,omitempty"`
	PlannedOn Date   `json:"planned_on"`
	ActualOn  Date   `json:"actual_on"`
	SortOrder int    `json:"sort_order"`
}

// Validate checks a milestone.
func (m *Milestone) Validate() error {
	m.Name = strings.TrimSpace(m.Name)
	switch {
	case m.Name == "":
		return FieldError("name", "milestone.name_required")
	case utf8.RuneCountInString(m.Name) > 100:
		return FieldError("name", "field.too_long", 100)
	case m.Stage != "" && !m.Stage.Valid():
		return FieldError("stage", "project.stage_invalid")
	}
	return nil
}

// DefaultMilestones are the stage milestones a new project gets, planned from its dates.
func DefaultMilestones(p *Project) []Milestone {
	return []Milestone{
		{Name: "签约", Stage: StageSigned, PlannedOn: p.SignedOn, SortOrder: 10},
		{Name: "开工", Stage: StageStarted, PlannedOn: p.PlannedStart, SortOrder: 20},
		{Name: "竣工", Stage: StageCompleted, PlannedOn: p.PlannedEnd, SortOrder: 30},
		{Name: "投产", Stage: StageProducing, SortOrder: 40},
		{Name: "入统", Stage: StageInStats, SortOrder: 50},
	}
}

// AnnualPlan is a project's 年度计划: planned investment for the year and per month, and
// the year's 形象进度 goal.
type AnnualPlan struct {
	ProjectID int64     `json:"project_id"`
	Year      int       `json:"year"`
	Total     int64     `json:"total"`  // yuan
	Months    [12]int64 `json:"months"` // yuan, January first
	Goal      string    `json:"goal"`   // 年度形象进度目标
}

// Validate checks that the months add up to the year, saying by how much they do not.
func (a *AnnualPlan) Validate() error {
	a.Goal = strings.TrimSpace(a.Goal)
	if a.Year < 2000 || a.Year > 2100 {
		return FieldError("year", "plan.year_invalid")
	}
	if a.Total < 0 {
		return FieldError("total", "project.money_negative")
	}
	var sum int64
	for i, m := range a.Months {
		if m < 0 {
			return FieldError("m"+itoa2(i+1), "project.money_negative")
		}
		sum += m
	}
	if sum != a.Total {
		return FieldError("total", "plan.months_mismatch", Wan(sum), Wan(a.Total), Wan(sum-a.Total))
	}
	if utf8.RuneCountInString(a.Goal) > 500 {
		return FieldError("goal", "field.too_long", 500)
	}
	return nil
}

func itoa2(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return "1" + string(rune('0'+n-10))
}

// Wan formats yuan as 万元 with up to two decimals and thousands separators
// ("12,345.67"), the way offices write money.
func Wan(yuan int64) string {
	neg := yuan < 0
	if neg {
		yuan = -yuan
	}
	// Round to 0.01万 = 100 yuan, half away from zero.
	cents := (yuan + 50) / 100
	whole, frac := cents/100, cents%100
	s := groupThousands(whole)
	if frac != 0 {
		s += "." + string(rune('0'+frac/10))
		if frac%10 != 0 {
			s += string(rune('0' + frac%10))
		}
	}
	if neg {
		s = "-" + s
	}
	return s
}

func groupThousands(n int64) string {
	s := []byte{}
	d := 0
	if n == 0 {
		return "0"
	}
	for n > 0 {
		if d > 0 && d%3 == 0 {
			s = append(s, ',')
		}
		s = append(s, byte('0'+n%10))
		n /= 10
		d++
	}
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
	return string(s)
}

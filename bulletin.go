package ding

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// The monthly bulletin (月度通报): what the project office publishes every month for its
// subtree. Its content is a data cut taken when it is built (BulletinData, stored as it
// was), so that it can be reproduced exactly later; the office adds commentary (点评) while
// it is a draft; publishing freezes it and tells the units.

// Bulletin statuses.
const (
	BulletinDraft     = "draft"
	BulletinPublished = "published"
)

// Bulletin is one month's bulletin of a unit's subtree.
type Bulletin struct {
	ID          int64              `json:"id"`
	UnitID      int64              `json:"unit_id"`
	UnitName    string             `json:"unit_name"`
	Year        int                `json:"year"`
	Month       int                `json:"month"`
	Status      string             `json:"status"`
	Data        *BulletinData      `json:"data"`
	Comments    []*BulletinComment `json:"comments"`
	CreatedBy   string             `json:"created_by"`
	BuiltAt     time.Time          `json:"built_at"`
	PublishedBy string             `json:"published_by"`
	PublishedAt *time.Time         `json:"published_at"`
	Version     int                `json:"version"`
}

// Period is the bulletin's month as YYYY-MM.
func (b *Bulletin) Period() string { return fmt.Sprintf("%04d-%02d", b.Year, b.Month) }

// BulletinData is the data cut of a bulletin: figures kept as integers (rates are computed
// from them when shown, so a stored bulletin shows what it showed), lists capped at
// BulletinListCap entries with the full count beside them.
type BulletinData struct {
	Projects      int64 `json:"projects"`
	Investment    int64 `json:"investment"`
	Plan          int64 `json:"plan"`
	Completed     int64 `json:"completed"`
	LastYear      int64 `json:"last_year"` // completed in the same months of last year
	Signed1       int64 `json:"signed1"`
	Signed10      int64 `json:"signed10"`
	Signed100     int64 `json:"signed100"`
	Started       int64 `json:"started"`
	InStats       int64 `json:"in_stats"`
	SignedInStats int64 `json:"signed_in_stats"`
	Red           int64 `json:"red"`
	Yellow        int64 `json:"yellow"`
	Blue          int64 `json:"blue"`

	Units []BulletinUnit `json:"units"` // the ranking of the children

	Warnings      []BulletinWarning `json:"warnings"` // current red, yellow, blue, most severe first
	WarningsTotal int               `json:"warnings_total"`
	Opened        []BulletinEvent   `json:"opened"` // warned for the first time this month
	Cleared       []BulletinEvent   `json:"cleared"`
	OpenedTotal   int64             `json:"opened_total"`  // all of them (the lists are capped)
	ClearedTotal  int64             `json:"cleared_total"` // all of them

	Decided []BulletinItem `json:"decided"` // demands decided this month
	Closed  []BulletinItem `json:"closed"`  // demands and action items closed this month
	Overdue []BulletinItem `json:"overdue"` // late at the month's end

	Broken []BulletinCommitment `json:"broken"` // 对赌 clauses broken and not waived
	Listed []BulletinListed     `json:"listed"` // projects the escalation ladder listed for this bulletin

	Flags []FlagAward `json:"flags"` // the quarter's flag holders, when the month ends a quarter
}

// BulletinListCap is the most entries a bulletin's list keeps.
const BulletinListCap = 300

// Empty reports whether the month has no data: no plan, no investment completed, no
// signing, start or entry into statistics, no warning, no demand.
func (d *BulletinData) Empty() bool {
	return d.Plan == 0 && d.Completed == 0 && d.Signed1+d.Started+d.InStats == 0 && len(d.Warnings) == 0 && len(d.Opened) == 0 &&
		len(d.Cleared) == 0 && len(d.Decided) == 0 && len(d.Closed) == 0 && len(d.Overdue) == 0
}

// BulletinUnit is a unit's line in the ranking.
type BulletinUnit struct {
	UnitID    int64  `json:"unit_id"`
	UnitName  string `json:"unit_name"`
	Projects  int64  `json:"projects"`
	Plan      int64  `json:"plan"`
	Completed int64  `json:"completed"`
	Red       int64  `json:"red"`
	Rank      int    `json:"rank"`      // by completion of the plan; 0 without a plan
	PrevRank  int    `json:"prev_rank"` // last month's
}

// BulletinWarning is a project's warning with its reason in words.
type BulletinWarning struct {
	ProjectID   int64  `json:"project_id"`
	ProjectName string `json:"project_name"`
	UnitName    string `json:"unit_name"`
	Colour      Colour `json:"colour"`
	Rule        string `json:"rule"`
	Reason      string `json:"reason"`
	Since       Date   `json:"since"`
	Periods     int    `json:"periods"`
}

// BulletinEvent is a warning opened or cleared in the month.
type BulletinEvent struct {
	ProjectID   int64  `json:"project_id"`
	ProjectName string `json:"project_name"`
	UnitName    string `json:"unit_name"`
	Colour      Colour `json:"colour"`
	Reason      string `json:"reason"`
	On          Date   `json:"on"`
}

// BulletinItem is a demand or an action item.
type BulletinItem struct {
	ID          int64  `json:"id"`
	Kind        string `json:"kind"`
	Title       string `json:"title"`
	ProjectName string `json:"project_name"`
	UnitName    string `json:"unit_name"`
	Status      string `json:"status"`
	Decision    string `json:"decision"`
	On          Date   `json:"on"`  // decided, closed, or due
	Due         Date   `json:"due"` // for overdue items
}

// BulletinCommitment is a broken 对赌 clause.
type BulletinCommitment struct {
	ID          int64  `json:"id"`
	ProjectID   int64  `json:"project_id"`
	ProjectName string `json:"project_name"`
	Clause      string `json:"clause"`
	Due         Date   `json:"due"`
	Measured    string `json:"measured"`
}

// BulletinListed is a project the escalation ladder listed for the month's bulletin.
type BulletinListed struct {
	ProjectID   int64    `json:"project_id"`
	ProjectName string   `json:"project_name"`
	UnitName    string   `json:"unit_name"`
	Colour      Colour   `json:"colour"`
	Figures     []string `json:"figures"`
}

// BulletinComment is the office's commentary (点评) on a unit, a project, or the whole.
type BulletinComment struct {
	ID         int64     `json:"id"`
	BulletinID int64     `json:"bulletin_id"`
	Kind       string    `json:"kind"` // general, unit, project
	TargetID   int64     `json:"target_id"`
	TargetName string    `json:"target_name"`
	Text       string    `json:"text"`
	By         string    `json:"by"`
	At         time.Time `json:"at"`
}

// Validate checks a comment's own fields.
func (c *BulletinComment) Validate() error {
	c.Text = strings.TrimSpace(c.Text)
	switch {
	case c.Kind != "general" && c.Kind != "unit" && c.Kind != "project":
		return FieldError("kind", "field.invalid")
	case c.Kind != "general" && c.TargetID == 0:
		return FieldError("target_id", "field.required")
	case c.Text == "":
		return FieldError("text", "field.required")
	case utf8.RuneCountInString(c.Text) > 2000:
		return FieldError("text", "field.too_long", 2000)
	}
	if c.Kind == "general" {
		c.TargetID = 0
	}
	return nil
}

// Summary writes the bulletin's opening as Chinese sentences from its figures, e.g.
// "1—5月，全区重大项目累计完成投资 12.34 亿元，占年度计划的 45.6%，超序时进度 3.9 个百分点。"
// area is what the issuing unit is called in it (全区, 全市). A month without data says so.
func (d *BulletinData) Summary(area string, year, month int) []string {
	span := fmt.Sprintf("%d月", month)
	if month > 1 {
		span = fmt.Sprintf("1—%d月", month)
	}
	if d.Empty() {
		return []string{fmt.Sprintf("%d年%s，%s重大项目暂无投资计划和完成数据，也无预警和诉求，本期不作排名。", year, span, area)}
	}
	yi := func(v int64) string { return fmt.Sprintf("%.2f 亿元", float64(v)/float64(Yi)) }
	var out []string
	s := fmt.Sprintf("%d年%s，%s纳入管理的重大项目 %d 个，总投资 %s", year, span, area, d.Projects, yi(d.Investment))
	completion := R(d.Completed, d.Plan)
	if d.Plan > 0 {
		gap := ScheduleGap(completion, Schedule(year, month, false))
		s += fmt.Sprintf("；累计完成投资 %s，占年度计划的 %s", yi(d.Completed), completion.Pct())
		switch g := gap.Float(); {
		case !gap.OK:
		case g > 0.0005:
			s += fmt.Sprintf("，超序时进度 %s 个百分点", strings.TrimPrefix(gap.PP(), "+"))
		case g < -0.0005:
			s += fmt.Sprintf("，落后序时进度 %s 个百分点", strings.TrimPrefix(gap.PP(), "-"))
		default:
			s += "，与序时进度持平"
		}
	} else {
		s += fmt.Sprintf("；累计完成投资 %s，尚无年度投资计划", yi(d.Completed))
	}
	if g := Growth(d.Completed, d.LastYear, true, true); g.OK {
		s += fmt.Sprintf("，同比增长 %s", g.Pct())
	}
	out = append(out, s+"。")
	if d.Signed1 > 0 || d.Started > 0 || d.InStats > 0 {
		out = append(out, fmt.Sprintf("新签约亿元以上项目 %d 个（其中 10 亿元以上 %d 个、100 亿元以上 %d 个），新开工项目 %d 个，新入统项目 %d 个，其中当年签约当年入统 %d 个。",
			d.Signed1, d.Signed10, d.Signed100, d.Started, d.InStats, d.SignedInStats))
	}
	if d.Red+d.Yellow+d.Blue > 0 {
		out = append(out, fmt.Sprintf("目前红色预警 %d 个、黄色预警 %d 个、蓝色预警 %d 个；本月新增预警 %d 个，解除 %d 个。",
			d.Red, d.Yellow, d.Blue, max(d.OpenedTotal, int64(len(d.Opened))), max(d.ClearedTotal, int64(len(d.Cleared)))))
	} else {
		out = append(out, "目前无预警项目。")
	}
	if n := len(d.Decided) + len(d.Closed) + len(d.Overdue); n > 0 {
		out = append(out, fmt.Sprintf("本月拍板诉求 %d 件，办结诉求和交办事项 %d 件，逾期未办结 %d 件。", len(d.Decided), len(d.Closed), len(d.Overdue)))
	}
	return out
}

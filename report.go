package ding

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// PeriodKind is month or ISO week.
type PeriodKind string

const (
	PeriodMonth PeriodKind = "month"
	PeriodWeek  PeriodKind = "week"
)

// Period is a reporting period: a month (2024-03) or an ISO week (2024-W09).
type Period struct {
	Kind PeriodKind
	Year int
	N    int // month 1–12 or ISO week 1–53
}

// ParsePeriod reads "2024-03" or "2024-W09" (four digits of a year from 0001, two of the
// month or week); months and weeks that do not exist are refused.
func ParsePeriod(s string) (Period, error) {
	s = strings.TrimSpace(s)
	if y, w, ok := strings.Cut(s, "-W"); ok {
		year, err1 := strconv.Atoi(y)
		week, err2 := strconv.Atoi(w)
		if err1 != nil || err2 != nil || len(y) != 4 || len(w) != 2 || !asciiDigits(y+w) || year < 1 ||
			week < 1 || week > isoWeeks(year) {
			return Period{}, fmt.Errorf("period %q: no such ISO week", s)
		}
		return Period{PeriodWeek, year, week}, nil
	}
	t, err := time.Parse("2006-01", s)
	if err != nil || len(s) != 7 || t.Year() < 1 {
		return Period{}, fmt.Errorf("period %q: want YYYY-MM or YYYY-Www", s)
	}
	return Period{PeriodMonth, t.Year(), int(t.Month())}, nil
}

// asciiDigits reports whether s is made of ASCII digits only (strconv.Atoi also takes a sign).
func asciiDigits(s string) bool {
	return strings.Trim(s, "0123456789") == ""
}

// MonthPeriod is the month period of year and month.
func MonthPeriod(year int, m time.Month) Period { return Period{PeriodMonth, year, int(m)} }

func isoWeeks(year int) int {
	_, w := time.Date(year, 12, 28, 0, 0, 0, 0, time.UTC).ISOWeek()
	return w
}

// String is 2024-03 or 2024-W09.
func (p Period) String() string {
	if p.Kind == PeriodWeek {
		return fmt.Sprintf("%04d-W%02d", p.Year, p.N)
	}
	return fmt.Sprintf("%04d-%02d", p.Year, p.N)
}

// IsZero reports whether the period is unset.
func (p Period) IsZero() bool { return p.Year == 0 }

// Start is the first day of the period.
func (p Period) Start() Date {
	if p.Kind == PeriodWeek {
		// ISO week 1 contains January 4th; weeks start on Monday.
		jan4 := time.Date(p.Year, 1, 4, 0, 0, 0, 0, time.UTC)
		monday := jan4.AddDate(0, 0, -((int(jan4.Weekday()) + 6) % 7))
		return DateOf(monday.AddDate(0, 0, 7*(p.N-1)))
	}
	return Date{p.Year, time.Month(p.N), 1}
}

// End is the last day of the period.
func (p Period) End() Date {
	if p.Kind == PeriodWeek {
		return p.Start().AddDays(6)
	}
	return DateOf(time.Date(p.Year, time.Month(p.N)+1, 0, 0, 0, 0, 0, time.UTC))
}

// ReportWindow says when reports for a period may be submitted: a month's window opens on
// OpenDay of the month and closes at the end of CloseDay (of the next month when
// CloseNextMonth); a week's opens on its Monday and closes WeekCloseDays after its Sunday.
// Reports after the close are accepted and marked late.
type ReportWindow struct {
	OpenDay        int  `json:"open_day"`
	CloseDay       int  `json:"close_day"`
	CloseNextMonth bool `json:"close_next_month"`
	WeekCloseDays  int  `json:"week_close_days"`
}

// DefaultReportWindow: monthly data from the 1st to the 18th of the month (a common
// 每月18日前报送 rule), weekly data by the Tuesday after the week.
var DefaultReportWindow = ReportWindow{OpenDay: 1, CloseDay: 18, WeekCloseDays: 2}

// Validate checks the window's days.
func (w ReportWindow) Validate() error {
	if w.OpenDay < 1 || w.OpenDay > 28 {
		return FieldError("open_day", "window.day_invalid")
	}
	if w.CloseDay < 1 || w.CloseDay > 28 {
		return FieldError("close_day", "window.day_invalid")
	}
	if !w.CloseNextMonth && w.CloseDay < w.OpenDay {
		return FieldError("close_day", "window.close_before_open")
	}
	if w.WeekCloseDays < 0 || w.WeekCloseDays > 14 {
		return FieldError("week_close_days", "field.out_of_range")
	}
	return nil
}

// Opens and Closes give the window of a period.
func (w ReportWindow) Opens(p Period) Date {
	if p.Kind == PeriodWeek {
		return p.Start()
	}
	return Date{p.Year, time.Month(p.N), w.OpenDay}
}

// Closes is the last day on which a report for p is on time.
func (w ReportWindow) Closes(p Period) Date {
	if p.Kind == PeriodWeek {
		return p.End().AddDays(w.WeekCloseDays)
	}
	m := time.Month(p.N)
	if w.CloseNextMonth {
		m++
	}
	return DateOf(time.Date(p.Year, m, w.CloseDay, 0, 0, 0, 0, time.UTC))
}

// ReportStatus is where a report stands in review.
type ReportStatus string

const (
	ReportSubmitted ReportStatus = "submitted" // 待审核
	ReportApproved  ReportStatus = "approved"  // 已通过
	ReportReturned  ReportStatus = "returned"  // 已退回
)

// ProgressReport is a 进度填报 for one project and period. A correction after approval is
// a new version; the old versions are kept. Investment figures are summed from the current
// version of each monthly report that is not returned; weekly reports carry progress only.
type ProgressReport struct {
	ID            int64        `json:"id"`
	ProjectID     int64        `json:"project_id"`
	ProjectName   string       `json:"project_name,omitempty"`
	Period        string       `json:"period"`
	Kind          PeriodKind   `json:"kind"`
	Version       int          `json:"version"`
	Current       bool         `json:"current"`
	Completed     int64        `json:"completed"` // 本期完成投资, yuan
	ProgressText  string       `json:"progress_text"`
	ProgressPct   int          `json:"progress_pct"`
	Problems      string       `json:"problems"`
	NextSteps     string       `json:"next_steps"`
	Status        ReportStatus `json:"status"`
	Late          bool         `json:"late"`
	ReviewComment string       `json:"review_comment"`
	ReviewerName  string       `json:"reviewer_name"`
	ReviewedAt    *time.Time   `json:"reviewed_at,omitempty"`
	SubmitterName string       `json:"submitter_name"`
	SubmittedAt   time.Time    `json:"submitted_at"`
	Photos        []Photo      `json:"photos,omitempty"`

	// Cumulative figures at this period, computed (never typed).
	CompletedYTD int64 `json:"completed_ytd"`
	CompletedAll int64 `json:"completed_all"`
}

// Validate checks the report's fields.
func (r *ProgressReport) Validate() error {
	r.ProgressText = strings.TrimSpace(r.ProgressText)
	r.Problems = strings.TrimSpace(r.Problems)
	r.NextSteps = strings.TrimSpace(r.NextSteps)
	p, err := ParsePeriod(r.Period)
	if err != nil {
		return FieldError("period", "report.period_invalid", r.Period)
	}
	r.Period, r.Kind = p.String(), p.Kind
	switch {
	case r.Completed < 0:
		return FieldError("completed", "project.money_negative")
	case r.Completed > 10_000*Yi:
		return FieldError("completed", "field.out_of_range")
	case r.ProgressPct < 0 || r.ProgressPct > 100:
		return FieldError("progress_pct", "report.pct_invalid")
	case r.ProgressText == "":
		return FieldError("progress_text", "report.text_required")
	case utf8.RuneCountInString(r.ProgressText) > 2000:
		return FieldError("progress_text", "field.too_long", 2000)
	case utf8.RuneCountInString(r.Problems) > 2000:
		return FieldError("problems", "field.too_long", 2000)
	case utf8.RuneCountInString(r.NextSteps) > 2000:
		return FieldError("next_steps", "field.too_long", 2000)
	}
	return nil
}

// Photo is an image attached to a report, stored in the data directory by content hash.
type Photo struct {
	ID       int64  `json:"id"`
	ReportID int64  `json:"report_id"`
	Hash     string `json:"hash"` // hex SHA-256 of the content
	Name     string `json:"name"`
	MIME     string `json:"mime"`
	Size     int64  `json:"size"`
}

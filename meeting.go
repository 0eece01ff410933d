package ding

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Meetings push the projects: weekly coordination (周协调), monthly meetings (月例会) and
// topic meetings (专题会). Their agenda is built from the data — follow-ups (action items
// still open), standing items (red and yellow projects, overdue demands) and new items
// (demands raised since the last meeting) — and edited by the office; units comment on
// their items before the meeting; the office records a decision per item, and a decision
// can create action items (交办事项), tracked like demands.

// MeetingKind is the kind of meeting.
type MeetingKind string

const (
	MeetingWeekly  MeetingKind = "weekly"  // 周协调
	MeetingMonthly MeetingKind = "monthly" // 月例会
	MeetingTopic   MeetingKind = "topic"   // 专题会
)

// MeetingKinds lists the kinds.
var MeetingKinds = []MeetingKind{MeetingWeekly, MeetingMonthly, MeetingTopic}

// Meeting statuses.
const (
	MeetingPlanned = "planned" // agenda being prepared
	MeetingHeld    = "held"    // held: decisions recorded, minutes can be issued
)

// Meeting is a scheduled meeting.
type Meeting struct {
	ID         int64       `json:"id"`
	Kind       MeetingKind `json:"kind"`
	Title      string      `json:"title"`
	StartsAt   time.Time   `json:"starts_at"`
	Place      string      `json:"place"`
	ChairID    int64       `json:"chair_id"` // a leader
	ChairName  string      `json:"chair_name,omitempty"`
	Attendees  string      `json:"attendees"`   // 参会人员, as written
	UnitIDs    []int64     `json:"unit_ids"`    // 参会单位
	UnitNames  []string    `json:"unit_names"`  // in the order of UnitIDs
	CommentDue Date        `json:"comment_due"` // units comment on their items by this day
	Status     string      `json:"status"`
	Summary    string      `json:"summary"` // the minutes' opening paragraph
	CreatedBy  string      `json:"created_by"`
	CreatedAt  time.Time   `json:"created_at"`
	UpdatedAt  time.Time   `json:"updated_at"`
	Version    int         `json:"version"`
}

// Normalize trims the texts.
func (m *Meeting) Normalize() {
	m.Title = strings.TrimSpace(m.Title)
	m.Place = strings.TrimSpace(m.Place)
	m.Attendees = strings.TrimSpace(m.Attendees)
	m.Summary = strings.TrimSpace(m.Summary)
}

// Validate checks a meeting: a kind, a title, a time, a chair, texts within limits, a
// comment deadline not after the meeting day, each unit once.
func (m *Meeting) Validate() error {
	m.Normalize()
	switch {
	case !oneOf(m.Kind, MeetingKinds):
		return FieldError("kind", "meeting.kind_invalid")
	case m.Title == "":
		return FieldError("title", "meeting.title_required")
	case utf8.RuneCountInString(m.Title) > 100:
		return FieldError("title", "field.too_long", 100)
	case m.StartsAt.IsZero():
		return FieldError("starts_at", "meeting.starts_required")
	case m.ChairID == 0:
		return FieldError("chair_id", "meeting.chair_required")
	case utf8.RuneCountInString(m.Place) > 100:
		return FieldError("place", "field.too_long", 100)
	case utf8.RuneCountInString(m.Attendees) > 1000:
		return FieldError("attendees", "field.too_long", 1000)
	case utf8.RuneCountInString(m.Summary) > 4000:
		return FieldError("summary", "field.too_long", 4000)
	case !m.CommentDue.IsZero() && m.CommentDue.After(DateOf(m.StartsAt.In(Shanghai))):
		return FieldError("comment_due", "meeting.comment_due_after")
	}
	seen := map[int64]bool{}
	for _, u := range m.UnitIDs {
		if u == 0 || seen[u] {
			return FieldError("unit_ids", "meeting.unit_twice")
		}
		seen[u] = true
	}
	return nil
}

// AgendaSource says where an agenda item came from.
type AgendaSource string

const (
	AgendaFollowUp AgendaSource = "followup" // 跟踪事项: an action item of an earlier meeting still open
	AgendaStanding AgendaSource = "standing" // 常设议题: a red or yellow project, an overdue demand
	AgendaNew      AgendaSource = "new"      // 新提交诉求: raised since the last meeting
	AgendaCustom   AgendaSource = "custom"   // added by the office
)

// AgendaItem is one item of a meeting's agenda with what the meeting made of it.
type AgendaItem struct {
	ID          int64        `json:"id"`
	MeetingID   int64        `json:"meeting_id"`
	Position    int          `json:"position"`
	Source      AgendaSource `json:"source"`
	ItemID      int64        `json:"item_id,omitempty"` // the demand or action item it is about
	ProjectID   int64        `json:"project_id,omitempty"`
	ProjectName string       `json:"project_name,omitempty"`
	UnitID      int64        `json:"unit_id,omitempty"` // the unit asked to comment
	UnitName    string       `json:"unit_name,omitempty"`
	Title       string       `json:"title"`
	Figures     []string     `json:"figures"` // the figures when the agenda was built
	Dropped     bool         `json:"dropped"`
	Comment     string       `json:"comment"` // the unit's comment before the meeting
	CommentBy   string       `json:"comment_by"`
	CommentAt   *time.Time   `json:"comment_at"`
	Decision    string       `json:"decision"` // 会议议定
	ActionIDs   []int64      `json:"action_ids"`
}

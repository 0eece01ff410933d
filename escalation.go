package ding

import (
	"strings"
	"time"
	"unicode/utf8"
)

// The escalation ladder (督办升级): what ding does about a project while it stays warned.
// Each step names a colour, how many periods (months) the project has been at that colour
// or worse, this one included, and an action; a step is taken once per episode — the time
// from the project reaching the colour until it falls below it again.

// LadderAction is what a ladder step does.
type LadderAction string

const (
	ActionRemind          LadderAction = "remind"           // 提醒: a message to the liaison and the lead unit
	ActionLetterRemind    LadderAction = "letter_remind"    // 提醒函
	ActionLetterAssign    LadderAction = "letter_assign"    // 交办函
	ActionLetterSupervise LadderAction = "letter_supervise" // 督办函
	ActionBulletin        LadderAction = "bulletin"         // 通报: listed in the next monthly bulletin
	ActionInterview       LadderAction = "interview"        // 约谈: a task for the leader's office
)

// LadderActions lists the actions, mildest first.
var LadderActions = []LadderAction{ActionRemind, ActionLetterRemind, ActionLetterAssign, ActionLetterSupervise, ActionBulletin, ActionInterview}

// IsLetter reports whether the action issues a numbered letter (两函一单).
func (a LadderAction) IsLetter() bool {
	return a == ActionLetterRemind || a == ActionLetterAssign || a == ActionLetterSupervise
}

// HasDue reports whether the action waits for something by a date: a letter's written
// reply, an interview's record.
func (a LadderAction) HasDue() bool { return a.IsLetter() || a == ActionInterview }

// LadderStep is one rung: at Colour (or worse) for Periods periods → Action, with DueDays
// days to reply to a letter or hold an interview.
type LadderStep struct {
	Colour  Colour       `json:"colour"`
	Periods int          `json:"periods"`
	Action  LadderAction `json:"action"`
	DueDays int          `json:"due_days,omitempty"`
}

// Ladder is the configured steps, in the order the editor shows them.
type Ladder []LadderStep

// DefaultLadder follows the practice described in DOMAIN.md: a reminder at the first blue
// or yellow; a 提醒函 at yellow, a 交办函 when yellow persists; a 督办函 and the bulletin
// at red; an interview when red persists.
var DefaultLadder = Ladder{
	{Colour: "blue", Periods: 1, Action: ActionRemind},
	{Colour: "yellow", Periods: 1, Action: ActionRemind},
	{Colour: "yellow", Periods: 1, Action: ActionLetterRemind, DueDays: 7},
	{Colour: "yellow", Periods: 2, Action: ActionLetterAssign, DueDays: 5},
	{Colour: "red", Periods: 1, Action: ActionLetterSupervise, DueDays: 5},
	{Colour: "red", Periods: 1, Action: ActionBulletin},
	{Colour: "red", Periods: 2, Action: ActionInterview, DueDays: 10},
}

// Validate checks the steps against the colour scheme: known colours and actions, 1–24
// periods, a due time (1–90 days) exactly for letters and interviews, no step twice.
func (l Ladder) Validate(colours ColourScheme) error {
	if len(l) > 50 {
		return FieldError("ladder", "ladder.too_many", 50)
	}
	seen := map[LadderStep]bool{}
	for i, s := range l {
		n := i + 1
		switch {
		case colours.Rank(s.Colour) == 0:
			return FieldError("ladder", "ladder.colour_unknown", n, string(s.Colour))
		case !oneOf(s.Action, LadderActions):
			return FieldError("ladder", "ladder.action_invalid", n)
		case s.Periods < 1 || s.Periods > 24:
			return FieldError("ladder", "ladder.periods_range", n)
		case s.Action.HasDue() && (s.DueDays < 1 || s.DueDays > 90):
			return FieldError("ladder", "ladder.due_range", n)
		case !s.Action.HasDue() && s.DueDays != 0:
			return FieldError("ladder", "ladder.due_unexpected", n)
		}
		k := LadderStep{Colour: s.Colour, Periods: s.Periods, Action: s.Action}
		if seen[k] {
			return FieldError("ladder", "ladder.step_twice", n)
		}
		seen[k] = true
	}
	return nil
}

// LetterSettings say who issues the letters and how they are numbered: Prefix〔year〕n号.
type LetterSettings struct {
	Issuer   string                  `json:"issuer"`   // 衢江区重大项目推进办公室
	Prefixes map[LadderAction]string `json:"prefixes"` // per letter kind: 衢重大办提醒
}

// DefaultLetterSettings names the issuer after the district (the root of the org tree).
func DefaultLetterSettings(district string) LetterSettings {
	short := strings.TrimSuffix(strings.TrimSuffix(district, "区"), "县")
	if short == "" {
		short = "区"
	}
	return LetterSettings{
		Issuer: district + "重大项目推进办公室",
		Prefixes: map[LadderAction]string{
			ActionLetterRemind:    short + "重大办提醒",
			ActionLetterAssign:    short + "重大办交办",
			ActionLetterSupervise: short + "重大办督办",
		},
	}
}

// Validate checks the issuer and a prefix for each letter kind, trimming them in place
// and dropping prefixes of actions that are not letters.
func (s *LetterSettings) Validate() error {
	for a := range s.Prefixes {
		if !a.IsLetter() {
			delete(s.Prefixes, a)
		}
	}
	s.Issuer = strings.TrimSpace(s.Issuer)
	if s.Issuer == "" {
		return FieldError("issuer", "ladder.issuer_required")
	}
	if utf8.RuneCountInString(s.Issuer) > 60 {
		return FieldError("issuer", "field.too_long", 60)
	}
	for _, a := range LadderActions {
		if !a.IsLetter() {
			continue
		}
		p := strings.TrimSpace(s.Prefixes[a])
		if p == "" {
			return FieldError("prefix_"+string(a), "ladder.prefix_required")
		}
		if utf8.RuneCountInString(p) > 20 || strings.ContainsAny(p, "〔〕") {
			return FieldError("prefix_"+string(a), "ladder.prefix_invalid")
		}
		s.Prefixes[a] = p
	}
	return nil
}

// Escalation statuses.
const (
	EscalationOpen      = "open"      // a letter awaiting its reply, an interview to hold
	EscalationDone      = "done"      // reminder sent, letter replied, interview recorded, listed
	EscalationWithdrawn = "withdrawn" // withdrawn by the office, with a reason
)

// Escalation is one step of the ladder taken for a project: a reminder, a letter, a
// listing in the bulletin, or an interview, with what answered it.
type Escalation struct {
	ID          int64        `json:"id"`
	ProjectID   int64        `json:"project_id"`
	ProjectCode string       `json:"project_code,omitempty"`
	ProjectName string       `json:"project_name,omitempty"`
	Action      LadderAction `json:"action"`
	Colour      Colour       `json:"colour"`  // the step's colour
	Periods     int          `json:"periods"` // the step's periods
	Manual      bool         `json:"manual"`  // issued by hand, not by the ladder
	Episode     Date         `json:"episode"` // when the project reached the colour
	IssuedOn    Date         `json:"issued_on"`
	Number      string       `json:"number,omitempty"` // letters: 衢重大办督办〔2024〕3号
	UnitID      int64        `json:"unit_id"`          // the recipient (the lead unit)
	UnitName    string       `json:"unit_name,omitempty"`
	LeaderID    int64        `json:"leader_id,omitempty"` // interviews: the leader who holds it
	LeaderName  string       `json:"leader_name,omitempty"`
	Figures     []string     `json:"figures"` // the warnings' reasons in Chinese when issued
	DueOn       Date         `json:"due_on"`
	Status      string       `json:"status"`
	Overdue     bool         `json:"overdue"`    // past due and still open (as of the warning date)
	Escalated   bool         `json:"escalated"`  // its overdue was escalated
	Period      string       `json:"period"`     // the month it belongs to: the bulletin it is listed in
	Reply       string       `json:"reply"`      // letters: the written reply
	RepliedOn   Date         `json:"replied_on"` // letters: when the reply came
	RepliedBy   string       `json:"replied_by"` // who recorded it
	Interview   *Interview   `json:"interview"`  // interviews: the record
	Note        string       `json:"note"`       // the office's note (manual issue, withdrawal)
	CreatedAt   time.Time    `json:"created_at"`
	Version     int          `json:"version"`
}

// Interview is the record of a 约谈: when, who met whom, what was promised, when to follow
// up.
type Interview struct {
	HeldOn       Date   `json:"held_on"`
	Interviewer  string `json:"interviewer"`  // 约谈人
	Interviewees string `json:"interviewees"` // 被约谈人
	Commitments  string `json:"commitments"`  // 整改承诺
	FollowUpOn   Date   `json:"follow_up_on"` // 跟踪复查日期
}

// Validate checks an interview record against the day it is entered.
func (iv *Interview) Validate(today Date) error {
	iv.Interviewer = strings.TrimSpace(iv.Interviewer)
	iv.Interviewees = strings.TrimSpace(iv.Interviewees)
	iv.Commitments = strings.TrimSpace(iv.Commitments)
	switch {
	case iv.HeldOn.IsZero():
		return FieldError("held_on", "interview.held_on_required")
	case iv.HeldOn.After(today):
		return FieldError("held_on", "interview.held_on_future")
	case iv.Interviewer == "":
		return FieldError("interviewer", "interview.interviewer_required")
	case utf8.RuneCountInString(iv.Interviewer) > 200:
		return FieldError("interviewer", "field.too_long", 200)
	case iv.Interviewees == "":
		return FieldError("interviewees", "interview.interviewees_required")
	case utf8.RuneCountInString(iv.Interviewees) > 200:
		return FieldError("interviewees", "field.too_long", 200)
	case iv.Commitments == "":
		return FieldError("commitments", "interview.commitments_required")
	case utf8.RuneCountInString(iv.Commitments) > 4000:
		return FieldError("commitments", "field.too_long", 4000)
	case !iv.FollowUpOn.IsZero() && iv.FollowUpOn.Before(iv.HeldOn):
		return FieldError("follow_up_on", "interview.follow_up_before")
	}
	return nil
}

package ding

import (
	"strings"
	"time"
	"unicode/utf8"
)

// 擂台赛 (project planning contest): units submit planned projects (谋划项目) into a round;
// judges score each against the round's weighted criteria; ding ranks the entries by their
// judges' average and the office moves winners into the registry, in stage 谋划, in one
// action.

// Contest round statuses.
const (
	ContestOpen    = "open"    // accepting entries
	ContestJudging = "judging" // entries closed, judges scoring
	ContestClosed  = "closed"  // results final
)

// Criterion is one thing judges score, worth up to Weight centi-points.
type Criterion struct {
	Name   string `json:"name"`
	Weight int64  `json:"weight"` // centi-points: 30 points is 3000
}

// Contest is a round of the 擂台赛.
type Contest struct {
	ID            int64       `json:"id"`
	Name          string      `json:"name"`
	OrganizerID   int64       `json:"organizer_id"`
	OrganizerName string      `json:"organizer_name,omitempty"`
	Deadline      Date        `json:"deadline"` // last day for entries
	Status        string      `json:"status"`
	Winners       int         `json:"winners"` // how many entries win
	Criteria      []Criterion `json:"criteria"`
	JudgeIDs      []int64     `json:"judge_ids"`
	JudgeNames    []string    `json:"judge_names,omitempty"`
	Note          string      `json:"note"`
	Entries       int         `json:"entries"` // how many were submitted
	Version       int         `json:"version"`
	CreatedAt     time.Time   `json:"created_at"`
}

// Total is what the criteria add up to.
func (c *Contest) Total() int64 {
	var t int64
	for _, k := range c.Criteria {
		t += k.Weight
	}
	return t
}

// Validate checks a round: a name, an organizer, a deadline, criteria with names and
// positive weights adding up to 100 points, at least one judge, and how many win.
func (c *Contest) Validate() error {
	c.Name, c.Note = strings.TrimSpace(c.Name), strings.TrimSpace(c.Note)
	switch {
	case c.Name == "":
		return FieldError("name", "field.required")
	case utf8.RuneCountInString(c.Name) > 100:
		return FieldError("name", "field.too_long", 100)
	case utf8.RuneCountInString(c.Note) > 2000:
		return FieldError("note", "field.too_long", 2000)
	case c.OrganizerID == 0:
		return FieldError("organizer_id", "field.required")
	case c.Deadline.IsZero():
		return FieldError("deadline", "field.required")
	case c.Winners < 1 || c.Winners > 100:
		return FieldError("winners", "contest.winners_invalid")
	case len(c.Criteria) == 0 || len(c.Criteria) > 20:
		return FieldError("criteria", "contest.criteria_count")
	case len(c.JudgeIDs) == 0 || len(c.JudgeIDs) > 50:
		return FieldError("judge_ids", "contest.judges_required")
	}
	names := map[string]bool{}
	for i := range c.Criteria {
		k := &c.Criteria[i]
		k.Name = strings.TrimSpace(k.Name)
		if k.Name == "" || utf8.RuneCountInString(k.Name) > 50 {
			return FieldError("criteria", "contest.criterion_name", i+1)
		}
		if names[k.Name] {
			return FieldError("criteria", "contest.criterion_twice", k.Name)
		}
		names[k.Name] = true
		if k.Weight <= 0 {
			return FieldError("criteria", "contest.criterion_weight", i+1)
		}
	}
	if t := c.Total(); t != 10000 {
		return FieldError("criteria", "scheme.weights_sum", Points(t), Points(10000))
	}
	judges := map[int64]bool{}
	for _, j := range c.JudgeIDs {
		if judges[j] {
			return FieldError("judge_ids", "contest.judge_twice")
		}
		judges[j] = true
	}
	return nil
}

// ContestEntry is a planned project submitted into a round.
type ContestEntry struct {
	ID          int64     `json:"id"`
	ContestID   int64     `json:"contest_id"`
	UnitID      int64     `json:"unit_id"`
	UnitName    string    `json:"unit_name,omitempty"`
	Name        string    `json:"name"`
	Investment  int64     `json:"investment"` // planned total, yuan
	Industry    string    `json:"industry"`   // GB/T 4754 section letter
	Chain       string    `json:"chain"`      // 产业链
	Content     string    `json:"content"`    // 建设内容
	Maturity    string    `json:"maturity"`   // 成熟度: where the project stands
	SubmittedBy string    `json:"submitted_by"`
	CreatedAt   time.Time `json:"created_at"`
	Judged      int       `json:"judged"`     // judges who scored it
	Score       int64     `json:"score"`      // average of the judges' totals, centi-points
	Rank        int       `json:"rank"`       // 0 until scored
	Winner      bool      `json:"winner"`     // rank within the round's winners
	ProjectID   int64     `json:"project_id"` // the registry project it became (0: not yet)
	Version     int       `json:"version"`
}

// Validate checks an entry's own fields.
func (e *ContestEntry) Validate() error {
	for _, f := range []*string{&e.Name, &e.Industry, &e.Chain, &e.Content, &e.Maturity} {
		*f = strings.TrimSpace(*f)
	}
	e.Industry = strings.ToUpper(e.Industry)
	switch {
	case e.UnitID == 0:
		return FieldError("unit_id", "field.required")
	case e.Name == "":
		return FieldError("name", "field.required")
	case utf8.RuneCountInString(e.Name) > 100:
		return FieldError("name", "field.too_long", 100)
	case e.Investment <= 0:
		return FieldError("investment", "contest.investment_required")
	case e.Industry != "" && (len(e.Industry) != 1 || e.Industry[0] < 'A' || e.Industry[0] > 'T'):
		return FieldError("industry", "field.invalid")
	case utf8.RuneCountInString(e.Chain) > 50:
		return FieldError("chain", "field.too_long", 50)
	case e.Content == "":
		return FieldError("content", "field.required")
	case utf8.RuneCountInString(e.Content) > 2000:
		return FieldError("content", "field.too_long", 2000)
	case utf8.RuneCountInString(e.Maturity) > 500:
		return FieldError("maturity", "field.too_long", 500)
	}
	return nil
}

// JudgeScore is one judge's marks for one entry: a mark per criterion, in the criteria's
// order, each between 0 and the criterion's weight.
type JudgeScore struct {
	EntryID   int64     `json:"entry_id"`
	JudgeID   int64     `json:"judge_id"`
	JudgeName string    `json:"judge_name,omitempty"`
	Marks     []int64   `json:"marks"` // centi-points
	Note      string    `json:"note"`
	At        time.Time `json:"at"`
}

// Validate checks the marks against the round's criteria.
func (j *JudgeScore) Validate(c *Contest) error {
	j.Note = strings.TrimSpace(j.Note)
	if len(j.Marks) != len(c.Criteria) {
		return FieldError("marks", "contest.marks_count", len(c.Criteria))
	}
	for i, m := range j.Marks {
		if m < 0 || m > c.Criteria[i].Weight {
			return FieldError("marks", "contest.mark_range", c.Criteria[i].Name, Points(c.Criteria[i].Weight))
		}
	}
	if utf8.RuneCountInString(j.Note) > 1000 {
		return FieldError("note", "field.too_long", 1000)
	}
	return nil
}

// Total is the judge's total for the entry.
func (j *JudgeScore) Total() int64 {
	var t int64
	for _, m := range j.Marks {
		t += m
	}
	return t
}

package ding

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Commitments (对赌条款) are clauses of a signed project's agreement, on either side: the
// investor's (capital in place, start, production, tax or output reached, by a date) and
// the government's (land delivered, a policy honoured, by a date), with the penalty or
// remedy. When a clause falls due ding checks it against the project's own data where it
// can — investment completed, the dates of its stages — and asks the responsible unit to
// confirm where it cannot. A broken clause is a warning of its project (through the
// item_overdue rule, like an overdue demand) and appears in the bulletin.

// CommitmentSide says who promised.
type CommitmentSide string

const (
	SideInvestor   CommitmentSide = "investor"   // 投资方
	SideGovernment CommitmentSide = "government" // 政府方
)

// CommitmentKind is what was promised.
type CommitmentKind string

const (
	CommitCapital    CommitmentKind = "capital"    // 到资: Amount yuan invested by Due (checked: investment completed)
	CommitStart      CommitmentKind = "start"      // 开工 by Due (checked: the start date)
	CommitProduction CommitmentKind = "production" // 投产 by Due (checked: the date it reached 投产)
	CommitTax        CommitmentKind = "tax"        // 亩均税收 or tax reached (confirmed by the unit)
	CommitOutput     CommitmentKind = "output"     // output reached (confirmed by the unit)
	CommitLand       CommitmentKind = "land"       // 交地 by Due (government; confirmed)
	CommitPolicy     CommitmentKind = "policy"     // 政策兑现 by Due (government; confirmed)
	CommitOther      CommitmentKind = "other"      // anything else (confirmed)
)

// CommitmentKinds lists the kinds; the first three are checked from ding's data.
var CommitmentKinds = []CommitmentKind{CommitCapital, CommitStart, CommitProduction, CommitTax, CommitOutput, CommitLand, CommitPolicy, CommitOther}

// Checked reports whether ding can judge the kind from its own data.
func (k CommitmentKind) Checked() bool {
	return k == CommitCapital || k == CommitStart || k == CommitProduction
}

// Commitment statuses.
const (
	CommitPending  = "pending"  // not yet due
	CommitAwaiting = "awaiting" // due; the responsible unit must confirm
	CommitKept     = "kept"
	CommitBroken   = "broken"
	CommitWaived   = "waived" // by the office, with a reason
)

// Commitment is one clause.
type Commitment struct {
	ID          int64          `json:"id"`
	ProjectID   int64          `json:"project_id"`
	ProjectName string         `json:"project_name,omitempty"`
	Side        CommitmentSide `json:"side"`
	Kind        CommitmentKind `json:"kind"`
	Clause      string         `json:"clause"` // the clause as agreed
	Amount      int64          `json:"amount"` // yuan (capital, tax, output), 0 otherwise
	Due         Date           `json:"due"`
	Penalty     string         `json:"penalty"` // penalty or remedy
	UnitID      int64          `json:"unit_id"` // who confirms (the lead unit by default)
	UnitName    string         `json:"unit_name,omitempty"`
	Status      string         `json:"status"`
	CheckedOn   Date           `json:"checked_on"`
	Measured    string         `json:"measured"` // what ding found, in Chinese
	Note        string         `json:"note"`     // the confirmation's or the waiver's words
	DecidedBy   string         `json:"decided_by"`
	CreatedAt   time.Time      `json:"created_at"`
	Version     int            `json:"version"`
}

// Validate checks a clause: a side and a kind that fits it, the clause text, an amount
// exactly where the kind has one, a due date.
func (c *Commitment) Validate() error {
	c.Clause = strings.TrimSpace(c.Clause)
	c.Penalty = strings.TrimSpace(c.Penalty)
	gov := c.Kind == CommitLand || c.Kind == CommitPolicy
	switch {
	case c.Side != SideInvestor && c.Side != SideGovernment:
		return FieldError("side", "commit.side_invalid")
	case !oneOf(c.Kind, CommitmentKinds):
		return FieldError("kind", "commit.kind_invalid")
	case gov && c.Side != SideGovernment, c.Side == SideGovernment && c.Kind != CommitOther && !gov:
		return FieldError("kind", "commit.kind_side")
	case c.Clause == "":
		return FieldError("clause", "commit.clause_required")
	case utf8.RuneCountInString(c.Clause) > 1000:
		return FieldError("clause", "field.too_long", 1000)
	case utf8.RuneCountInString(c.Penalty) > 1000:
		return FieldError("penalty", "field.too_long", 1000)
	case c.Due.IsZero():
		return FieldError("due", "commit.due_required")
	case (c.Kind == CommitCapital || c.Kind == CommitTax || c.Kind == CommitOutput) && c.Amount <= 0:
		return FieldError("amount", "commit.amount_required")
	case !(c.Kind == CommitCapital || c.Kind == CommitTax || c.Kind == CommitOutput) && c.Amount != 0:
		return FieldError("amount", "commit.amount_unexpected")
	}
	return nil
}

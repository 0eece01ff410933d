package ding

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Demands (诉求 / 问题) and action items (交办事项) are one kind of record: something a unit
// must do for a project by a date, followed until its owner confirms it is done. A demand
// is raised by a liaison, the office or a leader and goes through acceptance and a
// leader's decision; an action item is born decided, from a meeting's decision. Both are
// handled by a lead unit with co-units, each reporting its part, and both run on
// service-level clocks counted in working days.

// ItemKind tells demands from action items.
type ItemKind string

const (
	DemandItem ItemKind = "demand" // 诉求
	ActionItem ItemKind = "action" // 交办事项
)

// ItemStatus is where an item stands.
type ItemStatus string

const (
	ItemSubmitted ItemStatus = "submitted" // 提交
	ItemAccepted  ItemStatus = "accepted"  // 受理
	ItemRejected  ItemStatus = "rejected"  // 不予受理 (with the reason)
	ItemDecided   ItemStatus = "decided"   // 拍板 (a leader's decision)
	ItemHandling  ItemStatus = "handling"  // 办理 (units report)
	ItemClosed    ItemStatus = "closed"    // 办结
	ItemConfirmed ItemStatus = "confirmed" // 业主确认
)

// ItemStatuses lists the statuses in the order of the flow.
var ItemStatuses = []ItemStatus{ItemSubmitted, ItemAccepted, ItemRejected, ItemDecided, ItemHandling, ItemClosed, ItemConfirmed}

// Open reports whether the item still waits for someone.
func (s ItemStatus) Open() bool { return s != ItemRejected && s != ItemConfirmed }

// ItemAction is a step of the flow.
type ItemAction string

const (
	ItemAccept  ItemAction = "accept"  // submitted → accepted
	ItemReject  ItemAction = "reject"  // submitted → rejected, with the reason
	ItemDecide  ItemAction = "decide"  // accepted → decided (a leader; 现场拍板 when on site or in a meeting)
	ItemReport  ItemAction = "report"  // decided/handling → handling: a unit reports its part
	ItemClose   ItemAction = "close"   // handling → closed (the lead unit or the office)
	ItemConfirm ItemAction = "confirm" // closed → confirmed (the owner: the raiser, or the office)
	ItemReopen  ItemAction = "reopen"  // closed → handling, with the reason
)

// itemFlow is the transitions: from → action → to.
var itemFlow = map[ItemStatus]map[ItemAction]ItemStatus{
	ItemSubmitted: {ItemAccept: ItemAccepted, ItemReject: ItemRejected},
	ItemAccepted:  {ItemDecide: ItemDecided},
	ItemDecided:   {ItemReport: ItemHandling, ItemClose: ItemClosed},
	ItemHandling:  {ItemReport: ItemHandling, ItemClose: ItemClosed},
	ItemClosed:    {ItemConfirm: ItemConfirmed, ItemReopen: ItemHandling},
}

// NextItemStatus returns where an action leads from a status, or an error naming both
// (办结 before 受理 is refused).
func NextItemStatus(from ItemStatus, a ItemAction) (ItemStatus, error) {
	to, ok := itemFlow[from][a]
	if !ok {
		return "", Errorf(EINVALID, "item.transition_invalid", string(a), string(from))
	}
	return to, nil
}

// ItemActions lists what can be done from a status, in flow order.
func ItemActions(from ItemStatus) []ItemAction {
	var out []ItemAction
	for _, a := range []ItemAction{ItemAccept, ItemReject, ItemDecide, ItemReport, ItemClose, ItemConfirm, ItemReopen} {
		if _, ok := itemFlow[from][a]; ok {
			out = append(out, a)
		}
	}
	return out
}

// ItemClocks are the service levels in working days: accept a demand within Accept days of
// its submission, decide within Decide days of acceptance, close within Close days of the
// decision. Escalate: an overdue step is escalated to the unit at once and to the leader
// after this many more working days.
type ItemClocks struct {
	Accept   int `json:"accept"`
	Decide   int `json:"decide"`
	Close    int `json:"close"`
	Escalate int `json:"escalate"`
}

// DefaultItemClocks: accept in 1 working day, assess in 3, answer in 7; the leader hears of
// an overdue step 2 working days after the unit.
var DefaultItemClocks = ItemClocks{Accept: 1, Decide: 3, Close: 7, Escalate: 2}

// Validate checks each clock is 1–60 working days.
func (c ItemClocks) Validate() error {
	for _, f := range []struct {
		name string
		v    int
	}{{"accept", c.Accept}, {"decide", c.Decide}, {"close", c.Close}, {"escalate", c.Escalate}} {
		if f.v < 1 || f.v > 60 {
			return FieldError(f.name, "item.clock_range")
		}
	}
	return nil
}

// DefaultDemandTypes are the demand types a district starts with (configurable).
var DefaultDemandTypes = []string{"土地", "规划", "审批", "资金", "水电气", "政策", "人才", "其他"}

// ItemUnit is a unit an item is assigned to: the lead unit or a co-unit, with its part and
// its latest report.
type ItemUnit struct {
	UnitID     int64      `json:"unit_id"`
	UnitName   string     `json:"unit_name,omitempty"`
	Lead       bool       `json:"lead"`
	Part       string     `json:"part"`        // what this unit does
	Report     string     `json:"report"`      // its latest report
	ReportedAt *time.Time `json:"reported_at"` // when
	Done       bool       `json:"done"`        // it says its part is done
}

// Item is a demand or an action item.
type Item struct {
	ID          int64      `json:"id"`
	Kind        ItemKind   `json:"kind"`
	ProjectID   int64      `json:"project_id,omitempty"` // 0: a unit's demand without a project
	ProjectName string     `json:"project_name,omitempty"`
	UnitID      int64      `json:"unit_id"` // the unit it concerns: the project's lead unit, or the raising unit
	UnitName    string     `json:"unit_name,omitempty"`
	Type        string     `json:"type"` // 土地, 规划 … (demands)
	Title       string     `json:"title"`
	Description string     `json:"description"`
	Request     string     `json:"request"` // what is asked
	Status      ItemStatus `json:"status"`
	Units       []ItemUnit `json:"units"`
	RaisedBy    int64      `json:"raised_by"`
	RaisedName  string     `json:"raised_name"`
	RaisedOn    Date       `json:"raised_on"`
	// The clocks: the due date of the current step (zero when nothing is due).
	AcceptDue Date `json:"accept_due"`
	DecideDue Date `json:"decide_due"`
	CloseDue  Date `json:"close_due"`
	Due       Date `json:"due"`
	// Overdue is the working days the current step is late by (0: in time); Level says how
	// far it was escalated: 1 the unit, 2 the leader.
	Overdue int `json:"overdue"`
	Level   int `json:"level"`
	// The decision (拍板).
	Decision    string     `json:"decision"`
	DecidedBy   int64      `json:"decided_by,omitempty"`
	DecidedName string     `json:"decided_name,omitempty"`
	DecidedAt   *time.Time `json:"decided_at"`
	OnSite      bool       `json:"on_site"` // 现场拍板: decided on site or in a meeting
	MeetingID   int64      `json:"meeting_id,omitempty"`
	Reason      string     `json:"reason"` // why rejected, or why reopened
	ClosedOn    Date       `json:"closed_on"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	Version     int        `json:"version"`
}

// Lead returns the lead unit's assignment, if any.
func (it *Item) Lead() *ItemUnit {
	for i := range it.Units {
		if it.Units[i].Lead {
			return &it.Units[i]
		}
	}
	return nil
}

// Normalize trims the texts.
func (it *Item) Normalize() {
	it.Type = strings.TrimSpace(it.Type)
	it.Title = strings.TrimSpace(it.Title)
	it.Description = strings.TrimSpace(it.Description)
	it.Request = strings.TrimSpace(it.Request)
	for i := range it.Units {
		it.Units[i].Part = strings.TrimSpace(it.Units[i].Part)
	}
}

// Validate checks a new item: a kind, a title, a type from the list for demands, what is
// asked, exactly one lead unit (when units are given), no unit twice, texts within limits.
func (it *Item) Validate(types []string) error {
	it.Normalize()
	switch {
	case it.Kind != DemandItem && it.Kind != ActionItem:
		return FieldError("kind", "item.kind_invalid")
	case it.Title == "":
		return FieldError("title", "item.title_required")
	case utf8.RuneCountInString(it.Title) > 100:
		return FieldError("title", "field.too_long", 100)
	case utf8.RuneCountInString(it.Description) > 4000:
		return FieldError("description", "field.too_long", 4000)
	case utf8.RuneCountInString(it.Request) > 2000:
		return FieldError("request", "field.too_long", 2000)
	}
	if it.Kind == DemandItem {
		if it.Type == "" || !oneOf(it.Type, types) {
			return FieldError("type", "item.type_invalid", strings.Join(types, "、"))
		}
		if it.Request == "" {
			return FieldError("request", "item.request_required")
		}
	}
	seen := map[int64]bool{}
	leads := 0
	for _, u := range it.Units {
		if u.UnitID == 0 || seen[u.UnitID] {
			return FieldError("units", "item.unit_twice")
		}
		seen[u.UnitID] = true
		if u.Lead {
			leads++
		}
		if utf8.RuneCountInString(u.Part) > 500 {
			return FieldError("units", "field.too_long", 500)
		}
	}
	if len(it.Units) > 0 && leads != 1 {
		return FieldError("units", "item.one_lead")
	}
	return nil
}

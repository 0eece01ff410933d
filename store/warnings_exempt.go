package store

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"ding"
	"ding/i18n"
)

// ExemptionKind is why a project asks to be exempt from warnings.
type ExemptionKind string

const (
	ExemptForceMajeure ExemptionKind = "force_majeure" // 不可抗力
	ExemptPolicy       ExemptionKind = "policy"        // 政策调整
	ExemptOther        ExemptionKind = "other"         // 其他
)

// ExemptionKinds lists the kinds.
var ExemptionKinds = []ExemptionKind{ExemptForceMajeure, ExemptPolicy, ExemptOther}

// Exemption statuses.
const (
	ExemptionRequested = "requested"
	ExemptionApproved  = "approved"
	ExemptionRejected  = "rejected"
	ExemptionRevoked   = "revoked"
)

// Exemption is a request to exempt a project from warnings (不可抗力, a policy change …),
// decided by the project office. While an approved one is valid the project is shown as
// exempt beside its computed colour, and its warnings do not escalate.
type Exemption struct {
	ID              int64         `json:"id"`
	ProjectID       int64         `json:"project_id"`
	ProjectName     string        `json:"project_name,omitempty"`
	Kind            ExemptionKind `json:"kind"`
	Reason          string        `json:"reason"`
	RequestedBy     int64         `json:"requested_by"`
	RequestedByName string        `json:"requested_by_name"`
	RequestedAt     time.Time     `json:"requested_at"`
	Status          string        `json:"status"`
	DecidedBy       int64         `json:"decided_by"`
	DecidedByName   string        `json:"decided_by_name"`
	DecidedAt       *time.Time    `json:"decided_at"`
	Comment         string        `json:"comment"`
	ValidUntil      ding.Date     `json:"valid_until"` // zero: until revoked
}

// ExemptionFilter selects exemptions.
type ExemptionFilter struct {
	ID        int64
	ProjectID int64
	Status    string
	Limit     int
	Offset    int
}

const exemptionCols = `x.id, x.project_id, p.name, x.kind, x.reason, x.requested_by, x.requested_by_name, x.requested_at, x.status,
	x.decided_by, x.decided_by_name, x.decided_at, x.comment, x.valid_until`

func scanExemption(sc interface{ Scan(...any) error }) (*Exemption, error) {
	e := &Exemption{}
	err := sc.Scan(&e.ID, &e.ProjectID, &e.ProjectName, &e.Kind, &e.Reason, &e.RequestedBy, &e.RequestedByName, timeScan{&e.RequestedAt},
		&e.Status, &e.DecidedBy, &e.DecidedByName, nullTimeScan{&e.DecidedAt}, &e.Comment, fastDate{&e.ValidUntil})
	return e, err
}

// FindExemptions returns the exemptions of projects in the caller's scope, newest first,
// and how many match.
func (db *DB) FindExemptions(ctx context.Context, f ExemptionFilter) ([]*Exemption, int, error) {
	return findExemptions(ctx, db.reader(), ding.ActorFrom(ctx), f)
}

func findExemptions(ctx context.Context, r reader, a *ding.Actor, f ExemptionFilter) ([]*Exemption, int, error) {
	var w where
	cond, args := projectScope(a, f.ID != 0 || f.ProjectID != 0)
	w.add(cond, args...)
	if f.ID != 0 {
		w.add("x.id = ?", f.ID)
	}
	if f.ProjectID != 0 {
		w.add("x.project_id = ?", f.ProjectID)
	}
	if f.Status != "" {
		w.add("x.status = ?", f.Status)
	}
	from := ` FROM exemptions x JOIN projects p ON p.id = x.project_id`
	var total int
	if err := r.queryRow(ctx, `SELECT COUNT(*)`+from+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, r.db.mapErr(err)
	}
	rows, err := r.query(ctx, `SELECT `+exemptionCols+from+w.String()+` ORDER BY x.id DESC`+page(f.Limit, f.Offset), w.args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*Exemption
	for rows.Next() {
		e, err := scanExemption(rows)
		if err != nil {
			return nil, 0, r.db.mapErr(err)
		}
		out = append(out, e)
	}
	return out, total, r.db.mapErr(rows.Err())
}

// RequestExemption asks for an exemption of a project: the project office, or a liaison of
// a unit in whose scope the project's lead unit lies, with a kind and a reason. One request
// may wait per project. Audited.
func (db *DB) RequestExemption(ctx context.Context, e *Exemption) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	p, err := findProjectByID(tx.ctx, tx.reader, tx.actor, e.ProjectID, tx.db.year(tx.ctx, 0))
	if err != nil {
		return err
	}
	switch a := tx.actor; {
	case a.System, a.Role == ding.RoleAdmin, a.Role == ding.RoleOffice:
	case a.Role == ding.RoleLiaison:
		ok, err := leadInScope(tx, p)
		if err != nil {
			return err
		}
		if !ok {
			return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
		}
	default:
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	e.Reason = strings.TrimSpace(e.Reason)
	switch {
	case !oneOfKind(e.Kind):
		return ding.FieldError("kind", "warn.exemption_kind_invalid")
	case e.Reason == "":
		return ding.FieldError("reason", "warn.exemption_reason_required")
	case utf8.RuneCountInString(e.Reason) > 1000:
		return ding.FieldError("reason", "field.too_long", 1000)
	}
	c, err := loadWarnConfig(tx, ding.Date{})
	if err != nil {
		return err
	}
	if !e.ValidUntil.IsZero() && e.ValidUntil.Before(c.today) {
		return ding.FieldError("valid_until", "warn.exemption_until_past")
	}
	var pending int
	if err := tx.queryRow(tx.ctx, `SELECT COUNT(*) FROM exemptions WHERE project_id = ? AND status = ?`, p.ID, ExemptionRequested).Scan(&pending); err != nil {
		return tx.db.mapErr(err)
	}
	if pending > 0 {
		return ding.Errorf(ding.ECONFLICT, "warn.exemption_pending")
	}
	e.ProjectName, e.Status = p.Name, ExemptionRequested
	e.RequestedBy, e.RequestedByName, e.RequestedAt = tx.actor.UserID, tx.actor.Username, tx.now
	e.DecidedBy, e.DecidedByName, e.DecidedAt, e.Comment = 0, "", nil, ""
	id, err := tx.insert(`INSERT INTO exemptions (project_id, kind, reason, requested_by, requested_by_name, requested_at, status, valid_until)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, string(e.Kind), e.Reason, e.RequestedBy, e.RequestedByName, ts(tx.now), e.Status, dateArg(e.ValidUntil))
	if err != nil {
		return err
	}
	e.ID = id
	if err := tx.audit("exemption", id, "request", nil, e); err != nil {
		return err
	}
	office, err := officeUsers(tx)
	if err != nil {
		return err
	}
	if err := enqueue(tx, Message{Event: "exemption.requested", Subject: i18n.T("zh", "notify.event.exemption.requested") + "：" + p.Name,
		Body: fmt.Sprintf("项目：%s\n类型：%s\n理由：%s\n申请人：%s\n", p.Name, i18n.T("zh", "warnui.xkind."+string(e.Kind)), e.Reason, e.RequestedByName),
		Link: fmt.Sprintf("/projects/%d/warnings", p.ID), UserIDs: office}); err != nil {
		return err
	}
	return tx.commit()
}

func oneOfKind(k ExemptionKind) bool {
	for _, x := range ExemptionKinds {
		if k == x {
			return true
		}
	}
	return false
}

// decidable loads an exemption of a project in scope for the office to decide.
func decidable(tx *Tx, id int64) (*Exemption, error) {
	if a := tx.actor; !(a.System || a.Role == ding.RoleAdmin || a.Role == ding.RoleOffice) {
		return nil, ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	xs, _, err := findExemptions(tx.ctx, tx.reader, tx.actor, ExemptionFilter{ID: id, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(xs) == 0 {
		return nil, notFound("exemption")
	}
	return xs[0], nil
}

// DecideExemption approves or rejects a waiting request (administrators and the office;
// a rejection needs a comment). validUntil, when set, replaces the requested end. The
// project's exemption takes effect in the same transaction. Audited.
func (db *DB) DecideExemption(ctx context.Context, id int64, approve bool, comment string, validUntil ding.Date) (*Exemption, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.rollback()
	e, err := decidable(tx, id)
	if err != nil {
		return nil, err
	}
	if e.Status != ExemptionRequested {
		return nil, ding.Errorf(ding.ECONFLICT, "warn.exemption_decided")
	}
	comment = strings.TrimSpace(comment)
	if !approve && comment == "" {
		return nil, ding.FieldError("comment", "warn.exemption_comment_required")
	}
	if utf8.RuneCountInString(comment) > 1000 {
		return nil, ding.FieldError("comment", "field.too_long", 1000)
	}
	before := *e
	e.Status = ExemptionRejected
	if approve {
		e.Status = ExemptionApproved
		if !validUntil.IsZero() {
			e.ValidUntil = validUntil
		}
		c, err := loadWarnConfig(tx, ding.Date{})
		if err != nil {
			return nil, err
		}
		if !e.ValidUntil.IsZero() && e.ValidUntil.Before(c.today) {
			return nil, ding.FieldError("valid_until", "warn.exemption_until_past")
		}
	}
	now := tx.now
	e.DecidedBy, e.DecidedByName, e.DecidedAt, e.Comment = tx.actor.UserID, tx.actor.Username, &now, comment
	res, err := tx.exec(`UPDATE exemptions SET status = ?, decided_by = ?, decided_by_name = ?, decided_at = ?, comment = ?, valid_until = ?
		WHERE id = ? AND status = ?`, e.Status, e.DecidedBy, e.DecidedByName, ts(now), comment, dateArg(e.ValidUntil), id, ExemptionRequested)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, ding.Errorf(ding.ECONFLICT, "warn.exemption_decided")
	}
	if err := tx.audit("exemption", id, "decide", &before, e); err != nil {
		return nil, err
	}
	if e.RequestedBy != 0 {
		body := fmt.Sprintf("项目：%s\n结果：%s\n", e.ProjectName, i18n.T("zh", "warnui.xstatus."+e.Status))
		if comment != "" {
			body += "意见：" + comment + "\n"
		}
		if err := enqueue(tx, Message{Event: "exemption.decided", Subject: i18n.T("zh", "notify.event.exemption.decided") + "：" + e.ProjectName,
			Body: body, Link: fmt.Sprintf("/projects/%d/warnings", e.ProjectID), UserIDs: []int64{e.RequestedBy}}); err != nil {
			return nil, err
		}
	}
	if err := reevaluate(tx, e.ProjectID); err != nil {
		return nil, err
	}
	return e, tx.commit()
}

// RevokeExemption ends an approved exemption before its time (administrators and the
// office, with a comment). Audited.
func (db *DB) RevokeExemption(ctx context.Context, id int64, comment string) (*Exemption, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.rollback()
	e, err := decidable(tx, id)
	if err != nil {
		return nil, err
	}
	if e.Status != ExemptionApproved {
		return nil, ding.Errorf(ding.ECONFLICT, "warn.exemption_not_approved")
	}
	comment = strings.TrimSpace(comment)
	if comment == "" {
		return nil, ding.FieldError("comment", "warn.exemption_comment_required")
	}
	before := *e
	e.Status, e.Comment = ExemptionRevoked, comment
	if _, err := tx.exec(`UPDATE exemptions SET status = ?, comment = ? WHERE id = ?`, e.Status, comment, id); err != nil {
		return nil, err
	}
	if err := tx.audit("exemption", id, "revoke", &before, e); err != nil {
		return nil, err
	}
	if err := reevaluate(tx, e.ProjectID); err != nil {
		return nil, err
	}
	return e, tx.commit()
}

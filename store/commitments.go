package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"ding"
	"ding/i18n"
)

// 对赌 commitments (ding/commitment.go). The nightly pass checks what fell due: clauses ding
// can judge from its data (capital from investment completed, start and production from
// the stage dates) become kept or broken — kept early as soon as the data shows it —, the
// others wait for the responsible unit to confirm. A broken clause is an open deadline of
// its project, so the item_overdue rule warns about it until the office waives it.

// CommitmentFilter selects commitments.
type CommitmentFilter struct {
	ID        int64
	ProjectID int64
	Status    string
	Side      ding.CommitmentSide
	UnitID    int64 // responsible unit in this subtree
	Limit     int
	Offset    int
}

const commitmentCols = `c.id, c.project_id, p.name, c.side, c.kind, c.clause, c.amount, c.due, c.penalty, c.unit_id, u.name, c.status,
	c.checked_on, c.measured, c.note, c.decided_by, c.created_at, c.version`

// FindCommitments returns the commitments of projects in the caller's scope, by due date,
// and how many match.
func (db *DB) FindCommitments(ctx context.Context, f CommitmentFilter) ([]*ding.Commitment, int, error) {
	return findCommitments(ctx, db.reader(), ding.ActorFrom(ctx), f)
}

func findCommitments(ctx context.Context, r reader, a *ding.Actor, f CommitmentFilter) ([]*ding.Commitment, int, error) {
	if a == nil {
		return nil, 0, ding.Errorf(ding.EUNAUTHORIZED, "err.unauthorized")
	}
	var w where
	cond, args := projectScope(a, f.ID != 0 || f.ProjectID != 0)
	w.add(cond, args...)
	if f.ID != 0 {
		w.add("c.id = ?", f.ID)
	}
	if f.ProjectID != 0 {
		w.add("c.project_id = ?", f.ProjectID)
	}
	if f.Status != "" {
		w.add("c.status = ?", f.Status)
	}
	if f.Side != "" {
		w.add("c.side = ?", string(f.Side))
	}
	if f.UnitID != 0 {
		w.add("c.unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ?)", f.UnitID)
	}
	from := ` FROM commitments c JOIN projects p ON p.id = c.project_id JOIN units u ON u.id = c.unit_id`
	var total int
	if err := r.queryRow(ctx, `SELECT COUNT(*)`+from+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, r.db.mapErr(err)
	}
	rows, err := r.query(ctx, `SELECT `+commitmentCols+from+w.String()+` ORDER BY c.due, c.id`+page(f.Limit, f.Offset), w.args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*ding.Commitment
	for rows.Next() {
		c := &ding.Commitment{}
		if err := rows.Scan(&c.ID, &c.ProjectID, &c.ProjectName, &c.Side, &c.Kind, &c.Clause, &c.Amount, dateScan{&c.Due}, &c.Penalty,
			&c.UnitID, &c.UnitName, &c.Status, dateScan{&c.CheckedOn}, &c.Measured, &c.Note, &c.DecidedBy, timeScan{&c.CreatedAt}, &c.Version); err != nil {
			return nil, 0, r.db.mapErr(err)
		}
		out = append(out, c)
	}
	return out, total, r.db.mapErr(rows.Err())
}

// CreateCommitment records a clause of a signed project (the office, or a liaison of its
// lead unit). The responsible unit defaults to the lead unit. A clause ding can check is
// checked at once: one already met is kept from the start.
func (db *DB) CreateCommitment(ctx context.Context, c *ding.Commitment) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	p, err := writableProject(tx, c.ProjectID)
	if err != nil {
		return err
	}
	if p.SignedOn.IsZero() && p.Stage.Index() < ding.StageSigned.Index() {
		return ding.FieldError("project_id", "commit.not_signed")
	}
	if err := c.Validate(); err != nil {
		return err
	}
	if c.UnitID == 0 {
		c.UnitID = p.UnitID
	}
	if err := checkUnits(tx, []ding.ItemUnit{{UnitID: c.UnitID}}); err != nil {
		if e, ok := err.(*ding.Error); ok && e.Field == "units" {
			e.Field = "unit_id"
		}
		return err
	}
	c.ProjectName, c.Status, c.CreatedAt, c.Version = p.Name, ding.CommitPending, tx.now, 1
	c.CheckedOn, c.Measured, c.Note, c.DecidedBy = ding.Date{}, "", "", ""
	id, err := tx.insert(`INSERT INTO commitments (project_id, side, kind, clause, amount, due, penalty, unit_id, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.ProjectID, string(c.Side), string(c.Kind), c.Clause, c.Amount, dateArg(c.Due), c.Penalty,
		c.UnitID, c.Status, ts(tx.now), ts(tx.now))
	if err != nil {
		return err
	}
	c.ID = id
	if err := tx.audit("commitment", id, "create", nil, c); err != nil {
		return err
	}
	today, err := itemDay(tx)
	if err != nil {
		return err
	}
	changed, err := checkCommitments(tx, today, idSel{ids: []int64{c.ProjectID}})
	if err != nil {
		return err
	}
	if len(changed) > 0 {
		if err := reevaluate(tx, c.ProjectID); err != nil {
			return err
		}
	}
	if err := tx.commit(); err != nil {
		return err
	}
	got, _, err := db.FindCommitments(ctx, CommitmentFilter{ID: id, Limit: 1})
	if err == nil && len(got) == 1 {
		*c = *got[0]
	}
	return err
}

// commitmentTx loads a commitment in scope for a change, checking its version.
func commitmentTx(tx *Tx, id int64, version int) (*ding.Commitment, error) {
	cs, _, err := findCommitments(tx.ctx, tx.reader, tx.actor, CommitmentFilter{ID: id, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, notFound("commitment")
	}
	if version != 0 && version != cs[0].Version {
		return nil, ding.Errorf(ding.ECONFLICT, "commit.stale")
	}
	return cs[0], nil
}

// ConfirmCommitment records whether a clause ding cannot check was kept: the responsible
// unit (a liaison whose scope holds it) or the office, with a note, once it is due (or
// earlier, when it was kept early).
func (db *DB) ConfirmCommitment(ctx context.Context, id int64, kept bool, note string, version int) (*ding.Commitment, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.rollback()
	c, err := commitmentTx(tx, id, version)
	if err != nil {
		return nil, err
	}
	if !isOffice(tx.actor) {
		ok := false
		if tx.actor.Role == ding.RoleLiaison {
			if ok, err = unitCovers(tx, c.UnitID); err != nil {
				return nil, err
			}
		}
		if !ok {
			return nil, ding.Errorf(ding.EFORBIDDEN, "commit.confirm_not_yours")
		}
	}
	if c.Kind.Checked() {
		return nil, ding.Errorf(ding.EINVALID, "commit.checked_by_data")
	}
	if c.Status != ding.CommitPending && c.Status != ding.CommitAwaiting {
		return nil, ding.Errorf(ding.ECONFLICT, "commit.decided")
	}
	today, err := itemDay(tx)
	if err != nil {
		return nil, err
	}
	note = strings.TrimSpace(note)
	switch {
	case note == "":
		return nil, ding.FieldError("note", "commit.note_required")
	case utf8.RuneCountInString(note) > 1000:
		return nil, ding.FieldError("note", "field.too_long", 1000)
	case !kept && !today.After(c.Due): // it can still be kept on its due day
		return nil, ding.FieldError("kept", "commit.not_due")
	}
	status := ding.CommitKept
	if !kept {
		status = ding.CommitBroken
	}
	return setCommitment(tx, c, status, today, c.Measured, note, "confirm")
}

// WaiveCommitment waives a clause with a reason (the office): a broken clause stops
// warning.
func (db *DB) WaiveCommitment(ctx context.Context, id int64, reason string, version int) (*ding.Commitment, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.rollback()
	c, err := commitmentTx(tx, id, version)
	if err != nil {
		return nil, err
	}
	if !isOffice(tx.actor) {
		return nil, ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	if c.Status == ding.CommitKept || c.Status == ding.CommitWaived {
		return nil, ding.Errorf(ding.ECONFLICT, "commit.decided")
	}
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return nil, ding.FieldError("note", "commit.waive_reason_required")
	case utf8.RuneCountInString(reason) > 1000:
		return nil, ding.FieldError("note", "field.too_long", 1000)
	}
	today, err := itemDay(tx)
	if err != nil {
		return nil, err
	}
	return setCommitment(tx, c, ding.CommitWaived, today, c.Measured, reason, "waive")
}

// setCommitment writes a decided status, audits it, tells who must know and re-evaluates
// the project's warnings; then commits.
func setCommitment(tx *Tx, c *ding.Commitment, status string, on ding.Date, measured, note, action string) (*ding.Commitment, error) {
	before := *c
	c.Status, c.CheckedOn, c.Measured, c.Note, c.DecidedBy, c.Version = status, on, measured, note, tx.actor.Username, c.Version+1
	if _, err := tx.exec(`UPDATE commitments SET status = ?, checked_on = ?, measured = ?, note = ?, decided_by = ?, updated_at = ?,
		version = version + 1 WHERE id = ?`, status, dateArg(on), measured, note, c.DecidedBy, ts(tx.now), c.ID); err != nil {
		return nil, err
	}
	if err := tx.audit("commitment", c.ID, action, &before, c); err != nil {
		return nil, err
	}
	if status == ding.CommitBroken {
		if err := commitmentNotify(tx, []*ding.Commitment{c}, "commitment.broken"); err != nil {
			return nil, err
		}
	}
	if err := reevaluate(tx, c.ProjectID); err != nil {
		return nil, err
	}
	return c, tx.commit()
}

// checkCommitments judges the pending and awaiting clauses of the selected projects on a
// day and returns the projects whose clauses changed.
func checkCommitments(tx *Tx, today ding.Date, sel idSel) ([]int64, error) {
	rows, err := tx.query(tx.ctx, `SELECT c.id, c.project_id, p.name, c.kind, c.amount, c.due, c.status, c.unit_id, p.unit_id,
		p.completed_all, p.actual_start,
		(SELECT MIN(s.on_date) FROM project_stage_changes s WHERE s.project_id = c.project_id AND s.to_stage IN ('producing', 'in_stats'))
		FROM commitments c JOIN projects p ON p.id = c.project_id
		WHERE c.status IN ('pending', 'awaiting') AND `+sel.cond("c.project_id")+` ORDER BY c.id`)
	if err != nil {
		return nil, err
	}
	type row struct {
		c           ding.Commitment
		lead        int64
		completed   int64
		start, prod ding.Date
	}
	var rs []*row
	for rows.Next() {
		r := &row{}
		if err := rows.Scan(&r.c.ID, &r.c.ProjectID, &r.c.ProjectName, &r.c.Kind, &r.c.Amount, dateScan{&r.c.Due}, &r.c.Status, &r.c.UnitID,
			&r.lead, &r.completed, dateScan{&r.start}, dateScan{&r.prod}); err != nil {
			rows.Close()
			return nil, tx.db.mapErr(err)
		}
		rs = append(rs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, tx.db.mapErr(err)
	}
	var changed []int64
	var broken, awaiting []*ding.Commitment
	for _, r := range rs {
		c := &r.c
		due := !today.Before(c.Due.AddDays(1)) // the day after the due date
		status, measured := c.Status, ""
		switch c.Kind {
		case ding.CommitCapital:
			measured = fmt.Sprintf("截至 %s 累计完成投资 %s 万元，约定 %s 万元", today, ding.Wan(r.completed), ding.Wan(c.Amount))
			switch {
			case r.completed >= c.Amount:
				status = ding.CommitKept
			case due:
				status = ding.CommitBroken
			}
		case ding.CommitStart, ding.CommitProduction:
			at, what := r.start, "开工"
			if c.Kind == ding.CommitProduction {
				at, what = r.prod, "投产"
			}
			switch {
			case !at.IsZero() && !at.After(c.Due):
				status, measured = ding.CommitKept, fmt.Sprintf("%s %s，约定 %s 前", at, what, c.Due)
			case due && at.IsZero():
				status, measured = ding.CommitBroken, fmt.Sprintf("截至 %s 尚未%s，约定 %s 前", today, what, c.Due)
			case due:
				status, measured = ding.CommitBroken, fmt.Sprintf("%s %s，晚于约定的 %s", at, what, c.Due)
			}
		default:
			if due && c.Status == ding.CommitPending {
				status = ding.CommitAwaiting
			}
		}
		if status == c.Status {
			continue
		}
		if _, err := tx.exec(`UPDATE commitments SET status = ?, checked_on = ?, measured = ?, updated_at = ?, version = version + 1 WHERE id = ?`,
			status, dateArg(today), measured, ts(tx.now), c.ID); err != nil {
			return nil, err
		}
		c.Status, c.Measured = status, measured
		changed = append(changed, c.ProjectID)
		switch status {
		case ding.CommitBroken:
			broken = append(broken, c)
		case ding.CommitAwaiting:
			awaiting = append(awaiting, c)
		}
	}
	if err := commitmentNotify(tx, broken, "commitment.broken"); err != nil {
		return nil, err
	}
	if err := commitmentNotify(tx, awaiting, "commitment.due"); err != nil {
		return nil, err
	}
	return uniqueIDs(changed), nil
}

// commitmentNotify tells the responsible units (and the office, for broken clauses).
func commitmentNotify(tx *Tx, cs []*ding.Commitment, event string) error {
	if len(cs) == 0 {
		return nil
	}
	var groups digests[*ding.Commitment]
	for _, c := range cs {
		groups.add(digestKey{event, c.UnitID, 0}, c)
		if event == "commitment.broken" {
			groups.add(digestKey{event, 0, 0}, c)
		}
	}
	var office []int64
	var ms []Message
	for _, k := range groups.order {
		list := groups.m[k]
		body := digestBody(list, "项", func(b *strings.Builder, c *ding.Commitment) {
			fmt.Fprintf(b, "%s：%s（%s，%s 前）", c.ProjectName, i18n.T("zh", "commit.kind."+string(c.Kind)), c.Clause, c.Due)
			if c.Measured != "" {
				fmt.Fprintf(b, "——%s", c.Measured)
			}
			b.WriteByte('\n')
		})
		m := Message{Event: event, Subject: fmt.Sprintf("%s：%d 项", i18n.T("zh", "notify.event."+event), len(list)), Body: body,
			Link: "/projects/" + strconv.FormatInt(list[0].ProjectID, 10) + "/commitments"}
		if k.unit != 0 {
			m.UnitIDs = []int64{k.unit}
		} else {
			if office == nil {
				var err error
				if office, err = officeUsers(tx); err != nil {
					return err
				}
			}
			m.UserIDs = office
		}
		ms = append(ms, m)
	}
	return enqueue(tx, ms...)
}

// brokenCommitments reads the broken clauses of the selected projects as deadlines, for
// the item_overdue rule.
func brokenCommitments(ctx context.Context, r reader, sel idSel, into map[int64][]ding.DeadlineItem) error {
	rows, err := r.query(ctx, `SELECT project_id, id, clause, due FROM commitments WHERE status = 'broken' AND `+sel.cond("project_id")+
		` ORDER BY project_id, due, id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var pid int64
		d := ding.DeadlineItem{Kind: "commitment"}
		if err := rows.Scan(&pid, &d.ID, &d.Title, fastDate{&d.Due}); err != nil {
			return r.db.mapErr(err)
		}
		into[pid] = append(into[pid], d)
	}
	return r.db.mapErr(rows.Err())
}

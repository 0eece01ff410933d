package store

import (
	"context"

	"ding"
)

// audit appends an audit entry in the transaction: the actor, the time, the address, and
// the record before and after as JSON.
func (tx *Tx) audit(entity string, id int64, action string, before, after any) error {
	if tx.quiet {
		return nil
	}
	var b, a any
	var err error
	if before != nil {
		if b, err = jsonArg(before); err != nil {
			return ding.Internal(err, "audit before")
		}
	}
	if after != nil {
		if a, err = jsonArg(after); err != nil {
			return ding.Internal(err, "audit after")
		}
	}
	_, err = tx.exec(`INSERT INTO audit_log (at, actor_id, actor_name, ip, entity, entity_id, action, before_json, after_json)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		ts(tx.now), tx.actor.UserID, tx.actor.Username, tx.actor.IP, entity, id, action, b, a)
	return err
}

// FindAudit returns audit entries, newest first, and how many match. Administrators only.
func (db *DB) FindAudit(ctx context.Context, f ding.AuditFilter) ([]*ding.AuditEntry, int, error) {
	a := ding.ActorFrom(ctx)
	if a == nil {
		return nil, 0, ding.Errorf(ding.EUNAUTHORIZED, "err.unauthorized")
	}
	if !a.IsAdmin() {
		return nil, 0, ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	var w where
	if f.Entity != "" {
		w.add("entity = ?", f.Entity)
	}
	if f.EntityID != 0 {
		w.add("entity_id = ?", f.EntityID)
	}
	if f.Action != "" {
		w.add("action = ?", f.Action)
	}
	if f.ActorID != 0 {
		w.add("actor_id = ?", f.ActorID)
	}
	if f.Actor != "" {
		w.add(`LOWER(actor_name) LIKE ? ESCAPE '\'`, likeEscape(f.Actor))
	}
	if !f.From.IsZero() {
		w.add("at >= ?", ts(f.From))
	}
	if !f.To.IsZero() {
		w.add("at < ?", ts(f.To))
	}
	r := db.reader()
	var total int
	if err := r.queryRow(ctx, `SELECT COUNT(*) FROM audit_log`+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, db.mapErr(err)
	}
	rows, err := r.query(ctx, `SELECT id, at, actor_id, actor_name, ip, entity, entity_id, action, before_json, after_json
		FROM audit_log`+w.String()+` ORDER BY id DESC`+page(f.Limit, f.Offset), w.args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*ding.AuditEntry
	for rows.Next() {
		e := &ding.AuditEntry{}
		if err := rows.Scan(&e.ID, timeScan{&e.At}, &e.ActorID, &e.ActorName, &e.IP, &e.Entity, &e.EntityID,
			&e.Action, jsonScan{&e.Before}, jsonScan{&e.After}); err != nil {
			return nil, 0, db.mapErr(err)
		}
		out = append(out, e)
	}
	return out, total, db.mapErr(rows.Err())
}

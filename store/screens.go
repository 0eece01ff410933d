package store

import (
	"context"
	"database/sql"
	"strings"
	"time"
	"unicode/utf8"

	"ding"
)

// Wall-screen tokens (大屏). A screen in the command centre runs for days: it is opened with
// a token, not a person's session, which never times out and can be revoked. The token
// reads, and only reads, the dashboard of its unit's subtree: ScreenActor gives it a
// viewer's role and that subtree as its scope.

// ScreenToken is a wall screen's token (never its secret, which is shown once).
type ScreenToken struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	UnitID     int64      `json:"unit_id"`
	UnitName   string     `json:"unit_name"`
	Prefix     string     `json:"prefix"` // the secret's first characters, to recognise it
	CreatedBy  string     `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// CreateScreenToken stores a screen token for a unit in the caller's scope (the office or
// an administrator); hash is the SHA-256 of the secret.
func (db *DB) CreateScreenToken(ctx context.Context, t *ScreenToken, hash string) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	if !isOffice(tx.actor) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	t.Name = strings.TrimSpace(t.Name)
	if t.Name == "" || utf8.RuneCountInString(t.Name) > 50 {
		return ding.FieldError("name", "token.name_invalid")
	}
	if t.UnitID == 0 {
		t.UnitID = tx.actor.UnitID
	}
	u, err := findUnitByID(tx.ctx, tx.reader, tx.actor, t.UnitID)
	if err != nil {
		if ding.ErrorCode(err) == ding.ENOTFOUND {
			return ding.FieldError("unit_id", "target.unit_out_of_scope")
		}
		return err
	}
	t.UnitName, t.CreatedBy, t.CreatedAt = u.Name, tx.actor.Username, tx.now
	id, err := tx.insert(`INSERT INTO screen_tokens (name, unit_id, prefix, token_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		t.Name, t.UnitID, t.Prefix, hash, t.CreatedBy, ts(tx.now))
	if err != nil {
		return err
	}
	t.ID = id
	if err := tx.audit("screen_token", id, "create", nil, t); err != nil {
		return err
	}
	return tx.commit()
}

const screenCols = `s.id, s.name, s.unit_id, u.name, s.prefix, s.created_by, s.created_at, s.last_used_at, s.revoked_at`

func scanScreen(sc interface{ Scan(...any) error }) (*ScreenToken, error) {
	t := &ScreenToken{}
	err := sc.Scan(&t.ID, &t.Name, &t.UnitID, &t.UnitName, &t.Prefix, &t.CreatedBy, timeScan{&t.CreatedAt}, nullTimeScan{&t.LastUsedAt}, nullTimeScan{&t.RevokedAt})
	return t, err
}

// FindScreenTokens lists the screen tokens of units in the caller's scope (the office and
// administrators), newest first, revoked ones included.
func (db *DB) FindScreenTokens(ctx context.Context) ([]*ScreenToken, error) {
	a := ding.ActorFrom(ctx)
	if a == nil {
		return nil, ding.Errorf(ding.EUNAUTHORIZED, "err.unauthorized")
	}
	if !isOffice(a) {
		return nil, ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	cond, args := unitScope(a, "s.unit_id")
	rows, err := db.reader().query(ctx, `SELECT `+screenCols+` FROM screen_tokens s JOIN units u ON u.id = s.unit_id WHERE `+cond+` ORDER BY s.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*ScreenToken
	for rows.Next() {
		t, err := scanScreen(rows)
		if err != nil {
			return nil, db.mapErr(err)
		}
		out = append(out, t)
	}
	return out, db.mapErr(rows.Err())
}

// RevokeScreenToken revokes a screen token of a unit in the caller's scope: the screen
// stops at its next refresh.
func (db *DB) RevokeScreenToken(ctx context.Context, id int64) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	if !isOffice(tx.actor) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	cond, args := unitScope(tx.actor, "s.unit_id")
	t, err := scanScreen(tx.queryRow(tx.ctx, `SELECT `+screenCols+` FROM screen_tokens s JOIN units u ON u.id = s.unit_id WHERE s.id = ? AND `+cond,
		append([]any{id}, args...)...))
	if err == sql.ErrNoRows {
		return notFound("screen_token")
	}
	if err != nil {
		return tx.db.mapErr(err)
	}
	if t.RevokedAt != nil {
		return nil
	}
	if _, err := tx.exec(`UPDATE screen_tokens SET revoked_at = ? WHERE id = ?`, ts(tx.now), id); err != nil {
		return err
	}
	after := *t
	now := tx.now
	after.RevokedAt = &now
	if err := tx.audit("screen_token", id, "revoke", t, &after); err != nil {
		return err
	}
	return tx.commit()
}

// ScreenActor resolves a screen token's hash to the read-only actor the screen acts as: a
// viewer whose scope is the token's unit subtree. A revoked or unknown token is
// unauthorized. Its use is noted at most once a minute.
func (db *DB) ScreenActor(ctx context.Context, hash string) (*ding.Actor, *ScreenToken, error) {
	t, err := scanScreen(db.reader().queryRow(ctx, `SELECT `+screenCols+` FROM screen_tokens s JOIN units u ON u.id = s.unit_id WHERE s.token_hash = ?`, hash))
	if err == sql.ErrNoRows || err == nil && t.RevokedAt != nil {
		return nil, nil, ding.Errorf(ding.EUNAUTHORIZED, "screen.revoked")
	}
	if err != nil {
		return nil, nil, db.mapErr(err)
	}
	now := db.Now()
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > time.Minute {
		if _, err := db.write.ExecContext(ctx, db.rebind(`UPDATE screen_tokens SET last_used_at = ? WHERE id = ?`), ts(now), t.ID); err != nil {
			return nil, nil, db.mapErr(err)
		}
	}
	a := &ding.Actor{Username: "screen:" + t.Prefix, UnitID: t.UnitID, Role: ding.RoleViewer, Scope: ding.ScopeUnitTree}
	return a, t, nil
}

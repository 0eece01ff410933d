package store

import (
	"context"
	"database/sql"
	"errors"

	"ding"
)

// CreateToken stores a new API token of the caller; hash is the SHA-256 of the secret.
func (db *DB) CreateToken(ctx context.Context, t *ding.Token, hash string) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	if t.UserID == 0 {
		t.UserID = tx.actor.UserID
	}
	if t.UserID != tx.actor.UserID && !tx.actor.System {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	if t.Name == "" || len([]rune(t.Name)) > 50 {
		return ding.FieldError("name", "token.name_invalid")
	}
	t.CreatedAt = tx.now
	id, err := tx.insert(`INSERT INTO api_tokens (user_id, name, prefix, token_hash, created_at) VALUES (?, ?, ?, ?, ?)`,
		t.UserID, t.Name, t.Prefix, hash, ts(tx.now))
	if err != nil {
		return err
	}
	t.ID = id
	if err := tx.audit("token", id, "create", nil, t); err != nil {
		return err
	}
	return tx.commit()
}

const tokenCols = `id, user_id, name, prefix, created_at, last_used_at, revoked_at`

func scanToken(sc interface{ Scan(...any) error }) (*ding.Token, error) {
	t := &ding.Token{}
	err := sc.Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, timeScan{&t.CreatedAt}, nullTimeScan{&t.LastUsedAt}, nullTimeScan{&t.RevokedAt})
	return t, err
}

// FindTokens lists the caller's tokens, newest first, revoked ones included.
func (db *DB) FindTokens(ctx context.Context) ([]*ding.Token, error) {
	a := ding.ActorFrom(ctx)
	if a == nil {
		return nil, ding.Errorf(ding.EUNAUTHORIZED, "err.unauthorized")
	}
	rows, err := db.reader().query(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE user_id = ? ORDER BY id DESC`, a.UserID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*ding.Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, db.mapErr(err)
		}
		out = append(out, t)
	}
	return out, db.mapErr(rows.Err())
}

// RevokeToken revokes one of the caller's tokens (administrators: anyone's).
func (db *DB) RevokeToken(ctx context.Context, id int64) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	t, err := scanToken(tx.queryRow(tx.ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && t.UserID != tx.actor.UserID && !tx.actor.IsAdmin()) {
		return notFound("token")
	}
	if err != nil {
		return db.mapErr(err)
	}
	if t.RevokedAt != nil {
		return nil
	}
	before := *t
	t.RevokedAt = &tx.now
	if _, err := tx.exec(`UPDATE api_tokens SET revoked_at = ? WHERE id = ?`, ts(tx.now), id); err != nil {
		return err
	}
	if err := tx.audit("token", id, "revoke", &before, t); err != nil {
		return err
	}
	return tx.commit()
}

// UserByToken returns the live token with this hash and its enabled user, noting its use.
func (db *DB) UserByToken(ctx context.Context, hash string) (*ding.Token, *ding.User, error) {
	t, err := scanToken(db.reader().queryRow(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE token_hash = ?`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, notFound("token")
	}
	if err != nil {
		return nil, nil, db.mapErr(err)
	}
	if t.RevokedAt != nil {
		return nil, nil, notFound("token")
	}
	u, err := findUserByID(ctx, db.reader(), ding.SystemActor("token"), t.UserID)
	if err != nil {
		return nil, nil, err
	}
	if u.Disabled {
		return nil, nil, notFound("token")
	}
	// Note the use at most once a minute, so that scripts do not turn reads into writes.
	if t.LastUsedAt == nil || db.Now().Sub(*t.LastUsedAt) > 60e9 {
		_, _ = db.write.ExecContext(ctx, db.rebind(`UPDATE api_tokens SET last_used_at = ? WHERE id = ?`), ts(db.Now()), t.ID)
	}
	return t, u, nil
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"ding"
)

// CreateSession stores a new session for the user; tokenHash is the SHA-256 of the cookie.
func (db *DB) CreateSession(ctx context.Context, s *ding.Session, tokenHash string) error {
	a := &ding.Actor{UserID: s.UserID, IP: s.IP}
	if rec := ding.ActorFrom(ctx); rec != nil {
		a = rec
	}
	tx, err := db.begin(ding.WithActor(ctx, a))
	if err != nil {
		return err
	}
	defer tx.rollback()
	s.CreatedAt, s.LastSeen = tx.now, tx.now
	id, err := tx.insert(`INSERT INTO sessions (token_hash, user_id, csrf_token, ip, user_agent, created_at, expires_at, last_seen)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, tokenHash, s.UserID, s.CSRFToken, s.IP, s.UserAgent, ts(tx.now), ts(s.ExpiresAt), ts(tx.now))
	if err != nil {
		return err
	}
	s.ID = id
	if err := tx.audit("session", id, "login", nil, map[string]any{"user_id": s.UserID, "ip": s.IP, "user_agent": s.UserAgent}); err != nil {
		return err
	}
	return tx.commit()
}

// SessionByToken returns the live session with this token hash and its user. An expired
// session, or one whose user is disabled, is ENOTFOUND (and an expired one is deleted).
func (db *DB) SessionByToken(ctx context.Context, tokenHash string) (*ding.Session, *ding.User, error) {
	s := &ding.Session{}
	row := db.reader().queryRow(ctx, `SELECT id, user_id, csrf_token, ip, user_agent, created_at, expires_at, last_seen
		FROM sessions WHERE token_hash = ?`, tokenHash)
	err := row.Scan(&s.ID, &s.UserID, &s.CSRFToken, &s.IP, &s.UserAgent, timeScan{&s.CreatedAt}, timeScan{&s.ExpiresAt}, timeScan{&s.LastSeen})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, notFound("session")
	}
	if err != nil {
		return nil, nil, db.mapErr(err)
	}
	if !db.Now().Before(s.ExpiresAt) {
		_, _ = db.write.ExecContext(ctx, db.rebind(`DELETE FROM sessions WHERE id = ?`), s.ID)
		return nil, nil, notFound("session")
	}
	u, err := findUserByID(ctx, db.reader(), ding.SystemActor("session"), s.UserID)
	if err != nil {
		return nil, nil, err
	}
	if u.Disabled {
		return nil, nil, notFound("session")
	}
	return s, u, nil
}

// TouchSession records activity and slides the expiry to newExpiry.
func (db *DB) TouchSession(ctx context.Context, id int64, newExpiry time.Time) error {
	_, err := db.write.ExecContext(ctx, db.rebind(`UPDATE sessions SET last_seen = ?, expires_at = ? WHERE id = ?`),
		ts(db.Now()), ts(newExpiry), id)
	return db.mapErr(err)
}

// FindSessions lists the live sessions of the caller.
func (db *DB) FindSessions(ctx context.Context) ([]*ding.Session, error) {
	a := ding.ActorFrom(ctx)
	if a == nil {
		return nil, ding.Errorf(ding.EUNAUTHORIZED, "err.unauthorized")
	}
	rows, err := db.reader().query(ctx, `SELECT id, user_id, ip, user_agent, created_at, expires_at, last_seen
		FROM sessions WHERE user_id = ? AND expires_at > ? ORDER BY last_seen DESC`, a.UserID, ts(db.Now()))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*ding.Session
	for rows.Next() {
		s := &ding.Session{}
		if err := rows.Scan(&s.ID, &s.UserID, &s.IP, &s.UserAgent, timeScan{&s.CreatedAt}, timeScan{&s.ExpiresAt}, timeScan{&s.LastSeen}); err != nil {
			return nil, db.mapErr(err)
		}
		out = append(out, s)
	}
	return out, db.mapErr(rows.Err())
}

// RevokeSession ends one of the caller's sessions (logout, or "sign out elsewhere").
func (db *DB) RevokeSession(ctx context.Context, id int64) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	res, err := tx.exec(`DELETE FROM sessions WHERE id = ? AND user_id = ?`, id, tx.actor.UserID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("session")
	}
	if err := tx.audit("session", id, "logout", nil, nil); err != nil {
		return err
	}
	return tx.commit()
}

// DeleteExpiredSessions removes sessions past their expiry; it returns how many.
func (db *DB) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	res, err := db.write.ExecContext(ctx, db.rebind(`DELETE FROM sessions WHERE expires_at <= ?`), ts(db.Now()))
	if err != nil {
		return 0, db.mapErr(err)
	}
	return res.RowsAffected()
}

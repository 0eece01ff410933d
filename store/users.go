package store

import (
	"context"
	"database/sql"
	"errors"
	"reflect"
	"time"

	"ding"
)

const userCols = `s.id, s.username, s.display_name, s.unit_id, un.name, s.role, s.scope, s.lang, s.email, s.phone,
	s.disabled, s.failed_logins, s.locked_until, s.last_login_at, s.created_at, s.updated_at`

const userFrom = ` FROM users s JOIN units un ON un.id = s.unit_id`

func scanUser(sc interface{ Scan(...any) error }) (*ding.User, error) {
	u := &ding.User{}
	err := sc.Scan(&u.ID, &u.Username, &u.DisplayName, &u.UnitID, &u.UnitName, &u.Role, &u.Scope, &u.Lang,
		&u.Email, &u.Phone, &u.Disabled, &u.FailedLogins, nullTimeScan{&u.LockedUntil}, nullTimeScan{&u.LastLoginAt},
		timeScan{&u.CreatedAt}, timeScan{&u.UpdatedAt})
	return u, err
}

// FindUserByID returns the user if visible to the caller.
func (db *DB) FindUserByID(ctx context.Context, id int64) (*ding.User, error) {
	return findUserByID(ctx, db.reader(), ding.ActorFrom(ctx), id)
}

func findUserByID(ctx context.Context, r reader, a *ding.Actor, id int64) (*ding.User, error) {
	us, _, err := findUsers(ctx, r, a, ding.UserFilter{ID: id, IncludeDisabled: true, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(us) == 0 {
		return nil, notFound("user")
	}
	return us[0], nil
}

// FindUsers returns the users visible to the caller that match the filter.
func (db *DB) FindUsers(ctx context.Context, f ding.UserFilter) ([]*ding.User, int, error) {
	return findUsers(ctx, db.reader(), ding.ActorFrom(ctx), f)
}

func findUsers(ctx context.Context, r reader, a *ding.Actor, f ding.UserFilter) ([]*ding.User, int, error) {
	var w where
	cond, args := userScope(a, "s.unit_id", "s.id")
	w.add(cond, args...)
	if f.ID != 0 {
		w.add("s.id = ?", f.ID)
	}
	if f.Username != "" {
		w.add("s.username = ?", f.Username)
	}
	if f.UnitID != 0 {
		w.add("s.unit_id = ?", f.UnitID)
	}
	if f.Under != 0 {
		w.add("s.unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ?)", f.Under)
	}
	if f.Role != "" {
		w.add("s.role = ?", string(f.Role))
	}
	if f.Query != "" {
		p := likeEscape(f.Query)
		w.add(`(LOWER(s.username) LIKE ? ESCAPE '\' OR LOWER(s.display_name) LIKE ? ESCAPE '\')`, p, p)
	}
	if !f.IncludeDisabled {
		w.add("s.disabled = FALSE")
	}
	var total int
	if err := r.queryRow(ctx, `SELECT COUNT(*)`+userFrom+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, r.db.mapErr(err)
	}
	rows, err := r.query(ctx, `SELECT `+userCols+userFrom+w.String()+` ORDER BY un.depth, un.sort_order, s.unit_id, s.id`+page(f.Limit, f.Offset), w.args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*ding.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, 0, r.db.mapErr(err)
		}
		out = append(out, u)
	}
	return out, total, r.db.mapErr(rows.Err())
}

// checkUserGrant refuses what the actor may not hand out: only administrators make
// administrators or give the "all" scope, and the user's unit must be in the actor's scope.
func checkUserGrant(tx *Tx, u *ding.User) error {
	if !tx.actor.CanManageUsers() {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	if !tx.actor.IsAdmin() && (u.Role == ding.RoleAdmin || u.Scope == ding.ScopeAll) {
		return ding.FieldError("role", "user.grant_forbidden")
	}
	unit, err := findUnitByID(tx.ctx, tx.reader, tx.actor, u.UnitID)
	if err != nil {
		if ding.ErrorCode(err) == ding.ENOTFOUND {
			return ding.FieldError("unit_id", "user.unit_not_found")
		}
		return err
	}
	if unit.Disabled {
		return ding.FieldError("unit_id", "user.unit_disabled")
	}
	u.UnitName = unit.Name
	return nil
}

// CreateUser adds a user with an already hashed password.
func (db *DB) CreateUser(ctx context.Context, u *ding.User, passwordHash string) error {
	u.Normalize()
	if err := u.Validate(); err != nil {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	if err := checkUserGrant(tx, u); err != nil {
		return err
	}
	var n int
	if err := tx.queryRow(tx.ctx, `SELECT COUNT(*) FROM users WHERE username = ?`, u.Username).Scan(&n); err != nil {
		return db.mapErr(err)
	}
	if n > 0 {
		e := ding.FieldError("username", "user.username_taken", u.Username)
		e.Code = ding.ECONFLICT
		return e
	}
	u.CreatedAt, u.UpdatedAt = tx.now, tx.now
	id, err := tx.insert(`INSERT INTO users (username, display_name, unit_id, role, scope, lang, email, phone, password_hash, disabled, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.Username, u.DisplayName, u.UnitID, string(u.Role), string(u.Scope), u.Lang, u.Email, u.Phone, passwordHash, u.Disabled, ts(tx.now), ts(tx.now))
	if err != nil {
		return err
	}
	u.ID = id
	if err := tx.audit("user", id, "create", nil, u); err != nil {
		return err
	}
	return tx.commit()
}

// UpdateUser changes a user. Users may change their own display name, language, e-mail
// and phone; everything else needs a manager of the user's unit. Disabling a user ends
// their sessions.
func (db *DB) UpdateUser(ctx context.Context, id int64, upd ding.UserUpdate) (*ding.User, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.rollback()
	u, err := findUserByID(tx.ctx, tx.reader, tx.actor, id)
	if err != nil {
		return nil, err
	}
	before := *u
	self := !tx.actor.System && tx.actor.UserID == id
	personal := upd.UnitID == nil && upd.Role == nil && upd.Scope == nil && upd.Disabled == nil
	if !(self && personal) {
		if !tx.actor.CanManageUsers() {
			return nil, ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
		}
		if !tx.actor.IsAdmin() && before.Role == ding.RoleAdmin {
			return nil, ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
		}
		if self && upd.Disabled != nil && *upd.Disabled {
			return nil, ding.Errorf(ding.EINVALID, "user.cannot_disable_self")
		}
	}
	if upd.Role != nil && upd.Scope == nil {
		s := upd.Role.DefaultScope()
		upd.Scope = &s
	}
	upd.Apply(u)
	u.Normalize()
	if err := u.Validate(); err != nil {
		return nil, err
	}
	if !(self && personal) || u.UnitID != before.UnitID {
		if err := checkUserGrant(tx, u); err != nil {
			return nil, err
		}
	}
	if reflect.DeepEqual(*u, before) {
		return u, nil // nothing changes: no write, no audit entry
	}
	u.UpdatedAt = tx.now
	if _, err := tx.exec(`UPDATE users SET display_name = ?, unit_id = ?, role = ?, scope = ?, lang = ?, email = ?, phone = ?, disabled = ?, updated_at = ? WHERE id = ?`,
		u.DisplayName, u.UnitID, string(u.Role), string(u.Scope), u.Lang, u.Email, u.Phone, u.Disabled, ts(tx.now), id); err != nil {
		return nil, err
	}
	action := "update"
	if u.Disabled && !before.Disabled {
		action = "disable"
		if _, err := tx.exec(`DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
			return nil, err
		}
	} else if !u.Disabled && before.Disabled {
		action = "enable"
		if _, err := tx.exec(`UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?`, id); err != nil {
			return nil, err
		}
	}
	if err := tx.audit("user", id, action, &before, u); err != nil {
		return nil, err
	}
	return u, tx.commit()
}

// SetPassword stores a new password hash. A user may set their own (after the caller has
// checked the old one); a manager may reset one in scope. Other sessions of the user end
// (keepSession, if not 0, survives: the session that made the change), and a lock is lifted.
func (db *DB) SetPassword(ctx context.Context, id int64, passwordHash string, keepSession int64) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	u, err := findUserByID(tx.ctx, tx.reader, tx.actor, id)
	if err != nil {
		return err
	}
	self := !tx.actor.System && tx.actor.UserID == id
	if !self {
		if !tx.actor.CanManageUsers() || (!tx.actor.IsAdmin() && u.Role == ding.RoleAdmin) {
			return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
		}
	}
	if _, err := tx.exec(`UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = NULL, updated_at = ? WHERE id = ?`,
		passwordHash, ts(tx.now), id); err != nil {
		return err
	}
	if _, err := tx.exec(`DELETE FROM sessions WHERE user_id = ? AND id <> ?`, id, keepSession); err != nil {
		return err
	}
	action := "reset_password"
	if self {
		action = "change_password"
	}
	// The hash itself never goes into the audit log.
	if err := tx.audit("user", id, action, nil, map[string]any{"username": u.Username}); err != nil {
		return err
	}
	return tx.commit()
}

// LoginRecord is what a login needs of a user, read without a scope.
type LoginRecord struct {
	User         *ding.User
	PasswordHash string
	LastFailedAt *time.Time
}

// UserForLogin finds a user by username for authentication. It bypasses scopes: the
// caller is not logged in yet.
func (db *DB) UserForLogin(ctx context.Context, username string) (*LoginRecord, error) {
	row := db.reader().queryRow(ctx, `SELECT `+userCols+`, s.password_hash, s.last_failed_at`+userFrom+` WHERE s.username = ?`, username)
	rec := &LoginRecord{User: &ding.User{}}
	u := rec.User
	err := row.Scan(&u.ID, &u.Username, &u.DisplayName, &u.UnitID, &u.UnitName, &u.Role, &u.Scope, &u.Lang,
		&u.Email, &u.Phone, &u.Disabled, &u.FailedLogins, nullTimeScan{&u.LockedUntil}, nullTimeScan{&u.LastLoginAt},
		timeScan{&u.CreatedAt}, timeScan{&u.UpdatedAt}, &rec.PasswordHash, nullTimeScan{&rec.LastFailedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("user")
	}
	if err != nil {
		return nil, db.mapErr(err)
	}
	return rec, nil
}

// RecordLoginFailure counts a failed password for the user and locks the account when the
// policy says so. It returns the new count.
func (db *DB) RecordLoginFailure(ctx context.Context, userID int64, ip string, p ding.LoginPolicy) (int, error) {
	ctx = ding.WithActor(ctx, &ding.Actor{UserID: 0, Username: "login", IP: ip, System: true})
	tx, err := db.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.rollback()
	var n int
	if err := tx.queryRow(tx.ctx, `SELECT failed_logins FROM users WHERE id = ?`, userID).Scan(&n); err != nil {
		return 0, db.mapErr(err)
	}
	n++
	var locked any
	if p.LockAfter > 0 && n >= p.LockAfter {
		locked = ts(tx.now.Add(p.LockFor))
	}
	if _, err := tx.exec(`UPDATE users SET failed_logins = ?, last_failed_at = ?, locked_until = COALESCE(?, locked_until) WHERE id = ?`,
		n, ts(tx.now), locked, userID); err != nil {
		return 0, err
	}
	action := "login_failed"
	if locked != nil {
		action = "lock"
	}
	if err := tx.audit("user", userID, action, nil, map[string]any{"failed_logins": n}); err != nil {
		return 0, err
	}
	return n, tx.commit()
}

// RecordLoginSuccess clears the failure count and notes the time.
func (db *DB) RecordLoginSuccess(ctx context.Context, userID int64) error {
	_, err := db.write.ExecContext(ctx, db.rebind(`UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = ? WHERE id = ?`),
		ts(db.Now()), userID)
	return db.mapErr(err)
}

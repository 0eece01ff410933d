package auth

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"ding"
	"ding/store"
)

// Authenticator logs users in: it checks the password, throttles and locks on repeated
// failures, and opens a server-side session.
type Authenticator struct {
	DB         *store.DB
	Hasher     Hasher
	Policy     ding.LoginPolicy
	SessionTTL time.Duration
	// SessionKey keys the hashes of session cookies (HMAC-SHA256). Changing it ends every
	// session at once; empty means plain SHA-256.
	SessionKey []byte
	// dummy is a hash to verify against when the user does not exist, so that timing does
	// not tell which usernames exist.
	dummy string
}

// NewAuthenticator returns an authenticator with the given hasher and policy.
func NewAuthenticator(db *store.DB, h Hasher, p ding.LoginPolicy, ttl time.Duration) *Authenticator {
	d, _ := h.Hash("not-a-password-0")
	return &Authenticator{DB: db, Hasher: h, Policy: p, SessionTTL: ttl, dummy: d}
}

// LoginResult is a successful login: the cookie secret and the session.
type LoginResult struct {
	Secret  string
	Session *ding.Session
	User    *ding.User
}

// Login checks username and password. Wrong username and wrong password give the same
// error; a locked account or an attempt too soon after failures gives ELOCKED/ETOOMANY
// with the time to wait.
func (a *Authenticator) Login(ctx context.Context, username, password, ip, userAgent string) (*LoginResult, error) {
	rec, err := a.DB.UserForLogin(ctx, username)
	if ding.ErrorCode(err) == ding.ENOTFOUND {
		if _, err := VerifyContext(ctx, a.dummy, password); err != nil && err != ErrBadHash {
			return nil, err
		}
		return nil, ding.Errorf(ding.EUNAUTHORIZED, "login.bad_credentials")
	}
	if err != nil {
		return nil, err
	}
	now := a.DB.Now()
	u := rec.User
	if u.LockedUntil != nil && now.Before(*u.LockedUntil) {
		return nil, ding.Errorf(ding.ELOCKED, "login.locked", minutesUntil(now, *u.LockedUntil))
	}
	if rec.LastFailedAt != nil {
		if wait := a.Policy.Delay(u.FailedLogins); wait > 0 && now.Before(rec.LastFailedAt.Add(wait)) {
			return nil, ding.Errorf(ding.ETOOMANY, "login.too_soon", int(rec.LastFailedAt.Add(wait).Sub(now).Seconds())+1)
		}
	}
	ok, err := VerifyContext(ctx, rec.PasswordHash, password)
	if err != nil && err != ErrBadHash {
		return nil, err
	}
	if !ok || u.Disabled {
		if !u.Disabled {
			n, err := a.DB.RecordLoginFailure(ctx, u.ID, ip, a.Policy)
			if err != nil {
				return nil, err
			}
			if a.Policy.LockAfter > 0 && n >= a.Policy.LockAfter {
				return nil, ding.Errorf(ding.ELOCKED, "login.locked", int(a.Policy.LockFor.Minutes()))
			}
		}
		return nil, ding.Errorf(ding.EUNAUTHORIZED, "login.bad_credentials")
	}
	if err := a.DB.RecordLoginSuccess(ctx, u.ID); err != nil {
		return nil, err
	}
	secret := NewSecret(32)
	s := &ding.Session{UserID: u.ID, CSRFToken: NewSecret(24), IP: ip, UserAgent: truncate(userAgent, 200), ExpiresAt: now.Add(a.SessionTTL)}
	actor := &ding.Actor{UserID: u.ID, Username: u.Username, UnitID: u.UnitID, Role: u.Role, Scope: u.Scope, IP: ip}
	if err := a.DB.CreateSession(ding.WithActor(ctx, actor), s, a.SessionHash(secret)); err != nil {
		return nil, err
	}
	return &LoginResult{Secret: secret, Session: s, User: u}, nil
}

// SessionHash is what the database keeps of a session cookie.
func (a *Authenticator) SessionHash(secret string) string {
	if len(a.SessionKey) == 0 {
		return HashSecret(secret)
	}
	m := hmac.New(sha256.New, a.SessionKey)
	m.Write([]byte(secret))
	return hex.EncodeToString(m.Sum(nil))
}

func minutesUntil(now, t time.Time) int {
	m := int(t.Sub(now).Minutes()) + 1
	return max(m, 1)
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

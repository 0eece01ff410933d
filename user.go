package ding

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// User is a person who logs in to ding. A user belongs to one unit and has one role;
// Scope says which records they see.
type User struct {
	ID           int64      `json:"id"`
	Username     string     `json:"username"`
	DisplayName  string     `json:"display_name"`
	UnitID       int64      `json:"unit_id"`
	UnitName     string     `json:"unit_name"`
	Role         Role       `json:"role"`
	Scope        DataScope  `json:"scope"`
	Lang         string     `json:"lang"` // "zh", "en" or "" (from the browser)
	Email        string     `json:"email"`
	Phone        string     `json:"phone"`
	Disabled     bool       `json:"disabled"`
	FailedLogins int        `json:"failed_logins"`
	LockedUntil  *time.Time `json:"locked_until,omitempty"`
	LastLoginAt  *time.Time `json:"last_login_at,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

var usernameRE = regexp.MustCompile(`^[a-z][a-z0-9_.-]{1,31}$`)

// Langs are the UI languages.
var Langs = []string{"zh", "en"}

// Normalize trims and lower-cases what should be.
func (u *User) Normalize() {
	u.Username = strings.ToLower(strings.TrimSpace(u.Username))
	u.DisplayName = strings.TrimSpace(u.DisplayName)
	u.Email = strings.TrimSpace(u.Email)
	u.Phone = strings.TrimSpace(u.Phone)
	if u.Scope == "" {
		u.Scope = u.Role.DefaultScope()
	}
}

// Validate checks the user's fields.
func (u *User) Validate() error {
	if !usernameRE.MatchString(u.Username) {
		return FieldError("username", "user.username_invalid")
	}
	if u.DisplayName == "" {
		return FieldError("display_name", "user.display_name_required")
	}
	if utf8.RuneCountInString(u.DisplayName) > 50 {
		return FieldError("display_name", "field.too_long", 50)
	}
	if u.UnitID <= 0 {
		return FieldError("unit_id", "user.unit_required")
	}
	if !u.Role.Valid() {
		return FieldError("role", "user.role_invalid")
	}
	if !u.Scope.Valid() {
		return FieldError("scope", "user.scope_invalid")
	}
	if u.Lang != "" && u.Lang != "zh" && u.Lang != "en" {
		return FieldError("lang", "user.lang_invalid")
	}
	if u.Email != "" && (len(u.Email) > 100 || !strings.Contains(u.Email, "@")) {
		return FieldError("email", "user.email_invalid")
	}
	if len(u.Phone) > 30 {
		return FieldError("phone", "field.too_long", 30)
	}
	return nil
}

// ValidatePassword checks a new password: 8 to 128 characters with letters and digits.
func ValidatePassword(pw string) error {
	n := utf8.RuneCountInString(pw)
	if n < 8 {
		return FieldError("password", "user.password_short", 8)
	}
	if n > 128 {
		return FieldError("password", "field.too_long", 128)
	}
	var letter, digit bool
	for _, r := range pw {
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
			letter = true
		}
	}
	if !letter || !digit {
		return FieldError("password", "user.password_weak")
	}
	return nil
}

// UserFilter selects users.
type UserFilter struct {
	ID              int64
	Username        string
	UnitID          int64 // users of this unit
	Under           int64 // users of this unit's subtree
	Role            Role
	Query           string // username or display name contains
	IncludeDisabled bool
	Limit           int
	Offset          int
}

// UserUpdate holds the fields to change; nil means unchanged.
type UserUpdate struct {
	DisplayName *string    `json:"display_name"`
	UnitID      *int64     `json:"unit_id"`
	Role        *Role      `json:"role"`
	Scope       *DataScope `json:"scope"`
	Lang        *string    `json:"lang"`
	Email       *string    `json:"email"`
	Phone       *string    `json:"phone"`
	Disabled    *bool      `json:"disabled"`
}

// Apply writes the update onto u.
func (upd UserUpdate) Apply(u *User) {
	if upd.DisplayName != nil {
		u.DisplayName = *upd.DisplayName
	}
	if upd.UnitID != nil {
		u.UnitID = *upd.UnitID
	}
	if upd.Role != nil {
		u.Role = *upd.Role
	}
	if upd.Scope != nil {
		u.Scope = *upd.Scope
	}
	if upd.Lang != nil {
		u.Lang = *upd.Lang
	}
	if upd.Email != nil {
		u.Email = *upd.Email
	}
	if upd.Phone != nil {
		u.Phone = *upd.Phone
	}
	if upd.Disabled != nil {
		u.Disabled = *upd.Disabled
	}
}

// Session is a server-side login session. The cookie holds a random secret; the
// database keeps only its SHA-256, so a leaked database cannot be replayed.
type Session struct {
	ID        int64
	UserID    int64
	CSRFToken string
	IP        string
	UserAgent string
	CreatedAt time.Time
	ExpiresAt time.Time
	LastSeen  time.Time
}

// Token is a personal API token (Authorization: Bearer …), stored hashed.
type Token struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"` // first characters, to recognise it in lists
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// LoginPolicy throttles failed logins: after SlowAfter failures each further attempt must
// wait (1s, 2s, 4s … up to MaxDelay); after LockAfter failures the account is locked for
// LockFor. A successful login resets the count.
type LoginPolicy struct {
	SlowAfter int
	MaxDelay  time.Duration
	LockAfter int
	LockFor   time.Duration
}

// DefaultLoginPolicy is 3 free failures, then delays, and a 15-minute lock after 5.
var DefaultLoginPolicy = LoginPolicy{SlowAfter: 3, MaxDelay: 30 * time.Second, LockAfter: 5, LockFor: 15 * time.Minute}

// Delay is how long after the n-th consecutive failure the next attempt must wait.
func (p LoginPolicy) Delay(n int) time.Duration {
	if n < p.SlowAfter {
		return 0
	}
	d := time.Second << min(n-p.SlowAfter, 10)
	return min(d, p.MaxDelay)
}

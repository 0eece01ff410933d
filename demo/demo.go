// Package demo seeds the demo district, 衢江区 of 衢州市, into an empty database: the org
// tree (city, districts, towns, departments, parks, enterprises) and one account per role.
// Later slices of the demo (projects, reports, demands) add their own steps to Seed.
//
// The demo is written through the store as the system actor, so every record passes the
// same validation and leaves the same audit entries as one typed in by hand.
package demo

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"ding"
	"ding/auth"
	"ding/store"
)

// Login is a demo account printed at start-up.
type Login struct{ Username, Password, DisplayName, Role, Unit string }

// Result says what Seed made.
type Result struct {
	Units      int
	Users      int
	Logins     []Login
	DistrictID int64
	Projects   int // projects created, with their stage changes and teams
	Plans      int // annual plans
	Reports    int // monthly progress reports, approved
}

// ErrNotEmpty is returned (wrapped) by Seed when the database already has units.
var ErrNotEmpty = errors.New("demo: the database is not empty")

// seeder carries what the steps of Seed share: the units made so far, by name, so that
// later steps can place users and records in them.
type seeder struct {
	ctx      context.Context
	db       *store.DB
	password string // clear text, for the printed logins
	hash     string // password hashed once: hashing is deliberately slow
	units    map[string]*ding.Unit
	res      *Result
}

// steps run in order; each may use what the earlier ones made.
var steps = []struct {
	name string
	run  func(*seeder) error
}{
	{"org tree", (*seeder).seedUnits},
	{"users", (*seeder).seedUsers},
	{"projects", (*seeder).seedProjects},
	{"warnings", (*seeder).seedWarnings},
}

// seedWarnings dates the warning engine's "today" at the end of the demo's history
// (2024-12-31): measured against the real clock every demo project would look years late.
// Then it runs the nightly pass once, so the board is filled from the first login.
func (s *seeder) seedWarnings() error {
	asOf := ding.Date{Year: 2024, Month: 12, Day: 31}
	if err := s.db.SetWarningAsOf(s.ctx, asOf); err != nil {
		return fmt.Errorf("demo: warnings as of: %w", err)
	}
	if _, err := s.db.RecomputeWarnings(s.ctx, ding.Date{}); err != nil {
		return fmt.Errorf("demo: warnings: %w", err)
	}
	return nil
}

// Seed creates the demo org tree and users. password is the password of every demo
// account; when empty, Seed generates one random password and uses it for all accounts.
// It runs as ding.SystemActor("demo") and must be called on an empty database: if the
// database already has units it returns an error wrapping ErrNotEmpty.
//
// Each record is written in its own transaction, so a Seed that fails halfway leaves a
// partial demo behind; start again from a fresh database.
func Seed(ctx context.Context, db *store.DB, h auth.Hasher, password string) (*Result, error) {
	ctx = ding.WithActor(ctx, ding.SystemActor("demo"))
	_, n, err := db.FindUnits(ctx, ding.UnitFilter{IncludeDisabled: true, Limit: 1})
	if err != nil {
		return nil, fmt.Errorf("demo: count units: %w", err)
	}
	if n > 0 {
		return nil, fmt.Errorf("%w: it already has %d units; seed the demo into a new database", ErrNotEmpty, n)
	}
	if password == "" {
		if password, err = newPassword(); err != nil {
			return nil, err
		}
	} else if err := ding.ValidatePassword(password); err != nil {
		return nil, fmt.Errorf("demo: the password must have 8 to 128 characters with letters and digits: %w", err)
	}
	hash, err := h.Hash(password)
	if err != nil {
		return nil, fmt.Errorf("demo: hash password: %w", err)
	}
	s := &seeder{ctx: ctx, db: db, password: password, hash: hash, units: map[string]*ding.Unit{}, res: &Result{}}
	for _, step := range steps {
		if err := step.run(s); err != nil {
			return nil, fmt.Errorf("demo: %s: %w", step.name, err)
		}
	}
	return s.res, nil
}

// unit returns a unit made by an earlier step, by its full name.
func (s *seeder) unit(name string) (*ding.Unit, error) {
	u, ok := s.units[name]
	if !ok {
		return nil, fmt.Errorf("no demo unit named %q", name)
	}
	return u, nil
}

// passwordLen is the length of a generated password: well above the 8 that
// ding.ValidatePassword asks for, since the demo may be reachable from a network.
const passwordLen = 16

// newPassword returns a random password of letters and digits that passes
// ding.ValidatePassword. The '-' and '_' of the URL-safe alphabet are dropped so that it
// is easy to type and to select with a double click.
func newPassword() (string, error) {
	for range 100 {
		pw := strings.Map(func(r rune) rune {
			if r == '-' || r == '_' {
				return -1
			}
			return r
		}, auth.NewSecret(18)) // 24 characters before filtering
		if len(pw) < passwordLen {
			continue
		}
		pw = pw[:passwordLen]
		if ding.ValidatePassword(pw) == nil {
			return pw, nil
		}
	}
	return "", errors.New("demo: could not generate a password") // never happens in practice
}

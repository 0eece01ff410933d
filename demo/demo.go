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
	"time"

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
	{"warning calendar", (*seeder).seedWarningCalendar},
	{"projects", func(s *seeder) error {
		// The history is written record by record: the warnings are judged once it is
		// all there, month by month (seedWarnings), not at each state in between.
		ctx := s.ctx
		s.ctx = store.DeferWarnings(ctx)
		defer func() { s.ctx = ctx }()
		return s.seedProjects()
	}},
	{"warnings", (*seeder).seedWarnings},
	{"targets and competitions", (*seeder).seedTargets},
}

// demoYear is the year the demo's warnings are judged in: its history ends on 2024-12-31.
const demoYear = 2024

// seedWarningCalendar dates the warning engine's "today" in the demo year before any
// project exists: measured against the real clock every demo project would look years late.
func (s *seeder) seedWarningCalendar() error {
	if err := s.db.SetWarningAsOf(s.ctx, monthEnd(demoYear, time.January)); err != nil {
		return fmt.Errorf("demo: warnings as of: %w", err)
	}
	// The city has several districts; the demo's letters come from Qujiang's office.
	if err := s.db.SetLetterSettings(s.ctx, ding.DefaultLetterSettings("衢江区")); err != nil {
		return fmt.Errorf("demo: letter settings: %w", err)
	}
	return nil
}

func monthEnd(y int, m time.Month) ding.Date {
	return ding.DateOf(time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC))
}

// seedWarnings replays the demo year month by month: at each month end the warning date
// moves there and the nightly pass runs, so that warnings open, rise and clear through the
// year and the escalation ladder issues its letters and interviews as it would have. Most
// letters of a month are answered and most interviews held early the next month; the rest
// go overdue and are escalated, as in real life. The board then shows a year of history.
func (s *seeder) seedWarnings() error {
	// The replay's records carry the replayed day as their time (a decision "on 2024-06-08
	// 10:00", not on the day the demo was made); the clock is the real one again after.
	real := s.db.Now
	defer func() { s.db.Now = real }()
	is, err := s.itemSeeder()
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if err := is.commitments(); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	for m := time.January; m <= time.December; m++ {
		if err := is.month(m); err != nil {
			return fmt.Errorf("demo: %s: %w", m, err)
		}
		end := monthEnd(demoYear, m)
		s.clock(end)
		if err := s.db.SetWarningAsOf(s.ctx, end); err != nil {
			return fmt.Errorf("demo: warnings as of %s: %w", end, err)
		}
		if m > time.January {
			if err := s.answerEscalations(monthEnd(demoYear, m-1)); err != nil {
				return err
			}
		}
		if _, err := s.db.RecomputeWarnings(s.ctx, ding.Date{}); err != nil {
			return fmt.Errorf("demo: warnings on %s: %w", end, err)
		}
		if err := s.bulletin(m); err != nil {
			return err
		}
	}
	return nil
}

// clock sets the store's clock to 10:00 in Shanghai on a day of the replay. Seeding runs
// before the server starts, so nothing else reads the clock meanwhile.
func (s *seeder) clock(d ding.Date) {
	t := time.Date(d.Year, d.Month, d.Day, 10, 0, 0, 0, ding.Shanghai)
	s.db.Now = func() time.Time { return t }
}

var demoReplies = []string{
	"已召开项目推进专题会，倒排工期、挂图作战，确保下月补齐投资进度。",
	"已协调自然资源、住建部门解决用地和施工许可问题，项目已恢复正常施工。",
	"业主单位已落实后续资金，本月新增投资将于月报中体现。",
	"已督促施工单位增加作业面和人员设备，专人每周报送进展。",
}

var demoCommitments = []string{
	"一个月内补齐滞后投资，每周向区项目办报送进展；下次月例会专题汇报。",
	"本月底前完成设备进场，下月实现入统；存在的要素问题列入周协调会议题。",
	"成立工作专班，由主要负责人牵头，两个月内回到序时进度。",
}

// answerEscalations answers what was issued in the month of a day: seven letters in ten
// get their reply three days later, three interviews in five are held six days later.
func (s *seeder) answerEscalations(issued ding.Date) error {
	es, _, err := s.db.FindEscalations(s.ctx, store.EscalationFilter{Status: ding.EscalationOpen})
	if err != nil {
		return fmt.Errorf("demo: escalations: %w", err)
	}
	for _, e := range es {
		if e.IssuedOn.Year != issued.Year || e.IssuedOn.Month != issued.Month {
			continue
		}
		issued := e.IssuedOn
		switch {
		case e.Action.IsLetter() && e.ID%10 < 7:
			if _, err := s.db.ReplyLetter(s.ctx, e.ID, demoReplies[int(e.ID)%len(demoReplies)], issued.AddDays(3), e.Version); err != nil {
				return fmt.Errorf("demo: reply to %s: %w", e.Number, err)
			}
		case e.Action == ding.ActionInterview && e.ID%5 < 3:
			held := issued.AddDays(6)
			who := e.LeaderName
			if who == "" {
				who = "区政府分管领导"
			}
			iv := ding.Interview{HeldOn: held, Interviewer: who + "、区项目办", Interviewees: e.UnitName + "主要负责人、项目业主",
				Commitments: demoCommitments[int(e.ID)%len(demoCommitments)], FollowUpOn: held.AddDays(30)}
			if _, err := s.db.RecordInterview(s.ctx, e.ID, iv, e.Version); err != nil {
				return fmt.Errorf("demo: interview %d: %w", e.ID, err)
			}
		}
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

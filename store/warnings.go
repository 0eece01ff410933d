package store

import (
	"context"
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"ding"
	"ding/warn"
)

// Warnings (红黄蓝预警): rules as configuration, the colour scheme, and the date the engine
// judges on. The lifecycle is in warnings_apply.go, the loader of project states in
// warnings_state.go, reads in warnings_read.go, exemptions in warnings_exempt.go.

const (
	settingColours      = "warning_colours"
	settingAsOf         = "warning_as_of"
	settingRulesSeeded  = "warning_rules_seeded"
	warningRuleEntity   = "warning_rule"
	maxRuleScopeUnitIDs = 200
)

const ruleCols = `id, name, kind, enabled, scope, params, thresholds, persistence, version, updated_at`

func scanRule(sc interface{ Scan(...any) error }) (ding.Rule, error) {
	var r ding.Rule
	var scope, params, ths json.RawMessage
	err := sc.Scan(&r.ID, &r.Name, &r.Kind, &r.Enabled, jsonScan{&scope}, jsonScan{&params}, jsonScan{&ths},
		&r.Persistence, &r.Version, timeScan{&r.UpdatedAt})
	if err != nil {
		return r, err
	}
	if len(scope) > 0 {
		if err := json.Unmarshal(scope, &r.Scope); err != nil {
			return r, ding.Internal(err, "rule scope")
		}
	}
	if len(params) > 0 {
		if err := json.Unmarshal(params, &r.Params); err != nil {
			return r, ding.Internal(err, "rule params")
		}
	}
	if len(ths) > 0 {
		if err := json.Unmarshal(ths, &r.Thresholds); err != nil {
			return r, ding.Internal(err, "rule thresholds")
		}
	}
	return r, nil
}

// loadRules reads every rule in id order (the engine's rule order).
func loadRules(ctx context.Context, r reader) ([]ding.Rule, error) {
	rows, err := r.query(ctx, `SELECT `+ruleCols+` FROM warning_rules ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ding.Rule
	for rows.Next() {
		rule, err := scanRule(rows)
		if err != nil {
			return nil, r.db.mapErr(err)
		}
		out = append(out, rule)
	}
	return out, r.db.mapErr(rows.Err())
}

// rulesTx returns the rules, seeding warn.DefaultRules on first use. A marker setting makes
// the seeding happen once even when two transactions find the table empty at once (the
// second waits on the marker's key and then reads the first one's rules). Seeding is not
// audited: the defaults are the program's, not a user's change.
func rulesTx(tx *Tx) ([]ding.Rule, error) {
	rules, err := loadRules(tx.ctx, tx.reader)
	if err != nil || len(rules) > 0 {
		return rules, err
	}
	res, err := tx.exec(`INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING`,
		settingRulesSeeded, "true", ts(tx.now))
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return loadRules(tx.ctx, tx.reader)
	}
	for _, r := range warn.DefaultRules() {
		if _, err := insertRule(tx, &r); err != nil {
			return nil, err
		}
	}
	return loadRules(tx.ctx, tx.reader)
}

func insertRule(tx *Tx, r *ding.Rule) (int64, error) {
	scope, params, ths, err := ruleJSON(r)
	if err != nil {
		return 0, err
	}
	r.Version, r.UpdatedAt = 1, tx.now
	id, err := tx.insert(`INSERT INTO warning_rules (name, kind, enabled, scope, params, thresholds, persistence, version, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.Name, string(r.Kind), r.Enabled, scope, params, ths, r.Persistence, r.Version, ts(tx.now))
	r.ID = id
	return id, err
}

func ruleJSON(r *ding.Rule) (scope, params, ths any, err error) {
	if r.Thresholds == nil {
		r.Thresholds = []ding.Threshold{}
	}
	if scope, err = jsonArg(r.Scope); err != nil {
		return nil, nil, nil, ding.Internal(err, "rule scope")
	}
	if params, err = jsonArg(r.Params); err != nil {
		return nil, nil, nil, ding.Internal(err, "rule params")
	}
	if ths, err = jsonArg(r.Thresholds); err != nil {
		return nil, nil, nil, ding.Internal(err, "rule thresholds")
	}
	return scope, params, ths, nil
}

// FindRules returns the warning rules in the engine's order, seeding the defaults on first
// use. Every signed-in user may read them: they explain the colours.
func (db *DB) FindRules(ctx context.Context) ([]ding.Rule, error) {
	if ding.ActorFrom(ctx) == nil {
		return nil, ding.Errorf(ding.EUNAUTHORIZED, "err.unauthorized")
	}
	rules, err := loadRules(ctx, db.reader())
	if err != nil || len(rules) > 0 {
		return rules, err
	}
	tx, err := db.begin(ding.WithActor(ctx, ding.SystemActor("warn")))
	if err != nil {
		return nil, err
	}
	defer tx.rollback()
	if rules, err = rulesTx(tx); err != nil {
		return nil, err
	}
	return rules, tx.commit()
}

// FindRule returns one rule.
func (db *DB) FindRule(ctx context.Context, id int64) (*ding.Rule, error) {
	rules, err := db.FindRules(ctx)
	if err != nil {
		return nil, err
	}
	for i := range rules {
		if rules[i].ID == id {
			return &rules[i], nil
		}
	}
	return nil, notFound("rule")
}

// SaveRule creates (ID 0) or updates a rule, validated against the colour scheme. r.Version
// must be the version the caller edited: a rule saved by someone else in between is
// refused with ECONFLICT. Administrators and the project office only; audited. The new
// rule applies from the next evaluation of each project (RecomputeWarnings applies it to
// all at once).
func (db *DB) SaveRule(ctx context.Context, r *ding.Rule) error {
	if err := canSet(ctx); err != nil {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	rules, err := rulesTx(tx)
	if err != nil {
		return err
	}
	colours, err := getColours(tx.ctx, tx.reader)
	if err != nil {
		return err
	}
	if err := checkRule(tx, r, colours); err != nil {
		return err
	}
	if r.ID == 0 {
		if _, err := insertRule(tx, r); err != nil {
			return err
		}
		if err := tx.audit(warningRuleEntity, r.ID, "create", nil, r); err != nil {
			return err
		}
		return tx.commit()
	}
	var before *ding.Rule
	for i := range rules {
		if rules[i].ID == r.ID {
			before = &rules[i]
		}
	}
	if before == nil {
		return notFound("rule")
	}
	if r.Version != before.Version {
		return ding.Errorf(ding.ECONFLICT, "warn.rule_stale", before.UpdatedAt.In(ding.Shanghai).Format("2006-01-02 15:04"))
	}
	scope, params, ths, err := ruleJSON(r)
	if err != nil {
		return err
	}
	res, err := tx.exec(`UPDATE warning_rules SET name = ?, kind = ?, enabled = ?, scope = ?, params = ?, thresholds = ?,
		persistence = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
		r.Name, string(r.Kind), r.Enabled, scope, params, ths, r.Persistence, ts(tx.now), r.ID, r.Version)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ding.Errorf(ding.ECONFLICT, "warn.rule_stale", before.UpdatedAt.In(ding.Shanghai).Format("2006-01-02 15:04"))
	}
	r.Version, r.UpdatedAt = before.Version+1, tx.now
	if err := tx.audit(warningRuleEntity, r.ID, "update", before, r); err != nil {
		return err
	}
	return tx.commit()
}

// checkRule is ding.Rule.Validate plus what only the store can check: thresholds that are
// numbers, and scope units that exist.
func checkRule(tx *Tx, r *ding.Rule, colours ding.ColourScheme) error {
	for _, t := range r.Thresholds {
		if math.IsNaN(t.Min) || math.IsInf(t.Min, 0) {
			return ding.FieldError("thresholds", "warn.threshold_not_number", colours.Name(t.Colour))
		}
	}
	if err := r.Validate(colours); err != nil {
		return err
	}
	if len(r.Scope.UnitIDs) > maxRuleScopeUnitIDs {
		return ding.FieldError("scope", "field.too_long", maxRuleScopeUnitIDs)
	}
	if len(r.Scope.UnitIDs) > 0 {
		var n int
		if err := tx.queryRow(tx.ctx, `SELECT COUNT(*) FROM units WHERE id IN (`+idList(r.Scope.UnitIDs)+`)`).Scan(&n); err != nil {
			return tx.db.mapErr(err)
		}
		if n != len(uniqueIDs(r.Scope.UnitIDs)) {
			return ding.FieldError("scope", "warn.scope_unit_unknown")
		}
	}
	return nil
}

func uniqueIDs(ids []int64) []int64 {
	seen := make(map[int64]bool, len(ids))
	var out []int64
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// SetRuleEnabled switches a rule on or off (administrators and the office; audited).
func (db *DB) SetRuleEnabled(ctx context.Context, id int64, enabled bool) error {
	if err := canSet(ctx); err != nil {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	rules, err := rulesTx(tx)
	if err != nil {
		return err
	}
	var before *ding.Rule
	for i := range rules {
		if rules[i].ID == id {
			before = &rules[i]
		}
	}
	if before == nil {
		return notFound("rule")
	}
	if before.Enabled == enabled {
		return nil
	}
	if _, err := tx.exec(`UPDATE warning_rules SET enabled = ?, version = version + 1, updated_at = ? WHERE id = ?`, enabled, ts(tx.now), id); err != nil {
		return err
	}
	after := *before
	after.Enabled, after.Version, after.UpdatedAt = enabled, before.Version+1, tx.now
	if err := tx.audit(warningRuleEntity, id, "enable", before, &after); err != nil {
		return err
	}
	return tx.commit()
}

// Colours returns the colour scheme (ding.DefaultColours until the office sets one).
func (db *DB) Colours(ctx context.Context) (ding.ColourScheme, error) {
	return getColours(ctx, db.reader())
}

func getColours(ctx context.Context, r reader) (ding.ColourScheme, error) {
	var s ding.ColourScheme
	ok, err := getSetting(ctx, r, settingColours, &s)
	if err != nil || !ok || len(s) == 0 {
		return append(ding.ColourScheme(nil), ding.DefaultColours...), err
	}
	return s, nil
}

// SetColours changes the colour scheme: validated, and refused while a rule has a
// threshold for a colour the new scheme lacks (the message names the rule).
func (db *DB) SetColours(ctx context.Context, s ding.ColourScheme) error {
	if err := canSet(ctx); err != nil {
		return err
	}
	for i := range s {
		s[i].Name = strings.TrimSpace(s[i].Name)
		s[i].NameEN = strings.TrimSpace(s[i].NameEN)
		s[i].Key = ding.Colour(strings.TrimSpace(string(s[i].Key)))
	}
	if err := s.Validate(); err != nil {
		return err
	}
	rules, err := db.FindRules(ctx)
	if err != nil {
		return err
	}
	for _, r := range rules {
		for _, t := range r.Thresholds {
			if s.Rank(t.Colour) == 0 {
				return ding.FieldError("colours", "warn.colour_in_use", string(t.Colour), r.Name)
			}
		}
	}
	ladder, err := db.Ladder(ctx)
	if err != nil {
		return err
	}
	for i, st := range ladder {
		if s.Rank(st.Colour) == 0 {
			return ding.FieldError("colours", "warn.colour_in_ladder", string(st.Colour), i+1)
		}
	}
	before, err := db.Colours(ctx)
	if err != nil {
		return err
	}
	return db.putSetting(ctx, settingColours, before, s)
}

// WarningAsOf returns the date set to judge warnings on, or the zero date when the engine
// follows the clock.
func (db *DB) WarningAsOf(ctx context.Context) (ding.Date, error) {
	return getAsOf(ctx, db.reader())
}

func getAsOf(ctx context.Context, r reader) (ding.Date, error) {
	var s string
	ok, err := getSetting(ctx, r, settingAsOf, &s)
	if err != nil || !ok || s == "" {
		return ding.Date{}, err
	}
	d, err := ding.ParseDate(s)
	if err != nil {
		return ding.Date{}, ding.Internal(err, "setting "+settingAsOf)
	}
	return d, nil
}

// SetWarningAsOf makes the engine judge on a fixed date instead of today (the zero date
// returns it to the clock). A demo whose data ends in 2024 sets 2024-12-31, so that its
// projects are not all overdue by the real calendar. Administrators and the office; audited.
func (db *DB) SetWarningAsOf(ctx context.Context, d ding.Date) error {
	if err := canSet(ctx); err != nil {
		return err
	}
	before, err := db.WarningAsOf(ctx)
	if err != nil {
		return err
	}
	return db.putSetting(ctx, settingAsOf, before.String(), d.String())
}

// warnConfig is what one evaluation needs besides the projects.
type warnConfig struct {
	rules   []ding.Rule
	byID    map[int64]*ding.Rule
	cfg     warn.Config
	today   ding.Date
	period  string // today's month, "2024-06"
	enabled bool   // some rule is enabled
	needs   stateNeeds
	// schemeKey identifies the colour scheme's keys and ranks, for the digests.
	schemeKey string
}

// loadWarnConfig reads the rules (seeding them), the colours, the window and today's date
// (the as-of setting, else the clock in Shanghai) in the transaction. today, when not zero,
// wins over both.
func loadWarnConfig(tx *Tx, today ding.Date) (*warnConfig, error) {
	rules, err := rulesTx(tx)
	if err != nil {
		return nil, err
	}
	c := &warnConfig{rules: rules, byID: make(map[int64]*ding.Rule, len(rules)), needs: needsOf(rules)}
	for i := range rules {
		c.byID[rules[i].ID] = &rules[i]
		c.enabled = c.enabled || rules[i].Enabled
	}
	// One query for the three settings.
	rows, err := tx.query(tx.ctx, `SELECT key, value FROM settings WHERE key IN (?, ?, ?)`, settingColours, settingWindow, settingAsOf)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	c.cfg.Colours, c.cfg.Window = append(ding.ColourScheme(nil), ding.DefaultColours...), ding.DefaultReportWindow
	var asOf string
	for rows.Next() {
		var key, raw string
		if err := rows.Scan(&key, &raw); err != nil {
			return nil, tx.db.mapErr(err)
		}
		var dst any
		switch key {
		case settingColours:
			dst = &c.cfg.Colours
		case settingWindow:
			dst = &c.cfg.Window
		case settingAsOf:
			dst = &asOf
		}
		if err := json.Unmarshal([]byte(raw), dst); err != nil {
			return nil, ding.Internal(err, "setting "+key)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, tx.db.mapErr(err)
	}
	if len(c.cfg.Colours) == 0 {
		c.cfg.Colours = append(ding.ColourScheme(nil), ding.DefaultColours...)
	}
	switch {
	case !today.IsZero():
		c.today = today
	case asOf != "":
		if c.today, err = ding.ParseDate(asOf); err != nil {
			return nil, ding.Internal(err, "setting "+settingAsOf)
		}
	default:
		c.today = ding.Today(tx.now)
	}
	c.period = monthKey(c.today)
	var b strings.Builder
	for _, l := range c.cfg.Colours {
		b.WriteString(string(l.Key) + ":" + strconv.Itoa(l.Rank) + ";")
	}
	c.schemeKey = b.String()
	return c, nil
}

// WarningToday is the date warnings are judged on now: the as-of setting, else today in
// Shanghai.
func (db *DB) WarningToday(ctx context.Context) (ding.Date, error) {
	d, err := db.WarningAsOf(ctx)
	if err != nil || !d.IsZero() {
		return d, err
	}
	return ding.Today(db.Now()), nil
}

// monthKey is the period of a date, "2024-06".
func monthKey(d ding.Date) string { return ding.MonthPeriod(d.Year, d.Month).String() }

// monthsBetween counts calendar months from period a to period b ("2024-05" → "2024-07"
// is 2); 0 when either does not parse.
func monthsBetween(a, b string) int {
	pa, err1 := ding.ParsePeriod(a)
	pb, err2 := ding.ParsePeriod(b)
	if err1 != nil || err2 != nil {
		return 0
	}
	return (pb.Year*12 + pb.N) - (pa.Year*12 + pa.N)
}

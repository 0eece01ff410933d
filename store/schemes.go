package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"ding"
	"ding/i18n"
	"ding/score"
)

// Competition schemes (ding/scheme.go, ding/score). A scheme is visible to the users whose
// scope holds its organizer and to the users of units under the organizer (the
// participants' side: results are published to them). The office of a unit whose scope
// holds the organizer defines it, enters bonuses, penalties and exemptions, and locks a
// period: locking reads every participant's figures into a data cut stored with the
// scheme as it was, scores it (package score), keeps the scores, and marks the figures
// read so that nobody can change them until the cut is unlocked. Scoring a locked period
// again reads only the cut, so it always gives the same result.

// schemeVisible is the condition on schemes s that the actor may see.
func schemeVisible(a *ding.Actor, col string) (string, []any) {
	cond, args := unitScope(a, col)
	if a == nil || a.System || a.UnitID == 0 {
		return cond, args
	}
	return "(" + cond + " OR " + col + " IN (SELECT ancestor_id FROM unit_closure WHERE descendant_id = ?))", append(args, a.UnitID)
}

// SchemeFilter selects schemes.
type SchemeFilter struct {
	ID       int64
	Public   bool // only the public ones (the honour board reads these without a user)
	Disabled bool // include disabled ones
}

// FindSchemes lists the schemes the caller may see, with their items and participants.
func (db *DB) FindSchemes(ctx context.Context, f SchemeFilter) ([]*ding.Scheme, error) {
	a := ding.ActorFrom(ctx)
	if a == nil {
		return nil, ding.Errorf(ding.EUNAUTHORIZED, "err.unauthorized")
	}
	return findSchemes(ctx, db.reader(), a, f)
}

func findSchemes(ctx context.Context, r reader, a *ding.Actor, f SchemeFilter) ([]*ding.Scheme, error) {
	var w where
	if !f.Public {
		cond, args := schemeVisible(a, "s.organizer_id")
		w.add(cond, args...)
	} else {
		w.add("s.public = ?", true)
	}
	if f.ID != 0 {
		w.add("s.id = ?", f.ID)
	} else if !f.Disabled {
		w.add("s.disabled = ?", false)
	}
	rows, err := r.query(ctx, `SELECT s.id, s.name, s.organizer_id, u.name, s.period, s.total_points, s.flag_count, s.flag_name, s.public, s.note,
		s.disabled, s.version, s.created_at FROM schemes s JOIN units u ON u.id = s.organizer_id`+w.String()+` ORDER BY s.id`, w.args...)
	if err != nil {
		return nil, err
	}
	var out []*ding.Scheme
	byID := map[int64]*ding.Scheme{}
	for rows.Next() {
		s := &ding.Scheme{}
		if err := rows.Scan(&s.ID, &s.Name, &s.OrganizerID, &s.OrganizerName, &s.Period, &s.TotalPoints, &s.FlagCount, &s.FlagName, &s.Public,
			&s.Note, &s.Disabled, &s.Version, timeScan{&s.CreatedAt}); err != nil {
			rows.Close()
			return nil, r.db.mapErr(err)
		}
		out = append(out, s)
		byID[s.ID] = s
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, r.db.mapErr(err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	ids := make([]any, 0, len(out))
	for _, s := range out {
		ids = append(ids, s.ID)
	}
	in := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ") + ")"
	rows, err = r.query(ctx, `SELECT i.id, i.scheme_id, i.indicator_id, n.name, n.higher_better, i.basis, i.method, i.weight, i.step, i.cap, i.benchmark
		FROM scheme_items i JOIN indicators n ON n.id = i.indicator_id WHERE i.removed = ? AND i.scheme_id IN `+in+` ORDER BY i.scheme_id, i.position`,
		append([]any{false}, ids...)...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var it ding.SchemeItem
		var sid int64
		if err := rows.Scan(&it.ID, &sid, &it.IndicatorID, &it.IndicatorName, &it.HigherBetter, &it.Basis, &it.Method, &it.Weight, &it.Step,
			&it.Cap, &it.Benchmark); err != nil {
			rows.Close()
			return nil, r.db.mapErr(err)
		}
		byID[sid].Items = append(byID[sid].Items, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, r.db.mapErr(err)
	}
	rows, err = r.query(ctx, `SELECT p.scheme_id, p.unit_id, u.name, p.grp FROM scheme_participants p JOIN units u ON u.id = p.unit_id
		WHERE p.scheme_id IN `+in+` ORDER BY p.scheme_id, p.position`, ids...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var p ding.Participant
		var sid int64
		if err := rows.Scan(&sid, &p.UnitID, &p.UnitName, &p.Group); err != nil {
			return nil, r.db.mapErr(err)
		}
		byID[sid].Participants = append(byID[sid].Participants, p)
	}
	return out, r.db.mapErr(rows.Err())
}

// FindScheme returns one scheme the caller may see.
func (db *DB) FindScheme(ctx context.Context, id int64) (*ding.Scheme, error) {
	ss, err := db.FindSchemes(ctx, SchemeFilter{ID: id})
	if err != nil {
		return nil, err
	}
	if len(ss) == 0 {
		return nil, notFound("scheme")
	}
	return ss[0], nil
}

func schemeTx(tx *Tx, id int64) (*ding.Scheme, error) {
	ss, err := findSchemes(tx.ctx, tx.reader, tx.actor, SchemeFilter{ID: id})
	if err != nil {
		return nil, err
	}
	if len(ss) == 0 {
		return nil, notFound("scheme")
	}
	return ss[0], nil
}

// canRunScheme reports whether the actor is an office whose scope holds the organizer.
func canRunScheme(tx *Tx, organizer int64) (bool, error) {
	if !isOffice(tx.actor) {
		return false, nil
	}
	return unitCovers(tx, organizer)
}

// mustRunScheme is canRunScheme as an error: forbidden when the actor may not.
func mustRunScheme(tx *Tx, organizer int64) error {
	ok, err := canRunScheme(tx, organizer)
	if err != nil {
		return err
	}
	if !ok {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	return nil
}

// checkScheme validates a scheme against the database: the organizer in the caller's
// scope, indicators that exist, participants that exist and are enabled.
func checkScheme(tx *Tx, s *ding.Scheme) error {
	s.Normalize()
	// Names first, so that a participant listed twice is named in the error.
	for i := range s.Participants {
		p := &s.Participants[i]
		if p.UnitID == 0 {
			continue
		}
		u, err := findUnitByID(tx.ctx, tx.reader, ding.SystemActor("scheme"), p.UnitID)
		if err != nil || u.Disabled {
			return ding.FieldError("participants", "scheme.participant_unknown", p.UnitID)
		}
		p.UnitName = u.Name
	}
	if err := s.Validate(); err != nil {
		return err
	}
	ok, err := canRunScheme(tx, s.OrganizerID)
	if err != nil {
		return err
	}
	if !ok {
		return ding.FieldError("organizer_id", "scheme.organizer_out_of_scope")
	}
	org, err := findUnitByID(tx.ctx, tx.reader, ding.SystemActor("scheme"), s.OrganizerID)
	if err != nil {
		return ding.FieldError("organizer_id", "scheme.organizer_out_of_scope")
	}
	s.OrganizerName = org.Name
	for i := range s.Items {
		it := &s.Items[i]
		ind, err := findIndicators(tx.ctx, tx.reader, IndicatorFilter{ID: it.IndicatorID})
		if err != nil {
			return err
		}
		if len(ind) == 0 {
			return ding.FieldError("items", "scheme.item_indicator", i+1)
		}
		it.IndicatorName, it.HigherBetter = ind[0].Name, ind[0].HigherBetter
	}
	return nil
}

// CreateScheme defines a scheme.
func (db *DB) CreateScheme(ctx context.Context, s *ding.Scheme) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	if !isOffice(tx.actor) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	if err := checkScheme(tx, s); err != nil {
		return err
	}
	id, err := tx.insert(`INSERT INTO schemes (name, organizer_id, period, total_points, flag_count, flag_name, public, note, disabled, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, s.Name, s.OrganizerID, string(s.Period), s.TotalPoints, s.FlagCount, s.FlagName, s.Public, s.Note,
		s.Disabled, ts(tx.now), ts(tx.now))
	if err != nil {
		return err
	}
	s.ID, s.Version, s.CreatedAt = id, 1, tx.now
	if err := writeSchemeParts(tx, s, nil); err != nil {
		return err
	}
	if err := tx.audit("scheme", id, "create", nil, s); err != nil {
		return err
	}
	return tx.commit()
}

// UpdateScheme saves a scheme's definition, checking the version it was read at. Locked
// periods keep the definition they were scored with. Items keep their ids while they
// score the same indicator.
func (db *DB) UpdateScheme(ctx context.Context, s *ding.Scheme) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	old, err := schemeTx(tx, s.ID)
	if err != nil {
		return err
	}
	if err := mustRunScheme(tx, old.OrganizerID); err != nil {
		return err
	}
	if s.Version != old.Version {
		return ding.Errorf(ding.ECONFLICT, "scheme.stale")
	}
	if err := checkScheme(tx, s); err != nil {
		return err
	}
	if _, err := tx.exec(`UPDATE schemes SET name = ?, organizer_id = ?, period = ?, total_points = ?, flag_count = ?, flag_name = ?, public = ?, note = ?,
		disabled = ?, version = version + 1, updated_at = ? WHERE id = ?`, s.Name, s.OrganizerID, string(s.Period), s.TotalPoints, s.FlagCount, s.FlagName,
		s.Public, s.Note, s.Disabled, ts(tx.now), s.ID); err != nil {
		return err
	}
	if old.Period != s.Period {
		var n int
		if err := tx.queryRow(tx.ctx, `SELECT COUNT(*) FROM scheme_cuts WHERE scheme_id = ?`, s.ID).Scan(&n); err != nil {
			return tx.db.mapErr(err)
		}
		if n > 0 {
			return ding.FieldError("period", "scheme.period_fixed")
		}
	}
	s.Version, s.CreatedAt = old.Version+1, old.CreatedAt
	if err := writeSchemeParts(tx, s, old); err != nil {
		return err
	}
	if err := tx.audit("scheme", s.ID, "update", old, s); err != nil {
		return err
	}
	return tx.commit()
}

// writeSchemeParts writes items (reusing the old item of the same indicator) and
// participants.
func writeSchemeParts(tx *Tx, s, old *ding.Scheme) error {
	byInd := map[int64]int64{}
	if old != nil {
		for _, it := range old.Items {
			byInd[it.IndicatorID] = it.ID
		}
		if _, err := tx.exec(`UPDATE scheme_items SET removed = ? WHERE scheme_id = ?`, true, s.ID); err != nil {
			return err
		}
		if _, err := tx.exec(`DELETE FROM scheme_participants WHERE scheme_id = ?`, s.ID); err != nil {
			return err
		}
	}
	for i := range s.Items {
		it := &s.Items[i]
		if id, ok := byInd[it.IndicatorID]; ok {
			it.ID = id
			if _, err := tx.exec(`UPDATE scheme_items SET position = ?, basis = ?, method = ?, weight = ?, step = ?, cap = ?, benchmark = ?, removed = ?
				WHERE id = ?`, i, string(it.Basis), string(it.Method), it.Weight, it.Step, it.Cap, it.Benchmark, false, id); err != nil {
				return err
			}
			continue
		}
		id, err := tx.insert(`INSERT INTO scheme_items (scheme_id, position, indicator_id, basis, method, weight, step, cap, benchmark)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, s.ID, i, it.IndicatorID, string(it.Basis), string(it.Method), it.Weight, it.Step, it.Cap, it.Benchmark)
		if err != nil {
			return err
		}
		it.ID = id
	}
	for i, p := range s.Participants {
		if _, err := tx.exec(`INSERT INTO scheme_participants (scheme_id, unit_id, grp, position) VALUES (?, ?, ?, ?)`, s.ID, p.UnitID, p.Group, i); err != nil {
			return err
		}
	}
	return nil
}

// PeriodStatus is a scheme period's state.
type PeriodStatus struct {
	Period   ding.SchemePeriod `json:"period"`
	Locked   bool              `json:"locked"`
	LockedBy string            `json:"locked_by"`
	LockedAt string            `json:"locked_at"`
}

// SchemePeriods lists the periods that have (or had) a data cut, newest first.
func (db *DB) SchemePeriods(ctx context.Context, schemeID int64) ([]PeriodStatus, error) {
	s, err := db.FindScheme(ctx, schemeID)
	if err != nil {
		return nil, err
	}
	rows, err := db.reader().query(ctx, `SELECT period, locked, locked_by, locked_at FROM scheme_cuts WHERE scheme_id = ? ORDER BY period DESC`, schemeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PeriodStatus
	for rows.Next() {
		var p PeriodStatus
		var key string
		var at time.Time
		if err := rows.Scan(&key, &p.Locked, &p.LockedBy, timeScan{&at}); err != nil {
			return nil, db.mapErr(err)
		}
		p.Period, _ = ding.ParseSchemePeriod(s.Period, key)
		p.LockedAt = at.In(ding.Shanghai).Format("2006-01-02 15:04")
		out = append(out, p)
	}
	return out, db.mapErr(rows.Err())
}

// buildCut reads the figures of a period for every participant and item of the scheme:
// the actual at the period's last month (the year to date for cumulative indicators), the
// same month of last year, and the year's target. Computed indicators are computed from
// the records at that moment.
func buildCut(ctx context.Context, r reader, s *ding.Scheme, p ding.SchemePeriod) ([]ding.CutValue, error) {
	m := p.EndMonth()
	var out []ding.CutValue
	for _, it := range s.Items {
		inds, err := findIndicators(ctx, r, IndicatorFilter{ID: it.IndicatorID})
		if err != nil {
			return nil, err
		}
		if len(inds) == 0 {
			return nil, notFound("indicator")
		}
		ind := inds[0]
		for _, pt := range s.Participants {
			v := ding.CutValue{ItemID: it.ID, UnitID: pt.UnitID}
			var act, tgt, last sql.NullInt64
			if err := r.queryRow(ctx, `SELECT
				(SELECT value FROM indicator_actuals WHERE indicator_id = ? AND year = ? AND month = ? AND unit_id = ?),
				(SELECT value FROM indicator_targets WHERE indicator_id = ? AND year = ? AND unit_id = ?),
				(SELECT value FROM indicator_actuals WHERE indicator_id = ? AND year = ? AND month = ? AND unit_id = ?)`,
				ind.ID, p.Year, m, pt.UnitID, ind.ID, p.Year, pt.UnitID, ind.ID, p.Year-1, m, pt.UnitID).Scan(&act, &tgt, &last); err != nil {
				return nil, r.db.mapErr(err)
			}
			v.Actual, v.HasActual = act.Int64, act.Valid
			v.Target, v.HasTarget = tgt.Int64, tgt.Valid
			v.LastYear, v.HasLastYear = last.Int64, last.Valid
			if ind.Source == ding.SourceComputed {
				if v.Actual, err = computeValue(ctx, r, ind.Compute, pt.UnitID, p.Year, m); err != nil {
					return nil, err
				}
				v.HasActual = true
				if !v.HasLastYear {
					if v.LastYear, err = computeValue(ctx, r, ind.Compute, pt.UnitID, p.Year-1, m); err != nil {
						return nil, err
					}
					v.HasLastYear = true
				}
			}
			out = append(out, v)
		}
	}
	return out, nil
}

// prevRanks reads the ranks of the period before, when it is locked.
func prevRanks(ctx context.Context, r reader, schemeID int64, p ding.SchemePeriod) (map[int64]int, error) {
	rows, err := r.query(ctx, `SELECT sc.unit_id, sc.rank FROM scheme_scores sc JOIN scheme_cuts c ON c.id = sc.cut_id
		WHERE c.scheme_id = ? AND c.period = ? AND c.locked = ?`, schemeID, p.Prev().String(), true)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var u int64
		var rank int
		if err := rows.Scan(&u, &rank); err != nil {
			return nil, r.db.mapErr(err)
		}
		out[u] = rank
	}
	return out, r.db.mapErr(rows.Err())
}

// PreviewCut scores a period from the live data without locking anything (试算): what
// locking it now would give. A locked period returns its cut.
func (db *DB) PreviewCut(ctx context.Context, schemeID int64, period string) (*ding.Cut, error) {
	s, err := db.FindScheme(ctx, schemeID)
	if err != nil {
		return nil, err
	}
	p, err := ding.ParseSchemePeriod(s.Period, period)
	if err != nil {
		return nil, err
	}
	r := db.reader()
	if c, err := readCut(ctx, r, schemeID, p); err != nil || c != nil {
		return c, err
	}
	values, err := buildCut(ctx, r, s, p)
	if err != nil {
		return nil, err
	}
	adj, err := findAdjustments(ctx, r, schemeID, p)
	if err != nil {
		return nil, err
	}
	prev, err := prevRanks(ctx, r, schemeID, p)
	if err != nil {
		return nil, err
	}
	return &ding.Cut{SchemeID: schemeID, Period: p, Scheme: s, Values: values, Adjustments: adj, Scores: score.Compute(s, values, adj, prev)}, nil
}

// FindCut returns a period's locked cut with its scores, or not_found when the period is
// not locked.
func (db *DB) FindCut(ctx context.Context, schemeID int64, period string) (*ding.Cut, error) {
	s, err := db.FindScheme(ctx, schemeID)
	if err != nil {
		return nil, err
	}
	p, err := ding.ParseSchemePeriod(s.Period, period)
	if err != nil {
		return nil, err
	}
	c, err := readCut(ctx, db.reader(), schemeID, p)
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, notFound("cut")
	}
	return c, nil
}

// cutData is what scheme_cuts.data holds.
type cutData struct {
	Scheme      *ding.Scheme       `json:"scheme"`
	Values      []ding.CutValue    `json:"values"`
	Adjustments []*ding.Adjustment `json:"adjustments"`
	PrevRanks   map[int64]int      `json:"prev_ranks"`
}

// readCut reads a locked cut and scores it again from its own data.
func readCut(ctx context.Context, r reader, schemeID int64, p ding.SchemePeriod) (*ding.Cut, error) {
	c := &ding.Cut{SchemeID: schemeID, Period: p}
	var raw string
	err := r.queryRow(ctx, `SELECT id, locked, locked_by, locked_at, data FROM scheme_cuts WHERE scheme_id = ? AND period = ?`, schemeID, p.String()).
		Scan(&c.ID, &c.Locked, &c.LockedBy, timeScan{&c.LockedAt}, &raw)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, r.db.mapErr(err)
	}
	if !c.Locked {
		return nil, nil
	}
	var d cutData
	if err := json.Unmarshal([]byte(raw), &d); err != nil {
		return nil, err
	}
	c.Scheme, c.Values, c.Adjustments = d.Scheme, d.Values, d.Adjustments
	c.Scores = score.Compute(d.Scheme, d.Values, d.Adjustments, d.PrevRanks)
	return c, nil
}

// LockCut locks a period that has ended: it reads the figures into a data cut, scores it,
// keeps the scores (and so the flags), and marks every figure read as locked.
func (db *DB) LockCut(ctx context.Context, schemeID int64, period string) (*ding.Cut, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.rollback()
	s, err := schemeTx(tx, schemeID)
	if err != nil {
		return nil, err
	}
	if err := mustRunScheme(tx, s.OrganizerID); err != nil {
		return nil, err
	}
	p, err := ding.ParseSchemePeriod(s.Period, period)
	if err != nil {
		return nil, err
	}
	today, err := itemDay(tx)
	if err != nil {
		return nil, err
	}
	if !p.End().Before(today) {
		return nil, ding.Errorf(ding.EINVALID, "scheme.period_not_over", p.String())
	}
	var locked bool
	err = tx.queryRow(tx.ctx, `SELECT locked FROM scheme_cuts WHERE scheme_id = ? AND period = ?`, schemeID, p.String()).Scan(&locked)
	exists := err == nil
	if err != nil && err != sql.ErrNoRows {
		return nil, tx.db.mapErr(err)
	}
	if locked {
		return nil, ding.Errorf(ding.ECONFLICT, "scheme.already_locked", p.String())
	}
	values, err := buildCut(tx.ctx, tx.reader, s, p)
	if err != nil {
		return nil, err
	}
	adj, err := findAdjustments(tx.ctx, tx.reader, schemeID, p)
	if err != nil {
		return nil, err
	}
	prev, err := prevRanks(tx.ctx, tx.reader, schemeID, p)
	if err != nil {
		return nil, err
	}
	raw, err := jsonArg(cutData{Scheme: s, Values: values, Adjustments: adj, PrevRanks: prev})
	if err != nil {
		return nil, err
	}
	var cutID int64
	if exists {
		if _, err := tx.exec(`UPDATE scheme_cuts SET locked = ?, locked_by = ?, locked_at = ?, data = ? WHERE scheme_id = ? AND period = ?`,
			true, tx.actor.Username, ts(tx.now), raw, schemeID, p.String()); err != nil {
			return nil, err
		}
		if err := tx.queryRow(tx.ctx, `SELECT id FROM scheme_cuts WHERE scheme_id = ? AND period = ?`, schemeID, p.String()).Scan(&cutID); err != nil {
			return nil, tx.db.mapErr(err)
		}
	} else if cutID, err = tx.insert(`INSERT INTO scheme_cuts (scheme_id, period, locked, locked_by, locked_at, data) VALUES (?, ?, ?, ?, ?, ?)`,
		schemeID, p.String(), true, tx.actor.Username, ts(tx.now), raw); err != nil {
		return nil, err
	}
	scores := score.Compute(s, values, adj, prev)
	for _, sc := range scores {
		if _, err := tx.exec(`INSERT INTO scheme_scores (cut_id, unit_id, grp, total, rank, prev_rank, flag) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			cutID, sc.UnitID, sc.Group, sc.Total, sc.Rank, sc.PrevRank, sc.Flag); err != nil {
			return nil, err
		}
	}
	// The figures read: the period-end actual, last year's, and the target.
	m := p.EndMonth()
	for _, it := range s.Items {
		for _, pt := range s.Participants {
			for _, ym := range [][2]int{{p.Year, m}, {p.Year - 1, m}, {p.Year, 0}} {
				if _, err := tx.exec(`INSERT INTO locked_values (indicator_id, unit_id, year, month, cut_id) VALUES (?, ?, ?, ?, ?)
					ON CONFLICT DO NOTHING`, it.IndicatorID, pt.UnitID, ym[0], ym[1], cutID); err != nil {
					return nil, err
				}
			}
		}
	}
	c := &ding.Cut{ID: cutID, SchemeID: schemeID, Period: p, Locked: true, LockedBy: tx.actor.Username, LockedAt: tx.now, Scheme: s,
		Values: values, Adjustments: adj, Scores: scores}
	if err := tx.audit("scheme_cut", cutID, "lock", nil, map[string]any{"scheme_id": schemeID, "period": p.String(), "scores": scores}); err != nil {
		return nil, err
	}
	if err := flagNotify(tx, s, p, scores); err != nil {
		return nil, err
	}
	return c, tx.commit()
}

// UnlockCut reopens a locked period (the office, with a reason): its figures can change
// again and its scores and flags are withdrawn until it is locked anew.
func (db *DB) UnlockCut(ctx context.Context, schemeID int64, period, reason string) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	s, err := schemeTx(tx, schemeID)
	if err != nil {
		return err
	}
	if err := mustRunScheme(tx, s.OrganizerID); err != nil {
		return err
	}
	p, err := ding.ParseSchemePeriod(s.Period, period)
	if err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return ding.FieldError("reason", "scheme.unlock_reason")
	}
	c, err := readCut(tx.ctx, tx.reader, schemeID, p)
	if err != nil {
		return err
	}
	if c == nil {
		return ding.Errorf(ding.ECONFLICT, "scheme.not_locked", p.String())
	}
	for _, q := range []string{`DELETE FROM locked_values WHERE cut_id = ?`, `DELETE FROM scheme_scores WHERE cut_id = ?`,
		`UPDATE scheme_cuts SET locked = ? WHERE id = ?`} {
		args := []any{c.ID}
		if strings.HasPrefix(q, "UPDATE") {
			args = []any{false, c.ID}
		}
		if _, err := tx.exec(q, args...); err != nil {
			return err
		}
	}
	if err := tx.audit("scheme_cut", c.ID, "unlock", map[string]any{"scheme_id": schemeID, "period": p.String(), "scores": c.Scores},
		map[string]any{"reason": reason}); err != nil {
		return err
	}
	return tx.commit()
}

// findAdjustments lists a period's bonuses, penalties and exemptions.
func findAdjustments(ctx context.Context, r reader, schemeID int64, p ding.SchemePeriod) ([]*ding.Adjustment, error) {
	rows, err := r.query(ctx, `SELECT a.id, a.unit_id, u.name, a.kind, COALESCE(a.item_id, 0), a.points, a.reason, a.evidence, a.by_name, a.created_at
		FROM scheme_adjustments a JOIN units u ON u.id = a.unit_id WHERE a.scheme_id = ? AND a.period = ? ORDER BY a.id`, schemeID, p.String())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*ding.Adjustment
	for rows.Next() {
		a := &ding.Adjustment{SchemeID: schemeID, Period: p}
		if err := rows.Scan(&a.ID, &a.UnitID, &a.UnitName, &a.Kind, &a.ItemID, &a.Points, &a.Reason, &a.Evidence, &a.By, timeScan{&a.At}); err != nil {
			return nil, r.db.mapErr(err)
		}
		out = append(out, a)
	}
	return out, r.db.mapErr(rows.Err())
}

// FindAdjustments lists a period's bonuses, penalties and exemptions.
func (db *DB) FindAdjustments(ctx context.Context, schemeID int64, period string) ([]*ding.Adjustment, error) {
	s, err := db.FindScheme(ctx, schemeID)
	if err != nil {
		return nil, err
	}
	p, err := ding.ParseSchemePeriod(s.Period, period)
	if err != nil {
		return nil, err
	}
	return findAdjustments(ctx, db.reader(), schemeID, p)
}

// periodOpen loads the scheme for a change of a period's inputs: the office of its
// organizer, and the period not locked.
func periodOpen(tx *Tx, schemeID int64, period string) (*ding.Scheme, ding.SchemePeriod, error) {
	s, err := schemeTx(tx, schemeID)
	if err != nil {
		return nil, ding.SchemePeriod{}, err
	}
	if err := mustRunScheme(tx, s.OrganizerID); err != nil {
		return nil, ding.SchemePeriod{}, err
	}
	p, err := ding.ParseSchemePeriod(s.Period, period)
	if err != nil {
		return nil, ding.SchemePeriod{}, err
	}
	var locked bool
	err = tx.queryRow(tx.ctx, `SELECT locked FROM scheme_cuts WHERE scheme_id = ? AND period = ?`, schemeID, p.String()).Scan(&locked)
	if err != nil && err != sql.ErrNoRows {
		return nil, ding.SchemePeriod{}, tx.db.mapErr(err)
	}
	if locked {
		return nil, ding.SchemePeriod{}, ding.Errorf(ding.ECONFLICT, "scheme.period_locked", p.String())
	}
	return s, p, nil
}

// AddAdjustment records a bonus, a penalty or an exemption for a participant in a period
// that is not locked.
func (db *DB) AddAdjustment(ctx context.Context, a *ding.Adjustment) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	s, p, err := periodOpen(tx, a.SchemeID, a.Period.String())
	if err != nil {
		return err
	}
	a.Period = p
	if err := a.Validate(); err != nil {
		return err
	}
	found := false
	for _, pt := range s.Participants {
		if pt.UnitID == a.UnitID {
			found, a.UnitName = true, pt.UnitName
		}
	}
	if !found {
		return ding.FieldError("unit_id", "scheme.not_participant")
	}
	if a.Kind == ding.AdjustExempt {
		ok := false
		for _, it := range s.Items {
			ok = ok || it.ID == a.ItemID
		}
		if !ok {
			return ding.FieldError("item_id", "scheme.exempt_item")
		}
		var n int
		if err := tx.queryRow(tx.ctx, `SELECT COUNT(*) FROM scheme_adjustments WHERE scheme_id = ? AND period = ? AND unit_id = ? AND kind = ? AND item_id = ?`,
			a.SchemeID, p.String(), a.UnitID, ding.AdjustExempt, a.ItemID).Scan(&n); err != nil {
			return tx.db.mapErr(err)
		}
		if n > 0 {
			return ding.FieldError("item_id", "scheme.exempt_twice")
		}
	}
	var item any
	if a.ItemID != 0 {
		item = a.ItemID
	}
	a.By, a.At = tx.actor.Username, tx.now
	id, err := tx.insert(`INSERT INTO scheme_adjustments (scheme_id, period, unit_id, kind, item_id, points, reason, evidence, by_name, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.SchemeID, p.String(), a.UnitID, a.Kind, item, a.Points, a.Reason, a.Evidence, a.By, ts(tx.now))
	if err != nil {
		return err
	}
	a.ID = id
	if err := tx.audit("scheme_adjustment", id, "create", nil, a); err != nil {
		return err
	}
	return tx.commit()
}

// RemoveAdjustment deletes an adjustment of a period that is not locked.
func (db *DB) RemoveAdjustment(ctx context.Context, schemeID, id int64) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	var period string
	if err := tx.queryRow(tx.ctx, `SELECT period FROM scheme_adjustments WHERE id = ? AND scheme_id = ?`, id, schemeID).Scan(&period); err != nil {
		if err == sql.ErrNoRows {
			return notFound("adjustment")
		}
		return tx.db.mapErr(err)
	}
	_, p, err := periodOpen(tx, schemeID, period)
	if err != nil {
		return err
	}
	adj, err := findAdjustments(tx.ctx, tx.reader, schemeID, p)
	if err != nil {
		return err
	}
	var before *ding.Adjustment
	for _, a := range adj {
		if a.ID == id {
			before = a
		}
	}
	if _, err := tx.exec(`DELETE FROM scheme_adjustments WHERE id = ?`, id); err != nil {
		return err
	}
	if err := tx.audit("scheme_adjustment", id, "delete", before, nil); err != nil {
		return err
	}
	return tx.commit()
}

// periodResults reads a scheme's locked periods' kept scores.
func periodResults(ctx context.Context, r reader, s *ding.Scheme) ([]score.PeriodResult, error) {
	rows, err := r.query(ctx, `SELECT c.period, sc.unit_id, u.name, sc.grp, sc.total, sc.rank, sc.prev_rank, sc.flag
		FROM scheme_cuts c JOIN scheme_scores sc ON sc.cut_id = c.id JOIN units u ON u.id = sc.unit_id
		WHERE c.scheme_id = ? AND c.locked = ? ORDER BY c.period, sc.grp, sc.rank, sc.unit_id`, s.ID, true)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []score.PeriodResult
	for rows.Next() {
		var key string
		sc := &ding.Score{}
		if err := rows.Scan(&key, &sc.UnitID, &sc.UnitName, &sc.Group, &sc.Total, &sc.Rank, &sc.PrevRank, &sc.Flag); err != nil {
			return nil, r.db.mapErr(err)
		}
		p, err := ding.ParseSchemePeriod(s.Period, key)
		if err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].Period != p {
			out = append(out, score.PeriodResult{Period: p})
		}
		out[len(out)-1].Scores = append(out[len(out)-1].Scores, sc)
	}
	return out, r.db.mapErr(rows.Err())
}

// FlagHistory is a scheme's flags and honours.
type FlagHistory struct {
	Scheme  *ding.Scheme         `json:"scheme"`
	Awards  []ding.FlagAward     `json:"awards"`  // oldest first
	Current []ding.FlagAward     `json:"current"` // the latest locked period's holders
	Honours []ding.Honour        `json:"honours"`
	Periods []score.PeriodResult `json:"-"`
}

// Flags returns a scheme's flag history with streaks and honours.
func (db *DB) Flags(ctx context.Context, schemeID int64) (*FlagHistory, error) {
	s, err := db.FindScheme(ctx, schemeID)
	if err != nil {
		return nil, err
	}
	return flagHistory(ctx, db.reader(), s)
}

func flagHistory(ctx context.Context, r reader, s *ding.Scheme) (*FlagHistory, error) {
	rs, err := periodResults(ctx, r, s)
	if err != nil {
		return nil, err
	}
	h := &FlagHistory{Scheme: s, Awards: score.Awards(s, rs), Honours: score.Honours(s, rs), Periods: rs}
	if len(rs) > 0 {
		last := rs[len(rs)-1].Period
		for _, a := range h.Awards {
			if a.Period == last {
				h.Current = append(h.Current, a)
			}
		}
	}
	return h, nil
}

// PublicHonours returns the flag histories of the public schemes: what the honour board
// shows to anyone, without signing in.
func (db *DB) PublicHonours(ctx context.Context) ([]*FlagHistory, error) {
	r := db.reader()
	ss, err := findSchemes(ctx, r, ding.SystemActor("honours"), SchemeFilter{Public: true})
	if err != nil {
		return nil, err
	}
	var out []*FlagHistory
	for _, s := range ss {
		h, err := flagHistory(ctx, r, s)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, nil
}

// UnitFlags lists the flags a unit won across the schemes the caller may see.
func (db *DB) UnitFlags(ctx context.Context, unitID int64) ([]ding.FlagAward, error) {
	ss, err := db.FindSchemes(ctx, SchemeFilter{})
	if err != nil {
		return nil, err
	}
	var out []ding.FlagAward
	for _, s := range ss {
		h, err := flagHistory(ctx, db.reader(), s)
		if err != nil {
			return nil, err
		}
		for _, a := range h.Awards {
			if a.UnitID == unitID {
				out = append(out, a)
			}
		}
	}
	return out, nil
}

// flagNotify tells each participant's users the result of a locked period, the winners
// that they hold the flag.
func flagNotify(tx *Tx, s *ding.Scheme, p ding.SchemePeriod, scores []*ding.Score) error {
	var winners []*ding.Score
	for _, sc := range scores {
		if sc.Flag {
			winners = append(winners, sc)
		}
	}
	if len(winners) == 0 {
		return nil
	}
	return schemeNotify(tx, s, p, winners)
}

// schemeNotify tells the participants' users that a period was locked and who holds the
// flag (event scheme.flag).
func schemeNotify(tx *Tx, s *ding.Scheme, p ding.SchemePeriod, winners []*ding.Score) error {
	var b strings.Builder
	for _, w := range winners {
		fmt.Fprintf(&b, "%s：第%d名，%s 分\n", w.UnitName, w.Rank, ding.Points(w.Total))
	}
	units := make([]int64, 0, len(s.Participants))
	for _, pt := range s.Participants {
		units = append(units, pt.UnitID)
	}
	m := Message{Event: "scheme.flag", Subject: fmt.Sprintf("%s %s：%s", s.Name, p.String(), i18n.T("zh", "notify.event.scheme.flag")),
		Body: b.String(), Link: "/schemes/" + strconv.FormatInt(s.ID, 10) + "/periods/" + p.String(), UnitIDs: units}
	return enqueue(tx, m)
}

package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"ding"
	"ding/i18n"
	"ding/warn"
)

// The warning lifecycle. The engine says which warnings hold; apply compares them with the
// stored ones and writes the difference with its history: a new warning opens, a changed
// colour rises or falls, a warning that no longer holds clears. A warning counts the
// months (periods) it has held since it opened, this one included; once that reaches its
// rule's Persistence it escalates one colour up (三亚: two yellows in a row → red) and stays
// escalated until it clears — except while an exemption covers the project, which keeps
// its computed colour visible but does not escalate. The project's colour is the worst of
// its warnings.
//
// Two paths run it and give the same answer: reevaluate, inside the transaction of every
// change that can affect a project, and RecomputeWarnings, the nightly pass over all.

// Warning events.
const (
	EventOpened    = "opened"
	EventRaised    = "raised"
	EventLowered   = "lowered"
	EventEscalated = "escalated"
	EventCleared   = "cleared"
)

// WarningEvent is one step of a warning's history.
type WarningEvent struct {
	ID          int64       `json:"id"`
	ProjectID   int64       `json:"project_id"`
	ProjectName string      `json:"project_name,omitempty"`
	RuleID      int64       `json:"rule_id"`
	RuleName    string      `json:"rule_name,omitempty"`
	SubjectKey  string      `json:"subject_key,omitempty"`
	Subject     string      `json:"subject,omitempty"`
	Event       string      `json:"event"`
	From        ding.Colour `json:"from"`
	To          ding.Colour `json:"to"`
	Value       float64     `json:"value"`
	Reason      string      `json:"reason"`
	Args        []any       `json:"args"`
	On          ding.Date   `json:"on"`
	CreatedAt   time.Time   `json:"created_at"`
}

// WarningSummary says what a pass found and did.
type WarningSummary struct {
	Today     ding.Date           `json:"today"`
	Projects  int                 `json:"projects"`  // evaluated
	Warnings  int                 `json:"warnings"`  // holding after the pass
	ByColour  map[ding.Colour]int `json:"by_colour"` // projects by their colour
	Exempt    int                 `json:"exempt"`    // projects an exemption covers
	Opened    int                 `json:"opened"`
	Raised    int                 `json:"raised"`
	Lowered   int                 `json:"lowered"`
	Escalated int                 `json:"escalated"`
	Cleared   int                 `json:"cleared"`
	Took      time.Duration       `json:"took"`
}

// Events is the number of events the pass wrote.
func (s WarningSummary) Events() int {
	return s.Opened + s.Raised + s.Lowered + s.Escalated + s.Cleared
}

// warnLockKey serialises the nightly pass against the change path on PostgreSQL: a change
// takes it shared, the pass exclusively, so the pass never overwrites a newer result with
// one computed from older data. (SQLite has one writer: its transactions are serial.) The
// lock is keyed by the schema too, so that deployments (or test runs) in different schemas
// of one database do not wait for each other.
const warnLockKey = 7283518

func lockWarnings(tx *Tx, exclusive bool) error {
	if tx.db.dialect != Postgres {
		return nil
	}
	fn := "pg_advisory_xact_lock_shared"
	if exclusive {
		fn = "pg_advisory_xact_lock"
	}
	_, err := tx.exec(`SELECT ` + fn + `(` + strconv.Itoa(warnLockKey) + `, hashtext(current_schema()))`)
	return err
}

// reevaluate brings one project's warnings up to date inside the transaction of a change.
// An import (tx.quiet) evaluates its projects once at its end instead (reevaluateImport).
func reevaluate(tx *Tx, projectID int64) error {
	if tx.quiet || deferred(tx.ctx) {
		return nil
	}
	return reevaluateIDs(tx, []int64{projectID})
}

// reevaluateIDs evaluates a set of projects in tx, 1,000 at a time.
func reevaluateIDs(tx *Tx, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	if err := lockWarnings(tx, false); err != nil {
		return err
	}
	c, err := loadWarnConfig(tx, ding.Date{})
	if err != nil {
		return err
	}
	a := newApplier(tx, c)
	all := ids
	for len(ids) > 0 {
		n := min(len(ids), 1000)
		w, err := prepareChunk(tx.ctx, tx.reader, idSel{ids: ids[:n]}, c, nil, true)
		if err != nil {
			return err
		}
		ids = ids[n:]
		if err := a.apply(w); err != nil {
			return err
		}
	}
	if err := a.flush(); err != nil {
		return err
	}
	for len(all) > 0 {
		n := min(len(all), 1000)
		if err := ladderPass(tx, c, idSel{ids: all[:n]}, false); err != nil {
			return err
		}
		all = all[n:]
	}
	return nil
}

// reevaluateImport evaluates, at the end of an import, every project the batch names.
func reevaluateImport(tx *Tx, b ImportBatch) error {
	seen := map[string]bool{}
	var codes []any
	for _, p := range b.Projects {
		if !seen[p.Project.Code] {
			seen[p.Project.Code] = true
			codes = append(codes, p.Project.Code)
		}
	}
	for _, r := range b.Reports {
		if !seen[r.Code] {
			seen[r.Code] = true
			codes = append(codes, r.Code)
		}
	}
	var ids []int64
	for len(codes) > 0 {
		n := min(len(codes), 500)
		rows, err := tx.query(tx.ctx, `SELECT id FROM projects WHERE code IN (`+strings.TrimSuffix(strings.Repeat("?, ", n), ", ")+`) ORDER BY id`, codes[:n]...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return tx.db.mapErr(err)
			}
			ids = append(ids, id)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return tx.db.mapErr(err)
		}
		codes = codes[n:]
	}
	return reevaluateIDs(tx, ids)
}

type deferKey struct{}

// DeferWarnings returns a context whose writes leave the warnings alone: for bulk loads
// such as the demo's, which write a project's history record by record and would otherwise
// open and clear warnings (and take ladder steps) for the states in between. The caller
// must run RecomputeWarnings when the load is done.
func DeferWarnings(ctx context.Context) context.Context {
	return context.WithValue(ctx, deferKey{}, true)
}

func deferred(ctx context.Context) bool { v, _ := ctx.Value(deferKey{}).(bool); return v }

// RecomputeWarnings evaluates every project on a day (the zero date: the as-of setting,
// else today in Shanghai) and applies the result: the nightly pass. Two readers load and
// evaluate chunks of projects on the read pool while the transaction writes the changes;
// a project whose warnings are the same as stored but for their figures (by digest) has
// only those figures compared, and rewritten where they moved (days overdue).
// Administrators, the office and the system.
func (db *DB) RecomputeWarnings(ctx context.Context, today ding.Date) (WarningSummary, error) {
	start := time.Now()
	if err := canSet(ctx); err != nil {
		return WarningSummary{}, err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return WarningSummary{}, err
	}
	defer tx.rollback()
	if err := lockWarnings(tx, true); err != nil {
		return WarningSummary{}, err
	}
	c, err := loadWarnConfig(tx, today)
	if err != nil {
		return WarningSummary{}, err
	}
	a := newApplier(tx, c)
	// The chunks are read outside tx, on the read pool: no other write can commit while tx
	// holds SQLite's write lock or PostgreSQL's exclusive warning lock, so they see what tx
	// sees (tx itself writes only warnings, which the readers read before it writes them).
	r := db.reader()
	paths, err := loadUnitPaths(ctx, r, "")
	if err != nil {
		return WarningSummary{}, err
	}
	var lo, hi sql.NullInt64
	if err := tx.queryRow(ctx, `SELECT MIN(id), MAX(id) FROM projects`).Scan(&lo, &hi); err != nil {
		return WarningSummary{}, db.mapErr(err)
	}
	if lo.Valid {
		const size, readers = 4096, 2
		lctx, cancel := context.WithCancel(ctx)
		defer cancel()
		type result struct {
			w   *chunkWork
			err error
		}
		next := make(chan idSel)
		out := make(chan result, readers)
		go func() {
			defer close(next)
			for from := lo.Int64; from <= hi.Int64; from += size {
				select {
				case next <- idSel{ranged: true, lo: from, hi: min(from+size-1, hi.Int64)}:
				case <-lctx.Done():
					return
				}
			}
		}()
		var wg sync.WaitGroup
		for range readers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for sel := range next {
					w, err := prepareChunk(lctx, r, sel, c, paths, false)
					select {
					case out <- result{w, err}:
					case <-lctx.Done():
						return
					}
					if err != nil {
						return
					}
				}
			}()
		}
		go func() { wg.Wait(); close(out) }()
		for res := range out {
			if res.err != nil {
				return WarningSummary{}, res.err
			}
			if err := a.apply(res.w); err != nil {
				return WarningSummary{}, err
			}
		}
		if err := ctx.Err(); err != nil {
			return WarningSummary{}, db.mapErr(err)
		}
	}
	if err := a.flush(); err != nil {
		return WarningSummary{}, err
	}
	if err := ladderNightly(tx, c, a.touched); err != nil {
		return WarningSummary{}, err
	}
	if err := itemsNightly(tx, c.today); err != nil {
		return WarningSummary{}, err
	}
	// Computed indicators follow the records: this year to date, and last year's December
	// in January (late reports still change it).
	if c.today.Month == time.January {
		if _, err := refreshComputed(tx, c.today.Year-1, 12); err != nil {
			return WarningSummary{}, err
		}
	}
	if _, err := refreshComputed(tx, c.today.Year, int(c.today.Month)); err != nil {
		return WarningSummary{}, err
	}
	// Clauses that fell due today change their projects' deadlines: evaluate those again,
	// in tx (the readers above cannot see what tx wrote).
	changed, err := checkCommitments(tx, c.today, idSel{})
	if err != nil {
		return WarningSummary{}, err
	}
	if len(changed) > 0 {
		if err := reevaluateIDs(tx, changed); err != nil {
			return WarningSummary{}, err
		}
	}
	if err := tx.commit(); err != nil {
		return WarningSummary{}, err
	}
	a.sum.Took = time.Since(start)
	return *a.sum, nil
}

// chunkWork is a chunk of projects ready to apply.
type chunkWork struct {
	items []projWork
}

// projWork is one project: what the engine says, and what is stored.
type projWork struct {
	pid      int64
	exempt   bool
	computed []ding.Warning // one per rule and subject
	args     []string       // their arguments as stored
	values   []float64
	digest   int64 // of what decides the lifecycle: keys, colours, reasons, exemption …
	row      colourRow
	full     bool            // compare with the stored warnings
	stored   []storedWarning // when full
	figures  []storedFigure  // otherwise: the stored values and arguments
}

// storedFigure is the part of a stored warning that may change daily.
type storedFigure struct {
	ruleID     int64
	subjectKey string
	value      float64
	args       string
}

// colourRow is a row of project_colours.
type colourRow struct {
	has       bool
	colour    ding.Colour
	exempt    bool
	digest    int64
	changedOn ding.Date
}

// prepareChunk loads and evaluates a selection. With full, every project is compared with
// its stored warnings (the change path); otherwise only those whose digest differs from
// the stored one, or that have warnings and no colour row (the nightly pass).
func prepareChunk(ctx context.Context, r reader, sel idSel, c *warnConfig, paths map[int64][]int64, full bool) (*chunkWork, error) {
	set, err := loadStateSet(ctx, r, sel, c.today, paths, c.needs)
	if err != nil {
		return nil, err
	}
	rows, err := loadColourRows(ctx, r, sel)
	if err != nil {
		return nil, err
	}
	w := &chunkWork{items: make([]projWork, len(set.states))}
	var load []int64
	for i, st := range set.states {
		it := &w.items[i]
		it.pid, it.exempt, it.row = st.Project.ID, set.exempt[st.Project.ID], rows[st.Project.ID]
		if c.enabled {
			it.computed = dedupe(warn.Evaluate(st, c.rules, c.cfg, c.today))
		}
		it.args, it.values = make([]string, len(it.computed)), make([]float64, len(it.computed))
		for k := range it.computed {
			it.args[k] = encodeArgs(it.computed[k].Args)
			v := it.computed[k].Value
			if math.IsNaN(v) || math.IsInf(v, 0) {
				v = 0
			}
			it.values[k] = v
		}
		it.digest = digest(it, c)
		switch {
		case full:
			it.full = true
		case !it.row.has:
			it.full = len(it.computed) > 0 || it.exempt
		default:
			it.full = it.digest != it.row.digest
		}
		if it.full {
			load = append(load, it.pid)
		}
	}
	if len(load) > 0 {
		stored, err := loadStored(ctx, r, idSel{ids: load})
		if err != nil {
			return nil, err
		}
		for i := range w.items {
			w.items[i].stored = stored[w.items[i].pid]
		}
	}
	if !full && len(load) < len(rows) {
		// The others' figures, to rewrite those that moved.
		figs, err := loadFigures(ctx, r, sel)
		if err != nil {
			return nil, err
		}
		for i := range w.items {
			if it := &w.items[i]; !it.full {
				it.figures = figs[it.pid]
			}
		}
	}
	return w, nil
}

// dedupe keeps one warning per rule and subject (the engine gives one; this guards the
// table's key).
func dedupe(ws []ding.Warning) []ding.Warning {
	if len(ws) < 2 {
		return ws
	}
	seen := map[wkey]bool{}
	out := ws[:0:0]
	for _, w := range ws {
		k := wkey{w.RuleID, w.SubjectKey}
		if !seen[k] {
			seen[k] = true
			out = append(out, w)
		}
	}
	return out
}

// digest hashes what the lifecycle decides on: the warnings' keys, kinds, colours,
// reasons and subjects, the rules' persistence, the exemption, the colour scheme, and the
// month when a rule escalates. Values and arguments (which may change daily without
// changing anything else) are left out: they are compared one by one.
func digest(it *projWork, c *warnConfig) int64 {
	d := newFNV()
	d.str(c.schemeKey)
	d.bool(it.exempt)
	persist := false
	for k := range it.computed {
		w := &it.computed[k]
		d.i64(w.RuleID)
		d.str(w.SubjectKey)
		d.str(string(w.Kind))
		d.str(string(w.Colour))
		d.str(w.Reason)
		d.str(w.Subject)
		if r := c.byID[w.RuleID]; r != nil && r.Persistence > 0 {
			d.i64(int64(r.Persistence))
			persist = true
		}
	}
	if persist {
		d.str(c.period)
	}
	return d.sum()
}

// fnv is FNV-1a, 64 bits.
type fnv struct{ h uint64 }

func newFNV() *fnv { return &fnv{h: 14695981039346656037} }

func (f *fnv) byte(b byte) { f.h = (f.h ^ uint64(b)) * 1099511628211 }

func (f *fnv) str(s string) {
	for i := 0; i < len(s); i++ {
		f.byte(s[i])
	}
	f.byte(0xff) // separator
}

func (f *fnv) i64(v int64) {
	for i := 0; i < 8; i++ {
		f.byte(byte(v >> (8 * i)))
	}
}

func (f *fnv) bool(b bool) {
	if b {
		f.byte(1)
	} else {
		f.byte(0)
	}
}

func (f *fnv) sum() int64 { return int64(f.h) }

// storedWarning is a row of warnings.
type storedWarning struct {
	ruleID     int64
	subjectKey string
	kind       string
	colour     ding.Colour
	base       ding.Colour
	value      float64
	reason     string
	args       string
	subject    string
	openedOn   ding.Date
	changedOn  ding.Date
	escalated  bool
}

func loadStored(ctx context.Context, r reader, sel idSel) (map[int64][]storedWarning, error) {
	out := map[int64][]storedWarning{}
	rows, err := r.query(ctx, `SELECT project_id, rule_id, subject_key, kind, colour, base_colour, value, reason, args, subject,
		opened_on, changed_on, escalated FROM warnings WHERE `+sel.cond("project_id"))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var pid int64
		var w storedWarning
		if err := rows.Scan(&pid, &w.ruleID, &w.subjectKey, &w.kind, &w.colour, &w.base, &w.value, &w.reason, &w.args, &w.subject,
			fastDate{&w.openedOn}, fastDate{&w.changedOn}, &w.escalated); err != nil {
			return nil, r.db.mapErr(err)
		}
		out[pid] = append(out[pid], w)
	}
	return out, r.db.mapErr(rows.Err())
}

func loadFigures(ctx context.Context, r reader, sel idSel) (map[int64][]storedFigure, error) {
	rows, err := r.query(ctx, `SELECT project_id, rule_id, subject_key, value, args FROM warnings WHERE `+sel.cond("project_id"))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]storedFigure{}
	for rows.Next() {
		var pid int64
		var f storedFigure
		if err := rows.Scan(&pid, &f.ruleID, &f.subjectKey, &f.value, &f.args); err != nil {
			return nil, r.db.mapErr(err)
		}
		out[pid] = append(out[pid], f)
	}
	return out, r.db.mapErr(rows.Err())
}

func loadColourRows(ctx context.Context, r reader, sel idSel) (map[int64]colourRow, error) {
	rows, err := r.query(ctx, `SELECT project_id, colour, exempt, digest, changed_on FROM project_colours WHERE `+sel.cond("project_id"))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]colourRow{}
	for rows.Next() {
		var pid int64
		c := colourRow{has: true}
		if err := rows.Scan(&pid, &c.colour, &c.exempt, &c.digest, fastDate{&c.changedOn}); err != nil {
			return nil, r.db.mapErr(err)
		}
		out[pid] = c
	}
	return out, r.db.mapErr(rows.Err())
}

// applier writes the difference between computed and stored warnings, batching inserts
// and the nightly rewrite of figures.
type applier struct {
	tx     *Tx
	c      *warnConfig
	sum    *WarningSummary
	today  any // dateArg(c.today)
	now    ts
	insW   rowBuf
	insE   rowBuf
	putC   rowBuf
	figs   figureBatch
	delC   []int64
	events []*WarningEvent // written since the last flush, for warningEventsHook
	// touched lists the projects whose warnings or colour row changed (with repeats),
	// whose ladder the nightly pass must look at.
	touched []int64
}

func newApplier(tx *Tx, c *warnConfig) *applier {
	return &applier{tx: tx, c: c, sum: &WarningSummary{Today: c.today, ByColour: map[ding.Colour]int{}},
		today: dateArg(c.today), now: ts(tx.now),
		insW: rowBuf{head: `INSERT INTO warnings (project_id, rule_id, subject_key, kind, colour, base_colour, value, reason, args, subject,
		opened_on, changed_on, escalated) VALUES `, cols: 13},
		insE: rowBuf{head: `INSERT INTO warning_events (project_id, rule_id, subject_key, event, from_colour, to_colour, value, reason, args,
		subject, on_date, created_at) VALUES `, cols: 12},
		putC: rowBuf{head: `INSERT INTO project_colours (project_id, colour, exempt, digest, changed_on) VALUES `, cols: 5,
			tail: ` ON CONFLICT (project_id) DO UPDATE SET colour = excluded.colour, exempt = excluded.exempt, digest = excluded.digest,
			changed_on = excluded.changed_on`},
	}
}

// figureBatch collects new figures (values and arguments) of existing warnings: the
// nightly rewrite of everything counted in days. PostgreSQL takes them as five arrays
// joined on the key, five parameters for thousands of rows; SQLite as one prepared
// UPDATE per row (it plans an UPDATE … FROM a list as a scan of warnings).
type figureBatch struct {
	pids, rids []int64
	sks, args  []string
	vals       []float64
}

func (f *figureBatch) add(tx *Tx, pid int64, w *ding.Warning, value float64, args string) error {
	f.pids, f.rids, f.sks, f.vals, f.args = append(f.pids, pid), append(f.rids, w.RuleID), append(f.sks, w.SubjectKey),
		append(f.vals, value), append(f.args, args)
	if len(f.pids) >= 5000 {
		return f.flush(tx)
	}
	return nil
}

func (f *figureBatch) flush(tx *Tx) error {
	if len(f.pids) == 0 {
		return nil
	}
	defer func() {
		f.pids, f.rids, f.sks, f.vals, f.args = f.pids[:0], f.rids[:0], f.sks[:0], f.vals[:0], f.args[:0]
	}()
	if tx.db.dialect == Postgres {
		_, err := tx.exec(`UPDATE warnings SET value = v.val, args = v.args
		FROM unnest(CAST(? AS BIGINT[]), CAST(? AS BIGINT[]), CAST(? AS TEXT[]), CAST(? AS DOUBLE PRECISION[]), CAST(? AS TEXT[]))
		AS v (pid, rid, sk, val, args)
		WHERE warnings.project_id = v.pid AND warnings.rule_id = v.rid AND warnings.subject_key = v.sk`,
			f.pids, f.rids, f.sks, f.vals, f.args)
		return err
	}
	st, err := tx.tx.PrepareContext(tx.ctx, `UPDATE warnings SET value = ?, args = ? WHERE project_id = ? AND rule_id = ? AND subject_key = ?`)
	if err != nil {
		return tx.db.mapErr(err)
	}
	defer st.Close()
	for i := range f.pids {
		if _, err := st.ExecContext(tx.ctx, f.vals[i], f.args[i], f.pids[i], f.rids[i], f.sks[i]); err != nil {
			return tx.db.mapErr(err)
		}
	}
	return nil
}

type wkey struct {
	rule    int64
	subject string
}

// apply handles the projects of a chunk.
func (a *applier) apply(w *chunkWork) error {
	for i := range w.items {
		it := &w.items[i]
		a.sum.Projects++
		if it.exempt {
			a.sum.Exempt++
		}
		a.sum.Warnings += len(it.computed)
		if !it.full {
			if !it.row.has {
				continue // nothing stored, nothing holds
			}
			if it.row.colour != "" {
				a.sum.ByColour[it.row.colour]++
			}
			// Only values and arguments may have moved: rewrite those that did.
			for k := range it.computed {
				cw := &it.computed[k]
				same := false
				for _, f := range it.figures {
					if f.ruleID == cw.RuleID && f.subjectKey == cw.SubjectKey {
						same = f.value == it.values[k] && f.args == it.args[k]
						break
					}
				}
				if same {
					continue
				}
				if err := a.figs.add(a.tx, it.pid, cw, it.values[k], it.args[k]); err != nil {
					return err
				}
			}
			continue
		}
		if err := a.project(it); err != nil {
			return err
		}
	}
	return nil
}

func (a *applier) event(pid int64, w *ding.Warning, s *storedWarning, ev string, from, to ding.Colour, value float64, args string) error {
	e := &WarningEvent{ProjectID: pid, Event: ev, From: from, To: to, Value: value, On: a.c.today, CreatedAt: a.tx.now}
	if w != nil {
		e.RuleID, e.RuleName, e.SubjectKey, e.Subject, e.Reason, e.Args = w.RuleID, w.RuleName, w.SubjectKey, w.Subject, w.Reason, w.Args
	} else {
		e.RuleID, e.SubjectKey, e.Subject, e.Reason = s.ruleID, s.subjectKey, s.subject, s.reason
		if r := a.c.byID[s.ruleID]; r != nil {
			e.RuleName = r.Name
		}
		e.Args = decodeArgs(args)
	}
	switch ev {
	case EventOpened:
		a.sum.Opened++
	case EventRaised:
		a.sum.Raised++
	case EventLowered:
		a.sum.Lowered++
	case EventEscalated:
		a.sum.Escalated++
	case EventCleared:
		a.sum.Cleared++
	}
	a.events = append(a.events, e)
	a.touched = append(a.touched, pid)
	return a.insE.add(a.tx, pid, e.RuleID, e.SubjectKey, ev, string(from), string(to), value, e.Reason, args, e.Subject, a.today, a.now)
}

// periodsSince counts the months a warning opened on `opened` has held by `period`, this
// one included.
func periodsSince(opened ding.Date, period string) int {
	// period is "YYYY-MM" (monthKey); read without parsing, it runs for every warning.
	if len(period) != 7 {
		return max(monthsBetween(monthKey(opened), period)+1, 1)
	}
	y := int(period[0]-'0')*1000 + int(period[1]-'0')*100 + int(period[2]-'0')*10 + int(period[3]-'0')
	m := int(period[5]-'0')*10 + int(period[6]-'0')
	return max(y*12+m-(opened.Year*12+int(opened.Month))+1, 1)
}

// project compares a project's computed warnings with its stored ones and writes the
// difference and its history.
func (a *applier) project(it *projWork) error {
	pid, exempt := it.pid, it.exempt
	cs := a.c.cfg.Colours
	var byKey map[wkey]int
	if len(it.stored) > 0 {
		byKey = make(map[wkey]int, len(it.stored))
		for i := range it.stored {
			byKey[wkey{it.stored[i].ruleID, it.stored[i].subjectKey}] = i
		}
	}
	matched := make([]bool, len(it.stored))
	var worst ding.Colour
	for i := range it.computed {
		w := &it.computed[i]
		value, args := it.values[i], it.args[i]
		persistence := 0
		if r := a.c.byID[w.RuleID]; r != nil {
			persistence = r.Persistence
		}
		var s *storedWarning
		if j, ok := byKey[wkey{w.RuleID, w.SubjectKey}]; ok {
			s = &it.stored[j]
			matched[j] = true
		}
		opened, escalated := a.c.today, false
		var prev ding.Colour
		if s != nil {
			opened, escalated, prev = s.openedOn, s.escalated, s.colour
		}
		colour := w.Colour
		if escalated {
			colour = cs.Above(w.Colour)
		}
		switch {
		case s == nil:
			if err := a.event(pid, w, nil, EventOpened, "", colour, value, args); err != nil {
				return err
			}
		case colour != prev:
			ev := EventRaised
			if cs.Rank(colour) < cs.Rank(prev) {
				ev = EventLowered
			}
			if err := a.event(pid, w, nil, ev, prev, colour, value, args); err != nil {
				return err
			}
		}
		if !escalated && persistence > 0 && !exempt && periodsSince(opened, a.c.period) >= persistence {
			escalated = true
			up := cs.Above(w.Colour)
			if err := a.event(pid, w, nil, EventEscalated, colour, up, value, args); err != nil {
				return err
			}
			colour = up
		}
		worst = cs.Worst(worst, colour)
		if s == nil {
			if err := a.insW.add(a.tx, pid, w.RuleID, w.SubjectKey, string(w.Kind), string(colour), string(w.Colour), value, w.Reason, args,
				w.Subject, a.today, a.today, escalated); err != nil {
				return err
			}
			continue
		}
		changedOn := s.changedOn
		if colour != prev {
			changedOn = a.c.today
		}
		if s.kind == string(w.Kind) && s.colour == colour && s.base == w.Colour && s.value == value && s.reason == w.Reason &&
			s.args == args && s.subject == w.Subject && s.escalated == escalated {
			continue
		}
		if _, err := a.tx.exec(`UPDATE warnings SET kind = ?, colour = ?, base_colour = ?, value = ?, reason = ?, args = ?, subject = ?,
			changed_on = ?, escalated = ? WHERE project_id = ? AND rule_id = ? AND subject_key = ?`,
			string(w.Kind), string(colour), string(w.Colour), value, w.Reason, args, w.Subject, dateArg(changedOn), escalated,
			pid, w.RuleID, w.SubjectKey); err != nil {
			return err
		}
	}
	for j := range it.stored {
		if matched[j] {
			continue
		}
		s := &it.stored[j]
		if err := a.event(pid, nil, s, EventCleared, s.colour, "", s.value, s.args); err != nil {
			return err
		}
		if _, err := a.tx.exec(`DELETE FROM warnings WHERE project_id = ? AND rule_id = ? AND subject_key = ?`, pid, s.ruleID, s.subjectKey); err != nil {
			return err
		}
	}
	if worst != "" {
		a.sum.ByColour[worst]++
	}
	switch {
	case worst == "" && !exempt:
		if it.row.has {
			a.delC = append(a.delC, pid)
			a.touched = append(a.touched, pid)
		}
	case !it.row.has || it.row.colour != worst || it.row.exempt != exempt || it.row.digest != it.digest:
		changed := a.today
		if it.row.has && it.row.colour == worst {
			changed = dateArg(it.row.changedOn) // the date the colour changed
		}
		if err := a.putC.add(a.tx, pid, string(worst), exempt, it.digest, changed); err != nil {
			return err
		}
		if !it.row.has || it.row.colour != worst || it.row.exempt != exempt {
			a.touched = append(a.touched, pid)
		}
	}
	return nil
}

// flush writes what is buffered and hands the events to warningEventsHook.
func (a *applier) flush() error {
	for _, b := range []*rowBuf{&a.insW, &a.insE, &a.putC} {
		if err := b.flush(a.tx); err != nil {
			return err
		}
	}
	if err := a.figs.flush(a.tx); err != nil {
		return err
	}
	for len(a.delC) > 0 {
		n := min(len(a.delC), 1000)
		if _, err := a.tx.exec(`DELETE FROM project_colours WHERE project_id IN (` + idList(a.delC[:n]) + `)`); err != nil {
			return err
		}
		a.delC = a.delC[n:]
	}
	evs := a.events
	a.events = nil
	return warningEventsHook(a.tx, evs)
}

// warningEventsHook receives, inside the transaction that wrote them, the warning events
// of a pass or a change: where notifications (and later the escalation ladder) enqueue
// their work, so that nothing is lost between the event and its delivery.
func warningEventsHook(tx *Tx, evs []*WarningEvent) error {
	ms, err := warningMessages(tx, evs)
	if err != nil {
		return err
	}
	return enqueue(tx, ms...)
}

// warningNotifyEvent maps a lifecycle event to the notification event users choose.
var warningNotifyEvent = map[string]string{
	"opened": "warning.opened", "raised": "warning.changed", "lowered": "warning.changed",
	"escalated": "warning.escalated", "cleared": "warning.cleared",
}

// digestItems is how many warnings a digest lists before it says "and N more".
const digestItems = 20

// warningMessages turns a batch of warning events into digests: one message per lead unit
// and notification event (a nightly pass that opens 300 warnings in a town sends the town
// one message, not 300), and one per project leader for the events that reach the most
// severe colour. Texts are Chinese, the users' language by default.
func warningMessages(tx *Tx, evs []*WarningEvent) ([]Message, error) {
	if len(evs) == 0 {
		return nil, nil
	}
	ids := make([]int64, 0, len(evs))
	seen := map[int64]bool{}
	for _, e := range evs {
		if !seen[e.ProjectID] {
			seen[e.ProjectID] = true
			ids = append(ids, e.ProjectID)
		}
	}
	type who struct{ unit, leader int64 }
	owners := map[int64]who{}
	rows, err := tx.query(tx.ctx, `SELECT id, unit_id, COALESCE(leader_id, 0) FROM projects WHERE id IN (`+idList(ids)+`)`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var w who
		if err := rows.Scan(&id, &w.unit, &w.leader); err != nil {
			rows.Close()
			return nil, tx.db.mapErr(err)
		}
		owners[id] = w
	}
	rows.Close()
	colours, err := getColours(tx.ctx, tx.reader)
	if err != nil {
		return nil, err
	}
	if len(colours) == 0 {
		colours = ding.DefaultColours
	}
	top := colours[len(colours)-1].Key
	for _, l := range colours {
		if l.Rank > colours.Rank(top) {
			top = l.Key
		}
	}
	var groups digests[*WarningEvent]
	for _, e := range evs {
		ev, ok := warningNotifyEvent[e.Event]
		if !ok {
			continue
		}
		o := owners[e.ProjectID]
		groups.add(digestKey{ev, o.unit, 0}, e)
		if e.To == top && e.Event != "cleared" && e.Event != "lowered" && o.leader != 0 {
			groups.add(digestKey{ev, 0, o.leader}, e)
		}
	}
	var ms []Message
	for _, k := range groups.order {
		list := groups.m[k]
		body := digestBody(list, "条", func(b *strings.Builder, e *WarningEvent) {
			fmt.Fprintf(b, "【%s】%s：%s — %s\n", colours.Name(e.To), e.ProjectName, e.RuleName, i18n.T("zh", e.Reason, e.Args...))
		})
		m := Message{Event: k.event, Body: body, Link: "/warnings"}
		if len(list) == 1 {
			m.Link = "/projects/" + strconv.FormatInt(list[0].ProjectID, 10) + "/warnings"
		}
		m.Subject = fmt.Sprintf("%s：%d 条（%s）", i18n.T("zh", "notify.event."+k.event), len(list), list[0].On)
		if k.unit != 0 {
			m.UnitIDs = []int64{k.unit}
		} else {
			m.UserIDs = []int64{k.leader}
		}
		ms = append(ms, m)
	}
	return ms, nil
}

// rowBuf collects rows for a multi-row INSERT, flushed every 400 rows.
type rowBuf struct {
	head, tail string
	cols       int
	args       []any
	n          int
}

func (b *rowBuf) add(tx *Tx, vals ...any) error {
	b.args = append(b.args, vals...)
	b.n++
	if b.n >= 400 {
		return b.flush(tx)
	}
	return nil
}

func (b *rowBuf) flush(tx *Tx) error {
	if b.n == 0 {
		return nil
	}
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", b.cols), ", ") + ")"
	var q strings.Builder
	q.Grow(len(b.head) + b.n*(len(row)+2) + len(b.tail))
	q.WriteString(b.head)
	for i := 0; i < b.n; i++ {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(row)
	}
	q.WriteString(b.tail)
	_, err := tx.exec(q.String(), b.args...)
	b.args, b.n = b.args[:0], 0
	return err
}

// encodeArgs renders a warning's arguments as JSON text. The engine's arguments are
// strings; they are written directly (the common case, once per warning per pass), other
// values through encoding/json. The same arguments always give the same text, which is
// what finds a changed reason.
func encodeArgs(args []any) string {
	if len(args) == 0 {
		return "[]"
	}
	var b strings.Builder
	b.WriteByte('[')
	for i, v := range args {
		if i > 0 {
			b.WriteByte(',')
		}
		s, ok := v.(string)
		if !ok || !utf8.ValidString(s) {
			j, err := jsonArg(v)
			js, _ := j.(string)
			if err != nil || js == "" {
				js = "null"
			}
			b.WriteString(js)
			continue
		}
		b.WriteByte('"')
		for k := 0; k < len(s); k++ {
			c := s[k]
			switch {
			case c == '"' || c == '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			case c < 0x20:
				b.WriteString(`\u00`)
				b.WriteByte("0123456789abcdef"[c>>4])
				b.WriteByte("0123456789abcdef"[c&0xf])
			default:
				b.WriteByte(c)
			}
		}
		b.WriteByte('"')
	}
	b.WriteByte(']')
	return b.String()
}

// decodeArgs reads stored arguments back: whole numbers as int64, so that %d still works.
func decodeArgs(s string) []any {
	if s == "" {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var args []any
	if err := dec.Decode(&args); err != nil {
		return nil
	}
	for i, v := range args {
		if n, ok := v.(json.Number); ok {
			if x, err := n.Int64(); err == nil {
				args[i] = x
			} else if f, err := n.Float64(); err == nil {
				args[i] = f
			}
		}
	}
	return args
}

package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"ding"
	"ding/i18n"
)

// The escalation ladder. After the warnings of a change or of the nightly pass are
// applied, in the same transaction, ladderPass compares each project's colour with the
// configured steps: for each colour the project has reached (that colour or worse) it
// keeps the date it got there (ladder_state, the episode) and takes every step whose
// colour and periods are met and that was not yet taken in the episode — a reminder, a
// numbered letter, a listing in the month's bulletin, an interview — and queues the
// notifications in the same transaction. An exempt project is frozen: no step is taken
// and its episodes stay as they are. The nightly pass also escalates, once, what is past
// due and still open: a letter without its reply, an interview not held.

const (
	settingLadder  = "ladder"
	settingLetters = "letters"
)

// Ladder returns the escalation ladder (ding.DefaultLadder until the office sets one).
func (db *DB) Ladder(ctx context.Context) (ding.Ladder, error) { return getLadder(ctx, db.reader()) }

func getLadder(ctx context.Context, r reader) (ding.Ladder, error) {
	var l ding.Ladder
	ok, err := getSetting(ctx, r, settingLadder, &l)
	if err != nil || !ok {
		return append(ding.Ladder(nil), ding.DefaultLadder...), err
	}
	return l, nil
}

// SetLadder replaces the ladder: validated against the colour scheme, audited. Steps
// already taken stay; a step added for a colour a project already holds is taken at the
// next evaluation of that project.
func (db *DB) SetLadder(ctx context.Context, l ding.Ladder) error {
	if err := canSet(ctx); err != nil {
		return err
	}
	cs, err := db.Colours(ctx)
	if err != nil {
		return err
	}
	if l == nil {
		l = ding.Ladder{}
	}
	if err := l.Validate(cs); err != nil {
		return err
	}
	before, err := db.Ladder(ctx)
	if err != nil {
		return err
	}
	if err := db.putSetting(ctx, settingLadder, before, l); err != nil {
		return err
	}
	// The next nightly pass sweeps every project: a new step may apply to colours held.
	_, err = db.write.ExecContext(ctx, db.rebind(`DELETE FROM settings WHERE key = ?`), settingLadderSwept)
	return db.mapErr(err)
}

// LetterSettings returns the issuer and number prefixes of the letters (named after the
// district until the office sets them).
func (db *DB) LetterSettings(ctx context.Context) (ding.LetterSettings, error) {
	return getLetterSettings(ctx, db.reader())
}

func getLetterSettings(ctx context.Context, r reader) (ding.LetterSettings, error) {
	var s ding.LetterSettings
	ok, err := getSetting(ctx, r, settingLetters, &s)
	if err != nil {
		return s, err
	}
	if ok && s.Issuer != "" {
		return s, nil
	}
	var name string
	// The district's office issues the letters: the first district of the tree, else its root.
	err = r.queryRow(ctx, `SELECT name FROM units WHERE kind = 'district' OR parent_id IS NULL
		ORDER BY CASE WHEN kind = 'district' THEN 0 ELSE 1 END, id LIMIT 1`).Scan(&name)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return s, r.db.mapErr(err)
	}
	return ding.DefaultLetterSettings(name), nil
}

// SetLetterSettings changes the issuer and the prefixes. Numbers already given stay.
func (db *DB) SetLetterSettings(ctx context.Context, s ding.LetterSettings) error {
	if err := canSet(ctx); err != nil {
		return err
	}
	if s.Prefixes == nil {
		s.Prefixes = map[ding.LadderAction]string{}
	}
	if err := s.Validate(); err != nil {
		return err
	}
	before, err := db.LetterSettings(ctx)
	if err != nil {
		return err
	}
	return db.putSetting(ctx, settingLetters, before, s)
}

// firing is a step about to be taken.
type firing struct {
	pid     int64
	step    ding.LadderStep
	episode ding.Date
}

// settingLadderSwept is the month whose first nightly pass looked at every project's
// ladder. A project's ladder can move only when its colour changes (the change path and
// the pass's own events see that) or when a new month makes it one period older: so the
// nightly pass sweeps all projects once a month, and otherwise only those it changed.
const settingLadderSwept = "ladder_swept"

// ladderNightly is the nightly pass's ladder: a sweep over all projects in the first pass
// of a month (or after the ladder changed), else over the projects the pass touched; and
// the overdue escalation.
func ladderNightly(tx *Tx, c *warnConfig, touched []int64) error {
	var swept string
	if _, err := getSetting(tx.ctx, tx.reader, settingLadderSwept, &swept); err != nil {
		return err
	}
	if swept != c.period {
		// A step becomes due in the month its episode reaches the step's periods. When the
		// previous month was swept, only episodes young enough to reach a step now need a
		// look: those that began in the last maxPeriods months. Otherwise (the first sweep,
		// a month without one, a changed ladder) every project is looked at.
		sel := idSel{}
		ladder, err := getLadder(tx.ctx, tx.reader)
		if err != nil {
			return err
		}
		maxP := 0
		for _, st := range ladder {
			maxP = max(maxP, st.Periods)
		}
		first := ding.Date{Year: c.today.Year, Month: c.today.Month, Day: 1}
		if prev := first.AddDays(-1); swept != "" && swept == monthKey(prev) && maxP > 0 {
			from := ding.DateOf(first.Time().AddDate(0, -(maxP - 1), 0))
			ids, err := queryIDs(tx, `SELECT DISTINCT project_id FROM ladder_state WHERE since >= ? ORDER BY project_id`, dateArg(from))
			if err != nil {
				return err
			}
			// … and the projects this pass changed, whose episodes may begin now. Past a few
			// thousand projects one pass over all is cheaper than many lists of ids.
			if len(ids)+len(touched) <= 5000 {
				sel = idSel{ids: uniqueIDs(append(ids, touched...))}
				sort.Slice(sel.ids, func(i, j int) bool { return sel.ids[i] < sel.ids[j] })
				if sel.ids == nil {
					sel.ids = []int64{}
				}
			}
		}
		if sel.ids != nil {
			for len(sel.ids) > 0 {
				n := min(len(sel.ids), 1000)
				if err := ladderPass(tx, c, idSel{ids: sel.ids[:n]}, false); err != nil {
					return err
				}
				sel.ids = sel.ids[n:]
			}
			if err := escalateOverdue(tx, c); err != nil {
				return err
			}
		} else if err := ladderPass(tx, c, idSel{}, true); err != nil {
			return err
		}
		v, _ := jsonArg(c.period)
		if _, err := tx.exec(`DELETE FROM settings WHERE key = ?`, settingLadderSwept); err != nil {
			return err
		}
		_, err = tx.exec(`INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)`, settingLadderSwept, v, ts(tx.now))
		return err
	}
	ids := uniqueIDs(touched)
	for len(ids) > 0 {
		n := min(len(ids), 1000)
		if err := ladderPass(tx, c, idSel{ids: ids[:n]}, false); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return escalateOverdue(tx, c)
}

// ladderPass takes the ladder's steps for the projects of sel after their warnings were
// applied in tx; full (the nightly pass) also escalates what is overdue.
func ladderPass(tx *Tx, c *warnConfig, sel idSel, full bool) error {
	ladder, err := getLadder(tx.ctx, tx.reader)
	if err != nil {
		return err
	}
	cs := c.cfg.Colours
	if len(ladder) > 0 {
		if err := climb(tx, c, ladder, cs, sel); err != nil {
			return err
		}
	}
	if full {
		return escalateOverdue(tx, c)
	}
	return nil
}

// ladderRow is a project's episode at one colour: since when, and the steps taken.
type ladderRow struct {
	since ding.Date
	taken string // "1:remind,2:letter_assign"
	dirty bool   // taken changed in this pass
	isNew bool   // not stored yet
}

func stepTag(s ding.LadderStep) string { return strconv.Itoa(s.Periods) + ":" + string(s.Action) }

func hasTag(list, tag string) bool {
	for list != "" {
		var item string
		item, list, _ = strings.Cut(list, ",")
		if item == tag {
			return true
		}
	}
	return false
}

// monthIndex numbers months: periods between two months are a difference of indexes.
func monthIndex(y int, m time.Month) int { return y*12 + int(m) - 1 }

func climb(tx *Tx, c *warnConfig, ladder ding.Ladder, cs ding.ColourScheme, sel idSel) error {
	ctx := tx.ctx
	type pc struct {
		colour ding.Colour
		exempt bool
	}
	colours := map[int64]pc{}
	rows, err := tx.query(ctx, `SELECT project_id, colour, exempt FROM project_colours WHERE `+sel.cond("project_id"))
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var p pc
		if err := rows.Scan(&id, &p.colour, &p.exempt); err != nil {
			rows.Close()
			return tx.db.mapErr(err)
		}
		colours[id] = p
	}
	rows.Close()
	state := map[int64]map[ding.Colour]*ladderRow{}
	rows, err = tx.query(ctx, `SELECT project_id, colour, since, taken FROM ladder_state WHERE `+sel.cond("project_id"))
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var col ding.Colour
		lr := &ladderRow{}
		if err := rows.Scan(&id, &col, fastDate{&lr.since}, &lr.taken); err != nil {
			rows.Close()
			return tx.db.mapErr(err)
		}
		if state[id] == nil {
			state[id] = map[ding.Colour]*ladderRow{}
		}
		state[id][col] = lr
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return tx.db.mapErr(err)
	}

	ids := make([]int64, 0, len(colours)+len(state))
	for id := range colours {
		ids = append(ids, id)
	}
	for id := range state {
		if _, ok := colours[id]; !ok {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	now := monthIndex(c.today.Year, c.today.Month)
	ins := rowBuf{head: `INSERT INTO ladder_state (project_id, colour, since, taken) VALUES `, tail: ` ON CONFLICT DO NOTHING`, cols: 4}
	var dels []string
	var fire []firing
	type upd struct {
		pid    int64
		colour ding.Colour
		taken  string
	}
	var ups []upd
	for _, pid := range ids {
		p := colours[pid]
		if p.exempt {
			continue // frozen while exempt
		}
		rank := cs.Rank(p.colour)
		st := state[pid]
		for col := range st {
			if r := cs.Rank(col); r == 0 || rank < r {
				dels = append(dels, "(project_id = "+strconv.FormatInt(pid, 10)+" AND colour = '"+strings.ReplaceAll(string(col), "'", "''")+"')")
				delete(st, col)
			}
		}
		for _, l := range cs {
			if rank < l.Rank {
				continue
			}
			if _, ok := st[l.Key]; !ok {
				if st == nil {
					st = map[ding.Colour]*ladderRow{}
					state[pid] = st
				}
				st[l.Key] = &ladderRow{since: c.today, isNew: true}
			}
		}
		for _, s := range ladder {
			lr, ok := st[s.Colour]
			if !ok || now-monthIndex(lr.since.Year, lr.since.Month)+1 < s.Periods {
				continue
			}
			tag := stepTag(s)
			if hasTag(lr.taken, tag) {
				continue
			}
			if lr.taken != "" {
				lr.taken += ","
			}
			lr.taken += tag
			lr.dirty = true
			// A project that jumps several colours at once takes each action once, at
			// the most severe colour (one reminder, not a blue and a yellow one); the
			// milder steps count as taken.
			dup := false
			for i := range fire {
				if f := &fire[i]; f.pid == pid && f.step.Action == s.Action {
					if cs.Rank(s.Colour) > cs.Rank(f.step.Colour) {
						f.step, f.episode = s, lr.since
					}
					dup = true
				}
			}
			if !dup {
				fire = append(fire, firing{pid: pid, step: s, episode: lr.since})
			}
		}
		for _, l := range cs {
			lr := st[l.Key]
			switch {
			case lr == nil:
			case lr.isNew:
				if err := ins.add(tx, pid, string(l.Key), dateArg(lr.since), lr.taken); err != nil {
					return err
				}
			case lr.dirty:
				ups = append(ups, upd{pid, l.Key, lr.taken})
			}
		}
	}
	for len(dels) > 0 {
		n := min(len(dels), 200)
		if _, err := tx.exec(`DELETE FROM ladder_state WHERE ` + strings.Join(dels[:n], " OR ")); err != nil {
			return err
		}
		dels = dels[n:]
	}
	if err := ins.flush(tx); err != nil {
		return err
	}
	for _, u := range ups {
		if _, err := tx.exec(`UPDATE ladder_state SET taken = ? WHERE project_id = ? AND colour = ?`, u.taken, u.pid, string(u.colour)); err != nil {
			return err
		}
	}
	if len(fire) == 0 {
		return nil
	}
	return takeSteps(tx, c, fire, false, "")
}

// projectBrief is what a step needs to know about its project.
type projectBrief struct {
	code, name string
	unitID     int64
	unitName   string
	leaderID   int64
	figures    []string
}

// briefs loads the projects' lead units, leaders and current warnings in Chinese, the most
// severe first.
func briefs(tx *Tx, c *warnConfig, ids []int64) (map[int64]*projectBrief, error) {
	out := map[int64]*projectBrief{}
	for len(ids) > 0 {
		n := min(len(ids), 1000)
		list := idList(ids[:n])
		ids = ids[n:]
		rows, err := tx.query(tx.ctx, `SELECT p.id, p.code, p.name, p.unit_id, u.name, COALESCE(p.leader_id, 0) FROM projects p
			JOIN units u ON u.id = p.unit_id WHERE p.id IN (`+list+`)`)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			b := &projectBrief{}
			if err := rows.Scan(&id, &b.code, &b.name, &b.unitID, &b.unitName, &b.leaderID); err != nil {
				rows.Close()
				return nil, tx.db.mapErr(err)
			}
			out[id] = b
		}
		rows.Close()
		type fig struct {
			rank int
			text string
		}
		figs := map[int64][]fig{}
		rows, err = tx.query(tx.ctx, `SELECT project_id, rule_id, colour, reason, args, subject FROM warnings
			WHERE project_id IN (`+list+`) ORDER BY project_id, rule_id, subject_key`)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var pid, rule int64
			var col ding.Colour
			var reason, args, subject string
			if err := rows.Scan(&pid, &rule, &col, &reason, &args, &subject); err != nil {
				rows.Close()
				return nil, tx.db.mapErr(err)
			}
			name := ""
			if r := c.byID[rule]; r != nil {
				name = r.Name
			}
			text := fmt.Sprintf("【%s】%s：%s", c.cfg.Colours.Name(col), name, i18n.T("zh", reason, decodeArgs(args)...))
			figs[pid] = append(figs[pid], fig{c.cfg.Colours.Rank(col), text})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, tx.db.mapErr(err)
		}
		for pid, fs := range figs {
			sort.SliceStable(fs, func(i, j int) bool { return fs[i].rank > fs[j].rank })
			if b := out[pid]; b != nil {
				for _, f := range fs {
					b.figures = append(b.figures, f.text)
				}
			}
		}
	}
	return out, nil
}

// nextLetterNumbers reserves n numbers of a letter kind in a year and returns the first.
// One statement, so that two transactions never give the same number.
func nextLetterNumbers(tx *Tx, action ding.LadderAction, year, n int) (int, error) {
	var last int
	err := tx.queryRow(tx.ctx, `INSERT INTO letter_numbers (action, year, last) VALUES (?, ?, ?)
		ON CONFLICT (action, year) DO UPDATE SET last = letter_numbers.last + excluded.last RETURNING last`,
		string(action), year, n).Scan(&last)
	if err != nil {
		return 0, tx.db.mapErr(err)
	}
	return last - n + 1, nil
}

// takeSteps records the steps and queues their notifications. manual steps carry the
// office's note.
func takeSteps(tx *Tx, c *warnConfig, fire []firing, manual bool, note string) error {
	ids := make([]int64, 0, len(fire))
	seen := map[int64]bool{}
	for _, f := range fire {
		if !seen[f.pid] {
			seen[f.pid] = true
			ids = append(ids, f.pid)
		}
	}
	bs, err := briefs(tx, c, ids)
	if err != nil {
		return err
	}
	letters, err := getLetterSettings(tx.ctx, tx.reader)
	if err != nil {
		return err
	}
	// Numbers in project order within each kind, reserved once per kind.
	counts := map[ding.LadderAction]int{}
	for _, f := range fire {
		if f.step.Action.IsLetter() {
			counts[f.step.Action]++
		}
	}
	// In a fixed order of kinds: two transactions that reserve the same kinds in different
	// orders would each hold one row the other waits for (a deadlock on PostgreSQL).
	kinds := make([]ding.LadderAction, 0, len(counts))
	for a := range counts {
		kinds = append(kinds, a)
	}
	slices.Sort(kinds)
	next := map[ding.LadderAction]int{}
	for _, a := range kinds {
		n := counts[a]
		first, err := nextLetterNumbers(tx, a, c.today.Year, n)
		if err != nil {
			return err
		}
		next[a] = first
	}
	var pending []*ding.Escalation
	var vals []any
	for _, f := range fire {
		b := bs[f.pid]
		if b == nil {
			continue
		}
		e := &ding.Escalation{ProjectID: f.pid, ProjectCode: b.code, ProjectName: b.name, Action: f.step.Action, Colour: f.step.Colour,
			Periods: f.step.Periods, Manual: manual, Episode: f.episode, IssuedOn: c.today, UnitID: b.unitID, UnitName: b.unitName,
			Figures: b.figures, Status: ding.EscalationDone, Period: c.period, Note: note, CreatedAt: tx.now, Version: 1}
		if e.Figures == nil {
			e.Figures = []string{}
		}
		var number any
		if f.step.Action.IsLetter() {
			e.Number = fmt.Sprintf("%s〔%d〕%d号", letters.Prefixes[f.step.Action], c.today.Year, next[f.step.Action])
			next[f.step.Action]++
			number = e.Number
		}
		var leader any
		if f.step.Action == ding.ActionInterview && b.leaderID != 0 {
			e.LeaderID, leader = b.leaderID, b.leaderID
		}
		if f.step.Action.HasDue() {
			e.Status, e.DueOn = ding.EscalationOpen, c.today.AddDays(f.step.DueDays)
		}
		figs, err := jsonArg(e.Figures)
		if err != nil {
			return ding.Internal(err, "escalation figures")
		}
		pending = append(pending, e)
		vals = append(vals, e.ProjectID, string(e.Action), string(e.Colour), e.Periods, e.Manual, dateArg(e.Episode), dateArg(e.IssuedOn), number,
			e.UnitID, leader, figs, dateArg(e.DueOn), e.Status, e.Period, e.Note, ts(tx.now))
	}
	// Many rows a statement; RETURNING names the rows written, so that a step another
	// transaction took first (the unique index on the episode) is skipped, not announced.
	const cols, batch = 16, 200
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	var taken []*ding.Escalation
	for len(pending) > 0 {
		n := min(len(pending), batch)
		part := pending[:n]
		byKey := make(map[string]*ding.Escalation, n)
		for _, e := range part {
			byKey[fmt.Sprintf("%d/%s/%s/%d", e.ProjectID, e.Action, e.Colour, e.Periods)] = e
		}
		q := `INSERT INTO escalations (project_id, action, colour, periods, manual, episode, issued_on, number, unit_id, leader_id,
			figures, due_on, status, period, note, created_at) VALUES ` + strings.TrimSuffix(strings.Repeat(row+", ", n), ", ") +
			` ON CONFLICT DO NOTHING RETURNING id, project_id, action, colour, periods`
		rows, err := tx.query(tx.ctx, q, vals[:n*cols]...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id, pid int64
			var action, colour string
			var periods int
			if err := rows.Scan(&id, &pid, &action, &colour, &periods); err != nil {
				rows.Close()
				return tx.db.mapErr(err)
			}
			if e := byKey[fmt.Sprintf("%d/%s/%s/%d", pid, action, colour, periods)]; e != nil {
				e.ID = id
				taken = append(taken, e)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return tx.db.mapErr(err)
		}
		pending, vals = pending[n:], vals[n*cols:]
	}
	sort.Slice(taken, func(i, j int) bool { return taken[i].ID < taken[j].ID })
	ms, err := escalationMessages(tx, c, letters, taken)
	if err != nil {
		return err
	}
	return enqueue(tx, ms...)
}

// escalationEvent is the notification event of each action.
var escalationEvent = map[ding.LadderAction]string{
	ding.ActionRemind: "warning.reminder", ding.ActionLetterRemind: "letter.issued", ding.ActionLetterAssign: "letter.issued",
	ding.ActionLetterSupervise: "letter.issued", ding.ActionBulletin: "bulletin.listed", ding.ActionInterview: "interview.scheduled",
}

// ActionName is the Chinese name of an action, for texts written into the database.
func actionName(a ding.LadderAction) string { return i18n.T("zh", "ladder.action."+string(a)) }

// officeUsers returns the active users of the project office.
func officeUsers(tx *Tx) ([]int64, error) {
	rows, err := tx.query(tx.ctx, `SELECT id FROM users WHERE role = ? AND disabled = FALSE ORDER BY id`, string(ding.RoleOffice))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, tx.db.mapErr(err)
		}
		ids = append(ids, id)
	}
	return ids, tx.db.mapErr(rows.Err())
}

// escalationMessages makes digests of the steps taken: one message per recipient unit and
// event (the liaisons and the lead unit), and for interviews one per leader, copied to the
// office.
func escalationMessages(tx *Tx, c *warnConfig, letters ding.LetterSettings, es []*ding.Escalation) ([]Message, error) {
	if len(es) == 0 {
		return nil, nil
	}
	var groups digests[*ding.Escalation]
	for _, e := range es {
		ev := escalationEvent[e.Action]
		if e.Action == ding.ActionInterview {
			groups.add(digestKey{ev, 0, e.LeaderID}, e)
			continue
		}
		groups.add(digestKey{ev, e.UnitID, 0}, e)
	}
	var office []int64
	var ms []Message
	for _, k := range groups.order {
		list := groups.m[k]
		body := digestBody(list, "项", func(b *strings.Builder, e *ding.Escalation) {
			b.WriteString(actionName(e.Action))
			if e.Number != "" {
				fmt.Fprintf(b, "（%s）", e.Number)
			}
			fmt.Fprintf(b, "：%s", e.ProjectName)
			if !e.DueOn.IsZero() {
				if e.Action == ding.ActionInterview {
					fmt.Fprintf(b, "，请于 %s 前完成约谈", e.DueOn)
				} else {
					fmt.Fprintf(b, "，请于 %s 前书面回复%s", e.DueOn, letters.Issuer)
				}
			}
			b.WriteByte('\n')
			for _, f := range e.Figures {
				fmt.Fprintf(b, "  %s\n", f)
			}
		})
		m := Message{Event: k.event, Body: body, Link: "/escalations"}
		if len(list) == 1 {
			m.Link = "/escalations/" + strconv.FormatInt(list[0].ID, 10)
		}
		m.Subject = fmt.Sprintf("%s：%d 项（%s）", i18n.T("zh", "notify.event."+k.event), len(list), c.today)
		if k.unit != 0 {
			m.UnitIDs = []int64{k.unit}
		} else {
			if office == nil {
				var err error
				if office, err = officeUsers(tx); err != nil {
					return nil, err
				}
			}
			m.UserIDs = append([]int64(nil), office...)
			if k.leader != 0 {
				m.UserIDs = append(m.UserIDs, k.leader)
			}
		}
		ms = append(ms, m)
	}
	return ms, nil
}

// escalateOverdue escalates, once each, the letters whose reply and the interviews whose
// record is past due: the office is told, with the lead unit for a letter and the leader
// for an interview, and the item shows as escalated.
func escalateOverdue(tx *Tx, c *warnConfig) error {
	rows, err := tx.query(tx.ctx, `SELECT e.id, e.project_id, p.name, e.action, e.unit_id, COALESCE(e.leader_id, 0), COALESCE(e.number, ''), e.due_on
		FROM escalations e JOIN projects p ON p.id = e.project_id
		WHERE e.status = 'open' AND e.escalated = FALSE AND e.due_on < ? ORDER BY e.id`, dateArg(c.today))
	if err != nil {
		return err
	}
	var es []*ding.Escalation
	for rows.Next() {
		e := &ding.Escalation{}
		if err := rows.Scan(&e.ID, &e.ProjectID, &e.ProjectName, &e.Action, &e.UnitID, &e.LeaderID, &e.Number, dateScan{&e.DueOn}); err != nil {
			rows.Close()
			return tx.db.mapErr(err)
		}
		es = append(es, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return tx.db.mapErr(err)
	}
	if len(es) == 0 {
		return nil
	}
	ids := make([]int64, len(es))
	for i, e := range es {
		ids[i] = e.ID
	}
	for len(ids) > 0 {
		n := min(len(ids), 1000)
		if _, err := tx.exec(`UPDATE escalations SET escalated = TRUE, version = version + 1 WHERE id IN (` + idList(ids[:n]) + `)`); err != nil {
			return err
		}
		ids = ids[n:]
	}
	office, err := officeUsers(tx)
	if err != nil {
		return err
	}
	var groups digests[*ding.Escalation]
	for _, e := range es {
		k := digestKey{"letter.reply_due", e.UnitID, 0}
		if e.Action == ding.ActionInterview {
			k = digestKey{"interview.overdue", 0, e.LeaderID}
		}
		groups.add(k, e)
	}
	var ms []Message
	for _, k := range groups.order {
		list := groups.m[k]
		body := digestBody(list, "项", func(b *strings.Builder, e *ding.Escalation) {
			what := actionName(e.Action)
			if e.Number != "" {
				what += "（" + e.Number + "）"
			}
			fmt.Fprintf(b, "%s：%s，%s 到期，已逾期 %d 天\n", what, e.ProjectName, e.DueOn, e.DueOn.DaysUntil(c.today))
		})
		m := Message{Event: k.event, Subject: fmt.Sprintf("%s：%d 项（%s）", i18n.T("zh", "notify.event."+k.event), len(list), c.today),
			Body: body, Link: "/escalations?overdue=1"}
		if len(list) == 1 {
			m.Link = "/escalations/" + strconv.FormatInt(list[0].ID, 10)
		}
		m.UserIDs = append([]int64(nil), office...)
		if k.leader != 0 {
			m.UserIDs = append(m.UserIDs, k.leader)
		}
		if k.unit != 0 {
			m.UnitIDs = []int64{k.unit}
		}
		ms = append(ms, m)
	}
	return enqueue(tx, ms...)
}

// EscalationFilter selects escalations.
type EscalationFilter struct {
	ID        int64
	ProjectID int64
	UnitID    int64             // recipient unit in this subtree
	Action    ding.LadderAction // one action, or
	Letters   bool              // any letter
	Status    string            // open, done, withdrawn
	Overdue   bool              // open and past due
	Colour    ding.Colour       // the step's colour
	Period    string            // the month: "2024-06"
	Q         string            // project name or code, letter number
	Sort      string            // issued_on (default), due_on, project, unit, number
	Desc      bool              // descending (issued_on defaults to newest first)
	Limit     int
	Offset    int
}

var escalationSorts = map[string]string{
	"issued_on": "e.issued_on", "due_on": "e.due_on", "project": "p.name", "unit": "u.name", "number": "e.number", "action": "e.action",
}

const escalationCols = `e.id, e.project_id, p.code, p.name, e.action, e.colour, e.periods, e.manual, e.episode, e.issued_on,
	COALESCE(e.number, ''), e.unit_id, u.name, COALESCE(e.leader_id, 0), COALESCE(l.display_name, ''), e.figures, e.due_on, e.status,
	e.escalated, e.period, e.reply, e.replied_on, e.replied_by, COALESCE(e.interview, ''), e.note, e.created_at, e.version`

const escalationFrom = ` FROM escalations e JOIN projects p ON p.id = e.project_id JOIN units u ON u.id = e.unit_id
	LEFT JOIN users l ON l.id = e.leader_id`

func scanEscalation(sc interface{ Scan(...any) error }, today ding.Date) (*ding.Escalation, error) {
	e := &ding.Escalation{}
	var figs, iv string
	err := sc.Scan(&e.ID, &e.ProjectID, &e.ProjectCode, &e.ProjectName, &e.Action, &e.Colour, &e.Periods, &e.Manual, dateScan{&e.Episode},
		dateScan{&e.IssuedOn}, &e.Number, &e.UnitID, &e.UnitName, &e.LeaderID, &e.LeaderName, &figs, dateScan{&e.DueOn}, &e.Status,
		&e.Escalated, &e.Period, &e.Reply, dateScan{&e.RepliedOn}, &e.RepliedBy, &iv, &e.Note, timeScan{&e.CreatedAt}, &e.Version)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(figs), &e.Figures); err != nil {
		return nil, ding.Internal(err, "escalation figures")
	}
	if iv != "" {
		e.Interview = &ding.Interview{}
		if err := json.Unmarshal([]byte(iv), e.Interview); err != nil {
			return nil, ding.Internal(err, "interview record")
		}
	}
	e.Overdue = e.Status == ding.EscalationOpen && !e.DueOn.IsZero() && e.DueOn.Before(today)
	return e, nil
}

// FindEscalations returns the escalations of projects in the caller's scope and how many
// match; overdue is judged on the warning date.
func (db *DB) FindEscalations(ctx context.Context, f EscalationFilter) ([]*ding.Escalation, int, error) {
	today, err := db.WarningToday(ctx)
	if err != nil {
		return nil, 0, err
	}
	return findEscalations(ctx, db.reader(), ding.ActorFrom(ctx), f, today)
}

func findEscalations(ctx context.Context, r reader, a *ding.Actor, f EscalationFilter, today ding.Date) ([]*ding.Escalation, int, error) {
	if a == nil {
		return nil, 0, ding.Errorf(ding.EUNAUTHORIZED, "err.unauthorized")
	}
	var w where
	cond, args := projectScope(a, f.ID != 0 || f.ProjectID != 0)
	w.add(cond, args...)
	if f.ID != 0 {
		w.add("e.id = ?", f.ID)
	}
	if f.ProjectID != 0 {
		w.add("e.project_id = ?", f.ProjectID)
	}
	if f.UnitID != 0 {
		w.add("e.unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ?)", f.UnitID)
	}
	if f.Action != "" {
		w.add("e.action = ?", string(f.Action))
	}
	if f.Letters {
		w.add("e.action IN ('letter_remind', 'letter_assign', 'letter_supervise')")
	}
	if f.Status != "" {
		w.add("e.status = ?", f.Status)
	}
	if f.Overdue {
		w.add("e.status = 'open' AND e.due_on < ?", dateArg(today))
	}
	if f.Colour != "" {
		w.add("e.colour = ?", string(f.Colour))
	}
	if f.Period != "" {
		w.add("e.period = ?", f.Period)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		p := likeEscape(q)
		w.add(`(LOWER(p.name) LIKE ? ESCAPE '\' OR LOWER(p.code) LIKE ? ESCAPE '\' OR LOWER(COALESCE(e.number, '')) LIKE ? ESCAPE '\')`, p, p, p)
	}
	var total int
	if err := r.queryRow(ctx, `SELECT COUNT(*)`+escalationFrom+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, r.db.mapErr(err)
	}
	col, ok := escalationSorts[f.Sort]
	desc := f.Desc
	if !ok {
		col, desc = "e.issued_on", true
	}
	dir := " ASC"
	if desc {
		dir = " DESC"
	}
	rows, err := r.query(ctx, `SELECT `+escalationCols+escalationFrom+w.String()+` ORDER BY `+col+dir+`, e.id`+dir+page(f.Limit, f.Offset), w.args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*ding.Escalation
	for rows.Next() {
		e, err := scanEscalation(rows, today)
		if err != nil {
			return nil, 0, r.db.mapErr(err)
		}
		out = append(out, e)
	}
	return out, total, r.db.mapErr(rows.Err())
}

// FindEscalation returns one escalation of a project in scope (ENOTFOUND otherwise).
func (db *DB) FindEscalation(ctx context.Context, id int64) (*ding.Escalation, error) {
	es, _, err := db.FindEscalations(ctx, EscalationFilter{ID: id, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(es) == 0 {
		return nil, notFound("escalation")
	}
	return es[0], nil
}

// EscalationCounts counts the escalations in scope by action: open, overdue, done, and
// taken in the month of the warning date.
type EscalationCounts struct {
	Action    ding.LadderAction `json:"action"`
	Open      int               `json:"open"`
	Overdue   int               `json:"overdue"`
	Done      int               `json:"done"`
	ThisMonth int               `json:"this_month"`
}

// CountEscalations returns the counts of every action, in ladder order. They are summed
// from the escalation rollups of the scope's lead units (escalation_rollups.go), brought
// up to date first, plus the escalations of the projects in scope that other units lead
// (splitScope).
func (db *DB) CountEscalations(ctx context.Context) ([]EscalationCounts, error) {
	a := ding.ActorFrom(ctx)
	if a == nil {
		return nil, ding.Errorf(ding.EUNAUTHORIZED, "err.unauthorized")
	}
	today, err := db.WarningToday(ctx)
	if err != nil {
		return nil, err
	}
	r := db.reader()
	s, err := splitScope(ctx, r, a)
	if err != nil {
		return nil, err
	}
	if err := db.refreshEscalationRollups(ctx, s); err != nil {
		return nil, err
	}
	uc, ua := s.unitCond("unit_id", 0)
	if s.all {
		uc, ua = "unit_id = 0", nil // the sums over every unit
	}
	q := `SELECT action, SUM(CASE WHEN status = 'open' THEN n ELSE 0 END),
			SUM(CASE WHEN status = 'open' AND due_on < ? THEN n ELSE 0 END),
			SUM(CASE WHEN status = 'done' THEN n ELSE 0 END), 0
		FROM rollup_escalations WHERE ` + uc + ` GROUP BY action
		UNION ALL
		SELECT action, 0, 0, 0, SUM(n) FROM rollup_escalation_months WHERE period = ? AND ` + uc + ` GROUP BY action`
	args := append(append(append([]any{dateArg(today)}, ua...), monthKey(today)), ua...)
	ec, ea, err := s.extraCond(ctx, r, 0)
	if err != nil {
		return nil, err
	}
	if ec != "" {
		q += ` UNION ALL
		SELECT e.action,
			SUM(CASE WHEN e.status = 'open' THEN 1 ELSE 0 END),
			SUM(CASE WHEN e.status = 'open' AND e.due_on < ? THEN 1 ELSE 0 END),
			SUM(CASE WHEN e.status = 'done' THEN 1 ELSE 0 END),
			SUM(CASE WHEN e.period = ? THEN 1 ELSE 0 END)
		FROM escalations e JOIN projects p ON p.id = e.project_id WHERE ` + ec + ` GROUP BY e.action`
		args = append(append(args, dateArg(today), monthKey(today)), ea...)
	}
	by := map[ding.LadderAction]EscalationCounts{}
	if err := scanRows(ctx, r, q, args, func(rows *sql.Rows) error {
		var act ding.LadderAction
		var open, overdue, done, month int
		if err := rows.Scan(&act, &open, &overdue, &done, &month); err != nil {
			return err
		}
		c := by[act]
		c.Open += open
		c.Overdue += overdue
		c.Done += done
		c.ThisMonth += month
		by[act] = c
		return nil
	}); err != nil {
		return nil, err
	}
	out := make([]EscalationCounts, 0, len(ding.LadderActions))
	for _, act := range ding.LadderActions {
		c := by[act]
		c.Action = act
		out = append(out, c)
	}
	return out, nil
}

// escalationTx loads an escalation in scope inside tx for a change, checking its version
// (0: any) and that it is still open.
func escalationTx(tx *Tx, id int64, version int) (*ding.Escalation, ding.Date, error) {
	c, err := loadWarnConfig(tx, ding.Date{})
	if err != nil {
		return nil, ding.Date{}, err
	}
	es, _, err := findEscalations(tx.ctx, tx.reader, tx.actor, EscalationFilter{ID: id, Limit: 1}, c.today)
	if err != nil {
		return nil, ding.Date{}, err
	}
	if len(es) == 0 {
		return nil, ding.Date{}, notFound("escalation")
	}
	e := es[0]
	if e.Status != ding.EscalationOpen {
		return nil, ding.Date{}, ding.Errorf(ding.ECONFLICT, "escalation.not_open")
	}
	if version != 0 && version != e.Version {
		return nil, ding.Date{}, ding.Errorf(ding.ECONFLICT, "escalation.stale")
	}
	return e, c.today, nil
}

func isOffice(a *ding.Actor) bool {
	return a.System || a.Role == ding.RoleAdmin || a.Role == ding.RoleOffice
}

// ReplyLetter records the written reply to a letter: by its recipient unit (a liaison
// whose scope holds it) or the office entering a reply received on paper. repliedOn is
// the day the reply came (zero: the warning date); not in the future nor before the letter.
func (db *DB) ReplyLetter(ctx context.Context, id int64, reply string, repliedOn ding.Date, version int) (*ding.Escalation, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.rollback()
	e, today, err := escalationTx(tx, id, version)
	if err != nil {
		return nil, err
	}
	if !e.Action.IsLetter() {
		return nil, ding.Errorf(ding.EINVALID, "escalation.not_letter")
	}
	if a := tx.actor; !isOffice(a) {
		if a.Role != ding.RoleLiaison {
			return nil, ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
		}
		if _, err := findUnitByID(tx.ctx, tx.reader, a, e.UnitID); err != nil {
			if ding.ErrorCode(err) == ding.ENOTFOUND {
				return nil, ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
			}
			return nil, err
		}
	}
	reply = strings.TrimSpace(reply)
	if repliedOn.IsZero() {
		repliedOn = today
	}
	switch {
	case reply == "":
		return nil, ding.FieldError("reply", "escalation.reply_required")
	case utf8.RuneCountInString(reply) > 4000:
		return nil, ding.FieldError("reply", "field.too_long", 4000)
	case repliedOn.After(today):
		return nil, ding.FieldError("replied_on", "escalation.replied_future")
	case repliedOn.Before(e.IssuedOn):
		return nil, ding.FieldError("replied_on", "escalation.replied_before_issue")
	}
	before := *e
	e.Reply, e.RepliedOn, e.RepliedBy, e.Status, e.Version = reply, repliedOn, tx.actor.Username, ding.EscalationDone, e.Version+1
	if _, err := tx.exec(`UPDATE escalations SET reply = ?, replied_on = ?, replied_by = ?, status = ?, version = version + 1 WHERE id = ?`,
		e.Reply, dateArg(e.RepliedOn), e.RepliedBy, e.Status, e.ID); err != nil {
		return nil, err
	}
	e.Overdue = false
	if err := tx.audit("escalation", e.ID, "reply", &before, e); err != nil {
		return nil, err
	}
	return e, tx.commit()
}

// RecordInterview enters the record of an interview: by the office or a leader (the one
// it is assigned to, or any leader whose scope holds the project).
func (db *DB) RecordInterview(ctx context.Context, id int64, iv ding.Interview, version int) (*ding.Escalation, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.rollback()
	e, today, err := escalationTx(tx, id, version)
	if err != nil {
		return nil, err
	}
	if e.Action != ding.ActionInterview {
		return nil, ding.Errorf(ding.EINVALID, "escalation.not_interview")
	}
	if a := tx.actor; !isOffice(a) && a.Role != ding.RoleLeader {
		return nil, ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	if err := iv.Validate(today); err != nil {
		return nil, err
	}
	if iv.HeldOn.Before(e.IssuedOn) {
		return nil, ding.FieldError("held_on", "interview.held_before_issue")
	}
	raw, err := jsonArg(iv)
	if err != nil {
		return nil, ding.Internal(err, "interview")
	}
	before := *e
	e.Interview, e.Status, e.Version, e.Overdue = &iv, ding.EscalationDone, e.Version+1, false
	if _, err := tx.exec(`UPDATE escalations SET interview = ?, status = ?, version = version + 1 WHERE id = ?`, raw, e.Status, e.ID); err != nil {
		return nil, err
	}
	if err := tx.audit("escalation", e.ID, "interview", &before, e); err != nil {
		return nil, err
	}
	return e, tx.commit()
}

// WithdrawEscalation withdraws an open letter or interview with a reason (the office).
func (db *DB) WithdrawEscalation(ctx context.Context, id int64, reason string, version int) (*ding.Escalation, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.rollback()
	if !isOffice(tx.actor) {
		// Outside the office the record is either invisible (404) or not theirs to withdraw.
		if _, _, err := escalationTx(tx, id, 0); err != nil && ding.ErrorCode(err) == ding.ENOTFOUND {
			return nil, err
		}
		return nil, ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	e, _, err := escalationTx(tx, id, version)
	if err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return nil, ding.FieldError("note", "escalation.withdraw_reason_required")
	case utf8.RuneCountInString(reason) > 1000:
		return nil, ding.FieldError("note", "field.too_long", 1000)
	}
	before := *e
	e.Note = strings.TrimSpace(strings.TrimSpace(e.Note) + "\n" + i18n.T("zh", "escalation.withdrawn_note", tx.actor.Username, reason))
	e.Status, e.Version, e.Overdue = ding.EscalationWithdrawn, e.Version+1, false
	if _, err := tx.exec(`UPDATE escalations SET status = ?, note = ?, version = version + 1 WHERE id = ?`, e.Status, e.Note, e.ID); err != nil {
		return nil, err
	}
	if err := tx.audit("escalation", e.ID, "withdraw", &before, e); err != nil {
		return nil, err
	}
	return e, tx.commit()
}

// IssueEscalation issues a letter or an interview for a project by hand (the office): the
// figures are the project's warnings now; without any, note must say why. dueDays 1–90.
func (db *DB) IssueEscalation(ctx context.Context, projectID int64, action ding.LadderAction, dueDays int, note string) (*ding.Escalation, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.rollback()
	p, err := findProjectByID(tx.ctx, tx.reader, tx.actor, projectID, tx.db.year(tx.ctx, 0))
	if err != nil {
		return nil, err
	}
	if !isOffice(tx.actor) {
		return nil, ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	note = strings.TrimSpace(note)
	switch {
	case !action.HasDue():
		return nil, ding.FieldError("action", "escalation.manual_action_invalid")
	case dueDays < 1 || dueDays > 90:
		return nil, ding.FieldError("due_days", "escalation.due_days_range")
	case utf8.RuneCountInString(note) > 1000:
		return nil, ding.FieldError("note", "field.too_long", 1000)
	}
	c, err := loadWarnConfig(tx, ding.Date{})
	if err != nil {
		return nil, err
	}
	var colour ding.Colour
	err = tx.queryRow(tx.ctx, `SELECT colour FROM project_colours WHERE project_id = ?`, p.ID).Scan(&colour)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, tx.db.mapErr(err)
	}
	if colour == "" && note == "" {
		return nil, ding.FieldError("note", "escalation.manual_note_required")
	}
	var n int
	if err := tx.queryRow(tx.ctx, `SELECT COUNT(*) FROM escalations WHERE project_id = ? AND action = ? AND status = 'open'`, p.ID, string(action)).Scan(&n); err != nil {
		return nil, tx.db.mapErr(err)
	}
	if n > 0 {
		return nil, ding.Errorf(ding.ECONFLICT, "escalation.already_open")
	}
	step := ding.LadderStep{Colour: colour, Action: action, DueDays: dueDays}
	if err := takeSteps(tx, c, []firing{{pid: p.ID, step: step, episode: c.today}}, true, note); err != nil {
		return nil, err
	}
	var id int64
	if err := tx.queryRow(tx.ctx, `SELECT MAX(id) FROM escalations WHERE project_id = ?`, p.ID).Scan(&id); err != nil {
		return nil, tx.db.mapErr(err)
	}
	es, _, err := findEscalations(tx.ctx, tx.reader, tx.actor, EscalationFilter{ID: id, Limit: 1}, c.today)
	if err != nil || len(es) == 0 {
		return nil, ding.Internal(err, "escalation issued")
	}
	if err := tx.audit("escalation", id, "issue", nil, es[0]); err != nil {
		return nil, err
	}
	return es[0], tx.commit()
}

// BulletinListings returns the projects the ladder listed for a month's bulletin (通报) in
// the caller's scope, most severe first.
func (db *DB) BulletinListings(ctx context.Context, period string) ([]*ding.Escalation, error) {
	es, _, err := db.FindEscalations(ctx, EscalationFilter{Action: ding.ActionBulletin, Period: period, Sort: "unit"})
	if err != nil {
		return nil, err
	}
	cs, err := db.Colours(ctx)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(es, func(i, j int) bool { return cs.Rank(es[i].Colour) > cs.Rank(es[j].Colour) })
	return es, nil
}

// queryIDs reads a column of ids in tx.
func queryIDs(tx *Tx, q string, args ...any) ([]int64, error) {
	rows, err := tx.query(tx.ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, tx.db.mapErr(err)
		}
		ids = append(ids, id)
	}
	return ids, tx.db.mapErr(rows.Err())
}

package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"ding"
	"ding/i18n"
)

// 擂台赛 rounds (ding/contest.go). A round is visible like a scheme: to users whose scope
// holds its organizer and to the users of units under it. The organizer's office defines
// it and moves it open → judging → closed; units under the organizer submit entries while
// it is open and before its deadline; the round's judges score entries while it is
// judging; the office moves a winner into the registry as a project in stage 谋划.

// ContestFilter selects rounds.
type ContestFilter struct {
	ID     int64
	Status string
}

// FindContests lists the rounds the caller may see, newest first.
func (db *DB) FindContests(ctx context.Context, f ContestFilter) ([]*ding.Contest, error) {
	a := ding.ActorFrom(ctx)
	if a == nil {
		return nil, ding.Errorf(ding.EUNAUTHORIZED, "err.unauthorized")
	}
	return findContests(ctx, db.reader(), a, f)
}

func findContests(ctx context.Context, r reader, a *ding.Actor, f ContestFilter) ([]*ding.Contest, error) {
	var w where
	cond, args := schemeVisible(a, "c.organizer_id")
	if a != nil && !a.System && a.UserID != 0 {
		// Judges see the rounds they judge wherever they sit.
		cond = "(" + cond + " OR c.id IN (SELECT contest_id FROM contest_judges WHERE user_id = ?))"
		args = append(args, a.UserID)
	}
	w.add(cond, args...)
	if f.ID != 0 {
		w.add("c.id = ?", f.ID)
	}
	if f.Status != "" {
		w.add("c.status = ?", f.Status)
	}
	rows, err := r.query(ctx, `SELECT c.id, c.name, c.organizer_id, u.name, c.deadline, c.status, c.winners, c.criteria, c.note, c.version, c.created_at,
		(SELECT COUNT(*) FROM contest_entries e WHERE e.contest_id = c.id)
		FROM contests c JOIN units u ON u.id = c.organizer_id`+w.String()+` ORDER BY c.deadline DESC, c.id DESC`, w.args...)
	if err != nil {
		return nil, err
	}
	var out []*ding.Contest
	for rows.Next() {
		c := &ding.Contest{}
		var crit string
		if err := rows.Scan(&c.ID, &c.Name, &c.OrganizerID, &c.OrganizerName, dateScan{&c.Deadline}, &c.Status, &c.Winners, &crit, &c.Note,
			&c.Version, timeScan{&c.CreatedAt}, &c.Entries); err != nil {
			rows.Close()
			return nil, r.db.mapErr(err)
		}
		if err := json.Unmarshal([]byte(crit), &c.Criteria); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, r.db.mapErr(err)
	}
	for _, c := range out {
		jr, err := r.query(ctx, `SELECT j.user_id, u.display_name FROM contest_judges j JOIN users u ON u.id = j.user_id WHERE j.contest_id = ? ORDER BY j.user_id`, c.ID)
		if err != nil {
			return nil, err
		}
		for jr.Next() {
			var id int64
			var name string
			if err := jr.Scan(&id, &name); err != nil {
				jr.Close()
				return nil, r.db.mapErr(err)
			}
			c.JudgeIDs, c.JudgeNames = append(c.JudgeIDs, id), append(c.JudgeNames, name)
		}
		jr.Close()
		if err := jr.Err(); err != nil {
			return nil, r.db.mapErr(err)
		}
	}
	return out, nil
}

// FindContest returns one round the caller may see.
func (db *DB) FindContest(ctx context.Context, id int64) (*ding.Contest, error) {
	cs, err := db.FindContests(ctx, ContestFilter{ID: id})
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, notFound("contest")
	}
	return cs[0], nil
}

func contestTx(tx *Tx, id int64) (*ding.Contest, error) {
	cs, err := findContests(tx.ctx, tx.reader, tx.actor, ContestFilter{ID: id})
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, notFound("contest")
	}
	return cs[0], nil
}

// checkContest validates a round against the database: the organizer in the office's
// scope, judges that are active users.
func checkContest(tx *Tx, c *ding.Contest) error {
	if err := c.Validate(); err != nil {
		return err
	}
	ok, err := canRunScheme(tx, c.OrganizerID)
	if err != nil {
		return err
	}
	if !ok {
		return ding.FieldError("organizer_id", "scheme.organizer_out_of_scope")
	}
	c.JudgeNames = nil
	for _, j := range c.JudgeIDs {
		u, err := findUserByID(tx.ctx, tx.reader, ding.SystemActor("contest"), j)
		if err != nil || u.Disabled {
			return ding.FieldError("judge_ids", "contest.judge_unknown", j)
		}
		c.JudgeNames = append(c.JudgeNames, u.DisplayName)
	}
	return nil
}

// CreateContest opens a round.
func (db *DB) CreateContest(ctx context.Context, c *ding.Contest) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	if !isOffice(tx.actor) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	if err := checkContest(tx, c); err != nil {
		return err
	}
	crit, err := jsonArg(c.Criteria)
	if err != nil {
		return err
	}
	c.Status = ding.ContestOpen
	id, err := tx.insert(`INSERT INTO contests (name, organizer_id, deadline, status, winners, criteria, note, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.Name, c.OrganizerID, dateArg(c.Deadline), c.Status, c.Winners, crit, c.Note, ts(tx.now), ts(tx.now))
	if err != nil {
		return err
	}
	c.ID, c.Version, c.CreatedAt = id, 1, tx.now
	for _, j := range c.JudgeIDs {
		if _, err := tx.exec(`INSERT INTO contest_judges (contest_id, user_id) VALUES (?, ?)`, id, j); err != nil {
			return err
		}
	}
	if err := tx.audit("contest", id, "create", nil, c); err != nil {
		return err
	}
	return tx.commit()
}

// UpdateContest saves a round's definition. Criteria cannot change once a judge has
// scored (the marks would no longer fit them).
func (db *DB) UpdateContest(ctx context.Context, c *ding.Contest) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	old, err := contestTx(tx, c.ID)
	if err != nil {
		return err
	}
	if err := mustRunScheme(tx, old.OrganizerID); err != nil {
		return err
	}
	if c.Version != old.Version {
		return ding.Errorf(ding.ECONFLICT, "contest.stale")
	}
	if old.Status == ding.ContestClosed {
		return ding.Errorf(ding.ECONFLICT, "contest.closed")
	}
	if err := checkContest(tx, c); err != nil {
		return err
	}
	oldCrit, _ := json.Marshal(old.Criteria)
	newCrit, _ := json.Marshal(c.Criteria)
	if string(oldCrit) != string(newCrit) {
		var n int
		if err := tx.queryRow(tx.ctx, `SELECT COUNT(*) FROM contest_scores s JOIN contest_entries e ON e.id = s.entry_id WHERE e.contest_id = ?`, c.ID).Scan(&n); err != nil {
			return tx.db.mapErr(err)
		}
		if n > 0 {
			return ding.FieldError("criteria", "contest.criteria_scored")
		}
	}
	crit, err := jsonArg(c.Criteria)
	if err != nil {
		return err
	}
	c.Status = old.Status
	if _, err := tx.exec(`UPDATE contests SET name = ?, organizer_id = ?, deadline = ?, winners = ?, criteria = ?, note = ?, version = version + 1,
		updated_at = ? WHERE id = ?`, c.Name, c.OrganizerID, dateArg(c.Deadline), c.Winners, crit, c.Note, ts(tx.now), c.ID); err != nil {
		return err
	}
	if _, err := tx.exec(`DELETE FROM contest_judges WHERE contest_id = ?`, c.ID); err != nil {
		return err
	}
	for _, j := range c.JudgeIDs {
		if _, err := tx.exec(`INSERT INTO contest_judges (contest_id, user_id) VALUES (?, ?)`, c.ID, j); err != nil {
			return err
		}
	}
	c.Version, c.CreatedAt = old.Version+1, old.CreatedAt
	if err := tx.audit("contest", c.ID, "update", old, c); err != nil {
		return err
	}
	return tx.commit()
}

// SetContestStatus moves a round on: open → judging → closed (judging may go back to open
// to take late entries; a closed round stays closed).
func (db *DB) SetContestStatus(ctx context.Context, id int64, status string, version int) (*ding.Contest, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.rollback()
	c, err := contestTx(tx, id)
	if err != nil {
		return nil, err
	}
	if err := mustRunScheme(tx, c.OrganizerID); err != nil {
		return nil, err
	}
	if version != 0 && version != c.Version {
		return nil, ding.Errorf(ding.ECONFLICT, "contest.stale")
	}
	allowed := map[string][]string{
		ding.ContestOpen:    {ding.ContestJudging},
		ding.ContestJudging: {ding.ContestOpen, ding.ContestClosed},
	}
	ok := false
	for _, s := range allowed[c.Status] {
		ok = ok || s == status
	}
	if !ok {
		return nil, ding.Errorf(ding.ECONFLICT, "contest.bad_status", i18n.Key("contest.status."+c.Status), i18n.Key("contest.status."+status))
	}
	if status == ding.ContestClosed {
		var unjudged int
		if err := tx.queryRow(tx.ctx, `SELECT COUNT(*) FROM contest_entries e WHERE e.contest_id = ?
			AND NOT EXISTS (SELECT 1 FROM contest_scores s WHERE s.entry_id = e.id)`, id).Scan(&unjudged); err != nil {
			return nil, tx.db.mapErr(err)
		}
		if unjudged > 0 {
			return nil, ding.Errorf(ding.ECONFLICT, "contest.unjudged", unjudged)
		}
	}
	before := *c
	c.Status, c.Version = status, c.Version+1
	if _, err := tx.exec(`UPDATE contests SET status = ?, version = version + 1, updated_at = ? WHERE id = ?`, status, ts(tx.now), id); err != nil {
		return nil, err
	}
	if err := tx.audit("contest", id, "status", &before, c); err != nil {
		return nil, err
	}
	return c, tx.commit()
}

// SubmitEntry submits a planned project into an open round before its deadline: a
// liaison for its own unit, or the office for a unit in its scope; the unit must sit
// under the organizer.
func (db *DB) SubmitEntry(ctx context.Context, e *ding.ContestEntry) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	c, err := contestTx(tx, e.ContestID)
	if err != nil {
		return err
	}
	if tx.actor.Role != ding.RoleLiaison && !isOffice(tx.actor) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	if err := e.Validate(); err != nil {
		return err
	}
	today, err := itemDay(tx)
	if err != nil {
		return err
	}
	if c.Status != ding.ContestOpen || today.After(c.Deadline) {
		return ding.Errorf(ding.ECONFLICT, "contest.not_open", c.Deadline.String())
	}
	if ok, err := unitCovers(tx, e.UnitID); err != nil {
		return err
	} else if !ok {
		return ding.FieldError("unit_id", "target.unit_out_of_scope")
	}
	var under int
	if err := tx.queryRow(tx.ctx, `SELECT COUNT(*) FROM unit_closure WHERE ancestor_id = ? AND descendant_id = ?`, c.OrganizerID, e.UnitID).Scan(&under); err != nil {
		return tx.db.mapErr(err)
	}
	if under == 0 {
		return ding.FieldError("unit_id", "contest.unit_not_under")
	}
	u, err := findUnitByID(tx.ctx, tx.reader, tx.actor, e.UnitID)
	if err != nil {
		return err
	}
	e.UnitName, e.SubmittedBy, e.CreatedAt, e.Version = u.Name, tx.actor.Username, tx.now, 1
	id, err := tx.insert(`INSERT INTO contest_entries (contest_id, unit_id, name, investment, industry, chain, content, maturity, submitted_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.ContestID, e.UnitID, e.Name, e.Investment, e.Industry, e.Chain, e.Content, e.Maturity, e.SubmittedBy,
		ts(tx.now), ts(tx.now))
	if err != nil {
		return err
	}
	e.ID = id
	if err := tx.audit("contest_entry", id, "create", nil, e); err != nil {
		return err
	}
	return tx.commit()
}

// FindEntries lists a round's entries ranked by their judges' average total (ties share
// a place; unscored entries last), with the winners marked.
func (db *DB) FindEntries(ctx context.Context, contestID int64) ([]*ding.ContestEntry, error) {
	c, err := db.FindContest(ctx, contestID)
	if err != nil {
		return nil, err
	}
	return findEntries(ctx, db.reader(), c)
}

func findEntries(ctx context.Context, r reader, c *ding.Contest) ([]*ding.ContestEntry, error) {
	rows, err := r.query(ctx, `SELECT e.id, e.contest_id, e.unit_id, u.name, e.name, e.investment, e.industry, e.chain, e.content, e.maturity,
		e.submitted_by, e.created_at, COALESCE(e.project_id, 0), e.version FROM contest_entries e JOIN units u ON u.id = e.unit_id
		WHERE e.contest_id = ? ORDER BY e.id`, c.ID)
	if err != nil {
		return nil, err
	}
	var out []*ding.ContestEntry
	byID := map[int64]*ding.ContestEntry{}
	for rows.Next() {
		e := &ding.ContestEntry{}
		if err := rows.Scan(&e.ID, &e.ContestID, &e.UnitID, &e.UnitName, &e.Name, &e.Investment, &e.Industry, &e.Chain, &e.Content, &e.Maturity,
			&e.SubmittedBy, timeScan{&e.CreatedAt}, &e.ProjectID, &e.Version); err != nil {
			rows.Close()
			return nil, r.db.mapErr(err)
		}
		out = append(out, e)
		byID[e.ID] = e
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, r.db.mapErr(err)
	}
	scores, err := judgeScores(ctx, r, c.ID, 0)
	if err != nil {
		return nil, err
	}
	sums := map[int64]int64{}
	for _, s := range scores {
		if e := byID[s.EntryID]; e != nil {
			e.Judged++
			sums[e.ID] += s.Total()
		}
	}
	for _, e := range out {
		if e.Judged > 0 {
			e.Score = (sums[e.ID]*2 + int64(e.Judged)) / (2 * int64(e.Judged)) // rounded half up
		}
	}
	for _, e := range out {
		if e.Judged == 0 {
			continue
		}
		e.Rank = 1
		for _, o := range out {
			if o.Judged > 0 && o.Score > e.Score {
				e.Rank++
			}
		}
		e.Winner = e.Rank <= c.Winners
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if (a.Rank == 0) != (b.Rank == 0) {
			return b.Rank == 0
		}
		return a.Rank < b.Rank
	})
	return out, nil
}

// judgeScores reads the marks of a round (or of one entry).
func judgeScores(ctx context.Context, r reader, contestID, entryID int64) ([]*ding.JudgeScore, error) {
	q := `SELECT s.entry_id, s.judge_id, u.display_name, s.marks, s.note, s.at FROM contest_scores s JOIN contest_entries e ON e.id = s.entry_id
		JOIN users u ON u.id = s.judge_id WHERE e.contest_id = ?`
	args := []any{contestID}
	if entryID != 0 {
		q += ` AND s.entry_id = ?`
		args = append(args, entryID)
	}
	rows, err := r.query(ctx, q+` ORDER BY s.entry_id, s.judge_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*ding.JudgeScore
	for rows.Next() {
		s := &ding.JudgeScore{}
		var marks string
		if err := rows.Scan(&s.EntryID, &s.JudgeID, &s.JudgeName, &marks, &s.Note, timeScan{&s.At}); err != nil {
			return nil, r.db.mapErr(err)
		}
		if err := json.Unmarshal([]byte(marks), &s.Marks); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, r.db.mapErr(rows.Err())
}

// EntryScores lists the judges' marks for an entry: the organizer's office and the
// round's judges see them all; others see none.
func (db *DB) EntryScores(ctx context.Context, contestID, entryID int64) ([]*ding.JudgeScore, error) {
	c, err := db.FindContest(ctx, contestID)
	if err != nil {
		return nil, err
	}
	a := ding.ActorFrom(ctx)
	judge := false
	for _, j := range c.JudgeIDs {
		judge = judge || j == a.UserID
	}
	if !judge && !isOffice(a) {
		return nil, nil
	}
	return judgeScores(ctx, db.reader(), contestID, entryID)
}

// ScoreEntry records (or replaces) the caller's marks for an entry: only the round's
// judges, only while it is judging.
func (db *DB) ScoreEntry(ctx context.Context, contestID int64, js *ding.JudgeScore) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	c, err := contestTx(tx, contestID)
	if err != nil {
		return err
	}
	judge := false
	for _, j := range c.JudgeIDs {
		judge = judge || j == tx.actor.UserID
	}
	if !judge {
		return ding.Errorf(ding.EFORBIDDEN, "contest.not_judge")
	}
	if c.Status != ding.ContestJudging {
		return ding.Errorf(ding.ECONFLICT, "contest.not_judging")
	}
	var n int
	if err := tx.queryRow(tx.ctx, `SELECT COUNT(*) FROM contest_entries WHERE id = ? AND contest_id = ?`, js.EntryID, contestID).Scan(&n); err != nil {
		return tx.db.mapErr(err)
	}
	if n == 0 {
		return notFound("entry")
	}
	if err := js.Validate(c); err != nil {
		return err
	}
	marks, err := jsonArg(js.Marks)
	if err != nil {
		return err
	}
	js.JudgeID, js.At = tx.actor.UserID, tx.now
	if _, err := tx.exec(`INSERT INTO contest_scores (entry_id, judge_id, marks, note, at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (entry_id, judge_id) DO UPDATE SET marks = excluded.marks, note = excluded.note, at = excluded.at`,
		js.EntryID, js.JudgeID, marks, js.Note, ts(tx.now)); err != nil {
		return err
	}
	if err := tx.audit("contest_entry", js.EntryID, "score", nil, js); err != nil {
		return err
	}
	return tx.commit()
}

// PromoteEntry moves a winning entry of a closed round into the registry: a project in
// stage 谋划 led by the submitting unit. code is its 项目代码; when empty ding gives it a
// provisional one (YYMM-<the organizer's division>-00-00-9nnnnn) to be replaced when the
// project is registered in the national system.
func (db *DB) PromoteEntry(ctx context.Context, contestID, entryID int64, code string) (*ding.Project, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.rollback()
	c, err := contestTx(tx, contestID)
	if err != nil {
		return nil, err
	}
	if err := mustRunScheme(tx, c.OrganizerID); err != nil {
		return nil, err
	}
	if c.Status != ding.ContestClosed {
		return nil, ding.Errorf(ding.ECONFLICT, "contest.not_closed")
	}
	entries, err := findEntries(tx.ctx, tx.reader, c)
	if err != nil {
		return nil, err
	}
	var e *ding.ContestEntry
	for _, x := range entries {
		if x.ID == entryID {
			e = x
		}
	}
	if e == nil {
		return nil, notFound("entry")
	}
	if !e.Winner {
		return nil, ding.Errorf(ding.ECONFLICT, "contest.not_winner")
	}
	if e.ProjectID != 0 {
		return nil, ding.Errorf(ding.ECONFLICT, "contest.promoted", e.ProjectID)
	}
	code = strings.TrimSpace(code)
	if code == "" {
		var div string
		if err := tx.queryRow(tx.ctx, `SELECT u.code FROM unit_closure c JOIN units u ON u.id = c.ancestor_id
			WHERE c.descendant_id = ? AND u.kind IN ('district', 'city', 'province') ORDER BY c.depth LIMIT 1`, e.UnitID).Scan(&div); err != nil && err != sql.ErrNoRows {
			return nil, tx.db.mapErr(err)
		}
		if !ding.ValidDivisionCode(div) {
			div = "330000"
		}
		today, err := itemDay(tx)
		if err != nil {
			return nil, err
		}
		code = fmt.Sprintf("%02d%02d-%s-00-00-9%05d", today.Year%100, int(today.Month), div, e.ID%100000)
	}
	p := &ding.Project{Code: code, Name: e.Name, UnitID: e.UnitID, Industry: e.Industry, Chain: e.Chain, TotalInvestment: e.Investment,
		Content: e.Content, Investor: "private", Stage: ding.StagePlanning}
	if err := createProject(tx, p); err != nil {
		return nil, err
	}
	if _, err := tx.exec(`UPDATE contest_entries SET project_id = ?, version = version + 1, updated_at = ? WHERE id = ?`, p.ID, ts(tx.now), e.ID); err != nil {
		return nil, err
	}
	if err := tx.audit("contest_entry", e.ID, "promote", e, map[string]any{"project_id": p.ID, "code": p.Code}); err != nil {
		return nil, err
	}
	return p, tx.commit()
}

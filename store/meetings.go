package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"ding"
	"ding/i18n"
)

// Meetings (ding/meeting.go): scheduled by the office with an agenda built from the data,
// commented on by the units, decided item by item; decisions create action items. A
// meeting belongs where its chair sits: the office and leaders see the meetings chaired in
// their unit's subtree; a unit sees the meetings it takes part in or has an agenda item in.

func meetingScope(a *ding.Actor) (string, []any) {
	if a == nil {
		return "1=0", nil
	}
	if a.System || a.Scope == ding.ScopeAll {
		return "1=1", nil
	}
	switch a.Scope {
	case ding.ScopeUnitTree:
		// A meeting belongs where its chair sits: the office and leaders of a district see
		// its meetings, not another district's.
		return `(m.chair_id = ? OR EXISTS (SELECT 1 FROM users cu JOIN unit_closure c ON c.descendant_id = cu.unit_id WHERE cu.id = m.chair_id AND c.ancestor_id = ?)
			OR EXISTS (SELECT 1 FROM meeting_units mu JOIN unit_closure c ON c.descendant_id = mu.unit_id WHERE mu.meeting_id = m.id AND c.ancestor_id = ?)
			OR EXISTS (SELECT 1 FROM agenda_items ai JOIN unit_closure c ON c.descendant_id = ai.unit_id WHERE ai.meeting_id = m.id AND c.ancestor_id = ?))`,
			[]any{a.UserID, a.UnitID, a.UnitID, a.UnitID}
	case ding.ScopeUnit:
		return `(EXISTS (SELECT 1 FROM meeting_units mu WHERE mu.meeting_id = m.id AND mu.unit_id = ?)
			OR EXISTS (SELECT 1 FROM agenda_items ai WHERE ai.meeting_id = m.id AND ai.unit_id = ?))`, []any{a.UnitID, a.UnitID}
	}
	return `m.chair_id = ?`, []any{a.UserID}
}

// MeetingFilter selects meetings.
type MeetingFilter struct {
	ID      int64
	Kind    ding.MeetingKind
	Status  string
	From    time.Time // starts at or after
	To      time.Time // starts before
	ChairID int64
	Q       string
	Desc    bool // newest first
	Limit   int
	Offset  int
}

const meetingCols = `m.id, m.kind, m.title, m.starts_at, m.place, m.chair_id, COALESCE(NULLIF(c.display_name, ''), c.username), m.attendees,
	m.comment_due, m.status, m.summary, m.created_by, m.created_at, m.updated_at, m.version`

// FindMeetings returns the meetings in the caller's scope, by start time, and how many match.
func (db *DB) FindMeetings(ctx context.Context, f MeetingFilter) ([]*ding.Meeting, int, error) {
	return findMeetings(ctx, db.reader(), ding.ActorFrom(ctx), f)
}

func findMeetings(ctx context.Context, r reader, a *ding.Actor, f MeetingFilter) ([]*ding.Meeting, int, error) {
	if a == nil {
		return nil, 0, ding.Errorf(ding.EUNAUTHORIZED, "err.unauthorized")
	}
	var w where
	cond, args := meetingScope(a)
	w.add(cond, args...)
	if f.ID != 0 {
		w.add("m.id = ?", f.ID)
	}
	if f.Kind != "" {
		w.add("m.kind = ?", string(f.Kind))
	}
	if f.Status != "" {
		w.add("m.status = ?", f.Status)
	}
	if !f.From.IsZero() {
		w.add("m.starts_at >= ?", ts(f.From))
	}
	if !f.To.IsZero() {
		w.add("m.starts_at < ?", ts(f.To))
	}
	if f.ChairID != 0 {
		w.add("m.chair_id = ?", f.ChairID)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		w.add(`LOWER(m.title) LIKE ? ESCAPE '\'`, likeEscape(q))
	}
	from := ` FROM meetings m JOIN users c ON c.id = m.chair_id`
	var total int
	if err := r.queryRow(ctx, `SELECT COUNT(*)`+from+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, r.db.mapErr(err)
	}
	dir := " ASC"
	if f.Desc {
		dir = " DESC"
	}
	rows, err := r.query(ctx, `SELECT `+meetingCols+from+w.String()+` ORDER BY m.starts_at`+dir+`, m.id`+dir+page(f.Limit, f.Offset), w.args...)
	if err != nil {
		return nil, 0, err
	}
	var out []*ding.Meeting
	byID := map[int64]*ding.Meeting{}
	for rows.Next() {
		m := &ding.Meeting{}
		if err := rows.Scan(&m.ID, &m.Kind, &m.Title, timeScan{&m.StartsAt}, &m.Place, &m.ChairID, &m.ChairName, &m.Attendees,
			dateScan{&m.CommentDue}, &m.Status, &m.Summary, &m.CreatedBy, timeScan{&m.CreatedAt}, timeScan{&m.UpdatedAt}, &m.Version); err != nil {
			rows.Close()
			return nil, 0, r.db.mapErr(err)
		}
		m.UnitIDs, m.UnitNames = []int64{}, []string{}
		out = append(out, m)
		byID[m.ID] = m
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, total, r.db.mapErr(err)
	}
	ids := make([]int64, len(out))
	for i, m := range out {
		ids[i] = m.ID
	}
	rows, err = r.query(ctx, `SELECT mu.meeting_id, mu.unit_id, u.name FROM meeting_units mu JOIN units u ON u.id = mu.unit_id
		WHERE mu.meeting_id IN (`+idList(ids)+`) ORDER BY mu.meeting_id, mu.position`)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var mid, uid int64
		var name string
		if err := rows.Scan(&mid, &uid, &name); err != nil {
			return nil, 0, r.db.mapErr(err)
		}
		if m := byID[mid]; m != nil {
			m.UnitIDs, m.UnitNames = append(m.UnitIDs, uid), append(m.UnitNames, name)
		}
	}
	return out, total, r.db.mapErr(rows.Err())
}

// FindMeeting returns one meeting in scope (ENOTFOUND otherwise).
func (db *DB) FindMeeting(ctx context.Context, id int64) (*ding.Meeting, error) {
	ms, _, err := db.FindMeetings(ctx, MeetingFilter{ID: id, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return nil, notFound("meeting")
	}
	return ms[0], nil
}

// checkMeeting validates a meeting and its chair (a leader) and units (in scope).
func checkMeeting(tx *Tx, m *ding.Meeting) error {
	if err := m.Validate(); err != nil {
		return err
	}
	var role ding.Role
	err := tx.queryRow(tx.ctx, `SELECT role, COALESCE(NULLIF(display_name, ''), username) FROM users WHERE id = ? AND disabled = FALSE`, m.ChairID).
		Scan(&role, &m.ChairName)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && role != ding.RoleLeader) {
		return ding.FieldError("chair_id", "meeting.chair_not_leader")
	}
	if err != nil {
		return tx.db.mapErr(err)
	}
	m.UnitNames = make([]string, len(m.UnitIDs))
	for i, id := range m.UnitIDs {
		u, err := findUnitByID(tx.ctx, tx.reader, tx.actor, id)
		if err != nil {
			if ding.ErrorCode(err) == ding.ENOTFOUND {
				return ding.FieldError("unit_ids", "item.unit_unknown")
			}
			return err
		}
		m.UnitNames[i] = u.Name
	}
	return nil
}

func writeMeetingUnits(tx *Tx, m *ding.Meeting) error {
	if _, err := tx.exec(`DELETE FROM meeting_units WHERE meeting_id = ?`, m.ID); err != nil {
		return err
	}
	for i, u := range m.UnitIDs {
		if _, err := tx.exec(`INSERT INTO meeting_units (meeting_id, unit_id, position) VALUES (?, ?, ?)`, m.ID, u, i); err != nil {
			return err
		}
	}
	return nil
}

// CreateMeeting schedules a meeting (the office) and builds its agenda from the data
// (BuildAgenda); audited.
func (db *DB) CreateMeeting(ctx context.Context, m *ding.Meeting) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	if !isOffice(tx.actor) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	if err := checkMeeting(tx, m); err != nil {
		return err
	}
	m.Status, m.CreatedBy, m.CreatedAt, m.UpdatedAt, m.Version = ding.MeetingPlanned, tx.actor.Username, tx.now, tx.now, 1
	id, err := tx.insert(`INSERT INTO meetings (kind, title, starts_at, place, chair_id, attendees, comment_due, status, summary, created_by,
		created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, string(m.Kind), m.Title, ts(m.StartsAt), m.Place, m.ChairID,
		m.Attendees, dateArg(m.CommentDue), m.Status, m.Summary, m.CreatedBy, ts(tx.now), ts(tx.now))
	if err != nil {
		return err
	}
	m.ID = id
	if err := writeMeetingUnits(tx, m); err != nil {
		return err
	}
	if _, err := buildAgenda(tx, m); err != nil {
		return err
	}
	if err := tx.audit("meeting", id, "create", nil, m); err != nil {
		return err
	}
	if err := meetingNotify(tx, m); err != nil {
		return err
	}
	return tx.commit()
}

// UpdateMeeting changes a meeting's facts (the office), checking its version.
func (db *DB) UpdateMeeting(ctx context.Context, m *ding.Meeting) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	before, err := meetingTx(tx, m.ID, m.Version, false)
	if err != nil {
		return err
	}
	if err := checkMeeting(tx, m); err != nil {
		return err
	}
	m.Status, m.CreatedBy, m.CreatedAt, m.UpdatedAt, m.Version = before.Status, before.CreatedBy, before.CreatedAt, tx.now, before.Version+1
	if _, err := tx.exec(`UPDATE meetings SET kind = ?, title = ?, starts_at = ?, place = ?, chair_id = ?, attendees = ?, comment_due = ?,
		summary = ?, updated_at = ?, version = version + 1 WHERE id = ?`, string(m.Kind), m.Title, ts(m.StartsAt), m.Place, m.ChairID,
		m.Attendees, dateArg(m.CommentDue), m.Summary, ts(tx.now), m.ID); err != nil {
		return err
	}
	if err := writeMeetingUnits(tx, m); err != nil {
		return err
	}
	if err := tx.audit("meeting", m.ID, "update", before, m); err != nil {
		return err
	}
	return tx.commit()
}

// meetingTx loads a meeting for the office to change: version 0 skips the check; planned
// requires the meeting not to have been held.
func meetingTx(tx *Tx, id int64, version int, planned bool) (*ding.Meeting, error) {
	ms, _, err := findMeetings(tx.ctx, tx.reader, tx.actor, MeetingFilter{ID: id, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return nil, notFound("meeting")
	}
	if !isOffice(tx.actor) {
		return nil, ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	m := ms[0]
	if version != 0 && version != m.Version {
		return nil, ding.Errorf(ding.ECONFLICT, "meeting.stale")
	}
	if planned && m.Status != ding.MeetingPlanned {
		return nil, ding.Errorf(ding.ECONFLICT, "meeting.already_held")
	}
	return m, nil
}

// HoldMeeting marks a meeting held with the minutes' opening paragraph (the office).
func (db *DB) HoldMeeting(ctx context.Context, id int64, summary string, version int) (*ding.Meeting, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.rollback()
	m, err := meetingTx(tx, id, version, true)
	if err != nil {
		return nil, err
	}
	summary = strings.TrimSpace(summary)
	if utf8.RuneCountInString(summary) > 4000 {
		return nil, ding.FieldError("summary", "field.too_long", 4000)
	}
	before := *m
	m.Status, m.Summary, m.UpdatedAt, m.Version = ding.MeetingHeld, summary, tx.now, m.Version+1
	if _, err := tx.exec(`UPDATE meetings SET status = ?, summary = ?, updated_at = ?, version = version + 1 WHERE id = ?`,
		m.Status, m.Summary, ts(tx.now), id); err != nil {
		return nil, err
	}
	if err := tx.audit("meeting", id, "hold", &before, m); err != nil {
		return nil, err
	}
	return m, tx.commit()
}

// meetingNotify tells the units taking part that a meeting is scheduled and by when they
// comment on their items.
func meetingNotify(tx *Tx, m *ding.Meeting) error {
	units := append([]int64(nil), m.UnitIDs...)
	rows, err := tx.query(tx.ctx, `SELECT DISTINCT unit_id FROM agenda_items WHERE meeting_id = ? AND unit_id IS NOT NULL`, m.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var u int64
		if err := rows.Scan(&u); err != nil {
			rows.Close()
			return tx.db.mapErr(err)
		}
		units = append(units, u)
	}
	rows.Close()
	units = uniqueIDs(units)
	if len(units) == 0 {
		return nil
	}
	body := fmt.Sprintf("%s\n时间：%s\n地点：%s\n主持：%s\n", m.Title, m.StartsAt.In(ding.Shanghai).Format("2006-01-02 15:04"), m.Place, m.ChairName)
	if !m.CommentDue.IsZero() {
		body += fmt.Sprintf("请于 %s 前对本单位的议题提出意见。\n", m.CommentDue)
	}
	return enqueue(tx, Message{Event: "meeting.scheduled", Subject: i18n.T("zh", "notify.event.meeting.scheduled") + "：" + m.Title,
		Body: body, Link: fmt.Sprintf("/meetings/%d", m.ID), UnitIDs: units})
}

// Agenda returns a meeting's agenda in order (ENOTFOUND outside scope).
func (db *DB) Agenda(ctx context.Context, meetingID int64) ([]*ding.AgendaItem, error) {
	if _, err := db.FindMeeting(ctx, meetingID); err != nil {
		return nil, err
	}
	return agenda(ctx, db.reader(), meetingID, 0)
}

func agenda(ctx context.Context, r reader, meetingID, id int64) ([]*ding.AgendaItem, error) {
	q := `SELECT a.id, a.meeting_id, a.position, a.source, COALESCE(a.item_id, 0), COALESCE(a.project_id, 0), COALESCE(p.name, ''),
		COALESCE(a.unit_id, 0), COALESCE(u.name, ''), a.title, a.figures, a.dropped, a.comment, a.comment_by, a.comment_at, a.decision, a.action_ids
		FROM agenda_items a LEFT JOIN projects p ON p.id = a.project_id LEFT JOIN units u ON u.id = a.unit_id WHERE `
	var args []any
	if id != 0 {
		q += `a.id = ?`
		args = append(args, id)
	} else {
		q += `a.meeting_id = ?`
		args = append(args, meetingID)
	}
	rows, err := r.query(ctx, q+` ORDER BY a.position, a.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*ding.AgendaItem
	for rows.Next() {
		a := &ding.AgendaItem{}
		var figs, acts string
		if err := rows.Scan(&a.ID, &a.MeetingID, &a.Position, &a.Source, &a.ItemID, &a.ProjectID, &a.ProjectName, &a.UnitID, &a.UnitName,
			&a.Title, &figs, &a.Dropped, &a.Comment, &a.CommentBy, nullTimeScan{&a.CommentAt}, &a.Decision, &acts); err != nil {
			return nil, r.db.mapErr(err)
		}
		if err := json.Unmarshal([]byte(figs), &a.Figures); err != nil {
			return nil, ding.Internal(err, "agenda figures")
		}
		if err := json.Unmarshal([]byte(acts), &a.ActionIDs); err != nil {
			return nil, ding.Internal(err, "agenda actions")
		}
		out = append(out, a)
	}
	return out, r.db.mapErr(rows.Err())
}

// BuildAgenda adds to a planned meeting's agenda what the data says it should discuss and
// it does not list yet (the office): follow-ups — action items of earlier meetings still
// open; standing items — red projects (weekly) or red and yellow ones (monthly), and
// overdue demands; new items — demands raised since the previous meeting. Topic meetings
// get follow-ups and new demands only. Items already listed (dropped or not) stay as the
// office left them. Returns how many were added.
func (db *DB) BuildAgenda(ctx context.Context, meetingID int64) (int, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.rollback()
	m, err := meetingTx(tx, meetingID, 0, true)
	if err != nil {
		return 0, err
	}
	n, err := buildAgenda(tx, m)
	if err != nil {
		return 0, err
	}
	if n > 0 {
		if err := tx.audit("meeting", m.ID, "agenda_build", nil, map[string]int{"added": n}); err != nil {
			return 0, err
		}
	}
	return n, tx.commit()
}

func buildAgenda(tx *Tx, m *ding.Meeting) (int, error) {
	existing, err := agenda(tx.ctx, tx.reader, m.ID, 0)
	if err != nil {
		return 0, err
	}
	haveItem, haveProject := map[int64]bool{}, map[int64]bool{}
	pos := 0
	for _, a := range existing {
		if a.ItemID != 0 {
			haveItem[a.ItemID] = true
		}
		if a.ItemID == 0 && a.ProjectID != 0 && a.Source == ding.AgendaStanding {
			haveProject[a.ProjectID] = true
		}
		pos = max(pos, a.Position)
	}
	today, err := itemDay(tx)
	if err != nil {
		return 0, err
	}
	cal, err := txCalendar(tx)
	if err != nil {
		return 0, err
	}
	var add []*ding.AgendaItem
	itemLine := func(it *ding.Item) []string {
		lead := ""
		if l := it.Lead(); l != nil {
			lead = l.UnitName
		}
		s := fmt.Sprintf("状态：%s", i18n.T("zh", "item.status."+string(it.Status)))
		if lead != "" {
			s += "；牵头单位：" + lead
		}
		if !it.Due.IsZero() {
			s += "；期限：" + it.Due.String()
		}
		if it.Overdue > 0 {
			s += fmt.Sprintf("（已逾期 %d 个工作日）", it.Overdue)
		}
		out := []string{s}
		if it.Request != "" {
			out = append(out, "诉求："+it.Request)
		}
		return out
	}
	unitOf := func(it *ding.Item) int64 {
		if l := it.Lead(); l != nil {
			return l.UnitID
		}
		return it.UnitID
	}
	// Follow-ups: action items of earlier meetings the units have not closed yet.
	earlier := map[int64]bool{}
	rows, err := tx.query(tx.ctx, `SELECT id FROM meetings WHERE starts_at < ? AND id <> ?`, ts(m.StartsAt), m.ID)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, tx.db.mapErr(err)
		}
		earlier[id] = true
	}
	rows.Close()
	acts, _, err := findItems(tx.ctx, tx.reader, tx.actor, ItemFilter{Kind: ding.ActionItem, Open: true, Sort: "due"}, today, cal)
	if err != nil {
		return 0, err
	}
	for _, it := range acts {
		if !earlier[it.MeetingID] || it.Status == ding.ItemClosed || haveItem[it.ID] {
			continue
		}
		haveItem[it.ID] = true
		add = append(add, &ding.AgendaItem{Source: ding.AgendaFollowUp, ItemID: it.ID, ProjectID: it.ProjectID, UnitID: unitOf(it),
			Title: "跟踪落实：" + it.Title, Figures: itemLine(it)})
	}
	// Standing: warned projects, most severe first.
	if m.Kind != ding.MeetingTopic {
		cs, err := getColours(tx.ctx, tx.reader)
		if err != nil {
			return 0, err
		}
		minRank := len(cs) - 1 // red and yellow by default
		if m.Kind == ding.MeetingWeekly {
			minRank = len(cs)
		}
		ws, _, err := findWarnings(tx.ctx, tx.reader, tx.actor, WarningFilter{}, cs, today)
		if err != nil {
			return 0, err
		}
		type proj struct {
			id, unit int64
			name     string
			colour   ding.Colour
			figs     []string
		}
		var ps []*proj
		byID := map[int64]*proj{}
		for _, w := range ws {
			if w.Exempt || cs.Rank(w.Colour) < minRank {
				continue
			}
			p := byID[w.ProjectID]
			if p == nil {
				p = &proj{id: w.ProjectID, unit: w.UnitID, name: w.ProjectName}
				byID[w.ProjectID] = p
				ps = append(ps, p)
			}
			p.colour = cs.Worst(p.colour, w.Colour)
			p.figs = append(p.figs, fmt.Sprintf("【%s】%s：%s", cs.Name(w.Colour), w.RuleName, i18n.T("zh", w.Reason, w.Args...)))
		}
		sort.SliceStable(ps, func(i, j int) bool { return cs.Rank(ps[i].colour) > cs.Rank(ps[j].colour) })
		for _, p := range ps {
			if haveProject[p.id] {
				continue
			}
			add = append(add, &ding.AgendaItem{Source: ding.AgendaStanding, ProjectID: p.id, UnitID: p.unit,
				Title: fmt.Sprintf("%s色预警项目：%s", cs.Name(p.colour), p.name), Figures: p.figs})
		}
		late, _, err := findItems(tx.ctx, tx.reader, tx.actor, ItemFilter{Kind: ding.DemandItem, Overdue: true, Sort: "due"}, today, cal)
		if err != nil {
			return 0, err
		}
		for _, it := range late {
			if haveItem[it.ID] {
				continue
			}
			haveItem[it.ID] = true
			add = append(add, &ding.AgendaItem{Source: ding.AgendaStanding, ItemID: it.ID, ProjectID: it.ProjectID, UnitID: unitOf(it),
				Title: "逾期诉求：" + it.Title, Figures: itemLine(it)})
		}
	}
	// New demands since the previous meeting (30 days when there is none).
	since := ding.DateOf(m.StartsAt.In(ding.Shanghai)).AddDays(-30)
	var prev sql.NullString
	var prevT time.Time
	if err := tx.queryRow(tx.ctx, `SELECT MAX(starts_at) FROM meetings WHERE starts_at < ? AND id <> ?`, ts(m.StartsAt), m.ID).Scan(timeScanNull{&prevT, &prev}); err != nil {
		return 0, tx.db.mapErr(err)
	}
	if prev.Valid {
		since = ding.DateOf(prevT.In(ding.Shanghai))
	}
	fresh, _, err := findItems(tx.ctx, tx.reader, tx.actor, ItemFilter{Kind: ding.DemandItem, Open: true, Sort: "raised_on"}, today, cal)
	if err != nil {
		return 0, err
	}
	for _, it := range fresh {
		if haveItem[it.ID] || it.RaisedOn.Before(since) || (it.Status != ding.ItemSubmitted && it.Status != ding.ItemAccepted) {
			continue
		}
		haveItem[it.ID] = true
		add = append(add, &ding.AgendaItem{Source: ding.AgendaNew, ItemID: it.ID, ProjectID: it.ProjectID, UnitID: unitOf(it),
			Title: "新提交诉求：" + it.Title, Figures: itemLine(it)})
	}
	for _, a := range add {
		pos++
		a.Position = pos
		if err := insertAgenda(tx, m.ID, a); err != nil {
			return 0, err
		}
	}
	return len(add), nil
}

// timeScanNull scans a nullable timestamp (MAX over no rows) into a time and its validity.
type timeScanNull struct {
	dst   *time.Time
	valid *sql.NullString
}

func (s timeScanNull) Scan(v any) error {
	t, err := parseTime(v)
	if err != nil || t == nil {
		s.valid.Valid = false
		return err
	}
	*s.dst, s.valid.Valid = *t, true
	return nil
}

func insertAgenda(tx *Tx, meetingID int64, a *ding.AgendaItem) error {
	if a.Figures == nil {
		a.Figures = []string{}
	}
	if a.ActionIDs == nil {
		a.ActionIDs = []int64{}
	}
	figs, err := jsonArg(a.Figures)
	if err != nil {
		return ding.Internal(err, "agenda figures")
	}
	a.MeetingID = meetingID
	id, err := tx.insert(`INSERT INTO agenda_items (meeting_id, position, source, item_id, project_id, unit_id, title, figures)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, meetingID, a.Position, string(a.Source), nullID(a.ItemID), nullID(a.ProjectID), nullID(a.UnitID), a.Title, figs)
	a.ID = id
	return err
}

// agendaTx loads an agenda item and its meeting for a change.
func agendaTx(tx *Tx, id int64) (*ding.AgendaItem, *ding.Meeting, error) {
	as, err := agenda(tx.ctx, tx.reader, 0, id)
	if err != nil {
		return nil, nil, err
	}
	if len(as) == 0 {
		return nil, nil, notFound("agenda item")
	}
	ms, _, err := findMeetings(tx.ctx, tx.reader, tx.actor, MeetingFilter{ID: as[0].MeetingID, Limit: 1})
	if err != nil {
		return nil, nil, err
	}
	if len(ms) == 0 {
		return nil, nil, notFound("agenda item")
	}
	return as[0], ms[0], nil
}

// AddAgendaItem adds an item of the office's own to a planned meeting, at the end: a
// title, and optionally a project in the office's scope and a unit asked to comment.
func (db *DB) AddAgendaItem(ctx context.Context, meetingID int64, a *ding.AgendaItem) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	if _, err := meetingTx(tx, meetingID, 0, true); err != nil {
		return err
	}
	a.Title = strings.TrimSpace(a.Title)
	switch {
	case a.Title == "":
		return ding.FieldError("title", "meeting.agenda_title_required")
	case utf8.RuneCountInString(a.Title) > 200:
		return ding.FieldError("title", "field.too_long", 200)
	}
	if a.ProjectID != 0 {
		p, err := findProjectByID(tx.ctx, tx.reader, tx.actor, a.ProjectID, tx.db.year(tx.ctx, 0))
		if err != nil {
			if ding.ErrorCode(err) == ding.ENOTFOUND {
				return ding.FieldError("project_id", "meeting.project_out_of_scope")
			}
			return err
		}
		a.ProjectName = p.Name
		if a.UnitID == 0 {
			a.UnitID = p.UnitID
		}
	}
	if a.UnitID != 0 {
		if err := checkUnits(tx, []ding.ItemUnit{{UnitID: a.UnitID}}); err != nil {
			return err
		}
	}
	var pos int
	if err := tx.queryRow(tx.ctx, `SELECT COALESCE(MAX(position), 0) FROM agenda_items WHERE meeting_id = ?`, meetingID).Scan(&pos); err != nil {
		return tx.db.mapErr(err)
	}
	a.Source, a.Position, a.ItemID = ding.AgendaCustom, pos+1, 0
	a.Figures = []string{}
	if err := insertAgenda(tx, meetingID, a); err != nil {
		return err
	}
	if err := tx.audit("meeting", meetingID, "agenda_add", nil, a); err != nil {
		return err
	}
	return tx.commit()
}

// MoveAgendaItem moves an item of a planned meeting's agenda up (delta < 0) or down.
func (db *DB) MoveAgendaItem(ctx context.Context, id int64, delta int) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	a, m, err := agendaTx(tx, id)
	if err != nil {
		return err
	}
	if _, err := meetingTx(tx, m.ID, 0, true); err != nil {
		return err
	}
	all, err := agenda(tx.ctx, tx.reader, m.ID, 0)
	if err != nil {
		return err
	}
	i := -1
	for k, x := range all {
		if x.ID == a.ID {
			i = k
		}
	}
	j := i + delta
	if delta == 0 || j < 0 || j >= len(all) {
		return ding.Errorf(ding.EINVALID, "meeting.move_out_of_range")
	}
	moved := all[i]
	all = append(all[:i], all[i+1:]...)
	all = append(all[:j], append([]*ding.AgendaItem{moved}, all[j:]...)...)
	for k, x := range all {
		if x.Position != k+1 {
			if _, err := tx.exec(`UPDATE agenda_items SET position = ? WHERE id = ?`, k+1, x.ID); err != nil {
				return err
			}
		}
	}
	if err := tx.audit("meeting", m.ID, "agenda_move", map[string]int{"from": i + 1}, map[string]int{"to": j + 1, "agenda_item": int(a.ID)}); err != nil {
		return err
	}
	return tx.commit()
}

// DropAgendaItem drops an item from a planned meeting's agenda, or takes it back.
func (db *DB) DropAgendaItem(ctx context.Context, id int64, dropped bool) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	a, m, err := agendaTx(tx, id)
	if err != nil {
		return err
	}
	if _, err := meetingTx(tx, m.ID, 0, true); err != nil {
		return err
	}
	if _, err := tx.exec(`UPDATE agenda_items SET dropped = ? WHERE id = ?`, dropped, id); err != nil {
		return err
	}
	if err := tx.audit("meeting", m.ID, "agenda_drop", a, map[string]any{"agenda_item": id, "dropped": dropped}); err != nil {
		return err
	}
	return tx.commit()
}

// CommentAgendaItem records the unit's comment on its item before the meeting: a liaison
// whose scope holds the item's unit (or the office), by the comment deadline.
func (db *DB) CommentAgendaItem(ctx context.Context, id int64, comment string) (*ding.AgendaItem, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.rollback()
	a, m, err := agendaTx(tx, id)
	if err != nil {
		return nil, err
	}
	if !isOffice(tx.actor) {
		ok := false
		if a.UnitID != 0 && tx.actor.Role == ding.RoleLiaison {
			if ok, err = unitCovers(tx, a.UnitID); err != nil {
				return nil, err
			}
		}
		if !ok {
			return nil, ding.Errorf(ding.EFORBIDDEN, "meeting.comment_not_yours")
		}
	}
	if m.Status != ding.MeetingPlanned {
		return nil, ding.Errorf(ding.ECONFLICT, "meeting.already_held")
	}
	today, err := itemDay(tx)
	if err != nil {
		return nil, err
	}
	if !m.CommentDue.IsZero() && today.After(m.CommentDue) {
		return nil, ding.Errorf(ding.ECONFLICT, "meeting.comment_closed", m.CommentDue.String())
	}
	comment = strings.TrimSpace(comment)
	switch {
	case comment == "":
		return nil, ding.FieldError("comment", "meeting.comment_required")
	case utf8.RuneCountInString(comment) > 2000:
		return nil, ding.FieldError("comment", "field.too_long", 2000)
	}
	before := *a
	now := tx.now
	a.Comment, a.CommentBy, a.CommentAt = comment, tx.actor.Username, &now
	if _, err := tx.exec(`UPDATE agenda_items SET comment = ?, comment_by = ?, comment_at = ? WHERE id = ?`, comment, a.CommentBy, ts(now), id); err != nil {
		return nil, err
	}
	if err := tx.audit("agenda_item", id, "comment", &before, a); err != nil {
		return nil, err
	}
	return a, tx.commit()
}

// AgendaDecision is what the meeting decided on an item: the words, the action items it
// creates (units, deadline, title; the chair is their decider), and whether the demand the
// item is about was decided on the spot (现场拍板, by the chair).
type AgendaDecision struct {
	Decision     string       `json:"decision"`
	Actions      []*ding.Item `json:"actions"`
	DecideDemand bool         `json:"decide_demand"`
}

// DecideAgendaItem records the decision on an agenda item (the office, during or after the
// meeting) and creates its action items in the same transaction: all or nothing.
func (db *DB) DecideAgendaItem(ctx context.Context, id int64, d AgendaDecision) (*ding.AgendaItem, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.rollback()
	a, m, err := agendaTx(tx, id)
	if err != nil {
		return nil, err
	}
	if !isOffice(tx.actor) {
		return nil, ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	if a.Dropped {
		return nil, ding.Errorf(ding.ECONFLICT, "meeting.agenda_dropped")
	}
	// A decision is recorded once; afterwards only its words may be corrected (no new
	// action items, no second on-site decision), so that two clerks at once cannot both
	// hand out action items.
	if a.Decision != "" && (len(d.Actions) > 0 || d.DecideDemand) {
		return nil, ding.Errorf(ding.ECONFLICT, "meeting.already_decided")
	}
	d.Decision = strings.TrimSpace(d.Decision)
	switch {
	case d.Decision == "":
		return nil, ding.FieldError("decision", "meeting.decision_required")
	case utf8.RuneCountInString(d.Decision) > 2000:
		return nil, ding.FieldError("decision", "field.too_long", 2000)
	}
	before := *a
	for i, it := range d.Actions {
		it.Kind, it.MeetingID, it.DecidedBy, it.OnSite = ding.ActionItem, m.ID, m.ChairID, true
		if it.ProjectID == 0 {
			it.ProjectID = a.ProjectID
		}
		if it.Decision == "" {
			it.Decision = d.Decision
		}
		if err := createItem(tx, it); err != nil {
			if e, ok := err.(*ding.Error); ok && e.Field != "" {
				e.Field = fmt.Sprintf("actions[%d].%s", i, e.Field)
			}
			return nil, err
		}
		a.ActionIDs = append(a.ActionIDs, it.ID)
	}
	if d.DecideDemand {
		if a.ItemID == 0 {
			return nil, ding.Errorf(ding.EINVALID, "meeting.no_demand")
		}
		if _, err := stepItem(tx, a.ItemID, ItemStep{Action: ding.ItemDecide, Comment: d.Decision, OnSite: true, OnBehalfOf: m.ChairID}); err != nil {
			return nil, err
		}
	}
	acts, err := jsonArg(a.ActionIDs)
	if err != nil {
		return nil, ding.Internal(err, "agenda actions")
	}
	a.Decision = d.Decision
	if _, err := tx.exec(`UPDATE agenda_items SET decision = ?, action_ids = ? WHERE id = ?`, a.Decision, acts, id); err != nil {
		return nil, err
	}
	if err := tx.audit("agenda_item", id, "decide", &before, a); err != nil {
		return nil, err
	}
	return a, tx.commit()
}

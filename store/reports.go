package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"ding"
)

// ReportFilter selects progress reports.
type ReportFilter struct {
	ID          int64
	ProjectID   int64
	Period      string
	Status      ding.ReportStatus
	CurrentOnly bool
	Oldest      bool // oldest period first (a review queue); default newest first
	Limit       int
	Offset      int
}

const reportCols = `r.id, r.project_id, p.name, r.period, r.kind, r.version, r.is_current, r.completed, r.progress_text, r.progress_pct,
	r.problems, r.next_steps, r.status, r.late, r.review_comment, r.reviewer_name, r.reviewed_at, r.submitter_name, r.submitted_at`

func scanReport(sc interface{ Scan(...any) error }) (*ding.ProgressReport, error) {
	r := &ding.ProgressReport{}
	err := sc.Scan(&r.ID, &r.ProjectID, &r.ProjectName, &r.Period, &r.Kind, &r.Version, &r.Current, &r.Completed, &r.ProgressText,
		&r.ProgressPct, &r.Problems, &r.NextSteps, &r.Status, &r.Late, &r.ReviewComment, &r.ReviewerName,
		nullTimeScan{&r.ReviewedAt}, &r.SubmitterName, timeScan{&r.SubmittedAt})
	return r, err
}

// FindReports returns the reports of projects in the caller's scope, newest period first,
// and how many match. Each carries the cumulative figures at its period.
func (db *DB) FindReports(ctx context.Context, f ReportFilter) ([]*ding.ProgressReport, int, error) {
	return findReports(ctx, db.reader(), ding.ActorFrom(ctx), f)
}

func findReports(ctx context.Context, r reader, a *ding.Actor, f ReportFilter) ([]*ding.ProgressReport, int, error) {
	var w where
	cond, args := projectScope(a, f.ID != 0 || f.ProjectID != 0)
	w.add(cond, args...)
	if f.ID != 0 {
		w.add("r.id = ?", f.ID)
	}
	if f.ProjectID != 0 {
		w.add("r.project_id = ?", f.ProjectID)
	}
	if f.Period != "" {
		w.add("r.period = ?", f.Period)
	}
	if f.Status != "" {
		w.add("r.status = ?", string(f.Status))
	}
	if f.CurrentOnly {
		w.add("r.is_current = TRUE")
	}
	from := ` FROM progress_reports r JOIN projects p ON p.id = r.project_id`
	var total int
	if err := r.queryRow(ctx, `SELECT COUNT(*)`+from+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, r.db.mapErr(err)
	}
	order := ` ORDER BY r.period_end DESC, r.version DESC, r.id DESC`
	if f.Oldest {
		order = ` ORDER BY r.period_end, r.submitted_at, r.id`
	}
	rows, err := r.query(ctx, `SELECT `+reportCols+from+w.String()+order+page(f.Limit, f.Offset), w.args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*ding.ProgressReport
	for rows.Next() {
		rep, err := scanReport(rows)
		if err != nil {
			return nil, 0, r.db.mapErr(err)
		}
		out = append(out, rep)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, r.db.mapErr(err)
	}
	rows.Close()
	if err := cumulateAll(ctx, r, out); err != nil {
		return nil, 0, err
	}
	if err := loadPhotosAll(ctx, r, out); err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// idList renders ids as a SQL list of literals (they are int64s, so this is safe) for
// the IN clauses that load a page's related rows in one query.
func idList(ids []int64) string {
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	return b.String()
}

// cumulateAll fills the year-to-date and since-start figures of a page of reports from the
// running figures of their projects, read in one query.
func cumulateAll(ctx context.Context, r reader, reps []*ding.ProgressReport) error {
	if len(reps) == 0 {
		return nil
	}
	seen := map[int64]bool{}
	var ids []int64
	for _, rep := range reps {
		if !seen[rep.ProjectID] {
			seen[rep.ProjectID] = true
			ids = append(ids, rep.ProjectID)
		}
	}
	type ym struct {
		year, month int
		completed   int64
	}
	months := map[int64][]ym{}
	rows, err := r.query(ctx, `SELECT project_id, year, month, completed FROM project_months WHERE project_id IN (`+idList(ids)+`)`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var pid int64
		var m ym
		if err := rows.Scan(&pid, &m.year, &m.month, &m.completed); err != nil {
			return r.db.mapErr(err)
		}
		months[pid] = append(months[pid], m)
	}
	if err := rows.Err(); err != nil {
		return r.db.mapErr(err)
	}
	for _, rep := range reps {
		p, err := ding.ParsePeriod(rep.Period)
		if err != nil {
			continue
		}
		month := p.N
		if p.Kind == ding.PeriodWeek {
			month = int(p.End().Month)
		}
		rep.CompletedYTD, rep.CompletedAll = 0, 0
		for _, m := range months[rep.ProjectID] {
			if m.year < p.Year || (m.year == p.Year && m.month <= month) {
				rep.CompletedAll += m.completed
				if m.year == p.Year {
					rep.CompletedYTD += m.completed
				}
			}
		}
	}
	return nil
}

// loadPhotosAll attaches the photos of a page of reports, read in one query.
func loadPhotosAll(ctx context.Context, r reader, reps []*ding.ProgressReport) error {
	if len(reps) == 0 {
		return nil
	}
	byID := map[int64]*ding.ProgressReport{}
	ids := make([]int64, 0, len(reps))
	for _, rep := range reps {
		byID[rep.ID] = rep
		ids = append(ids, rep.ID)
	}
	rows, err := r.query(ctx, `SELECT id, report_id, hash, name, mime, size FROM report_photos WHERE report_id IN (`+idList(ids)+`) ORDER BY id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var ph ding.Photo
		if err := rows.Scan(&ph.ID, &ph.ReportID, &ph.Hash, &ph.Name, &ph.MIME, &ph.Size); err != nil {
			return r.db.mapErr(err)
		}
		byID[ph.ReportID].Photos = append(byID[ph.ReportID].Photos, ph)
	}
	return r.db.mapErr(rows.Err())
}

// FindPhoto returns a photo by its content hash if some report the caller can see has it.
func (db *DB) FindPhoto(ctx context.Context, hash string) (*ding.Photo, error) {
	cond, args := projectScope(ding.ActorFrom(ctx), true)
	ph := &ding.Photo{}
	err := db.reader().queryRow(ctx, `SELECT ph.id, ph.report_id, ph.hash, ph.name, ph.mime, ph.size
		FROM report_photos ph JOIN progress_reports r ON r.id = ph.report_id JOIN projects p ON p.id = r.project_id
		WHERE ph.hash = ? AND `+cond+` ORDER BY ph.id LIMIT 1`, append([]any{hash}, args...)...).
		Scan(&ph.ID, &ph.ReportID, &ph.Hash, &ph.Name, &ph.MIME, &ph.Size)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("photo")
	}
	if err != nil {
		return nil, db.mapErr(err)
	}
	return ph, nil
}

// cumulate fills a report's year-to-date and since-start figures at its period: the sums of
// the months up to its period's month, from the running figures.
func cumulate(ctx context.Context, r reader, rep *ding.ProgressReport) error {
	p, err := ding.ParsePeriod(rep.Period)
	if err != nil {
		return nil
	}
	month := p.N
	if p.Kind == ding.PeriodWeek {
		month = int(p.End().Month)
	}
	err = r.queryRow(ctx, `SELECT
		COALESCE(SUM(CASE WHEN year = ? AND month <= ? THEN completed ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN year < ? OR (year = ? AND month <= ?) THEN completed ELSE 0 END), 0)
		FROM project_months WHERE project_id = ?`, p.Year, month, p.Year, p.Year, month, rep.ProjectID).Scan(&rep.CompletedYTD, &rep.CompletedAll)
	return r.db.mapErr(err)
}

// FindReportByID returns one report in the caller's scope.
func (db *DB) FindReportByID(ctx context.Context, id int64) (*ding.ProgressReport, error) {
	rs, _, err := db.FindReports(ctx, ReportFilter{ID: id, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, notFound("report")
	}
	return rs[0], nil
}

// reportableProject loads a project the actor may report on: administrators and the
// office within scope, and liaisons of the lead or a cooperating unit.
func reportableProject(tx *Tx, id int64) (*ding.Project, error) {
	if p, ok := tx.reportable[id]; ok {
		return p, nil
	}
	p, err := findProjectByID(tx.ctx, tx.reader, tx.actor, id, tx.db.year(tx.ctx, 0))
	if err != nil {
		return nil, err
	}
	switch a := tx.actor; {
	case a.System, a.Role == ding.RoleAdmin, a.Role == ding.RoleOffice, a.Role == ding.RoleLiaison:
		if tx.reportable != nil {
			tx.reportable[id] = p
		}
		return p, nil
	}
	return nil, ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
}

// SubmitReport records a progress report. A report for a period whose window has not
// opened is refused; one after the window closed is accepted and marked late. A report for
// a period that already has one becomes its next version; the earlier versions are kept.
// The project's running figures are updated in the same transaction.
func (db *DB) SubmitReport(ctx context.Context, r *ding.ProgressReport, photos []ding.Photo) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	if err := submitReport(tx, r, photos, false, false); err != nil {
		return err
	}
	return tx.commit()
}

// submitReport does SubmitReport's work in tx. Imported reports skip the window check (an
// import carries history); deferFigures leaves the running figures to the caller, who
// recomputes each project-year once.
func submitReport(tx *Tx, r *ding.ProgressReport, photos []ding.Photo, imported, deferFigures bool) error {
	p, err := reportableProject(tx, r.ProjectID)
	if err != nil {
		return err
	}
	r.ProjectName = p.Name
	if err := r.Validate(); err != nil {
		return err
	}
	period, _ := ding.ParsePeriod(r.Period)
	today := ding.Today(tx.now)
	if !imported {
		win, err := getWindow(tx.ctx, tx.reader)
		if err != nil {
			return err
		}
		if opens := win.Opens(period); today.Before(opens) {
			return ding.FieldError("period", "report.window_not_open", r.Period, opens.String())
		}
		r.Late = today.After(win.Closes(period))
	}
	if err := lockReports(tx, r.ProjectID); err != nil {
		return err
	}
	var prev int
	var prevID int64
	err = tx.queryRow(tx.ctx, `SELECT version, id FROM progress_reports WHERE project_id = ? AND period = ? AND is_current = TRUE`, r.ProjectID, r.Period).Scan(&prev, &prevID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return tx.db.mapErr(err)
	}
	if prevID != 0 {
		if _, err := tx.exec(`UPDATE progress_reports SET is_current = FALSE WHERE id = ?`, prevID); err != nil {
			return err
		}
	}
	r.Version, r.Current = prev+1, true
	r.Status = ding.ReportSubmitted
	r.SubmitterName, r.SubmittedAt = tx.actor.Username, tx.now
	month := 0
	if period.Kind == ding.PeriodMonth {
		month = period.N
	}
	id, err := tx.insert(`INSERT INTO progress_reports (project_id, period, kind, year, month, period_end, version, is_current, completed, progress_text,
		progress_pct, problems, next_steps, status, late, submitter_id, submitter_name, submitted_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, TRUE, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ProjectID, r.Period, string(r.Kind), period.Year, month, dateArg(period.End()), r.Version, r.Completed, r.ProgressText, r.ProgressPct,
		r.Problems, r.NextSteps, string(r.Status), r.Late, tx.actor.UserID, tx.actor.Username, ts(tx.now))
	if err != nil {
		return err
	}
	r.ID = id
	for i := range photos {
		ph := &photos[i]
		ph.ReportID = id
		pid, err := tx.insert(`INSERT INTO report_photos (report_id, hash, name, mime, size) VALUES (?, ?, ?, ?, ?)`, id, ph.Hash, ph.Name, ph.MIME, ph.Size)
		if err != nil {
			return err
		}
		ph.ID = pid
	}
	r.Photos = photos
	if deferFigures {
		return nil
	}
	if err := recomputeYear(tx, r.ProjectID, period.Year); err != nil {
		return err
	}
	if err := tx.audit("report", id, "submit", nil, r); err != nil {
		return err
	}
	if err := reevaluate(tx, r.ProjectID); err != nil {
		return err
	}
	return cumulateTx(tx, r)
}

func cumulateTx(tx *Tx, r *ding.ProgressReport) error { return cumulate(tx.ctx, tx.reader, r) }

// lockReports serialises the writers of a project's reports on PostgreSQL: a submission
// reads the current version and inserts the next, and two of them for the same period at
// the same moment would otherwise both read version n and both insert n+1 (a duplicate
// key; both insert version 1 when there was none). The lock is the project row's FOR NO
// KEY UPDATE: the lock recomputeYear's UPDATE projects takes anyway, only earlier, so it
// adds no new kind of wait (it does not block the FOR KEY SHARE that an insert referencing
// the project takes), and every report writer takes it before any report row, so the
// order project, then report rows, is the same everywhere and cannot deadlock. A retry on
// the unique violation would need a savepoint around the insert and would still let the
// later steps (is_current, the figures) interleave. SQLite has a single writer: its
// transactions are already serial.
func lockReports(tx *Tx, projectID int64) error {
	if tx.db.dialect != Postgres {
		return nil
	}
	var id int64
	err := tx.queryRow(tx.ctx, `SELECT id FROM projects WHERE id = ? FOR NO KEY UPDATE`, projectID).Scan(&id)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return tx.db.mapErr(err)
	}
	return nil
}

// ReviewReport approves a report or returns it with a comment. Only the current version of
// a submitted report can be reviewed, by administrators and the project office.
func (db *DB) ReviewReport(ctx context.Context, id int64, approve bool, comment string) (*ding.ProgressReport, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.rollback()
	if tx.db.dialect == Postgres {
		// The project first, as a submission does (lockReports), then the report read
		// under the lock: a version submitted meanwhile has made this one a former one.
		var pid int64
		err := tx.queryRow(tx.ctx, `SELECT project_id FROM progress_reports WHERE id = ?`, id).Scan(&pid)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, tx.db.mapErr(err)
		}
		if err := lockReports(tx, pid); err != nil {
			return nil, err
		}
	}
	rs, _, err := findReports(tx.ctx, tx.reader, tx.actor, ReportFilter{ID: id, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, notFound("report")
	}
	r := rs[0]
	if a := tx.actor; !(a.System || a.Role == ding.RoleAdmin || a.Role == ding.RoleOffice) {
		return nil, ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	if !r.Current || r.Status != ding.ReportSubmitted {
		return nil, ding.Errorf(ding.ECONFLICT, "report.not_reviewable")
	}
	if !approve && len([]rune(comment)) == 0 {
		return nil, ding.FieldError("comment", "report.return_comment_required")
	}
	before := *r
	r.Status = ding.ReportApproved
	if !approve {
		r.Status = ding.ReportReturned
	}
	r.ReviewComment, r.ReviewerName, r.ReviewedAt = comment, tx.actor.Username, &tx.now
	if _, err := tx.exec(`UPDATE progress_reports SET status = ?, review_comment = ?, reviewer_name = ?, reviewed_at = ? WHERE id = ?`,
		string(r.Status), r.ReviewComment, r.ReviewerName, ts(tx.now), id); err != nil {
		return nil, err
	}
	period, _ := ding.ParsePeriod(r.Period)
	if err := recomputeYear(tx, r.ProjectID, period.Year); err != nil {
		return nil, err
	}
	if err := tx.audit("report", id, "review", &before, r); err != nil {
		return nil, err
	}
	if err := cumulateTx(tx, r); err != nil {
		return nil, err
	}
	if err := reevaluate(tx, r.ProjectID); err != nil {
		return nil, err
	}
	return r, tx.commit()
}

// recomputeYear rebuilds a project's completed figures for a year from the current version
// of each monthly report that was not returned, its latest 形象进度, and its total since start.
func recomputeYear(tx *Tx, projectID int64, year int) error {
	var months [13]int64
	rows, err := tx.query(tx.ctx, `SELECT month, completed FROM progress_reports
		WHERE project_id = ? AND year = ? AND kind = 'month' AND is_current = TRUE AND status <> 'returned'`, projectID, year)
	if err != nil {
		return err
	}
	for rows.Next() {
		var m int
		var c int64
		if err := rows.Scan(&m, &c); err != nil {
			rows.Close()
			return tx.db.mapErr(err)
		}
		if m >= 1 && m <= 12 {
			months[m] = c
		}
	}
	rows.Close()
	var sum int64
	vals := make([]any, 0, 48)
	for m := 1; m <= 12; m++ {
		vals = append(vals, projectID, year, m, months[m])
		sum += months[m]
	}
	if _, err := tx.exec(`INSERT INTO project_months (project_id, year, month, completed) VALUES `+
		strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?), ", 12), ", ")+
		` ON CONFLICT (project_id, year, month) DO UPDATE SET completed = excluded.completed`, vals...); err != nil {
		return err
	}
	var pct int
	var last string
	err = tx.queryRow(tx.ctx, `SELECT progress_pct, period FROM progress_reports
		WHERE project_id = ? AND year = ? AND is_current = TRUE AND status <> 'returned'
		ORDER BY period_end DESC, id DESC LIMIT 1`, projectID, year).Scan(&pct, &last)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return tx.db.mapErr(err)
	}
	if err := upsertYear(tx, projectID, year); err != nil {
		return err
	}
	if _, err := tx.exec(`UPDATE project_years SET completed = ?, progress_pct = ?, last_period = ? WHERE project_id = ? AND year = ?`,
		sum, pct, last, projectID, year); err != nil {
		return err
	}
	_, err = tx.exec(`UPDATE projects SET completed_all = (SELECT COALESCE(SUM(completed), 0) FROM project_years WHERE project_id = ?) WHERE id = ?`,
		projectID, projectID)
	return err
}

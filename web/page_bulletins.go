package web

// The monthly bulletin pages (ding/bulletin.go, store/bulletins.go): the list with the
// office's form that builds a month's bulletin; the bulletin on screen with its summary
// sentences, figures and tables, the commentary (点评) forms, rebuild and publish; the
// print-ready A4 document (简报 layout, numbered sections, page numbers in the footer);
// the Excel workbook, one sheet per table; the difference against the previous month.

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"ding"
	"ding/i18n"
	"ding/store"
	"ding/xlsx"
)

func (s *Server) bulletinRoutes() {
	s.handle("GET /bulletins", s.page(s.bulletinsPage, true))
	s.handle("POST /bulletins", s.page(s.bulletinBuild, true))
	s.handle("GET /bulletins/{id}", s.page(s.bulletinShow, true))
	s.handle("POST /bulletins/{id}/rebuild", s.page(s.bulletinRebuild, true))
	s.handle("POST /bulletins/{id}/comments", s.page(s.bulletinCommentAdd, true))
	s.handle("POST /bulletins/{id}/comments/{cid}/delete", s.page(s.bulletinCommentRemove, true))
	s.handle("POST /bulletins/{id}/publish", s.page(s.bulletinPublish, true))
	s.handle("GET /bulletins/{id}/print", s.page(s.bulletinPrint, true))
	s.handle("GET /bulletins/{id}/export.xlsx", s.page(s.bulletinExport, true))
	s.handle("GET /bulletins/{id}/diff", s.page(s.bulletinDiff, true))
	s.apiBulletinRoutes()
}

// bulletinsData is what bulletins.html shows.
type bulletinsData struct {
	Rows     []*ding.Bulletin
	CanBuild bool
	UnitOpts []unitOption
	UnitID   int64
	Month    string // YYYY-MM
}

// lastMonth is the month before today's, as YYYY-MM.
func lastMonth(now time.Time) string {
	t := ding.Today(now)
	y, m := t.Year, int(t.Month)-1
	if m == 0 {
		y, m = y-1, 12
	}
	return fmt.Sprintf("%04d-%02d", y, m)
}

// parseMonth reads YYYY-MM.
func parseMonth(field, s string) (int, int, error) {
	t, err := time.Parse("2006-01", strings.TrimSpace(s))
	if err != nil {
		return 0, 0, ding.FieldError(field, "bulletinui.month_invalid")
	}
	return t.Year(), int(t.Month()), nil
}

func (s *Server) bulletinsPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderBulletins(w, r, http.StatusOK, nil)
}

func (s *Server) renderBulletins(w http.ResponseWriter, r *http.Request, status int, formErr error) error {
	ctx := r.Context()
	a := reqOf(r).actor
	bs, err := s.db.FindBulletins(ctx, store.BulletinFilter{})
	if err != nil {
		return err
	}
	v := s.view(r, "bulletins")
	v.Title = v.T("bulletinui.title")
	v.Crumbs = []crumb{{Label: v.T("bulletinui.title")}}
	d := &bulletinsData{Rows: bs, CanBuild: isOffice(a), Month: lastMonth(s.db.Now())}
	if a != nil {
		d.UnitID = a.UnitID
	}
	if d.CanBuild {
		units, _, err := s.db.FindUnits(ctx, ding.UnitFilter{})
		if err != nil {
			return err
		}
		d.UnitOpts = unitOptions(units)
	}
	if formErr != nil {
		v.withFormError(formErr)
		v.Form = r.PostForm
		if id, err := formInt(r, "unit_id"); err == nil {
			d.UnitID = id
		}
		d.Month = r.PostFormValue("month")
	}
	v.Data = d
	s.renderStatus(w, r, status, "bulletins", v)
	return nil
}

// bulletinFormStatus is the status of a refused form: 409 for a conflict, else 422.
func bulletinFormStatus(err error) (int, bool) {
	switch ding.ErrorCode(err) {
	case ding.EINVALID:
		return http.StatusUnprocessableEntity, true
	case ding.ECONFLICT:
		return http.StatusConflict, true
	}
	return 0, false
}

func (s *Server) bulletinBuild(w http.ResponseWriter, r *http.Request) error {
	unitID, err := formInt(r, "unit_id")
	if err != nil {
		return s.renderBulletins(w, r, http.StatusUnprocessableEntity, err)
	}
	y, m, err := parseMonth("month", r.PostFormValue("month"))
	if err != nil {
		return s.renderBulletins(w, r, http.StatusUnprocessableEntity, err)
	}
	b, err := s.db.BuildBulletin(r.Context(), unitID, y, m)
	if err != nil {
		if st, ok := bulletinFormStatus(err); ok {
			return s.renderBulletins(w, r, st, err)
		}
		return err
	}
	return redirect(w, r, "/bulletins/"+itoa(b.ID), "bulletinui_built")
}

// bulletinFigure is a key figure: its label and value.
type bulletinFigure struct {
	Key, Label, Value string
}

// bulletinUnitRow is a unit's line of the ranking.
type bulletinUnitRow struct {
	ding.BulletinUnit
	Plan, Completed, Rate string
	Change, ChangeClass   string
	Comments              []*ding.BulletinComment
}

// bulletinWarnGroup is the warnings of one colour.
type bulletinWarnGroup struct {
	Colour ding.Colour
	Name   string // 黄
	Word   string // 黄色, for sentences of the document
	Rows   []bulletinWarnRow
}

type bulletinWarnRow struct {
	ding.BulletinWarning
	Comments []*ding.BulletinComment
}

// bulletinEventRow is a warning opened or cleared, its colour named.
type bulletinEventRow struct {
	ding.BulletinEvent
	ColourName string
}

type bulletinItemRow struct {
	ding.BulletinItem
	KindName, StatusName string
}

type bulletinListedRow struct {
	ding.BulletinListed
	ColourName string
	Comments   []*ding.BulletinComment
}

// bulletinSection is a numbered section: 一、总体情况.
type bulletinSection struct {
	Key, Num, Title string
}

// bulletinTarget is what commentary may be on: value "unit:12".
type bulletinTarget struct {
	Value, Label string
}

// bulletinDoc is the bulletin shaped for its page, its print and its workbook.
type bulletinDoc struct {
	B           *ding.Bulletin
	Area        string
	Span        string // 1—5月
	Issue       string // 2024年第5期
	Heading     string // 2024年1—5月全区重大项目建设情况通报
	Summary     []string
	Empty       bool
	Figures     []bulletinFigure
	Units       []bulletinUnitRow
	Groups      []bulletinWarnGroup
	More        int // warnings beyond the capped list
	Opened      []bulletinEventRow
	Cleared     []bulletinEventRow
	Decided     []bulletinItemRow
	Closed      []bulletinItemRow
	Overdue     []bulletinItemRow
	Broken      []ding.BulletinCommitment
	Listed      []bulletinListedRow
	Flags       []ding.FlagAward
	General     []*ding.BulletinComment
	Comments    []*ding.BulletinComment
	Sections    []bulletinSection
	Draft       bool
	CanEdit     bool // the office, while a draft
	Targets     []bulletinTarget
	Date        string // the issue date in Chinese: published, else built
	Issuer      string
	Lang        string
	colours     ding.ColourScheme
	unitNotes   map[int64][]*ding.BulletinComment
	projectNote map[int64][]*ding.BulletinComment
}

// Z translates into Chinese, the language of the printed document.
func (d *bulletinDoc) Z(key string, args ...any) string { return i18n.T("zh", key, args...) }

// Sec is the number of a section ("一、"), "" when the document has no such section.
func (d *bulletinDoc) Sec(key string) string {
	for _, s := range d.Sections {
		if s.Key == key {
			return s.Num
		}
	}
	return ""
}

// bulletinSpan is 1—5月 (or 1月).
func bulletinSpan(month int) string {
	if month > 1 {
		return fmt.Sprintf("1—%d月", month)
	}
	return fmt.Sprintf("%d月", month)
}

// rankChange shows a rank's move: ↑2, ↓1, —, or 新 for a unit without last month's rank.
func rankChange(rank, prev int) (string, string) {
	switch {
	case rank == 0:
		return "", ""
	case prev == 0:
		return "—", ""
	case prev > rank:
		return "↑" + strconv.Itoa(prev-rank), "bl-up"
	case prev < rank:
		return "↓" + strconv.Itoa(rank-prev), "bl-down"
	}
	return "—", ""
}

// newBulletinDoc shapes a bulletin for the reader.
func newBulletinDoc(lang string, cs ding.ColourScheme, b *ding.Bulletin, canEdit bool) *bulletinDoc {
	t := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	data := b.Data
	if data == nil {
		data = &ding.BulletinData{}
	}
	d := &bulletinDoc{B: b, Area: store.AreaName(b.UnitName), Span: bulletinSpan(b.Month), Issue: fmt.Sprintf("%d年第%d期", b.Year, b.Month),
		Empty: data.Empty(), Draft: b.Status != ding.BulletinPublished, CanEdit: canEdit && b.Status != ding.BulletinPublished,
		Lang: lang, colours: cs, unitNotes: map[int64][]*ding.BulletinComment{}, projectNote: map[int64][]*ding.BulletinComment{},
		Issuer: b.UnitName + "重大项目建设工作领导小组办公室", Comments: b.Comments}
	d.Heading = fmt.Sprintf("%d年%s%s重大项目建设情况通报", b.Year, d.Span, d.Area)
	d.Summary = data.Summary(d.Area, b.Year, b.Month)
	when := b.BuiltAt
	if b.PublishedAt != nil {
		when = *b.PublishedAt
	}
	d.Date = cnDate(ding.Today(when))
	for _, c := range b.Comments {
		switch c.Kind {
		case "unit":
			d.unitNotes[c.TargetID] = append(d.unitNotes[c.TargetID], c)
		case "project":
			d.projectNote[c.TargetID] = append(d.projectNote[c.TargetID], c)
		default:
			d.General = append(d.General, c)
		}
	}
	// Key figures.
	completion := ding.R(data.Completed, data.Plan)
	schedule := ding.Schedule(b.Year, b.Month, false)
	gap := ding.ScheduleGap(completion, schedule)
	growth := ding.Growth(data.Completed, data.LastYear, true, true)
	fig := func(key, value string) {
		d.Figures = append(d.Figures, bulletinFigure{key, t("bulletinui.fig." + key), value})
	}
	fig("projects", strconv.FormatInt(data.Projects, 10))
	fig("investment", yiText(data.Investment))
	fig("plan", yiText(data.Plan))
	fig("completed", yiText(data.Completed))
	fig("completion", completion.Pct())
	fig("schedule", schedule.Pct())
	fig("gap", gap.PP())
	fig("growth", growth.Pct())
	fig("signed1", strconv.FormatInt(data.Signed1, 10))
	fig("started", strconv.FormatInt(data.Started, 10))
	fig("in_stats", strconv.FormatInt(data.InStats, 10))
	fig("warnings", fmt.Sprintf("%d / %d / %d", data.Red, data.Yellow, data.Blue))
	// The ranking.
	for _, u := range data.Units {
		row := bulletinUnitRow{BulletinUnit: u, Plan: ding.Wan(u.Plan), Completed: ding.Wan(u.Completed), Rate: ding.R(u.Completed, u.Plan).Pct(),
			Comments: d.unitNotes[u.UnitID]}
		row.Change, row.ChangeClass = rankChange(u.Rank, u.PrevRank)
		d.Units = append(d.Units, row)
		d.Targets = append(d.Targets, bulletinTarget{"unit:" + itoa(u.UnitID), t("bulletinui.target_unit", u.UnitName)})
	}
	// The warnings by colour, most severe first, in the order of the cut.
	seen := map[int64]bool{}
	for _, w := range data.Warnings {
		i := len(d.Groups) - 1
		if i < 0 || d.Groups[i].Colour != w.Colour {
			d.Groups = append(d.Groups, bulletinWarnGroup{Colour: w.Colour, Name: colourName(lang, cs, w.Colour), Word: colourWord(cs, w.Colour)})
			i++
		}
		d.Groups[i].Rows = append(d.Groups[i].Rows, bulletinWarnRow{BulletinWarning: w, Comments: d.projectNote[w.ProjectID]})
		if !seen[w.ProjectID] {
			seen[w.ProjectID] = true
			d.Targets = append(d.Targets, bulletinTarget{"project:" + itoa(w.ProjectID), t("bulletinui.target_project", w.ProjectName)})
		}
	}
	d.More = max(0, data.WarningsTotal-len(data.Warnings))
	for _, e := range data.Opened {
		d.Opened = append(d.Opened, bulletinEventRow{e, colourName(lang, cs, e.Colour)})
	}
	for _, e := range data.Cleared {
		d.Cleared = append(d.Cleared, bulletinEventRow{e, colourName(lang, cs, e.Colour)})
	}
	items := func(in []ding.BulletinItem) []bulletinItemRow {
		var out []bulletinItemRow
		for _, it := range in {
			out = append(out, bulletinItemRow{it, t("item.kind." + it.Kind), t("item.status." + it.Status)})
		}
		return out
	}
	d.Decided, d.Closed, d.Overdue = items(data.Decided), items(data.Closed), items(data.Overdue)
	d.Broken, d.Flags = data.Broken, data.Flags
	for _, l := range data.Listed {
		d.Listed = append(d.Listed, bulletinListedRow{l, colourName(lang, cs, l.Colour), d.projectNote[l.ProjectID]})
		if !seen[l.ProjectID] {
			seen[l.ProjectID] = true
			d.Targets = append(d.Targets, bulletinTarget{"project:" + itoa(l.ProjectID), t("bulletinui.target_project", l.ProjectName)})
		}
	}
	// Sections, numbered 一、二、三 in the order they appear.
	keys := []string{"summary", "ranking", "warnings", "changes", "items", "broken", "listed"}
	if len(d.Flags) > 0 {
		keys = append(keys, "flags")
	}
	for i, k := range keys {
		d.Sections = append(d.Sections, bulletinSection{Key: k, Num: cnNumeral(i+1) + "、", Title: t("bulletinui.sec." + k)})
	}
	return d
}

// loadBulletinDoc reads a bulletin (404 when out of sight) and shapes it.
func (s *Server) loadBulletinDoc(ctx context.Context, lang string, a *ding.Actor, id int64) (*bulletinDoc, error) {
	b, err := s.db.FindBulletin(ctx, id)
	if err != nil {
		return nil, err
	}
	cs, err := s.db.Colours(ctx)
	if err != nil {
		return nil, err
	}
	return newBulletinDoc(lang, cs, b, isOffice(a)), nil
}

func (s *Server) bulletinShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return s.renderBulletin(w, r, http.StatusOK, id, nil)
}

// renderBulletin shows a bulletin; a refused form shows its error above the forms.
func (s *Server) renderBulletin(w http.ResponseWriter, r *http.Request, status int, id int64, formErr error) error {
	v := s.view(r, "bulletins")
	d, err := s.loadBulletinDoc(r.Context(), v.Lang, reqOf(r).actor, id)
	if err != nil {
		return err
	}
	v.Title = v.T("bulletinui.page_title", d.B.UnitName, d.B.Year, d.B.Month)
	v.Crumbs = []crumb{{Label: v.T("bulletinui.title"), URL: "/bulletins"}, {Label: d.Issue}}
	if formErr != nil {
		v.withFormError(formErr)
		v.Form = r.PostForm
	}
	v.Data = d
	s.renderStatus(w, r, status, "bulletin", v)
	return nil
}

// bulletinPost runs a change of a bulletin's page and answers it: back to the page with a
// flash, or the page again with the refusal (422, 409).
func (s *Server) bulletinPost(w http.ResponseWriter, r *http.Request, flash string, fn func(id int64) error) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := fn(id); err != nil {
		if st, ok := bulletinFormStatus(err); ok {
			return s.renderBulletin(w, r, st, id, err)
		}
		return err
	}
	return redirect(w, r, "/bulletins/"+itoa(id), flash)
}

func (s *Server) bulletinRebuild(w http.ResponseWriter, r *http.Request) error {
	return s.bulletinPost(w, r, "bulletinui_rebuilt", func(id int64) error {
		b, err := s.db.FindBulletin(r.Context(), id)
		if err != nil {
			return err
		}
		_, err = s.db.BuildBulletin(r.Context(), b.UnitID, b.Year, b.Month)
		return err
	})
}

// parseBulletinTarget reads "unit:12", "project:3" or "general".
func parseBulletinTarget(s string) (string, int64) {
	kind, id, _ := strings.Cut(strings.TrimSpace(s), ":")
	n, _ := strconv.ParseInt(id, 10, 64)
	return kind, n
}

func (s *Server) bulletinCommentAdd(w http.ResponseWriter, r *http.Request) error {
	return s.bulletinPost(w, r, "bulletinui_commented", func(id int64) error {
		kind, target := parseBulletinTarget(r.PostFormValue("target"))
		if kind == "" {
			kind = "general"
		}
		return s.db.AddBulletinComment(r.Context(), &ding.BulletinComment{BulletinID: id, Kind: kind, TargetID: target, Text: r.PostFormValue("text")})
	})
}

func (s *Server) bulletinCommentRemove(w http.ResponseWriter, r *http.Request) error {
	return s.bulletinPost(w, r, "bulletinui_uncommented", func(id int64) error {
		cid, err := strconv.ParseInt(r.PathValue("cid"), 10, 64)
		if err != nil {
			return ding.Errorf(ding.ENOTFOUND, "err.page_not_found")
		}
		return s.db.RemoveBulletinComment(r.Context(), id, cid)
	})
}

func (s *Server) bulletinPublish(w http.ResponseWriter, r *http.Request) error {
	return s.bulletinPost(w, r, "bulletinui_published", func(id int64) error {
		version, err := formInt(r, "version")
		if err != nil {
			return err
		}
		_, err = s.db.PublishBulletin(r.Context(), id, int(version))
		return err
	})
}

// bulletinPrint shows the bulletin as an A4 document, in Chinese whatever the reader's
// language (only the toolbar follows it).
func (s *Server) bulletinPrint(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v := s.view(r, "bulletins")
	d, err := s.loadBulletinDoc(r.Context(), "zh", reqOf(r).actor, id)
	if err != nil {
		return err
	}
	d.CanEdit = false
	v.Title = d.Issue + " " + d.Heading
	v.Data = d
	s.renderBare(w, r, http.StatusOK, "bulletin_print", "print", v)
	return nil
}

// bulletinExport sends the workbook: one sheet per table.
func (s *Server) bulletinExport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	b, err := s.db.FindBulletin(ctx, id)
	if err != nil {
		return err
	}
	cs, err := s.db.Colours(ctx)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := xlsx.ExportBulletin(&buf, xlsx.BulletinBook{Lang: reqOf(r).lang, Bulletin: b, Area: store.AreaName(b.UnitName), Colours: cs, Now: s.db.Now()}); err != nil {
		return ding.Internal(err, "bulletin xlsx")
	}
	name := fmt.Sprintf("bulletin-%d-%04d-%02d.xlsx", b.UnitID, b.Year, b.Month)
	h := w.Header()
	h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	_, err = w.Write(buf.Bytes())
	return err
}

// bulletinDiffRow is a figure this month against last month's.
type bulletinDiffRow struct {
	Label, This, Last, Delta, Class string
}

// bulletinRankRow is a unit's rank this month against last month's bulletin.
type bulletinRankRow struct {
	UnitName            string
	Rank, LastRank      int
	Change, ChangeClass string
	ThisRate, LastRate  string
}

// bulletinDiffData is what bulletin_diff.html shows.
type bulletinDiffData struct {
	This, Last    *ding.Bulletin
	Issue         string
	LastIssue     string
	Figures       []bulletinDiffRow
	Ranks         []bulletinRankRow
	RedIn, RedOut []ding.BulletinWarning
	NewBroken     []ding.BulletinCommitment
}

// signed shows a count's change: +2, -1, 0.
func signed(n int64) string {
	if n > 0 {
		return "+" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

func deltaClass(n float64) string {
	switch {
	case n > 0:
		return "bl-up"
	case n < 0:
		return "bl-down"
	}
	return ""
}

// bulletinDiffOf compares a bulletin's cut with last month's.
func bulletinDiffOf(lang string, cs ding.ColourScheme, b, prev *ding.Bulletin) *bulletinDiffData {
	t := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	d := &bulletinDiffData{This: b, Last: prev, Issue: fmt.Sprintf("%d年第%d期", b.Year, b.Month)}
	if prev == nil {
		return d
	}
	d.LastIssue = fmt.Sprintf("%d年第%d期", prev.Year, prev.Month)
	x, y := b.Data, prev.Data
	if x == nil {
		x = &ding.BulletinData{}
	}
	if y == nil {
		y = &ding.BulletinData{}
	}
	count := func(key string, a, c int64) {
		d.Figures = append(d.Figures, bulletinDiffRow{t("bulletinui.fig." + key), strconv.FormatInt(a, 10), strconv.FormatInt(c, 10), signed(a - c), deltaClass(float64(a - c))})
	}
	money := func(key string, a, c int64) {
		delta := yiText(a - c)
		if a-c > 0 {
			delta = "+" + delta
		}
		d.Figures = append(d.Figures, bulletinDiffRow{t("bulletinui.fig." + key), yiText(a), yiText(c), delta, deltaClass(float64(a - c))})
	}
	count("projects", x.Projects, y.Projects)
	money("investment", x.Investment, y.Investment)
	money("plan", x.Plan, y.Plan)
	money("completed", x.Completed, y.Completed)
	cx, cy := ding.R(x.Completed, x.Plan), ding.R(y.Completed, y.Plan)
	row := bulletinDiffRow{Label: t("bulletinui.fig.completion"), This: cx.Pct(), Last: cy.Pct(), Delta: "—"}
	if g := ding.ScheduleGap(cx, cy); g.OK {
		row.Delta, row.Class = g.PP(), deltaClass(g.Float())
	}
	d.Figures = append(d.Figures, row)
	gx := ding.ScheduleGap(cx, ding.Schedule(b.Year, b.Month, false))
	gy := ding.ScheduleGap(cy, ding.Schedule(prev.Year, prev.Month, false))
	row = bulletinDiffRow{Label: t("bulletinui.fig.gap"), This: gx.PP(), Last: gy.PP(), Delta: "—"}
	if g := ding.ScheduleGap(gx, gy); g.OK {
		row.Delta, row.Class = g.PP(), deltaClass(g.Float())
	}
	d.Figures = append(d.Figures, row)
	count("signed1", x.Signed1, y.Signed1)
	count("started", x.Started, y.Started)
	count("in_stats", x.InStats, y.InStats)
	count("red", x.Red, y.Red)
	count("yellow", x.Yellow, y.Yellow)
	count("blue", x.Blue, y.Blue)
	count("broken", int64(len(x.Broken)), int64(len(y.Broken)))
	last := map[int64]ding.BulletinUnit{}
	for _, u := range y.Units {
		last[u.UnitID] = u
	}
	for _, u := range x.Units {
		r := bulletinRankRow{UnitName: u.UnitName, Rank: u.Rank, ThisRate: ding.R(u.Completed, u.Plan).Pct(), LastRate: "—"}
		if l, ok := last[u.UnitID]; ok {
			r.LastRank, r.LastRate = l.Rank, ding.R(l.Completed, l.Plan).Pct()
		}
		if r.Rank != 0 && r.LastRank != 0 {
			r.Change, r.ChangeClass = rankChange(r.Rank, r.LastRank)
		} else {
			r.Change = "—"
		}
		d.Ranks = append(d.Ranks, r)
	}
	red := func(ws []ding.BulletinWarning) map[int64]bool {
		m := map[int64]bool{}
		for _, w := range ws {
			if w.Colour == "red" {
				m[w.ProjectID] = true
			}
		}
		return m
	}
	rx, ry := red(x.Warnings), red(y.Warnings)
	for _, w := range x.Warnings {
		if w.Colour == "red" && !ry[w.ProjectID] {
			d.RedIn = append(d.RedIn, w)
		}
	}
	for _, w := range y.Warnings {
		if w.Colour == "red" && !rx[w.ProjectID] {
			d.RedOut = append(d.RedOut, w)
		}
	}
	was := map[int64]bool{}
	for _, c := range y.Broken {
		was[c.ID] = true
	}
	for _, c := range x.Broken {
		if !was[c.ID] {
			d.NewBroken = append(d.NewBroken, c)
		}
	}
	return d
}

func (s *Server) bulletinDiff(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	b, err := s.db.FindBulletin(ctx, id)
	if err != nil {
		return err
	}
	prev, err := s.db.PreviousBulletin(ctx, b)
	if err != nil {
		return err
	}
	cs, err := s.db.Colours(ctx)
	if err != nil {
		return err
	}
	v := s.view(r, "bulletins")
	d := bulletinDiffOf(v.Lang, cs, b, prev)
	v.Title = v.T("bulletinui.diff_title", b.UnitName, d.Issue)
	v.Crumbs = []crumb{{Label: v.T("bulletinui.title"), URL: "/bulletins"}, {Label: d.Issue, URL: "/bulletins/" + itoa(b.ID)}, {Label: v.T("bulletinui.diff")}}
	v.Data = d
	s.render(w, r, "bulletin_diff", v)
	return nil
}

// bulletinPair hands a partial template the page's view and one value.
type bulletinPair struct {
	V *view
	X any
}

// Pair is how bulletin.html calls its partials: {{template "bl-note" ($d.Pair $ .)}}.
func (d *bulletinDoc) Pair(v *view, x any) bulletinPair { return bulletinPair{v, x} }

// Nums are the numerals of sub-sections: 一, 二, 三 …
func (d *bulletinDoc) Nums() []string {
	out := make([]string, 20)
	for i := range out {
		out[i] = cnNumeral(i + 1)
	}
	return out
}

package loadtest

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// run is a user's session: log in, then work until the run ends.
func (s *simUser) run(ctx context.Context) {
	if err := s.login(ctx); err != nil {
		return
	}
	for k := 0; ; k++ {
		var err error
		if s.li != nil {
			err = s.liaisonRound(ctx, k)
		} else {
			err = s.officeRound(ctx, k)
		}
		if err == errStop {
			return
		}
		// Any other error was an answer a page should not give, already recorded: the
		// person starts the next round from the list, as one would after an error page.
		if err := s.think(ctx); err != nil {
			return
		}
	}
}

// liaisonRound: the project list, a project, its report form, the month's report with
// photos; every other round, the items list, a demand, and an answer to it.
func (s *simUser) liaisonRound(ctx context.Context, k int) error {
	l := s.li
	if _, err := s.get(ctx, KindProjectList, "/projects"); err != nil {
		return err
	}
	if err := s.think(ctx); err != nil {
		return err
	}
	pid := l.projects[k%len(l.projects)]
	if _, err := s.get(ctx, KindProject, "/projects/"+itoa(pid)); err != nil {
		return err
	}
	if err := s.think(ctx); err != nil {
		return err
	}
	if err := s.submitReport(ctx, pid); err != nil {
		return err
	}
	if len(l.items) == 0 || k%2 == 1 {
		return nil
	}
	if err := s.think(ctx); err != nil {
		return err
	}
	if !s.skip(KindItemList) {
		if _, err := s.get(ctx, KindItemList, "/items?open=1"); err != nil {
			return err
		}
		if err := s.think(ctx); err != nil {
			return err
		}
	}
	return s.answerDemand(ctx, l.items[(k/2)%len(l.items)])
}

// invalid says whether the next write is sent invalid on purpose.
func (s *simUser) invalid() bool {
	return s.cfg.InvalidShare > 0 && s.rnd.IntN(100) < s.cfg.InvalidShare
}

// submitReport opens a project's report page and submits the month the form offers, with
// one or two photos, as the report form does.
func (s *simUser) submitReport(ctx context.Context, pid int64) error {
	path := "/projects/" + itoa(pid) + "/reports"
	p, err := s.get(ctx, KindReportForm, path)
	if err != nil {
		return err
	}
	m := periodRE.FindStringSubmatch(p.body)
	if m == nil || !strings.Contains(p.body, `id="report-form"`) {
		s.rec.fail(Failure{URL: s.base, Kind: KindReportForm, Method: http.MethodGet, Path: path, User: s.user.Username, Status: p.status,
			Message: "no report form with a selected month on the page"})
		return errUnexpected
	}
	if err := s.think(ctx); err != nil {
		return err
	}
	w := Write{Kind: KindReportSubmit, Marker: s.marker(), User: s.user.Username, ProjectID: pid, Period: m[1], UnitID: s.user.UnitID,
		Invalid: s.invalid()}
	pct := strconv.Itoa(10 + s.rnd.IntN(85))
	if w.Invalid {
		pct = "150" // 形象进度 over 100 %: the form must refuse it
	}
	form := url.Values{
		"_csrf":         {s.csrf},
		"period":        {w.Period},
		"completed":     {fmt.Sprintf("%d.%02d", 50+s.rnd.IntN(5000), s.rnd.IntN(100))},
		"progress_text": {"月末填报 " + w.Marker + "：主体结构施工，完成当月形象进度"},
		"progress_pct":  {pct},
		"problems":      {""},
		"next_steps":    {"按计划推进下一阶段建设"},
	}
	w.Photos = 1 + s.rnd.IntN(2)
	var files []file
	for i := 0; i < w.Photos; i++ {
		f := photo(w.Marker, i)
		files = append(files, f)
	}
	want := []int{http.StatusSeeOther, anyRefusal}
	ans, err := s.postMultipart(ctx, KindReportSubmit, path, form, files, want...)
	s.recordWrite(w, ans, err)
	return err
}

// answerDemand opens a demand and, if it offers the report step for the user's unit,
// answers it with the step form's version.
func (s *simUser) answerDemand(ctx context.Context, id int64) error {
	path := "/items/" + itoa(id)
	p, err := s.get(ctx, KindItem, path)
	if err != nil {
		return err
	}
	m := reportStepRE.FindStringSubmatch(p.body)
	if m == nil {
		return nil // no longer open for a report (closed meanwhile by the office)
	}
	v := versionRE.FindStringSubmatch(m[1])
	unit := ""
	for _, u := range unitRE.FindAllStringSubmatch(m[1], -1) {
		if id := u[1] + u[2]; id == itoa(s.user.UnitID) {
			unit = id
		}
	}
	if v == nil || unit == "" {
		return nil
	}
	if err := s.think(ctx); err != nil {
		return err
	}
	w := Write{Kind: KindDemandAnswer, Marker: s.marker(), User: s.user.Username, ItemID: id, UnitID: s.user.UnitID, Invalid: s.invalid()}
	comment := "月末答复 " + w.Marker + "：已对接企业，正在加快办理相关手续。"
	if w.Invalid {
		comment += strings.Repeat("超", 2001) // over the 2,000 characters an answer may have
	}
	form := url.Values{"_csrf": {s.csrf}, "action": {"report"}, "version": {html.UnescapeString(v[1])}, "unit_id": {unit}, "comment": {comment}}
	ans, err := s.postForm(ctx, KindDemandAnswer, "/items/"+itoa(id)+"/step", form, http.StatusSeeOther, anyRefusal)
	s.recordWrite(w, ans, err)
	return err
}

// recordWrite keeps a write with the server's answer (none: it was sent but not
// answered). A write the run ended before sending is not kept.
func (s *simUser) recordWrite(w Write, ans *page, err error) {
	if err == errStop {
		return
	}
	if ans != nil {
		w.Status = ans.status
		if !w.Accepted() {
			w.Message = errorMessage(ans.body)
		}
	}
	s.rec.write(w)
}

// officeRound: the dashboard (now and then drilled down to a unit), the project list with
// a filter and a sort, a project, the warnings board, the overdue items, and in one round
// of five an export of a filtered list.
func (s *simUser) officeRound(ctx context.Context, k int) error {
	o := s.of
	dash := "/dashboard"
	if k%3 == 2 && len(o.units) > 0 {
		dash += "?unit=" + itoa(o.units[s.rnd.IntN(len(o.units))])
	}
	steps := []struct{ kind, path string }{
		{KindDashboard, dash},
		{KindProjectList, s.projectQuery(k)},
		{KindProject, "/projects/" + itoa(o.projects[k%len(o.projects)])},
		{KindWarnings, []string{"/warnings", "/warnings?colour=red", "/warnings?colour=yellow"}[k%3]},
		{KindItemList, []string{"/items?overdue=1", "/items?open=1&sort=due", "/items?kind=demand"}[k%3]},
	}
	first := true
	for _, st := range steps {
		if s.skip(st.kind) {
			continue
		}
		if !first {
			if err := s.think(ctx); err != nil {
				return err
			}
		}
		first = false
		if _, err := s.get(ctx, st.kind, st.path); err != nil {
			return err
		}
	}
	if k%5 == 0 && !s.skip(KindExport) {
		if err := s.think(ctx); err != nil {
			return err
		}
		if _, err := s.get(ctx, KindExport, "/projects/export.xlsx?stage=started&sort=total_investment&desc=1"); err != nil {
			return err
		}
	}
	return nil
}

// skip reports whether the users leave a kind of page out (Config.Skip).
func (s *simUser) skip(kind string) bool { return slices.Contains(s.cfg.Skip, kind) }

// projectQuery is the k-th project list an office user looks at: by stage, sorted, paged,
// searched.
func (s *simUser) projectQuery(k int) string {
	o := s.of
	qs := []string{
		"/projects",
		"/projects?stage=started&stage=completed&stage=producing&sort=total_investment&desc=1",
		"/projects?sort=completed_ytd&desc=1&page=2",
		"/projects?stage=signed&sort=total_investment&desc=1",
		"/projects?colour=red",
	}
	if len(o.words) > 0 {
		qs = append(qs, "/projects?q="+url.QueryEscape(o.words[k%len(o.words)]))
	}
	return qs[k%len(qs)]
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

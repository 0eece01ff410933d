package web

// The wall screen (指挥中心大屏): a full-screen dark page for a 1920×1080 projector that
// runs for days. It is opened with a read-only screen token in its address, never with a
// person's session: GET /screen/{secret} draws the page and GET /screen/{secret}/data.json
// gives the same figures, which static/screen.js fetches every minute to update the page
// in place. A revoked or unknown token answers 401 on both, and the screen says so and
// stops. The office manages the tokens at /settings/screens.

import (
	"bytes"
	"context"
	"html/template"
	"math"
	"net/http"
	"sort"
	"strconv"

	"ding"
	"ding/auth"
	"ding/chart"
	"ding/i18n"
	"ding/store"
)

func (s *Server) screenRoutes() {
	s.handle("GET /settings/screens", s.page(s.screenTokensPage, true))
	s.handle("POST /settings/screens", s.page(s.screenTokenCreate, true))
	s.handle("POST /settings/screens/{id}/revoke", s.page(s.screenTokenRevoke, true))
	s.handle("GET /screen/{secret}", s.screenPage)
	s.handle("GET /screen/{secret}/data.json", s.screenDataJSON)
}

// ---- token management ----

func (s *Server) screenTokensPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderScreenTokens(w, r, http.StatusOK, s.view(r, "settings"), "")
}

// renderScreenTokens lists the tokens with the creation form; url, when set, is the
// address of a screen just made, shown this once.
func (s *Server) renderScreenTokens(w http.ResponseWriter, r *http.Request, status int, v *view, url string) error {
	if !isOffice(reqOf(r).actor) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	ctx := r.Context()
	tokens, err := s.db.FindScreenTokens(ctx)
	if err != nil {
		return err
	}
	a := reqOf(r).actor
	uf := ding.UnitFilter{}
	if !(a.System || a.Scope == ding.ScopeAll) {
		uf.Under = a.UnitID
	}
	units, _, err := s.db.FindUnits(ctx, uf)
	if err != nil {
		return err
	}
	v.Title = v.T("screenui.tokens_title")
	v.Crumbs = []crumb{{Label: v.T("settings.title"), URL: "/settings"}, {Label: v.Title}}
	if v.Form == nil {
		v.Form = map[string][]string{"unit_id": {strconv.FormatInt(a.UnitID, 10)}}
	}
	v.Data = map[string]any{"Tokens": tokens, "Units": units, "URL": url}
	s.renderStatus(w, r, status, "screen_tokens", v)
	return nil
}

// screenTokenCreate makes a token and shows the screen's address on the answer itself:
// only the secret's hash is stored.
func (s *Server) screenTokenCreate(w http.ResponseWriter, r *http.Request) error {
	if !isOffice(reqOf(r).actor) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	unitID, err := formInt(r, "unit_id")
	if err != nil {
		return err
	}
	secret, shown := auth.NewAPIToken()
	t := &store.ScreenToken{Name: r.PostFormValue("name"), UnitID: unitID, Prefix: shown}
	if err := s.db.CreateScreenToken(r.Context(), t, auth.HashSecret(secret)); err != nil {
		if ding.AsError(err).Field == "" {
			return err
		}
		v := s.view(r, "settings")
		v.Form = r.PostForm
		v.withFormError(err)
		return s.renderScreenTokens(w, r, statusOf(ding.ErrorCode(err)), v, "")
	}
	v := s.view(r, "settings")
	v.Flash = v.T("flash.created")
	return s.renderScreenTokens(w, r, http.StatusOK, v, s.accountBase(r)+"/screen/"+secret)
}

func (s *Server) screenTokenRevoke(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.db.RevokeScreenToken(r.Context(), id); err != nil {
		return err
	}
	return redirect(w, r, "/settings/screens", "revoked")
}

// ---- the screen ----

// screenData is what the screen shows, for the page and data.json alike.
type screenData struct {
	Title     string           `json:"title"`
	Unit      string           `json:"unit"`
	Period    string           `json:"period"`  // 2026年11月
	Updated   string           `json:"updated"` // HH:MM, Asia/Shanghai
	Figures   []screenFigure   `json:"figures"`
	Schedule  string           `json:"schedule"` // 时序进度, "91.7%"
	Ranking   []screenRank     `json:"ranking"`
	RankSVG   string           `json:"ranking_svg"` // the ranking drawn by chart.RankBars
	Red       []screenRed      `json:"red"`
	RedTotal  int              `json:"red_total"`
	Decisions []screenDecision `json:"decisions"`
	Cats      []screenCategory `json:"categories"`
	StageSVG  string           `json:"stage_svg"`
	ColourSVG string           `json:"colour_svg"`
	// Raw are the store's numbers behind the figures.
	Raw screenRaw `json:"raw"`
}

type screenRaw struct {
	Projects   int64         `json:"projects"`
	Investment int64         `json:"investment"`
	Plan       int64         `json:"plan"`
	Completed  int64         `json:"completed"`
	Completion ding.Ratio    `json:"completion"`
	Schedule   ding.Ratio    `json:"schedule"`
	Red        int64         `json:"red"`
	Overdue    int64         `json:"overdue_items"`
	Colours    []store.Count `json:"colours"`
}

type screenFigure struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Value string `json:"value"`
	Unit  string `json:"unit"`
	Note  string `json:"note"`
	Alert bool   `json:"alert"`
}

type screenRank struct {
	N          int    `json:"n"`
	Name       string `json:"name"`
	Completion string `json:"completion"`
	Gap        string `json:"gap"`
	Behind     bool   `json:"behind"`
	Red        int64  `json:"red"`
	RedLabel   string `json:"red_label"` // "红2", or "" for none
}

type screenRed struct {
	Project string `json:"project"`
	Unit    string `json:"unit"`
	Reason  string `json:"reason"`
	Periods int    `json:"periods"`
}

type screenDecision struct {
	Title    string `json:"title"`
	Project  string `json:"project"`
	Decision string `json:"decision"`
	By       string `json:"by"`
	When     string `json:"when"`
}

type screenCategory struct {
	Label  string `json:"label"`
	Value  string `json:"value"`
	Growth string `json:"growth"`
	Down   bool   `json:"down"`
}

// screenActor resolves the address's secret to the screen's read-only actor, put in the
// context.
func (s *Server) screenActor(r *http.Request) (context.Context, *store.ScreenToken, error) {
	secret := r.PathValue("secret")
	if secret == "" || len(secret) > 200 {
		return nil, nil, ding.Errorf(ding.EUNAUTHORIZED, "screen.revoked")
	}
	a, t, err := s.db.ScreenActor(r.Context(), auth.HashSecret(secret))
	if err != nil {
		return nil, nil, err
	}
	a.IP = reqOf(r).ip
	return ding.WithActor(r.Context(), a), t, nil
}

func screenLang(r *http.Request) string {
	if l := reqOf(r).lang; l != "" {
		return l
	}
	return i18n.Default
}

func screenHeaders(w http.ResponseWriter, ctype string) {
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer") // the address holds the secret
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'")
}

// screenPageView is what screen.html gets.
type screenPageView struct {
	Lang    string
	Static  func(string) string
	Revoked bool
	D       *screenData
}

// SVG marks a chart drawn by package chart, which escapes every text, as HTML.
func (v *screenPageView) SVG(s string) template.HTML { return template.HTML(s) } //nolint:gosec // chart escapes its text

func (v *screenPageView) T(key string, args ...any) string { return i18n.T(v.Lang, key, args...) }

func (s *Server) screenPage(w http.ResponseWriter, r *http.Request) {
	v := &screenPageView{Lang: screenLang(r), Static: s.static.url}
	ctx, _, err := s.screenActor(r)
	status := http.StatusOK
	if err == nil {
		v.D, err = s.loadScreen(ctx, v.Lang)
	}
	if err != nil {
		if ding.ErrorCode(err) != ding.EUNAUTHORIZED {
			s.log.Error("screen", "err", err)
			status = http.StatusInternalServerError
		} else {
			status = http.StatusUnauthorized
		}
		v.Revoked, v.D = true, nil
	}
	var b bytes.Buffer
	if err := s.pages["screen"].ExecuteTemplate(&b, "screen_doc", v); err != nil {
		s.log.Error("render screen", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	screenHeaders(w, "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

func (s *Server) screenDataJSON(w http.ResponseWriter, r *http.Request) {
	lang := screenLang(r)
	ctx, _, err := s.screenActor(r)
	var d *screenData
	if err == nil {
		d, err = s.loadScreen(ctx, lang)
	}
	screenHeaders(w, "application/json; charset=utf-8")
	if err != nil {
		e := ding.AsError(err)
		status := statusOf(e.Code)
		if e.Code != ding.EUNAUTHORIZED {
			s.log.Error("screen data", "err", err)
		}
		writeJSON(w, status, apiError{Error: apiErrorBody{Code: e.Code, Message: i18n.T(lang, "screenui.revoked")}})
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// yi shows yuan as 亿元 with two decimals (none from 1,000亿 on, to fit a figure's box).
func yi(yuan int64) string {
	neg := yuan < 0
	if neg {
		yuan = -yuan
	}
	if yuan >= 1000*ding.Yi {
		s := strconv.FormatInt((yuan+ding.Yi/2)/ding.Yi, 10)
		if neg {
			s = "-" + s
		}
		return s
	}
	cents := (yuan + 500000) / 1000000 // hundredths of 亿
	s := strconv.FormatInt(cents/100, 10) + "." + strconv.FormatInt(100+cents%100, 10)[1:]
	if neg {
		s = "-" + s
	}
	return s
}

// permille is a ratio in tenths of a percent (625 for 62.5 %), bounded so that no absurd
// ratio overflows; 0 when undefined.
func permille(r ding.Ratio) int64 {
	if !r.OK {
		return 0
	}
	return int64(math.Round(min(max(r.Float()*1000, -1e12), 1e12)))
}

// loadScreen reads the figures of the screen's unit, as the screen actor in ctx.
func (s *Server) loadScreen(ctx context.Context, lang string) (*screenData, error) {
	t := func(k string, args ...any) string {
		if lang == "en" && k == "screenui.unit_n" {
			return "" // English counts need no measure word
		}
		return i18n.T(lang, k, args...)
	}
	now := s.db.Now()
	// The warnings' day: today, or the demo's as-of date.
	today, err := s.db.WarningToday(ctx)
	if err != nil {
		return nil, err
	}
	dash, err := s.db.DashboardFor(ctx, 0, today.Year, int(today.Month))
	if err != nil {
		return nil, err
	}
	cs, err := s.db.Colours(ctx)
	if err != nil {
		return nil, err
	}
	worst := ding.Colour("red")
	best := 0
	for _, l := range cs {
		if l.Rank > best {
			best, worst = l.Rank, l.Key
		}
	}
	d := &screenData{
		Unit: dash.UnitName, Period: t("screenui.period", dash.Year, dash.Month),
		Updated: now.In(shanghai).Format("15:04"), Schedule: dash.Schedule.Pct(),
	}
	d.Title = t("screenui.title", dash.UnitName)
	var red int64
	for _, c := range dash.Colours {
		if c.Key == string(worst) {
			red = c.N
		}
	}
	var newWarn int64
	for _, c := range dash.NewWarnings {
		newWarn += c.N
	}
	d.Raw = screenRaw{Projects: dash.Projects, Investment: dash.Investment, Plan: dash.Plan, Completed: dash.Completed,
		Completion: dash.Completion, Schedule: dash.Schedule, Red: red, Overdue: dash.OverdueItems, Colours: dash.Colours}
	behind := dash.Completion.OK && dash.Schedule.OK && dash.Completion.Less(dash.Schedule)
	d.Figures = []screenFigure{
		{Key: "projects", Label: t("screenui.fig_projects"), Value: strconv.FormatInt(dash.Projects, 10), Unit: t("screenui.unit_n")},
		{Key: "investment", Label: t("screenui.fig_investment"), Value: yi(dash.Investment), Unit: t("screenui.unit_yi")},
		{Key: "plan", Label: t("screenui.fig_plan"), Value: yi(dash.Plan), Unit: t("screenui.unit_yi")},
		{Key: "completed", Label: t("screenui.fig_completed"), Value: yi(dash.Completed), Unit: t("screenui.unit_yi")},
		{Key: "completion", Label: t("screenui.fig_completion"), Value: dash.Completion.Pct(), Alert: behind,
			Note: t("screenui.schedule_note", dash.Gap.PP())},
		{Key: "red", Label: t("screenui.fig_red", colourName(lang, cs, worst)), Value: strconv.FormatInt(red, 10), Unit: t("screenui.unit_n"), Alert: red > 0,
			Note: t("screenui.new_warnings", newWarn, dash.Cleared)},
		{Key: "overdue", Label: t("screenui.fig_overdue"), Value: strconv.FormatInt(dash.OverdueItems, 10), Unit: t("screenui.unit_n"), Alert: dash.OverdueItems > 0},
	}

	// The ranking: the children by completion, best first; no plan last.
	units := append([]store.UnitLine(nil), dash.Units...)
	sort.SliceStable(units, func(i, j int) bool {
		a, b := units[i].Completion, units[j].Completion
		if a.OK != b.OK {
			return a.OK
		}
		return a.OK && b.Cmp(a) < 0
	})
	rank := chart.RankBars{ID: "scr-rank", Unit: "%", Format: chart.Scaled(1, 1), Max: 1000, Empty: t("screenui.none"),
		Width: 440, RowHeight: 24, Dark: true}
	if dash.Schedule.OK {
		rank.Ref = &chart.Ref{Label: t("screenui.schedule"), Value: permille(dash.Schedule)}
	}
	for i, u := range units {
		if i == 12 {
			break
		}
		r := screenRank{N: i + 1, Name: u.UnitName, Completion: u.Completion.Pct(), Gap: u.Gap.PP(),
			Behind: u.Completion.OK && dash.Schedule.OK && u.Completion.Less(dash.Schedule), Red: u.Red}
		if u.Red > 0 {
			r.RedLabel = t("screenui.red_n", u.Red)
		}
		d.Ranking = append(d.Ranking, r)
		rank.Items = append(rank.Items, chart.RankItem{Label: r.Name, Value: permille(u.Completion), Missing: !u.Completion.OK,
			Highlight: r.Behind, Note: r.RedLabel})
		if r.Behind {
			rank.HighlightLabel = t("screenui.behind")
		}
	}
	d.RankSVG = string(rank.SVG())

	// The red list.
	ws, n, err := s.db.FindWarnings(ctx, store.WarningFilter{Colour: worst, Limit: 10})
	if err != nil {
		return nil, err
	}
	d.RedTotal = n
	for _, w := range ws {
		d.Red = append(d.Red, screenRed{Project: w.ProjectName, Unit: w.UnitName, Reason: i18n.T(lang, w.Reason, w.Args...), Periods: w.Periods})
	}

	// Recent decisions: demands decided, whatever became of them since.
	var decided []*ding.Item
	for _, st := range []ding.ItemStatus{ding.ItemDecided, ding.ItemHandling, ding.ItemClosed, ding.ItemConfirmed} {
		its, _, err := s.db.FindItems(ctx, store.ItemFilter{Status: st, Sort: "raised_on", Desc: true, Limit: 8})
		if err != nil {
			return nil, err
		}
		for _, it := range its {
			if it.DecidedAt != nil && it.Decision != "" {
				decided = append(decided, it)
			}
		}
	}
	sort.SliceStable(decided, func(i, j int) bool { return decided[i].DecidedAt.After(*decided[j].DecidedAt) })
	for i, it := range decided {
		if i == 6 {
			break
		}
		by := it.DecidedName
		if it.OnSite {
			by += " · " + t("screenui.on_site")
		}
		d.Decisions = append(d.Decisions, screenDecision{Title: it.Title, Project: it.ProjectName, Decision: it.Decision, By: by,
			When: it.DecidedAt.In(shanghai).Format("01-02 15:04")})
	}

	// Categories: investment completed this year and its growth.
	for _, c := range dash.Categories {
		d.Cats = append(d.Cats, screenCategory{Label: t("screenui.cat_" + c.Key), Value: yi(c.This), Growth: c.Growth.PP(),
			Down: c.Growth.OK && c.Growth.Num < 0})
	}

	// Charts, drawn dark.
	var parts []chart.Part
	for _, st := range dash.ByStage {
		if st.N == 0 {
			continue
		}
		parts = append(parts, chart.Part{Name: t("stage." + string(st.Stage)), Value: st.N})
	}
	d.StageSVG = string(chart.Donut{ID: "scr-stage", Parts: parts, Unit: t("screenui.unit_n"), Empty: t("screenui.none"),
		Width: 440, Height: 400, Dark: true}.SVG())
	parts = nil
	for _, l := range cs {
		for _, c := range dash.Colours {
			if c.Key == string(l.Key) {
				parts = append(parts, chart.Part{Name: colourName(lang, cs, l.Key), Value: c.N, Colour: warningFill[string(l.Key)]})
			}
		}
	}
	d.ColourSVG = string(chart.Donut{ID: "scr-colour", Parts: parts, Unit: t("screenui.unit_n"), Empty: t("screenui.none"),
		Width: 440, Height: 400, Dark: true}.SVG())
	return d, nil
}

// warningFill draws the built-in warning colours as themselves on the screen's donut (a
// colour added to the scheme takes the palette's).
var warningFill = map[string]string{"red": "#e03131", "yellow": "#f2b705", "blue": "#1c7ed6"}

package web

// Competition schemes (季比拼, 年度考核) and the 流动红旗 (ding/scheme.go, package score,
// store/schemes.go): the list of schemes the caller can see, the definition form (items
// and participants as rows), a scheme's page with its periods, flags and honours, a
// period's result (a trial from the live figures until the office locks the data cut,
// then the locked scores) with bonuses, penalties and exemptions, a ranking chart (package
// chart's RankBars) and an Excel export, and the public honour board (/honours), which needs no
// login and shows only public schemes.

import (
	"bytes"
	"context"
	"html/template"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"ding"
	"ding/chart"
	"ding/i18n"
	"ding/score"
	"ding/store"
	"ding/xlsx"
)

func (s *Server) schemePageRoutes() {
	s.handle("GET /schemes", s.page(s.schemesPage, true))
	s.handle("GET /schemes/new", s.page(s.schemeNewPage, true))
	s.handle("POST /schemes", s.page(s.schemeCreate, true))
	s.handle("GET /schemes/{id}", s.page(s.schemePage, true))
	s.handle("GET /schemes/{id}/edit", s.page(s.schemeEditPage, true))
	s.handle("POST /schemes/{id}/edit", s.page(s.schemeUpdate, true))
	s.handle("GET /schemes/{id}/open", s.page(s.schemeOpenPeriod, true))
	s.handle("GET /schemes/{id}/periods/{period}", s.page(s.schemeResultPage, true))
	s.handle("GET /schemes/{id}/periods/{period}/export.xlsx", s.page(s.schemeResultExport, true))
	s.handle("POST /schemes/{id}/periods/{period}/lock", s.page(s.schemeLock, true))
	s.handle("POST /schemes/{id}/periods/{period}/unlock", s.page(s.schemeUnlock, true))
	s.handle("POST /schemes/{id}/periods/{period}/adjustments", s.page(s.schemeAdjustAdd, true))
	s.handle("POST /schemes/{id}/adjustments/{aid}/remove", s.page(s.schemeAdjustRemove, true))
	// The honour board is public, like the login page: no login needed.
	s.handle("GET /honours", s.page(s.schemeHonoursPage, false))
}

// schemeKinds are the period kinds in the order forms offer them.
var schemeKinds = []ding.SchemePeriodKind{ding.SchemeQuarterly, ding.SchemeMonthly, ding.SchemeYearly}

// schemeOption is a choice of a select.
type schemeOption struct {
	Value, Label string
}

// canRunScheme mirrors the store's rule for offering the office's forms: the office (or
// an administrator) whose scope holds the organizer. The store decides on every write.
func (s *Server) canRunScheme(ctx context.Context, a *ding.Actor, organizer int64) (bool, error) {
	if !isOffice(a) {
		return false, nil
	}
	switch {
	case a.System || a.Scope == ding.ScopeAll:
		return true, nil
	case a.Scope == ding.ScopeSelf:
		return false, nil
	case a.UnitID == organizer:
		return true, nil
	case a.Scope != ding.ScopeUnitTree:
		return false, nil
	}
	if _, err := s.db.FindUnitByID(ctx, organizer); err != nil {
		if ding.ErrorCode(err) == ding.ENOTFOUND {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// schemePeriodLabel names a period for people: 2024年第2季度, 2024年3月, 2024年度.
func schemePeriodLabel(lang string, p ding.SchemePeriod) string {
	switch p.Kind {
	case ding.SchemeQuarterly:
		return i18n.T(lang, "schemeui.plabel.quarter", p.Year, p.N)
	case ding.SchemeMonthly:
		return i18n.T(lang, "schemeui.plabel.month", p.Year, p.N)
	}
	return i18n.T(lang, "schemeui.plabel.year", p.Year)
}

// schemePeriodOfDay is the period of a kind that holds the day.
func schemePeriodOfDay(kind ding.SchemePeriodKind, d ding.Date) ding.SchemePeriod {
	switch kind {
	case ding.SchemeQuarterly:
		return ding.SchemePeriod{Kind: kind, Year: d.Year, N: (int(d.Month)-1)/3 + 1}
	case ding.SchemeMonthly:
		return ding.SchemePeriod{Kind: kind, Year: d.Year, N: int(d.Month)}
	}
	return ding.SchemePeriod{Kind: kind, Year: d.Year}
}

// schemePath is the URL of a scheme's page, or of one of its periods.
func schemePath(id int64, period ...string) string {
	p := "/schemes/" + itoa(id)
	if len(period) > 0 {
		p += "/periods/" + url.PathEscape(period[0])
	}
	return p
}

// schemeSigned shows an adjustment's effect: "+5", "−2.5", "" for none.
func schemeSigned(c int64) string {
	switch {
	case c > 0:
		return "+" + ding.Points(c)
	case c < 0:
		return "−" + ding.Points(-c)
	}
	return ""
}

// schemePercent reads a percentage typed in a form ("5", "12.5%") in basis points (500, 1250).
func schemePercent(s string) (int64, error) {
	return ding.Measure{Name: "%", Scale: 100, Decimals: 2}.Parse(s)
}

// --- the list ---------------------------------------------------------------------------

// schemeRow is a scheme of the list with its latest locked period and flag holders.
type schemeRow struct {
	S            *ding.Scheme
	PeriodName   string
	Items        int
	Participants int
	Groups       int
	Latest       string // the latest locked period's label, "" when none is locked
	LatestURL    string
	Holders      []schemeAward
}

// schemesData is what schemes.html shows.
type schemesData struct {
	Rows     []schemeRow
	CanNew   bool
	Q        string
	Period   string
	Disabled bool
	Periods  []schemeOption
	Filtered bool
}

func (s *Server) schemesPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	v := s.view(r, "schemes")
	d := &schemesData{CanNew: isOffice(reqOf(r).actor), Q: strings.TrimSpace(q.Get("q")), Disabled: q.Get("disabled") == "1"}
	if p := q.Get("period"); slices.Contains(schemeKinds, ding.SchemePeriodKind(p)) {
		d.Period = p
	}
	d.Filtered = d.Q != "" || d.Period != "" || d.Disabled
	for _, k := range schemeKinds {
		d.Periods = append(d.Periods, schemeOption{string(k), v.T("scheme.period." + string(k))})
	}
	ss, err := s.db.FindSchemes(ctx, store.SchemeFilter{Disabled: d.Disabled})
	if err != nil {
		return err
	}
	for _, sc := range ss {
		if d.Q != "" && !strings.Contains(sc.Name, d.Q) && !strings.Contains(sc.OrganizerName, d.Q) {
			continue
		}
		if d.Period != "" && string(sc.Period) != d.Period {
			continue
		}
		row := schemeRow{S: sc, PeriodName: v.T("scheme.period." + string(sc.Period)), Items: len(sc.Items), Participants: len(sc.Participants),
			Groups: len(sc.Groups())}
		h, err := s.db.Flags(ctx, sc.ID)
		if err != nil {
			return err
		}
		if n := len(h.Periods); n > 0 {
			p := h.Periods[n-1].Period
			row.Latest, row.LatestURL = schemePeriodLabel(v.Lang, p), schemePath(sc.ID, p.String())
			for _, a := range h.Current {
				row.Holders = append(row.Holders, schemeAwardOf(v.Lang, a))
			}
		}
		d.Rows = append(d.Rows, row)
	}
	v.Title = v.T("schemeui.title")
	v.Crumbs = []crumb{{Label: v.Title}}
	v.Data = d
	s.render(w, r, "schemes", v)
	return nil
}

// --- the definition form ----------------------------------------------------------------

// schemeSpareItems and schemeSpareParts are the empty rows a form offers without JS.
const (
	schemeSpareItems = 2
	schemeSpareParts = 3
)

// schemeItemRow is an item of the form as typed, kept as strings so that a refused form
// shows exactly what was entered.
type schemeItemRow struct {
	Index                            int // the suffix of the row's fields: item_weight_3 …
	Indicator, Basis, Method, Weight string
	Step, Cap, Benchmark             string
	Spare, Error                     bool
}

func (r schemeItemRow) blank() bool {
	return r.Indicator == "" && r.Weight == "" && r.Step == "" && r.Cap == "" && r.Benchmark == ""
}

// schemePartRow is a participant of the form as typed.
type schemePartRow struct {
	Index       int
	Unit, Group string
	Spare       bool
}

func (r schemePartRow) blank() bool { return r.Unit == "" && r.Group == "" }

// schemeUnitOption is a unit of the organizer and participant selects; the participant
// rows' "add the units under the organizer" button reads the parent and kind.
type schemeUnitOption struct {
	ID       int64
	Label    string
	ParentID int64
	Kind     string // the kind's name in Chinese, the default peer group (乡镇街道, 部门)
	Disabled bool
}

// schemeIndOption is an indicator of the item selects.
type schemeIndOption struct {
	ID       int64
	Name     string
	Measure  string
	Disabled bool
}

// schemeFormData is what scheme_form.html shows.
type schemeFormData struct {
	S          *ding.Scheme // nil for a new scheme
	Action     string
	Stale      bool
	Units      []schemeUnitOption
	Indicators []schemeIndOption
	Kinds      []schemeOption
	Bases      []schemeOption
	Methods    []schemeOption
	Items      []schemeItemRow
	Parts      []schemePartRow
	NextItem   int
	NextPart   int
}

// schemeItemField and schemePartField match the fields of a row.
var (
	schemeItemField = regexp.MustCompile(`^item_(?:indicator|basis|method|weight|step|cap|benchmark)_([0-9]{1,4})$`)
	schemePartField = regexp.MustCompile(`^part_(?:unit|group)_([0-9]{1,4})$`)
)

// schemeRowIndexes lists the suffixes of the fields matching re, in order.
func schemeRowIndexes(f url.Values, re *regexp.Regexp) []int {
	seen := map[int]bool{}
	for k := range f {
		if m := re.FindStringSubmatch(k); m != nil {
			n, _ := strconv.Atoi(m[1])
			seen[n] = true
		}
	}
	idx := slices.Collect(maps.Keys(seen))
	sort.Ints(idx)
	return idx
}

// schemeRowsFromForm reads the item and participant rows of a posted form, without the
// empty ones.
func schemeRowsFromForm(f url.Values) ([]schemeItemRow, []schemePartRow) {
	var items []schemeItemRow
	for _, n := range schemeRowIndexes(f, schemeItemField) {
		get := func(name string) string { return strings.TrimSpace(f.Get("item_" + name + "_" + strconv.Itoa(n))) }
		row := schemeItemRow{Indicator: get("indicator"), Basis: get("basis"), Method: get("method"), Weight: get("weight"),
			Step: get("step"), Cap: get("cap"), Benchmark: get("benchmark")}
		if !row.blank() {
			items = append(items, row)
		}
	}
	var parts []schemePartRow
	for _, n := range schemeRowIndexes(f, schemePartField) {
		get := func(name string) string { return strings.TrimSpace(f.Get("part_" + name + "_" + strconv.Itoa(n))) }
		row := schemePartRow{Unit: get("unit"), Group: get("group")}
		if !row.blank() {
			parts = append(parts, row)
		}
	}
	return items, parts
}

// schemeFromForm reads a scheme from the posted form. Points are typed as points ("12.5"),
// the step and the cap as percentages, the benchmark in the indicator's unit for the value
// basis and as a percentage otherwise; the parameters the method does not use are
// dropped. Problems come in the order of the form.
func schemeFromForm(f url.Values, items []schemeItemRow, parts []schemePartRow, inds map[int64]*ding.Indicator) (*ding.Scheme, formErrors) {
	var fe formErrors
	sc := &ding.Scheme{Name: f.Get("name"), Period: ding.SchemePeriodKind(strings.TrimSpace(f.Get("period"))),
		FlagName: f.Get("flag_name"), Public: f.Get("public") == "1", Note: f.Get("note"), Disabled: f.Get("disabled") == "1"}
	sc.OrganizerID = formID(f, "organizer_id", &fe)
	if t := strings.TrimSpace(f.Get("total_points")); t != "" {
		v, err := ding.ParsePoints(t)
		if err != nil {
			fe.add(ding.FieldError("total_points", "scheme.points_invalid", t))
		}
		sc.TotalPoints = v
	}
	if k := strings.TrimSpace(f.Get("flag_count")); k != "" {
		n, err := strconv.Atoi(k)
		if err != nil {
			fe.add(ding.FieldError("flag_count", "scheme.flag_count_invalid"))
		}
		sc.FlagCount = n
	}
	for i, row := range items {
		n := i + 1
		it := ding.SchemeItem{Basis: ding.Basis(row.Basis), Method: ding.Method(row.Method)}
		id, err := strconv.ParseInt(row.Indicator, 10, 64)
		if row.Indicator == "" || err != nil || id <= 0 {
			fe.add(ding.FieldError("items", "scheme.item_indicator", n))
		}
		it.IndicatorID = id
		if row.Weight == "" {
			fe.add(ding.FieldError("items", "scheme.item_weight", n))
		} else if it.Weight, err = ding.ParsePoints(row.Weight); err != nil {
			fe.add(ding.FieldError("items", "schemeui.item_points_invalid", n, row.Weight))
		}
		if it.Method == ding.MethodRank && row.Step != "" {
			if it.Step, err = schemePercent(row.Step); err != nil {
				fe.add(ding.FieldError("items", "schemeui.item_percent_invalid", n, row.Step))
			}
		}
		if (it.Method == ding.MethodTargetProp || it.Method == ding.MethodRatio) && row.Cap != "" {
			if it.Cap, err = schemePercent(row.Cap); err != nil {
				fe.add(ding.FieldError("items", "schemeui.item_percent_invalid", n, row.Cap))
			}
		}
		if it.Method == ding.MethodRatio && row.Benchmark != "" {
			if it.Basis == ding.BasisValue {
				m := ding.Measures[0]
				if ind := inds[id]; ind != nil {
					m = ind.M()
				}
				it.Benchmark, err = m.Parse(row.Benchmark)
			} else {
				it.Benchmark, err = schemePercent(row.Benchmark)
			}
			if err != nil {
				fe.add(ding.FieldError("items", "schemeui.item_benchmark_invalid", n, row.Benchmark))
			}
		}
		sc.Items = append(sc.Items, it)
	}
	for i, row := range parts {
		id, err := strconv.ParseInt(row.Unit, 10, 64)
		if row.Unit == "" || err != nil || id <= 0 {
			fe.add(ding.FieldError("participants", "schemeui.part_unit_required", i+1))
		}
		sc.Participants = append(sc.Participants, ding.Participant{UnitID: id, Group: row.Group})
	}
	return sc, fe
}

// schemeFormFields are the form's fields in the order they are shown.
var schemeFormFields = []string{"name", "organizer_id", "period", "total_points", "flag_count", "flag_name", "note", "items", "participants"}

// schemeFormValues shows a saved scheme in the form.
func schemeFormValues(sc *ding.Scheme, inds map[int64]*ding.Indicator) (url.Values, []schemeItemRow, []schemePartRow) {
	f := url.Values{"name": {sc.Name}, "organizer_id": {itoa(sc.OrganizerID)}, "period": {string(sc.Period)},
		"total_points": {ding.Points(sc.TotalPoints)}, "flag_count": {strconv.Itoa(sc.FlagCount)}, "flag_name": {sc.FlagName},
		"note": {sc.Note}, "version": {strconv.Itoa(sc.Version)}}
	if sc.Public {
		f.Set("public", "1")
	}
	if sc.Disabled {
		f.Set("disabled", "1")
	}
	var items []schemeItemRow
	for _, it := range sc.Items {
		row := schemeItemRow{Indicator: itoa(it.IndicatorID), Basis: string(it.Basis), Method: string(it.Method), Weight: ding.Points(it.Weight)}
		switch it.Method {
		case ding.MethodRank:
			row.Step = ding.Points(it.Step)
		case ding.MethodTargetProp, ding.MethodRatio:
			if it.Cap != 0 {
				row.Cap = ding.Points(it.Cap)
			}
		}
		if it.Method == ding.MethodRatio {
			if it.Basis == ding.BasisValue {
				m := ding.Measures[0]
				if ind := inds[it.IndicatorID]; ind != nil {
					m = ind.M()
				}
				// Every stored digit (万吨 shows two decimals but holds four), so that
				// saving the form unchanged keeps the benchmark.
				m.Decimals = 0
				for n := m.Scale; n > 1; n /= 10 {
					m.Decimals++
				}
				row.Benchmark = m.Format(it.Benchmark)
				if strings.Contains(row.Benchmark, ".") {
					row.Benchmark = strings.TrimRight(strings.TrimRight(row.Benchmark, "0"), ".")
				}
			} else {
				row.Benchmark = ding.Points(it.Benchmark)
			}
		}
		items = append(items, row)
	}
	var parts []schemePartRow
	for _, p := range sc.Participants {
		parts = append(parts, schemePartRow{Unit: itoa(p.UnitID), Group: p.Group})
	}
	return f, items, parts
}

// schemeIndicators reads every indicator (disabled ones too: a scheme may still score one).
func (s *Server) schemeIndicators(ctx context.Context) ([]*ding.Indicator, map[int64]*ding.Indicator, error) {
	inds, err := s.db.FindIndicators(ctx, store.IndicatorFilter{Disabled: true})
	if err != nil {
		return nil, nil, err
	}
	m := make(map[int64]*ding.Indicator, len(inds))
	for _, ind := range inds {
		m[ind.ID] = ind
	}
	return inds, m, nil
}

func (s *Server) schemeNewPage(w http.ResponseWriter, r *http.Request) error {
	if err := requireOffice(r); err != nil {
		return err
	}
	u := reqOf(r).user
	form := url.Values{"organizer_id": {itoa(u.UnitID)}, "period": {string(ding.SchemeQuarterly)}, "total_points": {"100"},
		"flag_count": {"1"}, "flag_name": {"流动红旗"}, "public": {"1"}}
	return s.renderSchemeForm(w, r, http.StatusOK, nil, form, nil, nil, nil)
}

func (s *Server) schemeEditPage(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.editableScheme(r)
	if err != nil {
		return err
	}
	_, inds, err := s.schemeIndicators(r.Context())
	if err != nil {
		return err
	}
	form, items, parts := schemeFormValues(sc, inds)
	return s.renderSchemeForm(w, r, http.StatusOK, sc, form, items, parts, nil)
}

// editableScheme reads the scheme of the path for its office (403 for others who can see
// it, 404 for those who cannot).
func (s *Server) editableScheme(r *http.Request) (*ding.Scheme, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	sc, err := s.db.FindScheme(r.Context(), id)
	if err != nil {
		return nil, err
	}
	ok, err := s.canRunScheme(r.Context(), reqOf(r).actor, sc.OrganizerID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	return sc, nil
}

// renderSchemeForm shows the definition form with the values and rows given, and the
// problems of a refused form next to their fields.
func (s *Server) renderSchemeForm(w http.ResponseWriter, r *http.Request, status int, sc *ding.Scheme, form url.Values,
	items []schemeItemRow, parts []schemePartRow, fe formErrors) error {
	ctx := r.Context()
	v := s.view(r, "schemes")
	d := &schemeFormData{S: sc, Action: "/schemes"}
	if sc != nil {
		d.Action = schemePath(sc.ID) + "/edit"
		v.Title = v.T("schemeui.edit_title", sc.Name)
		v.Crumbs = []crumb{{Label: v.T("schemeui.title"), URL: "/schemes"}, {Label: sc.Name, URL: schemePath(sc.ID)}, {Label: v.T("schemeui.edit")}}
	} else {
		v.Title = v.T("schemeui.new_title")
		v.Crumbs = []crumb{{Label: v.T("schemeui.title"), URL: "/schemes"}, {Label: v.Title}}
	}
	units, _, err := s.db.FindUnits(ctx, ding.UnitFilter{IncludeDisabled: true})
	if err != nil {
		return err
	}
	chosen := map[string]bool{form.Get("organizer_id"): true}
	for _, p := range parts {
		chosen[p.Unit] = true
	}
	for _, row := range unitsFlatten(unitsTree(units, nil), 0, nil, nil) {
		u := row.Unit
		// Enterprises do not compete; disabled units only when already chosen.
		if (u.Kind == ding.UnitEnterprise || u.Disabled) && !chosen[itoa(u.ID)] {
			continue
		}
		d.Units = append(d.Units, schemeUnitOption{ID: u.ID, Label: strings.Repeat("\u3000", row.Level) + u.Name, ParentID: u.ParentID,
			Kind: i18n.T("zh", "unit.kind."+string(u.Kind)), Disabled: u.Disabled})
	}
	inds, _, err := s.schemeIndicators(ctx)
	if err != nil {
		return err
	}
	used := map[string]bool{}
	for _, it := range items {
		used[it.Indicator] = true
	}
	for _, ind := range inds {
		if ind.Disabled && !used[itoa(ind.ID)] {
			continue
		}
		d.Indicators = append(d.Indicators, schemeIndOption{ID: ind.ID, Name: ind.Name, Measure: ind.Measure, Disabled: ind.Disabled})
	}
	for _, k := range schemeKinds {
		d.Kinds = append(d.Kinds, schemeOption{string(k), v.T("scheme.period." + string(k))})
	}
	for _, b := range ding.Bases {
		d.Bases = append(d.Bases, schemeOption{string(b), v.T("scheme.basis." + string(b))})
	}
	for _, m := range ding.Methods {
		d.Methods = append(d.Methods, schemeOption{string(m), v.T("scheme.method." + string(m))})
	}
	errItem := 0
	for _, e := range fe {
		if e.Field == "items" && len(e.Args) > 0 {
			if n, ok := e.Args[0].(int); ok && errItem == 0 {
				errItem = n
			}
		}
	}
	for i := range items {
		items[i].Index, items[i].Error = i, i+1 == errItem
	}
	d.Items = items
	for i := range schemeSpareItems {
		d.Items = append(d.Items, schemeItemRow{Index: len(items) + i, Spare: true, Basis: string(ding.BasisGrowth), Method: string(ding.MethodRank)})
	}
	for i := range parts {
		parts[i].Index = i
	}
	d.Parts = parts
	for i := range schemeSpareParts {
		d.Parts = append(d.Parts, schemePartRow{Index: len(parts) + i, Spare: true})
	}
	d.NextItem, d.NextPart = len(d.Items), len(d.Parts)
	v.Form = form
	if len(fe) > 0 {
		fe.show(v)
		d.Stale = slices.ContainsFunc(fe, func(e *ding.Error) bool { return e.Code == ding.ECONFLICT })
	}
	v.Data = d
	s.renderStatus(w, r, status, "scheme_form", v)
	return nil
}

// saveSchemeForm reads and saves a posted definition (sc nil: a new scheme) or shows the
// form again with what was typed and the problems.
func (s *Server) saveSchemeForm(w http.ResponseWriter, r *http.Request, before *ding.Scheme) error {
	ctx := r.Context()
	_, inds, err := s.schemeIndicators(ctx)
	if err != nil {
		return err
	}
	items, parts := schemeRowsFromForm(r.PostForm)
	sc, fe := schemeFromForm(r.PostForm, items, parts, inds)
	if before != nil {
		sc.ID = before.ID
		ver, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("version")))
		if err != nil || ver <= 0 {
			// A form without its version cannot prove it saw the latest definition.
			fe.add(ding.Errorf(ding.ECONFLICT, "scheme.stale"))
		}
		sc.Version = ver
	}
	if err := s.schemeUnitNames(ctx, sc); err != nil {
		return err
	}
	if len(fe) == 0 {
		if before == nil {
			err = s.db.CreateScheme(ctx, sc)
		} else {
			err = s.db.UpdateScheme(ctx, sc)
		}
		if err != nil {
			if !isFormError(err) {
				return err
			}
			fe.add(err)
		}
	} else {
		// Say the first problem in the order of the form, with those the domain would
		// find, so that fixing one does not reveal another above it.
		q := *sc
		q.Normalize()
		if err := q.Validate(); err != nil && !slices.ContainsFunc(fe, func(e *ding.Error) bool { return e.Field == ding.AsError(err).Field }) {
			fe.add(err)
		}
		slices.SortStableFunc(fe, func(a, b *ding.Error) int {
			return slices.Index(schemeFormFields, a.Field) - slices.Index(schemeFormFields, b.Field)
		})
	}
	if len(fe) > 0 {
		form := url.Values{}
		for k, vals := range r.PostForm {
			if k != csrfField && !schemeItemField.MatchString(k) && !schemePartField.MatchString(k) {
				form[k] = vals
			}
		}
		status := statusOf(fe[0].Code)
		return s.renderSchemeForm(w, r, status, before, form, items, parts, fe)
	}
	if before == nil {
		return redirect(w, r, schemePath(sc.ID), "schemeui_created")
	}
	return redirect(w, r, schemePath(sc.ID), "schemeui_saved")
}

// schemeUnitNames names the participants the caller can see, so that a problem with one
// ("listed twice") names it rather than its id.
func (s *Server) schemeUnitNames(ctx context.Context, sc *ding.Scheme) error {
	units, _, err := s.db.FindUnits(ctx, ding.UnitFilter{IncludeDisabled: true})
	if err != nil {
		return err
	}
	names := make(map[int64]string, len(units))
	for _, u := range units {
		names[u.ID] = u.Name
	}
	for i := range sc.Participants {
		sc.Participants[i].UnitName = names[sc.Participants[i].UnitID]
	}
	return nil
}

func (s *Server) schemeCreate(w http.ResponseWriter, r *http.Request) error {
	if err := requireOffice(r); err != nil {
		return err
	}
	return s.saveSchemeForm(w, r, nil)
}

func (s *Server) schemeUpdate(w http.ResponseWriter, r *http.Request) error {
	before, err := s.editableScheme(r)
	if err != nil {
		return err
	}
	return s.saveSchemeForm(w, r, before)
}

// --- a scheme's page ----------------------------------------------------------------------

// schemeItemView is an item of the definition as read: its method's parameters in words.
type schemeItemView struct {
	ding.SchemeItem
	BasisName, MethodName, Weight, Params string
}

// schemeGroupView is a peer group with its units.
type schemeGroupView struct {
	Name  string
	Units []string
}

// schemeHead is the definition shown on the scheme's and the result's pages.
type schemeHead struct {
	S          *ding.Scheme
	PeriodName string
	Total      string
	Items      []schemeItemView
	Groups     []schemeGroupView
	CanRun     bool
}

// schemeMethodParams says an item's parameters: "每降一位扣 5%", "封顶 120%", "对标 12.5%".
func schemeMethodParams(lang string, it ding.SchemeItem, ind *ding.Indicator) string {
	t := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	capOf := func() string {
		if it.Cap <= 0 {
			return "100%"
		}
		return ding.Points(it.Cap) + "%"
	}
	switch it.Method {
	case ding.MethodRank:
		return t("schemeui.param.step", ding.Points(it.Step)+"%")
	case ding.MethodTarget:
		return t("schemeui.param.target")
	case ding.MethodTargetProp:
		return t("schemeui.param.cap", capOf())
	case ding.MethodRatio:
		bench := ding.Points(it.Benchmark) + "%"
		if it.Basis == ding.BasisValue {
			m := ding.Measures[0]
			if ind != nil {
				m = ind.M()
			}
			bench = m.Format(it.Benchmark) + m.Name
		}
		return t("schemeui.param.ratio", bench, capOf())
	case ding.MethodMinMax:
		return t("schemeui.param.minmax")
	}
	return ""
}

func schemeHeadOf(lang string, sc *ding.Scheme, inds map[int64]*ding.Indicator) schemeHead {
	h := schemeHead{S: sc, PeriodName: i18n.T(lang, "scheme.period."+string(sc.Period)), Total: ding.Points(sc.TotalPoints)}
	for _, it := range sc.Items {
		h.Items = append(h.Items, schemeItemView{SchemeItem: it, BasisName: i18n.T(lang, "scheme.basis."+string(it.Basis)),
			MethodName: i18n.T(lang, "scheme.method."+string(it.Method)), Weight: ding.Points(it.Weight), Params: schemeMethodParams(lang, it, inds[it.IndicatorID])})
	}
	for _, g := range sc.Groups() {
		gv := schemeGroupView{Name: g}
		for _, p := range sc.Participants {
			if p.Group == g {
				gv.Units = append(gv.Units, p.UnitName)
			}
		}
		h.Groups = append(h.Groups, gv)
	}
	return h
}

// schemeAward is a flag won, for the pages.
type schemeAward struct {
	ding.FlagAward
	PeriodLabel string
	PeriodURL   string
	Total       string
	StreakLabel string // 连续3次夺旗, "" for a first win
}

func schemeAwardOf(lang string, a ding.FlagAward) schemeAward {
	av := schemeAward{FlagAward: a, PeriodLabel: schemePeriodLabel(lang, a.Period), PeriodURL: schemePath(a.SchemeID, a.Period.String()),
		Total: ding.Points(a.Total)}
	if a.Streak >= 2 {
		av.StreakLabel = i18n.T(lang, "scheme.honour.streak", a.Streak)
	}
	return av
}

// schemePeriodAwards are the flags of one period.
type schemePeriodAwards struct {
	Label  string
	URL    string
	Awards []schemeAward
}

// schemeHonour is a title earned.
type schemeHonour struct {
	ding.Honour
	Label string
	Class string
}

// schemeHonourYear are the titles of one year.
type schemeHonourYear struct {
	Year    int
	Honours []schemeHonour
}

// schemeFlagViews groups a history's flags by period and its honours by year, newest first.
func schemeFlagViews(lang string, h *store.FlagHistory) (current []schemeAward, history []schemePeriodAwards, years []schemeHonourYear) {
	for _, a := range h.Current {
		current = append(current, schemeAwardOf(lang, a))
	}
	for i := len(h.Awards) - 1; i >= 0; i-- {
		a := h.Awards[i]
		if n := len(history); n == 0 || history[n-1].Label != schemePeriodLabel(lang, a.Period) {
			history = append(history, schemePeriodAwards{Label: schemePeriodLabel(lang, a.Period), URL: schemePath(a.SchemeID, a.Period.String())})
		}
		history[len(history)-1].Awards = append(history[len(history)-1].Awards, schemeAwardOf(lang, a))
	}
	// Within a period, the awards keep the order of the scores (group, then rank).
	for i := range history {
		slices.Reverse(history[i].Awards)
	}
	for i := len(h.Honours) - 1; i >= 0; i-- {
		o := h.Honours[i]
		if n := len(years); n == 0 || years[n-1].Year != o.Year {
			years = append(years, schemeHonourYear{Year: o.Year})
		}
		hv := schemeHonour{Honour: o, Label: i18n.T(lang, "scheme.honour."+o.Kind), Class: "hon-" + o.Kind}
		if o.Kind == ding.HonourStreak {
			hv.Label = i18n.T(lang, "scheme.honour.streak", o.N)
		}
		years[len(years)-1].Honours = append(years[len(years)-1].Honours, hv)
	}
	return current, history, years
}

// schemePeriodRow is a period of the scheme's page with its state.
type schemePeriodRow struct {
	Key, Label, URL string
	Locked          bool
	Unlocked        bool // it was locked once and unlocked since
	Over            bool
	LockedBy        string
	LockedAt        string
}

// schemePageData is what scheme.html shows.
type schemePageData struct {
	schemeHead
	Periods       []schemePeriodRow
	OpenValue     string
	OpenExample   string
	OpenError     string
	Current       []schemeAward
	CurrentPeriod string
	History       []schemePeriodAwards
	Years         []schemeHonourYear
}

func (s *Server) schemePage(w http.ResponseWriter, r *http.Request) error {
	return s.renderSchemePage(w, r, http.StatusOK, "", nil)
}

// schemeOpenPeriod answers the form that opens a period: GET /schemes/{id}/open?period=2024-Q3.
func (s *Server) schemeOpenPeriod(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	sc, err := s.db.FindScheme(r.Context(), id)
	if err != nil {
		return err
	}
	raw := strings.TrimSpace(r.URL.Query().Get("period"))
	p, err := ding.ParseSchemePeriod(sc.Period, raw)
	if err != nil {
		return s.renderSchemePage(w, r, http.StatusUnprocessableEntity, raw, err)
	}
	return redirect(w, r, schemePath(id, p.String()), "")
}

func (s *Server) renderSchemePage(w http.ResponseWriter, r *http.Request, status int, open string, openErr error) error {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		return err
	}
	sc, err := s.db.FindScheme(ctx, id)
	if err != nil {
		return err
	}
	v := s.view(r, "schemes")
	_, inds, err := s.schemeIndicators(ctx)
	if err != nil {
		return err
	}
	d := &schemePageData{schemeHead: schemeHeadOf(v.Lang, sc, inds)}
	if d.CanRun, err = s.canRunScheme(ctx, reqOf(r).actor, sc.OrganizerID); err != nil {
		return err
	}
	today, err := s.db.WarningToday(ctx)
	if err != nil {
		return err
	}
	ps, err := s.db.SchemePeriods(ctx, id)
	if err != nil {
		return err
	}
	// The periods with a data cut, and the recent ones to open: the current period and
	// those before it (a year of quarters, half a year of months, three years).
	rows := map[string]*schemePeriodRow{}
	add := func(p ding.SchemePeriod) *schemePeriodRow {
		k := p.String()
		if row, ok := rows[k]; ok {
			return row
		}
		row := &schemePeriodRow{Key: k, Label: schemePeriodLabel(v.Lang, p), URL: schemePath(id, k), Over: p.End().Before(today)}
		rows[k] = row
		return row
	}
	for _, st := range ps {
		row := add(st.Period)
		row.Locked, row.Unlocked = st.Locked, !st.Locked
		if st.Locked {
			row.LockedBy, row.LockedAt = st.LockedBy, st.LockedAt
		}
	}
	recent := map[ding.SchemePeriodKind]int{ding.SchemeQuarterly: 5, ding.SchemeMonthly: 7, ding.SchemeYearly: 3}[sc.Period]
	p := schemePeriodOfDay(sc.Period, today)
	for range recent {
		add(p)
		p = p.Prev()
	}
	for _, row := range rows {
		d.Periods = append(d.Periods, *row)
	}
	// Keys of one kind sort as text: 2024-Q1 < 2024-Q2, 2024-03 < 2024-11.
	sort.Slice(d.Periods, func(i, j int) bool { return d.Periods[i].Key > d.Periods[j].Key })
	d.OpenValue, d.OpenExample = open, schemePeriodOfDay(sc.Period, today).Prev().String()
	if openErr != nil {
		d.OpenError = message(v.Lang, ding.AsError(openErr))
	}
	h, err := s.db.Flags(ctx, id)
	if err != nil {
		return err
	}
	d.Current, d.History, d.Years = schemeFlagViews(v.Lang, h)
	if n := len(h.Periods); n > 0 {
		d.CurrentPeriod = schemePeriodLabel(v.Lang, h.Periods[n-1].Period)
	}
	v.Title = sc.Name
	v.Crumbs = []crumb{{Label: v.T("schemeui.title"), URL: "/schemes"}, {Label: sc.Name}}
	v.Data = d
	s.renderStatus(w, r, status, "scheme", v)
	return nil
}

// --- a period's result ----------------------------------------------------------------------

// schemeResultCell is a participant's points on one item, with the figure scored.
type schemeResultCell struct {
	Points  string
	Figure  string
	Place   int
	Missing bool
	Exempt  bool
}

// schemeResultRow is a participant's line of the result table.
type schemeResultRow struct {
	*ding.Score
	Cells       []schemeResultCell
	Adjust      string
	Total       string
	ChangeText  string
	ChangeClass string
	Improved    bool
}

// schemeResultGroup is a peer group's table and chart.
type schemeResultGroup struct {
	Name     string
	Rows     []schemeResultRow
	Improved *schemeResultRow
	Chart    template.HTML
}

// schemeAdjustRow is a bonus, penalty or exemption of the period.
type schemeAdjustRow struct {
	*ding.Adjustment
	KindName string
	ItemName string
	Points   string
	At       string
}

// schemeResultData is what scheme_result.html shows.
type schemeResultData struct {
	schemeHead
	Live        *ding.Scheme // the definition as it is now (the locked cut keeps its own)
	Period      ding.SchemePeriod
	Label       string
	Locked      bool
	LockedBy    string
	LockedAt    string
	Over        bool
	End         string
	Groups      []schemeResultGroup
	Adjustments []schemeAdjustRow
	Kinds       []schemeOption
	UnitOpts    []schemeOption
	ItemOpts    []schemeOption
	PrevURL     string
	PrevLabel   string
	NextURL     string
	NextLabel   string
	ExportURL   string
	Posted      string // the form that failed: "adjust", "unlock", "lock"
	form        url.Values
	fieldErrs   map[string]string
	formErrMsg  string
}

// Val is a field of a form: what the user typed when that form failed.
func (d *schemeResultData) Val(posted, field string) string {
	if d.Posted == posted && d.form != nil {
		return d.form.Get(field)
	}
	return ""
}

// Err is the error of a field of a form, shown only under the form that failed.
func (d *schemeResultData) Err(posted, field string) string {
	if d.Posted != posted {
		return ""
	}
	return d.fieldErrs[field]
}

// FormErr is the failed form's message when it names none of its fields (or the form is
// no longer shown: an adjustment posted to a period locked meanwhile).
func (d *schemeResultData) FormErr() string { return d.formErrMsg }

// schemeFigure shows the figure an item scored: growth "+12.5%", completion "62.5%", the value
// in the indicator's unit.
func schemeFigure(it ding.SchemeItem, ind *ding.Indicator, r ding.Ratio) string {
	if !r.OK {
		return "—"
	}
	switch it.Basis {
	case ding.BasisGrowth:
		return r.PP() + "%"
	case ding.BasisCompletion:
		return r.Pct()
	}
	m := ding.Measures[0]
	if ind != nil {
		m = ind.M()
	}
	if r.Den == 1 {
		return m.Format(r.Num) + m.Name
	}
	return strconv.FormatFloat(r.Float()/float64(max(m.Scale, 1)), 'f', m.Decimals, 64) + m.Name
}

// schemeResultGroups lays the scores out by group, with the most improved unit of each and
// its ranking chart.
func schemeResultGroups(lang string, sc *ding.Scheme, scores []*ding.Score, inds map[int64]*ding.Indicator) []schemeResultGroup {
	t := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	var out []schemeResultGroup
	for _, g := range sc.Groups() {
		grp := schemeResultGroup{Name: g}
		var mine []*ding.Score
		for _, s := range scores {
			if s.Group == g {
				mine = append(mine, s)
			}
		}
		best := score.MostImproved(mine)
		var bars []chart.RankItem
		for _, s := range mine {
			row := schemeResultRow{Score: s, Adjust: schemeSigned(s.Adjust), Total: ding.Points(s.Total), Improved: s == best}
			for i, it := range sc.Items {
				if i >= len(s.Items) {
					row.Cells = append(row.Cells, schemeResultCell{Points: "—"})
					continue
				}
				is := s.Items[i]
				c := schemeResultCell{Points: ding.Points(is.Points), Place: is.Place, Missing: is.Missing, Exempt: is.Exempt}
				switch {
				case is.Exempt:
					c.Figure = t("schemeui.exempt")
				case is.Missing:
					c.Figure = t("schemeui.missing")
				default:
					c.Figure = schemeFigure(it, inds[it.IndicatorID], is.Metric)
				}
				row.Cells = append(row.Cells, c)
			}
			switch ch := s.RankChange(); {
			case ch > 0:
				row.ChangeText, row.ChangeClass = "↑"+strconv.Itoa(ch), "rank-up"
			case ch < 0:
				row.ChangeText, row.ChangeClass = "↓"+strconv.Itoa(-ch), "rank-down"
			case s.PrevRank != 0:
				row.ChangeText, row.ChangeClass = "—", "rank-same"
			default:
				row.ChangeText, row.ChangeClass = t("schemeui.rank_new"), "rank-none"
			}
			grp.Rows = append(grp.Rows, row)
			bars = append(bars, chart.RankItem{Label: s.UnitName, Value: s.Total, Highlight: s.Flag, Rank: s.Rank})
		}
		for i := range grp.Rows {
			if grp.Rows[i].Improved {
				grp.Improved = &grp.Rows[i]
			}
		}
		title := t("schemeui.chart_title")
		if g != "" {
			title = t("schemeui.chart_title_group", g)
		}
		grp.Chart = schemeRankingSVG("result-rank-"+strconv.Itoa(len(out)), title, t("schemeui.points_unit"), sc.FlagName, bars, sc.TotalPoints)
		out = append(out, grp)
	}
	return out
}

// schemeResultOf reads a period's cut: the locked one, or a trial from the live figures.
func (s *Server) schemeResultOf(r *http.Request) (*ding.Scheme, *ding.Cut, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, nil, err
	}
	sc, err := s.db.FindScheme(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.db.PreviewCut(r.Context(), id, r.PathValue("period"))
	if err != nil {
		return nil, nil, err
	}
	return sc, c, nil
}

func (s *Server) schemeResultPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderSchemeResult(w, r, http.StatusOK, "", nil)
}

// renderSchemeResult shows a period's result; a failed form (posted) shows again with what was
// typed and its error next to the field.
func (s *Server) renderSchemeResult(w http.ResponseWriter, r *http.Request, status int, posted string, formErr error) error {
	ctx := r.Context()
	live, c, err := s.schemeResultOf(r)
	if err != nil {
		return err
	}
	v := s.view(r, "schemes")
	_, inds, err := s.schemeIndicators(ctx)
	if err != nil {
		return err
	}
	def := c.Scheme
	if def == nil {
		def = live
	}
	d := &schemeResultData{schemeHead: schemeHeadOf(v.Lang, def, inds), Live: live, Period: c.Period, Label: schemePeriodLabel(v.Lang, c.Period),
		Locked: c.Locked, End: c.Period.End().String()}
	if d.CanRun, err = s.canRunScheme(ctx, reqOf(r).actor, live.OrganizerID); err != nil {
		return err
	}
	if c.Locked {
		d.LockedBy, d.LockedAt = c.LockedBy, v.FormatTime(c.LockedAt)
	}
	today, err := s.db.WarningToday(ctx)
	if err != nil {
		return err
	}
	d.Over = c.Period.End().Before(today)
	d.Groups = schemeResultGroups(v.Lang, def, c.Scores, inds)
	items := map[int64]string{}
	for _, it := range def.Items {
		items[it.ID] = it.IndicatorName
	}
	for _, a := range c.Adjustments {
		row := schemeAdjustRow{Adjustment: a, KindName: v.T("scheme.adjust." + a.Kind), ItemName: items[a.ItemID], At: v.FormatTime(a.At)}
		if a.Kind != ding.AdjustExempt {
			row.Points = schemeSigned(a.Signed())
		}
		d.Adjustments = append(d.Adjustments, row)
	}
	if d.CanRun && !c.Locked {
		for _, k := range []string{ding.AdjustBonus, ding.AdjustPenalty, ding.AdjustExempt} {
			d.Kinds = append(d.Kinds, schemeOption{k, v.T("scheme.adjust." + k)})
		}
		for _, p := range live.Participants {
			d.UnitOpts = append(d.UnitOpts, schemeOption{itoa(p.UnitID), p.UnitName})
		}
		for _, it := range live.Items {
			d.ItemOpts = append(d.ItemOpts, schemeOption{itoa(it.ID), it.IndicatorName})
		}
	}
	prev, next := c.Period.Prev(), c.Period.Next()
	d.PrevURL, d.PrevLabel = schemePath(live.ID, prev.String()), schemePeriodLabel(v.Lang, prev)
	d.NextURL, d.NextLabel = schemePath(live.ID, next.String()), schemePeriodLabel(v.Lang, next)
	d.ExportURL = schemePath(live.ID, c.Period.String()) + "/export.xlsx"
	if formErr != nil {
		d.Posted = posted
		d.form = url.Values{}
		for k, vals := range r.PostForm {
			if k != csrfField {
				d.form[k] = vals
			}
		}
		e := ding.AsError(formErr)
		msg := message(v.Lang, e)
		shown := posted == "unlock" && c.Locked || posted == "adjust" && d.CanRun && !c.Locked
		if e.Field != "" && shown {
			d.fieldErrs = map[string]string{e.Field: msg}
		} else {
			d.formErrMsg = msg
		}
	}
	v.Title = v.T("schemeui.result_title", live.Name, d.Label)
	v.Crumbs = []crumb{{Label: v.T("schemeui.title"), URL: "/schemes"}, {Label: live.Name, URL: schemePath(live.ID)}, {Label: d.Label}}
	v.Data = d
	s.renderStatus(w, r, status, "scheme_result", v)
	return nil
}

// schemeResultFailed answers a failed form of the result page: problems the user can fix show
// the page again with the message; anything else ends the request.
func (s *Server) schemeResultFailed(w http.ResponseWriter, r *http.Request, posted string, err error) error {
	if !isFormError(err) {
		return err
	}
	return s.renderSchemeResult(w, r, statusOf(ding.ErrorCode(err)), posted, err)
}

// schemeLock answers POST /schemes/{id}/periods/{period}/lock.
func (s *Server) schemeLock(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := s.db.LockCut(r.Context(), id, r.PathValue("period"))
	if err != nil {
		return s.schemeResultFailed(w, r, "lock", err)
	}
	return redirect(w, r, schemePath(id, c.Period.String()), "schemeui_locked")
}

// schemeUnlock answers POST /schemes/{id}/periods/{period}/unlock: reason.
func (s *Server) schemeUnlock(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	period := r.PathValue("period")
	if err := s.db.UnlockCut(r.Context(), id, period, r.PostFormValue("reason")); err != nil {
		return s.schemeResultFailed(w, r, "unlock", err)
	}
	return redirect(w, r, schemePath(id, strings.ToUpper(period)), "schemeui_unlocked")
}

// schemeAdjustAdd answers POST /schemes/{id}/periods/{period}/adjustments: kind, unit_id,
// item_id (exemptions), points, reason, evidence.
func (s *Server) schemeAdjustAdd(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		return err
	}
	sc, err := s.db.FindScheme(ctx, id)
	if err != nil {
		return err
	}
	p, err := ding.ParseSchemePeriod(sc.Period, r.PathValue("period"))
	if err != nil {
		return err
	}
	f := r.PostForm
	var fe formErrors
	a := &ding.Adjustment{SchemeID: id, Period: p, Kind: strings.TrimSpace(f.Get("kind")), Reason: f.Get("reason"), Evidence: f.Get("evidence")}
	a.UnitID = formID(f, "unit_id", &fe)
	if a.Kind == ding.AdjustExempt {
		a.ItemID = formID(f, "item_id", &fe)
	} else if pts := strings.TrimSpace(f.Get("points")); pts != "" {
		v, err := ding.ParsePoints(pts)
		if err != nil {
			fe.add(ding.FieldError("points", "scheme.points_invalid", pts))
		}
		a.Points = v
	}
	if len(fe) == 0 {
		fe.add(s.db.AddAdjustment(ctx, a))
	}
	if len(fe) > 0 {
		return s.schemeResultFailed(w, r, "adjust", fe[0])
	}
	return redirect(w, r, schemePath(id, p.String()), "schemeui_adjusted")
}

// schemeAdjustRemove answers POST /schemes/{id}/adjustments/{aid}/remove: period (where
// to go back to).
func (s *Server) schemeAdjustRemove(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		return err
	}
	aid, err := strconv.ParseInt(r.PathValue("aid"), 10, 64)
	if err != nil || aid <= 0 {
		return ding.Errorf(ding.ENOTFOUND, "err.page_not_found")
	}
	sc, err := s.db.FindScheme(ctx, id)
	if err != nil {
		return err
	}
	p, err := ding.ParseSchemePeriod(sc.Period, r.PostFormValue("period"))
	if err != nil {
		return err
	}
	if err := s.db.RemoveAdjustment(ctx, id, aid); err != nil {
		if !isFormError(err) {
			return err
		}
		// Show the period's page with the reason (a period locked meanwhile).
		r.SetPathValue("period", p.String())
		return s.renderSchemeResult(w, r, statusOf(ding.ErrorCode(err)), "remove", err)
	}
	return redirect(w, r, schemePath(id, p.String()), "schemeui_adjust_removed")
}

// schemeResultExport sends a period's result as .xlsx.
func (s *Server) schemeResultExport(w http.ResponseWriter, r *http.Request) error {
	live, c, err := s.schemeResultOf(r)
	if err != nil {
		return err
	}
	q := reqOf(r)
	def := c.Scheme
	if def == nil {
		def = live
	}
	label := schemePeriodLabel(q.lang, c.Period)
	var b bytes.Buffer
	if err := xlsx.ExportSchemeResult(&b, xlsx.SchemeResult{Lang: q.lang, Scheme: def, PeriodLabel: label, Locked: c.Locked,
		LockedBy: c.LockedBy, LockedAt: c.LockedAt, Now: s.db.Now(), Scores: c.Scores}); err != nil {
		return ding.Internal(err, "export scheme result")
	}
	return writeXLSX(w, live.Name+"-"+c.Period.String()+".xlsx", "scheme-"+itoa(live.ID)+"-"+c.Period.String()+".xlsx", b.Bytes())
}

// --- the ranking chart ----------------------------------------------------------------------

// schemeRankingSVG draws a group's totals as horizontal bars in the order of the scores (best
// first), each labelled with its rank and points, the flag holders highlighted and named in
// the legend. The scale runs to the scheme's total, or further when bonuses take a total
// higher. An empty group has no chart.
func schemeRankingSVG(id, title, unit, flag string, items []chart.RankItem, total int64) template.HTML {
	if len(items) == 0 {
		return ""
	}
	legend := ""
	for _, it := range items {
		if it.Highlight {
			legend = flag
		}
	}
	return template.HTML(chart.RankBars{ID: id, Title: title, Items: items, Unit: unit, Format: ding.Points, Max: total, //nolint:gosec // chart escapes its text
		HighlightLabel: legend, Width: 760, RowHeight: 30}.SVG())
}

// --- the honour board -----------------------------------------------------------------------

// schemeBoard is a public scheme on the honour board.
type schemeBoard struct {
	ID         int64
	Name       string
	Organizer  string
	FlagName   string
	PeriodName string
	Latest     string
	Current    []schemeAward
	History    []schemePeriodAwards
	Years      []schemeHonourYear
}

// schemeBoardData is what honours.html shows.
type schemeBoardData struct {
	Screen  bool // the projector view: no navigation
	Schemes []schemeBoard
	LangURL string
	Today   string
}

// schemeBoardHistory bounds the history shown per scheme.
const schemeBoardHistory = 12

// schemeHonoursPage shows the public honour board: the current flag holders of every public
// scheme, the recent history and the titles of each year. Anyone may read it, signed in
// or not; ?screen=1 shows it without the navigation, for a projector.
func (s *Server) schemeHonoursPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	hs, err := s.db.PublicHonours(ctx)
	if err != nil {
		return err
	}
	v := s.view(r, "honours")
	d := &schemeBoardData{Screen: r.URL.Query().Get("screen") == "1"}
	next := "/honours"
	if d.Screen {
		next += "?screen=1"
	}
	to := "en"
	if v.Lang == "en" {
		to = "zh"
	}
	d.LangURL = "/lang?to=" + to + "&next=" + url.QueryEscape(next)
	if today, err := s.db.WarningToday(ctx); err == nil {
		d.Today = today.String()
	}
	for _, h := range hs {
		sc := h.Scheme
		hsch := schemeBoard{ID: sc.ID, Name: sc.Name, Organizer: sc.OrganizerName, FlagName: sc.FlagName,
			PeriodName: v.T("scheme.period." + string(sc.Period))}
		hsch.Current, hsch.History, hsch.Years = schemeFlagViews(v.Lang, h)
		if len(hsch.History) > schemeBoardHistory {
			hsch.History = hsch.History[:schemeBoardHistory]
		}
		if n := len(h.Periods); n > 0 {
			hsch.Latest = schemePeriodLabel(v.Lang, h.Periods[n-1].Period)
		}
		// The public board links no scheme page: those need a login and a scope.
		for i := range hsch.Current {
			hsch.Current[i].PeriodURL = ""
		}
		for i := range hsch.History {
			hsch.History[i].URL = ""
		}
		d.Schemes = append(d.Schemes, hsch)
	}
	if d.Screen {
		v.User = nil // the board alone, as for a visitor
	}
	v.Title = v.T("schemeui.honours_title")
	v.Crumbs = []crumb{{Label: v.Title}}
	v.Data = d
	s.render(w, r, "honours", v)
	return nil
}

package web

// The warning rules editor (settings → 预警规则) and the colour scheme: the project office
// edits rules in the UI; the store validates and audits every change.

import (
	"context"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"ding"
)

func (s *Server) rulePageRoutes() {
	s.handle("GET /settings/rules", s.page(s.rulesPage, true))
	s.handle("GET /settings/rules/new", s.page(s.ruleNewPage, true))
	s.handle("POST /settings/rules", s.page(s.ruleSave, true))
	s.handle("GET /settings/rules/{id}", s.page(s.ruleEditPage, true))
	s.handle("POST /settings/rules/{id}", s.page(s.ruleSave, true))
	s.handle("POST /settings/rules/{id}/enable", s.page(s.ruleEnable, true))
	s.handle("POST /settings/colours", s.page(s.coloursSave, true))
	s.ladderPageRoutes() // page_ladder.go
}

// ruleRow is a rule of the list with its scope and thresholds in words.
type ruleRow struct {
	ding.Rule
	KindName   string
	Scope      string
	Params     string
	Thresholds []thresholdCell // one per colour of the scheme, "" where the rule has none
}

type thresholdCell struct {
	badge
	Text string
}

// rulesData is what rules.html shows.
type rulesData struct {
	Rules   []ruleRow
	Colours []colourCol
	Scheme  ding.ColourScheme
}

// ruleFormData is what rule_form.html shows.
type ruleFormData struct {
	R        *ding.Rule // nil for a new rule
	Kinds    []ding.RuleKind
	Colours  []colourCol
	Tiers    []tierOption
	Stages   []stageOption
	Units    []unitOption
	UnitSel  map[int64]bool
	Flags    []flagFilter
	Action   string
	Stale    bool
	Measures []string
	Timings  []string
	Hints    []kindHint // what each kind measures (page_ladder.go)
}

func requireOffice(r *http.Request) error {
	if !isOffice(reqOf(r).actor) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	return nil
}

func (s *Server) rulesPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderRules(w, r, http.StatusOK, nil)
}

func (s *Server) renderRules(w http.ResponseWriter, r *http.Request, status int, formErr error) error {
	if err := requireOffice(r); err != nil {
		return err
	}
	ctx := r.Context()
	rules, err := s.db.FindRules(ctx)
	if err != nil {
		return err
	}
	cs, err := s.db.Colours(ctx)
	if err != nil {
		return err
	}
	units, _, err := s.db.FindUnits(ctx, ding.UnitFilter{IncludeDisabled: true})
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for _, u := range units {
		names[u.ID] = u.Name
	}
	v := s.view(r, "rules")
	v.Title = v.T("warnui.rules_title")
	v.Crumbs = []crumb{{Label: v.T("settings.title"), URL: "/settings"}, {Label: v.Title}}
	d := &rulesData{Scheme: sortedColours(cs)}
	for _, l := range d.Scheme {
		d.Colours = append(d.Colours, colourCol{badge: colourBadge(v.Lang, cs, l.Key)})
	}
	for _, rl := range rules {
		row := ruleRow{Rule: rl, KindName: v.T("warn.kind." + string(rl.Kind)), Scope: scopeText(v, &rl.Scope, names), Params: paramsText(v, &rl)}
		for _, c := range d.Colours {
			cell := thresholdCell{badge: c.badge}
			for _, t := range rl.Thresholds {
				if t.Colour == c.Key {
					cell.Text = thresholdText(&rl, t)
				}
			}
			row.Thresholds = append(row.Thresholds, cell)
		}
		d.Rules = append(d.Rules, row)
	}
	v.Form = url.Values{}
	for _, l := range d.Scheme {
		k := string(l.Key)
		v.Form.Set("name_"+k, l.Name)
		v.Form.Set("name_en_"+k, l.NameEN)
		v.Form.Set("rank_"+k, strconv.Itoa(l.Rank))
	}
	if formErr != nil {
		for k, vals := range r.PostForm {
			v.Form[k] = vals
		}
		v.withFormError(formErr)
	}
	v.Data = d
	s.renderStatus(w, r, status, "rules", v)
	return nil
}

// thresholdText says when a colour applies: "≥ 10", "> 30", "< 0.8".
func thresholdText(r *ding.Rule, t ding.Threshold) string {
	op := "≥"
	switch {
	case r.HigherIsWorse() && t.Strict:
		op = ">"
	case !r.HigherIsWorse() && t.Strict:
		op = "<"
	case !r.HigherIsWorse():
		op = "≤"
	}
	return op + " " + strconv.FormatFloat(t.Min, 'f', -1, 64)
}

// scopeText says which projects a rule applies to.
func scopeText(v *view, sc *ding.RuleScope, unitNames map[int64]string) string {
	var parts []string
	if len(sc.Tiers) > 0 {
		var ts []string
		for _, t := range sc.Tiers {
			ts = append(ts, v.T("tier."+strconv.Itoa(int(t))))
		}
		parts = append(parts, strings.Join(ts, "、"))
	}
	if len(sc.Stages) > 0 {
		var ss []string
		for _, st := range sc.Stages {
			ss = append(ss, v.T("stage."+string(st)))
		}
		parts = append(parts, strings.Join(ss, "、"))
	}
	flag := func(p *bool, key string) {
		if p == nil {
			return
		}
		if *p {
			parts = append(parts, v.T(key))
		} else {
			parts = append(parts, v.T("warnui.not", v.T(key)))
		}
	}
	flag(sc.Manufacturing, "projects.flag_manufacturing")
	flag(sc.HighTech, "projects.flag_high_tech")
	flag(sc.Private, "projects.flag_private")
	if len(sc.UnitIDs) > 0 {
		var us []string
		for _, id := range sc.UnitIDs {
			if n, ok := unitNames[id]; ok {
				us = append(us, n)
			} else {
				us = append(us, "#"+itoa(id))
			}
		}
		parts = append(parts, strings.Join(us, "、"))
	}
	if len(parts) == 0 {
		return v.T("warnui.scope_all")
	}
	return strings.Join(parts, "；")
}

// paramsText says how an investment lag rule measures.
func paramsText(v *view, r *ding.Rule) string {
	switch r.Kind {
	case ding.RuleInvestLag:
		return v.T("warn.measure."+r.Params.Measure) + " · " + v.T("warn.timing."+r.Params.Timing)
	case ding.RuleItemOverdue:
		if r.Params.Item != "" {
			return r.Params.Item
		}
	}
	return ""
}

func (s *Server) ruleNewPage(w http.ResponseWriter, r *http.Request) error {
	if err := requireOffice(r); err != nil {
		return err
	}
	rule := ding.Rule{Kind: ding.RuleInvestLag, Enabled: true, Params: ding.RuleParams{Measure: "points", Timing: "month"}}
	return s.renderRuleForm(w, r, http.StatusOK, nil, ruleFormValues(&rule), nil)
}

func (s *Server) ruleEditPage(w http.ResponseWriter, r *http.Request) error {
	if err := requireOffice(r); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	rule, err := s.db.FindRule(r.Context(), id)
	if err != nil {
		return err
	}
	return s.renderRuleForm(w, r, http.StatusOK, rule, ruleFormValues(rule), nil)
}

// ruleFormValues fills the form from a rule.
func ruleFormValues(r *ding.Rule) url.Values {
	f := url.Values{"name": {r.Name}, "kind": {string(r.Kind)}, "measure": {r.Params.Measure}, "timing": {r.Params.Timing},
		"item": {r.Params.Item}, "persistence": {strconv.Itoa(r.Persistence)}, "version": {strconv.Itoa(r.Version)}}
	if r.Enabled {
		f.Set("enabled", "1")
	}
	for _, t := range r.Scope.Tiers {
		f.Add("tier", strconv.Itoa(int(t)))
	}
	for _, st := range r.Scope.Stages {
		f.Add("stage", string(st))
	}
	for _, id := range r.Scope.UnitIDs {
		f.Add("unit", itoa(id))
	}
	tri := func(p *bool) string {
		switch {
		case p == nil:
			return ""
		case *p:
			return "1"
		}
		return "0"
	}
	f.Set("manufacturing", tri(r.Scope.Manufacturing))
	f.Set("high_tech", tri(r.Scope.HighTech))
	f.Set("private", tri(r.Scope.Private))
	for _, t := range r.Thresholds {
		f.Set("min_"+string(t.Colour), strconv.FormatFloat(t.Min, 'f', -1, 64))
		if t.Strict {
			f.Set("strict_"+string(t.Colour), "1")
		}
	}
	return f
}

func (s *Server) renderRuleForm(w http.ResponseWriter, r *http.Request, status int, rule *ding.Rule, form url.Values, formErr error) error {
	ctx := r.Context()
	cs, err := s.db.Colours(ctx)
	if err != nil {
		return err
	}
	units, _, err := s.db.FindUnits(ctx, ding.UnitFilter{})
	if err != nil {
		return err
	}
	v := s.view(r, "rules")
	d := &ruleFormData{R: rule, Kinds: ding.RuleKinds, Units: unitOptions(units), UnitSel: map[int64]bool{}, Action: "/settings/rules",
		Measures: []string{"points", "ratio"}, Timings: []string{"month", "day"}, Hints: ruleKindHints()}
	if rule != nil {
		d.Action = "/settings/rules/" + itoa(rule.ID)
		v.Title = v.T("warnui.rule_edit", rule.Name)
	} else {
		v.Title = v.T("warnui.rule_new")
	}
	v.Crumbs = []crumb{{Label: v.T("settings.title"), URL: "/settings"}, {Label: v.T("warnui.rules_title"), URL: "/settings/rules"}, {Label: v.Title}}
	for _, l := range sortedColours(cs) {
		d.Colours = append(d.Colours, colourCol{badge: colourBadge(v.Lang, cs, l.Key)})
	}
	for _, t := range ding.Tiers {
		val := strconv.Itoa(int(t))
		d.Tiers = append(d.Tiers, tierOption{Value: val, Key: "tier." + val, Selected: slices.Contains(form["tier"], val)})
	}
	for _, st := range ding.AllStages {
		d.Stages = append(d.Stages, stageOption{Stage: st, Checked: slices.Contains(form["stage"], string(st))})
	}
	for _, u := range form["unit"] {
		if n, err := strconv.ParseInt(u, 10, 64); err == nil {
			d.UnitSel[n] = true
		}
	}
	d.Flags = []flagFilter{
		{"manufacturing", "projects.flag_manufacturing", form.Get("manufacturing")},
		{"high_tech", "projects.flag_high_tech", form.Get("high_tech")},
		{"private", "projects.flag_private", form.Get("private")},
	}
	v.Form = form
	if formErr != nil {
		v.withFormError(formErr)
		d.Stale = ding.ErrorCode(formErr) == ding.ECONFLICT
	}
	v.Data = d
	s.renderStatus(w, r, status, "rule_form", v)
	return nil
}

// ruleFromForm reads a rule from the posted form; a threshold that is not a number is
// refused under its colour.
func ruleFromForm(r *http.Request, cs ding.ColourScheme) (*ding.Rule, error) {
	f := r.PostForm
	rule := &ding.Rule{Name: f.Get("name"), Kind: ding.RuleKind(f.Get("kind")), Enabled: f.Get("enabled") == "1"}
	if rule.Kind == ding.RuleInvestLag {
		rule.Params.Measure, rule.Params.Timing = f.Get("measure"), f.Get("timing")
	}
	if rule.Kind == ding.RuleItemOverdue {
		rule.Params.Item = strings.TrimSpace(f.Get("item"))
	}
	for _, v := range f["tier"] {
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, ding.FieldError("scope", "warn.scope_tier_invalid")
		}
		rule.Scope.Tiers = append(rule.Scope.Tiers, ding.Tier(n))
	}
	for _, v := range f["stage"] {
		rule.Scope.Stages = append(rule.Scope.Stages, ding.Stage(v))
	}
	for _, v := range f["unit"] {
		if v == "" {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return nil, ding.FieldError("scope", "warn.scope_unit_unknown")
		}
		rule.Scope.UnitIDs = append(rule.Scope.UnitIDs, n)
	}
	rule.Scope.Manufacturing, rule.Scope.HighTech, rule.Scope.Private = triState(f.Get("manufacturing")), triState(f.Get("high_tech")), triState(f.Get("private"))
	for _, l := range sortedColours(cs) {
		k := string(l.Key)
		raw := strings.TrimSpace(f.Get("min_" + k))
		if raw == "" {
			continue
		}
		raw = strings.TrimSuffix(strings.ReplaceAll(raw, "，", "."), "%")
		n, err := strconv.ParseFloat(strings.TrimSpace(raw), 64)
		if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
			return nil, ding.FieldError("min_"+k, "warnui.threshold_not_number", l.Name, f.Get("min_"+k))
		}
		rule.Thresholds = append(rule.Thresholds, ding.Threshold{Colour: l.Key, Min: n, Strict: f.Get("strict_"+k) == "1"})
	}
	if p := strings.TrimSpace(f.Get("persistence")); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil {
			return nil, ding.FieldError("persistence", "warnui.persistence_not_number")
		}
		rule.Persistence = n
	}
	if vs := strings.TrimSpace(f.Get("version")); vs != "" {
		rule.Version, _ = strconv.Atoi(vs)
	}
	return rule, nil
}

// ruleSave answers POST /settings/rules (create) and POST /settings/rules/{id} (update).
func (s *Server) ruleSave(w http.ResponseWriter, r *http.Request) error {
	if err := requireOffice(r); err != nil {
		return err
	}
	ctx := r.Context()
	var before *ding.Rule
	if r.PathValue("id") != "" {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		if before, err = s.db.FindRule(ctx, id); err != nil {
			return err
		}
	}
	cs, err := s.db.Colours(ctx)
	if err != nil {
		return err
	}
	rule, err := ruleFromForm(r, cs)
	if err == nil {
		if before != nil {
			rule.ID = before.ID
		} else {
			rule.Version = 0
		}
		err = s.db.SaveRule(ctx, rule)
	}
	if err != nil {
		switch ding.ErrorCode(err) {
		case ding.EINVALID, ding.ECONFLICT:
			return s.renderRuleForm(w, r, statusOf(ding.ErrorCode(err)), before, r.PostForm, err)
		}
		return err
	}
	s.applyRules(ctx)
	return redirect(w, r, "/settings/rules", "warnui_rule_saved")
}

// ruleEnable answers POST /settings/rules/{id}/enable (enabled=1 or 0).
func (s *Server) ruleEnable(w http.ResponseWriter, r *http.Request) error {
	if err := requireOffice(r); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	on := r.PostFormValue("enabled") == "1"
	if err := s.db.SetRuleEnabled(r.Context(), id, on); err != nil {
		return err
	}
	s.applyRules(r.Context())
	if on {
		return redirect(w, r, "/settings/rules", "warnui_rule_enabled")
	}
	return redirect(w, r, "/settings/rules", "warnui_rule_disabled")
}

// coloursSave answers POST /settings/colours: each colour's names and rank.
func (s *Server) coloursSave(w http.ResponseWriter, r *http.Request) error {
	if err := requireOffice(r); err != nil {
		return err
	}
	cs, err := s.db.Colours(r.Context())
	if err != nil {
		return err
	}
	next := make(ding.ColourScheme, len(cs))
	for i, l := range cs {
		k := string(l.Key)
		next[i] = ding.ColourLevel{Key: l.Key, Name: r.PostFormValue("name_" + k), NameEN: r.PostFormValue("name_en_" + k)}
		n, perr := strconv.Atoi(strings.TrimSpace(r.PostFormValue("rank_" + k)))
		if perr != nil {
			return s.renderRules(w, r, http.StatusUnprocessableEntity, ding.FieldError("colours", "warn.colour_rank_invalid", k))
		}
		next[i].Rank = n
	}
	if err := s.db.SetColours(r.Context(), next); err != nil {
		if ding.ErrorCode(err) == ding.EINVALID {
			return s.renderRules(w, r, statusOf(ding.EINVALID), err)
		}
		return err
	}
	s.applyRules(r.Context())
	return redirect(w, r, "/settings/rules", "warnui_colours_saved")
}

// applyRules runs the warning pass after the rules or colours changed, so the board shows
// their effect at once instead of after the nightly pass. The change itself is saved
// already: a failed pass is logged, and the nightly pass catches up.
func (s *Server) applyRules(ctx context.Context) {
	if _, err := s.db.RecomputeWarnings(ctx, ding.Date{}); err != nil {
		s.log.Error("warnings after a rule change", "err", err)
	}
}

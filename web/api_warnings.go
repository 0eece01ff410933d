package web

// The JSON API of warnings (红黄蓝预警): the board, the list, a project's warnings and
// history, the rules, the colour scheme and exemptions (docs/api.md, "Warnings").

import (
	"net/http"
	"strings"

	"ding"
	"ding/i18n"
	"ding/store"
)

func (s *Server) apiWarningRoutes() {
	s.handle("GET /api/v1/warnings", s.api(s.apiListWarnings))
	s.handle("GET /api/v1/warnings/board", s.api(s.apiWarningBoard))
	s.handle("GET /api/v1/projects/{id}/warnings", s.api(s.apiProjectWarnings))
	s.handle("GET /api/v1/warning-rules", s.api(s.apiListRules))
	s.handle("POST /api/v1/warning-rules", s.api(s.apiCreateRule))
	s.handle("GET /api/v1/warning-rules/{id}", s.api(s.apiGetRule))
	s.handle("PUT /api/v1/warning-rules/{id}", s.api(s.apiUpdateRule))
	s.handle("GET /api/v1/warning-colours", s.api(s.apiGetColours))
	s.handle("PUT /api/v1/warning-colours", s.api(s.apiSetColours))
	s.handle("GET /api/v1/exemptions", s.api(s.apiListExemptions))
	s.handle("POST /api/v1/projects/{id}/exemptions", s.api(s.apiRequestExemption))
	s.handle("POST /api/v1/exemptions/{id}/decision", s.api(s.apiDecideExemption))
	s.handle("POST /api/v1/exemptions/{id}/revocation", s.api(s.apiRevokeExemption))
	s.apiLadderRoutes() // api_ladder.go
}

// apiLang is the language of the caller's texts (reason_text, colour_name).
func (s *Server) apiLang(r *http.Request) string {
	q := reqOf(r)
	if q.lang != "" {
		return q.lang
	}
	return s.langFor(r, q.user)
}

// apiWarning is a warning with its reason and colour said in the caller's language.
type apiWarning struct {
	*store.ProjectWarning
	ColourName string `json:"colour_name"`
	ReasonText string `json:"reason_text"`
}

// apiWarningEvent is a step of a warning's history, likewise.
type apiWarningEvent struct {
	*store.WarningEvent
	ReasonText string `json:"reason_text"`
}

func apiWarningOf(lang string, cs ding.ColourScheme, w *store.ProjectWarning) apiWarning {
	return apiWarning{ProjectWarning: w, ColourName: colourName(lang, cs, w.Colour), ReasonText: i18n.T(lang, w.Reason, w.Args...)}
}

func (s *Server) apiListWarnings(w http.ResponseWriter, r *http.Request) (any, error) {
	ctx := r.Context()
	p, err := apiPageOf(r)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	f := store.WarningFilter{Colour: ding.Colour(strings.TrimSpace(q.Get("colour"))), Kind: ding.RuleKind(strings.TrimSpace(q.Get("kind"))),
		Limit: p.Limit, Offset: p.Offset}
	if f.UnitID, _, err = apiQueryID(r, "unit_id", false); err != nil {
		return nil, err
	}
	if f.RuleID, _, err = apiQueryID(r, "rule_id", false); err != nil {
		return nil, err
	}
	if f.ProjectID, _, err = apiQueryID(r, "project_id", false); err != nil {
		return nil, err
	}
	if v := strings.TrimSpace(q.Get("exempt")); v != "" {
		b, err := apiQueryBool(r, "exempt")
		if err != nil {
			return nil, err
		}
		f.Exempt = &b
	}
	cs, err := s.db.Colours(ctx)
	if err != nil {
		return nil, err
	}
	if f.Colour != "" && cs.Rank(f.Colour) == 0 {
		return nil, ding.FieldError("colour", "err.bad_param", "colour")
	}
	if f.Kind != "" && !isRuleKind(f.Kind) {
		return nil, ding.FieldError("kind", "err.bad_param", "kind")
	}
	ws, total, err := s.db.FindWarnings(ctx, f)
	if err != nil {
		return nil, err
	}
	lang := s.apiLang(r)
	items := make([]apiWarning, 0, len(ws))
	for _, x := range ws {
		items = append(items, apiWarningOf(lang, cs, x))
	}
	return newAPIList(items, total, p), nil
}

func isRuleKind(k ding.RuleKind) bool {
	for _, x := range ding.RuleKinds {
		if x == k {
			return true
		}
	}
	return false
}

func (s *Server) apiWarningBoard(w http.ResponseWriter, r *http.Request) (any, error) {
	unitID, _, err := apiQueryID(r, "unit_id", false)
	if err != nil {
		return nil, err
	}
	b, err := s.db.FindWarningBoard(r.Context(), unitID)
	if err != nil {
		return nil, err
	}
	if b.ByUnit == nil {
		b.ByUnit = []*store.UnitColours{}
	}
	return b, nil
}

// apiProjectWarningsAnswer is a project's colour, current warnings, history and exemptions.
type apiProjectWarningsAnswer struct {
	ProjectID  int64              `json:"project_id"`
	Colour     ding.Colour        `json:"colour"` // the worst of its warnings, "" for none
	Exempt     bool               `json:"exempt"`
	Current    []apiWarning       `json:"current"`
	History    []apiWarningEvent  `json:"history"` // oldest first
	Exemptions []*store.Exemption `json:"exemptions"`
}

func (s *Server) apiProjectWarnings(w http.ResponseWriter, r *http.Request) (any, error) {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	evs, err := s.db.WarningHistory(ctx, id) // checks that the project is in scope
	if err != nil {
		return nil, err
	}
	ws, _, err := s.db.FindWarnings(ctx, store.WarningFilter{ProjectID: id, Limit: 1000})
	if err != nil {
		return nil, err
	}
	xs, _, err := s.db.FindExemptions(ctx, store.ExemptionFilter{ProjectID: id, Limit: 100})
	if err != nil {
		return nil, err
	}
	pcs, err := s.db.ProjectColours(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	cs, err := s.db.Colours(ctx)
	if err != nil {
		return nil, err
	}
	lang := s.apiLang(r)
	a := apiProjectWarningsAnswer{ProjectID: id, Colour: pcs[id].Colour, Exempt: pcs[id].Exempt,
		Current: []apiWarning{}, History: []apiWarningEvent{}, Exemptions: xs}
	if a.Exemptions == nil {
		a.Exemptions = []*store.Exemption{}
	}
	for _, x := range ws {
		a.Current = append(a.Current, apiWarningOf(lang, cs, x))
	}
	for _, e := range evs {
		a.History = append(a.History, apiWarningEvent{WarningEvent: e, ReasonText: i18n.T(lang, e.Reason, e.Args...)})
	}
	return a, nil
}

func (s *Server) apiListRules(w http.ResponseWriter, r *http.Request) (any, error) {
	p, err := apiPageOf(r)
	if err != nil {
		return nil, err
	}
	rules, err := s.db.FindRules(r.Context())
	if err != nil {
		return nil, err
	}
	return newAPIList(apiSlice(rules, p), len(rules), p), nil
}

func (s *Server) apiGetRule(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	return s.db.FindRule(r.Context(), id)
}

// apiRuleInput is the body of POST and PUT /warning-rules: a rule without its id and
// timestamps. PUT needs the version that was read.
type apiRuleInput struct {
	Name        string           `json:"name"`
	Kind        ding.RuleKind    `json:"kind"`
	Enabled     *bool            `json:"enabled"`
	Scope       ding.RuleScope   `json:"scope"`
	Params      ding.RuleParams  `json:"params"`
	Thresholds  []ding.Threshold `json:"thresholds"`
	Persistence int              `json:"persistence"`
	Version     int              `json:"version"`
}

func (in *apiRuleInput) rule() *ding.Rule {
	r := &ding.Rule{Name: in.Name, Kind: in.Kind, Enabled: in.Enabled == nil || *in.Enabled, Scope: in.Scope, Params: in.Params,
		Thresholds: in.Thresholds, Persistence: in.Persistence, Version: in.Version}
	return r
}

func (s *Server) apiCreateRule(w http.ResponseWriter, r *http.Request) (any, error) {
	if err := requireOffice(r); err != nil {
		return nil, err
	}
	var in apiRuleInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	rule := in.rule()
	rule.Version = 0
	if err := s.db.SaveRule(r.Context(), rule); err != nil {
		return nil, err
	}
	s.applyRules(r.Context())
	return apiCreated(rule), nil
}

func (s *Server) apiUpdateRule(w http.ResponseWriter, r *http.Request) (any, error) {
	if err := requireOffice(r); err != nil {
		return nil, err
	}
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var in apiRuleInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	if in.Version <= 0 {
		return nil, ding.FieldError("version", "warnui.version_required")
	}
	rule := in.rule()
	rule.ID = id
	if err := s.db.SaveRule(r.Context(), rule); err != nil {
		return nil, err
	}
	s.applyRules(r.Context())
	return s.db.FindRule(r.Context(), id)
}

func (s *Server) apiGetColours(w http.ResponseWriter, r *http.Request) (any, error) {
	return s.db.Colours(r.Context())
}

func (s *Server) apiSetColours(w http.ResponseWriter, r *http.Request) (any, error) {
	var cs ding.ColourScheme
	if err := s.decodeJSON(r, &cs); err != nil {
		return nil, err
	}
	if err := s.db.SetColours(r.Context(), cs); err != nil {
		return nil, err
	}
	s.applyRules(r.Context())
	return s.db.Colours(r.Context())
}

func (s *Server) apiListExemptions(w http.ResponseWriter, r *http.Request) (any, error) {
	p, err := apiPageOf(r)
	if err != nil {
		return nil, err
	}
	f := store.ExemptionFilter{Status: strings.TrimSpace(r.URL.Query().Get("status")), Limit: p.Limit, Offset: p.Offset}
	switch f.Status {
	case "", store.ExemptionRequested, store.ExemptionApproved, store.ExemptionRejected, store.ExemptionRevoked:
	default:
		return nil, ding.FieldError("status", "err.bad_param", "status")
	}
	if f.ProjectID, _, err = apiQueryID(r, "project_id", false); err != nil {
		return nil, err
	}
	xs, total, err := s.db.FindExemptions(r.Context(), f)
	if err != nil {
		return nil, err
	}
	return newAPIList(xs, total, p), nil
}

// apiExemptionInput is the body of POST /projects/{id}/exemptions.
type apiExemptionInput struct {
	Kind       store.ExemptionKind `json:"kind"`
	Reason     string              `json:"reason"`
	ValidUntil ding.Date           `json:"valid_until"`
}

func (s *Server) apiRequestExemption(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var in apiExemptionInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	e := &store.Exemption{ProjectID: id, Kind: in.Kind, Reason: in.Reason, ValidUntil: in.ValidUntil}
	if err := s.db.RequestExemption(r.Context(), e); err != nil {
		return nil, err
	}
	return apiCreated(e), nil
}

// apiDecisionInput is the body of POST /exemptions/{id}/decision.
type apiDecisionInput struct {
	Decision   string    `json:"decision"` // "approve" or "reject"
	Comment    string    `json:"comment"`
	ValidUntil ding.Date `json:"valid_until"`
}

func (s *Server) apiDecideExemption(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var in apiDecisionInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	if in.Decision != "approve" && in.Decision != "reject" {
		return nil, ding.FieldError("decision", "warnui.decision_invalid")
	}
	return s.db.DecideExemption(r.Context(), id, in.Decision == "approve", in.Comment, in.ValidUntil)
}

func (s *Server) apiRevokeExemption(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var in struct {
		Comment string `json:"comment"`
	}
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	return s.db.RevokeExemption(r.Context(), id, in.Comment)
}

package web

// The JSON API of competition schemes and the 流动红旗 (docs/api.md, "Competition schemes
// and flags"): definitions, a period's result (a trial from the live figures, or the
// locked cut), locking and unlocking, bonuses, penalties and exemptions, the flag history
// of a scheme and of a unit, and the public honour board, which needs no credentials.

import (
	"net/http"
	"strconv"
	"time"

	"ding"
	"ding/i18n"
	"ding/score"
	"ding/store"
)

func (s *Server) apiSchemeRoutes() {
	s.handle("GET /api/v1/schemes", s.api(s.apiListSchemes))
	s.handle("POST /api/v1/schemes", s.api(s.apiCreateScheme))
	s.handle("GET /api/v1/schemes/{id}", s.api(s.apiGetScheme))
	s.handle("PUT /api/v1/schemes/{id}", s.api(s.apiUpdateScheme))
	s.handle("GET /api/v1/schemes/{id}/periods", s.api(s.apiSchemePeriods))
	s.handle("GET /api/v1/schemes/{id}/periods/{period}", s.api(s.apiSchemeCut))
	s.handle("POST /api/v1/schemes/{id}/periods/{period}/lock", s.api(s.apiSchemeLock))
	s.handle("POST /api/v1/schemes/{id}/periods/{period}/unlock", s.api(s.apiSchemeUnlock))
	s.handle("GET /api/v1/schemes/{id}/periods/{period}/adjustments", s.api(s.apiSchemeAdjustments))
	s.handle("POST /api/v1/schemes/{id}/periods/{period}/adjustments", s.api(s.apiSchemeAddAdjustment))
	s.handle("DELETE /api/v1/schemes/{id}/adjustments/{aid}", s.api(s.apiSchemeRemoveAdjustment))
	s.handle("GET /api/v1/schemes/{id}/flags", s.api(s.apiSchemeFlags))
	s.handle("GET /api/v1/units/{id}/flags", s.api(s.apiSchemeUnitFlags))
	// The honour board is public (as /honours is): no credentials needed.
	s.handle("GET /api/v1/honours", s.apiAnonymous(s.apiSchemeHonours))
}

// apiAnonymous wraps a read-only API handler that anyone may call: no login, no CSRF (it
// changes nothing). It answers like s.api.
func (s *Server) apiAnonymous(h apiFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, err := h(w, r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, v)
	}
}

// apiScheme is a scheme with its period kind named in the caller's language.
type apiScheme struct {
	*ding.Scheme
	PeriodName string `json:"period_name"`
}

func apiSchemeOf(lang string, sc *ding.Scheme) apiScheme {
	return apiScheme{Scheme: sc, PeriodName: i18n.T(lang, "scheme.period."+string(sc.Period))}
}

// apiSchemeInput is the body of POST /schemes and PUT /schemes/{id}. Points are
// centi-points (100 points is 10000); step, cap and benchmarks in basis points (5 % is
// 500), a benchmark of the value basis in the indicator's stored unit.
type apiSchemeInput struct {
	Name         string                      `json:"name"`
	OrganizerID  int64                       `json:"organizer_id"`
	Period       ding.SchemePeriodKind       `json:"period"`
	TotalPoints  int64                       `json:"total_points"`
	FlagCount    int                         `json:"flag_count"`
	FlagName     string                      `json:"flag_name"`
	Public       bool                        `json:"public"`
	Note         string                      `json:"note"`
	Disabled     bool                        `json:"disabled"`
	Items        []apiSchemeItemInput        `json:"items"`
	Participants []apiSchemeParticipantInput `json:"participants"`
	Version      int                         `json:"version"` // PUT only: the version read
}

type apiSchemeItemInput struct {
	IndicatorID int64       `json:"indicator_id"`
	Basis       ding.Basis  `json:"basis"`
	Method      ding.Method `json:"method"`
	Weight      int64       `json:"weight"`
	Step        int64       `json:"step"`
	Cap         int64       `json:"cap"`
	Benchmark   int64       `json:"benchmark"`
}

type apiSchemeParticipantInput struct {
	UnitID int64  `json:"unit_id"`
	Group  string `json:"group"`
}

func (in *apiSchemeInput) scheme() *ding.Scheme {
	sc := &ding.Scheme{Name: in.Name, OrganizerID: in.OrganizerID, Period: in.Period, TotalPoints: in.TotalPoints, FlagCount: in.FlagCount,
		FlagName: in.FlagName, Public: in.Public, Note: in.Note, Disabled: in.Disabled, Version: in.Version}
	for _, it := range in.Items {
		sc.Items = append(sc.Items, ding.SchemeItem{IndicatorID: it.IndicatorID, Basis: it.Basis, Method: it.Method, Weight: it.Weight,
			Step: it.Step, Cap: it.Cap, Benchmark: it.Benchmark})
	}
	for _, p := range in.Participants {
		sc.Participants = append(sc.Participants, ding.Participant{UnitID: p.UnitID, Group: p.Group})
	}
	return sc
}

// apiListSchemes answers the schemes the caller can see; ?disabled=true includes the
// disabled ones.
func (s *Server) apiListSchemes(w http.ResponseWriter, r *http.Request) (any, error) {
	p, err := apiPageOf(r)
	if err != nil {
		return nil, err
	}
	dis, err := apiQueryBool(r, "disabled")
	if err != nil {
		return nil, err
	}
	ss, err := s.db.FindSchemes(r.Context(), store.SchemeFilter{Disabled: dis})
	if err != nil {
		return nil, err
	}
	lang := s.apiLang(r)
	out := make([]apiScheme, 0, len(ss))
	for _, sc := range ss {
		out = append(out, apiSchemeOf(lang, sc))
	}
	return newAPIList(apiSlice(out, p), len(out), p), nil
}

func (s *Server) apiCreateScheme(w http.ResponseWriter, r *http.Request) (any, error) {
	var in apiSchemeInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	sc := in.scheme()
	sc.Version = 0
	if err := s.schemeUnitNames(r.Context(), sc); err != nil {
		return nil, err
	}
	if err := s.db.CreateScheme(r.Context(), sc); err != nil {
		return nil, err
	}
	return apiCreated(apiSchemeOf(s.apiLang(r), sc)), nil
}

func (s *Server) apiGetScheme(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	sc, err := s.db.FindScheme(r.Context(), id)
	if err != nil {
		return nil, err
	}
	return apiSchemeOf(s.apiLang(r), sc), nil
}

// apiUpdateScheme replaces a scheme's definition; the body names the version it read.
func (s *Server) apiUpdateScheme(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var in apiSchemeInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	if in.Version <= 0 {
		return nil, ding.FieldError("version", "schemeui.version_needed")
	}
	sc := in.scheme()
	sc.ID = id
	if err := s.schemeUnitNames(r.Context(), sc); err != nil {
		return nil, err
	}
	if err := s.db.UpdateScheme(r.Context(), sc); err != nil {
		return nil, err
	}
	return apiSchemeOf(s.apiLang(r), sc), nil
}

// apiSchemePeriod is a period of a scheme with a data cut.
type apiSchemePeriod struct {
	Period   string `json:"period"`
	Label    string `json:"label"`
	Locked   bool   `json:"locked"`
	LockedBy string `json:"locked_by,omitempty"`
	LockedAt string `json:"locked_at,omitempty"` // Asia/Shanghai, 2006-01-02 15:04
}

// apiSchemePeriods answers the periods that have (or had) a data cut, newest first.
func (s *Server) apiSchemePeriods(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	p, err := apiPageOf(r)
	if err != nil {
		return nil, err
	}
	ps, err := s.db.SchemePeriods(r.Context(), id)
	if err != nil {
		return nil, err
	}
	lang := s.apiLang(r)
	out := make([]apiSchemePeriod, 0, len(ps))
	for _, st := range ps {
		ap := apiSchemePeriod{Period: st.Period.String(), Label: schemePeriodLabel(lang, st.Period), Locked: st.Locked}
		if st.Locked {
			ap.LockedBy, ap.LockedAt = st.LockedBy, st.LockedAt
		}
		out = append(out, ap)
	}
	return newAPIList(apiSlice(out, p), len(out), p), nil
}

// apiSchemeAdjustment is an adjustment with its period as a key and its kind named.
type apiSchemeAdjustment struct {
	*ding.Adjustment
	Period   string `json:"period"`
	KindName string `json:"kind_name"`
}

func apiSchemeAdjustmentsOf(lang string, as []*ding.Adjustment) []apiSchemeAdjustment {
	out := make([]apiSchemeAdjustment, 0, len(as))
	for _, a := range as {
		out = append(out, apiSchemeAdjustment{Adjustment: a, Period: a.Period.String(), KindName: i18n.T(lang, "scheme.adjust."+a.Kind)})
	}
	return out
}

// apiSchemeResult is a period's result: the locked cut, or a trial (locked false) scored from the
// live figures as locking now would.
type apiSchemeResult struct {
	SchemeID     int64                 `json:"scheme_id"`
	Period       string                `json:"period"`
	Label        string                `json:"label"`
	Locked       bool                  `json:"locked"`
	LockedBy     string                `json:"locked_by,omitempty"`
	LockedAt     *time.Time            `json:"locked_at"`
	Items        []ding.SchemeItem     `json:"items"` // the definition scored
	Scores       []*ding.Score         `json:"scores"`
	MostImproved []int64               `json:"most_improved"` // per group, the unit that rose the most places
	Adjustments  []apiSchemeAdjustment `json:"adjustments"`
	Values       []ding.CutValue       `json:"values"` // the figures scored
}

func apiSchemeResultOf(lang string, c *ding.Cut) apiSchemeResult {
	out := apiSchemeResult{SchemeID: c.SchemeID, Period: c.Period.String(), Label: schemePeriodLabel(lang, c.Period), Locked: c.Locked,
		Scores: c.Scores, Adjustments: apiSchemeAdjustmentsOf(lang, c.Adjustments), Values: c.Values, MostImproved: []int64{}}
	if c.Locked {
		at := c.LockedAt
		out.LockedBy, out.LockedAt = c.LockedBy, &at
	}
	if c.Scheme != nil {
		out.Items = c.Scheme.Items
		for _, g := range c.Scheme.Groups() {
			var mine []*ding.Score
			for _, sc := range c.Scores {
				if sc.Group == g {
					mine = append(mine, sc)
				}
			}
			if best := score.MostImproved(mine); best != nil {
				out.MostImproved = append(out.MostImproved, best.UnitID)
			}
		}
	}
	if out.Scores == nil {
		out.Scores = []*ding.Score{}
	}
	if out.Values == nil {
		out.Values = []ding.CutValue{}
	}
	return out
}

func (s *Server) apiSchemeCut(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	c, err := s.db.PreviewCut(r.Context(), id, r.PathValue("period"))
	if err != nil {
		return nil, err
	}
	return apiSchemeResultOf(s.apiLang(r), c), nil
}

// apiSchemeLock locks a period that has ended and answers the locked result.
func (s *Server) apiSchemeLock(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	c, err := s.db.LockCut(r.Context(), id, r.PathValue("period"))
	if err != nil {
		return nil, err
	}
	return apiSchemeResultOf(s.apiLang(r), c), nil
}

// apiSchemeUnlockInput is the body of POST …/unlock.
type apiSchemeUnlockInput struct {
	Reason string `json:"reason"`
}

// apiSchemeUnlock reopens a locked period and answers its trial result.
func (s *Server) apiSchemeUnlock(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var in apiSchemeUnlockInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	if err := s.db.UnlockCut(r.Context(), id, r.PathValue("period"), in.Reason); err != nil {
		return nil, err
	}
	c, err := s.db.PreviewCut(r.Context(), id, r.PathValue("period"))
	if err != nil {
		return nil, err
	}
	return apiSchemeResultOf(s.apiLang(r), c), nil
}

func (s *Server) apiSchemeAdjustments(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	p, err := apiPageOf(r)
	if err != nil {
		return nil, err
	}
	as, err := s.db.FindAdjustments(r.Context(), id, r.PathValue("period"))
	if err != nil {
		return nil, err
	}
	out := apiSchemeAdjustmentsOf(s.apiLang(r), as)
	return newAPIList(apiSlice(out, p), len(out), p), nil
}

// apiSchemeAdjustmentInput is the body of POST …/adjustments.
type apiSchemeAdjustmentInput struct {
	Kind     string `json:"kind"`
	UnitID   int64  `json:"unit_id"`
	ItemID   int64  `json:"item_id"` // the exempted item
	Points   int64  `json:"points"`  // centi-points, bonus and penalty
	Reason   string `json:"reason"`
	Evidence string `json:"evidence"`
}

func (s *Server) apiSchemeAddAdjustment(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var in apiSchemeAdjustmentInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	sc, err := s.db.FindScheme(r.Context(), id)
	if err != nil {
		return nil, err
	}
	p, err := ding.ParseSchemePeriod(sc.Period, r.PathValue("period"))
	if err != nil {
		return nil, err
	}
	a := &ding.Adjustment{SchemeID: id, Period: p, Kind: in.Kind, UnitID: in.UnitID, ItemID: in.ItemID, Points: in.Points, Reason: in.Reason,
		Evidence: in.Evidence}
	if err := s.db.AddAdjustment(r.Context(), a); err != nil {
		return nil, err
	}
	return apiCreated(apiSchemeAdjustmentsOf(s.apiLang(r), []*ding.Adjustment{a})[0]), nil
}

func (s *Server) apiSchemeRemoveAdjustment(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	aid, err := strconv.ParseInt(r.PathValue("aid"), 10, 64)
	if err != nil || aid <= 0 {
		return nil, ding.Errorf(ding.ENOTFOUND, "err.page_not_found")
	}
	return nil, s.db.RemoveAdjustment(r.Context(), id, aid)
}

// apiSchemeAward is a flag won, with its period as a key and a label.
type apiSchemeAward struct {
	ding.FlagAward
	Period      string `json:"period"`
	PeriodLabel string `json:"period_label"`
	StreakLabel string `json:"streak_label,omitempty"` // 连续3次夺旗, from the second in a row
}

func apiSchemeAwardsOf(lang string, as []ding.FlagAward) []apiSchemeAward {
	out := make([]apiSchemeAward, 0, len(as))
	for _, a := range as {
		av := apiSchemeAward{FlagAward: a, Period: a.Period.String(), PeriodLabel: schemePeriodLabel(lang, a.Period)}
		if a.Streak >= 2 {
			av.StreakLabel = i18n.T(lang, "scheme.honour.streak", a.Streak)
		}
		out = append(out, av)
	}
	return out
}

// apiSchemeHonour is a title with its name: 季季红, 全年红, 连续N次夺旗.
type apiSchemeHonour struct {
	ding.Honour
	Label string `json:"label"`
}

func apiSchemeHonoursOf(lang string, hs []ding.Honour) []apiSchemeHonour {
	out := make([]apiSchemeHonour, 0, len(hs))
	for _, h := range hs {
		label := i18n.T(lang, "scheme.honour."+h.Kind)
		if h.Kind == ding.HonourStreak {
			label = i18n.T(lang, "scheme.honour.streak", h.N)
		}
		out = append(out, apiSchemeHonour{Honour: h, Label: label})
	}
	return out
}

// apiSchemeFlagHistory is a scheme's flag history: what the honour board shows of it.
type apiSchemeFlagHistory struct {
	SchemeID      int64             `json:"scheme_id"`
	SchemeName    string            `json:"scheme_name"`
	OrganizerName string            `json:"organizer_name"`
	PeriodKind    string            `json:"period_kind"`
	FlagName      string            `json:"flag_name"`
	FlagCount     int               `json:"flag_count"`
	Latest        string            `json:"latest"` // the latest locked period, "" when none
	Current       []apiSchemeAward  `json:"current"`
	Awards        []apiSchemeAward  `json:"awards"` // oldest first
	Honours       []apiSchemeHonour `json:"honours"`
}

func apiSchemeFlagsOf(lang string, h *store.FlagHistory) apiSchemeFlagHistory {
	sc := h.Scheme
	out := apiSchemeFlagHistory{SchemeID: sc.ID, SchemeName: sc.Name, OrganizerName: sc.OrganizerName, PeriodKind: string(sc.Period), FlagName: sc.FlagName,
		FlagCount: sc.FlagCount, Current: apiSchemeAwardsOf(lang, h.Current), Awards: apiSchemeAwardsOf(lang, h.Awards), Honours: apiSchemeHonoursOf(lang, h.Honours)}
	if n := len(h.Periods); n > 0 {
		out.Latest = h.Periods[n-1].Period.String()
	}
	return out
}

func (s *Server) apiSchemeFlags(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	h, err := s.db.Flags(r.Context(), id)
	if err != nil {
		return nil, err
	}
	return apiSchemeFlagsOf(s.apiLang(r), h), nil
}

// apiSchemeHonours answers the public honour board: the flag histories of the public schemes.
func (s *Server) apiSchemeHonours(w http.ResponseWriter, r *http.Request) (any, error) {
	p, err := apiPageOf(r)
	if err != nil {
		return nil, err
	}
	hs, err := s.db.PublicHonours(r.Context())
	if err != nil {
		return nil, err
	}
	lang := s.apiLang(r)
	out := make([]apiSchemeFlagHistory, 0, len(hs))
	for _, h := range hs {
		out = append(out, apiSchemeFlagsOf(lang, h))
	}
	return newAPIList(apiSlice(out, p), len(out), p), nil
}

// apiSchemeUnitFlags answers the flags a unit won in the schemes the caller can see, oldest
// first.
func (s *Server) apiSchemeUnitFlags(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	p, err := apiPageOf(r)
	if err != nil {
		return nil, err
	}
	as, err := s.db.UnitFlags(r.Context(), id)
	if err != nil {
		return nil, err
	}
	out := apiSchemeAwardsOf(s.apiLang(r), as)
	return newAPIList(apiSlice(out, p), len(out), p), nil
}

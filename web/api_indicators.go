package web

// The JSON API of indicators, targets and actuals (docs/api.md, "Indicators, targets and
// actuals"): the indicators and their definition, an indicator's figures for a month, the
// targets and actuals in the caller's scope, the batch write of values (all or nothing,
// errors by position), the history of the values, the recomputation of the computed
// indicators and one unit's figures on every indicator. Values are integers in the
// indicator's stored unit (yuan for 亿元, hundredths for %): see scale and decimals.

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"ding"
	"ding/i18n"
	"ding/store"
)

func (s *Server) apiIndicatorRoutes() {
	s.handle("GET /api/v1/indicators", s.api(s.apiListIndicators))
	s.handle("POST /api/v1/indicators", s.api(s.apiCreateIndicator))
	s.handle("POST /api/v1/indicators/refresh", s.api(s.apiRefreshComputed))
	s.handle("GET /api/v1/indicators/{id}", s.api(s.apiGetIndicator))
	s.handle("PUT /api/v1/indicators/{id}", s.api(s.apiUpdateIndicator))
	s.handle("GET /api/v1/indicators/{id}/figures", s.api(s.apiIndicatorFigures))
	s.handle("GET /api/v1/indicators/{id}/revisions", s.api(s.apiIndicatorRevisions))
	s.handle("GET /api/v1/targets", s.api(s.apiTargets))
	s.handle("GET /api/v1/actuals", s.api(s.apiActuals))
	s.handle("PUT /api/v1/values", s.apiSetValues)
	s.handle("GET /api/v1/units/{id}/figures", s.api(s.apiUnitFigures))
}

// apiIndicator is an indicator with how its values are stored and its choices named in
// the caller's language.
type apiIndicator struct {
	*ding.Indicator
	Scale            int64  `json:"scale"`    // a value v is shown as v ÷ scale …
	Decimals         int    `json:"decimals"` // … with this many decimals
	AccumulationName string `json:"accumulation_name"`
	SourceName       string `json:"source_name"`
	RankByName       string `json:"rank_by_name"`
}

func apiIndicatorOf(lang string, ind *ding.Indicator) apiIndicator {
	row := indicatorRowOf(lang, ind)
	m := ind.M()
	return apiIndicator{Indicator: ind, Scale: m.Scale, Decimals: m.Decimals, AccumulationName: row.AccName, SourceName: row.SourceName,
		RankByName: row.RankByName}
}

// apiListIndicators answers the indicators in their order (?disabled=true adds the
// disabled ones).
func (s *Server) apiListIndicators(w http.ResponseWriter, r *http.Request) (any, error) {
	p, err := apiPageOf(r)
	if err != nil {
		return nil, err
	}
	disabled, err := apiQueryBool(r, "disabled")
	if err != nil {
		return nil, err
	}
	inds, err := s.db.FindIndicators(r.Context(), store.IndicatorFilter{Disabled: disabled})
	if err != nil {
		return nil, err
	}
	lang := s.apiLang(r)
	out := make([]apiIndicator, 0, len(inds))
	for _, ind := range apiSlice(inds, p) {
		out = append(out, apiIndicatorOf(lang, ind))
	}
	return newAPIList(out, len(inds), p), nil
}

func (s *Server) apiGetIndicator(w http.ResponseWriter, r *http.Request) (any, error) {
	ind, err := s.indicatorOf(r)
	if err != nil {
		return nil, err
	}
	return apiIndicatorOf(s.apiLang(r), ind), nil
}

// apiIndicatorInput is the body of POST /indicators and PUT /indicators/{id} (which
// replaces every field and needs the version it read).
type apiIndicatorInput struct {
	Code         string               `json:"code"`
	Name         string               `json:"name"`
	Measure      string               `json:"measure"`
	Accumulation ding.Accumulation    `json:"accumulation"`
	HigherBetter bool                 `json:"higher_better"`
	Source       ding.IndicatorSource `json:"source"`
	Compute      string               `json:"compute"`
	RankBy       ding.RankBy          `json:"rank_by"`
	Note         string               `json:"note"`
	SortOrder    int                  `json:"sort_order"`
	Disabled     bool                 `json:"disabled"`
	Version      int                  `json:"version"`
}

func (in apiIndicatorInput) indicator() *ding.Indicator {
	return &ding.Indicator{Code: in.Code, Name: in.Name, Measure: in.Measure, Accumulation: in.Accumulation, HigherBetter: in.HigherBetter,
		Source: in.Source, Compute: in.Compute, RankBy: in.RankBy, Note: in.Note, SortOrder: in.SortOrder, Disabled: in.Disabled}
}

func (s *Server) apiCreateIndicator(w http.ResponseWriter, r *http.Request) (any, error) {
	var in apiIndicatorInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	ind := in.indicator()
	if err := s.db.CreateIndicator(r.Context(), ind); err != nil {
		return nil, err
	}
	return apiCreated(apiIndicatorOf(s.apiLang(r), ind)), nil
}

func (s *Server) apiUpdateIndicator(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var in apiIndicatorInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	if in.Version <= 0 {
		return nil, ding.FieldError("version", "indui.api.version_needed")
	}
	ind := in.indicator()
	ind.ID, ind.Version = id, in.Version
	if err := s.db.UpdateIndicator(r.Context(), ind); err != nil {
		return nil, err
	}
	return apiIndicatorOf(s.apiLang(r), ind), nil
}

// apiQueryInt reads an optional integer query parameter within [lo, hi]; empty gives def.
func apiQueryInt(r *http.Request, name string, lo, hi, def int) (int, error) {
	v := strings.TrimSpace(r.URL.Query().Get(name))
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, ding.FieldError(name, "err.bad_param", name)
	}
	return n, nil
}

// apiPeriod reads year and month (default: the current month in Asia/Shanghai, or the
// demo's as-of date).
func (s *Server) apiPeriod(r *http.Request) (year, month int, err error) {
	today, err := s.db.WarningToday(r.Context())
	if err != nil {
		return 0, 0, err
	}
	if year, err = apiQueryInt(r, "year", 2000, 2100, today.Year); err != nil {
		return 0, 0, err
	}
	month, err = apiQueryInt(r, "month", 1, 12, int(today.Month))
	return year, month, err
}

// apiFigure is a figure with its rank change (places risen since last month).
type apiFigure struct {
	*ding.Figure
	RankChange int `json:"rank_change"`
}

// apiFiguresAnswer is the answer of GET /indicators/{id}/figures.
type apiFiguresAnswer struct {
	Indicator apiIndicator `json:"indicator"`
	Year      int          `json:"year"`
	Month     int          `json:"month"`
	Schedule  ding.Ratio   `json:"schedule"` // 时序进度 (null for a point-in-time indicator)
	Items     []apiFigure  `json:"items"`
}

func (s *Server) apiIndicatorFigures(w http.ResponseWriter, r *http.Request) (any, error) {
	ind, err := s.indicatorOf(r)
	if err != nil {
		return nil, err
	}
	year, month, err := s.apiPeriod(r)
	if err != nil {
		return nil, err
	}
	parent, _, err := apiQueryID(r, "parent", false)
	if err != nil {
		return nil, err
	}
	if parent != 0 {
		if _, err := s.db.FindUnitByID(r.Context(), parent); err != nil {
			return nil, err
		}
	}
	fs, err := s.db.IndicatorFigures(r.Context(), ind.ID, year, month, store.FigureFilter{ParentID: parent})
	if err != nil {
		return nil, err
	}
	a := apiFiguresAnswer{Indicator: apiIndicatorOf(s.apiLang(r), ind), Year: year, Month: month, Items: []apiFigure{}}
	if ind.Accumulation == ding.Cumulative {
		a.Schedule = ding.Schedule(year, month, false)
	}
	for _, f := range fs {
		a.Items = append(a.Items, apiFigure{f, f.RankChange()})
	}
	return a, nil
}

// apiValueFilter reads the filters of the targets and actuals: indicator, year, unit (its
// subtree; 404 outside the caller's scope) and, for actuals, month.
func (s *Server) apiValueFilter(r *http.Request, withMonth bool) (store.ValueFilter, error) {
	var f store.ValueFilter
	var err error
	if f.IndicatorID, _, err = apiQueryID(r, "indicator", false); err != nil {
		return f, err
	}
	if f.Year, err = apiQueryInt(r, "year", 2000, 2100, 0); err != nil {
		return f, err
	}
	if withMonth {
		if f.Month, err = apiQueryInt(r, "month", 1, 12, 0); err != nil {
			return f, err
		}
	}
	if f.UnitID, _, err = apiQueryID(r, "unit", false); err != nil {
		return f, err
	}
	if f.UnitID != 0 {
		if _, err := s.db.FindUnitByID(r.Context(), f.UnitID); err != nil {
			return f, err
		}
	}
	return f, nil
}

func (s *Server) apiTargets(w http.ResponseWriter, r *http.Request) (any, error) {
	p, err := apiPageOf(r)
	if err != nil {
		return nil, err
	}
	f, err := s.apiValueFilter(r, false)
	if err != nil {
		return nil, err
	}
	ts, err := s.db.FindTargets(r.Context(), f)
	if err != nil {
		return nil, err
	}
	return newAPIList(apiSlice(ts, p), len(ts), p), nil
}

func (s *Server) apiActuals(w http.ResponseWriter, r *http.Request) (any, error) {
	p, err := apiPageOf(r)
	if err != nil {
		return nil, err
	}
	f, err := s.apiValueFilter(r, true)
	if err != nil {
		return nil, err
	}
	as, err := s.db.FindActuals(r.Context(), f)
	if err != nil {
		return nil, err
	}
	return newAPIList(apiSlice(as, p), len(as), p), nil
}

// apiIndicatorRevisions answers the history of an indicator's values, newest first:
// unit (that unit only) and year filter it.
func (s *Server) apiIndicatorRevisions(w http.ResponseWriter, r *http.Request) (any, error) {
	ind, err := s.indicatorOf(r)
	if err != nil {
		return nil, err
	}
	p, err := apiPageOf(r)
	if err != nil {
		return nil, err
	}
	unit, _, err := apiQueryID(r, "unit", false)
	if err != nil {
		return nil, err
	}
	if unit != 0 {
		if _, err := s.db.FindUnitByID(r.Context(), unit); err != nil {
			return nil, err
		}
	}
	year, err := apiQueryInt(r, "year", 2000, 2100, 0)
	if err != nil {
		return nil, err
	}
	revs, err := s.db.FindRevisions(r.Context(), ind.ID, unit, year)
	if err != nil {
		return nil, err
	}
	return newAPIList(apiSlice(revs, p), len(revs), p), nil
}

// apiRefreshComputed recomputes the computed indicators of a year up to a month (the
// office; default the current month).
func (s *Server) apiRefreshComputed(w http.ResponseWriter, r *http.Request) (any, error) {
	year, month, err := s.apiPeriod(r)
	if err != nil {
		return nil, err
	}
	n, err := s.db.RefreshComputed(r.Context(), year, month)
	if err != nil {
		return nil, err
	}
	return map[string]int{"changed": n, "year": year, "month": month}, nil
}

// apiUnitFigure is one indicator's figures of a unit.
type apiUnitFigure struct {
	Indicator apiIndicator `json:"indicator"`
	Figure    apiFigure    `json:"figure"`
}

func (s *Server) apiUnitFigures(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	year, month, err := s.apiPeriod(r)
	if err != nil {
		return nil, err
	}
	u, err := s.db.FindUnitByID(r.Context(), id)
	if err != nil {
		return nil, err
	}
	ufs, err := s.db.UnitFigures(r.Context(), id, year, month)
	if err != nil {
		return nil, err
	}
	lang := s.apiLang(r)
	items := make([]apiUnitFigure, 0, len(ufs))
	for _, uf := range ufs {
		items = append(items, apiUnitFigure{apiIndicatorOf(lang, uf.Indicator), apiFigure{uf.Figure, uf.Figure.RankChange()}})
	}
	return map[string]any{"unit": u, "year": year, "month": month, "items": items}, nil
}

// apiValueInput is one entry of PUT /values: value is an integer in the indicator's
// stored unit, or null to clear the value; it must be present.
type apiValueInput struct {
	IndicatorID int64           `json:"indicator_id"`
	UnitID      int64           `json:"unit_id"`
	Year        int             `json:"year"`
	Month       int             `json:"month"` // 0: the annual target
	Value       json.RawMessage `json:"value"`
	Note        string          `json:"note"`
}

// apiValuesInput is the body of PUT /values.
type apiValuesInput struct {
	Values  []apiValueInput `json:"values"`
	Preview bool            `json:"preview"`
}

// apiValueError is a refused entry of PUT /values.
type apiValueError struct {
	Index   int    `json:"index"`
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// apiValuesRefused is the 422 answer of PUT /values: the one error format, and every
// refused entry by its position.
type apiValuesRefused struct {
	Error  apiErrorBody    `json:"error"`
	Errors []apiValueError `json:"errors"`
}

// apiMaxValues caps the entries of one PUT /values.
const apiMaxValues = 10_000

// apiSetValues answers PUT /api/v1/values: the batch is written all or nothing (or only
// checked with "preview": true). It is s.api with one difference: a refused batch answers
// 422 with the errors of every entry as well.
func (s *Server) apiSetValues(w http.ResponseWriter, r *http.Request) {
	if reqOf(r).user == nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="ding"`)
		s.fail(w, r, ding.Errorf(ding.EUNAUTHORIZED, "err.unauthorized"))
		return
	}
	if err := s.checkCSRF(r); err != nil {
		s.fail(w, r, err)
		return
	}
	var in apiValuesInput
	if err := s.decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	switch {
	case len(in.Values) == 0:
		s.fail(w, r, ding.FieldError("values", "indui.api.values_required"))
		return
	case len(in.Values) > apiMaxValues:
		s.fail(w, r, ding.FieldError("values", "indui.api.values_too_many", apiMaxValues))
		return
	}
	lang := s.apiLang(r)
	var refused []apiValueError
	refuse := func(i int, field string, err error) {
		e := ding.AsError(err)
		refused = append(refused, apiValueError{Index: i, Field: field, Code: e.Code, Message: message(lang, e)})
	}
	var writes []store.ValueWrite
	var at []int // write → entry
	for i, v := range in.Values {
		wr := store.ValueWrite{IndicatorID: v.IndicatorID, UnitID: v.UnitID, Year: v.Year, Month: v.Month, Note: v.Note}
		raw := bytes.TrimSpace(v.Value)
		switch {
		case len(raw) == 0:
			refuse(i, "value", ding.Errorf(ding.EINVALID, "indui.api.value_required"))
			continue
		case string(raw) != "null":
			n, err := strconv.ParseInt(string(raw), 10, 64)
			if err != nil {
				refuse(i, "value", ding.Errorf(ding.EINVALID, "indui.api.value_integer"))
				continue
			}
			wr.Value = &n
		}
		writes = append(writes, wr)
		at = append(at, i)
	}
	changed, errs, err := s.db.SetValues(r.Context(), writes, "api", !in.Preview && len(refused) == 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, e := range errs {
		if e.Index >= 0 && e.Index < len(at) {
			refuse(at[e.Index], e.Field, e.Err)
		}
	}
	if len(refused) > 0 {
		slices.SortStableFunc(refused, func(a, b apiValueError) int { return a.Index - b.Index })
		writeJSON(w, http.StatusUnprocessableEntity, apiValuesRefused{
			Error:  apiErrorBody{Code: ding.EINVALID, Message: i18n.T(lang, "indui.api.values_refused", len(refused)), Field: "values"},
			Errors: refused})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"changed": changed, "preview": in.Preview})
}

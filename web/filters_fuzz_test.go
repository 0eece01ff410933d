package web

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"ding"
	"ding/i18n"
)

// Fuzz targets of the query-string filter parsers: every function that turns a URL's
// query into a store filter. The pages read leniently (what makes no sense is ignored),
// the API strictly (what makes no sense is refused, naming the parameter). Either way the
// filter they return holds only values the store understands, and written back as a query
// (by the encoders below, the canonical form of each filter) it reads back as itself.
// FuzzListQuery (list_fuzz_test.go) runs the same queries against a database.

// Encoders: the canonical query of each filter.

func boolParam(v url.Values, name string, p *bool) {
	if p != nil {
		v.Set(name, map[bool]string{true: "1", false: "0"}[*p])
	}
}

func idParam(v url.Values, name string, n int64) {
	if n != 0 {
		v.Set(name, strconv.FormatInt(n, 10))
	}
}

func textParam(v url.Values, name, s string) {
	if s != "" {
		v.Set(name, s)
	}
}

func dateParam(v url.Values, name string, d ding.Date) {
	if !d.IsZero() {
		v.Set(name, d.String())
	}
}

func projectFilterQuery(f ding.ProjectFilter) url.Values {
	v := url.Values{}
	for _, st := range f.Stages {
		v.Add("stage", string(st))
	}
	if f.Tier != nil {
		v.Set("tier", strconv.Itoa(int(*f.Tier)))
	}
	idParam(v, "unit", f.UnitID)
	idParam(v, "location", f.LocationID)
	idParam(v, "leader", f.LeaderID)
	idParam(v, "lead_unit", f.LeadUnitID)
	textParam(v, "chain", f.Chain)
	textParam(v, "industry", f.Industry)
	boolParam(v, "manufacturing", f.Manufacturing)
	boolParam(v, "high_tech", f.HighTech)
	boolParam(v, "private", f.Private)
	if f.Year != 0 {
		v.Set("year", strconv.Itoa(f.Year))
	}
	textParam(v, "q", f.Query)
	dateParam(v, "signed_from", f.SignedFrom)
	dateParam(v, "signed_to", f.SignedTo)
	dateParam(v, "started_from", f.StartedFrom)
	dateParam(v, "started_to", f.StartedTo)
	dateParam(v, "in_stats_from", f.InStatsFrom)
	dateParam(v, "in_stats_to", f.InStatsTo)
	textParam(v, "min_investment", wanInput(f.MinInvestment))
	textParam(v, "colour", f.Colour)
	textParam(v, "sort", f.Sort)
	if f.Desc {
		v.Set("desc", "1")
	}
	return v
}

// apiProjectFilterQuery is the API's spelling of the same filter.
func apiProjectFilterQuery(f ding.ProjectFilter) url.Values {
	v := url.Values{}
	for _, st := range f.Stages {
		v.Add("stage", string(st))
	}
	if f.Tier != nil {
		v.Set("tier", strconv.Itoa(int(*f.Tier)))
	}
	idParam(v, "unit_id", f.UnitID)
	idParam(v, "location_id", f.LocationID)
	idParam(v, "leader_id", f.LeaderID)
	idParam(v, "lead_unit_id", f.LeadUnitID)
	textParam(v, "chain", f.Chain)
	textParam(v, "industry", f.Industry)
	boolParam(v, "manufacturing", f.Manufacturing)
	boolParam(v, "high_tech", f.HighTech)
	boolParam(v, "private", f.Private)
	if f.Year != 0 {
		v.Set("year", strconv.Itoa(f.Year))
	}
	textParam(v, "q", f.Query)
	dateParam(v, "signed_from", f.SignedFrom)
	dateParam(v, "signed_to", f.SignedTo)
	dateParam(v, "started_from", f.StartedFrom)
	dateParam(v, "started_to", f.StartedTo)
	dateParam(v, "in_stats_from", f.InStatsFrom)
	dateParam(v, "in_stats_to", f.InStatsTo)
	if f.MinInvestment != 0 {
		v.Set("min_investment", strconv.FormatInt(f.MinInvestment, 10))
	}
	textParam(v, "colour", f.Colour)
	textParam(v, "sort", f.Sort)
	if f.Desc {
		v.Set("order", "desc")
	}
	return v
}

func itemFilterQuery(f itemFilter) url.Values {
	v := url.Values{}
	textParam(v, "q", f.Query)
	textParam(v, "type", f.Type)
	textParam(v, "kind", f.Kind)
	textParam(v, "status", f.Status)
	if f.Open {
		v.Set("open", "1")
	}
	if f.Overdue {
		v.Set("overdue", "1")
	}
	idParam(v, "unit", f.UnitID)
	idParam(v, "project", f.ProjectID)
	textParam(v, "sort", f.Sort)
	if f.Desc {
		v.Set("desc", "1")
	}
	return v
}

func warningsFilterQuery(f warningsFilter) url.Values {
	v := url.Values{}
	textParam(v, "colour", string(f.Colour))
	textParam(v, "q", f.Query)
	idParam(v, "unit", f.UnitID)
	idParam(v, "rule", f.RuleID)
	textParam(v, "exempt", f.Exempt)
	return v
}

func escFilterQuery(f escFilter) url.Values {
	v := url.Values{}
	textParam(v, "q", f.Query)
	textParam(v, "colour", string(f.Colour))
	textParam(v, "action", f.Action)
	textParam(v, "status", f.Status)
	if f.Overdue {
		v.Set("overdue", "1")
	}
	textParam(v, "period", f.Period)
	idParam(v, "unit", f.UnitID)
	textParam(v, "sort", f.Sort)
	if f.Desc {
		v.Set("desc", "1")
	}
	return v
}

func meetFilterQuery(f meetFilter) url.Values {
	v := url.Values{}
	textParam(v, "q", f.Query)
	textParam(v, "kind", string(f.Kind))
	textParam(v, "status", f.Status)
	textParam(v, "month", f.Month)
	dateParam(v, "from", f.From)
	dateParam(v, "to", f.To)
	return v
}

func commitFilterQuery(f commitFilter) url.Values {
	v := url.Values{}
	textParam(v, "status", f.Status)
	textParam(v, "side", f.Side)
	idParam(v, "unit", f.UnitID)
	idParam(v, "project", f.ProjectID)
	return v
}

func auditFilterQuery(f ding.AuditFilter) url.Values {
	v := url.Values{}
	textParam(v, "entity", f.Entity)
	textParam(v, "action", f.Action)
	textParam(v, "actor", f.Actor)
	idParam(v, "entity_id", f.EntityID)
	if !f.From.IsZero() {
		v.Set("from", f.From.In(shanghai).Format("2006-01-02"))
	}
	if !f.To.IsZero() {
		v.Set("to", f.To.In(shanghai).AddDate(0, 0, -1).Format("2006-01-02"))
	}
	return v
}

// checkProjectFilter checks that a project filter holds only values the store understands
// (and, read from a page's query, each stage once and an amount in whole 0.01万).
func checkProjectFilter(t *testing.T, raw string, f ding.ProjectFilter, page bool) {
	t.Helper()
	bad := func(what string) { t.Fatalf("%q: %s in %+v", raw, what, f) }
	for i, st := range f.Stages {
		if !st.Valid() || page && slices.Contains(f.Stages[:i], st) {
			bad("stage " + string(st))
		}
	}
	if f.Tier != nil && !slices.Contains(ding.Tiers, *f.Tier) {
		bad("tier")
	}
	if f.UnitID < 0 || f.LocationID < 0 || f.LeaderID < 0 || f.LeadUnitID < 0 || f.MinInvestment < 0 || page && f.MinInvestment%100 != 0 {
		bad("a negative id or amount")
	}
	if f.Industry != "" && !slices.Contains(ding.Industries, f.Industry) {
		bad("industry")
	}
	if f.Year != 0 && (f.Year < 2000 || f.Year > 2100) {
		bad("year")
	}
	if f.Colour != "" && f.Colour != "red" && f.Colour != "yellow" && f.Colour != "blue" {
		bad("colour")
	}
	if f.Sort != "" && !slices.Contains(apiProjectSorts, f.Sort) {
		bad("sort")
	}
	if f.Query != strings.TrimSpace(f.Query) || f.Chain != strings.TrimSpace(f.Chain) {
		bad("untrimmed text")
	}
}

// checkParamError checks a refusal: an invalid-input error naming a parameter of the
// query, with a message in both languages.
func checkParamError(t *testing.T, raw string, q url.Values, err error) {
	t.Helper()
	e := ding.AsError(err)
	if e.Code != ding.EINVALID || e.Field == "" || !i18n.Has(e.Key) {
		t.Fatalf("%q: %v", raw, err)
	}
	if _, ok := q[e.Field]; !ok {
		t.Fatalf("%q: the error names %q, not a parameter of the query", raw, e.Field)
	}
	for _, lang := range []string{"zh", "en"} {
		msg := i18n.T(lang, e.Key, e.Args...)
		for _, a := range e.Args { // the arguments may echo anything the query holds
			msg = strings.ReplaceAll(strings.ReplaceAll(msg, fmt.Sprintf("%q", a), ""), fmt.Sprint(a), "")
		}
		if msg == e.Key || strings.Contains(msg, "%!") {
			t.Fatalf("%q: message %q", raw, msg)
		}
	}
}

// roundTrip fails unless parse(encode(got)) is got again.
func roundTrip[F any](t *testing.T, raw, name string, got F, encode func(F) url.Values, parse func(url.Values) F) {
	t.Helper()
	enc := encode(got)
	if again := parse(enc); !reflect.DeepEqual(again, got) {
		t.Fatalf("%q: %s\n  read %+v\nwritten %s\n  reads %+v", raw, name, got, enc.Encode(), again)
	}
}

// FuzzFilterParsers feeds a raw query string to every filter parser of the pages and the
// API and checks the filters they return (see the top of this file).
func FuzzFilterParsers(f *testing.F) {
	for _, s := range []string{"", "stage=signed&stage=started&stage=signed&tier=10&unit=3&year=2024&q=+港口+&sort=name&desc=1",
		"tier=7&unit=-1&industry=c&manufacturing=1&high_tech=0&private=x&min_investment=1,234.5&colour=red",
		"signed_from=2024-01-01&signed_to=2024-02-30&started_from=0000-01-01&in_stats_to=2024-12-31&lead_unit=9",
		"stage=signed,started&unit_id=0&location_id=abc&order=desc&min_investment=-5&colour=green",
		"kind=demand&status=accepted&open=true&overdue=1&project=7&sort=due&type=土地",
		"colour=yellow&rule=3&exempt=1", "action=letters&status=open&period=2024-06&sort=severity&desc=1&overdue=true",
		"kind=weekly&status=held&month=2024-13&from=2024-06-01&to=2024-05-01", "status=pending&side=investor&unit=2&project=1",
		"entity=project&entity_id=0&from=2024-06-01&to=2024-05-31", "entity_id=12&from=2024-02-29&to=2024-03-01&actor=admin",
		"limit=0&offset=-1", "limit=100000&offset=5&page=3", "page=-2&year=1999", "year=2100&id=5", "%zz=1&q=%ff%fe",
		"q=%00&chain=%E2%80%8B", "stage=" + strings.Repeat("x", 300), "tier=+10&unit=+3&year=+2024"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, _ := url.ParseQuery(raw)
		req := &http.Request{Method: "GET", URL: &url.URL{Path: "/", RawQuery: raw}}

		pf := parseProjectFilter(q, 2024)
		checkProjectFilter(t, raw, pf, true)
		roundTrip(t, raw, "project list", pf, projectFilterQuery, func(v url.Values) ding.ProjectFilter { return parseProjectFilter(v, 2024) })

		xf := importFilterFromQuery(q)
		checkProjectFilter(t, raw, xf, true)
		roundTrip(t, raw, "project export", xf, projectFilterQuery, importFilterFromQuery)

		if af, err := apiProjectFilter(req); err != nil {
			checkParamError(t, raw, q, err)
		} else {
			checkProjectFilter(t, raw, af, false)
			roundTrip(t, raw, "API projects", af, apiProjectFilterQuery, func(v url.Values) ding.ProjectFilter {
				back, err := apiProjectFilter(&http.Request{URL: &url.URL{RawQuery: v.Encode()}})
				if err != nil {
					t.Fatalf("%q: the canonical query %s is refused: %v", raw, v.Encode(), err)
				}
				return back
			})
		}

		it := parseItemFilter(q)
		if it.UnitID < 0 || it.ProjectID < 0 || it.Sort != "" && !slices.Contains(itemSortCols, it.Sort) ||
			it.Status != "" && !slices.Contains(ding.ItemStatuses, ding.ItemStatus(it.Status)) {
			t.Fatalf("%q: item filter %+v", raw, it)
		}
		roundTrip(t, raw, "items", it, itemFilterQuery, parseItemFilter)

		wf := parseWarningsFilter(q)
		if wf.UnitID < 0 || wf.RuleID < 0 {
			t.Fatalf("%q: warnings filter %+v", raw, wf)
		}
		roundTrip(t, raw, "warnings", wf, warningsFilterQuery, parseWarningsFilter)

		ef := parseEscFilter(q)
		if ef.Period != "" && !isMonth(ef.Period) || ef.UnitID < 0 {
			t.Fatalf("%q: escalations filter %+v", raw, ef)
		}
		roundTrip(t, raw, "escalations", ef, escFilterQuery, parseEscFilter)

		mf := parseMeetFilter(q)
		if mf.Month != "" && !isMonth(mf.Month) {
			t.Fatalf("%q: meetings filter %+v", raw, mf)
		}
		if sf := mf.store(); !sf.From.IsZero() && !sf.To.IsZero() && mf.From.IsZero() && mf.To.IsZero() && !sf.From.Before(sf.To) {
			t.Fatalf("%q: the month %s gives an empty range %v..%v", raw, mf.Month, sf.From, sf.To)
		}
		roundTrip(t, raw, "meetings", mf, meetFilterQuery, parseMeetFilter)

		cf := parseCommitFilter(q)
		if cf.UnitID < 0 || cf.ProjectID < 0 {
			t.Fatalf("%q: commitments filter %+v", raw, cf)
		}
		roundTrip(t, raw, "commitments", cf, commitFilterQuery, parseCommitFilter)

		if au, err := auditFilterFrom(q); err != nil {
			checkParamError(t, raw, q, err)
		} else {
			if au.EntityID < 0 || !au.To.IsZero() && !au.From.IsZero() && !au.From.Before(au.To) {
				t.Fatalf("%q: audit filter %+v", raw, au)
			}
			roundTrip(t, raw, "audit", au, auditFilterQuery, func(v url.Values) ding.AuditFilter {
				back, err := auditFilterFrom(v)
				if err != nil {
					t.Fatalf("%q: the canonical query %s is refused: %v", raw, v.Encode(), err)
				}
				return back
			})
		}

		if p, err := apiPageOf(req); err != nil {
			checkParamError(t, raw, q, err)
		} else if p.Limit < 1 || p.Limit > apiMaxLimit || p.Offset < 0 {
			t.Fatalf("%q: page %+v", raw, p)
		}
		if n := pageParam(q); n < 1 {
			t.Fatalf("%q: page %d", raw, n)
		}
		if n := queryID(q, "id"); n < 0 {
			t.Fatalf("%q: id %d", raw, n)
		}
		if y, err := yearParam(q.Get("year"), 2024); err != nil {
			if ding.AsError(err).Field != "year" {
				t.Fatalf("%q: %v", raw, err)
			}
		} else if y < 2000 || y > 2100 {
			t.Fatalf("%q: year %d", raw, y)
		}
		if _, err := apiQueryTime(req, "from", false); err != nil {
			checkParamError(t, raw, q, err)
		}
		if _, err := apiQueryTime(req, "to", true); err != nil {
			checkParamError(t, raw, q, err)
		}
	})
}

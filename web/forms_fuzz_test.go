package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"ding"
	"ding/i18n"
)

// Fuzz targets of the forms that read user text into domain values: money in 万元, the
// project form, the warning rule editor and the competition scheme editor. A form either
// answers with errors on its own fields or gives a value; a value that validates shows in
// the edit form (the …FormValues functions) so that posting that form unchanged reads the
// same value back.

// checkFormErrors checks a refused form: every error is an invalid-input error on one of
// the form's fields with a message in the catalog.
func checkFormErrors(t *testing.T, what string, errs []*ding.Error, fields []string) {
	t.Helper()
	for _, e := range errs {
		if e.Code != ding.EINVALID || !i18n.Has(e.Key) || !slices.Contains(fields, e.Field) {
			t.Fatalf("%s: error %v on %q", what, e, e.Field)
		}
	}
}

// FuzzParseWan: a 万元 amount typed in a form reads as whole hundreds of yuan within the
// cap, and shows back (in the form's plain digits or with separators) as the same amount;
// any amount in range rounds to the nearest 0.01万 and back.
func FuzzParseWan(f *testing.F) {
	for _, s := range []string{"", "0", "1,234.5", "12345.67", " 1234 万元 ", "1234万", "，1", "-5", "－5", "+5", ".5", "5.", ".", "1.234",
		"00000000000012", "10000000000", "10000000000.01", "99999999999", "1e3", "١٢٣", "１２３"} {
		f.Add(s, int64(0))
	}
	f.Add("", int64(12_345_650))
	f.Add("", int64(1<<62))
	f.Fuzz(func(t *testing.T, s string, y int64) {
		v, err := parseWan("amount", s)
		if err != nil {
			checkFormErrors(t, s, []*ding.Error{ding.AsError(err)}, []string{"amount"})
		} else {
			if v < 0 || v > maxWan*10_000 || v%100 != 0 {
				t.Fatalf("parseWan(%q) = %d", s, v)
			}
			for _, back := range []string{wanInput(v), ding.Wan(v)} {
				if got, err := parseWan("amount", back); err != nil || got != v {
					t.Fatalf("parseWan(%q) = %d, shown as %q, read back as %d, %v", s, v, back, got, err)
				}
			}
		}
		if y >= 0 && y <= maxWan*10_000 {
			want := (y + 50) / 100 * 100
			if got, err := parseWan("amount", wanInput(y)); err != nil || got != want {
				t.Fatalf("%d shows as %q, read back as %d, %v; want %d", y, wanInput(y), got, err, want)
			}
		}
		// The money shown on pages takes any amount.
		if p := pct1(y, v+1); !strings.HasSuffix(p, "%") {
			t.Fatalf("pct1(%d, %d) = %q", y, v+1, p)
		}
		_ = yiText(y)
	})
}

// projectFormFields are the project form's fields, in the order the fuzzer's text fills them.
var projectFormFields = []string{"code", "name", "short_name", "owner_name", "owner_code", "unit_id", "location_id", "leader_id", "nature",
	"investor", "industry", "chain", "manufacturing", "high_tech", "private", "total_investment", "land_mu", "content", "expected_output",
	"expected_tax", "planned_start", "planned_end", "actual_start", "actual_end", "signed_on", "agreement_type", "in_stats", "in_stats_on",
	"stage", "stage_on"}

// FuzzProjectForm posts the project form with the tab-separated fields of text (in the order
// of projectFormFields): a refusal names the form's fields; a project that validates can be
// written as JSON (no NaN sneaks in) and reads back unchanged from its edit form.
func FuzzProjectForm(f *testing.F) {
	for _, s := range []string{
		"2301-330803-04-01-000001\t新材料产业园\t新材料\t某公司\t91350100M000100Y43\t3\t4\t5\tnew\tprivate\tC\t新材料\t1\t\t1\t1,234.5\t12.5\t厂房\t5000\t300\t2024-03-01\t2025-12-31\t\t\t2024-01-15\t正式协议\t1\t2024-05-01\tsigned\t2024-01-15",
		"2301-330803-04-01-000001\t项目\t\t\t\t3\t\t\t\tgovernment\t\t\t\t\t\t\tNaN",
		"2301-330803-04-01-000001\t项目\t\t\t\t3\t\t\t\tgovernment\t\t\t\t\t\t\t1e400",
		"2301-330803-04-01-000001\t项目\t\t\t\t3\t\t\t\tgovernment\t\t\t\t\t\t\t-0",
		"x\t\t\t\t\t-1\tabc\t\tmoon\t\t\t\t\t\t\t-5\t-1\t\t\t\t2023-02-29\t\t\t\t\t\t1\t\tdropped",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		form := url.Values{}
		for i, v := range strings.SplitN(text, "\t", len(projectFormFields)) {
			form.Set(projectFormFields[i], v)
		}
		p, fe := projectFromForm(form)
		if len(fe) > 0 {
			checkFormErrors(t, text, fe, append(projectFormFields, "unit_id"))
			return
		}
		p.Normalize()
		if p.Validate() != nil {
			return
		}
		if _, err := json.Marshal(p); err != nil {
			t.Fatalf("%q: a valid project that is no JSON: %v", text, err)
		}
		p.Stage, p.StageOn = "", ding.Date{} // the edit form leaves the stage to transitions
		if p.LandMu == 0 {
			p.LandMu = 0 // -0 is no land either
		}
		back, fe := projectFromForm(projectFormValues(p))
		if len(fe) > 0 {
			t.Fatalf("%q: the edit form of %+v is refused: %v", text, p, fe)
		}
		back.Normalize()
		back.Stage = ""
		if a, b := jsonOf(t, back), jsonOf(t, p); a != b {
			t.Fatalf("%q: edit form round trip\n got %s\nwant %s", text, a, b)
		}
	})
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// postedRule reads a rule from a posted form as the rule editor does.
func postedRule(form url.Values) (*ding.Rule, error) {
	return ruleFromForm(&http.Request{Method: "POST", PostForm: form}, ding.DefaultColours)
}

// ruleFormFields are the rule editor's fields.
var ruleFormFields = []string{"name", "kind", "measure", "timing", "item", "tier", "stage", "unit", "manufacturing", "high_tech", "private",
	"min_blue", "strict_blue", "min_yellow", "strict_yellow", "min_red", "strict_red", "persistence", "version", "enabled"}

// FuzzRuleForm posts the warning rule editor with the tab-separated fields of text (in the
// order of ruleFormFields; tier, stage and unit take comma-separated lists): a refusal is an
// invalid-input error on one of the form's fields; a rule that validates shows in the edit
// form so that posting it again gives the same rule, which still validates.
func FuzzRuleForm(f *testing.F) {
	for _, s := range []string{
		"投资滞后\tinvest_lag\tpoints\tmonth\t\t10,100\tstarted,completed\t3\t1\t\t0\t\t\t10\t\t30\t1\t2\t0\t1",
		"投资滞后（比例）\tinvest_lag\tratio\tday\t\t\t\t\t\t\t\t\t\t0.8\t1\t0.6\t1\t\t\t1",
		"节点\tmilestone\t\t\t\t\t\t\t\t\t\t-7\t\t1\t\t30\t\t\t\t1",
		"事项\titem_overdue\t\t\tdemand\t\t\t\t\t\t\t\t\t1\t\t7",
		"x\tstage_stale\t\t\t\t7\tstarted\t-1\t\t\t\t\t\t45\t\t90",
		"x\tstart_overdue\t\t\t\tabc\t\t\t\t\t\tNaN\t\t1e400\t\t１\t\tx\tv",
		"x\tmilestone\t\t\t\t\t\t\t\t\t\t5，5\t\t10%\t\t-0",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		form := url.Values{}
		for i, v := range strings.SplitN(text, "\t", len(ruleFormFields)) {
			name := ruleFormFields[i]
			if name == "tier" || name == "stage" || name == "unit" {
				for _, x := range strings.Split(v, ",") {
					form.Add(name, x)
				}
				continue
			}
			form.Set(name, v)
		}
		rule, err := postedRule(form)
		if err != nil {
			checkFormErrors(t, text, []*ding.Error{ding.AsError(err)}, append(ruleFormFields, "scope"))
			return
		}
		if err := rule.Validate(ding.DefaultColours); err != nil {
			checkFormErrors(t, text, []*ding.Error{ding.AsError(err)}, append(ruleFormFields, "thresholds", "scope"))
			return
		}
		back, err := postedRule(ruleFormValues(rule))
		if err != nil {
			t.Fatalf("%q: the edit form of %+v is refused: %v", text, rule, err)
		}
		if err := back.Validate(ding.DefaultColours); err != nil {
			t.Fatalf("%q: valid, then not after the edit form: %v", text, err)
		}
		if a, b := jsonOf(t, back), jsonOf(t, rule); a != b {
			t.Fatalf("%q: edit form round trip\n got %s\nwant %s", text, a, b)
		}
	})
}

// schemeIndicators are the indicators a fuzzed scheme may score, one of each measure.
var schemeIndicators = func() map[int64]*ding.Indicator {
	m := map[int64]*ding.Indicator{}
	for i, ms := range ding.Measures {
		id := int64(i + 1)
		m[id] = &ding.Indicator{ID: id, Code: "i" + strconv.Itoa(i), Name: ms.Name, Measure: ms.Name, HigherBetter: i%2 == 0}
	}
	return m
}()

// fuzzSchemeForm builds the scheme editor's form: the head's fields from the first line
// (name, organizer_id, period, total_points, flag_count, flag_name, public), then an item per
// line up to a blank line (indicator, basis, method, weight, step, cap, benchmark), then a
// participant per line (unit, group).
func fuzzSchemeForm(text string) url.Values {
	f := url.Values{}
	lines := strings.Split(text, "\n")
	for i, v := range strings.SplitN(lines[0], "\t", 7) {
		f.Set([]string{"name", "organizer_id", "period", "total_points", "flag_count", "flag_name", "public"}[i], v)
	}
	items := true
	for n, line := range lines[1:] {
		if line == "" {
			items = false
			continue
		}
		names := []string{"part_unit_", "part_group_"}
		if items {
			names = []string{"item_indicator_", "item_basis_", "item_method_", "item_weight_", "item_step_", "item_cap_", "item_benchmark_"}
		}
		for i, v := range strings.SplitN(line, "\t", len(names)) {
			f.Set(names[i]+strconv.Itoa(n), v)
		}
	}
	return f
}

// schemeFormOf is the form schemeFormValues shows for a saved scheme, as it is posted.
func schemeFormOf(sc *ding.Scheme) url.Values {
	f, items, parts := schemeFormValues(sc, schemeIndicators)
	for i, it := range items {
		n := strconv.Itoa(i)
		f.Set("item_indicator_"+n, it.Indicator)
		f.Set("item_basis_"+n, it.Basis)
		f.Set("item_method_"+n, it.Method)
		f.Set("item_weight_"+n, it.Weight)
		f.Set("item_step_"+n, it.Step)
		f.Set("item_cap_"+n, it.Cap)
		f.Set("item_benchmark_"+n, it.Benchmark)
	}
	for i, p := range parts {
		f.Set("part_unit_"+strconv.Itoa(i), p.Unit)
		f.Set("part_group_"+strconv.Itoa(i), p.Group)
	}
	return f
}

// postedScheme reads a scheme from a posted form as the scheme editor does, normalized.
func postedScheme(f url.Values) (*ding.Scheme, formErrors) {
	items, parts := schemeRowsFromForm(f)
	sc, fe := schemeFromForm(f, items, parts, schemeIndicators)
	sc.Normalize()
	return sc, fe
}

// FuzzSchemeForm posts the competition scheme editor (see fuzzSchemeForm for the layout of
// text): a refusal names the form's fields; a scheme that validates shows in the edit form
// so that posting it again gives the same scheme (points, percentages and benchmarks in
// each indicator's unit read back exactly).
func FuzzSchemeForm(f *testing.F) {
	for _, s := range []string{
		"2024 年季比拼\t1\tquarter\t100\t2\t流动红旗\t1\n1\tgrowth\trank\t40\t5\n2\tcompletion\ttarget\t30\n3\tvalue\tratio\t20\t\t120\t50.5\n" +
			"4\tcompletion\ttarget_prop\t5\t\t120\n5\tgrowth\tminmax\t5\n\n2\t乡镇\n3\t乡镇\n4\t园区",
		"年度考核\t1\tyear\t10\t\t\t\n3\tvalue\tratio\t10\t\t\t1.2345\n\n2\t",
		"月度\t1\tmonth\t1.5\t1\t\t\n9\tvalue\tratio\t1.5\t\t\t12.5\n\n2\t",
		"x\t1\tquarter\t100\t\t\t\n1\tgrowth\tratio\t100\t\t\t12.345\n\n2\t",
		"x\t-1\tweek\tabc\t51\t\t\n0\tmoon\trank\t\t101%\n\nx\t",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		sc, fe := postedScheme(fuzzSchemeForm(text))
		if len(fe) > 0 {
			checkFormErrors(t, text, fe, schemeFormFields)
			return
		}
		if err := sc.Validate(); err != nil {
			checkFormErrors(t, text, []*ding.Error{ding.AsError(err)}, schemeFormFields)
			return
		}
		back, fe := postedScheme(schemeFormOf(sc))
		if len(fe) > 0 {
			t.Fatalf("%q: the edit form of %+v is refused: %v", text, sc, fe)
		}
		if err := back.Validate(); err != nil {
			t.Fatalf("%q: valid, then not after the edit form: %v", text, err)
		}
		if a, b := jsonOf(t, back), jsonOf(t, sc); a != b {
			t.Fatalf("%q: edit form round trip\n got %s\nwant %s", text, a, b)
		}
	})
}

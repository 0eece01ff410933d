package web

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// dashHref finds the link of a figure: the href of the <a> whose URL has all of parts.
func dashHref(t *testing.T, body string, parts ...string) string {
	t.Helper()
	for _, m := range regexp.MustCompile(`href="(/projects[^"]*)"`).FindAllStringSubmatch(body, -1) {
		u := html.UnescapeString(m[1])
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(u, p)
		}
		if ok {
			return u
		}
	}
	t.Fatalf("no link with %v", parts)
	return ""
}

// TestDashboardPage: the page shows the store's figures, each a link to a project list
// of exactly the records counted; a liaison sees its subtree only; a bad month is refused;
// an empty month shows no NaN.
func TestDashboardPage(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		warnYellow(t, f) // town A: 12亿, signed 2024-01-10, started 2024-02-01, 300 of 1,200万, yellow
		office := warnCtx(f, "office")
		d, err := f.db.DashboardFor(office, 0, 2024, 6)
		if err != nil {
			t.Fatal(err)
		}
		c := f.login("office")
		res, body := c.getRes("/dashboard?year=2024&month=6")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("dashboard: %d", res.StatusCode)
		}
		for _, want := range []string{"衢江区", yiText(d.Completed), yiText(d.Plan), d.Completion.Pct(), d.Schedule.Pct(), "樟潭街道", `id="nav-dashboard"`, "<svg"} {
			if !strings.Contains(body, want) {
				t.Fatalf("dashboard lacks %q", want)
			}
		}
		if strings.Contains(body, "NaN") {
			t.Fatal("NaN on the dashboard")
		}
		// Every project link lists exactly the projects counted.
		for _, k := range []struct {
			parts []string
			want  int64
		}{
			{[]string{"min_investment=100000&"}, d.Signed10},
			{[]string{"min_investment=10000&"}, d.Signed1},
			{[]string{"min_investment=1000000&"}, d.Signed100},
			{[]string{"started_from="}, d.Started},
			{[]string{"in_stats_from=", "signed_from="}, d.SignedInStats},
			{[]string{"colour=yellow"}, 1},
			{[]string{"stage=started"}, 1},
		} {
			link := dashHref(t, body, k.parts...)
			u, _ := url.Parse(link)
			_, tot, err := f.db.FindProjects(office, parseProjectFilter(u.Query(), 2024))
			if err != nil || int64(tot.Count) != k.want {
				t.Fatalf("%s lists %d, the dashboard says %d (%v)", link, tot.Count, k.want, err)
			}
			res, page := c.getRes(link)
			if res.StatusCode != http.StatusOK || (k.want > 0) != strings.Contains(page, "特种纸扩能项目") {
				t.Fatalf("%s: %d", link, res.StatusCode)
			}
			// The list's filter form shows the link's filters in visible fields of its
			// open "more filters" section, so they can be read, changed and kept.
			checkDrillFields(t, link, page)
		}
		if d.Signed10 != 1 || d.Started != 1 {
			t.Fatalf("fixture: signed10 %d started %d", d.Signed10, d.Started)
		}
		// A liaison sees its own subtree, not the district.
		a := f.login("liaisonA")
		// A lead unit outside the caller's units stays selected (by its number) all the same.
		other := "/projects?lead_unit=" + strconv.FormatInt(f.units["district"].ID, 10)
		if res, page := a.getRes(other); res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", other, res.StatusCode)
		} else {
			checkDrillFields(t, other, page)
		}
		if res, body := a.getRes("/dashboard?year=2024&month=6"); res.StatusCode != http.StatusOK || !strings.Contains(body, "樟潭街道") {
			t.Fatalf("liaison's dashboard: %d", res.StatusCode)
		}
		if res, _ := a.getRes("/dashboard?unit=" + strconv.FormatInt(f.units["district"].ID, 10)); res.StatusCode != http.StatusNotFound {
			t.Fatalf("liaison asks for the district: %d", res.StatusCode)
		}
		// A bad month is refused; an empty month renders.
		if res, _ := c.getRes("/dashboard?month=13"); res.StatusCode != http.StatusUnprocessableEntity && res.StatusCode != http.StatusBadRequest {
			t.Fatalf("month 13: %d", res.StatusCode)
		}
		for _, p := range []string{"/dashboard?year=2030&month=1", "/dashboard?unit=" + strconv.FormatInt(f.units["townB"].ID, 10)} {
			res, body := c.getRes(p)
			if res.StatusCode != http.StatusOK || strings.Contains(body, "NaN") {
				t.Fatalf("%s: %d", p, res.StatusCode)
			}
		}
		if res, body := c.getRes("/dashboard?year=2024&month=6&lang=en"); res.StatusCode != http.StatusOK || strings.Contains(body, "dashui.") {
			t.Fatalf("english: %d", res.StatusCode)
		}
	})
}

// checkDrillFields fails unless the project list's page shows each drill-down filter of
// link as the value of a visible field (an input, or the selected option of a select) in
// the open "more filters" section, and no hidden field carries one.
func checkDrillFields(t *testing.T, link, page string) {
	t.Helper()
	u, _ := url.Parse(link)
	more := regexp.MustCompile(`(?s)<details class="pmore" id="projects-more"( open)?>.*?</details>`).FindStringSubmatch(page)
	if more == nil {
		t.Fatalf("%s: no more-filters section", link)
	}
	drill := false
	for _, name := range []string{"lead_unit", "signed_from", "signed_to", "started_from", "started_to", "in_stats_from", "in_stats_to",
		"min_investment", "colour"} {
		want := u.Query().Get(name)
		if strings.Contains(page, `type="hidden" name="`+name+`"`) {
			t.Fatalf("%s: %s is a hidden field", link, name)
		}
		var got string
		if m := regexp.MustCompile(`<input[^>]* name="` + name + `"[^>]*value="([^"]*)"`).FindStringSubmatch(more[0]); m != nil {
			got = m[1]
		} else if m := regexp.MustCompile(`(?s)<select name="` + name + `"[^>]*>.*?</select>`).FindString(more[0]); m != "" {
			if sel := regexp.MustCompile(`<option value="([^"]*)" selected`).FindStringSubmatch(m); sel != nil {
				got = sel[1]
			}
		} else {
			t.Fatalf("%s: no field %s", link, name)
		}
		if got != want {
			t.Fatalf("%s: the field %s shows %q, the link has %q", link, name, got, want)
		}
		drill = drill || want != ""
	}
	if drill != (more[1] != "") {
		t.Fatalf("%s: the section is open %v with drill-down filters %v", link, more[1] != "", drill)
	}
}

// TestDashboardAPI: the API answers the store's Dashboard.
func TestDashboardAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		warnYellow(t, f)
		code, js := f.api("office", "GET", "/api/v1/dashboard?year=2024&month=6", "")
		if code != http.StatusOK {
			t.Fatalf("api: %d %s", code, js)
		}
		var d struct {
			UnitName                           string `json:"unit_name"`
			Projects, Completed, Plan, Started int64
			Units                              []json.RawMessage
		}
		if err := json.Unmarshal([]byte(js), &d); err != nil {
			t.Fatal(err)
		}
		if d.Projects != 1 || d.Completed != 300*10_000 || d.Plan != 1200*10_000 || d.Started != 1 || len(d.Units) != 1 || d.UnitName != "衢江区" {
			t.Fatalf("api dashboard: %s", js)
		}
		if !strings.Contains(js, `"completion":0.25`) {
			t.Fatalf("completion: %s", js)
		}
		if code, _ := f.api("liaisonB", "GET", "/api/v1/dashboard?unit="+strconv.FormatInt(f.units["townA"].ID, 10), ""); code != http.StatusNotFound {
			t.Fatalf("out of scope: %d", code)
		}
		if code, _ := f.api("office", "GET", "/api/v1/dashboard?month=0", ""); code != http.StatusUnprocessableEntity && code != http.StatusBadRequest {
			t.Fatalf("month 0: %d", code)
		}
	})
}

package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"ding"
	"ding/store"
)

// TestDesk: the leader's desk lists the demands waiting for them and decides one in a
// click; others cannot use it, the office may look at a leader's desk.
func TestDesk(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		p := itemSetup(t, f)
		d := &ding.Item{Kind: ding.DemandItem, ProjectID: p.ID, Type: "土地", Title: "用地指标调剂", Request: "请协调调剂 50 亩用地指标"}
		if err := f.db.CreateItem(warnCtx(f, "liaisonA"), d); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.StepItem(warnCtx(f, "office"), d.ID, store.ItemStep{Action: ding.ItemAccept,
			Units: []ding.ItemUnit{{UnitID: f.units["townA"].ID, Lead: true}}}); err != nil {
			t.Fatal(err)
		}
		c := f.login("leader")
		body := c.get("/desk")
		for _, want := range []string{"leader的工作台", "用地指标调剂", "特种纸扩能项目", `action="/desk/items/` + strconv.FormatInt(d.ID, 10) + `/decide"`} {
			if !strings.Contains(body, want) {
				t.Fatalf("desk lacks %q", want)
			}
		}
		// An empty decision is refused on the page; nothing changes.
		res, body := c.submit("/desk/items/"+strconv.FormatInt(d.ID, 10)+"/decide", url.Values{"comment": {" "}, "version": {"2"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "请填写拍板意见") {
			t.Fatalf("empty decision: %d", res.StatusCode)
		}
		if it := itemOf(t, f, d.ID); it.Status != ding.ItemAccepted {
			t.Fatalf("status after a refused decision: %s", it.Status)
		}
		res, _ = c.submit("/desk/items/"+strconv.FormatInt(d.ID, 10)+"/decide", url.Values{"comment": {"同意，资规分局一周内办结"}, "on_site": {"1"}, "version": {"2"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("decide: %d", res.StatusCode)
		}
		if it := itemOf(t, f, d.ID); it.Status != ding.ItemDecided || it.DecidedBy != f.users["leader"].ID || !it.OnSite {
			t.Fatalf("decided: %+v", it)
		}
		if body := c.get("/desk"); strings.Contains(body, `/desk/items/`+strconv.FormatInt(d.ID, 10)) {
			t.Fatal("the decided demand is still waiting on the desk")
		}
		// A liaison has no desk; the office may open the leader's, read-only.
		if res, _ := f.login("liaisonA").getRes("/desk"); res.StatusCode != http.StatusForbidden {
			t.Fatalf("liaison's desk: %d", res.StatusCode)
		}
		res, body = f.login("office").getRes("/desk?leader=" + strconv.FormatInt(f.users["leader"].ID, 10))
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "特种纸扩能项目") || strings.Contains(body, `name="comment"`) {
			t.Fatalf("office looks at the desk: %d", res.StatusCode)
		}
		// The API says the same.
		code, js := f.api("leader", "GET", "/api/v1/desk", "")
		if code != http.StatusOK || !strings.Contains(js, `"projects"`) || !strings.Contains(js, "特种纸扩能项目") {
			t.Fatalf("api desk: %d %s", code, js)
		}
		if code, _ := f.api("liaisonA", "GET", "/api/v1/desk", ""); code != http.StatusForbidden {
			t.Fatalf("api desk for a liaison: %d", code)
		}
	})
}

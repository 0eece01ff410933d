package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"ding/store"
)

// TestJobsPage: administrators see each job run with its server, claims and outcome, on
// the page and in the API; others get 403; a bad number of days is a clear error.
func TestJobsPage(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		if _, err := f.db.RunJob(ctx, store.Job{Name: "warnings.nightly", Slot: "2026-11-30", Owner: "web-1/42/abc", Lease: time.Minute},
			func(context.Context) (string, error) { return "300 projects, 12 warnings, 3 events", nil }); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.RunJob(ctx, store.Job{Name: "housekeeping", Slot: "2026-11-30T03", Owner: "web-2/7/def", Lease: time.Minute},
			func(context.Context) (string, error) { return "", errors.New("磁盘已满") }); err == nil {
			t.Fatal("the failing job did not fail")
		}
		body := f.login("admin").get("/settings/jobs")
		for _, want := range []string{"每日预警重算", "2026-11-30", "web-1/42/abc", "300 projects, 12 warnings, 3 events", "已完成",
			"例行清理", "失败，待重试", "磁盘已满"} {
			if !strings.Contains(body, want) {
				t.Fatalf("jobs page lacks %q", want)
			}
		}
		if res, body := f.login("admin").getRes("/settings/jobs?days=0"); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "天数应为 1 至 90 之间的整数") {
			t.Fatalf("days=0: %d", res.StatusCode)
		}
		if res, _ := f.login("office").getRes("/settings/jobs"); res.StatusCode != http.StatusForbidden {
			t.Fatalf("office: %d", res.StatusCode)
		}
		if strings.Contains(f.login("office").get("/settings"), "/settings/jobs") {
			t.Fatal("office is offered the jobs link")
		}
		code, js := f.api("admin", "GET", "/api/v1/jobs", "")
		var out struct {
			Items []store.JobRun `json:"items"`
			Total int            `json:"total"`
		}
		if err := json.Unmarshal([]byte(js), &out); code != 200 || err != nil || out.Total != 2 {
			t.Fatalf("api: %d %s %v", code, js, err)
		}
		for _, r := range out.Items {
			if r.Name == "warnings.nightly" && (r.Owner != "web-1/42/abc" || r.Attempts != 1 || r.FinishedAt == nil) ||
				r.Name == "housekeeping" && (r.Error != "磁盘已满" || r.FinishedAt != nil) {
				t.Fatalf("api run %+v", r)
			}
		}
		if code, _ := f.api("liaisonA", "GET", "/api/v1/jobs", ""); code != http.StatusForbidden {
			t.Fatalf("liaison api: %d", code)
		}
	})
}

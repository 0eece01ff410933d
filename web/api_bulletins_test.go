package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestBulletinAPI: build (201, then 200 on a rebuild), the refusals, commentary, publish
// with its version, and a published bulletin refusing commentary with 409.
func TestBulletinAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		p := warnYellow(t, f)
		apiTokens(f)
		var b struct {
			ID      int64    `json:"id"`
			Status  string   `json:"status"`
			Version int      `json:"version"`
			Area    string   `json:"area"`
			Summary []string `json:"summary"`
			Data    struct {
				Completed int64 `json:"completed"`
				Plan      int64 `json:"plan"`
			} `json:"data"`
			Comments []struct {
				ID         int64  `json:"id"`
				TargetName string `json:"target_name"`
			} `json:"comments"`
		}
		status, body := f.api("office", "POST", "/api/v1/bulletins", `{"unit_id": 0, "year": 2024, "month": 5}`)
		if status != http.StatusCreated {
			t.Fatalf("build: %d %s", status, body)
		}
		apiDecode(t, body, &b)
		if b.Status != "draft" || b.Data.Completed != 300*10_000 || b.Area != "全区" || len(b.Summary) == 0 || !strings.Contains(b.Summary[0], "占年度计划的 25.0%") {
			t.Fatalf("built: %s", body)
		}
		id := itoa(b.ID)
		if status, body = f.api("office", "POST", "/api/v1/bulletins", `{"year": 2024, "month": 5}`); status != http.StatusOK {
			t.Fatalf("rebuild: %d %s", status, body)
		}
		for _, c := range []struct {
			user, body string
			status     int
		}{
			{"office", `{"year": 2024, "month": 8}`, http.StatusUnprocessableEntity},
			{"office", `{"year": 2024, "month": 13}`, http.StatusUnprocessableEntity},
			{"office", `{"year": 2024, "month": 5, "colour": "red"}`, http.StatusUnprocessableEntity},
			{"liaisonA", `{"year": 2024, "month": 5}`, http.StatusForbidden},
			{"", `{"year": 2024, "month": 5}`, http.StatusUnauthorized},
		} {
			if status, body := f.api(c.user, "POST", "/api/v1/bulletins", c.body); status != c.status {
				t.Errorf("%s %s: %d %s", c.user, c.body, status, body)
			}
		}
		// The list; the liaison sees no draft.
		if status, body = f.api("office", "GET", "/api/v1/bulletins?year=2024", ""); status != 200 || !strings.Contains(body, `"total":1`) || strings.Contains(body, `"data":{`) {
			t.Fatalf("list: %d %s", status, body)
		}
		if status, body = f.api("office", "GET", "/api/v1/bulletins?month=x", ""); status != http.StatusUnprocessableEntity {
			t.Fatalf("bad filter: %d %s", status, body)
		}
		if status, body = f.api("liaisonA", "GET", "/api/v1/bulletins", ""); status != 200 || !strings.Contains(body, `"total":0`) {
			t.Fatalf("liaison's list: %d %s", status, body)
		}
		if status, _ = f.api("liaisonA", "GET", "/api/v1/bulletins/"+id, ""); status != http.StatusNotFound {
			t.Fatalf("liaison reads a draft: %d", status)
		}
		// Commentary.
		if status, body = f.api("office", "POST", "/api/v1/bulletins/"+id+"/comments", `{"kind": "project", "target_id": `+itoa(p.ID)+`, "text": "加快要素保障"}`); status != http.StatusCreated ||
			!strings.Contains(body, `"target_name":"`+p.Name+`"`) {
			t.Fatalf("comment: %d %s", status, body)
		}
		for _, c := range []string{`{"kind": "unit", "target_id": ` + itoa(f.units["townB"].ID) + `, "text": "x"}`, `{"kind": "general", "text": ""}`, `{"kind": "other", "text": "x"}`} {
			if status, body := f.api("office", "POST", "/api/v1/bulletins/"+id+"/comments", c); status != http.StatusUnprocessableEntity {
				t.Errorf("comment %s: %d %s", c, status, body)
			}
		}
		status, body = f.api("office", "POST", "/api/v1/bulletins/"+id+"/comments", `{"kind": "general", "text": "删掉的"}`)
		if status != http.StatusCreated && status != http.StatusOK {
			t.Fatalf("comment to delete: %d %s", status, body)
		}
		var gone struct {
			ID int64 `json:"id"`
		}
		apiDecode(t, body, &gone)
		if status, body = f.api("office", "DELETE", "/api/v1/bulletins/"+id+"/comments/"+itoa(gone.ID), ""); status != http.StatusNoContent {
			t.Fatalf("remove: %d %s", status, body)
		}
		if status, _ = f.api("office", "DELETE", "/api/v1/bulletins/"+id+"/comments/"+itoa(gone.ID), ""); status != http.StatusNotFound {
			t.Fatalf("remove again: %d", status)
		}
		// Publish: the version is required and must be current.
		status, body = f.api("office", "GET", "/api/v1/bulletins/"+id, "")
		apiDecode(t, body, &b)
		if status != 200 || len(b.Comments) != 1 {
			t.Fatalf("get: %d %s", status, body)
		}
		if status, body = f.api("office", "POST", "/api/v1/bulletins/"+id+"/publish", `{}`); status != http.StatusUnprocessableEntity {
			t.Fatalf("publish without version: %d %s", status, body)
		}
		if status, body = f.api("office", "POST", "/api/v1/bulletins/"+id+"/publish", fmt.Sprintf(`{"version": %d}`, b.Version-1)); status != http.StatusConflict {
			t.Fatalf("stale publish: %d %s", status, body)
		}
		if status, body = f.api("liaisonA", "POST", "/api/v1/bulletins/"+id+"/publish", fmt.Sprintf(`{"version": %d}`, b.Version)); status != http.StatusNotFound && status != http.StatusForbidden {
			t.Fatalf("liaison publishes: %d %s", status, body)
		}
		if status, body = f.api("office", "POST", "/api/v1/bulletins/"+id+"/publish", fmt.Sprintf(`{"version": %d}`, b.Version)); status != 200 || !strings.Contains(body, `"status":"published"`) {
			t.Fatalf("publish: %d %s", status, body)
		}
		audits := f.auditCount()
		status, body = f.api("office", "POST", "/api/v1/bulletins/"+id+"/comments", `{"kind": "general", "text": "补充"}`)
		if status != http.StatusConflict || !strings.Contains(body, "该月通报已发布，不能再修改或重新生成") {
			t.Fatalf("comment after publishing: %d %s", status, body)
		}
		if status, _ = f.api("office", "POST", "/api/v1/bulletins/"+id+"/publish", fmt.Sprintf(`{"version": %d}`, b.Version+1)); status != http.StatusConflict {
			t.Fatalf("publish again: %d", status)
		}
		if status, _ = f.api("office", "POST", "/api/v1/bulletins", `{"year": 2024, "month": 5}`); status != http.StatusConflict {
			t.Fatalf("rebuild after publishing: %d", status)
		}
		if f.auditCount() != audits {
			t.Fatalf("refused changes were audited")
		}
		if status, body = f.api("liaisonA", "GET", "/api/v1/bulletins/"+id, ""); status != 200 || !strings.Contains(body, `"status":"published"`) {
			t.Fatalf("liaison reads the published bulletin: %d %s", status, body)
		}
		if status, _ = f.api("office", "GET", "/api/v1/bulletins/99999", ""); status != http.StatusNotFound {
			t.Fatalf("unknown bulletin: %d", status)
		}
	})
}

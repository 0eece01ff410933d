package web

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// hostile is text a careless program would execute: SQL and markup. ding must store it
// as typed and show it escaped.
const hostile = `x');DROP TABLE units;--<script>alert(1)</script>`

// TestHostileTextInEveryField puts SQL metacharacters and markup into every free-text
// field of units, users and tokens through the API, reads them back unchanged, and checks
// that no page shows them unescaped.
func TestHostileTextInEveryField(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		enc := func(v any) string { b, _ := json.Marshal(v); return string(b) }
		status, body := f.api("admin", "POST", "/api/v1/units", enc(map[string]any{
			"parent_id": f.units["district"].ID, "name": hostile, "short_name": hostile, "kind": "town", "code": hostile[:20],
		}))
		if status != 201 {
			t.Fatalf("create unit: %d %s", status, body)
		}
		var unit struct {
			ID        int64  `json:"id"`
			Name      string `json:"name"`
			ShortName string `json:"short_name"`
			Code      string `json:"code"`
		}
		json.Unmarshal([]byte(body), &unit)
		_, body = f.api("admin", "GET", fmt.Sprintf("/api/v1/units/%d", unit.ID), "")
		json.Unmarshal([]byte(body), &unit)
		if unit.Name != hostile || unit.ShortName != hostile || unit.Code != strings.ToUpper(hostile[:20]) {
			t.Fatalf("unit text changed: %+v", unit)
		}
		status, body = f.api("admin", "POST", "/api/v1/users", enc(map[string]any{
			"username": "hostile", "display_name": hostile, "unit_id": unit.ID, "role": "liaison",
			"email": "a<script>@x.cn", "phone": `0570'--<b>`, "password": testPassword,
		}))
		if status != 201 {
			t.Fatalf("create user: %d %s", status, body)
		}
		var user struct {
			ID          int64  `json:"id"`
			DisplayName string `json:"display_name"`
			Email       string `json:"email"`
			Phone       string `json:"phone"`
		}
		json.Unmarshal([]byte(body), &user)
		_, body = f.api("admin", "GET", fmt.Sprintf("/api/v1/users/%d", user.ID), "")
		json.Unmarshal([]byte(body), &user)
		if user.DisplayName != hostile || user.Email != "a<script>@x.cn" || user.Phone != `0570'--<b>` {
			t.Fatalf("user text changed: %+v", user)
		}
		if status, body = f.api("admin", "POST", "/api/v1/tokens", enc(map[string]string{"name": hostile[:40]})); status != 201 {
			t.Fatalf("create token: %d %s", status, body)
		}
		// The units table still exists and answers.
		if status, _ = f.api("admin", "GET", "/api/v1/units", ""); status != 200 {
			t.Fatalf("units after hostile input: %d", status)
		}
		c := f.login("admin")
		for _, path := range []string{"/units", fmt.Sprintf("/units/%d", unit.ID), "/users", fmt.Sprintf("/users/%d", user.ID),
			"/account/tokens", "/audit", "/units?q=DROP"} {
			page := c.get(path)
			if strings.Contains(page, "<script>alert") || strings.Contains(page, "<script>@") || strings.Contains(page, "<b>") {
				t.Errorf("%s shows markup unescaped", path)
			}
			if !strings.Contains(page, "&lt;script&gt;") {
				t.Errorf("%s does not show the hostile text at all", path)
			}
		}
	})
}

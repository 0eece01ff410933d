package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"ding"
)

func TestSettingsPage(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		f.db.Now = func() time.Time { return time.Date(2024, 6, 10, 2, 0, 0, 0, time.UTC) }
		window := func() ding.ReportWindow {
			w, err := f.db.ReportWindow(repSys())
			if err != nil {
				t.Fatal(err)
			}
			return w
		}
		chains := func() []string {
			c, err := f.db.Chains(repSys())
			if err != nil {
				t.Fatal(err)
			}
			return c
		}

		// Only the office and administrators.
		for _, who := range []string{"liaisonA", "leader", "viewer"} {
			c := f.login(who)
			if res, _ := c.getRes("/settings"); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s reads settings: %d, want 403", who, res.StatusCode)
			}
			if res, _ := c.submit("/settings/chains", url.Values{"chains": {"x"}}); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s sets chains: %d, want 403", who, res.StatusCode)
			}
			if res, _ := c.submit("/settings/window", url.Values{"open_day": {"1"}, "close_day": {"5"}, "week_close_days": {"1"}}); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s sets the window: %d, want 403", who, res.StatusCode)
			}
		}

		office := f.login("office")
		body := office.get("/settings")
		for _, want := range []string{`name="close_day" type="number" min="1" max="28" step="1" required value="18"`,
			"2024-06 月报：2024-06-01 开放，2024-06-18 截止", "2024-W24 周报：2024-06-10 开放，2024-06-18 截止"} {
			if !strings.Contains(body, want) {
				t.Errorf("settings page lacks %q", want)
			}
		}

		// Invalid windows: the message next to the field, the typed value kept, nothing saved.
		audits := f.auditCount()
		for _, c := range []struct {
			name       string
			form       url.Values
			field, msg string
		}{
			{"close day 31", url.Values{"open_day": {"1"}, "close_day": {"31"}, "week_close_days": {"2"}}, "settings-close-error", "日期应为 1—28 日"},
			{"open day 0", url.Values{"open_day": {"0"}, "close_day": {"18"}, "week_close_days": {"2"}}, "settings-open-error", "日期应为 1—28 日"},
			{"not a number", url.Values{"open_day": {"1"}, "close_day": {"十八"}, "week_close_days": {"2"}}, "settings-close-error", "请填写整数"},
			{"close before open", url.Values{"open_day": {"20"}, "close_day": {"18"}, "week_close_days": {"2"}}, "settings-close-error", "截止日早于开放日"},
			{"week too long", url.Values{"open_day": {"1"}, "close_day": {"18"}, "week_close_days": {"30"}}, "settings-week-error", ""},
		} {
			res, body := office.submit("/settings/window", c.form)
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="`+c.field+`">`+c.msg) {
				t.Errorf("%s: %d %s", c.name, res.StatusCode, repSnippet(body, "field-error"))
			}
			if !strings.Contains(body, `value="`+c.form.Get("close_day")+`"`) {
				t.Errorf("%s: typed close day not kept", c.name)
			}
		}
		if window() != ding.DefaultReportWindow || f.auditCount() != audits {
			t.Fatalf("invalid windows were saved: %+v", window())
		}

		// A valid window is saved and shown.
		res, _ := office.submit("/settings/window", url.Values{"open_day": {"25"}, "close_day": {"5"}, "close_next_month": {"1"}, "week_close_days": {"0"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/settings?flash=settings_window" {
			t.Fatalf("save window: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if w := window(); w != (ding.ReportWindow{OpenDay: 25, CloseDay: 5, CloseNextMonth: true}) || f.auditCount() != audits+1 {
			t.Fatalf("window read back %+v", w)
		}
		if body := office.get("/settings?flash=settings_window"); !strings.Contains(body, "填报窗口已保存") ||
			!strings.Contains(body, "2024-06 月报：2024-06-25 开放，2024-07-05 截止") || !strings.Contains(body, `value="1" checked`) {
			t.Errorf("saved window not shown")
		}

		// Chains: one per line, blanks and duplicates dropped.
		res, _ = office.submit("/settings/chains", url.Values{"chains": {"新材料\r\n\r\n 高端装备 \r\n新材料\r\n"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save chains: %d", res.StatusCode)
		}
		if got := chains(); len(got) != 2 || got[0] != "新材料" || got[1] != "高端装备" {
			t.Fatalf("chains read back %q", got)
		}
		long := strings.Repeat("链", 51)
		res, body = office.submit("/settings/chains", url.Values{"chains": {"新材料\n" + long}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="settings-chains-error">`) || !strings.Contains(body, long) {
			t.Errorf("long chain: %d", res.StatusCode)
		}
		if got := chains(); len(got) != 2 {
			t.Fatalf("a refused list was saved: %q", got)
		}
		if res := office.postForm("/settings/chains", url.Values{"chains": {"x"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("no CSRF: %d, want 403", res.StatusCode)
		}
		if body := f.login("admin").get("/settings"); !strings.Contains(body, "新材料\n高端装备") {
			t.Errorf("admin does not see the chains")
		}
	})
}

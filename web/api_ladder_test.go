package web

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"ding"
)

func TestAPILadder(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		office := warnCtx(f, "office")
		// Everyone reads it: the default steps and the letters named after the district.
		status, body := f.api("liaisonA", "GET", "/api/v1/warning-ladder", "")
		var got apiLadder
		if status != 200 || json.Unmarshal([]byte(body), &got) != nil {
			t.Fatalf("liaison reads the ladder: %d %s", status, body)
		}
		if !slices.Equal(got.Steps, ding.DefaultLadder) || got.Letters.Issuer != "衢江区重大项目推进办公室" ||
			got.Letters.Prefixes[ding.ActionLetterSupervise] != "衢江重大办督办" || len(got.Letters.Prefixes) != 3 {
			t.Fatalf("ladder %+v", got)
		}
		if !strings.Contains(body, `{"colour":"blue","periods":1,"action":"remind"}`) || !strings.Contains(body, `"action":"letter_remind","due_days":7}`) {
			t.Errorf("steps as JSON: %s", body)
		}
		if status, _ := f.api("", "GET", "/api/v1/warning-ladder", ""); status != 401 {
			t.Errorf("anonymous read: %d", status)
		}

		steps := `{"steps":[{"colour":"yellow","periods":1,"action":"letter_remind","due_days":10},{"colour":"red","periods":3,"action":"interview","due_days":20}]}`
		for _, who := range []string{"liaisonA", "viewer", "leader"} {
			if status, body := f.api(who, "PUT", "/api/v1/warning-ladder", steps); status != 403 || !strings.Contains(body, `"code":"forbidden"`) {
				t.Errorf("%s changes the ladder: %d %s", who, status, body)
			}
		}
		f.token("office") // making the token is audited
		audits := f.auditCount()
		for _, tc := range []struct {
			body   string
			status int
			want   string
		}{
			{`{"steps":[{"colour":"purple","periods":1,"action":"remind"}]}`, 422, `"field":"steps"`},
			{`{"steps":[{"colour":"purple","periods":1,"action":"remind"}]}`, 422, "第 1 步：颜色“purple”不在颜色方案中"},
			{`{"steps":[{"colour":"red","periods":1,"action":"remind"},{"colour":"red","periods":1,"action":"remind"}]}`, 422, "第 2 步与前面的步骤重复"},
			{`{"steps":[{"colour":"red","periods":1,"action":"remind","due_days":3}]}`, 422, "第 1 步：提醒和通报没有办理期限"},
			{`{"steps":[{"colour":"red","periods":1,"action":"letter_supervise"}]}`, 422, "第 1 步：函件回复或约谈的期限须为 1 到 90 天"},
			{`{"steps":[{"colour":"red","periods":"two","action":"remind"}]}`, 422, `"field":"steps.periods"`},
			{`{"steps":[{"colour":"red","periods":1,"action":"phone_call"}]}`, 422, "第 1 步：措施无效"},
			{`{"steps":[{"colour":"red","periods":1,"action":"remind","due":3}]}`, 422, `"code":"invalid"`},
			// A good ladder with bad letters: neither is saved.
			{`{"steps":[{"colour":"red","periods":1,"action":"remind"}],"letters":{"issuer":" ","prefixes":{}}}`, 422, `"field":"letters.issuer"`},
			{`{"letters":{"issuer":"办公室","prefixes":{"letter_remind":"甲","letter_assign":"乙〔","letter_supervise":"丙"}}}`, 422, `"field":"letters.prefixes.letter_assign"`},
			{`{"letters":{"issuer":"办公室","prefixes":{"letter_remind":"甲","letter_assign":"乙","letter_supervise":"丙","remind":"丁"}}}`, 422, `"field":"letters.prefixes.remind"`},
			{`{"letters":{"issuer":"办公室","prefixes":{"letter_remind":"甲"}}}`, 422, `"field":"letters.prefixes.letter_assign"`},
			{`[1,2]`, 422, `"code":"invalid"`},
		} {
			status, body := f.api("office", "PUT", "/api/v1/warning-ladder", tc.body)
			if status != tc.status || !strings.Contains(body, tc.want) {
				t.Errorf("%s: %d %s, want %d with %s", tc.body, status, body, tc.status, tc.want)
			}
		}
		if l, _ := f.db.Ladder(office); !slices.Equal(l, ding.DefaultLadder) || f.auditCount() != audits {
			t.Fatalf("a refused ladder was saved: %+v, %d audits", l, f.auditCount()-audits)
		}

		// The steps alone: the letters stay; one audit entry.
		status, body = f.api("office", "PUT", "/api/v1/warning-ladder", steps)
		if status != 200 || json.Unmarshal([]byte(body), &got) != nil {
			t.Fatalf("put steps: %d %s", status, body)
		}
		want := ding.Ladder{{Colour: "yellow", Periods: 1, Action: ding.ActionLetterRemind, DueDays: 10}, {Colour: "red", Periods: 3, Action: ding.ActionInterview, DueDays: 20}}
		if !slices.Equal(got.Steps, want) || got.Letters.Issuer != "衢江区重大项目推进办公室" || f.auditCount() != audits+1 {
			t.Fatalf("after put: %+v, %d audits", got, f.auditCount()-audits)
		}
		// The letters alone: trimmed, the steps stay.
		letters := `{"letters":{"issuer":" 衢江区重大项目建设指挥部 ","prefixes":{"letter_remind":"衢指提醒","letter_assign":"衢指交办","letter_supervise":" 衢指督办 "}}}`
		status, body = f.api("office", "PUT", "/api/v1/warning-ladder", letters)
		if status != 200 || json.Unmarshal([]byte(body), &got) != nil {
			t.Fatalf("put letters: %d %s", status, body)
		}
		if !slices.Equal(got.Steps, want) || got.Letters.Issuer != "衢江区重大项目建设指挥部" || got.Letters.Prefixes[ding.ActionLetterSupervise] != "衢指督办" ||
			f.auditCount() != audits+2 {
			t.Fatalf("after letters: %+v, %d audits", got, f.auditCount()-audits)
		}
		// Nothing, or the same again: no change, no audit entry.
		for _, b := range []string{`{}`, letters} {
			if status, _ := f.api("office", "PUT", "/api/v1/warning-ladder", b); status != 200 || f.auditCount() != audits+2 {
				t.Fatalf("unchanged put %s: %d, %d audits", b, status, f.auditCount()-audits)
			}
		}
		// An empty ladder: nothing escalates.
		if status, body := f.api("office", "PUT", "/api/v1/warning-ladder", `{"steps":[]}`); status != 200 || !strings.Contains(body, `"steps":[]`) {
			t.Fatalf("empty ladder: %d %s", status, body)
		}
		if l, _ := f.db.Ladder(office); len(l) != 0 {
			t.Fatalf("empty ladder saved as %+v", l)
		}
		// The page shows it empty with its spare rows.
		if body := f.login("office").get("/warnings/ladder"); !strings.Contains(body, `id="ladder-row-0" data-spare`) || !strings.Contains(body, "衢指督办〔") {
			t.Errorf("the editor of an empty ladder: %.300s", body)
		}
	})
}

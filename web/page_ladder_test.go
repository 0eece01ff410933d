package web

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"ding"
	"ding/i18n"
	"ding/store"
)

// ladderForm is a posted editor: the steps as rows (colour, periods, action, due), then
// the letter settings of the fixture's defaults (named after the district, 衢江区), changed by kv.
func ladderForm(rows [][4]string, kv ...string) url.Values {
	v := url.Values{"issuer": {"衢江区重大项目推进办公室"}, "prefix_letter_remind": {"衢江重大办提醒"},
		"prefix_letter_assign": {"衢江重大办交办"}, "prefix_letter_supervise": {"衢江重大办督办"}}
	for i, r := range rows {
		n := itoa(int64(i))
		v.Set("colour_"+n, r[0])
		v.Set("periods_"+n, r[1])
		v.Set("action_"+n, r[2])
		v.Set("due_"+n, r[3])
	}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

func TestLadderPageEditor(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		f.db.Now = func() time.Time { return warnNow }
		office := warnCtx(f, "office")
		c := f.login("office")

		// The default ladder, three spare rows, the letters with their example numbers.
		res, body := c.getRes("/warnings/ladder")
		if res.StatusCode != 200 {
			t.Fatalf("editor: %d %.300s", res.StatusCode, body)
		}
		for _, want := range []string{
			`<option value="blue" selected>蓝</option>`, `name="periods_0" value="1"`,
			`<option value="letter_remind" data-due selected>提醒函</option>`, `name="due_2" value="7"`,
			`<option value="interview" data-due selected>约谈</option>`, `name="periods_6" value="2"`, `name="due_6" value="10"`,
			`id="ladder-row-9" data-spare`, `name="colour_9"`, `data-next="10"`,
			`name="issuer" value="衢江区重大项目推进办公室"`, `衢江重大办督办〔2024〕1号`, `data-suffix="〔2024〕1号"`,
			"1 表示项目达到该颜色的当月", "每一步在一次预警过程中只执行一次", `id="ladder-row-tpl"`, "warnedit.js",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("editor lacks %q", want)
			}
		}
		if strings.Contains(body, `name="colour_10"`) {
			t.Errorf("more than three spare rows")
		}

		// Refused forms: the message names the step, the input stays, nothing is saved.
		audits := f.auditCount()
		good := [][4]string{{"blue", "1", "remind", ""}, {"red", "2", "interview", "15"}}
		for _, tc := range []struct {
			name string
			form url.Values
			want []string
		}{
			{"periods not a number", ladderForm([][4]string{good[0], {"red", "两", "interview", "15"}}, "issuer", "改过的办公室"),
				[]string{"第 2 步：“两”不是整数", `name="periods_1" value="两"`, `id="ladder-row-1" class="has-error"`, `value="改过的办公室"`}},
			{"due not a number", ladderForm([][4]string{{"red", "1", "letter_supervise", "5天"}}), []string{"第 1 步：“5天”不是整数", `value="5天"`}},
			{"unknown colour", ladderForm([][4]string{good[0], {"purple", "1", "remind", ""}}),
				[]string{"第 2 步：颜色“purple”不在颜色方案中", `<option value="purple" selected>purple</option>`}},
			{"step twice", ladderForm([][4]string{good[1], good[0], {"red", "2", "interview", "5"}}), []string{"第 3 步与前面的步骤重复"}},
			{"due on a reminder", ladderForm([][4]string{{"yellow", "1", "remind", "3"}}), []string{"第 1 步：提醒和通报没有办理期限，请将期限留空"}},
			{"no due on a letter", ladderForm([][4]string{{"yellow", "1", "letter_remind", ""}}), []string{"第 1 步：函件回复或约谈的期限须为 1 到 90 天"}},
			{"periods out of range", ladderForm([][4]string{{"yellow", "0", "remind", ""}}), []string{"第 1 步：持续期数须为 1 到 24 之间的整数"}},
			{"no action", ladderForm([][4]string{{"yellow", "1", "", ""}}), []string{"第 1 步：请选择措施"}},
			{"no colour", ladderForm([][4]string{{"", "1", "remind", ""}}), []string{"第 1 步：请选择颜色"}},
			{"no issuer", ladderForm(good, "issuer", "  "), []string{"请填写发文单位", `id="ladder-issuer-error"`, `name="periods_1" value="2"`}},
			{"bad prefix", ladderForm(good, "prefix_letter_assign", "衢交〔办〕"), []string{"文号前缀最多 20 个字", `id="ladder-prefix_letter_assign-error"`}},
		} {
			res, body := c.submit("/warnings/ladder", tc.form)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d, want 422: %.300s", tc.name, res.StatusCode, body)
				continue
			}
			for _, want := range tc.want {
				if !strings.Contains(body, want) {
					t.Errorf("%s: the page lacks %q", tc.name, want)
				}
			}
		}
		if l, _ := f.db.Ladder(office); !slices.Equal(l, ding.DefaultLadder) || f.auditCount() != audits {
			t.Fatalf("a refused form was saved: %+v, %d audits", l, f.auditCount()-audits)
		}
		if ls, _ := f.db.LetterSettings(office); ls.Issuer != "衢江区重大项目推进办公室" {
			t.Fatalf("a refused form changed the issuer: %+v", ls)
		}

		// A changed ladder (blank rows skipped, full-width digits read, no due for a reminder)
		// is saved and audited once; the letters did not change and are not written.
		v := ladderForm([][4]string{good[0], {"", "", "", ""}, {"red", "２", "interview", "15"}, {"yellow", "1", "letter_remind", "7"}})
		res, _ = c.submit("/warnings/ladder", v)
		if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "flash=ladderui_saved") {
			t.Fatalf("save: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		want := ding.Ladder{{Colour: "blue", Periods: 1, Action: ding.ActionRemind}, {Colour: "red", Periods: 2, Action: ding.ActionInterview, DueDays: 15},
			{Colour: "yellow", Periods: 1, Action: ding.ActionLetterRemind, DueDays: 7}}
		if l, _ := f.db.Ladder(office); !slices.Equal(l, want) {
			t.Fatalf("saved ladder %+v", l)
		}
		if f.auditCount() != audits+1 {
			t.Fatalf("saving the ladder wrote %d audit entries", f.auditCount()-audits)
		}
		body = c.get("/warnings/ladder?flash=ladderui_saved")
		if !strings.Contains(body, "督办升级规则已保存") || !strings.Contains(body, `name="due_1" value="15"`) || !strings.Contains(body, `id="ladder-row-5" data-spare`) ||
			strings.Contains(body, `name="colour_6"`) {
			t.Errorf("the editor after saving: %.300s", body)
		}
		// The same form again changes nothing and writes nothing.
		if res, _ = c.submit("/warnings/ladder", v); !strings.Contains(res.Header.Get("Location"), "flash=ladderui_unchanged") || f.auditCount() != audits+1 {
			t.Fatalf("unchanged save: %s, %d audits", res.Header.Get("Location"), f.auditCount()-audits)
		}
		// The letters alone.
		v.Set("issuer", " 衢州市重大项目建设领导小组办公室 ")
		v.Set("prefix_letter_supervise", "衢重大督")
		if res, _ = c.submit("/warnings/ladder", v); res.StatusCode != http.StatusSeeOther || f.auditCount() != audits+2 {
			t.Fatalf("letters save: %d, %d audits", res.StatusCode, f.auditCount()-audits)
		}
		ls, _ := f.db.LetterSettings(office)
		if ls.Issuer != "衢州市重大项目建设领导小组办公室" || ls.Prefixes[ding.ActionLetterSupervise] != "衢重大督" || ls.Prefixes[ding.ActionLetterRemind] != "衢江重大办提醒" {
			t.Fatalf("saved letters %+v", ls)
		}
		if body := c.get("/warnings/ladder"); !strings.Contains(body, "衢重大督〔2024〕1号") {
			t.Errorf("the example number does not follow the prefix")
		}

		// Restoring the defaults fills the form without saving.
		body = c.get("/warnings/ladder?defaults=1")
		if !strings.Contains(body, "已在表中填入默认步骤") || !strings.Contains(body, `name="due_6" value="10"`) {
			t.Errorf("defaults: %.300s", body)
		}
		if l, _ := f.db.Ladder(office); !slices.Equal(l, want) {
			t.Fatalf("showing the defaults saved them")
		}
		// Saving them (and the letters as they were at first).
		if res, _ := c.submit("/warnings/ladder", ladderForm(ladderRowsAsForm(ding.DefaultLadder))); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("saving the defaults: %d", res.StatusCode)
		}
		if l, _ := f.db.Ladder(office); !slices.Equal(l, ding.DefaultLadder) {
			t.Fatalf("defaults saved as %+v", l)
		}

		// Others read it and cannot change it.
		for _, who := range []string{"liaisonA", "viewer", "leader"} {
			c := f.login(who)
			res, body := c.getRes("/warnings/ladder?defaults=1")
			if res.StatusCode != 200 {
				t.Errorf("%s reads the ladder: %d", who, res.StatusCode)
			}
			for _, want := range []string{`<span class="wbadge c-yellow r-2">黄</span>`, "<td>交办函</td>", "衢江重大办督办〔2024〕1号", "由项目办设置"} {
				if !strings.Contains(body, want) {
					t.Errorf("%s: the ladder lacks %q", who, want)
				}
			}
			for _, not := range []string{`name="colour_0"`, "ladder-form", "已在表中填入默认步骤"} {
				if strings.Contains(body, not) {
					t.Errorf("%s: the read-only ladder has %q", who, not)
				}
			}
			audits := f.auditCount()
			if res, _ := c.submit("/warnings/ladder", ladderForm(good)); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s saves the ladder: %d", who, res.StatusCode)
			}
			if l, _ := f.db.Ladder(office); !slices.Equal(l, ding.DefaultLadder) || f.auditCount() != audits {
				t.Fatalf("a forbidden post by %s changed the ladder", who)
			}
		}
		// Without the CSRF token: refused.
		if res := c.postForm("/warnings/ladder", ladderForm(good)); res.StatusCode != http.StatusForbidden {
			t.Errorf("post without csrf: %d", res.StatusCode)
		}
	})
}

// ladderRowsAsForm turns a ladder into rows of ladderForm.
func ladderRowsAsForm(l ding.Ladder) [][4]string {
	var rows [][4]string
	for _, s := range l {
		due := ""
		if s.DueDays != 0 {
			due = itoa(int64(s.DueDays))
		}
		rows = append(rows, [4]string{string(s.Colour), itoa(int64(s.Periods)), string(s.Action), due})
	}
	return rows
}

func TestLadderRuleForm(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		for _, h := range ruleKindHints() {
			if !i18n.Has(h.Key) || i18n.T("en", h.Key) == i18n.T("zh", h.Key) {
				t.Errorf("hint %s is not in the catalog in both languages", h.Key)
			}
		}
		c := f.login("office")
		body := c.get("/settings/rules/new")
		for _, want := range []string{
			`<fieldset class="wfield" data-kinds="invest_lag item_overdue">`,
			`<label class="" data-kinds="invest_lag">衡量方式`, `<label class="" data-kinds="invest_lag">时序进度算法`, `<label data-kinds="item_overdue">事项类型`,
			`<li data-kinds="invest_lag" data-measure="points">投资滞后（按百分点）`, `<li data-kinds="invest_lag" data-measure="ratio">投资滞后（按比例）`,
			`<li data-kinds="milestone">节点预警：节点计划完成日期已过的天数`, `<li data-kinds="report_missing">`, `<li data-kinds="item_overdue">`,
			"warnedit.js",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("rule form lacks %q", want)
			}
		}
		// Every field is in the page (without JS all show); hidden is JS's to set.
		if regexp.MustCompile(`data-kinds="[^"]*"[^>]*\shidden`).MatchString(body) {
			t.Errorf("the rule form hides fields without JS")
		}
		if body := c.get("/settings/rules"); !strings.Contains(body, `href="/warnings/ladder" id="rules-ladder-link"`) {
			t.Errorf("the rules page does not link the ladder")
		}
		// Server-side validation is as it was: an item kind on an investment rule is ignored.
		rules, _ := f.db.FindRules(warnCtx(f, "office"))
		v := url.Values{"name": {"只看衡量"}, "kind": {"start_overdue"}, "measure": {"ratio"}, "timing": {"day"}, "item": {"demand"},
			"min_yellow": {"2"}, "min_red": {"4"}, "enabled": {"1"}}
		if res, _ := c.submit("/settings/rules", v); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d", res.StatusCode)
		}
		after, _ := f.db.FindRules(warnCtx(f, "office"))
		if len(after) != len(rules)+1 {
			t.Fatalf("rule not saved")
		}
		if r := after[len(after)-1]; r.Params.Measure != "" || r.Params.Item != "" {
			t.Fatalf("params of another kind were saved: %+v", r.Params)
		}
	})
}

func TestLadderBoardPanel(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		p := warnYellow(t, f) // yellow: the default ladder reminds (blue and yellow) and sends a 提醒函
		office := warnCtx(f, "office")
		if _, err := f.db.IssueEscalation(office, p.ID, ding.ActionLetterSupervise, 5, "说明"); err != nil {
			t.Fatal(err)
		}
		es, _, err := f.db.FindEscalations(office, store.EscalationFilter{})
		if err != nil {
			t.Fatal(err)
		}
		c := f.login("office")
		body := c.get("/warnings")
		row := func(body, action string) string {
			i := strings.Index(body, `<tr id="esc-`+action+`">`)
			if i < 0 {
				t.Fatalf("no row for %s (%d escalations)", action, len(es))
			}
			j := strings.Index(body[i:], "</tr>")
			return body[i : i+j]
		}
		for _, want := range []string{`id="warn-escalations"`, "督办", `href="/warnings/ladder" id="esc-ladder"`, "本月（2024-06）"} {
			if !strings.Contains(body, want) {
				t.Errorf("board lacks %q", want)
			}
		}
		sup := row(body, "letter_supervise")
		for _, want := range []string{"督办函", `<a href="/escalations?action=letter_supervise&amp;status=open" class="esc-open">1</a>`,
			`<a href="/escalations?action=letter_supervise&amp;period=2024-06" class="esc-month">1</a>`} {
			if !strings.Contains(sup, want) {
				t.Errorf("督办函 row lacks %q: %s", want, sup)
			}
		}
		if strings.Contains(sup, "esc-overdue") || strings.Contains(sup, "esc-done") {
			t.Errorf("督办函 row counts an overdue or done letter: %s", sup)
		}
		if rem := row(body, "letter_remind"); !strings.Contains(rem, `status=open" class="esc-open">1</a>`) {
			t.Errorf("提醒函 row: %s", rem)
		}
		if rem := row(body, "remind"); !strings.Contains(rem, `<a href="/escalations?action=remind&amp;status=done" class="esc-done">1</a>`) ||
			!strings.Contains(rem, `<td class="num muted">—</td>`) {
			t.Errorf("提醒 row: %s", rem)
		}
		if iv := row(body, "interview"); strings.Contains(iv, "<a ") {
			t.Errorf("约谈 row counts something: %s", iv)
		}
		// Ten days on, the 督办函 (due in 5) and the 提醒函 (due in 7) are overdue.
		f.db.Now = func() time.Time { return warnNow.Add(10 * 24 * time.Hour) }
		body = f.login("office").get("/warnings")
		if sup := row(body, "letter_supervise"); !strings.Contains(sup, `<a href="/escalations?action=letter_supervise&amp;overdue=1" class="esc-overdue">1</a>`) {
			t.Errorf("overdue 督办函: %s", sup)
		}
		// Town B's liaison sees none of town A's.
		body = f.login("liaisonB").get("/warnings")
		if sup := row(body, "letter_supervise"); strings.Contains(sup, "<a ") {
			t.Errorf("liaison B counts town A's letter: %s", sup)
		}
		if body := f.login("liaisonA").get("/warnings"); !strings.Contains(row(body, "letter_supervise"), `class="esc-open">1</a>`) {
			t.Errorf("liaison A does not count its letter")
		}
	})
}

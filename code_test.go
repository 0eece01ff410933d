package ding

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestValidUSCC(t *testing.T) {
	cases := []struct {
		code string
		ok   bool
	}{
		{"91350100M000100Y43", true},  // the example printed in GB 32100-2015
		{"91350100M000100Y44", false}, // wrong check character
		{"91350100M000100Y4", false},  // 17 characters
		{"91350100M000100Y433", false},
		{"91350100M000100I43", false}, // I is not in the character set
		{"91350100m000100y43", false}, // lower case is not the printed form
		{"", false},
	}
	for _, c := range cases {
		if got := ValidUSCC(c.code); got != c.ok {
			t.Errorf("ValidUSCC(%q) = %v, want %v", c.code, got, c.ok)
		}
	}
	// Every single-character change of a valid code is caught.
	base := "91350100M000100Y43"
	for i := 0; i < 17; i++ {
		for _, r := range usccChars {
			if byte(r) == base[i] {
				continue
			}
			mut := base[:i] + string(r) + base[i+1:]
			if ValidUSCC(mut) {
				t.Fatalf("mutation %q at %d passes", mut, i)
			}
		}
	}
}

func TestValidDivisionCode(t *testing.T) {
	for code, ok := range map[string]bool{
		"330803": true, "330800": true, "110000": true, "820000": true,
		"33080": false, "3308031": false, "99080x": false, "990803": false, "000000": false, "": false, "３３０８０３": false,
	} {
		if got := ValidDivisionCode(code); got != ok {
			t.Errorf("ValidDivisionCode(%q) = %v, want %v", code, got, ok)
		}
	}
}

func TestUnitValidate(t *testing.T) {
	cases := []struct {
		u     Unit
		key   string
		field string
	}{
		{Unit{Name: "衢江区", Kind: UnitDistrict, Code: "330803"}, "", ""},
		{Unit{Name: "某企业", Kind: UnitEnterprise, Code: "91350100M000100Y43"}, "", ""},
		{Unit{Name: "", Kind: UnitTown}, "unit.name_required", "name"},
		{Unit{Name: strings.Repeat("长", 101), Kind: UnitTown}, "field.too_long", "name"},
		{Unit{Name: "x", Kind: "galaxy"}, "unit.kind_invalid", "kind"},
		{Unit{Name: "x", Kind: UnitDistrict, Code: "12"}, "unit.division_code_invalid", "code"},
		{Unit{Name: "x", Kind: UnitEnterprise, Code: "9135"}, "unit.uscc_length", "code"},
		{Unit{Name: "x", Kind: UnitEnterprise, Code: "91350100M000100Y44"}, "unit.uscc_check", "code"},
	}
	for _, c := range cases {
		u := c.u
		u.Normalize()
		err := u.Validate()
		if c.key == "" {
			if err != nil {
				t.Errorf("%+v: %v", c.u, err)
			}
			continue
		}
		e := AsError(err)
		if e.Key != c.key || e.Field != c.field || e.Code != EINVALID {
			t.Errorf("%+v: got %v, want %s on %s", c.u.Name, err, c.key, c.field)
		}
	}
}

func TestUserValidateAndPassword(t *testing.T) {
	u := User{Username: " Zhang.San ", DisplayName: "张三", UnitID: 1, Role: RoleLiaison}
	u.Normalize()
	if u.Username != "zhang.san" || u.Scope != ScopeUnit {
		t.Fatalf("normalize: %+v", u)
	}
	if err := u.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"a", "1abc", "ab cd", "ab;drop", strings.Repeat("a", 33)} {
		v := u
		v.Username = bad
		if AsError(v.Validate()).Key != "user.username_invalid" {
			t.Errorf("username %q accepted", bad)
		}
	}
	for pw, key := range map[string]string{"short1": "user.password_short", "onlyletters": "user.password_weak", "12345678": "user.password_weak", "g00d-passw0rd": ""} {
		err := ValidatePassword(pw)
		if (key == "" && err != nil) || (key != "" && AsError(err).Key != key) {
			t.Errorf("password %q: %v, want %q", pw, err, key)
		}
	}
}

func TestLoginPolicyDelay(t *testing.T) {
	p := DefaultLoginPolicy
	want := map[int]int64{0: 0, 2: 0, 3: 1, 4: 2, 5: 4, 8: 30, 40: 30}
	for n, sec := range want {
		if got := p.Delay(n); int64(got.Seconds()) != sec {
			t.Errorf("Delay(%d) = %s, want %ds", n, got, sec)
		}
	}
}

func FuzzUSCC(f *testing.F) {
	f.Add("91350100M000100Y43")
	f.Add("91330803MA2DH7X4X1")
	f.Fuzz(func(t *testing.T, s string) {
		ok := ValidUSCC(s)
		if ok && len(s) != 18 {
			t.Fatalf("%q valid with length %d", s, len(s))
		}
		if len(s) >= 17 {
			if c, good := USCCCheckChar(s[:17]); good && ValidUSCC(s[:17]+string(c)) != true {
				t.Fatalf("computed check char of %q not accepted", s[:17])
			}
		}
	})
}

func TestDateJSON(t *testing.T) {
	var v struct {
		On Date `json:"on"`
	}
	if err := json.Unmarshal([]byte(`{"on":"2024-02-29"}`), &v); err != nil || v.On.String() != "2024-02-29" {
		t.Fatalf("leap day: %v %v", v.On, err)
	}
	err := json.Unmarshal([]byte(`{"on":"2023-02-29"}`), &v)
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) || te.Field != "on" {
		t.Fatalf("2023-02-29: %v", err)
	}
	if err := json.Unmarshal([]byte(`{"on":null}`), &v); err != nil || !v.On.IsZero() {
		t.Fatalf("null: %v %v", v.On, err)
	}
	b, _ := json.Marshal(struct{ On Date }{})
	if string(b) != `{"On":null}` {
		t.Fatalf("zero date marshals as %s", b)
	}
}

func TestPeriods(t *testing.T) {
	for s, ok := range map[string]bool{"2024-03": true, "2024-13": false, "2024-00": false, "2024-W01": true, "2024-W52": true,
		"2024-W53": false, "2020-W53": true, "24-03": false, "2024-3": false, "2024-W00": false, "": false} {
		_, err := ParsePeriod(s)
		if (err == nil) != ok {
			t.Errorf("ParsePeriod(%q): %v", s, err)
		}
	}
	w, _ := ParsePeriod("2024-W01")
	if w.Start().String() != "2024-01-01" || w.End().String() != "2024-01-07" {
		t.Errorf("2024-W01 = %s..%s", w.Start(), w.End())
	}
	w, _ = ParsePeriod("2021-W01") // 2021's first ISO week starts on 4 January
	if w.Start().String() != "2021-01-04" {
		t.Errorf("2021-W01 starts %s", w.Start())
	}
	m, _ := ParsePeriod("2024-02")
	if m.End().String() != "2024-02-29" {
		t.Errorf("Feb 2024 ends %s", m.End())
	}
	win := DefaultReportWindow
	if win.Opens(m).String() != "2024-02-01" || win.Closes(m).String() != "2024-02-18" {
		t.Errorf("window %s..%s", win.Opens(m), win.Closes(m))
	}
	win.CloseNextMonth, win.CloseDay = true, 5
	dec, _ := ParsePeriod("2024-12")
	if win.Closes(dec).String() != "2025-01-05" {
		t.Errorf("December closes %s", win.Closes(dec))
	}
}

func TestTierAndWan(t *testing.T) {
	for total, tier := range map[int64]Tier{0: TierNone, Yi - 1: TierNone, Yi: Tier1, 10*Yi - 1: Tier1, 10 * Yi: Tier10, 100 * Yi: Tier100} {
		if TierOf(total) != tier {
			t.Errorf("TierOf(%d) = %d, want %d", total, TierOf(total), tier)
		}
	}
	for yuan, want := range map[int64]string{0: "0", 10000: "1", 12345678: "1,234.57", 12345000: "1,234.5", -10000: "-1", 100_000_000_000: "10,000,000", 49: "0", 50: "0.01"} {
		if got := Wan(yuan); got != want {
			t.Errorf("Wan(%d) = %q, want %q", yuan, got, want)
		}
	}
}

func TestCheckTransitionTable(t *testing.T) {
	d := func(m, day int) Date { return Date{2024, time.Month(m), day} }
	today := d(6, 30)
	base := Project{Stage: StageNegotiating, StageOn: d(3, 1), Investor: "private"}
	gov := base
	gov.Investor = InvestorGovernment
	dropped := base
	dropped.Stage = StageDropped
	cases := []struct {
		p      Project
		signed bool
		to     Stage
		on     Date
		reason string
		key    string
	}{
		{base, false, StageSigned, d(3, 1), "", ""},                               // same day as the stage began
		{base, false, StageSigned, d(2, 29), "", "project.stage_date_before"},     // leap day, before
		{base, false, StageSigned, d(7, 1), "", "project.stage_date_future"},      // tomorrow
		{base, false, StageSigned, d(6, 30), "", ""},                              // today
		{base, false, StageStarted, d(4, 1), "", "project.start_before_signed"},   // jump over 签约
		{base, true, StageStarted, d(4, 1), "", ""},                               // signed earlier
		{gov, false, StageStarted, d(4, 1), "", ""},                               // government skips
		{base, false, StagePlanning, d(4, 1), "", "project.back_reason_required"}, // back
		{base, false, StagePlanning, d(4, 1), "调整", ""},                           // back with reason
		{base, false, StageDropped, d(4, 1), " ", "project.drop_reason_required"}, // blank reason
		{dropped, false, StageSigned, d(4, 1), "", "project.restore_reason_required"},
		{base, false, StageNegotiating, d(4, 1), "", "project.stage_same"},
		{base, false, "moon", d(4, 1), "", "project.stage_invalid"},
		{base, false, StageSigned, Date{}, "", "project.stage_date_required"},
	}
	for i, c := range cases {
		p := c.p
		err := CheckTransition(&p, c.signed, c.to, c.on, today, c.reason)
		if (c.key == "" && err != nil) || (c.key != "" && AsError(err).Key != c.key) {
			t.Errorf("case %d: %v, want %q", i, err, c.key)
		}
	}
}

func TestAnnualPlanValidate(t *testing.T) {
	a := AnnualPlan{Year: 2024, Total: 120_000_000}
	for i := range a.Months {
		a.Months[i] = 10_000_000
	}
	if err := a.Validate(); err != nil {
		t.Fatal(err)
	}
	a.Months[0] = 9_990_000
	e := AsError(a.Validate())
	if e.Key != "plan.months_mismatch" || e.Args[2] != "-1" || e.Field != "total" {
		t.Fatalf("mismatch: %v", e)
	}
	a.Months[0] = -1
	if AsError(a.Validate()).Field != "m01"[:1]+"1" {
		t.Fatalf("negative month field: %v", a.Validate())
	}
}

func TestValidProjectCode(t *testing.T) {
	for code, ok := range map[string]bool{
		"2301-330803-04-01-123456": true, "2313-330803-04-01-123456": false, "2300-330803-04-01-123456": false,
		"2301-990803-04-01-123456": false, "2301-330803-4-01-123456": false, "2301-330803-04-01-12345": false, "": false,
	} {
		if ValidProjectCode(code) != ok {
			t.Errorf("ValidProjectCode(%q) != %v", code, ok)
		}
	}
}

package ding

import (
	"strings"
	"testing"
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

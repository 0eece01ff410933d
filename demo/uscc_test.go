package demo

import (
	"strings"
	"testing"

	"ding"
)

func TestOrgCheckChar(t *testing.T) {
	// D2143569-X is the example of GB 11714; the others are computed by hand.
	for _, c := range []struct {
		first8 string
		want   byte
	}{
		{"D2143569", 'X'},
		{"00000000", '0'}, // 11 - 0%11 = 11 → 0
		{"10000000", '8'}, // 11 - 3 = 8
	} {
		if got := orgCheckChar(c.first8); got != c.want {
			t.Errorf("orgCheckChar(%s) = %c, want %c", c.first8, got, c.want)
		}
	}
}

func TestUSCCFor(t *testing.T) {
	a, err := usccFor("330803", "浙江衢江恒拓新材料有限公司")
	if err != nil {
		t.Fatal(err)
	}
	again, _ := usccFor("330803", "浙江衢江恒拓新材料有限公司")
	b, _ := usccFor("330803", "衢州江源特种纸业有限公司")
	if a != again {
		t.Fatalf("not deterministic: %s, %s", a, again)
	}
	if a == b {
		t.Fatalf("two names, one code %s", a)
	}
	for _, code := range []string{a, b} {
		org := code[8:17]
		if !ding.ValidUSCC(code) || !strings.HasPrefix(code, "91330803MA") || orgCheckChar(org[:8]) != org[8] {
			t.Errorf("code %s", code)
		}
	}
	if _, err := usccFor("", "x"); err == nil {
		t.Fatal("a code without a region")
	}
}

func TestNewPassword(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		pw, err := newPassword()
		if err != nil {
			t.Fatal(err)
		}
		if len(pw) != passwordLen || ding.ValidatePassword(pw) != nil || strings.ContainsAny(pw, "-_") || seen[pw] {
			t.Fatalf("password %q", pw)
		}
		seen[pw] = true
	}
}

package ding

import (
	"strings"
	"testing"
)

// Fuzz targets of the code validators. Each compares the validator with a reference
// written from the standard's own definition (not from code.go's tables), on the fuzzed
// string as it is and on a well-formed code built from it, so that the fuzzer reaches the
// valid codes random strings almost never hit.

// refUSCCValue is a character's value in GB 32100-2015: the digits, then the capitals
// without I, O, S, V and Z, numbered on.
func refUSCCValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'Z' && !strings.ContainsRune("IOSVZ", rune(c)):
		v := 10
		for l := byte('A'); l < c; l++ {
			if !strings.ContainsRune("IOSVZ", rune(l)) {
				v++
			}
		}
		return v
	}
	return -1
}

// refUSCCChar is the character of value v (the inverse of refUSCCValue).
func refUSCCChar(v int) byte {
	for c := byte('0'); c <= 'Z'; c++ {
		if refUSCCValue(c) == v {
			return c
		}
	}
	panic("no character of value " + string(rune('0'+v)))
}

// refUSCCCheck is the check character of 17 characters: the weights are 3^(i-1) mod 31
// and the check value is 31 − (Σ value × weight mod 31), 31 written as 0.
func refUSCCCheck(body string) (byte, bool) {
	if len(body) != 17 {
		return 0, false
	}
	sum, w := 0, 1
	for i := 0; i < 17; i++ {
		v := refUSCCValue(body[i])
		if v < 0 {
			return 0, false
		}
		sum += v * w
		w = w * 3 % 31
	}
	return refUSCCChar((31 - sum%31) % 31), true
}

func refValidUSCC(s string) bool {
	if len(s) != 18 {
		return false
	}
	c, ok := refUSCCCheck(s[:17])
	return ok && s[17] == c
}

// usccBody maps any bytes onto 17 characters of the code's set.
func usccBody(seed string) string {
	var b strings.Builder
	for i := 0; i < 17; i++ {
		x := byte(i * 7)
		if len(seed) > 0 {
			x += seed[i%len(seed)]
		}
		b.WriteByte(refUSCCChar(int(x) % 31))
	}
	return b.String()
}

// FuzzUSCCReference: ValidUSCC and USCCCheckChar agree with the reference on any string,
// and on the code built from it every wrong check character is refused.
func FuzzUSCCReference(f *testing.F) {
	for _, s := range []string{"91350100M000100Y43", "91330803MA2DH7X4X1", "91350100M000100Y44", "91350100m000100y43",
		"91350100M000100I43", "", "0000000000000000000", "Y0000000000000000Y", "911100001000013750"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := ValidUSCC(s), refValidUSCC(s); got != want {
			t.Fatalf("ValidUSCC(%q) = %v, reference %v", s, got, want)
		}
		if len(s) >= 17 {
			c, ok := USCCCheckChar(s[:17])
			rc, rok := refUSCCCheck(s[:17])
			if ok != rok || c != rc {
				t.Fatalf("USCCCheckChar(%q) = %q %v, reference %q %v", s[:17], c, ok, rc, rok)
			}
		}
		body := usccBody(s)
		check, _ := refUSCCCheck(body)
		for v := 0; v < 31; v++ {
			c := refUSCCChar(v)
			if got := ValidUSCC(body + string(c)); got != (c == check) {
				t.Fatalf("ValidUSCC(%q) = %v; the check character is %q", body+string(c), got, check)
			}
		}
		// The printed form only: the same code in lower case is refused.
		if lower := strings.ToLower(body + string(check)); lower != body+string(check) && ValidUSCC(lower) {
			t.Fatalf("lower-case %q accepted", lower)
		}
	})
}

// refProvinces are the province-level divisions of GB/T 2260 by name.
var refProvinces = map[string]string{
	"北京": "11", "天津": "12", "河北": "13", "山西": "14", "内蒙古": "15",
	"辽宁": "21", "吉林": "22", "黑龙江": "23",
	"上海": "31", "江苏": "32", "浙江": "33", "安徽": "34", "福建": "35", "江西": "36", "山东": "37",
	"河南": "41", "湖北": "42", "湖南": "43", "广东": "44", "广西": "45", "海南": "46",
	"重庆": "50", "四川": "51", "贵州": "52", "云南": "53", "西藏": "54",
	"陕西": "61", "甘肃": "62", "青海": "63", "宁夏": "64", "新疆": "65",
	"台湾": "71", "香港": "81", "澳门": "82",
}

func refValidDivision(s string) bool {
	if len(s) != 6 || strings.Trim(s, "0123456789") != "" {
		return false
	}
	for _, p := range refProvinces {
		if s[:2] == p {
			return true
		}
	}
	return false
}

// FuzzDivisionCode: ValidDivisionCode agrees with the reference, and a unit of a kind that
// carries a 行政区划代码 validates exactly when its (normalized) code is empty or valid.
func FuzzDivisionCode(f *testing.F) {
	for _, s := range []string{"330803", "330800", "110000", "820000", "33080", "3308031", "99080x", "990803", "000000", "",
		"３３０８０３", " 330803 ", "33O803", "+33080", "-33080"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := ValidDivisionCode(s), refValidDivision(s); got != want {
			t.Fatalf("ValidDivisionCode(%q) = %v, reference %v", s, got, want)
		}
		for _, k := range []UnitKind{UnitCity, UnitDistrict} {
			u := Unit{Name: "区", Kind: k, Code: s}
			u.Normalize()
			err := u.Validate()
			if ok := u.Code == "" || refValidDivision(u.Code); (err == nil) != ok {
				t.Fatalf("%s with code %q: %v, want valid %v", k, s, err, ok)
			}
			if err != nil && AsError(err).Field != "code" {
				t.Fatalf("%s with code %q: error on %q, want code", k, s, AsError(err).Field)
			}
		}
		u := Unit{Name: "企业", Kind: UnitEnterprise, Code: s}
		u.Normalize()
		if err := u.Validate(); (err == nil) != (u.Code == "" || refValidUSCC(u.Code)) {
			t.Fatalf("enterprise with code %q: %v", s, err)
		}
	})
}

// refValidProjectCode reads YYMM-区划代码-行业两位-类型两位-序号六位 field by field.
func refValidProjectCode(s string) bool {
	parts := strings.Split(s, "-")
	if len(parts) != 5 {
		return false
	}
	for i, n := range []int{4, 6, 2, 2, 6} {
		if len(parts[i]) != n || strings.Trim(parts[i], "0123456789") != "" {
			return false
		}
	}
	mm := parts[0][2:]
	return mm >= "01" && mm <= "12" && refValidDivision(parts[1])
}

// FuzzProjectCode: ValidProjectCode agrees with the reference on the fuzzed string and on
// a code assembled from its digits; a project with a valid code passes the code check.
func FuzzProjectCode(f *testing.F) {
	for _, s := range []string{"2301-330803-04-01-123456", "2313-330803-04-01-123456", "2300-330803-04-01-123456",
		"2301-990803-04-01-123456", "2301-330803-4-01-123456", "2301-330803-04-01-12345", "", "2301-330803-04-01-123456\n",
		"２３０１-330803-04-01-123456", "2312-820000-99-99-999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := ValidProjectCode(s), refValidProjectCode(s); got != want {
			t.Fatalf("ValidProjectCode(%q) = %v, reference %v", s, got, want)
		}
		// A code of the right shape made of the string's bytes as digits.
		d := make([]byte, 0, 20)
		for i := 0; i < 20; i++ {
			x := byte(i)
			if len(s) > 0 {
				x += s[i%len(s)]
			}
			d = append(d, '0'+x%10)
		}
		code := string(d[0:4]) + "-" + string(d[4:10]) + "-" + string(d[10:12]) + "-" + string(d[12:14]) + "-" + string(d[14:20])
		if got, want := ValidProjectCode(code), refValidProjectCode(code); got != want {
			t.Fatalf("ValidProjectCode(%q) = %v, reference %v", code, got, want)
		}
		p := Project{Code: s, Name: "项目", UnitID: 1, Investor: InvestorGovernment}
		p.Normalize()
		if err := p.Validate(); err != nil && AsError(err).Field == "code" && refValidProjectCode(p.Code) {
			t.Fatalf("project with code %q refused: %v", p.Code, err)
		} else if err == nil && !refValidProjectCode(p.Code) {
			t.Fatalf("project with code %q accepted", p.Code)
		}
	})
}

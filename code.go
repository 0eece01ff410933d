package ding

import "strings"

// Province-level prefixes of GB/T 2260 administrative division codes.
var provincePrefixes = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true,
	"21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true,
	"41": true, "42": true, "43": true, "44": true, "45": true, "46": true,
	"50": true, "51": true, "52": true, "53": true, "54": true,
	"61": true, "62": true, "63": true, "64": true, "65": true,
	"71": true, "81": true, "82": true,
}

// ValidDivisionCode reports whether s is a well-formed 6-digit GB/T 2260 行政区划代码:
// six digits with a known province prefix (e.g. 330803, 衢江区).
func ValidDivisionCode(s string) bool {
	if len(s) != 6 {
		return false
	}
	for i := 0; i < 6; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return provincePrefixes[s[:2]]
}

// usccChars is the GB 32100-2015 character set: digits and capitals without I, O, S, V, Z.
const usccChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// USCCCheckChar computes the check character of the first 17 characters of a 统一社会信用代码.
// ok is false when the input is not 17 characters of the code's character set.
func USCCCheckChar(first17 string) (c byte, ok bool) {
	if len(first17) != 17 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(usccChars, first17[i])
		if v < 0 {
			return 0, false
		}
		sum += v * usccWeights[i]
	}
	check := 31 - sum%31
	if check == 31 {
		check = 0
	}
	return usccChars[check], true
}

// ValidUSCC reports whether s is an 18-character 统一社会信用代码 (GB 32100-2015) whose
// check character is right. Lower-case input is rejected: codes are stored as printed.
func ValidUSCC(s string) bool {
	if len(s) != 18 {
		return false
	}
	c, ok := USCCCheckChar(s[:17])
	return ok && s[17] == c
}

package demo

import (
	"fmt"
	"hash/fnv"
	"strings"

	"ding"
)

// usccChars is the GB 32100-2015 character set (ding keeps its copy unexported).
const usccChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccFor returns the demo 统一社会信用代码 of an enterprise registered in region, derived
// from its name so that the demo is the same on every run. The code is laid out like a real
// one: 登记管理部门码 9 (market regulation), 机构类别码 1 (enterprise), the 6-digit
// 行政区划代码, a 9-character 主体标识码 and the check character of GB 32100.
func usccFor(region, name string) (string, error) {
	if !ding.ValidDivisionCode(region) {
		return "", fmt.Errorf("no district above the enterprise to take a region code from (got %q)", region)
	}
	first17 := "91" + region + orgCodeFor(name)
	c, ok := ding.USCCCheckChar(first17)
	if !ok {
		return "", fmt.Errorf("cannot compute the check character of %q", first17)
	}
	return first17 + string(c), nil
}

// orgCodeFor returns a 9-character 主体标识码 (组织机构代码, GB 11714) for the name: "MA" as
// on codes issued since 2015, six characters from a hash of the name, and the GB 11714
// check character. Every character is in the USCC character set.
func orgCodeFor(name string) string {
	h := fnv.New64a()
	h.Write([]byte(name))
	v := h.Sum64()
	b := []byte("MA")
	for range 6 {
		b = append(b, usccChars[v%uint64(len(usccChars))])
		v /= uint64(len(usccChars))
	}
	return string(b) + string(orgCheckChar(string(b)))
}

var orgWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// orgCheckChar computes the check character of the first 8 characters of a GB 11714
// organisation code: digits count as themselves, letters A–Z as 10–35.
func orgCheckChar(first8 string) byte {
	sum := 0
	for i := range 8 {
		sum += strings.IndexByte("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", first8[i]) * orgWeights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + c)
	}
}

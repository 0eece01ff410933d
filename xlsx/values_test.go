package xlsx

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"ding"
	"ding/i18n"
)

func TestXLSXMoney(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		key  string
	}{
		{"", 0, ""},
		{"0", 0, ""},
		{"1234", 12_340_000, ""},
		{" 1234 ", 12_340_000, ""},
		{"1,234.5", 12_345_000, ""},
		{"１２３４．５６", 12_345_600, ""},
		{"１，２３４", 12_340_000, ""},
		{"1234.56万元", 12_345_600, ""},
		{"0.01", 100, ""},
		{".5", 5_000, ""},
		{"1234.500", 12_345_000, ""},                       // trailing zeros are not decimals
		{"1234.5599999999999", 12_345_600, ""},             // a binary float as Excel stores it
		{"0.30000000000000004", 3_000, ""},                 // 0.1 + 0.2 from a formula
		{"1E+3", 10_000_000, ""},                           // exponent form in the XML
		{"10000000000", 10_000_000_000 * 10_000, ""},       // the cap itself
		{"10000000000.01", 0, "xlsx.money_range"},          // above the cap
		{"123456789012", 0, "xlsx.money_range"},            // twelve digits of 万元
		{"12.345", 0, "xlsx.money_places"},                 // three decimals
		{"-100", 0, "xlsx.money_negative"},                 // negative
		{"－100", 0, "xlsx.money_negative"},                 // full-width minus
		{"(100)", 0, "xlsx.money_negative"},                // accounting negative
		{"abc", 0, "xlsx.money_invalid"},                   // not a number
		{"12.3.4", 0, "xlsx.money_invalid"},                // two points
		{"#N/A", 0, "xlsx.money_invalid"},                  // an error value
		{"NaN", 0, "xlsx.money_invalid"},                   // ParseFloat would take it
		{"Inf", 0, "xlsx.money_invalid"},                   // and this
		{"1234.56789012345678901", 0, "xlsx.money_places"}, // not noise: still too many decimals at 15 digits
	} {
		got, err := parseWan(c.in)
		key := ""
		if err != nil {
			key = err.Key
		}
		if got != c.want || key != c.key {
			t.Errorf("parseWan(%q) = %d, %q; want %d, %q", c.in, got, key, c.want, c.key)
		}
	}
}

func TestXLSXDatesAndPeriods(t *testing.T) {
	d := func(y, m, day int) ding.Date { return ding.Date{Year: y, Month: time.Month(m), Day: day} }
	for _, c := range []struct {
		in   string
		want ding.Date
		ok   bool
	}{
		{"", ding.Date{}, true},
		{"2024-03-01", d(2024, 3, 1), true},
		{"2024/3/1", d(2024, 3, 1), true},
		{"2024.3.1", d(2024, 3, 1), true},
		{"2024年3月1日", d(2024, 3, 1), true},
		{"２０２４年３月１日", d(2024, 3, 1), true},
		{"20240301", d(2024, 3, 1), true},
		{"2024-03-01 00:00:00", d(2024, 3, 1), true},
		{"45352", d(2024, 3, 1), true},    // Excel's serial day of 2024-03-01
		{"45352.75", d(2024, 3, 1), true}, // with a time of day
		{"59", d(1900, 2, 28), true},      // before Excel's phantom 1900-02-29
		{"61", d(1900, 3, 1), true},
		{"2023-02-29", ding.Date{}, false},
		{"2024-13-01", ding.Date{}, false},
		{"明天", ding.Date{}, false},
		{"-5", ding.Date{}, false},
	} {
		got, err := parseDate(c.in, false)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("parseDate(%q) = %v, %v; want %v ok=%v", c.in, got, err, c.want, c.ok)
		}
	}
	if got, _ := parseDate("43890", true); got != d(2024, 3, 1) {
		t.Errorf("1904 date system: %v", got)
	}
	for _, c := range []struct{ in, want string }{
		{"2024-03", "2024-03"}, {"2024-3", "2024-03"}, {"2024/03", "2024-03"}, {"2024年3月", "2024-03"},
		{"2024年3月份", "2024-03"}, {"202403", "2024-03"}, {"45352", "2024-03"}, {"2024-03-15", "2024-03"},
		{"2024-W09", "2024-W09"}, {"2024W9", "2024-W09"},
		{"2024-13", ""}, {"2024-00", ""}, {"2024-02-30", ""}, {"202413", ""}, {"三月", ""}, {"2024-W54", ""},
	} {
		got, err := parsePeriod(c.in, false)
		if got != c.want || (err != nil) != (c.want == "") {
			t.Errorf("parsePeriod(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
		if err != nil && err.Key != "xlsx.period_invalid" {
			t.Errorf("parsePeriod(%q): key %s", c.in, err.Key)
		}
	}
}

func TestXLSXFlagsPercentsEnums(t *testing.T) {
	for in, want := range map[string]bool{"是": true, "否": false, "Y": true, "n": false, "1": true, "0": false, "": false, "TRUE": true, "√": true} {
		if got, err := parseFlag(in); err != nil || got != want {
			t.Errorf("parseFlag(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := parseFlag("也许"); err == nil || err.Key != "xlsx.flag_invalid" {
		t.Errorf("parseFlag(也许): %v", err)
	}
	for in, want := range map[string]int{"35": 35, "35%": 35, "0.35": 35, "100": 100, "1": 1, "": 0, "100%": 100, "３５％": 35} {
		if got, err := parsePercent(in); err != nil || got != want {
			t.Errorf("parsePercent(%q) = %v, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"101", "-5", "abc", "150%"} {
		if _, err := parsePercent(in); err == nil {
			t.Errorf("parsePercent(%q) accepted", in)
		}
	}
	enums := newEnums()
	for _, c := range []struct {
		k        kind
		in, want string
	}{
		{kNature, "新建", "new"}, {kNature, "技改", "renovation"}, {kNature, "Expansion", "expansion"},
		{kInvestor, "民间", "private"}, {kInvestor, "民营", "private"}, {kInvestor, "政府", "government"},
		{kStage, "签约", "signed"}, {kStage, "落地", "landed"}, {kStage, "落地（注册）", "landed"}, {kStage, "入统", "in_stats"},
		{kStage, "退库", "dropped"}, {kStage, "started", "started"},
		{kIndustry, "C", "C"}, {kIndustry, "c", "C"}, {kIndustry, "C 制造业", "C"}, {kIndustry, "制造业", "C"},
	} {
		if got, err := enums[c.k].parse(c.in); err != nil || got != c.want {
			t.Errorf("enum %d parse(%q) = %q, %v; want %q", c.k, c.in, got, err, c.want)
		}
	}
	_, err := enums[kStage].parse("施工中")
	if err == nil || err.Key != "xlsx.enum_invalid" {
		t.Fatalf("unknown stage: %v", err)
	}
	if msg := i18n.T("zh", err.Key, err.Args...); msg != "“施工中”不是有效的项目阶段，可选：谋划、在谈、签约、落地、开工、竣工、投产、入统、退库" {
		t.Errorf("message %q", msg)
	}
}

func TestXLSXColumnNames(t *testing.T) {
	for i, want := range map[int]string{0: "A", 14: "O", 25: "Z", 26: "AA", 28: "AC", 701: "ZZ", 702: "AAA"} {
		if got := colName(i); got != want {
			t.Errorf("colName(%d) = %s, want %s", i, got, want)
		}
	}
	if len(projectColumns) != 29 || colName(len(projectColumns)-1) != "AC" {
		t.Errorf("projects sheet has %d columns", len(projectColumns))
	}
	if normTitle(" 总投资 (万元)\n") != normTitle("总投资（万元）") || normTitle("*项目代码") != normTitle("项目代码") {
		t.Error("normTitle does not fold widths, spaces and stars")
	}
}

// TestXLSXMessagesExist: every message key the package uses is in the catalog in both
// languages (problems are shown to people, never as raw keys).
func TestXLSXMessagesExist(t *testing.T) {
	keyRE := regexp.MustCompile(`"((?:xlsx|import)\.[a-z_.]*[a-z])"`)
	files, _ := filepath.Glob("*.go")
	n := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyRE.FindAllStringSubmatch(string(b), -1) {
			n++
			if !i18n.Has(m[1]) || i18n.T("en", m[1]) == i18n.T("zh", m[1]) {
				t.Errorf("%s: key %s lacks a message or its English", name, m[1])
			}
		}
	}
	if n < 20 {
		t.Fatalf("found only %d keys: the scan is broken", n)
	}
	// Keys built from a prefix: the notes of every column.
	for _, c := range projectColumns {
		if !i18n.Has("xlsx.note." + c.field) {
			t.Errorf("no note for %s", c.title)
		}
	}
	for _, c := range progressColumns {
		key := "xlsx.note.p_" + c.field
		if c.field == "" {
			key = "xlsx.note.p_name"
		}
		if !i18n.Has(key) {
			t.Errorf("no note for %s", c.title)
		}
	}
}

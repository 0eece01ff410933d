package calendar

import (
	"errors"
	"strings"
	"testing"
	"time"

	"ding"
)

func d(y, m, day int) ding.Date { return ding.Date{Year: y, Month: time.Month(m), Day: day} }

func TestOfficialWorkdays(t *testing.T) {
	c := New(Official())
	cases := []struct {
		from ding.Date
		n    int
		want ding.Date
	}{
		{d(2024, 6, 20), 1, d(2024, 6, 21)},   // Thursday → Friday
		{d(2024, 6, 21), 1, d(2024, 6, 24)},   // Friday → Monday
		{d(2024, 9, 30), 1, d(2024, 10, 8)},   // National Day week off
		{d(2024, 9, 27), 1, d(2024, 9, 29)},   // Sunday 9-29 is a make-up working day
		{d(2024, 2, 9), 1, d(2024, 2, 18)},    // Spring Festival, then the Sunday make-up day
		{d(2024, 2, 8), 3, d(2024, 2, 19)},    // 2-9 (Fri), 2-18 (Sun, worked), 2-19
		{d(2023, 12, 29), 1, d(2024, 1, 2)},   // New Year's Day across the year boundary
		{d(2024, 2, 28), 1, d(2024, 2, 29)},   // leap day is a Thursday
		{d(2024, 6, 20), 0, d(2024, 6, 20)},   // nothing to add
		{d(2024, 10, 11), 1, d(2024, 10, 12)}, // Saturday 10-12 worked
	}
	for _, k := range cases {
		if got := c.AddWorkdays(k.from, k.n); got != k.want {
			t.Errorf("%s + %d working days = %s, want %s", k.from, k.n, got, k.want)
		}
	}
	if n := c.WorkdaysBetween(d(2024, 9, 30), d(2024, 10, 8)); n != 1 {
		t.Errorf("working days after 9-30 up to 10-8: %d, want 1", n)
	}
	if n := c.WorkdaysBetween(d(2024, 10, 8), d(2024, 9, 30)); n != 0 {
		t.Errorf("backwards: %d", n)
	}
	if c.IsWorkday(d(2024, 10, 1)) || !c.IsWorkday(d(2024, 10, 12)) || c.IsWorkday(d(2024, 10, 13)) {
		t.Error("IsWorkday disagrees with the arrangements")
	}
	var zero *Calendar
	if !zero.IsWorkday(d(2024, 10, 1)) {
		t.Error("a calendar without arrangements: a Tuesday works")
	}
}

func TestParseCSV(t *testing.T) {
	days, err := ParseCSV(strings.NewReader("\ufeffdate,kind,name\n# comment\n2027-01-01,holiday,元旦\n2027-02-06,workday,春节\n"))
	if err != nil || len(days) != 2 || days[1].Kind != Workday || days[0].Name != "元旦" {
		t.Fatalf("%+v %v", days, err)
	}
	bad := map[string]struct {
		line int
		col  string
	}{
		"2027-01-01,holiday,元旦\n2027-13-01,holiday,x\n":  {2, "date"},
		"2027-01-01,holiday\n":                           {1, "-"},
		"2027-01-01,rest,元旦\n":                           {1, "kind"},
		"2027-01-04,workday,春节\n":                        {1, "kind"}, // a Monday is a working day anyway
		"2027-01-01,holiday,元旦\n2027-01-01,holiday,元旦\n": {2, "date"},
		"2027-01-01,holiday,\n":                          {1, "name"},
		"2027-01-01,holiday,一二三四五六七八九十一二三四五六七八九十一\n": {1, "name"},
	}
	for in, want := range bad {
		days, err := ParseCSV(strings.NewReader(in))
		var re *RowError
		if !errors.As(err, &re) || re.Line != want.line || re.Column != want.col || days != nil {
			t.Errorf("%q: %v (%+v), want line %d column %s", in, err, re, want.line, want.col)
		}
	}
	if n := len(Official()); n < 140 {
		t.Fatalf("official arrangements: %d days", n)
	}
}

// Package calendar counts working days (工作日) from the State Council's holiday
// arrangements: a weekday is a working day unless it is a holiday (法定节假日或调休放假);
// a weekend day is a rest day unless it is a make-up working day (调休上班). The service
// clocks of demands and action items run in working days.
//
// The official arrangements for 2023–2026 ship with ding (cn-holidays.csv, embedded); the
// administrator keeps later years in the database and can import the same CSV format.
package calendar

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"ding"
)

// Kind says what a listed day is.
type Kind string

const (
	Holiday Kind = "holiday" // a day off, even on a weekday
	Workday Kind = "workday" // a working day, even on a weekend
)

// Day is one listed day of the arrangements.
type Day struct {
	Date ding.Date `json:"date"`
	Kind Kind      `json:"kind"`
	Name string    `json:"name"` // 春节, 国庆节 …
}

// Validate checks a listed day: a date, a known kind, a name of at most 20 characters, and
// an arrangement that changes something (a holiday on a weekday or a weekend, a workday on
// a weekend only).
func (d *Day) Validate() error {
	d.Name = strings.TrimSpace(d.Name)
	switch {
	case d.Date.IsZero():
		return ding.FieldError("date", "calendar.date_required")
	case d.Kind != Holiday && d.Kind != Workday:
		return ding.FieldError("kind", "calendar.kind_invalid")
	case d.Name == "":
		return ding.FieldError("name", "calendar.name_required")
	case utf8.RuneCountInString(d.Name) > 20:
		return ding.FieldError("name", "field.too_long", 20)
	case d.Kind == Workday && !weekend(d.Date):
		return ding.FieldError("kind", "calendar.workday_on_weekday", d.Date.String())
	}
	return nil
}

func weekend(d ding.Date) bool {
	w := d.Time().Weekday()
	return w == time.Saturday || w == time.Sunday
}

// Calendar answers working-day questions. The zero value knows no arrangement: Monday to
// Friday work.
type Calendar struct {
	days map[ding.Date]Day
}

// New builds a calendar from listed days; a later entry for a date wins.
func New(days []Day) *Calendar {
	c := &Calendar{days: make(map[ding.Date]Day, len(days))}
	for _, d := range days {
		c.days[d.Date] = d
	}
	return c
}

// Lookup returns the arrangement of a date, if one is listed.
func (c *Calendar) Lookup(d ding.Date) (Day, bool) {
	if c == nil {
		return Day{}, false
	}
	x, ok := c.days[d]
	return x, ok
}

// IsWorkday reports whether d is a working day.
func (c *Calendar) IsWorkday(d ding.Date) bool {
	if x, ok := c.Lookup(d); ok {
		return x.Kind == Workday
	}
	return !weekend(d)
}

// AddWorkdays returns the date n working days after d (n ≥ 0): "accept within 1 working
// day" of a demand submitted on d is due at the end of AddWorkdays(d, 1). A day that is not
// a working day does not count; d itself never does.
func (c *Calendar) AddWorkdays(d ding.Date, n int) ding.Date {
	for n > 0 {
		d = d.AddDays(1)
		if c.IsWorkday(d) {
			n--
		}
	}
	return d
}

// WorkdaysBetween counts the working days after a up to and including b (0 when b is not
// after a): how many working days a step has taken, or is late by.
func (c *Calendar) WorkdaysBetween(a, b ding.Date) int {
	n := 0
	for d := a.AddDays(1); !d.After(b); d = d.AddDays(1) {
		if c.IsWorkday(d) {
			n++
		}
	}
	return n
}

//go:embed cn-holidays.csv
var official string

// Official returns the official arrangements that ship with ding (2023–2026).
func Official() []Day {
	days, err := ParseCSV(strings.NewReader(official))
	if err != nil {
		panic("calendar: the embedded cn-holidays.csv is invalid: " + err.Error())
	}
	return days
}

// RowError is a bad line of an imported CSV: its line number and column.
type RowError struct {
	Line   int
	Column string
	Err    error
}

func (e *RowError) Error() string {
	return fmt.Sprintf("line %d, column %s: %v", e.Line, e.Column, e.Err)
}
func (e *RowError) Unwrap() error { return e.Err }

// ParseCSV reads "date,kind,name" lines (a header line and lines starting with # are
// skipped). Every line is checked; the first bad one is returned as a *RowError and no day
// at all, so that an import is all or nothing. A date listed twice is an error.
func ParseCSV(r io.Reader) ([]Day, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	var days []Day
	seen := map[ding.Date]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return nil, &RowError{Line: line, Column: "-", Err: ding.Errorf(ding.EINVALID, "calendar.csv_invalid")}
		}
		if len(rec) > 0 && strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(rec[0], "\ufeff")), "date") {
			continue
		}
		if len(rec) != 3 {
			return nil, &RowError{Line: line, Column: "-", Err: ding.Errorf(ding.EINVALID, "calendar.csv_columns", len(rec))}
		}
		date, err := ding.ParseDate(strings.TrimSpace(strings.TrimPrefix(rec[0], "\ufeff")))
		if err != nil {
			return nil, &RowError{Line: line, Column: "date", Err: ding.Errorf(ding.EINVALID, "calendar.date_invalid", rec[0])}
		}
		d := Day{Date: date, Kind: Kind(strings.TrimSpace(rec[1])), Name: rec[2]}
		if err := d.Validate(); err != nil {
			col := "kind"
			if e, ok := err.(*ding.Error); ok && e.Field != "" {
				col = e.Field
			}
			return nil, &RowError{Line: line, Column: col, Err: err}
		}
		if first, ok := seen[date]; ok {
			return nil, &RowError{Line: line, Column: "date", Err: ding.Errorf(ding.EINVALID, "calendar.date_twice", date.String(), first)}
		}
		seen[date] = line
		days = append(days, d)
	}
	return days, nil
}

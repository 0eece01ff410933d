package store

import (
	"database/sql/driver"
	"ding"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// tsLayout is how SQLite stores timestamps: fixed-width UTC, so that text comparison is
// time comparison. PostgreSQL parses the same text into TIMESTAMPTZ.
const tsLayout = "2006-01-02T15:04:05.000000Z"

// ts is a timestamp argument.
type ts time.Time

func (t ts) Value() (driver.Value, error) { return time.Time(t).UTC().Format(tsLayout), nil }

// timeScan scans a timestamp from either engine into *time.Time.
type timeScan struct{ dst *time.Time }

func (s timeScan) Scan(v any) error {
	t, err := parseTime(v)
	if err != nil {
		return err
	}
	if t != nil {
		*s.dst = *t
	}
	return nil
}

// nullTimeScan scans a nullable timestamp into **time.Time.
type nullTimeScan struct{ dst **time.Time }

func (s nullTimeScan) Scan(v any) error {
	t, err := parseTime(v)
	*s.dst = t
	return err
}

func parseTime(v any) (*time.Time, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case time.Time:
		t := x.UTC()
		return &t, nil
	case string:
		return parseTimeText(x)
	case []byte:
		return parseTimeText(string(x))
	}
	return nil, fmt.Errorf("store: cannot scan %T as time", v)
}

func parseTimeText(s string) (*time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil, fmt.Errorf("store: bad timestamp %q: %w", s, err)
	}
	t = t.UTC()
	return &t, nil
}

// jsonArg marshals v for a JSON/JSONB column; nil stays NULL.
func jsonArg(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	// Keep < > & as they are: the audit log should read like the record, and pages
	// escape on output.
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// jsonScan scans a JSON/JSONB column into json.RawMessage.
type jsonScan struct{ dst *json.RawMessage }

func (s jsonScan) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*s.dst = nil
	case string:
		*s.dst = json.RawMessage(x)
	case []byte:
		*s.dst = append(json.RawMessage(nil), x...)
	default:
		return fmt.Errorf("store: cannot scan %T as json", v)
	}
	return nil
}

// dateArg is a civil date argument: YYYY-MM-DD text (SQLite TEXT, PostgreSQL DATE), or
// NULL for the zero date.
func dateArg(d ding.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

// dateScan scans a DATE (PostgreSQL gives time.Time) or TEXT (SQLite) into ding.Date.
type dateScan struct{ dst *ding.Date }

func (s dateScan) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*s.dst = ding.Date{}
	case time.Time:
		*s.dst = ding.Date{Year: x.Year(), Month: x.Month(), Day: x.Day()}
	case string, []byte:
		var str string
		if b, ok := x.([]byte); ok {
			str = string(b)
		} else {
			str = x.(string)
		}
		if len(str) > 10 {
			str = str[:10]
		}
		d, err := ding.ParseDate(str)
		if err != nil {
			return err
		}
		*s.dst = d
	default:
		return fmt.Errorf("store: cannot scan %T as date", v)
	}
	return nil
}

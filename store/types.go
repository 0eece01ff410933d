package store

import (
	"database/sql/driver"
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

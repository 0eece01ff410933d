package store_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"ding"
	"ding/store"
	"ding/store/storetest"
	"ding/warn"
)

// FuzzSaveRule saves a warning rule the fuzzer configures (JSON, as the API takes it) on
// every engine the tests run on: the store refuses it with an error the caller can show, or
// keeps it so that it reads back as saved and saves again as an update.
func FuzzSaveRule(f *testing.F) {
	for _, r := range warn.DefaultRules() {
		b, err := json.Marshal(r)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{`{"name":"x\u0000y","kind":"milestone","thresholds":[{"colour":"red","min":1}]}`,
		`{"name":"x","kind":"item_overdue","params":{"item":"a\u0000"},"thresholds":[{"colour":"red","min":1}]}`,
		`{"name":"x","kind":"milestone","scope":{"unit_ids":[1,1,99]},"thresholds":[{"colour":"red","min":1e308}]}`,
		`{"name":"\ud800","kind":"milestone","thresholds":[{"colour":"red","min":-0}]}`} {
		f.Add([]byte(s))
	}
	ctx := ding.WithActor(context.Background(), ding.SystemActor("fuzz"))
	var dbs []*store.DB
	for _, e := range storetest.Engines(f) {
		db := storetest.Open(f, e)
		if err := db.CreateUnit(ctx, &ding.Unit{Name: "衢江区", Kind: ding.UnitDistrict, Code: "330803"}); err != nil {
			f.Fatal(err)
		}
		dbs = append(dbs, db)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var in ding.Rule
		if json.Unmarshal(data, &in) != nil {
			return
		}
		for _, db := range dbs {
			r := in
			r.ID, r.Version = 0, 0
			if err := db.SaveRule(ctx, &r); err != nil {
				if c := ding.ErrorCode(err); c != ding.EINVALID {
					t.Fatalf("%s: %v", data, err)
				}
				continue
			}
			got, err := db.FindRule(ctx, r.ID)
			if err != nil {
				t.Fatalf("%s: saved as %d, then %v", data, r.ID, err)
			}
			got.UpdatedAt, r.UpdatedAt = time.Time{}, time.Time{}
			if a, b := ruleJSON(t, got), ruleJSON(t, &r); a != b {
				t.Fatalf("%s: saved\n%s\nread back\n%s", data, b, a)
			}
			got.Enabled = !got.Enabled
			if err := db.SaveRule(ctx, got); err != nil {
				t.Fatalf("%s: saving it again: %v", data, err)
			}
		}
	})
}

// ruleJSON writes a rule for comparison; a threshold of −0 is 0 (PostgreSQL's JSON keeps no
// negative zero).
func ruleJSON(t *testing.T, r *ding.Rule) string {
	t.Helper()
	c := *r
	c.Thresholds = append([]ding.Threshold(nil), r.Thresholds...)
	for i := range c.Thresholds {
		if c.Thresholds[i].Min == 0 {
			c.Thresholds[i].Min = 0
		}
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

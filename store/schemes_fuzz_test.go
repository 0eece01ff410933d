package store_test

import (
	"context"
	"encoding/json"
	"testing"

	"ding"
	"ding/store"
	"ding/store/storetest"
)

// schemeCore is what a scheme's configuration says, for comparing a saved scheme with the
// one read back (ids, names and timestamps aside).
type schemeCore struct {
	Name, FlagName, Note string
	Period               ding.SchemePeriodKind
	TotalPoints          int64
	FlagCount            int
	Public, Disabled     bool
	Items                [][7]any
	Participants         [][2]any
}

func coreOf(s *ding.Scheme) string {
	c := schemeCore{Name: s.Name, FlagName: s.FlagName, Note: s.Note, Period: s.Period, TotalPoints: s.TotalPoints, FlagCount: s.FlagCount,
		Public: s.Public, Disabled: s.Disabled}
	for _, it := range s.Items {
		c.Items = append(c.Items, [7]any{it.IndicatorID, it.Basis, it.Method, it.Weight, it.Step, it.Cap, it.Benchmark})
	}
	for _, p := range s.Participants {
		c.Participants = append(c.Participants, [2]any{p.UnitID, p.Group})
	}
	b, _ := json.Marshal(c)
	return string(b)
}

// FuzzSaveScheme saves a competition scheme the fuzzer configures (JSON, as the API takes
// it; its organizer, indicators and units are mapped onto the database's) on every engine
// the tests run on: the store refuses it with an error the caller can show, or keeps it so
// that it reads back as saved and saves again as an update.
func FuzzSaveScheme(f *testing.F) {
	for _, s := range []string{
		`{"name":"2024 年季比拼","period":"quarter","flag_count":2,"items":[{"indicator_id":0,"basis":"growth","method":"rank","weight":4000},` +
			`{"indicator_id":1,"basis":"completion","method":"target","weight":3000},{"indicator_id":2,"basis":"value","method":"ratio","weight":2000,"benchmark":5000000000},` +
			`{"indicator_id":3,"basis":"completion","method":"target_prop","weight":1000,"cap":12000}],` +
			`"participants":[{"unit_id":0,"group":"乡镇"},{"unit_id":1,"group":"乡镇"},{"unit_id":2,"group":"园区"}]}`,
		`{"name":"x\u0000","period":"year","items":[{"indicator_id":0,"method":"rank","weight":10000}],"participants":[{"unit_id":0}]}`,
		`{"name":"x","note":"\u0000","flag_name":"红\u0000旗","period":"month","items":[{"indicator_id":0,"method":"minmax","weight":10000}],"participants":[{"unit_id":0,"group":"\u0000"}]}`,
		`{"name":"x","items":[{"indicator_id":0,"method":"rank","weight":5000},{"indicator_id":0,"method":"rank","weight":5000}],"participants":[{"unit_id":0}]}`,
	} {
		f.Add([]byte(s))
	}
	ctx := ding.WithActor(context.Background(), ding.SystemActor("fuzz"))
	type engineDB struct {
		db          *store.DB
		org         int64
		units, inds []int64
	}
	var dbs []engineDB
	for _, e := range storetest.Engines(f) {
		ed := engineDB{db: storetest.Open(f, e)}
		d := &ding.Unit{Name: "衢江区", Kind: ding.UnitDistrict, Code: "330803"}
		if err := ed.db.CreateUnit(ctx, d); err != nil {
			f.Fatal(err)
		}
		ed.org = d.ID
		for _, n := range []string{"樟潭街道", "廿里镇", "高新园区"} {
			u := &ding.Unit{Name: n, Kind: ding.UnitTown, ParentID: d.ID}
			if err := ed.db.CreateUnit(ctx, u); err != nil {
				f.Fatal(err)
			}
			ed.units = append(ed.units, u.ID)
		}
		for i, m := range []string{"亿元", "%", "个", "万吨"} {
			ind := &ding.Indicator{Code: "i" + string(rune('a'+i)), Name: "指标" + m, Measure: m, HigherBetter: i != 3}
			if err := ed.db.CreateIndicator(ctx, ind); err != nil {
				f.Fatal(err)
			}
			ed.inds = append(ed.inds, ind.ID)
		}
		dbs = append(dbs, ed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var in ding.Scheme
		if json.Unmarshal(data, &in) != nil || len(in.Items) > 60 || len(in.Participants) > 600 {
			return
		}
		for _, ed := range dbs {
			s := in
			s.ID, s.Version, s.OrganizerID = 0, 0, ed.org
			s.Items = append([]ding.SchemeItem(nil), in.Items...)
			for i := range s.Items {
				s.Items[i].ID, s.Items[i].IndicatorID = 0, ed.inds[int(uint64(s.Items[i].IndicatorID)%uint64(len(ed.inds)))]
			}
			s.Participants = append([]ding.Participant(nil), in.Participants...)
			for i := range s.Participants {
				s.Participants[i].UnitID = ed.units[int(uint64(s.Participants[i].UnitID)%uint64(len(ed.units)))]
			}
			s.Normalize()
			if err := ed.db.CreateScheme(ctx, &s); err != nil {
				if c := ding.ErrorCode(err); c == ding.EINTERNAL || c == ding.EUNAVAILABLE {
					t.Fatalf("%s: %v", data, err)
				}
				continue
			}
			got, err := ed.db.FindScheme(ctx, s.ID)
			if err != nil {
				t.Fatalf("%s: saved as %d, then %v", data, s.ID, err)
			}
			if a, b := coreOf(got), coreOf(&s); a != b {
				t.Fatalf("%s: saved\n%s\nread back\n%s", data, b, a)
			}
			if err := ed.db.UpdateScheme(ctx, got); err != nil {
				t.Fatalf("%s: saving it again: %v", data, err)
			}
		}
	})
}

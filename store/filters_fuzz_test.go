package store_test

import (
	"context"
	"testing"
	"time"

	"ding"
	"ding/store"
	"ding/store/storetest"
)

// FuzzFilterText runs the store's list queries with fuzzed text and numbers in every filter
// field, on every engine the tests run on, as the system: whatever the web layer lets
// through, a list query answers with a (possibly empty) list, never an SQL error. PostgreSQL
// refuses a NUL byte or invalid UTF-8 in a text parameter, which the web fuzz target
// FuzzListQuery found in the search boxes; the text seeds below keep those cases.
func FuzzFilterText(f *testing.F) {
	for _, s := range []string{"", "港口", "\x00", "a\x00b", "\xff\xfe", "%", "_", `\`, "'; DROP TABLE projects;--", "2024-06", "red", "signed",
		"\u0000\u00e9\xc3", "𝕏"} {
		f.Add(s, int64(1), 0)
	}
	f.Add("x", int64(-1), -1)
	f.Add("x", int64(9223372036854775807), 2147483648)
	ctx := ding.WithActor(context.Background(), ding.SystemActor("fuzz"))
	var dbs []*store.DB
	for _, e := range storetest.Engines(f) {
		db := storetest.Open(f, e)
		u := &ding.Unit{Name: "衢江区", Kind: ding.UnitDistrict, Code: "330803"}
		if err := db.CreateUnit(ctx, u); err != nil {
			f.Fatal(err)
		}
		p := &ding.Project{Code: "2301-330803-04-01-000001", Name: "港口物流园", UnitID: u.ID, Investor: "private", TotalInvestment: 2 * ding.Yi}
		if err := db.CreateProject(ctx, p); err != nil {
			f.Fatal(err)
		}
		dbs = append(dbs, db)
	}
	f.Fuzz(func(t *testing.T, s string, n int64, limit int) {
		// Limits and offsets come from the web layer's pagers, which keep them small and
		// non-negative; ids and years may be anything a URL holds.
		limit = min(max(limit, 0), 500)
		offset := int(min(max(n, 0), 1<<20))
		year := int(min(max(n, -1<<31), 1<<31-1))
		day := time.Unix(min(max(n, -1<<40), 1<<40), 0)
		yes := n%2 == 0
		for _, db := range dbs {
			check := func(what string, err error) {
				t.Helper()
				if err != nil {
					t.Fatalf("%s with %q, %d: %v", what, s, n, err)
				}
			}
			_, _, err := db.FindProjects(ctx, ding.ProjectFilter{ID: n, Code: s, Stages: []ding.Stage{ding.Stage(s)}, UnitID: n, LocationID: n,
				Chain: s, Industry: s, LeaderID: n, LeadUnitID: n, MinInvestment: n, Colour: s, Query: s, Year: year, Sort: s, Limit: limit, Offset: offset})
			check("FindProjects", err)
			_, _, err = db.FindItems(ctx, store.ItemFilter{ID: n, Kind: ding.ItemKind(s), Status: ding.ItemStatus(s), Open: yes, Overdue: !yes,
				ProjectID: n, UnitID: n, Type: s, MeetingID: n, DecideBy: n, LeaderID: n, Q: s, Sort: s, Desc: yes, Limit: limit, Offset: offset})
			check("FindItems", err)
			_, _, err = db.FindEscalations(ctx, store.EscalationFilter{ID: n, ProjectID: n, UnitID: n, Action: ding.LadderAction(s), Letters: yes,
				Status: s, Overdue: yes, Colour: ding.Colour(s), Period: s, Q: s, Sort: s, Desc: yes, Limit: limit, Offset: offset})
			check("FindEscalations", err)
			_, _, err = db.FindMeetings(ctx, store.MeetingFilter{ID: n, Kind: ding.MeetingKind(s), Status: s, From: day, To: day.Add(time.Hour),
				ChairID: n, Q: s, Desc: yes, Limit: limit, Offset: offset})
			check("FindMeetings", err)
			_, _, err = db.FindCommitments(ctx, store.CommitmentFilter{ID: n, ProjectID: n, Status: s, Side: ding.CommitmentSide(s), UnitID: n,
				Limit: limit, Offset: offset})
			check("FindCommitments", err)
			_, _, err = db.FindReports(ctx, store.ReportFilter{ID: n, ProjectID: n, Period: s, Status: ding.ReportStatus(s), CurrentOnly: yes,
				Limit: limit, Offset: offset})
			check("FindReports", err)
			_, _, err = db.FindWarnings(ctx, store.WarningFilter{Colour: ding.Colour(s), Kind: ding.RuleKind(s), RuleID: n, ProjectID: n, UnitID: n,
				Exempt: &yes, Limit: limit, Offset: offset})
			check("FindWarnings", err)
			_, _, err = db.FindAudit(ctx, ding.AuditFilter{Entity: s, EntityID: n, Action: s, ActorID: n, Actor: s, From: day, To: day.Add(time.Hour),
				Limit: limit, Offset: offset})
			check("FindAudit", err)
			_, _, err = db.FindUnits(ctx, ding.UnitFilter{ID: n, ParentID: &n, Under: n, Kind: ding.UnitKind(s), Query: s, IncludeDisabled: yes,
				Limit: limit, Offset: offset})
			check("FindUnits", err)
			_, _, err = db.FindUsers(ctx, ding.UserFilter{ID: n, Username: s, UnitID: n, Under: n, Role: ding.Role(s), Query: s, Limit: limit, Offset: offset})
			check("FindUsers", err)
			_, err = db.FindContests(ctx, store.ContestFilter{ID: n, Status: s})
			check("FindContests", err)
			_, err = db.FindBulletins(ctx, store.BulletinFilter{ID: n, UnitID: n, Year: year, Month: int(n % 100)})
			check("FindBulletins", err)
		}
	})
}

package store_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"ding"
	"ding/store"
	"ding/store/storetest"
)

// TestBulletin: a month's bulletin takes its cut from the records, says so when the month
// has no data, takes commentary while a draft, and is frozen once published.
func TestBulletin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := mkProjects(t, db) // now 2024-06-20
		office, liA := userCtx(f.office), userCtx(f.liA)
		pid := f.p.ID
		// A month with no data: no division by zero, a sentence that says so.
		empty, err := db.BuildBulletin(userCtx(f.office), 0, 2023, 5)
		if err != nil {
			t.Fatal(err)
		}
		if !empty.Data.Empty() || len(empty.Data.Summary("全区", 2023, 5)) != 1 || !strings.Contains(empty.Data.Summary("全区", 2023, 5)[0], "暂无投资计划和完成数据") {
			t.Fatalf("empty month: %+v %v", empty.Data, empty.Data.Summary("全区", 2023, 5))
		}
		if _, err := db.BuildBulletin(office, 0, 2024, 7); ding.AsError(err).Key != "target.month_future" {
			t.Fatalf("a future month: %v", err)
		}
		if _, err := db.BuildBulletin(liA, 0, 2024, 5); ding.ErrorCode(err) != ding.EFORBIDDEN {
			t.Fatalf("a liaison builds: %v", err)
		}
		if _, err := db.TransitionProject(office, pid, ding.StageStarted, day(2024, 2, 1), ""); err != nil {
			t.Fatal(err)
		}
		if err := db.SavePlan(office, evenPlan(pid, 2024, 100)); err != nil {
			t.Fatal(err)
		}
		for _, m := range []string{"2024-02", "2024-03", "2024-04", "2024-05"} {
			submit(t, db, userCtx(f.liA), pid, m, 100)
		}
		b, err := db.BuildBulletin(office, 0, 2024, 5)
		if err != nil {
			t.Fatal(err)
		}
		d := b.Data
		sum := strings.Join(d.Summary("全区", 2024, 5), "")
		// 400万 of 1,200万 = 33.3%, 时序 41.7%: 8.3 points behind.
		if b.Status != ding.BulletinDraft || d.Completed != 400*10_000 || d.Plan != 1200*10_000 ||
			!strings.Contains(sum, "1—5月，全区纳入管理的重大项目 1 个") || !strings.Contains(sum, "占年度计划的 33.3%，落后序时进度 8.3 个百分点") {
			t.Fatalf("bulletin: %+v\n%s", d, sum)
		}
		if len(d.Units) != 1 || d.Units[0].UnitName != "樟潭街道" || d.Units[0].Rank != 1 {
			t.Fatalf("ranking %+v", d.Units)
		}
		// Commentary while a draft; not on a unit absent from it.
		if err := db.AddBulletinComment(office, &ding.BulletinComment{BulletinID: b.ID, Kind: "unit", TargetID: f.townB.ID, Text: "x"}); ding.AsError(err).Key != "bulletin.target_absent" {
			t.Fatalf("comment on an absent unit: %v", err)
		}
		if err := db.AddBulletinComment(office, &ding.BulletinComment{BulletinID: b.ID, Kind: "unit", TargetID: f.townA.ID, Text: "投资进度落后序时，须倒排工期。"}); err != nil {
			t.Fatal(err)
		}
		// A liaison cannot see the draft; after publishing they can, and nothing changes it.
		if _, err := db.FindBulletin(liA, b.ID); ding.ErrorCode(err) != ding.ENOTFOUND {
			t.Fatalf("liaison reads a draft: %v", err)
		}
		b, _ = db.FindBulletin(office, b.ID)
		if _, err := db.PublishBulletin(office, b.ID, b.Version-1); ding.AsError(err).Key != "bulletin.stale" {
			t.Fatalf("publish a stale version: %v", err)
		}
		pub, err := db.PublishBulletin(office, b.ID, b.Version)
		if err != nil || pub.Status != ding.BulletinPublished || len(pub.Comments) != 1 || pub.Comments[0].TargetName != "樟潭街道" {
			t.Fatalf("published %+v %v", pub, err)
		}
		if got, err := db.FindBulletin(liA, b.ID); err != nil || got.Data.Completed != 400*10_000 {
			t.Fatalf("liaison reads the published bulletin: %v", err)
		}
		if ev := inboxEvents(t, db, f.liA); ev["bulletin.published"] != 1 {
			t.Fatalf("liaison's inbox: %v", ev)
		}
		if err := db.AddBulletinComment(office, &ding.BulletinComment{BulletinID: b.ID, Kind: "general", Text: "补充"}); ding.AsError(err).Key != "bulletin.published" {
			t.Fatalf("comment after publishing: %v", err)
		}
		if _, err := db.BuildBulletin(office, 0, 2024, 5); ding.AsError(err).Key != "bulletin.published" {
			t.Fatalf("rebuild after publishing: %v", err)
		}
		// The published cut stays as it was when a later report changes the records.
		submit(t, db, userCtx(f.liA), pid, "2024-01", 100)
		if got, _ := db.FindBulletin(office, b.ID); got.Data.Completed != 400*10_000 {
			t.Fatalf("published cut changed: %d", got.Data.Completed)
		}
		if prev, err := db.PreviousBulletin(office, pub); err != nil || prev != nil {
			t.Fatalf("previous of May: %+v %v", prev, err)
		}
	})
}

// TestBulletinWarnings: the bulletin's list of current warnings — most severe colour first,
// then by investment — is the same whichever read it takes (sorting a colour's warnings or
// walking projects in investment order), and its total, from the rollups, counts exactly
// the warnings of projects that are not exempt, also after an exemption.
func TestBulletinWarnings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := sys()
		setNow(db, day(2024, 12, 20))
		if _, err := db.Generate(ctx, store.GenOptions{Seed: 5, Units: 60, Projects: 300, ReportsPerProject: 24}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.RecomputeWarnings(ctx, ding.Date{}); err != nil {
			t.Fatal(err)
		}
		colours, err := db.Colours(ctx)
		if err != nil {
			t.Fatal(err)
		}
		check := func(step string) {
			t.Helper()
			d, err := db.DashboardFor(ctx, 1, 2024, 12)
			if err != nil {
				t.Fatal(err)
			}
			counts, total := map[string]int64{}, int64(0)
			for _, c := range d.Warnings {
				counts[c.Key] = c.N
				total += c.N
			}
			ws, n, err := db.FindWarnings(ctx, store.WarningFilter{UnitID: 1, Exempt: new(bool)})
			if err != nil || int64(n) != total || len(ws) != n || n <= ding.BulletinListCap {
				t.Fatalf("%s: rollup total %d, FindWarnings %d (%d rows) %v — want equal and over the cap", step, total, n, len(ws), err)
			}
			invest := map[int64]int64{}
			for _, w := range ws {
				if _, ok := invest[w.ProjectID]; !ok {
					p, err := db.FindProjectByID(ctx, w.ProjectID)
					if err != nil {
						t.Fatal(err)
					}
					invest[w.ProjectID] = p.TotalInvestment
				}
			}
			sort.SliceStable(ws, func(i, j int) bool {
				a, b := ws[i], ws[j]
				if ra, rb := colours.Rank(a.Colour), colours.Rank(b.Colour); ra != rb {
					return ra > rb
				}
				if invest[a.ProjectID] != invest[b.ProjectID] {
					return invest[a.ProjectID] > invest[b.ProjectID]
				}
				if a.ProjectID != b.ProjectID {
					return a.ProjectID > b.ProjectID
				}
				if a.RuleID != b.RuleID {
					return a.RuleID < b.RuleID
				}
				return a.SubjectKey < b.SubjectKey
			})
			var want []string
			for _, w := range ws[:ding.BulletinListCap] {
				want = append(want, fmt.Sprintf("%d %s %s %s", w.ProjectID, w.Colour, w.RuleName, w.OpenedOn))
			}
			inflated := map[string]int64{}
			for k, v := range counts {
				inflated[k] = v * 1_000_000
			}
			for _, cs := range []map[string]int64{counts, inflated} {
				got, err := db.BulletinWarningsForTest(ctx, 1, cs)
				if err != nil {
					t.Fatal(err)
				}
				var g []string
				for _, w := range got {
					g = append(g, fmt.Sprintf("%d %s %s %s", w.ProjectID, w.Colour, w.Rule, w.Since))
				}
				if strings.Join(g, "\n") != strings.Join(want, "\n") {
					t.Fatalf("%s: the list (counts %v) differs from the reference:\n%s\nwant\n%s", step, cs, strings.Join(g, "\n")[:400], strings.Join(want, "\n")[:400])
				}
			}
		}
		check("after the first pass")
		// An approved exemption takes the project's warnings out of the count and the list.
		ws, _, _ := db.FindWarnings(ctx, store.WarningFilter{UnitID: 1, Limit: 1})
		x := &store.Exemption{ProjectID: ws[0].ProjectID, Kind: store.ExemptForceMajeure, Reason: "台风导致停工", ValidUntil: day(2025, 6, 30)}
		if err := db.RequestExemption(ctx, x); err != nil {
			t.Fatal(err)
		}
		if _, err := db.DecideExemption(ctx, x.ID, true, "同意", day(2025, 6, 30)); err != nil {
			t.Fatal(err)
		}
		check("after an exemption")
	})
}

package store_test

import (
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

package demo_test

import (
	"strings"
	"testing"

	"ding"
	"ding/demo"
	"ding/store"
)

// checkBulletins: the year's bulletins are there, eleven published and December a draft,
// each taken from the records of its month.
func checkBulletins(t *testing.T, db *store.DB, res *demo.Result) {
	bs, err := db.FindBulletins(sys(), store.BulletinFilter{UnitID: res.DistrictID, Year: 2024})
	if err != nil || len(bs) != 12 {
		t.Fatalf("%d bulletins, %v", len(bs), err)
	}
	published := 0
	for _, b := range bs {
		if b.Status == ding.BulletinPublished {
			published++
		} else if b.Month != 12 {
			t.Errorf("bulletin %s is a %s", b.Period(), b.Status)
		}
	}
	if published != 11 {
		t.Fatalf("%d published", published)
	}
	var june *ding.Bulletin
	for _, b := range bs {
		if b.Month == 6 {
			june, _ = db.FindBulletin(sys(), b.ID)
		}
	}
	d, err := db.DashboardFor(sys(), res.DistrictID, 2024, 6)
	if err != nil {
		t.Fatal(err)
	}
	// Investment completed to June does not change after June: the cut agrees with today.
	if june.Data.Completed != d.Completed || june.Data.Plan == 0 || len(june.Data.Units) == 0 || len(june.Comments) < 2 {
		t.Fatalf("June: completed %d vs %d, plan %d, %d units, %d comments", june.Data.Completed, d.Completed, june.Data.Plan, len(june.Data.Units), len(june.Comments))
	}
	// The month's warning counts come from the rollups, the lists from the events: they agree.
	if june.Data.OpenedTotal != int64(len(june.Data.Opened)) || june.Data.ClearedTotal != int64(len(june.Data.Cleared)) || june.Data.OpenedTotal == 0 {
		t.Errorf("June: opened %d (%d listed), cleared %d (%d listed)", june.Data.OpenedTotal, len(june.Data.Opened), june.Data.ClearedTotal, len(june.Data.Cleared))
	}
	sum := strings.Join(june.Data.Summary("全区", 2024, 6), "")
	if !strings.Contains(sum, "2024年1—6月，全区纳入管理的重大项目") || !strings.Contains(sum, "占年度计划的") {
		t.Fatalf("June summary: %s", sum)
	}
	t.Logf("June: %s", sum)

	// The dashboard's demand and overdue counts are the items list's, filtered the same way.
	dec, err := db.DashboardFor(sys(), res.DistrictID, 2024, 12)
	if err != nil {
		t.Fatal(err)
	}
	total := int64(0)
	for _, c := range dec.Demands {
		_, n, err := db.FindItems(sys(), store.ItemFilter{Kind: ding.DemandItem, Status: ding.ItemStatus(c.Key), UnitID: res.DistrictID, Limit: 1})
		if err != nil || int64(n) != c.N {
			t.Errorf("demands %s: dashboard %d, list %d (%v)", c.Key, c.N, n, err)
		}
		total += c.N
	}
	_, n, err := db.FindItems(sys(), store.ItemFilter{Overdue: true, UnitID: res.DistrictID, Limit: 1})
	if err != nil || int64(n) != dec.OverdueItems || total == 0 {
		t.Errorf("overdue: dashboard %d, list %d (%v); %d demands", dec.OverdueItems, n, err, total)
	}
}

package store_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"ding"
	"ding/store"
	"ding/store/storetest"
)

// warnEventsFixture drives two projects through real store writes with only the
// investment-lag rule on: town A's project opens yellow on 2024-06-20, rises to red and
// clears (from red) on 06-21; town B's opens yellow on 07-02.
func warnEventsFixture(t *testing.T, db *store.DB) (*projFixture, *ding.Project) {
	t.Helper()
	f := mkProjects(t, db)
	office := userCtx(f.office)
	onlyRule(t, db, office, lagPoints)
	pid := f.p.ID
	if _, err := db.TransitionProject(office, pid, ding.StageStarted, day(2024, 2, 1), ""); err != nil {
		t.Fatal(err)
	}
	feb := submit(t, db, userCtx(f.liA), pid, "2024-02", 100)
	mar := submit(t, db, userCtx(f.liA), pid, "2024-03", 100)
	submit(t, db, userCtx(f.liA), pid, "2024-04", 100)
	if err := db.SavePlan(office, evenPlan(pid, 2024, 100)); err != nil { // 25% of 41.7%: yellow
		t.Fatal(err)
	}
	if _, err := db.ReviewReport(office, feb.ID, false, "数据有误"); err != nil {
		t.Fatal(err)
	}
	setNow(db, day(2024, 6, 21))
	if _, err := db.ReviewReport(office, mar.ID, false, "数据有误"); err != nil { // 8.3%: red
		t.Fatal(err)
	}
	submit(t, db, userCtx(f.liA), pid, "2024-05", 300) // 33.3%: cleared
	// Town B's project, in July.
	setNow(db, day(2024, 7, 2))
	p2 := &ding.Project{Code: "2301-330803-04-01-000002", Name: "廿里物流园", UnitID: f.townB.ID, LocationID: f.townB.ID,
		Investor: "private", Industry: "G", TotalInvestment: 3 * ding.Yi, Stage: ding.StageSigned,
		SignedOn: day(2024, 1, 5), StageOn: day(2024, 1, 5)}
	if err := db.CreateProject(office, p2); err != nil {
		t.Fatal(err)
	}
	if _, err := db.TransitionProject(office, p2.ID, ding.StageStarted, day(2024, 2, 1), ""); err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"2024-02", "2024-03", "2024-04"} {
		submit(t, db, userCtx(f.liB), p2.ID, m, 100)
	}
	if err := db.SavePlan(office, evenPlan(p2.ID, 2024, 100)); err != nil { // 25% of 50%: yellow
		t.Fatal(err)
	}
	return f, p2
}

// TestWarningEventsMatchDashboard: for every unit of the tree, month and colour, the list
// has exactly as many opened and cleared events as the dashboard counts.
func TestWarningEventsMatchDashboard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, _ := warnEventsFixture(t, db)
		office := userCtx(f.office)
		opened := 0
		for _, u := range []*ding.Unit{f.district, f.townA, f.townB, f.dept} {
			for _, month := range []int{5, 6, 7} {
				d, err := db.DashboardFor(office, u.ID, 2024, month)
				if err != nil {
					t.Fatal(err)
				}
				first := day(2024, time.Month(month), 1)
				last := ding.MonthPeriod(2024, time.Month(month)).End()
				count := func(ev string, c ding.Colour) int64 {
					t.Helper()
					_, n, err := db.FindWarningEvents(office, store.WarningEventFilter{UnitID: u.ID, From: first, To: last, Event: ev, Colour: c})
					if err != nil {
						t.Fatal(err)
					}
					return int64(n)
				}
				for _, c := range d.NewWarnings {
					if got := count(store.EventOpened, ding.Colour(c.Key)); got != c.N {
						t.Errorf("%s 2024-%02d opened %s: list %d, dashboard %d", u.Name, month, c.Key, got, c.N)
					}
					if u.ID == f.district.ID {
						opened += int(c.N)
					}
				}
				var byColour int64
				for _, c := range []ding.Colour{"red", "yellow", "blue"} {
					byColour += count(store.EventCleared, c)
				}
				if got := count(store.EventCleared, ""); got != d.Cleared || byColour != d.Cleared {
					t.Errorf("%s 2024-%02d cleared: list %d (by colour %d), dashboard %d", u.Name, month, got, byColour, d.Cleared)
				}
			}
		}
		if opened != 2 {
			t.Fatalf("the fixture opened %d warnings in the district, want 2", opened)
		}
		// A cleared event has the colour it cleared from: red here, though it opened yellow.
		june := store.WarningEventFilter{From: day(2024, 6, 1), To: day(2024, 6, 30)}
		cl := june
		cl.Event, cl.Colour = store.EventCleared, "red"
		evs, n, err := db.FindWarningEvents(office, cl)
		if err != nil || n != 1 || len(evs) != 1 {
			t.Fatalf("cleared red in June: %d %v", n, err)
		}
		e := evs[0]
		if e.ProjectID != f.p.ID || e.ProjectName != "特种纸扩能项目" || e.ProjectCode != f.p.Code || e.UnitID != f.townA.ID || e.UnitName != "樟潭街道" ||
			e.Colour != "red" || e.From != "red" || e.To != "" || e.On != day(2024, 6, 21) || e.RuleName == "" || e.RuleID == 0 ||
			e.Reason != "warn.reason.invest_lag_points" || len(e.Args) == 0 {
			t.Fatalf("cleared event %+v", e)
		}
		cl.Colour = "yellow"
		if _, n, _ := db.FindWarningEvents(office, cl); n != 0 {
			t.Fatalf("cleared yellow in June: %d", n)
		}
		// Every event of June, newest first by default; by date ascending; paged.
		all, n, err := db.FindWarningEvents(office, june)
		if err != nil || n != 3 || len(all) != 3 {
			t.Fatalf("June: %d %v", n, err)
		}
		if all[0].Event != store.EventCleared || all[1].Event != store.EventRaised || all[2].Event != store.EventOpened {
			t.Fatalf("newest first: %s %s %s", all[0].Event, all[1].Event, all[2].Event)
		}
		if all[1].Colour != "red" || all[1].From != "yellow" || all[2].Colour != "yellow" {
			t.Fatalf("colours: %+v %+v", all[1], all[2])
		}
		asc := june
		asc.Sort = "date"
		if evs, _, _ := db.FindWarningEvents(office, asc); evs[0].Event != store.EventOpened || evs[2].Event != store.EventCleared {
			t.Fatalf("by date: %s … %s", evs[0].Event, evs[2].Event)
		}
		byColour := june
		byColour.Sort, byColour.Desc = "colour", true
		if evs, _, _ := db.FindWarningEvents(office, byColour); evs[0].Colour != "red" || evs[2].Colour != "yellow" {
			t.Fatalf("by colour: %s … %s", evs[0].Colour, evs[2].Colour)
		}
		pg := june
		pg.Limit, pg.Offset = 2, 2
		if evs, n, _ := db.FindWarningEvents(office, pg); n != 3 || len(evs) != 1 || evs[0].ID != all[2].ID {
			t.Fatalf("page 2: %d rows of %d", len(evs), n)
		}
		for _, s := range []string{"project", "unit", "rule", "event"} {
			if _, n, err := db.FindWarningEvents(office, store.WarningEventFilter{Sort: s}); err != nil || n != 4 {
				t.Fatalf("sort %s: %d %v", s, n, err)
			}
		}
	})
}

// TestWarningEventsScope: a liaison sees the events of its own projects only; another
// unit's subtree is not found; bad filters are refused.
func TestWarningEventsScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, p2 := warnEventsFixture(t, db)
		liB := userCtx(f.liB)
		evs, n, err := db.FindWarningEvents(liB, store.WarningEventFilter{})
		if err != nil || n != 1 || len(evs) != 1 || evs[0].ProjectID != p2.ID || evs[0].Event != store.EventOpened || evs[0].On != day(2024, 7, 2) {
			t.Fatalf("liaison B: %d %v", n, err)
		}
		if _, _, err := db.FindWarningEvents(liB, store.WarningEventFilter{UnitID: f.townA.ID}); ding.ErrorCode(err) != ding.ENOTFOUND {
			t.Fatalf("liaison B asks for town A: %v", err)
		}
		if _, n, err := db.FindWarningEvents(liB, store.WarningEventFilter{UnitID: f.townB.ID, Event: store.EventCleared}); err != nil || n != 0 {
			t.Fatalf("liaison B, cleared: %d %v", n, err)
		}
		if _, n, _ := db.FindWarningEvents(userCtx(f.liA), store.WarningEventFilter{}); n != 3 {
			t.Fatalf("liaison A: %d", n)
		}
		office := userCtx(f.office)
		for _, bad := range []store.WarningEventFilter{
			{Event: "closed"},
			{Colour: "green"},
			{From: day(2024, 7, 1), To: day(2024, 6, 30)},
			{Sort: "value; DROP TABLE projects"},
		} {
			if _, _, err := db.FindWarningEvents(office, bad); ding.ErrorCode(err) != ding.EINVALID {
				t.Fatalf("%+v: %v", bad, err)
			}
		}
		// A refused value is repeated in its message as valid text, cut short.
		_, _, err = db.FindWarningEvents(office, store.WarningEventFilter{Event: "\x00\xff" + strings.Repeat("x", 100)})
		if e := ding.AsError(err); e.Field != "event" || len(e.Args) != 1 || !utf8.ValidString(e.Args[0].(string)) ||
			strings.Contains(e.Args[0].(string), "\x00") || utf8.RuneCountInString(e.Args[0].(string)) != 33 {
			t.Fatalf("echoed event: %#v", err)
		}
		if _, _, err := db.FindWarningEvents(office, store.WarningEventFilter{UnitID: 999_999}); ding.ErrorCode(err) != ding.ENOTFOUND {
			t.Fatalf("no such unit: %v", err)
		}
		if _, _, err := db.FindWarningEvents(t.Context(), store.WarningEventFilter{}); ding.ErrorCode(err) != ding.EUNAUTHORIZED {
			t.Fatalf("no actor: %v", err)
		}
	})
}

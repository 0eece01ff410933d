package demo_test

import (
	"testing"

	"ding"
	"ding/store"
)

// checkItems: the demo's year of demands, meetings, commitments and escalations has every
// status a user should be able to look at.
func checkItems(t *testing.T, db *store.DB) {
	ctx := sys()
	its, _, err := db.FindItems(ctx, store.ItemFilter{})
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]int{}
	onSite, overdue := 0, 0
	for _, it := range its {
		status[string(it.Kind)+":"+string(it.Status)]++
		if it.OnSite {
			onSite++
		}
		if it.Overdue > 0 {
			overdue++
		}
	}
	for _, s := range []string{"demand:submitted", "demand:accepted", "demand:rejected", "demand:decided", "demand:handling", "demand:closed",
		"demand:confirmed", "action:decided", "action:confirmed"} {
		if status[s] == 0 {
			t.Errorf("no %s item: %v", s, status)
		}
	}
	if onSite < 10 || overdue == 0 {
		t.Errorf("%d decided on the spot, %d overdue", onSite, overdue)
	}
	ms, n, err := db.FindMeetings(ctx, store.MeetingFilter{})
	if err != nil || n < 24 {
		t.Fatalf("%d meetings: %v", n, err)
	}
	kinds := map[ding.MeetingKind]int{}
	for _, m := range ms {
		kinds[m.Kind]++
		if m.Status != ding.MeetingHeld {
			t.Errorf("%s not held", m.Title)
		}
	}
	if kinds[ding.MeetingMonthly] != 12 || kinds[ding.MeetingWeekly] < 12 {
		t.Errorf("meetings by kind: %v", kinds)
	}
	cs, _, err := db.FindCommitments(ctx, store.CommitmentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	cstat := map[string]int{}
	for _, c := range cs {
		cstat[c.Status]++
	}
	if cstat[ding.CommitKept] == 0 || cstat[ding.CommitBroken] == 0 {
		t.Errorf("commitments: %v", cstat)
	}
	es, _, err := db.FindEscalations(ctx, store.EscalationFilter{Letters: true})
	if err != nil || len(es) == 0 {
		t.Fatalf("letters: %d %v", len(es), err)
	}
	replied, months := 0, map[string]bool{}
	for _, e := range es {
		if e.Reply != "" {
			replied++
		}
		months[e.Period] = true
		if e.Number == "" || e.Number[:6] != "衢江" {
			t.Errorf("letter number %q", e.Number)
		}
	}
	if replied == 0 || replied == len(es) || len(months) < 4 {
		t.Errorf("%d of %d letters replied, over %d months", replied, len(es), len(months))
	}
}

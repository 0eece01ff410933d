package store_test

import (
	"strings"
	"testing"

	"ding"
	"ding/store"
	"ding/store/storetest"
)

// testLadder is a small ladder whose every step the test below reaches.
var testLadder = ding.Ladder{
	{Colour: "yellow", Periods: 1, Action: ding.ActionRemind},
	{Colour: "yellow", Periods: 1, Action: ding.ActionLetterRemind, DueDays: 7},
	{Colour: "yellow", Periods: 2, Action: ding.ActionLetterAssign, DueDays: 5},
	{Colour: "red", Periods: 1, Action: ding.ActionBulletin},
	{Colour: "red", Periods: 1, Action: ding.ActionInterview, DueDays: 10},
}

// steps renders a project's escalations, oldest first, as "action:colour/periods".
func steps(t *testing.T, db *store.DB, pid int64) []string {
	t.Helper()
	es, _, err := db.FindEscalations(sys(), store.EscalationFilter{ProjectID: pid, Sort: "issued_on"})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, string(e.Action)+":"+string(e.Colour))
	}
	return out
}

func findStep(t *testing.T, db *store.DB, pid int64, a ding.LadderAction) *ding.Escalation {
	t.Helper()
	es, _, err := db.FindEscalations(sys(), store.EscalationFilter{ProjectID: pid, Action: a})
	if err != nil || len(es) == 0 {
		t.Fatalf("no %s for project %d: %v", a, pid, err)
	}
	return es[0]
}

func inboxEvents(t *testing.T, db *store.DB, u *ding.User) map[string]int {
	t.Helper()
	items, _, err := db.Inbox(userCtx(u), store.InboxFilter{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, it := range items {
		out[it.Event]++
	}
	return out
}

// TestLadderClimbs follows a project up the ladder: yellow takes the reminder and the
// 提醒函 once; a second yellow month the 交办函; red the bulletin and the interview; an
// interview not held in time is escalated once; clearing ends the episode, and a new
// yellow starts the ladder again.
func TestLadderClimbs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := mkProjects(t, db)
		office := userCtx(f.office)
		onlyRule(t, db, office, lagPoints)
		if err := db.SetLadder(office, testLadder); err != nil {
			t.Fatal(err)
		}
		pid := f.p.ID
		if _, err := db.TransitionProject(office, pid, ding.StageStarted, day(2024, 2, 1), ""); err != nil {
			t.Fatal(err)
		}
		for _, m := range []string{"2024-02", "2024-03", "2024-04"} {
			submit(t, db, userCtx(f.liA), pid, m, 100)
		}
		if err := db.SavePlan(office, evenPlan(pid, 2024, 100)); err != nil { // 16.7 points behind: yellow
			t.Fatal(err)
		}
		if got := strings.Join(steps(t, db, pid), " "); got != "remind:yellow letter_remind:yellow" {
			t.Fatalf("June, yellow: %s", got)
		}
		letter := findStep(t, db, pid, ding.ActionLetterRemind)
		if letter.Number != "衢江重大办提醒〔2024〕1号" || letter.DueOn != day(2024, 6, 27) || letter.Status != ding.EscalationOpen ||
			letter.UnitID != f.townA.ID || letter.UnitName != "樟潭街道" || letter.Period != "2024-06" ||
			len(letter.Figures) != 1 || !strings.Contains(letter.Figures[0], "【黄】") || !strings.Contains(letter.Figures[0], "落后 16.7 个百分点") {
			t.Fatalf("letter: %+v", letter)
		}
		if rem := findStep(t, db, pid, ding.ActionRemind); rem.Status != ding.EscalationDone || rem.Number != "" || !rem.DueOn.IsZero() {
			t.Fatalf("reminder: %+v", rem)
		}
		if ev := inboxEvents(t, db, f.liA); ev["warning.reminder"] != 1 || ev["letter.issued"] != 1 {
			t.Fatalf("liaison's inbox: %v", ev)
		}
		// Once per episode: the nightly pass the same day takes nothing again.
		if _, err := db.RecomputeWarnings(office, ding.Date{}); err != nil {
			t.Fatal(err)
		}
		if n := len(steps(t, db, pid)); n != 2 {
			t.Fatalf("a second pass took steps again: %d", n)
		}
		// Scope: town B does not see it; the leader sees it but may not reply.
		if _, err := db.FindEscalation(userCtx(f.liB), letter.ID); ding.ErrorCode(err) != ding.ENOTFOUND {
			t.Fatalf("town B reads town A's letter: %v", err)
		}
		if _, err := db.ReplyLetter(userCtx(f.liB), letter.ID, "已整改", ding.Date{}, 0); ding.ErrorCode(err) != ding.ENOTFOUND {
			t.Fatalf("town B replies: %v", err)
		}
		if _, err := db.ReplyLetter(userCtx(f.leader), letter.ID, "已整改", ding.Date{}, 0); ding.ErrorCode(err) != ding.EFORBIDDEN {
			t.Fatalf("the leader replies: %v", err)
		}
		if _, err := db.ReplyLetter(userCtx(f.liA), letter.ID, "  ", ding.Date{}, letter.Version); ding.ErrorCode(err) != ding.EINVALID {
			t.Fatalf("empty reply: %v", err)
		}
		if _, err := db.ReplyLetter(userCtx(f.liA), letter.ID, "已整改", day(2024, 6, 21), letter.Version); ding.ErrorCode(err) != ding.EINVALID {
			t.Fatalf("reply dated tomorrow: %v", err)
		}
		if _, err := db.ReplyLetter(userCtx(f.liA), letter.ID, "已整改", ding.Date{}, letter.Version+1); ding.ErrorCode(err) != ding.ECONFLICT {
			t.Fatalf("stale version: %v", err)
		}
		got, err := db.ReplyLetter(userCtx(f.liA), letter.ID, "已加快施工，7月补齐进度。", ding.Date{}, letter.Version)
		if err != nil || got.Status != ding.EscalationDone || got.RepliedOn != day(2024, 6, 20) || got.RepliedBy != "lia" {
			t.Fatalf("reply: %+v %v", got, err)
		}
		if _, err := db.ReplyLetter(userCtx(f.liA), letter.ID, "再次回复", ding.Date{}, 0); ding.ErrorCode(err) != ding.ECONFLICT {
			t.Fatalf("second reply: %v", err)
		}

		// July: still yellow (25 points behind at the end of June), for a second month.
		setNow(db, day(2024, 7, 20))
		if _, err := db.RecomputeWarnings(office, ding.Date{}); err != nil {
			t.Fatal(err)
		}
		want := "remind:yellow letter_remind:yellow letter_assign:yellow"
		if got := strings.Join(steps(t, db, pid), " "); got != want {
			t.Fatalf("July:\n got %s\nwant %s", got, want)
		}
		if a := findStep(t, db, pid, ding.ActionLetterAssign); a.Number != "衢江重大办交办〔2024〕1号" || a.DueOn != day(2024, 7, 25) {
			t.Fatalf("交办函: %+v", a)
		}
		// August: 33.3 points behind at the end of July — red.
		setNow(db, day(2024, 8, 5))
		if _, err := db.RecomputeWarnings(office, ding.Date{}); err != nil {
			t.Fatal(err)
		}
		want += " bulletin:red interview:red"
		if got := strings.Join(steps(t, db, pid), " "); got != want {
			t.Fatalf("August:\n got %s\nwant %s", got, want)
		}
		iv := findStep(t, db, pid, ding.ActionInterview)
		if iv.LeaderID != f.leader.ID || iv.LeaderName != "leader" || iv.DueOn != day(2024, 8, 15) || iv.Status != ding.EscalationOpen || iv.Overdue {
			t.Fatalf("interview: %+v", iv)
		}
		if ls, err := db.BulletinListings(office, "2024-08"); err != nil || len(ls) != 1 || ls[0].ProjectID != pid {
			t.Fatalf("August bulletin listings: %+v %v", ls, err)
		}
		if ev := inboxEvents(t, db, f.leader); ev["interview.scheduled"] != 1 {
			t.Fatalf("leader's inbox: %v", ev)
		}
		if ev := inboxEvents(t, db, f.office); ev["interview.scheduled"] != 1 || ev["letter.reply_due"] != 1 {
			t.Fatalf("office's inbox: %v", ev) // the 交办函 was due on 07-25
		}

		// The interview is not held in time: escalated, once.
		setNow(db, day(2024, 8, 20))
		for range 2 {
			if _, err := db.RecomputeWarnings(office, ding.Date{}); err != nil {
				t.Fatal(err)
			}
		}
		iv = findStep(t, db, pid, ding.ActionInterview)
		if !iv.Overdue || !iv.Escalated {
			t.Fatalf("overdue interview: %+v", iv)
		}
		if ev := inboxEvents(t, db, f.leader); ev["interview.overdue"] != 1 {
			t.Fatalf("leader's inbox after the overdue: %v", ev)
		}
		// The interview and the 交办函 are both overdue.
		if ovd, n, err := db.FindEscalations(office, store.EscalationFilter{Overdue: true}); err != nil || n != 2 || len(ovd) != 2 {
			t.Fatalf("overdue list: %d %v", n, err)
		}
		if _, err := db.RecordInterview(userCtx(f.liA), iv.ID, ding.Interview{HeldOn: day(2024, 8, 18), Interviewer: "区领导", Interviewees: "樟潭街道主任", Commitments: "8月底前补齐"}, 0); ding.ErrorCode(err) != ding.EFORBIDDEN {
			t.Fatalf("a liaison records the interview: %v", err)
		}
		bad := []ding.Interview{
			{HeldOn: day(2024, 8, 21), Interviewer: "区领导", Interviewees: "主任", Commitments: "补齐"},                               // future
			{HeldOn: day(2024, 8, 1), Interviewer: "区领导", Interviewees: "主任", Commitments: "补齐"},                                // before the task
			{HeldOn: day(2024, 8, 18), Interviewer: "区领导", Interviewees: "主任"},                                                  // no commitments
			{HeldOn: day(2024, 8, 18), Interviewer: "区领导", Interviewees: "主任", Commitments: "补齐", FollowUpOn: day(2024, 8, 17)}, // follow-up first
		}
		for i, b := range bad {
			if _, err := db.RecordInterview(userCtx(f.leader), iv.ID, b, 0); ding.ErrorCode(err) != ding.EINVALID {
				t.Fatalf("bad interview %d: %v", i, err)
			}
		}
		rec := ding.Interview{HeldOn: day(2024, 8, 18), Interviewer: "区领导", Interviewees: "樟潭街道主任", Commitments: "8月底前补齐进度", FollowUpOn: day(2024, 8, 31)}
		got, err = db.RecordInterview(userCtx(f.leader), iv.ID, rec, iv.Version)
		if err != nil || got.Status != ding.EscalationDone || got.Interview == nil || got.Interview.Commitments != "8月底前补齐进度" {
			t.Fatalf("interview record: %+v %v", got, err)
		}
		if again := findStep(t, db, pid, ding.ActionInterview); again.Interview == nil || again.Interview.FollowUpOn != day(2024, 8, 31) || again.Overdue {
			t.Fatalf("interview read back: %+v", again)
		}

		// The project catches up: its warning clears and the episode ends …
		for _, m := range []string{"2024-05", "2024-06", "2024-07"} {
			submit(t, db, userCtx(f.liA), pid, m, 200)
		}
		if c, _ := db.ProjectColours(office, []int64{pid}); c[pid].Colour != "" {
			t.Fatalf("still warned: %+v", c[pid])
		}
		// … so that a new lag starts the ladder again from the reminder.
		if err := db.SavePlan(office, evenPlan(pid, 2024, 180)); err != nil {
			t.Fatal(err)
		}
		es := steps(t, db, pid)
		if got := strings.Join(es[len(es)-2:], " "); got != "remind:yellow letter_remind:yellow" || len(es) != 7 {
			t.Fatalf("a new episode: %v", es)
		}
		if l := findStep(t, db, pid, ding.ActionLetterRemind); l.Number != "衢江重大办提醒〔2024〕2号" {
			t.Fatalf("the second 提醒函: %+v", l)
		}
	})
}

// TestLadderByHand: the office issues a letter by hand, once while it is open, and
// withdraws it with a reason; others may not.
func TestLadderByHand(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := mkProjects(t, db)
		office := userCtx(f.office)
		pid := f.p.ID
		if _, err := db.IssueEscalation(userCtx(f.liA), pid, ding.ActionLetterSupervise, 5, "进度滞后"); ding.ErrorCode(err) != ding.EFORBIDDEN {
			t.Fatalf("a liaison issues a letter: %v", err)
		}
		if _, err := db.IssueEscalation(userCtx(f.liB), pid, ding.ActionLetterSupervise, 5, "进度滞后"); ding.ErrorCode(err) != ding.ENOTFOUND {
			t.Fatalf("town B issues on town A's project: %v", err)
		}
		if _, err := db.IssueEscalation(office, pid, ding.ActionRemind, 5, "x"); ding.ErrorCode(err) != ding.EINVALID {
			t.Fatalf("a reminder by hand: %v", err)
		}
		if _, err := db.IssueEscalation(office, pid, ding.ActionLetterSupervise, 0, "x"); ding.ErrorCode(err) != ding.EINVALID {
			t.Fatalf("no due days: %v", err)
		}
		if _, err := db.IssueEscalation(office, pid, ding.ActionLetterSupervise, 5, ""); ding.ErrorCode(err) != ding.EINVALID {
			t.Fatalf("no warning and no note: %v", err)
		}
		e, err := db.IssueEscalation(office, pid, ding.ActionLetterSupervise, 5, "要素保障不到位，请说明")
		if err != nil || !e.Manual || e.Number != "衢江重大办督办〔2024〕1号" || e.DueOn != day(2024, 6, 25) || e.Status != ding.EscalationOpen {
			t.Fatalf("issued: %+v %v", e, err)
		}
		if _, err := db.IssueEscalation(office, pid, ding.ActionLetterSupervise, 5, "再发一次"); ding.ErrorCode(err) != ding.ECONFLICT {
			t.Fatalf("a second open letter: %v", err)
		}
		if ev := inboxEvents(t, db, f.liA); ev["letter.issued"] != 1 {
			t.Fatalf("liaison's inbox: %v", ev)
		}
		if _, err := db.WithdrawEscalation(userCtx(f.liA), e.ID, "误发", 0); ding.ErrorCode(err) != ding.EFORBIDDEN {
			t.Fatalf("a liaison withdraws: %v", err)
		}
		if _, err := db.WithdrawEscalation(userCtx(f.liB), e.ID, "误发", 0); ding.ErrorCode(err) != ding.ENOTFOUND {
			t.Fatalf("town B withdraws: %v", err)
		}
		if _, err := db.WithdrawEscalation(office, e.ID, " ", 0); ding.ErrorCode(err) != ding.EINVALID {
			t.Fatalf("withdraw without a reason: %v", err)
		}
		w, err := db.WithdrawEscalation(office, e.ID, "误发", e.Version)
		if err != nil || w.Status != ding.EscalationWithdrawn || !strings.Contains(w.Note, "office 撤回：误发") {
			t.Fatalf("withdrawn: %+v %v", w, err)
		}
		// The number is not given again.
		e2, err := db.IssueEscalation(office, pid, ding.ActionLetterSupervise, 5, "重新发函")
		if err != nil || e2.Number != "衢江重大办督办〔2024〕2号" {
			t.Fatalf("reissued: %+v %v", e2, err)
		}
		counts, err := db.CountEscalations(office)
		if err != nil || len(counts) != len(ding.LadderActions) {
			t.Fatalf("counts: %+v %v", counts, err)
		}
		for _, c := range counts {
			if c.Action == ding.ActionLetterSupervise && (c.Open != 1 || c.ThisMonth != 2 || c.Done != 0) {
				t.Fatalf("督办函 counts: %+v", c)
			}
		}
	})
}

// TestLadderSettings: the ladder and the letter settings are validated and audited; a
// colour the ladder uses cannot leave the scheme.
func TestLadderSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := mkProjects(t, db)
		office := userCtx(f.office)
		l, err := db.Ladder(office)
		if err != nil || len(l) != len(ding.DefaultLadder) {
			t.Fatalf("default ladder: %v %v", l, err)
		}
		if err := db.SetLadder(userCtx(f.liA), testLadder); ding.ErrorCode(err) != ding.EFORBIDDEN {
			t.Fatalf("a liaison sets the ladder: %v", err)
		}
		bad := ding.Ladder{{Colour: "purple", Periods: 1, Action: ding.ActionRemind}}
		if err := db.SetLadder(office, bad); ding.ErrorCode(err) != ding.EINVALID {
			t.Fatalf("unknown colour: %v", err)
		}
		if err := db.SetLadder(office, testLadder); err != nil {
			t.Fatal(err)
		}
		if l, _ := db.Ladder(office); len(l) != len(testLadder) || l[4] != testLadder[4] {
			t.Fatalf("ladder read back: %v", l)
		}
		ls, err := db.LetterSettings(office)
		if err != nil || ls.Issuer != "衢江区重大项目推进办公室" || ls.Prefixes[ding.ActionLetterSupervise] != "衢江重大办督办" {
			t.Fatalf("default letter settings: %+v %v", ls, err)
		}
		ls.Prefixes[ding.ActionLetterRemind] = "坏〔前缀〕"
		if err := db.SetLetterSettings(office, ls); ding.ErrorCode(err) != ding.EINVALID {
			t.Fatalf("a prefix with 〔〕: %v", err)
		}
		ls.Prefixes[ding.ActionLetterRemind] = "衢江督查提醒"
		if err := db.SetLetterSettings(office, ls); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.LetterSettings(office); got.Prefixes[ding.ActionLetterRemind] != "衢江督查提醒" {
			t.Fatalf("letter settings read back: %+v", got)
		}
		// Every rule that uses blue is turned off the scheme's way first; then the ladder
		// still names yellow and red, which cannot go.
		cs, _ := db.Colours(office)
		if err := db.SetColours(office, ding.ColourScheme{cs[0]}); ding.ErrorCode(err) != ding.EINVALID {
			t.Fatalf("dropping colours in use: %v", err)
		}
	})
}

// TestLadderJump: a project that jumps from no colour to yellow takes one reminder (at
// yellow), not a blue and a yellow one.
func TestLadderJump(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := mkProjects(t, db)
		office := userCtx(f.office)
		onlyRule(t, db, office, lagPoints) // the default ladder
		pid := f.p.ID
		if _, err := db.TransitionProject(office, pid, ding.StageStarted, day(2024, 2, 1), ""); err != nil {
			t.Fatal(err)
		}
		for _, m := range []string{"2024-02", "2024-03", "2024-04"} {
			submit(t, db, userCtx(f.liA), pid, m, 100)
		}
		if err := db.SavePlan(office, evenPlan(pid, 2024, 100)); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(steps(t, db, pid), " "); got != "remind:yellow letter_remind:yellow" {
			t.Fatalf("steps: %s", got)
		}
		if ev := inboxEvents(t, db, f.liA); ev["warning.reminder"] != 1 {
			t.Fatalf("reminders: %v", ev)
		}
	})
}

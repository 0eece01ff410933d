package warn

import (
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"time"

	"ding"
)

// Reason keys. Arguments are always strings, already formatted for display, so that a
// warning stored as JSON and read back renders the same sentence (JSON would turn ints
// into floats and break %d).
const (
	reasonLagPoints      = "warn.reason.invest_lag_points"
	reasonLagRatio       = "warn.reason.invest_lag_ratio"
	reasonLagPointsDay   = "warn.reason.invest_lag_points_day"
	reasonLagRatioDay    = "warn.reason.invest_lag_ratio_day"
	reasonStartOverdue   = "warn.reason.start_overdue"
	reasonStatsOverdue   = "warn.reason.stats_overdue"
	reasonMilestoneLate  = "warn.reason.milestone_overdue"
	reasonMilestoneToday = "warn.reason.milestone_today"
	reasonMilestoneSoon  = "warn.reason.milestone_due"
	reasonReportMissing  = "warn.reason.report_missing"
	reasonReportRun      = "warn.reason.report_missing_run"
	reasonItemOverdue    = "warn.reason.item_overdue"
)

// reasonStale has one sentence per stage a stale rule applies to, so the stage is named in
// the reader's language.
var reasonStale = map[ding.Stage]string{
	ding.StagePlanning:    "warn.reason.stage_stale.planning",
	ding.StageNegotiating: "warn.reason.stage_stale.negotiating",
	ding.StageSigned:      "warn.reason.stage_stale.signed",
}

// ReasonKeys lists every reason key the engine emits (for catalog tests).
func ReasonKeys() []string {
	ks := []string{reasonLagPoints, reasonLagRatio, reasonLagPointsDay, reasonLagRatioDay,
		reasonStartOverdue, reasonStatsOverdue, reasonMilestoneLate, reasonMilestoneToday,
		reasonMilestoneSoon, reasonReportMissing, reasonReportRun, reasonItemOverdue}
	for _, s := range []ding.Stage{ding.StagePlanning, ding.StageNegotiating, ding.StageSigned} {
		ks = append(ks, reasonStale[s])
	}
	return ks
}

type evaluator struct {
	st    *ProjectState
	cfg   *Config
	today ding.Date
	out   []ding.Warning
}

// inScope applies the rule's scope and the stages its kind can fire in.
func inScope(st *ProjectState, r *ding.Rule) bool {
	p := &st.Project
	if !ding.KindApplies(r.Kind, p.Stage) {
		return false
	}
	s := &r.Scope
	// The tier is derived from the total, never trusted from a possibly stale field.
	if len(s.Tiers) > 0 && !slices.Contains(s.Tiers, ding.TierOf(p.TotalInvestment)) {
		return false
	}
	if len(s.Stages) > 0 && !slices.Contains(s.Stages, p.Stage) {
		return false
	}
	if (s.Manufacturing != nil && *s.Manufacturing != p.Manufacturing) ||
		(s.HighTech != nil && *s.HighTech != p.HighTech) ||
		(s.Private != nil && *s.Private != p.Private) {
		return false
	}
	if len(s.UnitIDs) > 0 {
		path := st.UnitPath
		if len(path) == 0 {
			path = []int64{p.UnitID}
		}
		hit := false
		for _, u := range path {
			if slices.Contains(s.UnitIDs, u) {
				hit = true
				break
			}
		}
		if !hit {
			return false
		}
	}
	return true
}

// colourOf is the most severe colour whose threshold holds for v ("" when none).
func colourOf(r *ding.Rule, v float64, cs ding.ColourScheme) ding.Colour {
	worse := r.HigherIsWorse()
	var best ding.Colour
	bestRank := 0
	for _, t := range r.Thresholds {
		var holds bool
		if worse {
			holds = v > t.Min || (!t.Strict && v == t.Min)
		} else {
			holds = v < t.Min || (!t.Strict && v == t.Min)
		}
		if holds {
			if rk := cs.Rank(t.Colour); rk > bestRank {
				best, bestRank = t.Colour, rk
			}
		}
	}
	return best
}

// emit adds a warning when a colour holds for v.
func (e *evaluator) emit(r *ding.Rule, v float64, reason string, args []any, subject, subjectKey string) {
	c := colourOf(r, v, e.cfg.Colours)
	if c == "" {
		return
	}
	if e.out == nil {
		e.out = make([]ding.Warning, 0, 4) // a troubled project has a few; spare the regrowth
	}
	e.out = append(e.out, ding.Warning{
		ProjectID: e.st.Project.ID, RuleID: r.ID, RuleName: r.Name, Kind: r.Kind,
		Colour: c, Value: v, Reason: reason, Args: args,
		Subject: subject, SubjectKey: subjectKey,
	})
}

// would says whether any colour can hold for v: it spares building the reason (the
// arguments allocate) for the common case of nothing to say.
func (e *evaluator) would(r *ding.Rule, v float64) bool {
	return colourOf(r, v, e.cfg.Colours) != ""
}

func (e *evaluator) rule(r *ding.Rule) {
	switch r.Kind {
	case ding.RuleInvestLag:
		e.investLag(r)
	case ding.RuleStartOverdue:
		e.startOverdue(r)
	case ding.RuleStatsOverdue:
		e.statsOverdue(r)
	case ding.RuleMilestone:
		e.milestones(r)
	case ding.RuleReportMissing:
		e.reportMissing(r)
	case ding.RuleStageStale:
		e.stageStale(r)
	case ding.RuleItemOverdue:
		e.items(r)
	}
}

// investLag compares the year's completion with 时序进度.
//
// Month timing counts the months fully elapsed: today's month − 1, or today's month when
// today is its last day (an office judging "1—5月" on May 31 has May's report, which is
// due within May under the default window). Completion then sums those months only.
// Day timing is day of year ÷ days in year (366 in leap years), counting today as elapsed
// like the month rule does, so both agree on a month's last day; completion sums every
// month up to today's, i.e. all that has been reported this year.
//
// The measure is rounded once, to the figure the reason states (0.1 point, or 0.1% for
// the ratio), and the colour is judged on that figure, so that the sentence and the colour
// never disagree ("落后 10.0 个百分点" is yellow).
func (e *evaluator) investLag(r *ding.Rule) {
	st, today := e.st, e.today
	plan := st.PlanTotal
	if plan <= 0 || (st.Year != 0 && st.Year != today.Year) {
		return
	}
	var num, den int64 // 时序 = num/den
	var through int    // months of completion that count
	day := r.Params.Timing == "day"
	if day {
		num, den = int64(today.Time().YearDay()), int64(daysInYear(today.Year))
		through = int(today.Month)
	} else {
		through = monthsElapsed(today)
		num, den = int64(through), 12
	}
	if num == 0 {
		return // nothing has elapsed: the ratio is undefined and no one can be behind
	}
	var done int64
	for i := 0; i < through; i++ {
		done += st.Completed[i]
	}
	var v float64
	var measure int64
	ratio := r.Params.Measure == "ratio"
	if ratio {
		// completion ÷ 时序 = (done/plan) ÷ (num/den), in tenths of a percent.
		measure = roundDiv(done*den, 1000, plan*num)
		v = float64(measure) / 1000
	} else {
		// 时序% − completion% = 100·(num·plan − den·done) ÷ (den·plan), in tenths of a point.
		measure = roundDiv(num*plan-den*done, 1000, den*plan)
		v = float64(measure) / 10
	}
	if !e.would(r, v) {
		return
	}
	first := strconv.Itoa(through)
	if day {
		first = dateStr(today)
	}
	args := []any{first, ding.Wan(done), tenths(roundDiv(done, 1000, plan)), tenths(roundDiv(num, 1000, den)), tenths(measure)}
	var reason string
	switch {
	case ratio && day:
		reason = reasonLagRatioDay
	case ratio:
		reason = reasonLagRatio
	case day:
		reason = reasonLagPointsDay
	default:
		reason = reasonLagPoints
	}
	e.emit(r, v, reason, args, "", "")
}

// startOverdue counts calendar months from the planned start month to today's month: a
// start planned for March is one month overdue anywhere in April.
func (e *evaluator) startOverdue(r *ding.Rule) {
	p := &e.st.Project
	if p.PlannedStart.IsZero() || !p.ActualStart.IsZero() {
		return
	}
	v := float64(monthIndex(e.today) - monthIndex(p.PlannedStart))
	if !e.would(r, v) {
		return
	}
	e.emit(r, v, reasonStartOverdue, []any{yearMonth(p.PlannedStart.Year, int(p.PlannedStart.Month)), itoa(v)}, "", "")
}

// statsOverdue counts whole months since the actual start (see fullMonths).
func (e *evaluator) statsOverdue(r *ding.Rule) {
	p := &e.st.Project
	if p.InStats || p.ActualStart.IsZero() {
		return
	}
	v := float64(fullMonths(p.ActualStart, e.today))
	if !e.would(r, v) {
		return
	}
	e.emit(r, v, reasonStatsOverdue, []any{dateStr(p.ActualStart), itoa(v)}, "", "")
}

// milestones: days from the planned date to today for every milestone not reached yet.
func (e *evaluator) milestones(r *ding.Rule) {
	ms := e.st.Milestones
	if !slices.IsSortedFunc(ms, cmpMilestone) {
		// Sort a copy: the state is the caller's.
		ms = slices.Clone(ms)
		slices.SortStableFunc(ms, cmpMilestone)
	}
	for k := range ms {
		m := &ms[k]
		if m.PlannedOn.IsZero() || !m.ActualOn.IsZero() {
			continue
		}
		d := m.PlannedOn.DaysUntil(e.today)
		v := float64(d)
		if !e.would(r, v) {
			continue
		}
		reason, n := reasonMilestoneLate, d
		switch {
		case d == 0:
			reason = reasonMilestoneToday
		case d < 0:
			reason, n = reasonMilestoneSoon, -d
		}
		args := []any{m.Name, dateStr(m.PlannedOn), strconv.Itoa(n)}
		if d == 0 {
			args = args[:2] // "due today" states no count
		}
		e.emit(r, v, reason, args, m.Name, "milestone:"+strconv.FormatInt(m.ID, 10))
	}
}

// reportMissing counts the monthly periods of this year, from the start month on, whose
// window has closed without a report, in a row back from the latest closed one.
func (e *evaluator) reportMissing(r *ding.Rule) {
	st, today, w := e.st, e.today, e.cfg.Window
	start := st.Project.ActualStart
	if start.IsZero() || start.Year > today.Year {
		return
	}
	from := 1
	if start.Year == today.Year {
		from = int(start.Month)
	}
	last := 0
	for m := int(today.Month); m >= from; m-- {
		// "Closes" is the last day on time: the window is closed from the next day.
		if w.Closes(ding.MonthPeriod(today.Year, time.Month(m))).Before(today) {
			last = m
			break
		}
	}
	if last == 0 {
		return
	}
	n := 0
	for m := last; m >= from && !st.Reported[yearMonth(today.Year, m)]; m-- {
		n++
	}
	v := float64(n)
	if n == 0 || !e.would(r, v) {
		return
	}
	closes := dateStr(w.Closes(ding.MonthPeriod(today.Year, time.Month(last))))
	lastP := yearMonth(today.Year, last)
	if n == 1 {
		e.emit(r, v, reasonReportMissing, []any{lastP, closes}, "", "")
		return
	}
	e.emit(r, v, reasonReportRun, []any{yearMonth(today.Year, last-n+1), lastP, strconv.Itoa(n), closes}, "", "")
}

// stageStale: days since the later of the last update and the start of the stage.
func (e *evaluator) stageStale(r *ding.Rule) {
	p := &e.st.Project
	from := e.st.LastUpdate
	if p.StageOn.After(from) {
		from = p.StageOn
	}
	reason, ok := reasonStale[p.Stage]
	if from.IsZero() || !ok {
		return
	}
	v := float64(from.DaysUntil(e.today))
	if !e.would(r, v) {
		return
	}
	e.emit(r, v, reason, []any{dateStr(from), itoa(v)}, "", "")
}

// items: days overdue for every open item due before today, of the rule's item kind.
func (e *evaluator) items(r *ding.Rule) {
	is := e.st.Items
	if !slices.IsSortedFunc(is, cmpItem) {
		is = slices.Clone(is)
		slices.SortStableFunc(is, cmpItem)
	}
	for k := range is {
		it := &is[k]
		if it.Due.IsZero() || (r.Params.Item != "" && it.Kind != r.Params.Item) {
			continue
		}
		d := it.Due.DaysUntil(e.today)
		v := float64(d)
		if d < 1 || !e.would(r, v) {
			continue
		}
		e.emit(r, v, reasonItemOverdue, []any{it.Title, dateStr(it.Due), strconv.Itoa(d)},
			it.Title, it.Kind+":"+strconv.FormatInt(it.ID, 10))
	}
}

// Subject order: milestones as the project page lists them, items by kind then id.
func cmpMilestone(a, b ding.Milestone) int {
	if c := cmpInt(a.SortOrder, b.SortOrder); c != 0 {
		return c
	}
	return cmpInt(a.ID, b.ID)
}

func cmpItem(a, b ding.DeadlineItem) int {
	if c := strings.Compare(a.Kind, b.Kind); c != 0 {
		return c
	}
	return cmpInt(a.ID, b.ID)
}

func cmpInt[T int | int64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// monthsElapsed is the number of months of today's year that are over: the current month
// counts once its last day has come.
func monthsElapsed(d ding.Date) int {
	if d.Day >= daysInMonth(d.Year, d.Month) {
		return int(d.Month)
	}
	return int(d.Month) - 1
}

// fullMonths counts whole calendar months from `from` to `to`, like an age: a month is
// complete on the same day of a later month, or on that month's last day when it has no
// such day (the 民法典 art. 202 rule: 2024-01-31 → 2024-02-29 is one month; 2023-01-31 →
// 2023-02-28 too; 2024-01-30 → 2024-02-28 is not yet). Negative when `to` is earlier.
func fullMonths(from, to ding.Date) int {
	if to.Before(from) {
		return -fullMonths(to, from)
	}
	n := monthIndex(to) - monthIndex(from)
	if n > 0 && to.Day < min(from.Day, daysInMonth(to.Year, to.Month)) {
		n--
	}
	return n
}

func monthIndex(d ding.Date) int { return d.Year*12 + int(d.Month) - 1 }

func daysInMonth(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func daysInYear(y int) int {
	if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		return 366
	}
	return 365
}

// yearMonth is the period key "2024-03", without fmt (it runs per project per rule).
func yearMonth(y, m int) string {
	b := make([]byte, 0, 7)
	b = strconv.AppendInt(b, int64(y), 10)
	b = append(b, '-', byte('0'+m/10), byte('0'+m%10))
	return string(b)
}

// dateStr is Date.String without fmt, which dominated the engine's profile.
func dateStr(d ding.Date) string {
	b := make([]byte, 0, 10)
	b = strconv.AppendInt(b, int64(d.Year), 10)
	m, dd := int(d.Month), d.Day
	b = append(b, '-', byte('0'+m/10), byte('0'+m%10), '-', byte('0'+dd/10), byte('0'+dd%10))
	return string(b)
}

func itoa(v float64) string { return strconv.FormatInt(int64(v), 10) }

// tenths formats n tenths as "31.2" ("-3.0", "0.0").
func tenths(n int64) string {
	neg := n < 0
	if neg {
		n = -n
	}
	b := make([]byte, 0, 8)
	if neg {
		b = append(b, '-')
	}
	b = strconv.AppendInt(b, n/10, 10)
	b = append(b, '.', byte('0'+n%10))
	return string(b)
}

// roundDiv returns num·mul ÷ den rounded half away from zero, with a 128-bit product so
// that large plans cannot overflow (den > 0). It saturates instead of panicking.
func roundDiv(num, mul, den int64) int64 {
	if den <= 0 {
		return 0
	}
	neg := (num < 0) != (mul < 0)
	un, um := uabs(num), uabs(mul)
	hi, lo := bits.Mul64(un, um)
	ud := uint64(den)
	if hi >= ud {
		if neg {
			return -1 << 63
		}
		return 1<<63 - 1
	}
	q, rem := bits.Div64(hi, lo, ud)
	if rem >= ud-rem { // rem ≥ den/2, without overflow
		q++
	}
	if q > 1<<63-1 {
		q = 1<<63 - 1
	}
	if neg {
		return -int64(q)
	}
	return int64(q)
}

func uabs(n int64) uint64 {
	if n < 0 {
		return uint64(-n)
	}
	return uint64(n)
}

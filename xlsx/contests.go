package xlsx

import (
	"io"
	"strings"
	"time"

	"ding"
	"ding/i18n"
)

// ContestList is what ExportContest writes: a 擂台赛 round and its entries, ranked.
type ContestList struct {
	Lang    string
	Contest *ding.Contest
	Now     time.Time
	Entries []*ding.ContestEntry // ranked (store.FindEntries)
	Codes   map[int64]string     // project id → 项目代码, for the promoted entries the reader sees
}

// ExportContest writes a round's ranking with the layout of the other exports: a title,
// the date and the round's facts, a header, frozen panes, investment in 亿元 and the
// average score as numbers with two decimals, a totals row.
func ExportContest(w io.Writer, l ContestList) error {
	t := func(key string, args ...any) string { return i18n.T(l.Lang, key, args...) }
	c := l.Contest
	var crit []string
	for _, k := range c.Criteria {
		crit = append(crit, k.Name+" "+ding.Points(k.Weight))
	}
	tb := table{
		sheet: t("contestui.x.sheet"),
		title: t("contestui.x.title", c.Name),
		subtitle: t("contestui.x.subtitle", l.Now.In(ding.Shanghai).Format("2006-01-02"), c.OrganizerName, t("contest.status."+c.Status),
			len(c.JudgeIDs), c.Winners, strings.Join(crit, "、")),
		cols: []xcol{
			{t("contestui.x.rank"), xInt}, {t("contestui.x.name"), xWrap}, {t("contestui.x.unit"), xText},
			{t("contestui.x.investment"), xMoney}, {t("contestui.x.industry"), xText}, {t("contestui.x.chain"), xText},
			{t("contestui.x.content"), xWrap}, {t("contestui.x.maturity"), xWrap}, {t("contestui.x.judged"), xText},
			{t("contestui.x.score"), xMoney}, {t("contestui.x.winner"), xText}, {t("contestui.x.project"), xText},
			{t("contestui.x.submitted"), xText},
		},
		totalSpan: 3,
	}
	var sum int64
	for _, e := range l.Entries {
		sum += e.Investment
		var rank, score any = "—", "—"
		if e.Rank > 0 {
			rank, score = e.Rank, float64(e.Score)/100
		}
		industry := ""
		if e.Industry != "" {
			industry = t("industry." + e.Industry)
		}
		winner, project := "", ""
		if e.Winner {
			winner = t("contestui.x.won")
		}
		if e.ProjectID != 0 {
			project = t("contestui.x.promoted")
			if code := l.Codes[e.ProjectID]; code != "" {
				project += " " + code
			}
		}
		tb.rows = append(tb.rows, []any{
			rank, contestCell(e.Name), e.UnitName, float64(e.Investment) / 1e8, industry, contestCell(e.Chain), contestCell(e.Content), contestCell(e.Maturity),
			t("contestui.x.judged_n", e.Judged, len(c.JudgeIDs)), score, winner, project,
			e.SubmittedBy + " " + e.CreatedAt.In(ding.Shanghai).Format("2006-01-02 15:04"),
		})
	}
	tb.totals = []any{t("contestui.x.total", len(l.Entries)), float64(sum) / 1e8}
	return tb.write(w)
}

// contestCell keeps a typed text that starts like a formula from running as one.
func contestCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
		return "'" + s
	}
	return s
}

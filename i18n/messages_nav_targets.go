package i18n

// Navigation of issue 6: indicators, competitions, the 擂台赛 and the honour board.
var _ = addUI(map[string][2]string{
	"nav.group.targets": {"指标考核", "Targets"},
	"nav.indicators":    {"指标目标", "Indicators"},
	"nav.schemes":       {"季比拼考核", "Competitions"},
	"nav.contests":      {"项目谋划擂台赛", "Planning contest"},
	"nav.honours":       {"流动红旗荣誉榜", "Honour board"},
})

package i18n

// The project list's "more filters" (web/page_projects.go, templates/projects.html): the
// drill-down filters a dashboard link sets, as fields of the form.
var _ = addUI(map[string][2]string{
	"projects.more":              {"更多条件", "More filters"},
	"projects.lead_unit":         {"牵头单位（含下级）", "Lead unit (with sub-units)"},
	"projects.signed_from":       {"签约日期从", "Signed from"},
	"projects.signed_to":         {"签约日期至", "Signed until"},
	"projects.started_from":      {"实际开工从", "Started from"},
	"projects.started_to":        {"实际开工至", "Started until"},
	"projects.in_stats_from":     {"入统日期从", "In statistics from"},
	"projects.in_stats_to":       {"入统日期至", "In statistics until"},
	"projects.min_investment":    {"总投资不低于（万元）", "Total investment at least (10,000 yuan)"},
	"projects.min_investment_ph": {"如 100000", "e.g. 100000"},
	"projects.colour":            {"当前预警颜色", "Warning colour now"},
})

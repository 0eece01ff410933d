// Package xlsx reads and writes ding's Excel workbooks with excelize: the import template,
// the import of projects and monthly progress (tolerant of files as offices really make
// them), and the exports of the project list and of a project's report history. It knows
// nothing about HTTP; the web package calls it with plain values.
package xlsx

import (
	"strings"
	"unicode"
)

// Sheet names of the import template.
const (
	SheetProjects = "项目"
	SheetProgress = "月度进度"
	SheetNotes    = "填写说明"
)

// kind is how a column's cells are read.
type kind int

const (
	kText     kind = iota
	kCode          // a code: full-width characters folded, spaces removed
	kMoney         // 万元 with at most two decimals → yuan
	kDecimal       // a non-negative decimal (亩)
	kPercent       // 0–100
	kDate          // a civil date
	kPeriod        // a month YYYY-MM (or an ISO week)
	kFlag          // 是/否
	kNature        // 建设性质
	kInvestor      // 投资主体
	kIndustry      // GB/T 4754 section letter
	kStage         // 项目阶段
	kUnit          // a unit name, resolved to its id
	kIgnored       // shown for people, not imported
)

// column is one column of an import sheet: the store's field name (the Field of its
// errors), its title in the template, other titles offices use for it, and how to read it.
type column struct {
	field    string
	title    string
	aliases  []string
	kind     kind
	required bool    // the column must be present and its cells filled
	width    float64 // in the template
}

var projectColumns = []column{
	{field: "code", title: "项目代码", kind: kCode, required: true, width: 26},
	{field: "name", title: "项目名称", kind: kText, required: true, width: 32},
	{field: "short_name", title: "项目简称", kind: kText, width: 16},
	{field: "owner_name", title: "业主单位", kind: kText, width: 26},
	{field: "owner_code", title: "统一社会信用代码", aliases: []string{"信用代码", "业主单位统一社会信用代码"}, kind: kCode, width: 22},
	{field: "unit_id", title: "责任单位", aliases: []string{"牵头单位"}, kind: kUnit, required: true, width: 16},
	{field: "location_id", title: "建设地点", aliases: []string{"所在乡镇", "所在乡镇（街道）", "所在地"}, kind: kUnit, width: 14},
	{field: "nature", title: "建设性质", kind: kNature, width: 10},
	{field: "investor", title: "投资主体", kind: kInvestor, required: true, width: 10},
	{field: "industry", title: "行业门类", aliases: []string{"行业"}, kind: kIndustry, width: 10},
	{field: "chain", title: "产业链", kind: kText, width: 14},
	{field: "manufacturing", title: "制造业", aliases: []string{"是否制造业", "制造业项目"}, kind: kFlag, width: 8},
	{field: "high_tech", title: "高新技术", aliases: []string{"是否高新技术", "高新技术产业"}, kind: kFlag, width: 10},
	{field: "private", title: "民间投资", aliases: []string{"是否民间投资", "民间投资项目"}, kind: kFlag, width: 10},
	{field: "total_investment", title: "总投资（万元）", aliases: []string{"总投资", "计划总投资（万元）", "计划总投资"}, kind: kMoney, width: 16},
	{field: "land_mu", title: "用地（亩）", aliases: []string{"用地", "用地面积（亩）", "用地面积"}, kind: kDecimal, width: 10},
	{field: "content", title: "建设内容", aliases: []string{"建设规模及内容", "主要建设内容"}, kind: kText, width: 40},
	{field: "planned_start", title: "计划开工", aliases: []string{"计划开工日期", "计划开工时间"}, kind: kDate, width: 12},
	{field: "planned_end", title: "计划竣工", aliases: []string{"计划竣工日期", "计划竣工时间"}, kind: kDate, width: 12},
	{field: "actual_start", title: "实际开工", aliases: []string{"实际开工日期", "实际开工时间"}, kind: kDate, width: 12},
	{field: "actual_end", title: "实际竣工", aliases: []string{"实际竣工日期", "实际竣工时间"}, kind: kDate, width: 12},
	{field: "expected_output", title: "预计年产值（万元）", aliases: []string{"预计年产值"}, kind: kMoney, width: 18},
	{field: "expected_tax", title: "预计年税收（万元）", aliases: []string{"预计年税收"}, kind: kMoney, width: 18},
	{field: "agreement_type", title: "协议类型", kind: kText, width: 12},
	{field: "signed_on", title: "签约日期", aliases: []string{"签约时间"}, kind: kDate, width: 12},
	{field: "in_stats", title: "是否入统", aliases: []string{"入统"}, kind: kFlag, width: 10},
	{field: "in_stats_on", title: "入统日期", aliases: []string{"入统时间"}, kind: kDate, width: 12},
	{field: "stage", title: "项目阶段", aliases: []string{"阶段"}, kind: kStage, width: 10},
	{field: "stage_on", title: "阶段日期", aliases: []string{"阶段变更日期"}, kind: kDate, width: 12},
}

var progressColumns = []column{
	{field: "code", title: "项目代码", kind: kCode, required: true, width: 26},
	{field: "", title: "项目名称", kind: kIgnored, width: 32},
	{field: "period", title: "填报期次", aliases: []string{"期次", "填报月份", "月份"}, kind: kPeriod, required: true, width: 10},
	{field: "completed", title: "本期完成投资（万元）", aliases: []string{"本期完成投资", "本月完成投资（万元）", "本月完成投资"}, kind: kMoney, required: true, width: 18},
	{field: "progress_text", title: "形象进度", kind: kText, required: true, width: 36},
	{field: "progress_pct", title: "形象进度（%）", aliases: []string{"形象进度百分比", "形象进度%"}, kind: kPercent, width: 12},
	{field: "problems", title: "存在问题", kind: kText, width: 30},
	{field: "next_steps", title: "下步计划", kind: kText, width: 30},
}

// storeFieldAliases maps field names the store uses in errors to the column that explains
// them: a stage transition's date ("on") and reason.
var storeFieldAliases = map[string]string{"on": "stage_on", "reason": "stage"}

// normTitle folds a header title for matching: full-width ASCII to half-width, no
// whitespace, no required-field stars, lower case. "总投资 (万元)" and "总投资（万元）" match.
func normTitle(s string) string {
	var b strings.Builder
	for _, r := range foldWidth(s) {
		if unicode.IsSpace(r) || r == '*' {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// foldWidth turns full-width ASCII (ＡＢＣ１２３，（）) and the ideographic space into their
// ASCII forms.
func foldWidth(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r >= 0x3000 && r <= 0xFF5E }) {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			return r - 0xFEE0
		case r == 0x3000:
			return ' '
		case r == '。':
			return '.'
		}
		return r
	}, s)
}

// titleIndex maps the normalized titles and aliases of cols to their index.
func titleIndex(cols []column) map[string]int {
	m := map[string]int{}
	for i, c := range cols {
		m[normTitle(c.title)] = i
		for _, a := range c.aliases {
			m[normTitle(a)] = i
		}
	}
	return m
}

// colName is the column letter of the 0-based index i (0 → A, 26 → AA).
func colName(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

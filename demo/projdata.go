package demo

// The vocabulary of the demo's projects: industry chains with their products, the phases
// a 形象进度 report walks through, and the names of people and companies. The companies
// and people are invented; the chains and places are the district's own.

// demoChains is the 产业链 list of the demo city: 衢州's six signature chains (市六大标志性
// 产业链) followed by the district's own.
var demoChains = []string{"新材料", "新能源", "电子信息", "智能装备", "特种纸", "生命健康", "数字经济", "绿色食品", "现代物流"}

// Unit names used by the projects (full names of orgTree).
const (
	uKFQ       = "衢江经济开发区"
	uDigital   = "衢江数字经济产业园"
	uFGJ       = "衢江区发展和改革局"
	uJXJ       = "衢江区经济和信息化局"
	uSWJ       = "衢江区商务局"
	uTCZX      = "衢江区投资促进中心"
	uZGFJ      = "衢州市自然资源和规划局衢江分局"
	uZJJ       = "衢江区住房和城乡建设局"
	uCZJ       = "衢江区财政局"
	uTJJ       = "衢江区统计局"
	uSTHJ      = "衢州市生态环境局衢江分局"
	uJTJ       = "衢江区交通运输局"
	uSLJ       = "衢江区水利局"
	uZhangtan  = "樟潭街道"
	uFushi     = "浮石街道"
	uShangfang = "上方镇"
	uNianli    = "廿里镇"
	uGaojia    = "高家镇"
	uDuze      = "杜泽镇"
	uHouxi     = "后溪镇"
	uQuanwang  = "全旺镇"
	uLianhua   = "莲花镇"
	uHunan     = "湖南镇"
	uXiachuan  = "峡川镇"
	uDazhou    = "大洲镇"
)

// duties says what a cooperating unit does for a project (the N of 1+1+N).
var duties = map[string]string{
	uFGJ:  "项目审批及要素保障协调",
	uJXJ:  "技改备案及企业服务",
	uSWJ:  "外资及商贸服务",
	uTCZX: "招引对接及协议履约跟踪",
	uZGFJ: "用地报批及规划许可",
	uZJJ:  "施工许可及质量安全监管",
	uCZJ:  "资金保障及政策兑现",
	uTJJ:  "入统指导及数据核查",
	uSTHJ: "环评审批及排污许可",
	uJTJ:  "交通组织及涉路审批",
	uSLJ:  "涉水审批及水土保持",
}

// townDuty is the duty of a town or park that serves a project on its ground.
const townDuty = "政策处理及属地服务"

// product is a line a project builds: the name (with %d for a capacity when caps is set,
// smallest first) and a short form for the project's short name.
type product struct {
	name, short string
	caps        []int
	size        size
}

// size says which projects a product suits: a 产业基地 is not built for 5000万, nor a
// production line for 50亿.
type size int

const (
	anySize size = iota
	small        // under 10亿
	big          // 10亿 and more
)

// family picks the 形象进度 phases of a project and the wording of its content.
type family int

const (
	famFactory family = iota
	famBuilding
	famLogistics
	famFarm
	famRoad
	famWater
	famHousing
	famSchool
)

// kindDef is a kind of project: its chain, industry, flags and where it is built.
type kindDef struct {
	key       string
	chain     string
	industry  string // GB/T 4754 section
	code2     string // the two-digit industry part of the 项目代码 (GB/T 4754 division)
	manuf     bool
	hightech  float64 // share of high-tech projects
	private   float64 // share of private investors; the rest are state, foreign or mixed
	family    family
	products  []product
	ownerWord string // what follows the brand in an owner's name
	units     []string
	locations []string // parallel to units: where a project led by units[i] is built
	coops     []string
}

var (
	kPaper = &kindDef{key: "paper", chain: "特种纸", industry: "C", code2: "22", manuf: true, hightech: 0.35, private: 0.8, family: famFactory,
		products: []product{
			{"年产%d万吨高档特种纸", "特种纸", []int{10, 15, 20, 30}, anySize},
			{"年产%d万吨食品级包装原纸", "包装原纸", []int{8, 12, 20}, anySize},
			{"年产%d万吨装饰原纸", "装饰原纸", []int{5, 8, 10}, small},
			{"特种纸智能化技术改造", "特种纸技改", nil, small},
			{"年产%d万吨无纺壁纸原纸", "壁纸原纸", []int{3, 5, 6}, small},
			{"年产%d万吨医疗及电气绝缘纸", "绝缘纸", []int{2, 3, 5}, small},
		},
		ownerWord: "纸业有限公司", units: []string{uKFQ, uKFQ, uZhangtan}, locations: []string{uKFQ, uKFQ, uZhangtan},
		coops: []string{uJXJ, uZGFJ, uSTHJ, uZJJ}}
	kMaterial = &kindDef{key: "material", chain: "新材料", industry: "C", code2: "26", manuf: true, hightech: 0.8, private: 0.75, family: famFactory,
		products: []product{
			{"年产%d万吨高性能氟硅新材料", "氟硅新材料", []int{5, 10, 20}, anySize},
			{"年产%d万吨电子级湿化学品", "电子化学品", []int{1, 2, 5}, anySize},
			{"高端聚酰亚胺薄膜", "聚酰亚胺薄膜", nil, anySize},
			{"年产%d万吨高纯石英材料", "高纯石英", []int{2, 5}, anySize},
			{"碳纤维复合材料", "碳纤维", nil, anySize},
			{"年产%d万吨水性涂料树脂", "水性树脂", []int{5, 10}, small},
			{"年产%d万吨可降解塑料", "可降解材料", []int{3, 6, 10}, anySize},
			{"特种功能薄膜", "功能薄膜", nil, anySize},
		},
		ownerWord: "新材料科技有限公司", units: []string{uKFQ, uKFQ, uNianli}, locations: []string{uKFQ, uKFQ, uNianli},
		coops: []string{uJXJ, uZGFJ, uSTHJ, uFGJ}}
	kLithium = &kindDef{key: "lithium", chain: "新能源", industry: "C", code2: "38", manuf: true, hightech: 0.9, private: 0.8, family: famFactory,
		products: []product{
			{"年产%d万吨锂电池正极材料一体化", "正极材料", []int{5, 10, 20}, big},
			{"年产%dGWh储能电池及系统集成", "储能电池", []int{10, 20}, big},
			{"年产%d亿平方米锂电池隔膜", "锂电隔膜", []int{2, 5, 8}, anySize},
			{"年产%d万吨锂电池负极材料", "负极材料", []int{3, 5, 10}, anySize},
			{"动力电池精密结构件", "电池结构件", nil, small},
			{"废旧锂电池回收综合利用", "电池回收", nil, small},
			{"年产%d万吨六氟磷酸锂", "六氟磷酸锂", []int{1, 2}, anySize},
		},
		ownerWord: "新能源科技有限公司", units: []string{uKFQ}, locations: []string{uKFQ},
		coops: []string{uJXJ, uZGFJ, uSTHJ, uFGJ, uZJJ}}
	kOptic = &kindDef{key: "optic", chain: "电子信息", industry: "C", code2: "39", manuf: true, hightech: 1, private: 0.85, family: famFactory,
		products: []product{
			{"新型显示面板及模组产业基地", "显示模组", nil, big},
			{"Mini LED背光模组", "Mini LED", nil, anySize},
			{"年产%d万平方米光学膜", "光学膜", []int{3000, 5000}, anySize},
			{"半导体封装测试", "封装测试", nil, anySize},
			{"光电传感器及模组", "光电传感器", nil, small},
			{"柔性电路板", "柔性电路板", nil, anySize},
			{"车载显示屏", "车载显示", nil, anySize},
		},
		ownerWord: "光电科技有限公司", units: []string{uDigital, uDigital, uKFQ}, locations: []string{uDigital, uDigital, uKFQ},
		coops: []string{uJXJ, uZGFJ, uFGJ, uZJJ}}
	kDigital = &kindDef{key: "digital", chain: "数字经济", industry: "I", code2: "65", hightech: 0.7, private: 0.75, family: famBuilding,
		products: []product{
			{"电竞产业园", "电竞产业园", nil, anySize},
			{"数字内容产业基地", "数字内容", nil, anySize},
			{"大数据中心", "数据中心", nil, anySize},
			{"直播电商产业园", "直播电商", nil, small},
			{"工业互联网平台及研发中心", "工业互联网", nil, small},
			{"软件和信息服务产业园", "软件园", nil, anySize},
		},
		ownerWord: "数字科技有限公司", units: []string{uDigital}, locations: []string{uDigital},
		coops: []string{uJXJ, uSWJ, uZGFJ, uZJJ}}
	kMining = &kindDef{key: "mining", chain: "智能装备", industry: "C", code2: "35", manuf: true, hightech: 0.5, private: 0.75, family: famFactory,
		products: []product{
			{"智能矿山装备产业园", "矿山装备产业园", nil, big},
			{"年产%d台（套）大型破碎筛分成套设备", "破碎筛分设备", []int{500, 800, 1000}, anySize},
			{"年产%d万吨高端耐磨铸件", "耐磨铸件", []int{3, 5}, small},
			{"智能输送装备", "输送装备", nil, small},
			{"矿山机器人及智能控制系统", "矿山机器人", nil, anySize},
		},
		ownerWord: "智能装备有限公司", units: []string{uKFQ, uZhangtan}, locations: []string{uKFQ, uZhangtan},
		coops: []string{uJXJ, uZGFJ, uZJJ}}
	kCalcium = &kindDef{key: "calcium", chain: "新材料", industry: "C", code2: "30", manuf: true, hightech: 0.3, private: 0.7, family: famFactory,
		products: []product{
			{"年产%d万吨纳米碳酸钙", "纳米碳酸钙", []int{10, 20, 30}, anySize},
			{"年产%d万吨重质碳酸钙深加工", "重钙深加工", []int{30, 50}, anySize},
			{"钙基新材料产业园", "钙基新材料", nil, big},
			{"碳酸钙粉体改性技术改造", "粉体改性技改", nil, small},
		},
		ownerWord: "钙业有限公司", units: []string{uShangfang, uShangfang, uXiachuan}, locations: []string{uShangfang, uShangfang, uXiachuan},
		coops: []string{uJXJ, uZGFJ, uSTHJ}}
	kChemical = &kindDef{key: "chemical", chain: "新材料", industry: "C", code2: "26", manuf: true, hightech: 0.5, private: 0.7, family: famFactory,
		products: []product{
			{"年产%d吨高效萃取剂", "萃取剂", []int{3000, 5000, 10000}, anySize},
			{"精细化工智能化技术改造", "精细化工技改", nil, small},
			{"年产%d吨医药中间体", "医药中间体", []int{1000, 3000}, anySize},
			{"年产%d万吨环保增塑剂", "环保增塑剂", []int{5, 10}, anySize},
			{"年产%d吨含氟精细化学品", "含氟化学品", []int{3000, 8000}, anySize},
		},
		ownerWord: "化工有限公司", units: []string{uNianli}, locations: []string{uNianli},
		coops: []string{uJXJ, uSTHJ, uZGFJ, uFGJ}}
	kFood = &kindDef{key: "food", chain: "绿色食品", industry: "C", code2: "14", manuf: true, hightech: 0.1, private: 0.85, family: famFactory,
		products: []product{
			{"中央厨房预制菜生产基地", "预制菜", nil, anySize},
			{"年产%d万吨休闲食品", "休闲食品", []int{2, 5}, small},
			{"年产%d万吨粮油精深加工", "粮油加工", []int{10, 20}, anySize},
			{"茶饮料生产线", "茶饮料", nil, small},
			{"冷链食品加工", "冷链食品", nil, small},
			{"年产%d万吨调味品", "调味品", []int{3, 5}, small},
		},
		ownerWord: "食品有限公司", units: []string{uGaojia, uQuanwang, uKFQ}, locations: []string{uGaojia, uQuanwang, uKFQ},
		coops: []string{uJXJ, uZGFJ, uSTHJ}}
	kDairy = &kindDef{key: "dairy", chain: "绿色食品", industry: "C", code2: "14", manuf: true, hightech: 0.2, private: 0.8, family: famFactory,
		products: []product{
			{"年产%d万吨乳制品", "乳制品", []int{5, 10}, anySize},
			{"低温乳品生产线", "低温乳品", nil, small},
			{"奶酪及乳清蛋白", "奶酪", nil, anySize},
		},
		ownerWord: "乳业有限公司", units: []string{uDuze}, locations: []string{uDuze},
		coops: []string{uJXJ, uSTHJ, uZGFJ}}
	kAgri = &kindDef{key: "agri", chain: "绿色食品", industry: "A", code2: "03", hightech: 0.05, private: 0.9, family: famFarm,
		products: []product{
			{"生猪全产业链", "生猪全产业链", nil, anySize},
			{"现代设施渔业", "设施渔业", nil, anySize},
			{"万头奶牛牧场", "奶牛牧场", nil, anySize},
			{"跑步鸡生态养殖基地", "跑步鸡", nil, small},
			{"未来农业园区", "未来农业园", nil, anySize},
			{"高山蔬菜产业基地", "高山蔬菜", nil, small},
		},
		ownerWord: "农业发展有限公司", units: []string{uHouxi, uDuze, uGaojia, uLianhua, uQuanwang}, locations: []string{uHouxi, uDuze, uGaojia, uLianhua, uQuanwang},
		coops: []string{uZGFJ, uSTHJ, uFGJ}}
	kLogistics = &kindDef{key: "logistics", chain: "现代物流", industry: "G", code2: "59", hightech: 0, private: 0.7, family: famLogistics,
		products: []product{
			{"四省边际冷链物流中心", "冷链物流", nil, anySize},
			{"电商物流园", "电商物流", nil, anySize},
			{"多式联运物流园", "多式联运", nil, anySize},
			{"智慧仓储中心", "智慧仓储", nil, small},
			{"大宗商品交易及仓储基地", "大宗仓储", nil, anySize},
		},
		ownerWord: "供应链管理有限公司", units: []string{uZhangtan, uSWJ}, locations: []string{uZhangtan, uZhangtan},
		coops: []string{uSWJ, uJTJ, uZGFJ, uZJJ}}
	kService = &kindDef{key: "service", industry: "K", code2: "70", hightech: 0, private: 0.8, family: famBuilding,
		products: []product{
			{"城市商业综合体", "商业综合体", nil, anySize},
			{"总部大楼", "总部大楼", nil, anySize},
			{"长三角创业创新中心", "创业创新中心", nil, anySize},
			{"康养综合体", "康养综合体", nil, anySize},
			{"文旅度假区", "文旅度假区", nil, anySize},
		},
		ownerWord: "置业有限公司", units: []string{uFushi, uZhangtan, uHunan}, locations: []string{uFushi, uZhangtan, uHunan},
		coops: []string{uSWJ, uZGFJ, uZJJ}}
)

// govProject is a government-invested project: built by a department on public money.
type govProject struct {
	name, short  string
	fam          family
	unit, loc    string
	owner        string
	minYi, maxYi float64
}

// govProjects are the district's own works: roads, water, resettlement housing, schools.
var govProjects = []govProject{
	{"东迹大道（樟潭至浮石段）工程", "东迹大道", famRoad, uJTJ, uZhangtan, "衢州市衢江区交通投资集团有限公司", 8, 15},
	{"G351国道衢江段改建工程", "G351改建", famRoad, uJTJ, uDuze, "衢州市衢江区交通运输局", 12, 20},
	{"衢江经济开发区纬二路新建工程", "纬二路", famRoad, uZJJ, uKFQ, "衢州市衢江区城市建设投资发展有限公司", 1.2, 2.5},
	{"廿里至高家公路提升改造工程", "廿高公路", famRoad, uJTJ, uNianli, "衢州市衢江区交通运输局", 2, 4},
	{"杜泽至莲花公路改建工程", "杜莲公路", famRoad, uJTJ, uLianhua, "衢州市衢江区交通运输局", 1.5, 3},
	{"霞飞跨江大桥接线工程", "霞飞大桥接线", famRoad, uJTJ, uFushi, "衢州市衢江区交通投资集团有限公司", 3, 6},
	{"衢江港区疏港公路工程", "疏港公路", famRoad, uJTJ, uZhangtan, "衢州市衢江区交通投资集团有限公司", 2, 4},
	{"衢江（樟潭段）堤防提标加固工程", "樟潭堤防", famWater, uSLJ, uZhangtan, "衢州市衢江区水利局", 2, 4},
	{"铜山源灌区续建配套与现代化改造工程", "铜山源灌区", famWater, uSLJ, uDuze, "衢州市衢江区水利局", 1.5, 3},
	{"芝溪流域综合治理工程", "芝溪治理", famWater, uSLJ, uQuanwang, "衢州市衢江区水利局", 1, 2},
	{"乌溪江引水工程配套管网", "引水管网", famWater, uSLJ, uHunan, "衢州市衢江区水利建设发展有限公司", 0.8, 1.5},
	{"农村饮用水达标提标工程（三期）", "饮用水提标", famWater, uSLJ, uDazhou, "衢州市衢江区水利局", 0.5, 0.9},
	{"东坑水库除险加固工程", "东坑水库", famWater, uSLJ, uLianhua, "衢州市衢江区水利局", 0.4, 0.8},
	{"东迹大道沿线拆迁安置小区", "东迹安置小区", famHousing, uZJJ, uZhangtan, "衢州市衢江区城市建设投资发展有限公司", 6, 10},
	{"樟潭安置小区二期", "樟潭安置二期", famHousing, uZJJ, uZhangtan, "衢州市衢江区城市建设投资发展有限公司", 3, 5},
	{"浮石未来社区安置房", "浮石未来社区", famHousing, uZJJ, uFushi, "衢州市衢江区城市建设投资发展有限公司", 4, 7},
	{"廿里镇集镇安置小区", "廿里安置小区", famHousing, uZJJ, uNianli, "衢州市衢江区城市建设投资发展有限公司", 1.5, 3},
	{"高铁新城安置房（一期）", "高铁新城安置", famHousing, uZJJ, uFushi, "衢州市衢江区城市建设投资发展有限公司", 5, 8},
	{"衢江区第二实验小学新建工程", "二实小", famSchool, uZJJ, uFushi, "衢州市衢江区教育局", 1.5, 2.5},
	{"衢江区樟潭中学扩建工程", "樟潭中学扩建", famSchool, uZJJ, uZhangtan, "衢州市衢江区教育局", 0.8, 1.5},
	{"衢江区浮石幼儿园新建工程", "浮石幼儿园", famSchool, uZJJ, uFushi, "衢州市衢江区教育局", 0.3, 0.6},
	{"衢江区中等职业学校实训楼工程", "职校实训楼", famSchool, uZJJ, uFushi, "衢州市衢江区教育局", 0.5, 1},
}

// govCoops are the cooperating units of government works, by family.
var govCoops = map[family][]string{
	famRoad:    {uZGFJ, uFGJ, uCZJ},
	famWater:   {uZGFJ, uFGJ, uCZJ, uSTHJ},
	famHousing: {uZGFJ, uFGJ, uCZJ},
	famSchool:  {uZGFJ, uFGJ, uCZJ},
}

// phase is a stretch of 形象进度 up to pct: what the report says (with %d for the share of
// the phase done), the next step, and the phase as an annual goal.
type phase struct {
	upTo int
	text string
	next string
	goal string
}

var phases = map[family][]phase{
	famFactory: {
		{10, "场地平整及临时设施建设，完成%d%%", "开展桩基施工", "场地平整及桩基施工"},
		{25, "桩基及基础工程施工，完成%d%%", "推进厂房主体结构施工", "桩基及基础工程"},
		{55, "厂房主体结构施工，完成%d%%", "加快主体结构施工，做好结顶准备", "厂房主体结构施工"},
		{70, "主体结顶，砌体、屋面及外立面施工，完成%d%%", "开展设备基础施工，启动设备采购", "主体结顶及围护工程"},
		{90, "设备采购及安装，完成%d%%", "推进设备安装调试", "主要设备安装"},
		{99, "设备调试及试生产准备，完成%d%%", "组织竣工验收", "设备调试及试生产"},
		{100, "竣工验收，进入试生产", "推进投产达产", "竣工投产"},
	},
	famBuilding: {
		{10, "场地平整及基坑支护，完成%d%%", "开展桩基施工", "基坑支护及桩基施工"},
		{25, "桩基及地下室施工，完成%d%%", "推进地下室结构施工", "地下室结构"},
		{60, "主体结构施工，完成%d%%", "加快主体结构施工", "主体结构施工"},
		{80, "主体结顶，幕墙及机电安装，完成%d%%", "推进幕墙及机电安装", "幕墙及机电安装"},
		{99, "室内装修及室外配套，完成%d%%", "组织竣工验收", "装修及室外配套"},
		{100, "竣工验收，交付使用", "推进招商运营", "竣工交付"},
	},
	famLogistics: {
		{15, "场地平整及软基处理，完成%d%%", "开展主体结构施工", "场地平整及软基处理"},
		{45, "库区（码头）主体结构施工，完成%d%%", "推进主体结构施工", "库区主体结构"},
		{75, "堆场及仓库建设，完成%d%%", "开展装卸设备安装", "堆场及仓库建设"},
		{99, "装卸设备安装及信息化系统建设，完成%d%%", "组织竣工验收", "设备安装及信息化建设"},
		{100, "竣工验收，投入运营", "推进满负荷运营", "竣工运营"},
	},
	famFarm: {
		{20, "场地平整及道路管网建设，完成%d%%", "开展养殖（种植）设施建设", "场地平整及道路管网"},
		{60, "养殖（种植）设施建设，完成%d%%", "推进设施主体建设", "养殖（种植）设施建设"},
		{90, "配套设施及设备安装，完成%d%%", "推进设备安装调试", "配套设施及设备安装"},
		{99, "设备调试及试运行，完成%d%%", "组织竣工验收", "试运行"},
		{100, "竣工验收，投入运营", "推进达产达效", "竣工运营"},
	},
	famRoad: {
		{15, "征迁及管线迁改，完成%d%%", "开展路基施工", "征迁及管线迁改"},
		{45, "路基及桥涵施工，完成%d%%", "推进桥梁下部结构施工", "路基及桥涵工程"},
		{75, "桥梁上部结构及路面基层施工，完成%d%%", "开展路面摊铺", "桥梁上部结构及路面基层"},
		{99, "路面摊铺及交通安全设施施工，完成%d%%", "组织交工验收", "路面及交安设施"},
		{100, "交工验收，建成通车", "做好养护移交", "建成通车"},
	},
	famWater: {
		{20, "施工准备及围堰施工，完成%d%%", "开展堤防填筑", "施工准备及围堰"},
		{60, "堤防填筑及护岸砌筑，完成%d%%", "加快护岸砌筑", "堤防填筑及护岸"},
		{90, "堤顶道路及生态护坡施工，完成%d%%", "推进附属工程", "堤顶道路及生态护坡"},
		{99, "附属工程及绿化，完成%d%%", "组织完工验收", "附属工程"},
		{100, "完工验收", "做好运行管护移交", "完工验收"},
	},
	famHousing: {
		{15, "桩基施工，完成%d%%", "开展主体结构施工", "桩基工程"},
		{55, "主体结构施工，完成%d%%", "加快主体结构施工", "主体结构施工"},
		{75, "主体结顶，砌体及外墙施工，完成%d%%", "推进外墙及安装工程", "主体结顶及外墙"},
		{99, "装饰装修及室外配套，完成%d%%", "组织竣工验收", "装修及室外配套"},
		{100, "竣工验收，交付安置", "做好交付安置", "竣工交付"},
	},
	famSchool: {
		{15, "桩基施工，完成%d%%", "开展主体结构施工", "桩基工程"},
		{55, "教学楼主体结构施工，完成%d%%", "加快主体结构施工", "主体结构施工"},
		{75, "主体结顶，砌体及外墙施工，完成%d%%", "推进外墙及安装工程", "主体结顶及外墙"},
		{99, "装饰装修及运动场建设，完成%d%%", "组织竣工验收", "装修及运动场"},
		{100, "竣工验收，交付使用", "做好开学准备", "竣工交付"},
	},
}

// lagProblems are what a lagging project reports as its blockers.
var lagProblems = []string{
	"政策处理未完成，部分地块尚未交付",
	"施工许可办理滞后，主体工程未能按计划推进",
	"主要设备供货延迟",
	"企业资金到位不及预期",
	"环评批复尚未取得，部分工程暂缓施工",
	"电力增容未落实，影响设备调试",
}

// minorProblems are the occasional problems of a project on schedule.
var minorProblems = []string{
	"受连续降雨影响，室外工程进度放缓",
	"用工紧张，需协调增加施工班组",
	"建材价格上涨，成本压力加大",
	"高温天气影响混凝土浇筑",
}

// dropReasons are why leads and projects leave the registry (退库).
var dropReasons = []string{
	"投资方战略调整，项目终止洽谈",
	"项目选址涉及生态保护红线，无法落地",
	"能耗指标不足，产业政策不再支持",
	"企业融资未落实，暂缓投资",
	"投资方资金链断裂，双方协商解除投资协议",
}

// agreementTypes are the kinds of investment agreement (协议类型).
var agreementTypes = []string{"投资协议", "投资协议", "投资协议", "补充协议", "框架协议"}

// brandFirst × brandSecond make the invented company brands.
var (
	brandFirst  = []rune("瑞恒宏嘉锦华凯博源兴聚润明鼎卓德昌盛泰和永新远景")
	brandSecond = []rune("丰诚禾泰辰越瀚达邦辉航元信成晟科晖峰宇创腾川")
)

// Contact names.
var (
	surnames   = []rune("王李张刘陈杨黄赵吴周徐孙朱胡郭何林郑谢宋许韩冯邓余叶程苏吕方汪祝毛姜江童傅金蒋徐")
	givenChars = []rune("建国明华伟芳军丽强敏静磊洋勇艳杰娟涛超霞平刚晨晓文辉斌燕鹏飞宇浩婷雪琳凯志海俊慧红英峰")
)

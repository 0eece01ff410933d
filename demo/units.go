package demo

import (
	"fmt"

	"ding"
)

// districtName is the demo district: the unit whose id Result.DistrictID holds.
const districtName = "衢江区"

// unitSpec describes a unit of the demo tree and its children. Units are named by their
// full name, which is unique in the demo, so that other steps can refer to them.
type unitSpec struct {
	name, short string
	kind        ding.UnitKind
	code        string // 行政区划代码 of a city or district; enterprises get a generated USCC
	children    []unitSpec
}

func division(kind ding.UnitKind, code, name, short string, children ...unitSpec) unitSpec {
	return unitSpec{name: name, short: short, kind: kind, code: code, children: children}
}

func unit(kind ding.UnitKind, name, short string, children ...unitSpec) unitSpec {
	return unitSpec{name: name, short: short, kind: kind, children: children}
}

func town(name, short string, children ...unitSpec) unitSpec {
	return unit(ding.UnitTown, name, short, children...)
}

func department(name, short string) unitSpec { return unit(ding.UnitDepartment, name, short) }

func park(name, short string, children ...unitSpec) unitSpec {
	return unit(ding.UnitPark, name, short, children...)
}

// enterprise is a 业主单位. The companies are invented; their industries are the
// district's own (特种纸, 新材料, 锂电, 光电, 矿山装备, 碳酸钙, 食品).
func enterprise(name, short string) unitSpec { return unit(ding.UnitEnterprise, name, short) }

// orgTree is the demo's org tree. Siblings are listed in display order; their sort order
// is their position times ten, which leaves room to insert units by hand.
//
// The districts and their codes are 衢州市's (GB/T 2260). The towns of 衢江区 are its
// 2 街道, 10 镇 and 8 乡 in the official order. Department names follow the district
// government's; 自然资源和规划 and 生态环境 are branches of the city's bureaus.
func orgTree() unitSpec {
	return division(ding.UnitCity, "330800", "衢州市", "衢州",
		division(ding.UnitDistrict, "330802", "柯城区", "柯城"),
		division(ding.UnitDistrict, "330803", "衢江区", "衢江",
			town("樟潭街道", "樟潭",
				enterprise("衢州衢江港航物流有限公司", "港航物流"),
				enterprise("衢州衢江重工矿山装备有限公司", "衢江重工"),
			),
			town("浮石街道", "浮石"),
			town("上方镇", "上方",
				enterprise("衢州上方碳酸钙新材料有限公司", "上方钙业"),
			),
			town("峡川镇", "峡川"),
			town("莲花镇", "莲花"),
			town("全旺镇", "全旺"),
			town("大洲镇", "大洲"),
			town("后溪镇", "后溪"),
			town("廿里镇", "廿里",
				enterprise("衢州廿里精细化工有限公司", "廿里化工"),
			),
			town("湖南镇", "湖南"),
			town("高家镇", "高家",
				enterprise("衢州高家绿源食品有限公司", "绿源食品"),
			),
			town("杜泽镇", "杜泽",
				enterprise("衢州杜泽鹭湾乳业有限公司", "鹭湾乳业"),
			),
			town("灰坪乡", "灰坪"),
			town("太真乡", "太真"),
			town("双桥乡", "双桥"),
			town("周家乡", "周家"),
			town("云溪乡", "云溪"),
			town("举村乡", "举村"),
			town("岭洋乡", "岭洋"),
			town("黄坛口乡", "黄坛口"),
			department("衢江区发展和改革局", "发改局"),
			department("衢江区经济和信息化局", "经信局"),
			department("衢江区商务局", "商务局"),
			department("衢江区投资促进中心", "投促中心"),
			department("衢州市自然资源和规划局衢江分局", "资规分局"),
			department("衢江区住房和城乡建设局", "住建局"),
			department("衢江区财政局", "财政局"),
			department("衢江区统计局", "统计局"),
			department("衢州市生态环境局衢江分局", "生态环境分局"),
			department("衢江区交通运输局", "交通运输局"),
			department("衢江区水利局", "水利局"),
			park("衢江经济开发区", "经开区",
				enterprise("浙江衢江恒拓新材料有限公司", "恒拓新材料"),
				enterprise("衢州江源特种纸业有限公司", "江源特种纸"),
				enterprise("浙江信安锂电科技有限公司", "信安锂电"),
			),
			park("衢江数字经济产业园", "数字经济园",
				enterprise("衢州衢江晶辉光电科技有限公司", "晶辉光电"),
				enterprise("衢州衢江数智电竞科技有限公司", "数智电竞"),
			),
		),
		division(ding.UnitDistrict, "330822", "常山县", "常山"),
		division(ding.UnitDistrict, "330824", "开化县", "开化"),
		division(ding.UnitDistrict, "330825", "龙游县", "龙游"),
		division(ding.UnitDistrict, "330881", "江山市", "江山"),
		unit(ding.UnitDepartment, "衢州市发展和改革委员会", "市发改委"),
	)
}

// seedUnits creates the org tree, parents before children.
func (s *seeder) seedUnits() error {
	if err := s.createTree(orgTree(), 0, "", 10); err != nil {
		return err
	}
	district, err := s.unit(districtName)
	if err != nil {
		return err
	}
	s.res.DistrictID = district.ID
	return nil
}

// createTree creates spec under parentID and then its children. region is the division
// code of the nearest city or district above, which enterprises carry in their USCC.
func (s *seeder) createTree(spec unitSpec, parentID int64, region string, sortOrder int) error {
	if _, dup := s.units[spec.name]; dup {
		return fmt.Errorf("unit %s appears twice in the demo tree", spec.name)
	}
	code := spec.code
	if spec.kind.CodeKind() == "division" {
		region = code
	}
	if spec.kind == ding.UnitEnterprise && code == "" {
		var err error
		if code, err = usccFor(region, spec.name); err != nil {
			return fmt.Errorf("unit %s: %w", spec.name, err)
		}
	}
	u := &ding.Unit{ParentID: parentID, Name: spec.name, ShortName: spec.short, Kind: spec.kind, Code: code, SortOrder: sortOrder}
	if err := s.db.CreateUnit(s.ctx, u); err != nil {
		return fmt.Errorf("unit %s: %w", spec.name, err)
	}
	s.units[spec.name] = u
	s.res.Units++
	for i, child := range spec.children {
		if err := s.createTree(child, u.ID, region, (i+1)*10); err != nil {
			return err
		}
	}
	return nil
}

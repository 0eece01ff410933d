package demo

import (
	"fmt"

	"ding"
)

// userSpec describes a demo account: one per role, placed where that role works.
type userSpec struct {
	username, displayName string
	role                  ding.Role
	scope                 ding.DataScope
	unit                  string // full name of a unit of orgTree
}

// demoUsers are the demo accounts, in the order they are printed.
var demoUsers = []userSpec{
	{"admin", "系统管理员", ding.RoleAdmin, ding.ScopeAll, "衢江区"},
	// The project office sits at the district itself, so that "own unit and below" covers
	// every town, department, park and enterprise of the district.
	{"xmb", "项目办", ding.RoleOffice, ding.ScopeUnitTree, "衢江区"},
	{"lingdao", "区领导", ding.RoleLeader, ding.ScopeUnitTree, "衢江区"},
	{"zhangtan", "樟潭街道联络员", ding.RoleLiaison, ding.ScopeUnit, "樟潭街道"},
	{"nianli", "廿里镇联络员", ding.RoleLiaison, ding.ScopeUnit, "廿里镇"},
	{"fgj", "发改局联络员", ding.RoleLiaison, ding.ScopeUnit, "衢江区发展和改革局"},
	// The city's view: an office at 衢州市 sees all of its districts.
	{"shi", "市发改委", ding.RoleOffice, ding.ScopeUnitTree, "衢州市"},
	{"guest", "查看", ding.RoleViewer, ding.ScopeUnitTree, "衢江区"},
}

// seedUsers creates the demo accounts, all with the same password hash.
func (s *seeder) seedUsers() error {
	for _, spec := range demoUsers {
		un, err := s.unit(spec.unit)
		if err != nil {
			return fmt.Errorf("user %s: %w", spec.username, err)
		}
		u := &ding.User{Username: spec.username, DisplayName: spec.displayName, UnitID: un.ID, Role: spec.role, Scope: spec.scope}
		if err := s.db.CreateUser(s.ctx, u, s.hash); err != nil {
			return fmt.Errorf("user %s: %w", spec.username, err)
		}
		s.res.Users++
		s.res.Logins = append(s.res.Logins, Login{
			Username:    u.Username,
			Password:    s.password,
			DisplayName: u.DisplayName,
			Role:        string(u.Role),
			Unit:        un.Name,
		})
	}
	return nil
}

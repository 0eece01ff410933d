package ding

import "context"

// Role is what a user does in ding. Each role has a default data scope.
type Role string

const (
	RoleAdmin   Role = "admin"   // 系统管理员
	RoleOffice  Role = "office"  // 项目办
	RoleLeader  Role = "leader"  // 领导
	RoleLiaison Role = "liaison" // 联络员
	RoleViewer  Role = "viewer"  // 查看
)

// Roles lists every role in display order.
var Roles = []Role{RoleAdmin, RoleOffice, RoleLeader, RoleLiaison, RoleViewer}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// DataScope says which records a user may see (RuoYi's data scopes).
type DataScope string

const (
	ScopeAll      DataScope = "all"       // 全部数据
	ScopeUnitTree DataScope = "unit_tree" // 本单位及以下
	ScopeUnit     DataScope = "unit"      // 本单位
	ScopeSelf     DataScope = "self"      // 仅本人
)

// Scopes lists every data scope, widest first.
var Scopes = []DataScope{ScopeAll, ScopeUnitTree, ScopeUnit, ScopeSelf}

// Valid reports whether s is a known scope.
func (s DataScope) Valid() bool {
	for _, x := range Scopes {
		if s == x {
			return true
		}
	}
	return false
}

// DefaultScope is the data scope a new user of role r gets unless told otherwise.
func (r Role) DefaultScope() DataScope {
	switch r {
	case RoleAdmin:
		return ScopeAll
	case RoleOffice, RoleLeader, RoleViewer:
		return ScopeUnitTree
	case RoleLiaison:
		return ScopeUnit
	}
	return ScopeSelf
}

// Actor is who is acting: a logged-in user, a token holder, or the system itself
// (command line, demo generator, nightly jobs). The store filters every read by the
// actor's scope and records the actor in every audit entry.
type Actor struct {
	UserID   int64
	Username string
	UnitID   int64
	Role     Role
	Scope    DataScope
	IP       string
	System   bool // the program itself: scope all, every permission
}

// SystemActor is the actor of command-line tools and background jobs.
func SystemActor(what string) *Actor {
	return &Actor{Username: what, Role: RoleAdmin, Scope: ScopeAll, System: true}
}

// CanManageUnits reports whether the actor may create and change units (within scope).
func (a *Actor) CanManageUnits() bool {
	return a.System || a.Role == RoleAdmin || a.Role == RoleOffice
}

// CanManageUsers reports whether the actor may create and change users (within scope).
func (a *Actor) CanManageUsers() bool {
	return a.System || a.Role == RoleAdmin || a.Role == RoleOffice
}

// IsAdmin reports whether the actor is an administrator (or the system).
func (a *Actor) IsAdmin() bool { return a.System || a.Role == RoleAdmin }

type actorKey struct{}

// WithActor returns a context that carries the actor.
func WithActor(ctx context.Context, a *Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor in ctx, or nil.
func ActorFrom(ctx context.Context) *Actor {
	a, _ := ctx.Value(actorKey{}).(*Actor)
	return a
}

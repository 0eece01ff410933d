package demo_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"ding"
	"ding/auth"
	"ding/demo"
	"ding/store"
	"ding/store/storetest"
)

func sys() context.Context { return ding.WithActor(context.Background(), ding.SystemActor("test")) }

func as(u *ding.User) context.Context {
	return ding.WithActor(context.Background(), &ding.Actor{UserID: u.ID, Username: u.Username, UnitID: u.UnitID, Role: u.Role, Scope: u.Scope})
}

func allUnits(t *testing.T, db *store.DB) []*ding.Unit {
	t.Helper()
	units, total, err := db.FindUnits(sys(), ding.UnitFilter{IncludeDisabled: true})
	if err != nil || total != len(units) {
		t.Fatalf("find units: %d of %d, %v", len(units), total, err)
	}
	return units
}

func allUsers(t *testing.T, db *store.DB) []*ding.User {
	t.Helper()
	users, total, err := db.FindUsers(sys(), ding.UserFilter{IncludeDisabled: true})
	if err != nil || total != len(users) {
		t.Fatalf("find users: %d of %d, %v", len(users), total, err)
	}
	return users
}

func user(t *testing.T, db *store.DB, username string) *ding.User {
	t.Helper()
	users, _, err := db.FindUsers(sys(), ding.UserFilter{Username: username})
	if err != nil || len(users) != 1 {
		t.Fatalf("user %s: %d found, %v", username, len(users), err)
	}
	return users[0]
}

// TestSeed seeds the demo once per engine — seeding replays a year of warnings, demands
// and meetings, the slowest thing the tests do under -race — and checks all of it.
func TestSeed(t *testing.T) {
	prints := map[string]string{}
	passwords := map[string]string{}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		res, err := demo.Seed(context.Background(), db, auth.FastHasher, "")
		if err != nil {
			t.Fatal(err)
		}
		password := res.Logins[0].Password
		passwords[t.Name()] = password
		t.Run("generated password", func(t *testing.T) { checkGeneratedPassword(t, db, res) })
		t.Run("projects", func(t *testing.T) { prints[t.Name()] = checkProjects(t, db, res) })
		t.Run("demands, meetings, commitments", func(t *testing.T) { checkItems(t, db) })
		t.Run("bulletins", func(t *testing.T) { checkBulletins(t, db, res) })
		t.Run("targets, competitions, contest", func(t *testing.T) { checkTargets(t, db, res) })

		units := allUnits(t, db)
		if len(units) != res.Units {
			t.Fatalf("%d units in the database, Result says %d", len(units), res.Units)
		}
		byName := map[string]*ding.Unit{}
		byKind := map[ding.UnitKind]int{}
		codes := map[string]string{}
		for _, u := range units {
			byName[u.Name] = u
			byKind[u.Kind]++
			if u.ShortName == "" {
				t.Errorf("%s has no short name", u.Name)
			}
			if u.SortOrder <= 0 {
				t.Errorf("%s has sort order %d", u.Name, u.SortOrder)
			}
			switch u.Kind.CodeKind() {
			case "division":
				if !ding.ValidDivisionCode(u.Code) || !strings.HasPrefix(u.Code, "3308") {
					t.Errorf("%s: division code %q", u.Name, u.Code)
				}
			case "uscc":
				if !ding.ValidUSCC(u.Code) || !strings.HasPrefix(u.Code, "91330803") {
					t.Errorf("%s: USCC %q", u.Name, u.Code)
				}
			}
			if u.Code != "" {
				if other, dup := codes[u.Code]; dup {
					t.Errorf("%s and %s share code %s", other, u.Name, u.Code)
				}
				codes[u.Code] = u.Name
			}
		}
		want := map[ding.UnitKind]int{
			ding.UnitCity: 1, ding.UnitDistrict: 6, ding.UnitTown: 20,
			ding.UnitDepartment: 12, ding.UnitPark: 2, ding.UnitEnterprise: 11,
		}
		for k, n := range want {
			if byKind[k] != n {
				t.Errorf("%d units of kind %s, want %d", byKind[k], k, n)
			}
		}

		city, district := byName["衢州市"], byName["衢江区"]
		if city == nil || city.ParentID != 0 || city.Code != "330800" {
			t.Fatalf("city %+v", city)
		}
		if district == nil || district.Code != "330803" || district.ParentID != city.ID || district.Kind != ding.UnitDistrict {
			t.Fatalf("district %+v", district)
		}
		if res.DistrictID != district.ID {
			t.Fatalf("DistrictID %d, want %d", res.DistrictID, district.ID)
		}
		if zt := byName["樟潭街道"]; zt == nil || zt.ParentID != district.ID || zt.Kind != ding.UnitTown || zt.ShortName != "樟潭" || zt.Depth != 2 {
			t.Fatalf("樟潭街道 %+v", zt)
		}
		// 信安街道 and 双港街道 are 柯城区's, not 衢江区's.
		for _, name := range []string{"信安街道", "双港街道"} {
			if byName[name] != nil {
				t.Errorf("%s is not in 衢江区", name)
			}
		}
		byID := map[int64]*ding.Unit{}
		for _, u := range units {
			byID[u.ID] = u
		}
		for _, u := range units {
			if u.Kind == ding.UnitEnterprise {
				parent := byID[u.ParentID]
				if parent == nil || (parent.Kind != ding.UnitPark && parent.Kind != ding.UnitTown) || parent.ParentID != district.ID {
					t.Errorf("enterprise %s is under %+v, want a park or town of the district", u.Name, parent)
				}
			}
		}

		// Users: the logins, in order, each with the password and its stored hash.
		users := allUsers(t, db)
		if len(users) != res.Users || len(res.Logins) != res.Users {
			t.Fatalf("%d users in the database, Result says %d with %d logins", len(users), res.Users, len(res.Logins))
		}
		var names []string
		for _, l := range res.Logins {
			names = append(names, l.Username)
			if l.Password != password {
				t.Errorf("%s: password %q", l.Username, l.Password)
			}
			rec, err := db.UserForLogin(context.Background(), l.Username)
			if err != nil {
				t.Fatalf("%s: %v", l.Username, err)
			}
			if ok, err := auth.Verify(rec.PasswordHash, password); !ok || err != nil {
				t.Errorf("%s: password does not verify: %v", l.Username, err)
			}
			if ok, _ := auth.Verify(rec.PasswordHash, password+"x"); ok {
				t.Errorf("%s: a wrong password verifies", l.Username)
			}
			if rec.User.DisplayName != l.DisplayName || rec.User.UnitName != l.Unit || string(rec.User.Role) != l.Role {
				t.Errorf("login %+v, stored %+v", l, rec.User)
			}
		}
		if got := strings.Join(names, ","); got != "admin,xmb,lingdao,zhangtan,nianli,fgj,shi,guest,wangfq,lifq,chenfq" {
			t.Fatalf("logins %s", got)
		}

		cases := []struct {
			username string
			role     ding.Role
			scope    ding.DataScope
			unit     string
		}{
			{"admin", ding.RoleAdmin, ding.ScopeAll, "衢江区"},
			{"xmb", ding.RoleOffice, ding.ScopeUnitTree, "衢江区"},
			{"lingdao", ding.RoleLeader, ding.ScopeUnitTree, "衢江区"},
			{"zhangtan", ding.RoleLiaison, ding.ScopeUnit, "樟潭街道"},
			{"nianli", ding.RoleLiaison, ding.ScopeUnit, "廿里镇"},
			{"fgj", ding.RoleLiaison, ding.ScopeUnit, "衢江区发展和改革局"},
			{"shi", ding.RoleOffice, ding.ScopeUnitTree, "衢州市"},
			{"guest", ding.RoleViewer, ding.ScopeUnitTree, "衢江区"},
		}
		for _, c := range cases {
			u := user(t, db, c.username)
			if u.Role != c.role || u.Scope != c.scope || u.UnitName != c.unit || u.UnitID != byName[c.unit].ID {
				t.Errorf("%s: role %s scope %s unit %s, want %s %s %s", c.username, u.Role, u.Scope, u.UnitName, c.role, c.scope, c.unit)
			}
		}

		// Scopes: the district office sees the district's subtree, the city office all of
		// it, and a town liaison only their town.
		under, _, err := db.FindUnits(sys(), ding.UnitFilter{Under: district.ID})
		if err != nil {
			t.Fatal(err)
		}
		seen := func(username string) int {
			_, n, err := db.FindUnits(as(user(t, db, username)), ding.UnitFilter{})
			if err != nil {
				t.Fatalf("%s: %v", username, err)
			}
			return n
		}
		if n := seen("xmb"); n != len(under) || n != 1+20+11+2+11 {
			t.Errorf("xmb sees %d units, want the district's %d", n, len(under))
		}
		if n := seen("shi"); n != res.Units {
			t.Errorf("shi sees %d units, want %d", n, res.Units)
		}
		if n := seen("zhangtan"); n != 1 {
			t.Errorf("zhangtan sees %d units, want 1", n)
		}

		// A second Seed refuses and adds nothing.
		_, err = demo.Seed(context.Background(), db, auth.FastHasher, password)
		if !errors.Is(err, demo.ErrNotEmpty) || !strings.Contains(err.Error(), "already has") {
			t.Fatalf("second seed: %v", err)
		}
		if n := len(allUnits(t, db)); n != res.Units {
			t.Fatalf("%d units after a second seed, want %d", n, res.Units)
		}
		if n := len(allUsers(t, db)); n != res.Users {
			t.Fatalf("%d users after a second seed, want %d", n, res.Users)
		}
	})
	// Each database gets its own password; every seed makes the same projects and figures.
	if len(passwords) == 2 {
		var pws []string
		for _, pw := range passwords {
			pws = append(pws, pw)
		}
		if pws[0] == pws[1] {
			t.Fatalf("two seeds generated the same password %q", pws[0])
		}
	}
	var first string
	for name, p := range prints {
		if first == "" {
			first = p
		} else if p != first {
			t.Fatalf("%s seeded other projects than the first seed", name)
		}
	}
}

// checkGeneratedPassword: one generated password for every demo account, strong enough.
func checkGeneratedPassword(t *testing.T, db *store.DB, res *demo.Result) {
	pw := res.Logins[0].Password
	if len(pw) < 12 || ding.ValidatePassword(pw) != nil || strings.ContainsAny(pw, "-_") {
		t.Fatalf("generated password %q", pw)
	}
	for _, l := range res.Logins {
		if l.Password != pw {
			t.Fatalf("%s has password %q, admin %q: want one password for all", l.Username, l.Password, pw)
		}
	}
	rec, err := db.UserForLogin(context.Background(), "admin")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := auth.Verify(rec.PasswordHash, pw); !ok || err != nil {
		t.Fatalf("generated password does not verify: %v", err)
	}
}

func TestSeedRefusesWeakPassword(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		_, err := demo.Seed(context.Background(), db, auth.FastHasher, "demo")
		if e := ding.AsError(err); e.Key != "user.password_short" {
			t.Fatalf("weak password: %v", err)
		}
		if n := len(allUnits(t, db)); n != 0 {
			t.Fatalf("%d units after a refused seed", n)
		}
	})
}

package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"ding"
	"ding/auth"
	"ding/store"
)

// Page benchmarks on the generated province of the store benchmarks (store.Generate:
// 100,000 projects, 2.4 M reports), rendered through the whole handler stack as a city's
// project office (scope: its ~300-unit subtree). Like the store's, they run only with
// DING_BENCH_BIG=1 and share its data set (store.OpenGenerated: a SQLite file in
// os.TempDir(), a schema of the DING_TEST_POSTGRES database), generating it on first use.
//
//	DING_BENCH_BIG=1 DING_TEST_POSTGRES=postgres://… go test -run XXX -bench Projects -benchtime 20x -timeout 60m ./web

// bigSite is a server on a generated province, logged in as the city office.
type bigSite struct {
	h       http.Handler
	cookies []*http.Cookie
	project int64
}

var (
	bigSiteMu sync.Mutex
	bigSites  = map[string]*bigSite{}
)

func openBigSite(b *testing.B, engine string) *bigSite {
	b.Helper()
	bigSiteMu.Lock()
	defer bigSiteMu.Unlock()
	if s := bigSites[engine]; s != nil {
		return s
	}
	o := store.GenOptions{Seed: 1, Units: 3000, Projects: 100_000, ReportsPerProject: 24}
	if n, err := strconv.Atoi(os.Getenv("DING_BENCH_PROJECTS")); err == nil && n > 0 {
		o.Projects = n
	}
	target := os.TempDir()
	if engine == "postgres" {
		target = os.Getenv("DING_TEST_POSTGRES")
	}
	ctx := ding.WithActor(context.Background(), ding.SystemActor("bench"))
	db, res, err := store.OpenGenerated(ctx, target, o)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: %d projects, %d reports", engine, res.Projects, res.Reports)
	// The clock starts at the end of the generated data, so that this year has reports.
	t0 := time.Now()
	db.Now = func() time.Time { return time.Date(2024, 12, 20, 2, 0, 0, 0, time.UTC).Add(time.Since(t0)) }
	cities, _, err := db.FindUnits(ctx, ding.UnitFilter{Kind: ding.UnitCity})
	if err != nil {
		b.Fatal(err)
	}
	var city *ding.Unit
	for _, c := range cities {
		if c.Depth == 1 && (city == nil || c.ID < city.ID) {
			city = c
		}
	}
	// The office user lives in the shared data set; the first run makes it.
	const name = "bench_office"
	if _, err := db.UserForLogin(ctx, name); err != nil {
		hash, err := auth.FastHasher.Hash(testPassword)
		if err != nil {
			b.Fatal(err)
		}
		if err := db.CreateUser(ctx, &ding.User{Username: name, DisplayName: "市项目办", UnitID: city.ID, Role: ding.RoleOffice}, hash); err != nil {
			b.Fatal(err)
		}
	}
	srv, err := New(db, Options{Hasher: auth.FastHasher, MaxBodyBytes: 64 << 10, Logger: testLogger(), DataDir: b.TempDir(),
		LoginPolicy: ding.LoginPolicy{SlowAfter: 3, MaxDelay: 30e9, LockAfter: 5, LockFor: 15 * 60e9}})
	if err != nil {
		b.Fatal(err)
	}
	f := &fixture{t: b, db: db, srv: srv, units: map[string]*ding.Unit{}, users: map[string]*ding.User{}, tokens: map[string]string{}}
	f.ts = httptest.NewServer(srv.Handler())
	defer f.ts.Close()
	c := f.login(name)
	req, _ := http.NewRequest("GET", f.ts.URL+"/projects", nil)
	s := &bigSite{h: srv.Handler(), cookies: c.hc.Jar.Cookies(req.URL)}
	office := ding.WithActor(context.Background(), &ding.Actor{UserID: 999_999, UnitID: city.ID, Role: ding.RoleOffice, Scope: ding.ScopeUnitTree})
	ps, _, err := db.FindProjects(office, ding.ProjectFilter{Stages: []ding.Stage{ding.StageStarted, ding.StageCompleted, ding.StageProducing},
		Year: 2024, Sort: "total_investment", Desc: true, Limit: 50})
	if err != nil || len(ps) == 0 {
		b.Fatalf("list: %v", err)
	}
	s.project = ps[len(ps)/2].ID
	bigSites[engine] = s
	return s
}

// benchGet renders path through the handler and reports the median request.
func benchGet(b *testing.B, path, want string) {
	engines := []string{"sqlite"}
	if os.Getenv("DING_BENCH_BIG") != "1" {
		b.Skip("DING_BENCH_BIG=1 runs this benchmark on a generated province of 100,000 projects")
	}
	if os.Getenv("DING_TEST_POSTGRES") != "" {
		engines = append(engines, "postgres")
	}
	for _, e := range engines {
		s := openBigSite(b, e)
		p := strings.ReplaceAll(path, "{project}", strconv.FormatInt(s.project, 10))
		req := httptest.NewRequest("GET", p, nil)
		for _, ck := range s.cookies {
			req.AddCookie(ck)
		}
		b.Run(e, func(b *testing.B) {
			var ds []time.Duration
			for b.Loop() {
				t := time.Now()
				w := httptest.NewRecorder()
				s.h.ServeHTTP(w, req)
				ds = append(ds, time.Since(t))
				if w.Code != 200 || !strings.Contains(w.Body.String(), want) {
					b.Fatalf("GET %s: status %d", p, w.Code)
				}
			}
			slices.Sort(ds)
			b.ReportMetric(float64(ds[len(ds)/2].Microseconds())/1000, "median-ms")
		})
	}
}

// BenchmarkProjectsListHTML: GET /projects with the list of the store benchmark (a):
// stage in (开工, 竣工, 投产) within the city's subtree, by total investment, 50 a page,
// with the totals, rendered as HTML.
func BenchmarkProjectsListHTML(b *testing.B) {
	benchGet(b, "/projects?stage=started&stage=completed&stage=producing&sort=total_investment&desc=1", "</table>")
}

// BenchmarkProjectPageHTML: GET /projects/{id}, a project under construction of the city.
func BenchmarkProjectPageHTML(b *testing.B) {
	benchGet(b, "/projects/{project}", "</html>")
}

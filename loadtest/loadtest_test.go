package loadtest_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"ding"
	"ding/auth"
	"ding/loadtest"
	"ding/store"
	"ding/store/storetest"
	"ding/web"
)

const password = "Load-test-2026"

// province generates a small province with users who log in with password, and serves it
// on loopback (wrap, when set, wraps the server's handler).
func province(t *testing.T, db *store.DB, o store.GenOptions, wrap func(http.Handler) http.Handler) string {
	t.Helper()
	ctx := ding.WithActor(context.Background(), ding.SystemActor("test"))
	hash, err := auth.FastHasher.Hash(password)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	defer func() { t.Logf("generated and serving in %s", time.Since(start)) }()
	o.PasswordHash = hash
	if _, err := db.Generate(ctx, o); err != nil {
		t.Fatal(err)
	}
	// The test proves that no write is lost and no answer is a 5xx, not how fast: under the
	// race detector on a busy machine a request can take longer than the server's 30 s.
	srv, err := web.New(db, web.Options{DataDir: t.TempDir(), Hasher: auth.FastHasher, RequestTimeout: 10 * time.Minute, HeavyTimeout: 10 * time.Minute, Logger: slog.New(slog.NewTextHandler(testLogOut, &slog.HandlerOptions{Level: slog.LevelError}))})
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	if wrap != nil {
		h = wrap(h)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts.URL
}

// TestLoadtestSmall runs the month-end load at small scale on each engine: 20 users, 400
// requests (200 under the race detector, which slows the pure-Go SQLite tenfold, and then
// not every kind of request need come round). No answer may be a 5xx, every write must be accounted for, and every kind of
// request must have been made.
func TestLoadtestSmall(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		url := province(t, db, store.GenOptions{Seed: 5, Units: 60, Projects: 120, ReportsPerProject: 24, Users: 120, Demands: 600}, nil)
		cfg := loadtest.Config{URLs: []string{url}, DB: db, Timeout: 10 * time.Minute, Users: 20, Requests: smallRequests, Password: password, Seed: 3,
			Think: -1, Ramp: time.Millisecond, InvalidShare: 20}
		res, err := loadtest.Run(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("ran in %s", res.Elapsed)
		chk, err := loadtest.Check(context.Background(), db, res)
		if err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		res.WriteTo(&out)
		chk.WriteTo(&out)
		if testing.Verbose() {
			t.Log("\n" + out.String())
		}
		if !chk.OK() || res.Server5xx != 0 || res.NoResponse != 0 {
			t.Fatalf("problems %v\n%s", chk.Problems(), out.String())
		}
		if res.Requests != smallRequests || res.Users != 20 || res.Liaisons != 15 || res.Offices != 5 {
			t.Fatalf("ran %d requests with %d users (%d liaisons, %d offices)\n%s", res.Requests, res.Users, res.Liaisons, res.Offices, out.String())
		}
		total := 0
		for _, k := range res.Kinds {
			total += k.Count
		}
		kinds := []string{loadtest.KindLogin, loadtest.KindProjectList, loadtest.KindReportSubmit, loadtest.KindDashboard}
		if smallRequests >= 400 {
			kinds = []string{loadtest.KindLoginForm, loadtest.KindLogin, loadtest.KindHome, loadtest.KindProjectList, loadtest.KindProject,
				loadtest.KindReportForm, loadtest.KindReportSubmit, loadtest.KindItemList, loadtest.KindItem, loadtest.KindDemandAnswer,
				loadtest.KindDashboard, loadtest.KindWarnings, loadtest.KindExport}
		}
		for _, kind := range kinds {
			k := res.Kind(kind)
			if k == nil || k.Count == 0 || k.P50 <= 0 || k.P99 < k.P50 || k.Max < k.P99 || k.PerSecond <= 0 {
				t.Fatalf("kind %q: %+v\n%s", kind, k, out.String())
			}
		}
		if total != smallRequests || res.Kind(loadtest.KindLogin).Count != 20 {
			t.Fatalf("%d requests in the table\n%s", total, out.String())
		}
		// The writes: accepted, and the invalid ones refused with the form's message.
		writes := map[string]int{}
		for _, w := range res.Writes {
			if w.Accepted() {
				writes[w.Kind]++
			}
			if w.Invalid && (w.Status != http.StatusUnprocessableEntity || w.Message == "") {
				t.Fatalf("invalid write answered %d %q", w.Status, w.Message)
			}
		}
		if writes[loadtest.KindReportSubmit] == 0 || (smallRequests >= 400 && writes[loadtest.KindDemandAnswer] == 0) || chk.Refused < chk.Invalid ||
			chk.Accepted+chk.Refused != len(res.Writes) || chk.Accepted == 0 {
			t.Fatalf("writes %v, check %+v", writes, chk)
		}
		if !strings.Contains(out.String(), "all page views") || !strings.Contains(out.String(), "OK: every accepted write") {
			t.Fatalf("report:\n%s", out.String())
		}
	})
}

// TestLoadtestFailures: what the load test must catch — a route answering 5xx, a wrong
// password (refused logins; no user retries, so no account locks), and writes the database
// does not hold as the answers said.
func TestLoadtestFailures(t *testing.T) {
	db := storetest.Open(t, storetest.SQLite)
	broken := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/warnings" {
				http.Error(w, "boom", http.StatusInternalServerError)
				return
			}
			h.ServeHTTP(w, r)
		})
	}
	url := province(t, db, store.GenOptions{Seed: 6, Units: 40, Projects: 40, ReportsPerProject: 24, Users: 60, Demands: 80}, broken)
	ctx := context.Background()
	cfg := loadtest.Config{URLs: []string{url}, DB: db, Timeout: 10 * time.Minute, Users: 4, Requests: 60, Password: password, Seed: 9, Think: -1, Ramp: time.Millisecond, OfficeShare: 50}
	res, err := loadtest.Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	chk, err := loadtest.Check(ctx, db, res)
	if err != nil {
		t.Fatal(err)
	}
	if k := res.Kind(loadtest.KindWarnings); k == nil || k.Status5xx == 0 || k.Status5xx != k.Count || res.Server5xx != k.Count || chk.OK() ||
		!strings.Contains(strings.Join(chk.Problems(), ";"), "5xx") || len(res.Failures) == 0 || res.Failures[0].Status != 500 {
		t.Fatalf("a failing route: %+v %+v %v", k, res.Failures, chk.Problems())
	}

	// A wrong password: each user tries once and stops.
	cfg.Password, cfg.Requests = "wrong-password-1", 100
	res, err = loadtest.Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	chk, err = loadtest.Check(ctx, db, res)
	if err != nil {
		t.Fatal(err)
	}
	if k := res.Kind(loadtest.KindLogin); k == nil || k.Count != 4 || k.Status4xx != 4 || res.Requests != 8 || chk.OK() || res.Unexpected != 4 {
		t.Fatalf("wrong password: %+v, %d requests, %v", k, res.Requests, chk.Problems())
	}
	sys := ding.WithActor(ctx, ding.SystemActor("test"))
	us, _, err := db.FindUsers(sys, ding.UserFilter{Username: res.Failures[0].User})
	if err != nil || len(us) != 1 || us[0].FailedLogins != 1 || us[0].LockedUntil != nil {
		t.Fatalf("user after one wrong login: %+v %v", us, err)
	}

	// Writes the answers and the database disagree on.
	reps, _, err := db.FindReports(sys, store.ReportFilter{Period: "2024-06", Limit: 1})
	if err != nil || len(reps) != 1 {
		t.Fatal(err)
	}
	rep := reps[0]
	dup := &ding.ProgressReport{ProjectID: rep.ProjectID, Period: "2024-06", Completed: 1, ProgressText: "twice ltx-000002", ProgressPct: 10}
	for range 2 {
		d := *dup
		if err := db.SubmitReport(sys, &d, nil); err != nil {
			t.Fatal(err)
		}
	}
	stored := &ding.ProgressReport{ProjectID: rep.ProjectID, Period: "2024-06", Completed: 1, ProgressText: "stored ltx-000004", ProgressPct: 10}
	if err := db.SubmitReport(sys, stored, nil); err != nil {
		t.Fatal(err)
	}
	fake := &loadtest.Result{Writes: []loadtest.Write{
		{Kind: loadtest.KindReportSubmit, Marker: "ltx-000001", ProjectID: rep.ProjectID, Period: "2024-06", Photos: 1, Status: 303},    // lost
		{Kind: loadtest.KindReportSubmit, Marker: "ltx-000002", ProjectID: rep.ProjectID, Period: "2024-06", Status: 303},               // twice
		{Kind: loadtest.KindReportSubmit, Marker: "ltx-000003", ProjectID: rep.ProjectID, Period: "2024-06", Status: 422},               // no message
		{Kind: loadtest.KindReportSubmit, Marker: "ltx-000004", ProjectID: rep.ProjectID, Period: "2024-06", Status: 422, Message: "x"}, // refused but stored
	}}
	chk, err = loadtest.Check(ctx, db, fake)
	if err != nil {
		t.Fatal(err)
	}
	if len(chk.Lost) != 1 || chk.Lost[0].Marker != "ltx-000001" || len(chk.Duplicated) != 1 || chk.Duplicated[0].Marker != "ltx-000002" ||
		len(chk.Unclear) != 1 || len(chk.StoredRefused) != 1 || chk.OK() || chk.Accepted != 2 || chk.Refused != 2 || len(chk.Problems()) != 4 {
		t.Fatalf("check of disagreeing writes: %+v", chk)
	}

	// A run needs somewhere to go and a bound.
	for _, c := range []loadtest.Config{
		{DB: db, Duration: time.Second, Password: password},
		{URLs: []string{url}, Duration: time.Second, Password: password},
		{URLs: []string{url}, DB: db, Password: password},
		{URLs: []string{url}, DB: db, Duration: time.Second},
	} {
		if _, err := loadtest.Run(ctx, c); err == nil {
			t.Fatalf("ran with %+v", c)
		}
	}
}

var testLogOut io.Writer = os.Stderr

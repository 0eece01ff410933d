package systest

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"ding"
	"ding/loadtest"
	"ding/notify/smtptest"
	"ding/store"
	"ding/store/storetest"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// TestThreeServersOnePostgres: three ding processes on one PostgreSQL share the month-end
// load; one is killed with SIGKILL in the middle. Afterwards:
//   - every write a server accepted is in the database exactly once (loadtest.Check), no
//     server answered 5xx, and only requests to the killed server went unanswered;
//   - every e-mail notification queued during the run was delivered: the SMTP server got
//     each message at least once, and a message came twice only if the killed server had
//     it claimed (at most one batch), the repeat carrying the same Message-ID;
//   - every background job slot ran once: finished, claimed once unless the killed server
//     held it.
func TestThreeServersOnePostgres(t *testing.T) {
	dsn := storetest.DSN(t, storetest.Postgres)
	const password = "Load-test-2026"
	run(t, nil, "gen", "--db", dsn, "--seed", "11", "--units", "60", "--projects", "150", "--users", "120", "--demands", "500",
		"--password", password, "--quiet")

	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	// Everyone gets e-mail, so that every event of the run is a message to deliver.
	if _, err := raw.Exec(`UPDATE users SET email = username || '@ding.test'`); err != nil {
		t.Fatal(err)
	}
	smtp := smtptest.New(t)
	data := t.TempDir()
	env := []string{"DING_DATABASE_URL=" + dsn, "DING_DATA=" + data, "DING_SESSION_SECRET=" + strings.Repeat("three-servers-", 4),
		"DING_SMTP_ADDR=" + smtp.Addr, "DING_SMTP_FROM=鼎 <ding@ding.test>", "DING_SMTP_TLS=none", "DING_NOTIFY_LEASE=3s",
		"DING_LOG_LEVEL=warn"}
	var servers []*server
	for i := range 3 {
		servers = append(servers, start(t, fmt.Sprintf("server %d", i+1), env))
	}
	victim := servers[1]

	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var urls []string
	for _, s := range servers {
		urls = append(urls, s.URL)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var res *loadtest.Result
	var runErr error
	var wg sync.WaitGroup
	wg.Go(func() {
		res, runErr = loadtest.Run(ctx, loadtest.Config{URLs: urls, DB: db, Users: 24, Duration: 12 * time.Second, Password: password,
			Seed: 5, Think: 150 * time.Millisecond, Ramp: time.Second, InvalidShare: 10, Timeout: 20 * time.Second})
	})
	time.Sleep(5 * time.Second)
	// Which notifications had the victim claimed when it died? Any row claimed now and
	// still pending may be one; the repeat window is theirs.
	victim.kill(t)
	killedAt := time.Now()
	wg.Wait()
	if runErr != nil {
		t.Fatal(runErr)
	}
	t.Logf("load: %d requests in %s, %d writes, %d unanswered", res.Requests, res.Elapsed.Round(time.Millisecond), len(res.Writes), res.NoResponse)

	// Writes: accounted for; no 5xx; unanswered requests only at the killed server.
	chk, err := loadtest.Check(context.Background(), db, res)
	if err != nil {
		t.Fatal(err)
	}
	if chk.Accepted == 0 || res.Requests < 100 {
		t.Fatalf("too little load to prove anything: %d requests, %d writes accepted", res.Requests, chk.Accepted)
	}
	for _, p := range chk.Problems() {
		if strings.HasSuffix(p, "requests without an answer") {
			continue
		}
		t.Errorf("load: %s", p)
	}
	for _, f := range res.Failures {
		if f.Status == 0 && f.URL != victim.URL {
			t.Errorf("a live server left a request unanswered: %+v", f)
		}
	}
	if res.NoResponse == 0 {
		t.Errorf("no request went to the killed server after %s: the kill proved nothing", killedAt.Format(time.TimeOnly))
	}

	// Notifications: the live servers deliver everything, the dead one's claims included
	// once its lease (3 s) has passed.
	waitFor(t, "the e-mail outbox drains", 60*time.Second, func() (bool, string) {
		var pending int
		if err := raw.QueryRow(`SELECT COUNT(*) FROM notifications WHERE channel = 'email' AND status = 'pending'`).Scan(&pending); err != nil {
			return false, err.Error()
		}
		return pending == 0, fmt.Sprintf("%d pending", pending)
	})
	rows, err := raw.Query(`SELECT message_id, status FROM notifications WHERE channel = 'email'`)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for rows.Next() {
		var id, status string
		if err := rows.Scan(&id, &status); err != nil {
			t.Fatal(err)
		}
		if status != "sent" {
			t.Errorf("notification %s ended %s", id, status)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if len(ids) == 0 {
		t.Fatal("the run queued no e-mail: nothing to prove")
	}
	got := map[string]int{}
	for _, m := range smtp.Messages() {
		id := strings.TrimSuffix(strings.TrimPrefix(m.MessageID, "<"), ">")
		if i := strings.LastIndexByte(id, '@'); i >= 0 {
			id = id[:i]
		}
		if x := m.Header.Get("X-Ding-Message-Id"); x != "" && x != id {
			t.Errorf("message %s: X-Ding-Message-Id %s differs from its Message-ID", id, x)
		}
		got[id]++
	}
	repeats := 0
	for _, id := range ids {
		switch n := got[id]; {
		case n == 0:
			t.Errorf("notification %s was never delivered", id)
		case n > 1:
			repeats += n - 1
		}
	}
	// A sender claims at most a batch (20) at a time: only those can repeat.
	if repeats > 20 {
		t.Errorf("%d repeated deliveries: more than the killed server could have had claimed", repeats)
	}
	t.Logf("notifications: %d e-mails, %d delivered, %d repeated (same Message-ID)", len(ids), len(smtp.Messages()), repeats)

	// Jobs: each slot finished, claimed once — twice only if the victim died holding it.
	runs, err := db.FindJobRuns(ding.WithActor(context.Background(), ding.SystemActor("test")), time.Now().Add(-24*time.Hour), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) == 0 {
		t.Fatal("no job ran")
	}
	for _, r := range runs {
		if r.FinishedAt == nil && r.LeaseUntil.After(time.Now()) {
			continue // still running on a live server
		}
		if r.FinishedAt == nil || r.Attempts > 2 {
			t.Errorf("job %s %s: %+v", r.Name, r.Slot, r)
		}
	}

	// The live servers still serve.
	for _, s := range []*server{servers[0], servers[2]} {
		res, err := http.Get(s.URL + "/healthz")
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("%s after the kill: %v", s.name, err)
		}
		res.Body.Close()
	}
}

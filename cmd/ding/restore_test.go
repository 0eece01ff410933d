package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ding"
	"ding/auth"
	"ding/store"
	"ding/store/storetest"
)

// TestBackupRestoreUnderLoad: ding backup of a generated province while writers submit
// reports and create units, ding restore into a fresh database, ding check; the copy holds
// every row of the backup's snapshot (which has every write committed before the backup
// began and none after the writers stopped), and ding serve opens it and lists projects.
func TestBackupRestoreUnderLoad(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) { backupUnderLoad(t, e) })
	}
}

func backupUnderLoad(t *testing.T, e storetest.Engine) {
	ctx := context.Background()
	dsn, data := storetest.DSN(t, e), t.TempDir()
	env := map[string]string{"DING_DATA": data, "DING_DATABASE_URL": dsn}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	// A small province, generated (the demo, written record by record, takes a minute on
	// PostgreSQL), with its warnings judged.
	sys := ding.WithActor(ctx, ding.SystemActor("load"))
	if _, err := db.Generate(sys, store.GenOptions{Seed: 5, Units: 60, Projects: 150, ReportsPerProject: 12, Users: 60, Demands: 150}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RecomputeWarnings(sys, ding.Date{}); err != nil {
		t.Fatal(err)
	}
	photo := []byte("a site photo")
	sum := sha256.Sum256(photo)
	photoName := hex.EncodeToString(sum[:])
	os.MkdirAll(filepath.Join(data, "photos"), 0o750)
	if err := os.WriteFile(filepath.Join(data, "photos", photoName), photo, 0o600); err != nil {
		t.Fatal(err)
	}
	projects, _, err := db.FindProjects(sys, ding.ProjectFilter{Limit: 39})
	if err != nil || len(projects) != 39 {
		t.Fatalf("demo projects: %d %v", len(projects), err)
	}
	count := func(table string) int64 {
		t.Helper()
		var n int64
		if err := db.RawQueryRowForTest(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	auditBefore := count("audit_log")

	// Writers: each write is one transaction that leaves one audit entry or more.
	var writes atomic.Int64
	stop := make(chan struct{})
	errs := make(chan error, 3)
	var wg sync.WaitGroup
	for w := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 5000 {
				select {
				case <-stop:
					return
				default:
				}
				var err error
				if i%3 == 2 {
					err = db.CreateUnit(sys, &ding.Unit{Name: fmt.Sprintf("负载企业%d-%d", w, i), Kind: ding.UnitEnterprise, ParentID: projects[0].UnitID})
				} else {
					// Each writer its own projects: two reports of one project and
					// period at once would race for the same version.
					p := projects[(w+3*i)%len(projects)]
					err = db.SubmitReport(sys, &ding.ProgressReport{ProjectID: p.ID, Period: "2024-11", Completed: int64(i+1) * 10_000,
						ProgressPct: 50, ProgressText: "负载测试中的进度"}, nil)
				}
				if err != nil {
					errs <- fmt.Errorf("writer %d, write %d: %w", w, i, err)
					return
				}
				writes.Add(1)
			}
		}()
	}
	stopWriters := func() {
		select {
		case <-stop:
		default:
			close(stop)
		}
		wg.Wait()
	}
	defer stopWriters()
	for writes.Load() < 30 && len(errs) == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	started := writes.Load()
	archive := filepath.Join(t.TempDir(), "ding-backup.zip")
	out, errOut, err := cli(t, env, "", "backup", "--out", archive, "--with-files")
	during := writes.Load() - started
	stopWriters()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if err != nil {
		t.Fatalf("backup: %v\n%s%s", err, out, errOut)
	}
	if !strings.Contains(out, "verified") || !strings.Contains(out, "1 uploaded files") {
		t.Fatalf("backup said:\n%s", out)
	}
	t.Logf("%d writes before the backup, %d while it ran, %d in all", started, during, writes.Load())

	a, err := store.OpenBackup(archive)
	if err != nil {
		t.Fatal(err)
	}
	m := a.Manifest
	a.Close()
	// The snapshot has what was committed before the backup began, nothing the writers did
	// after it, and is consistent in between (the check below).
	if got := m.Table("audit_log").Rows; got < auditBefore+started || got > count("audit_log") {
		t.Fatalf("the backup has %d audit entries: %d before the load, %d writes before the backup, %d at the end",
			got, auditBefore, started, count("audit_log"))
	}
	if m.Table("progress_reports").Rows > count("progress_reports") || m.Table("units").Rows > count("units") {
		t.Fatal("the backup has rows the database does not")
	}

	// Restore into a fresh database and data directory.
	dsn2, data2 := storetest.DSN(t, e), t.TempDir()
	env2 := map[string]string{"DING_DATA": data2, "DING_DATABASE_URL": dsn2}
	out, errOut, err = cli(t, env2, "", "restore", "--from", archive)
	if err != nil {
		t.Fatalf("restore: %v\n%s%s", err, out, errOut)
	}
	for _, want := range []string{"every row count and checksum as in the backup", "uploaded files: 1 written", "no problems found"} {
		if !strings.Contains(out, want) {
			t.Fatalf("restore output lacks %q:\n%s", want, out)
		}
	}
	if b, err := os.ReadFile(filepath.Join(data2, "photos", photoName)); err != nil || string(b) != string(photo) {
		t.Fatalf("restored photo: %q %v", b, err)
	}
	cp, err := store.Open(ctx, dsn2)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	rep, err := cp.Check(ctx, store.CheckOptions{DataDir: data2})
	if err != nil || !rep.OK() {
		t.Fatalf("check of the copy: %+v %v", rep, err)
	}
	if len(rep.Tables) != len(m.Tables) {
		t.Fatalf("the copy has %d tables, the backup %d", len(rep.Tables), len(m.Tables))
	}
	for _, bt := range m.Tables {
		if rep.Tables[bt.Name] != bt.Rows {
			t.Errorf("%s: %d rows in the copy, %d in the backup", bt.Name, rep.Tables[bt.Name], bt.Rows)
		}
	}
	if out, _, err := cli(t, env2, "", "check"); err != nil || !strings.Contains(out, "ok       unit closure: stray rows") {
		t.Fatalf("ding check: %v\n%s", err, out)
	}

	// Restoring over it again is refused: the SQLite file exists, the PostgreSQL schema is
	// not empty.
	want := "not empty"
	if e == storetest.SQLite {
		want = "--force"
	}
	if _, _, err := cli(t, env2, "", "restore", "--from", archive); err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("restore over the restored database: %v", err)
	}
	if e == storetest.SQLite {
		out, _, err := cli(t, env2, "", "restore", "--from", archive, "--force")
		if err != nil || !strings.Contains(out, "moved the old database aside: "+dsn2+".before-restore-") {
			t.Fatalf("restore --force: %v\n%s", err, out)
		}
	}
	// A damaged archive: refused before anything is written.
	cut := filepath.Join(t.TempDir(), "cut.zip")
	b, _ := os.ReadFile(archive)
	os.WriteFile(cut, b[:len(b)*2/3], 0o600)
	env3 := map[string]string{"DING_DATA": t.TempDir(), "DING_DATABASE_URL": storetest.DSN(t, e)}
	if _, _, err := cli(t, env3, "", "restore", "--from", cut); err == nil || !strings.Contains(err.Error(), "damaged or truncated") {
		t.Fatalf("truncated archive: %v", err)
	}

	// ding serve opens the copy (its migrations match) and lists the projects.
	if out, errOut, err := cli(t, env2, "", "user", "add", "boss", "--unit", "1", "--role", "admin"); err != nil {
		t.Fatalf("user add: %v %s%s", err, out, errOut)
	}
	token, errOut, err := cli(t, env2, "", "user", "token", "boss")
	if err != nil {
		t.Fatalf("token: %v %s", err, errOut)
	}
	cfg := defaultConfig()
	cfg.DataDir, cfg.DatabaseURL, cfg.Addr, cfg.LogLevel = data2, dsn2, "127.0.0.1:0", "warn"
	srv := &Main{Config: cfg, Out: io.Discard, Hasher: auth.FastHasher}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if err := srv.Open(sctx); err != nil {
		t.Fatalf("serve the restored database: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(sctx) }()
	defer func() {
		cancel()
		<-done
		srv.Close()
	}()
	req, _ := http.NewRequest("GET", srv.URL()+"/api/v1/projects?limit=5", nil)
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(token))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var list struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
		Total int `json:"total"`
	}
	if err := json.NewDecoder(res.Body).Decode(&list); err != nil || res.StatusCode != 200 {
		t.Fatalf("project list: %d %v", res.StatusCode, err)
	}
	if int64(list.Total) != m.Table("projects").Rows || len(list.Items) != 5 {
		t.Fatalf("project list of the copy: total %d, %d items; the backup has %d projects", list.Total, len(list.Items), m.Table("projects").Rows)
	}
}

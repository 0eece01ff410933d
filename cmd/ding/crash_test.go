//go:build unix

package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"ding"
	"ding/auth"
	"ding/internal/crash"
	"ding/store"
	"ding/store/storetest"
	"ding/xlsx"
)

// TestCrash kills ding with a real SIGKILL in the middle of its riskiest work and checks,
// after a restart, that each piece of work either happened whole or left no trace, and
// that nothing queued before the crash is lost. ding is built with -tags crashpoints, so
// that DING_CRASH_AT=name[:N] makes the process kill itself at the Nth pass of the named
// point (package internal/crash; docs/architecture.md, "Crashes"). It runs `ding serve`
// as a separate process on loopback, with a small SMTP server of its own, and drives it
// over the JSON API, in this order, on the same database:
//
//  1. import.row:1000 — a 2,000-row Excel import dies half-way through its transaction:
//     no project, no audit event, no warning, no notification.
//  2. import.committed — the same import dies just after its commit: all 2,000 projects,
//     each once, and one audit event. Imported again after the restart: nothing changes.
//  3. bulletin.publish — publishing dies before its commit: the same draft, nothing
//     queued, no audit event.
//  4. bulletin.published — publishing again dies after its commit: published, the data as
//     drafted, one audit event, one notification per recipient and channel queued (with no
//     mail server configured, the e-mail waits). A third publish is refused.
//  5. notify.accepted:2 — with a mail server, the sender dies after the server accepted
//     its second message and before ding recorded it. After the restart (and the end of
//     the lease) every queued message arrives; exactly that one arrives twice, with the
//     same Message-ID, as docs/notifications.md says.
//  6. notify.claimed — the sender dies after claiming a batch and before sending any of
//     it: after the restart every message arrives exactly once.
//  7. values.commit — a batch of indicator values dies before its commit: no value, no
//     revision, no audit event; sent again after the restart, it is written once.
//
// The lease that keeps a dead sender's rows from other senders lasts 2 minutes; the test
// ends it by clearing the claims between the crash and the restart, as the passing of that
// time would, instead of waiting.
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("builds ding and runs it as a process")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go is not on PATH: cannot build ding with -tags crashpoints")
	}
	bin := filepath.Join(t.TempDir(), "ding")
	build := exec.Command("go", "build", "-tags", "crashpoints", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build -tags crashpoints: %v\n%s", err, out)
	}
	book := crashImportBook(t, crashProjects)
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel() // the engines' servers wait on their databases more than on the CPU
			h := newCrashHarness(t, bin, storetest.DSN(t, e))
			p := h.importScenario(book)
			h.bulletinScenario(p)
			p = h.notifyScenario()
			h.valuesScenario(p)
		})
	}
}

// crashProjects is the size of the import: large enough that its transaction is open for
// a while, small enough for CI.
const crashProjects = 2000

func crashCode(i int) string { return fmt.Sprintf("2301-330803-04-01-%06d", 100000+i) }

// crashImportBook fills the import template (xlsx.Template) with n projects.
func crashImportBook(t *testing.T, n int) []byte {
	t.Helper()
	tpl, err := xlsx.Template("zh")
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(tpl))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	towns := []string{"樟潭街道", "廿里镇"}
	for i := range n {
		// Columns A–O of the template: 项目代码, 项目名称, 项目简称, 业主单位, 信用代码, 责任单位,
		// 建设地点, 建设性质, 投资主体, 行业门类, 产业链, 制造业, 高新技术, 民间投资, 总投资（万元）.
		row := []any{crashCode(i), fmt.Sprintf("崩溃测试项目%04d", i), "", "浙江某某实业有限公司", "", towns[i%2], towns[i%2],
			"新建", "民间", "C", "", "是", "否", "是", 1000 + i}
		if err := f.SetSheetRow(xlsx.SheetProjects, fmt.Sprintf("A%d", i+2), &row); err != nil {
			t.Fatal(err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// crashHarness is one database with its users, the mail server, the ding processes run
// on it one after the other, and a connection of the test's own to look inside.
type crashHarness struct {
	t         *testing.T
	bin       string
	dsn       string
	dataDir   string
	token     string // the office's API token
	users     int    // seeded users, each with an e-mail address
	smtp      *crashSMTP
	look      *sql.DB
	pg        bool
	procs     int
	draft     *crashBulletin // the bulletin as drafted, before it was published
	indicator int64
	towns     []int64
	logMu     sync.Mutex
	log       bytes.Buffer // every process's stderr, in order
}

func newCrashHarness(t *testing.T, bin, dsn string) *crashHarness {
	h := &crashHarness{t: t, bin: bin, dsn: dsn, dataDir: t.TempDir(), pg: store.IsPostgresDSN(dsn), smtp: newCrashSMTP(t)}
	t.Cleanup(func() {
		if t.Failed() {
			h.logMu.Lock()
			t.Logf("ding's stderr, every process in order:\n%s", h.log.String())
			h.logMu.Unlock()
		}
	})
	h.seed()
	var err error
	if h.pg {
		h.look, err = sql.Open("pgx", dsn)
	} else {
		h.look, err = sql.Open("sqlite", "file:"+dsn+"?_pragma=busy_timeout(10000)")
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.look.Close() })
	return h
}

// seed creates the organisation through the store: 衢州市 → 衢江区 → two towns, an
// administrator, the district's project office (whose API token drives the test), a
// leader and a liaison per town, all with e-mail addresses.
func (h *crashHarness) seed() {
	t := h.t
	ctx := context.Background()
	db, err := store.Open(ctx, h.dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	sys := ding.WithActor(ctx, ding.SystemActor("crash test"))
	units := map[string]*ding.Unit{}
	for _, u := range []struct {
		key, parent, name, code string
		kind                    ding.UnitKind
	}{
		{"city", "", "衢州市", "330800", ding.UnitCity},
		{"district", "city", "衢江区", "330803", ding.UnitDistrict},
		{"townA", "district", "樟潭街道", "", ding.UnitTown},
		{"townB", "district", "廿里镇", "", ding.UnitTown},
	} {
		un := &ding.Unit{Name: u.name, Kind: u.kind, Code: u.code}
		if u.parent != "" {
			un.ParentID = units[u.parent].ID
		}
		if err := db.CreateUnit(sys, un); err != nil {
			t.Fatalf("unit %s: %v", u.name, err)
		}
		units[u.key] = un
	}
	hash, err := auth.FastHasher.Hash("crash-test-Passw0rd")
	if err != nil {
		t.Fatal(err)
	}
	var office *ding.User
	for _, u := range []struct {
		name string
		role ding.Role
		unit string
	}{
		{"admin", ding.RoleAdmin, "district"}, {"office", ding.RoleOffice, "district"}, {"leader", ding.RoleLeader, "district"},
		{"liaisona", ding.RoleLiaison, "townA"}, {"liaisonb", ding.RoleLiaison, "townB"},
	} {
		user := &ding.User{Username: u.name, DisplayName: u.name, UnitID: units[u.unit].ID, Role: u.role, Email: u.name + "@example.cn"}
		if err := db.CreateUser(sys, user, hash); err != nil {
			t.Fatalf("user %s: %v", u.name, err)
		}
		if u.name == "office" {
			office = user
		}
		h.users++
	}
	ind := &ding.Indicator{Code: "gdp", Name: "地区生产总值", Measure: "亿元", HigherBetter: true}
	if err := db.CreateIndicator(sys, ind); err != nil {
		t.Fatal(err)
	}
	h.indicator = ind.ID
	h.towns = []int64{units["townA"].ID, units["townB"].ID}
	// The nightly warning pass runs when a server starts after 01:00 and finds the day's
	// pass not done (jobs.go): one starting in the middle of a scenario would add rows of
	// its own. Today's and tomorrow's passes are marked done.
	day := time.Now().In(ding.Shanghai)
	for _, d := range []time.Time{day, day.AddDate(0, 0, 1)} {
		j := store.Job{Name: jobNightly, Slot: d.Format("2006-01-02"), Owner: "crash test", Lease: time.Minute}
		if _, err := db.RunJob(ctx, j, func(context.Context) (string, error) { return "skipped by the crash test", nil }); err != nil {
			t.Fatal(err)
		}
	}
	secret, shown := auth.NewAPIToken()
	if err := db.CreateToken(sys, &ding.Token{UserID: office.ID, Name: "crash test", Prefix: shown}, auth.HashSecret(secret)); err != nil {
		t.Fatal(err)
	}
	h.token = secret
}

// ---- The ding processes. ----

// crashProc is one `ding serve` process.
type crashProc struct {
	h    *crashHarness
	n    int // its number, in the log
	cmd  *exec.Cmd
	url  string
	done chan struct{} // closed when it has exited
}

// start runs `ding serve` on the database, crashing at crashAt ("" for never), with the
// mail server configured or not, and waits until it listens.
func (h *crashHarness) start(crashAt string, withMail bool) *crashProc {
	t := h.t
	t.Helper()
	h.procs++
	p := &crashProc{h: h, n: h.procs, done: make(chan struct{})}
	env := []string{}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DING_") {
			env = append(env, kv)
		}
	}
	env = append(env, "DING_ADDR=127.0.0.1:0", "DING_DATA="+h.dataDir, "DING_DATABASE_URL="+h.dsn, "DING_LOG_LEVEL=info")
	if crashAt != "" {
		env = append(env, crash.Env+"="+crashAt)
	}
	if withMail {
		env = append(env, "DING_SMTP_ADDR="+h.smtp.addr, "DING_SMTP_FROM=鼎 <ding@ding.test>", "DING_SMTP_TLS=none")
	}
	p.cmd = exec.Command(h.bin, "serve")
	p.cmd.Env = env
	p.cmd.Stderr = &crashLogWriter{h}
	h.logf("---- %s process %d: DING_CRASH_AT=%q, mail server: %t\n", time.Now().Format("15:04:05.000"), p.n, crashAt, withMail)
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.kill() })
	listening := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			h.logf("[stdout] %s\n", line)
			if _, after, ok := strings.Cut(line, " listening on "); ok {
				listening <- strings.Fields(after)[0]
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	go func() {
		p.cmd.Wait()
		close(p.done)
	}()
	select {
	case p.url = <-listening:
		h.logf("---- %s process %d listening\n", time.Now().Format("15:04:05.000"), p.n)
	case <-p.done:
		t.Fatalf("process %d exited before listening: %v", p.n, p.cmd.ProcessState)
	case <-time.After(60 * time.Second):
		t.Fatalf("process %d not listening after 60 s", p.n)
	}
	return p
}

func (h *crashHarness) logf(format string, args ...any) {
	h.logMu.Lock()
	defer h.logMu.Unlock()
	fmt.Fprintf(&h.log, format, args...)
}

type crashLogWriter struct{ h *crashHarness }

func (w *crashLogWriter) Write(b []byte) (int, error) {
	w.h.logMu.Lock()
	defer w.h.logMu.Unlock()
	return w.h.log.Write(b)
}

// kill ends the process if it still runs (the test's cleanup).
func (p *crashProc) kill() {
	select {
	case <-p.done:
	default:
		p.cmd.Process.Kill()
		<-p.done
	}
}

// killedAt waits for the process to die and checks that SIGKILL ended it at the point.
func (p *crashProc) killedAt(point string) {
	t := p.h.t
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(90 * time.Second):
		t.Fatalf("process %d still runs: it never reached %s", p.n, point)
	}
	ws, ok := p.cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("process %d ended by %v, want SIGKILL", p.n, p.cmd.ProcessState)
	}
	p.h.logMu.Lock()
	said := strings.Contains(p.h.log.String(), "crash: SIGKILL at "+strings.Split(point, ":")[0])
	p.h.logMu.Unlock()
	if !said {
		t.Fatalf("process %d was killed, but not at %s", p.n, point)
	}
}

// stop stops the process gracefully (SIGTERM) and checks that it exits cleanly.
func (p *crashProc) stop() {
	t := p.h.t
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.done:
	case <-time.After(60 * time.Second):
		t.Fatalf("process %d did not stop", p.n)
	}
	if !p.cmd.ProcessState.Success() {
		t.Fatalf("process %d: %v", p.n, p.cmd.ProcessState)
	}
}

// call makes an API request as the office. err is set when no answer came (the process
// died under it).
func (p *crashProc) call(method, path, contentType string, body []byte) (int, []byte, error) {
	req, err := http.NewRequest(method, p.url+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+p.h.token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := (&http.Client{Timeout: 3 * time.Minute}).Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}

// callOK makes a request that must answer want, and decodes the answer into v (if any).
func (p *crashProc) callOK(want int, method, path, contentType string, body []byte, v any) {
	t := p.h.t
	t.Helper()
	status, b, err := p.call(method, path, contentType, body)
	if err != nil || status != want {
		t.Fatalf("%s %s: %d %v, want %d\n%s", method, path, status, err, want, b)
	}
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s %s: %v\n%s", method, path, err, b)
		}
	}
}

// callDies makes a request under which the process must die: no answer may come.
func (p *crashProc) callDies(point, method, path, contentType string, body []byte) {
	t := p.h.t
	t.Helper()
	status, b, err := p.call(method, path, contentType, body)
	if err == nil {
		t.Fatalf("%s %s answered %d instead of dying at %s:\n%s", method, path, status, point, b)
	}
	p.killedAt(point)
}

// importBody is a multipart form with the workbook as its "file".
func importBody(t *testing.T, book []byte) (string, []byte) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, err := mw.CreateFormFile("file", "重大项目导入.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(book)
	mw.Close()
	return mw.FormDataContentType(), b.Bytes()
}

// ---- Looking inside the database. ----

func (h *crashHarness) query(q string, args ...any) *sql.Row {
	if h.pg {
		for i := 1; strings.Contains(q, "?"); i++ {
			q = strings.Replace(q, "?", "$"+strconv.Itoa(i), 1)
		}
	}
	return h.look.QueryRow(q, args...)
}

func (h *crashHarness) count(q string, args ...any) int {
	h.t.Helper()
	var n int
	if err := h.query(q, args...).Scan(&n); err != nil {
		h.t.Fatalf("%s: %v", q, err)
	}
	return n
}

func (h *crashHarness) exec(q string) {
	h.t.Helper()
	if _, err := h.look.Exec(q); err != nil {
		h.t.Fatalf("%s: %v", q, err)
	}
}

// crashTables are the tables whose row counts a crash that rolled back must not change.
var crashTables = []string{"projects", "project_stage_changes", "progress_reports", "warnings", "warning_events", "project_colours",
	"notifications", "audit_log", "bulletins", "bulletin_comments", "indicator_targets", "indicator_actuals", "indicator_revisions"}

// counts takes the row counts of crashTables.
func (h *crashHarness) counts() map[string]int {
	out := map[string]int{}
	for _, tb := range crashTables {
		out[tb] = h.count(`SELECT COUNT(*) FROM ` + tb)
	}
	return out
}

func (h *crashHarness) sameCounts(what string, before map[string]int) {
	h.t.Helper()
	if after := h.counts(); !reflect.DeepEqual(after, before) {
		h.t.Fatalf("%s left a trace: row counts %v, before %v", what, after, before)
	}
}

// ---- The scenarios. ----

// importScenario: an import killed inside its transaction leaves nothing; one killed
// after its commit is whole; importing the same file again changes nothing.
func (h *crashHarness) importScenario(book []byte) *crashProc {
	t := h.t
	ct, body := importBody(t, book)
	like := `SELECT COUNT(*) FROM projects WHERE code LIKE '2301-330803-04-01-%'`
	audits := `SELECT COUNT(*) FROM audit_log WHERE entity = 'import' AND action = 'commit'`

	before := h.counts()
	p := h.start("import.row:1000", false)
	p.callDies("import.row:1000", "POST", "/api/v1/imports?commit=true", ct, body)
	h.sameCounts("an import killed after 1,000 of its 2,000 rows", before)

	p = h.start("import.committed", false)
	p.callDies("import.committed", "POST", "/api/v1/imports?commit=true", ct, body)
	if n, distinct := h.count(like), h.count(`SELECT COUNT(DISTINCT code) FROM projects`); n != crashProjects || distinct != crashProjects {
		t.Fatalf("after a crash just after the commit: %d projects (%d codes), want %d", n, distinct, crashProjects)
	}
	if n := h.count(audits); n != 1 {
		t.Fatalf("after a crash just after the commit: %d import events, want 1", n)
	}
	var name string
	if err := h.query(`SELECT name FROM projects WHERE code = ?`, crashCode(crashProjects-1)).Scan(&name); err != nil || name != fmt.Sprintf("崩溃测试项目%04d", crashProjects-1) {
		t.Fatalf("last row: %q %v", name, err)
	}

	// The same file again, on a server that does not crash on imports (it will when the
	// next scenario publishes): nothing changes, and the import says so.
	p = h.start("bulletin.publish", false)
	var ans struct {
		Result    map[string]int `json:"result"`
		Committed bool           `json:"committed"`
	}
	p.callOK(http.StatusOK, "POST", "/api/v1/imports?commit=true", ct, body, &ans)
	if !ans.Committed || ans.Result["created"] != 0 || ans.Result["updated"] != 0 || ans.Result["unchanged"] != crashProjects {
		t.Fatalf("import again: %+v", ans)
	}
	if n := h.count(like); n != crashProjects {
		t.Fatalf("after importing again: %d projects, want %d", n, crashProjects)
	}
	if n := h.count(audits); n != 2 {
		t.Fatalf("after importing again: %d import events, want 2 (each commit is audited)", n)
	}
	return p
}

// crashBulletin is what the test reads of a bulletin.
type crashBulletin struct {
	ID          int64           `json:"id"`
	Status      string          `json:"status"`
	Version     int             `json:"version"`
	PublishedBy string          `json:"published_by"`
	Data        json.RawMessage `json:"data"`
}

func (b *crashBulletin) path() string { return "/api/v1/bulletins/" + strconv.FormatInt(b.ID, 10) }

func sameJSON(a, b json.RawMessage) bool {
	var x, y any
	return json.Unmarshal(a, &x) == nil && json.Unmarshal(b, &y) == nil && reflect.DeepEqual(x, y)
}

// bulletinScenario: last month's bulletin is built; publishing it is killed before the
// commit (p crashes at bulletin.publish), which leaves the draft as it was; publishing it
// again is killed after the commit, which leaves it published with its notifications
// queued. notifyScenario then checks, on a live server, that it cannot be published twice.
func (h *crashHarness) bulletinScenario(p *crashProc) {
	t := h.t
	now := time.Now().In(ding.Shanghai)
	year, month := now.Year(), int(now.Month())-1
	if month == 0 {
		year, month = year-1, 12
	}
	draft := &crashBulletin{}
	p.callOK(http.StatusCreated, "POST", "/api/v1/bulletins", "application/json",
		fmt.Appendf(nil, `{"year": %d, "month": %d}`, year, month), draft)
	if draft.Status != ding.BulletinDraft || len(draft.Data) < 10 {
		t.Fatalf("built: %+v", draft)
	}
	h.draft = draft
	publish := fmt.Appendf(nil, `{"version": %d}`, draft.Version)
	published := `SELECT COUNT(*) FROM notifications WHERE event = 'bulletin.published'`
	audits := `SELECT COUNT(*) FROM audit_log WHERE entity = 'bulletin' AND action = 'publish'`

	before := h.counts()
	p.callDies("bulletin.publish", "POST", draft.path()+"/publish", "application/json", publish)
	h.sameCounts("a publication killed before its commit", before)

	p = h.start("bulletin.published", false)
	var again crashBulletin
	p.callOK(http.StatusOK, "GET", draft.path(), "", nil, &again)
	if again.Status != ding.BulletinDraft || again.Version != draft.Version || again.PublishedBy != "" || !sameJSON(again.Data, draft.Data) {
		t.Fatalf("after a crash before the commit: %+v, want the draft %+v", again, draft)
	}
	p.callDies("bulletin.published", "POST", draft.path()+"/publish", "application/json", publish)
	var status, by string
	var version int
	if err := h.query(`SELECT status, published_by, version FROM bulletins WHERE id = ?`, draft.ID).Scan(&status, &by, &version); err != nil {
		t.Fatal(err)
	}
	if status != ding.BulletinPublished || by != "office" || version != draft.Version+1 {
		t.Fatalf("after a crash after the commit: %s by %q, version %d (draft %d)", status, by, version, draft.Version)
	}
	if n := h.count(audits); n != 1 {
		t.Fatalf("%d publish events, want 1", n)
	}
	// Every seeded user is in the district or a town it ranks: an inbox item each, sent by
	// being written, and an e-mail each, waiting (no mail server so far).
	for _, c := range []struct {
		channel, status string
	}{{"inbox", "sent"}, {"email", "pending"}} {
		if n := h.count(published+` AND channel = ? AND status = ?`, c.channel, c.status); n != h.users {
			t.Fatalf("bulletin.published: %d %s rows %s, want %d", n, c.channel, c.status, h.users)
		}
	}
	if n := h.count(published); n != 2*h.users {
		t.Fatalf("bulletin.published: %d rows, want %d", n, 2*h.users)
	}
}

// notifyScenario: every e-mail queued so far (the bulletin's, and whatever the import's
// warnings queued) is delivered by a sender that dies after the mail server accepted its
// second message; after the restart all arrive, that one twice with the same Message-ID,
// no other twice. Then a sender dies after claiming a batch of new messages and before
// sending: after the restart each arrives exactly once. It returns the server that
// delivered them, which crashes in valuesScenario.
func (h *crashHarness) notifyScenario() *crashProc {
	t := h.t
	queued := h.emailRows()
	if len(queued) < h.users {
		t.Fatalf("%d e-mails queued, want at least %d", len(queued), h.users)
	}
	for id, st := range queued {
		if st != store.NotifyPending {
			t.Fatalf("%s is %s before any mail server was configured", id, st)
		}
	}

	p := h.start("notify.accepted:2", true)
	p.killedAt("notify.accepted:2")
	got := h.smtp.messages()
	if len(got) != 2 {
		t.Fatalf("the mail server accepted %d messages before the crash, want 2", len(got))
	}
	recorded, inFlight := got[0].id, got[1].id
	rows := h.emailRows()
	for id, st := range rows {
		want := store.NotifyPending
		if id == recorded {
			want = store.NotifySent
		}
		if st != want {
			t.Fatalf("after the crash %s is %s, want %s (recorded: %s, in flight: %s)", id, st, want, recorded, inFlight)
		}
	}
	if _, ok := rows[inFlight]; !ok {
		t.Fatalf("the mail server got %s, which is no row of the outbox", inFlight)
	}
	if n := h.count(`SELECT COUNT(*) FROM notifications WHERE message_id = ? AND claimed_until IS NOT NULL`, inFlight); n != 1 {
		t.Fatalf("the message in flight holds no lease")
	}
	h.endLeases()

	p = h.start("", true)
	// The bulletin, on a live server: published with the data it was drafted with, and
	// not published twice.
	var b crashBulletin
	p.callOK(http.StatusOK, "GET", h.draft.path(), "", nil, &b)
	if b.Status != ding.BulletinPublished || !sameJSON(b.Data, h.draft.Data) {
		t.Fatalf("published bulletin: %+v, want the drafted data", b)
	}
	if status, body, err := p.call("POST", h.draft.path()+"/publish", "application/json", fmt.Appendf(nil, `{"version": %d}`, b.Version)); err != nil || status != http.StatusConflict {
		t.Fatalf("publishing a published bulletin: %d %v\n%s", status, err, body)
	}
	rows = h.waitDelivered()
	times := map[string]int{}
	var repeats []crashMail
	for _, m := range h.smtp.messages() {
		if _, ok := rows[m.id]; !ok {
			t.Fatalf("the mail server got %s, which is no row of the outbox", m.id)
		}
		times[m.id]++
		if m.id == inFlight {
			repeats = append(repeats, m)
		}
	}
	for id := range rows {
		want := 1
		if id == inFlight {
			want = 2
		}
		if times[id] != want {
			t.Errorf("%s arrived %d times, want %d (in flight at the crash: %s)", id, times[id], want, inFlight)
		}
	}
	if len(repeats) == 2 && (repeats[0].to != repeats[1].to || repeats[0].subject != repeats[1].subject || repeats[0].body != repeats[1].body) {
		t.Errorf("the repeat differs from the first copy:\n%+v\n%+v", repeats[0], repeats[1])
	}
	if t.Failed() {
		t.FailNow()
	}
	p.stop()

	// New messages, queued while ding is down; the sender dies with them claimed.
	ctx := context.Background()
	db, err := store.Open(ctx, h.dsn)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	if err := h.forEachID(`SELECT id FROM users ORDER BY id`, func(id int64) { ids = append(ids, id) }); err != nil {
		t.Fatal(err)
	}
	err = db.Notify(ding.WithActor(ctx, ding.SystemActor("crash test")),
		store.Message{Event: "crash.test", Subject: "崩溃测试", Body: "宕机前排队的通知", UserIDs: ids})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	before := len(h.smtp.messages())
	fresh := map[string]bool{}
	for id, st := range h.emailRows() {
		if st == store.NotifyPending {
			fresh[id] = true
		}
	}
	if len(fresh) != h.users {
		t.Fatalf("%d new e-mails queued, want %d", len(fresh), h.users)
	}
	p = h.start("notify.claimed", true)
	p.killedAt("notify.claimed")
	if n := len(h.smtp.messages()); n != before {
		t.Fatalf("a sender killed right after its claim sent %d messages", n-before)
	}
	if n := h.count(`SELECT COUNT(*) FROM notifications WHERE channel = 'email' AND status = 'pending' AND claimed_until IS NOT NULL`); n != len(fresh) {
		t.Fatalf("%d claimed rows after the crash, want %d", n, len(fresh))
	}
	h.endLeases()
	p = h.start("values.commit", true)
	h.waitDelivered()
	times = map[string]int{}
	for _, m := range h.smtp.messages()[before:] {
		times[m.id]++
	}
	if len(times) != len(fresh) {
		t.Errorf("after the restart %d distinct messages arrived, want %d", len(times), len(fresh))
	}
	for id := range fresh {
		if times[id] != 1 {
			t.Errorf("%s arrived %d times, want once", id, times[id])
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	return p
}

// valuesScenario: a batch of indicator values (the towns' annual targets and last month's
// actuals) dies before its commit (p crashes at values.commit) and leaves nothing; after
// the restart it is written whole, and sent again it changes nothing.
func (h *crashHarness) valuesScenario(p *crashProc) {
	t := h.t
	now := time.Now().In(ding.Shanghai).AddDate(0, -1, 0)
	var vs []string
	for i, town := range h.towns {
		vs = append(vs, fmt.Sprintf(`{"indicator_id": %d, "unit_id": %d, "year": %d, "month": 0, "value": %d}`, h.indicator, town, now.Year(), 1000000+i),
			fmt.Sprintf(`{"indicator_id": %d, "unit_id": %d, "year": %d, "month": %d, "value": %d}`, h.indicator, town, now.Year(), int(now.Month()), 90000+i))
	}
	body := []byte(`{"values": [` + strings.Join(vs, ", ") + `]}`)
	audits := `SELECT COUNT(*) FROM audit_log WHERE entity = 'indicator_values'`

	before := h.counts()
	p.callDies("values.commit", "PUT", "/api/v1/values", "application/json", body)
	h.sameCounts("indicator values killed before their commit", before)

	p = h.start("", false)
	var ans struct{ Changed int }
	p.callOK(http.StatusOK, "PUT", "/api/v1/values", "application/json", body, &ans)
	if ans.Changed != len(vs) {
		t.Fatalf("values after the restart: %d changed, want %d", ans.Changed, len(vs))
	}
	p.callOK(http.StatusOK, "PUT", "/api/v1/values", "application/json", body, &ans)
	if ans.Changed != 0 {
		t.Fatalf("the same values again: %d changed, want 0", ans.Changed)
	}
	if targets, actuals := h.count(`SELECT COUNT(*) FROM indicator_targets`), h.count(`SELECT COUNT(*) FROM indicator_actuals`); targets != len(h.towns) || actuals != len(h.towns) {
		t.Fatalf("%d targets and %d actuals, want %d each", targets, actuals, len(h.towns))
	}
	if n := h.count(audits); n != 1 {
		t.Fatalf("%d audit events of values, want 1", n)
	}
	p.stop()
}

// emailRows returns the e-mail rows of the outbox: message id → status.
func (h *crashHarness) emailRows() map[string]string {
	h.t.Helper()
	rows, err := h.look.Query(`SELECT message_id, status FROM notifications WHERE channel = 'email'`)
	if err != nil {
		h.t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, st string
		if err := rows.Scan(&id, &st); err != nil {
			h.t.Fatal(err)
		}
		out[id] = st
	}
	if err := rows.Err(); err != nil {
		h.t.Fatal(err)
	}
	return out
}

func (h *crashHarness) forEachID(q string, fn func(int64)) error {
	rows, err := h.look.Query(q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		fn(id)
	}
	return rows.Err()
}

// endLeases does what the passing of the lease's 2 minutes would: the rows a dead sender
// claimed become free to claim.
func (h *crashHarness) endLeases() {
	h.exec(`UPDATE notifications SET claimed_until = NULL, claim_token = NULL WHERE status = 'pending'`)
}

// waitDelivered waits until no e-mail is pending (every one was accepted and recorded) and
// returns the rows.
func (h *crashHarness) waitDelivered() map[string]string {
	h.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		rows := h.emailRows()
		pending := 0
		for _, st := range rows {
			if st != store.NotifySent {
				pending++
			}
		}
		if pending == 0 {
			return rows
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("%d of %d e-mails still not delivered after 60 s", pending, len(rows))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// ---- A mail server on loopback (after notify/smtp_test.go). ----

// crashSMTP accepts every message and records it.
type crashSMTP struct {
	t    testing.TB
	addr string
	ln   net.Listener
	wg   sync.WaitGroup
	mu   sync.Mutex
	msgs []crashMail
}

// crashMail is one accepted message.
type crashMail struct {
	id      string // the Message-ID's local part: the outbox row's message_id
	to      string
	subject string
	body    string
}

func newCrashSMTP(t testing.TB) *crashSMTP {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &crashSMTP{t: t, addr: ln.Addr().String(), ln: ln}
	s.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Go(func() { s.session(c) })
		}
	})
	t.Cleanup(func() {
		ln.Close()
		s.wg.Wait()
	})
	return s
}

func (s *crashSMTP) messages() []crashMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]crashMail(nil), s.msgs...)
}

func (s *crashSMTP) session(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	r := bufio.NewReader(c)
	say := func(line string) { io.WriteString(c, line+"\r\n") }
	say("220 mail.test ESMTP")
	var to string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb := strings.ToUpper(line)
		switch {
		case strings.HasPrefix(verb, "EHLO"):
			say("250-mail.test")
			say("250 8BITMIME")
		case strings.HasPrefix(verb, "HELO"), strings.HasPrefix(verb, "MAIL FROM:"), verb == "RSET", verb == "NOOP":
			say("250 OK")
		case strings.HasPrefix(verb, "RCPT TO:"):
			to = strings.Trim(strings.TrimSpace(line[len("RCPT TO:"):]), "<>")
			say("250 OK")
		case verb == "DATA":
			say("354 go on")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(strings.TrimPrefix(l, "."))
			}
			m, err := parseCrashMail(to, b.String())
			if err != nil {
				s.t.Errorf("mail server: %v", err)
				say("554 unreadable")
				continue
			}
			// Recorded before the answer: the sender may die the moment it reads it.
			s.mu.Lock()
			s.msgs = append(s.msgs, m)
			s.mu.Unlock()
			say("250 2.0.0 queued")
		case verb == "QUIT":
			say("221 bye")
			return
		default:
			say("502 5.5.2 not implemented")
		}
	}
}

func parseCrashMail(to, raw string) (crashMail, error) {
	msg, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		return crashMail{}, err
	}
	id, _, _ := strings.Cut(strings.Trim(msg.Header.Get("Message-ID"), "<>"), "@")
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return crashMail{}, err
	}
	b, err := io.ReadAll(msg.Body)
	if err != nil {
		return crashMail{}, err
	}
	if msg.Header.Get("Content-Transfer-Encoding") == "base64" {
		if b, err = base64.StdEncoding.DecodeString(strings.ReplaceAll(string(b), "\r\n", "")); err != nil {
			return crashMail{}, err
		}
	}
	return crashMail{id: id, to: to, subject: subject, body: string(b)}, nil
}

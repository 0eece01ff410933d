package notify

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"ding"
	"ding/notify/smtptest"
	"ding/store"
	"ding/store/storetest"
)

// The SMTP server of these tests is smtptest's.
type (
	smtpServer  = smtptest.Server
	smtpMessage = smtptest.Message
)

func newSMTPServer(t testing.TB) *smtpServer { return smtptest.New(t) }

// ---- The fixture: a database with users, a fake clock, a sender. ----

type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type fixture struct {
	db    *store.DB
	clock *testClock
	users []*ding.User // with addresses u0@example.cn …
}

func sys() context.Context { return ding.WithActor(context.Background(), ding.SystemActor("test")) }

// newFixture opens a database with one unit and n users who have e-mail addresses.
func newFixture(t *testing.T, db *store.DB, n int) *fixture {
	t.Helper()
	clock := &testClock{now: time.Date(2024, 6, 20, 2, 0, 0, 0, time.UTC)}
	db.Now = clock.Now
	f := &fixture{db: db, clock: clock}
	unit := &ding.Unit{Name: "衢江区", Kind: ding.UnitDistrict}
	if err := db.CreateUnit(sys(), unit); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		u := &ding.User{Username: "user" + strconv.Itoa(i), DisplayName: "用户", UnitID: unit.ID, Role: ding.RoleLiaison,
			Email: "u" + strconv.Itoa(i) + "@example.cn"}
		if err := db.CreateUser(sys(), u, "x"); err != nil {
			t.Fatal(err)
		}
		f.users = append(f.users, u)
	}
	return f
}

// mail queues one e-mail (and an inbox item) for each of the users, one message each.
func (f *fixture) mail(t *testing.T, subject string, users ...*ding.User) {
	t.Helper()
	var ms []store.Message
	for _, u := range users {
		ms = append(ms, store.Message{Event: "warning.opened", Subject: subject + " " + u.Username, Body: "1–5月累计完成 3,120 万元\n落后 10.5 个百分点",
			Link: "/projects/7", UserIDs: []int64{u.ID}})
	}
	if err := f.db.Notify(sys(), ms...); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) sender(srv *smtpServer) *Sender {
	return &Sender{
		DB:      f.db,
		Mail:    &Mailer{Addr: srv.Addr, From: "鼎 <ding@ding.example.cn>"},
		BaseURL: "https://ding.example.cn/",
		Now:     f.clock.Now,
		Timeout: 5 * time.Second,
		Log:     discardLogger(),
	}
}

// emails returns the e-mail rows, oldest first.
func (f *fixture) emails(t *testing.T) []*store.Notification {
	t.Helper()
	ns, err := f.db.FindNotifications(sys(), store.NotificationFilter{Channel: store.ChannelEmail})
	if err != nil {
		t.Fatal(err)
	}
	for i, j := 0, len(ns)-1; i < j; i, j = i+1, j-1 {
		ns[i], ns[j] = ns[j], ns[i]
	}
	return ns
}

// wantDelivered checks that the server got each e-mail row exactly once (times[id] for
// others), with its Message-ID.
func wantDelivered(t *testing.T, srv *smtpServer, rows []*store.Notification, times map[string]int) {
	t.Helper()
	got := map[string]int{}
	for _, m := range srv.Messages() {
		got[m.MessageID]++
	}
	for _, n := range rows {
		id := "<" + n.MessageID + "@ding.example.cn>"
		want := 1
		if k, ok := times[n.MessageID]; ok {
			want = k
		}
		if got[id] != want {
			t.Errorf("%s (%s): delivered %d times, want %d", n.MessageID, n.Target, got[id], want)
		}
		delete(got, id)
	}
	for id, k := range got {
		t.Errorf("unexpected message %s delivered %d times", id, k)
	}
}

func TestSMTPMessage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, 1)
		srv := newSMTPServer(t)
		srv.Set(func() { srv.Auth = "ding\x00s3cret" })
		f.mail(t, "【黄色预警】衢江区某重大项目投资进度滞后，请及时处理", f.users[0])
		s := f.sender(srv)
		s.Mail.Username, s.Mail.Password = "ding", "s3cret"
		res, err := s.RunOnce(context.Background())
		if err != nil || res.Sent != 1 || res.Claimed != 1 {
			t.Fatalf("RunOnce: %+v %v", res, err)
		}
		msgs := srv.Messages()
		if len(msgs) != 1 {
			t.Fatalf("%d messages", len(msgs))
		}
		m := msgs[0]
		row := f.emails(t)[0]
		if m.MessageID != "<"+row.MessageID+"@ding.example.cn>" || m.From != "ding@ding.example.cn" || m.To != "u0@example.cn" {
			t.Errorf("envelope/id: %q %q %q", m.MessageID, m.From, m.To)
		}
		if m.Subject != "【黄色预警】衢江区某重大项目投资进度滞后，请及时处理 user0" {
			t.Errorf("subject %q", m.Subject)
		}
		raw := m.Header.Get("Subject")
		if !strings.HasPrefix(raw, "=?utf-8?q?") {
			t.Errorf("subject not Q-encoded: %q", raw)
		}
		for _, line := range strings.Split(m.Raw, "\r\n") {
			if len(line) > 998 {
				t.Errorf("line of %d bytes", len(line))
			}
			for _, r := range line {
				if r > 127 {
					t.Fatalf("8-bit header or body line: %q", line)
				}
			}
		}
		if !strings.Contains(m.Body, "落后 10.5 个百分点\r\n") || !strings.Contains(m.Body, "https://ding.example.cn/projects/7") {
			t.Errorf("body %q", m.Body)
		}
		if ct := m.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
			t.Errorf("content type %q", ct)
		}
		if from := m.Header.Get("From"); !strings.Contains(from, "<ding@ding.example.cn>") || !strings.HasPrefix(from, "=?utf-8?") {
			t.Errorf("From %q", from)
		}
		row = f.emails(t)[0]
		if row.Status != store.NotifySent || row.SentAt == nil || row.Attempts != 0 {
			t.Errorf("row after sending: %+v", row)
		}
		// Nothing more to do.
		if res, err := s.RunOnce(context.Background()); res.Claimed != 0 || err != nil {
			t.Errorf("second RunOnce: %+v %v", res, err)
		}

		// A wrong password: retried, with the server's answer kept.
		f.mail(t, "二", f.users[0])
		s.Mail.Password = "wrong"
		if res, _ := s.RunOnce(context.Background()); res.Retry != 1 {
			t.Errorf("wrong password: %+v", res)
		}
		if row := f.emails(t)[1]; row.Status != store.NotifyPending || !strings.Contains(row.LastError, "535") {
			t.Errorf("after a refused login: %+v", row)
		}
	})
}

// TestSMTPServerDownThenUp: mail queued while the server refuses connections stays
// pending with backoff, and once it is back every message arrives exactly once.
func TestSMTPServerDownThenUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, 5)
		srv := newSMTPServer(t)
		srv.Down()
		f.mail(t, "预警", f.users...)
		s := f.sender(srv)
		ctx := context.Background()

		res, err := s.RunOnce(ctx)
		if err != nil || res.Claimed != 5 || res.Retry != 5 || res.Sent != 0 {
			t.Fatalf("server down: %+v %v", res, err)
		}
		t0 := f.clock.Now()
		for _, n := range f.emails(t) {
			if n.Status != store.NotifyPending || n.Attempts != 1 || !n.NextAt.Equal(t0.Add(30*time.Second)) || n.LastError == "" {
				t.Fatalf("after a refused connection: %+v", n)
			}
		}
		// Still down 30 s later: the second wait is a minute.
		f.clock.Add(30 * time.Second)
		if res, _ := s.RunOnce(ctx); res.Retry != 5 {
			t.Fatalf("second attempt: %+v", res)
		}
		srv.Up()
		// Back, but nothing is due before the backoff ends.
		f.clock.Add(59 * time.Second)
		if res, _ := s.RunOnce(ctx); res.Claimed != 0 {
			t.Fatalf("sent before the backoff ended: %+v", res)
		}
		if n := len(srv.Messages()); n != 0 {
			t.Fatalf("%d messages before the backoff ended", n)
		}
		f.clock.Add(time.Second)
		res, err = s.RunOnce(ctx)
		if err != nil || res.Sent != 5 {
			t.Fatalf("server up: %+v %v", res, err)
		}
		for range 3 {
			f.clock.Add(time.Hour)
			if res, _ := s.RunOnce(ctx); res.Claimed != 0 {
				t.Fatalf("more to send after all was sent: %+v", res)
			}
		}
		rows := f.emails(t)
		wantDelivered(t, srv, rows, nil)
		for _, n := range rows {
			if n.Status != store.NotifySent || n.Attempts != 2 {
				t.Errorf("row %+v", n)
			}
		}
	})
}

// TestSMTPCrashWhileSending: the process dies after the server accepted a message and
// before ding recorded it. After a restart that message is sent again with the same
// Message-ID, and nothing else repeats.
func TestSMTPCrashWhileSending(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, 4)
		srv := newSMTPServer(t)
		f.mail(t, "预警", f.users...)
		rows := f.emails(t)
		s := f.sender(srv)
		var crashedOn string
		s.afterAccept = func(n *store.Notification) bool {
			if n.ID == rows[1].ID {
				crashedOn = n.MessageID
				return true
			}
			return false
		}
		res, err := s.RunOnce(context.Background())
		if !errors.Is(err, errCrashed) || res.Sent != 1 || crashedOn != rows[1].MessageID {
			t.Fatalf("crash run: %+v %v", res, err)
		}
		// The server has the first two; ding recorded only the first.
		if n := len(srv.Messages()); n != 2 {
			t.Fatalf("server got %d before the crash, want 2", n)
		}

		// Restart: a new sender. The dead one's lease holds the rest for a while…
		s2 := f.sender(srv)
		if res, _ := s2.RunOnce(context.Background()); res.Claimed != 0 {
			t.Fatalf("claimed under the dead sender's lease: %+v", res)
		}
		// …then they are sent: the unrecorded one again, the others once.
		f.clock.Add(2*time.Minute + time.Second)
		if res, err := s2.RunOnce(context.Background()); err != nil || res.Sent != 3 {
			t.Fatalf("after restart: %+v %v", res, err)
		}
		wantDelivered(t, srv, f.emails(t), map[string]int{crashedOn: 2})
		var copies []smtpMessage
		for _, m := range srv.Messages() {
			if strings.Contains(m.MessageID, crashedOn) {
				copies = append(copies, m)
			}
		}
		if len(copies) != 2 || copies[0].MessageID != copies[1].MessageID || copies[0].Subject != copies[1].Subject || copies[0].Body != copies[1].Body {
			t.Errorf("the repeat differs from the first: %+v", copies)
		}
	})
}

// TestSMTPCancelledBeforeAnswer: the server takes the message but the sender is stopped
// before it hears the answer. The attempt counts as failed and the message goes again,
// with the same Message-ID: the same window, reached by a shutdown.
func TestSMTPCancelledBeforeAnswer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, 2)
		srv := newSMTPServer(t)
		f.mail(t, "预警", f.users...)
		rows := f.emails(t)
		ctx, cancel := context.WithCancel(context.Background())
		srv.Set(func() {
			srv.OnData = func(m smtpMessage) string {
				if strings.Contains(m.MessageID, rows[0].MessageID) && ctx.Err() == nil {
					cancel() // the process is told to stop while the server is saying yes
					return "hang"
				}
				return ""
			}
		})
		s := f.sender(srv)
		res, err := s.RunOnce(ctx)
		if !errors.Is(err, context.Canceled) || res.Retry != 1 || res.Sent != 0 {
			t.Fatalf("cancelled run: %+v %v", res, err)
		}
		// The failure was recorded despite the cancelled context, and the second row
		// was given back rather than left leased.
		got := f.emails(t)
		if got[0].Attempts != 1 || got[0].Status != store.NotifyPending || got[1].Attempts != 0 {
			t.Fatalf("rows after the stop: %+v %+v", got[0], got[1])
		}
		srv.Set(func() { srv.OnData = nil })
		if res, _ := f.sender(srv).RunOnce(context.Background()); res.Sent != 1 {
			t.Fatalf("the untouched row: %+v", res)
		}
		f.clock.Add(time.Minute)
		if res, _ := f.sender(srv).RunOnce(context.Background()); res.Sent != 1 {
			t.Fatalf("the retried row: %+v", res)
		}
		wantDelivered(t, srv, f.emails(t), map[string]int{rows[0].MessageID: 2})
	})
}

// TestSMTPRecipientRefused: a mailbox the server does not know fails at once; the others
// are not held up.
func TestSMTPRecipientRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, 2)
		srv := newSMTPServer(t)
		srv.Set(func() { srv.RefuseTo = f.users[0].Email })
		f.mail(t, "预警", f.users...)
		res, err := f.sender(srv).RunOnce(context.Background())
		if err != nil || res.Failed != 1 || res.Sent != 1 {
			t.Fatalf("%+v %v", res, err)
		}
		if row := f.emails(t)[0]; row.Status != store.NotifyFailed || !strings.Contains(row.LastError, "550") {
			t.Errorf("refused row %+v", row)
		}
	})
}

// TestOutboxConcurrentSenders: two senders working the same outbox at once (two servers
// on one PostgreSQL) never send a row twice: with one claim each of the whole batch, and
// with small claims that interleave.
func TestOutboxConcurrentSenders(t *testing.T) {
	for _, batch := range []int{50, 5} {
		t.Run("batch"+strconv.Itoa(batch), func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				f := newFixture(t, db, 50)
				srv := newSMTPServer(t)
				f.mail(t, "预警", f.users...)
				var wg sync.WaitGroup
				start := make(chan struct{})
				sent := make([]int, 2)
				for i := range 2 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						s := f.sender(srv)
						s.Batch = batch
						<-start
						for {
							res, err := s.RunOnce(context.Background())
							if err != nil {
								t.Error(err)
								return
							}
							sent[i] += res.Sent
							if res.Claimed == 0 {
								return
							}
						}
					}()
				}
				close(start)
				wg.Wait()
				t.Logf("sender A sent %d, sender B %d", sent[0], sent[1])
				if sent[0]+sent[1] != 50 {
					t.Fatalf("sent %d + %d, want 50", sent[0], sent[1])
				}
				if batch == 5 && (sent[0] == 0 || sent[1] == 0) {
					t.Errorf("the senders did not interleave: %v", sent)
				}
				wantDelivered(t, srv, f.emails(t), nil)
			})
		})
	}
}

func TestMailerValidate(t *testing.T) {
	ok := Mailer{Addr: "smtp.example.cn:587", From: "鼎 <ding@example.cn>", TLS: "starttls", Username: "u", Password: "p"}
	if err := ok.Validate(); err != nil {
		t.Errorf("valid: %v", err)
	}
	for _, m := range []Mailer{
		{Addr: "smtp.example.cn", From: "ding@example.cn"},
		{Addr: "smtp.example.cn:25", From: "not an address"},
		{Addr: "smtp.example.cn:25", From: "ding@example.cn", TLS: "ssl"},
		{Addr: "smtp.example.cn:25", From: "ding@example.cn", Username: "u"},
	} {
		if err := m.Validate(); err == nil {
			t.Errorf("%+v: valid", m)
		}
	}
}

package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"ding/store"
	"ding/store/storetest"
)

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// robotServer plays DingTalk or WeCom: it checks the payload (and DingTalk's signature)
// like the real service and answers with an errcode.
type robotServer struct {
	t      *testing.T
	kind   store.Channel
	token  string // the access_token (DingTalk) or key (WeCom) in the webhook
	secret string // DingTalk's signing secret
	clock  *testClock
	srv    *httptest.Server

	mu      sync.Mutex
	errcode int            // answer this (0: success)
	status  int            // answer this HTTP status (0: 200)
	got     map[string]int // message id → accepted posts
	texts   map[string]string
}

func newRobotServer(t *testing.T, kind store.Channel, token, secret string, clock *testClock) *robotServer {
	rs := &robotServer{t: t, kind: kind, token: token, secret: secret, clock: clock, got: map[string]int{}, texts: map[string]string{}}
	rs.srv = httptest.NewServer(http.HandlerFunc(rs.handle))
	t.Cleanup(rs.srv.Close)
	return rs
}

// webhook is the URL an administrator would paste.
func (rs *robotServer) webhook() string {
	if rs.kind == store.ChannelWeCom {
		return rs.srv.URL + "/cgi-bin/webhook/send?key=" + rs.token
	}
	return rs.srv.URL + "/robot/send?access_token=" + rs.token
}

func (rs *robotServer) answer(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"errcode": code, "errmsg": msg})
}

func (rs *robotServer) handle(w http.ResponseWriter, r *http.Request) {
	t := rs.t
	q := r.URL.Query()
	if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		t.Errorf("robot: %s with %q", r.Method, r.Header.Get("Content-Type"))
	}
	var body struct {
		MsgType  string `json:"msgtype"`
		Markdown struct {
			Title   string `json:"title"`
			Text    string `json:"text"`
			Content string `json:"content"`
		} `json:"markdown"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.MsgType != "markdown" {
		t.Errorf("robot: payload %v %+v", err, body)
		rs.answer(w, 40008, "invalid message type")
		return
	}
	text := body.Markdown.Content
	if rs.kind == store.ChannelDingTalk {
		if q.Get("access_token") != rs.token {
			rs.answer(w, 300001, "token is not exist")
			return
		}
		if rs.secret != "" {
			// Recompute the signature the way DingTalk documents it.
			ts := q.Get("timestamp")
			mac := hmac.New(sha256.New, []byte(rs.secret))
			mac.Write([]byte(ts + "\n" + rs.secret))
			want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
			if q.Get("sign") != want {
				rs.answer(w, 310000, "sign not match")
				return
			}
			ms, _ := strconv.ParseInt(ts, 10, 64)
			if d := rs.clock.Now().UnixMilli() - ms; d < 0 || d > 3600*1000 {
				rs.answer(w, 310000, "timestamp too old")
				return
			}
		}
		if body.Markdown.Title == "" || body.Markdown.Content != "" {
			t.Errorf("dingtalk payload: %+v", body.Markdown)
		}
		text = body.Markdown.Text
	} else {
		if q.Get("key") != rs.token {
			rs.answer(w, 93000, "invalid webhook url")
			return
		}
		if body.Markdown.Title != "" || body.Markdown.Text != "" {
			t.Errorf("wecom payload: %+v", body.Markdown)
		}
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.status != 0 {
		w.WriteHeader(rs.status)
		io.WriteString(w, "<html>bad gateway</html>")
		return
	}
	if rs.errcode != 0 {
		rs.answer(w, rs.errcode, "busy")
		return
	}
	id := r.Header.Get("X-Ding-Message-Id")
	rs.got[id]++
	rs.texts[id] = text
	rs.answer(w, 0, "ok")
}

func (rs *robotServer) set(errcode, status int) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.errcode, rs.status = errcode, status
}

func (rs *robotServer) received() (map[string]int, map[string]string) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	got, texts := map[string]int{}, map[string]string{}
	for k, v := range rs.got {
		got[k] = v
	}
	for k, v := range rs.texts {
		texts[k] = v
	}
	return got, texts
}

func robotRows(t *testing.T, db *store.DB, kind store.Channel) []*store.Notification {
	t.Helper()
	ns, err := db.FindNotifications(sys(), store.NotificationFilter{Channel: kind})
	if err != nil {
		t.Fatal(err)
	}
	return ns
}

func TestRobotDelivery(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, 0)
		dts := newRobotServer(t, store.ChannelDingTalk, "dt-token-123", "SEC0123456789abcdef", f.clock)
		wecom := newRobotServer(t, store.ChannelWeCom, "wx-key-456", "", f.clock)
		dt := &store.Robot{Name: "区重大项目群", Kind: store.ChannelDingTalk, Webhook: dts.webhook(), Secret: dts.secret,
			Events: []string{"warning.opened"}, Enabled: true}
		wx := &store.Robot{Name: "企业微信群", Kind: store.ChannelWeCom, Webhook: wecom.webhook(), Events: []string{"warning.opened", "warning.cleared"}, Enabled: true}
		for _, rb := range []*store.Robot{dt, wx} {
			if err := db.CreateRobot(sys(), rb); err != nil {
				t.Fatal(err)
			}
		}
		notify := func(event, subject string) {
			t.Helper()
			if err := db.Notify(sys(), store.Message{Event: event, Subject: subject, Body: "1–5月累计完成 3,120 万元，落后 10.5 个百分点", Link: "/projects/7"}); err != nil {
				t.Fatal(err)
			}
		}
		s := &Sender{DB: db, BaseURL: "https://ding.example.cn", Now: f.clock.Now, Log: discardLogger()}
		ctx := context.Background()

		// DingTalk is busy (errcode ≠ 0): retried; WeCom takes it.
		notify("warning.opened", "【红色预警】某项目开工滞后")
		dts.set(130101, 0)
		res, err := s.RunOnce(ctx)
		if err != nil || res.Sent != 1 || res.Retry != 1 {
			t.Fatalf("first run: %+v %v", res, err)
		}
		row := robotRows(t, db, store.ChannelDingTalk)[0]
		if row.Status != store.NotifyPending || row.Attempts != 1 || !strings.Contains(row.LastError, "errcode 130101") {
			t.Fatalf("dingtalk row after errcode: %+v", row)
		}
		dts.set(0, 0)
		f.clock.Add(30 * time.Second)
		if res, err := s.RunOnce(ctx); err != nil || res.Sent != 1 {
			t.Fatalf("second run: %+v %v", res, err)
		}
		got, texts := dts.received()
		if got[row.MessageID] != 1 || len(got) != 1 {
			t.Fatalf("dingtalk got %v", got)
		}
		if txt := texts[row.MessageID]; !strings.HasPrefix(txt, "#### 【红色预警】某项目开工滞后\n\n1–5月累计完成") ||
			!strings.HasSuffix(txt, "[查看详情](https://ding.example.cn/projects/7)") {
			t.Errorf("dingtalk text %q", txt)
		}
		wxRow := robotRows(t, db, store.ChannelWeCom)[0]
		got, texts = wecom.received()
		if got[wxRow.MessageID] != 1 || len(got) != 1 || !strings.HasPrefix(texts[wxRow.MessageID], "**【红色预警】某项目开工滞后**\n\n") {
			t.Fatalf("wecom got %v %q", got, texts)
		}

		// A wrong secret: DingTalk refuses the signature, and ding keeps trying (the
		// administrator sees the error and fixes the secret).
		dt.Secret = "SECwrong"
		if err := db.UpdateRobot(sys(), dt); err != nil {
			t.Fatal(err)
		}
		notify("warning.opened", "二")
		if res, _ := s.RunOnce(ctx); res.Retry != 1 || res.Sent != 1 {
			t.Fatalf("wrong secret: %+v", res)
		}
		if row := robotRows(t, db, store.ChannelDingTalk)[0]; !strings.Contains(row.LastError, "310000") {
			t.Errorf("wrong secret: %q", row.LastError)
		}
		dt.Secret = dts.secret
		if err := db.UpdateRobot(sys(), dt); err != nil {
			t.Fatal(err)
		}
		f.clock.Add(30 * time.Second)
		if res, _ := s.RunOnce(ctx); res.Sent != 1 {
			t.Fatalf("fixed secret: %+v", res)
		}

		// HTTP errors and a server that is gone: retried, and the token never lands in
		// the stored error.
		wecom.set(0, http.StatusBadGateway)
		notify("warning.cleared", "三")
		if res, _ := s.RunOnce(ctx); res.Retry != 1 {
			t.Fatalf("502: %+v", res)
		}
		wecom.srv.Close()
		f.clock.Add(30 * time.Second)
		if res, _ := s.RunOnce(ctx); res.Retry != 1 {
			t.Fatalf("server gone: %+v", res)
		}
		row = robotRows(t, db, store.ChannelWeCom)[0]
		if row.Attempts != 2 || strings.Contains(row.LastError, "wx-key-456") || row.LastError == "" {
			t.Errorf("wecom row: attempts %d, error %q", row.Attempts, row.LastError)
		}

		// A robot disabled while its message waits: given up, not sent.
		notify("warning.opened", "四")
		dt.Enabled = false
		if err := db.UpdateRobot(sys(), dt); err != nil {
			t.Fatal(err)
		}
		if res, _ := s.RunOnce(ctx); res.Failed != 1 {
			t.Fatalf("disabled robot: %+v", res)
		}
		// And no new rows for it.
		before := len(robotRows(t, db, store.ChannelDingTalk))
		notify("warning.opened", "五")
		if after := len(robotRows(t, db, store.ChannelDingTalk)); after != before {
			t.Errorf("a disabled robot got %d new rows", after-before)
		}
		got, _ = dts.received()
		if len(got) != 2 {
			t.Errorf("dingtalk accepted %d messages, want 2", len(got))
		}
		for id, n := range got {
			if n != 1 {
				t.Errorf("dingtalk got %s %d times", id, n)
			}
		}
	})
}

func TestRobotSignature(t *testing.T) {
	// DingTalk's documented construction, checked against an independent computation.
	secret, ms := "SEC000000000000000000000", int64(1718848800000)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("1718848800000\n" + secret))
	want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	if got := DingTalkSign(secret, ms); got != want {
		t.Fatalf("sign %s, want %s", got, want)
	}
	u := dingTalkURL("https://oapi.dingtalk.com/robot/send?access_token=abc", secret, time.UnixMilli(ms))
	parsed, err := url.Parse(u)
	if err != nil || !strings.HasPrefix(u, "https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1718848800000&sign=") ||
		parsed.Query().Get("sign") != want || parsed.Query().Get("access_token") != "abc" {
		t.Errorf("signed URL %s", u)
	}
	if u := dingTalkURL("https://x/robot/send?access_token=abc", "", time.UnixMilli(ms)); u != "https://x/robot/send?access_token=abc" {
		t.Errorf("unsigned URL %s", u)
	}
}

func TestRobotTruncate(t *testing.T) {
	n := &store.Notification{Subject: "标题", Body: strings.Repeat("进度", 5000)}
	txt := markdown(n, "https://x/p", "**标题**", weComMaxText)
	if len(txt) > weComMaxText || !strings.HasSuffix(txt, "…\n\n[查看详情](https://x/p)") {
		t.Errorf("%d bytes, ends %q", len(txt), txt[len(txt)-40:])
	}
	if !strings.HasPrefix(txt, "**标题**\n\n进度") {
		t.Errorf("starts %q", txt[:20])
	}
}

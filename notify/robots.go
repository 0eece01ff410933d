package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"ding/i18n"
	"ding/store"
)

// Size limits of the robots' markdown, in bytes (DingTalk allows about 20,000, WeCom 4,096).
const (
	dingTalkMaxText = 18000
	weComMaxText    = 4000
)

// DingTalkSign returns the signature of DingTalk's signed requests (加签): the timestamp in
// milliseconds, a line break and the secret, HMAC-SHA256 keyed with the secret, in base64.
func DingTalkSign(secret string, millis int64) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(millis, 10) + "\n" + secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// dingTalkURL appends timestamp and sign to the webhook when the robot has a secret.
func dingTalkURL(webhook, secret string, now time.Time) string {
	if secret == "" {
		return webhook
	}
	ms := now.UnixMilli()
	sep := "?"
	if strings.Contains(webhook, "?") {
		sep = "&"
	}
	return webhook + sep + "timestamp=" + strconv.FormatInt(ms, 10) + "&sign=" + url.QueryEscape(DingTalkSign(secret, ms))
}

// markdown is the robots' text: the heading (the subject, formatted), the body cut to fit
// in limit bytes, and the link.
func markdown(n *store.Notification, link string, heading string, limit int) string {
	tail := ""
	if link != "" {
		tail = "\n\n[" + i18n.T(i18n.Default, "notify.robot_link") + "](" + link + ")"
	}
	head := heading + "\n\n"
	body := truncate(n.Body, limit-len(head)-len(tail))
	return head + body + tail
}

// truncate shortens s to at most max bytes at a character boundary, marking the cut.
func truncate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	const more = "…"
	max -= len(more)
	for max > 0 && !utf8.RuneStart(s[max]) {
		max--
	}
	if max <= 0 {
		return ""
	}
	return s[:max] + more
}

// robotAnswer is what both robots answer: errcode 0 is success.
type robotAnswer struct {
	ErrCode *int   `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

// postRobot posts the notification to the robot's webhook as markdown.
func postRobot(ctx context.Context, hc *http.Client, rb *store.Robot, n *store.Notification, link string, now time.Time) error {
	var payload map[string]any
	target := rb.Webhook
	switch rb.Kind {
	case store.ChannelDingTalk:
		payload = map[string]any{"msgtype": "markdown", "markdown": map[string]string{
			"title": n.Subject,
			"text":  markdown(n, link, "#### "+n.Subject, dingTalkMaxText),
		}}
		target = dingTalkURL(rb.Webhook, rb.Secret, now)
	case store.ChannelWeCom:
		// WeCom's markdown shows headings poorly in some clients: the subject is bold.
		payload = map[string]any{"msgtype": "markdown", "markdown": map[string]string{
			"content": markdown(n, link, "**"+n.Subject+"**", weComMaxText),
		}}
	default:
		return Permanent(fmt.Errorf("unknown robot kind %q", rb.Kind))
	}
	body, err := json.Marshal(payload)
	if err != nil {
		return Permanent(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return Permanent(fmt.Errorf("robot %s: %w", rb.Name, err))
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	// The robots' APIs take no idempotency key; a relay in between may use this one.
	req.Header.Set("X-Ding-Message-Id", n.MessageID)
	res, err := hc.Do(req)
	if err != nil {
		// The error may quote the URL, and with it the access token and signature.
		return fmt.Errorf("robot %s: %s", rb.Name, redactURLError(err, target, rb.Webhook))
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("robot %s: HTTP %d: %.200s", rb.Name, res.StatusCode, raw)
	}
	var ans robotAnswer
	if err := json.Unmarshal(raw, &ans); err != nil || ans.ErrCode == nil {
		return fmt.Errorf("robot %s: unexpected answer: %.200s", rb.Name, raw)
	}
	if *ans.ErrCode != 0 {
		return fmt.Errorf("robot %s: errcode %d: %s", rb.Name, *ans.ErrCode, ans.ErrMsg)
	}
	return nil
}

// redactURLError returns the error's text with the webhook URLs replaced by their
// redacted form: it is stored in the outbox and logged.
func redactURLError(err error, urls ...string) string {
	s := err.Error()
	for _, u := range urls {
		if u != "" {
			s = strings.ReplaceAll(s, u, store.RedactWebhook(u))
		}
	}
	return s
}

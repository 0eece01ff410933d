// Package notify delivers ding's outbox: e-mail over SMTP and posts by DingTalk (钉钉) and
// WeCom (企业微信) group robots. Inbox items need no delivery; the store writes them.
//
// A Sender claims due rows from the store with a lease, hands each to its channel and
// records the outcome. Delivery is at least once: a row is marked sent only after its
// channel accepted it, so a crash between the two sends it again, with the message id it
// was given when it was queued (docs/notifications.md).
package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"ding"
	"ding/internal/crash"
	"ding/store"
)

// Sender delivers the outbox. The zero values of its settings are sensible defaults; DB
// is required.
type Sender struct {
	DB      *store.DB
	Mail    *Mailer      // nil: e-mail rows wait in the outbox until a mail server is configured
	HTTP    *http.Client // for robots; nil: a client with a 15 s timeout
	BaseURL string       // ding's external URL, to make links absolute; empty: no links

	Retry    store.RetryPolicy // zero: store.DefaultRetry
	Batch    int               // rows per claim (20)
	Lease    time.Duration     // how long a claim keeps other senders away (2 min)
	Timeout  time.Duration     // per message (30 s); must be well below Lease
	Interval time.Duration     // between polls when nothing is due (5 s)
	Now      func() time.Time  // the clock; tests replace it
	Log      *slog.Logger

	// afterAccept, in tests, runs when a channel accepted n and before ding records it;
	// true simulates a crash at that point: RunOnce returns at once, recording nothing.
	afterAccept func(n *store.Notification) bool
}

// Result counts what one RunOnce did.
type Result struct {
	Claimed int // rows claimed
	Sent    int // accepted by their channel and recorded
	Retry   int // failed, to be tried again later
	Failed  int // failed for good (permanent error or out of attempts)
}

// errCrashed is what RunOnce returns when a test simulated a crash.
var errCrashed = errors.New("notify: simulated crash")

func (s *Sender) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Sender) retry() store.RetryPolicy {
	if s.Retry.MaxAttempts > 0 {
		return s.Retry
	}
	return store.DefaultRetry
}

func orDefault[T int | time.Duration](v, d T) T {
	if v > 0 {
		return v
	}
	return d
}

func (s *Sender) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

func (s *Sender) client() *http.Client {
	if s.HTTP != nil {
		return s.HTTP
	}
	return &http.Client{Timeout: 15 * time.Second}
}

// channels are the channels this sender can deliver.
func (s *Sender) channels() []store.Channel {
	cs := []store.Channel{store.ChannelDingTalk, store.ChannelWeCom}
	if s.Mail != nil {
		cs = append(cs, store.ChannelEmail)
	}
	return cs
}

// Run delivers until ctx ends: it claims what is due, sends it, and waits a little when
// nothing more is due.
func (s *Sender) Run(ctx context.Context) {
	batch := orDefault(s.Batch, 20)
	for {
		res, err := s.RunOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			s.log().Warn("notify: deliver", "err", err)
		}
		if err == nil && res.Claimed == batch {
			continue // a full batch: more may be due
		}
		t := time.NewTimer(orDefault(s.Interval, 5*time.Second))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// RunOnce claims one batch of due rows and delivers it.
func (s *Sender) RunOnce(ctx context.Context) (Result, error) {
	var res Result
	timeout := orDefault(s.Timeout, 30*time.Second)
	ns, err := s.DB.ClaimDue(ctx, store.Claim{
		Now: s.now(), Limit: orDefault(s.Batch, 20), Lease: orDefault(s.Lease, 2*time.Minute), Channels: s.channels(),
	})
	if err != nil || len(ns) == 0 {
		return res, err
	}
	res.Claimed = len(ns)
	crash.Point("notify.claimed") // leased, nothing sent
	// Outcomes are recorded even when ctx ends during a send: the message went out, and
	// not recording it would only send it again.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	crashed := false
	defer func() {
		// Give back what was not attempted, so that it need not wait for the lease.
		if !crashed {
			if err := s.DB.ReleaseClaim(rctx, ns[0].ClaimToken); err != nil {
				s.log().Warn("notify: release claim", "err", err)
			}
		}
	}()
	for _, n := range ns {
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		if n.ClaimedUntil != nil && s.now().Add(timeout).After(*n.ClaimedUntil) {
			break // the lease could run out mid-send, and another sender take the row
		}
		sctx, scancel := context.WithTimeout(ctx, timeout)
		err := s.deliver(sctx, n)
		scancel()
		if err == nil && s.afterAccept != nil && s.afterAccept(n) {
			crashed = true
			return res, errCrashed
		}
		if err == nil {
			crash.Point("notify.accepted") // the channel accepted n; ding has not recorded it
			if err := s.DB.MarkSent(rctx, n, s.now()); err != nil {
				// The lease ends and the row is sent again: the documented window.
				return res, fmt.Errorf("record sent %s: %w", n.MessageID, err)
			}
			res.Sent++
			continue
		}
		gaveUp, merr := s.DB.MarkFailed(rctx, n, s.now(), err.Error(), IsPermanent(err), s.retry())
		if merr != nil {
			return res, fmt.Errorf("record failure of %s: %w", n.MessageID, merr)
		}
		if gaveUp {
			res.Failed++
			s.log().Error("notify: gave up", "message_id", n.MessageID, "channel", n.Channel, "target", n.Target, "err", err)
		} else {
			res.Retry++
			s.log().Warn("notify: will retry", "message_id", n.MessageID, "channel", n.Channel, "attempt", n.Attempts+1, "err", err)
		}
	}
	return res, nil
}

// deliver hands one row to its channel.
func (s *Sender) deliver(ctx context.Context, n *store.Notification) error {
	switch n.Channel {
	case store.ChannelEmail:
		if s.Mail == nil {
			return errors.New("no mail server configured")
		}
		return s.Mail.Send(ctx, n, s.link(n), s.now())
	case store.ChannelDingTalk, store.ChannelWeCom:
		rb, err := s.DB.Robot(ding.WithActor(ctx, ding.SystemActor("notify")), n.RobotID)
		if ding.ErrorCode(err) == ding.ENOTFOUND {
			return Permanent(errors.New("the robot was removed"))
		}
		if err != nil {
			return err
		}
		if !rb.Enabled {
			return Permanent(errors.New("the robot is disabled"))
		}
		return postRobot(ctx, s.client(), rb, n, s.link(n), s.now())
	}
	return Permanent(fmt.Errorf("unknown channel %q", n.Channel))
}

// link returns the notification's link as an absolute URL, or "" without a base URL.
func (s *Sender) link(n *store.Notification) string {
	if n.Link == "" || s.BaseURL == "" {
		return ""
	}
	return strings.TrimRight(s.BaseURL, "/") + n.Link
}

// permanentError is a failure that another attempt cannot cure (a mailbox that does not
// exist): the row fails at once instead of being retried.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent marks err as a failure that retrying cannot cure.
func Permanent(err error) error { return permanentError{err} }

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

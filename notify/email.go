package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strings"
	"time"

	"ding/i18n"
	"ding/store"
)

// Mailer sends e-mail through an SMTP server (net/smtp: enough for submitting plain text
// to a relay, which is all ding does).
type Mailer struct {
	Addr     string // host:port of the server
	From     string // "ding@example.gov.cn" or "鼎 <ding@example.gov.cn>"
	Username string // AUTH PLAIN when set; net/smtp sends it only over TLS or to loopback
	Password string
	// TLS is "" (STARTTLS when the server offers it), "starttls" (required), "tls" (implicit
	// TLS, usually port 465) or "none".
	TLS       string
	TLSConfig *tls.Config // nil: verify the server's name
	HeloName  string      // empty: "localhost"
}

// Validate checks the configuration.
func (m *Mailer) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(m.Addr); err != nil {
		errs = append(errs, fmt.Errorf("SMTP address %q: want host:port", m.Addr))
	}
	if a, err := mail.ParseAddress(m.From); err != nil || a.Address == "" {
		errs = append(errs, fmt.Errorf("SMTP from %q: want an address such as ding@example.gov.cn", m.From))
	}
	switch m.TLS {
	case "", "starttls", "tls", "none":
	default:
		errs = append(errs, fmt.Errorf("SMTP TLS %q: starttls, tls or none", m.TLS))
	}
	if (m.Username == "") != (m.Password == "") {
		errs = append(errs, errors.New("SMTP user and password go together"))
	}
	return errors.Join(errs...)
}

// Send submits the notification to the server: one message to n.Target, whose Message-ID
// is n.MessageID on every attempt, so that a receiver can drop a repeat. A recipient the
// server refuses with a 5xx code is a permanent failure; everything else may be retried.
func (m *Mailer) Send(ctx context.Context, n *store.Notification, link string, now time.Time) error {
	from, err := mail.ParseAddress(m.From)
	if err != nil {
		return fmt.Errorf("SMTP from %q: %w", m.From, err)
	}
	to := n.Target
	if a, err := mail.ParseAddress(to); err != nil || a.Address != to || strings.ContainsAny(to, "\r\n<>") {
		return Permanent(fmt.Errorf("bad recipient address %q", to))
	}
	msg := compose(from, to, n, link, now)

	host, _, _ := net.SplitHostPort(m.Addr)
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", m.Addr)
	if err != nil {
		return err
	}
	// net/smtp knows no contexts: a deadline on the connection stands in for one.
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	tlsConfig := m.TLSConfig
	if tlsConfig == nil {
		tlsConfig = &tls.Config{ServerName: host}
	}
	if m.TLS == "tls" {
		conn = tls.Client(conn, tlsConfig)
	}
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	helo := m.HeloName
	if helo == "" {
		helo = "localhost"
	}
	if err := c.Hello(helo); err != nil {
		return err
	}
	if m.TLS == "" || m.TLS == "starttls" {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(tlsConfig); err != nil {
				return fmt.Errorf("STARTTLS: %w", err)
			}
		} else if m.TLS == "starttls" {
			return errors.New("the SMTP server does not offer STARTTLS")
		}
	}
	if m.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", m.Username, m.Password, host)); err != nil {
			return fmt.Errorf("SMTP AUTH: %w", err)
		}
	}
	if err := c.Mail(from.Address); err != nil {
		return fmt.Errorf("MAIL FROM: %w", err)
	}
	if err := c.Rcpt(to); err != nil {
		var te *textproto.Error
		if errors.As(err, &te) && te.Code >= 500 {
			return Permanent(fmt.Errorf("RCPT TO %s: %w", to, err))
		}
		return fmt.Errorf("RCPT TO %s: %w", to, err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	// Close waits for the server's answer to the end of the data: 250 is acceptance.
	if err := w.Close(); err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	_ = c.Quit() // accepted already; a failed goodbye changes nothing
	return nil
}

// compose writes the message: UTF-8 plain text in base64, the subject as RFC 2047 encoded
// words, the Message-ID from the outbox.
func compose(from *mail.Address, to string, n *store.Notification, link string, now time.Time) []byte {
	var b bytes.Buffer
	domain := from.Address[strings.LastIndexByte(from.Address, '@')+1:]
	hdr := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	hdr("From", from.String())
	hdr("To", "<"+to+">")
	hdr("Subject", mime.QEncoding.Encode("utf-8", n.Subject))
	hdr("Date", now.Format(time.RFC1123Z))
	hdr("Message-ID", "<"+n.MessageID+"@"+domain+">")
	hdr("MIME-Version", "1.0")
	hdr("Content-Type", "text/plain; charset=utf-8")
	hdr("Content-Transfer-Encoding", "base64")
	hdr("Auto-Submitted", "auto-generated")
	hdr("X-Ding-Event", n.Event)
	b.WriteString("\r\n")

	text := n.Body
	if link != "" {
		if text != "" {
			text += "\n\n"
		}
		text += i18n.T(i18n.Default, "notify.mail_link") + link
	}
	text += "\n\n-- \n" + i18n.T(i18n.Default, "notify.mail_footer") + "\n"
	text = strings.ReplaceAll(text, "\n", "\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(text))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return b.Bytes()
}

// Package smtptest is a minimal SMTP server on loopback for tests: the notification
// sender's tests, the crash tests and the multi-server test deliver real mail to it and
// read back what it accepted (with each message's Message-ID).
package smtptest

import (
	"bufio"
	"encoding/base64"
	"io"
	"mime"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"
)

// Server is a minimal SMTP server on loopback: EHLO/HELO, optional AUTH PLAIN, MAIL,
// RCPT, DATA, RSET, NOOP, QUIT. It records what it accepted, can be taken down (connections
// refused) and brought back on the same port.
type Server struct {
	t    testing.TB
	Addr string // host:port

	mu       sync.Mutex
	ln       net.Listener
	msgs     []Message
	Auth     string                 // "user\x00password" to require AUTH PLAIN; empty: no AUTH
	OnData   func(m Message) string // optional: the reply to the end of DATA ("" = 250)
	RefuseTo string                 // RCPT to this address gets 550
	wg       sync.WaitGroup
}

// Message is one accepted message.
type Message struct {
	From, To  string
	MessageID string
	Subject   string // decoded
	Header    mail.Header
	Body      string // decoded
	Raw       string
}

// Set changes the server's behaviour under its lock: sessions read it concurrently.
func (s *Server) Set(fn func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn()
}

func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{t: t}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.Addr = ln.Addr().String()
	s.serve(ln)
	t.Cleanup(func() {
		s.Down()
		s.wg.Wait()
	})
	return s
}

func (s *Server) serve(ln net.Listener) {
	s.mu.Lock()
	s.ln = ln
	s.mu.Unlock()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				s.session(c)
			}()
		}
	}()
}

// Down closes the listener: new connections are refused.
func (s *Server) Down() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		s.ln.Close()
		s.ln = nil
	}
}

// Up listens again on the same address.
func (s *Server) Up() {
	s.t.Helper()
	var ln net.Listener
	var err error
	for range 50 { // the port may take a moment to be free again
		if ln, err = net.Listen("tcp", s.Addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		s.t.Fatalf("smtp server up again on %s: %v", s.Addr, err)
	}
	s.serve(ln)
}

// Messages returns what was accepted so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

func (s *Server) session(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(c)
	say := func(line string) { io.WriteString(c, line+"\r\n") }
	s.mu.Lock()
	needAuth := s.Auth
	s.mu.Unlock()
	say("220 test.local ESMTP ready")
	var from string
	var to []string
	authed := needAuth == ""
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb := strings.ToUpper(line)
		switch {
		case strings.HasPrefix(verb, "EHLO"):
			if needAuth != "" {
				say("250-test.local")
				say("250-AUTH PLAIN")
				say("250 8BITMIME")
			} else {
				say("250-test.local")
				say("250 8BITMIME")
			}
		case strings.HasPrefix(verb, "HELO"):
			say("250 test.local")
		case strings.HasPrefix(verb, "AUTH PLAIN "):
			b, _ := base64.StdEncoding.DecodeString(strings.TrimSpace(line[len("AUTH PLAIN "):]))
			if strings.TrimPrefix(string(b), "\x00") == needAuth {
				authed = true
				say("235 2.7.0 Authentication successful")
			} else {
				say("535 5.7.8 Authentication failed")
			}
		case strings.HasPrefix(verb, "MAIL FROM:"):
			if !authed {
				say("530 5.7.0 Authentication required")
				continue
			}
			from = angleAddr(line[len("MAIL FROM:"):])
			to = nil
			say("250 OK")
		case strings.HasPrefix(verb, "RCPT TO:"):
			addr := angleAddr(line[len("RCPT TO:"):])
			s.mu.Lock()
			refuse := s.RefuseTo
			s.mu.Unlock()
			if addr == refuse {
				say("550 5.1.1 No such user")
				continue
			}
			to = append(to, addr)
			say("250 OK")
		case verb == "DATA":
			if from == "" || len(to) == 0 {
				say("503 5.5.1 Bad sequence")
				continue
			}
			say("354 End data with <CR><LF>.<CR><LF>")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(strings.TrimPrefix(l, ".")) // dot-unstuffing
			}
			m := parse(s.t, from, strings.Join(to, ","), b.String())
			s.mu.Lock()
			onData := s.OnData
			s.mu.Unlock()
			reply := ""
			if onData != nil {
				reply = onData(m)
			}
			if reply == "" || strings.HasPrefix(reply, "250") || reply == "hang" {
				s.mu.Lock()
				s.msgs = append(s.msgs, m)
				s.mu.Unlock()
			}
			if reply == "" {
				reply = "250 2.0.0 OK queued"
			}
			if reply == "hang" { // accept, but never say so: wait for the client to give up
				io.Copy(io.Discard, r)
				return
			}
			say(reply)
			from, to = "", nil
		case verb == "RSET":
			from, to = "", nil
			say("250 OK")
		case verb == "NOOP":
			say("250 OK")
		case verb == "QUIT":
			say("221 Bye")
			return
		default:
			say("502 5.5.2 Command not recognized")
		}
	}
}

// angleAddr returns the address in "<addr> PARAM=…".
func angleAddr(s string) string {
	s = strings.TrimSpace(s)
	if i, j := strings.IndexByte(s, '<'), strings.IndexByte(s, '>'); i >= 0 && j > i {
		return s[i+1 : j]
	}
	return strings.Fields(s + " ")[0]
}

func parse(t testing.TB, from, to, raw string) Message {
	m := Message{From: from, To: to, Raw: raw}
	msg, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		t.Errorf("smtp server: unreadable message: %v\n%s", err, raw)
		return m
	}
	m.Header = msg.Header
	m.MessageID = msg.Header.Get("Message-ID")
	dec := new(mime.WordDecoder)
	if m.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		t.Errorf("smtp server: subject: %v", err)
	}
	b, _ := io.ReadAll(msg.Body)
	if msg.Header.Get("Content-Transfer-Encoding") == "base64" {
		d, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(string(b), "\r\n", ""))
		if err != nil {
			t.Errorf("smtp server: body: %v", err)
		}
		b = d
	}
	m.Body = string(b)
	return m
}

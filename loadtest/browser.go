package loadtest

import (
	"bytes"
	"context"
	"errors"
	"html"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/textproto"
	"net/url"
	"regexp"
	"strings"
	"time"

	"ding"
)

// simUser is one simulated person with a browser: its own cookies, talking to one server.
type simUser struct {
	cfg    Config
	client *http.Client
	rec    *recorder
	lim    *limiter
	rnd    *rand.Rand
	marker func() string
	user   *ding.User
	li     *liaisonPlan
	of     *officePlan
	base   string
	start  time.Duration
	csrf   string // the session's CSRF token, from the last page with a form
}

func newSimUser(cfg Config, tr http.RoundTripper, rec *recorder, lim *limiter, marker func() string, seed int64, i int,
	u *ding.User, li *liaisonPlan, of *officePlan) *simUser {
	jar, _ := cookiejar.New(nil) // never fails without options
	return &simUser{
		cfg: cfg, rec: rec, lim: lim, marker: marker, user: u, li: li, of: of,
		rnd: rand.New(rand.NewPCG(uint64(seed), uint64(i)+1)),
		client: &http.Client{Transport: tr, Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse // like a form post, the next page is a request of its own
		}},
	}
}

// anyRefusal, among the statuses a request expects, stands for any 4xx: a write the
// server may refuse (Check then wants a message with it).
const anyRefusal = -1

// errStop ends a user's session: the run is over, or the user cannot go on (a failed login).
var errStop = errors.New("stop")

// think pauses like a person reading the page; errStop once the run is over.
func (s *simUser) think(ctx context.Context) error {
	var d time.Duration
	if s.cfg.Think > 0 {
		d = time.Duration(s.rnd.Int64N(int64(2*s.cfg.Think) + 1))
	}
	if !s.lim.sleep(ctx, d) {
		return errStop
	}
	return nil
}

// page is an answer.
type page struct {
	status   int
	body     string
	location string
}

// do sends one request of a kind and records its latency (to the last byte of the body)
// and outcome. want lists the statuses that are the expected answer; any other is an
// error of the run (recorded as a failure when it is a 5xx, none, or 2xx/3xx/4xx a page
// should not give).
func (s *simUser) do(ctx context.Context, kind string, req *http.Request, want ...int) (*page, error) {
	if !s.lim.take() {
		return nil, errStop
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	req = req.WithContext(ctx)
	req.Header.Set("User-Agent", "ding-loadtest/1")
	req.Header.Set("Accept-Language", "zh-CN,zh;q=0.9")
	if req.Method == http.MethodPost {
		// What a browser sends with a form from the same site.
		req.Header.Set("Origin", s.base)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	start := time.Now()
	resp, err := s.client.Do(req)
	var p *page
	if err == nil {
		var b []byte
		b, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		p = &page{status: resp.StatusCode, body: string(b), location: resp.Header.Get("Location")}
	}
	d := time.Since(start)
	if err != nil {
		s.rec.observe(kind, 0, d, false)
		s.rec.fail(Failure{URL: s.base, Kind: kind, Method: req.Method, Path: req.URL.Path, User: s.user.Username, Message: err.Error()})
		return nil, err
	}
	ok := false
	for _, w := range want {
		ok = ok || p.status == w || (w == anyRefusal && p.status >= 400 && p.status < 500)
	}
	s.rec.observe(kind, p.status, d, ok)
	if !ok {
		s.rec.fail(Failure{URL: s.base, Kind: kind, Method: req.Method, Path: req.URL.Path, User: s.user.Username, Status: p.status,
			Message: firstNonEmpty(errorMessage(p.body), p.location)})
	}
	if m := csrfRE.FindStringSubmatch(p.body); m != nil {
		s.csrf = html.UnescapeString(m[1])
	}
	return p, nil
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// get requests a page that should answer 200.
func (s *simUser) get(ctx context.Context, kind, path string) (*page, error) {
	req, err := http.NewRequest(http.MethodGet, s.base+path, nil)
	if err != nil {
		return nil, err
	}
	p, err := s.do(ctx, kind, req, http.StatusOK)
	if err != nil {
		return nil, err
	}
	if p.status != http.StatusOK {
		return p, errUnexpected
	}
	return p, nil
}

// errUnexpected is an answer the page should not give (already recorded).
var errUnexpected = errors.New("unexpected answer")

// postForm sends a url-encoded form.
func (s *simUser) postForm(ctx context.Context, kind, path string, form url.Values, want ...int) (*page, error) {
	req, err := http.NewRequest(http.MethodPost, s.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return s.do(ctx, kind, req, want...)
}

// file is an upload of a multipart form.
type file struct {
	field, name, mime string
	data              []byte
}

// postMultipart sends a multipart form with files, like a form with enctype
// multipart/form-data.
func (s *simUser) postMultipart(ctx context.Context, kind, path string, form url.Values, files []file, want ...int) (*page, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range form {
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				return nil, err
			}
		}
	}
	for _, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="`+f.field+`"; filename="`+f.name+`"`)
		h.Set("Content-Type", f.mime)
		w, err := mw.CreatePart(h)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(f.data); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	req, err := http.NewRequest(http.MethodPost, s.base+path, &buf)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return s.do(ctx, kind, req, want...)
}

// login signs in through the login form: its double-submit CSRF cookie and field, then the
// password; the server answers with a redirect and the session cookie.
func (s *simUser) login(ctx context.Context) error {
	if _, err := s.get(ctx, KindLoginForm, "/login"); err != nil {
		return err
	}
	p, err := s.postForm(ctx, KindLogin, "/login", url.Values{"_csrf": {s.csrf}, "username": {s.user.Username},
		"password": {s.cfg.Password}, "next": {""}}, http.StatusSeeOther)
	if err != nil {
		return err
	}
	if p.status != http.StatusSeeOther || p.location != "/" {
		// A wrong password: do not try again (the account would lock after five).
		return errStop
	}
	if _, err := s.get(ctx, KindHome, "/"); err != nil {
		return err
	}
	return nil
}

var (
	csrfRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
	// The month selected in the report form's period list: the current reporting month.
	periodRE = regexp.MustCompile(`<option value="(\d{4}-\d{2})" selected>`)
	// The item page's report step: its form, the version it was made from, its units.
	reportStepRE = regexp.MustCompile(`(?s)<form method="post" action="/items/\d+/step" class="form" id="step-report-form">(.*?)</form>`)
	versionRE    = regexp.MustCompile(`name="version" value="(\d+)"`)
	unitRE       = regexp.MustCompile(`name="unit_id" value="(\d+)"|<option value="(\d+)"`)
	// Where pages put an error: the form's alert, a field's error, the error page.
	errorREs = []*regexp.Regexp{
		regexp.MustCompile(`<span class="field-error"[^>]*>([^<]+)</span>`),
		regexp.MustCompile(`role="alert"[^>]*>([^<]+)<`),
		regexp.MustCompile(`id="error-message">([^<]+)<`),
		regexp.MustCompile(`"message":\s*"([^"]+)"`),
	}
)

// errorMessage is the error a page shows, or "".
func errorMessage(body string) string {
	for _, re := range errorREs {
		if m := re.FindStringSubmatch(body); m != nil {
			if msg := strings.TrimSpace(html.UnescapeString(m[1])); msg != "" {
				return msg
			}
		}
	}
	return ""
}

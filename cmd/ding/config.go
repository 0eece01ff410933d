package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"ding/notify"
	"ding/store"
)

// Config is ding's whole configuration: flags override DING_* environment variables,
// which override the defaults. It is validated once at start-up and passed down; nothing
// reads the environment later.
type Config struct {
	Addr          string        // DING_ADDR, --addr
	DataDir       string        // DING_DATA, --data
	DatabaseURL   string        // DING_DATABASE_URL, --db: postgres://… or a SQLite file; default <data>/ding.db
	BaseURL       string        // DING_BASE_URL, --base-url: external URL; https makes cookies Secure
	SessionSecret string        // DING_SESSION_SECRET: keys the session hashes; default a random key kept in <data>/session.key
	SessionTTL    time.Duration // DING_SESSION_TTL: idle lifetime of a login session
	MaxBodyBytes  int64         // DING_MAX_BODY: request body limit in bytes
	MaxUpload     int64         // DING_MAX_UPLOAD, --max-upload: limit of file uploads (Excel, photos) in bytes
	TrustProxy    bool          // DING_TRUST_PROXY: take client addresses from X-Forwarded-For
	LogFormat     string        // DING_LOG_FORMAT: text or json
	LogLevel      string        // DING_LOG_LEVEL: debug, info, warn, error
	SMTPAddr      string        // DING_SMTP_ADDR: mail server host:port; empty: no e-mail is sent (it waits in the outbox)
	SMTPFrom      string        // DING_SMTP_FROM: sender, e.g. "鼎 <ding@example.gov.cn>"
	SMTPUser      string        // DING_SMTP_USER: AUTH PLAIN user (with DING_SMTP_PASSWORD)
	SMTPPassword  string        // DING_SMTP_PASSWORD
	SMTPTLS       string        // DING_SMTP_TLS: "" (STARTTLS when offered), starttls, tls (implicit, port 465), none

	RequestTimeout  time.Duration // DING_REQUEST_TIMEOUT, --request-timeout: time limit of a page or API request
	HeavyTimeout    time.Duration // DING_HEAVY_TIMEOUT, --heavy-timeout: time limit of an export, import or bulletin
	HeavyLimit      int           // DING_HEAVY_LIMIT, --heavy-limit: heavy requests at once; more get 503 "busy"
	ShutdownTimeout time.Duration // DING_SHUTDOWN_TIMEOUT, --shutdown-timeout: how long a shutdown lets requests finish
	PprofAddr       string        // DING_PPROF_ADDR: serve Go's profiler (net/http/pprof) on this address, e.g. 127.0.0.1:6060; empty: off
	NotifyLease     time.Duration // DING_NOTIFY_LEASE: how long a server's claim on a notification holds (the window for a repeat after a crash)

	dataDirSet bool // --data or DING_DATA was given (serve --demo otherwise uses a fresh directory)
}

// defaultConfig returns the defaults.
func defaultConfig() Config {
	return Config{
		Addr:         "127.0.0.1:8080",
		DataDir:      "./ding-data",
		SessionTTL:   12 * time.Hour,
		MaxBodyBytes: 1 << 20,
		MaxUpload:    20 << 20,
		LogFormat:    "text",
		LogLevel:     "info",

		RequestTimeout:  30 * time.Second,
		HeavyTimeout:    2 * time.Minute,
		HeavyLimit:      max(2, runtime.NumCPU()),
		ShutdownTimeout: 30 * time.Second,
		NotifyLease:     2 * time.Minute,
	}
}

// loadEnv applies DING_* variables from getenv.
func (c *Config) loadEnv(getenv func(string) string) error {
	str := func(name string, dst *string) {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	str("DING_ADDR", &c.Addr)
	if v := getenv("DING_DATA"); v != "" {
		c.DataDir, c.dataDirSet = v, true
	}
	str("DING_DATABASE_URL", &c.DatabaseURL)
	str("DING_BASE_URL", &c.BaseURL)
	str("DING_PPROF_ADDR", &c.PprofAddr)
	str("DING_SESSION_SECRET", &c.SessionSecret)
	str("DING_LOG_FORMAT", &c.LogFormat)
	str("DING_LOG_LEVEL", &c.LogLevel)
	str("DING_SMTP_ADDR", &c.SMTPAddr)
	str("DING_SMTP_FROM", &c.SMTPFrom)
	str("DING_SMTP_USER", &c.SMTPUser)
	str("DING_SMTP_PASSWORD", &c.SMTPPassword)
	str("DING_SMTP_TLS", &c.SMTPTLS)
	if v := getenv("DING_SESSION_TTL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("DING_SESSION_TTL: %w", err)
		}
		c.SessionTTL = d
	}
	if v := getenv("DING_MAX_BODY"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fmt.Errorf("DING_MAX_BODY: %w", err)
		}
		c.MaxBodyBytes = n
	}
	if v := getenv("DING_MAX_UPLOAD"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fmt.Errorf("DING_MAX_UPLOAD: %w", err)
		}
		c.MaxUpload = n
	}
	if v := getenv("DING_HEAVY_LIMIT"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("DING_HEAVY_LIMIT: %w", err)
		}
		c.HeavyLimit = n
	}
	for name, dst := range map[string]*time.Duration{
		"DING_REQUEST_TIMEOUT": &c.RequestTimeout, "DING_HEAVY_TIMEOUT": &c.HeavyTimeout, "DING_SHUTDOWN_TIMEOUT": &c.ShutdownTimeout,
		"DING_NOTIFY_LEASE": &c.NotifyLease,
	} {
		if v := getenv(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			*dst = d
		}
	}
	if v := getenv("DING_TRUST_PROXY"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("DING_TRUST_PROXY: %w", err)
		}
		c.TrustProxy = b
	}
	return nil
}

// bindFlags registers the common flags on fs. withServe adds the server's own.
func (c *Config) bindFlags(fs *flag.FlagSet, withServe bool) {
	fs.Func("data", "data directory: the embedded database and files (env DING_DATA, default ./ding-data)", func(v string) error {
		c.DataDir, c.dataDirSet = v, true
		return nil
	})
	fs.StringVar(&c.DatabaseURL, "db", c.DatabaseURL, "database: postgres://… or a SQLite file (env DING_DATABASE_URL, default <data>/ding.db)")
	if withServe {
		fs.StringVar(&c.Addr, "addr", c.Addr, "listen address (env DING_ADDR)")
		fs.StringVar(&c.BaseURL, "base-url", c.BaseURL, "external URL, e.g. https://ding.example.gov.cn (env DING_BASE_URL)")
		fs.Int64Var(&c.MaxUpload, "max-upload", c.MaxUpload, "limit of file uploads (Excel, photos) in bytes (env DING_MAX_UPLOAD)")
		fs.DurationVar(&c.RequestTimeout, "request-timeout", c.RequestTimeout, "time limit of a page or API request (env DING_REQUEST_TIMEOUT)")
		fs.DurationVar(&c.HeavyTimeout, "heavy-timeout", c.HeavyTimeout, "time limit of an export, import or bulletin (env DING_HEAVY_TIMEOUT)")
		fs.IntVar(&c.HeavyLimit, "heavy-limit", c.HeavyLimit, "exports, imports and bulletins at once; more answer 503 busy (env DING_HEAVY_LIMIT)")
		fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", c.ShutdownTimeout, "how long a shutdown lets requests in flight finish (env DING_SHUTDOWN_TIMEOUT)")
	}
}

// DSN is the database to open.
func (c *Config) DSN() string {
	if c.DatabaseURL != "" {
		return c.DatabaseURL
	}
	return filepath.Join(c.DataDir, "ding.db")
}

// Validate checks the configuration and says what is wrong.
func (c *Config) Validate() error {
	var errs []error
	if _, port, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("addr %q: want host:port", c.Addr))
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		errs = append(errs, fmt.Errorf("addr %q: bad port", c.Addr))
	}
	if strings.TrimSpace(c.DataDir) == "" {
		errs = append(errs, errors.New("data directory is empty"))
	}
	if c.DatabaseURL != "" && !store.IsPostgresDSN(c.DatabaseURL) && strings.Contains(c.DatabaseURL, "://") && !strings.HasPrefix(c.DatabaseURL, "sqlite://") {
		errs = append(errs, fmt.Errorf("database %q: want postgres://… or a SQLite file path", redactDSN(c.DatabaseURL)))
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("base URL %q: want http(s)://host[/path]", c.BaseURL))
		}
	}
	if c.SessionSecret != "" && len(c.SessionSecret) < 32 {
		errs = append(errs, errors.New("session secret: at least 32 characters"))
	}
	if c.SessionTTL < 5*time.Minute || c.SessionTTL > 30*24*time.Hour {
		errs = append(errs, fmt.Errorf("session TTL %s: between 5m and 720h", c.SessionTTL))
	}
	if c.MaxBodyBytes < 1<<10 || c.MaxBodyBytes > 1<<30 {
		errs = append(errs, fmt.Errorf("max body %d: between 1 KiB and 1 GiB", c.MaxBodyBytes))
	}
	if c.MaxUpload < c.MaxBodyBytes || c.MaxUpload > 1<<30 {
		errs = append(errs, fmt.Errorf("max upload %d: between the max body (%d) and 1 GiB", c.MaxUpload, c.MaxBodyBytes))
	}
	if c.RequestTimeout < time.Second || c.RequestTimeout > time.Hour {
		errs = append(errs, fmt.Errorf("request timeout %s: between 1s and 1h", c.RequestTimeout))
	}
	if c.HeavyTimeout < c.RequestTimeout || c.HeavyTimeout > time.Hour {
		errs = append(errs, fmt.Errorf("heavy timeout %s: between the request timeout (%s) and 1h", c.HeavyTimeout, c.RequestTimeout))
	}
	if c.HeavyLimit < 1 || c.HeavyLimit > 1000 {
		errs = append(errs, fmt.Errorf("heavy limit %d: between 1 and 1000", c.HeavyLimit))
	}
	if c.NotifyLease < time.Second || c.NotifyLease > time.Hour {
		errs = append(errs, fmt.Errorf("notification lease %s: between 1s and 1h", c.NotifyLease))
	}
	if c.ShutdownTimeout < time.Second || c.ShutdownTimeout > time.Hour {
		errs = append(errs, fmt.Errorf("shutdown timeout %s: between 1s and 1h", c.ShutdownTimeout))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("log format %q: text or json", c.LogFormat))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("log level %q: debug, info, warn or error", c.LogLevel))
	}
	if m := c.mailer(); m != nil {
		if err := m.Validate(); err != nil {
			errs = append(errs, err)
		}
	} else if c.SMTPFrom != "" || c.SMTPUser != "" || c.SMTPPassword != "" || c.SMTPTLS != "" {
		errs = append(errs, errors.New("DING_SMTP_* is set but DING_SMTP_ADDR is empty"))
	}
	return errors.Join(errs...)
}

// mailer is the SMTP configuration, or nil when no mail server is set.
func (c *Config) mailer() *notify.Mailer {
	if c.SMTPAddr == "" {
		return nil
	}
	m := &notify.Mailer{Addr: c.SMTPAddr, From: c.SMTPFrom, Username: c.SMTPUser, Password: c.SMTPPassword, TLS: c.SMTPTLS}
	if u, err := url.Parse(c.BaseURL); err == nil && u.Hostname() != "" {
		m.HeloName = u.Hostname()
	}
	return m
}

// sessionKey returns the session secret: the configured one, or a random key kept in
// the data directory so that sessions survive restarts.
func (c *Config) sessionKey() ([]byte, error) {
	if c.SessionSecret != "" {
		return []byte(c.SessionSecret), nil
	}
	path := filepath.Join(c.DataDir, "session.key")
	if b, err := os.ReadFile(path); err == nil && len(b) >= 32 {
		return b, nil
	}
	if err := os.MkdirAll(c.DataDir, 0o750); err != nil {
		return nil, err
	}
	// Servers sharing a data directory may start at once: the first to link its key in
	// place wins, the others read it (a plain write would let each keep its own key and
	// log out every user of the others).
	tmp, err := os.CreateTemp(c.DataDir, ".session.key-*")
	if err != nil {
		return nil, fmt.Errorf("write session key: %w", err)
	}
	defer os.Remove(tmp.Name())
	key := []byte(randomKey())
	if _, err := tmp.Write(key); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("write session key: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("write session key: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o600); err != nil {
		return nil, fmt.Errorf("write session key: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if b, rerr := os.ReadFile(path); rerr == nil && len(b) >= 32 {
			return b, nil
		}
		return nil, fmt.Errorf("write session key: %w", err)
	}
	return key, nil
}

// Print writes the configuration with secrets hidden.
func (c *Config) Print(w io.Writer) {
	secret := "(random, kept in " + filepath.Join(c.DataDir, "session.key") + ")"
	if c.SessionSecret != "" {
		secret = "********"
	}
	fmt.Fprintf(w, "addr            %s\n", c.Addr)
	fmt.Fprintf(w, "data            %s\n", c.DataDir)
	fmt.Fprintf(w, "database        %s\n", redactDSN(c.DSN()))
	fmt.Fprintf(w, "base_url        %s\n", c.BaseURL)
	fmt.Fprintf(w, "session_secret  %s\n", secret)
	fmt.Fprintf(w, "session_ttl     %s\n", c.SessionTTL)
	fmt.Fprintf(w, "max_body        %d\n", c.MaxBodyBytes)
	fmt.Fprintf(w, "max_upload      %d\n", c.MaxUpload)
	fmt.Fprintf(w, "timeouts        request %s, heavy %s, shutdown %s\n", c.RequestTimeout, c.HeavyTimeout, c.ShutdownTimeout)
	fmt.Fprintf(w, "heavy_limit     %d\n", c.HeavyLimit)
	fmt.Fprintf(w, "trust_proxy     %t\n", c.TrustProxy)
	fmt.Fprintf(w, "log             %s %s\n", c.LogFormat, c.LogLevel)
	smtp := "(none: e-mail waits in the outbox)"
	if c.SMTPAddr != "" {
		smtp = c.SMTPAddr + " from " + c.SMTPFrom
		if c.SMTPUser != "" {
			smtp += " as " + c.SMTPUser + " (password ********)"
		}
		if c.SMTPTLS != "" {
			smtp += " tls=" + c.SMTPTLS
		}
	}
	fmt.Fprintf(w, "smtp            %s\n", smtp)
}

// redactDSN hides the password of a database URL.
func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

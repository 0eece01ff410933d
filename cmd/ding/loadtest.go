package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"
	"time"

	"ding/loadtest"
)

// loadtest runs the month-end load test (package loadtest) against running servers and
// checks their database afterwards. It fails on any 5xx, any request without an answer,
// and any write lost, stored twice, or refused without a message.
func (e *cliEnv) loadtest(args []string) error {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	var urls urlList
	fs.Var(&urls, "url", "base URL of a running server (repeat, or separate with commas, to spread the users over several)")
	var cfg loadtest.Config
	fs.IntVar(&cfg.Users, "users", 200, "concurrent simulated users")
	fs.DurationVar(&cfg.Duration, "duration", time.Minute, "stop after this long (0: only --requests)")
	fs.IntVar(&cfg.Requests, "requests", 0, "stop after this many requests (0: only --duration)")
	fs.StringVar(&cfg.Password, "password", "", "the generated users' password (ding gen --password)")
	fs.Int64Var(&cfg.Seed, "seed", 1, "chooses the users and their order of work")
	fs.DurationVar(&cfg.Think, "think", 3*time.Second, "mean pause of a user between requests (each drawn from 0 to twice this); 0s: none")
	fs.DurationVar(&cfg.Ramp, "ramp", 0, "spread the users' logins over this time (0: 150 ms a user, 30 s for 200)")
	fs.IntVar(&cfg.OfficeShare, "office", 25, "percentage of office staff among the users; the rest are liaisons")
	fs.IntVar(&cfg.InvalidShare, "invalid", 5, "percentage of writes sent invalid on purpose, which the server must refuse (-1: none)")
	fs.BoolVar(&cfg.Warmup, "warmup", true, "before the clock starts, open the province's dashboard once (builds the rollups a nightly warning pass left to rebuild)")
	skip := fs.String("skip", "", `kinds of page the users leave out, comma-separated ("item list,dashboard"), to measure the rest around a page known to be slow`)
	asJSON := fs.Bool("json", false, "print the result and the check as JSON")
	c, err := e.loadConfig(fs, args, false)
	if err != nil {
		return err
	}
	if len(urls) == 0 {
		fmt.Fprintln(e.stderr, "ding loadtest: --url is required (a running ding serve on the same database as --db/--data)")
		return errUsage
	}
	if cfg.Password == "" {
		fmt.Fprintln(e.stderr, "ding loadtest: --password is required (the one given to ding gen)")
		return errUsage
	}
	for _, k := range strings.Split(*skip, ",") {
		if k = strings.TrimSpace(k); k != "" {
			if slices.Contains([]string{loadtest.KindItemList, loadtest.KindDashboard, loadtest.KindWarnings, loadtest.KindExport}, k) {
				cfg.Skip = append(cfg.Skip, k)
				continue
			}
			fmt.Fprintf(e.stderr, "ding loadtest: --skip %q: not a page the users can leave out\n", k)
			return errUsage
		}
	}
	if cfg.Think == 0 {
		cfg.Think = -1 // the flag's 0s means no pause; the package's zero means its default
	}
	db, err := openDB(e.ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	cfg.URLs, cfg.DB = urls, db
	if !*asJSON {
		cfg.Progress = e.stderr
		fmt.Fprintf(e.stdout, "load test: %d users against %s for %s / %d requests (database %s)\n",
			cfg.Users, strings.Join(urls, " "), cfg.Duration, cfg.Requests, redactDSN(c.DSN()))
	}
	res, err := loadtest.Run(e.ctx, cfg)
	if err != nil {
		return err
	}
	chk, err := loadtest.Check(e.ctx, db, res)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(struct {
			Result *loadtest.Result      `json:"result"`
			Check  *loadtest.CheckResult `json:"check"`
			OK     bool                  `json:"ok"`
		}{res, chk, chk.OK()}); err != nil {
			return err
		}
	} else {
		if _, err := res.WriteTo(e.stdout); err != nil {
			return err
		}
		if _, err := chk.WriteTo(e.stdout); err != nil {
			return err
		}
	}
	if !chk.OK() {
		return errors.New("load test failed: " + strings.Join(chk.Problems(), "; "))
	}
	return nil
}

// urlList is a repeatable, comma-separated --url flag.
type urlList []string

func (u *urlList) String() string { return strings.Join(*u, ",") }

func (u *urlList) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimRight(strings.TrimSpace(s), "/"); s != "" {
			if !strings.HasPrefix(s, "http://") && !strings.HasPrefix(s, "https://") {
				return fmt.Errorf("%q: want http://host:port", s)
			}
			*u = append(*u, s)
		}
	}
	return nil
}

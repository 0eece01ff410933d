// Command ding runs 鼎, the closed-loop platform for a district's major projects and
// targets. Subcommands: serve, migrate, user, unit, backup, restore, check, gen, loadtest,
// config, version.
package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `ding — 鼎 · 重大项目闭环管理平台

Usage:
  ding serve   [--addr 127.0.0.1:8080] [--data ./ding-data] [--db DSN] [--demo] [--migrate]
  ding migrate [--data DIR] [--db DSN] [--status]
  ding user add NAME --unit UNIT --role ROLE [--display-name 姓名] [--password-stdin]
  ding user passwd NAME [--password-stdin]
  ding user list
  ding user token NAME [--label LABEL]
  ding unit add --name 名称 --kind KIND [--code CODE] [--parent UNIT]
  ding unit list
  ding backup  --out FILE [--with-files]
  ding restore --from FILE [--force]
  ding check   [--limit 20] [--no-files]
  ding gen     [--projects 100000] [--reports-per-project 24] [--units 3000] [--users N] [--demands N] [--password PW] [--seed 1] [--quiet] [--data DIR] [--db DSN]
  ding loadtest --url http://127.0.0.1:8080 --password PW [--users 200] [--duration 1m] [--requests N] [--think 3s] [--json] [--data DIR] [--db DSN]
  ding warn recompute [--date YYYY-MM-DD]
  ding config
  ding version

Every command reads DING_* environment variables (see ding config); flags win.
Run "ding COMMAND -h" for a command's flags.
`

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, errUsage) {
			fmt.Fprintln(os.Stderr, "ding:", err)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

// run dispatches a command line; tests call it directly.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	env := &cliEnv{ctx: ctx, getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	switch args[0] {
	case "serve":
		return env.serve(args[1:])
	case "migrate":
		return env.migrate(args[1:])
	case "user":
		return env.user(args[1:])
	case "unit":
		return env.unit(args[1:])
	case "backup":
		return env.backup(args[1:])
	case "restore":
		return env.restore(args[1:])
	case "check":
		return env.check(args[1:])
	case "warn":
		return env.warn(args[1:])
	case "gen":
		return env.gen(args[1:])
	case "loadtest":
		return env.loadtest(args[1:])
	case "config":
		return env.config(args[1:])
	case "version":
		fmt.Fprintln(stdout, "ding", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "ding: unknown command %q\n\n%s", args[0], usage)
	return errUsage
}

// cliEnv is what every command gets: the context, the environment and the streams.
type cliEnv struct {
	ctx    context.Context
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

func randomKey() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"ding"
	"ding/auth"
	"ding/i18n"
	"ding/store"
)

// withDB loads the config, opens a migrated database and runs fn as the system actor.
func (e *cliEnv) withDB(fs *flag.FlagSet, args []string, fn func(ctx context.Context, db *store.DB, rest []string) error) error {
	c, err := e.loadConfig(fs, args, false)
	if err != nil {
		return err
	}
	db, err := openDB(e.ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := db.Status(e.ctx)
	if err != nil {
		return err
	}
	if st.Empty() {
		if _, err := db.Migrate(e.ctx); err != nil {
			return err
		}
	} else if len(st.Pending) > 0 || len(st.Unknown) > 0 {
		return fmt.Errorf("the database schema does not match this ding (pending %v, unknown %v): run \"ding migrate\"", st.Pending, st.Unknown)
	}
	ctx := ding.WithActor(e.ctx, ding.SystemActor("cli"))
	return fn(ctx, db, fs.Args())
}

// explain turns a ding error into its Chinese message (the CLI's users read Chinese).
func explain(err error) error {
	if err == nil {
		return nil
	}
	if de := ding.AsError(err); de.Code != ding.EINTERNAL {
		msg := i18n.T("zh", de.Key, de.Args...)
		if de.Field != "" {
			msg = de.Field + ": " + msg
		}
		return fmt.Errorf("%s", msg)
	}
	return err
}

// findUnit resolves a unit given by id, code or exact name.
func findUnit(ctx context.Context, db *store.DB, ref string) (*ding.Unit, error) {
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil && len(ref) < 6 {
		return db.FindUnitByID(ctx, id)
	}
	units, _, err := db.FindUnits(ctx, ding.UnitFilter{Query: ref, IncludeDisabled: true})
	if err != nil {
		return nil, err
	}
	var found []*ding.Unit
	for _, u := range units {
		if u.Code == strings.ToUpper(ref) || u.Name == ref || u.ShortName == ref {
			found = append(found, u)
		}
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("no unit %q (give its id, code or full name; see ding unit list)", ref)
	case 1:
		return found[0], nil
	}
	return nil, fmt.Errorf("%d units match %q: give the id", len(found), ref)
}

// readPassword takes a password from stdin (--password-stdin) or generates one.
func (e *cliEnv) readPassword(fromStdin bool) (pw string, generated bool, err error) {
	if fromStdin {
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		if err != nil && line == "" {
			return "", false, fmt.Errorf("read password from stdin: %w", err)
		}
		pw = strings.TrimRight(line, "\r\n")
		if err := ding.ValidatePassword(pw); err != nil {
			return "", false, explain(err)
		}
		return pw, false, nil
	}
	pw = strings.NewReplacer("-", "x", "_", "y").Replace(auth.NewSecret(12)) + "7a"
	return pw, true, nil
}

func (e *cliEnv) user(args []string) error {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, "usage: ding user add|passwd|list|token …\n")
		return errUsage
	}
	fs := flag.NewFlagSet("user "+args[0], flag.ContinueOnError)
	switch args[0] {
	case "add":
		unitRef := fs.String("unit", "", "unit: id, code or full name (required)")
		role := fs.String("role", "liaison", "role: admin, office, leader, liaison, viewer")
		scope := fs.String("scope", "", "data scope: all, unit_tree, unit, self (default: the role's)")
		name := fs.String("display-name", "", "display name (default: the username)")
		stdin := fs.Bool("password-stdin", false, "read the password from standard input (default: generate one and print it)")
		return e.withDB(fs, reorder(args[1:]), func(ctx context.Context, db *store.DB, rest []string) error {
			if len(rest) != 1 || *unitRef == "" {
				return fmt.Errorf("usage: ding user add NAME --unit UNIT [--role ROLE]")
			}
			unit, err := findUnit(ctx, db, *unitRef)
			if err != nil {
				return explain(err)
			}
			pw, generated, err := e.readPassword(*stdin)
			if err != nil {
				return err
			}
			hash, err := auth.DefaultHasher.Hash(pw)
			if err != nil {
				return err
			}
			u := &ding.User{Username: rest[0], DisplayName: *name, UnitID: unit.ID, Role: ding.Role(*role), Scope: ding.DataScope(*scope)}
			if u.DisplayName == "" {
				u.DisplayName = rest[0]
			}
			if err := db.CreateUser(ctx, u, hash); err != nil {
				return explain(err)
			}
			fmt.Fprintf(e.stdout, "created user %s (id %d, %s, %s)\n", u.Username, u.ID, unit.Name, u.Role)
			if generated {
				fmt.Fprintf(e.stdout, "password: %s\n", pw)
			}
			return nil
		})
	case "passwd":
		stdin := fs.Bool("password-stdin", false, "read the new password from standard input (default: generate one and print it)")
		return e.withDB(fs, reorder(args[1:]), func(ctx context.Context, db *store.DB, rest []string) error {
			if len(rest) != 1 {
				return fmt.Errorf("usage: ding user passwd NAME")
			}
			rec, err := db.UserForLogin(ctx, strings.ToLower(rest[0]))
			if err != nil {
				return fmt.Errorf("no user %q", rest[0])
			}
			pw, generated, err := e.readPassword(*stdin)
			if err != nil {
				return err
			}
			hash, err := auth.DefaultHasher.Hash(pw)
			if err != nil {
				return err
			}
			if err := db.SetPassword(ctx, rec.User.ID, hash, 0); err != nil {
				return explain(err)
			}
			fmt.Fprintf(e.stdout, "password of %s changed; the account is unlocked and its sessions ended\n", rec.User.Username)
			if generated {
				fmt.Fprintf(e.stdout, "password: %s\n", pw)
			}
			return nil
		})
	case "list":
		return e.withDB(fs, args[1:], func(ctx context.Context, db *store.DB, rest []string) error {
			users, _, err := db.FindUsers(ctx, ding.UserFilter{IncludeDisabled: true})
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tUSERNAME\tNAME\tUNIT\tROLE\tSCOPE\tSTATUS")
			for _, u := range users {
				status := "active"
				if u.Disabled {
					status = "disabled"
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", u.ID, u.Username, u.DisplayName, u.UnitName, u.Role, u.Scope, status)
			}
			return tw.Flush()
		})
	case "token":
		label := fs.String("label", "cli", "a name for the token, shown in the UI")
		return e.withDB(fs, reorder(args[1:]), func(ctx context.Context, db *store.DB, rest []string) error {
			if len(rest) != 1 {
				return fmt.Errorf("usage: ding user token NAME [--label LABEL]")
			}
			rec, err := db.UserForLogin(ctx, strings.ToLower(rest[0]))
			if err != nil {
				return fmt.Errorf("no user %q", rest[0])
			}
			if rec.User.Disabled {
				return fmt.Errorf("user %s is disabled", rec.User.Username)
			}
			secret, shown := auth.NewAPIToken()
			t := &ding.Token{UserID: rec.User.ID, Name: *label, Prefix: shown}
			if err := db.CreateToken(ctx, t, auth.HashSecret(secret)); err != nil {
				return explain(err)
			}
			fmt.Fprintln(e.stdout, secret)
			return nil
		})
	}
	fmt.Fprintf(e.stderr, "ding user: unknown subcommand %q\n", args[0])
	return errUsage
}

func (e *cliEnv) unit(args []string) error {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, "usage: ding unit add|list …\n")
		return errUsage
	}
	fs := flag.NewFlagSet("unit "+args[0], flag.ContinueOnError)
	switch args[0] {
	case "add":
		name := fs.String("name", "", "unit name (required)")
		short := fs.String("short", "", "short name")
		kind := fs.String("kind", "district", "kind: city, district, town, department, park, enterprise")
		code := fs.String("code", "", "行政区划代码 (city, district) or 统一社会信用代码 (enterprise)")
		parent := fs.String("parent", "", "parent unit: id, code or full name (empty: a root)")
		return e.withDB(fs, args[1:], func(ctx context.Context, db *store.DB, rest []string) error {
			u := &ding.Unit{Name: *name, ShortName: *short, Kind: ding.UnitKind(*kind), Code: *code}
			if *parent != "" {
				p, err := findUnit(ctx, db, *parent)
				if err != nil {
					return explain(err)
				}
				u.ParentID = p.ID
			}
			if err := db.CreateUnit(ctx, u); err != nil {
				return explain(err)
			}
			fmt.Fprintf(e.stdout, "created unit %s (id %d)\n", u.Name, u.ID)
			return nil
		})
	case "list":
		return e.withDB(fs, args[1:], func(ctx context.Context, db *store.DB, rest []string) error {
			units, _, err := db.FindUnits(ctx, ding.UnitFilter{IncludeDisabled: true})
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tPARENT\tKIND\tCODE\tNAME")
			for _, u := range units {
				fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s%s\n", u.ID, u.ParentID, u.Kind, u.Code, strings.Repeat("  ", u.Depth), u.Name)
			}
			return tw.Flush()
		})
	}
	fmt.Fprintf(e.stderr, "ding unit: unknown subcommand %q\n", args[0])
	return errUsage
}

func (e *cliEnv) backup(args []string) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	out := fs.String("out", "", "archive to write (required, must not exist)")
	withFiles := fs.Bool("with-files", false, "also copy the uploads of the data directory (photos, attachments, import files)")
	c, err := e.loadConfig(fs, args, false)
	if err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		return fmt.Errorf("usage: ding backup --out FILE [--with-files]")
	}
	if err := requireSQLiteFile(c); err != nil {
		return err
	}
	db, err := openDB(e.ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	o := store.BackupOptions{Version: version}
	if *withFiles {
		o.DataDir = c.DataDir
	}
	m, err := db.Backup(e.ctx, *out, o)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backup written to %s and verified: %s, %d tables, %d rows, migrations up to %s",
		*out, m.Engine, len(m.Tables), m.Rows(), m.Migrations[len(m.Migrations)-1])
	if *withFiles {
		fmt.Fprintf(e.stdout, ", %d uploaded files", len(m.Files))
	}
	fmt.Fprintln(e.stdout)
	return nil
}

func (e *cliEnv) config(args []string) error {
	fs := flag.NewFlagSet("config", flag.ContinueOnError)
	c := defaultConfig()
	if err := c.loadEnv(e.getenv); err != nil {
		return err
	}
	c.bindFlags(fs, true)
	fs.SetOutput(e.stderr)
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	c.Print(e.stdout)
	if err := c.Validate(); err != nil {
		fmt.Fprintf(e.stdout, "\ninvalid: %v\n", err)
		return err
	}
	return nil
}

// reorder moves flags before positional arguments, so that "user add NAME --unit X"
// works as well as "user add --unit X NAME".
func reorder(args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "-") {
			flags = append(flags, a)
			if !strings.Contains(a, "=") && i+1 < len(args) && !isBoolFlag(a) {
				flags = append(flags, args[i+1])
				i++
			}
			continue
		}
		pos = append(pos, a)
	}
	return append(flags, pos...)
}

func isBoolFlag(a string) bool {
	a = strings.TrimLeft(a, "-")
	return a == "password-stdin"
}

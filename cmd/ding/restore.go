package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"ding/store"
)

// restore puts a backup (ding backup) in place of the configured database, then checks
// what it restored (ding check).
func (e *cliEnv) restore(args []string) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	from := fs.String("from", "", "backup to restore: an archive of ding backup, or a copy of a SQLite ding.db (required)")
	force := fs.Bool("force", false, "SQLite: replace an existing database; the old file is moved aside to <name>.before-restore-<time>, not deleted")
	c, err := e.loadConfig(fs, args, false)
	if err != nil {
		return err
	}
	if *from == "" || fs.NArg() > 0 {
		return fmt.Errorf("usage: ding restore --from FILE [--force]")
	}
	res, err := store.Restore(e.ctx, *from, c.DSN(), store.RestoreOptions{Force: *force, DataDir: c.DataDir})
	if err != nil {
		return err
	}
	target := redactDSN(c.DSN())
	if store.IsPostgresDSN(c.DSN()) {
		target += " (schema " + res.Target + ")"
	}
	if m := res.Manifest; m != nil {
		fmt.Fprintf(e.stdout, "backup %s: made by ding %s at %s, %s, migrations up to %s\n", *from, orDash(m.DingVersion),
			m.CreatedAt.Format("2006-01-02 15:04:05 MST"), m.Engine, m.Migrations[len(m.Migrations)-1])
	}
	for _, p := range res.MovedAside {
		fmt.Fprintf(e.stdout, "moved the old database aside: %s\n", p)
	}
	fmt.Fprintf(e.stdout, "restored into %s: %d tables, %d rows", target, res.Tables, res.Rows)
	if res.Manifest != nil {
		fmt.Fprint(e.stdout, ", every row count and checksum as in the backup")
	}
	fmt.Fprintln(e.stdout)
	if res.Files+res.FilesPresent > 0 {
		fmt.Fprintf(e.stdout, "uploaded files: %d written to %s, %d already there\n", res.Files, c.DataDir, res.FilesPresent)
	}
	db, err := openDB(e.ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := db.Check(e.ctx, store.CheckOptions{DataDir: c.DataDir})
	if err != nil {
		return fmt.Errorf("restored, but the check could not run: %w", err)
	}
	printCheck(e.stdout, rep)
	if !rep.OK() {
		return fmt.Errorf("restored, but the check found %d problems (above)", rep.Problems())
	}
	return nil
}

// check runs the integrity check of the configured database.
func (e *cliEnv) check(args []string) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	limit := fs.Int("limit", 20, "problems listed per check; the rest are counted")
	noFiles := fs.Bool("no-files", false, "do not look for the uploads in the data directory")
	c, err := e.loadConfig(fs, args, false)
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("usage: ding check [--limit N] [--no-files]")
	}
	if err := requireSQLiteFile(c); err != nil {
		return err
	}
	db, err := openDB(e.ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	o := store.CheckOptions{DataDir: c.DataDir, Limit: *limit}
	if *noFiles {
		o.DataDir = ""
	}
	rep, err := db.Check(e.ctx, o)
	if err != nil {
		return err
	}
	printCheck(e.stdout, rep)
	if !rep.OK() {
		return fmt.Errorf("the check found %d problems", rep.Problems())
	}
	return nil
}

// printCheck writes a check's report: one line per check, its problems below it.
func printCheck(w io.Writer, rep *store.CheckReport) {
	fmt.Fprintf(w, "check (%s, %d tables, %d rows):\n", rep.Engine, len(rep.Tables), rep.Rows())
	for _, c := range rep.Checks {
		switch {
		case c.Skipped != "":
			fmt.Fprintf(w, "  skipped  %s (%s)\n", c.Name, c.Skipped)
		case len(c.Problems) == 0:
			fmt.Fprintf(w, "  ok       %s\n", c.Name)
		default:
			fmt.Fprintf(w, "  FAILED   %s: %d problems\n", c.Name, len(c.Problems)+c.More)
			for _, p := range c.Problems {
				fmt.Fprintf(w, "             %s\n", p)
			}
			if c.More > 0 {
				fmt.Fprintf(w, "             … and %d more\n", c.More)
			}
		}
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(w, "  note: %s\n", n)
	}
	if rep.OK() {
		fmt.Fprintln(w, "no problems found")
	}
}

// requireSQLiteFile refuses a SQLite database file that does not exist (opening it would
// create an empty one): a wrong --data or DING_DATABASE_URL.
func requireSQLiteFile(c Config) error {
	if store.IsPostgresDSN(c.DSN()) {
		return nil
	}
	if _, err := os.Stat(store.SQLitePath(c.DSN())); err != nil {
		return fmt.Errorf("no database at %s: %w", c.DSN(), err)
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

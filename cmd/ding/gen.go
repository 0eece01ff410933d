package main

import (
	"flag"
	"fmt"
	"time"

	"ding/auth"
	"ding/store"
)

// gen fills an empty database with a generated province (see store.Generate) for
// benchmarks and load tests.
func (e *cliEnv) gen(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	var o store.GenOptions
	fs.IntVar(&o.Projects, "projects", 100_000, "projects to generate")
	fs.IntVar(&o.ReportsPerProject, "reports-per-project", 24, "monthly reports per project, from 2023-01")
	fs.IntVar(&o.Units, "units", 3000, "units in the org tree (root, cities, ~100 districts, towns, departments, parks)")
	fs.IntVar(&o.Users, "users", 0, "users: a leader per district, ~1 % office staff, the rest liaisons (0: half the projects, 50,000 for 100,000)")
	fs.IntVar(&o.Demands, "demands", 0, "demands and action items (0: twice the projects, 200,000 for 100,000; -1: none)")
	fs.Int64Var(&o.Seed, "seed", 1, "random seed: the same seed and sizes make the same data")
	password := fs.String("password", "", "every generated user's password (hashed once); empty: nobody can log in")
	quiet := fs.Bool("quiet", false, "do not print progress")
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
	if *password != "" {
		// One argon2 hash for every user: hashing 50,000 passwords would take hours.
		if o.PasswordHash, err = auth.DefaultHasher.Hash(*password); err != nil {
			return err
		}
	}
	start := time.Now()
	last := time.Time{}
	if !*quiet {
		o.Progress = func(done, total int) {
			if time.Since(last) >= 2*time.Second || done == total {
				last = time.Now()
				fmt.Fprintf(e.stderr, "  %d/%d projects (%s)\n", done, total, time.Since(start).Round(100*time.Millisecond))
			}
		}
	}
	fmt.Fprintf(e.stdout, "generating %d projects × %d reports, %d units into %s (%s)…\n",
		o.Projects, o.ReportsPerProject, o.Units, redactDSN(c.DSN()), db.Dialect())
	res, err := db.Generate(e.ctx, o)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "made %d units, %d users, %d projects, %d annual plans, %d progress reports, %d items (%d demands, %d steps) (%d rows) in %s\n",
		res.Units, res.Users, res.Projects, res.Plans, res.Reports, res.Items, res.Demands, res.ItemEvents, res.Rows, res.Took.Round(100*time.Millisecond))
	for _, g := range res.UserGroups {
		if g.Count > 0 {
			fmt.Fprintf(e.stdout, "  %-8s %s … %s (%d)\n", g.Role, g.Username(1), g.Username(g.Count), g.Count)
		}
	}
	if *password == "" {
		fmt.Fprintln(e.stdout, "no --password: the generated users cannot log in")
	}
	return nil
}

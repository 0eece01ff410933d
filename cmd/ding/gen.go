package main

import (
	"flag"
	"fmt"
	"time"

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
	fs.Int64Var(&o.Seed, "seed", 1, "random seed: the same seed and sizes make the same data")
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
	fmt.Fprintf(e.stdout, "made %d units, %d users, %d projects, %d annual plans, %d progress reports (%d rows) in %s\n",
		res.Units, res.Users, res.Projects, res.Plans, res.Reports, res.Rows, res.Took.Round(100*time.Millisecond))
	return nil
}

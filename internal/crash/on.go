//go:build crashpoints && unix

package crash

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
)

// at is the point to crash at, nth on which hit (1: the first); hits counts the hits.
var (
	at   string
	nth  int64 = 1
	hits atomic.Int64
)

// init reads DING_CRASH_AT once; a malformed value stops the program at once rather than
// run a test that can never crash.
func init() {
	spec := os.Getenv(Env)
	if spec == "" {
		return
	}
	name, n, hasN := strings.Cut(spec, ":")
	if hasN {
		v, err := strconv.ParseInt(n, 10, 64)
		if err != nil || v < 1 {
			panic(fmt.Sprintf("%s=%q: want name or name:N with N ≥ 1", Env, spec))
		}
		nth = v
	}
	at = name
}

// Point kills the process with SIGKILL when it is the point DING_CRASH_AT names, reached
// for the Nth time.
func Point(name string) {
	if at == "" || name != at || hits.Add(1) != nth {
		return
	}
	fmt.Fprintf(os.Stderr, "crash: SIGKILL at %s (hit %d)\n", name, nth)
	_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
	select {} // the signal is on its way: nothing after the point may run
}

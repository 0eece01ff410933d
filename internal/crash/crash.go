// Package crash marks the places where a crash of ding matters: inside a transaction that
// has written but not committed, between a commit and what follows it, between a message
// leaving and ding recording that it left. A normal build compiles Point to nothing. A
// build with -tags crashpoints reads DING_CRASH_AT ("name", or "name:N" for the Nth time
// the point is reached) and, there, kills its own process with SIGKILL: no deferred
// function, no rollback, no shutdown runs, as when the machine loses power or the kernel's
// OOM killer strikes. cmd/ding's crash test (TestCrash) builds ding so and checks that
// every such crash leaves either the whole change or none of it, and loses no queued work
// (docs/architecture.md, "Crashes").
package crash

// Env is the environment variable that names the point to crash at.
const Env = "DING_CRASH_AT"

//go:build !crashpoints || !unix

package crash

// Enabled reports whether this build can crash at its points (-tags crashpoints).
const Enabled = false

// Point marks a place where a crash matters. In this build it does nothing.
func Point(name string) {}

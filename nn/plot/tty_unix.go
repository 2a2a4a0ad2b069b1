//go:build !windows

package plot

// enableVT is a no-op: Unix terminals interpret escape sequences.
func enableVT(uintptr) bool { return true }

//go:build !linux && !darwin

package memlimit

// physical is not known on this system: Total uses its fallback.
func physical() uint64 { return 0 }

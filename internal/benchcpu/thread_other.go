//go:build !linux

package benchcpu

// threadTime is not read off Linux.
func threadTime() (int64, bool) { return 0, false }

package memlimit

import "golang.org/x/sys/unix"

// physical reads sysctl hw.memsize; 0 if it cannot.
func physical() uint64 {
	n, err := unix.SysctlUint64("hw.memsize")
	if err != nil {
		return 0
	}
	return n
}

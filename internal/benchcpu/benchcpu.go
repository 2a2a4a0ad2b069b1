// Package benchcpu makes a benchmark report the CPU time of its thread
// beside the wall time. On a machine shared with other work the wall time
// also counts the time the thread waited for a core; the thread's CPU time
// does not, so A/B comparisons there vary far less.
package benchcpu

import (
	"runtime"
	"testing"
)

// Report makes b report "cpu-ns/op": the CPU time of the benchmark's
// thread per iteration (nothing where the thread's CPU time cannot be
// read). Call it before the timed loop; it stops when b does. The loop must
// stay on the calling goroutine (one thread: -cpu 1 for kernels that split
// their work).
func Report(b *testing.B) {
	runtime.LockOSThread()
	start, ok := threadTime()
	b.Cleanup(func() {
		if end, _ := threadTime(); ok && b.N > 0 {
			b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
		}
		runtime.UnlockOSThread()
	})
}

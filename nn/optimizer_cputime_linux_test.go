package nn

import (
	"runtime"
	"testing"

	"golang.org/x/sys/unix"
)

// reportCPU makes b report, beside the wall time, "cpu-ns/op": the CPU
// time of the benchmark's thread per iteration. On a machine shared with
// other work the wall time also counts the time the thread waited for a
// core; the thread's CPU time does not, so A/B comparisons there vary far
// less. Call it before the timed loop; it stops when b does. The loop
// must stay on the calling goroutine (one thread: -cpu 1 for kernels that
// split their work).
func reportCPU(b *testing.B) {
	runtime.LockOSThread()
	start := threadTime()
	b.Cleanup(func() {
		if b.N > 0 {
			b.ReportMetric(float64(threadTime()-start)/float64(b.N), "cpu-ns/op")
		}
		runtime.UnlockOSThread()
	})
}

func threadTime() int64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		return 0
	}
	return ts.Nano()
}

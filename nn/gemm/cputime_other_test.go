//go:build !linux

package gemm

// cpuNanos is unavailable here; benchmarks then omit CPU-time metrics.
func cpuNanos() int64 { return 0 }

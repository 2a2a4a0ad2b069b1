//go:build !amd64

package gemm

// peakLoop reports that there is no FMA loop to measure a peak with off
// amd64 (see kernel_amd64.go).
func peakLoop(path string) (loop func(n int), flops int, ok bool) { return nil, 0, false }

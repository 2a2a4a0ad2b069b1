//go:build !amd64

package gemm

// hasAVX2FMA is false off amd64: only the portable Go kernel exists.
const hasAVX2FMA = false

// fmaPeak is unavailable off amd64.
func fmaPeak(n int) { panic("gemm: fmaPeak is amd64-only") }

func init() { selectKernel() }

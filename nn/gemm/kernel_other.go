//go:build !amd64 && !arm64

package gemm

// hasAVX2FMA is false off amd64: only the portable Go kernel exists.
const hasAVX2FMA = false

// fmaPeak is unavailable off amd64.
func fmaPeak(n int) { panic("gemm: fmaPeak is amd64-only") }

func init() { selectKernel() }

// The assembly packing routines do not exist off amd64 (asmPack is false).
func packA6N(k int, dst, src *float32, lda int)  { panic("unreachable") }
func packA6T(k int, dst, src *float32, lda int)  { panic("unreachable") }
func packB16N(k int, dst, src *float32, ldb int) { panic("unreachable") }
func packB16T(k int, dst, src *float32, ldb int) { panic("unreachable") }

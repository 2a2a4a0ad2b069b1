//go:build !amd64 && !arm64

package gemm

func init() { selectKernel() }

// The assembly packing routines do not exist off amd64 (asmKernel is nil).
func packA6N(k int, dst, src *float32, lda int)  { panic("unreachable") }
func packA6T(k int, dst, src *float32, lda int)  { panic("unreachable") }
func packB16N(k int, dst, src *float32, ldb int) { panic("unreachable") }
func packB16T(k int, dst, src *float32, ldb int) { panic("unreachable") }

//go:build arm64

package gemm

// kernel6x16 is the NEON micro-kernel (kernel_arm64.s), with the contract
// and packed layout of kernelGeneric: C[0:6,0:16] = alpha*Apack·Bpack +
// beta*C for a packed 6×k sliver of A and a packed k×16 sliver of B; C has
// row stride ldc. If beta == 0, C is not read.
//
//go:noescape
func kernel6x16(k int, a, b, c *float32, ldc int, alpha, beta float32)

// Packing of one full sliver (pack_arm64.s), as on amd64; see packA and
// packB. packA6N and packB16T need k to be a multiple of 8, and packA6N
// writes 2 floats past dst[6*k].

//go:noescape
func packA6N(k int, dst, src *float32, lda int)

//go:noescape
func packA6T(k int, dst, src *float32, lda int)

//go:noescape
func packB16N(k int, dst, src *float32, ldb int)

//go:noescape
func packB16T(k int, dst, src *float32, ldb int)

// spmmRows and spmmRows32 are SparseMul's NEON kernels for slabs of 64 and
// 32 columns (sparse_arm64.s); see spKernelFunc.
//
//go:noescape
func spmmRows(rows int, ptr *int32, pstride int, idx *int32, val *float32, b *float32, c *float32, ldc int, beta float32)

//go:noescape
func spmmRows32(rows int, ptr *int32, pstride int, idx *int32, val *float32, b *float32, c *float32, ldc int, beta float32)

// spScatterRows and spScatterRows32 are SparseTMul's NEON kernels
// (sparse_arm64.s), and spGatherRows its kernel when it reads S by column;
// see scatterFunc and gatherFunc.
//
//go:noescape
func spScatterRows(rows int, ptr *int32, pstride int, idx *int32, val *float32, d *float32, ldd int, c *float32)

//go:noescape
func spGatherRows(rows int, ptr *int32, ent *spEntry, d *float32, ldd int, c *float32, ldc int, beta float32)

//go:noescape
func spScatterRows32(rows int, ptr *int32, pstride int, idx *int32, val *float32, d *float32, ldd int, c *float32)

// hasAVX2FMA is false on arm64 (it gates the amd64-only fmaPeak).
const hasAVX2FMA = false

// neonName is what Kernel reports when the NEON kernels run.
const neonName = "neon 6x16"

// fmaPeak is amd64-only.
func fmaPeak(n int) { panic("gemm: fmaPeak is amd64-only") }

// Every arm64 CPU has NEON (Advanced SIMD is mandatory in ARMv8-A), so the
// kernels need no feature test. compress stays in Go: NEON has no
// compressing store, and the Go loop skips the all-zero groups of 8 that
// dominate images anyway.
func init() {
	asmKernel = kernel6x16
	asmSpKernel, asmSpKernel32 = spmmRows, spmmRows32
	asmScatter, asmScatter32 = spScatterRows, spScatterRows32
	asmGather = spGatherRows
	asmPath, asmName = "neon", neonName
	selectKernel()
}

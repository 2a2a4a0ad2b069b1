//go:build amd64

package gemm

import "golang.org/x/sys/cpu"

// kernel6x16 is the AVX2+FMA micro-kernel (kernel_amd64.s). It computes
// C[0:6,0:16] = alpha*Apack·Bpack + beta*C for a packed 6×k sliver of A and a
// packed k×16 sliver of B; C has row stride ldc. If beta == 0, C is not read.
//
//go:noescape
func kernel6x16(k int, a, b, c *float32, ldc int, alpha, beta float32)

// fmaPeak runs n iterations of 12 independent 256-bit FMAs (192 flops each).
// It exists only so that tests and benchmarks can measure the attainable peak.
//
//go:noescape
func fmaPeak(n int)

// Packing of one full sliver (pack_amd64.s); see packA and packB.
// packA6N and packB16T need k to be a multiple of 8, and packA6N writes 2
// floats past dst[6*k].

//go:noescape
func packA6N(k int, dst, src *float32, lda int)

//go:noescape
func packA6T(k int, dst, src *float32, lda int)

//go:noescape
func packB16N(k int, dst, src *float32, ldb int)

//go:noescape
func packB16T(k int, dst, src *float32, ldb int)

// spScatterRows is SparseTMul's AVX2+FMA kernel (sparse_amd64.s).
//
//go:noescape
func spScatterRows(rows int, ptr *int32, pstride int, idx *int32, val *float32, d *float32, ldd int, c *float32)

// spGatherRows is SparseTMul's AVX2+FMA kernel when it reads S by column
// (sparse_amd64.s); see gatherFunc.
//
//go:noescape
func spGatherRows(rows int, ptr *int32, ent *spEntry, d *float32, ldd int, c *float32, ldc int, beta float32)

// spmmRows32 and spScatterRows32 are the kernels for a last slab of 32
// columns (sparse_amd64.s).
//
//go:noescape
func spmmRows32(rows int, ptr *int32, pstride int, idx *int32, val *float32, b *float32, c *float32, ldc int, beta float32)

//go:noescape
func spScatterRows32(rows int, ptr *int32, pstride int, idx *int32, val *float32, d *float32, ldd int, c *float32)

// compressAVX2 is compress's assembly kernel (sparse_amd64.s).
//
//go:noescape
func compressAVX2(x *float32, n, base int, idx *int32, val *float32, lut *[256][8]int32) int

// hasAVX2FMA reports whether the CPU (and OS) support the assembly kernel.
var hasAVX2FMA = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// hasAVX512 reports whether the CPU and OS support the AVX-512 kernels
// (the cpu package checks that the OS saves the ZMM and mask registers).
// They use AVX-512F only, and the AVX2+FMA packing of A.
var hasAVX512 = cpu.X86.HasAVX512F && hasAVX2FMA

// kernel6x32 is the AVX-512 micro-kernel (kernel512_amd64.s): as
// kernel6x16 for a 6×32 tile and a packed k×32 sliver of B.
//
//go:noescape
func kernel6x32(k int, a, b, c *float32, ldc int, alpha, beta float32)

// fmaPeak512 runs n iterations of 16 independent 512-bit FMAs (512 flops
// each), for measuring the AVX-512 peak.
//
//go:noescape
func fmaPeak512(n int)

// packB32N and packB32T pack one full 32-column sliver of B, as stored or
// transposed (packB32T needs k to be a multiple of 8).
//
//go:noescape
func packB32N(k int, dst, src *float32, ldb int)

//go:noescape
func packB32T(k int, dst, src *float32, ldb int)

// The AVX-512 sparse kernels (sparse512_amd64.s), with the contracts of
// spmmRows, spmmRows32, spScatterRows, spScatterRows32 and spGatherRows.
//
//go:noescape
func spmmRows512(rows int, ptr *int32, pstride int, idx *int32, val *float32, b *float32, c *float32, ldc int, beta float32)

//go:noescape
func spmmRows32_512(rows int, ptr *int32, pstride int, idx *int32, val *float32, b *float32, c *float32, ldc int, beta float32)

//go:noescape
func spScatterRows512(rows int, ptr *int32, pstride int, idx *int32, val *float32, d *float32, ldd int, c *float32)

//go:noescape
func spGatherRows512(rows int, ptr *int32, ent *spEntry, d *float32, ldd int, c *float32, ldc int, beta float32)

//go:noescape
func spScatterRows32_512(rows int, ptr *int32, pstride int, idx *int32, val *float32, d *float32, ldd int, c *float32)

func init() {
	if hasAVX2FMA {
		asmKernel = kernel6x16
		asmSpKernel, asmSpKernel32 = spmmRows, spmmRows32
		asmScatter, asmScatter32 = spScatterRows, spScatterRows32
		asmGather = spGatherRows
		if cpu.X86.HasPOPCNT {
			asmCompress = compressAVX2
		}
	}
	if hasAVX512 {
		avx512 = &kernelSet{
			path:  "avx512",
			dense: denseKernel{name: "avx512 6x32", fn: kernel6x32, nr: 32, asmPackA: true, packBN: packB32N, packBT: packB32T},
			sp:    spmmRows512, sp32: spmmRows32_512,
			scatter: spScatterRows512, scatter32: spScatterRows32_512,
			gather: spGatherRows512,
			// compress stays AVX2 (see sparse512_amd64.s), as Kernel says.
			compress: asmCompress, borrowed: "compress avx2",
		}
		if asmCompress == nil {
			avx512.borrowed = "compress generic"
		}
	}
	selectKernel()
}

// peakLoop returns the FMA loop that measures the peak of an instruction
// set ("avx2" or "avx512") and the flops of one of its iterations, or ok
// false if this CPU lacks the set.
func peakLoop(path string) (loop func(n int), flops int, ok bool) {
	switch {
	case path == "avx2" && hasAVX2FMA:
		return fmaPeak, 192, true
	case path == "avx512" && hasAVX512:
		return fmaPeak512, 512, true
	}
	return nil, 0, false
}

// spmmRows is the AVX2+FMA sparse kernel (sparse_amd64.s); see spKernelFunc.
//
//go:noescape
func spmmRows(rows int, ptr *int32, pstride int, idx *int32, val *float32, b *float32, c *float32, ldc int, beta float32)

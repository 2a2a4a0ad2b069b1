package gemm

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"unsafe"
)

// kernelFunc is the micro-kernel signature: C[0:mr,0:nr] = alpha*Apack·Bpack
// + beta*C, where Apack holds mr floats per k step, Bpack nr floats per k step
// (nr is the kernel's tile width, see denseKernel), and C has row stride ldc.
// If beta == 0, C must not be read (it may hold NaN).
type kernelFunc func(k int, a, b, c *float32, ldc int, alpha, beta float32)

// packFunc packs one full sliver of op(B) (see packB): k rows of the
// kernel's nr columns. The transposing ones need k to be a multiple of 8.
type packFunc func(k int, dst, src *float32, ldb int)

// denseKernel is a micro-kernel with its tile width and packing routines.
// Every kernel has mr = 6 rows (so packed A is the same for all); nr is 16
// for the generic and 6×16 assembly kernels and 32 for the AVX-512 one.
type denseKernel struct {
	name     string // what Kernel reports, e.g. "avx512 6x32"
	fn       kernelFunc
	nr       int  // columns of C per call, ≤ nrMax
	asmPackA bool // pack A with packA6N/packA6T
	// packBN and packBT pack a full sliver of B (as stored, or transposed);
	// nil means the Go loops.
	packBN, packBT packFunc
}

// nrMax is the widest tile of any kernel (the edge scratch tile's width).
const nrMax = 32

// compressFunc is the signature of the assembly compress (see compress).
type compressFunc func(x *float32, n, base int, idx *int32, val *float32, lut *[256][8]int32) int

// kernelSet is one instruction set's kernels: the dense micro-kernel and
// the sparse ones (nil where the set has none, which means the Go loops).
type kernelSet struct {
	path               string // the NNLAB_GEMM value that selects it
	dense              denseKernel
	sp, sp32           spKernelFunc
	scatter, scatter32 scatterFunc
	gather             gatherFunc
	compress           compressFunc
	borrowed           string // kernels taken from another set, e.g. "compress avx2"
}

// Hooks set by the architecture's init before it calls selectKernel.
var (
	// asmKernel is the 6×16 assembly kernel if the CPU supports it, else
	// nil; asmPath names its instruction set (the NNLAB_GEMM value).
	asmKernel kernelFunc
	asmPath   = "avx2"
	asmName   = "avx2+fma 6x16"
	// asmSpKernel, asmScatter and asmCompress are the assembly sparse
	// kernels that go with asmKernel, if the CPU supports them.
	asmSpKernel, asmSpKernel32 spKernelFunc
	asmScatter, asmScatter32   scatterFunc
	asmGather                  gatherFunc
	asmCompress                compressFunc
	// avx512 is the AVX-512 kernel set (kernel_amd64.go) if the CPU and
	// OS support AVX-512F, else nil.
	avx512 *kernelSet
)

var (
	// kernel is the dense micro-kernel in use.
	kernel = genericSet().dense
	// kernelName is what Kernel reports: the kernels in use, and why
	// NNLAB_GEMM was not followed if it was not.
	kernelName = "generic"
)

// genericSet is the portable Go kernels.
func genericSet() kernelSet {
	return kernelSet{path: "generic", dense: denseKernel{name: "generic", fn: kernelGeneric, nr: nr}}
}

// kernelSets returns the kernel sets this CPU runs, fastest first; the
// generic set is always last.
func kernelSets() []kernelSet {
	var sets []kernelSet
	if avx512 != nil {
		sets = append(sets, *avx512)
	}
	if asmKernel != nil {
		sets = append(sets, kernelSet{
			path:  asmPath,
			dense: denseKernel{name: asmName, fn: asmKernel, nr: nr, asmPackA: true, packBN: packB16N, packBT: packB16T},
			sp:    asmSpKernel, sp32: asmSpKernel32,
			scatter: asmScatter, scatter32: asmScatter32,
			gather:   asmGather,
			compress: asmCompress,
		})
	}
	return append(sets, genericSet())
}

// knownPaths are the values NNLAB_GEMM accepts on some CPU.
var knownPaths = []string{"avx512", "avx2", "neon", "generic"}

// selectKernel picks the fastest kernel set this CPU runs, or the one the
// environment variable NNLAB_GEMM names (avx512, avx2 or generic). A value
// that is unknown or names kernels this CPU cannot run falls back to the
// fastest set, and Kernel says so.
func selectKernel() {
	sets := kernelSets()
	want := os.Getenv("NNLAB_GEMM")
	use, note := sets[0], ""
	if want != "" {
		found := false
		for _, s := range sets {
			if s.path == want {
				use, found = s, true
				break
			}
		}
		if !found {
			var runs []string
			for _, s := range sets {
				runs = append(runs, s.path)
			}
			why := "unknown value"
			if slices.Contains(knownPaths, want) {
				why = "this CPU cannot run it"
			}
			note = fmt.Sprintf(" (NNLAB_GEMM=%q ignored: %s; this CPU runs %s)", want, why, strings.Join(runs, ", "))
		}
	}
	setKernels(use)
	kernelName += note
}

// setKernels makes s the kernels in use.
func setKernels(s kernelSet) {
	kernel = s.dense
	spKernel, spKernel32 = s.sp, s.sp32
	scatterKernel, scatterKernel32 = s.scatter, s.scatter32
	gatherKernel = s.gather
	compressKernel = s.compress
	kernelName = s.dense.name
	if s.borrowed != "" {
		kernelName += ", " + s.borrowed
	}
}

// Kernel reports which kernels Sgemm and the sparse products use, such as
// "avx512 6x32, compress avx2", "avx2+fma 6x16" or "generic", followed by a note in
// parentheses if NNLAB_GEMM asked for kernels that are not available.
func Kernel() string { return kernelName }

// kernelGeneric is the portable Go micro-kernel with the same contract and
// packed layout as the assembly kernel (mr×nr = 6×16). It computes the tile
// in blocks of 2×8 whose 16 sums live in local variables, which the
// compiler keeps in registers (arm64 has 32 floating-point registers): per
// step of k a block loads 10 floats for 16 multiply-adds, where sums kept
// in memory would cost two loads and a store for each.
func kernelGeneric(k int, a, b, c *float32, ldc int, alpha, beta float32) {
	ap := unsafe.Slice(a, k*mr)
	bp := unsafe.Slice(b, k*nr)
	cs := unsafe.Slice(c, (mr-1)*ldc+nr)
	for i := 0; i < mr; i += 2 {
		for j := 0; j < nr; j += 8 {
			var c00, c01, c02, c03, c04, c05, c06, c07 float32
			var c10, c11, c12, c13, c14, c15, c16, c17 float32
			ai, bj := ap[i:], bp[j:]
			for p := 0; p < k; p++ {
				as := (*[2]float32)(ai[p*mr : p*mr+2])
				bs := (*[8]float32)(bj[p*nr : p*nr+8])
				a0, a1 := as[0], as[1]
				b0, b1, b2, b3, b4, b5, b6, b7 := bs[0], bs[1], bs[2], bs[3], bs[4], bs[5], bs[6], bs[7]
				c00 += a0 * b0
				c01 += a0 * b1
				c02 += a0 * b2
				c03 += a0 * b3
				c04 += a0 * b4
				c05 += a0 * b5
				c06 += a0 * b6
				c07 += a0 * b7
				c10 += a1 * b0
				c11 += a1 * b1
				c12 += a1 * b2
				c13 += a1 * b3
				c14 += a1 * b4
				c15 += a1 * b5
				c16 += a1 * b6
				c17 += a1 * b7
			}
			storeRow8((*[8]float32)(cs[i*ldc+j:i*ldc+j+8]), [8]float32{c00, c01, c02, c03, c04, c05, c06, c07}, alpha, beta)
			storeRow8((*[8]float32)(cs[(i+1)*ldc+j:(i+1)*ldc+j+8]), [8]float32{c10, c11, c12, c13, c14, c15, c16, c17}, alpha, beta)
		}
	}
}

// storeRow8 sets c = alpha*sum + beta*c, not reading c when beta is 0.
func storeRow8(c *[8]float32, sum [8]float32, alpha, beta float32) {
	if beta == 0 {
		for j, v := range sum {
			c[j] = alpha * v
		}
		return
	}
	for j, v := range sum {
		c[j] = alpha*v + beta*c[j]
	}
}

package gemm

import (
	"os"
	"unsafe"
)

// kernelFunc is the micro-kernel signature: C[0:mr,0:nr] = alpha*Apack·Bpack
// + beta*C, where Apack holds mr floats per k step, Bpack nr floats per k step,
// and C has row stride ldc. If beta == 0, C must not be read (it may hold NaN).
type kernelFunc func(k int, a, b, c *float32, ldc int, alpha, beta float32)

var (
	// asmKernel is the assembly kernel if the CPU supports it, else nil.
	asmKernel kernelFunc
	// kernel is the micro-kernel in use (asmKernel or kernelGeneric).
	kernel kernelFunc = kernelGeneric
	// kernelName names the kernel in use, for benchmarks and logs.
	kernelName = "generic"
	// asmSpKernel and asmCompress are the assembly sparse kernels if the
	// CPU supports them.
	asmSpKernel, asmSpKernel32 spKernelFunc
	asmScatter, asmScatter32   scatterFunc
	asmCompress                func(x *float32, n, base int, idx *int32, val *float32, lut *[256][8]int32) int
	// asmPack selects the assembly packing routines (set with the kernel).
	asmPack bool
)

// selectKernel picks the assembly kernel when available, unless the
// environment variable NNLAB_GEMM=generic forces the portable Go kernel.
func selectKernel() {
	if asmKernel != nil && os.Getenv("NNLAB_GEMM") != "generic" {
		kernel, kernelName, asmPack = asmKernel, "avx2+fma 6x16", true
		spKernel, compressKernel, scatterKernel = asmSpKernel, asmCompress, asmScatter
		spKernel32, scatterKernel32 = asmSpKernel32, asmScatter32
	} else {
		kernel, kernelName, asmPack = kernelGeneric, "generic", false
		spKernel, compressKernel, scatterKernel = nil, nil, nil
		spKernel32, scatterKernel32 = nil, nil
	}
}

// Kernel reports which micro-kernel Sgemm uses: "avx2+fma 6x16" or "generic".
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

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
// packed layout as the assembly kernel (mr×nr = 6×16).
func kernelGeneric(k int, a, b, c *float32, ldc int, alpha, beta float32) {
	var acc [mr * nr]float32
	ap := unsafe.Slice(a, k*mr)
	bp := unsafe.Slice(b, k*nr)
	for p := 0; p < k; p++ {
		bs := (*[nr]float32)(bp[p*nr : p*nr+nr])
		as := (*[mr]float32)(ap[p*mr : p*mr+mr])
		for i := range mr {
			ai := as[i]
			row := (*[nr]float32)(acc[i*nr : i*nr+nr])
			for j := range nr {
				row[j] += ai * bs[j]
			}
		}
	}
	cs := unsafe.Slice(c, (mr-1)*ldc+nr)
	for i := range mr {
		crow := (*[nr]float32)(cs[i*ldc : i*ldc+nr])
		row := (*[nr]float32)(acc[i*nr : i*nr+nr])
		if beta == 0 {
			for j := range nr {
				crow[j] = alpha * row[j]
			}
		} else {
			for j := range nr {
				crow[j] = alpha*row[j] + beta*crow[j]
			}
		}
	}
}

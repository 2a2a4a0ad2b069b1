package vec

import (
	"os"

	"golang.org/x/sys/cpu"
)

// The kernels in use, chosen once at start from what the CPU and the
// operating system support; NNLAB_GEMM (the switch package gemm honours)
// may ask for less: "avx512", "avx2" or "generic". A value this CPU cannot
// run, or one vec does not know, leaves the best supported kernels.
var useAVX2, useAVX512, kernelName = selectKernels(os.Getenv("NNLAB_GEMM"))

func selectKernels(force string) (avx2, avx512 bool, name string) {
	avx2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA
	// cpu.X86.HasAVX512F is set only when the OS saves the ZMM and mask
	// registers. The kernels use F, DQ (VRANGEPS) and BMI2 (SHLX for the
	// tail mask), which every AVX-512 CPU has.
	avx512 = avx2 && cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ && cpu.X86.HasBMI2
	switch {
	case force == "generic":
		avx2, avx512 = false, false
	case force == "avx2" && avx2:
		avx512 = false
	}
	switch {
	case avx512:
		return true, true, "avx512"
	case avx2:
		return true, false, "avx2+fma"
	}
	return false, false, "generic"
}

// The assembly kernels. vec.go calls the *AVX2 ones, for the first n
// elements with n a multiple of 8 (it does the tail in Go); each jumps to
// its *Z version, on ZMM registers (AVX-512 F and DQ, EVEX encoded,
// masked last step, any n), when useAVX512 is set. c1 = 1-b1, c2 = 1-b2.

//go:noescape
func adamAVX2(w, grad, m, v *float32, n int, lr, b1, c1, b2, c2, eps float32)

//go:noescape
func adamZ(w, grad, m, v *float32, n int, lr, b1, c1, b2, c2, eps float32)

//go:noescape
func addAVX2(dst, a, b *float32, n int)

//go:noescape
func addZ(dst, a, b *float32, n int)

//go:noescape
func reluAVX2(y, x *float32, n int)

//go:noescape
func reluZ(y, x *float32, n int)

//go:noescape
func reluGradAVX2(dst, grad, y *float32, n int, add bool)

//go:noescape
func reluGradZ(dst, grad, y *float32, n int, add bool)

//go:noescape
func maxIndexAVX2(dst, idx, x *float32, offs *int, noffs, n int)

//go:noescape
func maxIndexZ(dst, idx, x *float32, offs *int, noffs, n int)

func init() { beyondKernel = beyondFor(useAVX2, useAVX512) }

// beyondFor returns the kernel of Beyond for the selected kernels.
func beyondFor(avx2, avx512 bool) func(x []float32, limit float32) int {
	switch {
	case avx512:
		return func(x []float32, limit float32) int { return beyondZ(&x[0], len(x), limit) }
	case avx2:
		return func(x []float32, limit float32) int { return beyondY(&x[0], len(x)&^7, limit) }
	}
	return nil
}

// beyondY and beyondZ return the start of the first block of 64 elements
// of x[:n] (n a multiple of 8 for beyondY) holding one that is NaN or at
// least limit in magnitude, or n.
//
//go:noescape
func beyondY(x *float32, n int, limit float32) int

//go:noescape
func beyondZ(x *float32, n int, limit float32) int

// winogradInAVX2 and winogradOutAVX2 are WinogradInput and WinogradOutput
// for the first n channels (a multiple of 8); bias may be nil. They use
// AVX only, on every x86 kernel set.
//
//go:noescape
func winogradInAVX2(dst, src *[16][]float32, n int)

//go:noescape
func winogradOutAVX2(dst *[4][]float32, src *[16][]float32, bias *float32, relu bool, n int)

// copyBlocksAVX2 and addBlocksAVX2 are CopyBlocks and AddBlocks for n a
// multiple of 8 and at least one segment, on YMM registers (also when
// AVX-512 is in use: the work is moving memory).
//
//go:noescape
func copyBlocksAVX2(dst, src *float32, outer, inner, n, so, si int)

//go:noescape
func addBlocksAVX2(dst, src *float32, outer, inner, n, do, di int)

//go:build arm64

package vec

import "os"

// useAVX2 selects the assembly kernels; on arm64 they are the NEON ones in
// vec_arm64.s (every arm64 CPU has NEON), under the names vec.go calls.
// NNLAB_GEMM=generic forces the Go loops.
var useAVX2 = os.Getenv("NNLAB_GEMM") != "generic"

// kernelName is what Kernel reports.
var kernelName = map[bool]string{true: "neon", false: "generic"}[useAVX2]

// adamAVX2 is Adam's NEON kernel for the first n elements (a multiple of
// 8); c1 = 1-b1, c2 = 1-b2.
//
//go:noescape
func adamAVX2(w, grad, m, v *float32, n int, lr, b1, c1, b2, c2, eps float32)

// addAVX2 sets dst[i] = a[i] + b[i] for the first n elements (a multiple of
// 8), in NEON.
//
//go:noescape
func addAVX2(dst, a, b *float32, n int)

// reluAVX2 and reluGradAVX2 are Relu and ReluGrad in NEON for the first n
// elements (a multiple of 8).
//
//go:noescape
func reluAVX2(y, x *float32, n int)

//go:noescape
func reluGradAVX2(dst, grad, y *float32, n int, add bool)

// maxIndexAVX2 is MaxIndex in NEON for the first n elements (a multiple of
// 8).
//
//go:noescape
func maxIndexAVX2(dst, idx, x *float32, offs *int, noffs, n int)

// winogradInAVX2 and winogradOutAVX2 are WinogradInput and WinogradOutput
// in NEON for the first n channels (a multiple of 8); bias may be nil.
//
//go:noescape
func winogradInAVX2(dst, src *[16][]float32, n int)

//go:noescape
func winogradOutAVX2(dst *[4][]float32, src *[16][]float32, bias *float32, relu bool, n int)

// copyBlocksAVX2 and addBlocksAVX2 are CopyBlocks and AddBlocks for n a
// multiple of 8 and at least one segment, on NEON.
//
//go:noescape
func copyBlocksAVX2(dst, src *float32, outer, inner, n, so, si int)

//go:noescape
func addBlocksAVX2(dst, src *float32, outer, inner, n, do, di int)

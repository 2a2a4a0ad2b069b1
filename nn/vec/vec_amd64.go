package vec

import (
	"os"

	"golang.org/x/sys/cpu"
)

var useAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA && os.Getenv("NNLAB_GEMM") != "generic"

// adamAVX2 updates the first n elements (a multiple of 8); c1 = 1-b1, c2 = 1-b2.
//
//go:noescape
func adamAVX2(w, grad, m, v *float32, n int, lr, b1, c1, b2, c2, eps float32)

// addAVX2 sets dst[i] = a[i] + b[i] for the first n elements (a multiple of 8).
//
//go:noescape
func addAVX2(dst, a, b *float32, n int)

// reluAVX2 and reluGradAVX2 are Relu and ReluGrad for the first n
// elements (a multiple of 8).
//
//go:noescape
func reluAVX2(y, x *float32, n int)

//go:noescape
func reluGradAVX2(dst, grad, y *float32, n int, add bool)

// maxIndexAVX2 is MaxIndex for the first n elements (a multiple of 8).
//
//go:noescape
func maxIndexAVX2(dst, idx, x *float32, offs *int, noffs, n int)

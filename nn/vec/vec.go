// Package vec holds the element-wise kernels that show in a training
// profile once matrix products are fast: the optimizer updates, bias adds,
// ReLU, max-pooling and the tile transforms of Winograd convolutions. Each
// has an AVX2 version on amd64 CPUs that support it (most also an AVX-512
// one; the Winograd transforms stay on AVX), a NEON version on arm64 and a
// portable Go version.
// NNLAB_GEMM (the switch package gemm honours) may force a lesser one:
// avx2 or generic. Kernel says which run.
package vec

import (
	"math"
	"sync"
	"unsafe"

	"github.com/nnlab/nnlab/nn/internal/parallel"
)

// Adam applies one Adam step to the weights w given their gradient g and
// the moment estimates m and v, all of the same length:
//
//	m = b1*m + (1-b1)*g
//	v = b2*v + (1-b2)*g*g
//	w -= lr * m / (sqrt(v) + eps)
//
// lr already holds the step's bias correction, as in TensorFlow.
func Adam(w, g, m, v []float32, lr, b1, b2, eps float32) {
	n := len(w)
	if len(g) < n || len(m) < n || len(v) < n {
		panic("vec.Adam: slices shorter than the weights")
	}
	if n >= parallelMin && parallel.Threads() > 1 {
		// Large updates are memory-bound: a second core halves them.
		j := adamJobs.Get().(*adamJob)
		*j = adamJob{w: w[:n], g: g, m: m, v: v, lr: lr, b1: b1, b2: b2, eps: eps, half: (n / 2) &^ 7}
		parallel.Run(2, j)
		*j = adamJob{}
		adamJobs.Put(j)
		return
	}
	adam(w, g, m, v, lr, b1, b2, eps)
}

func adam(w, g, m, v []float32, lr, b1, b2, eps float32) {
	n := len(w)
	done := 0
	if useAVX2 && n >= 8 {
		done = n &^ 7
		adamAVX2(&w[0], &g[0], &m[0], &v[0], done, lr, b1, 1-b1, b2, 1-b2, eps)
	}
	adamGo(w[done:n], g[done:n], m[done:n], v[done:n], lr, b1, b2, eps)
}

func adamGo(w, g, m, v []float32, lr, b1, b2, eps float32) {
	for i, gi := range g[:len(w)] {
		m[i] = b1*m[i] + (1-b1)*gi
		v[i] = b2*v[i] + (1-b2)*gi*gi
		w[i] -= lr * m[i] / (float32(math.Sqrt(float64(v[i]))) + eps)
	}
}

// Kernel names the kernels that run: on amd64 "avx512", "avx2+fma" or
// "generic", as the CPU supports and NNLAB_GEMM allows.
func Kernel() string { return kernelName }

// parallelMin is the length from which an update is split over two cores.
const parallelMin = 1 << 16

// adamJob is an update split in two halves for parallel.Run.
type adamJob struct {
	w, g, m, v      []float32
	lr, b1, b2, eps float32
	half            int
}

var adamJobs = sync.Pool{New: func() any { return new(adamJob) }}

// RunPart updates the first (part 0) or second half.
func (j *adamJob) RunPart(part int) {
	lo, hi := 0, j.half
	if part == 1 {
		lo, hi = j.half, len(j.w)
	}
	adam(j.w[lo:hi], j.g[lo:hi], j.m[lo:hi], j.v[lo:hi], j.lr, j.b1, j.b2, j.eps)
}

// Add sets dst[i] = a[i] + b[i] for every i < len(dst); a and b may be dst.
// It is the bias add and the gradient accumulation of a training step,
// which the Go compiler does not vectorise.
func Add(dst, a, b []float32) {
	n := len(dst)
	if len(a) < n || len(b) < n {
		panic("vec.Add: slices shorter than dst")
	}
	done := 0
	if useAVX2 && n >= 8 {
		done = n &^ 7
		addAVX2(&dst[0], &a[0], &b[0], done)
	}
	for i := done; i < n; i++ {
		dst[i] = a[i] + b[i]
	}
}

// Relu sets y[i] = max(x[i], 0) for every i < len(y), with Go's max on
// every path: a NaN stays NaN and -0 becomes +0.
func Relu(y, x []float32) {
	n := len(y)
	x = x[:n]
	done := 0
	if useAVX2 && n >= 8 {
		done = n &^ 7
		reluAVX2(&y[0], &x[0], done)
	}
	for i := done; i < n; i++ {
		y[i] = max(x[i], 0)
	}
}

// ReluGrad sets dx[i] = g[i] where y[i] > 0 and 0 elsewhere (the gradient
// of ReLU given its output y), for every i < len(dx); with add, it adds
// that to dx instead.
func ReluGrad(dx, g, y []float32, add bool) {
	n := len(dx)
	g, y = g[:n], y[:n]
	done := 0
	if useAVX2 && n >= 8 {
		done = n &^ 7
		reluGradAVX2(&dx[0], &g[0], &y[0], done, add)
	}
	for i := done; i < n; i++ {
		v := g[i]
		if !(y[i] > 0) {
			v = 0
		}
		if add {
			dx[i] += v
		} else {
			dx[i] = v
		}
	}
}

// MaxIndex is the inner loop of max-pooling: for i < len(dst), dst[i] is
// the largest of x[off+i] over the offsets offs (at least one), and idx[i]
// holds, as the bits of a float32, the index off+i of the first offset
// that reaches it (the pooling gradient goes there). As with Go's max, a
// NaN makes dst[i] NaN, and idx[i] then stays where it was before the
// first NaN; the sign of a zero maximum may differ between the kernels.
// Each x[off : off+len(dst)] must be in range.
func MaxIndex(dst, idx, x []float32, offs []int) {
	n := len(dst)
	idx = idx[:n]
	for _, off := range offs {
		_ = x[off : off+n]
	}
	done := 0
	if useAVX2 && n >= 8 {
		done = n &^ 7
		maxIndexAVX2(&dst[0], &idx[0], &x[0], &offs[0], len(offs), done)
	}
	o0, rest := offs[0], offs[1:]
	for i := done; i < n; i++ {
		// Written so that the compiler selects the index with a
		// conditional move: a branch would mispredict on real data.
		best, k := x[o0+i], o0
		for _, off := range rest {
			v := x[off+i]
			if v > best {
				k = off
			}
			best = max(best, v)
		}
		dst[i] = best
		idx[i] = math.Float32frombits(uint32(k + i))
	}
}

// Beyond returns the index of the first element of x that is NaN or at
// least limit in magnitude (an infinity when limit is), or -1 if there is
// none. The optimizers run it over every gradient before a step, to
// refuse a step that would make a weight or a moment infinite.
func Beyond(x []float32, limit float32) int {
	from := 0
	switch {
	case !(limit > 0):
		from = 0 // every element is beyond
	case beyondKernel != nil && len(x) >= 16:
		// The kernel skips the blocks with nothing beyond limit; the loop
		// below finds the element in the block it stops at.
		from = beyondKernel(x, limit)
	default:
		from = beyondWords(x, limit)
	}
	for i := from; i < len(x); i++ {
		if v := x[i]; !(v < limit && v > -limit) { // false for NaN too
			return i
		}
	}
	return -1
}

// beyondWords is Beyond's skip in Go: it returns the start of the first
// block of 8 elements of x that holds one beyond limit (> 0), or the
// start of the last partial block.
//
// It reads two elements at a time as one uint64 and branches once per
// eight: with its sign cleared, an element's bits are at least those of
// limit exactly when adding 1<<31 - bits(limit) sets bit 31 (NaN and the
// infinities have larger bits still), and the lanes cannot carry into
// each other.
func beyondWords(x []float32, limit float32) int {
	k := uint64(1<<31 - math.Float32bits(limit))
	const abs, top = 0x7fffffff_7fffffff, 0x80000000_80000000
	add := k<<32 | k
	n := len(x) &^ 7
	if n == 0 {
		return 0
	}
	u := unsafe.Slice((*uint64)(unsafe.Pointer(&x[0])), n/2)
	for i := 0; i+3 < len(u); i += 4 {
		if ((u[i]&abs+add)|(u[i+1]&abs+add)|(u[i+2]&abs+add)|(u[i+3]&abs+add))&top != 0 {
			return 2 * i // the culprit is among these eight
		}
	}
	return n
}

// beyondKernel, where the CPU has one, returns an index i such that no
// element of x[:i] is beyond limit and, if i < len(x), one of the next 64
// is.
var beyondKernel func(x []float32, limit float32) int

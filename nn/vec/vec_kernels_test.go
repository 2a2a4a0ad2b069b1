package vec

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// kernelLengths are the lengths every kernel is checked at: empty, below,
// at and past the 8- and 16-float widths of the vector kernels and their
// unrolled steps, and a long one.
var kernelLengths = []int{0, 1, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 1000}

// specials are the values that are planted among the random ones.
var specials = []float32{
	float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)),
	float32(math.Copysign(0, -1)), 0, 1e30, -1e30, math.SmallestNonzeroFloat32,
}

// testVector returns n random values in [-1, 1) starting at an offset of
// skew floats into its backing array (so the kernels see unaligned
// slices); with special, one element in eight, the last one included, is
// one of specials.
func testVector(r *rand.Rand, n, skew int, special bool) []float32 {
	x := make([]float32, n+skew)[skew:]
	for i := range x {
		x[i] = r.Float32()*2 - 1
		if special && (r.IntN(8) == 0 || i == n-1) {
			x[i] = specials[r.IntN(len(specials))]
		}
	}
	return x
}

// sameFloat reports whether got and want are the same number: equal, or
// both NaN. The sign of a zero is not compared.
func sameFloat(got, want float32) bool {
	return got == want || got != got && want != want
}

// closeFloat is sameFloat with a relative tolerance for kernels that may
// round differently from Go (fused multiply-adds): infinities and NaN must
// still match exactly.
func closeFloat(got, want float32) bool {
	if sameFloat(got, want) {
		return true
	}
	if math.IsInf(float64(want), 0) || want != want || got != got {
		return false
	}
	d := math.Abs(float64(got) - float64(want))
	return d <= 1e-7+1e-5*math.Abs(float64(want))
}

// checkKernels runs every operation through the kernels selected now and
// compares each result with the plain Go loops below, on every length of
// kernelLengths, aligned and not, with and without NaN, infinities, -0
// and values whose square overflows.
func checkKernels(t *testing.T) {
	t.Helper()
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range kernelLengths {
		for _, skew := range []int{0, 1, 3} {
			for _, special := range []bool{false, true} {
				name := fmt.Sprintf("n=%d skew=%d special=%v", n, skew, special)
				checkAdam(t, r, name, n, skew, special)
				checkAdd(t, r, name, n, skew, special)
				checkRelu(t, r, name, n, skew, special)
				checkMaxIndex(t, r, name, n, skew, special)
				checkWinograd(t, r, name, n, skew, special)
			}
			checkBeyond(t, r, n, skew)
		}
	}
	checkBlockKernels(t, r)
}

// checkBlockKernels compares CopyBlocks and AddBlocks with a loop over the
// segments, on the patches of 3×3 windows (overlapping segments for the
// adds), lengths that take the assembly kernels (multiples of 8) and that
// do not, and special values; nothing past the segments may change.
func checkBlockKernels(t *testing.T, r *rand.Rand) {
	t.Helper()
	for _, c := range []struct{ outer, inner, n, so, si int }{
		{24, 3, 96, 32, 26 * 32}, // conv2's row of output pixels: windows overlap
		{1, 1, 8, 0, 0}, {5, 2, 40, 40, 200}, {3, 3, 16, 8, 16}, {2, 4, 64, 0, 0},
		{7, 3, 3, 1, 28}, {4, 2, 9, 3, 30}, {1, 3, 12, 0, 5}, {0, 3, 8, 8, 8}, {3, 0, 8, 8, 8},
		{50, 1, 64, 0, 0}, {9, 1, 40, 0, 0}, {6, 1, 10, 0, 0}, // rows summed into one (a bias gradient)
	} {
		for _, special := range []bool{false, true} {
			name := fmt.Sprintf("%d×%d×%d strides %d,%d special=%v", c.outer, c.inner, c.n, c.so, c.si, special)
			span := 0
			if c.outer > 0 && c.inner > 0 {
				span = (c.outer-1)*c.so + (c.inner-1)*c.si + c.n
			}
			packed := c.outer * c.inner * c.n
			strided := testVector(r, span+5, 1, special)
			dst := testVector(r, packed+5, 3, false)
			want := clone(dst)
			for o := range c.outer {
				for i := range c.inner {
					copy(want[(o*c.inner+i)*c.n:][:c.n], strided[o*c.so+i*c.si:][:c.n])
				}
			}
			CopyBlocks(dst[:packed], strided[:span], c.outer, c.inner, c.n, c.so, c.si)
			for i := range want {
				if math.Float32bits(dst[i]) != math.Float32bits(want[i]) {
					t.Fatalf("CopyBlocks %s: dst[%d] = %v, want %v", name, i, dst[i], want[i])
				}
			}
			src := testVector(r, packed, 2, special)
			acc := clone(strided)
			wantAcc := clone(strided)
			for o := range c.outer {
				for i := range c.inner {
					d := wantAcc[o*c.so+i*c.si:][:c.n]
					for k := range d {
						d[k] += src[(o*c.inner+i)*c.n+k]
					}
				}
			}
			AddBlocks(acc[:span], src, c.outer, c.inner, c.n, c.so, c.si)
			for i := range wantAcc {
				if !sameFloat(acc[i], wantAcc[i]) {
					t.Fatalf("AddBlocks %s: dst[%d] = %v, want %v", name, i, acc[i], wantAcc[i])
				}
			}
		}
	}
}

// checkBeyond plants each value at a few places (first, middle, last, in
// the last 64, two of them) and compares Beyond with a plain loop.
func checkBeyond(t *testing.T, r *rand.Rand, n, skew int) {
	t.Helper()
	const limit = 1e18
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	values := []float32{0, -3.5, 9e17, -9e17, math.Nextafter32(limit, 0), limit, -limit, -1e19, nan, -nan, inf, -inf, float32(math.Copysign(0, -1))}
	var at [][]int
	for _, i := range []int{0, n / 2, n - 1, n - 9, n - 17, n - 65} {
		if i >= 0 && i < n {
			at = append(at, []int{i}, []int{i, n - 1})
		}
	}
	at = append(at, nil)
	for _, v := range values {
		for _, places := range at {
			x := testVector(r, n, skew, false)
			for _, i := range places {
				x[i] = v
			}
			want := -1
			for i, xi := range x {
				if !(float32(math.Abs(float64(xi))) < limit) {
					want = i
					break
				}
			}
			if got := Beyond(x, limit); got != want {
				t.Fatalf("Beyond n=%d skew=%d, %v at %v: %d, want %d", n, skew, v, places, got, want)
			}
		}
	}
	if got := Beyond(make([]float32, n), float32(math.Inf(1))); got != -1 {
		t.Fatalf("Beyond(zeros, +Inf) n=%d = %d, want -1", n, got)
	}
}

func checkAdam(t *testing.T, r *rand.Rand, name string, n, skew int, special bool) {
	t.Helper()
	w, g, m, v := testVector(r, n, skew, false), testVector(r, n, skew, special), testVector(r, n, skew, false), testVector(r, n, skew, false)
	for i := range v {
		v[i] *= v[i]
	}
	w2, m2, v2 := clone(w), clone(m), clone(v)
	Adam(w, g, m, v, 1e-3, 0.9, 0.999, 1e-8)
	refAdam(w2, g, m2, v2, 1e-3, 0.9, 0.999, 1e-8)
	for i := range w {
		for _, c := range []struct {
			what      string
			got, want float32
		}{{"w", w[i], w2[i]}, {"m", m[i], m2[i]}, {"v", v[i], v2[i]}} {
			if !closeFloat(c.got, c.want) {
				t.Fatalf("Adam %s: %s[%d] = %v, want %v (g = %v)", name, c.what, i, c.got, c.want, g[i])
			}
		}
	}
}

func checkAdd(t *testing.T, r *rand.Rand, name string, n, skew int, special bool) {
	t.Helper()
	a, b := testVector(r, n, skew, special), testVector(r, n, skew+1, special)
	dst := testVector(r, n, 2, false)
	Add(dst, a, b)
	for i := range dst {
		if want := a[i] + b[i]; !sameFloat(dst[i], want) {
			t.Fatalf("Add %s: dst[%d] = %v, want %v + %v", name, i, dst[i], a[i], b[i])
		}
	}
	a2 := clone(a)
	Add(a, a, b) // in place
	for i := range a {
		if want := a2[i] + b[i]; !sameFloat(a[i], want) {
			t.Fatalf("Add %s in place: a[%d] = %v, want %v", name, i, a[i], want)
		}
	}
}

func checkRelu(t *testing.T, r *rand.Rand, name string, n, skew int, special bool) {
	t.Helper()
	x := testVector(r, n, skew, special)
	y := testVector(r, n, 0, false)
	Relu(y, x)
	for i := range y {
		// Bit for bit: Relu(-0) is +0 and Relu(NaN) NaN, as Go's max.
		if want := max(x[i], 0); math.Float32bits(y[i]) != math.Float32bits(want) && !(y[i] != y[i] && want != want) {
			t.Fatalf("Relu %s: y[%d] = %v, want %v (x = %v)", name, i, y[i], want, x[i])
		}
	}
	// The gradient given y, where y may also hold NaN (a NaN input).
	g := testVector(r, n, skew+2, special)
	for _, add := range []bool{false, true} {
		dx := testVector(r, n, skew, special)
		want := clone(dx)
		refReluGrad(want, g, y, add)
		ReluGrad(dx, g, y, add)
		for i := range dx {
			if !sameFloat(dx[i], want[i]) {
				t.Fatalf("ReluGrad %s add=%v: dx[%d] = %v, want %v (g = %v, y = %v)", name, add, i, dx[i], want[i], g[i], y[i])
			}
		}
	}
}

func checkMaxIndex(t *testing.T, r *rand.Rand, name string, n, skew int, special bool) {
	t.Helper()
	if n == 0 {
		return
	}
	x := testVector(r, 4*n+40, skew, special)
	for i := range x {
		if r.IntN(4) == 0 {
			x[i] = float32(r.IntN(3)) // ties
		}
	}
	for _, offs := range [][]int{{0}, {n + 3, 1}, {5, 3*n + 1, 2 * n, 9, 7}} {
		dst, idx := testVector(r, n, skew, false), testVector(r, n, 0, false)
		wdst, widx := clone(dst), clone(idx)
		refMaxIndex(wdst, widx, x, offs)
		MaxIndex(dst, idx, x, offs)
		for i := range dst {
			if !sameFloat(dst[i], wdst[i]) || idx[i] != widx[i] && math.Float32bits(idx[i]) != math.Float32bits(widx[i]) {
				t.Fatalf("MaxIndex %s offs=%v: [%d] = %v at %d, want %v at %d", name, offs, i, dst[i], math.Float32bits(idx[i]), wdst[i], math.Float32bits(widx[i]))
			}
		}
	}
}

func clone(x []float32) []float32 { return append([]float32(nil), x...) }

// The references: the operations' contracts written as plain loops.

func refAdam(w, g, m, v []float32, lr, b1, b2, eps float32) { adamGo(w, g, m, v, lr, b1, b2, eps) }

func refReluGrad(dx, g, y []float32, add bool) {
	for i := range dx {
		d := float32(0)
		if y[i] > 0 {
			d = g[i]
		}
		if add {
			dx[i] += d
		} else {
			dx[i] = d
		}
	}
}

func refMaxIndex(dst, idx, x []float32, offs []int) {
	for i := range dst {
		best, k := x[offs[0]+i], offs[0]
		for _, off := range offs[1:] {
			if v := x[off+i]; v > best {
				k = off
			}
			best = max(best, x[off+i])
		}
		dst[i], idx[i] = best, math.Float32frombits(uint32(k+i))
	}
}

// TestKernelsMatchGo checks the kernels this CPU selects (and
// NNLAB_GEMM allows) against the Go loops; CI greps its "kernel:" line.
func TestKernelsMatchGo(t *testing.T) {
	t.Logf("kernel: %s", Kernel())
	checkKernels(t)
}

// Beyond at other limits, on values just below, at and above them, and
// its Go skip (beyondWords) on its own, which other CPUs run.
func TestBeyondLimits(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, limit := range []float32{1, 3.5, 1e-30, math.MaxFloat32, float32(math.Inf(1)), 0, -1} {
		for _, n := range kernelLengths {
			for trial := 0; trial < 20; trial++ {
				x := make([]float32, n)
				for i := range x {
					x[i] = limit * (r.Float32() - 0.5)
					if limit <= 0 || math.IsInf(float64(limit), 0) {
						x[i] = r.Float32()
					}
				}
				if n > 0 && trial > 0 {
					near := []float32{math.Nextafter32(limit, 0), limit, -limit, math.Nextafter32(limit, float32(math.Inf(1))), float32(math.NaN())}
					x[r.IntN(n)] = near[r.IntN(len(near))]
				}
				want := -1
				for i, v := range x {
					if !(float32(math.Abs(float64(v))) < limit) {
						want = i
						break
					}
				}
				if got := Beyond(x, limit); got != want {
					t.Fatalf("Beyond(%v, %v) = %d, want %d", x, limit, got, want)
				}
				if limit > 0 {
					skip := len(x) &^ 7 // the start of its block of 8, or of the tail
					if want >= 0 && want < skip {
						skip = want &^ 7
					}
					if from := beyondWords(x, limit); from != skip {
						t.Fatalf("beyondWords(%v, %v) = %d, want %d (the first beyond is %d)", x, limit, from, skip, want)
					}
				}
			}
		}
	}
}

// checkWinograd compares the Winograd tile transforms with their Go loops
// bit for bit (any NaN matching any NaN), with and without the bias and
// the ReLU, on 16 pixels of n channels each.
func checkWinograd(t *testing.T, r *rand.Rand, name string, n, skew int, special bool) {
	t.Helper()
	same := func(got, want float32) bool {
		return math.Float32bits(got) == math.Float32bits(want) || got != got && want != want
	}
	var src, got, want [16][]float32
	for i := range src {
		src[i] = testVector(r, n, skew+i%3, special)
		got[i], want[i] = make([]float32, n), make([]float32, n)
	}
	WinogradInput(&got, &src)
	winogradInGo(&want, &src, 0, n)
	for i := range got {
		for c := range n {
			if !same(got[i][c], want[i][c]) {
				t.Fatalf("WinogradInput %s: dst[%d][%d] = %v, want %v", name, i, c, got[i][c], want[i][c])
			}
		}
	}
	bias := testVector(r, n, skew, special)
	for _, b := range [][]float32{nil, bias} {
		for _, relu := range []bool{false, true} {
			var gy, wy [4][]float32
			for i := range gy {
				gy[i], wy[i] = make([]float32, n), make([]float32, n)
			}
			WinogradOutput(&gy, &src, b, relu)
			winogradOutGo(&wy, &src, b, relu, 0, n)
			for i := range gy {
				for c := range n {
					if !same(gy[i][c], wy[i][c]) {
						t.Fatalf("WinogradOutput %s bias=%v relu=%v: dst[%d][%d] = %v, want %v", name, b != nil, relu, i, c, gy[i][c], wy[i][c])
					}
				}
			}
		}
	}
}

//go:build arm64

package vec

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"testing"
)

// TestNEONSelected checks that arm64 runs the NEON kernels unless
// NNLAB_GEMM=generic forces the Go loops (CI greps the logged name).
func TestNEONSelected(t *testing.T) {
	name := "generic"
	if useAVX2 {
		name = "neon"
	}
	t.Logf("kernel: %s", name)
	if want := os.Getenv("NNLAB_GEMM") != "generic"; useAVX2 != want {
		t.Errorf("NEON kernels in use: %v, want %v", useAVX2, want)
	}
}

// withNEON runs f with the NEON kernels on or off.
func withNEON(on bool, f func()) {
	old := useAVX2
	useAVX2 = on
	defer func() { useAVX2 = old }()
	f()
}

// neonSpecials returns n values mixing random numbers with NaN, ±0, ±Inf and
// a subnormal, so that the NEON kernels are held to Go's semantics for each.
func neonSpecials(r *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		switch r.IntN(12) {
		case 0:
			x[i] = float32(math.NaN())
		case 1:
			x[i] = float32(math.Copysign(0, -1))
		case 2:
			x[i] = 0
		case 3:
			x[i] = float32(math.Inf(1 - 2*r.IntN(2)))
		case 4:
			x[i] = math.Float32frombits(1) // smallest subnormal
		default:
			x[i] = float32(r.NormFloat64())
		}
	}
	return x
}

// same reports whether a and b are the same float32: equal bits, or both NaN.
func same(a, b float32) bool {
	return math.Float32bits(a) == math.Float32bits(b) || a != a && b != b
}

// TestNEONMatchesGo runs every NEON kernel and the Go loop on the same
// inputs, with special values, at lengths around the 8- and 16-element
// steps, and requires identical results (Adam: within rounding, as the
// two may fuse different multiply-adds).
func TestNEONMatchesGo(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{8, 9, 15, 16, 17, 24, 31, 40, 64, 100} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			x, g, y0 := neonSpecials(r, n), neonSpecials(r, n), neonSpecials(r, n)
			run := func(name string, f func(on bool) [][]float32) {
				neon, gof := f(true), f(false)
				for k := range neon {
					for i := range neon[k] {
						if !same(neon[k][i], gof[k][i]) {
							t.Fatalf("%s: output %d [%d] = %v, Go %v (inputs %v, %v, %v)", name, k, i, neon[k][i], gof[k][i], x[i], g[i], y0[i])
						}
					}
				}
			}
			run("Relu", func(on bool) [][]float32 {
				y := make([]float32, n)
				withNEON(on, func() { Relu(y, x) })
				return [][]float32{y}
			})
			for _, add := range []bool{false, true} {
				run(fmt.Sprintf("ReluGrad add=%v", add), func(on bool) [][]float32 {
					dx := append([]float32(nil), y0...)
					withNEON(on, func() { ReluGrad(dx, g, x, add) })
					return [][]float32{dx}
				})
			}
			run("Add", func(on bool) [][]float32 {
				dst := make([]float32, n)
				withNEON(on, func() { Add(dst, x, g) })
				return [][]float32{dst}
			})
			run("MaxIndex", func(on bool) [][]float32 {
				src := append(append(append([]float32(nil), x...), g...), y0...)
				dst, idx := make([]float32, n), make([]float32, n)
				withNEON(on, func() { MaxIndex(dst, idx, src, []int{n, 0, 2 * n, 1}) })
				return [][]float32{dst, idx}
			})

			// Adam on finite inputs: moments and weights within rounding.
			mk := func() []float32 {
				v := make([]float32, n)
				for i := range v {
					v[i] = float32(r.NormFloat64())
				}
				return v
			}
			w, gr, m, v := mk(), mk(), mk(), mk()
			for i := range v {
				v[i] *= v[i]
			}
			var outs [2][3][]float32
			for i, on := range []bool{true, false} {
				w2, m2, v2 := append([]float32(nil), w...), append([]float32(nil), m...), append([]float32(nil), v...)
				withNEON(on, func() { Adam(w2, gr, m2, v2, 1e-2, 0.9, 0.999, 1e-8) })
				outs[i] = [3][]float32{w2, m2, v2}
			}
			for k := range 3 {
				for i := range n {
					a, b := outs[0][k][i], outs[1][k][i]
					if d := math.Abs(float64(a - b)); !(d <= 1e-6*math.Max(1, math.Abs(float64(b)))) {
						t.Fatalf("Adam: output %d [%d] = %v, Go %v", k, i, a, b)
					}
				}
			}
		})
	}
}

package vec

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nnlab/nnlab/internal/benchcpu"
)

func TestAdamMatchesGo(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 7, 8, 9, 31, 1000} {
		mk := func() []float32 {
			x := make([]float32, n)
			for i := range x {
				x[i] = r.Float32()*2 - 1
			}
			return x
		}
		w, g, m, v := mk(), mk(), mk(), mk()
		for i := range v {
			v[i] = v[i] * v[i]
		}
		w2, m2, v2 := append([]float32(nil), w...), append([]float32(nil), m...), append([]float32(nil), v...)
		Adam(w, g, m, v, 1e-3, 0.9, 0.999, 1e-8)
		adamGo(w2, g, m2, v2, 1e-3, 0.9, 0.999, 1e-8)
		for i := range w {
			for _, p := range [][2]float32{{w[i], w2[i]}, {m[i], m2[i]}, {v[i], v2[i]}} {
				if d := math.Abs(float64(p[0] - p[1])); d > 1e-6*math.Max(1, math.Abs(float64(p[1]))) {
					t.Fatalf("n=%d i=%d: %v vs Go %v", n, i, p[0], p[1])
				}
			}
		}
	}
}

func BenchmarkAdam(b *testing.B) {
	const n = 567434 // parameters of the tutorial network
	w, g, m, v := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
	b.SetBytes(n * 4 * 6)
	benchcpu.Report(b)
	for i := 0; i < b.N; i++ {
		Adam(w, g, m, v, 1e-3, 0.9, 0.999, 1e-8)
	}
}

func TestAdd(t *testing.T) {
	for _, n := range []int{0, 1, 7, 8, 9, 31, 32, 33, 100, 1000} {
		a, b := make([]float32, n), make([]float32, n)
		for i := range a {
			a[i], b[i] = float32(i)*0.5, float32(n-i)*0.25
		}
		dst := make([]float32, n)
		Add(dst, a, b)
		for i := range dst {
			if want := a[i] + b[i]; dst[i] != want {
				t.Fatalf("n=%d: dst[%d] = %v, want %v", n, i, dst[i], want)
			}
		}
		Add(a, a, b) // in place
		for i := range a {
			if a[i] != dst[i] {
				t.Fatalf("n=%d in place: a[%d] = %v, want %v", n, i, a[i], dst[i])
			}
		}
	}
}

func TestRelu(t *testing.T) {
	for _, n := range []int{0, 1, 7, 8, 9, 33, 100} {
		x, g, dx := make([]float32, n), make([]float32, n), make([]float32, n)
		for i := range x {
			x[i] = float32(i%5) - 2 // -2..2, with zeros
			g[i] = float32(i) + 0.5
			dx[i] = 1
		}
		y := make([]float32, n)
		Relu(y, x)
		for i := range y {
			if want := max(x[i], 0); y[i] != want {
				t.Fatalf("n=%d: y[%d] = %v, want %v", n, i, y[i], want)
			}
		}
		ReluGrad(dx, g, y, true)
		for i := range dx {
			want := float32(1)
			if y[i] > 0 {
				want += g[i]
			}
			if dx[i] != want {
				t.Fatalf("n=%d: added dx[%d] = %v, want %v", n, i, dx[i], want)
			}
		}
		ReluGrad(dx, g, y, false)
		for i := range dx {
			want := float32(0)
			if y[i] > 0 {
				want = g[i]
			}
			if dx[i] != want {
				t.Fatalf("n=%d: dx[%d] = %v, want %v", n, i, dx[i], want)
			}
		}
	}
}

func TestMaxIndex(t *testing.T) {
	x := make([]float32, 400)
	for i := range x {
		x[i] = float32((i*37)%23) - 11 // ties and negatives
	}
	for _, n := range []int{1, 7, 8, 9, 64, 70} {
		for _, offs := range [][]int{{0}, {100, 3}, {5, 200, 100, 300}} {
			dst, idx := make([]float32, n), make([]float32, n)
			MaxIndex(dst, idx, x, offs)
			for i := range dst {
				best, k := x[offs[0]+i], offs[0]
				for _, off := range offs[1:] {
					if x[off+i] > best {
						best, k = x[off+i], off
					}
				}
				if dst[i] != best || math.Float32bits(idx[i]) != uint32(k+i) {
					t.Fatalf("n=%d offs=%v: [%d] = %v at %d, want %v at %d", n, offs, i, dst[i], math.Float32bits(idx[i]), best, k+i)
				}
			}
		}
	}
}

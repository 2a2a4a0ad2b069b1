package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync/atomic"
	"testing"
)

// sparseSlice returns n values of which about a fraction density are
// nonzero, the rest exactly 0.
func sparseSlice(r *rand.Rand, n int, density float64) []float32 {
	s := make([]float32, n)
	for i := range s {
		if r.Float64() < density {
			s[i] = float32(r.NormFloat64())
		}
	}
	return s
}

// TestSparseMul compares S·B + beta·C, with S built by FromDense (and by
// SparseTMul), against the reference GEMM for both kernels and thread counts,
// on shapes around the 64-column tile and the row blocks, with empty rows.
func TestSparseMul(t *testing.T) {
	shapes := [][3]int{ // m, n, k
		{1, 1, 1}, {3, 64, 5}, {5, 65, 17}, {130, 63, 40}, {128, 512, 784},
		{300, 130, 7}, {784, 128, 128}, {7, 200, 1}, {0, 8, 8}, {4, 0, 3},
		{70, 288, 150}, {9, 100, 20}, {40, 32, 10}, // 32-column slabs
	}
	for _, kern := range testKernels {
		for _, threads := range []int{1, 2} {
			for _, sh := range shapes {
				for _, density := range []float64{0, 0.2, 1} {
					for _, beta := range []float32{0, 1, 0.5} {
						for _, trans := range []bool{false, true} {
							m, n, k := sh[0], sh[1], sh[2]
							if m*n*k > 1<<20 && (density != 0.2 || beta != 0.5) {
								continue // large shapes: one case each, for time
							}
							name := fmt.Sprintf("%s/threads=%d/%dx%dx%d/d=%g/beta=%g/trans=%v", kern, threads, m, n, k, density, beta, trans)
							t.Run(name, func(t *testing.T) {
								useKernel(t, kern)
								useThreads(t, threads)
								checkSparse(t, m, n, k, density, beta, trans)
							})
						}
					}
				}
			}
		}
	}
}

func checkSparse(t *testing.T, m, n, k int, density float64, beta float32, trans bool) {
	r := rand.New(rand.NewPCG(uint64(m*n+k), 7))
	ldb, ldc := n+3, n+1
	b := randSlice(r, max(0, k*ldb))
	c := randSlice(r, max(0, m*ldc))
	if beta == 0 {
		for i := range c {
			c[i] = float32(math.NaN()) // must not be read
		}
	}
	var s CSR
	var a []float32 // op(S) as a dense m×k matrix
	if trans {
		// C = Aᵀ·B for a sparse k×m matrix A, by SparseTMul.
		at := sparseSlice(r, k*m, density)
		if !s.FromDense(k, m, at, max(m, 1), k*m) {
			t.Fatal("FromDense refused a matrix within its limit")
		}
		a = make([]float32, m*k)
		for i := range k {
			for j := range m {
				a[j*k+i] = at[i*m+j]
			}
		}
	} else {
		a = sparseSlice(r, m*k, density)
		if !s.FromDense(m, k, a, max(k, 1), m*k) {
			t.Fatal("FromDense refused a matrix within its limit")
		}
	}
	want, mag := refGemm(false, false, m, n, k, 1, a, max(k, 1), b, ldb, beta, c, ldc)
	mul := SparseMul
	if trans {
		mul = SparseTMul
	}
	if s.Rows()*s.Cols() != m*k {
		t.Fatalf("CSR is %dx%d for a %dx%d product", s.Rows(), s.Cols(), m, k)
	}
	if !mul(&s, n, b, ldb, beta, c, ldc, nil) {
		t.Fatal("the product reported an interrupt")
	}
	for i := range m {
		for j := range n {
			got := float64(c[i*ldc+j])
			if d := math.Abs(got - want[i*n+j]); d > 1e-5*(mag[i*n+j]+1) || math.IsNaN(got) {
				t.Fatalf("C[%d,%d] = %v, want %v", i, j, got, want[i*n+j])
			}
		}
	}
}

func TestFromDenseLimit(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	a := sparseSlice(r, 100*50, 0.3)
	nnz := 0
	for _, v := range a {
		if v != 0 {
			nnz++
		}
	}
	var s CSR
	if s.FromDense(100, 50, a, 50, nnz-1) {
		t.Errorf("FromDense accepted %d nonzeros with a limit of %d", nnz, nnz-1)
	}
	if !s.FromDense(100, 50, a, 50, nnz) || s.NNZ() != nnz {
		t.Errorf("FromDense at the limit: NNZ %d, want %d", s.NNZ(), nnz)
	}
}

func TestSparseInterrupt(t *testing.T) {
	for _, kern := range testKernels {
		t.Run(kern, func(t *testing.T) {
			useKernel(t, kern)
			useThreads(t, 2)
			r := rand.New(rand.NewPCG(3, 4))
			const m, n, k = 1000, 256, 300
			a, b, c := sparseSlice(r, m*k, 0.2), randSlice(r, k*n), make([]float32, m*n)
			var s CSR
			s.FromDense(m, k, a, k, m*k)
			var calls atomic.Int32
			if SparseMul(&s, n, b, n, 0, c, n, func() bool { return calls.Add(1) > 2 }) {
				t.Fatal("SparseMul completed despite stop")
			}
			if !SparseMul(&s, n, b, n, 0, c, n, func() bool { return false }) {
				t.Fatal("SparseMul reported an interrupt that did not happen")
			}
			calls.Store(0)
			dw := make([]float32, k*n)
			if SparseTMul(&s, n, c, n, 0, dw, n, func() bool { return calls.Add(1) > 2 }) {
				t.Fatal("SparseTMul completed despite stop")
			}
			// A short S (a batch) takes the column-wise path.
			calls.Store(0)
			s.FromDense(128, k, a, k, m*k)
			if SparseTMul(&s, n, c, n, 0, dw, n, func() bool { return calls.Add(1) > 2 }) {
				t.Fatal("column-wise SparseTMul completed despite stop")
			}
		})
	}
}

func TestSparseAllocs(t *testing.T) {
	for _, kern := range testKernels {
		t.Run(kern, func(t *testing.T) {
			useKernel(t, kern)
			useThreads(t, 2)
			r := rand.New(rand.NewPCG(5, 6))
			const m, n, k = 128, 512, 784
			a, b, c := sparseSlice(r, m*k, 0.2), randSlice(r, k*n), make([]float32, m*n)
			dw := make([]float32, k*n)
			var s CSR
			s.FromDense(m, k, a, k, m*k)
			n2 := testing.AllocsPerRun(10, func() {
				s.FromDense(m, k, a, k, m*k)
				SparseMul(&s, n, b, n, 0, c, n, nil)
				SparseTMul(&s, n, c, n, 0, dw, n, nil)
			})
			if n2 != 0 {
				t.Errorf("FromDense, SparseMul and SparseTMul allocate %v times, want 0", n2)
			}
		})
	}
}

// BenchmarkSparseMul times the tutorial's first layer on MNIST-like input
// (19% nonzero pixels): FromDense alone (compress), the forward S·W
// (128×784 · 784×512, FromDense included), the weight gradient Sᵀ·dY, and
// the dense products they replace, with the kernels NNLAB_GEMM selects.
// cpu-ns/op is the process's CPU time per call, steadier than wall time
// on a shared machine.
func BenchmarkSparseMul(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	const m, n, k = 128, 512, 784
	a, w, dy := sparseSlice(r, m*k, 0.19), randSlice(r, k*n), randSlice(r, m*n)
	c, dw := make([]float32, m*n), make([]float32, k*n)
	var s CSR
	s.FromDense(m, k, a, k, m*k)
	b.Logf("kernels %s", Kernel())
	for _, threads := range []int{1, 2} {
		for _, bc := range []struct {
			name string
			f    func()
		}{
			{"fromdense", func() { s.FromDense(m, k, a, k, m*k) }},
			{"forward", func() { s.FromDense(m, k, a, k, m*k); SparseMul(&s, n, w, n, 0, c, n, nil) }},
			{"weightgrad", func() { SparseTMul(&s, n, dy, n, 0, dw, n, nil) }},
			{"dense-forward", func() { Sgemm(false, false, m, n, k, 1, a, k, w, n, 0, c, n) }},
			{"dense-weightgrad", func() { Sgemm(true, false, k, n, m, 1, a, k, dy, n, 0, dw, n) }},
		} {
			b.Run(fmt.Sprintf("%s/threads=%d", bc.name, threads), func(b *testing.B) {
				useThreads(b, threads)
				parallelMinMACs = 8 << 20
				cpu0 := cpuNanos()
				for b.Loop() {
					bc.f()
				}
				if cpu0 != 0 {
					b.ReportMetric(float64(cpuNanos()-cpu0)/float64(b.N), "cpu-ns/op")
				}
			})
		}
	}
}

// TestCompress checks both compress kernels on values that include -0
// (zero) and NaN (nonzero, as for Go's !=), at lengths around 8.
func TestCompress(t *testing.T) {
	for _, kern := range testKernels {
		t.Run(kern, func(t *testing.T) {
			useKernel(t, kern)
			r := rand.New(rand.NewPCG(9, 9))
			for _, n := range []int{0, 1, 7, 8, 9, 16, 23, 96, 784} {
				x := sparseSlice(r, n, 0.3)
				for i := range x {
					switch r.IntN(20) {
					case 0:
						x[i] = float32(math.Copysign(0, -1))
					case 1:
						x[i] = float32(math.NaN())
					}
				}
				idx, val := make([]int32, n+8), make([]float32, n+8)
				got := compress(x, 5, idx, val)
				var want []int32
				for i, v := range x {
					if v != 0 {
						want = append(want, int32(i+5))
					}
				}
				if got != len(want) {
					t.Fatalf("n=%d: %d nonzeros, want %d", n, got, len(want))
				}
				for q, i := range want {
					v := x[i-5]
					if idx[q] != i || (val[q] != v && !math.IsNaN(float64(v))) {
						t.Fatalf("n=%d: entry %d = (%d, %v), want (%d, %v)", n, q, idx[q], val[q], i, v)
					}
				}
			}
		})
	}
}

// BenchmarkCompress runs each compress kernel on MNIST-like rows (784
// values, 19% nonzero) in chunks of 96, as FromDense does.
func BenchmarkCompress(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 3))
	x := sparseSlice(r, 128*784, 0.19)
	idx, val := make([]int32, len(x)+16), make([]float32, len(x)+16)
	for _, kern := range testKernels {
		b.Run(kern, func(b *testing.B) {
			useKernel(b, kern)
			cpu0 := cpuNanos()
			for b.Loop() {
				q := 0
				for j := 0; j < len(x); j += 96 {
					q += compress(x[j:min(j+96, len(x))], j, idx[q:], val[q:])
				}
			}
			if cpu0 != 0 {
				b.ReportMetric(float64(cpuNanos()-cpu0)/float64(b.N), "cpu-ns/op")
			}
		})
	}
}

// BenchmarkTranspose times the column-wise copy SparseTMul builds of the
// tutorial's first-layer input (128×784, 19% nonzero).
func BenchmarkTranspose(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	const m, k = 128, 784
	a := sparseSlice(r, m*k, 0.19)
	var s CSR
	s.FromDense(m, k, a, k, m*k)
	for b.Loop() {
		s.tBuilt = false
		s.transpose(1)
	}
}

// TestFromDenseThreads checks that the parallel scan gives the CSR of the
// serial one (the same products, bit for bit), and the same verdict on the
// limit, also when one block of rows holds more than its share of the
// nonzeros (the call then starts again on one goroutine).
func TestFromDenseThreads(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, c := range []struct {
		m, k    int
		density float64
		skewed  bool // the first rows dense, the rest empty
		limit   float64
	}{
		{128, 9216, 0.2, false, 0.3}, {1000, 784, 0.19, false, 0.3}, {301, 1000, 0.25, false, 0.25},
		{400, 800, 0.9, true, 0.5}, {400, 800, 0.5, false, 0.3}, {5, 100000, 0.1, false, 1},
	} {
		t.Run(fmt.Sprintf("%dx%d/d=%g/skewed=%v/limit=%g", c.m, c.k, c.density, c.skewed, c.limit), func(t *testing.T) {
			useThreads(t, 2)
			a := sparseSlice(r, c.m*c.k, c.density)
			if c.skewed {
				clear(a[c.m*c.k/3:])
			}
			limit := int(c.limit * float64(c.m*c.k))
			var s1, s2 CSR
			ok1 := s1.FromDense(c.m, c.k, a, c.k, limit)
			ok2 := s2.FromDenseThreads(2, c.m, c.k, a, c.k, limit)
			if ok1 != ok2 {
				t.Fatalf("FromDense = %v, FromDenseThreads = %v", ok1, ok2)
			}
			if !ok1 {
				return
			}
			if s1.NNZ() != s2.NNZ() {
				t.Fatalf("NNZ %d and %d", s1.NNZ(), s2.NNZ())
			}
			const n = 8
			b := randSlice(r, c.k*n)
			c1, c2 := make([]float32, c.m*n), make([]float32, c.m*n)
			SparseMul(&s1, n, b, n, 0, c1, n, nil)
			SparseMul(&s2, n, b, n, 0, c2, n, nil)
			for i := range c1 {
				if math.Float32bits(c1[i]) != math.Float32bits(c2[i]) {
					t.Fatalf("C[%d] = %v, want %v", i, c2[i], c1[i])
				}
			}
		})
	}
}

// TestTranspose checks that the column-compressed copy is the same on one
// goroutine and on several, and that it holds every entry of S in its
// column, rows ascending.
func TestTranspose(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, sh := range [][2]int{{128, 784}, {300, 1000}, {64, 9216}, {7, 200}} {
		m, k := sh[0], sh[1]
		a := sparseSlice(r, m*k, 0.3)
		var s CSR
		s.FromDense(m, k, a, k, m*k)
		s.transpose(1)
		ptr, ent := slices.Clone(s.tPtr[:k+1]), slices.Clone(s.tEnt[:s.nnz])
		for j := range k {
			var want []spEntry
			for i := range m {
				if v := a[i*k+j]; v != 0 {
					want = append(want, spEntry{int32(i), v})
				}
			}
			if got := ent[ptr[j]:ptr[j+1]]; !slices.Equal(got, want) {
				t.Fatalf("%dx%d: column %d holds %v, want %v", m, k, j, got, want)
			}
		}
		for _, threads := range []int{2, 3, 16} {
			s.tBuilt = false
			s.transpose(threads)
			if !slices.Equal(s.tPtr[:k+1], ptr) || !slices.Equal(s.tEnt[:s.nnz], ent) {
				t.Fatalf("%dx%d: the transpose on %d goroutines differs from one goroutine's", m, k, threads)
			}
		}
	}
}

// TestSparseTMulBlocks checks that the blocks handed over are, bit for
// bit, the rows SparseTMul stores, each row exactly once, for every kernel
// set and thread count, on widths around the 64-column slabs; and that it
// declines the shapes it does not handle.
func TestSparseTMulBlocks(t *testing.T) {
	shapes := [][3]int{ // rows of S, n, columns of S
		{128, 512, 784}, {128, 10, 784}, {5, 64, 200}, {37, 100, 300}, {200, 130, 1000}, {1, 1, 130},
	}
	for _, kern := range testKernels {
		for _, threads := range []int{1, 2} {
			for _, sh := range shapes {
				m, n, k := sh[0], sh[1], sh[2]
				t.Run(fmt.Sprintf("%s/threads=%d/%dx%dx%d", kern, threads, m, n, k), func(t *testing.T) {
					useKernel(t, kern)
					useThreads(t, threads)
					r := rand.New(rand.NewPCG(uint64(m+n+k), 3))
					var s CSR
					s.FromDense(m, k, sparseSlice(r, m*k, 0.2), k, m*k)
					ldd := n + 5
					d := randSlice(r, m*ldd)
					want := make([]float32, k*n)
					SparseTMulThreads(threads, &s, n, d, ldd, 0, want, n, nil)
					got := make([]float32, k*n)
					var seen []atomic.Int32 = make([]atomic.Int32, k)
					ok := SparseTMulBlocks(threads, &s, n, d, ldd, func(i0, i1 int, blk []float32) {
						if len(blk) != (i1-i0)*n {
							t.Errorf("block [%d,%d) has %d floats, want %d", i0, i1, len(blk), (i1-i0)*n)
							return
						}
						for i := i0; i < i1; i++ {
							seen[i].Add(1)
						}
						copy(got[i0*n:i1*n], blk)
					})
					if !ok {
						t.Fatal("SparseTMulBlocks declined a short, wide S")
					}
					for i := range seen {
						if c := seen[i].Load(); c != 1 {
							t.Fatalf("row %d handed over %d times", i, c)
						}
					}
					for i := range want {
						if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
							t.Fatalf("element (%d,%d): %v, SparseTMul stores %v", i/n, i%n, got[i], want[i])
						}
					}
				})
			}
		}
	}
	var s CSR
	r := rand.New(rand.NewPCG(1, 2))
	for _, sh := range [][2]int{{spGatherMaxRows + 1, 200}, {64, 20}} { // tall; narrow (one chunk)
		s.FromDense(sh[0], sh[1], sparseSlice(r, sh[0]*sh[1], 0.2), sh[1], sh[0]*sh[1])
		if SparseTMulBlocks(1, &s, 8, make([]float32, sh[0]*8), 8, func(int, int, []float32) { t.Error("use called") }) {
			t.Errorf("%d×%d S: SparseTMulBlocks did the work, want false", sh[0], sh[1])
		}
	}
}

package gemm

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestEpilogue compares Mul with an epilogue against Mul followed by the
// bias add and ReLU as separate passes: the results are identical, on
// shapes that take each loop order (GotoBLAS and the tall, narrow
// resident one), with edge tiles, several k blocks, transposes, strides,
// accumulation into C, k = 0 and one or two goroutines.
func TestEpilogue(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	type shape struct {
		m, n, k        int
		transA, transB bool
		beta           float32
		padC           int
	}
	shapes := []shape{
		{1, 1, 1, false, false, 0, 0},
		{7, 19, 5, false, false, 0, 3},
		{13, 33, 300, true, false, 1, 0},  // two k blocks
		{150, 70, 520, false, true, 0, 1}, // three k blocks, two row blocks
		{700, 40, 64, false, false, 0, 0}, // resident loop order
		{900, 130, 9, true, true, 1, 5},
		{64, 2100, 20, false, false, 0, 0}, // two column panels
		{5, 9, 0, false, false, 1, 0},      // k = 0: C = beta·C, then the epilogue
	}
	for _, threads := range []int{1, 2} {
		for _, s := range shapes {
			for _, ep := range []Epilogue{{Bias: randSlice(r, s.n+2)}, {Relu: true}, {Bias: randSlice(r, s.n), Relu: true}} {
				name := fmt.Sprintf("threads=%d/%dx%dx%d/tA=%v/tB=%v/beta=%v/bias=%v/relu=%v", threads, s.m, s.n, s.k, s.transA, s.transB, s.beta, ep.Bias != nil, ep.Relu)
				t.Run(name, func(t *testing.T) {
					useThreads(t, threads)
					a := Matrix{Rows: s.m, Cols: s.k, Data: randSlice(r, s.m*s.k)}
					if s.transA {
						a.Rows, a.Cols = s.k, s.m
					}
					b := Matrix{Rows: s.k, Cols: s.n, Data: randSlice(r, s.k*s.n)}
					if s.transB {
						b.Rows, b.Cols = s.n, s.k
					}
					ldc := s.n + s.padC
					c0 := randSlice(r, s.m*ldc)
					want := Matrix{Rows: s.m, Cols: s.n, Stride: ldc, Data: append([]float32(nil), c0...)}
					got := Matrix{Rows: s.m, Cols: s.n, Stride: ldc, Data: append([]float32(nil), c0...)}
					o := Options{TransA: s.transA, TransB: s.transB, Beta: s.beta}
					Mul(want, a, b, o)
					for i := range s.m {
						row := want.Data[i*ldc : i*ldc+s.n]
						for j := range row {
							if ep.Bias != nil {
								row[j] += ep.Bias[j]
							}
							if ep.Relu {
								row[j] = max(row[j], 0)
							}
						}
					}
					o.Epilogue = &ep
					Mul(got, a, b, o)
					for i, w := range want.Data {
						if got.Data[i] != w {
							t.Fatalf("C[%d][%d] = %v, want %v", i/ldc, i%ldc, got.Data[i], w)
						}
					}
				})
			}
		}
	}
}

// TestEpilogueShortBias checks that a bias shorter than a row of C is
// refused with a message.
func TestEpilogueShortBias(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || fmt.Sprint(r) != "gemm.Mul: epilogue bias of 3 values for 4 columns" {
			t.Fatalf("panic %v", r)
		}
	}()
	c := NewMatrix(2, 4, make([]float32, 8))
	Mul(c, NewMatrix(2, 3, make([]float32, 6)), NewMatrix(3, 4, make([]float32, 12)), Options{Epilogue: &Epilogue{Bias: make([]float32, 3)}})
}

// TestEpilogueAllocs checks that a product with an epilogue allocates
// nothing in the steady state.
func TestEpilogueAllocs(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	a, b := NewMatrix(128, 300, randSlice(r, 128*300)), NewMatrix(300, 70, randSlice(r, 300*70))
	c := NewMatrix(128, 70, make([]float32, 128*70))
	ep := &Epilogue{Bias: randSlice(r, 70), Relu: true}
	Mul(c, a, b, Options{Epilogue: ep})
	if n := testing.AllocsPerRun(10, func() { Mul(c, a, b, Options{Epilogue: ep}) }); n != 0 {
		t.Errorf("Mul with an epilogue allocates %v times, want 0", n)
	}
}

// TestSparseEpilogue compares SparseMulEpilogue against SparseMul followed
// by the bias add and ReLU as separate passes, bit for bit, with every
// kernel set, on shapes with 64- and 32-column slabs, a Go remainder,
// several row blocks and one or two goroutines.
func TestSparseEpilogue(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, kern := range testKernels {
		for _, threads := range []int{1, 2} {
			for _, sh := range [][3]int{{1, 1, 1}, {33, 100, 40}, {128, 512, 784}, {1100, 70, 30}, {9, 200, 300}} {
				for _, ep := range []Epilogue{{Bias: randSlice(r, sh[1])}, {Relu: true}, {Bias: randSlice(r, sh[1]+1), Relu: true}} {
					m, n, k := sh[0], sh[1], sh[2]
					name := fmt.Sprintf("%s/threads=%d/%dx%dx%d/bias=%v/relu=%v", kern, threads, m, n, k, ep.Bias != nil, ep.Relu)
					t.Run(name, func(t *testing.T) {
						useKernel(t, kern)
						useThreads(t, threads)
						var s CSR
						s.FromDense(m, k, sparseSlice(r, m*k, 0.2), k, m*k)
						b := randSlice(r, k*n)
						want, got := make([]float32, m*n), make([]float32, m*n)
						SparseMul(&s, n, b, n, 0, want, n, nil)
						for i, v := range want {
							if ep.Bias != nil {
								v += ep.Bias[i%n]
							}
							if ep.Relu {
								v = max(v, 0)
							}
							want[i] = v
						}
						if !SparseMulEpilogue(&ep, threads, &s, n, b, n, 0, got, n, nil) {
							t.Fatal("SparseMulEpilogue reported an interrupt")
						}
						for i, w := range want {
							if got[i] != w {
								t.Fatalf("C[%d][%d] = %v, want %v", i/n, i%n, got[i], w)
							}
						}
					})
				}
			}
		}
	}
}

package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"golang.org/x/sys/cpu"
)

// refGemm is the naive triple loop with float64 accumulation. It also returns,
// per element, the magnitude |alpha|·Σ|a||b| + |beta·c| used to scale the
// tolerance.
func refGemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) (want, mag []float64) {
	want = make([]float64, m*n)
	mag = make([]float64, m*n)
	for i := range m {
		for j := range n {
			var s, sa float64
			for p := range k {
				var av, bv float32
				if transA {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if transB {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				s += float64(av) * float64(bv)
				sa += math.Abs(float64(av) * float64(bv))
			}
			w := float64(alpha) * s
			g := math.Abs(float64(alpha)) * sa
			if beta != 0 {
				w += float64(beta) * float64(c[i*ldc+j])
				g += math.Abs(float64(beta) * float64(c[i*ldc+j]))
			}
			want[i*n+j], mag[i*n+j] = w, g
		}
	}
	return want, mag
}

func randSlice(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(r.NormFloat64())
	}
	return s
}

// testKernels are the kernel sets the tests run (see useKernel).
var testKernels = []string{"avx512", "asm", "generic"}

// useKernel switches to the kernel set named by path for one test: a
// NNLAB_GEMM value, or "asm" for the 6×16 assembly kernels (AVX2+FMA on
// amd64). It skips the test, saying why, if this CPU cannot run the set.
func useKernel(t testing.TB, path string) {
	want := path
	if path == "asm" {
		want = asmPath
		if asmKernel == nil {
			t.Skipf("no %s kernel on this machine; %s kernel not tested", asmName, asmName)
		}
	}
	var set *kernelSet
	for _, s := range kernelSets() {
		if s.path == want {
			set = &s
			break
		}
	}
	if set == nil {
		if want == "avx512" {
			t.Skip("CPU lacks AVX-512F; avx512 kernel not tested")
		}
		t.Skipf("CPU cannot run the %s kernels; not tested", want)
	}
	old, oldName := kernel, kernelName
	oldSp, oldSp32, oldS, oldS32, oldC := spKernel, spKernel32, scatterKernel, scatterKernel32, compressKernel
	setKernels(*set)
	t.Cleanup(func() {
		kernel, kernelName = old, oldName
		spKernel, spKernel32, scatterKernel, scatterKernel32, compressKernel = oldSp, oldSp32, oldS, oldS32, oldC
	})
}

// useThreads sets the thread count for one test; with threads > 1 it also
// forces the parallel path on small matrices.
func useThreads(t testing.TB, n int) {
	oldMin, oldProcs := parallelMinMACs, runtime.GOMAXPROCS(0)
	SetThreads(n)
	if n > 1 {
		parallelMinMACs = 0
		if oldProcs < n {
			runtime.GOMAXPROCS(n)
		}
	}
	t.Cleanup(func() {
		SetThreads(0)
		parallelMinMACs = oldMin
		runtime.GOMAXPROCS(oldProcs)
	})
}

type gemmCase struct {
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	padA, padB     int // extra stride beyond the minimum
	padC           int
}

func (tc gemmCase) String() string {
	return fmt.Sprintf("tA=%v,tB=%v,%dx%dx%d,alpha=%g,beta=%g,pad=%d/%d/%d", tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, tc.beta, tc.padA, tc.padB, tc.padC)
}

// check runs one case and compares it with refGemm.
func check(t *testing.T, r *rand.Rand, tc gemmCase) {
	t.Helper()
	ar, ac := tc.m, tc.k
	if tc.transA {
		ar, ac = tc.k, tc.m
	}
	br, bc := tc.k, tc.n
	if tc.transB {
		br, bc = tc.n, tc.k
	}
	lda, ldb, ldc := max(1, ac)+tc.padA, max(1, bc)+tc.padB, max(1, tc.n)+tc.padC
	a := randSlice(r, need(ar, ac, lda))
	b := randSlice(r, need(br, bc, ldb))
	c := randSlice(r, need(tc.m, tc.n, ldc)+tc.padC) // padding after the last row too
	if tc.beta == 0 {
		for i := range c {
			c[i] = float32(math.NaN()) // must be ignored
		}
	}
	orig := append([]float32(nil), c...)
	want, mag := refGemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, c, ldc)
	Sgemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, c, ldc)
	bad := 0
	if tc.m == 0 || tc.n == 0 {
		for i := range c {
			if math.Float32bits(c[i]) != math.Float32bits(orig[i]) {
				t.Fatalf("%v: empty product changed C", tc)
			}
		}
		return
	}
	for i := range tc.m {
		for j := range ldc {
			got := c[i*ldc+j]
			if j >= tc.n { // padding must be untouched
				if math.Float32bits(got) != math.Float32bits(orig[i*ldc+j]) {
					t.Fatalf("%v: padding C[%d,%d] changed from %v to %v", tc, i, j, orig[i*ldc+j], got)
				}
				continue
			}
			w, g := want[i*tc.n+j], mag[i*tc.n+j]
			if d := math.Abs(float64(got) - w); !(d <= 1e-4*g+1e-6) {
				if bad++; bad <= 5 {
					t.Errorf("%v: C[%d,%d] = %v, want %v (|diff| %g, scale %g)", tc, i, j, got, w, d, g)
				}
			}
		}
	}
	if bad > 0 {
		t.Fatalf("%v: %d wrong elements", tc, bad)
	}
	for i := need(tc.m, tc.n, ldc); i < len(c); i++ {
		if math.Float32bits(c[i]) != math.Float32bits(orig[i]) {
			t.Fatalf("%v: C beyond the last row changed", tc)
		}
	}
}

// cases returns the table: fixed edge and block-boundary shapes, then
// random small shapes, each with every transpose combination.
func cases(r *rand.Rand, short bool) []gemmCase {
	shapes := [][3]int{
		{1, 1, 1}, {1, 37, 5}, {37, 1, 5}, {1, 1, 300}, {5, 7, 1}, {6, 16, 1},
		{6, 16, 4}, {6, 16, 7}, {12, 32, 256}, {13, 33, 257}, {7, 17, 513},
		{145, 20, 10}, {289, 40, 3}, {20, 2049, 9}, {128, 10, 128},
		{129, 511, 785},
	}
	if !short {
		shapes = append(shapes, [3]int{300, 2100, 30}, [3]int{128, 512, 784},
			[3]int{4*mcMax + 7, 45, 70}, [3]int{4 * mcMax, 128, 300}, [3]int{1000, 20, 3})
	}
	for range 40 {
		shapes = append(shapes, [3]int{1 + r.IntN(40), 1 + r.IntN(40), 1 + r.IntN(40)})
	}
	scalars := [][2]float32{{1, 0}, {1, 1}, {-0.5, 2}, {2, -1}, {0, 0.5}, {0, 0}}
	var out []gemmCase
	for si, s := range shapes {
		for tr := range 4 {
			sc := scalars[(si+tr)%len(scalars)]
			if s[0]*s[1]*s[2] > 1e6 && tr != si%4 {
				continue // big shapes: one transpose combination each
			}
			pad := 0
			if (si+tr)%3 == 0 {
				pad = 1 + r.IntN(5)
			}
			out = append(out, gemmCase{
				transA: tr&1 != 0, transB: tr&2 != 0,
				m: s[0], n: s[1], k: s[2],
				alpha: sc[0], beta: sc[1],
				padA: pad, padB: 2 * pad, padC: pad,
			})
		}
	}
	// Zero-sized dimensions and k == 0.
	out = append(out,
		gemmCase{m: 0, n: 5, k: 3, alpha: 1, beta: 0},
		gemmCase{m: 5, n: 0, k: 3, alpha: 1, beta: 0},
		gemmCase{m: 5, n: 4, k: 0, alpha: 1, beta: 0},
		gemmCase{m: 5, n: 4, k: 0, alpha: 1, beta: 3, transA: true},
	)
	return out
}

func TestSgemm(t *testing.T) {
	for _, kern := range testKernels {
		for _, threads := range []int{1, 2, 3} {
			t.Run(fmt.Sprintf("%s/threads=%d", kern, threads), func(t *testing.T) {
				useKernel(t, kern)
				useThreads(t, threads)
				r := rand.New(rand.NewPCG(1, uint64(threads)))
				for _, tc := range cases(r, testing.Short()) {
					check(t, r, tc)
				}
			})
		}
	}
}

// TestDefaultKernel logs the kernel in use (CI greps "kernel: ") and checks
// that, unless NNLAB_GEMM says otherwise, it is the fastest this CPU runs.
func TestDefaultKernel(t *testing.T) {
	t.Logf("kernel: %s", Kernel())
	want := "generic"
	x := cpu.X86
	switch {
	case runtime.GOARCH != "amd64":
		want = kernelSets()[0].dense.name // another architecture's assembly, or generic
	case x.HasAVX512F && x.HasAVX2 && x.HasFMA:
		want = "avx512 6x32"
	case x.HasAVX2 && x.HasFMA:
		want = "avx2+fma 6x16"
	}
	if os.Getenv("NNLAB_GEMM") == "" && !strings.HasPrefix(Kernel(), want) {
		t.Errorf("kernel %q, want %q on this CPU", Kernel(), want)
	}
}

func TestPanics(t *testing.T) {
	a, b, c := make([]float32, 12), make([]float32, 12), make([]float32, 9)
	for _, tc := range []struct {
		name string
		f    func()
		msg  string
	}{
		{"negative", func() { Sgemm(false, false, -1, 3, 4, 1, a, 4, b, 3, 0, c, 3) }, "negative dimension"},
		{"lda", func() { Sgemm(false, false, 3, 3, 4, 1, a, 3, b, 3, 0, c, 3) }, "lda=3 < 4"},
		{"ldaT", func() { Sgemm(true, false, 3, 3, 4, 1, a, 2, b, 3, 0, c, 3) }, "lda=2 < 3"},
		{"ldb", func() { Sgemm(false, true, 3, 3, 4, 1, a, 4, b, 3, 0, c, 3) }, "ldb=3 < 4"},
		{"ldc", func() { Sgemm(false, false, 3, 3, 4, 1, a, 4, b, 3, 0, c, 2) }, "ldc=2 < 3"},
		{"lena", func() { Sgemm(false, false, 4, 3, 4, 1, a, 4, b, 3, 0, make([]float32, 12), 3) }, "len(a)=12 < 16"},
		{"lenb", func() { Sgemm(false, false, 3, 3, 5, 1, make([]float32, 15), 5, b, 3, 0, c, 3) }, "len(b)=12 < 15"},
		{"lenc", func() { Sgemm(false, false, 3, 4, 4, 1, a, 4, make([]float32, 16), 4, 0, c, 4) }, "len(c)=9 < 12"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				r := recover()
				s, _ := r.(string)
				if !strings.Contains(s, tc.msg) || !strings.Contains(s, "gemm.Sgemm") {
					t.Errorf("panic %q, want it to mention %q", r, tc.msg)
				}
			}()
			tc.f()
		})
	}
}

func TestInterrupt(t *testing.T) {
	for _, kern := range testKernels {
		for _, threads := range []int{1, 2} {
			t.Run(fmt.Sprintf("%s/threads=%d", kern, threads), func(t *testing.T) {
				useKernel(t, kern)
				useThreads(t, threads)
				const m, n, k = 600, 300, 700
				r := rand.New(rand.NewPCG(3, 4))
				a, b, c := randSlice(r, m*k), randSlice(r, k*n), make([]float32, m*n)
				var calls atomic.Int32
				stop := func() bool { return calls.Add(1) > 3 }
				if SgemmCheck(false, false, m, n, k, 1, a, k, b, n, 0, c, n, stop) {
					t.Fatal("SgemmCheck completed despite stop")
				}
				if SgemmCheck(false, false, m, n, k, 1, a, k, b, n, 0, c, n, func() bool { return false }) != true {
					t.Fatal("SgemmCheck reported an interrupt that did not happen")
				}
				if !SgemmCheck(false, false, 2, 2, 2, 1, a, 2, b, 2, 0, c, 2, nil) {
					t.Fatal("nil stop")
				}
			})
		}
	}
}

func TestAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	shapes := [][3]int{{128, 512, 784}, {128, 10, 128}}
	for _, kern := range testKernels {
		for _, threads := range []int{1, 2} {
			for _, s := range shapes {
				for tr := range 4 {
					m, n, k := s[0], s[1], s[2]
					tA, tB := tr&1 != 0, tr&2 != 0
					t.Run(fmt.Sprintf("%s/threads=%d/%dx%dx%d/tA=%v,tB=%v", kern, threads, m, n, k, tA, tB), func(t *testing.T) {
						useKernel(t, kern)
						useThreads(t, threads)
						r := rand.New(rand.NewPCG(5, 6))
						a, b, c := randSlice(r, m*k), randSlice(r, k*n), make([]float32, m*n)
						lda, ldb := k, n
						if tA {
							lda = m
						}
						if tB {
							ldb = k
						}
						f := func() { Sgemm(tA, tB, m, n, k, 1, a, lda, b, ldb, 0, c, n) }
						f()
						if got := testing.AllocsPerRun(20, f); got != 0 {
							t.Errorf("%v allocations per call, want 0", got)
						}
					})
				}
			}
		}
	}
}

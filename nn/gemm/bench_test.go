package gemm

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"time"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// benchShape is one product C[m×n] = op(A)[m×k]·op(B)[k×n].
type benchShape struct {
	name           string
	transA, transB bool
	m, n, k        int
}

// benchShapes are the products of the tutorial MLP (batch 128,
// 784-512-256-128-10), its evaluation pass and two im2col convolutions.
var benchShapes = []benchShape{
	{"fwd_128x784x512", false, false, 128, 512, 784},
	{"fwd_128x512x256", false, false, 128, 256, 512},
	{"fwd_128x256x128", false, false, 128, 128, 256},
	{"fwd_128x128x10", false, false, 128, 10, 128},
	{"dW_784x128Tx512", true, false, 784, 512, 128},
	{"dX_128x512x784T", false, true, 128, 784, 512},
	{"eval_10000x784x512", false, false, 10000, 512, 784},
	{"conv1_86528x9x32", false, false, 128 * 26 * 26, 32, 9},
	{"conv2_73728x288x64", false, false, 128 * 24 * 24, 64, 288},
}

// operands returns random operands for s with minimal strides.
func (s benchShape) operands() (a []float32, lda int, b []float32, ldb int, c []float32) {
	r := rand.New(rand.NewPCG(7, 8))
	a, b, c = randSlice(r, s.m*s.k), randSlice(r, s.k*s.n), randSlice(r, s.m*s.n)
	lda, ldb = s.k, s.n
	if s.transA {
		lda = s.m
	}
	if s.transB {
		ldb = s.k
	}
	return a, lda, b, ldb, c
}

var peaks sync.Map // instruction set → measured peak, GFLOP/s

// peakPath is the instruction set whose FMA loop bounds the kernels in
// use: "avx512" for the AVX-512 kernel, "avx2" for the others.
func peakPath() string {
	if kernel.nr == 32 {
		return "avx512"
	}
	return "avx2"
}

// measuredPeak is the single-core FP32 rate of a loop of independent FMAs
// of the given instruction set (best of several runs), in GFLOP/s: the
// attainable peak: clock × 2 FMA pipes × 8 (avx2) or 16 (avx512) lanes ×
// 2 flops on Zen 5, half of that for avx512 on Zen 4 (see
// BenchmarkPeakFMA). 0 if unavailable.
func measuredPeak(path string) float64 {
	if g, ok := peaks.Load(path); ok {
		return g.(float64)
	}
	loop, flops, ok := peakLoop(path)
	if !ok {
		return 0
	}
	const iters = 1_000_000
	best := 0.0
	for range 10 {
		t0, c0 := time.Now(), cpuNanos()
		loop(iters)
		ns := float64(time.Since(t0).Nanoseconds())
		if c := float64(cpuNanos() - c0); c > ns/2 {
			ns = min(ns, c) // CPU time excludes time other processes ran
		}
		best = max(best, float64(flops)*iters/ns)
	}
	peaks.Store(path, best)
	return best
}

// BenchmarkPeakFMA measures the single-core FP32 peak with a pure FMA loop
// of 256-bit (avx2) and 512-bit (avx512) FMAs (per CPU-second when that is
// smaller than wall time). It reports "GHz" as the implied clock, assuming
// two FMA pipes: GFLOP/s ÷ 32 (avx2) or 64 (avx512) flops/cycle. Zen 4
// splits each 512-bit FMA in two 256-bit halves, so there the avx512 rate
// equals the avx2 one and its implied clock is half the real one (measured
// on an EPYC 9004: 113.6 and 114.7 GFLOP/s); Zen 5 and Intel's AVX-512
// server cores run 512-bit FMAs whole, at twice the AVX2 rate.
func BenchmarkPeakFMA(b *testing.B) {
	for _, path := range []string{"avx2", "avx512"} {
		b.Run(path, func(b *testing.B) {
			loop, flops, ok := peakLoop(path)
			if !ok {
				b.Skipf("CPU lacks %s", path)
			}
			const iters = 100_000
			cpu0 := cpuNanos()
			for b.Loop() {
				loop(iters)
			}
			ns := float64(b.Elapsed().Nanoseconds())
			if c := float64(cpuNanos() - cpu0); cpu0 != 0 && c > ns/2 {
				ns = min(ns, c)
			}
			g := float64(flops) * iters * float64(b.N) / ns
			b.ReportMetric(g, "GFLOP/s")
			lanes := 8.0
			if path == "avx512" {
				lanes = 16
			}
			b.ReportMetric(g/(2*2*lanes), "GHz")
		})
	}
}

// BenchmarkKernel measures each micro-kernel alone on a packed A sliver and
// B sliver that stay in L1 (k = 256, beta = 1), against the peak of its
// instruction set.
func BenchmarkKernel(b *testing.B) {
	for _, path := range testKernels {
		b.Run(path, func(b *testing.B) {
			useKernel(b, path)
			const k = kcMax
			r := rand.New(rand.NewPCG(1, 2))
			a, bp := randSlice(r, mr*k), randSlice(r, kernel.nr*k)
			c := make([]float32, mr*kernel.nr)
			cpu0 := cpuNanos()
			for b.Loop() {
				kernel.fn(k, &a[0], &bp[0], &c[0], kernel.nr, 1, 1)
			}
			reportFlops(b, benchShape{m: mr, n: kernel.nr, k: k}, cpu0, 1)
		})
	}
}

// reportFlops reports wall-clock GFLOP/s and, because the machine is shared,
// GFLOP per CPU-second of the process (cpu0 is cpuNanos before the loop):
// with one thread that is the rate while actually running, unaffected by
// other processes stealing the core. %peak1 compares the latter (single
// thread) with the measured FMA-loop peak.
func reportFlops(b *testing.B, s benchShape, cpu0 int64, threads int) {
	cpu := cpuNanos() - cpu0
	flops := 2 * float64(s.m) * float64(s.n) * float64(s.k) * float64(b.N)
	g := flops / float64(b.Elapsed().Nanoseconds())
	b.ReportMetric(g, "GFLOP/s")
	if cpu0 == 0 || cpu <= 0 {
		return
	}
	gc := flops / float64(cpu) * float64(threads)
	b.ReportMetric(gc, "GFLOP/cpu-s")
	if p := measuredPeak(peakPath()); p > 0 && threads == 1 {
		b.ReportMetric(100*gc/p, "%peak1")
	}
}

// BenchmarkSgemm reports GFLOP/s for each shape with 1 and 2 threads and,
// for one thread, the percentage of the measured single-core peak of the
// kernel's instruction set (the 512-bit FMA loop for the AVX-512 kernel,
// the 256-bit one otherwise). Compare kernels with NNLAB_GEMM.
func BenchmarkSgemm(b *testing.B) {
	if p := measuredPeak(peakPath()); p > 0 {
		b.Logf("kernel %s; measured single-core FP32 peak (%s FMA loop) %.1f GFLOP/s", Kernel(), peakPath(), p)
	}
	for _, s := range benchShapes {
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/threads=%d", s.name, threads), func(b *testing.B) {
				if runtime.GOMAXPROCS(0) < threads {
					b.Skipf("GOMAXPROCS=%d", runtime.GOMAXPROCS(0))
				}
				SetThreads(threads)
				defer SetThreads(0)
				a, lda, bb, ldb, c := s.operands()
				Sgemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, bb, ldb, 0, c, s.n)
				cpu0 := cpuNanos()
				for b.Loop() {
					Sgemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, bb, ldb, 0, c, s.n)
				}
				reportFlops(b, s, cpu0, threads)
			})
		}
	}
}

// BenchmarkGonum runs the same shapes through gonum's blas32 (pure Go, which
// parallelises internally over GOMAXPROCS; threads=N sets GOMAXPROCS=N).
func BenchmarkGonum(b *testing.B) {
	for _, s := range benchShapes {
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/threads=%d", s.name, threads), func(b *testing.B) {
				if runtime.NumCPU() < threads {
					b.Skip("not enough CPUs")
				}
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(threads))
				a, lda, bb, ldb, c := s.operands()
				tA, tB := blas.NoTrans, blas.NoTrans
				ga := blas32.General{Rows: s.m, Cols: s.k, Stride: lda, Data: a}
				gb := blas32.General{Rows: s.k, Cols: s.n, Stride: ldb, Data: bb}
				if s.transA {
					tA, ga.Rows, ga.Cols = blas.Trans, s.k, s.m
				}
				if s.transB {
					tB, gb.Rows, gb.Cols = blas.Trans, s.n, s.k
				}
				gc := blas32.General{Rows: s.m, Cols: s.n, Stride: s.n, Data: c}
				cpu0 := cpuNanos()
				for b.Loop() {
					blas32.Gemm(tA, tB, 1, ga, gb, 0, gc)
				}
				reportFlops(b, s, cpu0, threads)
			})
		}
	}
}
